//! HTTP status codes: code → reason phrase, phrase → code, and the small sets Koa
//! asks about (statuses that carry no body, redirects, retryable failures).
//!
//! Mirrors the npm package **statuses 1.5.0**, the version Koa 2.16 really installs
//! (its `package.json` asks for `statuses ^1.5.0`, and http-errors 1.8 for
//! `>= 1.5.0 < 2`). The table is its `codes.json`
//! (<https://github.com/jshttp/statuses/blob/v1.5.0/codes.json>); the functions mirror
//! <https://github.com/jshttp/statuses/blob/v1.5.0/index.js>:
//!
//! | upstream | here |
//! |---|---|
//! | `status[code]` (the module object is also the code → message map) | [`message`] |
//! | `status[msg.toLowerCase()]` (… and the message → code map) | [`code`] |
//! | `status.STATUS_CODES` | [`STATUS_CODES`] |
//! | `status.codes` | [`codes`] |
//! | `status.empty`, `status.redirect`, `status.retry` | [`is_empty`], [`is_redirect`], [`is_retry`] |
//! | `status(code)` with a number | [`status`] |
//! | `status(code)` with a string | [`lookup`] |
//!
//! Koa reads this table to fill `ctx.message` when a status is set, to decide that a
//! 204/205/304 response has no body, that a redirect gets a body saying where to go,
//! and to pick the text of an error response. It never calls `status(code)` itself;
//! that function is here for completeness (http-errors does not call it either).
//!
//! In 1.5.0, `status(…)` *validates*: it answers with the status **code** for a known
//! number, a numeric string or a reason phrase, and throws otherwise. (2.0 changed it
//! to answer a number with its message.)
//!
//! ## statuses 2.0 (Koa 3)
//!
//! Koa 3 depends on statuses 2, whose table is Node's `http.STATUS_CODES` (Node 20
//! has exactly that table). Against 1.5.0 it differs in three rows: there is no
//! `306 (Unused)`, 418 reads `I'm a Teapot` (1.5.0: `I'm a teapot`) and 425 reads
//! `Too Early` (1.5.0: `Unordered Collection`). Its API moved the maps to
//! `status.message[code]` and `status.code[msg]`, and `status(404)` returns the
//! message `Not Found` instead of `404`. The sets are the same in both versions.
//! See <https://github.com/jshttp/statuses/blob/v2.0.1/HISTORY.md>.

use crate::js::is_js_whitespace;

/// Every status code statuses 1.5.0 knows, ascending, with its reason phrase
/// (upstream's `codes.json`, exposed upstream as `status.STATUS_CODES`).
pub const STATUS_CODES: &[(u16, &str)] = &[
    (100, "Continue"),
    (101, "Switching Protocols"),
    (102, "Processing"),
    (103, "Early Hints"),
    (200, "OK"),
    (201, "Created"),
    (202, "Accepted"),
    (203, "Non-Authoritative Information"),
    (204, "No Content"),
    (205, "Reset Content"),
    (206, "Partial Content"),
    (207, "Multi-Status"),
    (208, "Already Reported"),
    (226, "IM Used"),
    (300, "Multiple Choices"),
    (301, "Moved Permanently"),
    (302, "Found"),
    (303, "See Other"),
    (304, "Not Modified"),
    (305, "Use Proxy"),
    (306, "(Unused)"),
    (307, "Temporary Redirect"),
    (308, "Permanent Redirect"),
    (400, "Bad Request"),
    (401, "Unauthorized"),
    (402, "Payment Required"),
    (403, "Forbidden"),
    (404, "Not Found"),
    (405, "Method Not Allowed"),
    (406, "Not Acceptable"),
    (407, "Proxy Authentication Required"),
    (408, "Request Timeout"),
    (409, "Conflict"),
    (410, "Gone"),
    (411, "Length Required"),
    (412, "Precondition Failed"),
    (413, "Payload Too Large"),
    (414, "URI Too Long"),
    (415, "Unsupported Media Type"),
    (416, "Range Not Satisfiable"),
    (417, "Expectation Failed"),
    (418, "I'm a teapot"),
    (421, "Misdirected Request"),
    (422, "Unprocessable Entity"),
    (423, "Locked"),
    (424, "Failed Dependency"),
    (425, "Unordered Collection"),
    (426, "Upgrade Required"),
    (428, "Precondition Required"),
    (429, "Too Many Requests"),
    (431, "Request Header Fields Too Large"),
    (451, "Unavailable For Legal Reasons"),
    (500, "Internal Server Error"),
    (501, "Not Implemented"),
    (502, "Bad Gateway"),
    (503, "Service Unavailable"),
    (504, "Gateway Timeout"),
    (505, "HTTP Version Not Supported"),
    (506, "Variant Also Negotiates"),
    (507, "Insufficient Storage"),
    (508, "Loop Detected"),
    (509, "Bandwidth Limit Exceeded"),
    (510, "Not Extended"),
    (511, "Network Authentication Required"),
];

