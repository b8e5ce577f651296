//! Drafts: every edit to a form is written to IndexedDB at once, so closing the tab, killing the
//! browser or losing power a moment later loses nothing. Shaped like a leptos-use hook.

use super::platform;
use super::storage::{use_storage, AppStorage};
use crate::store::{Op, Store};
use leptos::prelude::*;
use leptos::task::spawn_local;
use crate::domain::doc::JsonValue;

/// What the save indicator says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WriteState {
    /// Nothing written since the form opened.
    Idle,
    /// The latest edit is durable on this device.
    Kept,
    /// Saved as an item, at this local time.
    Saved(String),
    /// The latest edit could not be kept; the words are still on screen.
    Failed(String),
}

pub struct UseDraftReturn<T: Send + Sync + 'static> {
    /// The form's state.
    pub value: RwSignal<T>,
    /// False until any kept draft has been restored: forms stay disabled so typing cannot race it.
    pub ready: RwSignal<bool>,
    pub write: RwSignal<WriteState>,
    /// Fires when the whole value is replaced (restored, prefilled, cleared) rather than typed.
    /// Text fields bind their DOM value to this, not to every edit: writing a textarea's value back
    /// on each keystroke costs a relayout and shows in the keystroke benchmark.
    pub replaced: Trigger,
    key: &'static str,
    storage: AppStorage,
    /// Told after each save, so it is pushed at once.
    sync: Option<super::sync::SyncContext>,
}

impl<T: Send + Sync + 'static> Clone for UseDraftReturn<T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T: Send + Sync + 'static> Copy for UseDraftReturn<T> {}

/// The draft kept under `key`, restored when the form opens.
pub fn use_draft<T>(key: &'static str) -> UseDraftReturn<T>
where
    T: JsonValue + Default + Clone + Send + Sync + 'static,
{
    use_draft_then(key, Box::new(|_| {}))
}

/// [`use_draft`], then `restored` runs once the form is ready (any kept draft restored), if the
/// form is still open. A callback rather than an `Effect` on `ready`: this is the app's only
/// use for one, and `Effect`'s machinery costs more wasm than the boxed call.
pub fn use_draft_then<T>(key: &'static str, restored: Box<dyn FnOnce(UseDraftReturn<T>)>) -> UseDraftReturn<T>
where
    T: JsonValue + Default + Clone + Send + Sync + 'static,
{
    let storage = use_storage();
    let draft = UseDraftReturn { value: RwSignal::new(T::default()), ready: RwSignal::new(false), write: RwSignal::new(WriteState::Idle), replaced: Trigger::new(), key, storage, sync: use_context() };
    let restore = Box::new(move |raw| T::from_json(raw).map(|value| draft.replace(value)));
    spawn_local(async move {
        if let Err(message) = restore_kept(storage, key, restore).await {
            draft.write.set(WriteState::Failed(message));
        }
        draft.ready.set(true);
        if draft.ready.try_get_untracked().is_some() {
            restored(draft);
        }
    });
    draft
}

/// The part of restoring that does not depend on the form's type (compiled once, not per form):
/// hands the draft kept under `key`, if any, to `restore`. A draft `restore` cannot read is kept
/// aside before the next keystroke replaces it. The error is what to tell the person.
fn restore_kept(storage: AppStorage, key: &'static str, restore: Box<dyn FnOnce(serde_json::Value) -> Result<(), String>>) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<(), String>>>> {
    Box::pin(async move {
        let store = storage.store().map_err(|e| e.user_message())?;
        let Some(raw) = store.get_draft(key).await.map_err(|e| e.user_message())? else { return Ok(()) };
        if let Err(e) = restore(raw.clone()) {
            let aside = Op::PutMeta { key: format!("unreadable-draft:{key}"), value: raw };
            let _ = store.apply(vec![aside]).await;
            return Err(format!("An earlier draft could not be read ({e}). It was set aside, not deleted."));
        }
        Ok(())
    })
}

impl<T: Send + Sync + 'static> UseDraftReturn<T> {
    /// Replaces the whole form (not an edit by the person): the fields show the new value.
    pub fn replace(&self, value: T) {
        self.value.set(value);
        self.replaced.notify();
    }

    /// A text field's DOM value: re-read only when the draft is replaced, never while typing.
    pub fn text(&self, field: fn(&T) -> &String) -> impl Fn() -> String + Copy + 'static {
        let (value, replaced) = (self.value, self.replaced);
        move || {
            replaced.track();
            value.try_with_untracked(|v| field(v).clone()).unwrap_or_default()
        }
    }
}

impl<T> UseDraftReturn<T>
where
    T: JsonValue + Clone + Send + Sync + 'static,
{
    /// Applies an edit made by an input event and keeps the result on the device.
    /// `event_time` is the event's `timeStamp`, for the keystroke-to-durable benchmark.
    pub fn edit(&self, event_time: f64, change: impl FnOnce(&mut T)) {
        self.value.update(change);
        self.keep(Some(event_time));
    }

    /// After a save whose batch also deleted this draft. If the form still shows what was saved, it
    /// is marked saved (and emptied when `clear`); if the person typed while it was saving, those
    /// words are kept as the draft again.
    pub fn after_save(&self, submitted: &T, clear: bool, saved_at: String)
    where
        T: PartialEq + Default,
    {
        if let Some(sync) = self.sync {
            sync.changed();
        }
        if self.value.try_with_untracked(|v| v == submitted) == Some(true) {
            if clear {
                self.replace(T::default());
            }
            self.write.set(WriteState::Saved(saved_at));
        } else {
            self.keep(None);
        }
    }

    /// Writes the current value; `event_time` (an input event's timeStamp) is measured when given.
    fn keep(&self, event_time: Option<f64>) {
        let Some(json) = self.value.try_with_untracked(|v| v.to_json()) else { return };
        keep_json(self.key, json, self.write, self.storage, event_time);
    }

    /// The op that clears this draft; put it in the same batch as the save.
    pub fn delete_op(&self) -> Op {
        Op::DeleteDraft(self.key.to_owned())
    }
}

/// Writes a draft's JSON and tells the indicator; not generic, so compiled once for every form.
fn keep_json(key: &'static str, json: serde_json::Value, write: RwSignal<WriteState>, storage: AppStorage, event_time: Option<f64>) {
    spawn_local(async move {
        let result = match storage.store() {
            Ok(store) => store.put_draft(key, &json).await,
            Err(e) => Err(e),
        };
        match result {
            Ok(()) => {
                if let Some(start) = event_time {
                    platform::measure_since("tandem:draft-durable", start);
                }
                // Only notify when the state changes: most keystrokes find it already `Kept`.
                write.maybe_update(|w| {
                    let changed = *w != WriteState::Kept;
                    *w = WriteState::Kept;
                    changed
                });
            }
            Err(e) => write.set(WriteState::Failed(e.user_message())),
        }
    });
}
