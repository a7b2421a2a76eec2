//! koa-send: answer a request with one file from under a root directory.
//!
//! Mirrors [koa-send 5.0.1, `index.js`](https://github.com/koajs/send/blob/v5.0.1/index.js)
//! (functions `send`, `isHidden`, `type`, `decode`) and the package it leans on for path
//! safety, [resolve-path 1.4.0, `index.js`](https://github.com/pillarjs/resolve-path/blob/v1.4.0/index.js)
//! (function `resolvePath`, with
//! [path-is-absolute 1.0.1](https://github.com/sindresorhus/path-is-absolute/blob/v1.0.1/index.js)
//! for its `posix` and `win32` checks).
//!
//! koa-send takes a URL path, not a file path, so everything it does is about turning
//! text a stranger typed into a file name that is safe to open. In order:
//!
//! 1. note whether the path ends in `/`, drop one leading `/`;
//! 2. percent-decode it the way JavaScript's `decodeURIComponent` does — `%2F` becomes a
//!    real `/`, malformed escapes are a **400 `failed to decode`**;
//! 3. add the index file name if the path ended in `/`;
//! 4. resolve-path: a NUL byte or an absolute path (POSIX *or* Windows rules) is a
//!    **400 `Malicious Path`**, a `..` segment left after normalising is a **403**;
//!    otherwise the path is joined to the root;
//! 5. a segment starting with `.` is a hidden file: not served (unless `hidden`);
//! 6. a `.br` or `.gz` sibling is preferred when the client accepts that encoding;
//! 7. the `extensions` are tried for a name without a dot;
//! 8. `stat`: a directory becomes its index file (`format`), a missing file is a 404;
//! 9. headers — `Content-Length`, `Last-Modified`, `Cache-Control`, `Content-Type` —
//!    and the file as a streamed body.
//!
//! # Where this module differs on purpose
//!
//! - **Symlinks never lead out of the root.** koa-send's checks are purely textual; the
//!   file system is asked only at `stat`, which follows links, so a link inside the root
//!   pointing at `/etc/passwd` is served (observed). Here the final file — and every
//!   `.br`/`.gz`/extension candidate — is resolved with `canonicalize` and must lie
//!   under the canonicalised root; one that does not is a **404**, as if it were not
//!   there (a 403 would tell a stranger that something exists behind the name). The
//!   canonical path is what gets opened. What remains is the race of someone swapping
//!   a link in between the check and the open: the root must not be writable by
//!   people you do not trust, for this module as for any file server.
//! - **Errors carry no file-system paths.** koa-send wraps Node's `stat` error in its
//!   404, and Koa shows a 4xx message to the client, so koa-send used on its own
//!   answers a miss with `ENOENT: no such file or directory, stat '/srv/www/missing'`
//!   (observed) — the server's directory layout, to anyone. Ours answers `Not Found`;
//!   the I/O error is kept as the error's `source` for the logs.
//! - **Only regular files are served.** A FIFO or device node found under the root is
//!   treated as missing (koa-send would hang on, or stream, it).
//! - **`Vary: Accept-Encoding`** is added whenever a `.br` or `.gz` sibling exists and
//!   its option is on, because the answer then depends on that header; koa-send adds
//!   nothing, so a shared cache could hand brotli to a client that cannot read it.
//! - **`max_age` is a [`Duration`]** and `Cache-Control` gets its whole seconds. Koa's
//!   `maxage / 1000 | 0` goes through a 32-bit integer, so a negative age or one past
//!   about 68 years prints nonsense (`max-age=-1294967296`); a `Duration` can do
//!   neither.
//! - **Option types are checked by the compiler.** koa-send's run-time `TypeError`s
//!   (`option setHeaders must be function`, `option extensions must be array of strings
//!   or false`) cannot happen: `set_headers` is a closure and `extensions` a list of
//!   strings.
//! - **Suffixes are only tried on a file name under the root.** koa-send appends `.br`,
//!   `.gz` and each extension to whatever path it has, and `fs.access` accepts anything
//!   that exists. For the root itself — `GET /` with `index: false` — that path is the
//!   root, so it serves `<root>.br` or `<root>.html`, files *beside* the root (observed
//!   with koa-static 5.0.0). Here a suffix is tried only on a non-empty name without a
//!   trailing `/`, and the candidate must be under the root's real path (a `.br` or
//!   `.gz` one must also be a regular file).
//! - **Headers are only written once the file has been found.** koa-send sets
//!   `Content-Encoding` before its `stat`, so a miss after choosing a `.br` leaves that
//!   header behind for the next layer.
//!
//! The paths are POSIX paths: `\` is an ordinary character in a file name, exactly as
//! for koa-send on Linux — which still refuses it wherever Windows would read it as a
//! separator (a leading `\` is absolute, `..\` climbs).

