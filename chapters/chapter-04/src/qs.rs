//! `qs.parse`: a form body (`a[b]=1&c[]=2`) as the nested object a Koa handler sees.
//!
//! koa-bodyparser hands form bodies to co-body, and co-body hands the decoded text to
//! [qs](https://github.com/ljharb/qs) — version **6.17.1** in the lock file the
//! specification was observed with (the newest tag in our mirror is
//! [`v6.15.3`](https://github.com/ljharb/qs/blob/v6.15.3/lib/parse.js), whose defaults are
//! the same). This module is our reading of its `lib/parse.js` (`parseValues`,
//! `splitKeyIntoSegments`, `parseObject`, the exported `parse`) and of the helpers it
//! leans on in `lib/utils.js` (`decode`, `combine`, `merge`, `compact`,
//! `arrayToObject`).
//!
//! # Why not a plain `form_urlencoded` loop
//!
//! Because a Koa handler reading `ctx.request.body` for `user[name]=ann&tags[]=a` sees
//! `{ user: { name: 'ann' }, tags: ['a'] }`, not two flat pairs, and the limits qs puts
//! on that nesting are part of the behaviour: they decide what an attacker can build.
//! So the algorithm is kept step for step, including the parts that look odd:
//!
//! - keys are cut into at most [`depth`](QsOptions::depth) bracket groups (5); the rest
//!   stays one literal key (`a[b][c][d][e][f][g][h]` keeps `[g][h]` as a key);
//! - an index is an array index only below [`array_limit`](QsOptions::array_limit) (20);
//!   `a[21]=x` makes an *object* `{"21": "x"}`, and an array that grows past the limit
//!   (25 × `a[]=`) turns into an object keyed `0…24`;
//! - only the first [`parameter_limit`](QsOptions::parameter_limit) pairs (1000) count;
//! - a key that names a property of JavaScript's `Object.prototype` (`__proto__`,
//!   `hasOwnProperty`, `toString`, …) is dropped, whole;
//! - with `allow_dots`, `a.b=1` means `a[b]=1` (co-body turns this on, see
//!   [`QsOptions::co_body`]);
//! - a value is percent-decoded with `+` as a space, and a malformed escape (`%zz`)
//!   leaves the whole value as it was;
//! - when a plain value and an object meet under one key (`a=1&a[b]=2`), both are kept
//!   in an array (`strictMerge`, on by default since qs 6.15).
//!
//! # JavaScript objects, modelled
//!
//! qs builds JavaScript objects and arrays, and two of their properties show in the
//! result, so the working values here (`Node`) model them:
//!
//! - **key order**: a JavaScript object lists its integer-like keys (`"0"`, `"21"`)
//!   first, in numeric order, then the other keys in the order they were added
//!   (`b=1&2=x` gives `{"2":"x","b":"1"}`). The [`serde_json::Value`] we return is built
//!   in that order (the crate keeps insertion order);
//! - **sparse arrays**: `a[5]=x` makes an array with a hole at 0…4; `compact` closes the
//!   holes at the end (`["x"]`). Holes are a map from index to value here, so
//!   `a[19]=x` costs one entry, not twenty.
//!
//! qs also marks some objects on the side ("this one overflowed an array, its last
//! index is n"; "this array holds a strictMerge conflict"); those marks are fields of
//! our objects.
//!
//! # What is supported
//!
//! The options in [`QsOptions`]: `allowDots`, `allowPrototypes`, `arrayLimit`,
//! `delimiter` (a string, not a RegExp), `depth`, `duplicates`, `ignoreQueryPrefix`,
//! `parameterLimit`, `parseArrays`, `plainObjects`, `strictDepth`,
//! `strictNullHandling` and `throwOnLimitExceeded`. Not supported, because nothing in
//! koa-bodyparser's defaults reaches them: `allowEmptyArrays`, `allowSparse`, `charset`
//! and `charsetSentinel` (the text is always UTF-8 here), `comma`, `decodeDotInKeys`,
//! `decoder`, `interpretNumericEntities`, `strictMerge: false`. Two limits are clamped
//! so that a configuration cannot exhaust the stack or memory: `depth` at
//! [`MAX_DEPTH`] and `array_limit` at [`MAX_ARRAY_LIMIT`] (JavaScript's largest array
//! index plus one).

use std::collections::{BTreeMap, HashMap};
use std::fmt;

use percent_encoding::percent_decode_str;
use serde_json::{Map, Value};

/// The deepest key nesting [`QsOptions::depth`] may ask for; larger values act as this.
/// Each level is a level of recursion when objects are merged, so this bounds the stack.
pub const MAX_DEPTH: usize = 1000;

/// The largest [`QsOptions::array_limit`] that means what it says: JavaScript array
/// indices stop at 2³² − 2, so no array can hold more elements than this.
pub const MAX_ARRAY_LIMIT: usize = u32::MAX as usize;

