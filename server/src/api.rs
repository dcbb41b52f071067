//! The HTTP API. Every request with a device token runs in one transaction that first sets
//! the acting member with `set_config('cm.member', …, true)` (local to the transaction, so a
//! pooled connection never carries it into another request); the policies read it.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use chrono::{DateTime, Utc};
use contactmoment_core::team::wire::{
    Change, JoinReply, JoinRequest, Member, NewMember, NewMemberReply, Op, PullReply, PushReply,
    PushRequest, Refusal, Role, TeamSettings,
};
use contactmoment_core::team::TEAM_SETTINGS;
use contactmoment_core::{validate, Contact};
use serde::Deserialize;
use sqlx::postgres::PgListener;
use sqlx::types::Json as DbJson;
use sqlx::{PgPool, Postgres, Transaction};
use tokio::sync::watch;
use uuid::Uuid;

use crate::admin::Public;
use crate::secret;

/// The channel a push notifies at commit, so that waiting pulls on every server instance
/// answer at once.
pub(crate) const CHANNEL: &str = "contactmoment_changes";
/// The longest a pull may wait for a change.
const WAIT_MAX: u64 = 60;
/// The most changes one pull returns.
const PULL_MAX: i64 = 10_000;
/// The most operations one push may carry.
const PUSH_MAX: usize = 5_000;

#[derive(Clone)]
pub struct AppState {
    pool: PgPool,
    public: Arc<Public>,
    changes: watch::Receiver<u64>,
}

impl AppState {
    /// The state of a server on `pool` (the server's own role); listens for changes made
    /// through any instance.
    pub async fn new(pool: PgPool, public: Public) -> Result<Self, sqlx::Error> {
        let (tx, rx) = watch::channel(0u64);
        let mut listener = PgListener::connect_with(&pool).await?;
        listener.listen(CHANNEL).await?;
        tokio::spawn(async move {
            loop {
                match listener.recv().await {
                    Ok(_) => tx.send_modify(|n| *n += 1),
                    Err(e) => {
                        // The listener reconnects by itself; waiting pulls fall back to their
                        // timeout meanwhile.
                        tracing::warn!(error = %e, "change notifications interrupted");
                        tokio::time::sleep(Duration::from_millis(500)).await;
                    }
                }
                if tx.is_closed() {
                    return;
                }
            }
        });
        Ok(Self {
            pool,
            public: Arc::new(public),
            changes: rx,
        })
    }
}

pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/v1/join", post(join))
        .route("/v1/me", get(me))
        .route("/v1/push", post(push))
        .route("/v1/pull", get(pull))
        .route("/v1/members", post(add_member))
        .route("/v1/members/{id}", delete(remove_member))
        .route("/v1/settings", post(set_settings))
        .route("/v1/leave", post(leave))
        .route("/healthz", get(|| async { "ok" }))
        .with_state(state)
}

/// A refusal with its HTTP status; database errors are logged, never sent.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    refusal: Refusal,
}

impl ApiError {
    fn new(status: StatusCode, code: &str, message: impl Into<String>) -> Self {
        Self {
            status,
            refusal: Refusal {
                code: code.into(),
                message: message.into(),
                field: None,
            },
        }
    }

    fn unauthorized() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "this device is not (or no longer) a member of a team",
        )
    }

    fn forbidden(message: &str) -> Self {
        Self::new(StatusCode::FORBIDDEN, "not_allowed", message)
    }
}

impl From<sqlx::Error> for ApiError {
    fn from(e: sqlx::Error) -> Self {
        if let Some(db) = e.as_database_error() {
            if db.code().as_deref() == Some("42501") {
                return Self::forbidden(db.message());
            }
        }
        tracing::error!(error = %e, "database error");
        Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "storage",
            "the team's database is not available; nothing was changed, try again",
        )
    }
}

impl From<contactmoment_core::Error> for ApiError {
    fn from(e: contactmoment_core::Error) -> Self {
        let payload = contactmoment_core::ErrorPayload::from(&e);
        Self {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            refusal: Refusal {
                code: "validation".into(),
                message: payload.message,
                field: payload.field,
            },
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, Json(self.refusal)).into_response()
    }
}

