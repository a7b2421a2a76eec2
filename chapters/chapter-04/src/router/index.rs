//! The router's lookup index: which layers could match a path, without testing them all.
//!
//! Upstream's `Router#match` ([`lib/router.js` at v13.1.1](https://github.com/koajs/router/blob/v13.1.1/lib/router.js),
//! `match`) runs every layer's regular expression against every request, in stack
//! order. Its *answer* is what the book is about — every layer that matches, in
//! registration order — so we keep the answer and change only how it is found.
//!
//! **The idea.** A compiled route is a chain of pieces, and the first pieces of most
//! routes fix what a matching path must look like: literal text (`/users`), then
//! `/:id` segments, each of which takes a `/` and one run of non-delimiters, then more
//! text. The index is a trie of those leading pieces, shared between routes: literal
//! text on radix edges (lowercased), and one "parameter" edge per node for `/:name`
//! segments. Each layer is filed at the node where its indexable pieces end (the root,
//! for layers with none: a user's regular expression, a route starting with a custom
//! pattern, pathless `use` middleware). A lookup walks the path down every edge that
//! fits — the literal child whose text the path continues with, and the parameter child
//! if the path continues with `/` and a non-empty run — and collects the layers filed on
//! every node it reaches. Each candidate is then tested with its own matcher, and the
//! survivors are reported in stack order.
//!
//! **Why the answer is the same as the full scan.** Every collected layer is tested
//! exactly as the scan tests it, and reported in stack order, so the index can only go
//! wrong by *missing* a layer that matches. It cannot: if a layer matches a path, the
//! path starts with the layer's indexed pieces, consumed exactly as the walk consumes
//! them —
//!
//! - a literal piece is matched character by character, exactly or ignoring ASCII case
//!   (the `i` flag on ASCII; non-ASCII is handled below), which is what the walk does
//!   with the lowercased edge;
//! - a `/:name` segment (default pattern, no modifier) is only indexed when what follows
//!   it needs a delimiter or the end next (text starting with `/`, another required
//!   `/`-prefixed parameter, or the end of the route). Then its lazy `[^/#?]+?` can only
//!   stop at the end of the run of non-delimiters — the walk's parameter edge takes
//!   exactly that run.
//!
//! So the walk passes through the node where the layer is filed, and collects it.
//! Only ASCII is lowercased, and only the ASCII start of a text is indexed: the `regex`
//! crate's case-insensitive matching lets a few non-ASCII characters match ASCII letters
//! (the Kelvin sign matches `k`), so a path that is not pure ASCII skips the index and
//! takes the full scan. Request paths are ASCII (they arrive percent-encoded), so that
//! costs nothing in practice.
//!
//! The property test `the fast index and the naive scan pick the same layers` checks
//! this against the full scan on random route sets and paths.

use std::sync::Arc;

use crate::path_to_regexp::{DEFAULT_PATTERN, Key, Modifier, Token};
use crate::router::layer::{Layer, LayerPath};

/// A node of the trie.
#[derive(Debug, Clone, Default)]
struct Node {
    /// The literal bytes on the edge into this node (lowercase ASCII; empty for the root
    /// and for parameter nodes).
    label: Vec<u8>,
    /// Stack positions of the layers filed here, ascending.
    layers: Vec<u32>,
    /// Literal children, each starting with a different byte.
    children: Vec<Node>,
    /// The first byte of each child's label, in the same order (scanned instead of
    /// the children themselves, which are much larger).
    indices: Vec<u8>,
    /// The child reached through a `/:name` segment.
    param: Option<Box<Node>>,
}

/// One indexable piece of a route.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece {
    /// Literal text, lowercased.
    Text(Vec<u8>),
    /// A `/:name` segment.
    Param,
}

/// The index over one router's stack.
#[derive(Debug, Clone, Default)]
pub(crate) struct RouteIndex {
    /// The root; its layers are the ones always tested.
    root: Node,
}

impl RouteIndex {
    /// Builds the index for a whole stack.
    pub(crate) fn build(stack: &[Arc<Layer>]) -> Self {
        let mut index = Self::default();
        for (position, layer) in stack.iter().enumerate() {
            index.insert(layer, position);
        }
        index
    }

    /// Files the layer at `position`, which must be after every layer already filed.
    pub(crate) fn insert(&mut self, layer: &Layer, position: usize) {
        let id = u32::try_from(position).unwrap_or(u32::MAX);
        let mut node = &mut self.root;
        for piece in index_key(layer) {
            node = match piece {
                Piece::Param => node.param.get_or_insert_with(Box::default),
                Piece::Text(bytes) => node.text_child(&bytes),
            };
        }
        node.layers.push(id);
    }

    /// Calls `visit` with the stack position of every layer that could match `path`,
    /// in ascending order. Returns false (without visiting anything) when the path is
    /// not ASCII: the caller must then test every layer.
    pub(crate) fn for_each_candidate(&self, path: &str, mut visit: impl FnMut(usize)) -> bool {
        if !path.is_ascii() {
            return false;
        }
        let mut lists = Lists {
            inline: [&[]; INLINE_LISTS],
            len: 0,
            overflow: Vec::new(),
        };
        self.root.collect(path.as_bytes(), &mut lists);
        if lists.overflow.is_empty() {
            merge(&mut lists.inline[..lists.len], &mut visit);
        } else {
            let mut all: Vec<&[u32]> = lists.inline.to_vec();
            all.append(&mut lists.overflow);
            merge(&mut all, &mut visit);
        }
        true
    }
}

