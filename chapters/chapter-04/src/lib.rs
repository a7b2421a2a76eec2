//! # Chapter 04 — @koa/router and koa-bodyparser, and the Koa showcase
//!
//! Chapter 3 gave Koa its middleware stack. This chapter adds the two middlewares almost
//! every Koa app starts with: a [`Router`](router::Router) that runs, in registration
//! order, every layer whose path and method match (path-to-regexp patterns, nested
//! routers, `param()`, named routes and `url()`, `allowedMethods`), found through an index
//! rather than a scan; and a [`BodyParser`](body_parser::BodyParser) with upstream's
//! limits, applied after inflation so a compressed bomb is refused. The Koa showcase
//! (`examples/showcase.rs`) is answered the same as by the real Koa, request for request
//! (`tests/koa_parity.rs`).
//!
//! ```text
//!   npm package                          this crate
//!   path-to-regexp 6.3               →   path_to_regexp.rs
//!   @koa/router 13.1 lib/layer.js    →   router/layer.rs   (Layer, Params)
//!   @koa/router 13.1 lib/router.js   →   router/mod.rs     (Router, RouterContext, …)
//!   (our lookup index)               →   router/index.rs
//!   koa-bodyparser 4.4 + co-body 6.2 →   body_parser.rs    (BodyParser, BodyParserContext)
//!   raw-body 2.5 + inflation 2.1     →   raw_body.rs
//!   qs 6.17 (parse)                  →   qs.rs
//!   (chapter 3: compose and the classic middlewares)  →  compose.rs, logger.rs, …
//!   (chapter 2: Koa's context)       →   application.rs, context.rs, request.rs, response.rs, …
//!   (chapter 1: Node's http)         →   server.rs, incoming_message.rs, server_response.rs, body.rs
//! ```
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use chapter_04::router::{AllowedMethodsOptions, Router, RouterContext};
//! use chapter_04::{Application, Context, HttpError};
//!
//! async fn user(ctx: &mut Context) -> Result<(), HttpError> {
//!     let id = ctx.param("id").unwrap_or_default().to_owned();
//!     ctx.set_body(serde_json::json!({ "id": id }));
//!     Ok(())
//! }
//!
//! let mut router = Router::new();
//! router.get("/users/:id", user).expect("a valid path");
//! let mut app = Application::new();
//! app.use_(router.routes());
//! app.use_(router.allowed_methods(AllowedMethodsOptions::default()));
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
pub mod body_parser;
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
pub mod path_to_regexp;
pub mod qs;
pub mod querystring;
pub mod raw_body;
mod request;
mod respond;
mod response;
pub mod response_time;
pub mod router;
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
