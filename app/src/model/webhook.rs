//! Webhooks: event types, authentication methods, the form and its validation.
use super::{CatalogItem, FieldErrors};
use serde::{Deserialize, Serialize};
use std::fmt;

/// The four platform events a webhook can subscribe to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sea_orm::DeriveActiveEnum, sea_orm::EnumIter))]
#[cfg_attr(feature = "ssr", sea_orm(rs_type = "String", db_type = "String(sea_orm::sea_query::StringLen::N(40))"))]
pub enum EventType {
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "NewWorkItemVersionComplete"))]
    NewWorkItemVersionComplete,
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "CustomInterviewEvent"))]
    CustomInterviewEvent,
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "InterviewLoadEvent"))]
    InterviewLoadEvent,
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "PostProcessingEvent"))]
    PostProcessingEvent,
}

impl EventType {
    /// Every event type, in the order the UI lists them.
    pub const ALL: [EventType; 4] = [
        EventType::NewWorkItemVersionComplete,
        EventType::CustomInterviewEvent,
        EventType::InterviewLoadEvent,
        EventType::PostProcessingEvent,
    ];

    /// The wire and storage name, which is also the UI label.
    pub fn as_str(self) -> &'static str {
        match self {
            EventType::NewWorkItemVersionComplete => "NewWorkItemVersionComplete",
            EventType::CustomInterviewEvent => "CustomInterviewEvent",
            EventType::InterviewLoadEvent => "InterviewLoadEvent",
            EventType::PostProcessingEvent => "PostProcessingEvent",
        }
    }

    /// Parses the wire name; unknown names are refused.
    pub fn parse(s: &str) -> Option<EventType> {
        EventType::ALL.into_iter().find(|e| e.as_str() == s)
    }

    /// Whether webhooks of this type carry an Interview Event Name.
    pub fn has_event_name(self) -> bool {
        self == EventType::CustomInterviewEvent
    }

    /// Whether webhooks of this type are called in an explicit order (synchronous calls).
    pub fn has_call_order(self) -> bool {
        matches!(self, EventType::InterviewLoadEvent | EventType::CustomInterviewEvent)
    }

    /// Whether webhooks of this type can be limited to work groups.
    pub fn uses_work_groups(self) -> bool {
        matches!(self, EventType::InterviewLoadEvent | EventType::NewWorkItemVersionComplete)
    }

    /// Whether webhooks of this type can be limited to templates.
    pub fn uses_templates(self) -> bool {
        matches!(
            self,
            EventType::InterviewLoadEvent | EventType::NewWorkItemVersionComplete | EventType::PostProcessingEvent
        )
    }
}

impl fmt::Display for EventType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How Hookwell proves to the receiver that a delivery is genuine.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sea_orm::DeriveActiveEnum, sea_orm::EnumIter))]
#[cfg_attr(feature = "ssr", sea_orm(rs_type = "String", db_type = "String(sea_orm::sea_query::StringLen::N(20))"))]
pub enum AuthMethod {
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "HMAC"))]
    Hmac,
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "AccessToken"))]
    AccessToken,
}

impl AuthMethod {
    /// The storage and form value.
    pub fn as_str(self) -> &'static str {
        match self {
            AuthMethod::Hmac => "HMAC",
            AuthMethod::AccessToken => "AccessToken",
        }
    }

    /// The UI label.
    pub fn label(self) -> &'static str {
        match self {
            AuthMethod::Hmac => "HMAC",
            AuthMethod::AccessToken => "Access token",
        }
    }

    /// Parses the form value; unknown values are refused.
    pub fn parse(s: &str) -> Option<AuthMethod> {
        [AuthMethod::Hmac, AuthMethod::AccessToken].into_iter().find(|a| a.as_str() == s)
    }
}

/// Longest webhook name accepted.
pub const MAX_NAME_CHARS: usize = 200;
/// Longest URL accepted.
pub const MAX_URL_CHARS: usize = 2048;
/// Longest access token accepted.
pub const MAX_TOKEN_CHARS: usize = 4096;

