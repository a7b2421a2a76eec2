//! @koa/router 13.1.1: routes, nested routers, named URLs and the `Allow` answers.
//!
//! Mirrors [`lib/router.js` at @koa/router v13.1.1](https://github.com/koajs/router/blob/v13.1.1/lib/router.js)
//! (`constructor`, the verb methods, `all`, `use`, `prefix`, `middleware`/`routes`,
//! `allowedMethods`, `redirect`, `register`, `route`, `url`, `match`, `matchHost`,
//! `param`, static `url`); the layers themselves are in [`layer`].
//!
//! A router is an ordered list of layers. For each request its middleware
//! ([`Router::routes`]) finds **every** layer whose path matches, keeps those whose
//! methods include the request's (or that have none: `use` middleware), and — only if at
//! least one real route is among them — runs all of them, in registration order, as one
//! koa-compose chain: a handler that calls `next` passes to the next matching layer, and
//! the last one's `next` is whatever comes after the router in the app. With `exclusive`
//! only the last match runs. [`Router::allowed_methods`] runs after the router and turns
//! "the path exists, the method does not" into 405, an unknown method into 501, and
//! `OPTIONS` into 200 with an `Allow` header.
//!
//! # The Rust shape of Koa's monkey-patching
//!
//! Koa's router writes its findings straight onto the context object: `ctx.params`,
//! `ctx.captures`, `ctx.routerPath`, `ctx.routerName`, `ctx._matchedRoute`,
//! `ctx._matchedRouteName`, `ctx.matched`, `ctx.router`. Our `Context` is a struct that
//! the router does not own, so the router keeps one [`RouteState`] in `ctx.state` (the
//! per-request type map) and the [`RouterContext`] extension trait gives `Context` the
//! reading methods: bring `router::RouterContext` into scope, and `ctx.params()`,
//! `ctx.param("id")`, `ctx.router_path()` read as Koa's properties do. What cannot be
//! copied is the accident of sharing: in Koa `ctx.params === ctx.request.params` is one
//! object; here there is one `Params` and no second name for it.
//!
//! # Registering, in Rust
//!
//! | Koa | here |
//! |---|---|
//! | `router.get('/p', a, b)` | `router.get("/p", (a, b))?` |
//! | `router.get('name', '/p', a)` | `router.named("name").get("/p", a)?` |
//! | `router.get(['/a', '/b'], a)` | `router.get(["/a", "/b"], a)?` |
//! | `router.use(a, b)` | `router.use_((a, b))?` |
//! | `router.use('/p', a)` | `router.use_at("/p", a)?` |
//! | `router.use('/p', child.routes())` | `router.use_router_at("/p", &child.routes())?` |
//! | `router.param('id', fn)` | `router.param("id", f)` |
//! | `router.url('name', {id: 1}, {query})` | `router.url("name", json!({"id": 1}), Some(UrlOptions::query(…)))` |
//!
//! Registration returns `Result`: a path that path-to-regexp rejects is an error value
//! with upstream's message, never a panic. Handlers are typed, so upstream's "`middleware`
//! must be a function" check is the compiler's.
//!
//! # Live routers
//!
//! Upstream's `routes()` closes over the router object, so routes added afterwards are
//! found. A [`Router`] here is therefore a cheap handle (clones share one table), and
//! [`RouterMiddleware`] holds one: each request takes the current table (an `Arc`), and a
//! registration swaps in a changed copy (copy-on-write while requests still use the old
//! one). Mounting a router into another ([`Router::use_router`]) copies its layers, as
//! upstream does, so later additions to the child are not seen by the parent.
//!
//! # The fast index
//!
//! Matching is upstream's — every layer tested against the raw path, the answer in stack
//! order — but two things make it cheap. The layers that cannot match are skipped with a
//! trie over their leading literal text and `/:param` segments (see `index.rs`, which
//! explains why this never drops a match), and the common route shapes are tested
//! without the regex engine (`path_to_regexp`'s regex-free matcher, which gives the
//! regular expression's answer). [`Router::match_path_naive`] keeps upstream's full
//! scan, for the property tests that prove the two agree and for benchmarks.
//!
//! # Where we differ from @koa/router
//!
//! - A regular-expression route under a prefix (a router prefix, or a mount path) is an
//!   error ([`RouterError::RegexpUnderPrefix`]); upstream turns it into a string pattern
//!   that never matches.
//! - Regular-expression routes are in the `regex` crate's syntax, and path patterns
//!   that need look-around (a parameter after more than one character of text with no
//!   `/`, such as `{abc:name}`; custom patterns with `(?=`, `(?!`, back-references) are
//!   refused with an error (see `path_to_regexp`).
//! - Mounting copies the child's layers; upstream's clones share their handler arrays
//!   and `params` object with the child, so a parent's `param()` handlers leak into the
//!   child router as well. Ours stay with the parent's copy.
//! - Names are strings (JavaScript also allows symbols); `use(a, b, child.routes())`
//!   mixing middleware and routers in one call is two calls (`use_at`, `use_router_at`).
//! - `host` takes a string or a regular expression, as 13.1.x does; an array (which
//!   13.1.x never matches) cannot be given.

pub mod layer;

mod index;

use std::fmt;
use std::sync::{Arc, PoisonError, RwLock};

use crate::{BoxFuture, Compose, Context, HttpError, Middleware, Next};
use http::Method;
use regex::Regex;
use serde_json::{Value, json};

use crate::path_to_regexp::{PathError, RegexpOptions, path_to_regexp};
use crate::router::index::RouteIndex;
pub use crate::router::layer::{
    IntoHandlers, Layer, LayerHandler, LayerOptions, LayerPath, Many, One, ParamFn,
    ParamMiddleware, Params, UrlOptions, UrlParams, UrlQuery, querystring_stringify, url_for_path,
};

/// Node's `http.METHODS` on Node 20: the verbs a Koa router has, and what `all` means.
pub const NODE_METHODS: [&str; 35] = [
    "ACL",
    "BIND",
    "CHECKOUT",
    "CONNECT",
    "COPY",
    "DELETE",
    "GET",
    "HEAD",
    "LINK",
    "LOCK",
    "M-SEARCH",
    "MERGE",
    "MKACTIVITY",
    "MKCALENDAR",
    "MKCOL",
    "MOVE",
    "NOTIFY",
    "OPTIONS",
    "PATCH",
    "POST",
    "PROPFIND",
    "PROPPATCH",
    "PURGE",
    "PUT",
    "QUERY",
    "REBIND",
    "REPORT",
    "SEARCH",
    "SOURCE",
    "SUBSCRIBE",
    "TRACE",
    "UNBIND",
    "UNLINK",
    "UNLOCK",
    "UNSUBSCRIBE",
];

