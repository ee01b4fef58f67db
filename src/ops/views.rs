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
use crate::ops::spec::Spec;
use crate::ops::wire::{self, ViewPage};
use schemars::JsonSchema;
use serde::Deserialize;

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
        read_only: true,
        idempotent: true,
        endpoint: "GET /api/views",
        example: r#"{"limit": 30}"#,
        types: types::<Self>(),
    };
    type Output = ViewPage;
    fn run(self, c: &mut Client<'_>) -> Result<ViewPage, Error> {
        c.call(&self.request()?, wire::parse_view_page)
    }
}
