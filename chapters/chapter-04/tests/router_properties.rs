//! The router's invariants, on random inputs:
//!
//! - `url()` then matching gives the same params back, for any non-empty values;
//! - the fast index and the naive scan (upstream's `match`) pick the same layers, in the
//!   same order, for random route sets, methods and paths;
//! - no path, pattern or value makes anything panic.

use chapter_04::path_to_regexp::{RegexpOptions, path_to_regexp};
use chapter_04::router::{Layer, LayerOptions, Params, RegisterOptions, Router, RouterOptions};
use chapter_04::{Context, HttpError};
use http::Method;
use proptest::prelude::*;
use regex::Regex;
use serde_json::{Map, Value};

async fn noop(_ctx: &mut Context) -> Result<(), HttpError> {
    Ok(())
}

/// One part of a generated route: a literal segment or a parameter.
#[derive(Debug, Clone)]
enum Part {
    Literal(String),
    Param,
}

fn part() -> impl Strategy<Value = Part> {
    prop_oneof![
        "[a-z][a-z0-9_-]{0,6}".prop_map(Part::Literal),
        Just(Part::Param),
    ]
}

/// A route of 1 to 5 `/`-separated parts, maybe ending in `.:ext`, and its keys.
fn route() -> impl Strategy<Value = (String, Vec<String>)> {
    (prop::collection::vec(part(), 1..5), any::<bool>()).prop_map(|(parts, ext)| {
        let mut path = String::new();
        let mut keys = Vec::new();
        for part in parts {
            match part {
                Part::Literal(text) => {
                    path.push('/');
                    path.push_str(&text);
                }
                Part::Param => {
                    let key = format!("p{}", keys.len());
                    path.push_str(&format!("/:{key}"));
                    keys.push(key);
                }
            }
        }
        if ext && path.ends_with(|c: char| c.is_ascii_digit()) && path.contains("/:") {
            // `/:pN.:ext`: a parameter with a `.` prefix after another parameter.
            if path
                .rsplit('/')
                .next()
                .is_some_and(|last| last.starts_with(':'))
            {
                path.push_str(".:ext");
                keys.push("ext".to_owned());
            }
        }
        (path, keys)
    })
}

/// Values: anything non-empty, with a bias towards the characters that matter here.
fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-zA-Z0-9]{1,8}",
        r"[ %+/?#.\-~'()*!&=:@é😀]{1,6}",
        "\\PC{1,10}",
        ".{1,10}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn url_then_match_gives_the_params_back(
        (path, keys) in route(),
        values in prop::collection::vec(value(), 6),
        sensitive in any::<bool>(),
        strict in any::<bool>(),
    ) {
        let mut data = Map::new();
        for (key, value) in keys.iter().zip(&values) {
            data.insert(key.clone(), Value::from(value.as_str()));
        }
        let layer = Layer::new(
            path.as_str(),
            &["GET"],
            vec![],
            LayerOptions { sensitive, strict, ..LayerOptions::default() },
        )
        .unwrap();
        let url = match layer.url(Value::Object(data), None) {
            Ok(url) => url,
            // A value the key's pattern refuses (an `ext` holding a `.`) is refused
            // before any URL exists; nothing to match then.
            Err(err) => {
                prop_assert!(keys.iter().any(|k| k == "ext"), "{path}: {err}");
                return Ok(());
            }
        };
        prop_assert!(layer.is_match(&url), "{path} does not match its own url {url}");
        let mut params = Params::new();
        layer.params_into(&layer.captures(&url), &mut params);
        for (key, value) in keys.iter().zip(&values) {
            prop_assert_eq!(params.get(key), Some(value.as_str()), "{} via {}", path, url);
        }
        prop_assert_eq!(params.len(), keys.len());
    }
}

/// A random route pattern over a small alphabet, so that routes and paths collide often.
fn pattern() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("/".to_owned()),
        Just("/a".to_owned()),
        Just("/A".to_owned()),
        Just("/ab".to_owned()),
        Just("/users".to_owned()),
        Just("/Users".to_owned()),
        Just("/x.y".to_owned()),
        Just("a".to_owned()),
        Just("-".to_owned()),
        Just("%C3%A9".to_owned()),
        Just("é".to_owned()),
        Just("/:p".to_owned()),
        Just("/:q?".to_owned()),
        Just("/:r+".to_owned()),
        Just("/:s*".to_owned()),
        Just("/(.*)".to_owned()),
        Just("(.*)".to_owned()),
        Just("/:n(\\d+)".to_owned()),
        Just(".:ext".to_owned()),
        Just("{-:g}?".to_owned()),
        Just("{/b}?".to_owned()),
        Just("([^/]*)".to_owned()),
    ];
    prop::collection::vec(piece, 0..5).prop_map(|pieces| pieces.concat())
}

/// A random request path over the same alphabet, plus some noise.
fn request_path() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("/".to_owned()),
        Just("/a".to_owned()),
        Just("/A".to_owned()),
        Just("/ab".to_owned()),
        Just("/AB".to_owned()),
        Just("/users".to_owned()),
        Just("/USERS".to_owned()),
        Just("/x.y".to_owned()),
        Just("/x.Y".to_owned()),
        Just("/12".to_owned()),
        Just("-z".to_owned()),
        Just(".json".to_owned()),
        Just("/b".to_owned()),
        Just("%C3%A9".to_owned()),
        Just("%c3%a9".to_owned()),
        Just("é".to_owned()),
        Just("\u{212a}".to_owned()),
        Just("#".to_owned()),
        Just("?".to_owned()),
        "[a-zA-Z0-9%./-]{1,4}",
    ];
    prop::collection::vec(piece, 0..6).prop_map(|pieces| pieces.concat())
}

