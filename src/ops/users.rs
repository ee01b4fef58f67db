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
use crate::ops::wire::{self, UserPage};
use schemars::JsonSchema;
use serde::Deserialize;

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
        c.call(&self.request()?, wire::parse_user_page)
    }
}