/// Statuses whose responses carry no body (upstream's `status.empty`).
pub const EMPTY: [u16; 3] = [204, 205, 304];

/// Statuses that are redirects (upstream's `status.redirect`; note 304 and 306 are not).
pub const REDIRECT: [u16; 7] = [300, 301, 302, 303, 305, 307, 308];

/// Statuses after which a client may retry (upstream's `status.retry`).
pub const RETRY: [u16; 3] = [502, 503, 504];

/// Why [`status`] or [`lookup`] refused its input; messages are upstream's, verbatim.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StatusError {
    /// A number that is not in the table. The payload is the number as JavaScript
    /// would print it (so `-0` prints `0`).
    #[error("invalid status code: {0}")]
    InvalidCode(String),
    /// A reason phrase that is not in the table (kept as given, not lower-cased).
    #[error("invalid status message: \"{0}\"")]
    InvalidMessage(String),
}

/// `status[code]`: the reason phrase of a known code (`404` → `Not Found`). This is
/// the lookup Koa 2.16 makes everywhere (`statuses[code]`).
pub fn message(code: u16) -> Option<&'static str> {
    STATUS_CODES
        .binary_search_by_key(&code, |&(c, _)| c)
        .ok()
        .map(|i| STATUS_CODES[i].1)
}

/// `status[msg.toLowerCase()]`: the code of a reason phrase, compared
/// case-insensitively with JavaScript's (Unicode) lower-casing, as `status(msg)` does.
pub fn code(message: &str) -> Option<u16> {
    let wanted = message.to_lowercase();
    STATUS_CODES
        .iter()
        .find(|(_, text)| text.to_ascii_lowercase() == wanted)
        .map(|&(c, _)| c)
}

/// `status.codes`: every known code, ascending.
pub fn codes() -> impl Iterator<Item = u16> {
    STATUS_CODES.iter().map(|&(c, _)| c)
}

/// `status.empty[code]`: does a response with this status carry no body?
pub fn is_empty(code: u16) -> bool {
    EMPTY.contains(&code)
}

/// `status.redirect[code]`: is this a redirect status?
pub fn is_redirect(code: u16) -> bool {
    REDIRECT.contains(&code)
}

/// `status.retry[code]`: may the request be retried after this status?
pub fn is_retry(code: u16) -> bool {
    RETRY.contains(&code)
}

/// `status(code)` with a number: the code itself when the table knows it, otherwise
/// `invalid status code: <code>`.
pub fn status(code: u16) -> Result<u16, StatusError> {
    match message(code) {
        Some(_) => Ok(code),
        None => Err(StatusError::InvalidCode(code.to_string())),
    }
}

/// `status(code)` with a string: the status code it names.
///
/// As upstream, the string is first read with JavaScript's `parseInt(s, 10)` (leading
/// white space, a sign, then as many digits as there are; `"404 Not Found"` reads as
/// 404). A number must be in the table (else `invalid status code: …`); anything
/// else is looked up as a reason phrase, case-insensitively (else
/// `invalid status message: "…"`).
///
/// One deliberate difference: upstream looks the lower-cased phrase up as a property
/// of the module's own function object, so a few names that are not phrases hit
/// JavaScript properties instead — `status('length')` answers `1`,
/// `status('constructor')` a function, `status('arguments')` throws a `TypeError`
/// (recorded on Node 20). Here they are unknown phrases, like any other.
pub fn lookup(input: &str) -> Result<u16, StatusError> {
    match parse_int(input) {
        Some(n) => match as_u16(n).filter(|&c| message(c).is_some()) {
            Some(c) => Ok(c),
            None => Err(StatusError::InvalidCode(js_number_to_string(n))),
        },
        None => code(input).ok_or_else(|| StatusError::InvalidMessage(input.to_owned())),
    }
}

