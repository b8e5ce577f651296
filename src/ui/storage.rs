//! The app's store as a typed context. It is opened once before the app mounts; if it could not
//! be opened the app still runs (the crisis screen must always work) and every form says why
//! nothing is being kept.

use crate::store::{Loaded, StoreError};
use leptos::prelude::*;
use std::future::Future;
use std::rc::Rc;

pub type AppStore = crate::store::indexed_db::IdbStore;

pub async fn open_store() -> Result<AppStore, StoreError> {
    AppStore::open().await
}

/// Cheap to copy; read it with [`use_storage`].
#[derive(Clone, Copy)]
pub struct AppStorage(StoredValue<Result<Rc<AppStore>, StoreError>, LocalStorage>);

impl AppStorage {
    pub fn store(&self) -> Result<Rc<AppStore>, StoreError> {
        self.0.try_get_value().unwrap_or_else(|| Err(StoreError::Other("the app is closing".into())))
    }
}

pub fn provide_storage(opened: Result<AppStore, StoreError>) {
    provide_context(AppStorage(StoredValue::new_local(opened.map(Rc::new))));
}

pub fn use_storage() -> AppStorage {
    expect_context::<AppStorage>()
}

/// Documents of a type, decoded; what could not be read is counted, never dropped from storage.
#[derive(Clone, Debug, Default)]
pub struct DocList<D> {
    pub docs: Vec<D>,
    pub unreadable: usize,
    /// Only the newest documents so far (`load_newest_first_into`); the whole list follows.
    pub partial: bool,
}

/// A read from the store, for views: still loading, loaded, or failed (with a message to show).
#[derive(Clone, Debug, PartialEq)]
pub enum Loading<T> {
    Pending,
    Ready(T),
    Failed(String),
}

/// Reads every document of `D`'s type into `target`, and again after sync brings new ones. Plain
/// `spawn_local` into a signal: a `LocalResource` with `Suspense` costs about 20 KB of brotli'd
/// wasm for the same thing here.
pub fn load_docs_into<D>(storage: AppStorage, target: RwSignal<Loading<DocList<D>>>)
where
    D: crate::domain::doc::Document + Send + Sync + 'static,
{
    load_docs_then::<D>(storage, into(target));
}

/// What a loader does with its result: shows it in `target`.
fn into<D: Send + Sync + 'static>(target: RwSignal<Loading<DocList<D>>>) -> impl Fn(Result<DocList<D>, StoreError>) + Copy + 'static {
    move |loaded| {
        target.try_set(match loaded {
            Ok(list) => Loading::Ready(list),
            Err(e) => Loading::Failed(e.user_message()),
        });
    }
}

/// [`load_docs_into`], with the first read only once `gate` is open: IndexedDB answers one
/// request after another, so a screen's first view is read before the lists it can draw later.
pub fn load_docs_into_after<D>(storage: AppStorage, target: RwSignal<Loading<DocList<D>>>, gate: Gate)
where
    D: crate::domain::doc::Document + Send + Sync + 'static,
{
    load_docs_after::<D>(storage, gate.wait(), into(target));
}

/// Opened once; every future from [`Gate::wait`] then finishes.
#[derive(Clone, Default)]
pub struct Gate(Rc<(std::cell::Cell<bool>, std::cell::RefCell<Vec<std::task::Waker>>)>);

impl Gate {
    pub fn open(&self) {
        self.0 .0.set(true);
        for w in self.0 .1.take() {
            w.wake();
        }
    }

    pub fn wait(&self) -> impl std::future::Future<Output = ()> + 'static {
        let gate = self.clone();
        std::future::poll_fn(move |cx| {
            if gate.0 .0.get() {
                std::task::Poll::Ready(())
            } else {
                gate.0 .1.borrow_mut().push(cx.waker().clone());
                std::task::Poll::Pending
            }
        })
    }
}

