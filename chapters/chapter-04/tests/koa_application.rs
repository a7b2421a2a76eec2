//! Koa 2.16.4's application tests, ported: `__tests__/application/{context,
//! currentContext,index,inspect,onerror,request,toJSON,use}.js` at
//! <https://github.com/koajs/koa/tree/v2.16.4/__tests__/application>, one Rust test per
//! upstream behaviour, named after what it checks. (`respond.js` and `response.js` are
//! ported in `koa_respond.rs` and `koa_response.rs`.)
//!
//! Where Koa's test changes the process (the `NODE_ENV` variable, `console.error`),
//! the Rust test runs this same test binary again as a child process with its own
//! environment and reads what it wrote to stderr: setting an environment variable in
//! a running multi-threaded test binary is not sound, and the default logger writes to
//! the real stderr, as Koa's does.
//!
//! Not ported, with the reason:
//!
//! - `currentContext.js`, all five tests (`app.currentContext` with and without
//!   `asyncLocalStorage`, in a handler and in the `'error'` listener), and `index.js`
//!   *should export createAsyncCtxStorageMiddleware function*: a handler holds the
//!   context as `&mut Context`, so no other path to the same context may exist while
//!   it runs; a task-local "current context" would be exactly such a path. Code deep
//!   in a call chain gets the context (or what it needs from it) as an argument.
//!   (The first test is also only a guard for Node older than 12.17.)
//! - `index.js` *should handle socket errors*: it fakes an `'error'` event on the
//!   socket object by hand. hyper owns the socket and there is no event to emit; the
//!   Rust case, a failure after the head went out, is ported from `context/onerror.js`
//!   (*should ignore error after headerSent*) in `koa_context.rs`.
//! - `onerror.js` *should throw an error if a non-error is given*: the listener and
//!   the default logger take `&HttpError`, so a non-error cannot reach them; a handler
//!   that panics (Rust's way of throwing something that is not an error) is ported in
//!   `koa_context.rs` and arrives as `non-error thrown: …`.
//! - `onerror.js` *should accept errors coming from other scopes*: JavaScript realms
//!   (`vm.runInNewContext('Error')`) have no Rust counterpart.
//! - `use.js` *should compose middleware*: one handler per app in this chapter;
//!   composition is chapter 03's (ported there).
//! - `use.js` *should compose mixed middleware*, *should accept both generator and
//!   function middleware*, *should output deprecation message for generator
//!   functions*: generator middleware is JavaScript-only.
//! - `use.js` *should throw error for non-function*: `use_` takes a `Handler`, so
//!   `null`, `0`, `false` or a string do not compile.

mod common;

use std::io::Read;
use std::process::{Command, Stdio};

use bytes::Bytes;
use chapter_04::keygrip::Keygrip;
use chapter_04::{Application, Context, HttpError, Settings};
use serde_json::json;

// ---------------------------------------------------------------------------
// helpers
// ---------------------------------------------------------------------------

/// A GET of `uri` with a `Host`, as an in-memory request.
fn get(uri: &str) -> http::Request<Bytes> {
    http::Request::builder()
        .uri(uri)
        .header("host", "example.com")
        .body(Bytes::new())
        .unwrap()
}

/// The body as UTF-8 text.
fn text(res: &http::Response<Bytes>) -> &str {
    std::str::from_utf8(res.body()).unwrap()
}

/// The environment variable that tells a child run which scenario to play.
const SCENARIO: &str = "YOLK_KOA_APPLICATION_SCENARIO";

/// Marks the start and the end of what a scenario writes to stderr.
const BEGIN: &str = "<<<scenario>>>";
/// See [`BEGIN`].
const END: &str = "<<</scenario>>>";

