//! Where a report comes from: when it was generated, by which Strata, from which commit
//! of the blueprint, and what its costs are counted in.

use serde::{Deserialize, Serialize};

/// The report's provenance; filled by the caller (the binary knows the clock and git).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Provenance {
    /// When it was generated, as an RFC 3339 UTC timestamp (`SOURCE_DATE_EPOCH` when set,
    /// so that a report can be reproduced byte for byte).
    pub generated_at: String,
    /// The Strata version that generated it.
    pub strata_version: String,
    /// The git commit of the blueprint's folder, if it is in a git repository.
    pub commit: Option<String>,
    /// True when the folder has changes not committed (the figures may not match `commit`).
    pub uncommitted_changes: bool,
    /// The ISO 4217 code costs are in (`strata { currency = "EUR" }`); `None` when unset.
    pub currency: Option<String>,
}

impl Provenance {
    /// How the commit reads: the hash (with "and changes not committed"), or that there is
    /// none.
    pub fn commit_text(&self) -> String {
        match (&self.commit, self.uncommitted_changes) {
            (Some(c), false) => c.clone(),
            (Some(c), true) => format!("{c}, with changes not committed"),
            (None, _) => "none (the blueprint is not in a git repository)".into(),
        }
    }

    /// An amount of money: thousands separated by commas, no decimals, after the currency
    /// code (`EUR 1,234,000`), or with `(currency not set)` after it.
    pub fn money(&self, amount: f64) -> String {
        let text = thousands(amount);
        match &self.currency {
            Some(c) => format!("{c} {text}"),
            None => format!("{text} (currency not set)"),
        }
    }
}

/// `x` rounded to a whole number with commas between thousands: `-1,234,568`.
pub fn thousands(x: f64) -> String {
    let whole = x.round();
    let digits = format!("{:.0}", whole.abs());
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if whole < 0.0 { format!("-{out}") } else { out }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_are_separated() {
        assert_eq!(thousands(0.0), "0");
        assert_eq!(thousands(999.4), "999");
        assert_eq!(thousands(1000.0), "1,000");
        assert_eq!(thousands(1_234_567.6), "1,234,568");
        assert_eq!(thousands(-48_000.0), "-48,000");
        assert_eq!(thousands(-0.2), "0");
    }

    #[test]
    fn money_names_its_currency_or_says_it_is_not_set() {
        let mut p = Provenance {
            currency: Some("EUR".into()),
            ..Provenance::default()
        };
        assert_eq!(p.money(902_000.0), "EUR 902,000");
        p.currency = None;
        assert_eq!(p.money(902_000.0), "902,000 (currency not set)");
    }

    #[test]
    fn a_missing_commit_is_said() {
        let p = Provenance::default();
        assert!(p.commit_text().starts_with("none"));
        let p = Provenance {
            commit: Some("abc123".into()),
            uncommitted_changes: true,
            ..Provenance::default()
        };
        assert_eq!(p.commit_text(), "abc123, with changes not committed");
    }
}
