//! Weeks as the person lives them: in their own time zone, starting on the day they chose.
//!
//! A week is seven civil days from its start day. Which week "now" is comes from the civil day on
//! the device's wall clock (`Now::local_day`), never from instants, so a daylight-saving change or
//! a flight across time zones moves the week boundary to the person's own midnight and cannot
//! lose, double or split a day between two weeks.
//!
//! The start day alone identifies a week (`2026-11-16`): a week starting on a Monday is a
//! Monday-start week. Weekly goals use it in their ids (`goal-week:2026-11-16`), so two devices
//! writing the same week's goal offline write one document.

use super::time::{LocalDay, Now, Timestamp};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The day a person's week begins on. Programs and cultures differ; these three cover them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum WeekStart {
    #[default]
    Monday,
    Sunday,
    Saturday,
}

impl WeekStart {
    pub const ALL: [WeekStart; 3] = [WeekStart::Monday, WeekStart::Sunday, WeekStart::Saturday];

    /// The stored form, kept stable across versions.
    pub fn as_str(self) -> &'static str {
        match self {
            WeekStart::Monday => "monday",
            WeekStart::Sunday => "sunday",
            WeekStart::Saturday => "saturday",
        }
    }

    /// Reads [`WeekStart::as_str`]'s form only: stored values are always written by the app.
    pub fn parse(s: &str) -> Option<Self> {
        WeekStart::ALL.into_iter().find(|w| w.as_str() == s)
    }

    /// For settings screens.
    pub fn label(self) -> &'static str {
        match self {
            WeekStart::Monday => "Monday",
            WeekStart::Sunday => "Sunday",
            WeekStart::Saturday => "Saturday",
        }
    }

    /// Monday = 0 … Sunday = 6, as [`LocalDay::weekday_from_monday`].
    fn weekday_from_monday(self) -> u8 {
        match self {
            WeekStart::Monday => 0,
            WeekStart::Saturday => 5,
            WeekStart::Sunday => 6,
        }
    }

    /// The week start a week beginning on `day` implies; `None` when no week starts on that weekday.
    pub fn of_start_day(day: LocalDay) -> Option<Self> {
        WeekStart::ALL.into_iter().find(|w| w.weekday_from_monday() == day.weekday_from_monday())
    }
}

/// Stored as [`WeekStart::as_str`] so settings read well in the database.
impl Serialize for WeekStart {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for WeekStart {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        WeekStart::parse(&s).ok_or_else(|| serde::de::Error::custom(format!("not a week start: {}", s.chars().take(40).collect::<String>())))
    }
}

/// Seven civil days from a start day. The field is private so every `Week` starts on one of the
/// [`WeekStart`] days: only [`Week::containing`], [`Week::parse_id`] and stepping make one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Week {
    start: LocalDay,
}

/// Month names for labels; the same short English names as `LocalDay::short_label`.
const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

fn month_name(day: LocalDay) -> &'static str {
    MONTHS.get(usize::from(day.month().saturating_sub(1))).copied().unwrap_or("")
}

impl Week {
    /// The week that `day` falls in, for a person whose weeks begin on `start`.
    pub fn containing(day: LocalDay, start: WeekStart) -> Week {
        let back = (day.weekday_from_monday() + 7 - start.weekday_from_monday()) % 7;
        Week { start: day.add_days(-i32::from(back)) }
    }

    /// This week on the device's wall clock.
    pub fn current(now: Now, start: WeekStart) -> Week {
        Week::containing(now.local_day(), start)
    }

    pub fn start(self) -> LocalDay {
        self.start
    }

    /// The last day, inclusive.
    pub fn end(self) -> LocalDay {
        self.start.add_days(6)
    }

    /// The start day this week implies. Always `Some` for weeks this module made; the fallback only
    /// keeps the signature total.
    pub fn week_start(self) -> WeekStart {
        WeekStart::of_start_day(self.start).unwrap_or_default()
    }

