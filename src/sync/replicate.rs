//! Push and pull between the local store and one database on a server.
//!
//! **Pull**: `_changes?style=all_docs` from the checkpoint, a page at a time → the revisions this
//! replica lacks → `_bulk_get?revs=true` → one store transaction holding the page's revisions
//! *and* the new local checkpoint → every few pages and at the end, the server-side checkpoint
//! (`_local/…`). Pipelined: one page is stored while the next is fetched and the one after listed.
//! **Push**: the store's own changes after the checkpoint → `_revs_diff` → `_bulk_docs` with
//! `new_edits: false` (each revision with its `_revisions`) → both checkpoints.
//!
//! Every step is idempotent (a revision already present is skipped on either side), and the
//! checkpoints only move after the data they cover is stored, so a sync interrupted at any step —
//! connection lost, tab closed, 500, 401 — resumes from the last page that completed, losing and
//! duplicating nothing.

use super::protocol::{self, json_body, read_bulk_docs, read_bulk_get, read_changes, read_revs_diff, resume_from, Checkpoint, ChangesPage, Fetched, Refused, SyncError};
use super::conflicts::{settle, Settlement};
use super::transport::{Method, Request, Transport};
use crate::store::versioned::DocState;
use crate::store::{Op, Store};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::future::{poll_fn, Future};
use std::pin::pin;
use std::task::Poll;

/// Documents per page: hundreds per store transaction, few enough for a cheap phone's memory.
pub const PAGE_SIZE: usize = 1000;

/// A pull saves the server's copy of its checkpoint after this many pages (and after the last):
/// it is an optimisation (the local copy, written with each page, is what resuming relies on),
/// and each save costs the server a write. It must stay within the checkpoint's history, so
/// that after an interruption the local checkpoint still knows the server's and the pull
/// resumes from there rather than from the beginning: the server's copy can lag the local one
/// by this many pages plus the one stored while a save was under way.
pub const REMOTE_CHECKPOINT_EVERY: usize = 4;
const _: () = assert!(REMOTE_CHECKPOINT_EVERY < protocol::HISTORY_KEPT);

/// A page's work, decided before its revisions are fetched.
struct Plan {
    /// The revisions to fetch, by id and rev.
    wanted: BTreeSet<(String, String)>,
    /// Those of them the `_changes` page already brought whole (first revisions): not fetched again.
    inline: BTreeMap<(String, String), Value>,
    /// Documents that may be in conflict once the page is stored.
    maybe_conflicted: Vec<String>,
}

/// The server's copy of a pull checkpoint, as this pull last saved it.
struct RemoteCheckpoint {
    /// Its `_rev`, needed to replace it.
    rev: Option<String>,
    /// The seq it names.
    saved: Value,
    /// Pages stored since.
    unsaved: usize,
}

impl RemoteCheckpoint {
    /// The (locally stored) checkpoint to save now, if one is due.
    fn due(&mut self, stored: &Checkpoint) -> Option<Checkpoint> {
        if self.unsaved < REMOTE_CHECKPOINT_EVERY || self.saved == stored.last_seq {
            return None;
        }
        self.unsaved = 0;
        self.saved = stored.last_seq.clone();
        Some(stored.clone())
    }
}

/// One local store paired with one server database.
pub struct Replication<'a, S, T> {
    pub store: &'a S,
    pub transport: &'a T,
    /// The database on the server.
    pub db: String,
    /// Names this pairing in checkpoint ids: the server's address, this device's replica id, and
    /// the local database. Two devices (or two servers) never share a checkpoint.
    pub pairing: String,
}

/// What a push did.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Pushed {
    /// Revisions the server accepted.
    pub sent: usize,
    /// Revisions the server refused (e.g. not allowed); they stay on this device.
    pub refused: Vec<Refused>,
}

