//! A route of @koa/router: one path, its methods, and the handlers that run for it.
//!
//! Mirrors [`lib/layer.js` at @koa/router v13.1.1](https://github.com/koajs/router/blob/v13.1.1/lib/layer.js)
//! (`constructor`, `match`, `params`, `captures`, `url`, `param`, `setPrefix`,
//! `safeDecodeURIComponent`).
//!
//! A router is a list of layers, and a layer is deliberately dumb: it knows how to test
//! a path against its compiled pattern, how to pull the captures out and decode them into
//! `params`, how to fill its pattern back in to build a URL, and where to slot a
//! parameter handler into its own handler list. Deciding *which* layers run, and in what
//! chain, is the router's job (`mod.rs`).
//!
//! Rust shapes:
//!
//! - A JavaScript handler list holds functions tagged with a `param` property when they
//!   are parameter handlers. Here the list holds [`LayerHandler`]s, which say so in their
//!   type; the composed chain ([`Layer::chain`]) is rebuilt whenever the list changes, so
//!   a request never composes anything itself.
//! - `layer.params(path, captures, params)` returns the object it was given, mutated;
//!   [`Layer::params_into`] takes `&mut Params` and says so.
//! - JavaScript lets `url()` take positional values, an object, or options in several
//!   positions. [`UrlParams`] and [`UrlOptions`] name the shapes (see [`Layer::url`]).

use std::fmt;
use std::future::Future;
use std::marker::PhantomData;
use std::sync::Arc;

use crate::{BoxFuture, Compose, Context, HttpError, IntoMiddleware, Middleware, Next};
use http::Method;
use regex::Regex;
use serde_json::{Map, Value};

use crate::path_to_regexp::{
    CompileOptions, Encoder, Key, KeyName, PathRegexp, RegexpOptions, Token, compile,
    encode_uri_component, js_number_to_string, parse, path_to_regexp, regexp_to_regexp,
    safe_decode_uri_component,
};
use crate::router::{RouterContext, RouterError};

// ANCHOR: layer_path
/// What a layer was registered with: a path pattern or a regular expression.
#[derive(Debug, Clone)]
pub enum LayerPath {
    /// A path-to-regexp pattern such as `/users/:id`.
    Pattern(String),
    /// A regular expression, used as it is (`regex` crate syntax).
    Regexp(Regex),
}

impl LayerPath {
    /// The pattern string, if this is one.
    pub fn as_pattern(&self) -> Option<&str> {
        match self {
            Self::Pattern(path) => Some(path),
            Self::Regexp(_) => None,
        }
    }

    /// JavaScript truthiness: an empty pattern is falsy, a regular expression never is.
    pub fn is_truthy(&self) -> bool {
        match self {
            Self::Pattern(path) => !path.is_empty(),
            Self::Regexp(_) => true,
        }
    }
}

impl fmt::Display for LayerPath {
    /// The pattern, or the regular expression as JavaScript prints one (`/source/`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Pattern(path) => f.write_str(path),
            Self::Regexp(regex) => write!(f, "/{}/", regex.as_str()),
        }
    }
}

impl From<&str> for LayerPath {
    fn from(path: &str) -> Self {
        Self::Pattern(path.to_owned())
    }
}

impl From<String> for LayerPath {
    fn from(path: String) -> Self {
        Self::Pattern(path)
    }
}

impl From<&String> for LayerPath {
    fn from(path: &String) -> Self {
        Self::Pattern(path.clone())
    }
}

impl From<Regex> for LayerPath {
    fn from(regex: Regex) -> Self {
        Self::Regexp(regex)
    }
}
// ANCHOR_END: layer_path

/// The options a layer is built with: upstream's `layer.opts`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LayerOptions {
    /// Match to the end of the path (routes) or only a leading part (`use` middleware).
    pub end: bool,
    /// The route's name, for `url()` and `ctx.routerName`.
    pub name: Option<String>,
    /// Case-sensitive matching.
    pub sensitive: bool,
    /// No optional trailing slash.
    pub strict: bool,
    /// Report no captures (and so no params): set for pathless `use` middleware, so its
    /// catch-all pattern does not put a `0` into `ctx.params` (gh-247).
    pub ignore_captures: bool,
}