    pub fn contains(self, day: LocalDay) -> bool {
        self.start <= day && day <= self.end()
    }

    pub fn next(self) -> Week {
        Week { start: self.start.add_days(7) }
    }

    pub fn prev(self) -> Week {
        Week { start: self.start.add_days(-7) }
    }

    pub fn days(self) -> [LocalDay; 7] {
        let mut out = [self.start; 7];
        for (n, d) in (0i32..).zip(out.iter_mut()) {
            *d = self.start.add_days(n);
        }
        out
    }

    /// The start day as `YYYY-MM-DD`, for document ids such as `goal-week:2026-11-16`.
    pub fn id(self) -> String {
        self.start.to_string()
    }

    /// Reads [`Week::id`]. Only the exact form `id` writes is accepted (so one week never has two
    /// ids, which would make two documents for it), and only a day a week can start on.
    pub fn parse_id(s: &str) -> Option<Week> {
        let start = LocalDay::parse(s).ok()?;
        WeekStart::of_start_day(start)?;
        let week = Week { start };
        (week.id() == s).then_some(week)
    }

    /// "16–22 Nov", or "28 Dec – 3 Jan" when the week spans two months (spaced en dash, as is usual
    /// when the two ends have more than one word). The year is left out: the week is always near.
    pub fn label(self) -> String {
        let (a, b) = (self.start, self.end());
        if a.month() == b.month() && a.year() == b.year() {
            format!("{}–{} {}", a.day(), b.day(), month_name(b))
        } else {
            format!("{} {} – {} {}", a.day(), month_name(a), b.day(), month_name(b))
        }
    }

    /// Days left in the week counting today: 7 on its first day, 1 on its last, 0 once it is over,
    /// and 7 for a week not yet begun.
    pub fn days_left(self, today: LocalDay) -> u8 {
        if today < self.start {
            7
        } else {
            u8::try_from(today.days_until(self.end()) + 1).unwrap_or(0)
        }
    }

    /// Whether this is the week `today` is in, with the person's week start. A Monday-start week is
    /// not current for someone whose weeks now begin on Sunday, even though it contains today: the
    /// start day changed, so this week's goal belongs to a different week.
    pub fn is_current(self, today: LocalDay, start: WeekStart) -> bool {
        Week::containing(today, start) == self
    }
}

/// Stored as [`Week::id`].
impl Serialize for Week {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.id())
    }
}

impl<'de> Deserialize<'de> for Week {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Week::parse_id(&s).ok_or_else(|| serde::de::Error::custom(format!("not a week: {}", s.chars().take(40).collect::<String>())))
    }
}

/// A time zone: the offset from UTC in force at an instant. In the app the browser supplies it
/// (the offset it reports now); tests supply zones with daylight saving and travel.
pub trait Zone {
    /// Minutes east of UTC (UTC+1 is 60), like [`Now::utc_offset_minutes`].
    fn offset_minutes_at(&self, at: Timestamp) -> i32;
}

/// One offset at all instants: what the browser reports at the moment it is asked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FixedZone(pub i32);

impl Zone for FixedZone {
    fn offset_minutes_at(&self, _at: Timestamp) -> i32 {
        self.0
    }
}

