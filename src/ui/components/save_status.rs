//! The saved / not-yet-saved indicator every form shows.

use crate::ui::draft::WriteState;
use leptos::prelude::*;
use std::future::Future;

/// A form's saves in flight. Plain `spawn_local` and a counter rather than an `Action`: an
/// `Action` (abort channel, `select!`, owner-scoped futures, input and value signals) cost about
/// 2.8 KB of brotli'd wasm for the two things forms use, "run this save" and "is one running".
#[derive(Clone, Copy)]
pub struct Saves(RwSignal<u32>);

impl Default for Saves {
    fn default() -> Self {
        Self::new()
    }
}

impl Saves {
    pub fn new() -> Self {
        Saves(RwSignal::new(0))
    }

    /// Runs a save in the background. Saves are not queued or cancelled (as with `Action`); the
    /// button is disabled while one runs.
    pub fn run(self, save: impl Future<Output = ()> + 'static) {
        self.0.update(|n| *n += 1);
        leptos::task::spawn_local(async move {
            save.await;
            // A no-op if the form has closed meanwhile.
            self.0.update(|n| *n = n.saturating_sub(1));
        });
    }

    /// Whether a save is running (tracked).
    pub fn pending(self) -> bool {
        self.0.get() > 0
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Status {
    /// Nothing typed.
    Empty,
    /// Typed, kept on the device, not yet saved as an item.
    DraftKept,
    /// Saved as an item at this local time.
    Saved(String),
    /// Could not be kept; the message says what happened and that the words are still on screen.
    Failed(String),
}

impl Status {
    /// A stable word for styling.
    pub fn key(&self) -> &'static str {
        match self {
            Status::Empty => "empty",
            Status::DraftKept => "draft",
            Status::Saved(_) => "saved",
            Status::Failed(_) => "failed",
        }
    }
}

/// `saved_at`: when the form shows exactly what is saved, the time it was saved.
pub fn status_of(write: WriteState, blank: bool, saved_at: Option<String>) -> Status {
    match (write, saved_at) {
        (WriteState::Failed(msg), _) => Status::Failed(msg),
        (_, Some(at)) => Status::Saved(at),
        (WriteState::Saved(at), None) if blank => Status::Saved(at),
        (_, None) if blank => Status::Empty,
        _ => Status::DraftKept,
    }
}

/// Shows a form's [`Status`]: polite when all is well, an alert when something failed.
#[component]
pub fn SaveStatus(
    /// What to show.
    status: Memo<Status>,
) -> impl IntoView {
    let text = move || match status.get() {
        Status::Empty | Status::Failed(_) => String::new(),
        Status::DraftKept => "Not saved yet — draft kept on this device".into(),
        Status::Saved(at) => format!("Saved at {at}"),
    };
    let failure = move || match status.get() {
        Status::Failed(msg) => Some(view! { <p class="save-status save-status--failed" role="alert">{msg}</p> }),
        _ => None,
    };
    view! {
        <p class="save-status" role="status" data-state=move || status.get().key()>
            {text}
        </p>
        {failure}
    }
}

/// A problem that stopped a save, and the id of the field where it is fixed, when one field can fix it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub text: String,
    pub field: Option<String>,
}

/// What stopped a form's last save: listed at the form's end ([`Problems`], announced at once), and
/// each field it names marked ([`FormProblems::invalid`], [`FormProblems::described`]). A refused save
/// takes the person to the first field to fix, so a keyboard or screen-reader user is not left at the
/// button with a list to go and find. The marks stay until the next attempt, as the list does.
#[derive(Clone, Copy)]
pub struct FormProblems(RwSignal<Vec<Problem>>);

impl Default for FormProblems {
    fn default() -> Self {
        Self::new()
    }
}

/// The id of the list item that says what is wrong with the field `field`.
pub fn problem_id(field: &str) -> String {
    format!("{field}-problem")
}

impl FormProblems {
    pub fn new() -> Self {
        FormProblems(RwSignal::new(Vec::new()))
    }

    /// Nothing to fix: a save went through. A no-op once the form has closed.
    pub fn clear(self) {
        self.0.try_set(Vec::new());
    }

    /// A save failed for a reason no field fixes (storage, the server): said at the form's end.
    pub fn failed(self, text: String) {
        self.0.try_set(vec![Problem { text, field: None }]);
    }

    /// The rules refused a save: lists every problem with the field where it is fixed (`field_of`),
    /// and takes the person to the first such field on the next frame, once it is marked, so a
    /// screen reader reads it as invalid and with its problem.
    pub fn refuse<P: ToString>(self, problems: &[P], field_of: impl Fn(&P) -> Option<String>) {
        let list: Vec<Problem> = problems.iter().map(|p| Problem { text: p.to_string(), field: field_of(p) }).collect();
        let first = list.iter().find_map(|p| p.field.clone());
        self.0.try_set(list);
        if let Some(id) = first {
            crate::ui::routes::goals::focus_soon(id);
        }
    }