use std::fs::Metadata;
use std::io;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use crate::context::Context;
use crate::http_errors::HttpError;
use crate::response::{Body, FileBody, Response};

/// How much of the file each chunk of the body carries.
const CHUNK: usize = 64 * 1024;

/// The `setHeaders(res, path, stats)` hook: called with the response, the path being
/// served and its metadata just before `send` writes its own headers. `Content-Length`
/// is always overwritten afterwards; `Last-Modified` and `Cache-Control` set here are
/// kept.
pub type SetHeaders = dyn Fn(&mut Response, &Path, &Metadata) + Send + Sync;

// ANCHOR: options
/// koa-send's options. Build with [`SendOptions::new`] and the chained setters.
#[derive(Clone)]
pub struct SendOptions {
    /// `root`: the directory files are served from. Relative roots are taken against
    /// the current directory on every call; an empty root *is* the current directory
    /// (koa-send's `''`).
    pub root: PathBuf,
    /// `index`: the file served for a path that ends in `/` (and, with `format`, for a
    /// directory). koa-send has no default; koa-static uses `index.html`.
    pub index: Option<String>,
    /// `maxage` / `maxAge`: `Cache-Control: max-age=` in whole seconds (default 0).
    pub max_age: Duration,
    /// `immutable`: add `,immutable` to `Cache-Control`.
    pub immutable: bool,
    /// `hidden`: serve files and directories whose name starts with `.` (default false).
    pub hidden: bool,
    /// `format`: serve a directory's index for `/dir` as well as `/dir/` (default true).
    pub format: bool,
    /// `extensions`: tried in order for a name without a dot (`["html"]` serves
    /// `about.html` for `/about`). A leading `.` is optional. Empty: none.
    pub extensions: Vec<String>,
    /// `brotli`: serve `x.br` for `x` to clients that accept `br` (default true).
    pub brotli: bool,
    /// `gzip`: serve `x.gz` for `x` to clients that accept `gzip` (default true).
    pub gzip: bool,
    /// `setHeaders`: see [`SetHeaders`].
    pub set_headers: Option<Arc<SetHeaders>>,
}
// ANCHOR_END: options

impl std::fmt::Debug for SendOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SendOptions")
            .field("root", &self.root)
            .field("index", &self.index)
            .field("max_age", &self.max_age)
            .field("immutable", &self.immutable)
            .field("hidden", &self.hidden)
            .field("format", &self.format)
            .field("extensions", &self.extensions)
            .field("brotli", &self.brotli)
            .field("gzip", &self.gzip)
            .field("set_headers", &self.set_headers.as_ref().map(|_| "Fn"))
            .finish()
    }
}

