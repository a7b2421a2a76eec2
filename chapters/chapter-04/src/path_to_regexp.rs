//! path-to-regexp 6.3.0: the route syntax of @koa/router 13, compiled to a [`regex::Regex`].
//!
//! Mirrors [`src/index.ts` at path-to-regexp v6.3.0](https://github.com/pillarjs/path-to-regexp/blob/v6.3.0/src/index.ts)
//! (`lexer`, `parse`, `tokensToRegexp`, `tokensToFunction`, `regexpToRegexp`,
//! `pathToRegexp`), plus the two URI helpers the router leans on: JavaScript's
//! `encodeURIComponent` (the default encoder of `Layer#url`) and @koa/router's
//! `safeDecodeURIComponent` ([`lib/layer.js` at v13.1.1](https://github.com/koajs/router/blob/v13.1.1/lib/layer.js),
//! bottom of the file).
//!
//! A route such as `/users/:id(\d+)?` goes through three steps, as upstream:
//!
//! 1. [`lexer`](parse) cuts the string into tokens: `:name`, `( … )` patterns, the
//!    modifiers `? + *`, `{ … }` groups, `\`-escaped characters, plain characters.
//! 2. [`parse`] turns those into [`Token`]s: literal text and [`Key`]s (a parameter with its
//!    prefix, suffix, pattern and modifier). A parameter right after `/` or `.` takes that
//!    character as its *prefix*, which is why `/:id?` makes the slash optional too.
//! 3. [`path_to_regexp`] writes one regular expression for the whole route, and
//!    [`compile`] writes the reverse: a function from parameter values to a path, which is
//!    what named routes' `url()` uses.
//!
//! **Why two regular expressions.** Upstream's output is a JavaScript `RegExp`, and its
//! source is part of what a reader sees (`router.stack[i].regexp`). We keep that source
//! text byte for byte ([`PathRegexp::source`]), and compile a translation of it for the
//! `regex` crate ([`PathRegexp::regex`]). The translation changes spelling, not meaning:
//!
//! - The `regex` crate has no look-around. The three places upstream uses it are
//!   rewritten: the "optional delimiter only at the end" `(?=$)` becomes `$`; the final
//!   "a delimiter or the end must follow" `(?=[\/#\?]|$)` becomes a *consuming*
//!   `(?:[/#\?]|$)` (only the groups are ever read, never the span of the whole match, so
//!   consuming one more character changes nothing); and the 6.3.0 default pattern
//!   `(?:(?!\.)[^\/#\?])+?` ("no character that starts the text before the parameter")
//!   becomes the class `[^/#\?\.]+?` when that text is one character. When it is longer
//!   (`/:a-x-:b`), or a custom pattern uses look-around or back-references, there is no
//!   faithful spelling and registration fails with a clear [`PathError::Regex`].
//! - JavaScript's `\d`, `\w`, `\b` are ASCII-only and `.` stops at four line terminators;
//!   the `regex` crate's are Unicode. Custom patterns are rewritten to the JavaScript
//!   meaning (`\d` → `[0-9]`, …).
//! - Case-insensitive matching (the default, JavaScript's `i` flag) uses the `regex`
//!   crate's Unicode simple case folding. For ASCII text, which is all a request path
//!   holds once percent-encoded, the two agree; they differ only for a few non-ASCII
//!   characters (the Kelvin sign matches `k` here, not in JavaScript).
//!
//! Options that @koa/router never passes (`start`, `endsWith`, `delimiter`, `prefixes`,
//! `encode` for the regexp, array paths) are not offered; their defaults are built in.

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use regex::{Regex, RegexBuilder};
use serde_json::{Map, Value};

/// The characters a parameter may take as its prefix (upstream's default `prefixes`).
const PREFIXES: &str = "./";

/// The delimiter characters (upstream's default `delimiter`).
const DELIMITER: &str = "/#?";

/// The default parameter pattern: one or more non-delimiters, lazily (JavaScript spelling).
pub const DEFAULT_PATTERN: &str = r"[^\/#\?]+?";

/// What `encodeURIComponent` leaves alone: `A-Z a-z 0-9 - _ . ! ~ * ' ( )`.
const URI_COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'!')
    .remove(b'~')
    .remove(b'*')
    .remove(b'\'')
    .remove(b'(')
    .remove(b')');

// ANCHOR: errors
/// Everything that can go wrong in this module. The messages are upstream's `TypeError`
/// messages, verbatim (`at <i>` counts UTF-16 code units, as JavaScript strings do),
/// except for [`PathError::Regex`], which is ours.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathError {
    /// `Missing parameter name at <i>`: a `:` with no name after it.
    MissingParameterName {
        /// Where the `:` is.
        index: usize,
    },
    /// `Pattern cannot start with "?" at <i>`.
    PatternStartsWithQuestionMark {
        /// Where the `?` is.
        index: usize,
    },
    /// `Capturing groups are not allowed at <i>`: a `(` inside a pattern not followed by `?`.
    CapturingGroup {
        /// Where the inner `(` is.
        index: usize,
    },
    /// `Unbalanced pattern at <i>`.
    UnbalancedPattern {
        /// Where the pattern opens.
        index: usize,
    },
    /// `Missing pattern at <i>`: `()`.
    MissingPattern {
        /// Where the pattern opens.
        index: usize,
    },
    /// `Unexpected <found> at <i>, expected <expected>`, e.g. a modifier with nothing to
    /// modify (`/*`) or a group that is not closed.
    Unexpected {
        /// The token found (`MODIFIER`, `END`, …).
        found: &'static str,
        /// Where it is.
        index: usize,
        /// The token wanted (`END`, `CLOSE`).
        expected: &'static str,
    },
    /// `Must have text between two parameters, missing text after "<name>"`.
    MissingTextBetweenParameters {
        /// The parameter before the gap.
        name: String,
    },
    /// `Can not repeat "<name>" without a prefix and suffix`.
    CannotRepeat {
        /// The parameter.
        name: String,
    },
    /// `Expected "<name>" to not repeat, but got an array` (building a path).
    ExpectedNotRepeat {
        /// The parameter.
        name: String,
    },
    /// `Expected "<name>" to not be empty` (building a path).
    ExpectedNotEmpty {
        /// The parameter.
        name: String,
    },
    /// `Expected all "<name>" to match "<pattern>", but got "<segment>"` (building a path
    /// from an array).
    ExpectedAllToMatch {
        /// The parameter.
        name: String,
        /// Its pattern, as written.
        pattern: String,
        /// The encoded value that did not match.
        segment: String,
    },
    /// `Expected "<name>" to match "<pattern>", but got "<segment>"` (building a path).
    ExpectedToMatch {
        /// The parameter.
        name: String,
        /// Its pattern, as written.
        pattern: String,
        /// The encoded value that did not match.
        segment: String,
    },
    /// `Expected "<name>" to be a string` / `… to be an array` (building a path).
    ExpectedType {
        /// The parameter.
        name: String,
        /// True for `+` parameters, which want an array.
        array: bool,
    },
    /// `Invalid regular expression: /<source>/<flags>: <reason>`: the route compiles in
    /// JavaScript's dialect, but this port cannot compile it (see the module docs), or the
    /// custom pattern is not a valid regular expression at all. The wording follows
    /// JavaScript's `SyntaxError`; the reason is ours.
    Regex {
        /// The JavaScript source of the whole regular expression.
        source: String,
        /// Its flags (`i` or nothing).
        flags: &'static str,
        /// What went wrong.
        reason: String,
    },
}

