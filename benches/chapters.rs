//! Criterion benches that compare the chapters with each other and with their peers.
//!
//! Each group asks one question of several servers, all started in one run on loopback
//! (`127.0.0.1:0`) inside one tokio runtime, so the ratios between them are meaningful on
//! a noisy machine. Every iteration sends one request on a persistent keep-alive
//! connection (hyper's low-level client, `hyper::client::conn::http1::handshake`) and
//! checks the answer, so a broken server fails the bench instead of looking fast.
//!
//! - `hello`: `GET /` → `200 Hello World`. `hello/bare-hyper` is a hyper `service_fn`
//!   with nothing around it, the floor; `hello/chapter-NN` is chapter NN's hello.
//! - `router`: one lookup among 10, 100 and 1,000 routes (`/r{i}/:id`, the last one
//!   asked for): chapter 04's index alone, the index plus the parameter captures of
//!   the layer found (what a request needs, and what matchit's `at` also does), the
//!   naive scan Koa's router does, and matchit.
//! - `middleware-depth`: chapter 03's app with N pass-through layers before the hello
//!   layer, run in memory (`Callback::request`, no socket) so that only the stack is
//!   measured. The cost per layer is `(t(N) − t(0)) / N`.
//!
//! A new chapter adds one line to [`HELLO`] (and its start function); a new question
//! adds a group next to [`hello`]. Run with `cargo bench --bench chapters` (or
//! `cargo bench --bench chapters -- hello/` for one group).

use std::any::Any;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use bytes::Bytes;
use criterion::{Criterion, criterion_group, criterion_main};
use http_body_util::{BodyExt, Empty, Full};
use hyper::client::conn::http1::SendRequest;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use tokio::net::{TcpListener, TcpStream};
use tokio::runtime::Runtime;

/// The body every hello server answers with.
const HELLO_BODY: &[u8] = b"Hello World";

/// A server under test: where it listens, and what keeps it alive until dropped.
struct Running {
    /// The loopback address it bound (port 0 picked a free one).
    addr: SocketAddr,
    /// Dropping this stops the server (an aborted task, a `Listening`, …).
    _guard: Box<dyn Any>,
}

/// Starts a server inside the bench runtime.
type Start = fn(&Runtime) -> Running;

/// The servers of the `hello` group, in the order they are measured.
const HELLO: &[(&str, Start)] = &[
    ("bare-hyper", bare_hyper_hello),
    ("chapter-01", chapter_01_hello),
    ("chapter-02", chapter_02_hello),
    ("chapter-03", chapter_03_hello),
    ("chapter-04", chapter_04_hello),
];

/// The depths of the `middleware-depth` group.
const DEPTHS: &[usize] = &[0, 1, 8, 32, 256, 1024];

/// Aborts a spawned task when dropped.
struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// The floor: hyper's `http1` server and a `service_fn`, nothing else.
fn bare_hyper_hello(rt: &Runtime) -> Running {
    rt.block_on(async {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("local addr");
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let _ = stream.set_nodelay(true);
                tokio::spawn(async move {
                    let service = hyper::service::service_fn(|_req| async {
                        Ok::<_, Infallible>(Response::new(Full::new(Bytes::from_static(
                            HELLO_BODY,
                        ))))
                    });
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        });
        Running {
            addr,
            _guard: Box::new(AbortOnDrop(task)),
        }
    })
}

/// Chapter 01's hello: `create_server(|req, res| res.end("Hello World"))`.
fn chapter_01_hello(rt: &Runtime) -> Running {
    use chapter_01::{IncomingMessage, ServerResponse, create_server};
    rt.block_on(async {
        let server = create_server(
            |_req: IncomingMessage, mut res: ServerResponse| async move {
                res.end(Bytes::from_static(HELLO_BODY)).await
            },
        );
        let listening = server.listen("127.0.0.1:0").await.expect("listen");
        Running {
            addr: listening.local_addr(),
            _guard: Box::new(listening),
        }
    })
}

/// Chapter 02's hello: a Koa app whose one handler sets `ctx.body`.
fn chapter_02_hello(rt: &Runtime) -> Running {
    async fn hello(ctx: &mut chapter_02::Context) -> Result<(), chapter_02::HttpError> {
        ctx.set_body(Bytes::from_static(HELLO_BODY));
        Ok(())
    }
    rt.block_on(async {
        let mut app = chapter_02::Application::new();
        app.use_(hello);
        let listening = app.listen("127.0.0.1:0").await.expect("listen");
        Running {
            addr: listening.local_addr(),
            _guard: Box::new(listening),
        }
    })
}

/// Chapter 03's hello: the same, as the one middleware of a koa-compose stack.
fn chapter_03_hello(rt: &Runtime) -> Running {
    rt.block_on(async {
        let listening = chapter_03_app(0)
            .listen("127.0.0.1:0")
            .await
            .expect("listen");
        Running {
            addr: listening.local_addr(),
            _guard: Box::new(listening),
        }
    })
}

/// Chapter 04's hello: the same app on the newest chapter.
fn chapter_04_hello(rt: &Runtime) -> Running {
    async fn hello(ctx: &mut chapter_04::Context) -> Result<(), chapter_04::HttpError> {
        ctx.set_body(Bytes::from_static(HELLO_BODY));
        Ok(())
    }
    rt.block_on(async {
        let mut app = chapter_04::Application::new();
        app.use_(hello);
        let listening = app.listen("127.0.0.1:0").await.expect("listen");
        Running {
            addr: listening.local_addr(),
            _guard: Box::new(listening),
        }
    })
}

