//! The platform API under `/api/v1`: JSON in, JSON or `application/problem+json` out, every
//! route but the OpenAPI document behind an API key. One file per resource.
pub mod catalog;
pub mod events;
pub mod interview;
pub mod openapi;
pub mod post_processing;
pub mod problem;
pub mod request;

use crate::config::DeliverySettings;
use crate::delivery::client::Clients;
use crate::delivery::matching::{self, EventRoute, Subscription};
use app::error::AppResult;
use app::model::EventType;
use app::ssr::{entities::webhook, webhooks, AppState};
use axum::routing::{get, post, put};
use axum::Router;
use sea_orm::{prelude::*, QueryOrder};
use std::sync::Arc;

/// What API handlers share.
#[derive(Clone)]
pub struct ApiState {
    pub app: AppState,
    pub clients: Clients,
    pub settings: Arc<DeliverySettings>,
    /// `HOOKWELL_API_MAX_BODY_BYTES`.
    pub max_body: usize,
}

/// The `/api/v1` routes (no console layers: the API has its own body limit and no cookies).
pub fn router(state: ApiState) -> Router {
    Router::new()
        .route("/api/v1/openapi.json", get(openapi::document))
        .route("/api/v1/events", post(events::create))
        .route("/api/v1/interview-load", post(interview::load))
        .route("/api/v1/custom-interview-events/{event_name}", post(interview::custom))
        .route("/api/v1/post-processing", post(post_processing::process))
        .route("/api/v1/work-groups/{key}", put(catalog::put_work_group))
        .route("/api/v1/templates/{key}", put(catalog::put_template))
        .route("/api/v1/{*rest}", axum::routing::any(not_found))
        .with_state(state)
}

async fn not_found() -> problem::ApiError {
    problem::ApiError(app::error::AppError::NotFound("This API route".into()))
}

/// The webhooks `route` fires, in call order (position), with their rows.
pub async fn fired(
    db: &DatabaseConnection,
    event_type: EventType,
    route: &EventRoute,
) -> AppResult<Vec<webhook::Model>> {
    let subscribers = webhooks::subscribers(db, event_type).await?;
    let subscriptions = subscribers
        .into_iter()
        .map(|s| Subscription {
            id: s.id,
            active: s.active,
            event_type: s.event_type.as_str().to_string(),
            event_name: s.event_name,
            work_groups: s.work_groups,
            templates: s.templates,
            position: s.position,
        })
        .collect();
    let ids: Vec<i32> = matching::fired_by(subscriptions, route).into_iter().map(|s| s.id).collect();
    if ids.is_empty() {
        return Ok(vec![]);
    }
    let rows = webhook::Entity::find()
        .filter(webhook::Column::Id.is_in(ids.clone()))
        .order_by_asc(webhook::Column::Position)
        .all(db)
        .await?;
    // Keep the matching rules' order.
    Ok(ids.iter().filter_map(|id| rows.iter().find(|r| r.id == *id).cloned()).collect())
}