    /// Whether the last refusal named the field `id` (tracked).
    pub fn names(self, id: &str) -> bool {
        self.0.with(|list| list.iter().any(|p| p.field.as_deref() == Some(id)))
    }

    /// The field's `aria-invalid`: "true" while the last refusal names it.
    pub fn invalid(self, id: impl Into<String>) -> impl Fn() -> Option<&'static str> + Clone + 'static {
        let id = id.into();
        move || self.names(&id).then_some("true")
    }

    /// The field's `aria-describedby`: its hint (an element id), and its problem while it has one.
    pub fn described(self, id: impl Into<String>, hint: Option<String>) -> impl Fn() -> Option<String> + Clone + 'static {
        let id = id.into();
        move || match (self.names(&id), &hint) {
            (true, Some(h)) => Some(format!("{h} {}", problem_id(&id))),
            (true, None) => Some(problem_id(&id)),
            (false, h) => h.clone(),
        }
    }

    /// Whether anything stopped the last save (tracked).
    pub fn any(self) -> bool {
        self.0.with(|list| !list.is_empty())
    }
}

/// A list of problems that stopped a save, announced at once. The first problem of each field has
/// the id the field's `aria-describedby` names.
#[component]
pub fn Problems(
    /// Plain-language problems; nothing is shown when empty.
    problems: FormProblems,
) -> impl IntoView {
    move || {
        let list = problems.0.get();
        (!list.is_empty()).then(|| {
            let mut named: Vec<String> = Vec::new();
            let items = list
                .into_iter()
                .map(|p| {
                    let id = p.field.filter(|f| !named.contains(f)).map(|f| {
                        let id = problem_id(&f);
                        named.push(f);
                        id
                    });
                    view! { <li id=id>{p.text}</li> }
                })
                .collect_view();
            view! {
                // The alert around the list, not on it: a list with role "alert" is no longer a list,
                // and its items are orphaned for screen readers.
                <div role="alert">
                    <ul class="problems">{items}</ul>
                </div>
            }
        })
    }
}

/// The end of every form: what stopped a save, the save button, and the saved / not-yet-saved indicator.
///
/// Props take the signal kinds the forms have (`RwSignal`, `Memo`) rather than `#[prop(into)] Signal<T>`:
/// each `Signal<T>` wrapper type compiles its own reading code, measured 0.7 KB brotli across the app.
#[component]
pub fn FormFooter(
    /// The submit button's words, e.g. "Save mood".
    label: &'static str,
    /// True while saving, or until the draft is restored.
    #[prop(into)]
    busy: Signal<bool>,
    /// Problems from the last attempt to save.
    problems: FormProblems,
    /// The indicator's state.
    status: Memo<Status>,
) -> impl IntoView {
    view! {
        <Problems problems=problems />
        <div class="form-actions">
            <SubmitButton label busy />
            <SaveStatus status=status />
        </div>
    }
}

/// A form's submit button, marked unavailable while `busy`.
///
/// aria-disabled, not disabled: a disabled button loses focus (it falls to the page), so a keyboard
/// or screen-reader user would be thrown to the top after every save. While busy, a press (or Enter
/// in a field, which presses this button) does nothing.
#[component]
pub fn SubmitButton(
    /// The button's words, e.g. "Save mood".
    label: &'static str,
    busy: Signal<bool>,
) -> impl IntoView {
    view! {
        <button type="submit" class="primary" aria-disabled=move || busy.get().then_some("true")
            on:click=move |ev| if busy.get_untracked() { ev.prevent_default() }>{label}</button>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_prefers_failure_then_saved_then_draft() {
        assert_eq!(status_of(WriteState::Failed("x".into()), false, Some("1".into())), Status::Failed("x".into()));
        assert_eq!(status_of(WriteState::Kept, false, Some("09:00".into())), Status::Saved("09:00".into()));
        assert_eq!(status_of(WriteState::Kept, false, None), Status::DraftKept);
        assert_eq!(status_of(WriteState::Idle, false, None), Status::DraftKept, "a restored draft is kept");
        assert_eq!(status_of(WriteState::Kept, true, None), Status::Empty);
        assert_eq!(status_of(WriteState::Saved("10:00".into()), true, None), Status::Saved("10:00".into()));
        assert_eq!(status_of(WriteState::Saved("10:00".into()), false, None), Status::DraftKept);
    }
}
