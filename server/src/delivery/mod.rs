//! The delivery engine: pure rules (signing, retry schedule, egress policy, matching, overlays)
//! and the parts that do I/O (the HTTP client per webhook, the worker, synchronous calls).
pub mod client;
pub mod egress;
pub mod matching;
pub mod overlay;
pub mod retry;
pub mod signing;
pub mod sync_call;
pub mod wake;
pub mod worker;
