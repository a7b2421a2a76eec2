//! Properties of the compressor: whatever the body and however its stream is cut into
//! chunks — with pauses between chunks, which make the encoder flush — decoding what
//! [`encode`] produced gives the body back, for gzip, deflate (zlib framing checked) and
//! br. And a stream is compressed as it flows: each piece can be decoded by the client
//! before the next piece exists.

use std::io;
use std::pin::Pin;
use std::task::{Context as TaskContext, Poll};
use std::time::Duration;

use async_compression::Level;
use async_compression::tokio::bufread::{BrotliDecoder, DeflateDecoder, GzipDecoder};
use bytes::Bytes;
use chapter_04::BodyStream;
use chapter_04::compress::{Encoding, encode};
use futures_util::{Stream, StreamExt, TryStreamExt};
use proptest::prelude::*;
use tokio::io::{AsyncRead, AsyncReadExt};
use tokio::sync::mpsc;
use tokio_util::io::StreamReader;

/// How long any one wait in these tests may take.
const WAIT: Duration = Duration::from_secs(10);

/// A stream of `chunks` that, before each chunk whose `pauses` flag is set, first says
/// "not ready" once (waking itself at once) — as a slow source would.
struct Stutter {
    /// The chunks still to come, each with its pause flag.
    chunks: std::vec::IntoIter<(Bytes, bool)>,
    /// The chunk held back by a pause.
    held: Option<Bytes>,
}

impl Stream for Stutter {
    type Item = Result<Bytes, io::Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut TaskContext<'_>) -> Poll<Option<Self::Item>> {
        if let Some(chunk) = self.held.take() {
            return Poll::Ready(Some(Ok(chunk)));
        }
        match self.chunks.next() {
            None => Poll::Ready(None),
            Some((chunk, false)) => Poll::Ready(Some(Ok(chunk))),
            Some((chunk, true)) => {
                self.held = Some(chunk);
                cx.waker().wake_by_ref();
                Poll::Pending
            }
        }
    }
}

/// `body` cut at `cuts` (positions, any order, duplicates giving empty chunks), each
/// chunk preceded by a pause when its flag in `pauses` is set.
fn chunked(body: &[u8], cuts: &[usize], pauses: &[bool]) -> BodyStream {
    let mut cuts: Vec<usize> = cuts.iter().map(|cut| cut % (body.len() + 1)).collect();
    cuts.push(0);
    cuts.push(body.len());
    cuts.sort_unstable();
    let chunks: Vec<(Bytes, bool)> = cuts
        .windows(2)
        .enumerate()
        .map(|(i, pair)| {
            let chunk = Bytes::copy_from_slice(&body[pair[0]..pair[1]]);
            (chunk, pauses.get(i).copied().unwrap_or(false))
        })
        .collect();
    Box::pin(Stutter {
        chunks: chunks.into_iter(),
        held: None,
    })
}

/// Everything a stream yields, joined.
async fn collect(stream: BodyStream) -> Vec<u8> {
    let chunks: Vec<Bytes> = stream.try_collect().await.expect("no error");
    chunks.concat()
}

/// Adler-32 the slow, obvious way.
fn naive_adler32(data: &[u8]) -> u32 {
    let (mut a, mut b) = (1u32, 0u32);
    for &byte in data {
        a = (a + u32::from(byte)) % 65_521;
        b = (b + a) % 65_521;
    }
    (b << 16) | a
}

/// Decodes a whole compressed body; for deflate, checks the zlib header and trailer.
async fn decode(encoding: Encoding, body: &[u8]) -> io::Result<Vec<u8>> {
    let mut out = Vec::new();
    match encoding {
        Encoding::Gzip => GzipDecoder::new(body).read_to_end(&mut out).await?,
        Encoding::Br => BrotliDecoder::new(body).read_to_end(&mut out).await?,
        Encoding::Deflate => {
            if body.len() < 6
                || body[0] != 0x78
                || !u16::from_be_bytes([body[0], body[1]]).is_multiple_of(31)
            {
                return Err(io::Error::other("bad zlib header"));
            }
            let (data, trailer) = body[2..].split_at(body.len() - 6);
            DeflateDecoder::new(data).read_to_end(&mut out).await?;
            if trailer != naive_adler32(&out).to_be_bytes() {
                return Err(io::Error::other("bad Adler-32 trailer"));
            }
            out.len()
        }
    };
    Ok(out)
}

/// One tokio runtime for the property bodies.
fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .expect("a runtime")
}

/// A coding and a level for it, within the levels each one has.
fn coding() -> impl Strategy<Value = (Encoding, Level)> {
    prop_oneof![
        Just((Encoding::Gzip, Level::Default)),
        Just((Encoding::Deflate, Level::Default)),
        Just((Encoding::Br, Level::Precise(4))),
        (0..=9i32).prop_map(|q| (Encoding::Gzip, Level::Precise(q))),
        (0..=9i32).prop_map(|q| (Encoding::Deflate, Level::Precise(q))),
        (0..=6i32).prop_map(|q| (Encoding::Br, Level::Precise(q))),
    ]
}

