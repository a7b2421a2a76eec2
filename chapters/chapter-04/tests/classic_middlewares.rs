//! koa-logger, koa-response-time, koa-conditional-get and koa-etag in a Koa app: the
//! upstream test cases, ported, plus the observed wire table of conditional GET.

use std::sync::{Arc, Mutex};
use std::time::{Duration, UNIX_EPOCH};

use bytes::Bytes;
use chapter_04::FileBody;
use chapter_04::conditional_get::ConditionalGet;
use chapter_04::etag::Etag;
use chapter_04::logger::Logger;
use chapter_04::response_time::ResponseTime;
use chapter_04::{Application, Body, Callback, Context, HttpError, Next};
use serde_json::json;

fn get(path: &str) -> http::Request<Bytes> {
    http::Request::get(path)
        .header("host", "example.com")
        .body(Bytes::new())
        .unwrap()
}

fn with_header(path: &str, name: &str, value: &str) -> http::Request<Bytes> {
    http::Request::get(path)
        .header("host", "example.com")
        .header(name, value)
        .body(Bytes::new())
        .unwrap()
}

/// The routes of koa-logger's test server, and a few more.
async fn routes(ctx: &mut Context, _next: Next<'_>) -> Result<(), HttpError> {
    match ctx.path() {
        "/200" => ctx.set_body("hello world"),
        "/301" => ctx.set_status(301)?,
        "/304" => ctx.set_status(304)?,
        "/404" => {
            ctx.set_status(404)?;
            ctx.set_body("not found");
        }
        "/500" => {
            ctx.set_status(500)?;
            ctx.set_body("server error");
        }
        "/error" => return Err(std::io::Error::other("oh no").into()),
        "/throw418" => ctx.throw((418, "tea"))?,
        "/empty" => ctx.set_body(""),
        "/json" => ctx.set_body(json!({ "a": 1 })),
        "/stream" => {
            let chunks = vec![
                Ok(Bytes::from(vec![b'x'; 1000])),
                Ok(Bytes::from(vec![b'y'; 400])),
            ];
            ctx.set_body(Body::stream(futures_util::stream::iter(chunks)));
        }
        _ => {}
    }
    Ok(())
}

/// An app with a logger that writes into a vector.
fn logged_app() -> (Callback, Arc<Mutex<Vec<String>>>) {
    let lines = Arc::new(Mutex::new(Vec::new()));
    let sink = lines.clone();
    let mut app = Application::new();
    app.settings.silent = true;
    app.use_(Logger::with_transporter(move |line| {
        sink.lock().unwrap().push(line.to_owned())
    }));
    app.use_(routes);
    (app.callback(), lines)
}

