//! `yolk bench`: what each layer costs, measured with `wrk` against release servers.
//!
//! Readers ask two things the code cannot answer by itself: how much does each layer Koa
//! adds cost, and how does the Rust reproduction compare with the real Koa and with what
//! a Rust engineer would pick instead (bare hyper, axum). This module answers with numbers
//! anyone can reproduce, the way `DESIGN.md` §8 measures its bars:
//!
//! - every server is a release build started under `taskset -c 0`, and `wrk -t1 -c64`
//!   runs under `taskset -c 1`, on loopback, keep-alive;
//! - each server is started alone and timed from spawn to its first `200`, warmed up,
//!   then measured in **rounds**: a round runs `wrk` once against every server, in table
//!   order, so the rows of one round are measured minutes apart at most;
//! - the number that tells Rust servers apart is the **server's CPU time per request**:
//!   the user + system time of the server's whole process tree during the run
//!   (`/proc/PID/stat`, summed over every descendant) ÷ the requests `wrk` completed. On a
//!   two-core machine `wrk` itself saturates near 100 k requests/s, so requests/s mostly
//!   measures `wrk`; CPU per request measures the server. It is reported as a ratio to
//!   bare hyper's **in the same round**, so a machine that is busier in round 2 than in
//!   round 1 shifts both sides of the ratio.
//!
//! The servers are data, [`ROWS`]: a name, how to start it, what to load, what the body
//! must start with. A later chapter adds its rows as lines of that table — a server of
//! `examples/bench_server.rs`, a chapter's own example, or a Node script of
//! `tests/koa-reference/` — and no code here changes.
//!
//! The output is the same three things wherever it goes: a markdown section (the table,
//! the bars of `DESIGN.md` §8 met or missed, the exact command, the machine), an SVG bar
//! chart drawn by [`svg_bar_chart`] (no plotting crate), and the raw results of every
//! round as JSON. By default they go into the book: `book/src/appendix-benchmarks.md`
//! between [`BEGIN`] and [`END`], `book/src/images/bench-cpu-per-request.svg` and
//! `book/src/bench/results.json`.
//!
//! `wrk`: <https://github.com/wg/wrk> (its `--latency` table is what [`parse_wrk`] reads).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::os::unix::process::CommandExt as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde::Serialize;

// ---------------------------------------------------------------------------------------
// The table
// ---------------------------------------------------------------------------------------

/// What a row loads, what it must answer, and what it is compared with.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Route {
    /// The path `wrk` loads.
    pub path: &'static str,
    /// What the body of the first `200` must start with; a server that answers something
    /// else is broken, not fast.
    pub expect: &'static str,
    /// The row whose CPU per request, in the same round, is this row's `1.00 ×`.
    pub baseline: &'static str,
    /// The bar of `DESIGN.md` §8 that our own (`Family::Yolk`) rows of this route must meet.
    pub bar: Option<Bar>,
}

/// A bar of `DESIGN.md` §8 for CPU per request.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bar {
    /// At most this many times the baseline's CPU per request.
    pub max_ratio: f64,
    /// And no more than this row's (the peer a Rust engineer would pick instead).
    pub peer: Option<&'static str>,
}

/// `GET /` → `Hello World`: the smallest request, on every server.
pub const HELLO: Route = Route {
    path: "/",
    expect: "Hello World",
    baseline: "bare-hyper-hello",
    bar: Some(Bar {
        max_ratio: 1.10,
        peer: Some("axum-hello"),
    }),
};

/// `GET /users/42` → `{"id":"42"}`: a route with a path parameter, answered with JSON.
pub const USERS: Route = Route {
    path: "/users/42",
    expect: r#"{"id":"42"}"#,
    baseline: "bare-hyper-users",
    bar: Some(Bar {
        max_ratio: 1.15,
        peer: Some("axum-users"),
    }),
};

/// How a row's server is started. Every launch gets `--listen 127.0.0.1:PORT` appended
/// and must print `listening on http://ADDR` and serve until SIGTERM.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Launch {
    /// `bench-server --server NAME`: the root example `examples/bench_server.rs`.
    Bench(&'static str),
    /// A chapter's own example, built with `cargo build --release -p PACKAGE --example
    /// EXAMPLE` (e.g. chapter 04's showcase).
    Example {
        /// The package, `chapter-04`.
        package: &'static str,
        /// The example target, `ch04-showcase`.
        example: &'static str,
    },
    /// `node tests/koa-reference/SCRIPT`, the real Koa; skipped (loudly) without Node or
    /// without `tests/koa-reference/node_modules`.
    Node(&'static str),
}

/// Who a server belongs to; it colours the chart and decides which rows have bars.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Family {
    /// Bare hyper: the floor.
    Floor,
    /// What a Rust engineer would pick instead: axum.
    Peer,
    /// This book's chapters.
    Yolk,
    /// The real Koa, on Node.
    Koa,
}

impl Family {
    /// The name the chart's legend gives the family.
    pub fn label(self) -> &'static str {
        match self {
            Family::Floor => "bare hyper",
            Family::Peer => "axum",
            Family::Yolk => "Yolk chapters",
            Family::Koa => "Koa on Node",
        }
    }

    /// The family's colour in the chart.
    pub fn color(self) -> &'static str {
        match self {
            Family::Floor => "#7a7a7a",
            Family::Peer => "#d9822b",
            Family::Yolk => "#2b6cb0",
            Family::Koa => "#38a169",
        }
    }
}

/// One server under load: a line of [`ROWS`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Row {
    /// The row's name, as `--only` and the table spell it.
    pub name: &'static str,
    /// Whose server it is.
    pub family: Family,
    /// How to start it.
    pub launch: Launch,
    /// What to load and expect.
    pub route: Route,
}

impl Row {
    /// A row of the table.
    pub const fn new(name: &'static str, family: Family, launch: Launch, route: Route) -> Row {
        Row {
            name,
            family,
            launch,
            route,
        }
    }
}

/// Every server `yolk bench` knows, in the order it measures them and the table shows
/// them. A later chapter adds lines here, for instance
/// `Row::new("chapter-04-showcase-users", Family::Yolk, Launch::Example { package:
/// "chapter-04", example: "ch04-showcase" }, USERS)`.
#[rustfmt::skip]
pub const ROWS: &[Row] = &[
    //       name                family         how to start it                    route
    Row::new("bare-hyper-hello", Family::Floor, Launch::Bench("bare-hyper"),       HELLO),
    Row::new("bare-hyper-users", Family::Floor, Launch::Bench("bare-hyper"),       USERS),
    Row::new("bare-hyper-limits-hello", Family::Peer, Launch::Bench("bare-hyper-limits"), HELLO),
    Row::new("axum-hello",       Family::Peer,  Launch::Bench("axum-hello"),       HELLO),
    Row::new("axum-users",       Family::Peer,  Launch::Bench("axum-users"),       USERS),
    Row::new("chapter-01-hello", Family::Yolk,  Launch::Bench("chapter-01-hello"), HELLO),
    Row::new("chapter-02-hello", Family::Yolk,  Launch::Bench("chapter-02-hello"), HELLO),
    Row::new("chapter-03-hello", Family::Yolk,  Launch::Bench("chapter-03-hello"), HELLO),
    Row::new("chapter-04-hello", Family::Yolk,  Launch::Bench("chapter-04-hello"), HELLO),
    Row::new("chapter-04-showcase-users", Family::Yolk, Launch::Example { package: "chapter-04", example: "ch04-showcase" }, USERS),
    Row::new("koa-hello",        Family::Koa,   Launch::Node("hello.js"),          HELLO),
    Row::new("koa-router-users", Family::Koa,   Launch::Node("showcase.js"),       USERS),
];

/// Looks a row up by name.
pub fn row(name: &str) -> Option<&'static Row> {
    ROWS.iter().find(|r| r.name == name)
}

// ---------------------------------------------------------------------------------------
// Settings and failures
// ---------------------------------------------------------------------------------------

/// The CPU the servers are pinned to.
pub const SERVER_CPU: u32 = 0;
/// The CPU `wrk` is pinned to.
pub const WRK_CPU: u32 = 1;
/// `wrk -t1`: one load thread, on its own CPU.
pub const WRK_THREADS: u32 = 1;
/// `wrk -c64`: connections kept open.
pub const WRK_CONNECTIONS: u32 = 64;
/// How long a server may take from spawn to its first `200`.
pub const STARTUP_LIMIT: Duration = Duration::from_secs(30);
/// The marker line before the generated part of the appendix.
pub const BEGIN: &str = "<!-- bench:begin -->";
/// The marker line after the generated part of the appendix.
pub const END: &str = "<!-- bench:end -->";
/// The chart's file name (in `book/src/images/`, or in `--out DIR`).
pub const SVG_NAME: &str = "bench-cpu-per-request.svg";

/// What `yolk bench` was asked to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// Measured rounds per row.
    pub rounds: u32,
    /// Seconds per measured `wrk` run.
    pub duration: u32,
    /// Seconds of `wrk` warm-up per server before the first round (0: none).
    pub warmup: u32,
    /// Only these rows (their baselines are added); empty means all.
    pub only: Vec<String>,
    /// Write `results.md`, the chart and `results.json` here instead of into the book.
    pub out: Option<PathBuf>,
}

impl Options {
    /// The command that reproduces this run, every setting spelled out.
    pub fn command(&self) -> String {
        let mut command = format!(
            "cargo run --release -- bench --rounds {} --duration {} --warmup {}",
            self.rounds, self.duration, self.warmup
        );
        if !self.only.is_empty() {
            let _ = write!(command, " --only {}", self.only.join(","));
        }
        command
    }
}

/// Why `yolk bench` stopped: a message and the exit code it warrants.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// `2` for a bad invocation or a missing tool, `1` for a failure while working,
    /// `130` when interrupted.
    pub code: u8,
    /// One line (or a few) saying what went wrong.
    pub message: String,
}

impl Failure {
    fn usage(message: impl Into<String>) -> Failure {
        Failure {
            code: 2,
            message: message.into(),
        }
    }

    fn work(message: impl Into<String>) -> Failure {
        Failure {
            code: 1,
            message: message.into(),
        }
    }

    fn interrupted() -> Failure {
        Failure {
            code: 130,
            message: "interrupted; every server was stopped".to_owned(),
        }
    }
}

/// Set by SIGINT / SIGTERM; every wait checks it.
static INTERRUPTED: AtomicBool = AtomicBool::new(false);

fn check_interrupted() -> Result<(), Failure> {
    if INTERRUPTED.load(Ordering::SeqCst) {
        Err(Failure::interrupted())
    } else {
        Ok(())
    }
}