/// Field names used by forms, errors and `aria-describedby` ids.
pub mod field {
    pub const NAME: &str = "name";
    pub const URL: &str = "url";
    pub const AUTH_METHOD: &str = "auth_method";
    pub const ACCESS_TOKEN: &str = "access_token";
    pub const EVENT_TYPE: &str = "event_type";
    pub const EVENT_NAME: &str = "event_name";
    pub const WORK_GROUPS: &str = "work_groups";
    pub const TEMPLATES: &str = "templates";
    pub const ACTIVE: &str = "active";
    pub const SSL: &str = "ssl";
    pub const VERSION: &str = "version";
    /// Not a field: a message about the whole form.
    pub const FORM: &str = "form";
}

/// The webhook form exactly as the browser posts it: every field is text, so any submission
/// decodes and a refused one can be shown again with what the user typed. The JavaScript path
/// (server function, JSON) and the no-JavaScript path (form post) both decode this struct, and
/// the field names here are the form's input names (see [`field`]).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookForm {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub url: String,
    #[serde(default)]
    pub auth_method: String,
    #[serde(default)]
    pub access_token: String,
    #[serde(default)]
    pub event_type: String,
    #[serde(default)]
    pub event_name: String,
    /// Checkbox: present ("on") when ticked.
    #[serde(default)]
    pub active: Option<String>,
    /// `block` or `accept`.
    #[serde(default)]
    pub ssl: String,
    /// Work group ids as posted; read by [`WebhookForm::validate`].
    #[serde(default)]
    pub work_groups: Vec<String>,
    /// Template ids as posted; read by [`WebhookForm::validate`].
    #[serde(default)]
    pub templates: Vec<String>,
    /// The version the editor started from (edit only), to detect concurrent edits.
    #[serde(default)]
    pub version: String,
}

