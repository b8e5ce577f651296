//! The full mood form: score, emotions, tags, note. Every change is kept as a draft.

use super::chip::Chip;
use super::save_status::{status_of, FormFooter, FormProblems, Saves};
use crate::domain::doc::{encode, Audience};
use crate::domain::draft_keys;
use crate::domain::mood::{MoodDraft, MoodEntry, MoodProblem, MoodScore, EMOTION_GROUPS, MOOD_TYPE};
use crate::store::{Op, Store};
use crate::ui::draft::{use_draft, UseDraftReturn};
use crate::ui::platform;
use crate::ui::storage::{use_storage, AppStorage};
use leptos::prelude::*;

/// Saves a mood draft as an entry and clears the draft in the same batch; what stopped it goes to
/// `problems`, each rule's problem at its field (`field_of`). Shared by the full form and Today's quick mood.
pub async fn save_mood_draft<T>(storage: AppStorage, draft: UseDraftReturn<T>, problems: FormProblems, field_of: fn(&MoodProblem) -> Option<String>, mood: MoodDraft, submitted: T) -> Option<MoodEntry>
where
    T: crate::domain::doc::JsonValue + Clone + PartialEq + Default + Send + Sync + 'static,
{
    let now = platform::now();
    let mut entry = match mood.to_entry(platform::new_id(MOOD_TYPE, now), now, platform::lowercase) {
        Ok(e) => e,
        Err(ps) => {
            problems.refuse(&ps, field_of);
            return None;
        }
    };
    let applied = match storage.store() {
        Ok(store) => store.apply(vec![Op::PutDoc(encode(&entry)), draft.delete_op()]).await,
        Err(e) => Err(e),
    };
    match applied {
        Ok(applied) => {
            entry.header.rev = applied.rev_of(&entry.header.id).map(str::to_owned);
            draft.after_save(&submitted, true, entry.local_time.clone());
            problems.clear();
            Some(entry)
        }
        Err(e) => {
            problems.failed(e.user_message());
            None
        }
    }
}

