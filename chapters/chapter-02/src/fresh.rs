//! Conditional-GET freshness: the npm package `fresh` 0.5.2.
//!
//! Koa's `ctx.fresh` (in `lib/request.js`) calls
//! [fresh](https://github.com/jshttp/fresh/blob/v0.5.2/index.js) with the
//! request headers and the response headers set so far; when it says
//! *fresh*, a conditional-get middleware answers `304 Not Modified` instead
//! of sending the body again. [`fresh`] mirrors its single exported function,
//! step by step:
//!
//! 1. A request with neither `If-Modified-Since` nor `If-None-Match` is not a
//!    conditional request: **stale**.
//! 2. `Cache-Control: no-cache` from the client (an end-to-end reload, RFC
//!    2616 §14.9.4) is always **stale**; upstream looks for a comma-separated
//!    element that is exactly `no-cache` (case-sensitive, blanks around it
//!    allowed).
//! 3. `If-None-Match` (unless it is exactly `*`): the response must have an
//!    `ETag`, and one of the listed tags must equal it, comparing weakly — a
//!    `W/` prefix on either side is ignored. The list is split on commas with
//!    surrounding spaces dropped, upstream's `parseTokenList`, which does not
//!    understand quotes.
//! 4. `If-Modified-Since`: the response must have a `Last-Modified` no later
//!    than the client's date. Both dates must parse; an unreadable one is
//!    **stale**.
//! 5. Otherwise **fresh**. When both validators are present, both must pass.
//!
//! Headers are read the way Node presents them to upstream: bytes as
//! Latin-1; repeated `If-None-Match` and `Cache-Control` fields joined with
//! `", "`; only the first `If-Modified-Since`. On the response side a single
//! `ETag` compares as a string, and several compare as a JavaScript array
//! would (they can only match a `W/`-prefixed tag equal to the values joined
//! with `,`), which is what upstream does when `res.getHeaders()` holds an
//! array.
//!
//! **Dates.** Upstream uses JavaScript's `Date.parse`, which accepts nearly
//! anything. We parse with the `httpdate` crate, which accepts the three
//! HTTP-date forms of RFC 7231 §7.1.1.1 — exactly what a server writes in
//! `Last-Modified` and a client echoes back. Differences, all on dates no
//! conforming client sends: `httpdate` insists on the correct weekday and on
//! years 1970–9999, reads two-digit RFC 850 years 00–69 as 20xx (V8: 00–49),
//! and refuses ISO 8601 and other free forms that V8 would read (such a
//! request is then simply *stale*, so the full response is sent).

use http::HeaderMap;
use std::time::SystemTime;

use crate::js::is_js_whitespace;

/// Whether the response described by `res_headers` is still fresh for the
/// conditional request described by `req_headers` — upstream
/// `fresh(reqHeaders, resHeaders)`.
///
/// `true` means the client's cached copy may be used (Koa then answers 304);
/// `false` means stale: send the full response. See the module
/// documentation for the rules.
pub fn fresh(req_headers: &HeaderMap, res_headers: &HeaderMap) -> bool {
    let modified_since = first(req_headers, "if-modified-since").filter(|s| !s.is_empty());
    let none_match = joined(req_headers, "if-none-match", ", ").filter(|s| !s.is_empty());

    // Unconditional request.
    if modified_since.is_none() && none_match.is_none() {
        return false;
    }

    // End-to-end reload.
    if let Some(cache_control) = joined(req_headers, "cache-control", ", ")
        && has_no_cache(&cache_control)
    {
        return false;
    }

    if let Some(none_match) = none_match.filter(|n| n != "*") {
        let values: Vec<String> = res_headers
            .get_all(http::header::ETAG)
            .iter()
            .map(|v| latin1(v.as_bytes()))
            .collect();
        if !etag_listed(&none_match, &values) {
            return false;
        }
    }

    if let Some(modified_since) = modified_since {
        let last_modified = joined(res_headers, "last-modified", ",").filter(|s| !s.is_empty());
        let Some(last_modified) = last_modified else {
            return false;
        };
        match (
            parse_http_date(&last_modified),
            parse_http_date(&modified_since),
        ) {
            (Some(last), Some(since)) if last <= since => {}
            _ => return false,
        }
    }

    true
}

