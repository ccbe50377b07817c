//! Terraform's time functions: `formatdate`, `timeadd`, `timecmp`, `plantimestamp` and
//! `timestamp`, with Terraform's strict RFC 3339 parsing (and its error wording) and Go's
//! duration syntax.

use super::{arg_error, string, FnResult, FunctionError};
use infra_core::Value;
use std::sync::OnceLock;
use time::{Date, Month, OffsetDateTime, PrimitiveDateTime, Time, UtcOffset};

/// The current time as Terraform's `timestamp()` gives it: RFC 3339 in UTC, whole seconds.
fn now_rfc3339() -> String {
    format_rfc3339(OffsetDateTime::now_utc())
}

/// `timestamp()` at apply time: the current time.
pub(super) fn timestamp(_: &[Value]) -> FnResult {
    Ok(Value::String(now_rfc3339()))
}

/// `plantimestamp()`: the time the plan was made, the same for every call in the process.
pub(super) fn plantimestamp(_: &[Value]) -> FnResult {
    static PLAN_TIME: OnceLock<String> = OnceLock::new();
    Ok(Value::String(PLAN_TIME.get_or_init(now_rfc3339).clone()))
}

/// RFC 3339 as Go's `time.RFC3339` layout writes it: no fraction, `Z` for a zero offset, and
/// the offset of the time itself otherwise.
pub(super) fn format_rfc3339(t: OffsetDateTime) -> String {
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}{}",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second(),
        zone_text(t.offset(), true, true)
    )
}

/// An offset as `Z` (when `z_for_utc`), `+07:00` (`colon`) or `+0700`.
fn zone_text(offset: UtcOffset, colon: bool, z_for_utc: bool) -> String {
    if z_for_utc && offset.is_utc() {
        return "Z".into();
    }
    let seconds = offset.whole_seconds();
    let sign = if seconds < 0 { '-' } else { '+' };
    let minutes = seconds.unsigned_abs() / 60;
    let separator = if colon { ":" } else { "" };
    format!("{sign}{:02}{separator}{:02}", minutes / 60, minutes % 60)
}

/// Builds a time from already range-checked fields; `None` when the date does not exist.
pub(super) fn make_time(
    (year, month, day): (i32, u8, u8),
    (hour, minute, second, nanosecond): (u8, u8, u8, u32),
    offset_seconds: i32,
) -> Option<OffsetDateTime> {
    let date = Date::from_calendar_date(year, Month::try_from(month).ok()?, day).ok()?;
    let time = Time::from_hms_nano(hour, minute, second, nanosecond).ok()?;
    let offset = UtcOffset::from_whole_seconds(offset_seconds).ok()?;
    Some(PrimitiveDateTime::new(date, time).assume_offset(offset))
}

const INVALID: &str = "not a valid RFC3339 timestamp";

/// Takes exactly two ASCII digits from the front of `text`.
fn two_digits(text: &str) -> Option<(u32, &str)> {
    let bytes = text.as_bytes();
    if bytes.len() >= 2 && bytes[0].is_ascii_digit() && bytes[1].is_ascii_digit() {
        Some((u32::from(bytes[0] - b'0') * 10 + u32::from(bytes[1] - b'0'), &text[2..]))
    } else {
        None
    }
}

/// "cannot use ... as WHAT", or "end of string before WHAT" when nothing is left.
fn cannot_use(what: &str, rest: &str) -> String {
    if rest.is_empty() {
        format!("{INVALID}: end of string before {what}")
    } else {
        format!("{INVALID}: cannot use {rest:?} as {what}")
    }
}

fn hour_error(rest: &str) -> String {
    if rest.is_empty() {
        cannot_use("hour", rest)
    } else if rest.contains(':') {
        format!("{INVALID}: hour must be between 0 and 23 inclusive")
    } else if rest.len() != 2 {
        format!("{INVALID}: hour must have exactly two digits")
    } else {
        cannot_use("hour", rest)
    }
}

fn minute_error(rest: &str) -> String {
    if !rest.is_empty() && rest.len() != 2 {
        format!("{INVALID}: minute must have exactly two digits")
    } else {
        cannot_use("minute", rest)
    }
}

