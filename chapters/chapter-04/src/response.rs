//! Koa's `response`: status, headers and body, gathered until `respond()` sends them.
//!
//! Mirrors [`lib/response.js` at koa 2.16.4](https://github.com/koajs/koa/blob/v2.16.4/lib/response.js).
//! In Koa every setter writes straight into Node's `res` (`res.statusCode`,
//! `res.setHeader`), and `respond()` finally calls `res.end(body)`. Ours keeps the status,
//! the headers and the body in this struct and hands them to hyper in one piece when
//! `respond()` runs, which is what makes the common case as cheap as a bare hyper
//! handler. Only when a handler flushes the head early, or takes Node's `res` for itself
//! (`ctx.respond = false`), does a Node-shaped [`ServerResponse`](crate::ServerResponse)
//! come into play (see `context.rs`).
//!
//! The rules kept from Koa, each checked by a test:
//! - the status starts at 404 and is not "explicit" until someone sets it; setting a body
//!   then makes it 200;
//! - the body setter infers `Content-Type` (`html` for text starting with `<`, `text`,
//!   `bin`, `json`) and `Content-Length`, and a null body means 204 and no content headers;
//! - once the head is sent, every header mutator is a silent no-op, as in Koa.

use std::fmt;
use std::pin::Pin;
use std::time::SystemTime;

use bytes::Bytes;
use futures_util::Stream;
use http::{HeaderMap, HeaderName, HeaderValue, Version};

use crate::http_errors::HttpError;
use crate::{content_disposition, mime_types, statuses, type_is, vary};

use crate::js::is_js_whitespace;

/// A response body stream: what Koa accepts as `ctx.body = readableStream`.
pub type BodyStream = Pin<Box<dyn Stream<Item = Result<Bytes, std::io::Error>> + Send>>;

// ANCHOR: body
/// What `ctx.body` can hold. JavaScript tells these apart at run time by the value's
/// type; Rust names each case.
pub enum Body {
    /// JavaScript `undefined`: nothing was set. `respond()` answers with the status text.
    None,
    /// JavaScript `null`, set on purpose: an empty response.
    Null,
    /// A string. Its `Content-Type` defaults to `text/html` or `text/plain`.
    Text(String),
    /// A `Buffer`. Its `Content-Type` defaults to `application/octet-stream`.
    Bytes(Bytes),
    /// Any other value: sent as JSON.
    Json(serde_json::Value),
    /// A readable stream, piped to the client as it produces chunks.
    Stream(BodyStream),
    /// A file being streamed (koa-send's `fs.createReadStream(path)`). Sent like
    /// `Stream`; it also knows its path, size and modification time, as a Node file
    /// stream knows its `.path` — which is how koa-etag tags it without reading it.
    File(FileBody),
}
// ANCHOR_END: body

/// A file body: the stream of its bytes and what `fs.stat` said about it.
pub struct FileBody {
    /// Where the file is.
    pub path: std::path::PathBuf,
    /// Its size in bytes.
    pub len: u64,
    /// When it was last modified, if the file system says.
    pub modified: Option<SystemTime>,
    /// Its bytes.
    pub stream: BodyStream,
}

impl Body {
    /// A stream body.
    pub fn stream<S>(stream: S) -> Self
    where
        S: Stream<Item = Result<Bytes, std::io::Error>> + Send + 'static,
    {
        Body::Stream(Box::pin(stream))
    }

    /// `null` or `undefined`.
    pub fn is_none(&self) -> bool {
        matches!(self, Body::None | Body::Null)
    }

    /// JavaScript truthiness, which Koa's `status` and `length` getters look at: an empty
    /// string, `0`, `false` and no body are falsy.
    fn is_truthy(&self) -> bool {
        match self {
            Body::None | Body::Null => false,
            Body::Text(text) => !text.is_empty(),
            Body::Json(serde_json::Value::Bool(b)) => *b,
            Body::Json(serde_json::Value::Number(n)) => n.as_f64() != Some(0.0),
            _ => true,
        }
    }

    /// The text or bytes, for the tests and for middleware that reads a body back.
    pub fn as_bytes(&self) -> Option<&[u8]> {
        match self {
            Body::Text(text) => Some(text.as_bytes()),
            Body::Bytes(bytes) => Some(bytes),
            _ => None,
        }
    }
}

