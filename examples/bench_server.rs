//! The Rust servers that `yolk bench` loads, one per process:
//!
//! ```text
//! bench-server --server NAME --listen ADDR
//! ```
//!
//! It prints `listening on http://ADDR` once the socket is bound and serves until SIGINT
//! or SIGTERM. The servers, each written the way a user of that library would write it:
//!
//! | `--server` | what it is | answers |
//! |---|---|---|
//! | `bare-hyper` | hyper's `http1` connection and a `service_fn`, routing by hand: the floor | `/` → `Hello World`; `/users/<id>` → `{"id":"<id>"}` |
//! | `axum-hello` | axum's `Router` with one `get` route | `/` → `Hello World` |
//! | `axum-users` | axum's `Router`, `Path` and `Json` | `/users/{id}` → `{"id":"<id>"}` |
//! | `chapter-01-hello` | chapter 01's `create_server`, Node's `http.createServer` | `Hello World` |
//! | `chapter-02-hello` | chapter 02's Koa `Application` with one handler | `Hello World` |
//! | `chapter-03-hello` | chapter 03's Koa `Application`, one koa-compose middleware | `Hello World` |
//!
//! Every server runs on the same runtime, built by [`runtime`]: tokio's multi-thread
//! runtime with its defaults, that is one worker thread per CPU the process may use.
//! `yolk bench` starts each server under `taskset -c 0`, so each gets exactly one worker
//! thread (plus the main thread, which only waits for the stop signal). Every server
//! sets `TCP_NODELAY` on its connections, as the chapters' servers and Node's do.
//!
//! Run one by hand: `cargo run --release --example bench-server -- --server axum-hello
//! --listen 127.0.0.1:3000`.

use std::convert::Infallible;
use std::process::ExitCode;

use axum::serve::ListenerExt as _;
use bytes::Bytes;
use http_body_util::Full;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;

/// The body of every hello server.
const HELLO: &str = "Hello World";

/// The names `--server` accepts, in the order `--help` lists them.
const SERVERS: &[&str] = &[
    "bare-hyper",
    "bare-hyper-limits",
    "axum-hello",
    "axum-users",
    "chapter-01-hello",
    "chapter-02-hello",
    "chapter-03-hello",
    "chapter-04-hello",
];