/// The router's default `methods` option: what `allowed_methods` counts as implemented.
pub const DEFAULT_METHODS: [&str; 7] = ["HEAD", "OPTIONS", "GET", "PUT", "PATCH", "POST", "DELETE"];

// ANCHOR: errors
/// What registering routes or building URLs can fail with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RouterError {
    /// path-to-regexp rejected a path, or a URL could not be built from the values
    /// given (`Missing parameter name at 1`, `Expected "id" to be a string`, …).
    Path(PathError),
    /// `You have to provide a path when adding a <verb> handler` (`an all handler` for
    /// `all`): an empty list of paths.
    MissingPath {
        /// The lowercase verb, or `all`.
        verb: String,
    },
    /// `No route found for name: <name>`: `url()` or `redirect()` with an unknown name.
    NoRouteFound {
        /// The name asked for.
        name: String,
    },
    /// A regular-expression route cannot take a prefix. Upstream turns it into a
    /// string pattern that never matches; we refuse it instead.
    RegexpUnderPrefix {
        /// The prefix.
        prefix: String,
        /// The regular expression.
        regexp: String,
    },
    /// A method that is not an HTTP token.
    InvalidMethod {
        /// The method as given.
        method: String,
    },
    /// `url()` on a regular-expression route (upstream fails with a JavaScript
    /// `TypeError` about `replace`).
    RegexpUrl {
        /// The regular expression.
        regexp: String,
    },
}

impl fmt::Display for RouterError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Path(err) => err.fmt(f),
            Self::MissingPath { verb } if verb == "all" => {
                f.write_str("You have to provide a path when adding an all handler")
            }
            Self::MissingPath { verb } => {
                write!(f, "You have to provide a path when adding a {verb} handler")
            }
            Self::NoRouteFound { name } => write!(f, "No route found for name: {name}"),
            Self::RegexpUnderPrefix { prefix, regexp } => write!(
                f,
                "cannot prefix the regular-expression route /{regexp}/ with {prefix:?}: \
                 a regular expression does not combine with a path prefix"
            ),
            Self::InvalidMethod { method } => write!(f, "invalid HTTP method: {method:?}"),
            Self::RegexpUrl { regexp } => write!(
                f,
                "cannot build a URL for the regular-expression route /{regexp}/"
            ),
        }
    }
}

impl std::error::Error for RouterError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Path(err) => Some(err),
            _ => None,
        }
    }
}

impl From<PathError> for RouterError {
    fn from(err: PathError) -> Self {
        Self::Path(err)
    }
}
// ANCHOR_END: errors

// ANCHOR: options
/// The `host` option: which `Host` a router answers for.
#[derive(Debug, Clone)]
pub enum Host {
    /// `ctx.host` must equal it exactly (case and port included).
    Exact(String),
    /// `ctx.host` must match it somewhere (anchor it yourself, as in JavaScript).
    Pattern(Regex),
}

impl From<&str> for Host {
    fn from(host: &str) -> Self {
        Self::Exact(host.to_owned())
    }
}

impl From<String> for Host {
    fn from(host: String) -> Self {
        Self::Exact(host)
    }
}

impl From<Regex> for Host {
    fn from(pattern: Regex) -> Self {
        Self::Pattern(pattern)
    }
}

/// `new Router(opts)`.
#[derive(Debug, Clone)]
pub struct RouterOptions {
    /// Prepended to every layer registered afterwards, as given (a trailing `/` is kept
    /// here, unlike in [`Router::prefix`]). Empty counts as none.
    pub prefix: Option<String>,
    /// The methods `allowed_methods` counts as implemented (exact, case-sensitive).
    /// It never limits registration or matching.
    pub methods: Vec<String>,
    /// Run only the last matching layer.
    pub exclusive: bool,
    /// Case-sensitive paths.
    pub sensitive: bool,
    /// No optional trailing slash; a `/` route under a prefix keeps its slash.
    pub strict: bool,
    /// Answer only for this host; other requests pass through untouched.
    pub host: Option<Host>,
    /// Match every request against this path instead of `ctx.path` (undocumented
    /// upstream option `routerPath`).
    pub router_path: Option<String>,
}

impl Default for RouterOptions {
    fn default() -> Self {
        Self {
            prefix: None,
            methods: DEFAULT_METHODS.iter().map(|m| (*m).to_owned()).collect(),
            exclusive: false,
            sensitive: false,
            strict: false,
            host: None,
            router_path: None,
        }
    }
}

impl RouterOptions {
    /// The prefix if it is truthy (non-empty).
    fn prefix(&self) -> Option<&str> {
        self.prefix.as_deref().filter(|p| !p.is_empty())
    }
}

/// The options of [`Router::register`], merged with the router's own as upstream does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegisterOptions {
    /// Match to the end (routes) or a leading part (`use`). Default true.
    pub end: bool,
    /// The route's name.
    pub name: Option<String>,
    /// Case-sensitive (or the router's `sensitive`).
    pub sensitive: bool,
    /// Strict (or the router's `strict`).
    pub strict: bool,
    /// Report no captures.
    pub ignore_captures: bool,
}

