//! HTTP errors: an error value that knows its status code, whether its message may be
//! shown to the client, and which headers the error response should carry.
//!
//! Mirrors the npm package **http-errors 1.8.1**, the version Koa 2.16 really installs
//! (its `package.json` asks for `http-errors ^1.6.3`):
//! <https://github.com/jshttp/http-errors/blob/1.8.1/index.js> (that repository tags
//! its 1.x releases without a `v`). The function `createError` is our family of
//! constructors (table below); the per-status classes made by
//! `createClientErrorConstructor` / `createServerErrorConstructor` are our
//! [`error_name`] plus a private record of which class built an error. Default
//! messages and class names come from the statuses 1.5.0 table
//! ([`crate::statuses`]): `418` is `ImATeapotError` / `I'm a teapot`, `425` is
//! `UnorderedCollectionError` / `Unordered Collection`.
//!
//! Koa's `ctx.throw(...)` is `throw createError(...)`, and Koa's `ctx.onerror` reads
//! back what this module stores: `status` picks the response status, `expose` decides
//! whether `message` is sent or replaced by the status text, `headers` are set on the
//! error response, and a `code` of `ENOENT` turns the answer into a 404
//! ([`HttpError::is_not_found`]).
//!
//! ## How the JavaScript calls map to Rust
//!
//! `createError` takes its arguments in any order and tells them apart by type at run
//! time, scanning left to right: an Error becomes *the* error (its own status, if
//! any, replaces the one seen so far), a number is the status, a string the message,
//! an object the props; **the later argument wins**. Rust has one constructor or
//! builder step per meaningful shape instead:
//!
//! | JavaScript | Rust |
//! |---|---|
//! | `createError(404)` | [`HttpError::new(404)`](HttpError::new) |
//! | `createError(400, 'msg')`, `createError('msg', 400)` | [`HttpError::with_message(400, "msg")`](HttpError::with_message) |
//! | `createError('msg')` | [`HttpError::from_message("msg")`](HttpError::from_message) |
//! | `createError(err)` | [`HttpError::from_error(err)`](HttpError::from_error) |
//! | `createError(422, err)` — the error's own status wins | [`HttpError::wrap(422, err)`](HttpError::wrap), or `http_err.with_default_status(422)` |
//! | `createError(err, 422)` — 422 wins | `HttpError::from_error(err).with_status(422)`, or `http_err.with_status(422)` |
//! | `createError(…, props)` | [`.with_props(props)`](HttpError::with_props), [`.with_property(k, v)`](HttpError::with_property) |
//! | `throw err` without `createError` | [`HttpError::from(err)`](HttpError), or `?` |
//!
//! `err` may be any error (`impl Into<BoxError>`), an [`HttpError`] included.
//! Upstream prints a deprecation for a status that is not the first argument
//! (`non-first-argument status code; replace with createError(<n>, ...)`) and for one
//! outside 400..=599 (`non-error status code; use only 4xx or 5xx status codes`); we
//! print nothing. Arguments of other types (`undefined`, booleans), which 1.8.1
//! silently skips, have no Rust spelling. Given both an error and a message, upstream
//! keeps the error's message, so the Rust forms taking an error take no message.
//!
//! ## Why `HttpError` is not a `std::error::Error`
//!
//! In Koa anything a middleware throws ends up in `ctx.onerror`; an error without a
//! status is answered as a 500. The Rust spelling of "anything thrown" is `?`, which
//! needs `From<E>` for every error type `E` — the blanket
//! `impl<E: Error + Send + Sync + 'static> From<E> for HttpError`. Rust only allows
//! that impl if `HttpError` is not itself an `Error` (otherwise it would collide with
//! the standard `From<T> for T`); `anyhow::Error` makes the same choice. The way back
//! is `From<HttpError> for` [`BoxError`]: `?` also turns an `HttpError` into a boxed
//! error, and [`HttpError::from_error`] unboxes it again unchanged.
//!
//! A JavaScript error is an open object, so the `props` argument can add any
//! property; here [`properties`](HttpErrorFields::properties) is a
//! [`serde_json::Map`]: property values keep their JSON types (a test reading
//! `err.prop === true` wants a boolean, not the string `"true"`), nested data
//! survives, and JSON is what a Koa app would render them as anyway. The props
//! upstream code reads back as error fields (`expose`, `message`, `name`, `headers`)
//! set the typed fields instead; see [`HttpError::with_props`].
//!
//! ## Which statuses are accepted
//!
//! As upstream: a status is kept when statuses 1.5.0 knows it *or* it lies in
//! 400..=599. Anything else (0, 399, 600, 700, …) becomes 500. So a known non-error
//! status such as 302 (or 306) is kept, as a plain `Error`, while an unknown 4xx such
//! as 499 is kept and built by the class of its hundred (`BadRequestError`, message
//! `Bad Request`).
//!
//! ## http-errors 2.0 (Koa 3)
//!
//! Koa 3 uses http-errors 2.0, which accepts a number only as the first argument
//! (elsewhere: `TypeError: argument #2 unsupported type number`), throws the same kind
//! of `TypeError` for arguments of other types, takes its texts from statuses 2.0
//! (`ImATeapotError` says `I'm a Teapot`, 425 is `TooEarlyError` / `Too Early`, 306 is
//! unknown and so becomes 500), and drops the `I'mateapot` alias. See
//! <https://github.com/jshttp/http-errors/blob/v2.0.0/HISTORY.md>.

use std::error::Error as StdError;
use std::fmt;
use std::io;
use std::sync::Arc;

use http::{HeaderMap, HeaderName, HeaderValue};
use serde_json::{Map, Value};

use crate::statuses;

