//! Time: `timestamp`, `plantimestamp`, `timeadd`, `timecmp` and `formatdate`, on RFC 3339
//! timestamps (`2024-02-29T13:14:15Z`, `2018-01-02T23:12:01+05:30`).
//!
//! `timestamp()` is the time of the call, so an attribute set from it changes at every
//! plan and the plan never converges (as in Terraform); `plantimestamp()` is the time the
//! run started, the same for every call in one run.

use jiff::civil::{DateTime, Weekday};
use jiff::tz::Offset;
use jiff::{SignedDuration, Timestamp};

use super::args::string;
use super::{Arity, Function, Scope};
use crate::value::Value;

pub(super) const FUNCTIONS: &[Function] = &[
    Function::new("timestamp", Arity::Exact(0), timestamp),
    Function::scoped("plantimestamp", Arity::Exact(0), plantimestamp),
    Function::new("timeadd", Arity::Exact(2), timeadd),
    Function::new("timecmp", Arity::Exact(2), timecmp),
    Function::new("formatdate", Arity::Exact(2), formatdate),
];

/// A moment with the offset it was written with.
struct Moment {
    local: DateTime,
    offset: Offset,
}

impl Moment {
    fn instant(&self) -> Result<Timestamp, String> {
        self.offset
            .to_timestamp(self.local)
            .map_err(|e| format!("the time is out of range: {e}"))
    }

    fn from_instant(instant: Timestamp, offset: Offset) -> Moment {
        Moment {
            local: offset.to_datetime(instant),
            offset,
        }
    }

    /// RFC 3339 without fractional seconds, as Terraform writes timestamps.
    fn rfc3339(&self) -> String {
        format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}{}",
            self.local.year(),
            self.local.month(),
            self.local.day(),
            self.local.hour(),
            self.local.minute(),
            self.local.second(),
            offset_text(self.offset, true, "Z")
        )
    }
}

/// `+05:30` (with `colon`) or `+0530`; `zero` for a zero offset.
fn offset_text(offset: Offset, colon: bool, zero: &str) -> String {
    let seconds = offset.seconds();
    if seconds == 0 && !zero.is_empty() {
        return zero.to_string();
    }
    let sign = if seconds < 0 { '-' } else { '+' };
    let minutes = seconds.unsigned_abs() / 60;
    let separator = if colon { ":" } else { "" };
    format!("{sign}{:02}{separator}{:02}", minutes / 60, minutes % 60)
}

/// Reads an RFC 3339 timestamp: `YYYY-MM-DDThh:mm:ss[.fraction](Z|±hh:mm)`.
fn parse(what: &str, text: &str) -> Result<Moment, String> {
    let bad = |why: &str| {
        format!(
            "{what} is {text:?}, not an RFC 3339 timestamp such as \"2024-02-29T13:14:15Z\": {why}"
        )
    };
    let b = text.as_bytes();
    let digits = |from: usize, len: usize| -> Result<i32, String> {
        let part = text
            .get(from..from + len)
            .ok_or_else(|| bad("it is too short"))?;
        if !part.bytes().all(|c| c.is_ascii_digit()) {
            return Err(bad(&format!("{part:?} is not a number")));
        }
        part.parse::<i32>()
            .map_err(|_| bad("a field is not a number"))
    };
    let at = |i: usize, c: u8, what: &str| -> Result<(), String> {
        if b.get(i).is_some_and(|x| x.eq_ignore_ascii_case(&c)) {
            Ok(())
        } else {
            Err(bad(&format!("missing {what}")))
        }
    };
    let year = digits(0, 4)?;
    at(4, b'-', "the - after the year")?;
    let month = digits(5, 2)?;
    at(7, b'-', "the - after the month")?;
    let day = digits(8, 2)?;
    at(10, b'T', "the T between date and time")?;
    let hour = digits(11, 2)?;
    at(13, b':', "the : after the hour")?;
    let minute = digits(14, 2)?;
    at(16, b':', "the : after the minutes")?;
    let second = digits(17, 2)?;
    let mut i = 19;
    let mut nanos = 0i32;
    if b.get(i) == Some(&b'.') {
        let start = i + 1;
        i = start;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        let fraction = &text[start..i];
        if fraction.is_empty() {
            return Err(bad("the fraction of a second has no digits"));
        }
        let padded = format!("{:0<9}", &fraction[..fraction.len().min(9)]);
        nanos = padded
            .parse()
            .map_err(|_| bad("the fraction is not a number"))?;
    }
    let offset = match b.get(i) {
        Some(b'Z' | b'z') if i + 1 == b.len() => 0,
        Some(sign @ (b'+' | b'-')) if i + 6 == b.len() => {
            at(i + 3, b':', "the : in the offset")?;
            let minutes = digits(i + 1, 2)? * 60 + digits(i + 4, 2)?;
            if *sign == b'-' {
                -minutes * 60
            } else {
                minutes * 60
            }
        }
        _ => {
            return Err(bad(
                "the offset (Z or +hh:mm) is missing or followed by more text",
            ));
        }
    };
    let to_i8 = |n: i32| i8::try_from(n).map_err(|_| bad("a field is out of range"));
    let year = i16::try_from(year).map_err(|_| bad("the year is out of range"))?;
    let local = DateTime::new(
        year,
        to_i8(month)?,
        to_i8(day)?,
        to_i8(hour)?,
        to_i8(minute)?,
        to_i8(second)?,
        nanos,
    )
    .map_err(|e| bad(&e.to_string()))?;
    let offset = Offset::from_seconds(offset).map_err(|e| bad(&e.to_string()))?;
    Ok(Moment { local, offset })
}