type ApiResult<T> = Result<Json<T>, ApiError>;

/// The member and device behind a request's token.
#[derive(Debug, Clone)]
struct Acting {
    member: Member,
    device: Uuid,
}

type AuthRow = (Uuid, String, String, Uuid, String, Uuid);

fn acting(row: AuthRow) -> Result<Acting, ApiError> {
    let (member_id, name, role, team_id, team_name, device) = row;
    Ok(Acting {
        member: Member {
            member_id,
            name,
            role: Role::parse(&role).ok_or_else(ApiError::unauthorized)?,
            team_id,
            team_name,
        },
        device,
    })
}

/// Starts the request's transaction as the member holding the bearer token.
async fn begin(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<(Transaction<'static, Postgres>, Acting), ApiError> {
    begin_with(state, headers, "BEGIN").await
}

/// The same, starting the transaction with `statement` (an isolation level).
async fn begin_with(
    state: &AppState,
    headers: &HeaderMap,
    statement: &'static str,
) -> Result<(Transaction<'static, Postgres>, Acting), ApiError> {
    let token = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .ok_or_else(ApiError::unauthorized)?;
    let mut tx = state.pool.begin_with(statement).await?;
    let row: Option<AuthRow> = sqlx::query_as("SELECT * FROM cm_authenticate($1)")
        .bind(secret::hash(token))
        .fetch_optional(&mut *tx)
        .await?;
    let who = acting(row.ok_or_else(ApiError::unauthorized)?)?;
    sqlx::query("SELECT set_config('cm.member', $1, true)")
        .bind(who.member.member_id.to_string())
        .execute(&mut *tx)
        .await?;
    Ok((tx, who))
}

async fn join(State(state): State<AppState>, Json(req): Json<JoinRequest>) -> ApiResult<JoinReply> {
    let token = secret::new();
    let device_name: String = req.device_name.chars().take(100).collect();
    // One transaction: a code is used up only by a join that completes.
    let mut tx = state.pool.begin().await?;
    let row: Option<AuthRow> = sqlx::query_as("SELECT * FROM cm_join($1, $2, $3)")
        .bind(secret::hash(&req.secret))
        .bind(secret::hash(&token))
        .bind(device_name)
        .fetch_optional(&mut *tx)
        .await?;
    let who = acting(row.ok_or_else(|| {
        ApiError::new(
            StatusCode::FORBIDDEN,
            "not_allowed",
            "this join code is not valid: it was used already, has expired, or its member was removed",
        )
    })?)?;
    sqlx::query("SELECT set_config('cm.member', $1, true)")
        .bind(who.member.member_id.to_string())
        .execute(&mut *tx)
        .await?;
    let key: Vec<u8> = sqlx::query_scalar("SELECT cm_team_key()")
        .fetch_one(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(Json(JoinReply {
        member: who.member,
        device_id: who.device,
        token,
        pseudonym_key: key.iter().map(|b| format!("{b:02x}")).collect(),
    }))
}

async fn me(State(state): State<AppState>, headers: HeaderMap) -> ApiResult<Member> {
    let (tx, who) = begin(&state, &headers).await?;
    tx.commit().await?;
    Ok(Json(who.member))
}

/// The stored side of one contact, for deciding a push.
type Stored = (
    Uuid,
    DateTime<Utc>,
    Uuid,
    Option<DateTime<Utc>>,
    Option<DbJson<Contact>>,
);

async fn push(
    State(state): State<AppState>,
    headers: HeaderMap,
    Json(req): Json<PushRequest>,
) -> ApiResult<PushReply> {
    if req.ops.len() > PUSH_MAX {
        return Err(ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
            format!("at most {PUSH_MAX} changes per push"),
        ));
    }
    for op in &req.ops {
        if let Some(c) = &op.contact {
            if c.id != op.contact_id {
                return Err(ApiError::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "validation",
                    "a change names one contact and carries another",
                ));
            }
            validate::stored(c)?;
        }
    }
    // An operation sent twice in one push counts once, like one sent in two pushes.
    let mut unique = std::collections::HashSet::new();
    let ops: Vec<&Op> = req.ops.iter().filter(|o| unique.insert(o.op_id)).collect();
    let (mut tx, who) = begin(&state, &headers).await?;
    let me = who.member.member_id;
    let lead = who.member.role == Role::Lead;
    let ids: Vec<Uuid> = ops.iter().map(|o| o.op_id).collect();
    let fresh: Vec<Uuid> = sqlx::query_scalar(
        "INSERT INTO applied_ops (op_id, team_id) SELECT id, cm_team() FROM unnest($1::uuid[]) AS id \
         ON CONFLICT (op_id) DO NOTHING RETURNING op_id",
    )
    .bind(&ids)
    .fetch_all(&mut *tx)
    .await?;
    let mut reply = PushReply {
        applied: 0,
        skipped: (req.ops.len() - fresh.len()) as u64,
    };
    if fresh.is_empty() {
        tx.commit().await?;
        return Ok(Json(reply));
    }
    // Exactly one number per new operation: each one below uses one, applied or not.
    let mut version: i64 = sqlx::query_scalar("SELECT cm_next_versions($1)")
        .bind(fresh.len() as i64)
        .fetch_one(&mut *tx)
        .await?;
    // The database's clock is the server's: one time for the whole push.
    let now: DateTime<Utc> = sqlx::query_scalar("SELECT now()")
        .fetch_one(&mut *tx)
        .await?;
    let fresh: std::collections::HashSet<Uuid> = fresh.into_iter().collect();
    for op in ops.into_iter().filter(|o| fresh.contains(&o.op_id)) {
        let v = version;
        version += 1;
        if apply(&mut tx, op, me, lead, who.device, v, now).await? {
            reply.applied += 1;
        } else {
            reply.skipped += 1;
        }
    }
    sqlx::query("SELECT pg_notify($1, cm_team()::text)")
        .bind(CHANNEL)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(Json(reply))
}

