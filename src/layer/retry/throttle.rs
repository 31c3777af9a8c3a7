//! [`Throttle`]: A6's retry throttling, a token bucket per channel.

use std::sync::Mutex;

use super::ThrottleConfig;

/// The tokens of one channel: every failed attempt takes one, every
/// success gives back `token_ratio`; retries are allowed while more than
/// half are left. So a server that fails every call sees a bounded number
/// of retries, not a multiple of its load (gRPC proposal A6).
#[derive(Debug)]
pub(crate) struct Throttle {
    config: Option<ThrottleConfig>,
    tokens: Mutex<f64>,
}

impl Throttle {
    pub(crate) fn new(config: Option<ThrottleConfig>) -> Throttle {
        Throttle {
            tokens: Mutex::new(config.map_or(0.0, |c| c.max_tokens)),
            config,
        }
    }

    fn update(&self, change: impl FnOnce(&mut f64, &ThrottleConfig)) {
        if let Some(config) = &self.config {
            let mut tokens = self.tokens.lock().unwrap_or_else(|p| p.into_inner());
            change(&mut tokens, config);
        }
    }

    pub(crate) fn failure(&self) {
        self.update(|tokens, _| *tokens = (*tokens - 1.0).max(0.0));
    }

    pub(crate) fn success(&self) {
        self.update(|tokens, config| {
            *tokens = (*tokens + config.token_ratio).min(config.max_tokens)
        });
    }

    pub(crate) fn allows(&self) -> bool {
        match &self.config {
            None => true,
            Some(config) => {
                *self.tokens.lock().unwrap_or_else(|p| p.into_inner()) > config.max_tokens / 2.0
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failing_server_gets_retries_until_half_the_tokens_are_gone() {
        let throttle = Throttle::new(Some(ThrottleConfig::new(10, 0.1)));
        let mut retries = 0;
        for _ in 0..200 {
            // A first attempt fails; retried while allowed, each failing.
            throttle.failure();
            while throttle.allows() {
                retries += 1;
                throttle.failure();
            }
        }
        // 10 tokens: retries stop at 5 and below; 4 retries after the first
        // failure (9, 8, 7, 6 → 5), none after.
        assert_eq!(retries, 4);
    }

    #[test]
    fn successes_refill_the_bucket() {
        let throttle = Throttle::new(Some(ThrottleConfig::new(10, 0.5)));
        for _ in 0..6 {
            throttle.failure();
        }
        // 4 tokens left: no retries at 5 or below.
        assert!(!throttle.allows());
        throttle.success();
        throttle.success();
        assert!(!throttle.allows(), "5 tokens: still half");
        throttle.success();
        assert!(throttle.allows(), "5.5 tokens");
    }
}