/// How one layer is registered.
#[derive(Debug, Clone)]
enum Registration {
    Route {
        pattern: String,
        method: &'static str,
        sensitive: bool,
        strict: bool,
    },
    Use {
        pattern: Option<String>,
    },
    Regexp,
}

fn registration() -> impl Strategy<Value = Registration> {
    prop_oneof![
        6 => (pattern(), prop::sample::select(vec!["get", "post", "put", "delete"]), any::<bool>(), any::<bool>())
            .prop_map(|(pattern, method, sensitive, strict)| Registration::Route { pattern, method, sensitive, strict }),
        2 => prop::option::of(pattern()).prop_map(|pattern| Registration::Use { pattern }),
        1 => Just(Registration::Regexp),
    ]
}

/// Builds a router from registrations, skipping the ones path-to-regexp refuses.
fn build(registrations: &[Registration], prefix: Option<&str>) -> Router {
    let mut router = Router::new();
    let regexp = Regex::new(r"(?i)^/(a|users)(/.*)?$").unwrap();
    for registration in registrations {
        let _ = match registration {
            Registration::Route {
                pattern,
                method,
                sensitive,
                strict,
            } => router
                .register(
                    pattern.as_str(),
                    &[method],
                    noop,
                    RegisterOptions {
                        sensitive: *sensitive,
                        strict: *strict,
                        ..RegisterOptions::default()
                    },
                )
                .map(|_| ()),
            Registration::Use {
                pattern: Some(pattern),
            } => router.use_at(pattern.as_str(), noop).map(|_| ()),
            Registration::Use { pattern: None } => router.use_(noop).map(|_| ()),
            Registration::Regexp => router.get(regexp.clone(), noop).map(|_| ()),
        };
    }
    if let Some(prefix) = prefix {
        // A router with a regexp layer refuses a prefix; keep the unprefixed one then.
        let _ = router.prefix(prefix);
    }
    router
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    // ANCHOR: same_layers
    #[test]
    fn the_fast_index_and_the_naive_scan_pick_the_same_layers(
        registrations in prop::collection::vec(registration(), 0..24),
        prefix in prop::option::of(prop::sample::select(vec!["/a", "/Users/:id", "/x.y/", ""])),
        paths in prop::collection::vec(request_path(), 1..16),
        method in prop::sample::select(vec!["GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS"]),
    ) {
        let router = build(&registrations, prefix);
        let table = router.table();
        let method = Method::from_bytes(method.as_bytes()).unwrap();
        for path in &paths {
            let fast = table.match_indices(path, &method);
            let naive = table.match_indices_naive(path, &method);
            prop_assert_eq!(&fast, &naive, "path {:?}", path);
        }
    }
    // ANCHOR_END: same_layers

    #[test]
    fn mounted_routers_index_like_their_scan(
        child in prop::collection::vec(registration(), 0..10),
        parent in prop::collection::vec(registration(), 0..10),
        mount in prop::sample::select(vec!["/a", "/:m", "/users/", ""]),
        paths in prop::collection::vec(request_path(), 1..10),
    ) {
        let child = build(&child, None);
        let mut router = build(&parent, None);
        let _ = router.use_router_at(mount, &child.routes());
        let table = router.table();
        for path in &paths {
            prop_assert_eq!(
                table.match_indices(path, &Method::GET),
                table.match_indices_naive(path, &Method::GET),
                "path {:?}", path
            );
        }
    }

    #[test]
    fn arbitrary_paths_never_panic(path in ".*", bytes in prop::collection::vec(any::<u8>(), 0..64)) {
        let mut router = Router::with_options(RouterOptions::default());
        router.get("/users/:id", noop).unwrap();
        router.get("/files/:path(.*)", noop).unwrap();
        router.get("/opt/:a/:b?", noop).unwrap();
        router.use_(noop).unwrap();
        router.get("/:name.:ext", noop).unwrap();
        let lossy = String::from_utf8_lossy(&bytes).into_owned();
        for path in [path.as_str(), lossy.as_str()] {
            let fast = router.match_path(path, &Method::GET);
            let naive = router.match_path_naive(path, &Method::GET);
            prop_assert_eq!(fast.path.len(), naive.path.len());
            for layer in &fast.path_and_method {
                let mut params = Params::new();
                layer.params_into(&layer.captures(path), &mut params);
            }
        }
    }

    #[test]
    fn the_regex_free_matcher_agrees_with_the_regular_expression(
        pattern in pattern(),
        paths in prop::collection::vec(request_path(), 1..12),
        end in any::<bool>(),
        strict in any::<bool>(),
        sensitive in any::<bool>(),
    ) {
        let options = RegexpOptions { end, strict, sensitive };
        let Ok(re) = path_to_regexp(&pattern, options) else { return Ok(()) };
        for path in &paths {
            prop_assert_eq!(
                re.captures(path),
                re.captures_with_regex(path),
                "{:?} ({:?}) on {:?}", pattern, options, path
            );
            prop_assert_eq!(re.is_match(path), re.regex().is_match(path));
        }
    }

    #[test]
    fn arbitrary_patterns_and_values_never_panic(
        pattern in ".{0,24}",
        value in ".{0,12}",
        end in any::<bool>(),
        strict in any::<bool>(),
    ) {
        let options = RegexpOptions { end, strict, sensitive: false };
        if let Ok(re) = path_to_regexp(&pattern, options) {
            let _ = re.captures(&value);
        }
        let mut data = Map::new();
        data.insert("id".to_owned(), Value::from(value.clone()));
        data.insert("0".to_owned(), Value::from(value));
        let _ = Router::url_for_path(&pattern, Value::Object(data), None);
    }
}
