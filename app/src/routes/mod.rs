//! One file per page.
pub mod api_keys;
pub mod audit;
pub mod catalog;
pub mod deliveries;
pub mod home;
pub mod login;
pub mod status;
pub mod users;
pub mod webhook_delete;
pub mod webhook_detail;
pub mod webhook_edit;
pub mod webhook_list;
pub mod webhook_new;

pub use crate::submission::use_submission;

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

/// The `:id` in the path, if it is a number.
pub fn use_id_param() -> Memo<Option<i32>> {
    let params = use_params_map();
    Memo::new(move |_| params.with(|p| p.get("id").and_then(|s| s.parse::<i32>().ok())))
}
