//! The compress middleware against koa-compress: the cases of its 5.1.1 test suite
//! (`__tests__/index.js`, `defaults.js`, `encodings.js`, `middleware.js`), re-derived
//! for 5.2.2's behaviour where the two differ, and the observed 5.2.2 decisions of the
//! chapter's specification. Every answer goes over a real socket; the main ones are
//! insta snapshots in which a compressed body is shown as its size and its decoded text.

mod common;

use std::time::Duration;

use async_compression::Level;
use async_compression::tokio::bufread::{BrotliDecoder, DeflateDecoder, GzipDecoder};
use bytes::Bytes;
use chapter_04::compress::{
    Compress, CompressExt, Encoding, NOT_ACCEPTABLE, ResponseOptions, encoding_quality, negotiate,
    parse_threshold,
};
use chapter_04::{Application, Body, Context, HttpError, Listening};
use common::{Parsed, exchange, normalise, parse_response};
use serde_json::json;
use tokio::io::AsyncReadExt;

/// A page of prose for the snapshots: 1,000-odd bytes that read well once decoded.
const PAGE: &str = "\
Compression is a trade: a little work on the server for fewer bytes on the wire.
The client lists the codings it can read in Accept-Encoding; the server picks one it can write, or none at all.
Small bodies are not worth the trouble, so anything under the threshold goes out as it is.
Images, archives and videos are compressed already, and the filter keeps them out.
A HEAD request has no body to shrink, a 204 or a 304 has none either, and a response that names a Content-Encoding of its own has been dealt with by someone else.
Everything else is fed through the encoder while it is produced, so the client sees the first compressed bytes long before the last ones are written.
Because the answer now depends on a request header, every response says so with Vary: Accept-Encoding, and a shared cache keeps one copy per coding instead of handing gzip to a client that never asked for it.
Content-Length goes away, since nobody knows the compressed size in advance, and the response is sent in chunks.
What arrives decodes to exactly what was sent.
";

/// The text most routes answer with: 2,048 bytes, like upstream's fixture string.
fn text() -> String {
    let line = "the quick brown fox jumps over the lazy dog, again and again\n";
    line.repeat(2048 / line.len() + 1)[..2048].to_owned()
}

/// `n` bytes of text (for the threshold boundary).
fn sized(n: usize) -> String {
    "abcdefghij".repeat(n / 10 + 1)[..n].to_owned()
}