impl fmt::Debug for Body {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Body::None => f.write_str("None"),
            Body::Null => f.write_str("Null"),
            Body::Text(text) => f.debug_tuple("Text").field(text).finish(),
            Body::Bytes(bytes) => f.debug_tuple("Bytes").field(bytes).finish(),
            Body::Json(value) => f.debug_tuple("Json").field(value).finish(),
            Body::Stream(_) => f.write_str("Stream(..)"),
            Body::File(file) => f.debug_tuple("File").field(&file.path).finish(),
        }
    }
}

impl From<&str> for Body {
    fn from(text: &str) -> Self {
        Body::Text(text.to_owned())
    }
}

impl From<String> for Body {
    fn from(text: String) -> Self {
        Body::Text(text)
    }
}

impl From<Bytes> for Body {
    fn from(bytes: Bytes) -> Self {
        Body::Bytes(bytes)
    }
}

impl From<Vec<u8>> for Body {
    fn from(bytes: Vec<u8>) -> Self {
        Body::Bytes(bytes.into())
    }
}

impl From<&'static [u8]> for Body {
    fn from(bytes: &'static [u8]) -> Self {
        Body::Bytes(Bytes::from_static(bytes))
    }
}

impl From<serde_json::Value> for Body {
    /// A JSON value is sorted the way JavaScript would see it: `null` is a null body and a
    /// string is a text body (so `json!("<p>")` is HTML, as `ctx.body = '<p>'` is).
    fn from(value: serde_json::Value) -> Self {
        match value {
            serde_json::Value::Null => Body::Null,
            serde_json::Value::String(text) => Body::Text(text),
            other => Body::Json(other),
        }
    }
}

impl<T: Into<Body>> From<Option<T>> for Body {
    /// `None` is `null`.
    fn from(value: Option<T>) -> Self {
        value.map_or(Body::Null, Into::into)
    }
}

// ANCHOR: response_fields
/// Koa's `ctx.response`.
#[derive(Debug)]
pub struct Response {
    /// `res.statusCode`. Koa sets 404 before any middleware runs.
    status: u16,
    /// Koa's `_explicitStatus`: someone chose the status (the first body then keeps it).
    explicit_status: bool,
    /// `res.statusMessage`: the reason phrase, when Koa set one.
    message: Option<String>,
    /// The response headers (`res.getHeaders()`).
    headers: HeaderMap,
    /// `ctx.body`.
    body: Body,
    /// Koa's `_explicitNullBody`: the body was set to `null` at some point.
    explicit_null_body: bool,
    /// `res.headersSent`: after this, header mutators do nothing.
    pub(crate) header_sent: bool,
    /// The request's HTTP version: HTTP/2 has no reason phrases.
    version: Version,
}
// ANCHOR_END: response_fields

/// A header value Koa's `set` accepts: text, or a number it turns into text.
pub trait HeaderText {
    /// The value as it goes on the wire.
    fn header_text(&self) -> std::borrow::Cow<'_, str>;
}

impl HeaderText for str {
    fn header_text(&self) -> std::borrow::Cow<'_, str> {
        std::borrow::Cow::Borrowed(self)
    }
}

impl HeaderText for String {
    fn header_text(&self) -> std::borrow::Cow<'_, str> {
        std::borrow::Cow::Borrowed(self)
    }
}

macro_rules! header_text_for_numbers {
    ($($ty:ty),*) => {$(
        impl HeaderText for $ty {
            fn header_text(&self) -> std::borrow::Cow<'_, str> {
                std::borrow::Cow::Owned(self.to_string())
            }
        }
    )*};
}
header_text_for_numbers!(u8, u16, u32, u64, usize, i32, i64, bool);

impl<T: HeaderText + ?Sized> HeaderText for &T {
    fn header_text(&self) -> std::borrow::Cow<'_, str> {
        (**self).header_text()
    }
}

impl Response {
    /// A fresh response: 404, no headers, no body (what `handleRequest` starts with).
    pub(crate) fn new(version: Version) -> Self {
        Self {
            status: 404,
            explicit_status: false,
            message: None,
            headers: HeaderMap::new(),
            body: Body::None,
            explicit_null_body: false,
            header_sent: false,
            version,
        }
    }

