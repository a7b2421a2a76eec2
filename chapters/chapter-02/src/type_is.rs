//! Content-type checks: the npm package `type-is` 1.6.18 (with `media-typer` 0.3.0).
//!
//! Koa's `ctx.is(...)` / `ctx.request.is(...)` and `ctx.response.is(...)` ask
//! [type-is](https://github.com/jshttp/type-is/blob/1.6.18/index.js) whether a
//! body's `Content-Type` is one of a list of types. The answer has three
//! shapes, which [`TypeIs`] keeps apart:
//!
//! * **no body** (`null` upstream) — the request carries neither
//!   `Transfer-Encoding` nor a numeric `Content-Length`, so there is nothing
//!   to type ([`has_body`], upstream `hasbody`);
//! * **no match** (`false`) — the body's type is missing, malformed or none of
//!   the offered ones;
//! * **a match** — the *offered* string when it was a plain name
//!   (`"json"` → `"json"`), or the body's own normalised type when the offer
//!   was a pattern (`"text/*"`, `"+json"`, `"*/*"` → `"text/html"` …).
//!
//! The pieces, each mirroring an upstream function:
//!
//! * [`type_is`] — `typeofrequest(req, types)`, the default export: the
//!   body check, then the type check on the request's `Content-Type`;
//! * [`is`] — `typeis.is(mediaType, types)`, the form `response.is` uses
//!   (no body check);
//! * [`normalize`] — `normalize(type)`: `"urlencoded"` →
//!   `application/x-www-form-urlencoded`, `"multipart"` → `multipart/*`,
//!   `"+json"` → `*/*+json`, full types pass, other names are extensions
//!   resolved with [`crate::mime_types::lookup`];
//! * [`mime_match`] — `mimeMatch(expected, actual)`, with `*` on either side
//!   and `*+suffix` subtypes;
//! * [`normalize_type`] — `tryNormalizeType(value)`, which parses the header
//!   with [media-typer](https://github.com/jshttp/media-typer/blob/v0.3.0/index.js)'s
//!   `parse` (strict grammar: a bad parameter makes the whole header invalid),
//!   lower-cases it, drops the parameters and formats it back with `format`
//!   (which re-checks the subtype and `+suffix`).
//!
//! Why these rules: type-is is how Koa middleware decides whether to parse a
//! body (`ctx.is('json')`), so what counts as "no body" and what counts as a
//! malformed type has to be exactly upstream's, or a body parser would start
//! reading bodies Koa would have left alone.

use http::HeaderMap;

use crate::js::is_js_whitespace;

/// The three outcomes of a type check on a request (`null`, `false` or a
/// string upstream).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TypeIs {
    /// The request has no body: neither `Transfer-Encoding` nor a numeric
    /// `Content-Length` (upstream `null`).
    NoBody,
    /// The body's type is missing, malformed or not among the offered types
    /// (upstream `false`).
    NoMatch,
    /// The matching offer, or the body's normalised type when the offer was a
    /// wildcard or `+suffix` pattern (upstream: that string).
    Match(String),
}

impl TypeIs {
    /// The matched string, if any.
    pub fn matched(&self) -> Option<&str> {
        match self {
            TypeIs::Match(s) => Some(s),
            TypeIs::NoBody | TypeIs::NoMatch => None,
        }
    }
}

/// Checks the request's `Content-Type` against `types` — upstream's default
/// export `typeis(req, types)`.
///
/// Returns [`TypeIs::NoBody`] when [`has_body`] is false, otherwise what
/// [`is`] says about the first `Content-Type` header (Node keeps only the
/// first one). With an empty `types` list a body's normalised type is
/// returned as the match.
pub fn type_is(headers: &HeaderMap, types: &[&str]) -> TypeIs {
    if !has_body(headers) {
        return TypeIs::NoBody;
    }
    let content_type = headers
        .get(http::header::CONTENT_TYPE)
        .map(|v| latin1(v.as_bytes()));
    match is(content_type.as_deref(), types) {
        Some(found) => TypeIs::Match(found),
        None => TypeIs::NoMatch,
    }
}

