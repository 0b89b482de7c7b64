//! Figures in the user's units, for diagnostics: `16GiB`, `507.5GiB`, `4 vCPU`, `0.5 CPU`.

use blueprint::units::format_size;

/// Bytes as the blueprint writes them (`16GiB`, `1920GB`) when that takes at most four
/// digits, else in the largest IEC unit with one decimal (`507.5GiB`).
pub(crate) fn size(bytes: u64) -> String {
    const UNITS: &[(&str, u64)] = &[
        ("PiB", 1 << 50),
        ("TiB", 1 << 40),
        ("GiB", 1 << 30),
        ("MiB", 1 << 20),
        ("KiB", 1 << 10),
    ];
    let exact = format_size(bytes);
    if exact.chars().take_while(char::is_ascii_digit).count() <= 4 {
        return exact;
    }
    let (unit, factor) = UNITS
        .iter()
        .find(|(_, factor)| bytes >= *factor)
        .copied()
        .unwrap_or(("B", 1));
    let text = format!("{:.1}", bytes as f64 / factor as f64);
    format!("{}{unit}", text.trim_end_matches(".0"))
}

/// Bytes that may be negative (a host overcommitted after a change).
pub(crate) fn signed_size(bytes: i128) -> String {
    if bytes < 0 {
        format!(
            "-{}",
            size(bytes.unsigned_abs().min(u64::MAX as u128) as u64)
        )
    } else {
        size(bytes.min(u64::MAX as i128) as u64)
    }
}

/// Millicores as a number of cores: `4`, `0.5`, `1.25`.
pub(crate) fn cores(millicores: i64) -> String {
    if millicores % 1000 == 0 {
        (millicores / 1000).to_string()
    } else {
        let text = format!("{:.3}", millicores as f64 / 1000.0);
        text.trim_end_matches('0').to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_and_cores_read_like_the_blueprint() {
        assert_eq!(size(16 << 30), "16GiB");
        assert_eq!(size((507 << 30) + (512 << 20)), "507.5GiB");
        assert_eq!(size(512), "512B");
        assert_eq!(signed_size(-(2 << 30)), "-2GiB");
        assert_eq!(cores(4000), "4");
        assert_eq!(cores(500), "0.5");
        assert_eq!(cores(1250), "1.25");
    }
}
