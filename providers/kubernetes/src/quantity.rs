//! Kubernetes quantities: blueprint figures written as quantities (CPU in cores or
//! millicores, bytes in the largest binary unit that divides them exactly, Kubernetes'
//! own canonical form), and quantities read back from a cluster as exact numbers, so that
//! `500m` and `0.5`, or `1Gi` and `1024Mi`, are the same figure.

use std::str::FromStr;

use bigdecimal::{BigDecimal, RoundingMode, ToPrimitive};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;

/// Cores as a quantity: `2`, `750m` (rounded up to a millicore, the API's precision;
/// a product within a millionth of a millicore is that millicore, so that `0.57` cores,
/// 570.0000000000001 millicores in binary floating point, is `570m`).
pub fn cpu(cores: f64) -> Quantity {
    let exact = cores * 1000.0;
    let whole = if (exact - exact.round()).abs() < 1e-6 {
        exact.round()
    } else {
        exact.ceil()
    };
    let milli = whole.max(0.0) as u64;
    if milli.is_multiple_of(1000) {
        Quantity((milli / 1000).to_string())
    } else {
        Quantity(format!("{milli}m"))
    }
}

/// Bytes as a quantity: `32Gi`, `1536Mi`, `1000` (plain bytes when no unit divides).
pub fn bytes(n: u64) -> Quantity {
    const UNITS: [(&str, u64); 5] = [
        ("Pi", 1 << 50),
        ("Ti", 1 << 40),
        ("Gi", 1 << 30),
        ("Mi", 1 << 20),
        ("Ki", 1 << 10),
    ];
    for (suffix, size) in UNITS {
        if n >= size && n.is_multiple_of(size) {
            return Quantity(format!("{}{suffix}", n / size));
        }
    }
    Quantity(n.to_string())
}

/// The binary suffixes of the quantity grammar, as powers of two.
const BINARY: [(&str, u32); 6] = [
    ("Ki", 10),
    ("Mi", 20),
    ("Gi", 30),
    ("Ti", 40),
    ("Pi", 50),
    ("Ei", 60),
];

/// The decimal SI suffixes of the quantity grammar, as powers of ten.
const DECIMAL: [(char, i64); 9] = [
    ('n', -9),
    ('u', -6),
    ('m', -3),
    ('k', 3),
    ('M', 6),
    ('G', 9),
    ('T', 12),
    ('P', 15),
    ('E', 18),
];

/// A quantity's exact value, by the grammar of Kubernetes' `resource.Quantity`
/// (`<signedNumber><suffix>`: a binary suffix `Ki`..`Ei`, a decimal one `n`..`E`, or a
/// decimal exponent `e3`/`E-2`); `None` when it is not a quantity.
pub fn parse(text: &str) -> Option<BigDecimal> {
    let text = text.trim();
    let number = |digits: &str| -> Option<BigDecimal> {
        let unsigned = digits.strip_prefix(['+', '-']).unwrap_or(digits);
        let well_formed = !unsigned.is_empty()
            && unsigned != "."
            && unsigned.chars().all(|c| c.is_ascii_digit() || c == '.')
            && unsigned.matches('.').count() <= 1;
        well_formed.then(|| BigDecimal::from_str(digits).ok())?
    };
    if let Some((suffix, power)) = BINARY.iter().find(|(s, _)| text.ends_with(s)) {
        let value = number(&text[..text.len() - suffix.len()])?;
        return Some(value * BigDecimal::from(1u64 << power));
    }
    if let Some(at) = text.find(['e', 'E']).filter(|at| *at + 1 < text.len()) {
        let exponent: i64 = text[at + 1..].parse().ok()?;
        if exponent.abs() > 64 {
            return None;
        }
        return Some(number(&text[..at])? * BigDecimal::new(1.into(), -exponent));
    }
    match DECIMAL.iter().find(|(s, _)| text.ends_with(*s)) {
        Some((_, power)) => {
            let value = number(&text[..text.len() - 1])?;
            Some(value * BigDecimal::new(1.into(), -power))
        }
        None => number(text),
    }
}

/// Whether two quantities are the same figure (`500m` and `0.5`; `1Gi` and `1024Mi`);
/// a text that is not a quantity equals only itself.
pub fn same(a: &str, b: &str) -> bool {
    match (parse(a), parse(b)) {
        (Some(a), Some(b)) => a == b,
        _ => a == b,
    }
}

/// A CPU quantity in cores, rounded up to a millicore as the API server keeps it.
pub fn cores(text: &str) -> Option<f64> {
    let milli = (parse(text)? * BigDecimal::from(1000)).with_scale_round(0, RoundingMode::Ceiling);
    Some(milli.to_i64()? as f64 / 1000.0)
}