impl Default for LayerOptions {
    fn default() -> Self {
        Self {
            end: true,
            name: None,
            sensitive: false,
            strict: false,
            ignore_captures: false,
        }
    }
}

// ANCHOR: params
/// `ctx.params`: decoded parameter values by name.
///
/// Kept in the order JavaScript would list the keys of the plain object upstream uses:
/// keys that are array indexes (`0`, `1`, …, from unnamed patterns) first, ascending, then
/// the others in the order they were first set. That is the order `JSON.stringify` writes
/// them in, so a body built from the params matches Koa's byte for byte.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Params {
    /// The entries, already in JavaScript's key order.
    entries: Vec<(String, String)>,
}

impl Params {
    /// No parameters.
    pub const fn new() -> Self {
        Self {
            entries: Vec::new(),
        }
    }

    /// The value of one parameter.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.entries
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }

    /// Sets a parameter; an existing key keeps its place, as in a JavaScript object.
    pub fn insert(&mut self, name: impl Into<String>, value: impl Into<String>) {
        let (name, value) = (name.into(), value.into());
        if let Some(entry) = self.entries.iter_mut().find(|(key, _)| *key == name) {
            entry.1 = value;
            return;
        }
        let position = match array_index(&name) {
            Some(index) => self
                .entries
                .iter()
                .position(|(key, _)| array_index(key).is_none_or(|other| other > index))
                .unwrap_or(self.entries.len()),
            None => self.entries.len(),
        };
        self.entries.insert(position, (name, value));
    }

    /// The parameters in JavaScript's key order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.entries.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// How many parameters there are.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when there are none.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The parameters as a JSON object, in JavaScript's key order.
    pub fn to_json(&self) -> Value {
        Value::Object(
            self.iter()
                .map(|(k, v)| (k.to_owned(), Value::from(v)))
                .collect(),
        )
    }
}

/// The number a property key stands for when JavaScript treats it as an array index
/// (canonical decimal, below 2³² − 1); such keys come first in a plain object.
pub(crate) fn array_index(key: &str) -> Option<u32> {
    if key.is_empty() || (key.len() > 1 && key.starts_with('0')) {
        return None;
    }
    if !key.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    key.parse::<u32>().ok().filter(|&n| n != u32::MAX)
}

/// A JSON object's entries in the order JavaScript's `Object.keys` would give them.
pub(crate) fn js_key_order(map: &Map<String, Value>) -> Vec<(&String, &Value)> {
    let mut indexed: Vec<(u32, (&String, &Value))> = Vec::new();
    let mut named = Vec::new();
    for entry in map {
        match array_index(entry.0) {
            Some(index) => indexed.push((index, entry)),
            None => named.push(entry),
        }
    }
    indexed.sort_by_key(|(index, _)| *index);
    indexed
        .into_iter()
        .map(|(_, entry)| entry)
        .chain(named)
        .collect()
}
// ANCHOR_END: params

// ANCHOR: handlers
/// A parameter handler: `router.param('user', (id, ctx, next) => …)`.
///
/// Implemented for every
/// `async fn f(value: Option<String>, ctx: &mut Context, next: Next<'_>) -> Result<(), HttpError>`
/// and for structs that implement it by hand. `value` is `ctx.params[name]` when the
/// handler runs (decoded); `None` when an optional parameter took no value.
pub trait ParamMiddleware: Send + Sync + 'static {
    /// Runs the handler; `next.run(ctx).await` continues with the route's other handlers.
    fn call<'a>(
        &'a self,
        value: Option<String>,
        ctx: &'a mut Context,
        next: Next<'a>,
    ) -> BoxFuture<'a, Result<(), HttpError>>;
}

/// Lets plain `async fn`s be parameter handlers: it names the future type per lifetime.
pub trait ParamFn<'a>: Fn(Option<String>, &'a mut Context, Next<'a>) -> Self::Fut {
    /// The future the function returns.
    type Fut: Future<Output = Result<(), HttpError>> + Send + 'a;
}