/// The names JavaScript's `Object.prototype` owns (Node 20). A key naming one of them
/// is dropped unless [`QsOptions::allow_prototypes`] or
/// [`QsOptions::plain_objects`] is set: assigning `toString` or `__proto__` on a
/// JavaScript object would shadow or replace what every object inherits.
const PROTOTYPE_PROPERTIES: &[&str] = &[
    "constructor",
    "__defineGetter__",
    "__defineSetter__",
    "hasOwnProperty",
    "__lookupGetter__",
    "__lookupSetter__",
    "isPrototypeOf",
    "propertyIsEnumerable",
    "toString",
    "valueOf",
    "__proto__",
    "toLocaleString",
];

/// What to do with a key that appears more than once (`a=1&a=2`): qs's `duplicates`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Duplicates {
    /// Keep every value, in an array (`{a: ['1', '2']}`). The default.
    #[default]
    Combine,
    /// Keep the first value.
    First,
    /// Keep the last value.
    Last,
}

/// The options of `qs.parse` that this port supports; see the module docs for the rest.
///
/// [`Default`] gives qs's own defaults. koa-bodyparser reaches qs through co-body, which
/// turns `allow_dots` on unless the caller says otherwise: that is
/// [`QsOptions::co_body`], and what [`BodyParser`](crate::body_parser::BodyParser) uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QsOptions {
    /// `allowDots`: `a.b=1` means `a[b]=1` (only dots outside brackets count).
    pub allow_dots: bool,
    /// `allowPrototypes`: keep keys that name `Object.prototype`'s properties
    /// (`__proto__` itself is still never assigned).
    pub allow_prototypes: bool,
    /// `arrayLimit`: indices from this one up make objects instead of arrays, and an
    /// array that would grow past it becomes an object. Default 20.
    pub array_limit: usize,
    /// `delimiter`: what separates the pairs. Default `&`. (A RegExp is not supported;
    /// an empty delimiter splits between characters, as JavaScript's `split('')` does.)
    pub delimiter: String,
    /// `depth`: how many bracket groups of a key become nested objects; the rest of the
    /// key stays one literal key. Default 5; 0 keeps every key whole. Clamped at
    /// [`MAX_DEPTH`].
    pub depth: usize,
    /// `duplicates`: see [`Duplicates`].
    pub duplicates: Duplicates,
    /// `ignoreQueryPrefix`: drop one leading `?`.
    pub ignore_query_prefix: bool,
    /// `parameterLimit`: only the first this many pairs are read. Default 1000;
    /// `usize::MAX` means no limit (JavaScript's `Infinity`).
    pub parameter_limit: usize,
    /// `parseArrays`: false makes `a[0]=x` and `a[]=x` objects (`{"0": "x"}`).
    pub parse_arrays: bool,
    /// `plainObjects`: build objects without a prototype, so no key is a prototype
    /// property and none is dropped (`__proto__` excepted).
    pub plain_objects: bool,
    /// `strictDepth`: a key nested deeper than `depth` is an error instead of a
    /// literal remainder.
    pub strict_depth: bool,
    /// `strictNullHandling`: a key without `=` has the value `null` instead of `""`.
    pub strict_null_handling: bool,
    /// `throwOnLimitExceeded`: going past `parameter_limit` or `array_limit` is an
    /// error instead of being cut off or turned into an object.
    pub throw_on_limit_exceeded: bool,
}

impl Default for QsOptions {
    /// qs 6.17.1's `defaults`.
    fn default() -> Self {
        Self {
            allow_dots: false,
            allow_prototypes: false,
            array_limit: 20,
            delimiter: "&".to_owned(),
            depth: 5,
            duplicates: Duplicates::Combine,
            ignore_query_prefix: false,
            parameter_limit: 1000,
            parse_arrays: true,
            plain_objects: false,
            strict_depth: false,
            strict_null_handling: false,
            throw_on_limit_exceeded: false,
        }
    }
}

impl QsOptions {
    /// The options co-body 6.2 passes for a form body when the caller gave none:
    /// qs's defaults with `allow_dots` on (co-body's "compatibility with qs@4";
    /// [`lib/form.js`](https://github.com/cojs/co-body/blob/6.2.0/lib/form.js)).
    pub fn co_body() -> Self {
        Self {
            allow_dots: true,
            ..Self::default()
        }
    }
}

/// The errors qs throws: JavaScript `RangeError`s, only with
/// [`strict_depth`](QsOptions::strict_depth) or
/// [`throw_on_limit_exceeded`](QsOptions::throw_on_limit_exceeded).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QsError {
    /// qs's message, word for word (`Array limit exceeded. Only 20 elements allowed in
    /// an array.`).
    pub message: String,
}

impl QsError {
    /// qs's array limit error.
    fn array_limit(limit: usize) -> Self {
        Self {
            message: format!(
                "Array limit exceeded. Only {limit} element{} allowed in an array.",
                if limit == 1 { "" } else { "s" }
            ),
        }
    }
}

