//! The core's storage story (`core/tests/it/store.rs`), unchanged, on journals that belong to
//! a team: each fixture's desk has joined a team server over a throwaway PostgreSQL database,
//! and syncs with it in the background for as long as the story runs, pulling its own changes
//! back into the journal while the story reads it. The story's every assertion must hold as on
//! a journal of its own.

// Test helpers fail loudly; a panic with the value is the report we want.
#![allow(clippy::unwrap_used)]

#[path = "it/pg.rs"]
#[allow(dead_code)]
mod pg;
#[path = "it/support.rs"]
#[allow(dead_code)]
mod team_support;

#[path = "../../core/tests/it/store.rs"]
mod store;

/// What the story expects of its fixture, made of a desk in a team.
mod support {
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::sync::Arc;
    use std::time::Duration;

    use contactmoment_core::{ContactInput, Desk, FixedClock, Journal, SettingsInput, SqliteStore};
    use tempfile::TempDir;

    use crate::team_support::Team;

    pub struct Fixture {
        pub dir: TempDir,
        pub store: Arc<SqliteStore>,
        pub journal: Journal,
        _team: Team,
        sync: tokio::task::JoinHandle<()>,
        /// Sync rounds that went through while the story ran.
        rounds: Arc<AtomicU64>,
    }

    impl Drop for Fixture {
        fn drop(&mut self) {
            self.sync.abort();
            if !std::thread::panicking() {
                assert!(
                    self.rounds.load(Ordering::Relaxed) > 0,
                    "the journal synced with the server while the story ran"
                );
            }
        }
    }

    pub async fn sqlite_at(now: &str) -> Fixture {
        let team = Team::start("Story").await;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("j.sqlite");
        let desk = Desk::open(&path.display().to_string(), Arc::new(FixedClock::at(now)))
            .await
            .unwrap()
            .with_key_file(dir.path().join("key"));
        desk.journal()
            .save_settings(&SettingsInput {
                display_name: "Anna".into(),
                ..SettingsInput::default()
            })
            .await
            .unwrap();
        desk.join_team(&team.lead_code, true).await.unwrap();
        let syncing = desk.clone();
        // Joining ran the first round.
        let rounds = Arc::new(AtomicU64::new(1));
        let counted = rounds.clone();
        let sync = tokio::spawn(async move {
            loop {
                // The story also closes and reopens the journal: a failed round is retried.
                if syncing.sync().await.is_ok() {
                    counted.fetch_add(1, Ordering::Relaxed);
                }
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        });
        Fixture {
            dir,
            store: Arc::new(SqliteStore::open(&path).await.unwrap()),
            journal: desk.journal().clone(),
            _team: team,
            sync,
            rounds,
        }
    }

    pub fn rated(functional: i32, emotional: i32, at: &str) -> ContactInput {
        ContactInput {
            functional: Some(functional),
            emotional: Some(emotional),
            occurred_at: Some(at.into()),
            ..ContactInput::default()
        }
    }
}
