//! What the person is told about sync, and how long to wait before trying again.

/// The sync state shown at a glance (role "status") on every screen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SyncStatus {
    /// No account on this device: everything stays here, nothing to say.
    NotSignedIn,
    Syncing,
    /// Up to date; `at` is the local time of the last completed sync ("14:05").
    Synced { at: String },
    Offline { waiting: usize },
    /// The server ended the session: work goes on locally until the person signs in.
    SignInAgain,
    /// The server failed; sync retries by itself.
    ServerError,
}

impl SyncStatus {
    pub fn text(&self) -> String {
        match self {
            SyncStatus::NotSignedIn => "Not syncing — saved on this device".into(),
            SyncStatus::Syncing => "Syncing…".into(),
            SyncStatus::Synced { at } => format!("Synced {at}"),
            SyncStatus::Offline { waiting: 1 } => "Offline — 1 change waiting".into(),
            SyncStatus::Offline { waiting } => format!("Offline — {waiting} changes waiting"),
            SyncStatus::SignInAgain => "Sign in again".into(),
            SyncStatus::ServerError => "Server error — retrying".into(),
        }
    }
}

/// Milliseconds to wait before retry number `attempt` (0-based): exponential from 1 s, capped at
/// 5 minutes, with "equal jitter" (half fixed, half random) so that many phones coming back
/// online after an outage do not all hit the server in the same second. `random` is in [0, 1).
pub fn backoff_ms(attempt: u32, random: f64) -> u32 {
    const BASE_MS: u32 = 1_000;
    const CAP_MS: u32 = 300_000;
    let full = BASE_MS.saturating_mul(1u32 << attempt.min(20)).min(CAP_MS);
    let half = full / 2;
    half + (f64::from(half) * random.clamp(0.0, 1.0)) as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_read_as_the_issue_words_them() {
        assert_eq!(SyncStatus::Synced { at: "14:05".into() }.text(), "Synced 14:05");
        assert_eq!(SyncStatus::Syncing.text(), "Syncing…");
        assert_eq!(SyncStatus::Offline { waiting: 3 }.text(), "Offline — 3 changes waiting");
        assert_eq!(SyncStatus::Offline { waiting: 1 }.text(), "Offline — 1 change waiting");
        assert_eq!(SyncStatus::SignInAgain.text(), "Sign in again");
        assert_eq!(SyncStatus::ServerError.text(), "Server error — retrying");
    }

    #[test]
    fn backoff_grows_is_capped_and_jittered() {
        assert_eq!((backoff_ms(0, 0.0), backoff_ms(0, 0.999)), (500, 999));
        assert_eq!(backoff_ms(3, 0.0), 4_000);
        assert!(backoff_ms(3, 0.5) > backoff_ms(3, 0.0));
        assert_eq!(backoff_ms(40, 0.0), 150_000);
        assert!(backoff_ms(40, 1.0) <= 300_000);
        assert_eq!(backoff_ms(2, f64::NAN), 2_000);
    }
}
