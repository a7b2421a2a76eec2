//! koa-bodyparser: the request body, parsed, for every middleware after this one.
//!
//! Mirrors [koa-bodyparser 4.4.1, `index.js`](https://github.com/koajs/bodyparser/blob/4.4.1/index.js)
//! (the factory, `bodyParser`, `parseBody`, `isTypes`) and the three co-body 6.2.0
//! readers it calls: [`json`](https://github.com/cojs/co-body/blob/6.2.0/lib/json.js),
//! [`form`](https://github.com/cojs/co-body/blob/6.2.0/lib/form.js) and
//! [`text`](https://github.com/cojs/co-body/blob/6.2.0/lib/text.js), with
//! [@hapi/bourne 3.0.0](https://github.com/hapijs/bourne/blob/v3.0.0/lib/index.js)'s
//! `__proto__` check for JSON. Reading the bytes (limits, decompression, text encodings,
//! and their errors) is [`crate::raw_body`]; form bodies become objects in [`crate::qs`].
//!
//! # What it does, per request
//!
//! 1. If a body is already there ([`BodyParserContext::set_request_body`], Koa's
//!    `ctx.request.body !== undefined`) or an earlier middleware turned parsing off
//!    ([`BodyParserContext::disable_body_parser`], Koa's `ctx.disableBodyParser = true`),
//!    it only runs `next`. So a second `BodyParser` in a stack does nothing.
//! 2. It picks a reader by type, first match wins:
//!    - **JSON** when enabled and either the `detect_json` hook says so or the
//!      `Content-Type` is one of exactly five types ([`JSON_TYPES`]) or an
//!      `extend_types` addition. One trailing `;` is forgiven, parameters (the charset
//!      too) are ignored, `application/ld+json` and `text/json` do **not** count. No
//!      body is needed: a JSON type with nothing sent gives `{}`.
//!    - **form** for `application/x-www-form-urlencoded`, **text** for `text/plain`,
//!      **XML** for `text/xml` and `application/xml` (text and XML only when enabled),
//!      each checked with Koa's `ctx.is`, which also wants the request to *have* a body
//!      (`Transfer-Encoding`, or a numeric `Content-Length`).
//!    - Anything else gives `{}` **without reading the body**: no type, an unknown one,
//!      `multipart/form-data`.
//! 3. It reads the body (see [`crate::raw_body`]: the limit counts inflated bytes, a
//!    compressed bomb is cut off at the first chunk past it) and parses it:
//!    - JSON: with `strict` (the default) the empty body is `{}` and anything that does
//!      not start with `{` or `[` (after spaces, tabs, CR, LF) is the error
//!      `invalid JSON, only supports object and array`; without `strict` the empty body
//!      is `""` and any JSON value is accepted. A `"__proto__"` key anywhere is the
//!      error `Object contains forbidden prototype property`, or is removed or kept
//!      ([`ProtoPoisoning`]). JSON errors are 400s that do **not** show their message
//!      (the client reads `Bad Request`), as in Koa.
//!    - form: [`crate::qs::parse`] with co-body's options ([`QsOptions::co_body`]).
//!    - text and XML: the text itself.
//! 4. The parsed value becomes the request body and the decoded text the raw body (the
//!    raw body only if none was set before), and `next` runs. On an error, the
//!    `on_error` hook (if any) decides; without one the error goes up to Koa's error
//!    handling.
//!
//! # From JavaScript to Rust
//!
//! - **`ctx.request.body` and `ctx.request.rawBody`.** Koa adds properties to the
//!   request object; our [`Request`](crate::Request) has no free-form properties,
//!   so the two values live in `ctx.state` and are read through the extension trait
//!   [`BodyParserContext`] (`ctx.request_body()`, `ctx.raw_body()`). The body is a
//!   [`serde_json::Value`]: JSON as parsed, a form as qs's object, text as a string.
//!   Where Koa would have `undefined` (parsing disabled, or an error the hook
//!   swallowed), [`request_body`](BodyParserContext::request_body) gives `{}` so a
//!   handler can index it freely, and
//!   [`request_body_opt`](BodyParserContext::request_body_opt) gives `None`.
//! - **`ctx.disableBodyParser = true`** is the marker type [`DisableBodyParser`] in
//!   `ctx.state`.
//! - **Options** are builder methods on [`BodyParser`] (`BodyParser::default()
//!   .enable_types(&[BodyType::Json, BodyType::Text]).json_limit(100)`). Upstream's
//!   factory also writes into the caller's options object (its hooks vanish if the
//!   object is reused); a Rust builder cannot do that.
//! - **`onerror(err, ctx)`** is [`BodyParser::on_error`]: the hook gets the error by
//!   value and returns `Err` to throw (the same error or another, like
//!   `ctx.throw(("custom parse error", 422))`) or `Ok(())` to go on to `next` with no
//!   body set, as upstream does when its hook returns.
//!
//! # Where we differ from koa-bodyparser
//!
//! - **Limits are byte counts.** `json_limit(0)` means zero bytes; upstream reads a
//!   falsy limit (`0`, `''`) as "the default", and strings like `'1mb'` through the
//!   `bytes` package (`1mb` = 1,048,576, what [`DEFAULT_JSON_LIMIT`] is).
//! - **JSON is read by serde_json, then shaped as JavaScript would see it**: object
//!   keys in JavaScript's order (integer-like keys first, ascending) and numbers
//!   without a fraction as integers (`1.0`, `1e2`, `-0` are `1`, `100`, `0`), so an
//!   echoed body prints as Koa's would. What remains different: integers written as
//!   integers stay exact beyond 2⁵³ (JavaScript rounds them), a few fractions print
//!   in serde_json's notation (`1e-6` where JavaScript writes `0.000001`), and numbers
//!   beyond a double's range (`1e400`, JavaScript's `Infinity`) and nesting deeper
//!   than 128 levels are 400s here, accepted upstream.
//!   Syntax error messages are serde_json's (never shown to the client, as upstream's
//!   are not).
//! - **Corrupt compressed bodies are 400s**, not upstream's 500 (see
//!   [`crate::raw_body`]).
//! - **Text encodings** are the four families [`crate::raw_body::Charset`] knows;
//!   iconv-lite knows more. co-body's `encoding: null` for text (a `Buffer` body) has
//!   no counterpart: the body is always text here.
//! - **qs options** are the subset [`QsOptions`] supports; co-body's custom `qs`
//!   module option is not offered.

