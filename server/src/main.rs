//! `contactmoment-server`: the team server. See `contactmoment-server --help`.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use contactmoment_core::team::wire::Role;
use contactmoment_core::{Clock, SystemClock};
use contactmoment_server::admin::{self, Public, CODE_HOURS};
use contactmoment_server::{db, privacy, router, AppState};
use uuid::Uuid;

const DB_ENV: &str = "CONTACTMOMENT_SERVER_DB";
const OWNER_DB_ENV: &str = "CONTACTMOMENT_SERVER_OWNER_DB";

#[derive(Parser)]
#[command(
    name = "contactmoment-server",
    version,
    about = "A team's shared contact moments: desktops sync with this server, PostgreSQL keeps the data",
    long_about = "A team's shared contact moments. Desktops keep their own journal and sync it with \
this server; PostgreSQL holds the team's data and enforces who sees what with row-level security.\n\n\
Set-up: create the database and a login role for the server, then run `migrate` and \
`grant` with the schema owner's address (CONTACTMOMENT_SERVER_OWNER_DB), `team-init` to make a \
team and its lead's join code, and `serve` with the server role's address \
(CONTACTMOMENT_SERVER_DB). The server refuses to run as a superuser or as the tables' owner.\n\n\
TLS: `serve` needs --cert and --key (PEM) unless --insecure-http is given, which is for a lab \
only: desktops then have to join with their own insecure flag. PostgreSQL is reached with \
sslmode=verify-full unless the address is a local socket or names its own sslmode."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Args)]
struct Published {
    /// The address desktops reach this server at, written into join codes (https://host:port).
    #[arg(long, env = "CONTACTMOMENT_SERVER_URL")]
    public_url: String,
    /// A CA certificate (PEM) for desktops to pin: join codes carry it.
    #[arg(long)]
    ca: Option<PathBuf>,
    /// How long a join code stays good, in hours.
    #[arg(long, default_value_t = CODE_HOURS)]
    code_hours: i64,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the API.
    Serve {
        /// The server role's PostgreSQL address (postgres://…).
        #[arg(long, env = DB_ENV)]
        db: String,
        #[arg(long, default_value = "127.0.0.1:8443")]
        listen: SocketAddr,
        /// The server's certificate chain (PEM).
        #[arg(long, required_unless_present = "insecure_http")]
        cert: Option<PathBuf>,
        /// The server's private key (PEM).
        #[arg(long, required_unless_present = "insecure_http")]
        key: Option<PathBuf>,
        /// Serve plain HTTP: for a lab on one machine only, never for a real team.
        #[arg(long)]
        insecure_http: bool,
        #[command(flatten)]
        public: Published,
    },
    /// Bring the database schema up to date (as the schema's owner).
    Migrate {
        #[arg(long, env = OWNER_DB_ENV)]
        owner_db: String,
    },
    /// Let a login role act as the server (it gets the contactmoment_app rights only).
    Grant {
        #[arg(long, env = OWNER_DB_ENV)]
        owner_db: String,
        /// The login role `serve` connects as.
        role: String,
    },
    /// Create a team and its first lead; prints the lead's join code.
    TeamInit {
        #[arg(long, env = OWNER_DB_ENV)]
        owner_db: String,
        /// The team's name.
        #[arg(long)]
        name: String,
        /// The lead's name.
        #[arg(long)]
        lead: String,
        #[command(flatten)]
        public: Published,
    },
    /// Add a member to a team; prints their join code.
    AddMember {
        #[arg(long, env = OWNER_DB_ENV)]
        owner_db: String,
        #[arg(long)]
        team: Uuid,
        #[arg(long)]
        name: String,
        #[arg(long, value_parser = ["staff", "lead"], default_value = "staff")]
        role: String,
        #[command(flatten)]
        public: Published,
    },
    /// Erase every contact of one customer in a team (GDPR article 17). Only the ids stay, so
    /// that every desk erases them too at its next sync.
    EraseCustomer {
        #[arg(long, env = OWNER_DB_ENV)]
        owner_db: String,
        #[arg(long)]
        team: Uuid,
        /// The customer's reference as staff typed it (or its pseudonym, ps:…).
        #[arg(long)]
        customer: String,
    },
    /// Apply each team's retention setting now (run it daily, e.g. from a systemd timer or
    /// cron): notes, or whole contacts, from before the cut-off are erased here and, at their
    /// next sync, on every desk.
    Retention {
        #[arg(long, env = OWNER_DB_ENV)]
        owner_db: String,
        /// Only this team (default: every team).
        #[arg(long)]
        team: Option<Uuid>,
    },
}

