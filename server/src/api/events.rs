//! `POST /api/v1/events`: asynchronous events, stored with their deliveries in one transaction
//! before the 202, idempotent on `eventId`.
use super::problem::{invalid, ApiResult};
use super::request::{ApiJson, ApiKey};
use super::{fired, ApiState};
use crate::delivery::matching::EventRoute;
use app::model::{validate_key, EventType};
use app::ssr::events::{self, NewEvent};
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use utoipa::ToSchema;

/// Who created the event on the platform (passed through, stored with the event).
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CreatedBy {
    pub id: Option<String>,
    pub login_name: Option<String>,
    pub account_type: Option<String>,
}

/// An asynchronous event.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EventRequest {
    /// `NewWorkItemVersionComplete`: the types that only notify. Synchronous types have their own routes.
    #[schema(example = "NewWorkItemVersionComplete")]
    pub event_type: String,
    /// The platform's id; generated when absent. A repeat answers as the first time and creates nothing.
    pub event_id: Option<String>,
    /// Work group key (unknown keys match only webhooks without a work group filter).
    pub work_group: Option<String>,
    /// Template key.
    pub template: Option<String>,
    /// Only for CustomInterviewEvent, which is synchronous; refused here.
    pub event_name: Option<String>,
    /// RFC 3339; defaults to the time of ingest.
    pub created_date: Option<String>,
    pub created_by: Option<CreatedBy>,
    /// The event data, sent to receivers as `data`.
    #[schema(value_type = Object)]
    pub data: Map<String, Value>,
}

/// The 202 answer.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct EventAccepted {
    pub event_id: String,
    /// Ids of the deliveries queued (one per matching active webhook).
    pub deliveries: Vec<i32>,
}

fn optional_key(field: &str, value: Option<String>) -> ApiResult<Option<String>> {
    value.map(|v| validate_key(&v).map_err(|m| invalid(field, m))).transpose()
}

/// Accepts an event: stores it and one delivery per matching active webhook, then answers 202.
#[utoipa::path(post, path = "/api/v1/events", request_body = EventRequest,
    responses((status = 202, body = EventAccepted), (status = 401, body = super::problem::Problem),
        (status = 413, body = super::problem::Problem), (status = 415, body = super::problem::Problem),
        (status = 422, body = super::problem::Problem)),
    security(("api_key" = [])))]
pub async fn create(
    State(state): State<ApiState>,
    _key: ApiKey,
    ApiJson(req): ApiJson<EventRequest>,
) -> ApiResult<Response> {
    let event_type = EventType::parse(&req.event_type).ok_or_else(|| {
        invalid("eventType", format!("unknown event type `{}`; use NewWorkItemVersionComplete", req.event_type))
    })?;
    let synchronous_route = match event_type {
        EventType::NewWorkItemVersionComplete => None,
        EventType::InterviewLoadEvent => Some("POST /api/v1/interview-load"),
        EventType::CustomInterviewEvent => Some("POST /api/v1/custom-interview-events/{eventName}"),
        EventType::PostProcessingEvent => Some("POST /api/v1/post-processing"),
    };
    if let Some(route) = synchronous_route {
        return Err(invalid("eventType", format!("{event_type} is synchronous; use {route}")));
    }
    if req.event_name.is_some() {
        return Err(invalid("eventName", "only CustomInterviewEvent has an event name"));
    }
    let event_id = match req.event_id {
        None => format!("evt_{}", uuid::Uuid::new_v4().simple()),
        Some(id) if id.trim().is_empty() => return Err(invalid("eventId", "must not be empty")),
        Some(id) if id.chars().count() > 200 => return Err(invalid("eventId", "use at most 200 characters")),
        Some(id) if id.chars().any(char::is_control) => {
            return Err(invalid("eventId", "must not contain control characters"))
        }
        Some(id) => id,
    };
    let work_group = optional_key("workGroup", req.work_group)?;
    let template = optional_key("template", req.template)?;
    let created_date = match req.created_date {
        None => Utc::now().to_rfc3339_opts(SecondsFormat::Secs, true),
        Some(d) => {
            DateTime::parse_from_rfc3339(&d).map_err(|_| invalid("createdDate", "must be an RFC 3339 date-time"))?;
            d
        }
    };
    let route = EventRoute {
        event_type: event_type.as_str().to_string(),
        event_name: None,
        work_group: work_group.clone(),
        template: template.clone(),
    };
    let hooks = fired(&state.app.db, event_type, &route).await?;
    let ids: Vec<i32> = hooks.iter().map(|h| h.id).collect();
    let ingested = events::ingest(
        &state.app.db,
        NewEvent {
            event_id,
            event_type,
            event_name: None,
            work_group,
            template,
            created_date,
            created_by: req.created_by.and_then(|c| serde_json::to_string(&c).ok()),
            data: Value::Object(req.data).to_string(),
        },
        &ids,
        |event_id, deliveries| {
            serde_json::to_string(&EventAccepted { event_id: event_id.to_string(), deliveries: deliveries.to_vec() })
                .unwrap_or_default()
        },
    )
    .await?;
    if ingested.created {
        app::ssr::deliveries::wake_workers(&state.app);
    }
    Ok((StatusCode::ACCEPTED, [(header::CONTENT_TYPE, "application/json")], ingested.response).into_response())
}
