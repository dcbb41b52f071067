//! Team sync in the background, so that saving never waits for the network: after every
//! change, every half minute, and at once when the server signals a change (the pull waits at
//! the server until one arrives). Outside a team the loop only sleeps.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use contactmoment_core::Desk;
use tokio::sync::Notify;

/// How often sync runs when nothing wakes it.
const EVERY: Duration = Duration::from_secs(30);
/// After a failure, the wait doubles up to this.
const BACKOFF_MAX: Duration = Duration::from_secs(15);

/// Wakes the sync loop of the open journal.
#[derive(Clone, Default)]
pub struct SyncHandle {
    wake: Arc<Notify>,
    stopped: Arc<AtomicBool>,
}

impl SyncHandle {
    /// Asks for a sync now (a change was just saved).
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    /// Ends the loop (its journal is being closed).
    pub fn stop(&self) {
        self.stopped.store(true, Ordering::Relaxed);
        self.wake.notify_one();
    }

    /// Starts the loop for `desk`; it ends with the app or at [`SyncHandle::stop`].
    pub fn spawn(desk: Desk) -> Self {
        let handle = Self::default();
        let wake = handle.wake.clone();
        let stopped = handle.stopped.clone();
        tauri::async_runtime::spawn(async move {
            let mut backoff = Duration::from_secs(2);
            while !stopped.load(Ordering::Relaxed) {
                let in_team = matches!(desk.team_status().await, Ok(Some(_)));
                if !in_team {
                    let _ = tokio::time::timeout(EVERY, wake.notified()).await;
                    continue;
                }
                // A long pull; a save meanwhile cuts it short so that it is pushed at once.
                let outcome = tokio::select! {
                    r = desk.sync_waiting() => Some(r),
                    () = wake.notified() => None,
                };
                match outcome {
                    None => {
                        if let Err(e) = desk.sync().await {
                            tracing::info!(error = %e, "sync after a save failed; retrying later");
                        }
                    }
                    Some(Ok(_)) => backoff = Duration::from_secs(2),
                    Some(Err(e)) => {
                        tracing::info!(error = %e, "sync failed; logging goes on");
                        let _ = tokio::time::timeout(backoff, wake.notified()).await;
                        backoff = (backoff * 2).min(BACKOFF_MAX);
                    }
                }
            }
        });
        handle
    }
}
