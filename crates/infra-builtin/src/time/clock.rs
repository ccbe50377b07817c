//! Timestamps as the time provider handles them: RFC 3339 text in and out (whole seconds, as
//! Go's `time.RFC3339` formats), the current time in UTC, Go's `AddDate` calendar arithmetic
//! (overflowing days roll into the next month: January 31 plus one month is March 2 or 3), and
//! the `year`/`month`/.../`unix` attributes of a timestamp.

use ::time::format_description::well_known::Rfc3339;
use ::time::{Date, Duration, Month, OffsetDateTime, PrimitiveDateTime};
use infra_core::{ProviderError, Value};

use crate::support::{number, problem, text, Object};

/// The current time in UTC, to the second.
pub fn now() -> OffsetDateTime {
    let now = OffsetDateTime::now_utc();
    now.replace_nanosecond(0).unwrap_or(now)
}

/// Parses an RFC 3339 timestamp, naming `attribute` in the error.
pub fn parse(text: &str, attribute: &str) -> Result<OffsetDateTime, ProviderError> {
    OffsetDateTime::parse(text, &Rfc3339).map_err(|error| {
        ProviderError::new(format!(
            "\"{attribute}\": {text:?} is not an RFC 3339 timestamp (e.g. 2020-02-12T06:36:13Z): \
             {error}"
        ))
    })
}

/// The timestamp configured in `key` (RFC 3339, an error naming `key` otherwise), or the
/// current time when it is unset or not yet known.
pub fn configured_or_now(planned: &Value, key: &str) -> Result<OffsetDateTime, ProviderError> {
    match text(planned, key) {
        Some(configured) => parse(&configured, key),
        None => Ok(now()),
    }
}

/// Sets `key` to `instant` unless it already holds text for that instant: a configured
/// timestamp stays as written, since another spelling of the same time must not plan a change.
pub fn keep_or_insert(object: &mut Object, key: &str, instant: OffsetDateTime) {
    let written = object.get(key).and_then(Value::as_str).and_then(|text| parse(text, key).ok());
    if written != Some(instant) {
        object.insert(key.into(), Value::String(format(instant)));
    }
}

/// The timestamp as RFC 3339 in its own offset, whole seconds (`Z` for UTC).
pub fn format(timestamp: OffsetDateTime) -> String {
    let whole = timestamp.replace_nanosecond(0).unwrap_or(timestamp);
    // Only years outside 0..=9999 fail to format; show them plainly rather than fail.
    whole.format(&Rfc3339).unwrap_or_else(|_| whole.to_string())
}

/// A validation problem when `key` is set to a known string that is not RFC 3339.
pub fn rfc3339_problem(config: &Value, key: &str) -> Option<(String, String)> {
    let text = config.get(key).as_str()?;
    parse(text, key).err().map(|error| problem(key, error.message))
}

/// Go's `t.AddDate(years, months, days)`: the calendar fields added, then normalized.
pub fn add_date(
    timestamp: OffsetDateTime,
    years: i64,
    months: i64,
    days: i64,
) -> Result<OffsetDateTime, ProviderError> {
    let out_of_range = || ProviderError::new("the resulting timestamp is out of range");
    let month_index = i64::from(timestamp.year()) * 12
        + i64::from(u8::from(timestamp.month()) - 1)
        + years.checked_mul(12).ok_or_else(out_of_range)?
        + months;
    let year = i32::try_from(month_index.div_euclid(12)).map_err(|_| out_of_range())?;
    let month =
        Month::try_from((month_index.rem_euclid(12) + 1) as u8).map_err(|_| out_of_range())?;
    let first = Date::from_calendar_date(year, month, 1).map_err(|_| out_of_range())?;
    let day_offset = i64::from(timestamp.day()) - 1 + days;
    let date = first.checked_add(Duration::days(day_offset)).ok_or_else(out_of_range)?;
    Ok(PrimitiveDateTime::new(date, timestamp.time()).assume_offset(timestamp.offset()))
}