/// "1 contact", "3 contacts".
fn count(n: u64, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

fn public(p: Published) -> Result<Public, String> {
    let ca_pem = match &p.ca {
        Some(path) => {
            Some(std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?)
        }
        None => None,
    };
    Ok(Public {
        url: p.public_url,
        ca_pem,
        code_hours: p.code_hours,
    })
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
    match run(Cli::parse()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!("{e}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> Result<(), String> {
    let say = |s: String| {
        use std::io::Write;
        let _ = writeln!(std::io::stdout(), "{s}");
    };
    match cli.command {
        Command::Migrate { owner_db } => {
            let pool = db::connect(&owner_db, 1).await.map_err(|e| e.to_string())?;
            admin::migrate(&pool).await.map_err(|e| e.to_string())?;
            say("schema up to date".into());
        }
        Command::Grant { owner_db, role } => {
            let pool = db::connect(&owner_db, 1).await.map_err(|e| e.to_string())?;
            admin::grant_server_role(&pool, &role)
                .await
                .map_err(|e| e.to_string())?;
            say(format!("{role} may now act as the server"));
        }
        Command::TeamInit {
            owner_db,
            name,
            lead,
            public: p,
        } => {
            let public = public(p)?;
            let pool = db::connect(&owner_db, 1).await.map_err(|e| e.to_string())?;
            let team = admin::create_team(&pool, &name, &lead, &public)
                .await
                .map_err(|e| e.to_string())?;
            say(format!("team {}", team.team_id));
            say(format!("lead {} {}", team.lead_id, team.lead_code));
        }
        Command::AddMember {
            owner_db,
            team,
            name,
            role,
            public: p,
        } => {
            let public = public(p)?;
            let role = Role::parse(&role).unwrap_or(Role::Staff);
            let pool = db::connect(&owner_db, 1).await.map_err(|e| e.to_string())?;
            let (id, code) = admin::add_member(&pool, team, &name, role, &public)
                .await
                .map_err(|e| e.to_string())?;
            say(format!("{} {id} {code}", role.as_str()));
        }
        Command::EraseCustomer {
            owner_db,
            team,
            customer,
        } => {
            let pool = db::connect(&owner_db, 1).await.map_err(|e| e.to_string())?;
            let erased = privacy::erase_customer(&pool, team, &customer)
                .await
                .map_err(|e| e.to_string())?;
            say(match erased {
                1 => "erased 1 contact of that customer".into(),
                n => format!("erased {n} contacts of that customer"),
            });
        }
        Command::Retention { owner_db, team } => {
            let pool = db::connect(&owner_db, 1).await.map_err(|e| e.to_string())?;
            let mut teams = privacy::teams(&pool).await.map_err(|e| e.to_string())?;
            if let Some(only) = team {
                teams.retain(|(id, _)| *id == only);
                if teams.is_empty() {
                    return Err(format!("there is no team {only}"));
                }
            }
            let today = SystemClock.now().date_naive();
            let mut failed = 0;
            for (id, name) in teams {
                match privacy::apply_retention(&pool, id, today).await {
                    Ok(None) => say(format!("{name}: keeps everything")),
                    Ok(Some((cutoff, erased))) => say(format!(
                        "{name}: before {cutoff}, erased {} and {}",
                        count(erased.contacts, "contact", "contacts"),
                        count(erased.notes, "note", "notes")
                    )),
                    Err(e) => {
                        failed += 1;
                        tracing::error!("{name}: {e}");
                    }
                }
            }
            if failed > 0 {
                return Err(format!("retention failed for {failed} teams"));
            }
        }
        Command::Serve {
            db: url,
            listen,
            cert,
            key,
            insecure_http,
            public: p,
        } => {
            let public = public(p)?;
            let pool = db::connect(&url, 16).await.map_err(|e| e.to_string())?;
            db::check_role(&pool).await?;
            let state = AppState::new(pool, public)
                .await
                .map_err(|e| e.to_string())?;
            let app = router(state);
            match (cert, key) {
                (Some(cert), Some(key)) => {
                    let _ = rustls::crypto::ring::default_provider().install_default();
                    let tls = axum_server::tls_rustls::RustlsConfig::from_pem_file(&cert, &key)
                        .await
                        .map_err(|e| format!("certificate or key: {e}"))?;
                    tracing::info!(%listen, "serving HTTPS");
                    axum_server::bind_rustls(listen, tls)
                        .serve(app.into_make_service())
                        .await
                        .map_err(|e| e.to_string())?;
                }
                _ if insecure_http => {
                    tracing::warn!(%listen, "serving plain HTTP (--insecure-http): for a lab only");
                    let listener = tokio::net::TcpListener::bind(listen)
                        .await
                        .map_err(|e| e.to_string())?;
                    axum::serve(listener, app)
                        .await
                        .map_err(|e| e.to_string())?;
                }
                _ => {
                    return Err(
                        "--cert and --key are required (or --insecure-http in a lab)".into(),
                    )
                }
            }
        }
    }
    Ok(())
}
