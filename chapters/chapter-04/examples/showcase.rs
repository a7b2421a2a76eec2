//! The Koa showcase (`shared/showcase/koa-showcase.md`) on chapter 04.
//!
//! Its twin on the real Koa is `tests/koa-reference/showcase.js`; the differential test
//! (`tests/koa_parity.rs`) asks both the same questions. Read the two side by side: one
//! function per group of routes, in the same order.
//!
//! Run: `cargo run -p chapter-04 --example ch04-showcase -- --listen 127.0.0.1:3000`

use bytes::Bytes;
use chapter_04::body_parser::{BodyParser, BodyParserContext, BodyType};
use chapter_04::router::{AllowedMethodsOptions, Router, RouterContext, UrlOptions, UrlQuery};
use chapter_04::{Application, Body, Context, CookieOptions, HttpError, Next, TypeIs};
use serde_json::{Map, Value, json};

/// `ctx.state.trail`: the onion recorder's list.
#[derive(Clone)]
struct Trail(Vec<String>);

/// `ctx.state.hits`: what the first `/multi/:x` handler leaves for the second.
#[derive(Clone)]
struct Hits(Vec<String>);

// ---- the onion recorder -----------------------------------------------------------

/// `a>` on the way in, `<a` on the way out, then `X-Trail` (an error skips both).
async fn onion(ctx: &mut Context, next: Next<'_>) -> Result<(), HttpError> {
    ctx.state.insert(Trail(vec!["a>".into()]));
    next.run(ctx).await?;
    let mut trail = ctx.state.remove::<Trail>().unwrap_or(Trail(Vec::new()));
    trail.0.push("<a".into());
    ctx.set("X-Trail", trail.0.join(","))?;
    Ok(())
}

// ---- bodies ------------------------------------------------------------------------

async fn text(ctx: &mut Context) -> Result<(), HttpError> {
    ctx.set_body("hello");
    Ok(())
}

async fn html(ctx: &mut Context) -> Result<(), HttpError> {
    ctx.set_body("  <p>hi</p>");
    Ok(())
}

async fn json_body(ctx: &mut Context) -> Result<(), HttpError> {
    ctx.set_body(json!({ "a": 1, "list": [true, null, "x"], "nested": { "k": "v" } }));
    Ok(())
}

async fn buffer(ctx: &mut Context) -> Result<(), HttpError> {
    ctx.set_body(Bytes::from_static(b"bin\0ary"));
    Ok(())
}

async fn null(ctx: &mut Context) -> Result<(), HttpError> {
    ctx.set_body(Body::Null);
    Ok(())
}

async fn null_404(ctx: &mut Context) -> Result<(), HttpError> {
    ctx.set_status(404)?;
    ctx.set_body(Body::Null);
    Ok(())
}

// ---- status, message, type ---------------------------------------------------------

/// `Number(text)` for a status: anything that is not a whole number is Koa's assertion.
fn number(text: &str) -> Result<u16, HttpError> {
    text.parse()
        .map_err(|_| HttpError::from_message("status code must be a number"))
}

async fn status(ctx: &mut Context) -> Result<(), HttpError> {
    let code = number(ctx.param("code").unwrap_or(""))?;
    ctx.set_status(code)
}

async fn message(ctx: &mut Context) -> Result<(), HttpError> {
    ctx.set_status(200)?;
    ctx.set_message("Fine Thanks");
    Ok(())
}

async fn typed(ctx: &mut Context) -> Result<(), HttpError> {
    let kind = ctx.param("type").unwrap_or("").to_owned();
    ctx.set_type(&kind);
    ctx.set_body("typed");
    Ok(())
}

// ---- errors ------------------------------------------------------------------------

async fn throw(ctx: &mut Context) -> Result<(), HttpError> {
    match ctx.param("code").unwrap_or("").parse::<u16>() {
        Ok(code) => ctx.throw((code, "custom message")),
        // `ctx.throw(NaN, 'custom message')`: not a status, so a 500.
        Err(_) => ctx.throw("custom message"),
    }
}

async fn throw_plain(ctx: &mut Context) -> Result<(), HttpError> {
    ctx.throw(418)
}

async fn error(_ctx: &mut Context) -> Result<(), HttpError> {
    Err(std::io::Error::other("secret detail").into())
}

