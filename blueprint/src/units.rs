//! Parsing and formatting of the unit strings that blueprints write for sizes (`"4GiB"`),
//! durations (`"1h30m"`) and ratios (`"5%"`); every parse error says what is wrong and,
//! separately, how to write it instead, with an example.

use std::fmt;

/// A unit string that could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitError {
    /// What is wrong.
    pub message: String,
    /// How to fix it, with an example.
    pub help: String,
}

impl UnitError {
    fn new(message: impl Into<String>, help: impl Into<String>) -> Self {
        UnitError {
            message: message.into(),
            help: help.into(),
        }
    }
}

impl fmt::Display for UnitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for UnitError {}

/// Size units and their factors in bytes; IEC first, so that suggestions prefer them.
const SIZE_UNITS: &[(&str, u64)] = &[
    ("B", 1),
    ("KiB", 1 << 10),
    ("MiB", 1 << 20),
    ("GiB", 1 << 30),
    ("TiB", 1 << 40),
    ("PiB", 1 << 50),
    ("kB", 1_000),
    ("KB", 1_000),
    ("MB", 1_000_000),
    ("GB", 1_000_000_000),
    ("TB", 1_000_000_000_000),
    ("PB", 1_000_000_000_000_000),
];

/// The IEC units that `format_size` prefers, largest first.
const IEC_UNITS: &[(&str, u64)] = &[
    ("PiB", 1 << 50),
    ("TiB", 1 << 40),
    ("GiB", 1 << 30),
    ("MiB", 1 << 20),
    ("KiB", 1 << 10),
];

/// SI units, largest first, for sizes no IEC unit writes exactly.
const SI_UNITS: &[(&str, u64)] = &[
    ("PB", 1_000_000_000_000_000),
    ("TB", 1_000_000_000_000),
    ("GB", 1_000_000_000),
    ("MB", 1_000_000),
    ("kB", 1_000),
];

/// Words people write for sizes, and the unit to suggest instead.
const SIZE_ALIASES: &[(&str, &str)] = &[
    ("byte", "B"),
    ("bytes", "B"),
    ("k", "KiB"),
    ("ki", "KiB"),
    ("m", "MiB"),
    ("mi", "MiB"),
    ("g", "GiB"),
    ("gi", "GiB"),
    ("t", "TiB"),
    ("ti", "TiB"),
    ("p", "PiB"),
    ("pi", "PiB"),
];

/// Duration units and their factors in milliseconds, smallest first: a compound duration
/// must list them from the end of this table towards its start.
const DURATION_UNITS: &[(&str, u64)] = &[
    ("ms", 1),
    ("s", 1_000),
    ("m", 60_000),
    ("h", 3_600_000),
    ("d", 86_400_000),
    ("w", 604_800_000),
    ("y", 31_536_000_000),
];

/// Words people write for durations, and the unit to suggest instead.
const DURATION_ALIASES: &[(&str, &str)] = &[
    ("msec", "ms"),
    ("msecs", "ms"),
    ("millisecond", "ms"),
    ("milliseconds", "ms"),
    ("sec", "s"),
    ("secs", "s"),
    ("second", "s"),
    ("seconds", "s"),
    ("min", "m"),
    ("mins", "m"),
    ("minute", "m"),
    ("minutes", "m"),
    ("hr", "h"),
    ("hrs", "h"),
    ("hour", "h"),
    ("hours", "h"),
    ("day", "d"),
    ("days", "d"),
    ("wk", "w"),
    ("week", "w"),
    ("weeks", "w"),
    ("yr", "y"),
    ("yrs", "y"),
    ("year", "y"),
    ("years", "y"),
];

const SIZE_UNITS_HELP: &str = "Size units are B, KiB, MiB, GiB, TiB, PiB (powers of 1024) and kB, MB, GB, TB, PB (powers of 1000), e.g. \"4GiB\"";
const DURATION_UNITS_HELP: &str =
    "Duration units are ms, s, m, h, d, w and y, e.g. \"30s\" or \"1h30m\"";

/// At most this many decimal places (after dropping trailing zeros) are accepted.
const MAX_DECIMALS: usize = 18;

/// A non-negative decimal number, exactly: `digits / divisor`, where `divisor` is a power of ten.
struct Decimal {
    digits: u128,
    divisor: u128,
}

