//! The `grpc-timeout` header, and telling a deadline from a cancellation.

use std::time::Duration;

/// Whether an RPC dropped after `latency` ran out its `deadline`. The
/// caller's clock started first (and its tonic enforces the deadline too),
/// so a peer that gives up at its deadline is seen here slightly early:
/// the last tenth of the deadline counts as reaching it.
pub(crate) fn near_deadline(latency: Duration, deadline: Duration) -> bool {
    latency >= deadline.saturating_sub(deadline / 10)
}

/// Parses a `grpc-timeout` value: 1 to 8 digits and a unit (H M S m u n).
pub(crate) fn parse_grpc_timeout(value: &[u8]) -> Option<Duration> {
    let (unit, digits) = value.split_last()?;
    if digits.is_empty() || digits.len() > 8 || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let amount: u64 = std::str::from_utf8(digits).ok()?.parse().ok()?;
    Some(match unit {
        b'H' => Duration::from_secs(amount * 3600),
        b'M' => Duration::from_secs(amount * 60),
        b'S' => Duration::from_secs(amount),
        b'm' => Duration::from_millis(amount),
        b'u' => Duration::from_micros(amount),
        b'n' => Duration::from_nanos(amount),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::parse_grpc_timeout;
    use std::time::Duration;

    #[test]
    fn grpc_timeouts_parse_per_the_spec() {
        assert_eq!(
            parse_grpc_timeout(b"100m"),
            Some(Duration::from_millis(100))
        );
        assert_eq!(parse_grpc_timeout(b"2S"), Some(Duration::from_secs(2)));
        assert_eq!(parse_grpc_timeout(b"123456789S"), None);
        assert_eq!(parse_grpc_timeout(b"S"), None);
        assert_eq!(parse_grpc_timeout(b"1x"), None);
    }
}
