//! Today's check-in: how I feel, a win, a challenge. Kept as a draft on every keystroke;
//! "Save check-in" makes (or updates) today's check-in.

use super::save_status::{status_of, FormFooter, FormProblems, Saves};
use crate::domain::checkin::{save_checkin, CheckIn, CheckInDraft, CheckInProblem};
use crate::domain::doc::{encode, Audience};
use crate::domain::draft_keys;
use crate::domain::mood::MoodEntry;
use crate::domain::time::{hhmm_at, LocalDay};
use crate::store::{Op, Store};
use crate::ui::draft::use_draft_then;
use crate::ui::platform;
use crate::ui::storage::{load_docs, use_storage};
use leptos::prelude::*;

/// The field where a problem is fixed.
fn field_of(p: &CheckInProblem) -> Option<String> {
    let id = match p {
        CheckInProblem::Empty => "checkin-feel",
        CheckInProblem::TooLong(t) => match t.field {
            "A win" => "checkin-win",
            "A challenge" => "checkin-challenge",
            _ => "checkin-feel",
        },
        CheckInProblem::NotToday { .. } => return None,
    };
    Some(id.to_owned())
}

#[component]
pub fn CheckInForm(
    /// Today's check-in if one is saved.
    saved: Option<CheckIn>,
    /// The person's today.
    today: LocalDay,
    /// Called after saving.
    on_saved: Callback<CheckIn>,
    /// Today's check-in as the store has it now (sync may bring a newer version from another device).
    latest: Memo<Option<CheckIn>>,
) -> impl IntoView {
    let storage = use_storage();
    let saved = RwSignal::new(saved);
    // Once the draft is restored: with no draft, show what is saved for today. Then mark the
    // screen ready (read by the cold-start benchmark).
    let draft = use_draft_then::<CheckInDraft>(
        draft_keys::CHECKIN,
        Box::new(move |draft| {
            if draft.value.try_with_untracked(CheckInDraft::is_blank) == Some(true) {
                if let Some(c) = saved.try_get_untracked().flatten().filter(|c| c.day == today) {
                    draft.replace(CheckInDraft::from_saved(&c));
                }
            }
            platform::mark("tandem:today-ready");
        }),
    );
    let problems = FormProblems::new();
    // A newer version from another device shows at once if nothing was typed over the one shown;
    // otherwise the words typed stay, and saving them merges with the newer version (field by field,
    // from the revision they were typed over), so neither edit is lost.
    let follow = RenderEffect::new(move |first: Option<()>| {
        let newer = latest.get();
        if first.is_none() {
            return;
        }
        let shown = saved.get_untracked();
        if newer.is_none() || newer == shown {
            return;
        }
        let untouched = draft.value.with_untracked(|d| d.is_blank() || shown.as_ref().is_some_and(|c| d.matches(c)));
        if untouched && draft.ready.get_untracked() {
            saved.set(newer.clone());
            if let Some(c) = newer.filter(|c| c.day == today) {
                draft.replace(CheckInDraft::from_saved(&c));
            }
        }
    });
    on_cleanup(move || drop(follow));

    let saves = Saves::new();
    let save = move |submitted: CheckInDraft| {
        saves.run(async move {
            let result = async {
                let now = platform::now();
                let store = storage.store().map_err(|e| e.user_message())?;
                let moods = load_docs::<MoodEntry>(storage).await.map(|l| l.docs).unwrap_or_default();
                let mood_today = moods.iter().filter(|m| m.day == now.local_day()).max_by_key(|m| m.header.created_at).map(|m| m.score);
                let existing = saved.try_get_untracked().flatten().filter(|c| c.day == now.local_day());
                let mut checkin = match save_checkin(existing.as_ref(), &submitted, mood_today, now) {
                    Ok(c) => c,
                    Err(ps) => {
                        problems.refuse(&ps, field_of);
                        return Ok(None);
                    }
                };
                let applied = store.apply(vec![Op::PutDoc(encode(&checkin)), draft.delete_op()]).await.map_err(|e| e.user_message())?;
                // The next edit today is made from this revision, not the one before it.
                checkin.header.rev = applied.rev_of(&checkin.header.id).map(str::to_owned);
                Ok::<_, String>(Some(checkin))
            }
            .await;
            match result {
                Ok(Some(checkin)) => {
                    problems.clear();
                    saved.set(Some(checkin.clone()));
                    // The indicator's time comes from the saved check-in (`saved_at`), so none is passed.
                    draft.after_save(&submitted, false, String::new());
                    // try_run: the screen may have closed while saving (run would panic).
                    on_saved.try_run(checkin);
                }
                Ok(None) => {}
                Err(m) => problems.failed(m),
            }
        })
    };

    // Worked out once per save, not per keystroke.
    let saved_time = Memo::new(move |_| saved.with(|s| s.as_ref().map(|c| hhmm_at(c.header.updated_at, platform::now().utc_offset_minutes))));
    let saved_at = move || saved.with(|s| s.as_ref().filter(|c| draft.value.with(|d| d.matches(c))).and_then(|_| saved_time.get()));
    // A memo, so a keystroke that leaves the status as it was touches nothing on screen.
    let status = Memo::new(move |_| status_of(draft.write.get(), draft.value.with(CheckInDraft::is_blank), saved_at()));
    let leftover = Memo::new(move |_| draft.value.with(|d| d.started_before(today)));
    let field = move |id: &'static str, label: &'static str, hint: &'static str, get: fn(&CheckInDraft) -> &String, set: fn(&mut CheckInDraft, String)| {
        view! {
            <div class="field">
                <label for=id>{label}</label>
                <p class="hint" id=format!("{id}-hint")>{hint}</p>
                <textarea id=id rows="2" aria-invalid=problems.invalid(id) aria-describedby=problems.described(id, Some(format!("{id}-hint")))
                    prop:value=draft.text(get)
                    prop:disabled=move || !draft.ready.get()
                    on:input=move |ev| {
                        let v = event_target_value(&ev);
                        draft.edit(ev.time_stamp(), |d| {
                            d.day.get_or_insert(today);
                            set(d, v)
                        })
                    } />
            </div>
        }
    };

    view! {
        <form class="checkin-form" aria-labelledby="checkin-title" on:submit=move |ev| {
            ev.prevent_default();
            save(draft.value.get_untracked());
        }>
            <h2 id="checkin-title">"Daily check-in"</h2>
            {move || leftover.get().map(|day| view! {
                <p class="notice">{format!("You started this on {} and didn't save it. Saving now makes it today's check-in.", day.short_label())}</p>
            })}
            {field("checkin-feel", "How I feel", "A few words are enough.", |d| &d.how_i_feel, |d, v| d.how_i_feel = v)}
            {field("checkin-win", "A win", "Anything that went okay, however small.", |d| &d.win, |d, v| d.win = v)}
            {field("checkin-challenge", "A challenge", "Something that was hard today.", |d| &d.challenge, |d, v| d.challenge = v)}
            <p class="audience">"Who sees this: " <strong>{Audience::Private.label()}</strong></p>
            <FormFooter label="Save check-in" busy=Signal::derive(move || saves.pending() || !draft.ready.get()) problems=problems status=status />
        </form>
    }
}
