//! Koa's `ctx`: one request's request, response, state and app, and how errors end it.
//!
//! Mirrors [`lib/context.js` at koa 2.16.4](https://github.com/koajs/koa/blob/v2.16.4/lib/context.js).
//! In Koa, `ctx` is an object whose prototype is `app.context`, with `ctx.request` and
//! `ctx.response` pointing at objects built the same way, and every one of the three
//! pointing back at the others. Rust has no prototypes and frowns on cycles, so the
//! shape changes while the behaviour stays:
//!
//! - `Context` *owns* its [`Request`] and [`Response`]; a handler borrows the whole
//!   context mutably (`&mut Context`) for as long as it runs, which is exactly the time
//!   Koa's middleware may touch it. Nobody else can, so no locks are needed.
//! - Koa's `delegates` lists become the [`delegate!`](crate::delegates) tables at the end
//!   of this file: each `ctx.x` that Koa forwards is a method here that forwards too.
//! - `app.context` (extend every context) is the app's [`Extensions`](http::Extensions),
//!   shared by every context of that app and read with [`Context::app_data`]; methods
//!   you would add to `app.context` in JavaScript are an extension trait on `Context`
//!   in Rust (see the book).
//! - `ctx.throw(…)` returns `Err(HttpError)` so that `ctx.throw(404)?` reads like the
//!   JavaScript and still ends the handler.

use std::sync::Arc;

use http::{Extensions, Method};
use serde_json::{Map, Value};
use tokio::sync::{mpsc, oneshot};

use crate::accepts::Accepts;
use crate::application::{AppShared, Settings};
use crate::body::{BodyMessage, CHANNEL_CHUNKS};
use crate::cookies::{CookieOptions, Cookies, GetOptions};
use crate::delegates::delegate;
use crate::http_errors::HttpError;
use crate::request::Request;
use crate::response::{Body, HeaderText, Response};
use crate::server_response::{Head, ServerResponse};
use crate::type_is::TypeIs;

// ANCHOR: context
/// Koa's `ctx`.
pub struct Context {
    /// `ctx.request`: everything about the request.
    pub request: Request,
    /// `ctx.response`: the response being built.
    pub response: Response,
    /// `ctx.state`: per-request data for middleware to share (Koa's plain object, typed
    /// here: store any `T: Clone + Send + Sync` and read it back by type).
    pub state: Extensions,
    /// `ctx.respond`: set to `false` to bypass Koa's response handling and write to
    /// Node's `res` yourself ([`Context::res`]).
    pub respond: bool,
    /// The app this request belongs to (`ctx.app`).
    app: Arc<AppShared>,
    /// `ctx.cookies`, made on first use (it needs the keys and `secure`).
    cookies: Option<Cookies>,
    /// Where Node's `res` sends its head, until someone asks for `res`.
    raw_head: Option<oneshot::Sender<Head>>,
    /// Node's `res`, made on first use.
    raw: Option<ServerResponse>,
    /// The server's own sender of `res`'s body channel: `End` goes down it when the
    /// request finished well (see chapter 1's `server.rs`).
    raw_finisher: Option<mpsc::Sender<BodyMessage>>,
}
// ANCHOR_END: context

impl std::fmt::Debug for Context {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Context")
            .field("request", &self.request)
            .field("response", &self.response)
            .field("respond", &self.respond)
            .finish_non_exhaustive()
    }
}

