//! Content negotiation: the npm packages `negotiator` 0.6.3 and `accepts` 1.3.8.
//!
//! Koa's `ctx.accepts()`, `ctx.acceptsEncodings()`, `ctx.acceptsCharsets()` and
//! `ctx.acceptsLanguages()` all call
//! [accepts](https://github.com/jshttp/accepts/blob/1.3.8/index.js), which is a
//! thin layer over [negotiator](https://github.com/jshttp/negotiator/tree/0.6.3).
//! This module reproduces both, so a Rust handler gets the answer a Koa handler
//! would get for the same request headers.
//!
//! # The negotiator half
//!
//! Negotiator has one file per header, each with the same shape:
//!
//! | header            | upstream file | our function |
//! |-------------------|---------------|--------------|
//! | `Accept`          | [lib/mediaType.js](https://github.com/jshttp/negotiator/blob/0.6.3/lib/mediaType.js) (`preferredMediaTypes`) | [`preferred_media_types`] |
//! | `Accept-Charset`  | [lib/charset.js](https://github.com/jshttp/negotiator/blob/0.6.3/lib/charset.js) (`preferredCharsets`) | [`preferred_charsets`] |
//! | `Accept-Encoding` | [lib/encoding.js](https://github.com/jshttp/negotiator/blob/0.6.3/lib/encoding.js) (`preferredEncodings`) | [`preferred_encodings`] |
//! | `Accept-Language` | [lib/language.js](https://github.com/jshttp/negotiator/blob/0.6.3/lib/language.js) (`preferredLanguages`) | [`preferred_languages`] |
//!
//! Each one splits the header on commas, parses every entry with a small
//! regular expression into a value, a quality `q` and its position, and
//! silently drops entries that do not parse. Then, for every value the server
//! offers, it finds the *best matching* entry: the most specific match wins
//! (an exact `text/html` beats `text/*`, which beats `*/*`), then the highest
//! `q`, then the later entry. Offers whose best entry has `q` 0 are refused;
//! the rest are sorted by that entry's `q`, its specificity, its position, and
//! finally by the order the server offered them in. With no offer list, the
//! header's own entries come back sorted by `q` and position.
//!
//! We keep the JavaScript details that decide outcomes, because a reader who
//! compares the two implementations should find no surprise:
//!
//! * `q` is read with JavaScript's `parseFloat`: `q=0.5x` is 0.5, `q=abc` is
//!   NaN (never acceptable), `q=Infinity` is infinite.
//! * A missing header is not an empty one: no `Accept` means `*/*`, no
//!   `Accept-Charset`/`Accept-Language` means `*`, while an empty header
//!   accepts nothing. `Accept-Encoding` is the exception: missing and empty
//!   both mean "identity only" (RFC 7231 §5.3.4).
//! * `identity` is added to `Accept-Encoding` with the lowest `q` seen unless
//!   the client named it or `*`.
//! * Accept-Language parameters are not trimmed, so `en; q=0.5` (with a
//!   space) keeps `q` 1 — upstream's behaviour, kept on purpose.
//! * The best-entry choice compares with JavaScript's `a - b || …` chains, in
//!   which NaN counts as "equal"; an entry with an unreadable `q` can therefore
//!   shadow a good one for the same value (`text/html, text/html;q=x` refuses
//!   `text/html`).
//! * Sorting is stable, as V8's `Array.prototype.sort` is.
//!
//! # The accepts half
//!
//! [`Accepts`] mirrors the `Accepts` class of `accepts`: it reads the request
//! headers (repeated headers are joined with `", "` and bytes are read as
//! Latin-1, as Node's `req.headers` does) and answers one question per header.
//! Its `types` method additionally lets the server offer file extensions
//! (`"json"`, `"html"`, `".png"`), which it resolves with
//! [`crate::mime_types::lookup`] before negotiating and then maps back, so the
//! caller gets back the very string it offered. When the request has no (or
//! an empty) `Accept` header, `types` answers the first offer without looking.
//!
//! Upstream's methods return either a list (no arguments), a string (a match)
//! or `false`. Rust gets two methods per header instead: `types(&offers)`
//! returning `Option<String>` (`None` is upstream's `false`) and
//! `all_types()` returning the client's list.

use http::HeaderMap;

use crate::js::is_js_whitespace;

/// Reads the negotiation headers of one request, as `accepts(req)` does.
///
/// Build it with [`Accepts::new`] from the request's header map; it borrows
/// the map and never copies it.
#[derive(Debug, Clone, Copy)]
pub struct Accepts<'h> {
    /// The request headers the answers are computed from.
    headers: &'h HeaderMap,
}

impl<'h> Accepts<'h> {
    /// Wraps the request headers, like `accepts(req)` / `new Accepts(req)`.
    pub fn new(headers: &'h HeaderMap) -> Self {
        Accepts { headers }
    }

    /// The best of `offered` for the `Accept` header, as upstream's
    /// `accepts.types(...)`.
    ///
    /// Offers may be full media types (`"text/html"`), wildcards
    /// (`"text/*"`), or extensions (`"json"`, `".html"`) that are first
    /// resolved through the mime database; unknown extensions are skipped.
    /// The returned string is the offer exactly as given. Without an `Accept`
    /// header (or with an empty one) the first offer is returned as is.
    /// `None` means none is acceptable (upstream `false`); an empty offer list
    /// also gives `None` — upstream's no-argument form is [`Self::all_types`].
    pub fn types(&self, offered: &[&str]) -> Option<String> {
        let first = offered.first()?;
        let accept = match joined_header(self.headers, "accept") {
            Some(value) if !value.is_empty() => value,
            _ => return Some((*first).to_owned()),
        };
        let mimes: Vec<Option<&str>> = offered.iter().map(|t| ext_to_mime(t)).collect();
        let valid: Vec<&str> = mimes.iter().flatten().copied().collect();
        let best = preferred_media_types(Some(&accept), Some(&valid))
            .into_iter()
            .next()?;
        if best.is_empty() {
            return None;
        }
        let index = mimes.iter().position(|m| *m == Some(best.as_str()))?;
        Some(offered[index].to_owned())
    }

    /// Every media type the client accepts, most preferred first (upstream
    /// `accepts.types()` with no argument). No `Accept` header gives
    /// `["*/*"]`; an empty one gives `[]`.
    pub fn all_types(&self) -> Vec<String> {
        preferred_media_types(joined_header(self.headers, "accept").as_deref(), None)
    }

    /// The best of `offered` for `Accept-Encoding` (upstream
    /// `accepts.encodings(...)`), or `None` (upstream `false`).
    ///
    /// `identity` stays acceptable unless the client refuses it explicitly
    /// (`identity;q=0`) or through `*;q=0`; without the header only
    /// `identity` is acceptable.
    pub fn encodings(&self, offered: &[&str]) -> Option<String> {
        if offered.is_empty() {
            return None;
        }
        first_truthy(preferred_encodings(
            joined_header(self.headers, "accept-encoding").as_deref(),
            Some(offered),
        ))
    }

    /// Every encoding the client accepts, most preferred first, including the
    /// implied `identity` (upstream `accepts.encodings()`).
    pub fn all_encodings(&self) -> Vec<String> {
        preferred_encodings(
            joined_header(self.headers, "accept-encoding").as_deref(),
            None,
        )
    }

    /// The best of `offered` for `Accept-Charset` (upstream
    /// `accepts.charsets(...)`), or `None` (upstream `false`). Without the
    /// header the first offer wins.
    pub fn charsets(&self, offered: &[&str]) -> Option<String> {
        if offered.is_empty() {
            return None;
        }
        first_truthy(preferred_charsets(
            joined_header(self.headers, "accept-charset").as_deref(),
            Some(offered),
        ))
    }