    // ANCHOR: status
    /// `response.status`.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// `response.status = code`: validated (`invalid status code: 99`), marks the status
    /// explicit, resets the reason phrase to the status table's, and drops a body a 204,
    /// 205 or 304 cannot carry. Ignored once the head is sent.
    pub fn set_status(&mut self, code: u16) -> Result<(), HttpError> {
        if self.header_sent {
            return Ok(());
        }
        if !(100..=999).contains(&code) {
            return Err(HttpError::from_message(format!(
                "invalid status code: {code}"
            )));
        }
        self.explicit_status = true;
        self.status = code;
        if self.version < Version::HTTP_2 {
            self.message = statuses::message(code).map(str::to_owned);
        }
        if self.body.is_truthy() && statuses::is_empty(code) {
            self.set_body(Body::Null);
        }
        Ok(())
    }
    // ANCHOR_END: status

    /// `response.message`: the reason phrase set for this response, or the status table's.
    pub fn message(&self) -> Option<&str> {
        self.message
            .as_deref()
            .or_else(|| statuses::message(self.status))
    }

    /// `response.message = text`.
    pub fn set_message(&mut self, message: impl Into<String>) {
        self.message = Some(message.into());
    }

    /// The phrase for the status line, if one was set on this response.
    pub(crate) fn explicit_message(&self) -> Option<&str> {
        self.message.as_deref()
    }

    /// Node's `res.statusMessage`: the phrase this response carries itself, without
    /// the table fallback of [`message`](Self::message). The status setter fills it on
    /// HTTP/1 only, so on HTTP/2 it stays `None` (Koa's HTTP/2 test reads exactly this).
    pub fn status_message(&self) -> Option<&str> {
        self.explicit_message()
    }

    /// `response.body`.
    pub fn body(&self) -> &Body {
        &self.body
    }

    /// Takes the body out, leaving `None` (for `respond()` and for middleware that wraps a
    /// body, such as compression in the next chapter).
    pub fn take_body(&mut self) -> Body {
        std::mem::replace(&mut self.body, Body::None)
    }

    // ANCHOR: set_body
    /// `response.body = value`, with Koa's inference of status, type and length.
    pub fn set_body(&mut self, body: impl Into<Body>) {
        let body = body.into();
        let had_body = !self.body.is_none();
        if body.is_none() {
            if !statuses::is_empty(self.status) {
                // Through the setter, so the 204 counts as explicit (a Koa quirk: a later
                // string body keeps the 204).
                let _ = self.set_status(204);
            }
            if matches!(body, Body::Null) {
                self.explicit_null_body = true;
            }
            self.body = body;
            self.remove("Content-Type");
            self.remove("Content-Length");
            self.remove("Transfer-Encoding");
            return;
        }
        if !self.explicit_status {
            let _ = self.set_status(200);
        }
        let set_type = !self.has("Content-Type");
        match &body {
            Body::Text(text) => {
                if set_type {
                    self.set_type(if looks_like_html(text) {
                        "html"
                    } else {
                        "text"
                    });
                }
                self.set_length(text.len() as u64);
            }
            Body::Bytes(bytes) => {
                if set_type {
                    self.set_type("bin");
                }
                self.set_length(bytes.len() as u64);
            }
            Body::Stream(_) | Body::File(_) => {
                if had_body {
                    self.remove("Content-Length");
                }
                if set_type {
                    self.set_type("bin");
                }
            }
            Body::Json(_) => {
                self.remove("Content-Length");
                self.set_type("json");
            }
            Body::None | Body::Null => unreachable!("handled above"),
        }
        self.body = body;
    }
    // ANCHOR_END: set_body

    /// The plain-text body `ctx.onerror` writes, without the body setter's inference
    /// (Koa writes it with `res.end(msg)`, past `ctx.body`).
    pub(crate) fn set_error_body(&mut self, text: String) {
        self.body = Body::Text(text);
    }

