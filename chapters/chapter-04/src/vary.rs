//! The `Vary` response header: the npm package `vary` 1.1.2.
//!
//! Koa's `ctx.vary(field)` (in `lib/response.js`) calls
//! [vary](https://github.com/jshttp/vary/blob/v1.1.2/index.js) to record that
//! the response depends on a request header, so caches key on it. Upstream
//! exports two functions and we mirror both, each in two flavours because
//! JavaScript lets `field` be either a string or an array:
//!
//! * `append(header, field)` → [`append`] (a string field, which is itself
//!   parsed as a comma list, so `"Accept, Origin"` adds two names) and
//!   [`append_fields`] (an array of names, each taken whole);
//! * `vary(res, field)` → [`vary`] and [`vary_fields`], which read the
//!   response's current `Vary`, append, and write the result back.
//!
//! The rules, and why:
//!
//! * every name must be an RFC 7230 token, otherwise nothing changes and the
//!   error [`VaryError::InvalidField`] carries upstream's message
//!   (`field argument contains an invalid header name`); an empty string
//!   field is [`VaryError::FieldRequired`] (`field argument is required`);
//! * names already present are not repeated, comparing case-insensitively,
//!   but new names keep the caller's spelling;
//! * `*` means "varies on everything": if the header or the fields contain
//!   it, the result is just `*`;
//! * values are joined with `", "`; parsing splits on commas and drops
//!   spaces (U+0020 only) around each element, upstream's private `parse`.
//!
//! Appending is idempotent and order-preserving, which is what lets several
//! middlewares each call `ctx.vary('Accept-Encoding')` safely.

use http::{HeaderMap, HeaderValue};
use std::fmt;

/// Why a field could not be appended to `Vary`. `Display` gives upstream's
/// `TypeError` message verbatim.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VaryError {
    /// The field string was empty (`field argument is required`).
    FieldRequired,
    /// A field name is not a valid header name, e.g. contains `:` or a space
    /// (`field argument contains an invalid header name`).
    InvalidField,
}

impl fmt::Display for VaryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            VaryError::FieldRequired => "field argument is required",
            VaryError::InvalidField => "field argument contains an invalid header name",
        })
    }
}

impl std::error::Error for VaryError {}

/// Adds the names in `field` (a comma-separated list, as a `Vary` header
/// itself is written) to an existing `Vary` value and returns the new value
/// — upstream `vary.append(header, field)` with a string `field`.
///
/// `header` may be empty. Returns `"*"` when either side contains `*`.
pub fn append(header: &str, field: &str) -> Result<String, VaryError> {
    if field.is_empty() {
        return Err(VaryError::FieldRequired);
    }
    append_fields(header, &parse(field))
}

/// Adds each of `fields` (whole names, not parsed further) to an existing
/// `Vary` value — upstream `vary.append(header, field)` with an array
/// `field`. An empty slice leaves `header` as it is.
pub fn append_fields(header: &str, fields: &[&str]) -> Result<String, VaryError> {
    if !fields.iter().all(|f| is_field_name(f)) {
        return Err(VaryError::InvalidField);
    }
    if header == "*" {
        return Ok(header.to_owned());
    }
    let lower = header.to_lowercase();
    let mut present: Vec<String> = parse(&lower).into_iter().map(str::to_owned).collect();
    if fields.contains(&"*") || present.iter().any(|v| v == "*") {
        return Ok("*".to_owned());
    }
    let mut value = header.to_owned();
    for field in fields {
        let lowered = field.to_lowercase();
        if !present.contains(&lowered) {
            present.push(lowered);
            if !value.is_empty() {
                value.push_str(", ");
            }
            value.push_str(field);
        }
    }
    Ok(value)
}

/// Appends the names in `field` (a comma-separated list) to the `Vary`
/// header of a response — upstream `vary(res, field)` with a string field.
///
/// Existing `Vary` fields are read together (joined with `", "`) and replaced
/// by one field holding the result; nothing is written when the result is
/// empty. On error the headers are left untouched.
pub fn vary(headers: &mut HeaderMap, field: &str) -> Result<(), VaryError> {
    if field.is_empty() {
        return Err(VaryError::FieldRequired);
    }
    vary_fields(headers, &parse(field))
}