// ANCHOR: into_http_error
/// What `ctx.throw` accepts: the argument shapes of Koa's `ctx.throw(…)` that make sense
/// in Rust. (`From` cannot be used: `HttpError` already converts from every error type,
/// and Rust will not let `u16` join that.)
///
/// Koa's `ctx.throw(...args)` is `throw createError(...args)`; each tuple here is one
/// argument list, in Koa's order:
///
/// | Koa | Rust |
/// |---|---|
/// | `ctx.throw(404)` | `ctx.throw(404)` |
/// | `ctx.throw(400, 'msg')`, `ctx.throw('msg', 400)` | `ctx.throw((400, "msg"))`, `ctx.throw(("msg", 400))` |
/// | `ctx.throw('boom')` | `ctx.throw("boom")` |
/// | `ctx.throw(err)` | `ctx.throw(err)` (an [`HttpError`]; any error converts with `HttpError::from`) |
/// | `ctx.throw(422, err)`, `ctx.throw(err, 422)` | `ctx.throw((422, err))`, `ctx.throw((err, 422))` |
/// | `ctx.throw(400, 'msg', props)` | `ctx.throw((400, "msg", props))` |
/// | `ctx.throw('msg', props)`, `ctx.throw(400, props)`, `ctx.throw(err, props)` | the same tuples |
///
/// `props` is a [`serde_json::Map`], applied by [`HttpError::with_props`]. Anything
/// else is spelled with [`HttpError`]'s builders and passed as one error.
pub trait IntoHttpError {
    /// Builds the error.
    fn into_http_error(self) -> HttpError;
}
// ANCHOR_END: into_http_error

impl IntoHttpError for HttpError {
    /// `ctx.throw(err)`: `createError(err)`, which keeps an error's status, message and
    /// props but makes a status upstream would not keep a 500 (and no longer exposed).
    /// See [`HttpError::from_error`].
    fn into_http_error(self) -> HttpError {
        HttpError::from_error(self)
    }
}

impl IntoHttpError for u16 {
    /// `ctx.throw(404)`: the status text as the message.
    fn into_http_error(self) -> HttpError {
        HttpError::new(self)
    }
}

impl IntoHttpError for (u16, &str) {
    /// `ctx.throw(400, 'name required')`.
    fn into_http_error(self) -> HttpError {
        HttpError::with_message(self.0, self.1)
    }
}

impl IntoHttpError for (u16, String) {
    /// `ctx.throw(400, message)`.
    fn into_http_error(self) -> HttpError {
        HttpError::with_message(self.0, self.1)
    }
}

impl IntoHttpError for (&str, u16) {
    /// `ctx.throw('name required', 400)`: the message first, which http-errors 1.x (the
    /// version Koa 2.16 installs) accepts as well. Same error as `(400, "name required")`.
    fn into_http_error(self) -> HttpError {
        HttpError::with_message(self.1, self.0)
    }
}

impl IntoHttpError for &str {
    /// `ctx.throw('boom')`: a 500 whose message is not shown.
    fn into_http_error(self) -> HttpError {
        HttpError::from_message(self)
    }
}

impl IntoHttpError for String {
    /// `ctx.throw(message)` with a message built at run time.
    fn into_http_error(self) -> HttpError {
        HttpError::from_message(self)
    }
}

impl IntoHttpError for (u16, HttpError) {
    /// `ctx.throw(422, err)`: the status counts only if the error has none of its own
    /// ([`HttpError::with_default_status`]).
    fn into_http_error(self) -> HttpError {
        HttpError::wrap(self.0, self.1)
    }
}

impl IntoHttpError for (HttpError, u16) {
    /// `ctx.throw(err, 422)`: the later status wins ([`HttpError::with_status`]).
    fn into_http_error(self) -> HttpError {
        HttpError::from_error(self.0).with_status(self.1)
    }
}

impl IntoHttpError for (u16, &str, Map<String, Value>) {
    /// `ctx.throw(400, 'msg', props)`: props as [`HttpError::with_props`] applies them
    /// (`status` and `statusCode` among them are ignored; `headers` go on the response).
    fn into_http_error(self) -> HttpError {
        HttpError::with_message(self.0, self.1).with_props(self.2)
    }
}

impl IntoHttpError for (u16, Map<String, Value>) {
    /// `ctx.throw(400, props)`.
    fn into_http_error(self) -> HttpError {
        HttpError::new(self.0).with_props(self.1)
    }
}

impl IntoHttpError for (&str, Map<String, Value>) {
    /// `ctx.throw('msg', props)`: a 500.
    fn into_http_error(self) -> HttpError {
        HttpError::from_message(self.0).with_props(self.1)
    }
}

