//! `yolk diff`: what one chapter adds on top of another, as a unified diff.
//!
//! Every chapter crate is a complete snapshot, and chapter N+1 starts as a copy of
//! chapter N, so the difference between two chapter directories *is* the lesson
//! (`DESIGN.md` §4). This module computes that difference the way `diff -ruN` would,
//! with two twists that keep the output about the lesson only:
//!
//! - **The chapter's own name is normalised away.** Before comparing, each side's own
//!   crate name is replaced by a placeholder, in contents and in file paths:
//!   `chapter_04` → `chapter_NN`, `chapter-04` → `chapter-NN`, and the example-target
//!   prefix `ch04-` (as in `ch04-hello`, unique across the workspace) → `chNN-`. Only a
//!   side's *own* number is replaced, so chapter 5 mentioning `chapter-04` still shows.
//!   The diff therefore prints the placeholders, never the real numbers.
//! - **Build droppings are skipped**: any `target/` directory, `*.snap.new` and
//!   `*.pending-snap` files (insta's unreviewed snapshots).
//!
//! The committed copies under `book/src/diffs/` (one `chapter-0N-to-0M.diff` per pair of
//! consecutive existing chapters) are produced by [`write_book_diffs`] and checked by
//! [`stale_book_diffs`] from the root test `tests/diffs.rs`, so a change to chapter k
//! always shows up as a reviewed change to the book.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::io;
use std::path::{Path, PathBuf};

use similar::{Algorithm, ChangeTag, TextDiff};

use crate::chapters::{self, Chapter};

/// Lines of context around each change, as `diff -u` prints by default.
pub const CONTEXT_LINES: usize = 3;

/// Where the committed chapter diffs live, relative to the workspace root.
pub const BOOK_DIFFS_DIR: &str = "book/src/diffs";

/// The command that regenerates the committed diffs (quoted in error messages).
pub const WRITE_BOOK_COMMAND: &str = "cargo run -- diff --write-book";

/// How a file differs between the two sides.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Only in the new chapter.
    Added,
    /// Only in the old chapter.
    Removed,
    /// In both, with different (normalised) contents.
    Modified,
}

/// The difference in one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileDiff {
    /// The normalised path relative to the chapter directory, `/`-separated.
    pub path: String,
    /// Added, removed or modified.
    pub status: Status,
    /// Lines added (0 for binary files).
    pub added: usize,
    /// Lines removed (0 for binary files).
    pub removed: usize,
    /// True when either side is not UTF-8 text (or holds a NUL byte): no hunks then.
    pub binary: bool,
    /// The hunks (`@@ … @@` blocks) as plain text, without the `---`/`+++` header.
    pub hunks: String,
}

/// The difference between two chapter directories: the changed files, sorted by path.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DirDiff {
    /// One entry per added, removed or modified file; unchanged files are left out.
    pub files: Vec<FileDiff>,
}

/// ANSI styles used when the output is a terminal.
mod style {
    pub const BOLD: &str = "\x1b[1m";
    pub const RED: &str = "\x1b[31m";
    pub const GREEN: &str = "\x1b[32m";
    pub const CYAN: &str = "\x1b[36m";
    pub const DIM: &str = "\x1b[2m";
    pub const RESET: &str = "\x1b[0m";
}

impl DirDiff {
    /// True when the two directories are the same after normalisation.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// Total lines added over all files.
    pub fn added(&self) -> usize {
        self.files.iter().map(|f| f.added).sum()
    }

    /// Total lines removed over all files.
    pub fn removed(&self) -> usize {
        self.files.iter().map(|f| f.removed).sum()
    }

