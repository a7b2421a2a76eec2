//! Cookies: read a request's cookies, write `Set-Cookie` headers, and sign them so
//! that a client cannot forge them.
//!
//! Mirrors the npm package **cookies 0.9.1**,
//! <https://github.com/pillarjs/cookies/blob/0.9.1/index.js>: the `Cookies`
//! constructor and its `get` and `set` methods ([`Cookies::new`], [`Cookies::get`],
//! [`Cookies::set`]), the `Cookie` class with `toString` / `toHeader` ([`Cookie`]),
//! and the helpers `getPattern` (finding `name=` in the `Cookie` header) and
//! `pushCookie` (appending, or overwriting by name, in the response's `Set-Cookie`
//! list). Koa builds one per request in its `ctx.cookies` getter
//! (<https://github.com/koajs/koa/blob/v2.16.4/lib/context.js>, `get cookies`), with
//! `keys: app.keys` and `secure: ctx.request.secure`.
//!
//! ## Signing, byte for byte as Koa
//!
//! A signed cookie `name=value` travels with a second cookie, `name.sig`, whose value
//! is the [`Keygrip`] signature of the text `name=value` made with the first key. On
//! [`Cookies::get`] with signing, the `.sig` value is checked against *every* key:
//! no match → no value, and the response gets a `name.sig` cookie that expires at
//! once (so a forged signature is dropped by the browser); a match with an older key
//! → the value, and a fresh `name.sig` made with the current key.
//!
//! Node hands header bytes to JavaScript as Latin-1 (one byte, one character) and
//! writes header strings back the same way, but hashes a string's UTF-8. We keep that
//! model exactly: cookie text is a Rust `String` whose characters are the header's
//! bytes (so it may only contain U+0000..=U+00FF), signatures are made over its UTF-8,
//! and it is written back one byte per character. The result is that a cookie Koa
//! signed verifies here and the other way round, even with non-ASCII bytes in it.
//!
//! ## Where the `Set-Cookie` headers go
//!
//! Upstream reads the response's current `Set-Cookie` list, changes it and writes it
//! back on every `set`, so anything else that touched `Set-Cookie` (and Koa's
//! `ctx.onerror`, which clears every header) sees the same list. Here `get` and `set`
//! take the response's [`HeaderMap`] for the same reason: a cookie is in the response
//! the moment it is set, and clearing the response headers clears it. `get` needs it
//! too because a signed `get` may write (re-sign or expire the `.sig` cookie).

use std::fmt;
use std::str::FromStr;
use std::time::{SystemTime, UNIX_EPOCH};

use http::header::{COOKIE, SET_COOKIE};
use http::{HeaderMap, HeaderValue};

use crate::keygrip::Keygrip;

/// The errors `get` and `set` can raise; every message is upstream's, verbatim.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CookieError {
    /// The name is empty, contains a control character, a character above U+00FF,
    /// `;` or `=`.
    #[error("argument name is invalid")]
    InvalidName,
    /// The value contains a control character, a character above U+00FF, or `;`.
    #[error("argument value is invalid")]
    InvalidValue,
    /// The `path` option contains a control character or a character above U+00FF.
    #[error("option path is invalid")]
    InvalidPath,
    /// The `domain` option contains a control character or a character above U+00FF.
    #[error("option domain is invalid")]
    InvalidDomain,
    /// The `maxAge` option is NaN or infinite.
    #[error("option maxAge is invalid")]
    InvalidMaxAge,
    /// A `priority` string other than low/medium/high (any case).
    #[error("option priority is invalid")]
    InvalidPriority,
    /// A `sameSite` string other than strict/lax/none (any case).
    #[error("option sameSite is invalid")]
    InvalidSameSite,
    /// `secure: true` was asked for, but the connection is plain HTTP (and no trusted
    /// proxy said otherwise).
    #[error("Cannot send secure cookie over unencrypted connection")]
    SecureOverHttp,
    /// A signed cookie was asked for, but the jar has no keys.
    #[error(".keys required for signed cookies")]
    KeysRequired,
}

impl CookieError {
    /// The JavaScript error class upstream throws for this error (`TypeError` for
    /// argument and option validation, `Error` otherwise); upstream's tests print
    /// errors as `name: message`.
    pub fn js_name(&self) -> &'static str {
        match self {
            Self::SecureOverHttp | Self::KeysRequired => "Error",
            _ => "TypeError",
        }
    }
}

/// The `SameSite` attribute (upstream's `sameSite` option).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SameSite {
    /// `samesite=strict`.
    Strict,
    /// `samesite=lax`.
    Lax,
    /// `samesite=none` (browsers then require `secure`).
    None,
}

impl SameSite {
    /// Upstream's `sameSite: true`, which writes `samesite=strict`.
    pub const TRUE: SameSite = SameSite::Strict;

    /// The attribute value as written.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Strict => "strict",
            Self::Lax => "lax",
            Self::None => "none",
        }
    }
}

impl FromStr for SameSite {
    type Err = CookieError;

    /// `strict`, `lax` or `none` in any case, as upstream's `SAME_SITE_REGEXP`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.eq_ignore_ascii_case("strict") {
            Ok(Self::Strict)
        } else if s.eq_ignore_ascii_case("lax") {
            Ok(Self::Lax)
        } else if s.eq_ignore_ascii_case("none") {
            Ok(Self::None)
        } else {
            Err(CookieError::InvalidSameSite)
        }
    }
}

/// The `Priority` attribute (upstream's `priority` option; a Chrome extension).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Priority {
    /// `priority=low`.
    Low,
    /// `priority=medium`.
    Medium,
    /// `priority=high`.
    High,
}

impl Priority {
    /// The attribute value as written (upstream lower-cases it).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Low => "low",
            Self::Medium => "medium",
            Self::High => "high",
        }
    }
}

impl FromStr for Priority {
    type Err = CookieError;

    /// `low`, `medium` or `high` in any case, as upstream's `PRIORITY_REGEXP`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.eq_ignore_ascii_case("low") {
            Ok(Self::Low)
        } else if s.eq_ignore_ascii_case("medium") {
            Ok(Self::Medium)
        } else if s.eq_ignore_ascii_case("high") {
            Ok(Self::High)
        } else {
            Err(CookieError::InvalidPriority)
        }
    }
}

/// Options of [`Cookies::get`] (upstream's `opts` of `cookies.get(name, opts)`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct GetOptions {
    /// Check the `name.sig` signature? `None` means "not said", and then upstream
    /// signs whenever the jar has keys. (Passing no options at all — `None` for the
    /// whole `Option<GetOptions>` — never checks, again as upstream.)
    pub signed: Option<bool>,
}

impl GetOptions {
    /// `{ signed: true }`.
    pub fn signed() -> Self {
        Self { signed: Some(true) }
    }
}

/// Options of [`Cookies::set`] (upstream's `opts` of `cookies.set(name, value, opts)`,
/// which become the [`Cookie`]'s attributes). `Default` gives upstream's defaults:
/// `path=/`, `httponly`, everything else off or unset.
#[derive(Debug, Clone, PartialEq)]
pub struct CookieOptions {
    /// Lifetime in milliseconds from now, upstream's `maxAge` (a JavaScript number).
    /// It is written as an `expires` date (upstream writes no `Max-Age` attribute) and
    /// wins over [`CookieOptions::expires`]. `0` is ignored as upstream ignores a
    /// falsy `maxAge`; a negative value gives a date in the past; NaN and ±∞ are
    /// refused with `option maxAge is invalid`.
    pub max_age: Option<f64>,
    /// The `expires` date.
    pub expires: Option<SystemTime>,
    /// The `path` attribute; `None` or `""` writes none. Default `Some("/")`.
    pub path: Option<String>,
    /// The `domain` attribute; `None` or `""` writes none.
    pub domain: Option<String>,
    /// The `secure` attribute. `None`: set it exactly when the connection is secure.
    /// `Some(true)` over a plain connection is an error
    /// ([`CookieError::SecureOverHttp`]).
    pub secure: Option<bool>,
    /// The `httponly` attribute (hidden from page scripts). Default `true`.
    pub http_only: bool,
    /// The `samesite` attribute; `None` writes none.
    pub same_site: Option<SameSite>,
    /// Also write a `name.sig` cookie? `None`: yes exactly when the jar has keys.
    pub signed: Option<bool>,
    /// Remove every earlier `Set-Cookie` for this name from the response first.
    pub overwrite: bool,
    /// The `priority` attribute; `None` writes none.
    pub priority: Option<Priority>,
    /// The `partitioned` attribute (CHIPS).
    pub partitioned: bool,
}

impl Default for CookieOptions {
    fn default() -> Self {
        Self {
            max_age: None,
            expires: None,
            path: Some("/".to_owned()),
            domain: None,
            secure: None,
            http_only: true,
            same_site: None,
            signed: None,
            overwrite: false,
            priority: None,
            partitioned: false,
        }
    }
}

/// One cookie to be written: a name, a value and its attributes (upstream's `Cookie`
/// class, exported as `Cookies.Cookie`).
#[derive(Debug, Clone, PartialEq)]
pub struct Cookie {
    /// The cookie name (validated).
    pub name: String,
    /// The cookie value (validated; `""` for a deletion).
    pub value: String,
    /// The attributes. For an empty value, `expires` is the epoch and `max_age` is
    /// cleared, which is how a cookie is deleted.
    pub options: CookieOptions,
}