impl fmt::Display for QsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for QsError {}

/// `qs.parse(text, options)`: the text as a JSON object, as qs would build it.
///
/// Never fails with the default options; errors come only from
/// [`strict_depth`](QsOptions::strict_depth) and
/// [`throw_on_limit_exceeded`](QsOptions::throw_on_limit_exceeded).
///
/// ```
/// use chapter_04::qs::{QsOptions, parse};
///
/// let body = parse("user[name]=ann&tags[]=a&tags[]=b&x=%zz", &QsOptions::co_body()).unwrap();
/// assert_eq!(body.to_string(), r#"{"user":{"name":"ann"},"tags":["a","b"],"x":"%zz"}"#);
/// ```
pub fn parse(text: &str, options: &QsOptions) -> Result<Value, QsError> {
    let options = Limits::of(options);
    if text.is_empty() {
        return Ok(Value::Object(Map::new()));
    }
    let values = parse_values(text, &options)?;
    let mut result = Node::Obj(Obj::default());
    for (key, value) in values.into_js_order() {
        if let Some(parsed) = parse_keys(&key, value, &options)? {
            result = merge(result, parsed, &options)?;
        }
    }
    Ok(result.into_value())
}

/// The options with their clamps applied.
struct Limits<'o> {
    /// The caller's options.
    options: &'o QsOptions,
    /// `depth`, at most [`MAX_DEPTH`].
    depth: usize,
    /// `arrayLimit`, at most [`MAX_ARRAY_LIMIT`], as JavaScript compares it (a number).
    array_limit: f64,
}

impl<'o> Limits<'o> {
    /// Clamps the options.
    fn of(options: &'o QsOptions) -> Self {
        Self {
            options,
            depth: options.depth.min(MAX_DEPTH),
            array_limit: options.array_limit.min(MAX_ARRAY_LIMIT) as f64,
        }
    }

    /// Is the object model prototype-free, or are prototype keys allowed anyway?
    fn prototype_keys_allowed(&self) -> bool {
        self.options.plain_objects || self.options.allow_prototypes
    }

    /// The error for going past `arrayLimit`, with the limit as the caller gave it.
    fn array_limit_error(&self) -> QsError {
        QsError::array_limit(self.options.array_limit)
    }
}

// ---------------------------------------------------------------------------------
// The JavaScript values qs works with.

/// A JavaScript value as qs builds it: a string leaf (or `null` with
/// `strictNullHandling`), an array (possibly with holes), or an object.
#[derive(Debug)]
enum Node {
    /// `null`, for a key without `=` under `strictNullHandling`.
    Null,
    /// A decoded string.
    Str(String),
    /// An array.
    Arr(Arr),
    /// An object.
    Obj(Obj),
}

/// A JavaScript array: its elements by index (missing indices are holes) and its
/// `length`.
#[derive(Debug, Default)]
struct Arr {
    /// The elements that exist.
    elements: BTreeMap<u64, Node>,
    /// `length`: one past the highest index ever set.
    length: u64,
    /// qs's conflict mark: this array was made to hold a strictMerge conflict, and this
    /// is its highest index so far.
    conflict: Option<f64>,
}

/// A JavaScript object: its properties in the order they were added, plus qs's
/// side marks.
#[derive(Debug, Default)]
struct Obj {
    /// The properties, in insertion order.
    entries: Vec<(String, Node)>,
    /// Where each key sits in `entries`.
    positions: HashMap<String, usize>,
    /// qs's overflow mark: this object stands for an array that outgrew `arrayLimit`,
    /// and this is its highest index.
    overflow: Option<f64>,
    /// qs's conflict mark (see [`Arr::conflict`]).
    conflict: Option<f64>,
}

impl Node {
    /// JavaScript's `!value` for the values qs meets: `''` and `null` are falsy.
    fn is_falsy(&self) -> bool {
        match self {
            Node::Null => true,
            Node::Str(s) => s.is_empty(),
            Node::Arr(_) | Node::Obj(_) => false,
        }
    }

    /// `typeof value === 'object'` for a truthy value: arrays and objects.
    fn is_object(&self) -> bool {
        matches!(self, Node::Arr(_) | Node::Obj(_))
    }

    /// Is this an object carrying the overflow mark?
    fn is_overflow(&self) -> bool {
        matches!(self, Node::Obj(obj) if obj.overflow.is_some())
    }

    /// `compact`, then the JSON value: holes are closed, keys come in JavaScript order.
    fn into_value(self) -> Value {
        match self {
            Node::Null => Value::Null,
            Node::Str(s) => Value::String(s),
            Node::Arr(arr) => {
                Value::Array(arr.elements.into_values().map(Node::into_value).collect())
            }
            Node::Obj(obj) => {
                let mut map = Map::new();
                for (key, value) in obj.into_js_order() {
                    map.insert(key, value.into_value());
                }
                Value::Object(map)
            }
        }
    }
}

