//! [`Plan`]: what of an error goes on the wire, sized before it is written,
//! and shrunk until it fits the header budget.

use std::borrow::Cow;

use super::header_size::{status_header_bound, status_header_size};
use super::{GOOGLE_ERROR_INFO, TYPED_ERROR_INFO};
use crate::details::DetailKind;
use crate::truncate::{floor_char_boundary, truncate, truncated_len};
use crate::wire::{
    any_len, delimited_len, map_entry_len, str_len, varint_len, write_any, write_delimited_header,
    write_map_entry, write_str, write_varint, WireMessage,
};
use crate::Error;

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
    reason: &'a str,
    domain: &'a str,
    /// The code string the `google.rpc.ErrorInfo` metadata carries under
    /// `code`, for peers with only the standard types; it always survives.
    code_str: Option<Cow<'a, str>>,
    /// CSGHub's catalog code's module number and number, known or not.
    typed: Option<(i32, u32)>,
    /// A `LocalizedMessage` the encoder adds, over the error's own.
    localized: Option<&'a LocalizedView<'a>>,
    /// A bit per [`DetailKind`] sent.
    sent: u16,
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

const fn bit(kind: DetailKind) -> u16 {
    1 << kind as u16
}

impl<'a> Plan<'a> {
    /// Everything the error has, DebugInfo only if `send_debug_info`, and
    /// `localized` in place of the error's own `LocalizedMessage`.
    pub(crate) fn full(
        error: &'a Error,
        default_domain: &'a str,
        send_debug_info: bool,
        localized: Option<&'a LocalizedView<'a>>,
    ) -> Plan<'a> {
        let mut sent = 0;
        if let Some(details) = error.details() {
            for &kind in DetailKind::WIRE_ORDER {
                if details.has(kind) && (kind != DetailKind::DebugInfo || send_debug_info) {
                    sent |= bit(kind);
                }
            }
        }
        if localized.is_some() {
            sent |= bit(DetailKind::LocalizedMessage);
        }
        let typed = error.typed_parts();
        let code_str = error.code_str().map(|code| match code {
            Cow::Borrowed(code) => Cow::Borrowed(bounded(code, super::MAX_CODE_STR_LEN)),
            Cow::Owned(code) => Cow::Owned(bounded(&code, super::MAX_CODE_STR_LEN).to_string()),
        });
        Plan {
            error,
            code_str,
            reason: bounded(error.reason(), super::MAX_REASON_LEN),
            domain: bounded(error.wire_domain(default_domain), super::MAX_DOMAIN_LEN),
            typed,
            localized,
            sent,
            value_cap: usize::MAX,
            message_cap: usize::MAX,
            context_kept: error.context().len(),
            sizes: Sizes::default(),
        }
    }

    /// Shrinks the plan until its headers fit `budget` bytes, in the
    /// documented order: drop optional details, cut context values, cut the
    /// message, drop context entries, cut the message to its last cap. The
    /// ErrorInfos with reason, domain, code string, module and number
    /// always stay.
    pub(crate) fn fit(mut self, budget: usize) -> Plan<'a> {
        if self.fits(budget) {
            return self;
        }
        for kind in DetailKind::drop_order() {
            if self.sent & bit(kind) != 0 {
                self.sent &= !bit(kind);
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
        truncate(self.error.message(), self.message_cap)
    }

    fn context(&self) -> impl Iterator<Item = (&'a str, &'a str)> + 'a {
        self.error.context().iter().take(self.context_kept)
    }

    /// The detail of `kind` that is sent.
    fn detail(&self, kind: DetailKind) -> Option<&'a dyn WireMessage> {
        if self.sent & bit(kind) == 0 {
            return None;
        }
        if kind == DetailKind::LocalizedMessage {
            if let Some(localized) = self.localized {
                return Some(localized);
            }
        }
        self.error.details()?.message(kind)
    }

    /// The lengths of the `google.rpc.Status` this plan encodes to and of
    /// its ErrorInfos, each computed once.
    fn measure(&self) -> Sizes {
        let google_info = GoogleErrorInfo(self).encoded_len();
        let typed_info = self
            .typed
            .map_or(0, |(module, number)| typed_len(module, number));
        let message_len = truncated_len(self.error.message(), self.message_cap);
        let mut len = varint_len(1, self.error.grpc_code() as i32 as u64) + str_len(2, message_len);
        len += delimited_len(3, any_len(GOOGLE_ERROR_INFO, google_info));
        if self.typed.is_some() {
            len += delimited_len(3, any_len(TYPED_ERROR_INFO, typed_info));
        }
        for &kind in DetailKind::WIRE_ORDER {
            if kind == DetailKind::Raw {
                if self.sent & bit(kind) != 0 {
                    len += forwarded_raw(self.error)
                        .map(|raw| delimited_len(3, raw_any_len(raw)))
                        .sum::<usize>();
                }
            } else if let (Some(detail), Some(name)) = (self.detail(kind), kind.type_name()) {
                len += delimited_len(3, any_len(name, detail.encoded_len()));
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
        if let Some((module, number)) = self.typed {
            write_any(
                3,
                TYPED_ERROR_INFO,
                self.sizes.typed_info,
                &TypedErrorInfo { module, number },
                &mut buf,
            );
        }
        for &kind in DetailKind::WIRE_ORDER {
            if kind == DetailKind::Raw {
                if self.sent & bit(kind) != 0 {
                    for raw in forwarded_raw(self.error) {
                        write_delimited_header(3, raw_any_len(raw), &mut buf);
                        write_str(1, raw.type_url(), &mut buf);
                        if !raw.value().is_empty() {
                            write_delimited_header(2, raw.value().len(), &mut buf);
                            buf.extend_from_slice(raw.value());
                        }
                    }
                }
            } else if let (Some(detail), Some(name)) = (self.detail(kind), kind.type_name()) {
                write_any(3, name, detail.encoded_len(), detail, &mut buf);
            }
        }
        debug_assert_eq!(buf.len(), self.sizes.details);
        buf
    }
}

/// `text`, cut at a char boundary to at most `max_len` bytes.
fn bounded(text: &str, max_len: usize) -> &str {
    &text[..floor_char_boundary(text, max_len)]
}

/// The raw details an error sends on: all but ErrorInfos. The plan writes
/// the ErrorInfos of the error's own code, reason and domain; a raw one is
/// a duplicate, a malformed one, or one of a status whose inner code
/// disagreed with the outer one, whose details are not trusted. Sent on,
/// it would come first for a receiver wherever the error has no code of
/// its own, and give the forwarded error a code it never had.
fn forwarded_raw(error: &Error) -> impl Iterator<Item = &crate::details::RawDetail> {
    error.raw_details().iter().filter(|raw| {
        let type_url = raw.type_url();
        let name = type_url.rsplit('/').next().unwrap_or(type_url);
        name != GOOGLE_ERROR_INFO && name != TYPED_ERROR_INFO
    })
}

/// The inner length of the `google.protobuf.Any` of a raw detail.
fn raw_any_len(raw: &crate::details::RawDetail) -> usize {
    str_len(1, raw.type_url().len()) + str_len(2, raw.value().len())
}

/// A `google.rpc.LocalizedMessage` the encoder adds, borrowed: the catalog's
/// messages are `'static`, so only a message showing context values was
/// allocated.
pub(crate) struct LocalizedView<'a> {
    pub(crate) locale: crate::Locale,
    pub(crate) message: Cow<'a, str>,
}

