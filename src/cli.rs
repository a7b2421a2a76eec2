//! The `yolk` command line: what each subcommand means and how it reports.
//!
//! Exit codes: `0` success, `1` a failure while working (I/O, book build, a server that
//! does not start), `2` a bad invocation (clap's own usage errors, a chapter that does not
//! exist, a bench row that does not exist, `wrk` or `taskset` missing), `130` a bench
//! interrupted by Ctrl-C.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::chapters::{self, workspace_root};
use crate::{bench, diff, serve};

/// Yolk's companion: read the book, compare chapters, measure what each layer costs.
#[derive(Debug, Parser)]
#[command(name = "yolk", version, about, long_about = None)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build the book (mdbook-driver) and serve it with the newest chapter's server.
    Serve {
        /// Address to listen on (port 0 picks a free port).
        #[arg(long, value_name = "ADDR", default_value = serve::DEFAULT_LISTEN)]
        listen: String,
    },
    /// Show what chapter B changes on top of chapter A, as a unified diff.
    ///
    /// Each side's own crate name is normalised (chapter_04 -> chapter_NN, chapter-04 ->
    /// chapter-NN, ch04- -> chNN-) so only real changes show.
    Diff {
        /// The older chapter, `4` or `04`.
        #[arg(required_unless_present = "write_book")]
        a: Option<String>,
        /// The newer chapter, `5` or `05`.
        #[arg(required_unless_present = "write_book")]
        b: Option<String>,
        /// Print a per-file summary (+added -removed) and a total instead of the diff.
        #[arg(long, conflicts_with = "write_book")]
        stat: bool,
        /// Regenerate the book's committed diffs (book/src/diffs/chapter-0N-to-0M.diff)
        /// for every pair of consecutive chapters.
        #[arg(long, conflicts_with_all = ["a", "b"])]
        write_book: bool,
    },
    /// List the book's chapters, marking those written so far.
    Chapters,
    /// Load-test release servers with wrk and write what each layer costs into the book.
    ///
    /// Each server is pinned to CPU 0 and `wrk -t1 -c64` to CPU 1; the figure that counts
    /// is the server's CPU time per request, as a ratio to bare hyper's in the same round.
    /// Needs `wrk` and `taskset`; the Koa rows also need `node` and
    /// `tests/koa-reference/node_modules` (`npm ci`), and are skipped without them.
    Bench {
        /// Measured rounds; each round loads every server once.
        #[arg(long, value_name = "N", default_value_t = 3,
              value_parser = clap::value_parser!(u32).range(1..=1000))]
        rounds: u32,
        /// Seconds per measured wrk run.
        #[arg(long, value_name = "SECS", default_value_t = 10,
              value_parser = clap::value_parser!(u32).range(1..=3600))]
        duration: u32,
        /// Seconds of wrk warm-up per server before the first round (0: none).
        #[arg(long, value_name = "SECS", default_value_t = 2,
              value_parser = clap::value_parser!(u32).range(0..=3600))]
        warmup: u32,
        /// Only these rows (comma-separated); the bare-hyper baseline of each is added.
        #[arg(long, value_name = "NAME[,NAME]", value_delimiter = ',')]
        only: Vec<String>,
        /// Write results.md, the SVG chart and results.json into DIR instead of the
        /// book (book/src/appendix-benchmarks.md, book/src/images/, book/src/bench/).
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
    },
}

/// Writes to stdout; a closed pipe (`yolk diff 1 2 | head`) ends quietly.
fn emit(text: &str) -> ExitCode {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => fail(1, &format!("writing to stdout: {e}")),
    }
}

/// Prints a one-line error and returns the exit code.
fn fail(code: u8, message: &str) -> ExitCode {
    eprintln!("yolk: error: {message}");
    ExitCode::from(code)
}

