//! Properties of chapter 01, checked against a live server over loopback.
//!
//! - any body, sent in any chunking, echoes back byte for byte;
//! - any valid header value set by a handler arrives unchanged;
//! - any header name or value at all is either accepted or refused with Node's error,
//!   and never takes the server down.

mod common;

use std::net::SocketAddr;
use std::sync::LazyLock;

use common::{exchange, parse_response};
use proptest::prelude::*;

/// One runtime for every case; the server runs on its worker threads.
static RUNTIME: LazyLock<tokio::runtime::Runtime> = LazyLock::new(|| {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
});

/// One test server for every case, alive until the test binary exits.
static SERVER: LazyLock<SocketAddr> = LazyLock::new(|| {
    RUNTIME.block_on(async {
        let listening = common::start().await;
        let addr = listening.local_addr();
        // Keep it listening for the whole run.
        std::mem::forget(listening);
        addr
    })
});

/// Frames `body` as chunks whose sizes cycle through `sizes`.
fn chunked(body: &[u8], sizes: &[usize]) -> Vec<u8> {
    let mut out = b"POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n".to_vec();
    let mut rest = body;
    let mut i = 0;
    while !rest.is_empty() {
        let size = sizes[i % sizes.len()].min(rest.len());
        out.extend_from_slice(format!("{size:x}\r\n").as_bytes());
        out.extend_from_slice(&rest[..size]);
        out.extend_from_slice(b"\r\n");
        rest = &rest[size..];
        i += 1;
    }
    out.extend_from_slice(b"0\r\n\r\n");
    out
}

/// Sends a `/try-header` request that asks the handler to set `name: value`.
fn try_header(name: &str, value: &str) -> common::Parsed {
    let body = format!("{name}\0{value}");
    let mut request = format!(
        "POST /try-header HTTP/1.1\r\nHost: x\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )
    .into_bytes();
    request.extend_from_slice(body.as_bytes());
    parse_response(&RUNTIME.block_on(exchange(*SERVER, &request)))
}

/// What Node's `validateHeaderName` accepts: a non-empty RFC 9110 token.
fn is_token(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn any_body_in_any_chunking_echoes_back_identical(
        body in proptest::collection::vec(any::<u8>(), 0..32 * 1024),
        sizes in proptest::collection::vec(1usize..4096, 1..8),
    ) {
        let answer = RUNTIME.block_on(exchange(*SERVER, &chunked(&body, &sizes)));
        let parsed = parse_response(&answer);
        prop_assert_eq!(parsed.status, 200);
        prop_assert_eq!(parsed.body, body);
    }

    #[test]
    fn any_valid_header_value_round_trips(value in "[!-~]([ -~]{0,60}[!-~])?") {
        let parsed = try_header("X-Value", &value);
        prop_assert_eq!(parsed.status, 200);
        prop_assert_eq!(parsed.header("x-value"), Some(value.as_str()));
    }

    #[test]
    fn any_header_is_accepted_or_refused_never_a_crash(
        name in "\\PC{0,12}|[ -~]{0,12}",
        value in "[\\x00-\\x7f]{0,24}",
    ) {
        // NUL separates name and value in the request body, so keep it out of the name.
        prop_assume!(!name.contains('\0'));
        let parsed = try_header(&name, &value);
        let value_ok = value.bytes().all(|b| b == b'\t' || (b' '..=b'~').contains(&b));
        if is_token(&name) && value_ok {
            prop_assert_eq!(parsed.status, 200);
        } else {
            prop_assert_eq!(parsed.status, 400);
            let message = String::from_utf8_lossy(&parsed.body).into_owned();
            prop_assert!(
                message.starts_with("Header name must be a valid HTTP token")
                    || message.starts_with("Invalid character in header content"),
                "{}", message
            );
        }
    }
}
