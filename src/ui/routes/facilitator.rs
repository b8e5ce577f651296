//! Facilitator: the roster with questionnaire status and current partners, "Propose pairs" (the
//! optimal pairing with each pair's score and reasons), manual edits ("Pair these two", "Pair
//! differently"), "Confirm pairs" (each pair's database made on the server and a pairing notice
//! left for both partners' apps), and re-pair requests. Works against the server directly, with the
//! facilitator's session: it needs a connection, and says so without one.

use crate::domain::doc::{decode_all, encode};
use crate::domain::matching::{pair_everyone, repair, Pairing as Proposal, Participant};
use crate::domain::partner::{pair_db_name, CheckInFrequency, Pairing, RepairRequest};
use crate::domain::questionnaire::{Frequency, Questionnaire};
use crate::domain::time::hhmm_at;
use crate::sync::account::care_db_name;
use crate::sync::facilitator::{care_documents, ensure_shared_db, put_document, roster};
use crate::sync::protocol::SyncError;
use crate::ui::fetch_transport::FetchTransport;
use crate::ui::platform;
use crate::ui::server_work::ServerWork;
use crate::ui::sync::use_sync;
use leptos::prelude::*;
use serde_json::Value;

/// One participant as the facilitator sees them: only what they shared with facilitators.
#[derive(Clone, Debug, PartialEq)]
struct Person {
    name: String,
    questionnaire: Option<Questionnaire>,
    pairings: Vec<Pairing>,
    requests: Vec<RepairRequest>,
}

const ROSTER_OFFLINE: &str = "The roster and pairing need one";

/// What both facilitator screens say to anyone not signed in as a facilitator.
pub fn for_facilitators_only() -> impl IntoView {
    view! { <p>"This screen is for facilitators. "{crate::ui::app::link("/settings", None, "Sign in with your facilitator account")}" in Settings."</p> }
}

/// A server problem in plain words for the facilitator's screens; `offline` says why the screen
/// needs a connection ("The roster and pairing need one").
pub fn problem_text(e: &SyncError, offline: &str) -> String {
    match e {
        SyncError::Offline(_) => format!("No connection to the server. {offline}; try again when you're online."),
        SyncError::Unauthorized => "Your session ended. Sign in again under Settings.".into(),
        SyncError::Forbidden(_) => "This account may not manage the program on this server. Facilitators sign in with an account allowed to create databases.".into(),
        other => format!("The server could not do that: {other}"),
    }
}

async fn load_roster(server: String) -> Result<Vec<Person>, SyncError> {
    let transport = FetchTransport::new(&server);
    let mut people = Vec::new();
    for name in roster(&transport).await? {
        // Every participant has a care database (made here if the server has none yet).
        ensure_shared_db(&transport, &care_db_name(&name), std::slice::from_ref(&name)).await?;
        let docs = care_documents(&transport, &name).await?;
        let of_type = |t: &str| docs.iter().filter(|d| d.get("type").and_then(Value::as_str) == Some(t)).cloned().collect::<Vec<_>>();
        let questionnaire = decode_all::<Questionnaire>(&of_type("questionnaire")).0.into_iter().next();
        let pairings = decode_all::<Pairing>(&of_type("pairing")).0;
        let requests = decode_all::<RepairRequest>(&of_type("repair-request")).0;
        people.push(Person { name, questionnaire, pairings, requests });
    }
    Ok(people)
}

fn frequency_for(members: &[String], people: &[Person]) -> CheckInFrequency {
    let wanted: Vec<Option<Frequency>> = members.iter().map(|m| people.iter().find(|p| p.name == *m).and_then(|p| p.questionnaire.as_ref()?.frequency)).collect();
    match wanted.first().copied().flatten() {
        Some(f) if wanted.iter().all(|w| *w == Some(f)) => match f {
            Frequency::Daily => CheckInFrequency::Daily,
            Frequency::Weekly => CheckInFrequency::Weekly,
            Frequency::Biweekly => CheckInFrequency::Biweekly,
        },
        // Different wishes meet in the middle.
        _ => CheckInFrequency::Weekly,
    }
}

async fn confirm(server: String, proposal: Proposal, people: Vec<Person>) -> Result<usize, SyncError> {
    let transport = FetchTransport::new(&server);
    let now = platform::now();
    let today = now.local_day();
    for pair in &proposal.pairs {
        let pair_id = platform::new_id("p", now).replace(':', "-").to_lowercase();
        ensure_shared_db(&transport, &pair_db_name(&pair_id), &pair.members).await?;
        let notice = Pairing::new(&pair_id, pair.members.clone(), pair.reasons.clone(), pair.score, frequency_for(&pair.members, &people), today, now);
        for member in &pair.members {
            // The member's earlier pairing ends today; the other pairs are left as they were.
            if let Some(person) = people.iter().find(|p| p.name == *member) {
                for old in person.pairings.iter().filter(|p| p.is_active(today)) {
                    if let Some(ended) = old.ended_on(today, now) {
                        put_document(&transport, &care_db_name(member), &encode(&ended)).await?;
                    }
                }
            }
            put_document(&transport, &care_db_name(member), &encode(&notice)).await?;
        }
    }
    Ok(proposal.pairs.len())
}

