//! Properties of Koa's response, beyond the examples Koa's own tests pick:
//!
//! - (a) a string body is HTML exactly when it starts with JavaScript white space and
//!   then `<` (Koa's `/^\s*</` sniff in `set body`), checked against a model written
//!   here from the ECMAScript definition of `\s`, independently of `response.rs`;
//! - (b) `Content-Length` always equals the bytes actually sent, for text, bytes and
//!   JSON bodies, over a whole round trip through the app;
//! - (c) header names are case-insensitive for `set`, `get`, `has` and `remove`;
//! - (d) `set` with any name and value never panics: it succeeds exactly when Node's
//!   `setHeader` would, and otherwise fails with Node's message.
//!
//! Upstream: [`lib/response.js` at koa 2.16.4](https://github.com/koajs/koa/blob/v2.16.4/lib/response.js)
//! (`set body`, `set`, `get`, `has`, `remove`) and Node's header checks in
//! [`lib/_http_outgoing.js`](https://github.com/nodejs/node/blob/v20.20.2/lib/_http_outgoing.js)
//! (`validateHeaderName`, `validateHeaderValue`).

use std::sync::LazyLock;

use bytes::Bytes;
use chapter_04::{Application, Body, BoxFuture, Context, Handler, HttpError};
use proptest::prelude::*;
use serde_json::Value;

/// One runtime for every round trip.
static RUNTIME: LazyLock<tokio::runtime::Runtime> = LazyLock::new(|| {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
});

/// A context for `GET /` with no socket.
fn context() -> Context {
    let request = http::Request::builder()
        .uri("/")
        .header("host", "example.com")
        .body(Bytes::new())
        .unwrap();
    Application::new().callback().create_context(request)
}

// ---------------------------------------------------------------------------------------
// (a) HTML sniffing
// ---------------------------------------------------------------------------------------

/// ECMAScript's `WhiteSpace` and `LineTerminator` code points, which is what `\s`
/// matches: TAB, VT, FF, SP, NBSP, ZWNBSP (the BOM), the `Zs` category, LF, CR, LS
/// and PS. Written out as a table so the model shares nothing with the code under test.
const JS_SPACE: [u32; 25] = [
    0x0009, 0x000A, 0x000B, 0x000C, 0x000D, 0x0020, 0x00A0, 0x1680, 0x2000, 0x2001, 0x2002, 0x2003,
    0x2004, 0x2005, 0x2006, 0x2007, 0x2008, 0x2009, 0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000,
    0xFEFF,
];

/// The model: skip `\s`, then look for `<`.
fn model_is_html(text: &str) -> bool {
    text.chars()
        .find(|c| !JS_SPACE.contains(&u32::from(*c)))
        .is_some_and(|c| c == '<')
}

/// Characters a sniffer might get wrong: every JavaScript space, and look-alikes that
/// are *not* `\s` (NEL, the Mongolian vowel separator, zero-width space, word joiner).
fn tricky_char() -> impl Strategy<Value = char> {
    let mut chars: Vec<char> = JS_SPACE
        .iter()
        .map(|&c| char::from_u32(c).unwrap())
        .collect();
    chars.extend([
        '\u{85}', '\u{180E}', '\u{200B}', '\u{2060}', '<', '>', 'a', '\0',
    ]);
    proptest::sample::select(chars)
}

/// A string with a tricky start, then anything.
fn sniffable_text() -> impl Strategy<Value = String> {
    (prop::collection::vec(tricky_char(), 0..6), any::<String>())
        .prop_map(|(start, rest)| start.into_iter().collect::<String>() + &rest)
}

proptest! {
    #[test]
    fn a_string_body_is_html_iff_it_starts_with_space_then_angle_bracket(
        text in prop_oneof![sniffable_text(), any::<String>()],
    ) {
        let mut ctx = context();
        ctx.set_body(text.as_str());
        let expected = if model_is_html(&text) {
            "text/html; charset=utf-8"
        } else {
            "text/plain; charset=utf-8"
        };
        prop_assert_eq!(ctx.response.get("Content-Type"), expected);
    }

    #[test]
    fn a_content_type_set_before_is_never_sniffed_over(text in sniffable_text()) {
        let mut ctx = context();
        ctx.set_type("xml");
        ctx.set_body(text.as_str());
        prop_assert_eq!(ctx.response.get("Content-Type"), "application/xml");
    }
}

// ---------------------------------------------------------------------------------------
// (b) Content-Length equals the bytes sent
// ---------------------------------------------------------------------------------------

/// A body to send, in a form a handler can rebuild for its one request.
#[derive(Debug, Clone)]
enum Sent {
    /// `ctx.body = 'text'`.
    Text(String),
    /// `ctx.body = Buffer.from(bytes)`.
    Bytes(Vec<u8>),
    /// `ctx.body = { … }` (or an array, a number, a boolean).
    Json(Value),
}

/// A handler that answers with one fixed body.
struct Sends(Sent);

impl Handler for Sends {
    fn call<'a>(&'a self, ctx: &'a mut Context) -> BoxFuture<'a, Result<(), HttpError>> {
        Box::pin(async move {
            let body = match &self.0 {
                Sent::Text(text) => Body::from(text.as_str()),
                Sent::Bytes(bytes) => Body::from(bytes.clone()),
                Sent::Json(value) => Body::from(value.clone()),
            };
            ctx.set_body(body);
            Ok(())
        })
    }
}

/// Any JSON value JavaScript could stringify (finite numbers only).
fn json_leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::from),
        any::<String>().prop_map(Value::from),
    ]
}

