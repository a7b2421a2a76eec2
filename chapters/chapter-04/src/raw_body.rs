//! Reading a request body whole: raw-body 2.5.3 over inflation 2.1.0, as co-body 6.2
//! calls them.
//!
//! Every co-body reader starts the same way
//! ([`lib/json.js`](https://github.com/cojs/co-body/blob/6.2.0/lib/json.js), the lines
//! before `raw(…)`): take the declared length from `Content-Length` (only when the body
//! is not compressed), wrap the request in
//! [`inflate(req)`](https://github.com/stream-utils/inflation/blob/2.1.0/index.js), and
//! hand that stream to
//! [`getRawBody`](https://github.com/stream-utils/raw-body/blob/2.5.3/index.js) with a
//! limit and a text encoding. [`read_text`] is those three steps in one function.
//!
//! # The limit counts inflated bytes
//!
//! raw-body counts what it reads, and what it reads is the *inflated* stream, so the
//! limit applies after decompression. A few kilobytes of gzip that would expand to
//! gigabytes are refused as soon as the inflated size passes the limit: we decode into
//! a fixed [`CHUNK`]-sized buffer, count, and stop at the first chunk past the limit,
//! so the memory used is at most the limit plus one chunk, and the decoder never asks
//! for compressed input it does not need. (Upstream does the same with zlib's 16 KiB
//! chunks: its 50 MiB bomb is refused after 1,064,960 inflated bytes.)
//!
//! The declared length is checked *before* anything is read: an identity body that
//! announces more than the limit is refused at once, without waiting for it.
//!
//! # The checks, in upstream's order
//!
//! | step | when | status | message | `type` |
//! |---|---|---|---|---|
//! | inflation | `Content-Encoding` is not `gzip`, `deflate`, `br`, `identity` (exactly, case-sensitive; absent or empty means identity) | 415, **not exposed** | `Unsupported Content-Encoding: <value>` | — |
//! | 1 | declared length > limit | 413 | `request entity too large` | `entity.too.large` |
//! | 4 | the server-side `encoding` is unknown | 415 | `specified encoding unsupported` | `encoding.unsupported` |
//! | 5 | inflated bytes received > limit | 413 | `request entity too large` | `entity.too.large` |
//! | 6 | the body ended and `received` ≠ the declared length | 400 | `request size did not match content length` | `request.size.invalid` |
//! | 7 | the client went away mid-body | 400 | `request aborted` (`code: ECONNABORTED`) | `request.aborted` |
//! | — | the compressed data is corrupt or cut short | **400**, not exposed | the decoder's message, or `unexpected end of file` | — |
//!
//! raw-body's steps 2 and 3 (a stream already decoding, or already read) are
//! programming errors a Rust caller cannot make: the body is read through `&mut`, once.
//!
//! **Where we differ.** Upstream answers corrupt or truncated compressed data with a
//! 500 (zlib's stream error has no status); we answer 400, because it is the client's
//! data that is wrong (and the house rule is a clear 4xx for bad input). The messages
//! stay on the error, unexposed, as upstream's do: `unexpected end of file` (code
//! `Z_BUF_ERROR`) for data cut short or an empty compressed body, otherwise the Rust
//! decoder's own words (code `Z_DATA_ERROR`) where zlib would say `incorrect header
//! check` or `incorrect data check`.
//!
//! # Text encodings
//!
//! raw-body decodes with iconv-lite. We know the names iconv-lite gives to UTF-8,
//! Latin-1, ASCII and UTF-16LE ([`Charset`]); any other name is the 415 above
//! (iconv-lite knows many more single-byte codepages). As upstream, a UTF-8 or UTF-16
//! byte-order mark is dropped and bytes that are not valid in the encoding become
//! U+FFFD.

use std::fmt;
use std::io;
use std::pin::Pin;

use async_compression::tokio::bufread::{BrotliDecoder, GzipDecoder, ZlibDecoder};
use bytes::Bytes;
use futures_util::Stream;
use serde_json::Value;
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt};
use tokio_util::io::StreamReader;

use crate::{HttpError, IncomingMessage};

