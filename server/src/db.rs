//! Connecting to PostgreSQL. sqlx's default `sslmode=prefer` silently falls back to plain
//! text, so the mode is set explicitly: `verify-full` for any host that is not a local
//! socket, unless the address itself says otherwise.

use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions, PgSslMode};

pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// Connection options for `url`, with TLS verified for every host that is not a socket.
pub fn options(url: &str) -> Result<PgConnectOptions, sqlx::Error> {
    let options = PgConnectOptions::from_str(url)?;
    let on_socket = options.get_socket().is_some() || options.get_host().starts_with('/');
    let says_mode = url.contains("sslmode=");
    Ok(if on_socket || says_mode {
        options
    } else {
        options.ssl_mode(PgSslMode::VerifyFull)
    })
}

pub async fn connect(url: &str, max: u32) -> Result<PgPool, sqlx::Error> {
    PgPoolOptions::new()
        .max_connections(max)
        .acquire_timeout(Duration::from_secs(10))
        .connect_with(options(url)?)
        .await
}

/// Refuses a role that would make the row-level security pointless: a superuser, one that
/// bypasses it, or the owner of the tables (owners are exempt unless forced, and own the
/// policies themselves).
pub async fn check_role(pool: &PgPool) -> Result<(), String> {
    let (superuser, bypass): (bool, bool) =
        sqlx::query_as("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user")
            .fetch_one(pool)
            .await
            .map_err(|e| e.to_string())?;
    let owns: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM pg_tables WHERE schemaname = 'public' AND tableowner = current_user",
    )
    .fetch_one(pool)
    .await
    .map_err(|e| e.to_string())?;
    if superuser || bypass || owns > 0 {
        return Err(
            "the server's database role must not be a superuser, bypass row-level security or \
             own the tables: connect as a role that is only a member of contactmoment_app"
                .into(),
        );
    }
    Ok(())
}
