//! Instants and civil days.
//!
//! Every record stores the *civil day* it belongs to, worked out on the device when it was written
//! (`LocalDay`). Day arithmetic is done on civil days only, never by adding 24 hours to an instant,
//! so a daylight-saving change or a trip across time zones cannot lose or double a day.
//! The current time is passed in as a [`Now`]; nothing here reads a clock.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use time::{Date, Month, OffsetDateTime, PrimitiveDateTime, Time, Weekday};

/// Milliseconds since the Unix epoch, UTC. Serialised as an RFC 3339 string with milliseconds
/// (`2026-11-22T20:54:00.123Z`), which sorts correctly as text and reads well in CouchDB.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(pub i64);

/// A calendar day in the person's own time zone when the record was made.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LocalDay(Date);

/// The moment "now" as the device sees it: an instant and the local offset from UTC.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Now {
    pub at: Timestamp,
    /// Minutes east of UTC (UTC+1 is 60). Note: JavaScript's `getTimezoneOffset` has the other sign.
    pub utc_offset_minutes: i32,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseTimeError(pub String);

impl fmt::Display for ParseTimeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "not a valid date or time: {}", self.0)
    }
}

const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/// Whole seconds and the milliseconds after them, not nanoseconds: 128-bit arithmetic would link
/// a 128-bit division routine into the app for nothing.
fn utc(ts: Timestamp) -> Option<OffsetDateTime> {
    let (secs, millis) = (ts.0.div_euclid(1000), ts.0.rem_euclid(1000));
    OffsetDateTime::from_unix_timestamp(secs).ok()?.replace_millisecond(millis as u16).ok()
}

impl Timestamp {
    /// RFC 3339 in UTC with milliseconds. Out-of-range instants (beyond year ±9999) print as the epoch
    /// rather than panic; they cannot come from a real clock.
    pub fn to_rfc3339(self) -> String {
        let t = utc(self).unwrap_or(OffsetDateTime::UNIX_EPOCH);
        format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
            t.year(),
            u8::from(t.month()),
            t.day(),
            t.hour(),
            t.minute(),
            t.second(),
            t.millisecond()
        )
    }

    /// Parses what [`Timestamp::to_rfc3339`] writes (also accepts no fraction, or a numeric offset).
    pub fn parse_rfc3339(s: &str) -> Result<Self, ParseTimeError> {
        let err = || ParseTimeError(s.chars().take(40).collect());
        let b = s.as_bytes();
        if b.len() < 20 || b[10] != b'T' && b[10] != b't' && b[10] != b' ' {
            return Err(err());
        }
        let day = LocalDay::parse(s.get(..10).ok_or_else(err)?)?;
        let num = |r: std::ops::Range<usize>| -> Result<u8, ParseTimeError> {
            s.get(r).and_then(|x| x.parse::<u8>().ok()).ok_or_else(err)
        };
        let (h, m, sec) = (num(11..13)?, num(14..16)?, num(17..19)?);
        if b[13] != b':' || b[16] != b':' {
            return Err(err());
        }
        let mut rest = &s[19..];
        let mut millis: u16 = 0;
        if let Some(frac) = rest.strip_prefix('.') {
            let digits = frac.bytes().take_while(u8::is_ascii_digit).count();
            if digits == 0 {
                return Err(err());
            }
            let padded: String = frac[..digits].chars().chain("000".chars()).take(3).collect();
            millis = padded.parse().map_err(|_| err())?;
            rest = &frac[digits..];
        }
        let offset_minutes: i64 = match rest {
            "Z" | "z" => 0,
            // `get`, not indexing: stored or received text may put a multibyte character here.
            o if o.len() == 6 && (o.starts_with('+') || o.starts_with('-')) && o.get(3..4) == Some(":") => {
                let hh: i64 = o.get(1..3).and_then(|x| x.parse().ok()).ok_or_else(err)?;
                let mm: i64 = o.get(4..6).and_then(|x| x.parse().ok()).ok_or_else(err)?;
                let sign = if o.starts_with('-') { -1 } else { 1 };
                sign * (hh * 60 + mm)
            }
            _ => return Err(err()),
        };
        let time = Time::from_hms_milli(h, m, sec, millis).map_err(|_| err())?;
        let local = PrimitiveDateTime::new(day.0, time).assume_utc();
        let ms = local.unix_timestamp() * 1000 + i64::from(millis) - offset_minutes * 60_000;
        Ok(Timestamp(ms))
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_rfc3339())
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Timestamp::parse_rfc3339(&s).map_err(serde::de::Error::custom)
    }
}