impl IntoHttpError for (HttpError, Map<String, Value>) {
    /// `ctx.throw(err, props)`.
    fn into_http_error(self) -> HttpError {
        HttpError::from_error(self.0).with_props(self.1)
    }
}

impl Context {
    /// `app.createContext(req, res)`: a context for one request.
    pub(crate) fn new(
        app: Arc<AppShared>,
        request: Request,
        raw_head: oneshot::Sender<Head>,
    ) -> Self {
        let version = request.req.version();
        Self {
            request,
            response: Response::new(version),
            state: Extensions::new(),
            respond: true,
            app,
            cookies: None,
            raw_head: Some(raw_head),
            raw: None,
            raw_finisher: None,
        }
    }

    /// `ctx.app`'s settings (`env`, `proxy`, `keys`, …).
    pub fn app(&self) -> &Settings {
        &self.app.settings
    }

    /// The shared app, for work that outlives the context (a streaming body).
    pub(crate) fn app_shared(&self) -> Arc<AppShared> {
        self.app.clone()
    }

    /// A value put on `app.context`: shared by every request of this app.
    pub fn app_data<T: Send + Sync + 'static>(&self) -> Option<&T> {
        self.app.context.get::<T>()
    }

    /// `ctx.originalUrl`.
    pub fn original_url(&self) -> &str {
        self.request.original_url()
    }

    /// `ctx.req`: Node's request.
    pub fn req(&mut self) -> &mut crate::IncomingMessage {
        self.request.req_mut()
    }

    /// `ctx.res`: Node's response, for writing to the client yourself. Made on first
    /// use; set `ctx.respond = false` so Koa leaves it alone afterwards.
    pub fn res(&mut self) -> &mut ServerResponse {
        if self.raw.is_none() {
            let head = self
                .raw_head
                .take()
                .expect("the raw head sender is only taken here");
            let (body, chunks) = mpsc::channel(CHANNEL_CHUNKS);
            self.raw_finisher = Some(body.clone());
            let method = self.request.method().clone();
            let version = self.request.req.version();
            let mut raw = ServerResponse::new(head, (body, chunks), &method, version);
            sync_from_response(&self.response, &mut raw);
            self.raw = Some(raw);
        }
        self.raw.as_mut().expect("made above")
    }

    /// Node's `res`, if a handler (or `flush_headers`) asked for it.
    pub(crate) fn raw(&mut self) -> Option<&mut ServerResponse> {
        self.raw.as_mut()
    }

    /// Ends Node's `res` on the server's side once the request finished well.
    pub(crate) async fn finish_raw(&mut self) {
        if let Some(finisher) = self.raw_finisher.take() {
            let _ = finisher.send(BodyMessage::End).await;
        }
    }

    /// Forgets the server's sender of `res`'s body without ending it: the connection is
    /// cut instead, so the client can tell the response is incomplete.
    pub(crate) fn abandon_raw(&mut self) {
        self.raw_finisher = None;
    }

    /// Writes the head through Node's `res` now: what `ctx.flush_headers()` does.
    fn send_head(&mut self) -> Result<(), HttpError> {
        if self.response.header_sent {
            return Ok(());
        }
        self.res();
        let res = self.raw.as_mut().expect("made by res()");
        sync_from_response(&self.response, res);
        res.flush_headers()?;
        self.response.header_sent = true;
        Ok(())
    }

    // ANCHOR: throw_assert
    /// `ctx.throw(…)`: always `Err`, so `ctx.throw(404)?` ends the handler with that error.
    pub fn throw<T>(&self, error: impl IntoHttpError) -> Result<T, HttpError> {
        Err(error.into_http_error())
    }

    /// `ctx.assert(value, status, message)`: `Err` with that status when `value` is false.
    /// The message may be left out (`None`), as in Koa's `ctx.assert(ok, 404)`; the
    /// error then says the status text (`Not Found`).
    pub fn assert<'m>(
        &self,
        value: bool,
        status: u16,
        message: impl Into<Option<&'m str>>,
    ) -> Result<(), HttpError> {
        if value {
            return Ok(());
        }
        Err(match message.into() {
            Some(message) => HttpError::with_message(status, message),
            None => HttpError::new(status),
        })
    }
    // ANCHOR_END: throw_assert

    // ANCHOR: cookies
    /// `ctx.cookies`: the request's cookies, signed with `app.keys`, secure when the
    /// request is (a trusted proxy's `X-Forwarded-Proto: https` counts).
    pub fn cookies(&mut self) -> CookieJar<'_> {
        if self.cookies.is_none() {
            self.cookies = Some(Cookies::new(
                self.request.headers(),
                self.request.secure(),
                self.app.settings.keys.clone(),
            ));
        }
        CookieJar {
            cookies: self.cookies.as_ref().expect("made above"),
            response: &mut self.response,
        }
    }
    // ANCHOR_END: cookies

    /// `ctx.cookies = jar`: use this jar for the rest of the request (another set of
    /// keys, say) instead of the one made from `app.keys`.
    pub fn set_cookies(&mut self, cookies: Cookies) {
        self.cookies = Some(cookies);
    }

    /// `ctx.toJSON()`.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "request": self.request.to_json(),
            "response": self.response.to_json(),
            "app": self.app.settings.to_json(),
            "originalUrl": self.original_url(),
            "req": "<original node req>",
            "res": "<original node res>",
            "socket": "<original node socket>",
        })
    }

    /// `ctx.inspect()`: the same as [`to_json`](Self::to_json), as in Koa.
    pub fn inspect(&self) -> serde_json::Value {
        self.to_json()
    }

    // ANCHOR: onerror
    /// `ctx.onerror(err)`: tell the app, then replace whatever response was being built
    /// with a plain-text error response. Returns false when the head had already gone
    /// out, in which case nothing can be said to the client any more.
    pub(crate) fn onerror(&mut self, mut err: HttpError) -> bool {
        let header_sent = self.header_sent() || !self.writable();
        if header_sent {
            err.header_sent = true;
        }
        self.app.clone().emit_error(&err, Some(self));
        if header_sent {
            return false;
        }
        self.response.clear_headers();
        for (name, value) in &err.headers {
            self.response
                .headers_mut()
                .append(name.clone(), value.clone());
        }
        self.response.set_type("text");
        let mut status = err.status;
        if err.is_not_found() {
            status = 404;
        }
        if crate::statuses::message(status).is_none() {
            status = 500;
        }
        let message = if err.expose {
            err.message.clone()
        } else {
            crate::statuses::message(status).unwrap_or("").to_owned()
        };
        let _ = self.response.set_status(status);
        self.response.set_length(message.len() as u64);
        self.response.set_error_body(message);
        true
    }
    // ANCHOR_END: onerror

    /// The method, for code that needs it without borrowing the request.
    pub(crate) fn is_head(&self) -> bool {
        self.request.method() == Method::HEAD
    }
}

