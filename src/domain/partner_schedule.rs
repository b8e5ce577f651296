//! When a partner check-in is due, and when (and how) to remind about it.
//!
//! Periods are windows of civil days counted from the pairing's start day — one day, seven days or
//! fourteen days long — not calendar weeks: a pair that started on a Thursday checks in Thursday to
//! Wednesday, whatever day either person's week starts on. A period is done as soon as I have a
//! check-in on any day in it; its due day is its last day. Only civil days are compared, so
//! daylight-saving changes and travel cannot move a due day.
//!
//! The key rule for reminders: never a reminder for a check-in already done. Then at most one per
//! period, never in quiet hours, and nothing that sounds like a debt — a missed check-in is simply
//! "waiting".

use super::partner::CheckInFrequency;
use super::time::LocalDay;

/// Quiet hours when none are set: from 21:00 to 08:00 on the device's wall clock.
pub const DEFAULT_QUIET_HOURS: (u8, u8) = (21, 8);

/// What a reminder says, the same for a notification and a badge's tooltip: an invitation, not a demand.
pub const REMINDER_TEXT: &str = "Your partner check-in is ready whenever you are.";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DueState {
    /// I checked in during this period.
    Done,
    /// This period ends today and I have not checked in yet.
    DueToday,
    /// This period ends in this many days; the one before was done (or there was none).
    DueIn(u32),
    /// A due day passed without a check-in, this many days ago (the first of an unbroken run of
    /// missed periods), and this period is not done yet.
    Overdue(u32),
}

/// Where I stand in the current period.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Due {
    /// The current period's last day. It also names the period (for "reminded once per period").
    pub day: LocalDay,
    pub state: DueState,
    /// Kept for the label's words ("Done for this week").
    pub frequency: CheckInFrequency,
}

impl Due {
    /// Plain words, never shaming: an overdue check-in is "waiting", with no count of days.
    pub fn label(&self) -> String {
        match self.state {
            DueState::Done => match self.frequency {
                CheckInFrequency::Daily => "Done for today",
                CheckInFrequency::Weekly => "Done for this week",
                CheckInFrequency::Biweekly => "Done for these two weeks",
            }
            .to_owned(),
            DueState::DueToday => "Due today".to_owned(),
            DueState::DueIn(1) => format!("Due tomorrow ({})", self.day.short_label()),
            DueState::DueIn(n) => format!("Due in {n} days ({})", self.day.short_label()),
            DueState::Overdue(_) => "A check-in is waiting — whenever you're ready".to_owned(),
        }
    }
}

/// Days as a count for [`DueState`]; negative only for impossible inputs, shown as 0.
fn count(days: i32) -> u32 {
    u32::try_from(days).unwrap_or(0)
}

/// Where I stand: the current period (the one containing `today`, or the first one if the pairing
/// has not started yet) and whether it, and the ones before it, were done. Check-ins before
/// `started` belong to an earlier pairing or none, and never count.
pub fn next_due(frequency: CheckInFrequency, started: LocalDay, my_checkins: &[LocalDay], today: LocalDay) -> Due {
    let len = frequency.period_days();
    // Which period a day falls in; days before the start are in none. `len` is never 0.
    let period_of = |d: LocalDay| (d >= started).then(|| started.days_until(d) / len);
    let period_end = |k: i32| started.add_days(k.saturating_mul(len).saturating_add(len - 1));
    let current = period_of(today).unwrap_or(0);
    let end = period_end(current);
    let counted = || my_checkins.iter().filter_map(|d| period_of(*d));
    let state = if counted().any(|k| k == current) {
        DueState::Done
    } else {
        // The first period after my last check-in before this one (the very first period if none):
        // when it is before the current one, its due day passed unfinished.
        let first_missed = counted().filter(|k| *k < current).max().map_or(0, |k| k + 1);
        if first_missed < current {
            DueState::Overdue(count(period_end(first_missed).days_until(today)))
        } else if today == end {
            DueState::DueToday
        } else {
            DueState::DueIn(count(today.days_until(end)))
        }
    };
    Due { day: end, state, frequency }
}

