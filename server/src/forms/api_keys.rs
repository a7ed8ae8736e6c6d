//! The API key form without JavaScript. The generic server-function answer (a redirect back to
//! the page) would lose the new key, so creating renders the page with the key in its dialog,
//! once; the dialog's Continue needs its checkbox ticked.
use super::{admin, read_form, see_other};
use crate::page::render;
use app::error::AppError;
use app::ssr::{api_keys, AppState};
use app::submission::Submission;
use axum::{
    extract::{Request, State},
    http::StatusCode,
    response::Response,
};

/// The page of the form, and where Continue returns.
const PAGE: &str = "/api-keys";

/// The create form's server function, whose refusals the page shows beside its fields.
const CREATE_FORM: &str = "create_api_key";

/// `POST /api-keys`: creates a key and shows it once, or shows the form again with the reason.
pub async fn create_api_key(State(state): State<AppState>, req: Request) -> Response {
    let (parts, body) = req.into_parts();
    let actor = match admin(&state, &parts, PAGE).await {
        Ok(a) => a,
        Err(res) => return res,
    };
    let Ok(bytes) = axum::body::to_bytes(body, usize::MAX).await else {
        let refusal = Submission::FormRefused { form: CREATE_FORM.into(), values: vec![], error: AppError::TooLarge };
        return render(&state, parts, PAGE, Some(refusal), AppError::TooLarge.status()).await;
    };
    let values: Vec<(String, String)> = url::form_urlencoded::parse(&bytes).into_owned().collect();
    let name = values.iter().find(|(k, _)| k == "name").map(|(_, v)| v.as_str()).unwrap_or_default();
    match api_keys::create(&state.db, &actor.username, name).await {
        Ok(new) => {
            let shown = Submission::ApiKeyIssued { id: new.id, key: new.key };
            render(&state, parts, PAGE, Some(shown), StatusCode::CREATED).await
        }
        Err(error) => {
            let status = error.status();
            render(
                &state,
                parts,
                PAGE,
                Some(Submission::FormRefused { form: CREATE_FORM.into(), values, error }),
                status,
            )
            .await
        }
    }
}

#[derive(serde::Deserialize, Default)]
pub struct AcknowledgeForm {
    #[serde(default)]
    copied: Option<String>,
}

/// `POST /api-keys/key-acknowledged`: the dialog's Continue; the checkbox must be ticked.
pub async fn key_acknowledged(State(state): State<AppState>, req: Request) -> Response {
    let (parts, body) = req.into_parts();
    if let Err(res) = admin(&state, &parts, PAGE).await {
        return res;
    }
    let form: AcknowledgeForm = read_form(body).await.unwrap_or_default();
    if form.copied.is_some() {
        see_other(PAGE)
    } else {
        render(&state, parts, PAGE, Some(Submission::ApiKeyNotAcknowledged), StatusCode::UNPROCESSABLE_ENTITY).await
    }
}
