//! Koa's own tests of `ctx.response`, ported: every `it` under
//! [`__tests__/response/`](https://github.com/koajs/koa/tree/v2.16.4/__tests__/response)
//! at koa v2.16.4, one Rust test per upstream test, named after what it checks and
//! grouped by upstream file.
//!
//! Koa's tests build a context around a fake `req`/`res` (`test-helpers/context.js`);
//! ours is `app.callback().create_context(request)`, a context with no socket. Tests
//! that need the wire run the app in memory (`callback().request(…)`) or, where timing
//! or the connection matters, over a real socket.
//!
//! Not applicable — JavaScript-only mechanics, with the reason:
//! - body.js *should add error handler to the stream, but only once*: counts `'error'`
//!   listeners on a Node stream; a Rust stream's errors come back when it is polled,
//!   there is nothing to attach.
//! - header.js *should use res.getHeaders() accessor when available*: swaps a Node
//!   internal (`res._headers`) for a mock accessor.
//! - inspect.js *with no response.res present › should return null*: deletes `res` from
//!   the response object; a Rust `Response` cannot exist without what it describes.
//! - set.js *should coerce undefined to string*: Rust has no `undefined` to pass; `set`
//!   takes text or numbers (numbers are still coerced, see *should coerce number*).
//! - socket.js *should return the request socket object*: the connection belongs to
//!   hyper; our response has no socket object (the peer address is `ctx.req()`'s).
//! - status.js *when a status string › should throw*: `set_status` takes a `u16`, so a
//!   string status is a compile error rather than `status code must be a number`.
//! - attachment.js *fallback › should require a string or Boolean* and *type › should
//!   require a string*: the options are typed ([`Fallback`], `&str`), so `42` does not
//!   compile.
//!
//! Adapted: status.js's custom status 700 registers its phrase with `set_message` (Koa
//! mutates the global `statuses` table); last-modified.js's date string is an HTTP date
//! (JavaScript's `Date#toString` form is a JavaScript artefact); writable.js's "socket
//! closed" test is kept but ignored, see its comment.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use chapter_04::content_disposition::Fallback;
use chapter_04::{Application, Body, Context, HeaderText, HttpError, Response};
use http::Version;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::mpsc;

/// Koa's `context()` test helper: a context for `GET /` from `example.com`.
fn context() -> Context {
    context_with(&[])
}

/// A context whose request carries `headers` as well.
fn context_with(headers: &[(&str, &str)]) -> Context {
    let mut builder = http::Request::builder()
        .uri("/")
        .header("host", "example.com");
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    Application::new()
        .callback()
        .create_context(builder.body(Bytes::new()).unwrap())
}

/// A context for an HTTP/2 request.
fn http2_context() -> Context {
    let request = http::Request::builder()
        .version(Version::HTTP_2)
        .uri("/")
        .header("host", "example.com")
        .body(Bytes::new())
        .unwrap();
    Application::new().callback().create_context(request)
}

/// Koa's `response.header`: every header by lower-case name, a string for one value
/// and a list for several. Values are read as Latin-1, as Node hands them back.
fn koa_header(response: &Response) -> Value {
    let mut object = serde_json::Map::new();
    for name in response.headers().keys() {
        let values: Vec<String> = response
            .headers()
            .get_all(name)
            .iter()
            .map(|value| value.as_bytes().iter().map(|&b| char::from(b)).collect())
            .collect();
        let value = match values.as_slice() {
            [one] => Value::from(one.clone()),
            many => Value::from(many.to_vec()),
        };
        object.insert(name.as_str().to_owned(), value);
    }
    Value::Object(object)
}

/// One header of `response` as Koa's `response.header[name]` shows it.
fn header(response: &Response, name: &str) -> Value {
    koa_header(response)
        .get(name)
        .cloned()
        .unwrap_or(Value::Null)
}

/// A request for `/` as a test client sends it.
fn get_request() -> http::Request<Bytes> {
    http::Request::builder()
        .uri("/")
        .header("host", "example.com")
        .body(Bytes::new())
        .unwrap()
}

/// A header of an answer as text.
fn wire_header<'a>(res: &'a http::Response<Bytes>, name: &str) -> Option<&'a str> {
    res.headers().get(name).map(|v| v.to_str().unwrap())
}