impl Node {
    /// The node at the end of literal `bytes` below this one, created (splitting edges)
    /// as needed.
    fn text_child(&mut self, bytes: &[u8]) -> &mut Node {
        let Some(&first) = bytes.first() else {
            return self;
        };
        let Some(at) = self.indices.iter().position(|&b| b == first) else {
            self.indices.push(first);
            self.children.push(Node {
                label: bytes.to_vec(),
                ..Node::default()
            });
            return self.children.last_mut().expect("just pushed");
        };
        let child = &mut self.children[at];
        let common = child
            .label
            .iter()
            .zip(bytes)
            .take_while(|(a, b)| a == b)
            .count();
        if common < child.label.len() {
            let tail = child.label.split_off(common);
            let old = std::mem::take(child);
            *child = Node {
                label: old.label,
                layers: Vec::new(),
                indices: vec![tail[0]],
                children: vec![Node {
                    label: tail,
                    layers: old.layers,
                    children: old.children,
                    indices: old.indices,
                    param: old.param,
                }],
                param: None,
            };
        }
        child.text_child(&bytes[common..])
    }

    // ANCHOR: collect
    /// Collects this node's layers and walks on along every edge `rest` fits.
    fn collect<'i>(&'i self, rest: &[u8], lists: &mut Lists<'i>) {
        lists.push(&self.layers);
        if let Some(&first) = rest.first() {
            let first = first.to_ascii_lowercase();
            if let Some(at) = self.indices.iter().position(|&b| b == first) {
                let child = &self.children[at];
                let len = child.label.len();
                // The label is lowercase, so this is "the lowercased path continues with it".
                if rest.len() >= len && rest[..len].eq_ignore_ascii_case(&child.label) {
                    child.collect(&rest[len..], lists);
                }
            }
        }
        if let Some(param) = &self.param
            && rest.first() == Some(&b'/')
        {
            let run = rest[1..]
                .iter()
                .take_while(|b| !matches!(b, b'/' | b'#' | b'?'))
                .count();
            if run > 0 {
                param.collect(&rest[1 + run..], lists);
            }
        }
    }
    // ANCHOR_END: collect
}

/// How many candidate lists are kept without allocating.
const INLINE_LISTS: usize = 4;

/// The candidate lists of one lookup: one per node reached that has layers.
struct Lists<'i> {
    /// The first lists, without allocating.
    inline: [&'i [u32]; INLINE_LISTS],
    /// How many of `inline` are used.
    len: usize,
    /// Lists past the first [`INLINE_LISTS`].
    overflow: Vec<&'i [u32]>,
}

impl<'i> Lists<'i> {
    /// Adds a list, if it is not empty.
    #[inline]
    fn push(&mut self, list: &'i [u32]) {
        if list.is_empty() {
            return;
        }
        if self.len < INLINE_LISTS {
            self.inline[self.len] = list;
            self.len += 1;
        } else {
            self.overflow.push(list);
        }
    }
}

/// Visits the union of ascending lists in ascending order (each position is filed once,
/// so there are no duplicates). The lists are few: one per node the walk reached.
fn merge(lists: &mut [&[u32]], visit: &mut impl FnMut(usize)) {
    if let [only] = lists {
        only.iter().for_each(|&p| visit(p as usize));
        return;
    }
    loop {
        let mut best: Option<(usize, u32)> = None;
        for (which, list) in lists.iter().enumerate() {
            if let Some(&head) = list.first()
                && best.is_none_or(|(_, b)| head < b)
            {
                best = Some((which, head));
            }
        }
        let Some((which, head)) = best else {
            return;
        };
        lists[which] = &lists[which][1..];
        visit(head as usize);
    }
}

// ANCHOR: index_key
/// Is this key a `/:name` segment with the default pattern and no modifier?
fn is_segment(key: &Key) -> bool {
    key.prefix == "/"
        && key.suffix.is_empty()
        && key.pattern == DEFAULT_PATTERN
        && key.modifier == Modifier::None
}

/// Does this token (the one after a segment) need a delimiter or the end next?
fn needs_delimiter_next(next: Option<&Token>) -> bool {
    match next {
        None => true,
        Some(Token::Text(text)) => text.starts_with('/'),
        Some(Token::Key(key)) => {
            key.prefix.starts_with('/')
                && !key.pattern.is_empty()
                && matches!(key.modifier, Modifier::None | Modifier::OneOrMore)
        }
    }
}

/// The pieces a layer is filed under (see the module docs).
fn index_key(layer: &Layer) -> Vec<Piece> {
    if matches!(layer.path(), LayerPath::Regexp(_)) {
        return Vec::new();
    }
    let tokens = layer.regexp().tokens();
    let mut key = Vec::new();
    for (i, token) in tokens.iter().enumerate() {
        match token {
            Token::Text(text) => {
                let ascii: Vec<u8> = text
                    .bytes()
                    .take_while(u8::is_ascii)
                    .map(|b| b.to_ascii_lowercase())
                    .collect();
                let whole = ascii.len() == text.len();
                if !ascii.is_empty() {
                    key.push(Piece::Text(ascii));
                }
                if !whole {
                    break;
                }
            }
            Token::Key(k) if is_segment(k) && needs_delimiter_next(tokens.get(i + 1)) => {
                key.push(Piece::Param);
            }
            Token::Key(_) => break,
        }
    }
    key
}
// ANCHOR_END: index_key