impl fmt::Display for PathError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::MissingParameterName { index } => write!(f, "Missing parameter name at {index}"),
            Self::PatternStartsWithQuestionMark { index } => {
                write!(f, "Pattern cannot start with \"?\" at {index}")
            }
            Self::CapturingGroup { index } => {
                write!(f, "Capturing groups are not allowed at {index}")
            }
            Self::UnbalancedPattern { index } => write!(f, "Unbalanced pattern at {index}"),
            Self::MissingPattern { index } => write!(f, "Missing pattern at {index}"),
            Self::Unexpected {
                found,
                index,
                expected,
            } => write!(f, "Unexpected {found} at {index}, expected {expected}"),
            Self::MissingTextBetweenParameters { name } => write!(
                f,
                "Must have text between two parameters, missing text after \"{name}\""
            ),
            Self::CannotRepeat { name } => {
                write!(f, "Can not repeat \"{name}\" without a prefix and suffix")
            }
            Self::ExpectedNotRepeat { name } => {
                write!(f, "Expected \"{name}\" to not repeat, but got an array")
            }
            Self::ExpectedNotEmpty { name } => write!(f, "Expected \"{name}\" to not be empty"),
            Self::ExpectedAllToMatch {
                name,
                pattern,
                segment,
            } => write!(
                f,
                "Expected all \"{name}\" to match \"{pattern}\", but got \"{segment}\""
            ),
            Self::ExpectedToMatch {
                name,
                pattern,
                segment,
            } => write!(
                f,
                "Expected \"{name}\" to match \"{pattern}\", but got \"{segment}\""
            ),
            Self::ExpectedType { name, array } => write!(
                f,
                "Expected \"{name}\" to be {}",
                if *array { "an array" } else { "a string" }
            ),
            Self::Regex {
                source,
                flags,
                reason,
            } => write!(f, "Invalid regular expression: /{source}/{flags}: {reason}"),
        }
    }
}

impl std::error::Error for PathError {}
// ANCHOR_END: errors

// ANCHOR: tokens
/// How often a parameter may appear: upstream's `modifier` string.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Modifier {
    /// No modifier: exactly once.
    None,
    /// `?`: optional.
    Optional,
    /// `+`: one or more, separated by prefix and suffix.
    OneOrMore,
    /// `*`: zero or more.
    ZeroOrMore,
}

impl Modifier {
    /// The modifier as upstream writes it: `""`, `"?"`, `"+"` or `"*"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::None => "",
            Self::Optional => "?",
            Self::OneOrMore => "+",
            Self::ZeroOrMore => "*",
        }
    }

    /// `?` or `*`: the parameter may be left out.
    pub fn is_optional(self) -> bool {
        matches!(self, Self::Optional | Self::ZeroOrMore)
    }

    /// `+` or `*`: the parameter may repeat.
    pub fn is_repeat(self) -> bool {
        matches!(self, Self::OneOrMore | Self::ZeroOrMore)
    }

    /// The modifier a lexer `MODIFIER` token stands for.
    fn from_token(value: Option<String>) -> Self {
        match value.as_deref() {
            Some("?") => Self::Optional,
            Some("+") => Self::OneOrMore,
            Some("*") => Self::ZeroOrMore,
            _ => Self::None,
        }
    }
}

/// A key's name: a parameter name, or the running number of an unnamed pattern
/// (`/files/(.*)` has key `0`). JavaScript keeps both in one `string | number` field.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum KeyName {
    /// `:name`, or `""` for a group with neither name nor pattern (plain optional text).
    Named(String),
    /// An unnamed `( … )` pattern, numbered from 0 in order.
    Index(usize),
}

impl KeyName {
    /// Upstream's truthiness test (`if (token.name)`): a non-empty name. The unnamed key
    /// `0` is falsy there, and so are the other numbers' *absence*; numbers above 0 are
    /// truthy in JavaScript, and so here.
    pub fn is_truthy(&self) -> bool {
        match self {
            Self::Named(name) => !name.is_empty(),
            Self::Index(index) => *index != 0,
        }
    }

    /// The name as a property key (`params[name]`): numbers in decimal.
    pub fn as_key(&self) -> Cow<'_, str> {
        match self {
            Self::Named(name) => Cow::Borrowed(name),
            Self::Index(index) => Cow::Owned(index.to_string()),
        }
    }
}

impl fmt::Display for KeyName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Named(name) => f.write_str(name),
            Self::Index(index) => write!(f, "{index}"),
        }
    }
}

/// A parameter of a route: upstream's `Key`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Key {
    /// The name, or the number of an unnamed pattern.
    pub name: KeyName,
    /// Text that comes (and goes) with the value: `/` in `/:id`, `-` in `{-:y}`.
    pub prefix: String,
    /// Text after the value, only possible inside `{ … }`.
    pub suffix: String,
    /// The value's pattern in JavaScript regex syntax, as written or the default.
    pub pattern: String,
    /// `?`, `+`, `*` or nothing.
    pub modifier: Modifier,
}

/// One piece of a parsed path: literal text or a key. Upstream's `string | Key`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Token {
    /// Literal text, escapes already resolved.
    Text(String),
    /// A parameter, an unnamed pattern, or a `{ … }` group.
    Key(Key),
}
// ANCHOR_END: tokens

/// The lexer's token kinds, named as upstream names them in its error messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LexKind {
    Open,
    Close,
    Pattern,
    Name,
    Char,
    EscapedChar,
    Modifier,
    End,
}

impl LexKind {
    /// The name used in `Unexpected … expected …`.
    fn as_str(self) -> &'static str {
        match self {
            Self::Open => "OPEN",
            Self::Close => "CLOSE",
            Self::Pattern => "PATTERN",
            Self::Name => "NAME",
            Self::Char => "CHAR",
            Self::EscapedChar => "ESCAPED_CHAR",
            Self::Modifier => "MODIFIER",
            Self::End => "END",
        }
    }
}

/// One lexer token: its kind, where it starts (in UTF-16 units) and its text.
#[derive(Debug, Clone)]
struct LexToken {
    kind: LexKind,
    index: usize,
    /// The text; empty for `END` and for a `\` at the very end of the input (where
    /// JavaScript reads `undefined`, which every later test treats as "nothing").
    value: String,
}

