//! Passwords, sessions and the one role guard every server function starts with.
use super::crypto::{random_token, sha256_hex};
use super::entities::{session, user};
use super::passwords::PasswordWork;
use crate::error::{AppError, AppResult};
use crate::model::{CurrentUser, Role};
use chrono::{Duration, Utc};
use leptos::prelude::*;
use sea_orm::{prelude::*, ActiveValue::Set, DatabaseConnection, QueryFilter};

/// Name of the session cookie.
pub const SESSION_COOKIE: &str = "hookwell_session";
/// Longest username a sign-in looks up (longer ones cannot exist, see `validate_username`).
pub const MAX_LOGIN_NAME_CHARS: usize = 100;

/// How long sessions last: ended after `idle` without a request, and after `max` in any case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionPolicy {
    pub idle: Duration,
    pub max: Duration,
}

impl Default for SessionPolicy {
    /// 12 hours idle, 7 days absolute.
    fn default() -> Self {
        SessionPolicy { idle: Duration::hours(12), max: Duration::days(7) }
    }
}

/// A session's last-seen time is written at most this often, not on every request.
const LAST_SEEN_GRANULARITY: Duration = Duration::minutes(1);

/// The name a sign-in looks up, and the throttle counts by: trimmed, at most
/// [`MAX_LOGIN_NAME_CHARS`] characters (a longer name is cut, and then matches no account).
pub fn login_name(raw: &str) -> &str {
    let name = raw.trim();
    match name.char_indices().nth(MAX_LOGIN_NAME_CHARS) {
        Some((cut, _)) => &name[..cut],
        None => name,
    }
}

/// Checks a username and password; returns the user when both are right and the account is
/// enabled. Argon2 runs in the bounded password pool (`AppError::Busy` when it is full).
pub async fn authenticate(db: &DatabaseConnection, username: &str, password: &str) -> AppResult<Option<CurrentUser>> {
    let name = username.trim();
    let found = if name.is_empty() || name.chars().count() > MAX_LOGIN_NAME_CHARS {
        None // no such account can exist; still spend the same time below
    } else {
        user::Entity::find().filter(user::Column::Username.eq(name)).one(db).await?
    };
    let verified = PasswordWork::shared().verify(found.as_ref().map(|u| u.password_hash.clone()), password).await?;
    Ok(match found {
        Some(u) if verified && !u.disabled => Some(to_current(u)),
        _ => None,
    })
}

fn to_current(u: user::Model) -> CurrentUser {
    CurrentUser { id: u.id, role: u.role, username: u.username }
}

/// Starts a session and returns the cookie value (only its hash is stored).
pub async fn start_session(db: &DatabaseConnection, policy: SessionPolicy, user_id: i32) -> AppResult<String> {
    let token = random_token();
    let now = Utc::now();
    session::ActiveModel {
        token_hash: Set(sha256_hex(&token)),
        user_id: Set(user_id),
        created_at: Set(now),
        expires_at: Set(now + policy.max),
        last_seen_at: Set(now),
    }
    .insert(db)
    .await?;
    Ok(token)
}

/// The user behind a session cookie, if the session is live (used within `policy.idle` and
/// younger than its absolute expiry) and the account enabled. Marks the session as used.
pub async fn resolve_session(
    db: &DatabaseConnection,
    policy: SessionPolicy,
    token: &str,
) -> AppResult<Option<CurrentUser>> {
    let found = session::Entity::find_by_id(sha256_hex(token)).find_also_related(user::Entity).one(db).await?;
    let now = Utc::now();
    let Some((s, Some(u))) = found else { return Ok(None) };
    if s.expires_at <= now || s.last_seen_at + policy.idle <= now || u.disabled {
        return Ok(None);
    }
    if now - s.last_seen_at >= LAST_SEEN_GRANULARITY {
        session::Entity::update_many()
            .col_expr(session::Column::LastSeenAt, Expr::value(now))
            .filter(session::Column::TokenHash.eq(s.token_hash))
            .exec(db)
            .await?;
    }
    Ok(Some(to_current(u)))
}

/// Deletes sessions that expired or went idle. Returns how many were removed.
pub async fn purge_sessions(db: &DatabaseConnection, policy: SessionPolicy) -> AppResult<u64> {
    let now = Utc::now();
    let res = session::Entity::delete_many()
        .filter(
            sea_orm::Condition::any()
                .add(session::Column::ExpiresAt.lte(now))
                .add(session::Column::LastSeenAt.lte(now - policy.idle)),
        )
        .exec(db)
        .await?;
    Ok(res.rows_affected)
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
pub fn session_set_cookie(token: &str, policy: SessionPolicy, secure: bool) -> String {
    format!(
        "{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{}",
        policy.max.num_seconds(),
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
    fn session_cookie_is_found_among_others_and_flags_are_set() {
        let mut h = http::HeaderMap::new();
        h.insert(http::header::COOKIE, "a=1; hookwell_session=tok; b=2".parse().unwrap());
        assert_eq!(session_cookie(&h).as_deref(), Some("tok"));
        let c = session_set_cookie("tok", SessionPolicy::default(), false);
        assert!(c.contains("HttpOnly") && c.contains("SameSite=Lax") && !c.contains("Secure"));
        assert!(c.contains("Max-Age=604800"));
        assert!(session_set_cookie("tok", SessionPolicy::default(), true).contains("; Secure"));
    }

    #[test]
    fn the_login_name_is_trimmed_and_bounded() {
        assert_eq!(login_name("  admin \t"), "admin");
        assert_eq!(login_name(&"é".repeat(300)).chars().count(), MAX_LOGIN_NAME_CHARS);
    }
}
