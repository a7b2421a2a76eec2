//! Writes a few chunks over time, the way a Node handler streams with `res.write`:
//!
//! ```js
//! http.createServer(async (req, res) => {
//!   for (const word of ['one', 'two', 'three']) {
//!     res.write(word + '\n');
//!     await new Promise((r) => setTimeout(r, 200));
//!   }
//!   res.end();
//! }).listen(3000)
//! ```
//!
//! With `curl -N` you see each line arrive 200 ms after the one before: the first
//! `write` sends the head with `Transfer-Encoding: chunked`, each later one a chunk.

use std::time::Duration;

use chapter_04::{IncomingMessage, ServerResponse, create_server};

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let addr = listen_arg();
    let server = create_server(
        |_req: IncomingMessage, mut res: ServerResponse| async move {
            res.set_header("Content-Type", "text/plain; charset=utf-8")?;
            for word in ["one", "two", "three"] {
                res.write(format!("{word}\n")).await?;
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
            res.end("").await
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