/// The routes every test app shares, after the compress middleware.
async fn routes(ctx: &mut Context) -> Result<(), HttpError> {
    let path = ctx.path().to_owned();
    match path.as_str() {
        "/text" => ctx.set_body(text()),
        "/page" => ctx.set_body(PAGE),
        "/json" => ctx.set_body(json!({ "status": 200, "message": "ok", "data": text() })),
        "/small-json" => ctx.set_body(json!({ "a": 1 })),
        "/buffer" => {
            ctx.set_compress(true);
            ctx.set_body(Bytes::from(text()[..1024].to_owned()));
        }
        "/buffer-off" => {
            ctx.set_compress(false);
            ctx.set_body(Bytes::from(text()[..1024].to_owned()));
        }
        "/stream" => {
            ctx.set_type("application/javascript");
            ctx.set_body(Body::stream(futures_util::stream::unfold(
                0,
                |step| async move {
                    const PIECES: [&str; 3] =
                        ["let one = 1;\n", "let two = 2;\n", "let three = 3;\n"];
                    let piece = PIECES.get(step)?;
                    tokio::time::sleep(Duration::from_millis(5)).await;
                    Some((Ok(Bytes::from_static(piece.as_bytes())), step + 1))
                },
            )));
        }
        "/png" => {
            ctx.set_type("image/png");
            ctx.set_body(Bytes::from(vec![0u8; 2048]));
        }
        "/png-forced" => {
            ctx.set_compress(true);
            ctx.set_type("image/png");
            ctx.set_body(Bytes::from(vec![0u8; 2048]));
        }
        "/encoded" => {
            ctx.set("Content-Encoding", "identity")?;
            ctx.set_body("asdf");
        }
        "/cache-control" => {
            let value = ctx.get("X-Cache-Control").into_owned();
            ctx.set("Cache-Control", value)?;
            ctx.set_body(text());
        }
        "/1023" => ctx.set_body(sized(1023)),
        "/1024" => ctx.set_body(sized(1024)),
        "/small-forced" => {
            ctx.set_compress(true);
            ctx.set_body("ten bytes!");
        }
        "/small-options" => {
            ctx.set_compress(ResponseOptions::new().threshold(0));
            ctx.set_body("ten bytes!");
        }
        "/no-gzip-here" => {
            ctx.set_compress(ResponseOptions::new().gzip(None));
            ctx.set_body(text());
        }
        "/null" => ctx.set_body(Body::Null),
        "/partial" => {
            ctx.set_status(206)?;
            ctx.set("Content-Range", "bytes 0-2047/4096")?;
            ctx.set_body(text());
        }
        "/content-range" => {
            ctx.set("Content-Range", "bytes 0-2047/4096")?;
            ctx.set_body(text());
        }
        "/byteranges" => {
            ctx.set("Content-Type", "multipart/byteranges; boundary=x")?;
            ctx.set_body(text());
        }
        "/vary-origin" => {
            ctx.set("Vary", "Origin")?;
            ctx.set_body(text());
        }
        "/vary-append" => {
            ctx.vary("Origin")?;
            ctx.set_body(text());
        }
        "/throw" => ctx.throw((500, "boom"))?,
        "/missing" => {
            ctx.set_type("text/plain");
            ctx.set_body(Body::stream(futures_util::stream::once(async {
                Err::<Bytes, _>(std::io::Error::from(std::io::ErrorKind::NotFound))
            })));
        }
        "/not-found-with-body" => {
            ctx.set_status(404)?;
            ctx.set_body(text());
        }
        _ => {}
    }
    Ok(())
}

/// A server with `compress` in front of [`routes`].
async fn serve(compress: Compress) -> Listening {
    let mut app = Application::new();
    app.use_(compress).use_(routes);
    app.listen("127.0.0.1:0")
        .await
        .expect("bind a loopback port")
}

/// The request bytes for `method path` with `headers` (each `Name: value`).
fn request(method: &str, path: &str, headers: &[&str]) -> Vec<u8> {
    let mut text = format!("{method} {path} HTTP/1.1\r\nHost: x\r\n");
    for header in headers {
        text.push_str(header);
        text.push_str("\r\n");
    }
    text.push_str("Connection: close\r\n\r\n");
    text.into_bytes()
}

/// One exchange with a fresh server: the raw answer.
async fn raw(compress: Compress, method: &str, path: &str, headers: &[&str]) -> Vec<u8> {
    let server = serve(compress).await;
    let answer = exchange(server.local_addr(), &request(method, path, headers)).await;
    server.close().await;
    answer
}

/// One GET with the test client's usual `Accept-Encoding: gzip, deflate`.
async fn get(compress: Compress, path: &str) -> Parsed {
    parse_response(&raw(compress, "GET", path, &["Accept-Encoding: gzip, deflate"]).await)
}

/// One GET with the given `Accept-Encoding` line (or none).
async fn get_with(compress: Compress, path: &str, accept_encoding: Option<&str>) -> Parsed {
    let line = accept_encoding.map(|value| format!("Accept-Encoding: {value}"));
    let headers: Vec<&str> = line.iter().map(String::as_str).collect();
    parse_response(&raw(compress, "GET", path, &headers).await)
}

