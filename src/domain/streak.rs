//! Check-in streaks and days since a sober date.
//!
//! Both count civil days (`LocalDay`), so a late-night check-in after a time-zone change or a
//! daylight-saving night neither breaks nor pads a count. A streak is never shown as broken while
//! today is still going: the day is not over until the person's own midnight.

use super::order;
use super::time::LocalDay;
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Streak {
    /// Consecutive days with a check-in ending today, or ending yesterday while today has none yet.
    pub current: u32,
    /// The longest run of consecutive days in all of history, the current one included.
    pub longest: u32,
    /// The most recent check-in day, not after today.
    pub last_day: Option<LocalDay>,
}

impl Streak {
    /// The streak is alive but today has no check-in yet: a gentle "today's check-in keeps it going"
    /// rather than a warning.
    pub fn waiting_for_today(&self, today: LocalDay) -> bool {
        self.current > 0 && self.last_day != Some(today)
    }
}

/// The streak from the days that have a check-in, in any order and with repeats (several devices,
/// merged histories). Days after `today` are ignored: they can only come from a clock that was
/// ahead or moved back, and counting them would make today look like a gap.
pub fn checkin_streak(days: impl IntoIterator<Item = LocalDay>, today: LocalDay) -> Streak {
    let mut days: Vec<LocalDay> = days.into_iter().filter(|d| *d <= today).collect();
    // The shared sort, not `sort_unstable`, so no new copy of the sort is linked into the app.
    order::sort_by(&mut days, LocalDay::cmp);
    days.dedup();
    let (mut run, mut longest, mut last): (u32, u32, Option<LocalDay>) = (0, 0, None);
    for d in days {
        run = match last {
            Some(prev) if prev.days_until(d) == 1 => run.saturating_add(1),
            _ => 1,
        };
        longest = longest.max(run);
        last = Some(d);
    }
    let alive = last.is_some_and(|l| matches!(l.days_until(today), 0 | 1));
    Streak { current: if alive { run } else { 0 }, longest, last_day: last }
}

/// Whole days from `since` to `today`: 0 on the day itself, and 0 for a date in the future
/// (a mistyped date or a clock that moved back should not show a negative or huge number).
pub fn sober_days(since: LocalDay, today: LocalDay) -> u32 {
    u32::try_from(since.days_until(today)).unwrap_or(0)
}

/// One restart of the count: the day it happened and the day the count ran from before it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reset {
    pub day: LocalDay,
    pub previous_since: LocalDay,
}

impl Reset {
    /// The days counted before this restart.
    pub fn days(&self) -> u32 {
        sober_days(self.previous_since, self.day)
    }
}

/// The day the person counts from, and every earlier count they restarted. Earlier counts are kept
/// because the days in them still happened and still count.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SoberSince {
    pub since: LocalDay,
    /// In the order they were made; after a sync merge the order may differ, and nothing here
    /// depends on it.
    pub resets: Vec<Reset>,
}

impl SoberSince {
    pub fn new(since: LocalDay) -> Self {
        SoberSince { since, resets: Vec::new() }
    }

    pub fn days(&self, today: LocalDay) -> u32 {
        sober_days(self.since, today)
    }

    /// Restarts the count at `today`, keeping the old start, and returns the days that count had
    /// (for [`reset_message`]). A second restart on the same day changes nothing and records nothing:
    /// a double tap, or the same restart arriving from two devices, is not a second event.
    pub fn reset(&mut self, today: LocalDay) -> u32 {
        if self.since == today {
            return 0;
        }
        let previous = Reset { day: today, previous_since: self.since };
        self.resets.push(previous);
        self.since = today;
        previous.days()
    }

    /// The longest count, earlier ones and the current one alike.
    pub fn longest_run(&self, today: LocalDay) -> u32 {
        self.resets.iter().map(Reset::days).fold(self.days(today), u32::max)
    }
}