impl Arr {
    /// An array holding one element at `index`, like `obj = []; obj[index] = leaf`.
    fn with(index: u64, value: Node) -> Self {
        let mut arr = Self::default();
        arr.set(index, value);
        arr
    }

    /// `arr[index] = value`.
    fn set(&mut self, index: u64, value: Node) {
        self.elements.insert(index, value);
        self.length = self.length.max(index + 1);
    }

    /// `arr.push(value)` (`arr[arr.length] = value`).
    fn push(&mut self, value: Node) {
        let index = self.length;
        self.set(index, value);
    }

    /// qs's `countElements`: the elements that exist, holes not counted.
    fn count(&self) -> usize {
        self.elements.len()
    }

    /// `[].concat(this, value)`'s second half: appends `value`, spreading an array
    /// (with its holes) one level, as `Array.prototype.concat` does.
    fn concat(&mut self, value: Node) {
        match value {
            Node::Arr(other) => {
                let base = self.length;
                for (index, element) in other.elements {
                    self.set(base + index, element);
                }
                self.length = base + other.length;
            }
            other => self.push(other),
        }
    }

    /// `arrayToObject(arr)`: an object keyed by the indices that exist.
    fn into_object(self) -> Obj {
        let mut obj = Obj::default();
        for (index, element) in self.elements {
            obj.set(index.to_string(), element);
        }
        obj
    }

    /// The same, marked as an overflowed array whose highest index is `max`.
    fn into_overflow(self, max: f64) -> Node {
        let mut obj = self.into_object();
        obj.overflow = Some(max);
        Node::Obj(obj)
    }
}

impl Obj {
    /// `has.call(obj, key)`.
    fn has(&self, key: &str) -> bool {
        self.positions.contains_key(key)
    }

    /// `obj[key] = value` (an existing key keeps its place).
    fn set(&mut self, key: String, value: Node) {
        match self.positions.get(&key) {
            Some(&at) => self.entries[at].1 = value,
            None => {
                self.positions.insert(key.clone(), self.entries.len());
                self.entries.push((key, value));
            }
        }
    }

    /// Takes the value of `key` out for an update, leaving `null` in its place.
    fn take(&mut self, key: &str) -> Option<Node> {
        let at = *self.positions.get(key)?;
        Some(std::mem::replace(&mut self.entries[at].1, Node::Null))
    }

    /// `Object.keys(obj)` with the values: integer-like keys in numeric order first,
    /// then the others in insertion order.
    fn into_js_order(self) -> Vec<(String, Node)> {
        let (mut indexed, named): (Vec<_>, Vec<_>) = self
            .entries
            .into_iter()
            .partition(|(key, _)| array_index(key).is_some());
        indexed.sort_by_key(|(key, _)| array_index(key));
        indexed.extend(named);
        indexed
    }

    /// The keys in JavaScript order, borrowed.
    fn keys_js_order(&self) -> Vec<&str> {
        let mut indexed: Vec<(u32, &str)> = Vec::new();
        let mut named = Vec::new();
        for (key, _) in &self.entries {
            match array_index(key) {
                Some(index) => indexed.push((index, key)),
                None => named.push(key.as_str()),
            }
        }
        indexed.sort_unstable_by_key(|&(index, _)| index);
        indexed
            .into_iter()
            .map(|(_, key)| key)
            .chain(named)
            .collect()
    }
}

/// Is `key` a JavaScript array index (`"0"` … `"4294967294"`, no leading zeros)? Such
/// keys come first, in numeric order, when an object lists its keys.
pub(crate) fn array_index(key: &str) -> Option<u32> {
    if key.is_empty() || key.len() > 10 || (key.len() > 1 && key.starts_with('0')) {
        return None;
    }
    if !key.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let value: u64 = key.parse().ok()?;
    u32::try_from(value).ok().filter(|&v| v != u32::MAX)
}

/// `String(parseInt(key, 10)) === key`: the number, when `key` is the canonical text of
/// an integer (`"7"`, `"-3"`; not `"07"`, `"-0"`, `"1e3"`, or digits beyond what a
/// JavaScript number holds exactly enough to print back the same).
fn canonical_integer(key: &str) -> Option<f64> {
    let digits = key.strip_prefix('-').unwrap_or(key);
    if digits.is_empty()
        || !digits.bytes().all(|b| b.is_ascii_digit())
        || (digits.len() > 1 && digits.starts_with('0'))
        || key == "-0"
    {
        return None;
    }
    let value: f64 = key.parse().ok()?;
    (js_number_text(value) == key).then_some(value)
}

/// JavaScript's `String(n)` for an integral number: plain digits below 10²¹,
/// exponent form (`1e+21`) from there on.
fn js_number_text(value: f64) -> String {
    if value.abs() < 1e21 {
        format!("{value}")
    } else {
        let text = format!("{value:e}");
        match text.split_once('e') {
            Some((mantissa, exponent)) if !exponent.starts_with('-') => {
                format!("{mantissa}e+{exponent}")
            }
            _ => text,
        }
    }
}

