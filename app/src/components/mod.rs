//! Reusable view pieces.
pub mod catalog_delete;
pub mod delete_confirm;
pub mod delivery_chart;
pub mod fields;
pub mod form_feedback;
pub mod guard;
pub mod layout;
pub mod modal;
pub mod page_data;
pub mod pager;
pub mod regenerate_dialog;
pub mod secret_dialog;
pub mod webhook_form;