/// Whether a request has a body — upstream `hasBody(req)`.
///
/// True when `Transfer-Encoding` is present (with any value) or when the
/// first `Content-Length` converts to a number the way JavaScript's `Number()`
/// does (so `"0"`, `" 12 "`, `"0x1F"` and even `""` count, `"bogus"` does
/// not).
pub fn has_body(headers: &HeaderMap) -> bool {
    if headers.contains_key(http::header::TRANSFER_ENCODING) {
        return true;
    }
    headers
        .get(http::header::CONTENT_LENGTH)
        .is_some_and(|v| !js_number_is_nan(&latin1(v.as_bytes())))
}

/// Checks one media type (for example a response's `Content-Type`) against
/// `types` — upstream `typeis.is(mediaType, types)`.
///
/// `None` means no match (upstream `false`): the value is missing, empty or
/// malformed, or no offer matches. With an empty `types` list the normalised
/// type itself is returned. A matching offer comes back as written, unless it
/// was a pattern (starts with `+` or contains `*`), in which case the
/// normalised type comes back.
pub fn is(media_type: Option<&str>, types: &[&str]) -> Option<String> {
    let actual = normalize_type(media_type?)?;
    if types.is_empty() {
        return Some(actual);
    }
    for offer in types {
        let expected = normalize(offer);
        if mime_match(expected.as_deref(), &actual) {
            return Some(if offer.starts_with('+') || offer.contains('*') {
                actual
            } else {
                (*offer).to_owned()
            });
        }
    }
    None
}

/// Expands an offered type the way upstream's `normalize` does, or `None`
/// (upstream `false`) for an unknown extension.
pub fn normalize(offer: &str) -> Option<String> {
    match offer {
        "urlencoded" => return Some("application/x-www-form-urlencoded".to_owned()),
        "multipart" => return Some("multipart/*".to_owned()),
        _ => {}
    }
    if offer.starts_with('+') {
        return Some(format!("*/*{offer}"));
    }
    if offer.contains('/') {
        Some(offer.to_owned())
    } else {
        crate::mime_types::lookup(offer).map(str::to_owned)
    }
}

/// Whether `expected` (a normalised offer, possibly with `*` parts or a
/// `*+suffix` subtype) matches `actual` (a normalised body type) — upstream
/// `mimeMatch`. Both must be exactly `type/subtype`; the comparison is
/// case-sensitive because both sides are already normalised.
pub fn mime_match(expected: Option<&str>, actual: &str) -> bool {
    let Some(expected) = expected else {
        return false;
    };
    let actual: Vec<&str> = actual.split('/').collect();
    let expected: Vec<&str> = expected.split('/').collect();
    let ([act_type, act_sub], [exp_type, exp_sub]) = (actual.as_slice(), expected.as_slice())
    else {
        return false;
    };
    if *exp_type != "*" && exp_type != act_type {
        return false;
    }
    if let Some(suffix) = exp_sub.strip_prefix('*')
        && suffix.starts_with('+')
    {
        return act_sub.ends_with(suffix);
    }
    *exp_sub == "*" || exp_sub == act_sub
}

/// Parses a `Content-Type` value and returns it lower-cased without
/// parameters (`text/HTML; charset=utf-8` → `text/html`), or `None` when it
/// is empty or does not follow media-typer's grammar — upstream
/// `tryNormalizeType`.
pub fn normalize_type(value: &str) -> Option<String> {
    if value.is_empty() {
        return None;
    }
    let semicolon = value.find(';');
    let type_part = semicolon.map_or(value, |i| &value[..i]);

    // media-typer `splitType`: `^ *type/subtype *$` on the lower-cased text.
    let lower = type_part.to_lowercase();
    let trimmed = lower.trim_start_matches(' ');
    let (ty, rest) = trimmed.split_once('/')?;
    let sub_len = rest.find(' ').unwrap_or(rest.len());
    let (full_subtype, trailing) = rest.split_at(sub_len);
    if !trailing.chars().all(|c| c == ' ')
        || !is_name(ty, is_type_char)
        || !is_name(full_subtype, |c| is_type_char(c) || c == '.' || c == '+')
    {
        return None;
    }

    // media-typer `parse`: every parameter must follow, back to back.
    if let Some(mut at) = semicolon {
        while let Some(len) = parameter_len(&value[at..]) {
            at += len;
        }
        if at != value.len() {
            return None;
        }
    }

    // media-typer `format`: the subtype without its last `+suffix` must be a
    // subtype name (no `+`), and a non-empty suffix must be a type name.
    let (subtype, suffix) = match full_subtype.rfind('+') {
        Some(plus) => (&full_subtype[..plus], &full_subtype[plus + 1..]),
        None => (full_subtype, ""),
    };
    if !is_name(subtype, |c| is_type_char(c) || c == '.') {
        return None;
    }
    if suffix.is_empty() {
        return Some(format!("{ty}/{subtype}"));
    }
    if !is_name(suffix, is_type_char) {
        return None;
    }
    Some(format!("{ty}/{subtype}+{suffix}"))
}

