//! The committed chapter diffs (`book/src/diffs/`) are current, and the diff machinery
//! behind them and behind `yolk diff` does what the book says it does.

use std::path::PathBuf;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

use yolk::chapters::workspace_root;
use yolk::diff::{self, Stale, Status};

/// A scratch directory under the system temp dir, removed on drop.
struct Scratch(PathBuf);

impl Scratch {
    fn new(tag: &str) -> Scratch {
        static N: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "yolk-{tag}-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }

    fn write(&self, rel: &str, contents: impl AsRef<[u8]>) {
        let path = self.0.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, contents).unwrap();
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn committed_book_diffs_are_current() {
    let stale = diff::stale_book_diffs(workspace_root()).expect("regenerating the book diffs");
    assert!(
        stale.is_empty(),
        "the committed chapter diffs are stale:\n  {}\nrun `{}` and review the result",
        stale
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n  "),
        diff::WRITE_BOOK_COMMAND
    );
}

const OLD_CARGO: &str = "[package]\nname = \"chapter-04\"\n\n[[example]]\nname = \"ch04-hello\"\n";
const NEW_CARGO: &str = "[package]\nname = \"chapter-05\"\n\n[[example]]\nname = \"ch05-hello\"\n";
const OLD_LIB: &str = "\
//! chapter_04: the router
pub mod router;
pub fn a() {}
pub fn b() {}
pub fn c() {}
pub fn d() {}
pub fn e() {}
pub fn f() {}
";
const NEW_LIB: &str = "\
//! chapter_05: the router
pub mod router;
pub fn a() {}
pub fn b() {}
pub fn c() {}
pub fn d() -> u8 { 4 } // was in chapter-04
pub fn e() {}
pub fn f() {}
";

/// Two chapter-shaped directories: a changed line, an added and a removed file, files
/// that differ only by the chapter's own name, and droppings the diff must skip.
fn two_chapters() -> (Scratch, PathBuf, PathBuf) {
    let s = Scratch::new("diff");
    for (dir, cargo, lib) in [
        ("chapter-04", OLD_CARGO, OLD_LIB),
        ("chapter-05", NEW_CARGO, NEW_LIB),
    ] {
        s.write(&format!("{dir}/Cargo.toml"), cargo);
        s.write(&format!("{dir}/src/lib.rs"), lib);
        s.write(&format!("{dir}/target/debug/junk"), dir);
        s.write(&format!("{dir}/tests/snapshots/s__x.snap.new"), dir);
        s.write(
            &format!("{dir}/tests/snapshots/s__x.snap"),
            format!("source: chapters/{dir}/tests/s.rs\n"),
        );
    }
    s.write("chapter-04/src/old.rs", "gone\n");
    s.write("chapter-05/src/new.rs", "fn new() {}\nfn newer() {}\n");
    let (a, b) = (s.0.join("chapter-04"), s.0.join("chapter-05"));
    (s, a, b)
}

#[test]
fn diff_shows_added_removed_and_changed_files_with_names_normalised() {
    let (_s, a, b) = two_chapters();
    let d = diff::diff_dirs(&a, 4, &b, 5).unwrap();
    let summary: Vec<(&str, Status, usize, usize)> = d
        .files
        .iter()
        .map(|f| (f.path.as_str(), f.status, f.added, f.removed))
        .collect();
    assert_eq!(
        summary,
        [
            ("src/lib.rs", Status::Modified, 1, 1),
            ("src/new.rs", Status::Added, 2, 0),
            ("src/old.rs", Status::Removed, 0, 1),
        ]
    );
    assert_eq!(
        d.render(false),
        "\
--- a/src/lib.rs
+++ b/src/lib.rs
@@ -3,6 +3,6 @@
 pub fn a() {}
 pub fn b() {}
 pub fn c() {}
-pub fn d() {}
+pub fn d() -> u8 { 4 } // was in chapter-04
 pub fn e() {}
 pub fn f() {}
--- /dev/null
+++ b/src/new.rs
@@ -0,0 +1,2 @@
+fn new() {}
+fn newer() {}
--- a/src/old.rs
+++ /dev/null
@@ -1 +0,0 @@
-gone
"
    );
}

#[test]
fn stat_counts_lines_per_file_and_in_total() {
    let (_s, a, b) = two_chapters();
    let d = diff::diff_dirs(&a, 4, &b, 5).unwrap();
    assert_eq!((d.added(), d.removed()), (3, 2));
    assert_eq!(
        d.stat(false),
        concat!(
            " src/lib.rs | +1 -1\n",
            " src/new.rs | +2 -0 (new)\n",
            " src/old.rs | +0 -1 (deleted)\n",
            " 3 files changed, +3 -2\n",
        )
    );
}

#[test]
fn colour_is_only_added_when_asked() {
    let (_s, a, b) = two_chapters();
    let d = diff::diff_dirs(&a, 4, &b, 5).unwrap();
    assert!(!d.render(false).contains('\x1b'));
    assert!(!d.stat(false).contains('\x1b'));
    let coloured = d.render(true);
    assert!(
        coloured.contains("\x1b[32m+fn new() {}\x1b[0m"),
        "{coloured}"
    );
    assert!(coloured.contains("\x1b[31m-gone\x1b[0m"), "{coloured}");
    assert!(
        coloured.contains("\x1b[36m@@ -0,0 +1,2 @@\x1b[0m"),
        "{coloured}"
    );
}

#[test]
fn a_chapter_against_its_renamed_copy_is_empty() {
    let s = Scratch::new("copy");
    for n in [1, 2] {
        let dir = format!("chapter-0{n}");
        s.write(&format!("{dir}/Cargo.toml"), format!("name = \"{dir}\"\n"));
        s.write(
            &format!("{dir}/src/chapter_0{n}_notes.rs"),
            format!("use chapter_0{n};\n"),
        );
    }
    let d = diff::diff_dirs(&s.0.join("chapter-01"), 1, &s.0.join("chapter-02"), 2).unwrap();
    assert!(d.is_empty(), "{}", d.render(false));
    assert_eq!(d.stat(false), " 0 files changed, +0 -0\n");
}

#[test]
fn binary_files_are_reported_not_diffed() {
    let s = Scratch::new("binary");
    s.write("chapter-01/logo.png", [0u8, 1, 2, 3]);
    s.write("chapter-02/logo.png", [0u8, 1, 2, 4]);
    s.write("chapter-01/same.bin", [0xffu8, 0]);
    s.write("chapter-02/same.bin", [0xffu8, 0]);
    let d = diff::diff_dirs(&s.0.join("chapter-01"), 1, &s.0.join("chapter-02"), 2).unwrap();
    assert_eq!(d.files.len(), 1);
    assert!(d.files[0].binary);
    assert_eq!(
        d.render(false),
        "Binary files a/logo.png and b/logo.png differ\n"
    );
}

/// A workspace-shaped scratch dir with chapters 1 and 2.
fn workspace() -> Scratch {
    let s = Scratch::new("ws");
    s.write("chapters/chapter-01/Cargo.toml", "name = \"chapter-01\"\n");
    s.write("chapters/chapter-01/src/lib.rs", "pub fn hello() {}\n");
    s.write("chapters/chapter-02/Cargo.toml", "name = \"chapter-02\"\n");
    s.write(
        "chapters/chapter-02/src/lib.rs",
        "pub fn hello() {}\npub fn context() {}\n",
    );
    s.write("chapters/notes/readme.txt", "not a chapter\n");
    s
}

fn names(stale: &[Stale]) -> Vec<String> {
    stale.iter().map(ToString::to_string).collect()
}

#[test]
fn book_diffs_are_written_checked_and_pruned() {
    let ws = workspace();
    let root = ws.0.as_path();
    let path = diff::book_diff_path(root, 1, 2);

    assert_eq!(
        names(&diff::stale_book_diffs(root).unwrap()),
        ["book/src/diffs/chapter-01-to-02.diff is missing"]
    );
    assert_eq!(diff::write_book_diffs(root).unwrap().len(), 1);
    assert!(diff::stale_book_diffs(root).unwrap().is_empty());
    let written = std::fs::read_to_string(&path).unwrap();
    assert!(written.contains("+pub fn context() {}\n"), "{written}");
    assert!(
        diff::write_book_diffs(root).unwrap().is_empty(),
        "a second write changes nothing"
    );

    // A change to a chapter makes the committed diff stale.
    ws.write("chapters/chapter-02/src/lib.rs", "pub fn hello() {}\n");
    assert_eq!(
        names(&diff::stale_book_diffs(root).unwrap()),
        ["book/src/diffs/chapter-01-to-02.diff is out of date"]
    );

    // A new chapter adds a pair; a diff without a pair is reported and pruned.
    ws.write("chapters/chapter-03/Cargo.toml", "name = \"chapter-03\"\n");
    ws.write("book/src/diffs/chapter-03-to-04.diff", "old\n");
    ws.write("book/src/diffs/notes.md", "left alone\n");
    assert_eq!(
        names(&diff::stale_book_diffs(root).unwrap()),
        [
            "book/src/diffs/chapter-01-to-02.diff is out of date",
            "book/src/diffs/chapter-02-to-03.diff is missing",
            "book/src/diffs/chapter-03-to-04.diff has no chapter pair any more",
        ]
    );
    diff::write_book_diffs(root).unwrap();
    assert!(diff::stale_book_diffs(root).unwrap().is_empty());
    assert!(!root.join("book/src/diffs/chapter-03-to-04.diff").exists());
    assert!(root.join("book/src/diffs/notes.md").exists());
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "");
}

fn yolk(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_yolk"))
        .args(args)
        .output()
        .expect("running yolk")
}

#[test]
fn diffing_a_missing_chapter_is_a_one_line_error_and_exit_2() {
    for args in [
        ["diff", "1", "9"],
        ["diff", "1", "7"],
        ["diff", "x", "1"],
        ["diff", "0", "1"],
    ] {
        let out = yolk(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8(out.stderr).unwrap();
        assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
        assert!(err.starts_with("yolk: error: "), "{err}");
        assert!(out.stdout.is_empty());
    }
}

#[test]
fn diffing_a_chapter_with_itself_is_empty_and_plain_when_piped() {
    let out = yolk(&["diff", "1", "01"]);
    assert!(out.status.success());
    assert!(out.stdout.is_empty());
    let out = yolk(&["diff", "01", "1", "--stat"]);
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        " 0 files changed, +0 -0\n"
    );
}

#[test]
fn chapters_lists_the_eight_chapters() {
    let out = yolk(&["chapters"]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with("✓ 01  Raw HTTP"), "{text}");
    for title in [
        "Context",
        "Compose",
        "Router",
        "Loader",
        "Lifecycle",
        "Cluster",
        "Leader",
    ] {
        assert!(text.contains(title), "{title} missing from\n{text}");
    }
}
