//! `yolk serve`: build the book with `mdbook-driver`, then serve it with our own server.
//!
//! The book is served by the framework it teaches (`DESIGN.md` §1). Until a chapter grows
//! static-file middleware (koa-static / koa-send semantics, chapter 3), this module is the
//! static-file handler, written on top of the newest chapter's Node-shaped server
//! (chapter 1's `create_server(handler).listen(addr)`). It mirrors what
//! [koa-send 5.0](https://github.com/koajs/send/blob/v5.0.1/index.js) (function `send`) and
//! [resolve-path 1.4](https://github.com/pillarjs/resolve-path/blob/v1.4.0/index.js)
//! (function `resolvePath`) do for Koa, in our own shape:
//!
//! 1. Only `GET` and `HEAD` are served; anything else is `405` with `Allow: GET, HEAD`.
//! 2. The request path is split into segments and each segment is percent-decoded on its
//!    own, so an encoded slash (`%2f`) stays *inside* a segment where it is refused rather
//!    than becoming a separator. A segment that decodes to `.` or `..`, or holds `/`, `\`,
//!    `:` or NUL, or is not UTF-8, or has a broken `%` escape, makes the request a `400`.
//!    Because every segment is a plain file name, joining them under the root can never
//!    climb out of it. (koa-send decodes the whole path first and lets resolve-path
//!    answer `403` for a `..` climb and `400 Malicious Path` for an absolute path or a
//!    NUL; we refuse all of them alike with `400`.)
//! 3. As a second guard, the file found is canonicalized (resolving symbolic links) and
//!    must still lie under the canonical root, or the answer is `404`.
//! 4. `/` and directories serve their `index.html`; a directory named without its trailing
//!    slash is redirected (`301`) to the slash form so relative links in the page work.
//! 5. `Content-Type` comes from the file extension (`mime_guess`), with `charset=utf-8`
//!    for text; a missing file is `404`, with mdBook's own `404.html` page when present.

use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use bytes::Bytes;
use chapter_01::{IncomingMessage, Listening, ResponseError, ServerResponse, create_server};

/// The address `yolk serve` listens on unless `--listen` says otherwise.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:3000";

/// The book's root directory (holding `book.toml`), fixed at compile time.
pub fn book_dir() -> PathBuf {
    crate::chapters::workspace_root().join("book")
}

/// Why a request path was refused before touching the file system.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reject {
    /// Not an origin-form target (`/…`), e.g. `*` or `http://host/…`.
    NotOriginForm,
    /// A `%` not followed by two hex digits.
    BadEscape,
    /// A segment that is not UTF-8 once decoded.
    NotUtf8,
    /// A segment that would escape or confuse the path: `.`, `..`, or one holding
    /// `/`, `\`, `:` or NUL once decoded.
    Traversal,
}

/// A request path, checked and decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CleanPath {
    /// The decoded segments; each is a plain file name (no separators, not `.`/`..`).
    pub segments: Vec<String>,
    /// The segments as the client sent them (still percent-encoded), for redirects.
    pub raw_segments: Vec<String>,
    /// Whether the path ended with `/` (or was `/`).
    pub trailing_slash: bool,
    /// The query string including its `?`, or empty.
    pub query: String,
}

fn hex(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Percent-decodes one path segment into bytes.
fn percent_decode(segment: &str) -> Result<Vec<u8>, Reject> {
    let bytes = segment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hi = bytes.get(i + 1).copied().and_then(hex);
            let lo = bytes.get(i + 2).copied().and_then(hex);
            match (hi, lo) {
                (Some(hi), Some(lo)) => out.push(hi << 4 | lo),
                _ => return Err(Reject::BadEscape),
            }
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    Ok(out)
}

/// Splits and decodes a request target (`/a/b%20c/?q`) into plain file-name segments.
///
/// Empty segments (`//`) are dropped. See the module documentation for what is refused.
pub fn clean_path(target: &str) -> Result<CleanPath, Reject> {
    let end = target.find(['?', '#']).unwrap_or(target.len());
    let (path, rest) = target.split_at(end);
    let query = if rest.starts_with('?') {
        rest.split('#').next().unwrap_or("").to_owned()
    } else {
        String::new()
    };
    let Some(path) = path.strip_prefix('/') else {
        return Err(Reject::NotOriginForm);
    };
    let trailing_slash = path.is_empty() || path.ends_with('/');
    let mut segments = Vec::new();
    let mut raw_segments = Vec::new();
    for raw in path.split('/').filter(|s| !s.is_empty()) {
        let decoded = String::from_utf8(percent_decode(raw)?).map_err(|_| Reject::NotUtf8)?;
        if decoded == "." || decoded == ".." || decoded.contains(['/', '\\', ':', '\0']) {
            return Err(Reject::Traversal);
        }
        segments.push(decoded);
        raw_segments.push(raw.to_owned());
    }
    Ok(CleanPath {
        segments,
        raw_segments,
        trailing_slash,
        query,
    })
}

/// What a request target maps to under the served directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// Serve this file (canonical, under the root).
    File(PathBuf),
    /// A directory asked for without its trailing slash: redirect to this location.
    Redirect(String),
    /// Nothing to serve there.
    NotFound,
    /// The path was refused before looking at the disk.
    BadRequest(Reject),
}

