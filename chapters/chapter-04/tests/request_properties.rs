//! Properties of `ctx.request` (Koa's [`lib/request.js` at
//! v2.16.4](https://github.com/koajs/koa/blob/v2.16.4/lib/request.js)), checked on
//! contexts made without a socket:
//!
//! - (a) the `query`, `querystring` and `search` setters round-trip, keep the path and
//!   the hash, and never change `original_url`;
//! - (b) `ips` and `ip` equal a simple model of Koa's getters for any `X-Forwarded-For`
//!   lines, trust setting and `max_ips_count`;
//! - (c) the `accepts*` family (and `is`, `type`, `charset`) never panic on arbitrary
//!   header values, and a match is always one of the offers;
//! - (d) hostile `Host` / `X-Forwarded-*` values never panic, and `host()` never holds
//!   a comma — except through one quirk Koa has too (see [`host_has_no_comma`]).

use bytes::Bytes;
use chapter_04::{Application, Context, Query};
use http::{Uri, Version};
use proptest::prelude::*;

/// A context of `app` for an HTTP/`version` request; every header value given as bytes
/// (repeats allowed). Values `http` refuses are left out.
fn context(app: Application, version: Version, uri: &str, headers: &[(&str, Vec<u8>)]) -> Context {
    let mut builder = http::Request::builder().version(version).uri(uri);
    for (name, value) in headers {
        if let Ok(value) = http::HeaderValue::from_bytes(value) {
            builder = builder.header(*name, value);
        }
    }
    app.callback()
        .create_context(builder.body(Bytes::new()).unwrap())
}

/// A path of a few safe segments.
fn path() -> impl Strategy<Value = String> {
    "(/[a-z0-9._~-]{0,6}){1,3}"
}

/// Query strings Koa gives back as set (apart from `#` → `%23` and one leading `?`).
/// `'` is left out: with a hash in the URL, Node's legacy parser escapes it to `%27` on
/// the way back (a Koa quirk we do not reproduce; clients never send a hash).
fn raw_querystring() -> impl Strategy<Value = String> {
    "[A-Za-z0-9=&%+._~!$()*,;:@/?#-]{0,24}"
}

/// The search Koa writes for `querystring = value` (Node's `url.format`): `#` escaped,
/// `?` put in front unless the value is empty or has one.
fn written_search(value: &str) -> String {
    let escaped = value.replace('#', "%23");
    if escaped.is_empty() || escaped.starts_with('?') {
        escaped
    } else {
        format!("?{escaped}")
    }
}

/// Header bytes `http` accepts: visible ASCII, space, tab and obs-text (0x80–0xFF).
fn header_bytes() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(prop_oneof![32u8..127, Just(b'\t'), 128u8..=255], 0..48)
}

/// Header text shaped like negotiation headers, to reach the parsers' deeper paths.
fn negotiation_text() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        header_bytes(),
        "[a-z*/;=.,q0-9 +-]{0,48}".prop_map(String::into_bytes),
    ]
}

/// Host-like hostile text: userinfo, ports, brackets, escapes, lists.
fn host_text() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        header_bytes(),
        r"[a-zA-Z0-9@:\[\]%,. /_-]{0,32}".prop_map(String::into_bytes),
    ]
}

/// Host must not hold a comma: Koa keeps only the first item of a list. The one way a
/// comma survives is Koa's own: a value with `@` goes through the WHATWG URL parser,
/// which decodes `%2C` in the host (observed on koa@2.16.4: `user@a%2Cb.com` gives
/// host `a,b.com`), so that case is allowed when some input had both `@` and `%`.
fn host_has_no_comma(host: &str, inputs: &[&[u8]]) -> bool {
    !host.contains(',')
        || inputs
            .iter()
            .any(|input| input.contains(&b'@') && input.contains(&b'%'))
}

