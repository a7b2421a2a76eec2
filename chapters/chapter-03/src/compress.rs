//! Compression: gzip, deflate or br, chosen by `Accept-Encoding` — koa-compress 5.2.2.
//!
//! Mirrors [koa-compress 5.2.2, `lib/index.js`](https://unpkg.com/koa-compress@5.2.2/lib/index.js)
//! (the exported options function, line 58, and the inner `compressMiddleware`, line 90),
//! with the content negotiation of
//! [negotiator 1.1.0, `lib/encoding.js`](https://unpkg.com/negotiator@1.1.0/lib/encoding.js)
//! (`preferredEncodings`, `parseAcceptEncoding`, `getEncodingPriority`, `specify`) and the
//! header splitting of [content-type 2.1.0](https://unpkg.com/content-type@2.1.0/dist/index.js)
//! (`parse` with `comma: true`), which negotiator 1.1 leans on.
//!
//! # What it does
//!
//! On the way in, every response gets `Vary: Accept-Encoding` — even one that will not be
//! compressed, because a cache must know that the *request's* header could have changed
//! the answer. On the way out, after `next`, the body is left alone when any of these
//! holds (upstream's order):
//!
//! 1. there is no body, or it is falsy (`""`, JSON `false` or `0`);
//! 2. the head has already gone out, or the response is finished;
//! 3. the response opted out ([`CompressOverride::Off`], upstream's `ctx.compress = false`);
//! 4. the request is a `HEAD`;
//! 5. the status is 204, 205 or 304;
//! 6. it is partial content: status 206, a `Content-Range` header, or a
//!    `multipart/byteranges` type — byte offsets into a body must stay offsets into the
//!    *uncompressed* body;
//! 7. a `Content-Encoding` is set already (whatever its value, `identity` included);
//! 8. the filter ([`compressible`](crate::compressible) by default) says the type is not
//!    worth it — unless the response forced compression ([`CompressOverride::Force`],
//!    upstream's `ctx.compress = true`, which bypasses the filter and nothing else);
//! 9. `Cache-Control` holds a `no-transform` directive;
//! 10. the body's known length is below the threshold (1,024 bytes by default; inclusive,
//!     so a 1,024-byte body *is* compressed). A stream without a `Content-Length` has
//!     no known length, so such a stream is always compressed.
//!
//! Otherwise the encoding is negotiated ([`Compress::select_encoding`]); `identity`
//! means "leave it"; anything else sets `Content-Encoding`, removes `Content-Length`,
//! and replaces the body by a stream of compressed bytes (a JSON body is first written
//! out as compact JSON text). The response then goes out chunked.
//!
//! # Where we differ, and why
//!
//! - **Nothing acceptable → 406.** When the client refuses every coding, `identity`
//!   included (`Accept-Encoding: identity;q=0`, `*;q=0`, `gzip;q=-1`), 5.2.2 calls an
//!   undefined compressor and answers 500. We answer as 5.1.1 did
//!   ([`lib/encodings.js`](https://github.com/koajs/compress/blob/v5.1.1/lib/encodings.js),
//!   `getPreferredContentEncoding`): 406 with [`NOT_ACCEPTABLE`], its message verbatim.
//! - **No zstd.** 5.2.2 offers zstd where Node has it (Node ≥ 22.15); the crates this
//!   workspace compresses with are built for gzip, deflate and brotli only, so our list is
//!   5.2.2's on Node 20: br, gzip, deflate, identity.
//! - **Options are typed, not functions.** Upstream lets `threshold` and each encoding's
//!   options be functions of `(type, size, ctx)`; here they are values, and a response
//!   that needs different ones says so through [`CompressOverride::Options`]. A threshold
//!   written as text (`"1kb"`) goes through [`parse_threshold`] first, which refuses text
//!   that upstream would silently read as "no threshold".
//! - **`ctx.compress` is a typed value in `ctx.state`.** Koa lets any code set
//!   `ctx.compress` to `true`, `false` or an object. Our [`Context`] has no free-form
//!   properties, so the same three choices are a [`CompressOverride`] stored in
//!   `ctx.state`; [`CompressExt::set_compress`] reads like the JavaScript
//!   (`ctx.set_compress(false)`).
//! - **`no-transform` is matched case-sensitively**, as upstream's pattern does (RFC 9111
//!   says directives are case-insensitive; `No-Transform` is compressed by both).
//!
//! # Streaming, and when bytes leave
//!
//! A body is compressed as it flows: the body stream feeds an async-compression encoder
//! through [`StreamReader`], and the encoder's output becomes the new body through
//! [`ReaderStream`]. Nothing is buffered whole. Node's zlib streams hold small writes
//! back until they have enough input or the end (koa-compress's README suggests a
//! sync-flush option for server-sent events). Our flush policy is explicit and different:
//! **whenever the source has no data ready, what was compressed so far is flushed** to
//! the client (async-compression's bufread encoders do this on `Pending`). A text or
//! buffer body is compressed in one go; a slow stream's client sees each piece soon
//! after it was produced, at the cost of a few bytes of flush marker per pause.
//!
//! HTTP's `deflate` is zlib's format (RFC 1950: a two-byte header, raw deflate data, an
//! Adler-32 checksum of the uncompressed bytes), which is what Node's `createDeflate`
//! writes — async-compression's `ZlibEncoder`, not its raw `DeflateEncoder`.
//!
//! Levels: br at quality 4 (upstream's `BROTLI_PARAM_QUALITY: 4`, chosen for speed;
//! brotli's own default would be 11), gzip and deflate at zlib's default level (6).