/// A directory served over HTTP; resolves request targets to files inside it.
#[derive(Debug, Clone)]
pub struct StaticRoot {
    root: PathBuf,
}

impl StaticRoot {
    /// Opens a directory for serving (it is canonicalized once, here).
    pub fn new(dir: impl AsRef<Path>) -> io::Result<StaticRoot> {
        let root = dir.as_ref().canonicalize()?;
        if !root.is_dir() {
            return Err(io::Error::new(
                io::ErrorKind::NotADirectory,
                format!("{} is not a directory", root.display()),
            ));
        }
        Ok(StaticRoot { root })
    }

    /// The canonical directory being served.
    pub fn path(&self) -> &Path {
        &self.root
    }

    /// Maps a request target onto a file under the root (see the module documentation).
    pub fn resolve(&self, target: &str) -> Target {
        let clean = match clean_path(target) {
            Ok(clean) => clean,
            Err(reject) => return Target::BadRequest(reject),
        };
        let mut path = self.root.clone();
        path.extend(&clean.segments);
        let Ok(meta) = std::fs::metadata(&path) else {
            return Target::NotFound;
        };
        let file = if meta.is_dir() {
            if !clean.trailing_slash {
                let mut location = String::from("/");
                for raw in &clean.raw_segments {
                    location.push_str(raw);
                    location.push('/');
                }
                location.push_str(&clean.query);
                return Target::Redirect(location);
            }
            path.join("index.html")
        } else if meta.is_file() && !clean.trailing_slash {
            path
        } else {
            return Target::NotFound;
        };
        self.guard(&file)
    }

    /// The second guard: the canonical file must be a regular file under the root.
    fn guard(&self, file: &Path) -> Target {
        match file.canonicalize() {
            Ok(real) if real.starts_with(&self.root) && real.is_file() => Target::File(real),
            _ => Target::NotFound,
        }
    }
}

/// The `Content-Type` for a file, by extension; text types say they are UTF-8.
pub fn content_type(path: &Path) -> String {
    let mime = mime_guess::from_path(path).first_or_octet_stream();
    let essence = mime.essence_str();
    let is_text = mime.type_() == mime_guess::mime::TEXT
        || matches!(
            essence,
            "application/javascript" | "application/json" | "image/svg+xml"
        );
    if is_text {
        format!("{essence}; charset=utf-8")
    } else {
        essence.to_owned()
    }
}

async fn read_file(path: PathBuf) -> io::Result<Vec<u8>> {
    tokio::task::spawn_blocking(move || std::fs::read(path))
        .await
        .map_err(io::Error::other)?
}

async fn send(
    res: &mut ServerResponse,
    head: bool,
    status: u16,
    content_type: &str,
    body: Bytes,
) -> Result<(), ResponseError> {
    res.status_code = status;
    res.set_header("Content-Type", content_type)?;
    res.set_header("Content-Length", body.len().to_string())?;
    res.set_header("X-Content-Type-Options", "nosniff")?;
    res.end(if head { Bytes::new() } else { body }).await
}

async fn send_text(
    res: &mut ServerResponse,
    head: bool,
    status: u16,
    text: &'static str,
) -> Result<(), ResponseError> {
    send(
        res,
        head,
        status,
        "text/plain; charset=utf-8",
        Bytes::from_static(text.as_bytes()),
    )
    .await
}

/// Answers one request from a [`StaticRoot`].
pub async fn handle(
    root: &StaticRoot,
    req: IncomingMessage,
    mut res: ServerResponse,
) -> Result<(), ResponseError> {
    let method = req.method();
    let head = *method == http::Method::HEAD;
    if *method != http::Method::GET && !head {
        res.set_header("Allow", "GET, HEAD")?;
        return send_text(&mut res, false, 405, "Method Not Allowed\n").await;
    }
    match root.resolve(&req.url()) {
        Target::BadRequest(_) => send_text(&mut res, head, 400, "Bad Request\n").await,
        Target::Redirect(location) => {
            res.set_header("Location", location)?;
            send_text(&mut res, head, 301, "Moved Permanently\n").await
        }
        Target::NotFound => {
            let page = root.path().join("404.html");
            match read_file(page).await {
                Ok(bytes) => {
                    let html = "text/html; charset=utf-8";
                    send(&mut res, head, 404, html, Bytes::from(bytes)).await
                }
                Err(_) => send_text(&mut res, head, 404, "Not Found\n").await,
            }
        }
        Target::File(path) => {
            let content_type = content_type(&path);
            match read_file(path).await {
                Ok(bytes) => send(&mut res, head, 200, &content_type, Bytes::from(bytes)).await,
                Err(_) => send_text(&mut res, head, 404, "Not Found\n").await,
            }
        }
    }
}