use std::sync::{Arc, LazyLock};

use serde_json::{Map, Value};

use crate::{BoxFuture, Context, HttpError, Middleware, Next, TypeIs, type_is};

use crate::qs::{self, QsOptions};
use crate::raw_body;

/// The JSON media types koa-bodyparser accepts, exactly (upstream's `jsonTypes`).
/// Others can be added with [`BodyParser::extend_types`].
pub const JSON_TYPES: [&str; 5] = [
    "application/json",
    "application/json-patch+json",
    "application/vnd.api+json",
    "application/csp-report",
    "application/scim+json",
];

/// The form media types (upstream's `formTypes`).
pub const FORM_TYPES: [&str; 1] = ["application/x-www-form-urlencoded"];

/// The text media types (upstream's `textTypes`).
pub const TEXT_TYPES: [&str; 1] = ["text/plain"];

/// The XML media types (upstream's `xmlTypes`; `+xml` types do not count).
pub const XML_TYPES: [&str; 2] = ["text/xml", "application/xml"];

/// co-body's JSON limit, `'1mb'`: 1,048,576 bytes (after inflation).
pub const DEFAULT_JSON_LIMIT: usize = 1024 * 1024;

/// co-body's form limit, `'56kb'`: 57,344 bytes.
pub const DEFAULT_FORM_LIMIT: usize = 56 * 1024;