/// Whether `hour` (0–23, the device's wall clock) is in the quiet hours `(from, to)`: from `from`
/// inclusive to `to` exclusive, wrapping past midnight when `from > to`. Equal ends mean no quiet
/// hours. An hour that cannot be (24 or more) counts as quiet: when unsure, stay silent.
pub fn in_quiet_hours(hour: u8, (from, to): (u8, u8)) -> bool {
    if hour > 23 {
        true
    } else if from == to {
        false
    } else if from < to {
        from <= hour && hour < to
    } else {
        hour >= from || hour < to
    }
}

/// Whether to remind now. Never when this period's check-in is done (the key rule), never before
/// it is due, never twice for one period (`already_reminded_for` is the due day of the period last
/// reminded about), never during quiet hours.
pub fn should_remind(due: &Due, already_reminded_for: Option<LocalDay>, now_local_hour: u8, quiet_hours: (u8, u8)) -> bool {
    let due_now = matches!(due.state, DueState::DueToday | DueState::Overdue(_));
    due_now && already_reminded_for != Some(due.day) && !in_quiet_hours(now_local_hour, quiet_hours)
}

/// How a reminder reaches the person.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reminder {
    /// A system notification (the person allowed them).
    Notification,
    /// A quiet badge in the app: without permission, asking again would nag.
    Badge,
}

