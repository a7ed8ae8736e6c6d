//! Passwords, sessions and the one role guard every server function starts with.
use super::crypto::{random_token, sha256_hex};
use super::entities::{session, user};
use crate::error::{AppError, AppResult};
use crate::model::{CurrentUser, Role};
use argon2::{
    password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString},
    Argon2,
};
use chrono::{Duration, Utc};
use leptos::prelude::*;
use sea_orm::{prelude::*, ActiveValue::Set, DatabaseConnection, QueryFilter};

/// Name of the session cookie.
pub const SESSION_COOKIE: &str = "hookwell_session";
/// How long a session lasts.
pub const SESSION_DAYS: i64 = 7;

/// An argon2id hash in PHC format.
pub fn hash_password(password: &str) -> String {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .expect("argon2 hashing with default parameters cannot fail")
        .to_string()
}

/// Checks a password against a stored hash.
pub fn verify_password(hash: &str, password: &str) -> bool {
    PasswordHash::new(hash).map(|h| Argon2::default().verify_password(password.as_bytes(), &h).is_ok()).unwrap_or(false)
}

/// A hash of a random password, so that timing does not reveal whether an account exists.
pub fn dummy_hash() -> &'static str {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HASH.get_or_init(|| hash_password(&random_token()))
}

/// Checks a username and password; returns the user when both are right and the account is enabled.
pub async fn authenticate(db: &DatabaseConnection, username: &str, password: &str) -> AppResult<Option<CurrentUser>> {
    let found = user::Entity::find().filter(user::Column::Username.eq(username.trim())).one(db).await?;
    let Some(u) = found else {
        verify_password(dummy_hash(), password);
        return Ok(None);
    };
    if !verify_password(&u.password_hash, password) || u.disabled {
        return Ok(None);
    }
    Ok(Some(to_current(u)))
}

fn to_current(u: user::Model) -> CurrentUser {
    CurrentUser { id: u.id, role: u.role, username: u.username }
}

/// Starts a session and returns the cookie value (only its hash is stored).
pub async fn start_session(db: &DatabaseConnection, user_id: i32) -> AppResult<String> {
    let token = random_token();
    let now = Utc::now();
    session::ActiveModel {
        token_hash: Set(sha256_hex(&token)),
        user_id: Set(user_id),
        created_at: Set(now),
        expires_at: Set(now + Duration::days(SESSION_DAYS)),
    }
    .insert(db)
    .await?;
    Ok(token)
}

/// The user behind a session cookie, if the session is live and the account enabled.
pub async fn resolve_session(db: &DatabaseConnection, token: &str) -> AppResult<Option<CurrentUser>> {
    let found = session::Entity::find_by_id(sha256_hex(token)).find_also_related(user::Entity).one(db).await?;
    Ok(match found {
        Some((s, Some(u))) if s.expires_at > Utc::now() && !u.disabled => Some(to_current(u)),
        _ => None,
    })
}

/// Ends a session (logout).
pub async fn end_session(db: &DatabaseConnection, token: &str) -> AppResult<()> {
    session::Entity::delete_by_id(sha256_hex(token)).exec(db).await?;
    Ok(())
}

/// Ends every session of a user except the one making this request, if it is theirs
/// (role change, disabled account, password reset).
pub async fn end_other_sessions(db: &impl ConnectionTrait, user_id: i32) -> AppResult<()> {
    let mut doomed = session::Entity::delete_many().filter(session::Column::UserId.eq(user_id));
    let current = use_context::<http::request::Parts>().and_then(|p| session_cookie(&p.headers));
    if let Some(token) = current {
        doomed = doomed.filter(session::Column::TokenHash.ne(sha256_hex(&token)));
    }
    doomed.exec(db).await?;
    Ok(())
}

/// Reads the session cookie value from request headers.
pub fn session_cookie(headers: &http::HeaderMap) -> Option<String> {
    headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == SESSION_COOKIE)
        .map(|(_, v)| v.to_string())
}

/// The `Set-Cookie` value for a new session.
pub fn session_set_cookie(token: &str, secure: bool) -> String {
    format!(
        "{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{}",
        SESSION_DAYS * 86_400,
        if secure { "; Secure" } else { "" }
    )
}

/// The `Set-Cookie` value that removes the session cookie.
pub fn session_clear_cookie() -> String {
    format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0")
}

/// Who is signed in for this request (resolved once by the server's session middleware).
pub fn signed_in() -> Option<CurrentUser> {
    use_context::<http::request::Parts>().and_then(|p| p.extensions.get::<CurrentUser>().cloned())
}

/// Whether `user` holds one of `roles`. Pure, so it is unit-tested without a server.
pub fn check_role(user: Option<CurrentUser>, roles: &[Role]) -> AppResult<CurrentUser> {
    let user = user.ok_or(AppError::Unauthenticated)?;
    if roles.contains(&user.role) {
        Ok(user)
    } else {
        Err(AppError::Forbidden)
    }
}

/// The guard at the top of every server function: the signed-in user, if their role is one of `roles`.
pub fn require_role(roles: &[Role]) -> AppResult<CurrentUser> {
    check_role(signed_in(), roles)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(role: Role) -> Option<CurrentUser> {
        Some(CurrentUser { id: 1, username: "u".into(), role })
    }

    #[test]
    fn webhook_admin_roles_pass_and_others_are_forbidden() {
        for role in Role::ALL {
            let r = check_role(user(role), Role::WEBHOOK_ADMINS);
            if matches!(role, Role::SiteAdmin | Role::IntegrationAdmin) {
                assert_eq!(r.unwrap().role, role);
            } else {
                assert_eq!(r.unwrap_err(), AppError::Forbidden);
            }
        }
    }

    #[test]
    fn only_site_admin_manages_users() {
        assert!(check_role(user(Role::SiteAdmin), Role::USER_ADMINS).is_ok());
        assert_eq!(check_role(user(Role::IntegrationAdmin), Role::USER_ADMINS).unwrap_err(), AppError::Forbidden);
    }

    #[test]
    fn nobody_signed_in_is_unauthenticated() {
        assert_eq!(check_role(None, Role::WEBHOOK_ADMINS).unwrap_err(), AppError::Unauthenticated);
    }

    #[test]
    fn password_hash_verifies_only_the_right_password() {
        let h = hash_password("correct horse battery");
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password(&h, "correct horse battery"));
        assert!(!verify_password(&h, "wrong"));
    }

    #[test]
    fn session_cookie_is_found_among_others_and_flags_are_set() {
        let mut h = http::HeaderMap::new();
        h.insert(http::header::COOKIE, "a=1; hookwell_session=tok; b=2".parse().unwrap());
        assert_eq!(session_cookie(&h).as_deref(), Some("tok"));
        let c = session_set_cookie("tok", false);
        assert!(c.contains("HttpOnly") && c.contains("SameSite=Lax") && !c.contains("Secure"));
        assert!(session_set_cookie("tok", true).contains("; Secure"));
    }
}
