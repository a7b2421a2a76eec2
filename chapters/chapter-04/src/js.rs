//! JavaScript's idea of whitespace, which several of Koa's packages rely on.
//!
//! JavaScript's `\s` and `String.prototype.trim` (what `/^\s*</` in koa's body setter,
//! negotiator's and type-is's parsers, statuses and `Number()` use) count U+FEFF (the
//! byte-order mark) as whitespace and do not count U+0085; Rust's `char::is_whitespace`
//! does the opposite on both. One predicate, used by every module that needs it, so the
//! ports agree with each other as they agree with Node.

/// JavaScript's `\s`: U+0009–U+000D, space, U+00A0, U+1680, U+2000–U+200A, U+2028,
/// U+2029, U+202F, U+205F, U+3000 and U+FEFF.
pub(crate) fn is_js_whitespace(c: char) -> bool {
    matches!(
        c,
        '\u{9}'..='\u{d}'
            | ' '
            | '\u{a0}'
            | '\u{1680}'
            | '\u{2000}'..='\u{200a}'
            | '\u{2028}'
            | '\u{2029}'
            | '\u{202f}'
            | '\u{205f}'
            | '\u{3000}'
            | '\u{feff}'
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bom_is_whitespace_and_next_line_is_not() {
        assert!(is_js_whitespace('\u{feff}'));
        assert!(is_js_whitespace('\u{a0}'));
        assert!(!is_js_whitespace('\u{85}'));
        assert!(!is_js_whitespace('\u{180e}'));
    }
}