/// media-typer's name rule: an ASCII letter or digit, then at most 126 more
/// characters accepted by `rest`.
fn is_name(s: &str, rest: impl Fn(char) -> bool) -> bool {
    let mut chars = s.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    first.is_ascii_alphanumeric() && s.len() <= 127 && chars.all(rest)
}

/// Characters of media-typer's type names after the first.
fn is_type_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '!' | '#' | '$' | '&' | '^' | '_' | '-')
}

/// RFC 7230 `tchar`, the token characters of media-typer's parameters.
fn is_token_char(c: char) -> bool {
    c.is_ascii_alphanumeric()
        || matches!(
            c,
            '!' | '#'
                | '$'
                | '%'
                | '&'
                | '\''
                | '*'
                | '+'
                | '-'
                | '.'
                | '^'
                | '_'
                | '`'
                | '|'
                | '~'
        )
}

/// Length of one `; key=value` parameter at the start of `s` (media-typer's
/// `paramRegExp`: spaces around `=` and after the value allowed, the value a
/// token or a quoted string), or `None` when none starts there.
fn parameter_len(s: &str) -> Option<usize> {
    let mut rest = s.strip_prefix(';')?.trim_start_matches(' ');
    let key_len = rest.find(|c| !is_token_char(c)).unwrap_or(rest.len());
    if key_len == 0 {
        return None;
    }
    rest = rest[key_len..].trim_start_matches(' ');
    rest = rest.strip_prefix('=')?.trim_start_matches(' ');
    let value_len = if let Some(body) = rest.strip_prefix('"') {
        1 + quoted_len(body)?
    } else {
        rest.find(|c| !is_token_char(c)).unwrap_or(rest.len())
    };
    if value_len == 0 {
        return None;
    }
    rest = rest[value_len..].trim_start_matches(' ');
    Some(s.len() - rest.len())
}

/// Length of a quoted string's body including the closing quote: printable
/// ASCII (minus `"` and `\`) or Latin-1 letters, or `\` followed by printable
/// ASCII.
fn quoted_len(body: &str) -> Option<usize> {
    let mut chars = body.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return Some(i + 1),
            '\\' => match chars.next() {
                Some((_, ' '..='~')) => {}
                _ => return None,
            },
            ' ' | '!' | '#'..='[' | ']'..='~' | '\u{80}'..='\u{ff}' => {}
            _ => return None,
        }
    }
    None
}

/// Header bytes as Node shows them: one character per byte (Latin-1).
fn latin1(bytes: &[u8]) -> String {
    bytes.iter().copied().map(char::from).collect()
}