/// Takes a literal separator from the front of `rest`.
fn separator(rest: &str, literal: char) -> Result<&str, String> {
    if let Some(after) = rest.strip_prefix(literal) {
        return Ok(after);
    }
    Err(if literal == 'T' {
        format!("{INVALID}: missing required time introducer 'T'")
    } else if rest.is_empty() {
        format!("{INVALID}: end of string where {:?} is expected", literal.to_string())
    } else {
        format!("{INVALID}: found {rest:?} where {:?} is expected", literal.to_string())
    })
}

/// Parses a timestamp in RFC 3339 syntax the way Terraform does (Go's parser made strict),
/// with Terraform's error messages.
pub(super) fn parse_rfc3339(text: &str) -> Result<OffsetDateTime, String> {
    let bytes = text.as_bytes();
    if bytes.len() < 4 || !bytes[..4].iter().all(u8::is_ascii_digit) {
        return Err(cannot_use("year", text));
    }
    let year: i32 = text[..4].parse().map_err(|_| cannot_use("year", text))?;
    let rest = separator(&text[4..], '-')?;
    let (month, after) = two_digits(rest).ok_or_else(|| cannot_use("month", rest))?;
    if !(1..=12).contains(&month) {
        return Err(cannot_use("month", after));
    }
    let rest = separator(after, '-')?;
    // Any two digits: whether the day exists in that month is checked at the end.
    let (day, after) = two_digits(rest).ok_or_else(|| cannot_use("day of month", rest))?;
    let rest = separator(after, 'T')?;
    // Go reads one or two digits for the hour; Terraform insists on two.
    let (hour, after) = match two_digits(rest) {
        Some(parsed) => parsed,
        None if rest.starts_with(|c: char| c.is_ascii_digit()) => {
            return Err(format!("{INVALID}: hour must have exactly two digits"))
        }
        None => return Err(hour_error(rest)),
    };
    if hour > 23 {
        return Err(hour_error(after));
    }
    let rest = separator(after, ':')?;
    let (minute, after) = two_digits(rest).ok_or_else(|| minute_error(rest))?;
    if minute > 59 {
        return Err(minute_error(after));
    }
    let rest = separator(after, ':')?;
    let (second, mut rest) = two_digits(rest).ok_or_else(|| cannot_use("second", rest))?;
    if second > 59 {
        return Err(cannot_use("second", rest));
    }
    let mut nanosecond = 0u32;
    let fraction_digits = |s: &str| s.bytes().skip(1).take_while(u8::is_ascii_digit).count();
    if rest.starts_with(',') && fraction_digits(rest) > 0 {
        return Err(cannot_use("timestamp segment", ","));
    }
    if rest.starts_with('.') && fraction_digits(rest) > 0 {
        let digits = fraction_digits(rest);
        for (i, b) in rest.bytes().skip(1).take(9).take_while(u8::is_ascii_digit).enumerate() {
            nanosecond += u32::from(b - b'0') * 10u32.pow(8 - i as u32);
        }
        rest = &rest[1 + digits..];
    }
    let offset_seconds = if let Some(after) = rest.strip_prefix('Z') {
        rest = after;
        0
    } else {
        let zone = rest.get(..6).ok_or_else(|| cannot_use("UTC offset", rest))?;
        let sign = match zone.as_bytes()[0] {
            b'+' => 1,
            b'-' => -1,
            _ => return Err(cannot_use("UTC offset", rest)),
        };
        let (hours, colon) =
            two_digits(&zone[1..]).ok_or_else(|| cannot_use("UTC offset", rest))?;
        let (minutes, _) = colon
            .strip_prefix(':')
            .and_then(two_digits)
            .ok_or_else(|| cannot_use("UTC offset", rest))?;
        if hours >= 24 || minutes >= 60 {
            return Err(cannot_use("UTC offset", zone));
        }
        rest = &rest[6..];
        sign * (hours as i32 * 3600 + minutes as i32 * 60)
    };
    if !rest.is_empty() {
        return Err(cannot_use("timestamp segment", rest));
    }
    make_time(
        (year, month as u8, day as u8),
        (hour as u8, minute as u8, second as u8, nanosecond),
        offset_seconds,
    )
    .ok_or_else(|| format!("{INVALID}: day out of range"))
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
const WEEKDAYS: [&str; 7] =
    ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];

