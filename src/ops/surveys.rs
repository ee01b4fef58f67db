//! Satisfaction surveys: listing them (all, or a ticket's) and recording one
//! on a ticket. Each operation is its input type, its [`Operation`] entry,
//! the Gorgias requests it builds and the mapping of the answers.
//!
//! Whether Gorgias emails a survey is `should_send_datetime`: "when the
//! survey should be sent. If not set then the survey will not be sent by
//! Gorgias" (the SatisfactionSurvey object). create-satisfaction-survey's
//! `send` is that field: `false` (the default) sends it as `null`, `true` as
//! the current time. `sent_datetime` only records that a survey went out.

use crate::error::Error;
use crate::gorgias::client::Client;
use crate::gorgias::request::{ApiRequest, Method};
use crate::ops::fields::{Map, check_id, check_limit, id as id_field, opt_id, opt_u32, put};
use crate::ops::operation::{Operation, types};
use crate::ops::spec::{Access, Spec};
use crate::ops::wire::{ListAnswer, decode, lenient_u64};
use crate::schema::{any_of, null_schema, typed};
use schemars::JsonSchema;
use schemars::{Schema, SchemaGenerator};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The longest `bodyText` Gorgias takes (characters).
pub const MAX_BODY_TEXT_CHARS: usize = 1000;

/// An optional score 1..=5 (integer or numeric string; `null` = absent).
pub fn opt_score(_: &mut SchemaGenerator) -> Schema {
    any_of(vec![
        typed("integer", &[("minimum", 1.into()), ("maximum", 5.into())]),
        typed(
            "string",
            &[("pattern", "^[\\t\\n\\f\\r ]*0*[1-5][\\t\\n\\f\\r ]*$".into())],
        ),
        null_schema(),
    ])
}

/// An optional comment of at most [`MAX_BODY_TEXT_CHARS`] characters.
pub fn opt_body_text(_: &mut SchemaGenerator) -> Schema {
    any_of(vec![
        typed("string", &[("maxLength", MAX_BODY_TEXT_CHARS.into())]),
        null_schema(),
    ])
}

// ---- list-satisfaction-surveys -----------------------------------------------------

/// Input of list-satisfaction-surveys.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ListSatisfactionSurveys {
    /// Only this ticket's survey.
    #[serde(default, deserialize_with = "opt_id")]
    #[schemars(
        schema_with = "crate::schema::opt_id",
        description = "Only the survey of this ticket (a ticket has at most one)"
    )]
    pub ticket_id: Option<u64>,
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

impl ListSatisfactionSurveys {
    /// `GET /api/satisfaction-surveys?ticket_id=&limit=&cursor=`.
    pub fn request(&self) -> Result<ApiRequest, Error> {
        check_limit(self.limit)?;
        let mut q = Vec::new();
        if let Some(t) = self.ticket_id {
            check_id("ticketId", t)?;
            q.push(("ticket_id".to_string(), t.to_string()));
        }
        if let Some(l) = self.limit {
            q.push(("limit".to_string(), l.to_string()));
        }
        if let Some(c) = self.cursor.as_deref().filter(|c| !c.is_empty()) {
            q.push(("cursor".to_string(), c.to_string()));
        }
        Ok(ApiRequest::get("/api/satisfaction-surveys", q))
    }
}

impl Operation for ListSatisfactionSurveys {
    const SPEC: &'static Spec = &Spec {
        name: "list-satisfaction-surveys",
        title: "List Satisfaction Surveys",
        description: "List Gorgias customer satisfaction surveys, newest first, or the survey of one ticket: score (1 to 5), the customer's comment, and when it was sent and scored.",
        access: Access::Read,
        idempotent: true,
        endpoint: "GET /api/satisfaction-surveys",
        example: r#"{"ticketId": 12346}"#,
        types: types::<Self>(),
    };
    type Output = SurveyPage;
    fn run(self, c: &mut Client<'_>) -> Result<SurveyPage, Error> {
        c.call(&self.request()?, parse_survey_page)
    }
}

// ---- create-satisfaction-survey ----------------------------------------------------

