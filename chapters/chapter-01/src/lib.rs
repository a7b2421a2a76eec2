//! # Chapter 01 — raw HTTP
//!
//! What Koa's `app.listen()` stands on: Node's `http.createServer(handler).listen(port)`
//! and the `(req, res)` pair it hands to the handler, rebuilt on tokio and hyper 1.x.
//!
//! ```text
//!   Node                               this crate
//!   http.createServer(cb)          →   create_server(handler)          server.rs
//!   server.listen(0)               →   server.listen("127.0.0.1:0")    server.rs
//!   server.close()                 →   listening.close().await         server.rs
//!   IncomingMessage (req)          →   IncomingMessage                 incoming_message.rs
//!   ServerResponse (res)           →   ServerResponse                  server_response.rs
//!   res.write → socket (push)      →   channel → hyper body (pull)     body.rs
//!   http.STATUS_CODES              →   status_codes::status_text       status_codes.rs
//!   ERR_HTTP_HEADERS_SENT, …       →   ResponseError                   error.rs
//! ```
//!
//! A handler is an async function that owns both halves of the pair:
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use chapter_01::{create_server, IncomingMessage, ServerResponse};
//!
//! let server = create_server(|_req: IncomingMessage, mut res: ServerResponse| async move {
//!     res.set_header("Content-Type", "text/plain")?;
//!     res.end("Hello World").await
//! });
//! let listening = server.listen("127.0.0.1:0").await?;
//! println!("listening on http://{}", listening.local_addr());
//! listening.close().await;
//! # Ok(()) }
//! ```
//!
//! The book's chapter 1 reads Node's side of this; every later chapter builds on it.

mod body;
mod error;
mod incoming_message;
mod server;
mod server_response;
pub mod status_codes;

pub use body::{BodyAborted, ResponseBody};
pub use error::{BodyError, ResponseError};
pub use incoming_message::{DRAIN_LIMIT, DRAIN_TIMEOUT, IncomingMessage};
pub use server::{BoxError, HandlerOutput, Listening, Server, ServerOptions, create_server};
pub use server_response::ServerResponse;
