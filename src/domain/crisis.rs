//! Crisis lines, compiled into the app so they show with no network at all.

pub struct Contact {
    /// The link's accessible name: what a person taps and what tests look for.
    pub label: &'static str,
    pub href: &'static str,
}

pub struct CrisisLine {
    pub region: &'static str,
    pub name: &'static str,
    pub about: &'static str,
    pub contacts: &'static [Contact],
}

pub const CRISIS_LINES: &[CrisisLine] = &[
    CrisisLine {
        region: "United States",
        name: "988 Suicide & Crisis Lifeline",
        about: "Free, confidential, 24/7. Call or text.",
        contacts: &[Contact { label: "Call 988", href: "tel:988" }, Contact { label: "Text 988", href: "sms:988" }],
    },
    CrisisLine {
        region: "Canada",
        name: "9-8-8 Suicide Crisis Helpline",
        about: "Free, 24/7, in English and French. Call or text.",
        contacts: &[Contact { label: "Call 9-8-8", href: "tel:988" }, Contact { label: "Text 9-8-8", href: "sms:988" }],
    },
    CrisisLine {
        region: "United Kingdom and Ireland",
        name: "Samaritans",
        about: "Free, 24/7, whatever you're going through.",
        contacts: &[Contact { label: "Call Samaritans 116 123", href: "tel:116123" }],
    },
    CrisisLine {
        region: "Australia",
        name: "Lifeline",
        about: "24/7 crisis support and suicide prevention.",
        contacts: &[Contact { label: "Call Lifeline 13 11 14", href: "tel:131114" }],
    },
    CrisisLine {
        region: "United States",
        name: "Crisis Text Line",
        about: "Text with a trained volunteer, 24/7.",
        contacts: &[Contact { label: "Text HOME to 741741", href: "sms:741741?&body=HOME" }],
    },
    CrisisLine {
        region: "Everywhere else",
        name: "Find A Helpline",
        about: "Free helplines in over 130 countries, by country and topic.",
        contacts: &[Contact { label: "Find a helpline at findahelpline.com", href: "https://findahelpline.com" }],
    },
];

/// Said first on the crisis screen.
pub const EMERGENCY_NOTE: &str =
    "If you might act on thoughts of harming yourself or someone else, call your local emergency number now: 911 in the US and Canada, 999 in the UK, 112 in Ireland and the EU, 000 in Australia.";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_required_lines_are_there_with_working_link_schemes() {
        let hrefs: Vec<&str> = CRISIS_LINES.iter().flat_map(|l| l.contacts.iter().map(|c| c.href)).collect();
        for needed in ["tel:988", "sms:988", "tel:116123", "tel:131114", "https://findahelpline.com"] {
            assert!(hrefs.contains(&needed), "{needed}");
        }
        assert!(hrefs.iter().all(|h| h.starts_with("tel:") || h.starts_with("sms:") || h.starts_with("https://")));
        let labels: Vec<&str> = CRISIS_LINES.iter().flat_map(|l| l.contacts.iter().map(|c| c.label)).collect();
        let mut unique = labels.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), labels.len(), "each link needs its own accessible name");
    }
}
