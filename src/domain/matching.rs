//! Pairing people up from their questionnaires, for the facilitator.
//!
//! [`score`] says how well two people fit, part by part, in plain words, and whether something they
//! asked for rules the pair out (`blocked`). [`pair_everyone`] pairs a whole group at once: as many
//! people as possible first, then the highest total score among those pairings — the optimum, not a
//! greedy pick, found with Edmonds' blossom algorithm for maximum-weight matching on a general
//! graph (the O(n³) primal-dual formulation of Galil, as laid out in Van Rantwijk's `mwmatching`).
//! A greedy pick ("best pair first") can strand people: Alex fits Sam best, but Sam is also the only
//! one who fits Jo. Whoever is left over joins the pair they fit best as a third, when they can.
//!
//! Hard constraints (a pair is never made, whatever the scores):
//! - no language in common;
//! - either person asked for a partner of the same gender and the two genders differ, or one of the
//!   two has not described theirs (we cannot honour the request without knowing);
//! - both gave their free times and none of them overlap. Someone who gave no free times is not
//!   ruled out on time — they just get no points for it — because the facilitator may know more.
//!
//! Genders and the words in lists are compared with their ends trimmed, inner spaces collapsed and
//! ASCII letters folded to lowercase. Other letters must match exactly: the questionnaire form
//! lowercases lists when they are typed, and folding the rest here would link Rust's case table
//! into the app (see `text::Lowercase`). For genders this errs on the safe side: two spellings that
//! differ only in the case of a non-ASCII letter are treated as different, never the reverse.
//!
//! Free times are compared in UTC, in quarter hours: each person's "Monday evening" is moved by
//! the offset they gave, so partners in different time zones overlap only when they really are
//! free at the same moment.
//!
//! Same input, same output: people are taken in the order of their names whatever order they come
//! in, and every tie falls to that order. Names must therefore be unique; people who share a name
//! are left unpaired with a reason rather than guessed between.

use super::order::sort_by;
use super::questionnaire::{Channel, Questionnaire, Tone, Track};
use std::cmp::Ordering;
use std::ops::{Index, IndexMut};

/// One person to pair: their name (unique in the group; it is how pairs name their members) and
/// their saved questionnaire, used as it is.
#[derive(Clone, Debug, PartialEq)]
pub struct Participant {
    pub name: String,
    pub answers: Questionnaire,
}

/// One part of a score.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Part {
    /// "Focus areas", "Free times", …
    pub what: &'static str,
    pub points: u32,
    pub max: u32,
    /// Plain words for the facilitator: "Both working on sleep and staying sober".
    pub reason: String,
}

/// How well two people fit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Compatibility {
    /// 0 to 100: the sum of the parts' points. Computed even when the pair is blocked, so the
    /// facilitator can see what else they have in common.
    pub total: u32,
    /// Always the same eight parts, in the same order.
    pub parts: Vec<Part>,
    /// Why the two can never be paired automatically, if they cannot.
    pub blocked: Option<String>,
}

/// Two people, or three when someone joined a pair as a third.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pair {
    /// A pair in name order. A trio is the pair it started as, in name order, then the person who
    /// joined them.
    pub members: Vec<String>,
    /// 0 to 100: the pair's score, or for a trio the mean of its three pairs' scores (rounded).
    pub score: u32,
    /// Why they fit, strongest first; for a trio, first how the third joined.
    pub reasons: Vec<String>,
}

/// The whole group's pairing.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Pairing {
    /// Ordered by the first member's name, then the second's.
    pub pairs: Vec<Pair>,
    /// Name and why, ordered by name.
    pub unpaired: Vec<(String, String)>,
    /// The sum of the pairs' scores.
    pub total: u32,
}

// ---------------------------------------------------------------------------------------------
// Scoring

/// The parts of a score and their most points; they add up to 100.
const FOCUS_MAX: u32 = 20;
const CHALLENGES_MAX: u32 = 15;
const TRACK_MAX: u32 = 15;
const CHANNELS_MAX: u32 = 10;
const TONE_MAX: u32 = 5;
const FREQUENCY_MAX: u32 = 10;
const TIME_MAX: u32 = 15;
const LANGUAGE_MAX: u32 = 10;
/// Free time in common that earns the full points for it: ten hours a week (in quarter hours).
const TIME_FULL_QUARTERS: u32 = 40;

/// Why a pair is ruled out, as bits: one pair can have several reasons.
const LANGUAGE: u8 = 1;
const GENDER: u8 = 2;
const TIME: u8 = 4;
/// Only while redoing a pair: its members are not put back together.
const REDONE: u8 = 8;

const QUARTERS_PER_WEEK: i64 = 7 * 24 * 4;
const WEEK_WORDS: usize = 11; // 11 × 64 bits ≥ 672 quarter hours

/// A participant's answers made ready for comparing: lists folded, sorted and without repeats,
/// free times as a bit per UTC quarter hour of the week.
struct Profile<'a> {
    name: &'a str,
    q: &'a Questionnaire,
    focus: Vec<String>,
    challenges: Vec<String>,
    languages: Vec<String>,
    gender: String,
    /// `None` when they gave no free times.
    free: Option<[u64; WEEK_WORDS]>,
}

fn fold(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ").to_ascii_lowercase()
}

fn folded_set(items: &[String]) -> Vec<String> {
    let mut out: Vec<String> = items.iter().map(|s| fold(s)).filter(|s| !s.is_empty()).collect();
    sort_by(&mut out, String::cmp);
    out.dedup();
    out
}

fn free_quarters(q: &Questionnaire) -> Option<[u64; WEEK_WORDS]> {
    if q.availability.is_empty() {
        return None;
    }
    // Real offsets are whole quarter hours; anything else is rounded to the nearest one.
    let shift = (i64::from(q.utc_offset_minutes) + 7).div_euclid(15);
    let mut bits = [0u64; WEEK_WORDS];
    for slot in &q.availability {
        let (from, to) = slot.part().hours();
        let start = i64::from(slot.day()) * 96 + i64::from(from) * 4;
        for local in start..start + i64::from(to.saturating_sub(from)) * 4 {
            // Local time minus the offset is UTC; the week wraps around (Monday 01:00 at UTC+2
            // is Sunday 23:00 UTC).
            let utc = (local - shift).rem_euclid(QUARTERS_PER_WEEK) as usize;
            if let Some(word) = bits.get_mut(utc / 64) {
                *word |= 1 << (utc % 64);
            }
        }
    }
    Some(bits)
}

impl<'a> Profile<'a> {
    fn new(p: &'a Participant) -> Self {
        let q = &p.answers;
        Profile {
            name: &p.name,
            q,
            focus: folded_set(&q.focus_areas),
            challenges: folded_set(&q.challenges),
            languages: folded_set(&q.languages),
            gender: fold(&q.gender),
            free: free_quarters(q),
        }
    }
}

/// Calls `each` with every word in both sorted lists.
fn for_shared<'s>(a: &'s [String], b: &[String], mut each: impl FnMut(&'s str)) {
    let (mut i, mut j) = (a.iter().peekable(), b.iter().peekable());
    while let (Some(&x), Some(&y)) = (i.peek(), j.peek()) {
        match x.cmp(y) {
            Ordering::Less => {
                i.next();
            }
            Ordering::Greater => {
                j.next();
            }
            Ordering::Equal => {
                each(x.as_str());
                i.next();
                j.next();
            }
        }
    }
}

fn count_shared(a: &[String], b: &[String]) -> usize {
    let mut n = 0;
    for_shared(a, b, |_| n += 1);
    n
}

fn shared<'s>(a: &'s [String], b: &[String]) -> Vec<&'s str> {
    let mut out = Vec::new();
    for_shared(a, b, |w| out.push(w));
    out
}

fn shared_channels(a: &Questionnaire, b: &Questionnaire) -> Vec<Channel> {
    Channel::ALL.into_iter().filter(|c| a.channels.contains(c) && b.channels.contains(c)).collect()
}

/// Quarter hours a week both are free, when both said.
fn overlap(a: &Profile, b: &Profile) -> Option<u32> {
    let (a, b) = (a.free.as_ref()?, b.free.as_ref()?);
    Some(a.iter().zip(b).map(|(x, y)| (x & y).count_ones()).sum())
}

/// The numbers of a comparison, without words: what matching needs for every pair in a group.
#[derive(Clone, Copy, Default)]
struct Measure {
    focus: u32,
    challenges: u32,
    track: u32,
    channels: u32,
    tone: u32,
    frequency: u32,
    time: u32,
    language: u32,
    blocks: u8,
}

impl Measure {
    fn total(&self) -> u32 {
        self.focus + self.challenges + self.track + self.channels + self.tone + self.frequency + self.time + self.language
    }
}

fn gender_blocked(a: &Profile, b: &Profile) -> bool {
    (a.q.same_gender_only || b.q.same_gender_only) && (a.gender.is_empty() || a.gender != b.gender)
}

fn measure(a: &Profile, b: &Profile) -> Measure {
    let (qa, qb) = (a.q, b.q);
    let shared_languages = count_shared(&a.languages, &b.languages);
    let overlap = overlap(a, b);
    let mut blocks = 0;
    if shared_languages == 0 {
        blocks |= LANGUAGE;
    }
    if gender_blocked(a, b) {
        blocks |= GENDER;
    }
    if overlap == Some(0) {
        blocks |= TIME;
    }
    Measure {
        focus: match count_shared(&a.focus, &b.focus) {
            0 => 0,
            1 => 10,
            2 => 15,
            _ => FOCUS_MAX,
        },
        challenges: match count_shared(&a.challenges, &b.challenges) {
            0 => 0,
            1 => 8,
            2 => 12,
            _ => CHALLENGES_MAX,
        },
        track: if qa.track == qb.track {
            TRACK_MAX
        } else if qa.track == Track::Both || qb.track == Track::Both {
            8
        } else {
            0
        },
        channels: if qa.channels.iter().any(|c| qb.channels.contains(c)) { CHANNELS_MAX } else { 0 },
        tone: match (qa.tone, qb.tone) {
            (Some(x), Some(y)) if x == y => TONE_MAX,
            (None, None) => TONE_MAX,
            (Some(_), None) | (None, Some(_)) => 3,
            _ => 0,
        },
        frequency: match (qa.frequency, qb.frequency) {
            (Some(x), Some(y)) => match x.distance(y) {
                0 => FREQUENCY_MAX,
                1 => 5,
                _ => 0,
            },
            _ => 0,
        },
        time: overlap.map_or(0, |q| q.min(TIME_FULL_QUARTERS) * TIME_MAX / TIME_FULL_QUARTERS),
        language: if shared_languages > 0 { LANGUAGE_MAX } else { 0 },
        blocks,
    }
}

/// "a", "a and b", "a, b and c".
fn and_list(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

fn track_words(t: Track) -> &'static str {
    match t {
        Track::MentalHealth => "mental health",
        Track::SubstanceUse => "substance use",
        Track::Both => "mental health and substance use",
    }
}