/// Ends a pairing for all its members (from today), so they can be paired again; nothing else changes.
async fn end_pairing(server: String, pairing: Pairing) -> Result<(), SyncError> {
    let transport = FetchTransport::new(&server);
    let now = platform::now();
    let Some(ended) = pairing.ended_on(now.local_day(), now) else { return Ok(()) };
    for member in &pairing.members {
        // Each member's copy of the notice, with its own revision.
        let docs = care_documents(&transport, member).await?;
        let mut doc = encode(&ended);
        if let Some(rev) = docs.iter().find(|d| d.get("_id") == doc.get("_id")).and_then(|d| d.get("_rev")) {
            doc["_rev"] = rev.clone();
        }
        put_document(&transport, &care_db_name(member), &doc).await?;
    }
    Ok(())
}

#[component]
pub fn FacilitatorPage() -> impl IntoView {
    platform::set_title("Facilitator");
    let sync = use_sync();
    let people = RwSignal::new(Vec::<Person>::new());
    let message = RwSignal::new(None::<String>);
    // Loads and actions talking to the server (they can overlap: "Refresh" during the reload after "Confirm pairs").
    let work = ServerWork::new();
    let proposal = RwSignal::new(None::<Proposal>);
    let fixed = RwSignal::new(Vec::<(String, String)>::new());
    let (pick_a, pick_b) = (RwSignal::new(String::new()), RwSignal::new(String::new()));
    let server = move || sync.account.get_untracked().map(|a| a.server);
    let reload = move || {
        let Some(server) = server() else { return };
        work.load(load_roster(server), move |loaded| match loaded {
            Ok(list) => {
                people.try_set(list);
            }
            Err(e) => {
                message.try_set(Some(problem_text(&e, ROSTER_OFFLINE)));
            }
        });
    };
    if sync.account.get_untracked().is_some_and(|a| a.is_facilitator()) {
        reload();
    }
    let today = platform::now().local_day();
    // Only participants with a complete questionnaire and no current partner are paired.
    let participants = move || -> Vec<Participant> {
        people.with(|ps| {
            ps.iter()
                .filter(|p| !p.pairings.iter().any(|x| x.is_active(today)))
                .filter_map(|p| Some(Participant { name: p.name.clone(), answers: p.questionnaire.clone()? }))
                .collect()
        })
    };
    // Pairs ended here this visit: when re-pairing, those people are not put back together.
    let apart = RwSignal::new(Vec::<Vec<String>>::new());
    let propose = move || {
        message.set(None);
        let fresh = pair_everyone(&participants(), &fixed.get_untracked());
        let ended = apart.get_untracked();
        let made = if ended.is_empty() {
            fresh
        } else {
            // Re-pairing: the ended pairs count as the current pairing to redo, everyone else as proposed.
            let mut current = fresh;
            current.pairs.retain(|p| !p.members.iter().any(|m| ended.iter().flatten().any(|e| e == m)));
            current.pairs.extend(ended.iter().map(|members| crate::domain::matching::Pair { members: members.clone(), score: 0, reasons: Vec::new() }));
            let redo: Vec<String> = ended.iter().flatten().cloned().collect();
            repair(&current, &participants(), &redo)
        };
        proposal.set(Some(made));
    };
    let end = move |pairing: Pairing| {
        let Some(server) = server() else { return };
        let members = pairing.members.clone();
        work.run(end_pairing(server, pairing), move |ended| match ended {
            Ok(()) => {
                apart.try_update(|a| a.push(members));
                message.try_set(Some("Pairing ended. Propose pairs to pair them again — not with each other.".into()));
                reload();
            }
            Err(e) => {
                message.try_set(Some(problem_text(&e, ROSTER_OFFLINE)));
            }
        });
    };
    let confirm_pairs = move || {
        let (Some(server), Some(p)) = (server(), proposal.get_untracked()) else { return };
        let everyone = people.get_untracked();
        work.run(confirm(server, p, everyone), move |confirmed| match confirmed {
            Ok(n) => {
                proposal.try_set(None);
                fixed.try_set(Vec::new());
                message.try_set(Some(format!("{n} pairs confirmed. Each partner's app finds their pair by itself.")));
                reload();
            }
            Err(e) => {
                message.try_set(Some(problem_text(&e, ROSTER_OFFLINE)));
            }
        });
    };
    let offset = platform::now().utc_offset_minutes;

    view! {
        <div class="page facilitator">
            <h1>"Facilitator"</h1>
            {move || match sync.account.get() {
                Some(a) if a.is_facilitator() => view! {
                    <p class="link-line">{crate::ui::app::link("/facilitator/groups", None, "Groups")}</p>
                    <p class="notice" role="status">{move || message.get()}</p>
                    <section class="card" aria-labelledby="roster-title">
                        <h2 id="roster-title">"Roster"</h2>
                        {move || work.is_busy().then(|| view! { <p class="loading">"Talking to the server…"</p> })}
                        <ul class="roster" aria-label="Participants">
                            {move || people.get().into_iter().map(|p| {
                                let state = match &p.questionnaire {
                                    Some(q) if q.is_complete() => "Questionnaire answered".to_owned(),
                                    Some(_) => "Questionnaire started".to_owned(),
                                    None => "No questionnaire yet".to_owned(),
                                };
                                let active = p.pairings.iter().find(|x| x.is_active(today)).cloned();
                                let partner = active.as_ref().map(|x| {
                                    let others: Vec<&str> = x.partners_of(&p.name);
                                    format!("Partner: {}", others.join(", "))
                                }).unwrap_or_else(|| "No partner".into());
                                let asked = if p.requests.is_empty() { "" } else { " · asked for a different partner" };
                                view! {
                                    <li class="roster__person">
                                        <strong>{p.name.clone()}</strong>
                                        <span>{format!(" — {state} · {partner}{asked}")}</span>
                                        {active.map(|pairing| view! {
                                            <button type="button" class="secondary" aria-label=format!("End the pairing of {}", pairing.members.join(" and "))
                                                prop:disabled=move || work.is_busy() on:click=move |_| end(pairing.clone())>"End pairing"</button>
                                        })}
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                        <button type="button" class="secondary" prop:disabled=move || work.is_busy() on:click=move |_| reload()>"Refresh"</button>
                    </section>
                    <section class="card" aria-labelledby="pairs-title">
                        <h2 id="pairs-title">"Pairs"</h2>
                        <p class="hint">"Pairs everyone without a partner who has answered the questionnaire: the best total fit, never against a hard preference."</p>
                        <button type="button" class="primary" prop:disabled=move || work.is_busy() on:click=move |_| propose()>"Propose pairs"</button>
                        {move || proposal.get().map(|p| {
                            let current = p.clone();
                            view! {
                                <ul class="proposal" aria-label="Proposed pairs">
                                    {p.pairs.iter().map(|pair| {
                                        let members = pair.members.clone();
                                        let current = current.clone();
                                        view! {
                                            <li class="proposal__pair">
                                                <h3>{format!("{} — score {}", members.join(" and "), pair.score)}</h3>
                                                <ul>{pair.reasons.iter().map(|r| view! { <li>{r.clone()}</li> }).collect_view()}</ul>
                                                <button type="button" class="secondary" on:click=move |_| {
                                                    fixed.update(|f| f.retain(|(a, b)| !members.contains(a) && !members.contains(b)));
                                                    proposal.set(Some(repair(&current, &participants(), &members)));
                                                }>"Pair differently"</button>
                                            </li>
                                        }
                                    }).collect_view()}
                                </ul>
                                {(!p.unpaired.is_empty()).then(|| view! {
                                    <h3>"Not paired"</h3>
                                    <ul>{p.unpaired.iter().map(|(n, why)| view! { <li>{format!("{n}: {why}")}</li> }).collect_view()}</ul>
                                })}
                                <fieldset class="field manual-pair">
                                    <legend>"Pair two people yourself"</legend>
                                    <label for="pick-a">"Person"</label>
                                    <select id="pick-a" on:change=move |ev| pick_a.set(event_target_value(&ev))>
                                        <option value="">"Choose…"</option>
                                        {participants().into_iter().map(|x| view! { <option value=x.name.clone()>{x.name.clone()}</option> }).collect_view()}
                                    </select>
                                    <label for="pick-b">"Partner"</label>
                                    <select id="pick-b" on:change=move |ev| pick_b.set(event_target_value(&ev))>
                                        <option value="">"Choose…"</option>
                                        {participants().into_iter().map(|x| view! { <option value=x.name.clone()>{x.name.clone()}</option> }).collect_view()}
                                    </select>
                                    <button type="button" class="secondary" on:click=move |_| {
                                        let (a, b) = (pick_a.get_untracked(), pick_b.get_untracked());
                                        if !a.is_empty() && !b.is_empty() && a != b {
                                            fixed.update(|f| {
                                                f.retain(|(x, y)| ![x, y].iter().any(|n| **n == a || **n == b));
                                                f.push((a, b));
                                            });
                                            propose();
                                        }
                                    }>"Pair these two"</button>
                                </fieldset>
                                <button type="button" class="primary" prop:disabled=move || work.is_busy() || p.pairs.is_empty() on:click=move |_| confirm_pairs()>"Confirm pairs"</button>
                            }
                        })}
                    </section>
                    <section class="card" aria-labelledby="requests-title">
                        <h2 id="requests-title">"Re-pair requests"</h2>
                        <ul aria-label="Re-pair requests">
                            {move || people.get().into_iter().flat_map(|p| p.requests.into_iter().map(move |r| (p.name.clone(), r))).map(|(name, r)| {
                                let reason = if r.reason.is_empty() { "No reason given.".to_owned() } else { r.reason.clone() };
                                view! { <li>{format!("{name} asked for a different partner ({}, {}): {reason}", r.at.to_rfc3339().get(..10).unwrap_or_default(), hhmm_at(r.at, offset))}</li> }
                            }).collect_view()}
                        </ul>
                    </section>
                }.into_any(),
                _ => for_facilitators_only().into_any(),
            }}
        </div>
    }
}
