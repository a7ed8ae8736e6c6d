//! Server-only code: storage, secrets, sessions and the services server functions call.
pub mod api_keys;
pub mod audit;
pub mod auth;
pub mod catalog;
pub mod crypto;
pub mod db;
pub mod deliveries;
pub mod demo;
pub mod entities;
pub mod events;
pub mod login_limiter;
pub mod metrics;
pub mod passwords;
pub mod secret_binding;
pub mod state;
pub mod users;
pub mod webhooks;

pub use state::AppState;
