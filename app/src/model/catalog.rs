//! Work groups and templates: the two catalogs a webhook can be limited to.
use serde::{Deserialize, Serialize};

/// Keys of work groups and templates: 1–100 letters, digits, `_`, `-`, `.`.
pub fn validate_key(raw: &str) -> Result<String, String> {
    let key = raw.trim();
    if key.is_empty() {
        return Err("Enter a key.".into());
    }
    if key.chars().count() > 100 {
        return Err("Use at most 100 characters.".into());
    }
    if !key.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.')) {
        return Err("Use only letters, digits, _, - and . in the key.".into());
    }
    Ok(key.to_string())
}

/// Display names of work groups and templates: 1–200 characters, not blank.
pub fn validate_display_name(raw: &str) -> Result<String, String> {
    let name = raw.trim();
    if name.is_empty() {
        return Err("Enter a name.".into());
    }
    if name.chars().count() > 200 {
        return Err("Use at most 200 characters.".into());
    }
    Ok(name.to_string())
}

/// A work group or template a webhook can be limited to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatalogItem {
    pub id: i32,
    pub key: String,
    pub name: String,
}

/// A webhook that is limited to a work group or template.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookRef {
    pub id: i32,
    pub name: String,
    pub active: bool,
}

/// A work group or template and the webhooks limited to it (shown before deleting it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatalogUsage {
    pub item: CatalogItem,
    pub webhooks: Vec<WebhookRef>,
}

/// Which catalog a page or server function is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum CatalogKind {
    WorkGroup,
    Template,
}

impl CatalogKind {
    /// Plural heading, e.g. "Work groups".
    pub fn heading(self) -> &'static str {
        match self {
            CatalogKind::WorkGroup => "Work groups",
            CatalogKind::Template => "Templates",
        }
    }
    /// Singular noun, lower case, e.g. "work group".
    pub fn noun(self) -> &'static str {
        match self {
            CatalogKind::WorkGroup => "work group",
            CatalogKind::Template => "template",
        }
    }
    /// The value server functions take for this kind.
    pub fn form_value(self) -> &'static str {
        match self {
            CatalogKind::WorkGroup => "WorkGroup",
            CatalogKind::Template => "Template",
        }
    }
    /// The page path.
    pub fn path(self) -> &'static str {
        match self {
            CatalogKind::WorkGroup => "/work-groups",
            CatalogKind::Template => "/templates",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_refuse_odd_characters() {
        assert!(validate_key("acme.sales-1").is_ok());
        assert!(validate_key("a b").is_err());
        assert!(validate_key("").is_err());
    }
}