impl SendOptions {
    /// koa-send's defaults, serving from `root`: no index, `max-age=0`, hidden files
    /// refused, `format` on, no extensions, brotli and gzip siblings on.
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self {
            root: root.into(),
            index: None,
            max_age: Duration::ZERO,
            immutable: false,
            hidden: false,
            format: true,
            extensions: Vec::new(),
            brotli: true,
            gzip: true,
            set_headers: None,
        }
    }

    /// Sets [`index`](Self::index); `None` turns index files off.
    pub fn index(mut self, index: Option<&str>) -> Self {
        self.index = index.map(str::to_owned);
        self
    }

    /// Sets [`max_age`](Self::max_age).
    pub fn max_age(mut self, max_age: Duration) -> Self {
        self.max_age = max_age;
        self
    }

    /// Sets [`immutable`](Self::immutable).
    pub fn immutable(mut self, immutable: bool) -> Self {
        self.immutable = immutable;
        self
    }

    /// Sets [`hidden`](Self::hidden).
    pub fn hidden(mut self, hidden: bool) -> Self {
        self.hidden = hidden;
        self
    }

    /// Sets [`format`](Self::format).
    pub fn format(mut self, format: bool) -> Self {
        self.format = format;
        self
    }

    /// Sets [`extensions`](Self::extensions).
    pub fn extensions(mut self, extensions: &[&str]) -> Self {
        self.extensions = extensions.iter().map(|&e| e.to_owned()).collect();
        self
    }

    /// Sets [`brotli`](Self::brotli).
    pub fn brotli(mut self, brotli: bool) -> Self {
        self.brotli = brotli;
        self
    }

    /// Sets [`gzip`](Self::gzip).
    pub fn gzip(mut self, gzip: bool) -> Self {
        self.gzip = gzip;
        self
    }

    /// Sets [`set_headers`](Self::set_headers).
    pub fn set_headers(
        mut self,
        hook: impl Fn(&mut Response, &Path, &Metadata) + Send + Sync + 'static,
    ) -> Self {
        self.set_headers = Some(Arc::new(hook));
        self
    }

    /// koa-send's `normalize(resolve(root))`: the root made absolute against the
    /// current directory, with `.` and `..` worked out by text alone.
    pub fn absolute_root(&self) -> io::Result<PathBuf> {
        absolute(&self.root)
    }
}