/// Decodes a body sent with `encoding`, checking the zlib framing of `deflate`.
async fn decode(encoding: &str, body: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    match encoding {
        "gzip" => GzipDecoder::new(body).read_to_end(&mut out).await,
        "br" => BrotliDecoder::new(body).read_to_end(&mut out).await,
        "deflate" => {
            assert!(body.len() >= 6, "too short for zlib: {body:?}");
            assert_eq!(body[0] & 0x0f, 8, "zlib method must be deflate");
            assert!(
                u16::from_be_bytes([body[0], body[1]]).is_multiple_of(31),
                "zlib header check"
            );
            let (data, trailer) = body[2..].split_at(body.len() - 6);
            let read = DeflateDecoder::new(data).read_to_end(&mut out).await;
            assert_eq!(
                trailer,
                naive_adler32(&out).to_be_bytes(),
                "Adler-32 trailer"
            );
            read
        }
        other => panic!("unexpected Content-Encoding {other}"),
    }
    .expect("a valid compressed body");
    out
}

/// Adler-32 the slow, obvious way, to check the encoder's zlib trailer independently.
fn naive_adler32(data: &[u8]) -> u32 {
    let (mut a, mut b) = (1u32, 0u32);
    for &byte in data {
        a = (a + u32::from(byte)) % 65_521;
        b = (b + a) % 65_521;
    }
    (b << 16) | a
}

/// The decoded body of a response (the body itself when it is not encoded).
async fn decoded(parsed: &Parsed) -> Vec<u8> {
    match parsed.header("content-encoding") {
        Some(encoding @ ("gzip" | "deflate" | "br")) => decode(encoding, &parsed.body).await,
        _ => parsed.body.clone(),
    }
}

/// How a snapshot shows a compressed body's size.
#[derive(Clone, Copy)]
enum Size {
    /// The exact number of compressed bytes (fixed bodies: deterministic).
    Shown,
    /// Not shown: a stream's flush points depend on timing.
    Hidden,
}

/// A request and its answer as a snapshot shows them: the head as sent, and a
/// compressed body as its size and decoded text.
async fn wire(request: &[u8], answer: &[u8], size: Size) -> String {
    let end = answer
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a complete head")
        + 4;
    let parsed = parse_response(answer);
    let body = match parsed.header("content-encoding") {
        Some(encoding @ ("gzip" | "deflate" | "br")) => {
            let text = decode(encoding, &parsed.body).await;
            let size = match size {
                Size::Shown => format!("{} bytes of {encoding}", parsed.body.len()),
                Size::Hidden => format!("{encoding} (size depends on timing)"),
            };
            format!(
                "[{size}, decoded to {} bytes:]\n{}",
                text.len(),
                String::from_utf8_lossy(&text)
            )
        }
        _ => normalise(&answer[end..]),
    };
    format!(
        ">>> sent\n{}\n<<< received\n{}{}",
        normalise(request),
        normalise(&answer[..end]),
        body
    )
}

/// Snapshots one exchange with a fresh server under `name`.
async fn snapshot(name: &str, compress: Compress, request: &[u8], size: Size) {
    let server = serve(compress).await;
    let answer = exchange(server.local_addr(), request).await;
    server.close().await;
    insta::assert_snapshot!(name, wire(request, &answer, size).await);
}

/// Asserts that a response went out compressed with `encoding` and decodes to `body`.
async fn assert_compressed(parsed: &Parsed, encoding: &str, body: &[u8]) {
    assert_eq!(parsed.status, 200);
    assert_eq!(parsed.header("content-encoding"), Some(encoding));
    assert_eq!(parsed.header("transfer-encoding"), Some("chunked"));
    assert_eq!(parsed.header("content-length"), None);
    assert_eq!(parsed.header("vary"), Some("Accept-Encoding"));
    assert_eq!(decoded(parsed).await, body);
}

/// Asserts that a response went out as it was, with its length and `Vary`.
fn assert_untouched(parsed: &Parsed, length: usize) {
    assert_eq!(parsed.header("content-encoding"), None);
    assert_eq!(parsed.header("transfer-encoding"), None);
    assert_eq!(
        parsed.header("content-length"),
        Some(length.to_string().as_str())
    );
    assert_eq!(parsed.header("vary"), Some("Accept-Encoding"));
    assert_eq!(parsed.body.len(), length);
}

// ---- koa-compress __tests__/index.js -------------------------------------------------