fn tone_words(t: Tone) -> &'static str {
    match t {
        Tone::Direct => "direct",
        Tone::Gentle => "gentle",
    }
}

/// "6 hours a week", "2½ hours a week".
fn hours_text(quarters: u32) -> String {
    let whole = quarters / 4;
    let part = match quarters % 4 {
        1 => "¼",
        2 => "½",
        3 => "¾",
        _ => "",
    };
    match (whole, part) {
        (0, p) => format!("{p} hour a week"),
        (1, "") => "1 hour a week".to_owned(),
        (w, p) => format!("{w}{p} hours a week"),
    }
}

fn languages_text(p: &Profile) -> String {
    if p.languages.is_empty() {
        "none given".to_owned()
    } else {
        p.languages.join(", ")
    }
}

fn gender_reason(a: &Profile, b: &Profile) -> String {
    // The person who asked is named first; when both asked, `a`.
    let (asker, other) = if a.q.same_gender_only { (a, b) } else { (b, a) };
    if asker.gender.is_empty() {
        format!("{} asked for a partner of the same gender but hasn't described their own gender", asker.name)
    } else if other.gender.is_empty() {
        format!("{} asked for a partner of the same gender and {} hasn't described theirs", asker.name, other.name)
    } else {
        format!("{} asked for a partner of the same gender, and {} describes theirs differently", asker.name, other.name)
    }
}

/// The comparison in words.
fn explain(a: &Profile, b: &Profile, m: &Measure) -> Compatibility {
    let (qa, qb) = (a.q, b.q);
    let focus = shared(&a.focus, &b.focus);
    let challenges = shared(&a.challenges, &b.challenges);
    let languages = shared(&a.languages, &b.languages);
    let channels: Vec<&str> = shared_channels(qa, qb).into_iter().map(Channel::noun).collect();
    let part = |what: &'static str, points: u32, max: u32, reason: String| Part { what, points, max, reason };
    let parts = vec![
        part(
            "Focus areas",
            m.focus,
            FOCUS_MAX,
            if focus.is_empty() { "No focus areas in common".to_owned() } else { format!("Both working on {}", and_list(&focus)) },
        ),
        part(
            "Challenges",
            m.challenges,
            CHALLENGES_MAX,
            if challenges.is_empty() { "No challenges in common".to_owned() } else { format!("Both find {} hard", and_list(&challenges)) },
        ),
        part(
            "Track",
            m.track,
            TRACK_MAX,
            match (qa.track, qb.track) {
                (Track::Both, Track::Both) => "Both working on mental health and substance use".to_owned(),
                (x, y) if x == y => format!("Both in the {} track", track_words(x)),
                (Track::Both, other) | (other, Track::Both) => {
                    format!("One works on both mental health and substance use, the other on {}", track_words(other))
                }
                (x, y) => format!("One in the {} track, the other in {}", track_words(x), track_words(y)),
            },
        ),
        part(
            "Ways to talk",
            m.channels,
            CHANNELS_MAX,
            if channels.is_empty() { "No way of talking in common".to_owned() } else { format!("Both can use {}", and_list(&channels)) },
        ),
        part(
            "Tone",
            m.tone,
            TONE_MAX,
            match (qa.tone, qb.tone) {
                (Some(x), Some(y)) if x == y => format!("Both like a {} approach", tone_words(x)),
                (Some(x), Some(y)) => format!("One likes a {} approach, the other a {} one", tone_words(x), tone_words(y)),
                (Some(x), None) | (None, Some(x)) => format!("One likes a {} approach; the other doesn't mind", tone_words(x)),
                (None, None) => "Neither minds a direct or gentle approach".to_owned(),
            },
        ),
        part(
            "How often",
            m.frequency,
            FREQUENCY_MAX,
            match (qa.frequency, qb.frequency) {
                (Some(x), Some(y)) if x == y => format!("Both want to check in {}", x.phrase()),
                (Some(x), Some(y)) => format!("One wants to check in {}, the other {}", x.phrase(), y.phrase()),
                _ => "Not both said how often to check in".to_owned(),
            },
        ),
        part(
            "Free times",
            m.time,
            TIME_MAX,
            match overlap(a, b) {
                Some(0) => "No free times in common".to_owned(),
                Some(q) => format!("Free at the same times for {}", hours_text(q)),
                None => "Not both said when they're free".to_owned(),
            },
        ),
        part(
            "Language",
            m.language,
            LANGUAGE_MAX,
            if languages.is_empty() {
                "No language in common".to_owned()
            } else {
                // Languages are compared lowercased; said as names ("English", not "english").
                let named: Vec<String> = languages.iter().map(|l| recase_first(l, char::to_ascii_uppercase)).collect();
                format!("Both speak {}", and_list(&named.iter().map(String::as_str).collect::<Vec<_>>()))
            },
        ),
    ];
    let mut blocked = Vec::new();
    if m.blocks & LANGUAGE != 0 {
        blocked.push(format!("No language in common ({}: {}; {}: {})", a.name, languages_text(a), b.name, languages_text(b)));
    }
    if m.blocks & GENDER != 0 {
        blocked.push(gender_reason(a, b));
    }
    if m.blocks & TIME != 0 {
        blocked.push("No free times in common, once both time zones are taken into account".to_owned());
    }
    if m.blocks & REDONE != 0 {
        blocked.push(format!("{} and {} were just re-paired away from each other", a.name, b.name));
    }
    Compatibility { total: m.total(), parts, blocked: (!blocked.is_empty()).then(|| blocked.join(". ")) }
}

/// How well `a` and `b` fit, part by part, and whether anything rules them out.
pub fn score(a: &Participant, b: &Participant) -> Compatibility {
    let (a, b) = (Profile::new(a), Profile::new(b));
    explain(&a, &b, &measure(&a, &b))
}

/// The reasons that earned points, strongest first.
fn positive_reasons(c: &Compatibility) -> Vec<String> {
    let mut parts: Vec<&Part> = c.parts.iter().filter(|p| p.points > 0).collect();
    sort_by(&mut parts, |x, y| y.points.cmp(&x.points));
    parts.into_iter().map(|p| p.reason.clone()).collect()
}

fn top_reason(c: &Compatibility) -> String {
    positive_reasons(c).into_iter().next().unwrap_or_else(|| "little in common".to_owned())
}

// ---------------------------------------------------------------------------------------------
// Pairing a group

/// Every pair's numbers in a group, worked out once.
struct Pool<'a> {
    people: Vec<Profile<'a>>,
    measures: Vec<Measure>,
}

impl<'a> Pool<'a> {
    fn new(people: Vec<Profile<'a>>, forbidden: &[(usize, usize)]) -> Self {
        let n = people.len();
        let mut measures = vec![Measure::default(); n * n];
        for (i, a) in people.iter().enumerate() {
            for (j, b) in people.iter().enumerate().skip(i + 1) {
                let m = measure(a, b);
                for k in [i * n + j, j * n + i] {
                    if let Some(slot) = measures.get_mut(k) {
                        *slot = m;
                    }
                }
            }
        }
        let mut pool = Pool { people, measures };
        for &(i, j) in forbidden {
            for k in [i * n + j, j * n + i] {
                if let Some(m) = pool.measures.get_mut(k) {
                    m.blocks |= REDONE;
                }
            }
        }
        pool
    }

    fn len(&self) -> usize {
        self.people.len()
    }

    fn name(&self, i: usize) -> &str {
        self.people.get(i).map_or("", |p| p.name)
    }

    /// Outside the table (never, in practice) counts as ruled out: the safe side.
    fn measure(&self, i: usize, j: usize) -> Measure {
        let blocked = Measure { blocks: u8::MAX, ..Measure::default() };
        if i == j {
            return blocked;
        }
        self.measures.get(i * self.len() + j).copied().unwrap_or(blocked)
    }

    fn fits(&self, i: usize, j: usize) -> bool {
        self.measure(i, j).blocks == 0
    }

    fn total(&self, i: usize, j: usize) -> u32 {
        self.measure(i, j).total()
    }

    fn explain(&self, i: usize, j: usize) -> Compatibility {
        match (self.people.get(i), self.people.get(j)) {
            (Some(a), Some(b)) => explain(a, b, &self.measure(i, j)),
            _ => Compatibility { total: 0, parts: Vec::new(), blocked: Some("Not in this group".to_owned()) },
        }
    }

    /// Why `t` cannot be paired with any of `others`, by kind of reason, counted ("different
    /// languages from 3 people and no free times in common with 1 person"). `all` says whether
    /// `others` is everyone they could have been paired with, so a single reason reads "…everyone".
    fn why_not(&self, t: usize, others: &[usize], all: bool) -> String {
        const KINDS: [(u8, &str, &str); 4] = [
            (LANGUAGE, "different languages from", "everyone"),
            (GENDER, "a same-gender preference rules out", "everyone"),
            (TIME, "no free times in common with", "anyone"),
            (REDONE, "their pair was just redone, which rules out", "everyone else free"),
        ];
        if let Some(p) = self.people.get(t) {
            if p.q.same_gender_only && p.gender.is_empty() && others.iter().all(|&j| self.measure(t, j).blocks & GENDER != 0) {
                return "asked for a partner of the same gender but hasn't described their own gender".to_owned();
            }
        }
        let mut counts = [0usize; 4];
        for &j in others {
            let blocks = self.measure(t, j).blocks;
            if let Some(slot) = KINDS.iter().position(|(bit, ..)| blocks & bit != 0).and_then(|k| counts.get_mut(k)) {
                *slot += 1;
            }
        }
        let phrases: Vec<String> = KINDS
            .iter()
            .zip(counts)
            .filter(|(_, c)| *c > 0)
            .map(|((_, prefix, everyone), c)| match c {
                c if all && c == others.len() => format!("{prefix} {everyone}"),
                1 => format!("{prefix} 1 person"),
                c => format!("{prefix} {c} people"),
            })
            .collect();
        and_list(&phrases.iter().map(String::as_str).collect::<Vec<_>>())
    }

