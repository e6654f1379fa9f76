//! Account rules for level-3 protection (等保三级): password strength, lockout after failed
//! logins, idle session expiry.

use chrono::{DateTime, Duration, Utc};

use crate::access::Role;
use crate::codes::CodeTable;

/// Failed logins in a row that lock an account.
pub const MAX_FAILED_LOGINS: i64 = 5;
/// How long a lock lasts.
pub const LOCK_DURATION: Duration = Duration::minutes(30);
/// A session unused this long is dead.
pub const IDLE_TIMEOUT: Duration = Duration::minutes(30);
/// Minimum password length.
pub const MIN_PASSWORD_LEN: usize = 8;

/// Why a password is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PasswordPolicyError {
    #[error("the password must have at least {MIN_PASSWORD_LEN} characters")]
    TooShort,
    #[error(
        "the password must use at least 3 of: lower-case letters, upper-case letters, digits, other characters"
    )]
    TooFewClasses,
    #[error("the new password must differ from the old one")]
    Unchanged,
}

/// Checks a password against the policy: ≥ 8 characters from ≥ 3 of the 4 classes.
pub fn check_password_policy(password: &str) -> Result<(), PasswordPolicyError> {
    if password.chars().count() < MIN_PASSWORD_LEN {
        return Err(PasswordPolicyError::TooShort);
    }
    let classes = [
        password.chars().any(char::is_lowercase),
        password.chars().any(char::is_uppercase),
        password.chars().any(|c| c.is_ascii_digit()),
        password.chars().any(|c| !c.is_alphanumeric()),
    ];
    if classes.iter().filter(|&&c| c).count() < 3 {
        return Err(PasswordPolicyError::TooFewClasses);
    }
    Ok(())
}

/// The code table of the member departments of the leading group (成员单位).
pub const DEPARTMENT_TABLE: &str = "department";

/// Why an account's department does not fit.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DepartmentError {
    #[error("a department account needs its department (a code of the department table)")]
    Missing,
    #[error("only a department account belongs to a department")]
    NotAllowed,
    #[error("{0:?} is not a member department")]
    Unknown(String),
}

/// Checks an account's department: a department account (部门账号) belongs to one member
/// department of `departments`, and no other account belongs to any.
pub fn check_department(
    role: Role,
    department: Option<&str>,
    departments: &CodeTable,
) -> Result<(), DepartmentError> {
    match (role == Role::Department, department) {
        (true, None) => Err(DepartmentError::Missing),
        (false, Some(_)) => Err(DepartmentError::NotAllowed),
        (true, Some(d)) if departments.entry(d).is_none() => {
            Err(DepartmentError::Unknown(d.to_owned()))
        }
        _ => Ok(()),
    }
}

/// The login-relevant state of an account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoginState {
    pub failed_logins: i64,
    pub locked_until: Option<DateTime<Utc>>,
    /// Locked by an administrator until unlocked.
    pub disabled: bool,
}

/// What a login attempt comes to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoginOutcome {
    /// Accepted; failures reset.
    Accepted,
    /// Wrong password; the account is now in `next`.
    Rejected,
    /// The account is locked until the given time; the password was not considered.
    Locked(DateTime<Utc>),
    /// An administrator locked the account.
    Disabled,
}

/// Decides a login attempt and the account state after it. A locked account is refused even
/// with the right password; the failure that reaches [`MAX_FAILED_LOGINS`] locks it for
/// [`LOCK_DURATION`].
pub fn decide_login(
    state: &LoginState,
    password_ok: bool,
    now: DateTime<Utc>,
) -> (LoginOutcome, LoginState) {
    if state.disabled {
        return (LoginOutcome::Disabled, state.clone());
    }
    if let Some(until) = state.locked_until.filter(|until| *until > now) {
        return (LoginOutcome::Locked(until), state.clone());
    }
    if password_ok {
        let next = LoginState {
            failed_logins: 0,
            locked_until: None,
            disabled: false,
        };
        return (LoginOutcome::Accepted, next);
    }
    let failed = state.failed_logins + 1;
    if failed >= MAX_FAILED_LOGINS {
        let until = now + LOCK_DURATION;
        let next = LoginState {
            failed_logins: 0,
            locked_until: Some(until),
            disabled: false,
        };
        (LoginOutcome::Locked(until), next)
    } else {
        let next = LoginState {
            failed_logins: failed,
            locked_until: None,
            disabled: false,
        };
        (LoginOutcome::Rejected, next)
    }
}

/// Whether a session last used at `last_seen` is still alive at `now`.
pub fn session_alive(last_seen: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    now - last_seen < IDLE_TIMEOUT
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_department_account_belongs_to_one_known_department() {
        let table = crate::codes::default_tables()
            .into_iter()
            .find(|t| t.name == DEPARTMENT_TABLE)
            .expect("department table");
        assert_eq!(
            check_department(Role::Department, Some("police"), &table),
            Ok(())
        );
        assert_eq!(check_department(Role::Office, None, &table), Ok(()));
        assert_eq!(
            check_department(Role::Department, None, &table),
            Err(DepartmentError::Missing)
        );
        assert_eq!(
            check_department(Role::Chief, Some("police"), &table),
            Err(DepartmentError::NotAllowed)
        );
        assert_eq!(
            check_department(Role::Department, Some("nobody"), &table),
            Err(DepartmentError::Unknown("nobody".into()))
        );
    }

    fn t0() -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000, 0).expect("valid time")
    }

    #[test]
    fn policy_wants_length_and_three_classes() {
        assert_eq!(
            check_password_policy("Ab1!"),
            Err(PasswordPolicyError::TooShort)
        );
        assert_eq!(
            check_password_policy("abcdefgh1"),
            Err(PasswordPolicyError::TooFewClasses)
        );
        assert_eq!(check_password_policy("abcdefG1"), Ok(()));
        assert_eq!(check_password_policy("林长制abc12!"), Ok(()));
    }

    #[test]
    fn fifth_failure_locks_and_right_password_is_then_refused() {
        let mut state = LoginState {
            failed_logins: 0,
            locked_until: None,
            disabled: false,
        };
        for _ in 0..4 {
            let (outcome, next) = decide_login(&state, false, t0());
            assert_eq!(outcome, LoginOutcome::Rejected);
            state = next;
        }
        let (outcome, state) = decide_login(&state, false, t0());
        assert_eq!(outcome, LoginOutcome::Locked(t0() + LOCK_DURATION));
        let (outcome, _) = decide_login(&state, true, t0() + Duration::minutes(29));
        assert!(matches!(outcome, LoginOutcome::Locked(_)));
        let (outcome, _) = decide_login(&state, true, t0() + Duration::minutes(30));
        assert_eq!(outcome, LoginOutcome::Accepted);
    }

    #[test]
    fn sessions_die_after_thirty_idle_minutes() {
        assert!(session_alive(t0(), t0() + Duration::minutes(29)));
        assert!(!session_alive(t0(), t0() + Duration::minutes(30)));
    }
}
