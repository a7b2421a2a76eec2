//! koa-response-time: how long the rest of the stack took, in `X-Response-Time`.
//!
//! Mirrors [koa-response-time 2.1.0, `responseTime`](https://github.com/koajs/response-time/blob/2.1.0/index.js).
//! The middleware notes a monotonic start time, awaits `next`, and writes the elapsed
//! milliseconds: rounded to a whole number by default, or with the clock's full
//! precision when `hrtime` is set (`25.576614ms`). The header is only written when the
//! rest of the stack succeeded — an error skips it, and Koa's error response would drop
//! it anyway — and not once the head has gone out (Koa's `set` is a no-op then).
//! The time excludes writing the body, which happens after the stack returns.

use std::time::Instant;

use crate::application::BoxFuture;
use crate::compose::{Middleware, Next};
use crate::context::Context;
use crate::http_errors::HttpError;

/// `responseTime({ hrtime })`.
#[derive(Debug, Clone, Copy, Default)]
pub struct ResponseTime {
    /// Keep the fractional milliseconds instead of rounding.
    pub hrtime: bool,
}

impl ResponseTime {
    /// `responseTime()`: whole milliseconds.
    pub fn new() -> Self {
        Self::default()
    }
}

// ANCHOR: call
impl Middleware for ResponseTime {
    fn call<'a>(
        &'a self,
        ctx: &'a mut Context,
        next: Next<'a>,
    ) -> BoxFuture<'a, Result<(), HttpError>> {
        Box::pin(async move {
            let start = Instant::now();
            next.run(ctx).await?;
            let millis = start.elapsed().as_secs_f64() * 1000.0;
            ctx.set("X-Response-Time", format_millis(millis, self.hrtime))?;
            Ok(())
        })
    }
}
// ANCHOR_END: call

/// `25.576614ms` with `hrtime`, else `26ms` — JavaScript's shortest number form, which
/// Rust's float `Display` shares.
fn format_millis(millis: f64, hrtime: bool) -> String {
    if hrtime {
        // process.hrtime has nanosecond resolution: at most 6 decimals of milliseconds.
        let rounded = (millis * 1e6).round() / 1e6;
        format!("{rounded}ms")
    } else {
        format!("{}ms", millis.round())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_milliseconds_by_default_and_fractions_with_hrtime() {
        assert_eq!(format_millis(25.576614, false), "26ms");
        assert_eq!(format_millis(0.098908, false), "0ms");
        assert_eq!(format_millis(25.576614, true), "25.576614ms");
        assert_eq!(format_millis(0.0989081234, true), "0.098908ms");
        assert_eq!(format_millis(2.0, true), "2ms");
    }
}
