//! Pseudonymised customer references: with the setting on, the journal stores a keyed hash
//! (HMAC-SHA-256) of a reference instead of the reference. The key is a random secret in a
//! file outside the journal, so the journal (or a backup of it) alone cannot be searched for
//! a known customer number; with the key, the same reference always gives the same
//! pseudonym, so lookups and erasure by reference keep working.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;

use crate::error::{Error, Result};

/// What every pseudonym starts with, so that one is never hashed twice.
pub const PREFIX: &str = "ps:";

/// Where the key lives when `CONTACTMOMENT_KEY_FILE` does not say: the platform's config
/// directory (`~/.config/contactmoment/customer-key` on Linux), not beside the journal.
pub const KEY_FILE_ENV: &str = "CONTACTMOMENT_KEY_FILE";

pub fn default_key_file() -> Result<PathBuf> {
    if let Some(path) = std::env::var_os(KEY_FILE_ENV).filter(|v| !v.is_empty()) {
        return Ok(PathBuf::from(path));
    }
    directories::ProjectDirs::from("nl", "Contactmoment", "contactmoment")
        .map(|d| d.config_dir().join("customer-key"))
        .ok_or_else(|| {
            Error::Internal(format!("no home directory for the key; set {KEY_FILE_ENV}"))
        })
}

/// The key file, read once when first needed; in a team, the team's key instead, so that
/// the same customer gets the same pseudonym on every desk of the team.
#[derive(Debug)]
pub struct Keyring {
    path: Option<PathBuf>,
    key: Mutex<Option<[u8; 32]>>,
    team: Mutex<Option<[u8; 32]>>,
}

impl Keyring {
    /// The key in `path`; `None` for the default place.
    pub fn new(path: Option<PathBuf>) -> Self {
        Self {
            path,
            key: Mutex::new(None),
            team: Mutex::new(None),
        }
    }

    /// Uses the team's key from now on (`None`: this desk's own key again).
    pub fn set_team_key(&self, key: Option<[u8; 32]>) -> Result<()> {
        *self
            .team
            .lock()
            .map_err(|_| Error::Internal("the key lock was poisoned".into()))? = key;
        Ok(())
    }

    /// The team's key, while in a team.
    pub fn team_key(&self) -> Result<Option<[u8; 32]>> {
        Ok(*self
            .team
            .lock()
            .map_err(|_| Error::Internal("the key lock was poisoned".into()))?)
    }

    fn path(&self) -> Result<PathBuf> {
        self.path.clone().map_or_else(default_key_file, Ok)
    }

    /// The key, made (and saved, readable by the user alone) when `create` and none exists;
    /// `None` when there is none and `create` is off.
    fn key(&self, create: bool) -> Result<Option<[u8; 32]>> {
        let mut cached = self
            .key
            .lock()
            .map_err(|_| Error::Internal("the key lock was poisoned".into()))?;
        if let Some(key) = *cached {
            return Ok(Some(key));
        }
        let path = self.path()?;
        let key = match std::fs::read_to_string(&path) {
            Ok(text) => parse_key(&text).ok_or_else(|| {
                Error::Unusable(format!("{} is not a Contactmoment key", path.display()))
            })?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && create => new_key(&path)?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e.into()),
        };
        *cached = Some(key);
        Ok(Some(key))
    }

    /// The pseudonym of a reference, making the key if there is none yet. A pseudonym is
    /// returned as it is.
    pub fn pseudonym(&self, reference: &str) -> Result<String> {
        if reference.starts_with(PREFIX) {
            return Ok(reference.to_owned());
        }
        let key = match self.team_key()? {
            Some(team) => team,
            None => self
                .key(true)?
                .ok_or_else(|| Error::Internal("no key was made".into()))?,
        };
        Ok(keyed(&key, reference))
    }

    /// Every form a reference may be stored in: itself and its pseudonym under each key
    /// there is (the team's, and this desk's own from before it joined).
    pub fn stored_forms(&self, reference: &str) -> Result<Vec<String>> {
        let mut forms = vec![reference.to_owned()];
        if !reference.starts_with(PREFIX) {
            for key in [self.team_key()?, self.key(false)?].into_iter().flatten() {
                forms.push(keyed(&key, reference));
            }
        }
        Ok(forms)
    }
}

/// The pseudonym of `reference` under `key`.
pub fn keyed(key: &[u8; 32], reference: &str) -> String {
    let mut mac =
        <Hmac<Sha256> as Mac>::new_from_slice(key).expect("HMAC takes a key of any length");
    mac.update(reference.as_bytes());
    let digest = mac.finalize().into_bytes();
    // 128 of the 256 bits: no two of a team's customers will ever share one.
    let hex: String = digest[..16].iter().map(|b| format!("{b:02x}")).collect();
    format!("{PREFIX}{hex}")
}

/// A key written as 64 hexadecimal digits, as in a key file or a join reply.
pub fn parse_key(text: &str) -> Option<[u8; 32]> {
    let text = text.trim();
    if text.len() != 64 {
        return None;
    }
    let mut key = [0u8; 32];
    for (i, byte) in key.iter_mut().enumerate() {
        *byte = u8::from_str_radix(text.get(2 * i..2 * i + 2)?, 16).ok()?;
    }
    Some(key)
}

fn new_key(path: &Path) -> Result<[u8; 32]> {
    let mut key = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut key);
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path)?;
    let hex: String = key.iter().map(|b| format!("{b:02x}")).collect();
    writeln!(file, "{hex}")?;
    file.sync_all()?;
    Ok(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_reference_gives_the_same_pseudonym_with_the_same_key_only() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("key");
        let ring = Keyring::new(Some(path.clone()));
        assert_eq!(
            ring.stored_forms("K-1").expect("forms"),
            ["K-1"],
            "no key yet"
        );
        let p = ring.pseudonym("K-1").expect("pseudonym");
        assert!(p.starts_with("ps:") && p.len() == 35, "{p}");
        assert_eq!(ring.pseudonym(&p).expect("as is"), p);
        assert_ne!(ring.pseudonym("K-2").expect("other"), p);
        // The key was saved: a second keyring (another run) gives the same pseudonym.
        let again = Keyring::new(Some(path.clone()));
        assert_eq!(
            again.stored_forms("K-1").expect("forms"),
            ["K-1".to_owned(), p.clone()]
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).expect("key").permissions().mode();
            assert_eq!(mode & 0o777, 0o600, "only the user can read the key");
        }
        let other = Keyring::new(Some(dir.path().join("other")));
        assert_ne!(other.pseudonym("K-1").expect("other key"), p);
        std::fs::write(dir.path().join("bad"), "not a key").expect("write");
        assert!(Keyring::new(Some(dir.path().join("bad")))
            .pseudonym("K-1")
            .is_err());
    }
}