/// How many inflated bytes are decoded at a time (zlib's default chunk in Node), and so
/// how far past the limit a compressed body can get before it is refused.
pub const CHUNK: usize = 16 * 1024;

/// The `Content-Encoding` values inflation 2.1.0 accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContentCoding {
    /// No header, an empty one, or `identity`: the body as sent.
    Identity,
    /// `gzip` or `deflate`. Node's `zlib.createUnzip` looks at the data, not the
    /// name, so gzip data under `deflate` and zlib data under `gzip` both work.
    Zlib,
    /// `br`.
    Brotli,
}

impl ContentCoding {
    /// inflation's `switch (encoding)`: the header value compared exactly, so `GZIP`,
    /// `Identity` and `gzip, identity` are all unsupported (415, not exposed).
    pub fn from_header(value: &str) -> Result<Self, HttpError> {
        match value {
            "" | "identity" => Ok(Self::Identity),
            "gzip" | "deflate" => Ok(Self::Zlib),
            "br" => Ok(Self::Brotli),
            other => {
                let mut err =
                    HttpError::with_message(415, format!("Unsupported Content-Encoding: {other}"))
                        .with_expose(false);
                // A plain `Error` with `status = 415` upstream.
                err.name = "Error".to_owned();
                Err(err)
            }
        }
    }
}

/// The text encodings [`read_text`] can decode with: iconv-lite's names for them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Charset {
    /// `utf8`, `utf-8`, `unicode-1-1-utf-8`.
    Utf8,
    /// `latin1`, `binary`, `iso-8859-1`, `l1`, `cp819`, `ibm819`, `cp28591`,
    /// `csisolatin1`, `iso-ir-100`: each byte is the code point of the same number.
    Latin1,
    /// `ascii`, `us-ascii`: bytes above 0x7F become U+FFFD.
    Ascii,
    /// `utf16le`, `utf-16le`, `ucs2`, `ucs-2`.
    Utf16Le,
}

impl Charset {
    /// iconv-lite's lookup: the name lower-cased, a `:1234` suffix and everything but
    /// letters and digits removed, then matched against the known names.
    pub fn lookup(name: &str) -> Option<Self> {
        let lower = name.to_ascii_lowercase();
        let trimmed = match lower.rsplit_once(':') {
            Some((head, tail)) if tail.len() == 4 && tail.bytes().all(|b| b.is_ascii_digit()) => {
                head
            }
            _ => lower.as_str(),
        };
        let canonical: String = trimmed
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .collect();
        match canonical.as_str() {
            "utf8" | "unicode11utf8" => Some(Self::Utf8),
            "latin1" | "binary" | "iso88591" | "l1" | "cp819" | "ibm819" | "cp28591"
            | "csisolatin1" | "isoir100" => Some(Self::Latin1),
            "ascii" | "usascii" => Some(Self::Ascii),
            "utf16le" | "ucs2" => Some(Self::Utf16Le),
            _ => None,
        }
    }

    /// Decodes a whole body: a leading byte-order mark is dropped, invalid bytes
    /// become U+FFFD (an odd last byte of UTF-16 is dropped, as iconv-lite does).
    pub fn decode(self, bytes: &[u8]) -> String {
        match self {
            Self::Utf8 => {
                let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
                String::from_utf8_lossy(bytes).into_owned()
            }
            Self::Latin1 => bytes.iter().copied().map(char::from).collect(),
            Self::Ascii => bytes
                .iter()
                .map(|&b| if b < 0x80 { char::from(b) } else { '\u{FFFD}' })
                .collect(),
            Self::Utf16Le => {
                let units: Vec<u16> = bytes
                    .chunks_exact(2)
                    .map(|pair| u16::from_le_bytes([pair[0], pair[1]]))
                    .collect();
                let units = units.strip_prefix(&[0xFEFF]).unwrap_or(&units);
                String::from_utf16_lossy(units)
            }
        }
    }
}