    /// The best pairing of everyone in the pool: a maximum matching of the highest total score,
    /// then each person left over added to the pair they fit best (one third per pair).
    fn pair(&self) -> (Vec<Pair>, Vec<(String, String)>) {
        let n = self.len();
        let mut edges = Vec::new();
        for i in 0..n {
            for j in i + 1..n {
                let m = self.measure(i, j);
                if m.blocks == 0 {
                    edges.push((i, j, m.total()));
                }
            }
        }
        let mates = max_weight_matching(n, &edges);
        let made: Vec<(usize, usize)> = mates.iter().enumerate().filter_map(|(i, m)| m.filter(|j| i < *j).map(|j| (i, j))).collect();
        let left: Vec<usize> = mates.iter().enumerate().filter(|(_, m)| m.is_none()).map(|(i, _)| i).collect();

        // Leftovers never fit each other (else the matching would have paired them), so each can
        // only join a pair. Best fit first; ties to the earlier name, then the earlier pair.
        let mut offers: Vec<(u32, usize, usize)> = Vec::new();
        for &t in &left {
            for (k, &(a, b)) in made.iter().enumerate() {
                if self.fits(t, a) && self.fits(t, b) {
                    offers.push((self.total(t, a) + self.total(t, b), t, k));
                }
            }
        }
        sort_by(&mut offers, |x, y| y.0.cmp(&x.0).then(x.1.cmp(&y.1)).then(x.2.cmp(&y.2)));
        let mut third: Vec<Option<usize>> = vec![None; made.len()];
        let mut placed: Vec<usize> = Vec::new();
        for (_, t, k) in offers {
            if placed.contains(&t) {
                continue;
            }
            if let Some(slot) = third.get_mut(k).filter(|slot| slot.is_none()) {
                *slot = Some(t);
                placed.push(t);
            }
        }

        let mut pairs = Vec::with_capacity(made.len());
        for (&(a, b), t) in made.iter().zip(&third) {
            let c = self.explain(a, b);
            let (na, nb) = (self.name(a).to_owned(), self.name(b).to_owned());
            match *t {
                None => pairs.push(Pair { members: vec![na, nb], score: c.total, reasons: positive_reasons(&c) }),
                Some(t) => {
                    let (ca, cb) = (self.explain(t, a), self.explain(t, b));
                    let nt = self.name(t).to_owned();
                    let joined = format!(
                        "{nt} joined {na} and {nb} as a trio: {} with {na} ({}), {} with {nb} ({})",
                        ca.total,
                        recase_first(&top_reason(&ca), char::to_ascii_lowercase),
                        cb.total,
                        recase_first(&top_reason(&cb), char::to_ascii_lowercase)
                    );
                    let mut reasons = vec![joined];
                    reasons.extend(positive_reasons(&c));
                    let score = (c.total + ca.total + cb.total + 1) / 3;
                    pairs.push(Pair { members: vec![na, nb, nt], score, reasons });
                }
            }
        }

        let mut unpaired = Vec::new();
        for &t in left.iter().filter(|t| !placed.contains(t)) {
            let others: Vec<usize> = (0..n).filter(|&j| j != t).collect();
            let why = if others.is_empty() {
                "No one else is free to pair with".to_owned()
            } else if others.iter().all(|&j| !self.fits(t, j)) {
                format!("No compatible partner: {}", self.why_not(t, &others, true))
            } else if made.iter().any(|&(a, b)| self.fits(t, a) && self.fits(t, b)) {
                "Odd one out, and the pairs that fit them already have a third".to_owned()
            } else {
                let in_pairs: Vec<usize> = made.iter().flat_map(|&(a, b)| [a, b]).filter(|&j| !self.fits(t, j)).collect();
                format!("Odd one out, and every pair has someone they can't be matched with: {}", self.why_not(t, &in_pairs, false))
            };
            unpaired.push((self.name(t).to_owned(), format!("{why} — paired with the facilitator")));
        }
        (pairs, unpaired)
    }
}

/// The first letter recased, ASCII only, which is all these words need: a reason inside a sentence
/// ("both speak English", `char::to_ascii_lowercase`), a language as a name ("English",
/// `char::to_ascii_uppercase`; letters of other scripts have no case to change).
fn recase_first(s: &str, recase: fn(&char) -> char) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => recase(&c).to_string() + chars.as_str(),
        None => String::new(),
    }
}

/// Participants by name, those sharing a name set aside (with why), and those `skip` says are
/// already placed left out.
fn by_name(participants: &[Participant], skip: impl Fn(&str) -> bool) -> (Vec<&Participant>, Vec<(String, String)>) {
    let mut all: Vec<&Participant> = participants.iter().filter(|p| !skip(&p.name)).collect();
    sort_by(&mut all, |a, b| a.name.cmp(&b.name));
    let mut unique = Vec::with_capacity(all.len());
    let mut unpaired = Vec::new();
    let mut i = 0;
    while let Some(p) = all.get(i) {
        let same = all.iter().skip(i).take_while(|q| q.name == p.name).count();
        if same == 1 {
            unique.push(*p);
        } else {
            let why = format!("{same} people are called {}; give each a different name to pair them", p.name);
            unpaired.extend(std::iter::repeat_n((p.name.clone(), why), same));
        }
        i += same.max(1);
    }
    (unique, unpaired)
}

/// Moves people whose questionnaire lacks what matching needs into `unpaired`.
fn complete_only<'a>(people: Vec<&'a Participant>, unpaired: &mut Vec<(String, String)>) -> Vec<&'a Participant> {
    let mut ready = Vec::with_capacity(people.len());
    for p in people {
        let missing = p.answers.missing();
        if missing.is_empty() {
            ready.push(p);
        } else {
            unpaired.push((p.name.clone(), format!("Questionnaire not finished (missing: {})", missing.join(", "))));
        }
    }
    ready
}

fn finish(mut pairs: Vec<Pair>, mut unpaired: Vec<(String, String)>) -> Pairing {
    sort_by(&mut pairs, |a, b| a.members.first().cmp(&b.members.first()).then_with(|| a.members.get(1).cmp(&b.members.get(1))));
    sort_by(&mut unpaired, |a, b| a.0.cmp(&b.0));
    let total = pairs.iter().map(|p| p.score).sum();
    Pairing { pairs, unpaired, total }
}

/// Pairs everyone: the pairs in `fixed` exactly as given (the facilitator's own choices, kept even
/// when the questionnaires would rule them out), then everyone else as well as they can be (see
/// the module comment). A fixed pair naming someone not in `participants`, naming one person
/// twice, or naming someone an earlier fixed pair (in name order) already holds is ignored.
pub fn pair_everyone(participants: &[Participant], fixed: &[(String, String)]) -> Pairing {
    let (people, mut unpaired) = by_name(participants, |_| false);
    let find = |name: &str| people.binary_search_by(|p| p.name.as_str().cmp(name)).ok().and_then(|i| people.get(i).copied());

    let mut wanted: Vec<(&str, &str)> = fixed.iter().map(|(a, b)| if a <= b { (a.as_str(), b.as_str()) } else { (b.as_str(), a.as_str()) }).collect();
    sort_by(&mut wanted, |x, y| x.cmp(y));
    let mut taken: Vec<&str> = Vec::new();
    let mut pairs = Vec::new();
    for (a, b) in wanted {
        if a == b || taken.contains(&a) || taken.contains(&b) {
            continue;
        }
        let (Some(pa), Some(pb)) = (find(a), find(b)) else { continue };
        let c = score(pa, pb);
        let kept = match &c.blocked {
            None => "Kept as set by the facilitator".to_owned(),
            Some(why) => format!("Kept as set by the facilitator, although: {why}"),
        };
        let mut reasons = vec![kept];
        reasons.extend(positive_reasons(&c));
        pairs.push(Pair { members: vec![a.to_owned(), b.to_owned()], score: c.total, reasons });
        taken.extend([a, b]);
    }

    let rest: Vec<&Participant> = people.iter().copied().filter(|p| !taken.contains(&p.name.as_str())).collect();
    let ready = complete_only(rest, &mut unpaired);
    let pool = Pool::new(ready.into_iter().map(Profile::new).collect(), &[]);
    let (made, left) = pool.pair();
    pairs.extend(made);
    unpaired.extend(left);
    finish(pairs, unpaired)
}

/// Redoes one pair: its members are paired again, together with everyone not in another pair
/// (the unpaired, and anyone new in `participants`), while every other pair stays exactly as it
/// was. The redone pair is never simply put back together — the facilitator asked for a change —
/// so any two of its members are treated as ruled out for each other. Trios form only among the
/// new pairs. `pair_to_redo` names the pair's members (any one of them is enough); a name in no
/// pair redoes nothing but still pairs whoever is free.
pub fn repair(current: &Pairing, participants: &[Participant], pair_to_redo: &[String]) -> Pairing {
    let redo = |p: &Pair| p.members.iter().any(|m| pair_to_redo.contains(m));
    let kept: Vec<Pair> = current.pairs.iter().filter(|p| !redo(p)).cloned().collect();
    let apart: Vec<(&str, &str)> = current
        .pairs
        .iter()
        .filter(|p| redo(p))
        .flat_map(|p| p.members.iter().enumerate().flat_map(move |(i, a)| p.members.iter().skip(i + 1).map(move |b| (a.as_str(), b.as_str()))))
        .collect();
    let (people, mut unpaired) = by_name(participants, |name| kept.iter().any(|p| p.members.iter().any(|m| m == name)));
    let ready = complete_only(people, &mut unpaired);
    let index = |name: &str| ready.binary_search_by(|p| p.name.as_str().cmp(name)).ok();
    let forbidden: Vec<(usize, usize)> = apart.iter().filter_map(|(a, b)| Some((index(a)?, index(b)?))).collect();
    let pool = Pool::new(ready.iter().copied().map(Profile::new).collect(), &forbidden);
    let (made, left) = pool.pair();
    let mut pairs = kept;
    pairs.extend(made);
    unpaired.extend(left);
    finish(pairs, unpaired)
}

// ---------------------------------------------------------------------------------------------
// Maximum-weight matching (Edmonds' blossom algorithm)
//
// The primal-dual method: every vertex and every blossom (an odd cycle shrunk to one node) has a
// dual value; an edge is "tight" when its endpoints' duals (and their shared blossoms') add up to
// its weight. Each stage grows alternating trees from the unmatched vertices over tight edges,
// shrinking blossoms as they close, until it finds an augmenting path (the matching grows by one)
// or changes the duals by the largest amount that keeps them feasible, which makes new edges tight
// or dissolves a blossom. With "maximum cardinality" the stages go on while any augmenting path
// exists, so the result is the heaviest among the largest matchings. Duals are kept doubled so all
// arithmetic stays in integers.
//
// Vertices are 0..n, blossoms n..2n. Edge k joins `edges[k].0` and `edges[k].1`; its two ends are
// "endpoints" 2k and 2k+1 (so `p ^ 1` is the other end of the same edge, and `p / 2` its edge).

const NONE: usize = usize::MAX;

/// A table read and written by number that never panics: reading outside it gives `outside`,
/// writing outside it goes to a spare slot. The algorithm's own invariants keep every number in
/// range; if they were ever broken, the step guards below notice and the result is checked before
/// use, so the app falls back to a greedy pairing instead of stopping.
struct Tab<T> {
    items: Vec<T>,
    outside: T,
    spare: T,
}

impl<T: Clone> Tab<T> {
    fn new(len: usize, value: T, outside: T) -> Self {
        Tab { items: vec![value; len], spare: outside.clone(), outside }
    }

    fn fill(&mut self, value: T) {
        for x in &mut self.items {
            *x = value.clone();
        }
    }
}

impl<T> Index<usize> for Tab<T> {
    type Output = T;
    fn index(&self, i: usize) -> &T {
        self.items.get(i).unwrap_or(&self.outside)
    }
}