/// What the app says after the person restarts their count. It names the days that were done as
/// still counting, and points to people and crisis lines without assuming the person is in danger.
/// Wording avoids blame words ("failed", "relapse", "broke", "back to zero").
pub fn reset_message(previous_days: u32) -> String {
    let done = match previous_days {
        0 => "Thank you for being honest with yourself — that takes courage.".to_string(),
        1 => "The day you put in still counts. Nothing takes it away.".to_string(),
        n => format!("The {n} days you put in still count. Nothing takes them away."),
    };
    format!(
        "{done} Today is a new beginning, and you don't have to do it alone: your partner or your group \
         would want to hear from you. If things feel like too much right now, the crisis lines under \
         Get help now are there any time."
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> LocalDay {
        LocalDay::parse(s).unwrap()
    }

    fn days(list: &[&str]) -> Vec<LocalDay> {
        list.iter().map(|s| day(s)).collect()
    }

    fn streak(list: &[&str], today: &str) -> Streak {
        checkin_streak(days(list), day(today))
    }

    #[test]
    fn no_checkins_is_no_streak() {
        assert_eq!(streak(&[], "2026-11-22"), Streak { current: 0, longest: 0, last_day: None });
    }

    #[test]
    fn a_run_ending_today_counts() {
        let s = streak(&["2026-11-20", "2026-11-21", "2026-11-22"], "2026-11-22");
        assert_eq!(s, Streak { current: 3, longest: 3, last_day: Some(day("2026-11-22")) });
        assert!(!s.waiting_for_today(day("2026-11-22")));
    }

    #[test]
    fn today_missing_is_not_broken_yet() {
        let s = streak(&["2026-11-20", "2026-11-21"], "2026-11-22");
        assert_eq!(s.current, 2, "the day is not over");
        assert!(s.waiting_for_today(day("2026-11-22")));
    }

    #[test]
    fn yesterday_missing_ends_the_run() {
        let s = streak(&["2026-11-19", "2026-11-20"], "2026-11-22");
        assert_eq!((s.current, s.longest), (0, 2));
        assert!(!s.waiting_for_today(day("2026-11-22")));
        // Checking in today after missing yesterday starts a new run of one.
        let s = streak(&["2026-11-19", "2026-11-20", "2026-11-22"], "2026-11-22");
        assert_eq!((s.current, s.longest), (1, 2));
    }

    #[test]
    fn gaps_and_the_longest_run() {
        let s = streak(
            &["2026-10-01", "2026-10-02", "2026-10-03", "2026-10-04", "2026-10-06", "2026-11-20", "2026-11-21", "2026-11-22"],
            "2026-11-22",
        );
        assert_eq!((s.current, s.longest), (3, 4));
        let s = streak(&["2026-11-01", "2026-11-03", "2026-11-05"], "2026-11-05");
        assert_eq!((s.current, s.longest), (1, 1));
    }

    #[test]
    fn unsorted_and_duplicated_days() {
        let s = streak(
            &["2026-11-22", "2026-11-20", "2026-11-22", "2026-11-21", "2026-11-20", "2026-11-22", "2026-11-10"],
            "2026-11-22",
        );
        assert_eq!(s, Streak { current: 3, longest: 3, last_day: Some(day("2026-11-22")) });
    }

    #[test]
    fn days_after_today_are_ignored() {
        // The clock moved back a day: tomorrow's check-in exists, but today must not look like a gap.
        let s = streak(&["2026-11-20", "2026-11-21", "2026-11-23", "2026-11-24"], "2026-11-22");
        assert_eq!(s, Streak { current: 2, longest: 2, last_day: Some(day("2026-11-21")) });
        let s = streak(&["2030-01-01"], "2026-11-22");
        assert_eq!(s, Streak::default());
    }

    #[test]
    fn runs_cross_month_ends_new_year_and_leap_days() {
        let s = streak(&["2028-02-27", "2028-02-28", "2028-02-29", "2028-03-01"], "2028-03-01");
        assert_eq!(s.current, 4);
        let s = streak(&["2027-02-27", "2027-02-28", "2027-03-01"], "2027-03-02");
        assert_eq!(s.current, 3, "no 29 Feb in 2027, so no gap");
        let s = streak(&["2026-12-30", "2026-12-31", "2027-01-01"], "2027-01-01");
        assert_eq!(s.current, 3);
        let s = streak(&["2026-10-31", "2026-11-01"], "2026-11-02");
        assert_eq!(s.current, 2);
    }

    #[test]
    fn a_long_history() {
        let start = day("2025-01-01");
        let all: Vec<LocalDay> = (0..700).map(|n| start.add_days(n)).filter(|d| *d != day("2025-06-15")).collect();
        let today = start.add_days(699);
        let s = checkin_streak(all.iter().rev().copied(), today);
        assert_eq!(s.current, u32::try_from(day("2025-06-15").days_until(today)).unwrap());
        assert_eq!(s.longest, s.current);
    }

    #[test]
    fn sober_days_are_whole_days() {
        assert_eq!(sober_days(day("2026-11-22"), day("2026-11-22")), 0);
        assert_eq!(sober_days(day("2026-11-21"), day("2026-11-22")), 1);
        assert_eq!(sober_days(day("2026-11-23"), day("2026-11-22")), 0, "a start in the future");
        assert_eq!(sober_days(day("2028-02-01"), day("2028-03-01")), 29, "leap February");
        assert_eq!(sober_days(day("2027-02-01"), day("2027-03-01")), 28);
        assert_eq!(sober_days(day("2025-11-22"), day("2026-11-22")), 365);
        assert_eq!(sober_days(day("2027-11-22"), day("2028-11-22")), 366);
        assert_eq!(SoberSince::new(day("2026-10-23")).days(day("2026-11-22")), 30);
    }

    #[test]
    fn reset_keeps_history_and_the_longest_run() {
        let mut s = SoberSince::new(day("2026-01-01"));
        assert_eq!(s.reset(day("2026-03-02")), 60);
        assert_eq!(s.since, day("2026-03-02"));
        assert_eq!(s.resets, [Reset { day: day("2026-03-02"), previous_since: day("2026-01-01") }]);
        assert_eq!(s.days(day("2026-03-12")), 10);
        assert_eq!(s.longest_run(day("2026-03-12")), 60, "the earlier 60 days still count");
        assert_eq!(s.reset(day("2026-03-12")), 10);
        assert_eq!(s.resets.len(), 2);
        assert_eq!(s.resets[1].previous_since, day("2026-03-02"));
        // The current count overtakes the earlier ones.
        assert_eq!(s.longest_run(day("2026-05-12")), 61);
        assert_eq!(s.longest_run(day("2026-03-12")), 60);
    }

    #[test]
    fn a_second_reset_the_same_day_records_nothing() {
        let mut s = SoberSince::new(day("2026-11-01"));
        assert_eq!(s.reset(day("2026-11-22")), 21);
        let before = s.clone();
        assert_eq!(s.reset(day("2026-11-22")), 0);
        assert_eq!(s, before);
    }

    #[test]
    fn resetting_a_start_in_the_future_counts_no_days() {
        let mut s = SoberSince::new(day("2026-12-01"));
        assert_eq!(s.reset(day("2026-11-22")), 0);
        assert_eq!(s.since, day("2026-11-22"));
        assert_eq!(s.longest_run(day("2026-11-22")), 0);
    }

    #[test]
    fn resets_are_stored_as_plain_days() {
        let r = Reset { day: day("2026-03-02"), previous_since: day("2026-01-01") };
        let json = serde_json::to_value(r).unwrap();
        assert_eq!(json, serde_json::json!({ "day": "2026-03-02", "previous_since": "2026-01-01" }));
        assert_eq!(serde_json::from_value::<Reset>(json).unwrap(), r);
    }

    #[test]
    fn reset_message_is_warm() {
        for n in [0, 1, 2, 7, 30, 365, 1000, u32::MAX] {
            let m = reset_message(n);
            let lower = m.to_lowercase();
            for word in ["fail", "relapse", "start over", "from zero", "zero", "broke", "lost", "again", "shame", "streak"] {
                assert!(!lower.contains(word), "{word:?} in {m:?}");
            }
            assert!(lower.contains("partner") && lower.contains("crisis line"), "{m}");
            if n > 0 {
                assert!(lower.contains("still count"), "{m}");
            }
        }
        assert!(reset_message(1).contains("The day you put in still counts"));
        assert!(reset_message(30).contains("The 30 days you put in still count"));
    }
}
