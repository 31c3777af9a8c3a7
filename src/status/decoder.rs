//! [`StatusDecoder`]: a `tonic::Status` back into an [`Error`], in one pass
//! over the details' bytes, keeping everything.

use std::borrow::Cow;

use tonic::Status;

use super::recognize::{recognize, GoogleFacts, TypedFacts};
use super::slots::place_standard;
use super::{GOOGLE_ERROR_INFO, TYPED_ERROR_INFO};
use crate::catalog::csghub;
use crate::details::RawDetail;
use crate::details::{DetailKind, Details};
use crate::error::problems::Problems;
use crate::error::received::Received;
use crate::error::DecodedParts;
use crate::truncate::truncate;
use crate::wire::{map_entry_bytes, FieldReader, FieldValue, Utf8Message, WireError};
use crate::{Catalog, Context, DecodeProblem, Error};

/// Decodes statuses into [`Error`]s. [`Error::from_status`] uses the
/// default one, which knows CSGHub's catalog; hold your own to recognize
/// the codes of more catalogs ([`StatusDecoder::catalog`]) or domains.
///
/// A status maps onto the catalog
/// - by its typed `csghub.errorx.v1.ErrorInfo` (module and number), sent by
///   every server that uses this catalog, whatever its domain; else
/// - by its `google.rpc.ErrorInfo` metadata `code` (`"GIT-ERR-8"`, checked
///   against the reason), when the domain is the catalog's
///   ([`CATALOG_DOMAIN`](crate::CATALOG_DOMAIN)), one given to
///   [`StatusDecoder::accept_domain`], or a given catalog's:
///   what a peer with only the standard `google.rpc` types sends, such as a
///   Go service using `errdetails`. A code string of a known module that
///   this build lacks (`GIT-ERR-99`) is an
///   [`UnknownCode`](crate::UnknownCode); else
/// - by its `google.rpc.ErrorInfo` reason, in those domains.
///
/// A reason or code string from any other domain is kept, never mapped:
/// `UNAUTHORIZED` from `other.example.com` is not `AUTH-ERR-0`. Where the
/// typed ErrorInfo, the metadata `code` and the reason disagree, the error
/// claims no catalog code and [`Error::decode_problems`] says why. The
/// metadata keys `code` and `module` of a catalog error are its code, never
/// part of its [`context`](Error::context).
///
/// Nothing global changes what a decoder recognizes.
///
/// ```
/// use csghub_errorx::{Error, ErrorCode, StatusDecoder};
///
/// // A Go service that sends google.rpc.ErrorInfo alone, under its domain.
/// let status = Error::new(ErrorCode::GIT_AUTH_FAILED).with_domain("git.example.com");
/// # let status = tonic::Status::from(status);
/// let decoder = StatusDecoder::new().accept_domain("git.example.com");
/// assert!(decoder.decode(&status).is(ErrorCode::GIT_AUTH_FAILED));
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StatusDecoder {
    /// The catalogs given besides CSGHub's, which is always known.
    catalogs: Vec<&'static Catalog>,
    domains: Vec<Cow<'static, str>>,
}

impl StatusDecoder {
    /// A decoder that recognizes CSGHub's catalog ([`csghub::CATALOG`](crate::csghub::CATALOG)).
    pub const fn new() -> StatusDecoder {
        StatusDecoder {
            catalogs: Vec::new(),
            domains: Vec::new(),
        }
    }

    /// Also recognizes the codes of `catalog`, by its domain: a catalog of
    /// your own (`errors::CATALOG`), or another team's. A status of a
    /// catalog no decoder was given stays uncataloged, with everything it
    /// carried; nothing is registered anywhere else.
    ///
    /// ```ignore
    /// let decoder = StatusDecoder::new().catalog(&acme::errors::CATALOG);
    /// ```
    pub fn catalog(mut self, catalog: &'static Catalog) -> StatusDecoder {
        if !self.catalogs.contains(&catalog) && *catalog != csghub::CATALOG {
            self.catalogs.push(catalog);
        }
        self
    }