use std::fmt;
use std::io;
use std::sync::Arc;

use async_compression::Level;
use async_compression::tokio::bufread::{BrotliEncoder, GzipEncoder, ZlibEncoder};
use bytes::Bytes;
use http::Method;
use tokio_util::io::{ReaderStream, StreamReader};

use crate::application::BoxFuture;
use crate::compose::{Middleware, Next};
use crate::context::Context;
use crate::http_errors::HttpError;
use crate::response::{Body, BodyStream, Response};

use crate::js::is_js_whitespace;

/// The default threshold: bodies shorter than this many bytes are sent as they are.
pub const DEFAULT_THRESHOLD: u64 = 1024;

/// The brotli quality used unless told otherwise (upstream's `BROTLI_PARAM_QUALITY: 4`).
pub const DEFAULT_BROTLI_QUALITY: i32 = 4;

/// The 406 message when the client accepts no coding at all (koa-compress 5.1.1's).
pub const NOT_ACCEPTABLE: &str = "Please accept br, gzip, deflate, or identity.";

/// The codings this middleware can offer, best first; `identity` means "as it is".
/// Upstream exposes the same list as `compressMiddleware.preferredEncodings`.
pub const PREFERRED_ENCODINGS: [&str; 4] = ["br", "gzip", "deflate", "identity"];

/// The default tie-break order between codings the client likes equally
/// (upstream's `encodingPreference`, zstd included though we never offer it).
pub const DEFAULT_ENCODING_PREFERENCE: [&str; 5] = ["zstd", "br", "gzip", "deflate", "identity"];

/// How many bytes the compressed stream asks for at a time.
const CHUNK: usize = 8 * 1024;

/// The statuses whose responses carry no body (upstream's own `emptyBodyStatuses`).
const EMPTY_BODY_STATUSES: [u16; 3] = [204, 205, 304];

/// A compression coding this module can produce.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    /// `br`: brotli (RFC 7932).
    Br,
    /// `gzip`: the gzip file format (RFC 1952).
    Gzip,
    /// `deflate`: zlib-wrapped deflate (RFC 1950), as HTTP means it.
    Deflate,
}

impl Encoding {
    /// The coding's name as `Content-Encoding` writes it.
    pub fn name(self) -> &'static str {
        match self {
            Encoding::Br => "br",
            Encoding::Gzip => "gzip",
            Encoding::Deflate => "deflate",
        }
    }

    /// The coding with this (lower-case) name, if we produce it.
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "br" => Some(Encoding::Br),
            "gzip" => Some(Encoding::Gzip),
            "deflate" => Some(Encoding::Deflate),
            _ => None,
        }
    }
}

impl fmt::Display for Encoding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The filter: given the response's media type (`response.type`, no parameters), is
/// it worth compressing?
pub type Filter = Arc<dyn Fn(&str) -> bool + Send + Sync>;

/// The compress middleware and its options (upstream's `compress(options)`).
///
/// ```
/// use chapter_03::compress::Compress;
/// use chapter_03::Application;
///
/// let mut app = Application::new();
/// app.use_(Compress::new().threshold(2048).br(None));
/// ```
#[derive(Clone)]
pub struct Compress {
    /// `filter`: which media types to compress.
    filter: Filter,
    /// `threshold` in bytes; 0 means none.
    threshold: u64,
    /// `br`: its level, or `None` when disabled (`br: false`).
    br: Option<Level>,
    /// `gzip`: its level, or `None` when disabled.
    gzip: Option<Level>,
    /// `deflate`: its level, or `None` when disabled.
    deflate: Option<Level>,
    /// `defaultEncoding`: what a missing or empty `Accept-Encoding` means.
    default_encoding: String,
    /// `wildcardAcceptEncoding`: what an `Accept-Encoding` of exactly `*` means.
    wildcard_accept_encoding: String,
    /// `encodingPreference`: the server's tie-break order.
    encoding_preference: Vec<String>,
}

impl fmt::Debug for Compress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Compress")
            .field("threshold", &self.threshold)
            .field("br", &self.br)
            .field("gzip", &self.gzip)
            .field("deflate", &self.deflate)
            .field("default_encoding", &self.default_encoding)
            .field("wildcard_accept_encoding", &self.wildcard_accept_encoding)
            .field("encoding_preference", &self.encoding_preference)
            .finish_non_exhaustive()
    }
}

impl Default for Compress {
    fn default() -> Self {
        Self::new()
    }
}