impl Default for RegisterOptions {
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
// ANCHOR_END: options

/// The path argument of the route methods: one path or several (one layer each).
#[derive(Debug, Clone)]
pub enum RoutePaths {
    /// One path.
    One(LayerPath),
    /// Several paths; an empty list is the "you have to provide a path" error.
    Many(Vec<LayerPath>),
}

impl RoutePaths {
    /// The paths as a list.
    fn into_vec(self) -> Vec<LayerPath> {
        match self {
            Self::One(path) => vec![path],
            Self::Many(paths) => paths,
        }
    }
}

impl<T: Into<LayerPath>> From<T> for RoutePaths {
    fn from(path: T) -> Self {
        Self::One(path.into())
    }
}

impl From<Vec<&str>> for RoutePaths {
    fn from(paths: Vec<&str>) -> Self {
        Self::Many(paths.into_iter().map(LayerPath::from).collect())
    }
}

impl From<Vec<String>> for RoutePaths {
    fn from(paths: Vec<String>) -> Self {
        Self::Many(paths.into_iter().map(LayerPath::from).collect())
    }
}

impl From<&[&str]> for RoutePaths {
    fn from(paths: &[&str]) -> Self {
        Self::Many(paths.iter().map(|p| LayerPath::from(*p)).collect())
    }
}

impl<const N: usize> From<[&str; N]> for RoutePaths {
    fn from(paths: [&str; N]) -> Self {
        Self::Many(paths.iter().map(|p| LayerPath::from(*p)).collect())
    }
}

/// The path argument of `use_at`: one path or several, strings only (as upstream).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsePaths(pub Vec<String>);

impl From<&str> for UsePaths {
    fn from(path: &str) -> Self {
        Self(vec![path.to_owned()])
    }
}

impl From<String> for UsePaths {
    fn from(path: String) -> Self {
        Self(vec![path])
    }
}

impl From<Vec<&str>> for UsePaths {
    fn from(paths: Vec<&str>) -> Self {
        Self(paths.into_iter().map(str::to_owned).collect())
    }
}

impl From<&[&str]> for UsePaths {
    fn from(paths: &[&str]) -> Self {
        Self(paths.iter().map(|p| (*p).to_owned()).collect())
    }
}

impl<const N: usize> From<[&str; N]> for UsePaths {
    fn from(paths: [&str; N]) -> Self {
        Self(paths.iter().map(|p| (*p).to_owned()).collect())
    }
}

// ANCHOR: table
/// One router's state: options, parameter handlers, layers, and the index over them.
#[derive(Clone)]
struct Table {
    /// `router.opts` (the prefix is updated by `prefix()`).
    opts: RouterOptions,
    /// `router.params`: parameter handlers by name, in the order first set.
    params: Vec<(String, Arc<dyn ParamMiddleware>)>,
    /// `router.stack`.
    stack: Vec<Arc<Layer>>,
    /// Which layers could match a path (see `index.rs`).
    index: RouteIndex,
}

/// A snapshot of a router's table, as one request sees it.
///
/// Cheap to clone. [`Router::table`] takes one; benchmarks can take one once and match
/// against it without touching the router's lock.
#[derive(Clone)]
pub struct RouteTable(Arc<Table>);

impl fmt::Debug for RouteTable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RouteTable")
            .field("opts", &self.0.opts)
            .field("stack", &self.0.stack)
            .finish_non_exhaustive()
    }
}

/// The result of a match by stack position: [`Router::match_path`] without the layers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MatchedIndices {
    /// Every layer whose path matches, whatever its methods.
    pub path: Vec<usize>,
    /// Those whose methods include the request's, or that have none.
    pub path_and_method: Vec<usize>,
    /// True if `path_and_method` holds at least one layer with methods (a route).
    pub route: bool,
}

impl MatchedIndices {
    /// Empties the lists, keeping their buffers.
    pub fn clear(&mut self) {
        self.path.clear();
        self.path_and_method.clear();
        self.route = false;
    }

    /// Records a layer whose path matched.
    fn push(&mut self, position: usize, layer: &Layer, method: &Method) {
        self.path.push(position);
        let methods = layer.methods();
        if methods.is_empty() || methods.contains(method) {
            self.path_and_method.push(position);
            if !methods.is_empty() {
                self.route = true;
            }
        }
    }
}

impl RouteTable {
    /// `router.stack`.
    pub fn stack(&self) -> &[Arc<Layer>] {
        &self.0.stack
    }

    /// `router.opts`.
    pub fn opts(&self) -> &RouterOptions {
        &self.0.opts
    }

    /// `router.match(path, method)` through the index.
    pub fn match_indices(&self, path: &str, method: &Method) -> MatchedIndices {
        let mut matched = MatchedIndices::default();
        self.match_indices_into(path, method, &mut matched);
        matched
    }

    /// [`match_indices`](Self::match_indices) into buffers the caller keeps, so that a
    /// lookup allocates nothing once they have grown (for hot loops and benchmarks).
    pub fn match_indices_into(&self, path: &str, method: &Method, matched: &mut MatchedIndices) {
        matched.clear();
        self.for_each_match(path, |position, layer| {
            matched.push(position, layer, method)
        });
    }

    /// Calls `visit` with every layer whose path matches `path`, in stack order, using
    /// the index (or the full scan for a path that is not ASCII).
    fn for_each_match<'t>(&'t self, path: &str, mut visit: impl FnMut(usize, &'t Arc<Layer>)) {
        let stack = &self.0.stack;
        let indexed = self.0.index.for_each_candidate(path, |position| {
            if let Some(layer) = stack.get(position)
                && layer.is_match(path)
            {
                visit(position, layer);
            }
        });
        if !indexed {
            for (position, layer) in stack.iter().enumerate() {
                if layer.is_match(path) {
                    visit(position, layer);
                }
            }
        }
    }

    /// `router.match(path, method)` exactly as upstream runs it: every layer, in order.
    pub fn match_indices_naive(&self, path: &str, method: &Method) -> MatchedIndices {
        let mut matched = MatchedIndices::default();
        self.scan_into(path, method, &mut matched);
        matched
    }

    /// The full scan, into `matched` (which must be empty).
    fn scan_into(&self, path: &str, method: &Method, matched: &mut MatchedIndices) {
        for (position, layer) in self.0.stack.iter().enumerate() {
            if layer.is_match(path) {
                matched.push(position, layer, method);
            }
        }
    }

    /// `router.matchHost(host)`.
    pub fn matches_host(&self, host: &str) -> bool {
        match &self.0.opts.host {
            None => true,
            Some(Host::Exact(expected)) if expected.is_empty() => true,
            Some(_) if host.is_empty() => false,
            Some(Host::Exact(expected)) => host == expected,
            Some(Host::Pattern(pattern)) => pattern.is_match(host),
        }
    }

    /// The layers at these positions.
    fn layers(&self, positions: &[usize]) -> Vec<Arc<Layer>> {
        positions
            .iter()
            .filter_map(|&p| self.0.stack.get(p).cloned())
            .collect()
    }
}
// ANCHOR_END: table

/// `router.match(path, method)`: upstream's `{ path, pathAndMethod, route }`.
#[derive(Debug, Clone, Default)]
pub struct Matched {
    /// Every layer whose path matches, whatever its methods (feeds `ctx.matched` and
    /// the `Allow` header).
    pub path: Vec<Arc<Layer>>,
    /// Those whose methods include the request's, or that have none (`use` layers).
    pub path_and_method: Vec<Arc<Layer>>,
    /// True if at least one layer in `path_and_method` has methods: a route matched.
    pub route: bool,
}

// ANCHOR: router
/// A Koa router: `new Router(opts)`.
///
/// A handle: clones share the same routes (as JavaScript references to one router
/// object do), and the middleware from [`routes`](Self::routes) sees routes added
/// later.
#[derive(Clone)]
pub struct Router {
    /// The current table; registrations swap in a changed copy.
    shared: Arc<RwLock<Arc<Table>>>,
}

impl fmt::Debug for Router {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Router").field(&self.table()).finish()
    }
}

impl Default for Router {
    fn default() -> Self {
        Self::new()
    }
}

impl Router {
    /// `new Router()`.
    pub fn new() -> Self {
        Self::with_options(RouterOptions::default())
    }