    /// Every charset the client accepts, most preferred first (upstream
    /// `accepts.charsets()`); `["*"]` without the header.
    pub fn all_charsets(&self) -> Vec<String> {
        preferred_charsets(
            joined_header(self.headers, "accept-charset").as_deref(),
            None,
        )
    }

    /// The best of `offered` for `Accept-Language` (upstream
    /// `accepts.languages(...)`), or `None` (upstream `false`). An offer
    /// `en-US` matches an accepted `en`, and an offer `en` matches an
    /// accepted `en-US`, each less specifically than an exact match.
    pub fn languages(&self, offered: &[&str]) -> Option<String> {
        if offered.is_empty() {
            return None;
        }
        first_truthy(preferred_languages(
            joined_header(self.headers, "accept-language").as_deref(),
            Some(offered),
        ))
    }

    /// Every language the client accepts, most preferred first (upstream
    /// `accepts.languages()`); `["*"]` without the header.
    pub fn all_languages(&self) -> Vec<String> {
        preferred_languages(
            joined_header(self.headers, "accept-language").as_deref(),
            None,
        )
    }
}

/// Upstream returns `list[0] || false`, so an empty string counts as no match.
fn first_truthy(list: Vec<String>) -> Option<String> {
    list.into_iter().next().filter(|s| !s.is_empty())
}

/// accepts' `extToMime`: a name with a `/` is already a media type, anything
/// else is an extension to look up.
fn ext_to_mime(offer: &str) -> Option<&str> {
    if offer.contains('/') {
        Some(offer)
    } else {
        crate::mime_types::lookup(offer)
    }
}

/// A header as Node's `req.headers[name]` shows it: bytes read as Latin-1 and
/// repeated fields joined with `", "`.
fn joined_header(headers: &HeaderMap, name: &str) -> Option<String> {
    let mut values = headers.get_all(name).iter();
    let mut out: String = values
        .next()?
        .as_bytes()
        .iter()
        .copied()
        .map(char::from)
        .collect();
    for value in values {
        out.push_str(", ");
        out.extend(value.as_bytes().iter().copied().map(char::from));
    }
    Some(out)
}

// ---------------------------------------------------------------------------
// negotiator: shared machinery
// ---------------------------------------------------------------------------

/// How well one offered value matches one accepted entry (negotiator's
/// `{ i, o, q, s }` objects).
#[derive(Debug, Clone, Copy)]
struct Priority {
    /// Position of the offer in the server's list.
    i: f64,
    /// Position of the matching entry in the client's header (−1: none).
    o: f64,
    /// Quality of the matching entry.
    q: f64,
    /// Specificity of the match (bit flags; higher is more specific).
    s: f64,
}

impl Priority {
    /// The starting point of every search: matches nothing, quality 0.
    const NONE: Priority = Priority {
        i: -1.0,
        o: -1.0,
        q: 0.0,
        s: 0.0,
    };
}

/// JavaScript's `d1 || d2 || d3 …` over numeric differences: the first one
/// that is neither 0 nor NaN, else the last one.
fn js_or(diffs: &[f64]) -> f64 {
    for &d in diffs {
        if d != 0.0 && !d.is_nan() {
            return d;
        }
    }
    diffs.last().copied().unwrap_or(0.0)
}

/// Whether `candidate` replaces `best` in negotiator's `get…Priority` loops:
/// `(best.s - c.s || best.q - c.q || best.o - c.o) < 0`.
fn beats(best: &Priority, candidate: &Priority) -> bool {
    js_or(&[
        best.s - candidate.s,
        best.q - candidate.q,
        best.o - candidate.o,
    ]) < 0.0
}

/// negotiator's `compareSpecs` for offers:
/// `(b.q - a.q) || (b.s - a.s) || (a.o - b.o) || (a.i - b.i) || 0`.
fn compare_priorities(a: &Priority, b: &Priority) -> std::cmp::Ordering {
    sign(js_or(&[b.q - a.q, b.s - a.s, a.o - b.o, a.i - b.i, 0.0]))
}

/// negotiator's `compareSpecs` for the client's own entries, which carry no
/// `s` or `o` (those differences are NaN in JavaScript and fall through).
fn compare_entries(a: (f64, f64), b: (f64, f64)) -> std::cmp::Ordering {
    sign(js_or(&[b.0 - a.0, a.1 - b.1, 0.0]))
}

fn sign(d: f64) -> std::cmp::Ordering {
    if d < 0.0 {
        std::cmp::Ordering::Less
    } else if d > 0.0 {
        std::cmp::Ordering::Greater
    } else {
        std::cmp::Ordering::Equal
    }
}

/// Given one best priority per offer, keep the acceptable ones and return the
/// offers in preference order (the tail of every `preferred…` function).
fn rank_offers(offered: &[&str], priorities: Vec<Priority>) -> Vec<String> {
    let mut kept: Vec<Priority> = priorities.into_iter().filter(|p| p.q > 0.0).collect();
    kept.sort_by(compare_priorities);
    kept.iter()
        .map(|p| offered[p.i as usize].to_owned())
        .collect()
}

/// Sort the client's own entries (value, q, position) and keep the acceptable
/// ones (the no-offer branch of every `preferred…` function).
fn rank_entries(mut entries: Vec<(String, f64, f64)>) -> Vec<String> {
    entries.retain(|e| e.1 > 0.0);
    entries.sort_by(|a, b| compare_entries((a.1, a.2), (b.1, b.2)));
    entries.into_iter().map(|e| e.0).collect()
}

/// The characters a regular-expression `.` does not match.
fn is_line_terminator(c: char) -> bool {
    matches!(c, '\n' | '\r' | '\u{2028}' | '\u{2029}')
}

/// `String.prototype.trim`.
fn js_trim(s: &str) -> &str {
    s.trim_matches(is_js_whitespace)
}

/// The parameter tail of the `…\s*(?:;(.*))?$` end shared by negotiator's
/// regular expressions: `Ok(None)` at the end of input, `Ok(Some(tail))` after
/// a `;`, `Err(())` when anything else follows (the pattern does not match).
fn param_tail(rest: &str) -> Result<Option<&str>, ()> {
    let rest = rest.trim_start_matches(is_js_whitespace);
    if rest.is_empty() {
        return Ok(None);
    }
    match rest.strip_prefix(';') {
        Some(tail) if !tail.contains(is_line_terminator) => Ok(Some(tail)),
        _ => Err(()),
    }
}

/// JavaScript's `parseFloat(value)`; `None` stands for `undefined`, which
/// parses as NaN.
fn parse_float(value: Option<&str>) -> f64 {
    let Some(value) = value else {
        return f64::NAN;
    };
    let s = value.trim_start_matches(is_js_whitespace);
    let bytes = s.as_bytes();
    let mut pos = 0;
    if matches!(bytes.first(), Some(b'+' | b'-')) {
        pos = 1;
    }
    if s[pos..].starts_with("Infinity") {
        return if s.starts_with('-') {
            f64::NEG_INFINITY
        } else {
            f64::INFINITY
        };
    }
    let digits = |from: usize| {
        bytes[from..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count()
    };
    let int_digits = digits(pos);
    let mut end = pos + int_digits;
    let mut frac_digits = 0;
    if bytes.get(end) == Some(&b'.') {
        frac_digits = digits(end + 1);
        if int_digits > 0 || frac_digits > 0 {
            end += 1 + frac_digits;
        }
    }
    if int_digits == 0 && frac_digits == 0 {
        return f64::NAN;
    }
    if matches!(bytes.get(end), Some(b'e' | b'E')) {
        let mut exp = end + 1;
        if matches!(bytes.get(exp), Some(b'+' | b'-')) {
            exp += 1;
        }
        let exp_digits = digits(exp);
        if exp_digits > 0 {
            end = exp + exp_digits;
        }
    }
    s[..end].parse::<f64>().unwrap_or(f64::NAN)
}

// ---------------------------------------------------------------------------
// negotiator lib/mediaType.js
// ---------------------------------------------------------------------------

/// One parsed media range from `Accept` (or one parsed offer).
#[derive(Debug, Clone)]
struct MediaRange {
    ty: String,
    subtype: String,
    /// Parameters before `q`, keys lower-cased, later duplicates winning;
    /// `None` is a parameter written without `=`.
    params: Vec<(String, Option<String>)>,
    q: f64,
    i: f64,
}

/// Number of `"` characters (negotiator's `quoteCount`).
fn quote_count(s: &str) -> usize {
    s.matches('"').count()
}

/// Split on `sep`, gluing pieces back while a piece has an odd number of
/// quotes, so separators inside quoted strings survive (negotiator's
/// `splitMediaTypes` / `splitParameters`).
fn split_quoted(s: &str, sep: char) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut pieces = s.split(sep);
    let mut current = pieces.next().unwrap_or_default().to_owned();
    for piece in pieces {
        if quote_count(&current).is_multiple_of(2) {
            out.push(std::mem::replace(&mut current, piece.to_owned()));
        } else {
            current.push(sep);
            current.push_str(piece);
        }
    }
    out.push(current);
    out
}