/// Applies one new operation as change number `v`; false when it does not become the
/// contact's current version (older than what is stored, erased already, or not the
/// member's to change).
async fn apply(
    tx: &mut Transaction<'static, Postgres>,
    op: &Op,
    me: Uuid,
    lead: bool,
    device: Uuid,
    v: i64,
    now: DateTime<Utc>,
) -> Result<bool, ApiError> {
    // A desktop clock ahead of the server cannot make its edits win for ever.
    let changed_at = op.changed_at.min(now);
    let stored: Option<Stored> = sqlx::query_as(
        "SELECT member_id, changed_at, device_id, deleted_at, body FROM contacts WHERE id = $1 FOR UPDATE",
    )
    .bind(op.contact_id)
    .fetch_optional(&mut **tx)
    .await?;
    let Some((owner, stored_at, stored_device, stored_deleted, body)) = stored else {
        // New here (or another member's, which this member cannot see: the insert then
        // meets the existing id and does nothing).
        let body = op.contact.clone().map(|mut c| {
            if c.staff_id
                .as_deref()
                .is_some_and(|s| s != me.simple().to_string())
            {
                c.staff_id = None;
            }
            DbJson(c)
        });
        let inserted = sqlx::query(
            "INSERT INTO contacts (id, team_id, member_id, version, changed_at, device_id, deleted_at, body) \
             VALUES ($1, cm_team(), $2, $3, $4, $5, $6, $7) ON CONFLICT (id) DO NOTHING",
        )
        .bind(op.contact_id)
        .bind(me)
        .bind(v)
        .bind(changed_at)
        .bind(device)
        .bind(op.deleted_at)
        .bind(body)
        .execute(&mut **tx)
        .await?
        .rows_affected();
        return Ok(inserted == 1);
    };
    let own = owner == me;
    if !own && !lead {
        return Ok(false);
    }
    // The stored version wins when the contact was erased (nothing brings it back) or the
    // change is older. It is numbered again, so that the desk that sent the losing change
    // pulls the winner (or the erasure) instead of keeping its own.
    let current = match body {
        Some(DbJson(current)) if (changed_at, device) > (stored_at, stored_device) => current,
        _ => {
            sqlx::query("UPDATE contacts SET version = $2 WHERE id = $1")
                .bind(op.contact_id)
                .bind(v)
                .execute(&mut **tx)
                .await?;
            return Ok(false);
        }
    };
    let (body, deleted_at) = match &op.contact {
        None => (None, None),
        Some(c) if own => {
            let mut body = c.clone();
            // A follow-up a lead marked done stays done when the owner's desk sends an edit
            // made before it had pulled that mark; the owner can still undo their own mark.
            let marked_by_other = current.follow_up_done_at.is_some()
                && current.follow_up_done_by != Some(c.staff.clone());
            if body.follow_up_done_at.is_none() && marked_by_other {
                body.follow_up_done_at = current.follow_up_done_at;
                body.follow_up_done_by = current.follow_up_done_by.clone();
            }
            (Some(body), op.deleted_at)
        }
        // A lead changes only whether a colleague's follow-up is done and whether it goes to
        // the team meeting, and may erase its note (retention); erasing the whole contact is
        // theirs too.
        Some(c) => {
            let mut merged = current;
            merged.follow_up_done_at = c.follow_up_done_at;
            merged.follow_up_done_by = c.follow_up_done_by.clone();
            merged.star = c.star;
            if c.note.is_none() {
                merged.note = None;
            }
            (Some(merged), stored_deleted)
        }
    };
    sqlx::query(
        "UPDATE contacts SET version = $2, changed_at = $3, device_id = $4, deleted_at = $5, body = $6 \
         WHERE id = $1",
    )
    .bind(op.contact_id)
    .bind(v)
    .bind(changed_at)
    .bind(device)
    .bind(deleted_at)
    .bind(body.map(DbJson))
    .execute(&mut **tx)
    .await?;
    Ok(true)
}

