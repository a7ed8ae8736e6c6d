//! The webhook list: rows, search, sort and paging.
use super::{AuthMethod, EventType};
use serde::{Deserialize, Serialize};

/// One row of the webhook list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookSummary {
    pub id: i32,
    pub name: String,
    pub event_type: EventType,
    pub url_host: String,
    pub auth_method: AuthMethod,
    pub active: bool,
    /// Why the delivery engine deactivated it (`Disabled after failures`), until re-activated.
    pub disabled_reason: Option<String>,
    /// Status of the latest delivery, once deliveries exist.
    pub last_delivery: Option<String>,
    /// Its place in the call order, for InterviewLoadEvent and CustomInterviewEvent webhooks.
    pub order: Option<CallOrder>,
}

/// Where a webhook is in the call order of its event type: `place` of `of` (1-based).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallOrder {
    pub place: u32,
    pub of: u32,
}

impl CallOrder {
    /// Whether it can move up (it is not first).
    pub fn can_move_up(self) -> bool {
        self.place > 1
    }
    /// Whether it can move down (it is not last).
    pub fn can_move_down(self) -> bool {
        self.place < self.of
    }
}

/// How the list is sorted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum WebhookSort {
    #[default]
    Name,
    EventType,
    Newest,
}

impl WebhookSort {
    pub fn as_str(self) -> &'static str {
        match self {
            WebhookSort::Name => "name",
            WebhookSort::EventType => "event",
            WebhookSort::Newest => "newest",
        }
    }
    pub fn parse(s: &str) -> WebhookSort {
        match s {
            "event" => WebhookSort::EventType,
            "newest" => WebhookSort::Newest,
            _ => WebhookSort::Name,
        }
    }
}

/// The list's search, filters, sort and page, as carried in the query string.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookQuery {
    pub search: String,
    pub event_type: Option<EventType>,
    pub active: Option<bool>,
    pub sort: WebhookSort,
    pub page: u64,
}

/// Rows per list page.
pub const PAGE_SIZE: u64 = 50;

/// One page of the webhook list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookPage {
    pub rows: Vec<WebhookSummary>,
    pub total: u64,
    pub page: u64,
    pub pages: u64,
    /// Whether any webhook exists at all (for the empty state).
    pub any: bool,
}