/// A chapter 03 app: `depth` pass-through layers, then a layer that answers hello.
fn chapter_03_app(depth: usize) -> chapter_03::Application {
    use chapter_03::{Context, HttpError, Next};
    async fn pass(ctx: &mut Context, next: Next<'_>) -> Result<(), HttpError> {
        next.run(ctx).await
    }
    async fn hello(ctx: &mut Context, _next: Next<'_>) -> Result<(), HttpError> {
        ctx.set_body(Bytes::from_static(HELLO_BODY));
        Ok(())
    }
    let mut app = chapter_03::Application::new();
    for _ in 0..depth {
        app.use_(pass);
    }
    app.use_(hello);
    app
}

/// `middleware-depth/N`: one in-memory request through N pass-through layers.
fn middleware_depth(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let mut g = c.benchmark_group("middleware-depth");
    for &depth in DEPTHS {
        let callback = chapter_03_app(depth).callback();
        g.bench_function(depth.to_string(), |b| {
            b.iter_custom(|iters| {
                rt.block_on(async {
                    let started = Instant::now();
                    for _ in 0..iters {
                        let request = Request::get("/").body(Bytes::new()).expect("request");
                        let response = callback.request(request).await;
                        assert_eq!(response.body().as_ref(), HELLO_BODY);
                    }
                    started.elapsed()
                })
            })
        });
    }
    g.finish();
}

/// `router/*`: route lookup against matchit and the naive scan.
fn router(c: &mut Criterion) {
    use chapter_04::router::{MatchedIndices, Router};
    use http::Method;
    async fn endpoint(_ctx: &mut chapter_04::Context) -> Result<(), chapter_04::HttpError> {
        Ok(())
    }
    let mut g = c.benchmark_group("router");
    for n in [10usize, 100, 1000] {
        let mut ours = Router::new();
        let mut theirs = matchit::Router::new();
        for i in 0..n {
            ours.get(format!("/r{i}/:id").as_str(), endpoint)
                .expect("a valid route");
            theirs
                .insert(format!("/r{i}/{{id}}"), i)
                .expect("a valid matchit route");
        }
        let table = ours.table();
        let path = format!("/r{}/42", n - 1);
        let mut matched = MatchedIndices::default();
        g.bench_function(format!("index/{n}"), |b| {
            b.iter(|| {
                table.match_indices_into(std::hint::black_box(&path), &Method::GET, &mut matched);
                assert_eq!(matched.path_and_method.len(), 1);
            })
        });
        g.bench_function(format!("index+captures/{n}"), |b| {
            b.iter(|| {
                table.match_indices_into(std::hint::black_box(&path), &Method::GET, &mut matched);
                let layer = &table.stack()[matched.path_and_method[0]];
                let captures = layer.captures(&path);
                assert_eq!(captures.len(), 1);
            })
        });
        g.bench_function(format!("naive/{n}"), |b| {
            b.iter(|| {
                let found = table.match_indices_naive(std::hint::black_box(&path), &Method::GET);
                assert_eq!(found.path_and_method.len(), 1);
            })
        });
        g.bench_function(format!("matchit/{n}"), |b| {
            b.iter(|| {
                let found = theirs.at(std::hint::black_box(&path)).expect("a match");
                assert_eq!(found.params.get("id"), Some("42"));
            })
        });
    }
    g.finish();
}

/// Opens one keep-alive connection to `addr`.
async fn connect(addr: SocketAddr) -> SendRequest<Empty<Bytes>> {
    let stream = TcpStream::connect(addr).await.expect("connect");
    let _ = stream.set_nodelay(true);
    let (sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .expect("handshake");
    tokio::spawn(async move {
        let _ = connection.await;
    });
    sender
}

/// One `GET path` on the connection; checks the status and the body.
async fn get(sender: &mut SendRequest<Empty<Bytes>>, path: &str, expect_body: &[u8]) {
    sender.ready().await.expect("connection ready");
    let request = Request::get(path)
        .header("host", "127.0.0.1")
        .body(Empty::new())
        .expect("request");
    let response = sender.send_request(request).await.expect("response");
    assert_eq!(response.status(), 200, "GET {path}");
    let body = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes();
    assert_eq!(&body[..], expect_body, "GET {path}");
}

/// Measures one request per iteration against each server of a group.
fn bench_servers(
    c: &mut Criterion,
    group: &str,
    servers: &[(&str, Start)],
    path: &str,
    body: &[u8],
) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let mut g = c.benchmark_group(group);
    for (name, start) in servers {
        let running = start(&rt);
        let mut sender = rt.block_on(connect(running.addr));
        g.bench_function(*name, |b| {
            b.iter_custom(|iters| {
                rt.block_on(async {
                    let started = Instant::now();
                    for _ in 0..iters {
                        get(&mut sender, path, body).await;
                    }
                    started.elapsed()
                })
            })
        });
        drop(sender);
        // Dropping inside the runtime lets a server's own teardown run there.
        rt.block_on(async move { drop(running) });
    }
    g.finish();
    rt.shutdown_timeout(Duration::from_secs(5));
}

/// `hello/*`: the smallest possible request, on every server.
fn hello(c: &mut Criterion) {
    bench_servers(c, "hello", HELLO, "/", HELLO_BODY);
}

/// Criterion's entry points (the macro generates an undocumented `pub fn`).
#[allow(missing_docs)]
mod groups {
    use super::*;
    criterion_group!(benches, hello, middleware_depth, router);
}

criterion_main!(groups::benches);