// ---------------------------------------------------------------------------------
// parseValues: the pairs, flat.

/// qs's `parseValues`: splits the text into pairs and decodes them, combining repeated
/// keys. The keys are still whole (`a[b]`); the values are strings, `null`s, or the
/// arrays and objects that repeats make.
fn parse_values(text: &str, limits: &Limits<'_>) -> Result<Obj, QsError> {
    let options = limits.options;
    let text = if options.ignore_query_prefix {
        text.strip_prefix('?').unwrap_or(text)
    } else {
        text
    };
    let text = unescape_brackets(text);
    let parts = split(&text, options)?;

    let mut values = Obj::default();
    for part in parts {
        let position = match part.find("]=") {
            Some(at) => Some(at + 1),
            None => part.find('='),
        };
        // `[]` right before the `=` belongs to the key (`a[]=1`).
        let empty_bracket_key =
            position.is_some_and(|at| at > 1 && part.as_bytes()[at - 2..at] == *b"[]");
        let (key, value) = match position {
            None => (
                decode(part),
                if options.strict_null_handling {
                    Node::Null
                } else {
                    Node::Str(String::new())
                },
            ),
            Some(at) => {
                let key = decode(&part[..at]);
                let current_length = match values.positions.get(&key) {
                    Some(&i) if options.duplicates == Duplicates::Combine || empty_bracket_key => {
                        match &values.entries[i].1 {
                            Node::Arr(arr) => arr.length,
                            _ => 0,
                        }
                    }
                    _ => 0,
                };
                // qs's `parseArrayValue`: without `comma`, only the limit check.
                if options.throw_on_limit_exceeded
                    && current_length as f64 >= limits.array_limit
                    && current_length > 0
                {
                    return Err(limits.array_limit_error());
                }
                (key, Node::Str(decode(&part[at + 1..])))
            }
        };
        let existing = values.has(&key);
        if existing && (options.duplicates == Duplicates::Combine || empty_bracket_key) {
            let previous = values.take(&key).unwrap_or(Node::Null);
            values.set(key, combine(previous, value, limits)?);
        } else if !existing || options.duplicates == Duplicates::Last {
            values.set(key, value);
        }
    }
    Ok(values)
}

/// `%5B` and `%5D` (either case) become `[` and `]` before anything else, so encoded
/// brackets nest like plain ones.
fn unescape_brackets(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut start = 0;
    let mut i = 0;
    while i + 2 < bytes.len() {
        if bytes[i] == b'%' && bytes[i + 1] == b'5' {
            let bracket = match bytes[i + 2] {
                b'B' | b'b' => Some('['),
                b'D' | b'd' => Some(']'),
                _ => None,
            };
            if let Some(bracket) = bracket {
                out.push_str(&text[start..i]);
                out.push(bracket);
                i += 3;
                start = i;
                continue;
            }
        }
        i += 1;
    }
    out.push_str(&text[start..]);
    out
}

/// `text.split(delimiter, limit)`, with qs's check when `throwOnLimitExceeded` is on.
fn split<'t>(text: &'t str, options: &QsOptions) -> Result<Vec<&'t str>, QsError> {
    let limit = options.parameter_limit;
    let throws = options.throw_on_limit_exceeded && limit != usize::MAX;
    // One more than the limit is enough to tell whether the limit was passed.
    let wanted = if throws {
        limit.saturating_add(1)
    } else {
        limit
    };
    let parts: Vec<&str> = if options.delimiter.is_empty() {
        text.char_indices()
            .map(|(i, c)| &text[i..i + c.len_utf8()])
            .take(wanted)
            .collect()
    } else {
        text.split(options.delimiter.as_str())
            .take(wanted)
            .collect()
    };
    if throws && parts.len() > limit {
        return Err(QsError {
            message: format!(
                "Parameter limit exceeded. Only {limit} parameter{} allowed.",
                if limit == 1 { "" } else { "s" }
            ),
        });
    }
    Ok(parts)
}

/// qs's `utils.decode`: `+` is a space, then `decodeURIComponent`; if that fails
/// (a `%` not followed by two hex digits, or escapes that are not UTF-8), the text
/// with only the `+`s replaced.
fn decode(text: &str) -> String {
    let spaced = text.replace('+', " ");
    if !spaced.contains('%') {
        return spaced;
    }
    decode_uri_component(&spaced).unwrap_or(spaced)
}

/// JavaScript's `decodeURIComponent`: every `%` must start a two-digit hex escape, and
/// the escaped bytes must be UTF-8; otherwise `None` (JavaScript throws a `URIError`).
fn decode_uri_component(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let valid = bytes.len() > i + 2
                && bytes[i + 1].is_ascii_hexdigit()
                && bytes[i + 2].is_ascii_hexdigit();
            if !valid {
                return None;
            }
            i += 3;
        } else {
            i += 1;
        }
    }
    percent_decode_str(text)
        .decode_utf8()
        .ok()
        .map(|s| s.into_owned())
}