/// A plain `Error` with `status` and `headers` set by hand, as the JavaScript does: not
/// made by http-errors, so not `expose`d — the client reads `Forbidden`, not `nope`.
async fn error_headers(ctx: &mut Context) -> Result<(), HttpError> {
    ctx.set("X-Gone", "1")?;
    let mut err = HttpError::from_message("nope");
    err.status = 403;
    err.headers
        .insert("x-why", http::HeaderValue::from_static("because"));
    Err(err)
}

async fn assert(ctx: &mut Context) -> Result<(), HttpError> {
    let ok = ctx.query().get("ok") == Some("yes");
    ctx.assert(ok, 401, "need ok")?;
    ctx.set_body("ok");
    Ok(())
}

// ---- redirects and attachments -----------------------------------------------------

async fn redirect(ctx: &mut Context) -> Result<(), HttpError> {
    ctx.redirect("/text")
}

async fn redirect_abs(ctx: &mut Context) -> Result<(), HttpError> {
    ctx.redirect("http://Example.com/a b?x=ü")
}

async fn redirect_301(ctx: &mut Context) -> Result<(), HttpError> {
    ctx.set_status(301)?;
    ctx.redirect("/text")
}

async fn back(ctx: &mut Context) -> Result<(), HttpError> {
    ctx.redirect_back("/fallback")
}

async fn attachment(ctx: &mut Context) -> Result<(), HttpError> {
    let name = ctx.param("name").map(str::to_owned);
    ctx.attachment(name.as_deref())?;
    ctx.set_body("file body");
    Ok(())
}

// ---- the request, read back --------------------------------------------------------

async fn request(ctx: &mut Context) -> Result<(), HttpError> {
    let r = &ctx.request;
    let body = json!({
        "method": r.method().as_str(), "url": r.url(), "originalUrl": r.original_url(),
        "path": r.path(), "querystring": r.querystring(), "search": r.search(),
        "query": r.query().to_json(), "host": r.host(), "hostname": r.hostname(),
        "protocol": r.protocol(), "secure": r.secure(), "ip": r.ip(), "ips": r.ips(),
        "origin": r.origin(), "href": r.href(), "subdomains": r.subdomains(),
        "type": r.type_(), "charset": r.charset(), "length": r.length(),
        "idempotent": r.idempotent(), "fresh": ctx.fresh(), "stale": ctx.stale(),
    });
    ctx.set_body(body);
    Ok(())
}

async fn rewrite(ctx: &mut Context) -> Result<(), HttpError> {
    ctx.set_querystring("a=1&b=2");
    ctx.set_path("/rewritten");
    let body = json!({ "url": ctx.url(), "originalUrl": ctx.original_url(), "query": ctx.query().to_json() });
    ctx.set_body(body);
    Ok(())
}

async fn accepts(ctx: &mut Context) -> Result<(), HttpError> {
    let body = json!({
        "type": or_false(ctx.accepts(&["json", "html", "text"])),
        "types": ctx.request.accepts_list(),
        "encoding": or_false(ctx.accepts_encodings(&["gzip", "deflate", "identity"])),
        "encodings": ctx.request.accepts_encodings_list(),
        "charset": or_false(ctx.accepts_charsets(&["utf-8", "iso-8859-1"])),
        "language": or_false(ctx.accepts_languages(&["en", "zh-CN", "fr"])),
    });
    ctx.set_body(body);
    Ok(())
}

/// Koa's `false` for "none of these".
fn or_false(found: Option<String>) -> Value {
    found.map_or(Value::Bool(false), Value::String)
}

/// Koa's `null` / `false` / the matched type.
fn type_is(found: TypeIs) -> Value {
    match found {
        TypeIs::NoBody => Value::Null,
        TypeIs::NoMatch => Value::Bool(false),
        TypeIs::Match(found) => Value::String(found),
    }
}

async fn is(ctx: &mut Context) -> Result<(), HttpError> {
    let body = json!({
        "is": type_is(ctx.is(&[])), "json": type_is(ctx.is(&["json"])),
        "form": type_is(ctx.is(&["urlencoded"])), "text": type_is(ctx.is(&["text/*"])),
        "image": type_is(ctx.is(&["image/png", "png"])),
    });
    ctx.set_body(body);
    Ok(())
}

// ---- cookies -----------------------------------------------------------------------

