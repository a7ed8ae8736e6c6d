//! `GET /api/v1/openapi.json`: the OpenAPI 3.1 document, generated from the handlers' own types.
use super::{catalog, events, interview, post_processing, problem};
use axum::Json;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

struct BearerKey;

impl Modify for BearerKey {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "api_key",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).bearer_format("hwk_…").build()),
        );
    }
}

/// The platform API.
#[derive(OpenApi)]
#[openapi(
    info(title = "Hookwell platform API", description = "Events in, signed webhook deliveries out."),
    paths(events::create, interview::load, interview::custom, post_processing::process,
        catalog::put_work_group, catalog::put_template),
    components(schemas(problem::Problem, events::EventRequest, events::EventAccepted, events::CreatedBy,
        interview::InterviewLoadRequest, interview::CustomEventRequest, interview::AnswersResult, interview::Outcome,
        post_processing::PostProcessingRequest, post_processing::DocumentsResult, post_processing::ApiDocument,
        catalog::CatalogName, catalog::CatalogEntry)),
    modifiers(&BearerKey)
)]
pub struct ApiDoc;

/// Serves the document (no API key needed).
pub async fn document() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