/// Catches SIGINT and SIGTERM for the rest of the process: instead of dying with servers
/// still running, `yolk bench` notices at its next check, stops every server, and exits
/// with 130. (`wrk` and `cargo` are in our process group and get Ctrl-C themselves; the
/// servers are in groups of their own, so only we stop them.)
fn install_interrupt_handler() -> io::Result<()> {
    use tokio::signal::unix::{SignalKind, signal};
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let (mut interrupt, mut terminate) = runtime.block_on(async {
        Ok::<_, io::Error>((
            signal(SignalKind::interrupt())?,
            signal(SignalKind::terminate())?,
        ))
    })?;
    std::thread::Builder::new()
        .name("yolk-bench-signals".to_owned())
        .spawn(move || {
            runtime.block_on(async {
                loop {
                    tokio::select! {
                        _ = interrupt.recv() => {}
                        _ = terminate.recv() => {}
                    }
                    INTERRUPTED.store(true, Ordering::SeqCst);
                    eprintln!("\nyolk bench: interrupted; stopping the servers");
                }
            })
        })?;
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Choosing the rows
// ---------------------------------------------------------------------------------------

/// The rows to measure for `--only` (empty: all), in table order, with the baseline of
/// every chosen row added; the second list says which were added and why.
pub fn select(only: &[String]) -> Result<(Vec<&'static Row>, Vec<String>), String> {
    let names: Vec<&str> = only
        .iter()
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .collect();
    if names.is_empty() {
        return Ok((ROWS.iter().collect(), Vec::new()));
    }
    let known: Vec<&str> = ROWS.iter().map(|r| r.name).collect();
    if let Some(bad) = names.iter().find(|n| !known.contains(n)) {
        return Err(format!(
            "no bench row is called {bad:?}; the rows are: {}",
            known.join(", ")
        ));
    }
    let mut notes = Vec::new();
    let mut wanted: Vec<&str> = names.clone();
    for name in &names {
        let baseline = row(name).map(|r| r.route.baseline).unwrap_or_default();
        if !wanted.contains(&baseline) {
            wanted.push(baseline);
            notes.push(format!("added {baseline}: the baseline of {name}"));
        }
    }
    Ok((
        ROWS.iter().filter(|r| wanted.contains(&r.name)).collect(),
        notes,
    ))
}

// ---------------------------------------------------------------------------------------
// Parsers: wrk's report, /proc
// ---------------------------------------------------------------------------------------

/// What one `wrk` run reported.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WrkReport {
    /// Requests completed (`N requests in …`).
    pub requests: u64,
    /// How long the run took, in seconds (`… in 3.00s`).
    pub seconds: f64,
    /// `Requests/sec:`.
    pub requests_per_sec: f64,
    /// The `50%` line of the `--latency` table, in µs.
    pub p50_us: Option<f64>,
    /// The `99%` line of the `--latency` table, in µs.
    pub p99_us: Option<f64>,
    /// `Non-2xx or 3xx responses:` (0 when absent).
    pub non_2xx: u64,
    /// The sum of `Socket errors: connect …, read …, write …, timeout …` (0 when absent).
    pub socket_errors: u64,
}

/// A duration as `wrk` prints it (`583.00us`, `1.01ms`, `2.00s`, `1.00m`, `1.00h`), in µs.
pub fn parse_wrk_time_us(text: &str) -> Option<f64> {
    let text = text.trim();
    let units: [(&str, f64); 5] = [
        ("us", 1.0),
        ("ms", 1e3),
        ("s", 1e6),
        ("m", 60e6),
        ("h", 3600e6),
    ];
    units.iter().find_map(|(suffix, scale)| {
        let number: f64 = text.strip_suffix(suffix)?.trim().parse().ok()?;
        (number.is_finite() && number >= 0.0).then_some(number * scale)
    })
}

/// Reads `wrk`'s report. `requests` and `Requests/sec` must be there; the latency lines
/// only are with `--latency`.
pub fn parse_wrk(text: &str) -> Result<WrkReport, String> {
    let mut requests = None;
    let mut seconds = None;
    let mut requests_per_sec = None;
    let mut p50_us = None;
    let mut p99_us = None;
    let mut non_2xx = 0;
    let mut socket_errors = 0;
    for line in text.lines().map(str::trim) {
        if let Some(value) = line.strip_prefix("50%") {
            p50_us = Some(parse_wrk_time_us(value).ok_or(format!("bad wrk line {line:?}"))?);
        } else if let Some(value) = line.strip_prefix("99%") {
            p99_us = Some(parse_wrk_time_us(value).ok_or(format!("bad wrk line {line:?}"))?);
        } else if let Some((count, rest)) = line.split_once(" requests in ") {
            requests = Some(
                count
                    .trim()
                    .parse::<u64>()
                    .map_err(|_| format!("bad wrk line {line:?}"))?,
            );
            let elapsed = rest.split(',').next().unwrap_or("");
            seconds =
                Some(parse_wrk_time_us(elapsed).ok_or(format!("bad wrk line {line:?}"))? / 1e6);
        } else if let Some(value) = line.strip_prefix("Requests/sec:") {
            requests_per_sec = Some(
                value
                    .trim()
                    .parse::<f64>()
                    .map_err(|_| format!("bad wrk line {line:?}"))?,
            );
        } else if let Some(value) = line.strip_prefix("Non-2xx or 3xx responses:") {
            non_2xx = value
                .trim()
                .parse()
                .map_err(|_| format!("bad wrk line {line:?}"))?;
        } else if let Some(value) = line.strip_prefix("Socket errors:") {
            for part in value.split(',') {
                let count = part
                    .split_whitespace()
                    .nth(1)
                    .and_then(|n| n.parse::<u64>().ok());
                socket_errors += count.ok_or(format!("bad wrk line {line:?}"))?;
            }
        }
    }
    Ok(WrkReport {
        requests: requests.ok_or("wrk printed no `N requests in …` line")?,
        seconds: seconds.unwrap_or(0.0),
        requests_per_sec: requests_per_sec.ok_or("wrk printed no `Requests/sec:` line")?,
        p50_us,
        p99_us,
        non_2xx,
        socket_errors,
    })
}

/// The fields of `/proc/PID/stat` that the bench reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProcStat {
    /// Field 4, the parent's pid.
    pub ppid: u32,
    /// Field 14, user time of every thread, live and exited, in clock ticks.
    pub utime: u64,
    /// Field 15, system time, in clock ticks.
    pub stime: u64,
    /// Field 20, the number of threads.
    pub threads: u64,
}

/// Parses `/proc/PID/stat`. The command name (field 2) is in parentheses and may itself
/// hold spaces and parentheses, so fields are counted after its *last* `)`.
pub fn parse_proc_stat(text: &str) -> Result<ProcStat, String> {
    let close = text
        .rfind(')')
        .ok_or("no `)` after the command name in /proc/PID/stat")?;
    // After `)`: field 3 (state) is index 0, so field N is index N - 3.
    let fields: Vec<&str> = text[close + 1..].split_whitespace().collect();
    let field = |n: usize| -> Result<u64, String> {
        fields
            .get(n - 3)
            .and_then(|f| f.parse().ok())
            .ok_or(format!("/proc/PID/stat has no number in field {n}"))
    };
    Ok(ProcStat {
        ppid: u32::try_from(field(4)?).map_err(|_| "ppid out of range".to_owned())?,
        utime: field(14)?,
        stime: field(15)?,
        threads: field(20)?,
    })
}

/// `VmRSS:` of `/proc/PID/status`, in KiB (`None` for a kernel thread or a zombie).
pub fn parse_vm_rss_kib(status: &str) -> Option<u64> {
    status.lines().find_map(|line| {
        let value = line.strip_prefix("VmRSS:")?.trim();
        value.strip_suffix("kB")?.trim().parse().ok()
    })
}

/// The pids listed in a `/proc/PID/task/TID/children` file.
pub fn parse_children(text: &str) -> Vec<u32> {
    text.split_whitespace()
        .filter_map(|p| p.parse().ok())
        .collect()
}

/// `pid` and every descendant (children of every thread, recursively), `pid` first.
/// Processes that end while this reads are simply not listed.
pub fn process_tree(pid: u32) -> Vec<u32> {
    let mut tree = vec![pid];
    let mut at = 0;
    while at < tree.len() {
        let parent = tree[at];
        at += 1;
        let Ok(tasks) = std::fs::read_dir(format!("/proc/{parent}/task")) else {
            continue;
        };
        for task in tasks.flatten() {
            if let Ok(text) = std::fs::read_to_string(task.path().join("children")) {
                for child in parse_children(&text) {
                    if !tree.contains(&child) {
                        tree.push(child);
                    }
                }
            }
        }
    }
    tree
}

/// User + system time of `pid`'s whole tree, in clock ticks. The root must be readable;
/// a descendant that ends meanwhile counts as 0.
pub fn tree_cpu_ticks(pid: u32) -> io::Result<u64> {
    let mut ticks = 0;
    for (i, p) in process_tree(pid).into_iter().enumerate() {
        match std::fs::read_to_string(format!("/proc/{p}/stat")) {
            Ok(text) => {
                let stat = parse_proc_stat(&text)
                    .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?;
                ticks += stat.utime + stat.stime;
            }
            Err(e) if i == 0 => return Err(e),
            Err(_) => {}
        }
    }
    Ok(ticks)
}

/// Resident memory of `pid`'s whole tree, in KiB.
pub fn tree_rss_kib(pid: u32) -> io::Result<u64> {
    let mut kib = 0;
    for (i, p) in process_tree(pid).into_iter().enumerate() {
        match std::fs::read_to_string(format!("/proc/{p}/status")) {
            Ok(text) => kib += parse_vm_rss_kib(&text).unwrap_or(0),
            Err(e) if i == 0 => return Err(e),
            Err(_) => {}
        }
    }
    Ok(kib)
}

/// Threads of every process in `pid`'s tree.
fn tree_threads(pid: u32) -> u64 {
    process_tree(pid)
        .into_iter()
        .filter_map(|p| std::fs::read_to_string(format!("/proc/{p}/stat")).ok())
        .filter_map(|text| parse_proc_stat(&text).ok())
        .map(|s| s.threads)
        .sum()
}

// ---------------------------------------------------------------------------------------
// Processes: bounded waits, stopping whole trees
// ---------------------------------------------------------------------------------------

/// Finds `program` on `PATH`.
pub fn find_program(program: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(program))
        .find(|candidate| {
            use std::os::unix::fs::PermissionsExt as _;
            candidate
                .metadata()
                .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        })
}