/// Gives Node's `res` the status, reason phrase and headers `ctx.response` holds.
///
/// In Koa there is only one place for these: `ctx.response` writes straight into `res`
/// (`res.statusCode`, `res.setHeader`), so `res` starts at Koa's 404 and sees every
/// `ctx.set`. Ours keeps them in [`Response`] until the end, so when a handler takes
/// `res` (or flushes the head) we copy them over.
/// Headers set on `res` directly stay, unless `ctx.response` has the same name.
fn sync_from_response(response: &Response, res: &mut ServerResponse) {
    res.status_code = response.status();
    res.status_message = response.explicit_message().map(str::to_owned);
    let headers = res.headers_mut();
    for name in response.headers().keys() {
        headers.remove(name);
        for value in response.headers().get_all(name) {
            headers.append(name.clone(), value.clone());
        }
    }
}

/// `ctx.cookies`, borrowed: the jar plus the response its `Set-Cookie` headers go to.
#[derive(Debug)]
pub struct CookieJar<'a> {
    /// The request's cookies and the keys.
    cookies: &'a Cookies,
    /// Where `Set-Cookie` goes.
    response: &'a mut Response,
}

impl CookieJar<'_> {
    /// `ctx.cookies.get(name)`: the value as sent, unchecked.
    pub fn get(&mut self, name: &str) -> Option<String> {
        self.cookies
            .get(name, None, self.response.headers_mut())
            .ok()
            .flatten()
    }

    /// `ctx.cookies.get(name, { signed: true })`: the value only if its `.sig` matches
    /// one of `app.keys` (re-signed when an older key matched; a forged `.sig` is
    /// expired and gives `None`).
    pub fn get_signed(&mut self, name: &str) -> Result<Option<String>, HttpError> {
        Ok(self.cookies.get(
            name,
            Some(GetOptions::signed()),
            self.response.headers_mut(),
        )?)
    }

    /// `ctx.cookies.set(name, value, options)`; `None` as the value deletes the cookie.
    pub fn set(
        &mut self,
        name: &str,
        value: Option<&str>,
        options: Option<CookieOptions>,
    ) -> Result<(), HttpError> {
        Ok(self
            .cookies
            .set(name, value, options, self.response.headers_mut())?)
    }
}