/// Bodies: mostly bytes of a small alphabet (compressible, like text), sometimes any
/// bytes (incompressible), from empty to 20 KiB.
fn body() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        proptest::collection::vec(
            prop_oneof![Just(b'a'), Just(b'b'), Just(b' '), Just(b'\n'), any::<u8>()],
            0..20_000
        ),
        proptest::collection::vec(any::<u8>(), 0..4_000),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn decompress_of_compress_is_the_body(
        (encoding, level) in coding(),
        body in body(),
        cuts in proptest::collection::vec(any::<usize>(), 0..24),
        pauses in proptest::collection::vec(any::<bool>(), 0..26),
    ) {
        let rt = runtime();
        let decoded = rt.block_on(async {
            let compressed = collect(encode(chunked(&body, &cuts, &pauses), encoding, level)).await;
            decode(encoding, &compressed).await
        });
        prop_assert_eq!(decoded.expect("decodable"), body);
    }
}

/// A body stream fed by the test through a channel.
fn channel_stream() -> (mpsc::Sender<Bytes>, BodyStream) {
    let (tx, rx) = mpsc::channel::<Bytes>(4);
    let stream = futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|chunk| (Ok(chunk), rx))
    });
    (tx, Box::pin(stream))
}

/// The client side of a compressed stream: compressed bytes go in through a channel,
/// decoded bytes come out.
fn client_decoder(encoding: Encoding) -> (mpsc::Sender<Bytes>, Pin<Box<dyn AsyncRead + Send>>) {
    let (tx, compressed) = channel_stream();
    let reader = StreamReader::new(compressed);
    let decoder: Pin<Box<dyn AsyncRead + Send>> = match encoding {
        Encoding::Gzip => Box::pin(GzipDecoder::new(reader)),
        Encoding::Br => Box::pin(BrotliDecoder::new(reader)),
        Encoding::Deflate => Box::pin(DeflateDecoder::new(reader)),
    };
    (tx, decoder)
}

#[tokio::test]
async fn a_stream_is_compressed_as_it_flows() {
    for encoding in [Encoding::Gzip, Encoding::Deflate, Encoding::Br] {
        let level = match encoding {
            Encoding::Br => Level::Precise(4),
            _ => Level::Default,
        };
        let (source, body) = channel_stream();
        let mut compressed = encode(body, encoding, level);
        let (to_client, mut client) = client_decoder(encoding);
        let mut first = true;
        for piece in ["data: one\n\n", "data: two\n\n", "data: three\n\n"] {
            source
                .send(Bytes::from_static(piece.as_bytes()))
                .await
                .unwrap();
            // The source now has nothing more: what was compressed must come out,
            // and the client must be able to decode the whole piece from it.
            let mut out = tokio::time::timeout(WAIT, compressed.next())
                .await
                .expect("compressed output before the next piece exists")
                .expect("the stream goes on")
                .expect("no error");
            if first && encoding == Encoding::Deflate {
                assert_eq!(&out[..2], [0x78, 0x9c], "zlib header first");
                out = out.slice(2..);
            }
            first = false;
            to_client.send(out).await.unwrap();
            let mut decoded = vec![0u8; piece.len()];
            tokio::time::timeout(WAIT, client.read_exact(&mut decoded))
                .await
                .expect("the piece decodes before the next exists")
                .expect("decodable");
            assert_eq!(decoded, piece.as_bytes(), "{encoding}");
        }
        drop(source);
        let rest: Vec<Bytes> = tokio::time::timeout(WAIT, compressed.try_collect())
            .await
            .expect("the stream ends")
            .expect("no error");
        let mut rest = rest.concat();
        if encoding == Encoding::Deflate {
            let trailer = rest.split_off(rest.len() - 4);
            let all = "data: one\n\ndata: two\n\ndata: three\n\n";
            assert_eq!(trailer, naive_adler32(all.as_bytes()).to_be_bytes());
        }
        to_client.send(Bytes::from(rest)).await.unwrap();
        drop(to_client);
        let mut tail = Vec::new();
        tokio::time::timeout(WAIT, client.read_to_end(&mut tail))
            .await
            .expect("the client reaches the end")
            .expect("a complete stream");
        assert!(tail.is_empty(), "{encoding}: nothing after the last piece");
    }
}

#[tokio::test]
async fn an_error_from_the_source_comes_out_unchanged_and_ends_the_stream() {
    for encoding in [Encoding::Gzip, Encoding::Deflate, Encoding::Br] {
        let failing: BodyStream = Box::pin(futures_util::stream::iter([
            Ok(Bytes::from_static(b"some bytes")),
            Err(io::Error::new(io::ErrorKind::NotFound, "gone")),
            Ok(Bytes::from_static(b"never")),
        ]));
        let items: Vec<_> = encode(failing, encoding, Level::Default).collect().await;
        let error = items
            .iter()
            .find_map(|item| item.as_ref().err())
            .expect("the error comes out");
        assert_eq!(error.kind(), io::ErrorKind::NotFound, "{encoding}");
        assert!(
            items.last().unwrap().is_err(),
            "{encoding}: nothing after the error"
        );
    }
}

#[tokio::test]
async fn a_source_that_fails_at_once_fails_before_any_byte() {
    for encoding in [Encoding::Gzip, Encoding::Deflate, Encoding::Br] {
        let failing: BodyStream = Box::pin(futures_util::stream::once(async {
            Err::<Bytes, _>(io::Error::from(io::ErrorKind::NotFound))
        }));
        let mut stream = encode(failing, encoding, Level::Default);
        let first = stream.next().await.expect("an item");
        assert_eq!(
            first.unwrap_err().kind(),
            io::ErrorKind::NotFound,
            "{encoding}"
        );
    }
}
