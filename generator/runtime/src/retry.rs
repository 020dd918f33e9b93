//! When to send a request again, and how long to wait first.

use super::ErrorKind;
use http::Method;
use std::time::{Duration, SystemTime};

// ---------- retries ----------

/// When and how long to wait before sending a request again; the executor of `client`
/// and the `$batch` rounds of [`super::batch`] follow it.
///
/// Responses `429 Too Many Requests`, `503 Service Unavailable` and
/// `504 Gateway Timeout` are retried: Graph asks clients to retry them. A `POST`, which
/// is not idempotent, only on `429` and `503` with `Retry-After`, which say that it was
/// not processed ([`RetryPolicy::delay_for`]). A transport failure is retried when
/// nothing was sent, and for methods other than `POST` when the connection was lost
/// after sending, the time ran out, or the body was cut short
/// ([`RetryPolicy::delay_after_failure`]). Every request can be replayed, because its
/// body is bytes held in memory.
/// A `Retry-After` header (seconds, decimal seconds or an HTTP date) gives the wait;
/// without one the wait doubles from [`RetryPolicy::initial_delay`]. When the service
/// asks for more than [`RetryPolicy::max_delay`], the request is not retried early:
/// its error is returned, and its headers still hold `Retry-After`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included; `1` never retries.
    pub max_attempts: u32,
    /// The wait before the first retry when the response has no `Retry-After`.
    pub initial_delay: Duration,
    /// The longest wait: backoff stops growing here, and a longer `Retry-After` ends
    /// the retries.
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    /// Four attempts, waits of 1 s, 2 s and 4 s without `Retry-After`, at most 60 s.
    fn default() -> Self {
        Self {
            max_attempts: 4,
            initial_delay: Duration::from_secs(1),
            max_delay: Duration::from_secs(60),
        }
    }
}

impl RetryPolicy {
    /// A policy that sends every request once.
    pub fn never() -> Self {
        Self {
            max_attempts: 1,
            ..Self::default()
        }
    }

    /// Whether a response with this status may be retried at all.
    pub fn retries_status(status: u16) -> bool {
        matches!(status, 429 | 503 | 504)
    }

    /// Whether a request of `method` may be sent again once it reached the service:
    /// `GET`, `HEAD`, `OPTIONS`, `PUT`, `DELETE`, and `PATCH` (each attempt carries the
    /// same body, which sets the same values) are idempotent; `POST` is not.
    pub fn replayable(method: &Method) -> bool {
        method != Method::POST
    }

    /// [`RetryPolicy::delay`] for a request of `method`, as Graph's guidance has it: a
    /// `POST` is retried only on `429` and `503` with `Retry-After`, which say that it
    /// was not processed.
    pub fn delay_for(
        &self,
        method: &Method,
        attempt: u32,
        status: u16,
        retry_after: Option<&str>,
    ) -> Option<Duration> {
        let not_processed = matches!(status, 429 | 503) && retry_after.is_some();
        if !Self::replayable(method) && !not_processed {
            return None;
        }
        self.delay(attempt, status, retry_after)
    }

    /// How long to wait before attempt `attempt + 1` after a transport failure of
    /// `kind`; `None` when it is final. Nothing sent: any method goes again. Lost after
    /// sending, timed out or a body cut short: only a replayable method, since the
    /// service may have applied a `POST`.
    pub fn delay_after_failure(
        &self,
        method: &Method,
        attempt: u32,
        kind: ErrorKind,
    ) -> Option<Duration> {
        let safe = match kind {
            ErrorKind::NotSent => true,
            ErrorKind::LostAfterSending | ErrorKind::TimedOut | ErrorKind::BodyCutShort => {
                Self::replayable(method)
            }
            _ => false,
        };
        if !safe || attempt >= self.max_attempts {
            return None;
        }
        Some(self.backoff(attempt))
    }

    /// The wait after attempt `attempt` without `Retry-After`: doubling from
    /// `initial_delay`, at most `max_delay`.
    fn backoff(&self, attempt: u32) -> Duration {
        let factor = 2u32.saturating_pow(attempt.saturating_sub(1));
        self.initial_delay
            .saturating_mul(factor)
            .min(self.max_delay)
    }

    /// How long to wait before attempt `attempt + 1`, after attempt `attempt`
    /// (counted from 1) got `status` with this `Retry-After` value; `None` when the
    /// response is final.
    pub fn delay(&self, attempt: u32, status: u16, retry_after: Option<&str>) -> Option<Duration> {
        if !Self::retries_status(status) || attempt >= self.max_attempts {
            return None;
        }
        match retry_after.and_then(|v| parse_retry_after(v, SystemTime::now())) {
            Some(asked) if asked > self.max_delay => None,
            Some(asked) => Some(asked),
            None => Some(self.backoff(attempt)),
        }
    }
}

/// `Retry-After` as a wait from `now`: delay-seconds (RFC 9110), decimal seconds (which
/// some services send) or an HTTP date. A date already past means no wait; a negative
/// or unreadable value is `None`.
#[doc(hidden)]
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    if value.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        if let Ok(seconds) = value.parse::<f64>() {
            return Duration::try_from_secs_f64(seconds).ok();
        }
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests;
