//! koa-compose's behaviour: the onion order, errors through the layers, short-circuits,
//! stacks inside stacks, and depth.

use std::sync::{Arc, Mutex};

use bytes::Bytes;
use chapter_04::{Application, Compose, Context, HttpError, Next};

/// The order layers entered and left, shared with the test through `app.context`.
#[derive(Clone, Default)]
struct Trail(Arc<Mutex<Vec<String>>>);

impl Trail {
    fn push(&self, step: impl Into<String>) {
        self.0.lock().unwrap().push(step.into());
    }
    fn take(&self) -> Vec<String> {
        std::mem::take(&mut self.0.lock().unwrap())
    }
}

/// Records `>name` on the way in and `<name` on the way out.
struct Layer(&'static str);

impl chapter_04::Middleware for Layer {
    fn call<'a>(
        &'a self,
        ctx: &'a mut Context,
        next: Next<'a>,
    ) -> chapter_04::BoxFuture<'a, Result<(), HttpError>> {
        Box::pin(async move {
            let trail = ctx.app_data::<Trail>().unwrap().clone();
            trail.push(format!(">{}", self.0));
            next.run(ctx).await?;
            trail.push(format!("<{}", self.0));
            Ok(())
        })
    }
}

async fn pass(ctx: &mut Context, next: Next<'_>) -> Result<(), HttpError> {
    next.run(ctx).await
}

async fn body_ok(ctx: &mut Context, _next: Next<'_>) -> Result<(), HttpError> {
    ctx.set_body("ok");
    Ok(())
}

async fn fail(_ctx: &mut Context, _next: Next<'_>) -> Result<(), HttpError> {
    Err(HttpError::with_message(418, "downstream"))
}

fn request(path: &str) -> http::Request<Bytes> {
    http::Request::builder()
        .uri(path)
        .header("host", "example.com")
        .body(Bytes::new())
        .unwrap()
}

fn app_with_trail() -> (Application, Trail) {
    let trail = Trail::default();
    let mut app = Application::new();
    app.settings.silent = true;
    app.context.insert(trail.clone());
    (app, trail)
}

#[tokio::test]
async fn layers_run_in_onion_order() {
    let (mut app, trail) = app_with_trail();
    app.use_(Layer("a"))
        .use_(Layer("b"))
        .use_(Layer("c"))
        .use_(body_ok);
    let response = app.callback().request(request("/")).await;
    assert_eq!(response.status(), 200);
    assert_eq!(trail.take(), [">a", ">b", ">c", "<c", "<b", "<a"]);
}

#[tokio::test]
async fn a_layer_that_does_not_call_next_ends_the_chain() {
    let (mut app, trail) = app_with_trail();
    app.use_(Layer("a")).use_(body_ok).use_(Layer("never"));
    let response = app.callback().request(request("/")).await;
    assert_eq!(response.body(), "ok");
    assert_eq!(trail.take(), [">a", "<a"]);
}

#[tokio::test]
async fn an_error_downstream_skips_the_way_back_and_reaches_onerror() {
    let (mut app, trail) = app_with_trail();
    app.use_(Layer("a")).use_(Layer("b")).use_(fail);
    let response = app.callback().request(request("/")).await;
    assert_eq!(response.status(), 418);
    assert_eq!(response.body(), "downstream");
    // Neither layer got past its `next.run(ctx).await?`.
    assert_eq!(trail.take(), [">a", ">b"]);
}

#[tokio::test]
async fn an_upstream_layer_can_catch_a_downstream_error() {
    async fn catcher(ctx: &mut Context, next: Next<'_>) -> Result<(), HttpError> {
        match next.run(ctx).await {
            Ok(()) => Ok(()),
            Err(err) => {
                ctx.set_status(err.status)?;
                ctx.set_body(format!("caught: {}", err.message));
                Ok(())
            }
        }
    }
    let (mut app, _trail) = app_with_trail();
    app.use_(catcher).use_(pass).use_(fail);
    let response = app.callback().request(request("/")).await;
    assert_eq!(response.status(), 418);
    assert_eq!(response.body(), "caught: downstream");
}

#[tokio::test]
async fn a_composed_stack_is_one_middleware_that_continues_outside() {
    let (mut app, trail) = app_with_trail();
    let mut inner = Compose::new();
    inner.use_(Layer("inner-1")).use_(Layer("inner-2"));
    app.use_(Layer("outer"))
        .use_(inner)
        .use_(Layer("after"))
        .use_(body_ok);
    let response = app.callback().request(request("/")).await;
    assert_eq!(response.body(), "ok");
    assert_eq!(
        trail.take(),
        [
            ">outer", ">inner-1", ">inner-2", ">after", "<after", "<inner-2", "<inner-1", "<outer"
        ]
    );
}

#[tokio::test]
async fn ten_thousand_pass_through_layers_do_not_overflow_the_stack() {
    let mut app = Application::new();
    for _ in 0..10_000 {
        app.use_(pass);
    }
    app.use_(body_ok);
    let response = app.callback().request(request("/")).await;
    assert_eq!(response.body(), "ok");
}