impl WebhookForm {
    /// The fields (names as in [`field`]) whose values differ between `self` and `other`.
    pub fn changed_fields(&self, other: &WebhookForm) -> Vec<&'static str> {
        [
            (field::NAME, self.name != other.name),
            (field::URL, self.url != other.url),
            (field::AUTH_METHOD, self.auth_method != other.auth_method),
            (field::ACCESS_TOKEN, self.access_token != other.access_token),
            (field::EVENT_TYPE, self.event_type != other.event_type),
            (field::EVENT_NAME, self.event_name != other.event_name),
            (field::ACTIVE, self.active != other.active),
            (field::SSL, self.ssl != other.ssl),
            (field::WORK_GROUPS, self.work_groups != other.work_groups),
            (field::TEMPLATES, self.templates != other.templates),
            (field::VERSION, self.version != other.version),
        ]
        .into_iter()
        .filter_map(|(f, changed)| changed.then_some(f))
        .collect()
    }

    /// The defaults of a new webhook: HMAC, active, Block untrusted SSL.
    pub fn new_defaults() -> Self {
        WebhookForm {
            auth_method: AuthMethod::Hmac.as_str().into(),
            event_type: EventType::NewWorkItemVersionComplete.as_str().into(),
            active: Some("on".into()),
            ssl: "block".into(),
            ..Default::default()
        }
    }

    /// The form as it may be shown again: a typed access token never goes back to the browser.
    pub fn without_token(mut self) -> Self {
        self.access_token.clear();
        self
    }

    /// Checks every field and, when all are acceptable, returns the normalised draft.
    /// `has_stored_token` lets an edit keep the stored access token when the field is left blank.
    pub fn validate(&self, has_stored_token: bool) -> Result<WebhookDraft, FieldErrors> {
        let mut errors = FieldErrors::default();

        let name = self.name.trim();
        if name.is_empty() {
            errors.add(field::NAME, "Enter a name.");
        } else if name.chars().count() > MAX_NAME_CHARS {
            errors.add(field::NAME, format!("Use at most {MAX_NAME_CHARS} characters."));
        } else if name.chars().any(char::is_control) {
            errors.add(field::NAME, "Remove control characters from the name.");
        }

        let url = match parse_target_url(&self.url) {
            Ok(u) => Some(u),
            Err(m) => {
                errors.add(field::URL, m);
                None
            }
        };

        let auth_method = AuthMethod::parse(&self.auth_method);
        if auth_method.is_none() {
            errors.add(field::AUTH_METHOD, "Choose HMAC or Access token.");
        }
        let token = self.access_token.trim();
        let access_token = match auth_method {
            Some(AuthMethod::AccessToken) if token.is_empty() && !has_stored_token => {
                errors.add(field::ACCESS_TOKEN, "Enter the access token your application expects.");
                None
            }
            Some(AuthMethod::AccessToken) if !token.is_empty() && token.chars().count() < MIN_TOKEN_CHARS => {
                errors.add(field::ACCESS_TOKEN, format!("Use at least {MIN_TOKEN_CHARS} characters."));
                None
            }
            Some(AuthMethod::AccessToken) if token.chars().count() > MAX_TOKEN_CHARS => {
                errors.add(field::ACCESS_TOKEN, format!("Use at most {MAX_TOKEN_CHARS} characters."));
                None
            }
            Some(AuthMethod::AccessToken) if token.chars().any(|c| c.is_whitespace() || c.is_control()) => {
                errors.add(field::ACCESS_TOKEN, "An access token cannot contain spaces or control characters.");
                None
            }
            Some(AuthMethod::AccessToken) if !token.is_empty() => Some(token.to_string()),
            _ => None,
        };

        let event_type = EventType::parse(&self.event_type);
        if event_type.is_none() {
            errors.add(field::EVENT_TYPE, "Choose one of the four event types.");
        }
        let event_name = match event_type {
            Some(t) if t.has_event_name() => match validate_event_name(&self.event_name) {
                Ok(n) => Some(n),
                Err(m) => {
                    errors.add(field::EVENT_NAME, m);
                    None
                }
            },
            _ => None,
        };

        let accept_untrusted_ssl = match self.ssl.as_str() {
            "accept" => true,
            "block" | "" => false,
            _ => {
                errors.add(field::SSL, "Choose Block untrusted SSL or Accept untrusted SSL.");
                false
            }
        };

        if !errors.is_empty() {
            return Err(errors);
        }
        let (Some(url), Some(auth_method), Some(event_type)) = (url, auth_method, event_type) else {
            return Err(errors);
        };
        let work_groups = if event_type.uses_work_groups() { &self.work_groups[..] } else { &[] };
        let templates = if event_type.uses_templates() { &self.templates[..] } else { &[] };
        let work_groups = read_ids(work_groups, field::WORK_GROUPS, "work groups", &mut errors);
        let templates = read_ids(templates, field::TEMPLATES, "templates", &mut errors);
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(WebhookDraft {
            name: name.to_string(),
            url,
            auth_method,
            access_token,
            event_type,
            event_name,
            active: self.active.is_some(),
            accept_untrusted_ssl,
            work_groups,
            templates,
        })
    }
}

/// Most work groups or templates one webhook can be limited to.
pub const MAX_FILTER_ITEMS: usize = 500;
/// Shortest access token accepted, so that the shown last 4 characters never reveal it.
pub const MIN_TOKEN_CHARS: usize = 16;

/// Reads posted ids: sorted, without repeats; anything that is not an id is refused by field.
fn read_ids(raw: &[String], field: &str, noun: &str, errors: &mut FieldErrors) -> Vec<i32> {
    let mut ids = Vec::with_capacity(raw.len());
    for value in raw {
        match value.trim().parse::<i32>() {
            Ok(id) if id > 0 => ids.push(id),
            _ => errors.add(field, "Choose from the list."),
        }
    }
    ids.sort_unstable();
    ids.dedup();
    if ids.len() > MAX_FILTER_ITEMS {
        errors.add(field, format!("Choose at most {MAX_FILTER_ITEMS} {noun}, or none to match every one."));
    }
    ids
}

