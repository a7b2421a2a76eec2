//! What Koa guards at run time and Rust refuses at compile time. The expected compiler
//! messages live next to each case in `tests/ui/*.stderr`.

#[test]
fn next_cannot_run_twice_or_outlive_the_request() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("tests/ui/*.rs");
}
