//! [`AsyncAuthLayer`]: bearer-token checks that may await (a database, an
//! identity provider), which a tonic `Interceptor`, being sync, cannot.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use tower_layer::Layer;
use tower_service::Service;

use super::header::bearer_token;
use super::Credential;
use crate::{Error, StatusEncoder};

/// Checks the token of an `authorization: Bearer {token}` header, and may
/// await while doing so. Return the caller's identity, which the layer puts
/// into the request's extensions for the handler
/// (`request.extensions().get::<Identity>()`), or the catalog error to
/// reject with: typically [`invalid_token`](super::invalid_token)
/// (`AUTH-ERR-4`).
///
/// ```
/// use csghub_errorx::auth::{invalid_token, AsyncTokenValidator};
/// use csghub_errorx::Error;
///
/// #[derive(Clone)]
/// struct Sessions; // a database pool, an OIDC client, ...
///
/// impl AsyncTokenValidator for Sessions {
///     type Identity = String;
///
///     async fn validate(&self, token: String) -> Result<String, Error> {
///         // e.g. `SELECT user FROM sessions WHERE token = $1`
///         match token.as_str() {
///             "s3cret" => Ok("alice".to_string()),
///             _ => Err(invalid_token()),
///         }
///     }
/// }
/// ```
pub trait AsyncTokenValidator: Clone + Send + Sync + 'static {
    /// Who the token belongs to.
    type Identity: Clone + Send + Sync + 'static;

    /// Checks `token` (the text after `Bearer `).
    fn validate(&self, token: String)
        -> impl Future<Output = Result<Self::Identity, Error>> + Send;
}

impl<F, Fut, I> AsyncTokenValidator for F
where
    F: Fn(String) -> Fut + Clone + Send + Sync + 'static,
    Fut: Future<Output = Result<I, Error>> + Send,
    I: Clone + Send + Sync + 'static,
{
    type Identity = I;

    fn validate(&self, token: String) -> impl Future<Output = Result<I, Error>> + Send {
        self(token)
    }
}

/// A tower layer that authenticates every request before the service sees
/// it, with an [`AsyncTokenValidator`]. Rejections are the same catalog
/// errors as [`AuthInterceptor`](super::AuthInterceptor)'s (`AUTH-ERR-5` for
/// a missing or malformed header, `AUTH-ERR-9` for a missing API key, the
/// validator's own, typically `AUTH-ERR-4`), sent as trailers-only gRPC
/// responses and carrying the error in-process, so a
/// [`LogLayer`](crate::layer::LogLayer) around it logs the code.
///
/// ```no_run
/// use csghub_errorx::auth::{invalid_token, AsyncAuthLayer};
/// use csghub_errorx::layer::LogLayer;
/// use csghub_errorx_demo::{DemoServer, DemoService};
///
/// # async fn serve() -> Result<(), Box<dyn std::error::Error>> {
/// let auth = AsyncAuthLayer::token(|token: String| async move {
///     if token == "s3cret" { Ok("alice".to_string()) } else { Err(invalid_token()) }
/// });
/// tonic::transport::Server::builder()
///     .layer(LogLayer::server()) // outermost: logs rejections too
///     .layer(auth)
///     .add_service(DemoServer::new(DemoService::new()))
///     .serve("127.0.0.1:50051".parse()?)
///     .await?;
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Debug)]
pub struct AsyncAuthLayer<V> {
    validator: V,
    credential: Credential,
    encoder: StatusEncoder,
}

impl<V: AsyncTokenValidator> AsyncAuthLayer<V> {
    /// Expects a user token.
    pub fn token(validator: V) -> AsyncAuthLayer<V> {
        AsyncAuthLayer::new(validator, Credential::Token)
    }

    /// Expects an API key.
    pub fn api_key(validator: V) -> AsyncAuthLayer<V> {
        AsyncAuthLayer::new(validator, Credential::ApiKey)
    }

    /// Expects `credential`.
    pub fn new(validator: V, credential: Credential) -> AsyncAuthLayer<V> {
        AsyncAuthLayer {
            validator,
            credential,
            encoder: StatusEncoder::new(),
        }
    }

    /// Encodes rejections with `encoder` instead of the default one.
    pub fn encoder(mut self, encoder: StatusEncoder) -> AsyncAuthLayer<V> {
        self.encoder = encoder;
        self
    }
}

impl<S, V: Clone> Layer<S> for AsyncAuthLayer<V> {
    type Service = AsyncAuthService<S, V>;

    fn layer(&self, inner: S) -> AsyncAuthService<S, V> {
        AsyncAuthService {
            inner,
            layer: AsyncAuthLayer {
                validator: self.validator.clone(),
                credential: self.credential,
                encoder: self.encoder.clone(),
            },
        }
    }
}

/// The service of an [`AsyncAuthLayer`].
#[derive(Clone, Debug)]
pub struct AsyncAuthService<S, V> {
    inner: S,
    layer: AsyncAuthLayer<V>,
}

/// The response future of [`AsyncAuthService`]: boxed, since it awaits a
/// validator's future, whose type cannot be named.
pub type AsyncAuthFuture<R, E> = Pin<Box<dyn Future<Output = Result<R, E>> + Send>>;

crate::layer::inner_service_accessors!(AsyncAuthService<S, V>);

impl<S, V, ReqBody, ResBody> Service<http::Request<ReqBody>> for AsyncAuthService<S, V>
where
    S: Service<http::Request<ReqBody>, Response = http::Response<ResBody>> + Clone + Send + 'static,
    S::Future: Send,
    V: AsyncTokenValidator,
    ReqBody: Send + 'static,
    ResBody: Default,
{
    type Response = http::Response<ResBody>;
    type Error = S::Error;
    type Future = AsyncAuthFuture<http::Response<ResBody>, S::Error>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut request: http::Request<ReqBody>) -> Self::Future {
        // The service that was polled ready serves this request; a clone
        // stays for the next (tower's usual swap).
        let clone = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, clone);
        let token = bearer_token(
            request
                .headers()
                .get(http::header::AUTHORIZATION)
                .map(http::HeaderValue::as_bytes),
            self.layer.credential,
        )
        .map(str::to_owned);
        let validator = self.layer.validator.clone();
        let encoder = self.layer.encoder.clone();
        Box::pin(async move {
            let checked = match token {
                Ok(token) => validator.validate(token).await,
                Err(error) => Err(error),
            };
            match checked {
                Ok(identity) => {
                    request.extensions_mut().insert(identity);
                    inner.call(request).await
                }
                Err(error) => Ok(encoder.into_status(error).into_http()),
            }
        })
    }
}
