//! One file per page.
pub mod audit;
pub mod catalog;
pub mod home;
pub mod login;
pub mod status;
pub mod users;
pub mod webhook_delete;
pub mod webhook_detail;
pub mod webhook_form;
pub mod webhook_list;

use crate::model::Submission;
use leptos::prelude::*;

/// What a no-JavaScript form post left for this page (see [`Submission`]).
pub fn use_submission() -> Option<Submission> {
    SharedValue::new(use_context::<Submission>).into_inner()
}
