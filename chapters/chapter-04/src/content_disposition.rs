//! The `Content-Disposition` header: the npm package `content-disposition` 0.5.4.
//!
//! Koa's `ctx.attachment(filename)` (in `lib/response.js`) sets
//! `Content-Disposition` to what
//! [content-disposition](https://github.com/jshttp/content-disposition/blob/v0.5.4/index.js)
//! returns, so browsers save the body under that name. The package exports
//! two functions and we mirror both:
//!
//! * `contentDisposition(filename, options)` → [`content_disposition`]
//!   (with upstream's private `createparams`, `format`, `qstring`, `ustring`
//!   and `getlatin1`);
//! * `contentDisposition.parse(string)` → [`parse`] (with `decodefield`),
//!   which Koa does not call but which makes the formatter testable by round
//!   trip.
//!
//! # Why the output looks the way it does
//!
//! An HTTP header is a byte string that Node writes as ISO-8859-1 (Latin-1),
//! and old browsers only understand a quoted `filename="…"` in that charset.
//! RFC 6266 adds `filename*=UTF-8''…` (RFC 5987 percent-encoding) for every
//! other name. So upstream:
//!
//! 1. keeps only the *base name* of the path (`/path/to/plans.pdf` →
//!    `plans.pdf`, Node's POSIX `path.basename`: `/` is the only separator
//!    and trailing slashes are ignored);
//! 2. writes `filename="…"` (with `"` and `\` escaped) when the name is
//!    printable Latin-1;
//! 3. when it is not, writes `filename*=UTF-8''…` and, as a fallback for old
//!    clients, a `filename="…"` in which every character outside printable
//!    Latin-1 becomes `?` (one `?` per UTF-16 unit, so an emoji becomes
//!    `??`), unless the fallback is disabled or replaced ([`Fallback`]);
//! 4. also writes `filename*` when the name contains something that looks
//!    like a percent escape (`%20`), so a client that decodes `filename`
//!    cannot misread it.
//!
//! The disposition type defaults to `attachment`, must be a token, and is
//! lower-cased. Upstream's `TypeError` messages are kept verbatim in
//! [`ContentDispositionError`]'s `Display`.
//!
//! The header strings this module produces and accepts are *Latin-1 text*:
//! each `char` stands for one header byte. [`to_header_value`] turns a
//! result into an [`http::HeaderValue`] by that rule, as Node's
//! `res.setHeader` does.

use http::HeaderValue;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use std::collections::BTreeMap;
use std::fmt;

/// What to put in the plain `filename` parameter when the name is not
/// printable Latin-1 — upstream's `fallback` option.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Fallback<'a> {
    /// Derive it from the name, replacing every character outside printable
    /// Latin-1 with `?` (upstream `fallback: true`, the default).
    #[default]
    Auto,
    /// Write no fallback: such names get only `filename*` (upstream
    /// `fallback: false`).
    Disabled,
    /// Use this name (its base name) as the fallback; it must be printable
    /// Latin-1 (upstream `fallback: 'name'`).
    Name(&'a str),
}

/// Why a `Content-Disposition` value could not be built or parsed. `Display`
/// gives upstream's message verbatim.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContentDispositionError {
    /// The disposition type is not a token (`invalid type`).
    InvalidType,
    /// A [`Fallback::Name`] contains characters outside printable Latin-1
    /// (`fallback must be ISO-8859-1 string`).
    FallbackNotLatin1,
    /// [`parse`] was given an empty string (`argument string is required`).
    ArgumentRequired,
    /// The value does not start with a disposition type followed by the end
    /// or `;` (`invalid type format`).
    InvalidTypeFormat,
    /// Something other than well-formed `; name=value` parameters follows
    /// the type (`invalid parameter format`).
    InvalidParameterFormat,
    /// A parameter name appears twice (`invalid duplicate parameter`).
    DuplicateParameter,
    /// An extended `name*=` value is not `charset'lang'percent-encoded`
    /// (`invalid extended field value`).
    InvalidExtendedValue,
    /// An extended value uses a charset other than UTF-8 or ISO-8859-1
    /// (`unsupported charset in extended field`).
    UnsupportedCharset,
}

impl fmt::Display for ContentDispositionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ContentDispositionError::InvalidType => "invalid type",
            ContentDispositionError::FallbackNotLatin1 => "fallback must be ISO-8859-1 string",
            ContentDispositionError::ArgumentRequired => "argument string is required",
            ContentDispositionError::InvalidTypeFormat => "invalid type format",
            ContentDispositionError::InvalidParameterFormat => "invalid parameter format",
            ContentDispositionError::DuplicateParameter => "invalid duplicate parameter",
            ContentDispositionError::InvalidExtendedValue => "invalid extended field value",
            ContentDispositionError::UnsupportedCharset => "unsupported charset in extended field",
        })
    }
}

impl std::error::Error for ContentDispositionError {}

/// A parsed `Content-Disposition` header — upstream's `ContentDisposition`
/// object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContentDisposition {
    /// The disposition type, lower-cased (`attachment`, `inline`, …).
    pub kind: String,
    /// Parameters by lower-cased name. An extended `name*=` value is decoded
    /// and stored under `name`, taking precedence over a plain `name=`.
    pub parameters: BTreeMap<String, String>,
}