/// Reads every document of `D`'s type and hands the result to `loaded`, now and again whenever
/// sync brings documents from the server (or a conflict is settled): see `SyncContext::arrivals`.
/// `loaded` runs after an await, so it must only use `try_` writes.
pub fn load_docs_then<D>(storage: AppStorage, loaded: impl Fn(Result<DocList<D>, StoreError>) + Copy + 'static)
where
    D: crate::domain::doc::Document + 'static,
{
    load_docs_after(storage, async {}, loaded);
}

/// [`load_docs_then`], with the first read only once `before` is done.
fn load_docs_after<D>(storage: AppStorage, before: impl Future<Output = ()> + 'static, loaded: impl Fn(Result<DocList<D>, StoreError>) + Copy + 'static)
where
    D: crate::domain::doc::Document + 'static,
{
    load_raw_after(storage, D::TYPE, Box::pin(before), Rc::new(move |raw: Result<Loaded, StoreError>| loaded(raw.map(decoded::<D>))));
}

/// A future made once and awaited once, boxed so the code around it is compiled once rather than
/// once per document type: 12 KB less wasm to compile on the phone. (The download barely
/// changes: brotli finds the copies.)
type Boxed<T> = std::pin::Pin<Box<dyn Future<Output = T>>>;

/// The part of [`load_docs_after`] that does not depend on the document type: reads `doc_type`'s
/// raw documents once `before` is done, hands them to `loaded`, and again after each sync arrival.
fn load_raw_after(storage: AppStorage, doc_type: &'static str, before: Boxed<()>, loaded: Rc<dyn Fn(Result<Loaded, StoreError>)>) {
    let again = loaded.clone();
    let load = move || {
        let loaded = again.clone();
        leptos::task::spawn_local(async move { loaded(read_type(storage, doc_type).await) })
    };
    leptos::task::spawn_local(async move {
        before.await;
        loaded(read_type(storage, doc_type).await);
    });
    if let Some(sync) = use_context::<super::sync::SyncContext>() {
        // A render effect, not an `Effect`: this is the app's only use for one, and `Effect`'s
        // machinery costs more wasm. Its first run (at once) only starts tracking; it lives as
        // long as the screen that asked (dropping it stops it).
        let arrivals = sync.arrivals;
        let reload = RenderEffect::new(move |first: Option<()>| {
            arrivals.track();
            if first.is_some() {
                load();
            }
        });
        on_cleanup(move || drop(reload));
    }
}

/// Every stored document of one type, raw.
fn read_type(storage: AppStorage, doc_type: &'static str) -> Boxed<Result<Loaded, StoreError>> {
    Box::pin(async move { crate::store::Store::docs_of_type(&*storage.store()?, doc_type).await })
}

/// The newest `window` stored documents of one type whose ids start with `prefix`, raw.
fn read_newest(storage: AppStorage, doc_type: &'static str, prefix: &'static str, window: usize) -> Boxed<Result<Loaded, StoreError>> {
    Box::pin(async move { crate::store::Store::newest_of_type(&*storage.store()?, doc_type, prefix, window).await })
}

/// Raw documents decoded as `D`; what could not be read is counted.
fn decoded<D: crate::domain::doc::Document>(Loaded { docs, unreadable }: Loaded) -> DocList<D> {
    let (docs, bad) = crate::domain::doc::decode_all::<D>(&docs);
    DocList { docs, unreadable: unreadable.len() + bad.len(), partial: false }
}

/// [`load_docs_into`], but first the newest `window` documents (ids starting with `prefix`, which
/// begin with their creation time), so a long list's first screen shows before the whole list is
/// read; the whole list is read after them. `read` is opened once the newest are shown (or could
/// not be read), for other lists to wait on.
pub fn load_newest_first_into<D>(storage: AppStorage, target: RwSignal<Loading<DocList<D>>>, prefix: &'static str, window: usize, read: Gate)
where
    D: crate::domain::doc::Document + Send + Sync + 'static,
{
    let newest = async move {
        if let Ok(raw) = read_newest(storage, D::TYPE, prefix, window).await {
            let newest = DocList { partial: true, ..decoded::<D>(raw) };
            // Only while nothing fuller is shown (sync may have brought the whole list meanwhile).
            target.try_update(|t| {
                if matches!(t, Loading::Pending) {
                    *t = Loading::Ready(newest);
                }
            });
        }
        read.open();
    };
    load_docs_after::<D>(storage, newest, into(target));
}

pub async fn load_docs<D: crate::domain::doc::Document>(storage: AppStorage) -> Result<DocList<D>, StoreError> {
    read_type(storage, D::TYPE).await.map(decoded::<D>)
}

/// Writes documents, with any other ops (a draft to clear) in the same batch, and returns them
/// with the revisions the store gave them; sync is told so they are pushed at once.
/// Call it where the screen's context is at hand (an event handler), then await the future:
/// the sync context is looked up at the call, not inside the task.
pub fn save_docs<D: crate::domain::doc::Document>(storage: AppStorage, mut docs: Vec<D>, also: Vec<crate::store::Op>) -> impl std::future::Future<Output = Result<Vec<D>, String>> {
    let sync = use_context::<super::sync::SyncContext>();
    async move {
        let store = storage.store().map_err(|e| e.user_message())?;
        let mut ops: Vec<crate::store::Op> = docs.iter().map(|d| crate::store::Op::PutDoc(crate::domain::doc::encode(d))).collect();
        ops.extend(also);
        let applied = crate::store::Store::apply(&*store, ops).await.map_err(|e| e.user_message())?;
        for d in &mut docs {
            let rev = applied.rev_of(&d.header().id).map(str::to_owned);
            d.header_mut().rev = rev;
        }
        if let Some(sync) = sync {
            sync.changed();
        }
        Ok(docs)
    }
}

/// Documents of two types and any other ops in one batch, so they land together or not at all,
/// each given back with the revision the store made for it (a later edit is made from that one).
pub async fn apply_docs<S, A, B>(store: &S, mut a: Vec<A>, mut b: Vec<B>, also: Vec<crate::store::Op>) -> Result<(Vec<A>, Vec<B>), StoreError>
where
    S: crate::store::Store,
    A: crate::domain::doc::Document,
    B: crate::domain::doc::Document,
{
    use crate::domain::doc::encode;
    use crate::store::Op;
    let mut ops: Vec<Op> = a.iter().map(|d| Op::PutDoc(encode(d))).chain(b.iter().map(|d| Op::PutDoc(encode(d)))).collect();
    ops.extend(also);
    let applied = store.apply(ops).await?;
    for h in a.iter_mut().map(|d| d.header_mut()).chain(b.iter_mut().map(|d| d.header_mut())) {
        h.rev = applied.rev_of(&h.id).map(str::to_owned);
    }
    Ok((a, b))
}

/// Puts saved documents into a loaded list, replacing older versions of the same ids.
pub fn upsert<D>(list: RwSignal<Loading<DocList<D>>>, saved: &[D])
where
    D: crate::domain::doc::Document + Clone + Send + Sync + 'static,
{
    list.try_update(|l| {
        if let Loading::Ready(l) = l {
            l.docs.retain(|d| !saved.iter().any(|s| s.header().id == d.header().id));
            l.docs.extend(saved.iter().cloned());
        }
    });
}

/// Deletes documents on this device (tombstones, which sync), then from the shown list; what went
/// wrong goes to `problem`. Call it where the screen's context is at hand (an event handler).
pub fn delete_docs<D>(list: RwSignal<Loading<DocList<D>>>, ids: Vec<String>, problem: RwSignal<Option<String>>)
where
    D: crate::domain::doc::Document + Clone + Send + Sync + 'static,
{
    let storage = use_storage();
    let sync = use_context::<super::sync::SyncContext>();
    leptos::task::spawn_local(async move {
        let result = match storage.store() {
            Ok(store) => crate::store::Store::apply(&*store, ids.iter().cloned().map(crate::store::Op::DeleteDoc).collect()).await.map_err(|e| e.user_message()),
            Err(e) => Err(e.user_message()),
        };
        match result {
            Ok(_) => {
                list.try_update(|l| {
                    if let Loading::Ready(l) = l {
                        l.docs.retain(|d| !ids.contains(&d.header().id));
                    }
                });
                if let Some(sync) = sync {
                    sync.changed();
                }
            }
            Err(m) => {
                problem.try_set(Some(m));
            }
        }
    });
}

/// The loaded documents (empty while loading or after a failure).
pub fn loaded<D: Clone + Send + Sync + 'static>(list: RwSignal<Loading<DocList<D>>>) -> Vec<D> {
    list.with(|l| if let Loading::Ready(l) = l { l.docs.clone() } else { Vec::new() })
}
