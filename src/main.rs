//! `yolk`, the book's companion command line: `serve`, `diff`, `chapters`, `bench`.
//!
//! Everything lives in the library (`yolk::cli`) so tests can reach it; this file only
//! parses the arguments and hands over.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    yolk::cli::run(yolk::cli::Cli::parse())
}
