//! [`RetryPolicy`]: when a failed call is tried again, and how long the
//! client waits first, as gRPC's retry design (proposal A6) says.

use std::collections::BTreeSet;
use std::time::Duration;

use crate::StatusDecoder;

/// The most attempts a call makes, whatever the policy says: A6 caps
/// `maxAttempts` at 5.
pub const MAX_ATTEMPTS: u32 = 5;

/// How a failed RPC is tried again, by the [`RetryLayer`](super::RetryLayer).
///
/// A call is retried when all of these hold:
/// - the code's [retry class](crate::RetryClass) allows it: `UNAVAILABLE` with
///   backoff, `RESOURCE_EXHAUSTED` only after the delay the server asked
///   for (a `RetryInfo` or `grpc-retry-pushback-ms`), nothing else (the
///   client's own faults, `INTERNAL`, the auth codes: retrying them only
///   repeats the failure);
/// - the method is idempotent ([`RetryPolicy::idempotent`]), or the
///   request never reached a handler (the channel failed, or the server
///   answered `UNAVAILABLE` before any response headers);
/// - the server did not forbid it (a negative or malformed
///   `grpc-retry-pushback-ms`);
/// - no message reached the application yet, the attempts left
///   ([`RetryPolicy::max_attempts`]) and the deadline allow it, and the
///   channel's retry budget is not spent ([`RetryPolicy::throttle`]).
///
/// The wait is the server's `grpc-retry-pushback-ms`, else its
/// `RetryInfo` delay, else an exponential backoff with full jitter.
///
/// ```
/// use std::time::Duration;
/// use csghub_errorx::layer::RetryPolicy;
///
/// let policy = RetryPolicy::new()
///     .max_attempts(4)
///     .backoff(Duration::from_millis(50), Duration::from_secs(2))
///     .idempotent(["/csghub.errorx.demo.v1.Repos/GetRepo"]);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct RetryPolicy {
    pub(crate) max_attempts: u32,
    pub(crate) initial_backoff: Duration,
    pub(crate) max_backoff: Duration,
    pub(crate) multiplier: f64,
    pub(crate) max_buffered_request: usize,
    pub(crate) idempotent: Idempotent,
    pub(crate) throttle: Option<ThrottleConfig>,
    pub(crate) decoder: StatusDecoder,
}

/// Which methods may be sent twice.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Idempotent {
    /// Every method of the channel.
    All,
    /// These paths, `/pkg.Service/Method`.
    Methods(BTreeSet<String>),
}

/// A6's retry throttling: a token bucket per channel.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ThrottleConfig {
    pub(crate) max_tokens: f64,
    pub(crate) token_ratio: f64,
}

impl ThrottleConfig {
    /// A bucket of `max_tokens` (1 to 1000): every failed attempt takes
    /// one, every success gives back `token_ratio` (above 0, at most 1);
    /// retries stop while it holds half or less. A6's example is 10 and
    /// 0.1: after a few failures in a row a dead server sees no retries
    /// until calls succeed again.
    pub fn new(max_tokens: u32, token_ratio: f64) -> ThrottleConfig {
        ThrottleConfig {
            max_tokens: f64::from(max_tokens.clamp(1, 1000)),
            token_ratio: if token_ratio.is_finite() {
                token_ratio.clamp(0.001, 1.0)
            } else {
                0.1
            },
        }
    }
}

impl Default for RetryPolicy {
    fn default() -> RetryPolicy {
        RetryPolicy {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_secs(5),
            multiplier: 2.0,
            max_buffered_request: 64 * 1024,
            idempotent: Idempotent::Methods(BTreeSet::new()),
            throttle: Some(ThrottleConfig::new(10, 0.1)),
            decoder: StatusDecoder::new(),
        }
    }
}

impl RetryPolicy {
    /// At most 3 attempts, backoff from 100 ms doubling up to 5 s,
    /// requests buffered up to 64 KiB, no method idempotent, A6's
    /// throttling (10 tokens, 0.1 a success).
    pub fn new() -> RetryPolicy {
        RetryPolicy::default()
    }

    /// At most `attempts` attempts a call, the first included: 1 to 5 (A6's
    /// cap), larger values are 5.
    pub fn max_attempts(mut self, attempts: u32) -> RetryPolicy {
        self.max_attempts = attempts.clamp(1, MAX_ATTEMPTS);
        self
    }

    /// The backoff before the second attempt (`initial`) and the most it
    /// grows to; it doubles at each attempt, and each wait is a uniformly
    /// random part of it ("full jitter"), so that clients do not retry in
    /// step.
    pub fn backoff(mut self, initial: Duration, max: Duration) -> RetryPolicy {
        self.initial_backoff = initial;
        self.max_backoff = max.max(initial);
        self
    }

    /// The largest request body kept to send again, 64 KiB unless set: a
    /// larger one is sent once and never retried.
    pub fn max_buffered_request(mut self, bytes: usize) -> RetryPolicy {
        self.max_buffered_request = bytes;
        self
    }

    /// Methods (`/pkg.Service/Method`) safe to send twice, added to those
    /// given before. Other methods are retried only when the request never
    /// reached a handler.
    pub fn idempotent<I, M>(mut self, methods: I) -> RetryPolicy
    where
        I: IntoIterator<Item = M>,
        M: Into<String>,
    {
        let added = methods.into_iter().map(Into::into);
        match &mut self.idempotent {
            Idempotent::All => {}
            Idempotent::Methods(set) => set.extend(added),
        }
        self
    }

    /// Every method of the channel is safe to send twice.
    pub fn all_idempotent(mut self) -> RetryPolicy {
        self.idempotent = Idempotent::All;
        self
    }

    /// The channel's retry budget, A6's token bucket; `None` turns
    /// throttling off.
    pub fn throttle(mut self, throttle: impl Into<Option<ThrottleConfig>>) -> RetryPolicy {
        self.throttle = throttle.into();
        self
    }

    /// How a failed attempt's status is decoded, for its `RetryInfo`.
    pub fn decoder(mut self, decoder: StatusDecoder) -> RetryPolicy {
        self.decoder = decoder;
        self
    }

    pub(crate) fn is_idempotent(&self, method: &str) -> bool {
        match &self.idempotent {
            Idempotent::All => true,
            Idempotent::Methods(methods) => methods.contains(method),
        }
    }

    /// The exponential backoff before attempt `attempt + 1` (`attempt`
    /// counts from 1), before jitter.
    pub(crate) fn backoff_for(&self, attempt: u32) -> Duration {
        let factor = self.multiplier.powi(attempt.saturating_sub(1) as i32);
        let backoff = self.initial_backoff.as_secs_f64() * factor;
        Duration::from_secs_f64(backoff.min(self.max_backoff.as_secs_f64()))
    }
}
