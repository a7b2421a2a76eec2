//! `delegates`: how `ctx.body` becomes `ctx.response.body`.
//!
//! Koa's context has almost no behaviour of its own. [`lib/context.js`](https://github.com/koajs/koa/blob/v2.16.4/lib/context.js)
//! ends with two lists, built with the [`delegates`](https://github.com/tj/node-delegates/blob/1.0.0/index.js)
//! package, that install forwarding members on the context prototype: `method` names
//! forward a call, `getter` names a read, `access` names a read and a write. The lists
//! are the documentation: reading them tells you exactly which `ctx.x` is really
//! `ctx.request.x` and which is `ctx.response.x`.
//!
//! `delegate!` is the same idea in Rust. Each line names the kind (`method`, `getter`
//! or `access`), the name Koa's list uses, and the Rust signature; the macro writes the
//! forwarding method on [`Context`](crate::Context) and adds the line to a table you can
//! print ([`RESPONSE_DELEGATES`](crate::context::RESPONSE_DELEGATES),
//! [`REQUEST_DELEGATES`](crate::context::REQUEST_DELEGATES)), so the delegation stays as
//! visible as Koa's. An `access` in Rust is two methods, `x()` and `set_x(…)`; Koa's
//! camelCase names become snake case (`lastModified` → `last_modified`), and `type`,
//! a Rust keyword, becomes `type_`.
//!
//! A line ending in `;` forwards the call as it is (`ctx.x(a)` is `ctx.response.x(a)`).
//! A few of Koa's delegates need both halves of the context in Rust — `ctx.fresh` asks
//! the request about the response, because a Rust request cannot point back at its
//! response as Koa's does — so a line may end in a block instead: the body of the
//! method, written by hand, and still listed in the table under Koa's name.

/// One delegated member: the name on `ctx`, the name Koa's list gives it, the field it
/// forwards to and the kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Delegate {
    /// The method name on the context (`status`, `set_status`, …).
    pub name: &'static str,
    /// The name in Koa's `delegates` list that this method stands for (`status` for
    /// both `status` and `set_status`, `lastModified` for `last_modified`, …).
    pub koa: &'static str,
    /// The field the call is forwarded to (`response` or `request`).
    pub target: &'static str,
    /// `method`, `getter` or `access`, as in Koa's lists.
    pub kind: &'static str,
}

/// Writes forwarding methods on `Context` and a table of them. See the module docs.
macro_rules! delegate {
    (
        $(#[$table_meta:meta])*
        $table:ident => $target:ident {
            $(
                $kind:ident $koa:literal
                $(#[$meta:meta])*
                fn $name:ident($($params:tt)*) $(-> $ret:ty)? $($body:block)? $(;)?
            )*
        }
    ) => {
        $crate::delegates::delegate!(@methods $target;
            $($kind $(#[$meta])* fn $name($($params)*) $(-> $ret)? [$($body)?])*
        );

        $(#[$table_meta])*
        pub const $table: &[$crate::delegates::Delegate] = &[
            $($crate::delegates::Delegate {
                name: stringify!($name),
                koa: $koa,
                target: stringify!($target),
                kind: stringify!($kind),
            }),*
        ];
    };
    // One method at a time, so that `self` comes from the caller's tokens (a `self`
    // written inside the macro would be a different `self` to the compiler).
    (@methods $target:ident;) => {};
    (@methods $target:ident;
        $kind:ident $(#[$meta:meta])*
        fn $name:ident(&mut $self_:ident $(, $arg:ident : $ty:ty)* $(,)?) $(-> $ret:ty)?
        [$($body:block)?]
        $($rest:tt)*
    ) => {
        impl $crate::context::Context {
            $(#[$meta])*
            #[doc = concat!("\n\nDelegated (", stringify!($kind), ") to `ctx.", stringify!($target), "`.")]
            pub fn $name(&mut $self_ $(, $arg: $ty)*) $(-> $ret)? {
                $crate::delegates::delegate!(@body [$($body)?] $self_.$target.$name($($arg),*))
            }
        }
        $crate::delegates::delegate!(@methods $target; $($rest)*);
    };
    (@methods $target:ident;
        $kind:ident $(#[$meta:meta])*
        fn $name:ident(&$self_:ident $(, $arg:ident : $ty:ty)* $(,)?) $(-> $ret:ty)?
        [$($body:block)?]
        $($rest:tt)*
    ) => {
        impl $crate::context::Context {
            $(#[$meta])*
            #[doc = concat!("\n\nDelegated (", stringify!($kind), ") to `ctx.", stringify!($target), "`.")]
            pub fn $name(&$self_ $(, $arg: $ty)*) $(-> $ret)? {
                $crate::delegates::delegate!(@body [$($body)?] $self_.$target.$name($($arg),*))
            }
        }
        $crate::delegates::delegate!(@methods $target; $($rest)*);
    };
    // The method body: the one written by hand, or else the plain forward.
    (@body [] $forward:expr) => { $forward };
    (@body [$body:block] $forward:expr) => { $body };
}

pub(crate) use delegate;
