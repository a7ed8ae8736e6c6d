//! The audit log: who changed what, when. Never secret values.
use super::entities::audit_log;
use crate::error::AppResult;
use crate::model::AuditEntry;
use chrono::Utc;
use sea_orm::{prelude::*, ActiveValue::Set, QueryOrder, QuerySelect};

/// What an audit record is about.
pub struct Target<'a> {
    pub kind: &'a str,
    pub id: Option<i32>,
    pub name: &'a str,
}

/// Appends one record.
pub async fn record(
    db: &impl ConnectionTrait,
    actor: &str,
    action: &str,
    target: Target<'_>,
    detail: impl Into<String>,
) -> AppResult<()> {
    audit_log::ActiveModel {
        at: Set(Utc::now()),
        actor: Set(actor.to_string()),
        action: Set(action.to_string()),
        target_type: Set(target.kind.to_string()),
        target_id: Set(target.id),
        target_name: Set(target.name.to_string()),
        detail: Set(detail.into()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// The newest records first.
pub async fn recent(db: &DatabaseConnection, limit: u64) -> AppResult<Vec<AuditEntry>> {
    let rows = audit_log::Entity::find().order_by_desc(audit_log::Column::Id).limit(limit).all(db).await?;
    Ok(rows
        .into_iter()
        .map(|r| AuditEntry {
            at: r.at.format("%Y-%m-%d %H:%M:%S UTC").to_string(),
            actor: r.actor,
            action: r.action,
            target: match r.target_id {
                Some(id) => format!("{} #{id} “{}”", r.target_type, r.target_name),
                None => format!("{} “{}”", r.target_type, r.target_name),
            },
            detail: r.detail,
        })
        .collect())
}