/// A stream body yielding `chunks`.
fn stream_of(chunks: &[&'static str]) -> Body {
    let chunks: Vec<Result<Bytes, std::io::Error>> = chunks
        .iter()
        .map(|chunk| Ok(Bytes::from_static(chunk.as_bytes())))
        .collect();
    Body::stream(futures_util::stream::iter(chunks))
}

/// Reads from `stream` until a whole response head has arrived, failing after
/// [`common::WAIT`]. Returns everything read so far.
async fn read_head(stream: &mut TcpStream) -> Vec<u8> {
    let mut received = Vec::new();
    let mut buffer = [0u8; 4096];
    tokio::time::timeout(common::WAIT, async {
        while !received.windows(4).any(|w| w == b"\r\n\r\n") {
            let n = stream.read(&mut buffer).await.expect("read");
            assert!(n > 0, "the connection closed before a head arrived");
            received.extend_from_slice(&buffer[..n]);
        }
    })
    .await
    .expect("a response head in time");
    received
}

// ---------------------------------------------------------------------------------------
// __tests__/response/append.js
// ---------------------------------------------------------------------------------------

#[test]
fn append_adds_values_to_a_header() {
    let mut ctx = context();
    ctx.append("x-foo", "bar1").unwrap();
    ctx.append("x-foo", "bar2").unwrap();
    assert_eq!(header(&ctx.response, "x-foo"), json!(["bar1", "bar2"]));
}

#[test]
fn append_accepts_a_list_of_values() {
    let mut ctx = context();
    ctx.response
        .append_values("Set-Cookie", &["foo=bar", "fizz=buzz"])
        .unwrap();
    ctx.append("Set-Cookie", "hi=again").unwrap();
    assert_eq!(
        header(&ctx.response, "set-cookie"),
        json!(["foo=bar", "fizz=buzz", "hi=again"])
    );
}

#[test]
fn set_replaces_appended_values() {
    let mut ctx = context();
    ctx.append("Link", "<http://localhost/>").unwrap();
    ctx.append("Link", "<http://localhost:80/>").unwrap();
    ctx.set("Link", "<http://127.0.0.1/>").unwrap();
    assert_eq!(header(&ctx.response, "link"), json!("<http://127.0.0.1/>"));
}

#[test]
fn append_after_set_adds_to_the_set_value() {
    let mut ctx = context();
    ctx.set("Link", "<http://localhost/>").unwrap();
    ctx.append("Link", "<http://localhost:80/>").unwrap();
    assert_eq!(
        header(&ctx.response, "link"),
        json!(["<http://localhost/>", "<http://localhost:80/>"])
    );
}

// ---------------------------------------------------------------------------------------
// __tests__/response/attachment.js
// ---------------------------------------------------------------------------------------

#[test]
fn attachment_sets_the_base_name_as_filename() {
    let mut ctx = context();
    ctx.attachment(Some("path/to/tobi.png")).unwrap();
    assert_eq!(
        header(&ctx.response, "content-disposition"),
        json!(r#"attachment; filename="tobi.png""#)
    );
}

#[test]
fn attachment_without_a_filename_has_no_filename_param() {
    let mut ctx = context();
    ctx.attachment(None).unwrap();
    assert_eq!(
        header(&ctx.response, "content-disposition"),
        json!("attachment")
    );
}

#[test]
fn attachment_with_a_non_ascii_filename_adds_the_encoded_name() {
    let mut ctx = context();
    ctx.attachment(Some("path/to/include-no-ascii-char-中文名-ok.png"))
        .unwrap();
    assert_eq!(
        header(&ctx.response, "content-disposition"),
        json!(
            "attachment; filename=\"include-no-ascii-char-???-ok.png\"; filename*=UTF-8''include-no-ascii-char-%E4%B8%AD%E6%96%87%E5%90%8D-ok.png"
        )
    );
}

#[tokio::test]
async fn attachment_with_a_non_ascii_filename_reaches_the_client() {
    let mut app = Application::new();
    app.use_(async |ctx: &mut Context| -> Result<(), HttpError> {
        ctx.attachment(Some("path/to/include-no-ascii-char-中文名-ok.json"))?;
        ctx.set_body(json!({ "foo": "bar" }));
        Ok(())
    });
    let res = app.callback().request(get_request()).await;
    assert_eq!(res.status(), 200);
    assert_eq!(
        wire_header(&res, "content-disposition"),
        Some(
            "attachment; filename=\"include-no-ascii-char-???-ok.json\"; filename*=UTF-8''include-no-ascii-char-%E4%B8%AD%E6%96%87%E5%90%8D-ok.json"
        )
    );
    let body: Value = serde_json::from_slice(res.body()).unwrap();
    assert_eq!(body, json!({ "foo": "bar" }));
}

#[test]
fn attachment_fallback_defaults_to_a_latin1_copy() {
    let mut ctx = context();
    ctx.attachment(Some("€ rates.pdf")).unwrap();
    assert_eq!(
        header(&ctx.response, "content-disposition"),
        json!("attachment; filename=\"? rates.pdf\"; filename*=UTF-8''%E2%82%AC%20rates.pdf")
    );
}

#[test]
fn attachment_fallback_false_writes_no_latin1_copy() {
    let mut ctx = context();
    ctx.response
        .attachment_with(Some("£ and € rates.pdf"), "", Fallback::Disabled)
        .unwrap();
    assert_eq!(
        header(&ctx.response, "content-disposition"),
        json!("attachment; filename*=UTF-8''%C2%A3%20and%20%E2%82%AC%20rates.pdf")
    );
}

#[test]
fn attachment_fallback_false_keeps_a_latin1_filename() {
    let mut ctx = context();
    ctx.response
        .attachment_with(Some("£ rates.pdf"), "", Fallback::Disabled)
        .unwrap();
    assert_eq!(
        header(&ctx.response, "content-disposition"),
        json!("attachment; filename=\"£ rates.pdf\"")
    );
}

#[test]
fn attachment_fallback_true_writes_a_latin1_copy() {
    let mut ctx = context();
    ctx.response
        .attachment_with(Some("£ and € rates.pdf"), "", Fallback::Auto)
        .unwrap();
    assert_eq!(
        header(&ctx.response, "content-disposition"),
        json!(
            "attachment; filename=\"£ and ? rates.pdf\"; filename*=UTF-8''%C2%A3%20and%20%E2%82%AC%20rates.pdf"
        )
    );
}

#[test]
fn attachment_fallback_true_passes_a_latin1_filename_through() {
    let mut ctx = context();
    ctx.response
        .attachment_with(Some("£ rates.pdf"), "", Fallback::Auto)
        .unwrap();
    assert_eq!(
        header(&ctx.response, "content-disposition"),
        json!("attachment; filename=\"£ rates.pdf\"")
    );
}

#[test]
fn attachment_fallback_string_must_be_latin1() {
    let mut ctx = context();
    let err = ctx
        .response
        .attachment_with(Some("€ rates.pdf"), "", Fallback::Name("€ rates.pdf"))
        .unwrap_err();
    assert_eq!(err.message, "fallback must be ISO-8859-1 string");
}

#[test]
fn attachment_fallback_string_is_the_latin1_copy() {
    let mut ctx = context();
    ctx.response
        .attachment_with(
            Some("£ and € rates.pdf"),
            "",
            Fallback::Name("£ and EURO rates.pdf"),
        )
        .unwrap();
    assert_eq!(
        header(&ctx.response, "content-disposition"),
        json!(
            "attachment; filename=\"£ and EURO rates.pdf\"; filename*=UTF-8''%C2%A3%20and%20%E2%82%AC%20rates.pdf"
        )
    );
}

#[test]
fn attachment_fallback_string_is_used_even_for_a_latin1_filename() {
    let mut ctx = context();
    ctx.response
        .attachment_with(Some("\"£ rates\".pdf"), "", Fallback::Name("£ rates.pdf"))
        .unwrap();
    assert_eq!(
        header(&ctx.response, "content-disposition"),
        json!("attachment; filename=\"£ rates.pdf\"; filename*=UTF-8''%22%C2%A3%20rates%22.pdf")
    );
}

#[test]
fn attachment_fallback_string_equal_to_the_filename_changes_nothing() {
    let mut ctx = context();
    ctx.response
        .attachment_with(Some("plans.pdf"), "", Fallback::Name("plans.pdf"))
        .unwrap();
    assert_eq!(
        header(&ctx.response, "content-disposition"),
        json!("attachment; filename=\"plans.pdf\"")
    );
}

#[test]
fn attachment_fallback_string_uses_its_base_name() {
    let mut ctx = context();
    ctx.response
        .attachment_with(
            Some("€ rates.pdf"),
            "",
            Fallback::Name("/path/to/EURO rates.pdf"),
        )
        .unwrap();
    assert_eq!(
        header(&ctx.response, "content-disposition"),
        json!("attachment; filename=\"EURO rates.pdf\"; filename*=UTF-8''%E2%82%AC%20rates.pdf")
    );
}

#[test]
fn attachment_fallback_string_without_a_filename_does_nothing() {
    let mut ctx = context();
    ctx.response
        .attachment_with(None, "", Fallback::Name("plans.pdf"))
        .unwrap();
    assert_eq!(
        header(&ctx.response, "content-disposition"),
        json!("attachment")
    );
}

#[test]
fn attachment_type_defaults_to_attachment() {
    let mut ctx = context();
    ctx.attachment(None).unwrap();
    assert_eq!(
        header(&ctx.response, "content-disposition"),
        json!("attachment")
    );
}

#[test]
fn attachment_type_must_be_a_token() {
    let mut ctx = context();
    let err = ctx
        .response
        .attachment_with(None, "invlaid;type", Fallback::Auto)
        .unwrap_err();
    assert_eq!(err.message, "invalid type");
}

#[test]
fn attachment_type_inline() {
    let mut ctx = context();
    ctx.response
        .attachment_with(None, "inline", Fallback::Auto)
        .unwrap();
    assert_eq!(
        header(&ctx.response, "content-disposition"),
        json!("inline")
    );
}

#[test]
fn attachment_type_inline_with_a_filename() {
    let mut ctx = context();
    ctx.response
        .attachment_with(Some("plans.pdf"), "inline", Fallback::Auto)
        .unwrap();
    assert_eq!(
        header(&ctx.response, "content-disposition"),
        json!("inline; filename=\"plans.pdf\"")
    );
}

#[test]
fn attachment_type_is_lower_cased() {
    let mut ctx = context();
    ctx.response
        .attachment_with(None, "INLINE", Fallback::Auto)
        .unwrap();
    assert_eq!(
        header(&ctx.response, "content-disposition"),
        json!("inline")
    );
}

// ---------------------------------------------------------------------------------------
// __tests__/response/body.js
// ---------------------------------------------------------------------------------------

#[test]
fn body_keeps_a_content_type_set_before() {
    let mut ctx = context();
    ctx.set_type("png");
    ctx.set_body(Bytes::from_static(b"something"));
    assert_eq!(header(&ctx.response, "content-type"), json!("image/png"));
}

#[test]
fn body_object_overrides_the_content_type_as_json() {
    let mut ctx = context();
    ctx.set_body("<em>hey</em>");
    assert_eq!(
        header(&ctx.response, "content-type"),
        json!("text/html; charset=utf-8")
    );
    ctx.set_body(json!({ "foo": "bar" }));
    assert_eq!(
        header(&ctx.response, "content-type"),
        json!("application/json; charset=utf-8")
    );
}

#[test]
fn body_sets_the_length_even_with_a_type_set_before() {
    let mut ctx = context();
    ctx.set_type("html");
    ctx.set_body("something");
    assert_eq!(ctx.length(), Some(9));
}

#[test]
fn body_string_defaults_to_text() {
    let mut ctx = context();
    ctx.set_body("Tobi");
    assert_eq!(
        header(&ctx.response, "content-type"),
        json!("text/plain; charset=utf-8")
    );
}

#[test]
fn body_string_sets_the_length() {
    let mut ctx = context();
    ctx.set_body("Tobi");
    assert_eq!(header(&ctx.response, "content-length"), json!("4"));
}

#[test]
fn body_string_with_a_non_leading_angle_bracket_is_text() {
    let mut ctx = context();
    ctx.set_body("aklsdjf < klajsdlfjasd");
    assert_eq!(
        header(&ctx.response, "content-type"),
        json!("text/plain; charset=utf-8")
    );
}

#[test]
fn body_html_string_defaults_to_html() {
    let mut ctx = context();
    ctx.set_body("<h1>Tobi</h1>");
    assert_eq!(
        header(&ctx.response, "content-type"),
        json!("text/html; charset=utf-8")
    );
}

#[test]
fn body_html_string_sets_the_length() {
    let text = "<h1>Tobi</h1>";
    let mut ctx = context();
    ctx.set_body(text);
    assert_eq!(ctx.length(), Some(text.len() as u64));
}

#[test]
fn body_html_string_sets_the_length_again_when_overridden() {
    let text = "<h1>Tobi</h1>";
    let mut ctx = context();
    ctx.set_body(text);
    ctx.set_body(format!("{text}{text}"));
    assert_eq!(ctx.length(), Some(2 * text.len() as u64));
}

#[test]
fn body_html_string_with_leading_whitespace_is_html() {
    let mut ctx = context();
    ctx.set_body("    <h1>Tobi</h1>");
    assert_eq!(
        header(&ctx.response, "content-type"),
        json!("text/html; charset=utf-8")
    );
}

#[test]
fn body_xml_string_is_sniffed_as_html() {
    let mut ctx = context();
    ctx.set_body("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<俄语>данные</俄语>");
    assert_eq!(
        header(&ctx.response, "content-type"),
        json!("text/html; charset=utf-8")
    );
}

#[test]
fn body_stream_defaults_to_an_octet_stream() {
    let mut ctx = context();
    ctx.set_body(stream_of(&["MIT License"]));
    assert_eq!(
        header(&ctx.response, "content-type"),
        json!("application/octet-stream")
    );
}

#[test]
fn body_bytes_default_to_an_octet_stream() {
    let mut ctx = context();
    ctx.set_body(Bytes::from_static(b"hey"));
    assert_eq!(
        header(&ctx.response, "content-type"),
        json!("application/octet-stream")
    );
}

#[test]
fn body_bytes_set_the_length() {
    let mut ctx = context();
    ctx.set_body(Bytes::from_static(b"Tobi"));
    assert_eq!(header(&ctx.response, "content-length"), json!("4"));
}

#[test]
fn body_object_defaults_to_json() {
    let mut ctx = context();
    ctx.set_body(json!({ "foo": "bar" }));
    assert_eq!(
        header(&ctx.response, "content-type"),
        json!("application/json; charset=utf-8")
    );
}

// ---------------------------------------------------------------------------------------
// __tests__/response/etag.js
// ---------------------------------------------------------------------------------------

#[test]
fn etag_with_quotes_is_kept() {
    let mut ctx = context();
    ctx.set_etag("\"asdf\"").unwrap();
    assert_eq!(header(&ctx.response, "etag"), json!("\"asdf\""));
}

#[test]
fn etag_weak_is_kept() {
    let mut ctx = context();
    ctx.set_etag("W/\"asdf\"").unwrap();
    assert_eq!(header(&ctx.response, "etag"), json!("W/\"asdf\""));
}

#[test]
fn etag_without_quotes_gets_them() {
    let mut ctx = context();
    ctx.set_etag("asdf").unwrap();
    assert_eq!(header(&ctx.response, "etag"), json!("\"asdf\""));
}

#[test]
fn etag_getter_returns_the_etag() {
    let mut ctx = context();
    ctx.set_etag("\"asdf\"").unwrap();
    assert_eq!(ctx.etag(), "\"asdf\"");
}

// ---------------------------------------------------------------------------------------
// __tests__/response/flushHeaders.js
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn flush_headers_marks_the_head_sent() {
    let mut app = Application::new();
    app.use_(async |ctx: &mut Context| -> Result<(), HttpError> {
        ctx.set_body("Body");
        ctx.set_status(200)?;
        ctx.flush_headers()?;
        assert!(ctx.res().headers_sent());
        assert!(ctx.header_sent());
        Ok(())
    });
    let res = app.callback().request(get_request()).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.body().as_ref(), b"Body");
}

#[tokio::test]
async fn flush_headers_still_allows_a_body_afterwards() {
    let mut app = Application::new();
    app.use_(async |ctx: &mut Context| -> Result<(), HttpError> {
        ctx.set_status(200)?;
        ctx.res().set_header("Content-Type", "text/plain")?;
        ctx.flush_headers()?;
        ctx.set_body("Body");
        Ok(())
    });
    let res = app.callback().request(get_request()).await;
    assert_eq!(res.status(), 200);
    assert_eq!(wire_header(&res, "content-type"), Some("text/plain"));
    assert_eq!(res.body().as_ref(), b"Body");
}

#[tokio::test]
async fn flush_headers_sends_the_status_set_before() {
    let mut app = Application::new();
    app.use_(async |ctx: &mut Context| -> Result<(), HttpError> {
        ctx.set_status(401)?;
        ctx.res().set_header("Content-Type", "text/plain")?;
        ctx.flush_headers()?;
        ctx.set_body("Body");
        Ok(())
    });
    let res = app.callback().request(get_request()).await;
    assert_eq!(res.status(), 401);
    assert_eq!(wire_header(&res, "content-type"), Some("text/plain"));
    assert_eq!(res.body().as_ref(), b"Body");
}

#[tokio::test]
async fn flush_headers_ignores_header_changes_afterwards() {
    let mut app = Application::new();
    app.use_(async |ctx: &mut Context| -> Result<(), HttpError> {
        ctx.set_status(401)?;
        ctx.res().set_header("Content-Type", "text/plain")?;
        ctx.flush_headers()?;
        ctx.set_body("foo");
        ctx.set("X-Shouldnt-Work", "Value")?;
        ctx.remove("Content-Type");
        ctx.vary("Content-Type")?;
        Ok(())
    });
    let res = app.callback().request(get_request()).await;
    assert_eq!(res.status(), 401);
    assert_eq!(wire_header(&res, "content-type"), Some("text/plain"));
    assert_eq!(wire_header(&res, "x-shouldnt-work"), None);
    assert_eq!(wire_header(&res, "vary"), None);
}

/// The chunks a test feeds to the stream body of "flush headers first".
type Feed = Arc<Mutex<Option<mpsc::Receiver<Bytes>>>>;

#[tokio::test]
async fn flush_headers_sends_the_head_before_any_data() {
    let (feed, chunks) = mpsc::channel::<Bytes>(1);
    let mut app = Application::new();
    app.context
        .insert::<Feed>(Arc::new(Mutex::new(Some(chunks))));
    app.use_(async |ctx: &mut Context| -> Result<(), HttpError> {
        let chunks = ctx.app_data::<Feed>().unwrap().lock().unwrap().take();
        let chunks = chunks.expect("one request");
        let stream = futures_util::stream::unfold(chunks, |mut chunks| async move {
            chunks.recv().await.map(|chunk| (Ok(chunk), chunks))
        });
        ctx.set_type("json");
        ctx.set_status(200)?;
        ctx.set_body(Body::stream(stream));
        ctx.flush_headers()?;
        Ok(())
    });
    let server = app.listen("127.0.0.1:0").await.unwrap();
    let mut client = TcpStream::connect(server.local_addr()).await.unwrap();
    client
        .write_all(b"GET / HTTP/1.1\r\nHost: example.com\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    // The stream has produced nothing yet, and cannot until `feed` sends: whatever
    // arrived is the flushed head alone.
    let head = read_head(&mut client).await;
    let parsed = String::from_utf8_lossy(&head).into_owned();
    assert!(parsed.starts_with("HTTP/1.1 200 OK\r\n"), "{parsed}");
    assert!(
        parsed.contains("Content-Type: application/json; charset=utf-8\r\n"),
        "{parsed}"
    );
    assert!(
        head.ends_with(b"\r\n\r\n"),
        "data before the stream had any"
    );
    feed.send(Bytes::from_static(br#"{"message":"hello!"}"#))
        .await
        .unwrap();
    drop(feed);
    let mut rest = head;
    rest.extend(common::read_to_close(&mut client).await);
    let answer = common::parse_response(&rest);
    assert_eq!(answer.body, br#"{"message":"hello!"}"#);
    server.close().await;
}

#[tokio::test]
async fn flush_headers_then_a_failing_stream_reaches_the_error_event() {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let mut app = Application::new();
    let sink = seen.clone();
    app.on_error(move |err, _ctx| {
        sink.lock()
            .unwrap()
            .push((err.message.clone(), err.header_sent));
    });
    app.use_(async |ctx: &mut Context| -> Result<(), HttpError> {
        ctx.set_type("json");
        ctx.set_status(200)?;
        ctx.set_length(20);
        ctx.flush_headers()?;
        let failing = [Err(std::io::Error::other("mock error"))];
        ctx.set_body(Body::stream(futures_util::stream::iter(failing)));
        Ok(())
    });
    let res = app.callback().request(get_request()).await;
    assert_eq!(res.status(), 200);
    assert_eq!(*seen.lock().unwrap(), [("mock error".to_owned(), true)]);
}

// ---------------------------------------------------------------------------------------
// __tests__/response/has.js
// ---------------------------------------------------------------------------------------

#[test]
fn has_is_case_insensitive_and_counts_empty_values() {
    let mut ctx = context();
    ctx.set("X-Foo", "").unwrap();
    assert!(ctx.response.has("x-Foo"));
    assert!(ctx.has("x-foo"));
}

#[test]
fn has_is_false_for_a_missing_header() {
    let mut ctx = context();
    assert!(!ctx.response.has("boo"));
    ctx.set("x-foo", 5).unwrap();
    assert!(!ctx.has("x-boo"));
}

// ---------------------------------------------------------------------------------------
// __tests__/response/header.js
// ---------------------------------------------------------------------------------------

#[test]
fn header_is_every_header_by_lower_case_name() {
    let mut ctx = context();
    ctx.set("X-Foo", "bar").unwrap();
    ctx.set("X-Number", 200).unwrap();
    assert_eq!(
        koa_header(&ctx.response),
        json!({ "x-foo": "bar", "x-number": "200" })
    );
}

#[tokio::test]
async fn header_is_every_header_in_a_real_request() {
    let mut app = Application::new();
    app.use_(async |ctx: &mut Context| -> Result<(), HttpError> {
        ctx.set("x-foo", "42")?;
        let snapshot = koa_header(&ctx.response);
        ctx.set_body(snapshot);
        Ok(())
    });
    let res = app.callback().request(get_request()).await;
    let snapshot: Value = serde_json::from_slice(res.body()).unwrap();
    assert_eq!(snapshot, json!({ "x-foo": "42" }));
}

#[test]
fn header_of_a_fresh_response_is_empty() {
    let ctx = context();
    assert!(ctx.response.headers().is_empty());
    assert_eq!(koa_header(&ctx.response), json!({}));
}

// ---------------------------------------------------------------------------------------
// __tests__/response/headers.js
// ---------------------------------------------------------------------------------------

#[test]
fn headers_is_every_header_by_lower_case_name() {
    let mut ctx = context();
    ctx.set("X-Foo", "bar").unwrap();
    assert_eq!(koa_header(&ctx.response), json!({ "x-foo": "bar" }));
    assert_eq!(ctx.response.headers().len(), 1);
}

#[test]
fn headers_of_a_fresh_response_is_empty() {
    let ctx = context();
    assert_eq!(ctx.response.headers().len(), 0);
}

// ---------------------------------------------------------------------------------------
// __tests__/response/inspect.js
// ---------------------------------------------------------------------------------------

#[test]
fn inspect_is_status_message_header_and_body() {
    let mut ctx = context();
    ctx.set_body("hello");
    assert_eq!(
        ctx.response.inspect(),
        json!({
            "status": 200,
            "message": "OK",
            "header": {
                "content-type": "text/plain; charset=utf-8",
                "content-length": "5"
            },
            "body": "hello"
        })
    );
}

// ---------------------------------------------------------------------------------------
// __tests__/response/is.js
// ---------------------------------------------------------------------------------------

#[test]
fn is_ignores_parameters() {
    let mut ctx = context();
    ctx.set_type("text/html; charset=utf-8");
    assert_eq!(ctx.response.is(&["text/*"]).as_deref(), Some("text/html"));
}

#[test]
fn is_without_a_type_is_false() {
    let ctx = context();
    assert_eq!(ctx.response.is(&[]), None);
    assert_eq!(ctx.response.is(&["html"]), None);
}

#[test]
fn is_without_arguments_returns_the_type() {
    let mut ctx = context();
    ctx.set_type("text/html; charset=utf-8");
    assert_eq!(ctx.response.is(&[]).as_deref(), Some("text/html"));
}

#[test]
fn is_with_one_type_returns_it_or_false() {
    let mut ctx = context();
    ctx.set_type("image/png");
    let res = &ctx.response;
    assert_eq!(res.is(&["png"]).as_deref(), Some("png"));
    assert_eq!(res.is(&[".png"]).as_deref(), Some(".png"));
    assert_eq!(res.is(&["image/png"]).as_deref(), Some("image/png"));
    assert_eq!(res.is(&["image/*"]).as_deref(), Some("image/png"));
    assert_eq!(res.is(&["*/png"]).as_deref(), Some("image/png"));
    assert_eq!(res.is(&["jpeg"]), None);
    assert_eq!(res.is(&[".jpeg"]), None);
    assert_eq!(res.is(&["image/jpeg"]), None);
    assert_eq!(res.is(&["text/*"]), None);
    assert_eq!(res.is(&["*/jpeg"]), None);
}

#[test]
fn is_with_several_types_returns_the_first_match_or_false() {
    let mut ctx = context();
    ctx.set_type("image/png");
    let res = &ctx.response;
    assert_eq!(res.is(&["png"]).as_deref(), Some("png"));
    assert_eq!(res.is(&[".png"]).as_deref(), Some(".png"));
    // Koa accepts the types as arguments or as one array; a slice is both here.
    assert_eq!(res.is(&["text/*", "image/*"]).as_deref(), Some("image/png"));
    assert_eq!(res.is(&["image/*", "text/*"]).as_deref(), Some("image/png"));
    assert_eq!(
        res.is(&["image/*", "image/png"]).as_deref(),
        Some("image/png")
    );
    assert_eq!(
        res.is(&["image/png", "image/*"]).as_deref(),
        Some("image/png")
    );
    assert_eq!(res.is(&["jpeg"]), None);
    assert_eq!(res.is(&[".jpeg"]), None);
    assert_eq!(res.is(&["text/*", "application/*"]), None);
    assert_eq!(
        res.is(&["text/html", "text/plain", "application/json; charset=utf-8"]),
        None
    );
}

#[test]
fn is_matches_urlencoded_for_a_form_type() {
    let mut ctx = context();
    ctx.set_type("application/x-www-form-urlencoded");
    let res = &ctx.response;
    assert_eq!(res.is(&["urlencoded"]).as_deref(), Some("urlencoded"));
    assert_eq!(
        res.is(&["json", "urlencoded"]).as_deref(),
        Some("urlencoded")
    );
    assert_eq!(
        res.is(&["urlencoded", "json"]).as_deref(),
        Some("urlencoded")
    );
}

// ---------------------------------------------------------------------------------------
// __tests__/response/last-modified.js
// ---------------------------------------------------------------------------------------

#[test]
fn last_modified_is_written_as_an_http_date() {
    let mut ctx = context();
    let now = SystemTime::now();
    ctx.set_last_modified(now);
    assert_eq!(
        header(&ctx.response, "last-modified"),
        json!(httpdate::fmt_http_date(now))
    );
}

#[test]
fn last_modified_accepts_a_date_string() {
    let mut ctx = context();
    let now = SystemTime::now();
    let text = httpdate::fmt_http_date(now);
    ctx.response.set_last_modified_str(&text).unwrap();
    assert_eq!(header(&ctx.response, "last-modified"), json!(text));
    // Koa would write the literal `Invalid Date`; ours refuses.
    assert!(ctx.response.set_last_modified_str("not a date").is_err());
    assert_eq!(header(&ctx.response, "last-modified"), json!(text));
}

#[test]
fn last_modified_reads_back_to_the_second() {
    let mut ctx = context();
    let now = SystemTime::now();
    ctx.set_last_modified(now);
    let secs = |t: SystemTime| t.duration_since(UNIX_EPOCH).unwrap().as_secs();
    assert_eq!(ctx.last_modified().map(secs), Some(secs(now)));
}

#[test]
fn last_modified_is_absent_when_not_set() {
    let ctx = context();
    assert_eq!(ctx.last_modified(), None);
}

// ---------------------------------------------------------------------------------------
// __tests__/response/length.js
// ---------------------------------------------------------------------------------------

#[test]
fn length_reads_a_content_length_header() {
    let mut ctx = context();
    ctx.set("Content-Length", "1024").unwrap();
    assert_eq!(ctx.length(), Some(1024));
}

#[test]
fn length_of_a_non_numeric_content_length_is_0() {
    let mut ctx = context();
    ctx.set("Content-Length", "hey").unwrap();
    assert_eq!(ctx.length(), Some(0));
}

#[test]
fn length_without_content_length_comes_from_the_body() {
    let mut ctx = context();
    ctx.set_body("foo");
    ctx.remove("Content-Length");
    assert_eq!(ctx.length(), Some(3));
    ctx.set_body("foo");
    assert_eq!(ctx.length(), Some(3));
    ctx.set_body(Bytes::from_static(b"foo bar"));
    ctx.remove("Content-Length");
    assert_eq!(ctx.length(), Some(7));
    ctx.set_body(Bytes::from_static(b"foo bar"));
    assert_eq!(ctx.length(), Some(7));
    ctx.set_body(json!({ "hello": "world" }));
    ctx.remove("Content-Length");
    assert_eq!(ctx.length(), Some(17));
    ctx.set_body(json!({ "hello": "world" }));
    assert_eq!(ctx.length(), Some(17));
    ctx.set_body(stream_of(&["{}"]));
    assert_eq!(ctx.length(), None);
    ctx.set_body(Body::Null);
    assert_eq!(ctx.length(), None);
}

#[test]
fn length_without_content_length_or_body_is_absent() {
    let ctx = context();
    assert_eq!(ctx.length(), None);
}

#[test]
fn length_setter_sets_content_length() {
    let mut ctx = context();
    ctx.set_length(100);
    assert_eq!(ctx.length(), Some(100));
}

#[test]
fn length_setter_does_nothing_when_transfer_encoding_is_set() {
    let mut ctx = context();
    ctx.set("Transfer-Encoding", "chunked").unwrap();
    ctx.set_length(100);
    assert_eq!(ctx.length(), None);
}

// ---------------------------------------------------------------------------------------
// __tests__/response/message.js
// ---------------------------------------------------------------------------------------

#[test]
fn message_is_the_status_text() {
    let mut ctx = context();
    ctx.set_status(200).unwrap();
    assert_eq!(ctx.message(), Some("OK"));
}

#[test]
fn message_not_set_comes_from_the_status_table() {
    // Koa sets `res.statusCode` behind the setter's back; a fresh response is the
    // same state here: a code (404) and no phrase of its own.
    let ctx = context();
    assert_eq!(ctx.response.status_message(), None);
    assert_eq!(ctx.message(), Some("Not Found"));
}

#[test]
fn message_setter_sets_the_status_message() {
    let mut ctx = context();
    ctx.set_status(200).unwrap();
    ctx.set_message("ok");
    assert_eq!(ctx.response.status_message(), Some("ok"));
    assert_eq!(ctx.response.inspect()["message"], json!("ok"));
}

// ---------------------------------------------------------------------------------------
// __tests__/response/redirect.js
// ---------------------------------------------------------------------------------------

#[test]
fn redirect_goes_to_the_given_url() {
    let mut ctx = context();
    ctx.redirect("http://google.com").unwrap();
    assert_eq!(
        header(&ctx.response, "location"),
        json!("http://google.com/")
    );
    assert_eq!(ctx.status(), 302);
}

#[test]
fn redirect_normalises_a_backslash_before_the_at_sign() {
    let mut ctx = context();
    ctx.redirect("http://google.com\\@apple.com").unwrap();
    assert_eq!(
        header(&ctx.response, "location"),
        json!("http://google.com/@apple.com")
    );
    assert_eq!(ctx.status(), 302);
}

#[test]
fn redirect_normalises_scheme_and_host_case_but_not_the_path() {
    let mut ctx = context();
    ctx.redirect("HTTP://google.com\\@apple.coM/okoK").unwrap();
    assert_eq!(
        header(&ctx.response, "location"),
        json!("http://google.com/@apple.coM/okoK")
    );
    assert_eq!(ctx.status(), 302);
}

#[tokio::test]
async fn redirect_percent_encodes_the_location() {
    let mut app = Application::new();
    app.use_(async |ctx: &mut Context| -> Result<(), HttpError> {
        ctx.redirect("http://google.com/😓")
    });
    let res = app.callback().request(get_request()).await;
    assert_eq!(res.status(), 302);
    assert_eq!(
        wire_header(&res, "location"),
        Some("http://google.com/%F0%9F%98%93")
    );
}

#[test]
fn redirect_back_goes_to_the_referrer() {
    let mut ctx = context_with(&[("referrer", "/login")]);
    ctx.redirect("back").unwrap();
    assert_eq!(header(&ctx.response, "location"), json!("/login"));
}

#[test]
fn redirect_back_defaults_to_alt() {
    let mut ctx = context();
    ctx.redirect_back("/index.html").unwrap();
    assert_eq!(header(&ctx.response, "location"), json!("/index.html"));
}

#[test]
fn redirect_back_defaults_to_the_root() {
    let mut ctx = context();
    ctx.redirect("back").unwrap();
    assert_eq!(header(&ctx.response, "location"), json!("/"));
}

#[test]
fn redirect_back_follows_a_same_origin_referrer() {
    let mut ctx = context_with(&[("referrer", "https://example.com/login")]);
    ctx.redirect("back").unwrap();
    assert_eq!(
        header(&ctx.response, "location"),
        json!("https://example.com/login")
    );
}

#[test]
fn redirect_back_ignores_a_referrer_from_another_origin() {
    let mut ctx = context_with(&[("referrer", "https://other.com/login")]);
    ctx.redirect("back").unwrap();
    assert_eq!(header(&ctx.response, "location"), json!("/"));
}

#[test]
fn redirect_back_ignores_a_protocol_relative_referrer() {
    let mut ctx = context_with(&[("referrer", "//evil.com/login/")]);
    ctx.redirect("back").unwrap();
    assert_eq!(header(&ctx.response, "location"), json!("/"));
    ctx.redirect_back("/home").unwrap();
    assert_eq!(header(&ctx.response, "location"), json!("/home"));
}

#[test]
fn redirect_for_html_clients_answers_html() {
    let mut ctx = context_with(&[("accept", "text/html")]);
    ctx.redirect("http://google.com").unwrap();
    assert_eq!(
        header(&ctx.response, "content-type"),
        json!("text/html; charset=utf-8")
    );
    assert_eq!(
        ctx.body().as_bytes(),
        Some(&b"Redirecting to http://google.com/."[..])
    );
}

#[test]
fn redirect_for_html_clients_escapes_the_url() {
    let mut ctx = context_with(&[("accept", "text/html")]);
    ctx.redirect("<script>").unwrap();
    assert_eq!(
        header(&ctx.response, "content-type"),
        json!("text/html; charset=utf-8")
    );
    assert_eq!(
        ctx.body().as_bytes(),
        Some(&b"Redirecting to &lt;script&gt;."[..])
    );
}

#[test]
fn redirect_for_text_clients_answers_text() {
    let mut ctx = context_with(&[("accept", "text/plain")]);
    ctx.redirect("http://google.com").unwrap();
    assert_eq!(
        ctx.body().as_bytes(),
        Some(&b"Redirecting to http://google.com/."[..])
    );
}

#[test]
fn redirect_keeps_a_301() {
    let mut ctx = context_with(&[("accept", "text/plain")]);
    ctx.set_status(301).unwrap();
    ctx.redirect("http://google.com/").unwrap();
    assert_eq!(ctx.status(), 301);
    assert_eq!(
        ctx.body().as_bytes(),
        Some(&b"Redirecting to http://google.com/."[..])
    );
}

#[test]
fn redirect_replaces_a_304_by_302() {
    let mut ctx = context_with(&[("accept", "text/plain")]);
    ctx.set_status(304).unwrap();
    ctx.redirect("http://google.com").unwrap();
    assert_eq!(ctx.status(), 302);
    assert_eq!(
        ctx.body().as_bytes(),
        Some(&b"Redirecting to http://google.com/."[..])
    );
}

#[test]
fn redirect_overwrites_an_earlier_content_type() {
    let mut ctx = context_with(&[("accept", "text/plain")]);
    ctx.set_body(json!({}));
    ctx.redirect("http://google.com/foo/bar").unwrap();
    assert_eq!(ctx.status(), 302);
    assert_eq!(
        ctx.body().as_bytes(),
        Some(&b"Redirecting to http://google.com/foo/bar."[..])
    );
    assert_eq!(ctx.type_(), "text/plain");
}

// ---------------------------------------------------------------------------------------
// __tests__/response/remove.js
// ---------------------------------------------------------------------------------------

#[test]
fn remove_deletes_a_header() {
    let mut ctx = context();
    ctx.set("x-foo", "bar").unwrap();
    ctx.remove("x-foo");
    assert_eq!(koa_header(&ctx.response), json!({}));
}

// ---------------------------------------------------------------------------------------
// __tests__/response/set.js
// ---------------------------------------------------------------------------------------

#[test]
fn set_sets_a_header() {
    let mut ctx = context();
    ctx.set("x-foo", "bar").unwrap();
    assert_eq!(header(&ctx.response, "x-foo"), json!("bar"));
}

#[test]
fn set_turns_a_number_into_text() {
    let mut ctx = context();
    ctx.set("x-foo", 5).unwrap();
    assert_eq!(header(&ctx.response, "x-foo"), json!("5"));
}

#[test]
fn set_with_a_list_sets_every_value_as_text() {
    let mut ctx = context();
    let values: [&dyn HeaderText; 3] = [&"foo", &"bar", &123];
    ctx.response.set_values("x-foo", &values).unwrap();
    assert_eq!(header(&ctx.response, "x-foo"), json!(["foo", "bar", "123"]));
}

#[test]
fn set_with_a_map_sets_every_field() {
    let mut ctx = context();
    ctx.set_many(&[("foo", "1"), ("bar", "2")]).unwrap();
    assert_eq!(header(&ctx.response, "foo"), json!("1"));
    assert_eq!(header(&ctx.response, "bar"), json!("2"));
}

// ---------------------------------------------------------------------------------------
// __tests__/response/status.js
// ---------------------------------------------------------------------------------------

#[test]
fn status_setter_sets_the_status() {
    let mut ctx = context();
    ctx.set_status(403).unwrap();
    assert_eq!(ctx.status(), 403);
}

#[test]
fn status_setter_accepts_a_valid_code() {
    assert!(context().set_status(403).is_ok());
}

#[test]
fn status_setter_refuses_an_invalid_code() {
    let err = context().set_status(99).unwrap_err();
    assert_eq!(err.message, "invalid status code: 99");
}

#[test]
fn status_setter_accepts_a_custom_code_with_its_message() {
    let mut ctx = context();
    ctx.set_status(700).unwrap();
    ctx.set_message("custom status");
    assert_eq!(ctx.status(), 700);
    assert_eq!(ctx.message(), Some("custom status"));
}

#[test]
fn status_setter_does_not_fail_for_a_custom_code() {
    assert!(context().set_status(700).is_ok());
}

#[test]
fn status_setter_on_http2_sets_no_status_message() {
    let mut ctx = http2_context();
    ctx.set_status(200).unwrap();
    assert_eq!(ctx.response.status_message(), None);
}

/// "should strip content related header fields": an empty status set after a JSON
/// body and explicit content headers removes them at once and on the wire.
async fn empty_status_strips_content_headers(status: u16) {
    let mut app = Application::new();
    app.use_(async |ctx: &mut Context| -> Result<(), HttpError> {
        let status = ctx.request.get("x-status").parse().unwrap();
        ctx.set_body(json!({ "foo": "bar" }));
        ctx.set("Content-Type", "application/json; charset=utf-8")?;
        ctx.set("Content-Length", "15")?;
        ctx.set("Transfer-Encoding", "chunked")?;
        ctx.set_status(status)?;
        assert!(!ctx.response.has("Content-Type"));
        assert!(!ctx.response.has("Content-Length"));
        assert!(!ctx.response.has("Transfer-Encoding"));
        Ok(())
    });
    let res = app.callback().request(status_request(status)).await;
    assert_stripped(&res, status);
}

/// "should strip content related header fields after status set": the empty status
/// comes first; body and headers set afterwards never reach the wire.
async fn empty_status_strips_content_headers_set_later(status: u16) {
    let mut app = Application::new();
    app.use_(async |ctx: &mut Context| -> Result<(), HttpError> {
        let status = ctx.request.get("x-status").parse().unwrap();
        ctx.set_status(status)?;
        ctx.set_body(json!({ "foo": "bar" }));
        ctx.set("Content-Type", "application/json; charset=utf-8")?;
        ctx.set("Content-Length", "15")?;
        ctx.set("Transfer-Encoding", "chunked")?;
        Ok(())
    });
    let res = app.callback().request(status_request(status)).await;
    assert_stripped(&res, status);
}

/// A `GET /` that tells the handler which status to use.
fn status_request(status: u16) -> http::Request<Bytes> {
    http::Request::builder()
        .uri("/")
        .header("host", "example.com")
        .header("x-status", status)
        .body(Bytes::new())
        .unwrap()
}

/// The answer has `status`, no content headers and no body.
fn assert_stripped(res: &http::Response<Bytes>, status: u16) {
    assert_eq!(res.status(), status);
    assert_eq!(wire_header(res, "content-type"), None);
    assert_eq!(wire_header(res, "content-length"), None);
    assert_eq!(wire_header(res, "transfer-encoding"), None);
    assert_eq!(wire_header(res, "content-encoding"), None);
    assert!(res.body().is_empty());
}

#[tokio::test]
async fn status_204_strips_content_headers() {
    empty_status_strips_content_headers(204).await;
}

#[tokio::test]
async fn status_204_strips_content_headers_set_after_it() {
    empty_status_strips_content_headers_set_later(204).await;
}

#[tokio::test]
async fn status_205_strips_content_headers() {
    empty_status_strips_content_headers(205).await;
}

#[tokio::test]
async fn status_205_strips_content_headers_set_after_it() {
    empty_status_strips_content_headers_set_later(205).await;
}

#[tokio::test]
async fn status_304_strips_content_headers() {
    empty_status_strips_content_headers(304).await;
}

#[tokio::test]
async fn status_304_strips_content_headers_set_after_it() {
    empty_status_strips_content_headers_set_later(304).await;
}

// ---------------------------------------------------------------------------------------
// __tests__/response/type.js
// ---------------------------------------------------------------------------------------

#[test]
fn type_with_a_mime_sets_content_type() {
    let mut ctx = context();
    ctx.set_type("text/plain");
    assert_eq!(ctx.type_(), "text/plain");
    assert_eq!(
        header(&ctx.response, "content-type"),
        json!("text/plain; charset=utf-8")
    );
}

#[test]
fn type_with_an_extension_looks_up_the_mime() {
    let mut ctx = context();
    ctx.set_type("json");
    assert_eq!(ctx.type_(), "application/json");
    assert_eq!(
        header(&ctx.response, "content-type"),
        json!("application/json; charset=utf-8")
    );
}

#[test]
fn type_without_a_charset_gets_the_default_one() {
    let mut ctx = context();
    ctx.set_type("text/html");
    assert_eq!(ctx.type_(), "text/html");
    assert_eq!(
        header(&ctx.response, "content-type"),
        json!("text/html; charset=utf-8")
    );
}

#[test]
fn type_with_a_charset_keeps_it() {
    let mut ctx = context();
    ctx.set_type("text/html; charset=foo");
    assert_eq!(ctx.type_(), "text/html");
    assert_eq!(
        header(&ctx.response, "content-type"),
        json!("text/html; charset=foo")
    );
}

#[test]
fn type_with_an_unknown_extension_sets_nothing() {
    let mut ctx = context();
    ctx.set_type("asdf");
    assert_eq!(ctx.type_(), "");
    assert_eq!(header(&ctx.response, "content-type"), Value::Null);
}

#[test]
fn type_getter_without_content_type_is_empty() {
    let ctx = context();
    assert_eq!(ctx.type_(), "");
}

#[test]
fn type_getter_returns_the_mime_without_parameters() {
    let mut ctx = context();
    ctx.set_type("json");
    assert_eq!(ctx.type_(), "application/json");
}

// ---------------------------------------------------------------------------------------
// __tests__/response/vary.js
// ---------------------------------------------------------------------------------------

#[test]
fn vary_sets_the_header() {
    let mut ctx = context();
    ctx.vary("Accept").unwrap();
    assert_eq!(header(&ctx.response, "vary"), json!("Accept"));
}

#[test]
fn vary_appends_to_the_header() {
    let mut ctx = context();
    ctx.vary("Accept").unwrap();
    ctx.vary("Accept-Encoding").unwrap();
    assert_eq!(
        header(&ctx.response, "vary"),
        json!("Accept, Accept-Encoding")
    );
}

#[test]
fn vary_does_not_repeat_a_field() {
    let mut ctx = context();
    ctx.vary("Accept").unwrap();
    ctx.vary("Accept-Encoding").unwrap();
    ctx.vary("Accept").unwrap();
    ctx.vary("Accept-Encoding").unwrap();
    assert_eq!(
        header(&ctx.response, "vary"),
        json!("Accept, Accept-Encoding")
    );
}

// ---------------------------------------------------------------------------------------
// __tests__/response/writable.js
// ---------------------------------------------------------------------------------------

/// How many requests the "persistent connection" app has seen.
type Count = Arc<AtomicUsize>;

#[tokio::test]
async fn writable_on_every_request_of_a_persistent_connection() {
    let mut app = Application::new();
    app.context.insert::<Count>(Arc::new(AtomicUsize::new(0)));
    app.use_(async |ctx: &mut Context| -> Result<(), HttpError> {
        let count = ctx
            .app_data::<Count>()
            .unwrap()
            .fetch_add(1, Ordering::SeqCst)
            + 1;
        let body = format!("request {count}, writable: {}", ctx.writable());
        ctx.set_body(body);
        Ok(())
    });
    let server = app.listen("127.0.0.1:0").await.unwrap();
    // Both requests in one write, pipelined; the second asks the server to close.
    let answer = common::exchange(
        server.local_addr(),
        b"GET / HTTP/1.1\r\nHost: localhost\r\nConnection: keep-alive\r\n\r\n\
          GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
    )
    .await;
    server.close().await;
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.contains("request 1, writable: true"), "{answer}");
    assert!(answer.contains("request 2, writable: true"), "{answer}");
}

/// The signal "the client has gone" and the handler's reply with `ctx.writable`.
type Gone = Arc<Mutex<Option<(tokio::sync::oneshot::Receiver<()>, mpsc::Sender<bool>)>>>;

#[tokio::test]
#[ignore = "ctx.writable cannot see the socket yet (context.rs / server.rs), and chapter 1 \
            keeps half-closed connections open on purpose; Koa answers false here"]
async fn not_writable_once_the_client_closed_the_socket() {
    let (gone, gone_seen) = tokio::sync::oneshot::channel();
    let (reply, mut replies) = mpsc::channel(1);
    let mut app = Application::new();
    app.context
        .insert::<Gone>(Arc::new(Mutex::new(Some((gone_seen, reply)))));
    app.use_(async |ctx: &mut Context| -> Result<(), HttpError> {
        let (gone, reply) = ctx
            .app_data::<Gone>()
            .unwrap()
            .lock()
            .unwrap()
            .take()
            .unwrap();
        let _ = gone.await;
        let _ = reply.send(ctx.writable()).await;
        Ok(())
    });
    let server = app.listen("127.0.0.1:0").await.unwrap();
    let mut client = TcpStream::connect(server.local_addr()).await.unwrap();
    client
        .write_all(b"GET / HTTP/1.1\r\nHost: localhost\r\nConnection: keep-alive\r\n\r\n")
        .await
        .unwrap();
    client.shutdown().await.unwrap();
    drop(client);
    gone.send(()).unwrap();
    let writable = tokio::time::timeout(common::WAIT, replies.recv())
        .await
        .expect("the handler answers in time");
    assert_eq!(writable, Some(false));
    server.close().await;
}

#[tokio::test]
async fn not_writable_once_the_response_ended() {
    let mut ctx = context();
    assert!(ctx.writable());
    ctx.res().end(Bytes::new()).await.unwrap();
    assert!(!ctx.writable());
}
