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
mod tests;
