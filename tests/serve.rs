//! `yolk serve` end to end: the real binary builds the book, serves it over HTTP, refuses
//! to leave the build directory, and closes cleanly on Ctrl-C.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::{Mutex, mpsc};
use std::time::{Duration, Instant};

/// A running `yolk serve`, killed and reaped on drop if still alive.
struct Served {
    child: Child,
    addr: String,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `yolk serve` rebuilds `book/build` when it starts, so two at once would pull the files
/// from under each other: the tests take turns.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

fn start() -> Served {
    let mut child = Command::new(env!("CARGO_BIN_EXE_yolk"))
        .args(["serve", "--listen", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("spawning yolk serve");
    let stdout = child.stdout.take().expect("stdout");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if let Some(addr) = line.strip_prefix("serving the book at http://") {
                let _ = tx.send(addr.to_owned());
            }
        }
    });
    let mut served = Served {
        child,
        addr: String::new(),
    };
    match rx.recv_timeout(Duration::from_secs(120)) {
        Ok(addr) => served.addr = addr,
        Err(e) => panic!("yolk serve did not print its address: {e}"),
    }
    served
}

/// Sends one raw request (the connection closes after it) and returns the raw response.
fn exchange(addr: &str, method: &str, target: &str) -> String {
    let mut stream = TcpStream::connect(addr).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    write!(
        stream,
        "{method} {target} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut out = Vec::new();
    stream.read_to_end(&mut out).expect("reading the response");
    String::from_utf8_lossy(&out).into_owned()
}

fn status(response: &str) -> &str {
    response.get(9..12).unwrap_or(response)
}

fn header<'a>(response: &'a str, name: &str) -> Option<&'a str> {
    let head = response.split("\r\n\r\n").next()?;
    head.lines().skip(1).find_map(|line| {
        let (n, v) = line.split_once(':')?;
        n.eq_ignore_ascii_case(name).then(|| v.trim())
    })
}

fn body(response: &str) -> &str {
    response.split_once("\r\n\r\n").map_or("", |(_, b)| b)
}

#[test]
fn serves_the_book_and_nothing_outside_it() {
    let book = mdbook_driver::MDBook::load(yolk::serve::book_dir()).expect("loading the book");
    let title = book
        .config
        .book
        .title
        .clone()
        .expect("the book has a title");
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let served = start();
    let addr = served.addr.as_str();

    let home = exchange(addr, "GET", "/");
    assert_eq!(status(&home), "200", "{home}");
    assert_eq!(
        header(&home, "content-type"),
        Some("text/html; charset=utf-8")
    );
    assert!(
        body(&home).contains(&title),
        "the front page lacks {title:?}"
    );

    let head = exchange(addr, "HEAD", "/index.html");
    assert_eq!(status(&head), "200", "{head}");
    assert!(
        header(&head, "content-length").is_some_and(|n| n != "0"),
        "{head}"
    );
    assert_eq!(body(&head), "");

    // mdBook names its assets by content hash (`css/general-1a2b3c4d.css`): find one.
    let css_dir = yolk::serve::book_dir().join("build/css");
    let css_name = std::fs::read_dir(&css_dir)
        .expect("the build has a css/ directory")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .find(|n| n.ends_with(".css"))
        .expect("a stylesheet in css/");
    let css = exchange(addr, "GET", &format!("/css/{css_name}"));
    assert_eq!(status(&css), "200", "{css}");
    assert_eq!(
        header(&css, "content-type"),
        Some("text/css; charset=utf-8")
    );

    // koa-static serves a directory's index.html; css/ has none, so it falls through.
    let dir = exchange(addr, "GET", "/css?x=1");
    assert_eq!(status(&dir), "404", "{dir}");

    assert_eq!(status(&exchange(addr, "GET", "/no-such-page.html")), "404");
    for escape in [
        "/../Cargo.toml",
        "/%2e%2e/Cargo.toml",
        "/%2E%2E/%2E%2E/Cargo.toml",
        "/css/..%2f..%2fbook.toml",
        "/..%5cbook.toml",
    ] {
        let r = exchange(addr, "GET", escape);
        assert!(
            // resolve-path's answers: 400 for a malicious path, 403 for a climb; or a miss.
            matches!(status(&r), "400" | "403" | "404"),
            "{escape} was answered with\n{r}"
        );
        assert!(
            !r.contains("[workspace]") && !r.contains("[book]"),
            "{escape} leaked a file"
        );
    }

    let post = exchange(addr, "POST", "/");
    assert_eq!(status(&post), "405", "{post}");
    assert_eq!(header(&post, "allow"), Some("GET, HEAD"));
}

#[cfg(unix)]
#[test]
fn ctrl_c_closes_the_server_cleanly() {
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let mut served = start();
    let pid = served.child.id().to_string();
    let sent = Command::new("kill")
        .args(["-INT", &pid])
        .status()
        .expect("kill");
    assert!(sent.success());
    let deadline = Instant::now() + Duration::from_secs(20);
    let exit = loop {
        if let Some(exit) = served.child.try_wait().expect("try_wait") {
            break exit;
        }
        assert!(
            Instant::now() < deadline,
            "yolk serve did not exit after SIGINT"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(exit.success(), "yolk serve exited with {exit}");
}