    /// The unified diff of every changed file, with `--- a/PATH` / `+++ b/PATH` headers
    /// (`/dev/null` for the missing side of an added or removed file). With `color`, ANSI
    /// escapes mark headers, hunk ranges, additions and removals.
    pub fn render(&self, color: bool) -> String {
        let paint = |out: &mut String, code: &str, line: &str| {
            if color {
                let _ = writeln!(out, "{code}{line}{}", style::RESET);
            } else {
                let _ = writeln!(out, "{line}");
            }
        };
        let mut out = String::new();
        for file in &self.files {
            let old = match file.status {
                Status::Added => "/dev/null".to_owned(),
                _ => format!("a/{}", file.path),
            };
            let new = match file.status {
                Status::Removed => "/dev/null".to_owned(),
                _ => format!("b/{}", file.path),
            };
            if file.binary {
                paint(
                    &mut out,
                    style::BOLD,
                    &format!("Binary files {old} and {new} differ"),
                );
                continue;
            }
            paint(&mut out, style::BOLD, &format!("--- {old}"));
            paint(&mut out, style::BOLD, &format!("+++ {new}"));
            for line in file.hunks.lines() {
                let code = match line.as_bytes().first() {
                    Some(b'@') => style::CYAN,
                    Some(b'+') => style::GREEN,
                    Some(b'-') => style::RED,
                    Some(b'\\') => style::DIM,
                    _ => {
                        let _ = writeln!(out, "{line}");
                        continue;
                    }
                };
                paint(&mut out, code, line);
            }
        }
        out
    }

    /// The per-file summary: one line per file (`path | +added -removed`, marked `(new)`,
    /// `(deleted)` or `binary`), then a total line.
    pub fn stat(&self, color: bool) -> String {
        let (green, red, reset) = if color {
            (style::GREEN, style::RED, style::RESET)
        } else {
            ("", "", "")
        };
        let width = self
            .files
            .iter()
            .map(|f| f.path.chars().count())
            .max()
            .unwrap_or(0);
        let mut out = String::new();
        for f in &self.files {
            let note = match f.status {
                Status::Added => " (new)",
                Status::Removed => " (deleted)",
                Status::Modified => "",
            };
            let pad = width - f.path.chars().count();
            if f.binary {
                let _ = writeln!(out, " {}{:pad$} | binary{note}", f.path, "");
            } else {
                let _ = writeln!(
                    out,
                    " {}{:pad$} | {green}+{}{reset} {red}-{}{reset}{note}",
                    f.path, "", f.added, f.removed
                );
            }
        }
        let n = self.files.len();
        let _ = writeln!(
            out,
            " {n} file{} changed, {green}+{}{reset} {red}-{}{reset}",
            if n == 1 { "" } else { "s" },
            self.added(),
            self.removed()
        );
        out
    }
}

/// Replaces a chapter's own names by placeholders: `chapter_04` → `chapter_NN`,
/// `chapter-04` → `chapter-NN`, `ch04-` → `chNN-`.
///
/// A name only matches as a whole word: not preceded by a letter, digit or `_`, and (for
/// the first two forms) not followed by a digit, so `chapter-041` or `subchapter-04` stay.
pub fn normalise(text: &str, chapter: u32) -> String {
    let patterns = [
        (format!("chapter_{chapter:02}"), "chapter_NN", true),
        (format!("chapter-{chapter:02}"), "chapter-NN", true),
        (format!("ch{chapter:02}-"), "chNN-", false),
    ];
    let mut out = text.to_owned();
    for (from, to, digit_guard) in &patterns {
        out = replace_word(&out, from, to, *digit_guard);
    }
    out
}

fn replace_word(text: &str, from: &str, to: &str, digit_guard: bool) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    let mut prev: Option<char> = None;
    while let Some(i) = rest.find(from) {
        let before = rest[..i].chars().next_back().or(prev);
        let after = rest[i + from.len()..].chars().next();
        let word_start = !before.is_some_and(|c| c.is_alphanumeric() || c == '_');
        let word_end = !digit_guard || !after.is_some_and(|c| c.is_ascii_digit());
        out.push_str(&rest[..i]);
        if word_start && word_end {
            out.push_str(to);
        } else {
            out.push_str(from);
        }
        prev = from.chars().next_back();
        rest = &rest[i + from.len()..];
    }
    out.push_str(rest);
    out
}

