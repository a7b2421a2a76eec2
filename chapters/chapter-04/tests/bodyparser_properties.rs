//! Properties of the body parser, for inputs nobody wrote down:
//!
//! - any JSON object or array sent as `application/json` (plain, gzip, deflate or br)
//!   comes back as the same value, with the text as the raw body; without `strict`,
//!   any JSON value does;
//! - any bytes, under any content type and any `Content-Encoding`, give a 2xx or a 4xx
//!   answer — never a panic (which the app would turn into a 500) and never a hang;
//! - qs never panics, always gives an object, keeps at most `parameter_limit` pairs,
//!   and gives flat `key=value` pairs back as they were.

use std::time::Duration;

use async_compression::tokio::bufread::{BrotliEncoder, GzipEncoder, ZlibEncoder};
use bytes::Bytes;
use chapter_04::body_parser::{BodyParser, BodyParserContext, BodyType};
use chapter_04::qs::{self, QsOptions};
use chapter_04::{Application, Callback, Context, HttpError};
use proptest::prelude::*;
use serde_json::{Map, Value, json};
use tokio::io::AsyncReadExt;

/// How long one request may take before the property fails.
const WAIT: Duration = Duration::from_secs(10);

/// Echoes the parsed body and the raw body.
async fn echo(ctx: &mut Context) -> Result<(), HttpError> {
    let seen = json!({ "body": ctx.request_body_opt(), "rawBody": ctx.raw_body() });
    ctx.set_body(seen);
    Ok(())
}

/// An app with this parser and the echo handler, quiet.
fn app(parser: BodyParser) -> Callback {
    let mut app = Application::new();
    app.settings.silent = true;
    app.use_(parser);
    app.use_(echo);
    app.callback()
}

/// A single-threaded runtime for one property case.
fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime")
}

/// Sends a request with a `Content-Length`, returns status and body.
async fn send(app: &Callback, headers: &[(&str, &str)], body: Vec<u8>) -> (u16, Bytes) {
    let mut builder = http::Request::builder()
        .method("POST")
        .uri("/")
        .header("content-length", body.len());
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    let req = builder.body(Bytes::from(body)).expect("a valid request");
    let response = tokio::time::timeout(WAIT, app.request(req))
        .await
        .expect("an answer in time");
    (response.status().as_u16(), response.into_body())
}

/// Compresses with the named coding (`identity` leaves the bytes alone).
async fn compress(coding: &str, data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    match coding {
        "gzip" => GzipEncoder::new(data).read_to_end(&mut out).await,
        "deflate" => ZlibEncoder::new(data).read_to_end(&mut out).await,
        "br" => BrotliEncoder::new(data).read_to_end(&mut out).await,
        _ => {
            out.extend_from_slice(data);
            Ok(data.len())
        }
    }
    .expect("in-memory compression");
    out
}

/// JSON numbers that survive a text round trip exactly: integers, and doubles with a
/// short binary fraction (some of them whole: `3.0`).
fn number() -> impl Strategy<Value = Value> {
    prop_oneof![
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        (any::<i32>(), 0u32..8)
            .prop_map(|(n, shift)| { Value::from(f64::from(n) / f64::from(1u32 << shift) + 0.5) }),
    ]
}

/// Object keys: anything but `__proto__`, which the parser refuses on purpose.
fn key() -> impl Strategy<Value = String> {
    any::<String>().prop_filter("__proto__ is refused", |k| k != "__proto__")
}

