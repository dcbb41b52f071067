//! One round of sync: push the outbox, then pull until the cursor is current. Every step is
//! safe to repeat: a push whose reply was lost is sent again and changes nothing, and a pull
//! moves the cursor only in the transaction that applies what it brought.

use chrono::{DateTime, Utc};
use serde::Serialize;
use ts_rs::TS;

use super::client::Client;
use super::wire::{JoinRequest, PullReply, PushRequest, Role, TeamSettings};
use super::{JoinCode, Link, TEAM_SETTINGS};
use crate::error::{Error, ErrorCode, Result};
use crate::store::sqlite::SqliteStore;
use crate::store::Store;

/// How many changes one pull page carries at most.
pub const PULL_PAGE: u32 = 5000;

/// What a round of sync did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, TS)]
pub struct SyncReport {
    /// Changes the server took as the contact's current version.
    #[ts(type = "number")]
    pub pushed: u64,
    /// Changes the server had already, or had a newer version of.
    #[ts(type = "number")]
    pub skipped: u64,
    /// Changes from the server applied here.
    #[ts(type = "number")]
    pub pulled: u64,
    /// Contacts still waiting to be pushed.
    #[ts(type = "number")]
    pub waiting: u64,
}

/// Where sync stands, for the status line and Settings → Team.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct TeamStatus {
    pub server: String,
    pub team_name: String,
    pub member_name: String,
    pub role: String,
    /// Contacts waiting to be pushed.
    #[ts(type = "number")]
    pub waiting: u64,
    #[ts(type = "string | null")]
    pub last_synced_at: Option<DateTime<Utc>>,
    /// Why the last attempt failed, when it did (in English, for the details).
    pub last_error: Option<String>,
    /// What kind of failure it was: the server could not be reached, or refused this desk.
    pub last_error_code: Option<ErrorCode>,
    /// Changes pulled since the app started: screens showing contacts reload when it moves.
    #[ts(type = "number")]
    pub pulled_here: u64,
}

pub(crate) fn client(link: &Link) -> Result<Client> {
    Ok(
        Client::new(&link.server, link.ca_pem.as_deref(), link.insecure_http)?
            .with_token(&link.token),
    )
}

pub(crate) async fn link(store: &SqliteStore) -> Result<Link> {
    store.team_link().await?.ok_or_else(|| {
        Error::Conflict("this journal is not in a team; join one with a code first".into())
    })
}

pub(crate) async fn status(store: &SqliteStore) -> Result<Option<TeamStatus>> {
    let Some(link) = store.team_link().await? else {
        return Ok(None);
    };
    Ok(Some(TeamStatus {
        server: link.server,
        team_name: link.member.team_name,
        member_name: link.member.name,
        role: link.member.role.as_str().to_owned(),
        waiting: store.outbox_len().await?,
        last_synced_at: link.last_synced_at,
        last_error: link.last_error,
        last_error_code: link.last_error_code,
        pulled_here: 0,
    }))
}

/// Exchanges a join code for this device's token and records the membership. Returns the
/// membership and how many of this desk's contacts became the member's (they are pushed by
/// the next sync).
pub(crate) async fn join(
    store: &SqliteStore,
    code: &str,
    device_name: &str,
    insecure_http: bool,
    own_member: &str,
) -> Result<(Link, u64)> {
    let code = JoinCode::decode(code)?;
    let client = Client::new(&code.server, code.ca_pem.as_deref(), insecure_http)?;
    let reply = client
        .join(&JoinRequest {
            secret: code.secret.clone(),
            device_name: device_name.to_owned(),
        })
        .await?;
    let link = Link {
        server: code.server,
        ca_pem: code.ca_pem,
        insecure_http,
        token: reply.token,
        device_id: reply.device_id,
        member: reply.member,
        cursor: 0,
        last_synced_at: None,
        last_error: None,
        last_error_code: None,
        pseudonym_key: reply.pseudonym_key,
    };
    let claimed = store.join_team(&link, own_member).await?;
    Ok((link, claimed))
}

