// Koa checks this at run time (`next() called multiple times`); here it does not compile.
use chapter_04::{Context, HttpError, Next};

async fn twice(ctx: &mut Context, next: Next<'_>) -> Result<(), HttpError> {
    next.run(ctx).await?;
    next.run(ctx).await
}

fn main() {
    let mut app = chapter_04::Application::new();
    app.use_(twice);
}