    // ANCHOR: redirect
    /// `response.redirect(url, alt)`: `Location`, a redirect status and a short body.
    ///
    /// `"back"` means the request's `Referrer`, but only when it points at this same
    /// host (koa 2.16.3 closed an open redirect there); otherwise `alt`, otherwise `/`.
    /// Absolute URLs are normalised as Node's WHATWG `URL` would; the `Location` header
    /// is then percent-encoded with `encodeurl`. The status becomes 302 unless it is a
    /// redirect status already (so `301` then `redirect` keeps the 301).
    pub fn redirect(
        &mut self,
        request: &crate::request::Request,
        url: &str,
        alt: Option<&str>,
    ) -> Result<(), HttpError> {
        let mut url = std::borrow::Cow::Borrowed(url);
        if url == "back" {
            url = std::borrow::Cow::Owned(
                back_target(request).unwrap_or_else(|| alt.unwrap_or("/").to_owned()),
            );
        }
        let lower = url.get(..8).unwrap_or(&url).to_ascii_lowercase();
        if lower.starts_with("http://") || lower.starts_with("https://") {
            let parsed = url::Url::parse(&url)
                .map_err(|_| HttpError::from_message(format!("Invalid URL: {url}")))?;
            url = std::borrow::Cow::Owned(parsed.to_string());
        }
        self.set("Location", crate::encodeurl::encode_url(&url))?;
        if !statuses::is_redirect(self.status) {
            self.set_status(302)?;
        }
        if request.accepts(&["html"]).is_some() {
            let escaped = crate::encodeurl::escape_html(&url);
            self.set_type("text/html; charset=utf-8");
            self.set_body(format!("Redirecting to {escaped}."));
        } else {
            self.set_type("text/plain; charset=utf-8");
            self.set_body(format!("Redirecting to {url}."));
        }
        Ok(())
    }
    // ANCHOR_END: redirect

    /// Whether `set_body(Body::Null)` was ever called (Koa's `_explicitNullBody`).
    pub(crate) fn explicit_null_body(&self) -> bool {
        self.explicit_null_body
    }

    /// `response.length`: `Content-Length` if set (its leading digits, else 0), otherwise
    /// the length the body will have; `None` for no body, falsy bodies and streams.
    ///
    /// The header is read as JavaScript's `parseInt` reads it: leading space and a `+`
    /// are skipped, and reading stops at the first non-digit (`12abc` is 12). A
    /// negative length, which `parseInt` would return as such, is 0 here.
    pub fn length(&self) -> Option<u64> {
        if let Some(value) = self.headers.get(http::header::CONTENT_LENGTH) {
            let text = value.to_str().unwrap_or("").trim_start();
            let text = text.strip_prefix('+').unwrap_or(text);
            let digits: &str = &text[..text.bytes().take_while(u8::is_ascii_digit).count()];
            return Some(digits.parse().unwrap_or(0));
        }
        if !self.body.is_truthy() {
            return None;
        }
        match &self.body {
            Body::Text(text) => Some(text.len() as u64),
            Body::Bytes(bytes) => Some(bytes.len() as u64),
            Body::Json(value) => Some(serde_json::to_vec(value).map_or(0, |v| v.len() as u64)),
            _ => None,
        }
    }

    /// `response.length = n`: sets `Content-Length`, unless the body is chunked on purpose
    /// (`Transfer-Encoding` is set).
    pub fn set_length(&mut self, length: u64) {
        if !self.header_sent && !self.has("Transfer-Encoding") {
            // A number is always a valid header value: no text, no check needed.
            self.headers
                .insert(http::header::CONTENT_LENGTH, HeaderValue::from(length));
        }
    }

    /// `response.headerSent`.
    pub fn header_sent(&self) -> bool {
        self.header_sent
    }

    /// `response.type`: the `Content-Type` without parameters, `""` when absent.
    pub fn type_(&self) -> &str {
        let value = self.get("Content-Type");
        value.split(';').next().unwrap_or("")
    }

