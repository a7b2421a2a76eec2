//! A tour of chapter 2: one Koa app, one handler, a handful of routes that each show one
//! thing the chapter teaches — body inference for text and JSON, `redirect` and
//! `redirect('back')`, `ctx.throw` and the error a client never sees, a null body,
//! signed cookies, and a value put on `app.context`.
//!
//! The router only arrives in chapter 4, so the handler matches `ctx.path()` by hand.
//! The cookie routes and the keys are the ones of the Koa reference app
//! (`tests/koa-reference/showcase.js`), so the same requests can be sent to the real Koa
//! and the `Set-Cookie` lines compared.
//!
//! Run: `cargo run -p chapter-04 --example ch04-koa-tour -- --listen 127.0.0.1:3000`

use chapter_04::{Application, Body, Context, CookieOptions, HttpError};
use serde_json::json;

// ANCHOR: app_context
/// What this app puts on `app.context`: every request of the app can read it.
#[derive(Clone)]
struct SiteName(&'static str);

/// Koa's `app.context.site = …` plus a getter, in Rust: the value lives in the app's
/// extensions, and an extension trait gives every `Context` a method to read it.
trait TourContext {
    /// The site's name, as `app.context` holds it.
    fn site(&self) -> &str;
}

impl TourContext for Context {
    fn site(&self) -> &str {
        self.app_data::<SiteName>().map_or("?", |site| site.0)
    }
}
// ANCHOR_END: app_context

// ANCHOR: tour
/// The one handler: a route per path.
async fn tour(ctx: &mut Context) -> Result<(), HttpError> {
    let path = ctx.path().to_owned();
    match path.as_str() {
        // A string body: 200, text/plain, Content-Length — all inferred.
        "/" => ctx.set_body(format!("Hello from {}", ctx.site())),
        // Any other value is JSON.
        "/json" => ctx.set_body(json!({ "site": ctx.site(), "chapter": 2 })),
        // 302, Location, and a short body for whoever reads it.
        "/redirect" => ctx.redirect("/")?,
        // The Referrer if it is this same host, else the fallback.
        "/back" => ctx.redirect_back("/")?,
        // A client error: its message is shown (expose = true).
        "/throw" => ctx.throw((400, "name required"))?,
        // Any other error through `?`: a 500 whose message stays in the log.
        "/boom" => Err(std::io::Error::other("the database password is hunter2"))?,
        // An explicit null: 204 and no content headers.
        "/empty" => ctx.set_body(Body::Null),
        // Signed cookies, as the Koa reference app sets them.
        "/cookies/set" => {
            let signed = CookieOptions {
                signed: Some(true),
                ..CookieOptions::default()
            };
            ctx.cookies().set("signed", Some("v1"), Some(signed))?;
            ctx.cookies().set("plain", Some("p1"), None)?;
            ctx.cookies().set("gone", None, None)?;
            ctx.set_body("set");
        }
        "/cookies/get" => {
            let signed = ctx.cookies().get_signed("signed")?;
            let plain = ctx.cookies().get("plain");
            ctx.set_body(json!({ "signed": signed, "plain": plain }));
        }
        // Anything else: nothing set, so Koa's default 404.
        _ => {}
    }
    Ok(())
}
// ANCHOR_END: tour

#[tokio::main]
async fn main() -> std::io::Result<()> {
    // ANCHOR: main
    let mut app = Application::new();
    app.set_keys(&["yolk key 2", "yolk key 1"]);
    app.context.insert(SiteName("yolk"));
    app.use_(tour);
    let listening = app.listen(listen_arg()).await?;
    // ANCHOR_END: main
    println!("listening on http://{}", listening.local_addr());
    tokio::signal::ctrl_c().await?;
    listening.close().await;
    Ok(())
}

/// `--listen ADDR`, or Node's favourite port on loopback.
fn listen_arg() -> String {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|arg| arg == "--listen")
        .and_then(|i| args.get(i + 1).cloned())
        .unwrap_or_else(|| "127.0.0.1:3000".to_owned())
}