// ANCHOR: lexer
/// Cuts a path into lexer tokens (upstream's `lexer`).
fn lexer(input: &str) -> Result<Vec<LexToken>, PathError> {
    let chars: Vec<char> = input.chars().collect();
    // JavaScript indexes strings by UTF-16 unit; error messages report those indexes.
    let mut offsets = Vec::with_capacity(chars.len() + 1);
    let mut offset = 0;
    for c in &chars {
        offsets.push(offset);
        offset += c.len_utf16();
    }
    offsets.push(offset);
    let at = |i: usize| {
        offsets
            .get(i)
            .copied()
            .unwrap_or_else(|| offset + (i - chars.len()))
    };

    let mut tokens = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let mut push = |kind, index, value: String| tokens.push(LexToken { kind, index, value });
        match c {
            '*' | '+' | '?' => {
                push(LexKind::Modifier, at(i), c.to_string());
                i += 1;
            }
            '\\' => {
                let value = chars.get(i + 1).map(char::to_string).unwrap_or_default();
                push(LexKind::EscapedChar, at(i), value);
                i += 2;
            }
            '{' => {
                push(LexKind::Open, at(i), c.to_string());
                i += 1;
            }
            '}' => {
                push(LexKind::Close, at(i), c.to_string());
                i += 1;
            }
            ':' => {
                let mut j = i + 1;
                while j < chars.len() && (chars[j].is_ascii_alphanumeric() || chars[j] == '_') {
                    j += 1;
                }
                if j == i + 1 {
                    return Err(PathError::MissingParameterName { index: at(i) });
                }
                push(LexKind::Name, at(i), chars[i + 1..j].iter().collect());
                i = j;
            }
            '(' => {
                let mut count = 1;
                let mut pattern = String::new();
                let mut j = i + 1;
                if chars.get(j) == Some(&'?') {
                    return Err(PathError::PatternStartsWithQuestionMark { index: at(j) });
                }
                while j < chars.len() {
                    if chars[j] == '\\' {
                        pattern.push('\\');
                        if let Some(&next) = chars.get(j + 1) {
                            pattern.push(next);
                        }
                        j += 2;
                        continue;
                    }
                    if chars[j] == ')' {
                        count -= 1;
                        if count == 0 {
                            j += 1;
                            break;
                        }
                    } else if chars[j] == '(' {
                        count += 1;
                        if chars.get(j + 1) != Some(&'?') {
                            return Err(PathError::CapturingGroup { index: at(j) });
                        }
                    }
                    pattern.push(chars[j]);
                    j += 1;
                }
                if count != 0 {
                    return Err(PathError::UnbalancedPattern { index: at(i) });
                }
                if pattern.is_empty() {
                    return Err(PathError::MissingPattern { index: at(i) });
                }
                push(LexKind::Pattern, at(i), pattern);
                i = j;
            }
            _ => {
                push(LexKind::Char, at(i), c.to_string());
                i += 1;
            }
        }
    }
    tokens.push(LexToken {
        kind: LexKind::End,
        index: at(i),
        value: String::new(),
    });
    Ok(tokens)
}
// ANCHOR_END: lexer

/// A cursor over lexer tokens with upstream's `tryConsume` / `mustConsume`.
struct Cursor {
    tokens: Vec<LexToken>,
    i: usize,
}

impl Cursor {
    /// Takes the next token if it has this kind. A token with empty text (a trailing `\`)
    /// is still taken, but reads as nothing, as JavaScript's `undefined` does.
    fn try_consume(&mut self, kind: LexKind) -> Option<String> {
        let token = self.tokens.get(self.i).filter(|t| t.kind == kind)?;
        self.i += 1;
        Some(token.value.clone()).filter(|value| !value.is_empty())
    }

    /// Takes the next token, which must have this kind.
    fn must_consume(&mut self, kind: LexKind) -> Result<(), PathError> {
        if self.tokens.get(self.i).is_some_and(|t| t.kind == kind) {
            self.i += 1;
            return Ok(());
        }
        let (found, index) = self
            .tokens
            .get(self.i)
            .map_or((LexKind::End, 0), |t| (t.kind, t.index));
        Err(PathError::Unexpected {
            found: found.as_str(),
            index,
            expected: kind.as_str(),
        })
    }

    /// Plain and escaped characters up to the next anything else.
    fn consume_text(&mut self) -> String {
        let mut text = String::new();
        while let Some(value) = self
            .try_consume(LexKind::Char)
            .or_else(|| self.try_consume(LexKind::EscapedChar))
        {
            text.push_str(&value);
        }
        text
    }
}

/// Upstream's `escapeString`: a backslash before `. + * ? = ^ ! : $ { } ( ) [ ] | / \`.
pub fn escape_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if ".+*?=^!:${}()[]|/\\".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

// ANCHOR: safe_pattern
/// Upstream's `safePattern`: the default pattern of a parameter, which may not run over
/// the text that comes before it (the ReDoS fix of 6.3.0).
fn safe_pattern(prefix: &str, result: &[Token]) -> Result<String, PathError> {
    let prev = result.last();
    let prev_text = if prefix.is_empty() {
        match prev {
            Some(Token::Text(text)) => text.as_str(),
            _ => "",
        }
    } else {
        prefix
    };
    if let Some(Token::Key(key)) = prev
        && prev_text.is_empty()
    {
        return Err(PathError::MissingTextBetweenParameters {
            name: key.name.to_string(),
        });
    }
    if prev_text.is_empty() || prev_text.chars().any(|c| DELIMITER.contains(c)) {
        return Ok(DEFAULT_PATTERN.to_owned());
    }
    Ok(format!(
        r"(?:(?!{})[^{}])+?",
        escape_string(prev_text),
        escape_string(DELIMITER)
    ))
}
// ANCHOR_END: safe_pattern

// ANCHOR: parse
/// Parses a path into tokens (upstream's `parse` with the default options).
pub fn parse(input: &str) -> Result<Vec<Token>, PathError> {
    let mut cursor = Cursor {
        tokens: lexer(input)?,
        i: 0,
    };
    let mut result: Vec<Token> = Vec::new();
    let mut key = 0;
    let mut path = String::new();

    while cursor.i < cursor.tokens.len() {
        let char = cursor.try_consume(LexKind::Char);
        let name = cursor.try_consume(LexKind::Name);
        let pattern = cursor.try_consume(LexKind::Pattern);

        if name.is_some() || pattern.is_some() {
            let mut prefix = char.unwrap_or_default();
            if !PREFIXES.contains(prefix.as_str()) {
                path.push_str(&prefix);
                prefix.clear();
            }
            if !path.is_empty() {
                result.push(Token::Text(std::mem::take(&mut path)));
            }
            let name = match name {
                Some(name) => KeyName::Named(name),
                None => {
                    key += 1;
                    KeyName::Index(key - 1)
                }
            };
            let pattern = match pattern {
                Some(pattern) => pattern,
                None => safe_pattern(&prefix, &result)?,
            };
            let modifier = Modifier::from_token(cursor.try_consume(LexKind::Modifier));
            result.push(Token::Key(Key {
                name,
                prefix,
                suffix: String::new(),
                pattern,
                modifier,
            }));
            continue;
        }

        if let Some(value) = char.or_else(|| cursor.try_consume(LexKind::EscapedChar)) {
            path.push_str(&value);
            continue;
        }

        if !path.is_empty() {
            result.push(Token::Text(std::mem::take(&mut path)));
        }

        if cursor.try_consume(LexKind::Open).is_some() {
            let prefix = cursor.consume_text();
            let name = cursor.try_consume(LexKind::Name).unwrap_or_default();
            let pattern = cursor.try_consume(LexKind::Pattern).unwrap_or_default();
            let suffix = cursor.consume_text();
            cursor.must_consume(LexKind::Close)?;
            let key_name = if !name.is_empty() {
                KeyName::Named(name.clone())
            } else if !pattern.is_empty() {
                key += 1;
                KeyName::Index(key - 1)
            } else {
                KeyName::Named(String::new())
            };
            let pattern = if !name.is_empty() && pattern.is_empty() {
                safe_pattern(&prefix, &result)?
            } else {
                pattern
            };
            let modifier = Modifier::from_token(cursor.try_consume(LexKind::Modifier));
            result.push(Token::Key(Key {
                name: key_name,
                prefix,
                suffix,
                pattern,
                modifier,
            }));
            continue;
        }

        cursor.must_consume(LexKind::End)?;
    }
    Ok(result)
}
// ANCHOR_END: parse

