//! SeaORM entities, one per table.
pub mod api_key;
pub mod audit_log;
pub mod delivery;
pub mod delivery_attempt;
pub mod event;
pub mod login_failure;
pub mod session;
pub mod template;
pub mod user;
pub mod webhook;
pub mod webhook_template;
pub mod webhook_work_group;
pub mod work_group;
