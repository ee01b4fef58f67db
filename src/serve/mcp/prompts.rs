//! MCP prompts: a few helpdesk tasks an agent is asked for most (after
//! Gorgias's own hosted prompt library: triage a ticket, summarize a thread,
//! draft a reply), each a user message that names the connector's tools to
//! call, in order, with their arguments.
//!
//! A prompt's steps are registry operations (their `Spec`s: a step names a
//! tool by the registry's own name, and one that no longer exists does not
//! compile); a step whose tool is not callable now (read-only mode hides the
//! mutations) is left out and the message says the connector is read-only.
//! Arguments are strings (as MCP defines them) and are
//! validated: an unknown prompt, a missing or malformed argument, or an
//! unknown one is an error naming it (JSON-RPC -32602), never a prompt built
//! on bad input.

use crate::ops::{Operation, Spec, customers, messages, tags, teams, tickets};
use crate::schema::MAX_ID;
use serde_json::{Map, Value};

/// What kind of value an argument takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A positive integer (decimal digits) of at most [`MAX_ID`].
    Id,
    /// Free text of at most this many characters, on one line.
    Text(usize),
}

/// One prompt argument.
#[derive(Debug, Clone, Copy)]
pub struct Arg {
    /// Its name (camelCase, as the tools' arguments).
    pub name: &'static str,
    /// What it is, for the client's form.
    pub description: &'static str,
    /// Whether `prompts/get` needs it.
    pub required: bool,
    /// What it accepts.
    pub kind: Kind,
}

/// One step: a tool (an operation of the registry) to call and what to do with it. `{ticketId}` and the like
/// in `text` are replaced by the arguments (already validated).
#[derive(Debug, Clone, Copy)]
pub struct Step {
    /// The operation (tool) the step calls.
    pub tool: &'static Spec,
    /// What to do, with `{argument}` placeholders.
    pub text: &'static str,
}

/// One prompt.
#[derive(Debug, Clone, Copy)]
pub struct Prompt {
    /// Its name (kebab-case, as the tools).
    pub name: &'static str,
    /// A short human title.
    pub title: &'static str,
    /// What it is for.
    pub description: &'static str,
    /// Its arguments.
    pub arguments: &'static [Arg],
    /// The task, with `{argument}` placeholders.
    pub task: &'static str,
    /// The steps, in order.
    pub steps: &'static [Step],
    /// What to say when a mutation step is left out (read-only mode).
    pub read_only_note: &'static str,
}

// The operations the steps call.
const GET_TICKET: &Spec = <tickets::GetTicket as Operation>::SPEC;
const UPDATE_TICKET: &Spec = <tickets::UpdateTicket as Operation>::SPEC;
const GET_TICKET_MESSAGES: &Spec = <messages::GetTicketMessages as Operation>::SPEC;
const REPLY_TO_TICKET: &Spec = <messages::ReplyToTicket as Operation>::SPEC;
const LIST_TAGS: &Spec = <tags::ListTags as Operation>::SPEC;
const ADD_TICKET_TAGS: &Spec = <tags::AddTicketTags as Operation>::SPEC;
const LIST_TEAMS: &Spec = <teams::ListTeams as Operation>::SPEC;
const GET_CUSTOMER: &Spec = <customers::GetCustomer as Operation>::SPEC;

const TICKET_ID: Arg = Arg {
    name: "ticketId",
    description: "The Gorgias ticket ID (a positive integer)",
    required: true,
    kind: Kind::Id,
};