impl Compress {
    /// `compress()` with upstream's defaults: the `compressible` filter, a 1,024-byte
    /// threshold, br at quality 4, gzip and deflate at zlib's default level, a missing
    /// `Accept-Encoding` meaning `identity`, and `*` meaning `gzip`.
    pub fn new() -> Self {
        Self {
            filter: Arc::new(crate::compressible::is_compressible),
            threshold: DEFAULT_THRESHOLD,
            br: Some(Level::Precise(DEFAULT_BROTLI_QUALITY)),
            gzip: Some(Level::Default),
            deflate: Some(Level::Default),
            default_encoding: "identity".to_owned(),
            wildcard_accept_encoding: "gzip".to_owned(),
            encoding_preference: DEFAULT_ENCODING_PREFERENCE
                .iter()
                .map(|name| (*name).to_owned())
                .collect(),
        }
    }

    /// `filter`: a function of the media type (`"text/html"`, `""` when there is no
    /// `Content-Type`) saying whether to compress.
    pub fn filter(mut self, filter: impl Fn(&str) -> bool + Send + Sync + 'static) -> Self {
        self.filter = Arc::new(filter);
        self
    }

    /// `threshold`: bodies whose known length is below this are sent uncompressed;
    /// 0 compresses every body. For text such as `"1kb"`, see [`parse_threshold`].
    pub fn threshold(mut self, bytes: u64) -> Self {
        self.threshold = bytes;
        self
    }

    /// `br`: `Some(level)` to offer brotli at that level (`Level::Precise(0..=11)`;
    /// `Level::Default` is brotli's own default, 11), `None` to never use it.
    pub fn br(mut self, level: Option<Level>) -> Self {
        self.br = level;
        self
    }

    /// `gzip`: `Some(level)` to offer gzip at that level (`Level::Precise(0..=9)`),
    /// `None` to never use it.
    pub fn gzip(mut self, level: Option<Level>) -> Self {
        self.gzip = level;
        self
    }

    /// `deflate`: `Some(level)` to offer deflate at that level (`Level::Precise(0..=9)`),
    /// `None` to never use it.
    pub fn deflate(mut self, level: Option<Level>) -> Self {
        self.deflate = level;
        self
    }

    /// `defaultEncoding`: what to assume when the request has no (or an empty)
    /// `Accept-Encoding`. `"*"` means the wildcard coding; `""` means `identity`.
    pub fn default_encoding(mut self, encoding: &str) -> Self {
        self.default_encoding = encoding.to_owned();
        self
    }

    /// `wildcardAcceptEncoding`: what an `Accept-Encoding` of exactly `*` means.
    /// `""` and `"*"` mean `gzip`.
    pub fn wildcard_accept_encoding(mut self, encoding: &str) -> Self {
        self.wildcard_accept_encoding = encoding.to_owned();
        self
    }

    /// `encodingPreference`: the order that breaks ties between codings the client
    /// accepts with the same q-value (the client's own order never does).
    pub fn encoding_preference(mut self, preference: &[&str]) -> Self {
        self.encoding_preference = preference.iter().map(|name| (*name).to_owned()).collect();
        self
    }

