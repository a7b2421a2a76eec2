//! Property: no request path, however built, gets a body that is not the content of a
//! file inside the static root.
//!
//! The world is a temporary directory with a root `www/` beside an `outside/`
//! directory and a few files next to the root (`www-evil.txt`, `www.br`, `www.html`, a
//! parent `secret.txt`) that naive string handling would reach. Inside the root are
//! ordinary files, a hidden one, names with `ä` and `\`, a `.gz` sibling, and symlinks:
//! one staying inside, several leading out (relative, absolute, to a directory, a `.br`
//! sibling of `hello.txt`, a directory link up two levels) and a loop. Everything
//! outside holds text starting with `OUTSIDE`.
//!
//! Two properties:
//!
//! - `send` called directly with *arbitrary strings* (NUL, backslashes, unicode, every
//!   kind of dot and slash, escaped or not) and random options: a served file's bytes
//!   are those of a regular file found under the root without following links, its
//!   real path is under the root's real path, and a hidden file is served only when
//!   `hidden` is on; every refusal is a 400, 403, 404 or 500 (the loop, or an empty
//!   path) and leaves the
//!   body empty;
//! - the same over a real socket through [`Static`], with request targets made of
//!   escaped and unescaped path pieces: a 200's body is the content of a file inside.
//!
//! And one plain test that proves the links out really do lead to readable files
//! outside — so refusing them means something — and that each is refused.

use std::collections::HashSet;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use bytes::Bytes;
use chapter_04::send::{SendOptions, send};
use chapter_04::static_files::Static;
use chapter_04::{Application, Body, Callback, Listening};
use futures_util::StreamExt;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// A directory under the system's temporary directory, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> Self {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!(
            "yolk-ch04-static-prop-{tag}-{}-{n}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temp dir");
        Self(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The world the properties run in.
struct World {
    /// Removed when the world goes.
    dir: TempDir,
    /// `www/`.
    root: PathBuf,
    /// `www/`'s real path.
    real_root: PathBuf,
    /// The content of every regular file under the root (links not followed).
    inside: HashSet<Vec<u8>>,
    /// The content of the hidden file.
    hidden: Vec<u8>,
}

fn write(path: &Path, text: &str) {
    std::fs::write(path, text).unwrap();
}

fn link(target: impl AsRef<Path>, at: &Path) {
    std::os::unix::fs::symlink(target, at).unwrap();
}

impl World {
    fn new() -> Self {
        let dir = TempDir::new("world");
        let base = dir.0.clone();
        let root = base.join("www");
        let outside = base.join("outside");
        for d in [&root, &root.join("sub"), &outside] {
            std::fs::create_dir_all(d).unwrap();
        }
        write(&outside.join("secret.txt"), "OUTSIDE: secret");
        write(&outside.join("index.html"), "OUTSIDE: index");
        write(&base.join("secret.txt"), "OUTSIDE: parent secret");
        write(
            &base.join("www-evil.txt"),
            "OUTSIDE: sibling with the root's prefix",
        );
        write(&base.join("www.br"), "OUTSIDE: the root plus .br");
        write(&base.join("www.gz"), "OUTSIDE: the root plus .gz");
        write(&base.join("www.html"), "OUTSIDE: the root plus .html");

        write(&root.join("hello.txt"), "inside: hello");
        write(&root.join("index.html"), "inside: root index");
        write(&root.join("sub/inner.txt"), "inside: inner");
        write(&root.join("sub/index.html"), "inside: sub index");
        write(&root.join(".hidden"), "inside: hidden");
        write(&root.join("ä.txt"), "inside: umlaut");
        write(&root.join("back\\slash"), "inside: backslash");
        write(&root.join("C:x"), "inside: colon");
        write(&root.join("data.json"), "inside: data");
        write(&root.join("data.json.gz"), "inside: data, gz sibling");

        link("hello.txt", &root.join("link-in"));
        link("../outside/secret.txt", &root.join("link-out"));
        link(outside.join("secret.txt"), &root.join("abs-out"));
        link("../outside", &root.join("dir-out"));
        link("../outside/secret.txt", &root.join("hello.txt.br"));
        link("../outside/secret.txt", &root.join("data.json.br"));
        link("..", &root.join("sub/up"));
        link("../..", &root.join("sub/escape"));
        link("loop2", &root.join("loop1"));
        link("loop1", &root.join("loop2"));

        let mut inside = HashSet::new();
        collect_files(&root, &mut inside);
        let real_root = std::fs::canonicalize(&root).unwrap();
        World {
            dir,
            root,
            real_root,
            inside,
            hidden: b"inside: hidden".to_vec(),
        }
    }
}

/// Every regular file's bytes under `dir`, symlinks not followed.
fn collect_files(dir: &Path, into: &mut HashSet<Vec<u8>>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let entry = entry.unwrap();
        let kind = entry.file_type().unwrap();
        if kind.is_dir() {
            collect_files(&entry.path(), into);
        } else if kind.is_file() {
            into.insert(std::fs::read(entry.path()).unwrap());
        }
    }
}