/// Why a number could not be read.
enum DecimalError {
    Malformed,
    TooManyDecimals,
    TooLarge,
}

/// A decimal multiplied by a unit's factor.
enum Scaled {
    Exact(u128),
    NotWhole,
    TooLarge,
}

impl Decimal {
    /// Multiplies by `factor`, exactly.
    fn times(&self, factor: u64) -> Scaled {
        match self.digits.checked_mul(u128::from(factor)) {
            None => Scaled::TooLarge,
            Some(product) if !product.is_multiple_of(self.divisor) => Scaled::NotWhole,
            Some(product) => Scaled::Exact(product / self.divisor),
        }
    }
}

/// True for `digits` or `digits.digits`.
fn is_decimal(text: &str) -> bool {
    let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    match text.split_once('.') {
        Some((int, frac)) => all_digits(int) && all_digits(frac),
        None => all_digits(text),
    }
}

/// Reads `digits` or `digits.digits` exactly.
fn parse_decimal(text: &str) -> Result<Decimal, DecimalError> {
    if !is_decimal(text) {
        return Err(DecimalError::Malformed);
    }
    let (int, frac) = text.split_once('.').unwrap_or((text, ""));
    let frac = frac.trim_end_matches('0');
    if frac.len() > MAX_DECIMALS {
        return Err(DecimalError::TooManyDecimals);
    }
    let digits = int
        .bytes()
        .chain(frac.bytes())
        .try_fold(0u128, |acc, b| {
            acc.checked_mul(10)?.checked_add(u128::from(b - b'0'))
        })
        .ok_or(DecimalError::TooLarge)?;
    let divisor = u32::try_from(frac.len())
        .ok()
        .and_then(|places| 10u128.checked_pow(places))
        .ok_or(DecimalError::TooManyDecimals)?;
    Ok(Decimal { digits, divisor })
}

/// Splits a leading run of digits and decimal points from the rest.
fn split_number(s: &str) -> (&str, &str) {
    let end = s
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(s.len());
    s.split_at(end)
}

/// Splits a leading run of ASCII letters from the rest.
fn split_letters(s: &str) -> (&str, &str) {
    let end = s
        .find(|c: char| !c.is_ascii_alphabetic())
        .unwrap_or(s.len());
    s.split_at(end)
}

/// The unit to suggest for an unknown one: the closest name (case-insensitively) among the
/// units and their aliases, if it is close enough.
fn suggest(
    unit: &str,
    units: &[(&'static str, u64)],
    aliases: &[(&'static str, &'static str)],
) -> Option<&'static str> {
    let lower = unit.to_lowercase();
    units
        .iter()
        .map(|(name, _)| (*name, *name))
        .chain(aliases.iter().copied())
        .filter_map(|(name, target)| {
            let distance = strsim::levenshtein(&lower, &name.to_lowercase());
            let limit = if name.len() <= 3 { 1 } else { 2 };
            (distance <= limit).then_some((distance, target))
        })
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, target)| target)
}

/// What a kind of unit string is called, its units, and how to help with them.
struct Kind {
    name: &'static str,
    /// The plural, capitalised to start a sentence.
    plural: &'static str,
    units: &'static [(&'static str, u64)],
    aliases: &'static [(&'static str, &'static str)],
    units_help: &'static str,
    /// A valid example, quoted.
    example: &'static str,
    /// The unit to suggest for a bare number.
    bare_unit: &'static str,
    /// What a value must be a whole number of.
    quantum: &'static str,
    not_whole_help: &'static str,
    too_large_help: &'static str,
}

const SIZE: Kind = Kind {
    name: "size",
    plural: "Sizes",
    units: SIZE_UNITS,
    aliases: SIZE_ALIASES,
    units_help: SIZE_UNITS_HELP,
    example: "\"4GiB\"",
    bare_unit: "GiB",
    quantum: "bytes",
    not_whole_help: "A size must come to whole bytes, e.g. \"1.5KiB\" (1536 bytes) but not \"0.3B\"",
    too_large_help: "The largest size is 18446744073709551615 bytes, just under 16384PiB",
};

