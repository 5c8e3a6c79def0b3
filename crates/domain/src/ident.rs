//! Identifiers users type: short codes for organisations, systems and assets,
//! and e-mail addresses.
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::InvalidInput;

/// A short, human-typed key, unique within its scope: 1 to 32 characters of
/// ASCII letters, digits, `-`, `_` and `.`, starting with a letter or digit.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Code(String);

impl Code {
    pub fn parse(field: &str, value: &str) -> Result<Self, InvalidInput> {
        let ok_start = value
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphanumeric());
        let ok_chars = value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
        if value.is_empty() || value.len() > 32 || !ok_start || !ok_chars {
            return Err(InvalidInput::new(
                field,
                format!(
                    "{value:?} is not a code: use 1-32 letters, digits, '-', '_' or '.', starting with a letter or digit"
                ),
            ));
        }
        Ok(Code(value.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// An e-mail address, kept in lower case.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Email(String);

impl Email {
    pub fn parse(field: &str, value: &str) -> Result<Self, InvalidInput> {
        let v = value.trim().to_lowercase();
        let valid = match v.split_once('@') {
            Some((local, domain)) => {
                !local.is_empty()
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
                    && !domain.contains('@')
                    && v.len() <= 254
                    && !v.chars().any(|c| c.is_whitespace() || c.is_control())
            }
            None => false,
        };
        if !valid {
            return Err(InvalidInput::new(
                field,
                format!("{value:?} is not an e-mail address"),
            ));
        }
        Ok(Email(v))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes() {
        assert!(Code::parse("--code", "CORE-1").is_ok());
        for bad in ["", "-x", "a b", "代碼", &"x".repeat(33)] {
            let e = Code::parse("--code", bad).unwrap_err();
            assert_eq!(e.field, "--code");
        }
    }

    #[test]
    fn emails() {
        assert_eq!(
            Email::parse("e", " Ann@Example.TW ").unwrap().as_str(),
            "ann@example.tw"
        );
        for bad in ["ann", "ann@", "@x.tw", "a@b", "a@@b.tw", "a b@c.tw"] {
            assert!(Email::parse("e", bad).is_err(), "{bad}");
        }
    }
}

/// A required free-text field: trimmed, not empty, at most `max` characters.
pub fn required_text(field: &str, value: &str, max: usize) -> Result<String, InvalidInput> {
    let v = value.trim();
    if v.is_empty() {
        return Err(InvalidInput::new(field, "must not be empty"));
    }
    optional_text(field, v, max)
}

/// An optional free-text field: trimmed, at most `max` characters, no control
/// characters other than line breaks and tabs.
pub fn optional_text(field: &str, value: &str, max: usize) -> Result<String, InvalidInput> {
    let v = value.trim();
    let n = v.chars().count();
    if n > max {
        return Err(InvalidInput::new(
            field,
            format!("is {n} characters long; at most {max} are allowed"),
        ));
    }
    if let Some(c) = v
        .chars()
        .find(|c| c.is_control() && !matches!(c, '\n' | '\t' | '\r'))
    {
        return Err(InvalidInput::new(
            field,
            format!("contains the control character {c:?}"),
        ));
    }
    Ok(v.to_string())
}

#[cfg(test)]
mod text_tests {
    use super::*;

    #[test]
    fn text_fields() {
        assert_eq!(
            required_text("--name", "  核心系統 ", 10).unwrap(),
            "核心系統"
        );
        assert!(required_text("--name", "   ", 10)
            .unwrap_err()
            .to_string()
            .starts_with("--name"));
        assert!(required_text("--name", "abcdef", 5).is_err());
        assert!(optional_text("--description", "a\u{0}b", 50).is_err());
        assert_eq!(optional_text("--description", "", 5).unwrap(), "");
    }
}
