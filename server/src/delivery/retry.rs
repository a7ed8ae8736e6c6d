//! Retry schedule of asynchronous deliveries (DESIGN.md §7).
//!
//! * Any 2xx is success; `410 Gone` stops retrying (the delivery failed); everything else — another
//!   status, a timeout, a connection error, a refusal by the egress policy — is retried while
//!   attempts remain, then the delivery failed.
//! * Delays after attempt 1, 2, … are 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h (so at most 8
//!   attempts), each scaled by a jitter factor in `[1 - f, 1 + f)` (`f` = 20 % by default).
//! * `Retry-After` (integer seconds or an HTTP-date) can only *lengthen* the wait: the next attempt is
//!   at `now + max(jittered scheduled delay, min(Retry-After, 24 h))`. A receiver cannot make Hookwell
//!   retry sooner than the schedule, nor park a delivery for longer than [`MAX_RETRY_AFTER`].
//!
//! The functions are pure: the caller passes `now` and a jitter sample (e.g. `rand::random::<f64>()`).

use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};

/// Default delays between attempts.
pub const DEFAULT_DELAYS: [Duration; 7] = [
    Duration::from_secs(5),
    Duration::from_secs(5 * 60),
    Duration::from_secs(30 * 60),
    Duration::from_secs(2 * 3600),
    Duration::from_secs(5 * 3600),
    Duration::from_secs(10 * 3600),
    Duration::from_secs(10 * 3600),
];
/// Default jitter: each delay is scaled by a factor in `[0.8, 1.2)`.
pub const DEFAULT_JITTER_FRACTION: f64 = 0.2;
/// Longest wait a `Retry-After` header can ask for; longer values are cut to this.
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(24 * 3600);

/// What one attempt came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttemptOutcome {
    /// The receiver answered with this HTTP status (redirects are not followed, so 3xx lands here).
    Status(u16),
    /// No complete answer within the delivery timeout.
    Timeout,
    /// DNS, TCP or TLS failure before an answer.
    ConnectionError,
    /// The egress policy refused the target address.
    EgressRefused,
}

/// How an outcome counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Any 2xx.
    Success,
    /// `410 Gone`: the receiver asks never to be called again for this delivery.
    Gone,
    /// Anything else: worth another attempt if attempts remain.
    Retryable,
}

/// Classifies an attempt outcome.
pub fn classify(outcome: AttemptOutcome) -> Verdict {
    match outcome {
        AttemptOutcome::Status(200..=299) => Verdict::Success,
        AttemptOutcome::Status(410) => Verdict::Gone,
        _ => Verdict::Retryable,
    }
}

/// Why a delivery is marked `Failed`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailureReason {
    /// The receiver answered `410 Gone`.
    Gone,
    /// The last allowed attempt was not a success.
    AttemptsExhausted,
}

/// What the delivery engine does after an attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Mark the delivery `Succeeded`.
    Succeeded,
    /// Mark the delivery `Retrying` with `next_attempt_at = at`.
    Retry {
        /// When the next attempt is due.
        at: DateTime<Utc>,
    },
    /// Mark the delivery `Failed`.
    Failed(FailureReason),
}

/// The delays between attempts and the jitter applied to them.
#[derive(Debug, Clone, PartialEq)]
pub struct RetrySchedule {
    /// Delay after attempt `i + 1`; at most `delays.len() + 1` attempts are made.
    pub delays: Vec<Duration>,
    /// Each delay is scaled by a factor in `[1 - jitter_fraction, 1 + jitter_fraction)`; clamped to `0..=1`.
    pub jitter_fraction: f64,
}

impl Default for RetrySchedule {
    fn default() -> Self {
        Self { delays: DEFAULT_DELAYS.to_vec(), jitter_fraction: DEFAULT_JITTER_FRACTION }
    }
}

impl RetrySchedule {
    /// Most attempts a delivery gets (the first one included).
    pub fn max_attempts(&self) -> u32 {
        u32::try_from(self.delays.len()).unwrap_or(u32::MAX).saturating_add(1)
    }

