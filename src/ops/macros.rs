//! Macros (Gorgias's canned responses: a list of actions such as "set the
//! response text" or "add tags") and the background jobs that apply them:
//! listing and reading macros, applying one to tickets (`POST /api/jobs` of
//! type `applyMacro`: Gorgias has no synchronous "apply a macro" endpoint)
//! and following that job. Each operation is its input type, its
//! [`Operation`] entry, the Gorgias requests it builds and the mapping of the
//! answer.
//!
//! A macro action's `arguments` are free-form JSON (`{"body_text": …}`,
//! `{"tags": "a, b"}`, …): they are answered as JSON text, a string, so that
//! the JSON answer and the WIT record say the same thing; so is a job's
//! `info`.

use crate::error::Error;
use crate::gorgias::client::Client;
use crate::gorgias::request::{ApiRequest, Method};
use crate::ops::fields::{Map, check_id, id as id_field, id_list, list_query, opt_u32};
use crate::ops::operation::{Operation, types};
use crate::ops::spec::{Access, Spec};
use crate::ops::wire::{ListAnswer, decode, null_as_empty};
use crate::schema::typed;
use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// At most this many tickets per apply-macro call.
pub const MAX_TICKETS: usize = 100;

/// How many of the newest `applyMacro` jobs apply-macro looks through when
/// Gorgias accepted the job without answering it.
const JOB_LOOKBACK: u32 = 10;

/// Input of list-macros.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ListMacros {
    /// Text to match.
    #[schemars(description = "Only macros matching this text (Gorgias's search)")]
    pub search: Option<String>,
    /// Page size.
    #[serde(default, deserialize_with = "opt_u32")]
    #[schemars(
        schema_with = "crate::schema::opt_limit",
        description = "Page size (max 100, default 30)"
    )]
    pub limit: Option<u32>,
    /// Cursor.
    #[schemars(description = "Pagination cursor from a prior response")]
    pub cursor: Option<String>,
}

impl ListMacros {
    /// `GET /api/macros?search=&limit=&cursor=`.
    pub fn request(&self) -> Result<ApiRequest, Error> {
        Ok(ApiRequest::get(
            "/api/macros",
            list_query(self.search.as_deref(), self.limit, self.cursor.as_deref())?,
        ))
    }
}

impl Operation for ListMacros {
    const SPEC: &'static Spec = &Spec {
        name: "list-macros",
        title: "List Macros",
        description: "List the Gorgias account's macros (canned responses) with their actions, optionally matching a text; the IDs apply-macro takes.",
        access: Access::Read,
        idempotent: true,
        endpoint: "GET /api/macros",
        example: r#"{"search": "help", "limit": 10}"#,
        types: types::<Self>(),
    };
    type Output = MacroPage;
    fn run(self, c: &mut Client<'_>) -> Result<MacroPage, Error> {
        c.call(&self.request()?, parse_macro_page)
    }
}

/// Input of get-macro.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct GetMacro {
    /// The macro.
    #[serde(deserialize_with = "id_field")]
    #[schemars(schema_with = "crate::schema::id", description = "The Gorgias macro ID")]
    pub macro_id: u64,
}

impl GetMacro {
    /// `GET /api/macros/{id}`.
    pub fn request(&self) -> Result<ApiRequest, Error> {
        check_id("macroId", self.macro_id)?;
        Ok(ApiRequest::get(format!("/api/macros/{}", self.macro_id), vec![]))
    }
}

impl Operation for GetMacro {
    const SPEC: &'static Spec = &Spec {
        name: "get-macro",
        title: "Get Macro",
        description: "Retrieve a single Gorgias macro (canned response) by ID, with its actions.",
        access: Access::Read,
        idempotent: true,
        endpoint: "GET /api/macros/{id}",
        example: r#"{"macroId": 374421}"#,
        types: types::<Self>(),
    };
    type Output = MacroAnswer;
    fn run(self, c: &mut Client<'_>) -> Result<MacroAnswer, Error> {
        c.call(&self.request()?, parse_macro)
            .map(|record| MacroAnswer { record })
    }
}

