//! TLS by default: a desk trusts only the CA its join code pins (or the system's), checks the
//! server's name, and refuses plain HTTP unless told otherwise; the server refuses to reach
//! PostgreSQL over TCP without verified TLS.

use contactmoment_core::team::client::Client;
use contactmoment_core::Error;
use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, KeyPair};

use crate::support::{database, server_pool, SERVER_ROLE};

struct Ca {
    cert: rcgen::Certificate,
    key: KeyPair,
}

fn ca(name: &str) -> Ca {
    let key = KeyPair::generate().unwrap();
    let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
    params.distinguished_name.push(DnType::CommonName, name);
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    Ca {
        cert: params.self_signed(&key).unwrap(),
        key,
    }
}

/// A certificate for `name`, signed by `ca`: (certificate PEM, key PEM).
fn leaf(ca: &Ca, name: &str) -> (String, String) {
    let key = KeyPair::generate().unwrap();
    let cert = CertificateParams::new(vec![name.to_owned()])
        .unwrap()
        .signed_by(&key, &ca.cert, &ca.key)
        .unwrap();
    (cert.pem(), key.serialize_pem())
}

/// Serves the API over HTTPS with this certificate; returns the port.
async fn https(cert: &str, key: &str) -> u16 {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let (cluster, db, _owner) = database().await;
    let pool = server_pool(&cluster, &db).await;
    let public = contactmoment_server::admin::Public {
        url: "https://localhost".into(),
        ca_pem: None,
        code_hours: 1,
    };
    let app = contactmoment_server::router(
        contactmoment_server::AppState::new(pool, public)
            .await
            .unwrap(),
    );
    let tls = axum_server::tls_rustls::RustlsConfig::from_pem(cert.into(), key.into())
        .await
        .unwrap();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        // The cluster lives as long as the server task.
        let _cluster = cluster;
        axum_server::from_tcp_rustls(listener, tls)
            .serve(app.into_make_service())
            .await
    });
    port
}

/// Whether a desk trusting `trusted` can talk to the server at `url`.
async fn reaches(url: &str, trusted: &Ca) -> Result<(), Error> {
    let client = Client::new(url, Some(&trusted.cert.pem()), false)?.with_token("no-such-token");
    match client.me().await {
        // The server answered (and refused the token): TLS itself was accepted.
        Err(Error::NotAllowed(_)) => Ok(()),
        Err(e) => Err(e),
        Ok(_) => panic!("an unknown token was accepted"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_desk_accepts_only_the_pinned_ca_and_the_right_name() {
    let team_ca = ca("The team's CA");
    let (cert, key) = leaf(&team_ca, "localhost");
    let port = https(&cert, &key).await;
    let url = format!("https://localhost:{port}");
    reaches(&url, &team_ca).await.unwrap();

    let wrong_ca = reaches(&url, &ca("Someone else's CA")).await.unwrap_err();
    assert!(matches!(wrong_ca, Error::Unreachable(_)), "{wrong_ca}");
    assert!(wrong_ca.to_string().contains("UnknownIssuer"), "{wrong_ca}");

    // The right CA, but the certificate names another host.
    let (other, other_key) = leaf(&team_ca, "team.example");
    let port = https(&other, &other_key).await;
    let wrong_name = reaches(&format!("https://localhost:{port}"), &team_ca)
        .await
        .unwrap_err();
    assert!(
        wrong_name.to_string().contains("not valid for name"),
        "{wrong_name}"
    );

    // Plain HTTP only with the explicit lab flag.
    let plain = Client::new(&format!("http://localhost:{port}"), None, false).unwrap_err();
    assert!(
        plain.to_string().contains("plain http:// is refused"),
        "{plain}"
    );
    assert!(Client::new(&format!("http://localhost:{port}"), None, true).is_ok());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_server_reaches_postgres_over_tcp_only_with_verified_tls() {
    let (cluster, db, _owner) = database().await;
    // Over TCP the server asks for verified TLS…
    let options = contactmoment_server::db::options(&cluster.tcp_url(&db, SERVER_ROLE)).unwrap();
    assert!(matches!(
        options.get_ssl_mode(),
        sqlx::postgres::PgSslMode::VerifyFull
    ));
    // …so with this cluster, which has no TLS, it refuses rather than fall back.
    let refused = contactmoment_server::db::connect(&cluster.tcp_url(&db, SERVER_ROLE), 1)
        .await
        .unwrap_err();
    assert!(
        refused.to_string().to_lowercase().contains("tls"),
        "{refused}"
    );
    // Over the local socket no TLS is needed.
    contactmoment_server::db::connect(&cluster.url(&db, SERVER_ROLE), 1)
        .await
        .unwrap();
}
