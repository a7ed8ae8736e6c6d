//! What the delivery engine needs to know to match events: active webhooks with their
//! filters as keys, and the call order of interview events.
use super::{audit, find, save_versioned, target};
use crate::error::{AppError, AppResult};
use crate::model::{CurrentUser, EventType, MoveDirection};
use crate::ssr::entities::{template, webhook, webhook_template, webhook_work_group, work_group};
use sea_orm::{prelude::*, ActiveValue::Set, QueryOrder, QuerySelect};
use std::collections::HashMap;

/// A webhook as the matching rules see it: filters resolved to keys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subscriber {
    pub id: i32,
    pub name: String,
    pub active: bool,
    pub event_type: EventType,
    pub event_name: Option<String>,
    pub work_groups: Vec<String>,
    pub templates: Vec<String>,
    pub position: i32,
}

/// Every active webhook of `event_type`, in call order (position, then id).
pub async fn subscribers(db: &impl ConnectionTrait, event_type: EventType) -> AppResult<Vec<Subscriber>> {
    let hooks = webhook::Entity::find()
        .filter(webhook::Column::EventType.eq(event_type))
        .filter(webhook::Column::Active.eq(true))
        .order_by_asc(webhook::Column::Position)
        .order_by_asc(webhook::Column::Id)
        .all(db)
        .await?;
    if hooks.is_empty() {
        return Ok(vec![]);
    }
    let ids: Vec<i32> = hooks.iter().map(|h| h.id).collect();
    let mut groups: HashMap<i32, Vec<String>> = HashMap::new();
    let rows: Vec<(i32, String)> = webhook_work_group::Entity::find()
        .select_only()
        .column(webhook_work_group::Column::WebhookId)
        .column(work_group::Column::Key)
        .inner_join(work_group::Entity)
        .filter(webhook_work_group::Column::WebhookId.is_in(ids.clone()))
        .into_tuple()
        .all(db)
        .await?;
    for (id, key) in rows {
        groups.entry(id).or_default().push(key);
    }
    let mut templates: HashMap<i32, Vec<String>> = HashMap::new();
    let rows: Vec<(i32, String)> = webhook_template::Entity::find()
        .select_only()
        .column(webhook_template::Column::WebhookId)
        .column(template::Column::Key)
        .inner_join(template::Entity)
        .filter(webhook_template::Column::WebhookId.is_in(ids))
        .into_tuple()
        .all(db)
        .await?;
    for (id, key) in rows {
        templates.entry(id).or_default().push(key);
    }
    Ok(hooks
        .into_iter()
        .map(|h| Subscriber {
            work_groups: groups.remove(&h.id).unwrap_or_default(),
            templates: templates.remove(&h.id).unwrap_or_default(),
            id: h.id,
            name: h.name,
            active: h.active,
            event_type: h.event_type,
            event_name: h.event_name,
            position: h.position,
        })
        .collect())
}

/// Moves an InterviewLoadEvent or CustomInterviewEvent webhook one place up or down in the call
/// order of its event type, swapping positions with its neighbour. At the end already: no-op.
pub async fn move_webhook(
    db: &DatabaseConnection,
    actor: &CurrentUser,
    id: i32,
    direction: MoveDirection,
) -> AppResult<()> {
    let txn = crate::ssr::db::begin_write(db).await?;
    let me = find(&txn, id).await?;
    if !matches!(me.event_type, EventType::InterviewLoadEvent | EventType::CustomInterviewEvent) {
        return Err(AppError::invalid(
            "position",
            "Only InterviewLoadEvent and CustomInterviewEvent webhooks have a call order.",
        ));
    }
    let same_type = webhook::Entity::find().filter(webhook::Column::EventType.eq(me.event_type));
    let neighbour = match direction {
        MoveDirection::Up => {
            same_type
                .filter(
                    sea_orm::Condition::any().add(webhook::Column::Position.lt(me.position)).add(
                        sea_orm::Condition::all()
                            .add(webhook::Column::Position.eq(me.position))
                            .add(webhook::Column::Id.lt(me.id)),
                    ),
                )
                .order_by_desc(webhook::Column::Position)
                .order_by_desc(webhook::Column::Id)
                .one(&txn)
                .await?
        }
        MoveDirection::Down => {
            same_type
                .filter(
                    sea_orm::Condition::any().add(webhook::Column::Position.gt(me.position)).add(
                        sea_orm::Condition::all()
                            .add(webhook::Column::Position.eq(me.position))
                            .add(webhook::Column::Id.gt(me.id)),
                    ),
                )
                .order_by_asc(webhook::Column::Position)
                .order_by_asc(webhook::Column::Id)
                .one(&txn)
                .await?
        }
    };
    let Some(other) = neighbour else {
        txn.commit().await?;
        return Ok(());
    };
    // Equal positions (never written by create, but possible in old data) still swap order.
    let (mine, theirs) = if other.position == me.position {
        match direction {
            MoveDirection::Up => (me.position - 1, me.position),
            MoveDirection::Down => (me.position + 1, me.position),
        }
    } else {
        (other.position, me.position)
    };
    // Positions are unique (checked row by row), so `me` steps aside to a free, negative one first.
    webhook::Entity::update_many()
        .col_expr(webhook::Column::Position, Expr::value(-me.id))
        .filter(webhook::Column::Id.eq(me.id))
        .exec(&txn)
        .await?;
    let mut am: webhook::ActiveModel = other.clone().into();
    am.position = Set(theirs);
    save_versioned(&txn, am, &other, actor).await?;
    let mut am: webhook::ActiveModel = me.clone().into();
    am.position = Set(mine);
    save_versioned(&txn, am, &me, actor).await?;
    let word = match direction {
        MoveDirection::Up => "up",
        MoveDirection::Down => "down",
    };
    audit::record(&txn, &actor.username, "webhook.move", target(&me), format!("moved {word}, past “{}”", other.name))
        .await?;
    txn.commit().await?;
    Ok(())
}