/// co-body's text limit, `'1mb'`; XML uses it too unless `xml_limit` is set.
pub const DEFAULT_TEXT_LIMIT: usize = 1024 * 1024;

/// The kinds of body koa-bodyparser can parse (upstream's `enableTypes` entries).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BodyType {
    /// `json`: parsed into any JSON value (objects and arrays only, with `strict`).
    Json,
    /// `form`: `application/x-www-form-urlencoded`, parsed by [`crate::qs`].
    Form,
    /// `text`: `text/plain`, kept as a string.
    Text,
    /// `xml`: `text/xml` and `application/xml`, kept as a string.
    Xml,
}

/// What to do with a `"__proto__"` key in a JSON body (co-body's `onProtoPoisoning`,
/// passed to bourne's `protoAction`).
///
/// In JavaScript, assigning such a key can replace an object's prototype, so a body
/// carrying one is suspect. Rust objects have no prototype; the check is kept so that
/// the same bodies are refused as upstream refuses them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ProtoPoisoning {
    /// Refuse the body: 400, `Object contains forbidden prototype property`. The
    /// default.
    #[default]
    Error,
    /// Delete every `"__proto__"` key, however deep.
    Remove,
    /// Keep the keys as ordinary keys.
    Ignore,
}

/// A hook deciding whether a request is JSON whatever its type (`detectJSON`).
type DetectJson = Arc<dyn Fn(&Context) -> bool + Send + Sync>;

/// A hook receiving parse errors (`onerror`).
type OnError = Arc<dyn Fn(HttpError, &mut Context) -> Result<(), HttpError> + Send + Sync>;

/// The koa-bodyparser middleware, with its options.
///
/// ```
/// use chapter_04::body_parser::{BodyParser, BodyParserContext, BodyType};
/// use chapter_04::{Application, Context, HttpError};
///
/// async fn echo(ctx: &mut Context) -> Result<(), HttpError> {
///     let body = ctx.request_body().clone();
///     ctx.set_body(body);
///     Ok(())
/// }
///
/// let mut app = Application::new();
/// app.use_(BodyParser::default().enable_types(&[BodyType::Json, BodyType::Form, BodyType::Text]));
/// app.use_(echo);
/// ```
#[derive(Clone)]
pub struct BodyParser {
    /// Which readers may run (`enableTypes`, default JSON and form).
    enable_types: Vec<BodyType>,
    /// The server-side text encoding for every reader (`encoding`, default `utf8`).
    encoding: String,
    /// `jsonLimit`, in bytes after inflation.
    json_limit: usize,
    /// `formLimit`.
    form_limit: usize,
    /// `textLimit`.
    text_limit: usize,
    /// `xmlLimit`.
    xml_limit: usize,
    /// `strict`: JSON must be an object or an array.
    strict: bool,
    /// `detectJSON`.
    detect_json: Option<DetectJson>,
    /// The JSON types: [`JSON_TYPES`] plus `extendTypes.json`.
    json_types: Vec<String>,
    /// The form types plus `extendTypes.form`.
    form_types: Vec<String>,
    /// The text types plus `extendTypes.text`.
    text_types: Vec<String>,
    /// The XML types plus `extendTypes.xml`.
    xml_types: Vec<String>,
    /// `onerror`.
    on_error: Option<OnError>,
    /// `queryString`: qs options for form bodies.
    query_string: QsOptions,
    /// `onProtoPoisoning`.
    on_proto_poisoning: ProtoPoisoning,
}