/// Waits for `child` at most `limit`, checking for Ctrl-C every few milliseconds; on
/// timeout or interrupt it kills and reaps the child.
fn wait_bounded(child: &mut Child, limit: Duration, what: &str) -> Result<ExitStatus, Failure> {
    let started = Instant::now();
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return Ok(status),
            Ok(None) => {}
            Err(e) => return Err(Failure::work(format!("waiting for {what}: {e}"))),
        }
        let interrupted = INTERRUPTED.load(Ordering::SeqCst);
        if interrupted || started.elapsed() > limit {
            let _ = child.kill();
            let _ = wait_reaped(child, Duration::from_secs(5));
            return Err(if interrupted {
                Failure::interrupted()
            } else {
                Failure::work(format!("{what} did not finish within {limit:?}; killed it"))
            });
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// Polls until `child` has exited (and is reaped), at most `limit`.
fn wait_reaped(child: &mut Child, limit: Duration) -> bool {
    let started = Instant::now();
    loop {
        if !matches!(child.try_wait(), Ok(None)) {
            return true;
        }
        if started.elapsed() > limit {
            return false;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// Sends `signal` (`TERM`, `KILL`) to the process group `pgid` with `kill(1)`: the
/// workspace forbids `unsafe`, so no `libc::killpg`.
fn signal_group(signal: &str, pgid: u32) -> bool {
    let Ok(mut kill) = Command::new("kill")
        .arg(format!("-{signal}"))
        .arg("--")
        .arg(format!("-{pgid}"))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
    else {
        return false;
    };
    matches!(wait_reaped_status(&mut kill, Duration::from_secs(5)), Some(s) if s.success())
}

fn wait_reaped_status(child: &mut Child, limit: Duration) -> Option<ExitStatus> {
    if wait_reaped(child, limit) {
        child.try_wait().ok().flatten()
    } else {
        let _ = child.kill();
        let _ = wait_reaped(child, limit);
        None
    }
}

/// Stops a process started in a group of its own (`process_group(0)`), and everything it
/// started: SIGTERM to the group, up to 3 s to go, then SIGKILL to the group and the
/// leader. The leader is always reaped; the others are re-parented and reaped by init.
/// Returns whether the leader is gone.
pub fn stop_group(child: &mut Child) -> bool {
    let pgid = child.id();
    if matches!(child.try_wait(), Ok(None)) {
        signal_group("TERM", pgid);
        if !wait_reaped(child, Duration::from_secs(3)) {
            signal_group("KILL", pgid);
            let _ = child.kill();
        }
    }
    // Whatever of the group is left (a leader that exited may leave children behind).
    signal_group("KILL", pgid);
    wait_reaped(child, Duration::from_secs(5))
}

/// Runs a short command and returns its first line of output (stdout, else stderr).
fn first_line(program: &Path, args: &[&str]) -> Option<String> {
    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .ok()?;
    let (stdout, stderr) = (child.stdout.take()?, child.stderr.take()?);
    let out = std::thread::spawn(move || read_all(stdout));
    let err = std::thread::spawn(move || read_all(stderr));
    wait_reaped_status(&mut child, Duration::from_secs(10))?;
    let (out, err) = (out.join().ok()?, err.join().ok()?);
    [out, err].into_iter().find_map(|text| {
        text.lines()
            .map(str::trim)
            .find(|l| !l.is_empty())
            .map(str::to_owned)
    })
}

fn read_all(mut from: impl Read) -> String {
    let mut bytes = Vec::new();
    let _ = from.read_to_end(&mut bytes);
    String::from_utf8_lossy(&bytes).into_owned()
}

/// Clock ticks per second, the unit of `/proc/PID/stat`'s times (`getconf CLK_TCK`;
/// Linux's `USER_HZ` is 100 everywhere we know of).
fn clock_ticks_per_second() -> u64 {
    find_program("getconf")
        .and_then(|getconf| first_line(&getconf, &["CLK_TCK"]))
        .and_then(|line| line.parse().ok())
        .filter(|&hz| hz > 0)
        .unwrap_or(100)
}

// ---------------------------------------------------------------------------------------
// Building the servers
// ---------------------------------------------------------------------------------------

/// `(package, example)` → its release executable.
type Built = BTreeMap<(&'static str, &'static str), PathBuf>;

/// The `(package, example)` a row needs built, if any.
fn example_of(row: &Row) -> Option<(&'static str, &'static str)> {
    match row.launch {
        Launch::Bench(_) => Some(("yolk", "bench-server")),
        Launch::Example { package, example } => Some((package, example)),
        Launch::Node(_) => None,
    }
}

/// The executables a cargo build reported (`--message-format=json`): `(package name,
/// example target name)` → path, for example targets only.
pub fn parse_cargo_artifacts(messages: &str) -> Vec<(String, String, PathBuf)> {
    let mut found = Vec::new();
    for line in messages.lines() {
        let Ok(message) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        if message["reason"] != "compiler-artifact" {
            continue;
        }
        let is_example = message["target"]["kind"]
            .as_array()
            .is_some_and(|kinds| kinds.iter().any(|k| k == "example"));
        let (Some(name), Some(executable)) = (
            message["target"]["name"].as_str(),
            message["executable"].as_str(),
        ) else {
            continue;
        };
        // A package id spec: `path+file:///…/chapter-04#0.1.0` (the directory is the
        // package's name) or `path+file:///…/main#yolk@0.1.0`.
        let id = message["package_id"].as_str().unwrap_or("");
        let package = match id.rsplit_once('#') {
            Some((_, spec)) if spec.contains('@') => spec.split('@').next(),
            Some((path, _)) => path.rsplit('/').next(),
            None => None,
        };
        if let (true, Some(package)) = (is_example, package) {
            found.push((
                package.to_owned(),
                name.to_owned(),
                PathBuf::from(executable),
            ));
        }
    }
    found
}

/// `cargo build --release -p PACKAGE --example …` for every package the rows need, with
/// cargo's own progress on the terminal.
fn build(root: &Path, rows: &[&'static Row]) -> Result<Built, Failure> {
    let mut wanted: BTreeMap<&'static str, Vec<&'static str>> = BTreeMap::new();
    for (package, example) in rows.iter().filter_map(|r| example_of(r)) {
        let examples = wanted.entry(package).or_default();
        if !examples.contains(&example) {
            examples.push(example);
        }
    }
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut built = Built::new();
    for (package, examples) in wanted {
        let mut command = Command::new(&cargo);
        command
            .current_dir(root)
            .args(["build", "--release", "-p", package])
            .arg("--message-format=json-render-diagnostics");
        for example in &examples {
            command.args(["--example", example]);
        }
        let shown: Vec<String> = examples.iter().map(|e| format!("--example {e}")).collect();
        say(&format!(
            "building: cargo build --release -p {package} {}",
            shown.join(" ")
        ));
        let mut child = command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|e| Failure::work(format!("running cargo: {e}")))?;
        let stdout = child.stdout.take().expect("stdout is piped");
        let reader = std::thread::spawn(move || read_all(stdout));
        let status = wait_bounded(&mut child, Duration::from_secs(3600), "cargo build")?;
        if !status.success() {
            return Err(Failure::work(format!(
                "cargo build --release -p {package} failed ({status})"
            )));
        }
        let messages = reader.join().unwrap_or_default();
        for (pkg, example, path) in parse_cargo_artifacts(&messages) {
            if pkg == package
                && let Some(&example) = examples.iter().find(|&&e| e == example)
            {
                built.insert((package, example), path);
            }
        }
        if let Some(missing) = examples
            .iter()
            .find(|&&e| !built.contains_key(&(package, e)))
        {
            return Err(Failure::work(format!(
                "cargo built {package} but reported no executable for --example {missing}"
            )));
        }
    }
    Ok(built)
}

// ---------------------------------------------------------------------------------------
// Servers
// ---------------------------------------------------------------------------------------

/// A server process under test; dropping it stops its whole process group.
struct Server {
    row: &'static Row,
    child: Child,
    addr: SocketAddr,
    log: PathBuf,
    /// How it was started, for the JSON (paths relative to the workspace).
    command: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        if !stop_group(&mut self.child) {
            eprintln!(
                "yolk bench: {} (pid {}) did not exit after SIGKILL",
                self.row.name,
                self.child.id()
            );
        }
    }
}

impl Server {
    fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The last lines the server printed, for an error message.
    fn log_tail(&self) -> String {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        let tail = lines[lines.len().saturating_sub(15)..].join("\n    ");
        if tail.is_empty() {
            format!("(it printed nothing; log: {})", self.log.display())
        } else {
            format!("its output ({}):\n    {tail}", self.log.display())
        }
    }
}

/// A free loopback port, found by binding port 0 and letting it go.
fn free_port() -> io::Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// What is needed to start servers: the programs and where things are.
struct Toolbox<'a> {
    root: &'a Path,
    taskset: PathBuf,
    wrk: PathBuf,
    node: Option<PathBuf>,
    built: Built,
    logs: PathBuf,
}

impl Toolbox<'_> {
    fn relative(&self, path: &Path) -> String {
        path.strip_prefix(self.root)
            .unwrap_or(path)
            .display()
            .to_string()
    }

    /// Starts `row`'s server pinned to [`SERVER_CPU`] and waits for its first `200`
    /// with the expected body; returns it with the time that took.
    fn start(&self, row: &'static Row) -> Result<(Server, Duration), Failure> {
        let port = free_port().map_err(|e| Failure::work(format!("finding a free port: {e}")))?;
        let addr = SocketAddr::from(([127, 0, 0, 1], port));
        let (program, mut args): (PathBuf, Vec<String>) = match row.launch {
            Launch::Bench(server) => (
                self.built[&("yolk", "bench-server")].clone(),
                vec!["--server".to_owned(), server.to_owned()],
            ),
            Launch::Example { package, example } => {
                (self.built[&(package, example)].clone(), Vec::new())
            }
            Launch::Node(script) => (
                self.node.clone().ok_or(Failure::work("node is missing"))?,
                vec![
                    self.root
                        .join("tests/koa-reference")
                        .join(script)
                        .display()
                        .to_string(),
                ],
            ),
        };
        args.extend(["--listen".to_owned(), addr.to_string()]);
        let log = self.logs.join(format!("{}.log", row.name));
        let file = std::fs::File::create(&log)
            .map_err(|e| Failure::work(format!("creating {}: {e}", log.display())))?;
        let file2 = file
            .try_clone()
            .map_err(|e| Failure::work(format!("{}: {e}", log.display())))?;
        let shown_program = match row.launch {
            Launch::Node(_) => "node".to_owned(),
            _ => self.relative(&program),
        };
        let shown_args: Vec<String> = args
            .iter()
            .map(|a| self.relative(Path::new(a)))
            .map(|a| {
                if a.starts_with("127.0.0.1:") {
                    "127.0.0.1:PORT".to_owned()
                } else {
                    a
                }
            })
            .collect();
        let command = format!(
            "taskset -c {SERVER_CPU} {shown_program} {}",
            shown_args.join(" ")
        );
        let started = Instant::now();
        let child = Command::new(&self.taskset)
            .arg("-c")
            .arg(SERVER_CPU.to_string())
            .arg(&program)
            .args(&args)
            .current_dir(self.root)
            .stdin(Stdio::null())
            .stdout(file)
            .stderr(file2)
            .process_group(0)
            .spawn()
            .map_err(|e| Failure::work(format!("starting {}: {e}", row.name)))?;
        let mut server = Server {
            row,
            child,
            addr,
            log,
            command,
        };
        let mut last = String::from("no answer yet");
        loop {
            check_interrupted()?;
            if let Ok(Some(status)) = server.child.try_wait() {
                return Err(Failure::work(format!(
                    "{} exited ({status}) before answering; {}",
                    row.name,
                    server.log_tail()
                )));
            }
            if started.elapsed() > STARTUP_LIMIT {
                return Err(Failure::work(format!(
                    "{} gave no 200 on http://{addr}{} within {STARTUP_LIMIT:?} ({last}); {}",
                    row.name,
                    row.route.path,
                    server.log_tail()
                )));
            }
            match probe(addr, row.route.path) {
                Ok((200, body)) => {
                    let startup = started.elapsed();
                    if !body.starts_with(row.route.expect.as_bytes()) {
                        return Err(Failure::work(format!(
                            "{} answered GET {} with {:?}, which does not start with {:?}",
                            row.name,
                            row.route.path,
                            String::from_utf8_lossy(&body[..body.len().min(200)]),
                            row.route.expect
                        )));
                    }
                    return Ok((server, startup));
                }
                Ok((status, _)) => last = format!("last answer: {status}"),
                Err(e) => last = format!("last try: {e}"),
            }
            std::thread::sleep(Duration::from_millis(2));
        }
    }

    /// `taskset -c WRK_CPU wrk -t1 -c64 -dSECSs [--latency] URL`.
    fn wrk(&self, server: &Server, seconds: u32, latency: bool) -> Result<WrkReport, Failure> {
        let url = format!("http://{}{}", server.addr, server.row.route.path);
        let mut command = Command::new(&self.taskset);
        command
            .arg("-c")
            .arg(WRK_CPU.to_string())
            .arg(&self.wrk)
            .arg(format!("-t{WRK_THREADS}"))
            .arg(format!("-c{WRK_CONNECTIONS}"))
            .arg(format!("-d{seconds}s"));
        if latency {
            command.arg("--latency");
        }
        let mut child = command
            .arg(&url)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| Failure::work(format!("starting wrk: {e}")))?;
        let (stdout, stderr) = (
            child.stdout.take().expect("piped"),
            child.stderr.take().expect("piped"),
        );
        let out = std::thread::spawn(move || read_all(stdout));
        let err = std::thread::spawn(move || read_all(stderr));
        let limit = Duration::from_secs(u64::from(seconds) + 30);
        let status = wait_bounded(&mut child, limit, "wrk")?;
        let (out, err) = (
            out.join().unwrap_or_default(),
            err.join().unwrap_or_default(),
        );
        check_interrupted()?;
        if !status.success() {
            return Err(Failure::work(format!(
                "wrk against {url} failed ({status}):\n{out}{err}"
            )));
        }
        let report =
            parse_wrk(&out).map_err(|e| Failure::work(format!("reading wrk's report: {e}")))?;
        if report.non_2xx > 0 {
            return Err(Failure::work(format!(
                "{} answered {} of {} requests to {url} with 4xx/5xx",
                server.row.name, report.non_2xx, report.requests
            )));
        }
        if report.requests == 0 {
            return Err(Failure::work(format!(
                "wrk completed no request against {url}"
            )));
        }
        if latency && (report.p50_us.is_none() || report.p99_us.is_none()) {
            return Err(Failure::work("wrk printed no latency distribution"));
        }
        Ok(report)
    }
}