/// Runs `scenario` in a child run of this test binary, with `NODE_ENV` set to
/// `node_env` (or removed for `None`), and returns what the scenario wrote to stderr
/// between the markers. Fails if the child fails or takes longer than
/// [`common::WAIT`].
fn run_child(scenario: &str, node_env: Option<&str>) -> String {
    let mut command = Command::new(std::env::current_exe().unwrap());
    command
        .args([
            "child_process_entry_point",
            "--exact",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(SCENARIO, scenario)
        .env_remove("RUST_BACKTRACE")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    match node_env {
        Some(value) => command.env("NODE_ENV", value),
        None => command.env_remove("NODE_ENV"),
    };
    let mut child = command.spawn().expect("start the child run");
    let mut stderr = child.stderr.take().unwrap();
    // stderr reaches its end when the child exits; read it on a thread so the wait
    // for that can be bounded.
    let (done, finished) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut text = String::new();
        let _ = done.send(stderr.read_to_string(&mut text).map(|_| text));
    });
    let stderr = match finished.recv_timeout(common::WAIT) {
        Ok(read) => read.expect("read the child's stderr"),
        Err(_) => {
            let _ = child.kill();
            let _ = child.wait();
            panic!("the child run of {scenario} did not finish in time");
        }
    };
    let status = child.wait().unwrap();
    assert!(
        status.success(),
        "child run of {scenario} failed:\n{stderr}"
    );
    let start = stderr.find(BEGIN).expect("the scenario started") + BEGIN.len() + 1;
    let end = stderr.rfind(END).expect("the scenario ended");
    stderr[start..end].to_owned()
}

/// The handler of the logger scenarios: one error per path.
async fn failing(ctx: &mut Context) -> Result<(), HttpError> {
    let path = ctx.path().to_owned();
    match path.as_str() {
        "/boom" => Err(std::io::Error::other("boom").into()),
        "/chain" => Err(Layer(std::io::Error::other("disk gone")).into()),
        "/throw-500" => ctx.throw((500, "secret detail")),
        "/404" => ctx.throw(404),
        "/plain-404" => {
            // A plain error given the status 404 by hand, as Koa's test does.
            let mut err = HttpError::from(std::io::Error::other("gone"));
            err.status = 404;
            Err(err)
        }
        "/exposed" => ctx.throw((400, "bad input")),
        _ => Ok(()),
    }
}

/// An error with a cause, to show how the logger prints a chain.
#[derive(Debug)]
struct Layer(std::io::Error);

impl std::fmt::Display for Layer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("reading the template failed")
    }
}

impl std::error::Error for Layer {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.0)
    }
}

/// Sends a GET of each path through `app` and waits for the answers.
fn send(app: Application, paths: &[&str]) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let cb = app.callback();
    runtime.block_on(async {
        for path in paths {
            cb.request(get(path)).await;
        }
    });
}

/// The child side of [`run_child`]: plays the scenario named in [`SCENARIO`].
/// Ignored, so that it only runs when a test asks for it.
#[test]
#[ignore = "runs only as a child process of the tests below"]
fn child_process_entry_point() {
    let Ok(scenario) = std::env::var(SCENARIO) else {
        return;
    };
    eprintln!("{BEGIN}");
    match scenario.as_str() {
        "env" => eprint!("{}", Application::new().settings.env),
        "to-json" => eprint!("{}", Application::new().to_json()),
        "log" => {
            let mut app = Application::new();
            // Koa's test sets `env = 'dev'` to show the logger does not care.
            app.settings.env = "dev".into();
            app.use_(failing);
            send(app, &["/boom", "/chain", "/throw-500"]);
        }
        "quiet" => {
            let mut app = Application::new();
            app.use_(failing);
            send(app, &["/404", "/plain-404", "/exposed"]);
        }
        "silent" => {
            let mut app = Application::new();
            app.settings.silent = true;
            app.use_(failing);
            send(app, &["/boom", "/throw-500"]);
        }
        "listener" => {
            let mut app = Application::new();
            app.on_error(|_, _| {});
            app.use_(failing);
            send(app, &["/boom", "/throw-500"]);
        }
        other => panic!("unknown scenario {other}"),
    }
    eprintln!("{END}");
}

// ---------------------------------------------------------------------------
// application/context.js
// ---------------------------------------------------------------------------