    /// The jittered scheduled delay after attempt number `attempts_made` (1-based), or `None` when
    /// that was the last attempt. `jitter` is a uniform sample from `[0, 1)`; 0.5 means no jitter.
    pub fn delay_after(&self, attempts_made: u32, jitter: f64) -> Option<Duration> {
        let index = usize::try_from(attempts_made.max(1) - 1).ok()?;
        let base = *self.delays.get(index)?;
        let fraction = self.jitter_fraction.clamp(0.0, 1.0);
        let sample = if jitter.is_finite() { jitter.clamp(0.0, 1.0) } else { 0.5 };
        Some(base.mul_f64(1.0 + fraction * (2.0 * sample - 1.0)))
    }

    /// Decides the step after attempt number `attempts_made` (1-based, this attempt included) ended
    /// with `outcome` at `now`. `retry_after` is the parsed `Retry-After` header of the answer, if any
    /// (see [`parse_retry_after`]); `jitter` is a uniform sample from `[0, 1)`.
    pub fn next_step(
        &self,
        attempts_made: u32,
        outcome: AttemptOutcome,
        retry_after: Option<Duration>,
        now: DateTime<Utc>,
        jitter: f64,
    ) -> Step {
        match classify(outcome) {
            Verdict::Success => Step::Succeeded,
            Verdict::Gone => Step::Failed(FailureReason::Gone),
            Verdict::Retryable => match self.delay_after(attempts_made, jitter) {
                None => Step::Failed(FailureReason::AttemptsExhausted),
                Some(scheduled) => {
                    let delay = retry_after.map_or(scheduled, |asked| scheduled.max(asked.min(MAX_RETRY_AFTER)));
                    let delta = TimeDelta::from_std(delay).unwrap_or(TimeDelta::MAX);
                    Step::Retry { at: now.checked_add_signed(delta).unwrap_or(DateTime::<Utc>::MAX_UTC) }
                }
            },
        }
    }
}

/// [`RetrySchedule::next_step`] with the default schedule.
pub fn next_step(
    attempts_made: u32,
    outcome: AttemptOutcome,
    retry_after: Option<Duration>,
    now: DateTime<Utc>,
    jitter: f64,
) -> Step {
    RetrySchedule::default().next_step(attempts_made, outcome, retry_after, now, jitter)
}