/// One `GET path` on a fresh connection with `Connection: close`; the status and the
/// body (de-chunked). Every step is bounded by a timeout.
fn probe(addr: SocketAddr, path: &str) -> io::Result<(u16, Vec<u8>)> {
    let mut stream = TcpStream::connect_timeout(&addr, Duration::from_millis(200))?;
    stream.set_read_timeout(Some(Duration::from_secs(2)))?;
    stream.set_write_timeout(Some(Duration::from_secs(2)))?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )?;
    let mut bytes = Vec::new();
    stream.take(1 << 20).read_to_end(&mut bytes)?;
    parse_http_response(&bytes)
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidData, "not an HTTP/1.1 response"))
}

/// Status and body of a whole HTTP/1.x response read to the end of the connection.
pub fn parse_http_response(bytes: &[u8]) -> Option<(u16, Vec<u8>)> {
    let split = bytes.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = std::str::from_utf8(&bytes[..split]).ok()?;
    let mut body = bytes[split + 4..].to_vec();
    let mut lines = head.split("\r\n");
    let status_line = lines.next()?;
    if !status_line.starts_with("HTTP/1.") {
        return None;
    }
    let status: u16 = status_line.split_whitespace().nth(1)?.parse().ok()?;
    let mut chunked = false;
    for line in lines {
        let (name, value) = line.split_once(':')?;
        let value = value.trim();
        if name.eq_ignore_ascii_case("transfer-encoding") && value.eq_ignore_ascii_case("chunked") {
            chunked = true;
        } else if name.eq_ignore_ascii_case("content-length") {
            body.truncate(value.parse().ok()?);
        }
    }
    if chunked {
        let mut decoded = Vec::new();
        let mut rest = &body[..];
        loop {
            let eol = rest.windows(2).position(|w| w == b"\r\n")?;
            let size_text = std::str::from_utf8(&rest[..eol]).ok()?;
            let size = usize::from_str_radix(size_text.split(';').next()?.trim(), 16).ok()?;
            rest = &rest[eol + 2..];
            if size == 0 {
                break;
            }
            decoded.extend_from_slice(rest.get(..size)?);
            rest = rest.get(size + 2..)?;
        }
        body = decoded;
    }
    Some((status, body))
}

// ---------------------------------------------------------------------------------------
// Results
// ---------------------------------------------------------------------------------------

/// Everything one run measured; `results.json` is this.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Results {
    /// The command that reproduces the run.
    pub command: String,
    /// How it was measured.
    pub settings: Settings,
    /// Where it was measured.
    pub machine: Machine,
    /// The rows measured, in table order.
    pub rows: Vec<RowResult>,
    /// The rows left out, and why.
    pub skipped: Vec<Skipped>,
}

/// How the run was measured.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Settings {
    /// Measured rounds.
    pub rounds: u32,
    /// Seconds per measured run.
    pub duration_s: u32,
    /// Seconds of warm-up per server.
    pub warmup_s: u32,
    /// `wrk -t`.
    pub wrk_threads: u32,
    /// `wrk -c`.
    pub wrk_connections: u32,
    /// The CPU the servers are pinned to.
    pub server_cpu: u32,
    /// The CPU `wrk` is pinned to.
    pub wrk_cpu: u32,
    /// The unit of the CPU times read from `/proc` (ticks per second).
    pub clock_ticks_per_s: u64,
}

/// Facts about the machine.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Machine {
    /// `nproc`.
    pub nproc: usize,
    /// `model name` of `/proc/cpuinfo`.
    pub cpu_model: String,
    /// `uname -r`.
    pub kernel: String,
    /// When the run ended, `YYYY-MM-DD HH:MM UTC`.
    pub date: String,
    /// `wrk -v`'s first line.
    pub wrk: String,
    /// `node --version`, when Node is there.
    pub node: Option<String>,
    /// `rustc -V`.
    pub rustc: Option<String>,
}

/// A row that was not measured.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Skipped {
    /// The row.
    pub name: String,
    /// Why.
    pub reason: String,
}

/// One row: how it was started and every round.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RowResult {
    /// The row's name.
    pub name: String,
    /// Whose server.
    pub family: Family,
    /// The command line (workspace-relative, the port as `PORT`).
    pub command: String,
    /// The path loaded.
    pub path: String,
    /// The row the ratios are to.
    pub baseline: String,
    /// From spawn to the first `200`, in ms.
    pub startup_ms: f64,
    /// Threads in the server's process tree once it answered.
    pub threads: u64,
    /// Every measured round.
    pub rounds: Vec<RoundResult>,
    /// Medians over the rounds.
    pub median: Summary,
}

/// One measured `wrk` run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RoundResult {
    /// 1-based.
    pub round: u32,
    /// Requests `wrk` completed.
    pub requests: u64,
    /// How long `wrk` ran, s.
    pub seconds: f64,
    /// `wrk`'s requests/s.
    pub requests_per_sec: f64,
    /// CPU time of the server's tree during the run, ms.
    pub cpu_ms: f64,
    /// `cpu_ms` ÷ requests, in µs.
    pub cpu_us_per_request: f64,
    /// `cpu_us_per_request` ÷ the baseline's in this round.
    pub ratio_to_baseline: Option<f64>,
    /// Median latency, µs.
    pub p50_us: f64,
    /// 99th percentile latency, µs.
    pub p99_us: f64,
    /// Resident memory of the server's tree after the run, KiB.
    pub rss_kib: u64,
    /// `wrk`'s socket errors.
    pub socket_errors: u64,
}

/// Medians over a row's rounds.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
    /// Requests/s.
    pub requests_per_sec: f64,
    /// CPU µs per request.
    pub cpu_us_per_request: f64,
    /// The median of the per-round ratios (not the ratio of the medians).
    pub ratio_to_baseline: Option<f64>,
    /// p50, µs.
    pub p50_us: f64,
    /// p99, µs.
    pub p99_us: f64,
    /// RSS after the run, KiB.
    pub rss_kib: u64,
}

/// The median; the mean of the middle two for an even count; NaN for none.
pub fn median(values: &[f64]) -> f64 {
    let mut sorted: Vec<f64> = values.iter().copied().filter(|v| !v.is_nan()).collect();
    if sorted.is_empty() {
        return f64::NAN;
    }
    sorted.sort_by(f64::total_cmp);
    let mid = sorted.len() / 2;
    if sorted.len() % 2 == 1 {
        sorted[mid]
    } else {
        (sorted[mid - 1] + sorted[mid]) / 2.0
    }
}

impl Summary {
    /// The medians of `rounds`.
    pub fn of(rounds: &[RoundResult]) -> Summary {
        let m = |f: fn(&RoundResult) -> f64| median(&rounds.iter().map(f).collect::<Vec<_>>());
        let ratios: Vec<f64> = rounds.iter().filter_map(|r| r.ratio_to_baseline).collect();
        Summary {
            requests_per_sec: m(|r| r.requests_per_sec),
            cpu_us_per_request: m(|r| r.cpu_us_per_request),
            ratio_to_baseline: (!ratios.is_empty()).then(|| median(&ratios)),
            p50_us: m(|r| r.p50_us),
            p99_us: m(|r| r.p99_us),
            rss_kib: m(|r| r.rss_kib as f64).round() as u64,
        }
    }
}

impl Results {
    /// A row's result by name.
    pub fn row(&self, name: &str) -> Option<&RowResult> {
        self.rows.iter().find(|r| r.name == name)
    }
}

// ---------------------------------------------------------------------------------------
// Output: markdown, SVG
// ---------------------------------------------------------------------------------------

