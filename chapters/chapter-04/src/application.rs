//! Koa's `Application`: settings, the handler, `callback()`, `listen()` and the `'error'`
//! event.
//!
//! Mirrors [`lib/application.js` at koa 2.16.4](https://github.com/koajs/koa/blob/v2.16.4/lib/application.js)
//! (`constructor`, `use`, `callback`, `handleRequest`, `createContext`, `onerror`,
//! `toJSON`, and the module-level `respond`, which lives in `respond.rs` here).
//!
//! A Koa app is configured by assigning to it (`app.proxy = true`), gets its middleware
//! with `app.use(fn)`, and becomes a Node request listener with `app.callback()`. Ours
//! reads the same, with one Rust twist: an app is mutable while you set it up, and
//! [`callback`](Application::callback) / [`listen`](Application::listen) *consume* it
//! into an `Arc` shared by every request. After that it cannot change — which is what
//! Koa users assume anyway, and what lets requests read it without locks.
//!
//! `app.use_(fn)` adds to a [`Compose`] stack, run as koa-compose runs Koa's
//! `this.middleware` (chapter 2 had a single handler; a handler of the context alone is
//! still accepted, as a middleware that ends the chain).

use std::any::Any;
use std::future::Future;
use std::panic::AssertUnwindSafe;

use bytes::Bytes;
use futures_util::FutureExt;
use http_body::Body as _;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;

use http::{Extensions, Request as HttpRequest, Response as HttpResponse};
use hyper::body::Incoming;
use tokio::net::ToSocketAddrs;
use tokio::sync::oneshot;

use crate::body::ResponseBody;
use crate::compose::{Compose, IntoMiddleware};
use crate::context::Context;
use crate::http_errors::HttpError;
use crate::incoming_message::IncomingMessage;
use crate::keygrip::Keygrip;
use crate::request::Request;
use crate::respond::{Flow, respond};
use crate::server::{Listening, RequestListener, Server};
use crate::server_response::Head;

/// A boxed future that borrows the context for `'a`.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

// ANCHOR: handler
/// A Koa handler: an async function of the context.
///
/// Implemented for every `async fn handler(ctx: &mut Context) -> Result<(), HttpError>`
/// and for async closures that capture nothing (`async |ctx: &mut Context| { … }`).
/// A closure that captures state cannot be one: its future would borrow from the
/// closure as well as from the context, and Rust's `Fn` traits cannot say that yet.
/// Put such state on `app.context` (`app_data`) or implement this trait on a struct.
pub trait Handler: Send + Sync + 'static {
    /// Runs the handler on one request's context.
    fn call<'a>(&'a self, ctx: &'a mut Context) -> BoxFuture<'a, Result<(), HttpError>>;
}

/// The bridge that lets plain `async fn`s be [`Handler`]s: it names the future type for
/// each lifetime `'a`, which a closure bound alone cannot do.
pub trait HandlerFn<'a>: Fn(&'a mut Context) -> Self::Fut {
    /// The future the function returns for a context borrowed for `'a`.
    type Fut: Future<Output = Result<(), HttpError>> + Send + 'a;
}

impl<'a, F, Fut> HandlerFn<'a> for F
where
    F: Fn(&'a mut Context) -> Fut,
    Fut: Future<Output = Result<(), HttpError>> + Send + 'a,
{
    type Fut = Fut;
}

impl<F> Handler for F
where
    F: for<'a> HandlerFn<'a> + Send + Sync + 'static,
{
    fn call<'a>(&'a self, ctx: &'a mut Context) -> BoxFuture<'a, Result<(), HttpError>> {
        Box::pin(self(ctx))
    }
}
// ANCHOR_END: handler

/// A listener for the app's `'error'` event: the error and, when the request is still
/// there, its context (a stream that fails after the handler returned has none).
pub type ErrorListener = dyn Fn(&HttpError, Option<&Context>) + Send + Sync;

/// The settings every request reads: Koa's `app.env`, `app.proxy`, ….
#[derive(Debug, Clone)]
pub struct Settings {
    /// `app.env`: `NODE_ENV`, else `development`.
    pub env: String,
    /// `app.proxy`: trust `X-Forwarded-*` headers.
    pub proxy: bool,
    /// `app.subdomainOffset`: how many labels of the host are the domain (default 2).
    pub subdomain_offset: usize,
    /// `app.proxyIpHeader`: where a trusted proxy puts the client chain.
    pub proxy_ip_header: String,
    /// `app.maxIpsCount`: how many of those addresses to keep, from the right (0: all).
    pub max_ips_count: usize,
    /// `app.keys`: for signed cookies.
    pub keys: Option<Keygrip>,
    /// `app.silent`: do not log errors by default.
    pub silent: bool,
}

impl Default for Settings {
    fn default() -> Self {
        let env = std::env::var("NODE_ENV")
            .ok()
            .filter(|env| !env.is_empty())
            .unwrap_or_else(|| "development".to_owned());
        Self {
            env,
            proxy: false,
            subdomain_offset: 2,
            proxy_ip_header: "X-Forwarded-For".to_owned(),
            max_ips_count: 0,
            keys: None,
            silent: false,
        }
    }
}

impl Settings {
    /// `app.toJSON()`: `subdomainOffset`, `proxy` and `env`, nothing else.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "subdomainOffset": self.subdomain_offset,
            "proxy": self.proxy,
            "env": self.env,
        })
    }
}