/// A boxed error: what [`HttpError::from_error`] and [`HttpError::wrap`] accept, and
/// what an [`HttpError`] converts into.
pub type BoxError = Box<dyn StdError + Send + Sync + 'static>;

/// An error carrying an HTTP status (upstream's `HttpError` and the errors
/// `createError` returns). Not a [`std::error::Error`] itself; see the module docs.
///
/// The fields live behind one pointer, in [`HttpErrorFields`], and are read and
/// written through `HttpError` directly (`err.status`, `err.header_sent = true`) by
/// `Deref`. That keeps `HttpError` one pointer wide, so a `Result<T, HttpError>`
/// returned from every handler and setter costs no more than a `Result<T, Box<_>>`
/// (and Clippy's `result_large_err` stays quiet).
#[derive(Clone)]
pub struct HttpError(Box<HttpErrorFields>);

// ANCHOR: fields
/// The data of an [`HttpError`], reached through it (`err.status`, `err.message`, …).
#[derive(Debug, Clone)]
pub struct HttpErrorFields {
    /// The response status this error asks for (upstream's `status`, mirrored by
    /// `statusCode`; see [`HttpError::status_code`]).
    pub status: u16,
    /// The error message; sent to the client only when `expose` is true.
    pub message: String,
    /// May `message` be shown to the client? Upstream sets it to `status < 500`: client
    /// errors describe the request, server errors may leak internals.
    pub expose: bool,
    /// The JavaScript error name: `NotFoundError` for a 404, `Error` for a wrapped
    /// plain error or a non-error status (see [`error_name`]).
    pub name: String,
    /// Headers the error response should carry (upstream's `err.headers`, which Koa's
    /// `ctx.onerror` sets after clearing the others). Empty when none were given.
    pub headers: HeaderMap,
    /// Any other properties the caller attached (upstream's `props` argument).
    pub properties: Map<String, Value>,
    /// Koa's `err.headerSent`: set by `ctx.onerror` when the error happened after the
    /// response head had gone out, so nothing could be sent about it. False otherwise.
    pub header_sent: bool,
    /// The status of the class that built this error (`Some(404)` for a
    /// `NotFoundError`, `Some(400)` for the `BadRequestError` of a 499), `None` for a
    /// plain `Error`. Upstream's `err instanceof createError[status]` check reads it.
    class: Option<u16>,
    /// False only for an error that came in through `From` and has not been through
    /// `createError`: a JavaScript error with no `status` of its own.
    own_status: bool,
    /// The error this one wraps; shared so that `HttpError` stays `Clone`.
    source: Option<Arc<dyn StdError + Send + Sync + 'static>>,
}
// ANCHOR_END: fields

impl std::ops::Deref for HttpError {
    type Target = HttpErrorFields;

    fn deref(&self) -> &HttpErrorFields {
        &self.0
    }
}

impl std::ops::DerefMut for HttpError {
    fn deref_mut(&mut self) -> &mut HttpErrorFields {
        &mut self.0
    }
}

impl fmt::Debug for HttpError {
    /// The public fields and the source, as `HttpError { status: 404, … }`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpError")
            .field("status", &self.status)
            .field("message", &self.message)
            .field("expose", &self.expose)
            .field("name", &self.name)
            .field("headers", &self.headers)
            .field("properties", &self.properties)
            .field("header_sent", &self.header_sent)
            .field("source", &self.source)
            .finish()
    }
}

impl HttpError {
    /// `createError(status)`: the message is the status text (`Not Found`), the name
    /// is the status's class name (`NotFoundError`), `expose` is `status < 500`.
    /// A status that is neither known nor in 400..=599 becomes 500.
    pub fn new(status: u16) -> Self {
        Self::create(status, None)
    }

    /// `createError(status, message)`, and equally `createError(message, status)`
    /// (1.x accepts the status in either place; the result is the same).
    pub fn with_message(status: u16, message: impl Into<String>) -> Self {
        Self::create(status, Some(message.into()))
    }

    /// `createError(message)`: a 500 `InternalServerError` with this message (not
    /// exposed).
    pub fn from_message(message: impl Into<String>) -> Self {
        Self::create(500, Some(message.into()))
    }

    /// `createError(err)`: take over an existing error.
    ///
    /// An [`HttpError`] (boxed by its `From` impl) comes back as it was, except that a
    /// status upstream would not keep becomes 500 (and `expose` false), and an error
    /// whose `expose` no longer matches its class is reset as upstream resets it. Any
    /// other error becomes a 500 named `Error`, not exposed, whose message is the
    /// error's `Display` text and whose [`source`](HttpError::source) is the error.
    pub fn from_error(err: impl Into<BoxError>) -> Self {
        Self::unbox(err.into()).with_default_status(500)
    }

    /// `createError(status, err)`: as [`HttpError::from_error`], with `status` for an
    /// error that has none of its own. The error's own status wins, as upstream reads
    /// `err.status || err.statusCode || status`: `wrap(500, teapot)` stays a 418.
    pub fn wrap(status: u16, err: impl Into<BoxError>) -> Self {
        Self::unbox(err.into()).with_default_status(status)
    }

    /// `createError(self, status)`: a number *after* the error, so it wins over the
    /// error's own status. When the status changes, `expose` becomes `status < 500`;
    /// the name stays (a `NotFoundError` given 422 is still named `NotFoundError`, as
    /// upstream). A status upstream would not keep becomes 500.
    pub fn with_status(self, status: u16) -> Self {
        self.settle(status)
    }

    /// `createError(status, self)`: a number *before* the error, so it only counts
    /// when the error has no status of its own — that is, for an error made by
    /// [`From`] whose status is still the 500 assumed for it. A status of 0 counts as
    /// none, as JavaScript's `||` does. `with_default_status(500)` is
    /// `createError(self)`.
    pub fn with_default_status(self, status: u16) -> Self {
        let status = if self.has_own_status() {
            self.status
        } else {
            status
        };
        self.settle(status)
    }

