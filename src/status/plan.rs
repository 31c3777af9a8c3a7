//! [`Plan`]: what of an error goes on the wire, sized before it is written,
//! and shrunk until it fits the header budget.

use std::borrow::Cow;

use super::detail_kind::DetailKind;
use super::header_size::{status_header_bound, status_header_size};
use super::wire::{
    any_len, delimited_len, map_entry_len, str_len, varint_len, write_any, write_delimited_header,
    write_map_entry, write_str, write_varint, WireMessage,
};
use crate::truncate::{truncate, truncated_len};
use crate::Error;

/// The type name of the standard ErrorInfo.
pub(crate) const GOOGLE_ERROR_INFO: &str = "google.rpc.ErrorInfo";
/// The type name of this library's typed ErrorInfo.
pub(crate) const TYPED_ERROR_INFO: &str = "csghub.errorx.v1.ErrorInfo";

/// Context value caps tried in turn when a status is over budget.
const VALUE_CAPS: [usize; 4] = [1024, 256, 64, 16];
/// Message caps tried in turn, after the context values.
const MESSAGE_CAPS: [usize; 3] = [1024, 256, 64];
/// The last message cap, once every optional part is gone.
const LAST_MESSAGE_CAP: usize = 16;

/// What of an error is sent: the parts are borrowed, and the caps say how
/// much of each survives.
pub(crate) struct Plan<'a> {
    error: &'a Error,
    domain: &'a str,
    code_str: Cow<'a, str>,
    module_str: Cow<'a, str>,
    sent: u16,
    typed_info: bool,
    value_cap: usize,
    message_cap: usize,
    context_kept: usize,
    /// The sizes of the plan as last measured, so encoding sizes nothing.
    sizes: Sizes,
}

/// The encoded lengths of a plan's parts.
#[derive(Clone, Copy, Debug, Default)]
struct Sizes {
    google_info: usize,
    typed_info: usize,
    details: usize,
}

