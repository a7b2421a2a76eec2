//! Extension → media type lookup, as the npm package `mime-types` 2.1.35 answers it.
//!
//! Three of the small packages under Koa turn a short name such as `"json"` or
//! `"html"` into a full media type before they compare anything: `accepts`
//! (its private `extToMime`), `type-is` (its `normalize`) and Koa's own
//! `response.type` setter (through `cache-content-type`). All of them ask
//! [mime-types](https://github.com/jshttp/mime-types/blob/2.1.35/index.js),
//! which reads the [mime-db](https://github.com/jshttp/mime-db/tree/v1.52.0)
//! database. This module is that one shared question, so `accepts.rs` and
//! `type_is.rs` give the same answer for the same name.
//!
//! * [`lookup`] mirrors `lookup(path)`: it takes the extension the way Node's
//!   `path.extname("x." + path)` does, so `"json"`, `".json"` and
//!   `"dir/file.JSON"` all mean `json`, while `"json."`, `".bashrc"`-like dot
//!   files and names with no dot mean nothing.
//! * [`charset`] mirrors `charset(type)`: the database's charset, else `UTF-8`
//!   for every `text/*`.
//! * [`content_type`] mirrors `contentType(str)`: a full `Content-Type` value
//!   with `; charset=…` added when the type has a default charset.
//!
//! **Where the answers come from.** We do not ship mime-db. The extension
//! table is the `mime_guess` crate's, which agrees with mime-db 1.52.0 on the
//! types a web application serves every day (html, css, json, png, svg, woff2,
//! wasm, mjs …). Where the two disagree on an extension a Koa user is likely
//! to meet — `js` is `application/javascript` in mime-db but `text/javascript`
//! in mime_guess, `xml` is `application/xml` against `text/xml`, and a few
//! dozen more — [`OVERRIDES`] pins mime-db's answer. Rarer extensions may still
//! differ (mime_guess knows about 300 extensions mime-db does not, such as
//! `py`, and names some exotic ones differently); the tests below record which
//! ones we checked against the real package.

use crate::js::is_js_whitespace;

/// Extensions where mime-db 1.52.0 (what `mime-types` 2.1.35 reads) and the
/// `mime_guess` crate disagree, answered as mime-db does. Recorded by
/// comparing `require('mime-types').lookup(ext)` with `mime_guess` for every
/// extension in mime-db and keeping the ones a web application plausibly
/// serves.
pub const OVERRIDES: &[(&str, &str)] = &[
    ("aac", "audio/x-aac"),
    ("deb", "application/x-debian-package"),
    ("dmg", "application/x-apple-diskimage"),
    ("dtd", "application/xml-dtd"),
    ("ecma", "application/ecmascript"),
    ("es", "application/ecmascript"),
    ("exe", "application/x-msdos-program"),
    ("flac", "audio/x-flac"),
    ("ico", "image/vnd.microsoft.icon"),
    ("iso", "application/x-iso9660-image"),
    ("js", "application/javascript"),
    ("jsx", "text/jsx"),
    ("m3u8", "application/vnd.apple.mpegurl"),
    ("m4a", "audio/mp4"),
    ("m4s", "video/iso.segment"),
    ("manifest", "text/cache-manifest"),
    ("map", "application/json"),
    ("mdx", "text/mdx"),
    ("mid", "audio/midi"),
    ("midi", "audio/midi"),
    ("msi", "application/x-msdownload"),
    ("otf", "font/otf"),
    ("psd", "image/vnd.adobe.photoshop"),
    ("rar", "application/vnd.rar"),
    ("toml", "application/toml"),
    ("ts", "video/mp2t"),
    ("wav", "audio/wave"),
    ("woff", "font/woff"),
    ("wsdl", "application/wsdl+xml"),
    ("xml", "application/xml"),
    ("xsd", "application/xml"),
    ("xsl", "application/xml"),
    ("xslt", "application/xslt+xml"),
    ("yaml", "text/yaml"),
    ("yml", "text/yaml"),
];