/// A webhook's settings after validation: it can only exist valid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookDraft {
    pub name: String,
    pub url: String,
    pub auth_method: AuthMethod,
    /// A new access token; `None` keeps the stored one (or none for HMAC).
    pub access_token: Option<String>,
    pub event_type: EventType,
    pub event_name: Option<String>,
    pub active: bool,
    pub accept_untrusted_ssl: bool,
    pub work_groups: Vec<i32>,
    pub templates: Vec<i32>,
}

/// Accepts only absolute http(s) URLs with a host and no credentials.
pub fn parse_target_url(raw: &str) -> Result<String, String> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Err("Enter the URL of your endpoint.".into());
    }
    if raw.chars().count() > MAX_URL_CHARS {
        return Err(format!("Use at most {MAX_URL_CHARS} characters."));
    }
    let url = crate::web_url::parse(raw, None)
        .ok_or_else(|| "Enter a full URL such as https://example.com/hooks.".to_string())?;
    if !matches!(url.scheme.as_str(), "http" | "https") {
        return Err("Use an http:// or https:// URL.".into());
    }
    if url.host.is_empty() {
        return Err("The URL needs a host name.".into());
    }
    if url.has_credentials {
        return Err("Do not put credentials in the URL; use Access token instead.".into());
    }
    // Percent-encoding and punycode can make a URL longer than what was typed.
    let normalized = url.href;
    if normalized.len() > MAX_URL_CHARS {
        return Err(format!(
            "This URL is {} characters long once encoded (spaces and non-ASCII characters are percent-encoded); \
             use at most {MAX_URL_CHARS}.",
            normalized.len()
        ));
    }
    Ok(normalized)
}

/// True when a URL would send data unencrypted (the UI warns but allows it).
pub fn is_plain_http(raw: &str) -> bool {
    raw.trim().to_ascii_lowercase().starts_with("http://")
}

/// Interview event names: 1–100 letters, digits, `_`, `-`, `.`.
pub fn validate_event_name(raw: &str) -> Result<String, String> {
    let name = raw.trim();
    if name.is_empty() {
        return Err("Enter the Event Name used in the template's Interview Event dialog element.".into());
    }
    if name.chars().count() > 100 {
        return Err("Use at most 100 characters.".into());
    }
    if !name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.')) {
        return Err("Use only letters, digits, _, - and . in the event name.".into());
    }
    Ok(name.to_string())
}

/// Everything the detail and edit pages show. Never carries a secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookDetail {
    pub id: i32,
    pub name: String,
    pub url: String,
    pub auth_method: AuthMethod,
    /// `••••` plus the last 4 characters of the stored access token.
    pub access_token_hint: Option<String>,
    pub event_type: EventType,
    pub event_name: Option<String>,
    pub active: bool,
    pub accept_untrusted_ssl: bool,
    pub work_groups: Vec<CatalogItem>,
    pub templates: Vec<CatalogItem>,
    pub version: i32,
    pub created_at: String,
    pub created_by: String,
    pub updated_at: String,
    pub updated_by: String,
    /// Why the delivery engine deactivated it (`Disabled after failures`), until re-activated.
    pub disabled_reason: Option<String>,
    /// While it is active and every attempt has failed: since when, and when it will be
    /// deactivated unless one succeeds.
    pub failing: Option<WebhookFailing>,
    /// While a regenerated secret's grace period runs: when the previous secret stops signing
    /// (`YYYY-MM-DD HH:MM UTC`).
    pub previous_secret_until: Option<String>,
}