// ---------------------------------------------------------------------------------
// combine and merge.

/// qs's `utils.combine(a, b)`: `[].concat(a, b)`, which becomes an object (marked as
/// overflowed) when it would hold more than `arrayLimit` elements; an overflowed `a`
/// takes `b` at its next index instead.
fn combine(a: Node, b: Node, limits: &Limits<'_>) -> Result<Node, QsError> {
    if let Node::Obj(mut obj) = a {
        if let Some(max) = obj.overflow {
            if limits.options.throw_on_limit_exceeded {
                return Err(limits.array_limit_error());
            }
            let mut next = max;
            let values = match b {
                Node::Arr(arr) => arr.elements.into_values().collect(),
                other => vec![other],
            };
            for value in values {
                next += 1.0;
                obj.set(js_number_text(next), value);
            }
            obj.overflow = Some(next);
            return Ok(Node::Obj(obj));
        }
        return combine_plain(Node::Obj(obj), b, limits);
    }
    combine_plain(a, b, limits)
}

/// The `[].concat(a, b)` half of [`combine`].
fn combine_plain(a: Node, b: Node, limits: &Limits<'_>) -> Result<Node, QsError> {
    let mut result = Arr::default();
    result.concat(a);
    result.concat(b);
    if result.length as f64 > limits.array_limit {
        if limits.options.throw_on_limit_exceeded {
            return Err(limits.array_limit_error());
        }
        let max = result.length as f64 - 1.0;
        return Ok(result.into_overflow(max));
    }
    Ok(Node::Arr(result))
}

/// qs's `limitedPair`: `[first, second]`, or an overflowed object when even two is
/// over the limit.
fn limited_pair(first: Node, second: Node, limits: &Limits<'_>) -> Result<Node, QsError> {
    let mut pair = Arr::default();
    pair.push(first);
    pair.push(second);
    if 2.0 > limits.array_limit {
        if limits.options.throw_on_limit_exceeded {
            return Err(limits.array_limit_error());
        }
        return Ok(pair.into_overflow(1.0));
    }
    Ok(Node::Arr(pair))
}