/// A value put on `app.context`.
#[derive(Debug, Clone, PartialEq)]
struct Msg(&'static str);

#[tokio::test]
async fn a_value_on_app_context_is_seen_by_that_apps_contexts() {
    let mut app = Application::new();
    app.context.insert(Msg("hello"));
    app.use_(async |ctx: &mut Context| {
        if ctx.app_data::<Msg>() == Some(&Msg("hello")) {
            ctx.set_status(204)?;
        }
        Ok(())
    });
    assert_eq!(app.callback().request(get("/")).await.status(), 204);
}

#[tokio::test]
async fn a_value_on_app_context_is_not_seen_by_another_apps_contexts() {
    let mut app1 = Application::new();
    app1.context.insert(Msg("hello"));
    let mut app2 = Application::new();
    app2.use_(async |ctx: &mut Context| {
        if ctx.app_data::<Msg>().is_none() {
            ctx.set_status(204)?;
        }
        Ok(())
    });
    assert_eq!(app2.callback().request(get("/")).await.status(), 204);
    drop(app1);
}

// ---------------------------------------------------------------------------
// application/index.js
// ---------------------------------------------------------------------------

#[tokio::test]
async fn respond_writes_nothing_once_the_response_is_not_writable() {
    // Koa makes the socket unwritable, sets 204, and fails if `writeHead` or `end` is
    // called again. Ours: the handler ends Node's `res` itself, then sets 204 on
    // `ctx`; respond must leave the ended response alone, and nothing is an error.
    let mut app = Application::new();
    app.on_error(|err, _| panic!("no error expected, got {err:?}"));
    app.use_(async |ctx: &mut Context| {
        ctx.res().status_code = 200;
        ctx.res().end("ended by hand").await?;
        assert!(!ctx.writable());
        assert!(ctx.header_sent());
        ctx.set_status(204)?;
        Ok(())
    });
    let res = app.callback().request(get("/")).await;
    assert_eq!(res.status(), 200);
    assert_eq!(text(&res), "ended by hand");
}

#[test]
fn env_is_development_when_node_env_is_empty_or_missing() {
    assert_eq!(run_child("env", Some("")), "development");
    assert_eq!(run_child("env", None), "development");
    assert_eq!(run_child("env", Some("production")), "production");
}

#[test]
fn env_can_be_given_when_the_app_is_made() {
    let app = Application::with_settings(Settings {
        env: "custom".into(),
        ..Settings::default()
    });
    assert_eq!(app.settings.env, "custom");
}

#[test]
fn proxy_can_be_given_when_the_app_is_made() {
    let app = Application::with_settings(Settings {
        proxy: true,
        ..Settings::default()
    });
    assert!(app.settings.proxy);
}

#[test]
fn cookie_keys_can_be_given_when_the_app_is_made() {
    let keys = Keygrip::new(["customkey"]).unwrap();
    let app = Application::with_settings(Settings {
        keys: Some(keys.clone()),
        ..Settings::default()
    });
    let kept = app.settings.keys.as_ref().expect("keys kept");
    assert_eq!(kept.len(), 1);
    assert_eq!(kept.sign("data"), keys.sign("data"));
    // And by assignment, as `app.keys = [...]`.
    let mut app = Application::new();
    app.set_keys(&["customkey"]);
    assert_eq!(app.settings.keys.unwrap().sign("data"), keys.sign("data"));
}

#[test]
fn subdomain_offset_can_be_given_when_the_app_is_made() {
    let app = Application::with_settings(Settings {
        subdomain_offset: 3,
        ..Settings::default()
    });
    assert_eq!(app.settings.subdomain_offset, 3);
}

#[test]
fn http_error_is_exported_and_created_errors_are_http_errors() {
    // `Koa.HttpError` is http-errors' class, and `createError(500, 'test error')`
    // makes one: here both names are the same type, and the error is that type.
    fn thrower() -> Result<(), chapter_04::HttpError> {
        Err(chapter_04::http_errors::HttpError::with_message(
            500,
            "test error",
        ))
    }
    assert_eq!(
        std::any::TypeId::of::<chapter_04::HttpError>(),
        std::any::TypeId::of::<chapter_04::http_errors::HttpError>()
    );
    let err = thrower().unwrap_err();
    assert_eq!(err.status, 500);
    assert_eq!(err.message, "test error");
    assert_eq!(err.name, "InternalServerError");
}

// ---------------------------------------------------------------------------
// application/inspect.js
// ---------------------------------------------------------------------------

#[test]
fn inspect_shows_only_subdomain_offset_proxy_and_env() {
    // Koa: `util.inspect(app)` is `{ subdomainOffset: 2, proxy: false, env: 'test' }`.
    let mut app = Application::new();
    app.settings.env = "test".into();
    app.settings.silent = true;
    app.settings.proxy_ip_header = "X-Real-IP".into();
    app.set_keys(&["secret"]);
    assert_eq!(
        app.inspect().to_string(),
        r#"{"subdomainOffset":2,"proxy":false,"env":"test"}"#
    );
}

#[test]
fn inspect_is_the_json_representation() {
    let mut app = Application::new();
    app.settings.env = "test".into();
    assert_eq!(
        app.inspect(),
        json!({ "subdomainOffset": 2, "proxy": false, "env": "test" })
    );
    assert_eq!(app.inspect(), app.to_json());
}

// ---------------------------------------------------------------------------
// application/onerror.js
// ---------------------------------------------------------------------------

#[test]
fn default_logger_is_quiet_for_404s_and_exposed_errors() {
    assert_eq!(run_child("quiet", None), "");
}

#[test]
fn default_logger_is_quiet_when_the_app_is_silent() {
    assert_eq!(run_child("silent", None), "");
}

#[test]
fn default_logger_writes_the_error_to_stderr_indented() {
    // Koa writes "\n" + the stack with every line indented by two spaces + "\n", and
    // `console.error` adds a line break. Our "stack" is `Name: message` and the causes.
    assert_eq!(
        run_child("log", None),
        concat!(
            "\n  Error: boom\n\n",
            "\n  Error: reading the template failed\n      caused by: disk gone\n\n",
            "\n  InternalServerError: secret detail\n\n",
        )
    );
}

#[test]
fn an_error_listener_replaces_the_default_logger() {
    assert_eq!(run_child("listener", None), "");
}

// ---------------------------------------------------------------------------
// application/request.js
// ---------------------------------------------------------------------------

// Koa's `app.request.message = 'hello'` adds a member to every request of one app.
// Rust has one per-app slot for all of Koa's three prototypes, `app.context`; a member
// that reads it is an extension trait, here on the context.

/// What `app.request.message` stands for.
#[derive(Debug, Clone)]
struct RequestMessage(&'static str);

/// The extension trait: `ctx.request_message()`.
trait RequestMessageExt {
    /// The app's request message, if this app has one.
    fn request_message(&self) -> Option<&'static str>;
}

impl RequestMessageExt for Context {
    fn request_message(&self) -> Option<&'static str> {
        self.app_data::<RequestMessage>().map(|m| m.0)
    }
}

#[tokio::test]
async fn an_app_request_member_is_seen_by_that_apps_requests() {
    let mut app = Application::new();
    app.context.insert(RequestMessage("hello"));
    app.use_(async |ctx: &mut Context| {
        if ctx.request_message() == Some("hello") {
            ctx.set_status(204)?;
        }
        Ok(())
    });
    assert_eq!(app.callback().request(get("/")).await.status(), 204);
}

#[tokio::test]
async fn an_app_request_member_is_not_seen_by_another_apps_requests() {
    let mut app1 = Application::new();
    app1.context.insert(RequestMessage("hello"));
    let mut app2 = Application::new();
    app2.use_(async |ctx: &mut Context| {
        if ctx.request_message().is_none() {
            ctx.set_status(204)?;
        }
        Ok(())
    });
    assert_eq!(app2.callback().request(get("/")).await.status(), 204);
    drop(app1);
}

// ---------------------------------------------------------------------------
// application/toJSON.js
// ---------------------------------------------------------------------------

#[test]
fn to_json_shows_the_settings_koa_shows() {
    // Under Koa's test runner `NODE_ENV` is `test`.
    assert_eq!(
        run_child("to-json", Some("test")),
        r#"{"subdomainOffset":2,"proxy":false,"env":"test"}"#
    );
}

// ---------------------------------------------------------------------------
// application/use.js
// ---------------------------------------------------------------------------

#[tokio::test]
async fn a_throw_with_the_message_first_is_answered_with_its_status() {
    // Koa: `app.use(ctx => ctx.throw('Not Found', 404))`, synchronously.
    let mut app = Application::new();
    app.use_(async |ctx: &mut Context| ctx.throw(("Not Found", 404)));
    let res = app.callback().request(get("/")).await;
    assert_eq!(res.status(), 404);
    assert_eq!(text(&res), "Not Found");
}