/// Reads the request's whole body as text: co-body's preamble, `inflate(req)`, then
/// `getRawBody(stream, { limit, length, encoding })`.
///
/// `limit` counts inflated bytes; `encoding` is the server-side text encoding (the
/// request's own `charset` is never read, as upstream). The errors, their order and
/// their properties (`type`, `limit`, `received`, `expected`, `length`, `code`) are in
/// the module docs.
pub async fn read_text(
    req: &mut IncomingMessage,
    limit: usize,
    encoding: &str,
) -> Result<String, HttpError> {
    let coding_header = joined_header(req, "content-encoding");
    // inflation runs first: `raw(inflate(req), opts)` evaluates `inflate` before `raw`.
    let coding = ContentCoding::from_header(&coding_header)?;
    let length = match coding_header.as_str() {
        "" | "identity" => declared_length(req),
        _ => None,
    };
    let limit = limit as u64;
    if let Some(length) = length
        && length > 0
        && length as u64 > limit
    {
        return Err(too_large(limit, length as u64, Some(length)));
    }
    let Some(charset) = Charset::lookup(encoding) else {
        return Err(
            HttpError::with_message(415, "specified encoding unsupported")
                .with_property("encoding", encoding)
                .with_property("type", "encoding.unsupported"),
        );
    };
    let bytes = match coding {
        ContentCoding::Identity => read_identity(req, limit, length).await?,
        ContentCoding::Zlib | ContentCoding::Brotli => read_inflated(req, coding, limit).await?,
    };
    Ok(charset.decode(&bytes))
}

/// Node's `req.headers[name]` for a header Node joins with `, ` when repeated, read as
/// Latin-1 (as Node reads header bytes).
fn joined_header(req: &IncomingMessage, name: &str) -> String {
    let mut joined = String::new();
    for (i, value) in req.headers().get_all(name).iter().enumerate() {
        if i > 0 {
            joined.push_str(", ");
        }
        joined.extend(value.as_bytes().iter().copied().map(char::from));
    }
    joined
}

/// co-body's `opts.length = ~~len`: the first `Content-Length` as JavaScript's
/// `Number()` reads it, cut to a signed 32-bit integer (so a value of 2³¹ or more
/// wraps around, and text that is not a number is 0). `None` without the header or
/// with an empty one.
fn declared_length(req: &IncomingMessage) -> Option<i64> {
    let value = req.headers().get(http::header::CONTENT_LENGTH)?;
    let text: String = value.as_bytes().iter().copied().map(char::from).collect();
    if text.is_empty() {
        return None;
    }
    Some(to_int32(js_number(&text)))
}

/// JavaScript's `Number(text)` for a header value: trimmed, empty is 0, `0x`/`0o`/`0b`
/// prefixes, decimal with fraction and exponent, anything else `NaN`.
fn js_number(text: &str) -> f64 {
    let text = text.trim();
    if text.is_empty() {
        return 0.0;
    }
    let radix = match text.get(..2) {
        Some("0x" | "0X") => Some(16),
        Some("0o" | "0O") => Some(8),
        Some("0b" | "0B") => Some(2),
        _ => None,
    };
    if let Some(radix) = radix {
        let digits = &text[2..];
        if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
            return f64::NAN;
        }
        return digits.chars().fold(0.0, |n, c| {
            n * f64::from(radix) + f64::from(c.to_digit(radix).unwrap_or(0))
        });
    }
    // Rust also reads `inf` and `nan`, which JavaScript does not; both end up as 0
    // after `to_int32`, as JavaScript's `NaN` does.
    let valid = text
        .bytes()
        .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'+' | b'-'));
    if valid {
        text.parse().unwrap_or(f64::NAN)
    } else if matches!(text, "Infinity" | "+Infinity" | "-Infinity") {
        f64::INFINITY
    } else {
        f64::NAN
    }
}

/// JavaScript's `ToInt32` (what `~~x` does): truncate, wrap modulo 2³², read as signed.
fn to_int32(number: f64) -> i64 {
    if !number.is_finite() {
        return 0;
    }
    let wrapped = number.trunc().rem_euclid(4_294_967_296.0);
    let wrapped = if wrapped >= 2_147_483_648.0 {
        wrapped - 4_294_967_296.0
    } else {
        wrapped
    };
    wrapped as i64
}

