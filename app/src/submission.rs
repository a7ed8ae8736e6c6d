//! What a plain (no-JavaScript) form post left for the page the server renders in answer.
use crate::error::AppError;
use crate::model::WebhookForm;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The server puts it in context for the page it renders; it reaches the browser with the page
/// so hydration sees the same thing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Submission {
    /// A refused webhook form, shown again with what was typed.
    WebhookRefused { form: Box<WebhookForm>, error: AppError },
    /// A secret just issued, shown exactly once.
    SecretIssued { webhook_id: i32, secret: String },
    /// `Regenerate HMAC secret` was pressed; ask for confirmation.
    ConfirmRegenerate,
    /// Regenerating was refused, with the reason.
    RegenerateRefused(String),
    /// Continue was pressed without ticking "I have copied the secret".
    SecretNotAcknowledged,
    /// An API key just created, shown exactly once.
    ApiKeyIssued { id: i32, key: String },
    /// Continue was pressed without ticking "I have copied the key".
    ApiKeyNotAcknowledged,
    /// A refused sign-in.
    LoginRefused { username: String, message: String },
    /// Any other console form (a server-function form posted without JavaScript) refused:
    /// which form (its server function's endpoint), what was typed and why.
    FormRefused { form: String, values: Vec<(String, String)>, error: AppError },
}

/// The hidden field of console forms that names the page they are on (see
/// `components::form_feedback::PageField`); server functions ignore it.
pub const PAGE_FIELD: &str = "_page";

/// Fields whose typed value is never sent back to the browser.
pub fn is_secret_field(name: &str) -> bool {
    ["password", "token", "secret"].iter().any(|s| name.contains(s))
}

/// A refused no-JavaScript post of one form, as its page shows it again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused {
    values: Vec<(String, String)>,
    /// Why it was refused.
    pub error: AppError,
}

impl Refused {
    /// What was typed into `field` (empty for secret fields, which are not kept).
    pub fn value(&self, field: &str) -> Option<String> {
        self.values.iter().find(|(k, _)| k == field).map(|(_, v)| v.clone())
    }

    /// Whether this refusal is about the row whose hidden `id` is `id`.
    pub fn is_for_row(&self, id: i32) -> bool {
        self.value("id").is_some_and(|v| v == id.to_string())
    }
}

/// The refusal of `form` (a server function's endpoint name, e.g. `create_user`), if the
/// no-JavaScript post that rendered this page was that form's.
pub fn use_refused(form: &str) -> Option<Refused> {
    match use_submission() {
        Some(Submission::FormRefused { form: f, values, error }) if f == form => Some(Refused { values, error }),
        _ => None,
    }
}

impl Submission {
    /// What may travel in the page's hydration state or an island's props: a just-issued secret
    /// or API key is already in its dialog's HTML, which hydration keeps, so they carry it blanked.
    pub fn without_secrets(self) -> Submission {
        match self {
            Submission::SecretIssued { webhook_id, .. } => {
                Submission::SecretIssued { webhook_id, secret: String::new() }
            }
            Submission::ApiKeyIssued { id, .. } => Submission::ApiKeyIssued { id, key: String::new() },
            other => other,
        }
    }
}

/// What an island given `blanked` (see [`Submission::without_secrets`]) renders: on the server
/// the post's full `Submission`, secrets included; in the browser, where islands do not see the
/// page's context, `blanked`.
pub fn with_secrets(blanked: Option<Submission>) -> Option<Submission> {
    use_context::<Submission>().or(blanked)
}

/// What a no-JavaScript form post left for this page (see [`Submission`]). The server renders
/// with the full value; the browser hydrates with [`Submission::without_secrets`].
pub fn use_submission() -> Option<Submission> {
    let on_server = use_context::<Submission>();
    let shared = SharedValue::new({
        let on_server = on_server.clone();
        move || on_server.map(Submission::without_secrets)
    })
    .into_inner();
    on_server.or(shared)
}