async fn cookies_set(ctx: &mut Context) -> Result<(), HttpError> {
    let signed = CookieOptions {
        signed: Some(true),
        ..Default::default()
    };
    ctx.cookies().set("signed", Some("v1"), Some(signed))?;
    ctx.cookies().set("plain", Some("p1"), None)?;
    ctx.cookies().set("gone", None, None)?;
    ctx.set_body("set");
    Ok(())
}

async fn cookies_get(ctx: &mut Context) -> Result<(), HttpError> {
    let signed = ctx.cookies().get_signed("signed")?;
    let plain = ctx.cookies().get("plain");
    ctx.set_body(json!({ "signed": signed, "plain": plain }));
    Ok(())
}

async fn cookies_secure(ctx: &mut Context) -> Result<(), HttpError> {
    let secure = CookieOptions {
        secure: Some(true),
        ..Default::default()
    };
    ctx.cookies().set("s", Some("x"), Some(secure))?;
    ctx.set_body("ok");
    Ok(())
}

// ---- caching and headers -----------------------------------------------------------

async fn fresh(ctx: &mut Context) -> Result<(), HttpError> {
    ctx.set("ETag", "\"v1\"")?;
    ctx.set_last_modified(std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_704_067_200));
    let fresh = ctx.fresh();
    ctx.set_body(json!({ "fresh": fresh }));
    if ctx.fresh() {
        ctx.set_status(304)?;
    }
    Ok(())
}

async fn vary(ctx: &mut Context) -> Result<(), HttpError> {
    ctx.vary("Accept")?;
    ctx.vary("Accept-Encoding")?;
    ctx.vary("accept")?;
    ctx.set_body("v");
    Ok(())
}

async fn headers(ctx: &mut Context) -> Result<(), HttpError> {
    ctx.set("X-A", "1")?;
    ctx.append("X-B", "1")?;
    ctx.append("X-B", "2")?;
    ctx.set_many(&[("X-C", "c"), ("X-D", "d")])?;
    ctx.remove("X-C");
    let has = ctx.response.has("x-d");
    let get = match ctx.response.get_all("X-B").as_slice() {
        [one] => Value::from(*one),
        many => Value::from(many.to_vec()),
    };
    ctx.set_body(json!({ "has": has, "get": get }));
    Ok(())
}

async fn etag(ctx: &mut Context) -> Result<(), HttpError> {
    ctx.set_etag("abc")?;
    ctx.set_body("tagged");
    Ok(())
}

// ---- the router's own features -----------------------------------------------------

async fn onion_handler(ctx: &mut Context) -> Result<(), HttpError> {
    if let Some(trail) = ctx.state.get_mut::<Trail>() {
        trail.0.push("handler".into());
    }
    ctx.set_body("layers");
    Ok(())
}

/// `ctx.params` as Koa would serialise it.
fn params_json(ctx: &Context) -> Value {
    let mut map = Map::new();
    for (name, value) in ctx.params().iter() {
        map.insert(name.to_owned(), Value::from(value));
    }
    Value::Object(map)
}

// ANCHOR: user
async fn user(ctx: &mut Context) -> Result<(), HttpError> {
    let id = ctx.param("id").unwrap_or("").to_owned();
    ctx.set_body(json!({ "id": id }));
    Ok(())
}
// ANCHOR_END: user

async fn file(ctx: &mut Context) -> Result<(), HttpError> {
    let path = ctx.param("path").unwrap_or("").to_owned();
    ctx.set_body(json!({ "path": path }));
    Ok(())
}

async fn optional(ctx: &mut Context) -> Result<(), HttpError> {
    let params = params_json(ctx);
    ctx.set_body(params);
    Ok(())
}

async fn method(ctx: &mut Context) -> Result<(), HttpError> {
    let method = ctx.method().to_string();
    ctx.set_body(method);
    Ok(())
}

// ANCHOR: multi
async fn multi_first(ctx: &mut Context, next: Next<'_>) -> Result<(), HttpError> {
    ctx.state.insert(Hits(vec!["first".into()]));
    next.run(ctx).await
}

async fn multi_second(ctx: &mut Context) -> Result<(), HttpError> {
    let mut hits = ctx.state.get::<Hits>().cloned().unwrap_or(Hits(Vec::new()));
    hits.0.push("second".into());
    ctx.set_body(json!(hits.0));
    Ok(())
}
// ANCHOR_END: multi