/// Input of apply-macro.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ApplyMacro {
    /// The macro.
    #[serde(deserialize_with = "id_field")]
    #[schemars(
        schema_with = "crate::schema::id",
        description = "The Gorgias macro ID to apply (see list-macros)"
    )]
    pub macro_id: u64,
    /// The tickets.
    #[serde(deserialize_with = "id_list")]
    #[schemars(
        schema_with = "ticket_ids",
        description = "The tickets to apply it to: 1 to 100 ticket IDs (repeats are sent once)"
    )]
    pub ticket_ids: Vec<u64>,
    /// `apply_and_close`.
    #[schemars(
        description = "Whether to close the tickets once the macro is applied (Gorgias's apply_and_close); absent leaves that to the macro"
    )]
    pub close: Option<bool>,
}

/// apply-macro's `ticketIds`: 1 to [`MAX_TICKETS`] IDs.
fn ticket_ids(g: &mut SchemaGenerator) -> Schema {
    let items = crate::schema::id(g).to_value();
    Schema::try_from(typed(
        "array",
        &[
            ("items", items),
            ("minItems", 1.into()),
            ("maxItems", MAX_TICKETS.into()),
        ],
    ))
    .unwrap_or_default()
}

impl ApplyMacro {
    /// The tickets, each once, in the order given.
    fn distinct_tickets(&self) -> Vec<u64> {
        let mut out: Vec<u64> = Vec::with_capacity(self.ticket_ids.len());
        for t in &self.ticket_ids {
            if !out.contains(t) {
                out.push(*t);
            }
        }
        out
    }

    /// Checks the macro and the number of tickets.
    pub fn validate(&self) -> Result<(), Error> {
        check_id("macroId", self.macro_id)?;
        if self.ticket_ids.is_empty() || self.ticket_ids.len() > MAX_TICKETS {
            return Err(Error::invalid(
                "ticketIds",
                format!("must list 1 to {MAX_TICKETS} ticket IDs; got {}", self.ticket_ids.len()),
            ));
        }
        Ok(())
    }

    /// `POST /api/jobs` `{"type": "applyMacro", "params": {"macro_id",
    /// "ticket_ids", "apply_and_close"?}}`.
    pub fn request(&self) -> Result<ApiRequest, Error> {
        self.validate()?;
        let mut params = Map::new();
        params.insert("macro_id".into(), self.macro_id.into());
        params.insert(
            "ticket_ids".into(),
            Value::Array(self.distinct_tickets().into_iter().map(Value::from).collect()),
        );
        if let Some(close) = self.close {
            params.insert("apply_and_close".into(), close.into());
        }
        let mut body = Map::new();
        body.insert("type".into(), "applyMacro".into());
        body.insert("params".into(), Value::Object(params));
        Ok(ApiRequest::with_body(Method::Post, "/api/jobs", Value::Object(body)))
    }

    /// The newest `applyMacro` jobs, to find the one Gorgias accepted
    /// without answering it.
    pub fn lookup_request() -> ApiRequest {
        ApiRequest::get(
            "/api/jobs",
            vec![
                ("type".into(), "applyMacro".into()),
                ("order_by".into(), "created_datetime:desc".into()),
                ("limit".into(), JOB_LOOKBACK.to_string()),
            ],
        )
    }

    /// Whether `job` is this call's: an `applyMacro` job of this macro on
    /// exactly these tickets.
    fn is_mine(&self, job: &WireJob) -> bool {
        let Some(params) = &job.params else { return false };
        let mut sent = self.distinct_tickets();
        let mut theirs: Vec<u64> = params
            .get("ticket_ids")
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(Value::as_u64).collect())
            .unwrap_or_default();
        sent.sort_unstable();
        theirs.sort_unstable();
        job.kind == "applyMacro"
            && params.get("macro_id").and_then(Value::as_u64) == Some(self.macro_id)
            && sent == theirs
    }
}