#[tokio::test]
async fn strings_are_compressed() {
    snapshot(
        "compress_string_gzip",
        Compress::new(),
        &request("GET", "/page", &["Accept-Encoding: gzip, deflate"]),
        Size::Shown,
    )
    .await;
    let parsed = get(Compress::new(), "/text").await;
    assert_compressed(&parsed, "gzip", text().as_bytes()).await;
}

#[tokio::test]
async fn strings_below_the_threshold_are_not_compressed() {
    let threshold = parse_threshold("1mb").unwrap();
    assert_eq!(threshold, 1_048_576);
    snapshot(
        "compress_below_threshold",
        Compress::new().threshold(threshold),
        &request("GET", "/page", &["Accept-Encoding: gzip, deflate"]),
        Size::Shown,
    )
    .await;
    assert_untouched(
        &get(Compress::new().threshold(threshold), "/text").await,
        2048,
    );
}

#[tokio::test]
async fn json_bodies_are_compressed_as_their_json_text() {
    let parsed = get(Compress::new(), "/json").await;
    let json = serde_json::to_vec(&json!({ "status": 200, "message": "ok", "data": text() }));
    assert_compressed(&parsed, "gzip", &json.unwrap()).await;
    assert!(
        parsed
            .header("content-type")
            .unwrap()
            .starts_with("application/json")
    );
}

#[tokio::test]
async fn json_bodies_below_the_threshold_are_not_compressed() {
    let parsed = get(Compress::new(), "/small-json").await;
    assert_untouched(&parsed, 7);
    assert_eq!(parsed.body, b"{\"a\":1}");
}

#[tokio::test]
async fn buffers_are_compressed() {
    let parsed = get(Compress::new(), "/buffer").await;
    assert_compressed(&parsed, "gzip", &text().as_bytes()[..1024]).await;
    assert_eq!(
        parsed.header("content-type"),
        Some("application/octet-stream")
    );
}

#[tokio::test]
async fn streams_are_compressed_whatever_their_size() {
    snapshot(
        "compress_stream",
        Compress::new(),
        &request("GET", "/stream", &["Accept-Encoding: gzip, deflate"]),
        Size::Hidden,
    )
    .await;
    let parsed = get(Compress::new(), "/stream").await;
    assert_compressed(
        &parsed,
        "gzip",
        b"let one = 1;\nlet two = 2;\nlet three = 3;\n",
    )
    .await;
}

#[tokio::test]
async fn forcing_compression_bypasses_the_filter() {
    // Upstream's `ctx.compress = true`, on a type the filter refuses.
    let parsed = get(Compress::new(), "/png-forced").await;
    assert_compressed(&parsed, "gzip", &[0u8; 2048]).await;
    assert_eq!(parsed.header("content-type"), Some("image/png"));
}

#[tokio::test]
async fn turning_compression_off_sends_the_body_as_it_is() {
    assert_untouched(&get(Compress::new(), "/buffer-off").await, 1024);
}

#[tokio::test]
async fn head_requests_are_not_compressed() {
    snapshot(
        "compress_head",
        Compress::new(),
        &request("HEAD", "/page", &["Accept-Encoding: gzip, deflate"]),
        Size::Shown,
    )
    .await;
}

#[tokio::test]
async fn sdch_in_accept_encoding_does_not_get_in_the_way() {
    let parsed = get_with(Compress::new(), "/text", Some("sdch, gzip, deflate")).await;
    assert_compressed(&parsed, "gzip", text().as_bytes()).await;
}

#[tokio::test]
async fn no_accept_encoding_means_identity_by_default() {
    for accept in [None, Some("")] {
        let parsed = get_with(Compress::new().threshold(0), "/buffer", accept).await;
        assert_untouched(&parsed, 1024);
    }
}

#[tokio::test]
async fn a_default_encoding_of_star_means_gzip() {
    let parsed = get_with(Compress::new().default_encoding("*"), "/text", None).await;
    assert_compressed(&parsed, "gzip", text().as_bytes()).await;
    let parsed = get_with(Compress::new().default_encoding("br"), "/text", None).await;
    assert_compressed(&parsed, "br", text().as_bytes()).await;
}

