//! [`OnePort`]: gRPC, gRPC-Web and REST on one port, each request logged
//! once, by the layer that understands it.

use std::convert::Infallible;
use std::task::{Context, Poll};

use axum::extract::Request;
use axum::response::{IntoResponse, Response};
use axum::routing::future::RouteFuture;
use axum::routing::Route;
use axum::Router;
use http::header::CONTENT_TYPE;
use tonic::service::Routes;
use tower_layer::Layer;
use tower_service::Service;

use super::HttpErrors;
use crate::layer::{CatchPanicLayer, LogLayer};
use crate::StatusEncoder;

/// A server's gRPC services and REST routes on one port, as one
/// `axum::Router` for `axum::serve`:
///
/// - a request whose `content-type` is `application/grpc…` (gRPC, and
///   gRPC-Web's `application/grpc-web…`) goes to the gRPC services, behind
///   (outermost first) tonic-web's `GrpcWebLayer` (feature `grpc-web`),
///   the server [`LogLayer`], your layers ([`OnePort::grpc_layer`]) and
///   [`CatchPanicLayer`]; a method no service
///   has is tonic's `UNIMPLEMENTED`, logged by the same layer;
/// - any other request goes to the REST routes, behind the
///   [`HttpErrorLayer`](super::HttpErrorLayer), with the catalog's
///   [`fallback`](super::fallback) for what no route matches (a REST
///   router's own fallback is replaced);
/// - a CORS layer, if set ([`OnePort::cors`], such as
///   [`grpc_web_cors`](super::grpc_web_cors)), is outside both.
///
/// Each RPC is logged once, with its gRPC code, on `csghub_errorx::server`;
/// each REST request once, with its HTTP status, on `csghub_errorx::http`.
/// Merging the two routers instead gets three things wrong: an
/// `HttpErrorLayer` around gRPC logs every failed RPC as `request succeeded
/// … status_code=200` (gRPC errors travel in HTTP 200); a REST fallback
/// panics at run time (`Cannot merge two Routers that both have a
/// fallback`: tonic's routes have one); and with the fallback set after
/// the layers, unknown routes are answered and never logged.
///
/// ```no_run
/// use csghub_errorx::http::{HttpErrors, OnePort};
/// use csghub_errorx::layer::LogLayer;
/// use csghub_errorx_demo::{DemoServer, DemoService};
///
/// # async fn serve() -> Result<(), Box<dyn std::error::Error>> {
/// let app = OnePort::new(tonic::service::Routes::new(DemoServer::new(DemoService::new())))
///     .rest(csghub_errorx_demo::http::router())
///     .http_errors(HttpErrors::new())
///     .log_layer(LogLayer::server())
///     .into_router();
/// let listener = tokio::net::TcpListener::bind("127.0.0.1:50051").await?;
/// axum::serve(listener, app).await?;
/// # Ok(())
/// # }
/// ```
pub struct OnePort {
    grpc: Routes,
    /// Layers for the gRPC side, innermost first.
    grpc_layers: Vec<Box<dyn FnOnce(Router) -> Router + Send>>,
    rest: Router,
    log: LogLayer,
    errors: HttpErrors,
    catch_panics: bool,
    #[cfg(feature = "grpc-web")]
    grpc_web: bool,
    #[cfg(feature = "grpc-web")]
    cors: Option<tower_http::cors::CorsLayer>,
}

impl OnePort {
    /// The gRPC services `grpc`, no REST routes (every other request gets
    /// the catalog's 404), [`LogLayer::server`], the default
    /// [`HttpErrors`], panics caught, and gRPC-Web on (feature `grpc-web`).
    pub fn new(grpc: Routes) -> OnePort {
        OnePort {
            grpc,
            grpc_layers: Vec::new(),
            rest: Router::new(),
            log: LogLayer::server(),
            errors: HttpErrors::new(),
            catch_panics: true,
            #[cfg(feature = "grpc-web")]
            grpc_web: true,
            #[cfg(feature = "grpc-web")]
            cors: None,
        }
    }

    /// Sets the REST routes (handlers returning [`Error`](crate::Error),
    /// this crate's extractors).
    pub fn rest(mut self, routes: Router) -> OnePort {
        self.rest = routes;
        self
    }