/// Pushes the whole outbox, page by page.
pub(crate) async fn push(store: &SqliteStore, client: &Client) -> Result<(u64, u64)> {
    let (mut pushed, mut skipped) = (0, 0);
    loop {
        let pending = store.pending().await?;
        if pending.up_to == 0 {
            return Ok((pushed, skipped));
        }
        if !pending.ops.is_empty() {
            let reply = client.push(&PushRequest { ops: pending.ops }).await?;
            pushed += reply.applied;
            skipped += reply.skipped;
        }
        store.acknowledge(pending.up_to).await?;
    }
}

/// From this many changes behind, a pull goes into the journal in one transaction (see
/// [`SqliteStore::begin_pulled`]), fetching each page while the one before is applied.
pub const LARGE_PULL: u64 = 50_000;

/// Pulls until the cursor is current; with `wait`, the first request waits for a change.
pub(crate) async fn pull(store: &SqliteStore, client: &Client, wait: bool) -> Result<u64> {
    let mut cursor = link(store).await?.cursor;
    let mut reply = client.pull(cursor, PULL_PAGE, wait).await?;
    let behind = u64::try_from(reply.latest - cursor).unwrap_or(0);
    if reply.more && behind >= LARGE_PULL {
        return pull_large(store, client, reply, behind).await;
    }
    let mut pulled = 0;
    loop {
        pulled += store
            .apply_pulled(&reply.changes, &reply.settings, reply.cursor)
            .await?;
        cursor = reply.cursor;
        if !reply.more {
            return Ok(pulled);
        }
        reply = client.pull(cursor, PULL_PAGE, false).await?;
    }
}

/// The rest of a large pull, in one transaction. When the server goes away half-way, what
/// came so far is kept and the next round goes on from there.
async fn pull_large(
    store: &SqliteStore,
    client: &Client,
    first: PullReply,
    behind: u64,
) -> Result<u64> {
    let mut batch = store.begin_pulled(behind).await?;
    let mut settings = Vec::new();
    let mut reply = first;
    loop {
        if !reply.settings.is_empty() {
            settings = std::mem::take(&mut reply.settings);
        }
        let cursor = reply.cursor;
        if !reply.more {
            batch.page(&reply.changes).await?;
            return batch.finish(&settings, cursor).await;
        }
        let (applied, next) = tokio::join!(
            batch.page(&reply.changes),
            client.pull(cursor, PULL_PAGE, false)
        );
        applied?;
        match next {
            Ok(next) => reply = next,
            Err(e) => {
                batch.finish(&settings, cursor).await?;
                return Err(e);
            }
        }
    }
}

/// Push, then pull; the outcome (time, or why it failed) is noted for the status line.
pub(crate) async fn round(
    store: &SqliteStore,
    now: DateTime<Utc>,
    wait: bool,
) -> Result<SyncReport> {
    let result = async {
        let link = link(store).await?;
        let client = client(&link)?;
        let (pushed, skipped) = push(store, &client).await?;
        if link.member.role == Role::Lead {
            share_settings(store, &client).await?;
        }
        let pulled = pull(store, &client, wait).await?;
        // What was saved while the pull waited goes out at once.
        let (more, also_skipped) = push(store, &client).await?;
        Ok::<_, Error>(SyncReport {
            pushed: pushed + more,
            skipped: skipped + also_skipped,
            pulled,
            waiting: store.outbox_len().await?,
        })
    }
    .await;
    let noted = match &result {
        Ok(_) => store.sync_result(now, None).await,
        Err(e) => store.sync_result(now, Some(e)).await,
    };
    noted?;
    result
}

/// A lead's changes to the team settings go to the server, which hands them to every desk.
pub(crate) async fn share_settings(store: &SqliteStore, client: &Client) -> Result<()> {
    let seen = store.settings_pending().await?;
    if seen == 0 {
        return Ok(());
    }
    let mut values = Vec::new();
    for key in TEAM_SETTINGS {
        values.push((key.to_owned(), store.setting(key).await?));
    }
    client.set_team_settings(&TeamSettings { values }).await?;
    store.settings_shared(seen).await
}

pub(crate) fn require_lead(link: &Link) -> Result<()> {
    if link.member.role == Role::Lead {
        Ok(())
    } else {
        Err(Error::NotAllowed("only a team lead can do that".into()))
    }
}
