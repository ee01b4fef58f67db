//! Users: listing the helpdesk's users (agents, admins, bots), whose IDs
//! `reply-to-ticket` and `add-internal-note` take as `senderUserId` and
//! `update-ticket` as `assigneeUserId`, and reading one by ID. Each
//! operation is its input type, its [`Operation`] entry, the Gorgias request
//! it builds and the mapping of the answer.

use crate::error::Error;
use crate::gorgias::client::Client;
use crate::gorgias::request::ApiRequest;
use crate::ops::fields::{check_id, id as id_field, list_query, opt_u32};
use crate::ops::operation::{Operation, types};
use crate::ops::spec::{Access, Spec};
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
        access: Access::Read,
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

/// Input of get-user.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct GetUser {
    /// The user.
    #[serde(deserialize_with = "id_field")]
    #[schemars(
        schema_with = "crate::schema::id",
        description = "The Gorgias user ID (a message's sender_id, a ticket's assignee_user_id)"
    )]
    pub user_id: u64,
}

/// What get-user answers: `{"user": {...}}`, list-users' record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct UserAnswer {
    /// The user.
    pub user: User,
}

impl GetUser {
    /// `GET /api/users/{id}`.
    pub fn request(&self) -> Result<ApiRequest, Error> {
        check_id("userId", self.user_id)?;
        Ok(ApiRequest::get(format!("/api/users/{}", self.user_id), vec![]))
    }
}

impl Operation for GetUser {
    const SPEC: &'static Spec = &Spec {
        name: "get-user",
        title: "Get User",
        description: "Retrieve a single Gorgias helpdesk user (agent, admin, bot) by ID, e.g. a message's sender_id or a ticket's assignee_user_id.",
        access: Access::Read,
        idempotent: true,
        endpoint: "GET /api/users/{id}",
        example: r#"{"userId": 4567}"#,
        types: types::<Self>(),
    };
    type Output = UserAnswer;
    fn run(self, c: &mut Client<'_>) -> Result<UserAnswer, Error> {
        c.call(&self.request()?, parse_user).map(|user| UserAnswer { user })
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
        users: list.items.into_iter().map(User::from).collect(),
        next_cursor: list.next_cursor,
    })
}

/// One user (`GET /api/users/{id}`).
pub fn parse_user(body: &[u8]) -> Result<User, String> {
    decode::<WireUser>(body).map(User::from)
}

impl From<WireUser> for User {
    fn from(u: WireUser) -> Self {
        User {
            id: u.id,
            name: u.name,
            firstname: u.firstname,
            lastname: u.lastname,
            email: u.email,
            role: u.role,
        }
    }
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

    #[test]
    fn get_user_reads_one_user_and_refuses_zero() {
        use crate::gorgias::testing::{Scripted, client, field};
        let op = GetUser { user_id: 455925547 };
        assert_eq!(op.request().unwrap().path_and_query(), "/api/users/455925547");
        let mut t = Scripted::new(vec![Scripted::json(
            200,
            include_str!("../../tests/fixtures/user.json"),
        )]);
        let a = op.run(&mut client(&mut t, "get-user")).unwrap();
        assert_eq!(
            (a.user.id, a.user.name.as_deref(), a.user.role.as_deref()),
            (455925547, Some("John Doe"), Some("agent"))
        );
        assert_eq!(t.lines(), vec!["GET /api/users/455925547"]);
        let mut t = Scripted::default();
        let e = GetUser { user_id: 0 }.run(&mut client(&mut t, "get-user")).unwrap_err();
        assert_eq!(field(e), "userId");
        assert!(t.sent.is_empty());
        let mut t = Scripted::new(vec![Scripted::json(404, r#"{"error":{"msg":"Not found"}}"#)]);
        let e = GetUser { user_id: 7 }.run(&mut client(&mut t, "get-user")).unwrap_err();
        assert_eq!(e.code(), "not-found");
    }
}