impl<S: Store, T: Transport> Replication<'_, S, T> {
    /// The checkpoint document's id for one direction; stable for this pairing.
    pub fn checkpoint_id(&self, direction: &str) -> String {
        let mut h: u64 = 0xcbf29ce484222325;
        for b in self.pairing.bytes().chain(self.db.bytes()).chain(direction.bytes()) {
            h = (h ^ u64::from(b)).wrapping_mul(0x100000001b3);
        }
        format!("tandem-{direction}-{h:016x}")
    }

    fn meta_key(id: &str) -> String {
        format!("checkpoint:{id}")
    }

    async fn local_checkpoint(&self, id: &str) -> Result<Option<Checkpoint>, SyncError> {
        Ok(self.store.get_meta(&Self::meta_key(id)).await?.as_ref().and_then(Checkpoint::read))
    }

    /// The server's copy of a checkpoint and its `_rev` (needed to replace it).
    async fn remote_checkpoint(&self, id: &str) -> Result<(Option<Checkpoint>, Option<String>), SyncError> {
        let response = self.transport.send(Request::get(protocol::local_doc_path(&self.db, id))).await?;
        match json_body(&response) {
            Ok(doc) => Ok((Checkpoint::read(&doc), doc.get("_rev").and_then(Value::as_str).map(str::to_owned))),
            Err(SyncError::NotFound(_)) => Ok((None, None)),
            Err(e) => Err(e),
        }
    }

    async fn save_remote_checkpoint(&self, id: &str, checkpoint: &Checkpoint, rev: &mut Option<String>) -> Result<(), SyncError> {
        let path = protocol::local_doc_path(&self.db, id);
        for attempt in 0..2 {
            let body = crate::json_text::print(&checkpoint.to_json(rev.as_deref()));
            let response = self.transport.send(Request::with_body(Method::Put, path.clone(), body)).await?;
            if response.status == 409 && attempt == 0 {
                // Written meanwhile (another tab of this device): take its revision and retry.
                *rev = self.remote_checkpoint(id).await?.1;
                continue;
            }
            let answer = json_body(&response)?;
            *rev = answer.get("rev").and_then(Value::as_str).map(str::to_owned);
            return Ok(());
        }
        Err(SyncError::Server { status: 409, reason: "the checkpoint kept changing".into() })
    }

    /// Where both sides agree a direction got to, and the server checkpoint's `_rev`.
    async fn start(&self, id: &str) -> Result<(Checkpoint, Option<String>), SyncError> {
        let local = self.local_checkpoint(id).await?;
        let (remote, rev) = self.remote_checkpoint(id).await?;
        let checkpoint = match resume_from(local.as_ref(), remote.as_ref()) {
            Some(seq) => Checkpoint { last_seq: seq, history: local.map(|c| c.history).unwrap_or_default() },
            None => Checkpoint { last_seq: Value::from(0), history: Vec::new() },
        };
        Ok((checkpoint, rev))
    }

    /// Pulls everything the server has that this replica lacks. Returns how many revisions arrived.
    pub async fn pull(&self) -> Result<usize, SyncError> {
        let id = self.checkpoint_id("pull");
        let (checkpoint, rev) = self.start(&id).await?;
        let first = self.changes_page(&checkpoint.last_seq).await?;
        self.pull_pages(&id, checkpoint, rev, first).await
    }

    async fn changes_page(&self, since: &Value) -> Result<ChangesPage, SyncError> {
        read_changes(&json_body(&self.transport.send(protocol::changes(&self.db, since, PAGE_SIZE)).await?)?)
    }

    /// Live mode: waits (long-poll) up to `timeout_ms` for the server's next changes and stores
    /// them (and the pages after them, when the answer is a full page). The transport aborts the
    /// request a little after the timeout by itself, since some servers ignore it; aborting it
    /// early (a local change to push) is an `Offline(Aborted)` error.
    pub async fn pull_wait(&self, timeout_ms: u32) -> Result<usize, SyncError> {
        let id = self.checkpoint_id("pull");
        let (checkpoint, rev) = self.start(&id).await?;
        let request = protocol::changes_longpoll(&self.db, &checkpoint.last_seq, PAGE_SIZE, timeout_ms);
        let first = read_changes(&json_body(&self.transport.send(request).await?)?)?;
        self.pull_pages(&id, checkpoint, rev, first).await
    }

    /// Stores `first` and, while pages come full, the pages after it. Pipelined: while page N is
    /// written to the store, page N+1's revisions are fetched (`_bulk_get`) and page N+2 is listed
    /// (`_changes`), and the server's copy of the checkpoint goes out alongside, every
    /// [`REMOTE_CHECKPOINT_EVERY`] pages and after the last. Each page still lands in one store
    /// transaction with its checkpoint, in order, and the server's copy only ever names a page
    /// that such a transaction has stored.
    async fn pull_pages(&self, id: &str, mut checkpoint: Checkpoint, rev: Option<String>, first: ChangesPage) -> Result<usize, SyncError> {
        let mut remote = RemoteCheckpoint { rev, saved: checkpoint.last_seq.clone(), unsaved: 0 };
        let mut received = 0;
        // The page being stored this round (with its plan and its fetched revisions), and the
        // page listed after it.
        let mut current: Option<(ChangesPage, Plan, Vec<Op>)> = None;
        let mut next = Some(first);
        loop {
            // A page ending where the one before it ended brings nothing.
            let before = current.as_ref().map_or(&checkpoint.last_seq, |(page, _, _)| &page.last_seq);
            let next_page = next.take().filter(|n| &n.last_seq != before);
            // The next page's states are read before this page's write starts (a read begun after
            // it would wait for it): this page's revisions are not among them, so they are left
            // out of what is fetched, and its documents are looked at for conflicts again.
            let next_plan = match &next_page {
                Some(page) => Some(self.plan(page, current.as_ref().map(|(_, plan, _)| &plan.wanted)).await?),
                None => None,
            };
            if current.is_none() && next_plan.is_none() {
                break;
            }
            let storing = current.is_some();
            let listing = next_page.as_ref().filter(|n| n.changes.len() >= PAGE_SIZE).map(|n| n.last_seq.clone());
            let due = remote.due(&checkpoint);
            let ((stored, saved), (fetched, listed)) = join(
                join(
                    async {
                        match current.take() {
                            Some((page, plan, docs)) => self.store(docs, &plan, &page.last_seq, id, &mut checkpoint).await,
                            None => Ok(0),
                        }
                    },
                    async {
                        match &due {
                            Some(due) => self.save_remote_checkpoint(id, due, &mut remote.rev).await,
                            None => Ok(()),
                        }
                    },
                ),
                join(
                    async {
                        match &next_plan {
                            Some(plan) => self.fetch(plan).await.map(Some),
                            None => Ok(None),
                        }
                    },
                    async {
                        match &listing {
                            Some(since) => self.changes_page(since).await.map(Some),
                            None => Ok(None),
                        }
                    },
                ),
            )
            .await;
            received += stored?;
            saved?;
            if storing {
                remote.unsaved += 1;
            }
            let (Some(page), Some(plan), Some(docs)) = (next_page, next_plan, fetched?) else { break };
            current = Some((page, plan, docs));
            next = listed?;
        }
        // The last page is stored: the server's copy catches up before the pull reports done.
        if remote.saved != checkpoint.last_seq {
            self.save_remote_checkpoint(id, &checkpoint, &mut remote.rev).await?;
        }
        Ok(received)
    }

    /// What to fetch for a page: the revisions it lists that this replica lacks, but for those in
    /// `in_flight` (the previous page's, being stored now), and the documents that may be in
    /// conflict once they are stored.
    async fn plan(&self, page: &ChangesPage, in_flight: Option<&BTreeSet<(String, String)>>) -> Result<Plan, SyncError> {
        // Design documents (the server's validation rules) belong to the server, not the device.
        let changes: Vec<&protocol::Change> = page.changes.iter().filter(|c| !c.id.starts_with("_design/")).collect();
        let ids: Vec<String> = changes.iter().map(|c| c.id.clone()).collect();
        let states = self.store.doc_states(&ids).await?;
        // Built by insertion: collecting into a set would link the standard library's sort.
        let mut wanted = BTreeSet::new();
        let mut inline = BTreeMap::new();
        for (change, state) in changes.iter().zip(&states) {
            for rev in change.revs.iter().filter(|r| !state.tree.contains(r)) {
                let key = (change.id.clone(), rev.clone());
                if !in_flight.is_some_and(|f| f.contains(&key)) {
                    if let Some(doc) = change.first_revision(rev) {
                        inline.insert(key.clone(), doc.clone());
                    }
                    wanted.insert(key);
                }
            }
        }
        // Only a document this replica already had, or one that gets more than one revision with
        // this page and the one being stored now, can be in conflict after this page: the others
        // need no second look (a first sync).
        let mut per_id: BTreeMap<&str, usize> = BTreeMap::new();
        for (id, _) in wanted.iter().chain(in_flight.into_iter().flatten()) {
            *per_id.entry(id.as_str()).or_default() += 1;
        }
        let maybe_conflicted = changes
            .iter()
            .zip(&states)
            .filter(|(c, state)| !state.tree.is_empty() || per_id.get(c.id.as_str()).is_some_and(|n| *n > 1))
            .map(|(c, _)| c.id.clone())
            .collect();
        Ok(Plan { wanted, inline, maybe_conflicted })
    }

    /// The planned revisions, from `_bulk_get`, as store ops.
    async fn fetch(&self, plan: &Plan) -> Result<Vec<Op>, SyncError> {
        if plan.wanted.is_empty() {
            return Ok(Vec::new());
        }
        // First revisions came with the `_changes` page; only the others need `_bulk_get`.
        let wanted: Vec<(String, String)> = plan.wanted.iter().filter(|k| !plan.inline.contains_key(*k)).cloned().collect();
        let fetched = if wanted.is_empty() {
            BTreeMap::new()
        } else {
            read_bulk_get(&json_body(&self.transport.send(protocol::bulk_get(&self.db, &wanted)).await?)?)?
        };
        // Both are in (id, rev) order: one walk matches them (results nobody asked for are skipped).
        let mut fetched = fetched.into_iter().peekable();
        let mut ops = Vec::with_capacity(plan.wanted.len() + 1);
        for key in &plan.wanted {
            if let Some(doc) = plan.inline.get(key) {
                ops.push(Op::ReceiveDoc(doc.clone()));
                continue;
            }
            while fetched.next_if(|(k, _)| k < key).is_some() {}
            match fetched.next_if(|(k, _)| k == key).map(|(_, f)| f) {
                Some(Fetched::Doc(doc)) => ops.push(Op::ReceiveDoc(doc)),
                // Replaced and compacted since the change was listed: the newer revision is
                // in a later change.
                Some(Fetched::Missing) => {}
                Some(Fetched::Error(error)) => return Err(SyncError::Server { status: 200, reason: format!("{} {}: {error}", key.0, key.1) }),
                None => return Err(SyncError::BadResponse(format!("_bulk_get left out {} {}", key.0, key.1))),
            }
        }
        Ok(ops)
    }

    /// Stores a page's fetched revisions and the checkpoint after it in one transaction, then
    /// settles the conflicts the merge rule can. Returns how many revisions were stored.
    async fn store(&self, mut ops: Vec<Op>, plan: &Plan, last_seq: &Value, id: &str, checkpoint: &mut Checkpoint) -> Result<usize, SyncError> {
        let received = ops.len();
        let next = checkpoint.advanced(last_seq.clone());
        ops.push(Op::PutMeta { key: Self::meta_key(id), value: next.to_json(None) });
        self.store.apply(ops).await?;
        *checkpoint = next;
        if received > 0 && !plan.maybe_conflicted.is_empty() {
            self.settle_conflicts(&plan.maybe_conflicted).await?;
        }
        Ok(received)
    }

    /// Merges the conflicts the merge rule can settle (a local change, pushed next time); the
    /// others stay, every version kept, for the person to choose.
    async fn settle_conflicts(&self, ids: &[String]) -> Result<(), SyncError> {
        let states = self.store.doc_states(ids).await?;
        let merges: Vec<Op> = states.iter().filter_map(|s| match settle(s) {
            Settlement::Merge(op) => Some(op),
            _ => None,
        }).collect();
        if !merges.is_empty() {
            self.store.apply(merges).await?;
        }
        Ok(())
    }

    /// Pushes every local change the server lacks.
    pub async fn push(&self) -> Result<Pushed, SyncError> {
        self.push_where(&|_| true).await
    }

    /// Pushes the local changes that belong in this database (`belongs`): one person's store holds
    /// documents for several databases (private, care, a pair's), and each goes only to its own.
    /// The checkpoint moves past the others, which other replications push.
    pub async fn push_where(&self, belongs: &dyn Fn(&DocState) -> bool) -> Result<Pushed, SyncError> {
        let id = self.checkpoint_id("push");
        let (mut checkpoint, mut rev) = self.start(&id).await?;
        let mut since = checkpoint.last_seq.as_u64().unwrap_or(0);
        let mut pushed = Pushed::default();
        loop {
            let changes = self.store.changes_since(since, PAGE_SIZE).await?;
            let Some(last) = changes.last().map(|c| c.seq) else { return Ok(pushed) };
            let changes: Vec<crate::store::Change> = changes.into_iter().filter(|c| belongs(&c.state)).collect();
            // A local edit of a version that changed meanwhile is a conflict the merge rule may
            // settle: settle it first, then push the result (it is a newer local change).
            let merges: Vec<Op> = changes.iter().filter_map(|c| if let Settlement::Merge(op) = settle(&c.state) { Some(op) } else { None }).collect();
            if !merges.is_empty() {
                self.store.apply(merges).await?;
                continue;
            }
            let leaves: BTreeMap<String, Vec<String>> = changes.iter().map(|c| (c.state.id.clone(), c.state.tree.leaves().into_iter().map(str::to_owned).collect())).collect();
            let missing = if leaves.is_empty() { BTreeMap::new() } else { read_revs_diff(&json_body(&self.transport.send(protocol::revs_diff(&self.db, &leaves)).await?)?)? };
            let docs: Vec<Value> = changes
                .iter()
                .flat_map(|c| missing.get(&c.state.id).into_iter().flatten().filter_map(|r| c.state.revision_doc(r)))
                .collect();
            if !docs.is_empty() {
                let refused = read_bulk_docs(&json_body(&self.transport.send(protocol::bulk_docs(&self.db, &docs)).await?)?)?;
                // A refusal of one document (not allowed) is reported and the push goes on; any
                // other failure stops it before the checkpoint moves, so it is retried.
                if let Some(other) = refused.iter().find(|r| r.error != "forbidden" && r.error != "unauthorized") {
                    return Err(SyncError::Server { status: 200, reason: format!("{}: {} {}", other.id, other.error, other.reason) });
                }
                pushed.sent += docs.len() - refused.len();
                pushed.refused.extend(refused);
            }
            checkpoint = checkpoint.advanced(Value::from(last));
            self.save_remote_checkpoint(&id, &checkpoint, &mut rev).await?;
            self.store.apply(vec![Op::PutMeta { key: Self::meta_key(&id), value: checkpoint.to_json(None) }]).await?;
            since = last;
        }
    }

    /// How many local changes wait to be pushed.
    pub async fn waiting(&self) -> Result<usize, SyncError> {
        let id = self.checkpoint_id("push");
        let since = self.local_checkpoint(&id).await?.and_then(|c| c.last_seq.as_u64()).unwrap_or(0);
        Ok(self.store.count_changes_since(since).await?)
    }
}

