//! Deliveries as the console shows them: status, attempts, charts, API keys and secret grace.
use serde::{Deserialize, Serialize};
use std::fmt;

/// Where a delivery is in its life. `Pending` and `Retrying` are due work; `Failed` is the
/// dead-letter state, recoverable with Redeliver or Recover.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sea_orm::DeriveActiveEnum, sea_orm::EnumIter))]
#[cfg_attr(feature = "ssr", sea_orm(rs_type = "String", db_type = "String(sea_orm::sea_query::StringLen::N(20))"))]
pub enum DeliveryStatus {
    /// Not attempted yet.
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "Pending"))]
    Pending,
    /// Attempted, failed, and scheduled again (`next_attempt_at`).
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "Retrying"))]
    Retrying,
    /// A 2xx answer was received.
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "Succeeded"))]
    Succeeded,
    /// Given up: attempts exhausted, 410 Gone, or not sent (webhook deactivated).
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "Failed"))]
    Failed,
}

impl DeliveryStatus {
    /// Every status, in the order the UI lists them.
    pub const ALL: [DeliveryStatus; 4] =
        [DeliveryStatus::Succeeded, DeliveryStatus::Failed, DeliveryStatus::Pending, DeliveryStatus::Retrying];

    /// The storage name, which is also the UI label.
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryStatus::Pending => "Pending",
            DeliveryStatus::Retrying => "Retrying",
            DeliveryStatus::Succeeded => "Succeeded",
            DeliveryStatus::Failed => "Failed",
        }
    }

    /// Parses the storage name; unknown names are refused.
    pub fn parse(s: &str) -> Option<DeliveryStatus> {
        DeliveryStatus::ALL.into_iter().find(|d| d.as_str() == s)
    }

    /// Whether the worker still has to send it.
    pub fn is_due_work(self) -> bool {
        matches!(self, DeliveryStatus::Pending | DeliveryStatus::Retrying)
    }
}

impl fmt::Display for DeliveryStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One row of a webhook's deliveries table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryRow {
    pub id: i32,
    pub webhook_id: i32,
    /// The event's id as the platform sent it.
    pub event_id: String,
    pub event_type: String,
    /// The `webhook-id` header: stable across retries and Redeliver.
    pub msg_id: String,
    pub status: DeliveryStatus,
    /// HTTP status of the last attempt, if it got an answer.
    pub http_status: Option<i32>,
    pub attempts: i32,
    /// RFC 3339.
    pub created_at: String,
    /// RFC 3339; only while Pending or Retrying.
    pub next_retry: Option<String>,
    pub is_test: bool,
    /// A synchronous call, answered at once and never resent.
    pub is_sync: bool,
    /// Why the delivery stopped or why the last attempt failed.
    pub last_error: Option<String>,
}

/// One page of a webhook's deliveries, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryPage {
    pub rows: Vec<DeliveryRow>,
    /// How many there are, counted up to [`DELIVERY_COUNT_CAP`].
    pub total: u64,
    /// There are more than `total`; `pages` is then open-ended.
    pub more: bool,
    pub page: u64,
    pub pages: u64,
}

/// Why a synchronous call has no Redeliver.
pub const SYNC_NOT_RESENT: &str =
    "This was a synchronous call, answered at once; it is not resent. The platform makes a new call when it needs one.";

/// Deliveries are counted up to this many; past it the list says "more than".
pub const DELIVERY_COUNT_CAP: u64 = 10_000;

/// Rows per deliveries page.
pub const DELIVERY_PAGE_SIZE: u64 = 50;

/// One recorded attempt of a delivery.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttemptRow {
    pub number: i32,
    /// RFC 3339.
    pub at: String,
    pub duration_ms: i32,
    pub http_status: Option<i32>,
    /// The first 4 KiB of the response body.
    pub response_body: Option<String>,
    /// Connection error, timeout or egress refusal, with its reason.
    pub error: Option<String>,
}

/// A delivery with its payload and every attempt (the `/deliveries/:id` page).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryDetail {
    pub delivery: DeliveryRow,
    pub webhook_name: String,
    /// The event payload as JSON text (pretty-printed), at most [`SHOWN_PAYLOAD_BYTES`] of it,
    /// with long base64 documents shortened.
    pub payload: String,
    /// Size of the whole stored payload in bytes.
    pub payload_bytes: u64,
    /// Whether `payload` is only the beginning of it.
    pub payload_cut: bool,
    /// How many base64 documents (`contentBase64`) are shown shortened.
    pub documents_shortened: u32,
    pub attempts: Vec<AttemptRow>,
}

/// The most of a payload the delivery page shows (and sends to the browser).
pub const SHOWN_PAYLOAD_BYTES: usize = 64 * 1024;

/// The latest delivery of a webhook, for the list page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LastDelivery {
    pub webhook_id: i32,
    pub delivery_id: i32,
    pub status: DeliveryStatus,
    pub http_status: Option<i32>,
    /// RFC 3339.
    pub at: String,
}

