//! Integration tests: the real server, started in-process on a loopback port over a real
//! database (SQLite in a temporary directory, or PostgreSQL when TEST_DATABASE_URL is set),
//! driven over HTTP. One binary, one module per feature.
mod api;
mod api_keys_page;
mod auth;
mod crash;
mod database_rules;
mod delivery;
mod forms;
mod instances;
mod operations;
mod pages;
mod procs;
mod receivers;
mod support;
mod webhook_health;
mod webhooks;