/// The options of [`path_to_regexp`] that @koa/router passes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RegexpOptions {
    /// Case-sensitive matching (default false: JavaScript's `i` flag).
    pub sensitive: bool,
    /// No optional trailing delimiter (default false).
    pub strict: bool,
    /// Match to the end of the path (default true); false gives a prefix match that
    /// stops at a segment boundary, for `use` middleware.
    pub end: bool,
}

impl Default for RegexpOptions {
    fn default() -> Self {
        Self {
            sensitive: false,
            strict: false,
            end: true,
        }
    }
}

/// A compiled route: upstream's `RegExp` plus the `keys` array it fills.
#[derive(Debug, Clone)]
pub struct PathRegexp {
    /// The regular expression that does the matching (the translation).
    regex: Regex,
    /// The JavaScript source, exactly as upstream builds it.
    source: String,
    /// `i` (case-insensitive) or empty.
    flags: &'static str,
    /// The keys, in capture-group order.
    keys: Vec<Key>,
    /// The literal text every match starts with (empty for a user's regex).
    literal_prefix: String,
    /// The parsed path (empty for a user's regex).
    tokens: Vec<Token>,
    /// A matcher without the regex engine, for the shapes most routes have.
    fast: Option<FastMatcher>,
}

impl PathRegexp {
    /// `regexp.test(path)`.
    pub fn is_match(&self, path: &str) -> bool {
        if let Some(fast) = &self.fast {
            let mut spans = [None; FAST_MAX_KEYS];
            if let Some(found) = fast.run(path, &mut spans) {
                return found;
            }
        }
        self.regex.is_match(path)
    }

    /// `path.match(regexp).slice(1)`: each capture group's text, `None` for a group
    /// that took no part. `None` when the path does not match.
    pub fn captures<'p>(&self, path: &'p str) -> Option<Vec<Option<&'p str>>> {
        if let Some(fast) = &self.fast {
            let mut spans = [None; FAST_MAX_KEYS];
            match fast.run(path, &mut spans) {
                Some(true) => {
                    return Some(
                        spans[..self.keys.len()]
                            .iter()
                            .map(|span| span.map(|(from, to)| &path[from..to]))
                            .collect(),
                    );
                }
                Some(false) => return None,
                None => {}
            }
        }
        self.captures_with_regex(path)
    }

    /// [`captures`](Self::captures) through the regular expression only, never the
    /// regex-free matcher: the reference the property tests compare it with.
    pub fn captures_with_regex<'p>(&self, path: &'p str) -> Option<Vec<Option<&'p str>>> {
        let caps = self.regex.captures(path)?;
        Some(
            caps.iter()
                .skip(1)
                .map(|group| group.map(|m| m.as_str()))
                .collect(),
        )
    }

    /// The parsed path the regular expression was built from (empty for a user's
    /// regular expression).
    pub fn tokens(&self) -> &[Token] {
        &self.tokens
    }

    /// True when this route is matched without the regex engine (for ASCII paths).
    pub fn has_fast_matcher(&self) -> bool {
        self.fast.is_some()
    }

    /// `regexp.source`: the JavaScript source upstream builds, for display and dumps.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// `regexp.flags`: `i` unless the route is case-sensitive.
    pub fn flags(&self) -> &'static str {
        self.flags
    }

    /// The keys (upstream fills them into the array it is given).
    pub fn keys(&self) -> &[Key] {
        &self.keys
    }

    /// The `regex` crate's regular expression that does the matching.
    pub fn regex(&self) -> &Regex {
        &self.regex
    }

    /// True when matching ignores case.
    pub fn is_case_insensitive(&self) -> bool {
        self.flags == "i"
    }

    /// The literal text at the start of the route (before the first key or group): every
    /// matching path starts with it (ignoring ASCII case unless [`flags`](Self::flags) is
    /// empty). The router's index is built on it. Empty for a user-supplied regex.
    pub fn literal_prefix(&self) -> &str {
        &self.literal_prefix
    }
}

impl fmt::Display for PathRegexp {
    /// As JavaScript prints a `RegExp`: `/source/flags`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "/{}/{}", self.source, self.flags)
    }
}

/// The delimiter class as upstream writes it.
const DELIMITER_RE_JS: &str = r"[\/#\?]";

/// The delimiter class in the `regex` crate's spelling.
const DELIMITER_RE_RS: &str = r"[/#\?]";