    /// Upstream's `compressMiddleware.preferredEncodings`: the codings on offer, in the
    /// default preference order, before any is disabled.
    pub fn preferred_encodings(&self) -> &'static [&'static str] {
        &PREFERRED_ENCODINGS
    }

    /// Upstream's `compressMiddleware.encodingOptions[name]`: the level a coding will
    /// be used at, `None` when it is disabled or unknown.
    pub fn level(&self, encoding: Encoding) -> Option<Level> {
        match encoding {
            Encoding::Br => self.br,
            Encoding::Gzip => self.gzip,
            Encoding::Deflate => self.deflate,
        }
    }

    /// The coding this middleware would choose for a request's `Accept-Encoding`
    /// value (`""` when the request has none): `Some("identity")` means "send it as
    /// it is"; `None` means the client accepts nothing we can send (our 406).
    ///
    /// ```
    /// use chapter_03::compress::Compress;
    /// let compress = Compress::new();
    /// assert_eq!(compress.select_encoding("gzip, deflate, br"), Some("br"));
    /// assert_eq!(compress.select_encoding("*;q=0.5"), Some("br"));
    /// assert_eq!(compress.select_encoding(""), Some("identity"));
    /// assert_eq!(compress.select_encoding("identity;q=0"), None);
    /// ```
    pub fn select_encoding(&self, accept_encoding: &str) -> Option<&'static str> {
        self.select(accept_encoding, &self.offered(None))
    }

    /// The codings on offer for one response: ours, with that response's overrides.
    fn offered(&self, options: Option<&ResponseOptions>) -> Vec<&'static str> {
        PREFERRED_ENCODINGS
            .iter()
            .copied()
            .filter(|name| match Encoding::from_name(name) {
                Some(encoding) => self.resolved_level(encoding, options).is_some(),
                None => true,
            })
            .collect()
    }

    /// A coding's level for one response: the response's own setting, else ours.
    fn resolved_level(
        &self,
        encoding: Encoding,
        options: Option<&ResponseOptions>,
    ) -> Option<Level> {
        options
            .and_then(|options| options.level(encoding))
            .unwrap_or_else(|| self.level(encoding))
    }

    /// Negotiation as upstream runs it: `*` alone and a missing header are replaced
    /// first, then negotiator picks among `offered`.
    fn select(&self, accept_encoding: &str, offered: &[&'static str]) -> Option<&'static str> {
        let wildcard = match self.wildcard_accept_encoding.as_str() {
            "" | "*" => "gzip",
            other => other,
        };
        let accept = match accept_encoding {
            "*" => wildcard,
            "" => match self.default_encoding.as_str() {
                "*" => wildcard,
                "" => "identity",
                other => other,
            },
            other => other,
        };
        let preference: Vec<&str> = self
            .encoding_preference
            .iter()
            .map(String::as_str)
            .collect();
        negotiate(accept, offered, &preference).first().copied()
    }

    /// After `next`: compress the body, or leave the response as it is.
    fn compress_response(&self, ctx: &mut Context) -> Result<(), HttpError> {
        let choice = ctx.state.get::<CompressOverride>().cloned();
        if self.leave_alone(ctx, choice.as_ref()) {
            return Ok(());
        }
        let options = match &choice {
            Some(CompressOverride::Options(options)) => Some(options),
            _ => None,
        };
        let threshold = options
            .and_then(|options| options.threshold)
            .unwrap_or(self.threshold);
        if threshold > 0 && ctx.response.length().is_some_and(|size| size < threshold) {
            return Ok(());
        }
        let offered = self.offered(options);
        let accept = ctx.request.get("Accept-Encoding").into_owned();
        let Some(chosen) = self.select(&accept, &offered) else {
            return Err(HttpError::with_message(406, NOT_ACCEPTABLE));
        };
        let Some(encoding) = Encoding::from_name(chosen) else {
            // `identity`: the client prefers the body as it is.
            return Ok(());
        };
        let level = self
            .resolved_level(encoding, options)
            .unwrap_or(Level::Default);
        let source = match into_stream(ctx.response.take_body()) {
            Ok(source) => source,
            Err(body) => {
                ctx.response.set_body(body);
                return Ok(());
            }
        };
        ctx.response.set("Content-Encoding", encoding.name())?;
        ctx.response.remove("Content-Length");
        ctx.response
            .set_body(Body::Stream(encode(source, encoding, level)));
        Ok(())
    }

    // ANCHOR: leave_alone
    /// Upstream's long early-exit condition, in its order (see the module docs).
    fn leave_alone(&self, ctx: &Context, choice: Option<&CompressOverride>) -> bool {
        let response = &ctx.response;
        let status = response.status();
        !is_truthy(response.body())
            || response.header_sent()
            || !ctx.writable()
            || matches!(choice, Some(CompressOverride::Off))
            || ctx.request.method() == Method::HEAD
            || EMPTY_BODY_STATUSES.contains(&status)
            || status == 206
            || header_truthy(response, "Content-Range")
            || is_byteranges(response.get("Content-Type"))
            || header_truthy(response, "Content-Encoding")
            || !(matches!(choice, Some(CompressOverride::Force)) || (self.filter)(response.type_()))
            || has_no_transform(&response.get_all("Cache-Control").join(","))
    }
    // ANCHOR_END: leave_alone
}

// ANCHOR: call
impl Middleware for Compress {
    /// `Vary: Accept-Encoding` on the way in; compression on the way out.
    fn call<'a>(
        &'a self,
        ctx: &'a mut Context,
        next: Next<'a>,
    ) -> BoxFuture<'a, Result<(), HttpError>> {
        Box::pin(async move {
            ctx.vary("Accept-Encoding")?;
            next.run(ctx).await?;
            self.compress_response(ctx)
        })
    }
}
// ANCHOR_END: call

/// Upstream's `ctx.compress` for one response: stored in `ctx.state` (see
/// [`CompressExt`]), read by [`Compress`] after `next`.
#[derive(Clone, Debug)]
pub enum CompressOverride {
    /// `ctx.compress = false`: send this response as it is.
    Off,
    /// `ctx.compress = true`: compress even if the filter says no. The threshold, the
    /// skip rules and the client's `Accept-Encoding` still apply.
    Force,
    /// `ctx.compress = { … }`: other options for this response only. The filter still
    /// applies.
    Options(ResponseOptions),
}

impl From<bool> for CompressOverride {
    /// `true` is [`Force`](CompressOverride::Force), `false` is [`Off`](CompressOverride::Off).
    fn from(force: bool) -> Self {
        if force {
            CompressOverride::Force
        } else {
            CompressOverride::Off
        }
    }
}

impl From<ResponseOptions> for CompressOverride {
    fn from(options: ResponseOptions) -> Self {
        CompressOverride::Options(options)
    }
}

/// Options for one response, laid over the middleware's (upstream's
/// `{ ...options, ...ctx.compress }`). Anything not set keeps the middleware's value.
#[derive(Clone, Debug, Default)]
pub struct ResponseOptions {
    /// `threshold` for this response.
    threshold: Option<u64>,
    /// `br` for this response: `Some(None)` disables it.
    br: Option<Option<Level>>,
    /// `gzip` for this response.
    gzip: Option<Option<Level>>,
    /// `deflate` for this response.
    deflate: Option<Option<Level>>,
}

impl ResponseOptions {
    /// No overrides yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// This response's threshold in bytes (0: compress whatever the size).
    pub fn threshold(mut self, bytes: u64) -> Self {
        self.threshold = Some(bytes);
        self
    }