/// Appends each of `fields` to the `Vary` header of a response — upstream
/// `vary(res, field)` with an array field. See [`vary`].
pub fn vary_fields(headers: &mut HeaderMap, fields: &[&str]) -> Result<(), VaryError> {
    let current = headers
        .get_all(http::header::VARY)
        .iter()
        .map(|v| {
            v.as_bytes()
                .iter()
                .copied()
                .map(char::from)
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join(", ");
    let value = append_fields(&current, fields)?;
    if value.is_empty() {
        return Ok(());
    }
    // Every character is either from the existing (Latin-1 decoded) header
    // bytes or an ASCII token, so it encodes back into the same valid bytes.
    let bytes: Vec<u8> = value.chars().map(|c| c as u8).collect();
    if let Ok(header_value) = HeaderValue::from_bytes(&bytes) {
        headers.insert(http::header::VARY, header_value);
    }
    Ok(())
}

/// Upstream's private `parse`: split on `,`, dropping U+0020 spaces around
/// each element; empty elements are kept (and then fail validation).
fn parse(header: &str) -> Vec<&str> {
    header.split(',').map(|v| v.trim_matches(' ')).collect()
}

/// Upstream's `FIELD_NAME_REGEXP`: one or more RFC 7230 `tchar`s.
fn is_field_name(name: &str) -> bool {
    !name.is_empty()
        && name.chars().all(|c| {
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
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn vary_header(headers: &HeaderMap) -> Option<&str> {
        headers.get("vary").map(|v| v.to_str().unwrap())
    }

    fn with_vary(values: &[&str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for v in values {
            headers.append("vary", HeaderValue::from_str(v).unwrap());
        }
        headers
    }

    // ---- append -----------------------------------------------------------

    #[test]
    fn empty_field_string_is_required() {
        assert_eq!(append("", ""), Err(VaryError::FieldRequired));
        assert_eq!(
            VaryError::FieldRequired.to_string(),
            "field argument is required"
        );
    }

    #[test]
    fn field_accepts_a_name_a_list_string_and_a_slice() {
        assert!(append("", "foo").is_ok());
        assert!(append("", "foo, bar").is_ok());
        assert!(append_fields("", &["foo", "bar"]).is_ok());
    }

    #[test]
    fn field_rejects_separators_and_non_token_characters() {
        for bad in [
            "invalid:header",
            "invalid header",
            "invalid\nheader",
            "invalid\u{80}header",
        ] {
            assert_eq!(append("", bad), Err(VaryError::InvalidField), "{bad:?}");
        }
        assert_eq!(
            VaryError::InvalidField.to_string(),
            "field argument contains an invalid header name"
        );
        // A list string with an empty element, and slice elements that are
        // lists, are invalid too.
        assert_eq!(append("", "a,,b"), Err(VaryError::InvalidField));
        assert_eq!(append_fields("", &["a, b"]), Err(VaryError::InvalidField));
    }

    #[test]
    fn empty_header_takes_the_fields_preserving_case() {
        assert_eq!(append("", "Origin").unwrap(), "Origin");
        assert_eq!(
            append_fields("", &["Origin", "User-Agent"]).unwrap(),
            "Origin, User-Agent"
        );
        assert_eq!(
            append_fields("", &["ORIGIN", "user-agent", "AccepT"]).unwrap(),
            "ORIGIN, user-agent, AccepT"
        );
    }

    #[test]
    fn existing_header_gets_new_fields_appended() {
        assert_eq!(append("Accept", "Origin").unwrap(), "Accept, Origin");
        assert_eq!(
            append_fields("Accept", &["Origin", "User-Agent"]).unwrap(),
            "Accept, Origin, User-Agent"
        );
    }

    #[test]
    fn existing_names_are_not_repeated_comparing_case_insensitively() {
        assert_eq!(append("Accept", "Accept").unwrap(), "Accept");
        assert_eq!(append("Accept", "accEPT").unwrap(), "Accept");
        assert_eq!(append("Accept", "AccepT").unwrap(), "Accept");
    }

    #[test]
    fn star_absorbs_everything() {
        assert_eq!(append("", "*").unwrap(), "*");
        assert_eq!(append("*", "Origin").unwrap(), "*");
        assert_eq!(append("Accept, Accept-Encoding", "*").unwrap(), "*");
        assert_eq!(append("Accept, Accept-Encoding, *", "Origin").unwrap(), "*");
        assert_eq!(append("", "Accept,*").unwrap(), "*");
        assert_eq!(
            append_fields("", &["Origin", "User-Agent", "*", "Accept"]).unwrap(),
            "*"
        );
    }

    #[test]
    fn string_field_is_parsed_as_a_list_with_spaces() {
        assert_eq!(append("", "Accept").unwrap(), "Accept");
        assert_eq!(
            append("", "Accept, Accept-Encoding").unwrap(),
            "Accept, Accept-Encoding"
        );
        assert_eq!(
            append("", "  Accept     ,     Origin    ").unwrap(),
            "Accept, Origin"
        );
    }

    #[test]
    fn slice_field_skips_duplicates_case_insensitively() {
        assert_eq!(
            append_fields("", &["Accept", "Accept-Language"]).unwrap(),
            "Accept, Accept-Language"
        );
        assert_eq!(append_fields("", &["Accept", "Accept"]).unwrap(), "Accept");
        assert_eq!(append_fields("", &["Accept", "ACCEPT"]).unwrap(), "Accept");
        assert_eq!(
            append_fields(
                "Accept, Accept-Encoding",
                &["origin", "accept", "accept-charset"]
            )
            .unwrap(),
            "Accept, Accept-Encoding, origin, accept-charset"
        );
    }

    #[test]
    fn empty_slice_leaves_the_header_alone() {
        assert_eq!(append_fields("", &[]).unwrap(), "");
        assert_eq!(append_fields("Accept", &[]).unwrap(), "Accept");
    }

    // ---- vary(res, field) -------------------------------------------------

    #[test]
    fn response_without_vary_gets_the_fields() {
        let mut headers = HeaderMap::new();
        vary(&mut headers, "Origin").unwrap();
        assert_eq!(vary_header(&headers), Some("Origin"));

        let mut headers = HeaderMap::new();
        vary_fields(&mut headers, &["Origin", "User-Agent"]).unwrap();
        assert_eq!(vary_header(&headers), Some("Origin, User-Agent"));

        let mut headers = HeaderMap::new();
        vary_fields(&mut headers, &["ORIGIN", "user-agent", "AccepT"]).unwrap();
        assert_eq!(vary_header(&headers), Some("ORIGIN, user-agent, AccepT"));
    }

    #[test]
    fn response_vary_is_not_set_for_an_empty_slice() {
        let mut headers = HeaderMap::new();
        vary_fields(&mut headers, &[]).unwrap();
        assert!(!headers.contains_key("vary"));
    }

    #[test]
    fn response_vary_is_extended_across_calls() {
        let mut headers = with_vary(&["Accept"]);
        vary(&mut headers, "Origin").unwrap();
        assert_eq!(vary_header(&headers), Some("Accept, Origin"));
        vary(&mut headers, "User-Agent").unwrap();
        assert_eq!(vary_header(&headers), Some("Accept, Origin, User-Agent"));
    }

    #[test]
    fn response_vary_does_not_duplicate_and_keeps_case() {
        let mut headers = with_vary(&["Accept"]);
        vary(&mut headers, "accEPT").unwrap();
        assert_eq!(vary_header(&headers), Some("Accept"));

        let mut headers = with_vary(&["AccepT"]);
        vary_fields(&mut headers, &["accEPT", "ORIGIN"]).unwrap();
        assert_eq!(vary_header(&headers), Some("AccepT, ORIGIN"));
    }

    #[test]
    fn response_with_several_vary_fields_reads_them_as_one_list() {
        let mut headers = with_vary(&["Accept", "Accept-Encoding"]);
        vary(&mut headers, "Origin").unwrap();
        assert_eq!(
            vary_header(&headers),
            Some("Accept, Accept-Encoding, Origin")
        );
        assert_eq!(headers.get_all("vary").iter().count(), 1);

        let mut headers = with_vary(&["Accept", "Accept-Encoding"]);
        vary_fields(&mut headers, &["accept", "origin"]).unwrap();
        assert_eq!(
            vary_header(&headers),
            Some("Accept, Accept-Encoding, origin")
        );
    }

    #[test]
    fn response_vary_star_absorbs_everything() {
        let mut headers = HeaderMap::new();
        vary(&mut headers, "*").unwrap();
        assert_eq!(vary_header(&headers), Some("*"));

        let mut headers = with_vary(&["*"]);
        vary_fields(&mut headers, &["Origin", "User-Agent"]).unwrap();
        assert_eq!(vary_header(&headers), Some("*"));

        let mut headers = with_vary(&["Accept, Accept-Encoding"]);
        vary(&mut headers, "*").unwrap();
        assert_eq!(vary_header(&headers), Some("*"));

        let mut headers = with_vary(&["Accept, Accept-Encoding, *"]);
        vary(&mut headers, "Origin").unwrap();
        assert_eq!(vary_header(&headers), Some("*"));
    }

    #[test]
    fn response_vary_errors_leave_headers_untouched() {
        let mut headers = with_vary(&["Accept"]);
        assert_eq!(vary(&mut headers, ""), Err(VaryError::FieldRequired));
        assert_eq!(
            vary(&mut headers, "invalid:header"),
            Err(VaryError::InvalidField)
        );
        assert_eq!(
            vary(&mut headers, "invalid header"),
            Err(VaryError::InvalidField)
        );
        assert_eq!(vary_header(&headers), Some("Accept"));
    }

    #[test]
    fn response_vary_keeps_existing_latin1_bytes() {
        let mut headers = HeaderMap::new();
        headers.insert("vary", HeaderValue::from_bytes(b"X-\xe9").unwrap());
        vary(&mut headers, "Origin").unwrap();
        assert_eq!(headers.get("vary").unwrap().as_bytes(), b"X-\xe9, Origin");
    }

    // ---- properties -------------------------------------------------------

    fn token() -> impl Strategy<Value = String> {
        "[A-Za-z0-9!#$%&'+.^_`|~-]{1,10}"
    }

    proptest! {
        #[test]
        fn append_is_idempotent(
            header in prop::collection::vec(token(), 0..4).prop_map(|v| v.join(", ")),
            fields in prop::collection::vec(token(), 1..4),
        ) {
            let fields: Vec<&str> = fields.iter().map(String::as_str).collect();
            let once = append_fields(&header, &fields).unwrap();
            let twice = append_fields(&once, &fields).unwrap();
            prop_assert_eq!(&twice, &once);
            let as_string = append(&header, &fields.join(",")).unwrap();
            prop_assert_eq!(as_string, once);
        }

        #[test]
        fn append_is_case_insensitive(
            header in prop::collection::vec(token(), 0..4).prop_map(|v| v.join(", ")),
            field in token(),
        ) {
            let once = append(&header, &field).unwrap();
            prop_assert_eq!(append(&once, &field.to_uppercase()).unwrap(), once.clone());
            prop_assert_eq!(append(&once, &field.to_lowercase()).unwrap(), once.clone());
            // The result holds the field (or is `*`).
            prop_assert!(once == "*" || once.split(", ").any(|v| v.eq_ignore_ascii_case(&field)));
        }

        #[test]
        fn append_never_panics_and_only_accepts_tokens(header in "[ -~]{0,30}", field in "[ -~\u{80}-\u{ff}]{0,15}") {
            match append(&header, &field) {
                Ok(value) => prop_assert!(value == "*" || value.starts_with(header.as_str())),
                Err(VaryError::FieldRequired) => prop_assert!(field.is_empty()),
                Err(VaryError::InvalidField) => {
                    prop_assert!(parse(&field).iter().any(|f| !is_field_name(f)));
                }
            }
        }

        #[test]
        fn vary_writes_one_valid_header(
            existing in prop::collection::vec("[ -~\u{80}-\u{ff}]{0,12}", 0..3),
            field in token(),
        ) {
            let mut headers = HeaderMap::new();
            for v in &existing {
                let bytes: Vec<u8> = v.chars().map(|c| c as u8).collect();
                if let Ok(value) = HeaderValue::from_bytes(&bytes) {
                    headers.append("vary", value);
                }
            }
            vary(&mut headers, &field).unwrap();
            prop_assert_eq!(headers.get_all("vary").iter().count(), 1);
        }
    }
}
