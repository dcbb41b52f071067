//! The system-wide key that brings the log form to the front, as the user types it in
//! Settings (`Ctrl+Alt+L`). The core decides what is a valid shortcut, so the CLI, the app and
//! a stored value agree; whether the desktop grants it is the app's business.

use crate::error::{Error, Result, ValidationKind as K};

/// The shortcut a new desk starts with.
pub const DEFAULT: &str = "Ctrl+Alt+L";

const FIELD: &str = "log_shortcut";

/// Modifiers in the order they are written back.
const MODIFIERS: [(&str, &[&str]); 4] = [
    ("Ctrl", &["ctrl", "control"]),
    ("Alt", &["alt", "option"]),
    ("Shift", &["shift"]),
    ("Super", &["super", "meta", "cmd", "command", "win"]),
];

/// The shortcut in its canonical spelling (`ctrl + alt + l` → `Ctrl+Alt+L`); empty stays
/// empty (no shortcut). A shortcut needs Ctrl, Alt or Super, so that it cannot swallow a key
/// someone types in another program, and exactly one key: a letter, a digit, F1–F24 or Space.
pub fn normalise(text: &str) -> Result<String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(String::new());
    }
    let unparseable = |why: String| Error::validation(FIELD, K::Unparseable, why);
    let mut held = [false; 4];
    let mut key: Option<String> = None;
    for part in text.split('+').map(str::trim) {
        let lower = part.to_ascii_lowercase();
        if let Some(i) = MODIFIERS
            .iter()
            .position(|(_, names)| names.contains(&lower.as_str()))
        {
            held[i] = true;
            continue;
        }
        let Some(name) = key_name(part) else {
            return Err(unparseable(format!(
                "{part:?} in {text:?} is not a key; use a letter, a digit, F1–F24 or Space"
            )));
        };
        if key.replace(name).is_some() {
            return Err(unparseable(format!(
                "{text:?} names more than one key; use modifiers and one key, as {DEFAULT}"
            )));
        }
    }
    let Some(key) = key else {
        return Err(unparseable(format!(
            "{text:?} has no key; add one after the modifiers, as {DEFAULT}"
        )));
    };
    if !(held[0] || held[1] || held[3]) {
        return Err(unparseable(format!(
            "{text:?} needs Ctrl, Alt or Super, or it would take a key from every other program"
        )));
    }
    let mut parts: Vec<&str> = MODIFIERS
        .iter()
        .zip(held)
        .filter(|(_, on)| *on)
        .map(|((name, _), _)| *name)
        .collect();
    parts.push(&key);
    Ok(parts.join("+"))
}

fn key_name(part: &str) -> Option<String> {
    let mut chars = part.chars();
    if let (Some(c), None) = (chars.next(), chars.next()) {
        return c
            .is_ascii_alphanumeric()
            .then(|| c.to_ascii_uppercase().to_string());
    }
    if part.eq_ignore_ascii_case("space") {
        return Some("Space".into());
    }
    let n: u8 = part.strip_prefix(['F', 'f']).and_then(|n| n.parse().ok())?;
    (1..=24).contains(&n).then(|| format!("F{n}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field_of(e: Error) -> String {
        match e {
            Error::Validation { field, .. } => field,
            other => panic!("not a validation error: {other}"),
        }
    }

    #[test]
    fn spellings_become_one_canonical_form() {
        for (typed, want) in [
            ("Ctrl+Alt+L", "Ctrl+Alt+L"),
            (" alt + control + l ", "Ctrl+Alt+L"),
            ("shift+super+f9", "Shift+Super+F9"),
            ("Meta+Space", "Super+Space"),
            ("ctrl+shift+7", "Ctrl+Shift+7"),
            ("", ""),
            ("   ", ""),
        ] {
            assert_eq!(normalise(typed).unwrap(), want, "{typed:?}");
        }
    }

    #[test]
    fn what_is_not_a_shortcut_names_the_field_and_says_why() {
        for (typed, why) in [
            ("Shift+L", "needs Ctrl, Alt or Super"),
            ("L", "needs Ctrl, Alt or Super"),
            ("Ctrl+Alt", "has no key"),
            ("Ctrl+L+K", "more than one key"),
            ("Ctrl+Hyper+L", "\"Hyper\" in"),
            ("Ctrl+F25", "\"F25\" in"),
            ("Ctrl+é", "\"é\" in"),
            ("Ctrl++", "\"\" in"),
        ] {
            let e = normalise(typed).unwrap_err();
            let text = e.to_string();
            assert!(text.contains(why), "{typed:?}: {text}");
            assert_eq!(field_of(e), FIELD);
        }
    }
}
