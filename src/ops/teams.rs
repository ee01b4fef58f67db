//! Teams: listing the account's teams, whose IDs `update-ticket` takes as
//! `assigneeTeamId`. The operation is its input type, its [`Operation`]
//! entry, the Gorgias request it builds and the mapping of the answer.

use crate::error::Error;
use crate::gorgias::client::Client;
use crate::gorgias::request::ApiRequest;
use crate::ops::fields::list_query;
use crate::ops::fields::opt_u32;
use crate::ops::operation::{Operation, types};
use crate::ops::spec::Spec;
use crate::ops::wire::{self, TeamPage};
use schemars::JsonSchema;
use serde::Deserialize;

/// Input of list-teams.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ListTeams {
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

impl ListTeams {
    /// `GET /api/teams?limit=&cursor=`.
    pub fn request(&self) -> Result<ApiRequest, Error> {
        Ok(ApiRequest::get(
            "/api/teams",
            list_query(None, self.limit, self.cursor.as_deref())?,
        ))
    }
}

impl Operation for ListTeams {
    const SPEC: &'static Spec = &Spec {
        name: "list-teams",
        title: "List Teams",
        description: "List the Gorgias teams, for update-ticket's assigneeTeamId.",
        read_only: true,
        idempotent: true,
        endpoint: "GET /api/teams",
        example: r#"{"limit": 30}"#,
        types: types::<Self>(),
    };
    type Output = TeamPage;
    fn run(self, c: &mut Client<'_>) -> Result<TeamPage, Error> {
        c.call(&self.request()?, wire::parse_team_page)
    }
}
