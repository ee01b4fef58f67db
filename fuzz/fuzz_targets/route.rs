//! An inbound HTTP request (method, path, headers, body) through the router,
//! with upstream answers from the same input. See `../harness.rs`.
#![no_main]

#[allow(dead_code, reason = "the seed encoders serve tests/no_panic.rs")]
#[path = "../harness.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    harness::route(data);
});