/// One hour of a webhook's delivery chart.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HourlyDeliveries {
    /// Start of the hour, RFC 3339.
    pub hour: String,
    pub succeeded: u32,
    pub failed: u32,
    /// Median attempt duration in that hour, when any attempt was made.
    pub median_latency_ms: Option<u32>,
}

/// The 24-hour chart of a webhook's page: attempts per hour, oldest first, and the totals.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeliveryChart {
    /// Exactly 24 hours, the last one being the current hour.
    pub hours: Vec<HourlyDeliveries>,
    pub succeeded: u32,
    pub failed: u32,
    /// Median duration of every attempt of the 24 hours.
    pub median_latency_ms: Option<u32>,
}

/// The field of the Recover form: failed deliveries created at or after this time go again.
pub const RECOVER_SINCE: &str = "since";

/// Reads the Recover form's "Failed since" (a `datetime-local` value, in UTC like every time
/// the console shows): it must be a date and time, and not after `now`.
pub fn parse_recover_since(
    raw: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<chrono::DateTime<chrono::Utc>, String> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Err("Enter the date and time (UTC) from which failed deliveries are sent again.".into());
    }
    let with_offset = chrono::DateTime::parse_from_rfc3339(raw)
        .or_else(|_| chrono::DateTime::parse_from_str(raw, "%Y-%m-%dT%H:%M%:z"))
        .map(|t| t.with_timezone(&chrono::Utc));
    let parsed = with_offset.ok().or_else(|| {
        ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]
            .iter()
            .find_map(|f| chrono::NaiveDateTime::parse_from_str(raw, f).ok())
            .map(|t| t.and_utc())
    });
    match parsed {
        None => Err("Enter a date and time such as 2026-12-01 09:30 (UTC).".into()),
        Some(t) if t > now => Err("Choose a time that has passed: no delivery has failed after now.".into()),
        Some(t) => Ok(t),
    }
}

/// An API key as listed (never the key itself).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiKeyRow {
    pub id: i32,
    pub name: String,
    /// The first characters of the key, e.g. `hwk_Ab12`, to tell keys apart.
    pub prefix: String,
    pub created_at: String,
    pub created_by: String,
    pub last_used_at: Option<String>,
    pub revoked_at: Option<String>,
}

/// A newly created API key: the only time the key is shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewApiKey {
    pub id: i32,
    pub key: String,
}

/// How long the previous HMAC secret keeps signing (as a second `v1,` signature) after a
/// regeneration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum SecretGrace {
    /// The old secret stops at once.
    #[default]
    None,
    OneHour,
    OneDay,
}

impl SecretGrace {
    /// Every choice, in the order the regenerate confirmation offers them.
    pub const ALL: [SecretGrace; 3] = [SecretGrace::None, SecretGrace::OneHour, SecretGrace::OneDay];

    /// The form value.
    pub fn as_str(self) -> &'static str {
        match self {
            SecretGrace::None => "None",
            SecretGrace::OneHour => "OneHour",
            SecretGrace::OneDay => "OneDay",
        }
    }

    /// The UI label.
    pub fn label(self) -> &'static str {
        match self {
            SecretGrace::None => "None",
            SecretGrace::OneHour => "1 hour",
            SecretGrace::OneDay => "24 hours",
        }
    }

    /// Parses the form value; unknown values are refused.
    pub fn parse(s: &str) -> Option<SecretGrace> {
        SecretGrace::ALL.into_iter().find(|g| g.as_str() == s)
    }

    /// The grace period in seconds, if any.
    pub fn seconds(self) -> Option<i64> {
        match self {
            SecretGrace::None => None,
            SecretGrace::OneHour => Some(3600),
            SecretGrace::OneDay => Some(86_400),
        }
    }
}

/// Which way a webhook moves in the call order of interview events.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum MoveDirection {
    Up,
    Down,
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};

    #[test]
    fn recover_since_reads_datetime_local_values_as_utc_and_refuses_the_future() {
        let now = Utc.with_ymd_and_hms(2026, 12, 1, 12, 0, 0).unwrap();
        let want = Utc.with_ymd_and_hms(2026, 12, 1, 9, 30, 0).unwrap();
        assert_eq!(parse_recover_since("2026-12-01T09:30", now), Ok(want));
        assert_eq!(parse_recover_since(" 2026-12-01 09:30 ", now), Ok(want));
        assert_eq!(parse_recover_since("2026-12-01T10:30+01:00", now), Ok(want));
        assert_eq!(parse_recover_since("2026-12-01T12:00", now), Ok(now));
        assert!(parse_recover_since("", now).unwrap_err().contains("Enter the date and time"));
        assert!(parse_recover_since("yesterday", now).unwrap_err().contains("such as"));
        assert!(parse_recover_since("2026-12-01T12:01", now).unwrap_err().contains("has passed"));
    }

    #[test]
    fn grace_choices_round_trip_and_default_to_none() {
        for g in SecretGrace::ALL {
            assert_eq!(SecretGrace::parse(g.as_str()), Some(g));
        }
        assert_eq!(SecretGrace::default(), SecretGrace::None);
        assert_eq!(SecretGrace::parse("forever"), None);
        assert_eq!(SecretGrace::OneHour.seconds(), Some(3600));
    }
}
