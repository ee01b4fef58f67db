//! The MCP `instructions` text (what an agent reads first), built from what
//! this request's server offers: the tools (from the registry, through
//! [`crate::serve::tools::Tools`]) and the prompts ([`super::prompts`]), so it never
//! names an operation that does not exist or leaves one out.

use crate::serve::tools::Tool;

/// What every answer of the connector has in common.
const CONVENTIONS: &str = "IDs are positive integers. Paginated tools return nextCursor: pass it back as cursor for the next page. A failed call returns isError with {\"error\": {\"code\", \"message\", \"retryable\", \"field\"}}: for invalid-input fix the named field; retry unchanged only when retryable is true.";

/// Whether a tool only reads (its `readOnlyHint`).
fn is_query(t: &Tool) -> bool {
    t.annotations.get("readOnlyHint").and_then(serde_json::Value::as_bool) == Some(true)
}

/// `name (Title), name (Title)`.
fn names(tools: &[&Tool]) -> String {
    tools
        .iter()
        .map(|t| format!("{} ({})", t.name, t.title))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The instructions for `tools` (those callable now) and `prompts` (names).
pub fn text(tools: &[Tool], read_only: bool, prompts: &[&str]) -> String {
    let queries: Vec<&Tool> = tools.iter().filter(|t| is_query(t)).collect();
    let changes: Vec<&Tool> = tools.iter().filter(|t| !is_query(t)).collect();
    let mut s = format!(
        "Tools for one Gorgias helpdesk account ({} in all). Queries ({}): {}.",
        tools.len(),
        queries.len(),
        names(&queries)
    );
    if !changes.is_empty() {
        s.push_str(&format!(
            " Changes ({}, each writes to Gorgias): {}.",
            changes.len(),
            names(&changes)
        ));
    }
    if read_only {
        s.push_str(&format!(
            " This connector is read-only: only the {} query tools exist, and nothing can be changed.",
            queries.len()
        ));
    }
    if !prompts.is_empty() {
        s.push_str(&format!(
            " Prompts (prompts/get) that walk through common tasks with these tools: {}.",
            prompts.join(", ")
        ));
    }
    s.push(' ');
    s.push_str(CONVENTIONS);
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn tool(name: &'static str, title: &'static str, query: bool) -> Tool {
        Tool {
            name,
            title,
            description: "",
            input_schema: json!({}),
            output_schema: json!({}),
            annotations: json!({"readOnlyHint": query}),
        }
    }

    #[test]
    fn lists_queries_changes_and_prompts() {
        let tools = [tool("get-a", "Get a", true), tool("set-a", "Set a", false)];
        assert_eq!(
            text(&tools, false, &["triage"]),
            format!(
                "Tools for one Gorgias helpdesk account (2 in all). Queries (1): get-a (Get a). \
                 Changes (1, each writes to Gorgias): set-a (Set a). Prompts (prompts/get) that walk \
                 through common tasks with these tools: triage. {CONVENTIONS}"
            )
        );
        let t = text(&tools[..1], true, &[]);
        assert!(
            t.contains("read-only: only the 1 query tools exist") && !t.contains("Changes"),
            "{t}"
        );
        assert!(!t.contains("Prompts"), "{t}");
    }
}