impl WireMessage for LocalizedView<'_> {
    fn encoded_len(&self) -> usize {
        str_len(1, self.locale.as_str().len()) + str_len(2, self.message.len())
    }

    fn encode_raw(&self, buf: &mut Vec<u8>) {
        write_str(1, self.locale.as_str(), buf);
        write_str(2, &self.message, buf);
    }
}

/// `google.rpc.ErrorInfo`: reason, domain, and as metadata the code string
/// (under the reserved key `code`) and the context, in key order.
struct GoogleErrorInfo<'p, 'a>(&'p Plan<'a>);

impl GoogleErrorInfo<'_, '_> {
    /// The context entries sent, as sent: an entry of a reserved key (only
    /// a peer's, kept exactly) gives way to the code string.
    fn context(&self) -> impl Iterator<Item = (&str, &str)> + '_ {
        let has_code = self.0.code_str.is_some();
        self.0
            .context()
            .filter(move |(key, _)| !(has_code && *key == CODE_KEY))
    }
}

/// The metadata key of the code string.
const CODE_KEY: &str = "code";

impl WireMessage for GoogleErrorInfo<'_, '_> {
    fn encoded_len(&self) -> usize {
        let plan = self.0;
        str_len(1, plan.reason.len())
            + str_len(2, plan.domain.len())
            + plan
                .code_str
                .as_ref()
                .map_or(0, |code| map_entry_len(3, CODE_KEY.len(), code.len()))
            + self
                .context()
                .map(|(k, v)| map_entry_len(3, k.len(), truncated_len(v, plan.value_cap)))
                .sum::<usize>()
    }

    fn encode_raw(&self, buf: &mut Vec<u8>) {
        let plan = self.0;
        write_str(1, plan.reason, buf);
        write_str(2, plan.domain, buf);
        let mut code = plan.code_str.as_deref();
        for (key, value) in self.context() {
            // Keys are sorted: the code goes where its key sorts.
            if let Some(text) = code.filter(|_| key > CODE_KEY) {
                write_map_entry(3, CODE_KEY, text, buf);
                code = None;
            }
            if value.len() <= plan.value_cap {
                write_map_entry(3, key, value, buf);
            } else {
                write_map_entry(3, key, &truncate(value, plan.value_cap), buf);
            }
        }
        if let Some(text) = code {
            write_map_entry(3, CODE_KEY, text, buf);
        }
    }
}

/// `csghub.errorx.v1.ErrorInfo`: the code's module and number.
struct TypedErrorInfo {
    module: i32,
    number: u32,
}

/// The length of a typed ErrorInfo. Module numbers are proto enum values:
/// negative ones take ten bytes, as int32 varints do.
fn typed_len(module: i32, number: u32) -> usize {
    varint_len(1, module as i64 as u64) + varint_len(2, u64::from(number))
}

impl WireMessage for TypedErrorInfo {
    fn encoded_len(&self) -> usize {
        typed_len(self.module, self.number)
    }

    fn encode_raw(&self, buf: &mut Vec<u8>) {
        write_varint(1, self.module as i64 as u64, buf);
        write_varint(2, u64::from(self.number), buf);
    }
}