// ANCHOR: application
/// Koa's `Application`, while it is being set up.
pub struct Application {
    /// The settings, public as Koa's are (`app.proxy = true` → `app.settings.proxy = true`).
    pub settings: Settings,
    /// `app.context`: values every context of this app can read with
    /// [`Context::app_data`].
    pub context: Extensions,
    /// `app.middleware`: the stack `app.use_` adds to; empty answers every request with
    /// Koa's default 404.
    pub middleware: Compose,
    /// `app.on('error', fn)` listeners.
    error_listeners: Vec<Box<ErrorListener>>,
}
// ANCHOR_END: application

impl std::fmt::Debug for Application {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Application")
            .field("settings", &self.settings)
            .field("error_listeners", &self.error_listeners.len())
            .finish_non_exhaustive()
    }
}

impl Default for Application {
    fn default() -> Self {
        Self::new()
    }
}

/// The parts of an app every request shares once it is listening.
pub(crate) struct AppShared {
    /// The settings (shared with every request's `Request`).
    pub(crate) settings: Arc<Settings>,
    /// `app.context`.
    pub(crate) context: Extensions,
    /// The middleware stack.
    middleware: Compose,
    /// The `'error'` listeners; empty means Koa's default logger.
    error_listeners: Vec<Box<ErrorListener>>,
}

impl Application {
    /// `new Koa()`, with Koa's defaults.
    pub fn new() -> Self {
        Self::with_settings(Settings::default())
    }

    /// `new Koa(options)`: an app with these settings, e.g.
    /// `Settings { proxy: true, ..Settings::default() }`.
    pub fn with_settings(settings: Settings) -> Self {
        Self {
            settings,
            context: Extensions::new(),
            middleware: Compose::new(),
            error_listeners: Vec::new(),
        }
    }

    // ANCHOR: use
    /// `app.use(fn)`: adds a middleware at the end of the stack; chainable. (`use` is a
    /// Rust keyword, hence the underscore.)
    pub fn use_<M>(&mut self, middleware: impl IntoMiddleware<M>) -> &mut Self {
        self.middleware.use_(middleware);
        self
    }
    // ANCHOR_END: use

    /// `app.on('error', fn)`. Any listener replaces Koa's default logger.
    pub fn on_error(
        &mut self,
        listener: impl Fn(&HttpError, Option<&Context>) + Send + Sync + 'static,
    ) -> &mut Self {
        self.error_listeners.push(Box::new(listener));
        self
    }

    /// `app.keys = [...]`: sign cookies with the first key, accept any.
    pub fn set_keys<K: AsRef<[u8]>>(&mut self, keys: &[K]) -> &mut Self {
        self.settings.keys = Keygrip::new(keys.iter().map(AsRef::as_ref)).ok();
        self
    }

    /// `app.toJSON()`.
    pub fn to_json(&self) -> serde_json::Value {
        self.settings.to_json()
    }

    /// `app.inspect()`: the same as [`to_json`](Self::to_json), as in Koa.
    pub fn inspect(&self) -> serde_json::Value {
        self.to_json()
    }

    // ANCHOR: callback
    /// `app.callback()`: a request listener for a server — ours
    /// ([`Server::from_listener`]) or any hyper server, through
    /// [`Callback::handle`].
    pub fn callback(self) -> Callback {
        Callback {
            app: Arc::new(AppShared {
                settings: Arc::new(self.settings),
                context: self.context,
                middleware: self.middleware,
                error_listeners: self.error_listeners,
            }),
        }
    }

    /// `app.listen(addr)`: `http.createServer(app.callback()).listen(addr)`.
    pub async fn listen(self, addr: impl ToSocketAddrs) -> std::io::Result<Listening> {
        Server::from_listener(self.callback()).listen(addr).await
    }
    // ANCHOR_END: callback
}

// ANCHOR: emit_error
impl AppShared {
    /// `app.emit('error', err, ctx)`, with Koa's default listener when there is none.
    pub(crate) fn emit_error(&self, err: &HttpError, ctx: Option<&Context>) {
        if self.error_listeners.is_empty() {
            self.default_onerror(err);
        }
        for listener in &self.error_listeners {
            listener(err, ctx);
        }
    }