// ANCHOR: item
async fn item(ctx: &mut Context) -> Result<(), HttpError> {
    let id = ctx.param("id").unwrap_or("").to_owned();
    let router_path = ctx.router_path().map(str::to_owned);
    ctx.set_body(json!({ "id": id, "routerPath": router_path }));
    Ok(())
}
// ANCHOR_END: item

async fn named(ctx: &mut Context) -> Result<(), HttpError> {
    let router = ctx
        .router()
        .ok_or_else(|| HttpError::from_message("no router"))?;
    let mut query = Map::new();
    query.insert("q".into(), Value::from("1 2"));
    let options = UrlOptions {
        query: Some(UrlQuery::from(query)),
        ..Default::default()
    };
    let url = router
        .url("user", json!({ "name": "a b/c" }), Some(options))
        .map_err(|e| HttpError::from_message(e.to_string()))?;
    ctx.set_body(json!({ "url": url }));
    Ok(())
}

// ANCHOR: echo
async fn echo(ctx: &mut Context) -> Result<(), HttpError> {
    let body = ctx.request_body_opt().cloned().unwrap_or(Value::Null);
    let raw = ctx.raw_body().map(str::to_owned);
    let kind = ctx.request.type_().to_owned();
    ctx.set_body(json!({ "body": body, "rawBody": raw, "type": kind }));
    Ok(())
}
// ANCHOR_END: echo

// ---- the app -----------------------------------------------------------------------

/// The showcase's routes, in the JavaScript's order.
fn router() -> Result<Router, chapter_04::router::RouterError> {
    let mut router = Router::new();
    router
        .get("/text", text)?
        .get("/html", html)?
        .get("/json", json_body)?
        .get("/buffer", buffer)?
        .get("/null", null)?
        .get("/null-404", null_404)?
        .get("/status/:code", status)?
        .get("/message", message)?
        .get("/type/:type", typed)?
        .get("/throw/:code", throw)?
        .get("/throw-plain", throw_plain)?
        .get("/error", error)?
        .get("/error-headers", error_headers)?
        .get("/assert", assert)?
        .get("/redirect", redirect)?
        .get("/redirect-abs", redirect_abs)?
        .get("/redirect-301", redirect_301)?
        .get("/back", back)?
        .get("/attachment/:name", attachment)?
        .get("/request", request)?
        .get("/rewrite", rewrite)?
        .get("/accepts", accepts)?
        .post("/is", is)?
        .get("/cookies/set", cookies_set)?
        .get("/cookies/get", cookies_get)?
        .get("/cookies/secure", cookies_secure)?
        .get("/fresh", fresh)?
        .get("/vary", vary)?
        .get("/headers", headers)?
        .get("/etag", etag)?
        .get("/onion", onion_handler)?
        .get("/users/:id", user)?
        .get("/files/:path(.*)", file)?
        .get("/opt/:a/:b?", optional)?
        .get("/things", method)?
        .put("/things", method)?
        .get("/multi/:x", multi_first)?
        .get("/multi/:x", multi_second)?;

    // ANCHOR: mount
    let mut api = Router::new();
    api.get("/items/:id", item)?;
    router.use_router_at("/api/v1", &api.routes())?;
    // ANCHOR_END: mount

    router.named("user").get("/named/:name", named)?;
    router.post("/echo", echo)?;
    router.redirect("/old", "/text", None)?;
    Ok(router)
}

// ANCHOR: app
/// The showcase app, with the settings of the JavaScript.
pub fn app() -> Application {
    let mut app = Application::new();
    app.settings.proxy = true;
    app.settings.max_ips_count = 0;
    app.settings.subdomain_offset = 2;
    app.settings.silent = true;
    app.set_keys(&["yolk key 2", "yolk key 1"]);
    let router = router().expect("the showcase's routes are valid");
    app.use_(onion);
    app.use_(BodyParser::default().enable_types(&[BodyType::Json, BodyType::Form, BodyType::Text]));
    app.use_(router.routes());
    app.use_(router.allowed_methods(AllowedMethodsOptions::default()));
    app
}
// ANCHOR_END: app

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let listening = app().listen(listen_arg()).await?;
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
