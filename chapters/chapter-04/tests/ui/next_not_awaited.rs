// Koa's other classic bug: `next()` without `await` lets this layer finish before the
// rest of the stack has run. A Rust future does nothing until awaited, so the rest of the
// stack would not run at all — and the compiler warns; with the lint denied, it refuses.
#![deny(unused_must_use)]

use chapter_04::{Context, HttpError, Next};

async fn forgot(ctx: &mut Context, next: Next<'_>) -> Result<(), HttpError> {
    next.run(ctx);
    ctx.set_body("sent before the rest of the stack ran");
    Ok(())
}

fn main() {
    let mut app = chapter_04::Application::new();
    app.use_(forgot);
}