impl<T> IndexMut<usize> for Tab<T> {
    fn index_mut(&mut self, i: usize) -> &mut T {
        match self.items.get_mut(i) {
            Some(x) => x,
            None => &mut self.spare,
        }
    }
}

/// Item `j` of a blossom's cyclic list, counting from the end when negative.
fn cyc(list: &[usize], j: isize) -> usize {
    let len = list.len() as isize;
    if len == 0 {
        return NONE;
    }
    list.get(j.rem_euclid(len) as usize).copied().unwrap_or(NONE)
}

struct Matcher {
    n: usize,
    edges: Vec<(usize, usize, i64)>,
    /// The vertex at each endpoint.
    endpoint: Tab<usize>,
    /// Per vertex, the far endpoints of its edges.
    neighbend: Vec<Vec<usize>>,
    /// Per vertex, the far endpoint of its matched edge.
    mate: Tab<usize>,
    /// Per top-level vertex or blossom: 0 free, 1 S (outer), 2 T (inner); 5 marks a visit.
    label: Tab<u8>,
    /// The endpoint through which the label was given.
    labelend: Tab<usize>,
    /// Per vertex, its top-level blossom.
    inblossom: Tab<usize>,
    parent: Tab<usize>,
    /// A blossom's sub-blossoms round the cycle, from its base.
    childs: Tab<Vec<usize>>,
    base: Tab<usize>,
    /// `endps[b][i]` joins `childs[b][i]` to `childs[b][i + 1]`.
    endps: Tab<Vec<usize>>,
    /// Per vertex or blossom, the least-slack edge to an S-vertex elsewhere (for the next dual step).
    bestedge: Tab<usize>,
    /// Per S-blossom, its least-slack edges to each other S-blossom.
    bestedges: Tab<Option<Vec<usize>>>,
    unused: Vec<usize>,
    dual: Tab<i64>,
    allowed: Tab<bool>,
    queue: Vec<usize>,
    /// Set if a guard noticed a broken invariant; the result is then not used.
    broken: bool,
}

impl Matcher {
    fn new(n: usize, edges: &[(usize, usize, u32)]) -> Self {
        let m = edges.len();
        let max_weight = edges.iter().map(|e| i64::from(e.2)).max().unwrap_or(0);
        let mut endpoint = Tab::new(2 * m, NONE, NONE);
        let mut neighbend = vec![Vec::new(); n];
        for (k, &(i, j, _)) in edges.iter().enumerate() {
            endpoint[2 * k] = i;
            endpoint[2 * k + 1] = j;
            if let Some(list) = neighbend.get_mut(i) {
                list.push(2 * k + 1);
            }
            if let Some(list) = neighbend.get_mut(j) {
                list.push(2 * k);
            }
        }
        let mut base = Tab::new(2 * n, NONE, NONE);
        let mut inblossom = Tab::new(n, NONE, NONE);
        let mut dual = Tab::new(2 * n, 0, 0);
        for v in 0..n {
            base[v] = v;
            inblossom[v] = v;
            dual[v] = max_weight;
        }
        Matcher {
            n,
            edges: edges.iter().map(|&(i, j, w)| (i, j, i64::from(w))).collect(),
            endpoint,
            neighbend,
            mate: Tab::new(n, NONE, NONE),
            label: Tab::new(2 * n, 0, 0),
            labelend: Tab::new(2 * n, NONE, NONE),
            inblossom,
            parent: Tab::new(2 * n, NONE, NONE),
            childs: Tab::new(2 * n, Vec::new(), Vec::new()),
            base,
            endps: Tab::new(2 * n, Vec::new(), Vec::new()),
            bestedge: Tab::new(2 * n, NONE, NONE),
            bestedges: Tab::new(2 * n, None, None),
            unused: (n..2 * n).collect(),
            dual,
            allowed: Tab::new(m, false, false),
            queue: Vec::new(),
            broken: false,
        }
    }

    fn edge(&self, k: usize) -> (usize, usize, i64) {
        self.edges.get(k).copied().unwrap_or((NONE, NONE, 0))
    }

    fn slack(&self, k: usize) -> i64 {
        let (i, j, w) = self.edge(k);
        self.dual[i] + self.dual[j] - 2 * w
    }

    fn is_blossom(&self, b: usize) -> bool {
        b >= self.n && b < 2 * self.n
    }

    /// Counts a step of a loop the invariants bound by the number of nodes; past that something
    /// is broken, and the loop stops.
    fn step(&mut self, steps: &mut usize) -> bool {
        *steps += 1;
        if *steps > 4 * self.n + 8 {
            self.broken = true;
        }
        !self.broken
    }

    /// The vertices inside `b`, in the order of its cycle.
    fn leaves(&mut self, b: usize) -> Vec<usize> {
        let mut out = Vec::new();
        let mut stack = vec![b];
        let mut steps = 0;
        while let Some(t) = stack.pop() {
            if !self.step(&mut steps) {
                break;
            }
            if t < self.n {
                out.push(t);
            } else if self.is_blossom(t) {
                stack.extend(self.childs[t].iter().rev());
            } else {
                self.broken = true;
            }
        }
        out
    }

    /// Labels the top-level blossom containing `w` (reached through endpoint `p`) S or T; a T
    /// blossom's mate becomes S in turn.
    fn assign_label(&mut self, w: usize, t: u8, p: usize) {
        let (mut w, mut t, mut p) = (w, t, p);
        loop {
            let b = self.inblossom[w];
            self.label[w] = t;
            self.label[b] = t;
            self.labelend[w] = p;
            self.labelend[b] = p;
            self.bestedge[w] = NONE;
            self.bestedge[b] = NONE;
            if t == 1 {
                let leaves = self.leaves(b);
                self.queue.extend(leaves);
                return;
            }
            let mate = self.mate[self.base[b]];
            if mate == NONE {
                self.broken = true;
                return;
            }
            (w, t, p) = (self.endpoint[mate], 1, mate ^ 1);
        }
    }

    /// Walks up the trees from S-vertices `v` and `w` (joined by a tight edge): the base of the
    /// blossom they close, or `NONE` when they are in different trees (an augmenting path).
    fn scan_blossom(&mut self, v: usize, w: usize) -> usize {
        let (mut v, mut w) = (v, w);
        let mut path = Vec::new();
        let mut base = NONE;
        let mut steps = 0;
        while (v != NONE || w != NONE) && self.step(&mut steps) {
            let b = self.inblossom[v];
            if self.label[b] & 4 != 0 {
                base = self.base[b];
                break;
            }
            path.push(b);
            self.label[b] = 5;
            if self.labelend[b] == NONE {
                v = NONE;
            } else {
                let t = self.inblossom[self.endpoint[self.labelend[b]]];
                v = self.endpoint[self.labelend[t]];
            }
            if w != NONE {
                std::mem::swap(&mut v, &mut w);
            }
        }
        for b in path {
            self.label[b] = 1;
        }
        base
    }

    /// Shrinks the cycle closed by edge `k` through `base` into a new S-blossom.
    fn add_blossom(&mut self, base: usize, k: usize) {
        let (v, w, _) = self.edge(k);
        let bb = self.inblossom[base];
        let (mut bv, mut bw) = (self.inblossom[v], self.inblossom[w]);
        let Some(b) = self.unused.pop() else {
            self.broken = true;
            return;
        };
        self.base[b] = base;
        self.parent[b] = NONE;
        self.parent[bb] = b;
        let (mut path, mut endps) = (Vec::new(), Vec::new());
        let mut steps = 0;
        while bv != bb && self.step(&mut steps) {
            self.parent[bv] = b;
            path.push(bv);
            endps.push(self.labelend[bv]);
            bv = self.inblossom[self.endpoint[self.labelend[bv]]];
        }
        path.push(bb);
        path.reverse();
        endps.reverse();
        endps.push(2 * k);
        while bw != bb && self.step(&mut steps) {
            self.parent[bw] = b;
            path.push(bw);
            endps.push(self.labelend[bw] ^ 1);
            bw = self.inblossom[self.endpoint[self.labelend[bw]]];
        }
        self.label[b] = 1;
        self.labelend[b] = self.labelend[bb];
        self.dual[b] = 0;
        self.childs[b] = path.clone();
        self.endps[b] = endps;
        for v in self.leaves(b) {
            if self.label[self.inblossom[v]] == 2 {
                // A T-vertex inside becomes S: scan it.
                self.queue.push(v);
            }
            self.inblossom[v] = b;
        }
        // The new blossom's least-slack edges to each other S-blossom, from its children's.
        let mut best_to = Tab::new(2 * self.n, NONE, NONE);
        for &sub in &path {
            let candidates: Vec<usize> = match self.bestedges[sub].take() {
                Some(list) => list,
                None => {
                    let leaves = self.leaves(sub);
                    leaves.iter().flat_map(|&v| self.neighbend.get(v).into_iter().flatten().map(|p| p / 2)).collect()
                }
            };
            for k in candidates {
                let (i, j, _) = self.edge(k);
                let j = if self.inblossom[j] == b { i } else { j };
                let bj = self.inblossom[j];
                if bj != b && self.label[bj] == 1 && (best_to[bj] == NONE || self.slack(k) < self.slack(best_to[bj])) {
                    best_to[bj] = k;
                }
            }
            self.bestedge[sub] = NONE;
        }
        let list: Vec<usize> = best_to.items.into_iter().filter(|&k| k != NONE).collect();
        let mut best = NONE;
        for &k in &list {
            if best == NONE || self.slack(k) < self.slack(best) {
                best = k;
            }
        }
        self.bestedges[b] = Some(list);
        self.bestedge[b] = best;
    }

    /// Dissolves blossom `b` into its sub-blossoms: at the end of a stage (`end_stage`, recursively
    /// for those whose dual is zero), or mid-stage for a T-blossom whose dual reached zero, when
    /// its sub-blossoms on the tree's path are relabelled.
    fn expand_blossom(&mut self, b: usize, end_stage: bool, depth: usize) {
        if depth > 2 * self.n + 2 {
            self.broken = true;
            return;
        }
        let childs = self.childs[b].clone();
        for &s in &childs {
            self.parent[s] = NONE;
            if s < self.n {
                self.inblossom[s] = s;
            } else if end_stage && self.dual[s] == 0 {
                self.expand_blossom(s, end_stage, depth + 1);
            } else {
                for v in self.leaves(s) {
                    self.inblossom[v] = s;
                }
            }
        }
        if !end_stage && self.label[b] == 2 {
            self.relabel_expanded(b, &childs);
        }
        self.label[b] = 0;
        self.labelend[b] = NONE;
        self.childs[b] = Vec::new();
        self.endps[b] = Vec::new();
        self.base[b] = NONE;
        self.bestedges[b] = None;
        self.bestedge[b] = NONE;
        self.unused.push(b);
    }