impl Operation for ApplyMacro {
    const SPEC: &'static Spec = &Spec {
        name: "apply-macro",
        title: "Apply Macro",
        description: "Apply a Gorgias macro to 1 to 100 tickets as a background job; the macro's actions run as configured (they may reply to the customer, change tags, status or assignee). Follow the job with get-job.",
        access: Access::Write,
        idempotent: false,
        endpoint: "POST /api/jobs",
        example: r#"{"macroId": 374421, "ticketIds": [12345, 12347], "close": false}"#,
        types: types::<Self>(),
    };
    type Output = JobAnswer;
    /// A macro may replace a ticket's status, tags or assignee, and send replies.
    const DESTRUCTIVE: bool = true;
    fn run(self, c: &mut Client<'_>) -> Result<JobAnswer, Error> {
        let req = self.request()?;
        let resp = c.send(&req)?;
        if !resp.body.iter().all(u8::is_ascii_whitespace) {
            let job = parse_job(&resp.body).map_err(|m| {
                c.finish(Error::InvalidResponse {
                    status: resp.status,
                    message: format!(
                        "unexpected response from POST /api/jobs: {m}; the job was created, so it was not resent"
                    ),
                    retryable: false,
                })
            })?;
            return Ok(JobAnswer { job });
        }
        let page = c.call(&Self::lookup_request(), decode::<ListAnswer<WireJob>>)?;
        let mine = page.items.into_iter().find(|j| self.is_mine(j));
        match mine {
            Some(job) => Ok(JobAnswer { job: Job::from(job) }),
            None => Err(c.finish(Error::InvalidResponse {
                status: resp.status,
                message: format!(
                    "POST /api/jobs answered {} without a body and no applyMacro job of macro {} on these tickets \
                     is among the {JOB_LOOKBACK} newest; it was probably created, so check the jobs before applying \
                     the macro again",
                    resp.status, self.macro_id
                ),
                retryable: false,
            })),
        }
    }
}

/// Input of get-job.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct GetJob {
    /// The job.
    #[serde(deserialize_with = "id_field")]
    #[schemars(
        schema_with = "crate::schema::id",
        description = "The Gorgias job ID (apply-macro's job.id)"
    )]
    pub job_id: u64,
}

impl GetJob {
    /// `GET /api/jobs/{id}`.
    pub fn request(&self) -> Result<ApiRequest, Error> {
        check_id("jobId", self.job_id)?;
        Ok(ApiRequest::get(format!("/api/jobs/{}", self.job_id), vec![]))
    }
}

impl Operation for GetJob {
    const SPEC: &'static Spec = &Spec {
        name: "get-job",
        title: "Get Job",
        description: "Retrieve a Gorgias background job (e.g. apply-macro's) by ID: its status (pending, scheduled, running, done, cancel_requested, canceled, errored, fatal_errored) and progress.",
        access: Access::Read,
        idempotent: true,
        endpoint: "GET /api/jobs/{id}",
        example: r#"{"jobId": 1551809}"#,
        types: types::<Self>(),
    };
    type Output = JobAnswer;
    fn run(self, c: &mut Client<'_>) -> Result<JobAnswer, Error> {
        c.call(&self.request()?, parse_job).map(|job| JobAnswer { job })
    }
}

// ---- the records they answer with, and Gorgias's JSON --------------------------

/// One action of a macro.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct MacroAction {
    /// `setResponseText`, `addTags`, `setStatus`, ….
    #[schemars(description = "The action (setResponseText, addTags, setStatus, setAssignee, …)")]
    pub name: String,
    /// Its label.
    #[schemars(description = "The action's label in the helpdesk")]
    pub title: Option<String>,
    /// Its arguments as JSON text.
    #[schemars(
        description = "The action's arguments as JSON text, e.g. {\"tags\":\"refund, vip\"} ({} when Gorgias sends none)"
    )]
    pub arguments: String,
}

