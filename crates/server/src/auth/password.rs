//! argon2id password hashes.

use argon2::Argon2;
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};

/// Hashes a password with argon2id and a random salt (PHC string).
pub fn hash(password: &str) -> Result<String, argon2::password_hash::Error> {
    let salt = SaltString::generate(&mut OsRng);
    Ok(Argon2::default()
        .hash_password(password.as_bytes(), &salt)?
        .to_string())
}

/// A new password checked against the policy (400 `weak_password`) and hashed off the async
/// threads (argon2 takes a while on purpose).
pub async fn policy_hash(password: &str) -> crate::error::ApiResult<String> {
    use crate::error::ApiError;
    linzhang_domain::account::check_password_policy(password)
        .map_err(|e| ApiError::bad_request("weak_password", e.to_string()))?;
    let pw = password.to_owned();
    tokio::task::spawn_blocking(move || hash(&pw))
        .await
        .map_err(|_| ApiError::internal())?
        .map_err(|_| ApiError::internal())
}

/// Spends the time of one verification without a real hash, so that a login for an unknown
/// user takes as long as one with a wrong password (no user enumeration by timing).
pub fn verify_nothing(password: &str) {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let dummy = DUMMY.get_or_init(|| hash("dummy-password-never-matches").unwrap_or_default());
    let _ = verify(password, dummy);
}

/// Whether `password` matches the stored hash; a malformed hash never matches.
pub fn verify(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored).is_ok_and(|parsed| {
        Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn hashes_are_argon2id_and_verify() {
        let h = super::hash("Linzhang@2026").expect("hash");
        assert!(h.starts_with("$argon2id$"));
        assert!(super::verify("Linzhang@2026", &h));
        assert!(!super::verify("linzhang@2026", &h));
        assert!(!super::verify("Linzhang@2026", "not a hash"));
    }
}