/// Starts serving `dir` on `addr` (port 0 allowed) and returns the listening handle.
pub async fn serve_dir(dir: &Path, addr: &str) -> io::Result<Listening> {
    let root = Arc::new(StaticRoot::new(dir)?);
    let server = create_server(move |req: IncomingMessage, res: ServerResponse| {
        let root = Arc::clone(&root);
        async move { handle(&root, req, res).await }
    });
    server.listen(addr).await
}

/// Builds the book at `book_root` with `mdbook-driver` into its configured build
/// directory (`book/build`) and returns that directory.
pub fn build_book(book_root: &Path) -> Result<PathBuf, String> {
    let book = mdbook_driver::MDBook::load(book_root)
        .map_err(|e| format!("loading the book at {}: {e:#}", book_root.display()))?;
    book.build()
        .map_err(|e| format!("building the book at {}: {e:#}", book_root.display()))?;
    Ok(book.build_dir_for("html"))
}

/// Waits for the process to be asked to stop: Ctrl-C, or SIGTERM on Unix.
///
/// The handlers are installed when this is created, not when it is first polled, so a
/// signal that arrives right after `serving the book at …` is printed is not missed.
struct ShutdownSignal {
    #[cfg(unix)]
    interrupt: tokio::signal::unix::Signal,
    #[cfg(unix)]
    terminate: tokio::signal::unix::Signal,
}