fn timestamp(_: &[Value]) -> Result<Value, String> {
    Ok(Value::string(
        Moment::from_instant(Timestamp::now(), Offset::UTC).rfc3339(),
    ))
}

fn plantimestamp(scope: &Scope<'_>, _: &[Value]) -> Result<Value, String> {
    Ok(Value::string(
        Moment::from_instant(scope.plan_time, Offset::UTC).rfc3339(),
    ))
}

/// Reads a duration as Go's `time.ParseDuration`: `1h30m`, `-10.5s`, `250ms`, `1us`.
fn parse_duration(text: &str) -> Result<SignedDuration, String> {
    let bad =
        || format!("{text:?} is not a duration such as \"1h30m\" (units h, m, s, ms, us, ns)");
    let (negative, mut rest) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    if rest == "0" {
        return Ok(SignedDuration::ZERO);
    }
    if rest.is_empty() {
        return Err(bad());
    }
    let mut total: i128 = 0;
    while !rest.is_empty() {
        let number_len = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .ok_or_else(bad)?;
        let unit_len = rest[number_len..]
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len() - number_len);
        let number = crate::number::Number::parse(&rest[..number_len]).ok_or_else(bad)?;
        let nanos_per: i64 = match &rest[number_len..number_len + unit_len] {
            "ns" => 1,
            "us" | "µs" | "μs" => 1_000,
            "ms" => 1_000_000,
            "s" => 1_000_000_000,
            "m" => 60_000_000_000,
            "h" => 3_600_000_000_000,
            other => {
                return Err(format!(
                    "{text:?} has the unknown unit {other:?}; use h, m, s, ms, us or ns"
                ));
            }
        };
        let nanos = number.mul(&crate::number::Number::from(nanos_per)).floor();
        total += i128::from(nanos.to_i64().ok_or_else(bad)?);
        rest = &rest[number_len + unit_len..];
    }
    let total = if negative { -total } else { total };
    let nanos = i64::try_from(total).map_err(|_| bad())?;
    Ok(SignedDuration::from_nanos(nanos))
}

fn timeadd(args: &[Value]) -> Result<Value, String> {
    let moment = parse("argument 1", &string(args, 0)?)?;
    let duration = parse_duration(&string(args, 1)?)?;
    let instant = moment
        .instant()?
        .checked_add(duration)
        .map_err(|e| format!("the time is out of range: {e}"))?;
    Ok(Value::string(
        Moment::from_instant(instant, moment.offset).rfc3339(),
    ))
}

fn timecmp(args: &[Value]) -> Result<Value, String> {
    let a = parse("argument 1", &string(args, 0)?)?.instant()?;
    let b = parse("argument 2", &string(args, 1)?)?.instant()?;
    Ok(Value::number(match a.cmp(&b) {
        std::cmp::Ordering::Less => -1i64,
        std::cmp::Ordering::Equal => 0,
        std::cmp::Ordering::Greater => 1,
    }))
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

fn weekday_name(day: Weekday) -> &'static str {
    match day {
        Weekday::Monday => "Monday",
        Weekday::Tuesday => "Tuesday",
        Weekday::Wednesday => "Wednesday",
        Weekday::Thursday => "Thursday",
        Weekday::Friday => "Friday",
        Weekday::Saturday => "Saturday",
        Weekday::Sunday => "Sunday",
    }
}