// ANCHOR: delegates
// ANCHOR: response_delegates
delegate! {
    /// Every `ctx.x` that Koa forwards to `ctx.response`, as Koa lists them.
    RESPONSE_DELEGATES => response {
        method "attachment" fn attachment(&mut self, filename: Option<&str>) -> Result<(), HttpError>;
        method "redirect"
        /// `ctx.redirect(url)`: `302` (unless a redirect status is set already) with
        /// `Location`, and a short body for browsers. `"back"` means the same-origin
        /// `Referrer`, else `/`.
        fn redirect(&mut self, url: &str) -> Result<(), HttpError> {
            self.response.redirect(&self.request, url, None)
        }
        method "redirect"
        /// `ctx.redirect('back', alt)`: the same-origin `Referrer`, else `alt`.
        fn redirect_back(&mut self, alt: &str) -> Result<(), HttpError> {
            self.response.redirect(&self.request, "back", Some(alt))
        }
        method "remove" fn remove(&mut self, field: &str);
        method "vary" fn vary(&mut self, field: &str) -> Result<(), HttpError>;
        method "has" fn has(&self, field: &str) -> bool;
        method "set" fn set(&mut self, field: &str, value: impl HeaderText) -> Result<(), HttpError>;
        method "set"
        /// `ctx.set({ field: value, … })`.
        fn set_many(&mut self, fields: &[(&str, &str)]) -> Result<(), HttpError>;
        method "append" fn append(&mut self, field: &str, value: impl HeaderText) -> Result<(), HttpError>;
        method "flushHeaders"
        /// `ctx.flushHeaders()`: send the status and headers now; the body follows when
        /// the handler has set it. Header changes after this are ignored, as in Koa.
        fn flush_headers(&mut self) -> Result<(), HttpError> {
            self.send_head()
        }
        access "status" fn status(&self) -> u16;
        access "status" fn set_status(&mut self, code: u16) -> Result<(), HttpError>;
        access "message" fn message(&self) -> Option<&str>;
        access "message" fn set_message(&mut self, message: impl Into<String>);
        access "body" fn body(&self) -> &Body;
        access "body" fn set_body(&mut self, body: impl Into<Body>);
        access "length" fn length(&self) -> Option<u64>;
        access "length" fn set_length(&mut self, length: u64);
        access "type" fn type_(&self) -> &str;
        access "type" fn set_type(&mut self, name: &str);
        access "lastModified" fn last_modified(&self) -> Option<std::time::SystemTime>;
        access "lastModified" fn set_last_modified(&mut self, time: std::time::SystemTime);
        access "etag" fn etag(&self) -> &str;
        access "etag" fn set_etag(&mut self, tag: &str) -> Result<(), HttpError>;
        getter "headerSent"
        /// `ctx.headerSent`: has the head gone out — by `flush_headers`, or because the
        /// handler wrote to Node's `res` itself (Koa reads `res.headersSent`)?
        fn header_sent(&self) -> bool {
            self.response.header_sent() || self.raw.as_ref().is_some_and(ServerResponse::headers_sent)
        }
        getter "writable"
        /// `ctx.writable`: false once Node's `res` has ended.
        fn writable(&self) -> bool {
            self.raw.as_ref().is_none_or(|raw| !raw.writable_ended())
        }
    }
}
// ANCHOR_END: response_delegates

