//! `PUT /api/v1/work-groups/{key}` and `PUT /api/v1/templates/{key}`: the platform syncs names.
use super::problem::{invalid, ApiResult};
use super::request::{ApiJson, ApiKey};
use super::ApiState;
use app::model::{validate_display_name, validate_key, CatalogKind};
use app::ssr::{audit, catalog};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The display name of a work group or template.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CatalogName {
    pub name: String,
}

/// The stored item.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct CatalogEntry {
    pub key: String,
    pub name: String,
}

async fn put(
    state: ApiState,
    key: ApiKey,
    kind: CatalogKind,
    raw_key: String,
    body: CatalogName,
) -> ApiResult<(StatusCode, Json<CatalogEntry>)> {
    let item_key = validate_key(&raw_key).map_err(|m| invalid("key", m))?;
    let name = validate_display_name(&body.name).map_err(|m| invalid("name", m))?;
    let db = &state.app.db;
    let existed = catalog::list(db, kind).await?.into_iter().find(|i| i.key == item_key);
    let id = catalog::upsert(db, kind, &item_key, &name).await?;
    let noun = match kind {
        CatalogKind::WorkGroup => "work_group",
        CatalogKind::Template => "template",
    };
    let (status, action, detail) = match &existed {
        None => (StatusCode::CREATED, format!("{noun}.create"), format!("key {item_key}")),
        Some(old) => (StatusCode::OK, format!("{noun}.rename"), format!("was “{}”", old.name)),
    };
    if existed.as_ref().is_none_or(|old| old.name != name) {
        audit::record(db, &key.actor(), &action, audit::Target { kind: noun, id: Some(id), name: &name }, detail)
            .await?;
    }
    Ok((status, Json(CatalogEntry { key: item_key, name })))
}

/// Creates (201) or renames (200) the work group with this key.
#[utoipa::path(put, path = "/api/v1/work-groups/{key}", request_body = CatalogName,
    params(("key" = String, Path, description = "1–100 letters, digits, _, - or .")),
    responses((status = 201, body = CatalogEntry), (status = 200, body = CatalogEntry),
        (status = 401, body = super::problem::Problem), (status = 422, body = super::problem::Problem)),
    security(("api_key" = [])))]
pub async fn put_work_group(
    State(state): State<ApiState>,
    key: ApiKey,
    Path(item): Path<String>,
    ApiJson(body): ApiJson<CatalogName>,
) -> ApiResult<(StatusCode, Json<CatalogEntry>)> {
    put(state, key, CatalogKind::WorkGroup, item, body).await
}

/// Creates (201) or renames (200) the template with this key.
#[utoipa::path(put, path = "/api/v1/templates/{key}", request_body = CatalogName,
    params(("key" = String, Path, description = "1–100 letters, digits, _, - or .")),
    responses((status = 201, body = CatalogEntry), (status = 200, body = CatalogEntry),
        (status = 401, body = super::problem::Problem), (status = 422, body = super::problem::Problem)),
    security(("api_key" = [])))]
pub async fn put_template(
    State(state): State<ApiState>,
    key: ApiKey,
    Path(item): Path<String>,
    ApiJson(body): ApiJson<CatalogName>,
) -> ApiResult<(StatusCode, Json<CatalogEntry>)> {
    put(state, key, CatalogKind::Template, item, body).await
}