pub fn reminder_kind(permission_granted: bool) -> Reminder {
    if permission_granted {
        Reminder::Notification
    } else {
        Reminder::Badge
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use CheckInFrequency::{Biweekly, Daily, Weekly};

    fn day(s: &str) -> LocalDay {
        LocalDay::parse(s).unwrap()
    }
    fn days(list: &[&str]) -> Vec<LocalDay> {
        list.iter().map(|s| day(s)).collect()
    }
    fn due(f: CheckInFrequency, started: &str, checkins: &[&str], today: &str) -> (String, DueState) {
        let d = next_due(f, day(started), &days(checkins), day(today));
        (d.day.to_string(), d.state)
    }

    #[test]
    fn weekly_windows_run_from_the_start_day() {
        // Started Thursday 26 Nov 2026: windows are Thu–Wed.
        assert_eq!(due(Weekly, "2026-11-26", &[], "2026-11-26"), ("2026-12-02".into(), DueState::DueIn(6)));
        assert_eq!(due(Weekly, "2026-11-26", &[], "2026-12-02"), ("2026-12-02".into(), DueState::DueToday));
        assert_eq!(due(Weekly, "2026-11-26", &["2026-11-27"], "2026-12-01"), ("2026-12-02".into(), DueState::Done), "earlier in the window counts");
        // The next window starts fresh.
        assert_eq!(due(Weekly, "2026-11-26", &["2026-11-27"], "2026-12-03"), ("2026-12-09".into(), DueState::DueIn(6)));
    }

    #[test]
    fn windows_cross_month_and_year_ends() {
        assert_eq!(due(Weekly, "2026-12-28", &[], "2027-01-02"), ("2027-01-03".into(), DueState::DueIn(1)));
        assert_eq!(due(Weekly, "2026-12-28", &["2026-12-31"], "2027-01-03"), ("2027-01-03".into(), DueState::Done));
        assert_eq!(due(Biweekly, "2026-12-20", &[], "2027-01-01"), ("2027-01-02".into(), DueState::DueIn(1)));
        assert_eq!(due(Biweekly, "2026-12-20", &[], "2027-01-03"), ("2027-01-16".into(), DueState::Overdue(1)));
        // Leap day inside a window.
        assert_eq!(due(Weekly, "2028-02-24", &["2028-02-29"], "2028-03-01"), ("2028-03-01".into(), DueState::Done));
        assert_eq!(due(Daily, "2026-01-30", &["2026-12-31"], "2026-12-31"), ("2026-12-31".into(), DueState::Done));
        assert_eq!(due(Daily, "2026-01-30", &["2026-12-30"], "2027-01-01"), ("2027-01-01".into(), DueState::Overdue(1)));
    }

    #[test]
    fn daily_periods_are_each_day() {
        assert_eq!(due(Daily, "2026-11-01", &["2026-11-21"], "2026-11-22"), ("2026-11-22".into(), DueState::DueToday));
        assert_eq!(due(Daily, "2026-11-01", &["2026-11-22"], "2026-11-22"), ("2026-11-22".into(), DueState::Done));
        assert_eq!(due(Daily, "2026-11-22", &[], "2026-11-22"), ("2026-11-22".into(), DueState::DueToday), "the first day has nothing before it");
    }

    #[test]
    fn biweekly_windows_are_fourteen_days() {
        assert_eq!(due(Biweekly, "2026-11-02", &["2026-11-03"], "2026-11-15"), ("2026-11-15".into(), DueState::Done));
        assert_eq!(due(Biweekly, "2026-11-02", &["2026-11-03"], "2026-11-16"), ("2026-11-29".into(), DueState::DueIn(13)));
        assert_eq!(due(Biweekly, "2026-11-02", &["2026-11-16"], "2026-11-29"), ("2026-11-29".into(), DueState::Done));
    }

    #[test]
    fn checkins_before_the_start_do_not_count() {
        // From an earlier pairing, the day before this one started.
        assert_eq!(due(Weekly, "2026-11-26", &["2026-11-25"], "2026-11-30"), ("2026-12-02".into(), DueState::DueIn(2)));
        assert_eq!(due(Weekly, "2026-11-26", &["2026-11-25"], "2026-12-03"), ("2026-12-09".into(), DueState::Overdue(1)), "nor stop the first period counting as missed");
        // A pairing not started yet: its first period.
        assert_eq!(due(Weekly, "2026-11-26", &["2026-11-25"], "2026-11-25"), ("2026-12-02".into(), DueState::DueIn(7)));
    }

    #[test]
    fn overdue_counts_from_the_first_missed_due_day() {
        assert_eq!(due(Weekly, "2026-11-02", &["2026-11-03"], "2026-11-10"), ("2026-11-15".into(), DueState::DueIn(5)), "last week done: nothing overdue");
        assert_eq!(due(Weekly, "2026-11-02", &["2026-11-03"], "2026-11-17"), ("2026-11-22".into(), DueState::Overdue(2)), "missed the week ending 15 Nov");
        assert_eq!(due(Weekly, "2026-11-02", &["2026-11-03"], "2026-11-29"), ("2026-11-29".into(), DueState::Overdue(14)), "still counted from 15 Nov");
        assert_eq!(due(Weekly, "2026-11-02", &[], "2026-11-29"), ("2026-11-29".into(), DueState::Overdue(21)), "never checked in: from the first due day");
        assert_eq!(due(Weekly, "2026-11-02", &["2026-11-03"], "2026-11-18").1, DueState::Overdue(3));
        assert_eq!(due(Weekly, "2026-11-02", &["2026-11-03", "2026-11-17"], "2026-11-18").1, DueState::Done, "checking in now settles it");
        assert_eq!(due(Daily, "2026-11-01", &["2026-11-18"], "2026-11-22"), ("2026-11-22".into(), DueState::Overdue(3)));
        // Order of check-ins and future-dated ones (another device's clock) change nothing.
        assert_eq!(due(Weekly, "2026-11-02", &["2026-12-30", "2026-11-03"], "2026-11-17").1, DueState::Overdue(2));
    }

    #[test]
    fn labels_are_plain_and_never_shaming() {
        let label = |f, c: &[&str], today| next_due(f, day("2026-11-23"), &days(c), day(today)).label();
        assert_eq!(label(Weekly, &["2026-11-24"], "2026-11-25"), "Done for this week");
        assert_eq!(label(Daily, &["2026-11-25"], "2026-11-25"), "Done for today");
        assert_eq!(label(Biweekly, &["2026-11-25"], "2026-11-25"), "Done for these two weeks");
        assert_eq!(label(Weekly, &[], "2026-11-26"), "Due in 3 days (Sun 29 Nov)");
        assert_eq!(label(Weekly, &[], "2026-11-28"), "Due tomorrow (Sun 29 Nov)");
        assert_eq!(label(Weekly, &[], "2026-11-29"), "Due today");
        let overdue = label(Weekly, &[], "2026-12-10");
        assert_eq!(overdue, "A check-in is waiting — whenever you're ready");
        assert!(!overdue.contains("overdue") && !overdue.contains("missed") && !overdue.chars().any(|c| c.is_ascii_digit()));
    }

    #[test]
    fn never_a_reminder_for_a_checkin_already_done() {
        let done = next_due(Weekly, day("2026-11-23"), &days(&["2026-11-23"]), day("2026-11-29"));
        assert_eq!(done.state, DueState::Done);
        for hour in 0..24 {
            assert!(!should_remind(&done, None, hour, (0, 0)), "{hour}");
        }
        let overdue_but_done = next_due(Daily, day("2026-11-01"), &days(&["2026-11-22"]), day("2026-11-22"));
        assert!(!should_remind(&overdue_but_done, None, 12, DEFAULT_QUIET_HOURS));
        let not_yet = next_due(Weekly, day("2026-11-23"), &[], day("2026-11-26"));
        assert!(!should_remind(&not_yet, None, 12, DEFAULT_QUIET_HOURS), "not before it is due");
    }

    #[test]
    fn reminders_come_once_per_period() {
        let today = next_due(Weekly, day("2026-11-23"), &[], day("2026-11-29"));
        assert!(should_remind(&today, None, 12, DEFAULT_QUIET_HOURS));
        assert!(!should_remind(&today, Some(day("2026-11-29")), 18, DEFAULT_QUIET_HOURS), "already reminded for this period");
        assert!(should_remind(&today, Some(day("2026-11-22")), 12, DEFAULT_QUIET_HOURS), "a reminder for last period does not count");
        // Overdue into the next period: one more reminder there, then none.
        let waiting = next_due(Weekly, day("2026-11-23"), &[], day("2026-12-01"));
        assert_eq!(waiting.state, DueState::Overdue(2));
        assert!(should_remind(&waiting, Some(day("2026-11-29")), 12, DEFAULT_QUIET_HOURS));
        assert!(!should_remind(&waiting, Some(waiting.day), 12, DEFAULT_QUIET_HOURS));
    }

    #[test]
    fn quiet_hours_wrap_midnight() {
        let today = next_due(Daily, day("2026-11-22"), &[], day("2026-11-22"));
        let allowed: Vec<u8> = (0..24).filter(|h| should_remind(&today, None, *h, DEFAULT_QUIET_HOURS)).collect();
        assert_eq!(allowed, (8..21).collect::<Vec<u8>>());
        assert!(in_quiet_hours(23, (22, 6)) && in_quiet_hours(0, (22, 6)) && in_quiet_hours(5, (22, 6)));
        assert!(!in_quiet_hours(6, (22, 6)) && !in_quiet_hours(21, (22, 6)));
        assert!(in_quiet_hours(13, (13, 15)) && !in_quiet_hours(15, (13, 15)), "a daytime nap does not wrap");
        assert!(!in_quiet_hours(3, (0, 0)), "equal ends: no quiet hours");
        assert!(in_quiet_hours(24, (0, 0)) && !should_remind(&today, None, 99, (0, 0)), "an impossible hour stays silent");
    }

    #[test]
    fn reminders_are_notifications_only_with_permission() {
        assert_eq!(reminder_kind(true), Reminder::Notification);
        assert_eq!(reminder_kind(false), Reminder::Badge);
    }
}