    /// After a T-blossom is dissolved mid-stage: the path through it from where the tree enters
    /// to its base becomes alternating T and S sub-blossoms; the rest lose their labels unless an
    /// S-vertex outside reaches them.
    fn relabel_expanded(&mut self, b: usize, childs: &[usize]) {
        let endps = self.endps[b].clone();
        let entry = self.inblossom[self.endpoint[self.labelend[b] ^ 1]];
        let Some(pos) = childs.iter().position(|&c| c == entry) else {
            self.broken = true;
            return;
        };
        let len = childs.len() as isize;
        let mut j = pos as isize;
        // Go round the way that reaches the base through an even number of sub-blossoms.
        let (jstep, trick): (isize, usize) = if j & 1 != 0 {
            j -= len;
            (1, 0)
        } else {
            (-1, 1)
        };
        let mut p = self.labelend[b];
        let mut steps = 0;
        while j != 0 && self.step(&mut steps) {
            self.label[self.endpoint[p ^ 1]] = 0;
            let q = cyc(&endps, j - trick as isize);
            self.label[self.endpoint[q ^ trick ^ 1]] = 0;
            self.assign_label(self.endpoint[p ^ 1], 2, p);
            self.allowed[q / 2] = true;
            j += jstep;
            p = cyc(&endps, j - trick as isize) ^ trick;
            self.allowed[p / 2] = true;
            j += jstep;
        }
        // The base sub-blossom becomes T without passing S on to its mate (outside, already S).
        let bv = cyc(childs, j);
        let e = self.endpoint[p ^ 1];
        self.label[e] = 2;
        self.label[bv] = 2;
        self.labelend[e] = p;
        self.labelend[bv] = p;
        self.bestedge[bv] = NONE;
        j += jstep;
        while cyc(childs, j) != entry && self.step(&mut steps) {
            let bv = cyc(childs, j);
            j += jstep;
            if self.label[bv] == 1 {
                continue;
            }
            let leaves = self.leaves(bv);
            if let Some(v) = leaves.into_iter().find(|&v| self.label[v] != 0) {
                self.label[v] = 0;
                self.label[self.endpoint[self.mate[self.base[bv]]]] = 0;
                self.assign_label(v, 2, self.labelend[v]);
            }
        }
    }

    /// Swaps matched and unmatched edges on the even-length path inside blossom `b` from vertex `v`
    /// to the base, so `v` becomes the base.
    fn augment_blossom(&mut self, b: usize, v: usize, depth: usize) {
        if depth > 2 * self.n + 2 {
            self.broken = true;
            return;
        }
        let mut t = v;
        let mut steps = 0;
        while self.parent[t] != b && self.step(&mut steps) {
            t = self.parent[t];
        }
        if self.is_blossom(t) {
            self.augment_blossom(t, v, depth + 1);
        }
        let mut childs = self.childs[b].clone();
        let mut endps = self.endps[b].clone();
        let Some(i) = childs.iter().position(|&c| c == t) else {
            self.broken = true;
            return;
        };
        let len = childs.len() as isize;
        let mut j = i as isize;
        let (jstep, trick): (isize, usize) = if j & 1 != 0 {
            j -= len;
            (1, 0)
        } else {
            (-1, 1)
        };
        while j != 0 && self.step(&mut steps) {
            j += jstep;
            let t = cyc(&childs, j);
            let p = cyc(&endps, j - trick as isize) ^ trick;
            if self.is_blossom(t) {
                self.augment_blossom(t, self.endpoint[p], depth + 1);
            }
            j += jstep;
            let t = cyc(&childs, j);
            if self.is_blossom(t) {
                self.augment_blossom(t, self.endpoint[p ^ 1], depth + 1);
            }
            self.mate[self.endpoint[p]] = p ^ 1;
            self.mate[self.endpoint[p ^ 1]] = p;
        }
        // `i` came from `position`, so it is within the list.
        childs.rotate_left(i);
        let turn = i.min(endps.len());
        endps.rotate_left(turn);
        self.base[b] = self.base[childs.first().copied().unwrap_or(NONE)];
        self.childs[b] = childs;
        self.endps[b] = endps;
    }

    /// Flips the augmenting path through edge `k` from both its ends back to their trees' roots.
    fn augment_matching(&mut self, k: usize) {
        let (v, w, _) = self.edge(k);
        for (start, first) in [(v, 2 * k + 1), (w, 2 * k)] {
            let (mut s, mut p) = (start, first);
            let mut steps = 0;
            while self.step(&mut steps) {
                let bs = self.inblossom[s];
                if self.is_blossom(bs) {
                    self.augment_blossom(bs, s, 0);
                }
                self.mate[s] = p;
                if self.labelend[bs] == NONE {
                    break; // reached a root
                }
                let t = self.endpoint[self.labelend[bs]];
                let bt = self.inblossom[t];
                s = self.endpoint[self.labelend[bt]];
                let j = self.endpoint[self.labelend[bt] ^ 1];
                if self.is_blossom(bt) {
                    self.augment_blossom(bt, j, 0);
                }
                self.mate[j] = self.labelend[bt];
                p = self.labelend[bt] ^ 1;
            }
        }
    }

    /// Scans the queued S-vertices' edges; true when the matching was augmented.
    fn scan(&mut self) -> bool {
        while let Some(v) = self.queue.pop() {
            if self.broken {
                return false;
            }
            let degree = self.neighbend.get(v).map_or(0, Vec::len);
            for idx in 0..degree {
                let p = self.neighbend.get(v).and_then(|l| l.get(idx)).copied().unwrap_or(NONE);
                let k = p / 2;
                let w = self.endpoint[p];
                if self.inblossom[v] == self.inblossom[w] {
                    continue; // inside one blossom
                }
                let mut kslack = 0;
                if !self.allowed[k] {
                    kslack = self.slack(k);
                    if kslack <= 0 {
                        self.allowed[k] = true;
                    }
                }
                let bw = self.inblossom[w];
                if self.allowed[k] {
                    if self.label[bw] == 0 {
                        self.assign_label(w, 2, p ^ 1);
                    } else if self.label[bw] == 1 {
                        let base = self.scan_blossom(v, w);
                        if base != NONE {
                            self.add_blossom(base, k);
                        } else {
                            self.augment_matching(k);
                            return true;
                        }
                    } else if self.label[w] == 0 {
                        // A vertex in a T-blossom reached from S: remembered for when it expands.
                        self.label[w] = 2;
                        self.labelend[w] = p ^ 1;
                    }
                } else if self.label[bw] == 1 {
                    let b = self.inblossom[v];
                    if self.bestedge[b] == NONE || kslack < self.slack(self.bestedge[b]) {
                        self.bestedge[b] = k;
                    }
                } else if self.label[w] == 0 && (self.bestedge[w] == NONE || kslack < self.slack(self.bestedge[w])) {
                    self.bestedge[w] = k;
                }
            }
        }
        false
    }

    fn run(&mut self) {
        let n = self.n;
        for _stage in 0..n {
            if self.broken {
                return;
            }
            self.label.fill(0);
            self.bestedge.fill(NONE);
            for b in n..2 * n {
                self.bestedges[b] = None;
            }
            self.allowed.fill(false);
            self.queue.clear();
            for v in 0..n {
                if self.mate[v] == NONE && self.label[self.inblossom[v]] == 0 {
                    self.assign_label(v, 1, NONE);
                }
            }
            let mut augmented = false;
            let mut steps = 0;
            while !self.broken {
                // Each dual step labels, shrinks or dissolves something: a few per node at most.
                steps += 1;
                if steps > 16 * n + 16 {
                    self.broken = true;
                    return;
                }
                if self.scan() {
                    augmented = true;
                    break;
                }
                // 1: the end (no augmenting path left); 2: an edge from S to a free vertex becomes
                // tight; 3: an edge between two S-blossoms; 4: a T-blossom's dual reaches zero.
                let mut next: Option<(i64, u8, usize)> = None;
                let better = |next: &Option<(i64, u8, usize)>, d: i64| next.is_none_or(|(x, _, _)| d < x);
                for v in 0..n {
                    if self.label[self.inblossom[v]] == 0 && self.bestedge[v] != NONE {
                        let d = self.slack(self.bestedge[v]);
                        if better(&next, d) {
                            next = Some((d, 2, self.bestedge[v]));
                        }
                    }
                }
                for b in 0..2 * n {
                    if self.parent[b] == NONE && self.label[b] == 1 && self.bestedge[b] != NONE {
                        let d = self.slack(self.bestedge[b]) / 2;
                        if better(&next, d) {
                            next = Some((d, 3, self.bestedge[b]));
                        }
                    }
                }
                for b in n..2 * n {
                    if self.base[b] != NONE && self.parent[b] == NONE && self.label[b] == 2 && better(&next, self.dual[b]) {
                        next = Some((self.dual[b], 4, b));
                    }
                }
                let (delta, kind, target) = next.unwrap_or_else(|| {
                    let least = (0..n).map(|v| self.dual[v]).min().unwrap_or(0);
                    (least.max(0), 1, NONE)
                });
                for v in 0..n {
                    match self.label[self.inblossom[v]] {
                        1 => self.dual[v] -= delta,
                        2 => self.dual[v] += delta,
                        _ => {}
                    }
                }
                for b in n..2 * n {
                    if self.base[b] != NONE && self.parent[b] == NONE {
                        match self.label[b] {
                            1 => self.dual[b] += delta,
                            2 => self.dual[b] -= delta,
                            _ => {}
                        }
                    }
                }
                match kind {
                    1 => break,
                    2 => {
                        self.allowed[target] = true;
                        let (i, j, _) = self.edge(target);
                        let s = if self.label[self.inblossom[i]] == 0 { j } else { i };
                        self.queue.push(s);
                    }
                    3 => {
                        self.allowed[target] = true;
                        let (i, _, _) = self.edge(target);
                        self.queue.push(i);
                    }
                    _ => self.expand_blossom(target, false, 0),
                }
            }
            if !augmented {
                return;
            }
            for b in n..2 * n {
                if self.parent[b] == NONE && self.base[b] != NONE && self.label[b] == 1 && self.dual[b] == 0 {
                    self.expand_blossom(b, true, 0);
                }
            }
        }
    }
}

/// Each vertex's partner in the blossom algorithm's matching, or `None` if it failed a check.
fn blossom_matching(n: usize, edges: &[(usize, usize, u32)]) -> Option<Vec<Option<usize>>> {
    let mut m = Matcher::new(n, edges);
    m.run();
    let mates: Vec<Option<usize>> = (0..n).map(|v| Some(m.mate[v]).filter(|&p| p != NONE).map(|p| m.endpoint[p])).collect();
    (!m.broken && is_matching(&mates, edges)).then_some(mates)
}

