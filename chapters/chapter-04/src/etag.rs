//! koa-etag and etag: tag each response so conditional GET can recognise it.
//!
//! Mirrors [koa-etag 4.0.0](https://github.com/koajs/etag/blob/v4.0.0/index.js)
//! (`etag`, `getResponseEntity`, `setEtag`) over
//! [etag 1.8.1](https://github.com/jshttp/etag/blob/v1.8.1/index.js) (`entitytag`,
//! `stattag`). After the rest of the stack, if the response is a 2xx with a body and no
//! `ETag` yet, it computes one:
//!
//! - for text, bytes and JSON, a **strong** tag from the bytes that will be sent: their
//!   length in hex, a dash, and the first 27 characters of the base64 SHA-1 (the 28th is
//!   padding) — `"b-Ck1VqNd45QIvq3AZd8XYQLvEhtA"` for `Hello World`;
//! - for a file, a **weak** tag from its size and modification time, without reading it:
//!   `W/"12-1a2016383bf"` (Node's file streams carry `.path` for this; ours are
//!   [`Body::File`]);
//! - a stream that is not a file gets no tag (it would have to be read twice).
//!
//! `weak: true` makes every tag weak. Weak is the honest choice when a compressor sits
//! outside this middleware: the gzip and the plain bytes then share one tag, which only a
//! weak tag allows.

use std::time::UNIX_EPOCH;

use base64::Engine;
use sha1::{Digest, Sha1};

use crate::application::BoxFuture;
use crate::compose::{Middleware, Next};
use crate::context::Context;
use crate::http_errors::HttpError;
use crate::response::Body;

/// `etag({ weak })`.
#[derive(Debug, Clone, Copy, Default)]
pub struct Etag {
    /// Make every tag weak (`W/"…"`), not only the ones made from file metadata.
    pub weak: bool,
}

impl Etag {
    /// `etag()`: strong tags for bodies, weak for files.
    pub fn new() -> Self {
        Self::default()
    }
}

// ANCHOR: call
impl Middleware for Etag {
    fn call<'a>(
        &'a self,
        ctx: &'a mut Context,
        next: Next<'a>,
    ) -> BoxFuture<'a, Result<(), HttpError>> {
        Box::pin(async move {
            next.run(ctx).await?;
            if ctx.response.has("ETag") || ctx.status() / 100 != 2 {
                return Ok(());
            }
            let tag = match ctx.body() {
                Body::Text(text) if !text.is_empty() => {
                    Some(entity_tag(text.as_bytes(), self.weak))
                }
                Body::Bytes(bytes) if !bytes.is_empty() => Some(entity_tag(bytes, self.weak)),
                Body::Json(value) => Some(entity_tag(&serde_json::to_vec(value)?, self.weak)),
                Body::File(file) => file.modified.map(|modified| {
                    let mtime = modified.duration_since(UNIX_EPOCH).unwrap_or_default();
                    stat_tag(file.len, mtime.as_millis(), true)
                }),
                _ => None,
            };
            if let Some(tag) = tag {
                ctx.set_etag(&tag)?;
            }
            Ok(())
        })
    }
}
// ANCHOR_END: call

// ANCHOR: entity_tag
/// etag's `entitytag`: `"<length in hex>-<27 characters of base64 SHA-1>"`, `W/`-prefixed
/// when weak.
pub fn entity_tag(bytes: &[u8], weak: bool) -> String {
    let hash = base64::engine::general_purpose::STANDARD.encode(Sha1::digest(bytes));
    let prefix = if weak { "W/" } else { "" };
    format!("{prefix}\"{:x}-{}\"", bytes.len(), &hash[..27])
}
// ANCHOR_END: entity_tag

/// etag's `stattag`: `"<size in hex>-<mtime in ms, hex>"`, weak unless asked otherwise.
pub fn stat_tag(size: u64, mtime_millis: u128, weak: bool) -> String {
    let prefix = if weak { "W/" } else { "" };
    format!("{prefix}\"{size:x}-{mtime_millis:x}\"")
}

#[cfg(test)]
mod tests {
    use super::*;

    // Expected values recorded from etag 1.8.1 on Node 20 (see the chapter 3 spec notes).
    #[test]
    fn strong_tags_from_bytes_match_the_etag_package() {
        assert_eq!(
            entity_tag(b"Hello World", false),
            "\"b-Ck1VqNd45QIvq3AZd8XYQLvEhtA\""
        );
        assert_eq!(
            entity_tag(b"beep boop", false),
            "\"9-fINXV39R1PCo05OqGqr7KIY9lCE\""
        );
        assert_eq!(
            entity_tag("论".as_bytes(), false),
            "\"3-QkSKq8sXBjHL2tFAZknA2n6LYzM\""
        );
        assert_eq!(
            entity_tag(&[1, 2, 3], false),
            "\"3-cDeAcZjCKn0rCAc3HXY3eahP388\""
        );
        assert_eq!(
            entity_tag(b"{\"foo\":\"bar\"}", false),
            "\"d-pedE0BZFQNM7HX6mFsKPL6l+dUo\""
        );
        assert_eq!(
            entity_tag(&[b'x'; 300], false),
            "\"12c-Av1oJTBx+JVxjI1B9/9mWr4aYpA\""
        );
        assert_eq!(entity_tag(b"", false), "\"0-2jmj7l5rSw0yVb/vlWAYkK/YBwk\"");
    }

    #[test]
    fn weak_tags_carry_the_w_prefix() {
        assert_eq!(
            entity_tag(b"Hello World", true),
            "W/\"b-Ck1VqNd45QIvq3AZd8XYQLvEhtA\""
        );
        assert_ne!(entity_tag(b"plumless", true), entity_tag(b"buckeroo", true));
    }

    #[test]
    fn stat_tags_use_size_and_mtime_in_hex() {
        // size 3027, mtime 2014-09-01T14:52:07Z
        assert_eq!(
            stat_tag(3027, 1_409_583_127_000, true),
            "W/\"bd3-14831b399d8\""
        );
        assert_eq!(
            stat_tag(3027, 1_409_583_127_000, false),
            "\"bd3-14831b399d8\""
        );
    }
}