#[tokio::test]
async fn a_type_the_filter_refuses_is_sent_as_it_is() {
    let parsed = get(Compress::new(), "/png").await;
    assert_eq!(parsed.status, 200);
    assert_untouched(&parsed, 2048);
}

#[tokio::test]
async fn a_content_encoding_already_set_is_left_alone() {
    let parsed = get(Compress::new().threshold(0), "/encoded").await;
    assert_eq!(parsed.header("content-encoding"), Some("identity"));
    assert_eq!(parsed.body, b"asdf");
}

#[tokio::test]
async fn cache_control_no_transform_is_respected() {
    for value in [
        "no-transform",
        "public, no-transform",
        "no-transform, private",
        "no-transform , max-age=1000",
        "max-age=1000 , no-transform",
    ] {
        let header = format!("X-Cache-Control: {value}");
        let answer = raw(
            Compress::new(),
            "GET",
            "/cache-control",
            &["Accept-Encoding: gzip, deflate", &header],
        )
        .await;
        let parsed = parse_response(&answer);
        assert_untouched(&parsed, 2048);
        assert_eq!(parsed.header("cache-control"), Some(value));
    }
}

#[tokio::test]
async fn cache_control_without_a_whole_no_transform_is_compressed() {
    // `No-Transform` too: upstream's pattern is case-sensitive, and so are we.
    for value in [
        "not-no-transform",
        "public",
        "no-transform-thingy",
        "No-Transform",
    ] {
        let header = format!("X-Cache-Control: {value}");
        let answer = raw(
            Compress::new(),
            "GET",
            "/cache-control",
            &["Accept-Encoding: gzip, deflate", &header],
        )
        .await;
        assert_compressed(&parse_response(&answer), "gzip", text().as_bytes()).await;
    }
}

#[tokio::test]
async fn deflate_is_zlib_deflate() {
    snapshot(
        "compress_deflate",
        Compress::new(),
        &request("GET", "/page", &["Accept-Encoding: deflate"]),
        Size::Shown,
    )
    .await;
    let parsed = get_with(Compress::new(), "/text", Some("deflate")).await;
    assert_compressed(&parsed, "deflate", text().as_bytes()).await;
}

#[tokio::test]
async fn gzip_is_chosen_over_deflate() {
    let parsed = get_with(Compress::new(), "/text", Some("gzip, deflate")).await;
    assert_compressed(&parsed, "gzip", text().as_bytes()).await;
}

#[tokio::test]
async fn br_is_used_when_asked_for() {
    snapshot(
        "compress_br",
        Compress::new(),
        &request("GET", "/page", &["Accept-Encoding: br"]),
        Size::Shown,
    )
    .await;
    let parsed = get_with(Compress::new(), "/text", Some("br")).await;
    assert_compressed(&parsed, "br", text().as_bytes()).await;
}

#[tokio::test]
async fn a_disabled_br_falls_back_to_gzip() {
    let parsed = get_with(Compress::new().br(None), "/text", Some("gzip, deflate, br")).await;
    assert_compressed(&parsed, "gzip", text().as_bytes()).await;
}

// ---- __tests__/defaults.js -------------------------------------------------------------

#[test]
fn brotli_quality_defaults_to_4() {
    let compress = Compress::new();
    assert!(matches!(
        compress.level(Encoding::Br),
        Some(Level::Precise(4))
    ));
    assert!(matches!(
        compress.level(Encoding::Gzip),
        Some(Level::Default)
    ));
    assert!(matches!(
        compress.level(Encoding::Deflate),
        Some(Level::Default)
    ));
    assert_eq!(
        compress.preferred_encodings(),
        ["br", "gzip", "deflate", "identity"]
    );
    assert!(compress.br(None).level(Encoding::Br).is_none());
}

// ---- __tests__/encodings.js, re-derived for negotiator 1.1 -----------------------------

