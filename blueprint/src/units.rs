//! Parsing and formatting of the unit strings that blueprints write for sizes (`"4GiB"`),
//! durations (`"1h30m"`) and ratios (`"5%"`); every parse error says what is wrong and,
//! separately, how to write it instead, with an example.

mod decimal;
mod kind;

use std::fmt;

use decimal::{is_decimal, split_letters, split_number};
use kind::{
    DURATION, DURATION_ALIASES, DURATION_UNITS, DURATION_UNITS_HELP, IEC_UNITS, SI_UNITS, SIZE,
};

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