/// Any JSON value, up to a few levels deep.
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        number(),
        any::<String>().prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 64, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..8).prop_map(Value::Array),
            prop::collection::vec((key(), inner), 0..8)
                .prop_map(|pairs| Value::Object(pairs.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

/// A JSON object or array: what strict mode accepts.
fn json_document() -> impl Strategy<Value = Value> {
    prop_oneof![
        prop::collection::vec(json_value(), 0..8).prop_map(Value::Array),
        prop::collection::vec((key(), json_value()), 0..8)
            .prop_map(|pairs| Value::Object(pairs.into_iter().collect::<Map<_, _>>())),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    /// A JSON document comes back as the same value, however it was compressed, with
    /// the (inflated) text as the raw body.
    #[test]
    fn json_documents_round_trip(
        document in json_document(),
        coding in prop::sample::select(vec!["identity", "gzip", "deflate", "br"]),
        pretty in any::<bool>(),
    ) {
        let text = if pretty {
            serde_json::to_string_pretty(&document).unwrap()
        } else {
            document.to_string()
        };
        let (status, body) = runtime().block_on(async {
            let body = compress(coding, text.as_bytes()).await;
            let headers = [("content-type", "application/json"), ("content-encoding", coding)];
            send(&app(BodyParser::default()), &headers, body).await
        });
        prop_assert_eq!(status, 200);
        let echoed: Value = serde_json::from_slice(&body).unwrap();
        prop_assert!(same_value(&echoed["body"], &document), "{} != {}", echoed["body"], document);
        prop_assert_eq!(&echoed["rawBody"], &Value::String(text));
    }

    /// Without `strict`, any JSON value round-trips.
    #[test]
    fn json_values_round_trip_when_not_strict(value in json_value()) {
        let text = value.to_string();
        let (status, body) = runtime().block_on(async {
            let headers = [("content-type", "application/json")];
            send(&app(BodyParser::default().strict(false)), &headers, text.clone().into_bytes()).await
        });
        prop_assert_eq!(status, 200);
        let echoed: Value = serde_json::from_slice(&body).unwrap();
        prop_assert!(same_value(&echoed["body"], &value), "{} != {}", echoed["body"], value);
    }

    /// Any bytes under any type and coding: a 2xx or a 4xx, never a 500 (a panic
    /// inside the app becomes one) and never a hang.
    #[test]
    fn arbitrary_bytes_never_break_the_parser(
        bytes in prop::collection::vec(any::<u8>(), 0..2048),
        content_type in prop_oneof![
            prop::sample::select(vec![
                "application/json",
                "application/json; charset=utf-8",
                "application/vnd.api+json",
                "application/x-www-form-urlencoded",
                "text/plain",
                "application/xml",
                "multipart/form-data; boundary=x",
                "application/octet-stream",
                "",
                ";;;",
            ]).prop_map(str::to_owned),
            "[ -~]{0,40}",
        ],
        coding in prop::sample::select(vec!["identity", "", "gzip", "deflate", "br", "x-foo", "GZIP"]),
        compressed in any::<bool>(),
        strict in any::<bool>(),
    ) {
        let (status, _) = runtime().block_on(async {
            // Half the time the bytes are really compressed, so the readers get past
            // the decoder; otherwise the decoder sees garbage.
            let body = if compressed { compress(coding, &bytes).await } else { bytes.clone() };
            let parser = BodyParser::default()
                .enable_types(&[BodyType::Json, BodyType::Form, BodyType::Text, BodyType::Xml])
                .strict(strict)
                .form_limit(1024);
            let mut headers = vec![("content-encoding", coding)];
            if !content_type.is_empty() {
                headers.push(("content-type", content_type.as_str()));
            }
            send(&app(parser), &headers, body).await
        });
        prop_assert!((200..300).contains(&status) || (400..500).contains(&status), "status {}", status);
    }

    /// qs on any text: no panic, an object, no more top-level keys than pairs allowed.
    #[test]
    fn qs_never_panics(
        text in prop_oneof![
            any::<String>(),
            "[a-c0-9\\[\\]=&.%+_5BDproto]{0,200}",
        ],
        depth in 0usize..8,
        array_limit in 0usize..25,
        parameter_limit in 0usize..50,
        allow_dots in any::<bool>(),
        parse_arrays in any::<bool>(),
    ) {
        let options = QsOptions {
            depth,
            array_limit,
            parameter_limit,
            allow_dots,
            parse_arrays,
            ..QsOptions::co_body()
        };
        let parsed = qs::parse(&text, &options).unwrap();
        let object = parsed.as_object().expect("qs always gives an object");
        prop_assert!(object.len() <= parameter_limit);
    }

    /// Flat pairs with plain keys come back as they went in.
    #[test]
    fn qs_flat_pairs_round_trip(
        pairs in prop::collection::btree_map("[a-z][a-z0-9_]{0,8}", "[a-zA-Z0-9 é€!*'()~-]{0,12}", 0..20),
    ) {
        let text: Vec<String> = pairs
            .iter()
            .map(|(k, v)| {
                let value: String = form_encode(v);
                format!("{k}={value}")
            })
            .collect();
        let parsed = qs::parse(&text.join("&"), &QsOptions::co_body()).unwrap();
        let expected: Map<String, Value> = pairs
            .into_iter()
            .map(|(k, v)| (k, Value::String(v)))
            .collect();
        prop_assert_eq!(parsed, Value::Object(expected));
    }
}

/// The same value as JavaScript compares them: numbers by what they are worth (`1.0`
/// and `1` are one number; the parser gives the integer form), keys in any order.
fn same_value(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => match (x.as_i64(), y.as_i64()) {
            (Some(x), Some(y)) => x == y,
            _ => match (x.as_u64(), y.as_u64()) {
                (Some(x), Some(y)) => x == y,
                _ => x.as_f64() == y.as_f64(),
            },
        },
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same_value(x, y))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(key, x)| y.get(key).is_some_and(|y| same_value(x, y)))
        }
        _ => a == b,
    }
}

/// Percent-encodes a value the way a browser form does (space as `+`).
fn form_encode(value: &str) -> String {
    let mut out = String::new();
    for byte in value.bytes() {
        match byte {
            b' ' => out.push('+'),
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'*' | b'-' | b'.' | b'_' => {
                out.push(char::from(byte));
            }
            other => out.push_str(&format!("%{other:02X}")),
        }
    }
    out
}
