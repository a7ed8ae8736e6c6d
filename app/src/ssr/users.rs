//! Users: the first Site Administrator, and what a Site Administrator can change.
use super::db::{broken_rule, UniqueRule};
use super::{audit, auth, crypto::random_token, entities::user, passwords::PasswordWork};
use crate::error::{AppError, AppResult};
use crate::model::{validate_password, validate_username, CurrentUser, Role, UserRow};
use chrono::Utc;
use sea_orm::{
    prelude::*,
    sea_query::{ExprTrait, Func},
    ActiveValue::Set,
    PaginatorTrait, QueryOrder,
};

/// On first start (no users at all) creates `admin` as Site Administrator. Returns the
/// generated password when none was configured, so start-up can print it once.
pub async fn ensure_first_admin(db: &DatabaseConnection, configured: Option<&str>) -> AppResult<Option<String>> {
    if user::Entity::find().count(db).await? > 0 {
        return Ok(None);
    }
    let (password, generated) = match configured {
        Some(p) => (p.to_string(), false),
        None => (random_token(), true),
    };
    insert(db, "admin", PasswordWork::shared().hash(&password).await?, Role::SiteAdmin).await?;
    Ok(generated.then_some(password))
}

/// Inserts a user row; the database refuses a username taken ignoring case.
async fn insert(
    db: &impl ConnectionTrait,
    username: &str,
    password_hash: String,
    role: Role,
) -> Result<user::Model, DbErr> {
    user::ActiveModel {
        username: Set(username.to_string()),
        password_hash: Set(password_hash),
        role: Set(role),
        disabled: Set(false),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await
}

/// Every user, by name.
pub async fn list(db: &DatabaseConnection) -> AppResult<Vec<UserRow>> {
    let rows = user::Entity::find().order_by_asc(user::Column::Username).all(db).await?;
    Ok(rows
        .into_iter()
        .map(|u| UserRow { id: u.id, role: u.role, username: u.username, disabled: u.disabled })
        .collect())
}

/// Creates a user; the name must be new ignoring case (checked first, and enforced by the
/// database for concurrent creates) and the password long enough.
pub async fn create(
    db: &DatabaseConnection,
    actor: &CurrentUser,
    username: &str,
    password: &str,
    role: &str,
) -> AppResult<()> {
    let username = validate_username(username).map_err(|m| AppError::invalid("username", m))?;
    validate_password(password).map_err(|m| AppError::invalid("password", m))?;
    let role = Role::parse(role).ok_or_else(|| AppError::invalid("role", "Choose one of the five roles."))?;
    // Hashed before the write transaction, which holds SQLite's write lock.
    let password_hash = PasswordWork::shared().hash(password).await?;
    let txn = crate::ssr::db::begin_write(db).await?;
    let taken = || AppError::invalid("username", format!("A user named “{username}” already exists."));
    let same = ExprTrait::eq(Expr::expr(Func::lower(Expr::col(user::Column::Username))), username.to_lowercase());
    if user::Entity::find().filter(same).one(&txn).await?.is_some() {
        return Err(taken());
    }
    let u = match insert(&txn, &username, password_hash, role).await {
        Err(e) if broken_rule(&e) == Some(UniqueRule::Username) => return Err(taken()),
        other => other?,
    };
    audit::record(&txn, &actor.username, "user.create", target(&u), format!("role {}", role.label())).await?;
    txn.commit().await?;
    Ok(())
}

fn target(u: &user::Model) -> audit::Target<'_> {
    audit::Target { kind: "user", id: Some(u.id), name: &u.username }
}

async fn find(db: &impl ConnectionTrait, id: i32) -> AppResult<user::Model> {
    user::Entity::find_by_id(id).one(db).await?.ok_or_else(|| AppError::NotFound("User".into()))
}

/// Changes a user's role and ends their other sessions. A Site Administrator cannot demote
/// themself (no lock-out).
pub async fn change_role(db: &DatabaseConnection, actor: &CurrentUser, id: i32, role: &str) -> AppResult<()> {
    let role = Role::parse(role).ok_or_else(|| AppError::invalid("role", "Choose one of the five roles."))?;
    if id == actor.id && role != Role::SiteAdmin {
        return Err(AppError::invalid("role", "You cannot take away your own Site Administrator role."));
    }
    let txn = crate::ssr::db::begin_write(db).await?;
    let u = find(&txn, id).await?;
    let mut m: user::ActiveModel = u.clone().into();
    m.role = Set(role);
    m.update(&txn).await?;
    if u.role != role {
        auth::end_other_sessions(&txn, id).await?;
    }
    audit::record(
        &txn,
        &actor.username,
        "user.change_role",
        target(&u),
        format!("{} → {}", u.role.as_str(), role.as_str()),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Disables or re-enables a user; disabling ends their sessions at once.
pub async fn set_disabled(db: &DatabaseConnection, actor: &CurrentUser, id: i32, disabled: bool) -> AppResult<()> {
    if id == actor.id && disabled {
        return Err(AppError::invalid("user", "You cannot disable your own account."));
    }
    let txn = crate::ssr::db::begin_write(db).await?;
    let u = find(&txn, id).await?;
    let mut m: user::ActiveModel = u.clone().into();
    m.disabled = Set(disabled);
    m.update(&txn).await?;
    if disabled {
        auth::end_other_sessions(&txn, id).await?;
    }
    audit::record(&txn, &actor.username, if disabled { "user.disable" } else { "user.enable" }, target(&u), "").await?;
    txn.commit().await?;
    Ok(())
}

/// Sets a new password and signs the user out everywhere else.
pub async fn reset_password(db: &DatabaseConnection, actor: &CurrentUser, id: i32, password: &str) -> AppResult<()> {
    validate_password(password).map_err(|m| AppError::invalid("password", m))?;
    let password_hash = PasswordWork::shared().hash(password).await?;
    let txn = crate::ssr::db::begin_write(db).await?;
    let u = find(&txn, id).await?;
    let mut m: user::ActiveModel = u.clone().into();
    m.password_hash = Set(password_hash);
    m.update(&txn).await?;
    auth::end_other_sessions(&txn, id).await?;
    audit::record(&txn, &actor.username, "user.reset_password", target(&u), "").await?;
    txn.commit().await?;
    Ok(())
}

/// Creates a user for tests and the CLI without an acting administrator.
pub async fn create_unaudited(db: &DatabaseConnection, username: &str, password: &str, role: Role) -> AppResult<i32> {
    Ok(insert(db, username, PasswordWork::shared().hash(password).await?, role).await?.id)
}
