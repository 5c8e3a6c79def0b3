//! Password hashing (Argon2id), the product's own password policy and
//! one-time password generation.
use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::Argon2;
use rand::seq::SliceRandom;
use rand::Rng;

use zilv_domain::InvalidInput;

use crate::{Result, ServiceError};

/// Hashes `password` with Argon2id (the crate's default parameters) and a random salt.
pub fn hash(password: &str) -> Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| ServiceError::Conflict(format!("cannot hash password: {e}")))
}

/// True when `password` matches the stored `hash`.
pub fn verify(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

/// The password rules Zilv applies to its own users: the same that an
/// assessment checks in others (EVAL-4.1.5.1) — length, complexity, no reuse.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PasswordPolicy {
    pub min_length: usize,
    /// How many of the four character classes (upper, lower, digit, other) are needed.
    pub min_classes: usize,
    /// A new password may not equal any of this many previous ones (the current included).
    pub history: i64,
}

impl Default for PasswordPolicy {
    fn default() -> Self {
        PasswordPolicy {
            min_length: 12,
            min_classes: 3,
            history: 5,
        }
    }
}

impl PasswordPolicy {
    /// Refuses a password that is too short or too simple, saying which rule failed.
    pub fn check(&self, field: &str, password: &str) -> std::result::Result<(), InvalidInput> {
        let len = password.chars().count();
        if len < self.min_length {
            return Err(InvalidInput::new(
                field,
                format!(
                    "is {len} characters long; at least {} are required",
                    self.min_length
                ),
            ));
        }
        if len > 1024 {
            return Err(InvalidInput::new(field, "is longer than 1024 characters"));
        }
        let classes = [
            password.chars().any(|c| c.is_uppercase()),
            password.chars().any(|c| c.is_lowercase()),
            password.chars().any(|c| c.is_ascii_digit()),
            password
                .chars()
                .any(|c| !c.is_uppercase() && !c.is_lowercase() && !c.is_ascii_digit()),
        ]
        .iter()
        .filter(|b| **b)
        .count();
        if classes < self.min_classes {
            return Err(InvalidInput::new(
                field,
                format!(
                    "uses {classes} of the 4 character classes (upper case, lower case, digits, symbols); at least {} are required",
                    self.min_classes
                ),
            ));
        }
        Ok(())
    }
}

/// A random 20-character password with upper and lower case letters, digits
/// and symbols, without look-alike characters.
pub fn one_time() -> String {
    const UPPER: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ";
    const LOWER: &[u8] = b"abcdefghijkmnpqrstuvwxyz";
    const DIGIT: &[u8] = b"23456789";
    const SYMBOL: &[u8] = b"!#%+-=?@^_";
    let mut rng = rand::rngs::OsRng;
    let classes = [UPPER, LOWER, DIGIT, SYMBOL];
    let mut chars: Vec<u8> = classes
        .iter()
        .map(|c| c[rng.gen_range(0..c.len())])
        .collect();
    let all: Vec<u8> = classes.concat();
    while chars.len() < 20 {
        chars.push(all[rng.gen_range(0..all.len())]);
    }
    chars.shuffle(&mut rng);
    chars.into_iter().map(char::from).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn argon2id_round_trip() {
        let h = hash("correct horse battery").unwrap();
        assert!(h.starts_with("$argon2id$"), "{h}");
        assert!(verify("correct horse battery", &h));
        assert!(!verify("wrong", &h));
        assert!(!verify("x", "not a hash"));
    }

    #[test]
    fn policy_refuses_short_and_simple_passwords() {
        let p = PasswordPolicy::default();
        assert!(p
            .check("password", "Short1!")
            .unwrap_err()
            .to_string()
            .contains("at least 12"));
        assert!(p
            .check("password", "alllowercaseletters")
            .unwrap_err()
            .to_string()
            .contains("1 of the 4"));
        p.check("password", "Correct-horse-battery").unwrap();
        p.check("password", &one_time()).unwrap();
    }

    #[test]
    fn one_time_passwords_are_complex_and_distinct() {
        let a = one_time();
        assert_eq!(a.len(), 20);
        assert!(a.chars().any(|c| c.is_ascii_uppercase()));
        assert!(a.chars().any(|c| c.is_ascii_lowercase()));
        assert!(a.chars().any(|c| c.is_ascii_digit()));
        assert!(a.chars().any(|c| !c.is_ascii_alphanumeric()));
        assert_ne!(a, one_time());
    }
}
