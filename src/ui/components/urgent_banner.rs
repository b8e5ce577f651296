//! On every screen: when my partner reached out ("I'm struggling") and I have not seen it yet, a
//! banner says so, with one tap to the Partner screen (which marks it seen).

use crate::domain::partner::{UrgentNote, UrgentReceipt};
use crate::ui::app::link;
use crate::ui::storage::{load_docs_into, loaded, use_storage, DocList, Loading};
use crate::ui::sync::use_sync;
use leptos::prelude::*;
use leptos_router::hooks::use_location;

#[component]
pub fn UrgentBanner() -> impl IntoView {
    let storage = use_storage();
    let sync = use_sync();
    let notes = RwSignal::new(Loading::<DocList<UrgentNote>>::Pending);
    let receipts = RwSignal::new(Loading::<DocList<UrgentReceipt>>::Pending);
    load_docs_into(storage, notes);
    load_docs_into(storage, receipts);
    let pathname = use_location().pathname;
    let unseen = Memo::new(move |_| {
        let me = sync.account.get()?.username;
        let receipts = loaded(receipts);
        loaded(notes)
            .into_iter()
            .filter(|n| n.author != me)
            .filter(|n| !receipts.iter().any(|r| r.note_id == n.header.id && r.author == me && r.seen_at.is_some()))
            .max_by_key(|n| n.at)
            .map(|n| n.author)
    });
    move || {
        let on_partner = pathname.with(|p| p == "/partner");
        unseen.get().filter(|_| !on_partner).map(|who| view! {
            <div class="urgent-banner" role="region" aria-label="Your partner reached out">
                <p>{format!("{who} is struggling and reached out to you. ")}{link("/partner", None, "Open Partner")}</p>
            </div>
        })
    }
}