const DURATION: Kind = Kind {
    name: "duration",
    plural: "Durations",
    units: DURATION_UNITS,
    aliases: DURATION_ALIASES,
    units_help: DURATION_UNITS_HELP,
    example: "\"30s\"",
    bare_unit: "s",
    quantum: "milliseconds",
    not_whole_help: "A duration must come to whole milliseconds, e.g. \"1.5s\" (1500ms) but not \"0.0005s\"",
    too_large_help: "The longest duration is 18446744073709551615ms, about 584 million years",
};

impl Kind {
    /// The index and factor of `unit`, or an error naming it with a suggestion.
    fn unit(&self, unit: &str, number: &str, input: &str) -> Result<(usize, u64), UnitError> {
        let found = self
            .units
            .iter()
            .enumerate()
            .find(|(_, (name, _))| *name == unit);
        if let Some((index, (_, factor))) = found {
            return Ok((index, *factor));
        }
        let message = format!("unknown {} unit \"{unit}\" in \"{input}\"", self.name);
        let help = match suggest(unit, self.units, self.aliases) {
            Some(better) => format!("Did you mean \"{better}\"? e.g. \"{number}{better}\""),
            None => self.units_help.to_string(),
        };
        Err(UnitError::new(message, help))
    }

    /// Errors shared by sizes and durations before any number is read.
    fn check_start(&self, input: &str) -> Result<(), UnitError> {
        if input.is_empty() {
            Err(UnitError::new(
                format!("the {} is empty", self.name),
                format!("Write a number and a unit, e.g. {}", self.example),
            ))
        } else if input.starts_with('-') {
            Err(UnitError::new(
                format!("{} \"{input}\" is negative", self.name),
                format!(
                    "A {} must be zero or more, e.g. {}",
                    self.name, self.example
                ),
            ))
        } else if split_number(input).0.is_empty() {
            Err(UnitError::new(
                format!("{} \"{input}\" does not start with a number", self.name),
                format!("Write a number and a unit, e.g. {}", self.example),
            ))
        } else {
            Ok(())
        }
    }

    fn no_unit(&self, number: &str, input: &str) -> UnitError {
        let message = if number == input.trim_end() {
            format!("{} \"{input}\" has no unit", self.name)
        } else {
            format!(
                "the number {number} at the end of {} \"{input}\" has no unit",
                self.name
            )
        };
        let help = format!(
            "{} need a unit such as \"{number}{}\"",
            self.plural, self.bare_unit
        );
        UnitError::new(message, help)
    }

    /// `number` units of `factor`, exactly.
    fn scale(&self, number: &str, factor: u64, input: &str) -> Result<u128, UnitError> {
        let decimal = parse_decimal(number).map_err(|err| match err {
            DecimalError::Malformed => UnitError::new(
                format!("{} \"{input}\" has a malformed number \"{number}\"", self.name),
                "Write digits with at most one decimal point and digits on both sides of it, e.g. \"1.5\"",
            ),
            DecimalError::TooManyDecimals => UnitError::new(
                format!("{} \"{input}\" has too many decimal places", self.name),
                format!("Use at most {MAX_DECIMALS} decimal places, or a smaller unit"),
            ),
            DecimalError::TooLarge => self.too_large(input),
        })?;
        match decimal.times(factor) {
            Scaled::Exact(value) => Ok(value),
            Scaled::NotWhole => Err(UnitError::new(
                format!(
                    "{} \"{input}\" is not a whole number of {}",
                    self.name, self.quantum
                ),
                self.not_whole_help,
            )),
            Scaled::TooLarge => Err(self.too_large(input)),
        }
    }

    fn too_large(&self, input: &str) -> UnitError {
        UnitError::new(
            format!("{} \"{input}\" is too large", self.name),
            self.too_large_help,
        )
    }

    fn fit(&self, value: u128, input: &str) -> Result<u64, UnitError> {
        u64::try_from(value).map_err(|_| self.too_large(input))
    }
}