/// `formatdate(spec, timestamp)`. The spec is read as Terraform reads it: runs of one
/// ASCII letter are verbs, `'...'` is literal text (`''` is a quote), anything else is copied.
pub(super) fn formatdate(a: &[Value]) -> FnResult {
    let spec = string(a, 0)?;
    let t = parse_rfc3339(&string(a, 1)?).map_err(|e| arg_error(1, e))?;
    let bytes = spec.as_bytes();
    let mut out = String::new();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        if c == b'\'' {
            // A quoted literal: up to the next lone quote; a doubled quote is an escaped one.
            if bytes.get(i + 1) == Some(&b'\'') {
                out.push('\'');
                i += 2;
                continue;
            }
            let mut end = bytes.len();
            let mut j = i + 1;
            while j < bytes.len() {
                if bytes[j] == b'\'' {
                    if j + 1 < bytes.len() && bytes[j + 1] == b'\'' {
                        j += 2;
                        continue;
                    }
                    end = j + 1;
                    break;
                }
                j += 1;
            }
            if end - i < 2 || bytes[end - 1] != b'\'' {
                return Err(arg_error(0, "unterminated literal '"));
            }
            // Inside, a quote stands for itself and swallows the quote after it.
            let mut skip = false;
            for ch in spec[i + 1..end - 1].chars() {
                if skip {
                    skip = false;
                    continue;
                }
                out.push(ch);
                skip = ch == '\'';
            }
            i = end;
        } else if c.is_ascii_alphabetic() {
            let run = bytes[i..].iter().take_while(|b| **b == c).count();
            let verb = &spec[i..i + run];
            out.push_str(&format_verb(verb, t).map_err(|e| arg_error(0, e))?);
            i += run;
        } else {
            let run =
                bytes[i..].iter().take_while(|b| **b != b'\'' && !b.is_ascii_alphabetic()).count();
            out.push_str(&spec[i..i + run]);
            i += run;
        }
    }
    Ok(Value::String(out))
}

fn format_verb(verb: &str, t: OffsetDateTime) -> Result<String, String> {
    let invalid = |why: &str| format!("invalid date format verb {verb:?}: {why}");
    let month = usize::from(u8::from(t.month())) - 1;
    let hour12 = match t.hour() % 12 {
        0 => 12,
        h => h,
    };
    Ok(match (verb.as_bytes()[0], verb.len()) {
        (b'Y', 2) => format!("{:02}", t.year().rem_euclid(100)),
        (b'Y', 4) => format!("{:04}", t.year()),
        (b'Y', _) => return Err(invalid("year must either be \"YY\" or \"YYYY\"")),
        (b'M', 1) => (month + 1).to_string(),
        (b'M', 2) => format!("{:02}", month + 1),
        (b'M', 3) => MONTHS[month][..3].to_string(),
        (b'M', 4) => MONTHS[month].to_string(),
        (b'M', _) => return Err(invalid("month must be \"M\", \"MM\", \"MMM\", or \"MMMM\"")),
        (b'D', 1) => t.day().to_string(),
        (b'D', 2) => format!("{:02}", t.day()),
        (b'D', _) => return Err(invalid("day of month must either be \"D\" or \"DD\"")),
        (b'E', n @ (3 | 4)) => {
            let name = WEEKDAYS[usize::from(t.weekday().number_days_from_monday())];
            if n == 3 { &name[..3] } else { name }.to_string()
        }
        (b'E', _) => return Err(invalid("day of week must either be \"EEE\" or \"EEEE\"")),
        (b'h', 1) => t.hour().to_string(),
        (b'h', 2) => format!("{:02}", t.hour()),
        (b'h', _) => return Err(invalid("24-hour must either be \"h\" or \"hh\"")),
        (b'H', 1) => hour12.to_string(),
        (b'H', 2) => format!("{hour12:02}"),
        (b'H', _) => return Err(invalid("12-hour must either be \"H\" or \"HH\"")),
        (b'A', 2) => if t.hour() < 12 { "AM" } else { "PM" }.to_string(),
        (b'a', 2) => if t.hour() < 12 { "am" } else { "pm" }.to_string(),
        (c @ (b'A' | b'a'), _) => {
            let letter = char::from(c);
            return Err(invalid(&format!("must be \"{letter}{letter}\"")));
        }
        (b'm', 1) => t.minute().to_string(),
        (b'm', 2) => format!("{:02}", t.minute()),
        (b'm', _) => return Err(invalid("minute must either be \"m\" or \"mm\"")),
        (b's', 1) => t.second().to_string(),
        (b's', 2) => format!("{:02}", t.second()),
        (b's', _) => return Err(invalid("second must either be \"s\" or \"ss\"")),
        (b'Z', 1) => zone_text(t.offset(), true, true),
        (b'Z', 3) if t.offset().is_utc() => "UTC".into(),
        (b'Z', 3 | 4) => zone_text(t.offset(), false, false),
        (b'Z', 5) => zone_text(t.offset(), true, false),
        (b'Z', _) => return Err(invalid("timezone must be Z, ZZZZ, or ZZZZZ")),
        _ => return Err(format!("invalid date format verb {verb:?}")),
    })
}

