//! `POST /api/v1/post-processing`: documents sent to the PostProcessingEvent webhook, which
//! answers them modified or with more.
use super::interview::Outcome;
use super::problem::{invalid, ApiResult};
use super::request::{ApiJson, ApiKey};
use super::{fired, ApiState};
use crate::delivery::matching::EventRoute;
use crate::delivery::overlay::{parse_documents, Document};
use crate::delivery::sync_call::{call_in_order, SyncEvent};
use app::model::{validate_key, EventType};
use axum::extract::State;
use axum::Json;
use base64::{engine::general_purpose::STANDARD, Engine as _};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;

/// A document as on the wire.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ApiDocument {
    pub name: String,
    pub content_type: String,
    /// Standard padded base64.
    pub content_base64: String,
}

/// An assembly's documents.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PostProcessingRequest {
    /// Template key.
    pub template: String,
    pub documents: Vec<ApiDocument>,
}

/// The documents as the webhook returned them (the input unchanged when it failed).
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct DocumentsResult {
    pub documents: Vec<ApiDocument>,
    pub outcomes: Vec<Outcome>,
}

fn to_api(d: Document) -> ApiDocument {
    ApiDocument { name: d.name, content_type: d.content_type, content_base64: d.content_base64 }
}

/// Sends the documents to the PostProcessingEvent webhook and answers what it returns.
#[utoipa::path(post, path = "/api/v1/post-processing", request_body = PostProcessingRequest,
    responses((status = 200, body = DocumentsResult), (status = 401, body = super::problem::Problem),
        (status = 422, body = super::problem::Problem)),
    security(("api_key" = [])))]
pub async fn process(
    State(state): State<ApiState>,
    _key: ApiKey,
    ApiJson(req): ApiJson<PostProcessingRequest>,
) -> ApiResult<Json<DocumentsResult>> {
    let template = validate_key(&req.template).map_err(|m| invalid("template", m))?;
    for (i, d) in req.documents.iter().enumerate() {
        if d.name.trim().is_empty() {
            return Err(invalid(&format!("documents[{i}].name"), "must not be empty"));
        }
        if d.content_type.trim().is_empty() {
            return Err(invalid(&format!("documents[{i}].contentType"), "must not be empty"));
        }
        if STANDARD.decode(&d.content_base64).is_err() {
            return Err(invalid(&format!("documents[{i}].contentBase64"), "must be standard padded base64"));
        }
    }
    let route = EventRoute {
        event_type: EventType::PostProcessingEvent.as_str().into(),
        event_name: None,
        work_group: None,
        template: Some(template.clone()),
    };
    let hooks = fired(&state.app.db, EventType::PostProcessingEvent, &route).await?;
    let data = json!({"template": template, "documents": req.documents});
    let sync = SyncEvent {
        event_type: EventType::PostProcessingEvent,
        event_name: None,
        work_group: None,
        template: Some(template),
        data,
    };
    let called =
        call_in_order(&state.clients, &state.app.cipher, hooks, sync, state.settings.sync_timeout, state.max_body)
            .await;
    let mut documents = req.documents;
    let mut outcomes = Vec::with_capacity(called.answers.len());
    let mut applied_each = Vec::with_capacity(called.answers.len());
    for reply in &called.answers {
        let applied: Result<(), String> = match &reply.result {
            Ok(body) => parse_documents(body)
                .map(|docs| documents = docs.into_iter().map(to_api).collect())
                .map_err(|r| r.to_string()),
            Err(reason) => Err(reason.clone()),
        };
        outcomes.push(Outcome::of(reply, applied.clone()));
        applied_each.push(applied);
    }
    called.record(&state.app.db, applied_each).await;
    Ok(Json(DocumentsResult { documents, outcomes }))
}