/// Parses a size such as `"512MiB"`, `"1.5TiB"`, `"100GB"` or `"4 GiB"` into bytes.
///
/// IEC units (KiB, MiB, GiB, TiB, PiB) are powers of 1024, SI units (kB or KB, MB, GB, TB,
/// PB) powers of 1000, and `B` is bytes. One space may separate the number from its unit.
pub fn parse_size(s: &str) -> Result<u64, UnitError> {
    SIZE.check_start(s)?;
    let (number, rest) = split_number(s);
    let unit = rest.strip_prefix(' ').unwrap_or(rest);
    if unit.is_empty() {
        return Err(SIZE.no_unit(number, s));
    }
    if !unit.bytes().all(|b| b.is_ascii_alphabetic()) {
        return Err(UnitError::new(
            format!("size \"{s}\" has an invalid unit \"{unit}\""),
            "Write the number and then the unit, with at most one space between them, e.g. \"4GiB\" or \"4 GiB\"",
        ));
    }
    let (_, factor) = SIZE.unit(unit, number, s)?;
    let bytes = SIZE.scale(number, factor, s)?;
    SIZE.fit(bytes, s)
}

/// Parses a duration such as `"30s"`, `"1.5h"` or `"2d12h"` into milliseconds.
///
/// Units are ms, s, m, h, d, w and y (365 days). A compound duration lists its units from
/// the largest to the smallest, each at most once.
pub fn parse_duration(s: &str) -> Result<u64, UnitError> {
    DURATION.check_start(s)?;
    if s.contains(char::is_whitespace) {
        let help = match compact_duration(s) {
            Some(better) => {
                format!("Did you mean \"{better}\"? Durations are written without spaces")
            }
            None => "Write durations without spaces, e.g. \"1h30m\"".to_string(),
        };
        return Err(UnitError::new(
            format!("duration \"{s}\" contains spaces"),
            help,
        ));
    }
    let mut total: u128 = 0;
    let mut previous: Option<usize> = None;
    let mut rest = s;
    while !rest.is_empty() {
        let (number, after) = split_number(rest);
        let (unit, after) = split_letters(after);
        check_component(s, rest, number, unit, after)?;
        let (index, factor) = DURATION.unit(unit, number, s)?;
        if previous.is_some_and(|p| index >= p) {
            return Err(UnitError::new(
                format!(
                    "the units of duration \"{s}\" must go from the largest to the smallest, each at most once"
                ),
                "Write e.g. \"1h30m\" rather than \"30m1h\" or \"1h1h\"",
            ));
        }
        previous = Some(index);
        let part = DURATION.scale(number, factor, s)?;
        total = total
            .checked_add(part)
            .ok_or_else(|| DURATION.too_large(s))?;
        rest = after;
    }
    DURATION.fit(total, s)
}

/// A duration written in words, as "14 days" or "1 hour 30 minutes", in Strata's form
/// ("14d", "1h30m"); `None` when it does not read as one.
fn compact_duration(s: &str) -> Option<String> {
    let joined: String = s.split_whitespace().collect();
    let mut out = String::new();
    let mut rest = joined.as_str();
    while !rest.is_empty() {
        let (number, after) = split_number(rest);
        let (word, after) = split_letters(after);
        let word = word.to_ascii_lowercase();
        let unit = DURATION_UNITS
            .iter()
            .map(|(u, _)| *u)
            .find(|u| *u == word)
            .or_else(|| {
                DURATION_ALIASES
                    .iter()
                    .find(|(a, _)| *a == word)
                    .map(|(_, u)| *u)
            })?;
        if number.is_empty() {
            return None;
        }
        out.push_str(number);
        out.push_str(unit);
        rest = after;
    }
    parse_duration(&out).is_ok().then_some(out)
}

/// Checks that one `number unit` component of a duration has both parts.
fn check_component(
    input: &str,
    rest: &str,
    number: &str,
    unit: &str,
    after: &str,
) -> Result<(), UnitError> {
    let unexpected = || {
        let bad = rest.trim_start_matches(|c: char| c.is_ascii_alphanumeric() || c == '.');
        let bad = bad.chars().next().map_or_else(String::new, String::from);
        UnitError::new(
            format!("duration \"{input}\" contains an unexpected \"{bad}\""),
            DURATION_UNITS_HELP,
        )
    };
    if number.is_empty() {
        Err(unexpected())
    } else if unit.is_empty() && after.is_empty() {
        Err(DURATION.no_unit(number, input))
    } else if unit.is_empty() {
        Err(unexpected())
    } else {
        Ok(())
    }
}

