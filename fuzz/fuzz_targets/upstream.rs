//! One upstream answer (status, Retry-After, body) through the error
//! classification and every response parser. See `../harness.rs`.
#![no_main]

#[allow(dead_code, reason = "the seed encoders serve tests/no_panic.rs")]
#[path = "../harness.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    harness::upstream(data);
});