/// Whether a path (relative, `/`-separated) is skipped by the diff.
fn skipped(name: &str, is_dir: bool) -> bool {
    if is_dir {
        name == "target"
    } else {
        name.ends_with(".snap.new") || name.ends_with(".pending-snap")
    }
}

/// Lists the files under `root` as `/`-separated relative paths, skipping `target/` and
/// insta droppings. Symbolic links to files are read through; links to directories are
/// not followed (no loops).
fn list_files(root: &Path) -> io::Result<BTreeSet<String>> {
    let mut files = BTreeSet::new();
    let mut stack = vec![(root.to_path_buf(), String::new())];
    while let Some((dir, prefix)) = stack.pop() {
        for entry in std::fs::read_dir(&dir)? {
            let entry = entry?;
            let name = entry.file_name();
            let Some(name) = name.to_str() else {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!("file name is not UTF-8: {}", entry.path().display()),
                ));
            };
            let rel = format!("{prefix}{name}");
            let kind = entry.file_type()?;
            let is_dir = kind.is_dir();
            if skipped(name, is_dir) {
                continue;
            }
            if is_dir {
                stack.push((entry.path(), format!("{rel}/")));
            } else if kind.is_file() || entry.path().is_file() {
                files.insert(rel);
            }
        }
    }
    Ok(files)
}

/// A file's contents, as normalised text or as raw bytes when it is not text.
enum Contents {
    Text(String),
    Binary(Vec<u8>),
}

fn read(path: &Path, chapter: u32) -> io::Result<Contents> {
    let bytes = std::fs::read(path)?;
    if bytes.contains(&0) {
        return Ok(Contents::Binary(bytes));
    }
    match String::from_utf8(bytes) {
        Ok(text) => Ok(Contents::Text(normalise(&text, chapter))),
        Err(e) => Ok(Contents::Binary(e.into_bytes())),
    }
}

/// Diffs two texts into hunks; returns (hunks, added, removed).
fn diff_text(old: &str, new: &str) -> (String, usize, usize) {
    let diff = TextDiff::configure()
        .algorithm(Algorithm::Patience)
        .diff_lines(old, new);
    let (mut added, mut removed) = (0, 0);
    for change in diff.iter_all_changes() {
        match change.tag() {
            ChangeTag::Insert => added += 1,
            ChangeTag::Delete => removed += 1,
            ChangeTag::Equal => {}
        }
    }
    let mut hunks = String::new();
    for hunk in diff
        .unified_diff()
        .context_radius(CONTEXT_LINES)
        .iter_hunks()
    {
        let _ = write!(hunks, "{hunk}");
    }
    (hunks, added, removed)
}

/// Prefixes an I/O error with the path it happened on.
fn annotate(path: &Path) -> impl FnOnce(io::Error) -> io::Error + '_ {
    move |e| io::Error::new(e.kind(), format!("{}: {e}", path.display()))
}