// ANCHOR: tokens_to_regexp
/// Writes the regular expression for parsed tokens (upstream's `tokensToRegexp`).
pub fn tokens_to_regexp(tokens: &[Token], options: RegexpOptions) -> Result<PathRegexp, PathError> {
    let flags = if options.sensitive { "" } else { "i" };
    let mut js = String::from("^");
    let mut rs = String::from("^");
    let mut keys = Vec::new();
    // The pattern errors surface after the whole source is known, as JavaScript's would.
    let mut untranslatable: Option<String> = None;

    for token in tokens {
        match token {
            Token::Text(text) => {
                js.push_str(&escape_string(text));
                rs.push_str(&regex::escape(text));
            }
            Token::Key(key) => {
                let (prefix_js, prefix_rs) =
                    (escape_string(&key.prefix), regex::escape(&key.prefix));
                let (suffix_js, suffix_rs) =
                    (escape_string(&key.suffix), regex::escape(&key.suffix));
                if key.pattern.is_empty() {
                    let modifier = key.modifier.as_str();
                    js.push_str(&format!("(?:{prefix_js}{suffix_js}){modifier}"));
                    rs.push_str(&format!("(?:{prefix_rs}{suffix_rs}){modifier}"));
                    continue;
                }
                keys.push(key.clone());
                let pattern_js = key.pattern.as_str();
                let pattern_rs = match translate_pattern(pattern_js) {
                    Ok(pattern) => pattern,
                    Err(reason) => {
                        untranslatable.get_or_insert(reason);
                        String::new()
                    }
                };
                if !key.prefix.is_empty() || !key.suffix.is_empty() {
                    if key.modifier.is_repeat() {
                        let optional = if key.modifier == Modifier::ZeroOrMore {
                            "?"
                        } else {
                            ""
                        };
                        js.push_str(&format!(
                            "(?:{prefix_js}((?:{pattern_js})(?:{suffix_js}{prefix_js}(?:{pattern_js}))*){suffix_js}){optional}"
                        ));
                        rs.push_str(&format!(
                            "(?:{prefix_rs}((?:{pattern_rs})(?:{suffix_rs}{prefix_rs}(?:{pattern_rs}))*){suffix_rs}){optional}"
                        ));
                    } else {
                        let modifier = key.modifier.as_str();
                        js.push_str(&format!(
                            "(?:{prefix_js}({pattern_js}){suffix_js}){modifier}"
                        ));
                        rs.push_str(&format!(
                            "(?:{prefix_rs}({pattern_rs}){suffix_rs}){modifier}"
                        ));
                    }
                } else {
                    if key.modifier.is_repeat() {
                        return Err(PathError::CannotRepeat {
                            name: key.name.to_string(),
                        });
                    }
                    let modifier = key.modifier.as_str();
                    js.push_str(&format!("({pattern_js}){modifier}"));
                    rs.push_str(&format!("({pattern_rs}){modifier}"));
                }
            }
        }
    }

    if options.end {
        if !options.strict {
            js.push_str(DELIMITER_RE_JS);
            js.push('?');
            rs.push_str(DELIMITER_RE_RS);
            rs.push('?');
        }
        js.push('$');
        rs.push('$');
    } else {
        // Upstream tests the last character against the *source text* of the delimiter
        // class, so `[`, `\` and `]` count as delimiters too; no tokens at all counts too.
        let end_delimited = match tokens.last() {
            Some(Token::Text(text)) => text
                .chars()
                .last()
                .is_some_and(|c| DELIMITER_RE_JS.contains(c)),
            Some(Token::Key(_)) => false,
            None => true,
        };
        if !options.strict {
            js.push_str(&format!("(?:{DELIMITER_RE_JS}(?=[]|$))?"));
            rs.push_str(&format!("(?:{DELIMITER_RE_RS}$)?"));
        }
        if !end_delimited {
            js.push_str(&format!("(?={DELIMITER_RE_JS}|[]|$)"));
            rs.push_str(&format!("(?:{DELIMITER_RE_RS}|$)"));
        }
    }

    if let Some(reason) = untranslatable {
        return Err(PathError::Regex {
            source: js,
            flags,
            reason,
        });
    }
    let regex = build_regex(&rs, options.sensitive).map_err(|reason| PathError::Regex {
        source: js.clone(),
        flags,
        reason,
    })?;
    let literal_prefix = match tokens.first() {
        Some(Token::Text(text)) => text.clone(),
        _ => String::new(),
    };
    Ok(PathRegexp {
        regex,
        source: js,
        flags,
        keys,
        literal_prefix,
        tokens: tokens.to_vec(),
        fast: FastMatcher::build(tokens, options),
    })
}
// ANCHOR_END: tokens_to_regexp

// ANCHOR: fast_matcher
/// The most keys a route may have and still be matched without the regex engine.
const FAST_MAX_KEYS: usize = 8;

/// One piece of a route the regex-free matcher understands.
#[derive(Debug, Clone, PartialEq, Eq)]
enum FastToken {
    /// Literal text (ASCII), compared exactly or ignoring ASCII case.
    Text(Box<str>),
    /// `/:name` or `/:name?` with the default pattern: `(?:\/([^\/#\?]+?))` (`?`).
    Segment {
        /// The `?` modifier.
        optional: bool,
    },
    /// `/:name(.*)` or `/(.*)` as the last piece: `(?:\/(.*))`.
    Rest,
    /// `([^/]*)` as the last piece (pathless `use`): `([^/]*)`.
    Run,
}

/// A matcher that gives exactly the regular expression's answer for the route shapes
/// most applications use, without running a regex engine.
///
/// **Why it agrees with the regular expression.** Each piece is matched as the
/// backtracking engine would, with the backtracking worked out in advance:
///
/// - A `Segment`'s lazy `[^/#?]+?` can only stop where what follows can start. The
///   builder only accepts a `Segment` followed by the end, a text starting with `/`, or
///   another `/`-prefixed piece — all of which need a delimiter or the end next — so the
///   only stopping point is the end of the run of non-delimiters. An optional segment is
///   tried with a value first, then without: the regex's order.
/// - `Rest`'s greedy `.*` at the end takes everything (the end conditions then hold at
///   the end of the path); a line terminator, which `.` cannot cross, is left to the
///   regex.
/// - `Run`'s greedy `[^/]*` takes the longest run without `/`; what follows it needs a
///   `/` or the end (or, with `end`, at most one delimiter before the end), which only the
///   longest run can give.
/// - Case folding: texts are ASCII and non-ASCII paths are left to the regex, so ignoring
///   ASCII case is exactly the `i` flag.
///
/// The property test `the regex-free matcher agrees with the regular expression`
/// checks this on random routes and paths.
#[derive(Debug, Clone)]
struct FastMatcher {
    /// The pieces, in order.
    tokens: Vec<FastToken>,
    /// Ignore ASCII case in texts (no `sensitive`).
    insensitive: bool,
    /// The route's `end` option.
    end: bool,
    /// The route's `strict` option.
    strict: bool,
    /// Upstream's `isEndDelimited` (for `end: false`).
    end_delimited: bool,
}

/// Is this byte one of the delimiters `/ # ?`?
fn is_delimiter(byte: u8) -> bool {
    matches!(byte, b'/' | b'#' | b'?')
}

impl FastMatcher {
    /// The matcher for these tokens, if they have a shape it understands.
    fn build(tokens: &[Token], options: RegexpOptions) -> Option<Self> {
        let mut fast = Vec::with_capacity(tokens.len());
        let mut keys = 0;
        for (i, token) in tokens.iter().enumerate() {
            let last = i + 1 == tokens.len();
            let piece = match token {
                Token::Text(text) if text.is_ascii() && !text.is_empty() => {
                    FastToken::Text(text.as_str().into())
                }
                Token::Key(key) if key.suffix.is_empty() && !key.pattern.is_empty() => {
                    keys += 1;
                    match (key.prefix.as_str(), key.pattern.as_str(), key.modifier) {
                        ("/", DEFAULT_PATTERN, Modifier::None) => {
                            FastToken::Segment { optional: false }
                        }
                        ("/", DEFAULT_PATTERN, Modifier::Optional) => {
                            FastToken::Segment { optional: true }
                        }
                        ("/", ".*", Modifier::None) if last => FastToken::Rest,
                        ("", "[^/]*", Modifier::None) if last => FastToken::Run,
                        _ => return None,
                    }
                }
                _ => return None,
            };
            fast.push(piece);
        }
        if keys > FAST_MAX_KEYS {
            return None;
        }
        // A segment must be followed by something that starts with a delimiter.
        for pair in fast.windows(2) {
            if let [FastToken::Segment { .. }, next] = pair {
                let starts_with_slash = match next {
                    FastToken::Text(text) => text.starts_with('/'),
                    FastToken::Segment { .. } | FastToken::Rest => true,
                    FastToken::Run => false,
                };
                if !starts_with_slash {
                    return None;
                }
            }
        }
        let end_delimited = match tokens.last() {
            Some(Token::Text(text)) => text
                .chars()
                .last()
                .is_some_and(|c| DELIMITER_RE_JS.contains(c)),
            Some(Token::Key(_)) => false,
            None => true,
        };
        Some(Self {
            tokens: fast,
            insensitive: !options.sensitive,
            end: options.end,
            strict: options.strict,
            end_delimited,
        })
    }

