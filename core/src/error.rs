//! One error type for the whole core, and the `{code, message, field}` shape it takes when
//! it crosses to the web view. The set of codes is closed so the UI can react to each one;
//! database error text is logged, never shown.

use std::fmt;

use serde::Serialize;
use ts_rs::TS;

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Why a field was refused; lets the UI phrase the message in the user's language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ValidationKind {
    Required,
    OutOfRange,
    TooLong,
    ControlCharacters,
    UnknownChannel,
    Unparseable,
    InFuture,
    /// Another program holds it (a system-wide shortcut).
    Taken,
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{field}: {message}")]
    Validation {
        field: String,
        kind: ValidationKind,
        message: String,
    },
    #[error("no contact with id {0}")]
    NotFound(String),
    #[error("{0}")]
    Conflict(String),
    #[error("storage: {0}")]
    Storage(#[from] sqlx::Error),
    #[error("migration: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("{0}")]
    Import(Rejection),
    /// A file that cannot be used, with what is wrong in words for people.
    #[error("{0}")]
    Unusable(String),
    /// A journal or backup that cannot be opened, and why.
    #[error("{message}")]
    Journal {
        problem: FileProblem,
        message: String,
    },
    /// The team server could not be reached; what was saved here stays and syncs later.
    #[error("{0}")]
    Unreachable(String),
    /// The team server refused: this member may not do that, or the desk left the team.
    #[error("{0}")]
    NotAllowed(String),
    #[error("{0}")]
    Internal(String),
}

impl Error {
    pub fn validation(field: &str, kind: ValidationKind, message: impl Into<String>) -> Self {
        Self::Validation {
            field: field.to_owned(),
            kind,
            message: message.into(),
        }
    }

    pub fn code(&self) -> ErrorCode {
        match self {
            Self::Validation { .. } | Self::Import(_) => ErrorCode::Validation,
            Self::NotFound(_) => ErrorCode::NotFound,
            Self::Conflict(_) => ErrorCode::Conflict,
            Self::Storage(_)
            | Self::Migrate(_)
            | Self::Io(_)
            | Self::Unusable(_)
            | Self::Journal { .. } => ErrorCode::Storage,
            Self::Unreachable(_) => ErrorCode::Unreachable,
            Self::NotAllowed(_) => ErrorCode::NotAllowed,
            Self::Internal(_) => ErrorCode::Internal,
        }
    }
}

/// What is wrong with a journal file that cannot be opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum FileProblem {
    Missing,
    /// SQLite's check finds it damaged, or it cannot be read.
    Damaged,
    /// Not an SQLite database, or one without a journal's tables.
    NotJournal,
    /// Written by a newer version of Contactmoment than this one.
    Newer,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    Validation,
    NotFound,
    Conflict,
    Storage,
    Unreachable,
    NotAllowed,
    Internal,
}

impl ErrorCode {
    const ALL: [ErrorCode; 7] = [
        ErrorCode::Validation,
        ErrorCode::NotFound,
        ErrorCode::Conflict,
        ErrorCode::Storage,
        ErrorCode::Unreachable,
        ErrorCode::NotAllowed,
        ErrorCode::Internal,
    ];

    /// The code as the web view receives it (`not_allowed`).
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::Validation => "validation",
            ErrorCode::NotFound => "not_found",
            ErrorCode::Conflict => "conflict",
            ErrorCode::Storage => "storage",
            ErrorCode::Unreachable => "unreachable",
            ErrorCode::NotAllowed => "not_allowed",
            ErrorCode::Internal => "internal",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == s)
    }
}

/// What a failed command returns to the web view.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct ErrorPayload {
    pub code: ErrorCode,
    pub message: String,
    /// The input field at fault, for validation errors.
    pub field: Option<String>,
    pub kind: Option<ValidationKind>,
}

impl From<&Error> for ErrorPayload {
    fn from(e: &Error) -> Self {
        match e {
            Error::Validation {
                field,
                kind,
                message,
            } => Self {
                code: ErrorCode::Validation,
                message: message.clone(),
                field: Some(field.clone()),
                kind: Some(*kind),
            },
            Error::Storage(_) | Error::Migrate(_) | Error::Io(_) | Error::Internal(_) => {
                tracing::error!(error = %e, "command failed");
                Self {
                    code: e.code(),
                    message: "The journal could not be read or written; nothing was changed."
                        .to_owned(),
                    field: None,
                    kind: None,
                }
            }
            Error::Import(r) => Self {
                code: ErrorCode::Validation,
                message: r.to_string(),
                field: Some("file".to_owned()),
                kind: None,
            },
            Error::NotFound(_)
            | Error::Conflict(_)
            | Error::Unreachable(_)
            | Error::NotAllowed(_)
            | Error::Unusable(_)
            | Error::Journal { .. } => Self {
                code: e.code(),
                message: e.to_string(),
                field: None,
                kind: None,
            },
        }
    }
}

impl From<Error> for ErrorPayload {
    fn from(e: Error) -> Self {
        Self::from(&e)
    }
}

/// One refused row (row 1 is the header, as in a spreadsheet).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    pub row: u64,
    pub column: Option<String>,
    pub reason: String,
}

impl fmt::Display for RowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.column {
            Some(c) => write!(f, "row {}, column {c}: {}", self.row, self.reason),
            None => write!(f, "row {}: {}", self.row, self.reason),
        }
    }
}

/// Why a file was refused: the first problems found (at most
/// [`crate::import::MAX_LISTED_ERRORS`]) and a count of the rest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    pub errors: Vec<RowError>,
    pub unlisted: u64,
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let total = self.errors.len() as u64 + self.unlisted;
        write!(f, "the file was not imported: {total} problem(s)")?;
        for e in &self.errors {
            write!(f, "\n{e}")?;
        }
        if self.unlisted > 0 {
            write!(f, "\n… and {} more", self.unlisted)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_error_code_reads_back_as_the_web_view_spells_it() {
        for code in ErrorCode::ALL {
            let json = serde_json::to_value(code).expect("code");
            assert_eq!(json.as_str(), Some(code.as_str()));
            assert_eq!(ErrorCode::parse(code.as_str()), Some(code));
        }
        assert_eq!(ErrorCode::parse("nonsense"), None);
    }
}