/// Input of create-satisfaction-survey.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct CreateSatisfactionSurvey {
    /// The ticket.
    #[serde(deserialize_with = "id_field")]
    #[schemars(
        schema_with = "crate::schema::id",
        description = "Ticket the survey is about (a ticket has at most one survey)"
    )]
    pub ticket_id: u64,
    /// The customer.
    #[serde(deserialize_with = "id_field")]
    #[schemars(
        schema_with = "crate::schema::id",
        description = "Customer the survey is for (usually the ticket's customer)"
    )]
    pub customer_id: u64,
    /// The score.
    #[serde(default, deserialize_with = "opt_u32")]
    #[schemars(
        schema_with = "opt_score",
        description = "The customer's score, 1 (worst) to 5 (best)"
    )]
    pub score: Option<u32>,
    /// The comment.
    #[serde(default)]
    #[schemars(
        schema_with = "opt_body_text",
        description = "The customer's comment (at most 1000 characters)"
    )]
    pub body_text: Option<String>,
    /// Whether Gorgias emails it.
    #[serde(default)]
    #[schemars(
        description = "Whether Gorgias sends the survey to the customer: false (default) creates it with should_send_datetime null, so it is never sent; true sets should_send_datetime to now, so Gorgias sends it"
    )]
    pub send: Option<bool>,
}

impl CreateSatisfactionSurvey {
    /// Checks the IDs, the score and the comment's length.
    pub fn validate(&self) -> Result<(), Error> {
        check_id("ticketId", self.ticket_id)?;
        check_id("customerId", self.customer_id)?;
        if let Some(s) = self.score
            && !(1..=5).contains(&s)
        {
            return Err(Error::invalid("score", format!("must be between 1 and 5; got {s}")));
        }
        if self
            .body_text
            .as_deref()
            .is_some_and(|b| b.chars().count() > MAX_BODY_TEXT_CHARS)
        {
            return Err(Error::invalid(
                "bodyText",
                format!("must be at most {MAX_BODY_TEXT_CHARS} characters"),
            ));
        }
        Ok(())
    }

    /// `POST /api/satisfaction-surveys` `{ticket_id, customer_id, score?,
    /// body_text?, should_send_datetime}`; `now` (seconds since the epoch)
    /// is needed only with `send: true`.
    pub fn request(&self, now: Option<u64>) -> Result<ApiRequest, Error> {
        self.validate()?;
        let should_send = match (self.send.unwrap_or(false), now) {
            (false, _) => Value::Null,
            (true, Some(now)) => Value::String(utc_datetime(now)),
            (true, None) => {
                return Err(Error::Configuration(
                    "send: true needs the current time (should_send_datetime), and this host has no wall clock".into(),
                ));
            }
        };
        let mut body = Map::new();
        body.insert("ticket_id".into(), self.ticket_id.into());
        body.insert("customer_id".into(), self.customer_id.into());
        put(&mut body, "score", self.score);
        put(&mut body, "body_text", self.body_text.clone());
        body.insert("should_send_datetime".into(), should_send);
        Ok(ApiRequest::with_body(
            Method::Post,
            "/api/satisfaction-surveys",
            Value::Object(body),
        ))
    }

    /// Runs create-satisfaction-survey; an empty 2xx body is followed by a
    /// read of the ticket's survey.
    pub fn run(&self, c: &mut Client<'_>) -> Result<SurveyAnswer, Error> {
        self.validate()?;
        let now = if self.send == Some(true) {
            c.now_unix_seconds()
        } else {
            None
        };
        let req = self.request(now)?;
        let body = c.call(&req, |b| Ok(b.to_vec()))?;
        let survey = if body.iter().all(u8::is_ascii_whitespace) {
            let list = ListSatisfactionSurveys {
                ticket_id: Some(self.ticket_id),
                ..Default::default()
            };
            let page = c.call(&list.request()?, parse_survey_page)?;
            // Filtered here too: whether Gorgias's `ticket_id` filter is exact is undocumented.
            page.surveys
                .into_iter()
                .find(|s| s.ticket_id == Some(self.ticket_id))
                .ok_or_else(|| {
                    c.finish(Error::InvalidResponse {
                        status: 200,
                        message: format!(
                            "POST /api/satisfaction-surveys answered no body and ticket {}'s survey could not be read back",
                            self.ticket_id
                        ),
                        retryable: false,
                    })
                })?
        } else {
            parse_survey(&body).map_err(|m| {
                c.finish(Error::InvalidResponse {
                    status: 200,
                    message: format!("unexpected response from POST /api/satisfaction-surveys: {m}"),
                    retryable: false,
                })
            })?
        };
        Ok(SurveyAnswer { survey })
    }
}

