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
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty());
    let mut tmp =
        tempfile::NamedTempFile::new_in(dir.unwrap_or(Path::new("."))).map_err(Error::from)?;
    tmp.write_all(bytes).map_err(Error::from)?;
    tmp.as_file().sync_all().map_err(Error::from)?;
    tmp.persist(path).map_err(|e| Error::from(e.error))?;
    Ok(())
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