/// The `u16` a JavaScript number stands for, if it is one.
fn as_u16(n: f64) -> Option<u16> {
    (n.fract() == 0.0 && (0.0..=f64::from(u16::MAX)).contains(&n)).then_some(n as u16)
}

/// `String(n)` for an integral JavaScript number: the shortest round-trip digits,
/// written out in full below 1e21 and in exponent form (`1e+21`) from there on, with
/// `-0` printed as `0`.
fn js_number_to_string(n: f64) -> String {
    if n == 0.0 {
        "0".to_owned()
    } else if n.is_infinite() {
        if n < 0.0 { "-Infinity" } else { "Infinity" }.to_owned()
    } else if n.abs() < 1e21 {
        // Rust's `Display` for f64 is also "shortest digits, then zeros".
        format!("{n}")
    } else {
        format!("{n:e}").replacen('e', "e+", 1)
    }
}

/// `parseInt(s, 10)`: leading white space, an optional sign, then the longest run of
/// decimal digits, read as a JavaScript number; `None` where JavaScript gives `NaN`.
fn parse_int(s: &str) -> Option<f64> {
    let s = s.trim_start_matches(is_js_whitespace);
    let (negative, rest) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let end = rest
        .bytes()
        .position(|b| !b.is_ascii_digit())
        .unwrap_or(rest.len());
    if end == 0 {
        return None;
    }
    // A run of ASCII digits always parses (huge ones become infinity, as in JS).
    let magnitude: f64 = rest[..end].parse().ok()?;
    Some(if negative { -magnitude } else { magnitude })
}

#[cfg(test)]
mod tests {
    //! Behaviours from statuses 1.5.0's `test/test.js`
    //! (<https://github.com/jshttp/statuses/blob/v1.5.0/test/test.js>), plus vectors
    //! recorded from statuses 1.5.0 on Node v20.20.2.

    use super::*;

    #[test]
    fn a_known_number_is_accepted_and_returned() {
        assert_eq!(status(200), Ok(200));
        assert_eq!(status(404), Ok(404));
        assert_eq!(status(500), Ok(500));
        assert_eq!(status(306), Ok(306));
    }

    #[test]
    fn a_message_gives_its_code() {
        assert_eq!(lookup("OK"), Ok(200));
        assert_eq!(lookup("Not Found"), Ok(404));
        assert_eq!(lookup("Internal Server Error"), Ok(500));
    }

    #[test]
    fn a_numeric_string_gives_the_code() {
        assert_eq!(lookup("200"), Ok(200));
        assert_eq!(lookup("404"), Ok(404));
        assert_eq!(lookup("500"), Ok(500));
        assert_eq!(lookup("306"), Ok(306));
    }

    #[test]
    fn invalid_numbers_are_rejected_with_upstream_message() {
        for n in [0, 1000] {
            assert_eq!(
                status(n).unwrap_err().to_string(),
                format!("invalid status code: {n}")
            );
        }
    }

    #[test]
    fn unknown_codes_are_rejected() {
        for n in [299, 310] {
            assert!(matches!(status(n), Err(StatusError::InvalidCode(_))), "{n}");
        }
        assert_eq!(
            lookup("299").unwrap_err().to_string(),
            "invalid status code: 299"
        );
    }

    #[test]
    fn messages_are_case_insensitive() {
        assert_eq!(lookup("Ok"), Ok(200));
        assert_eq!(lookup("not found"), Ok(404));
        assert_eq!(lookup("NOT FOUND"), Ok(404));
        assert_eq!(lookup("INTERNAL SERVER ERROR"), Ok(500));
        assert_eq!(lookup("(unused)"), Ok(306));
        assert_eq!(lookup("I'm a Teapot"), Ok(418));
        assert_eq!(lookup("unordered collection"), Ok(425));
        // JavaScript's toLowerCase maps the Kelvin sign to 'k'; so does ours.
        assert_eq!(code("O\u{212a}"), Some(200));
    }

    #[test]
    fn unknown_messages_are_rejected_with_upstream_message() {
        // "too early" is 2.0's name for 425; 1.5.0 does not know it.
        for m in [
            "too many bugs",
            "too early",
            "STATUS_CODES",
            "hasOwnProperty",
        ] {
            assert_eq!(
                lookup(m).unwrap_err().to_string(),
                format!("invalid status message: \"{m}\"")
            );
        }
    }