/// A macro.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Macro {
    /// The macro ID.
    #[schemars(description = "The macro ID (what apply-macro takes)")]
    pub id: u64,
    /// Its name.
    #[schemars(description = "The macro's name")]
    pub name: String,
    /// Its intent.
    #[schemars(description = "What the macro is for, e.g. shipping/status or other/thanks")]
    pub intent: Option<String>,
    /// Its language.
    #[schemars(description = "The macro's language (ISO 639-1)")]
    pub language: Option<String>,
    /// Its actions.
    #[schemars(description = "The actions it applies, in order")]
    pub actions: Vec<MacroAction>,
    /// Creation time.
    #[schemars(description = "When the macro was created")]
    pub created_datetime: Option<String>,
    /// Last edit.
    #[schemars(description = "When the macro was last updated (null if never)")]
    pub updated_datetime: Option<String>,
}

/// A page of macros.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct MacroPage {
    /// The macros.
    #[schemars(description = "The macros")]
    pub macros: Vec<Macro>,
    /// `meta.next_cursor` (`None` for a bare array).
    #[serde(rename = "nextCursor")]
    #[schemars(description = "Cursor for the next page of results")]
    pub next_cursor: Option<String>,
}

/// What get-macro answers: `{"macro": {...}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct MacroAnswer {
    /// The macro (`macro` is a Rust keyword).
    #[serde(rename = "macro")]
    #[schemars(description = "The macro")]
    pub record: Macro,
}

/// A background job.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Job {
    /// The job ID.
    #[schemars(description = "The job ID (what get-job takes)")]
    pub id: u64,
    /// `applyMacro`, `exportTicket`, ….
    #[serde(rename = "type")]
    #[schemars(description = "The job's type (applyMacro, exportTicket, updateTicket, …)")]
    pub job_type: String,
    /// Its status.
    #[schemars(
        description = "The job's status: pending, scheduled, running, done, cancel_requested, canceled, errored or fatal_errored"
    )]
    pub status: String,
    /// Creation time.
    #[schemars(description = "When the job was created")]
    pub created_datetime: Option<String>,
    /// When it is to start.
    #[schemars(description = "When the job is scheduled to start (null: as soon as possible)")]
    pub scheduled_datetime: Option<String>,
    /// When it started.
    #[schemars(description = "When the job started running")]
    pub started_datetime: Option<String>,
    /// When it ended.
    #[schemars(description = "When the job ended")]
    pub ended_datetime: Option<String>,
    /// When it failed.
    #[schemars(description = "When the job failed")]
    pub failed_datetime: Option<String>,
    /// When it was canceled.
    #[schemars(description = "When the job was canceled")]
    pub cancelled_datetime: Option<String>,
    /// Progress as JSON text.
    #[schemars(
        description = "The job's progress information as JSON text, e.g. {\"progress_count\":12} ({} when Gorgias sends none)"
    )]
    pub info: String,
}

/// What apply-macro and get-job answer: `{"job": {...}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct JobAnswer {
    /// The job.
    #[schemars(description = "The job")]
    pub job: Job,
}

/// Free-form JSON as JSON text; `{}` when absent or `null`.
fn json_text(v: Option<Value>) -> String {
    match v {
        None | Some(Value::Null) => "{}".to_string(),
        Some(v) => v.to_string(),
    }
}

#[derive(Deserialize)]
struct WireAction {
    name: String,
    title: Option<String>,
    #[serde(default)]
    arguments: Option<Value>,
}

#[derive(Deserialize)]
struct WireMacro {
    id: u64,
    name: String,
    intent: Option<String>,
    language: Option<String>,
    #[serde(default, deserialize_with = "null_as_empty")]
    actions: Vec<WireAction>,
    created_datetime: Option<String>,
    updated_datetime: Option<String>,
}

impl From<WireMacro> for Macro {
    fn from(m: WireMacro) -> Macro {
        Macro {
            id: m.id,
            name: m.name,
            intent: m.intent,
            language: m.language,
            actions: m
                .actions
                .into_iter()
                .map(|a| MacroAction {
                    name: a.name,
                    title: a.title,
                    arguments: json_text(a.arguments),
                })
                .collect(),
            created_datetime: m.created_datetime,
            updated_datetime: m.updated_datetime,
        }
    }
}

