//! The team's data protection duties on the server itself, so that they do not wait for a
//! desk to come online: erasing one customer's contacts (GDPR article 17) and the team's
//! retention setting. An erased contact keeps its id as a tombstone with a new change
//! number, so that every desk holding it erases it at its next pull.

use chrono::NaiveDate;
use contactmoment_core::{pseudonym, validate};
use sqlx::{PgPool, Postgres, Transaction};
use uuid::Uuid;

use crate::api::CHANNEL;

/// What an erasure or retention run did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Erased {
    /// Contacts erased whole (only their id is left).
    pub contacts: u64,
    /// Contacts whose note was erased.
    pub notes: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum PrivacyError {
    #[error("{0}")]
    Invalid(String),
    #[error("team {0} does not exist or has no lead to act for")]
    NoTeam(Uuid),
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

/// A transaction acting for one of the team's leads: row-level security then shows the
/// owner exactly the team's contacts, and the guard lets it erase them.
async fn as_team_lead(
    owner: &PgPool,
    team: Uuid,
) -> Result<Transaction<'static, Postgres>, PrivacyError> {
    let mut tx = owner.begin().await?;
    let lead: Option<Uuid> = sqlx::query_scalar(
        "SELECT id FROM members WHERE team_id = $1 AND role = 'lead' AND removed_at IS NULL \
         ORDER BY id LIMIT 1",
    )
    .bind(team)
    .fetch_optional(&mut *tx)
    .await?;
    let lead = lead.ok_or(PrivacyError::NoTeam(team))?;
    sqlx::query("SELECT set_config('cm.member', $1, true)")
        .bind(lead.to_string())
        .execute(&mut *tx)
        .await?;
    Ok(tx)
}

/// Gives the contacts `ids` new change numbers in commit order and wakes waiting pulls.
async fn renumber(
    tx: &mut Transaction<'static, Postgres>,
    ids: &[Uuid],
    set: &str,
) -> Result<(), sqlx::Error> {
    if ids.is_empty() {
        return Ok(());
    }
    let first: i64 = sqlx::query_scalar("SELECT cm_next_versions($1)")
        .bind(ids.len() as i64)
        .fetch_one(&mut **tx)
        .await?;
    sqlx::query(&format!(
        "UPDATE contacts AS c SET {set}, version = $2 + n.i - 1, changed_at = now(), device_id = $3 \
         FROM unnest($1::uuid[]) WITH ORDINALITY AS n (id, i) WHERE c.id = n.id"
    ))
    .bind(ids)
    .bind(first)
    .bind(Uuid::nil())
    .execute(&mut **tx)
    .await?;
    sqlx::query("SELECT pg_notify($1, cm_team()::text)")
        .bind(CHANNEL)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Erases every contact of one customer in a team: stored as typed or as the team's
/// pseudonym of it. References a desk pseudonymised with its own key before it joined are
/// found only on that desk (`contactmoment erase --customer` there).
pub async fn erase_customer(
    owner: &PgPool,
    team: Uuid,
    reference: &str,
) -> Result<u64, PrivacyError> {
    let reference = validate::short_text("customer_ref", Some(reference), validate::SHORT_MAX)
        .map_err(|e| PrivacyError::Invalid(e.to_string()))?
        .ok_or_else(|| PrivacyError::Invalid("a customer reference is required".into()))?;
    let mut tx = as_team_lead(owner, team).await?;
    let key: Vec<u8> = sqlx::query_scalar("SELECT cm_team_key()")
        .fetch_one(&mut *tx)
        .await?;
    let key: [u8; 32] = key
        .try_into()
        .map_err(|_| PrivacyError::Invalid("the team's key is not 32 bytes".into()))?;
    let mut forms = vec![reference.clone()];
    if !reference.starts_with(pseudonym::PREFIX) {
        forms.push(pseudonym::keyed(&key, &reference));
    }
    let ids: Vec<Uuid> = sqlx::query_scalar(
        "SELECT id FROM contacts WHERE team_id = cm_team() AND body IS NOT NULL \
         AND body->>'customer_ref' = ANY($1) ORDER BY id FOR UPDATE",
    )
    .bind(&forms)
    .fetch_all(&mut *tx)
    .await?;
    renumber(&mut tx, &ids, "body = NULL, deleted_at = NULL").await?;
    tx.commit().await?;
    Ok(ids.len() as u64)
}

/// Applies the team's retention setting as of `today`: erases the notes (or, when the lead
/// chose so, whole contacts) from before the cut-off. `None` when the team keeps everything.
pub async fn apply_retention(
    owner: &PgPool,
    team: Uuid,
    today: NaiveDate,
) -> Result<Option<(NaiveDate, Erased)>, PrivacyError> {
    let mut tx = as_team_lead(owner, team).await?;
    let settings: Vec<(String, Option<String>)> = sqlx::query_as(
        "SELECT key, value FROM team_settings WHERE team_id = cm_team() \
         AND key IN ('retention_months', 'retention_whole_contacts')",
    )
    .fetch_all(&mut *tx)
    .await?;
    let value = |key: &str| {
        settings
            .iter()
            .find(|(k, _)| k == key)
            .and_then(|(_, v)| v.clone())
    };
    let Some(months) = value("retention_months").and_then(|m| m.parse::<u32>().ok()) else {
        return Ok(None);
    };
    let whole = value("retention_whole_contacts").as_deref() == Some("true");
    let cutoff = today
        .checked_sub_months(chrono::Months::new(months))
        .unwrap_or(NaiveDate::MIN);
    let condition = if whole {
        "body IS NOT NULL"
    } else {
        "body->>'note' IS NOT NULL"
    };
    let ids: Vec<Uuid> = sqlx::query_scalar(&format!(
        "SELECT id FROM contacts WHERE team_id = cm_team() AND {condition} \
         AND body->>'local_date' < $1 ORDER BY id FOR UPDATE"
    ))
    .bind(cutoff.to_string())
    .fetch_all(&mut *tx)
    .await?;
    let (set, erased) = if whole {
        (
            "body = NULL, deleted_at = NULL",
            Erased {
                contacts: ids.len() as u64,
                notes: 0,
            },
        )
    } else {
        (
            "body = c.body || '{\"note\": null}'::jsonb",
            Erased {
                contacts: 0,
                notes: ids.len() as u64,
            },
        )
    };
    renumber(&mut tx, &ids, set).await?;
    tx.commit().await?;
    Ok(Some((cutoff, erased)))
}

/// Every team, for a retention run over all of them.
pub async fn teams(owner: &PgPool) -> Result<Vec<(Uuid, String)>, sqlx::Error> {
    sqlx::query_as("SELECT id, name FROM teams ORDER BY name, id")
        .fetch_all(owner)
        .await
}
