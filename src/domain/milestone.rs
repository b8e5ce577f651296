//! Milestones worth celebrating: days counted from a sober date, and check-in streaks.
//!
//! Everything here works from a day count, so the count's own rules (civil days, a streak not broken
//! before midnight) stay in `streak`. [`newly_reached`] takes the count before and after, so a
//! device that was offline for a week celebrates every milestone it passed, not only the last.

/// The day counts that are celebrated.
pub const MILESTONE_DAYS: [u32; 8] = [1, 7, 14, 30, 60, 90, 180, 365];

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MilestoneKind {
    /// Days counted from the person's sober date.
    Sober,
    /// Consecutive days with a check-in.
    CheckinStreak,
}

impl MilestoneKind {
    /// The stable prefix of [`Milestone::id`].
    pub fn as_str(self) -> &'static str {
        match self {
            MilestoneKind::Sober => "sober",
            MilestoneKind::CheckinStreak => "streak",
        }
    }

    /// The thresholds for this kind, ascending. Streaks skip 1: every first check-in is a one-day
    /// streak, so celebrating it would fire on almost any day and mean little, while a first sober
    /// day is a real step.
    pub fn thresholds(self) -> &'static [u32] {
        match self {
            MilestoneKind::Sober => &MILESTONE_DAYS,
            MilestoneKind::CheckinStreak => MILESTONE_DAYS.get(1..).unwrap_or(&[]),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Milestone {
    pub kind: MilestoneKind,
    pub days: u32,
}

impl Milestone {
    /// "sober-30", "streak-7": stable across versions, for "already celebrated" records and shares.
    pub fn id(&self) -> String {
        format!("{}-{}", self.kind.as_str(), self.days)
    }

    /// The milestone an [`id`](Milestone::id) names, if it is one this version knows.
    pub fn from_id(id: &str) -> Option<Milestone> {
        let (kind, days) = id.rsplit_once('-')?;
        let kind = [MilestoneKind::Sober, MilestoneKind::CheckinStreak].into_iter().find(|k| k.as_str() == kind)?;
        let days: u32 = days.parse().ok()?;
        kind.thresholds().contains(&days).then_some(Milestone { kind, days })
    }

    /// "30 days", "1 day", "7-day check-in streak". The sober title is the count alone: the person
    /// knows what it counts, and the screen may be seen by others.
    pub fn title(&self) -> String {
        match self.kind {
            MilestoneKind::Sober => days_phrase(self.days),
            MilestoneKind::CheckinStreak => format!("{}-day check-in streak", self.days),
        }
    }

    /// A short, warm sentence for the person themselves.
    pub fn celebration(&self) -> String {
        match (self.kind, self.days) {
            (MilestoneKind::Sober, 1) => "Your first day. Every bigger number starts right here.".into(),
            (MilestoneKind::Sober, 7) => "A whole week. Each of those days took something — well done.".into(),
            (MilestoneKind::Sober, 14) => "Two weeks. You keep showing up for yourself.".into(),
            (MilestoneKind::Sober, 30) => "A month of days. That's real, and it's yours.".into(),
            (MilestoneKind::Sober, 60) => "Two months. Look how far you've come.".into(),
            (MilestoneKind::Sober, 90) => "Ninety days. Take a moment to feel how much that is.".into(),
            (MilestoneKind::Sober, 180) => "Half a year, one day at a time. Every one of them counts.".into(),
            (MilestoneKind::Sober, 365) => "A full year. Thank you for every single day of it.".into(),
            (MilestoneKind::Sober, n) => format!("{}. Every one of them counts.", days_phrase(n)),
            (MilestoneKind::CheckinStreak, 7) => "A week of check-ins in a row. Showing up is the work.".into(),
            (MilestoneKind::CheckinStreak, 365) => "A check-in every day for a year. That's remarkable care for yourself.".into(),
            (MilestoneKind::CheckinStreak, n) => format!("{n} days in a row of checking in with yourself. Keep showing up."),
        }
    }

    /// What the group sees if the person chooses to share: the milestone and nothing else — no
    /// dates, no names, no words from check-ins, and for sober counts not even what is counted.
    pub fn share_text(&self) -> String {
        match self.kind {
            MilestoneKind::Sober => format!("I've reached {}.", days_phrase(self.days)),
            MilestoneKind::CheckinStreak => format!("I've checked in {} days in a row.", self.days),
        }
    }
}

fn days_phrase(n: u32) -> String {
    if n == 1 {
        "1 day".to_string()
    } else {
        format!("{n} days")
    }
}

fn milestones(kind: MilestoneKind, keep: impl Fn(u32) -> bool) -> Vec<Milestone> {
    kind.thresholds().iter().copied().filter(|d| keep(*d)).map(|days| Milestone { kind, days }).collect()
}

/// Every milestone reached at `days`, smallest first.
pub fn reached(kind: MilestoneKind, days: u32) -> Vec<Milestone> {
    milestones(kind, |t| t <= days)
}

/// The biggest milestone reached at `days`.
pub fn latest(kind: MilestoneKind, days: u32) -> Option<Milestone> {
    kind.thresholds().iter().copied().rev().find(|t| *t <= days).map(|days| Milestone { kind, days })
}

/// The milestones passed going from `before` to `after` days (above `before`, up to and including
/// `after`), smallest first. Empty when the count did not grow, e.g. after a restart.
pub fn newly_reached(kind: MilestoneKind, before: u32, after: u32) -> Vec<Milestone> {
    milestones(kind, |t| before < t && t <= after)
}

/// The next milestone after `days` and how many days to go; `None` beyond the last one.
pub fn next(kind: MilestoneKind, days: u32) -> Option<(Milestone, u32)> {
    kind.thresholds().iter().copied().find(|t| *t > days).map(|t| (Milestone { kind, days: t }, t - days))
}

#[cfg(test)]
mod tests {
    use super::*;
    use MilestoneKind::{CheckinStreak, Sober};

    #[test]
    fn ids_read_back_only_as_known_milestones() {
        for kind in [Sober, CheckinStreak] {
            for m in reached(kind, 400) {
                assert_eq!(Milestone::from_id(&m.id()), Some(m));
            }
        }
        for bad in ["sober-8", "streak-1", "sober", "-7", "sober--7", "other-7", "sober-99999999999"] {
            assert_eq!(Milestone::from_id(bad), None, "{bad}");
        }
    }

    fn ids(list: &[Milestone]) -> Vec<String> {
        list.iter().map(Milestone::id).collect()
    }

    #[test]
    fn each_threshold_is_reached_exactly_on_its_day() {
        for kind in [Sober, CheckinStreak] {
            for &t in kind.thresholds() {
                let m = Milestone { kind, days: t };
                assert_eq!(latest(kind, t), Some(m));
                assert_eq!(reached(kind, t).last(), Some(&m));
                assert_eq!(newly_reached(kind, t - 1, t), [m]);
                assert!(!reached(kind, t - 1).contains(&m), "not the day before");
                assert!(reached(kind, t + 1).contains(&m), "still reached the day after");
                assert_eq!(next(kind, t - 1), Some((m, 1)));
            }
        }
    }

    #[test]
    fn zero_days() {
        assert!(reached(Sober, 0).is_empty());
        assert_eq!(latest(Sober, 0), None);
        assert_eq!(next(Sober, 0), Some((Milestone { kind: Sober, days: 1 }, 1)));
        assert!(reached(CheckinStreak, 0).is_empty());
        assert_eq!(next(CheckinStreak, 0), Some((Milestone { kind: CheckinStreak, days: 7 }, 7)));
    }

    #[test]
    fn a_one_day_streak_is_not_a_milestone() {
        assert!(reached(CheckinStreak, 1).is_empty());
        assert!(newly_reached(CheckinStreak, 0, 6).is_empty());
        assert_eq!(latest(CheckinStreak, 6), None);
        assert_eq!(ids(&reached(Sober, 1)), ["sober-1"]);
    }

    #[test]
    fn between_and_beyond_the_thresholds() {
        assert_eq!(ids(&reached(Sober, 45)), ["sober-1", "sober-7", "sober-14", "sober-30"]);
        assert_eq!(latest(Sober, 45).map(|m| m.days), Some(30));
        assert_eq!(next(Sober, 45), Some((Milestone { kind: Sober, days: 60 }, 15)));
        assert_eq!(ids(&reached(CheckinStreak, 45)), ["streak-7", "streak-14", "streak-30"]);
        for days in [365, 366, 1000, u32::MAX] {
            assert_eq!(reached(Sober, days).len(), 8);
            assert_eq!(reached(CheckinStreak, days).len(), 7);
            assert_eq!(latest(Sober, days).map(|m| m.days), Some(365));
            assert_eq!(next(Sober, days), None);
            assert_eq!(next(CheckinStreak, days), None);
        }
        assert_eq!(next(Sober, 364), Some((Milestone { kind: Sober, days: 365 }, 1)));
    }

    #[test]
    fn several_milestones_at_once_after_an_offline_gap() {
        // Last opened at 5 days, next at 35: the week, two weeks and month are all still celebrated.
        assert_eq!(ids(&newly_reached(Sober, 5, 35)), ["sober-7", "sober-14", "sober-30"]);
        assert_eq!(ids(&newly_reached(CheckinStreak, 0, 400)), ["streak-7", "streak-14", "streak-30", "streak-60", "streak-90", "streak-180", "streak-365"]);
        assert_eq!(ids(&newly_reached(Sober, 0, 1)), ["sober-1"]);
        assert!(newly_reached(Sober, 7, 13).is_empty());
        assert!(newly_reached(Sober, 30, 30).is_empty(), "already celebrated");
        assert!(newly_reached(Sober, 40, 3).is_empty(), "after a restart the count went down");
        assert!(newly_reached(Sober, 365, u32::MAX).is_empty());
    }

    #[test]
    fn words() {
        let sober = |days| Milestone { kind: Sober, days };
        let streak = |days| Milestone { kind: CheckinStreak, days };
        assert_eq!(sober(1).title(), "1 day");
        assert_eq!(sober(30).title(), "30 days");
        assert_eq!(streak(7).title(), "7-day check-in streak");
        assert_eq!(sober(30).id(), "sober-30");
        assert_eq!(streak(7).id(), "streak-7");
        assert_eq!(sober(1).share_text(), "I've reached 1 day.");
        assert_eq!(sober(90).share_text(), "I've reached 90 days.");
        assert_eq!(streak(14).share_text(), "I've checked in 14 days in a row.");
        let all: Vec<Milestone> = MILESTONE_DAYS.iter().flat_map(|&d| [sober(d), streak(d)]).chain([sober(500), streak(500)]).collect();
        for m in all {
            let c = m.celebration();
            assert!(!c.is_empty() && c.len() < 100 && c.ends_with('.'), "{c}");
            for text in [m.title(), c, m.share_text()] {
                let lower = text.to_lowercase();
                for word in ["sober", "relapse", "addict", "clean", "fail"] {
                    assert!(!lower.contains(word), "{word:?} in {text:?}");
                }
            }
        }
        // Titles are distinct, so a list of celebrations never repeats itself.
        let titles: std::collections::BTreeSet<String> = MILESTONE_DAYS.iter().flat_map(|&d| [sober(d).title(), streak(d).title()]).collect();
        assert_eq!(titles.len(), 16);
    }
}