    /// brotli for this response: a level, or `None` to disable it.
    pub fn br(mut self, level: Option<Level>) -> Self {
        self.br = Some(level);
        self
    }

    /// gzip for this response: a level, or `None` to disable it.
    pub fn gzip(mut self, level: Option<Level>) -> Self {
        self.gzip = Some(level);
        self
    }

    /// deflate for this response: a level, or `None` to disable it.
    pub fn deflate(mut self, level: Option<Level>) -> Self {
        self.deflate = Some(level);
        self
    }

    /// This response's setting for a coding, if it has one.
    fn level(&self, encoding: Encoding) -> Option<Option<Level>> {
        match encoding {
            Encoding::Br => self.br,
            Encoding::Gzip => self.gzip,
            Encoding::Deflate => self.deflate,
        }
    }
}

/// `ctx.compress`, as methods on [`Context`] (the Rust shape of a property Koa code
/// sets on `ctx`; the value lives in `ctx.state`).
pub trait CompressExt {
    /// `ctx.compress = value`: `false`, `true`, or [`ResponseOptions`].
    fn set_compress(&mut self, value: impl Into<CompressOverride>);

    /// `ctx.compress`: what this response asked for, if anything.
    fn compress_override(&self) -> Option<&CompressOverride>;
}

impl CompressExt for Context {
    fn set_compress(&mut self, value: impl Into<CompressOverride>) {
        self.state.insert(value.into());
    }

    fn compress_override(&self) -> Option<&CompressOverride> {
        self.state.get::<CompressOverride>()
    }
}

/// JavaScript truthiness of `ctx.body`, as upstream's `!body` tests it: no body, `""`,
/// and JSON `false`, `0` are falsy; an empty buffer is an object, so truthy.
fn is_truthy(body: &Body) -> bool {
    match body {
        Body::None | Body::Null => false,
        Body::Text(text) => !text.is_empty(),
        Body::Json(serde_json::Value::Bool(value)) => *value,
        Body::Json(serde_json::Value::Number(number)) => number.as_f64() != Some(0.0),
        Body::Json(serde_json::Value::String(text)) => !text.is_empty(),
        _ => true,
    }
}

/// Is a response header set to something JavaScript would call truthy (a non-empty
/// string, or several values)?
fn header_truthy(response: &Response, name: &str) -> bool {
    let values = response.headers().get_all(name);
    let mut values = values.iter();
    match (values.next(), values.next()) {
        (None, _) => false,
        (Some(first), None) => !first.is_empty(),
        (Some(_), Some(_)) => true,
    }
}

/// Upstream's `/^multipart\/byteranges\b/i` on the `Content-Type`.
fn is_byteranges(content_type: &str) -> bool {
    const PREFIX: &str = "multipart/byteranges";
    content_type
        .get(..PREFIX.len())
        .is_some_and(|start| start.eq_ignore_ascii_case(PREFIX))
        && !content_type[PREFIX.len()..]
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Does `Cache-Control` hold `no-transform` as a whole comma-separated member, spaces
/// around it allowed? Case-sensitive, as upstream's `NO_TRANSFORM_REGEX` is.
fn has_no_transform(cache_control: &str) -> bool {
    cache_control
        .split(',')
        .any(|member| member.trim_matches(is_js_whitespace) == "no-transform")
}

/// The body as a stream of bytes (a JSON value written as compact JSON text, as
/// upstream's `JSON.stringify`); a body with nothing to stream comes back as `Err`.
fn into_stream(body: Body) -> Result<BodyStream, Body> {
    let bytes = match body {
        Body::Text(text) => Bytes::from(text),
        Body::Bytes(bytes) => bytes,
        Body::Json(value) => match serde_json::to_vec(&value) {
            Ok(json) => Bytes::from(json),
            Err(_) => return Err(Body::Json(value)),
        },
        Body::Stream(stream) => return Ok(stream),
        Body::File(file) => return Ok(file.stream),
        other @ (Body::None | Body::Null) => return Err(other),
    };
    Ok(Box::pin(futures_util::stream::once(async move {
        Ok::<_, io::Error>(bytes)
    })))
}

/// Compresses a stream of bytes as it flows, with `encoding` at `level`.
///
/// The returned stream asks `source` for more only as it is itself polled, and flushes
/// what it has compressed whenever `source` has nothing ready (see the module docs). An
/// error from `source` comes out unchanged (a missing file's `NotFound` is still a
/// `NotFound`), and ends the stream.
pub fn encode(source: BodyStream, encoding: Encoding, level: Level) -> BodyStream {
    match encoding {
        Encoding::Gzip => Box::pin(ReaderStream::with_capacity(
            GzipEncoder::with_quality(StreamReader::new(source), level),
            CHUNK,
        )),
        Encoding::Br => Box::pin(ReaderStream::with_capacity(
            BrotliEncoder::with_quality(StreamReader::new(source), level),
            CHUNK,
        )),
        Encoding::Deflate => Box::pin(ReaderStream::with_capacity(
            ZlibEncoder::with_quality(StreamReader::new(source), level),
            CHUNK,
        )),
    }
}

/// One member of an `Accept-Encoding` header that named something.
#[derive(Debug)]
struct Accepted<'h> {
    /// The coding as written (case kept).
    name: &'h str,
    /// Its q-value (NaN when the `q` parameter is not a number).
    q: f64,
    /// Its position among all members, empty ones included.
    index: usize,
}