/// Media types outside `text/*` that mime-db gives a default charset. `text/*`
/// needs no entry: [`charset`] answers `UTF-8` for all of it, which is also
/// what every `text/*` entry of mime-db 1.52.0 says.
const CHARSETS: &[(&str, &str)] = &[
    ("application/3gpdash-qoe-report+xml", "UTF-8"),
    ("application/beep+xml", "UTF-8"),
    ("application/elm+json", "UTF-8"),
    ("application/emergencycalldata.cap+xml", "UTF-8"),
    ("application/fhir+json", "UTF-8"),
    ("application/fhir+xml", "UTF-8"),
    ("application/im-iscomposing+xml", "UTF-8"),
    ("application/javascript", "UTF-8"),
    ("application/json", "UTF-8"),
    ("application/manifest+json", "UTF-8"),
    ("application/msc-ivr+xml", "UTF-8"),
    ("application/msc-mixer+xml", "UTF-8"),
    ("application/news-checkgroups", "US-ASCII"),
    ("application/news-groupinfo", "US-ASCII"),
    ("application/pidf+xml", "UTF-8"),
    ("application/pidf-diff+xml", "UTF-8"),
    ("application/poc-settings+xml", "UTF-8"),
    ("application/prs.cyn", "7-BIT"),
    ("application/vnd.hl7cda+xml", "UTF-8"),
    ("application/vnd.hl7v2+xml", "UTF-8"),
    ("application/vnd.omads-email+xml", "UTF-8"),
    ("application/vnd.omads-file+xml", "UTF-8"),
    ("application/vnd.omads-folder+xml", "UTF-8"),
    ("application/vnd.syncml+xml", "UTF-8"),
    ("application/vnd.syncml.dm+wbxml", "UTF-8"),
    ("application/vnd.syncml.dm+xml", "UTF-8"),
    ("application/vnd.syncml.dmddf+xml", "UTF-8"),
    ("application/vnd.syncml.dmtnds+xml", "UTF-8"),
    ("application/vnd.wap.wbxml", "UTF-8"),
];

/// The media type for a file extension, a dotted extension or a path, or
/// `None` when the database does not know it (upstream returns `false`).
///
/// `lookup("json")`, `lookup(".json")` and `lookup("a/b.JSON")` are all
/// `Some("application/json")`; `lookup("json.")`, `lookup("a/.json")`,
/// `lookup("")` and `lookup("bogus")` are `None`.
pub fn lookup(path: &str) -> Option<&'static str> {
    if path.is_empty() {
        return None;
    }
    // Upstream prefixes "x." so that a bare extension becomes a file name.
    let prefixed = format!("x.{path}");
    let ext = posix_extname(&prefixed);
    let ext = ext.strip_prefix('.').unwrap_or(ext).to_lowercase();
    if ext.is_empty() {
        return None;
    }
    if let Some((_, mime)) = OVERRIDES.iter().find(|(e, _)| *e == ext) {
        return Some(mime);
    }
    mime_guess::from_ext(&ext).first_raw()
}

/// The default charset of a media type (parameters and surrounding space are
/// ignored), or `None` (upstream `false`): the database's value, else `UTF-8`
/// for any `text/*` type.
pub fn charset(media_type: &str) -> Option<&'static str> {
    let essence = extract_type(media_type);
    let lower = essence.to_lowercase();
    if let Some((_, cs)) = CHARSETS.iter().find(|(t, _)| *t == lower) {
        return Some(cs);
    }
    if lower.starts_with("text/") {
        return Some("UTF-8");
    }
    None
}

/// A full `Content-Type` value for an extension or a media type, or `None`
/// (upstream `false`) for an empty or unknown one.
///
/// A name without `/` is looked up with [`lookup`]; when the result does not
/// mention `charset` yet and the type has a default [`charset`], upstream's
/// `; charset=utf-8` (lower-cased) is appended: `content_type("json")` is
/// `application/json; charset=utf-8`, `content_type("png")` is `image/png`.
pub fn content_type(name: &str) -> Option<String> {
    if name.is_empty() {
        return None;
    }
    let mut mime = if name.contains('/') {
        name.to_owned()
    } else {
        lookup(name)?.to_owned()
    };
    if !mime.contains("charset")
        && let Some(cs) = charset(&mime)
    {
        mime.push_str("; charset=");
        mime.push_str(&cs.to_lowercase());
    }
    Some(mime)
}

/// The leading `type/subtype` of a media type the way upstream's
/// `EXTRACT_TYPE_REGEXP` cuts it: skip leading white space, take everything
/// up to the first `;` or white space, and insist that a `;`, white space or
/// the end follows (it always does, so the pattern never fails).
fn extract_type(value: &str) -> &str {
    let rest = value.trim_start_matches(is_js_whitespace);
    let end = rest
        .find(|c: char| c == ';' || is_js_whitespace(c))
        .unwrap_or(rest.len());
    &rest[..end]
}

