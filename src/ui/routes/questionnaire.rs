//! The partner questionnaire: what I'm working on, what gets in the way, my program track, how and
//! how often I like to talk, when I'm free, my languages and hard preferences. Its audience is the
//! facilitator only: it syncs to my care database, never to a partner's.

use crate::domain::doc::Audience;
use crate::domain::questionnaire::{
    save_questionnaire, Channel, Frequency, OwnWords, PartOfDay, Questionnaire, QuestionnaireDraft, QuestionnaireProblem, Slot, Tone, Track,
};
use crate::domain::time::hhmm_at;
use crate::ui::app::link;
use crate::ui::components::chip::Chip;
use crate::ui::components::save_status::{status_of, FormFooter, FormProblems, Saves};
use crate::ui::draft::{use_draft_then, UseDraftReturn};
use crate::ui::platform;
use crate::ui::storage::{load_docs, save_docs, use_storage};
use leptos::prelude::*;

const DAYS: [&str; 7] = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];

/// The part of the form where a problem is fixed (a group, or the field to type in).
fn field_of(p: &QuestionnaireProblem) -> Option<String> {
    let id = match p {
        QuestionnaireProblem::NoTrack => "q-track",
        QuestionnaireProblem::NoChannel => "q-channels",
        QuestionnaireProblem::NoFrequency => "q-frequency",
        QuestionnaireProblem::NoLanguage => "language-own",
        QuestionnaireProblem::NoAvailability => "q-availability",
        QuestionnaireProblem::TooLong(t) => own_field(t.field),
        QuestionnaireProblem::TooMany { field, .. } => own_field(field),
    };
    Some(id.to_owned())
}

/// The field behind a name in the domain's messages.
fn own_field(name: &str) -> &'static str {
    match name {
        "A focus area" => "focus-own",
        "A challenge" => "challenge-own",
        "A language" => "language-own",
        "Gender" => "q-gender",
        _ => "q-notes",
    }
}