impl<'a, F, Fut> ParamFn<'a> for F
where
    F: Fn(Option<String>, &'a mut Context, Next<'a>) -> Fut,
    Fut: Future<Output = Result<(), HttpError>> + Send + 'a,
{
    type Fut = Fut;
}

impl<F> ParamMiddleware for F
where
    F: for<'a> ParamFn<'a> + Send + Sync + 'static,
{
    fn call<'a>(
        &'a self,
        value: Option<String>,
        ctx: &'a mut Context,
        next: Next<'a>,
    ) -> BoxFuture<'a, Result<(), HttpError>> {
        Box::pin(self(value, ctx, next))
    }
}

/// One entry of a layer's handler list: upstream's `layer.stack[i]`.
#[derive(Clone)]
pub enum LayerHandler {
    /// A route handler or `use` middleware.
    Middleware(Arc<dyn Middleware>),
    /// A parameter handler wrapped for this layer (upstream tags the wrapper with
    /// `.param = name`; here the variant says it).
    Param {
        /// The parameter it is for.
        name: String,
        /// The handler.
        handler: Arc<dyn ParamMiddleware>,
    },
}

impl fmt::Debug for LayerHandler {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Middleware(_) => f.write_str("Middleware"),
            Self::Param { name, .. } => write!(f, "Param({name:?})"),
        }
    }
}

/// What the route-registering methods accept as handlers: one middleware (or a handler
/// of the context alone), a tuple of up to six, a `Vec` of shared middleware, or `()`
/// for none (upstream allows a route with no handlers). The marker `M` only tells the
/// implementations apart; callers never name it.
pub trait IntoHandlers<M> {
    /// The handlers, in order.
    fn into_handlers(self) -> Vec<Arc<dyn Middleware>>;
}

/// Marker for [`IntoHandlers`]: a single middleware.
#[derive(Debug)]
pub struct One<M>(PhantomData<M>);

/// Marker for [`IntoHandlers`]: a list or nothing.
#[derive(Debug)]
pub enum Many {}

impl<T: IntoMiddleware<M>, M> IntoHandlers<One<M>> for T {
    fn into_handlers(self) -> Vec<Arc<dyn Middleware>> {
        vec![self.into_middleware()]
    }
}

impl IntoHandlers<Many> for () {
    fn into_handlers(self) -> Vec<Arc<dyn Middleware>> {
        Vec::new()
    }
}

impl IntoHandlers<Many> for Vec<Arc<dyn Middleware>> {
    fn into_handlers(self) -> Vec<Arc<dyn Middleware>> {
        self
    }
}

/// `IntoHandlers` for tuples of middleware.
macro_rules! tuple_handlers {
    ($(($($t:ident $m:ident),+)),+ $(,)?) => {$(
        impl<$($t: IntoMiddleware<$m>, $m,)+> IntoHandlers<($($m,)+)> for ($($t,)+) {
            #[allow(non_snake_case)]
            fn into_handlers(self) -> Vec<Arc<dyn Middleware>> {
                let ($($t,)+) = self;
                vec![$($t.into_middleware()),+]
            }
        }
    )+};
}

tuple_handlers!(
    (A MA, B MB),
    (A MA, B MB, C MC),
    (A MA, B MB, C MC, D MD),
    (A MA, B MB, C MC, D MD, E ME),
    (A MA, B MB, C MC, D MD, E ME, F MF),
);

/// A shared middleware used as one entry of a composed stack.
struct Shared(Arc<dyn Middleware>);

impl Middleware for Shared {
    fn call<'a>(
        &'a self,
        ctx: &'a mut Context,
        next: Next<'a>,
    ) -> BoxFuture<'a, Result<(), HttpError>> {
        self.0.call(ctx, next)
    }
}

/// Upstream's param wrapper: `fn(ctx.params[name], ctx, next)`.
struct ParamStep {
    /// The parameter.
    name: String,
    /// The user's handler.
    handler: Arc<dyn ParamMiddleware>,
}