#[component]
pub fn MoodForm(
    /// Tags to offer (built-in and the person's own).
    #[prop(into)]
    known_tags: Signal<Vec<String>>,
    /// Called after an entry is saved.
    on_saved: Callback<MoodEntry>,
) -> impl IntoView {
    let storage = use_storage();
    let draft = use_draft::<MoodDraft>(draft_keys::MOOD);
    let problems = FormProblems::new();
    let tag_problem = RwSignal::new(None::<String>);
    let saves = Saves::new();
    let save = move |submitted: MoodDraft| {
        saves.run(async move {
            // The first thing missing is usually the mood: the person is taken to it (it may be off screen).
            let field_of = |p: &MoodProblem| {
                Some(match p {
                    MoodProblem::NoScore => "mood-score",
                    MoodProblem::NoteTooLong(_) => "mood-note",
                    MoodProblem::Tag(_) => "tag-input",
                }.to_owned())
            };
            if let Some(entry) = save_mood_draft(storage, draft, problems, field_of, submitted.clone(), submitted).await {
                // try_run: the screen may have closed while saving (run would panic).
                on_saved.try_run(entry);
            }
        })
    };

    let score_text = move || {
        draft.value.with(|d| match d.score.and_then(MoodScore::new) {
            Some(s) => s.spoken(),
            None => "Not chosen yet — move the slider".to_owned(),
        })
    };
    let choose_score = move |ev: leptos::ev::Event| {
        let v = event_target_value(&ev).parse::<u8>().ok();
        draft.edit(ev.time_stamp(), |d| d.score = v);
    };
    let add_tag = move |time: f64| {
        let mut next = draft.value.get_untracked();
        match next.add_typed_tag(platform::lowercase) {
            Ok(_) => {
                tag_problem.set(None);
                draft.edit(time, |d| *d = next);
                draft.replaced.notify();
            }
            Err(p) => tag_problem.set(Some(p.message())),
        }
    };
    let offered_tags = move || {
        let mut tags = known_tags.get();
        for t in draft.value.with(|d| d.tags.clone()) {
            if !tags.contains(&t) {
                tags.push(t);
            }
        }
        tags
    };
    let status = Memo::new(move |_| status_of(draft.write.get(), draft.value.with(MoodDraft::is_empty), None));


    view! {
        <form class="mood-form" aria-labelledby="mood-form-title" on:submit=move |ev| {
            ev.prevent_default();
            save(draft.value.get_untracked());
        }>
            <h2 id="mood-form-title">"Log a mood"</h2>
            <div class="field">
                <label for="mood-score">"Mood"</label>
                <input id="mood-score" type="range" min="1" max="10" step="1"
                    prop:value=move || draft.value.with(|d| d.score.unwrap_or(5).to_string())
                    aria-valuetext=score_text
                    // Grey until chosen: the thumb has to sit somewhere, and at 5 it looked chosen.
                    data-unset=move || draft.value.with(|d| d.score.is_none()).then_some("")
                    // Marked until a mood is chosen.
                    aria-invalid={ let marked = problems.invalid("mood-score"); move || marked().filter(|_| draft.value.with(|d| d.score.is_none())) }
                    aria-describedby=problems.described("mood-score", None)
                    prop:disabled=move || !draft.ready.get()
                    on:input=choose_score
                    on:click=move |ev| {
                        // Tapping the thumb where it already is chooses that value too.
                        if draft.value.with_untracked(|d| d.score.is_none()) {
                            choose_score(ev.into())
                        }
                    }
                />
                <div class="scale-ends" aria-hidden="true"><span>"1 very low"</span><span>"10 great"</span></div>
                <output for="mood-score" class="score-readout">{score_text}</output>
            </div>

            <fieldset class="field emotions">
                <legend>"Emotions"</legend>
                {EMOTION_GROUPS.iter().map(|group| view! {
                    <fieldset class="chips">
                        <legend>{group.name}</legend>
                        {group.emotions.iter().map(|&emotion| view! {
                            <Chip label=emotion
                                checked=Signal::derive(move || draft.value.with(|d| d.emotions.iter().any(|e| e == emotion)))
                                on_toggle=move |t| draft.edit(t, |d| d.toggle_emotion(emotion)) />
                        }).collect_view()}
                    </fieldset>
                }).collect_view()}
            </fieldset>

            <fieldset class="field chips tags">
                <legend>"Tags"</legend>
                {move || offered_tags().into_iter().map(|tag| {
                    let name = tag.clone();
                    let toggled = tag.clone();
                    view! {
                        <Chip label=tag
                            checked=Signal::derive(move || draft.value.with(|d| d.tags.contains(&name)))
                            on_toggle=move |t| draft.edit(t, |d| d.toggle_tag(&toggled)) />
                    }
                }).collect_view()}
                <div class="add-tag">
                    <label for="tag-input">"Add your own tag"</label>
                    <div class="add-tag__row">
                        <input id="tag-input" type="text" autocomplete="off" enterkeyhint="done" aria-invalid=problems.invalid("tag-input") aria-describedby=problems.described("tag-input", None)
                            prop:value=draft.text(|d| &d.tag_input)
                            on:input=move |ev| { let v = event_target_value(&ev); draft.edit(ev.time_stamp(), |d| d.tag_input = v) }
                            on:keydown=move |ev| if ev.key() == "Enter" { ev.prevent_default(); add_tag(ev.time_stamp()) } />
                        <button type="button" class="secondary" on:click=move |ev| add_tag(ev.time_stamp())>"Add tag"</button>
                    </div>
                    {move || tag_problem.get().map(|p| view! { <p class="field-problem" role="alert">{p}</p> })}
                </div>
            </fieldset>

            <div class="field">
                <label for="mood-note">"Note"</label>
                <textarea id="mood-note" rows="3" aria-invalid=problems.invalid("mood-note") aria-describedby=problems.described("mood-note", None)
                    prop:value=draft.text(|d| &d.note)
                    prop:disabled=move || !draft.ready.get()
                    on:input=move |ev| { let v = event_target_value(&ev); draft.edit(ev.time_stamp(), |d| d.note = v) } />
            </div>

            <p class="audience">"Who sees this: " <strong>{Audience::Private.label()}</strong></p>
            <FormFooter label="Save mood" busy=Signal::derive(move || saves.pending() || !draft.ready.get()) problems=problems status=status />
        </form>
    }
}