/// raw-body's `onData` / `onEnd` for a body that is not compressed.
async fn read_identity(
    req: &mut IncomingMessage,
    limit: u64,
    length: Option<i64>,
) -> Result<Vec<u8>, HttpError> {
    let mut buffer = Vec::new();
    let mut received: u64 = 0;
    while let Some(chunk) = req.chunk().await {
        let Ok(chunk) = chunk else {
            return Err(aborted(length, received));
        };
        received += chunk.len() as u64;
        if received > limit {
            return Err(too_large(limit, received, None));
        }
        buffer.extend_from_slice(&chunk);
    }
    if let Some(length) = length
        && received as i64 != length
    {
        return Err(
            HttpError::with_message(400, "request size did not match content length")
                .with_property("expected", length)
                .with_property("length", length)
                .with_property("received", received)
                .with_property("type", "request.size.invalid"),
        );
    }
    Ok(buffer)
}

/// The request body as a byte stream for the decoders; a transport failure becomes
/// an `io::Error` carrying [`ClientAborted`], so it can be told apart from bad data.
fn body_stream(
    req: &mut IncomingMessage,
) -> impl Stream<Item = Result<Bytes, io::Error>> + Send + '_ {
    futures_util::stream::unfold(req, |req| async move {
        let item = req.chunk().await?;
        Some((item.map_err(|_| io::Error::other(ClientAborted)), req))
    })
}

/// Marks an `io::Error` that came from the client going away, not from the decoder.
#[derive(Debug)]
struct ClientAborted;

impl fmt::Display for ClientAborted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("request aborted")
    }
}

impl std::error::Error for ClientAborted {}

// ANCHOR: read_inflated
/// `inflate(req)` piped into raw-body: decodes [`CHUNK`] bytes at a time and stops at
/// the first chunk that takes the count past `limit`.
async fn read_inflated(
    req: &mut IncomingMessage,
    coding: ContentCoding,
    limit: u64,
) -> Result<Vec<u8>, HttpError> {
    let mut received: u64 = 0;
    let mut source = StreamReader::new(Box::pin(body_stream(req)));
    // zlib's auto-detection: gzip data starts with 0x1f 0x8b, anything else is read as
    // zlib (and fails its header check if it is not). Nothing at all is an error too.
    let first = match source.fill_buf().await {
        Ok(buffer) => buffer.first().copied(),
        Err(err) => return Err(inflate_error(&err, received)),
    };
    let Some(first) = first else {
        return Err(zlib_error("unexpected end of file", "Z_BUF_ERROR", -5));
    };
    let mut decoder: Pin<Box<dyn AsyncRead + Send + '_>> = match coding {
        ContentCoding::Zlib if first == 0x1f => {
            let mut gzip = GzipDecoder::new(source);
            // Node's gunzip reads concatenated gzip members as one body.
            gzip.multiple_members(true);
            Box::pin(gzip)
        }
        ContentCoding::Zlib => Box::pin(ZlibDecoder::new(source)),
        // Only `br` is left: identity bodies never come here.
        ContentCoding::Brotli | ContentCoding::Identity => Box::pin(BrotliDecoder::new(source)),
    };
    let mut buffer = Vec::new();
    let mut chunk = vec![0; CHUNK];
    loop {
        let read = match decoder.read(&mut chunk).await {
            Ok(0) => break,
            Ok(read) => read,
            Err(err) => return Err(inflate_error(&err, received)),
        };
        received += read as u64;
        if received > limit {
            return Err(too_large(limit, received, None));
        }
        buffer.extend_from_slice(&chunk[..read]);
    }
    Ok(buffer)
}
// ANCHOR_END: read_inflated

/// An error out of the decoder: the client's abort, or bad compressed data.
fn inflate_error(err: &io::Error, received: u64) -> HttpError {
    if err
        .get_ref()
        .is_some_and(|inner| inner.is::<ClientAborted>())
    {
        return aborted(None, received);
    }
    if err.kind() == io::ErrorKind::UnexpectedEof {
        return zlib_error("unexpected end of file", "Z_BUF_ERROR", -5);
    }
    zlib_error(&err.to_string(), "Z_DATA_ERROR", -3)
}

