use crate::api::encoding::Reply;
use crate::error::AppError;
use crate::model::CurrentUser;
use leptos::prelude::*;

/// Who is signed in (anyone may ask).
#[server(prefix = "/rpc", endpoint = "whoami", output = Reply)]
pub async fn whoami() -> Result<Option<CurrentUser>, AppError> {
    Ok(crate::ssr::auth::signed_in())
}
