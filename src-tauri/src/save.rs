//! Writing the files the review exports. The web view only suggests a file name; the user
//! picks the place in the native dialog, and the file appears whole or not at all.

use std::io::Write;
use std::path::Path;

use contactmoment_core::{Error, ErrorPayload, ValidationKind};

/// The largest chart image accepted from the web view.
pub const PNG_MAX: usize = 20 * 1024 * 1024;
const PNG_SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";

/// A suggested file name without any directory part, ending in `.extension`.
pub fn file_name(suggested: &str, extension: &str) -> Result<String, ErrorPayload> {
    let name = suggested.trim();
    let refused = name.is_empty()
        || name.len() > 120
        || name.starts_with('.')
        || name
            .chars()
            .any(|c| c.is_control() || matches!(c, '/' | '\\' | ':'));
    if refused {
        return Err(Error::validation(
            "file_name",
            ValidationKind::Unparseable,
            "a file name without folders or control characters is required",
        )
        .into());
    }
    let dotted = format!(".{extension}");
    Ok(if name.to_lowercase().ends_with(&dotted) {
        name.to_owned()
    } else {
        format!("{name}{dotted}")
    })
}

/// Refuses anything that is not a PNG image of reasonable size.
pub fn check_png(bytes: &[u8]) -> Result<(), ErrorPayload> {
    if bytes.len() > PNG_MAX || !bytes.starts_with(PNG_SIGNATURE) {
        return Err(Error::validation(
            "png",
            ValidationKind::Unparseable,
            "the chart image is not a PNG file of at most 20 MB",
        )
        .into());
    }
    Ok(())
}

/// Writes beside the target first and renames over it, so a failure never leaves half a file
/// (or a damaged earlier one) at the chosen place.
pub fn write(path: &Path, bytes: &[u8]) -> Result<(), ErrorPayload> {
    let mut file = Beside::new(path)?;
    file.write_all(bytes).map_err(|e| unwritable(path, &e))?;
    file.keep()
}

/// A file the user chose that cannot be written (a full disk, a folder without permission):
/// named as the file, so it is not taken for trouble with the journal.
pub fn unwritable(path: &Path, e: &std::io::Error) -> ErrorPayload {
    // `tempfile` adds the temporary file's own name, which the user never chose or saw.
    let reason = e.to_string();
    let reason = reason.split(" at path ").next().unwrap_or_default();
    ErrorPayload {
        code: contactmoment_core::ErrorCode::Storage,
        message: format!("{}: {reason}", path.display()),
        field: Some("file".to_owned()),
        kind: None,
    }
}

/// A file being written beside its target, for a file too large to hold in memory; it takes
/// the target's place only once [`Beside::keep`] has made it durable, and is removed when
/// dropped before that.
pub struct Beside {
    file: std::io::BufWriter<tempfile::NamedTempFile>,
    path: std::path::PathBuf,
    /// The first failure to write, which whoever was writing may report as something else.
    failed: Option<std::io::Error>,
}

impl Beside {
    pub fn new(path: &Path) -> Result<Self, ErrorPayload> {
        let dir = path.parent().filter(|d| !d.as_os_str().is_empty());
        let tmp = tempfile::NamedTempFile::new_in(dir.unwrap_or(Path::new(".")))
            .map_err(|e| unwritable(path, &e))?;
        Ok(Self {
            file: std::io::BufWriter::with_capacity(1 << 16, tmp),
            path: path.to_owned(),
            failed: None,
        })
    }

    /// Why writing failed, if it did: the file's fault, not the writer's.
    pub fn failure(&self) -> Option<ErrorPayload> {
        self.failed.as_ref().map(|e| unwritable(&self.path, e))
    }

    pub fn keep(self) -> Result<(), ErrorPayload> {
        let path = self.path;
        let tmp = self
            .file
            .into_inner()
            .map_err(|e| unwritable(&path, e.error()))?;
        tmp.as_file()
            .sync_all()
            .map_err(|e| unwritable(&path, &e))?;
        tmp.persist(&path)
            .map_err(|e| unwritable(&path, &e.error))?;
        Ok(())
    }