impl<'a> Plan<'a> {
    /// Everything the error has, DebugInfo only if `send_debug_info`.
    pub(crate) fn full(error: &'a Error, domain: &'a str, send_debug_info: bool) -> Plan<'a> {
        let details = error.details();
        let mut sent = 0;
        for kind in DetailKind::WIRE_ORDER {
            let present = match kind {
                DetailKind::Other => !details.other.is_empty(),
                DetailKind::DebugInfo => send_debug_info && kind.message(details).is_some(),
                _ => kind.message(details).is_some(),
            };
            if present {
                sent |= kind.bit();
            }
        }
        let module_str = match error.code() {
            Some(code) => match code.module().prefix() {
                Some(prefix) => Cow::Borrowed(prefix),
                None => Cow::Owned(code.module().to_string()),
            },
            None => Cow::Borrowed(""),
        };
        Plan {
            error,
            domain,
            code_str: error.code_str(),
            module_str,
            sent,
            typed_info: error.code().is_some(),
            value_cap: usize::MAX,
            message_cap: usize::MAX,
            context_kept: error.context().len(),
            sizes: Sizes::default(),
        }
    }

    /// Shrinks the plan until its headers fit `budget` bytes, in the
    /// documented order: drop optional details, cut context values, cut the
    /// message, drop context entries, drop the typed ErrorInfo, cut the
    /// message to its last cap. The `google.rpc.ErrorInfo` with its reason,
    /// domain and `code` always stays.
    pub(crate) fn fit(mut self, budget: usize) -> Plan<'a> {
        if self.fits(budget) {
            return self;
        }
        for kind in DetailKind::DROP_ORDER {
            if self.sent & kind.bit() != 0 {
                self.sent &= !kind.bit();
                if self.fits(budget) {
                    return self;
                }
            }
        }
        for cap in VALUE_CAPS {
            self.value_cap = cap;
            if self.fits(budget) {
                return self;
            }
        }
        for cap in MESSAGE_CAPS {
            self.message_cap = cap;
            if self.fits(budget) {
                return self;
            }
        }
        // Size grows with the entries kept: search for the most that fit.
        let (mut fitting, mut too_many) = (0, self.context_kept);
        while fitting + 1 < too_many {
            self.context_kept = (fitting + too_many) / 2;
            if self.fits(budget) {
                fitting = self.context_kept;
            } else {
                too_many = self.context_kept;
            }
        }
        self.context_kept = fitting;
        if self.fits(budget) {
            return self;
        }
        self.typed_info = false;
        self.message_cap = LAST_MESSAGE_CAP;
        self.sizes = self.measure();
        self
    }

    /// Measures the plan, keeps the sizes, and says whether it fits.
    fn fits(&mut self, budget: usize) -> bool {
        self.sizes = self.measure();
        // Percent-encoding at most triples the message: when even that fits,
        // the message need not be scanned.
        let message_len = truncated_len(self.error.message(), self.message_cap);
        let worst = status_header_bound(self.error.grpc_code(), message_len, self.sizes.details);
        worst <= budget
            || status_header_size(self.error.grpc_code(), &self.message(), self.sizes.details)
                <= budget
    }

    /// The public message, cut to its cap.
    pub(crate) fn message(&self) -> Cow<'a, str> {
        match truncate(self.error.message(), self.message_cap) {
            // Re-borrow from the error so the Cow lives as long as the plan.
            Cow::Borrowed(_) => Cow::Borrowed(self.error.message()),
            Cow::Owned(cut) => Cow::Owned(cut),
        }
    }

    fn context(&self) -> impl Iterator<Item = (&'a str, &'a str)> + 'a {
        self.error.context().iter().take(self.context_kept)
    }

    /// The length of the context as map entries of a field numbered below
    /// 16 (a one-byte key), as both ErrorInfos hold it.
    fn context_len(&self) -> usize {
        self.context()
            .map(|(k, v)| map_entry_len(3, k.len(), truncated_len(v, self.value_cap)))
            .sum()
    }

    fn write_context(&self, tag: u32, buf: &mut Vec<u8>) {
        for (key, value) in self.context() {
            if value.len() <= self.value_cap {
                write_map_entry(tag, key, value, buf);
            } else {
                write_map_entry(tag, key, &truncate(value, self.value_cap), buf);
            }
        }
    }

    /// The lengths of the `google.rpc.Status` this plan encodes to and of
    /// its ErrorInfos, each computed once.
    fn measure(&self) -> Sizes {
        let context_len = self.context_len();
        let google_info = GoogleErrorInfo(self).len_with_context(context_len);
        let typed_info = if self.typed_info {
            TypedErrorInfo(self).len_with_context(context_len)
        } else {
            0
        };
        let message_len = truncated_len(self.error.message(), self.message_cap);
        let mut len = varint_len(1, self.error.grpc_code() as i32 as u64) + str_len(2, message_len);
        len += delimited_len(3, any_len(GOOGLE_ERROR_INFO, google_info));
        if self.typed_info {
            len += delimited_len(3, any_len(TYPED_ERROR_INFO, typed_info));
        }
        let details = self.error.details();
        for kind in DetailKind::WIRE_ORDER {
            if self.sent & kind.bit() == 0 {
                continue;
            }
            if kind == DetailKind::Other {
                len += details
                    .other
                    .iter()
                    .map(|any| delimited_len(3, prost::Message::encoded_len(any)))
                    .sum::<usize>();
            } else if let Some((name, message)) = kind.message(details) {
                len += delimited_len(3, any_len(name, message.encoded_len()));
            }
        }
        Sizes {
            google_info,
            typed_info,
            details: len,
        }
    }

    /// Writes the `google.rpc.Status` into one buffer of the exact size.
    pub(crate) fn encode_details(&self) -> Vec<u8> {
        let mut buf = Vec::with_capacity(self.sizes.details);
        write_varint(1, self.error.grpc_code() as i32 as u64, &mut buf);
        write_str(2, &self.message(), &mut buf);
        write_any(
            3,
            GOOGLE_ERROR_INFO,
            self.sizes.google_info,
            &GoogleErrorInfo(self),
            &mut buf,
        );
        if self.typed_info {
            write_any(
                3,
                TYPED_ERROR_INFO,
                self.sizes.typed_info,
                &TypedErrorInfo(self),
                &mut buf,
            );
        }
        let details = self.error.details();
        for kind in DetailKind::WIRE_ORDER {
            if self.sent & kind.bit() == 0 {
                continue;
            }
            if kind == DetailKind::Other {
                for any in &details.other {
                    write_delimited_header(3, prost::Message::encoded_len(any), &mut buf);
                    prost::Message::encode_raw(any, &mut buf);
                }
            } else if let Some((name, message)) = kind.message(details) {
                write_any(3, name, message.encoded_len(), message, &mut buf);
            }
        }
        debug_assert_eq!(buf.len(), self.sizes.details);
        buf
    }
}

