//! `http.createServer(handler).listen(port)`: accept connections and call the handler
//! once per request.
//!
//! Node's `Server`
//! ([`lib/_http_server.js`, `Server` and `connectionListener`](https://github.com/nodejs/node/blob/v20.20.2/lib/_http_server.js))
//! accepts TCP connections, parses requests with llhttp, and emits `'request'` with a
//! fresh `(req, res)` pair. It also guards itself: `maxHeaderSize` (16 KiB, else 431),
//! `headersTimeout` (60 s to receive a head), keep-alive between requests, and
//! `server.close()` which stops accepting and lets open connections finish.
//!
//! Here hyper does the parsing and the HTTP/1.1 bookkeeping, and this module does what
//! Node's `Server` does around it:
//! 1. [`create_server`] boxes the handler once, so every request shares it;
//! 2. [`Server::listen`] binds (port 0 picks a free port), then runs an accept loop that
//!    gives each connection to hyper with Node's limits;
//! 3. for each request, `dispatch` makes the `(IncomingMessage, ServerResponse)` pair,
//!    runs the handler as its own task, and answers hyper with the head as soon as the
//!    handler sends it — the body keeps streaming behind it;
//! 4. [`Listening::close`] is `server.close()`: stop accepting, let in-flight requests
//!    finish within a bound, then cut whatever is left.

use std::convert::Infallible;
use std::error::Error;
use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use http::{Request, Response, StatusCode};
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::{TcpListener, ToSocketAddrs};
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinSet;

use crate::body::{BodyMessage, CHANNEL_CHUNKS, ResponseBody};
use crate::incoming_message::IncomingMessage;
use crate::server_response::{Head, ServerResponse};

/// What a handler may return: nothing, like Node's, or a `Result` so `?` works inside.
pub trait HandlerOutput {
    /// The outcome as a `Result`, the shape the server inspects.
    fn into_result(self) -> Result<(), BoxError>;
}

/// Any error a handler returns.
pub type BoxError = Box<dyn Error + Send + Sync>;

impl HandlerOutput for () {
    fn into_result(self) -> Result<(), BoxError> {
        Ok(())
    }
}

impl<E: Into<BoxError>> HandlerOutput for Result<(), E> {
    fn into_result(self) -> Result<(), BoxError> {
        self.map_err(Into::into)
    }
}

/// The handler after boxing: one allocation per request for its future.
type DynHandler = dyn Fn(
        IncomingMessage,
        ServerResponse,
    ) -> Pin<Box<dyn Future<Output = Result<(), BoxError>> + Send>>
    + Send
    + Sync;

// ANCHOR: request_listener
/// What the server calls for each request: Node's `'request'` listener.
///
/// Node has one shape for it, `(req, res) => …`, and Koa's `app.callback()` returns one.
/// We have two: the Node-shaped handler of chapter 1 (wrapped by [`create_server`]), and
/// Koa's [`Callback`](crate::Callback), which skips the Node pair and answers hyper with a
/// whole response. Both are a `RequestListener`, so one server runs either.
pub trait RequestListener: Send + Sync + 'static {
    /// Answers one request that came from `remote`.
    fn call(
        &self,
        request: Request<Incoming>,
        remote: Option<SocketAddr>,
    ) -> Pin<Box<dyn Future<Output = Response<ResponseBody>> + Send>>;
}

/// A Node-shaped `(req, res)` handler as a [`RequestListener`].
struct NodeListener(Arc<DynHandler>);

impl RequestListener for NodeListener {
    fn call(
        &self,
        request: Request<Incoming>,
        remote: Option<SocketAddr>,
    ) -> Pin<Box<dyn Future<Output = Response<ResponseBody>> + Send>> {
        Box::pin(dispatch(self.0.clone(), request, remote))
    }
}
// ANCHOR_END: request_listener

