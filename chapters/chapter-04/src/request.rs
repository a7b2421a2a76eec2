//! Koa's `request`: everything a handler asks about the request, read from Node's `req`.
//!
//! Mirrors [`lib/request.js` at koa 2.16.4](https://github.com/koajs/koa/blob/v2.16.4/lib/request.js).
//! Koa's request object owns no data of its own: every getter reads `this.req`
//! (Node's [`IncomingMessage`]) or the app's settings, and every setter writes back to
//! `this.req`. Ours is the same: it holds the `IncomingMessage` and a share of the app's
//! settings, and computes each answer when asked.
//!
//! Two things change shape in Rust:
//! - Koa's request reaches `this.ctx` and `this.response` through back-pointers; a Rust
//!   struct cannot point at the struct that owns it, so the few getters that need the
//!   response (`fresh`, `stale`) take it as an argument, and the context passes it.
//! - Koa memoises `accept`, `ip`, `URL` and `query` on the object. Parsing these is cheap
//!   in Rust, so we compute them each time, except where the memo is visible: `ip` is
//!   computed once and kept (Koa's `get ip`, so a later change of the headers is not
//!   seen), and `accept` can be *replaced* ([`Request::set_accept`]).
//!
//! Proxy awareness follows Koa exactly: `X-Forwarded-Host`, `X-Forwarded-Proto` and the
//! `proxy_ip_header` are believed only when `app.proxy` is true, each list header is cut
//! at its first comma (or, for IPs, read from the right with `max_ips_count`).

use std::borrow::Cow;
use std::net::IpAddr;
use std::sync::{Arc, OnceLock};

use http::{HeaderMap, Method};

use crate::accepts::Accepts;
use crate::application::Settings;
use crate::incoming_message::IncomingMessage;
use crate::querystring::Query;
use crate::response::Response;
use crate::type_is::{self, TypeIs};

/// Koa's `ctx.request`.
#[derive(Debug)]
pub struct Request {
    /// Node's request (`ctx.req`): the source of every answer.
    pub(crate) req: IncomingMessage,
    /// The app settings the getters depend on (`proxy`, `subdomain_offset`, …).
    pub(crate) settings: Arc<Settings>,
    /// `ctx.originalUrl`: the URL before any middleware rewrote `url`.
    original_url: String,
    /// `request.ip` once read or set (Koa's `this[IP]`). An empty value is never kept,
    /// as in Koa, where `''` is falsy and the next read computes again.
    ip: OnceLock<String>,
    /// The headers `accepts*` negotiate over when `request.accept` was replaced;
    /// `None` means this request's own headers.
    accept_headers: Option<HeaderMap>,
}

/// Headers Node keeps only the first of when a request repeats them (the rest are
/// dropped), from `matchKnownFields` in Node's `lib/_http_incoming.js`.
const SINGLE_VALUE_HEADERS: &[&str] = &[
    "age",
    "authorization",
    "content-length",
    "content-type",
    "etag",
    "expires",
    "from",
    "host",
    "if-modified-since",
    "if-unmodified-since",
    "last-modified",
    "location",
    "max-forwards",
    "proxy-authorization",
    "referer",
    "retry-after",
    "server",
    "user-agent",
];

impl Request {
    /// Wraps Node's request for the app with these settings.
    pub(crate) fn new(req: IncomingMessage, settings: Arc<Settings>) -> Self {
        let original_url = req.url();
        Self {
            req,
            settings,
            original_url,
            ip: OnceLock::new(),
            accept_headers: None,
        }
    }

    /// `request.header` / `request.headers`: the request headers (Node's `req.headers`).
    pub fn headers(&self) -> &HeaderMap {
        self.req.headers()
    }

    /// Replaces the request headers (`request.headers = …`).
    pub fn set_headers(&mut self, headers: HeaderMap) {
        *self.req.headers_mut() = headers;
    }