/// A duration in Go's syntax (`"1h30m"`, `"-1.5h"`, `"300ms"`), in nanoseconds, with Go's
/// error messages.
pub(crate) fn parse_duration(text: &str) -> Result<i64, String> {
    let invalid = || format!("time: invalid duration {text:?}");
    const MAX: u64 = 1 << 63;
    let (negative, mut rest) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    if rest == "0" {
        return Ok(0);
    }
    if rest.is_empty() {
        return Err(invalid());
    }
    let mut total: u64 = 0;
    while !rest.is_empty() {
        if !rest.starts_with(|c: char| c == '.' || c.is_ascii_digit()) {
            return Err(invalid());
        }
        // The whole part.
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        let mut whole: u64 = 0;
        for b in rest[..digits].bytes() {
            whole = whole
                .checked_mul(10)
                .and_then(|w| w.checked_add(u64::from(b - b'0')))
                .filter(|w| *w <= MAX)
                .ok_or_else(invalid)?;
        }
        rest = &rest[digits..];
        // The fraction: digits beyond what fits are ignored.
        let (mut fraction, mut scale, mut fraction_digits) = (0u64, 1f64, 0);
        if let Some(after) = rest.strip_prefix('.') {
            fraction_digits = after.bytes().take_while(u8::is_ascii_digit).count();
            let mut overflow = false;
            for b in after[..fraction_digits].bytes() {
                if fraction > (MAX - 1) / 10 {
                    overflow = true;
                }
                if !overflow {
                    fraction = fraction * 10 + u64::from(b - b'0');
                    scale *= 10.0;
                }
            }
            rest = &after[fraction_digits..];
        }
        if digits == 0 && fraction_digits == 0 {
            return Err(invalid());
        }
        let unit_length = rest.find(|c: char| c == '.' || c.is_ascii_digit()).unwrap_or(rest.len());
        if unit_length == 0 {
            return Err(format!("time: missing unit in duration {text:?}"));
        }
        let unit_text = &rest[..unit_length];
        rest = &rest[unit_length..];
        let unit: u64 = match unit_text {
            "ns" => 1,
            "us" | "\u{b5}s" | "\u{3bc}s" => 1_000,
            "ms" => 1_000_000,
            "s" => 1_000_000_000,
            "m" => 60_000_000_000,
            "h" => 3_600_000_000_000,
            _ => return Err(format!("time: unknown unit {unit_text:?} in duration {text:?}")),
        };
        if whole > MAX / unit {
            return Err(invalid());
        }
        let mut value = whole * unit;
        if fraction > 0 {
            value += (fraction as f64 * (unit as f64 / scale)) as u64;
            if value > MAX {
                return Err(invalid());
            }
        }
        total = total.checked_add(value).filter(|t| *t <= MAX).ok_or_else(invalid)?;
    }
    if negative {
        Ok(0i64.wrapping_sub_unsigned(total))
    } else {
        i64::try_from(total).map_err(|_| invalid())
    }
}

