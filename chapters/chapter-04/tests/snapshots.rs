//! Raw wire exchanges with the chapter's server: bytes in, normalised bytes out.
//!
//! Each case sends exactly the bytes shown in its snapshot and reads until the server
//! closes the connection, so framing (Content-Length, chunked, close-delimited) and
//! keep-alive are visible. The `Date` value is replaced by `<date>`.

mod common;

use std::time::Duration;

use common::{exchange, start, start_with, transcript};

/// Sends `request` to a fresh test server and snapshots the exchange under `name`.
async fn check(name: &str, request: &[u8]) {
    let server = start().await;
    let answer = exchange(server.local_addr(), request).await;
    insta::assert_snapshot!(name, transcript(request, &answer));
    server.close().await;
}

#[tokio::test]
async fn get_sends_content_length_when_end_has_the_whole_body() {
    check(
        "get_hello",
        b"GET /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    )
    .await;
}

#[tokio::test]
async fn headers_set_by_the_handler_are_written_in_title_case() {
    check(
        "get_hello_typed",
        b"GET /hello-typed HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    )
    .await;
}

#[tokio::test]
async fn head_gets_the_head_and_no_body() {
    check(
        "head_hello",
        b"HEAD /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    )
    .await;
}

#[tokio::test]
async fn head_of_a_streamed_response_has_no_body() {
    check(
        "head_write_end",
        b"HEAD /write-end HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    )
    .await;
}

#[tokio::test]
async fn keep_alive_serves_two_requests_on_one_socket() {
    check(
        "keep_alive_two_requests",
        b"GET /hello HTTP/1.1\r\nHost: x\r\n\r\nGET /write-end HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    )
    .await;
}

#[tokio::test]
async fn http_1_0_closes_after_the_response() {
    check("http10_hello", b"GET /hello HTTP/1.0\r\n\r\n").await;
}

#[tokio::test]
async fn http_1_0_streamed_body_is_delimited_by_close() {
    check("http10_stream", b"GET /write-end HTTP/1.0\r\n\r\n").await;
}

#[tokio::test]
async fn chunked_request_body_echoes_back_chunked() {
    check(
        "chunked_echo",
        b"POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n",
    )
    .await;
}

#[tokio::test]
async fn writes_are_streamed_as_chunks() {
    check(
        "write_end",
        b"GET /write-end HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    )
    .await;
}

#[tokio::test]
async fn an_explicit_content_length_replaces_chunking() {
    check(
        "set_length",
        b"GET /set-length HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    )
    .await;
}

#[tokio::test]
async fn end_without_data_sends_content_length_zero() {
    check(
        "empty",
        b"GET /empty HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    )
    .await;
}

#[tokio::test]
async fn status_204_and_304_drop_the_body() {
    check(
        "status_204",
        b"GET /status-204 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    )
    .await;
    check(
        "status_304",
        b"GET /status-304 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    )
    .await;
}

#[tokio::test]
async fn status_message_replaces_the_reason_phrase() {
    check(
        "custom_message",
        b"GET /custom-message HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    )
    .await;
}

#[tokio::test]
async fn write_head_sends_the_head_and_streams_the_rest() {
    check(
        "write_head",
        b"GET /write-head HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    )
    .await;
}

#[tokio::test]
async fn a_handler_that_forgets_end_still_answers() {
    check(
        "no_end",
        b"GET /no-end HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    )
    .await;
    check(
        "no_end_streamed",
        b"GET /no-end-streamed HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    )
    .await;
}

#[tokio::test]
async fn a_panic_before_the_head_is_a_500() {
    check(
        "panic",
        b"GET /panic HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    )
    .await;
}

#[tokio::test]
async fn a_panic_after_the_head_cuts_the_connection_mid_body() {
    // How much of the head and the first chunk gets out before the cut depends on
    // timing, so no snapshot: what matters is that the chunked body never gets its final
    // `0\r\n\r\n`, so the client can tell the response is incomplete.
    let server = start().await;
    let request = b"GET /panic-after-head HTTP/1.1\r\nHost: x\r\n\r\n";
    let answer = exchange(server.local_addr(), request).await;
    assert!(
        !answer.ends_with(b"0\r\n\r\n"),
        "{}",
        common::normalise(&answer)
    );
    // …and the server goes on serving.
    let next = exchange(
        server.local_addr(),
        b"GET /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    )
    .await;
    assert_eq!(common::parse_response(&next).status, 200);
    server.close().await;
}

#[tokio::test]
async fn a_returned_error_before_the_head_is_a_500() {
    check(
        "error",
        b"GET /error HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    )
    .await;
    check(
        "bad_status",
        b"GET /bad-status HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    )
    .await;
}

#[tokio::test]
async fn a_malformed_request_line_is_a_400_and_a_close() {
    check("malformed_request_line", b"GARBAGE\r\n\r\n").await;
    check("bad_version", b"GET / HTTP/9.9\r\nHost: x\r\n\r\n").await;
}

#[tokio::test]
async fn an_invalid_header_name_is_a_400() {
    check(
        "bad_header_name",
        b"GET /hello HTTP/1.1\r\nHost: x\r\nBad Header: 1\r\n\r\n",
    )
    .await;
}

#[tokio::test]
async fn content_length_with_transfer_encoding_follows_chunked_and_closes() {
    // Node refuses this with 400. hyper follows RFC 9112 §6.3: chunked wins, the
    // Content-Length is dropped, and the connection closes after the response, so no
    // second request can be smuggled behind the first. The book lists this difference.
    check(
        "length_and_chunked",
        b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
    )
    .await;
}

#[tokio::test]
async fn oversized_headers_are_a_431() {
    let mut request = b"GET /hello HTTP/1.1\r\nHost: x\r\nX-Big: ".to_vec();
    request.extend(std::iter::repeat_n(b'a', 20 * 1024));
    request.extend_from_slice(b"\r\n\r\n");
    let server = start().await;
    let answer = exchange(server.local_addr(), &request).await;
    // The request is too long to show; the answer is what matters.
    insta::assert_snapshot!("oversized_headers", common::normalise(&answer));
    server.close().await;
}

#[tokio::test]
async fn a_client_that_sends_its_head_too_slowly_is_disconnected() {
    let server = start_with(|s| s.headers_timeout(Duration::from_millis(200))).await;
    let mut stream = tokio::net::TcpStream::connect(server.local_addr())
        .await
        .unwrap();
    tokio::io::AsyncWriteExt::write_all(&mut stream, b"GET /hello HTTP/1.1\r\nHost:")
        .await
        .unwrap();
    // Never finish the head: the server must close on its own (read_to_close is bounded).
    let answer = common::read_to_close(&mut stream).await;
    insta::assert_snapshot!("slow_headers", common::normalise(&answer));
    server.close().await;
}
