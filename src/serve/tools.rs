//! What the MCP surface needs from the operations: the tools and a way to run
//! one. [`super::mcp`] speaks the protocol over this trait and knows nothing of
//! the operations themselves; the operations' registry implements it.

use serde_json::Value;

/// One MCP tool, derived from an operation.
#[derive(Debug, Clone, PartialEq)]
pub struct Tool {
    /// The operation name (`get-ticket`).
    pub name: &'static str,
    /// A short human title (`Get ticket`).
    pub title: &'static str,
    /// The operation's description.
    pub description: &'static str,
    /// JSON Schema (2020-12) of the arguments: the route's body.
    pub input_schema: Value,
    /// JSON Schema (2020-12) of the structured result: the route's 200 body.
    pub output_schema: Value,
    /// MCP `ToolAnnotations` (`readOnlyHint`, `destructiveHint`, `idempotentHint`, `openWorldHint`).
    pub annotations: Value,
}

/// Why a tool could not be run at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NoSuchTool {
    /// No operation has this name.
    Unknown,
    /// The operation exists but the connector's access tier excludes it:
    /// why, naming the tier it needs ([`crate::ops::Spec::refusal`]).
    Excluded(String),
}

/// The connector's operations as MCP sees them, for one inbound request
/// (its credentials headers and the operator's configuration are bound in).
pub trait Tools {
    /// Whether the connector is in read-only mode (mutations hidden).
    fn read_only(&self) -> bool;
    /// The tools callable now (read-only mode hides mutations), in a fixed order.
    fn list(&self) -> Vec<Tool>;
    /// [`Tools::list`] without their schemas (`null`): what the instructions
    /// need, without reading any schema.
    fn summaries(&self) -> Vec<Tool> {
        self.list()
    }
    /// `tools/list`'s `tools` array as JSON bytes, written from prepared text
    /// (`modern`: under 2026-07-28, whose `outputSchema` also admits the error
    /// body); `None`: MCP builds it from [`Tools::list`].
    fn list_json(&self, _modern: bool) -> Option<Vec<u8>> {
        None
    }
    /// Whether [`Tools::list_json`] answers (then `tools/list` splices it in).
    fn prepares_list(&self) -> bool {
        false
    }
    /// Runs tool `name` with `arguments` (a JSON object) exactly as
    /// `POST /<name>` with that body would: `Ok(Ok(v))` is the route's 200
    /// body, `Ok(Err(v))` the route's error body `{"error": {...}}`.
    fn call(&mut self, name: &str, arguments: Value) -> Result<Result<Value, Value>, NoSuchTool>;
}