impl Cookie {
    /// `new Cookie(name, value, attrs)`: validates everything upstream validates, in
    /// the same order, with the same messages. `None` or `""` as the value makes a
    /// deletion cookie (empty value, expired at the epoch).
    pub fn new(
        name: &str,
        value: Option<&str>,
        options: &CookieOptions,
    ) -> Result<Self, CookieError> {
        if !is_field_content(name) || name.contains([';', '=']) {
            return Err(CookieError::InvalidName);
        }
        let value = value.unwrap_or("");
        if !value.is_empty() && (!is_field_content(value) || value.contains(';')) {
            return Err(CookieError::InvalidValue);
        }
        let mut options = options.clone();
        if value.is_empty() {
            options.expires = Some(UNIX_EPOCH);
            options.max_age = None;
        }
        if options
            .path
            .as_deref()
            .is_some_and(|p| !p.is_empty() && !is_field_content(p))
        {
            return Err(CookieError::InvalidPath);
        }
        if options
            .domain
            .as_deref()
            .is_some_and(|d| !d.is_empty() && !is_field_content(d))
        {
            return Err(CookieError::InvalidDomain);
        }
        if options.max_age.is_some_and(|ms| !ms.is_finite()) {
            return Err(CookieError::InvalidMaxAge);
        }
        Ok(Self {
            name: name.to_owned(),
            value: value.to_owned(),
            options,
        })
    }

    /// `cookie.toHeader()`: the `Set-Cookie` value, attributes in upstream's order
    /// (`path`, `expires`, `domain`, `priority`, `samesite`, `secure`, `httponly`,
    /// `partitioned`). `now` is the clock reading a `max_age` counts from.
    pub fn to_header(&self, now: SystemTime) -> String {
        let o = &self.options;
        let mut header = self.to_string();
        let expires = match o.max_age {
            Some(ms) if ms != 0.0 => Some(JsDate::from_system_time(now).plus_ms(ms)),
            _ => o.expires.map(JsDate::from_system_time),
        };
        if let Some(path) = o.path.as_deref().filter(|p| !p.is_empty()) {
            header.push_str("; path=");
            header.push_str(path);
        }
        if let Some(expires) = expires {
            header.push_str("; expires=");
            header.push_str(&expires.to_utc_string());
        }
        if let Some(domain) = o.domain.as_deref().filter(|d| !d.is_empty()) {
            header.push_str("; domain=");
            header.push_str(domain);
        }
        if let Some(priority) = o.priority {
            header.push_str("; priority=");
            header.push_str(priority.as_str());
        }
        if let Some(same_site) = o.same_site {
            header.push_str("; samesite=");
            header.push_str(same_site.as_str());
        }
        if o.secure == Some(true) {
            header.push_str("; secure");
        }
        if o.http_only {
            header.push_str("; httponly");
        }
        if o.partitioned {
            header.push_str("; partitioned");
        }
        header
    }
}

impl fmt::Display for Cookie {
    /// `cookie.toString()`: `name=value`, the text a signature is made over.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}={}", self.name, self.value)
    }
}

/// A request's cookie jar (upstream's `Cookies` object): the request's `Cookie`
/// header, whether the connection counts as secure, and the signing keys.
#[derive(Debug, Clone)]
pub struct Cookies {
    /// The request's `Cookie` header as Node sees it: Latin-1 decoded, several header
    /// lines joined with `"; "`. `None` when the request had none.
    header: Option<String>,
    /// Is the connection secure (Koa passes `ctx.request.secure`, which trusts
    /// `X-Forwarded-Proto` only when `app.proxy` is on)?
    secure: bool,
    /// The signing keys (Koa's `app.keys`), if any.
    keys: Option<Keygrip>,
}

impl Cookies {
    /// `new Cookies(req, res, { keys, secure })` as Koa calls it: reads the `Cookie`
    /// header(s) of `request_headers` now, so the jar does not borrow the request.
    pub fn new(request_headers: &HeaderMap, secure: bool, keys: Option<Keygrip>) -> Self {
        let mut header: Option<String> = None;
        for line in request_headers.get_all(COOKIE) {
            let text = latin1_decode(line.as_bytes());
            match header.as_mut() {
                Some(joined) => {
                    joined.push_str("; ");
                    joined.push_str(&text);
                }
                None => header = Some(text),
            }
        }
        Self {
            header,
            secure,
            keys,
        }
    }

    /// Does this jar treat the connection as secure?
    pub fn secure(&self) -> bool {
        self.secure
    }

    /// The signing keys, if any (upstream's `cookies.keys`).
    pub fn keys(&self) -> Option<&Keygrip> {
        self.keys.as_ref()
    }

    /// `cookies.get(name, opts)`.
    ///
    /// Finds the first `name=` in the `Cookie` header (at the start or after a `;`,
    /// spaces allowed before the name, the name compared exactly) and returns the text
    /// up to the next `;`, with one pair of surrounding double quotes removed. `None`
    /// when the header or the cookie is missing.
    ///
    /// With signing (`opts` given and [`GetOptions::signed`] true, or unset while the
    /// jar has keys) the value is returned only when `name.sig` holds a signature of
    /// `name=value` by one of the keys. On a mismatch the `.sig` cookie is expired on
    /// `response`; on a match by an older key a new `.sig` is written with the current
    /// key. Without keys, a signed `get` of a cookie that has a `.sig` fails with
    /// [`CookieError::KeysRequired`].
    pub fn get(
        &self,
        name: &str,
        opts: Option<GetOptions>,
        response: &mut HeaderMap,
    ) -> Result<Option<String>, CookieError> {
        let Some(value) = self.raw_value(name) else {
            return Ok(None);
        };
        let signed = opts.is_some_and(|o| o.signed.unwrap_or(self.keys.is_some()));
        if !signed {
            return Ok(Some(value.to_owned()));
        }
        let sig_name = format!("{name}.sig");
        let remote = match self.raw_value(&sig_name) {
            Some(remote) if !remote.is_empty() => remote,
            _ => return Ok(None),
        };
        let data = format!("{name}={value}");
        let keys = self.keys.as_ref().ok_or(CookieError::KeysRequired)?;
        match keys.index(&data, remote) {
            None => {
                let expire = CookieOptions {
                    path: Some("/".to_owned()),
                    signed: Some(false),
                    ..CookieOptions::default()
                };
                self.set(&sig_name, None, Some(expire), response)?;
                Ok(None)
            }
            Some(0) => Ok(Some(value.to_owned())),
            Some(_) => {
                let resign = CookieOptions {
                    signed: Some(false),
                    ..CookieOptions::default()
                };
                self.set(&sig_name, Some(&keys.sign(&data)), Some(resign), response)?;
                Ok(Some(value.to_owned()))
            }
        }
    }

    /// `cookies.set(name, value, opts)`: appends `Set-Cookie: name=value; …` to
    /// `response` (after removing earlier ones for the same name when
    /// [`CookieOptions::overwrite`] is set) and, when signing, a second one for
    /// `name.sig` with the same attributes.
    ///
    /// `None` or `""` as the value deletes the cookie (empty value, expired at the
    /// epoch). Signing happens when `opts` is given and says `signed: Some(true)`, or
    /// leaves `signed` unset while the jar has keys; `set(name, value, None, …)` never
    /// signs, as upstream's `set(name, value)`.
    ///
    /// Everything is checked before `response` is touched, so an error leaves the
    /// response as it was. (Upstream pushes the plain cookie into an already existing
    /// `Set-Cookie` array before finding out that keys are missing; we do not copy
    /// that accident.)
    pub fn set(
        &self,
        name: &str,
        value: Option<&str>,
        opts: Option<CookieOptions>,
        response: &mut HeaderMap,
    ) -> Result<(), CookieError> {
        self.set_at(name, value, opts, response, SystemTime::now())
    }

    /// [`Cookies::set`] with an explicit clock reading, so that `max_age` can be
    /// tested.
    fn set_at(
        &self,
        name: &str,
        value: Option<&str>,
        opts: Option<CookieOptions>,
        response: &mut HeaderMap,
        now: SystemTime,
    ) -> Result<(), CookieError> {
        let given = opts.is_some();
        let opts = opts.unwrap_or_default();
        let mut cookie = Cookie::new(name, value, &opts)?;
        let signed = given && opts.signed.unwrap_or(self.keys.is_some());
        if !self.secure && opts.secure == Some(true) {
            return Err(CookieError::SecureOverHttp);
        }
        cookie.options.secure = Some(opts.secure.unwrap_or(self.secure));
        let keys = match (signed, self.keys.as_ref()) {
            (false, _) => None,
            (true, Some(keys)) => Some(keys),
            (true, None) => return Err(CookieError::KeysRequired),
        };

        let mut lines: Vec<HeaderValue> = response.get_all(SET_COOKIE).iter().cloned().collect();
        push_cookie(&mut lines, &cookie, now)?;
        if let Some(keys) = keys {
            cookie.value = keys.sign(cookie.to_string());
            cookie.name.push_str(".sig");
            push_cookie(&mut lines, &cookie, now)?;
        }
        response.remove(SET_COOKIE);
        for line in lines {
            response.append(SET_COOKIE, line);
        }
        Ok(())
    }

    /// Upstream's `header.match(getPattern(name))` plus the quote stripping: the raw
    /// value of the first `name=` in the header.
    fn raw_value(&self, name: &str) -> Option<&str> {
        let header = self.header.as_deref().filter(|h| !h.is_empty())?;
        let value = find_cookie(header, name)?;
        Some(match value.strip_prefix('"') {
            // JavaScript's `value.slice(1, -1)`: drop the first and the last character
            // (for a lone `"` that leaves nothing).
            Some(rest) => {
                let mut chars = rest.chars();
                chars.next_back();
                chars.as_str()
            }
            None => value,
        })
    }
}

