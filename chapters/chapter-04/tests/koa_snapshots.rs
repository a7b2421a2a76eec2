//! Koa's `respond()` and `ctx.onerror` on the wire: one raw exchange per branch, bytes
//! in and normalised bytes out (the `Date` value replaced).

mod common;

use common::{exchange, koa, transcript};

/// Sends `request` to a fresh Koa test app and snapshots the exchange under `name`.
async fn check(name: &str, request: &str) {
    let server = koa::start().await;
    let answer = exchange(server.local_addr(), request.as_bytes()).await;
    insta::assert_snapshot!(name, transcript(request.as_bytes(), &answer));
    server.close().await;
}

/// A GET of `path` that closes the connection after the answer.
fn get(path: &str) -> String {
    format!("GET {path} HTTP/1.1\r\nHost: example.com\r\nConnection: close\r\n\r\n")
}

/// The same as a HEAD.
fn head(path: &str) -> String {
    format!("HEAD {path} HTTP/1.1\r\nHost: example.com\r\nConnection: close\r\n\r\n")
}

#[tokio::test]
async fn nothing_set_is_koas_404_with_the_status_text() {
    check("koa_default_404", &get("/nothing")).await;
}

#[tokio::test]
async fn a_string_body_is_text_or_html_with_its_length() {
    check("koa_text", &get("/text")).await;
    check("koa_html", &get("/html")).await;
}

#[tokio::test]
async fn bytes_and_json_bodies_get_their_types() {
    check("koa_buffer", &get("/buffer")).await;
    check("koa_json", &get("/json")).await;
}

#[tokio::test]
async fn a_null_body_is_204_without_content_headers() {
    check("koa_null", &get("/null")).await;
    check("koa_null_404", &get("/null-404")).await;
    // Koa's quirk: the null body made 204 explicit, so the later string keeps it.
    check("koa_null_then_text", &get("/null-then-text")).await;
    check("koa_body_then_204", &get("/body-then-204")).await;
}

#[tokio::test]
async fn head_keeps_the_length_the_body_would_have() {
    check("koa_head_text", &head("/text")).await;
    check("koa_head_json", &head("/json")).await;
    check("koa_head_nothing", &head("/nothing")).await;
}

#[tokio::test]
async fn a_status_message_is_the_reason_phrase_and_the_body() {
    check("koa_message", &get("/message")).await;
    check("koa_status_777", &get("/status-777")).await;
}

#[tokio::test]
async fn streams_are_piped_and_fail_as_koa_fails() {
    check("koa_stream", &get("/stream")).await;
    // ENOENT before the first byte: Koa's onerror makes it a 404.
    check("koa_stream_missing_file", &get("/stream-missing-file")).await;
}

#[tokio::test]
async fn a_stream_that_fails_after_the_head_cuts_the_connection() {
    let server = koa::start().await;
    let answer = exchange(server.local_addr(), get("/stream-fails-later").as_bytes()).await;
    assert!(
        !answer.ends_with(b"0\r\n\r\n"),
        "{}",
        common::normalise(&answer)
    );
    server.close().await;
}

#[tokio::test]
async fn thrown_errors_become_plain_text_responses() {
    check("koa_throw_plain", &get("/throw-plain")).await;
    check("koa_throw_message", &get("/throw")).await;
    check("koa_throw_500_hides_the_message", &get("/throw-500")).await;
    check("koa_error_from_io", &get("/error")).await;
    check(
        "koa_error_headers_replace_the_others",
        &get("/error-headers"),
    )
    .await;
    check("koa_assert", &get("/assert")).await;
}

#[tokio::test]
async fn redirects_set_location_status_and_body() {
    check("koa_redirect", &get("/redirect")).await;
    check("koa_redirect_abs", &get("/redirect-abs")).await;
    check("koa_redirect_301", &get("/redirect-301")).await;
    check(
        "koa_back_same_origin",
        "GET /back HTTP/1.1\r\nHost: example.com\r\nReferrer: http://example.com/login\r\nAccept: text/plain\r\nConnection: close\r\n\r\n",
    )
    .await;
    check(
        "koa_back_other_origin",
        "GET /back HTTP/1.1\r\nHost: example.com\r\nReferer: http://evil.com/\r\nConnection: close\r\n\r\n",
    )
    .await;
}

#[tokio::test]
async fn response_helpers_write_their_headers() {
    check("koa_attachment", &get("/attachment")).await;
    check("koa_type_xml", &get("/type-xml")).await;
    check("koa_etag", &get("/etag")).await;
    check("koa_vary", &get("/vary")).await;
    check("koa_headers", &get("/headers")).await;
}

#[tokio::test]
async fn fresh_requests_get_304() {
    check("koa_fresh_miss", &get("/fresh")).await;
    check(
        "koa_fresh_hit",
        "GET /fresh HTTP/1.1\r\nHost: example.com\r\nIf-None-Match: \"v1\"\r\nConnection: close\r\n\r\n",
    )
    .await;
}

#[tokio::test]
async fn cookies_are_signed_like_koas() {
    check("koa_cookies_set", &get("/cookies/set")).await;
    check(
        "koa_cookies_get_old_key_resigns",
        // `signed.sig` is HMAC-SHA1 of `signed=v1` with the older key, as keygrip signs.
        "GET /cookies/get HTTP/1.1\r\nHost: example.com\r\nCookie: signed=v1; signed.sig=gkw14TEhXuBryl_m7oqAgUyg9vI; plain=p1\r\nConnection: close\r\n\r\n",
    )
    .await;
    check(
        "koa_cookies_forged",
        "GET /cookies/get HTTP/1.1\r\nHost: example.com\r\nCookie: signed=v2; signed.sig=gkw14TEhXuBryl_m7oqAgUyg9vI\r\nConnection: close\r\n\r\n",
    )
    .await;
    check("koa_cookies_secure_over_http", &get("/cookies/secure")).await;
    check(
        "koa_cookies_secure_behind_https_proxy",
        "GET /cookies/secure HTTP/1.1\r\nHost: example.com\r\nX-Forwarded-Proto: https\r\nConnection: close\r\n\r\n",
    )
    .await;
}

#[tokio::test]
async fn flushed_headers_go_first_and_freeze() {
    check("koa_flush_headers", &get("/flush")).await;
}

#[tokio::test]
async fn respond_false_leaves_the_raw_response_to_the_handler() {
    check("koa_raw", &get("/raw")).await;
}

#[tokio::test]
async fn the_request_as_koa_reads_it() {
    check(
        "koa_request_proxied",
        "GET /request?a=1&a=2&b=x+y HTTP/1.1\r\nHost: tobi.ferrets.example.com:3000\r\nX-Forwarded-For: 10.0.0.1, 10.0.0.2\r\nX-Forwarded-Proto: https, http\r\nX-Forwarded-Host: api.example.com\r\nConnection: close\r\n\r\n",
    )
    .await;
    check("koa_rewrite", &get("/rewrite?x=1")).await;
    check(
        "koa_accepts",
        "GET /accepts HTTP/1.1\r\nHost: example.com\r\nAccept: text/html;q=0.9, application/json\r\nAccept-Encoding: gzip;q=0.5, br\r\nAccept-Charset: utf-8\r\nAccept-Language: fr, en;q=0.8\r\nConnection: close\r\n\r\n",
    )
    .await;
    check(
        "koa_is",
        "POST /is HTTP/1.1\r\nHost: example.com\r\nContent-Type: image/png\r\nContent-Length: 3\r\nConnection: close\r\n\r\nabc",
    )
    .await;
}