#[test]
fn q_values_are_read_per_coding() {
    let q = encoding_quality;
    for coding in ["br", "gzip", "deflate"] {
        assert_eq!(q("br, gzip, compress, deflate", coding), 1.0, "{coding}");
    }
    assert_eq!(q("br, *; q = 0.1", "br"), 1.0);
    assert_eq!(q("br, *; q = 0.1", "gzip"), 0.1);
    assert_eq!(q("br, *; q = 0.1", "deflate"), 0.1);
    assert_eq!(q("*, gzip;q=0", "gzip"), 0.0);
    assert_eq!(q("*, gzip;q=0", "deflate"), 1.0);
    assert_eq!(q("identity", "identity"), 1.0);
    let mixed = "gzip;q=0.8, identity;q=0.5, *;q=0.3";
    assert_eq!(q(mixed, "gzip"), 0.8);
    assert_eq!(q(mixed, "identity"), 0.5);
    assert_eq!(q(mixed, "deflate"), 0.3);
}

#[test]
fn the_preferred_coding_is_chosen() {
    let compress = Compress::new();
    assert_eq!(compress.select_encoding("gzip, br"), Some("br"));
    assert_eq!(compress.select_encoding("gzip, br, *;q=0.5"), Some("br"));
    assert_eq!(compress.select_encoding("br, gzip"), Some("br"));
    assert_eq!(compress.select_encoding("gzip, deflate"), Some("gzip"));
    assert_eq!(
        compress
            .clone()
            .br(None)
            .select_encoding("gzip, deflate, br"),
        Some("gzip")
    );
    assert_eq!(compress.select_encoding("identity"), Some("identity"));
}

/// Every Accept-Encoding row of the specification's table of observed 5.2.2 answers.
#[test]
fn negotiation_matches_the_observed_5_2_2_table() {
    let compress = Compress::new();
    let cases: &[(&str, Option<&str>)] = &[
        ("", Some("identity")),
        ("gzip", Some("gzip")),
        ("deflate", Some("deflate")),
        ("br", Some("br")),
        ("gzip, deflate", Some("gzip")),
        ("deflate, gzip", Some("gzip")),
        ("gzip, deflate, br", Some("br")),
        ("br;q=0.5, gzip", Some("gzip")),
        ("gzip;q=0.5, deflate;q=0.5", Some("gzip")),
        ("deflate;q=1, br;q=0.9", Some("deflate")),
        ("*", Some("gzip")),
        ("*;q=0.5", Some("br")),
        ("br, *", Some("br")),
        ("*, br;q=0", Some("gzip")),
        ("*;q=0", None),
        ("identity", Some("identity")),
        ("identity;q=0", None),
        ("gzip;q=0", Some("identity")),
        ("gzip;q=0, identity;q=0", None),
        ("identity;q=0, *;q=0", None),
        ("gzip;q=-1", None),
        ("identity, gzip", Some("gzip")),
        ("gzip;q=0.5, identity;q=1", Some("identity")),
        ("sdch, gzip", Some("gzip")),
        ("x-gzip", Some("identity")),
        ("compress", Some("identity")),
        ("GZIP", Some("gzip")),
        ("Br", Some("br")),
        (" gzip ", Some("gzip")),
        ("gzip;q=abc", Some("identity")),
        ("gzip;q=1.5", Some("gzip")),
        ("gzip;q=0.001", Some("gzip")),
        ("gzip;level=9", Some("gzip")),
        ("zstd, gzip", Some("gzip")),
        ("Q=0.5", Some("identity")),
        ("gzip;Q=0.5, br;q=0.4", Some("gzip")),
    ];
    for (accept, expected) in cases {
        assert_eq!(compress.select_encoding(accept), *expected, "{accept:?}");
    }
    let no_gzip = Compress::new().gzip(None);
    assert_eq!(no_gzip.select_encoding("gzip, deflate"), Some("deflate"));
    let preference = Compress::new().encoding_preference(&["gzip", "br"]);
    assert_eq!(preference.select_encoding("br, gzip"), Some("gzip"));
    let star_br = Compress::new().wildcard_accept_encoding("br");
    assert_eq!(star_br.select_encoding("*"), Some("br"));
}