fn main() -> ExitCode {
    let (server, listen) = match parse_args(std::env::args().skip(1)) {
        Ok(parsed) => parsed,
        Err(message) => {
            eprintln!("bench-server: {message}");
            eprintln!(
                "usage: bench-server --server NAME --listen ADDR\n  NAME: {}",
                SERVERS.join(", ")
            );
            return ExitCode::from(2);
        }
    };
    let runtime = match runtime() {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("bench-server: starting the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(serve(&server, &listen)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("bench-server: {server} on {listen}: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The one runtime configuration every server shares: tokio's multi-thread runtime with
/// its defaults (as `#[tokio::main]` builds it).
fn runtime() -> std::io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
}

/// `--server NAME --listen ADDR`, both required.
fn parse_args(args: impl Iterator<Item = String>) -> Result<(String, String), String> {
    let (mut server, mut listen) = (None, None);
    let mut args = args;
    while let Some(arg) = args.next() {
        let slot = match arg.as_str() {
            "--server" => &mut server,
            "--listen" => &mut listen,
            other => return Err(format!("unexpected argument {other:?}")),
        };
        *slot = Some(args.next().ok_or(format!("{arg} needs a value"))?);
    }
    let server = server.ok_or("--server is required")?;
    if !SERVERS.contains(&server.as_str()) {
        return Err(format!("unknown server {server:?}"));
    }
    Ok((server, listen.ok_or("--listen is required")?))
}

/// Starts `server` on `addr`, prints where it listens, serves until told to stop.
async fn serve(server: &str, addr: &str) -> std::io::Result<()> {
    let stop = stop_signal()?;
    match server {
        "bare-hyper" | "bare-hyper-limits" => {
            let listener = TcpListener::bind(addr).await?;
            announce(listener.local_addr()?);
            let limits = server == "bare-hyper-limits";
            tokio::select! {
                () = bare_hyper(listener, limits) => {}
                () = stop => {}
            }
        }
        "axum-hello" | "axum-users" => {
            let listener = TcpListener::bind(addr).await?;
            announce(listener.local_addr()?);
            let router = if server == "axum-hello" {
                axum_hello()
            } else {
                axum_users()
            };
            axum::serve(
                listener.tap_io(|tcp| {
                    let _ = tcp.set_nodelay(true);
                }),
                router,
            )
            .with_graceful_shutdown(stop)
            .await?;
        }
        "chapter-01-hello" => {
            use chapter_01::{IncomingMessage, ServerResponse, create_server};
            let server = create_server(
                |_req: IncomingMessage, mut res: ServerResponse| async move { res.end(HELLO).await },
            );
            let listening = server.listen(addr).await?;
            announce(listening.local_addr());
            stop.await;
            listening.close().await;
        }
        "chapter-02-hello" => {
            async fn hello(ctx: &mut chapter_02::Context) -> Result<(), chapter_02::HttpError> {
                ctx.set_body(HELLO);
                Ok(())
            }
            let mut app = chapter_02::Application::new();
            app.use_(hello);
            let listening = app.listen(addr).await?;
            announce(listening.local_addr());
            stop.await;
            listening.close().await;
        }
        "chapter-03-hello" => {
            async fn hello(ctx: &mut chapter_03::Context) -> Result<(), chapter_03::HttpError> {
                ctx.set_body(HELLO);
                Ok(())
            }
            let mut app = chapter_03::Application::new();
            app.use_(hello);
            let listening = app.listen(addr).await?;
            announce(listening.local_addr());
            stop.await;
            listening.close().await;
        }
        "chapter-04-hello" => {
            async fn hello(ctx: &mut chapter_04::Context) -> Result<(), chapter_04::HttpError> {
                ctx.set_body(HELLO);
                Ok(())
            }
            let mut app = chapter_04::Application::new();
            app.use_(hello);
            let listening = app.listen(addr).await?;
            announce(listening.local_addr());
            stop.await;
            listening.close().await;
        }
        other => unreachable!("parse_args accepts only known servers, not {other:?}"),
    }
    Ok(())
}

/// The line `yolk bench` and people wait for.
fn announce(addr: std::net::SocketAddr) {
    println!("listening on http://{addr}");
}

/// Resolves on SIGINT or SIGTERM. The handlers are installed before anything listens, so
/// a stop that comes right after `listening on …` is not missed.
fn stop_signal() -> std::io::Result<impl Future<Output = ()>> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut interrupt = signal(SignalKind::interrupt())?;
    let mut terminate = signal(SignalKind::terminate())?;
    Ok(async move {
        tokio::select! {
            _ = interrupt.recv() => {}
            _ = terminate.recv() => {}
        }
    })
}

/// The floor: accept, one task per connection, hyper's `http1` and a `service_fn`.
///
/// With `limits`, hyper gets exactly the connection settings the chapters give it for
/// Node's limits (a header-read timer, a 16 KiB head, Title-Case names, half-open
/// connections): the difference between the two bare rows is what those settings cost,
/// and the rest of a chapter's difference is the framework's.
async fn bare_hyper(listener: TcpListener, limits: bool) {
    let mut http = hyper::server::conn::http1::Builder::new();
    if limits {
        http.timer(hyper_util::rt::TokioTimer::new())
            .header_read_timeout(std::time::Duration::from_secs(60))
            .max_header_size(16 * 1024)
            .title_case_headers(true)
            .half_close(true);
    }
    loop {
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            Err(_) => continue,
        };
        let _ = stream.set_nodelay(true);
        let http = http.clone();
        tokio::spawn(async move {
            let _ = http
                .serve_connection(TokioIo::new(stream), hyper::service::service_fn(route))
                .await;
        });
    }
}

/// Bare hyper's routing, by hand: `/`, `/users/<id>`, or 404.
async fn route(
    request: Request<hyper::body::Incoming>,
) -> Result<Response<Full<Bytes>>, Infallible> {
    let path = request.uri().path();
    let (content_type, body) = if path == "/" {
        (
            "text/plain; charset=utf-8",
            Bytes::from_static(HELLO.as_bytes()),
        )
    } else if let Some(id) = path
        .strip_prefix("/users/")
        .filter(|id| !id.is_empty() && !id.contains('/'))
    {
        let mut json = String::with_capacity(id.len() + 10);
        json.push_str("{\"id\":\"");
        push_json_escaped(&mut json, id);
        json.push_str("\"}");
        ("application/json", Bytes::from(json))
    } else {
        let mut response = Response::new(Full::new(Bytes::from_static(b"Not Found")));
        *response.status_mut() = StatusCode::NOT_FOUND;
        return Ok(response);
    };
    let mut response = Response::new(Full::new(body));
    response.headers_mut().insert(
        hyper::header::CONTENT_TYPE,
        hyper::header::HeaderValue::from_static(content_type),
    );
    Ok(response)
}

/// Appends `text` as the inside of a JSON string. A path segment cannot hold control
/// characters or spaces unescaped, but `"` and `\` can reach here.
fn push_json_escaped(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if u32::from(c) < 0x20 => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
}

/// axum's hello.
fn axum_hello() -> axum::Router {
    axum::Router::new().route("/", axum::routing::get(|| async { HELLO }))
}

/// axum's `/users/{id}` → JSON.
fn axum_users() -> axum::Router {
    use axum::Json;
    use axum::extract::Path;
    axum::Router::new().route(
        "/users/{id}",
        axum::routing::get(|Path(id): Path<String>| async move {
            Json(serde_json::json!({ "id": id }))
        }),
    )
}