    /// `request.get(field)`: one header as text, `""` when absent. `Referrer` and
    /// `Referer` are the same header. Repeats are joined the way Node joins them
    /// (`", "`, `"; "` for `Cookie`, or only the first for single-value headers).
    pub fn get(&self, field: &str) -> Cow<'_, str> {
        let field = field.to_ascii_lowercase();
        match field.as_str() {
            "referer" | "referrer" => {
                let referrer = self.header_joined("referrer");
                if referrer.is_empty() {
                    self.header_joined("referer")
                } else {
                    referrer
                }
            }
            _ => self.header_joined(&field),
        }
    }

    /// A header's value as Node's `req.headers[name]` shows it.
    fn header_joined(&self, name: &str) -> Cow<'_, str> {
        let mut values = self
            .headers()
            .get_all(name)
            .iter()
            .map(|value| String::from_utf8_lossy(value.as_bytes()));
        let Some(first) = values.next() else {
            return Cow::Borrowed("");
        };
        if SINGLE_VALUE_HEADERS.contains(&name) {
            return first;
        }
        let separator = if name == "cookie" { "; " } else { ", " };
        let mut rest = values.peekable();
        if rest.peek().is_none() {
            return first;
        }
        let mut joined = first.into_owned();
        for value in rest {
            joined.push_str(separator);
            joined.push_str(&value);
        }
        Cow::Owned(joined)
    }

    /// `request.method`.
    pub fn method(&self) -> &Method {
        self.req.method()
    }

    /// `request.method = …`: rewrites the method (method-override middleware does this).
    pub fn set_method(&mut self, method: Method) {
        self.req.set_method(method);
    }

    /// `request.url`: the request target, as possibly rewritten by middleware.
    pub fn url(&self) -> &str {
        self.req.url_str()
    }

    /// `request.url = …`.
    pub fn set_url(&mut self, url: impl Into<String>) {
        self.req.set_url(url.into());
    }

    /// `request.originalUrl`: the target as the client sent it; rewrites never touch it.
    pub fn original_url(&self) -> &str {
        &self.original_url
    }

    /// `request.path`: the URL's pathname.
    pub fn path(&self) -> &str {
        UrlParts::of(self.url()).pathname
    }

    /// `request.path = …`: replaces the pathname, keeping the query string and hash.
    /// A `?` or `#` in the new path is percent-encoded (`%3F`, `%23`), as Node's
    /// `url.format` does, so it cannot turn into a query or a fragment.
    pub fn set_path(&mut self, path: &str) {
        let parts = UrlParts::of(self.url());
        if parts.pathname == path {
            return;
        }
        let url = parts.with_pathname(&path.replace('?', "%3F").replace('#', "%23"));
        self.set_url(url);
    }

    /// `request.querystring`: the query string without its `?`.
    pub fn querystring(&self) -> &str {
        UrlParts::of(self.url())
            .search
            .strip_prefix('?')
            .unwrap_or("")
    }

    /// `request.querystring = …`: replaces the query string, keeping the path and hash.
    /// A leading `?` is accepted, `""` removes the query, and every `#` becomes `%23`
    /// (Node's `url.format`), so the value cannot cut the URL short.
    pub fn set_querystring(&mut self, querystring: &str) {
        let parts = UrlParts::of(self.url());
        // Koa's test, on the value as given: `?` + value is already the search.
        if parts.search.strip_prefix('?') == Some(querystring) {
            return;
        }
        let querystring = querystring.replace('#', "%23");
        let search = if querystring.is_empty() || querystring.starts_with('?') {
            querystring
        } else {
            format!("?{querystring}")
        };
        let url = parts.with_search(&search);
        self.set_url(url);
    }

    /// `request.search`: the query string with its `?`, or `""`.
    pub fn search(&self) -> String {
        let querystring = self.querystring();
        if querystring.is_empty() {
            String::new()
        } else {
            format!("?{querystring}")
        }
    }

    /// `request.search = …`: the same as setting `querystring`.
    pub fn set_search(&mut self, search: &str) {
        self.set_querystring(search);
    }

    /// `request.query`: the parsed query string (Node's `querystring.parse`).
    pub fn query(&self) -> Query {
        Query::parse(self.querystring())
    }

    /// `request.query = …`: serialises `query` into the query string.
    pub fn set_query(&mut self, query: &Query) {
        self.set_querystring(&query.to_string());
    }

    /// `request.host`: `X-Forwarded-Host` when the app trusts its proxy, else `Host`
    /// (HTTP/2's `:authority` first); only the first of a comma-separated list; `""`
    /// when there is none.
    pub fn host(&self) -> Cow<'_, str> {
        let host = self.raw_host();
        if host.contains('@') {
            // koa 2.16.4: `user@host` is read the way a browser would, so that
            // `evil.com:x@good.com` means good.com (and nothing parses to nothing).
            return match url::Url::parse(&format!("http://{host}")) {
                Ok(parsed) => Cow::Owned(match (parsed.host_str(), parsed.port()) {
                    (Some(name), Some(port)) => format!("{name}:{port}"),
                    (Some(name), None) => name.to_owned(),
                    _ => String::new(),
                }),
                Err(_) => Cow::Borrowed(""),
            };
        }
        Cow::Borrowed(host)
    }

    /// The host header Koa believes, before the `user@` clean-up.
    fn raw_host(&self) -> &str {
        let mut host = "";
        if self.settings.proxy {
            host = self.header_str("x-forwarded-host");
        }
        if host.is_empty() {
            host = self.req.uri().authority().map_or("", |a| a.as_str());
            if self.req.version() < http::Version::HTTP_2 || host.is_empty() {
                host = self.header_str("host");
            }
        }
        first_of_list(host)
    }

    /// `request.hostname`: the host without its port. An IPv6 literal keeps its brackets
    /// and is normalised by the WHATWG URL parser (`[::1]:3000` → `[::1]`,
    /// `[2001:cdba:0:0:0:0:3257:9652]` → `[2001:cdba::3257:9652]`); one that does not
    /// parse gives `""`.
    pub fn hostname(&self) -> Cow<'_, str> {
        let host = self.host();
        if host.is_empty() {
            return Cow::Borrowed("");
        }
        if host.starts_with('[') {
            // Koa asks the WHATWG URL parser, which normalises the address and keeps
            // the brackets (`[::FFFF:127.0.0.1]` → `[::ffff:7f00:1]`).
            return Cow::Owned(
                self.URL()
                    .and_then(|url| url.host_str().map(str::to_owned))
                    .unwrap_or_default(),
            );
        }
        match host {
            Cow::Borrowed(text) => Cow::Borrowed(text.split(':').next().unwrap_or("")),
            Cow::Owned(text) => Cow::Owned(text.split(':').next().unwrap_or("").to_owned()),
        }
    }

    /// `request.origin`: `protocol://host`.
    pub fn origin(&self) -> String {
        format!("{}://{}", self.protocol(), self.host())
    }

    /// `request.href`: the full URL; an absolute `originalUrl` (a proxy request) is kept.
    pub fn href(&self) -> String {
        let original = self.original_url();
        let lower = original.get(..8).unwrap_or(original).to_ascii_lowercase();
        if lower.starts_with("http://") || lower.starts_with("https://") {
            return original.to_owned();
        }
        format!("{}{}", self.origin(), original)
    }

    /// `request.URL`: the whole URL, parsed as Node's WHATWG `URL` would; `None` where
    /// Koa gives an empty object (a URL that does not parse).
    #[allow(non_snake_case)]
    pub fn URL(&self) -> Option<url::Url> {
        url::Url::parse(&format!("{}{}", self.origin(), self.original_url())).ok()
    }

    /// `request.protocol`: `https` on a TLS socket; else, when the app trusts its proxy,
    /// the first `X-Forwarded-Proto`; else `http`.
    pub fn protocol(&self) -> &str {
        if self.req.encrypted() {
            return "https";
        }
        if !self.settings.proxy {
            return "http";
        }
        match first_of_list(self.header_str("x-forwarded-proto")) {
            "" => "http",
            proto => proto,
        }
    }

    /// `request.secure`: `protocol == "https"`.
    pub fn secure(&self) -> bool {
        self.protocol() == "https"
    }

    /// `request.ips`: the client and proxies from `proxy_ip_header` when the app trusts
    /// its proxy, the last `max_ips_count` of them when that is above zero.
    ///
    /// A header sent several times counts as one list, as Node joins the lines with
    /// `", "`: each line is split on its own, which gives the same items without
    /// copying. Items are trimmed and empty ones kept (`a,,b` → `["a", "", "b"]`). A
    /// line that is not UTF-8 reads as one empty item.
    pub fn ips(&self) -> Vec<&str> {
        if !self.settings.proxy {
            return Vec::new();
        }
        let lines: Vec<&str> = self
            .headers()
            .get_all(self.settings.proxy_ip_header.to_ascii_lowercase().as_str())
            .iter()
            .map(|line| std::str::from_utf8(line.as_bytes()).unwrap_or(""))
            .collect();
        // Koa's `proxy && val`: no header, or one empty line, means no list at all.
        if matches!(lines.as_slice(), [] | [""]) {
            return Vec::new();
        }
        let ips: Vec<&str> = lines.into_iter().flat_map(split_list).collect();
        let max = self.settings.max_ips_count;
        if max > 0 && ips.len() > max {
            ips[ips.len() - max..].to_vec()
        } else {
            ips
        }
    }

    /// `request.ip`: the first of `ips` unless it is empty, else the socket's remote
    /// address, else `""`. Computed on the first read and kept for the rest of the
    /// request, as Koa does: rewriting `X-Forwarded-For` afterwards changes nothing.
    pub fn ip(&self) -> String {
        if let Some(ip) = self.ip.get() {
            return ip.clone();
        }
        let ip = match self.ips().first() {
            Some(first) if !first.is_empty() => (*first).to_owned(),
            _ => self
                .req
                .remote_address()
                .map(|a| a.ip().to_string())
                .unwrap_or_default(),
        };
        if !ip.is_empty() {
            // Another reader may have got here first; both computed the same value.
            let _ = self.ip.set(ip.clone());
        }
        ip
    }

    /// `request.ip = …`: what later reads of `ip` return. `""` forgets the value, so
    /// the next read computes it again (Koa tests `this[IP]` for truthiness).
    pub fn set_ip(&mut self, ip: impl Into<String>) {
        let ip = ip.into();
        self.ip = if ip.is_empty() {
            OnceLock::new()
        } else {
            OnceLock::from(ip)
        };
    }

    /// `request.subdomains`: the hostname's labels right to left, after dropping
    /// `subdomain_offset` of them (`tobi.ferrets.example.com` → `["ferrets", "tobi"]`);
    /// empty for an IP address.
    pub fn subdomains(&self) -> Vec<String> {
        let hostname = self.hostname();
        // Like Node's `net.isIP`, a bracketed IPv6 hostname does not count as an IP.
        if hostname.parse::<IpAddr>().is_ok() {
            return Vec::new();
        }
        hostname
            .split('.')
            .rev()
            .skip(self.settings.subdomain_offset)
            .map(str::to_owned)
            .collect()
    }

    /// `request.type`: the `Content-Type` without parameters, `""` when absent.
    pub fn type_(&self) -> &str {
        let value = self.header_str("content-type");
        value.split(';').next().unwrap_or("")
    }

    /// `request.charset`: the `charset` parameter of `Content-Type` as written (case
    /// kept, quotes and escapes removed), `""` when absent or when the header does not
    /// parse by the strict rules of the `content-type` package (see
    /// `content_type_charset` below).
    pub fn charset(&self) -> String {
        let Some(value) = self.headers().get(http::header::CONTENT_TYPE) else {
            return String::new();
        };
        let latin1: String = value.as_bytes().iter().copied().map(char::from).collect();
        content_type_charset(&latin1).unwrap_or_default()
    }

    /// `request.length`: `Content-Length` as a number; `None` when absent. Like Koa's
    /// `~~len`, text that is not a number reads as 0.
    pub fn length(&self) -> Option<u64> {
        let value = self.headers().get(http::header::CONTENT_LENGTH)?;
        let text = value.to_str().unwrap_or("").trim();
        if text.is_empty() {
            return None;
        }
        Some(text.parse::<f64>().map_or(0, |n| {
            if n.is_finite() && n > 0.0 {
                n as u64
            } else {
                0
            }
        }))
    }

    /// `request.fresh`: whether the client's cached copy is still good — only for GET and
    /// HEAD, and only when the response is a 2xx or 304.
    pub fn fresh(&self, response: &Response) -> bool {
        if self.method() != Method::GET && self.method() != Method::HEAD {
            return false;
        }
        let status = response.status();
        if (200..300).contains(&status) || status == 304 {
            return crate::fresh::fresh(self.headers(), response.headers());
        }
        false
    }

    /// `request.stale`: the opposite of [`fresh`](Self::fresh).
    pub fn stale(&self, response: &Response) -> bool {
        !self.fresh(response)
    }

    /// `request.idempotent`: GET, HEAD, PUT, DELETE, OPTIONS and TRACE.
    pub fn idempotent(&self) -> bool {
        matches!(
            *self.method(),
            Method::GET
                | Method::HEAD
                | Method::PUT
                | Method::DELETE
                | Method::OPTIONS
                | Method::TRACE
        )
    }

    /// `request.is(types…)`: does the request body have one of these types? `NoBody`
    /// (Koa's `null`) when there is no body at all.
    pub fn is(&self, types: &[&str]) -> TypeIs {
        type_is::type_is(self.headers(), types)
    }

    /// `request.accept`: the negotiator the `accepts*` methods ask. It reads this
    /// request's headers unless [`set_accept`](Self::set_accept) replaced them.
    pub fn accept(&self) -> Accepts<'_> {
        Accepts::new(self.accept_headers.as_ref().unwrap_or(self.headers()))
    }

    /// `request.accept = accepts(otherReq)`: negotiate over these headers from now on.
    /// Koa's setter takes a negotiator built on another request; ours takes that
    /// request's headers, since an [`Accepts`] only borrows them.
    pub fn set_accept(&mut self, headers: HeaderMap) {
        self.accept_headers = Some(headers);
    }

    /// `request.accepts(types…)`: the best of `types` for the `Accept` header, or `None`
    /// (Koa's `false`).
    pub fn accepts(&self, types: &[&str]) -> Option<String> {
        self.accept().types(types)
    }

    /// `request.accepts()` with no argument: every type the client accepts, best first.
    pub fn accepts_list(&self) -> Vec<String> {
        self.accept().all_types()
    }

    /// `request.acceptsEncodings(encodings…)`.
    pub fn accepts_encodings(&self, encodings: &[&str]) -> Option<String> {
        self.accept().encodings(encodings)
    }

    /// `request.acceptsEncodings()` with no argument.
    pub fn accepts_encodings_list(&self) -> Vec<String> {
        self.accept().all_encodings()
    }

    /// `request.acceptsCharsets(charsets…)`.
    pub fn accepts_charsets(&self, charsets: &[&str]) -> Option<String> {
        self.accept().charsets(charsets)
    }

    /// `request.acceptsCharsets()` with no argument.
    pub fn accepts_charsets_list(&self) -> Vec<String> {
        self.accept().all_charsets()
    }

    /// `request.acceptsLanguages(languages…)`.
    pub fn accepts_languages(&self, languages: &[&str]) -> Option<String> {
        self.accept().languages(languages)
    }

    /// `request.acceptsLanguages()` with no argument.
    pub fn accepts_languages_list(&self) -> Vec<String> {
        self.accept().all_languages()
    }

    /// Node's request, for what Koa does not wrap (`ctx.req`).
    pub fn req(&self) -> &IncomingMessage {
        &self.req
    }

    /// Node's request, mutably (to read the body stream).
    pub fn req_mut(&mut self) -> &mut IncomingMessage {
        &mut self.req
    }

    /// `request.toJSON()`: `method`, `url` and `header`.
    pub fn to_json(&self) -> serde_json::Value {
        let mut header = serde_json::Map::new();
        for name in self.headers().keys() {
            header.insert(
                name.as_str().to_owned(),
                serde_json::Value::String(self.header_joined(name.as_str()).into_owned()),
            );
        }
        serde_json::json!({
            "method": self.method().as_str(),
            "url": self.url(),
            "header": header,
        })
    }

    /// The first value of a header as text, `""` when absent or not text.
    fn header_str(&self, name: &str) -> &str {
        self.headers()
            .get(name)
            .and_then(|value| value.to_str().ok())
            .unwrap_or("")
    }
}