/// Builds a `Content-Disposition` value — upstream
/// `contentDisposition(filename, { type, fallback })`.
///
/// * `filename`: `None` gives just the type; otherwise its base name is
///   used (see the module documentation for when `filename` and `filename*`
///   appear).
/// * `kind`: the disposition type; `""` means `attachment`, as upstream's
///   `opts.type || 'attachment'`. It must be a token and is lower-cased.
/// * `fallback`: see [`Fallback`]; it is only checked when there is a
///   filename.
///
/// For example `€ rates.pdf` with the default fallback gives
/// `attachment; filename="? rates.pdf"; filename*=UTF-8''%E2%82%AC%20rates.pdf`.
pub fn content_disposition(
    filename: Option<&str>,
    kind: &str,
    fallback: Fallback<'_>,
) -> Result<String, ContentDispositionError> {
    let kind = if kind.is_empty() { "attachment" } else { kind };
    let params = match filename {
        Some(name) => create_params(name, fallback)?,
        None => Params::default(),
    };
    if !kind.chars().all(is_token_char) {
        return Err(ContentDispositionError::InvalidType);
    }
    let mut out = kind.to_ascii_lowercase();
    // Upstream sorts parameter names: "filename" comes before "filename*".
    if let Some(plain) = params.plain {
        out.push_str("; filename=");
        out.push_str(&quote(&plain));
    }
    if let Some(extended) = params.extended {
        out.push_str("; filename*=UTF-8''");
        out.extend(utf8_percent_encode(&extended, ATTR_CHAR_ESCAPES));
    }
    Ok(out)
}

/// Encodes a header string produced by this module (or any Latin-1 text)
/// into a [`HeaderValue`], one byte per `char`, as Node writes header
/// strings. `None` when a character is above U+00FF or is a byte a header
/// may not contain (control characters other than tab).
pub fn to_header_value(value: &str) -> Option<HeaderValue> {
    let bytes = value
        .chars()
        .map(|c| u8::try_from(u32::from(c)).ok())
        .collect::<Option<Vec<u8>>>()?;
    HeaderValue::from_bytes(&bytes).ok()
}

/// Parses a `Content-Disposition` value — upstream
/// `contentDisposition.parse(string)`.
///
/// The grammar is strict (RFC 6266): a token type, then `; name=value`
/// parameters whose values are tokens or quoted strings, with tabs and spaces
/// allowed around `;` and `=`. Names are lower-cased and may not repeat.
/// `name*=charset'lang'%XX…` values are decoded (UTF-8 with U+FFFD for bad
/// bytes, or ISO-8859-1 with `?` for control characters) and win over a
/// plain `name`. Header bytes should be passed as Latin-1 text (one `char`
/// per byte), which is how Node hands them to upstream.
pub fn parse(value: &str) -> Result<ContentDisposition, ContentDispositionError> {
    if value.is_empty() {
        return Err(ContentDispositionError::ArgumentRequired);
    }
    let type_len = value.find(|c| !is_token_char(c)).unwrap_or(value.len());
    if type_len == 0 {
        return Err(ContentDispositionError::InvalidTypeFormat);
    }
    let after_type = value[type_len..].trim_start_matches([' ', '\t']);
    if !after_type.is_empty() && !after_type.starts_with(';') {
        return Err(ContentDispositionError::InvalidTypeFormat);
    }
    let kind = value[..type_len].to_ascii_lowercase();

    let mut index = value.len() - after_type.len();
    let mut names: Vec<String> = Vec::new();
    let mut parameters: BTreeMap<String, String> = BTreeMap::new();
    while let Some(param) = parameter_at(&value[index..]) {
        index += param.len;
        let key = param.name.to_ascii_lowercase();
        if names.contains(&key) {
            return Err(ContentDispositionError::DuplicateParameter);
        }
        names.push(key.clone());

        if key.find('*') == Some(key.len() - 1) {
            let decoded = decode_extended(param.value)?;
            insert_js_property(&mut parameters, &key[..key.len() - 1], decoded);
            continue;
        }
        if parameters.contains_key(&key) {
            continue;
        }
        let value = match param.value.strip_prefix('"') {
            Some(quoted) => unquote(&quoted[..quoted.len() - 1]),
            None => param.value.to_owned(),
        };
        insert_js_property(&mut parameters, &key, value);
    }
    if index != value.len() {
        return Err(ContentDispositionError::InvalidParameterFormat);
    }
    Ok(ContentDisposition { kind, parameters })
}

/// Stores a parameter the way assigning `params[key] = value` on a plain
/// JavaScript object does: a string assigned to `__proto__` is ignored.
fn insert_js_property(parameters: &mut BTreeMap<String, String>, key: &str, value: String) {
    if key != "__proto__" {
        parameters.insert(key.to_owned(), value);
    }
}

/// The parameters upstream's `createparams` decides on.
#[derive(Debug, Default)]
struct Params {
    /// `filename="…"`: the name itself or its Latin-1 fallback.
    plain: Option<String>,
    /// `filename*=UTF-8''…`: the full name.
    extended: Option<String>,
}

