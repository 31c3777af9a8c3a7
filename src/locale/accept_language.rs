//! [`AcceptLanguage`]: a client asks for its reader's locale on every call.

use tonic::metadata::{Ascii, MetadataValue};
use tonic::service::Interceptor;
use tonic::{Request, Status};

use super::Locale;

/// A tonic client interceptor that sends `accept-language` on every call,
/// so that a server with the csghub-errorx layer answers each error with a
/// `google.rpc.LocalizedMessage` in that locale (`grpc-message` stays
/// English). A call that sets its own `accept-language` keeps it. With a
/// bearer token too, use
/// [`BearerToken::accept_language`](crate::auth::BearerToken::accept_language):
/// one interceptor for both.
///
/// ```
/// use csghub_errorx::{AcceptLanguage, Locale};
/// use tonic::service::Interceptor;
///
/// let mut ask = AcceptLanguage::new(Locale::ZH_HK);
/// let request = ask.call(tonic::Request::new(())).unwrap();
/// assert_eq!(request.metadata().get("accept-language").unwrap(), "zh-HK");
///
/// // With a generated client:
/// // let client = DemoClient::with_interceptor(channel, AcceptLanguage::new(Locale::ZH_HK));
/// ```
#[derive(Clone, Debug)]
pub struct AcceptLanguage {
    value: MetadataValue<Ascii>,
}

impl AcceptLanguage {
    /// Asks for `locale`.
    pub fn new(locale: Locale) -> AcceptLanguage {
        AcceptLanguage {
            value: header_value(locale),
        }
    }

    /// Adds the header to `request`, unless it has one.
    pub(crate) fn apply(&self, request: &mut Request<()>) {
        if !request.metadata().contains_key("accept-language") {
            request
                .metadata_mut()
                .insert("accept-language", self.value.clone());
        }
    }
}

impl Interceptor for AcceptLanguage {
    fn call(&mut self, mut request: Request<()>) -> Result<Request<()>, Status> {
        self.apply(&mut request);
        Ok(request)
    }
}

/// A locale's tag as a header value: letters, digits and `-`, always valid.
fn header_value(locale: Locale) -> MetadataValue<Ascii> {
    MetadataValue::try_from(locale.as_str()).unwrap_or_else(|_| MetadataValue::from_static("en-US"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_calls_own_accept_language_is_kept() {
        let mut ask = AcceptLanguage::new(Locale::ZH_CN);
        let mut request = Request::new(());
        request
            .metadata_mut()
            .insert("accept-language", MetadataValue::from_static("en-US"));
        let request = ask.call(request).unwrap();
        assert_eq!(request.metadata().get("accept-language").unwrap(), "en-US");
    }
}
