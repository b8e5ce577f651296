//! How long pairing a large program takes: 200 participants, made up deterministically, scored
//! pair by pair (19,900 pairs, with every reason in words) and paired with `pair_everyone`,
//! several times each. Prints the median and slowest run against the target; asserts nothing,
//! because timings depend on the machine.
//!
//!     cargo run --release --example match_bench

use std::hint::black_box;
use std::time::Instant;
use tandem::domain::doc::Header;
use tandem::domain::matching::{pair_everyone, score, Participant};
use tandem::domain::questionnaire::{Channel, Frequency, Questionnaire, Slot, Tone, Track, CHALLENGES, FOCUS_AREAS, QUESTIONNAIRE_ID, QUESTIONNAIRE_TYPE};
use tandem::domain::time::Timestamp;

const PARTICIPANTS: usize = 200;
const RUNS: usize = 9;
const TARGET_MS: f64 = 100.0;

/// xorshift64*: the same group on every run and every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn pick<T: Copy>(&mut self, items: &[T]) -> Option<T> {
        items.get(self.below(items.len())).copied()
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

/// A plausible program: mostly English speakers in a few time zones, some Spanish speakers, a few
/// who want a partner of their own gender.
fn participant(rng: &mut Rng, i: usize) -> Participant {
    let slots: Vec<Slot> = Slot::all().collect();
    let mut channels: Vec<Channel> = Channel::ALL.into_iter().filter(|_| rng.chance(50)).collect();
    if channels.is_empty() {
        channels.push(Channel::Text);
    }
    let mut languages = vec![if rng.chance(85) { "english" } else { "spanish" }.to_owned()];
    if rng.chance(15) {
        languages.push("spanish".into());
    }
    let answers = Questionnaire {
        header: Header::new(QUESTIONNAIRE_ID.into(), QUESTIONNAIRE_TYPE, 1, Timestamp(0)),
        focus_areas: (0..1 + rng.below(4)).filter_map(|_| rng.pick(&FOCUS_AREAS)).map(str::to_owned).collect(),
        challenges: (0..rng.below(4)).filter_map(|_| rng.pick(&CHALLENGES)).map(str::to_owned).collect(),
        track: rng.pick(&Track::ALL).unwrap_or(Track::Both),
        channels,
        tone: rng.pick(&[None, Some(Tone::Direct), Some(Tone::Gentle)]).flatten(),
        frequency: rng.pick(&Frequency::ALL),
        availability: (0..2 + rng.below(8)).filter_map(|_| rng.pick(&slots)).collect(),
        utc_offset_minutes: rng.pick(&[-480, -420, -360, -300, -300, 0, 60]).unwrap_or(0),
        languages,
        gender: rng.pick(&["woman", "man", "non-binary", ""]).unwrap_or_default().to_owned(),
        same_gender_only: rng.chance(10),
        notes: String::new(),
        extra: Default::default(),
    };
    Participant { name: format!("participant {i:03}"), answers }
}

/// Median and slowest of the runs, in milliseconds.
fn summary(mut ms: Vec<f64>) -> (f64, f64) {
    ms.sort_by(f64::total_cmp);
    let median = ms.get(ms.len() / 2).copied().unwrap_or(0.0);
    let max = ms.last().copied().unwrap_or(0.0);
    (median, max)
}

fn main() {
    let mut rng = Rng(0x5EED_2026);
    let people: Vec<Participant> = (0..PARTICIPANTS).map(|i| participant(&mut rng, i)).collect();

    let mut score_ms = Vec::new();
    let mut blocked = 0;
    for _ in 0..RUNS {
        let started = Instant::now();
        blocked = 0;
        for (i, a) in people.iter().enumerate() {
            for b in people.iter().skip(i + 1) {
                let c = black_box(score(a, b));
                blocked += usize::from(c.blocked.is_some());
            }
        }
        score_ms.push(started.elapsed().as_secs_f64() * 1000.0);
    }

    let mut pair_ms = Vec::new();
    let mut last = None;
    for _ in 0..RUNS {
        let started = Instant::now();
        let pairing = black_box(pair_everyone(black_box(&people), &[]));
        pair_ms.push(started.elapsed().as_secs_f64() * 1000.0);
        last = Some(pairing);
    }

    let pairs = PARTICIPANTS * (PARTICIPANTS - 1) / 2;
    let (score_median, score_max) = summary(score_ms);
    let (pair_median, pair_max) = summary(pair_ms);
    println!("match_bench: {PARTICIPANTS} participants, {RUNS} runs each");
    println!("score, all {pairs} pairs with reasons: median {score_median:.1} ms, max {score_max:.1} ms ({blocked} pairs blocked)");
    println!("pair_everyone: median {pair_median:.1} ms, max {pair_max:.1} ms (target: under {TARGET_MS:.0} ms)");
    if let Some(p) = last {
        let trios = p.pairs.iter().filter(|x| x.members.len() == 3).count();
        println!("pairs made: {} ({trios} trios), unpaired: {}, total score: {}", p.pairs.len(), p.unpaired.len(), p.total);
    }
}