/// Path pieces that mean something to one rule or another, as raw text.
const RAW_PIECES: &[&str] = &[
    "..",
    ".",
    "",
    "...",
    "..\\..",
    "\\",
    "\\..",
    "..\\",
    "/",
    "//",
    "\0",
    "C:",
    "c:\\",
    "C:/",
    "%2e%2e",
    "%2E%2E",
    ".%2e",
    "%2e",
    "%2f",
    "%2F",
    "%5c",
    "%5C",
    "..%2f",
    "..%5c",
    "%00",
    "%252e%252e",
    "%",
    "%zz",
    "%C0%AE",
    "%C3%A4.txt",
    "ä.txt",
    "back\\slash",
    "back%5cslash",
    "C:x",
    "hello.txt",
    "hello",
    "sub",
    "inner.txt",
    "index.html",
    ".hidden",
    "%2ehidden",
    "link-in",
    "link-out",
    "abs-out",
    "dir-out",
    "secret.txt",
    "outside",
    "www",
    "www-evil.txt",
    "up",
    "escape",
    "loop1",
    "data.json",
    "data",
    "~",
    "*",
    "%20",
    "?x=1",
    "#f",
    "\u{202e}",
    "ñ/../..",
];

/// One raw piece: a known one, or a few random characters of any kind.
fn raw_piece() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::sample::select(RAW_PIECES).prop_map(str::to_owned),
        1 => "[./\\\\%a-z0-9\\x00ä:]{0,6}",
        1 => any::<String>().prop_map(|s| s.chars().take(6).collect()),
    ]
}

/// A path for `send`: pieces joined with `/`, maybe a leading or trailing `/`.
fn raw_path() -> impl Strategy<Value = String> {
    (
        any::<bool>(),
        prop::collection::vec(raw_piece(), 0..6),
        any::<bool>(),
    )
        .prop_map(|(lead, pieces, trail)| {
            let mut path = if lead { "/".to_owned() } else { String::new() };
            path.push_str(&pieces.join("/"));
            if trail {
                path.push('/');
            }
            path
        })
}

/// Random options, and an `Accept-Encoding` (or none).
fn options_and_accept() -> impl Strategy<Value = (Knobs, Option<&'static str>)> {
    (
        any::<(bool, bool, bool, bool, bool, bool)>(),
        prop::sample::select(vec![
            None,
            Some("br"),
            Some("gzip"),
            Some("br, gzip"),
            Some("*"),
        ]),
    )
        .prop_map(
            |((index, extensions, hidden, format, brotli, gzip), accept)| {
                (
                    Knobs {
                        index,
                        extensions,
                        hidden,
                        format,
                        brotli,
                        gzip,
                    },
                    accept,
                )
            },
        )
}

