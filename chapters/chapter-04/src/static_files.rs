//! koa-static: a middleware that serves a directory, falling through to the next layer
//! when there is no file to serve.
//!
//! Mirrors [koa-static 5.0.0, `index.js`](https://github.com/koajs/static/blob/5.0.0/index.js)
//! (function `serve` and the two middlewares it returns). All the file work is
//! [koa-send](crate::send); koa-static decides *when* to call it and what a miss means:
//!
//! - only `GET` and `HEAD` are served; every other method goes straight to `next`;
//! - the URL path is handed to `send` as it came (still percent-encoded, no query);
//! - a file served ends the chain: `next` is not called;
//! - "nothing to serve" — a missing file, a hidden name, a directory without index, a
//!   404 of any kind — calls `next`, so a router or Koa's own 404 answers;
//! - any other error (400 `Malicious Path`, 403 for `..`, 500) propagates, and the
//!   layers above see it as they would see any thrown error.
//!
//! With [`defer`](Static::defer), the order turns round: `next` runs first, and only if
//! nothing downstream answered — the body is still empty **and** the status still 404 —
//! is a file tried. A 404 from `send` is then swallowed; other errors still propagate.
//!
//! The root is made absolute (against the current directory) once, when the middleware
//! is built, as koa-static does with `path.resolve`; the index file defaults to
//! `index.html`. Every other option is koa-send's ([`SendOptions`]), and so are the
//! deliberate differences listed there — in particular, symlinks never lead out of the
//! root and no error answer names a file-system path.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use std::time::Duration;
//! use chapter_04::Application;
//! use chapter_04::static_files::Static;
//!
//! let mut app = Application::new();
//! app.use_(Static::new("public")?.max_age(Duration::from_secs(3600)));
//! let server = app.listen("127.0.0.1:3000").await?;
//! # server.close().await; Ok(()) }
//! ```

use std::fs::Metadata;
use std::io;
use std::path::Path;
use std::time::Duration;

use http::Method;

use crate::application::BoxFuture;
use crate::compose::{Middleware, Next};
use crate::context::Context;
use crate::http_errors::HttpError;
use crate::response::Response;
use crate::send::{SendOptions, absolute, send};

/// The message koa-static's `assert` fails with when it is given no root.
pub const ROOT_REQUIRED: &str = "root directory is required to serve files";

// ANCHOR: static
/// koa-static's `serve(root, opts)`: a [`Middleware`] serving files from a directory.
#[derive(Debug, Clone)]
pub struct Static {
    /// What `send` is called with; `root` is absolute.
    options: SendOptions,
    /// `defer`: let downstream answer first.
    defer: bool,
}
// ANCHOR_END: static

impl Static {
    /// `serve(root)`: serve the files under `root`, with `index.html` as the index file
    /// and koa-send's other defaults.
    ///
    /// An empty `root` is refused with koa-static's message ([`ROOT_REQUIRED`]), as
    /// an [`io::ErrorKind::InvalidInput`] error; finding the current directory for a
    /// relative root can fail too. The directory need not exist yet: until it does,
    /// every request falls through.
    pub fn new(root: impl AsRef<Path>) -> io::Result<Self> {
        let root = root.as_ref();
        if root.as_os_str().is_empty() {
            return Err(io::Error::new(io::ErrorKind::InvalidInput, ROOT_REQUIRED));
        }
        let options = SendOptions::new(absolute(root)?).index(Some("index.html"));
        Ok(Self {
            options,
            defer: false,
        })
    }

    /// The options `send` is called with.
    pub fn options(&self) -> &SendOptions {
        &self.options
    }

    /// The absolute root files are served from.
    pub fn root(&self) -> &Path {
        &self.options.root
    }

    /// `defer`: run the rest of the stack first and serve a file only if it left the
    /// response empty with status 404.
    pub fn defer(mut self, defer: bool) -> Self {
        self.defer = defer;
        self
    }

    /// `index`: the file served for a directory; `None` (koa-static's `false`) serves
    /// no index at all.
    pub fn index(mut self, index: Option<&str>) -> Self {
        self.options = self.options.index(index);
        self
    }

    /// `maxage`: `Cache-Control: max-age=` in whole seconds.
    pub fn max_age(mut self, max_age: Duration) -> Self {
        self.options = self.options.max_age(max_age);
        self
    }

    /// `immutable`: add `,immutable` to `Cache-Control`.
    pub fn immutable(mut self, immutable: bool) -> Self {
        self.options = self.options.immutable(immutable);
        self
    }

    /// `hidden`: serve names starting with `.` too.
    pub fn hidden(mut self, hidden: bool) -> Self {
        self.options = self.options.hidden(hidden);
        self
    }

    /// `format`: serve `/dir` (no trailing slash) with the directory's index as well.
    pub fn format(mut self, format: bool) -> Self {
        self.options = self.options.format(format);
        self
    }

    /// `extensions`: tried in order for a name without a dot.
    pub fn extensions(mut self, extensions: &[&str]) -> Self {
        self.options = self.options.extensions(extensions);
        self
    }

    /// `brotli`: serve a `.br` sibling to clients that accept `br`.
    pub fn brotli(mut self, brotli: bool) -> Self {
        self.options = self.options.brotli(brotli);
        self
    }

    /// `gzip`: serve a `.gz` sibling to clients that accept `gzip`.
    pub fn gzip(mut self, gzip: bool) -> Self {
        self.options = self.options.gzip(gzip);
        self
    }

    /// `setHeaders`: a closure called with the response, the file's path and its
    /// metadata before the file's own headers are written.
    pub fn set_headers(
        mut self,
        hook: impl Fn(&mut Response, &Path, &Metadata) + Send + Sync + 'static,
    ) -> Self {
        self.options = self.options.set_headers(hook);
        self
    }

    /// Tries to serve the request's path; `Ok(true)` when a file is the response now.
    /// A 404 is "not served"; other errors are returned.
    async fn try_send(&self, ctx: &mut Context) -> Result<bool, HttpError> {
        let path = request_path(ctx);
        match send(ctx, &path, &self.options).await {
            Ok(served) => Ok(served.is_some()),
            Err(err) if err.status == 404 => Ok(false),
            Err(err) => Err(err),
        }
    }
}

// ANCHOR: call
impl Middleware for Static {
    fn call<'a>(
        &'a self,
        ctx: &'a mut Context,
        next: Next<'a>,
    ) -> BoxFuture<'a, Result<(), HttpError>> {
        Box::pin(async move {
            if !self.defer {
                if serves(ctx.request.method()) && self.try_send(ctx).await? {
                    return Ok(());
                }
                return next.run(ctx).await;
            }
            next.run(ctx).await?;
            if !serves(ctx.request.method())
                || !ctx.response.body().is_none()
                || ctx.response.status() != 404
            {
                return Ok(());
            }
            self.try_send(ctx).await.map(|_| ())
        })
    }
}
// ANCHOR_END: call

/// koa-static answers `GET` and `HEAD` only.
fn serves(method: &Method) -> bool {
    method == Method::GET || method == Method::HEAD
}

/// `ctx.path`, or `/` for a request target with no path of its own (an absolute-form
/// `GET http://host HTTP/1.1`, whose path Node's URL parser reads as `/`).
fn request_path(ctx: &Context) -> String {
    match ctx.request.path() {
        "" => "/".to_owned(),
        path => path.to_owned(),
    }
}
