//! Rules the database enforces, so concurrent requests cannot break them between the
//! application's check and its write:
//!
//! | index | rule |
//! |---|---|
//! | `ux_webhooks_name_lower` | webhook names are unique ignoring case (`lower(name)`) |
//! | `ux_webhooks_one_post_processing` | at most one webhook has `event_type = 'PostProcessingEvent'` (partial index) |
//! | `ux_webhooks_position` | no two webhooks share a position in the order |
//! | `ux_users_username_lower` | usernames are unique ignoring case (`lower(username)`) |
//!
//! The same statements work on SQLite (3.9+ for expression indexes, 3.8 for partial ones) and
//! PostgreSQL. `lower()` folds ASCII letters only on SQLite, so there names that differ only in
//! the case of a non-ASCII letter stay distinct; PostgreSQL folds them too.
//!
//! A later reorder must not write one position twice even for a moment (SQLite and PostgreSQL
//! check a unique index row by row): swap through a free value, e.g. a negative position.
//!
//! Existing data that breaks a rule (written before this migration, by concurrent requests):
//! - **Shared positions** are renumbered 1, 2, 3… in the existing order (position, then id), so
//!   the order people see is kept. Nothing else depends on the numbers.
//! - **Names or usernames equal ignoring case, or more than one PostProcessingEvent webhook**
//!   stop the migration (and so the start-up) with a message naming every row involved. No
//!   choice is made automatically: which webhook receives post-processing, or which account
//!   keeps a name, is for an administrator to decide. Rename or delete the rows named (with
//!   `sqlite3` or `psql`), then start again; the migration runs once it finds none.
use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend, Statement};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The new indexes, each with its statement (the same on both backends).
const INDEXES: [(&str, &str); 4] = [
    ("ux_webhooks_name_lower", "CREATE UNIQUE INDEX ux_webhooks_name_lower ON webhooks (lower(name))"),
    (
        "ux_webhooks_one_post_processing",
        "CREATE UNIQUE INDEX ux_webhooks_one_post_processing ON webhooks (event_type) \
         WHERE event_type = 'PostProcessingEvent'",
    ),
    ("ux_webhooks_position", "CREATE UNIQUE INDEX ux_webhooks_position ON webhooks (position)"),
    ("ux_users_username_lower", "CREATE UNIQUE INDEX ux_users_username_lower ON users (lower(username))"),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        let mut problems = Vec::new();
        let duplicates = [
            (
                "Webhooks with the same name ignoring case",
                "SELECT id, name FROM webhooks WHERE lower(name) IN \
                 (SELECT lower(name) FROM webhooks GROUP BY lower(name) HAVING count(*) > 1) ORDER BY lower(name), id",
            ),
            (
                "More than one PostProcessingEvent webhook (only one is allowed)",
                "SELECT id, name FROM webhooks WHERE event_type = 'PostProcessingEvent' AND \
                 (SELECT count(*) FROM webhooks WHERE event_type = 'PostProcessingEvent') > 1 ORDER BY id",
            ),
            (
                "Users with the same username ignoring case",
                "SELECT id, username AS name FROM users WHERE lower(username) IN \
                 (SELECT lower(username) FROM users GROUP BY lower(username) HAVING count(*) > 1) \
                 ORDER BY lower(username), id",
            ),
        ];
        for (what, sql) in duplicates {
            let rows = db.query_all_raw(Statement::from_string(db.get_database_backend(), sql)).await?;
            if rows.is_empty() {
                continue;
            }
            let mut named = Vec::new();
            for row in rows {
                let id: i32 = row.try_get("", "id")?;
                let name: String = row.try_get("", "name")?;
                named.push(format!("id {id} “{name}”"));
            }
            problems.push(format!("{what}: {}", named.join(", ")));
        }
        if !problems.is_empty() {
            return Err(DbErr::Migration(format!(
                "existing data breaks a rule the database now enforces. {}. Rename or delete all but one of \
                 each, then start again.",
                problems.join("; ")
            )));
        }
        renumber_shared_positions(db).await?;
        for (_, sql) in INDEXES {
            db.execute_unprepared(sql).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (name, _) in INDEXES {
            manager.get_connection().execute_unprepared(&format!("DROP INDEX IF EXISTS {name}")).await?;
        }
        Ok(())
    }
}

/// When two webhooks share a position, numbers every webhook 1, 2, 3… by (position, id).
async fn renumber_shared_positions(db: &SchemaManagerConnection<'_>) -> Result<(), DbErr> {
    let backend = db.get_database_backend();
    let shared = db
        .query_one_raw(Statement::from_string(
            backend,
            "SELECT count(*) AS n FROM (SELECT position FROM webhooks GROUP BY position HAVING count(*) > 1) AS s",
        ))
        .await?
        .map(|r| r.try_get::<i64>("", "n"))
        .transpose()?
        .unwrap_or(0);
    if shared == 0 {
        return Ok(());
    }
    // Negative first, so no step writes a number another row still has (and the same steps
    // work whether or not the index exists yet).
    let rows =
        db.query_all_raw(Statement::from_string(backend, "SELECT id FROM webhooks ORDER BY position, id")).await?;
    for (n, row) in rows.iter().enumerate() {
        let id: i32 = row.try_get("", "id")?;
        let position = -(<i32 as TryFrom<usize>>::try_from(n).unwrap_or(i32::MAX - 1) + 1);
        db.execute_raw(Statement::from_sql_and_values(
            backend,
            match backend {
                DbBackend::Postgres => "UPDATE webhooks SET position = $1 WHERE id = $2",
                _ => "UPDATE webhooks SET position = ? WHERE id = ?",
            },
            [position.into(), id.into()],
        ))
        .await?;
    }
    db.execute_unprepared("UPDATE webhooks SET position = -position").await?;
    Ok(())
}