/// Which options are on.
#[derive(Debug, Clone, Copy)]
struct Knobs {
    index: bool,
    extensions: bool,
    hidden: bool,
    format: bool,
    brotli: bool,
    gzip: bool,
}

impl Knobs {
    fn options(self, root: &Path) -> SendOptions {
        SendOptions::new(root)
            .index(self.index.then_some("index.html"))
            .extensions(if self.extensions {
                &["txt", "html", ".json"]
            } else {
                &[]
            })
            .hidden(self.hidden)
            .format(self.format)
            .brotli(self.brotli)
            .gzip(self.gzip)
    }
}

/// What `send` did with one path, checked against the world.
/// Returns whether a file was served.
async fn check_send(
    world: &World,
    callback: &Callback,
    path: &str,
    knobs: Knobs,
    accept: Option<&str>,
) -> Result<bool, TestCaseError> {
    let mut request = http::Request::builder()
        .uri("/")
        .header("host", "localhost");
    if let Some(accept) = accept {
        request = request.header("accept-encoding", accept);
    }
    let mut ctx = callback.create_context(request.body(Bytes::new()).unwrap());
    let outcome = send(&mut ctx, path, &knobs.options(&world.root)).await;
    match outcome {
        Ok(Some(served)) => {
            let Body::File(file) = ctx.response.take_body() else {
                return Err(TestCaseError::fail("served without a file body"));
            };
            prop_assert_eq!(&file.path, &served);
            let real = std::fs::canonicalize(&served).unwrap();
            prop_assert!(
                real.starts_with(&world.real_root),
                "{:?} served {:?}, really {:?}",
                path,
                served,
                real
            );
            let mut bytes = Vec::new();
            let mut stream = file.stream;
            while let Some(chunk) = stream.next().await {
                bytes.extend_from_slice(&chunk.unwrap());
            }
            prop_assert_eq!(bytes.len() as u64, file.len);
            prop_assert!(
                world.inside.contains(&bytes),
                "{:?} served {:?}",
                path,
                String::from_utf8_lossy(&bytes)
            );
            if !knobs.hidden {
                prop_assert_ne!(&bytes, &world.hidden, "{:?} served the hidden file", path);
            }
            return Ok(true);
        }
        Ok(None) => prop_assert!(ctx.response.body().is_none()),
        Err(err) => {
            prop_assert!(
                [400, 403, 404, 500].contains(&err.status),
                "{:?}: {}",
                path,
                err.status
            );
            prop_assert!(ctx.response.body().is_none());
            let root = world.dir.0.to_string_lossy();
            prop_assert!(!err.message.contains(root.as_ref()), "{}", err.message);
            if err.status == 500 {
                // The loop, or koa-send's `pathname required` for an empty path.
                prop_assert!(
                    path.is_empty() || path.contains("loop"),
                    "{:?}: unexpected 500",
                    path
                );
            }
        }
    }
    Ok(false)
}

#[test]
fn send_never_serves_a_file_outside_the_root() {
    let world = World::new();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let callback = Application::new().callback();
    let mut runner = TestRunner::new(Config {
        cases: 2000,
        failure_persistence: None,
        ..Config::default()
    });
    let served = AtomicUsize::new(0);
    runner
        .run(
            &(raw_path(), options_and_accept()),
            |(path, (knobs, accept))| {
                if runtime.block_on(check_send(&world, &callback, &path, knobs, accept))? {
                    served.fetch_add(1, Ordering::Relaxed);
                }
                Ok(())
            },
        )
        .unwrap();
    // Not vacuous: a good share of the paths do reach a file.
    let served = served.into_inner();
    assert!(served >= 50, "only {served} of 2000 paths served a file");
}

