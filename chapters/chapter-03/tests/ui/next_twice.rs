// Koa checks this at run time (`next() called multiple times`); here it does not compile.
use chapter_03::{Context, HttpError, Next};

async fn twice(ctx: &mut Context, next: Next<'_>) -> Result<(), HttpError> {
    next.run(ctx).await?;
    next.run(ctx).await
}

fn main() {
    let mut app = chapter_03::Application::new();
    app.use_(twice);
}
