//! [`QuotaFailure`] and its [`QuotaViolation`]s: which quota ran out.

use prost::Message as _;
use tonic_types::pb;

use crate::wire::{repeated_len, write_repeated, WireMessage};

/// `google.rpc.QuotaFailure`: the quotas the request exceeded.
///
/// ```
/// use csghub_errorx::{Error, ErrorCode};
///
/// let error = Error::new(ErrorCode::ERR_RATE_LIMIT_EXCEEDED)
///     .add_quota_violation("user:alice", "100 requests per minute");
/// assert_eq!(error.quota_failure().unwrap().violations()[0].subject(), "user:alice");
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub struct QuotaFailure {
    violations: Vec<QuotaViolation>,
}

impl QuotaFailure {
    /// No violations yet.
    pub fn new() -> QuotaFailure {
        QuotaFailure::default()
    }

    /// Adds a violation.
    pub fn add_violation(mut self, violation: QuotaViolation) -> QuotaFailure {
        self.violations.push(violation);
        self
    }

    /// The violations, in order.
    pub fn violations(&self) -> &[QuotaViolation] {
        &self.violations
    }

    pub(crate) fn push(&mut self, violation: QuotaViolation) {
        self.violations.push(violation);
    }
}

impl FromIterator<QuotaViolation> for QuotaFailure {
    fn from_iter<I: IntoIterator<Item = QuotaViolation>>(iter: I) -> QuotaFailure {
        QuotaFailure {
            violations: iter.into_iter().collect(),
        }
    }
}

/// One exceeded quota of a [`QuotaFailure`]. The proto's newer fields
/// (`api_service`, `quota_metric`, `quota_id`, dimensions and values) are
/// kept when decoded and sent on when forwarded.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct QuotaViolation(pb::quota_failure::Violation);

impl QuotaViolation {
    /// `subject` (such as `user:alice`) exceeded a quota, described by
    /// `description`.
    pub fn new(subject: impl Into<String>, description: impl Into<String>) -> QuotaViolation {
        QuotaViolation(pb::quota_failure::Violation {
            subject: subject.into(),
            description: description.into(),
            ..Default::default()
        })
    }

    /// Who or what exceeded the quota.
    pub fn subject(&self) -> &str {
        &self.0.subject
    }

    /// How the quota was exceeded.
    pub fn description(&self) -> &str {
        &self.0.description
    }
}

impl WireMessage for QuotaViolation {
    fn encoded_len(&self) -> usize {
        self.0.encoded_len()
    }

    fn encode_raw(&self, buf: &mut Vec<u8>) {
        self.0.encode_raw(buf);
    }
}

impl WireMessage for QuotaFailure {
    fn encoded_len(&self) -> usize {
        repeated_len(1, &self.violations)
    }

    fn encode_raw(&self, buf: &mut Vec<u8>) {
        write_repeated(1, &self.violations, buf);
    }
}

impl From<pb::QuotaFailure> for QuotaFailure {
    fn from(message: pb::QuotaFailure) -> QuotaFailure {
        message.violations.into_iter().map(QuotaViolation).collect()
    }
}

#[cfg(feature = "json")]
mod json {
    use std::collections::HashMap;

    use serde::ser::SerializeMap;
    use serde::Deserialize;
    use tonic_types::pb;

    use super::{QuotaFailure, QuotaViolation};
    use crate::details::json::{
        int64, messages, optional_int64, read, string, FromProtoJson, ProtoJson,
    };

    impl ProtoJson for QuotaFailure {
        fn write_fields<M: SerializeMap>(&self, map: &mut M) -> Result<(), M::Error> {
            messages(map, "violations", self.violations())
        }
    }

    impl ProtoJson for QuotaViolation {
        fn write_fields<M: SerializeMap>(&self, map: &mut M) -> Result<(), M::Error> {
            let proto = &self.0;
            string(map, "subject", &proto.subject)?;
            string(map, "description", &proto.description)?;
            string(map, "apiService", &proto.api_service)?;
            string(map, "quotaMetric", &proto.quota_metric)?;
            string(map, "quotaId", &proto.quota_id)?;
            if !proto.quota_dimensions.is_empty() {
                // A HashMap: sorted, so the same error renders the same bytes.
                let mut dimensions: Vec<_> = proto.quota_dimensions.iter().collect();
                dimensions.sort();
                map.serialize_entry("quotaDimensions", &SortedMap(&dimensions))?;
            }
            // int64 is a string in proto3 JSON.
            if proto.quota_value != 0 {
                map.serialize_entry("quotaValue", &proto.quota_value.to_string())?;
            }
            if let Some(value) = proto.future_quota_value {
                map.serialize_entry("futureQuotaValue", &value.to_string())?;
            }
            Ok(())
        }
    }

    struct SortedMap<'a>(&'a [(&'a String, &'a String)]);

    impl serde::Serialize for SortedMap<'_> {
        fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            serializer.collect_map(self.0.iter().copied())
        }
    }

    #[derive(Default, Deserialize)]
    #[serde(default)]
    struct QuotaFailureJson {
        violations: Vec<QuotaViolationJson>,
    }

    #[derive(Default, Deserialize)]
    #[serde(default, rename_all = "camelCase")]
    struct QuotaViolationJson {
        subject: String,
        description: String,
        #[serde(alias = "api_service")]
        api_service: String,
        #[serde(alias = "quota_metric")]
        quota_metric: String,
        #[serde(alias = "quota_id")]
        quota_id: String,
        #[serde(alias = "quota_dimensions")]
        quota_dimensions: HashMap<String, String>,
        #[serde(alias = "quota_value", deserialize_with = "int64")]
        quota_value: i64,
        #[serde(alias = "future_quota_value", deserialize_with = "optional_int64")]
        future_quota_value: Option<i64>,
    }

    impl FromProtoJson for QuotaFailure {
        fn from_proto_json(item: &serde_json::Value) -> Result<QuotaFailure, String> {
            let json: QuotaFailureJson = read(item)?;
            let violations = json
                .violations
                .into_iter()
                .map(|v| pb::quota_failure::Violation {
                    subject: v.subject,
                    description: v.description,
                    api_service: v.api_service,
                    quota_metric: v.quota_metric,
                    quota_id: v.quota_id,
                    quota_dimensions: v.quota_dimensions,
                    quota_value: v.quota_value,
                    future_quota_value: v.future_quota_value,
                })
                .collect();
            Ok(QuotaFailure::from(pb::QuotaFailure { violations }))
        }
    }
}