/// `path.resolve(p)` then `path.normalize`: absolute, `.` dropped, `..` applied to the
/// text (never through the file system), an empty path meaning the current directory.
pub(crate) fn absolute(path: &Path) -> io::Result<PathBuf> {
    let joined = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir()?.join(path)
    };
    let mut out = PathBuf::new();
    for component in joined.components() {
        match component {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    Ok(out)
}

// ANCHOR: send
/// koa-send's `send(ctx, path, opts)`: serve the file `path` names under
/// `options.root`.
///
/// `path` is a URL path as the client sent it — still percent-encoded, typically
/// `ctx.path()`. Returns:
///
/// - `Ok(Some(path))`: the file is the response body now (headers set); the path is
///   the one served, root-joined (with a `.br`/`.gz` or extension suffix if one was
///   chosen), as koa-send returns it;
/// - `Ok(None)`: nothing was done — a hidden name, or a directory with no index to
///   serve (koa-send's `undefined`);
/// - `Err`: **404** for a file that is not there (or leads out of the root), **400**
///   `failed to decode` / `Malicious Path`, **403** `Forbidden` for `..`, **500** for
///   other I/O trouble (a symlink loop, a permission problem) and for an empty `path`
///   (koa-send's `pathname required` assertion).
pub async fn send(
    ctx: &mut Context,
    path: &str,
    options: &SendOptions,
) -> Result<Option<PathBuf>, HttpError> {
    if path.is_empty() {
        return Err(HttpError::from_message("pathname required"));
    }
    let root = options.absolute_root().map_err(HttpError::from_error)?;
    let trailing_slash = path.ends_with('/');
    // `path.substr(parse(path).root.length)`: one leading `/`, before decoding.
    let path = path.strip_prefix('/').unwrap_or(path);
    let mut path = decode_uri_component(path)
        .ok_or_else(|| HttpError::with_message(400, "failed to decode"))?;
    if trailing_slash && let Some(index) = &options.index {
        path.push_str(index);
    }
    let relative = normalise_relative(&path)?;
    if !options.hidden && is_hidden(&relative) {
        return Ok(None);
    }
    let lexical = join(&root, &relative);

    // Everything that asks the file system runs as one blocking task: one trip to
    // tokio's thread pool instead of one per `stat`.
    let probe = Probe {
        root,
        lexical,
        named: !relative.is_empty() && !relative.ends_with('/'),
        index: options.index.clone(),
        format: options.format,
        extensions: options.extensions.clone(),
        brotli: options.brotli,
        gzip: options.gzip,
        accepts_br: accepts(ctx, "br"),
        accepts_gzip: accepts(ctx, "gzip"),
    };
    let found = tokio::task::spawn_blocking(move || probe.find())
        .await
        .map_err(HttpError::from_error)??;
    let Some(Found {
        file,
        encoding,
        vary,
        handle,
        stats,
    }) = found
    else {
        return Ok(None);
    };
    let handle = tokio::fs::File::from_std(handle);

    if let Some(encoding) = encoding {
        ctx.response.set("Content-Encoding", encoding.name())?;
    }
    if vary {
        ctx.response.vary("Accept-Encoding")?;
    }
    if let Some(hook) = &options.set_headers {
        hook(&mut ctx.response, &file, &stats);
    }
    ctx.response.set("Content-Length", stats.len())?;
    let modified = stats.modified().ok();
    if ctx.response.get("Last-Modified").is_empty()
        && let Some(modified) = modified
    {
        ctx.response.set_last_modified(modified);
    }
    if ctx.response.get("Cache-Control").is_empty() {
        let mut value = format!("max-age={}", options.max_age.as_secs());
        if options.immutable {
            value.push_str(",immutable");
        }
        ctx.response.set("Cache-Control", value)?;
    }
    if ctx.response.type_().is_empty() {
        let name = basename(&file);
        let name = match encoding {
            Some(encoding) => name
                .strip_suffix(encoding.suffix())
                .unwrap_or(&name)
                .to_owned(),
            None => name,
        };
        ctx.response.set_type(extname(&name));
    }
    ctx.response.set_body(Body::File(FileBody {
        path: file.clone(),
        len: stats.len(),
        modified,
        stream: Box::pin(tokio_util::io::ReaderStream::with_capacity(handle, CHUNK)),
    }));
    Ok(Some(file))
}
// ANCHOR_END: send

/// Does the client take `encoding` over `identity`? koa-send asks accepts exactly
/// that question (`ctx.acceptsEncodings('br', 'identity') === 'br'`), so `br` is tried
/// before `gzip` whatever the q-values say.
fn accepts(ctx: &Context, encoding: &str) -> bool {
    ctx.request
        .accepts_encodings(&[encoding, "identity"])
        .as_deref()
        == Some(encoding)
}

// ANCHOR: decode
/// JavaScript's `decodeURIComponent`, or `None` where it throws a `URIError`.
///
/// Every `%XX` escape is decoded, reserved characters included (`%2F` is `/`, `%5C` is
/// `\`); `+` stays `+`. A `%` not followed by two hex digits, or escapes whose bytes
/// are not UTF-8 (a lone `%E0`, an overlong `%C0%AE`, an encoded surrogate), fail.
/// Checking each run of consecutive escapes as one UTF-8 string is the same test as
/// JavaScript's byte-by-byte one, since unescaped text between runs is already valid.
pub fn decode_uri_component(input: &str) -> Option<String> {
    if !input.contains('%') {
        return Some(input.to_owned());
    }
    let bytes = input.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut run = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'%' {
            out.push(bytes[i]);
            i += 1;
            continue;
        }
        run.clear();
        while bytes.get(i) == Some(&b'%') {
            let high = hex_digit(*bytes.get(i + 1)?)?;
            let low = hex_digit(*bytes.get(i + 2)?)?;
            run.push(high << 4 | low);
            i += 3;
        }
        std::str::from_utf8(&run).ok()?;
        out.extend_from_slice(&run);
    }
    String::from_utf8(out).ok()
}
// ANCHOR_END: decode

/// The value of one hex digit.
fn hex_digit(byte: u8) -> Option<u8> {
    (byte as char).to_digit(16).map(|d| d as u8)
}

// ANCHOR: resolve_path
/// resolve-path's `resolvePath(root, path)`: `path` joined to `root`, or the error that
/// refuses it.
///
/// - a NUL byte anywhere → 400 `Malicious Path`;
/// - absolute by POSIX *or* Windows rules (a leading `/` or `\`, or a drive letter
///   followed by `/` or `\`) → 400 `Malicious Path`, on every OS;
/// - after normalising (`.` dropped, `x/..` cancelled), any `..` left, delimited by
///   `/`, `\` or the ends → 403 `Forbidden` — even where the path would come back inside
///   the root (`../root/file`), because the test is on the text alone.
///
/// The result is a path under `root` by construction; whether it is a *real* path
/// under the root depends on symlinks, which [`send`] checks separately.
pub fn resolve_path(root: &Path, path: &str) -> Result<PathBuf, HttpError> {
    Ok(join(root, &normalise_relative(path)?))
}
// ANCHOR_END: resolve_path