    /// Also maps `google.rpc.ErrorInfo`s of `domain` onto CSGHub's catalog:
    /// for servers that send its codes under a domain of their own
    /// (`StatusEncoder::domain`).
    pub fn accept_domain(mut self, domain: impl Into<Cow<'static, str>>) -> StatusDecoder {
        self.domains.push(domain.into());
        self
    }

    /// Whether `google.rpc.ErrorInfo`s of `domain` map onto a catalog of
    /// this decoder.
    pub fn accepts(&self, domain: &str) -> bool {
        self.catalog_of(domain).is_some()
    }

    /// Every catalog of the decoder, CSGHub's first: the JSON decoder
    /// looks for a problem+json `type`'s code in each.
    #[cfg(feature = "json")]
    pub(crate) fn catalogs(&self) -> impl Iterator<Item = &'static Catalog> + '_ {
        std::iter::once(&csghub::CATALOG).chain(self.catalogs.iter().copied())
    }

    /// The catalog whose codes an ErrorInfo of `domain` names, if any.
    pub(crate) fn catalog_of(&self, domain: &str) -> Option<&'static Catalog> {
        if domain == csghub::DOMAIN || self.domains.iter().any(|d| d == domain) {
            return Some(&csghub::CATALOG);
        }
        self.catalogs.iter().copied().find(|c| c.domain() == domain)
    }

    /// Decodes `status`. Never fails and never panics: what cannot be
    /// decoded is in [`Error::decode_problems`], and the outer gRPC code and
    /// message are always kept, but for one case: tonic ends a call that ran
    /// out its deadline (the one it sent with `Request::set_timeout`, or its
    /// channel's own `timeout`) as `CANCELLED` "Timeout expired", and that
    /// decodes as the `DEADLINE_EXCEEDED` every other gRPC stack reports,
    /// with tonic's status as the error's
    /// [`source`](std::error::Error::source). A handler that forwards such
    /// an error (`?`) sends `DEADLINE_EXCEEDED` on.
    ///
    /// ```
    /// use std::error::Error as _;
    ///
    /// // What a tonic client hands over when its deadline passes.
    /// let status = tonic::Status::from_error(Box::new(tonic::TimeoutExpired(())));
    /// assert_eq!(status.code(), tonic::Code::Cancelled);
    ///
    /// let error = csghub_errorx::Error::from_status(&status);
    /// assert_eq!(error.grpc_code(), tonic::Code::DeadlineExceeded);
    /// let tonics = error.source().and_then(|s| s.downcast_ref::<tonic::Status>());
    /// assert_eq!(tonics.map(|s| s.code()), Some(tonic::Code::Cancelled));
    ///
    /// // A CANCELLED from the wire stays CANCELLED.
    /// let error = csghub_errorx::Error::from_status(&tonic::Status::cancelled("Timeout expired"));
    /// assert_eq!(error.grpc_code(), tonic::Code::Cancelled);
    /// ```
    pub fn decode(&self, status: &Status) -> Error {
        let mut received = Received::default();
        if !status.metadata().is_empty() {
            if status.metadata().contains_key(super::MESSAGE_REPLACED_KEY) {
                received.problems.push(DecodeProblem::InvalidUtf8 {
                    field: "grpc-message",
                });
            }
            if status.metadata().contains_key(super::DETAILS_REMOVED_KEY) {
                received.problems.push(DecodeProblem::InvalidBase64Header);
            }
        }
        let mut found = Found::default();
        if !status.details().is_empty() {
            match read_status(status.details(), status, &mut received.problems) {
                Ok(inner) => found = inner.found,
                Err(e) => received.problems.push(DecodeProblem::MalformedStatus {
                    reason: e.to_string(),
                }),
            }
        }
        received
            .problems
            .append(std::mem::take(&mut found.problems));

        let mut typed = None;
        let mut typed_context = None;
        if let Some(bytes) = found.typed {
            match read_typed(bytes) {
                Ok(read) if read.module != 0 => {
                    typed = Some(TypedFacts {
                        module: read.module,
                        number: read.number,
                        code_str: read.code_str,
                    });
                    typed_context = read.context;
                }
                Ok(_) => {
                    received.problems.push(DecodeProblem::malformed_detail(
                        TYPED_ERROR_INFO,
                        &"module is unspecified",
                    ));
                    found.details().raw.push(raw(TYPED_ERROR_INFO, bytes));
                }
                Err(e) => {
                    received
                        .problems
                        .push(DecodeProblem::malformed_detail(TYPED_ERROR_INFO, &e));
                    found.details().raw.push(raw(TYPED_ERROR_INFO, bytes));
                }
            }
        }
        let mut google = None;
        if let Some(bytes) = found.google {
            match read_google(bytes, &mut received.problems) {
                Ok(read) => google = Some(read),
                Err(e) => {
                    received
                        .problems
                        .push(DecodeProblem::malformed_detail(GOOGLE_ERROR_INFO, &e));
                    found.details().raw.push(raw(GOOGLE_ERROR_INFO, bytes));
                }
            }
        }

        let recognized = recognize(self, typed, google.as_ref().map(|g| g.facts), &mut received);
        // The google metadata is the context; only an older peer that sent
        // no google ErrorInfo has its context in the typed one alone.
        let context = match google {
            Some(google) => google.into_context(recognized.reserved_keys_are_code),
            None => typed_context.unwrap_or_default(),
        };

        // tonic's CANCELLED for a call that ran out its own deadline is,
        // for the application, the DEADLINE_EXCEEDED every other gRPC stack
        // (and the server) reports; tonic's own status stays the source.
        let own_deadline = super::ran_out_its_deadline(status);
        let error = Error::from_parts(DecodedParts {
            code: recognized.code,
            grpc_code: if own_deadline {
                tonic::Code::DeadlineExceeded
            } else {
                status.code()
            },
            message: status.message().to_string(),
            context,
            details: found.details,
            catalog_domain: recognized.catalog_domain,
            received,
        });
        if own_deadline {
            error.with_source(status.clone())
        } else {
            error
        }
    }
}

