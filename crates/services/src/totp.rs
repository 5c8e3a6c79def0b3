//! Time-based one-time passwords (RFC 6238: HMAC-SHA1, 6 digits, 30-second
//! steps) for the optional second factor.
use chrono::{DateTime, Utc};
use data_encoding::BASE32_NOPAD;
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha1::Sha1;

const STEP_SECONDS: i64 = 30;
const DIGITS: u32 = 6;

/// A new random 160-bit secret, base32 as authenticator apps expect.
pub fn new_secret() -> String {
    let mut bytes = [0_u8; 20];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    BASE32_NOPAD.encode(&bytes)
}

/// The `otpauth://` URI an authenticator app reads (as a QR code).
pub fn uri(secret: &str, account: &str, issuer: &str) -> String {
    let enc = |s: &str| {
        s.bytes()
            .map(|b| {
                if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                    (b as char).to_string()
                } else {
                    format!("%{b:02X}")
                }
            })
            .collect::<String>()
    };
    format!(
        "otpauth://totp/{}:{}?secret={secret}&issuer={}&algorithm=SHA1&digits={DIGITS}&period={STEP_SECONDS}",
        enc(issuer),
        enc(account),
        enc(issuer)
    )
}

/// The code for the 30-second step containing `at`; `None` for a secret that is not base32.
pub fn code_at(secret: &str, at: DateTime<Utc>) -> Option<String> {
    code_for_step(secret, at.timestamp().div_euclid(STEP_SECONDS))
}

fn code_for_step(secret: &str, step: i64) -> Option<String> {
    let key = BASE32_NOPAD.decode(secret.as_bytes()).ok()?;
    let mut mac = Hmac::<Sha1>::new_from_slice(&key).ok()?;
    mac.update(&step.to_be_bytes());
    let digest = mac.finalize().into_bytes();
    let offset = usize::from(digest[digest.len() - 1] & 0x0f);
    let bin = (u32::from(digest[offset]) & 0x7f) << 24
        | u32::from(digest[offset + 1]) << 16
        | u32::from(digest[offset + 2]) << 8
        | u32::from(digest[offset + 3]);
    Some(format!(
        "{:0width$}",
        bin % 10_u32.pow(DIGITS),
        width = DIGITS as usize
    ))
}

/// True when `code` is the code of the current step or of one step either
/// side (clock drift of up to 30 seconds).
pub fn verify(secret: &str, code: &str, now: DateTime<Utc>) -> bool {
    verify_step(secret, code, now, None).is_some()
}

/// The step whose code `code` is (current step or one either side), if it
/// is newer than `last_used`: an accepted code is never accepted again.
pub fn verify_step(
    secret: &str,
    code: &str,
    now: DateTime<Utc>,
    last_used: Option<i64>,
) -> Option<i64> {
    let code = code.trim();
    if code.len() != DIGITS as usize || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let step = now.timestamp().div_euclid(STEP_SECONDS);
    (-1..=1)
        .map(|d| step + d)
        .filter(|s| last_used.is_none_or(|l| *s > l))
        .find(|s| code_for_step(secret, *s).is_some_and(|c| c == code))
}

/// Whether `secret` has the shape of one made by [`new_secret`]: 32 base32 characters.
pub fn is_secret(secret: &str) -> bool {
    secret.len() == 32
        && BASE32_NOPAD
            .decode(secret.as_bytes())
            .is_ok_and(|k| k.len() == 20)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn rfc_6238_sha1_test_vectors() {
        // Appendix B of RFC 6238: the ASCII secret "12345678901234567890".
        let secret = BASE32_NOPAD.encode(b"12345678901234567890");
        for (t, want) in [
            (59, "287082"),
            (1_111_111_109, "081804"),
            (1_234_567_890, "005924"),
            (2_000_000_000, "279037"),
        ] {
            let at = Utc.timestamp_opt(t, 0).unwrap();
            assert_eq!(code_at(&secret, at).unwrap(), want, "t = {t}");
        }
    }

    #[test]
    fn verify_accepts_one_step_of_drift_only() {
        let secret = new_secret();
        let now = Utc.timestamp_opt(1_700_000_000, 0).unwrap();
        let code = code_at(&secret, now).unwrap();
        assert!(verify(&secret, &code, now + chrono::Duration::seconds(30)));
        assert!(!verify(&secret, &code, now + chrono::Duration::seconds(90)));
        assert!(!verify(&secret, "12345", now));
        assert!(!verify("not base32!", "123456", now));
        assert!(is_secret(&secret) && !is_secret("") && !is_secret("ABC"));
        let step = now.timestamp() / 30;
        assert_eq!(verify_step(&secret, &code, now, None), Some(step));
        assert_eq!(
            verify_step(&secret, &code, now, Some(step)),
            None,
            "replay refused"
        );
    }
}