// ANCHOR: request_delegates
delegate! {
    /// Every `ctx.x` that Koa forwards to `ctx.request`, as Koa lists them.
    ///
    /// Three of Koa's `access` names have no setter here, because Koa's has no effect
    /// or needs state our request does not keep: `idempotent` and `socket` (Koa's
    /// request only has getters for them, so assigning through `ctx` does nothing) and
    /// `accept` (computed from the headers on every call, so there is no negotiator to
    /// replace).
    REQUEST_DELEGATES => request {
        method "acceptsLanguages" fn accepts_languages(&self, languages: &[&str]) -> Option<String>;
        method "acceptsEncodings" fn accepts_encodings(&self, encodings: &[&str]) -> Option<String>;
        method "acceptsCharsets" fn accepts_charsets(&self, charsets: &[&str]) -> Option<String>;
        method "accepts" fn accepts(&self, types: &[&str]) -> Option<String>;
        method "get" fn get(&self, field: &str) -> std::borrow::Cow<'_, str>;
        method "is" fn is(&self, types: &[&str]) -> TypeIs;
        access "querystring" fn querystring(&self) -> &str;
        access "querystring" fn set_querystring(&mut self, querystring: &str);
        access "idempotent" fn idempotent(&self) -> bool;
        access "socket"
        /// `ctx.socket`: Node's socket has no counterpart (hyper owns the connection);
        /// what Koa reads from it, the peer address and whether it is TLS, is on Node's
        /// request (`remote_address()`, `encrypted()`), which this returns.
        fn socket(&self) -> &crate::IncomingMessage {
            self.request.req()
        }
        access "search" fn search(&self) -> String;
        access "search" fn set_search(&mut self, search: &str);
        access "method" fn method(&self) -> &Method;
        access "method" fn set_method(&mut self, method: Method);
        access "query" fn query(&self) -> crate::querystring::Query;
        access "query" fn set_query(&mut self, query: &crate::querystring::Query);
        access "path" fn path(&self) -> &str;
        access "path" fn set_path(&mut self, path: &str);
        access "url" fn url(&self) -> &str;
        access "url" fn set_url(&mut self, url: impl Into<String>);
        access "accept"
        /// `ctx.accept`: content negotiation over the request headers (what
        /// `accepts()`, `accepts_encodings()` … ask).
        fn accept(&self) -> Accepts<'_> {
            Accepts::new(self.request.headers())
        }
        getter "origin" fn origin(&self) -> String;
        getter "href" fn href(&self) -> String;
        getter "subdomains" fn subdomains(&self) -> Vec<String>;
        getter "protocol" fn protocol(&self) -> &str;
        getter "host" fn host(&self) -> std::borrow::Cow<'_, str>;
        getter "hostname" fn hostname(&self) -> std::borrow::Cow<'_, str>;
        getter "URL"
        #[allow(non_snake_case)]
        fn URL(&self) -> Option<url::Url>;
        getter "header"
        /// `ctx.header`: the same map as `ctx.headers`.
        fn header(&self) -> &http::HeaderMap {
            self.request.headers()
        }
        getter "headers" fn headers(&self) -> &http::HeaderMap;
        getter "secure" fn secure(&self) -> bool;
        getter "stale"
        /// `ctx.stale`: the opposite of `fresh`.
        fn stale(&self) -> bool {
            self.request.stale(&self.response)
        }
        getter "fresh"
        /// `ctx.fresh`: is the client's cached copy still good for this response?
        fn fresh(&self) -> bool {
            self.request.fresh(&self.response)
        }
        getter "ips" fn ips(&self) -> Vec<&str>;
        getter "ip" fn ip(&self) -> String;
    }
}
// ANCHOR_END: request_delegates
// ANCHOR_END: delegates
