//! path-to-regexp 6.3.0, as @koa/router 13 uses it: sources and keys byte for byte,
//! matching as JavaScript matches, the parse errors, `compile`, and the URI helpers.
//!
//! The expected values were observed by running path-to-regexp 6.3.0 on Node 20.20.2
//! (`pathToRegexp(path, keys, opts)` → `source`, `flags`, `keys`; `.exec(path)`;
//! `compile(path, opts)(data)`).

use chapter_04::path_to_regexp::{
    CompileOptions, KeyName, Modifier, PathError, RegexpOptions, Token, compile,
    decode_uri_component, encode_uri_component, parse, path_to_regexp, safe_decode_uri_component,
};
use serde_json::{Value, json};
use std::sync::Arc;

/// Options in the table below.
struct Opt {
    end: bool,
    strict: bool,
    sensitive: bool,
}

/// `(path, options, Ok((source, flags, keys)) | Err(message))`; keys are
/// `name|prefix|suffix|pattern|modifier`, joined by `;`.
type Row = (
    &'static str,
    Opt,
    Result<(&'static str, &'static str, &'static str), &'static str>,
);

const TABLE: &[Row] = &[
    (
        r#"/users/:id"#,
        Opt {
            end: true,
            strict: false,
            sensitive: false,
        },
        Ok((
            r#"^\/users(?:\/([^\/#\?]+?))[\/#\?]?$"#,
            r#"i"#,
            r#"id|/||[^\/#\?]+?|"#,
        )),
    ),
    (
        r#"/users/:id"#,
        Opt {
            end: false,
            strict: false,
            sensitive: false,
        },
        Ok((
            r#"^\/users(?:\/([^\/#\?]+?))(?:[\/#\?](?=[]|$))?(?=[\/#\?]|[]|$)"#,
            r#"i"#,
            r#"id|/||[^\/#\?]+?|"#,
        )),
    ),
    (
        r#"/users/:id"#,
        Opt {
            end: true,
            strict: true,
            sensitive: false,
        },
        Ok((
            r#"^\/users(?:\/([^\/#\?]+?))$"#,
            r#"i"#,
            r#"id|/||[^\/#\?]+?|"#,
        )),
    ),
    (
        r#"/users/:id"#,
        Opt {
            end: true,
            strict: false,
            sensitive: true,
        },
        Ok((
            r#"^\/users(?:\/([^\/#\?]+?))[\/#\?]?$"#,
            r#""#,
            r#"id|/||[^\/#\?]+?|"#,
        )),
    ),
    (
        r#"/users/:id?"#,
        Opt {
            end: true,
            strict: false,
            sensitive: false,
        },
        Ok((
            r#"^\/users(?:\/([^\/#\?]+?))?[\/#\?]?$"#,
            r#"i"#,
            r#"id|/||[^\/#\?]+?|?"#,
        )),
    ),
    (
        r#"/users/:id?"#,
        Opt {
            end: false,
            strict: false,
            sensitive: false,
        },
        Ok((
            r#"^\/users(?:\/([^\/#\?]+?))?(?:[\/#\?](?=[]|$))?(?=[\/#\?]|[]|$)"#,
            r#"i"#,
            r#"id|/||[^\/#\?]+?|?"#,
        )),
    ),
    (
        r#"/users/:id?"#,
        Opt {
            end: true,
            strict: true,
            sensitive: false,
        },
        Ok((
            r#"^\/users(?:\/([^\/#\?]+?))?$"#,
            r#"i"#,
            r#"id|/||[^\/#\?]+?|?"#,
        )),
    ),
    (
        r#"/users/:id?"#,
        Opt {
            end: true,
            strict: false,
            sensitive: true,
        },
        Ok((
            r#"^\/users(?:\/([^\/#\?]+?))?[\/#\?]?$"#,
            r#""#,
            r#"id|/||[^\/#\?]+?|?"#,
        )),
    ),
    (
        r#"/users/:id(\d+)"#,
        Opt {
            end: true,
            strict: false,
            sensitive: false,
        },
        Ok((r#"^\/users(?:\/(\d+))[\/#\?]?$"#, r#"i"#, r#"id|/||\d+|"#)),
    ),
    (
        r#"/users/:id(\d+)"#,
        Opt {
            end: false,
            strict: false,
            sensitive: false,
        },
        Ok((
            r#"^\/users(?:\/(\d+))(?:[\/#\?](?=[]|$))?(?=[\/#\?]|[]|$)"#,
            r#"i"#,
            r#"id|/||\d+|"#,
        )),
    ),
    (
        r#"/users/:id(\d+)"#,
        Opt {
            end: true,
            strict: true,
            sensitive: false,
        },
        Ok((r#"^\/users(?:\/(\d+))$"#, r#"i"#, r#"id|/||\d+|"#)),
    ),
    (
        r#"/users/:id(\d+)"#,
        Opt {
            end: true,
            strict: false,
            sensitive: true,
        },
        Ok((r#"^\/users(?:\/(\d+))[\/#\?]?$"#, r#""#, r#"id|/||\d+|"#)),
    ),
    (
        r#"/files/(.*)"#,
        Opt {
            end: true,
            strict: false,
            sensitive: false,
        },
        Ok((r#"^\/files(?:\/(.*))[\/#\?]?$"#, r#"i"#, r#"0|/||.*|"#)),
    ),
    (
        r#"/files/(.*)"#,
        Opt {
            end: false,
            strict: false,
            sensitive: false,
        },
        Ok((
            r#"^\/files(?:\/(.*))(?:[\/#\?](?=[]|$))?(?=[\/#\?]|[]|$)"#,
            r#"i"#,
            r#"0|/||.*|"#,
        )),
    ),
    (
        r#"/files/(.*)"#,
        Opt {
            end: true,
            strict: true,
            sensitive: false,
        },
        Ok((r#"^\/files(?:\/(.*))$"#, r#"i"#, r#"0|/||.*|"#)),
    ),
    (
        r#"/files/(.*)"#,
        Opt {
            end: true,
            strict: false,
            sensitive: true,
        },
        Ok((r#"^\/files(?:\/(.*))[\/#\?]?$"#, r#""#, r#"0|/||.*|"#)),
    ),
    (
        r#"/files/:p(.*)"#,
        Opt {
            end: true,
            strict: false,
            sensitive: false,
        },
        Ok((r#"^\/files(?:\/(.*))[\/#\?]?$"#, r#"i"#, r#"p|/||.*|"#)),
    ),
    (
        r#"/files/:p(.*)"#,
        Opt {
            end: false,
            strict: false,
            sensitive: false,
        },
        Ok((
            r#"^\/files(?:\/(.*))(?:[\/#\?](?=[]|$))?(?=[\/#\?]|[]|$)"#,
            r#"i"#,
            r#"p|/||.*|"#,
        )),
    ),
    (
        r#"/files/:p(.*)"#,
        Opt {
            end: true,
            strict: true,
            sensitive: false,
        },
        Ok((r#"^\/files(?:\/(.*))$"#, r#"i"#, r#"p|/||.*|"#)),
    ),
    (
        r#"/files/:p(.*)"#,
        Opt {
            end: true,
            strict: false,
            sensitive: true,
        },
        Ok((r#"^\/files(?:\/(.*))[\/#\?]?$"#, r#""#, r#"p|/||.*|"#)),
    ),
    (
        r#"/:a+"#,
        Opt {
            end: true,
            strict: false,
            sensitive: false,
        },
        Ok((
            r#"^(?:\/((?:[^\/#\?]+?)(?:\/(?:[^\/#\?]+?))*))[\/#\?]?$"#,
            r#"i"#,
            r#"a|/||[^\/#\?]+?|+"#,
        )),
    ),
    (
        r#"/:a+"#,
        Opt {
            end: false,
            strict: false,
            sensitive: false,
        },
        Ok((
            r#"^(?:\/((?:[^\/#\?]+?)(?:\/(?:[^\/#\?]+?))*))(?:[\/#\?](?=[]|$))?(?=[\/#\?]|[]|$)"#,
            r#"i"#,
            r#"a|/||[^\/#\?]+?|+"#,
        )),
    ),
    (
        r#"/:a+"#,
        Opt {
            end: true,
            strict: true,
            sensitive: false,
        },
        Ok((
            r#"^(?:\/((?:[^\/#\?]+?)(?:\/(?:[^\/#\?]+?))*))$"#,
            r#"i"#,
            r#"a|/||[^\/#\?]+?|+"#,
        )),
    ),
    (
        r#"/:a+"#,
        Opt {
            end: true,
            strict: false,
            sensitive: true,
        },
        Ok((
            r#"^(?:\/((?:[^\/#\?]+?)(?:\/(?:[^\/#\?]+?))*))[\/#\?]?$"#,
            r#""#,
            r#"a|/||[^\/#\?]+?|+"#,
        )),
    ),
    (
        r#"/:a*"#,
        Opt {
            end: true,
            strict: false,
            sensitive: false,
        },
        Ok((
            r#"^(?:\/((?:[^\/#\?]+?)(?:\/(?:[^\/#\?]+?))*))?[\/#\?]?$"#,
            r#"i"#,
            r#"a|/||[^\/#\?]+?|*"#,
        )),
    ),
    (
        r#"/:a*"#,
        Opt {
            end: false,
            strict: false,
            sensitive: false,
        },
        Ok((
            r#"^(?:\/((?:[^\/#\?]+?)(?:\/(?:[^\/#\?]+?))*))?(?:[\/#\?](?=[]|$))?(?=[\/#\?]|[]|$)"#,
            r#"i"#,
            r#"a|/||[^\/#\?]+?|*"#,
        )),
    ),
    (
        r#"/:a*"#,
        Opt {
            end: true,
            strict: true,
            sensitive: false,
        },
        Ok((
            r#"^(?:\/((?:[^\/#\?]+?)(?:\/(?:[^\/#\?]+?))*))?$"#,
            r#"i"#,
            r#"a|/||[^\/#\?]+?|*"#,
        )),
    ),
    (
        r#"/:a*"#,
        Opt {
            end: true,
            strict: false,
            sensitive: true,
        },
        Ok((
            r#"^(?:\/((?:[^\/#\?]+?)(?:\/(?:[^\/#\?]+?))*))?[\/#\?]?$"#,
            r#""#,
            r#"a|/||[^\/#\?]+?|*"#,
        )),
    ),
    (
        r#"/x{-:y}?"#,
        Opt {
            end: true,
            strict: false,
            sensitive: false,
        },
        Ok((
            r#"^\/x(?:-((?:(?!-)[^\/#\?])+?))?[\/#\?]?$"#,
            r#"i"#,
            r#"y|-||(?:(?!-)[^\/#\?])+?|?"#,
        )),
    ),
    (
        r#"/x{-:y}?"#,
        Opt {
            end: false,
            strict: false,
            sensitive: false,
        },
        Ok((
            r#"^\/x(?:-((?:(?!-)[^\/#\?])+?))?(?:[\/#\?](?=[]|$))?(?=[\/#\?]|[]|$)"#,
            r#"i"#,
            r#"y|-||(?:(?!-)[^\/#\?])+?|?"#,
        )),
    ),
    (
        r#"/x{-:y}?"#,
        Opt {
            end: true,
            strict: true,
            sensitive: false,
        },
        Ok((
            r#"^\/x(?:-((?:(?!-)[^\/#\?])+?))?$"#,
            r#"i"#,
            r#"y|-||(?:(?!-)[^\/#\?])+?|?"#,
        )),
    ),
    (
        r#"/x{-:y}?"#,
        Opt {
            end: true,
            strict: false,
            sensitive: true,
        },
        Ok((
            r#"^\/x(?:-((?:(?!-)[^\/#\?])+?))?[\/#\?]?$"#,
            r#""#,
            r#"y|-||(?:(?!-)[^\/#\?])+?|?"#,
        )),
    ),
    (
        r#"/:name.:ext"#,
        Opt {
            end: true,
            strict: false,
            sensitive: false,
        },
        Ok((
            r#"^(?:\/([^\/#\?]+?))(?:\.((?:(?!\.)[^\/#\?])+?))[\/#\?]?$"#,
            r#"i"#,
            r#"name|/||[^\/#\?]+?|;ext|.||(?:(?!\.)[^\/#\?])+?|"#,
        )),
    ),
    (
        r#"/:name.:ext"#,
        Opt {
            end: false,
            strict: false,
            sensitive: false,
        },
        Ok((
            r#"^(?:\/([^\/#\?]+?))(?:\.((?:(?!\.)[^\/#\?])+?))(?:[\/#\?](?=[]|$))?(?=[\/#\?]|[]|$)"#,
            r#"i"#,
            r#"name|/||[^\/#\?]+?|;ext|.||(?:(?!\.)[^\/#\?])+?|"#,
        )),
    ),
    (
        r#"/:name.:ext"#,
        Opt {
            end: true,
            strict: true,
            sensitive: false,
        },
        Ok((
            r#"^(?:\/([^\/#\?]+?))(?:\.((?:(?!\.)[^\/#\?])+?))$"#,
            r#"i"#,
            r#"name|/||[^\/#\?]+?|;ext|.||(?:(?!\.)[^\/#\?])+?|"#,
        )),
    ),
    (
        r#"/:name.:ext"#,
        Opt {
            end: true,
            strict: false,
            sensitive: true,
        },
        Ok((
            r#"^(?:\/([^\/#\?]+?))(?:\.((?:(?!\.)[^\/#\?])+?))[\/#\?]?$"#,
            r#""#,
            r#"name|/||[^\/#\?]+?|;ext|.||(?:(?!\.)[^\/#\?])+?|"#,
        )),
    ),
    (
        r#"/:from-:to"#,
        Opt {
            end: true,
            strict: false,
            sensitive: false,
        },
        Ok((
            r#"^(?:\/([^\/#\?]+?))-((?:(?!-)[^\/#\?])+?)[\/#\?]?$"#,
            r#"i"#,
            r#"from|/||[^\/#\?]+?|;to|||(?:(?!-)[^\/#\?])+?|"#,
        )),
    ),
    (
        r#"/:from-:to"#,
        Opt {
            end: false,
            strict: false,
            sensitive: false,
        },
        Ok((
            r#"^(?:\/([^\/#\?]+?))-((?:(?!-)[^\/#\?])+?)(?:[\/#\?](?=[]|$))?(?=[\/#\?]|[]|$)"#,
            r#"i"#,
            r#"from|/||[^\/#\?]+?|;to|||(?:(?!-)[^\/#\?])+?|"#,
        )),
    ),
    (
        r#"/:from-:to"#,
        Opt {
            end: true,
            strict: true,
            sensitive: false,
        },
        Ok((
            r#"^(?:\/([^\/#\?]+?))-((?:(?!-)[^\/#\?])+?)$"#,
            r#"i"#,
            r#"from|/||[^\/#\?]+?|;to|||(?:(?!-)[^\/#\?])+?|"#,
        )),
    ),
    (
        r#"/:from-:to"#,
        Opt {
            end: true,
            strict: false,
            sensitive: true,
        },
        Ok((
            r#"^(?:\/([^\/#\?]+?))-((?:(?!-)[^\/#\?])+?)[\/#\?]?$"#,
            r#""#,
            r#"from|/||[^\/#\?]+?|;to|||(?:(?!-)[^\/#\?])+?|"#,
        )),
    ),
    (
        r#"/a\:b"#,
        Opt {
            end: true,
            strict: false,
            sensitive: false,
        },
        Ok((r#"^\/a\:b[\/#\?]?$"#, r#"i"#, r#""#)),
    ),
    (
        r#"/a\:b"#,
        Opt {
            end: false,
            strict: false,
            sensitive: false,
        },
        Ok((
            r#"^\/a\:b(?:[\/#\?](?=[]|$))?(?=[\/#\?]|[]|$)"#,
            r#"i"#,
            r#""#,
        )),
    ),
    (
        r#"/a\:b"#,
        Opt {
            end: true,
            strict: true,
            sensitive: false,
        },
        Ok((r#"^\/a\:b$"#, r#"i"#, r#""#)),
    ),
    (
        r#"/a\:b"#,
        Opt {
            end: true,
            strict: false,
            sensitive: true,
        },
        Ok((r#"^\/a\:b[\/#\?]?$"#, r#""#, r#""#)),
    ),
    (
        r#""#,
        Opt {
            end: true,
            strict: false,
            sensitive: false,
        },
        Ok((r#"^[\/#\?]?$"#, r#"i"#, r#""#)),
    ),
    (
        r#""#,
        Opt {
            end: false,
            strict: false,
            sensitive: false,
        },
        Ok((r#"^(?:[\/#\?](?=[]|$))?"#, r#"i"#, r#""#)),
    ),
    (
        r#""#,
        Opt {
            end: true,
            strict: true,
            sensitive: false,
        },
        Ok((r#"^$"#, r#"i"#, r#""#)),
    ),
    (
        r#""#,
        Opt {
            end: true,
            strict: false,
            sensitive: true,
        },
        Ok((r#"^[\/#\?]?$"#, r#""#, r#""#)),
    ),
    (
        r#"/"#,
        Opt {
            end: true,
            strict: false,
            sensitive: false,
        },
        Ok((r#"^\/[\/#\?]?$"#, r#"i"#, r#""#)),
    ),
    (
        r#"/"#,
        Opt {
            end: false,
            strict: false,
            sensitive: false,
        },
        Ok((r#"^\/(?:[\/#\?](?=[]|$))?"#, r#"i"#, r#""#)),
    ),
    (
        r#"/"#,
        Opt {
            end: true,
            strict: true,
            sensitive: false,
        },
        Ok((r#"^\/$"#, r#"i"#, r#""#)),
    ),
    (
        r#"/"#,
        Opt {
            end: true,
            strict: false,
            sensitive: true,
        },
        Ok((r#"^\/[\/#\?]?$"#, r#""#, r#""#)),
    ),
    (
        r#"/a/:b/:c?"#,
        Opt {
            end: true,
            strict: false,
            sensitive: false,
        },
        Ok((
            r#"^\/a(?:\/([^\/#\?]+?))(?:\/([^\/#\?]+?))?[\/#\?]?$"#,
            r#"i"#,
            r#"b|/||[^\/#\?]+?|;c|/||[^\/#\?]+?|?"#,
        )),
    ),
    (
        r#"/a/:b/:c?"#,
        Opt {
            end: false,
            strict: false,
            sensitive: false,
        },
        Ok((
            r#"^\/a(?:\/([^\/#\?]+?))(?:\/([^\/#\?]+?))?(?:[\/#\?](?=[]|$))?(?=[\/#\?]|[]|$)"#,
            r#"i"#,
            r#"b|/||[^\/#\?]+?|;c|/||[^\/#\?]+?|?"#,
        )),
    ),
    (
        r#"/a/:b/:c?"#,
        Opt {
            end: true,
            strict: true,
            sensitive: false,
        },
        Ok((
            r#"^\/a(?:\/([^\/#\?]+?))(?:\/([^\/#\?]+?))?$"#,
            r#"i"#,
            r#"b|/||[^\/#\?]+?|;c|/||[^\/#\?]+?|?"#,
        )),
    ),
    (
        r#"/a/:b/:c?"#,
        Opt {
            end: true,
            strict: false,
            sensitive: true,
        },
        Ok((
            r#"^\/a(?:\/([^\/#\?]+?))(?:\/([^\/#\?]+?))?[\/#\?]?$"#,
            r#""#,
            r#"b|/||[^\/#\?]+?|;c|/||[^\/#\?]+?|?"#,
        )),
    ),
    (
        r#"/grp{/:x}?/end"#,
        Opt {
            end: true,
            strict: false,
            sensitive: false,
        },
        Ok((
            r#"^\/grp(?:\/([^\/#\?]+?))?\/end[\/#\?]?$"#,
            r#"i"#,
            r#"x|/||[^\/#\?]+?|?"#,
        )),
    ),
    (
        r#"/grp{/:x}?/end"#,
        Opt {
            end: false,
            strict: false,
            sensitive: false,
        },
        Ok((
            r#"^\/grp(?:\/([^\/#\?]+?))?\/end(?:[\/#\?](?=[]|$))?(?=[\/#\?]|[]|$)"#,
            r#"i"#,
            r#"x|/||[^\/#\?]+?|?"#,
        )),
    ),
    (
        r#"/grp{/:x}?/end"#,
        Opt {
            end: true,
            strict: true,
            sensitive: false,
        },
        Ok((
            r#"^\/grp(?:\/([^\/#\?]+?))?\/end$"#,
            r#"i"#,
            r#"x|/||[^\/#\?]+?|?"#,
        )),
    ),
    (
        r#"/grp{/:x}?/end"#,
        Opt {
            end: true,
            strict: false,
            sensitive: true,
        },
        Ok((
            r#"^\/grp(?:\/([^\/#\?]+?))?\/end[\/#\?]?$"#,
            r#""#,
            r#"x|/||[^\/#\?]+?|?"#,
        )),
    ),
    (
        r#"/api{foo,bar}/qux/baz"#,
        Opt {
            end: true,
            strict: false,
            sensitive: false,
        },
        Ok((r#"^\/api(?:foo,bar)\/qux\/baz[\/#\?]?$"#, r#"i"#, r#""#)),
    ),
    (
        r#"/api{foo,bar}/qux/baz"#,
        Opt {
            end: false,
            strict: false,
            sensitive: false,
        },
        Ok((
            r#"^\/api(?:foo,bar)\/qux\/baz(?:[\/#\?](?=[]|$))?(?=[\/#\?]|[]|$)"#,
            r#"i"#,
            r#""#,
        )),
    ),
    (
        r#"/api{foo,bar}/qux/baz"#,
        Opt {
            end: true,
            strict: true,
            sensitive: false,
        },
        Ok((r#"^\/api(?:foo,bar)\/qux\/baz$"#, r#"i"#, r#""#)),
    ),
    (
        r#"/api{foo,bar}/qux/baz"#,
        Opt {
            end: true,
            strict: false,
            sensitive: true,
        },
        Ok((r#"^\/api(?:foo,bar)\/qux\/baz[\/#\?]?$"#, r#""#, r#""#)),
    ),
    (
        r#"/rep/:p+"#,
        Opt {
            end: true,
            strict: false,
            sensitive: false,
        },
        Ok((
            r#"^\/rep(?:\/((?:[^\/#\?]+?)(?:\/(?:[^\/#\?]+?))*))[\/#\?]?$"#,
            r#"i"#,
            r#"p|/||[^\/#\?]+?|+"#,
        )),
    ),
    (
        r#"/rep/:p+"#,
        Opt {
            end: false,
            strict: false,
            sensitive: false,
        },
        Ok((
            r#"^\/rep(?:\/((?:[^\/#\?]+?)(?:\/(?:[^\/#\?]+?))*))(?:[\/#\?](?=[]|$))?(?=[\/#\?]|[]|$)"#,
            r#"i"#,
            r#"p|/||[^\/#\?]+?|+"#,
        )),
    ),
    (
        r#"/rep/:p+"#,
        Opt {
            end: true,
            strict: true,
            sensitive: false,
        },
        Ok((
            r#"^\/rep(?:\/((?:[^\/#\?]+?)(?:\/(?:[^\/#\?]+?))*))$"#,
            r#"i"#,
            r#"p|/||[^\/#\?]+?|+"#,
        )),
    ),
    (
        r#"/rep/:p+"#,
        Opt {
            end: true,
            strict: false,
            sensitive: true,
        },
        Ok((
            r#"^\/rep(?:\/((?:[^\/#\?]+?)(?:\/(?:[^\/#\?]+?))*))[\/#\?]?$"#,
            r#""#,
            r#"p|/||[^\/#\?]+?|+"#,
        )),
    ),
    (
        r#"/x{abc}"#,
        Opt {
            end: true,
            strict: false,
            sensitive: false,
        },
        Ok((r#"^\/x(?:abc)[\/#\?]?$"#, r#"i"#, r#""#)),
    ),
    (
        r#"/x{abc}"#,
        Opt {
            end: false,
            strict: false,
            sensitive: false,
        },
        Ok((
            r#"^\/x(?:abc)(?:[\/#\?](?=[]|$))?(?=[\/#\?]|[]|$)"#,
            r#"i"#,
            r#""#,
        )),
    ),
    (
        r#"/x{abc}"#,
        Opt {
            end: true,
            strict: true,
            sensitive: false,
        },
        Ok((r#"^\/x(?:abc)$"#, r#"i"#, r#""#)),
    ),
    (
        r#"/x{abc}"#,
        Opt {
            end: true,
            strict: false,
            sensitive: true,
        },
        Ok((r#"^\/x(?:abc)[\/#\?]?$"#, r#""#, r#""#)),
    ),
    (
        r#"/x{abc}*"#,
        Opt {
            end: true,
            strict: false,
            sensitive: false,
        },
        Ok((r#"^\/x(?:abc)*[\/#\?]?$"#, r#"i"#, r#""#)),
    ),
    (
        r#"/x{abc}*"#,
        Opt {
            end: false,
            strict: false,
            sensitive: false,
        },
        Ok((
            r#"^\/x(?:abc)*(?:[\/#\?](?=[]|$))?(?=[\/#\?]|[]|$)"#,
            r#"i"#,
            r#""#,
        )),
    ),
    (
        r#"/x{abc}*"#,
        Opt {
            end: true,
            strict: true,
            sensitive: false,
        },
        Ok((r#"^\/x(?:abc)*$"#, r#"i"#, r#""#)),
    ),
    (
        r#"/x{abc}*"#,
        Opt {
            end: true,
            strict: false,
            sensitive: true,
        },
        Ok((r#"^\/x(?:abc)*[\/#\?]?$"#, r#""#, r#""#)),
    ),
    (
        r#"/:a/:b"#,
        Opt {
            end: true,
            strict: false,
            sensitive: false,
        },
        Ok((
            r#"^(?:\/([^\/#\?]+?))(?:\/([^\/#\?]+?))[\/#\?]?$"#,
            r#"i"#,
            r#"a|/||[^\/#\?]+?|;b|/||[^\/#\?]+?|"#,
        )),
    ),
    (
        r#"/:a/:b"#,
        Opt {
            end: false,
            strict: false,
            sensitive: false,
        },
        Ok((
            r#"^(?:\/([^\/#\?]+?))(?:\/([^\/#\?]+?))(?:[\/#\?](?=[]|$))?(?=[\/#\?]|[]|$)"#,
            r#"i"#,
            r#"a|/||[^\/#\?]+?|;b|/||[^\/#\?]+?|"#,
        )),
    ),
    (
        r#"/:a/:b"#,
        Opt {
            end: true,
            strict: true,
            sensitive: false,
        },
        Ok((
            r#"^(?:\/([^\/#\?]+?))(?:\/([^\/#\?]+?))$"#,
            r#"i"#,
            r#"a|/||[^\/#\?]+?|;b|/||[^\/#\?]+?|"#,
        )),
    ),
    (
        r#"/:a/:b"#,
        Opt {
            end: true,
            strict: false,
            sensitive: true,
        },
        Ok((
            r#"^(?:\/([^\/#\?]+?))(?:\/([^\/#\?]+?))[\/#\?]?$"#,
            r#""#,
            r#"a|/||[^\/#\?]+?|;b|/||[^\/#\?]+?|"#,
        )),
    ),
    (
        r#"/test/:id([0-9]+)/:name"#,
        Opt {
            end: true,
            strict: false,
            sensitive: false,
        },
        Ok((
            r#"^\/test(?:\/([0-9]+))(?:\/([^\/#\?]+?))[\/#\?]?$"#,
            r#"i"#,
            r#"id|/||[0-9]+|;name|/||[^\/#\?]+?|"#,
        )),
    ),
    (
        r#"/test/:id([0-9]+)/:name"#,
        Opt {
            end: false,
            strict: false,
            sensitive: false,
        },
        Ok((
            r#"^\/test(?:\/([0-9]+))(?:\/([^\/#\?]+?))(?:[\/#\?](?=[]|$))?(?=[\/#\?]|[]|$)"#,
            r#"i"#,
            r#"id|/||[0-9]+|;name|/||[^\/#\?]+?|"#,
        )),
    ),
    (
        r#"/test/:id([0-9]+)/:name"#,
        Opt {
            end: true,
            strict: true,
            sensitive: false,
        },
        Ok((
            r#"^\/test(?:\/([0-9]+))(?:\/([^\/#\?]+?))$"#,
            r#"i"#,
            r#"id|/||[0-9]+|;name|/||[^\/#\?]+?|"#,
        )),
    ),
    (
        r#"/test/:id([0-9]+)/:name"#,
        Opt {
            end: true,
            strict: false,
            sensitive: true,
        },
        Ok((
            r#"^\/test(?:\/([0-9]+))(?:\/([^\/#\?]+?))[\/#\?]?$"#,
            r#""#,
            r#"id|/||[0-9]+|;name|/||[^\/#\?]+?|"#,
        )),
    ),
    (
        r#"/caf%C3%A9"#,
        Opt {
            end: true,
            strict: false,
            sensitive: false,
        },
        Ok((r#"^\/caf%C3%A9[\/#\?]?$"#, r#"i"#, r#""#)),
    ),
    (
        r#"/caf%C3%A9"#,
        Opt {
            end: false,
            strict: false,
            sensitive: false,
        },
        Ok((
            r#"^\/caf%C3%A9(?:[\/#\?](?=[]|$))?(?=[\/#\?]|[]|$)"#,
            r#"i"#,
            r#""#,
        )),
    ),
    (
        r#"/caf%C3%A9"#,
        Opt {
            end: true,
            strict: true,
            sensitive: false,
        },
        Ok((r#"^\/caf%C3%A9$"#, r#"i"#, r#""#)),
    ),
    (
        r#"/caf%C3%A9"#,
        Opt {
            end: true,
            strict: false,
            sensitive: true,
        },
        Ok((r#"^\/caf%C3%A9[\/#\?]?$"#, r#""#, r#""#)),
    ),
    (
        r#"/d/:d(\d{2,4})"#,
        Opt {
            end: true,
            strict: false,
            sensitive: false,
        },
        Ok((
            r#"^\/d(?:\/(\d{2,4}))[\/#\?]?$"#,
            r#"i"#,
            r#"d|/||\d{2,4}|"#,
        )),
    ),
    (
        r#"/d/:d(\d{2,4})"#,
        Opt {
            end: false,
            strict: false,
            sensitive: false,
        },
        Ok((
            r#"^\/d(?:\/(\d{2,4}))(?:[\/#\?](?=[]|$))?(?=[\/#\?]|[]|$)"#,
            r#"i"#,
            r#"d|/||\d{2,4}|"#,
        )),
    ),
    (
        r#"/d/:d(\d{2,4})"#,
        Opt {
            end: true,
            strict: true,
            sensitive: false,
        },
        Ok((r#"^\/d(?:\/(\d{2,4}))$"#, r#"i"#, r#"d|/||\d{2,4}|"#)),
    ),
    (
        r#"/d/:d(\d{2,4})"#,
        Opt {
            end: true,
            strict: false,
            sensitive: true,
        },
        Ok((r#"^\/d(?:\/(\d{2,4}))[\/#\?]?$"#, r#""#, r#"d|/||\d{2,4}|"#)),
    ),
    (
        r#"/*"#,
        Opt {
            end: true,
            strict: false,
            sensitive: false,
        },
        Err(r#"Unexpected MODIFIER at 1, expected END"#),
    ),
    (
        r#"/x*"#,
        Opt {
            end: true,
            strict: false,
            sensitive: false,
        },
        Err(r#"Unexpected MODIFIER at 2, expected END"#),
    ),
    (
        r#":"#,
        Opt {
            end: true,
            strict: false,
            sensitive: false,
        },
        Err(r#"Missing parameter name at 0"#),
    ),
    (
        r#"/a:b:c"#,
        Opt {
            end: true,
            strict: false,
            sensitive: false,
        },
        Err(r#"Must have text between two parameters, missing text after "b""#),
    ),
    (
        r#"/("#,
        Opt {
            end: true,
            strict: false,
            sensitive: false,
        },
        Err(r#"Unbalanced pattern at 1"#),
    ),
    (
        r#"/()"#,
        Opt {
            end: true,
            strict: false,
            sensitive: false,
        },
        Err(r#"Missing pattern at 1"#),
    ),
    (
        r#"/(?x)"#,
        Opt {
            end: true,
            strict: false,
            sensitive: false,
        },
        Err(r#"Pattern cannot start with "?" at 2"#),
    ),
    (
        r#"/((x))"#,
        Opt {
            end: true,
            strict: false,
            sensitive: false,
        },
        Err(r#"Capturing groups are not allowed at 2"#),
    ),
    (
        r#"/{a"#,
        Opt {
            end: true,
            strict: false,
            sensitive: false,
        },
        Err(r#"Unexpected END at 3, expected CLOSE"#),
    ),
    (
        r#"/x:y+"#,
        Opt {
            end: true,
            strict: false,
            sensitive: false,
        },
        Err(r#"Can not repeat "y" without a prefix and suffix"#),
    ),
    (
        r#"/a}"#,
        Opt {
            end: true,
            strict: false,
            sensitive: false,
        },
        Err(r#"Unexpected CLOSE at 2, expected END"#),
    ),
    (
        r#"/a\"#,
        Opt {
            end: true,
            strict: false,
            sensitive: false,
        },
        Ok((r#"^\/a[\/#\?]?$"#, r#"i"#, r#""#)),
    ),
    (
        r#"/(a\"#,
        Opt {
            end: true,
            strict: false,
            sensitive: false,
        },
        Err(r#"Unbalanced pattern at 1"#),
    ),
    (
        r#"/😀:(x"#,
        Opt {
            end: true,
            strict: false,
            sensitive: false,
        },
        Err(r#"Missing parameter name at 3"#),
    ),
    (
        r#"/a-x-:b"#,
        Opt {
            end: true,
            strict: false,
            sensitive: false,
        },
        Ok((
            r#"^\/a-x-([^\/#\?]+?)[\/#\?]?$"#,
            r#"i"#,
            r#"b|||[^\/#\?]+?|"#,
        )),
    ),
];

fn options(opt: &Opt) -> RegexpOptions {
    RegexpOptions {
        end: opt.end,
        strict: opt.strict,
        sensitive: opt.sensitive,
    }
}

#[test]
fn sources_keys_and_errors_are_upstreams() {
    for (path, opt, expected) in TABLE {
        let got = path_to_regexp(path, options(opt));
        match (got, expected) {
            (Ok(re), Ok((source, flags, keys))) => {
                assert_eq!(re.source(), *source, "source of {path:?}");
                assert_eq!(re.flags(), *flags, "flags of {path:?}");
                let got_keys = re
                    .keys()
                    .iter()
                    .map(|k| {
                        format!(
                            "{}|{}|{}|{}|{}",
                            k.name,
                            k.prefix,
                            k.suffix,
                            k.pattern,
                            k.modifier.as_str()
                        )
                    })
                    .collect::<Vec<_>>()
                    .join(";");
                assert_eq!(got_keys, *keys, "keys of {path:?}");
            }
            (Err(err), Err(message)) => assert_eq!(err.to_string(), *message, "error for {path:?}"),
            (got, expected) => panic!("{path:?}: got {got:?}, expected {expected:?}"),
        }
    }
}

#[test]
fn matching_agrees_with_javascript_on_the_observed_corpus() {
    let data: Value =
        serde_json::from_str(include_str!("data/path_to_regexp_matches.json")).unwrap();
    let paths: Vec<&str> = data["paths"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap())
        .collect();
    let mut checked = 0;
    for case in data["cases"].as_array().unwrap() {
        let pattern = case[0].as_str().unwrap();
        let opt = case[1].as_str().unwrap();
        let options = RegexpOptions {
            end: opt != "e",
            strict: opt == "s",
            sensitive: false,
        };
        let re = path_to_regexp(pattern, options).unwrap();
        for (path, expected) in paths.iter().zip(case[2].as_array().unwrap()) {
            let got = re.captures(path).map(|groups| json!(groups));
            let expected = (!expected.is_null()).then(|| expected.clone());
            assert_eq!(got, expected, "{pattern:?} ({opt}) on {path:?}");
            assert_eq!(
                re.is_match(path),
                expected.is_some(),
                "{pattern:?} ({opt}) test {path:?}"
            );
            checked += 1;
        }
    }
    assert!(checked > 3000);
}

#[test]
fn a_parameter_after_longer_text_needs_lookahead_and_is_refused_clearly() {
    // JavaScript accepts both; the regex crate has no look-ahead (module docs).
    let err = path_to_regexp("{abc:name}", RegexpOptions::default()).unwrap_err();
    assert!(matches!(err, PathError::Regex { .. }));
    assert_eq!(
        err.to_string(),
        r"Invalid regular expression: /^(?:abc((?:(?!abc)[^\/#\?])+?))[\/#\?]?$/i: look-ahead is not supported by this port (a parameter after text of more than one character needs it)"
    );
    let err = path_to_regexp("/:a((?!new)x)", RegexpOptions::default()).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("Invalid regular expression: /^(?:\\/((?!new)x))")
    );
    // A plain invalid pattern is an error too, never a panic.
    assert!(path_to_regexp("/:a([)", RegexpOptions::default()).is_err());
    assert!(path_to_regexp("/:a(x{2,1})", RegexpOptions::default()).is_err());
}

#[test]
fn javascript_character_classes_keep_their_ascii_meaning() {
    let re = path_to_regexp(r"/n/:id(\d+)", RegexpOptions::default()).unwrap();
    assert!(re.is_match("/n/123"));
    assert!(
        !re.is_match("/n/١٢٣"),
        "Arabic-Indic digits are not \\d in JavaScript"
    );
    let re = path_to_regexp(r"/w/:w(\w+)", RegexpOptions::default()).unwrap();
    assert!(!re.is_match("/w/é"));
    let re = path_to_regexp(r"/d/(.+)", RegexpOptions::default()).unwrap();
    assert!(
        !re.is_match("/d/a\u{2028}b"),
        "JavaScript's . stops at U+2028"
    );
    let re = path_to_regexp(r"/b/:x(a{)", RegexpOptions::default()).unwrap();
    assert!(
        re.is_match("/b/a{"),
        "a lone brace is a literal in JavaScript"
    );
}

#[test]
fn case_insensitive_by_default_including_percent_escapes() {
    let re = path_to_regexp("/caf%C3%A9", RegexpOptions::default()).unwrap();
    assert!(re.is_match("/caf%c3%a9"));
    assert!(!re.is_match("/café"), "nothing is decoded before matching");
    let sensitive = RegexpOptions {
        sensitive: true,
        ..RegexpOptions::default()
    };
    assert!(
        !path_to_regexp("/Users", sensitive)
            .unwrap()
            .is_match("/users")
    );
}

#[test]
fn parse_gives_upstreams_tokens() {
    let tokens = parse("/x{-:y}?/(\\d+)").unwrap();
    assert_eq!(tokens.len(), 3);
    assert_eq!(tokens[0], Token::Text("/x".to_owned()));
    let Token::Key(y) = &tokens[1] else { panic!() };
    assert_eq!(y.name, KeyName::Named("y".to_owned()));
    assert_eq!(y.prefix, "-");
    assert_eq!(y.modifier, Modifier::Optional);
    let Token::Key(unnamed) = &tokens[2] else {
        panic!()
    };
    assert_eq!(unnamed.name, KeyName::Index(0));
    assert_eq!(unnamed.pattern, "\\d+");
    assert_eq!(unnamed.prefix, "/");
}

#[test]
fn error_positions_count_utf16_units() {
    assert_eq!(
        path_to_regexp("/😀:(x", RegexpOptions::default())
            .unwrap_err()
            .to_string(),
        "Missing parameter name at 3"
    );
}

/// `(path, data, encode with encodeURIComponent, validate, sensitive, expected)`.
type CompileRow = (
    &'static str,
    Value,
    bool,
    bool,
    bool,
    Result<&'static str, &'static str>,
);

#[test]
fn compile_fills_paths_and_validates_like_upstream() {
    let rows: Vec<CompileRow> = vec![
        (
            "/books/:category/:id",
            json!({"category": "a b/c?d#e", "id": 4}),
            true,
            true,
            false,
            Ok("/books/a%20b%2Fc%3Fd%23e/4"),
        ),
        (
            "/books/:category/:id",
            json!({"category": "x"}),
            true,
            true,
            false,
            Err(r#"Expected "id" to be a string"#),
        ),
        (
            "/books/:category/:id",
            json!({"category": true, "id": 1}),
            true,
            true,
            false,
            Err(r#"Expected "category" to be a string"#),
        ),
        (
            "/books/:category/:id",
            json!({"category": "", "id": 1}),
            true,
            true,
            false,
            Err(r#"Expected "category" to match "[^\/#\?]+?", but got """#),
        ),
        (
            "/n/:id(\\d+)",
            json!({"id": "x"}),
            true,
            true,
            false,
            Err(r#"Expected "id" to match "\d+", but got "x""#),
        ),
        (
            "/n/:id(\\d+)",
            json!({"id": "x"}),
            true,
            false,
            false,
            Ok("/n/x"),
        ),
        (
            "/N/:id([a-z]+)",
            json!({"id": "ABC"}),
            false,
            true,
            false,
            Ok("/N/ABC"),
        ),
        (
            "/N/:id([a-z]+)",
            json!({"id": "ABC"}),
            false,
            true,
            true,
            Err(r#"Expected "id" to match "[a-z]+", but got "ABC""#),
        ),
        ("/o/:a?", json!({}), false, true, false, Ok("/o")),
        ("/o/:a?", json!({"a": "v"}), false, true, false, Ok("/o/v")),
        (
            "/r/:p+",
            json!({"p": ["a", "b c"]}),
            true,
            true,
            false,
            Ok("/r/a/b%20c"),
        ),
        (
            "/r/:p+",
            json!({"p": "a/b"}),
            true,
            true,
            false,
            Ok("/r/a%2Fb"),
        ),
        (
            "/r/:p+",
            json!({"p": []}),
            false,
            true,
            false,
            Err(r#"Expected "p" to not be empty"#),
        ),
        ("/r/:p*", json!({"p": []}), false, true, false, Ok("/r")),
        (
            "/r/:p+",
            json!({}),
            false,
            true,
            false,
            Err(r#"Expected "p" to be an array"#),
        ),
        (
            "/r/:p",
            json!({"p": ["a"]}),
            false,
            true,
            false,
            Err(r#"Expected "p" to not repeat, but got an array"#),
        ),
        (
            "/r/:p+",
            json!({"p": ["a", ""]}),
            false,
            true,
            false,
            Err(r#"Expected all "p" to match "[^\/#\?]+?", but got """#),
        ),
        (
            "/f/:name.:ext",
            json!({"name": "a.b", "ext": "txt"}),
            false,
            true,
            false,
            Ok("/f/a.b.txt"),
        ),
        (
            "/f/:name.:ext",
            json!({"name": "a", "ext": "t.x"}),
            false,
            true,
            false,
            Err(r#"Expected "ext" to match "(?:(?!\.)[^\/#\?])+?", but got "t.x""#),
        ),
        (
            "/x{-:y}?",
            json!({"y": "1"}),
            false,
            true,
            false,
            Ok("/x-1"),
        ),
        ("/x{-:y}?", json!({}), false, true, false, Ok("/x")),
        (
            "/s/(\\d+)",
            json!({"0": "12"}),
            false,
            true,
            false,
            Ok("/s/12"),
        ),
        (
            "/x{abc}",
            json!({}),
            false,
            true,
            false,
            Err(r#"Expected "" to be a string"#),
        ),
        ("/x{abc}?", json!({}), false, true, false, Ok("/x")),
        (
            "/num/:n",
            json!({"n": 1.5}),
            false,
            true,
            false,
            Ok("/num/1.5"),
        ),
        (
            "/num/:n",
            json!({"n": 1e21}),
            false,
            true,
            false,
            Ok("/num/1e+21"),
        ),
    ];
    for (path, data, encode, validate, sensitive, expected) in rows {
        let options = CompileOptions {
            encode: encode.then(|| Arc::new(|v: &str| encode_uri_component(v)) as _),
            validate,
            sensitive,
        };
        let got = compile(path, options).unwrap().call(data.as_object());
        match (got, expected) {
            (Ok(got), Ok(expected)) => assert_eq!(got, expected, "{path} {data}"),
            (Err(err), Err(expected)) => assert_eq!(err.to_string(), expected, "{path} {data}"),
            (got, expected) => panic!("{path} {data}: got {got:?}, expected {expected:?}"),
        }
    }
}

#[test]
fn safe_decode_keeps_malformed_values_raw() {
    // Observed through @koa/router 13.1.1 (params of `/p/:v`).
    for (raw, param) in [
        ("a%20b", "a b"),
        ("a+b", "a b"),
        ("a%2Bb", "a+b"),
        ("a%2Fb", "a/b"),
        ("A%2fB", "A/B"),
        ("100%", "100%"),
        ("%E0%A4%A", "%E0%A4%A"),
        ("%C3%A9+x%zz", "%C3%A9+x%zz"),
        ("how%20to%20node", "how to node"),
        ("%C3%A9", "é"),
        ("%ED%A0%80", "%ED%A0%80"),
        ("%C0%AF", "%C0%AF"),
    ] {
        assert_eq!(safe_decode_uri_component(raw), param, "{raw}");
    }
    assert_eq!(decode_uri_component("%zz"), None);
    assert_eq!(decode_uri_component("a+b").as_deref(), Some("a+b"));
}

#[test]
fn encode_uri_component_keeps_javascripts_unreserved_set() {
    assert_eq!(encode_uri_component("it's (1)*~!-_."), "it's%20(1)*~!-_.");
    assert_eq!(
        encode_uri_component("a+b&c=d/é😀"),
        "a%2Bb%26c%3Dd%2F%C3%A9%F0%9F%98%80"
    );
}

#[test]
fn common_routes_skip_the_regex_engine() {
    for (path, options) in [
        ("/users/:id", RegexpOptions::default()),
        ("/opt/:a/:b?", RegexpOptions::default()),
        ("/files/:path(.*)", RegexpOptions::default()),
        (
            "/api/v1/items/:id",
            RegexpOptions {
                strict: true,
                ..RegexpOptions::default()
            },
        ),
        (
            "([^/]*)",
            RegexpOptions {
                end: false,
                ..RegexpOptions::default()
            },
        ),
        (
            "/things([^/]*)",
            RegexpOptions {
                end: false,
                ..RegexpOptions::default()
            },
        ),
        ("", RegexpOptions::default()),
    ] {
        assert!(
            path_to_regexp(path, options).unwrap().has_fast_matcher(),
            "{path}"
        );
    }
    for path in [
        "/:name.:ext",
        "/user/(.*).jsx",
        "/:a-:b",
        "/x{-:y}?",
        "/caf\u{e9}",
    ] {
        assert!(
            !path_to_regexp(path, RegexpOptions::default())
                .unwrap()
                .has_fast_matcher(),
            "{path}"
        );
    }
}
