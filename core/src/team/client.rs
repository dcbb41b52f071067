//! The desk's HTTPS client for the team server. It verifies the server's certificate: with
//! the CA from the join code only that CA, otherwise the system's roots. Plain HTTP is
//! refused unless the membership was made with the explicit lab flag.

use std::time::Duration;

use reqwest::{Certificate, StatusCode};
use serde::de::DeserializeOwned;
use serde::Serialize;

use super::wire::{
    JoinReply, JoinRequest, Member, NewMember, NewMemberReply, PullReply, PushReply, PushRequest,
    Refusal, TeamSettings,
};
use crate::error::{Error, Result, ValidationKind as K};

/// A pull waits at most this long for a change before it answers with none.
pub const LONG_POLL: Duration = Duration::from_secs(25);

#[derive(Clone, Debug)]
pub struct Client {
    http: reqwest::Client,
    base: String,
    token: Option<String>,
}

/// Why the server could not be reached or refused; never loses local data.
fn unreachable(server: &str, e: &reqwest::Error) -> Error {
    let mut why = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        why = format!("{why}: {s}");
        source = s.source();
    }
    Error::Unreachable(format!(
        "the team server {server} cannot be reached ({why})"
    ))
}

impl Client {
    /// A client for `server` (`https://host:port`).
    pub fn new(server: &str, ca_pem: Option<&str>, insecure_http: bool) -> Result<Self> {
        let base = server.trim().trim_end_matches('/').to_owned();
        let field = |msg: &str| Error::validation("server", K::Unparseable, msg);
        let url = reqwest::Url::parse(&base).map_err(|_| field("not a server address"))?;
        match url.scheme() {
            "https" => {}
            "http" if insecure_http => {}
            "http" => {
                return Err(field(
                    "plain http:// is refused: the team's contacts would cross the network \
                     unencrypted (use https://, or the insecure-http flag in a lab)",
                ))
            }
            _ => return Err(field("the server address must start with https://")),
        }
        let mut builder = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(10))
            .timeout(LONG_POLL + Duration::from_secs(20))
            .https_only(!insecure_http);
        if let Some(pem) = ca_pem {
            let ca = Certificate::from_pem(pem.as_bytes()).map_err(|_| {
                Error::validation(
                    "code",
                    K::Unparseable,
                    "the join code's CA is not a certificate",
                )
            })?;
            builder = builder
                .tls_built_in_root_certs(false)
                .add_root_certificate(ca);
        }
        let http = builder
            .build()
            .map_err(|e| Error::Internal(format!("no HTTPS client: {e}")))?;
        Ok(Self {
            http,
            base,
            token: None,
        })
    }

    /// The same client, acting as the device holding `token`.
    pub fn with_token(mut self, token: &str) -> Self {
        self.token = Some(token.to_owned());
        self
    }

    async fn send<T: DeserializeOwned>(&self, request: reqwest::RequestBuilder) -> Result<T> {
        let request = match &self.token {
            Some(t) => request.bearer_auth(t),
            None => request,
        };
        let reply = request
            .send()
            .await
            .map_err(|e| unreachable(&self.base, &e))?;
        let status = reply.status();
        if status.is_success() {
            return reply.json().await.map_err(|e| unreachable(&self.base, &e));
        }
        let refusal: Option<Refusal> = reply.json().await.ok();
        let message = refusal
            .as_ref()
            .map_or_else(|| status.to_string(), |r| r.message.clone());
        Err(match status {
            StatusCode::UNAUTHORIZED => Error::NotAllowed(format!(
                "the team server no longer accepts this desk ({message}); join again with a new code"
            )),
            StatusCode::FORBIDDEN => Error::NotAllowed(message),
            StatusCode::UNPROCESSABLE_ENTITY | StatusCode::BAD_REQUEST => match refusal {
                Some(Refusal {
                    field: Some(field), ..
                }) => Error::validation(&field, K::Unparseable, message),
                _ => Error::Conflict(message),
            },
            StatusCode::NOT_FOUND | StatusCode::CONFLICT => Error::Conflict(message),
            _ => Error::Unreachable(format!("the team server answered {status}: {message}")),
        })
    }

    fn url(&self, path: &str) -> String {
        format!("{}/v1/{path}", self.base)
    }

    fn post<B: Serialize>(&self, path: &str, body: &B) -> reqwest::RequestBuilder {
        self.http.post(self.url(path)).json(body)
    }

    pub async fn join(&self, request: &JoinRequest) -> Result<JoinReply> {
        self.send(self.post("join", request)).await
    }

    pub async fn me(&self) -> Result<Member> {
        self.send(self.http.get(self.url("me"))).await
    }

    pub async fn push(&self, request: &PushRequest) -> Result<PushReply> {
        self.send(self.post("push", request)).await
    }

    /// Changes after `cursor`; with `wait`, the server holds the request until one arrives
    /// or [`LONG_POLL`] passes.
    pub async fn pull(&self, cursor: i64, limit: u32, wait: bool) -> Result<PullReply> {
        let url = format!(
            "{}?after={cursor}&limit={limit}&wait={}",
            self.url("pull"),
            if wait { LONG_POLL.as_secs() } else { 0 }
        );
        self.send(self.http.get(url)).await
    }

    pub async fn add_member(&self, member: &NewMember) -> Result<NewMemberReply> {
        self.send(self.post("members", member)).await
    }

    pub async fn remove_member(&self, member_id: &str) -> Result<serde_json::Value> {
        self.send(self.http.delete(self.url(&format!("members/{member_id}"))))
            .await
    }

    pub async fn set_team_settings(&self, settings: &TeamSettings) -> Result<serde_json::Value> {
        self.send(self.post("settings", settings)).await
    }

    /// Revokes this device's token on the server.
    pub async fn leave(&self) -> Result<serde_json::Value> {
        self.send(self.post("leave", &serde_json::json!({}))).await
    }
}
