//! [`RetryInfo`]: when the client may retry.

use std::time::Duration;

use tonic_types::pb;

use crate::wire::{delimited_len, varint_len, write_delimited_header, write_varint, WireMessage};

/// `google.rpc.RetryInfo`: how long the client should wait before retrying.
/// For rate limits and services that are briefly unavailable.
///
/// ```
/// use csghub_errorx::{Error, ErrorCode};
/// use std::time::Duration;
///
/// let error = Error::new(ErrorCode::ERR_RATE_LIMIT_EXCEEDED).with_retry_delay(Duration::from_secs(3));
/// assert_eq!(error.retry_delay(), Some(Duration::from_secs(3)));
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RetryInfo {
    retry_delay: Option<Duration>,
}

impl RetryInfo {
    /// Retry after `delay`.
    pub fn new(delay: Duration) -> RetryInfo {
        RetryInfo {
            retry_delay: Some(delay),
        }
    }

    /// The delay; `None` when the peer sent none, or a negative or
    /// malformed one.
    pub fn retry_delay(&self) -> Option<Duration> {
        self.retry_delay
    }

    /// `google.protobuf.Duration`'s seconds and nanos, clamped to its range.
    fn parts(&self) -> Option<(u64, u32)> {
        self.retry_delay
            .map(|delay| (delay.as_secs().min(i64::MAX as u64), delay.subsec_nanos()))
    }
}

impl From<Duration> for RetryInfo {
    fn from(delay: Duration) -> RetryInfo {
        RetryInfo::new(delay)
    }
}

impl WireMessage for RetryInfo {
    fn encoded_len(&self) -> usize {
        self.parts().map_or(0, |(seconds, nanos)| {
            delimited_len(1, varint_len(1, seconds) + varint_len(2, u64::from(nanos)))
        })
    }

    fn encode_raw(&self, buf: &mut Vec<u8>) {
        if let Some((seconds, nanos)) = self.parts() {
            write_delimited_header(
                1,
                varint_len(1, seconds) + varint_len(2, u64::from(nanos)),
                buf,
            );
            write_varint(1, seconds, buf);
            write_varint(2, u64::from(nanos), buf);
        }
    }
}

impl From<pb::RetryInfo> for RetryInfo {
    fn from(message: pb::RetryInfo) -> RetryInfo {
        let retry_delay = message.retry_delay.and_then(|delay| {
            Some(Duration::new(
                u64::try_from(delay.seconds).ok()?,
                u32::try_from(delay.nanos)
                    .ok()
                    .filter(|&n| n < 1_000_000_000)?,
            ))
        });
        RetryInfo { retry_delay }
    }
}

#[cfg(feature = "json")]
impl super::json::ProtoJson for RetryInfo {
    fn write_fields<M: serde::ser::SerializeMap>(&self, map: &mut M) -> Result<(), M::Error> {
        match self.retry_delay() {
            Some(delay) => map.serialize_entry("retryDelay", &super::json::DurationJson(delay)),
            None => Ok(()),
        }
    }
}

#[cfg(feature = "json")]
impl super::json::FromProtoJson for RetryInfo {
    fn from_proto_json(item: &serde_json::Value) -> Result<RetryInfo, String> {
        #[derive(Default, serde::Deserialize)]
        #[serde(default, rename_all = "camelCase")]
        struct Json {
            #[serde(alias = "retry_delay")]
            retry_delay: Option<String>,
        }
        let json: Json = super::json::read(item)?;
        let retry_delay = match json.retry_delay {
            Some(text) => {
                Some(super::json::parse_duration(&text).ok_or("retryDelay is not a Duration")?)
            }
            None => None,
        };
        Ok(RetryInfo::from(pb::RetryInfo { retry_delay }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use prost::Message as _;

    #[test]
    fn negative_or_malformed_delays_read_as_none() {
        for (seconds, nanos) in [(-1, 0), (1, -1), (1, 1_000_000_000)] {
            let message = pb::RetryInfo {
                retry_delay: Some(prost_types::Duration { seconds, nanos }),
            };
            assert_eq!(
                RetryInfo::from(message).retry_delay(),
                None,
                "{seconds} {nanos}"
            );
        }
    }

    #[test]
    fn encodes_as_prost_does() {
        for delay in [
            Duration::ZERO,
            Duration::from_millis(1500),
            Duration::from_secs(86_400),
        ] {
            let ours = RetryInfo::new(delay);
            let mut buf = Vec::new();
            ours.encode_raw(&mut buf);
            assert_eq!(buf.len(), ours.encoded_len());
            let theirs = pb::RetryInfo::decode(&buf[..]).unwrap();
            assert_eq!(RetryInfo::from(theirs), ours);
        }
    }
}
