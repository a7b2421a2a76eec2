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
use tokio::sync::{mpsc, oneshot};

use crate::application::{AppShared, Settings};
use crate::body::{BodyMessage, CHANNEL_CHUNKS};
use crate::cookies::{CookieOptions, Cookies, GetOptions};
use crate::delegates::delegate;
use crate::http_errors::HttpError;
use crate::request::Request;
use crate::response::{Body, HeaderText, Response};
use crate::server_response::{Head, ServerResponse};
use crate::type_is::TypeIs;

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

impl std::fmt::Debug for Context {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Context")
            .field("request", &self.request)
            .field("response", &self.response)
            .field("respond", &self.respond)
            .finish_non_exhaustive()
    }
}

/// What `ctx.throw` accepts: the argument shapes of Koa's `ctx.throw(…)` that make sense
/// in Rust. (`From` cannot be used: `HttpError` already converts from every error type,
/// and Rust will not let `u16` join that.)
pub trait IntoHttpError {
    /// Builds the error.
    fn into_http_error(self) -> HttpError;
}

impl IntoHttpError for HttpError {
    fn into_http_error(self) -> HttpError {
        self
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

impl IntoHttpError for &str {
    /// `ctx.throw('boom')`: a 500 whose message is not shown.
    fn into_http_error(self) -> HttpError {
        HttpError::from_message(self)
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
            self.raw = Some(ServerResponse::new(head, (body, chunks), &method, version));
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

    /// `ctx.writable` (delegated to the response in Koa): false once `res` has ended.
    pub fn writable(&self) -> bool {
        self.raw.as_ref().is_none_or(|raw| !raw.writable_ended())
    }

    /// `ctx.flushHeaders()`: send the status and headers now; the body follows when the
    /// handler has set it. Header changes after this are ignored, as in Koa.
    pub fn flush_headers(&mut self) -> Result<(), HttpError> {
        if self.response.header_sent {
            return Ok(());
        }
        let status = self.response.status();
        let message = self.response.explicit_message().map(str::to_owned);
        let headers = self.response.headers().clone();
        let res = self.res();
        res.status_code = status;
        res.status_message = message;
        for name in headers.keys() {
            let values: Vec<&str> = headers
                .get_all(name)
                .iter()
                .filter_map(|v| v.to_str().ok())
                .collect();
            res.set_header_values(name.as_str(), &values)?;
        }
        res.flush_headers()?;
        self.response.header_sent = true;
        Ok(())
    }

    /// `ctx.throw(…)`: always `Err`, so `ctx.throw(404)?` ends the handler with that error.
    pub fn throw<T>(&self, error: impl IntoHttpError) -> Result<T, HttpError> {
        Err(error.into_http_error())
    }

    /// `ctx.assert(value, status, message)`: `Err` with that status when `value` is false.
    pub fn assert(&self, value: bool, status: u16, message: &str) -> Result<(), HttpError> {
        if value {
            Ok(())
        } else {
            Err(HttpError::with_message(status, message))
        }
    }

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

    /// `ctx.fresh`: is the client's cached copy still good for this response?
    pub fn fresh(&self) -> bool {
        self.request.fresh(&self.response)
    }

    /// `ctx.stale`.
    pub fn stale(&self) -> bool {
        self.request.stale(&self.response)
    }

    /// `ctx.redirect(url)`: `302` (unless a redirect status is set already) with
    /// `Location`, and a short body for browsers. `"back"` means the same-origin
    /// `Referrer`, else `/`.
    pub fn redirect(&mut self, url: &str) -> Result<(), HttpError> {
        self.response.redirect(&self.request, url, None)
    }

    /// `ctx.redirect('back', alt)`: the same-origin `Referrer`, else `alt`.
    pub fn redirect_back(&mut self, alt: &str) -> Result<(), HttpError> {
        self.response.redirect(&self.request, "back", Some(alt))
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

    // ANCHOR: onerror
    /// `ctx.onerror(err)`: tell the app, then replace whatever response was being built
    /// with a plain-text error response. Returns false when the head had already gone
    /// out, in which case nothing can be said to the client any more.
    pub(crate) fn onerror(&mut self, mut err: HttpError) -> bool {
        let header_sent = self.response.header_sent || !self.writable();
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

delegate! {
    /// Every `ctx.x` that Koa forwards to `ctx.response`, as Koa lists them.
    RESPONSE_DELEGATES => response {
        method fn attachment(&mut self, filename: Option<&str>) -> Result<(), HttpError>;
        method fn remove(&mut self, field: &str);
        method fn vary(&mut self, field: &str) -> Result<(), HttpError>;
        method fn has(&self, field: &str) -> bool;
        method fn set(&mut self, field: &str, value: impl HeaderText) -> Result<(), HttpError>;
        method fn set_many(&mut self, fields: &[(&str, &str)]) -> Result<(), HttpError>;
        method fn append(&mut self, field: &str, value: impl HeaderText) -> Result<(), HttpError>;
        access fn status(&self) -> u16;
        access fn set_status(&mut self, code: u16) -> Result<(), HttpError>;
        access fn message(&self) -> Option<&str>;
        access fn set_message(&mut self, message: impl Into<String>);
        access fn body(&self) -> &Body;
        access fn set_body(&mut self, body: impl Into<Body>);
        access fn length(&self) -> Option<u64>;
        access fn set_length(&mut self, length: u64);
        access fn type_(&self) -> &str;
        access fn set_type(&mut self, name: &str);
        access fn last_modified(&self) -> Option<std::time::SystemTime>;
        access fn set_last_modified(&mut self, time: std::time::SystemTime);
        access fn etag(&self) -> &str;
        access fn set_etag(&mut self, tag: &str) -> Result<(), HttpError>;
        getter fn header_sent(&self) -> bool;
    }
}

delegate! {
    /// Every `ctx.x` that Koa forwards to `ctx.request`, as Koa lists them.
    REQUEST_DELEGATES => request {
        method fn accepts_languages(&self, languages: &[&str]) -> Option<String>;
        method fn accepts_encodings(&self, encodings: &[&str]) -> Option<String>;
        method fn accepts_charsets(&self, charsets: &[&str]) -> Option<String>;
        method fn accepts(&self, types: &[&str]) -> Option<String>;
        method fn get(&self, field: &str) -> std::borrow::Cow<'_, str>;
        method fn is(&self, types: &[&str]) -> TypeIs;
        access fn querystring(&self) -> &str;
        access fn set_querystring(&mut self, querystring: &str);
        access fn idempotent(&self) -> bool;
        access fn search(&self) -> String;
        access fn set_search(&mut self, search: &str);
        access fn method(&self) -> &Method;
        access fn set_method(&mut self, method: Method);
        access fn query(&self) -> crate::querystring::Query;
        access fn set_query(&mut self, query: &crate::querystring::Query);
        access fn path(&self) -> &str;
        access fn set_path(&mut self, path: &str);
        access fn url(&self) -> &str;
        access fn set_url(&mut self, url: impl Into<String>);
        getter fn origin(&self) -> String;
        getter fn href(&self) -> String;
        getter fn subdomains(&self) -> Vec<String>;
        getter fn protocol(&self) -> &str;
        getter fn host(&self) -> std::borrow::Cow<'_, str>;
        getter fn hostname(&self) -> std::borrow::Cow<'_, str>;
        getter fn headers(&self) -> &http::HeaderMap;
        getter fn secure(&self) -> bool;
        getter fn ips(&self) -> Vec<&str>;
        getter fn ip(&self) -> String;
    }
}
