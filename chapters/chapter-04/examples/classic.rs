//! The classic middlewares of chapter 3 in one Koa app, in the order a Koa user would
//! write them:
//!
//! ```js
//! app.use(logger());
//! app.use(responseTime());
//! app.use(compress());
//! app.use(conditional());
//! app.use(etag({ weak: true }));
//! app.use(serve(root));
//! app.use(async (ctx) => { if (ctx.path === '/hello') ctx.body = 'Hello World'; });
//! ```
//!
//! Without `--root`, it serves a small directory it writes under the system's temporary
//! directory (an `index.html` big enough to be compressed and a tiny `hello.txt`), and
//! removes it again on Ctrl-C.
//!
//! Run: `cargo run -p chapter-04 --example ch04-classic -- --listen 127.0.0.1:3000 [--root DIR]`

use std::io;
use std::path::{Path, PathBuf};

use chapter_04::compress::Compress;
use chapter_04::conditional_get::ConditionalGet;
use chapter_04::etag::Etag;
use chapter_04::logger::Logger;
use chapter_04::response_time::ResponseTime;
use chapter_04::static_files::Static;
use chapter_04::{Application, Context, HttpError};

/// The page the temporary directory's `index.html` holds: over the compressor's
/// 1,024-byte threshold, and text, so the compressor takes it.
const INDEX_HTML: &str = "<!doctype html>
<html lang=\"en\">
<head><meta charset=\"utf-8\"><title>The onion</title></head>
<body>
<h1>The onion</h1>
<p>This page went through six layers on its way out, and each of them left a mark.</p>
<ol>
  <li><b>logger</b> printed one line when the request came in, and will print another
      when the last byte of this page has left, with the status, the time and the size.</li>
  <li><b>response-time</b> started a clock on the way in and wrote X-Response-Time on
      the way out.</li>
  <li><b>compress</b> added Vary: Accept-Encoding at once and, on the way out, fed this
      page through gzip or brotli if your client asked for one.</li>
  <li><b>conditional-get</b> did nothing on the way in; on the way out it compared your
      If-None-Match with the ETag below and answered 304 if they matched.</li>
  <li><b>etag</b> tagged the answer on the way out: a weak tag made from the file's size
      and modification time, so the file was never read twice.</li>
  <li><b>static</b> found this file under the root, set Content-Length, Last-Modified,
      Cache-Control and Content-Type, and ended the chain without calling next.</li>
</ol>
<p>Ask for /hello to reach the layer after static, and for a file that is not here to
see the fall-through end in Koa's own 404.</p>
</body>
</html>
";

/// After `static`: an endpoint, a handler of the context alone.
async fn hello(ctx: &mut Context) -> Result<(), HttpError> {
    if ctx.path() == "/hello" {
        ctx.set_body("Hello World");
    }
    Ok(())
}

// ANCHOR: stack
/// The app: the six classic layers over `root`, then the endpoint.
fn app(root: &Path) -> io::Result<Application> {
    let mut app = Application::new();
    app.use_(Logger::with_transporter(|line| println!("{line}")))
        .use_(ResponseTime::new())
        .use_(Compress::new())
        .use_(ConditionalGet)
        // Weak, because compress sits outside: gzip and plain bytes share one tag.
        .use_(Etag { weak: true })
        .use_(Static::new(root)?)
        .use_(hello);
    Ok(app)
}
// ANCHOR_END: stack

#[tokio::main]
async fn main() -> io::Result<()> {
    let (root, _temporary) = match arg("--root") {
        Some(root) => (PathBuf::from(root), None),
        None => {
            let dir = TempRoot::create()?;
            (dir.0.clone(), Some(dir))
        }
    };
    let listen = arg("--listen").unwrap_or_else(|| "127.0.0.1:3000".to_owned());
    let listening = app(&root)?.listen(listen).await?;
    println!("serving {}", root.display());
    println!("listening on http://{}", listening.local_addr());
    tokio::signal::ctrl_c().await?;
    listening.close().await;
    Ok(())
}

/// The value after `name` on the command line.
fn arg(name: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|arg| arg == name)
        .and_then(|i| args.get(i + 1).cloned())
}

/// The temporary web root, removed when dropped.
struct TempRoot(PathBuf);

impl TempRoot {
    /// Writes `index.html` and `hello.txt` into a fresh directory.
    fn create() -> io::Result<TempRoot> {
        let dir = std::env::temp_dir().join(format!("yolk-ch04-classic-{}", std::process::id()));
        std::fs::create_dir_all(&dir)?;
        let root = TempRoot(dir);
        std::fs::write(root.0.join("index.html"), INDEX_HTML)?;
        std::fs::write(root.0.join("hello.txt"), "world\n")?;
        Ok(root)
    }
}

impl Drop for TempRoot {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