/// How well one offered coding matches the header (negotiator's "priority").
#[derive(Clone, Copy, Debug)]
struct Priority {
    /// The coding's position in the offered list.
    index: usize,
    /// The position of the member that matched it (-1: none).
    order: isize,
    /// The q-value it gets.
    q: f64,
    /// 1 for an exact name match, 0 for `*`.
    specificity: u8,
}

/// Splits an `Accept-Encoding` value into members with their q-values, as negotiator
/// 1.1.0's `parseAcceptEncoding` does, adding `identity` when no member names it (or
/// `*`), at the lowest q among the members (a q of 0 counting as 1).
fn parse_accept_encoding(header: &str) -> Vec<Accepted<'_>> {
    let members = split_members(header);
    let count = members.len();
    let mut accepted = Vec::with_capacity(count + 1);
    let mut has_identity = false;
    let mut min_quality = 1.0_f64;
    for (index, (name, q)) in members.into_iter().enumerate() {
        if name.is_empty() {
            continue;
        }
        let q = match q {
            Some(text) if !text.is_empty() => parse_float(&text),
            _ => 1.0,
        };
        has_identity = has_identity || name == "*" || name.to_lowercase() == "identity";
        // JavaScript's `q || 1`: 0 and NaN count as 1.
        let counted = if q == 0.0 || q.is_nan() { 1.0 } else { q };
        min_quality = min_quality.min(counted);
        accepted.push(Accepted { name, q, index });
    }
    if !has_identity {
        accepted.push(Accepted {
            name: "identity",
            q: min_quality,
            index: count,
        });
    }
    accepted
}

/// content-type 2.1.0's `parse` with `comma: true`, applied member after member: each
/// member's name (trimmed, case kept) and the text of its first `q` parameter.
fn split_members(header: &str) -> Vec<(&str, Option<String>)> {
    let bytes = header.as_bytes();
    let len = bytes.len();
    let mut members = Vec::new();
    let mut index = 0;
    while index < len {
        let start = skip_ows(bytes, index);
        let mut cursor = skip_value(bytes, start);
        let name = &header[start..trailing_ows(bytes, start, cursor)];
        let mut q: Option<String> = None;
        let mut seen_q = false;
        'parameter: while cursor < len {
            if bytes[cursor] == b',' {
                break;
            }
            cursor = skip_ows(bytes, cursor + 1);
            let key_start = cursor;
            while cursor < len {
                match bytes[cursor] {
                    b',' => break 'parameter,
                    b';' => continue 'parameter,
                    b'=' => {
                        let key = &header[key_start..trailing_ows(bytes, key_start, cursor)];
                        let is_q = key.eq_ignore_ascii_case("q");
                        cursor = skip_ows(bytes, cursor + 1);
                        if cursor < len && bytes[cursor] == b'"' {
                            cursor += 1;
                            let mut value = Vec::new();
                            while cursor < len {
                                let byte = bytes[cursor];
                                cursor += 1;
                                if byte == b'"' {
                                    cursor = skip_value(bytes, cursor);
                                    if is_q && !seen_q {
                                        seen_q = true;
                                        q = Some(String::from_utf8_lossy(&value).into_owned());
                                    }
                                    break;
                                }
                                if byte == b'\\' && cursor < len {
                                    value.push(bytes[cursor]);
                                    cursor += 1;
                                    continue;
                                }
                                value.push(byte);
                            }
                            continue 'parameter;
                        }
                        let value_start = cursor;
                        cursor = skip_value(bytes, cursor);
                        if is_q && !seen_q {
                            seen_q = true;
                            q = Some(
                                header[value_start..trailing_ows(bytes, value_start, cursor)]
                                    .to_owned(),
                            );
                        }
                        continue 'parameter;
                    }
                    _ => cursor += 1,
                }
            }
        }
        members.push((name, q));
        index = cursor + 1;
    }
    members
}

/// Skips spaces and tabs from `index`.
fn skip_ows(bytes: &[u8], mut index: usize) -> usize {
    while index < bytes.len() && matches!(bytes[index], b' ' | b'\t') {
        index += 1;
    }
    index
}

/// Moves to the next `;` or `,` (or the end).
fn skip_value(bytes: &[u8], mut index: usize) -> usize {
    while index < bytes.len() && !matches!(bytes[index], b';' | b',') {
        index += 1;
    }
    index
}

/// Moves `end` back over spaces and tabs, not past `start`.
fn trailing_ows(bytes: &[u8], start: usize, mut end: usize) -> usize {
    while end > start && matches!(bytes[end - 1], b' ' | b'\t') {
        end -= 1;
    }
    end
}

