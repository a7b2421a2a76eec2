//! Koa's `respond(ctx)`: turn what the handler left in `ctx` into the bytes on the wire.
//!
//! Mirrors the function `respond` at the end of
//! [`lib/application.js` at koa 2.16.4](https://github.com/koajs/koa/blob/v2.16.4/lib/application.js).
//! Koa calls `res.end(…)` on Node's response; we build hyper's response in one piece,
//! taking the status, the headers and the body out of `ctx.response`. The order of the
//! decisions is Koa's, first match wins:
//!
//! 1. `ctx.respond === false` → do nothing (the handler owns Node's `res`);
//! 2. the head already went out through `res` (`flush_headers`, or the handler wrote to
//!    `ctx.res()` itself) → write the body there;
//! 3. a status that cannot have a body (204, 205, 304) → no body;
//! 4. `HEAD` → no body, but `Content-Length` as the body would have had;
//! 5. no body: an explicit `null` → empty; otherwise the status text as `text/plain`;
//! 6. text, bytes → as they are; a stream → piped; anything else → `JSON.stringify`.
//!
//! A stream's first chunk is awaited before the head is sent, as Node's `pipe` only
//! writes the head with the first chunk: a stream that fails at once (a missing file)
//! still gets a proper error response (404 for a file that is not there).

use bytes::Bytes;
use futures_util::StreamExt;
use http::{Response as HttpResponse, StatusCode, Version};

use crate::body::ResponseBody;
use crate::context::Context;
use crate::http_errors::HttpError;
use crate::response::Body;
use crate::status_codes::node_reason_override;
use crate::statuses;

/// How a request ended, for `handle_request`.
#[derive(Debug)]
pub(crate) enum Flow {
    /// A complete response for hyper.
    Response(HttpResponse<ResponseBody>),
    /// Node's `res` carries the response (its head is in the raw channel).
    Raw,
}

// ANCHOR: respond
/// `respond(ctx)`.
pub(crate) async fn respond(ctx: &mut Context) -> Result<Flow, HttpError> {
    if !ctx.respond {
        if ctx.raw().is_none() {
            // Nobody touched `res`: Node's response still has the 404 Koa gave it.
            ctx.res().status_code = 404;
        }
        return Ok(Flow::Raw);
    }
    // The head is out when `flush_headers` sent it, and also when the handler wrote
    // to Node's `res` itself (`ctx.res().write(…)`): Koa reads `res.headersSent`,
    // which covers both.
    if ctx.response.header_sent() || ctx.raw().is_some_and(|raw| raw.headers_sent()) {
        respond_through_res(ctx).await?;
        return Ok(Flow::Raw);
    }
    if !ctx.writable() {
        return Ok(Flow::Raw);
    }
    let status = ctx.response.status();
    if statuses::is_empty(status) {
        ctx.response.set_body(Body::Null);
        return Ok(build(ctx, ResponseBody::empty()));
    }
    if ctx.is_head() {
        if !ctx.response.has("Content-Length")
            && let Some(length) = ctx.response.length()
        {
            ctx.response.set_length(length);
        }
        return Ok(build(ctx, ResponseBody::empty()));
    }
    let body = match ctx.response.take_body() {
        Body::None | Body::Null if ctx.response.explicit_null_body() => {
            ctx.response.remove("Content-Type");
            ctx.response.remove("Transfer-Encoding");
            ResponseBody::empty()
        }
        Body::None | Body::Null => {
            let http2 = ctx.request.req().version() >= Version::HTTP_2;
            let text = status_text(status, ctx.response.message(), http2);
            ctx.response.set_type("text");
            ctx.response.set_length(text.len() as u64);
            ResponseBody::full(Bytes::from(text))
        }
        Body::Text(text) => ResponseBody::full(Bytes::from(text)),
        Body::Bytes(bytes) => ResponseBody::full(bytes),
        Body::Json(value) => {
            let json = serde_json::to_vec(&value)?;
            ctx.response.set_length(json.len() as u64);
            ResponseBody::full(Bytes::from(json))
        }
        Body::File(file) => stream_body(ctx, file.stream).await?,
        Body::Stream(stream) => stream_body(ctx, stream).await?,
    };
    Ok(build(ctx, body))
}
// ANCHOR_END: respond

