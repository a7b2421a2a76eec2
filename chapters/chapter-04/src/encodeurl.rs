//! `encodeurl` and `escape-html`: the two small packages `ctx.redirect` leans on.
//!
//! - [`encode_url`] mirrors [encodeurl 1.0.2, `encodeUrl`](https://github.com/pillarjs/encodeurl/blob/v1.0.2/index.js):
//!   percent-encode what may not appear in a URL, but leave alone what already is
//!   encoded (`%41` stays) and every reserved character, so it never changes a URL's
//!   meaning and is safe to run twice. A `%` not followed by two hex digits becomes `%25`.
//! - [`escape_html`] mirrors [escape-html 1.0.3](https://github.com/component/escape-html/blob/v1.0.3/index.js):
//!   the five characters that matter in HTML text and attributes.

use std::fmt::Write;

/// Characters `encodeUrl` keeps as they are, besides ASCII letters and digits.
const KEPT: &[u8] = b"!#$&'()*+,-./:;=?@[]_~";

/// `encodeUrl(url)`.
pub fn encode_url(url: &str) -> String {
    let bytes = url.as_bytes();
    let mut out = String::with_capacity(url.len());
    for (i, &byte) in bytes.iter().enumerate() {
        let keep = byte.is_ascii_alphanumeric()
            || KEPT.contains(&byte)
            || (byte == b'%'
                && bytes.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
                && bytes.get(i + 2).is_some_and(u8::is_ascii_hexdigit));
        if keep {
            out.push(byte as char);
        } else {
            let _ = write!(out, "%{byte:02X}");
        }
    }
    out
}

/// `escapeHtml(text)`.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '"' => out.push_str("&quot;"),
            '&' => out.push_str("&amp;"),
            '\'' => out.push_str("&#39;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_what_urls_cannot_hold_and_keeps_escapes() {
        assert_eq!(
            encode_url("http://google.com/😓"),
            "http://google.com/%F0%9F%98%93"
        );
        assert_eq!(encode_url("/a b?x=<y>#frag"), "/a%20b?x=%3Cy%3E#frag");
        assert_eq!(encode_url("/a%zz"), "/a%25zz");
        assert_eq!(encode_url("/%41"), "/%41");
        assert_eq!(encode_url("/{x}|^`"), "/%7Bx%7D%7C%5E%60");
        assert_eq!(encode_url("/%"), "/%25");
        assert_eq!(encode_url("mailto:x@y"), "mailto:x@y");
    }

    #[test]
    fn escapes_the_five_html_characters() {
        assert_eq!(
            escape_html(r#"<a href="x">'&'</a>"#),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
    }
}