    /// Adds a tower layer around the gRPC services (gRPC and gRPC-Web),
    /// inside the log layer, so that the log layer sees what it answers:
    /// an [`AsyncAuthLayer`](crate::auth::AsyncAuthLayer), a rate limit,
    /// tower-http's `TraceLayer`. The layer added last is the outermost.
    ///
    /// ```
    /// use csghub_errorx::auth::{invalid_token, AsyncAuthLayer};
    /// use csghub_errorx::http::OnePort;
    /// use csghub_errorx_demo::{DemoServer, DemoService};
    ///
    /// let auth = AsyncAuthLayer::token(|token: String| async move {
    ///     if token == "s3cret" { Ok("alice".to_string()) } else { Err(invalid_token()) }
    /// });
    /// let app = OnePort::new(tonic::service::Routes::new(DemoServer::new(DemoService::new())))
    ///     .grpc_layer(auth)
    ///     .into_router();
    /// ```
    pub fn grpc_layer<L>(mut self, layer: L) -> OnePort
    where
        L: Layer<Route> + Clone + Send + Sync + 'static,
        L::Service: Service<Request> + Clone + Send + Sync + 'static,
        <L::Service as Service<Request>>::Response: IntoResponse + 'static,
        <L::Service as Service<Request>>::Error: Into<Infallible> + 'static,
        <L::Service as Service<Request>>::Future: Send + 'static,
    {
        self.grpc_layers
            .push(Box::new(move |router: Router| router.layer(layer)));
        self
    }

    /// Sets the gRPC side's log layer (levels, metrics, spans, encoder).
    pub fn log_layer(mut self, layer: LogLayer) -> OnePort {
        self.log = layer;
        self
    }

    /// Sets how REST errors are rendered and logged.
    pub fn http_errors(mut self, errors: HttpErrors) -> OnePort {
        self.errors = errors;
        self
    }

    /// Gives both sides `encoder` (domain, budget, `DebugInfo`, reference
    /// links), so that gRPC and REST answer alike: on the log layer and
    /// the `HttpErrors` set so far.
    pub fn encoder(mut self, encoder: StatusEncoder) -> OnePort {
        self.log = self.log.encoder(encoder.clone());
        self.errors = self.errors.encoder(encoder);
        self
    }

    /// Whether a handler's panic is answered as `SYS-ERR-0` for its RPC
    /// alone ([`CatchPanicLayer`], on by default).
    pub fn catch_panics(mut self, yes: bool) -> OnePort {
        self.catch_panics = yes;
        self
    }

    /// Whether gRPC-Web requests are translated (tonic-web's
    /// `GrpcWebLayer`, on by default): the trailers go into the body, or
    /// stay headers in a trailers-only response, and the layers inside see
    /// plain gRPC.
    #[cfg(feature = "grpc-web")]
    pub fn grpc_web(mut self, yes: bool) -> OnePort {
        self.grpc_web = yes;
        self
    }

    /// Puts `cors` outside everything: for pages on other origins, usually
    /// [`grpc_web_cors`](super::grpc_web_cors).
    #[cfg(feature = "grpc-web")]
    pub fn cors(mut self, cors: tower_http::cors::CorsLayer) -> OnePort {
        self.cors = Some(cors);
        self
    }

    /// The router to serve, with `axum::serve` (HTTP/1.1 for gRPC-Web and
    /// REST, HTTP/2 for gRPC: axum's `http1` and `http2` features).
    pub fn into_router(self) -> Router {
        let mut grpc = self.grpc.prepare().into_axum_router();
        if self.catch_panics {
            grpc = grpc.layer(CatchPanicLayer::new());
        }
        for add in self.grpc_layers {
            grpc = add(grpc);
        }
        // The layer passes the router's own (infallible) error through.
        grpc = grpc.layer(self.log);
        #[cfg(feature = "grpc-web")]
        if self.grpc_web {
            grpc = grpc.layer(tonic_web::GrpcWebLayer::new());
        }
        let rest = self
            .rest
            .fallback(super::fallback)
            .layer(self.errors.into_layer());
        let app = Router::new().fallback_service(ByContentType { grpc, rest });
        #[cfg(feature = "grpc-web")]
        if let Some(cors) = self.cors {
            return app.layer(cors);
        }
        app
    }
}

impl std::fmt::Debug for OnePort {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OnePort")
            .field("grpc", &self.grpc)
            .field("grpc_layers", &self.grpc_layers.len())
            .field("rest", &self.rest)
            .field("log", &self.log)
            .field("errors", &self.errors)
            .field("catch_panics", &self.catch_panics)
            .finish_non_exhaustive()
    }
}

/// Sends gRPC and gRPC-Web requests to one router, the rest to the other.
#[derive(Clone)]
struct ByContentType {
    grpc: Router,
    rest: Router,
}

impl Service<Request> for ByContentType {
    type Response = Response;
    type Error = Infallible;
    type Future = RouteFuture<Infallible>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        // A router is always ready.
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: Request) -> RouteFuture<Infallible> {
        let is_grpc = request
            .headers()
            .get(CONTENT_TYPE)
            .is_some_and(|v| v.as_bytes().starts_with(b"application/grpc"));
        if is_grpc {
            Service::call(&mut self.grpc, request)
        } else {
            Service::call(&mut self.rest, request)
        }
    }
}