/// Diffs two directories holding chapters `old_chapter` and `new_chapter` (the numbers
/// drive the name normalisation; see [`normalise`]).
pub fn diff_dirs(
    old_dir: &Path,
    old_chapter: u32,
    new_dir: &Path,
    new_chapter: u32,
) -> io::Result<DirDiff> {
    // Map normalised relative path -> real relative path, per side.
    let side = |dir: &Path, chapter: u32| -> io::Result<BTreeMap<String, String>> {
        Ok(list_files(dir)
            .map_err(annotate(dir))?
            .into_iter()
            .map(|real| (normalise(&real, chapter), real))
            .collect())
    };
    let old_files = side(old_dir, old_chapter)?;
    let new_files = side(new_dir, new_chapter)?;
    let all: BTreeSet<&String> = old_files.keys().chain(new_files.keys()).collect();

    let mut files = Vec::new();
    for path in all {
        let load = |files: &BTreeMap<String, String>, dir: &Path, chapter: u32| {
            files
                .get(path)
                .map(|real| {
                    let full = dir.join(real);
                    read(&full, chapter).map_err(annotate(&full))
                })
                .transpose()
        };
        let old = load(&old_files, old_dir, old_chapter)?;
        let new = load(&new_files, new_dir, new_chapter)?;
        let status = match (&old, &new) {
            (None, Some(_)) => Status::Added,
            (Some(_), None) => Status::Removed,
            _ => Status::Modified,
        };
        let as_text = |c: &Option<Contents>| match c {
            None => Some(String::new()),
            Some(Contents::Text(t)) => Some(t.clone()),
            Some(Contents::Binary(_)) => None,
        };
        match (as_text(&old), as_text(&new)) {
            (Some(a), Some(b)) => {
                if status == Status::Modified && a == b {
                    continue;
                }
                let (hunks, added, removed) = diff_text(&a, &b);
                files.push(FileDiff {
                    path: path.clone(),
                    status,
                    added,
                    removed,
                    binary: false,
                    hunks,
                });
            }
            _ => {
                let same = match (&old, &new) {
                    (Some(Contents::Binary(a)), Some(Contents::Binary(b))) => a == b,
                    _ => false,
                };
                if !same {
                    files.push(FileDiff {
                        path: path.clone(),
                        status,
                        added: 0,
                        removed: 0,
                        binary: true,
                        hunks: String::new(),
                    });
                }
            }
        }
    }
    Ok(DirDiff { files })
}

/// Diffs chapter `old` against chapter `new` inside a workspace root.
pub fn diff_chapters(workspace: &Path, old: u32, new: u32) -> io::Result<DirDiff> {
    diff_dirs(
        &Chapter::dir(workspace, old),
        old,
        &Chapter::dir(workspace, new),
        new,
    )
}

/// The file name of a committed chapter diff: `chapter-04-to-05.diff`.
pub fn book_diff_name(old: u32, new: u32) -> String {
    format!("chapter-{old:02}-to-{new:02}.diff")
}

/// Whether a file name looks like a committed chapter diff (`chapter-NN-to-MM.diff`).
fn is_book_diff_name(name: &str) -> bool {
    let Some(rest) = name
        .strip_prefix("chapter-")
        .and_then(|r| r.strip_suffix(".diff"))
    else {
        return false;
    };
    match rest.split_once("-to-") {
        Some((a, b)) => chapters::parse_number(a).is_ok() && chapters::parse_number(b).is_ok(),
        None => false,
    }
}

/// What the committed diffs should be: file name → contents, one per pair of consecutive
/// existing chapters (plain text, no colour).
pub fn expected_book_diffs(workspace: &Path) -> io::Result<BTreeMap<String, String>> {
    let present = chapters::existing(workspace)?;
    let mut out = BTreeMap::new();
    for pair in present.windows(2) {
        let (old, new) = (pair[0], pair[1]);
        let diff = diff_chapters(workspace, old, new)?;
        out.insert(book_diff_name(old, new), diff.render(false));
    }
    Ok(out)
}

/// Why a committed diff is not current.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stale {
    /// A diff that should exist is missing.
    Missing(String),
    /// A committed diff differs from the regenerated one.
    Outdated(String),
    /// A committed diff has no chapter pair any more.
    Extra(String),
}

impl std::fmt::Display for Stale {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Stale::Missing(n) => write!(f, "{BOOK_DIFFS_DIR}/{n} is missing"),
            Stale::Outdated(n) => write!(f, "{BOOK_DIFFS_DIR}/{n} is out of date"),
            Stale::Extra(n) => write!(f, "{BOOK_DIFFS_DIR}/{n} has no chapter pair any more"),
        }
    }
}

