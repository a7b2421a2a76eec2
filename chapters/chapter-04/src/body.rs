//! The response body: where Node's *push* meets hyper's *pull*.
//!
//! In Node the handler pushes: `res.write(chunk)` hands bytes to the socket whenever the
//! handler likes, and `res.end()` says there are no more
//! ([`lib/_http_outgoing.js`, `write_` and `end`](https://github.com/nodejs/node/blob/v20.20.2/lib/_http_outgoing.js)).
//! hyper pulls: it asks the response body for its next frame when the socket can take
//! it (`http_body::Body::poll_frame`). We join the two with a bounded channel. The
//! handler's [`ServerResponse`](crate::ServerResponse) holds the sending end and hyper
//! polls the receiving end through [`ResponseBody`]. Because the channel is bounded, a
//! `write` waits while the client is slow: that is Node's `write()` returning `false`
//! plus waiting for `'drain'`, made impossible to forget.
//!
//! A stream only ends cleanly on an explicit [`BodyMessage::End`]. If every sender goes
//! away without one (the handler panicked or failed after the head was sent) the body
//! yields an error, and hyper cuts the connection instead of pretending the truncated
//! body was complete.

use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use http_body::{Frame, SizeHint};
use tokio::sync::mpsc;

// ANCHOR: message
/// One message from the handler's side of the channel.
#[derive(Debug)]
pub(crate) enum BodyMessage {
    /// A chunk to send, as `res.write(chunk)`.
    Data(Bytes),
    /// The body is complete, as `res.end()`.
    End,
}

/// How many chunks may wait in the channel before `write` waits for the client.
pub(crate) const CHANNEL_CHUNKS: usize = 8;
// ANCHOR_END: message

/// The body of every response our server sends.
pub struct ResponseBody {
    /// Which of the four shapes this body has.
    kind: Kind,
}

// ANCHOR: kind
enum Kind {
    /// Nothing (HEAD, 204, 304, or `end()` with no data).
    Empty,
    /// All the bytes were known when the head was sent (`res.end(data)` before any
    /// `write`), so hyper can announce a `Content-Length`, as Node does.
    Full(Option<Bytes>),
    /// The handler streams with `write`: the length is unknown, so HTTP/1.1 uses chunked
    /// transfer encoding and HTTP/1.0 closes the connection at the end.
    Stream(mpsc::Receiver<BodyMessage>),
    /// A stream handed over whole (Koa's `ctx.body = stream`): hyper pulls from it
    /// directly, no channel needed. An error cuts the connection.
    Pull(crate::response::BodyStream),
}
// ANCHOR_END: kind

/// The error a streamed body ends with when the handler stopped without `end()` after a
/// failure: hyper aborts the connection so the client can tell the body is incomplete.
#[derive(Debug, thiserror::Error)]
#[error("the handler failed after the response head was sent")]
pub struct BodyAborted;

impl ResponseBody {
    /// A body with no bytes.
    pub fn empty() -> Self {
        Self { kind: Kind::Empty }
    }

    /// A body whose bytes are all known now.
    pub fn full(bytes: Bytes) -> Self {
        Self {
            kind: Kind::Full(Some(bytes)),
        }
    }

    /// A body pulled from a stream of chunks.
    pub fn stream_of(stream: crate::response::BodyStream) -> Self {
        Self {
            kind: Kind::Pull(stream),
        }
    }

    /// A body fed later through the channel whose receiver this is.
    pub(crate) fn stream(receiver: mpsc::Receiver<BodyMessage>) -> Self {
        Self {
            kind: Kind::Stream(receiver),
        }
    }
}

impl std::fmt::Debug for ResponseBody {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kind = match &self.kind {
            Kind::Empty => "Empty",
            Kind::Full(_) => "Full",
            Kind::Stream(_) => "Stream",
            Kind::Pull(_) => "Pull",
        };
        f.debug_struct("ResponseBody").field("kind", &kind).finish()
    }
}

impl http_body::Body for ResponseBody {
    type Data = Bytes;
    type Error = BodyAborted;

    // ANCHOR: poll_frame
    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BodyAborted>>> {
        match &mut self.kind {
            Kind::Empty => Poll::Ready(None),
            Kind::Full(bytes) => Poll::Ready(bytes.take().map(|b| Ok(Frame::data(b)))),
            Kind::Stream(receiver) => match receiver.poll_recv(cx) {
                Poll::Ready(Some(BodyMessage::Data(bytes))) => {
                    Poll::Ready(Some(Ok(Frame::data(bytes))))
                }
                Poll::Ready(Some(BodyMessage::End)) => {
                    self.kind = Kind::Empty;
                    Poll::Ready(None)
                }
                Poll::Ready(None) => Poll::Ready(Some(Err(BodyAborted))),
                Poll::Pending => Poll::Pending,
            },
            Kind::Pull(stream) => match stream.as_mut().poll_next(cx) {
                Poll::Ready(Some(Ok(bytes))) => Poll::Ready(Some(Ok(Frame::data(bytes)))),
                Poll::Ready(Some(Err(_))) => Poll::Ready(Some(Err(BodyAborted))),
                Poll::Ready(None) => {
                    self.kind = Kind::Empty;
                    Poll::Ready(None)
                }
                Poll::Pending => Poll::Pending,
            },
        }
    }
    // ANCHOR_END: poll_frame

    fn is_end_stream(&self) -> bool {
        match &self.kind {
            Kind::Empty => true,
            Kind::Full(bytes) => bytes.is_none(),
            Kind::Stream(_) | Kind::Pull(_) => false,
        }
    }

    fn size_hint(&self) -> SizeHint {
        match &self.kind {
            Kind::Empty => SizeHint::with_exact(0),
            Kind::Full(bytes) => SizeHint::with_exact(bytes.as_ref().map_or(0, |b| b.len() as u64)),
            Kind::Stream(_) | Kind::Pull(_) => SizeHint::default(),
        }
    }
}