    /// `new Router(opts)`.
    pub fn with_options(opts: RouterOptions) -> Self {
        Self {
            shared: Arc::new(RwLock::new(Arc::new(Table {
                opts,
                params: Vec::new(),
                stack: Vec::new(),
                index: RouteIndex::default(),
            }))),
        }
    }

    /// The current table (a snapshot).
    pub fn table(&self) -> RouteTable {
        let table = self
            .shared
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        RouteTable(table)
    }

    /// Changes the table. The closure runs under the write lock and must not fail
    /// half-way: fallible work is done before calling this.
    fn edit(&mut self, change: impl FnOnce(&mut Table)) {
        let mut guard = self.shared.write().unwrap_or_else(PoisonError::into_inner);
        change(Arc::make_mut(&mut guard));
    }

    /// `router.opts`.
    pub fn opts(&self) -> RouterOptions {
        self.table().0.opts.clone()
    }

    /// `router.stack`: the layers, in order.
    pub fn stack(&self) -> Vec<Arc<Layer>> {
        self.table().0.stack.clone()
    }

    /// The names in `router.params`, in the order first set.
    pub fn param_names(&self) -> Vec<String> {
        self.table()
            .0
            .params
            .iter()
            .map(|(name, _)| name.clone())
            .collect()
    }

    // ANCHOR: register
    /// `router.register(path, methods, middleware, opts)`: one layer per path, with the
    /// router's prefix and parameter handlers applied.
    pub fn register<M>(
        &mut self,
        path: impl Into<RoutePaths>,
        methods: &[&str],
        handlers: impl IntoHandlers<M>,
        opts: RegisterOptions,
    ) -> Result<&mut Self, RouterError> {
        let layers = self.build_layers(
            path.into().into_vec(),
            methods,
            handlers.into_handlers(),
            &opts,
        )?;
        self.push_layers(layers);
        Ok(self)
    }

    /// Builds the layers `register` would add, without adding them.
    fn build_layers(
        &self,
        paths: Vec<LayerPath>,
        methods: &[&str],
        handlers: Vec<Arc<dyn Middleware>>,
        opts: &RegisterOptions,
    ) -> Result<Vec<Layer>, RouterError> {
        let table = self.table();
        let router_opts = &table.0.opts;
        paths
            .into_iter()
            .map(|path| {
                let mut layer = Layer::new(
                    path,
                    methods,
                    handlers.clone(),
                    LayerOptions {
                        end: opts.end,
                        name: opts.name.clone(),
                        sensitive: opts.sensitive || router_opts.sensitive,
                        strict: opts.strict || router_opts.strict,
                        ignore_captures: opts.ignore_captures,
                    },
                )?;
                if let Some(prefix) = router_opts.prefix() {
                    layer.set_prefix(prefix)?;
                }
                for (name, handler) in &table.0.params {
                    layer.param(name, handler.clone());
                }
                Ok(layer)
            })
            .collect()
    }

    /// Appends finished layers to the stack and the index.
    fn push_layers(&mut self, layers: Vec<Layer>) {
        self.edit(|table| {
            for layer in layers {
                let position = table.stack.len();
                table.index.insert(&layer, position);
                table.stack.push(Arc::new(layer));
            }
        });
    }
    // ANCHOR_END: register

    /// `router.stack.push(layer)`: adds a layer built by hand ([`Layer::new`]) as it is,
    /// without the router's prefix or parameter handlers.
    pub fn push_layer(&mut self, layer: Layer) -> &mut Self {
        self.push_layers(vec![layer]);
        self
    }

    /// One verb method: `router.<verb>([name,] path, ...middleware)`.
    fn verb_inner(
        &mut self,
        name: Option<String>,
        verb: &str,
        methods: &[&str],
        path: RoutePaths,
        handlers: Vec<Arc<dyn Middleware>>,
    ) -> Result<&mut Self, RouterError> {
        if matches!(&path, RoutePaths::Many(paths) if paths.is_empty()) {
            return Err(RouterError::MissingPath {
                verb: verb.to_owned(),
            });
        }
        let opts = RegisterOptions {
            name,
            ..RegisterOptions::default()
        };
        let layers = self.build_layers(path.into_vec(), methods, handlers, &opts)?;
        self.push_layers(layers);
        Ok(self)
    }

    /// A route for any method by name: `router[verb](path, ...)` for verbs this type has
    /// no method for (`router.verb("propfind", "/dav", h)`).
    pub fn verb<M>(
        &mut self,
        method: &str,
        path: impl Into<RoutePaths>,
        handlers: impl IntoHandlers<M>,
    ) -> Result<&mut Self, RouterError> {
        let verb = method.to_lowercase();
        self.verb_inner(
            None,
            &verb,
            &[method],
            path.into(),
            handlers.into_handlers(),
        )
    }

    /// `router.all(path, ...)`: every method in [`NODE_METHODS`].
    pub fn all<M>(
        &mut self,
        path: impl Into<RoutePaths>,
        handlers: impl IntoHandlers<M>,
    ) -> Result<&mut Self, RouterError> {
        self.verb_inner(
            None,
            "all",
            &NODE_METHODS,
            path.into(),
            handlers.into_handlers(),
        )
    }

