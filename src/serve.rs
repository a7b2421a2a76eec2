//! `yolk serve`: build the book with `mdbook-driver`, then serve it with the framework
//! the book builds.
//!
//! The book is served by the framework it teaches (`DESIGN.md` §1): a Koa app of the newest chapter
//! whose stack is the classic middlewares of chapter 3, in the order a Koa user would
//! write them:
//!
//! 1. [`Compress`] — gzip, deflate or br, as the browser asks (koa-compress);
//! 2. [`ConditionalGet`] — `304` for pages the browser already has (koa-conditional-get);
//! 3. [`Etag`], weak — weak because compression sits outside it, so the plain and the
//!    compressed bytes share one tag, which only a weak tag may (koa-etag);
//! 4. [`ReadOnly`] — the book is read-only: anything but `GET` and `HEAD` is `405`;
//! 5. [`Static`] — files from the build directory, `index.html` for directories, nothing
//!    outside the root whatever the path says (koa-static over koa-send);
//! 6. [`NotFoundPage`] — what falls through is a `404` with mdBook's own `404.html`.

use std::io;
use std::path::{Path, PathBuf};

use chapter_04::compress::Compress;
use chapter_04::conditional_get::ConditionalGet;
use chapter_04::etag::Etag;
use chapter_04::send::{SendOptions, send};
use chapter_04::static_files::Static;
use chapter_04::{Application, BoxFuture, Context, HttpError, Listening, Middleware, Next};

/// The address `yolk serve` listens on unless `--listen` says otherwise.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:3000";

/// The book's root directory (holding `book.toml`), fixed at compile time.
pub fn book_dir() -> PathBuf {
    crate::chapters::workspace_root().join("book")
}

/// Answers anything but `GET` and `HEAD` with `405` and `Allow: GET, HEAD`.
#[derive(Debug, Clone, Copy)]
pub struct ReadOnly;

impl Middleware for ReadOnly {
    fn call<'a>(
        &'a self,
        ctx: &'a mut Context,
        next: Next<'a>,
    ) -> BoxFuture<'a, Result<(), HttpError>> {
        Box::pin(async move {
            if ctx.method() == http::Method::GET || ctx.method() == http::Method::HEAD {
                return next.run(ctx).await;
            }
            ctx.set("Allow", "GET, HEAD")?;
            ctx.set_status(405)?;
            Ok(())
        })
    }
}

/// The end of the stack: a `404` with the book's `404.html` when it has one.
#[derive(Debug, Clone)]
pub struct NotFoundPage {
    /// Where `404.html` is looked for.
    options: SendOptions,
}

impl Middleware for NotFoundPage {
    fn call<'a>(
        &'a self,
        ctx: &'a mut Context,
        _next: Next<'a>,
    ) -> BoxFuture<'a, Result<(), HttpError>> {
        Box::pin(async move {
            // A missing 404 page is not an error: Koa's plain `Not Found` will do.
            let _ = send(ctx, "/404.html", &self.options).await;
            ctx.set_status(404)?;
            Ok(())
        })
    }
}

/// The app that serves `dir`: the stack described in the module docs.
pub fn app(dir: &Path) -> io::Result<Application> {
    let mut app = Application::new();
    app.settings.silent = true;
    app.use_(Compress::default())
        .use_(ConditionalGet)
        .use_(Etag { weak: true })
        .use_(ReadOnly)
        .use_(Static::new(dir)?)
        .use_(NotFoundPage {
            options: SendOptions::new(dir),
        });
    Ok(app)
}

/// Serves the files under `dir` on `addr` with [`app`].
pub async fn serve_dir(dir: &Path, addr: &str) -> io::Result<Listening> {
    app(dir)?.listen(addr).await
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