#[derive(Deserialize)]
struct PullParams {
    #[serde(default)]
    after: i64,
    limit: Option<i64>,
    #[serde(default)]
    wait: u64,
}

type ChangeRow = (
    i64,
    Uuid,
    Uuid,
    Option<DateTime<Utc>>,
    Option<DbJson<Contact>>,
);

async fn pull(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(p): Query<PullParams>,
) -> ApiResult<PullReply> {
    let limit = p.limit.unwrap_or(PULL_MAX).clamp(1, PULL_MAX);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(p.wait.min(WAIT_MAX));
    let mut changes = state.changes.clone();
    loop {
        changes.mark_unchanged();
        let reply = pull_once(&state, &headers, p.after, limit).await?;
        if !reply.changes.is_empty() || !reply.settings.is_empty() {
            return Ok(Json(reply));
        }
        match tokio::time::timeout_at(deadline, changes.changed()).await {
            Ok(Ok(())) => continue,
            _ => return Ok(Json(reply)),
        }
    }
}

async fn pull_once(
    state: &AppState,
    headers: &HeaderMap,
    after: i64,
    limit: i64,
) -> Result<PullReply, ApiError> {
    // One snapshot for the contacts and the settings: a change committed between two reads
    // could otherwise be passed by the cursor.
    let (mut tx, _) = begin_with(
        state,
        headers,
        "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
    )
    .await?;
    let rows: Vec<ChangeRow> = sqlx::query_as(
        "SELECT version, id, member_id, deleted_at, body FROM contacts \
         WHERE team_id = cm_team() AND version > $1 ORDER BY version LIMIT $2",
    )
    .bind(after)
    .bind(limit + 1)
    .fetch_all(&mut *tx)
    .await?;
    let latest: i64 = if more_than_page(&rows, limit) {
        sqlx::query_scalar(
            "SELECT COALESCE(MAX(version), 0) FROM contacts WHERE team_id = cm_team()",
        )
        .fetch_one(&mut *tx)
        .await?
    } else {
        rows.last().map_or(after, |r| r.0)
    };
    let settings_changed: Option<i64> = sqlx::query_scalar(
        "SELECT MAX(version) FROM team_settings WHERE team_id = cm_team() AND version > $1",
    )
    .bind(after)
    .fetch_one(&mut *tx)
    .await?;
    let settings: Vec<(String, Option<String>)> = if settings_changed.is_some() {
        sqlx::query_as(
            "SELECT key, value FROM team_settings WHERE team_id = cm_team() ORDER BY key",
        )
        .fetch_all(&mut *tx)
        .await?
    } else {
        Vec::new()
    };
    tx.commit().await?;
    let more = more_than_page(&rows, limit);
    let changes: Vec<Change> = rows
        .into_iter()
        .take(usize::try_from(limit).unwrap_or(0))
        .map(
            |(version, contact_id, member_id, deleted_at, body)| Change {
                version,
                contact_id,
                member_id,
                contact: body.map(|b| b.0),
                deleted_at,
            },
        )
        .collect();
    let last = changes.last().map_or(after, |c| c.version);
    let cursor = if more {
        last
    } else {
        last.max(settings_changed.unwrap_or(after))
    };
    Ok(PullReply {
        changes,
        settings,
        cursor,
        more,
        latest,
    })
}