    /// Matches `path`, filling `spans` with the byte ranges of the captures. `None`
    /// means "ask the regex" (a non-ASCII path, or a line terminator under `.*`).
    fn run(&self, path: &str, spans: &mut [Option<(usize, usize)>; FAST_MAX_KEYS]) -> Option<bool> {
        if !path.is_ascii() {
            return None;
        }
        self.step(path.as_bytes(), 0, 0, 0, spans)
    }

    /// Matches from token `i` at byte `pos`; `key` is the next capture's index.
    fn step(
        &self,
        path: &[u8],
        i: usize,
        pos: usize,
        key: usize,
        spans: &mut [Option<(usize, usize)>; FAST_MAX_KEYS],
    ) -> Option<bool> {
        let rest = &path[pos..];
        let Some(token) = self.tokens.get(i) else {
            return Some(self.end_ok(rest));
        };
        match token {
            FastToken::Text(text) => {
                let text = text.as_bytes();
                let same = rest.len() >= text.len()
                    && if self.insensitive {
                        rest[..text.len()].eq_ignore_ascii_case(text)
                    } else {
                        &rest[..text.len()] == text
                    };
                if !same {
                    return Some(false);
                }
                self.step(path, i + 1, pos + text.len(), key, spans)
            }
            FastToken::Segment { optional } => {
                if rest.first() == Some(&b'/') {
                    let run = rest[1..].iter().take_while(|b| !is_delimiter(**b)).count();
                    if run > 0 {
                        spans[key] = Some((pos + 1, pos + 1 + run));
                        if self.step(path, i + 1, pos + 1 + run, key + 1, spans)? {
                            return Some(true);
                        }
                        spans[key] = None;
                    }
                }
                if *optional {
                    return self.step(path, i + 1, pos, key + 1, spans);
                }
                Some(false)
            }
            FastToken::Rest => {
                if rest.first() != Some(&b'/') {
                    return Some(false);
                }
                if rest.iter().any(|b| matches!(b, b'\n' | b'\r')) {
                    return None;
                }
                spans[key] = Some((pos + 1, path.len()));
                Some(self.end_ok(&[]))
            }
            FastToken::Run => {
                let run = rest.iter().take_while(|b| **b != b'/').count();
                spans[key] = Some((pos, pos + run));
                if self.end_ok(&rest[run..]) {
                    return Some(true);
                }
                spans[key] = None;
                Some(false)
            }
        }
    }

    /// What the regex requires after the last token.
    fn end_ok(&self, rest: &[u8]) -> bool {
        if self.end {
            rest.is_empty() || (!self.strict && rest.len() == 1 && is_delimiter(rest[0]))
        } else {
            self.end_delimited || rest.first().is_none_or(|b| is_delimiter(*b))
        }
    }
}
// ANCHOR_END: fast_matcher

/// Compiles a translated pattern, case-insensitive unless `sensitive`.
fn build_regex(pattern: &str, sensitive: bool) -> Result<Regex, String> {
    RegexBuilder::new(pattern)
        .case_insensitive(!sensitive)
        .build()
        .map_err(|err| match err {
            regex::Error::Syntax(text) => text
                .lines()
                .rev()
                .find(|line| line.starts_with("error:"))
                .map_or(text.clone(), |line| {
                    line.trim_start_matches("error: ").to_owned()
                }),
            other => other.to_string(),
        })
}

/// `pathToRegexp(path, keys, options)` for a string path.
pub fn path_to_regexp(path: &str, options: RegexpOptions) -> Result<PathRegexp, PathError> {
    tokens_to_regexp(&parse(path)?, options)
}

/// `pathToRegexp(regexp, keys)`: a user's own regular expression, used as it is. Its
/// keys are its capture groups: named groups by name, the others numbered from 0.
///
/// The regex is in the `regex` crate's syntax, not JavaScript's; the route matches
/// wherever the regex matches (anchor it with `^` yourself, as in JavaScript).
pub fn regexp_to_regexp(regex: Regex) -> PathRegexp {
    let mut index = 0;
    let keys = regex
        .capture_names()
        .skip(1)
        .map(|name| Key {
            name: match name {
                Some(name) => KeyName::Named(name.to_owned()),
                None => {
                    index += 1;
                    KeyName::Index(index - 1)
                }
            },
            prefix: String::new(),
            suffix: String::new(),
            pattern: String::new(),
            modifier: Modifier::None,
        })
        .collect();
    PathRegexp {
        source: regex.as_str().to_owned(),
        regex,
        flags: "",
        keys,
        literal_prefix: String::new(),
        tokens: Vec::new(),
        fast: None,
    }
}

// ANCHOR: translate
/// Rewrites a pattern from JavaScript's regex dialect (non-Unicode mode, as upstream
/// compiles it) to the `regex` crate's, keeping its meaning. `Err` carries the reason a
/// pattern cannot be kept: look-around (other than the one form upstream generates),
/// back-references.
pub fn translate_pattern(pattern: &str) -> Result<String, String> {
    let chars: Vec<char> = pattern.chars().collect();
    let mut out = String::with_capacity(pattern.len() + 8);
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '\\' => i = translate_escape(&chars, i, false, &mut out)?,
            '[' => i = translate_class(&chars, i, None, &mut out)?,
            '(' if chars.get(i + 1) == Some(&'?') => match chars.get(i + 2) {
                Some(':') => {
                    out.push_str("(?:");
                    i += 3;
                }
                Some('!') => i = translate_negative_lookahead(&chars, i, &mut out)?,
                Some('=') => return Err("look-ahead is not supported by this port".to_owned()),
                Some('<') if matches!(chars.get(i + 3), Some('=' | '!')) => {
                    return Err("look-behind is not supported by this port".to_owned());
                }
                Some('<') => {
                    out.push_str("(?<");
                    i += 3;
                }
                _ => return Err("invalid group".to_owned()),
            },
            '.' => {
                out.push_str(r"[^\n\r\x{2028}\x{2029}]");
                i += 1;
            }
            '{' => {
                // A quantifier `{n}`, `{n,}` or `{n,m}`; any other brace is a literal in
                // JavaScript's non-Unicode mode, and must be escaped for the regex crate.
                let end = quantifier_end(&chars, i);
                match end {
                    Some(end) => {
                        out.extend(&chars[i..=end]);
                        i = end + 1;
                    }
                    None => {
                        out.push_str(r"\{");
                        i += 1;
                    }
                }
            }
            '}' => {
                out.push_str(r"\}");
                i += 1;
            }
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    Ok(out)
}

/// The index of the `}` closing a `{n}`, `{n,}` or `{n,m}` quantifier at `start`.
fn quantifier_end(chars: &[char], start: usize) -> Option<usize> {
    let mut i = start + 1;
    let digits = |i: &mut usize| {
        let from = *i;
        while chars.get(*i).is_some_and(char::is_ascii_digit) {
            *i += 1;
        }
        *i > from
    };
    if !digits(&mut i) {
        return None;
    }
    if chars.get(i) == Some(&',') {
        i += 1;
        digits(&mut i);
    }
    (chars.get(i) == Some(&'}')).then_some(i)
}

