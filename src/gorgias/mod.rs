//! The Gorgias client, sans-IO: the account's endpoint and credentials
//! ([`endpoint`]), the request an operation builds ([`request`]), the
//! transport port ([`transport`], the only I/O, implemented by the wasm edge
//! and by test scripts), and the client that sends requests over it with
//! retries, pacing near the rate limit ([`pacing`]), same-origin redirects
//! ([`redirect`]) and the resend rule ([`resend`]). Time is passed in.
//!
//! It knows no operation and no surface: [`crate::ops`] builds on it.

pub mod client;
pub mod endpoint;
pub mod pacing;
pub mod redirect;
pub mod request;
pub mod resend;
pub mod transport;

#[cfg(test)]
pub(crate) mod testing;