/// negotiator's `parseMediaType` (its `simpleMediaTypeRegExp` written out by
/// hand): `type/subtype` with optional parameters, stopping at `q`.
fn parse_media_range(s: &str, i: f64) -> Option<MediaRange> {
    let rest = s.trim_start_matches(is_js_whitespace);
    let type_len = rest
        .find(|c: char| is_js_whitespace(c) || c == '/' || c == ';')
        .unwrap_or(rest.len());
    if type_len == 0 {
        return None;
    }
    let ty = &rest[..type_len];
    let rest = rest[type_len..].strip_prefix('/')?;
    let sub_len = rest
        .find(|c: char| is_js_whitespace(c) || c == ';')
        .unwrap_or(rest.len());
    if sub_len == 0 {
        return None;
    }
    let subtype = &rest[..sub_len];
    let tail = param_tail(&rest[sub_len..]).ok()?;

    let mut params: Vec<(String, Option<String>)> = Vec::new();
    let mut q = 1.0;
    if let Some(tail) = tail.filter(|t| !t.is_empty()) {
        for param in split_quoted(tail, ';') {
            let param = js_trim(&param);
            let (key, val) = match param.find('=') {
                Some(eq) => (&param[..eq], Some(&param[eq + 1..])),
                None => (param, None),
            };
            let key = key.to_lowercase();
            let value = val.map(|v| {
                if v.starts_with('"') && v.ends_with('"') {
                    if v.len() >= 2 { &v[1..v.len() - 1] } else { "" }
                } else {
                    v
                }
            });
            if key == "q" {
                q = parse_float(value);
                break;
            }
            let value = value.map(str::to_owned);
            match params.iter_mut().find(|(k, _)| *k == key) {
                Some(slot) => slot.1 = value,
                None => params.push((key, value)),
            }
        }
    }
    Some(MediaRange {
        ty: ty.to_owned(),
        subtype: subtype.to_owned(),
        params,
        q,
        i,
    })
}

/// negotiator's `parseAccept`.
fn parse_accept(accept: &str) -> Vec<MediaRange> {
    split_quoted(accept, ',')
        .iter()
        .enumerate()
        .filter_map(|(i, entry)| parse_media_range(js_trim(entry), i as f64))
        .collect()
}

/// negotiator's media-type `specify`: how specifically `spec` matches `offer`.
fn specify_media(offer: &str, spec: &MediaRange, index: f64) -> Option<Priority> {
    let p = parse_media_range(offer, 0.0)?;
    let mut s = 0.0;
    if spec.ty.to_lowercase() == p.ty.to_lowercase() {
        s += 4.0;
    } else if spec.ty != "*" {
        return None;
    }
    if spec.subtype.to_lowercase() == p.subtype.to_lowercase() {
        s += 2.0;
    } else if spec.subtype != "*" {
        return None;
    }
    if !spec.params.is_empty() {
        let all = spec.params.iter().all(|(key, want)| {
            if want.as_deref() == Some("*") {
                return true;
            }
            let have = p
                .params
                .iter()
                .find(|(k, _)| k == key)
                .and_then(|(_, v)| v.as_deref())
                .unwrap_or("");
            want.as_deref().unwrap_or("").to_lowercase() == have.to_lowercase()
        });
        if !all {
            return None;
        }
        s += 1.0;
    }
    Some(Priority {
        i: index,
        o: spec.i,
        q: spec.q,
        s,
    })
}

/// The media types acceptable according to an `Accept` header, best first
/// (negotiator's `preferredMediaTypes`).
///
/// `accept` is the raw header (`None` when the request has none, which means
/// `*/*`). With `provided`, the acceptable offers are returned (as given) in
/// preference order; without it, the client's own `type/subtype` entries are
/// returned (parameters dropped).
pub fn preferred_media_types(accept: Option<&str>, provided: Option<&[&str]>) -> Vec<String> {
    let accepts = parse_accept(accept.unwrap_or("*/*"));
    match provided {
        None => rank_entries(
            accepts
                .into_iter()
                .map(|m| (format!("{}/{}", m.ty, m.subtype), m.q, m.i))
                .collect(),
        ),
        Some(offered) => {
            let priorities = offered
                .iter()
                .enumerate()
                .map(|(index, offer)| {
                    best_priority(&accepts, |spec| specify_media(offer, spec, index as f64))
                })
                .collect();
            rank_offers(offered, priorities)
        }
    }
}

/// negotiator's `get…Priority`: the best match among all accepted entries.
fn best_priority<T>(accepted: &[T], specify: impl Fn(&T) -> Option<Priority>) -> Priority {
    let mut best = Priority::NONE;
    for spec in accepted {
        if let Some(candidate) = specify(spec)
            && beats(&best, &candidate)
        {
            best = candidate;
        }
    }
    best
}

// ---------------------------------------------------------------------------
// negotiator lib/charset.js and lib/encoding.js
// ---------------------------------------------------------------------------

/// One `token;q=…` entry of `Accept-Charset` or `Accept-Encoding`.
#[derive(Debug, Clone)]
struct Simple {
    value: String,
    q: f64,
    i: f64,
}

/// negotiator's `parseCharset` / `parseEncoding` (the same
/// `^\s*([^\s;]+)\s*(?:;(.*))?$` pattern): the first `q` parameter wins.
fn parse_simple(s: &str, i: f64) -> Option<Simple> {
    let rest = s.trim_start_matches(is_js_whitespace);
    let len = rest
        .find(|c: char| is_js_whitespace(c) || c == ';')
        .unwrap_or(rest.len());
    if len == 0 {
        return None;
    }
    let value = &rest[..len];
    let tail = param_tail(&rest[len..]).ok()?;
    let mut q = 1.0;
    if let Some(tail) = tail.filter(|t| !t.is_empty()) {
        for param in tail.split(';') {
            let mut parts = js_trim(param).split('=');
            if parts.next() == Some("q") {
                q = parse_float(parts.next());
                break;
            }
        }
    }
    Some(Simple {
        value: value.to_owned(),
        q,
        i,
    })
}

/// The charset / encoding `specify`: exact (case-insensitive) beats `*`.
fn specify_simple(offer: &str, spec: &Simple, index: f64) -> Option<Priority> {
    let s = if spec.value.to_lowercase() == offer.to_lowercase() {
        1.0
    } else if spec.value == "*" {
        0.0
    } else {
        return None;
    };
    Some(Priority {
        i: index,
        o: spec.i,
        q: spec.q,
        s,
    })
}

