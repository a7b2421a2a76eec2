//! `IncomingMessage`: the request half of Node's `(req, res)` pair.
//!
//! Node builds one per request in
//! [`lib/_http_incoming.js`](https://github.com/nodejs/node/blob/v20.20.2/lib/_http_incoming.js)
//! and fills it from its C parser: `method`, `url` (the request target exactly as sent),
//! `httpVersion`, and `headers` with lower-cased names. The body is a readable stream the
//! handler may consume with `for await (const chunk of req)` or ignore.
//!
//! Ours wraps hyper's [`Request<Incoming>`]. hyper already lower-cases header names (the
//! `http` crate stores them that way) and keeps repeated headers, so `headers()` needs no
//! copy. The body stays a stream: [`chunk`](IncomingMessage::chunk) is Node's async
//! iterator, and [`collect`](IncomingMessage::collect) is what `raw-body` does for Koa's
//! body parsers — read it all, but never past a limit.
//!
//! A body nobody reads is not left on the wire: when the handler lets go of the request,
//! the rest of the body is read and thrown away in the background, as Node's server
//! does (`req._dump()` in `lib/_http_server.js`). Otherwise a client that sends its whole
//! body before reading (most do) would find the connection closed under it and never
//! see the answer — say, a `413` sent after one look at `Content-Length`. Unlike Node we
//! stop after [`DRAIN_LIMIT`] bytes or [`DRAIN_TIMEOUT`], so nobody can keep a server
//! reading forever.

use std::time::Duration;

use std::net::SocketAddr;

use bytes::{Bytes, BytesMut};
use http::{HeaderMap, Method, Request, Uri, Version};
use http_body_util::BodyExt;
use hyper::body::Incoming;

use crate::error::BodyError;

/// How much of an unread body is read and dropped before giving up on the connection.
pub const DRAIN_LIMIT: u64 = 64 * 1024 * 1024;

/// How long an unread body may take to drain before giving up on the connection.
pub const DRAIN_TIMEOUT: Duration = Duration::from_secs(30);

/// A request as Node's `http` module hands it to a handler.
#[derive(Debug)]
pub struct IncomingMessage {
    /// Method, target, version and headers, as hyper parsed them.
    parts: http::request::Parts,
    /// The body, still on the wire until someone reads it.
    body: RequestBody,
    /// `req.url`: the target as sent, until a middleware rewrites it (Koa's `ctx.url =`).
    url: String,
    /// `req.socket.remoteAddress` and port, when the server knows them.
    remote: Option<SocketAddr>,
}

/// Where a request body comes from: the connection, or memory (a request made in a
/// test or by `app.createContext`, as Koa's own tests make them without a socket).
#[derive(Debug)]
enum RequestBody {
    /// Streaming in from hyper.
    Hyper(Incoming),
    /// All there already; `None` once read.
    Memory(Option<Bytes>),
}

impl IncomingMessage {
    /// Wraps a request that hyper parsed.
    pub fn new(request: Request<Incoming>) -> Self {
        Self::with_remote(request, None)
    }

    /// Wraps a request that arrived from `remote`.
    pub fn with_remote(request: Request<Incoming>, remote: Option<SocketAddr>) -> Self {
        let (parts, body) = request.into_parts();
        let url = url_of(&parts.uri);
        Self {
            parts,
            body: RequestBody::Hyper(body),
            url,
            remote,
        }
    }

    /// A request that never touched a socket, with its whole body in memory.
    pub fn from_memory(request: Request<Bytes>, remote: Option<SocketAddr>) -> Self {
        let (parts, body) = request.into_parts();
        let url = url_of(&parts.uri);
        Self {
            parts,
            body: RequestBody::Memory((!body.is_empty()).then_some(body)),
            url,
            remote,
        }
    }

    /// `req.method`: the request method, e.g. `GET`.
    pub fn method(&self) -> &Method {
        &self.parts.method
    }

    /// `req.url`: the request target as the client sent it — `/path?query` for the usual
    /// origin form, the whole URL for the absolute form a proxy receives.
    pub fn url(&self) -> String {
        self.url.clone()
    }

    /// `req.url`, borrowed.
    pub fn url_str(&self) -> &str {
        &self.url
    }

    /// `req.url = …`: rewrites the target (the parsed [`uri`](Self::uri) keeps the
    /// original, as Node's parser result would).
    pub fn set_url(&mut self, url: String) {
        self.url = url;
    }

    /// `req.method = …`.
    pub fn set_method(&mut self, method: Method) {
        self.parts.method = method;
    }

    /// `req.socket.remoteAddress` / `remotePort`.
    pub fn remote_address(&self) -> Option<SocketAddr> {
        self.remote
    }

    /// `req.socket.encrypted`: true on a TLS connection. This server speaks plain HTTP;
    /// TLS in front of it is a proxy's job, and Koa reads `X-Forwarded-Proto` for that.
    pub fn encrypted(&self) -> bool {
        false
    }

    /// The parsed request target, for code that wants its parts without re-parsing.
    pub fn uri(&self) -> &Uri {
        &self.parts.uri
    }

