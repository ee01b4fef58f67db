//! Views: listing the account's saved ticket views, whose IDs
//! `search-tickets` takes as `viewId`. The operation is its input type, its
//! [`Operation`] entry, the Gorgias request it builds and the mapping of the
//! answer.

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

/// Input of list-views.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ListViews {
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

impl ListViews {
    /// `GET /api/views?limit=&cursor=`.
    pub fn request(&self) -> Result<ApiRequest, Error> {
        Ok(ApiRequest::get(
            "/api/views",
            list_query(None, self.limit, self.cursor.as_deref())?,
        ))
    }
}

impl Operation for ListViews {
    const SPEC: &'static Spec = &Spec {
        name: "list-views",
        title: "List Views",
        description: "List the Gorgias ticket views (saved filters) visible to the API user, for search-tickets' viewId. Views using {{current_user}} resolve to the API user.",
        access: Access::Read,
        idempotent: true,
        endpoint: "GET /api/views",
        example: r#"{"limit": 30}"#,
        types: types::<Self>(),
    };
    type Output = ViewPage;
    fn run(self, c: &mut Client<'_>) -> Result<ViewPage, Error> {
        c.call(&self.request()?, parse_view_page)
    }
}

// ---- the records it answers with, and Gorgias's JSON -------------------------

/// A saved view (what `search-tickets`'s `viewId` names).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct View {
    /// View ID.
    #[schemars(description = "The view ID (search-tickets' viewId)")]
    pub id: u64,
    /// Name.
    #[schemars(description = "The view name")]
    pub name: Option<String>,
    /// `user` for user-created views; other values pass through.
    #[schemars(description = "The view category (user for user-created views)")]
    pub category: Option<String>,
    /// `public`, `shared` or `private`.
    #[schemars(description = "public, shared or private")]
    pub visibility: Option<String>,
    /// URL slug.
    #[schemars(description = "The view's URL slug")]
    pub slug: Option<String>,
    /// Set when Gorgias deactivated the view (e.g. a tag it used was deleted).
    #[schemars(description = "When Gorgias deactivated the view (null while it is active)")]
    pub deactivated_datetime: Option<String>,
}

/// A page of views.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct ViewPage {
    /// The views.
    #[schemars(description = "The ticket views")]
    pub views: Vec<View>,
    /// `meta.next_cursor` (`None` for a bare array).
    #[serde(rename = "nextCursor")]
    #[schemars(description = "Cursor for the next page of results")]
    pub next_cursor: Option<String>,
}

#[derive(Deserialize)]
struct WireView {
    id: u64,
    name: Option<String>,
    category: Option<String>,
    visibility: Option<String>,
    slug: Option<String>,
    deactivated_datetime: Option<String>,
}

/// `GET /api/views` → [`ViewPage`] (either list shape).
pub fn parse_view_page(body: &[u8]) -> Result<ViewPage, String> {
    let list = decode::<ListAnswer<WireView>>(body)?;
    Ok(ViewPage {
        views: list
            .items
            .into_iter()
            .map(|v| View {
                id: v.id,
                name: v.name,
                category: v.category,
                visibility: v.visibility,
                slug: v.slug,
                deactivated_datetime: v.deactivated_datetime,
            })
            .collect(),
        next_cursor: list.next_cursor,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::teams::parse_team_page;

    #[test]
    fn views_and_teams_accept_bare_arrays_and_pages() {
        let views = br#"[{"id":123,"name":"My view","slug":"my-tickets","category":"user","type":"ticket-list","visibility":"public","filters":"eq(ticket.status, 'open')","deactivated_datetime":null}]"#;
        let p = parse_view_page(views).unwrap();
        assert_eq!(
            serde_json::to_value(&p).unwrap(),
            serde_json::json!({"views": [{"id": 123, "name": "My view", "category": "user", "visibility": "public", "slug": "my-tickets", "deactivated_datetime": null}], "nextCursor": null})
        );
        let teams = br#"{"data":[{"id":77,"name":"Tier 1","description":null,"decoration":{"emoji":"x"},"members":[{"id":4567}]}],"meta":{"next_cursor":"t2"}}"#;
        let p = parse_team_page(teams).unwrap();
        assert_eq!(
            serde_json::to_value(&p).unwrap(),
            serde_json::json!({"teams": [{"id": 77, "name": "Tier 1", "description": null}], "nextCursor": "t2"})
        );
        assert!(parse_team_page(br#"[{"name":"no id"}]"#).unwrap_err().contains("id"));
    }
}
