//! "Ask for a different partner": a private request to the facilitator, with an optional reason.
//! It goes to the care database only (never to the pair's), so the partner does not see it.

use crate::domain::doc::Audience;
use crate::domain::partner::{current_pairing, request_repair, Pairing, PartnerProblem, RepairRequest, REPAIR_REQUEST_TYPE};
use crate::domain::time::{hhmm_at, Now};
use crate::ui::app::link;
use crate::ui::components::save_status::{status_of, FormFooter, FormProblems, Saves};
use crate::ui::draft::use_draft;
use crate::ui::platform;
use crate::ui::storage::{load_docs_into, loaded, save_docs, use_storage, DocList, Loading};
use crate::ui::sync::use_sync;
use leptos::prelude::*;

#[component]
pub fn PartnerChangePage() -> impl IntoView {
    platform::set_title("Ask for a different partner");
    let storage = use_storage();
    let sync = use_sync();
    let pairings = RwSignal::new(Loading::<DocList<Pairing>>::Pending);
    load_docs_into(storage, pairings);
    let requests = RwSignal::new(Loading::<DocList<RepairRequest>>::Pending);
    load_docs_into(storage, requests);
    // My latest request about the pairing I am in now (or, with none, since it ended): said on a later
    // visit, so nobody wonders whether it went.
    let earlier = move || {
        let now = platform::now();
        let me = sync.account.get().map(|a| a.username).unwrap_or_default();
        let pair_id = current_pairing(&loaded(pairings), &me, now.local_day()).map(|p| p.pair_id.clone()).unwrap_or_default();
        loaded(requests).into_iter().filter(|r| r.author == me && r.pair_id == pair_id).max_by_key(|r| r.at).map(|r| {
            let seen = Now { at: r.at, utc_offset_minutes: now.utc_offset_minutes };
            format!("You asked on {} at {}. Your facilitator has it; you can add more here.", seen.local_day().short_label(), seen.local_hhmm())
        })
    };
    let draft = use_draft::<String>("repair-request");
    let problems = FormProblems::new();
    let sent = RwSignal::new(None::<String>);
    let saves = Saves::new();
    let save = move |submitted: String| {
        let now = platform::now();
        let me = sync.account.get_untracked().map(|a| a.username).unwrap_or_default();
        let pair_id = current_pairing(&loaded(pairings), &me, now.local_day()).map(|p| p.pair_id.clone()).unwrap_or_default();
        let request = match request_repair(&submitted, &me, &pair_id, now, || platform::new_id(REPAIR_REQUEST_TYPE, now)) {
            Ok(r) => r,
            Err(ps) => return problems.refuse(&ps, |p| matches!(p, PartnerProblem::Empty | PartnerProblem::TooLong(_)).then(|| "repair-reason".to_owned())),
        };
        let write = save_docs(storage, vec![request], vec![draft.delete_op()]);
        saves.run(async move {
            match write.await {
                Ok(_) => {
                    problems.clear();
                    let at = hhmm_at(now.at, now.utc_offset_minutes);
                    sent.set(Some(format!("Sent privately to your facilitator at {at}. They will be in touch; your partner is not told.")));
                    draft.after_save(&submitted, true, at);
                }
                Err(m) => problems.failed(m),
            }
        })
    };
    let status = Memo::new(move |_| status_of(draft.write.get(), draft.value.with(|d| d.trim().is_empty()), None));

    view! {
        <div class="page partner-change">
            <h1>"Ask for a different partner"</h1>
            <p>"Sometimes a pairing isn't a fit, and that's okay. This goes to your facilitator only — your partner does not see it."</p>
            {move || earlier().map(|m| view! { <p class="notice" role="status">{m}</p> })}
            <form class="card" on:submit=move |ev| {
                ev.prevent_default();
                save(draft.value.get_untracked());
            }>
                <div class="field">
                    <label for="repair-reason">"Reason (optional)"</label>
                    <textarea id="repair-reason" rows="4" aria-invalid=problems.invalid("repair-reason") aria-describedby=problems.described("repair-reason", None)
                        prop:value=draft.text(|d| d)
                        prop:disabled=move || !draft.ready.get()
                        on:input=move |ev| { let v = event_target_value(&ev); draft.edit(ev.time_stamp(), |d| *d = v) } />
                </div>
                <p class="audience">"Who sees this: " <strong>{Audience::Facilitator.label()}</strong></p>
                <FormFooter label="Send request" busy=Signal::derive(move || saves.pending() || !draft.ready.get()) problems=problems status=status />
                {move || sent.get().map(|m| view! { <p class="notice" role="status">{m}</p> })}
            </form>
            <p class="link-line">{link("/partner", None, "Back to Partner")}</p>
        </div>
    }
}