/// A JSON body: an object, an array, a number or a boolean at the top (a top-level
/// string is a text body and `null` an empty one, as in JavaScript).
fn json_body() -> impl Strategy<Value = Value> {
    let nested = json_leaf().prop_recursive(3, 24, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::from),
            prop::collection::btree_map(any::<String>(), inner, 0..6)
                .prop_map(|map| Value::Object(map.into_iter().collect())),
        ]
    });
    prop_oneof![
        nested.prop_filter("not a text or null body", |v| !v.is_string()
            && !v.is_null()),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
    ]
}

fn sent() -> impl Strategy<Value = Sent> {
    prop_oneof![
        any::<String>().prop_map(Sent::Text),
        prop::collection::vec(any::<u8>(), 0..64).prop_map(Sent::Bytes),
        json_body().prop_map(Sent::Json),
    ]
}

proptest! {
    #[test]
    fn content_length_is_the_number_of_bytes_sent(body in sent()) {
        let mut app = Application::new();
        app.use_(Sends(body.clone()));
        let request = http::Request::builder()
            .uri("/")
            .header("host", "example.com")
            .body(Bytes::new())
            .unwrap();
        let res = RUNTIME.block_on(app.callback().request(request));
        prop_assert_eq!(res.status(), 200);
        let length = res
            .headers()
            .get("content-length")
            .expect("a Content-Length")
            .to_str()
            .unwrap()
            .parse::<usize>()
            .unwrap();
        prop_assert_eq!(length, res.body().len());
        // And the bytes are the body's own: its text, its bytes, its JSON text.
        let expected = match &body {
            Sent::Text(text) => text.as_bytes().to_vec(),
            Sent::Bytes(bytes) => bytes.clone(),
            Sent::Json(value) => serde_json::to_vec(value).unwrap(),
        };
        prop_assert_eq!(res.body().as_ref(), expected.as_slice());
    }
}

// ---------------------------------------------------------------------------------------
// (c) header names are case-insensitive
// ---------------------------------------------------------------------------------------

/// An HTTP token: what Node accepts as a header name.
const TOKEN: &str = "[A-Za-z0-9!#$%&'*+.^_`|~-]{1,24}";

/// `name` with the case of each letter flipped where `flips` says so.
fn recase(name: &str, flips: &[bool]) -> String {
    name.chars()
        .zip(flips.iter().cycle())
        .map(|(c, &flip)| {
            if !flip {
                c
            } else if c.is_ascii_lowercase() {
                c.to_ascii_uppercase()
            } else {
                c.to_ascii_lowercase()
            }
        })
        .collect()
}

proptest! {
    #[test]
    fn header_names_are_case_insensitive(
        name in TOKEN,
        value in "[ -~]{0,32}",
        flips in prop::collection::vec(prop::collection::vec(any::<bool>(), 1..8), 4),
    ) {
        let [set_as, get_as, has_as, remove_as] =
            [0, 1, 2, 3].map(|i| recase(&name, &flips[i]));
        let mut ctx = context();
        ctx.set(&set_as, value.as_str()).unwrap();
        prop_assert_eq!(ctx.response.get(&get_as), value.as_str());
        prop_assert!(ctx.has(&has_as));
        // Koa's `response.header` shows the name lower-cased.
        let lower = name.to_ascii_lowercase();
        prop_assert!(ctx.response.headers().keys().any(|k| k.as_str() == lower));
        ctx.remove(&remove_as);
        prop_assert!(!ctx.has(&name));
        prop_assert!(ctx.response.headers().is_empty());
    }
}

// ---------------------------------------------------------------------------------------
// (d) set() with anything
// ---------------------------------------------------------------------------------------

/// Node's `checkIsHttpToken`.
fn node_token(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c))
}

/// Node's `checkInvalidHeaderChar`, inverted: tab, visible ASCII and space, and the
/// Latin-1 range 0x80–0xFF (each written as one byte).
fn node_header_text(value: &str) -> bool {
    value
        .chars()
        .all(|c| c == '\t' || matches!(u32::from(c), 0x20..=0x7E | 0x80..=0xFF))
}

/// Text that is often almost valid: header-ish characters with a few bad ones.
fn headerish() -> impl Strategy<Value = String> {
    prop_oneof![
        "[A-Za-z0-9-]{0,12}",
        "[\t -~\u{7f}-\u{ff}\r\n\0\u{100}-\u{17f}]{0,12}",
        any::<String>(),
    ]
}

proptest! {
    #[test]
    fn set_accepts_what_node_accepts_and_refuses_the_rest_with_nodes_message(
        name in headerish(),
        value in headerish(),
    ) {
        let mut ctx = context();
        let outcome = ctx.set(&name, value.as_str());
        if !node_token(&name) {
            let err = outcome.expect_err("an invalid name");
            prop_assert_eq!(
                err.message.clone(),
                format!("Header name must be a valid HTTP token [\"{name}\"]")
            );
            prop_assert!(ctx.response.headers().is_empty());
        } else if !node_header_text(&value) {
            let err = outcome.expect_err("an invalid value");
            prop_assert_eq!(
                err.message.clone(),
                format!("Invalid character in header content [\"{name}\"]")
            );
            prop_assert!(ctx.response.headers().is_empty());
        } else {
            prop_assert!(outcome.is_ok(), "{:?}", outcome);
            // Stored as Node writes it: one byte per character.
            let stored: String = ctx.response.headers()[name.as_str()]
                .as_bytes()
                .iter()
                .map(|&b| char::from(b))
                .collect();
            prop_assert_eq!(stored, value);
        }
    }
}