impl LocalDay {
    pub fn from_ymd(year: i32, month: u8, day: u8) -> Option<Self> {
        let month = Month::try_from(month).ok()?;
        Date::from_calendar_date(year, month, day).ok().map(LocalDay)
    }

    /// Parses `YYYY-MM-DD`.
    pub fn parse(s: &str) -> Result<Self, ParseTimeError> {
        let err = || ParseTimeError(s.chars().take(40).collect());
        let b = s.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return Err(err());
        }
        let part = |r: std::ops::Range<usize>| s.get(r).ok_or_else(err);
        let year: i32 = part(0..4)?.parse().map_err(|_| err())?;
        let month: u8 = part(5..7)?.parse().map_err(|_| err())?;
        let day: u8 = part(8..10)?.parse().map_err(|_| err())?;
        LocalDay::from_ymd(year, month, day).ok_or_else(err)
    }

    pub fn year(self) -> i32 {
        self.0.year()
    }
    pub fn month(self) -> u8 {
        u8::from(self.0.month())
    }
    pub fn day(self) -> u8 {
        self.0.day()
    }

    /// The day `n` days later (earlier for negative `n`); saturates at the calendar's ends.
    pub fn add_days(self, n: i32) -> Self {
        Date::from_julian_day(self.0.to_julian_day().saturating_add(n)).map(LocalDay).unwrap_or(self)
    }

    /// Whole days from `self` to `later` (negative if `later` is earlier).
    pub fn days_until(self, later: LocalDay) -> i32 {
        later.0.to_julian_day() - self.0.to_julian_day()
    }

    /// Monday = 0 … Sunday = 6.
    pub fn weekday_from_monday(self) -> u8 {
        self.0.weekday().number_days_from_monday()
    }

    /// "Sat 22 Nov" — short, for lists and charts.
    pub fn short_label(self) -> String {
        format!("{} {} {}", weekday_name(self.0.weekday()), self.day(), MONTHS[usize::from(self.month() - 1)])
    }
}

fn weekday_name(w: Weekday) -> &'static str {
    ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"][usize::from(w.number_days_from_monday())]
}

impl fmt::Display for LocalDay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year(), self.month(), self.day())
    }
}

impl Serialize for LocalDay {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for LocalDay {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        LocalDay::parse(&s).map_err(serde::de::Error::custom)
    }
}

impl Now {
    fn local(self) -> OffsetDateTime {
        let shifted = Timestamp(self.at.0.saturating_add(i64::from(self.utc_offset_minutes) * 60_000));
        utc(shifted).unwrap_or(OffsetDateTime::UNIX_EPOCH)
    }

    /// The civil day on the device's wall clock.
    pub fn local_day(self) -> LocalDay {
        LocalDay(self.local().date())
    }

    /// "20:54" on the device's wall clock.
    pub fn local_hhmm(self) -> String {
        let t = self.local();
        format!("{:02}:{:02}", t.hour(), t.minute())
    }
}

/// "20:54" for an instant seen at a given UTC offset.
pub fn hhmm_at(at: Timestamp, utc_offset_minutes: i32) -> String {
    Now { at, utc_offset_minutes }.local_hhmm()
}

