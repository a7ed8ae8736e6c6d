//! Plain HTML form posts, for browsers without JavaScript (and for sign-in/out in every browser).
//! Each handler calls the same service as the matching server function, then either redirects
//! (303) or answers with the page rendered again: errors next to fields and typed values kept.
pub mod api_keys;
pub mod server_fn;
pub mod session;
pub mod webhook;

use crate::page::render;
use app::components::guard::login_path;
use app::error::AppError;
use app::model::{field, CurrentUser, Role};
use app::ssr::{auth, AppState};
use axum::{
    body::Body,
    http::request::Parts,
    response::{IntoResponse, Redirect, Response},
};
use serde::de::DeserializeOwned;

/// Reads a posted form into `T`. The body size limit is applied by `security::limit_body`.
async fn read_form<T: DeserializeOwned>(body: Body) -> Result<T, AppError> {
    let bytes = axum::body::to_bytes(body, usize::MAX).await.map_err(|_| AppError::TooLarge)?;
    serde_html_form::from_bytes(&bytes)
        .map_err(|e| AppError::invalid(field::FORM, format!("The form could not be read: {e}")))
}

fn see_other(path: &str) -> Response {
    Redirect::to(path).into_response()
}

/// The acting administrator, or the response for someone who is not one.
async fn admin(state: &AppState, parts: &Parts, page: &str) -> Result<CurrentUser, Response> {
    match auth::check_role(parts.extensions.get::<CurrentUser>().cloned(), Role::WEBHOOK_ADMINS) {
        Ok(u) => Ok(u),
        Err(AppError::Unauthenticated) => Err(see_other(&login_path(page))),
        Err(e) => Err(render(state, parts.clone(), page, None, e.status()).await),
    }
}