    /// Koa's `app.onerror`: quiet for 404s and exposed (client) errors, and when
    /// `silent`; otherwise the error and its causes on stderr, indented by two spaces.
    fn default_onerror(&self, err: &HttpError) {
        if err.status == 404 || err.expose || self.settings.silent {
            return;
        }
        eprintln!("\n{}\n", indent(&render_error(err)));
    }
}
// ANCHOR_END: emit_error

/// An error as Koa's logger prints `err.stack`: `Name: message`, then each cause.
///
/// An error that came in through `?` has the error it was made from as its source and
/// that error's text as its message; that first cause is not repeated.
pub fn render_error(err: &HttpError) -> String {
    let mut text = format!("{}: {}", err.name, err.message);
    let mut source = err
        .source()
        .map(|s| s as &(dyn std::error::Error + 'static));
    if let Some(first) = source
        && first.to_string() == err.message
    {
        source = first.source();
    }
    while let Some(cause) = source {
        text.push_str(&format!("\n    caused by: {cause}"));
        source = cause.source();
    }
    text
}

/// Two spaces before every line, as Koa's logger does.
fn indent(text: &str) -> String {
    text.lines()
        .map(|line| format!("  {line}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// `app.callback()`'s result: turns hyper requests into contexts and runs the app.
#[derive(Clone)]
pub struct Callback {
    /// The app, shared by every request.
    app: Arc<AppShared>,
}

impl std::fmt::Debug for Callback {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Callback")
            .field("settings", &self.app.settings)
            .finish_non_exhaustive()
    }
}

impl Callback {
    // ANCHOR: handle_request
    /// `handleRequest`: one request through the app, to the response hyper sends.
    ///
    /// Most requests run to the end here and hand hyper a complete response. When the
    /// handler sends the head early (`ctx.flush_headers()` or writing to `ctx.res()`),
    /// hyper gets that head at once and the rest of the request carries on as a task of
    /// its own, streaming the body behind it — as Node would.
    pub async fn handle(
        &self,
        request: HttpRequest<Incoming>,
        remote: Option<SocketAddr>,
    ) -> HttpResponse<ResponseBody> {
        self.handle_message(IncomingMessage::with_remote(request, remote))
            .await
    }

    /// [`handle`](Self::handle) for a request already wrapped as Node's `req`.
    pub async fn handle_message(&self, req: IncomingMessage) -> HttpResponse<ResponseBody> {
        let (raw_head, raw_head_sent) = oneshot::channel();
        let request = Request::new(req, self.app.settings.clone());
        let ctx = Context::new(self.app.clone(), request, raw_head);
        let mut pipeline = Box::pin(run(self.app.clone(), ctx));
        let mut raw_head_sent = raw_head_sent;
        tokio::select! {
            biased;
            flow = &mut pipeline => match flow {
                Flow::Response(response) => response,
                // The handler wrote to Node's `res`; its head is (or will be) in the channel.
                Flow::Raw => head_from_raw(raw_head_sent.await),
            },
            head = &mut raw_head_sent => {
                tokio::spawn(pipeline);
                head_from_raw(head)
            }
        }
    }
    // ANCHOR_END: handle_request
}

impl Callback {
    /// `app.createContext(req, res)` for a request made in memory, as Koa's own tests
    /// build contexts without a socket. The remote address is `127.0.0.1`, like theirs.
    pub fn create_context(&self, request: HttpRequest<Bytes>) -> Context {
        let (raw_head, _) = oneshot::channel();
        let req =
            IncomingMessage::from_memory(request, Some(SocketAddr::from(([127, 0, 0, 1], 0))));
        Context::new(
            self.app.clone(),
            Request::new(req, self.app.settings.clone()),
            raw_head,
        )
    }

    /// Sends one request made in memory through the app and collects the answer — the
    /// whole round trip without a socket (what `supertest` gives Koa's tests). The status
    /// line and headers are hyper's response as it would go on the wire, minus what hyper
    /// adds itself (`Date`, `Content-Length` from a known body size).
    pub async fn request(&self, request: HttpRequest<Bytes>) -> HttpResponse<Bytes> {
        let req =
            IncomingMessage::from_memory(request, Some(SocketAddr::from(([127, 0, 0, 1], 0))));
        let response = self.handle_message(req).await;
        let (parts, body) = response.into_parts();
        let bytes = http_body_util::BodyExt::collect(body)
            .await
            .map(|collected| collected.to_bytes())
            .unwrap_or_default();
        HttpResponse::from_parts(parts, bytes)
    }
}

/// The response Node's `res` produced, or an empty 500 if it vanished without one.
fn head_from_raw(head: Result<Head, oneshot::error::RecvError>) -> HttpResponse<ResponseBody> {
    match head {
        Ok(Head::Sent(response) | Head::Dropped(response)) => {
            let (parts, body) = response.into_parts();
            // A body of known size cannot be cut short; only a streamed one needs care.
            let body = if http_body::Body::size_hint(&body).exact().is_some() {
                body
            } else {
                ResponseBody::stream_of(Box::pin(HeadFirst {
                    body,
                    failed: false,
                }))
            };
            HttpResponse::from_parts(parts, body)
        }
        Err(_) => {
            let mut response = HttpResponse::new(ResponseBody::empty());
            *response.status_mut() = http::StatusCode::INTERNAL_SERVER_ERROR;
            response
        }
    }
}

/// A streamed body from Node's `res` that lets hyper send the head before it fails.
///
/// When a handler fails right after `ctx.flush_headers()`, the body is already broken
/// by the time hyper first asks it for data; hyper would then drop the connection with
/// the head still in its buffer, and the client would see nothing at all. Koa's client
/// gets the head (and then waits for a body that never ends). So the failure is held
/// back by one poll: the body answers "not yet" (and asks to be polled again), hyper
/// flushes the head — it always flushes after a body says "not yet" — and the next
/// poll hands over the failure, which cuts the connection.
struct HeadFirst {
    /// The body as Node's `res` produced it.
    body: ResponseBody,
    /// The body failed, and hyper has had one chance to flush the head since.
    failed: bool,
}

impl futures_util::Stream for HeadFirst {
    type Item = Result<Bytes, std::io::Error>;

    fn poll_next(
        mut self: Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Self::Item>> {
        use std::task::Poll;
        if self.failed {
            return Poll::Ready(Some(Err(std::io::Error::other(crate::BodyAborted))));
        }
        match Pin::new(&mut self.body).poll_frame(cx) {
            Poll::Ready(Some(Ok(frame))) => match frame.into_data() {
                Ok(data) => Poll::Ready(Some(Ok(data))),
                // Node's `res` sends no trailers; skip anything else.
                Err(_) => {
                    cx.waker().wake_by_ref();
                    Poll::Pending
                }
            },
            Poll::Ready(Some(Err(_))) => {
                self.failed = true;
                cx.waker().wake_by_ref();
                Poll::Pending
            }
            Poll::Ready(None) => Poll::Ready(None),
            Poll::Pending => Poll::Pending,
        }
    }
}

// ANCHOR: run
/// The middleware stack, then `respond()`, with every error through `ctx.onerror`.
///
/// A middleware that panics is treated as Koa treats middleware that throws something
/// that is not an `Error` (`throw 'boom'`): panicking is the only way a Rust middleware
/// can end without returning one of its errors.
async fn run(app: Arc<AppShared>, mut ctx: Context) -> Flow {
    let outcome = AssertUnwindSafe(app.middleware.run(&mut ctx))
        .catch_unwind()
        .await
        .unwrap_or_else(|payload| Err(non_error_thrown(payload.as_ref())));
    let flow = match outcome {
        Ok(()) => respond(&mut ctx).await,
        Err(err) => Err(err),
    };
    match flow {
        Ok(flow) => {
            ctx.finish_raw().await;
            flow
        }
        Err(err) => {
            if ctx.onerror(err) {
                crate::respond::error_response(&mut ctx).await
            } else {
                // The head is out: cut the connection rather than end a broken body.
                ctx.abandon_raw();
                Flow::Raw
            }
        }
    }
}

/// `ctx.onerror`'s wrapping of a thrown value that is not an error: a plain `Error`
/// (a 500, not exposed) whose message is `non-error thrown: ` and the value as JSON, as
/// Koa writes it. A panic's message is a string (`"boom"`, quotes included); a
/// `serde_json::Value` given to `std::panic::panic_any` is written as it is.
fn non_error_thrown(payload: &(dyn Any + Send)) -> HttpError {
    let json = if let Some(text) = payload.downcast_ref::<&str>() {
        serde_json::Value::from(*text).to_string()
    } else if let Some(text) = payload.downcast_ref::<String>() {
        serde_json::Value::from(text.as_str()).to_string()
    } else if let Some(value) = payload.downcast_ref::<serde_json::Value>() {
        value.to_string()
    } else {
        // JavaScript's `%j` prints a value JSON cannot show (a function) as `undefined`.
        "undefined".to_owned()
    };
    let mut err = HttpError::from_message(format!("non-error thrown: {json}"));
    err.name = "Error".to_owned();
    err
}
// ANCHOR_END: run

impl RequestListener for Callback {
    fn call(
        &self,
        request: HttpRequest<Incoming>,
        remote: Option<SocketAddr>,
    ) -> BoxFuture<'static, HttpResponse<ResponseBody>> {
        let callback = self.clone();
        Box::pin(async move { callback.handle(request, remote).await })
    }
}