/// What the details hold, sorted by kind; the ErrorInfos still as bytes.
#[derive(Default)]
struct Found<'a> {
    typed: Option<&'a [u8]>,
    google: Option<&'a [u8]>,
    /// Made on the first detail: most statuses have none beyond the
    /// ErrorInfos.
    details: Option<Box<Details>>,
    problems: Problems,
}

impl Found<'_> {
    fn details(&mut self) -> &mut Details {
        self.details.get_or_insert_with(Box::default)
    }
}

/// The inner `google.rpc.Status`.
struct InnerStatus<'a> {
    code: i32,
    message: Cow<'a, str>,
    found: Found<'a>,
}

/// Bytes a peer sent as a string, invalid UTF-8 replaced.
fn lossy(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Reads the inner status in one pass, sorting its details by type. If it
/// disagrees with the outer status (rare: a broken or hostile peer), its
/// details are read again and all kept raw instead.
fn read_status<'a>(
    bytes: &'a [u8],
    outer: &'a Status,
    problems: &mut Problems,
) -> Result<InnerStatus<'a>, WireError> {
    let mut inner = InnerStatus {
        code: 0,
        message: Cow::Borrowed(""),
        found: Found::default(),
    };
    for field in FieldReader::new(bytes) {
        match field? {
            (1, FieldValue::Varint(code)) => inner.code = code as i32,
            (2, FieldValue::Bytes(message)) => {
                // Equal to the outer message, which is a `str`: valid
                // without checking. Only a differing one is checked.
                inner.message = if message == outer.message().as_bytes() {
                    Cow::Borrowed(outer.message())
                } else {
                    match std::str::from_utf8(message) {
                        Ok(message) => Cow::Owned(message.to_string()),
                        Err(_) => {
                            problems.push(DecodeProblem::InvalidUtf8 {
                                field: "google.rpc.Status.message",
                            });
                            Cow::Owned(String::from_utf8_lossy(message).into_owned())
                        }
                    }
                };
            }
            (3, FieldValue::Bytes(detail)) => {
                let (type_url, value) = read_any(detail)?;
                sort_detail(type_url, value, &mut inner.found);
            }
            _ => {}
        }
    }
    if inner.code != outer.code() as i32 || inner.message != outer.message() {
        problems.push(DecodeProblem::InnerStatusMismatch {
            inner_code: inner.code,
            inner_message: truncate(&inner.message, 256).into_owned(),
        });
        inner.found = Found::default();
        for field in FieldReader::new(bytes) {
            if let (3, FieldValue::Bytes(detail)) = field? {
                let (type_url, value) = read_any(detail)?;
                inner
                    .found
                    .details()
                    .raw
                    .push(RawDetail::new(lossy(type_url), value.to_vec()));
            }
        }
    }
    Ok(inner)
}