    /// `response.type = name`: an extension (`json`, `.html`) or a mime type; a charset is
    /// added where the type has one (`text/html; charset=utf-8`). An unknown name removes
    /// `Content-Type`.
    pub fn set_type(&mut self, name: &str) {
        // The four names Koa's own body setter uses, answered without a lookup: what
        // koa's cache-content-type does with its LRU, and most responses need one.
        let known = match name {
            "text" => Some("text/plain; charset=utf-8"),
            "html" => Some("text/html; charset=utf-8"),
            "json" => Some("application/json; charset=utf-8"),
            "bin" => Some("application/octet-stream"),
            _ => None,
        };
        if let Some(value) = known {
            if !self.header_sent {
                self.headers
                    .insert(http::header::CONTENT_TYPE, HeaderValue::from_static(value));
            }
            return;
        }
        match mime_types::content_type(name) {
            Some(value) => {
                let _ = self.set("Content-Type", &value);
            }
            None => self.remove("Content-Type"),
        }
    }

    /// `response.is(types…)`: does the response's type match one of `types`?
    pub fn is(&self, types: &[&str]) -> Option<String> {
        let type_ = self.type_();
        if type_.is_empty() {
            return None;
        }
        type_is::is(Some(type_), types)
    }

    /// `response.lastModified`: the `Last-Modified` header as a time.
    pub fn last_modified(&self) -> Option<SystemTime> {
        httpdate::parse_http_date(self.get("Last-Modified")).ok()
    }

    /// `response.lastModified = time`: written as an HTTP date.
    pub fn set_last_modified(&mut self, time: SystemTime) {
        let _ = self.set("Last-Modified", httpdate::fmt_http_date(time));
    }

    /// `response.lastModified = 'a date string'`: the text is read as an HTTP date
    /// (`Fri, 13 Sep 2013 00:00:00 GMT` and the two older forms HTTP allows) and
    /// written back in the standard form. Koa parses with JavaScript's `Date`, which
    /// takes almost anything and writes the literal `Invalid Date` for the rest; a
    /// bogus header helps nobody, so text that is not a date is an error here and
    /// the header is left as it was.
    pub fn set_last_modified_str(&mut self, date: &str) -> Result<(), HttpError> {
        let time = httpdate::parse_http_date(date.trim())
            .map_err(|_| HttpError::from_message(format!("Invalid Date: {date:?}")))?;
        self.set_last_modified(time);
        Ok(())
    }

    /// `response.etag`: the `ETag` header, `""` when absent.
    pub fn etag(&self) -> &str {
        self.get("ETag")
    }

    /// `response.etag = tag`: quoted unless it already is (`"…"` or `W/"…"`).
    pub fn set_etag(&mut self, tag: &str) -> Result<(), HttpError> {
        if tag.starts_with('"') || tag.starts_with("W/\"") {
            self.set("ETag", tag)
        } else {
            self.set("ETag", format!("\"{tag}\""))
        }
    }

    /// `response.vary(field)`: adds `field` to `Vary` unless it is there already.
    pub fn vary(&mut self, field: &str) -> Result<(), HttpError> {
        if self.header_sent {
            return Ok(());
        }
        vary::vary(&mut self.headers, field).map_err(|e| HttpError::from_message(e.to_string()))
    }

    /// `response.attachment(filename)`: `Content-Disposition: attachment`, with the type
    /// taken from the file name's extension.
    pub fn attachment(&mut self, filename: Option<&str>) -> Result<(), HttpError> {
        self.attachment_with(filename, "", content_disposition::Fallback::Auto)
    }

    /// `response.attachment(filename, { type, fallback })`: as
    /// [`attachment`](Self::attachment), with content-disposition's two options — the
    /// disposition type (`""` means `attachment`; `inline` for "show it") and what to
    /// put in the plain `filename` for names that are not Latin-1. A bad option is
    /// content-disposition's error (`invalid type`, `fallback must be ISO-8859-1
    /// string`); as in Koa, the type has been set from the file name by then.
    pub fn attachment_with(
        &mut self,
        filename: Option<&str>,
        kind: &str,
        fallback: content_disposition::Fallback<'_>,
    ) -> Result<(), HttpError> {
        if let Some(name) = filename.filter(|name| !name.is_empty()) {
            self.set_type(extname(name));
        }
        let value = content_disposition::content_disposition(filename, kind, fallback)
            .map_err(|e| HttpError::from_message(e.to_string()))?;
        self.set("Content-Disposition", value)
    }

    /// `response.get(field)`: a header's first value, `""` when absent.
    pub fn get(&self, field: &str) -> &str {
        self.headers
            .get(field)
            .and_then(|value| value.to_str().ok())
            .unwrap_or("")
    }

