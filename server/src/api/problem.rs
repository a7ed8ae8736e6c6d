//! Errors of the platform API as `application/problem+json` (RFC 9457), from [`AppError`].
//! A 500 says nothing about the cause; the detail is in the log only.
use app::error::AppError;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

/// The body of every API error.
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    /// Always `about:blank`: the status says what kind of problem it is.
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub title: String,
    pub status: u16,
    pub detail: String,
    /// The request field at fault (e.g. `eventType`, `data.answers`), when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

/// An API error answer.
#[derive(Debug)]
pub struct ApiError(pub AppError);

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        ApiError(e)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.0.status();
        let (detail, field) = match &self.0 {
            AppError::Invalid(fields) => {
                let first = fields.0.iter().next();
                (
                    first.map(|(f, m)| format!("{f}: {m}")).unwrap_or_else(|| self.0.message()),
                    first.map(|(f, _)| f.clone()),
                )
            }
            AppError::Unauthenticated => {
                ("Send a valid API key as `Authorization: Bearer <api key>`.".to_string(), None)
            }
            other => (other.to_string(), None),
        };
        let body = Problem {
            kind: "about:blank",
            title: status.canonical_reason().unwrap_or("Error").to_string(),
            status: status.as_u16(),
            detail,
            field,
        };
        let mut res = (status, serde_json::to_string(&body).unwrap_or_default()).into_response();
        res.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/problem+json"));
        if status == StatusCode::UNAUTHORIZED {
            res.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        res
    }
}

/// Result of an API handler.
pub type ApiResult<T> = Result<T, ApiError>;

/// A one-field validation error.
pub fn invalid(field: &str, message: impl Into<String>) -> ApiError {
    ApiError(AppError::invalid(field, message))
}
