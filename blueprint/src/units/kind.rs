//! The kinds of unit string, sizes and durations: their units and aliases, and reading a
//! number with its unit, with what to say when that fails.

use super::UnitError;
use super::decimal::{DecimalError, MAX_DECIMALS, Scaled, parse_decimal, split_number};

/// Size units and their factors in bytes; IEC first, so that suggestions prefer them.
pub(super) const SIZE_UNITS: &[(&str, u64)] = &[
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
pub(super) const IEC_UNITS: &[(&str, u64)] = &[
    ("PiB", 1 << 50),
    ("TiB", 1 << 40),
    ("GiB", 1 << 30),
    ("MiB", 1 << 20),
    ("KiB", 1 << 10),
];

/// SI units, largest first, for sizes no IEC unit writes exactly.
pub(super) const SI_UNITS: &[(&str, u64)] = &[
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
pub(super) const DURATION_UNITS: &[(&str, u64)] = &[
    ("ms", 1),
    ("s", 1_000),
    ("m", 60_000),
    ("h", 3_600_000),
    ("d", 86_400_000),
    ("w", 604_800_000),
    ("y", 31_536_000_000),
];

/// Words people write for durations, and the unit to suggest instead.
pub(super) const DURATION_ALIASES: &[(&str, &str)] = &[
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

pub(super) const SIZE_UNITS_HELP: &str = "Size units are B, KiB, MiB, GiB, TiB, PiB (powers of 1024) and kB, MB, GB, TB, PB (powers of 1000), e.g. \"4GiB\"";
pub(super) const DURATION_UNITS_HELP: &str =
    "Duration units are ms, s, m, h, d, w and y, e.g. \"30s\" or \"1h30m\"";

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
pub(super) struct Kind {
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

pub(super) const SIZE: Kind = Kind {
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

pub(super) const DURATION: Kind = Kind {
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
    pub(super) fn unit(
        &self,
        unit: &str,
        number: &str,
        input: &str,
    ) -> Result<(usize, u64), UnitError> {
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
    pub(super) fn check_start(&self, input: &str) -> Result<(), UnitError> {
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

    pub(super) fn no_unit(&self, number: &str, input: &str) -> UnitError {
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
    pub(super) fn scale(&self, number: &str, factor: u64, input: &str) -> Result<u128, UnitError> {
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

    pub(super) fn too_large(&self, input: &str) -> UnitError {
        UnitError::new(
            format!("{} \"{input}\" is too large", self.name),
            self.too_large_help,
        )
    }

    pub(super) fn fit(&self, value: u128, input: &str) -> Result<u64, UnitError> {
        u64::try_from(value).map_err(|_| self.too_large(input))
    }
}