/// A memory or storage quantity in bytes, rounded up to a whole byte as the API server
/// rounds it.
pub fn to_bytes(text: &str) -> Option<u64> {
    parse(text)?
        .with_scale_round(0, RoundingMode::Ceiling)
        .to_u64()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn canonical_forms() {
        assert_eq!(cpu(2.0).0, "2");
        assert_eq!(cpu(0.75).0, "750m");
        assert_eq!(cpu(0.0001).0, "1m");
        assert_eq!(cpu(0.57).0, "570m");
        assert_eq!(cpu(0.5701).0, "571m");
        assert_eq!(bytes(32 << 30).0, "32Gi");
        assert_eq!(bytes(1536 << 20).0, "1536Mi");
        assert_eq!(bytes(4 << 40).0, "4Ti");
        assert_eq!(bytes(1000).0, "1000");
    }

    #[test]
    fn spellings_of_one_figure_are_the_same() {
        for (a, b) in [
            ("500m", "0.5"),
            ("1Gi", "1024Mi"),
            ("1k", "1000"),
            ("1e3", "1k"),
            ("1E3", "1000"),
            ("1E", "1e18"),
            ("2.5Gi", "2560Mi"),
            ("+1", "1"),
            ("1500u", "1.5m"),
            ("0.1", "100m"),
        ] {
            assert!(same(a, b), "{a} and {b}");
        }
        for (a, b) in [("500m", "5"), ("1Gi", "1G"), ("1Mi", "1M"), ("1m", "1M")] {
            assert!(!same(a, b), "{a} and {b}");
        }
    }

    #[test]
    fn what_is_not_a_quantity_is_refused() {
        for text in [
            "", "Gi", "1.2.3", "one", "1 Gi", "1GiB", "--1", ".", "1e", "1e999",
        ] {
            assert_eq!(parse(text), None, "{text}");
        }
        assert!(same("one", "one") && !same("one", "two"));
    }

    #[test]
    fn read_back_as_blueprint_figures() {
        assert_eq!(cores("750m"), Some(0.75));
        assert_eq!(cores("2"), Some(2.0));
        assert_eq!(cores("0.0001"), Some(0.001));
        assert_eq!(to_bytes("1536Mi"), Some(1536 << 20));
        assert_eq!(to_bytes("1.5"), Some(2));
        assert_eq!(to_bytes("-1"), None);
    }

    /// The spellings of `milli` millicores: millicores, cores, and a decimal exponent.
    fn cpu_spellings(milli: u64) -> Vec<String> {
        let cores = BigDecimal::new(milli.into(), 3).normalized();
        vec![
            format!("{milli}m"),
            cores.to_plain_string(),
            format!("{}e-3", milli),
            format!("{}u", milli * 1000),
            format!("{}n", milli * 1_000_000),
            cpu(milli as f64 / 1000.0).0,
        ]
    }

    /// The spellings of `n` KiB: in every binary unit that divides it, in bytes, and as
    /// the decimal `k` of its byte count.
    fn byte_spellings(n: u64) -> Vec<String> {
        let bytes_n = n << 10;
        let mut all = vec![
            format!("{n}Ki"),
            bytes_n.to_string(),
            format!("{bytes_n}e0"),
            bytes(bytes_n).0,
        ];
        if bytes_n.is_multiple_of(1000) {
            all.push(format!("{}k", bytes_n / 1000));
        }
        for (suffix, power) in BINARY {
            let size = 1u64 << power;
            let value = BigDecimal::from(bytes_n) / BigDecimal::from(size);
            all.push(format!("{}{suffix}", value.normalized().to_plain_string()));
        }
        all
    }

    proptest! {
        #[test]
        fn a_cpu_figure_and_its_spellings_never_differ(milli in 0u64..10_000_000) {
            let spellings = cpu_spellings(milli);
            for a in &spellings {
                for b in &spellings {
                    prop_assert!(same(a, b), "{} and {}", a, b);
                }
                prop_assert_eq!(cores(a), Some(milli as f64 / 1000.0));
            }
            let more = format!("{}m", milli + 1);
            prop_assert!(!same(&spellings[0], &more));
        }

        #[test]
        fn a_size_and_its_spellings_never_differ(n in 1u64..(1 << 40)) {
            let spellings = byte_spellings(n);
            for a in &spellings {
                for b in &spellings {
                    prop_assert!(same(a, b), "{} and {}", a, b);
                }
                prop_assert_eq!(to_bytes(a), Some(n << 10));
            }
            let more = format!("{}Ki", n + 1);
            prop_assert!(!same(&spellings[0], &more));
        }

        #[test]
        fn any_text_parses_without_panic(text in ".{0,16}") {
            let _ = parse(&text);
            prop_assert!(same(&text, &text));
        }
    }
}
