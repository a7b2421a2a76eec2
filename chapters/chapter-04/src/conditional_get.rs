//! koa-conditional-get: answer `304 Not Modified` when the client's copy is fresh.
//!
//! Mirrors [koa-conditional-get 3.0.0](https://github.com/koajs/conditional-get/blob/v3.0.0/index.js).
//! It does nothing on the way in. On the way out, when `ctx.fresh` says the client's
//! cached copy matches (`If-None-Match` against `ETag`, or `If-Modified-Since` against
//! `Last-Modified`, only for GET/HEAD and 2xx/304 — chapter 2's `fresh`), it makes the
//! answer a `304` with no body. It must sit *outside* whatever sets `ETag` or
//! `Last-Modified` (use it first), so that those headers exist when it looks.

use crate::application::BoxFuture;
use crate::compose::{Middleware, Next};
use crate::context::Context;
use crate::http_errors::HttpError;
use crate::response::Body;

/// `conditional()`.
#[derive(Debug, Clone, Copy, Default)]
pub struct ConditionalGet;

// ANCHOR: call
impl Middleware for ConditionalGet {
    fn call<'a>(
        &'a self,
        ctx: &'a mut Context,
        next: Next<'a>,
    ) -> BoxFuture<'a, Result<(), HttpError>> {
        Box::pin(async move {
            next.run(ctx).await?;
            if ctx.fresh() {
                ctx.set_status(304)?;
                ctx.set_body(Body::Null);
            }
            Ok(())
        })
    }
}
// ANCHOR_END: call
