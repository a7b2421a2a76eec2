//! `ServerResponse`: the response half of Node's `(req, res)` pair.
//!
//! Node's `ServerResponse`
//! ([`lib/_http_server.js`](https://github.com/nodejs/node/blob/v20.20.2/lib/_http_server.js),
//! on top of `OutgoingMessage` in
//! [`lib/_http_outgoing.js`](https://github.com/nodejs/node/blob/v20.20.2/lib/_http_outgoing.js))
//! collects a status and headers, then sends the *head* (status line and headers) the
//! first time the handler writes, calls `writeHead` or `flushHeaders`, or ends. After that
//! headers are frozen (`ERR_HTTP_HEADERS_SENT`).
//!
//! How the body is framed follows Node's `_storeHeader`:
//! - `res.end(data)` before anything was written → the whole body is known, so the head
//!   carries `Content-Length` (we hand hyper a full body with an exact size);
//! - `res.write(…)` first → the length is unknown → `Transfer-Encoding: chunked` on
//!   HTTP/1.1, or no framing and a closed connection on HTTP/1.0 (a streamed body);
//! - an explicit `Content-Length` header always wins;
//! - HEAD requests and 204/304 responses carry no body: writes are ignored, as in Node.
//!
//! **What if a handler returns without `end()`?** Node leaves the client waiting until a
//! timeout fires, a classic bug. Rust can see the moment nobody can write any more: when
//! the `ServerResponse` is dropped. If the handler finished normally we then end the
//! response as it stands; if it failed or panicked we send a 500 (head not yet sent) or
//! abort the connection (head already sent), so the client never waits for nothing.

use bytes::Bytes;
use http::{HeaderMap, HeaderName, HeaderValue, Method, Response, StatusCode, Version};
use tokio::sync::{mpsc, oneshot};

use crate::body::{BodyMessage, ResponseBody};
use crate::error::ResponseError;
use crate::status_codes::node_reason_override;

/// What the response tells the server about its head.
#[derive(Debug)]
pub(crate) enum Head {
    /// The handler sent the head: this response goes out as it is.
    Sent(Response<ResponseBody>),
    /// The handler dropped the response without sending the head; the server decides from
    /// how the handler ended (fine → send this; failed or panicked → 500).
    Dropped(Response<ResponseBody>),
}

// ANCHOR: fields
/// A response being written by a handler, shaped like Node's `ServerResponse`.
#[derive(Debug)]
pub struct ServerResponse {
    /// `res.statusCode`: read when the head is sent, and validated then, as in Node.
    pub status_code: u16,
    /// `res.statusMessage`: the reason phrase; `None` means Node's default for the code.
    pub status_message: Option<String>,
    /// The headers not yet sent. Names are stored lower-cased; hyper writes them in
    /// title case on HTTP/1 (`content-type` → `Content-Type`), close to what Node shows.
    headers: HeaderMap,
    /// Where the head goes; `None` once it has been sent.
    head: Option<oneshot::Sender<Head>>,
    /// Where streamed chunks go. The server keeps a second sender of the same channel,
    /// so the stream only ends cleanly when the handler called `end()` or returned well.
    body: mpsc::Sender<BodyMessage>,
    /// The other end of `body`, until a streamed head takes it for hyper.
    receiver: Option<mpsc::Receiver<BodyMessage>>,
    /// The head went out with a streamed body, so chunks travel down `body`.
    streaming: bool,
    /// Node's `_hasBody`: false for HEAD requests (and, once the head is sent, for
    /// 1xx/204/304 statuses), so written bytes are dropped.
    has_body: bool,
    /// Node's `writableEnded`: `end()` was called.
    ended: bool,
    /// Node's `useChunkedEncodingByDefault`: false for an HTTP/1.0 request, where an
    /// unknown-length body is delimited by closing the connection.
    chunked_allowed: bool,
}
// ANCHOR_END: fields

impl ServerResponse {
    /// A fresh response (status 200, no headers) for a request with this method and version.
    pub(crate) fn new(
        head: oneshot::Sender<Head>,
        (body, receiver): (mpsc::Sender<BodyMessage>, mpsc::Receiver<BodyMessage>),
        method: &Method,
        version: Version,
    ) -> Self {
        Self {
            status_code: 200,
            status_message: None,
            headers: HeaderMap::new(),
            head: Some(head),
            body,
            receiver: Some(receiver),
            streaming: false,
            has_body: method != Method::HEAD,
            ended: false,
            chunked_allowed: version >= Version::HTTP_11,
        }
    }

    /// `res.setHeader(name, value)`: replaces any value the header had.
    pub fn set_header(&mut self, name: &str, value: impl AsRef<str>) -> Result<(), ResponseError> {
        let (name, value) = self.checked(name, value.as_ref())?;
        self.headers.insert(name, value);
        Ok(())
    }