impl Operation for CreateSatisfactionSurvey {
    const SPEC: &'static Spec = &Spec {
        name: "create-satisfaction-survey",
        title: "Create Satisfaction Survey",
        description: "Record a customer satisfaction survey on a Gorgias ticket (a ticket has at most one), optionally with the customer's score (1 to 5) and comment. Not emailed by default: send false (the default) creates it with should_send_datetime null, which Gorgias never sends; send true sets should_send_datetime to now, and Gorgias emails the survey to the customer.",
        access: Access::Write,
        idempotent: false,
        endpoint: "POST /api/satisfaction-surveys",
        example: r#"{"ticketId": 12345, "customerId": 98765, "score": 5, "bodyText": "Quick and helpful, thanks!"}"#,
        types: types::<Self>(),
    };
    type Output = SurveyAnswer;
    fn run(self, c: &mut Client<'_>) -> Result<SurveyAnswer, Error> {
        CreateSatisfactionSurvey::run(&self, c)
    }
}

/// `secs` since the Unix epoch as an ISO 8601 UTC datetime
/// (`2024-12-04T15:18:56+00:00`, the form Gorgias writes).
pub fn utc_datetime(secs: u64) -> String {
    let days = i64::try_from(secs / 86_400).unwrap_or(0);
    let rem = secs % 86_400;
    let (hour, minute, second) = (rem / 3600, rem % 3600 / 60, rem % 60);
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}+00:00")
}

// ---- the records it answers with, and Gorgias's JSON -------------------------

/// A satisfaction survey.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Survey {
    /// The survey ID.
    #[schemars(description = "The survey ID")]
    pub id: u64,
    /// The ticket.
    #[schemars(description = "The ticket the survey is about")]
    pub ticket_id: Option<u64>,
    /// The customer.
    #[schemars(description = "The customer the survey is for")]
    pub customer_id: Option<u64>,
    /// 1..=5.
    #[schemars(description = "The customer's score, 1 (worst) to 5 (best); null until scored")]
    pub score: Option<u8>,
    /// The comment.
    #[schemars(description = "The customer's comment")]
    pub body_text: Option<String>,
    /// When it was sent.
    #[schemars(description = "When the survey was sent to the customer; null if not sent")]
    pub sent_datetime: Option<String>,
    /// When it was scored.
    #[schemars(description = "When the customer scored it")]
    pub scored_datetime: Option<String>,
    /// When it was created.
    #[schemars(description = "When the survey was created")]
    pub created_datetime: Option<String>,
}

/// A page of surveys.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct SurveyPage {
    /// The surveys.
    #[schemars(description = "The satisfaction surveys, newest first")]
    pub surveys: Vec<Survey>,
    /// `meta.next_cursor`.
    #[serde(rename = "nextCursor")]
    #[schemars(description = "Cursor for the next page of results")]
    pub next_cursor: Option<String>,
}

/// What create-satisfaction-survey answers: `{"survey": {...}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct SurveyAnswer {
    /// The survey.
    #[schemars(description = "The survey as Gorgias stored it")]
    pub survey: Survey,
}

#[derive(Deserialize)]
struct WireSurvey {
    id: u64,
    #[serde(default, deserialize_with = "lenient_u64")]
    ticket_id: Option<u64>,
    #[serde(default, deserialize_with = "lenient_u64")]
    customer_id: Option<u64>,
    #[serde(default, deserialize_with = "lenient_u64")]
    score: Option<u64>,
    body_text: Option<String>,
    sent_datetime: Option<String>,
    scored_datetime: Option<String>,
    created_datetime: Option<String>,
}

impl From<WireSurvey> for Survey {
    fn from(s: WireSurvey) -> Self {
        Survey {
            id: s.id,
            ticket_id: s.ticket_id,
            customer_id: s.customer_id,
            score: s.score.and_then(|n| u8::try_from(n).ok()),
            body_text: s.body_text,
            sent_datetime: s.sent_datetime,
            scored_datetime: s.scored_datetime,
            created_datetime: s.created_datetime,
        }
    }
}

