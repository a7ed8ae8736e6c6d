//! Per-field error messages shared by every form.
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A message per refused field, keyed by the field's form name.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldErrors(pub BTreeMap<String, String>);

impl FieldErrors {
    /// Records `message` for `field` (the first message for a field wins).
    pub fn add(&mut self, field: &str, message: impl Into<String>) {
        self.0.entry(field.to_string()).or_insert_with(|| message.into());
    }
    /// The message for `field`, if it was refused.
    pub fn get(&self, field: &str) -> Option<&str> {
        self.0.get(field).map(String::as_str)
    }
    /// True when nothing was refused.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    /// A single-field error set.
    pub fn single(field: &str, message: impl Into<String>) -> Self {
        let mut e = Self::default();
        e.add(field, message);
        e
    }
}
