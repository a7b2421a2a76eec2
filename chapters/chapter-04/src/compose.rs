//! koa-compose: many middlewares, run as one onion.
//!
//! Mirrors [koa-compose 4.1.0, `index.js`](https://github.com/koajs/compose/blob/4.1.0/index.js).
//! `compose(middleware)` returns one function that runs the first middleware and hands it
//! a `next`; calling `next()` runs the second, and so on. Each middleware does some work,
//! awaits `next()` — everything after it in the stack — and then does more work on the
//! way back out: the onion. Inside, koa-compose keeps an index and a closure
//! `dispatch(i)`; `next` is `dispatch(i + 1)`, and two runtime checks guard it:
//! `next() called multiple times`, and a missing `await` that lets a middleware run on
//! while the rest of the stack has not finished.
//!
//! Here [`Next`] *is* `dispatch(i + 1)`: a cursor over the rest of the stack, handed to
//! each middleware **by value**. [`Next::run`] consumes it, so calling it twice does not
//! compile (`use of moved value: next`) — the first check moves from run time to compile
//! time. And a future does nothing until awaited, so forgetting `.await` runs nothing at
//! all, with a compiler warning, instead of running the rest of the stack concurrently.
//!
//! A [`Compose`] is itself a [`Middleware`]: a stack can sit inside another stack, and
//! when the inner stack runs out, its `next` continues with the outer one.
//!
//! **Depth.** In JavaScript, the first trip down the stack is one nested call per layer
//! (`dispatch(i)` calls the middleware, which calls `dispatch(i + 1)` before its first
//! `await`), so Koa itself runs out of stack at a few thousand layers on Node 20; after
//! that, each awaiting layer waits on the heap. A Rust future is polled *by its parent*,
//! every time: while the innermost layer works, each poll travels down through all the
//! layers above it, one stack frame each. [`Run`], the future [`Next::run`] returns, therefore polls
//! through [`stacker::maybe_grow`]: when less than [`RED_ZONE`] of stack is left, the
//! rest of the poll continues on a freshly allocated stack segment (the technique the
//! Rust compiler uses for its own deep recursion). Checking costs a few nanoseconds; the
//! new segments are only made for stacks that deep.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context as TaskContext, Poll};

use crate::application::{BoxFuture, Handler};
use crate::context::Context;
use crate::http_errors::HttpError;

// ANCHOR: middleware
/// A Koa middleware: an async function of the context and `next`.
///
/// Implemented for every `async fn mw(ctx: &mut Context, next: Next<'_>) -> Result<(), HttpError>`,
/// for async closures that capture nothing, and for structs that implement it by hand
/// (the way to carry configuration, as the middlewares of this chapter do).
pub trait Middleware: Send + Sync + 'static {
    /// Runs this layer; `next.run(ctx).await` runs the layers after it.
    fn call<'a>(
        &'a self,
        ctx: &'a mut Context,
        next: Next<'a>,
    ) -> BoxFuture<'a, Result<(), HttpError>>;
}

/// Lets plain `async fn`s be middleware: it names the future type for each lifetime.
pub trait MiddlewareFn<'a>: Fn(&'a mut Context, Next<'a>) -> Self::Fut {
    /// The future the function returns.
    type Fut: Future<Output = Result<(), HttpError>> + Send + 'a;
}

impl<'a, F, Fut> MiddlewareFn<'a> for F
where
    F: Fn(&'a mut Context, Next<'a>) -> Fut,
    Fut: Future<Output = Result<(), HttpError>> + Send + 'a,
{
    type Fut = Fut;
}

impl<F> Middleware for F
where
    F: for<'a> MiddlewareFn<'a> + Send + Sync + 'static,
{
    fn call<'a>(
        &'a self,
        ctx: &'a mut Context,
        next: Next<'a>,
    ) -> BoxFuture<'a, Result<(), HttpError>> {
        Box::pin(self(ctx, next))
    }
}
// ANCHOR_END: middleware

// ANCHOR: next
/// `next`: the rest of the onion, from the middleware after this one to the end.
///
/// koa-compose's `dispatch.bind(null, i + 1)`. It is handed over by value and
/// [`run`](Next::run) takes `self`, so each middleware can run the rest at most once.
#[must_use = "a middleware that drops `next` ends the chain here; call `next.run(ctx).await` to go on"]
pub struct Next<'a> {
    /// The middlewares still to run in this stack.
    stack: &'a [Arc<dyn Middleware>],
    /// What runs when this stack is used up: the `next` of the stack around it, when
    /// this stack is itself a middleware.
    outer: Option<Box<Next<'a>>>,
}

impl<'a> Next<'a> {
    /// A cursor at the start of `stack`, continuing with `outer` after its end.
    pub(crate) fn new(stack: &'a [Arc<dyn Middleware>], outer: Option<Box<Next<'a>>>) -> Self {
        Self { stack, outer }
    }