    #[test]
    fn javascript_property_names_are_unknown_phrases_here() {
        // Upstream answers these from the function object (documented on `lookup`).
        for m in [
            "constructor",
            "__proto__",
            "length",
            "name",
            "codes",
            "arguments",
        ] {
            assert_eq!(
                lookup(m),
                Err(StatusError::InvalidMessage(m.to_owned())),
                "{m}"
            );
        }
    }

    #[test]
    fn string_is_read_like_parse_int() {
        assert_eq!(lookup("  404 Not Found"), Ok(404));
        assert_eq!(lookup("+200"), Ok(200));
        assert_eq!(lookup("0404"), Ok(404));
        assert_eq!(lookup("\u{a0}200"), Ok(200));
        assert_eq!(
            lookup("-1").unwrap_err().to_string(),
            "invalid status code: -1"
        );
        assert_eq!(
            lookup("-0").unwrap_err().to_string(),
            "invalid status code: 0"
        );
        // Big numbers print as JavaScript prints them.
        assert_eq!(
            lookup("99999999999999999999").unwrap_err().to_string(),
            "invalid status code: 100000000000000000000"
        );
        assert_eq!(
            lookup("1152921504606846976").unwrap_err().to_string(),
            "invalid status code: 1152921504606847000"
        );
        assert_eq!(
            lookup("1e3").unwrap_err().to_string(),
            "invalid status code: 1"
        );
        assert_eq!(
            lookup("1000000000000000000000").unwrap_err().to_string(),
            "invalid status code: 1e+21"
        );
        // "-" alone is NaN in JavaScript, so it is looked up as a message.
        assert_eq!(
            lookup("-").unwrap_err().to_string(),
            "invalid status message: \"-\""
        );
    }

    #[test]
    fn codes_are_those_of_statuses_1_5_0() {
        // require('statuses').codes, recorded from statuses 1.5.0.
        const RECORDED: &[u16] = &[
            100, 101, 102, 103, 200, 201, 202, 203, 204, 205, 206, 207, 208, 226, 300, 301, 302,
            303, 304, 305, 306, 307, 308, 400, 401, 402, 403, 404, 405, 406, 407, 408, 409, 410,
            411, 412, 413, 414, 415, 416, 417, 418, 421, 422, 423, 424, 425, 426, 428, 429, 431,
            451, 500, 501, 502, 503, 504, 505, 506, 507, 508, 509, 510, 511,
        ];
        let ours: Vec<u16> = codes().collect();
        assert_eq!(ours, RECORDED);
    }

    #[test]
    fn table_differs_from_node_20_in_three_rows_only() {
        // Every row where require('http').STATUS_CODES (Node v20.20.2, = statuses 2.0)
        // and statuses 1.5.0 disagree, recorded by comparing the two on Node.
        const NODE_20_DIFFERENCES: &[(u16, Option<&str>, Option<&str>)] = &[
            (306, Some("(Unused)"), None),
            (418, Some("I'm a teapot"), Some("I'm a Teapot")),
            (425, Some("Unordered Collection"), Some("Too Early")),
        ];
        for &(c, ours, _node) in NODE_20_DIFFERENCES {
            assert_eq!(message(c), ours, "{c}");
        }
        assert_eq!(
            STATUS_CODES.len(),
            63 + 1,
            "Node 20 has 63 codes, 1.5.0 adds 306"
        );
    }

    #[test]
    fn table_is_sorted_and_round_trips() {
        assert!(STATUS_CODES.windows(2).all(|w| w[0].0 < w[1].0));
        for &(c, text) in STATUS_CODES {
            assert_eq!(message(c), Some(text));
            assert_eq!(code(text), Some(c));
            assert_eq!(lookup(text), Ok(c));
            assert_eq!(status(c), Ok(c));
        }
    }

    #[test]
    fn status_codes_map_is_code_to_message() {
        assert_eq!(message(200), Some("OK"));
        assert_eq!(message(306), Some("(Unused)"));
        assert_eq!(message(418), Some("I'm a teapot"));
        assert_eq!(message(425), Some("Unordered Collection"));
        assert_eq!(message(299), None);
    }

    #[test]
    fn empty_includes_204() {
        assert!(is_empty(204));
        assert!(is_empty(205) && is_empty(304));
        assert!(!is_empty(200));
    }

    #[test]
    fn redirect_includes_308() {
        assert!(is_redirect(308));
        assert!(!is_redirect(304));
        assert!(!is_redirect(306));
    }

    #[test]
    fn retry_includes_504() {
        assert!(is_retry(504));
        assert!(!is_retry(500));
    }
}
