//! The book builds, and every page's code is really there.
//!
//! Pages include code from the chapter crates by named anchors (`{{#include
//! ../../chapters/chapter-01/src/lib.rs:listen}}` between `// ANCHOR: listen` and
//! `// ANCHOR_END: listen`). mdBook is forgiving about these: a missing file leaves the
//! raw `{{#include …}}` text in the page, and a missing anchor silently renders nothing.
//! These tests load the book through `mdbook-driver`, run its preprocessors exactly as a
//! build does, and fail on:
//!
//! - an `{{#include}}` / `{{#rustdoc_include}}` still present after preprocessing
//!   (escaped ones, written `\{{#include …}}` to show the syntax, are allowed);
//! - an include whose file is missing, or whose anchor is missing or encloses no code;
//! - a leftover `ANCHOR:` / `ANCHOR_END:` marker line in a rendered page;
//! - a ```` ```rust ```` fence without `ignore` or `noplayground` (the code comes from a
//!   chapter crate and cannot compile or run standalone on the playground).
//!
//! And the whole book builds to HTML with its title on the front page.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use mdbook_driver::MDBook;
use mdbook_driver::book::{Book, BookItem, Chapter};
use mdbook_driver::builtin_renderers::MarkdownRenderer;

fn load() -> MDBook {
    let root = yolk::serve::book_dir();
    MDBook::load(&root).unwrap_or_else(|e| panic!("loading the book at {}: {e:#}", root.display()))
}

/// The written chapters (drafts have no page) as (path in `src/`, chapter).
fn pages(book: &Book) -> Vec<(PathBuf, &Chapter)> {
    book.iter()
        .filter_map(|item| match item {
            BookItem::Chapter(ch) => ch.path.clone().map(|p| (p, ch)),
            _ => None,
        })
        .collect()
}

/// One `{{#kind args}}` helper found in markdown.
#[derive(Debug, PartialEq)]
struct Helper {
    kind: String,
    args: String,
    /// Written `\{{#…}}`: shown literally, not expanded.
    escaped: bool,
    line: usize,
}

impl Helper {
    fn is_include(&self) -> bool {
        self.kind == "include" || self.kind == "rustdoc_include"
    }
}

/// Finds mdBook helpers the way mdBook's link preprocessor does: `{{`, optional
/// whitespace, `#name`, whitespace, arguments up to `}}`.
fn helpers(text: &str) -> Vec<Helper> {
    let mut found = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let mut rest = line;
        let mut offset = 0;
        while let Some(at) = rest.find("{{") {
            let escaped = line[..offset + at].ends_with('\\');
            let after = rest[at + 2..].trim_start();
            rest = &rest[at + 2..];
            offset += at + 2;
            let Some(body) = after.strip_prefix('#') else {
                continue;
            };
            let kind: String = body
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            let Some(close) = body.find("}}") else {
                continue;
            };
            if kind.is_empty() || close < kind.len() {
                continue;
            }
            let args = body[kind.len()..close].trim().to_owned();
            found.push(Helper {
                kind,
                args,
                escaped,
                line: i + 1,
            });
        }
    }
    found
}

/// The anchor name on a marker line (`// ANCHOR: name` → `name`), mdBook's way.
fn marker<'a>(line: &'a str, tag: &str) -> Option<&'a str> {
    let at = line.find(tag)?;
    let name = line[at + tag.len()..].trim_start();
    let end = name
        .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-'))
        .unwrap_or(name.len());
    (end > 0).then(|| &name[..end])
}

/// What an anchor encloses: `Err` when the anchor is missing, unclosed, or holds only
/// blank lines and other markers.
fn anchored_lines(text: &str, anchor: &str) -> Result<usize, String> {
    let mut lines = text.lines();
    if !lines.any(|l| marker(l, "ANCHOR:") == Some(anchor)) {
        return Err(format!("has no `ANCHOR: {anchor}`"));
    }
    let mut code = 0;
    for l in lines {
        if marker(l, "ANCHOR_END:") == Some(anchor) {
            return if code > 0 {
                Ok(code)
            } else {
                Err(format!("anchor `{anchor}` encloses no code"))
            };
        }
        if !l.trim().is_empty()
            && marker(l, "ANCHOR:").is_none()
            && marker(l, "ANCHOR_END:").is_none()
        {
            code += 1;
        }
    }
    Err(format!("has no `ANCHOR_END: {anchor}`"))
}

/// Checks the includes of one raw page: the file exists, and a named anchor encloses code.
fn check_includes(raw: &str, page_dir: &Path) -> Vec<String> {
    let mut problems = Vec::new();
    for h in helpers(raw)
        .into_iter()
        .filter(|h| h.is_include() && !h.escaped)
    {
        let target = h.args.split_whitespace().next().unwrap_or("");
        let (file, selector) = match target.split_once(':') {
            Some((file, selector)) => (file, Some(selector)),
            None => (target, None),
        };
        let path = page_dir.join(file);
        let Ok(text) = std::fs::read_to_string(&path) else {
            problems.push(format!(
                "line {}: {{{{#{} {}}}}}: cannot read {}",
                h.line,
                h.kind,
                h.args,
                path.display()
            ));
            continue;
        };
        let anchor = selector
            .and_then(|s| s.split(':').next())
            .filter(|s| !s.is_empty() && !s.bytes().all(|b| b.is_ascii_digit()));
        if let Some(anchor) = anchor
            && let Err(why) = anchored_lines(&text, anchor)
        {
            problems.push(format!(
                "line {}: {{{{#{} {}}}}}: {} {why}",
                h.line,
                h.kind,
                h.args,
                path.display()
            ));
        }
    }
    problems
}