impl Middleware for ParamStep {
    fn call<'a>(
        &'a self,
        ctx: &'a mut Context,
        next: Next<'a>,
    ) -> BoxFuture<'a, Result<(), HttpError>> {
        let value = ctx.param(&self.name).map(str::to_owned);
        self.handler.call(value, ctx, next)
    }
}
// ANCHOR_END: handlers

// ANCHOR: url_types
/// The values given to `url()`: upstream's first argument(s).
#[derive(Debug, Clone, Default, PartialEq)]
pub enum UrlParams {
    /// No values (`url('name')`).
    #[default]
    None,
    /// Values by parameter name (`url('name', {id: 3})`).
    Named(Map<String, Value>),
    /// Values in path order (`url('name', 'x', 4)`): given to the named keys in order.
    Positional(Vec<Value>),
}

impl From<Value> for UrlParams {
    /// An object gives values by name; an array gives positional values (JavaScript's
    /// rest arguments); `null` gives none; any other value is one positional value.
    fn from(value: Value) -> Self {
        match value {
            Value::Object(map) => Self::Named(map),
            Value::Array(values) => Self::Positional(values),
            Value::Null => Self::None,
            other => Self::Positional(vec![other]),
        }
    }
}

impl From<Map<String, Value>> for UrlParams {
    fn from(map: Map<String, Value>) -> Self {
        Self::Named(map)
    }
}

impl From<()> for UrlParams {
    fn from((): ()) -> Self {
        Self::None
    }
}

impl From<&str> for UrlParams {
    fn from(value: &str) -> Self {
        Self::Positional(vec![Value::from(value)])
    }
}

/// A query for `url()`: a ready string, or an object to serialise as Node's
/// `querystring.stringify` does.
#[derive(Debug, Clone, PartialEq)]
pub enum UrlQuery {
    /// Used as the search part; a missing `?` is added and `#` is escaped.
    Text(String),
    /// `key=value` pairs, arrays repeating the key.
    Object(Map<String, Value>),
}

impl UrlQuery {
    /// JavaScript truthiness of `options.query`: a non-empty string, or any object.
    fn is_truthy(&self) -> bool {
        match self {
            Self::Text(text) => !text.is_empty(),
            Self::Object(_) => true,
        }
    }
}

impl From<&str> for UrlQuery {
    fn from(text: &str) -> Self {
        Self::Text(text.to_owned())
    }
}

impl From<String> for UrlQuery {
    fn from(text: String) -> Self {
        Self::Text(text)
    }
}

impl From<Map<String, Value>> for UrlQuery {
    fn from(map: Map<String, Value>) -> Self {
        Self::Object(map)
    }
}

/// The options of `url()`: the query, and the `compile` options upstream spreads in.
#[derive(Clone, Default)]
pub struct UrlOptions {
    /// `options.query`.
    pub query: Option<UrlQuery>,
    /// `options.encode`: replaces `encodeURIComponent`.
    pub encode: Option<Encoder>,
    /// `options.validate`: `Some(false)` skips the pattern check.
    pub validate: Option<bool>,
}

impl fmt::Debug for UrlOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UrlOptions")
            .field("query", &self.query)
            .field("encode", &self.encode.as_ref().map(|_| "fn"))
            .field("validate", &self.validate)
            .finish()
    }
}

impl UrlOptions {
    /// Options with just a query.
    pub fn query(query: impl Into<UrlQuery>) -> Self {
        Self {
            query: Some(query.into()),
            ..Self::default()
        }
    }

    /// Reads the options out of a plain object, as upstream does when the route has no
    /// named parameters and the object given as values is really the options.
    fn from_map(map: &Map<String, Value>) -> Self {
        Self {
            query: match map.get("query") {
                Some(Value::String(text)) => Some(UrlQuery::Text(text.clone())),
                Some(Value::Object(query)) => Some(UrlQuery::Object(query.clone())),
                _ => None,
            },
            encode: None,
            validate: map.get("validate").and_then(Value::as_bool),
        }
    }
}
// ANCHOR_END: url_types