/// Whether one of the tags in `If-None-Match` equals the response's `ETag`
/// (`values`, one per header field), comparing weakly.
fn etag_listed(none_match: &str, values: &[String]) -> bool {
    let tags = parse_token_list(none_match);
    match values {
        [] => false,
        [etag] if etag.is_empty() => false,
        [etag] => tags.into_iter().any(|tag| {
            tag == etag
                || tag.strip_prefix("W/") == Some(etag.as_str())
                || etag.strip_prefix("W/") == Some(tag)
        }),
        several => {
            // A JavaScript array equals no string; only `'W/' + array` (the
            // values joined with ",") can equal a listed tag.
            let coerced = format!("W/{}", several.join(","));
            tags.into_iter().any(|tag| tag == coerced)
        }
    }
}

/// `Date.parse` stand-in: one of the three HTTP-date forms, or `None` (NaN).
fn parse_http_date(value: &str) -> Option<SystemTime> {
    httpdate::parse_http_date(value).ok()
}

/// Upstream's `CACHE_CONTROL_NO_CACHE_REGEXP`, `(?:^|,)\s*?no-cache\s*?(?:,|$)`:
/// some comma-separated element is `no-cache` once blanks are trimmed.
fn has_no_cache(cache_control: &str) -> bool {
    cache_control
        .split(',')
        .any(|element| element.trim_matches(is_js_whitespace) == "no-cache")
}

/// Upstream's `parseTokenList`: split on `,`, dropping spaces (only U+0020)
/// before and after each element; empty elements are kept.
fn parse_token_list(s: &str) -> Vec<&str> {
    s.split(',')
        .map(|element| element.trim_matches(' '))
        .collect()
}

/// The first value of a header, as Node keeps it for fields such as
/// `If-Modified-Since` whose duplicates it drops.
fn first(headers: &HeaderMap, name: &str) -> Option<String> {
    headers.get(name).map(|v| latin1(v.as_bytes()))
}

/// All values of a header joined with `sep`.
fn joined(headers: &HeaderMap, name: &str, sep: &str) -> Option<String> {
    let mut values = headers.get_all(name).iter();
    let mut out = latin1(values.next()?.as_bytes());
    for value in values {
        out.push_str(sep);
        out.push_str(&latin1(value.as_bytes()));
    }
    Some(out)
}

