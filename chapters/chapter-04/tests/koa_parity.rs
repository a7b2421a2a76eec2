//! The differential test: the Koa showcase on the real Koa (Node) and on chapter 04,
//! asked the same questions, must give the same answers.
//!
//! `tests/koa-reference/showcase.js` (our JavaScript, koa 2.16.4 + @koa/router 13.1.1 +
//! koa-bodyparser 4.4.1, pinned by its lock file) and `examples/showcase.rs` implement
//! `shared/showcase/koa-showcase.md`. Each case below is sent as raw bytes to both, with
//! `Connection: close`, and the answers are compared: status code and reason phrase,
//! headers as a set of lower-cased names and values (`Date`, `Connection` and
//! `Keep-Alive` left out: Node adds the last two, and dates differ), framing
//! (`Content-Length` or chunked) and the de-chunked body.
//!
//! Where Node is missing the test says so loudly; with `CI` set it fails instead, since
//! CI installs Node and the reference app's packages (`.ci/run`).
//!
//! Differences we keep on purpose are listed in [`KNOWN`] with the reason, and each is
//! checked to still be a difference (so the list cannot go stale), and pinned by the
//! chapter's own tests.

mod common;

#[path = "../examples/showcase.rs"]
#[allow(dead_code)]
mod showcase;

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::{exchange, parse_response};

/// Where the reference app lives, from this crate's directory.
fn reference_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/koa-reference")
}

/// The real Koa, running the showcase on a free loopback port; killed and reaped on drop.
struct RealKoa {
    /// The node process.
    child: Child,
    /// Where it listens.
    addr: SocketAddr,
}

impl RealKoa {
    /// Starts `node showcase.js`, or explains why it cannot.
    fn start() -> Result<RealKoa, String> {
        let dir = reference_dir();
        if !dir.join("node_modules/koa").exists() {
            return Err(format!(
                "{}/node_modules is missing: run `npm ci` there",
                dir.display()
            ));
        }
        let mut child = Command::new("node")
            .arg(dir.join("showcase.js"))
            .args(["--listen", "127.0.0.1:0"])
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|e| format!("cannot run node: {e}"))?;
        let stdout = child.stdout.take().expect("piped");
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let _ = BufReader::new(stdout).read_line(&mut line);
            let _ = tx.send(line);
        });
        let line = match rx.recv_timeout(Duration::from_secs(20)) {
            Ok(line) => line,
            Err(_) => {
                let _ = child.kill();
                let _ = child.wait();
                return Err("node did not start listening within 20 s".into());
            }
        };
        let addr = line
            .trim()
            .strip_prefix("listening on http://")
            .and_then(|a| a.parse().ok());
        match addr {
            Some(addr) => Ok(RealKoa { child, addr }),
            None => {
                let _ = child.kill();
                let _ = child.wait();
                Err(format!("unexpected first line from node: {line:?}"))
            }
        }
    }
}