impl std::fmt::Debug for BodyParser {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BodyParser")
            .field("enable_types", &self.enable_types)
            .field("encoding", &self.encoding)
            .field("json_limit", &self.json_limit)
            .field("form_limit", &self.form_limit)
            .field("text_limit", &self.text_limit)
            .field("xml_limit", &self.xml_limit)
            .field("strict", &self.strict)
            .field("detect_json", &self.detect_json.is_some())
            .field("json_types", &self.json_types)
            .field("form_types", &self.form_types)
            .field("text_types", &self.text_types)
            .field("xml_types", &self.xml_types)
            .field("on_error", &self.on_error.is_some())
            .field("query_string", &self.query_string)
            .field("on_proto_poisoning", &self.on_proto_poisoning)
            .finish()
    }
}

impl Default for BodyParser {
    /// `bodyParser()`: JSON and form, UTF-8, co-body's limits, strict JSON.
    fn default() -> Self {
        fn owned(types: &[&str]) -> Vec<String> {
            types.iter().map(|&t| t.to_owned()).collect()
        }
        Self {
            enable_types: vec![BodyType::Json, BodyType::Form],
            encoding: "utf8".to_owned(),
            json_limit: DEFAULT_JSON_LIMIT,
            form_limit: DEFAULT_FORM_LIMIT,
            text_limit: DEFAULT_TEXT_LIMIT,
            xml_limit: DEFAULT_TEXT_LIMIT,
            strict: true,
            detect_json: None,
            json_types: owned(&JSON_TYPES),
            form_types: owned(&FORM_TYPES),
            text_types: owned(&TEXT_TYPES),
            xml_types: owned(&XML_TYPES),
            on_error: None,
            query_string: QsOptions::co_body(),
            on_proto_poisoning: ProtoPoisoning::Error,
        }
    }
}

impl BodyParser {
    /// The same as [`BodyParser::default`].
    pub fn new() -> Self {
        Self::default()
    }

    /// `enableTypes`: which readers may run. `&[]` parses nothing (every body is `{}`).
    pub fn enable_types(mut self, types: &[BodyType]) -> Self {
        self.enable_types = types.to_vec();
        self
    }

    /// `encoding`: the text encoding of every body, chosen by the server (the request's
    /// `charset` is not read, as upstream). An unknown name answers each parsed request
    /// with 415 `specified encoding unsupported`; see [`raw_body::Charset`] for the
    /// names known.
    pub fn encoding(mut self, name: impl Into<String>) -> Self {
        self.encoding = name.into();
        self
    }

    /// `jsonLimit`, in bytes after inflation. Exactly the limit is accepted; one byte
    /// more is 413.
    pub fn json_limit(mut self, bytes: usize) -> Self {
        self.json_limit = bytes;
        self
    }

    /// `formLimit`, in bytes after inflation.
    pub fn form_limit(mut self, bytes: usize) -> Self {
        self.form_limit = bytes;
        self
    }

    /// `textLimit`, in bytes after inflation.
    pub fn text_limit(mut self, bytes: usize) -> Self {
        self.text_limit = bytes;
        self
    }

    /// `xmlLimit`, in bytes after inflation.
    pub fn xml_limit(mut self, bytes: usize) -> Self {
        self.xml_limit = bytes;
        self
    }

    /// `strict`: when true (the default) a JSON body must be an object or an array.
    pub fn strict(mut self, strict: bool) -> Self {
        self.strict = strict;
        self
    }

    /// `detectJSON(ctx)`: when the hook returns true the body is parsed as JSON,
    /// whatever its `Content-Type` (it is asked before the type checks, so it wins
    /// over a form type). Only while JSON is enabled.
    pub fn detect_json(mut self, hook: impl Fn(&Context) -> bool + Send + Sync + 'static) -> Self {
        self.detect_json = Some(Arc::new(hook));
        self
    }

    /// `extendTypes`: more media types for one kind, added after the built-in ones.
    /// Any type-is pattern works (`"+json"`, `"text/*"`, `"html"`).
    pub fn extend_types(mut self, kind: BodyType, types: &[&str]) -> Self {
        let list = match kind {
            BodyType::Json => &mut self.json_types,
            BodyType::Form => &mut self.form_types,
            BodyType::Text => &mut self.text_types,
            BodyType::Xml => &mut self.xml_types,
        };
        list.extend(types.iter().map(|&t| t.to_owned()));
        self
    }