#[derive(Deserialize)]
struct WireJob {
    id: u64,
    #[serde(rename = "type")]
    kind: String,
    status: String,
    created_datetime: Option<String>,
    scheduled_datetime: Option<String>,
    started_datetime: Option<String>,
    ended_datetime: Option<String>,
    failed_datetime: Option<String>,
    cancelled_datetime: Option<String>,
    #[serde(default)]
    info: Option<Value>,
    #[serde(default)]
    params: Option<Value>,
}

impl From<WireJob> for Job {
    fn from(j: WireJob) -> Job {
        Job {
            id: j.id,
            job_type: j.kind,
            status: j.status,
            created_datetime: j.created_datetime,
            scheduled_datetime: j.scheduled_datetime,
            started_datetime: j.started_datetime,
            ended_datetime: j.ended_datetime,
            failed_datetime: j.failed_datetime,
            cancelled_datetime: j.cancelled_datetime,
            info: json_text(j.info),
        }
    }
}

/// `GET /api/macros` → [`MacroPage`] (either list shape).
pub fn parse_macro_page(body: &[u8]) -> Result<MacroPage, String> {
    let list = decode::<ListAnswer<WireMacro>>(body)?;
    Ok(MacroPage {
        macros: list.items.into_iter().map(Macro::from).collect(),
        next_cursor: list.next_cursor,
    })
}

/// `GET /api/macros/{id}` → [`Macro`].
pub fn parse_macro(body: &[u8]) -> Result<Macro, String> {
    decode::<WireMacro>(body).map(Macro::from)
}