/// Upstream's `getPattern(name)`, the regular expression `(?:^|;) *NAME=([^;]*)`
/// with `NAME` escaped, matched by hand: the leftmost place where, at the very start
/// or right after a `;`, some spaces (the regex tries the longest run first) are
/// followed by `name=`; the value runs to the next `;`.
fn find_cookie<'h>(header: &'h str, name: &str) -> Option<&'h str> {
    let bytes = header.as_bytes();
    let try_at = |start: usize| -> Option<&'h str> {
        let spaces = bytes[start..].iter().take_while(|&&b| b == b' ').count();
        (0..=spaces).rev().find_map(|k| {
            let rest = &header[start + k..];
            let after = rest.strip_prefix(name)?.strip_prefix('=')?;
            Some(after.split(';').next().unwrap_or(""))
        })
    };
    if let Some(found) = try_at(0) {
        return Some(found);
    }
    // `;` is ASCII, so `i + 1` is always a character boundary.
    bytes
        .iter()
        .enumerate()
        .filter(|&(_, &b)| b == b';')
        .find_map(|(i, _)| try_at(i + 1))
}

/// Upstream's `pushCookie(headers, cookie)`: with `overwrite`, drop every line that
/// starts with `name=`; then append this cookie's header.
fn push_cookie(
    lines: &mut Vec<HeaderValue>,
    cookie: &Cookie,
    now: SystemTime,
) -> Result<(), CookieError> {
    if cookie.options.overwrite {
        let prefix = latin1_encode(&format!("{}=", cookie.name));
        lines.retain(|line| !line.as_bytes().starts_with(&prefix));
    }
    let bytes = latin1_encode(&cookie.to_header(now));
    // Validation allowed only tab, visible ASCII and U+0080..=U+00FF, all of which
    // are legal header bytes, so this conversion does not fail.
    let line = HeaderValue::from_bytes(&bytes).map_err(|_| CookieError::InvalidValue)?;
    lines.push(line);
    Ok(())
}

/// Upstream's `fieldContentRegExp`, `^[\u0009\u0020-\u007e\u0080-\u00ff]+$`: not
/// empty, and only tab, visible ASCII, space and Latin-1 characters.
fn is_field_content(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| matches!(c, '\t' | ' '..='~' | '\u{80}'..='\u{ff}'))
}

/// Bytes → text the way Node reads header values: each byte is one character.
fn latin1_decode(bytes: &[u8]) -> String {
    bytes.iter().map(|&b| char::from(b)).collect()
}

/// Text → bytes the way Node writes header strings: each character one byte. Only
/// called on validated text (characters up to U+00FF); anything above would be
/// truncated as Node truncates it.
fn latin1_encode(text: &str) -> Vec<u8> {
    text.chars().map(|c| (u32::from(c) & 0xff) as u8).collect()
}

/// A JavaScript `Date`: milliseconds since the epoch, or "Invalid Date" outside the
/// ±8.64e15 ms range JavaScript allows.
#[derive(Debug, Clone, Copy)]
struct JsDate(Option<i64>);

impl JsDate {
    /// The largest distance from the epoch a JavaScript `Date` can hold, in ms.
    const LIMIT_MS: f64 = 8.64e15;

    /// `new Date(ms)`: time values are truncated toward zero (ECMAScript `TimeClip`).
    fn from_ms(ms: f64) -> Self {
        if ms.is_finite() && ms.abs() <= Self::LIMIT_MS {
            Self(Some(ms.trunc() as i64))
        } else {
            Self(None)
        }
    }

    /// A `SystemTime` as a `Date` (sub-millisecond parts truncated toward zero).
    fn from_system_time(t: SystemTime) -> Self {
        let ms: i128 = match t.duration_since(UNIX_EPOCH) {
            Ok(after) => i128::try_from(after.as_millis()).unwrap_or(i128::MAX),
            Err(before) => -i128::try_from(before.duration().as_millis()).unwrap_or(i128::MAX),
        };
        // 8.64e15 ms is the JavaScript limit; it fits an i64 comfortably.
        const LIMIT: i128 = 8_640_000_000_000_000;
        if (-LIMIT..=LIMIT).contains(&ms) {
            Self(i64::try_from(ms).ok())
        } else {
            Self(None)
        }
    }

    /// `new Date(date.getTime() + ms)`.
    fn plus_ms(self, ms: f64) -> Self {
        match self.0 {
            Some(base) => Self::from_ms(base as f64 + ms),
            None => self,
        }
    }

    /// `date.toUTCString()`: `Thu, 01 Jan 1970 00:00:00 GMT`. Years print with at
    /// least four digits and a `-` before year 0, as JavaScript prints them; we do
    /// not use `httpdate` here because it cannot format dates before 1970 or after
    /// 9999, which a negative or huge `maxAge` produces.
    fn to_utc_string(self) -> String {
        const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
        const MONTHS: [&str; 12] = [
            "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
        ];
        let Some(ms) = self.0 else {
            return "Invalid Date".to_owned();
        };
        let secs = ms.div_euclid(1000);
        let days = secs.div_euclid(86_400);
        let of_day = secs.rem_euclid(86_400);
        let (year, month, day) = civil_from_days(days);
        let weekday = DAYS[days.rem_euclid(7) as usize];
        let year = if year < 0 {
            format!("-{:04}", -year)
        } else {
            format!("{year:04}")
        };
        format!(
            "{weekday}, {day:02} {} {year} {:02}:{:02}:{:02} GMT",
            MONTHS[(month - 1) as usize],
            of_day / 3600,
            of_day % 3600 / 60,
            of_day % 60
        )
    }
}