fn committed_book_diffs(dir: &Path) -> io::Result<BTreeMap<String, Vec<u8>>> {
    let mut out = BTreeMap::new();
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(out),
        Err(e) => return Err(e),
    };
    for entry in entries {
        let entry = entry?;
        if let Some(name) = entry.file_name().to_str()
            && is_book_diff_name(name)
        {
            out.insert(name.to_owned(), std::fs::read(entry.path())?);
        }
    }
    Ok(out)
}

/// Compares the committed diffs in `WORKSPACE/book/src/diffs` with freshly generated ones.
/// An empty result means everything is current.
pub fn stale_book_diffs(workspace: &Path) -> io::Result<Vec<Stale>> {
    let expected = expected_book_diffs(workspace)?;
    let committed = committed_book_diffs(&workspace.join(BOOK_DIFFS_DIR))?;
    let mut stale = Vec::new();
    for (name, text) in &expected {
        match committed.get(name) {
            None => stale.push(Stale::Missing(name.clone())),
            Some(bytes) if bytes != text.as_bytes() => stale.push(Stale::Outdated(name.clone())),
            Some(_) => {}
        }
    }
    for name in committed.keys() {
        if !expected.contains_key(name) {
            stale.push(Stale::Extra(name.clone()));
        }
    }
    Ok(stale)
}

/// Regenerates `WORKSPACE/book/src/diffs`: writes every missing or outdated diff and
/// removes diffs whose chapter pair is gone. Returns what it changed.
pub fn write_book_diffs(workspace: &Path) -> io::Result<Vec<Stale>> {
    let dir = workspace.join(BOOK_DIFFS_DIR);
    let stale = stale_book_diffs(workspace)?;
    if stale.is_empty() {
        return Ok(stale);
    }
    let expected = expected_book_diffs(workspace)?;
    std::fs::create_dir_all(&dir)?;
    for s in &stale {
        match s {
            Stale::Missing(name) | Stale::Outdated(name) => {
                std::fs::write(dir.join(name), &expected[name])?;
            }
            Stale::Extra(name) => std::fs::remove_file(dir.join(name))?,
        }
    }
    Ok(stale)
}

/// Where the committed diff for a chapter pair lives.
pub fn book_diff_path(workspace: &Path, old: u32, new: u32) -> PathBuf {
    workspace
        .join(BOOK_DIFFS_DIR)
        .join(book_diff_name(old, new))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_only_the_chapters_own_names_as_words() {
        let text =
            "use chapter_04::x; // chapter-04, ch04-hello, chapter-041, subchapter_04, chapter-05";
        assert_eq!(
            normalise(text, 4),
            "use chapter_NN::x; // chapter-NN, chNN-hello, chapter-041, subchapter_04, chapter-05"
        );
        assert_eq!(normalise("chapter-04chapter-04", 4), "chapter-NNchapter-04");
        assert_eq!(normalise("no names here", 4), "no names here");
        assert_eq!(
            normalise("ünichapter_04 chapter_04", 4),
            "ünichapter_04 chapter_NN"
        );
    }

    #[test]
    fn book_diff_names_round_trip() {
        assert_eq!(book_diff_name(4, 5), "chapter-04-to-05.diff");
        assert!(is_book_diff_name("chapter-04-to-05.diff"));
        assert!(!is_book_diff_name("chapter-04-to-05.txt"));
        assert!(!is_book_diff_name("notes.diff"));
        assert!(!is_book_diff_name("chapter-x-to-05.diff"));
    }

    #[test]
    fn text_diff_counts_lines_and_marks_missing_newlines() {
        let (hunks, added, removed) = diff_text("a\nb\nc\n", "a\nB\nc");
        assert_eq!((added, removed), (2, 2));
        assert!(hunks.starts_with("@@ -1,3 +1,3 @@\n"), "{hunks}");
        assert!(hunks.contains("\\ No newline at end of file"), "{hunks}");
    }
}
