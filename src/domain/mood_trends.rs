//! Mood over the last 7, 30 or 90 days: a daily series for the chart, a sentence for screen
//! readers, and which tags go with better or worse days.

use super::mood::MoodEntry;
use super::time::LocalDay;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Window {
    Week,
    Month,
    Quarter,
}

impl Window {
    pub const ALL: [Window; 3] = [Window::Week, Window::Month, Window::Quarter];
    pub fn days(self) -> i32 {
        match self {
            Window::Week => 7,
            Window::Month => 30,
            Window::Quarter => 90,
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Window::Week => "7 days",
            Window::Month => "30 days",
            Window::Quarter => "90 days",
        }
    }
    /// Whether `day` falls in the window ending on (and including) `today`.
    pub fn contains(self, today: LocalDay, day: LocalDay) -> bool {
        let age = day.days_until(today);
        (0..self.days()).contains(&age)
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct DayPoint {
    pub day: LocalDay,
    /// Average of that day's entries; `None` when nothing was logged.
    pub average: Option<f32>,
    pub entries: u32,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Trend {
    pub window: Window,
    /// One point per day, oldest first, ending today.
    pub days: Vec<DayPoint>,
    pub entries: usize,
    pub average: Option<f32>,
    pub lowest: Option<(LocalDay, u8)>,
    pub highest: Option<(LocalDay, u8)>,
}

pub fn trend(entries: &[MoodEntry], today: LocalDay, window: Window) -> Trend {
    let n = window.days();
    let start = today.add_days(-(n - 1));
    let mut sums = vec![(0u32, 0u32); n as usize];
    let mut lowest: Option<(LocalDay, u8)> = None;
    let mut highest: Option<(LocalDay, u8)> = None;
    let mut total = (0u32, 0u32);
    for e in entries.iter().filter(|e| window.contains(today, e.day)) {
        let score = e.score.get();
        let slot = &mut sums[start.days_until(e.day) as usize];
        slot.0 += u32::from(score);
        slot.1 += 1;
        total.0 += u32::from(score);
        total.1 += 1;
        // Ties go to the most recent day: that is the one people remember.
        if lowest.is_none_or(|(d, s)| score < s || score == s && e.day > d) {
            lowest = Some((e.day, score));
        }
        if highest.is_none_or(|(d, s)| score > s || score == s && e.day > d) {
            highest = Some((e.day, score));
        }
    }
    let avg = |(sum, count): (u32, u32)| (count > 0).then(|| sum as f32 / count as f32);
    Trend {
        window,
        days: sums
            .iter()
            .enumerate()
            .map(|(i, &s)| DayPoint { day: start.add_days(i as i32), average: avg(s), entries: s.1 })
            .collect(),
        entries: total.1 as usize,
        average: avg(total),
        lowest,
        highest,
    }
}

/// One decimal, without a trailing ".0" ("7", "5.7", "-0.5"). Formatted from whole tenths, which
/// keeps Rust's float formatter (about 16 KB of wasm) out of the app.
pub fn one_decimal(x: f32) -> String {
    let tenths = (x * 10.0).round() as i32;
    let sign = if tenths < 0 { "-" } else { "" };
    let (whole, frac) = (tenths.abs() / 10, tenths.abs() % 10);
    if frac == 0 {
        format!("{sign}{whole}")
    } else {
        format!("{sign}{whole}.{frac}")
    }
}

impl Trend {
    pub fn days_logged(&self) -> usize {
        self.days.iter().filter(|d| d.entries > 0).count()
    }

    /// The chart's text equivalent.
    pub fn summary(&self) -> String {
        let Some(average) = self.average else {
            return format!("No moods logged in the last {}.", self.window.label());
        };
        let plural = |n: usize, one: &str, many: &str| if n == 1 { format!("1 {one}") } else { format!("{n} {many}") };
        let mut s = format!(
            "Last {}: {} on {}. Average mood {} out of 10",
            self.window.label(),
            plural(self.entries, "entry", "entries"),
            plural(self.days_logged(), "day", "days"),
            one_decimal(average)
        );
        if let (Some((ld, ls)), Some((hd, hs))) = (self.lowest, self.highest) {
            if ls != hs {
                s.push_str(&format!(", lowest {ls} on {}, highest {hs} on {}", ld.short_label(), hd.short_label()));
            }
        }
        s.push('.');
        s
    }

    /// Chart geometry: for each logged day, `(x, y)` inside a `width`×`height` box, where
    /// mood 1 is at the bottom and 10 at the top, and the window's days are spread evenly.
    pub fn points(&self, width: f32, height: f32) -> Vec<(f32, f32, &DayPoint)> {
        let span = (self.days.len().max(2) - 1) as f32;
        self.days
            .iter()
            .enumerate()
            .filter_map(|(i, d)| {
                let avg = d.average?;
                let x = width * i as f32 / span;
                let y = height * (10.0 - avg) / 9.0;
                Some((x, y, d))
            })
            .collect()
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct TagAverage {
    pub tag: String,
    pub average: f32,
    pub entries: usize,
    /// Average with this tag minus the overall average in the window.
    pub difference: f32,
}

/// Average mood for each tag in the window, best first. Tags with no entries are left out.
pub fn tag_averages(entries: &[MoodEntry], today: LocalDay, window: Window) -> Vec<TagAverage> {
    let in_window: Vec<&MoodEntry> = entries.iter().filter(|e| window.contains(today, e.day)).collect();
    if in_window.is_empty() {
        return Vec::new();
    }
    let overall = in_window.iter().map(|e| f32::from(e.score.get())).sum::<f32>() / in_window.len() as f32;
    let mut per_tag: Vec<(String, u32, usize)> = Vec::new();
    for e in &in_window {
        for t in &e.tags {
            match per_tag.iter_mut().find(|(tag, _, _)| tag == t) {
                Some(slot) => {
                    slot.1 += u32::from(e.score.get());
                    slot.2 += 1;
                }
                None => per_tag.push((t.clone(), u32::from(e.score.get()), 1)),
            }
        }
    }
    let mut out: Vec<TagAverage> = per_tag
        .into_iter()
        .map(|(tag, sum, n)| {
            let average = sum as f32 / n as f32;
            TagAverage { tag, average, entries: n, difference: average - overall }
        })
        .collect();
    super::order::sort_by(&mut out, |a, b| b.average.total_cmp(&a.average).then_with(|| a.tag.cmp(&b.tag)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::mood::MoodDraft;
    use crate::domain::time::{Now, Timestamp};

    fn entry(day: &str, score: u8, tags: &[&str]) -> MoodEntry {
        let at = Timestamp::parse_rfc3339(&format!("{day}T12:00:00Z")).unwrap();
        let d = MoodDraft { score: Some(score), tags: tags.iter().map(|t| (*t).into()).collect(), ..Default::default() };
        d.to_entry(format!("mood:{day}:{score}"), Now { at, utc_offset_minutes: 0 }, str::to_lowercase).unwrap()
    }

    fn day(s: &str) -> LocalDay {
        LocalDay::parse(s).unwrap()
    }

    #[test]
    fn window_includes_today_and_excludes_the_day_before_it_starts() {
        let today = day("2026-11-22");
        assert!(Window::Week.contains(today, today));
        assert!(Window::Week.contains(today, day("2026-11-16")));
        assert!(!Window::Week.contains(today, day("2026-11-15")));
        assert!(!Window::Week.contains(today, day("2026-11-23")), "a future day is not in the window");
    }

    #[test]
    fn daily_averages_and_gaps() {
        let today = day("2026-11-22");
        let entries = [entry("2026-11-22", 8, &[]), entry("2026-11-22", 6, &[]), entry("2026-11-20", 3, &[]), entry("2026-10-01", 1, &[])];
        let t = trend(&entries, today, Window::Week);
        assert_eq!(t.days.len(), 7);
        assert_eq!(t.days[0].day, day("2026-11-16"));
        assert_eq!(t.days[6].average, Some(7.0));
        assert_eq!(t.days[5].average, None);
        assert_eq!(t.days[4].average, Some(3.0));
        assert_eq!(t.entries, 3);
        assert_eq!(t.days_logged(), 2);
        assert_eq!(t.summary(), "Last 7 days: 3 entries on 2 days. Average mood 5.7 out of 10, lowest 3 on Fri 20 Nov, highest 8 on Sun 22 Nov.");
        assert_eq!(trend(&entries, today, Window::Quarter).entries, 4);
    }

    #[test]
    fn empty_summary_is_kind() {
        let t = trend(&[], day("2026-11-22"), Window::Month);
        assert_eq!(t.summary(), "No moods logged in the last 30 days.");
        assert!(t.points(100.0, 50.0).is_empty());
    }

    #[test]
    fn chart_puts_ten_at_the_top_and_one_at_the_bottom() {
        let today = day("2026-11-22");
        let t = trend(&[entry("2026-11-22", 10, &[]), entry("2026-11-16", 1, &[])], today, Window::Week);
        let p = t.points(60.0, 90.0);
        assert_eq!((p[0].0, p[0].1), (0.0, 90.0));
        assert_eq!((p[1].0, p[1].1), (60.0, 0.0));
    }

    #[test]
    fn tag_averages_show_better_and_worse_days() {
        let today = day("2026-11-22");
        let entries = [
            entry("2026-11-22", 8, &["exercise"]),
            entry("2026-11-21", 6, &["exercise", "sleep"]),
            entry("2026-11-20", 2, &["craving"]),
        ];
        let avgs = tag_averages(&entries, today, Window::Week);
        assert_eq!(avgs.iter().map(|a| a.tag.as_str()).collect::<Vec<_>>(), ["exercise", "sleep", "craving"]);
        assert_eq!(avgs[0].average, 7.0);
        assert_eq!(avgs[0].entries, 2);
        assert!(avgs[2].difference < 0.0);
        assert!(tag_averages(&entries, day("2027-06-01"), Window::Week).is_empty());
    }

    #[test]
    fn one_decimal_formats() {
        assert_eq!(one_decimal(7.0), "7");
        assert_eq!(one_decimal(5.666), "5.7");
        assert_eq!(one_decimal(-0.46), "-0.5");
        assert_eq!(one_decimal(-2.0), "-2");
        assert_eq!(one_decimal(0.04), "0");
    }
}