impl Drop for RealKoa {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One answer, reduced to what is compared.
#[derive(Debug, PartialEq, Eq)]
struct Answer {
    /// `200 OK`.
    status_line: String,
    /// Lower-cased `name: value` lines, sorted.
    headers: Vec<String>,
    /// `length`, `chunked` or `close`.
    framing: &'static str,
    /// The body, de-chunked, as lossy text.
    body: String,
}

/// Headers that are allowed to differ: Node's keep-alive bookkeeping and the date.
const IGNORED: &[&str] = &["date", "connection", "keep-alive"];

fn answer(raw: &[u8]) -> Answer {
    let parsed = parse_response(raw);
    let head_end = raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap_or(0);
    let head = String::from_utf8_lossy(&raw[..head_end]);
    let status_line = head
        .lines()
        .next()
        .unwrap_or("")
        .split_once(' ')
        .map(|(_, rest)| rest.to_owned())
        .unwrap_or_default();
    let mut headers: Vec<String> = parsed
        .headers
        .iter()
        .filter(|(name, _)| !IGNORED.contains(&name.as_str()))
        .filter(|(name, _)| name != "content-length" && name != "transfer-encoding")
        .map(|(name, value)| format!("{name}: {value}"))
        .collect();
    headers.sort();
    let framing = if parsed.header("transfer-encoding").is_some() {
        "chunked"
    } else if parsed.header("content-length").is_some() {
        "length"
    } else {
        "close"
    };
    if let Some(length) = parsed.header("content-length") {
        headers.push(format!("content-length: {length}"));
    }
    Answer {
        status_line,
        headers,
        framing,
        body: String::from_utf8_lossy(&parsed.body).into_owned(),
    }
}

/// A request: a name and the raw bytes (the `Connection: close` line is added).
struct Case {
    name: &'static str,
    head: String,
    body: Vec<u8>,
}

fn case(
    name: &'static str,
    method: &str,
    target: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Case {
    let mut head = format!("{method} {target} HTTP/1.1\r\nHost: showcase.example.com\r\n");
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    if !body.is_empty() || matches!(method, "POST" | "PUT" | "PATCH") {
        head.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    head.push_str("Connection: close\r\n\r\n");
    Case {
        name,
        head,
        body: body.to_vec(),
    }
}

/// Every showcase route with GET (and HEAD where it says something), then the odd
/// requests of the issue: negotiation headers, proxies, cookies, bodies, methods.
fn corpus() -> Vec<Case> {
    let mut cases = Vec::new();
    let routes = [
        "/text",
        "/html",
        "/json",
        "/buffer",
        "/null",
        "/null-404",
        "/status/204",
        "/status/301",
        "/status/418",
        "/status/700",
        "/message",
        "/type/xml",
        "/type/png",
        "/type/nonsense",
        "/throw/400",
        "/throw/500",
        "/throw/418",
        "/throw-plain",
        "/error",
        "/error-headers",
        "/assert",
        "/assert?ok=yes",
        "/redirect",
        "/redirect-abs",
        "/redirect-301",
        "/back",
        "/attachment/report.pdf",
        "/attachment/%E4%B8%AD%E6%96%87.txt",
        "/request?a=1&a=2&b=x+y",
        "/rewrite?x=1",
        "/accepts",
        "/cookies/set",
        "/cookies/get",
        "/cookies/secure",
        "/fresh",
        "/vary",
        "/headers",
        "/etag",
        "/onion",
        "/users/42",
        "/users/%E2%9C%93",
        "/users/%ZZ",
        "/files/a/b/c.txt",
        "/opt/1",
        "/opt/1/2",
        "/things",
        "/multi/x",
        "/api/v1/items/7",
        "/named/x",
        "/old",
        "/nothing-here",
        "/users/",
        "/USERS/1",
    ];
    for route in routes {
        cases.push(case(route_name(route, "GET"), "GET", route, &[], b""));
        cases.push(case(route_name(route, "HEAD"), "HEAD", route, &[], b""));
    }
    let odd: Vec<Case> = vec![
        case(
            "accepts odd",
            "GET",
            "/accepts",
            &[
                ("Accept", "text/*;q=0.3, application/json;q=0.9, */*;q=0.1"),
                ("Accept-Encoding", "br;q=0.2, gzip, *;q=0"),
                ("Accept-Charset", "iso-8859-1, *;q=0.1"),
                ("Accept-Language", "zh-CN, fr;q=0.5, en;q=0.8"),
            ],
            b"",
        ),
        case(
            "accepts empty",
            "GET",
            "/accepts",
            &[
                ("Accept", ""),
                ("Accept-Encoding", ""),
                ("Accept-Language", ""),
            ],
            b"",
        ),
        case(
            "accepts garbage",
            "GET",
            "/accepts",
            &[("Accept", ";;;,q=,/"), ("Accept-Language", "*;q=zz")],
            b"",
        ),
        case(
            "proxy chain",
            "GET",
            "/request",
            &[
                ("X-Forwarded-For", "203.0.113.7, 10.0.0.1,10.0.0.2"),
                ("X-Forwarded-Proto", "https, http"),
                ("X-Forwarded-Host", "api.example.org, other"),
            ],
            b"",
        ),
        case(
            "proxy ipv6 host",
            "GET",
            "/request",
            &[("X-Forwarded-Host", "[::1]:8080")],
            b"",
        ),
        case(
            "proxy userinfo host",
            "GET",
            "/request",
            &[("X-Forwarded-Host", "evil.com:fake@good.example.com")],
            b"",
        ),
        case(
            "cookies signed by koa",
            "GET",
            "/cookies/get",
            &[(
                "Cookie",
                "signed=v1; signed.sig=tHbqgrTSWiki5_Zzx5j9DZP6SG8; plain=p1",
            )],
            b"",
        ),
        case(
            "cookies signed with the older key",
            "GET",
            "/cookies/get",
            &[(
                "Cookie",
                "signed=v1; signed.sig=gkw14TEhXuBryl_m7oqAgUyg9vI",
            )],
            b"",
        ),
        case(
            "cookies forged",
            "GET",
            "/cookies/get",
            &[(
                "Cookie",
                "signed=v2; signed.sig=tHbqgrTSWiki5_Zzx5j9DZP6SG8",
            )],
            b"",
        ),
        case(
            "cookies malformed",
            "GET",
            "/cookies/get",
            &[("Cookie", "==;;signed;plain=\"p1")],
            b"",
        ),
        case(
            "secure cookie behind https proxy",
            "GET",
            "/cookies/secure",
            &[("X-Forwarded-Proto", "https")],
            b"",
        ),
        case(
            "fresh by etag",
            "GET",
            "/fresh",
            &[("If-None-Match", "\"v1\"")],
            b"",
        ),
        case(
            "fresh by date",
            "GET",
            "/fresh",
            &[("If-Modified-Since", "Tue, 02 Jan 2024 00:00:00 GMT")],
            b"",
        ),
        case(
            "back same origin",
            "GET",
            "/back",
            &[("Referer", "http://showcase.example.com/from")],
            b"",
        ),
        case(
            "back other origin",
            "GET",
            "/back",
            &[("Referer", "http://evil.example.com/")],
            b"",
        ),
        case(
            "echo json",
            "POST",
            "/echo",
            &[("Content-Type", "application/json")],
            br#"{"a":[1,2,{"b":null}],"c":"\u00e9"}"#,
        ),
        case(
            "echo form",
            "POST",
            "/echo",
            &[("Content-Type", "application/x-www-form-urlencoded")],
            b"a=1&b[c]=2&d[]=x&d[]=y",
        ),
        case(
            "echo text",
            "POST",
            "/echo",
            &[("Content-Type", "text/plain")],
            b"plain words",
        ),
        case(
            "echo unknown type",
            "POST",
            "/echo",
            &[("Content-Type", "application/x-unknown")],
            b"???",
        ),
        case(
            "echo bad json",
            "POST",
            "/echo",
            &[("Content-Type", "application/json")],
            b"{\"a\":",
        ),
        case(
            "echo json scalar (strict)",
            "POST",
            "/echo",
            &[("Content-Type", "application/json")],
            b"\"just a string\"",
        ),
        case(
            "echo empty json",
            "POST",
            "/echo",
            &[("Content-Type", "application/json")],
            b"",
        ),
        case(
            "echo unsupported encoding",
            "POST",
            "/echo",
            &[
                ("Content-Type", "application/json"),
                ("Content-Encoding", "zstd-or-so"),
            ],
            b"{}",
        ),
        case(
            "is png",
            "POST",
            "/is",
            &[("Content-Type", "image/png")],
            b"abc",
        ),
        case("is without body", "POST", "/is", &[], b""),
        case("disallowed method", "DELETE", "/things", &[], b""),
        case("options", "OPTIONS", "/things", &[], b""),
        case("unknown method", "PROPFIND", "/things", &[], b""),
        case("put things", "PUT", "/things", &[], b""),
        case("post to get route", "POST", "/users/1", &[], b""),
        case("redirect any method", "DELETE", "/old", &[], b""),
    ];
    cases.extend(odd);
    cases.push(echo_gzip());
    cases.push(oversized_json());
    cases.push(case(
        "echo corrupt gzip",
        "POST",
        "/echo",
        &[
            ("Content-Type", "application/json"),
            ("Content-Encoding", "gzip"),
        ],
        b"\x1f\x8b\x08\x00garbage",
    ));
    cases.push(case(
        "echo big integer",
        "POST",
        "/echo",
        &[("Content-Type", "application/json")],
        b"{\"n\":12345678901234567890}",
    ));
    cases
}

fn route_name(route: &str, method: &str) -> &'static str {
    Box::leak(format!("{method} {route}").into_boxed_str())
}

/// A gzip-encoded JSON body, inflated by the parser.
fn echo_gzip() -> Case {
    // `{"zipped":true}` compressed with gzip -n (fixed bytes, no timestamp).
    const GZ: &[u8] = &[
        0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0xab, 0x56, 0xaa, 0xca, 0x2c,
        0x28, 0x48, 0x4d, 0x51, 0xb2, 0x2a, 0x29, 0x2a, 0x4d, 0xad, 0x05, 0x00, 0x84, 0x28, 0xbc,
        0x08, 0x0f, 0x00, 0x00, 0x00,
    ];
    case(
        "echo gzip json",
        "POST",
        "/echo",
        &[
            ("Content-Type", "application/json"),
            ("Content-Encoding", "gzip"),
        ],
        GZ,
    )
}

/// A JSON body over koa-bodyparser's 1 MiB default.
fn oversized_json() -> Case {
    let mut body = b"{\"big\":\"".to_vec();
    body.resize(body.len() + 1024 * 1024 + 10, b'x');
    body.extend_from_slice(b"\"}");
    case(
        "echo oversized json",
        "POST",
        "/echo",
        &[("Content-Type", "application/json")],
        &body,
    )
}

/// Differences we keep on purpose: (case, what differs, why). Each is checked to still
/// differ, so this list cannot go stale.
const KNOWN: &[(&str, &str)] = &[
    (
        "echo corrupt gzip",
        "a corrupt compressed body is bad input: 400 here, a 500 from Koa (zlib's error \
         is not an HttpError there); pinned in tests/bodyparser.rs",
    ),
    (
        "echo big integer",
        "JSON integers past 2^53 stay exact here; JavaScript rounds them to the nearest \
         double (12345678901234567000); pinned in tests/bodyparser.rs",
    ),
];

#[tokio::test]
async fn the_showcase_answers_like_the_real_koa() {
    let koa = match RealKoa::start() {
        Ok(koa) => koa,
        Err(why) => {
            let message = format!("SKIPPED the differential test against the real Koa: {why}");
            if std::env::var_os("CI").is_some() {
                panic!("{message} (CI must install Node and the reference app)");
            }
            eprintln!("\n!!!!!!!!!! {message} !!!!!!!!!!\n");
            return;
        }
    };
    let ours = showcase::app().listen("127.0.0.1:0").await.expect("listen");
    let started = Instant::now();
    let mut disagreements = Vec::new();
    let mut still_known = Vec::new();
    for case in corpus() {
        let mut raw = case.head.clone().into_bytes();
        raw.extend_from_slice(&case.body);
        let theirs = answer(&exchange(koa.addr, &raw).await);
        let mine = answer(&exchange(ours.local_addr(), &raw).await);
        let known = KNOWN.iter().any(|(name, _)| *name == case.name);
        match (theirs == mine, known) {
            (true, false) => {}
            (true, true) => still_known.push(case.name),
            (false, true) => {}
            (false, false) => disagreements.push(format!(
                "== {}\n-- koa:  {theirs:#?}\n-- ours: {mine:#?}",
                case.name
            )),
        }
    }
    ours.close().await;
    drop(koa);
    assert!(started.elapsed() < Duration::from_secs(120));
    assert!(
        still_known.is_empty(),
        "these known differences are gone, take them off KNOWN: {still_known:?}"
    );
    assert!(
        disagreements.is_empty(),
        "{} disagreements with the real Koa:\n{}",
        disagreements.len(),
        disagreements.join("\n")
    );
}