    fn noted<T>(&mut self, done: std::io::Result<T>) -> std::io::Result<T> {
        if let Err(e) = &done {
            if self.failed.is_none() {
                self.failed = Some(std::io::Error::new(e.kind(), e.to_string()));
            }
        }
        done
    }
}

impl Write for Beside {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let done = self.file.write(buf);
        self.noted(done)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        let done = self.file.flush();
        self.noted(done)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_stay_names() {
        assert_eq!(file_name("week 47", "csv").unwrap(), "week 47.csv");
        assert_eq!(file_name("Rapport.CSV", "csv").unwrap(), "Rapport.CSV");
        for bad in [
            "",
            "../etc/passwd",
            "a/b",
            "a\\b",
            ".hidden",
            "x\u{7}",
            "C:x",
        ] {
            let e = file_name(bad, "csv").unwrap_err();
            assert_eq!(e.field.as_deref(), Some("file_name"), "{bad:?}");
        }
    }

    #[test]
    fn a_folder_that_is_not_there_is_named_without_the_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("gone").join("contacts.csv");
        let Err(e) = Beside::new(&target) else {
            panic!("a file in a missing folder cannot be written")
        };
        assert_eq!(e.field.as_deref(), Some("file"));
        assert!(
            e.message.starts_with(&format!("{}: ", target.display())),
            "{}",
            e.message
        );
        assert!(!e.message.contains("at path"), "{}", e.message);
    }

    #[test]
    fn a_file_written_beside_appears_whole_when_kept_and_not_at_all_otherwise() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("contacts.csv");
        std::fs::write(&target, "the earlier export").unwrap();
        let mut half = Beside::new(&target).unwrap();
        half.write_all(&[b'x'; 100_000]).unwrap();
        drop(half);
        assert_eq!(
            std::fs::read_to_string(&target).unwrap(),
            "the earlier export"
        );
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            1,
            "no leftovers"
        );

        let mut whole = Beside::new(&target).unwrap();
        whole.write_all(b"id,occurred_at\n").unwrap();
        assert!(whole.failure().is_none());
        whole.keep().unwrap();
        assert_eq!(
            std::fs::read_to_string(&target).unwrap(),
            "id,occurred_at\n"
        );
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_file_that_cannot_be_written_is_named_as_the_fault() {
        // Linux's /dev/full takes the place of a full disk under the file being written.
        let full = Path::new("/dev/full");
        let dir = tempfile::tempdir().unwrap();
        let mut file = Beside::new(&dir.path().join("contacts.csv")).unwrap();
        file.file = std::io::BufWriter::with_capacity(
            16,
            tempfile::NamedTempFile::from_parts(
                std::fs::OpenOptions::new().write(true).open(full).unwrap(),
                tempfile::TempPath::try_from_path(dir.path().join("unused")).unwrap(),
            ),
        );
        assert!(file.write_all(&[b'x'; 64]).is_err());
        let failure = file.failure().expect("the failure is kept");
        assert_eq!(failure.field.as_deref(), Some("file"));
        assert!(
            failure.message.contains("contacts.csv"),
            "{}",
            failure.message
        );
    }

    #[test]
    fn only_png_images_are_saved() {
        assert!(check_png(b"\x89PNG\r\n\x1a\nrest").is_ok());
        assert!(check_png(b"<svg onload=alert(1)>").is_err());
        assert!(check_png(&[]).is_err());
        let mut huge = PNG_SIGNATURE.to_vec();
        huge.resize(PNG_MAX + 1, 0);
        assert!(check_png(&huge).is_err());
    }

    #[test]
    fn a_write_replaces_the_file_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.csv");
        write(&path, b"old").unwrap();
        write(&path, b"new contents").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"new contents");
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            1,
            "no leftovers"
        );
        let missing = dir.path().join("no such folder").join("out.csv");
        assert!(write(&missing, b"x").is_err());
        assert!(!missing.exists());
    }
}