/// The prompts, in the order `prompts/list` gives them.
pub const PROMPTS: [Prompt; 3] = [
    Prompt {
        name: "triage-ticket",
        title: "Triage a ticket",
        description: "Read a ticket and its thread, then set its priority, status and tags (or propose them when the connector is read-only).",
        arguments: &[TICKET_ID],
        task: "Triage Gorgias ticket {ticketId}.",
        steps: &[
            Step {
                tool: GET_TICKET,
                text: "read the ticket (status, priority, channel, assignee, tags) with {\"ticketId\": {ticketId}}",
            },
            Step {
                tool: GET_TICKET_MESSAGES,
                text: "read the thread with {\"ticketId\": {ticketId}}, passing nextCursor back as cursor until it is null",
            },
            Step {
                tool: LIST_TAGS,
                text: "see which tags exist, and reuse them rather than inventing new ones",
            },
            Step {
                tool: LIST_TEAMS,
                text: "see which team the ticket belongs with",
            },
            Step {
                tool: UPDATE_TICKET,
                text: "set the priority and status you decided on (and an assignee team if one fits) with {\"ticketId\": {ticketId}, ...}",
            },
            Step {
                tool: ADD_TICKET_TAGS,
                text: "add the tags you chose with {\"ticketId\": {ticketId}, \"tagNames\": [...]}",
            },
        ],
        read_only_note: "The connector is read-only: do not try to change the ticket; report the priority, status, tags and team you would set, each with a one-line reason.",
    },
    Prompt {
        name: "summarize-ticket",
        title: "Summarize a ticket thread",
        description: "Summarize a ticket's conversation: the customer's problem, what was tried, what is pending.",
        arguments: &[
            TICKET_ID,
            Arg {
                name: "focus",
                description: "Optional: what the summary should concentrate on (e.g. \"refund status\"), at most 200 characters",
                required: false,
                kind: Kind::Text(200),
            },
        ],
        task: "Summarize Gorgias ticket {ticketId} for an agent taking it over.{focus}",
        steps: &[
            Step {
                tool: GET_TICKET,
                text: "read the ticket with {\"ticketId\": {ticketId}}",
            },
            Step {
                tool: GET_TICKET_MESSAGES,
                text: "read the whole thread with {\"ticketId\": {ticketId}}, passing nextCursor back as cursor until it is null",
            },
            Step {
                tool: GET_CUSTOMER,
                text: "look up the customer with the ticket's customer_id as {\"customerId\": ...}",
            },
        ],
        read_only_note: "",
    },
    Prompt {
        name: "draft-reply",
        title: "Draft a reply",
        description: "Draft a reply to the customer from the ticket's thread; send it only after a human approves it.",
        arguments: &[
            TICKET_ID,
            Arg {
                name: "tone",
                description: "Optional: the tone of the reply (e.g. \"warm and brief\"), at most 100 characters",
                required: false,
                kind: Kind::Text(100),
            },
        ],
        task: "Draft a reply to the customer on Gorgias ticket {ticketId}.{tone}",
        steps: &[
            Step {
                tool: GET_TICKET,
                text: "read the ticket (channel, customer) with {\"ticketId\": {ticketId}}",
            },
            Step {
                tool: GET_TICKET_MESSAGES,
                text: "read the thread with {\"ticketId\": {ticketId}}, passing nextCursor back as cursor until it is null; answer the customer's last message",
            },
            Step {
                tool: GET_CUSTOMER,
                text: "look up the customer's name with the ticket's customer_id as {\"customerId\": ...}",
            },
            Step {
                tool: REPLY_TO_TICKET,
                text: "only after a human has approved the draft, send it with {\"ticketId\": {ticketId}, \"bodyText\": ...}; never send an unapproved draft",
            },
        ],
        read_only_note: "The connector is read-only: show the draft; it cannot be sent from here.",
    },
];

/// A prompt that is not there or arguments it does not take (JSON-RPC -32602).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PromptError(pub String);

/// The prompts' names.
pub fn names() -> Vec<&'static str> {
    PROMPTS.iter().map(|p| p.name).collect()
}

