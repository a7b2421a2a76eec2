//! # Chapter 03 — koa-compose: the onion, and the classic middlewares
//!
//! Chapter 2 gave an app one handler. This chapter gives it Koa's middleware stack:
//! [`Application::use_`] adds to a [`Compose`], and each [`Middleware`] gets the context
//! and a [`Next`] — the rest of the stack, which it runs (at most once: `next` is moved
//! into the call) and awaits, so work before and after it forms the onion. Then the
//! handful of middleware packages every Koa app reaches for, each in its own module.
//!
//! ```text
//!   npm package                          this crate
//!   koa-compose 4.1 index.js         →   compose.rs        (Compose, Middleware, Next)
//!   koa-logger 3.2                   →   logger.rs         (Logger)
//!   koa-response-time 2.1            →   response_time.rs  (ResponseTime)
//!   koa-conditional-get 3.0          →   conditional_get.rs (ConditionalGet)
//!   koa-etag 4.0 + etag 1.8          →   etag.rs           (Etag)
//!   koa-compress 5.2 + compressible  →   compress.rs, compressible.rs
//!   koa-send 5.0 + resolve-path 1.4  →   send.rs           (send)
//!   koa-static 5.0                   →   static_files.rs   (Static)
//!   (chapter 2: Koa's context)       →   application.rs, context.rs, request.rs, response.rs, …
//!   (chapter 1: Node's http)         →   server.rs, incoming_message.rs, server_response.rs, body.rs
//! ```
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use chapter_03::{Application, Context, HttpError, Next};
//!
//! // Before `next` on the way in, after it on the way out: the onion.
//! async fn timer(ctx: &mut Context, next: Next<'_>) -> Result<(), HttpError> {
//!     let start = std::time::Instant::now();
//!     next.run(ctx).await?;
//!     ctx.set("X-Response-Time", format!("{}ms", start.elapsed().as_millis()))?;
//!     Ok(())
//! }
//!
//! // A handler of the context alone still works: an endpoint that ends the chain.
//! async fn hello(ctx: &mut Context) -> Result<(), HttpError> {
//!     ctx.set_body("Hello World");
//!     Ok(())
//! }
//!
//! let mut app = Application::new();
//! app.use_(timer).use_(hello);
//! let server = app.listen("127.0.0.1:3000").await?;
//! # server.close().await; Ok(()) }
//! ```

mod body;
mod error;
mod incoming_message;
mod server;
mod server_response;
pub mod status_codes;

pub mod accepts;
mod application;
pub mod compose;
pub mod compress;
pub mod compressible;
pub mod conditional_get;
pub mod content_disposition;
mod context;
pub mod cookies;
pub mod delegates;
pub mod encodeurl;
pub mod etag;
pub mod fresh;
pub mod http_errors;
mod js;
pub mod keygrip;
pub mod logger;
pub mod mime_types;
pub mod querystring;
mod request;
mod respond;
mod response;
pub mod response_time;
pub mod send;
pub mod static_files;
pub mod statuses;
pub mod type_is;
pub mod vary;

pub use application::{
    Application, BoxFuture, Callback, ErrorListener, Handler, HandlerFn, Settings, render_error,
};
pub use body::{BodyAborted, ResponseBody};
pub use compose::{Compose, IntoMiddleware, Middleware, MiddlewareFn, Next, Run};
pub use context::{Context, CookieJar, IntoHttpError, REQUEST_DELEGATES, RESPONSE_DELEGATES};
pub use cookies::{CookieOptions, SameSite};
pub use error::{BodyError, ResponseError};
pub use http_errors::HttpError;
pub use incoming_message::{DRAIN_LIMIT, DRAIN_TIMEOUT, IncomingMessage};
pub use querystring::Query;
pub use request::Request;
pub use response::{Body, BodyStream, FileBody, HeaderText, Response};
pub use server::{
    BoxError, HandlerOutput, Listening, RequestListener, Server, ServerOptions, create_server,
};
pub use server_response::ServerResponse;
pub use type_is::TypeIs;
