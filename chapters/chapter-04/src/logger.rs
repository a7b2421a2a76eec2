//! koa-logger: one line when a request comes in, one when its answer goes out.
//!
//! Mirrors [koa-logger 3.2.1](https://github.com/koajs/logger/blob/3.2.1/index.js)
//! (`dev`, `log`, `time`). The lines, with their exact spacing:
//!
//! ```text
//!   <-- GET /users?page=2
//!   --> GET /users?page=2 200 12ms 1.21kb
//!   xxx GET /boom 500 3ms -
//! ```
//!
//! - `<--` is printed before the rest of the stack runs, with the `originalUrl`;
//! - `-->` after it, with the status (404 when none was set), the time (`1,241ms` under
//!   ten seconds, then whole seconds: `12s`) and the size Koa will send (`bytes`-style,
//!   lower case: `11b`, `1.21kb`; empty for 204/205/304; `-` when unknown);
//! - `xxx` when an error comes back up, with its status and `-`; the error goes on up;
//! - for a stream of unknown length, the line waits until the stream has been sent and
//!   shows the bytes that really went out — or `-x-` if the client went away first.
//!
//! Lines go to `tracing` (target `koa_logger`, level INFO, the finished line as the
//! message), or to a transporter function of your own, as koa-logger's `transporter`
//! option. koa-logger colours its terminal output; colour is a subscriber's business here.
//!
//! One difference: koa-logger prints the `-->` line when Node's response emits `finish`,
//! so its time includes writing the body; for bodies of known length ours is printed when
//! the stack returns, just before the body is written.

use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context as TaskContext, Poll};
use std::time::Instant;

use bytes::Bytes;
use futures_util::Stream;

use crate::application::BoxFuture;
use crate::compose::{Middleware, Next};
use crate::context::Context;
use crate::http_errors::HttpError;
use crate::response::{Body, BodyStream};

/// Where the lines go: `tracing` by default, or a function of the finished line.
type Transporter = Arc<dyn Fn(&str) + Send + Sync>;

/// `logger()` / `logger(transporter)`.
#[derive(Clone, Default)]
pub struct Logger {
    /// A function that receives each line instead of `tracing`.
    transporter: Option<Transporter>,
}

impl std::fmt::Debug for Logger {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Logger")
            .field("transporter", &self.transporter.is_some())
            .finish()
    }
}

impl Logger {
    /// `logger()`: lines go to `tracing`.
    pub fn new() -> Self {
        Self::default()
    }

    /// `logger({ transporter })`: every line goes to `transporter` instead.
    pub fn with_transporter(transporter: impl Fn(&str) + Send + Sync + 'static) -> Self {
        Self {
            transporter: Some(Arc::new(transporter)),
        }
    }

    /// Sends one line on its way.
    fn emit(&self, line: &str) {
        match &self.transporter {
            Some(transporter) => transporter(line),
            None => tracing::info!(target: "koa_logger", "{line}"),
        }
    }
}

// ANCHOR: call
impl Middleware for Logger {
    fn call<'a>(
        &'a self,
        ctx: &'a mut Context,
        next: Next<'a>,
    ) -> BoxFuture<'a, Result<(), HttpError>> {
        Box::pin(async move {
            let start = Instant::now();
            let method = ctx.method().to_string();
            let url = ctx.original_url().to_owned();
            self.emit(&format!("  <-- {method} {url}"));
            if let Err(err) = next.run(ctx).await {
                let status = err.status;
                self.emit(&format!("  xxx {method} {url} {status} {} -", time(start)));
                return Err(err);
            }
            let status = match ctx.status() {
                0 => 404,
                status => status,
            };
            let length = ctx.length();
            let streaming = matches!(ctx.body(), Body::Stream(_) | Body::File(_));
            if length.is_none() && streaming && !crate::statuses::is_empty(status) {
                // Count what really goes out; the line is printed when the stream ends.
                let stream = match ctx.response.take_body() {
                    Body::Stream(stream) => stream,
                    Body::File(file) => file.stream,
                    _ => unreachable!("checked above"),
                };
                let line = LinePending {
                    logger: self.clone(),
                    head: format!("{method} {url} {status}"),
                    start,
                    counted: 0,
                    done: false,
                };
                ctx.set_body(Body::stream(Counter { stream, line }));
                return Ok(());
            }
            let size = size_text(status, length);
            self.emit(&format!(
                "  --> {method} {url} {status} {} {size}",
                time(start)
            ));
            Ok(())
        })
    }
}
// ANCHOR_END: call