/// `GET /api/jobs/{id}`, `POST /api/jobs` → [`Job`].
pub fn parse_job(body: &[u8]) -> Result<Job, String> {
    decode::<WireJob>(body).map(Job::from)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gorgias::testing::{Scripted, client, field};
    use serde_json::json;

    const LIST: &str = include_str!("../../tests/fixtures/recorded/nango-list-macros.json");
    const ONE: &str = include_str!("../../tests/fixtures/recorded/nango-get-macro.json");
    const JOB: &str = include_str!("../../tests/fixtures/recorded/nango-get-job.json");

    #[test]
    fn list_macros_builds_its_query_and_keeps_arguments_as_json_text() {
        let l = ListMacros {
            search: Some(" sign off ".into()),
            limit: Some(5),
            cursor: Some("c/2".into()),
        };
        assert_eq!(
            l.request().unwrap().path_and_query(),
            "/api/macros?search=sign%20off&limit=5&cursor=c%2F2"
        );
        assert_eq!(ListMacros::default().request().unwrap().path_and_query(), "/api/macros");
        let l = ListMacros {
            limit: Some(101),
            ..Default::default()
        };
        assert_eq!(field(l.request().unwrap_err()), "limit");
        let mut t = Scripted::new(vec![Scripted::json(200, LIST)]);
        let page = Operation::run(ListMacros::default(), &mut client(&mut t, "list-macros")).unwrap();
        assert_eq!(t.lines(), vec!["GET /api/macros"]);
        let ids: Vec<u64> = page.macros.iter().map(|m| m.id).collect();
        assert_eq!((ids, page.next_cursor), (vec![374712, 374422, 374421], None));
        let tags = &page.macros[0].actions[0];
        assert_eq!(
            (tags.name.as_str(), tags.title.as_deref(), tags.arguments.as_str()),
            ("addTags", Some("add tags"), r#"{"tags":"test"}"#)
        );
        assert_eq!(page.macros[1].intent.as_deref(), Some("other/thanks"));
        let text: Value = serde_json::from_str(&page.macros[2].actions[0].arguments).unwrap();
        assert_eq!(
            text["body_text"],
            "Hi {{ticket.customer.firstname}}!\n\nThanks for reaching out. How can I help you today?"
        );
    }

    #[test]
    fn get_macro_maps_the_recorded_macro() {
        let mut t = Scripted::new(vec![Scripted::json(200, ONE)]);
        let out = Operation::run(GetMacro { macro_id: 374421 }, &mut client(&mut t, "get-macro")).unwrap();
        assert_eq!(t.lines(), vec!["GET /api/macros/374421"]);
        let v = serde_json::to_value(&out).unwrap();
        assert_eq!(v["macro"]["id"], 374421);
        assert_eq!(v["macro"]["name"], "Generic: How can I help?");
        assert_eq!(v["macro"]["intent"], Value::Null);
        assert_eq!(v["macro"]["language"], "en");
        assert_eq!(v["macro"]["updated_datetime"], Value::Null);
        assert_eq!(v["macro"]["actions"][0]["name"], "setResponseText");
        // The keys come in the record's order.
        let text = serde_json::to_string(&out).unwrap();
        let at = |k: &str| text.find(&format!("\"{k}\":")).unwrap();
        let keys = [
            "id",
            "name",
            "intent",
            "language",
            "actions",
            "created_datetime",
            "updated_datetime",
        ];
        assert!(keys.windows(2).all(|w| at(w[0]) < at(w[1])), "{text}");
        // Absent or null arguments and actions read as empty.
        let m = parse_macro(
            br#"{"id": 1, "name": "n", "actions": [{"name": "setStatus", "arguments": null}, {"name": "x"}]}"#,
        )
        .unwrap();
        assert_eq!(
            m.actions.iter().map(|a| a.arguments.as_str()).collect::<Vec<_>>(),
            ["{}", "{}"]
        );
        assert!(
            parse_macro(br#"{"id": 1, "name": "n", "actions": null}"#)
                .unwrap()
                .actions
                .is_empty()
        );
        let mut t = Scripted::default();
        assert_eq!(
            field(Operation::run(GetMacro { macro_id: 0 }, &mut client(&mut t, "get-macro")).unwrap_err()),
            "macroId"
        );
        let mut t = Scripted::new(vec![Scripted::json(
            404,
            r#"{"error": {"msg": "Resource not found."}}"#,
        )]);
        let e = Operation::run(GetMacro { macro_id: 9 }, &mut client(&mut t, "get-macro")).unwrap_err();
        assert_eq!(e.code(), "not-found");
    }

    fn apply() -> ApplyMacro {
        ApplyMacro {
            macro_id: 374421,
            ticket_ids: vec![12345, 12347, 12345],
            close: None,
        }
    }

    const PENDING: &str = r#"{"id": 1551900, "type": "applyMacro", "status": "pending", "params": {"macro_id": 374421, "ticket_ids": [12345, 12347]},
        "info": null, "meta": null, "created_datetime": "2026-08-26T18:39:57.503144+00:00", "scheduled_datetime": null,
        "started_datetime": null, "ended_datetime": null, "failed_datetime": null, "cancelled_datetime": null, "uri": "/api/jobs/1551900/"}"#;

    #[test]
    fn apply_macro_creates_an_apply_macro_job_with_each_ticket_once() {
        let r = apply().request().unwrap();
        assert_eq!((r.method, r.path.as_str()), (Method::Post, "/api/jobs"));
        assert_eq!(
            r.body.unwrap(),
            json!({"type": "applyMacro", "params": {"macro_id": 374421, "ticket_ids": [12345, 12347]}})
        );
        let close = ApplyMacro {
            close: Some(true),
            ..apply()
        };
        assert_eq!(
            close.request().unwrap().body.unwrap()["params"],
            json!({"macro_id": 374421, "ticket_ids": [12345, 12347], "apply_and_close": true})
        );
        let mut t = Scripted::new(vec![Scripted::json(201, PENDING)]);
        let out = Operation::run(apply(), &mut client(&mut t, "apply-macro")).unwrap();
        assert_eq!(
            serde_json::to_value(&out).unwrap(),
            json!({"job": {"id": 1551900, "type": "applyMacro", "status": "pending",
                "created_datetime": "2026-08-26T18:39:57.503144+00:00", "scheduled_datetime": null,
                "started_datetime": null, "ended_datetime": null, "failed_datetime": null, "cancelled_datetime": null,
                "info": "{}"}})
        );
        assert_eq!(t.lines(), vec!["POST /api/jobs"]);
    }

    #[test]
    fn apply_macro_validation() {
        let invalid = |a: ApplyMacro| field(a.request().unwrap_err());
        assert_eq!(
            invalid(ApplyMacro {
                ticket_ids: vec![],
                ..apply()
            }),
            "ticketIds"
        );
        assert_eq!(
            invalid(ApplyMacro {
                ticket_ids: (1..=101).collect(),
                ..apply()
            }),
            "ticketIds"
        );
        assert!(
            ApplyMacro {
                ticket_ids: (1..=100).collect(),
                ..apply()
            }
            .request()
            .is_ok()
        );
        assert_eq!(invalid(ApplyMacro { macro_id: 0, ..apply() }), "macroId");
        let decode = |b: &str| crate::ops::fields::decode::<ApplyMacro>(b.as_bytes());
        assert_eq!(field(decode(r#"{"macroId": 1}"#).unwrap_err()), "ticketIds");
        assert_eq!(
            field(decode(r#"{"macroId": 1, "ticketIds": [0]}"#).unwrap_err()),
            "ticketIds[0]"
        );
        assert_eq!(
            field(decode(r#"{"macroId": 1, "ticketIds": [1], "close": "yes"}"#).unwrap_err()),
            "close"
        );
        let a = decode(r#"{"macroId": "7", "ticketIds": ["8", 9], "close": null}"#).unwrap();
        assert_eq!((a.macro_id, a.ticket_ids, a.close), (7, vec![8, 9], None));
        let mut t = Scripted::default();
        let e = Operation::run(
            ApplyMacro {
                ticket_ids: vec![],
                ..apply()
            },
            &mut client(&mut t, "apply-macro"),
        )
        .unwrap_err();
        assert_eq!(field(e), "ticketIds");
        assert!(t.sent.is_empty());
    }

    #[test]
    fn apply_macro_without_an_answer_body_finds_its_job_among_the_newest() {
        let other = r#"{"id": 1551899, "type": "applyMacro", "status": "done", "params": {"macro_id": 374421, "ticket_ids": [1]}}"#;
        let page = format!(r#"{{"data": [{other}, {PENDING}], "meta": {{"next_cursor": null}}}}"#);
        let mut t = Scripted::new(vec![Scripted::json(201, ""), Scripted::json(200, &page)]);
        let out = Operation::run(apply(), &mut client(&mut t, "apply-macro")).unwrap();
        assert_eq!(out.job.id, 1551900);
        assert_eq!(
            t.lines(),
            vec![
                "POST /api/jobs",
                "GET /api/jobs?type=applyMacro&order_by=created_datetime%3Adesc&limit=10"
            ]
        );
        // Jobs whose params say nothing (as recorded for exportMacro) are not taken for it.
        let page = r#"{"data": [{"id": 5, "type": "applyMacro", "status": "pending", "params": {}}], "meta": null}"#;
        let mut t = Scripted::new(vec![Scripted::json(202, ""), Scripted::json(200, page)]);
        let e = Operation::run(apply(), &mut client(&mut t, "apply-macro")).unwrap_err();
        assert_eq!((e.code(), e.retryable()), ("invalid-response", false));
        assert!(e.message().contains("answered 202 without a body"), "{}", e.message());
        // A 2xx body that is not a job: the job exists, nothing is resent.
        let mut t = Scripted::new(vec![Scripted::json(201, r#"{"id": "x"}"#)]);
        let e = Operation::run(apply(), &mut client(&mut t, "apply-macro")).unwrap_err();
        assert_eq!((e.code(), e.retryable()), ("invalid-response", false));
        assert_eq!(t.lines().len(), 1);
        // A refused job is Gorgias's answer, not resent.
        let mut t = Scripted::new(vec![Scripted::json(
            400,
            r#"{"error": {"msg": "Invalid data", "data": {"params": ["Unknown macro."]}}}"#,
        )]);
        let e = Operation::run(apply(), &mut client(&mut t, "apply-macro")).unwrap_err();
        assert_eq!((e.code(), e.retryable()), ("upstream", false));
        assert_eq!(t.lines().len(), 1);
    }

    #[test]
    fn get_job_maps_the_recorded_job() {
        let mut t = Scripted::new(vec![Scripted::json(200, JOB)]);
        let out = Operation::run(GetJob { job_id: 1551809 }, &mut client(&mut t, "get-job")).unwrap();
        assert_eq!(t.lines(), vec!["GET /api/jobs/1551809"]);
        assert_eq!(
            serde_json::to_value(&out).unwrap(),
            json!({"job": {"id": 1551809, "type": "exportMacro", "status": "done",
                "created_datetime": "2026-08-26T18:39:57.503144+00:00", "scheduled_datetime": null,
                "started_datetime": "2026-08-26T18:39:57.609503+00:00", "ended_datetime": "2026-08-26T18:39:58.938932+00:00",
                "failed_datetime": null, "cancelled_datetime": null, "info": "{}"}})
        );
        let j = parse_job(br#"{"id": 2, "type": "applyMacro", "status": "running", "info": {"progress_count": 12}}"#)
            .unwrap();
        assert_eq!(
            (j.info.as_str(), j.created_datetime),
            (r#"{"progress_count":12}"#, None)
        );
        assert!(parse_job(br#"{"id": 2, "status": "running"}"#).is_err());
        let mut t = Scripted::default();
        assert_eq!(
            field(Operation::run(GetJob { job_id: 0 }, &mut client(&mut t, "get-job")).unwrap_err()),
            "jobId"
        );
    }

    #[test]
    fn the_macro_schemas_accept_exactly_what_the_validation_accepts() {
        use crate::gorgias::client::{Client, RetryPolicy};
        use crate::gorgias::testing::conn;
        let many = |n: u64| json!({"macroId": 1, "ticketIds": (1..=n).collect::<Vec<u64>>()}).to_string();
        let cases: Vec<(&str, String, bool)> = vec![
            ("apply-macro", many(1), true),
            ("apply-macro", many(100), true),
            ("apply-macro", many(101), false),
            ("apply-macro", many(0), false),
            ("apply-macro", r#"{"macroId": 1, "ticketIds": null}"#.into(), false),
            ("apply-macro", r#"{"macroId": 1}"#.into(), false),
            (
                "apply-macro",
                r#"{"macroId": 1, "ticketIds": ["2"], "close": true}"#.into(),
                true,
            ),
            (
                "apply-macro",
                r#"{"macroId": 1, "ticketIds": [2], "close": null}"#.into(),
                true,
            ),
            ("apply-macro", r#"{"macroId": 0, "ticketIds": [2]}"#.into(), false),
            ("apply-macro", r#"{"macroId": 1, "ticketIds": [2.5]}"#.into(), false),
            ("get-macro", r#"{"macroId": 3}"#.into(), true),
            ("get-macro", r#"{"macroId": null}"#.into(), false),
            ("get-job", r#"{"jobId": "3"}"#.into(), true),
            ("get-job", r#"{}"#.into(), false),
            ("list-macros", r#"{}"#.into(), true),
            ("list-macros", r#"{"limit": 0}"#.into(), false),
            (
                "list-macros",
                r#"{"search": null, "cursor": null, "limit": "100"}"#.into(),
                true,
            ),
        ];
        for (name, body, ok) in cases {
            let op = crate::ops::find(name).unwrap();
            let mut t = Scripted::new((0..4).map(|_| Scripted::json(404, "{}")).collect());
            let mut c = Client::new(&mut t, &conn(), None, RetryPolicy::default(), op.name).unwrap();
            let accepted = !matches!(op.run(body.as_bytes(), &mut c), Err(Error::InvalidInput(_)));
            assert_eq!(accepted, ok, "connector on {name} {body}");
            let v: Value = serde_json::from_str(&body).unwrap();
            assert_eq!(
                crate::schema::check_schema(&v, &op.input_schema(), "$").is_ok(),
                ok,
                "schema on {name} {body}"
            );
        }
    }
}