// ANCHOR: lookahead
/// `(?!c)[^…]` — the one look-ahead upstream writes itself — as the class `[^…c]`.
fn translate_negative_lookahead(
    chars: &[char],
    start: usize,
    out: &mut String,
) -> Result<usize, String> {
    let unsupported = || {
        "look-ahead is not supported by this port (a parameter after text of more than one character needs it)".to_owned()
    };
    let mut i = start + 3;
    let excluded = match chars.get(i) {
        Some('\\') => {
            let c = *chars.get(i + 1).ok_or_else(unsupported)?;
            if c.is_ascii_alphanumeric() {
                return Err(unsupported());
            }
            i += 2;
            c
        }
        Some(&c) if !"()[]|*+?{}^$.".contains(c) => {
            i += 1;
            c
        }
        _ => return Err(unsupported()),
    };
    if chars.get(i) != Some(&')')
        || chars.get(i + 1) != Some(&'[')
        || chars.get(i + 2) != Some(&'^')
    {
        return Err(unsupported());
    }
    translate_class(chars, i + 1, Some(excluded), out)
}
// ANCHOR_END: lookahead

/// A `[…]` class starting at `start`; `extra` is one more character to exclude from a
/// negated class. Returns the index after the closing `]`.
fn translate_class(
    chars: &[char],
    start: usize,
    extra: Option<char>,
    out: &mut String,
) -> Result<usize, String> {
    let mut i = start + 1;
    let negated = chars.get(i) == Some(&'^');
    if negated {
        i += 1;
    }
    let mut body = String::new();
    loop {
        match chars.get(i) {
            None => return Err("unterminated character class".to_owned()),
            Some(']') => {
                i += 1;
                break;
            }
            Some('\\') => i = translate_escape(chars, i, true, &mut body)?,
            Some(&c) => {
                match c {
                    // Set operators and nested classes in the regex crate; literals in JS.
                    '[' | '&' | '~' => {
                        body.push('\\');
                        body.push(c);
                    }
                    '-' if chars.get(i + 1) == Some(&'-') => body.push_str(r"\-"),
                    _ => body.push(c),
                }
                i += 1;
            }
        }
    }
    if let Some(c) = extra {
        body.push_str(&regex::escape(&c.to_string()));
    }
    if body.is_empty() {
        // JavaScript's `[]` never matches, `[^]` matches anything.
        out.push_str(if negated { "(?s:.)" } else { "[a&&b]" });
    } else {
        out.push('[');
        if negated {
            out.push('^');
        }
        out.push_str(&body);
        out.push(']');
    }
    Ok(i)
}

/// An escape at `start` (which holds the `\`); returns the index after it.
fn translate_escape(
    chars: &[char],
    start: usize,
    in_class: bool,
    out: &mut String,
) -> Result<usize, String> {
    let Some(&c) = chars.get(start + 1) else {
        return Err("\\ at end of pattern".to_owned());
    };
    let mut next = start + 2;
    match c {
        'd' => out.push_str(if in_class { "0-9" } else { "[0-9]" }),
        'D' => out.push_str("[^0-9]"),
        'w' => out.push_str(if in_class {
            "0-9A-Za-z_"
        } else {
            "[0-9A-Za-z_]"
        }),
        'W' => out.push_str("[^0-9A-Za-z_]"),
        's' | 'S' | 'n' | 'r' | 't' | 'f' | 'v' => {
            out.push('\\');
            out.push(c);
        }
        'b' if in_class => out.push_str(r"\x08"),
        'b' => out.push_str(r"(?-u:\b)"),
        'B' if !in_class => out.push_str(r"(?-u:\B)"),
        '0' if !chars.get(next).is_some_and(char::is_ascii_digit) => out.push_str(r"\x00"),
        '1'..='9' if !in_class => {
            return Err("back-references are not supported by this port".to_owned());
        }
        'x' | 'u' => {
            let width = if c == 'x' { 2 } else { 4 };
            let hex: String = chars.iter().skip(next).take(width).collect();
            if hex.len() == width && hex.chars().all(|h| h.is_ascii_hexdigit()) {
                out.push_str(&format!(r"\x{{{hex}}}"));
                next += width;
            } else {
                out.push(c);
            }
        }
        'c' if chars.get(next).is_some_and(char::is_ascii_alphabetic) => {
            let letter = chars[next] as u32;
            out.push_str(&format!(r"\x{{{:x}}}", letter % 32));
            next += 1;
        }
        other => out.push_str(&regex::escape(&other.to_string())),
    }
    Ok(next)
}
// ANCHOR_END: translate

// ANCHOR: compile
/// A value encoder for [`compile`]: upstream's `encode` option.
pub type Encoder = Arc<dyn Fn(&str) -> String + Send + Sync>;

/// The options of [`compile`].
#[derive(Clone)]
pub struct CompileOptions {
    /// How values are encoded before they go into the path; `None` leaves them as they
    /// are (upstream's default; `Layer#url` passes `encodeURIComponent`).
    pub encode: Option<Encoder>,
    /// Check every encoded value against its key's pattern (default true).
    pub validate: bool,
    /// Case-sensitive validation (default false).
    pub sensitive: bool,
}

impl Default for CompileOptions {
    fn default() -> Self {
        Self {
            encode: None,
            validate: true,
            sensitive: false,
        }
    }
}

impl fmt::Debug for CompileOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CompileOptions")
            .field("encode", &self.encode.as_ref().map(|_| "fn"))
            .field("validate", &self.validate)
            .field("sensitive", &self.sensitive)
            .finish()
    }
}

/// The function [`compile`] returns: parameter values in, a path out.
#[derive(Clone)]
pub struct PathFunction {
    /// The parsed path.
    tokens: Vec<Token>,
    /// For each key token, `^(?:pattern)$`, to validate values with.
    matches: Vec<Option<Regex>>,
    /// The options it was compiled with.
    options: CompileOptions,
}

impl fmt::Debug for PathFunction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PathFunction")
            .field("tokens", &self.tokens)
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

/// `compile(path, options)`: parses the path and returns the function that fills it in.
pub fn compile(path: &str, options: CompileOptions) -> Result<PathFunction, PathError> {
    tokens_to_function(parse(path)?, options)
}

/// `tokensToFunction(tokens, options)`.
pub fn tokens_to_function(
    tokens: Vec<Token>,
    options: CompileOptions,
) -> Result<PathFunction, PathError> {
    let flags = if options.sensitive { "" } else { "i" };
    let matches = tokens
        .iter()
        .map(|token| match token {
            Token::Text(_) => Ok(None),
            Token::Key(key) => {
                let source = format!("^(?:{})$", key.pattern);
                let error = |reason| PathError::Regex {
                    source: source.clone(),
                    flags,
                    reason,
                };
                let translated = translate_pattern(&key.pattern).map_err(error)?;
                build_regex(&format!("^(?:{translated})$"), options.sensitive)
                    .map(Some)
                    .map_err(error)
            }
        })
        .collect::<Result<_, _>>()?;
    Ok(PathFunction {
        tokens,
        matches,
        options,
    })
}

