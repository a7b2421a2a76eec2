//! Is a media type worth compressing? The npm package `compressible` 2.0.18, over mime-db 1.54.0.
//!
//! Mirrors [compressible 2.0.18, `index.js`](https://github.com/jshttp/compressible/blob/v2.0.18/index.js)
//! (function `compressible`), which is koa-compress 5.2.2's default `filter`.
//! Compressing a JPEG or a zip file again costs CPU and saves nothing, so the compressor
//! asks first. The answer comes in three steps:
//!
//! 1. take the bare media type: leading whitespace skipped, everything from the first `;`
//!    or whitespace on dropped, lower-cased (`Text/HTML; charset=utf-8` → `text/html`);
//! 2. if mime-db says something about that type (its `compressible` flag), that decides;
//! 3. otherwise any `text/*` type, and any type ending in `+json`, `+text` or `+xml`, is
//!    compressible; anything else is *unknown* — which a filter treats as "no".
//!
//! **The table.** [`EXPLICIT`] holds mime-db 1.54.0's explicit flags (the `db.json`
//! of [mime-db 1.54.0](https://github.com/jshttp/mime-db/blob/v1.54.0/db.json)) minus
//! the 646 `true` flags that step 3 would give anyway: 41 types flagged `true` that the
//! fallback rule would not catch (`application/json`, `application/javascript`, …) and
//! all 135 flagged `false` (archives, images, audio, video, office formats). None of the
//! `false` ones is a `text/*` or `+json/+text/+xml` type, so dropping the redundant
//! `true`s changes no answer. It was generated from mime-db, not picked by hand: every
//! key of `db.json` with a `compressible` field, minus those where the field is `true`
//! and the fallback rule matches, sorted by name. mime-db 1.54.0 marks
//! `application/octet-stream` compressible (1.52.0, which Koa's `mime-types` still
//! uses, did not), so a plain byte buffer *is* compressed by default — as with
//! koa-compress installed today.

use crate::js::is_js_whitespace;

/// The answer of `compressible(type)`: `Some(true)`, `Some(false)`, or `None` for a
/// type nobody knows anything about (upstream's `undefined`).
///
/// An empty string is `Some(false)`, as upstream's `!type` check makes it.
///
/// ```
/// use chapter_04::compressible::compressible;
/// assert_eq!(compressible("text/html; charset=utf-8"), Some(true));
/// assert_eq!(compressible("image/png"), Some(false));
/// assert_eq!(compressible("font/woff2"), None);
/// ```
pub fn compressible(content_type: &str) -> Option<bool> {
    if content_type.is_empty() {
        return Some(false);
    }
    let mime = media_type(content_type).to_lowercase();
    if let Ok(found) = EXPLICIT.binary_search_by(|(name, _)| (*name).cmp(mime.as_str())) {
        return Some(EXPLICIT[found].1);
    }
    fallback(&mime).then_some(true)
}

/// The default filter of the compress middleware: compressible, and not unknown.
pub fn is_compressible(content_type: &str) -> bool {
    compressible(content_type) == Some(true)
}

/// The media type at the start of a `Content-Type` value: after any leading whitespace,
/// up to the first `;` or whitespace (JavaScript's `\s`, as upstream's pattern uses).
fn media_type(value: &str) -> &str {
    let value = value.trim_start_matches(is_js_whitespace);
    let end = value
        .find(|c: char| c == ';' || is_js_whitespace(c))
        .unwrap_or(value.len());
    &value[..end]
}

/// Step 3: `text/*`, or a structured-syntax suffix that is text underneath.
fn fallback(mime: &str) -> bool {
    mime.starts_with("text/")
        || mime.ends_with("+json")
        || mime.ends_with("+text")
        || mime.ends_with("+xml")
}

