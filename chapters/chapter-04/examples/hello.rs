//! `Hello World`, the first program of every Node tutorial:
//!
//! ```js
//! http.createServer((req, res) => res.end('Hello World')).listen(3000)
//! ```
//!
//! Run: `cargo run -p chapter-04 --example ch04-hello -- --listen 127.0.0.1:3000`

use chapter_04::{IncomingMessage, ServerResponse, create_server};

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let addr = listen_arg();
    let server = create_server(
        |_req: IncomingMessage, mut res: ServerResponse| async move { res.end("Hello World").await },
    );
    let listening = server.listen(addr).await?;
    println!("listening on http://{}", listening.local_addr());
    tokio::signal::ctrl_c().await?;
    listening.close().await;
    Ok(())
}

/// `--listen ADDR`, or Node's favourite port on loopback.
fn listen_arg() -> String {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|arg| arg == "--listen")
        .and_then(|i| args.get(i + 1).cloned())
        .unwrap_or_else(|| "127.0.0.1:3000".to_owned())
}