impl PathFunction {
    /// Builds the path from `data` (upstream's returned function). Values are looked up
    /// by key name (an unnamed key by its number); strings and numbers are used, arrays
    /// fill `+`/`*` keys, anything else counts as missing.
    pub fn call(&self, data: Option<&Map<String, Value>>) -> Result<String, PathError> {
        let mut path = String::new();
        for (token, matcher) in self.tokens.iter().zip(&self.matches) {
            let key = match token {
                Token::Text(text) => {
                    path.push_str(text);
                    continue;
                }
                Token::Key(key) => key,
            };
            let value = data.and_then(|data| data.get(key.name.as_key().as_ref()));
            let optional = key.modifier.is_optional();
            let repeat = key.modifier.is_repeat();
            let valid = |segment: &str| {
                !self.options.validate || matcher.as_ref().is_none_or(|re| re.is_match(segment))
            };
            match value {
                Some(Value::Array(values)) => {
                    if !repeat {
                        return Err(PathError::ExpectedNotRepeat {
                            name: key.name.to_string(),
                        });
                    }
                    if values.is_empty() {
                        if optional {
                            continue;
                        }
                        return Err(PathError::ExpectedNotEmpty {
                            name: key.name.to_string(),
                        });
                    }
                    for value in values {
                        let segment = self.encode(&js_to_string(value));
                        if !valid(&segment) {
                            return Err(PathError::ExpectedAllToMatch {
                                name: key.name.to_string(),
                                pattern: key.pattern.clone(),
                                segment,
                            });
                        }
                        path.push_str(&key.prefix);
                        path.push_str(&segment);
                        path.push_str(&key.suffix);
                    }
                }
                Some(value @ (Value::String(_) | Value::Number(_))) => {
                    let segment = self.encode(&js_to_string(value));
                    if !valid(&segment) {
                        return Err(PathError::ExpectedToMatch {
                            name: key.name.to_string(),
                            pattern: key.pattern.clone(),
                            segment,
                        });
                    }
                    path.push_str(&key.prefix);
                    path.push_str(&segment);
                    path.push_str(&key.suffix);
                }
                _ if optional => {}
                _ => {
                    return Err(PathError::ExpectedType {
                        name: key.name.to_string(),
                        array: repeat,
                    });
                }
            }
        }
        Ok(path)
    }

    /// The encoder, or the value as it is.
    fn encode(&self, value: &str) -> String {
        match &self.options.encode {
            Some(encode) => encode(value),
            None => value.to_owned(),
        }
    }
}
// ANCHOR_END: compile

/// JavaScript's `String(value)` for a JSON value.
pub fn js_to_string(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        Value::Number(number) => js_number_to_string(number),
        Value::Bool(flag) => flag.to_string(),
        Value::Null => "null".to_owned(),
        Value::Array(items) => items
            .iter()
            .map(|item| match item {
                Value::Null => String::new(),
                other => js_to_string(other),
            })
            .collect::<Vec<_>>()
            .join(","),
        Value::Object(_) => "[object Object]".to_owned(),
    }
}

/// JavaScript's `String(n)`. Integers print exactly (a Rust caller's `u64` id stays
/// whole, where JavaScript would have rounded it to a double long before); other numbers
/// print as JavaScript's `Number#toString` does: shortest round-trip digits, decimal
/// notation from 1e-7 up to 1e21, exponent notation (`1e+21`, `1.5e-7`) outside.
pub fn js_number_to_string(number: &serde_json::Number) -> String {
    if let Some(n) = number.as_i64() {
        return n.to_string();
    }
    if let Some(n) = number.as_u64() {
        return n.to_string();
    }
    js_f64_to_string(number.as_f64().unwrap_or(f64::NAN))
}

/// `Number#toString()` for a double.
pub fn js_f64_to_string(x: f64) -> String {
    if x.is_nan() {
        return "NaN".to_owned();
    }
    if x == 0.0 {
        return "0".to_owned();
    }
    if x.is_infinite() {
        return if x > 0.0 { "Infinity" } else { "-Infinity" }.to_owned();
    }
    let sign = if x < 0.0 { "-" } else { "" };
    // `{:e}` gives the shortest round-trip digits: `1.5e-7`, `1e21`.
    let sci = format!("{:e}", x.abs());
    let (mantissa, exponent) = sci.split_once('e').unwrap_or((&sci, "0"));
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let exponent: i32 = exponent.parse().unwrap_or(0);
    let k = digits.len() as i32;
    let n = exponent + 1;
    let body = if k <= n && n <= 21 {
        format!("{digits}{}", "0".repeat((n - k) as usize))
    } else if 0 < n && n <= 21 {
        format!("{}.{}", &digits[..n as usize], &digits[n as usize..])
    } else if -6 < n && n <= 0 {
        format!("0.{}{digits}", "0".repeat((-n) as usize))
    } else {
        let e = n - 1;
        let e = if e >= 0 {
            format!("+{e}")
        } else {
            e.to_string()
        };
        if k == 1 {
            format!("{digits}e{e}")
        } else {
            format!("{}.{}e{e}", &digits[..1], &digits[1..])
        }
    };
    format!("{sign}{body}")
}

// ANCHOR: uri
/// JavaScript's `encodeURIComponent`: UTF-8 percent-encoding of everything except
/// `A-Z a-z 0-9 - _ . ! ~ * ' ( )`.
pub fn encode_uri_component(text: &str) -> String {
    utf8_percent_encode(text, URI_COMPONENT).to_string()
}

/// JavaScript's `decodeURIComponent`: `None` where it would throw `URIError` (a `%` not
/// followed by two hex digits, or bytes that are not UTF-8).
pub fn decode_uri_component(text: &str) -> Option<String> {
    if !text.contains('%') {
        return Some(text.to_owned());
    }
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes.get(i + 1..i + 3)?;
            let high = (hex[0] as char).to_digit(16)?;
            let low = (hex[1] as char).to_digit(16)?;
            out.push((high * 16 + low) as u8);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    // Literal characters are whole UTF-8 sequences, so a decoded run that is not valid
    // UTF-8 on its own cannot become valid next to them: this is JavaScript's check.
    String::from_utf8(out).ok()
}

/// @koa/router's `safeDecodeURIComponent`: `+` becomes a space, then the text is
/// percent-decoded; if decoding fails, the **original** text comes back, `+` signs and all.
pub fn safe_decode_uri_component(text: &str) -> String {
    if !text.contains(['+', '%']) {
        return text.to_owned();
    }
    let spaced = text.replace('+', " ");
    decode_uri_component(&spaced).unwrap_or_else(|| text.to_owned())
}
// ANCHOR_END: uri

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn js_numbers() {
        for (x, s) in [
            (1.5, "1.5"),
            (1e21, "1e+21"),
            (1e20, "100000000000000000000"),
            (1.5e-7, "1.5e-7"),
            (0.000001, "0.000001"),
            (-2.25, "-2.25"),
            (123.456, "123.456"),
        ] {
            assert_eq!(js_f64_to_string(x), s);
        }
    }

    #[test]
    fn translation_of_the_generated_lookahead() {
        assert_eq!(
            translate_pattern(r"(?:(?!\.)[^\/#\?])+?").unwrap(),
            r"(?:[^/#\?\.])+?"
        );
        assert!(translate_pattern(r"(?:(?!ab)[^\/#\?])+?").is_err());
        assert_eq!(translate_pattern(r"\d+").unwrap(), "[0-9]+");
        assert_eq!(translate_pattern(r"[\w.]").unwrap(), "[0-9A-Za-z_.]");
    }
}