/// mime-db 1.54.0's explicit `compressible` flags that step 3 would not reproduce,
/// sorted by name (byte order) for binary search. See the module documentation.
pub const EXPLICIT: &[(&str, bool)] = &[
    ("application/appinstaller", false),
    ("application/appx", false),
    ("application/appxbundle", false),
    ("application/automationml-amlx+zip", false),
    ("application/bacnet-xdd+zip", false),
    ("application/bdoc", false),
    ("application/dart", true),
    ("application/ecmascript", true),
    ("application/edi-x12", false),
    ("application/edifact", false),
    ("application/epub+zip", false),
    ("application/font-woff", false),
    ("application/gzip", false),
    ("application/java-archive", false),
    ("application/java-serialized-object", false),
    ("application/java-vm", false),
    ("application/javascript", true),
    ("application/json", true),
    ("application/lpf+zip", false),
    ("application/msix", false),
    ("application/msixbundle", false),
    ("application/msword", false),
    ("application/octet-stream", true),
    ("application/ogg", false),
    ("application/p21+zip", false),
    ("application/pdf", false),
    ("application/pgp-encrypted", false),
    ("application/postscript", true),
    ("application/prs.hpub+zip", false),
    ("application/raml+yaml", true),
    ("application/rtf", true),
    ("application/tar", true),
    ("application/toml", true),
    ("application/ubjson", false),
    (
        "application/vnd.adobe.air-application-installer-package+zip",
        false,
    ),
    ("application/vnd.android.package-archive", false),
    ("application/vnd.apple.pkpass", false),
    ("application/vnd.belightsoft.lhzd+zip", false),
    ("application/vnd.belightsoft.lhzl+zip", false),
    ("application/vnd.comicbook+zip", false),
    ("application/vnd.d2l.coursepackage1p0+zip", false),
    ("application/vnd.dart", true),
    ("application/vnd.eln+zip", false),
    ("application/vnd.espass-espass+zip", false),
    ("application/vnd.etsi.asic-e+zip", false),
    ("application/vnd.etsi.asic-s+zip", false),
    ("application/vnd.exstream-empower+zip", false),
    ("application/vnd.familysearch.gedcom+zip", false),
    ("application/vnd.ficlab.flb+zip", false),
    ("application/vnd.google-apps.document", false),
    ("application/vnd.google-apps.drawing", false),
    ("application/vnd.google-apps.drive-sdk", false),
    ("application/vnd.google-apps.folder", false),
    ("application/vnd.google-apps.form", false),
    ("application/vnd.google-apps.jam", false),
    ("application/vnd.google-apps.map", false),
    ("application/vnd.google-apps.presentation", false),
    ("application/vnd.google-apps.script", false),
    ("application/vnd.google-apps.site", false),
    ("application/vnd.google-apps.spreadsheet", false),
    ("application/vnd.google-earth.kmz", false),
    ("application/vnd.gov.sk.e-form+zip", false),
    ("application/vnd.imagemeter.folder+zip", false),
    ("application/vnd.imagemeter.image+zip", false),
    ("application/vnd.iso11783-10+zip", false),
    ("application/vnd.keyman.kmp+zip", false),
    ("application/vnd.logipipe.circuit+zip", false),
    ("application/vnd.maxar.archive.3tz+zip", false),
    ("application/vnd.ms-excel", false),
    ("application/vnd.ms-fontobject", true),
    ("application/vnd.ms-opentype", true),
    ("application/vnd.ms-outlook", false),
    ("application/vnd.ms-powerpoint", false),
    ("application/vnd.ms-xpsdocument", false),
    (
        "application/vnd.nato.openxmlformats-package.iepd+zip",
        false,
    ),
    ("application/vnd.oasis.opendocument.graphics", false),
    ("application/vnd.oasis.opendocument.presentation", false),
    ("application/vnd.oasis.opendocument.spreadsheet", false),
    ("application/vnd.oasis.opendocument.text", false),
    (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        false,
    ),
    (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        false,
    ),
    (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        false,
    ),
    ("application/wasm", true),
    ("application/x-7z-compressed", false),
    ("application/x-arj", false),
    ("application/x-bdoc", false),
    ("application/x-bzip", false),
    ("application/x-bzip2", false),
    ("application/x-deb", false),
    ("application/x-dvi", false),
    ("application/x-httpd-php", true),
    ("application/x-java-jnlp-file", false),
    ("application/x-javascript", true),
    ("application/x-latex", false),
    ("application/x-mpegurl", false),
    ("application/x-ns-proxy-autoconfig", true),
    ("application/x-pkcs12", false),
    ("application/x-rar-compressed", false),
    ("application/x-sh", true),
    ("application/x-shockwave-flash", false),
    ("application/x-stuffit", false),
    ("application/x-tar", true),
    ("application/x-virtualbox-hdd", true),
    ("application/x-virtualbox-ova", true),
    ("application/x-virtualbox-ovf", true),
    ("application/x-virtualbox-vbox", true),
    ("application/x-virtualbox-vbox-extpack", false),
    ("application/x-virtualbox-vdi", true),
    ("application/x-virtualbox-vhd", true),
    ("application/x-virtualbox-vmdk", true),
    ("application/x-www-form-urlencoded", true),
    ("application/x-xpinstall", false),
    ("application/xml", true),
    ("application/xml-dtd", true),
    ("application/zip", false),
    ("audio/3gpp", false),
    ("audio/basic", false),
    ("audio/l24", false),
    ("audio/mp3", false),
    ("audio/mp4", false),
    ("audio/mpeg", false),
    ("audio/ogg", false),
    ("audio/vnd.rn-realaudio", false),
    ("audio/vnd.wave", false),
    ("audio/vorbis", false),
    ("audio/wav", false),
    ("audio/wave", false),
    ("audio/webm", false),
    ("audio/x-aac", false),
    ("audio/x-caf", false),
    ("font/otf", true),
    ("font/ttf", true),
    ("image/apng", false),
    ("image/avif", false),
    ("image/bmp", true),
    ("image/gif", false),
    ("image/jp2", false),
    ("image/jpeg", false),
    ("image/jpm", false),
    ("image/jpx", false),
    ("image/pjpeg", false),
    ("image/png", false),
    ("image/tiff", false),
    ("image/vnd.adobe.photoshop", true),
    ("image/vnd.microsoft.icon", true),
    ("image/vnd.ms-dds", true),
    ("image/x-icon", true),
    ("image/x-ms-bmp", true),
    ("image/x-xcf", false),
    ("message/http", false),
    ("message/partial", false),
    ("message/rfc822", true),
    ("model/gltf-binary", true),
    ("model/iges", false),
    ("model/mesh", false),
    ("model/step+zip", false),
    ("model/step-xml+zip", false),
    ("model/vnd.usdz+zip", false),
    ("model/vrml", false),
    ("model/x3d+binary", false),
    ("model/x3d+vrml", false),
    ("multipart/alternative", false),
    ("multipart/encrypted", false),
    ("multipart/form-data", false),
    ("multipart/related", false),
    ("multipart/signed", false),
    ("video/mp4", false),
    ("video/mpeg", false),
    ("video/ogg", false),
    ("video/quicktime", false),
    ("video/webm", false),
    ("video/x-flv", false),
    ("video/x-matroska", false),
    ("video/x-ms-wmv", false),
    ("x-shader/x-fragment", true),
    ("x-shader/x-vertex", true),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_sorted_and_has_no_duplicates() {
        assert!(EXPLICIT.windows(2).all(|pair| pair[0].0 < pair[1].0));
        assert_eq!(EXPLICIT.len(), 176);
        assert_eq!(EXPLICIT.iter().filter(|(_, flag)| *flag).count(), 41);
    }

    #[test]
    fn no_explicit_false_is_a_fallback_type() {
        for (name, flag) in EXPLICIT {
            assert!(*flag || !fallback(name), "{name}");
        }
    }

    #[test]
    fn answers_observed_with_compressible_2_0_18() {
        for yes in [
            "text/html",
            "text/plain; charset=utf-8",
            "TEXT/CSS",
            "application/json",
            "application/javascript",
            "text/javascript",
            "application/xml",
            "image/svg+xml",
            "application/wasm",
            "application/octet-stream",
            "font/ttf",
            "image/x-icon",
            "image/bmp",
            "application/x-www-form-urlencoded",
            "text/event-stream",
            "application/foo+json",
            "  text/html",
            "text/html charset",
        ] {
            assert_eq!(compressible(yes), Some(true), "{yes}");
        }
        for no in ["image/png", "application/pdf", "application/gzip", ""] {
            assert_eq!(compressible(no), Some(false), "{no}");
        }
        for unknown in [
            "font/woff2",
            "application/graphql",
            "application/x-ndjson",
            "   ",
            "nonsense",
        ] {
            assert_eq!(compressible(unknown), None, "{unknown}");
        }
    }
}
