//! Streams the request body back as it arrives — Node's `req.pipe(res)`:
//!
//! ```js
//! http.createServer((req, res) => req.pipe(res)).listen(3000)
//! ```
//!
//! Each chunk the client sends is written back before the next is read, so a large body
//! never sits in memory whole. Try: `curl -T big.file http://127.0.0.1:3000/`.

use chapter_04::{IncomingMessage, ServerResponse, create_server};

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let addr = listen_arg();
    let server = create_server(
        |mut req: IncomingMessage, mut res: ServerResponse| async move {
            if let Some(kind) = req.header("content-type").map(str::to_owned) {
                res.set_header("Content-Type", kind)?;
            }
            while let Some(chunk) = req.chunk().await {
                res.write(chunk?).await?;
            }
            res.end("").await?;
            Ok::<_, chapter_04::BoxError>(())
        },
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