/// Bad compressed data: zlib's error with its `code` and `errno`, as a 400 that does
/// not show its message (see "Where we differ" in the module docs).
fn zlib_error(message: &str, code: &str, errno: i64) -> HttpError {
    let mut err = HttpError::with_message(400, message)
        .with_expose(false)
        .with_property("code", code)
        .with_property("errno", errno);
    err.name = "Error".to_owned();
    err
}

/// raw-body's 413. `expected` and `length` are there when the declared length was the
/// reason.
fn too_large(limit: u64, received: u64, declared: Option<i64>) -> HttpError {
    let err = HttpError::with_message(413, "request entity too large");
    let err = match declared {
        Some(length) => err
            .with_property("expected", length)
            .with_property("length", length),
        None => err.with_property("received", received),
    };
    err.with_property("limit", limit)
        .with_property("type", "entity.too.large")
}

/// raw-body's `onAborted`: the client went away before the end of the body.
fn aborted(length: Option<i64>, received: u64) -> HttpError {
    let length = length.map_or(Value::Null, Value::from);
    HttpError::with_message(400, "request aborted")
        .with_property("code", "ECONNABORTED")
        .with_property("expected", length.clone())
        .with_property("length", length)
        .with_property("received", received)
        .with_property("type", "request.aborted")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declared_length_is_javascript_tilde_tilde() {
        assert_eq!(to_int32(js_number("2000000")), 2_000_000);
        assert_eq!(to_int32(js_number(" 12 ")), 12);
        assert_eq!(to_int32(js_number("5000000000")), 705_032_704);
        assert_eq!(to_int32(js_number("2147483648")), -2_147_483_648);
        assert_eq!(to_int32(js_number("0x10")), 16);
        assert_eq!(to_int32(js_number("abc")), 0);
        assert_eq!(to_int32(js_number("inf")), 0);
        assert_eq!(to_int32(js_number("1e3")), 1000);
        assert_eq!(to_int32(js_number("-5")), -5);
    }

    #[test]
    fn charsets_follow_iconv_lite_names() {
        assert_eq!(Charset::lookup("UTF-8"), Some(Charset::Utf8));
        assert_eq!(Charset::lookup("utf8"), Some(Charset::Utf8));
        assert_eq!(Charset::lookup("ISO-8859-1"), Some(Charset::Latin1));
        assert_eq!(Charset::lookup("binary"), Some(Charset::Latin1));
        assert_eq!(Charset::lookup("UCS-2"), Some(Charset::Utf16Le));
        assert_eq!(Charset::lookup("x-bogus"), None);
        let bytes = [0xEF, 0xBB, 0xBF, 0x41, 0xE9, 0xFF];
        assert_eq!(Charset::Utf8.decode(&bytes), "A\u{FFFD}\u{FFFD}");
        assert_eq!(Charset::Latin1.decode(&bytes), "ï»¿Aéÿ");
        assert_eq!(
            Charset::Ascii.decode(&bytes),
            "\u{FFFD}\u{FFFD}\u{FFFD}A\u{FFFD}\u{FFFD}"
        );
        assert_eq!(
            Charset::Utf16Le.decode(&[0xFF, 0xFE, 0x41, 0x00, 0x42]),
            "A"
        );
    }

    #[test]
    fn content_codings_are_exact() {
        assert_eq!(
            ContentCoding::from_header("").unwrap(),
            ContentCoding::Identity
        );
        assert_eq!(
            ContentCoding::from_header("gzip").unwrap(),
            ContentCoding::Zlib
        );
        assert_eq!(
            ContentCoding::from_header("deflate").unwrap(),
            ContentCoding::Zlib
        );
        assert_eq!(
            ContentCoding::from_header("br").unwrap(),
            ContentCoding::Brotli
        );
        for bad in ["GZIP", "Identity", "gzip, identity", "x-foo"] {
            let err = ContentCoding::from_header(bad).unwrap_err();
            assert_eq!(err.status, 415);
            assert!(!err.expose);
            assert_eq!(err.message, format!("Unsupported Content-Encoding: {bad}"));
        }
    }
}
