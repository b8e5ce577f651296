//! Reminders for partner check-ins: while the app is open, when this period's check-in is due
//! (today, or waiting since an earlier due day) and not done, a notification if the person allowed
//! them, otherwise a badge on the Partner link. Never for a check-in already done, once per period,
//! not in quiet hours (the rules are `domain::partner_schedule`'s).

use crate::domain::partner::{checkin_days, current_pairing, Pairing, PartnerCheckIn};
use crate::domain::partner_schedule::{next_due, reminder_kind, should_remind, DueState, Reminder, DEFAULT_QUIET_HOURS, REMINDER_TEXT};
use crate::store::{Op, Store};
use crate::ui::platform;
use crate::ui::storage::{load_docs_into, loaded, use_storage, DocList, Loading};
use crate::ui::sync::use_sync;
use leptos::prelude::*;

/// Meta key of the due day last reminded about by notification.
const REMINDED_KEY: &str = "partner-reminded-for";

#[component]
pub fn PartnerReminder() -> impl IntoView {
    let storage = use_storage();
    let sync = use_sync();
    let pairings = RwSignal::new(Loading::<DocList<Pairing>>::Pending);
    let checkins = RwSignal::new(Loading::<DocList<PartnerCheckIn>>::Pending);
    load_docs_into(storage, pairings);
    load_docs_into(storage, checkins);
    let due = Memo::new(move |_| {
        let me = sync.account.get()?.username;
        let today = platform::now().local_day();
        let p = current_pairing(&loaded(pairings), &me, today)?.clone();
        Some(next_due(p.frequency, p.started, &checkin_days(&loaded(checkins), &me, &p.pair_id), today))
    });
    // The badge: a data attribute the navigation's CSS shows as a dot on the Partner link.
    let badge = RenderEffect::new(move |_| {
        let waiting = due.get().is_some_and(|d| matches!(d.state, DueState::DueToday | DueState::Overdue(_)));
        if let Some(body) = document().body() {
            let _ = if waiting { body.set_attribute("data-partner-due", "") } else { body.remove_attribute("data-partner-due") };
        }
        if waiting && reminder_kind(platform::notifications_allowed()) == Reminder::Notification {
            let Some(d) = due.get_untracked() else { return };
            let store = storage.store();
            leptos::task::spawn_local(async move {
                let Ok(store) = store else { return };
                let last = store.get_meta(REMINDED_KEY).await.ok().flatten().and_then(|v| v.as_str().and_then(|s| crate::domain::time::LocalDay::parse(s).ok()));
                if should_remind(&d, last, platform::local_hour(), DEFAULT_QUIET_HOURS) {
                    platform::notify("Tandem", REMINDER_TEXT);
                    let _ = store.apply(vec![Op::PutMeta { key: REMINDED_KEY.into(), value: d.day.to_string().into() }]).await;
                }
            });
        }
    });
    on_cleanup(move || drop(badge));
}
