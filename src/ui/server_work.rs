//! Server work under way on a facilitator screen. Those screens talk to the server directly, and a
//! load can overlap an action (the first roster load and "Confirm pairs", a "Refresh" during the
//! reload after "Add member"): a yes/no flag cleared by whichever finishes first would let the other's
//! buttons be pressed again, and an earlier load answering later would replace a newer view.

use leptos::prelude::*;
use std::future::Future;

#[derive(Clone, Copy)]
pub struct ServerWork {
    /// How many loads and actions are running.
    running: RwSignal<u32>,
    /// Which load is the latest.
    loads: StoredValue<u64>,
}

impl Default for ServerWork {
    fn default() -> Self {
        Self::new()
    }
}

impl ServerWork {
    pub fn new() -> Self {
        ServerWork { running: RwSignal::new(0), loads: StoredValue::new(0) }
    }

    /// Whether anything is talking to the server (tracked): buttons that start work are disabled.
    pub fn is_busy(self) -> bool {
        self.running.get() > 0
    }

    /// Runs an action; `done` gets its result (after an await: only `try_` writes there).
    pub fn run<T: 'static>(self, work: impl Future<Output = T> + 'static, done: impl FnOnce(T) + 'static) {
        self.running.update(|n| *n += 1);
        leptos::task::spawn_local(async move {
            let result = work.await;
            done(result);
            // A no-op if the screen has closed meanwhile.
            self.running.try_update(|n| *n = n.saturating_sub(1));
        });
    }

    /// Runs a load; `shown` gets its result only if no load started after it.
    pub fn load<T: 'static>(self, work: impl Future<Output = T> + 'static, shown: impl FnOnce(T) + 'static) {
        self.loads.update_value(|n| *n += 1);
        let this_load = self.loads.get_value();
        self.run(work, move |result| {
            if self.loads.try_get_value() == Some(this_load) {
                shown(result);
            }
        });
    }
}