/// The type URL and value of a `google.protobuf.Any`. A type URL that is
/// not UTF-8 is kept with its invalid bytes replaced.
fn read_any(bytes: &[u8]) -> Result<(&[u8], &[u8]), WireError> {
    let (mut type_url, mut value): (&[u8], &[u8]) = (&[], &[]);
    for field in FieldReader::new(bytes) {
        match field? {
            (1, FieldValue::Bytes(bytes)) => type_url = bytes,
            (2, FieldValue::Bytes(bytes)) => value = bytes,
            _ => {}
        }
    }
    Ok((type_url, value))
}

/// Puts one detail where it belongs, by its type URL. At most one of each
/// type is used (AIP-193); extra ones are reported and kept raw.
fn sort_detail<'a>(type_url: &[u8], value: &'a [u8], found: &mut Found<'a>) {
    // Type URLs may use any host; the type name follows the last '/'. Only
    // the name is checked as UTF-8: a type this library knows is matched
    // as bytes.
    let name_start = type_url
        .iter()
        .rposition(|&b| b == b'/')
        .map_or(0, |slash| slash + 1);
    let Ok(type_name) = std::str::from_utf8(&type_url[name_start..]) else {
        found
            .details()
            .raw
            .push(RawDetail::new(lossy(type_url), value.to_vec()));
        return;
    };
    let placed = match type_name {
        TYPED_ERROR_INFO => take_once(&mut found.typed, value, type_url, &mut found.problems),
        GOOGLE_ERROR_INFO => take_once(&mut found.google, value, type_url, &mut found.problems),
        _ => match DetailKind::from_type_name(type_name) {
            Some(kind) => {
                let Found {
                    details, problems, ..
                } = found;
                let details = details.get_or_insert_with(Box::default);
                place_standard(details, kind, value, problems, || lossy(type_url))
            }
            None => false,
        },
    };
    if !placed {
        found
            .details()
            .raw
            .push(RawDetail::new(lossy(type_url), value.to_vec()));
    }
}

/// Keeps `value` for an ErrorInfo decoded later, if the slot is empty.
fn take_once<'a>(
    slot: &mut Option<&'a [u8]>,
    value: &'a [u8],
    type_url: &[u8],
    problems: &mut Problems,
) -> bool {
    if slot.is_some() {
        problems.push_with(|| DecodeProblem::duplicate_detail(&lossy(type_url)));
        return false;
    }
    *slot = Some(value);
    true
}

/// The typed `csghub.errorx.v1.ErrorInfo`, in either form.
struct Typed<'a> {
    /// The `csghub.errorx.v1.Module` number; 0 is unspecified.
    module: i32,
    number: u32,
    /// Sent by csghub-errorx 0.1 only.
    code_str: &'a str,
    /// Sent by csghub-errorx 0.1 only, which also sent a code string or a
    /// name: then this is the context, even if empty.
    context: Option<Context>,
}

