use std::sync::Arc;

use contactmoment_core::{Contact, ContactInput, FixedClock, Journal, SettingsInput, SqliteStore};
use tempfile::TempDir;

/// A journal in a fresh SQLite file, with a clock fixed at `now`.
pub struct Fixture {
    pub dir: TempDir,
    pub store: Arc<SqliteStore>,
    pub journal: Journal,
}

pub async fn sqlite_at(now: &str) -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(
        SqliteStore::open(&dir.path().join("j.sqlite"))
            .await
            .unwrap(),
    );
    let journal = Journal::new(store.clone(), Arc::new(FixedClock::at(now)));
    journal
        .save_settings(&SettingsInput {
            display_name: "Anna".into(),
            ..SettingsInput::default()
        })
        .await
        .unwrap();
    Fixture {
        dir,
        store,
        journal,
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

pub async fn log_all(journal: &Journal, inputs: &[ContactInput]) -> Vec<Contact> {
    let mut out = Vec::new();
    for i in inputs {
        out.push(journal.log(i).await.unwrap());
    }
    out
}
