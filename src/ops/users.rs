//! Users: listing the helpdesk's users (agents, admins, bots), whose IDs
//! `reply-to-ticket` and `add-internal-note` take as `senderUserId` and
//! `update-ticket` as `assigneeUserId`. The operation is its input type, its
//! [`Operation`] entry, the Gorgias request it builds and the mapping of the
//! answer.

use crate::error::Error;
use crate::gorgias::client::Client;
use crate::gorgias::request::ApiRequest;
use crate::ops::fields::list_query;
use crate::ops::fields::opt_u32;
use crate::ops::operation::{Operation, types};
use crate::ops::spec::Spec;
use crate::ops::wire::{ListAnswer, decode};
use schemars::JsonSchema;
use serde::de::Deserializer;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Input of list-users.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ListUsers {
    /// Name or email to match.
    #[schemars(description = "Only users whose name or email matches this text")]
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

impl ListUsers {
    /// `GET /api/users?search=&limit=&cursor=`.
    pub fn request(&self) -> Result<ApiRequest, Error> {
        Ok(ApiRequest::get(
            "/api/users",
            list_query(self.search.as_deref(), self.limit, self.cursor.as_deref())?,
        ))
    }
}

impl Operation for ListUsers {
    const SPEC: &'static Spec = &Spec {
        name: "list-users",
        title: "List Users",
        description: "List Gorgias helpdesk users (agents, admins, bots), optionally matching a name or email, for senderUserId and assigneeUserId.",
        read_only: true,
        idempotent: true,
        endpoint: "GET /api/users",
        example: r#"{"search": "alex", "limit": 10}"#,
        types: types::<Self>(),
    };
    type Output = UserPage;
    fn run(self, c: &mut Client<'_>) -> Result<UserPage, Error> {
        c.call(&self.request()?, parse_user_page)
    }
}

// ---- the records it answers with, and Gorgias's JSON -------------------------

/// A helpdesk user (agent, admin, bot, ...).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct User {
    /// User ID (what `senderUserId` and `assigneeUserId` take).
    #[schemars(description = "The user ID (senderUserId, assigneeUserId)")]
    pub id: u64,
    /// Full name.
    #[schemars(description = "The user's full name")]
    pub name: Option<String>,
    /// First name.
    #[schemars(description = "The user's first name")]
    pub firstname: Option<String>,
    /// Last name.
    #[schemars(description = "The user's last name")]
    pub lastname: Option<String>,
    /// Email.
    #[schemars(description = "The user's email address")]
    pub email: Option<String>,
    /// `role.name` (`admin`, `agent`, `basic-agent`, `bot`, ...), or a bare string.
    #[schemars(description = "The user's role (admin, agent, basic-agent, bot, ...)")]
    pub role: Option<String>,
}

/// A page of users.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct UserPage {
    /// The users.
    #[schemars(description = "The helpdesk users")]
    pub users: Vec<User>,
    /// `meta.next_cursor` (`None` for a bare array).
    #[serde(rename = "nextCursor")]
    #[schemars(description = "Cursor for the next page of results")]
    pub next_cursor: Option<String>,
}

/// `role` is `{"name": ...}` in the docs and the recordings; a bare string
/// is read too, anything else counts as absent.
fn role_name<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::String(s) => Some(s),
        Value::Object(mut o) => match o.remove("name") {
            Some(Value::String(s)) => Some(s),
            _ => None,
        },
        _ => None,
    })
}

#[derive(Deserialize)]
struct WireUser {
    id: u64,
    name: Option<String>,
    firstname: Option<String>,
    lastname: Option<String>,
    email: Option<String>,
    #[serde(default, deserialize_with = "role_name")]
    role: Option<String>,
}

/// `GET /api/users` → [`UserPage`] (either list shape).
pub fn parse_user_page(body: &[u8]) -> Result<UserPage, String> {
    let list = decode::<ListAnswer<WireUser>>(body)?;
    Ok(UserPage {
        users: list
            .items
            .into_iter()
            .map(|u| User {
                id: u.id,
                name: u.name,
                firstname: u.firstname,
                lastname: u.lastname,
                email: u.email,
                role: u.role,
            })
            .collect(),
        next_cursor: list.next_cursor,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn users_take_role_name_from_an_object_or_a_string() {
        let recorded = include_str!("../../tests/fixtures/user.json");
        let body = format!(
            r#"{{"data":[{recorded},{{"id":2,"name":"Bot","role":"bot"}},{{"id":3,"role":null}},{{"id":4,"role":{{"id":1}}}}],"meta":{{"next_cursor":"u2"}}}}"#
        );
        let p = parse_user_page(body.as_bytes()).unwrap();
        assert_eq!(
            p.users[0],
            User {
                id: 455925547,
                name: Some("John Doe".into()),
                firstname: Some("John".into()),
                lastname: Some("Doe".into()),
                email: Some("johndo2l@testdomain.tld".into()),
                role: Some("agent".into()),
            }
        );
        let roles: Vec<Option<&str>> = p.users.iter().map(|u| u.role.as_deref()).collect();
        assert_eq!(roles, vec![Some("agent"), Some("bot"), None, None]);
        assert_eq!(p.next_cursor.as_deref(), Some("u2"));
    }
}
