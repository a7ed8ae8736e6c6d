//! How the services use the database: write transactions, and telling which uniqueness rule
//! the database refused a write for (the indexes of migration `m20261201_000001_database_rules`
//! and the unique columns of the initial migration).
use sea_orm::{
    DatabaseConnection, DatabaseTransaction, DbErr, SqlErr, SqliteTransactionMode, TransactionOptions, TransactionTrait,
};

/// Begins a transaction that will write. On SQLite it takes the write lock at once
/// (`BEGIN IMMEDIATE`): a deferred transaction that reads first and then writes cannot wait for
/// another writer (SQLite answers "database is locked" at once), while `BEGIN IMMEDIATE` waits
/// up to the busy timeout. Writers are then serialized on SQLite; readers are not (WAL).
/// On PostgreSQL this is a plain `BEGIN` (read committed).
pub async fn begin_write(db: &DatabaseConnection) -> Result<DatabaseTransaction, DbErr> {
    db.begin_with_options(TransactionOptions {
        sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
        ..Default::default()
    })
    .await
}

/// A uniqueness rule the database enforces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UniqueRule {
    /// Webhook names are unique ignoring case.
    WebhookName,
    /// At most one PostProcessingEvent webhook per site.
    OnePostProcessingWebhook,
    /// No two webhooks share a position in the order.
    WebhookPosition,
    /// Work group and template keys are unique.
    CatalogKey,
    /// Usernames are unique ignoring case.
    Username,
}

/// How each rule shows in the database's message: PostgreSQL names the index or constraint
/// (`duplicate key value violates unique constraint "ux_webhooks_position"`); SQLite names the
/// index for an expression index (`UNIQUE constraint failed: index 'ux_webhooks_name_lower'`)
/// and the columns otherwise (`UNIQUE constraint failed: webhooks.position`).
const MARKERS: [(UniqueRule, &[&str]); 5] = [
    (UniqueRule::WebhookName, &["ux_webhooks_name_lower", "\"webhooks_name_key\"", "webhooks.name"]),
    (UniqueRule::OnePostProcessingWebhook, &["ux_webhooks_one_post_processing", "webhooks.event_type"]),
    (UniqueRule::WebhookPosition, &["ux_webhooks_position", "webhooks.position"]),
    (UniqueRule::CatalogKey, &["\"work_groups_key_key\"", "work_groups.key", "\"templates_key_key\"", "templates.key"]),
    (UniqueRule::Username, &["ux_users_username_lower", "\"users_username_key\"", "users.username"]),
];

/// The rule `err` broke, when it is a unique violation of one of ours.
pub fn broken_rule(err: &DbErr) -> Option<UniqueRule> {
    let Some(SqlErr::UniqueConstraintViolation(message)) = err.sql_err() else {
        return None;
    };
    MARKERS.iter().find(|(_, marks)| marks.iter().any(|m| message.contains(m))).map(|(rule, _)| *rule)
}