fn string_map(pairs: Vec<(&str, Value)>) -> Value {
    Value::Object(pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
}

/// `prompts/list`'s `prompts`.
pub fn list() -> Vec<Value> {
    PROMPTS
        .iter()
        .map(|p| {
            let args: Vec<Value> = p
                .arguments
                .iter()
                .map(|a| {
                    string_map(vec![
                        ("name", a.name.into()),
                        ("description", a.description.into()),
                        ("required", a.required.into()),
                    ])
                })
                .collect();
            string_map(vec![
                ("name", p.name.into()),
                ("title", p.title.into()),
                ("description", p.description.into()),
                ("arguments", args.into()),
            ])
        })
        .collect()
}

/// At most 64 characters of caller-supplied text, for messages.
fn clip(s: &str) -> String {
    s.chars().take(64).collect()
}

/// Checks one argument value.
fn check(arg: &Arg, value: &str) -> Result<String, PromptError> {
    let bad = |why: &str| PromptError(format!("argument {}: {why}", arg.name));
    match arg.kind {
        Kind::Id => {
            let v = value.trim();
            if v.is_empty() || !v.bytes().all(|b| b.is_ascii_digit()) {
                return Err(bad("must be a positive integer (decimal digits)"));
            }
            match v.parse::<u64>() {
                Ok(0) => Err(bad("must be a positive integer")),
                Ok(n) if n <= MAX_ID => Ok(n.to_string()),
                _ => Err(bad("is too large")),
            }
        }
        Kind::Text(max) => {
            if value.chars().count() > max {
                return Err(bad(&format!("must be at most {max} characters")));
            }
            if value.chars().any(char::is_control) {
                return Err(bad("must be one line of text without control characters"));
            }
            Ok(value.trim().to_string())
        }
    }
}

/// `prompts/get`: the prompt `name` with `arguments`, its steps limited to
/// the tools in `available` (the names `tools/list` gives now).
pub fn get(name: &str, arguments: Option<&Value>, available: &[&str]) -> Result<Value, PromptError> {
    let Some(p) = PROMPTS.iter().find(|p| p.name == name) else {
        return Err(PromptError(format!(
            "unknown prompt: {:?}; prompts/list lists them ({})",
            clip(name),
            names().join(", ")
        )));
    };
    let empty = Map::new();
    let given = match arguments {
        None | Some(Value::Null) => &empty,
        Some(Value::Object(m)) => m,
        Some(_) => return Err(PromptError("params.arguments must be an object of strings".into())),
    };
    if let Some(unknown) = given.keys().find(|k| !p.arguments.iter().any(|a| a.name == k.as_str())) {
        let takes: Vec<&str> = p.arguments.iter().map(|a| a.name).collect();
        return Err(PromptError(format!(
            "{} takes no argument {:?} (it takes {})",
            p.name,
            clip(unknown),
            takes.join(", ")
        )));
    }
    let mut values: Vec<(&str, String)> = Vec::new();
    for a in p.arguments {
        match given.get(a.name) {
            None | Some(Value::Null) if a.required => {
                return Err(PromptError(format!("argument {}: is required", a.name)));
            }
            None | Some(Value::Null) => values.push((a.name, String::new())),
            Some(Value::String(s)) => values.push((a.name, check(a, s)?)),
            Some(_) => return Err(PromptError(format!("argument {}: must be a string", a.name))),
        }
    }
    let fill = |template: &str| {
        values.iter().fold(template.to_string(), |t, (k, v)| {
            let with = match (k, v.is_empty()) {
                (&"ticketId", _) => v.clone(),
                (_, true) => String::new(),
                (k, false) => format!(" {}: {v}.", if *k == "tone" { "Tone" } else { "Focus on" }),
            };
            t.replace(&format!("{{{k}}}"), &with)
        })
    };
    let mut text = fill(p.task);
    text.push_str(" Use the Gorgias connector's tools:");
    let mut left_out = false;
    let mut n = 0;
    for s in p.steps {
        if !available.contains(&s.tool.name) {
            left_out = true;
            continue;
        }
        n += 1;
        text.push_str(&format!("\n{n}. Call {}: {}.", s.tool.name, fill(s.text)));
    }
    if left_out && !p.read_only_note.is_empty() {
        text.push_str(&format!("\n{}", p.read_only_note));
    }
    text.push_str("\nIf a call fails, read its error: fix the named field for invalid-input, and retry only when retryable is true.");
    let message = string_map(vec![
        ("role", "user".into()),
        (
            "content",
            string_map(vec![("type", "text".into()), ("text", text.into())]),
        ),
    ]);
    Ok(string_map(vec![
        ("description", p.description.into()),
        ("messages", Value::Array(vec![message])),
    ]))
}

#[cfg(test)]
mod tests {
    use super::*;
    #[allow(unused_imports)]
    use crate::config::Access;
    use crate::ops::OPERATIONS;
    use serde_json::json;

    fn all() -> Vec<&'static str> {
        crate::ops::available(Access::All).map(|o| o.name).collect()
    }

    fn read_only() -> Vec<&'static str> {
        crate::ops::available(Access::Read).map(|o| o.name).collect()
    }

    fn text_of(v: &Value) -> String {
        v["messages"][0]["content"]["text"].as_str().unwrap().to_string()
    }

    #[test]
    fn every_step_names_a_registry_operation_and_every_placeholder_is_an_argument() {
        for p in PROMPTS {
            for s in p.steps {
                assert!(
                    OPERATIONS.iter().any(|o| o.name == s.tool.name),
                    "{}: no operation {}",
                    p.name,
                    s.tool.name
                );
            }
            let has_mutation = p.steps.iter().any(|s| !read_only().contains(&s.tool.name));
            assert_eq!(has_mutation, !p.read_only_note.is_empty(), "{}", p.name);
            let mut args = json!({});
            for a in p.arguments {
                args[a.name] = "7".into();
            }
            let t = text_of(&get(p.name, Some(&args), &all()).unwrap());
            assert!(!t.contains('{') || t.contains("{\""), "{t}");
            assert!(
                !t.contains("{ticketId}") && !t.contains("{focus}") && !t.contains("{tone}"),
                "{t}"
            );
        }
        let listed: Vec<String> = list().iter().map(|p| p["name"].as_str().unwrap().to_string()).collect();
        assert_eq!(listed, names());
    }

    #[test]
    fn the_steps_name_the_tools_to_call_in_order() {
        let v = get("triage-ticket", Some(&json!({"ticketId": "12345"})), &all()).unwrap();
        let t = text_of(&v);
        assert!(
            t.starts_with("Triage Gorgias ticket 12345. Use the Gorgias connector's tools:\n1. Call get-ticket: "),
            "{t}"
        );
        assert!(t.contains("{\"ticketId\": 12345}"), "{t}");
        let at = |tool: &str| t.find(&format!("Call {tool}:")).unwrap();
        assert!(at("get-ticket") < at("get-ticket-messages") && at("get-ticket-messages") < at("update-ticket"));
        assert_eq!(v["messages"][0]["role"], "user");
        assert!(!t.contains("read-only"), "{t}");
        let t = text_of(&get("draft-reply", Some(&json!({"ticketId": "5", "tone": " warm "})), &all()).unwrap());
        assert!(
            t.starts_with("Draft a reply to the customer on Gorgias ticket 5. Tone: warm. "),
            "{t}"
        );
    }

    #[test]
    fn in_read_only_mode_no_prompt_names_a_mutation() {
        let ro = read_only();
        let mutations: Vec<&str> = OPERATIONS.iter().filter(|o| !o.read_only()).map(|o| o.name).collect();
        assert!(!mutations.is_empty());
        for p in PROMPTS {
            let t = text_of(&get(p.name, Some(&json!({"ticketId": "1"})), &ro).unwrap());
            for m in &mutations {
                assert!(!t.contains(&format!("Call {m}:")), "{}: {t}", p.name);
            }
            if !p.read_only_note.is_empty() {
                assert!(t.contains("read-only"), "{t}");
            }
        }
    }

    #[test]
    fn bad_names_and_arguments_are_errors_naming_them() {
        let e = |name: &str, args: Value| get(name, Some(&args), &all()).unwrap_err().0;
        assert!(e("nope", json!({})).starts_with("unknown prompt: \"nope\""));
        for (args, why) in [
            (json!({}), "argument ticketId: is required"),
            (json!({"ticketId": null}), "argument ticketId: is required"),
            (json!({"ticketId": 5}), "argument ticketId: must be a string"),
            (
                json!({"ticketId": "0"}),
                "argument ticketId: must be a positive integer",
            ),
            (
                json!({"ticketId": "-3"}),
                "argument ticketId: must be a positive integer (decimal digits)",
            ),
            (
                json!({"ticketId": "1e3"}),
                "argument ticketId: must be a positive integer (decimal digits)",
            ),
            (
                json!({"ticketId": "99999999999999999999"}),
                "argument ticketId: is too large",
            ),
            (
                json!({"ticketId": "1", "tone": "x\ny"}),
                "argument tone: must be one line",
            ),
            (
                json!({"ticketId": "1", "tone": "x".repeat(101)}),
                "argument tone: must be at most 100 characters",
            ),
            (
                json!({"ticketId": "1", "colour": "red"}),
                "draft-reply takes no argument \"colour\"",
            ),
        ] {
            let got = e("draft-reply", args.clone());
            assert!(got.starts_with(why), "{args}: {got}");
        }
        assert_eq!(
            get("draft-reply", Some(&json!([1])), &all()).unwrap_err().0,
            "params.arguments must be an object of strings"
        );
        assert!(get("summarize-ticket", Some(&json!({"ticketId": "7"})), &all()).is_ok());
    }
}