fn read_typed(bytes: &[u8]) -> Result<Typed<'_>, WireError> {
    let mut typed = Typed {
        module: 0,
        number: 0,
        code_str: "",
        context: None,
    };
    let mut context = Context::new();
    let mut old_form = false;
    let text = Utf8Message::new(bytes);
    for field in FieldReader::new(bytes) {
        match field? {
            (1, FieldValue::Varint(value)) => typed.module = value as i32,
            (2, FieldValue::Varint(value)) => {
                typed.number = u32::try_from(value)
                    .map_err(|_| WireError::Malformed("number is not a uint32"))?
            }
            (3, FieldValue::Bytes(value)) => {
                typed.code_str = text.str(value)?;
                old_form = true;
            }
            (4, FieldValue::Bytes(_)) => old_form = true,
            (5, FieldValue::Bytes(entry)) => {
                let (key, value) = text.map_entry(entry)?;
                context.push_unsorted(key, value);
                old_form = true;
            }
            _ => {}
        }
    }
    if old_form {
        context.sort();
        typed.context = Some(context);
    }
    Ok(typed)
}

/// The `google.rpc.ErrorInfo`: what it says of the code, and its metadata.
struct Google<'a> {
    facts: GoogleFacts<'a>,
    /// The metadata but for the reserved keys, which are in `facts`.
    context: Context,
}

impl Google<'_> {
    /// The context: the metadata, with the reserved keys unless they are
    /// the code of a catalog error.
    fn into_context(self, reserved_keys_are_code: bool) -> Context {
        let mut context = self.context;
        if !reserved_keys_are_code {
            for (key, value) in [("code", self.facts.code), ("module", self.facts.module)] {
                if let Some(value) = value {
                    context.insert_exact(key, &value);
                }
            }
        }
        context
    }
}

/// Reads a `google.rpc.ErrorInfo`. A metadata entry that is not UTF-8 is
/// kept with its invalid bytes replaced, and reported: one bad value costs
/// neither the code nor the rest of the context.
fn read_google<'a>(bytes: &'a [u8], problems: &mut Problems) -> Result<Google<'a>, WireError> {
    let mut google = Google {
        facts: GoogleFacts::default(),
        // The context's text is shorter than the message holding it, and
        // an entry takes at least 4 bytes of it: room for all at once.
        context: Context::with_capacity(bytes.len(), bytes.len() / 16 + 1),
    };
    let text = Utf8Message::new(bytes);
    let mut invalid_utf8 = false;
    for field in FieldReader::new(bytes) {
        match field? {
            (1, FieldValue::Bytes(value)) => google.facts.reason = text.str(value)?,
            (2, FieldValue::Bytes(value)) => google.facts.domain = text.str(value)?,
            (3, FieldValue::Bytes(entry)) => match text.map_entry(entry) {
                // A map keeps the last of a key sent twice.
                Ok(("code", value)) => google.facts.code = Some(value),
                Ok(("module", value)) => google.facts.module = Some(value),
                Ok((key, value)) => google.context.push_unsorted(key, value),
                Err(_) => {
                    let (key, value) = map_entry_bytes(entry)?;
                    invalid_utf8 = true;
                    let key = String::from_utf8_lossy(key);
                    if key != "code" && key != "module" {
                        google
                            .context
                            .push_unsorted(&key, &String::from_utf8_lossy(value));
                    }
                }
            },
            _ => {}
        }
    }
    if invalid_utf8 {
        problems.push(DecodeProblem::InvalidUtf8 {
            field: "google.rpc.ErrorInfo.metadata",
        });
    }
    // Peers send map entries in any order: sorting once is O(n log n).
    google.context.sort();
    Ok(google)
}

fn raw(type_name: &str, value: &[u8]) -> RawDetail {
    RawDetail::new(
        format!("{}{type_name}", crate::wire::TYPE_URL_PREFIX),
        value.to_vec(),
    )
}