/// A stream's body for hyper: its first chunk awaited here (so a stream that fails at
/// once still gets an error response), the rest pulled by hyper as it goes.
async fn stream_body(
    ctx: &mut Context,
    mut stream: crate::response::BodyStream,
) -> Result<ResponseBody, HttpError> {
    Ok(match stream.next().await {
        None => ResponseBody::empty(),
        Some(Err(error)) => return Err(HttpError::from(error)),
        Some(Ok(first)) => {
            let app = ctx.app_shared();
            let rest = stream.inspect(move |item| {
                if let Err(error) = item {
                    // The head is gone: tell the app; the connection will be cut.
                    let mut err = HttpError::from_message(error.to_string());
                    err.header_sent = true;
                    app.emit_error(&err, None);
                }
            });
            ResponseBody::stream_of(Box::pin(
                futures_util::stream::once(async move { Ok(first) }).chain(rest),
            ))
        }
    })
}

/// The body Koa writes when there is none: the reason phrase (`message`), or the bare
/// code when there is no phrase or on HTTP/2, which has no reason phrases.
fn status_text(status: u16, message: Option<&str>, http2: bool) -> String {
    match message {
        Some(message) if !http2 && !message.is_empty() => message.to_owned(),
        _ => status.to_string(),
    }
}

/// The head went out early: write the body through Node's `res`, as Koa always does,
/// with Koa's decisions in Koa's order (an ended `res` gets nothing; no body for an
/// empty status or `HEAD`; the status text when no body was set, as on the normal path).
/// The status and phrase are `res`'s, the ones that went out with the head.
async fn respond_through_res(ctx: &mut Context) -> Result<(), HttpError> {
    let body = ctx.response.take_body();
    let explicit_null = ctx.response.explicit_null_body();
    let is_head = ctx.is_head();
    let http2 = ctx.request.req().version() >= Version::HTTP_2;
    let res = ctx.res();
    if res.writable_ended() {
        return Ok(());
    }
    let status = res.status_code;
    match body {
        _ if statuses::is_empty(status) || is_head => res.end(Bytes::new()).await?,
        Body::None | Body::Null if explicit_null => res.end(Bytes::new()).await?,
        Body::None | Body::Null => {
            let message = res
                .status_message
                .as_deref()
                .or_else(|| statuses::message(status));
            let text = status_text(status, message, http2);
            res.end(text).await?
        }
        Body::Text(text) => res.end(text).await?,
        Body::Bytes(bytes) => res.end(bytes).await?,
        Body::Json(value) => res.end(serde_json::to_vec(&value)?).await?,
        Body::Stream(mut stream) | Body::File(crate::response::FileBody { mut stream, .. }) => {
            while let Some(chunk) = stream.next().await {
                res.write(chunk?).await?;
            }
            res.end(Bytes::new()).await?;
        }
    }
    Ok(())
}

/// The response after `ctx.onerror` wrote an error into `ctx.response`.
pub(crate) async fn error_response(ctx: &mut Context) -> Flow {
    let body = match ctx.response.take_body() {
        Body::Text(text) => ResponseBody::full(Bytes::from(text)),
        _ => ResponseBody::empty(),
    };
    build(ctx, body)
}

/// hyper's response from `ctx.response`'s status, reason phrase and headers.
fn build(ctx: &mut Context, body: ResponseBody) -> Flow {
    let status =
        StatusCode::from_u16(ctx.response.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let reason = match ctx.response.explicit_message() {
        Some(message) if Some(message) != status.canonical_reason() => {
            hyper::ext::ReasonPhrase::try_from(message.as_bytes()).ok()
        }
        Some(_) => None,
        None => node_reason_override(status)
            .map(|phrase| hyper::ext::ReasonPhrase::from_static(phrase.as_bytes())),
    };
    let mut response = HttpResponse::new(body);
    *response.status_mut() = status;
    *response.headers_mut() = ctx.response.take_headers();
    if let Some(reason) = reason {
        response.extensions_mut().insert(reason);
    }
    Flow::Response(response)
}