/// `timeadd(timestamp, duration)`: the result keeps the timestamp's offset.
pub(super) fn timeadd(a: &[Value]) -> FnResult {
    let t = parse_rfc3339(&string(a, 0)?).map_err(|e| arg_error(0, e))?;
    let nanoseconds = parse_duration(&string(a, 1)?).map_err(|e| arg_error(1, e))?;
    let sum = t
        .checked_add(time::Duration::nanoseconds(nanoseconds))
        .filter(|t| (0..=9999).contains(&t.year()))
        .ok_or_else(|| {
            FunctionError::Failed("the resulting time is outside the years 0 to 9999".into())
        })?;
    Ok(Value::String(format_rfc3339(sum)))
}

/// `timecmp(a, b)`: -1, 0 or 1, comparing instants (offsets taken into account).
pub(super) fn timecmp(a: &[Value]) -> FnResult {
    let first = parse_rfc3339(&string(a, 0)?).map_err(|e| arg_error(0, e))?;
    let second = parse_rfc3339(&string(a, 1)?).map_err(|e| arg_error(1, e))?;
    Ok(Value::Number(match first.cmp(&second) {
        std::cmp::Ordering::Less => -1.0,
        std::cmp::Ordering::Equal => 0.0,
        std::cmp::Ordering::Greater => 1.0,
    }))
}

#[cfg(test)]
mod tests {
    use super::super::tests::{err, n, ok, s};
    use super::{parse_duration, parse_rfc3339};

    #[test]
    fn formatdate_like_terraform_docs() {
        let cases = [
            ("DD MMM YYYY hh:mm ZZZ", "2018-01-02T23:12:01Z", "02 Jan 2018 23:12 UTC"),
            (
                "EEEE, DD-MMM-YY hh:mm:ss ZZZ",
                "2018-01-02T23:12:01Z",
                "Tuesday, 02-Jan-18 23:12:01 UTC",
            ),
            (
                "EEE, DD MMM YYYY hh:mm:ss ZZZ",
                "2018-01-02T23:12:01-08:00",
                "Tue, 02 Jan 2018 23:12:01 -0800",
            ),
            ("MMM DD, YYYY", "2018-01-02T23:12:01Z", "Jan 02, 2018"),
            ("HH:mmaa", "2018-01-02T23:12:01Z", "11:12pm"),
            ("h'h'mm", "2018-01-02T23:12:01-08:00", "23h12"),
            ("H 'o''clock'", "2018-01-02T23:12:01-08:00", "11 o'clock"),
            // go-cty's own cases, on Go's reference time.
            ("", "2006-01-02T15:04:05Z", ""),
            ("YYYY-MM-DD", "2006-01-02T15:04:05Z", "2006-01-02"),
            ("EEE, MMM D ''YY", "2006-01-02T15:04:05Z", "Mon, Jan 2 '06"),
            ("H 'o''clock' AA", "2006-01-02T15:04:05Z", "3 o'clock PM"),
            ("hh:mm:ssZZZZ", "2006-01-02T15:04:05Z", "15:04:05+0000"),
            ("hh:mm:ssZZZZZ", "2006-01-02T15:04:05Z", "15:04:05+00:00"),
            ("MMMM", "2006-01-02T15:04:05Z", "January"),
            ("EEEE", "2006-01-02T15:04:05Z", "Monday"),
            ("aa", "2006-01-02T15:04:05Z", "pm"),
            ("YYYY-MM-DD'T'hh:mm:ssZ", "2006-01-02T15:04:05Z", "2006-01-02T15:04:05Z"),
            ("YYYY-MM-DD'T'hh:mm:ssZ", "2022-03-01T00:23:45+01:00", "2022-03-01T00:23:45+01:00"),
            ("YYYY-MM-DD'T'hh:mm:ssZ", "2022-03-01T00:23:45+00:00", "2022-03-01T00:23:45Z"),
            (
                "EEEE, DD-MMM-YY hh:mm:ss ZZZ",
                "1900-01-01T00:00:00Z",
                "Monday, 01-Jan-00 00:00:00 UTC",
            ),
            ("M/D h:m:s", "2006-01-02T03:04:05.999Z", "1/2 3:4:5"),
            ("'abc''", "2006-01-02T03:04:05Z", "abc'"),
            ("YYYY→MM", "2006-01-02T03:04:05Z", "2006→01"),
        ];
        for (spec, time, want) in cases {
            assert_eq!(ok(&format!("formatdate({spec:?}, {time:?})")), s(want), "{spec} {time}");
        }
    }

