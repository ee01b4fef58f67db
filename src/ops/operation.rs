//! The [`Operation`] trait every operation type implements, and what the
//! compiler derives from it ([`types`], [`run_body`]).

use super::fields;
use super::spec::{Spec, Types};
use crate::error::Error;
use crate::gorgias::client::Client;
use schemars::JsonSchema;
use serde::Serialize;
use serde::de::DeserializeOwned;

/// One operation: its input type is the route's body (and the MCP tool's
/// arguments), [`Operation::SPEC`] its name, description, annotations and
/// kind, [`Operation::run`] the Gorgias requests it sends and the mapping of
/// the answers into [`Operation::Output`] (the route's 200 body).
pub trait Operation: DeserializeOwned + JsonSchema {
    /// The operation's entry; its `types` are [`types::<Self>()`](types).
    const SPEC: &'static Spec;
    /// What it returns (the spec's Returns, with the spec's key names).
    type Output: Serialize + JsonSchema;
    /// Whether it removes or replaces data (MCP `destructiveHint`: not only
    /// additive): updates, removals, replacements and deletions; creates,
    /// replies, notes and additions are not.
    const DESTRUCTIVE: bool = false;
    /// Whether it sends independent Gorgias calls together
    /// ([`Client::send_all`]): the README's operations table names it.
    const CONCURRENT: bool = false;
    /// Runs it over `client`.
    fn run(self, client: &mut Client<'_>) -> Result<Self::Output, Error>;
}

/// What the compiler derives from operation `O`'s types: its schemas, its
/// parameter names, whether it is destructive, and the function that runs it
/// on a route body. Every `SPEC` holds it as `types: types::<Self>()`.
pub const fn types<O: Operation>() -> Types {
    Types::of::<O, O::Output>(run_body::<O>, O::DESTRUCTIVE, O::CONCURRENT)
}

/// Runs operation `O` on a route body: strict decoding, the run, the answer
/// as the bytes of the route's `200` body, serialized straight from the
/// output type (no `Value` tree in between: on a 100-ticket page that tree
/// and its `Display` were ~7% of the guest's time, BENCHMARKS.md). Keys come
/// in the output type's order, which is the spec's. MCP parses these bytes
/// for its `structuredContent`, so every surface renders through one path.
pub fn run_body<O: Operation>(body: &[u8], client: &mut Client<'_>) -> Result<Vec<u8>, Error> {
    let input: O = fields::decode(body)?;
    let out = input.run(client)?;
    // The records hold only strings, integers, booleans and lists of them:
    // serialising them cannot fail.
    Ok(serde_json::to_vec(&out).unwrap_or_else(|_| b"null".to_vec()))
}