#[test]
fn negotiate_lists_every_acceptable_coding_best_first() {
    let offered = ["br", "gzip", "deflate", "identity"];
    let preference = ["br", "gzip", "deflate", "identity"];
    assert_eq!(
        negotiate("deflate;q=0.5, *;q=0.2", &offered, &preference),
        ["deflate", "br", "gzip", "identity"]
    );
    assert!(negotiate("*;q=0", &offered, &preference).is_empty());
}

#[test]
fn thresholds_written_as_text_are_read_like_the_bytes_package() {
    assert_eq!(parse_threshold("1kb"), Ok(1024));
    assert_eq!(parse_threshold("1.5kb"), Ok(1536));
    assert_eq!(parse_threshold("1 MB"), Ok(1_048_576));
    assert_eq!(parse_threshold("100b"), Ok(100));
    assert_eq!(parse_threshold("1k"), Ok(1));
    assert_eq!(parse_threshold(" 2kb "), Ok(2));
    assert_eq!(parse_threshold("-1kb"), Ok(0));
    let error = parse_threshold("abc").unwrap_err();
    assert_eq!(
        error.to_string(),
        "invalid threshold \"abc\": expected a number of bytes such as \"1024\" or \"1kb\""
    );
}

// ---- __tests__/middleware.js --------------------------------------------------------

#[tokio::test]
async fn the_client_header_picks_the_coding() {
    for (accept, encoding) in [
        ("gzip", Some("gzip")),
        ("gzip, identity", Some("gzip")),
        ("br, gzip", Some("br")),
        ("identity", None),
    ] {
        let parsed = get_with(Compress::new(), "/text", Some(accept)).await;
        assert_eq!(parsed.header("content-encoding"), encoding, "{accept}");
        assert_eq!(decoded(&parsed).await, text().as_bytes());
    }
}

#[tokio::test]
async fn subsequent_requests_are_negotiated_afresh() {
    let server = serve(Compress::new()).await;
    for (accept, encoding) in [("gzip, deflate, br", "br"), ("gzip", "gzip")] {
        let line = format!("Accept-Encoding: {accept}");
        let answer = exchange(server.local_addr(), &request("GET", "/text", &[&line])).await;
        let parsed = parse_response(&answer);
        assert_compressed(&parsed, encoding, text().as_bytes()).await;
    }
    server.close().await;
}

// ---- our own, from the observed 5.2.2 decisions -----------------------------------------

#[tokio::test]
async fn the_threshold_is_inclusive() {
    assert_untouched(&get(Compress::new(), "/1023").await, 1023);
    let parsed = get(Compress::new(), "/1024").await;
    assert_compressed(&parsed, "gzip", sized(1024).as_bytes()).await;
    let one_kb = Compress::new().threshold(parse_threshold("1kb").unwrap());
    assert_untouched(&get(one_kb.clone(), "/1023").await, 1023);
    assert_eq!(
        get(one_kb, "/1024").await.header("content-encoding"),
        Some("gzip")
    );
}

#[tokio::test]
async fn forcing_compression_does_not_bypass_the_threshold() {
    assert_untouched(&get(Compress::new(), "/small-forced").await, 10);
}

#[tokio::test]
async fn response_options_can_lower_the_threshold() {
    let parsed = get(Compress::new(), "/small-options").await;
    assert_compressed(&parsed, "gzip", b"ten bytes!").await;
}

#[tokio::test]
async fn response_options_can_disable_a_coding() {
    let parsed = get(Compress::new(), "/no-gzip-here").await;
    assert_compressed(&parsed, "deflate", text().as_bytes()).await;
}

#[tokio::test]
async fn empty_statuses_are_not_compressed_but_still_vary() {
    snapshot(
        "compress_null_204",
        Compress::new(),
        &request("GET", "/null", &["Accept-Encoding: gzip"]),
        Size::Shown,
    )
    .await;
}

#[tokio::test]
async fn a_response_without_a_body_only_gets_vary() {
    let parsed = get(Compress::new(), "/nothing").await;
    assert_eq!(parsed.status, 404);
    assert_untouched(&parsed, "Not Found".len());
}

