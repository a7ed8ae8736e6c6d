//! Reusable view pieces.
pub mod fields;
pub mod guard;
pub mod layout;
pub mod secret_dialog;
