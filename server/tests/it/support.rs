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
    server: Option<tokio::runtime::Runtime>,
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
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
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

    /// Serves on a runtime of its own, so that stopping it drops every open connection as
    /// a crash would.
    async fn serve(&mut self, listener: std::net::TcpListener) {
        let (cluster, db, public) = (self.cluster.clone(), self.db.clone(), self.public.clone());
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let (ready, started) = tokio::sync::oneshot::channel();
        runtime.spawn(async move {
            let pool = server_pool(&cluster, &db).await;
            contactmoment_server::db::check_role(&pool).await.unwrap();
            let state = AppState::new(pool, public).await.unwrap();
            listener.set_nonblocking(true).unwrap();
            let listener = tokio::net::TcpListener::from_std(listener).unwrap();
            ready.send(()).unwrap();
            let _ = axum::serve(listener, router(state)).await;
        });
        started.await.unwrap();
        self.server = Some(runtime);
    }

    /// Stops the server (a crash: no goodbye to anyone, open connections cut); returns once
    /// its address refuses connections.
    pub fn stop_server(&mut self) {
        if let Some(runtime) = self.server.take() {
            runtime.shutdown_background();
            while std::net::TcpStream::connect(self.addr).is_ok() {
                std::thread::sleep(std::time::Duration::from_millis(10));
            }
        }
    }

    /// Starts the server again on the same address.
    pub async fn restart_server(&mut self) {
        self.stop_server();
        let listener = loop {
            match std::net::TcpListener::bind(self.addr) {
                Ok(l) => break l,
                Err(_) => tokio::time::sleep(std::time::Duration::from_millis(50)).await,
            }
        };
        self.serve(listener).await;
    }

    /// Writes `n` contacts of `member` straight into the server's database, as a big team's
    /// history looks: spread over the two years up to 2026-11-29 in no particular order,
    /// every 50th deleted and every 97th erased.
    pub async fn write_history(&self, member: Uuid, n: i64) {
        let mut tx = self.owner.begin().await.unwrap();
        let first: i64 = sqlx::query_scalar(
            "UPDATE teams SET version = version + $1 WHERE id = $2 RETURNING version - $1",
        )
        .bind(n)
        .bind(self.team_id)
        .fetch_one(&mut *tx)
        .await
        .unwrap();
        sqlx::query(
            "WITH g AS (SELECT i, gen_random_uuid() AS id, (date '2026-11-29' - (i % 728)::int) AS d FROM generate_series(1, $1::bigint) AS i)
             INSERT INTO contacts (id, team_id, member_id, version, changed_at, device_id, deleted_at, body)
             SELECT id, $2, $3, $4 + i, now(), gen_random_uuid(),
                    CASE WHEN i % 50 = 0 THEN now() END,
                    CASE WHEN i % 97 <> 0 THEN jsonb_build_object(
                      'id', id, 'occurred_at', to_char(d, 'YYYY-MM-DD') || 'T10:00:00+01:00',
                      'local_date', to_char(d, 'YYYY-MM-DD'), 'iso_week', to_char(d, 'IYYY-\"W\"IW'),
                      'logged_at', to_char(d, 'YYYY-MM-DD') || 'T09:00:01.000Z',
                      'updated_at', to_char(d, 'YYYY-MM-DD') || 'T09:00:01.000Z',
                      'staff', 'Staff ' || (i % 200), 'staff_id', null,
                      'channel', (array['phone','email','chat','counter'])[1 + i % 4],
                      'functional', 1 + (i * 7) % 5, 'emotional', 1 + (i * 3) % 5,
                      'topic', (array['billing','delivery','returns', null])[1 + i % 4],
                      'customer_ref', null, 'note', null, 'follow_up', false,
                      'follow_up_done_at', null, 'follow_up_done_by', null) END
             FROM g",
        )
        .bind(n)
        .bind(self.team_id)
        .bind(member)
        .bind(first)
        .execute(&mut *tx)
        .await
        .unwrap();
        tx.commit().await.unwrap();
    }

    /// The team's live contacts per ISO week, counted on the server.
    pub async fn live_weeks(&self) -> Vec<(String, i64)> {
        sqlx::query_as(
            "SELECT body->>'iso_week', count(*) FROM contacts \
             WHERE team_id = $1 AND body IS NOT NULL AND deleted_at IS NULL \
             GROUP BY 1 ORDER BY 1",
        )
        .bind(self.team_id)
        .fetch_all(&self.owner)
        .await
        .unwrap()
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
