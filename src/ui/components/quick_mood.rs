//! Mood in two taps on Today: pick a number, press "Save mood".

use super::mood_form::save_mood_draft;
use super::save_status::{status_of, FormFooter, FormProblems, Saves};
use crate::domain::draft_keys;
use crate::domain::mood::{MoodDraft, MoodScore};
use crate::ui::draft::use_draft;
use crate::ui::storage::use_storage;
use leptos::prelude::*;

#[component]
pub fn QuickMood() -> impl IntoView {
    let storage = use_storage();
    let draft = use_draft::<Option<u8>>(draft_keys::QUICK_MOOD);
    let problems = FormProblems::new();
    let saves = Saves::new();
    let save = move |score: Option<u8>| {
        saves.run(async move {
            let mood = MoodDraft { score, ..Default::default() };
            // Only the score can be missing here: the person is taken to the numbers.
            save_mood_draft(storage, draft, problems, |_| Some("quick-mood".into()), mood, score).await;
        })
    };
    let status = Memo::new(move |_| status_of(draft.write.get(), draft.value.get().is_none(), None));
    view! {
        <form class="quick-mood" on:submit=move |ev| { ev.prevent_default(); save(draft.value.get_untracked()); }>
            <fieldset id="quick-mood" tabindex="-1" aria-describedby=problems.described("quick-mood", None)>
                <legend>"Quick mood"</legend>
                <p class="hint" id="quick-mood-hint">"1 is very low, 10 is great."</p>
                <div class="pills">
                    {(MoodScore::MIN..=MoodScore::MAX).map(|n| view! {
                        <label class="pill">
                            <input type="radio" name="quick-mood" value=n aria-describedby="quick-mood-hint"
                                prop:checked=move || draft.value.get() == Some(n)
                                prop:disabled=move || !draft.ready.get()
                                on:change=move |ev| draft.edit(ev.time_stamp(), |s| *s = Some(n)) />
                            <span>{n}</span>
                        </label>
                    }).collect_view()}
                </div>
            </fieldset>
            <FormFooter label="Save mood" busy=Signal::derive(move || saves.pending() || !draft.ready.get()) problems=problems status=status />
        </form>
    }
}
