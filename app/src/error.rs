//! The one error type of the app. It crosses the server-function boundary as JSON, maps to
//! an HTTP status, and never carries internals (SQL, paths) to the browser.

use crate::model::FieldErrors;
use http::StatusCode;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum AppError {
    /// No valid session: sign in first.
    #[error("Please sign in.")]
    Unauthenticated,
    /// Signed in, but this role may not do that.
    #[error("You are not allowed to do that.")]
    Forbidden,
    /// The thing asked for does not exist (or no longer does).
    #[error("{0} not found.")]
    NotFound(String),
    /// Input refused, with a message per field.
    #[error("Please correct the highlighted fields.")]
    Invalid(FieldErrors),
    /// Someone else changed the record since it was loaded.
    #[error("{0}")]
    Conflict(String),
    /// The request body is over the size limit.
    #[error("This is too large to send: at most {} KiB are accepted.", crate::error::MAX_FORM_BYTES / 1024)]
    TooLarge,
    /// The request could not be read at all (e.g. malformed JSON); the message says where.
    #[error("{0}")]
    BadRequest(String),
    /// The request body is not of a type this endpoint reads.
    #[error("{0}")]
    UnsupportedMediaType(String),
    /// A platform API body over its configured limit (bytes).
    #[error("The body is larger than the limit of {0} bytes.")]
    BodyOverLimit(usize),
    /// The server is too busy to take this now; try again in a moment (503 + Retry-After).
    #[error("The server is busy. Try again in a moment.")]
    Busy,
    /// Too many attempts; try again later.
    #[error("Too many attempts. Wait a minute and try again.")]
    RateLimited,
    /// Something failed inside the server; the detail is only in the server log.
    #[error("Something went wrong on our side. Please try again.")]
    Internal,
    /// The request never reached the function (network, encoding).
    #[error("Could not reach the server: {0}")]
    Transport(String),
}

impl AppError {
    /// The HTTP status this error answers with.
    pub fn status(&self) -> StatusCode {
        match self {
            AppError::Unauthenticated => StatusCode::UNAUTHORIZED,
            AppError::Forbidden => StatusCode::FORBIDDEN,
            AppError::NotFound(_) => StatusCode::NOT_FOUND,
            AppError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            AppError::BodyOverLimit(_) => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::RateLimited => StatusCode::TOO_MANY_REQUESTS,
            AppError::Busy => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Internal => StatusCode::INTERNAL_SERVER_ERROR,
            AppError::Transport(_) => StatusCode::BAD_REQUEST,
        }
    }

    /// A one-field validation error.
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        AppError::Invalid(FieldErrors::single(field, message))
    }

    /// What to tell the user: the field messages of a validation error, else the error itself.
    pub fn message(&self) -> String {
        match self {
            AppError::Invalid(f) if !f.is_empty() => f.0.values().cloned().collect::<Vec<_>>().join(" "),
            other => other.to_string(),
        }
    }

    /// The per-field messages, when this is a validation error.
    pub fn field_errors(&self) -> FieldErrors {
        match self {
            AppError::Invalid(e) => e.clone(),
            _ => FieldErrors::default(),
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = crate::api::encoding::JsonText;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Args(m) | ServerFnErrorErr::Deserialization(m) => {
                AppError::invalid(crate::model::field::FORM, format!("The form could not be read: {m}"))
            }
            ServerFnErrorErr::Request(m) | ServerFnErrorErr::Response(m) => AppError::Transport(m),
            _ => AppError::Internal,
        }
    }
}

#[cfg(feature = "ssr")]
impl From<sea_orm::DbErr> for AppError {
    fn from(e: sea_orm::DbErr) -> Self {
        tracing::error!(error = %e, "database error");
        AppError::Internal
    }
}

/// The largest form or server-function body the console accepts: the one limit, applied by
/// the server to every console request body.
pub const MAX_FORM_BYTES: usize = 256 * 1024;

/// Result alias used by every server function.
pub type AppResult<T> = Result<T, AppError>;
