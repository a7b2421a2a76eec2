//! # Chapter 02 — Koa's application, context, request and response
//!
//! Chapter 1 rebuilt Node's `http.createServer`. This chapter rebuilds what Koa puts on
//! top of it: an [`Application`] with settings, a [`Context`] per request that owns a
//! [`Request`] and a [`Response`], the delegation that makes `ctx.body` mean
//! `ctx.response.body`, `respond()` that turns the context into bytes, and Koa's error
//! handling — plus the small npm packages Koa leans on for cookies, content negotiation,
//! types, freshness and errors.
//!
//! ```text
//!   koa 2.16 / npm package              this crate
//!   lib/application.js              →   application.rs  (Application, Callback)
//!     function respond              →   respond.rs
//!   lib/context.js                  →   context.rs      (Context, CookieJar)
//!     delegates                     →   delegates.rs    (delegate! and its tables)
//!   lib/request.js                  →   request.rs      (Request)
//!   lib/response.js                 →   response.rs     (Response, Body)
//!   Node querystring                →   querystring.rs  (Query)
//!   http-errors 1.8 / statuses 1.5  →   http_errors.rs, statuses.rs
//!   cookies 0.9 / keygrip 1.1       →   cookies.rs, keygrip.rs
//!   accepts 1.3 / negotiator 0.6    →   accepts.rs
//!   type-is 1.6 / mime-types 2.1    →   type_is.rs, mime_types.rs
//!   fresh / vary / content-disposition → fresh.rs, vary.rs, content_disposition.rs
//!   encodeurl / escape-html         →   encodeurl.rs
//!   (chapter 1: Node's http)        →   server.rs, incoming_message.rs, server_response.rs, body.rs
//! ```
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use chapter_02::{Application, Context, HttpError};
//!
//! async fn hello(ctx: &mut Context) -> Result<(), HttpError> {
//!     ctx.set_body("Hello World");
//!     Ok(())
//! }
//!
//! let mut app = Application::new();
//! app.use_(hello);
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
pub mod content_disposition;
mod context;
pub mod cookies;
pub mod delegates;
pub mod encodeurl;
pub mod fresh;
pub mod http_errors;
mod js;
pub mod keygrip;
pub mod mime_types;
pub mod querystring;
mod request;
mod respond;
mod response;
pub mod statuses;
pub mod type_is;
pub mod vary;

pub use application::{
    Application, BoxFuture, Callback, ErrorListener, Handler, HandlerFn, Settings, render_error,
};
pub use body::{BodyAborted, ResponseBody};
pub use context::{Context, CookieJar, IntoHttpError, REQUEST_DELEGATES, RESPONSE_DELEGATES};
pub use cookies::{CookieOptions, SameSite};
pub use error::{BodyError, ResponseError};
pub use http_errors::HttpError;
pub use incoming_message::{DRAIN_LIMIT, DRAIN_TIMEOUT, IncomingMessage};
pub use querystring::Query;
pub use request::Request;
pub use response::{Body, BodyStream, HeaderText, Response};
pub use server::{
    BoxError, HandlerOutput, Listening, RequestListener, Server, ServerOptions, create_server,
};
pub use server_response::ServerResponse;
pub use type_is::TypeIs;
