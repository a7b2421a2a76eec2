//! Yolk: Koa and Egg.js, rebuilt in Rust, one chapter at a time.
//!
//! This root crate is two things:
//!
//! - **The library.** It re-exports the newest chapter, so `use yolk::…` always gives the
//!   most complete framework the book has built so far. Today that is
//!   [chapter 04](chapter_04) — Koa's application and context, koa-compose's middleware
//!   stack, the classic middlewares, @koa/router and koa-bodyparser, on hyper; when
//!   chapter N is written, this `pub use` moves to `chapter_0N`. The root crate holds
//!   no framework logic of its own: every line of the framework lives in a chapter crate,
//!   where the book can show it and its diff.
//! - **The tooling** behind the `yolk` command: [`serve`] (build the book with
//!   `mdbook-driver` and serve it with the newest chapter's server), [`diff`] (what one
//!   chapter adds on top of another, and the committed diffs under `book/src/diffs/`),
//!   [`chapters`] (the chapter table), [`bench`](mod@bench) (load runs against bare hyper, axum and
//!   the real Koa, written into the book's benchmark appendix) and [`cli`] (the command
//!   line).

pub use chapter_04::*;

pub mod bench;
pub mod chapters;
pub mod cli;
pub mod diff;
pub mod serve;