    /// `res.setHeader(name, [v1, v2])`: the header sent once per value (`Set-Cookie`).
    pub fn set_header_values<V: AsRef<str>>(
        &mut self,
        name: &str,
        values: &[V],
    ) -> Result<(), ResponseError> {
        let name = self.checked_name(name)?;
        let values = values
            .iter()
            .map(|value| checked_value(&name, value.as_ref()))
            .collect::<Result<Vec<_>, _>>()?;
        self.headers.remove(&name);
        for value in values {
            self.headers.append(name.clone(), value);
        }
        Ok(())
    }

    /// `res.appendHeader(name, value)`: adds a value, keeping those already set.
    pub fn append_header(
        &mut self,
        name: &str,
        value: impl AsRef<str>,
    ) -> Result<(), ResponseError> {
        let (name, value) = self.checked(name, value.as_ref())?;
        self.headers.append(name, value);
        Ok(())
    }

    /// `res.getHeader(name)`: the first value, as text (`None` if absent or not UTF-8).
    pub fn get_header(&self, name: &str) -> Option<&str> {
        self.headers.get(name)?.to_str().ok()
    }

    /// Every value of a header, in the order they were set.
    pub fn get_header_values(&self, name: &str) -> Vec<&str> {
        self.headers
            .get_all(name)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .collect()
    }

    /// `res.hasHeader(name)`, case-insensitive.
    pub fn has_header(&self, name: &str) -> bool {
        self.headers.contains_key(name)
    }

    /// `res.removeHeader(name)`. Like Node, refused once the head is sent.
    pub fn remove_header(&mut self, name: &str) -> Result<(), ResponseError> {
        if self.headers_sent() {
            return Err(ResponseError::HeadersSent);
        }
        self.headers.remove(name);
        Ok(())
    }

    /// `res.getHeaderNames()`: the lower-cased names, each once.
    pub fn header_names(&self) -> Vec<&str> {
        self.headers.keys().map(HeaderName::as_str).collect()
    }

    /// `res.getHeaders()`: every header not yet sent.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The headers not yet sent, for code in this crate that fills them in bulk (Koa's
    /// response writes its headers into `res`; see `context.rs`).
    pub(crate) fn headers_mut(&mut self) -> &mut HeaderMap {
        &mut self.headers
    }

    /// `res.headersSent`: the head has left (or is leaving) for the client.
    pub fn headers_sent(&self) -> bool {
        self.head.is_none()
    }

    /// `res.writableEnded`: `end()` has been called.
    pub fn writable_ended(&self) -> bool {
        self.ended
    }

    /// `res.writeHead(status, [message], headers)`: sets the status and more headers and
    /// sends the head now, with a streamed body to follow.
    pub async fn write_head(
        &mut self,
        status: u16,
        message: Option<&str>,
        headers: &[(&str, &str)],
    ) -> Result<(), ResponseError> {
        if self.headers_sent() {
            return Err(ResponseError::HeadersSent);
        }
        for (name, value) in headers {
            self.set_header(name, value)?;
        }
        self.status_code = status;
        self.status_message = message.map(str::to_owned);
        self.send_streaming_head()
    }

    /// `res.flushHeaders()`: sends the head now; the body streams after it.
    pub fn flush_headers(&mut self) -> Result<(), ResponseError> {
        if self.headers_sent() {
            return Ok(());
        }
        self.send_streaming_head()
    }

    // ANCHOR: write
    /// `res.write(chunk)`: sends the head if needed, then the chunk.
    ///
    /// Waits while the client is slower than the handler (Node's backpressure), and fails
    /// with [`ResponseError::ClientGone`] when the client has gone.
    pub async fn write(&mut self, chunk: impl Into<Bytes>) -> Result<(), ResponseError> {
        if self.ended {
            return Err(ResponseError::WriteAfterEnd);
        }
        if !self.headers_sent() {
            self.send_streaming_head()?;
        }
        let chunk = chunk.into();
        // An empty chunk would be read as the end of a chunked body; Node skips it too.
        if chunk.is_empty() || !self.has_body {
            return Ok(());
        }
        self.send(BodyMessage::Data(chunk)).await
    }
    // ANCHOR_END: write

    // ANCHOR: end
    /// `res.end(chunk)`: the last bytes (pass `Bytes::new()` for none), then the end.
    ///
    /// When nothing was sent before, the head carries `Content-Length`: Node's rule.
    pub async fn end(&mut self, chunk: impl Into<Bytes>) -> Result<(), ResponseError> {
        if self.ended {
            return Err(ResponseError::WriteAfterEnd);
        }
        let chunk = chunk.into();
        if !self.headers_sent() {
            let body = if !self.has_body || chunk.is_empty() {
                ResponseBody::empty()
            } else if self.chunked_allowed
                || self.headers.contains_key(http::header::CONTENT_LENGTH)
            {
                ResponseBody::full(chunk)
            } else {
                // HTTP/1.0 without chunking: Node sends the bytes and closes.
                self.send_streaming_head()?;
                self.send(BodyMessage::Data(chunk)).await?;
                return self.finish().await;
            };
            let response = self.build(body)?;
            self.ended = true;
            self.send_head(Head::Sent(response));
            return Ok(());
        }
        if !chunk.is_empty() && self.has_body {
            self.send(BodyMessage::Data(chunk)).await?;
        }
        self.finish().await
    }