    /// `onerror(err, ctx)`: receives every read or parse error instead of it being
    /// thrown. Return `Err` to throw (the same error or another); return `Ok(())` to go
    /// on to `next` with no request body and no raw body set.
    pub fn on_error(
        mut self,
        hook: impl Fn(HttpError, &mut Context) -> Result<(), HttpError> + Send + Sync + 'static,
    ) -> Self {
        self.on_error = Some(Arc::new(hook));
        self
    }

    /// `queryString`: the qs options for form bodies. These replace co-body's
    /// defaults whole, so start from [`QsOptions::co_body`] to keep `allow_dots`.
    pub fn query_string(mut self, options: QsOptions) -> Self {
        self.query_string = options;
        self
    }

    /// `onProtoPoisoning`: what to do with `"__proto__"` keys in JSON.
    pub fn on_proto_poisoning(mut self, action: ProtoPoisoning) -> Self {
        self.on_proto_poisoning = action;
        self
    }

    /// Is this kind of body enabled?
    fn enabled(&self, kind: BodyType) -> bool {
        self.enable_types.contains(&kind)
    }

    /// `parseBody`'s type checks: which reader, if any, this request gets.
    fn detect(&self, ctx: &Context) -> Option<BodyType> {
        if self.enabled(BodyType::Json)
            && (self.detect_json.as_ref().is_some_and(|hook| hook(ctx))
                || is_types(&ctx.get("content-type"), &self.json_types))
        {
            return Some(BodyType::Json);
        }
        let checks = [
            (BodyType::Form, &self.form_types),
            (BodyType::Text, &self.text_types),
            (BodyType::Xml, &self.xml_types),
        ];
        checks.into_iter().find_map(|(kind, types)| {
            let types: Vec<&str> = types.iter().map(String::as_str).collect();
            (self.enabled(kind) && matches!(ctx.is(&types), TypeIs::Match(_))).then_some(kind)
        })
    }

    /// `parseBody`: the parsed body and the raw text (none when no reader ran).
    async fn parse_body(&self, ctx: &mut Context) -> Result<(Value, Option<String>), HttpError> {
        let Some(kind) = self.detect(ctx) else {
            return Ok((Value::Object(Map::new()), None));
        };
        let limit = match kind {
            BodyType::Json => self.json_limit,
            BodyType::Form => self.form_limit,
            BodyType::Text => self.text_limit,
            BodyType::Xml => self.xml_limit,
        };
        let raw = raw_body::read_text(ctx.req(), limit, &self.encoding).await?;
        let parsed = match kind {
            BodyType::Json => self.parse_json(&raw)?,
            BodyType::Form => match qs::parse(&raw, &self.query_string) {
                Ok(parsed) => parsed,
                Err(err) => return Err(parse_error("RangeError", err.message, &raw)),
            },
            BodyType::Text | BodyType::Xml => Value::String(raw.clone()),
        };
        Ok((parsed, Some(raw)))
    }

    /// co-body's JSON `parse`, with bourne's `__proto__` check.
    fn parse_json(&self, raw: &str) -> Result<Value, HttpError> {
        if raw.is_empty() {
            return Ok(if self.strict {
                Value::Object(Map::new())
            } else {
                Value::String(String::new())
            });
        }
        if self.strict {
            let first = raw
                .trim_start_matches([' ', '\t', '\n', '\r'])
                .chars()
                .next();
            if !matches!(first, Some('{' | '[')) {
                return Err(parse_error(
                    "SyntaxError",
                    "invalid JSON, only supports object and array".to_owned(),
                    raw,
                ));
            }
        }
        let mut value: Value = serde_json::from_str(raw)
            .map_err(|err| parse_error("SyntaxError", err.to_string(), raw))?;
        match self.on_proto_poisoning {
            ProtoPoisoning::Error if has_proto_key(&value) => {
                return Err(parse_error(
                    "SyntaxError",
                    "Object contains forbidden prototype property".to_owned(),
                    raw,
                ));
            }
            ProtoPoisoning::Remove => remove_proto_keys(&mut value),
            ProtoPoisoning::Error | ProtoPoisoning::Ignore => {}
        }
        as_javascript_reads_it(&mut value);
        Ok(value)
    }
}

