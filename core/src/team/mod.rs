//! Team mode: each desktop keeps its own journal and shares it through a team server.
//!
//! Every change to a contact also lands, in the same SQLite transaction, in an outbox (a
//! trigger writes it, so no write path can forget). Syncing pushes the outbox and pulls what
//! the member may see that changed since their cursor. The server decides between concurrent
//! edits and numbers every change in commit order, so a pull never skips one.
//!
//! This module holds what both sides agree on: the messages ([`wire`]), the join code, and
//! which settings belong to the team rather than to the person at this desk.

pub mod client;
pub mod sync;
pub mod wire;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::{Error, Result, ValidationKind as K};
use wire::Member;

/// This desk's membership of a team, as the journal keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    pub server: String,
    pub ca_pem: Option<String>,
    /// Plain HTTP was allowed explicitly when joining (a lab, never a real team).
    pub insecure_http: bool,
    pub token: String,
    pub device_id: Uuid,
    pub member: Member,
    /// The last change pulled.
    pub cursor: i64,
    pub last_synced_at: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
    pub last_error_code: Option<crate::error::ErrorCode>,
    /// The team's pseudonym key, as 64 hex digits.
    pub pseudonym_key: String,
}

/// Settings a team shares: a lead sets them on the server and every desktop pulls them. The
/// others (display name, language, this desk's member id, its backups) belong to the person
/// at this desk and never leave it.
pub const TEAM_SETTINGS: [&str; 6] = [
    "target_functional",
    "target_emotional",
    "retention_months",
    "retention_whole_contacts",
    "pseudonymise_customers",
    "valued_every",
];

const CODE_PREFIX: &str = "CM1-";

/// What a join code carries: where the server is, the one-time secret, and optionally the
/// certificate authority to trust for that server (pinned: no other CA is accepted then).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JoinCode {
    /// `https://host:port`.
    #[serde(rename = "s")]
    pub server: String,
    /// The one-time secret.
    #[serde(rename = "c")]
    pub secret: String,
    /// A CA certificate in PEM.
    #[serde(rename = "ca", default, skip_serializing_if = "Option::is_none")]
    pub ca_pem: Option<String>,
}

impl JoinCode {
    /// The code as a person pastes it: one line, no spaces.
    pub fn encode(&self) -> String {
        let json = serde_json::to_vec(self).unwrap_or_default();
        format!("{CODE_PREFIX}{}", URL_SAFE_NO_PAD.encode(json))
    }

    pub fn decode(text: &str) -> Result<Self> {
        let bad = || {
            Error::validation(
                "code",
                K::Unparseable,
                "this is not a Contactmoment join code",
            )
        };
        let body = text.trim().strip_prefix(CODE_PREFIX).ok_or_else(bad)?;
        let json = URL_SAFE_NO_PAD.decode(body).map_err(|_| bad())?;
        serde_json::from_slice(&json).map_err(|_| bad())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_join_code_reads_back_and_refuses_what_is_not_one() {
        let code = JoinCode {
            server: "https://team.example:8443".into(),
            secret: "s3cret".into(),
            ca_pem: Some("-----BEGIN CERTIFICATE-----\nMII\n-----END CERTIFICATE-----\n".into()),
        };
        let text = code.encode();
        assert!(text.starts_with("CM1-") && !text.contains(char::is_whitespace));
        assert_eq!(JoinCode::decode(&format!("  {text}\n")).unwrap(), code);
        for bad in ["", "CM1-", "CM1-!!!", "cm1-abc", &text[..text.len() - 3]] {
            let err = JoinCode::decode(bad).unwrap_err();
            assert!(err.to_string().contains("join code"), "{bad}: {err}");
        }
    }
}