/// Path pieces safe to put in a request line as they are.
const WIRE_PIECES: &[&str] = &[
    "..",
    ".",
    "",
    "%2e%2e",
    "%2E%2e",
    ".%2e",
    "%2e",
    "%2f",
    "%2F",
    "%5c",
    "%5C",
    "..%2f",
    "..%5c",
    "%5c..",
    "%00",
    "C:",
    "C:%5c",
    "%252e%252e",
    "%",
    "%zz",
    "%C0%AE",
    "%C3%A4.txt",
    "back%5cslash",
    "C:x",
    "hello.txt",
    "sub",
    "inner.txt",
    "index.html",
    ".hidden",
    "link-in",
    "link-out",
    "abs-out",
    "dir-out",
    "secret.txt",
    "outside",
    "www",
    "www-evil.txt",
    "up",
    "escape",
    "loop1",
    "data.json",
    "data",
    "~",
    "%20",
    "\\",
    "..\\..",
];

fn wire_target() -> impl Strategy<Value = String> {
    (
        prop::collection::vec(
            prop_oneof![
                4 => prop::sample::select(WIRE_PIECES).prop_map(str::to_owned),
                1 => "[./%a-z0-9]{0,6}",
            ],
            0..6,
        ),
        any::<bool>(),
    )
        .prop_map(|(pieces, trail)| {
            let mut target = format!("/{}", pieces.join("/"));
            if trail && !target.ends_with('/') {
                target.push('/');
            }
            target
        })
}

