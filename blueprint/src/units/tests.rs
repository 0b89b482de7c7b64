//! Tests of unit parsing and formatting: every form, every error, and round trips.

use super::kind::SIZE_UNITS_HELP;
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
