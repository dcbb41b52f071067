//! Where the journal lives. One rule for the app and the CLI alike: `CONTACTMOMENT_DB` (a
//! path or a `sqlite:` URL) when set, otherwise `journal.sqlite` in the platform data
//! directory (`~/.local/share/contactmoment` on Linux).

use std::path::PathBuf;
use std::str::FromStr;

use crate::error::{Error, Result};

pub const DB_ENV: &str = "CONTACTMOMENT_DB";
pub const FILE_NAME: &str = "journal.sqlite";

/// The platform's default journal file.
pub fn default_path() -> Result<PathBuf> {
    directories::ProjectDirs::from("nl", "Contactmoment", "contactmoment")
        .map(|d| d.data_dir().join(FILE_NAME))
        .ok_or_else(|| {
            Error::Internal("no home directory to keep the journal in; set CONTACTMOMENT_DB".into())
        })
}

/// The journal location in force: the environment's, else the default path.
pub fn configured() -> Result<String> {
    match std::env::var(DB_ENV) {
        Ok(v) if !v.trim().is_empty() => Ok(v),
        _ => Ok(default_path()?.to_string_lossy().into_owned()),
    }
}

/// The file behind a location: the path itself, or the file a `sqlite:` URL names.
pub fn file_path(location: &str) -> Result<PathBuf> {
    if location.starts_with("sqlite:") {
        let options = sqlx::sqlite::SqliteConnectOptions::from_str(location)?;
        return Ok(options.get_filename().to_path_buf());
    }
    Ok(PathBuf::from(location))
}