    /// `router.<verb>(name, path, ...)`: the next route registered through the returned
    /// value gets this name.
    pub fn named(&mut self, name: impl Into<String>) -> NamedRoute<'_> {
        NamedRoute {
            router: self,
            name: name.into(),
        }
    }

    // ANCHOR: use
    /// `router.use(...middleware)`: middleware that runs, in stack order, for every
    /// request that matched a route of this router. Each handler becomes its own layer.
    pub fn use_<M>(&mut self, handlers: impl IntoHandlers<M>) -> Result<&mut Self, RouterError> {
        self.use_inner(None, handlers.into_handlers())
    }

    /// `router.use(path, ...middleware)` (or an array of paths): middleware for paths
    /// that start with `path` at a segment boundary. The path's parameters land in
    /// `ctx.params`.
    pub fn use_at<M>(
        &mut self,
        paths: impl Into<UsePaths>,
        handlers: impl IntoHandlers<M>,
    ) -> Result<&mut Self, RouterError> {
        let handlers = handlers.into_handlers();
        for path in paths.into().0 {
            self.use_inner(Some(path), handlers.clone())?;
        }
        Ok(self)
    }

    /// `router.use(child.routes())`: copies the child's layers into this router, with
    /// this router's prefix and parameter handlers. A snapshot: routes added to the
    /// child later are not seen here.
    pub fn use_router(&mut self, routes: &RouterMiddleware) -> Result<&mut Self, RouterError> {
        self.mount(None, &routes.router)
    }

    /// `router.use(path, child.routes())` (or an array of paths): the child's layers,
    /// each prefixed with `path` and then this router's prefix.
    pub fn use_router_at(
        &mut self,
        paths: impl Into<UsePaths>,
        routes: &RouterMiddleware,
    ) -> Result<&mut Self, RouterError> {
        for path in paths.into().0 {
            self.mount(Some(path), &routes.router)?;
        }
        Ok(self)
    }

    /// One plain-middleware `use`.
    fn use_inner(
        &mut self,
        path: Option<String>,
        handlers: Vec<Arc<dyn Middleware>>,
    ) -> Result<&mut Self, RouterError> {
        let table = self.table();
        let prefix_has_param = match table.0.opts.prefix() {
            Some(prefix) => !path_to_regexp(prefix, RegexpOptions::default())?
                .keys()
                .is_empty(),
            None => false,
        };
        let has_path = path.is_some();
        let path = path
            .filter(|p| !p.is_empty())
            .unwrap_or_else(|| "([^/]*)".to_owned());
        let opts = RegisterOptions {
            end: false,
            ignore_captures: !has_path && !prefix_has_param,
            ..RegisterOptions::default()
        };
        let mut layers = Vec::new();
        for handler in handlers {
            layers.extend(self.build_layers(
                vec![LayerPath::Pattern(path.clone())],
                &[],
                vec![handler],
                &opts,
            )?);
        }
        self.push_layers(layers);
        Ok(self)
    }

    /// Copies a child router's layers in, prefixed.
    fn mount(&mut self, path: Option<String>, child: &Router) -> Result<&mut Self, RouterError> {
        let child = child.table();
        let table = self.table();
        let mut layers = Vec::with_capacity(child.0.stack.len());
        for layer in &child.0.stack {
            let mut layer = Layer::clone(layer);
            if let Some(path) = path.as_deref().filter(|p| !p.is_empty()) {
                layer.set_prefix(path)?;
            }
            if let Some(prefix) = table.0.opts.prefix() {
                layer.set_prefix(prefix)?;
            }
            layers.push(layer);
        }
        for (name, handler) in &table.0.params {
            for layer in &mut layers {
                layer.param(name, handler.clone());
            }
        }
        self.push_layers(layers);
        Ok(self)
    }
    // ANCHOR_END: use

    /// `router.prefix(prefix)`: strips one trailing `/`, makes it the prefix of later
    /// registrations, and prefixes every existing layer (calling it twice prefixes
    /// twice).
    pub fn prefix(&mut self, prefix: &str) -> Result<&mut Self, RouterError> {
        let prefix = prefix.strip_suffix('/').unwrap_or(prefix).to_owned();
        let table = self.table();
        let mut stack = Vec::with_capacity(table.0.stack.len());
        for layer in &table.0.stack {
            let mut layer = Layer::clone(layer);
            layer.set_prefix(&prefix)?;
            stack.push(Arc::new(layer));
        }
        self.edit(|table| {
            table.opts.prefix = Some(prefix);
            table.index = RouteIndex::build(&stack);
            table.stack = stack;
        });
        Ok(self)
    }

    /// `router.param(name, fn)`: runs `handler` before the handlers of every layer
    /// (existing and later) that has a parameter `name` — once per such layer, in URL
    /// order. Setting a name again adds the new handler for later layers; existing
    /// layers keep both, as upstream.
    pub fn param(&mut self, name: &str, handler: impl ParamMiddleware) -> &mut Self {
        let handler: Arc<dyn ParamMiddleware> = Arc::new(handler);
        self.edit(|table| {
            match table.params.iter_mut().find(|(n, _)| n == name) {
                Some(entry) => entry.1 = handler.clone(),
                None => table.params.push((name.to_owned(), handler.clone())),
            }
            for layer in &mut table.stack {
                if layer
                    .param_names()
                    .iter()
                    .any(|key| key.name.as_key() == name)
                {
                    Arc::make_mut(layer).param(name, handler.clone());
                }
            }
        });
        self
    }

    /// `router.route(name)`: the first layer with this name.
    pub fn route(&self, name: &str) -> Option<Arc<Layer>> {
        self.table()
            .0
            .stack
            .iter()
            .find(|layer| layer.name().is_some_and(|n| !n.is_empty() && n == name))
            .cloned()
    }

    /// `router.url(name, params, options)`: the URL of a named route. An unknown name is
    /// `Err(NoRouteFound)` (upstream returns the `Error` rather than throwing it).
    pub fn url(
        &self,
        name: &str,
        params: impl Into<UrlParams>,
        options: Option<UrlOptions>,
    ) -> Result<String, RouterError> {
        match self.route(name) {
            Some(layer) => layer.url(params, options),
            None => Err(RouterError::NoRouteFound {
                name: name.to_owned(),
            }),
        }
    }

    /// The static `Router.url(path, ...)`: [`url`](Self::url) on a bare path.
    pub fn url_for_path(
        path: &str,
        params: impl Into<UrlParams>,
        options: Option<UrlOptions>,
    ) -> Result<String, RouterError> {
        url_for_path(path, params.into(), options)
    }

    /// `router.redirect(source, destination, code)`: every method on `source` redirects
    /// to `destination` with `code` (301 when `None` or 0).
    ///
    /// A source that does not start with `/`, and a destination that neither starts with
    /// `/` nor contains `://`, are route names, resolved now with no parameters; an
    /// unknown name (or one that needs parameters) is an error at registration.
    pub fn redirect(
        &mut self,
        source: &str,
        destination: &str,
        code: Option<u16>,
    ) -> Result<&mut Self, RouterError> {
        let source = if source.starts_with('/') {
            source.to_owned()
        } else {
            self.url(source, UrlParams::None, None)?
        };
        let destination = if destination.starts_with('/') || destination.contains("://") {
            destination.to_owned()
        } else {
            self.url(destination, UrlParams::None, None)?
        };
        let code = code.filter(|&c| c != 0).unwrap_or(301);
        self.all(source.as_str(), Redirect { destination, code })
    }

    /// `router.routes()`: the middleware that dispatches requests to this router.
    pub fn routes(&self) -> RouterMiddleware {
        RouterMiddleware {
            router: self.clone(),
        }
    }

    /// `router.middleware()`: the same as [`routes`](Self::routes).
    pub fn middleware(&self) -> RouterMiddleware {
        self.routes()
    }

    /// `router.allowedMethods(options)`: the middleware that answers 405, 501 and
    /// `OPTIONS` after the routes (register it after [`routes`](Self::routes)).
    pub fn allowed_methods(&self, options: AllowedMethodsOptions) -> AllowedMethods {
        AllowedMethods {
            implemented: self.table().0.opts.methods.clone(),
            options,
        }
    }

    /// `router.match(path, method)`, through the index.
    pub fn match_path(&self, path: &str, method: &Method) -> Matched {
        let table = self.table();
        let found = table.match_indices(path, method);
        Matched {
            path: table.layers(&found.path),
            path_and_method: table.layers(&found.path_and_method),
            route: found.route,
        }
    }

    /// `router.match(path, method)` by testing every layer in order, as upstream does.
    pub fn match_path_naive(&self, path: &str, method: &Method) -> Matched {
        let table = self.table();
        let found = table.match_indices_naive(path, method);
        Matched {
            path: table.layers(&found.path),
            path_and_method: table.layers(&found.path_and_method),
            route: found.route,
        }
    }

    /// `router.stack` as data: for each layer its methods, path, name, parameter names,
    /// regular expression (as JavaScript prints it) and number of handlers.
    pub fn stack_json(&self) -> Value {
        Value::Array(
            self.table()
                .0
                .stack
                .iter()
                .map(|layer| layer_json(layer))
                .collect(),
        )
    }

    // ANCHOR: dispatch_fn
    /// The per-request dispatch (upstream's `dispatch` closure).
    async fn dispatch<'a>(&'a self, ctx: &'a mut Context, next: Next<'a>) -> Result<(), HttpError> {
        let table = self.table();
        if table.0.opts.host.is_some() && !table.matches_host(&ctx.host()) {
            return next.run(ctx).await;
        }
        let custom_path = match (&table.0.opts.router_path, ctx.route_state()) {
            (Some(path), _) if !path.is_empty() => Some(path.clone()),
            (
                _,
                Some(RouteState {
                    new_router_path: Some(path),
                    ..
                }),
            ) if !path.is_empty() => Some(path.clone()),
            _ => None,
        };
        // Everything that reads the path happens here, while `ctx` is only borrowed.
        let (matched, plan) = {
            let path = custom_path.as_deref().unwrap_or_else(|| ctx.path());
            let method = ctx.method();
            // `match()`'s three results, gathered in one pass: every path match (for
            // `ctx.matched`), and the path-and-method matches that will run.
            let mut matched: Vec<Arc<Layer>> = Vec::new();
            let mut route = false;
            let mut first: Option<&Arc<Layer>> = None;
            let mut run: Vec<Arc<Layer>> = Vec::new();
            table.for_each_match(path, |_, layer| {
                matched.push(layer.clone());
                let methods = layer.methods();
                if methods.is_empty() || methods.contains(method) {
                    route |= !methods.is_empty();
                    match first {
                        None => first = Some(layer),
                        Some(earlier) => {
                            if run.is_empty() {
                                run.push(earlier.clone());
                            }
                            run.push(layer.clone());
                        }
                    }
                }
            });
            let plan = match (route, first, run.last().cloned()) {
                (false, _, _) | (true, None, _) => Plan::Pass,
                (true, Some(only), None) => Plan::One(only.clone(), only.captures(path)),
                // Only the last one runs; its setter runs at once, so its captures can
                // be taken now, without keeping a copy of the path.
                (true, Some(_), Some(last)) if table.0.opts.exclusive => {
                    let captures = last.captures(path);
                    Plan::One(last, captures)
                }
                (true, Some(_), Some(last)) => Plan::Many(last, run, Arc::from(path)),
            };
            (matched, plan)
        };
        let state = ctx.route_state_mut();
        match &mut state.matched {
            Some(earlier) => earlier.extend(matched),
            None => state.matched = Some(matched),
        }
        state.router = Some(self.clone());
        match plan {
            Plan::Pass => next.run(ctx).await,
            Plan::One(layer, captures) => {
                state.set_matched_route(&layer);
                set_layer(ctx, &layer, captures);
                run_handlers(&layer, ctx, next).await
            }
            Plan::Many(last, layers, path) => {
                state.set_matched_route(&last);
                let mut chain = Compose::new();
                for layer in layers {
                    chain.use_(LayerStep {
                        layer,
                        path: path.clone(),
                    });
                }
                chain.call(ctx, next).await
            }
        }
    }
    // ANCHOR_END: dispatch_fn
}