/// "Sun 22 Nov, 20:54" (with `seconds`, "Sun 22 Nov, 20:54:07") for an instant seen at a given UTC
/// offset.
pub fn day_time_label(at: Timestamp, utc_offset_minutes: i32, seconds: bool) -> String {
    let now = Now { at, utc_offset_minutes };
    let mut out = format!("{}, {}", now.local_day().short_label(), now.local_hhmm());
    if seconds {
        out.push_str(&format!(":{:02}", now.local().second()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_round_trips_and_sorts_as_text() {
        let a = Timestamp(1_763_844_840_123);
        assert_eq!(a.to_rfc3339(), "2025-11-22T20:54:00.123Z");
        assert_eq!(Timestamp::parse_rfc3339(&a.to_rfc3339()), Ok(a));
        let b = Timestamp(a.0 + 1);
        assert!(a.to_rfc3339() < b.to_rfc3339());
    }

    #[test]
    fn rfc3339_before_the_epoch_and_at_the_calendar_ends() {
        assert_eq!(Timestamp(-1).to_rfc3339(), "1969-12-31T23:59:59.999Z");
        assert_eq!(Timestamp::parse_rfc3339("1969-12-31T23:59:59.999Z"), Ok(Timestamp(-1)));
        for s in ["-9999-01-01T00:00:00.000Z", "9999-12-31T23:59:59.999Z"] {
            assert!(Timestamp::parse_rfc3339(s).is_err() || Timestamp::parse_rfc3339(s).unwrap().to_rfc3339() == s, "{s}");
        }
        assert_eq!(Timestamp::parse_rfc3339("9999-12-31T23:59:59.999Z").unwrap().to_rfc3339(), "9999-12-31T23:59:59.999Z");
        assert_eq!(Timestamp(i64::MAX).to_rfc3339(), "1970-01-01T00:00:00.000Z", "out of range prints as the epoch");
    }

    #[test]
    fn rfc3339_accepts_offsets_and_no_fraction() {
        let z = Timestamp::parse_rfc3339("2026-01-01T00:00:00Z").unwrap();
        let plus = Timestamp::parse_rfc3339("2026-01-01T01:30:00+01:30").unwrap();
        assert_eq!(z, plus);
        assert_eq!(Timestamp::parse_rfc3339("2026-01-01T00:00:00.5Z").unwrap().0, z.0 + 500);
    }

    #[test]
    fn rfc3339_rejects_garbage_without_panicking() {
        for bad in [
            "", "2026", "2026-13-01T00:00:00Z", "2026-01-01T25:00:00Z", "2026-01-01T00:00:00", "ééééééééééééééééééééé",
            "2026-01-01T00:00:00.Z",
            // Multibyte characters where the offset's digits and colon are sliced.
            "2026-01-01T00:00:00+0é:0", "2026-01-01T00:00:00+é0:00", "2026-01-01T00:00:00+00:é",
        ] {
            assert!(Timestamp::parse_rfc3339(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn day_and_time_labels_are_local_and_plain() {
        let at = Timestamp::parse_rfc3339("2026-11-22T09:42:07Z").unwrap();
        assert_eq!(day_time_label(at, 60, false), "Sun 22 Nov, 10:42");
        assert_eq!(day_time_label(at, 60, true), "Sun 22 Nov, 10:42:07");
        assert_eq!(day_time_label(at, -600, false), "Sat 21 Nov, 23:42", "the day in that offset");
    }

    #[test]
    fn local_day_follows_the_offset() {
        // 23:30 UTC on 21 Nov is already 22 Nov in Sydney (+11:00) and still 21 Nov in New York (-05:00).
        let at = Timestamp::parse_rfc3339("2026-11-21T23:30:00Z").unwrap();
        assert_eq!(Now { at, utc_offset_minutes: 660 }.local_day().to_string(), "2026-11-22");
        assert_eq!(Now { at, utc_offset_minutes: -300 }.local_day().to_string(), "2026-11-21");
        assert_eq!(Now { at, utc_offset_minutes: -300 }.local_hhmm(), "18:30");
    }

    #[test]
    fn day_arithmetic_crosses_months_and_leap_years() {
        let d = LocalDay::parse("2028-02-28").unwrap();
        assert_eq!(d.add_days(1).to_string(), "2028-02-29");
        assert_eq!(d.add_days(2).to_string(), "2028-03-01");
        assert_eq!(d.days_until(LocalDay::parse("2028-03-01").unwrap()), 2);
        assert_eq!(d.add_days(-59).to_string(), "2027-12-31");
        assert_eq!(LocalDay::parse("2026-11-22").unwrap().short_label(), "Sun 22 Nov");
    }

    #[test]
    fn day_parse_rejects_bad_input() {
        for bad in ["2026-02-30", "26-01-01", "2026/01/01", "", "2026-1-01", "abcd-ef-gh", "1é1-01-01", "2026-01-é"] {
            assert!(LocalDay::parse(bad).is_err(), "{bad}");
        }
    }
}