/// Runs a parsed command line.
pub fn run(cli: Cli) -> ExitCode {
    let root = workspace_root();
    match cli.command {
        Command::Serve { listen } => match serve::run(&listen) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => fail(1, &e),
        },
        Command::Bench {
            rounds,
            duration,
            warmup,
            only,
            out,
        } => {
            let options = bench::Options {
                rounds,
                duration,
                warmup,
                only,
                out,
            };
            match bench::run(root, &options) {
                Ok(()) => ExitCode::SUCCESS,
                Err(failure) => fail(failure.code, &failure.message),
            }
        }
        Command::Chapters => match chapters::existing(root) {
            Ok(present) => emit(&chapters::listing(&present)),
            Err(e) => fail(
                1,
                &format!("reading {}: {e}", root.join("chapters").display()),
            ),
        },
        Command::Diff {
            write_book: true, ..
        } => match diff::write_book_diffs(root) {
            Ok(changed) if changed.is_empty() => emit("book diffs are up to date\n"),
            Ok(changed) => {
                let text: String = changed.iter().map(|s| format!("updated: {s}\n")).collect();
                emit(&text)
            }
            Err(e) => fail(1, &format!("writing the book diffs: {e}")),
        },
        Command::Diff { a, b, stat, .. } => {
            let (Some(a), Some(b)) = (a, b) else {
                return fail(2, "`yolk diff` needs two chapters, e.g. `yolk diff 4 5`");
            };
            let (a, b) = match (chapters::resolve(root, &a), chapters::resolve(root, &b)) {
                (Ok(a), Ok(b)) => (a, b),
                (Err(e), _) | (_, Err(e)) => return fail(2, &e.to_string()),
            };
            let d = match diff::diff_chapters(root, a, b) {
                Ok(d) => d,
                Err(e) => return fail(1, &format!("diffing chapters {a} and {b}: {e}")),
            };
            let color = std::io::stdout().is_terminal();
            emit(&if stat { d.stat(color) } else { d.render(color) })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_well_formed() {
        Cli::command().debug_assert();
    }

    #[test]
    fn diff_arguments_parse() {
        let cli = Cli::try_parse_from(["yolk", "diff", "4", "05", "--stat"]).unwrap();
        assert!(matches!(
            cli.command,
            Command::Diff {
                stat: true,
                write_book: false,
                ..
            }
        ));
        let cli = Cli::try_parse_from(["yolk", "diff", "--write-book"]).unwrap();
        assert!(matches!(
            cli.command,
            Command::Diff {
                write_book: true,
                ..
            }
        ));
        assert!(Cli::try_parse_from(["yolk", "diff", "4"]).is_err());
        assert!(Cli::try_parse_from(["yolk", "diff", "4", "5", "--write-book"]).is_err());
    }

    #[test]
    fn bench_options_parse_with_their_defaults() {
        let cli = Cli::try_parse_from(["yolk", "bench"]).unwrap();
        let Command::Bench {
            rounds,
            duration,
            warmup,
            only,
            out,
        } = cli.command
        else {
            panic!("not bench");
        };
        assert_eq!((rounds, duration, warmup), (3, 10, 2));
        assert!(only.is_empty() && out.is_none());
        let cli = Cli::try_parse_from([
            "yolk",
            "bench",
            "--rounds",
            "1",
            "--duration",
            "3",
            "--warmup",
            "0",
            "--only",
            "axum-hello,koa-hello",
            "--out",
            "/tmp/x",
        ])
        .unwrap();
        assert!(matches!(
            cli.command,
            Command::Bench { rounds: 1, duration: 3, warmup: 0, ref only, out: Some(_) }
                if only == &["axum-hello", "koa-hello"]
        ));
        assert!(Cli::try_parse_from(["yolk", "bench", "--rounds", "0"]).is_err());
        assert!(Cli::try_parse_from(["yolk", "bench", "--duration", "0"]).is_err());
        assert!(Cli::try_parse_from(["yolk", "bench", "--rounds", "x"]).is_err());
    }

    #[test]
    fn serve_defaults_to_port_3000() {
        let cli = Cli::try_parse_from(["yolk", "serve"]).unwrap();
        assert!(matches!(cli.command, Command::Serve { listen } if listen == "127.0.0.1:3000"));
    }
}