// ANCHOR: options
/// The limits Node's `http.Server` applies, with Node's defaults.
#[derive(Debug, Clone)]
pub struct ServerOptions {
    /// Node's `maxHeaderSize`: a request head larger than this gets `431`.
    pub max_header_size: usize,
    /// Node's `headersTimeout`: how long a client may take to send a request head, and
    /// (with hyper) how long an idle keep-alive connection may wait for the next one.
    pub headers_timeout: Duration,
    /// How long [`Listening::close`] waits for in-flight requests before cutting them.
    pub close_timeout: Duration,
}

impl Default for ServerOptions {
    fn default() -> Self {
        Self {
            max_header_size: 16 * 1024,
            headers_timeout: Duration::from_secs(60),
            close_timeout: Duration::from_secs(10),
        }
    }
}
// ANCHOR_END: options

/// A server that has a handler but does not listen yet (Node's `http.Server` before
/// `listen`).
pub struct Server {
    /// The listener every request goes to.
    listener: Arc<dyn RequestListener>,
    /// Node's limits.
    options: ServerOptions,
}

impl std::fmt::Debug for Server {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Server")
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

// ANCHOR: create_server
/// `http.createServer(handler)`: a server that calls `handler(req, res)` per request.
///
/// The handler is an async function that owns both halves. It may return `()` or a
/// `Result`; an `Err` (or a panic) before the head is sent becomes a `500`.
pub fn create_server<F, Fut>(handler: F) -> Server
where
    F: Fn(IncomingMessage, ServerResponse) -> Fut + Send + Sync + 'static,
    Fut: Future + Send + 'static,
    Fut::Output: HandlerOutput,
{
    let handler: Arc<DynHandler> = Arc::new(move |req, res| {
        let future = handler(req, res);
        Box::pin(async move { future.await.into_result() })
    });
    Server::from_listener(NodeListener(handler))
}
// ANCHOR_END: create_server

impl Server {
    /// `http.createServer(listener)` for any [`RequestListener`], such as Koa's
    /// `app.callback()`.
    pub fn from_listener(listener: impl RequestListener) -> Self {
        Server {
            listener: Arc::new(listener),
            options: ServerOptions::default(),
        }
    }

    /// Replaces every limit at once.
    pub fn with_options(mut self, options: ServerOptions) -> Self {
        self.options = options;
        self
    }

    /// `server.headersTimeout = ms`.
    pub fn headers_timeout(mut self, timeout: Duration) -> Self {
        self.options.headers_timeout = timeout;
        self
    }

    /// `maxHeaderSize`: a request head larger than this gets `431`.
    pub fn max_header_size(mut self, bytes: usize) -> Self {
        self.options.max_header_size = bytes;
        self
    }

    /// How long `close()` waits for in-flight requests.
    pub fn close_timeout(mut self, timeout: Duration) -> Self {
        self.options.close_timeout = timeout;
        self
    }

    // ANCHOR: listen
    /// `server.listen(port, host)`: binds and starts accepting. Port 0 picks a free one;
    /// read it back from [`Listening::local_addr`].
    pub async fn listen(self, addr: impl ToSocketAddrs) -> std::io::Result<Listening> {
        let listener = TcpListener::bind(addr).await?;
        let local_addr = listener.local_addr()?;
        let (stop, stopped) = oneshot::channel();
        let task = tokio::spawn(accept_loop(listener, self.listener, self.options, stopped));
        Ok(Listening {
            local_addr,
            stop,
            task,
        })
    }
    // ANCHOR_END: listen
}

/// A listening server: its address, and the way to close it.
#[derive(Debug)]
pub struct Listening {
    /// Where the server listens (the real port when 0 was asked for).
    local_addr: SocketAddr,
    /// Tells the accept loop to stop.
    stop: oneshot::Sender<()>,
    /// The accept loop, which ends once every connection has ended.
    task: tokio::task::JoinHandle<()>,
}

impl Listening {
    /// `server.address()`.
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    // ANCHOR: close
    /// `server.close()`: stop accepting, let in-flight requests finish (idle keep-alive
    /// connections close at once), and after the close timeout cut what is left.
    /// Returns when every connection is gone.
    pub async fn close(self) {
        let _ = self.stop.send(());
        let _ = self.task.await;
    }
    // ANCHOR_END: close