// ANCHOR: plan
/// What a dispatch runs.
enum Plan {
    /// No route matched: on to the next middleware.
    Pass,
    /// One layer (or `exclusive`): it, with its captures already taken.
    One(Arc<Layer>, Vec<Option<String>>),
    /// Several layers, in order (the last first, for `_matchedRoute`), and the path.
    Many(Arc<Layer>, Vec<Arc<Layer>>, Arc<str>),
}
// ANCHOR_END: plan
// ANCHOR_END: router

/// A layer as data, for dumps and snapshots.
fn layer_json(layer: &Layer) -> Value {
    json!({
        "methods": layer.methods().iter().map(Method::as_str).collect::<Vec<_>>(),
        "path": layer.path().to_string(),
        "name": layer.name(),
        "paramNames": layer
            .param_names()
            .iter()
            .map(|key| key.name.to_string())
            .collect::<Vec<_>>(),
        "regexp": layer.regexp().to_string(),
        "handlers": layer.stack().len(),
    })
}

/// [`Router::named`]'s result: the verb methods, registering with a name.
pub struct NamedRoute<'r> {
    /// The router to register on.
    router: &'r mut Router,
    /// The name the route gets.
    name: String,
}

impl fmt::Debug for NamedRoute<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NamedRoute")
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

impl<'r> NamedRoute<'r> {
    /// A named route for any method (see [`Router::verb`]).
    pub fn verb<M>(
        self,
        method: &str,
        path: impl Into<RoutePaths>,
        handlers: impl IntoHandlers<M>,
    ) -> Result<&'r mut Router, RouterError> {
        let verb = method.to_lowercase();
        self.router.verb_inner(
            Some(self.name),
            &verb,
            &[method],
            path.into(),
            handlers.into_handlers(),
        )
    }

    /// `router.all(name, path, ...)`.
    pub fn all<M>(
        self,
        path: impl Into<RoutePaths>,
        handlers: impl IntoHandlers<M>,
    ) -> Result<&'r mut Router, RouterError> {
        self.router.verb_inner(
            Some(self.name),
            "all",
            &NODE_METHODS,
            path.into(),
            handlers.into_handlers(),
        )
    }
}

