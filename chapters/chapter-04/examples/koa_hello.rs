//! Koa's hello world:
//!
//! ```js
//! const Koa = require('koa');
//! const app = new Koa();
//! app.use(async (ctx) => { ctx.body = 'Hello World'; });
//! app.listen(3000);
//! ```
//!
//! Run: `cargo run -p chapter-04 --example ch04-koa-hello -- --listen 127.0.0.1:3000`

use chapter_04::{Application, Context, HttpError};

async fn hello(ctx: &mut Context) -> Result<(), HttpError> {
    ctx.set_body("Hello World");
    Ok(())
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let mut app = Application::new();
    app.use_(hello);
    let listening = app.listen(listen_arg()).await?;
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