/// Runs two futures at once; both run to the end, whatever the first one gives. (No async runtime
/// or futures crate needed for this one use.)
pub async fn join<A: Future, B: Future>(a: A, b: B) -> (A::Output, B::Output) {
    let (mut a, mut b) = (pin!(a), pin!(b));
    let (mut ra, mut rb) = (None, None);
    poll_fn(|cx| {
        if ra.is_none() {
            if let Poll::Ready(v) = a.as_mut().poll(cx) {
                ra = Some(v);
            }
        }
        if rb.is_none() {
            if let Poll::Ready(v) = b.as_mut().poll(cx) {
                rb = Some(v);
            }
        }
        match (ra.take(), rb.take()) {
            (Some(a), Some(b)) => Poll::Ready((a, b)),
            (a, b) => {
                (ra, rb) = (a, b);
                Poll::Pending
            }
        }
    })
    .await
}

/// The document as its newest known content says, for deciding where it belongs: the winner, or
/// for a deleted document the newest revision that still has a body (a tombstone has none).
pub fn routing_body(state: &DocState) -> Value {
    let newest = state
        .tree
        .nodes
        .iter()
        .filter(|(_, n)| !n.deleted)
        .filter_map(|(rev, n)| Some((crate::store::revtree::parse_rev(rev)?.0, n.body.as_ref()?)))
        .max_by_key(|(generation, _)| *generation)
        .map(|(_, body)| body.clone());
    let mut doc = newest.unwrap_or_default();
    doc.insert("_id".into(), Value::from(state.id.as_str()));
    Value::Object(doc)
}