    /// The `props` argument (`createError(status, msg, props)`,
    /// `createError(err, props)`, …), applied as upstream copies every property onto
    /// the error, with these Rust-side rules:
    ///
    /// - `status` and `statusCode` are ignored (as upstream);
    /// - `expose` sets [`HttpErrorFields::expose`] by JavaScript truthiness;
    /// - `message` and `name` set those fields (non-strings are converted the way
    ///   JavaScript's `String()` would);
    /// - `headers` replaces [`HttpErrorFields::headers`] when it is an object whose
    ///   keys are valid header names and whose values are strings, numbers, booleans
    ///   or arrays of those (each array item one header line, as Koa's `ctx.set`
    ///   does). An object that does not convert is kept, untouched, in
    ///   [`HttpErrorFields::properties`] under `"headers"`, so nothing is lost or
    ///   panics;
    /// - every other key goes into [`HttpErrorFields::properties`] (so
    ///   `code: "ENOENT"` is seen by [`HttpError::is_not_found`]).
    pub fn with_props(mut self, props: Map<String, Value>) -> Self {
        for (key, value) in props {
            match key.as_str() {
                "status" | "statusCode" => {}
                "expose" => self.expose = js_truthy(&value),
                "message" => self.message = js_string(&value),
                "name" => self.name = js_string(&value),
                "headers" => match headers_from_json(&value) {
                    Some(map) => self.headers = map,
                    None => {
                        self.properties.insert(key, value);
                    }
                },
                _ => {
                    self.properties.insert(key, value);
                }
            }
        }
        self
    }

    /// Adds one property (one key of upstream's `props`), with the rules of
    /// [`HttpError::with_props`].
    pub fn with_property(self, key: impl Into<String>, value: impl Into<Value>) -> Self {
        let mut props = Map::new();
        props.insert(key.into(), value.into());
        self.with_props(props)
    }

    /// Adds a header to the error response (the typed way to fill `err.headers`).
    /// Appends, so a name may be given more than once.
    pub fn with_header(mut self, name: HeaderName, value: HeaderValue) -> Self {
        self.headers.append(name, value);
        self
    }

    /// Sets `expose` explicitly (upstream: `createError(404, 'msg', { expose: false })`).
    pub fn with_expose(mut self, expose: bool) -> Self {
        self.expose = expose;
        self
    }

    /// Upstream's `statusCode`, always equal to [`HttpErrorFields::status`].
    pub fn status_code(&self) -> u16 {
        self.status
    }

    /// The error this one wraps, if it was made from another error.
    pub fn source(&self) -> Option<&(dyn StdError + Send + Sync + 'static)> {
        self.source.as_deref()
    }