/// The moment `at` as seen on a wall clock in `zone`.
pub fn now_in(zone: &(impl Zone + ?Sized), at: Timestamp) -> Now {
    Now { at, utc_offset_minutes: zone.offset_minutes_at(at) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::{BTreeMap, BTreeSet};

    fn day(s: &str) -> LocalDay {
        LocalDay::parse(s).unwrap()
    }

    fn ts(s: &str) -> Timestamp {
        Timestamp::parse_rfc3339(s).unwrap()
    }

    /// An offset that changes at given instants (ascending): `base` before the first change.
    struct ChangingZone {
        base: i32,
        changes: Vec<(Timestamp, i32)>,
    }

    impl Zone for ChangingZone {
        fn offset_minutes_at(&self, at: Timestamp) -> i32 {
            self.changes.iter().take_while(|(from, _)| *from <= at).last().map_or(self.base, |(_, o)| *o)
        }
    }

    /// US-Eastern-like, 2026 only: EDT from Sun 8 Mar 02:00 local to Sun 1 Nov 02:00 local.
    fn us_eastern() -> ChangingZone {
        ChangingZone { base: -300, changes: vec![(ts("2026-03-08T07:00:00Z"), -240), (ts("2026-11-01T06:00:00Z"), -300)] }
    }

    /// Europe-like (Central European), 2026 only: summer time from Sun 29 Mar to Sun 25 Oct, 01:00 UTC.
    fn europe() -> ChangingZone {
        ChangingZone { base: 60, changes: vec![(ts("2026-03-29T01:00:00Z"), 120), (ts("2026-10-25T01:00:00Z"), 60)] }
    }

    /// Flies from New York to Tokyo: the offset jumps from -5:00 to +9:00 on Wednesday 18 Nov 2026
    /// at 01:00 UTC (Tue 20:00 in New York, Wed 10:00 in Tokyo); optionally flies back.
    fn traveller(back_at: Option<&str>) -> ChangingZone {
        let mut changes = vec![(ts("2026-11-18T01:00:00Z"), 540)];
        changes.extend(back_at.map(|b| (ts(b), -300)));
        ChangingZone { base: -300, changes }
    }

    /// The local day at every quarter hour from `from` (inclusive) to `to` (exclusive).
    fn walk(zone: &dyn Zone, from: &str, to: &str) -> Vec<LocalDay> {
        let (from, to) = (ts(from).0, ts(to).0);
        (from..to).step_by(15 * 60_000).map(|ms| now_in(zone, Timestamp(ms)).local_day()).collect()
    }

    /// How many quarter hours of the walk each local day had.
    fn quarters(days: &[LocalDay]) -> BTreeMap<LocalDay, usize> {
        let mut out = BTreeMap::new();
        for d in days {
            *out.entry(*d).or_insert(0) += 1;
        }
        out
    }

    /// Everything the brief promises about weeks, for one walk and one week start.
    fn check_weeks(days: &[LocalDay], start: WeekStart) {
        let seen: BTreeSet<LocalDay> = days.iter().copied().collect();
        let (first, last) = (*seen.first().unwrap(), *seen.last().unwrap());
        // Every civil day of the span appears.
        for n in 0..=first.days_until(last) {
            assert!(seen.contains(&first.add_days(n)), "{} missing", first.add_days(n));
        }
        // Each day lands in exactly one week, which contains it and starts on the chosen day.
        let mut weeks: BTreeMap<Week, BTreeSet<LocalDay>> = BTreeMap::new();
        for d in &seen {
            let w = Week::containing(*d, start);
            assert!(w.contains(*d));
            assert_eq!(w.start().weekday_from_monday(), start.weekday_from_monday(), "{start:?} {d}");
            assert_eq!(w.week_start(), start);
            weeks.entry(w).or_default().insert(*d);
        }
        let list: Vec<_> = weeks.iter().collect();
        for pair in list.windows(2) {
            // Consecutive weeks follow each other with no gap and no overlap.
            assert_eq!(pair[0].0.next(), *pair[1].0);
            assert!(pair[0].1.is_disjoint(pair[1].1));
        }
        // Every week wholly inside the span has exactly its own seven days.
        for (w, ds) in &weeks {
            if w.start() >= first && w.end() <= last {
                assert_eq!(ds.iter().copied().collect::<Vec<_>>(), w.days().to_vec(), "{}", w.id());
            } else {
                assert!(ds.iter().all(|d| w.days().contains(d)));
            }
        }
        // Along the walk the week only ever steps to the next or previous one, and a step forward
        // lands on the new week's start day.
        for pair in days.windows(2) {
            let (a, b) = (Week::containing(pair[0], start), Week::containing(pair[1], start));
            if a != b {
                if b == a.next() {
                    assert_eq!(pair[1], b.start());
                    assert_eq!(pair[0], a.end());
                } else {
                    assert_eq!(b, a.prev(), "a week was skipped between {} and {}", pair[0], pair[1]);
                }
            }
        }
    }

    #[test]
    fn us_daylight_saving_start_and_end_keep_weeks_whole() {
        let spring = walk(&us_eastern(), "2026-02-28T12:00:00Z", "2026-03-22T12:00:00Z");
        let autumn = walk(&us_eastern(), "2026-10-17T12:00:00Z", "2026-11-15T12:00:00Z");
        for days in [&spring, &autumn] {
            assert!(days.windows(2).all(|p| p[0] <= p[1]), "local days never go backwards here");
            for start in WeekStart::ALL {
                check_weeks(days, start);
            }
        }
        // The zone really changes: 8 Mar has 23 hours and 1 Nov has 25, and both are still one day.
        assert_eq!(quarters(&spring)[&day("2026-03-08")], 23 * 4);
        assert_eq!(quarters(&spring)[&day("2026-03-07")], 24 * 4);
        assert_eq!(quarters(&autumn)[&day("2026-11-01")], 25 * 4);
        // Both changes happen on a Sunday: a Sunday-start week begins on the short (or long) day itself.
        assert_eq!(Week::containing(day("2026-03-08"), WeekStart::Sunday).start(), day("2026-03-08"));
        assert_eq!(Week::containing(day("2026-11-01"), WeekStart::Monday).start(), day("2026-10-26"));
    }

    #[test]
    fn european_summer_time_keeps_weeks_whole() {
        let spring = walk(&europe(), "2026-03-21T00:00:00Z", "2026-04-06T00:00:00Z");
        let autumn = walk(&europe(), "2026-10-17T00:00:00Z", "2026-11-02T00:00:00Z");
        for days in [&spring, &autumn] {
            assert!(days.windows(2).all(|p| p[0] <= p[1]));
            for start in WeekStart::ALL {
                check_weeks(days, start);
            }
        }
        assert_eq!(quarters(&spring)[&day("2026-03-29")], 23 * 4);
        assert_eq!(quarters(&autumn)[&day("2026-10-25")], 25 * 4);
    }

    #[test]
    fn a_flight_across_the_world_mid_week_loses_no_day() {
        let days = walk(&traveller(None), "2026-11-07T00:00:00Z", "2026-12-01T00:00:00Z");
        assert!(days.windows(2).all(|p| p[0] <= p[1]));
        for start in WeekStart::ALL {
            check_weeks(&days, start);
        }
        // Tuesday 17 Nov ends at 20:00 in New York and Wednesday begins at 10:00 in Tokyo: 14 hours
        // are skipped, but no day, and both are in the same week.
        let q = quarters(&days);
        assert_eq!(q[&day("2026-11-17")], 20 * 4);
        assert_eq!(q[&day("2026-11-18")], 14 * 4);
        assert_eq!(q[&day("2026-11-19")], 24 * 4);
        assert_eq!(Week::containing(day("2026-11-17"), WeekStart::Monday), Week::containing(day("2026-11-18"), WeekStart::Monday));
    }

    #[test]
    fn flying_back_over_a_week_boundary_returns_to_the_week_before() {
        // Leaves Tokyo on Monday 23 Nov at 08:00 local (Sun 22 Nov 23:00 UTC), lands on Sunday evening
        // in New York: Sunday is lived twice over, and Monday-start weeks step back for a while.
        let days = walk(&traveller(Some("2026-11-22T23:00:00Z")), "2026-11-07T00:00:00Z", "2026-12-01T00:00:00Z");
        assert!(days.windows(2).any(|p| p[1] < p[0]), "the walk does go back a day");
        for start in WeekStart::ALL {
            check_weeks(&days, start);
        }
        let monday = WeekStart::Monday;
        let steps: Vec<(Week, Week)> = days
            .windows(2)
            .map(|p| (Week::containing(p[0], monday), Week::containing(p[1], monday)))
            .filter(|(a, b)| a != b)
            .collect();
        let w16 = Week::parse_id("2026-11-16").unwrap();
        assert!(steps.contains(&(w16.next(), w16)), "stepped back: {steps:?}");
    }

    #[test]
    fn fixed_zones_at_the_extremes_agree_with_now() {
        let at = ts("2026-11-22T12:00:00Z");
        // 12:00 UTC on Sunday is already Monday in Kiribati (+14:00) and still Sunday at -12:00.
        assert_eq!(now_in(&FixedZone(840), at).local_day(), day("2026-11-23"));
        assert_eq!(now_in(&FixedZone(-720), at).local_day(), day("2026-11-22"));
        assert_eq!(Week::current(now_in(&FixedZone(840), at), WeekStart::Monday).id(), "2026-11-23");
        assert_eq!(Week::current(now_in(&FixedZone(-720), at), WeekStart::Monday).id(), "2026-11-16");
        let zone: &dyn Zone = &FixedZone(60);
        assert_eq!(now_in(zone, at).utc_offset_minutes, 60);
    }

    #[test]
    fn each_week_start_puts_the_boundary_on_its_day() {
        // Wednesday 18 Nov 2026.
        let wed = day("2026-11-18");
        assert_eq!(Week::containing(wed, WeekStart::Monday).start(), day("2026-11-16"));
        assert_eq!(Week::containing(wed, WeekStart::Sunday).start(), day("2026-11-15"));
        assert_eq!(Week::containing(wed, WeekStart::Saturday).start(), day("2026-11-14"));
        for start in WeekStart::ALL {
            for n in 0..21 {
                let d = wed.add_days(n);
                let w = Week::containing(d, start);
                assert!(w.contains(d) && !w.next().contains(d) && !w.prev().contains(d));
                assert_eq!(Week::containing(w.start(), start), w, "a start day begins its own week");
                assert_eq!(Week::containing(w.end(), start), w);
                assert_eq!(Week::containing(w.end().add_days(1), start), w.next());
                assert_eq!(w.next().prev(), w);
            }
        }
    }

    #[test]
    fn weeks_across_month_ends_leap_days_and_the_new_year() {
        let w = Week::containing(day("2026-12-31"), WeekStart::Monday);
        assert_eq!((w.start(), w.end()), (day("2026-12-28"), day("2027-01-03")));
        assert_eq!(w.days().map(|d| d.to_string()), ["2026-12-28", "2026-12-29", "2026-12-30", "2026-12-31", "2027-01-01", "2027-01-02", "2027-01-03"]);
        assert_eq!(Week::containing(day("2027-01-01"), WeekStart::Monday), w);
        assert_eq!(Week::containing(day("2027-01-01"), WeekStart::Sunday).start(), day("2026-12-27"));
        assert_eq!(Week::containing(day("2027-01-02"), WeekStart::Saturday).start(), day("2027-01-02"));
        let leap = Week::containing(day("2028-02-29"), WeekStart::Monday);
        assert_eq!((leap.start(), leap.end()), (day("2028-02-28"), day("2028-03-05")));
        assert_eq!(Week::containing(day("2026-03-01"), WeekStart::Monday).start(), day("2026-02-23"));
    }

    #[test]
    fn labels() {
        let w = |s: &str| Week::parse_id(s).unwrap().label();
        assert_eq!(w("2026-11-16"), "16–22 Nov");
        assert_eq!(w("2026-12-28"), "28 Dec – 3 Jan");
        assert_eq!(w("2026-01-26"), "26 Jan – 1 Feb");
        assert_eq!(w("2026-11-01"), "1–7 Nov");
        assert_eq!(w("2028-02-26"), "26 Feb – 3 Mar");
    }

    #[test]
    fn days_left_counts_today() {
        let w = Week::parse_id("2026-11-16").unwrap();
        assert_eq!(w.days_left(day("2026-11-15")), 7, "not begun");
        assert_eq!(w.days_left(day("2026-11-16")), 7);
        assert_eq!(w.days_left(day("2026-11-19")), 4);
        assert_eq!(w.days_left(day("2026-11-22")), 1);
        assert_eq!(w.days_left(day("2026-11-23")), 0);
        assert_eq!(w.days_left(day("2027-11-23")), 0);
    }

    #[test]
    fn is_current_follows_the_chosen_start() {
        let w = Week::parse_id("2026-11-16").unwrap();
        assert!(w.is_current(day("2026-11-16"), WeekStart::Monday));
        assert!(w.is_current(day("2026-11-22"), WeekStart::Monday));
        assert!(!w.is_current(day("2026-11-23"), WeekStart::Monday));
        assert!(!w.is_current(day("2026-11-15"), WeekStart::Monday));
        assert!(!w.is_current(day("2026-11-18"), WeekStart::Sunday), "contains today, but is not the person's week");
    }

    #[test]
    fn ids_round_trip_and_garbage_is_rejected() {
        for start in WeekStart::ALL {
            let mut w = Week::containing(day("2026-11-18"), start);
            for _ in 0..60 {
                assert_eq!(Week::parse_id(&w.id()), Some(w));
                assert_eq!(Week::parse_id(&w.id()).unwrap().week_start(), start);
                w = w.next();
            }
        }
        assert_eq!(Week::parse_id("2026-11-16").map(Week::week_start), Some(WeekStart::Monday));
        assert_eq!(Week::parse_id("2026-11-15").map(Week::week_start), Some(WeekStart::Sunday));
        assert_eq!(Week::parse_id("2026-11-14").map(Week::week_start), Some(WeekStart::Saturday));
        for bad in [
            "", "2026-11-18", // a Wednesday: no week starts there
            "2026-11-17", "2026-11-19", "2026-11-20", "2026-02-30", "2026-13-01", "2026-11-16 ", " 2026-11-16",
            "2026-11-16T00:00:00Z", "goal-week:2026-11-16", "+026-11-16", "2026-+1-16", "2026-11-+6", "20261116",
            "é", "ééééé", "2026-11-1é", "2026-1é-16", "é026-11-16", "２０２６-11-16", "2026–11–16", "\u{0}\u{0}\u{0}\u{0}-11-16",
            "🙂🙂-1-16",
        ] {
            assert_eq!(Week::parse_id(bad), None, "{bad:?}");
        }
        // Every prefix and every single-character change of a good id: no panics, and only good ids pass.
        let good = "2026-11-16";
        for cut in 0..good.len() {
            assert_eq!(Week::parse_id(&good[..cut]), None);
        }
        for i in 0..good.len() {
            for c in ['é', '🙂', 'x', '-', '0', '9', ' '] {
                let s = format!("{}{}{}", &good[..i], c, &good[i + 1..]);
                if let Some(w) = Week::parse_id(&s) {
                    assert_eq!(w.id(), s);
                    assert!(WeekStart::of_start_day(w.start()).is_some());
                }
            }
        }
    }

    #[test]
    fn week_start_names_round_trip() {
        for w in WeekStart::ALL {
            assert_eq!(WeekStart::parse(w.as_str()), Some(w));
            assert_eq!(w.label().to_lowercase(), w.as_str());
            assert_eq!(serde_json::from_value::<WeekStart>(serde_json::to_value(w).unwrap()).unwrap(), w);
        }
        assert_eq!(WeekStart::default(), WeekStart::Monday);
        for bad in ["", "Monday", "mon", "tuesday", "ménday", " monday"] {
            assert_eq!(WeekStart::parse(bad), None, "{bad}");
        }
        let w = Week::parse_id("2026-11-16").unwrap();
        assert_eq!(serde_json::to_value(w).unwrap(), "2026-11-16");
        assert_eq!(serde_json::from_value::<Week>("2026-11-16".into()).unwrap(), w);
        assert!(serde_json::from_value::<Week>("2026-11-18".into()).is_err());
    }
}