// ANCHOR: call
impl Middleware for BodyParser {
    /// koa-bodyparser's `bodyParser(ctx, next)`.
    fn call<'a>(
        &'a self,
        ctx: &'a mut Context,
        next: Next<'a>,
    ) -> BoxFuture<'a, Result<(), HttpError>> {
        Box::pin(async move {
            if ctx.request_body_opt().is_some() || ctx.body_parser_disabled() {
                return next.run(ctx).await;
            }
            match self.parse_body(ctx).await {
                Ok((body, raw)) => {
                    ctx.set_request_body(body);
                    if let Some(raw) = raw
                        && ctx.raw_body().is_none()
                    {
                        ctx.set_raw_body(raw);
                    }
                }
                Err(err) => match &self.on_error {
                    Some(hook) => hook(err, ctx)?,
                    None => return Err(err),
                },
            }
            next.run(ctx).await
        })
    }
}
// ANCHOR_END: call

/// koa-bodyparser's `isTypes`: the raw `Content-Type` with one trailing `;` removed,
/// checked with type-is's `is` (parameters ignored, case-insensitive, a header that does
/// not parse matches nothing).
fn is_types(content_type: &str, types: &[String]) -> bool {
    let value = content_type.strip_suffix(';').unwrap_or(content_type);
    let types: Vec<&str> = types.iter().map(String::as_str).collect();
    type_is::is(Some(value), &types).is_some()
}

/// A parse failure as co-body throws it: `status = 400`, the raw text as `body`, and
/// no `expose` (so the client reads `Bad Request`).
fn parse_error(name: &str, message: String, raw: &str) -> HttpError {
    let mut err = HttpError::with_message(400, message)
        .with_expose(false)
        .with_property("body", raw);
    err.name = name.to_owned();
    err
}

/// Is there an own `"__proto__"` key anywhere in the value (bourne's `scan`)?
fn has_proto_key(value: &Value) -> bool {
    match value {
        Value::Object(map) => map.contains_key("__proto__") || map.values().any(has_proto_key),
        Value::Array(items) => items.iter().any(has_proto_key),
        _ => false,
    }
}

/// bourne's `protoAction: 'remove'`: delete every `"__proto__"` key, however deep.
fn remove_proto_keys(value: &mut Value) {
    match value {
        Value::Object(map) => {
            map.shift_remove("__proto__");
            map.values_mut().for_each(remove_proto_keys);
        }
        Value::Array(items) => items.iter_mut().for_each(remove_proto_keys),
        _ => {}
    }
}