/// JavaScript's `parseFloat`: the longest number at the start of the text (after
/// whitespace), `Infinity` included; NaN when there is none.
fn parse_float(text: &str) -> f64 {
    let text = text.trim_start_matches(is_js_whitespace);
    let bytes = text.as_bytes();
    let mut end = 0;
    if matches!(bytes.first(), Some(b'+' | b'-')) {
        end = 1;
    }
    if text[end..].starts_with("Infinity") {
        return if text.starts_with('-') {
            f64::NEG_INFINITY
        } else {
            f64::INFINITY
        };
    }
    let digits = |from: usize| {
        bytes[from..]
            .iter()
            .take_while(|byte| byte.is_ascii_digit())
            .count()
    };
    let whole = digits(end);
    end += whole;
    let mut fraction = 0;
    if bytes.get(end) == Some(&b'.') {
        fraction = digits(end + 1);
        if whole > 0 || fraction > 0 {
            end += 1 + fraction;
        }
    }
    if whole == 0 && fraction == 0 {
        return f64::NAN;
    }
    if matches!(bytes.get(end), Some(b'e' | b'E')) {
        let mut exponent = end + 1;
        if matches!(bytes.get(exponent), Some(b'+' | b'-')) {
            exponent += 1;
        }
        let exponent_digits = digits(exponent);
        if exponent_digits > 0 {
            end = exponent + exponent_digits;
        }
    }
    text[..end].parse().unwrap_or(f64::NAN)
}

/// JavaScript's `x || y` on numbers: `x` unless it is 0 or NaN.
fn js_or(x: f64, y: f64) -> f64 {
    if x == 0.0 || x.is_nan() { y } else { x }
}

/// negotiator's `specify`: how a member matches a coding, if it does.
fn specify(encoding: &str, member: &Accepted<'_>, index: usize) -> Option<Priority> {
    let specificity = if member.name.to_lowercase() == encoding.to_lowercase() {
        1
    } else if member.name == "*" {
        0
    } else {
        return None;
    };
    Some(Priority {
        index,
        order: member.index as isize,
        q: member.q,
        specificity,
    })
}

/// negotiator's `getEncodingPriority`: the best member for one coding — an exact name
/// beats `*`, then the higher q, then the later member.
fn priority(encoding: &str, accepted: &[Accepted<'_>], index: usize) -> Priority {
    let mut best = Priority {
        index,
        order: -1,
        q: 0.0,
        specificity: 0,
    };
    for member in accepted {
        if let Some(spec) = specify(encoding, member, index) {
            let by_specificity = f64::from(best.specificity) - f64::from(spec.specificity);
            let by_q = best.q - spec.q;
            let by_order = (best.order - spec.order) as f64;
            if js_or(js_or(by_specificity, by_q), by_order) < 0.0 {
                best = spec;
            }
        }
    }
    best
}

/// The codings of `offered` that an `Accept-Encoding` value accepts, best first —
/// negotiator 1.1.0's `preferredEncodings(accept, offered, preference)`.
///
/// Each offered coding takes the q-value of its best-matching member (`identity` is
/// acceptable unless refused, see the module docs); codings at q ≤ 0 are dropped; the
/// rest are sorted by q, ties broken by `preference` (codings not in it come last,
/// among themselves by how they matched).
///
/// ```
/// use chapter_03::compress::negotiate;
/// let offered = ["br", "gzip", "deflate", "identity"];
/// let preference = ["br", "gzip", "deflate", "identity"];
/// assert_eq!(negotiate("deflate, gzip", &offered, &preference), ["gzip", "deflate", "identity"]);
/// assert_eq!(negotiate("gzip;q=0", &offered, &preference), ["identity"]);
/// ```
pub fn negotiate<'a>(accept: &str, offered: &[&'a str], preference: &[&str]) -> Vec<&'a str> {
    let accepted = parse_accept_encoding(accept);
    let mut priorities: Vec<Priority> = offered
        .iter()
        .enumerate()
        .map(|(index, encoding)| priority(encoding, &accepted, index))
        .filter(|priority| priority.q > 0.0)
        .collect();
    let rank = |priority: &Priority| {
        preference
            .iter()
            .position(|name| *name == offered[priority.index])
    };
    priorities.sort_by(|a, b| {
        if a.q != b.q {
            return b.q.partial_cmp(&a.q).unwrap_or(std::cmp::Ordering::Equal);
        }
        match (rank(a), rank(b)) {
            (Some(a_rank), Some(b_rank)) => a_rank.cmp(&b_rank),
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, None) => b
                .specificity
                .cmp(&a.specificity)
                .then(a.order.cmp(&b.order))
                .then(a.index.cmp(&b.index)),
        }
    });
    priorities
        .into_iter()
        .map(|priority| offered[priority.index])
        .collect()
}

/// The q-value a coding gets from an `Accept-Encoding` value (0 when nothing matches
/// it; NaN for an unreadable `q`) — what 5.1.1's tests call the encoding's weight.
///
/// ```
/// use chapter_03::compress::encoding_quality;
/// assert_eq!(encoding_quality("br, *; q = 0.1", "gzip"), 0.1);
/// assert_eq!(encoding_quality("gzip", "identity"), 1.0);
/// ```
pub fn encoding_quality(accept: &str, encoding: &str) -> f64 {
    priority(encoding, &parse_accept_encoding(accept), 0).q
}

