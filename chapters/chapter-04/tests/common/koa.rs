//! The Koa test app of chapter 02: one handler that routes by path by hand (the router
//! arrives in chapter 04), with the routes of the showcase that need no router.

use std::time::{Duration, UNIX_EPOCH};

use bytes::Bytes;
use chapter_04::{Application, Body, Context, HttpError, Listening};
use serde_json::json;

/// The app's handler.
pub async fn handler(ctx: &mut Context) -> Result<(), HttpError> {
    let path = ctx.path().to_owned();
    match path.as_str() {
        "/text" => ctx.set_body("hello"),
        "/html" => ctx.set_body("  <p>hi</p>"),
        "/json" => {
            ctx.set_body(json!({ "a": 1, "list": [true, null, "x"], "nested": { "k": "v" } }))
        }
        "/buffer" => ctx.set_body(Bytes::from_static(b"bin\0ary")),
        "/null" => ctx.set_body(Body::Null),
        "/null-404" => {
            ctx.set_status(404)?;
            ctx.set_body(Body::Null);
        }
        "/null-then-text" => {
            ctx.set_body(Body::Null);
            ctx.set_body("hi");
        }
        "/body-then-204" => {
            ctx.set_body("dropped");
            ctx.set_status(204)?;
        }
        "/message" => {
            ctx.set_status(200)?;
            ctx.set_message("Fine Thanks");
        }
        "/status-777" => ctx.set_status(777)?,
        "/throw-plain" => ctx.throw(418)?,
        "/throw" => ctx.throw((400, "custom message"))?,
        "/throw-500" => ctx.throw((500, "secret detail"))?,
        "/error" => {
            return Err(std::io::Error::other("secret detail").into());
        }
        "/error-headers" => {
            ctx.set("X-Gone", "1")?;
            let err = HttpError::with_message(403, "nope").with_header(
                http::HeaderName::from_static("x-why"),
                http::HeaderValue::from_static("because"),
            );
            return Err(err);
        }
        "/assert" => {
            let ok = ctx.query().get("ok") == Some("yes");
            ctx.assert(ok, 401, "need ok")?;
            ctx.set_body("ok");
        }
        "/stream" => {
            let chunks =
                ["one\n", "two\n", "three\n"].map(|c| Ok(Bytes::from_static(c.as_bytes())));
            ctx.set_body(Body::stream(futures_util::stream::iter(chunks)));
        }
        "/stream-missing-file" => {
            let missing = std::io::Error::new(std::io::ErrorKind::NotFound, "ENOENT: no such file");
            ctx.set_body(Body::stream(futures_util::stream::iter([Err(missing)])));
        }
        "/stream-fails-later" => {
            let chunks = vec![
                Ok(Bytes::from_static(b"partial")),
                Err(std::io::Error::other("disk gone")),
            ];
            ctx.set_body(Body::stream(futures_util::stream::iter(chunks)));
        }
        "/redirect" => ctx.redirect("/text")?,
        "/redirect-abs" => ctx.redirect("http://Example.com/a b?x=ü")?,
        "/redirect-301" => {
            ctx.set_status(301)?;
            ctx.redirect("/text")?;
        }
        "/back" => ctx.redirect_back("/fallback")?,
        "/attachment" => {
            ctx.attachment(Some("path/to/include-no-ascii-char-中文名-ok.png"))?;
            ctx.set_body("file body");
        }
        "/type-xml" => {
            ctx.set_type("xml");
            ctx.set_body("<a/>");
        }
        "/etag" => {
            ctx.set_etag("abc")?;
            ctx.set_body("tagged");
        }
        "/fresh" => {
            ctx.set("ETag", "\"v1\"")?;
            ctx.set_last_modified(UNIX_EPOCH + Duration::from_secs(1_704_067_200));
            let fresh = ctx.fresh();
            ctx.set_body(json!({ "fresh": fresh }));
            if ctx.fresh() {
                ctx.set_status(304)?;
            }
        }
        "/vary" => {
            ctx.vary("Accept")?;
            ctx.vary("Accept-Encoding")?;
            ctx.vary("accept")?;
            ctx.set_body("v");
        }
        "/headers" => {
            ctx.set("X-A", "1")?;
            ctx.append("X-B", "1")?;
            ctx.append("X-B", "2")?;
            ctx.set_many(&[("X-C", "c"), ("X-D", "d")])?;
            ctx.remove("X-C");
            let has = ctx.response.has("x-d");
            let get = ctx.response.get_all("X-B").join(",");
            ctx.set_body(json!({ "has": has, "get": get }));
        }
        "/cookies/set" => {
            ctx.cookies().set(
                "signed",
                Some("v1"),
                Some(chapter_04::CookieOptions {
                    signed: Some(true),
                    ..Default::default()
                }),
            )?;
            ctx.cookies().set("plain", Some("p1"), None)?;
            ctx.cookies().set("gone", None, None)?;
            ctx.set_body("set");
        }
        "/cookies/get" => {
            let signed = ctx.cookies().get_signed("signed")?;
            let plain = ctx.cookies().get("plain");
            ctx.set_body(json!({ "signed": signed, "plain": plain }));
        }
        "/cookies/secure" => {
            ctx.cookies().set(
                "s",
                Some("x"),
                Some(chapter_04::CookieOptions {
                    secure: Some(true),
                    ..Default::default()
                }),
            )?;
            ctx.set_body("ok");
        }
        "/flush" => {
            ctx.set_type("text");
            ctx.flush_headers()?;
            // Ignored: the head is gone.
            ctx.set("X-Too-Late", "1")?;
            let chunks = ["a", "b"].map(|c| Ok(Bytes::from_static(c.as_bytes())));
            ctx.set_body(Body::stream(futures_util::stream::iter(chunks)));
        }
        "/raw" => {
            ctx.respond = false;
            let res = ctx.res();
            res.status_code = 200;
            res.set_header("Content-Type", "text/plain")?;
            res.end("written by hand").await?;
        }
        "/request" => {
            let body = json!({
                "method": ctx.method().as_str(),
                "url": ctx.url(),
                "originalUrl": ctx.original_url(),
                "path": ctx.path(),
                "querystring": ctx.querystring(),
                "search": ctx.search(),
                "query": ctx.query().to_json(),
                "host": ctx.host(),
                "hostname": ctx.hostname(),
                "protocol": ctx.protocol(),
                "secure": ctx.secure(),
                "ip": ctx.ip(),
                "ips": ctx.ips(),
                "origin": ctx.origin(),
                "href": ctx.href(),
                "subdomains": ctx.subdomains(),
                "type": ctx.request.type_(),
                "charset": ctx.request.charset(),
                "length": ctx.request.length(),
                "idempotent": ctx.idempotent(),
                "fresh": ctx.fresh(),
                "stale": ctx.stale(),
            });
            ctx.set_body(body);
        }
        "/rewrite" => {
            ctx.set_querystring("a=1&b=2");
            ctx.set_path("/rewritten");
            let body = json!({ "url": ctx.url(), "originalUrl": ctx.original_url(), "query": ctx.query().to_json() });
            ctx.set_body(body);
        }
        "/accepts" => {
            let body = json!({
                "type": ctx.accepts(&["json", "html", "text"]),
                "types": ctx.request.accepts_list(),
                "encoding": ctx.accepts_encodings(&["gzip", "deflate", "identity"]),
                "encodings": ctx.request.accepts_encodings_list(),
                "charset": ctx.accepts_charsets(&["utf-8", "iso-8859-1"]),
                "language": ctx.accepts_languages(&["en", "zh-CN", "fr"]),
            });
            ctx.set_body(body);
        }
        "/is" => {
            let is = |t: chapter_04::TypeIs| match t {
                chapter_04::TypeIs::NoBody => serde_json::Value::Null,
                chapter_04::TypeIs::NoMatch => serde_json::Value::Bool(false),
                chapter_04::TypeIs::Match(m) => serde_json::Value::String(m),
            };
            let body = json!({
                "is": is(ctx.is(&[])),
                "json": is(ctx.is(&["json"])),
                "form": is(ctx.is(&["urlencoded"])),
                "text": is(ctx.is(&["text/*"])),
                "image": is(ctx.is(&["image/png", "png"])),
            });
            ctx.set_body(body);
        }
        _ => {}
    }
    Ok(())
}

/// The app with the showcase's settings.
pub fn app() -> Application {
    let mut app = Application::new();
    app.settings.proxy = true;
    app.settings.silent = true;
    app.set_keys(&["yolk key 2", "yolk key 1"]);
    app.use_(handler);
    app
}

/// Starts the app on a free loopback port.
pub async fn start() -> Listening {
    app()
        .listen("127.0.0.1:0")
        .await
        .expect("bind a loopback port")
}