/// The verb methods, on [`Router`] and on [`NamedRoute`].
macro_rules! verbs {
    ($($fn:ident $verb:literal $method:literal),* $(,)?) => {
        impl Router {$(
            #[doc = concat!("`router.", $verb, "(path, ...middleware)`: a route for `", $method, "`",
                " (`GET` routes answer `HEAD` too).")]
            pub fn $fn<M>(
                &mut self,
                path: impl Into<RoutePaths>,
                handlers: impl IntoHandlers<M>,
            ) -> Result<&mut Self, RouterError> {
                self.verb_inner(None, $verb, &[$verb], path.into(), handlers.into_handlers())
            }
        )*}

        impl<'r> NamedRoute<'r> {$(
            #[doc = concat!("`router.", $verb, "(name, path, ...middleware)`.")]
            pub fn $fn<M>(
                self,
                path: impl Into<RoutePaths>,
                handlers: impl IntoHandlers<M>,
            ) -> Result<&'r mut Router, RouterError> {
                self.router.verb_inner(
                    Some(self.name),
                    $verb,
                    &[$verb],
                    path.into(),
                    handlers.into_handlers(),
                )
            }
        )*}
    };
}

verbs!(
    get "get" "GET",
    post "post" "POST",
    put "put" "PUT",
    patch "patch" "PATCH",
    delete "delete" "DELETE",
    del "delete" "DELETE",
    head "head" "HEAD",
    options "options" "OPTIONS",
);

// ANCHOR: dispatch
/// The middleware [`Router::routes`] returns (upstream's `dispatch`, with
/// `dispatch.router`).
#[derive(Clone, Debug)]
pub struct RouterMiddleware {
    /// The router it dispatches to (live: later registrations are seen).
    router: Router,
}

impl RouterMiddleware {
    /// `dispatch.router`.
    pub fn router(&self) -> &Router {
        &self.router
    }
}

impl Middleware for RouterMiddleware {
    fn call<'a>(
        &'a self,
        ctx: &'a mut Context,
        next: Next<'a>,
    ) -> BoxFuture<'a, Result<(), HttpError>> {
        Box::pin(self.router.dispatch(ctx, next))
    }
}

/// One matched layer in the chain: upstream's little setter function, then the layer's
/// own handlers.
struct LayerStep {
    /// The layer.
    layer: Arc<Layer>,
    /// The path the dispatch matched against.
    path: Arc<str>,
}

impl Middleware for LayerStep {
    fn call<'a>(
        &'a self,
        ctx: &'a mut Context,
        next: Next<'a>,
    ) -> BoxFuture<'a, Result<(), HttpError>> {
        Box::pin(async move {
            let captures = self.layer.captures(&self.path);
            set_layer(ctx, &self.layer, captures);
            run_handlers(&self.layer, ctx, next).await
        })
    }
}

/// Upstream's setter step for `layer`: `captures` replaces the previous value, `params`
/// is merged into, `routerPath`, `routerName` and `_matchedRoute` follow the layer, and
/// `_matchedRouteName` only when the layer has a name.
fn set_layer(ctx: &mut Context, layer: &Arc<Layer>, captures: Vec<Option<String>>) {
    let state = ctx.route_state_mut();
    layer.params_into(&captures, state.params.get_or_insert_with(Params::new));
    state.captures = Some(captures);
    state.layer = Some(layer.clone());
    state.set_matched_route(layer);
}

/// Runs a layer's handlers with `next` after them. A layer with one plain handler calls
/// it directly (the composed chain of one handler does exactly that).
async fn run_handlers<'a>(
    layer: &'a Layer,
    ctx: &'a mut Context,
    next: Next<'a>,
) -> Result<(), HttpError> {
    match layer.stack() {
        [] => next.run(ctx).await,
        [LayerHandler::Middleware(handler)] => handler.call(ctx, next).await,
        _ => layer.chain().call(ctx, next).await,
    }
}
// ANCHOR_END: dispatch

/// The handler `redirect()` registers.
struct Redirect {
    /// Where to.
    destination: String,
    /// With which status.
    code: u16,
}

impl Middleware for Redirect {
    fn call<'a>(
        &'a self,
        ctx: &'a mut Context,
        _next: Next<'a>,
    ) -> BoxFuture<'a, Result<(), HttpError>> {
        Box::pin(async move {
            ctx.redirect(&self.destination)?;
            ctx.set_status(self.code)?;
            Ok(())
        })
    }
}

// ANCHOR: allowed_methods
/// Makes the error `allowed_methods` throws (upstream's `notImplemented` /
/// `methodNotAllowed` option functions).
pub type ErrorFactory = Arc<dyn Fn() -> HttpError + Send + Sync>;

/// `router.allowedMethods(options)`.
#[derive(Clone, Default)]
pub struct AllowedMethodsOptions {
    /// Return an error instead of setting the status and `Allow`.
    pub throw: bool,
    /// The error for an unimplemented method (default: http-errors' 501).
    pub not_implemented: Option<ErrorFactory>,
    /// The error for a disallowed method (default: http-errors' 405).
    pub method_not_allowed: Option<ErrorFactory>,
}

impl fmt::Debug for AllowedMethodsOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AllowedMethodsOptions")
            .field("throw", &self.throw)
            .field("not_implemented", &self.not_implemented.is_some())
            .field("method_not_allowed", &self.method_not_allowed.is_some())
            .finish()
    }
}

/// The middleware [`Router::allowed_methods`] returns.
#[derive(Clone, Debug)]
pub struct AllowedMethods {
    /// The router's `methods` option when it was made.
    implemented: Vec<String>,
    /// The options.
    options: AllowedMethodsOptions,
}

// ANCHOR: allowed_methods_call
impl Middleware for AllowedMethods {
    /// Runs the rest first; then, if a router ran and nothing answered (status 404):
    /// an unimplemented method gets 501 (whatever matched), a path that exists gets 200
    /// for `OPTIONS` or 405 for a method none of its layers has. `Allow` lists the
    /// methods of every layer that matched the path, in first-seen order, once.
    fn call<'a>(
        &'a self,
        ctx: &'a mut Context,
        next: Next<'a>,
    ) -> BoxFuture<'a, Result<(), HttpError>> {
        Box::pin(async move {
            next.run(ctx).await?;
            let Some(matched) = ctx.route_state().and_then(|s| s.matched.as_ref()) else {
                return Ok(());
            };
            if ctx.status() != 404 {
                return Ok(());
            }
            let mut allowed: Vec<&Method> = Vec::new();
            for layer in matched {
                for method in layer.methods() {
                    if !allowed.contains(&method) {
                        allowed.push(method);
                    }
                }
            }
            let allow = allowed
                .iter()
                .map(|m| m.as_str())
                .collect::<Vec<_>>()
                .join(", ");
            let is_allowed = allowed.iter().any(|m| *m == ctx.method());
            let any_allowed = !allowed.is_empty();
            let method = ctx.method().clone();
            if !self.implemented.iter().any(|m| m == method.as_str()) {
                if self.options.throw {
                    return Err(self
                        .options
                        .not_implemented
                        .as_ref()
                        .map_or_else(|| HttpError::new(501), |make| make()));
                }
                ctx.set_status(501)?;
                ctx.set("Allow", allow)?;
            } else if any_allowed {
                if method == Method::OPTIONS {
                    ctx.set_status(200)?;
                    ctx.set_body("");
                    ctx.set("Allow", allow)?;
                } else if !is_allowed {
                    if self.options.throw {
                        return Err(self
                            .options
                            .method_not_allowed
                            .as_ref()
                            .map_or_else(|| HttpError::new(405), |make| make()));
                    }
                    ctx.set_status(405)?;
                    ctx.set("Allow", allow)?;
                }
            }
            Ok(())
        })
    }
}
// ANCHOR_END: allowed_methods_call
// ANCHOR_END: allowed_methods

