//! Property: for any stack of layers that pass, stop, fail or catch, the trail of
//! enters and exits is the onion model's, and an error is caught by exactly the first
//! catcher above the layer that failed.

use std::sync::{Arc, Mutex};

use bytes::Bytes;
use chapter_04::{Application, BoxFuture, Context, HttpError, Middleware, Next};
use proptest::prelude::*;

/// What one layer does.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    /// Enter, run the rest, exit.
    Pass,
    /// Enter and answer; the rest never runs.
    Stop,
    /// Enter and fail.
    Fail,
    /// Enter, run the rest, and turn an error from below into a recorded catch.
    Catch,
}

/// The trail, shared through `app.context`.
#[derive(Clone, Default)]
struct Trail(Arc<Mutex<Vec<String>>>);

struct Layer {
    index: usize,
    kind: Kind,
}

impl Middleware for Layer {
    fn call<'a>(
        &'a self,
        ctx: &'a mut Context,
        next: Next<'a>,
    ) -> BoxFuture<'a, Result<(), HttpError>> {
        Box::pin(async move {
            let trail = ctx.app_data::<Trail>().unwrap().clone();
            let record = |step: String| trail.0.lock().unwrap().push(step);
            record(format!(">{}", self.index));
            match self.kind {
                Kind::Pass => {
                    next.run(ctx).await?;
                    record(format!("<{}", self.index));
                    Ok(())
                }
                Kind::Stop => {
                    ctx.set_body("stopped");
                    Ok(())
                }
                Kind::Fail => Err(HttpError::with_message(400, self.index.to_string())),
                Kind::Catch => {
                    if let Err(err) = next.run(ctx).await {
                        record(format!("caught {} at {}", err.message, self.index));
                    }
                    record(format!("<{}", self.index));
                    Ok(())
                }
            }
        })
    }
}

/// The onion model: what running `stack` from `index` records, and whether it fails
/// (with the index of the failing layer).
fn model(stack: &[Kind], index: usize, trail: &mut Vec<String>) -> Result<(), usize> {
    let Some(kind) = stack.get(index) else {
        return Ok(());
    };
    trail.push(format!(">{index}"));
    match kind {
        Kind::Pass => {
            model(stack, index + 1, trail)?;
            trail.push(format!("<{index}"));
            Ok(())
        }
        Kind::Stop => Ok(()),
        Kind::Fail => Err(index),
        Kind::Catch => {
            if let Err(failed) = model(stack, index + 1, trail) {
                trail.push(format!("caught {failed} at {index}"));
            }
            trail.push(format!("<{index}"));
            Ok(())
        }
    }
}

fn kind() -> impl Strategy<Value = Kind> {
    prop_oneof![4 => Just(Kind::Pass), 1 => Just(Kind::Stop), 1 => Just(Kind::Fail), 1 => Just(Kind::Catch)]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn the_trail_is_the_onion_models(stack in proptest::collection::vec(kind(), 0..24)) {
        let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
        let trail = Trail::default();
        let mut app = Application::new();
        app.settings.silent = true;
        app.context.insert(trail.clone());
        for (index, kind) in stack.iter().enumerate() {
            app.use_(Layer { index, kind: *kind });
        }
        let request = http::Request::builder().uri("/").body(Bytes::new()).unwrap();
        let response = runtime.block_on(app.callback().request(request));

        let mut expected = Vec::new();
        let outcome = model(&stack, 0, &mut expected);
        prop_assert_eq!(&*trail.0.lock().unwrap(), &expected);
        match outcome {
            // Nobody caught it: Koa's onerror answers with the error.
            Err(failed) => {
                prop_assert_eq!(response.status(), 400);
                let message = failed.to_string();
                prop_assert_eq!(response.body(), message.as_str());
            }
            Ok(()) => prop_assert_ne!(response.status(), 400),
        }
    }
}
