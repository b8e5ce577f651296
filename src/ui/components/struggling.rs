//! "I'm struggling": one tap sends an urgent note to my partner (kept on the device and sent by
//! itself when there is a connection; then marked sent, delivered and seen) and at once shows the
//! crisis lines — a peer is never the only help offered. My partner's own urgent notes show here
//! too, and are marked seen when shown.

use super::crisis_lines::CrisisLines;
use super::plan_contacts::PlanContacts;
use crate::domain::partner::{delivery_state, receipt_for, send_urgent, struggling_advice, Pairing, UrgentNote, UrgentReceipt, URGENT_NOTE_TYPE};
use crate::domain::time::hhmm_at;
use crate::store::Store;
use crate::ui::platform;
use crate::ui::routes::partner::{names, PartnerData};
use crate::ui::storage::{loaded, save_docs, upsert, use_storage};
use crate::ui::sync::use_sync;
use leptos::prelude::*;

#[component]
pub fn Struggling(data: PartnerData, me: String, pairing: Pairing) -> impl IntoView {
    let storage = use_storage();
    let sync = use_sync();
    let open = RwSignal::new(false);
    let problem = RwSignal::new(None::<String>);
    // Local sequence numbers of my notes, to tell "waiting" from "sent" (see SyncContext::pushed_seq).
    let seqs = RwSignal::new(Vec::<(String, u64)>::new());
    let pair_id = pairing.pair_id.clone();
    let partners: Vec<String> = pairing.partners_of(&me).into_iter().map(str::to_owned).collect();
    let partner_names = names(&partners.iter().map(String::as_str).collect::<Vec<_>>());
    let (mine_me, mine_pair) = (me.clone(), pair_id.clone());
    let my_notes = Memo::new(move |_| {
        let mut notes: Vec<UrgentNote> = loaded(data.notes).into_iter().filter(|n| n.author == mine_me && n.pair_id == mine_pair).collect();
        crate::domain::order::sort_by(&mut notes, |a, b| b.at.cmp(&a.at));
        notes
    });
    let (their_me, their_pair) = (me.clone(), pair_id.clone());
    let their_notes = Memo::new(move |_| {
        let mut notes: Vec<UrgentNote> = loaded(data.notes).into_iter().filter(|n| n.author != their_me && n.pair_id == their_pair).collect();
        crate::domain::order::sort_by(&mut notes, |a, b| b.at.cmp(&a.at));
        notes
    });
    let refresh_seqs = move || {
        let ids: Vec<String> = my_notes.get_untracked().iter().map(|n| n.header.id.clone()).collect();
        let store = storage.store();
        leptos::task::spawn_local(async move {
            if let Ok(store) = store {
                if let Ok(states) = store.doc_states(&ids).await {
                    seqs.try_set(states.into_iter().map(|s| (s.id, s.seq)).collect());
                }
            }
        });
    };
    refresh_seqs();
    let (send_me, send_pair) = (me.clone(), pair_id.clone());
    let send = move || {
        open.set(true);
        let now = platform::now();
        match send_urgent("", &send_me, &send_pair, now, || platform::new_id(URGENT_NOTE_TYPE, now)) {
            Ok(note) => {
                let write = save_docs(storage, vec![note], Vec::new());
                leptos::task::spawn_local(async move {
                    match write.await {
                        Ok(saved) => {
                            upsert(data.notes, &saved);
                            problem.try_set(None);
                            refresh_seqs();
                        }
                        Err(m) => {
                            problem.try_set(Some(m));
                        }
                    }
                });
            }
            Err(ps) => problem.set(Some(ps.iter().map(ToString::to_string).collect::<Vec<_>>().join(" "))),
        }
    };
    // My partner's notes are marked seen once shown here.
    let reader = me.clone();
    let mark_seen = move || {
        let now = platform::now();
        let receipts = loaded(data.receipts);
        let new: Vec<UrgentReceipt> = their_notes
            .get_untracked()
            .iter()
            .filter_map(|n| receipt_for(n, receipts.iter().find(|r| r.note_id == n.header.id && r.author == reader), &reader, now, true))
            .collect();
        if !new.is_empty() {
            let write = save_docs(storage, new, Vec::new());
            leptos::task::spawn_local(async move {
                if let Ok(saved) = write.await {
                    upsert(data.receipts, &saved);
                }
            });
        }
    };
    let shown = RenderEffect::new(move |_| {
        their_notes.track();
        data.receipts.track();
        untrack(&mark_seen);
    });
    on_cleanup(move || drop(shown));
    let offset = platform::now().utc_offset_minutes;
    let advice = Memo::new(move |_| struggling_advice(&my_notes.get(), platform::now()));

    view! {
        {move || their_notes.with(|notes| notes.first().cloned()).map(|n| view! {
            <section class="card struggling struggling--partner" role="region" aria-label="Your partner reached out">
                <h2>{format!("{} is struggling", n.author)}</h2>
                <p>{n.words().to_owned()}</p>
                <p class="hint">{format!("Sent at {}. A reply below, or a call or text, can help a lot.", hhmm_at(n.at, offset))}</p>
            </section>
        })}
        <section class="card struggling" aria-labelledby="struggling-title">
            <h2 id="struggling-title" class="visually-hidden">"Reach out now"</h2>
            <button type="button" class="struggling__button" on:click=move |_| send()>"I'm struggling"</button>
            <p class="hint">{format!("Lets {partner_names} know right away. Crisis lines show too.")}</p>
            <p role="alert">{move || problem.get()}</p>
            {move || open.get().then(|| view! {
                <div class="struggling__panel" role="region" aria-label="Help right now">
                    {move || my_notes.with(|notes| notes.first().cloned()).map(|n| {
                        let id = n.header.id.clone();
                        let state = move || {
                            let pushed = seqs.with(|s| s.iter().find(|(i, _)| *i == id).is_some_and(|(_, seq)| *seq <= sync.pushed_seq.get()));
                            delivery_state(&n, &loaded(data.receipts), pushed).label()
                        };
                        view! { <p class="struggling__state" aria-live="polite">{move || format!("Your note to your partner: {}", state())}</p> }
                    })}
                    {move || advice.get().map(|a| view! { <p class="notice">{a}</p> })}
                    <p>"If you might act on thoughts of harming yourself, call or text now — you don't have to wait for your partner."</p>
                    <h3>"People from my safety plan"</h3>
                    <PlanContacts />
                    <h3>"Crisis lines"</h3>
                    <CrisisLines level=3 />
                </div>
            })}
        </section>
    }
}