// ANCHOR: route_state
// ANCHOR: route_state_fields
/// What the router writes on the context, kept in `ctx.state` (see the module docs).
#[derive(Clone, Default)]
pub struct RouteState {
    /// `ctx.params` (= `ctx.request.params`): merged into by every layer that runs, and
    /// across routers. `None` until a layer ran.
    pub params: Option<Params>,
    /// `ctx.captures`: the raw captures of the last layer that ran.
    pub captures: Option<Vec<Option<String>>>,
    /// The layer that is running: `ctx.routerPath` is its path, `ctx.routerName` its name.
    pub layer: Option<Arc<Layer>>,
    /// `ctx._matchedRoute`'s layer: the last matching layer when the dispatch starts,
    /// then each layer as it runs.
    pub matched_route: Option<Arc<Layer>>,
    /// `ctx._matchedRouteName`'s layer: the last *named* layer seen that way.
    pub matched_route_name: Option<Arc<Layer>>,
    /// `ctx.matched`: every layer whose path matched, accumulated over every router
    /// that dispatched this request. `None` when no router ran (or none answered for
    /// this host).
    pub matched: Option<Vec<Arc<Layer>>>,
    /// `ctx.router`: the last router that dispatched.
    pub router: Option<Router>,
    /// `ctx.newRouterPath`: set it before a router runs to match a different path.
    pub new_router_path: Option<String>,
}
// ANCHOR_END: route_state_fields

impl RouteState {
    /// `ctx._matchedRoute = layer.path`, and `_matchedRouteName` if the layer is named.
    fn set_matched_route(&mut self, layer: &Arc<Layer>) {
        self.matched_route = Some(layer.clone());
        if layer.name().is_some() {
            self.matched_route_name = Some(layer.clone());
        }
    }
}

impl fmt::Debug for RouteState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = |layer: &Option<Arc<Layer>>| layer.as_ref().map(|l| l.path().to_string());
        f.debug_struct("RouteState")
            .field("params", &self.params)
            .field("captures", &self.captures)
            .field("router_path", &path(&self.layer))
            .field("matched_route", &path(&self.matched_route))
            .field(
                "matched",
                &self
                    .matched
                    .as_ref()
                    .map(|m| m.iter().map(|l| l.path().to_string()).collect::<Vec<_>>()),
            )
            .field("new_router_path", &self.new_router_path)
            .finish_non_exhaustive()
    }
}

/// No params, for contexts no layer has run on.
static NO_PARAMS: Params = Params::new();

// ANCHOR: router_context
/// Koa's router properties on the context (`ctx.params`, `ctx.routerPath`, …), read
/// from the [`RouteState`] the router keeps in `ctx.state`.
pub trait RouterContext {
    /// The router's state for this request, if a router has run.
    fn route_state(&self) -> Option<&RouteState>;
    /// The router's state, created empty if missing.
    fn route_state_mut(&mut self) -> &mut RouteState;
    /// `ctx.params` (empty if no layer has run).
    fn params(&self) -> &Params;
    /// `ctx.params[name]`.
    fn param(&self, name: &str) -> Option<&str>;
    /// `ctx.params`, to change (`ctx.params.id = 'x'`); created empty if missing.
    fn params_mut(&mut self) -> &mut Params;
    /// `ctx.captures` (empty if no layer has run).
    fn captures(&self) -> &[Option<String>];
    /// `ctx.routerPath`: the path of the layer running now.
    fn router_path(&self) -> Option<&str>;
    /// `ctx.routerName`: the name of the layer running now.
    fn router_name(&self) -> Option<&str>;
    /// `ctx._matchedRoute`.
    fn matched_route(&self) -> Option<&str>;
    /// `ctx._matchedRouteName`.
    fn matched_route_name(&self) -> Option<&str>;
    /// `ctx.matched`: every layer whose path matched, over every router that ran.
    fn matched(&self) -> Option<&[Arc<Layer>]>;
    /// `ctx.router`.
    fn router(&self) -> Option<&Router>;
    /// `ctx.newRouterPath = path`.
    fn set_new_router_path(&mut self, path: impl Into<String>);
}
// ANCHOR_END: router_context

impl RouterContext for Context {
    fn route_state(&self) -> Option<&RouteState> {
        self.state.get::<RouteState>()
    }

    fn route_state_mut(&mut self) -> &mut RouteState {
        self.state.get_or_insert_default::<RouteState>()
    }

    fn params(&self) -> &Params {
        self.route_state()
            .and_then(|s| s.params.as_ref())
            .unwrap_or(&NO_PARAMS)
    }

    fn param(&self, name: &str) -> Option<&str> {
        self.params().get(name)
    }

    fn params_mut(&mut self) -> &mut Params {
        self.route_state_mut()
            .params
            .get_or_insert_with(Params::new)
    }

    fn captures(&self) -> &[Option<String>] {
        self.route_state()
            .and_then(|s| s.captures.as_deref())
            .unwrap_or(&[])
    }

    fn router_path(&self) -> Option<&str> {
        self.route_state()?.layer.as_deref().map(Layer::path_text)
    }

    fn router_name(&self) -> Option<&str> {
        self.route_state()?.layer.as_deref()?.name()
    }

    fn matched_route(&self) -> Option<&str> {
        self.route_state()?
            .matched_route
            .as_deref()
            .map(Layer::path_text)
    }

    fn matched_route_name(&self) -> Option<&str> {
        self.route_state()?.matched_route_name.as_deref()?.name()
    }

    fn matched(&self) -> Option<&[Arc<Layer>]> {
        self.route_state()?.matched.as_deref()
    }

    fn router(&self) -> Option<&Router> {
        self.route_state()?.router.as_ref()
    }

    fn set_new_router_path(&mut self, path: impl Into<String>) {
        self.route_state_mut().new_router_path = Some(path.into());
    }
}
// ANCHOR_END: route_state