    /// Is this a "file not found"? Koa 2.16's `ctx.onerror` answers an error whose
    /// `code` is `ENOENT` with a 404, whatever its status. True when
    /// [`HttpErrorFields::properties`] has `"code": "ENOENT"`, or when the source chain
    /// holds a [`std::io::Error`] of kind [`NotFound`](std::io::ErrorKind::NotFound)
    /// (what Rust makes of `ENOENT`).
    pub fn is_not_found(&self) -> bool {
        if self.properties.get("code").and_then(Value::as_str) == Some("ENOENT") {
            return true;
        }
        let mut next = self
            .source
            .as_deref()
            .map(|e| e as &(dyn StdError + 'static));
        while let Some(err) = next {
            if err
                .downcast_ref::<io::Error>()
                .is_some_and(|io| io.kind() == io::ErrorKind::NotFound)
            {
                return true;
            }
            next = err.source();
        }
        false
    }

    /// The core of `createError` when no error object is passed in.
    fn create(status: u16, message: Option<String>) -> Self {
        let status = sanitize_status(status);
        // `createError[status] || createError[codeClass(status)]`: the exact class, or
        // the class of the hundred for an unknown 4xx/5xx, or none (plain `Error`).
        let class = class_status(status);
        let (name, message) = match class {
            // `new ClientError(msg)`: `msg != null ? msg : statuses[code]` where
            // `code` is the class's status.
            Some(code) => (
                error_name(code).unwrap_or_else(|| "Error".to_owned()),
                message.unwrap_or_else(|| statuses::message(code).unwrap_or_default().to_owned()),
            ),
            // `new Error(msg || statuses[status])`: an empty message also falls back
            // to the status text here (upstream uses `||`).
            None => (
                "Error".to_owned(),
                message
                    .filter(|m| !m.is_empty())
                    .unwrap_or_else(|| statuses::message(status).unwrap_or_default().to_owned()),
            ),
        };
        Self(Box::new(HttpErrorFields {
            status,
            message,
            expose: status < 500,
            name,
            headers: HeaderMap::new(),
            properties: Map::new(),
            header_sent: false,
            class,
            own_status: true,
            source: None,
        }))
    }

    /// An error thrown without `createError`: a plain `Error` with no status, which
    /// Koa answers as a 500 that does not show its message.
    fn thrown(err: Arc<dyn StdError + Send + Sync + 'static>) -> Self {
        Self(Box::new(HttpErrorFields {
            status: 500,
            message: err.to_string(),
            expose: false,
            name: "Error".to_owned(),
            headers: HeaderMap::new(),
            properties: Map::new(),
            header_sent: false,
            class: None,
            own_status: false,
            source: Some(err),
        }))
    }

    /// A boxed error as an `HttpError`: ours comes back out of its box, any other is
    /// [`HttpError::thrown`].
    fn unbox(err: BoxError) -> Self {
        match err.downcast::<Boxed>() {
            Ok(boxed) => boxed.0,
            Err(other) => Self::thrown(Arc::from(other)),
        }
    }

    /// Does upstream's `err.status || err.statusCode` find a status on this error?
    /// Every status counts except 0 and the 500 that [`HttpError::thrown`] assumes
    /// (a status assigned to `status` by hand afterwards does count).
    fn has_own_status(&self) -> bool {
        self.status != 0 && (self.own_status || self.status != 500)
    }

    /// The end of `createError` when an error object was passed in and `status` is
    /// the status the argument scan settled on.
    fn settle(mut self, status: u16) -> Self {
        let status = sanitize_status(status);
        let class = class_status(status);
        // `!HttpError || !(err instanceof HttpError) || err.status !== status`
        if class.is_none() || self.class != class || self.status != status {
            self.expose = status < 500;
            self.status = status;
        }
        self.own_status = true;
        self
    }
}

impl fmt::Display for HttpError {
    /// The message, as `err.message`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl<E: StdError + Send + Sync + 'static> From<E> for HttpError {
    /// Anything thrown in Koa: a 500 named `Error`, not exposed, whose message is the
    /// error's `Display` text and whose [`source`](HttpError::source) is the error.
    /// Unlike [`HttpError::from_error`] it counts as having no status of its own, so a
    /// later [`HttpError::with_default_status`] (or `ctx.throw(422, err)`) still
    /// applies.
    fn from(err: E) -> Self {
        Self::thrown(Arc::new(err))
    }
}

impl From<HttpError> for BoxError {
    /// Boxes an [`HttpError`] as a standard error (its `Display` is the message, its
    /// source the wrapped error); [`HttpError::from_error`] gets it back unchanged.
    fn from(err: HttpError) -> Self {
        Box::new(Boxed(err))
    }
}

/// An [`HttpError`] inside a [`BoxError`]. Private, so that the only way in is
/// `From<HttpError>` and the only way out is [`HttpError::from_error`] /
/// [`HttpError::wrap`].
#[derive(Debug)]
struct Boxed(HttpError);

impl fmt::Display for Boxed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl StdError for Boxed {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.0.source().map(|e| e as &(dyn StdError + 'static))
    }
}

/// The class name upstream gives a 4xx/5xx status it knows: the statuses 1.5.0 text
/// turned into an identifier (`toidentifier`: each space-separated word capitalised,
/// words joined, characters other than letters, digits and `_` dropped) with `Error`
/// appended unless it already ends so. `404` → `NotFoundError`, `418` →
/// `ImATeapotError`, `425` → `UnorderedCollectionError`, `500` →
/// `InternalServerError`. `None` for other statuses (including an unknown 499, whose
/// errors are built by the 400 class).
pub fn error_name(status: u16) -> Option<String> {
    if !(400..600).contains(&status) {
        return None;
    }
    let text = statuses::message(status)?;
    let mut ident = String::with_capacity(text.len() + 5);
    for word in text.split(' ') {
        let mut chars = word.chars();
        if let Some(first) = chars.next() {
            ident.extend(first.to_uppercase());
            ident.push_str(chars.as_str());
        }
    }
    ident.retain(|c| c.is_ascii_alphanumeric() || c == '_' || c == ' ');
    if !ident.ends_with("Error") {
        ident.push_str("Error");
    }
    Some(ident)
}

/// Upstream's rule: keep a known status or any 4xx/5xx, otherwise 500.
fn sanitize_status(status: u16) -> u16 {
    if statuses::message(status).is_none() && !(400..600).contains(&status) {
        500
    } else {
        status
    }
}

/// The status of the class `createError` instantiates: the exact one for a known
/// 4xx/5xx, the hundred (400 or 500) for an unknown one, none below 400.
fn class_status(status: u16) -> Option<u16> {
    if !(400..600).contains(&status) {
        None
    } else if statuses::message(status).is_some() {
        Some(status)
    } else {
        Some(status / 100 * 100)
    }
}

/// JavaScript truthiness of a JSON value.
fn js_truthy(value: &Value) -> bool {
    match value {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64().is_some_and(|f| f != 0.0),
        Value::String(s) => !s.is_empty(),
        Value::Array(_) | Value::Object(_) => true,
    }
}

/// JavaScript's `String(value)` for a JSON value.
fn js_string(value: &Value) -> String {
    match value {
        Value::Null => "null".to_owned(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => match n.as_f64() {
            // 1.0 prints as "1" in JavaScript; integers print as they are.
            Some(f) if n.is_f64() && f.fract() == 0.0 && f.abs() < 1e21 => format!("{f}"),
            _ => n.to_string(),
        },
        Value::String(s) => s.clone(),
        // Array.prototype.toString joins with ',' and prints null/undefined as "".
        Value::Array(items) => items
            .iter()
            .map(|v| match v {
                Value::Null => String::new(),
                other => js_string(other),
            })
            .collect::<Vec<_>>()
            .join(","),
        Value::Object(_) => "[object Object]".to_owned(),
    }
}

/// A `headers` prop as a [`HeaderMap`], or `None` when any entry does not convert.
fn headers_from_json(value: &Value) -> Option<HeaderMap> {
    let Value::Object(entries) = value else {
        return None;
    };
    let mut map = HeaderMap::new();
    for (name, value) in entries {
        let name = HeaderName::from_bytes(name.as_bytes()).ok()?;
        let items: Vec<&Value> = match value {
            Value::Array(items) => items.iter().collect(),
            single => vec![single],
        };
        for item in items {
            if matches!(item, Value::Object(_) | Value::Array(_)) {
                return None;
            }
            let text = js_string(item);
            map.append(name.clone(), HeaderValue::from_str(&text).ok()?);
        }
    }
    Some(map)
}

#[cfg(test)]
mod tests {
    //! Behaviours from http-errors 1.8.1's `test/test.js`
    //! (<https://github.com/jshttp/http-errors/blob/1.8.1/test/test.js>), the
    //! `ctx.throw` forms of koa 2.16's `__tests__/context/throw.js`
    //! (<https://github.com/koajs/koa/blob/v2.16.4/__tests__/context/throw.js>), and
    //! vectors recorded from http-errors 1.8.1 (with statuses 1.5.0) on Node v20.20.2.

    use super::*;
    use serde_json::json;

    /// A plain (non-HTTP) error like JavaScript's `new Error(msg)`.
    #[derive(Debug)]
    struct Plain(&'static str);

    impl fmt::Display for Plain {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str(self.0)
        }
    }

    impl StdError for Plain {}

    /// An error that wraps another, to build source chains.
    #[derive(Debug)]
    struct Layer(io::Error);

    impl fmt::Display for Layer {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("reading the template failed")
        }
    }

    impl StdError for Layer {
        fn source(&self) -> Option<&(dyn StdError + 'static)> {
            Some(&self.0)
        }
    }

    fn props(value: Value) -> Map<String, Value> {
        match value {
            Value::Object(map) => map,
            _ => unreachable!("test props are objects"),
        }
    }

    /// (status, name, message, expose) of an error, for compact assertions.
    fn seen(e: &HttpError) -> (u16, &str, &str, bool) {
        (e.status, e.name.as_str(), e.message.as_str(), e.expose)
    }

    #[test]
    fn status_300_is_a_plain_error_with_its_status_text() {
        let err = HttpError::new(300);
        assert_eq!(seen(&err), (300, "Error", "Multiple Choices", true));
        assert_eq!(err.status_code(), 300);
    }

    #[test]
    fn status_404_is_not_found_error() {
        let err = HttpError::new(404);
        assert_eq!(seen(&err), (404, "NotFoundError", "Not Found", true));
        assert_eq!(err.status_code(), 404);
        assert!(!err.header_sent);
        assert!(err.source().is_none());
    }

    #[test]
    fn statuses_1_5_0_rows_give_their_texts_and_names() {
        assert_eq!(
            seen(&HttpError::new(418)),
            (418, "ImATeapotError", "I'm a teapot", true)
        );
        assert_eq!(
            seen(&HttpError::new(425)),
            (
                425,
                "UnorderedCollectionError",
                "Unordered Collection",
                true
            )
        );
        // 306 is in the 1.5.0 table, so it is kept (as a plain error), not made a 500.
        assert_eq!(seen(&HttpError::new(306)), (306, "Error", "(Unused)", true));
    }

    #[test]
    fn unknown_4xx_takes_the_bad_request_class_but_keeps_its_code() {
        let err = HttpError::new(499);
        assert_eq!(seen(&err), (499, "BadRequestError", "Bad Request", true));
    }

    #[test]
    fn unknown_5xx_takes_the_internal_server_error_class_but_keeps_its_code() {
        let err = HttpError::new(599);
        assert_eq!(
            seen(&err),
            (599, "InternalServerError", "Internal Server Error", false)
        );
    }

    #[test]
    fn statuses_upstream_does_not_keep_become_500() {
        for status in [0, 399, 600, 700, u16::MAX] {
            let err = HttpError::new(status);
            assert_eq!(
                seen(&err),
                (500, "InternalServerError", "Internal Server Error", false),
                "{status}"
            );
        }
        // Known non-error statuses are kept, as plain errors.
        assert_eq!(seen(&HttpError::new(200)), (200, "Error", "OK", true));
        assert_eq!(seen(&HttpError::new(302)), (302, "Error", "Found", true));
    }

    #[test]
    fn status_and_message_in_either_order() {
        // createError(404, 'missing') and createError('missing', 404) agree.
        let err = HttpError::with_message(404, "missing");
        assert_eq!(seen(&err), (404, "NotFoundError", "missing", true));
        assert_eq!(err.status_code(), 404);
        assert_eq!(err.to_string(), "missing");
        let err = HttpError::with_message(400, "name required");
        assert_eq!(seen(&err), (400, "BadRequestError", "name required", true));
    }

    #[test]
    fn empty_message_falls_back_only_for_plain_errors() {
        // `new ClientError(msg)` keeps "" (`msg != null`), `new Error(msg || text)` does not.
        assert_eq!(HttpError::with_message(404, "").message, "");
        assert_eq!(HttpError::with_message(302, "").message, "Found");
        assert_eq!(HttpError::with_message(306, "").message, "(Unused)");
    }

    #[test]
    fn status_and_props() {
        let err = HttpError::new(404).with_props(props(json!({ "id": 1 })));
        assert_eq!(seen(&err), (404, "NotFoundError", "Not Found", true));
        assert_eq!(err.properties["id"], json!(1));
    }

    #[test]
    fn status_and_status_code_props_are_ignored() {
        for key in ["status", "statusCode"] {
            let err = HttpError::new(404).with_props(props(json!({ "id": 1, key: 500 })));
            assert_eq!(err.status, 404);
            assert_eq!(err.status_code(), 404);
            assert_eq!(err.name, "NotFoundError");
            assert_eq!(err.properties["id"], json!(1));
            assert!(!err.properties.contains_key(key));
        }
    }

    #[test]
    fn props_alone_make_a_500() {
        let err = HttpError::new(500).with_props(props(json!({ "id": 1 })));
        assert_eq!(
            seen(&err),
            (500, "InternalServerError", "Internal Server Error", false)
        );
        assert_eq!(err.properties["id"], json!(1));
    }

    #[test]
    fn message_alone_makes_a_500() {
        let err = HttpError::from_message("LOL");
        assert_eq!(seen(&err), (500, "InternalServerError", "LOL", false));
    }

    #[test]
    fn message_and_props() {
        let err = HttpError::from_message("LOL").with_property("id", 1);
        assert_eq!(seen(&err), (500, "InternalServerError", "LOL", false));
        assert_eq!(err.properties["id"], json!(1));
    }

    #[test]
    fn create_error_of_a_plain_error_makes_a_500_named_error() {
        let err = HttpError::from_error(Plain("LOL"));
        assert_eq!(seen(&err), (500, "Error", "LOL", false));
        assert_eq!(
            err.source().map(ToString::to_string).as_deref(),
            Some("LOL")
        );
    }

    #[test]
    fn a_status_on_either_side_of_a_plain_error_applies() {
        // createError(422, err) and createError(err, 422).
        let before = HttpError::wrap(422, Plain("test"));
        let after = HttpError::from_error(Plain("test")).with_status(422);
        for err in [before, after] {
            assert_eq!(seen(&err), (422, "Error", "test", true));
        }
    }

    #[test]
    fn the_later_status_wins_over_an_errors_own() {
        // err = createError(404): createError(err, 422) → 422, createError(422, err) → 404.
        let later = HttpError::new(404).with_status(422);
        assert_eq!(seen(&later), (422, "NotFoundError", "Not Found", true));
        let earlier = HttpError::new(404).with_default_status(422);
        assert_eq!(seen(&earlier), (404, "NotFoundError", "Not Found", true));
        let earlier = HttpError::wrap(422, HttpError::new(404));
        assert_eq!(seen(&earlier), (404, "NotFoundError", "Not Found", true));
        // createError(500, createError(418)) → 418; createError(createError(418), 500) → 500.
        let teapot = HttpError::wrap(500, HttpError::new(418));
        assert_eq!(seen(&teapot), (418, "ImATeapotError", "I'm a teapot", true));
        let teapot = HttpError::new(418).with_status(500);
        assert_eq!(
            seen(&teapot),
            (500, "ImATeapotError", "I'm a teapot", false)
        );
        // createError(404, 'msg', 500): two numbers, the last one counts.
        let err = HttpError::with_message(500, "msg");
        assert_eq!(seen(&err), (500, "InternalServerError", "msg", false));
    }

    #[test]
    fn a_status_set_on_a_thrown_error_counts_as_its_own() {
        // e = new Error('x'); e.status = 404: createError(422, e) → 404, createError(e, 422) → 422.
        let mut e = HttpError::from(Plain("x"));
        e.status = 404;
        assert_eq!(
            seen(&e.clone().with_default_status(422)),
            (404, "Error", "x", true)
        );
        assert_eq!(seen(&e.with_status(422)), (422, "Error", "x", true));
    }

    #[test]
    fn create_error_fixes_its_status_once() {
        // createError(422, createError(new Error('z'))) → 500: the inner call gave it one.
        let err = HttpError::wrap(422, HttpError::from_error(Plain("z")));
        assert_eq!(seen(&err), (500, "Error", "z", false));
        // …whereas an error only thrown (no createError) takes the 422.
        let err = HttpError::from(Plain("z")).with_default_status(422);
        assert_eq!(seen(&err), (422, "Error", "z", true));
    }

    #[test]
    fn an_error_of_the_right_class_and_status_is_left_alone() {
        // createError(createError(404, 'LOL', { expose: false })) keeps expose false,
        // and so does adding 404 again; a different status resets it.
        let hidden = HttpError::with_message(404, "LOL").with_property("expose", false);
        assert_eq!(
            seen(&HttpError::from_error(hidden.clone())),
            (404, "NotFoundError", "LOL", false)
        );
        assert_eq!(
            seen(&hidden.clone().with_status(404)),
            (404, "NotFoundError", "LOL", false)
        );
        assert_eq!(
            seen(&hidden.with_status(410)),
            (410, "NotFoundError", "LOL", true)
        );
        // A 499 is a BadRequestError instance, so 499 again leaves it; 498 moves it.
        let odd = HttpError::new(499).with_expose(false);
        assert_eq!(
            seen(&odd.clone().with_status(499)),
            (499, "BadRequestError", "Bad Request", false)
        );
        assert_eq!(
            seen(&odd.with_status(498)),
            (498, "BadRequestError", "Bad Request", true)
        );
    }

    #[test]
    fn an_error_without_a_class_gets_expose_reset() {
        // e = createError(422, new Error('q')); e.expose = false; createError(e) → expose true.
        let mut e = HttpError::wrap(422, Plain("q"));
        e.expose = false;
        assert_eq!(seen(&HttpError::from_error(e)), (422, "Error", "q", true));
        // The same for the plain Error of a 302.
        let found = HttpError::new(302).with_expose(false);
        assert_eq!(
            seen(&HttpError::from_error(found)),
            (302, "Error", "Found", true)
        );
    }

    #[test]
    fn an_http_error_with_an_invalid_status_becomes_a_500() {
        let mut bad = HttpError::new(404);
        bad.status = 700;
        assert_eq!(
            seen(&HttpError::from_error(bad)),
            (500, "NotFoundError", "Not Found", false),
            "upstream leaves the name alone"
        );
        // Status 0 is no status at all (JavaScript's `||`): the fallback applies.
        let mut zero = HttpError::new(404);
        zero.status = 0;
        assert_eq!(zero.with_default_status(422).status, 422);
    }

    #[test]
    fn from_error_gives_back_a_boxed_http_error_with_everything_on_it() {
        let inner = HttpError::new(404)
            .with_expose(false)
            .with_property("id", 1)
            .with_header(http::header::ETAG, HeaderValue::from_static("\"x\""));
        let boxed: BoxError = inner.into();
        assert_eq!(boxed.to_string(), "Not Found");
        let err = HttpError::from_error(boxed);
        assert_eq!(seen(&err), (404, "NotFoundError", "Not Found", false));
        assert_eq!(err.properties["id"], json!(1));
        assert_eq!(err.headers["etag"], "\"x\"");
        assert!(err.source().is_none());
    }

    #[test]
    fn boxing_keeps_the_source_chain() {
        let err = HttpError::wrap(403, io::Error::other("denied"));
        let boxed = BoxError::from(err);
        assert_eq!(
            boxed.source().map(ToString::to_string).as_deref(),
            Some("denied")
        );
    }

    #[test]
    fn question_mark_turns_any_error_into_a_500() {
        fn handler() -> Result<u32, HttpError> {
            let n: u32 = "nope".parse()?;
            Ok(n)
        }
        let err = handler().unwrap_err();
        assert_eq!(
            seen(&err),
            (500, "Error", "invalid digit found in string", false)
        );
        assert_eq!(err.properties.len(), 0);
        assert!(
            err.source()
                .is_some_and(|s| s.is::<std::num::ParseIntError>())
        );
        assert!(!err.is_not_found());
    }

    #[test]
    fn question_mark_turns_an_http_error_into_a_box_error() {
        fn outer() -> Result<(), BoxError> {
            Err(HttpError::new(409))?
        }
        let err = HttpError::from_error(outer().unwrap_err());
        assert_eq!(seen(&err), (409, "ConflictError", "Conflict", true));
    }

    #[test]
    fn not_found_is_enoent_in_a_property_or_the_source_chain() {
        let direct = HttpError::from(io::Error::from(io::ErrorKind::NotFound));
        assert!(direct.is_not_found());
        let nested = HttpError::from(Layer(io::Error::from(io::ErrorKind::NotFound)));
        assert!(nested.is_not_found());
        assert!(HttpError::from_error(nested).is_not_found());
        let coded = HttpError::from_message("no file").with_property("code", "ENOENT");
        assert!(coded.is_not_found());

        let denied = HttpError::from(Layer(io::Error::from(io::ErrorKind::PermissionDenied)));
        assert!(!denied.is_not_found());
        // A 404 is not ENOENT, and Koa compares `code` as a string.
        assert!(!HttpError::new(404).is_not_found());
        assert!(
            !HttpError::new(500)
                .with_property("code", "EACCES")
                .is_not_found()
        );
        assert!(!HttpError::new(500).with_property("code", 2).is_not_found());
    }

    #[test]
    fn clones_share_the_source_and_keep_header_sent() {
        let mut err = HttpError::from(Plain("gone"));
        err.header_sent = true;
        let copy = err.clone();
        assert!(copy.header_sent);
        let (a, b) = (err.source().unwrap(), copy.source().unwrap());
        assert!(std::ptr::addr_eq(a, b));
        assert!(format!("{copy:?}").contains("HttpError"));
    }

    #[test]
    fn an_http_error_is_one_pointer_wide_and_its_fields_are_writable() {
        assert_eq!(
            std::mem::size_of::<HttpError>(),
            std::mem::size_of::<usize>()
        );
        let mut err = HttpError::new(404);
        err.status = 410;
        err.header_sent = true;
        err.message.push('!');
        err.properties.insert("id".to_owned(), json!(7));
        assert_eq!(seen(&err), (410, "NotFoundError", "Not Found!", true));
        assert!(err.header_sent);
        let debug = format!("{err:?}");
        assert!(debug.starts_with("HttpError { status: 410,"), "{debug}");
    }

    #[test]
    fn plain_error_and_props() {
        let err = HttpError::wrap(404, Plain("LOL")).with_property("id", 1);
        assert_eq!(seen(&err), (404, "Error", "LOL", true));
        assert_eq!(err.properties["id"], json!(1));
    }

    #[test]
    fn status_error_and_props() {
        let err = HttpError::wrap(422, Plain("test")).with_props(props(json!({ "id": 1 })));
        assert_eq!(seen(&err), (422, "Error", "test", true));
        assert_eq!(err.properties["id"], json!(1));
    }

    #[test]
    fn status_message_and_props() {
        let err = HttpError::with_message(404, "LOL").with_props(props(json!({ "id": 1 })));
        assert_eq!(seen(&err), (404, "NotFoundError", "LOL", true));
        assert_eq!(err.properties["id"], json!(1));
    }

    #[test]
    fn expose_false_prop_hides_a_client_error_message() {
        let err = HttpError::with_message(404, "LOL").with_props(props(json!({ "expose": false })));
        assert!(!err.expose);
        // JavaScript truthiness for non-booleans, as Koa would read `err.expose`.
        assert!(!HttpError::new(404).with_property("expose", 0).expose);
        assert!(HttpError::new(500).with_property("expose", "yes").expose);
    }

    #[test]
    fn every_known_error_status_has_its_class_name() {
        // new createError[code]().name for every 4xx/5xx code, recorded.
        let expected = [
            (400, "BadRequestError"),
            (401, "UnauthorizedError"),
            (402, "PaymentRequiredError"),
            (403, "ForbiddenError"),
            (404, "NotFoundError"),
            (405, "MethodNotAllowedError"),
            (406, "NotAcceptableError"),
            (407, "ProxyAuthenticationRequiredError"),
            (408, "RequestTimeoutError"),
            (409, "ConflictError"),
            (410, "GoneError"),
            (411, "LengthRequiredError"),
            (412, "PreconditionFailedError"),
            (413, "PayloadTooLargeError"),
            (414, "URITooLongError"),
            (415, "UnsupportedMediaTypeError"),
            (416, "RangeNotSatisfiableError"),
            (417, "ExpectationFailedError"),
            (418, "ImATeapotError"),
            (421, "MisdirectedRequestError"),
            (422, "UnprocessableEntityError"),
            (423, "LockedError"),
            (424, "FailedDependencyError"),
            (425, "UnorderedCollectionError"),
            (426, "UpgradeRequiredError"),
            (428, "PreconditionRequiredError"),
            (429, "TooManyRequestsError"),
            (431, "RequestHeaderFieldsTooLargeError"),
            (451, "UnavailableForLegalReasonsError"),
            (500, "InternalServerError"),
            (501, "NotImplementedError"),
            (502, "BadGatewayError"),
            (503, "ServiceUnavailableError"),
            (504, "GatewayTimeoutError"),
            (505, "HTTPVersionNotSupportedError"),
            (506, "VariantAlsoNegotiatesError"),
            (507, "InsufficientStorageError"),
            (508, "LoopDetectedError"),
            (509, "BandwidthLimitExceededError"),
            (510, "NotExtendedError"),
            (511, "NetworkAuthenticationRequiredError"),
        ];
        let known_error_codes = statuses::codes().filter(|c| (400..600).contains(c)).count();
        assert_eq!(expected.len(), known_error_codes);
        for (status, name) in expected {
            let err = HttpError::new(status);
            assert_eq!(err.name, name, "{status}");
            assert_eq!(error_name(status).as_deref(), Some(name));
            assert_eq!(err.expose, status < 500, "{status}");
            assert_eq!(Some(err.message.as_str()), statuses::message(status));
        }
        assert_eq!(error_name(302), None);
        assert_eq!(error_name(306), None);
        assert_eq!(error_name(499), None);
    }

    #[test]
    fn headers_prop_becomes_response_headers() {
        let err = HttpError::new(401).with_props(props(json!({
            "headers": { "WWW-Authenticate": "Basic", "X-Many": ["a", 2, true] }
        })));
        assert_eq!(err.headers["www-authenticate"], "Basic");
        let many: Vec<_> = err.headers.get_all("x-many").iter().collect();
        assert_eq!(many, ["a", "2", "true"]);
        assert!(!err.properties.contains_key("headers"));
    }

    #[test]
    fn headers_prop_that_is_not_valid_is_kept_as_a_property() {
        let hostile = json!({ "bad name": "x", "X-Ok": "v" });
        let err = HttpError::new(400).with_property("headers", hostile.clone());
        assert!(err.headers.is_empty());
        assert_eq!(err.properties["headers"], hostile);
        let crlf = json!({ "X-Evil": "a\r\nSet-Cookie: x=1" });
        let err = HttpError::new(400).with_property("headers", crlf.clone());
        assert!(err.headers.is_empty());
        assert_eq!(err.properties["headers"], crlf);
    }

    #[test]
    fn typed_header_and_name_and_message_props() {
        let err = HttpError::new(429)
            .with_header(http::header::RETRY_AFTER, HeaderValue::from_static("120"))
            .with_props(props(json!({ "name": "X", "message": 5 })));
        assert_eq!(err.headers["retry-after"], "120");
        assert_eq!(err.name, "X");
        assert_eq!(err.message, "5");
    }

    #[test]
    fn koa_throw_forms_map_to_constructors() {
        // ctx.throw('boom')
        let e = HttpError::from_message("boom");
        assert_eq!((e.status, e.expose), (500, false));
        // ctx.throw(err)
        let e = HttpError::from_error(Plain("test"));
        assert_eq!(seen(&e), (500, "Error", "test", false));
        // ctx.throw(422, err) and ctx.throw(err, 422)
        let e = HttpError::wrap(422, Plain("test"));
        assert_eq!(seen(&e), (422, "Error", "test", true));
        let e = HttpError::from_error(Plain("test")).with_status(422);
        assert_eq!(seen(&e), (422, "Error", "test", true));
        // ctx.throw(400, 'name required') and ctx.throw('name required', 400)
        let e = HttpError::with_message(400, "name required");
        assert_eq!(seen(&e), (400, "BadRequestError", "name required", true));
        // ctx.throw(400)
        let e = HttpError::new(400);
        assert_eq!(seen(&e), (400, "BadRequestError", "Bad Request", true));
        // ctx.throw(400, 'msg', { prop: true, status: -1, statusCode: 3 })
        let e = HttpError::with_message(400, "msg").with_props(props(
            json!({ "prop": true, "status": -1, "statusCode": 3 }),
        ));
        assert_eq!(seen(&e), (400, "BadRequestError", "msg", true));
        assert_eq!(e.properties.keys().collect::<Vec<_>>(), ["prop"]);
        // ctx.throw('msg', { prop: true })
        let e = HttpError::from_message("msg").with_property("prop", true);
        assert_eq!(seen(&e), (500, "InternalServerError", "msg", false));
        // ctx.throw(400, { prop: true })
        let e = HttpError::new(400).with_property("prop", true);
        assert_eq!(seen(&e), (400, "BadRequestError", "Bad Request", true));
        // ctx.throw(new Error('test'), { prop: true })
        let e = HttpError::from_error(Plain("test")).with_property("prop", true);
        assert_eq!(seen(&e), (500, "Error", "test", false));
        assert_eq!(e.properties["prop"], json!(true));
        // ctx.throw(499): the 400 class; ctx.throw(302): kept; ctx.throw(600): a 500.
        assert_eq!(
            seen(&HttpError::new(499)),
            (499, "BadRequestError", "Bad Request", true)
        );
        assert_eq!(seen(&HttpError::new(302)), (302, "Error", "Found", true));
        assert_eq!(
            seen(&HttpError::new(600)),
            (500, "InternalServerError", "Internal Server Error", false)
        );
    }
}