    /// The end of the onion: running it does nothing.
    pub fn end() -> Next<'static> {
        Next {
            stack: &[],
            outer: None,
        }
    }

    /// `await next()`: runs the rest of the stack on `ctx` and returns when it has
    /// finished (or failed — the error comes back here, for this layer to handle or pass
    /// on with `?`).
    pub fn run<'c>(self, ctx: &'c mut Context) -> Run<'c>
    where
        'a: 'c,
    {
        match self.stack.split_first() {
            Some((first, rest)) => Run(Some(first.call(
                ctx,
                Next {
                    stack: rest,
                    outer: self.outer,
                },
            ))),
            None => match self.outer {
                Some(outer) => outer.run(ctx),
                None => Run(None),
            },
        }
    }

    /// How many middlewares are left in this stack (not counting an outer one).
    pub fn remaining(&self) -> usize {
        self.stack.len()
    }
}
// ANCHOR_END: next

// ANCHOR: run
/// How much stack must be left before a poll goes on in place; below it, a new segment.
pub const RED_ZONE: usize = 128 * 1024;

/// The size of each new stack segment.
const SEGMENT: usize = 2 * 1024 * 1024;

/// The future of [`Next::run`]: the rest of the stack (or nothing, at the end).
#[must_use = "futures do nothing unless awaited: `next.run(ctx).await`"]
pub struct Run<'c>(Option<BoxFuture<'c, Result<(), HttpError>>>);

impl Future for Run<'_> {
    type Output = Result<(), HttpError>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut TaskContext<'_>) -> Poll<Self::Output> {
        match &mut self.0 {
            Some(inner) => stacker::maybe_grow(RED_ZONE, SEGMENT, || inner.as_mut().poll(cx)),
            None => Poll::Ready(Ok(())),
        }
    }
}
// ANCHOR_END: run

/// `compose([a, b, c])`: a stack of middlewares that runs as one.
#[derive(Clone, Default)]
pub struct Compose {
    /// The middlewares, in the order they were added.
    stack: Vec<Arc<dyn Middleware>>,
}

impl std::fmt::Debug for Compose {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Compose")
            .field("len", &self.stack.len())
            .finish()
    }
}

impl Compose {
    /// An empty stack.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a middleware at the end (Koa's `middleware.push(fn)`); chainable.
    pub fn use_<M>(&mut self, middleware: impl IntoMiddleware<M>) -> &mut Self {
        self.stack.push(middleware.into_middleware());
        self
    }

    /// How many middlewares the stack holds.
    pub fn len(&self) -> usize {
        self.stack.len()
    }

    /// True when the stack is empty.
    pub fn is_empty(&self) -> bool {
        self.stack.is_empty()
    }

    /// Runs the whole stack on `ctx` (the composed function called with no `next`).
    pub fn run<'c>(&'c self, ctx: &'c mut Context) -> Run<'c> {
        Next::new(&self.stack, None).run(ctx)
    }
}

// ANCHOR: compose_middleware
impl Middleware for Compose {
    /// A stack used as one middleware: its own layers, then the outer `next`.
    fn call<'a>(
        &'a self,
        ctx: &'a mut Context,
        next: Next<'a>,
    ) -> BoxFuture<'a, Result<(), HttpError>> {
        Box::pin(Next::new(&self.stack, Some(Box::new(next))).run(ctx))
    }
}
// ANCHOR_END: compose_middleware

// ANCHOR: into_middleware
/// Marker for [`IntoMiddleware`]: the value is a middleware already.
#[derive(Debug)]
pub enum WithNext {}

/// Marker for [`IntoMiddleware`]: a chapter-2 handler of `ctx` alone.
#[derive(Debug)]
pub enum CtxOnly {}

/// What `app.use_` accepts: a middleware, or a handler of the context alone (an
/// *endpoint*, which never calls `next`). The marker type `M` only tells the two
/// blanket implementations apart; callers never name it.
pub trait IntoMiddleware<M> {
    /// The value as a shareable middleware.
    fn into_middleware(self) -> Arc<dyn Middleware>;
}

impl<T: Middleware> IntoMiddleware<WithNext> for T {
    fn into_middleware(self) -> Arc<dyn Middleware> {
        Arc::new(self)
    }
}

impl<H: Handler> IntoMiddleware<CtxOnly> for H {
    fn into_middleware(self) -> Arc<dyn Middleware> {
        Arc::new(Endpoint(self))
    }
}

/// A handler of the context alone, as a middleware that ends the chain.
struct Endpoint<H>(H);

impl<H: Handler> Middleware for Endpoint<H> {
    fn call<'a>(
        &'a self,
        ctx: &'a mut Context,
        _next: Next<'a>,
    ) -> BoxFuture<'a, Result<(), HttpError>> {
        self.0.call(ctx)
    }
}
// ANCHOR_END: into_middleware