/// Parses a ratio: a percentage such as `"5%"` (0.05) or `"150%"` (1.5), or a plain
/// fraction such as `"0.25"`. Callers check the bounds they need.
pub fn parse_ratio(s: &str) -> Result<f64, UnitError> {
    let help = "Write a percentage such as \"5%\" or a fraction such as \"0.05\"";
    if s.is_empty() {
        return Err(UnitError::new("the ratio is empty", help));
    }
    if s.starts_with('-') {
        return Err(UnitError::new(
            format!("ratio \"{s}\" is negative"),
            "A ratio must be zero or more, e.g. \"5%\"",
        ));
    }
    let (number, percent) = match s.strip_suffix('%') {
        Some(number) => (number, true),
        None => (s, false),
    };
    if !is_decimal(number) {
        return Err(UnitError::new(
            format!("ratio \"{s}\" is neither a percentage nor a number"),
            help,
        ));
    }
    // Shifting the decimal point in the text keeps "0.3%" exactly as close to 0.003 as f64 allows.
    let text = if percent {
        format!("{number}e-2")
    } else {
        number.to_string()
    };
    match text.parse::<f64>() {
        Ok(value) if value.is_finite() => Ok(value),
        _ => Err(UnitError::new(format!("ratio \"{s}\" is too large"), help)),
    }
}

/// Formats bytes with the unit that writes them exactly with the smallest number:
/// `"512MiB"`, `"1920GB"`, `"1536B"`.
pub fn format_size(bytes: u64) -> String {
    // The unit that writes the size exactly with the smallest number: IEC first, then
    // SI, so "1.92TB" reads back as "1920GB" rather than "1875000000KiB".
    IEC_UNITS
        .iter()
        .chain(SI_UNITS)
        .filter(|(_, factor)| bytes >= *factor && bytes.is_multiple_of(*factor))
        .min_by_key(|(_, factor)| bytes / factor)
        .map_or_else(
            || format!("{bytes}B"),
            |(unit, factor)| format!("{}{unit}", bytes / factor),
        )
}