/// The first item of a comma-separated header (`"a, b"` → `"a"`), trimmed.
fn first_of_list(value: &str) -> &str {
    split_list(value).next().unwrap_or("")
}

/// The items of a comma-separated header, each trimmed.
fn split_list(value: &str) -> impl Iterator<Item = &str> {
    value.split(',').map(str::trim)
}

/// The `charset` parameter of a `Content-Type` value, by the strict grammar of the
/// [`content-type` 1.0.5](https://github.com/jshttp/content-type/blob/v1.0.5/index.js)
/// package's `parse` (what Koa's `get charset` calls); `None` when there is no such
/// parameter or the value does not parse.
///
/// The rules, which are RFC 7231's: the text before the first `;`, trimmed, must be
/// `token/token`; then each parameter is `;`, spaces, a token name (case-insensitive),
/// spaces, `=`, spaces, a token or a quoted string (quotes and `\` escapes removed),
/// spaces — and nothing may be left over, so a trailing `;` or a bare `foo` fails the
/// whole header. A repeated parameter keeps its last value. `value` is the header read
/// as Latin-1, as Node reads it.
fn content_type_charset(value: &str) -> Option<String> {
    /// RFC 7230 `tchar`.
    fn is_token(c: char) -> bool {
        c.is_ascii_alphanumeric() || "!#$%&'*+.^_`|~-".contains(c)
    }
    /// What JavaScript's `trim` removes, within Latin-1.
    fn is_js_space(c: char) -> bool {
        matches!(c, '\t' | '\n' | '\u{b}' | '\u{c}' | '\r' | ' ' | '\u{a0}')
    }
    /// A run of tokens at the start of `text`: (the run, the rest).
    fn token(text: &str) -> (&str, &str) {
        let end = text.find(|c| !is_token(c)).unwrap_or(text.len());
        text.split_at(end)
    }

    let (media_type, mut rest) = match value.find(';') {
        Some(i) => value.split_at(i),
        None => (value, ""),
    };
    let (kind, subtype) = media_type.trim_matches(is_js_space).split_once('/')?;
    if kind.is_empty() || subtype.is_empty() || !kind.chars().chain(subtype.chars()).all(is_token) {
        return None;
    }
    let mut charset = None;
    while !rest.is_empty() {
        rest = rest.strip_prefix(';')?.trim_start_matches(' ');
        let (name, after) = token(rest);
        if name.is_empty() {
            return None;
        }
        rest = after
            .trim_start_matches(' ')
            .strip_prefix('=')?
            .trim_start_matches(' ');
        let parsed = if let Some(quoted) = rest.strip_prefix('"') {
            let mut text = String::new();
            let mut chars = quoted.char_indices();
            loop {
                match chars.next()? {
                    (i, '"') => {
                        rest = &quoted[i + 1..];
                        break;
                    }
                    (_, '\\') => match chars.next()? {
                        (_, c) if c == '\u{b}' || c >= ' ' => text.push(c),
                        _ => return None,
                    },
                    (_, c) if c == '\u{b}' || (c >= ' ' && c != '\u{7f}') => text.push(c),
                    _ => return None,
                }
            }
            text
        } else {
            let (text, after) = token(rest);
            if text.is_empty() {
                return None;
            }
            rest = after;
            text.to_owned()
        };
        rest = rest.trim_start_matches(' ');
        if name.eq_ignore_ascii_case("charset") {
            charset = Some(parsed);
        }
    }
    charset
}