/// Makes a parsed JSON value read as the object `JSON.parse` would have made:
///
/// - every object lists its integer-like keys first, ascending, then the rest as they
///   came (`{"b":1,"2":2}` → `{"2":2,"b":1}`);
/// - a fractional-looking number with no fraction is an integer, as JavaScript has
///   only one kind of number: `1.0`, `1e2`, `-0` read (and print) as `1`, `100`, `0`,
///   and `1152921504606846976.0` as JavaScript prints that double,
///   `1152921504606847000`.
///
/// Integers written as integers stay exact, even beyond 2⁵³ where JavaScript would
/// round them; fractions keep serde_json's printing (`1e-6` where JavaScript writes
/// `0.000001`).
fn as_javascript_reads_it(value: &mut Value) {
    match value {
        Value::Object(map) => {
            if map.keys().any(|key| qs::array_index(key).is_some()) {
                let (mut indexed, named): (Vec<_>, Vec<_>) = std::mem::take(map)
                    .into_iter()
                    .partition(|(key, _)| qs::array_index(key).is_some());
                indexed.sort_by_key(|(key, _)| qs::array_index(key));
                map.extend(indexed);
                map.extend(named);
            }
            map.values_mut().for_each(as_javascript_reads_it);
        }
        Value::Array(items) => items.iter_mut().for_each(as_javascript_reads_it),
        Value::Number(number) if number.is_f64() => {
            if let Some(float) = number.as_f64()
                && float.fract() == 0.0
            {
                // Rust prints an integral double as JavaScript does below 10²¹: the
                // shortest digits that read back as the same double, then zeros.
                let text = format!("{float}");
                if let Ok(integer) = text.parse::<i64>() {
                    *value = Value::from(integer);
                } else if let Ok(integer) = text.parse::<u64>() {
                    *value = Value::from(integer);
                }
            }
        }
        _ => {}
    }
}

/// `ctx.request.body` as stored in `ctx.state`.
#[derive(Debug, Clone)]
struct RequestBody(Value);

/// `ctx.request.rawBody` as stored in `ctx.state`.
#[derive(Debug, Clone)]
struct RawBody(String);

/// Koa's `ctx.disableBodyParser = true`: put this in `ctx.state` (or call
/// [`BodyParserContext::disable_body_parser`]) before the body parser runs, and it
/// leaves the request alone. Remove it to turn parsing back on.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DisableBodyParser;

/// The body a handler sees when none was set: an empty object.
static EMPTY_BODY: LazyLock<Value> = LazyLock::new(|| Value::Object(Map::new()));

/// `ctx.request.body`, `ctx.request.rawBody` and `ctx.disableBodyParser` on the
/// context: the properties koa-bodyparser adds, as an extension trait (they live in
/// `ctx.state`).
pub trait BodyParserContext {
    /// `ctx.request.body`: the parsed body — a JSON value, a form as an object, text as
    /// a string, `{}` for a type no reader takes. `{}` as well when nothing was set
    /// (where Koa has `undefined`); see [`request_body_opt`](Self::request_body_opt).
    fn request_body(&self) -> &Value;

    /// `ctx.request.body`, with `None` for Koa's `undefined`: the body parser has not
    /// run, was disabled, or its `on_error` hook swallowed an error.
    fn request_body_opt(&self) -> Option<&Value>;

    /// `ctx.request.body = value`: a body set before the body parser runs makes it
    /// skip the request (any value counts, `null` too).
    fn set_request_body(&mut self, body: Value);

    /// `ctx.request.rawBody`: the body text as read (inflated and decoded), for JSON,
    /// form, text and XML bodies; `None` when no reader ran.
    fn raw_body(&self) -> Option<&str>;

    /// `ctx.request.rawBody = text`: a raw body set before the parser runs is kept
    /// (the body is still parsed).
    fn set_raw_body(&mut self, raw: String);

    /// `ctx.disableBodyParser = true`.
    fn disable_body_parser(&mut self);

    /// Is [`DisableBodyParser`] in `ctx.state`?
    fn body_parser_disabled(&self) -> bool;
}

impl BodyParserContext for Context {
    fn request_body(&self) -> &Value {
        self.request_body_opt().unwrap_or(&EMPTY_BODY)
    }

    fn request_body_opt(&self) -> Option<&Value> {
        self.state.get::<RequestBody>().map(|body| &body.0)
    }

    fn set_request_body(&mut self, body: Value) {
        self.state.insert(RequestBody(body));
    }

    fn raw_body(&self) -> Option<&str> {
        self.state.get::<RawBody>().map(|raw| raw.0.as_str())
    }

    fn set_raw_body(&mut self, raw: String) {
        self.state.insert(RawBody(raw));
    }