// ANCHOR: layer
/// One route or `use` middleware: upstream's `Layer`.
#[derive(Clone)]
pub struct Layer {
    /// `layer.path`: what it was registered with, prefixes included.
    path: LayerPath,
    /// The path as text (`ctx.routerPath`): the pattern, or `/source/` for a regex.
    path_text: String,
    /// `layer.methods`: uppercase, `HEAD` put first whenever `GET` is added, duplicates
    /// kept as upstream keeps them; empty for `use` middleware.
    methods: Vec<Method>,
    /// `layer.regexp` and, through it, `layer.paramNames`.
    regexp: PathRegexp,
    /// `layer.stack`: the handlers, parameter handlers first.
    stack: Vec<LayerHandler>,
    /// The handlers composed into one middleware, rebuilt whenever `stack` changes.
    chain: Compose,
    /// `layer.opts`, the name among them (`layer.name`).
    opts: LayerOptions,
}

impl fmt::Debug for Layer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Layer")
            .field("path", &self.path)
            .field("methods", &self.methods)
            .field("regexp", &self.regexp.to_string())
            .field("stack", &self.stack)
            .field("opts", &self.opts)
            .finish()
    }
}

impl Layer {
    /// `new Layer(path, methods, middleware, opts)`.
    ///
    /// Methods are uppercased (each `GET` puts a `HEAD` at the front); an empty name is
    /// no name. A path that does not parse, or a method that is not a valid HTTP token,
    /// is an error.
    pub fn new(
        path: impl Into<LayerPath>,
        methods: &[&str],
        handlers: Vec<Arc<dyn Middleware>>,
        mut opts: LayerOptions,
    ) -> Result<Self, RouterError> {
        // `this.name = this.opts.name || null`: an empty name is no name.
        opts.name = opts.name.filter(|name| !name.is_empty());
        let mut upper = Vec::with_capacity(methods.len() + 1);
        for method in methods {
            let name = method.to_uppercase();
            let parsed =
                Method::from_bytes(name.as_bytes()).map_err(|_| RouterError::InvalidMethod {
                    method: (*method).to_owned(),
                })?;
            let is_get = parsed == Method::GET;
            upper.push(parsed);
            if is_get {
                upper.insert(0, Method::HEAD);
            }
        }
        let path = path.into();
        let regexp = compile_path(&path, &opts)?;
        let mut layer = Self {
            path_text: path.to_string(),
            path,
            methods: upper,
            regexp,
            stack: handlers.into_iter().map(LayerHandler::Middleware).collect(),
            chain: Compose::new(),
            opts,
        };
        layer.rebuild_chain();
        Ok(layer)
    }

    /// `layer.path`.
    pub fn path(&self) -> &LayerPath {
        &self.path
    }

    /// `layer.path` as text: the pattern, or `/source/` for a regular expression.
    pub fn path_text(&self) -> &str {
        &self.path_text
    }

    /// `layer.methods`.
    pub fn methods(&self) -> &[Method] {
        &self.methods
    }

    /// `layer.paramNames`: the keys of the compiled path.
    pub fn param_names(&self) -> &[Key] {
        self.regexp.keys()
    }

    /// `layer.regexp`.
    pub fn regexp(&self) -> &PathRegexp {
        &self.regexp
    }

    /// `layer.name`.
    pub fn name(&self) -> Option<&str> {
        self.opts.name.as_deref()
    }

    /// `layer.opts`.
    pub fn opts(&self) -> &LayerOptions {
        &self.opts
    }

    /// `layer.stack`.
    pub fn stack(&self) -> &[LayerHandler] {
        &self.stack
    }

    /// The handlers composed as one middleware, for the router's chain.
    pub fn chain(&self) -> &Compose {
        &self.chain
    }

    /// `layer.match(path)`: does the path match? The path is the raw, percent-encoded
    /// one; nothing is decoded before matching.
    pub fn is_match(&self, path: &str) -> bool {
        self.regexp.is_match(path)
    }