/// qs's `utils.merge(target, source)`: folds one parsed key into the result so far.
///
/// JavaScript's version changes `target` in place and returns it (or a new value);
/// ours takes both by value and returns the result, which is the same thing because
/// no value is shared between two places while qs runs.
fn merge(target: Node, source: Node, limits: &Limits<'_>) -> Result<Node, QsError> {
    if source.is_falsy() {
        return Ok(target);
    }
    let options = limits.options;
    if !source.is_object() {
        return match target {
            Node::Arr(mut arr) => {
                let next = arr.length;
                if arr.count() as f64 >= limits.array_limit {
                    if options.throw_on_limit_exceeded {
                        return Err(limits.array_limit_error());
                    }
                    arr.push(source);
                    return Ok(arr.into_overflow(next as f64));
                }
                arr.set(next, source);
                Ok(Node::Arr(arr))
            }
            Node::Obj(mut obj) => {
                if let Some(max) = obj.overflow {
                    let next = max + 1.0;
                    obj.set(js_number_text(next), source);
                    obj.overflow = Some(next);
                    Ok(Node::Obj(obj))
                } else if let Some(conflict) = obj.conflict {
                    let next = conflict + 1.0;
                    if options.throw_on_limit_exceeded && next >= limits.array_limit {
                        return Err(limits.array_limit_error());
                    }
                    obj.set(js_number_text(next), source);
                    obj.conflict = Some(next);
                    Ok(Node::Obj(obj))
                } else {
                    // strictMerge: a plain value meeting an object keeps both.
                    match limited_pair(Node::Obj(obj), source, limits)? {
                        Node::Arr(mut pair) => {
                            pair.conflict = Some(1.0);
                            Ok(Node::Arr(pair))
                        }
                        other => Ok(other),
                    }
                }
            }
            other => limited_pair(other, source, limits),
        };
    }

    // `source` is an array or an object from here on.
    if target.is_falsy() || !target.is_object() {
        if source.is_overflow()
            && let Node::Obj(overflowed) = source
        {
            let max = overflowed.overflow.unwrap_or_default();
            // The target goes first; the overflowed indices move up by one.
            let mut result = Obj::default();
            result.set("0".to_owned(), target);
            for (key, value) in overflowed.into_js_order() {
                let shifted = js_parse_int(&key).map_or(f64::NAN, |n| n + 1.0);
                result.set(js_number_text_any(shifted), value);
            }
            result.overflow = Some(max + 1.0);
            return Ok(Node::Obj(result));
        }
        let mut combined = Arr::default();
        combined.push(target);
        combined.concat(source);
        if combined.length as f64 > limits.array_limit {
            if options.throw_on_limit_exceeded {
                return Err(limits.array_limit_error());
            }
            let max = combined.length as f64 - 1.0;
            return Ok(combined.into_overflow(max));
        }
        return Ok(Node::Arr(combined));
    }

    match (target, source) {
        (Node::Arr(mut target), Node::Arr(source)) => {
            for (index, item) in source.elements {
                match target.elements.remove(&index) {
                    Some(existing) if existing.is_object() && item.is_object() => {
                        let merged = merge(existing, item, limits)?;
                        target.elements.insert(index, merged);
                    }
                    Some(existing) => {
                        target.elements.insert(index, existing);
                        target.push(item);
                    }
                    None => target.set(index, item),
                }
            }
            if target.count() as f64 > limits.array_limit {
                if options.throw_on_limit_exceeded {
                    return Err(limits.array_limit_error());
                }
                let max = target.length as f64 - 1.0;
                return Ok(target.into_overflow(max));
            }
            Ok(Node::Arr(target))
        }
        (target, source) => {
            let mut acc = match target {
                Node::Arr(arr) => {
                    let conflict = arr.conflict.map(|_| arr.length as f64 - 1.0);
                    let mut obj = arr.into_object();
                    obj.conflict = conflict;
                    obj
                }
                Node::Obj(obj) => obj,
                Node::Null | Node::Str(_) => unreachable!("handled above"),
            };
            let (source_overflow, entries) = match source {
                Node::Arr(arr) => (
                    None,
                    arr.elements
                        .into_iter()
                        .map(|(i, v)| (i.to_string(), v))
                        .collect::<Vec<_>>(),
                ),
                Node::Obj(obj) => (obj.overflow, obj.into_js_order()),
                Node::Null | Node::Str(_) => unreachable!("handled above"),
            };
            for (key, value) in entries {
                match acc.take(&key) {
                    Some(existing) => {
                        let merged = merge(existing, value, limits)?;
                        acc.set(key.clone(), merged);
                    }
                    None => acc.set(key.clone(), value),
                }
                if let Some(source_max) = source_overflow
                    && acc.overflow.is_none()
                {
                    acc.overflow = Some(max_numeric_index(&acc, source_max));
                }
                if let Some(max) = acc.overflow
                    && let Some(n) = canonical_integer(&key)
                    && n >= 0.0
                    && n > max
                {
                    acc.overflow = Some(n);
                }
                if let Some(conflict) = acc.conflict
                    && let Some(n) = canonical_integer(&key)
                    && n > conflict
                {
                    acc.conflict = Some(n);
                }
            }
            Ok(Node::Obj(acc))
        }
    }
}

/// qs's `maxNumericIndex(obj, min)`: the largest integer key of `obj`, at least `min`.
fn max_numeric_index(obj: &Obj, min: f64) -> f64 {
    obj.keys_js_order()
        .into_iter()
        .filter_map(canonical_integer)
        .fold(min, f64::max)
}

/// JavaScript's `parseInt(text, 10)`: leading whitespace, a sign and the digits that
/// follow; `None` for JavaScript's `NaN`.
fn js_parse_int(text: &str) -> Option<f64> {
    let text = text.trim_start();
    let (negative, digits) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    let end = digits
        .bytes()
        .position(|b| !b.is_ascii_digit())
        .unwrap_or(digits.len());
    if end == 0 {
        return None;
    }
    let value: f64 = digits[..end].parse().ok()?;
    Some(if negative { -value } else { value })
}

/// JavaScript's `String(n)` for any number qs may compute a key from.
fn js_number_text_any(value: f64) -> String {
    if value.is_nan() {
        "NaN".to_owned()
    } else if value.is_infinite() {
        if value > 0.0 { "Infinity" } else { "-Infinity" }.to_owned()
    } else if value == 0.0 {
        "0".to_owned()
    } else if value.fract() == 0.0 {
        js_number_text(value)
    } else {
        // Not reachable from integer keys; Rust's shortest form is close enough.
        format!("{value}")
    }
}

// ---------------------------------------------------------------------------------
// Keys: split into segments, then build the nested value.

/// qs's `parseKeys`: one whole key and its value as a nested value, or `None` when the
/// key is empty or names a prototype property.
fn parse_keys(key: &str, value: Node, limits: &Limits<'_>) -> Result<Option<Node>, QsError> {
    if key.is_empty() {
        return Ok(None);
    }
    let Some(segments) = split_key_into_segments(key, limits)? else {
        return Ok(None);
    };
    parse_object(&segments, value, limits).map(Some)
}

/// Does `name` belong to `Object.prototype`, and is that not allowed?
fn forbidden(name: &str, limits: &Limits<'_>) -> bool {
    !limits.prototype_keys_allowed() && PROTOTYPE_PROPERTIES.contains(&name)
}

