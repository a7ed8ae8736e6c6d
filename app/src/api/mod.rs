//! Server functions, one file per feature. Each one authorizes first.
pub mod api_keys;
pub mod audit;
pub mod catalog;
pub mod deliveries;
pub mod encoding;
pub mod session;
pub mod users;
pub mod webhooks;
