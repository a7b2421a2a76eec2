// Keeping `next` to call it later, outside the middleware, does not compile either: it
// borrows the stack, which only lives while the request runs.
use std::sync::Mutex;

use chapter_04::{Context, HttpError, Next};

static SAVED: Mutex<Option<Next<'static>>> = Mutex::new(None);

async fn keep(_ctx: &mut Context, next: Next<'_>) -> Result<(), HttpError> {
    *SAVED.lock().unwrap() = Some(next);
    Ok(())
}

fn main() {
    let mut app = chapter_04::Application::new();
    app.use_(keep);
}