/// The checks of [`resolve_path`]: the normalised relative path (segments joined with
/// `/`, a trailing `/` kept, `""` for the root itself), or the error.
fn normalise_relative(path: &str) -> Result<String, HttpError> {
    if path.contains('\0') {
        return Err(HttpError::with_message(400, "Malicious Path"));
    }
    if is_absolute_posix_or_windows(path) {
        return Err(HttpError::with_message(400, "Malicious Path"));
    }
    let mut segments: Vec<&str> = Vec::new();
    for segment in path.split('/') {
        match segment {
            "" | "." => {}
            ".." if segments.last().is_some_and(|last| *last != "..") => {
                segments.pop();
            }
            other => segments.push(other),
        }
    }
    // The regular expression `(?:^|[\\/])\.\.(?:[\\/]|$)` on the `/`-joined text: a
    // piece that is exactly `..` once `\` counts as a separator too.
    if segments
        .iter()
        .any(|segment| segment.split('\\').any(|piece| piece == ".."))
    {
        return Err(HttpError::new(403));
    }
    let mut relative = segments.join("/");
    if path.ends_with('/') && !relative.is_empty() {
        relative.push('/');
    }
    Ok(relative)
}

/// path-is-absolute's `posix(p) || win32(p)`. Windows' UNC form (`//server/share`)
/// always starts with a separator, so it needs no rule of its own.
fn is_absolute_posix_or_windows(path: &str) -> bool {
    match path.as_bytes() {
        [b'/' | b'\\', ..] => true,
        [drive, b':', b'/' | b'\\', ..] => drive.is_ascii_alphabetic(),
        _ => false,
    }
}

/// `root` joined with a relative path from [`normalise_relative`] (trailing `/` kept,
/// so that a file named with one fails as `ENOTDIR`, as in Node).
fn join(root: &Path, relative: &str) -> PathBuf {
    if relative.is_empty() {
        root.to_path_buf()
    } else {
        with_suffix(root, &format!("/{relative}"))
    }
}

/// koa-send's `isHidden`: does any segment below the root start with `.`?
fn is_hidden(relative: &str) -> bool {
    relative.split('/').any(|segment| segment.starts_with('.'))
}

/// `path + suffix`, as text (a `PathBuf` would treat `/index.html` as absolute).
fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut text = path.as_os_str().to_owned();
    text.push(suffix);
    PathBuf::from(text)
}

/// Node's `path.basename`: the last segment, trailing `/`s ignored.
fn basename(path: &Path) -> String {
    let text = path.to_string_lossy();
    let trimmed = text.trim_end_matches('/');
    trimmed.rsplit('/').next().unwrap_or(trimmed).to_owned()
}

/// Node's `path.extname` of a file name: from the last `.`, or `""` when there is none
/// or the name starts with its only dot (`.hidden`).
fn extname(name: &str) -> &str {
    match name.rfind('.') {
        Some(0) | None => "",
        Some(i) if name.bytes().all(|b| b == b'.') && i == 1 => "",
        Some(i) => &name[i..],
    }
}

/// A precompressed sibling koa-send may pick.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Encoding {
    /// `x.br`, `Content-Encoding: br`.
    Brotli,
    /// `x.gz`, `Content-Encoding: gzip`.
    Gzip,
}

impl Encoding {
    /// The `Content-Encoding` value.
    fn name(self) -> &'static str {
        match self {
            Encoding::Brotli => "br",
            Encoding::Gzip => "gzip",
        }
    }

    /// The file name suffix.
    fn suffix(self) -> &'static str {
        match self {
            Encoding::Brotli => ".br",
            Encoding::Gzip => ".gz",
        }
    }
}

/// What the file-system part of [`send`] needs, owned, so it can run on a blocking
/// thread.
struct Probe {
    /// The absolute root, as configured.
    root: PathBuf,
    /// The root joined with the checked relative path.
    lexical: PathBuf,
    /// The relative path names something below the root and does not end in `/`: only
    /// then are suffixes tried.
    named: bool,
    /// `index`.
    index: Option<String>,
    /// `format`.
    format: bool,
    /// `extensions`.
    extensions: Vec<String>,
    /// `brotli`.
    brotli: bool,
    /// `gzip`.
    gzip: bool,
    /// The client takes `br` over `identity`.
    accepts_br: bool,
    /// The client takes `gzip` over `identity`.
    accepts_gzip: bool,
}