/// Whether JavaScript's `Number(s)` is NaN (upstream's `isNaN(header)`): the
/// trimmed text must be empty, a decimal literal (optionally signed, with
/// `Infinity`), or an unsigned `0x`/`0o`/`0b` integer.
fn js_number_is_nan(s: &str) -> bool {
    let s = s.trim_matches(is_js_whitespace);
    if s.is_empty() {
        return false;
    }
    let bytes = s.as_bytes();
    if bytes.len() > 2 && bytes[0] == b'0' {
        let radix = match bytes[1] {
            b'x' | b'X' => 16,
            b'o' | b'O' => 8,
            b'b' | b'B' => 2,
            _ => 0,
        };
        if radix != 0 {
            return !s[2..].chars().all(|c| c.is_digit(radix));
        }
    }
    let unsigned = s.strip_prefix(['+', '-']).unwrap_or(s);
    if unsigned == "Infinity" {
        return false;
    }
    let (mantissa, exponent) = match unsigned.find(['e', 'E']) {
        Some(e) => (&unsigned[..e], Some(&unsigned[e + 1..])),
        None => (unsigned, None),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits = |t: &str| t.bytes().all(|b| b.is_ascii_digit());
    let mantissa_ok = digits(int) && digits(frac) && !(int.is_empty() && frac.is_empty());
    let exponent_ok = exponent.is_none_or(|e| {
        let e = e.strip_prefix(['+', '-']).unwrap_or(e);
        !e.is_empty() && digits(e)
    });
    !(mantissa_ok && exponent_ok)
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;
    use proptest::prelude::*;

    /// A request with a body (`Transfer-Encoding: chunked`) and the given
    /// `Content-Type`, like upstream's test helper.
    fn request(content_type: Option<&str>) -> HeaderMap {
        let mut map = HeaderMap::new();
        map.insert("transfer-encoding", HeaderValue::from_static("chunked"));
        if let Some(ct) = content_type {
            map.insert("content-type", HeaderValue::from_str(ct).unwrap());
        }
        map
    }

    fn matched(s: &str) -> TypeIs {
        TypeIs::Match(s.to_owned())
    }

    #[test]
    fn request_type_ignores_parameters_and_their_spacing() {
        assert_eq!(
            type_is(&request(Some("text/html; charset=utf-8")), &["text/*"]),
            matched("text/html")
        );
        assert_eq!(
            type_is(&request(Some("text/html ; charset=utf-8")), &["text/*"]),
            matched("text/html")
        );
    }

    #[test]
    fn request_type_ignores_case() {
        assert_eq!(
            type_is(&request(Some("text/HTML")), &["text/*"]),
            matched("text/html")
        );
    }

    #[test]
    fn invalid_request_type_never_matches() {
        assert_eq!(
            type_is(&request(Some("text/html**")), &["text/*"]),
            TypeIs::NoMatch
        );
        assert_eq!(
            type_is(&request(Some("text/html; charset")), &["text/*"]),
            TypeIs::NoMatch
        );
    }

    #[test]
    fn malformed_offers_never_match() {
        assert_eq!(
            type_is(&request(Some("text/html")), &["text/html/"]),
            TypeIs::NoMatch
        );
        assert_eq!(type_is(&request(Some("text/html")), &[""]), TypeIs::NoMatch);
    }

    #[test]
    fn request_without_body_is_no_body_whatever_the_type() {
        let bare = HeaderMap::new();
        assert_eq!(type_is(&bare, &[]), TypeIs::NoBody);
        assert_eq!(type_is(&bare, &["image/*"]), TypeIs::NoBody);
        assert_eq!(type_is(&bare, &["image/*", "text/*"]), TypeIs::NoBody);
        let mut typed = HeaderMap::new();
        typed.insert("content-type", HeaderValue::from_static("text/html"));
        assert_eq!(type_is(&typed, &["*/*"]), TypeIs::NoBody);
    }

    #[test]
    fn body_without_content_type_is_no_match() {
        let req = request(None);
        assert_eq!(type_is(&req, &[]), TypeIs::NoMatch);
        assert_eq!(type_is(&req, &["image/*"]), TypeIs::NoMatch);
        assert_eq!(type_is(&req, &["text/*", "image/*"]), TypeIs::NoMatch);
    }

    #[test]
    fn no_offers_returns_the_body_type() {
        assert_eq!(
            type_is(&request(Some("image/png")), &[]),
            matched("image/png")
        );
        assert_eq!(is(Some("image/png"), &[]).as_deref(), Some("image/png"));
    }

    #[test]
    fn single_offer_returns_the_offer_or_the_type_for_patterns() {
        let req = request(Some("image/png"));
        for (offer, expected) in [
            ("png", matched("png")),
            (".png", matched(".png")),
            ("image/png", matched("image/png")),
            ("image/*", matched("image/png")),
            ("*/png", matched("image/png")),
            ("jpeg", TypeIs::NoMatch),
            (".jpeg", TypeIs::NoMatch),
            ("image/jpeg", TypeIs::NoMatch),
            ("text/*", TypeIs::NoMatch),
            ("*/jpeg", TypeIs::NoMatch),
            ("bogus", TypeIs::NoMatch),
            ("something/bogus*", TypeIs::NoMatch),
        ] {
            assert_eq!(type_is(&req, &[offer]), expected, "offer {offer}");
            assert_eq!(
                is(Some("image/png"), &[offer]).as_deref(),
                expected.matched()
            );
        }
    }

    #[test]
    fn several_offers_return_the_first_match() {
        let req = request(Some("image/png"));
        for (offers, expected) in [
            (&["text/*", "image/*"][..], Some("image/png")),
            (&["image/*", "text/*"][..], Some("image/png")),
            (&["image/*", "image/png"][..], Some("image/png")),
            (&["image/png", "image/*"][..], Some("image/png")),
            (&["text/*", "application/*"][..], None),
            (&["text/html", "text/plain", "application/json"][..], None),
        ] {
            assert_eq!(
                type_is(&req, offers).matched(),
                expected,
                "offers {offers:?}"
            );
            assert_eq!(is(Some("image/png"), offers).as_deref(), expected);
        }
    }

    #[test]
    fn suffix_offers_match_structured_syntax_types() {
        let req = request(Some("application/vnd+json"));
        for (offer, expected) in [
            ("+json", Some("application/vnd+json")),
            ("application/vnd+json", Some("application/vnd+json")),
            ("application/*+json", Some("application/vnd+json")),
            ("*/vnd+json", Some("application/vnd+json")),
            ("application/json", None),
            ("text/*+json", None),
        ] {
            assert_eq!(type_is(&req, &[offer]).matched(), expected, "offer {offer}");
            assert_eq!(
                is(Some("application/vnd+json"), &[offer]).as_deref(),
                expected
            );
        }
    }

    #[test]
    fn any_type_offer_matches_every_valid_type() {
        for ct in [
            "text/html",
            "text/xml",
            "application/json",
            "application/vnd+json",
        ] {
            assert_eq!(type_is(&request(Some(ct)), &["*/*"]), matched(ct));
            assert_eq!(is(Some(ct), &["*/*"]).as_deref(), Some(ct));
        }
        assert_eq!(type_is(&request(Some("bogus")), &["*/*"]), TypeIs::NoMatch);
        assert_eq!(is(Some("bogus"), &["*/*"]), None);
    }

    #[test]
    fn urlencoded_shorthand_matches_form_bodies() {
        let ct = "application/x-www-form-urlencoded";
        for offers in [
            &["urlencoded"][..],
            &["json", "urlencoded"],
            &["urlencoded", "json"],
        ] {
            assert_eq!(type_is(&request(Some(ct)), offers), matched("urlencoded"));
            assert_eq!(is(Some(ct), offers).as_deref(), Some("urlencoded"));
        }
    }

    #[test]
    fn multipart_shorthand_and_wildcard_match_form_data() {
        let req = request(Some("multipart/form-data"));
        assert_eq!(
            type_is(&req, &["multipart/*"]),
            matched("multipart/form-data")
        );
        assert_eq!(type_is(&req, &["multipart"]), matched("multipart"));
        assert_eq!(
            is(Some("multipart/form-data"), &["multipart"]).as_deref(),
            Some("multipart")
        );
    }

    #[test]
    fn json_shorthand_resolves_through_the_mime_table() {
        assert_eq!(
            is(Some("application/json; charset=utf-8"), &["json"]).as_deref(),
            Some("json")
        );
        assert_eq!(is(Some("text/html"), &["html"]).as_deref(), Some("html"));
        assert_eq!(is(Some("text/html"), &["json"]), None);
    }

    #[test]
    fn content_length_signals_a_body_when_numeric() {
        let with = |len: &str| {
            let mut map = HeaderMap::new();
            map.insert("content-length", HeaderValue::from_str(len).unwrap());
            has_body(&map)
        };
        assert!(with("1"));
        assert!(with("0"));
        assert!(!with("bogus"));
        // JavaScript's Number() leniency, kept on purpose.
        assert!(with(" 12 "));
        assert!(with("0x1F"));
        assert!(with(""));
        assert!(with("1e3"));
        assert!(with("-Infinity"));
        assert!(!with("0x"));
        assert!(!with("1_000"));
        assert!(!with("12px"));
    }

    #[test]
    fn transfer_encoding_signals_a_body() {
        let mut map = HeaderMap::new();
        map.insert("transfer-encoding", HeaderValue::from_static("chunked"));
        assert!(has_body(&map));
        assert!(!has_body(&HeaderMap::new()));
    }

    #[test]
    fn media_type_check_fails_without_a_type() {
        assert_eq!(is(None, &[]), None);
        assert_eq!(is(Some(""), &["application/json"]), None);
        assert_eq!(is(None, &["image/*"]), None);
        assert_eq!(is(None, &["text/*", "image/*"]), None);
    }

    #[test]
    fn media_type_check_ignores_parameters_and_case_and_rejects_invalid() {
        assert_eq!(
            is(Some("text/html; charset=utf-8"), &["text/*"]).as_deref(),
            Some("text/html")
        );
        assert_eq!(
            is(Some("text/HTML"), &["text/*"]).as_deref(),
            Some("text/html")
        );
        assert_eq!(is(Some("text/html**"), &["text/*"]), None);
        assert_eq!(is(Some("text/html"), &["text/html/"]), None);
    }

    #[test]
    fn normalised_type_follows_media_typer_format() {
        assert_eq!(normalize_type("text/html+").as_deref(), Some("text/html"));
        assert_eq!(normalize_type("a/b++c"), None);
        assert_eq!(
            normalize_type("application/vnd+json; a=b").as_deref(),
            Some("application/vnd+json")
        );
        assert_eq!(
            normalize_type("  text/plain  ").as_deref(),
            Some("text/plain")
        );
        assert_eq!(normalize_type("\ttext/plain"), None);
        assert_eq!(
            normalize_type(r#"text/plain; a="x\"y" ;b=c "#).as_deref(),
            Some("text/plain")
        );
        assert_eq!(normalize_type("text/plain;a=b;"), None);
        assert_eq!(normalize_type("text/plain; a=\"unterminated"), None);
        assert_eq!(
            normalize_type(&format!("text/{}", "a".repeat(127))).map(|s| s.len()),
            Some(132)
        );
        assert_eq!(normalize_type(&format!("text/{}", "a".repeat(128))), None);
        assert_eq!(normalize_type("application/vnd+json.x"), None);
    }

    #[test]
    fn request_content_type_bytes_are_read_as_latin1() {
        let mut map = request(None);
        map.insert(
            "content-type",
            HeaderValue::from_bytes(b"text/plain; a=\"\xe9\"").unwrap(),
        );
        assert_eq!(type_is(&map, &["text/*"]), matched("text/plain"));
    }

    proptest! {
        #[test]
        fn type_checks_never_panic_and_matches_come_from_offers_or_the_type(
            value in "[ -~\u{80}-\u{ff}]{0,40}",
            offers in prop::collection::vec("[a-z*+/.-]{0,12}", 0..4),
        ) {
            let offers: Vec<&str> = offers.iter().map(String::as_str).collect();
            let normalized = normalize_type(&value);
            if let Some(found) = is(Some(&value), &offers) {
                prop_assert!(offers.contains(&found.as_str()) || Some(&found) == normalized.as_ref());
            }
            if let Ok(header) = HeaderValue::from_str(&value) {
                let mut map = request(None);
                map.insert("content-type", header);
                let _ = type_is(&map, &offers);
            }
        }

        #[test]
        fn normalising_is_idempotent(value in "[ -~]{0,40}") {
            if let Some(once) = normalize_type(&value) {
                prop_assert_eq!(normalize_type(&once), Some(once.clone()));
                prop_assert_eq!(once.to_lowercase(), once);
            }
        }

        #[test]
        fn content_length_check_never_panics(value in "[ -~]{0,20}") {
            let _ = js_number_is_nan(&value);
        }
    }
}