    /// Every value of a header (Koa's `get` returns an array for these).
    pub fn get_all(&self, field: &str) -> Vec<&str> {
        self.headers
            .get_all(field)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .collect()
    }

    /// `response.has(field)`.
    pub fn has(&self, field: &str) -> bool {
        self.headers.contains_key(field)
    }

    /// `response.set(field, value)`: replaces the header. Ignored after the head is sent;
    /// a bad name or value is Node's error, as a 500 for the app.
    pub fn set(&mut self, field: &str, value: impl HeaderText) -> Result<(), HttpError> {
        if self.header_sent {
            return Ok(());
        }
        let (name, value) = checked_header(field, &value.header_text())?;
        self.headers.insert(name, value);
        Ok(())
    }

    /// `response.set(field, [v1, v2])`: the header sent once per value.
    pub fn set_values<V: HeaderText>(
        &mut self,
        field: &str,
        values: &[V],
    ) -> Result<(), HttpError> {
        if self.header_sent {
            return Ok(());
        }
        let mut checked = Vec::with_capacity(values.len());
        for value in values {
            checked.push(checked_header(field, &value.header_text())?);
        }
        self.headers.remove(field);
        for (name, value) in checked {
            self.headers.append(name, value);
        }
        Ok(())
    }

    /// `response.set({ a: '1', b: '2' })`: several headers in order.
    pub fn set_many<V: HeaderText>(&mut self, fields: &[(&str, V)]) -> Result<(), HttpError> {
        for (field, value) in fields {
            self.set(field, value)?;
        }
        Ok(())
    }

    /// `response.append(field, value)`: adds a value after those already set.
    pub fn append(&mut self, field: &str, value: impl HeaderText) -> Result<(), HttpError> {
        self.append_values(field, &[value])
    }

    /// `response.append(field, [v1, v2])`: adds every value after those already set.
    /// As in Koa, a header that is absent or empty is simply set; every value is
    /// checked before any is added.
    pub fn append_values<V: HeaderText>(
        &mut self,
        field: &str,
        values: &[V],
    ) -> Result<(), HttpError> {
        if self.header_sent {
            return Ok(());
        }
        // Raw bytes, not text: a Latin-1 value is a value too.
        if self
            .headers
            .get_all(field)
            .iter()
            .all(HeaderValue::is_empty)
        {
            return self.set_values(field, values);
        }
        let mut checked = Vec::with_capacity(values.len());
        for value in values {
            checked.push(checked_header(field, &value.header_text())?);
        }
        for (name, value) in checked {
            self.headers.append(name, value);
        }
        Ok(())
    }

    /// `response.remove(field)`. Ignored after the head is sent.
    pub fn remove(&mut self, field: &str) {
        if !self.header_sent {
            self.headers.remove(field);
        }
    }

    /// `response.headers`: every header set so far.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The headers, mutably, for code that works with `http` types directly.
    pub fn headers_mut(&mut self) -> &mut HeaderMap {
        &mut self.headers
    }

    /// Removes every header (what `ctx.onerror` does before writing an error).
    pub(crate) fn clear_headers(&mut self) {
        self.headers.clear();
    }

    /// `response.toJSON()`: `status`, `message` and `header`.
    pub fn to_json(&self) -> serde_json::Value {
        let mut header = serde_json::Map::new();
        for name in self.headers.keys() {
            // Node hands header strings back as they were set, Latin-1 included
            // (`filename="£ rates.pdf"`), so every byte is one character here.
            let values: Vec<String> = self
                .headers
                .get_all(name)
                .iter()
                .map(|value| value.as_bytes().iter().map(|&b| char::from(b)).collect())
                .collect();
            let value = match values.as_slice() {
                [one] => serde_json::Value::from(one.as_str()),
                many => serde_json::Value::from(many.to_vec()),
            };
            header.insert(name.as_str().to_owned(), value);
        }
        let mut json = serde_json::Map::new();
        json.insert("status".into(), self.status.into());
        if let Some(message) = self.message() {
            json.insert("message".into(), message.into());
        }
        json.insert("header".into(), header.into());
        json.into()
    }

