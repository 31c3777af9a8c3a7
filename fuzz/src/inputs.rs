//! The byte layouts of the targets' inputs. Hand-made rather than derived
//! with `arbitrary`, so that the seed writer can write real statuses in
//! them byte for byte.

use csghub_errorx::StatusEncoder;

/// `decode_status`: `[code u8][budget u16 LE][message length u8][message]
/// [details...]`. The budget is added to [`StatusEncoder::MIN_BUDGET`].
pub struct StatusInput<'a> {
    pub code: i32,
    pub budget: usize,
    pub message: String,
    pub details: &'a [u8],
}

impl<'a> StatusInput<'a> {
    pub fn parse(data: &'a [u8]) -> Option<StatusInput<'a>> {
        let (&code, rest) = data.split_first()?;
        let (budget, rest) = rest.split_at_checked(2)?;
        let (&message_len, rest) = rest.split_first()?;
        let (message, details) = rest.split_at_checked(usize::from(message_len))?;
        Some(StatusInput {
            code: i32::from(code),
            budget: StatusEncoder::MIN_BUDGET
                + usize::from(u16::from_le_bytes([budget[0], budget[1]])),
            message: String::from_utf8_lossy(message).into_owned(),
            details,
        })
    }

    pub fn write(code: i32, budget_above_min: u16, message: &str, details: &[u8]) -> Vec<u8> {
        let message = &message.as_bytes()[..message.len().min(255)];
        let mut out = vec![code as u8];
        out.extend_from_slice(&budget_above_min.to_le_bytes());
        out.push(message.len() as u8);
        out.extend_from_slice(message);
        out.extend_from_slice(details);
        out
    }
}

/// One part of a `client_layer` response: `[tag u8][length u16 LE][payload]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Part {
    /// A response header: payload `[name length u8][name][value]`.
    Header(Vec<u8>, Vec<u8>),
    /// A trailer, in the same form.
    Trailer(Vec<u8>, Vec<u8>),
    /// A data frame, as it is.
    RawData(Vec<u8>),
    /// A data frame holding one gRPC message (the 5-byte prefix added).
    Message(Vec<u8>),
    /// The body fails here, with a status whose code is the payload's
    /// first byte.
    BodyError(u8),
    /// `grpc-status-details-bin` holding these bytes in base64, in the
    /// headers (`false`) or the trailers (`true`).
    Details { in_trailers: bool, bytes: Vec<u8> },
}

impl Part {
    const HEADER: u8 = 0;
    const TRAILER: u8 = 1;
    const RAW_DATA: u8 = 2;
    const MESSAGE: u8 = 3;
    const BODY_ERROR: u8 = 4;
    const DETAILS_IN_HEADERS: u8 = 5;
    const DETAILS_IN_TRAILERS: u8 = 6;

    /// The parts of a whole input; a truncated last part is dropped.
    pub fn parse_all(mut data: &[u8]) -> Vec<Part> {
        let mut parts = Vec::new();
        while let Some((&tag, rest)) = data.split_first() {
            let Some((len, rest)) = rest.split_at_checked(2) else {
                break;
            };
            let len = usize::from(u16::from_le_bytes([len[0], len[1]]));
            let Some((payload, rest)) = rest.split_at_checked(len) else {
                break;
            };
            data = rest;
            let name_value = |payload: &[u8]| {
                let (&name_len, rest) = payload.split_first()?;
                let (name, value) = rest.split_at_checked(usize::from(name_len))?;
                Some((name.to_vec(), value.to_vec()))
            };
            let part = match tag % 7 {
                Self::HEADER => name_value(payload).map(|(n, v)| Part::Header(n, v)),
                Self::TRAILER => name_value(payload).map(|(n, v)| Part::Trailer(n, v)),
                Self::RAW_DATA => Some(Part::RawData(payload.to_vec())),
                Self::MESSAGE => Some(Part::Message(payload.to_vec())),
                Self::BODY_ERROR => Some(Part::BodyError(payload.first().copied().unwrap_or(2))),
                Self::DETAILS_IN_HEADERS => Some(Part::Details {
                    in_trailers: false,
                    bytes: payload.to_vec(),
                }),
                _ => Some(Part::Details {
                    in_trailers: true,
                    bytes: payload.to_vec(),
                }),
            };
            parts.extend(part);
        }
        parts
    }

    /// `parts` in the input layout.
    pub fn write_all(parts: &[Part]) -> Vec<u8> {
        let mut out = Vec::new();
        for part in parts {
            let (tag, payload) = match part {
                Part::Header(name, value) => (Self::HEADER, name_value(name, value)),
                Part::Trailer(name, value) => (Self::TRAILER, name_value(name, value)),
                Part::RawData(bytes) => (Self::RAW_DATA, bytes.clone()),
                Part::Message(bytes) => (Self::MESSAGE, bytes.clone()),
                Part::BodyError(code) => (Self::BODY_ERROR, vec![*code]),
                Part::Details { in_trailers, bytes } => (
                    if *in_trailers {
                        Self::DETAILS_IN_TRAILERS
                    } else {
                        Self::DETAILS_IN_HEADERS
                    },
                    bytes.clone(),
                ),
            };
            let len = payload.len().min(usize::from(u16::MAX));
            out.push(tag);
            out.extend_from_slice(&(len as u16).to_le_bytes());
            out.extend_from_slice(&payload[..len]);
        }
        out
    }
}

fn name_value(name: &[u8], value: &[u8]) -> Vec<u8> {
    let name = &name[..name.len().min(255)];
    let mut out = vec![name.len() as u8];
    out.extend_from_slice(name);
    out.extend_from_slice(value);
    out
}

/// `http_decode`: `[status u16 LE][content-type length u8][content-type]
/// [budget u16 LE][body...]`.
pub struct HttpInput<'a> {
    pub status: u16,
    pub content_type: &'a [u8],
    pub budget: usize,
    pub body: &'a [u8],
}

impl<'a> HttpInput<'a> {
    pub fn parse(data: &'a [u8]) -> Option<HttpInput<'a>> {
        let (status, rest) = data.split_at_checked(2)?;
        let (&type_len, rest) = rest.split_first()?;
        let (content_type, rest) = rest.split_at_checked(usize::from(type_len))?;
        let (budget, body) = rest.split_at_checked(2)?;
        Some(HttpInput {
            status: u16::from_le_bytes([status[0], status[1]]),
            content_type,
            budget: StatusEncoder::MIN_BUDGET
                + usize::from(u16::from_le_bytes([budget[0], budget[1]])),
            body,
        })
    }

    pub fn write(status: u16, content_type: &str, budget_above_min: u16, body: &[u8]) -> Vec<u8> {
        let content_type = &content_type.as_bytes()[..content_type.len().min(255)];
        let mut out = status.to_le_bytes().to_vec();
        out.push(content_type.len() as u8);
        out.extend_from_slice(content_type);
        out.extend_from_slice(&budget_above_min.to_le_bytes());
        out.extend_from_slice(body);
        out
    }
}