/// Header bytes as Node shows them: one character per byte (Latin-1).
fn latin1(bytes: &[u8]) -> String {
    bytes.iter().copied().map(char::from).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;
    use proptest::prelude::*;

    fn map(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for (name, value) in pairs {
            headers.append(*name, HeaderValue::from_str(value).unwrap());
        }
        headers
    }

    const EARLY: &str = "Sat, 01 Jan 2000 00:00:00 GMT";
    const LATE: &str = "Sat, 01 Jan 2000 01:00:00 GMT";

    #[test]
    fn unconditional_request_is_stale() {
        assert!(!fresh(&map(&[]), &map(&[])));
        assert!(!fresh(
            &map(&[("if-none-match", "")]),
            &map(&[("etag", "\"foo\"")])
        ));
    }

    #[test]
    fn matching_etag_is_fresh() {
        assert!(fresh(
            &map(&[("if-none-match", "\"foo\"")]),
            &map(&[("etag", "\"foo\"")])
        ));
    }

    #[test]
    fn mismatched_etag_is_stale() {
        assert!(!fresh(
            &map(&[("if-none-match", "\"foo\"")]),
            &map(&[("etag", "\"bar\"")])
        ));
    }

    #[test]
    fn any_listed_etag_may_match() {
        assert!(fresh(
            &map(&[("if-none-match", " \"bar\" , \"foo\"")]),
            &map(&[("etag", "\"foo\"")])
        ));
    }

    #[test]
    fn repeated_if_none_match_fields_are_one_list() {
        assert!(fresh(
            &map(&[("if-none-match", "\"bar\""), ("if-none-match", "\"foo\"")]),
            &map(&[("etag", "\"foo\"")])
        ));
    }

    #[test]
    fn missing_etag_is_stale() {
        assert!(!fresh(&map(&[("if-none-match", "\"foo\"")]), &map(&[])));
        assert!(!fresh(
            &map(&[("if-none-match", "\"foo\"")]),
            &map(&[("etag", "")])
        ));
    }

    #[test]
    fn weak_and_strong_etags_compare_weakly() {
        for (listed, etag) in [
            ("W/\"foo\"", "W/\"foo\""),
            ("W/\"foo\"", "\"foo\""),
            ("\"foo\"", "\"foo\""),
            ("\"foo\"", "W/\"foo\""),
        ] {
            assert!(
                fresh(&map(&[("if-none-match", listed)]), &map(&[("etag", etag)])),
                "{listed} against {etag}"
            );
        }
    }

    #[test]
    fn star_alone_matches_any_etag_but_not_inside_a_list() {
        assert!(fresh(
            &map(&[("if-none-match", "*")]),
            &map(&[("etag", "\"foo\"")])
        ));
        assert!(!fresh(
            &map(&[("if-none-match", "*, \"bar\"")]),
            &map(&[("etag", "\"foo\"")])
        ));
    }

    #[test]
    fn several_response_etags_compare_like_a_javascript_array() {
        let res = map(&[("etag", "\"a\""), ("etag", "\"b\"")]);
        assert!(!fresh(&map(&[("if-none-match", "\"a\"")]), &res));
        assert!(!fresh(&map(&[("if-none-match", "W/\"a\",\"b\"")]), &res));
        // parseTokenList splits the request list on commas, so the joined
        // form can never arrive in one piece: several ETags are never fresh
        // unless the client sends `*`.
        assert!(fresh(&map(&[("if-none-match", "*")]), &res));
    }

    #[test]
    fn modified_since_the_date_is_stale() {
        assert!(!fresh(
            &map(&[("if-modified-since", EARLY)]),
            &map(&[("last-modified", LATE)])
        ));
    }

    #[test]
    fn unmodified_since_the_date_is_fresh() {
        assert!(fresh(
            &map(&[("if-modified-since", LATE)]),
            &map(&[("last-modified", EARLY)])
        ));
        assert!(fresh(
            &map(&[("if-modified-since", EARLY)]),
            &map(&[("last-modified", EARLY)])
        ));
    }

    #[test]
    fn missing_last_modified_is_stale() {
        assert!(!fresh(&map(&[("if-modified-since", EARLY)]), &map(&[])));
    }

    #[test]
    fn unreadable_dates_are_stale() {
        assert!(!fresh(
            &map(&[("if-modified-since", "foo")]),
            &map(&[("last-modified", EARLY)])
        ));
        assert!(!fresh(
            &map(&[("if-modified-since", EARLY)]),
            &map(&[("last-modified", "foo")])
        ));
    }

    #[test]
    fn all_three_http_date_forms_are_read() {
        let res = map(&[("last-modified", "Sun, 06 Nov 1994 08:49:37 GMT")]);
        for since in [
            "Sun, 06 Nov 1994 08:49:37 GMT",
            "Sunday, 06-Nov-94 08:49:37 GMT",
            "Sun Nov  6 08:49:37 1994",
        ] {
            assert!(
                fresh(&map(&[("if-modified-since", since)]), &res),
                "{since}"
            );
        }
    }

    #[test]
    fn dates_outside_the_http_date_forms_are_stale() {
        // V8's Date.parse reads all of these, so upstream would call the
        // first two fresh; we only read HTTP-dates and send the full body.
        let res = map(&[("last-modified", EARLY)]);
        for since in [
            "2000-01-02T00:00:00Z",
            "Mon, 01 Jan 2000 01:00:00 GMT",
            "Sat, 01 Jan 2000 01:00:00 gmt",
        ] {
            assert!(
                !fresh(&map(&[("if-modified-since", since)]), &res),
                "{since}"
            );
        }
    }

    #[test]
    fn only_the_first_if_modified_since_counts() {
        let req = map(&[("if-modified-since", LATE), ("if-modified-since", "foo")]);
        assert!(fresh(&req, &map(&[("last-modified", EARLY)])));
    }

    #[test]
    fn both_validators_must_pass() {
        let req = map(&[("if-none-match", "\"foo\""), ("if-modified-since", LATE)]);
        assert!(fresh(
            &req,
            &map(&[("etag", "\"foo\""), ("last-modified", EARLY)])
        ));

        let req = map(&[("if-none-match", "\"foo\""), ("if-modified-since", EARLY)]);
        assert!(!fresh(
            &req,
            &map(&[("etag", "\"foo\""), ("last-modified", LATE)])
        ));

        let req = map(&[("if-none-match", "\"foo\""), ("if-modified-since", LATE)]);
        assert!(!fresh(
            &req,
            &map(&[("etag", "\"bar\""), ("last-modified", EARLY)])
        ));

        let req = map(&[("if-none-match", "\"foo\""), ("if-modified-since", EARLY)]);
        assert!(!fresh(
            &req,
            &map(&[("etag", "\"bar\""), ("last-modified", LATE)])
        ));
    }

    #[test]
    fn no_cache_request_is_always_stale() {
        assert!(!fresh(&map(&[("cache-control", " no-cache")]), &map(&[])));
        assert!(!fresh(
            &map(&[("cache-control", " no-cache"), ("if-none-match", "\"foo\"")]),
            &map(&[("etag", "\"foo\"")])
        ));
        assert!(!fresh(
            &map(&[("cache-control", " no-cache"), ("if-modified-since", LATE)]),
            &map(&[("last-modified", EARLY)])
        ));
        assert!(!fresh(
            &map(&[
                ("cache-control", "max-age=0, no-cache"),
                ("if-none-match", "\"foo\"")
            ]),
            &map(&[("etag", "\"foo\"")])
        ));
    }

    #[test]
    fn no_cache_must_be_a_whole_directive() {
        let res = map(&[("etag", "\"foo\"")]);
        for cc in [
            "no-cache=\"set-cookie\"",
            "x-no-cache",
            "NO-CACHE",
            "max-age=0",
        ] {
            assert!(
                fresh(
                    &map(&[("cache-control", cc), ("if-none-match", "\"foo\"")]),
                    &res
                ),
                "{cc}"
            );
        }
    }

    #[test]
    fn token_list_trims_spaces_only() {
        assert_eq!(parse_token_list(" a ,b,, c"), ["a", "b", "", "c"]);
        assert_eq!(parse_token_list("\ta"), ["\ta"]);
    }

    proptest! {
        #[test]
        fn freshness_never_panics(
            inm in "[ -~]{0,20}",
            ims in "[ -~]{0,30}",
            cc in "[ -~]{0,12}",
            etag in "[ -~]{0,12}",
            lm in "[ -~]{0,30}",
        ) {
            let req = map(&[("if-none-match", &inm), ("if-modified-since", &ims), ("cache-control", &cc)]);
            let res = map(&[("etag", &etag), ("last-modified", &lm)]);
            let _ = fresh(&req, &res);
        }

        #[test]
        fn unconditional_requests_are_never_fresh(etag in "[ -~]{0,12}", cc in "[ -~]{0,12}") {
            let req = map(&[("cache-control", &cc)]);
            prop_assert!(!fresh(&req, &map(&[("etag", &etag)])));
        }

        #[test]
        fn an_etag_listed_verbatim_is_fresh(tag in "\"[!#-+\\--~]{0,10}\"", others in prop::collection::vec("\"[a-z]{0,5}\"", 0..3)) {
            let mut list = others.clone();
            list.push(tag.clone());
            let req = map(&[("if-none-match", &list.join(", "))]);
            prop_assert!(fresh(&req, &map(&[("etag", &tag)])));
            let weak = format!("W/{tag}");
            prop_assert!(fresh(&req, &map(&[("etag", &weak)])));
        }
    }
}
