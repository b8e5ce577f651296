//! Peer follow-up prompts: what a partner or the group is invited to ask about the goals a person
//! shared ("You said you'd call your sister this week — how did it go?"), and about the values
//! those goals serve ("You said health comes first — how did that shape this week?").
//! Only shared goals make prompts, each for the audience it was shared with; a private goal or
//! the private ranking of values never shows through.

use super::doc::Audience;
use super::goal::{Goal, GoalStatus};
use super::text::Lowercase;
use super::time::LocalDay;
use super::values::Values;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Prompt {
    /// Who is invited to ask.
    pub audience: Audience,
    /// The goal it follows up, if it is about one goal.
    pub goal_id: Option<String>,
    pub text: String,
}

/// A goal's title as the person would hear it from a peer: first person turned into second
/// ("Call my sister" → "call your sister"). Word by word; words it does not know are kept as typed.
pub fn second_person(title: &str, lowercase: Lowercase) -> String {
    let mut out = Vec::new();
    for (i, word) in title.split_whitespace().enumerate() {
        let bare = word.trim_end_matches(|c: char| c.is_ascii_punctuation());
        let tail = &word[bare.len()..];
        let swapped = match lowercase(bare).as_str() {
            "my" => Some("your"),
            "mine" => Some("yours"),
            "me" => Some("you"),
            "myself" => Some("yourself"),
            "i" => Some("you"),
            "i'm" | "i’m" => Some("you're"),
            "i'll" | "i’ll" => Some("you'll"),
            "i've" | "i’ve" => Some("you've"),
            "am" => Some("are"),
            "our" => Some("your"),
            _ => None,
        };
        let word = match swapped {
            Some(s) => format!("{s}{tail}"),
            // Only the first word loses its capital, and not when it looks like a name or acronym.
            None if i == 0 && starts_like_a_sentence(bare) => format!("{}{tail}", lowercase(bare)),
            None => word.to_owned(),
        };
        out.push(word);
    }
    out.join(" ")
}

/// "Call" but not "NA", "AA" or "Mum's" names in the middle of a sentence: one capital then lowercase.
fn starts_like_a_sentence(word: &str) -> bool {
    let mut chars = word.chars();
    matches!(chars.next(), Some(c) if c.is_uppercase()) && chars.clone().next().is_some() && chars.all(|c| !c.is_uppercase())
}

/// Prompts for the week starting `week`: one per shared goal of that week, and one per value those
/// goals serve.
pub fn follow_up_prompts(goals: &[Goal], values: Option<&Values>, week: LocalDay, lowercase: Lowercase) -> Vec<Prompt> {
    let mut out = Vec::new();
    let shared: Vec<&Goal> = goals.iter().filter(|g| g.week == week && g.is_shared()).collect();
    for g in &shared {
        let what = second_person(&g.title, lowercase);
        let text = match g.status {
            GoalStatus::Done => format!("You finished “{what}” this week — what helped?"),
            _ => format!("You said you'd {what} this week — how did it go?"),
        };
        out.push(Prompt { audience: g.header.audience, goal_id: Some(g.header.id.clone()), text });
    }
    let mut seen: Vec<&str> = Vec::new();
    for g in &shared {
        let value = g.why.trim();
        if value.is_empty() || seen.contains(&value) {
            continue;
        }
        seen.push(value);
        // The widest audience among the goals that named this value: a value shown to the group
        // through one goal is already known to the partner too only if that goal went to them.
        let audience = shared.iter().filter(|h| h.why.trim() == value).map(|h| h.header.audience).max_by_key(|a| audience_reach(*a)).unwrap_or(g.header.audience);
        let first = values.and_then(Values::first) == Some(value);
        let text = if first {
            format!("You said {value} comes first — how did that shape this week?")
        } else {
            format!("You said {value} matters to you — how did that show up this week?")
        };
        out.push(Prompt { audience, goal_id: None, text });
    }
    out
}

fn audience_reach(a: Audience) -> u8 {
    match a {
        Audience::Private => 0,
        Audience::Facilitator => 1,
        Audience::Partner => 2,
        Audience::Group => 3,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::goal::{save_goal, Column, GoalDraft};
    use crate::domain::time::{Now, Timestamp};
    use crate::domain::values::{save_values, ValuesDraft};

    fn lower(s: &str) -> String {
        s.to_lowercase()
    }
    fn now() -> Now {
        Now { at: Timestamp::parse_rfc3339("2026-11-16T09:00:00Z").unwrap(), utc_offset_minutes: 0 }
    }
    fn week() -> LocalDay {
        LocalDay::parse("2026-11-16").unwrap()
    }
    fn goal(title: &str, why: &str, audience: Audience) -> Goal {
        let d = GoalDraft { title: title.into(), why: why.into(), audience, ..Default::default() };
        save_goal(None, &d, week(), now(), || format!("goal:{title}")).unwrap()
    }

    #[test]
    fn titles_turn_to_second_person() {
        assert_eq!(second_person("Call my sister", lower), "call your sister");
        assert_eq!(second_person("Go to NA meetings with Mum", lower), "go to NA meetings with Mum");
        assert_eq!(second_person("NA meeting twice", lower), "NA meeting twice");
        assert_eq!(second_person("Tell Sam I'm proud of myself!", lower), "tell Sam you're proud of yourself!");
        assert_eq!(second_person("walk   every day", lower), "walk every day");
        assert_eq!(second_person("", lower), "");
        assert_eq!(second_person("Écrire à ma sœur", lower), "écrire à ma sœur");
    }

    #[test]
    fn shared_goals_make_prompts_for_their_audience_and_private_ones_none() {
        let goals = [
            goal("Call my sister", "family", Audience::Partner),
            goal("Journal nightly", "health", Audience::Private),
            goal("Walk three times", "health", Audience::Group).moved_to(Column::Done, now()).unwrap(),
            goal("Cook for my kids", "family", Audience::Group),
        ];
        let values = save_values(None, &ValuesDraft { ranked: vec!["health".into(), "family".into()], ..Default::default() }, now());
        let prompts = follow_up_prompts(&goals, Some(&values), week(), lower);
        let texts: Vec<(&str, Audience)> = prompts.iter().map(|p| (p.text.as_str(), p.audience)).collect();
        assert_eq!(
            texts,
            [
                ("You said you'd call your sister this week — how did it go?", Audience::Partner),
                ("You finished “walk three times” this week — what helped?", Audience::Group),
                ("You said you'd cook for your kids this week — how did it go?", Audience::Group),
                ("You said family matters to you — how did that show up this week?", Audience::Group),
                ("You said health comes first — how did that shape this week?", Audience::Group),
            ]
        );
        assert!(prompts.iter().all(|p| !p.text.contains("Journal")), "private goals never show");
        assert!(follow_up_prompts(&goals, None, week().add_days(7), lower).is_empty(), "other weeks make none");
    }
}