/// Partners point at each other, along edges of the graph.
fn is_matching(mates: &[Option<usize>], edges: &[(usize, usize, u32)]) -> bool {
    let mut known: Vec<(usize, usize)> = edges.iter().map(|&(i, j, _)| (i.min(j), i.max(j))).collect();
    sort_by(&mut known, |a, b| a.cmp(b));
    mates.iter().enumerate().all(|(v, m)| match *m {
        None => true,
        Some(u) => u != v && mates.get(u) == Some(&Some(v)) && known.binary_search(&(v.min(u), v.max(u))).is_ok(),
    })
}

/// Heaviest edge first: only used if the blossom algorithm's result ever failed its check.
fn greedy_matching(n: usize, edges: &[(usize, usize, u32)]) -> Vec<Option<usize>> {
    let mut sorted: Vec<(usize, usize, u32)> = edges.to_vec();
    sort_by(&mut sorted, |a, b| b.2.cmp(&a.2).then((a.0, a.1).cmp(&(b.0, b.1))));
    let mut mates = vec![None; n];
    for (i, j, _) in sorted {
        if i != j && matches!(mates.get(i), Some(None)) && matches!(mates.get(j), Some(None)) {
            if let Some(m) = mates.get_mut(i) {
                *m = Some(j);
            }
            if let Some(m) = mates.get_mut(j) {
                *m = Some(i);
            }
        }
    }
    mates
}

/// A maximum-cardinality matching of the greatest total weight among those: each vertex's partner.
/// Edges are `(i, j, weight)` with `i != j < n`; others are ignored.
fn max_weight_matching(n: usize, edges: &[(usize, usize, u32)]) -> Vec<Option<usize>> {
    let edges: Vec<(usize, usize, u32)> = edges.iter().copied().filter(|&(i, j, _)| i != j && i < n && j < n).collect();
    blossom_matching(n, &edges).unwrap_or_else(|| greedy_matching(n, &edges))
}