/// `GET /api/satisfaction-surveys` → [`SurveyPage`] (either list shape).
pub fn parse_survey_page(body: &[u8]) -> Result<SurveyPage, String> {
    let list = decode::<ListAnswer<WireSurvey>>(body)?;
    Ok(SurveyPage {
        surveys: list.items.into_iter().map(Survey::from).collect(),
        next_cursor: list.next_cursor,
    })
}

/// One survey (`POST /api/satisfaction-surveys`).
pub fn parse_survey(body: &[u8]) -> Result<Survey, String> {
    decode::<WireSurvey>(body).map(Survey::from)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gorgias::client::RetryPolicy;
    use crate::gorgias::testing::{Scripted, client, conn, field};
    use crate::gorgias::transport::{Outgoing, Response, Transport, TransportError};
    use serde_json::json;

    const CREATED: &str = include_str!("../../tests/fixtures/recorded/nango-create-satisfaction-survey.json");
    const LISTED: &str = include_str!("../../tests/fixtures/recorded/nango-list-satisfaction-surveys.json");

    /// [`Scripted`] with a wall clock.
    struct Clocked(Scripted, u64);

    impl Transport for Clocked {
        fn send(&mut self, request: &Outgoing) -> Result<Response, TransportError> {
            self.0.send(request)
        }
        fn sleep_ms(&mut self, ms: u64) {
            self.0.sleep_ms(ms);
        }
        fn now_unix_seconds(&mut self) -> Option<u64> {
            Some(self.1)
        }
    }

    fn create(send: Option<bool>) -> CreateSatisfactionSurvey {
        CreateSatisfactionSurvey {
            ticket_id: 82751748,
            customer_id: 519753798,
            send,
            ..Default::default()
        }
    }

    #[test]
    fn utc_datetimes_are_civil_dates() {
        assert_eq!(utc_datetime(0), "1970-01-01T00:00:00+00:00");
        assert_eq!(utc_datetime(951_782_400), "2000-02-29T00:00:00+00:00");
        assert_eq!(utc_datetime(1_733_325_536), "2024-12-04T15:18:56+00:00");
        assert_eq!(utc_datetime(4_102_444_799), "2099-12-31T23:59:59+00:00");
    }

    #[test]
    fn list_builds_its_query_and_maps_the_recorded_page() {
        assert_eq!(
            ListSatisfactionSurveys::default().request().unwrap().path_and_query(),
            "/api/satisfaction-surveys"
        );
        let op = ListSatisfactionSurveys {
            ticket_id: Some(12346),
            limit: Some(5),
            cursor: Some("c=1".into()),
        };
        assert_eq!(
            op.request().unwrap().path_and_query(),
            "/api/satisfaction-surveys?ticket_id=12346&limit=5&cursor=c%3D1"
        );
        let bad = ListSatisfactionSurveys {
            limit: Some(0),
            ..Default::default()
        };
        assert_eq!(field(bad.request().unwrap_err()), "limit");
        let mut t = Scripted::new(vec![Scripted::json(200, LISTED)]);
        let p = ListSatisfactionSurveys::default()
            .run(&mut client(&mut t, "list-satisfaction-surveys"))
            .unwrap();
        assert_eq!(p.surveys.len(), 3);
        assert_eq!(
            p.surveys[0],
            Survey {
                id: 6967541,
                ticket_id: Some(82751748),
                customer_id: Some(519753798),
                score: None,
                body_text: None,
                sent_datetime: None,
                scored_datetime: None,
                created_datetime: Some("2026-08-26T18:36:02.042446+00:00".into()),
            }
        );
        assert_eq!(p.next_cursor, None);
        // The reference's example object; an orphan survey without a ticket; a bare array.
        let p = parse_survey_page(
            br#"[{"id": 1234, "body_text": "Such speed, much pertinent.", "created_datetime": "2019-11-16T15:59:41.966927", "customer_id": 120, "meta": {"externalData": {"id": 1234}}, "score": 2, "scored_datetime": "2019-11-25T15:59:41.966927", "sent_datetime": "2019-11-23T15:59:41.966927", "should_send_datetime": "2019-11-23T15:59:41.966927", "ticket_id": 12, "uri": "/api/satisfaction-surveys/1234/"}, {"id": 5, "ticket_id": null, "customer_id": "7", "score": 900}]"#,
        )
        .unwrap();
        assert_eq!(
            (p.surveys[0].score, p.surveys[0].sent_datetime.as_deref()),
            (Some(2), Some("2019-11-23T15:59:41.966927"))
        );
        assert_eq!(
            (p.surveys[1].ticket_id, p.surveys[1].customer_id, p.surveys[1].score),
            (None, Some(7), None)
        );
    }

    #[test]
    fn create_sends_should_send_datetime_null_unless_asked_to_send() {
        let mut t = Scripted::new(vec![Scripted::json(200, CREATED)]);
        let a = create(None)
            .run(&mut client(&mut t, "create-satisfaction-survey"))
            .unwrap();
        assert_eq!(t.lines(), vec!["POST /api/satisfaction-surveys"]);
        assert_eq!(
            t.bodies()[0],
            Some(json!({"ticket_id": 82751748, "customer_id": 519753798, "should_send_datetime": null}))
        );
        assert_eq!((a.survey.id, a.survey.ticket_id), (6967541, Some(82751748)));

        let op = CreateSatisfactionSurvey {
            score: Some(4),
            body_text: Some("Great".into()),
            ..create(Some(true))
        };
        let mut t = Clocked(Scripted::new(vec![Scripted::json(201, CREATED)]), 1_733_325_536);
        let mut c = Client::new(
            &mut t,
            &conn(),
            None,
            RetryPolicy::default(),
            "create-satisfaction-survey",
        )
        .unwrap();
        op.run(&mut c).unwrap();
        assert_eq!(
            t.0.bodies()[0],
            Some(
                json!({"ticket_id": 82751748, "customer_id": 519753798, "score": 4, "body_text": "Great", "should_send_datetime": "2024-12-04T15:18:56+00:00"})
            )
        );
        // send: false is the default, said out loud.
        let mut t = Scripted::new(vec![Scripted::json(201, CREATED)]);
        create(Some(false))
            .run(&mut client(&mut t, "create-satisfaction-survey"))
            .unwrap();
        assert_eq!(t.bodies()[0].as_ref().unwrap()["should_send_datetime"], Value::Null);
        // Without a clock, send: true cannot say "now": nothing is sent.
        let mut t = Scripted::default();
        let e = create(Some(true))
            .run(&mut client(&mut t, "create-satisfaction-survey"))
            .unwrap_err();
        assert_eq!(e.code(), "configuration");
        assert!(t.sent.is_empty());
    }

    #[test]
    fn create_validates_before_sending() {
        for (op, name) in [
            (
                CreateSatisfactionSurvey {
                    ticket_id: 0,
                    ..create(None)
                },
                "ticketId",
            ),
            (
                CreateSatisfactionSurvey {
                    customer_id: 0,
                    ..create(None)
                },
                "customerId",
            ),
            (
                CreateSatisfactionSurvey {
                    score: Some(0),
                    ..create(None)
                },
                "score",
            ),
            (
                CreateSatisfactionSurvey {
                    score: Some(6),
                    ..create(None)
                },
                "score",
            ),
            (
                CreateSatisfactionSurvey {
                    body_text: Some("é".repeat(1001)),
                    ..create(None)
                },
                "bodyText",
            ),
        ] {
            let mut t = Scripted::default();
            let e = op.run(&mut client(&mut t, "create-satisfaction-survey")).unwrap_err();
            assert_eq!(field(e), name);
            assert!(t.sent.is_empty());
        }
        let ok = CreateSatisfactionSurvey {
            score: Some(5),
            body_text: Some("é".repeat(1000)),
            ..create(None)
        };
        assert!(ok.validate().is_ok());
        let op: CreateSatisfactionSurvey =
            crate::ops::fields::decode(br#"{"ticketId": "1", "customerId": 2, "score": "3", "send": null}"#).unwrap();
        assert_eq!((op.score, op.send), (Some(3), None));
        let e = crate::ops::fields::decode::<CreateSatisfactionSurvey>(
            br#"{"ticketId": 1, "customerId": 2, "send": "yes"}"#,
        )
        .unwrap_err();
        assert_eq!(field(e), "send");
    }

    #[test]
    fn create_reads_the_survey_back_after_an_empty_answer() {
        let listed = r#"{"data": [{"id": 99, "ticket_id": 5, "customer_id": 6}, {"id": 7, "ticket_id": 82751748, "customer_id": 519753798, "created_datetime": "2026-08-26T18:36:02+00:00"}], "meta": {"next_cursor": null}}"#;
        let mut t = Scripted::new(vec![Scripted::json(201, ""), Scripted::json(200, listed)]);
        let a = create(None)
            .run(&mut client(&mut t, "create-satisfaction-survey"))
            .unwrap();
        assert_eq!(
            t.lines(),
            vec![
                "POST /api/satisfaction-surveys",
                "GET /api/satisfaction-surveys?ticket_id=82751748"
            ]
        );
        assert_eq!(a.survey.id, 7);
        let mut t = Scripted::new(vec![Scripted::json(201, " "), Scripted::json(200, r#"{"data": []}"#)]);
        let e = create(None)
            .run(&mut client(&mut t, "create-satisfaction-survey"))
            .unwrap_err();
        assert_eq!(e.code(), "invalid-response");
        // A second survey on one ticket: Gorgias's refusal is passed on.
        let mut t = Scripted::new(vec![Scripted::json(
            400,
            r#"{"error": {"msg": "Invalid data", "data": {"ticket_id": ["A satisfaction survey already exists for this ticket."]}}}"#,
        )]);
        let e = create(None)
            .run(&mut client(&mut t, "create-satisfaction-survey"))
            .unwrap_err();
        assert_eq!((e.code(), t.sent.len()), ("upstream", 1));
    }

    /// The schema and the connector agree on each body (patterns, such as a
    /// score written as text, are left to schemathesis, as in spec.rs).
    #[test]
    fn the_schemas_accept_exactly_what_the_validation_accepts() {
        use crate::ops::fields::decode;
        use crate::schema::check_schema;
        let long = json!({"ticketId": 1, "customerId": 2, "bodyText": "é".repeat(1001)}).to_string();
        let full = json!({"ticketId": 1, "customerId": 2, "bodyText": "é".repeat(1000)}).to_string();
        let create_cases: &[(&str, bool)] = &[
            (r#"{"ticketId": 1, "customerId": 2}"#, true),
            (r#"{"ticketId": 1, "customerId": 2, "score": 5, "send": false}"#, true),
            (
                r#"{"ticketId": 1, "customerId": 2, "score": " 1 ", "bodyText": null, "send": null}"#,
                true,
            ),
            (r#"{"ticketId": 1, "customerId": 2, "score": 0}"#, false),
            (r#"{"ticketId": 1, "customerId": 2, "score": 4.5}"#, false),
            (r#"{"ticketId": 1, "customerId": 2, "send": "true"}"#, false),
            (r#"{"ticketId": 1}"#, false),
            (r#"{"ticketId": 1, "customerId": 0}"#, false),
            (&full, true),
            (&long, false),
        ];
        let schema = crate::ops::find("create-satisfaction-survey").unwrap().input_schema();
        for (body, ok) in create_cases {
            let connector = decode::<CreateSatisfactionSurvey>(body.as_bytes()).and_then(|op| op.validate());
            assert_eq!(connector.is_ok(), *ok, "connector on {body}");
            let v: Value = serde_json::from_str(body).unwrap();
            assert_eq!(check_schema(&v, &schema, "$").is_ok(), *ok, "schema on {body}");
        }
        let schema = crate::ops::find("list-satisfaction-surveys").unwrap().input_schema();
        for (body, ok) in [
            (r#"{}"#, true),
            (r#"{"ticketId": "12", "limit": 100, "cursor": "x"}"#, true),
            (r#"{"ticketId": 0}"#, false),
            (r#"{"limit": 101}"#, false),
            (r#"{"orderBy": "created_datetime:asc"}"#, false),
        ] {
            let connector = decode::<ListSatisfactionSurveys>(body.as_bytes()).and_then(|op| op.request());
            assert_eq!(connector.is_ok(), ok, "connector on {body}");
            let v: Value = serde_json::from_str(body).unwrap();
            assert_eq!(check_schema(&v, &schema, "$").is_ok(), ok, "schema on {body}");
        }
    }
}