    /// `layer.captures(path)`: the raw capture groups (`None` for a group that took no
    /// part), or nothing for `ignore_captures` layers and paths that do not match.
    pub fn captures(&self, path: &str) -> Vec<Option<String>> {
        if self.opts.ignore_captures {
            return Vec::new();
        }
        self.regexp
            .captures(path)
            .map(|groups| {
                groups
                    .into_iter()
                    .map(|group| group.map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// `layer.params(path, captures, params)`: each non-empty capture that has a key is
    /// decoded ([`safe_decode_uri_component`]) into `params` under the key's name. Empty
    /// and missing captures neither set nor clear a key.
    pub fn params_into(&self, captures: &[Option<String>], params: &mut Params) {
        let keys = self.regexp.keys();
        for (capture, key) in captures.iter().zip(keys) {
            if let Some(capture) = capture.as_deref().filter(|c| !c.is_empty()) {
                params.insert(key.name.as_key(), safe_decode_uri_component(capture));
            }
        }
    }

    /// `layer.params(path, captures)` into a fresh [`Params`].
    pub fn params(&self, captures: &[Option<String>]) -> Params {
        let mut params = Params::new();
        self.params_into(captures, &mut params);
        params
    }

    /// `layer.url(params, options)`: the layer's path with the values filled in.
    ///
    /// As upstream: every literal `(.*)` is removed from the path first; positional
    /// values go to the *truthy-named* keys in order (an unnamed key `0` is skipped);
    /// values are encoded with `encodeURIComponent` unless `options.encode` says
    /// otherwise, and must match their key's pattern unless `options.validate` is
    /// `Some(false)`; a route with no named keys takes a values object as the options
    /// when no options were given. A query is added as Node's legacy `url.format` adds
    /// one. Errors are upstream's `TypeError` messages.
    pub fn url(
        &self,
        params: impl Into<UrlParams>,
        options: Option<UrlOptions>,
    ) -> Result<String, RouterError> {
        match &self.path {
            LayerPath::Pattern(path) => url_for_path(path, params.into(), options),
            LayerPath::Regexp(regex) => Err(RouterError::RegexpUrl {
                regexp: regex.as_str().to_owned(),
            }),
        }
    }

    /// `layer.param(name, fn)`: slots a parameter handler into this layer's list, if the
    /// layer has a parameter of that name.
    ///
    /// It goes before the first handler that is not a parameter handler, or that is one
    /// for a parameter appearing later in this path, so parameter handlers run first and
    /// in URL order, whatever order they were added in. (If no such place exists — every
    /// handler is a parameter handler for an earlier parameter, or there are none — it is
    /// not added at all, as upstream.)
    pub fn param(&mut self, name: &str, handler: Arc<dyn ParamMiddleware>) -> &mut Self {
        let names: Vec<Option<&str>> = self
            .regexp
            .keys()
            .iter()
            .map(|key| match &key.name {
                KeyName::Named(name) => Some(name.as_str()),
                KeyName::Index(_) => None,
            })
            .collect();
        let position_of = |param: &str| names.iter().position(|n| *n == Some(param));
        let Some(x) = position_of(name) else {
            return self;
        };
        let slot = self.stack.iter().position(|entry| match entry {
            LayerHandler::Middleware(_) => true,
            LayerHandler::Param { name: other, .. } => {
                other.is_empty() || position_of(other).is_some_and(|p| p > x)
            }
        });
        if let Some(slot) = slot {
            self.stack.insert(
                slot,
                LayerHandler::Param {
                    name: name.to_owned(),
                    handler,
                },
            );
            self.rebuild_chain();
        }
        self
    }

    /// `layer.setPrefix(prefix)`: prepends a prefix and recompiles.
    ///
    /// A non-strict layer whose path is exactly `/` becomes the prefix alone; any other
    /// path is plain concatenation (`TEST` + `/hunter2` = `TEST/hunter2`). A layer with
    /// an empty path is left alone. A regular-expression layer cannot take a prefix:
    /// upstream turns it into a string that never matches; we refuse with an error.
    pub fn set_prefix(&mut self, prefix: &str) -> Result<&mut Self, RouterError> {
        let path = match &self.path {
            LayerPath::Pattern(path) if path.is_empty() => return Ok(self),
            LayerPath::Pattern(path) => path,
            LayerPath::Regexp(regex) => {
                return Err(RouterError::RegexpUnderPrefix {
                    prefix: prefix.to_owned(),
                    regexp: regex.as_str().to_owned(),
                });
            }
        };
        let new_path = if path != "/" || self.opts.strict {
            format!("{prefix}{path}")
        } else {
            prefix.to_owned()
        };
        let new_path = LayerPath::Pattern(new_path);
        self.regexp = compile_path(&new_path, &self.opts)?;
        self.path_text = new_path.to_string();
        self.path = new_path;
        Ok(self)
    }

    /// Recomposes [`chain`](Self::chain) from `stack`.
    fn rebuild_chain(&mut self) {
        let mut chain = Compose::new();
        for entry in &self.stack {
            match entry {
                LayerHandler::Middleware(middleware) => {
                    chain.use_(Shared(middleware.clone()));
                }
                LayerHandler::Param { name, handler } => {
                    chain.use_(ParamStep {
                        name: name.clone(),
                        handler: handler.clone(),
                    });
                }
            }
        }
        self.chain = chain;
    }
}
// ANCHOR_END: layer

/// Compiles a layer's path with its options.
fn compile_path(path: &LayerPath, opts: &LayerOptions) -> Result<PathRegexp, RouterError> {
    match path {
        LayerPath::Pattern(pattern) => Ok(path_to_regexp(
            pattern,
            RegexpOptions {
                sensitive: opts.sensitive,
                strict: opts.strict,
                end: opts.end,
            },
        )?),
        LayerPath::Regexp(regex) => Ok(regexp_to_regexp(regex.clone())),
    }
}

// ANCHOR: url
/// `Layer#url` on a bare path: what the static `Router.url(path, …)` does.
pub fn url_for_path(
    path: &str,
    params: UrlParams,
    options: Option<UrlOptions>,
) -> Result<String, RouterError> {
    let url = path.replace("(.*)", "");
    let tokens = parse(&url)?;
    let mut options = options;
    let replace: Option<Map<String, Value>> = match params {
        UrlParams::None => Some(named_from_positional(&tokens, Vec::new())),
        UrlParams::Positional(values) => Some(named_from_positional(&tokens, values)),
        UrlParams::Named(map) => {
            let has_named = tokens
                .iter()
                .any(|token| matches!(token, Token::Key(key) if key.name.is_truthy()));
            if has_named {
                Some(map)
            } else {
                if options.is_none() {
                    options = Some(UrlOptions::from_map(&map));
                }
                Some(Map::new())
            }
        }
    };
    let options = options.unwrap_or_default();
    let encode = options
        .encode
        .clone()
        .unwrap_or_else(|| Arc::new(|value: &str| encode_uri_component(value)));
    let to_path = compile(
        &url,
        CompileOptions {
            encode: Some(encode),
            validate: options.validate.unwrap_or(true),
            sensitive: false,
        },
    )?;
    let replaced = to_path.call(replace.as_ref())?;
    match &options.query {
        Some(query) if query.is_truthy() => Ok(with_query(&replaced, query)),
        _ => Ok(replaced),
    }
}

/// Positional values given to the truthy-named keys in order.
fn named_from_positional(tokens: &[Token], values: Vec<Value>) -> Map<String, Value> {
    let mut values = values.into_iter();
    let mut map = Map::new();
    for token in tokens {
        if let Token::Key(key) = token
            && key.name.is_truthy()
        {
            match values.next() {
                Some(value) => {
                    map.insert(key.name.to_string(), value);
                }
                None => {
                    map.remove(&key.name.to_string());
                }
            }
        }
    }
    map
}

/// Node's `querystring.stringify(object)`.
pub fn querystring_stringify(map: &Map<String, Value>) -> String {
    fn primitive(value: &Value) -> String {
        match value {
            Value::String(text) => encode_uri_component(text),
            Value::Number(number) => {
                if number.as_f64().is_some_and(f64::is_finite) {
                    encode_uri_component(&js_number_to_string(number))
                } else {
                    String::new()
                }
            }
            Value::Bool(flag) => flag.to_string(),
            _ => String::new(),
        }
    }
    let mut fields = Vec::new();
    for (key, value) in js_key_order(map) {
        let key = format!("{}=", encode_uri_component(key));
        match value {
            Value::Array(items) => {
                for item in items {
                    fields.push(format!("{key}{}", primitive(item)));
                }
            }
            other => fields.push(format!("{key}{}", primitive(other))),
        }
    }
    fields.join("&")
}

/// The characters Node's legacy `url.parse` escapes outside its fast path.
fn auto_escape(c: char) -> Option<&'static str> {
    Some(match c {
        '\t' => "%09",
        '\n' => "%0A",
        '\r' => "%0D",
        ' ' => "%20",
        '"' => "%22",
        '\'' => "%27",
        '<' => "%3C",
        '>' => "%3E",
        '\\' => "%5C",
        '^' => "%5E",
        '`' => "%60",
        '{' => "%7B",
        '|' => "%7C",
        '}' => "%7D",
        _ => return None,
    })
}

/// Upstream's `formatUrl(parseUrl(path))` with a new search part: Node's legacy
/// `url.parse` then `url.format`, for the paths routes produce.
///
/// `url.parse` trims whitespace at both ends and turns `\` into `/` before any `?` or
/// `#`. A path that starts with `/` and holds no whitespace, `#` or `@` takes its fast
/// path and comes back as it was; any other is escaped character by character
/// ([`auto_escape`]). Then the old search part is replaced, the hash kept, and
/// `url.format` escapes `?` and `#` left in the pathname. (Paths that look like
/// `scheme:…` would get Node's host handling; routes do not produce them, and we treat
/// them as plain paths.)
fn with_query(path: &str, query: &UrlQuery) -> String {
    let is_ws = |c: char| (c as u32) < 33 || c == '\u{a0}' || c == '\u{feff}';
    let trimmed = path.trim_matches(is_ws);
    let mut rest = String::with_capacity(trimmed.len());
    let mut split = false;
    let mut has_hash = false;
    let mut has_at = false;
    for c in trimmed.chars() {
        if !split {
            match c {
                '@' => has_at = true,
                '#' => {
                    has_hash = true;
                    split = true;
                }
                '?' => split = true,
                '\\' => {
                    rest.push('/');
                    continue;
                }
                _ => {}
            }
        } else if c == '#' {
            has_hash = true;
        }
        rest.push(c);
    }
    let simple = !has_hash
        && !has_at
        && rest.starts_with('/')
        && !rest.starts_with("///")
        && !rest.chars().any(char::is_whitespace)
        && !rest.contains('\u{a0}')
        && !rest.contains('\u{feff}');
    let (pathname, hash) = if simple {
        let pathname = rest.split('?').next().unwrap_or("").to_owned();
        (pathname, String::new())
    } else {
        let escaped: String = rest
            .chars()
            .map(|c| auto_escape(c).map_or_else(|| c.to_string(), str::to_owned))
            .collect();
        let (before_hash, hash) = match escaped.find('#') {
            Some(at) => (escaped[..at].to_owned(), escaped[at..].to_owned()),
            None => (escaped, String::new()),
        };
        let pathname = before_hash.split('?').next().unwrap_or("").to_owned();
        (pathname, hash)
    };
    let pathname = pathname.replace('#', "%23").replace('?', "%3F");
    let mut search = match query {
        UrlQuery::Text(text) => text.clone(),
        UrlQuery::Object(map) => querystring_stringify(map),
    };
    if !search.is_empty() && !search.starts_with('?') {
        search.insert(0, '?');
    }
    let search = search.replace('#', "%23");
    format!("{pathname}{search}{hash}")
}
// ANCHOR_END: url