#[component]
pub fn QuestionnairePage() -> impl IntoView {
    platform::set_title("Partner questionnaire");
    let storage = use_storage();
    let saved = RwSignal::new(None::<Questionnaire>);
    let problems = FormProblems::new();
    let own_problem = RwSignal::new(None::<String>);
    let draft = use_draft_then::<QuestionnaireDraft>(
        "questionnaire",
        Box::new(move |draft| {
            leptos::task::spawn_local(async move {
                let stored = load_docs::<Questionnaire>(storage).await.ok().and_then(|l| l.docs.into_iter().next());
                if draft.value.try_with_untracked(|d| *d == QuestionnaireDraft::default()) == Some(true) {
                    if let Some(q) = &stored {
                        draft.replace(QuestionnaireDraft::from_saved(q));
                    }
                }
                saved.try_set(stored);
            });
        }),
    );
    let saves = Saves::new();
    let save = move |submitted: QuestionnaireDraft| {
        let now = platform::now();
        let doc = match save_questionnaire(saved.get_untracked().as_ref(), &submitted, now) {
            Ok(d) => d,
            Err(ps) => {
                // The problems are listed at the end; the person is taken to the first one to fix.
                problems.refuse(&ps, field_of);
                return;
            }
        };
        let write = save_docs(storage, vec![doc], vec![draft.delete_op()]);
        saves.run(async move {
            match write.await {
                Ok(mut docs) => {
                    problems.clear();
                    let at = docs.first().map(|q| hhmm_at(q.header.updated_at, now.utc_offset_minutes)).unwrap_or_default();
                    saved.set(docs.pop());
                    draft.after_save(&submitted, false, at);
                }
                Err(m) => problems.failed(m),
            }
        })
    };
    let add = move |t: f64, field: OwnWords| {
        let mut next = draft.value.get_untracked();
        match next.add_own(field, platform::lowercase) {
            Ok(_) => {
                own_problem.set(None);
                draft.edit(t, |d| *d = next);
                draft.replaced.notify();
            }
            Err(p) => own_problem.set(Some(p.to_string())),
        }
    };
    let status = Memo::new(move |_| {
        let same = saved.with(|s| s.as_ref().is_some_and(|q| QuestionnaireDraft::from_saved(q) == draft.value.get()));
        let at = saved.with(|s| s.as_ref().map(|q| hhmm_at(q.header.updated_at, platform::now().utc_offset_minutes)));
        status_of(draft.write.get(), draft.value.with(|d| *d == QuestionnaireDraft::default()), if same { at } else { None })
    });

    view! {
        <div class="page questionnaire">
            <h1>"Partner questionnaire"</h1>
            <p>"Your facilitator uses this to pair you with someone who fits. Only your facilitator sees your answers — not your partner, not your group."</p>
            <form class="card" on:submit=move |ev| {
                ev.prevent_default();
                save(draft.value.get_untracked());
            }>
                {chips_with_own(draft, problems, "What I'm working on", "focus-own", "Add your own focus area", "Add focus area", OwnWords::FocusArea,
                    |d| d.offered_focus_areas(), |d, v| d.focus_areas.iter().any(|x| x == v), |d, v| d.toggle_focus_area(v), |d| &d.focus_input, |d, v| d.focus_input = v, add)}
                {chips_with_own(draft, problems, "What gets in the way", "challenge-own", "Add your own challenge", "Add challenge", OwnWords::Challenge,
                    |d| d.offered_challenges(), |d, v| d.challenges.iter().any(|x| x == v), |d, v| d.toggle_challenge(v), |d| &d.challenge_input, |d, v| d.challenge_input = v, add)}
                <fieldset class="field audience-choice" id="q-track" tabindex="-1" aria-describedby=problems.described("q-track", None)>
                    <legend>"My program track"</legend>
                    {Track::ALL.into_iter().map(|t| view! {
                        <label class="radio">
                            <input type="radio" name="q-track" prop:checked=move || draft.value.with(|d| d.track == Some(t))
                                on:change=move |ev| draft.edit(ev.time_stamp(), |d| d.track = Some(t)) />
                            <span>{t.label()}</span>
                        </label>
                    }).collect_view()}
                </fieldset>
                <fieldset class="field chips" id="q-channels" tabindex="-1" aria-describedby=problems.described("q-channels", None)>
                    <legend>"Ways I like to talk"</legend>
                    {Channel::ALL.into_iter().map(|c| view! {
                        <Chip label=c.label() checked=Signal::derive(move || draft.value.with(|d| d.channels.contains(&c)))
                            on_toggle=move |t| draft.edit(t, |d| d.toggle_channel(c)) />
                    }).collect_view()}
                </fieldset>
                <fieldset class="field audience-choice">
                    <legend>"How I like to be spoken to"</legend>
                    {Tone::ALL.into_iter().map(Some).chain([None]).map(|tone| view! {
                        <label class="radio">
                            <input type="radio" name="q-tone" prop:checked=move || draft.value.with(|d| d.tone == tone)
                                on:change=move |ev| draft.edit(ev.time_stamp(), |d| d.tone = tone) />
                            <span>{tone.map_or("No preference", Tone::label)}</span>
                        </label>
                    }).collect_view()}
                </fieldset>
                <fieldset class="field audience-choice" id="q-frequency" tabindex="-1" aria-describedby=problems.described("q-frequency", None)>
                    <legend>"How often I'd like to check in"</legend>
                    {Frequency::ALL.into_iter().map(|f| view! {
                        <label class="radio">
                            <input type="radio" name="q-frequency" prop:checked=move || draft.value.with(|d| d.frequency == Some(f))
                                on:change=move |ev| draft.edit(ev.time_stamp(), |d| d.frequency = Some(f)) />
                            <span>{f.label()}</span>
                        </label>
                    }).collect_view()}
                </fieldset>
                <fieldset class="field availability" id="q-availability" tabindex="-1" aria-describedby=problems.described("q-availability", None)>
                    <legend>"When I'm usually free (my own time)"</legend>
                    {DAYS.iter().enumerate().map(|(i, day)| view! {
                        <fieldset class="chips">
                            <legend>{*day}</legend>
                            {PartOfDay::ALL.into_iter().filter_map(|part| Slot::new(i as u8, part)).map(|slot| view! {
                                <Chip label=slot.label() checked=Signal::derive(move || draft.value.with(|d| d.availability.contains(&slot)))
                                    on_toggle=move |t| draft.edit(t, |d| d.toggle_slot(slot)) />
                            }).collect_view()}
                        </fieldset>
                    }).collect_view()}
                </fieldset>
                {chips_with_own(draft, problems, "Languages I can talk in", "language-own", "Add a language", "Add language", OwnWords::Language,
                    |d| d.languages.clone(), |d, v| d.languages.iter().any(|x| x == v), |d, v| d.toggle_language(v), |d| &d.language_input, |d, v| d.language_input = v, add)}
                {move || own_problem.get().map(|p| view! { <p class="field-problem" role="alert">{p}</p> })}
                <div class="field">
                    <label for="q-gender">"My gender (optional)"</label>
                    <input id="q-gender" type="text" autocomplete="off" aria-invalid=problems.invalid("q-gender") aria-describedby=problems.described("q-gender", None) prop:value=draft.text(|d| &d.gender)
                        on:input=move |ev| { let v = event_target_value(&ev); draft.edit(ev.time_stamp(), |d| d.gender = v) } />
                </div>
                <label class="radio">
                    <input type="checkbox" prop:checked=move || draft.value.with(|d| d.same_gender_only)
                        on:change=move |ev| draft.edit(ev.time_stamp(), |d| d.same_gender_only = !d.same_gender_only) />
                    <span>"Only a partner of the same gender"</span>
                </label>
                <div class="field">
                    <label for="q-notes">"Anything else for your facilitator"</label>
                    <textarea id="q-notes" rows="3" aria-invalid=problems.invalid("q-notes") aria-describedby=problems.described("q-notes", None) prop:value=draft.text(|d| &d.notes)
                        on:input=move |ev| { let v = event_target_value(&ev); draft.edit(ev.time_stamp(), |d| d.notes = v) } />
                </div>
                <p class="audience">"Who sees this: " <strong>{Audience::Facilitator.label()}</strong></p>
                <FormFooter label="Save questionnaire" busy=Signal::derive(move || saves.pending() || !draft.ready.get()) problems=problems status=status />
            </form>
            <p class="link-line">{link("/partner", None, "Back to Partner")}</p>
        </div>
    }
}