/// `12,345`.
fn grouped(value: f64) -> String {
    let digits = format!("{:.0}", value.max(0.0));
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A latency in µs as `583 µs`, `1.01 ms` or `1.20 s`.
pub fn format_latency(us: f64) -> String {
    if us >= 1e6 {
        format!("{:.2} s", us / 1e6)
    } else if us >= 1e3 {
        format!("{:.2} ms", us / 1e3)
    } else {
        format!("{us:.0} µs")
    }
}

fn format_ratio(ratio: Option<f64>) -> String {
    ratio.map_or_else(|| "–".to_owned(), |r| format!("{r:.2} ×"))
}

fn format_mib(kib: u64) -> String {
    format!("{:.1} MiB", kib as f64 / 1024.0)
}

fn format_ms(ms: f64) -> String {
    if ms < 10.0 {
        format!("{ms:.1} ms")
    } else {
        format!("{ms:.0} ms")
    }
}

/// The table: one line per row, medians over the rounds.
pub fn markdown_table(results: &Results) -> String {
    let mut out = String::from(
        "| server | route | req/s | CPU per request | × bare hyper | p50 | p99 | RSS after | start → first 200 |\n\
         |---|---|---:|---:|---:|---:|---:|---:|---:|\n",
    );
    for row in &results.rows {
        let m = &row.median;
        let _ = writeln!(
            out,
            "| `{}` | `{}` | {} | {:.2} µs | {} | {} | {} | {} | {} |",
            row.name,
            row.path,
            grouped(m.requests_per_sec),
            m.cpu_us_per_request,
            format_ratio(m.ratio_to_baseline),
            format_latency(m.p50_us),
            format_latency(m.p99_us),
            format_mib(m.rss_kib),
            format_ms(row.startup_ms),
        );
    }
    out
}

/// The bars of `DESIGN.md` §8 for our own rows, met or missed, on the medians.
pub fn bars_list(results: &Results) -> String {
    let mut out = String::new();
    for result in &results.rows {
        let Some(row) = row(&result.name) else {
            continue;
        };
        let (Family::Yolk, Some(bar)) = (row.family, row.route.bar) else {
            continue;
        };
        let Some(ratio) = result.median.ratio_to_baseline else {
            continue;
        };
        let met = |ok: bool| if ok { "met" } else { "**missed**" };
        let _ = write!(
            out,
            "- `{}`: {ratio:.2} × `{}` — bar ≤ {:.2} ×: {}",
            result.name,
            row.route.baseline,
            bar.max_ratio,
            met(ratio <= bar.max_ratio)
        );
        if let Some(peer) = bar.peer {
            match results.row(peer).and_then(|p| p.median.ratio_to_baseline) {
                Some(theirs) => {
                    let _ = write!(
                        out,
                        "; `{peer}` {theirs:.2} × — bar ≤ `{peer}`: {}",
                        met(ratio <= theirs)
                    );
                }
                None => {
                    let _ = write!(out, "; `{peer}` not measured");
                }
            }
        }
        out.push_str(".\n");
    }
    out
}

/// The machine, as a small table.
pub fn machine_table(machine: &Machine) -> String {
    let mut out = String::from("| machine | |\n|---|---|\n");
    let mut line = |k: &str, v: &str| {
        let _ = writeln!(out, "| {k} | {} |", v.replace('|', "\\|"));
    };
    line("CPUs (`nproc`)", &machine.nproc.to_string());
    line("CPU model", &machine.cpu_model);
    line("kernel", &machine.kernel);
    line("date", &machine.date);
    line("wrk", &machine.wrk);
    line("node", machine.node.as_deref().unwrap_or("not found"));
    line("rustc", machine.rustc.as_deref().unwrap_or("not found"));
    out
}

/// The generated section of the appendix (what goes between the markers): the command,
/// the machine, the table, the bars, the chart (linked as `image`), the skipped rows, and
/// a link (`json`) to the raw results.
pub fn markdown_section(results: &Results, image: &str, json: &str) -> String {
    let s = &results.settings;
    let mut out = String::new();
    out.push_str(
        "<!-- Written by `yolk bench`; edits between the markers are overwritten. -->\n\n",
    );
    let _ = writeln!(
        out,
        "Measured on {} with:\n\n```text\n{}\n```\n",
        results.machine.date, results.command
    );
    out.push_str(&machine_table(&results.machine));
    let _ = writeln!(
        out,
        "\nMedians of {} round{} of {} s per server (after a {} s warm-up), `wrk -t{} -c{}` on \
         CPU {}, the server on CPU {}. \"× bare hyper\" is the row's CPU per request divided by \
         bare hyper's on the same route in the same round (the median of those ratios). Raw \
         numbers of every round: [`{json}`]({json}).\n",
        s.rounds,
        if s.rounds == 1 { "" } else { "s" },
        s.duration_s,
        s.warmup_s,
        s.wrk_threads,
        s.wrk_connections,
        s.wrk_cpu,
        s.server_cpu,
    );
    out.push_str(&markdown_table(results));
    let bars = bars_list(results);
    if !bars.is_empty() {
        out.push_str("\nThe bars of the design, on these medians:\n\n");
        out.push_str(&bars);
    }
    let _ = writeln!(out, "\n![Server CPU time per request, per server]({image})");
    if !results.skipped.is_empty() {
        out.push_str("\nNot measured in this run:\n\n");
        for skipped in &results.skipped {
            let _ = writeln!(out, "- `{}`: {}", skipped.name, skipped.reason);
        }
    }
    out
}

/// Replaces what lies between [`BEGIN`] and [`END`] in `page` with `section`.
pub fn splice(page: &str, section: &str) -> Result<String, String> {
    let begins = page.matches(BEGIN).count();
    let ends = page.matches(END).count();
    if begins != 1 || ends != 1 {
        return Err(format!(
            "the page must hold `{BEGIN}` and `{END}` once each (found {begins} and {ends})"
        ));
    }
    let start = page.find(BEGIN).unwrap_or(0) + BEGIN.len();
    let end = page.find(END).unwrap_or(0);
    if end < start {
        return Err(format!("`{END}` comes before `{BEGIN}`"));
    }
    Ok(format!(
        "{}\n{}\n{}",
        &page[..start],
        section.trim_end(),
        &page[end..]
    ))
}

/// One bar of [`svg_bar_chart`].
#[derive(Debug, Clone, PartialEq)]
pub struct ChartBar {
    /// Written left of the bar.
    pub label: String,
    /// The bar's length, in the chart's unit; NaN, infinite or negative draws no bar.
    pub value: f64,
    /// Written right of the bar.
    pub note: String,
    /// Fill colour, `#rrggbb`.
    pub color: String,
}

/// Escapes text for SVG (XML) content and attribute values.
pub fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

/// Layout of [`svg_bar_chart`], in SVG user units.
const BAR_AREA: f64 = 400.0;
/// Room right of the longest bar for its note.
const NOTE_WIDTH: f64 = 170.0;
/// The average advance of a 13 px sans-serif character, to size the label column.
const CHAR_WIDTH: f64 = 7.2;
const ROW_HEIGHT: f64 = 26.0;
const TOP: f64 = 56.0;

/// A horizontal bar chart: a title, a subtitle, one bar per entry (longest = the largest
/// value), and a legend of `(label, colour)` pairs. Deterministic: the same input gives
/// the same bytes.
pub fn svg_bar_chart(
    title: &str,
    subtitle: &str,
    bars: &[ChartBar],
    legend: &[(&str, &str)],
) -> String {
    let drawable = |v: f64| v.is_finite() && v > 0.0;
    let max = bars
        .iter()
        .map(|b| b.value)
        .filter(|&v| drawable(v))
        .fold(0.0_f64, f64::max);
    let longest = bars
        .iter()
        .map(|b| b.label.chars().count())
        .max()
        .unwrap_or(0);
    let label_width = (24.0 + CHAR_WIDTH * longest as f64).max(120.0);
    let chart_width = label_width + BAR_AREA + NOTE_WIDTH;
    let legend_top = TOP + ROW_HEIGHT * bars.len().max(1) as f64 + 12.0;
    let height = legend_top + if legend.is_empty() { 8.0 } else { 30.0 };
    let mut svg = String::new();
    let _ = writeln!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{chart_width:.0}" height="{height:.0}" viewBox="0 0 {chart_width:.0} {height:.0}" font-family="sans-serif" font-size="13">"#
    );
    let _ = writeln!(
        svg,
        r##"<rect x="0" y="0" width="{chart_width:.0}" height="{height:.0}" fill="#ffffff"/>"##
    );
    let _ = writeln!(
        svg,
        r#"<text x="16" y="24" font-size="16" font-weight="bold">{}</text>"#,
        xml_escape(title)
    );
    let _ = writeln!(
        svg,
        r##"<text x="16" y="42" fill="#555555">{}</text>"##,
        xml_escape(subtitle)
    );
    if bars.is_empty() {
        let _ = writeln!(
            svg,
            r##"<text x="{label_width:.0}" y="{:.0}" fill="#555555">no data</text>"##,
            TOP + 17.0
        );
    }
    for (i, bar) in bars.iter().enumerate() {
        let y = TOP + ROW_HEIGHT * i as f64;
        let width = if drawable(bar.value) && max > 0.0 {
            (bar.value / max * BAR_AREA).max(1.0)
        } else {
            0.0
        };
        let _ = writeln!(
            svg,
            r#"<text x="{:.0}" y="{:.1}" text-anchor="end">{}</text>"#,
            label_width - 8.0,
            y + 17.0,
            xml_escape(&bar.label)
        );
        let _ = writeln!(
            svg,
            r#"<rect x="{label_width:.0}" y="{:.1}" width="{width:.1}" height="{:.1}" fill="{}"/>"#,
            y + 4.0,
            ROW_HEIGHT - 8.0,
            xml_escape(&bar.color)
        );
        let _ = writeln!(
            svg,
            r##"<text x="{:.1}" y="{:.1}" fill="#333333">{}</text>"##,
            label_width + width + 6.0,
            y + 17.0,
            xml_escape(&bar.note)
        );
    }
    let _ = writeln!(
        svg,
        r##"<line x1="{label_width:.0}" y1="{:.0}" x2="{label_width:.0}" y2="{:.0}" stroke="#333333"/>"##,
        TOP,
        TOP + ROW_HEIGHT * bars.len().max(1) as f64
    );
    let mut x = label_width;
    for (label, color) in legend {
        let _ = writeln!(
            svg,
            r#"<rect x="{x:.0}" y="{legend_top:.0}" width="12" height="12" fill="{}"/>"#,
            xml_escape(color)
        );
        let _ = writeln!(
            svg,
            r#"<text x="{:.0}" y="{:.0}">{}</text>"#,
            x + 17.0,
            legend_top + 11.0,
            xml_escape(label)
        );
        x += 30.0 + CHAR_WIDTH * label.chars().count() as f64;
    }
    svg.push_str("</svg>\n");
    svg
}

