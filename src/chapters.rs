//! The table of chapters, and where each chapter lives on disk.
//!
//! This mirrors the chapter table of the design (`DESIGN.md` §2) so that `yolk chapters`
//! can list the whole plan — including chapters that are not written yet — and so that
//! `yolk diff` and the committed book diffs agree on what "chapter 4" means: the crate
//! `chapter-04` in `chapters/chapter-04/`.

use std::fmt;
use std::path::{Path, PathBuf};

/// One row of the chapter table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Chapter {
    /// The chapter number, 1-based; the crate is `chapter-{number:02}`.
    pub number: u32,
    /// The chapter's title as the book shows it.
    pub title: &'static str,
    /// One line on what the chapter reproduces and adds.
    pub summary: &'static str,
}

/// Every chapter of the book, in reading order.
pub const CHAPTERS: &[Chapter] = &[
    Chapter {
        number: 1,
        title: "Raw HTTP",
        summary: "Node's http.createServer(cb).listen() on hyper: a Node-shaped request and response, keep-alive, graceful close",
    },
    Chapter {
        number: 2,
        title: "Context",
        summary: "Koa's Application, Context, Request and Response: delegation, respond(), errors, cookies, content negotiation",
    },
    Chapter {
        number: 3,
        title: "Compose",
        summary: "koa-compose: the middleware onion with Next as a by-value cursor, and the classic middlewares",
    },
    Chapter {
        number: 4,
        title: "Router",
        summary: "@koa/router and koa-bodyparser: layers, path-to-regexp, params, nested routers, allowedMethods",
    },
    Chapter {
        number: 5,
        title: "Loader",
        summary: "egg-core's loader: load units, plugins, config merge, controllers, services, built-in middlewares",
    },
    Chapter {
        number: 6,
        title: "Lifecycle",
        summary: "egg-core's lifecycle: boot hooks in their exact order, ready callbacks and timeouts, idempotent close",
    },
    Chapter {
        number: 7,
        title: "Cluster & messenger",
        summary: "egg-cluster: master, agent and app workers, IPC, refork, graceful exit, messenger, schedules",
    },
    Chapter {
        number: 8,
        title: "Leader / follower",
        summary: "cluster-client: leader election, the framed wire protocol, subscribe/publish, failover",
    },
];

impl Chapter {
    /// Looks a chapter up by number.
    pub fn get(number: u32) -> Option<&'static Chapter> {
        CHAPTERS.iter().find(|c| c.number == number)
    }

    /// The package and directory name, e.g. `chapter-04`.
    pub fn crate_name(number: u32) -> String {
        format!("chapter-{number:02}")
    }

    /// The chapter's directory inside a workspace root: `ROOT/chapters/chapter-NN`.
    pub fn dir(workspace: &Path, number: u32) -> PathBuf {
        workspace.join("chapters").join(Self::crate_name(number))
    }

    /// Whether the chapter's crate exists on disk (its `Cargo.toml` is there).
    pub fn exists(workspace: &Path, number: u32) -> bool {
        Self::dir(workspace, number).join("Cargo.toml").is_file()
    }
}

/// The workspace root this binary was compiled in (the root package's manifest directory).
pub fn workspace_root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The numbers of the chapters that exist on disk, in order.
///
/// Any directory `chapters/chapter-NN` holding a `Cargo.toml` counts, even one beyond the
/// table, so that the tools keep working while a new chapter is being written.
pub fn existing(workspace: &Path) -> std::io::Result<Vec<u32>> {
    let mut found = Vec::new();
    let dir = workspace.join("chapters");
    let entries = match std::fs::read_dir(&dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(found),
        Err(e) => return Err(e),
    };
    for entry in entries {
        let entry = entry?;
        let name = entry.file_name();
        let Some(number) = name
            .to_str()
            .and_then(|n| n.strip_prefix("chapter-"))
            .and_then(|n| parse_number(n).ok())
        else {
            continue;
        };
        if entry.path().join("Cargo.toml").is_file() {
            found.push(number);
        }
    }
    found.sort_unstable();
    Ok(found)
}

/// Why a chapter argument was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChapterError {
    /// The argument is not a chapter number (`4` or `04`).
    NotANumber(String),
    /// The number is not in the book's table.
    NoSuchChapter(u32),
    /// The chapter is in the table but its crate is not on disk yet.
    NotWritten(u32),
}

impl fmt::Display for ChapterError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ChapterError::NotANumber(s) => {
                write!(f, "`{s}` is not a chapter number (write 4 or 04)")
            }
            ChapterError::NoSuchChapter(n) => write!(
                f,
                "there is no chapter {n}: the book has chapters 1 to {}",
                CHAPTERS.len()
            ),
            ChapterError::NotWritten(n) => write!(
                f,
                "chapter {n} does not exist yet (no chapters/{}/Cargo.toml)",
                Chapter::crate_name(*n)
            ),
        }
    }
}

impl std::error::Error for ChapterError {}

/// Parses a chapter number as a reader types it: `4` or `04` (one or two digits, not 0).
pub fn parse_number(s: &str) -> Result<u32, ChapterError> {
    let bad = || ChapterError::NotANumber(s.to_owned());
    if s.is_empty() || s.len() > 2 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    match s.parse::<u32>() {
        Ok(0) | Err(_) => Err(bad()),
        Ok(n) => Ok(n),
    }
}

/// Resolves a chapter argument against a workspace: it must parse and exist on disk.
pub fn resolve(workspace: &Path, arg: &str) -> Result<u32, ChapterError> {
    let n = parse_number(arg)?;
    if Chapter::exists(workspace, n) {
        Ok(n)
    } else if Chapter::get(n).is_some() {
        Err(ChapterError::NotWritten(n))
    } else {
        Err(ChapterError::NoSuchChapter(n))
    }
}

/// Renders the `yolk chapters` listing; `present` says which chapters exist on disk.
pub fn listing(present: &[u32]) -> String {
    let mut out = String::new();
    for c in CHAPTERS {
        let mark = if present.contains(&c.number) {
            "✓"
        } else {
            " "
        };
        out.push_str(&format!(
            "{mark} {:02}  {:<20} {}\n",
            c.number, c.title, c.summary
        ));
    }
    out.push_str("\n✓ = written (chapters/chapter-NN exists)\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_parse_with_or_without_a_leading_zero() {
        assert_eq!(parse_number("4"), Ok(4));
        assert_eq!(parse_number("04"), Ok(4));
        assert_eq!(parse_number("12"), Ok(12));
        for bad in ["", "0", "00", "004", "-1", "x", "4a", " 4", "+4"] {
            assert!(parse_number(bad).is_err(), "{bad:?} parsed");
        }
    }

    #[test]
    fn the_table_is_numbered_one_to_eight() {
        let numbers: Vec<u32> = CHAPTERS.iter().map(|c| c.number).collect();
        assert_eq!(numbers, (1..=8).collect::<Vec<_>>());
    }

    #[test]
    fn listing_marks_present_chapters() {
        let text = listing(&[1]);
        assert!(text.lines().next().unwrap().starts_with("✓ 01  Raw HTTP"));
        assert!(text.lines().nth(1).unwrap().starts_with("  02  Context"));
    }

    #[test]
    fn errors_read_as_one_line() {
        for e in [
            ChapterError::NotANumber("x".into()),
            ChapterError::NoSuchChapter(9),
            ChapterError::NotWritten(3),
        ] {
            assert!(!e.to_string().contains('\n'));
        }
    }
}
