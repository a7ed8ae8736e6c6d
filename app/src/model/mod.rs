//! Types shared by the browser (WASM) and the server, and the pure rules that govern them.
//!
//! Everything here compiles to both targets so the same validation runs as the user types
//! and again on the server, which is the authority. Nothing here depends on the error type:
//! dependencies run one way, `model` → `error` → the rest.
pub mod audit;
pub mod catalog;
pub mod delivery;
pub mod field_errors;
pub mod role;
pub mod webhook;
pub mod webhook_list;

pub use audit::AuditEntry;
pub use catalog::{validate_display_name, validate_key, CatalogItem, CatalogKind, CatalogUsage, WebhookRef};
pub use delivery::{
    parse_recover_since, ApiKeyRow, AttemptRow, DeliveryChart, DeliveryDetail, DeliveryPage, DeliveryRow,
    DeliveryStatus, HourlyDeliveries, LastDelivery, MoveDirection, NewApiKey, SecretGrace, DELIVERY_COUNT_CAP,
    DELIVERY_PAGE_SIZE, RECOVER_SINCE, SHOWN_PAYLOAD_BYTES, SYNC_NOT_RESENT,
};
pub use field_errors::FieldErrors;
pub use role::{validate_password, validate_username, CurrentUser, Role, UserRow, MIN_PASSWORD_CHARS};
pub use webhook::{
    field, is_plain_http, parse_target_url, validate_event_name, AuthMethod, EventType, SavedWebhook, WebhookDetail,
    WebhookDraft, WebhookFailing, WebhookForm, MAX_FILTER_ITEMS, MAX_NAME_CHARS, MAX_TOKEN_CHARS, MAX_URL_CHARS,
    MIN_TOKEN_CHARS,
};
pub use webhook_list::{CallOrder, WebhookPage, WebhookQuery, WebhookSort, WebhookSummary, PAGE_SIZE};