/// A webhook whose deliveries keep failing (the warning banner of its page).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookFailing {
    /// Start of the run of failed attempts, `YYYY-MM-DD HH:MM UTC`.
    pub since: String,
    /// When the delivery engine deactivates it unless an attempt succeeds first.
    pub deactivates_at: String,
}

impl WebhookDetail {
    /// The edit form pre-filled with the stored settings (the access token stays blank).
    pub fn to_form(&self) -> WebhookForm {
        WebhookForm {
            name: self.name.clone(),
            url: self.url.clone(),
            auth_method: self.auth_method.as_str().into(),
            access_token: String::new(),
            event_type: self.event_type.as_str().into(),
            event_name: self.event_name.clone().unwrap_or_default(),
            active: self.active.then(|| "on".to_string()),
            ssl: if self.accept_untrusted_ssl { "accept" } else { "block" }.into(),
            work_groups: self.work_groups.iter().map(|w| w.id.to_string()).collect(),
            templates: self.templates.iter().map(|t| t.id.to_string()).collect(),
            version: self.version.to_string(),
        }
    }
}

/// The result of a save: where to go next, and the new HMAC secret when one was issued.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedWebhook {
    pub id: i32,
    /// Shown exactly once, then forgotten.
    pub new_secret: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changed_fields_names_exactly_the_fields_that_differ() {
        let before = WebhookForm::new_defaults();
        assert!(before.changed_fields(&before.clone()).is_empty());
        let mut typed = before.clone();
        typed.name = "Typed early".into();
        typed.active = None;
        typed.work_groups = vec!["3".into()];
        assert_eq!(before.changed_fields(&typed), vec![field::NAME, field::ACTIVE, field::WORK_GROUPS]);
    }

    fn valid() -> WebhookForm {
        WebhookForm { name: "Orders".into(), url: "https://example.com/hook".into(), ..WebhookForm::new_defaults() }
    }

    #[test]
    fn defaults_are_hmac_active_and_block_untrusted_ssl() {
        let d = valid().validate(false).unwrap();
        assert_eq!(d.auth_method, AuthMethod::Hmac);
        assert!(d.active);
        assert!(!d.accept_untrusted_ssl);
    }

    #[test]
    fn whitespace_only_name_is_refused() {
        let e = WebhookForm { name: "   ".into(), ..valid() }.validate(false).unwrap_err();
        assert_eq!(e.get(field::NAME), Some("Enter a name."));
    }

    #[test]
    fn over_long_name_is_refused_but_200_unicode_chars_are_fine() {
        let ok = WebhookForm { name: "é".repeat(200), ..valid() }.validate(false);
        assert!(ok.is_ok());
        let e = WebhookForm { name: "é".repeat(201), ..valid() }.validate(false).unwrap_err();
        assert!(e.get(field::NAME).unwrap().contains("200"));
    }

    #[test]
    fn javascript_data_and_ftp_urls_are_refused() {
        for bad in [
            "javascript:alert(1)",
            "data:text/html,hi",
            "ftp://example.com/x",
            "example.com",
            "http://",
            "https://user:pw@example.com/",
        ] {
            let e = WebhookForm { url: bad.into(), ..valid() }.validate(false).unwrap_err();
            assert!(e.get(field::URL).is_some(), "{bad} should be refused");
        }
    }

    #[test]
    fn plain_http_is_allowed_with_a_warning() {
        assert!(WebhookForm { url: "http://example.com/h".into(), ..valid() }.validate(false).is_ok());
        assert!(is_plain_http("http://example.com/h"));
        assert!(!is_plain_http("https://example.com/h"));
    }

    #[test]
    fn custom_event_needs_a_well_formed_event_name() {
        let f = WebhookForm { event_type: "CustomInterviewEvent".into(), ..valid() };
        assert!(f.validate(false).unwrap_err().get(field::EVENT_NAME).is_some());
        let bad = WebhookForm { event_name: "has space".into(), ..f.clone() };
        assert!(bad.validate(false).unwrap_err().get(field::EVENT_NAME).is_some());
        let ok = WebhookForm { event_name: "lookup.customer-1".into(), ..f }.validate(false).unwrap();
        assert_eq!(ok.event_name.as_deref(), Some("lookup.customer-1"));
    }

    #[test]
    fn event_name_is_dropped_for_other_event_types() {
        let d = WebhookForm { event_name: "ignored".into(), ..valid() }.validate(false).unwrap();
        assert_eq!(d.event_name, None);
    }

    #[test]
    fn unknown_event_type_posted_by_hand_is_refused() {
        let e = WebhookForm { event_type: "DropTables".into(), ..valid() }.validate(false).unwrap_err();
        assert!(e.get(field::EVENT_TYPE).is_some());
    }

    #[test]
    fn access_token_is_required_unless_one_is_stored() {
        let f = WebhookForm { auth_method: "AccessToken".into(), ..valid() };
        assert!(f.validate(false).unwrap_err().get(field::ACCESS_TOKEN).is_some());
        assert_eq!(f.validate(true).unwrap().access_token, None);
        let d = WebhookForm { access_token: "tok_1234567890abcdef".into(), ..f }.validate(false).unwrap();
        assert_eq!(d.access_token.as_deref(), Some("tok_1234567890abcdef"));
    }

    #[test]
    fn hmac_webhooks_never_keep_an_access_token() {
        let d = WebhookForm { access_token: "leftover".into(), ..valid() }.validate(false).unwrap();
        assert_eq!(d.access_token, None);
    }

    #[test]
    fn filters_apply_only_to_event_types_that_use_them() {
        let ids = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let f = WebhookForm { work_groups: ids(&["2", "1", "2"]), templates: ids(&["3"]), ..valid() };
        let d = f.clone().validate(false).unwrap();
        assert_eq!((d.work_groups, d.templates), (vec![1, 2], vec![3]));
        let p = WebhookForm { event_type: "PostProcessingEvent".into(), ..f.clone() }.validate(false).unwrap();
        assert_eq!((p.work_groups, p.templates), (vec![], vec![3]));
        let c = WebhookForm { event_type: "CustomInterviewEvent".into(), event_name: "x".into(), ..f }
            .validate(false)
            .unwrap();
        assert_eq!((c.work_groups, c.templates), (vec![], vec![]));
    }

    #[test]
    fn unchecked_active_box_means_inactive() {
        assert!(!WebhookForm { active: None, ..valid() }.validate(false).unwrap().active);
    }

    #[test]
    fn short_access_tokens_are_refused_so_the_hint_never_reveals_one() {
        let f = WebhookForm { auth_method: "AccessToken".into(), access_token: "abcd1234".into(), ..valid() };
        let e = f.validate(false).unwrap_err();
        assert_eq!(e.get(field::ACCESS_TOKEN), Some("Use at least 16 characters."));
    }

    #[test]
    fn a_url_that_grows_past_the_limit_when_encoded_is_refused() {
        let typed = format!("https://example.com/a{}b", " ".repeat(1000));
        assert!(typed.chars().count() < MAX_URL_CHARS);
        let e = WebhookForm { url: typed, ..valid() }.validate(false).unwrap_err();
        assert!(e.get(field::URL).unwrap().contains("once encoded"), "{e:?}");
    }

    #[test]
    fn filter_ids_that_are_not_ids_or_too_many_are_refused_by_field() {
        let f = WebhookForm { work_groups: vec!["7".into(), "seven".into()], ..valid() };
        assert_eq!(f.validate(false).unwrap_err().get(field::WORK_GROUPS), Some("Choose from the list."));
        let many = (1..=MAX_FILTER_ITEMS as i32 + 1).map(|i| i.to_string()).collect();
        let e = WebhookForm { templates: many, ..valid() }.validate(false).unwrap_err();
        assert!(e.get(field::TEMPLATES).unwrap().contains("at most 500"));
    }
}