    #[test]
    fn formatdate_errors() {
        let cases = [
            ("Y", "invalid date format verb \"Y\": year must either be \"YY\" or \"YYYY\""),
            ("YYYYY", "invalid date format verb \"YYYYY\": year must either be \"YY\" or \"YYYY\""),
            ("A", "invalid date format verb \"A\": must be \"AA\""),
            ("a", "invalid date format verb \"a\": must be \"aa\""),
            ("'blah blah", "unterminated literal '"),
            ("'", "unterminated literal '"),
            ("T", "invalid date format verb \"T\""),
            ("ZZ", "invalid date format verb \"ZZ\": timezone must be Z, ZZZZ, or ZZZZZ"),
        ];
        for (spec, want) in cases {
            let detail = err(&format!("formatdate({spec:?}, \"2006-01-02T15:04:05Z\")"));
            assert_eq!(
                detail,
                format!(
                    "Call to function \"formatdate\" failed: Invalid value for argument 1: {want}"
                )
            );
        }
    }

    #[test]
    fn timestamps_are_parsed_strictly_with_terraform_errors() {
        let cases = [
            ("", "end of string before year"),
            ("2017-01-02", "missing required time introducer 'T'"),
            ("2017-12-02t00:00:00Z", "missing required time introducer 'T'"),
            ("2017:01:02", "found \":01:02\" where \"-\" is expected"),
            ("2017", "end of string where \"-\" is expected"),
            ("2017-01-02T", "end of string before hour"),
            ("2017-01-02T00", "end of string where \":\" is expected"),
            ("2017-01-02T00:00:00", "end of string before UTC offset"),
            ("2017-01-02T26:00:00Z", "hour must be between 0 and 23 inclusive"),
            ("2017-13-02T00:00:00Z", "cannot use \"-02T00:00:00Z\" as month"),
            ("2017-02-31T00:00:00Z", "day out of range"),
            ("\"2017-12-02T00:00:00Z\"", "cannot use \"\\\"2017-12-02T00:00:00Z\\\"\" as year"),
            ("2-12-02T00:00:00Z", "cannot use \"2-12-02T00:00:00Z\" as year"),
            ("2000-01-01T1:12:34Z", "hour must have exactly two digits"),
            ("2000-01-01T01:1:34Z", "minute must have exactly two digits"),
            ("2000-01-01T01:01:1Z", "cannot use \"1Z\" as second"),
            ("2000-01-01T00:00:00,000Z", "cannot use \",\" as timestamp segment"),
            ("2000-01-01T00:00:00+24:00", "cannot use \"+24:00\" as UTC offset"),
            ("2000-01-01T00:00:00+00:60", "cannot use \"+00:60\" as UTC offset"),
            ("2000-01-01T00:00:00Zjunk", "cannot use \"junk\" as timestamp segment"),
            ("2000-01-01T00:00:00+0\u{e9}:00", "cannot use \"+0\u{e9}:00\" as UTC offset"),
        ];
        for (text, want) in cases {
            assert_eq!(
                parse_rfc3339(text).unwrap_err(),
                format!("not a valid RFC3339 timestamp: {want}"),
                "{text}"
            );
        }
        assert!(parse_rfc3339("2016-02-29T23:59:59.123456789+05:30").is_ok());
        assert!(parse_rfc3339("2015-02-29T00:00:00Z").is_err());
    }