/// A file to serve, open.
struct Found {
    /// The path as koa-send names it (root-joined, suffixes added).
    file: PathBuf,
    /// The sibling chosen, if any.
    encoding: Option<Encoding>,
    /// A sibling exists, so the answer depends on `Accept-Encoding`.
    vary: bool,
    /// The open file.
    handle: std::fs::File,
    /// Its metadata, from the open handle.
    stats: Metadata,
}

impl Probe {
    // ANCHOR: find
    /// koa-send's steps from the siblings to the open file, with every candidate
    /// checked against the root's real path. `Ok(None)`: a directory with nothing to
    /// serve.
    fn find(self) -> Result<Option<Found>, HttpError> {
        let real_root = std::fs::canonicalize(&self.root).map_err(fs_error)?;
        let sibling = |on: bool, encoding: Encoding| {
            on && self.named
                && is_file_under(&with_suffix(&self.lexical, encoding.suffix()), &real_root)
        };
        let br = sibling(self.brotli, Encoding::Brotli);
        let gz = sibling(self.gzip, Encoding::Gzip);
        let encoding = if br && self.accepts_br {
            Some(Encoding::Brotli)
        } else if gz && self.accepts_gzip {
            Some(Encoding::Gzip)
        } else {
            None
        };
        let mut file = match encoding {
            Some(encoding) => with_suffix(&self.lexical, encoding.suffix()),
            None => self.lexical.clone(),
        };

        if self.named && !self.extensions.is_empty() && !basename(&file).contains('.') {
            for extension in &self.extensions {
                let dotted = if extension.starts_with('.') {
                    extension.clone()
                } else {
                    format!(".{extension}")
                };
                let candidate = with_suffix(&file, &dotted);
                if exists_under(&candidate, &real_root) {
                    file = candidate;
                    break;
                }
            }
        }

        let mut stats = std::fs::metadata(&file).map_err(fs_error)?;
        if stats.is_dir() {
            match &self.index {
                Some(index) if self.format => {
                    file = with_suffix(&file, &format!("/{index}"));
                    stats = std::fs::metadata(&file).map_err(fs_error)?;
                }
                _ => return Ok(None),
            }
        }
        // Checked before opening: opening a FIFO would wait for a writer.
        if !stats.is_file() {
            return Err(not_found(None));
        }

        let real = std::fs::canonicalize(&file).map_err(fs_error)?;
        if !real.starts_with(&real_root) {
            return Err(not_found(None));
        }
        let handle = std::fs::File::open(&real).map_err(fs_error)?;
        let stats = handle.metadata().map_err(fs_error)?;
        if !stats.is_file() {
            return Err(not_found(None));
        }
        Ok(Some(Found {
            file,
            encoding,
            vary: br || gz,
            handle,
            stats,
        }))
    }
    // ANCHOR_END: find
}

/// Is `path` something (file or directory) whose real location is under `real_root`?
/// (koa-send's `exists`, which accepts anything `fs.access` can see.) One `stat`
/// first, so the usual miss costs no more than that.
fn exists_under(path: &Path, real_root: &Path) -> bool {
    std::fs::metadata(path).is_ok()
        && std::fs::canonicalize(path).is_ok_and(|real| real.starts_with(real_root))
}

/// Is `path` a regular file whose real location is under `real_root`? (For the
/// `.br`/`.gz` siblings.)
fn is_file_under(path: &Path, real_root: &Path) -> bool {
    std::fs::metadata(path).is_ok_and(|stats| stats.is_file())
        && std::fs::canonicalize(path).is_ok_and(|real| real.starts_with(real_root))
}

/// koa-send's `catch` around `stat`: `ENOENT`, `ENAMETOOLONG` and `ENOTDIR` are a 404,
/// anything else a 500 that does not show its message.
fn fs_error(err: io::Error) -> HttpError {
    match err.kind() {
        io::ErrorKind::NotFound | io::ErrorKind::NotADirectory | io::ErrorKind::InvalidFilename => {
            not_found(Some(err))
        }
        _ => HttpError::from_error(err),
    }
}