#[tokio::test]
async fn a_404_with_a_body_is_compressed() {
    let parsed = get(Compress::new(), "/not-found-with-body").await;
    assert_eq!(parsed.status, 404);
    assert_eq!(parsed.header("content-encoding"), Some("gzip"));
    assert_eq!(decoded(&parsed).await, text().as_bytes());
}

#[tokio::test]
async fn partial_content_is_not_compressed() {
    let partial = get(Compress::new(), "/partial").await;
    assert_eq!(partial.status, 206);
    assert_untouched(&partial, 2048);
    assert_untouched(&get(Compress::new(), "/content-range").await, 2048);
    // The filter would say no to multipart anyway; forcing shows the range rule.
    let forced = Compress::new().filter(|_| true);
    assert_untouched(&get(forced, "/byteranges").await, 2048);
}

#[tokio::test]
async fn coding_names_are_case_insensitive() {
    let parsed = get_with(Compress::new(), "/text", Some("GZIP")).await;
    assert_compressed(&parsed, "gzip", text().as_bytes()).await;
    let parsed = get_with(Compress::new(), "/text", Some("Br")).await;
    assert_compressed(&parsed, "br", text().as_bytes()).await;
}

#[tokio::test]
async fn a_wildcard_with_a_q_value_matches_br_too() {
    let parsed = get_with(Compress::new(), "/text", Some("*;q=0.5")).await;
    assert_compressed(&parsed, "br", text().as_bytes()).await;
    let parsed = get_with(Compress::new(), "/text", Some("*")).await;
    assert_compressed(&parsed, "gzip", text().as_bytes()).await;
}

#[tokio::test]
async fn refusing_every_coding_is_answered_with_406() {
    // 5.2.2 answers 500 here (a TypeError); we keep 5.1.1's 406 and its message.
    snapshot(
        "compress_406",
        Compress::new(),
        &request("GET", "/text", &["Accept-Encoding: identity;q=0"]),
        Size::Shown,
    )
    .await;
    for accept in ["*;q=0", "gzip;q=0, identity;q=0", "gzip;q=-1"] {
        let parsed = get_with(Compress::new(), "/text", Some(accept)).await;
        assert_eq!(parsed.status, 406, "{accept}");
        assert_eq!(parsed.body, NOT_ACCEPTABLE.as_bytes());
        // The error response is Koa's: headers cleared, so no Vary.
        assert_eq!(parsed.header("vary"), None);
    }
}

#[tokio::test]
async fn errors_downstream_carry_no_vary() {
    let parsed = get(Compress::new(), "/throw").await;
    assert_eq!(parsed.status, 500);
    assert_eq!(parsed.header("vary"), None);
    assert_eq!(parsed.header("content-encoding"), None);
}

#[tokio::test]
async fn vary_is_set_before_next_so_downstream_can_replace_or_extend_it() {
    let replaced = get(Compress::new(), "/vary-origin").await;
    assert_eq!(replaced.header("vary"), Some("Origin"));
    assert_eq!(replaced.header("content-encoding"), Some("gzip"));
    let extended = get(Compress::new(), "/vary-append").await;
    assert_eq!(extended.header("vary"), Some("Accept-Encoding, Origin"));
}

#[tokio::test]
async fn a_stream_that_fails_at_once_still_gets_its_error_status() {
    let parsed = get(Compress::new(), "/missing").await;
    assert_eq!(parsed.status, 404);
    assert_eq!(parsed.header("content-encoding"), None);
}

#[tokio::test]
async fn levels_can_be_chosen() {
    for level in [Level::Fastest, Level::Best, Level::Precise(1)] {
        let compress = Compress::new()
            .gzip(Some(level))
            .deflate(Some(level))
            .br(Some(level));
        for coding in ["gzip", "deflate", "br"] {
            let parsed = get_with(compress.clone(), "/text", Some(coding)).await;
            assert_compressed(&parsed, coding, text().as_bytes()).await;
        }
    }
}