    #[test]
    fn timeadd_and_timecmp_like_terraform_docs() {
        let add = |t: &str, d: &str| ok(&format!("timeadd({t:?}, {d:?})"));
        assert_eq!(add("2024-08-16T12:45:05Z", "10m"), s("2024-08-16T12:55:05Z"));
        assert_eq!(add("2024-08-16T12:45:05Z", "-10m"), s("2024-08-16T12:35:05Z"));
        assert_eq!(add("2017-11-22T00:00:00Z", "1h30m"), s("2017-11-22T01:30:00Z"));
        assert_eq!(add("2017-11-22T00:00:00Z", "1.5h"), s("2017-11-22T01:30:00Z"));
        assert_eq!(add("2017-11-22T00:00:00Z", "-720h"), s("2017-10-23T00:00:00Z"));
        assert_eq!(add("2017-11-22T00:00:00+01:00", "90s"), s("2017-11-22T00:01:30+01:00"));
        assert_eq!(add("2017-11-22T00:00:00.75Z", "500ms"), s("2017-11-22T00:00:01Z"));
        assert_eq!(add("2017-11-22T00:00:00Z", "0"), s("2017-11-22T00:00:00Z"));
        assert!(err("timeadd(\"2017-11-22T00:00:00Z\", \"1d\")")
            .ends_with("time: unknown unit \"d\" in duration \"1d\""));
        assert!(err("timeadd(\"9999-12-31T23:00:00Z\", \"2h\")").contains("outside the years"));
        assert!(err("timeadd(\"2017-11-22\", \"1h\")").contains("Invalid value for argument 1"));

        let cmp = |a: &str, b: &str| ok(&format!("timecmp({a:?}, {b:?})"));
        assert_eq!(cmp("2017-11-22T00:00:00Z", "2017-11-22T00:00:00Z"), n(0.0));
        assert_eq!(cmp("2017-11-22T00:00:00Z", "2017-11-22T01:00:00Z"), n(-1.0));
        assert_eq!(cmp("2017-11-22T01:00:00Z", "2017-11-22T00:00:00Z"), n(1.0));
        assert_eq!(cmp("2017-11-22T01:00:00Z", "2017-11-22T00:00:00-01:00"), n(0.0));
        assert!(err("timecmp(\"2017-11-22T00:00:00Z\", \"nope\")")
            .contains("Invalid value for argument 2: not a valid RFC3339 timestamp"));
    }

    #[test]
    fn go_durations() {
        let cases: [(&str, i64); 12] = [
            ("0", 0),
            ("5s", 5_000_000_000),
            ("-10m", -600_000_000_000),
            ("+1h", 3_600_000_000_000),
            ("1h30m", 5_400_000_000_000),
            ("1.5h", 5_400_000_000_000),
            (".5s", 500_000_000),
            ("1.s", 1_000_000_000),
            ("300ms", 300_000_000),
            ("2us", 2_000),
            ("3\u{b5}s4ns", 3_004),
            ("-9223372036854775808ns", i64::MIN),
        ];
        for (text, want) in cases {
            assert_eq!(parse_duration(text), Ok(want), "{text}");
        }
        let errors = [
            ("", "time: invalid duration \"\""),
            ("-", "time: invalid duration \"-\""),
            ("1", "time: missing unit in duration \"1\""),
            ("1d", "time: unknown unit \"d\" in duration \"1d\""),
            ("1 h", "time: unknown unit \" h\" in duration \"1 h\""),
            (".h", "time: invalid duration \".h\""),
            ("h", "time: invalid duration \"h\""),
            ("9223372036854775808ns", "time: invalid duration \"9223372036854775808ns\""),
            ("3000000h", "time: invalid duration \"3000000h\""),
        ];
        for (text, want) in errors {
            assert_eq!(parse_duration(text), Err(want.to_string()), "{text}");
        }
    }
}
