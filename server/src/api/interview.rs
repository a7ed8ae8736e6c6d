//! `POST /api/v1/interview-load` and `POST /api/v1/custom-interview-events/{eventName}`:
//! synchronous calls whose answers are overlaid in call order.
use super::problem::{invalid, ApiResult};
use super::request::{ApiJson, ApiKey};
use super::{fired, ApiState};
use crate::delivery::matching::EventRoute;
use crate::delivery::overlay::{apply_response, Answers};
use crate::delivery::sync_call::{call_in_order, Answer, SyncEvent};
use app::model::{validate_event_name, validate_key, EventType};
use axum::extract::{Path, State};
use axum::Json;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};
use utoipa::ToSchema;

/// An interview being loaded.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct InterviewLoadRequest {
    /// Work group key.
    pub work_group: String,
    /// Template key.
    pub template: String,
    /// The interview's answers so far.
    #[schema(value_type = Object)]
    pub answers: Map<String, Value>,
    /// The user running the interview.
    #[schema(value_type = Option<Object>)]
    pub user: Option<Map<String, Value>>,
}

/// A custom interview event (the event name is in the path).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CustomEventRequest {
    pub work_group: Option<String>,
    pub template: Option<String>,
    #[schema(value_type = Object)]
    pub answers: Map<String, Value>,
    #[schema(value_type = Option<Object>)]
    pub user: Option<Map<String, Value>>,
}

/// What one webhook contributed to a synchronous call.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Outcome {
    pub webhook_id: i32,
    pub name: String,
    /// `applied` or `failed`.
    pub status: String,
    /// Why it contributed nothing.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

impl Outcome {
    /// The outcome of `answer` once its body was (or was not) applied.
    pub fn of(answer: &Answer, applied: Result<(), String>) -> Outcome {
        let (status, reason) = match applied {
            Ok(()) => ("applied", None),
            Err(r) => ("failed", Some(r)),
        };
        Outcome { webhook_id: answer.webhook.id, name: answer.webhook.name.clone(), status: status.into(), reason }
    }
}

/// The answers with every response overlaid in call order.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct AnswersResult {
    #[schema(value_type = Object)]
    pub answers: Map<String, Value>,
    pub outcomes: Vec<Outcome>,
}

async fn overlay_all(
    state: &ApiState,
    event_type: EventType,
    event_name: Option<String>,
    route: EventRoute,
    mut answers: Answers,
    data: Value,
) -> ApiResult<Json<AnswersResult>> {
    let hooks = fired(&state.app.db, event_type, &route).await?;
    let sync = SyncEvent { event_type, event_name, work_group: route.work_group, template: route.template, data };
    let called =
        call_in_order(&state.clients, &state.app.cipher, hooks, sync, state.settings.sync_timeout, state.max_body)
            .await;
    let mut outcomes = Vec::with_capacity(called.answers.len());
    let mut applied_each = Vec::with_capacity(called.answers.len());
    for reply in &called.answers {
        let applied = match &reply.result {
            Ok(body) => apply_response(&mut answers, body).map_err(|r| r.to_string()),
            Err(reason) => Err(reason.clone()),
        };
        outcomes.push(Outcome::of(reply, applied.clone()));
        applied_each.push(applied);
    }
    called.record(&state.app.db, applied_each).await;
    Ok(Json(AnswersResult { answers, outcomes }))
}

/// Calls every matching InterviewLoadEvent webhook in order and overlays their answers.
#[utoipa::path(post, path = "/api/v1/interview-load", request_body = InterviewLoadRequest,
    responses((status = 200, body = AnswersResult), (status = 401, body = super::problem::Problem),
        (status = 422, body = super::problem::Problem)),
    security(("api_key" = [])))]
pub async fn load(
    State(state): State<ApiState>,
    _key: ApiKey,
    ApiJson(req): ApiJson<InterviewLoadRequest>,
) -> ApiResult<Json<AnswersResult>> {
    let work_group = validate_key(&req.work_group).map_err(|m| invalid("workGroup", m))?;
    let template = validate_key(&req.template).map_err(|m| invalid("template", m))?;
    let data = json!({"answers": req.answers, "user": req.user, "workGroup": work_group, "template": template});
    let route = EventRoute {
        event_type: EventType::InterviewLoadEvent.as_str().into(),
        event_name: None,
        work_group: Some(work_group),
        template: Some(template),
    };
    overlay_all(&state, EventType::InterviewLoadEvent, None, route, req.answers, data).await
}

/// Calls every CustomInterviewEvent webhook with this event name in order and overlays their answers.
#[utoipa::path(post, path = "/api/v1/custom-interview-events/{eventName}", request_body = CustomEventRequest,
    params(("eventName" = String, Path, description = "1–100 letters, digits, _, - or .")),
    responses((status = 200, body = AnswersResult), (status = 401, body = super::problem::Problem),
        (status = 422, body = super::problem::Problem)),
    security(("api_key" = [])))]
pub async fn custom(
    State(state): State<ApiState>,
    _key: ApiKey,
    Path(event_name): Path<String>,
    ApiJson(req): ApiJson<CustomEventRequest>,
) -> ApiResult<Json<AnswersResult>> {
    let event_name = validate_event_name(&event_name).map_err(|m| invalid("eventName", m))?;
    let work_group = req.work_group.map(|k| validate_key(&k).map_err(|m| invalid("workGroup", m))).transpose()?;
    let template = req.template.map(|k| validate_key(&k).map_err(|m| invalid("template", m))).transpose()?;
    let data = json!({"answers": req.answers, "user": req.user, "workGroup": work_group, "template": template});
    let route = EventRoute {
        event_type: EventType::CustomInterviewEvent.as_str().into(),
        event_name: Some(event_name.clone()),
        work_group,
        template,
    };
    overlay_all(&state, EventType::CustomInterviewEvent, Some(event_name), route, req.answers, data).await
}
