//! Shared by this chapter's tests: the test app (the same routes as the Node reference
//! server in `tests/node/http-reference.js` at the workspace root) and a raw-socket
//! client with bounded waits.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::time::Duration;

use chapter_04::{BoxError, IncomingMessage, Listening, ServerResponse, create_server};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// How long any single wait in these tests may take before the test fails.
pub const WAIT: Duration = Duration::from_secs(10);

/// The test app: one handler, routes by path, like the Node reference server.
pub async fn handler(mut req: IncomingMessage, mut res: ServerResponse) -> Result<(), BoxError> {
    let url = req.url();
    let path = url.split('?').next().unwrap_or("");
    match path {
        "/hello" => res.end("Hello World").await?,
        "/hello-typed" => {
            res.set_header("Content-Type", "text/plain")?;
            res.end("Hello World").await?;
        }
        "/echo" => {
            while let Some(chunk) = req.chunk().await {
                res.write(chunk?).await?;
            }
            res.end("").await?;
        }
        "/stream" => {
            for line in ["one\n", "two\n", "three\n"] {
                res.write(line).await?;
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            res.end("").await?;
        }
        "/write-end" => {
            res.write("a").await?;
            res.end("b").await?;
        }
        "/set-length" => {
            res.set_header("Content-Length", "5")?;
            res.write("hel").await?;
            res.end("lo").await?;
        }
        "/empty" => res.end("").await?,
        "/status-204" => {
            res.status_code = 204;
            res.end("ignored body?").await?;
        }
        "/status-304" => {
            res.status_code = 304;
            res.end("ignored body?").await?;
        }
        "/custom-message" => {
            res.status_message = Some("Fine Thanks".into());
            res.end("ok").await?;
        }
        "/write-head" => {
            res.write_head(201, None, &[("X-A", "1")]).await?;
            res.end("x").await?;
        }
        // Differs from Node on purpose: Node keeps the client waiting; we end on drop.
        "/no-end" => {
            res.set_header("X-Forgot", "end")?;
        }
        "/no-end-streamed" => {
            res.write("partial").await?;
        }
        "/hang" => {
            // Sends its head, then outlives any reasonable close timeout.
            res.write("started\n").await?;
            tokio::time::sleep(Duration::from_secs(3600)).await;
        }
        "/collect" => match req.collect(16).await {
            Ok(body) => res.end(body).await?,
            Err(error) => {
                res.status_code = 413;
                res.end(error.to_string()).await?;
            }
        },
        "/try-header" => {
            // Body: name, NUL, value. Answers with the outcome of set_header.
            let body = req.collect(64 * 1024).await?;
            let text = String::from_utf8_lossy(&body).into_owned();
            let (name, value) = text.split_once('\0').unwrap_or((&text, ""));
            match res.set_header(name, value) {
                Ok(()) => res.end("ok").await?,
                Err(error) => {
                    res.status_code = 400;
                    res.end(error.to_string()).await?;
                }
            }
        }
        "/panic" => panic!("boom from /panic"),
        "/panic-after-head" => {
            res.write("partial").await?;
            panic!("boom after the head");
        }
        "/error" => return Err("a handler error".into()),
        "/bad-status" => {
            res.status_code = 99;
            res.end("x").await?;
        }
        _ => {
            res.status_code = 404;
            res.end("Not Found").await?;
        }
    }
    Ok(())
}

/// Starts the test app on a free loopback port.
pub async fn start() -> Listening {
    start_with(|server| server).await
}

/// Starts the test app after `configure` has set the server's limits.
pub async fn start_with(
    configure: impl FnOnce(chapter_04::Server) -> chapter_04::Server,
) -> Listening {
    configure(create_server(handler))
        .listen("127.0.0.1:0")
        .await
        .expect("bind a loopback port")
}

/// Sends `request` as raw bytes and reads until the server closes the connection.
pub async fn exchange(addr: SocketAddr, request: &[u8]) -> Vec<u8> {
    let mut stream = TcpStream::connect(addr).await.expect("connect");
    stream.write_all(request).await.expect("send");
    read_to_close(&mut stream).await
}

/// Reads until the peer closes (or resets) the connection, failing after [`WAIT`].
pub async fn read_to_close(stream: &mut TcpStream) -> Vec<u8> {
    let mut received = Vec::new();
    let mut buffer = [0u8; 8192];
    tokio::time::timeout(WAIT, async {
        loop {
            match stream.read(&mut buffer).await {
                Ok(0) | Err(_) => break,
                Ok(n) => received.extend_from_slice(&buffer[..n]),
            }
        }
    })
    .await
    .expect("the server should close the connection in time");
    received
}

/// Reads one response with a `Content-Length` body (without waiting for the connection
/// to close), failing after [`WAIT`].
pub async fn read_one_response(stream: &mut TcpStream) -> Vec<u8> {
    let mut received = Vec::new();
    let mut buffer = [0u8; 8192];
    tokio::time::timeout(WAIT, async {
        loop {
            if let Some(end) = received.windows(4).position(|w| w == b"\r\n\r\n") {
                let head = String::from_utf8_lossy(&received[..end]).to_ascii_lowercase();
                let length = head
                    .lines()
                    .find_map(|line| line.strip_prefix("content-length:"))
                    .and_then(|n| n.trim().parse::<usize>().ok())
                    .unwrap_or(0);
                if received.len() >= end + 4 + length {
                    return;
                }
            }
            match stream.read(&mut buffer).await {
                Ok(0) | Err(_) => return,
                Ok(n) => received.extend_from_slice(&buffer[..n]),
            }
        }
    })
    .await
    .expect("a whole response in time");
    received
}

/// Makes a raw exchange readable and stable: the `Date` value replaced, CRLF shown,
/// other control bytes written as `\xNN` so a snapshot stays text.
pub fn normalise(raw: &[u8]) -> String {
    let text: String = String::from_utf8_lossy(raw)
        .chars()
        .map(|c| {
            if c.is_control() && !matches!(c, '\r' | '\n' | '\t') {
                format!("\\x{:02X}", u32::from(c))
            } else {
                c.to_string()
            }
        })
        .collect();
    let mut out = String::new();
    for line in text.split_inclusive("\r\n") {
        let lower = line.to_ascii_lowercase();
        if lower.starts_with("date: ") {
            out.push_str("Date: <date>\\r\\n\n");
        } else if let Some(stripped) = line.strip_suffix("\r\n") {
            out.push_str(stripped);
            out.push_str("\\r\\n\n");
        } else {
            out.push_str(line);
        }
    }
    out
}

/// `request` and the server's `answer` side by side, as the snapshots show them.
pub fn transcript(request: &[u8], answer: &[u8]) -> String {
    format!(
        ">>> sent\n{}\n<<< received\n{}",
        normalise(request),
        normalise(answer)
    )
}

/// A response taken apart: status code, headers (names lower-cased) and the body with
/// its framing (Content-Length or chunked) removed.
#[derive(Debug)]
pub struct Parsed {
    /// The status code from the status line.
    pub status: u16,
    /// Every header, in order, names lower-cased.
    pub headers: Vec<(String, String)>,
    /// The body bytes, de-chunked.
    pub body: Vec<u8>,
}

impl Parsed {
    /// The first value of a header.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Parses one HTTP/1.x response from raw bytes (enough for these tests, not a client).
pub fn parse_response(raw: &[u8]) -> Parsed {
    let end = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a complete head");
    let head = String::from_utf8_lossy(&raw[..end]);
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap();
    let status = status_line.split(' ').nth(1).unwrap().parse().unwrap();
    let headers: Vec<(String, String)> = lines
        .map(|line| {
            let (name, value) = line.split_once(':').unwrap();
            (name.to_ascii_lowercase(), value.trim().to_owned())
        })
        .collect();
    let rest = &raw[end + 4..];
    let chunked = headers
        .iter()
        .any(|(n, v)| n == "transfer-encoding" && v.contains("chunked"));
    let body = if chunked {
        dechunk(rest)
    } else {
        rest.to_vec()
    };
    Parsed {
        status,
        headers,
        body,
    }
}

/// Removes chunked framing.
fn dechunk(mut rest: &[u8]) -> Vec<u8> {
    let mut body = Vec::new();
    loop {
        let line_end = rest
            .windows(2)
            .position(|w| w == b"\r\n")
            .expect("chunk size line");
        let size =
            usize::from_str_radix(std::str::from_utf8(&rest[..line_end]).unwrap().trim(), 16)
                .expect("hex chunk size");
        rest = &rest[line_end + 2..];
        if size == 0 {
            return body;
        }
        body.extend_from_slice(&rest[..size]);
        rest = &rest[size + 2..];
    }
}
pub mod koa;
