//! What the server's administrator does on the database directly (as the schema's owner):
//! bring the schema up to date, create a team with its first lead, and give the role the
//! server connects as its rights.

use contactmoment_core::team::wire::Role;
use contactmoment_core::team::JoinCode;
use sqlx::PgPool;
use uuid::Uuid;

use crate::secret;

/// How long a join code stays good when nothing else is said.
pub const CODE_HOURS: i64 = 7 * 24;

/// Where desktops reach this server and which CA they should trust for it.
#[derive(Debug, Clone)]
pub struct Public {
    pub url: String,
    pub ca_pem: Option<String>,
    pub code_hours: i64,
}

impl Public {
    /// A join code for the one-time `secret`.
    pub fn code(&self, secret: String) -> String {
        JoinCode {
            server: self.url.clone(),
            secret,
            ca_pem: self.ca_pem.clone(),
        }
        .encode()
    }
}

pub async fn migrate(owner: &PgPool) -> Result<(), sqlx::migrate::MigrateError> {
    crate::db::MIGRATOR.run(owner).await
}

/// Lets the login role `login` act for the server (it must exist; it gets nothing else).
pub async fn grant_server_role(owner: &PgPool, login: &str) -> Result<(), sqlx::Error> {
    let quoted = format!("\"{}\"", login.replace('"', "\"\""));
    sqlx::query(&format!("GRANT contactmoment_app TO {quoted}"))
        .execute(owner)
        .await?;
    Ok(())
}

/// A member and a join code for their first desktop, in the caller's transaction.
async fn member_with_code(
    tx: &mut sqlx::PgConnection,
    team: Uuid,
    name: &str,
    role: Role,
    public: &Public,
) -> Result<(Uuid, String), sqlx::Error> {
    let member = Uuid::now_v7();
    sqlx::query("INSERT INTO members (id, team_id, name, role) VALUES ($1, $2, $3, $4)")
        .bind(member)
        .bind(team)
        .bind(name)
        .bind(role.as_str())
        .execute(&mut *tx)
        .await?;
    let code = secret::new();
    sqlx::query(
        "INSERT INTO join_codes (code_hash, member_id, expires_at) \
         VALUES ($1, $2, now() + make_interval(hours => $3))",
    )
    .bind(secret::hash(&code))
    .bind(member)
    .bind(i32::try_from(public.code_hours).unwrap_or(i32::MAX))
    .execute(&mut *tx)
    .await?;
    Ok((member, public.code(code)))
}

/// A new team, its lead and the lead's join code.
pub struct NewTeam {
    pub team_id: Uuid,
    pub lead_id: Uuid,
    pub lead_code: String,
}

pub async fn create_team(
    owner: &PgPool,
    name: &str,
    lead: &str,
    public: &Public,
) -> Result<NewTeam, sqlx::Error> {
    let mut tx = owner.begin().await?;
    let team_id = Uuid::now_v7();
    sqlx::query("INSERT INTO teams (id, name, pseudonym_key) VALUES ($1, $2, $3)")
        .bind(team_id)
        .bind(name)
        .bind(secret::new_key().to_vec())
        .execute(&mut *tx)
        .await?;
    let (lead_id, lead_code) = member_with_code(&mut tx, team_id, lead, Role::Lead, public).await?;
    tx.commit().await?;
    Ok(NewTeam {
        team_id,
        lead_id,
        lead_code,
    })
}

/// Adds a member to a team as the administrator (a lead does it through the API).
pub async fn add_member(
    owner: &PgPool,
    team: Uuid,
    name: &str,
    role: Role,
    public: &Public,
) -> Result<(Uuid, String), sqlx::Error> {
    let mut tx = owner.begin().await?;
    let made = member_with_code(&mut tx, team, name, role, public).await?;
    tx.commit().await?;
    Ok(made)
}