/// Days since 1970-01-01 → (year, month 1..=12, day 1..=31) in the proleptic
/// Gregorian calendar (Howard Hinnant's `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    //! Behaviours from cookies 0.9.1's `test/test.js` and `test/cookie.js`
    //! (<https://github.com/pillarjs/cookies/blob/0.9.1/test/test.js>,
    //! <https://github.com/pillarjs/cookies/blob/0.9.1/test/cookie.js>), koa 2.16's
    //! `__tests__/context/cookies.js`, and fixed vectors recorded from the real thing.

    use super::*;
    use std::time::Duration;

    // ---------------------------------------------------------------------------
    // Vectors recorded from cookies 0.9.1 + keygrip 1.1.0 on Node 20 on 2026-11-22
    // (Node v20.20.2). Each scenario ran inside a real Node `http` server with
    // `new Cookies(req, res, { keys, secure })`, as Koa builds it; the strings are the
    // `Set-Cookie` header values read off the socket. `\u{e9}` below stands for the
    // single byte 0xE9 on the wire (Node writes header strings as Latin-1).
    // ---------------------------------------------------------------------------

    /// `app.keys` after a rotation: the new key first.
    const NEW: [&str; 2] = ["yolk key 2", "yolk key 1"];
    /// `app.keys` before the rotation.
    const OLD: [&str; 1] = ["yolk key 1"];

    /// (keys, name, value, Set-Cookie lines) for `cookies.set(name, value, { signed: true })`.
    const SIGNED_SET_VECTORS: &[(&[&str], &str, &str, [&str; 2])] = &[
        (
            &NEW,
            "yolk",
            "hello",
            [
                "yolk=hello; path=/; httponly",
                "yolk.sig=qe9lXTeCdZ3sPeTDcJO_uR4uzh4; path=/; httponly",
            ],
        ),
        (
            &NEW,
            "empty",
            "",
            [
                "empty=; path=/; expires=Thu, 01 Jan 1970 00:00:00 GMT; httponly",
                "empty.sig=b4K3FmeDBgQzECrlWzjRknztHWw; path=/; expires=Thu, 01 Jan 1970 00:00:00 GMT; httponly",
            ],
        ),
        (
            &NEW,
            "token",
            "YWJj==a=b",
            [
                "token=YWJj==a=b; path=/; httponly",
                "token.sig=Vam05UocvAg_GYafa8NMneUnEZg; path=/; httponly",
            ],
        ),
        (
            &NEW,
            "greeting",
            "%E2%9C%93%20ok%20%F0%9F%A5%9A",
            [
                "greeting=%E2%9C%93%20ok%20%F0%9F%A5%9A; path=/; httponly",
                "greeting.sig=yIF8PGL3KZ6JbCze4RTmAmqhXFs; path=/; httponly",
            ],
        ),
        (
            &NEW,
            "cafe",
            "caf\u{e9}",
            [
                "cafe=caf\u{e9}; path=/; httponly",
                "cafe.sig=Vi2j7Xf80Q-qqt03tXuS6ZbpMjg; path=/; httponly",
            ],
        ),
        (
            &OLD,
            "yolk",
            "hello",
            [
                "yolk=hello; path=/; httponly",
                "yolk.sig=2oX6xUY5JqNmGlGp_c1lOC1-neY; path=/; httponly",
            ],
        ),
        (
            &OLD,
            "token",
            "YWJj==a=b",
            [
                "token=YWJj==a=b; path=/; httponly",
                "token.sig=ntD9F1ZILioqFCzYpQ8HO3ihDaA; path=/; httponly",
            ],
        ),
        (
            &OLD,
            "greeting",
            "%E2%9C%93%20ok%20%F0%9F%A5%9A",
            [
                "greeting=%E2%9C%93%20ok%20%F0%9F%A5%9A; path=/; httponly",
                "greeting.sig=PSeT8CRz03v6TJODZ77mv9bEMAM; path=/; httponly",
            ],
        ),
        (
            &OLD,
            "cafe",
            "caf\u{e9}",
            [
                "cafe=caf\u{e9}; path=/; httponly",
                "cafe.sig=M6GMSln9eaROwolWg93TJPn6-Dg; path=/; httponly",
            ],
        ),
    ];

    /// The `.sig` cookie upstream writes to drop a forged signature.
    const EXPIRED_YOLK_SIG: &str =
        "yolk.sig=; path=/; expires=Thu, 01 Jan 1970 00:00:00 GMT; httponly";

    // ---------------------------------------------------------------------------
    // helpers
    // ---------------------------------------------------------------------------

    fn keys(list: &[&str]) -> Keygrip {
        Keygrip::new(list).unwrap()
    }

    /// A jar for a request whose `Cookie` header is `cookie` (raw Latin-1 text).
    fn jar(cookie: Option<&str>, secure: bool, keys: Option<Keygrip>) -> Cookies {
        let mut req = HeaderMap::new();
        if let Some(cookie) = cookie {
            req.insert(COOKIE, header_value(cookie));
        }
        Cookies::new(&req, secure, keys)
    }

    /// Latin-1 text as a header value (one byte per character, as Node writes).
    fn header_value(text: &str) -> HeaderValue {
        HeaderValue::from_bytes(&latin1_encode(text)).unwrap()
    }

    /// The response's `Set-Cookie` lines as Latin-1 text.
    fn set_cookies(res: &HeaderMap) -> Vec<String> {
        res.get_all(SET_COOKIE)
            .iter()
            .map(|v| latin1_decode(v.as_bytes()))
            .collect()
    }

    /// The first `Set-Cookie` line for `name`, split into its value and attributes
    /// (lower-cased keys), like upstream's test helper `getCookieForName`.
    fn cookie_for(res: &HeaderMap, name: &str) -> Option<(String, Vec<(String, String)>)> {
        set_cookies(res).into_iter().find_map(|line| {
            let mut parts = line.split("; ");
            let (n, v) = parts.next()?.split_once('=')?;
            (n == name).then(|| {
                let attrs = parts
                    .map(|p| match p.split_once('=') {
                        Some((k, v)) => (k.to_ascii_lowercase(), v.to_owned()),
                        None => (p.to_ascii_lowercase(), String::new()),
                    })
                    .collect();
                (v.to_owned(), attrs)
            })
        })
    }

    fn attr(res: &HeaderMap, name: &str, key: &str) -> Option<String> {
        let (_, attrs) = cookie_for(res, name).expect("cookie is set");
        attrs.into_iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    fn value_of(res: &HeaderMap, name: &str) -> String {
        cookie_for(res, name).expect("cookie is set").0
    }

    fn opts() -> Option<CookieOptions> {
        Some(CookieOptions::default())
    }

    fn signed() -> Option<CookieOptions> {
        Some(CookieOptions {
            signed: Some(true),
            ..CookieOptions::default()
        })
    }

    /// Set, then return the response's lines.
    fn set_one(
        cookies: &Cookies,
        name: &str,
        value: Option<&str>,
        o: Option<CookieOptions>,
    ) -> Vec<String> {
        let mut res = HeaderMap::new();
        cookies.set(name, value, o, &mut res).unwrap();
        set_cookies(&res)
    }

    // ---------------------------------------------------------------------------
    // byte-compatibility with Koa (recorded vectors)
    // ---------------------------------------------------------------------------

    #[test]
    fn signed_set_cookie_headers_equal_the_ones_koa_writes() {
        for (key_list, name, value, expected) in SIGNED_SET_VECTORS {
            let cookies = jar(None, false, Some(keys(key_list)));
            let lines = set_one(&cookies, name, Some(value), signed());
            assert_eq!(lines, expected, "{key_list:?} {name}={value}");
        }
    }

    #[test]
    fn signature_is_keygrip_of_name_equals_value_with_the_first_key() {
        for (key_list, name, value, expected) in SIGNED_SET_VECTORS {
            let sig = keys(key_list).sign(format!("{name}={value}"));
            let recorded = expected[1]
                .strip_prefix(&format!("{name}.sig="))
                .and_then(|rest| rest.split(';').next())
                .unwrap();
            assert_eq!(sig, recorded, "{name}");
        }
    }

    #[test]
    fn every_attribute_is_written_like_koa_writes_it() {
        let cookies = jar(None, true, Some(keys(&NEW)));
        let o = CookieOptions {
            signed: Some(true),
            // Date.UTC(2030, 0, 2, 3, 4, 5)
            expires: Some(UNIX_EPOCH + Duration::from_secs(1_893_553_445)),
            path: Some("/admin".into()),
            domain: Some("example.com".into()),
            priority: Some("High".parse().unwrap()),
            same_site: Some("Lax".parse().unwrap()),
            secure: Some(true),
            http_only: false,
            partitioned: true,
            ..CookieOptions::default()
        };
        assert_eq!(
            set_one(&cookies, "full", Some("v"), Some(o)),
            [
                "full=v; path=/admin; expires=Wed, 02 Jan 2030 03:04:05 GMT; domain=example.com; priority=high; samesite=lax; secure; partitioned",
                "full.sig=jW0KGMlCk2oBJUVckONPWuvj9Y0; path=/admin; expires=Wed, 02 Jan 2030 03:04:05 GMT; domain=example.com; priority=high; samesite=lax; secure; partitioned",
            ]
        );
    }

    #[test]
    fn same_site_true_is_written_as_strict_like_koa() {
        let cookies = jar(None, false, Some(keys(&NEW)));
        let o = CookieOptions {
            same_site: Some(SameSite::TRUE),
            signed: Some(false),
            ..CookieOptions::default()
        };
        assert_eq!(
            set_one(&cookies, "ss", Some("v"), Some(o)),
            ["ss=v; path=/; samesite=strict; httponly"]
        );
    }

    #[test]
    fn overwrite_replaces_earlier_lines_like_koa() {
        let cookies = jar(None, false, Some(keys(&NEW)));
        let mut res = HeaderMap::new();
        cookies.set("foo", Some("bar"), signed(), &mut res).unwrap();
        let unsigned = CookieOptions {
            signed: Some(false),
            ..CookieOptions::default()
        };
        cookies
            .set("other", Some("x"), Some(unsigned), &mut res)
            .unwrap();
        let over = CookieOptions {
            signed: Some(true),
            overwrite: true,
            ..CookieOptions::default()
        };
        cookies
            .set("foo", Some("baz"), Some(over), &mut res)
            .unwrap();
        assert_eq!(
            set_cookies(&res),
            [
                "other=x; path=/; httponly",
                "foo=baz; path=/; httponly",
                "foo.sig=GmZLnRthEKTjESxtRwfmmFlVe0c; path=/; httponly",
            ]
        );
    }

    #[test]
    fn cookie_signed_by_current_key_verifies_without_writing() {
        let cookies = jar(
            Some("yolk=hello; yolk.sig=qe9lXTeCdZ3sPeTDcJO_uR4uzh4"),
            false,
            Some(keys(&NEW)),
        );
        let mut res = HeaderMap::new();
        let got = cookies.get("yolk", Some(GetOptions::signed()), &mut res);
        assert_eq!(got, Ok(Some("hello".to_owned())));
        assert!(res.is_empty());
    }

    #[test]
    fn cookie_signed_by_old_key_verifies_and_asks_for_resign() {
        // Koa signed this with OLD; the app now runs with NEW.
        let cookies = jar(
            Some("yolk=hello; yolk.sig=2oX6xUY5JqNmGlGp_c1lOC1-neY"),
            false,
            Some(keys(&NEW)),
        );
        let mut res = HeaderMap::new();
        let got = cookies.get("yolk", Some(GetOptions::signed()), &mut res);
        assert_eq!(got, Ok(Some("hello".to_owned())));
        assert_eq!(
            set_cookies(&res),
            ["yolk.sig=qe9lXTeCdZ3sPeTDcJO_uR4uzh4; path=/; httponly"]
        );
    }

    #[test]
    fn latin1_cookie_signed_by_old_key_verifies_and_asks_for_resign() {
        let cookies = jar(
            Some("cafe=caf\u{e9}; cafe.sig=M6GMSln9eaROwolWg93TJPn6-Dg"),
            false,
            Some(keys(&NEW)),
        );
        let mut res = HeaderMap::new();
        let got = cookies.get("cafe", Some(GetOptions::signed()), &mut res);
        assert_eq!(got, Ok(Some("caf\u{e9}".to_owned())));
        assert_eq!(
            set_cookies(&res),
            ["cafe.sig=Vi2j7Xf80Q-qqt03tXuS6ZbpMjg; path=/; httponly"]
        );
        // and on the wire that é is the single byte 0xE9, as Node sent it
        let wire = res.get(SET_COOKIE).unwrap().as_bytes();
        assert!(!wire.contains(&0xc3));
    }

    #[test]
    fn forged_signature_yields_none_and_expires_the_sig_cookie() {
        let cookies = jar(
            Some("yolk=hello; yolk.sig=AAAAAAAAAAAAAAAAAAAAAAAAAAA"),
            false,
            Some(keys(&NEW)),
        );
        let mut res = HeaderMap::new();
        assert_eq!(
            cookies.get("yolk", Some(GetOptions::signed()), &mut res),
            Ok(None)
        );
        assert_eq!(set_cookies(&res), [EXPIRED_YOLK_SIG]);
    }

    #[test]
    fn tampered_value_yields_none_and_expires_the_sig_cookie() {
        let cookies = jar(
            Some("yolk=helloX; yolk.sig=qe9lXTeCdZ3sPeTDcJO_uR4uzh4"),
            false,
            Some(keys(&NEW)),
        );
        let mut res = HeaderMap::new();
        assert_eq!(
            cookies.get("yolk", Some(GetOptions::signed()), &mut res),
            Ok(None)
        );
        assert_eq!(set_cookies(&res), [EXPIRED_YOLK_SIG]);
    }

    #[test]
    fn forged_signature_over_https_expires_the_sig_cookie_as_secure() {
        let cookies = jar(
            Some("yolk=hello; yolk.sig=AAAAAAAAAAAAAAAAAAAAAAAAAAA"),
            true,
            Some(keys(&NEW)),
        );
        let mut res = HeaderMap::new();
        assert_eq!(
            cookies.get("yolk", Some(GetOptions::signed()), &mut res),
            Ok(None)
        );
        assert_eq!(
            set_cookies(&res),
            ["yolk.sig=; path=/; expires=Thu, 01 Jan 1970 00:00:00 GMT; secure; httponly"]
        );
    }

    #[test]
    fn missing_signature_yields_none_without_writing() {
        let cookies = jar(Some("yolk=hello"), false, Some(keys(&NEW)));
        let mut res = HeaderMap::new();
        assert_eq!(
            cookies.get("yolk", Some(GetOptions::signed()), &mut res),
            Ok(None)
        );
        assert!(res.is_empty());
        // an empty signature counts as missing, as upstream's `if (!remote) return`
        let cookies = jar(Some("yolk=hello; yolk.sig="), false, Some(keys(&NEW)));
        assert_eq!(
            cookies.get("yolk", Some(GetOptions::signed()), &mut res),
            Ok(None)
        );
        assert!(res.is_empty());
    }

    #[test]
    fn quoted_value_and_signature_are_unquoted_before_verifying() {
        let cookies = jar(
            Some("q=\"quoted\"; q.sig=\"6oBm1o8XwuMFQRj5Qv-I5RoQrR8\""),
            false,
            Some(keys(&NEW)),
        );
        let mut res = HeaderMap::new();
        let got = cookies.get("q", Some(GetOptions::signed()), &mut res);
        assert_eq!(got, Ok(Some("quoted".to_owned())));
        assert!(res.is_empty());
        let cookies = jar(Some("q=\"quoted\"; q.sig=SIGQ"), false, Some(keys(&NEW)));
        assert_eq!(
            cookies.get("q", Some(GetOptions::signed()), &mut res),
            Ok(None)
        );
        assert_eq!(
            set_cookies(&res),
            ["q.sig=; path=/; expires=Thu, 01 Jan 1970 00:00:00 GMT; httponly"]
        );
    }

    #[test]
    fn get_without_options_never_checks_but_empty_options_do_when_keys_exist() {
        let cookies = jar(Some("yolk=hello"), false, Some(keys(&NEW)));
        let mut res = HeaderMap::new();
        assert_eq!(
            cookies.get("yolk", None, &mut res),
            Ok(Some("hello".to_owned()))
        );
        assert_eq!(
            cookies.get("yolk", Some(GetOptions::default()), &mut res),
            Ok(None)
        );
        let no_keys = jar(Some("yolk=hello"), false, None);
        assert_eq!(
            no_keys.get("yolk", Some(GetOptions::default()), &mut res),
            Ok(Some("hello".to_owned()))
        );
    }

    #[test]
    fn errors_carry_upstream_messages_verbatim() {
        let cookies = jar(None, false, Some(keys(&NEW)));
        let mut res = HeaderMap::new();
        let secure = CookieOptions {
            secure: Some(true),
            ..CookieOptions::default()
        };
        let cases = [
            (
                cookies.set("s", Some("v"), Some(secure), &mut res),
                "Error: Cannot send secure cookie over unencrypted connection",
            ),
            (
                cookies.set("a;b", Some("v"), None, &mut res),
                "TypeError: argument name is invalid",
            ),
            (
                cookies.set("a", Some("x;y"), None, &mut res),
                "TypeError: argument value is invalid",
            ),
            (
                jar(None, false, None).set("a", Some("v"), signed(), &mut res),
                "Error: .keys required for signed cookies",
            ),
        ];
        for (result, expected) in cases {
            let err = result.unwrap_err();
            assert_eq!(format!("{}: {err}", err.js_name()), expected);
        }
        assert!(res.is_empty(), "a failed set leaves the response alone");
    }

    // ---------------------------------------------------------------------------
    // cookies 0.9.1 test/cookie.js: new Cookie(name, value, options)
    // ---------------------------------------------------------------------------

    fn header_of(name: &str, value: &str, o: CookieOptions) -> String {
        Cookie::new(name, Some(value), &o)
            .unwrap()
            .to_header(SystemTime::now())
    }

    #[test]
    fn cookie_rejects_invalid_name() {
        let o = CookieOptions::default();
        for name in ["foo\n", "foo=", "", "a;b", "snow\u{2603}"] {
            assert_eq!(
                Cookie::new(name, Some("bar"), &o),
                Err(CookieError::InvalidName),
                "{name:?}"
            );
        }
    }

    #[test]
    fn cookie_rejects_invalid_value() {
        let o = CookieOptions::default();
        for value in ["bar\n", "bar;", "\u{7f}", "\u{100}"] {
            assert_eq!(
                Cookie::new("foo", Some(value), &o),
                Err(CookieError::InvalidValue),
                "{value:?}"
            );
        }
    }

    #[test]
    fn cookie_rejects_invalid_path_and_domain() {
        let path = CookieOptions {
            path: Some("/\n".into()),
            ..CookieOptions::default()
        };
        assert_eq!(
            Cookie::new("foo", Some("bar"), &path),
            Err(CookieError::InvalidPath)
        );
        let domain = CookieOptions {
            domain: Some("example.com\n".into()),
            ..CookieOptions::default()
        };
        assert_eq!(
            Cookie::new("foo", Some("bar"), &domain),
            Err(CookieError::InvalidDomain)
        );
    }

    #[test]
    fn cookie_rejects_infinite_or_nan_max_age() {
        for ms in [f64::INFINITY, f64::NEG_INFINITY, f64::NAN] {
            let o = CookieOptions {
                max_age: Some(ms),
                ..CookieOptions::default()
            };
            assert_eq!(
                Cookie::new("foo", Some("bar"), &o),
                Err(CookieError::InvalidMaxAge)
            );
            // a deletion clears maxAge before it is checked, as upstream
            assert!(Cookie::new("foo", None, &o).is_ok());
        }
    }

    #[test]
    fn partitioned_defaults_to_false_and_writes_the_attribute_when_true() {
        assert!(!CookieOptions::default().partitioned);
        assert_eq!(
            header_of("foo", "bar", CookieOptions::default()),
            "foo=bar; path=/; httponly"
        );
        let o = CookieOptions {
            partitioned: true,
            ..CookieOptions::default()
        };
        assert_eq!(
            header_of("foo", "bar", o),
            "foo=bar; path=/; httponly; partitioned"
        );
    }

    #[test]
    fn priority_is_written_lower_case_and_rejects_other_values() {
        assert_eq!(CookieOptions::default().priority, None);
        for (given, written) in [
            ("low", "low"),
            ("medium", "medium"),
            ("high", "high"),
            ("HIGH", "high"),
        ] {
            let o = CookieOptions {
                priority: Some(given.parse().unwrap()),
                ..CookieOptions::default()
            };
            assert_eq!(
                header_of("foo", "bar", o),
                format!("foo=bar; path=/; priority={written}; httponly")
            );
        }
        assert_eq!("foo".parse::<Priority>(), Err(CookieError::InvalidPriority));
        assert_eq!(
            CookieError::InvalidPriority.to_string(),
            "option priority is invalid"
        );
    }

    #[test]
    fn same_site_variants_are_written_lower_case_and_rejects_other_values() {
        assert_eq!(CookieOptions::default().same_site, None);
        assert_eq!(
            header_of("foo", "bar", CookieOptions::default()),
            "foo=bar; path=/; httponly"
        );
        for (given, written) in [
            ("lax", "lax"),
            ("none", "none"),
            ("strict", "strict"),
            ("STRICT", "strict"),
        ] {
            let o = CookieOptions {
                same_site: Some(given.parse().unwrap()),
                ..CookieOptions::default()
            };
            assert_eq!(
                header_of("foo", "bar", o),
                format!("foo=bar; path=/; samesite={written}; httponly")
            );
        }
        assert_eq!("foo".parse::<SameSite>(), Err(CookieError::InvalidSameSite));
        assert_eq!(
            CookieError::InvalidSameSite.to_string(),
            "option sameSite is invalid"
        );
    }

    #[test]
    fn max_age_becomes_an_expires_date_counted_from_now() {
        let now = UNIX_EPOCH + Duration::from_millis(1_795_000_000_123);
        let o = CookieOptions {
            max_age: Some(86_400_000.0),
            ..CookieOptions::default()
        };
        let cookie = Cookie::new("foo", Some("bar"), &o).unwrap();
        let header = cookie.to_header(now);
        let expected = JsDate::from_system_time(now + Duration::from_secs(86_400)).to_utc_string();
        assert_eq!(
            header,
            format!("foo=bar; path=/; expires={expected}; httponly")
        );
        assert!(!header.to_ascii_lowercase().contains("max-age"));
        assert!(!header.to_ascii_lowercase().contains("maxage"));
    }

    #[test]
    fn max_age_edge_cases_match_javascript_dates() {
        // Recorded from cookies 0.9.1 on Node 20 (Cookie#toHeader).
        let now = UNIX_EPOCH + Duration::from_millis(1_795_000_000_000);
        let with = |ms: f64| {
            let o = CookieOptions {
                max_age: Some(ms),
                ..CookieOptions::default()
            };
            Cookie::new("a", Some("b"), &o).unwrap().to_header(now)
        };
        assert_eq!(with(0.0), "a=b; path=/; httponly", "0 is falsy: no expires");
        assert_eq!(with(1e300), "a=b; path=/; expires=Invalid Date; httponly");
        assert_eq!(
            with(-1.728e16),
            "a=b; path=/; expires=Invalid Date; httponly"
        );
        assert_eq!(
            with(-1_795_000_000_001.0),
            "a=b; path=/; expires=Wed, 31 Dec 1969 23:59:59 GMT; httponly"
        );
    }

    #[test]
    fn expires_formats_like_javascript_to_utc_string() {
        // Recorded from Node 20: new Date(ms).toUTCString().
        for (ms, text) in [
            (0.0, "Thu, 01 Jan 1970 00:00:00 GMT"),
            (-1.0, "Wed, 31 Dec 1969 23:59:59 GMT"),
            (1.9, "Thu, 01 Jan 1970 00:00:00 GMT"),
            (8.64e15, "Sat, 13 Sep 275760 00:00:00 GMT"),
            (-8.64e15, "Tue, 20 Apr -271821 00:00:00 GMT"),
            (-62_198_755_200_000.0, "Fri, 01 Jan -0001 00:00:00 GMT"),
            (1_893_553_445_000.0, "Wed, 02 Jan 2030 03:04:05 GMT"),
        ] {
            assert_eq!(JsDate::from_ms(ms).to_utc_string(), text, "{ms}");
        }
        assert_eq!(
            JsDate::from_ms(8.64e15 + 1.0).to_utc_string(),
            "Invalid Date"
        );
        let before_epoch = UNIX_EPOCH - Duration::from_millis(62_198_755_200_000);
        let o = CookieOptions {
            expires: Some(before_epoch),
            path: None,
            ..CookieOptions::default()
        };
        assert_eq!(
            header_of("a", "b", o),
            "a=b; expires=Fri, 01 Jan -0001 00:00:00 GMT; httponly"
        );
    }

    // ---------------------------------------------------------------------------
    // cookies 0.9.1 test/test.js: .get(name, [options])
    // ---------------------------------------------------------------------------

    fn get(
        cookie: Option<&str>,
        name: &str,
        o: Option<GetOptions>,
        keys: Option<Keygrip>,
    ) -> (Result<Option<String>, CookieError>, HeaderMap) {
        let mut res = HeaderMap::new();
        let got = jar(cookie, false, keys).get(name, o, &mut res);
        (got, res)
    }

    #[test]
    fn get_returns_the_value_of_the_cookie() {
        assert_eq!(
            get(Some("foo=bar"), "foo", None, None).0,
            Ok(Some("bar".into()))
        );
    }

    #[test]
    fn get_returns_the_unquoted_value() {
        assert_eq!(
            get(Some("foo=\"bar\""), "foo", None, None).0,
            Ok(Some("bar".into()))
        );
        // JavaScript's slice(1, -1): a lone quote leaves nothing, an unbalanced one
        // loses the last character too
        assert_eq!(
            get(Some("foo=\""), "foo", None, None).0,
            Ok(Some(String::new()))
        );
        assert_eq!(
            get(Some("foo=\"ab"), "foo", None, None).0,
            Ok(Some("a".into()))
        );
    }

    #[test]
    fn get_works_for_cookie_name_with_special_characters() {
        let name = "foo*(#bar)?.|$";
        assert_eq!(
            get(Some("foo*(#bar)?.|$=buzz"), name, None, None).0,
            Ok(Some("buzz".into()))
        );
    }

    #[test]
    fn get_returns_none_without_the_cookie_or_the_header() {
        assert_eq!(get(Some("foo=bar"), "fizz", None, None).0, Ok(None));
        assert_eq!(get(None, "foo", None, None).0, Ok(None));
        assert_eq!(get(Some(""), "foo", None, None).0, Ok(None));
    }

    #[test]
    fn get_signed_without_keys_is_an_error() {
        let (got, _) = get(
            Some("foo=bar; foo.sig=iW2fuCIzk9Cg_rqLT1CAqrtdWs8"),
            "foo",
            Some(GetOptions::signed()),
            None,
        );
        assert_eq!(got, Err(CookieError::KeysRequired));
        assert_eq!(
            CookieError::KeysRequired.to_string(),
            ".keys required for signed cookies"
        );
    }

    #[test]
    fn get_signed_returns_the_value_when_the_signature_matches() {
        let (got, res) = get(
            Some("foo=bar; foo.sig=iW2fuCIzk9Cg_rqLT1CAqrtdWs8"),
            "foo",
            Some(GetOptions::signed()),
            Some(keys(&["keyboard cat"])),
        );
        assert_eq!(got, Ok(Some("bar".into())));
        assert!(res.is_empty());
    }

    #[test]
    fn get_signed_with_invalid_signature_returns_none_and_deletes_the_sig_cookie() {
        let (got, res) = get(
            Some("foo=bar; foo.sig=v5f380JakwVgx2H9B9nA6kJaZNg"),
            "foo",
            Some(GetOptions::signed()),
            Some(keys(&["keyboard cat"])),
        );
        assert_eq!(got, Ok(None));
        assert_eq!(set_cookies(&res).len(), 1);
        assert_eq!(
            attr(&res, "foo.sig", "expires").as_deref(),
            Some("Thu, 01 Jan 1970 00:00:00 GMT")
        );
    }

    #[test]
    fn get_signed_with_old_key_returns_the_value_and_sets_a_new_signature() {
        let (got, res) = get(
            Some("foo=bar; foo.sig=NzdRHeORj7MtAMhSsILYRsyVNI8"),
            "foo",
            Some(GetOptions::signed()),
            Some(keys(&["keyboard cat a", "keyboard cat b"])),
        );
        assert_eq!(got, Ok(Some("bar".into())));
        assert_eq!(set_cookies(&res).len(), 1);
        assert_eq!(value_of(&res, "foo.sig"), "tecF04p5ua6TnfYxUTDskgWSKJE");
    }

    #[test]
    fn get_joins_several_cookie_headers_like_node() {
        let mut req = HeaderMap::new();
        req.append(COOKIE, HeaderValue::from_static("a=1"));
        req.append(
            COOKIE,
            HeaderValue::from_static("foo=bar; foo.sig=iW2fuCIzk9Cg_rqLT1CAqrtdWs8"),
        );
        let cookies = Cookies::new(&req, false, Some(keys(&["keyboard cat"])));
        let mut res = HeaderMap::new();
        assert_eq!(
            cookies.get("foo", Some(GetOptions::signed()), &mut res),
            Ok(Some("bar".into()))
        );
        assert_eq!(cookies.get("a", None, &mut res), Ok(Some("1".into())));
    }

    #[test]
    fn get_matches_names_exactly_at_a_cookie_boundary() {
        let header = Some("xfoo=1;  foo=2; foo=3");
        assert_eq!(get(header, "foo", None, None).0, Ok(Some("2".into())));
        assert_eq!(get(header, "oo", None, None).0, Ok(None));
        assert_eq!(get(header, "FOO", None, None).0, Ok(None));
        // a tab is not one of the spaces the pattern skips
        assert_eq!(get(Some("a=1;\tfoo=2"), "foo", None, None).0, Ok(None));
        // the first `name=` wins even without a space after `;`
        assert_eq!(
            get(Some("a=1;foo=;foo=2"), "foo", None, None).0,
            Ok(Some(String::new()))
        );
        // a name that is not Latin-1 can never match a header
        assert_eq!(get(Some("a=1"), "\u{2603}", None, None).0, Ok(None));
    }

    // ---------------------------------------------------------------------------
    // cookies 0.9.1 test/test.js: .set(name, value, [options])
    // ---------------------------------------------------------------------------

    fn plain() -> Cookies {
        jar(None, false, None)
    }

    fn with(f: impl FnOnce(&mut CookieOptions)) -> Option<CookieOptions> {
        let mut o = CookieOptions::default();
        f(&mut o);
        Some(o)
    }

    fn set_res(
        cookies: &Cookies,
        name: &str,
        value: Option<&str>,
        o: Option<CookieOptions>,
    ) -> HeaderMap {
        let mut res = HeaderMap::new();
        cookies.set(name, value, o, &mut res).unwrap();
        res
    }

    #[test]
    fn set_sets_a_cookie() {
        let res = set_res(&plain(), "foo", Some("bar"), None);
        assert_eq!(value_of(&res, "foo"), "bar");
    }

    #[test]
    fn set_works_for_name_and_value_with_special_characters() {
        let res = set_res(&plain(), "foo*(#bar)?.|$", Some("buzz"), None);
        assert_eq!(value_of(&res, "foo*(#bar)?.|$"), "buzz");
        let res = set_res(&plain(), "foo", Some("*(#bar)?.|$"), None);
        assert_eq!(value_of(&res, "foo"), "*(#bar)?.|$");
    }

    #[test]
    fn set_with_no_value_deletes_the_cookie() {
        for value in [None, Some("")] {
            let res = set_res(&plain(), "foo", value, None);
            assert_eq!(set_cookies(&res).len(), 1);
            assert_eq!(value_of(&res, "foo"), "");
            assert_eq!(
                attr(&res, "foo", "expires").as_deref(),
                Some("Thu, 01 Jan 1970 00:00:00 GMT")
            );
        }
    }

    #[test]
    fn http_only_is_on_by_default_and_can_be_turned_off() {
        let res = set_res(&plain(), "foo", Some("bar"), None);
        assert!(attr(&res, "foo", "httponly").is_some());
        let res = set_res(&plain(), "foo", Some("bar"), with(|o| o.http_only = true));
        assert!(attr(&res, "foo", "httponly").is_some());
        let res = set_res(&plain(), "foo", Some("bar"), with(|o| o.http_only = false));
        assert!(attr(&res, "foo", "httponly").is_none());
    }

    #[test]
    fn domain_is_unset_by_default_custom_when_given_and_validated() {
        let res = set_res(&plain(), "foo", Some("bar"), None);
        assert!(attr(&res, "foo", "domain").is_none());
        let res = set_res(
            &plain(),
            "foo",
            Some("bar"),
            with(|o| o.domain = Some("foo.local".into())),
        );
        assert_eq!(attr(&res, "foo", "domain").as_deref(), Some("foo.local"));
        let mut res = HeaderMap::new();
        let err = plain()
            .set(
                "foo",
                Some("bar"),
                with(|o| o.domain = Some("foo\nbar".into())),
                &mut res,
            )
            .unwrap_err();
        assert_eq!(
            format!("{}: {err}", err.js_name()),
            "TypeError: option domain is invalid"
        );
    }

    #[test]
    fn max_age_sets_expires_and_no_max_age_attribute() {
        let now = UNIX_EPOCH + Duration::from_secs(1_795_000_000);
        let mut res = HeaderMap::new();
        plain()
            .set_at(
                "foo",
                Some("bar"),
                with(|o| o.max_age = Some(86_400_000.0)),
                &mut res,
                now,
            )
            .unwrap();
        assert_eq!(
            attr(&res, "foo", "expires").as_deref(),
            Some(
                JsDate::from_system_time(now + Duration::from_secs(86_400))
                    .to_utc_string()
                    .as_str()
            )
        );
        assert!(attr(&res, "foo", "maxage").is_none());
        assert!(attr(&res, "foo", "max-age").is_none());
    }

    #[test]
    fn max_age_does_not_affect_cookie_deletion() {
        let res = set_res(
            &plain(),
            "foo",
            None,
            with(|o| o.max_age = Some(86_400_000.0)),
        );
        assert_eq!(set_cookies(&res).len(), 1);
        assert_eq!(value_of(&res, "foo"), "");
        assert_eq!(
            attr(&res, "foo", "expires").as_deref(),
            Some("Thu, 01 Jan 1970 00:00:00 GMT")
        );
    }

    #[test]
    fn overwrite_is_off_by_default() {
        let mut res = HeaderMap::new();
        plain().set("foo", Some("bar"), None, &mut res).unwrap();
        plain().set("foo", Some("baz"), None, &mut res).unwrap();
        assert_eq!(set_cookies(&res).len(), 2);
        assert_eq!(value_of(&res, "foo"), "bar");
    }

    #[test]
    fn overwrite_replaces_the_same_cookie_by_name_only() {
        let mut res = HeaderMap::new();
        plain()
            .set(
                "foo",
                Some("bar"),
                with(|o| o.path = Some("/foo".into())),
                &mut res,
            )
            .unwrap();
        plain()
            .set(
                "foo",
                Some("baz"),
                with(|o| {
                    o.path = Some("/bar".into());
                    o.overwrite = true;
                }),
                &mut res,
            )
            .unwrap();
        assert_eq!(set_cookies(&res).len(), 1);
        assert_eq!(value_of(&res, "foo"), "baz");
        assert_eq!(attr(&res, "foo", "path").as_deref(), Some("/bar"));
    }

    #[test]
    fn overwrite_keeps_set_cookie_lines_written_by_others() {
        let mut res = HeaderMap::new();
        res.append(SET_COOKIE, HeaderValue::from_static("foo=old; path=/"));
        res.append(SET_COOKIE, HeaderValue::from_static("foobar=keep"));
        plain()
            .set("foo", Some("new"), with(|o| o.overwrite = true), &mut res)
            .unwrap();
        assert_eq!(
            set_cookies(&res),
            ["foobar=keep", "foo=new; path=/; httponly"]
        );
    }

    #[test]
    fn partitioned_is_off_by_default_and_written_when_on() {
        let res = set_res(&plain(), "foo", Some("bar"), None);
        assert!(attr(&res, "foo", "partitioned").is_none());
        let res = set_res(&plain(), "foo", Some("bar"), with(|o| o.partitioned = true));
        assert!(attr(&res, "foo", "partitioned").is_some());
        let res = set_res(
            &plain(),
            "foo",
            Some("bar"),
            with(|o| o.partitioned = false),
        );
        assert!(attr(&res, "foo", "partitioned").is_none());
    }

    #[test]
    fn path_defaults_to_slash_custom_when_given_none_when_empty_and_validated() {
        let res = set_res(&plain(), "foo", Some("bar"), None);
        assert_eq!(attr(&res, "foo", "path").as_deref(), Some("/"));
        let res = set_res(
            &plain(),
            "foo",
            Some("bar"),
            with(|o| o.path = Some("/admin".into())),
        );
        assert_eq!(attr(&res, "foo", "path").as_deref(), Some("/admin"));
        let res = set_res(
            &plain(),
            "foo",
            Some("bar"),
            with(|o| o.path = Some(String::new())),
        );
        assert!(attr(&res, "foo", "path").is_none());
        let res = set_res(&plain(), "foo", Some("bar"), with(|o| o.path = None));
        assert!(attr(&res, "foo", "path").is_none());
        let mut res = HeaderMap::new();
        let err = plain()
            .set(
                "foo",
                Some("bar"),
                with(|o| o.path = Some("foo\nbar".into())),
                &mut res,
            )
            .unwrap_err();
        assert_eq!(
            format!("{}: {err}", err.js_name()),
            "TypeError: option path is invalid"
        );
    }

    #[test]
    fn secure_true_is_refused_over_an_unencrypted_connection() {
        let mut res = HeaderMap::new();
        let err = plain()
            .set(
                "foo",
                Some("bar"),
                with(|o| o.secure = Some(true)),
                &mut res,
            )
            .unwrap_err();
        assert_eq!(err, CookieError::SecureOverHttp);
        assert_eq!(
            err.to_string(),
            "Cannot send secure cookie over unencrypted connection"
        );
        assert!(res.is_empty());
    }

    #[test]
    fn secure_true_sets_the_attribute_on_a_secure_connection() {
        // upstream: an https server, or `secure: true` given to the constructor, or
        // req.protocol === 'https' — Koa folds all three into `ctx.request.secure`
        let res = set_res(
            &jar(None, true, None),
            "foo",
            Some("bar"),
            with(|o| o.secure = Some(true)),
        );
        assert!(attr(&res, "foo", "secure").is_some());
    }

    #[test]
    fn secure_unset_follows_the_connection() {
        let res = set_res(&jar(None, true, None), "foo", Some("bar"), opts());
        assert!(attr(&res, "foo", "secure").is_some());
        let res = set_res(&jar(None, true, None), "foo", Some("bar"), None);
        assert!(attr(&res, "foo", "secure").is_some());
        let res = set_res(&plain(), "foo", Some("bar"), opts());
        assert!(attr(&res, "foo", "secure").is_none());
        // `secure: false` over https leaves the attribute off, as upstream
        let res = set_res(
            &jar(None, true, None),
            "foo",
            Some("bar"),
            with(|o| o.secure = Some(false)),
        );
        assert!(attr(&res, "foo", "secure").is_none());
    }

    #[test]
    fn signed_set_without_keys_is_an_error() {
        let mut res = HeaderMap::new();
        let err = plain()
            .set("foo", Some("bar"), signed(), &mut res)
            .unwrap_err();
        assert_eq!(
            format!("{}: {err}", err.js_name()),
            "Error: .keys required for signed cookies"
        );
        assert!(res.is_empty());
    }

    #[test]
    fn signed_set_adds_a_sig_cookie() {
        let cookies = jar(None, false, Some(keys(&["keyboard cat"])));
        let res = set_res(&cookies, "foo", Some("bar"), signed());
        assert_eq!(set_cookies(&res).len(), 2);
        assert_eq!(value_of(&res, "foo"), "bar");
        assert_eq!(value_of(&res, "foo.sig"), "iW2fuCIzk9Cg_rqLT1CAqrtdWs8");
    }

    #[test]
    fn signed_set_uses_the_first_key() {
        let cookies = jar(
            None,
            false,
            Some(keys(&["keyboard cat a", "keyboard cat b"])),
        );
        let res = set_res(&cookies, "foo", Some("bar"), signed());
        assert_eq!(set_cookies(&res).len(), 2);
        assert_eq!(value_of(&res, "foo.sig"), "tecF04p5ua6TnfYxUTDskgWSKJE");
    }

    #[test]
    fn signing_defaults_to_on_with_keys_only_when_options_are_given() {
        let cookies = jar(None, false, Some(keys(&["keyboard cat"])));
        assert_eq!(
            set_cookies(&set_res(&cookies, "foo", Some("bar"), opts())).len(),
            2
        );
        assert_eq!(
            set_cookies(&set_res(&cookies, "foo", Some("bar"), None)).len(),
            1
        );
    }

    #[test]
    fn signed_delete_expires_the_sig_cookie_too() {
        let cookies = jar(None, false, Some(keys(&["keyboard cat"])));
        let res = set_res(&cookies, "foo", None, signed());
        assert_eq!(set_cookies(&res).len(), 2);
        assert_eq!(value_of(&res, "foo"), "");
        assert_eq!(
            attr(&res, "foo", "expires").as_deref(),
            Some("Thu, 01 Jan 1970 00:00:00 GMT")
        );
        assert_eq!(
            attr(&res, "foo.sig", "expires").as_deref(),
            Some("Thu, 01 Jan 1970 00:00:00 GMT")
        );
    }

    #[test]
    fn signed_set_gives_the_sig_cookie_the_same_path() {
        let cookies = jar(None, false, Some(keys(&["keyboard cat"])));
        let res = set_res(
            &cookies,
            "foo",
            Some("bar"),
            with(|o| {
                o.signed = Some(true);
                o.path = Some("/admin".into());
            }),
        );
        assert_eq!(set_cookies(&res).len(), 2);
        assert_eq!(attr(&res, "foo", "path").as_deref(), Some("/admin"));
        assert_eq!(attr(&res, "foo.sig", "path").as_deref(), Some("/admin"));
    }

    #[test]
    fn signed_overwrite_replaces_both_cookies() {
        let cookies = jar(None, false, Some(keys(&["keyboard cat"])));
        let mut res = HeaderMap::new();
        cookies.set("foo", Some("bar"), signed(), &mut res).unwrap();
        cookies
            .set(
                "foo",
                Some("baz"),
                with(|o| {
                    o.signed = Some(true);
                    o.overwrite = true;
                }),
                &mut res,
            )
            .unwrap();
        assert_eq!(set_cookies(&res).len(), 2);
        assert_eq!(value_of(&res, "foo"), "baz");
        assert_eq!(value_of(&res, "foo.sig"), "ptOkbbiPiGfLWRzz1yXP3XqaW4E");
    }

    #[test]
    fn signed_set_over_secure_connection_marks_both_cookies_secure() {
        // koa __tests__/context/cookies.js "should get secure from request"
        let cookies = jar(None, true, Some(keys(&["a", "b"])));
        let lines = set_one(&cookies, "name", Some("jon"), signed());
        assert_eq!(lines.len(), 2);
        assert!(lines[0].starts_with("name="));
        assert!(lines[1].starts_with("name.sig="));
        assert!(lines.iter().all(|l| l.contains("; secure")));
    }

    // ---------------------------------------------------------------------------
    // properties
    // ---------------------------------------------------------------------------

    mod properties {
        use super::*;
        use proptest::prelude::*;

        /// Characters a cookie name or value may hold (upstream's field-content),
        /// weighted toward the ones with meaning in a Cookie header.
        fn field_char() -> impl Strategy<Value = char> {
            prop_oneof![
                4 => proptest::char::range('a', 'z'),
                2 => proptest::char::range('!', '~'),
                1 => Just(' '),
                1 => Just('\t'),
                1 => Just('='),
                1 => Just('"'),
                1 => proptest::char::range('\u{80}', '\u{ff}'),
            ]
        }

        fn name() -> impl Strategy<Value = String> {
            proptest::collection::vec(field_char(), 1..12)
                .prop_map(|cs| cs.into_iter().collect::<String>())
                .prop_filter("names may not hold ; or =", |n| !n.contains([';', '=']))
        }

        /// A value that reads back as written: no `;`, and no leading `"` (a quoted
        /// value is unquoted on read, upstream too).
        fn value() -> impl Strategy<Value = String> {
            proptest::collection::vec(field_char(), 1..40)
                .prop_map(|cs| cs.into_iter().collect::<String>())
                .prop_filter("readable values", |v| {
                    !v.contains(';') && !v.starts_with('"')
                })
        }

        fn key_lists() -> impl Strategy<Value = Vec<String>> {
            proptest::collection::vec("[ -~]{0,16}", 1..4)
        }

        /// The request `Cookie` header a browser would send back for these lines.
        fn cookie_header(res: &HeaderMap) -> String {
            set_cookies(res)
                .iter()
                .map(|line| line.split(';').next().unwrap_or("").to_owned())
                .collect::<Vec<_>>()
                .join("; ")
        }

        proptest! {
            #[test]
            fn sign_then_verify_round_trips(
                name in name(),
                value in value(),
                list in key_lists(),
            ) {
                let grip = Keygrip::new(&list).unwrap();
                let mut res = HeaderMap::new();
                jar(None, false, Some(grip.clone()))
                    .set(&name, Some(&value), signed(), &mut res)
                    .unwrap();
                let back = jar(Some(&cookie_header(&res)), false, Some(grip));
                let mut out = HeaderMap::new();
                let got = back.get(&name, Some(GetOptions::signed()), &mut out);
                prop_assert_eq!(got, Ok(Some(value)));
                prop_assert!(out.is_empty());
            }

            #[test]
            fn any_change_to_the_value_fails(
                name in name(),
                value in value(),
                other in value(),
                list in key_lists(),
            ) {
                prop_assume!(other != value);
                let grip = Keygrip::new(&list).unwrap();
                let sig = grip.sign(format!("{name}={value}"));
                let header = format!("{name}={other}; {name}.sig={sig}");
                let mut out = HeaderMap::new();
                let got = jar(Some(&header), false, Some(grip))
                    .get(&name, Some(GetOptions::signed()), &mut out);
                prop_assert_eq!(got, Ok(None));
                let expired = format!(
                    "{name}.sig=; path=/; expires=Thu, 01 Jan 1970 00:00:00 GMT; httponly"
                );
                prop_assert_eq!(set_cookies(&out), vec![expired]);
            }

            #[test]
            fn any_change_to_the_signature_fails(
                name in name(),
                value in value(),
                forged in value(),
                list in key_lists(),
            ) {
                let grip = Keygrip::new(&list).unwrap();
                let data = format!("{name}={value}");
                prop_assume!(grip.index(&data, &forged).is_none());
                let header = format!("{name}={value}; {name}.sig={forged}");
                let mut out = HeaderMap::new();
                let got = jar(Some(&header), false, Some(grip))
                    .get(&name, Some(GetOptions::signed()), &mut out);
                prop_assert_eq!(got, Ok(None));
                prop_assert_eq!(set_cookies(&out).len(), 1);
            }

            #[test]
            fn flipping_one_signature_character_fails(
                value in value(),
                at in 0usize..27,
                to in "[A-Za-z0-9_-]",
            ) {
                let grip = keys(&NEW);
                let sig = grip.sign(format!("yolk={value}"));
                let mut chars: Vec<char> = sig.chars().collect();
                let to = to.chars().next().unwrap();
                prop_assume!(chars[at] != to);
                chars[at] = to;
                let forged: String = chars.into_iter().collect();
                let header = format!("yolk={value}; yolk.sig={forged}");
                let mut out = HeaderMap::new();
                let got = jar(Some(&header), false, Some(grip))
                    .get("yolk", Some(GetOptions::signed()), &mut out);
                prop_assert_eq!(got, Ok(None));
                prop_assert_eq!(set_cookies(&out), vec![EXPIRED_YOLK_SIG.to_owned()]);
            }

            #[test]
            fn arbitrary_cookie_header_bytes_never_panic(
                bytes in proptest::collection::vec(any::<u8>(), 0..200),
                name in ".{0,8}",
                secure in any::<bool>(),
            ) {
                let mut req = HeaderMap::new();
                if let Ok(v) = HeaderValue::from_bytes(&bytes) {
                    req.insert(COOKIE, v);
                }
                for grip in [None, Some(keys(&NEW))] {
                    let cookies = Cookies::new(&req, secure, grip);
                    let mut out = HeaderMap::new();
                    for o in [None, Some(GetOptions::default()), Some(GetOptions::signed())] {
                        let _ = cookies.get(&name, o, &mut out);
                    }
                    let as_name = latin1_decode(&bytes);
                    let _ = cookies.get(&as_name, Some(GetOptions::signed()), &mut out);
                }
            }

            #[test]
            fn arbitrary_set_arguments_never_panic(
                name in ".{0,8}",
                value in proptest::option::of(".{0,16}"),
                path in proptest::option::of(".{0,8}"),
                max_age in proptest::option::of(any::<f64>()),
                secure in proptest::option::of(any::<bool>()),
                conn_secure in any::<bool>(),
            ) {
                let cookies = jar(None, conn_secure, Some(keys(&NEW)));
                let o = CookieOptions { path, max_age, secure, ..CookieOptions::default() };
                let mut out = HeaderMap::new();
                if cookies.set(&name, value.as_deref(), Some(o), &mut out).is_err() {
                    prop_assert!(out.is_empty());
                }
            }

            #[test]
            fn unsigned_set_then_get_round_trips(name in name(), value in value()) {
                let mut res = HeaderMap::new();
                plain().set(&name, Some(&value), None, &mut res).unwrap();
                let back = jar(Some(&cookie_header(&res)), false, None);
                let got = back.get(&name, None, &mut HeaderMap::new());
                prop_assert_eq!(got, Ok(Some(value)));
            }
        }
    }
}