/// Upstream `createparams(filename, fallback)`.
fn create_params(
    filename: &str,
    fallback: Fallback<'_>,
) -> Result<Params, ContentDispositionError> {
    if let Fallback::Name(name) = fallback
        && !name.chars().all(is_printable_latin1)
    {
        return Err(ContentDispositionError::FallbackNotLatin1);
    }
    let name = basename(filename);
    let is_quoted_string = !name.is_empty() && name.chars().all(is_text_char);
    let fallback_name = match fallback {
        Fallback::Auto => Some(to_latin1(name)),
        Fallback::Disabled => None,
        Fallback::Name(given) => Some(basename(given).to_owned()),
    };
    let has_fallback = fallback_name.as_deref().is_some_and(|f| f != name);

    let extended =
        (has_fallback || !is_quoted_string || has_hex_escape(name)).then(|| name.to_owned());
    let plain = if has_fallback {
        fallback_name
    } else if is_quoted_string {
        Some(name.to_owned())
    } else {
        None
    };
    Ok(Params { plain, extended })
}

/// Node's POSIX `path.basename`: the last `/`-separated segment, ignoring
/// trailing slashes (`"dir/"` → `"dir"`, `"/"` → `""`).
fn basename(path: &str) -> &str {
    let trimmed = path.trim_end_matches('/');
    match trimmed.rfind('/') {
        Some(slash) => &trimmed[slash + 1..],
        None => trimmed,
    }
}

/// Upstream `getlatin1`: every UTF-16 unit outside printable Latin-1
/// becomes `?` (so characters beyond the BMP become `??`).
fn to_latin1(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        if is_printable_latin1(c) {
            out.push(c);
        } else {
            for _ in 0..c.len_utf16() {
                out.push('?');
            }
        }
    }
    out
}

/// Upstream `qstring`: wrap in quotes, escaping `"` and `\`.
fn quote(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        if c == '"' || c == '\\' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    out
}

/// What `ustring` leaves unescaped: `encodeURIComponent` keeps letters,
/// digits and `-_.!~*'()`, and upstream then escapes `*'()` too.
const ATTR_CHAR_ESCAPES: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'!')
    .remove(b'~');

/// Upstream `HEX_ESCAPE_REGEXP`: `%` followed by two hex digits anywhere.
fn has_hex_escape(value: &str) -> bool {
    value
        .as_bytes()
        .windows(3)
        .any(|w| w[0] == b'%' && w[1].is_ascii_hexdigit() && w[2].is_ascii_hexdigit())
}

/// Printable ISO-8859-1 (upstream's `NON_LATIN1_REGEXP` complement).
fn is_printable_latin1(c: char) -> bool {
    matches!(c, ' '..='~' | '\u{a0}'..='\u{ff}')
}

/// Upstream `TEXT_REGEXP` characters: printable ASCII and all of
/// U+0080–U+00FF.
fn is_text_char(c: char) -> bool {
    matches!(c, ' '..='~' | '\u{80}'..='\u{ff}')
}

/// RFC 7230 `tchar` (upstream `TOKEN_REGEXP`).
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

/// One `; name=value` match of upstream's `PARAM_REGEXP`.
struct Param<'s> {
    /// Characters consumed, including the `;` and trailing blanks.
    len: usize,
    /// The parameter name as written.
    name: &'s str,
    /// The raw value: a token, or a quoted string including its quotes.
    value: &'s str,
}

/// Matches upstream's `PARAM_REGEXP` at the start of `s`.
fn parameter_at(s: &str) -> Option<Param<'_>> {
    let blanks = [' ', '\t'];
    let rest = s.strip_prefix(';')?.trim_start_matches(blanks);
    let name_len = rest.find(|c| !is_token_char(c)).unwrap_or(rest.len());
    if name_len == 0 {
        return None;
    }
    let name = &rest[..name_len];
    let rest = rest[name_len..].trim_start_matches(blanks);
    let rest = rest.strip_prefix('=')?.trim_start_matches(blanks);
    let value_len = if let Some(body) = rest.strip_prefix('"') {
        1 + quoted_len(body)?
    } else {
        rest.find(|c| !is_token_char(c)).unwrap_or(rest.len())
    };
    if value_len == 0 {
        return None;
    }
    let value = &rest[..value_len];
    let rest = rest[value_len..].trim_start_matches(blanks);
    Some(Param {
        len: s.len() - rest.len(),
        name,
        value,
    })
}

/// Length of a quoted string's body including the closing quote: space,
/// printable ASCII other than `"` and `\`, U+0080–U+00FF, or `\` followed
/// by printable ASCII.
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

