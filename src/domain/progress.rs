//! The person's own progress settings: the day their week starts, an optional "sober since" date
//! with its earlier counts, and which milestones they chose to share. One document per person
//! (`progress`), private by default, merged field by field when edited on two devices.

use super::doc::{Document, Extra, Fields, Header};
use super::milestone::Milestone;
use super::streak::{Reset, SoberSince};
use super::time::{LocalDay, Now};
use super::week::WeekStart;

pub const PROGRESS_TYPE: &str = "progress";
pub const PROGRESS_ID: &str = "progress";

#[derive(Clone, Debug, PartialEq)]
pub struct Progress {
    pub header: Header,
    pub week_start: WeekStart,
    /// Not everyone counts days; `None` until the person sets a date.
    pub sober_since: Option<LocalDay>,
    pub resets: Vec<Reset>,
    /// Milestone ids ([`Milestone::id`]) the person chose to share with their group.
    pub shared_milestones: Vec<String>,
    pub extra: Extra,
}

impl Document for Progress {
    const TYPE: &'static str = PROGRESS_TYPE;
    const SCHEMA: u32 = 1;
    fn header(&self) -> &Header {
        &self.header
    }
    fn header_mut(&mut self) -> &mut Header {
        &mut self.header
    }
    fn extra(&self) -> &Extra {
        &self.extra
    }
    fn read(f: &mut Fields) -> Result<Self, String> {
        Ok(Progress {
            header: f.header()?,
            week_start: f.or_default("week_start")?,
            sober_since: f.or_default("sober_since")?,
            resets: f.or_default("resets")?,
            shared_milestones: f.or_default("shared_milestones")?,
            extra: f.rest(),
        })
    }
    fn write(&self, out: &mut serde_json::Map<String, serde_json::Value>) {
        out.insert("week_start".into(), self.week_start.as_str().into());
        out.insert("sober_since".into(), self.sober_since.map(|d| d.to_string()).into());
        let resets: Vec<serde_json::Value> = self
            .resets
            .iter()
            .map(|r| {
                let mut o = serde_json::Map::new();
                o.insert("day".into(), r.day.to_string().into());
                o.insert("previous_since".into(), r.previous_since.to_string().into());
                o.into()
            })
            .collect();
        out.insert("resets".into(), resets.into());
        out.insert("shared_milestones".into(), self.shared_milestones.clone().into());
    }
}

impl Progress {
    /// What a person has before they set anything.
    pub fn new(now: Now) -> Self {
        Progress {
            header: Header::new(PROGRESS_ID.into(), PROGRESS_TYPE, Progress::SCHEMA, now.at),
            week_start: WeekStart::default(),
            sober_since: None,
            resets: Vec::new(),
            shared_milestones: Vec::new(),
            extra: Extra::new(),
        }
    }

    /// The saved one, or a new one.
    pub fn or_new(saved: Option<&Progress>, now: Now) -> Self {
        saved.cloned().unwrap_or_else(|| Progress::new(now))
    }

    pub fn sober(&self) -> Option<SoberSince> {
        self.sober_since.map(|since| SoberSince { since, resets: self.resets.clone() })
    }

    /// Sets the day the count runs from (a correction, not a restart: no reset is recorded).
    pub fn with_sober_since(&self, since: Option<LocalDay>, now: Now) -> Progress {
        Progress { sober_since: since, header: Header { updated_at: now.at, ..self.header.clone() }, ..self.clone() }
    }

    /// Restarts the count today, keeping the earlier count; returns the days it had.
    pub fn restarted(&self, now: Now) -> Option<(Progress, u32)> {
        let mut sober = self.sober()?;
        let days = sober.reset(now.local_day());
        let header = Header { updated_at: now.at, ..self.header.clone() };
        Some((Progress { sober_since: Some(sober.since), resets: sober.resets, header, ..self.clone() }, days))
    }

    pub fn with_week_start(&self, week_start: WeekStart, now: Now) -> Progress {
        Progress { week_start, header: Header { updated_at: now.at, ..self.header.clone() }, ..self.clone() }
    }

    pub fn is_shared(&self, m: &Milestone) -> bool {
        self.shared_milestones.contains(&m.id())
    }

    /// Shares a milestone with the group, or stops sharing it.
    pub fn toggled_share(&self, m: &Milestone, now: Now) -> Progress {
        let mut next = self.clone();
        let id = m.id();
        match next.shared_milestones.iter().position(|s| *s == id) {
            Some(i) => {
                next.shared_milestones.remove(i);
            }
            None => next.shared_milestones.push(id),
        }
        next.header.updated_at = now.at;
        next
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::doc::{decode, encode};
    use crate::domain::milestone::{latest, MilestoneKind};
    use crate::domain::time::Timestamp;

    fn now(s: &str) -> Now {
        Now { at: Timestamp::parse_rfc3339(s).unwrap(), utc_offset_minutes: 0 }
    }

    #[test]
    fn round_trips_and_reads_defaults() {
        let p = Progress::new(now("2026-11-01T08:00:00Z")).with_sober_since(LocalDay::parse("2026-10-01").ok(), now("2026-11-01T08:00:00Z"));
        let (p, days) = p.restarted(now("2026-11-20T08:00:00Z")).unwrap();
        assert_eq!(days, 50);
        let m = latest(MilestoneKind::Sober, 30).unwrap();
        let p = p.toggled_share(&m, now("2026-11-20T09:00:00Z")).with_week_start(WeekStart::Sunday, now("2026-11-20T09:00:00Z"));
        assert!(p.is_shared(&m));
        assert_eq!(decode::<Progress>(&encode(&p)), Ok(p.clone()));
        assert_eq!(p.sober().unwrap().longest_run(LocalDay::parse("2026-11-22").unwrap()), 50);
        assert!(!p.toggled_share(&m, now("2026-11-21T09:00:00Z")).is_shared(&m));
        let bare = serde_json::json!({"_id": "progress", "type": "progress", "schema": 1,
            "created_at": "2026-11-22T08:00:00.000Z", "updated_at": "2026-11-22T08:00:00.000Z"});
        let read: Progress = decode(&bare).unwrap();
        assert_eq!((read.week_start, read.sober_since, read.resets.len()), (WeekStart::Monday, None, 0));
        assert!(read.restarted(now("2026-11-22T08:00:00Z")).is_none(), "no date, nothing to restart");
    }
}