/// Replaces the time column (`0ms`, `1,241ms`, `12s`) by `<time>`.
fn normalise_time(line: &str) -> String {
    line.split(' ')
        .map(|word| {
            let digits = word.trim_end_matches("ms").trim_end_matches('s');
            let is_time = (word.ends_with("ms") || word.ends_with('s'))
                && !digits.is_empty()
                && digits.chars().all(|c| c.is_ascii_digit() || c == ',');
            if is_time {
                "<time>".to_owned()
            } else {
                word.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

// koa-logger 3.2.1 test.js: the same cases for every way of printing; ours has one
// transporter, which also stands for `console.log` (tracing).
#[tokio::test]
async fn logger_writes_one_line_in_and_one_out_for_each_answer() {
    let (callback, lines) = logged_app();
    for path in [
        "/200",
        "/301",
        "/304",
        "/404",
        "/500",
        "/error",
        "/throw418",
        "/empty",
        "/json",
        "/nothing",
        "/stream",
    ] {
        let response = callback.request(get(path)).await;
        // A streamed body is logged once it has been sent: `request` collects it.
        drop(response);
    }
    let head = http::Request::head("/200")
        .header("host", "x")
        .body(Bytes::new())
        .unwrap();
    callback.request(head).await;
    let text: Vec<String> = lines
        .lock()
        .unwrap()
        .iter()
        .map(|l| normalise_time(l))
        .collect();
    insta::assert_snapshot!("logger_lines", text.join("\n"));
}

#[tokio::test]
async fn logger_lets_the_error_go_on_up() {
    let (callback, _lines) = logged_app();
    let response = callback.request(get("/throw418")).await;
    assert_eq!(response.status(), 418);
    assert_eq!(response.body(), "tea");
}

fn timed_app(hrtime: bool) -> Callback {
    let mut app = Application::new();
    app.settings.silent = true;
    app.use_(ResponseTime { hrtime });
    app.use_(routes);
    app.callback()
}

// koa-response-time 2.1.0 test/index.js
#[tokio::test]
async fn response_time_is_whole_milliseconds_by_default() {
    let response = timed_app(false).request(get("/nothing")).await;
    assert_eq!(response.status(), 404);
    let value = response.headers()["x-response-time"]
        .to_str()
        .unwrap()
        .to_owned();
    let digits = value.strip_suffix("ms").expect("ends with ms");
    assert!(
        !digits.is_empty() && digits.len() <= 3 && digits.chars().all(|c| c.is_ascii_digit()),
        "{value}"
    );
}

#[tokio::test]
async fn response_time_keeps_fractions_with_hrtime() {
    let response = timed_app(true).request(get("/200")).await;
    let value = response.headers()["x-response-time"]
        .to_str()
        .unwrap()
        .to_owned();
    let number = value.strip_suffix("ms").expect("ends with ms");
    let parsed: f64 = number.parse().expect("a number");
    assert!(parsed >= 0.0 && number.contains('.'), "{value}");
}

#[tokio::test]
async fn response_time_is_not_set_when_the_stack_fails() {
    let response = timed_app(false).request(get("/error")).await;
    assert_eq!(response.status(), 500);
    assert!(!response.headers().contains_key("x-response-time"));
}

/// conditional → etag → a layer that sets the body after `next`, as upstream's tests.
fn tagged_app(weak: bool, body: fn(&mut Context) -> Result<(), HttpError>) -> Callback {
    let mut app = Application::new();
    app.settings.silent = true;
    app.use_(ConditionalGet);
    app.use_(Etag { weak });
    app.context.insert(body);
    async fn answer(ctx: &mut Context, next: Next<'_>) -> Result<(), HttpError> {
        next.run(ctx).await?;
        let body = *ctx
            .app_data::<fn(&mut Context) -> Result<(), HttpError>>()
            .unwrap();
        body(ctx)
    }
    app.use_(answer);
    app.callback()
}

fn tobi(ctx: &mut Context) -> Result<(), HttpError> {
    ctx.set_body(json!({ "name": "tobi", "species": "ferret", "age": 2 }));
    Ok(())
}

fn hello(ctx: &mut Context) -> Result<(), HttpError> {
    ctx.set_body("Hello World");
    Ok(())
}

fn etag(response: &http::Response<Bytes>) -> Option<&str> {
    response.headers().get("etag").map(|v| v.to_str().unwrap())
}

// koa-conditional-get 3.0.0 test/index.spec.js
#[tokio::test]
async fn a_fresh_cache_gets_304() {
    let tag = chapter_04::etag::entity_tag(br#"{"name":"tobi","species":"ferret","age":2}"#, false);
    let response = tagged_app(false, tobi)
        .request(with_header("/", "if-none-match", &tag))
        .await;
    assert_eq!(response.status(), 304);
    assert!(response.body().is_empty());
}

#[tokio::test]
async fn a_stale_cache_gets_the_body() {
    let response = tagged_app(false, tobi)
        .request(with_header("/", "if-none-match", "tobi"))
        .await;
    assert_eq!(response.status(), 200);
}

// koa-etag 4.0.0 test/index.spec.js
#[tokio::test]
async fn no_body_no_etag() {
    fn nothing(_: &mut Context) -> Result<(), HttpError> {
        Ok(())
    }
    assert_eq!(
        etag(&tagged_app(false, nothing).request(get("/")).await),
        None
    );
}

#[tokio::test]
async fn an_etag_already_set_is_kept() {
    fn own(ctx: &mut Context) -> Result<(), HttpError> {
        ctx.set_body(json!({ "hi": "etag" }));
        ctx.set_etag("etaghaha")
    }
    let response = tagged_app(false, own).request(get("/")).await;
    assert_eq!(etag(&response), Some("\"etaghaha\""));
}

#[tokio::test]
async fn strings_buffers_and_json_get_strong_tags() {
    fn buffer(ctx: &mut Context) -> Result<(), HttpError> {
        ctx.set_body(Bytes::from_static(b"Hello World"));
        Ok(())
    }
    fn foo(ctx: &mut Context) -> Result<(), HttpError> {
        ctx.set_body(json!({ "foo": "bar" }));
        Ok(())
    }
    assert_eq!(
        etag(&tagged_app(false, hello).request(get("/")).await),
        Some("\"b-Ck1VqNd45QIvq3AZd8XYQLvEhtA\"")
    );
    assert_eq!(
        etag(&tagged_app(false, buffer).request(get("/")).await),
        Some("\"b-Ck1VqNd45QIvq3AZd8XYQLvEhtA\"")
    );
    assert_eq!(
        etag(&tagged_app(false, foo).request(get("/")).await),
        Some("\"d-pedE0BZFQNM7HX6mFsKPL6l+dUo\"")
    );
}

#[tokio::test]
async fn a_file_gets_a_weak_tag_from_its_metadata() {
    fn file(ctx: &mut Context) -> Result<(), HttpError> {
        ctx.set_body(Body::File(FileBody {
            path: "fixture.txt".into(),
            len: 18,
            modified: Some(UNIX_EPOCH + Duration::from_millis(1_409_583_127_000)),
            stream: Box::pin(futures_util::stream::iter([Ok(Bytes::from_static(
                b"eighteen bytes....",
            ))])),
        }));
        Ok(())
    }
    let response = tagged_app(false, file).request(get("/")).await;
    assert_eq!(etag(&response), Some("W/\"12-14831b399d8\""));
    assert_eq!(response.body(), "eighteen bytes....");
}

#[tokio::test]
async fn a_plain_stream_gets_no_tag() {
    fn stream(ctx: &mut Context) -> Result<(), HttpError> {
        ctx.set_body(Body::stream(futures_util::stream::iter([Ok(
            Bytes::from_static(b"x"),
        )])));
        Ok(())
    }
    assert_eq!(
        etag(&tagged_app(false, stream).request(get("/")).await),
        None
    );
}

#[tokio::test]
async fn the_weak_option_makes_weak_tags() {
    let response = tagged_app(true, hello).request(get("/")).await;
    assert_eq!(etag(&response), Some("W/\"b-Ck1VqNd45QIvq3AZd8XYQLvEhtA\""));
}

// The observed wire table of conditional → etag → handler (chapter 3 spec notes, §5.4).
#[tokio::test]
async fn conditional_get_answers_as_observed_on_koa() {
    let tag = "\"b-Ck1VqNd45QIvq3AZd8XYQLvEhtA\"";
    let app = tagged_app(false, hello);
    let cases: Vec<(http::Request<Bytes>, u16)> = vec![
        (with_header("/", "if-none-match", tag), 304),
        (with_header("/", "if-none-match", &format!("W/{tag}")), 304),
        (
            with_header("/", "if-none-match", &format!("\"x\", {tag}")),
            304,
        ),
        (with_header("/", "if-none-match", "*"), 304),
        (with_header("/", "if-none-match", "\"nope\""), 200),
        (
            http::Request::head("/")
                .header("if-none-match", tag)
                .body(Bytes::new())
                .unwrap(),
            304,
        ),
        (
            http::Request::post("/")
                .header("if-none-match", tag)
                .body(Bytes::new())
                .unwrap(),
            200,
        ),
        (
            http::Request::get("/")
                .header("if-none-match", tag)
                .header("cache-control", "no-cache")
                .body(Bytes::new())
                .unwrap(),
            200,
        ),
    ];
    for (request, status) in cases {
        let described = format!("{} {:?}", request.method(), request.headers());
        let response = app.request(request).await;
        assert_eq!(response.status(), status, "{described}");
        if status == 304 {
            assert!(response.body().is_empty());
            assert!(
                !response.headers().contains_key("content-type"),
                "{described}"
            );
            assert_eq!(etag(&response), Some(tag));
        }
    }
}