/// The `-->` line of a streamed response, waiting for the stream to end.
struct LinePending {
    /// Where to print it.
    logger: Logger,
    /// `METHOD url status`.
    head: String,
    /// When the request came in.
    start: Instant,
    /// Bytes that went out so far.
    counted: u64,
    /// The line was printed.
    done: bool,
}

impl LinePending {
    /// Prints the line with `arrow` (`-->` or `-x-`), once.
    fn finish(&mut self, arrow: &str) {
        if !self.done {
            self.done = true;
            let size = bytes_text(self.counted);
            self.logger.emit(&format!(
                "  {arrow} {} {} {size}",
                self.head,
                time(self.start)
            ));
        }
    }
}

/// koa-logger's pass-through counter around a stream body.
struct Counter {
    /// The body.
    stream: BodyStream,
    /// The line to print when it ends.
    line: LinePending,
}

impl Stream for Counter {
    type Item = Result<Bytes, std::io::Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut TaskContext<'_>) -> Poll<Option<Self::Item>> {
        let polled = self.stream.as_mut().poll_next(cx);
        match &polled {
            Poll::Ready(Some(Ok(chunk))) => self.line.counted += chunk.len() as u64,
            Poll::Ready(None) => self.line.finish("-->"),
            _ => {}
        }
        polled
    }
}

impl Drop for Counter {
    /// Dropped before the end: the client went away (or the stream failed).
    fn drop(&mut self) {
        self.line.finish("-x-");
    }
}

/// koa-logger's `time`: whole milliseconds under ten seconds, else seconds, with
/// thousands separators (`1,241ms`, `12s`).
fn time(start: Instant) -> String {
    let millis = start.elapsed().as_millis();
    if millis < 10_000 {
        format!("{}ms", thousands(millis))
    } else {
        format!("{}s", thousands((millis + 500) / 1000))
    }
}

/// `1234567` → `1,234,567` (humanize-number).
fn thousands(n: u128) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

/// The size column: empty for bodiless statuses, `-` when unknown.
fn size_text(status: u16, length: Option<u64>) -> String {
    if crate::statuses::is_empty(status) {
        return String::new();
    }
    length.map_or_else(|| "-".to_owned(), bytes_text)
}

/// The `bytes` package's format, lower-cased: powers of 1024, at most two decimals,
/// trailing zeros dropped (`1234` → `1.21kb`).
fn bytes_text(n: u64) -> String {
    const UNITS: [(&str, u64); 6] = [
        ("pb", 1 << 50),
        ("tb", 1 << 40),
        ("gb", 1 << 30),
        ("mb", 1 << 20),
        ("kb", 1 << 10),
        ("b", 1),
    ];
    let (unit, size) = UNITS
        .iter()
        .copied()
        .find(|(_, size)| n >= *size)
        .unwrap_or(("b", 1));
    let value = format!("{:.2}", n as f64 / size as f64);
    let value = value.trim_end_matches('0').trim_end_matches('.');
    format!("{value}{unit}")
}

#[cfg(test)]
mod tests {
    use super::*;

    // Expected values observed from koa-logger 3.2.1 (bytes 3.1.2, humanize-number 0.0.2).
    #[test]
    fn sizes_are_formatted_like_the_bytes_package() {
        for (n, text) in [
            (0, "0b"),
            (11, "11b"),
            (1023, "1023b"),
            (1024, "1kb"),
            (1234, "1.21kb"),
            (1536, "1.5kb"),
            (2048, "2kb"),
            (1_048_575, "1024kb"),
            (1_048_576, "1mb"),
            (1_500_000, "1.43mb"),
            (1 << 30, "1gb"),
        ] {
            assert_eq!(bytes_text(n), text, "{n}");
        }
    }

    #[test]
    fn thousands_get_separators() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1241), "1,241");
        assert_eq!(thousands(12_345), "12,345");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }

    #[test]
    fn bodiless_statuses_have_an_empty_size_and_unknown_is_a_dash() {
        assert_eq!(size_text(304, Some(10)), "");
        assert_eq!(size_text(204, None), "");
        assert_eq!(size_text(200, None), "-");
        assert_eq!(size_text(200, Some(11)), "11b");
    }
}
