//! The account: what `GET /api/account` says of the Gorgias account the
//! credentials reach (its subdomain, status and creation time), a cheap
//! check that a connection works. The operation is its (empty) input type,
//! its [`Operation`] entry, the request and the mapping of the answer.

use crate::error::Error;
use crate::gorgias::client::Client;
use crate::gorgias::request::ApiRequest;
use crate::ops::operation::{Operation, types};
use crate::ops::spec::{Access, Spec};
use crate::ops::wire::decode;
use schemars::JsonSchema;
use serde::de::Deserializer;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Input of get-account: no parameters (the body is `{}` or empty).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(transform = no_parameters)]
pub struct GetAccount {}

/// `"properties": {}`: an object without parameters, as MCP clients and
/// OpenAPI tools expect one (schemars leaves the key out).
fn no_parameters(s: &mut schemars::Schema) {
    s.insert("properties".into(), Value::Object(serde_json::Map::new()));
}

impl Operation for GetAccount {
    const SPEC: &'static Spec = &Spec {
        name: "get-account",
        title: "Get Account",
        description: "Retrieve the Gorgias account the credentials reach: its domain (the subdomain of <domain>.gorgias.com), status and creation time. A cheap check that a connection works.",
        access: Access::Read,
        idempotent: true,
        endpoint: "GET /api/account",
        example: r#"{}"#,
        types: types::<Self>(),
    };
    type Output = AccountAnswer;
    fn run(self, c: &mut Client<'_>) -> Result<AccountAnswer, Error> {
        c.call(&ApiRequest::get("/api/account", vec![]), parse_account)
            .map(|account| AccountAnswer { account })
    }
}

// ---- the records it answers with, and Gorgias's JSON -------------------------

/// The account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Account {
    /// `domain`.
    #[schemars(description = "The account's subdomain: acme for acme.gorgias.com")]
    pub domain: String,
    /// `status.status` (or a bare string).
    #[schemars(description = "The account's status, e.g. active")]
    pub status: Option<String>,
    /// `created_datetime`.
    #[schemars(description = "When the account was created")]
    pub created_datetime: Option<String>,
}

/// What get-account answers: `{"account": {...}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct AccountAnswer {
    /// The account.
    pub account: Account,
}

/// `status` is `{"status": "active"}` as recorded; a bare string is read
/// too, anything else counts as absent.
fn status<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::String(s) => Some(s),
        Value::Object(mut o) => match o.remove("status") {
            Some(Value::String(s)) => Some(s),
            _ => None,
        },
        _ => None,
    })
}

#[derive(Deserialize)]
struct WireAccount {
    domain: String,
    #[serde(default, deserialize_with = "status")]
    status: Option<String>,
    created_datetime: Option<String>,
}

/// `GET /api/account` → [`Account`].
pub fn parse_account(body: &[u8]) -> Result<Account, String> {
    decode::<WireAccount>(body).map(|a| Account {
        domain: a.domain,
        status: a.status,
        created_datetime: a.created_datetime,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gorgias::testing::{Scripted, client, field};
    use serde_json::json;

    #[test]
    fn the_recorded_account_answers_its_domain_status_and_creation() {
        let mut t = Scripted::new(vec![Scripted::json(
            200,
            include_str!("../../tests/fixtures/recorded/nango-get-account.json"),
        )]);
        let a = GetAccount {}.run(&mut client(&mut t, "get-account")).unwrap();
        assert_eq!(t.lines(), vec!["GET /api/account"]);
        let out = serde_json::to_value(&a).unwrap();
        assert_eq!(
            out,
            json!({"account": {"domain": "nango", "status": "active", "created_datetime": "2026-08-26T12:46:06.143793+00:00"}})
        );
        crate::schema::check_schema(&out, &crate::ops::find("get-account").unwrap().output_schema(), "$").unwrap();
    }

    #[test]
    fn status_may_be_a_string_or_missing_and_domain_is_required() {
        let a = parse_account(br#"{"domain": "acme", "status": "inactive"}"#).unwrap();
        assert_eq!((a.status.as_deref(), a.created_datetime), (Some("inactive"), None));
        let a = parse_account(br#"{"domain": "acme", "status": {"state": 1}}"#).unwrap();
        assert_eq!(a.status, None);
        assert!(parse_account(br#"{"status": "active"}"#).is_err());
    }

    #[test]
    fn it_takes_no_parameters() {
        let run = |body: &str| {
            let mut t = Scripted::new(vec![Scripted::json(200, r#"{"domain": "acme"}"#)]);
            crate::ops::fields::decode::<GetAccount>(body.as_bytes())
                .and_then(|op| op.run(&mut client(&mut t, "get-account")))
        };
        assert!(run("{}").is_ok());
        assert!(run("").is_ok());
        assert_eq!(field(run(r#"{"domain": "x"}"#).unwrap_err()), "domain");
        let s = crate::ops::find("get-account").unwrap().input_schema();
        assert_eq!(s["additionalProperties"], false);
        assert!(s["properties"].as_object().is_none_or(|p| p.is_empty()), "{s}");
    }
}