/// Whether a page read with one row past its limit found more than fits.
fn more_than_page(rows: &[ChangeRow], limit: i64) -> bool {
    rows.len() as i64 > limit
}

async fn add_member(
    State(state): State<AppState>,
    headers: HeaderMap,
    Json(req): Json<NewMember>,
) -> ApiResult<NewMemberReply> {
    let name =
        validate::short_text("name", Some(&req.name), validate::STAFF_MAX)?.ok_or_else(|| {
            ApiError::from(contactmoment_core::Error::validation(
                "name",
                contactmoment_core::ValidationKind::Required,
                "a name is required",
            ))
        })?;
    let (mut tx, _) = begin(&state, &headers).await?;
    let code = secret::new();
    let member_id: Uuid =
        sqlx::query_scalar("SELECT cm_add_member($1, $2, $3, now() + make_interval(hours => $4))")
            .bind(&name)
            .bind(req.role.as_str())
            .bind(secret::hash(&code))
            .bind(i32::try_from(state.public.code_hours).unwrap_or(i32::MAX))
            .fetch_one(&mut *tx)
            .await?;
    tx.commit().await?;
    Ok(Json(NewMemberReply {
        member_id,
        join_code: state.public.code(code),
    }))
}

async fn remove_member(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<Uuid>,
) -> ApiResult<serde_json::Value> {
    let (mut tx, _) = begin(&state, &headers).await?;
    let removed: bool = sqlx::query_scalar("SELECT cm_remove_member($1)")
        .bind(id)
        .fetch_one(&mut *tx)
        .await?;
    tx.commit().await?;
    if !removed {
        return Err(ApiError::new(
            StatusCode::NOT_FOUND,
            "not_found",
            "no such member in this team",
        ));
    }
    Ok(Json(serde_json::json!({ "removed": id })))
}

async fn set_settings(
    State(state): State<AppState>,
    headers: HeaderMap,
    Json(req): Json<TeamSettings>,
) -> ApiResult<serde_json::Value> {
    if let Some((key, _)) = req
        .values
        .iter()
        .find(|(k, _)| !TEAM_SETTINGS.contains(&k.as_str()))
    {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation",
            format!("{key} is not a team setting"),
        ));
    }
    let (mut tx, who) = begin(&state, &headers).await?;
    if who.member.role != Role::Lead {
        return Err(ApiError::forbidden(
            "only a team lead can change the team's settings",
        ));
    }
    let version: i64 = sqlx::query_scalar("SELECT cm_next_versions(1)")
        .fetch_one(&mut *tx)
        .await?;
    for (key, value) in &req.values {
        sqlx::query(
            "INSERT INTO team_settings (team_id, key, value, version) VALUES (cm_team(), $1, $2, $3) \
             ON CONFLICT (team_id, key) DO UPDATE SET value = excluded.value, version = excluded.version",
        )
        .bind(key)
        .bind(value)
        .bind(version)
        .execute(&mut *tx)
        .await?;
    }
    sqlx::query("SELECT pg_notify($1, cm_team()::text)")
        .bind(CHANNEL)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(Json(serde_json::json!({ "version": version })))
}

async fn leave(State(state): State<AppState>, headers: HeaderMap) -> ApiResult<serde_json::Value> {
    let (mut tx, who) = begin(&state, &headers).await?;
    sqlx::query("SELECT cm_leave($1)")
        .bind(who.device)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(Json(serde_json::json!({ "left": true })))
}
