//! Partner: who my partner is and why we were matched, our schedule and the next check-in, the
//! partner check-in, both partners' check-ins with replies and reactions, "I'm struggling", and a
//! private way to ask for a different partner.

use crate::domain::doc::Document;
use crate::domain::partner::{current_pairing, last_ended_pairing, Pairing, PartnerCheckIn, PartnerReply, UrgentNote, UrgentReceipt};
use crate::ui::app::link;
use crate::ui::components::partner_checkin_form::PartnerCheckInForm;
use crate::ui::components::partner_history::PartnerHistory;
use crate::ui::components::struggling::Struggling;
use crate::ui::platform;
use crate::ui::storage::{load_docs_into, loaded, use_storage, DocList, Loading};
use crate::ui::sync::use_sync;
use leptos::prelude::*;

/// Everything the Partner screen shows, loaded once and again when sync brings more.
#[derive(Clone, Copy)]
pub struct PartnerData {
    pub pairings: RwSignal<Loading<DocList<Pairing>>>,
    pub checkins: RwSignal<Loading<DocList<PartnerCheckIn>>>,
    pub replies: RwSignal<Loading<DocList<PartnerReply>>>,
    pub notes: RwSignal<Loading<DocList<UrgentNote>>>,
    pub receipts: RwSignal<Loading<DocList<UrgentReceipt>>>,
}

impl PartnerData {
    pub fn load() -> PartnerData {
        let storage = use_storage();
        let data = PartnerData {
            pairings: RwSignal::new(Loading::Pending),
            checkins: RwSignal::new(Loading::Pending),
            replies: RwSignal::new(Loading::Pending),
            notes: RwSignal::new(Loading::Pending),
            receipts: RwSignal::new(Loading::Pending),
        };
        load_docs_into(storage, data.pairings);
        load_docs_into(storage, data.checkins);
        load_docs_into(storage, data.replies);
        load_docs_into(storage, data.notes);
        load_docs_into(storage, data.receipts);
        data
    }

    fn ready(&self) -> bool {
        fn done<T>(l: &Loading<T>) -> bool {
            !matches!(l, Loading::Pending)
        }
        self.pairings.with(done) && self.checkins.with(done) && self.replies.with(done) && self.notes.with(done) && self.receipts.with(done)
    }
}

/// "Alex", "Alex and Sam": the people named, in plain words.
pub fn names(people: &[&str]) -> String {
    match people {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

#[component]
pub fn PartnerPage() -> impl IntoView {
    platform::set_title("Partner");
    let sync = use_sync();
    let data = PartnerData::load();
    let today = platform::now().local_day();
    let me = Memo::new(move |_| sync.account.get().map(|a| a.username));
    let pairing = Memo::new(move |_| me.get().and_then(|me| current_pairing(&loaded(data.pairings), &me, today).cloned()));
    let ready = Memo::new(move |_| data.ready());

    view! {
        <div class="page partner">
            <h1>"Partner"</h1>
            <p class="partner__links link-line">{link("/partner/questionnaire", None, "Partner questionnaire")}</p>
            {move || match (me.get(), ready.get(), pairing.get()) {
                (None, _, _) => view! {
                    <section class="card">
                        <h2>"No partner yet"</h2>
                        <p>"Your program pairs you with an accountability partner. Fill in the partner questionnaire if you haven't yet, and sign in to your program's server under Settings, so your facilitator can pair you."</p>
                    </section>
                }.into_any(),
                (Some(_), false, _) => view! { <p class="loading">"Opening…"</p> }.into_any(),
                (Some(me), true, None) => {
                    // A pairing that ended says so, and its check-ins stay readable.
                    let ended = last_ended_pairing(&loaded(data.pairings), &me, today).cloned();
                    view! {
                        <section class="card">
                            <h2>"No partner yet"</h2>
                            {ended.as_ref().map(|p| {
                                let others: Vec<&str> = p.partners_of(&me);
                                let on = p.ended.map(|d| d.short_label()).unwrap_or_default();
                                view! { <p role="status">{format!("Your pairing with {} ended on {on}. Your check-ins together are below.", names(&others))}</p> }
                            })}
                            <p>"Your facilitator pairs people by what they are working on, how they like to talk and when they are free. Fill in the partner questionnaire if you haven't; your partner will show here once you're paired."</p>
                        </section>
                        {ended.map(|p| view! { <PartnerHistory data me=me.clone() pairing=p ended=true /> })}
                    }.into_any()
                }
                (Some(me), true, Some(p)) => {
                    let partners: Vec<String> = p.partners_of(&me).into_iter().map(str::to_owned).collect();
                    let who = names(&partners.iter().map(String::as_str).collect::<Vec<_>>());
                    view! {
                        <section class="card partner__who" aria-labelledby="partner-who">
                            <h2 id="partner-who">{format!("Your partner: {who}")}</h2>
                            {(!p.reasons.is_empty()).then(|| view! {
                                <h3>"Why you were matched"</h3>
                                <ul class="partner__reasons">{p.reasons.iter().map(|r| view! { <li>{r.clone()}</li> }).collect_view()}</ul>
                            })}
                            <p>{format!("Check-ins: {} · paired since {}", p.frequency.label(), p.started.short_label())}</p>
                            <PartnerDue data me=me.clone() pairing=p.clone() />
                        </section>
                        <Struggling data me=me.clone() pairing=p.clone() />
                        <PartnerCheckInForm me=me.clone() pairing=p.clone() on_sent=Callback::new(move |c: PartnerCheckIn| crate::ui::storage::upsert(data.checkins, &[c])) />
                        <PartnerHistory data me=me.clone() pairing=p.clone() />
                        <p class="link-line">{link("/partner/change", None, "Ask for a different partner")}</p>
                    }.into_any()
                }
            }}
        </div>
    }
}

/// When the next check-in is due, in plain words; nothing said once this period's is done.
#[component]
fn PartnerDue(data: PartnerData, me: String, pairing: Pairing) -> impl IntoView {
    let today = platform::now().local_day();
    move || {
        use crate::domain::partner_schedule::{next_due, DueState};
        let mine = crate::domain::partner::checkin_days(&loaded(data.checkins), &me, &pairing.pair_id);
        let due = next_due(pairing.frequency, pairing.started, &mine, today);
        let state = match due.state {
            DueState::Done => "done",
            DueState::DueToday => "today",
            DueState::DueIn(_) => "later",
            DueState::Overdue(_) => "waiting",
        };
        view! { <p class="partner__due" data-state=state>{format!("Next check-in: {}", due.label())}</p> }
    }
}

/// Keeps an id for elements made per document (document ids hold `:`).
pub fn element_id(prefix: &str, doc_id: &str) -> String {
    format!("{prefix}-{}", doc_id.replace(|c: char| !c.is_ascii_alphanumeric(), "-"))
}

/// The header of a document, for the generic helpers.
pub fn id_of<D: Document>(d: &D) -> String {
    d.header().id.clone()
}