/// Parse a comma list of simple entries, dropping those that do not parse.
fn parse_simple_list(header: &str) -> (Vec<Simple>, usize) {
    let parts: Vec<&str> = header.split(',').collect();
    let entries = parts
        .iter()
        .enumerate()
        .filter_map(|(i, p)| parse_simple(js_trim(p), i as f64))
        .collect();
    (entries, parts.len())
}

/// Shared tail of the charset and encoding negotiations.
fn negotiate_simple(accepts: Vec<Simple>, provided: Option<&[&str]>) -> Vec<String> {
    match provided {
        None => rank_entries(accepts.into_iter().map(|e| (e.value, e.q, e.i)).collect()),
        Some(offered) => {
            let priorities = offered
                .iter()
                .enumerate()
                .map(|(index, offer)| {
                    best_priority(&accepts, |spec| specify_simple(offer, spec, index as f64))
                })
                .collect();
            rank_offers(offered, priorities)
        }
    }
}

/// The charsets acceptable according to an `Accept-Charset` header, best
/// first (negotiator's `preferredCharsets`). `None` (no header) means `*`.
pub fn preferred_charsets(accept: Option<&str>, provided: Option<&[&str]>) -> Vec<String> {
    let (accepts, _) = parse_simple_list(accept.unwrap_or("*"));
    negotiate_simple(accepts, provided)
}

/// The encodings acceptable according to an `Accept-Encoding` header, best
/// first (negotiator's `preferredEncodings`).
///
/// A missing or empty header accepts only `identity`. Unless the header names
/// `identity` or `*`, `identity` is appended with the lowest `q` of the
/// header (entries with `q` 0 or unreadable count as 1 here, as upstream's
/// `q || 1` does).
pub fn preferred_encodings(accept: Option<&str>, provided: Option<&[&str]>) -> Vec<String> {
    let (mut accepts, count) = parse_simple_list(accept.unwrap_or(""));
    let has_identity = accepts
        .iter()
        .any(|e| specify_simple("identity", e, 0.0).is_some());
    if !has_identity {
        let min_quality = accepts.iter().fold(1.0_f64, |min, e| {
            let q = if e.q == 0.0 || e.q.is_nan() { 1.0 } else { e.q };
            min.min(q)
        });
        accepts.push(Simple {
            value: "identity".to_owned(),
            q: min_quality,
            i: count as f64,
        });
    }
    negotiate_simple(accepts, provided)
}

// ---------------------------------------------------------------------------
// negotiator lib/language.js
// ---------------------------------------------------------------------------

/// One `prefix-suffix;q=…` entry of `Accept-Language` (or a parsed offer).
#[derive(Debug, Clone)]
struct Language {
    prefix: String,
    full: String,
    q: f64,
    i: f64,
}

/// negotiator's `parseLanguage`: `prefix[-suffix]` with parameters that are
/// not trimmed and where the *last* `q` wins.
fn parse_language(s: &str, i: f64) -> Option<Language> {
    let rest = s.trim_start_matches(is_js_whitespace);
    let prefix_len = rest
        .find(|c: char| is_js_whitespace(c) || c == '-' || c == ';')
        .unwrap_or(rest.len());
    if prefix_len == 0 {
        return None;
    }
    let prefix = &rest[..prefix_len];
    let mut rest = &rest[prefix_len..];
    let mut full = prefix.to_owned();
    if let Some(after) = rest.strip_prefix('-') {
        let suffix_len = after
            .find(|c: char| is_js_whitespace(c) || c == ';')
            .unwrap_or(after.len());
        if suffix_len == 0 {
            return None;
        }
        full.push('-');
        full.push_str(&after[..suffix_len]);
        rest = &after[suffix_len..];
    }
    let tail = param_tail(rest).ok()?;
    let mut q = 1.0;
    if let Some(tail) = tail.filter(|t| !t.is_empty()) {
        for param in tail.split(';') {
            let mut parts = param.split('=');
            if parts.next() == Some("q") {
                q = parse_float(parts.next());
            }
        }
    }
    Some(Language {
        prefix: prefix.to_owned(),
        full,
        q,
        i,
    })
}

/// The language `specify`: exact (4) beats "the client's prefix is my whole
/// tag" (2), which beats "my prefix is the client's whole tag" (1), then `*`.
fn specify_language(offer: &str, spec: &Language, index: f64) -> Option<Priority> {
    let p = parse_language(offer, 0.0)?;
    let spec_full = spec.full.to_lowercase();
    let s = if spec_full == p.full.to_lowercase() {
        4.0
    } else if spec.prefix.to_lowercase() == p.full.to_lowercase() {
        2.0
    } else if spec_full == p.prefix.to_lowercase() {
        1.0
    } else if spec.full == "*" {
        0.0
    } else {
        return None;
    };
    Some(Priority {
        i: index,
        o: spec.i,
        q: spec.q,
        s,
    })
}