/// Removes one pair of brackets around a whole segment (`[b]` → `b`).
fn strip_wrapping_brackets(segment: &str) -> &str {
    if segment.len() >= 2 && segment.starts_with('[') && segment.ends_with(']') {
        &segment[1..segment.len() - 1]
    } else {
        segment
    }
}

/// qs's `splitKeyIntoSegments`: `a[b][c]` → `["a", "[b]", "[c]"]`, at most `depth`
/// bracket groups, the rest as one more segment. `None` drops the key.
fn split_key_into_segments(
    original: &str,
    limits: &Limits<'_>,
) -> Result<Option<Vec<String>>, QsError> {
    let options = limits.options;
    let key = if options.allow_dots {
        top_level_dots_to_brackets(original)
    } else {
        original.to_owned()
    };

    if limits.depth == 0 {
        if forbidden(strip_wrapping_brackets(&key), limits) {
            return Ok(None);
        }
        return Ok(Some(vec![key]));
    }

    let mut segments = Vec::new();
    let first = key.find('[');
    let parent = first.map_or(key.as_str(), |at| &key[..at]);
    if !parent.is_empty() {
        if forbidden(parent, limits) {
            return Ok(None);
        }
        segments.push(parent.to_owned());
    }

    let bytes = key.as_bytes();
    let mut open = first;
    let mut collected = 0;
    while let Some(start) = open {
        if collected >= limits.depth {
            break;
        }
        let mut level = 1;
        let mut close = None;
        let mut i = start + 1;
        while i < bytes.len() && close.is_none() {
            match bytes[i] {
                b'[' => level += 1,
                b']' => {
                    level -= 1;
                    if level == 0 {
                        close = Some(i);
                    }
                }
                _ => {}
            }
            i += 1;
        }
        let Some(end) = close else {
            // An unterminated group stays one literal segment.
            segments.push(format!("[{}]", &key[start..]));
            return Ok(Some(segments));
        };
        let segment = &key[start..=end];
        if forbidden(&segment[1..segment.len() - 1], limits) {
            return Ok(None);
        }
        segments.push(segment.to_owned());
        collected += 1;
        open = key[end + 1..].find('[').map(|at| at + end + 1);
    }

    if let Some(start) = open {
        if options.strict_depth {
            return Err(QsError {
                message: format!(
                    "Input depth exceeded depth option of {} and strictDepth is true",
                    options.depth
                ),
            });
        }
        segments.push(format!("[{}]", &key[start..]));
    }
    Ok(Some(segments))
}

/// qs's `topLevelDotsToBrackets`: `a.b.c` → `a[b][c]`, leaving dots inside brackets
/// (`a[b.c]`), doubled dots and a dot before `[` alone.
fn top_level_dots_to_brackets(key: &str) -> String {
    let bytes = key.as_bytes();
    let mut out = String::with_capacity(key.len() + 2);
    let mut depth = 0usize;
    let mut copied = 0;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'[' => depth += 1,
            b']' => depth = depth.saturating_sub(1),
            b'.' if depth == 0
                && i + 1 < bytes.len()
                && bytes[i + 1] != b'.'
                && bytes[i + 1] != b'[' =>
            {
                let start = i + 1;
                let mut end = start;
                while end < bytes.len() && bytes[end] != b'.' && bytes[end] != b'[' {
                    end += 1;
                }
                out.push_str(&key[copied..i]);
                out.push('[');
                out.push_str(&key[start..end]);
                out.push(']');
                copied = end;
                i = end;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    out.push_str(&key[copied..]);
    out
}

/// qs's `parseObject`: wraps the value in the segments, innermost first.
fn parse_object(chain: &[String], value: Node, limits: &Limits<'_>) -> Result<Node, QsError> {
    let options = limits.options;
    let mut leaf = value;
    for root in chain.iter().rev() {
        leaf = if root == "[]" && options.parse_arrays {
            if leaf.is_overflow() {
                leaf
            } else {
                combine(Node::Arr(Arr::default()), leaf, limits)?
            }
        } else {
            let clean = strip_wrapping_brackets(root);
            let index = canonical_integer(clean)
                .filter(|&n| root != clean && n >= 0.0 && options.parse_arrays);
            let mut obj = Obj::default();
            if !options.parse_arrays && clean.is_empty() {
                obj.set("0".to_owned(), leaf);
                Node::Obj(obj)
            } else if let Some(index) = index {
                if index < limits.array_limit {
                    Node::Arr(Arr::with(index as u64, leaf))
                } else if options.throw_on_limit_exceeded {
                    return Err(limits.array_limit_error());
                } else {
                    obj.set(clean.to_owned(), leaf);
                    obj.overflow = Some(index);
                    Node::Obj(obj)
                }
            } else {
                if clean != "__proto__" {
                    obj.set(clean.to_owned(), leaf);
                }
                Node::Obj(obj)
            }
        };
    }
    Ok(leaf)
}