/// Sends `GET target` and returns the status and body (bounded wait).
async fn wire_get(addr: SocketAddr, target: &str, accept: Option<&str>) -> (u16, Vec<u8>) {
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let mut request = format!("GET {target} HTTP/1.1\r\nHost: localhost\r\n");
    if let Some(accept) = accept {
        request.push_str(&format!("Accept-Encoding: {accept}\r\n"));
    }
    request.push_str("Connection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut raw = Vec::new();
    tokio::time::timeout(
        std::time::Duration::from_secs(10),
        stream.read_to_end(&mut raw),
    )
    .await
    .expect("an answer in time")
    .ok();
    let end = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a head");
    let head = String::from_utf8_lossy(&raw[..end]).into_owned();
    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
    let chunked = head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked");
    let mut body = raw[end + 4..].to_vec();
    if chunked {
        body = dechunk(&body);
    }
    (status, body)
}

/// Removes chunked framing.
fn dechunk(mut rest: &[u8]) -> Vec<u8> {
    let mut body = Vec::new();
    loop {
        let Some(line_end) = rest.windows(2).position(|w| w == b"\r\n") else {
            return body;
        };
        let size = std::str::from_utf8(&rest[..line_end])
            .ok()
            .and_then(|s| usize::from_str_radix(s.trim(), 16).ok())
            .unwrap_or(0);
        rest = &rest[line_end + 2..];
        if size == 0 || rest.len() < size {
            return body;
        }
        body.extend_from_slice(&rest[..size]);
        rest = &rest[(size + 2).min(rest.len())..];
    }
}

#[test]
fn requests_never_get_a_file_outside_the_root() {
    let world = World::new();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let servers: Vec<(Knobs, Listening)> = runtime.block_on(async {
        let mut servers = Vec::new();
        for knobs in [
            Knobs {
                index: true,
                extensions: false,
                hidden: false,
                format: true,
                brotli: true,
                gzip: true,
            },
            Knobs {
                index: false,
                extensions: true,
                hidden: true,
                format: false,
                brotli: true,
                gzip: true,
            },
        ] {
            let options = knobs.options(&world.root);
            let mut serve = Static::new(&world.root)
                .unwrap()
                .index(options.index.as_deref())
                .hidden(knobs.hidden)
                .format(knobs.format);
            if knobs.extensions {
                serve = serve.extensions(&["txt", "html", ".json"]);
            }
            let mut app = Application::new();
            app.settings.silent = true;
            app.use_(serve);
            servers.push((knobs, app.listen("127.0.0.1:0").await.unwrap()));
        }
        servers
    });
    let served = AtomicUsize::new(0);
    let mut runner = TestRunner::new(Config {
        cases: 400,
        failure_persistence: None,
        ..Config::default()
    });
    runner
        .run(
            &(
                wire_target(),
                0..servers.len(),
                prop::sample::select(vec![None, Some("br"), Some("gzip, br")]),
            ),
            |(target, which, accept)| {
                let (knobs, server) = &servers[which];
                let (status, body) =
                    runtime.block_on(wire_get(server.local_addr(), &target, accept));
                if status == 200 {
                    served.fetch_add(1, Ordering::Relaxed);
                    prop_assert!(
                        world.inside.contains(&body),
                        "{:?} got {:?}",
                        target,
                        String::from_utf8_lossy(&body)
                    );
                    if !knobs.hidden {
                        prop_assert_ne!(&body, &world.hidden);
                    }
                } else {
                    prop_assert!(
                        !String::from_utf8_lossy(&body).contains("OUTSIDE"),
                        "{:?}",
                        target
                    );
                }
                Ok(())
            },
        )
        .unwrap();
    let served = served.into_inner();
    assert!(served >= 10, "only {served} of 400 requests got a file");
    runtime.block_on(async {
        for (_, server) in servers {
            server.close().await;
        }
    });
}

#[test]
fn every_link_out_of_the_root_leads_somewhere_real_and_is_refused() {
    let world = World::new();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let callback = Application::new().callback();
    for (path, outside) in [
        ("link-out", "OUTSIDE: secret"),
        ("abs-out", "OUTSIDE: secret"),
        ("dir-out/secret.txt", "OUTSIDE: secret"),
        ("dir-out/index.html", "OUTSIDE: index"),
        ("hello.txt.br", "OUTSIDE: secret"),
        ("sub/escape/secret.txt", "OUTSIDE: parent secret"),
        ("sub/escape/outside/secret.txt", "OUTSIDE: secret"),
    ] {
        // Following the link by hand does reach the outside file…
        let through_link = std::fs::read_to_string(world.root.join(path)).unwrap();
        assert_eq!(through_link, outside, "{path}");
        // …and `send` refuses it, with a plain 404.
        let ctx_request = http::Request::builder()
            .uri("/")
            .header("accept-encoding", "br")
            .body(Bytes::new())
            .unwrap();
        let mut ctx = callback.create_context(ctx_request);
        let options = SendOptions::new(&world.root).index(Some("index.html"));
        let err = runtime
            .block_on(send(&mut ctx, &format!("/{path}"), &options))
            .expect_err(path);
        assert_eq!(
            (err.status, err.message.as_str()),
            (404, "Not Found"),
            "{path}"
        );
        assert!(ctx.response.body().is_none(), "{path}");
    }
    // A directory link out with a trailing slash: its index is outside too.
    let mut ctx = callback.create_context(http::Request::new(Bytes::new()));
    let options = SendOptions::new(&world.root).index(Some("index.html"));
    let err = runtime
        .block_on(send(&mut ctx, "/dir-out/", &options))
        .unwrap_err();
    assert_eq!(err.status, 404);
    // The `.br` link out is skipped, not served and not an error: the plain file goes.
    let request = http::Request::builder()
        .uri("/")
        .header("accept-encoding", "br")
        .body(Bytes::new())
        .unwrap();
    let mut ctx = callback.create_context(request);
    let served = runtime
        .block_on(send(&mut ctx, "/hello.txt", &SendOptions::new(&world.root)))
        .unwrap()
        .unwrap();
    assert_eq!(served, world.root.join("hello.txt"));
    assert_eq!(ctx.response.get("Content-Encoding"), "");
    // Links that stay inside are served, even through a directory link.
    for path in ["/link-in", "/sub/up/hello.txt"] {
        let mut ctx = callback.create_context(http::Request::new(Bytes::new()));
        let served = runtime
            .block_on(send(&mut ctx, path, &SendOptions::new(&world.root)))
            .unwrap();
        assert!(served.is_some(), "{path}");
    }
}