/// The languages acceptable according to an `Accept-Language` header, best
/// first (negotiator's `preferredLanguages`). `None` (no header) means `*`.
pub fn preferred_languages(accept: Option<&str>, provided: Option<&[&str]>) -> Vec<String> {
    let accepts: Vec<Language> = accept
        .unwrap_or("*")
        .split(',')
        .enumerate()
        .filter_map(|(i, p)| parse_language(js_trim(p), i as f64))
        .collect();
    match provided {
        None => rank_entries(accepts.into_iter().map(|l| (l.full, l.q, l.i)).collect()),
        Some(offered) => {
            let priorities = offered
                .iter()
                .enumerate()
                .map(|(index, offer)| {
                    best_priority(&accepts, |spec| specify_language(offer, spec, index as f64))
                })
                .collect();
            rank_offers(offered, priorities)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;
    use proptest::prelude::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(*name, HeaderValue::from_str(value).unwrap());
        }
        map
    }

    fn media(accept: Option<&str>, offered: &[&str]) -> Vec<String> {
        preferred_media_types(accept, Some(offered))
    }

    fn all_media(accept: Option<&str>) -> Vec<String> {
        preferred_media_types(accept, None)
    }

    // ---- negotiator: media types without offers --------------------------

    #[test]
    fn media_types_default_to_any_without_accept() {
        assert_eq!(all_media(None), ["*/*"]);
        assert_eq!(all_media(Some("*/*")), ["*/*"]);
    }

    #[test]
    fn media_types_list_client_entries_by_quality_then_position() {
        assert_eq!(all_media(Some("application/json")), ["application/json"]);
        assert_eq!(
            all_media(Some("application/json;q=0.2, text/html")),
            ["text/html", "application/json"]
        );
        assert_eq!(
            all_media(Some(
                "text/plain, application/json;q=0.5, text/html, */*;q=0.1"
            )),
            ["text/plain", "text/html", "application/json", "*/*"]
        );
        assert_eq!(
            all_media(Some(
                "text/plain, application/json;q=0.5, text/html, text/xml, text/yaml, \
                 text/javascript, text/csv, text/css, text/rtf, text/markdown, \
                 application/octet-stream;q=0.2, */*;q=0.1"
            )),
            [
                "text/plain",
                "text/html",
                "text/xml",
                "text/yaml",
                "text/javascript",
                "text/csv",
                "text/css",
                "text/rtf",
                "text/markdown",
                "application/json",
                "application/octet-stream",
                "*/*"
            ]
        );
    }

    #[test]
    fn media_types_drop_entries_with_zero_quality() {
        assert!(all_media(Some("application/json;q=0")).is_empty());
        assert_eq!(all_media(Some("text/*, text/plain;q=0")), ["text/*"]);
    }

    #[test]
    fn media_types_list_drops_parameters() {
        assert_eq!(all_media(Some("text/html;LEVEL=1")), ["text/html"]);
    }

    #[test]
    fn media_types_keep_commas_and_semicolons_inside_quotes() {
        assert_eq!(
            all_media(Some(
                r#"text/html;foo="bar,text/css;";fizz="buzz,5", text/plain"#
            )),
            ["text/html", "text/plain"]
        );
    }

    #[test]
    fn empty_accept_accepts_nothing() {
        assert!(all_media(Some("")).is_empty());
        assert!(media(Some(""), &["text/html"]).is_empty());
    }

    // ---- negotiator: media types with offers ------------------------------

    #[test]
    fn media_offers_keep_server_order_when_anything_goes() {
        for accept in [None, Some("*/*")] {
            assert_eq!(
                media(accept, &["application/json", "text/plain"]),
                ["application/json", "text/plain"]
            );
            assert_eq!(
                media(accept, &["text/html", "application/json"])[0],
                "text/html"
            );
        }
    }

    #[test]
    fn media_offers_sort_stably_by_specificity_and_quality() {
        assert_eq!(
            media(
                Some("*/*;q=0.8, text/*, image/*"),
                &[
                    "application/json",
                    "text/html",
                    "text/plain",
                    "text/xml",
                    "application/xml",
                    "image/gif",
                    "image/jpeg",
                    "image/png",
                    "audio/mp3",
                    "application/javascript",
                    "text/javascript"
                ]
            ),
            [
                "text/html",
                "text/plain",
                "text/xml",
                "text/javascript",
                "image/gif",
                "image/jpeg",
                "image/png",
                "application/json",
                "application/xml",
                "audio/mp3",
                "application/javascript"
            ]
        );
    }

    #[test]
    fn media_offers_match_case_insensitively_and_return_the_offer() {
        assert_eq!(
            media(Some("application/json"), &["application/JSON"]),
            ["application/JSON"]
        );
    }

    #[test]
    fn media_offers_not_accepted_are_dropped_and_invalid_ones_ignored() {
        let accept = Some("application/json");
        assert!(media(accept, &["text/html"]).is_empty());
        assert_eq!(
            media(accept, &["text/html", "application/json"]),
            ["application/json"]
        );
        assert_eq!(
            media(accept, &["boom", "application/json"]),
            ["application/json"]
        );
    }

    #[test]
    fn media_offers_refused_by_zero_quality() {
        let accept = Some("application/json;q=0");
        assert!(media(accept, &["application/json"]).is_empty());
        assert!(media(accept, &["application/json", "text/html", "image/jpeg"]).is_empty());
    }

    #[test]
    fn media_offers_follow_client_quality() {
        assert_eq!(
            media(
                Some("application/json;q=0.2, text/html"),
                &["application/json", "text/html"]
            ),
            ["text/html", "application/json"]
        );
        assert_eq!(
            media(
                Some("application/json, */*;q=0.1"),
                &["text/html", "application/json"]
            ),
            ["application/json", "text/html"]
        );
        let accept = Some("text/plain, application/json;q=0.5, text/html, */*;q=0.1");
        assert_eq!(
            media(accept, &["text/html", "text/plain"]),
            ["text/plain", "text/html"]
        );
        assert_eq!(
            media(accept, &["application/json", "text/html", "text/plain"]),
            ["text/plain", "text/html", "application/json"]
        );
        assert_eq!(
            media(accept, &["image/jpeg", "text/html", "text/plain"]),
            ["text/plain", "text/html", "image/jpeg"]
        );
        assert_eq!(media(accept, &["image/jpeg", "image/gif"])[0], "image/jpeg");
    }

    #[test]
    fn media_offer_uses_its_most_specific_then_highest_quality_entry() {
        assert_eq!(
            media(
                Some("application/json;q=0.9, text/html;q=0.8, application/json;q=0.7"),
                &["text/html", "application/json"]
            ),
            ["application/json", "text/html"]
        );
    }

    #[test]
    fn media_offers_match_subtype_wildcards() {
        assert_eq!(
            media(
                Some("text/*"),
                &["text/html", "application/json", "text/plain"]
            ),
            ["text/html", "text/plain"]
        );
        assert_eq!(
            media(Some("text/*, text/plain;q=0"), &["text/html", "text/plain"]),
            ["text/html"]
        );
        assert_eq!(
            media(
                Some("text/*, text/plain;q=0.5"),
                &["text/html", "text/plain", "text/xml"]
            ),
            ["text/html", "text/xml", "text/plain"]
        );
        assert_eq!(
            media(Some("text/*, text/html;level"), &["text/html"]),
            ["text/html"]
        );
    }

    #[test]
    fn media_offers_must_carry_the_accepted_parameters() {
        let accept = Some("text/html;level=1");
        assert_eq!(media(accept, &["text/html;level=1"]), ["text/html;level=1"]);
        assert_eq!(media(accept, &["text/html;Level=1"]), ["text/html;Level=1"]);
        assert!(media(accept, &["text/html;level=2"]).is_empty());
        assert!(media(accept, &["text/html"]).is_empty());
        assert_eq!(
            media(accept, &["text/html;level=1;foo=bar"]),
            ["text/html;level=1;foo=bar"]
        );

        let accept = Some("text/html;level=1;foo=bar");
        assert!(media(accept, &["text/html;level=1"]).is_empty());
        assert_eq!(
            media(accept, &["text/html;foo=bar;level=1"]),
            ["text/html;foo=bar;level=1"]
        );
    }

    #[test]
    fn media_parameters_compare_unquoted_and_case_insensitively() {
        let accept = Some(r#"text/html;level=1;foo="bar""#);
        assert_eq!(
            media(accept, &["text/html;level=1;foo=bar"]),
            ["text/html;level=1;foo=bar"]
        );
        assert_eq!(
            media(accept, &[r#"text/html;level=1;foo="bar""#]),
            [r#"text/html;level=1;foo="bar""#]
        );
        let accept = Some(r#"text/html;foo=";level=2;""#);
        assert!(media(accept, &["text/html;level=2"]).is_empty());
        assert_eq!(
            media(accept, &[r#"text/html;foo=";level=2;""#]),
            [r#"text/html;foo=";level=2;""#]
        );
        let accept = Some("text/html;LEVEL=1");
        assert_eq!(media(accept, &["text/html;level=1"]), ["text/html;level=1"]);
        assert_eq!(media(accept, &["text/html;Level=1"]), ["text/html;Level=1"]);
        assert_eq!(
            media(
                Some(r#"application/xhtml+xml;profile="http://www.wapforum.org/xhtml""#),
                &[r#"application/xhtml+xml;profile="http://www.wapforum.org/xhtml""#]
            ),
            [r#"application/xhtml+xml;profile="http://www.wapforum.org/xhtml""#]
        );
    }

    #[test]
    fn media_later_duplicate_parameter_wins() {
        let accept = Some("text/html;LEVEL=1;level=2");
        assert_eq!(media(accept, &["text/html;level=2"]), ["text/html;level=2"]);
        assert!(media(accept, &["text/html;level=1"]).is_empty());
        assert!(media(Some("text/html;level=2"), &["text/html;level=1"]).is_empty());
    }

    #[test]
    fn media_parameters_after_quality_are_ignored() {
        assert!(
            media(
                Some("text/html;level=2;q=0.1;level=1"),
                &["text/html;level=1"]
            )
            .is_empty()
        );
    }

    #[test]
    fn media_parameter_match_is_more_specific_than_bare_type() {
        assert_eq!(
            media(
                Some("text/html;level=2, text/html"),
                &["text/html", "text/html;level=2"]
            ),
            ["text/html;level=2", "text/html"]
        );
        assert_eq!(
            media(
                Some("text/html;level=2;q=0.1, text/html"),
                &["text/html;level=2", "text/html"]
            ),
            ["text/html", "text/html;level=2"]
        );
        assert_eq!(
            media(
                Some("text/html;level=2;q=0.1, text/html;level=1, text/html;q=0.5"),
                &["text/html;level=1", "text/html;level=2", "text/html"]
            ),
            ["text/html;level=1", "text/html", "text/html;level=2"]
        );
    }

    #[test]
    fn media_entry_with_unreadable_quality_shadows_a_good_one() {
        // JavaScript's NaN comparisons let the later, unreadable entry win
        // the best-match search; NaN is then not acceptable.
        assert!(media(Some("text/html, text/html;q=foo"), &["text/html"]).is_empty());
        assert!(all_media(Some("text/html;q=foo")).is_empty());
    }

    #[test]
    fn quality_is_read_like_parse_float() {
        assert_eq!(parse_float(Some("0.5x")), 0.5);
        assert_eq!(parse_float(Some(" 1e-1")), 0.1);
        assert_eq!(parse_float(Some(".5")), 0.5);
        assert_eq!(parse_float(Some("5.")), 5.0);
        assert_eq!(parse_float(Some("-Infinityx")), f64::NEG_INFINITY);
        assert_eq!(parse_float(Some("1e")), 1.0);
        assert!(parse_float(Some("")).is_nan());
        assert!(parse_float(Some(".")).is_nan());
        assert!(parse_float(Some("abc")).is_nan());
        assert!(parse_float(None).is_nan());
    }

    // ---- negotiator: charsets ---------------------------------------------

    #[test]
    fn charsets_without_header_accept_anything_in_server_order() {
        assert_eq!(preferred_charsets(None, None), ["*"]);
        assert_eq!(
            preferred_charsets(None, Some(&["UTF-8", "ISO-8859-1"])),
            ["UTF-8", "ISO-8859-1"]
        );
        assert!(preferred_charsets(None, Some(&[])).is_empty());
    }

    #[test]
    fn charsets_list_client_entries_by_quality() {
        assert_eq!(preferred_charsets(Some("*, UTF-8"), None), ["*", "UTF-8"]);
        assert_eq!(preferred_charsets(Some("*, UTF-8;q=0"), None), ["*"]);
        assert!(preferred_charsets(Some("UTF-8;q=0"), None).is_empty());
        assert_eq!(
            preferred_charsets(Some("UTF-8;q=0.8, ISO-8859-1"), None),
            ["ISO-8859-1", "UTF-8"]
        );
        assert_eq!(
            preferred_charsets(Some("UTF-8;foo=bar;q=1, ISO-8859-1;q=1"), None),
            ["UTF-8", "ISO-8859-1"]
        );
    }

    #[test]
    fn charsets_list_keeps_duplicate_entries() {
        // Upstream's own test for de-duplication is skipped; the list really
        // repeats a charset the client named twice.
        assert_eq!(
            preferred_charsets(Some("UTF-8;q=0.9, ISO-8859-1;q=0.8, UTF-8;q=0.7"), None),
            ["UTF-8", "ISO-8859-1", "UTF-8"]
        );
    }

    #[test]
    fn charset_wildcard_matches_all_but_refused_ones() {
        assert_eq!(
            preferred_charsets(Some("*, UTF-8"), Some(&["UTF-8", "ISO-8859-1"])),
            ["UTF-8", "ISO-8859-1"]
        );
        assert!(preferred_charsets(Some("*, UTF-8;q=0"), Some(&["UTF-8"])).is_empty());
        assert_eq!(
            preferred_charsets(Some("*, UTF-8;q=0"), Some(&["UTF-8", "ISO-8859-1"])),
            ["ISO-8859-1"]
        );
    }

    #[test]
    fn charsets_match_case_insensitively_returning_offer_casing() {
        let accept = Some("ISO-8859-1");
        assert_eq!(
            preferred_charsets(accept, Some(&["iso-8859-1"])),
            ["iso-8859-1"]
        );
        assert_eq!(
            preferred_charsets(accept, Some(&["iso-8859-1", "ISO-8859-1"])),
            ["iso-8859-1", "ISO-8859-1"]
        );
        assert!(preferred_charsets(accept, Some(&["utf-8"])).is_empty());
    }

    #[test]
    fn charsets_follow_client_preference() {
        assert_eq!(
            preferred_charsets(
                Some("UTF-8, ISO-8859-1"),
                Some(&["UTF-8", "KOI8-R", "ISO-8859-1"])
            ),
            ["UTF-8", "ISO-8859-1"]
        );
        assert_eq!(
            preferred_charsets(
                Some("UTF-8;q=0.8, ISO-8859-1"),
                Some(&["UTF-8", "KOI8-R", "ISO-8859-1"])
            ),
            ["ISO-8859-1", "UTF-8"]
        );
        assert!(
            preferred_charsets(Some("UTF-8;q=0"), Some(&["UTF-8", "KOI8-R", "ISO-8859-1"]))
                .is_empty()
        );
    }

    #[test]
    fn charset_duplicate_uses_highest_preferred_entry() {
        let accept = Some("UTF-8;q=0.9, ISO-8859-1;q=0.8, UTF-8;q=0.7");
        assert_eq!(
            preferred_charsets(accept, Some(&["ISO-8859-1", "UTF-8"])),
            ["UTF-8", "ISO-8859-1"]
        );
    }

    // ---- negotiator: encodings --------------------------------------------

    #[test]
    fn encodings_without_header_allow_only_identity() {
        assert_eq!(preferred_encodings(None, None), ["identity"]);
        assert_eq!(preferred_encodings(Some(""), None), ["identity"]);
        assert_eq!(preferred_encodings(None, Some(&["identity"])), ["identity"]);
        assert!(preferred_encodings(None, Some(&["gzip"])).is_empty());
    }

    #[test]
    fn encodings_append_identity_with_lowest_quality() {
        assert_eq!(
            preferred_encodings(Some("gzip"), None),
            ["gzip", "identity"]
        );
        assert_eq!(
            preferred_encodings(Some("gzip, compress;q=0"), None),
            ["gzip", "identity"]
        );
        assert_eq!(
            preferred_encodings(Some("gzip, deflate"), None),
            ["gzip", "deflate", "identity"]
        );
        assert_eq!(
            preferred_encodings(Some("gzip;q=0.8, deflate"), None),
            ["deflate", "gzip", "identity"]
        );
        assert_eq!(
            preferred_encodings(Some("gzip;foo=bar;q=1, deflate;q=1"), None),
            ["gzip", "deflate", "identity"]
        );
        assert_eq!(
            preferred_encodings(
                Some("gzip;q=0.8, deflate"),
                Some(&["identity", "deflate", "gzip"])
            ),
            ["deflate", "gzip", "identity"]
        );
    }

    #[test]
    fn encodings_named_identity_or_wildcard_suppress_the_implicit_identity() {
        assert_eq!(preferred_encodings(Some("*"), None), ["*"]);
        assert_eq!(preferred_encodings(Some("*, gzip"), None), ["*", "gzip"]);
        assert_eq!(preferred_encodings(Some("*, gzip;q=0"), None), ["*"]);
        assert!(preferred_encodings(Some("*;q=0"), None).is_empty());
        assert_eq!(
            preferred_encodings(Some("*;q=0, identity;q=1"), None),
            ["identity"]
        );
        assert_eq!(preferred_encodings(Some("identity"), None), ["identity"]);
        assert!(preferred_encodings(Some("identity;q=0"), None).is_empty());
        assert_eq!(
            preferred_encodings(Some("gzip;q=0.8, identity;q=0.5, *;q=0.3"), None),
            ["gzip", "identity", "*"]
        );
    }

    #[test]
    fn encoding_offers_follow_client_preference() {
        assert_eq!(
            preferred_encodings(Some("*"), Some(&["gzip", "identity"])),
            ["gzip", "identity"]
        );
        assert_eq!(
            preferred_encodings(Some("*, gzip"), Some(&["compress", "gzip"])),
            ["gzip", "compress"]
        );
        assert_eq!(
            preferred_encodings(Some("*, gzip;q=0"), Some(&["gzip", "compress"])),
            ["compress"]
        );
        assert!(preferred_encodings(Some("*;q=0"), Some(&["identity", "gzip"])).is_empty());
        assert_eq!(
            preferred_encodings(Some("*;q=0, identity;q=1"), Some(&["identity", "gzip"])),
            ["identity"]
        );
        assert!(preferred_encodings(Some("identity;q=0"), Some(&["identity", "gzip"])).is_empty());
        assert_eq!(
            preferred_encodings(Some("gzip"), Some(&["identity", "gzip"])),
            ["gzip", "identity"]
        );
        assert_eq!(
            preferred_encodings(Some("gzip, compress;q=0"), Some(&["gzip", "compress"])),
            ["gzip"]
        );
        assert_eq!(
            preferred_encodings(Some("gzip, deflate"), Some(&["deflate", "gzip"])),
            ["gzip", "deflate"]
        );
        assert_eq!(
            preferred_encodings(
                Some("gzip;q=0.8, identity;q=0.5, *;q=0.3"),
                Some(&["identity", "gzip", "compress"])
            ),
            ["gzip", "identity", "compress"]
        );
    }

    #[test]
    fn encodings_match_case_insensitively_returning_offer_casing() {
        assert_eq!(
            preferred_encodings(Some("gzip"), Some(&["GZIP", "gzip"])),
            ["GZIP", "gzip"]
        );
    }

    #[test]
    fn encodings_negative_quality_also_refuses_identity() {
        assert!(preferred_encodings(Some("gzip;q=-1"), None).is_empty());
        assert_eq!(
            preferred_encodings(Some("gzip;q=Infinity, br;q=1e999"), None),
            ["gzip", "br", "identity"]
        );
    }

    // ---- negotiator: languages --------------------------------------------

    #[test]
    fn languages_without_header_accept_anything_in_server_order() {
        assert_eq!(preferred_languages(None, None), ["*"]);
        assert_eq!(preferred_languages(None, Some(&["es", "en"])), ["es", "en"]);
        assert!(preferred_languages(None, Some(&[])).is_empty());
    }

    #[test]
    fn languages_list_client_entries_by_quality() {
        assert_eq!(preferred_languages(Some("*, en"), None), ["*", "en"]);
        assert_eq!(preferred_languages(Some("*, en;q=0"), None), ["*"]);
        assert_eq!(
            preferred_languages(Some("*;q=0.8, en, es"), None),
            ["en", "es", "*"]
        );
        assert!(preferred_languages(Some("en;q=0"), None).is_empty());
        assert_eq!(
            preferred_languages(Some("en-US, en;q=0.8"), None),
            ["en-US", "en"]
        );
        assert_eq!(
            preferred_languages(Some("en-US;q=0.8, es"), None),
            ["es", "en-US"]
        );
        assert_eq!(
            preferred_languages(Some("en-US;foo=bar;q=1, en-GB;q=1"), None),
            ["en-US", "en-GB"]
        );
        assert_eq!(
            preferred_languages(
                Some("nl;q=0.5, fr, de, en, it, es, pt, no, se, fi, ro"),
                None
            ),
            [
                "fr", "de", "en", "it", "es", "pt", "no", "se", "fi", "ro", "nl"
            ]
        );
    }

    #[test]
    fn language_offers_follow_client_preference() {
        assert_eq!(
            preferred_languages(Some("*, en"), Some(&["es", "en"])),
            ["en", "es"]
        );
        assert_eq!(
            preferred_languages(Some("*, en;q=0"), Some(&["es", "en"])),
            ["es"]
        );
        assert_eq!(
            preferred_languages(Some("en;q=0.8, es"), Some(&["en", "es"])),
            ["es", "en"]
        );
        assert_eq!(
            preferred_languages(Some("en;q=0.9, es;q=0.8, en;q=0.7"), Some(&["es", "en"])),
            ["en", "es"]
        );
        assert_eq!(
            preferred_languages(
                Some("*;q=0.8, en, es"),
                Some(&[
                    "fr", "de", "en", "it", "es", "pt", "no", "se", "fi", "ro", "nl"
                ])
            ),
            [
                "en", "es", "fr", "de", "it", "pt", "no", "se", "fi", "ro", "nl"
            ]
        );
        assert_eq!(
            preferred_languages(
                Some("nl;q=0.5, fr, de, en, it, es, pt, no, se, fi, ro"),
                Some(&["nl", "fr"])
            ),
            ["fr", "nl"]
        );
    }

    #[test]
    fn language_accepted_prefix_matches_regional_offer_less_specifically() {
        let accept = Some("en");
        assert_eq!(preferred_languages(accept, Some(&["en-US"])), ["en-US"]);
        assert_eq!(
            preferred_languages(accept, Some(&["en-US", "en"])),
            ["en", "en-US"]
        );
        assert_eq!(preferred_languages(accept, Some(&["es", "en"])), ["en"]);
    }

    #[test]
    fn language_regional_entry_prefers_exact_then_its_prefix() {
        let accept = Some("en-US, en;q=0.8");
        assert_eq!(
            preferred_languages(accept, Some(&["en-us", "EN"])),
            ["en-us", "EN"]
        );
        assert_eq!(
            preferred_languages(accept, Some(&["en-GB", "en-US", "en"])),
            ["en-US", "en", "en-GB"]
        );
        assert_eq!(
            preferred_languages(Some("en-US, en-GB"), Some(&["en-GB", "en-US"])),
            ["en-US", "en-GB"]
        );
        assert_eq!(
            preferred_languages(Some("en-US;q=0.8, es"), Some(&["en", "es", "en-US"])),
            ["es", "en-US", "en"]
        );
    }

    #[test]
    fn language_parameters_are_not_trimmed() {
        // Upstream splits Accept-Language parameters without trimming them,
        // so " q=0.5" is not a quality and "en" keeps q=1.
        assert_eq!(
            preferred_languages(Some("en; q=0.5, fr"), None),
            ["en", "fr"]
        );
        assert_eq!(
            preferred_languages(Some("en;q=0.5, fr"), None),
            ["fr", "en"]
        );
    }

    // ---- accepts ----------------------------------------------------------

    #[test]
    fn types_without_offers_lists_accepted_types() {
        let map = headers(&[(
            "accept",
            "application/*;q=0.2, image/jpeg;q=0.8, text/html, text/plain",
        )]);
        assert_eq!(
            Accepts::new(&map).all_types(),
            ["text/html", "text/plain", "image/jpeg", "application/*"]
        );
        assert_eq!(Accepts::new(&HeaderMap::new()).all_types(), ["*/*"]);
        let empty = headers(&[("accept", "")]);
        assert!(Accepts::new(&empty).all_types().is_empty());
    }

    #[test]
    fn types_with_no_acceptable_offer_is_none() {
        let map = headers(&[(
            "accept",
            "application/*;q=0.2, image/jpeg;q=0.8, text/html, text/plain",
        )]);
        assert_eq!(Accepts::new(&map).types(&["image/png", "image/tiff"]), None);
        assert_eq!(Accepts::new(&map).types(&[]), None);
    }

    #[test]
    fn types_without_accept_header_returns_first_offer() {
        let none = HeaderMap::new();
        assert_eq!(
            Accepts::new(&none).types(&["text/html", "text/plain", "image/jpeg", "application/*"]),
            Some("text/html".into())
        );
        let empty = headers(&[("accept", "")]);
        assert_eq!(Accepts::new(&empty).types(&["bogus"]), Some("bogus".into()));
    }

    #[test]
    fn types_resolve_extensions_and_return_them_as_offered() {
        let map = headers(&[("accept", "text/plain, text/html")]);
        let accepts = Accepts::new(&map);
        assert_eq!(accepts.types(&["html"]), Some("html".into()));
        assert_eq!(accepts.types(&[".html"]), Some(".html".into()));
        assert_eq!(accepts.types(&["txt"]), Some("txt".into()));
        assert_eq!(accepts.types(&[".txt"]), Some(".txt".into()));
        assert_eq!(accepts.types(&["png"]), None);
        assert_eq!(accepts.types(&["bogus"]), None);
    }

    #[test]
    fn types_returns_the_best_of_several_offers() {
        let map = headers(&[("accept", "text/plain, text/html")]);
        let accepts = Accepts::new(&map);
        assert_eq!(accepts.types(&["png", "text", "html"]), Some("text".into()));
        assert_eq!(accepts.types(&["png", "html"]), Some("html".into()));
        assert_eq!(accepts.types(&["bogus", "html"]), Some("html".into()));
    }

    #[test]
    fn types_match_exactly_by_type_and_by_subtype_wildcard() {
        let map = headers(&[("accept", "text/plain, text/html")]);
        assert_eq!(
            Accepts::new(&map).types(&["text/html"]),
            Some("text/html".into())
        );
        assert_eq!(
            Accepts::new(&map).types(&["text/plain"]),
            Some("text/plain".into())
        );

        let map = headers(&[("accept", "application/json, */*")]);
        for t in ["text/html", "text/plain", "image/png"] {
            assert_eq!(Accepts::new(&map).types(&[t]), Some(t.into()));
        }

        let map = headers(&[("accept", "application/json, text/*")]);
        assert_eq!(
            Accepts::new(&map).types(&["text/html"]),
            Some("text/html".into())
        );
        assert_eq!(Accepts::new(&map).types(&["image/png"]), None);
    }

    #[test]
    fn types_map_a_shared_mime_back_to_its_first_offer() {
        let map = headers(&[("accept", "application/json")]);
        assert_eq!(
            Accepts::new(&map).types(&["json", "application/json"]),
            Some("json".into())
        );
    }

    #[test]
    fn encodings_accessor_includes_identity() {
        let map = headers(&[("accept-encoding", "gzip, compress;q=0.2")]);
        let accepts = Accepts::new(&map);
        assert_eq!(accepts.all_encodings(), ["gzip", "compress", "identity"]);
        assert_eq!(
            accepts.encodings(&["gzip", "compress"]),
            Some("gzip".into())
        );
        assert_eq!(
            accepts.encodings(&["compress", "gzip"]),
            Some("gzip".into())
        );
    }

    #[test]
    fn encodings_accessor_without_or_with_empty_header_offers_identity_only() {
        for map in [HeaderMap::new(), headers(&[("accept-encoding", "")])] {
            let accepts = Accepts::new(&map);
            assert_eq!(accepts.all_encodings(), ["identity"]);
            assert_eq!(
                accepts.encodings(&["gzip", "deflate", "identity"]),
                Some("identity".into())
            );
            assert_eq!(accepts.encodings(&["gzip", "deflate"]), None);
        }
    }

    #[test]
    fn charsets_accessor_answers_like_upstream() {
        let map = headers(&[("accept-charset", "utf-8, iso-8859-1;q=0.2, utf-7;q=0.5")]);
        let accepts = Accepts::new(&map);
        assert_eq!(accepts.all_charsets(), ["utf-8", "utf-7", "iso-8859-1"]);
        assert_eq!(accepts.charsets(&["utf-7", "utf-8"]), Some("utf-8".into()));
        assert_eq!(accepts.charsets(&["utf-16"]), None);

        let none = HeaderMap::new();
        assert_eq!(Accepts::new(&none).all_charsets(), ["*"]);
        assert_eq!(
            Accepts::new(&none).charsets(&["utf-7", "utf-8"]),
            Some("utf-7".into())
        );
        let empty = headers(&[("accept-charset", "")]);
        assert!(Accepts::new(&empty).all_charsets().is_empty());
    }

    #[test]
    fn languages_accessor_answers_like_upstream() {
        let map = headers(&[("accept-language", "en;q=0.8, es, pt")]);
        let accepts = Accepts::new(&map);
        assert_eq!(accepts.all_languages(), ["es", "pt", "en"]);
        assert_eq!(accepts.languages(&["es", "en"]), Some("es".into()));
        assert_eq!(accepts.languages(&["fr", "au"]), None);

        let none = HeaderMap::new();
        assert_eq!(Accepts::new(&none).all_languages(), ["*"]);
        assert_eq!(
            Accepts::new(&none).languages(&["es", "en"]),
            Some("es".into())
        );
        let empty = headers(&[("accept-language", "")]);
        assert!(Accepts::new(&empty).all_languages().is_empty());
    }

    #[test]
    fn empty_string_match_counts_as_no_match() {
        let map = headers(&[("accept-encoding", "*")]);
        assert_eq!(Accepts::new(&map).encodings(&[""]), None);
    }

    #[test]
    fn repeated_headers_are_joined_like_node() {
        let map = headers(&[
            ("accept", "text/html;q=0.5"),
            ("accept", "application/json"),
        ]);
        assert_eq!(
            Accepts::new(&map).all_types(),
            ["application/json", "text/html"]
        );
    }

    #[test]
    fn header_bytes_are_read_as_latin1() {
        let mut map = HeaderMap::new();
        map.insert(
            "accept-language",
            HeaderValue::from_bytes(b"fr-\xe9t\xe9, en;q=0.1").unwrap(),
        );
        assert_eq!(
            Accepts::new(&map).all_languages(),
            ["fr-\u{e9}t\u{e9}", "en"]
        );
    }

    // ---- properties -------------------------------------------------------

    fn header_value() -> impl Strategy<Value = Vec<u8>> {
        // Every byte a HeaderValue may hold, weighted towards the characters
        // negotiator's grammar cares about.
        let interesting = prop::sample::select(b",;=\"*/- \tq0.1eE-+abcxyzIN".to_vec());
        let any_valid = (0x20u8..=0xff).prop_filter("no DEL", |b| *b != 0x7f);
        prop::collection::vec(prop_oneof![3 => interesting, 1 => any_valid], 0..40)
    }

    proptest! {
        #[test]
        fn negotiation_never_panics_and_only_returns_offers(
            value in header_value(),
            offered in prop::collection::vec("[a-z*/;=.\"q0-9 -]{0,12}", 0..5),
        ) {
            let value = HeaderValue::from_bytes(&value).unwrap();
            let offered: Vec<&str> = offered.iter().map(String::as_str).collect();
            for name in ["accept", "accept-encoding", "accept-charset", "accept-language"] {
                let mut map = HeaderMap::new();
                map.insert(name, value.clone());
                let accepts = Accepts::new(&map);
                let _ = (accepts.all_types(), accepts.all_encodings());
                let _ = (accepts.all_charsets(), accepts.all_languages());
                for answer in [
                    accepts.types(&offered),
                    accepts.encodings(&offered),
                    accepts.charsets(&offered),
                    accepts.languages(&offered),
                ]
                .into_iter()
                .flatten()
                {
                    prop_assert!(offered.contains(&answer.as_str()));
                }
            }
        }

        #[test]
        fn negotiated_lists_are_subsets_of_the_offers(
            accept in "[a-z*/;=.q0-9, -]{0,30}",
            offered in prop::collection::vec("[a-z*/-]{1,8}", 0..6),
        ) {
            let offered: Vec<&str> = offered.iter().map(String::as_str).collect();
            for list in [
                preferred_media_types(Some(&accept), Some(&offered)),
                preferred_charsets(Some(&accept), Some(&offered)),
                preferred_encodings(Some(&accept), Some(&offered)),
                preferred_languages(Some(&accept), Some(&offered)),
            ] {
                prop_assert!(list.len() <= offered.len());
                for item in &list {
                    prop_assert!(offered.contains(&item.as_str()));
                }
            }
        }
    }
}