/// A request target cut into the pieces Node's legacy `url.parse` gives Koa (through
/// `parseurl`): what comes before the path (`http://host` for an absolute target), the
/// pathname, the search (with its `?`) and the hash.
#[derive(Debug, PartialEq, Eq)]
struct UrlParts<'a> {
    /// `scheme://authority` of an absolute target, or `""`.
    prefix: &'a str,
    /// The path.
    pathname: &'a str,
    /// `?query`, or `""`.
    search: &'a str,
    /// `#fragment`, or `""`.
    hash: &'a str,
}

impl<'a> UrlParts<'a> {
    /// Cuts `url` into its parts.
    fn of(url: &'a str) -> Self {
        let (before_hash, hash) = match url.find('#') {
            Some(i) => url.split_at(i),
            None => (url, ""),
        };
        let (before_search, search) = match before_hash.find('?') {
            Some(i) => before_hash.split_at(i),
            None => (before_hash, ""),
        };
        // Absolute form only when a scheme (`[a-z0-9.+-]+`, as Node's legacy parser
        // reads one) opens the target: `/a://b` is a path.
        let scheme_end = before_search.find("://").filter(|&i| {
            i > 0
                && before_search[..i]
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'+' | b'-'))
        });
        let (prefix, pathname) = match scheme_end {
            Some(i) => {
                let after = i + 3;
                match before_search[after..].find('/') {
                    Some(j) => before_search.split_at(after + j),
                    // Node's parser gives `http://x.com?q` the path `/`.
                    None => (before_search, "/"),
                }
            }
            None => ("", before_search),
        };
        Self {
            prefix,
            pathname,
            search,
            hash,
        }
    }

    /// The URL with another pathname. After a `scheme://host` the path starts with
    /// `/`, as Node's `url.format` makes it.
    fn with_pathname(&self, pathname: &str) -> String {
        let slash = if !self.prefix.is_empty() && !pathname.starts_with('/') {
            "/"
        } else {
            ""
        };
        format!(
            "{}{slash}{}{}{}",
            self.prefix, pathname, self.search, self.hash
        )
    }

    /// The URL with another search (which includes its `?`, or is empty).
    fn with_search(&self, search: &str) -> String {
        format!("{}{}{}{}", self.prefix, self.pathname, search, self.hash)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_parts_split_path_query_and_hash() {
        let parts = UrlParts::of("/a/b?x=1#top");
        assert_eq!(parts.pathname, "/a/b");
        assert_eq!(parts.search, "?x=1");
        assert_eq!(parts.hash, "#top");
        let absolute = UrlParts::of("http://example.com/a?b");
        assert_eq!(absolute.prefix, "http://example.com");
        assert_eq!(absolute.pathname, "/a");
        assert_eq!(absolute.with_pathname("/z"), "http://example.com/z?b");
    }
}