/// Checks one preprocessed page; `escaped` is how many escaped includes its source shows.
fn check_rendered(content: &str, escaped: usize) -> Vec<String> {
    let mut problems = Vec::new();
    let left: Vec<Helper> = helpers(content)
        .into_iter()
        .filter(|h| h.is_include() && !h.escaped)
        .collect();
    if left.len() > escaped {
        for h in left {
            problems.push(format!(
                "line {}: unresolved {{{{#{} {}}}}}",
                h.line, h.kind, h.args
            ));
        }
    }
    let mut fence: Option<(char, usize)> = None;
    for (i, line) in content.lines().enumerate() {
        let n = i + 1;
        let trimmed = line.trim_start();
        let uncommented = ["//!", "///", "//", "#", "<!--", "/*", "--", ";"]
            .iter()
            .find_map(|c| trimmed.strip_prefix(c))
            .unwrap_or("")
            .trim_start();
        if uncommented.starts_with("ANCHOR:") || uncommented.starts_with("ANCHOR_END:") {
            problems.push(format!("line {n}: leftover anchor marker `{}`", trimmed));
        }
        let ch = trimmed.chars().next().unwrap_or(' ');
        let run = trimmed.chars().take_while(|&c| c == ch).count();
        match fence {
            Some((open, len))
                if ch == open && run >= len && trimmed[run * ch.len_utf8()..].trim().is_empty() =>
            {
                fence = None;
            }
            Some(_) => {}
            None if (ch == '`' || ch == '~') && run >= 3 => {
                fence = Some((ch, run));
                let info = &trimmed[run..];
                let mut words = info.split([',', ' ', '\t']).filter(|w| !w.is_empty());
                if words.next() == Some("rust")
                    && !words.any(|w| w == "ignore" || w == "noplayground")
                {
                    problems.push(format!(
                        "line {n}: `{trimmed}`: Rust code in the book is fenced `rust,ignore` or `rust,noplayground`"
                    ));
                }
            }
            None => {}
        }
    }
    problems
}

#[test]
fn every_include_resolves_and_every_fence_is_marked() {
    let md = load();
    let renderer = MarkdownRenderer::new();
    let (processed, _) = md
        .preprocess_book(&renderer)
        .unwrap_or_else(|e| panic!("preprocessing the book: {e:#}"));
    let src = md.source_dir();
    let raw_pages = pages(&md.book);
    let done_pages = pages(&processed);
    assert!(!raw_pages.is_empty(), "the book has no pages");
    assert_eq!(raw_pages.len(), done_pages.len());

    let mut problems = Vec::new();
    for ((path, raw), (_, done)) in raw_pages.iter().zip(&done_pages) {
        let dir = src.join(path.parent().unwrap_or(Path::new("")));
        let escaped = helpers(&raw.content)
            .iter()
            .filter(|h| h.is_include() && h.escaped)
            .count();
        for p in check_includes(&raw.content, &dir) {
            problems.push(format!("{} (source) {p}", path.display()));
        }
        for p in check_rendered(&done.content, escaped) {
            problems.push(format!("{} (rendered) {p}", path.display()));
        }
    }
    assert!(
        problems.is_empty(),
        "the book has problems:\n  {}",
        problems.join("\n  ")
    );
}

/// A scratch directory removed on drop.
struct Scratch(PathBuf);

impl Scratch {
    fn new() -> Scratch {
        static N: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "yolk-book-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn the_book_builds_with_its_title_on_the_front_page() {
    let out = Scratch::new();
    let mut md = load();
    let title = md
        .config
        .book
        .title
        .clone()
        .expect("book.toml sets a title");
    md.config.build.build_dir = out.0.join("html");
    md.build()
        .unwrap_or_else(|e| panic!("building the book: {e:#}"));
    let index =
        std::fs::read_to_string(out.0.join("html/index.html")).expect("index.html was written");
    assert!(
        index.contains(&title),
        "index.html does not name the book {title:?}"
    );
}

// The checks above must be able to fail: they are tried on pages built to fail.

#[test]
fn the_checks_catch_what_they_promise() {
    let s = Scratch::new();
    std::fs::write(
        s.0.join("code.rs"),
        "// ANCHOR: full\nfn a() {}\n// ANCHOR_END: full\n// ANCHOR: empty\n\n// ANCHOR_END: empty\n// ANCHOR: open\nfn b() {}\n",
    )
    .unwrap();
    let page = "\
{{#include code.rs:full}}
{{#include code.rs:empty}}
{{#include code.rs:open}}
{{#include code.rs:nowhere}}
{{#rustdoc_include missing.rs}}
{{#include code.rs:2:3}}
\\{{#include shown.rs:literally}}
";
    let problems = check_includes(page, &s.0);
    assert_eq!(problems.len(), 4, "{problems:#?}");
    assert!(problems[0].contains("encloses no code"));
    assert!(problems[1].contains("no `ANCHOR_END: open`"));
    assert!(problems[2].contains("no `ANCHOR: nowhere`"));
    assert!(problems[3].contains("cannot read"));

    let rendered = "\
{{#include shown.rs:literally}}
```rust
fn main() {}
```
```rust,ignore
fn main() {}
```
``` rust noplayground
// ANCHOR: leftover
```
~~~toml
# ANCHOR_END: x
~~~
Prose mentioning `// ANCHOR: name` inline is fine.
";
    let problems = check_rendered(rendered, 1);
    assert_eq!(problems.len(), 3, "{problems:#?}");
    assert!(problems[0].contains("line 2") && problems[0].contains("rust,ignore"));
    assert!(problems[1].contains("line 9") && problems[1].contains("leftover anchor"));
    assert!(problems[2].contains("line 12") && problems[2].contains("leftover anchor"));
    assert_eq!(
        check_rendered(rendered, 0).len(),
        4,
        "an unescaped leftover include is caught"
    );
}