proptest! {
    /// (a) `query = q` reads back as `q`, as text and as search, and touches neither the
    /// path, the hash nor `original_url`.
    #[test]
    fn query_setter_round_trips(
        path in path(),
        original_query in raw_querystring(),
        hash in prop::option::of("[a-z]{0,4}"),
        pairs in prop::collection::vec((any::<String>(), any::<String>()), 0..6),
    ) {
        let uri = format!("{path}?{}", original_query.replace('#', ""));
        let mut ctx = context(Application::new(), Version::HTTP_11, &uri, &[]);
        let original = ctx.original_url().to_owned();
        let hash = hash.map(|h| format!("#{h}")).unwrap_or_default();
        ctx.set_url(format!("{uri}{hash}"));

        let query: Query = pairs.into_iter().collect();
        ctx.set_query(&query);
        prop_assert_eq!(ctx.query(), query.clone());
        let text = query.to_string();
        prop_assert_eq!(ctx.querystring(), text.as_str());
        let search = if text.is_empty() { String::new() } else { format!("?{text}") };
        prop_assert_eq!(ctx.search(), search);
        prop_assert_eq!(ctx.path(), path.as_str());
        prop_assert!(ctx.url().ends_with(&hash));
        prop_assert_eq!(ctx.original_url(), original.as_str());
    }

    /// (a) `querystring = s` and `search = s` read back as Koa's would (nothing happens
    /// when `?` + `s` is already the search), and touch neither the path, the hash nor
    /// `original_url`.
    #[test]
    fn querystring_and_search_setters_round_trip(
        path in path(),
        original_query in raw_querystring(),
        hash in prop::option::of("[a-z]{0,4}"),
        value in raw_querystring(),
        through_search in any::<bool>(),
    ) {
        let uri = format!("{path}?{}", original_query.replace('#', ""));
        let mut ctx = context(Application::new(), Version::HTTP_11, &uri, &[]);
        let original = ctx.original_url().to_owned();
        let hash = hash.map(|h| format!("#{h}")).unwrap_or_default();
        ctx.set_url(format!("{uri}{hash}"));

        if through_search {
            ctx.set_search(&value);
        } else {
            ctx.set_querystring(&value);
        }
        let original_search = &uri[path.len()..];
        let written = if original_search == format!("?{value}") {
            // Koa's no-op: `?` + the value is already the search (even a bare `?`).
            original_search.to_owned()
        } else {
            written_search(&value)
        };
        let url = format!("{path}{written}{hash}");
        let expected = written.strip_prefix('?').unwrap_or(&written);
        prop_assert_eq!(ctx.querystring(), expected);
        let search = if expected.is_empty() { String::new() } else { format!("?{expected}") };
        prop_assert_eq!(ctx.search(), search.as_str());
        prop_assert_eq!(ctx.url(), url.as_str());
        prop_assert_eq!(ctx.path(), path.as_str());
        prop_assert_eq!(ctx.original_url(), original.as_str());
        // Setting what is already there changes nothing.
        ctx.set_querystring(expected);
        prop_assert_eq!(ctx.url(), url.as_str());
    }

    /// (b) `ips` and `ip` equal the model: trusted proxy and a non-empty header → every
    /// comma item of the joined lines, trimmed; the last `max_ips_count` of them when it
    /// is above 0; `ip` = the first item unless empty, else the socket (`127.0.0.1`).
    #[test]
    fn ips_and_ip_follow_the_model(
        lines in prop::collection::vec(
            prop::collection::vec("[ \t]{0,2}[0-9a-f.:]{0,6}[ \t]{0,2}", 1..5),
            0..4,
        ),
        proxy in any::<bool>(),
        max_ips_count in 0usize..6,
        custom_header in any::<bool>(),
    ) {
        let (setting, name) = if custom_header {
            ("X-Client-IP", "x-client-ip")
        } else {
            ("X-Forwarded-For", "x-forwarded-for")
        };
        let lines: Vec<String> = lines.iter().map(|items| items.join(",")).collect();
        let mut app = Application::new();
        app.settings.proxy = proxy;
        app.settings.max_ips_count = max_ips_count;
        app.settings.proxy_ip_header = setting.to_owned();
        let headers: Vec<(&str, Vec<u8>)> =
            lines.iter().map(|line| (name, line.clone().into_bytes())).collect();
        let ctx = context(app, Version::HTTP_11, "/", &headers);

        // The model: Node joins repeated lines with ", ", then Koa splits and trims.
        let joined = lines.join(", ");
        let mut model: Vec<&str> = if proxy && !lines.is_empty() && !joined.is_empty() {
            joined.split(',').map(str::trim).collect()
        } else {
            Vec::new()
        };
        if max_ips_count > 0 && model.len() > max_ips_count {
            model.drain(..model.len() - max_ips_count);
        }
        let ip = match model.first() {
            Some(first) if !first.is_empty() => (*first).to_owned(),
            _ => "127.0.0.1".to_owned(),
        };
        prop_assert_eq!(ctx.ips(), model);
        prop_assert_eq!(ctx.ip(), ip);
    }

    /// (c) Content negotiation and type checks never panic, and what they pick was
    /// offered.
    #[test]
    fn negotiation_never_panics(
        accept in negotiation_text(),
        charset in negotiation_text(),
        encoding in negotiation_text(),
        language in negotiation_text(),
        content_type in negotiation_text(),
        offers in prop::collection::vec(
            prop_oneof!["[a-z*/.+;= -]{0,12}", any::<String>()],
            0..4,
        ),
    ) {
        let ctx = context(
            Application::new(),
            Version::HTTP_11,
            "/",
            &[
                ("accept", accept),
                ("accept-charset", charset),
                ("accept-encoding", encoding),
                ("accept-language", language),
                ("content-type", content_type),
                ("transfer-encoding", b"chunked".to_vec()),
            ],
        );
        let offers: Vec<&str> = offers.iter().map(String::as_str).collect();
        for picked in [
            ctx.accepts(&offers),
            ctx.accepts_charsets(&offers),
            ctx.accepts_encodings(&offers),
            ctx.accepts_languages(&offers),
        ]
        .into_iter()
        .flatten()
        {
            prop_assert!(offers.contains(&picked.as_str()), "{picked:?} not in {offers:?}");
        }
        let _ = ctx.request.accepts_list();
        let _ = ctx.request.accepts_charsets_list();
        let _ = ctx.request.accepts_encodings_list();
        let _ = ctx.request.accepts_languages_list();
        let _ = ctx.is(&offers);
        let _ = ctx.request.type_();
        let _ = ctx.request.charset();
    }

    /// (d) Hostile host and proxy headers, on HTTP/1.1 and HTTP/2, trusted or not: no
    /// getter panics, and `host`/`hostname` hold no comma and no `@`.
    #[test]
    fn hostile_host_headers_never_panic(
        host in host_text(),
        forwarded_host in host_text(),
        forwarded_proto in host_text(),
        forwarded_for in host_text(),
        authority in "[a-zA-Z0-9@:%.\\[\\]-]{0,24}",
        proxy in any::<bool>(),
        http2 in any::<bool>(),
        subdomain_offset in 0usize..4,
    ) {
        let mut app = Application::new();
        app.settings.proxy = proxy;
        app.settings.subdomain_offset = subdomain_offset;
        let (version, uri) = if http2 {
            let absolute = format!("http://{authority}/a?b");
            match absolute.parse::<Uri>() {
                Ok(_) => (Version::HTTP_2, absolute),
                Err(_) => (Version::HTTP_2, "/a?b".to_owned()),
            }
        } else {
            (Version::HTTP_11, "/a?b".to_owned())
        };
        let ctx = context(
            app,
            version,
            &uri,
            &[
                ("host", host.clone()),
                ("x-forwarded-host", forwarded_host.clone()),
                ("x-forwarded-proto", forwarded_proto),
                ("x-forwarded-for", forwarded_for),
            ],
        );
        let inputs: [&[u8]; 3] = [&host, &forwarded_host, authority.as_bytes()];
        let host = ctx.host();
        prop_assert!(host_has_no_comma(&host, &inputs), "host {host:?}");
        prop_assert!(!host.contains('@'), "host {host:?}");
        let hostname = ctx.hostname();
        prop_assert!(host_has_no_comma(&hostname, &inputs), "hostname {hostname:?}");
        prop_assert!(!hostname.contains('@'), "hostname {hostname:?}");
        let origin = ctx.origin();
        prop_assert!(origin.starts_with(ctx.protocol()));
        let _ = ctx.href();
        let _ = ctx.request.URL();
        let _ = ctx.subdomains();
        let _ = ctx.secure();
        let _ = ctx.ips();
        let _ = ctx.ip();
        let _ = ctx.get("host");
    }
}