/// Parses a `Retry-After` header value received at `now`: integer seconds or an HTTP-date.
/// A date in the past gives zero; anything unparsable gives `None` (ignored). Not yet bounded:
/// [`RetrySchedule::next_step`] applies the bounds.
pub fn parse_retry_after(value: &str, now: DateTime<Utc>) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let date: DateTime<Utc> = httpdate::parse_http_date(value).ok()?.into();
    Some((date - now).to_std().unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    const NO_JITTER: f64 = 0.5;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 5, 1, 12, 0, 0).unwrap()
    }

    fn retry_in(secs: i64) -> Step {
        Step::Retry { at: now() + TimeDelta::seconds(secs) }
    }

    #[test]
    fn any_2xx_is_success() {
        for status in [200, 201, 202, 204, 299] {
            assert_eq!(next_step(1, AttemptOutcome::Status(status), None, now(), NO_JITTER), Step::Succeeded);
        }
        // even on the last attempt
        assert_eq!(next_step(8, AttemptOutcome::Status(200), None, now(), NO_JITTER), Step::Succeeded);
    }

    #[test]
    fn gone_stops_retrying() {
        assert_eq!(
            next_step(1, AttemptOutcome::Status(410), Some(Duration::from_secs(60)), now(), NO_JITTER),
            Step::Failed(FailureReason::Gone)
        );
    }

    #[test]
    fn everything_else_is_retried() {
        let outcomes = [
            AttemptOutcome::Status(500),
            AttemptOutcome::Status(404),
            AttemptOutcome::Status(301),
            AttemptOutcome::Status(429),
            AttemptOutcome::Status(100),
            AttemptOutcome::Timeout,
            AttemptOutcome::ConnectionError,
            AttemptOutcome::EgressRefused,
        ];
        for outcome in outcomes {
            assert_eq!(classify(outcome), Verdict::Retryable, "{outcome:?}");
            assert_eq!(next_step(1, outcome, None, now(), NO_JITTER), retry_in(5), "{outcome:?}");
        }
    }

    #[test]
    fn default_schedule_without_jitter() {
        let expected = [5, 300, 1800, 7200, 18_000, 36_000, 36_000];
        for (attempt, secs) in (1..).zip(expected) {
            assert_eq!(next_step(attempt, AttemptOutcome::Timeout, None, now(), NO_JITTER), retry_in(secs));
        }
    }

    #[test]
    fn eighth_failed_attempt_gives_up() {
        assert_eq!(RetrySchedule::default().max_attempts(), 8);
        assert_eq!(
            next_step(8, AttemptOutcome::Status(500), None, now(), NO_JITTER),
            Step::Failed(FailureReason::AttemptsExhausted)
        );
        assert_eq!(
            next_step(9, AttemptOutcome::Status(500), None, now(), NO_JITTER),
            Step::Failed(FailureReason::AttemptsExhausted)
        );
    }

    #[test]
    fn jitter_spreads_twenty_percent_either_way() {
        let schedule = RetrySchedule::default();
        assert_eq!(schedule.delay_after(2, 0.0), Some(Duration::from_secs(240)));
        assert_eq!(schedule.delay_after(2, 0.75), Some(Duration::from_secs(330)));
        let top = schedule.delay_after(2, 0.999_999).unwrap();
        assert!(top < Duration::from_secs(360) && top > Duration::from_secs(359), "{top:?}");
        // out-of-range samples are clamped, non-finite ones mean no jitter
        assert_eq!(schedule.delay_after(2, -3.0), Some(Duration::from_secs(240)));
        assert_eq!(schedule.delay_after(2, f64::NAN), Some(Duration::from_secs(300)));
        assert_eq!(
            next_step(1, AttemptOutcome::Timeout, None, now(), 0.0),
            Step::Retry { at: now() + TimeDelta::seconds(4) }
        );
    }

    #[test]
    fn custom_schedule_sets_the_attempt_count() {
        let schedule = RetrySchedule { delays: vec![Duration::from_secs(1)], jitter_fraction: 0.0 };
        assert_eq!(schedule.max_attempts(), 2);
        assert_eq!(schedule.next_step(1, AttemptOutcome::Timeout, None, now(), 0.0), retry_in(1));
        assert_eq!(
            schedule.next_step(2, AttemptOutcome::Timeout, None, now(), 0.0),
            Step::Failed(FailureReason::AttemptsExhausted)
        );
    }

    #[test]
    fn retry_after_lengthens_the_wait() {
        let outcome = AttemptOutcome::Status(503);
        assert_eq!(next_step(1, outcome, Some(Duration::from_secs(120)), now(), NO_JITTER), retry_in(120));
    }

    #[test]
    fn retry_after_never_shortens_the_schedule() {
        let outcome = AttemptOutcome::Status(429);
        assert_eq!(next_step(2, outcome, Some(Duration::from_secs(0)), now(), NO_JITTER), retry_in(300));
        assert_eq!(next_step(2, outcome, Some(Duration::from_secs(10)), now(), NO_JITTER), retry_in(300));
    }

    #[test]
    fn retry_after_is_capped_at_24_hours() {
        let outcome = AttemptOutcome::Status(503);
        let week = Some(Duration::from_secs(7 * 24 * 3600));
        assert_eq!(next_step(1, outcome, week, now(), NO_JITTER), retry_in(24 * 3600));
        assert_eq!(next_step(1, outcome, Some(Duration::MAX), now(), NO_JITTER), retry_in(24 * 3600));
    }

    #[test]
    fn retry_after_does_not_add_attempts() {
        assert_eq!(
            next_step(8, AttemptOutcome::Status(503), Some(Duration::from_secs(60)), now(), NO_JITTER),
            Step::Failed(FailureReason::AttemptsExhausted)
        );
    }

    #[test]
    fn retry_after_parses_seconds_and_http_dates() {
        assert_eq!(parse_retry_after("120", now()), Some(Duration::from_secs(120)));
        assert_eq!(parse_retry_after(" 0 ", now()), Some(Duration::ZERO));
        // now() is Fri, 01 May 2026 12:00:00 GMT
        assert_eq!(parse_retry_after("Fri, 01 May 2026 12:10:00 GMT", now()), Some(Duration::from_secs(600)));
        assert_eq!(parse_retry_after("Fri, 01 May 2026 11:00:00 GMT", now()), Some(Duration::ZERO));
        assert_eq!(parse_retry_after("-5", now()), None);
        assert_eq!(parse_retry_after("1.5", now()), None);
        assert_eq!(parse_retry_after("soon", now()), None);
        assert_eq!(parse_retry_after("", now()), None);
    }
}