/// `google.rpc.ErrorInfo`: reason, domain, and metadata holding `code`,
/// `module` and the context.
struct GoogleErrorInfo<'p, 'a>(&'p Plan<'a>);

impl GoogleErrorInfo<'_, '_> {
    fn len_with_context(&self, context_len: usize) -> usize {
        let plan = self.0;
        str_len(1, plan.error.reason().len())
            + str_len(2, plan.domain.len())
            + identity_entries(plan)
                .map(|(k, v)| map_entry_len(3, k.len(), v.len()))
                .sum::<usize>()
            + context_len
    }
}

impl WireMessage for GoogleErrorInfo<'_, '_> {
    fn encoded_len(&self) -> usize {
        self.len_with_context(self.0.context_len())
    }

    fn encode_raw(&self, buf: &mut Vec<u8>) {
        let plan = self.0;
        write_str(1, plan.error.reason(), buf);
        write_str(2, plan.domain, buf);
        for (key, value) in identity_entries(plan) {
            write_map_entry(3, key, value, buf);
        }
        plan.write_context(3, buf);
    }
}

/// The `code` and `module` metadata entries, when the error has a code.
fn identity_entries<'p>(plan: &'p Plan<'_>) -> impl Iterator<Item = (&'static str, &'p str)> {
    [("code", &*plan.code_str), ("module", &*plan.module_str)]
        .into_iter()
        .filter(|(_, value)| !value.is_empty())
}

/// `csghub.errorx.v1.ErrorInfo`: module, number, code, name and context.
struct TypedErrorInfo<'p, 'a>(&'p Plan<'a>);

impl TypedErrorInfo<'_, '_> {
    fn name(&self) -> &'static str {
        match self.0.error.code() {
            Some(code) if code.is_known() => code.name(),
            _ => "",
        }
    }
}

impl TypedErrorInfo<'_, '_> {
    fn len_with_context(&self, context_len: usize) -> usize {
        let plan = self.0;
        let Some(code) = plan.error.code() else {
            return 0;
        };
        varint_len(1, code.module().as_i32() as u64)
            + varint_len(2, u64::from(code.number()))
            + str_len(3, plan.code_str.len())
            + str_len(4, self.name().len())
            + context_len
    }
}

impl WireMessage for TypedErrorInfo<'_, '_> {
    fn encoded_len(&self) -> usize {
        self.len_with_context(self.0.context_len())
    }

    fn encode_raw(&self, buf: &mut Vec<u8>) {
        let plan = self.0;
        let Some(code) = plan.error.code() else {
            return;
        };
        write_varint(1, code.module().as_i32() as u64, buf);
        write_varint(2, u64::from(code.number()), buf);
        write_str(3, &plan.code_str, buf);
        write_str(4, self.name(), buf);
        plan.write_context(5, buf);
    }
}