impl ShutdownSignal {
    fn install() -> io::Result<ShutdownSignal> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            Ok(ShutdownSignal {
                interrupt: signal(SignalKind::interrupt())?,
                terminate: signal(SignalKind::terminate())?,
            })
        }
        #[cfg(not(unix))]
        {
            Ok(ShutdownSignal {})
        }
    }

    async fn recv(mut self) {
        #[cfg(unix)]
        {
            tokio::select! {
                _ = self.interrupt.recv() => {}
                _ = self.terminate.recv() => {}
            }
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}

/// `yolk serve`: builds the book, serves it on `addr` until Ctrl-C, then closes gracefully.
pub fn run(addr: &str) -> Result<(), String> {
    let out = build_book(&book_dir())?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("starting the runtime: {e}"))?;
    runtime.block_on(async {
        let shutdown =
            ShutdownSignal::install().map_err(|e| format!("installing signal handlers: {e}"))?;
        let listening = serve_dir(&out, addr)
            .await
            .map_err(|e| format!("listening on {addr}: {e}"))?;
        println!("serving the book at http://{}", listening.local_addr());
        shutdown.recv().await;
        eprintln!("closing: finishing requests in flight");
        listening.close().await;
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// A scratch tree: `TMP/root/{index.html, a.css, sub/index.html, empty/}` and a file
    /// outside the root, `TMP/secret.txt`, plus (on Unix) a link `root/leak` → the secret.
    struct Scratch {
        base: PathBuf,
        root: StaticRoot,
    }

    impl Scratch {
        fn new() -> Scratch {
            static N: AtomicUsize = AtomicUsize::new(0);
            let base = std::env::temp_dir().join(format!(
                "yolk-serve-test-{}-{}",
                std::process::id(),
                N.fetch_add(1, Ordering::Relaxed)
            ));
            let root = base.join("root");
            std::fs::create_dir_all(root.join("sub")).unwrap();
            std::fs::create_dir_all(root.join("empty")).unwrap();
            std::fs::write(root.join("index.html"), "<h1>home</h1>").unwrap();
            std::fs::write(root.join("a.css"), "a{}").unwrap();
            std::fs::write(root.join("sub/index.html"), "<h1>sub</h1>").unwrap();
            std::fs::write(base.join("secret.txt"), "secret").unwrap();
            #[cfg(unix)]
            std::os::unix::fs::symlink(base.join("secret.txt"), root.join("leak")).unwrap();
            let root = StaticRoot::new(&root).unwrap();
            Scratch { base, root }
        }
    }

    impl Drop for Scratch {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.base);
        }
    }

    fn file(s: &Scratch, rel: &str) -> Target {
        Target::File(s.root.path().join(rel))
    }

    #[test]
    fn index_pages_and_files_resolve() {
        let s = Scratch::new();
        assert_eq!(s.root.resolve("/"), file(&s, "index.html"));
        assert_eq!(s.root.resolve("/?x=1"), file(&s, "index.html"));
        assert_eq!(s.root.resolve("/a.css"), file(&s, "a.css"));
        assert_eq!(s.root.resolve("/%61.css"), file(&s, "a.css"));
        assert_eq!(s.root.resolve("//a.css"), file(&s, "a.css"));
        assert_eq!(s.root.resolve("/sub/"), file(&s, "sub/index.html"));
        assert_eq!(
            s.root.resolve("/sub/index.html"),
            file(&s, "sub/index.html")
        );
    }

    #[test]
    fn directories_without_a_slash_redirect_to_a_local_path() {
        let s = Scratch::new();
        assert_eq!(s.root.resolve("/sub"), Target::Redirect("/sub/".into()));
        assert_eq!(
            s.root.resolve("/sub?q=1"),
            Target::Redirect("/sub/?q=1".into())
        );
        // `//sub` must not become the protocol-relative `//sub/` (an open redirect).
        assert_eq!(s.root.resolve("//sub"), Target::Redirect("/sub/".into()));
    }

    #[test]
    fn missing_things_are_not_found() {
        let s = Scratch::new();
        assert_eq!(s.root.resolve("/nope.html"), Target::NotFound);
        assert_eq!(s.root.resolve("/empty/"), Target::NotFound);
        assert_eq!(s.root.resolve("/a.css/"), Target::NotFound);
    }

    #[test]
    fn escapes_are_refused() {
        let s = Scratch::new();
        for bad in [
            "/../secret.txt",
            "/sub/../../secret.txt",
            "/%2e%2e/secret.txt",
            "/%2E%2e/secret.txt",
            "/.%2e/secret.txt",
            "/..%2fsecret.txt",
            "/..%2Fsecret.txt",
            "/..%5csecret.txt",
            "/..\\secret.txt",
            "/%00",
            "/./index.html",
            "/C:%5cwindows",
            "/%zz",
            "/%",
            "/%ff",
            "secret.txt",
            "*",
            "http://example.com/index.html",
        ] {
            assert!(
                matches!(s.root.resolve(bad), Target::BadRequest(_)),
                "{bad} was not refused: {:?}",
                s.root.resolve(bad)
            );
        }
        // A link pointing outside is caught by the canonical-prefix guard.
        #[cfg(unix)]
        assert_eq!(s.root.resolve("/leak"), Target::NotFound);
    }

    #[test]
    fn content_types_follow_the_extension() {
        assert_eq!(
            content_type(Path::new("x/index.html")),
            "text/html; charset=utf-8"
        );
        assert_eq!(content_type(Path::new("a.css")), "text/css; charset=utf-8");
        assert!(content_type(Path::new("a.js")).contains("javascript"));
        assert_eq!(content_type(Path::new("f.woff2")), "font/woff2");
        assert_eq!(content_type(Path::new("p.png")), "image/png");
        assert_eq!(content_type(Path::new("noext")), "application/octet-stream");
    }

    fn segment() -> impl Strategy<Value = String> {
        prop_oneof![
            Just("..".to_owned()),
            Just(".".to_owned()),
            Just("%2e%2e".to_owned()),
            Just("%2E.".to_owned()),
            Just("%2f".to_owned()),
            Just("%5C".to_owned()),
            Just("%00".to_owned()),
            Just("..%2f..".to_owned()),
            Just("secret.txt".to_owned()),
            Just("leak".to_owned()),
            Just("sub".to_owned()),
            Just("index.html".to_owned()),
            Just("root".to_owned()),
            Just(String::new()),
            "[a-z.%/\\\\0-9]{0,6}",
        ]
    }

    proptest! {
        #[test]
        fn nothing_resolves_outside_the_root(
            segments in proptest::collection::vec(segment(), 0..8),
            noise in "\\PC{0,12}",
            slash in any::<bool>(),
        ) {
            let s = Scratch::new();
            let mut target = format!("/{}", segments.join("/"));
            if slash {
                target.push('/');
            }
            for t in [target.clone(), format!("{target}{noise}"), noise.clone()] {
                match s.root.resolve(&t) {
                    Target::File(p) => {
                        prop_assert!(p.starts_with(s.root.path()), "{t} -> {}", p.display());
                        prop_assert!(!p.ends_with("secret.txt"), "{t} -> {}", p.display());
                    }
                    Target::Redirect(location) => {
                        prop_assert!(location.starts_with('/') && !location.starts_with("//"),
                            "{t} -> {location}");
                    }
                    Target::NotFound | Target::BadRequest(_) => {}
                }
            }
        }
    }
}
