//! The group's norms, read before a first post and agreed with "I agree" (again when they change).
//! Once agreed they fold away under a disclosure, still one tap from view.

use crate::domain::group::{agree_to_norms, Group, NormsAgreement};
use crate::ui::platform;
use crate::ui::routes::group::GroupData;
use crate::ui::storage::{loaded, save_docs, upsert, use_storage};
use leptos::prelude::*;

#[component]
pub fn NormsCard(data: GroupData, me: String, group: Group, agreed: Memo<bool>) -> impl IntoView {
    let storage = use_storage();
    let problem = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let has_norms = group.norms.iter().any(|n| !n.trim().is_empty());
    let norms = group.norms.clone();
    let list = move || view! { <ol class="group-norms__list">{norms.iter().filter(|n| !n.trim().is_empty()).map(|n| view! { <li>{n.clone()}</li> }).collect_view()}</ol> };
    let agree = move || {
        let previous: Option<NormsAgreement> = loaded(data.agreements).into_iter().find(|a| a.author == me && a.group_id == group.group_id);
        let agreement = agree_to_norms(&group, &me, previous.as_ref(), platform::now());
        busy.set(true);
        let write = save_docs(storage, vec![agreement], Vec::new());
        leptos::task::spawn_local(async move {
            match write.await {
                Ok(saved) => {
                    upsert(data.agreements, &saved);
                    problem.try_set(None);
                    // "I agree" goes away with the question; focus stays at this place, on the norms
                    // now agreed (the check-in box below is one Tab on), not lost to the page.
                    crate::ui::routes::goals::focus_soon("group-norms-title");
                }
                Err(m) => {
                    problem.try_set(Some(m));
                }
            }
            busy.try_set(false);
        });
    };
    let agree_once = StoredValue::new(agree);
    has_norms.then(|| view! {
        <section class="card group-norms" aria-labelledby="group-norms-title">
            {move || if agreed.get() {
                view! {
                    <details>
                        <summary id="group-norms-title">"Our norms (you agreed)"</summary>
                        {list()}
                    </details>
                }.into_any()
            } else {
                view! {
                    <h2 id="group-norms-title">"Our norms"</h2>
                    <p>"Before your first post, read what this group has agreed. Everyone here has said yes to the same words."</p>
                    {list()}
                    <p role="alert">{move || problem.get()}</p>
                    <button type="button" class="primary" prop:disabled=move || busy.get() on:click=move |_| agree_once.with_value(|f| f())>"I agree"</button>
                }.into_any()
            }}
        </section>
    })
}