/// Formats milliseconds in the canonical compound form: `"1h30m"`, `"300ms"`, `"0s"`.
pub fn format_duration(ms: u64) -> String {
    if ms == 0 {
        return "0s".to_string();
    }
    let mut out = String::new();
    let mut rest = ms;
    for (unit, factor) in DURATION_UNITS.iter().rev() {
        let count = rest / factor;
        if count > 0 {
            out.push_str(&format!("{count}{unit}"));
            rest %= factor;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const GIB: u64 = 1 << 30;
    const TIB: u64 = 1 << 40;

    fn size_err(s: &str) -> UnitError {
        parse_size(s).expect_err(s)
    }

    fn duration_err(s: &str) -> UnitError {
        parse_duration(s).expect_err(s)
    }

    #[test]
    fn durations_in_words_get_their_strata_form() {
        for (written, better) in [
            ("14 days", "14d"),
            ("1 hour 30 minutes", "1h30m"),
            ("2 Weeks", "2w"),
            ("30 s", "30s"),
            ("1.5 hours", "1.5h"),
        ] {
            let e = duration_err(written);
            assert!(e.message.contains("contains spaces"), "{written}: {e:?}");
            assert!(
                e.help.starts_with(&format!("Did you mean \"{better}\"?")),
                "{written}: {e:?}"
            );
        }
        for (written, help) in [
            ("1 hour and 30 minutes", "e.g. \"1h30m\""),
            ("30 minutes 1 hour", "e.g. \"1h30m\""),
            ("1 fortnight", "e.g. \"1h30m\""),
        ] {
            assert!(duration_err(written).help.ends_with(help), "{written}");
        }
    }

    #[test]
    fn sizes_in_iec_units() {
        assert_eq!(parse_size("512MiB"), Ok(512 << 20));
        assert_eq!(parse_size("4GiB"), Ok(4 * GIB));
        assert_eq!(parse_size("200TiB"), Ok(200 * TIB));
        assert_eq!(parse_size("1KiB"), Ok(1024));
        assert_eq!(parse_size("2PiB"), Ok(2 << 50));
    }

    #[test]
    fn sizes_in_si_units_and_bytes() {
        assert_eq!(parse_size("100GB"), Ok(100_000_000_000));
        assert_eq!(parse_size("1kB"), Ok(1000));
        assert_eq!(parse_size("1KB"), Ok(1000));
        assert_eq!(parse_size("3MB"), Ok(3_000_000));
        assert_eq!(parse_size("2TB"), Ok(2_000_000_000_000));
        assert_eq!(parse_size("1PB"), Ok(1_000_000_000_000_000));
        assert_eq!(parse_size("0B"), Ok(0));
        assert_eq!(parse_size("17B"), Ok(17));
    }

    #[test]
    fn sizes_with_fractions_are_exact() {
        assert_eq!(parse_size("1.5TiB"), Ok(TIB + TIB / 2));
        assert_eq!(parse_size("0.5KiB"), Ok(512));
        assert_eq!(parse_size("1.50000GiB"), Ok(GIB + GIB / 2));
        assert_eq!(parse_size("2.5kB"), Ok(2500));
    }

    #[test]
    fn sizes_accept_one_space() {
        assert_eq!(parse_size("4 GiB"), Ok(4 * GIB));
        let err = size_err("4  GiB");
        assert_eq!(err.message, "size \"4  GiB\" has an invalid unit \" GiB\"");
        assert!(err.help.contains("\"4 GiB\""));
        assert_eq!(
            size_err("4GiB ").message,
            "size \"4GiB \" has an invalid unit \"GiB \""
        );
        assert_eq!(
            size_err(" 4GiB").message,
            "size \" 4GiB\" does not start with a number"
        );
    }

    #[test]
    fn size_without_unit() {
        let err = size_err("4096");
        assert_eq!(err.message, "size \"4096\" has no unit");
        assert_eq!(err.help, "Sizes need a unit such as \"4096GiB\"");
        assert_eq!(size_err("4 ").message, "size \"4 \" has no unit");
    }

    #[test]
    fn size_negative_nan_and_empty() {
        let err = size_err("-4GiB");
        assert_eq!(err.message, "size \"-4GiB\" is negative");
        assert!(err.help.contains("zero or more"));
        assert_eq!(
            size_err("NaN").message,
            "size \"NaN\" does not start with a number"
        );
        assert_eq!(
            size_err("infGiB").message,
            "size \"infGiB\" does not start with a number"
        );
        assert_eq!(size_err("").message, "the size is empty");
    }

    #[test]
    fn size_overflow() {
        assert_eq!(parse_size("16383PiB"), Ok(16383 << 50));
        assert_eq!(
            size_err("16384PiB").message,
            "size \"16384PiB\" is too large"
        );
        assert_eq!(
            size_err("99999999999999999999999999999999999999999PiB").message,
            "size \"99999999999999999999999999999999999999999PiB\" is too large"
        );
        assert_eq!(parse_size("18446744073709551615B"), Ok(u64::MAX));
        assert!(
            size_err("18446744073709551616B")
                .message
                .contains("too large")
        );
    }

    #[test]
    fn size_not_whole_bytes() {
        let err = size_err("0.3B");
        assert_eq!(err.message, "size \"0.3B\" is not a whole number of bytes");
        assert!(err.help.contains("1.5KiB"));
        assert!(size_err("0.0001KiB").message.contains("whole number"));
    }

    #[test]
    fn size_malformed_numbers() {
        let err = size_err("1.2.3GiB");
        assert_eq!(
            err.message,
            "size \"1.2.3GiB\" has a malformed number \"1.2.3\""
        );
        assert!(size_err(".5GiB").message.contains("malformed"));
        assert!(size_err("5.GiB").message.contains("malformed"));
        assert!(
            size_err("1.0000000000000000001GiB")
                .message
                .contains("too many decimal places")
        );
    }

    #[test]
    fn size_unknown_units_get_suggestions() {
        let err = size_err("4Gib");
        assert_eq!(err.message, "unknown size unit \"Gib\" in \"4Gib\"");
        assert_eq!(err.help, "Did you mean \"GiB\"? e.g. \"4GiB\"");
        assert_eq!(size_err("4gb").help, "Did you mean \"GB\"? e.g. \"4GB\"");
        assert_eq!(size_err("4GIB").help, "Did you mean \"GiB\"? e.g. \"4GiB\"");
        assert_eq!(size_err("4G").help, "Did you mean \"GiB\"? e.g. \"4GiB\"");
        assert_eq!(size_err("4kb").help, "Did you mean \"kB\"? e.g. \"4kB\"");
        assert_eq!(size_err("4bytes").help, "Did you mean \"B\"? e.g. \"4B\"");
        assert_eq!(
            size_err("4GiBs").help,
            "Did you mean \"GiB\"? e.g. \"4GiB\""
        );
    }

    #[test]
    fn size_unknown_unit_without_suggestion() {
        let err = size_err("4parsecs");
        assert_eq!(err.message, "unknown size unit \"parsecs\" in \"4parsecs\"");
        assert_eq!(err.help, SIZE_UNITS_HELP);
    }

    #[test]
    fn durations_single_unit() {
        assert_eq!(parse_duration("300ms"), Ok(300));
        assert_eq!(parse_duration("30s"), Ok(30_000));
        assert_eq!(parse_duration("5m"), Ok(300_000));
        assert_eq!(parse_duration("2h"), Ok(7_200_000));
        assert_eq!(parse_duration("1d"), Ok(86_400_000));
        assert_eq!(parse_duration("1w"), Ok(604_800_000));
        assert_eq!(parse_duration("1y"), Ok(365 * 86_400_000));
        assert_eq!(parse_duration("0s"), Ok(0));
    }

    #[test]
    fn durations_compound() {
        assert_eq!(parse_duration("1h30m"), Ok(5_400_000));
        assert_eq!(parse_duration("2d12h"), Ok(216_000_000));
        assert_eq!(parse_duration("1m30s500ms"), Ok(90_500));
        assert_eq!(parse_duration("1y1w1d1h1m1s1ms"), Ok(32_230_861_001));
    }

    #[test]
    fn durations_with_fractions() {
        assert_eq!(parse_duration("1.5h"), Ok(5_400_000));
        assert_eq!(parse_duration("0.5s"), Ok(500));
        assert_eq!(parse_duration("1h0.5m"), Ok(3_630_000));
        let err = duration_err("0.0005s");
        assert_eq!(
            err.message,
            "duration \"0.0005s\" is not a whole number of milliseconds"
        );
        assert!(err.help.contains("1500ms"));
        assert!(duration_err("1.5ms").message.contains("whole number"));
    }

    #[test]
    fn durations_out_of_order_or_repeated() {
        let err = duration_err("30m1h");
        assert_eq!(
            err.message,
            "the units of duration \"30m1h\" must go from the largest to the smallest, each at most once"
        );
        assert!(err.help.contains("\"1h30m\""));
        assert!(duration_err("1h1h").message.contains("at most once"));
        assert!(duration_err("1s1m").message.contains("largest"));
    }

    #[test]
    fn duration_without_unit() {
        let err = duration_err("30");
        assert_eq!(err.message, "duration \"30\" has no unit");
        assert_eq!(err.help, "Durations need a unit such as \"30s\"");
        let err = duration_err("1h30");
        assert_eq!(
            err.message,
            "the number 30 at the end of duration \"1h30\" has no unit"
        );
        assert_eq!(err.help, "Durations need a unit such as \"30s\"");
    }

    #[test]
    fn duration_negative_empty_spaces_and_junk() {
        assert_eq!(duration_err("-5s").message, "duration \"-5s\" is negative");
        assert_eq!(duration_err("").message, "the duration is empty");
        assert_eq!(
            duration_err("1h 30m").message,
            "duration \"1h 30m\" contains spaces"
        );
        assert_eq!(
            duration_err("s").message,
            "duration \"s\" does not start with a number"
        );
        assert_eq!(
            duration_err("5s%").message,
            "duration \"5s%\" contains an unexpected \"%\""
        );
        assert_eq!(
            duration_err("5%").message,
            "duration \"5%\" contains an unexpected \"%\""
        );
        assert!(duration_err("1..5s").message.contains("malformed"));
    }

    #[test]
    fn duration_overflow() {
        assert_eq!(
            duration_err("600000000y").message,
            "duration \"600000000y\" is too large"
        );
        assert!(
            duration_err("584000000y100000000w")
                .message
                .contains("too large")
        );
        assert_eq!(parse_duration("18446744073709551615ms"), Ok(u64::MAX));
        assert!(
            duration_err("18446744073709551616ms")
                .message
                .contains("too large")
        );
    }

    #[test]
    fn duration_unknown_units_get_suggestions() {
        let err = duration_err("5min");
        assert_eq!(err.message, "unknown duration unit \"min\" in \"5min\"");
        assert_eq!(err.help, "Did you mean \"m\"? e.g. \"5m\"");
        assert_eq!(
            duration_err("4hours").help,
            "Did you mean \"h\"? e.g. \"4h\""
        );
        assert_eq!(
            duration_err("10sec").help,
            "Did you mean \"s\"? e.g. \"10s\""
        );
        assert_eq!(duration_err("3H").help, "Did you mean \"h\"? e.g. \"3h\"");
        assert_eq!(
            duration_err("2dayz").help,
            "Did you mean \"d\"? e.g. \"2d\""
        );
        assert_eq!(
            duration_err("1h5mins").help,
            "Did you mean \"m\"? e.g. \"5m\""
        );
        assert_eq!(duration_err("5fortnights").help, DURATION_UNITS_HELP);
    }

    #[test]
    fn ratios() {
        assert_eq!(parse_ratio("5%"), Ok(0.05));
        assert_eq!(parse_ratio("0.5%"), Ok(0.005));
        assert_eq!(parse_ratio("150%"), Ok(1.5));
        assert_eq!(parse_ratio("0.3%"), Ok(0.003));
        assert_eq!(parse_ratio("0.25"), Ok(0.25));
        assert_eq!(parse_ratio("0%"), Ok(0.0));
        assert_eq!(parse_ratio("1"), Ok(1.0));
    }

    #[test]
    fn ratio_errors() {
        let err = parse_ratio("-5%").expect_err("negative");
        assert_eq!(err.message, "ratio \"-5%\" is negative");
        assert_eq!(
            parse_ratio("five%").expect_err("word").message,
            "ratio \"five%\" is neither a percentage nor a number"
        );
        assert!(parse_ratio("5 %").is_err());
        assert!(parse_ratio("NaN").is_err());
        assert!(parse_ratio("inf").is_err());
        assert!(parse_ratio("1e3").is_err());
        assert!(parse_ratio("%").is_err());
        assert_eq!(
            parse_ratio("").expect_err("empty").message,
            "the ratio is empty"
        );
        let huge = format!("{}%", "9".repeat(400));
        assert_eq!(
            parse_ratio(&huge).expect_err("huge").message,
            format!("ratio \"{huge}\" is too large")
        );
    }

    #[test]
    fn formats_sizes() {
        assert_eq!(format_size(536_870_912), "512MiB");
        assert_eq!(format_size(1536), "1536B");
        assert_eq!(format_size(0), "0B");
        assert_eq!(format_size(1024), "1KiB");
        assert_eq!(format_size(3 * TIB), "3TiB");
        assert_eq!(format_size(1 << 60), "1024PiB");
        assert_eq!(format_size(1_000_000_000), "1GB");
        assert_eq!(format_size(1_920_000_000_000), "1920GB");
        assert_eq!(format_size(1536), "1536B");
        assert_eq!(format_size(u64::MAX), "18446744073709551615B");
    }

    #[test]
    fn formats_durations() {
        assert_eq!(format_duration(5_400_000), "1h30m");
        assert_eq!(format_duration(0), "0s");
        assert_eq!(format_duration(300), "300ms");
        assert_eq!(format_duration(86_400_000), "1d");
        assert_eq!(format_duration(1_500), "1s500ms");
        assert_eq!(format_duration(8 * 86_400_000), "1w1d");
        assert_eq!(format_duration(400 * 86_400_000), "1y5w");
    }

    #[test]
    fn size_round_trips() {
        let samples = [
            0,
            1,
            1023,
            1024,
            1536,
            536_870_912,
            3 * TIB,
            1_000_000_000,
            (1 << 63) + 1,
            1 << 63,
            u64::MAX,
        ];
        for bytes in samples {
            assert_eq!(parse_size(&format_size(bytes)), Ok(bytes), "{bytes}");
        }
    }

    #[test]
    fn duration_round_trips() {
        let samples = [
            0,
            1,
            999,
            1_000,
            90_500,
            5_400_000,
            86_400_000,
            32_230_861_001,
            400 * 86_400_000 + 1,
            u64::MAX,
        ];
        for ms in samples {
            assert_eq!(parse_duration(&format_duration(ms)), Ok(ms), "{ms}");
        }
    }

    #[test]
    fn errors_display_their_message() {
        let err = size_err("4");
        assert_eq!(err.to_string(), err.message);
    }
}
