//! What every API request passes: the API key, and a JSON body of the right type and size,
//! decoded with a message that names the field at fault.
use super::problem::{ApiError, ApiResult};
use super::ApiState;
use app::error::AppError;
use app::ssr::{api_keys, entities::api_key};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::{header, request::Parts};
use serde::de::DeserializeOwned;

/// The API key the request was made with (checked: present, well-formed, live).
pub struct ApiKey(pub api_key::Model);

impl ApiKey {
    /// The audit actor for changes made with this key.
    pub fn actor(&self) -> String {
        format!("api key “{}”", self.0.name)
    }
}

impl FromRequestParts<ApiState> for ApiKey {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &ApiState) -> ApiResult<ApiKey> {
        let Some(value) = parts.headers.get(header::AUTHORIZATION) else {
            return Err(ApiError(AppError::Unauthenticated));
        };
        let presented = value
            .to_str()
            .ok()
            .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")))
            .map(str::trim)
            .filter(|k| !k.is_empty())
            .ok_or(ApiError(AppError::Unauthenticated))?;
        match api_keys::authenticate(&state.app.db, presented).await? {
            Some(key) => Ok(ApiKey(key)),
            None => Err(ApiError(AppError::Unauthenticated)),
        }
    }
}

/// A JSON body: `Content-Type: application/json` (415 otherwise), at most the configured size
/// (413), syntactically JSON (400) and of the expected shape (422 naming the field).
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned> FromRequest<ApiState> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &ApiState) -> ApiResult<ApiJson<T>> {
        let content_type = req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
        let essence = content_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
        if essence != "application/json" && !(essence.starts_with("application/") && essence.ends_with("+json")) {
            return Err(ApiError(AppError::UnsupportedMediaType(format!(
                "Send the body as JSON with `Content-Type: application/json` (got {}).",
                if content_type.is_empty() { "no Content-Type".to_string() } else { format!("`{content_type}`") }
            ))));
        }
        let limit = state.max_body;
        let declared = req
            .headers()
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<usize>().ok());
        if declared.is_some_and(|n| n > limit) {
            return Err(ApiError(AppError::BodyOverLimit(limit)));
        }
        let bytes = axum::body::to_bytes(req.into_body(), limit).await.map_err(|e| {
            let over = std::error::Error::source(&e).is_some_and(|s| s.is::<http_body_util::LengthLimitError>())
                || e.to_string().contains("length limit");
            if over {
                ApiError(AppError::BodyOverLimit(limit))
            } else {
                ApiError(AppError::BadRequest("The body could not be read.".into()))
            }
        })?;
        decode(&bytes).map(ApiJson)
    }
}

/// Decodes `bytes` as `T`, naming the field of a wrong type, unknown or missing.
pub fn decode<T: DeserializeOwned>(bytes: &[u8]) -> ApiResult<T> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError(AppError::BadRequest("The body is empty; send a JSON object.".into())));
    }
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value: T = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        if inner.is_syntax() || inner.is_eof() {
            return ApiError(AppError::BadRequest(format!("The body is not valid JSON: {inner}.")));
        }
        let message = strip_position(&inner.to_string());
        let named = ["missing field `", "unknown field `"]
            .iter()
            .find_map(|p| message.strip_prefix(p))
            .and_then(|rest| rest.split('`').next());
        let field = match (named, path.as_str()) {
            (Some(name), "." | "") => name.to_string(),
            (Some(name), parent) if !parent.ends_with(name) => format!("{parent}.{name}"),
            (_, "." | "") => "body".to_string(),
            (_, p) => p.to_string(),
        };
        ApiError(AppError::invalid(&field, message))
    })?;
    de.end().map_err(|e| ApiError(AppError::BadRequest(format!("The body is not valid JSON: {e}."))))?;
    Ok(value)
}

fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}