    fn disable_body_parser(&mut self) {
        self.state.insert(DisableBodyParser);
    }

    fn body_parser_disabled(&self) -> bool {
        self.state.get::<DisableBodyParser>().is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parser() -> BodyParser {
        BodyParser::default()
    }

    #[test]
    fn strict_json_wants_an_object_or_an_array() {
        assert_eq!(parser().parse_json("").unwrap(), serde_json::json!({}));
        assert_eq!(
            parser().parse_json(" \n\t[1]").unwrap(),
            serde_json::json!([1])
        );
        for bad in ["\"x\"", " 12", "   ", "\u{a0}{}"] {
            let err = parser().parse_json(bad).unwrap_err();
            assert_eq!(err.status, 400);
            assert_eq!(err.message, "invalid JSON, only supports object and array");
            assert_eq!(err.name, "SyntaxError");
            assert!(!err.expose);
            assert_eq!(err.properties["body"], bad);
        }
    }

    #[test]
    fn loose_json_takes_any_value() {
        let loose = parser().strict(false);
        assert_eq!(loose.parse_json("").unwrap(), serde_json::json!(""));
        assert_eq!(loose.parse_json("\"x\"").unwrap(), serde_json::json!("x"));
        assert_eq!(loose.parse_json("12").unwrap(), serde_json::json!(12));
        assert_eq!(loose.parse_json("null").unwrap(), Value::Null);
        assert_eq!(loose.parse_json("nul").unwrap_err().status, 400);
    }

    #[test]
    fn proto_keys_are_refused_removed_or_kept() {
        let text = r#"{"a":[{"__proto__":{"x":1}}],"__proto__":2,"constructor":{"prototype":{}}}"#;
        let err = parser().parse_json(text).unwrap_err();
        assert_eq!(err.message, "Object contains forbidden prototype property");
        let removed = parser()
            .on_proto_poisoning(ProtoPoisoning::Remove)
            .parse_json(text)
            .unwrap();
        assert_eq!(
            removed.to_string(),
            r#"{"a":[{}],"constructor":{"prototype":{}}}"#
        );
        let kept = parser()
            .on_proto_poisoning(ProtoPoisoning::Ignore)
            .parse_json(text)
            .unwrap();
        assert_eq!(kept["__proto__"], 2);
        // An escaped spelling is the same key.
        assert!(parser().parse_json(r#"{"\u005f_proto__":1}"#).is_err());
    }

    #[test]
    fn keys_come_in_javascript_order() {
        let value = parser()
            .parse_json(r#"{"b":1,"2":2,"a":{"z":1,"10":2,"9":3},"01":0,"4294967295":5}"#)
            .unwrap();
        assert_eq!(
            value.to_string(),
            r#"{"2":2,"b":1,"a":{"9":3,"10":2,"z":1},"01":0,"4294967295":5}"#
        );
    }

    #[test]
    fn numbers_without_a_fraction_are_integers() {
        let value = parser()
            .parse_json(r#"[1.0, 1e2, -0, -1.5e3, 2.5, 12345678901234567890, 18014398509481984.0, 1152921504606846976.0, 1e300]"#)
            .unwrap();
        assert_eq!(
            value.to_string(),
            "[1,100,0,-1500,2.5,12345678901234567890,18014398509481984,1152921504606847000,1e+300]"
        );
    }

    #[test]
    fn json_types_match_exactly() {
        let types: Vec<String> = JSON_TYPES.iter().map(|t| t.to_string()).collect();
        assert!(is_types("application/json", &types));
        assert!(is_types("application/json;charset=utf-8;", &types));
        assert!(is_types("Application/JSON", &types));
        assert!(is_types("application/csp-report", &types));
        assert!(!is_types("application/json; charset", &types));
        assert!(!is_types("application/ld+json", &types));
        assert!(!is_types("text/json", &types));
        assert!(!is_types("", &types));
    }
}