#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::doc::Header;
    use crate::domain::questionnaire::{Frequency, Slot, QUESTIONNAIRE_ID, QUESTIONNAIRE_TYPE};
    use crate::domain::time::Timestamp;

    /// xorshift64*: a small deterministic generator, so every run tests the same groups.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
        }
        fn below(&mut self, n: usize) -> usize {
            if n == 0 {
                0
            } else {
                (self.next() % n as u64) as usize
            }
        }
        fn chance(&mut self, percent: u64) -> bool {
            self.next() % 100 < percent
        }
        fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
            &items[self.below(items.len())]
        }
        fn shuffle<T>(&mut self, items: &mut [T]) {
            for i in (1..items.len()).rev() {
                let j = self.below(i + 1);
                items.swap(i, j);
            }
        }
    }

    fn slot(key: &str) -> Slot {
        Slot::parse(key).unwrap()
    }

    fn answers() -> Questionnaire {
        Questionnaire {
            header: Header::new(QUESTIONNAIRE_ID.into(), QUESTIONNAIRE_TYPE, 1, Timestamp(0)),
            focus_areas: vec![],
            challenges: vec![],
            track: Track::SubstanceUse,
            channels: vec![Channel::Text],
            tone: None,
            frequency: Some(Frequency::Weekly),
            availability: vec![slot("mon-evening")],
            utc_offset_minutes: 0,
            languages: vec!["english".into()],
            gender: String::new(),
            same_gender_only: false,
            notes: String::new(),
            extra: Default::default(),
        }
    }

    fn person(name: &str, edit: impl FnOnce(&mut Questionnaire)) -> Participant {
        let mut answers = answers();
        edit(&mut answers);
        Participant { name: name.into(), answers }
    }

    fn strings(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| (*s).to_owned()).collect()
    }

    fn members(p: &Pairing) -> Vec<Vec<&str>> {
        p.pairs.iter().map(|p| p.members.iter().map(String::as_str).collect()).collect()
    }

    #[test]
    fn scores_add_up_part_by_part_in_plain_words() {
        let alex = person("Alex", |q| {
            q.focus_areas = strings(&["staying sober", "sleep", "anger"]);
            q.challenges = strings(&["cravings", "boredom"]);
            q.channels = vec![Channel::Text, Channel::Call];
            q.tone = Some(Tone::Gentle);
            q.availability = vec![slot("mon-evening"), slot("wed-evening")];
        });
        let sam = person("Sam", |q| {
            q.focus_areas = strings(&["Sleep", " staying  sober "]);
            q.challenges = strings(&["cravings"]);
            q.channels = vec![Channel::Call, Channel::Video];
            q.tone = Some(Tone::Gentle);
            q.frequency = Some(Frequency::Daily);
            q.availability = vec![slot("wed-evening"), slot("mon-evening"), slot("sat-morning")];
            q.languages = strings(&["spanish", "english"]);
        });
        let c = score(&alex, &sam);
        let parts: Vec<(&str, u32, u32, &str)> = c.parts.iter().map(|p| (p.what, p.points, p.max, p.reason.as_str())).collect();
        assert_eq!(
            parts,
            [
                ("Focus areas", 15, 20, "Both working on sleep and staying sober"),
                ("Challenges", 8, 15, "Both find cravings hard"),
                ("Track", 15, 15, "Both in the substance use track"),
                ("Ways to talk", 10, 10, "Both can use phone calls"),
                ("Tone", 5, 5, "Both like a gentle approach"),
                ("How often", 5, 10, "One wants to check in weekly, the other daily"),
                ("Free times", 15, 15, "Free at the same times for 10 hours a week"),
                ("Language", 10, 10, "Both speak English"),
            ]
        );
        assert_eq!((c.total, c.blocked.as_deref()), (83, None));
        assert_eq!(c.parts.iter().map(|p| p.max).sum::<u32>(), 100);
        assert_eq!(score(&sam, &alex).total, 83, "the same both ways");
    }

    #[test]
    fn partial_points_for_near_misses() {
        let a = person("A", |q| {
            q.track = Track::Both;
            q.tone = Some(Tone::Direct);
            q.frequency = Some(Frequency::Daily);
            q.focus_areas = strings(&["sleep", "grief", "anger", "routine"]);
            q.challenges = strings(&["panic", "boredom", "motivation"]);
        });
        let b = person("B", |q| {
            q.track = Track::MentalHealth;
            q.frequency = Some(Frequency::Biweekly);
            q.channels = vec![Channel::Video];
            q.focus_areas = strings(&["sleep", "grief", "anger", "routine"]);
            q.challenges = strings(&["panic", "boredom", "motivation"]);
        });
        let c = score(&a, &b);
        let got: Vec<(u32, &str)> = c.parts.iter().map(|p| (p.points, p.reason.as_str())).collect();
        assert_eq!(got[0], (20, "Both working on anger, grief, routine and sleep"));
        assert_eq!(got[1], (15, "Both find boredom, motivation and panic hard"));
        assert_eq!(got[2], (8, "One works on both mental health and substance use, the other on mental health"));
        assert_eq!(got[3], (0, "No way of talking in common"));
        assert_eq!(got[4], (3, "One likes a direct approach; the other doesn't mind"));
        assert_eq!(got[5], (0, "One wants to check in daily, the other every two weeks"));
        let mh = person("C", |q| q.track = Track::MentalHealth);
        let su = person("D", |q| q.tone = Some(Tone::Gentle));
        let c = score(&mh, &su);
        assert_eq!((c.parts[2].points, c.parts[2].reason.as_str()), (0, "One in the mental health track, the other in substance use"));
        assert_eq!(c.parts[4].reason, "One likes a gentle approach; the other doesn't mind");
        assert_eq!(score(&mh, &mh).parts[4].reason, "Neither minds a direct or gentle approach");
    }

    #[test]
    fn free_times_are_compared_in_utc() {
        let london_evening = person("A", |q| q.availability = vec![slot("mon-evening")]);
        let new_york_afternoon = person("B", |q| {
            q.availability = vec![slot("mon-afternoon")];
            q.utc_offset_minutes = -300;
        });
        let c = score(&london_evening, &new_york_afternoon);
        assert_eq!((c.parts[6].points, c.parts[6].reason.as_str()), (7, "Free at the same times for 5 hours a week"));
        // 17:00–22:00 at UTC+5:30 is 11:30–16:30 UTC; against 12:00–17:00 UTC that is 4½ hours.
        let delhi_evening = person("C", |q| q.utc_offset_minutes = 330);
        let utc_afternoon = person("D", |q| q.availability = vec![slot("mon-afternoon")]);
        assert_eq!(score(&delhi_evening, &utc_afternoon).parts[6].reason, "Free at the same times for 4½ hours a week");
        // The week wraps: Monday 06:00–12:00 at UTC+10 is Sunday 20:00 to Monday 02:00 UTC.
        let sydney_monday = person("E", |q| {
            q.availability = vec![slot("mon-morning")];
            q.utc_offset_minutes = 600;
        });
        let utc_sunday = person("F", |q| q.availability = vec![slot("sun-evening")]);
        assert_eq!(score(&sydney_monday, &utc_sunday).parts[6].reason, "Free at the same times for 2 hours a week");
        assert_eq!(hours_text(1), "¼ hour a week");
        assert_eq!(hours_text(4), "1 hour a week");
        assert_eq!(hours_text(7), "1¾ hours a week");
    }

    #[test]
    fn hard_constraints_block_with_a_reason() {
        let english = person("Alex", |_| {});
        let spanish = person("Sam", |q| q.languages = strings(&["spanish"]));
        let c = score(&english, &spanish);
        assert_eq!(c.blocked.as_deref(), Some("No language in common (Alex: english; Sam: spanish)"));
        assert_eq!(c.total, 47, "the rest is still scored, for the facilitator to see");

        let woman = |name: &str, gender: &str, only: bool| {
            let gender = gender.to_owned();
            person(name, move |q| {
                q.gender = gender;
                q.same_gender_only = only;
            })
        };
        assert_eq!(score(&woman("Alex", "Woman ", true), &woman("Sam", "woman", false)).blocked, None, "case and spaces do not matter");
        assert_eq!(score(&woman("Alex", "woman", false), &woman("Sam", "man", false)).blocked, None, "no one asked");
        assert_eq!(
            score(&woman("Alex", "woman", false), &woman("Sam", "man", true)).blocked.as_deref(),
            Some("Sam asked for a partner of the same gender, and Alex describes theirs differently")
        );
        assert_eq!(
            score(&woman("Alex", "", true), &woman("Sam", "", false)).blocked.as_deref(),
            Some("Alex asked for a partner of the same gender but hasn't described their own gender")
        );
        assert_eq!(
            score(&woman("Alex", "woman", true), &woman("Sam", " ", false)).blocked.as_deref(),
            Some("Alex asked for a partner of the same gender and Sam hasn't described theirs")
        );

        let morning = person("Jo", |q| q.availability = vec![slot("mon-morning")]);
        let c = score(&english, &morning);
        assert_eq!(c.blocked.as_deref(), Some("No free times in common, once both time zones are taken into account"));
        let unsaid = person("Kim", |q| q.availability.clear());
        let c = score(&english, &unsaid);
        assert_eq!((c.blocked, c.parts[6].reason.as_str()), (None, "Not both said when they're free"), "no free times given is not a block");

        let everything = score(&woman("Alex", "woman", true), &person("Sam", |q| {
            q.gender = "man".into();
            q.languages = strings(&["french"]);
            q.availability = vec![slot("sun-morning")];
        }));
        assert_eq!(
            everything.blocked.as_deref(),
            Some(
                "No language in common (Alex: english; Sam: french). \
                 Alex asked for a partner of the same gender, and Sam describes theirs differently. \
                 No free times in common, once both time zones are taken into account"
            ),
            "every reason is named"
        );
    }

    #[test]
    fn pairing_is_optimal_where_greedy_strands_people() {
        // Alex and Jo fit best, but Sam speaks only English and Kim only Spanish: taking Alex–Jo
        // first would leave both alone. The optimum pairs everyone.
        let group = [
            person("Alex", |q| {
                q.languages = strings(&["english", "spanish"]);
                q.focus_areas = strings(&["sleep", "grief", "anger"]);
            }),
            person("Jo", |q| {
                q.languages = strings(&["spanish"]);
                q.focus_areas = strings(&["sleep", "grief", "anger"]);
            }),
            person("Kim", |q| q.languages = strings(&["spanish"])),
            person("Sam", |_| {}),
        ];
        let p = pair_everyone(&group, &[]);
        assert_eq!(members(&p), [vec!["Alex", "Sam"], vec!["Jo", "Kim"]]);
        assert!(p.unpaired.is_empty());
        assert_eq!(p.total, p.pairs.iter().map(|x| x.score).sum::<u32>());
        assert_eq!(p.pairs[0].reasons.first().map(String::as_str), Some("Both in the substance use track"), "strongest reason first");
    }

    #[test]
    fn the_odd_one_out_joins_the_pair_they_fit_best() {
        let group = [
            person("Alex", |q| q.focus_areas = strings(&["sleep"])),
            person("Sam", |q| q.focus_areas = strings(&["sleep"])),
            person("Jo", |q| q.focus_areas = strings(&["grief", "anger", "routine"])),
            person("Kim", |q| q.focus_areas = strings(&["grief", "anger", "routine"])),
            person("Lee", |q| q.focus_areas = strings(&["grief", "anger"])),
        ];
        // Alex–Sam 67, Jo–Kim 77, Lee with Jo or Kim 72, with Alex or Sam 57: the best matching
        // is Alex–Sam and Jo–Kim, and Lee fits Jo and Kim far better than Alex and Sam.
        let p = pair_everyone(&group, &[]);
        assert_eq!(members(&p), [vec!["Alex", "Sam"], vec!["Jo", "Kim", "Lee"]]);
        let trio = &p.pairs[1];
        assert_eq!(trio.reasons[0], "Lee joined Jo and Kim as a trio: 72 with Jo (both working on anger and grief), 72 with Kim (both working on anger and grief)");
        assert_eq!(trio.score, 74, "the mean of 77, 72 and 72");
        assert!(p.unpaired.is_empty());
    }

    #[test]
    fn people_no_one_fits_are_unpaired_with_why() {
        let p = pair_everyone(&[person("Alex", |_| {})], &[]);
        assert_eq!(p.unpaired, [("Alex".to_owned(), "No one else is free to pair with — paired with the facilitator".to_owned())]);
        assert!(p.pairs.is_empty());

        let group = [
            person("Alex", |_| {}),
            person("Sam", |_| {}),
            person("Noor", |q| q.languages = strings(&["arabic"])),
            person("Jo", |q| {
                q.same_gender_only = true;
            }),
            person("Kim", |q| q.frequency = None),
            person("Lee", |_| {}),
            person("Lee", |q| q.tone = Some(Tone::Direct)),
        ];
        let p = pair_everyone(&group, &[]);
        assert_eq!(members(&p), [vec!["Alex", "Sam"]]);
        let why: Vec<(&str, &str)> = p.unpaired.iter().map(|(n, w)| (n.as_str(), w.as_str())).collect();
        assert_eq!(
            why,
            [
                ("Jo", "No compatible partner: asked for a partner of the same gender but hasn't described their own gender — paired with the facilitator"),
                ("Kim", "Questionnaire not finished (missing: how often)"),
                ("Lee", "2 people are called Lee; give each a different name to pair them"),
                ("Lee", "2 people are called Lee; give each a different name to pair them"),
                ("Noor", "No compatible partner: different languages from everyone — paired with the facilitator"),
            ]
        );

        // Odd one out among people who all fit, but every pair holds someone they cannot meet.
        let group = [
            person("A", |q| {
                q.languages = strings(&["english", "french"]);
                q.focus_areas = strings(&["sleep"]);
            }),
            person("B", |q| q.focus_areas = strings(&["sleep"])),
            person("C", |q| q.languages = strings(&["french"])),
        ];
        let p = pair_everyone(&group, &[]);
        assert_eq!(members(&p), [vec!["A", "B"]]);
        assert_eq!(
            p.unpaired[0].1,
            "Odd one out, and every pair has someone they can't be matched with: different languages from 1 person — paired with the facilitator"
        );
        let three = [person("A", |_| {}), person("B", |q| q.languages = strings(&["french"])), person("C", |q| q.availability = vec![slot("sun-morning")])];
        let mixed = Pool::new(three.iter().map(Profile::new).collect(), &[]);
        assert_eq!(mixed.why_not(0, &[1, 2], true), "different languages from 1 person and no free times in common with 1 person");
    }

    #[test]
    fn fixed_pairs_are_kept_even_against_the_questionnaires() {
        let group = [
            person("Alex", |_| {}),
            person("Sam", |q| q.languages = strings(&["spanish"])),
            person("Jo", |_| {}),
            person("Kim", |_| {}),
        ];
        let fixed = [("Sam".to_owned(), "Alex".to_owned()), ("Jo".to_owned(), "Nobody".to_owned()), ("Sam".to_owned(), "Kim".to_owned())];
        let p = pair_everyone(&group, &fixed);
        assert_eq!(members(&p), [vec!["Alex", "Sam"], vec!["Jo", "Kim"]]);
        assert_eq!(p.pairs[0].reasons[0], "Kept as set by the facilitator, although: No language in common (Alex: english; Sam: spanish)");
        let kept = pair_everyone(&group, &[("Jo".to_owned(), "Alex".to_owned())]);
        assert_eq!(kept.pairs[0].reasons[0], "Kept as set by the facilitator");
    }

    #[test]
    fn repairing_redoes_one_pair_and_never_puts_it_back_together() {
        let group = [
            person("Alex", |q| q.focus_areas = strings(&["sleep"])),
            person("Sam", |q| q.focus_areas = strings(&["sleep"])),
            person("Jo", |q| q.focus_areas = strings(&["grief"])),
            person("Kim", |q| q.focus_areas = strings(&["grief"])),
        ];
        let before = pair_everyone(&group, &[]);
        assert_eq!(members(&before), [vec!["Alex", "Sam"], vec!["Jo", "Kim"]]);
        let after = repair(&before, &group, &strings(&["Sam", "Alex"]));
        assert_eq!(members(&after), [vec!["Jo", "Kim"]], "the other pair is untouched");
        assert_eq!(after.pairs[0], before.pairs[1]);
        assert_eq!(after.unpaired[0].1, "No compatible partner: their pair was just redone, which rules out everyone else free — paired with the facilitator");
        // With someone new (or unpaired) around, the redone members are paired with them.
        let mut bigger = group.to_vec();
        bigger.push(person("Lee", |_| {}));
        let after = repair(&before, &bigger, &strings(&["Alex"]));
        let new_pair = after.pairs.iter().find(|p| p.members.contains(&"Lee".to_owned())).expect("Lee is paired");
        assert_eq!(new_pair.members.len(), 2);
        assert_eq!(after.unpaired.len(), 1);
        assert!(after.unpaired[0].1.starts_with("Odd one out, and every pair has someone they can't be matched with: their pair was just redone"), "{:?}", after.unpaired);
        assert!(after.pairs.iter().all(|p| !(p.members.contains(&"Alex".to_owned()) && p.members.contains(&"Sam".to_owned()))));
        assert!(after.pairs.contains(&before.pairs[1]));
        assert_eq!(after.pairs.len() + after.unpaired.len(), 3);
    }

    // ---- properties over random groups

    const LANGUAGES: [&str; 4] = ["english", "english", "spanish", "french"];
    const GENDERS: [&str; 6] = ["woman", "man", "non-binary", "Woman ", "", "MAN"];
    const OFFSETS: [i32; 7] = [-480, -300, 0, 0, 60, 330, 600];

    /// A group of `size`; how hard its constraints are varies from group to group, so some groups
    /// are nearly all compatible and others mostly blocked.
    fn random_group(rng: &mut Rng, size: usize) -> Vec<Participant> {
        let strict = rng.chance(40);
        (0..size)
            .map(|i| {
                person(&format!("p{i:02}"), |q| {
                    q.focus_areas = (0..rng.below(4)).map(|_| rng.pick(&crate::domain::questionnaire::FOCUS_AREAS).to_string()).collect();
                    q.challenges = (0..rng.below(4)).map(|_| rng.pick(&crate::domain::questionnaire::CHALLENGES).to_string()).collect();
                    q.track = *rng.pick(&Track::ALL);
                    q.channels = Channel::ALL.into_iter().filter(|_| rng.chance(50)).collect();
                    if q.channels.is_empty() {
                        q.channels.push(*rng.pick(&Channel::ALL));
                    }
                    q.tone = *rng.pick(&[None, Some(Tone::Direct), Some(Tone::Gentle)]);
                    q.frequency = Some(*rng.pick(&Frequency::ALL));
                    let slots: Vec<Slot> = Slot::all().collect();
                    let free = if strict { 1 + rng.below(6) } else { 6 + rng.below(10) };
                    q.availability = (0..free).map(|_| *rng.pick(&slots)).collect();
                    q.utc_offset_minutes = *rng.pick(&OFFSETS);
                    q.languages = if strict || rng.chance(10) {
                        (0..1 + rng.below(2)).map(|_| rng.pick(&LANGUAGES).to_string()).collect()
                    } else {
                        vec!["english".into()]
                    };
                    q.gender = rng.pick(&GENDERS).to_string();
                    q.same_gender_only = rng.chance(if strict { 15 } else { 5 });
                })
            })
            .collect()
    }

    fn blocked(a: &str, b: &str, people: &[Participant]) -> bool {
        let find = |n: &str| people.iter().find(|p| p.name == n).unwrap();
        score(find(a), find(b)).blocked.is_some()
    }

    /// Everyone exactly once; groups of two or three distinct people; nobody in a group (other than
    /// a fixed pair) with someone they are blocked with; the total adds up.
    fn assert_valid(p: &Pairing, people: &[Participant], fixed: &[(String, String)]) {
        let mut seen: Vec<&str> = p.pairs.iter().flat_map(|x| x.members.iter().map(String::as_str)).chain(p.unpaired.iter().map(|u| u.0.as_str())).collect();
        let mut all: Vec<&str> = people.iter().map(|x| x.name.as_str()).collect();
        seen.sort();
        all.sort();
        assert_eq!(seen, all, "everyone exactly once");
        for pair in &p.pairs {
            assert!(pair.members.len() == 2 || pair.members.len() == 3);
            let is_fixed = pair.members.len() == 2 && fixed.iter().any(|(a, b)| pair.members.contains(a) && pair.members.contains(b));
            for (i, a) in pair.members.iter().enumerate() {
                for b in &pair.members[i + 1..] {
                    assert_ne!(a, b);
                    assert!(is_fixed || !blocked(a, b, people), "{a} and {b} are blocked");
                }
            }
            assert!(pair.score <= 100);
        }
        assert_eq!(p.total, p.pairs.iter().map(|x| x.score).sum::<u32>());
    }

    /// The matched pairs' count and weight: a trio's first two members are the pair matched.
    fn matched(p: &Pairing, people: &[Participant], fixed: &[(String, String)]) -> (usize, u32) {
        let find = |n: &str| people.iter().find(|x| x.name == n).unwrap();
        let not_fixed = p.pairs.iter().filter(|x| !fixed.iter().any(|(a, b)| x.members == [a.clone(), b.clone()] || x.members == [b.clone(), a.clone()]));
        not_fixed.fold((0, 0), |(n, w), x| (n + 1, w + score(find(&x.members[0]), find(&x.members[1])).total))
    }

    /// Best remaining non-blocked pair first.
    fn greedy(people: &[Participant]) -> (usize, u32) {
        let mut options = Vec::new();
        for (i, a) in people.iter().enumerate() {
            for (j, b) in people.iter().enumerate().skip(i + 1) {
                let c = score(a, b);
                if c.blocked.is_none() {
                    options.push((c.total, a.name.clone().min(b.name.clone()), a.name.clone().max(b.name.clone()), i, j));
                }
            }
        }
        options.sort_by(|x, y| y.0.cmp(&x.0).then((&x.1, &x.2).cmp(&(&y.1, &y.2))));
        let mut used = vec![false; people.len()];
        let (mut n, mut w) = (0, 0);
        for (total, _, _, i, j) in options {
            if !used[i] && !used[j] {
                used[i] = true;
                used[j] = true;
                n += 1;
                w += total;
            }
        }
        (n, w)
    }

    #[test]
    fn random_groups_keep_every_promise() {
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
        let mut sizes_seen = [false; 41];
        for round in 0..200 {
            let size = if round < 41 { round } else { rng.below(41) };
            sizes_seen[size] = true;
            let people = random_group(&mut rng, size);
            let p = pair_everyone(&people, &[]);
            assert_valid(&p, &people, &[]);

            // At least as many pairs as greedy, and when as many, at least its total.
            let (n, w) = matched(&p, &people, &[]);
            let (gn, gw) = greedy(&people);
            assert!(n >= gn, "round {round}: {n} pairs, greedy {gn}");
            assert!(n > gn || w >= gw, "round {round}: total {w}, greedy {gw}");

            // The same group in another order gives the same pairing.
            let mut shuffled = people.clone();
            rng.shuffle(&mut shuffled);
            assert_eq!(pair_everyone(&shuffled, &[]), p, "round {round}");

            // Fixed pairs are kept exactly, whatever order they are given in.
            let mut names: Vec<String> = people.iter().map(|x| x.name.clone()).collect();
            rng.shuffle(&mut names);
            let fixed: Vec<(String, String)> = names.chunks(2).take(rng.below(3)).filter(|c| c.len() == 2).map(|c| (c[0].clone(), c[1].clone())).collect();
            let with_fixed = pair_everyone(&people, &fixed);
            assert_valid(&with_fixed, &people, &fixed);
            for (a, b) in &fixed {
                let mut want = vec![a.clone(), b.clone()];
                want.sort();
                assert!(with_fixed.pairs.iter().any(|x| x.members == want), "round {round}: fixed pair {a}–{b} kept");
            }
            let mut fixed_again: Vec<(String, String)> = fixed.iter().map(|(a, b)| (b.clone(), a.clone())).collect();
            fixed_again.reverse();
            assert_eq!(pair_everyone(&shuffled, &fixed_again), with_fixed);

            // Redoing one pair leaves every other one exactly as it was.
            if !p.pairs.is_empty() {
                let redo = p.pairs[rng.below(p.pairs.len())].clone();
                let after = repair(&p, &people, &redo.members);
                assert_valid(&after, &people, &[]);
                for other in p.pairs.iter().filter(|x| **x != redo) {
                    assert!(after.pairs.contains(other), "round {round}: {:?} kept", other.members);
                }
                for pair in &after.pairs {
                    let together = pair.members.iter().filter(|m| redo.members.contains(m)).count();
                    assert!(together <= 1, "round {round}: redone members put back together");
                }
                assert_eq!(repair(&p, &shuffled, &redo.members), after);
            }
        }
        assert!(sizes_seen.iter().all(|s| *s), "every size from 0 to 40");
    }

    /// The best (pairs, total) over every matching of `weights` (None: no edge), by trying them all.
    fn brute_force(n: usize, weights: &dyn Fn(usize, usize) -> Option<u32>) -> (usize, u32) {
        fn go(n: usize, used: &mut Vec<bool>, from: usize, weights: &dyn Fn(usize, usize) -> Option<u32>) -> (usize, u32) {
            let Some(i) = (from..n).find(|&v| !used[v]) else { return (0, 0) };
            used[i] = true;
            let mut best = go(n, used, i + 1, weights);
            for j in i + 1..n {
                if let (false, Some(w)) = (used[j], weights(i, j)) {
                    used[j] = true;
                    let (c, s) = go(n, used, i + 1, weights);
                    best = best.max((c + 1, s + w));
                    used[j] = false;
                }
            }
            used[i] = false;
            best
        }
        go(n, &mut vec![false; n], 0, weights)
    }

    #[test]
    fn the_blossom_algorithm_matches_brute_force_on_small_graphs() {
        let mut rng = Rng(12345);
        for round in 0..3000 {
            let n = rng.below(11);
            let density = 20 + rng.below(80) as u64;
            // Few distinct weights make many ties and many blossoms; many make unique optima.
            let range = *rng.pick(&[2u64, 5, 101]);
            let mut edges = Vec::new();
            for i in 0..n {
                for j in i + 1..n {
                    if rng.chance(density) {
                        edges.push((i, j, (rng.next() % range) as u32));
                    }
                }
            }
            let mut w = vec![vec![None; n]; n];
            for &(i, j, weight) in &edges {
                w[i][j] = Some(weight);
                w[j][i] = Some(weight);
            }
            rng.shuffle(&mut edges);
            let mates = blossom_matching(n, &edges).unwrap_or_else(|| panic!("round {round}: the algorithm's own checks failed"));
            let got = mates.iter().enumerate().filter_map(|(i, m)| m.filter(|j| i < *j).map(|j| w[i][j].unwrap())).fold((0, 0), |(c, s), x| (c + 1, s + x));
            assert_eq!(got, brute_force(n, &|i, j| w[i][j]), "round {round}: {edges:?}");
        }
    }

    #[test]
    fn the_blossom_algorithm_handles_known_hard_cases() {
        // Cases that exercise nested blossoms, expansion and relabelling (from the literature on
        // this algorithm); each answer checked by brute force too.
        type Case = (usize, &'static [(usize, usize, u32)]);
        let cases: [Case; 6] = [
            (5, &[(1, 2, 8), (1, 3, 9), (2, 3, 10), (3, 4, 7)]),
            (7, &[(1, 2, 9), (1, 3, 8), (2, 3, 10), (1, 4, 5), (4, 5, 4), (1, 6, 3)]),
            (9, &[(1, 2, 8), (1, 3, 8), (2, 3, 10), (2, 4, 12), (3, 5, 12), (4, 5, 14), (4, 6, 12), (5, 7, 12), (6, 7, 14), (7, 8, 12)]),
            (11, &[(1, 2, 45), (1, 5, 45), (2, 3, 50), (3, 4, 45), (4, 5, 50), (1, 6, 30), (3, 9, 35), (4, 8, 35), (5, 7, 26), (9, 10, 5)]),
            (11, &[(1, 2, 45), (1, 5, 45), (2, 3, 50), (3, 4, 45), (4, 5, 50), (1, 6, 30), (3, 9, 35), (4, 8, 26), (5, 7, 40), (9, 10, 5)]),
            (11, &[(1, 2, 40), (1, 3, 40), (2, 3, 60), (2, 4, 55), (3, 5, 55), (4, 5, 50), (1, 8, 15), (5, 7, 30), (7, 6, 10), (8, 10, 10), (4, 9, 30)]),
        ];
        for (n, edges) in cases {
            let mates = blossom_matching(n, edges).expect("no check failed");
            let weight = |i: usize, j: usize| edges.iter().find(|e| (e.0, e.1) == (i, j) || (e.1, e.0) == (i, j)).map(|e| e.2);
            let got = mates.iter().enumerate().filter_map(|(i, m)| m.filter(|j| i < *j).and_then(|j| weight(i, j))).fold((0, 0), |(c, s), x| (c + 1, s + x));
            assert_eq!(got, brute_force(n, &weight), "{edges:?}");
        }
    }

    #[test]
    fn pairing_small_groups_reaches_the_true_maximum() {
        let mut rng = Rng(777);
        for round in 0..200 {
            let size = rng.below(11);
            let people = random_group(&mut rng, size);
            let p = pair_everyone(&people, &[]);
            let mut sorted = people.clone();
            sorted.sort_by(|a, b| a.name.cmp(&b.name));
            let scores: Vec<Vec<Compatibility>> = sorted.iter().map(|a| sorted.iter().map(|b| score(a, b)).collect()).collect();
            let best = brute_force(sorted.len(), &|i, j| Some(&scores[i][j]).filter(|c| c.blocked.is_none()).map(|c| c.total));
            assert_eq!(matched(&p, &people, &[]), best, "round {round}");
        }
    }

    #[test]
    fn large_dense_graphs_pass_the_algorithms_own_checks() {
        let mut rng = Rng(4242);
        for _ in 0..20 {
            let n = 20 + rng.below(60);
            let mut edges = Vec::new();
            for i in 0..n {
                for j in i + 1..n {
                    if rng.chance(70) {
                        edges.push((i, j, (rng.next() % 101) as u32));
                    }
                }
            }
            let mates = blossom_matching(n, &edges).expect("no check failed");
            let greedy = greedy_matching(n, &edges);
            let count = |m: &[Option<usize>]| m.iter().filter(|x| x.is_some()).count();
            assert!(count(&mates) >= count(&greedy));
        }
        assert_eq!(max_weight_matching(3, &[(0, 0, 5), (0, 7, 5), (1, 2, 3)]), [None, Some(2), Some(1)], "bad edges are ignored");
    }
}