/// The chart of a run: CPU per request, median, per row.
pub fn chart(results: &Results) -> String {
    let bars: Vec<ChartBar> = results
        .rows
        .iter()
        .map(|r| ChartBar {
            label: format!("{} {}", r.name, r.path),
            value: r.median.cpu_us_per_request,
            note: match r.median.ratio_to_baseline {
                Some(ratio) => format!("{:.2} µs · {ratio:.2} ×", r.median.cpu_us_per_request),
                None => format!("{:.2} µs", r.median.cpu_us_per_request),
            },
            color: r.family.color().to_owned(),
        })
        .collect();
    let mut families: Vec<Family> = Vec::new();
    for r in &results.rows {
        if !families.contains(&r.family) {
            families.push(r.family);
        }
    }
    let legend: Vec<(&str, &str)> = families.iter().map(|f| (f.label(), f.color())).collect();
    svg_bar_chart(
        "Server CPU time per request (lower is better)",
        &format!(
            "median of {} × {} s, wrk -t{} -c{} on CPU {}, server on CPU {}; × = ratio to bare hyper, same route, same round",
            results.settings.rounds,
            results.settings.duration_s,
            results.settings.wrk_threads,
            results.settings.wrk_connections,
            results.settings.wrk_cpu,
            results.settings.server_cpu
        ),
        &bars,
        &legend,
    )
}

// ---------------------------------------------------------------------------------------
// Machine facts
// ---------------------------------------------------------------------------------------

/// `(year, month, day)` of a day counted from 1970-01-01 (the proleptic Gregorian
/// calendar, by eras of 400 years).
pub fn civil_date(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let mp = (5 * day_of_year + 2) / 153;
    let day = (day_of_year - (153 * mp + 2) / 5 + 1) as u32;
    let month = (if mp < 10 { mp + 3 } else { mp - 9 }) as u32;
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// `YYYY-MM-DD HH:MM UTC` for seconds since the epoch.
pub fn utc_timestamp(secs: u64) -> String {
    let days = (secs / 86_400) as i64;
    let (y, m, d) = civil_date(days);
    let in_day = secs % 86_400;
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02} UTC",
        in_day / 3600,
        in_day % 3600 / 60
    )
}

/// The first `model name` (x86) or `Hardware` / `cpu model` line of `/proc/cpuinfo`.
pub fn cpu_model(cpuinfo: &str) -> Option<String> {
    ["model name", "Hardware", "cpu model", "Model"]
        .iter()
        .find_map(|key| {
            cpuinfo.lines().find_map(|line| {
                let (k, v) = line.split_once(':')?;
                (k.trim() == *key && !v.trim().is_empty()).then(|| v.trim().to_owned())
            })
        })
}

fn machine(wrk: &Path, node: Option<&Path>) -> Machine {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    Machine {
        nproc: std::thread::available_parallelism().map_or(1, |n| n.get()),
        cpu_model: std::fs::read_to_string("/proc/cpuinfo")
            .ok()
            .and_then(|text| cpu_model(&text))
            .unwrap_or_else(|| "unknown".to_owned()),
        kernel: std::fs::read_to_string("/proc/sys/kernel/osrelease")
            .map_or_else(|_| "unknown".to_owned(), |k| k.trim().to_owned()),
        date: utc_timestamp(secs),
        // `wrk debian/4.1.0-3+b2 [epoll] Copyright (C) 2012 Will Glozer`
        wrk: first_line(wrk, &["-v"]).map_or_else(
            || "unknown".to_owned(),
            |line| {
                line.split(" Copyright")
                    .next()
                    .unwrap_or("")
                    .trim()
                    .to_owned()
            },
        ),
        node: node.and_then(|n| first_line(n, &["--version"])),
        rustc: find_program("rustc").and_then(|r| first_line(&r, &["-V"])),
    }
}

// ---------------------------------------------------------------------------------------
// The run
// ---------------------------------------------------------------------------------------

/// A progress line, flushed at once.
fn say(line: &str) {
    let mut out = io::stdout().lock();
    let _ = writeln!(out, "{line}");
    let _ = out.flush();
}

/// Where the outputs go.
struct Outputs {
    /// The markdown: the appendix page (spliced) or `DIR/results.md` (whole).
    markdown: PathBuf,
    /// Whether `markdown` is the book page, spliced between the markers.
    splice: bool,
    /// The chart, and how the markdown links it.
    svg: PathBuf,
    image_link: String,
    /// `results.json`, and how the markdown links it.
    json: PathBuf,
    json_link: String,
}

impl Outputs {
    fn new(root: &Path, out: Option<&Path>) -> Outputs {
        match out {
            None => {
                let src = root.join("book/src");
                Outputs {
                    markdown: src.join("appendix-benchmarks.md"),
                    splice: true,
                    svg: src.join("images").join(SVG_NAME),
                    image_link: format!("images/{SVG_NAME}"),
                    json: src.join("bench/results.json"),
                    json_link: "bench/results.json".to_owned(),
                }
            }
            Some(dir) => Outputs {
                markdown: dir.join("results.md"),
                splice: false,
                svg: dir.join(SVG_NAME),
                image_link: SVG_NAME.to_owned(),
                json: dir.join("results.json"),
                json_link: "results.json".to_owned(),
            },
        }
    }

    /// Fails early (before minutes of measuring) when the book page lacks its markers.
    fn check(&self) -> Result<(), Failure> {
        if self.splice {
            let page = std::fs::read_to_string(&self.markdown)
                .map_err(|e| Failure::work(format!("reading {}: {e}", self.markdown.display())))?;
            splice(&page, "")
                .map_err(|e| Failure::work(format!("{}: {e}", self.markdown.display())))?;
        }
        Ok(())
    }

    fn write(&self, results: &Results) -> Result<(), Failure> {
        let write = |path: &Path, text: &str| -> Result<(), Failure> {
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir)
                    .map_err(|e| Failure::work(format!("creating {}: {e}", dir.display())))?;
            }
            std::fs::write(path, text)
                .map_err(|e| Failure::work(format!("writing {}: {e}", path.display())))
        };
        let section = markdown_section(results, &self.image_link, &self.json_link);
        let markdown = if self.splice {
            let page = std::fs::read_to_string(&self.markdown)
                .map_err(|e| Failure::work(format!("reading {}: {e}", self.markdown.display())))?;
            splice(&page, &section)
                .map_err(|e| Failure::work(format!("{}: {e}", self.markdown.display())))?
        } else {
            section
        };
        let json = serde_json::to_string_pretty(results)
            .map_err(|e| Failure::work(format!("encoding the results: {e}")))?;
        write(&self.json, &(json + "\n"))?;
        write(&self.svg, &chart(results))?;
        write(&self.markdown, &markdown)?;
        Ok(())
    }
}

/// One row being measured.
struct Measured {
    server: Server,
    startup: Duration,
    threads: u64,
    rounds: Vec<RoundResult>,
}