    /// `response.inspect()`: [`to_json`](Self::to_json) plus the `body`, what
    /// `console.log(ctx.response)` shows. Text is a string, JSON is itself, bytes are
    /// shown as `JSON.stringify` shows a `Buffer` (`{"type":"Buffer","data":[…]}`), an
    /// explicit `null` is `null`; no body and a stream (which has no JSON form of its
    /// own) leave `body` out.
    pub fn inspect(&self) -> serde_json::Value {
        let mut json = self.to_json();
        let body = match &self.body {
            Body::None | Body::Stream(_) | Body::File(_) => None,
            Body::Null => Some(serde_json::Value::Null),
            Body::Text(text) => Some(serde_json::Value::from(text.as_str())),
            Body::Json(value) => Some(value.clone()),
            Body::Bytes(bytes) => {
                Some(serde_json::json!({ "type": "Buffer", "data": bytes.to_vec() }))
            }
        };
        if let (Some(object), Some(body)) = (json.as_object_mut(), body) {
            object.insert("body".into(), body);
        }
        json
    }

    /// Moves the headers out, for the response hyper sends.
    pub(crate) fn take_headers(&mut self) -> HeaderMap {
        std::mem::take(&mut self.headers)
    }
}

// ANCHOR: back_target
/// The `Referrer` to go back to, when it resolves to this request's own host.
///
/// Koa throws (a 500) for a referrer or base URL that does not parse; a hostile header
/// should not be able to do that, so here it simply does not count as same-origin.
fn back_target(request: &crate::request::Request) -> Option<String> {
    let referrer = request.get("Referrer");
    if referrer.is_empty() {
        return None;
    }
    let base = url::Url::parse(&request.href()).ok()?;
    let resolved = base.join(&referrer).ok()?;
    let host = match resolved.port() {
        Some(port) => format!("{}:{port}", resolved.host_str()?),
        None => resolved.host_str()?.to_owned(),
    };
    (host == request.host()).then(|| referrer.into_owned())
}
// ANCHOR_END: back_target

/// Koa's "is this string HTML?": optional JavaScript whitespace, then `<`.
fn looks_like_html(text: &str) -> bool {
    text.trim_start_matches(is_js_whitespace).starts_with('<')
}

/// Node's `path.extname` of the last path segment: `.png` for `a/b.png`, `""` without one.
fn extname(name: &str) -> &str {
    let base = name.rsplit('/').next().unwrap_or(name);
    match base.rfind('.') {
        Some(0) | None => "",
        Some(i) => &base[i..],
    }
}

/// Validates a header the way Node's `setHeader` does, with Node's messages.
fn checked_header(field: &str, value: &str) -> Result<(HeaderName, HeaderValue), HttpError> {
    let name = HeaderName::from_bytes(field.as_bytes()).map_err(|_| {
        HttpError::from_message(format!(
            "Header name must be a valid HTTP token [\"{field}\"]"
        ))
    })?;
    let value = latin1_header_value(value).ok_or_else(|| {
        HttpError::from_message(format!("Invalid character in header content [\"{field}\"]"))
    })?;
    Ok((name, value))
}

/// Node writes header strings as Latin-1: characters up to U+00FF become one byte each,
/// anything above is refused, and so are control characters other than tab.
fn latin1_header_value(value: &str) -> Option<HeaderValue> {
    if value.is_ascii() {
        return HeaderValue::from_str(value).ok();
    }
    let bytes = value
        .chars()
        .map(|c| u8::try_from(u32::from(c)).ok())
        .collect::<Option<Vec<u8>>>()?;
    HeaderValue::from_bytes(&bytes).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_detection_uses_javascript_whitespace() {
        assert!(looks_like_html("<h1>"));
        assert!(looks_like_html("    <h1>"));
        assert!(looks_like_html("\u{feff}<a"));
        assert!(looks_like_html("\u{a0}<p>"));
        assert!(!looks_like_html("\u{85}<p>"));
        assert!(!looks_like_html("a<"));
        assert!(!looks_like_html(""));
    }

    #[test]
    fn extname_takes_the_last_segment() {
        assert_eq!(extname("path/to/tobi.png"), ".png");
        assert_eq!(extname("noext"), "");
        assert_eq!(extname(".hidden"), "");
        assert_eq!(extname("a.b/c"), "");
    }
}
