//! A team server on loopback over a throwaway database, and desktops (real journals in
//! temporary folders) that join it with the codes it hands out.

use std::net::SocketAddr;
use std::sync::Arc;

use contactmoment_core::team::client::Client;
use contactmoment_core::team::wire::Role;
use contactmoment_core::{ContactInput, Desk, SettingsInput, SystemClock};
use contactmoment_server::admin::{self, Public};
use contactmoment_server::{router, AppState};
use sqlx::PgPool;
use tempfile::TempDir;
use tokio::task::JoinHandle;
use uuid::Uuid;

use crate::pg::{self, Cluster};

/// The login role the server connects as: a member of contactmoment_app, nothing more.
pub const SERVER_ROLE: &str = "cm_server";

pub struct Team {
    pub cluster: Arc<Cluster>,
    pub db: String,
    pub owner: PgPool,
    pub team_id: Uuid,
    pub lead_code: String,
    pub public: Public,
    pub addr: SocketAddr,
    server: Option<JoinHandle<()>>,
}

pub async fn owner_pool(cluster: &Cluster, db: &str) -> PgPool {
    contactmoment_server::db::connect(&cluster.url(db, "postgres"), 4)
        .await
        .unwrap()
}

/// The server role's pool, as `serve` would open it.
pub async fn server_pool(cluster: &Cluster, db: &str) -> PgPool {
    contactmoment_server::db::connect(&cluster.url(db, SERVER_ROLE), 16)
        .await
        .unwrap()
}

/// A transaction as the server's role, acting for `member` as the server does per request.
pub async fn acting_as(pool: &PgPool, member: Uuid) -> sqlx::Transaction<'static, sqlx::Postgres> {
    let mut tx = pool.begin().await.unwrap();
    sqlx::query("SELECT set_config('cm.member', $1, true)")
        .bind(member.to_string())
        .execute(&mut *tx)
        .await
        .unwrap();
    tx
}

/// A migrated database with the server role allowed in, on the shared cluster.
pub async fn database() -> (Arc<Cluster>, String, PgPool) {
    database_on(pg::shared()).await
}

async fn database_on(cluster: Arc<Cluster>) -> (Arc<Cluster>, String, PgPool) {
    let db = cluster.new_database();
    let owner = owner_pool(&cluster, &db).await;
    admin::migrate(&owner).await.unwrap();
    admin::grant_server_role(&owner, SERVER_ROLE).await.unwrap();
    (cluster, db, owner)
}

impl Team {
    /// A team with its lead, and a server for it on plain HTTP (the desktops join with the
    /// lab flag; the TLS tests start their own).
    pub async fn start(name: &str) -> Self {
        Self::start_on(pg::shared(), name).await
    }

    /// The same on a cluster of the test's own (one it may crash).
    pub async fn start_alone(name: &str) -> Self {
        Self::start_on(pg::own(), name).await
    }

    async fn start_on(cluster: Arc<Cluster>, name: &str) -> Self {
        let (cluster, db, owner) = database_on(cluster).await;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let public = Public {
            url: format!("http://{addr}"),
            ca_pem: None,
            code_hours: 1,
        };
        let made = admin::create_team(&owner, name, "Lea Lead", &public)
            .await
            .unwrap();
        let mut team = Self {
            cluster,
            db,
            owner,
            team_id: made.team_id,
            lead_code: made.lead_code,
            public,
            addr,
            server: None,
        };
        team.serve(listener).await;
        team
    }

    async fn serve(&mut self, listener: tokio::net::TcpListener) {
        let pool = server_pool(&self.cluster, &self.db).await;
        contactmoment_server::db::check_role(&pool).await.unwrap();
        let state = AppState::new(pool, self.public.clone()).await.unwrap();
        let app = router(state);
        self.server = Some(tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        }));
    }

    /// Stops the server (a crash: no goodbye to anyone).
    pub fn stop_server(&mut self) {
        if let Some(s) = self.server.take() {
            s.abort();
        }
    }

    /// Starts the server again on the same address.
    pub async fn restart_server(&mut self) {
        self.stop_server();
        let listener = loop {
            match tokio::net::TcpListener::bind(self.addr).await {
                Ok(l) => break l,
                Err(_) => tokio::time::sleep(std::time::Duration::from_millis(50)).await,
            }
        };
        self.serve(listener).await;
    }

    /// A member added by the administrator, with their join code.
    pub async fn member(&self, name: &str, role: Role) -> (Uuid, String) {
        admin::add_member(&self.owner, self.team_id, name, role, &self.public)
            .await
            .unwrap()
    }
}

impl Drop for Team {
    fn drop(&mut self) {
        self.stop_server();
    }
}

/// A desktop: its own journal in a temporary folder, with a display name set.
pub struct Desktop {
    pub dir: TempDir,
    pub desk: Desk,
}

impl Desktop {
    pub async fn new(name: &str) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let desk = Self::open_in(&dir).await;
        desk.journal()
            .save_settings(&SettingsInput {
                display_name: name.into(),
                ..SettingsInput::default()
            })
            .await
            .unwrap();
        Self { dir, desk }
    }

    async fn open_in(dir: &TempDir) -> Desk {
        Desk::open(
            &dir.path().join("journal.sqlite").display().to_string(),
            Arc::new(SystemClock),
        )
        .await
        .unwrap()
        .with_key_file(dir.path().join("key"))
    }

    /// Closes and opens the journal again, as after a restart of the app.
    pub async fn reopen(&mut self) {
        self.desk.close().await;
        self.desk = Self::open_in(&self.dir).await;
    }

    pub async fn join(name: &str, code: &str) -> Self {
        let d = Self::new(name).await;
        d.desk.join_team(code, true).await.unwrap();
        d
    }

    pub async fn log(&self, functional: i32, emotional: i32) -> String {
        self.desk
            .journal()
            .log(&ContactInput {
                functional: Some(functional),
                emotional: Some(emotional),
                topic: Some("billing".into()),
                ..ContactInput::default()
            })
            .await
            .unwrap()
            .id
            .to_string()
    }

    /// This desk's own client for the API, with its device token (plain HTTP to the test
    /// server): to send what its sync would not.
    pub async fn client(&self, team: &Team) -> Client {
        let pool = sqlx::SqlitePool::connect(&format!(
            "sqlite://{}?mode=ro",
            self.dir.path().join("journal.sqlite").display()
        ))
        .await
        .unwrap();
        let token: String = sqlx::query_scalar("SELECT token FROM team_link")
            .fetch_one(&pool)
            .await
            .unwrap();
        pool.close().await;
        Client::new(&format!("http://{}", team.addr), None, true)
            .unwrap()
            .with_token(&token)
    }

    /// Every live contact id in the journal, sorted.
    pub async fn ids(&self) -> Vec<String> {
        let mut ids: Vec<String> = self
            .desk
            .journal()
            .list(&Default::default())
            .await
            .unwrap()
            .into_iter()
            .map(|c| c.id.to_string())
            .collect();
        ids.sort();
        ids
    }
}