    /// Waits until the server stops (it only stops through [`close`](Self::close), so
    /// this is for a `main` that serves forever).
    pub async fn wait(self) {
        let _ = self.task.await;
    }
}

// ANCHOR: accept_loop
/// Accepts connections until told to stop, then shuts down gracefully.
async fn accept_loop(
    listener: TcpListener,
    request_listener: Arc<dyn RequestListener>,
    options: ServerOptions,
    mut stop: oneshot::Receiver<()>,
) {
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(options.headers_timeout)
        .max_header_size(options.max_header_size)
        .title_case_headers(true)
        // Node's server is half-open: a client may shut its sending side after the
        // request and still read the answer.
        .half_close(true);
    let graceful = GracefulShutdown::new();
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            _ = &mut stop => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, peer)) => {
                    let _ = stream.set_nodelay(true);
                    let request_listener = request_listener.clone();
                    let service = service_fn(move |request| {
                        let response = request_listener.call(request, Some(peer));
                        async move { Ok::<_, Infallible>(response.await) }
                    });
                    let connection = graceful.watch(http.serve_connection(TokioIo::new(stream), service));
                    connections.spawn(async move {
                        if let Err(error) = connection.await {
                            tracing::debug!(%error, "connection ended with an error");
                        }
                    });
                }
                Err(error) => {
                    // Out of file descriptors and the like: Node emits 'error' and goes on.
                    // Back off briefly so a persistent error does not spin a core.
                    tracing::warn!(%error, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            },
            // Reap finished connections so the set only holds live ones.
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
    drop(listener);
    if tokio::time::timeout(options.close_timeout, graceful.shutdown())
        .await
        .is_err()
    {
        tracing::warn!(
            left = connections.len(),
            "close timeout passed; cutting the remaining connections"
        );
        connections.abort_all();
    }
    while connections.join_next().await.is_some() {}
}
// ANCHOR_END: accept_loop

// ANCHOR: dispatch
/// One request: make Node's pair, run the handler, answer hyper with the head.
async fn dispatch(
    handler: Arc<DynHandler>,
    request: Request<Incoming>,
    remote: Option<SocketAddr>,
) -> Response<ResponseBody> {
    let (head, head_sent) = oneshot::channel();
    let (body, chunks) = mpsc::channel(CHANNEL_CHUNKS);
    // The server's own sender of the body channel: `End` goes down it once the handler
    // returns well, so a streamed body the handler forgot to end still ends cleanly.
    let finisher = body.clone();
    let res = ServerResponse::new(head, (body, chunks), request.method(), request.version());
    let req = IncomingMessage::with_remote(request, remote);
    let task = tokio::spawn(async move {
        let outcome = handler(req, res).await;
        match &outcome {
            Ok(()) => {
                let _ = finisher.send(BodyMessage::End).await;
            }
            Err(error) => tracing::error!(%error, "request handler failed"),
        }
        outcome
    });
    match head_sent.await {
        Ok(Head::Sent(response)) => response,
        Ok(Head::Dropped(response)) => match task.await {
            Ok(Ok(())) => response,
            Ok(Err(_)) => internal_server_error(),
            Err(join_error) => {
                tracing::error!(%join_error, "request handler panicked");
                internal_server_error()
            }
        },
        Err(_) => internal_server_error(),
    }
}
// ANCHOR_END: dispatch

// ANCHOR: internal_server_error
/// The answer when a handler fails before sending anything.
fn internal_server_error() -> Response<ResponseBody> {
    let mut response = Response::new(ResponseBody::full("Internal Server Error".into()));
    *response.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
    response.headers_mut().insert(
        http::header::CONTENT_TYPE,
        http::HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    response
}
// ANCHOR_END: internal_server_error
