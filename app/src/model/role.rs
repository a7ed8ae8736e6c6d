//! Roles and users: who may do what.
use serde::{Deserialize, Serialize};

/// What a signed-in person may do. Only the two administrator roles see webhooks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sea_orm::DeriveActiveEnum, sea_orm::EnumIter))]
#[cfg_attr(feature = "ssr", sea_orm(rs_type = "String", db_type = "String(sea_orm::sea_query::StringLen::N(40))"))]
pub enum Role {
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "SiteAdmin"))]
    SiteAdmin,
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "IntegrationAdmin"))]
    IntegrationAdmin,
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "ContentAdmin"))]
    ContentAdmin,
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "Author"))]
    Author,
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "TemplateUser"))]
    TemplateUser,
}

impl Role {
    /// Every role, in the order the UI lists them.
    pub const ALL: [Role; 5] =
        [Role::SiteAdmin, Role::IntegrationAdmin, Role::ContentAdmin, Role::Author, Role::TemplateUser];
    /// Roles that may view and manage webhooks, work groups, templates and the audit log.
    pub const WEBHOOK_ADMINS: &'static [Role] = &[Role::SiteAdmin, Role::IntegrationAdmin];
    /// Roles that may manage users.
    pub const USER_ADMINS: &'static [Role] = &[Role::SiteAdmin];

    /// The stable name stored in the database and used in forms.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::SiteAdmin => "SiteAdmin",
            Role::IntegrationAdmin => "IntegrationAdmin",
            Role::ContentAdmin => "ContentAdmin",
            Role::Author => "Author",
            Role::TemplateUser => "TemplateUser",
        }
    }

    /// The name people read.
    pub fn label(self) -> &'static str {
        match self {
            Role::SiteAdmin => "Site Administrator",
            Role::IntegrationAdmin => "Integration Administrator",
            Role::ContentAdmin => "Content Administrator",
            Role::Author => "Author",
            Role::TemplateUser => "Template User",
        }
    }

    /// Parses the stored name; unknown names are refused.
    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// Whether this role may use the webhook console.
    pub fn manages_webhooks(self) -> bool {
        Role::WEBHOOK_ADMINS.contains(&self)
    }
}

/// The signed-in person, as the UI needs to know them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrentUser {
    pub id: i32,
    pub username: String,
    pub role: Role,
}

/// A user as the users page lists them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserRow {
    pub id: i32,
    pub username: String,
    pub role: Role,
    pub disabled: bool,
}

/// Minimum length of a password set through the UI.
pub const MIN_PASSWORD_CHARS: usize = 10;

/// Usernames: 1–100 letters, digits, `_`, `-`, `.`, `@`.
pub fn validate_username(raw: &str) -> Result<String, String> {
    let name = raw.trim();
    if name.is_empty() {
        return Err("Enter a username.".into());
    }
    if name.chars().count() > 100 {
        return Err("Use at most 100 characters.".into());
    }
    if !name.chars().all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | '@')) {
        return Err("Use only letters, digits, _, -, . and @ in the username.".into());
    }
    Ok(name.to_string())
}

/// Passwords: at least [`MIN_PASSWORD_CHARS`] characters.
pub fn validate_password(raw: &str) -> Result<(), String> {
    if raw.chars().count() < MIN_PASSWORD_CHARS {
        return Err(format!("Use at least {MIN_PASSWORD_CHARS} characters."));
    }
    if raw.chars().count() > 1000 {
        return Err("Use at most 1000 characters.".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames_refuse_odd_characters_and_passwords_need_length() {
        assert!(validate_username("ann@example.com").is_ok());
        assert!(validate_username("<script>").is_err());
        assert!(validate_password("short").is_err());
    }
}