/// A threshold written as text could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid threshold {0:?}: expected a number of bytes such as \"1024\" or \"1kb\"")]
pub struct InvalidThreshold(pub String);

/// A threshold written as text, read as the `bytes` package 3.1.2 reads it
/// ([`index.js`](https://unpkg.com/bytes@3.1.2/index.js), `parse`):
/// a number with a unit `kb`, `mb`, `gb`, `tb` or `pb` (case-insensitive, spaces before
/// the unit allowed, powers of 1,024, rounded down); anything else is read as the whole
/// number it starts with (`"100b"` → 100, `"1k"` → 1). A negative result means no
/// threshold (0), as it does upstream.
///
/// Upstream treats text with no number in front (`"abc"`) as "no threshold"; that is
/// a typo nobody would notice, so here it is an error.
///
/// ```
/// use chapter_03::compress::parse_threshold;
/// assert_eq!(parse_threshold("1kb"), Ok(1024));
/// assert_eq!(parse_threshold("1.5KB"), Ok(1536));
/// assert!(parse_threshold("abc").is_err());
/// ```
pub fn parse_threshold(text: &str) -> Result<u64, InvalidThreshold> {
    let invalid = || InvalidThreshold(text.to_owned());
    let value = match with_unit(text) {
        Some((number, unit)) => number * unit,
        None => leading_integer(text).ok_or_else(invalid)?,
    };
    // `as` saturates: a huge value stays huge, a negative one becomes 0.
    Ok(value.floor() as u64)
}

/// `^([+-]?\d+(\.\d+)?) *(kb|mb|gb|tb|pb)$`, case-insensitive: the number and the
/// unit's size.
fn with_unit(text: &str) -> Option<(f64, f64)> {
    let lower = text.to_ascii_lowercase();
    let (number, unit) = [("kb", 1u32), ("mb", 2), ("gb", 3), ("tb", 4), ("pb", 5)]
        .iter()
        .find_map(|(suffix, power)| {
            lower
                .strip_suffix(suffix)
                .map(|number| (number, 1024f64.powi(*power as i32)))
        })?;
    let number = number.trim_end_matches(' ');
    let unsigned = number.strip_prefix(['+', '-']).unwrap_or(number);
    let (whole, fraction) = match unsigned.split_once('.') {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (unsigned, None),
    };
    let all_digits = |part: &str| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit());
    if !all_digits(whole) || fraction.is_some_and(|part| !all_digits(part)) {
        return None;
    }
    Some((number.parse().ok()?, unit))
}

/// JavaScript's `parseInt(text, 10)`: the optionally signed whole number at the start
/// (after whitespace), if there is one.
fn leading_integer(text: &str) -> Option<f64> {
    let text = text.trim_start_matches(is_js_whitespace);
    let unsigned = text.strip_prefix(['+', '-']).unwrap_or(text);
    let digits = unsigned.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 {
        return None;
    }
    let value: f64 = unsigned[..digits].parse().ok()?;
    Some(if text.starts_with('-') { -value } else { value })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_float_reads_a_leading_number_like_javascript() {
        assert_eq!(parse_float("0.5"), 0.5);
        assert_eq!(parse_float(".5"), 0.5);
        assert_eq!(parse_float("1."), 1.0);
        assert_eq!(parse_float(" 1e-3x"), 0.001);
        assert_eq!(parse_float("1e"), 1.0);
        assert_eq!(parse_float("-1"), -1.0);
        assert_eq!(parse_float("Infinity"), f64::INFINITY);
        assert!(parse_float("abc").is_nan());
        assert!(parse_float(".").is_nan());
        assert!(parse_float("").is_nan());
    }

    #[test]
    fn members_are_split_like_content_type_with_commas() {
        let names: Vec<_> = split_members("gzip;q=0.5, br ; Q = \"0.2\" ,,;q=1, x;a;q=3")
            .into_iter()
            .map(|(name, q)| (name.to_owned(), q))
            .collect();
        assert_eq!(
            names,
            [
                ("gzip".to_owned(), Some("0.5".to_owned())),
                ("br".to_owned(), Some("0.2".to_owned())),
                (String::new(), None),
                (String::new(), Some("1".to_owned())),
                ("x".to_owned(), Some("3".to_owned())),
            ]
        );
    }

    #[test]
    fn byteranges_needs_a_word_boundary() {
        assert!(is_byteranges("multipart/byteranges"));
        assert!(is_byteranges("Multipart/ByteRanges; boundary=x"));
        assert!(is_byteranges("multipart/byteranges-x"));
        assert!(!is_byteranges("multipart/byterangesx"));
        assert!(!is_byteranges("multipart/mixed"));
    }

    #[test]
    fn no_transform_is_a_whole_case_sensitive_member() {
        for yes in [
            "no-transform",
            "public, no-transform",
            "public,no-transform",
            "no-transform , max-age=1",
        ] {
            assert!(has_no_transform(yes), "{yes}");
        }
        for no in [
            "not-no-transform",
            "no-transform-thingy",
            "No-Transform",
            "",
        ] {
            assert!(!has_no_transform(no), "{no}");
        }
    }
}