/// A set of chips with an "add your own" field under it.
#[allow(clippy::too_many_arguments)]
fn chips_with_own(
    draft: UseDraftReturn<QuestionnaireDraft>,
    problems: FormProblems,
    legend: &'static str,
    input_id: &'static str,
    input_label: &'static str,
    button: &'static str,
    field: OwnWords,
    offered: fn(&QuestionnaireDraft) -> Vec<String>,
    chosen: fn(&QuestionnaireDraft, &str) -> bool,
    toggle: fn(&mut QuestionnaireDraft, &str),
    get: fn(&QuestionnaireDraft) -> &String,
    set: fn(&mut QuestionnaireDraft, String),
    add: impl Fn(f64, OwnWords) + Copy + 'static,
) -> impl IntoView {
    view! {
        <fieldset class="field chips">
            <legend>{legend}</legend>
            {move || draft.value.with(offered).into_iter().map(|item| {
                let (a, b) = (item.clone(), item.clone());
                view! {
                    <Chip label=item checked=Signal::derive(move || draft.value.with(|d| chosen(d, &a))) on_toggle=move |t| draft.edit(t, |d| toggle(d, &b)) />
                }
            }).collect_view()}
            <div class="add-tag">
                <label for=input_id>{input_label}</label>
                <div class="add-tag__row">
                    <input id=input_id type="text" autocomplete="off" enterkeyhint="done" prop:value=draft.text(get)
                        aria-invalid=problems.invalid(input_id) aria-describedby=problems.described(input_id, None)
                        on:input=move |ev| { let v = event_target_value(&ev); draft.edit(ev.time_stamp(), |d| set(d, v)) }
                        on:keydown=move |ev| if ev.key() == "Enter" { ev.prevent_default(); add(ev.time_stamp(), field) } />
                    <button type="button" class="secondary" on:click=move |ev| add(ev.time_stamp(), field)>{button}</button>
                </div>
            </div>
        </fieldset>
    }
}
