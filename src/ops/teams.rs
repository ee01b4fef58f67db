//! Teams: listing the account's teams, whose IDs `update-ticket` takes as
//! `assigneeTeamId`. The operation is its input type, its [`Operation`]
//! entry, the Gorgias request it builds and the mapping of the answer.

use crate::error::Error;
use crate::gorgias::client::Client;
use crate::gorgias::request::ApiRequest;
use crate::ops::fields::list_query;
use crate::ops::fields::opt_u32;
use crate::ops::operation::{Operation, types};
use crate::ops::spec::{Access, Spec};
use crate::ops::wire::{ListAnswer, decode};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

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
        access: Access::Read,
        idempotent: true,
        endpoint: "GET /api/teams",
        example: r#"{"limit": 30}"#,
        types: types::<Self>(),
    };
    type Output = TeamPage;
    fn run(self, c: &mut Client<'_>) -> Result<TeamPage, Error> {
        c.call(&self.request()?, parse_team_page)
    }
}

// ---- the records it answers with, and Gorgias's JSON -------------------------

/// A team (what `assigneeTeamId` takes).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Team {
    /// Team ID.
    #[schemars(description = "The team ID (assigneeTeamId)")]
    pub id: u64,
    /// Name.
    #[schemars(description = "The team name")]
    pub name: Option<String>,
    /// Description.
    #[schemars(description = "The team description")]
    pub description: Option<String>,
}

/// A page of teams.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct TeamPage {
    /// The teams.
    #[schemars(description = "The teams")]
    pub teams: Vec<Team>,
    /// `meta.next_cursor` (`None` for a bare array).
    #[serde(rename = "nextCursor")]
    #[schemars(description = "Cursor for the next page of results")]
    pub next_cursor: Option<String>,
}

#[derive(Deserialize)]
struct WireTeam {
    id: u64,
    name: Option<String>,
    description: Option<String>,
}

/// `GET /api/teams` → [`TeamPage`] (either list shape).
pub fn parse_team_page(body: &[u8]) -> Result<TeamPage, String> {
    let list = decode::<ListAnswer<WireTeam>>(body)?;
    Ok(TeamPage {
        teams: list
            .items
            .into_iter()
            .map(|t| Team {
                id: t.id,
                name: t.name,
                description: t.description,
            })
            .collect(),
        next_cursor: list.next_cursor,
    })
}