/// Node's POSIX `path.extname`: the part of the last path segment from its
/// last `.`, or `""` when that segment has no dot, starts with its only dot
/// (a dot file) or is `..`.
fn posix_extname(path: &str) -> &str {
    let bytes = path.as_bytes();
    let mut start_dot: Option<usize> = None;
    let mut start_part = 0;
    let mut end: Option<usize> = None;
    let mut matched_slash = true;
    // 0: no non-dot character seen before the dot yet; 1: only dots; -1: a
    // real character precedes the dot.
    let mut pre_dot_state = 0i8;
    for i in (0..bytes.len()).rev() {
        let b = bytes[i];
        if b == b'/' {
            if !matched_slash {
                start_part = i + 1;
                break;
            }
            continue;
        }
        if end.is_none() {
            matched_slash = false;
            end = Some(i + 1);
        }
        if b == b'.' {
            if start_dot.is_none() {
                start_dot = Some(i);
            } else if pre_dot_state != 1 {
                pre_dot_state = 1;
            }
        } else if start_dot.is_some() {
            pre_dot_state = -1;
        }
    }
    match (start_dot, end) {
        (Some(dot), Some(end))
            if pre_dot_state != 0
                && !(pre_dot_state == 1 && dot + 1 == end && dot == start_part + 1) =>
        {
            &path[dot..end]
        }
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn everyday_extensions_resolve_as_mime_db_does() {
        // Recorded from require('mime-types').lookup(ext), mime-types 2.1.35.
        let cases = [
            ("html", "text/html"),
            ("htm", "text/html"),
            ("css", "text/css"),
            ("txt", "text/plain"),
            ("text", "text/plain"),
            ("csv", "text/csv"),
            ("md", "text/markdown"),
            ("json", "application/json"),
            ("jsonld", "application/ld+json"),
            ("webmanifest", "application/manifest+json"),
            ("js", "application/javascript"),
            ("mjs", "application/javascript"),
            ("map", "application/json"),
            ("xml", "application/xml"),
            ("xhtml", "application/xhtml+xml"),
            ("png", "image/png"),
            ("jpg", "image/jpeg"),
            ("jpeg", "image/jpeg"),
            ("gif", "image/gif"),
            ("svg", "image/svg+xml"),
            ("webp", "image/webp"),
            ("avif", "image/avif"),
            ("ico", "image/vnd.microsoft.icon"),
            ("woff", "font/woff"),
            ("woff2", "font/woff2"),
            ("otf", "font/otf"),
            ("ttf", "font/ttf"),
            ("wasm", "application/wasm"),
            ("pdf", "application/pdf"),
            ("zip", "application/zip"),
            ("gz", "application/gzip"),
            ("mp3", "audio/mpeg"),
            ("wav", "audio/wave"),
            ("mp4", "video/mp4"),
            ("webm", "video/webm"),
            ("yaml", "text/yaml"),
            ("ts", "video/mp2t"),
        ];
        for (ext, mime) in cases {
            assert_eq!(lookup(ext), Some(mime), "extension {ext}");
        }
    }

    #[test]
    fn lookup_accepts_dotted_extensions_and_paths_case_insensitively() {
        assert_eq!(lookup(".json"), Some("application/json"));
        assert_eq!(lookup("x/y.JSON"), Some("application/json"));
        assert_eq!(lookup("..json"), Some("application/json"));
        assert_eq!(lookup("archive.tar.gz"), Some("application/gzip"));
    }

    #[test]
    fn lookup_refuses_empty_dotfile_trailing_dot_and_unknown_names() {
        assert_eq!(lookup(""), None);
        assert_eq!(lookup("json."), None);
        assert_eq!(lookup("dir/.json"), None);
        assert_eq!(lookup("a/b"), None);
        assert_eq!(lookup("bogus"), None);
    }

    #[test]
    fn every_override_differs_from_plain_mime_guess_or_fills_a_gap() {
        for (ext, mime) in OVERRIDES {
            assert_ne!(
                mime_guess::from_ext(ext).first_raw(),
                Some(*mime),
                "override for {ext} is redundant"
            );
        }
    }

    #[test]
    fn charset_comes_from_the_database_or_text_default() {
        assert_eq!(charset("application/json"), Some("UTF-8"));
        assert_eq!(charset("application/javascript; x=y"), Some("UTF-8"));
        assert_eq!(charset("TEXT/whatever"), Some("UTF-8"));
        assert_eq!(charset("image/png"), None);
        assert_eq!(charset(""), None);
    }

    #[test]
    fn content_type_adds_the_default_charset_once() {
        assert_eq!(
            content_type("json").as_deref(),
            Some("application/json; charset=utf-8")
        );
        assert_eq!(
            content_type("html").as_deref(),
            Some("text/html; charset=utf-8")
        );
        assert_eq!(content_type("png").as_deref(), Some("image/png"));
        assert_eq!(
            content_type("text/plain; charset=latin1").as_deref(),
            Some("text/plain; charset=latin1")
        );
        assert_eq!(
            content_type("TEXT/foo").as_deref(),
            Some("TEXT/foo; charset=utf-8")
        );
        assert_eq!(content_type("bogus"), None);
        assert_eq!(content_type(""), None);
    }
}