    /// Marks the streamed body complete.
    async fn finish(&mut self) -> Result<(), ResponseError> {
        self.ended = true;
        self.send(BodyMessage::End).await
    }
    // ANCHOR_END: end

    /// Sends one message down the body channel.
    async fn send(&mut self, message: BodyMessage) -> Result<(), ResponseError> {
        if !self.streaming {
            // The head went out with an empty body (HEAD, 204, 304): nothing to stream.
            return Ok(());
        }
        self.body
            .send(message)
            .await
            .map_err(|_| ResponseError::ClientGone)
    }

    // ANCHOR: streaming_head
    /// Sends the head with a streamed body behind it.
    fn send_streaming_head(&mut self) -> Result<(), ResponseError> {
        let status = self.status()?;
        if !response_may_have_body(status) {
            self.has_body = false;
        }
        let body = match self.receiver.take() {
            Some(receiver) if self.has_body => {
                self.streaming = true;
                ResponseBody::stream(receiver)
            }
            _ => ResponseBody::empty(),
        };
        let response = self.build(body)?;
        self.send_head(Head::Sent(response));
        Ok(())
    }
    // ANCHOR_END: streaming_head

    /// Validates the status as Node does when it writes the head.
    fn status(&self) -> Result<StatusCode, ResponseError> {
        // Node accepts 100..=999, exactly what `StatusCode::from_u16` accepts.
        StatusCode::from_u16(self.status_code)
            .map_err(|_| ResponseError::InvalidStatusCode(self.status_code))
    }

    /// Builds hyper's response from the status, message and headers gathered so far.
    fn build(&mut self, body: ResponseBody) -> Result<Response<ResponseBody>, ResponseError> {
        let status = self.status()?;
        let reason = match &self.status_message {
            Some(message) => Some(
                hyper::ext::ReasonPhrase::try_from(message.as_bytes())
                    .map_err(|_| ResponseError::InvalidStatusMessage)?,
            ),
            None => node_reason_override(status)
                .map(|phrase| hyper::ext::ReasonPhrase::from_static(phrase.as_bytes())),
        };
        let mut response = Response::new(body);
        *response.status_mut() = status;
        *response.headers_mut() = std::mem::take(&mut self.headers);
        if let Some(reason) = reason {
            response.extensions_mut().insert(reason);
        }
        Ok(response)
    }

    /// Hands the head to the server (it stops waiting and gives it to hyper).
    fn send_head(&mut self, head: Head) {
        if let Some(sender) = self.head.take() {
            // The server side only goes away when the connection is gone; nothing to do.
            let _ = sender.send(head);
        }
    }

    /// Checks a header name and value the way Node's `validateHeaderName` and
    /// `validateHeaderValue` do, and refuses once the head is sent.
    fn checked(&self, name: &str, value: &str) -> Result<(HeaderName, HeaderValue), ResponseError> {
        let name = self.checked_name(name)?;
        let value = checked_value(&name, value)?;
        Ok((name, value))
    }

    fn checked_name(&self, name: &str) -> Result<HeaderName, ResponseError> {
        if self.headers_sent() {
            return Err(ResponseError::HeadersSent);
        }
        HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| ResponseError::InvalidHeaderName(name.to_owned()))
    }
}

/// A header value Node would accept: no CR, LF, NUL or other control bytes.
fn checked_value(name: &HeaderName, value: &str) -> Result<HeaderValue, ResponseError> {
    HeaderValue::from_str(value).map_err(|_| ResponseError::InvalidHeaderValue(name.to_string()))
}

// ANCHOR: may_have_body
/// Node's rule: 1xx, 204 and 304 responses never carry a body.
fn response_may_have_body(status: StatusCode) -> bool {
    !(status.is_informational()
        || status == StatusCode::NO_CONTENT
        || status == StatusCode::NOT_MODIFIED)
}
// ANCHOR_END: may_have_body

// ANCHOR: drop
impl Drop for ServerResponse {
    /// The handler let go of the response. See the module docs for why this ends it.
    fn drop(&mut self) {
        if self.head.is_some() {
            // Head never sent: give the server what we have; it sends this if the
            // handler finished well, and a 500 if it failed or panicked.
            let response = self.build(ResponseBody::empty()).unwrap_or_else(|_| {
                let mut response = Response::new(ResponseBody::empty());
                *response.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
                response
            });
            self.send_head(Head::Dropped(response));
        }
        // A streamed body without `end()`: our sender just goes away. The server still
        // holds its own and sends `End` if the handler finished well, or drops it unsent
        // on failure, which aborts the connection.
    }
}
// ANCHOR_END: drop
