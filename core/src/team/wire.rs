//! The messages between a desktop and the team server, as JSON over HTTPS.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use uuid::Uuid;

use crate::model::Contact;

/// A member's role in their team.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Reads and writes their own contacts.
    Staff,
    /// Also reads the team's contacts, marks follow-ups done and sets the team's settings.
    Lead,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Staff => "staff",
            Role::Lead => "lead",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "staff" => Some(Role::Staff),
            "lead" => Some(Role::Lead),
            _ => None,
        }
    }
}

/// Who a device token belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    pub member_id: Uuid,
    pub name: String,
    pub role: Role,
    pub team_id: Uuid,
    pub team_name: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct JoinRequest {
    pub secret: String,
    /// How the device shows in the member's list of devices.
    pub device_name: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct JoinReply {
    pub member: Member,
    pub device_id: Uuid,
    /// The device's secret; the server keeps only its hash.
    pub token: String,
    /// The team's pseudonym key (64 hex digits): every desk of the team pseudonymises a
    /// customer reference the same way.
    pub pseudonym_key: String,
}

/// One change a desktop made: the contact as it now is, or its erasure.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Op {
    /// The same operation sent twice (a lost reply, a retry) is applied once.
    pub op_id: Uuid,
    pub contact_id: Uuid,
    /// When the desktop made the change; with the device id, it decides between edits.
    pub changed_at: DateTime<Utc>,
    /// `None` erases the contact for good (an erasure request or retention).
    pub contact: Option<Contact>,
    pub deleted_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PushRequest {
    pub ops: Vec<Op>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PushReply {
    /// Changes that became the contact's current version.
    pub applied: u64,
    /// Operations already applied before (resent), or older than the version the server has.
    pub skipped: u64,
}

/// A contact as the server has it now, numbered in commit order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Change {
    pub version: i64,
    pub contact_id: Uuid,
    pub member_id: Uuid,
    /// `None` when the contact was erased: only its id travels.
    pub contact: Option<Contact>,
    pub deleted_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct PullReply {
    pub changes: Vec<Change>,
    /// The team's settings when any changed after the cursor, else empty.
    pub settings: Vec<(String, Option<String>)>,
    /// Where the next pull starts.
    pub cursor: i64,
    /// Whether more changes wait beyond this page.
    pub more: bool,
    /// The newest change the member may see: a cursor is at most this far behind, which
    /// tells a desk whether a large pull is coming.
    #[serde(default)]
    pub latest: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct NewMember {
    pub name: String,
    pub role: Role,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct NewMemberReply {
    pub member_id: Uuid,
    /// A one-time code for the member's first desktop.
    pub join_code: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TeamSettings {
    pub values: Vec<(String, Option<String>)>,
}

/// A refusal, as every endpoint sends it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Refusal {
    pub code: String,
    pub message: String,
    pub field: Option<String>,
}