/// `timestamp` plus a number of seconds.
pub fn add_seconds(
    timestamp: OffsetDateTime,
    seconds: i64,
) -> Result<OffsetDateTime, ProviderError> {
    timestamp
        .checked_add(Duration::seconds(seconds))
        .ok_or_else(|| ProviderError::new("the resulting timestamp is out of range"))
}

/// `timestamp` moved by `amount` of `unit` (`years`, `months`, `days`, `hours`, `minutes` or
/// `seconds`), as the provider's offsets and rotations count: years, months and days by Go's
/// `AddDate`, the rest as seconds.
pub fn add(
    timestamp: OffsetDateTime,
    unit: &str,
    amount: i64,
) -> Result<OffsetDateTime, ProviderError> {
    match unit {
        "years" => add_date(timestamp, amount, 0, 0),
        "months" => add_date(timestamp, 0, amount, 0),
        "days" => add_date(timestamp, 0, 0, amount),
        "hours" => add_seconds(timestamp, amount.saturating_mul(3600)),
        "minutes" => add_seconds(timestamp, amount.saturating_mul(60)),
        "seconds" => add_seconds(timestamp, amount),
        _ => Err(ProviderError::new(format!("no time unit {unit:?}"))),
    }
}

/// Sets `year`, `month`, `day`, `hour`, `minute`, `second` (in the timestamp's own offset) and
/// `unix` (seconds since the epoch).
pub fn insert_components(object: &mut Object, timestamp: OffsetDateTime) {
    let fields = [
        ("year", i64::from(timestamp.year())),
        ("month", i64::from(u8::from(timestamp.month()))),
        ("day", i64::from(timestamp.day())),
        ("hour", i64::from(timestamp.hour())),
        ("minute", i64::from(timestamp.minute())),
        ("second", i64::from(timestamp.second())),
        ("unix", timestamp.unix_timestamp()),
    ];
    for (key, value) in fields {
        object.insert(key.into(), number(value));
    }
}

/// The component attributes every time resource exports, computed.
pub const COMPONENTS: [&str; 7] = ["year", "month", "day", "hour", "minute", "second", "unix"];

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> OffsetDateTime {
        parse(text, "test").expect("valid timestamp")
    }

    #[test]
    fn formats_like_go_rfc3339() {
        assert_eq!(format(at("2020-02-12T06:36:13Z")), "2020-02-12T06:36:13Z");
        assert_eq!(format(at("2020-02-12T06:36:13.75Z")), "2020-02-12T06:36:13Z");
        assert_eq!(format(at("2020-02-12T06:36:13+02:00")), "2020-02-12T06:36:13+02:00");
        assert!(parse("2020-02-12 06:36", "rfc3339").is_err());
    }

    #[test]
    fn add_date_normalizes_like_go() {
        let add = |text: &str, y, m, d| format(add_date(at(text), y, m, d).expect("in range"));
        assert_eq!(add("2020-01-31T10:00:00Z", 0, 1, 0), "2020-03-02T10:00:00Z");
        assert_eq!(add("2021-01-31T10:00:00Z", 0, 1, 0), "2021-03-03T10:00:00Z");
        assert_eq!(add("2020-02-29T00:00:00Z", 1, 0, 0), "2021-03-01T00:00:00Z");
        assert_eq!(add("2020-12-15T00:00:00Z", 0, 1, 30), "2021-02-14T00:00:00Z");
        assert_eq!(add("2020-03-01T00:00:00Z", 0, -1, -1), "2020-01-31T00:00:00Z");
        assert_eq!(add("2020-02-12T06:36:13Z", 0, 0, 30), "2020-03-13T06:36:13Z");
    }

    #[test]
    fn components_in_the_timestamps_offset() {
        let mut object = Object::new();
        insert_components(&mut object, at("2020-02-12T06:36:13+02:00"));
        assert_eq!(object.get("hour"), Some(&Value::Number(6.0)));
        assert_eq!(object.get("month"), Some(&Value::Number(2.0)));
        assert_eq!(object.get("unix"), Some(&Value::Number(1_581_482_173.0)));
    }
}