    /// `req.httpVersion`: `"1.1"`, `"1.0"`, …
    pub fn http_version(&self) -> &'static str {
        match self.parts.version {
            Version::HTTP_09 => "0.9",
            Version::HTTP_10 => "1.0",
            Version::HTTP_2 => "2.0",
            Version::HTTP_3 => "3.0",
            _ => "1.1",
        }
    }

    /// The version as the `http` crate's enum.
    pub fn version(&self) -> Version {
        self.parts.version
    }

    /// `req.headers`: names lower-cased, repeated headers kept (Node joins most repeats with
    /// `, ` when you read them as a string; `get_all` gives every value here).
    pub fn headers(&self) -> &HeaderMap {
        &self.parts.headers
    }

    /// `req.headers`, mutably (Koa's `request.headers = …`).
    pub fn headers_mut(&mut self) -> &mut HeaderMap {
        &mut self.parts.headers
    }

    /// The value of one header as text, like `req.headers[name]` for a single-valued header.
    /// `None` when absent or not valid UTF-8.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.parts.headers.get(name)?.to_str().ok()
    }

    // ANCHOR: chunk
    /// The next chunk of the body, as `for await (const chunk of req)` yields it; `None` at
    /// the end. Trailers are skipped.
    pub async fn chunk(&mut self) -> Option<Result<Bytes, BodyError>> {
        let body = match &mut self.body {
            RequestBody::Hyper(body) => body,
            RequestBody::Memory(bytes) => return bytes.take().map(Ok),
        };
        loop {
            match body.frame().await? {
                Ok(frame) => {
                    if let Ok(data) = frame.into_data() {
                        return Some(Ok(data));
                    }
                }
                Err(error) => return Some(Err(BodyError::Aborted(error))),
            }
        }
    }
    // ANCHOR_END: chunk

    // ANCHOR: collect
    /// Reads the whole body, refusing more than `limit` bytes.
    ///
    /// Like `raw-body`, it refuses early when `Content-Length` already announces too much,
    /// and otherwise stops reading as soon as the limit is passed, so a hostile client
    /// cannot make us buffer more than `limit` bytes.
    pub async fn collect(&mut self, limit: usize) -> Result<Bytes, BodyError> {
        if let Some(announced) = self.content_length()
            && announced > limit as u64
        {
            return Err(BodyError::TooLarge {
                limit,
                received: announced,
            });
        }
        let mut buffer = BytesMut::new();
        while let Some(chunk) = self.chunk().await {
            let chunk = chunk?;
            if buffer.len() + chunk.len() > limit {
                return Err(BodyError::TooLarge {
                    limit,
                    received: (buffer.len() + chunk.len()) as u64,
                });
            }
            buffer.extend_from_slice(&chunk);
        }
        Ok(buffer.freeze())
    }
    // ANCHOR_END: collect

    /// The announced body length, when there is a valid `Content-Length`.
    fn content_length(&self) -> Option<u64> {
        self.header("content-length")?.trim().parse().ok()
    }

    /// Gives back hyper's request, for code that leaves the Node shape behind (`None`
    /// for a request made in memory).
    pub fn into_inner(mut self) -> Option<Request<Incoming>> {
        match std::mem::replace(&mut self.body, RequestBody::Memory(None)) {
            RequestBody::Hyper(body) => {
                let parts = std::mem::replace(&mut self.parts, Request::new(()).into_parts().0);
                Some(Request::from_parts(parts, body))
            }
            RequestBody::Memory(_) => None,
        }
    }
}

impl Drop for IncomingMessage {
    /// Node's `req._dump()`: read what is left of the body and drop it, in the
    /// background and within bounds (see the module docs).
    fn drop(&mut self) {
        let RequestBody::Hyper(body) = std::mem::replace(&mut self.body, RequestBody::Memory(None))
        else {
            return;
        };
        if http_body::Body::is_end_stream(&body) {
            return;
        }
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(drain(body));
        }
    }
}

/// Reads and drops a body until its end, [`DRAIN_LIMIT`] or [`DRAIN_TIMEOUT`].
async fn drain(mut body: Incoming) {
    let mut seen = 0u64;
    let _ = tokio::time::timeout(DRAIN_TIMEOUT, async {
        while let Some(Ok(frame)) = body.frame().await {
            if let Ok(data) = frame.into_data() {
                seen += data.len() as u64;
                if seen > DRAIN_LIMIT {
                    break;
                }
            }
        }
    })
    .await;
}

/// Node's `req.url` from a parsed target: the path and query for origin form, the whole
/// target otherwise.
fn url_of(uri: &Uri) -> String {
    if uri.scheme().is_some() {
        uri.to_string()
    } else if let Some(path_and_query) = uri.path_and_query() {
        path_and_query.as_str().to_owned()
    } else {
        // `OPTIONS *` and CONNECT's authority form.
        uri.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_keeps_the_target_as_sent() {
        let origin: Uri = "/a/b?x=1&y".parse().unwrap();
        assert_eq!(url_of(&origin), "/a/b?x=1&y");
        let absolute: Uri = "http://example.com/a?b".parse().unwrap();
        assert_eq!(url_of(&absolute), "http://example.com/a?b");
        let star: Uri = "*".parse().unwrap();
        assert_eq!(url_of(&star), "*");
    }
}