/// A 404 whose message is `Not Found` — never the I/O error's text, which may name the
/// file — keeping the I/O error as its source.
fn not_found(err: Option<io::Error>) -> HttpError {
    match err {
        Some(err) => HttpError::wrap(404, err).with_property("message", "Not Found"),
        None => HttpError::new(404),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_like_decode_uri_component() {
        assert_eq!(decode_uri_component("a%2Fb").as_deref(), Some("a/b"));
        assert_eq!(decode_uri_component("a%5cb").as_deref(), Some("a\\b"));
        assert_eq!(decode_uri_component("a+b").as_deref(), Some("a+b"));
        assert_eq!(decode_uri_component("%C3%A4").as_deref(), Some("ä"));
        assert_eq!(decode_uri_component("%00").as_deref(), Some("\0"));
        for bad in [
            "%",
            "%z",
            "%zz",
            "%E0%A4%A",
            "%C0%AE",
            "%u002e",
            "%ED%A0%80",
            "%C3a",
        ] {
            assert_eq!(decode_uri_component(bad), None, "{bad}");
        }
    }

    #[test]
    fn absolute_by_either_rule() {
        for path in [
            "/x",
            "\\x",
            "//server/share",
            "C:/x",
            "c:\\x",
            "\\\\server\\share",
        ] {
            assert!(is_absolute_posix_or_windows(path), "{path}");
        }
        for path in ["x", "C:", "C:x", "1:/x", "x/C:/y", ""] {
            assert!(!is_absolute_posix_or_windows(path), "{path}");
        }
    }

    #[test]
    fn normalises_and_refuses_like_resolve_path() {
        let ok = |p: &str| normalise_relative(p).unwrap();
        let status = |p: &str| normalise_relative(p).unwrap_err().status;
        assert_eq!(ok("a/./b//c"), "a/b/c");
        assert_eq!(ok("dir/../hello.txt"), "hello.txt");
        assert_eq!(ok("world/"), "world/");
        assert_eq!(ok("a/.."), "");
        assert_eq!(ok("..foo"), "..foo");
        assert_eq!(ok("back\\slash"), "back\\slash");
        assert_eq!(status(".."), 403);
        assert_eq!(status("../x"), 403);
        assert_eq!(status("dir/../../x"), 403);
        assert_eq!(status("..\\..\\etc"), 403);
        assert_eq!(status("a/..\\b"), 403);
        assert_eq!(status("../../root/world/index.html"), 403);
        assert_eq!(status("a\0b"), 400);
        assert_eq!(status("/etc/passwd"), 400);
        assert_eq!(status("\\etc"), 400);
        assert_eq!(status("C:\\Windows"), 400);
    }

    #[test]
    fn hidden_means_a_segment_starting_with_a_dot() {
        assert!(is_hidden(".hidden"));
        assert!(is_hidden("dir/.private/x"));
        assert!(is_hidden("..foo"));
        assert!(!is_hidden("dir/a.b"));
        assert!(!is_hidden(""));
    }

    #[test]
    fn extname_like_node() {
        assert_eq!(extname("a.txt"), ".txt");
        assert_eq!(extname("a.b.c"), ".c");
        assert_eq!(extname(".hidden"), "");
        assert_eq!(extname("..foo"), ".foo");
        assert_eq!(extname(".."), "");
        assert_eq!(extname("noext"), "");
        assert_eq!(extname("a."), ".");
    }

    #[test]
    fn resolve_path_joins_under_the_root() {
        let root = Path::new("/srv/www");
        assert_eq!(
            resolve_path(root, "a/../b.txt").unwrap(),
            Path::new("/srv/www/b.txt")
        );
        assert_eq!(resolve_path(root, "").unwrap(), Path::new("/srv/www"));
    }

    #[test]
    fn absolute_root_resolves_dots_by_text() {
        assert_eq!(
            absolute(Path::new("/a/b/../c/./d")).unwrap(),
            Path::new("/a/c/d")
        );
        assert_eq!(
            absolute(Path::new("")).unwrap(),
            std::env::current_dir().unwrap()
        );
    }
}
