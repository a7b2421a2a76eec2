//! Node's `http.STATUS_CODES`: the reason phrase Node writes after the status code.
//!
//! Node keeps its own table
//! ([`lib/_http_server.js`, `STATUS_CODES`](https://github.com/nodejs/node/blob/v20.20.2/lib/_http_server.js))
//! and writes `unknown` for a code that is not in it. hyper writes the `http` crate's
//! canonical reasons instead, and a few of those differ from Node's (`418 I'm a teapot`
//! against Node's `I'm a Teapot`, for one). Because a reader compares our wire bytes with
//! Node's, we keep Node's table and tell hyper to use it only where the two disagree, so
//! the common case (`200 OK`) costs nothing extra.

/// The reason phrase Node writes for `code`, or `None` when Node's table has no entry
/// (Node then writes `unknown`).
pub fn status_text(code: u16) -> Option<&'static str> {
    Some(match code {
        100 => "Continue",
        101 => "Switching Protocols",
        102 => "Processing",
        103 => "Early Hints",
        200 => "OK",
        201 => "Created",
        202 => "Accepted",
        203 => "Non-Authoritative Information",
        204 => "No Content",
        205 => "Reset Content",
        206 => "Partial Content",
        207 => "Multi-Status",
        208 => "Already Reported",
        226 => "IM Used",
        300 => "Multiple Choices",
        301 => "Moved Permanently",
        302 => "Found",
        303 => "See Other",
        304 => "Not Modified",
        305 => "Use Proxy",
        307 => "Temporary Redirect",
        308 => "Permanent Redirect",
        400 => "Bad Request",
        401 => "Unauthorized",
        402 => "Payment Required",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        406 => "Not Acceptable",
        407 => "Proxy Authentication Required",
        408 => "Request Timeout",
        409 => "Conflict",
        410 => "Gone",
        411 => "Length Required",
        412 => "Precondition Failed",
        413 => "Payload Too Large",
        414 => "URI Too Long",
        415 => "Unsupported Media Type",
        416 => "Range Not Satisfiable",
        417 => "Expectation Failed",
        418 => "I'm a Teapot",
        421 => "Misdirected Request",
        422 => "Unprocessable Entity",
        423 => "Locked",
        424 => "Failed Dependency",
        425 => "Too Early",
        426 => "Upgrade Required",
        428 => "Precondition Required",
        429 => "Too Many Requests",
        431 => "Request Header Fields Too Large",
        451 => "Unavailable For Legal Reasons",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        505 => "HTTP Version Not Supported",
        506 => "Variant Also Negotiates",
        507 => "Insufficient Storage",
        508 => "Loop Detected",
        509 => "Bandwidth Limit Exceeded",
        510 => "Not Extended",
        511 => "Network Authentication Required",
        _ => return None,
    })
}

// ANCHOR: reason_override
/// The phrase to put on the wire for `code` when it is not hyper's own canonical one.
///
/// Returns `None` when hyper would already write what Node writes, so the caller can
/// skip attaching a [`hyper::ext::ReasonPhrase`] (an allocation) in the common case.
pub(crate) fn node_reason_override(code: http::StatusCode) -> Option<&'static str> {
    let node = status_text(code.as_u16()).unwrap_or("unknown");
    match code.canonical_reason() {
        Some(canonical) if canonical == node => None,
        _ => Some(node),
    }
}
// ANCHOR_END: reason_override

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_codes_need_no_override() {
        for code in [200, 201, 204, 301, 302, 304, 400, 404, 500] {
            let status = http::StatusCode::from_u16(code).unwrap();
            assert_eq!(node_reason_override(status), None, "{code}");
        }
    }

    #[test]
    fn node_spellings_win_where_they_differ() {
        let teapot = http::StatusCode::from_u16(418).unwrap();
        assert_eq!(node_reason_override(teapot), Some("I'm a Teapot"));
        let odd = http::StatusCode::from_u16(799).unwrap();
        assert_eq!(node_reason_override(odd), Some("unknown"));
    }
}