/// Formats a timestamp with Terraform's `formatdate` verbs (`YYYY`, `MMM`, `DD`, `EEEE`,
/// `hh`, `mm`, `ss`, `AA`, `ZZZ`...); text in single quotes is literal, `''` a quote.
fn formatdate(args: &[Value]) -> Result<Value, String> {
    let spec = string(args, 0)?;
    let m = parse("argument 2", &string(args, 1)?)?;
    let t = m.local;
    let twelve = match t.hour() % 12 {
        0 => 12,
        h => h,
    };
    let month = MONTHS[usize::try_from(t.month() - 1).unwrap_or(0)];
    let chars: Vec<char> = spec.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '\'' {
            i += 1;
            loop {
                match (chars.get(i), chars.get(i + 1)) {
                    (Some('\''), Some('\'')) => {
                        out.push('\'');
                        i += 2;
                    }
                    (Some('\''), _) => {
                        i += 1;
                        break;
                    }
                    (Some(other), _) => {
                        out.push(*other);
                        i += 1;
                    }
                    (None, _) => {
                        return Err("the format has a quote that is not closed".to_string());
                    }
                }
            }
            continue;
        }
        if !c.is_ascii_alphabetic() {
            out.push(c);
            i += 1;
            continue;
        }
        let run = chars[i..].iter().take_while(|x| **x == c).count();
        i += run;
        let piece = match (c, run) {
            ('Y', 4) => format!("{:04}", t.year()),
            ('Y', 2) => format!("{:02}", t.year().rem_euclid(100)),
            ('M', 4) => month.to_string(),
            ('M', 3) => month[..3].to_string(),
            ('M', 2) => format!("{:02}", t.month()),
            ('M', 1) => t.month().to_string(),
            ('D', 2) => format!("{:02}", t.day()),
            ('D', 1) => t.day().to_string(),
            ('E', 4) => weekday_name(t.weekday()).to_string(),
            ('E', 3) => weekday_name(t.weekday())[..3].to_string(),
            ('h', 2) => format!("{:02}", t.hour()),
            ('h', 1) => t.hour().to_string(),
            ('H', 2) => format!("{twelve:02}"),
            ('H', 1) => twelve.to_string(),
            ('A', 2) => if t.hour() < 12 { "AM" } else { "PM" }.to_string(),
            ('a', 2) => if t.hour() < 12 { "am" } else { "pm" }.to_string(),
            ('m', 2) => format!("{:02}", t.minute()),
            ('m', 1) => t.minute().to_string(),
            ('s', 2) => format!("{:02}", t.second()),
            ('s', 1) => t.second().to_string(),
            ('Z', 5) => offset_text(m.offset, true, ""),
            ('Z', 4) => offset_text(m.offset, false, ""),
            ('Z', 3) => offset_text(m.offset, false, "UTC"),
            ('Z', 1) => offset_text(m.offset, true, "Z"),
            _ => {
                return Err(format!(
                    "{:?} is not a formatdate verb; put literal letters in single quotes",
                    c.to_string().repeat(run)
                ));
            }
        };
        out.push_str(&piece);
    }
    Ok(Value::string(out))
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{err, n, ok, s};

    #[test]
    fn formats_dates() {
        let t = s("2018-01-02T23:12:01-08:00");
        assert_eq!(
            ok(
                "formatdate",
                &[s("EEEE, DD-MMM-YY hh:mm:ss ZZZ"), t.clone()]
            ),
            s("Tuesday, 02-Jan-18 23:12:01 -0800")
        );
        assert_eq!(
            ok("formatdate", &[s("H:mm aa 'o''clock'"), t]),
            s("11:12 pm o'clock")
        );
        assert!(
            err("formatdate", &[s("YYY"), s("2018-01-02T23:12:01Z")])
                .contains("not a formatdate verb")
        );
        assert!(err("formatdate", &[s("YYYY"), s("2018-01-02")]).contains("missing the T"));
    }

    #[test]
    fn adds_and_compares() {
        assert_eq!(
            ok("timeadd", &[s("2017-11-22T00:00:00+02:00"), s("-1.5h")]),
            s("2017-11-21T22:30:00+02:00")
        );
        assert!(err("timeadd", &[s("2017-11-22T00:00:00Z"), s("1d")]).contains("unknown unit"));
        assert_eq!(
            ok(
                "timecmp",
                &[s("2017-11-22T01:00:00+01:00"), s("2017-11-22T00:00:00Z")]
            ),
            n(0.0)
        );
    }
}