/// Upstream's `QESC_REGEXP` replacement: drop each escaping backslash.
fn unquote(body: &str) -> String {
    let mut out = String::with_capacity(body.len());
    let mut chars = body.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if let Some(next) = chars.next() {
                out.push(next);
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Upstream `decodefield`: `charset'language'percent-encoded` (RFC 5987),
/// checked against `EXT_VALUE_REGEXP` and decoded.
fn decode_extended(value: &str) -> Result<String, ContentDispositionError> {
    let invalid = ContentDispositionError::InvalidExtendedValue;
    let (charset, rest) = value.split_once('\'').ok_or(invalid)?;
    let (language, encoded) = rest.split_once('\'').ok_or(invalid)?;
    let charset_ok = !charset.is_empty()
        && charset.chars().all(|c| {
            c.is_ascii_alphanumeric()
                || matches!(
                    c,
                    '!' | '#' | '$' | '%' | '&' | '+' | '-' | '^' | '_' | '`' | '{' | '}' | '~'
                )
        });
    if !charset_ok || !is_language(language) {
        return Err(invalid);
    }
    let bytes = percent_decode_strict(encoded).ok_or(invalid)?;
    match charset.to_ascii_lowercase().as_str() {
        "iso-8859-1" => Ok(bytes
            .iter()
            .map(|&b| {
                let c = char::from(b);
                if is_printable_latin1(c) { c } else { '?' }
            })
            .collect()),
        "utf-8" => Ok(String::from_utf8_lossy(&bytes).into_owned()),
        _ => Err(ContentDispositionError::UnsupportedCharset),
    }
}

/// The language part of `EXT_VALUE_REGEXP`: empty, 4–8 letters, or 2–3
/// letters followed by up to three `-xxx` groups of 3 letters.
fn is_language(language: &str) -> bool {
    let letters = |s: &str| s.chars().all(|c| c.is_ascii_alphabetic());
    if language.is_empty() || ((4..=8).contains(&language.len()) && letters(language)) {
        return true;
    }
    let mut parts = language.split('-');
    let primary = parts.next().unwrap_or_default();
    let extensions: Vec<&str> = parts.collect();
    (2..=3).contains(&primary.len())
        && letters(primary)
        && extensions.len() <= 3
        && extensions.iter().all(|e| e.len() == 3 && letters(e))
}

/// The value part of `EXT_VALUE_REGEXP` decoded: one or more `%XX` escapes
/// or attribute characters; `None` if anything else appears.
fn percent_decode_strict(encoded: &str) -> Option<Vec<u8>> {
    if encoded.is_empty() {
        return None;
    }
    let bytes = encoded.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'%' {
            let hex = encoded.get(i + 1..i + 3)?;
            if !hex.bytes().all(|h| h.is_ascii_hexdigit()) {
                return None;
            }
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else if b.is_ascii_alphanumeric()
            || matches!(
                b,
                b'!' | b'#' | b'$' | b'&' | b'+' | b'.' | b'^' | b'_' | b'`' | b'|' | b'~' | b'-'
            )
        {
            out.push(b);
            i += 1;
        } else {
            return None;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn cd(filename: Option<&str>) -> String {
        content_disposition(filename, "attachment", Fallback::Auto).unwrap()
    }

    fn cd_with(filename: &str, fallback: Fallback<'_>) -> String {
        content_disposition(Some(filename), "attachment", fallback).unwrap()
    }

    fn parsed(kind: &str, params: &[(&str, &str)]) -> ContentDisposition {
        ContentDisposition {
            kind: kind.to_owned(),
            parameters: params
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
        }
    }

    fn parse_err(value: &str) -> ContentDispositionError {
        parse(value).expect_err(value)
    }

    // ---- formatting -------------------------------------------------------

    #[test]
    fn no_filename_gives_a_bare_attachment() {
        assert_eq!(cd(None), "attachment");
    }

    #[test]
    fn ascii_filename_is_quoted() {
        assert_eq!(cd(Some("plans.pdf")), r#"attachment; filename="plans.pdf""#);
    }

    #[test]
    fn only_the_base_name_is_used() {
        assert_eq!(
            cd(Some("/path/to/plans.pdf")),
            r#"attachment; filename="plans.pdf""#
        );
        assert_eq!(cd(Some("dir/")), r#"attachment; filename="dir""#);
        assert_eq!(
            cd(Some(r"C:\docs\plans.pdf")),
            r#"attachment; filename="C:\\docs\\plans.pdf""#
        );
    }

    #[test]
    fn quotes_and_backslashes_are_escaped() {
        assert_eq!(
            cd(Some(r#"the "plans".pdf"#)),
            r#"attachment; filename="the \"plans\".pdf""#
        );
        assert_eq!(
            cd(Some("the \"plans\" (1\u{b5}).pdf")),
            "attachment; filename=\"the \\\"plans\\\" (1\u{b5}).pdf\""
        );
    }

    #[test]
    fn latin1_filename_needs_no_extended_parameter() {
        assert_eq!(
            cd(Some("«plans».pdf")),
            "attachment; filename=\"«plans».pdf\""
        );
    }

    #[test]
    fn unicode_filename_gets_extended_parameter_and_fallback() {
        assert_eq!(
            cd(Some("планы.pdf")),
            "attachment; filename=\"?????.pdf\"; filename*=UTF-8''%D0%BF%D0%BB%D0%B0%D0%BD%D1%8B.pdf"
        );
        assert_eq!(
            cd(Some("£ and € rates.pdf")),
            "attachment; filename=\"£ and ? rates.pdf\"; filename*=UTF-8''%C2%A3%20and%20%E2%82%AC%20rates.pdf"
        );
        assert_eq!(
            cd(Some("€ rates.pdf")),
            "attachment; filename=\"? rates.pdf\"; filename*=UTF-8''%E2%82%AC%20rates.pdf"
        );
    }

    #[test]
    fn extended_parameter_escapes_attribute_specials() {
        assert_eq!(
            cd(Some("€'*%().pdf")),
            "attachment; filename=\"?'*%().pdf\"; filename*=UTF-8''%E2%82%AC%27%2A%25%28%29.pdf"
        );
    }

    #[test]
    fn characters_beyond_the_bmp_fall_back_to_two_question_marks() {
        assert_eq!(
            cd(Some("😀.pdf")),
            "attachment; filename=\"??.pdf\"; filename*=UTF-8''%F0%9F%98%80.pdf"
        );
    }

    #[test]
    fn latin1_control_characters_fall_back_to_question_marks() {
        assert_eq!(
            cd(Some("a\u{85}b")),
            "attachment; filename=\"a?b\"; filename*=UTF-8''a%C2%85b"
        );
    }

    #[test]
    fn empty_base_name_gets_an_empty_extended_parameter() {
        assert_eq!(cd(Some("")), "attachment; filename*=UTF-8''");
        assert_eq!(cd(Some("/")), "attachment; filename*=UTF-8''");
    }

    #[test]
    fn hex_escape_in_filename_adds_extended_parameter() {
        assert_eq!(
            cd(Some("the%20plans.pdf")),
            "attachment; filename=\"the%20plans.pdf\"; filename*=UTF-8''the%2520plans.pdf"
        );
        assert_eq!(
            cd(Some("€%20£.pdf")),
            "attachment; filename=\"?%20£.pdf\"; filename*=UTF-8''%E2%82%AC%2520%C2%A3.pdf"
        );
    }

    #[test]
    fn fallback_defaults_to_auto() {
        assert_eq!(Fallback::default(), Fallback::Auto);
        assert_eq!(
            cd_with("€ rates.pdf", Fallback::default()),
            "attachment; filename=\"? rates.pdf\"; filename*=UTF-8''%E2%82%AC%20rates.pdf"
        );
    }

    #[test]
    fn disabled_fallback_writes_only_the_extended_parameter() {
        assert_eq!(
            cd_with("£ and € rates.pdf", Fallback::Disabled),
            "attachment; filename*=UTF-8''%C2%A3%20and%20%E2%82%AC%20rates.pdf"
        );
        assert_eq!(
            cd_with("£ rates.pdf", Fallback::Disabled),
            "attachment; filename=\"£ rates.pdf\""
        );
    }

    #[test]
    fn auto_fallback_passes_latin1_names_through() {
        assert_eq!(
            cd_with("£ and € rates.pdf", Fallback::Auto),
            "attachment; filename=\"£ and ? rates.pdf\"; filename*=UTF-8''%C2%A3%20and%20%E2%82%AC%20rates.pdf"
        );
        assert_eq!(
            cd_with("£ rates.pdf", Fallback::Auto),
            "attachment; filename=\"£ rates.pdf\""
        );
    }

    #[test]
    fn named_fallback_must_be_latin1() {
        assert_eq!(
            content_disposition(
                Some("€ rates.pdf"),
                "attachment",
                Fallback::Name("€ rates.pdf")
            ),
            Err(ContentDispositionError::FallbackNotLatin1)
        );
        assert_eq!(
            ContentDispositionError::FallbackNotLatin1.to_string(),
            "fallback must be ISO-8859-1 string"
        );
    }

    #[test]
    fn named_fallback_is_used_whenever_it_differs() {
        assert_eq!(
            cd_with("£ and € rates.pdf", Fallback::Name("£ and EURO rates.pdf")),
            "attachment; filename=\"£ and EURO rates.pdf\"; filename*=UTF-8''%C2%A3%20and%20%E2%82%AC%20rates.pdf"
        );
        assert_eq!(
            cd_with("\"£ rates\".pdf", Fallback::Name("£ rates.pdf")),
            "attachment; filename=\"£ rates.pdf\"; filename*=UTF-8''%22%C2%A3%20rates%22.pdf"
        );
        assert_eq!(
            cd_with("plans.pdf", Fallback::Name("plans.pdf")),
            r#"attachment; filename="plans.pdf""#
        );
        assert_eq!(
            cd_with("€ rates.pdf", Fallback::Name("/path/to/EURO rates.pdf")),
            "attachment; filename=\"EURO rates.pdf\"; filename*=UTF-8''%E2%82%AC%20rates.pdf"
        );
    }

    #[test]
    fn named_fallback_is_ignored_without_filename() {
        assert_eq!(
            content_disposition(None, "attachment", Fallback::Name("plans.pdf")).unwrap(),
            "attachment"
        );
        assert_eq!(
            content_disposition(None, "attachment", Fallback::Name("€")).unwrap(),
            "attachment"
        );
    }

    #[test]
    fn type_defaults_to_attachment_and_is_validated_and_lowercased() {
        assert_eq!(
            content_disposition(None, "", Fallback::Auto).unwrap(),
            "attachment"
        );
        assert_eq!(
            content_disposition(None, "invlaid;type", Fallback::Auto),
            Err(ContentDispositionError::InvalidType)
        );
        assert_eq!(
            ContentDispositionError::InvalidType.to_string(),
            "invalid type"
        );
        assert_eq!(
            content_disposition(None, "inline", Fallback::Auto).unwrap(),
            "inline"
        );
        assert_eq!(
            content_disposition(Some("plans.pdf"), "inline", Fallback::Auto).unwrap(),
            r#"inline; filename="plans.pdf""#
        );
        assert_eq!(
            content_disposition(None, "INLINE", Fallback::Auto).unwrap(),
            "inline"
        );
    }

    #[test]
    fn fallback_error_is_reported_before_type_error() {
        assert_eq!(
            content_disposition(Some("x"), "bad type", Fallback::Name("€")),
            Err(ContentDispositionError::FallbackNotLatin1)
        );
    }

    #[test]
    fn results_encode_to_latin1_header_values() {
        let value = cd(Some("«plans» €.pdf"));
        let header = to_header_value(&value).unwrap();
        assert!(header.as_bytes().contains(&0xab));
        assert_eq!(to_header_value("€"), None);
        assert_eq!(to_header_value("a\nb"), None);
    }

    // ---- parsing: type ----------------------------------------------------

    #[test]
    fn parse_requires_a_string() {
        assert_eq!(parse_err(""), ContentDispositionError::ArgumentRequired);
        assert_eq!(
            ContentDispositionError::ArgumentRequired.to_string(),
            "argument string is required"
        );
    }

    #[test]
    fn parse_rejects_quoted_or_missing_type() {
        for value in [
            "\"attachment\"",
            "\"inline\"",
            "filename=\"plans.pdf\"",
            "; filename=\"plans.pdf\"",
            "filename=foo.html",
            "x=y; filename=foo.html",
            "\"foo; filename=bar;baz\"; filename=qux",
            "filename=foo.html, filename=bar.html",
            ": inline; attachment; filename=foo.html",
            "attachment filename=bar",
            "filename=foo.html; attachment",
        ] {
            assert_eq!(
                parse_err(value),
                ContentDispositionError::InvalidTypeFormat,
                "{value}"
            );
        }
    }

    #[test]
    fn parse_reads_bare_types_lowercased_with_trailing_blanks() {
        for (value, kind) in [
            ("attachment", "attachment"),
            ("inline", "inline"),
            ("form-data", "form-data"),
            ("attachment \t ", "attachment"),
            ("ATTACHMENT", "attachment"),
            ("foobar", "foobar"),
        ] {
            assert_eq!(parse(value).unwrap(), parsed(kind, &[]), "{value}");
        }
    }

    #[test]
    fn parse_rejects_trailing_semicolon() {
        assert_eq!(
            parse_err("attachment;"),
            ContentDispositionError::InvalidParameterFormat
        );
        assert_eq!(
            parse_err("attachment; filename=\"rates.pdf\";"),
            ContentDispositionError::InvalidParameterFormat
        );
    }

    // ---- parsing: parameters ----------------------------------------------

    #[test]
    fn parse_rejects_malformed_parameters() {
        for value in [
            "attachment; filename@=\"rates.pdf\"",
            "attachment; filename=",
            "attachment; filename=trolly,trains",
            "attachment; filename=total/; foo=bar",
            "attachment; filename=foo,bar.html",
            "attachment; filename=foo.html ;",
            "attachment; ;filename=foo",
            "attachment; filename=foo bar.html",
            "attachment; filename=foo[1](2).html",
            "attachment; filename=foo-ä.html",
            "attachment; filename=foo-Ã¤.html",
            "inline; attachment; filename=foo.html",
            "attachment; inline; filename=foo.html",
            "attachment; filename=\"foo.html\".txt",
            "attachment; filename=\"bar",
            "attachment; filename=foo\"bar;baz\"qux",
            "attachment; filename=foo.html, attachment; filename=bar.html",
            "attachment; foo=foo filename=bar",
            "attachment; filename=bar foo=foo",
            "attachment; filename *=UTF-8''foo-%c3%a4.html",
            "attachment; filename==?ISO-8859-1?Q?foo-=E4.html?=",
        ] {
            assert_eq!(
                parse_err(value),
                ContentDispositionError::InvalidParameterFormat,
                "{value}"
            );
        }
        assert_eq!(
            ContentDispositionError::InvalidParameterFormat.to_string(),
            "invalid parameter format"
        );
    }

    #[test]
    fn parse_rejects_duplicate_parameters() {
        assert_eq!(
            parse_err("attachment; filename=foo; filename=bar"),
            ContentDispositionError::DuplicateParameter
        );
        assert_eq!(
            parse_err("attachment; filename=\"foo.html\"; filename=\"bar.html\""),
            ContentDispositionError::DuplicateParameter
        );
        assert_eq!(
            ContentDispositionError::DuplicateParameter.to_string(),
            "invalid duplicate parameter"
        );
    }

    #[test]
    fn parse_reads_token_and_quoted_values_with_lowercased_names() {
        for (value, params) in [
            (
                "attachment; FILENAME=\"plans.pdf\"",
                &[("filename", "plans.pdf")][..],
            ),
            (
                "attachment; filename=\"plans.pdf\"",
                &[("filename", "plans.pdf")],
            ),
            (
                "attachment; filename=plans.pdf",
                &[("filename", "plans.pdf")],
            ),
            (
                "attachment; filename=\"plans.pdf\"; foo=bar",
                &[("filename", "plans.pdf"), ("foo", "bar")],
            ),
            (
                "attachment;filename=\"plans.pdf\" \t;    \t\t foo=bar",
                &[("filename", "plans.pdf"), ("foo", "bar")],
            ),
            (
                "attachment; filename=\"£ rates.pdf\"",
                &[("filename", "£ rates.pdf")],
            ),
            (
                "attachment; filename ='foo.bar'",
                &[("filename", "'foo.bar'")],
            ),
            (
                "attachment; xfilename=foo.html",
                &[("xfilename", "foo.html")],
            ),
            (
                "attachment; creation-date=\"Wed, 12 Feb 1997 16:29:51 -0500\"",
                &[("creation-date", "Wed, 12 Feb 1997 16:29:51 -0500")],
            ),
            (
                "attachment; example=\"filename=example.txt\"",
                &[("example", "filename=example.txt")],
            ),
        ] {
            assert_eq!(
                parse(value).unwrap(),
                parsed("attachment", params),
                "{value}"
            );
        }
    }

    #[test]
    fn parse_unescapes_quoted_values() {
        for (value, filename) in [
            (
                r#"attachment; filename="the \"plans\".pdf""#,
                r#"the "plans".pdf"#,
            ),
            (r#"attachment; filename="f\oo.html""#, "foo.html"),
            (
                r#"attachment; filename="\"quoting\" tested.html""#,
                r#""quoting" tested.html"#,
            ),
            (
                r#"attachment; filename="Here's a semicolon;.html""#,
                "Here's a semicolon;.html",
            ),
            (r#"attachment; filename="foo-%\41.html""#, "foo-%41.html"),
            (r#"attachment; filename="\\foo.html""#, r"\foo.html"),
            (r#"attachment; filename="/foo.html""#, "/foo.html"),
            (r#"attachment; filename="foo-ä.html""#, "foo-ä.html"),
            (r#"attachment; filename="50%.html""#, "50%.html"),
            (
                r#"attachment; filename="=?ISO-8859-1?Q?foo-=E4.html?=""#,
                "=?ISO-8859-1?Q?foo-=E4.html?=",
            ),
        ] {
            assert_eq!(
                parse(value).unwrap(),
                parsed("attachment", &[("filename", filename)]),
                "{value}"
            );
        }
        assert_eq!(
            parse(r#"attachment; foo="\"\\";filename="foo.html""#).unwrap(),
            parsed("attachment", &[("filename", "foo.html"), ("foo", "\"\\")])
        );
    }

    #[test]
    fn parse_keeps_percent_signs_in_plain_values() {
        assert_eq!(
            parse("attachment; filename=\"foo-%c3%a4-%e2%82%ac.html\"").unwrap(),
            parsed("attachment", &[("filename", "foo-%c3%a4-%e2%82%ac.html")])
        );
        assert_eq!(
            parse("attachment; name=\"foo-%41.html\"").unwrap(),
            parsed("attachment", &[("name", "foo-%41.html")])
        );
    }

    // ---- parsing: extended parameters -------------------------------------

    #[test]
    fn parse_decodes_utf8_extended_values() {
        for value in [
            "attachment; filename*=UTF-8''%E2%82%AC%20rates.pdf",
            "attachment; filename*=utf-8''%E2%82%AC%20rates.pdf",
            "attachment; filename*=UTF-8'en'%E2%82%AC%20rates.pdf",
        ] {
            assert_eq!(
                parse(value).unwrap(),
                parsed("attachment", &[("filename", "€ rates.pdf")]),
                "{value}"
            );
        }
        for (value, filename) in [
            (
                "attachment; filename*=UTF-8''%E4%20rates.pdf",
                "\u{fffd} rates.pdf",
            ),
            (
                "attachment; filename*=UTF-8''foo-%c3%a4-%e2%82%ac.html",
                "foo-ä-€.html",
            ),
            (
                "attachment; filename*=UTF-8''foo-a%cc%88.html",
                "foo-a\u{308}.html",
            ),
            (
                "attachment; filename*=utf-8''foo-%E4.html",
                "foo-\u{fffd}.html",
            ),
            (
                "attachment; filename*= UTF-8''foo-%c3%a4.html",
                "foo-ä.html",
            ),
            (
                "attachment; filename* =UTF-8''foo-%c3%a4.html",
                "foo-ä.html",
            ),
            ("attachment; filename*=UTF-8''A-%2541.html", "A-%41.html"),
            ("attachment; filename*=UTF-8''%5cfoo.html", r"\foo.html"),
        ] {
            assert_eq!(
                parse(value).unwrap(),
                parsed("attachment", &[("filename", filename)]),
                "{value}"
            );
        }
    }

    #[test]
    fn parse_decodes_latin1_extended_values_replacing_controls() {
        for (value, filename) in [
            (
                "attachment; filename*=ISO-8859-1''%A3%20rates.pdf",
                "£ rates.pdf",
            ),
            (
                "attachment; filename*=ISO-8859-1''%82%20rates.pdf",
                "? rates.pdf",
            ),
            (
                "attachment; filename*=iso-8859-1''foo-%E4.html",
                "foo-ä.html",
            ),
            (
                "attachment; filename*=iso-8859-1''foo-%c3%a4-%e2%82%ac.html",
                "foo-Ã¤-â?¬.html",
            ),
        ] {
            assert_eq!(
                parse(value).unwrap(),
                parsed("attachment", &[("filename", filename)]),
                "{value}"
            );
        }
    }

    #[test]
    fn parse_rejects_malformed_extended_values() {
        for value in [
            "attachment; filename*=\"UTF-8''%E2%82%AC%20rates.pdf\"",
            "attachment; filename*=''foo-%c3%a4-%e2%82%ac.html",
            "attachment; filename*=\"UTF-8''foo-%c3%a4.html\"",
            "attachment; filename*=\"foo%20bar.html\"",
            "attachment; filename*=UTF-8'foo-%c3%a4.html",
            "attachment; filename*=UTF-8''foo%",
            "attachment; filename*=UTF-8''f%oo.html",
            "attachment; filename*=UTF-8'en-us'x",
        ] {
            assert_eq!(
                parse_err(value),
                ContentDispositionError::InvalidExtendedValue,
                "{value}"
            );
        }
        assert_eq!(
            ContentDispositionError::InvalidExtendedValue.to_string(),
            "invalid extended field value"
        );
    }

    #[test]
    fn parse_rejects_unsupported_charsets() {
        assert_eq!(
            parse_err("attachment; filename*=ISO-8859-2''%A4%20rates.pdf"),
            ContentDispositionError::UnsupportedCharset
        );
        assert_eq!(
            ContentDispositionError::UnsupportedCharset.to_string(),
            "unsupported charset in extended field"
        );
    }

    #[test]
    fn parse_prefers_the_extended_value_in_either_order() {
        for value in [
            "attachment; filename=\"EURO rates.pdf\"; filename*=UTF-8''%E2%82%AC%20rates.pdf",
            "attachment; filename*=UTF-8''%E2%82%AC%20rates.pdf; filename=\"EURO rates.pdf\"",
        ] {
            assert_eq!(
                parse(value).unwrap(),
                parsed("attachment", &[("filename", "€ rates.pdf")]),
                "{value}"
            );
        }
        assert_eq!(
            parse("attachment; filename=\"foo-ae.html\"; filename*=UTF-8''foo-%c3%a4.html")
                .unwrap(),
            parsed("attachment", &[("filename", "foo-ä.html")])
        );
    }

    #[test]
    fn parse_leaves_rfc2231_continuations_undecoded() {
        for (value, params) in [
            (
                "attachment; filename*0=\"foo.\"; filename*1=\"html\"",
                &[("filename*0", "foo."), ("filename*1", "html")][..],
            ),
            (
                r#"attachment; filename*0="foo"; filename*1="\b\a\r.html""#,
                &[("filename*0", "foo"), ("filename*1", "bar.html")],
            ),
            (
                "attachment; filename*0*=UTF-8''foo-%c3%a4; filename*1=\".html\"",
                &[
                    ("filename*0*", "UTF-8''foo-%c3%a4"),
                    ("filename*1", ".html"),
                ],
            ),
            (
                "attachment; filename*0=\"foo\"; filename*01=\"bar\"",
                &[("filename*0", "foo"), ("filename*01", "bar")],
            ),
            (
                "attachment; filename*1=\"bar\"; filename*0=\"foo\"",
                &[("filename*1", "bar"), ("filename*0", "foo")],
            ),
            (
                "attachment; filename*0*=ISO-8859-15''euro-sign%3d%a4; filename*=ISO-8859-1''currency-sign%3d%a4",
                &[
                    ("filename", "currency-sign=¤"),
                    ("filename*0*", "ISO-8859-15''euro-sign%3d%a4"),
                ],
            ),
        ] {
            assert_eq!(
                parse(value).unwrap(),
                parsed("attachment", params),
                "{value}"
            );
        }
    }

    #[test]
    fn parse_drops_a_parameter_named_proto_like_a_javascript_object() {
        assert_eq!(
            parse("attachment; __proto__=x").unwrap(),
            parsed("attachment", &[])
        );
    }

    // ---- properties -------------------------------------------------------

    fn fallback() -> impl Strategy<Value = Option<String>> {
        prop_oneof![Just(None), "[ -~\u{a0}-\u{ff}]{0,10}".prop_map(Some),]
    }

    proptest! {
        #[test]
        fn output_is_always_a_valid_header_value(
            name in any::<String>(),
            named in fallback(),
            mode in 0..3u8,
            kind in prop::sample::select(vec!["attachment", "inline", "form-data"]),
        ) {
            let fallback = match (mode, named.as_deref()) {
                (0, _) => Fallback::Auto,
                (1, _) => Fallback::Disabled,
                (_, Some(n)) => Fallback::Name(n),
                (_, None) => Fallback::Auto,
            };
            let value = content_disposition(Some(&name), kind, fallback).unwrap();
            prop_assert!(to_header_value(&value).is_some(), "{:?}", value);
            prop_assert!(value.starts_with(kind));
        }

        #[test]
        fn formatted_filename_parses_back_to_the_base_name(
            name in any::<String>(),
            disabled in any::<bool>(),
        ) {
            let fallback = if disabled { Fallback::Disabled } else { Fallback::Auto };
            let base = basename(&name);
            prop_assume!(!base.is_empty());
            let value = content_disposition(Some(&name), "attachment", fallback).unwrap();
            let back = parse(&value).unwrap();
            prop_assert_eq!(back.kind, "attachment");
            prop_assert_eq!(back.parameters.get("filename").map(String::as_str), Some(base));
        }

        #[test]
        fn parse_never_panics(value in "[ -~\t\u{80}-\u{ff}]{0,60}") {
            let _ = parse(&value);
        }

        #[test]
        fn parse_never_panics_on_parameter_shaped_input(
            value in "(attachment|inline)(; ?[a-z*]{1,6}\\*?=(\"[ -~]{0,6}\"|[a-zA-Z0-9%'-]{0,12}))*",
        ) {
            let _ = parse(&value);
        }
    }
}
