//! The errors a handler can meet, with Node's messages where Node has one.
//!
//! Node throws these from `ServerResponse` methods (see
//! [`lib/internal/errors.js`](https://github.com/nodejs/node/blob/v20.20.2/lib/internal/errors.js),
//! codes `ERR_HTTP_HEADERS_SENT`, `ERR_INVALID_HTTP_TOKEN`, `ERR_INVALID_CHAR`,
//! `ERR_HTTP_INVALID_STATUS_CODE`, `ERR_STREAM_WRITE_AFTER_END`). In Rust they come back as
//! values, so a handler decides with `?` whether a mistake ends the request. The messages
//! are Node's, word for word, so a reader can search for them in both sources.

// ANCHOR: response_error
/// Something a handler asked of a [`ServerResponse`](crate::ServerResponse) that cannot be done.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ResponseError {
    /// Node's `ERR_HTTP_HEADERS_SENT`: the head is already on the wire.
    #[error("Cannot set headers after they are sent to the client")]
    HeadersSent,
    /// Node's `ERR_INVALID_HTTP_TOKEN`: a header name with a character a token cannot hold.
    #[error("Header name must be a valid HTTP token [\"{0}\"]")]
    InvalidHeaderName(String),
    /// Node's `ERR_INVALID_CHAR`: a header value with CR, LF, NUL or another control byte.
    #[error("Invalid character in header content [\"{0}\"]")]
    InvalidHeaderValue(String),
    /// Node's `ERR_INVALID_CHAR` for a status message with CR, LF or another control byte.
    #[error("Invalid character in statusMessage")]
    InvalidStatusMessage,
    /// Node's `ERR_HTTP_INVALID_STATUS_CODE`: a status outside 100..=999.
    #[error("Invalid status code: {0}")]
    InvalidStatusCode(u16),
    /// Node's `ERR_STREAM_WRITE_AFTER_END`: `write` or `end` after `end`.
    #[error("write after end")]
    WriteAfterEnd,
    /// The client went away (or the connection failed) before the body was written;
    /// Node reports this as the response's `'close'` event before `'finish'`.
    #[error("the client closed the connection before the response was finished")]
    ClientGone,
}
// ANCHOR_END: response_error

/// Why reading a request body stopped.
#[derive(Debug, thiserror::Error)]
pub enum BodyError {
    /// The body is larger than the limit the caller gave to
    /// [`IncomingMessage::collect`](crate::IncomingMessage::collect).
    #[error("request entity too large: limit is {limit} bytes, received at least {received}")]
    TooLarge {
        /// The limit that was exceeded, in bytes.
        limit: usize,
        /// How many bytes were seen (or announced by `Content-Length`) when we stopped.
        received: u64,
    },
    /// The connection failed or the client stopped sending mid-body (Node: `'aborted'`).
    #[error("request aborted: {0}")]
    Aborted(#[source] hyper::Error),
}