/// `yolk bench`: checks the tools, builds, starts every server, warms up, measures the
/// rounds, writes the table, the chart and the JSON. Every server is stopped on the way
/// out, whatever happens.
pub fn run(root: &Path, options: &Options) -> Result<(), Failure> {
    let wrk = find_program("wrk").ok_or(Failure::usage("wrk not found: apt-get install wrk"))?;
    let taskset = find_program("taskset").ok_or(Failure::usage(
        "taskset not found: apt-get install util-linux",
    ))?;
    let cpus = std::fs::read_to_string("/sys/devices/system/cpu/online").unwrap_or_default();
    if std::thread::available_parallelism().map_or(1, |n| n.get()) < 2 {
        return Err(Failure::usage(format!(
            "the bench pins the server to CPU {SERVER_CPU} and wrk to CPU {WRK_CPU}, but only one CPU is available (online: {})",
            cpus.trim()
        )));
    }
    let (rows, notes) = select(&options.only).map_err(Failure::usage)?;
    for note in &notes {
        say(&format!("note: {note}"));
    }
    let outputs = Outputs::new(root, options.out.as_deref());
    outputs.check()?;
    install_interrupt_handler()
        .map_err(|e| Failure::work(format!("installing the Ctrl-C handler: {e}")))?;

    // Node rows need Node and the reference app's packages.
    let node = find_program("node");
    let node_modules = root.join("tests/koa-reference/node_modules");
    let mut skipped = Vec::new();
    let rows: Vec<&'static Row> = rows
        .into_iter()
        .filter(|row| {
            let Launch::Node(_) = row.launch else {
                return true;
            };
            let reason = if node.is_none() {
                "node not found: install Node.js 20 to measure the real Koa".to_owned()
            } else if !node_modules.is_dir() {
                "tests/koa-reference/node_modules is missing: run `npm ci` in tests/koa-reference"
                    .to_owned()
            } else {
                return true;
            };
            say(&format!("SKIPPED {}: {reason}", row.name));
            skipped.push(Skipped {
                name: row.name.to_owned(),
                reason,
            });
            false
        })
        .collect();

    let built = build(root, &rows)?;
    let logs = std::env::temp_dir().join(format!("yolk-bench-{}", std::process::id()));
    std::fs::create_dir_all(&logs)
        .map_err(|e| Failure::work(format!("creating {}: {e}", logs.display())))?;
    let tools = Toolbox {
        root,
        taskset,
        wrk,
        node,
        built,
        logs: logs.clone(),
    };
    let clock = clock_ticks_per_second();

    // Start every server, one at a time, and time each to its first 200.
    let mut measured: Vec<Measured> = Vec::new();
    for row in &rows {
        let (server, startup) = tools.start(row)?;
        let threads = tree_threads(server.pid());
        say(&format!(
            "started  {:<26} pid {:<7} first 200 after {} ({} thread{})",
            row.name,
            server.pid(),
            format_ms(startup.as_secs_f64() * 1e3),
            threads,
            if threads == 1 { "" } else { "s" }
        ));
        measured.push(Measured {
            server,
            startup,
            threads,
            rounds: Vec::new(),
        });
    }
    if options.warmup > 0 {
        for m in &measured {
            say(&format!(
                "warm-up  {:<26} {} s",
                m.server.row.name, options.warmup
            ));
            tools.wrk(&m.server, options.warmup, false)?;
        }
    }
    for round in 1..=options.rounds {
        for m in &mut measured {
            let pid = m.server.pid();
            let cpu = |what| {
                tree_cpu_ticks(pid).map_err(|e| {
                    Failure::work(format!("reading the CPU time of pid {pid} {what}: {e}"))
                })
            };
            let before = cpu("before the run")?;
            let report = tools.wrk(&m.server, options.duration, true)?;
            let after = cpu("after the run")?;
            let rss_kib = tree_rss_kib(pid)
                .map_err(|e| Failure::work(format!("reading the memory of pid {pid}: {e}")))?;
            let cpu_ms = after.saturating_sub(before) as f64 * 1e3 / clock as f64;
            let result = RoundResult {
                round,
                requests: report.requests,
                seconds: report.seconds,
                requests_per_sec: report.requests_per_sec,
                cpu_ms,
                cpu_us_per_request: cpu_ms * 1e3 / report.requests as f64,
                ratio_to_baseline: None,
                p50_us: report.p50_us.unwrap_or(f64::NAN),
                p99_us: report.p99_us.unwrap_or(f64::NAN),
                rss_kib,
                socket_errors: report.socket_errors,
            };
            say(&format!(
                "round {round}/{}  {:<26} {:>9} req/s  {:>7.2} µs CPU/req  p50 {:>9}  p99 {:>9}  {}{}",
                options.rounds,
                m.server.row.name,
                grouped(result.requests_per_sec),
                result.cpu_us_per_request,
                format_latency(result.p50_us),
                format_latency(result.p99_us),
                format_mib(rss_kib),
                if result.socket_errors > 0 {
                    format!("  ({} socket errors)", result.socket_errors)
                } else {
                    String::new()
                }
            ));
            m.rounds.push(result);
        }
        // Ratios to the baseline of this very round.
        let this_round: BTreeMap<&str, f64> = measured
            .iter()
            .filter_map(|m| {
                let r = m.rounds.last()?;
                Some((m.server.row.name, r.cpu_us_per_request))
            })
            .collect();
        for m in &mut measured {
            let baseline = this_round.get(m.server.row.route.baseline).copied();
            if let (Some(last), Some(base)) = (m.rounds.last_mut(), baseline)
                && base > 0.0
            {
                last.ratio_to_baseline = Some(last.cpu_us_per_request / base);
            }
        }
    }

    let results = Results {
        command: options.command(),
        settings: Settings {
            rounds: options.rounds,
            duration_s: options.duration,
            warmup_s: options.warmup,
            wrk_threads: WRK_THREADS,
            wrk_connections: WRK_CONNECTIONS,
            server_cpu: SERVER_CPU,
            wrk_cpu: WRK_CPU,
            clock_ticks_per_s: clock,
        },
        machine: machine(&tools.wrk, tools.node.as_deref()),
        rows: measured
            .iter()
            .map(|m| RowResult {
                name: m.server.row.name.to_owned(),
                family: m.server.row.family,
                command: m.server.command.clone(),
                path: m.server.row.route.path.to_owned(),
                baseline: m.server.row.route.baseline.to_owned(),
                startup_ms: m.startup.as_secs_f64() * 1e3,
                threads: m.threads,
                median: Summary::of(&m.rounds),
                rounds: m.rounds.clone(),
            })
            .collect(),
        skipped,
    };
    // Stop the servers before writing (and before the table is printed).
    drop(measured);
    let _ = std::fs::remove_dir_all(&logs);
    outputs.write(&results)?;
    say("");
    say(&markdown_table(&results));
    let bars = bars_list(&results);
    if !bars.is_empty() {
        say(&bars);
    }
    say(&format!(
        "wrote {}, {} and {}",
        tools.relative(&outputs.markdown),
        tools.relative(&outputs.svg),
        tools.relative(&outputs.json)
    ));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `wrk --latency` as wrk 4.1 prints it (a real run, trimmed of nothing).
    const WRK_LATENCY: &str = "\
Running 2s test @ http://127.0.0.1:3911/
  1 threads and 64 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    13.65ms   35.22ms 309.46ms   93.55%
    Req/Sec    13.43k     7.43k   32.04k    68.42%
  Latency Distribution
     50%    3.53ms
     75%    8.44ms
     90%   15.64ms
     99%  198.33ms
  25751 requests in 2.03s, 3.29MB read
Requests/sec:  12687.15
Transfer/sec:      1.62MB
";

    #[test]
    fn wrk_latency_report_parses() {
        let report = parse_wrk(WRK_LATENCY).unwrap();
        assert_eq!(report.requests, 25_751);
        assert!((report.seconds - 2.03).abs() < 1e-9);
        assert!((report.requests_per_sec - 12_687.15).abs() < 1e-9);
        assert!((report.p50_us.unwrap() - 3_530.0).abs() < 1e-6);
        assert!((report.p99_us.unwrap() - 198_330.0).abs() < 1e-6);
        assert_eq!((report.non_2xx, report.socket_errors), (0, 0));
    }

    #[test]
    fn wrk_errors_and_plain_reports_parse() {
        let text = "\
Running 10s test @ http://127.0.0.1:8080/nope
  1 threads and 64 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   601.55us  102.05us   3.18ms   87.62%
    Req/Sec   106.11k     4.13k  110.52k    90.00%
  1055043 requests in 10.00s, 88.54MB read
  Socket errors: connect 0, read 12, write 3, timeout 1
  Non-2xx or 3xx responses: 1055043
Requests/sec: 105504.30
Transfer/sec:      8.85MB
";
        let report = parse_wrk(text).unwrap();
        assert_eq!(report.requests, 1_055_043);
        assert_eq!(report.non_2xx, 1_055_043);
        assert_eq!(report.socket_errors, 16);
        assert_eq!((report.p50_us, report.p99_us), (None, None));
    }

    #[test]
    fn wrk_garbage_is_an_error_not_a_panic() {
        assert!(parse_wrk("").is_err());
        assert!(parse_wrk("unable to connect to 127.0.0.1:1 Connection refused\n").is_err());
        assert!(parse_wrk("  abc requests in 1.00s, 1MB read\nRequests/sec: 1\n").is_err());
        assert!(parse_wrk("  5 requests in 1.00s\nRequests/sec: x\n").is_err());
        assert!(parse_wrk("  50%  fast\n").is_err());
    }

    #[test]
    fn wrk_times_in_every_unit() {
        assert_eq!(parse_wrk_time_us("583.00us"), Some(583.0));
        assert_eq!(parse_wrk_time_us(" 1.50ms"), Some(1_500.0));
        assert_eq!(parse_wrk_time_us("2.00s"), Some(2_000_000.0));
        assert_eq!(parse_wrk_time_us("1.00m"), Some(60_000_000.0));
        assert_eq!(parse_wrk_time_us("1.00h"), Some(3_600_000_000.0));
        assert_eq!(parse_wrk_time_us("12"), None);
        assert_eq!(parse_wrk_time_us("-1ms"), None);
        assert_eq!(parse_wrk_time_us("ms"), None);
    }

    #[test]
    fn proc_stat_parses_even_with_parentheses_in_the_name() {
        let text = "4242 (node (v20) x) S 4200 4242 4242 0 -1 4194560 3351 0 0 0 \
                    250 130 0 0 20 0 7 0 123456 1234567 890 18446744073709551615 \
                    1 1 0 0 0 0 0 4096 134234626 0 0 0 17 0 0 0 0 0 0\n";
        assert_eq!(
            parse_proc_stat(text).unwrap(),
            ProcStat {
                ppid: 4200,
                utime: 250,
                stime: 130,
                threads: 7
            }
        );
        assert!(parse_proc_stat("4242 node S 1").is_err());
        assert!(parse_proc_stat("4242 (node) S 1 2 3").is_err());
        assert!(parse_proc_stat("").is_err());
    }

    #[test]
    fn proc_status_and_children_parse() {
        let status = "Name:\tnode\nVmPeak:\t  999 kB\nVmRSS:\t   51234 kB\nThreads:\t7\n";
        assert_eq!(parse_vm_rss_kib(status), Some(51_234));
        assert_eq!(parse_vm_rss_kib("Name:\tkthreadd\n"), None);
        assert_eq!(parse_children("12 345 6789 \n"), vec![12, 345, 6789]);
        assert_eq!(parse_children(""), Vec::<u32>::new());
    }

    #[test]
    fn this_process_can_be_read_from_proc() {
        let me = std::process::id();
        let text = std::fs::read_to_string(format!("/proc/{me}/stat")).unwrap();
        let stat = parse_proc_stat(&text).unwrap();
        assert!(stat.threads >= 1);
        assert_eq!(process_tree(me)[0], me);
        assert!(tree_cpu_ticks(me).is_ok());
        assert!(tree_rss_kib(me).unwrap() > 0);
        assert!(
            tree_cpu_ticks(u32::MAX).is_err(),
            "a missing root is an error"
        );
    }

    /// Spawns `sh` in its own group with two `sleep` children, sees the tree, and stops
    /// all of it.
    #[test]
    fn a_whole_process_tree_is_seen_and_stopped() {
        let mut child = Command::new("sh")
            .args(["-c", "sleep 60 & sleep 60 & wait"])
            .stdin(Stdio::null())
            .process_group(0)
            .spawn()
            .unwrap();
        let root = child.id();
        let started = Instant::now();
        let tree = loop {
            let tree = process_tree(root);
            if tree.len() >= 3 || started.elapsed() > Duration::from_secs(10) {
                break tree;
            }
            std::thread::sleep(Duration::from_millis(2));
        };
        if tree.len() < 3 {
            stop_group(&mut child);
            panic!("expected sh and two sleeps, found {tree:?}");
        }
        assert!(stop_group(&mut child), "sh was reaped");
        for pid in &tree[1..] {
            let gone = (0..1000).any(|_| {
                let state = std::fs::read_to_string(format!("/proc/{pid}/stat"))
                    .ok()
                    .and_then(|t| t.rfind(')').map(|i| t[i + 1..].trim().chars().next()))
                    .flatten();
                let dead = matches!(state, None | Some('Z') | Some('X'));
                if !dead {
                    std::thread::sleep(Duration::from_millis(5));
                }
                dead
            });
            assert!(gone, "pid {pid} of the group survived");
        }
    }

    #[test]
    fn http_responses_parse_plain_and_chunked() {
        let plain =
            b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 11\r\n\r\nHello World";
        assert_eq!(
            parse_http_response(plain),
            Some((200, b"Hello World".to_vec()))
        );
        let chunked = b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n5\r\nHello\r\n6;x=y\r\n World\r\n0\r\n\r\n";
        assert_eq!(
            parse_http_response(chunked),
            Some((200, b"Hello World".to_vec()))
        );
        assert_eq!(
            parse_http_response(b"HTTP/1.1 404 Not Found\r\n\r\n"),
            Some((404, Vec::new()))
        );
        assert_eq!(parse_http_response(b"SSH-2.0-OpenSSH\r\n\r\n"), None);
        assert_eq!(parse_http_response(b"HTTP/1.1 200 OK\r\n"), None);
        assert_eq!(
            parse_http_response(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"),
            None
        );
    }

    #[test]
    fn cargo_artifact_messages_name_the_examples() {
        let messages = [
            r#"{"reason":"compiler-artifact","package_id":"path+file:///w/main#yolk@0.1.0","target":{"kind":["example"],"name":"bench-server"},"executable":"/w/main/target/release/examples/bench-server"}"#,
            r#"{"reason":"compiler-artifact","package_id":"path+file:///w/main/chapters/chapter-04#0.1.0","target":{"kind":["example"],"name":"ch04-showcase"},"executable":"/w/t/ch04-showcase"}"#,
            r#"{"reason":"compiler-artifact","package_id":"registry+https://github.com/rust-lang/crates.io-index#tokio@1.0.0","target":{"kind":["lib"],"name":"tokio"},"executable":null}"#,
            r#"{"reason":"build-finished","success":true}"#,
            "not json",
        ]
        .join("\n");
        assert_eq!(
            parse_cargo_artifacts(&messages),
            vec![
                (
                    "yolk".to_owned(),
                    "bench-server".to_owned(),
                    PathBuf::from("/w/main/target/release/examples/bench-server")
                ),
                (
                    "chapter-04".to_owned(),
                    "ch04-showcase".to_owned(),
                    PathBuf::from("/w/t/ch04-showcase")
                ),
            ]
        );
    }

    #[test]
    fn the_table_is_consistent() {
        let mut names: Vec<&str> = ROWS.iter().map(|r| r.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), ROWS.len(), "row names are unique");
        for r in ROWS {
            assert!(row(r.route.baseline).is_some(), "{}: baseline", r.name);
            if let Some(peer) = r.route.bar.and_then(|b| b.peer) {
                assert!(row(peer).is_some(), "{}: bar peer {peer}", r.name);
            }
            assert!(r.route.path.starts_with('/'));
            if let Launch::Node(script) = r.launch {
                let path = crate::chapters::workspace_root()
                    .join("tests/koa-reference")
                    .join(script);
                assert!(path.is_file(), "{} is missing", path.display());
            }
        }
    }

    #[test]
    fn only_adds_the_baselines_and_rejects_unknown_names() {
        let (rows, notes) = select(&["chapter-03-hello".to_owned()]).unwrap();
        let names: Vec<&str> = rows.iter().map(|r| r.name).collect();
        assert_eq!(names, ["bare-hyper-hello", "chapter-03-hello"]);
        assert_eq!(notes.len(), 1);
        let (rows, notes) =
            select(&["bare-hyper-users".to_owned(), "axum-users".to_owned()]).unwrap();
        assert_eq!(rows.len(), 2);
        assert!(notes.is_empty());
        assert_eq!(select(&[]).unwrap().0.len(), ROWS.len());
        let err = select(&["chapter-99-hello".to_owned()]).unwrap_err();
        assert!(err.contains("chapter-99-hello") && err.contains("bare-hyper-hello"));
    }

    #[test]
    fn medians() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&[4.0, 1.0, 2.0, 3.0]), 2.5);
        assert_eq!(median(&[7.0]), 7.0);
        assert!(median(&[]).is_nan());
        assert_eq!(median(&[f64::NAN, 5.0]), 5.0);
    }

    #[test]
    fn dates_are_gregorian() {
        assert_eq!(civil_date(0), (1970, 1, 1));
        assert_eq!(civil_date(19_723), (2024, 1, 1));
        assert_eq!(civil_date(19_782), (2024, 2, 29));
        assert_eq!(civil_date(-1), (1969, 12, 31));
        assert_eq!(utc_timestamp(1_709_210_096), "2024-02-29 12:34 UTC");
    }

    #[test]
    fn cpu_models_are_found() {
        let x86 = "processor\t: 0\nvendor_id\t: AuthenticAMD\nmodel name\t: AMD EPYC 7B13\n";
        assert_eq!(cpu_model(x86).as_deref(), Some("AMD EPYC 7B13"));
        assert_eq!(
            cpu_model("processor : 0\nHardware : BCM2835\n").as_deref(),
            Some("BCM2835")
        );
        assert_eq!(cpu_model("processor : 0\n"), None);
    }

    fn round(n: u32, cpu: f64, ratio: Option<f64>) -> RoundResult {
        RoundResult {
            round: n,
            requests: 1000,
            seconds: 1.0,
            requests_per_sec: 1000.0,
            cpu_ms: cpu,
            cpu_us_per_request: cpu,
            ratio_to_baseline: ratio,
            p50_us: 583.0,
            p99_us: 1_010.0,
            rss_kib: 5 * 1024,
            socket_errors: 0,
        }
    }

    fn result_row(name: &str, family: Family, cpu: f64, ratio: f64) -> RowResult {
        let rounds = vec![round(1, cpu, Some(ratio))];
        RowResult {
            name: name.to_owned(),
            family,
            command: format!("taskset -c 0 {name}"),
            path: "/".to_owned(),
            baseline: "bare-hyper-hello".to_owned(),
            startup_ms: 12.3,
            threads: 2,
            median: Summary::of(&rounds),
            rounds,
        }
    }

    fn sample() -> Results {
        Results {
            command: "cargo run --release -- bench --rounds 1 --duration 3 --warmup 1".to_owned(),
            settings: Settings {
                rounds: 1,
                duration_s: 3,
                warmup_s: 1,
                wrk_threads: 1,
                wrk_connections: 64,
                server_cpu: 0,
                wrk_cpu: 1,
                clock_ticks_per_s: 100,
            },
            machine: Machine {
                nproc: 2,
                cpu_model: "AMD EPYC".to_owned(),
                kernel: "6.1.0".to_owned(),
                date: "2024-02-29 12:34 UTC".to_owned(),
                wrk: "wrk 4.1.0".to_owned(),
                node: None,
                rustc: Some("rustc 1.95.0".to_owned()),
            },
            rows: vec![
                result_row("bare-hyper-hello", Family::Floor, 8.0, 1.0),
                result_row("axum-hello", Family::Peer, 8.8, 1.1),
                result_row("chapter-03-hello", Family::Yolk, 9.2, 1.15),
            ],
            skipped: vec![Skipped {
                name: "koa-hello".to_owned(),
                reason: "node not found".to_owned(),
            }],
        }
    }

    #[test]
    fn the_markdown_section_has_the_table_bars_and_facts() {
        let results = sample();
        let table = markdown_table(&results);
        assert_eq!(table.lines().count(), 2 + 3);
        assert!(table.contains(
            "| `chapter-03-hello` | `/` | 1,000 | 9.20 µs | 1.15 × | 583 µs | 1.01 ms | 5.0 MiB | 12 ms |"
        ));
        let bars = bars_list(&results);
        assert_eq!(
            bars,
            "- `chapter-03-hello`: 1.15 × `bare-hyper-hello` — bar ≤ 1.10 ×: **missed**; \
             `axum-hello` 1.10 × — bar ≤ `axum-hello`: **missed**.\n"
        );
        let section = markdown_section(&results, "images/x.svg", "bench/r.json");
        for needle in [
            "cargo run --release -- bench --rounds 1 --duration 3 --warmup 1",
            "| CPU model | AMD EPYC |",
            "| node | not found |",
            "![Server CPU time per request, per server](images/x.svg)",
            "- `koa-hello`: node not found",
            "Medians of 1 round of 3 s",
            "[`bench/r.json`](bench/r.json)",
        ] {
            assert!(section.contains(needle), "{needle:?} not in\n{section}");
        }
        assert!(!section.contains(BEGIN) && !section.contains(END));
    }

    #[test]
    fn splice_replaces_only_between_the_markers() {
        let page = format!("# Title\n\nbefore\n\n{BEGIN}\nold\n{END}\n\nafter\n");
        let new = splice(&page, "new table\n").unwrap();
        assert_eq!(
            new,
            format!("# Title\n\nbefore\n\n{BEGIN}\nnew table\n{END}\n\nafter\n")
        );
        assert_eq!(splice(&new, "new table").unwrap(), new, "idempotent");
        assert!(splice("no markers", "x").is_err());
        assert!(splice(&format!("{END}\n{BEGIN}\n"), "x").is_err());
        assert!(splice(&format!("{BEGIN}{BEGIN}{END}"), "x").is_err());
    }

    fn attr(element: &str, name: &str) -> f64 {
        let at = element.find(&format!(" {name}=\"")).unwrap() + name.len() + 3;
        element[at..].split('"').next().unwrap().parse().unwrap()
    }

    #[test]
    fn the_svg_writer_draws_proportional_bars_and_escapes_text() {
        let bar = |label: &str, value: f64| ChartBar {
            label: label.to_owned(),
            value,
            note: format!("{label} note"),
            color: "#2b6cb0".to_owned(),
        };
        let bars = [
            bar("a <b> & \"c\"", 10.0),
            bar("half", 5.0),
            bar("broken", f64::NAN),
            bar("negative", -3.0),
        ];
        let svg = svg_bar_chart("T & t", "sub", &bars, &[("Koa's", "#38a169")]);
        assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
        assert!(svg.ends_with("</svg>\n"));
        assert_eq!(
            svg,
            svg_bar_chart("T & t", "sub", &bars, &[("Koa's", "#38a169")])
        );
        assert!(svg.contains(">a &lt;b&gt; &amp; &quot;c&quot;</text>"));
        assert!(svg.contains(">T &amp; t</text>"));
        assert!(svg.contains(">Koa&apos;s</text>"));
        assert!(!svg.contains("NaN") && !svg.contains("inf"));
        // The bars: every <rect> with the bar colour, in order.
        let widths: Vec<f64> = svg
            .lines()
            .filter(|l| l.starts_with("<rect") && l.contains("height=\"18.0\""))
            .map(|l| attr(l, "width"))
            .collect();
        assert_eq!(widths, [BAR_AREA, BAR_AREA / 2.0, 0.0, 0.0]);
        // Every element is closed: one root, self-closing rects and lines, paired texts.
        assert_eq!(svg.matches("<svg").count(), 1);
        assert_eq!(svg.matches("<text").count(), svg.matches("</text>").count());
        assert_eq!(
            svg.matches("<rect").count(),
            svg.lines()
                .filter(|l| l.starts_with("<rect") && l.ends_with("/>"))
                .count()
        );
        let empty = svg_bar_chart("nothing", "", &[], &[]);
        assert!(empty.contains(">no data</text>") && empty.ends_with("</svg>\n"));
    }

    #[test]
    fn the_chart_of_a_run_has_a_bar_per_row_and_a_legend_per_family() {
        let svg = chart(&sample());
        assert!(svg.contains(">chapter-03-hello /</text>"));
        assert!(svg.contains(">9.20 µs · 1.15 ×</text>"));
        for family in [Family::Floor, Family::Peer, Family::Yolk] {
            assert!(svg.contains(&format!(">{}</text>", family.label())));
        }
        assert!(!svg.contains(Family::Koa.label()));
    }

    #[test]
    fn the_results_encode_as_json() {
        let json = serde_json::to_value(sample()).unwrap();
        assert_eq!(json["rows"][2]["family"], "yolk");
        assert_eq!(json["rows"][2]["rounds"][0]["ratio_to_baseline"], 1.15);
        assert_eq!(json["machine"]["node"], serde_json::Value::Null);
        assert_eq!(json["settings"]["wrk_connections"], 64);
    }

    #[test]
    fn the_command_spells_every_setting() {
        let options = Options {
            rounds: 3,
            duration: 10,
            warmup: 2,
            only: vec!["a".to_owned(), "b".to_owned()],
            out: None,
        };
        assert_eq!(
            options.command(),
            "cargo run --release -- bench --rounds 3 --duration 10 --warmup 2 --only a,b"
        );
    }
}
