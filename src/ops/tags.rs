//! Tags: the account's tags (list-tags, create-tag, delete-tag), and a
//! ticket's tags: listing them,
//! adding, removing or replacing them by name or ID. Add, remove and set
//! resolve names through one function ([`resolve_tag_ids`]): add and set
//! create missing names, remove skips them. Each operation is its input
//! type, its [`Operation`] entry, the Gorgias requests it builds and the
//! mapping of the answers.

use crate::error::Error;
use crate::gorgias::client::{Client, no_answer};
use crate::gorgias::request::{ApiRequest, Method};
use crate::gorgias::transport::Response;
use crate::ops::fields::Map;
use crate::ops::fields::{check_id, list_query};
use crate::ops::fields::{id as id_field, id_list, list, opt_u32};
use crate::ops::operation::{Operation, types};
use crate::ops::spec::{Access, Spec};
use crate::ops::wire::{ListAnswer, decode};
use crate::ops::write::{Written, not_read_back, written};
use crate::schema::{any_of, non_blank, null_schema, typed};
use schemars::JsonSchema;
use schemars::{Schema, SchemaGenerator};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// characters (Gorgias's `maxLength`).
pub fn opt_tag_names(_: &mut SchemaGenerator) -> Schema {
    let mut item = non_blank();
    item["maxLength"] = MAX_TAG_NAME_CHARS.into();
    any_of(vec![
        typed("array", &[("items", item), ("maxItems", 100.into())]),
        null_schema(),
    ])
}

/// Input of list-ticket-tags.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ListTicketTags {
    /// The ticket.
    #[serde(deserialize_with = "id_field")]
    #[schemars(schema_with = "crate::schema::id", description = "Ticket whose tags to list")]
    pub ticket_id: u64,
}

/// What list-ticket-tags answers: `{"tags": [...]}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct TagList {
    /// The ticket's tags.
    #[schemars(description = "The tags applied to the ticket")]
    pub tags: Vec<Tag>,
}

/// What add-ticket-tags answers: `{"success": true}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Success {
    /// Always true on success (failures are errors).
    #[schemars(
        description = "Whether the tags were added successfully. Use List Ticket Tags to fetch the resulting tag set if needed"
    )]
    pub success: bool,
}

impl Operation for ListTicketTags {
    const SPEC: &'static Spec = &Spec {
        name: "list-ticket-tags",
        title: "List Ticket Tags",
        description: "List the tags currently applied to a Gorgias ticket.",
        access: Access::Read,
        idempotent: true,
        endpoint: "GET /api/tickets/{id}/tags",
        example: r#"{"ticketId": 12345}"#,
        types: types::<Self>(),
    };
    type Output = TagList;
    fn run(self, c: &mut Client<'_>) -> Result<TagList, Error> {
        list_ticket_tags(c, self.ticket_id).map(|tags| TagList { tags })
    }
}

impl Operation for AddTicketTags {
    const SPEC: &'static Spec = &Spec {
        name: "add-ticket-tags",
        title: "Add Ticket Tags",
        description: "Add one or more tags to a Gorgias ticket without replacing existing tags. Identify tags by name (creating them if absent) or by ID.",
        access: Access::Write,
        // Adding tags a ticket already has changes nothing: repeated calls converge.
        idempotent: true,
        endpoint: "GET /api/tags?search=, POST /api/tags, POST /api/tickets/{id}/tags",
        example: r#"{"ticketId": 12345, "tagNames": ["vip", "reshipped"]}"#,
        types: types::<Self>(),
    };
    type Output = Success;
    const CONCURRENT: bool = true;
    fn run(self, c: &mut Client<'_>) -> Result<Success, Error> {
        AddTicketTags::run(&self, c).map(|success| Success { success })
    }
}

/// Input of add-ticket-tags.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[schemars(transform = add_tags_rules)]
pub struct AddTicketTags {
    /// Ticket.
    #[serde(deserialize_with = "id_field")]
    #[schemars(schema_with = "crate::schema::id", description = "Ticket to tag")]
    pub ticket_id: u64,
    /// Names (created when missing).
    #[serde(default, deserialize_with = "list")]
    #[schemars(
        schema_with = "opt_tag_names",
        description = "Names of tags to add. Tags are created if they do not exist. Provide tagNames, tagIds, or both"
    )]
    pub tag_names: Vec<String>,
    /// Existing tag IDs.
    #[serde(default, deserialize_with = "id_list")]
    #[schemars(
        schema_with = "crate::schema::opt_id_list",
        description = "IDs of existing tags to add. Provide tagNames, tagIds, or both"
    )]
    pub tag_ids: Vec<u64>,
}

/// [`AddTicketTags::validate`]: at least one tag in one of the lists.
fn add_tags_rules(s: &mut schemars::Schema) {
    crate::schema::at_least_one(s, &["tagNames", "tagIds"], &crate::schema::non_empty_array());
}

/// What remove-ticket-tags answers: `{"success": true}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
pub struct TagsRemoved {
    /// Always true on success (failures are errors).
    #[schemars(
        description = "Whether the tags were removed (unknown names count as removed). Use List Ticket Tags to fetch the resulting tag set if needed"
    )]
    pub success: bool,
}

/// What set-ticket-tags answers: `{"success": true}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
pub struct TagsSet {
    /// Always true on success (failures are errors).
    #[schemars(
        description = "Whether the ticket's tags were replaced. Use List Ticket Tags to fetch the resulting tag set if needed"
    )]
    pub success: bool,
}

/// Input of remove-ticket-tags.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[schemars(transform = add_tags_rules)]
pub struct RemoveTicketTags {
    /// Ticket.
    #[serde(deserialize_with = "id_field")]
    #[schemars(schema_with = "crate::schema::id", description = "Ticket to remove tags from")]
    pub ticket_id: u64,
    /// Names (unknown names are skipped).
    #[serde(default, deserialize_with = "list")]
    #[schemars(
        schema_with = "opt_tag_names",
        description = "Names of tags to remove (matched exactly; unknown names are ignored). Provide tagNames, tagIds, or both"
    )]
    pub tag_names: Vec<String>,
    /// Tag IDs.
    #[serde(default, deserialize_with = "id_list")]
    #[schemars(
        schema_with = "crate::schema::opt_id_list",
        description = "IDs of tags to remove. Provide tagNames, tagIds, or both"
    )]
    pub tag_ids: Vec<u64>,
}

impl RemoveTicketTags {
    /// Checks that something is given, names are usable and ids positive.
    pub fn validate(&self) -> Result<(), Error> {
        check_tags(self.ticket_id, &self.tag_names, &self.tag_ids, true)
    }
}

impl Operation for RemoveTicketTags {
    const SPEC: &'static Spec = &Spec {
        name: "remove-ticket-tags",
        title: "Remove Ticket Tags",
        description: "Remove one or more tags from a Gorgias ticket, leaving its other tags. Identify tags by name or by ID; a name no tag has is not an error.",
        access: Access::Write,
        // Removing tags a ticket no longer has changes nothing.
        idempotent: true,
        endpoint: "GET /api/tags?search=, DELETE /api/tickets/{id}/tags",
        example: r#"{"ticketId": 12345, "tagNames": ["shipping"]}"#,
        types: types::<Self>(),
    };
    type Output = TagsRemoved;
    /// It removes tags from the ticket.
    const DESTRUCTIVE: bool = true;
    const CONCURRENT: bool = true;
    fn run(self, c: &mut Client<'_>) -> Result<TagsRemoved, Error> {
        self.validate()?;
        let ids = resolve_tag_ids(c, &self.tag_names, &self.tag_ids, Missing::Skip)?;
        // Only unknown names: nothing to remove, nothing to send.
        if !ids.is_empty() {
            c.call(&remove_tags_request(self.ticket_id, &ids), |_| Ok(()))?;
        }
        Ok(TagsRemoved { success: true })
    }
}

/// Input of set-ticket-tags (both lists empty clears the tags).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SetTicketTags {
    /// Ticket.
    #[serde(deserialize_with = "id_field")]
    #[schemars(schema_with = "crate::schema::id", description = "Ticket whose tags to replace")]
    pub ticket_id: u64,
    /// Names (created when missing).
    #[serde(default, deserialize_with = "list")]
    #[schemars(
        schema_with = "opt_tag_names",
        description = "Names of the tags the ticket should have. Tags are created if they do not exist"
    )]
    pub tag_names: Vec<String>,
    /// Existing tag IDs.
    #[serde(default, deserialize_with = "id_list")]
    #[schemars(
        schema_with = "crate::schema::opt_id_list",
        description = "IDs of existing tags the ticket should have. With tagNames also empty, all tags are removed"
    )]
    pub tag_ids: Vec<u64>,
}

impl SetTicketTags {
    /// Checks names and ids; both empty is allowed (it clears the tags).
    pub fn validate(&self) -> Result<(), Error> {
        check_tags(self.ticket_id, &self.tag_names, &self.tag_ids, false)
    }
}

impl Operation for SetTicketTags {
    const SPEC: &'static Spec = &Spec {
        name: "set-ticket-tags",
        title: "Set Ticket Tags",
        description: "Replace all tags of a Gorgias ticket with the given ones (tags not listed are removed; no tags clears them). Identify tags by name (creating them if absent) or by ID.",
        access: Access::Write,
        // The same set twice leaves the ticket as once.
        idempotent: true,
        endpoint: "GET /api/tags?search=, POST /api/tags, PUT /api/tickets/{id}/tags (no tags: PUT /api/tickets/{id})",
        example: r#"{"ticketId": 12345, "tagNames": ["vip", "shipping"]}"#,
        types: types::<Self>(),
    };
    type Output = TagsSet;
    const DESTRUCTIVE: bool = true;
    const CONCURRENT: bool = true;
    fn run(self, c: &mut Client<'_>) -> Result<TagsSet, Error> {
        self.validate()?;
        let ids = resolve_tag_ids(c, &self.tag_names, &self.tag_ids, Missing::Create)?;
        // Any 2xx is success, whatever its body (202 empty, or a ticket).
        let req = if ids.is_empty() {
            clear_tags_request(self.ticket_id)
        } else {
            replace_tags_request(self.ticket_id, &ids)
        };
        c.call(&req, |_| Ok(()))?;
        Ok(TagsSet { success: true })
    }
}

/// Input of list-tags.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ListTags {
    /// Text the names must contain (case-insensitive, Gorgias's `search`).
    #[schemars(description = "Only tags whose name matches this text (case-insensitive)")]
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

impl ListTags {
    /// `GET /api/tags?search=&limit=&cursor=`.
    pub fn request(&self) -> Result<ApiRequest, Error> {
        Ok(ApiRequest::get(
            "/api/tags",
            list_query(self.search.as_deref(), self.limit, self.cursor.as_deref())?,
        ))
    }
}

impl Operation for ListTags {
    const SPEC: &'static Spec = &Spec {
        name: "list-tags",
        title: "List Tags",
        description: "List the Gorgias account's tags, optionally only those whose name matches a text (case-insensitive).",
        access: Access::Read,
        idempotent: true,
        endpoint: "GET /api/tags",
        example: r#"{"search": "vip", "limit": 50}"#,
        types: types::<Self>(),
    };
    type Output = TagPage;
    fn run(self, c: &mut Client<'_>) -> Result<TagPage, Error> {
        c.call(&self.request()?, parse_tag_page)
    }
}

/// Longest tag name Gorgias accepts (`POST /api/tags`: `name` max length 256).
pub const MAX_TAG_NAME_CHARS: usize = 256;

// ---- 8. list-ticket-tags -----------------------------------------------------

/// `GET /api/tickets/{id}/tags`.
pub fn list_ticket_tags_request(ticket_id: u64) -> Result<ApiRequest, Error> {
    check_id("ticketId", ticket_id)?;
    Ok(ApiRequest::get(format!("/api/tickets/{ticket_id}/tags"), vec![]))
}

/// Runs list-ticket-tags.
pub fn list_ticket_tags(c: &mut Client<'_>, ticket_id: u64) -> Result<Vec<Tag>, Error> {
    c.call(&list_ticket_tags_request(ticket_id)?, parse_tags)
}

// ---- 9. add-ticket-tags ------------------------------------------------------

impl AddTicketTags {
    /// Checks that something is given, names are usable and ids positive.
    pub fn validate(&self) -> Result<(), Error> {
        check_tags(self.ticket_id, &self.tag_names, &self.tag_ids, true)
    }

    /// Resolves names to ids (creating missing tags), then adds all ids.
    ///
    /// Repeating the call converges: found names are reused, a 409 on create
    /// means another caller created the tag meanwhile, and the final POST is additive.
    pub fn run(&self, c: &mut Client<'_>) -> Result<bool, Error> {
        self.validate()?;
        let ids = resolve_tag_ids(c, &self.tag_names, &self.tag_ids, Missing::Create)?;
        c.call(&apply_tags_request(self.ticket_id, &ids), |_| Ok(()))?;
        Ok(true)
    }
}

/// Checks a ticket tag change: ticket id, names (non-empty, at most 256
/// characters), ids (positive), at most 100 of each, and at least one tag
/// when `require_one`.
fn check_tags(ticket_id: u64, names: &[String], ids: &[u64], require_one: bool) -> Result<(), Error> {
    check_id("ticketId", ticket_id)?;
    if require_one && names.is_empty() && ids.is_empty() {
        return Err(Error::invalid(
            "tagNames",
            "give tagNames, tagIds, or both (at least one tag)",
        ));
    }
    for (i, n) in names.iter().enumerate() {
        if n.trim().is_empty() {
            return Err(Error::invalid(&format!("tagNames[{i}]"), "must not be empty"));
        }
        // Gorgias's `maxLength: 256` counts characters, not bytes.
        if n.chars().count() > MAX_TAG_NAME_CHARS {
            return Err(Error::invalid(
                &format!("tagNames[{i}]"),
                "must be at most 256 characters",
            ));
        }
    }
    for (i, id) in ids.iter().enumerate() {
        check_id(&format!("tagIds[{i}]"), *id)?;
    }
    // Each list on its own, as the schema's `maxItems` can say: names
    // cost Gorgias calls (search, maybe create), IDs one request.
    if names.len() > 100 {
        return Err(Error::invalid("tagNames", "at most 100 tag names per call"));
    }
    if ids.len() > 100 {
        return Err(Error::invalid("tagIds", "at most 100 tag IDs per call"));
    }
    Ok(())
}

/// What [`resolve_tag_ids`] does with a name no tag has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Missing {
    /// Create the tag (`POST /api/tags`; a 409 means it exists: look again).
    Create,
    /// Leave it out (removing a tag that does not exist changes nothing).
    Skip,
}

/// The ids of `names` (distinct, trimmed, in first-seen order, matched
/// exactly) followed by `ids`, without repeats: the one name resolution of
/// add-, remove- and set-ticket-tags.
pub fn resolve_tag_ids(c: &mut Client<'_>, names: &[String], ids: &[u64], missing: Missing) -> Result<Vec<u64>, Error> {
    let mut distinct: Vec<&str> = Vec::new();
    for n in names {
        let n = n.trim();
        if !distinct.contains(&n) {
            distinct.push(n);
        }
    }
    // The lookups do not depend on each other: all together, then the
    // creates of the names no tag has, together. The first error (in the
    // names' order) is the answer.
    let found = find_tags(c, &distinct)?;
    let absent: Vec<&str> = match missing {
        Missing::Create => distinct
            .iter()
            .zip(&found)
            .filter(|(_, f)| f.is_none())
            .map(|(n, _)| *n)
            .collect(),
        Missing::Skip => Vec::new(),
    };
    let reqs: Vec<ApiRequest> = absent.iter().map(|n| create_tag_request(n)).collect();
    let mut created = c.send_all(&reqs).into_iter();
    let mut out: Vec<u64> = Vec::new();
    for (name, tag) in distinct.iter().zip(found) {
        let id = match (tag, missing) {
            (Some(tag), _) => tag.id,
            (None, Missing::Skip) => continue,
            (None, Missing::Create) => {
                let sent = created.next().unwrap_or_else(|| Err(c.finish(no_answer())));
                match tag_written(c, &create_tag_request(name), name, sent) {
                    Ok(tag) => tag.id,
                    // Another caller created it since the lookup: look again.
                    Err(Error::Conflict(taken)) => match find_tag(c, name)? {
                        Some(tag) => tag.id,
                        None => {
                            return Err(Error::Conflict(crate::error::ApiError {
                                status: taken.status,
                                message: format!(
                                    "{}: tag {name:?} exists but could not be found by search",
                                    c.operation
                                ),
                                field_errors: vec![],
                                retryable: true,
                            }));
                        }
                    },
                    Err(e) => return Err(e),
                }
            }
        };
        if !out.contains(&id) {
            out.push(id);
        }
    }
    for id in ids {
        if !out.contains(id) {
            out.push(*id);
        }
    }
    Ok(out)
}

/// Pages one name lookup may read (100 tags each). Each page is one call
/// against the account's rate limit (40 per 20 s with an API key).
pub const MAX_TAG_PAGES: usize = 20;

/// `GET /api/tags?search=<name>&limit=100[&cursor=…]`.
pub fn search_tags_request(name: &str, cursor: Option<&str>) -> ApiRequest {
    let mut q = vec![("search".into(), name.into()), ("limit".into(), "100".into())];
    if let Some(c) = cursor {
        q.push(("cursor".into(), c.into()));
    }
    ApiRequest::get("/api/tags", q)
}

/// `POST /api/tags {"name": …}`.
pub fn create_tag_request(name: &str) -> ApiRequest {
    let mut body = Map::new();
    body.insert("name".into(), name.into());
    ApiRequest::with_body(Method::Post, "/api/tags", Value::Object(body))
}

/// `POST /api/tickets/{id}/tags {"ids": […]}` (additive).
pub fn apply_tags_request(ticket_id: u64, ids: &[u64]) -> ApiRequest {
    ApiRequest::with_body(Method::Post, format!("/api/tickets/{ticket_id}/tags"), ids_body(ids))
}

/// `PUT /api/tickets/{id}/tags {"ids": […]}` (replaces the whole set).
/// Whether `{"ids": []}` clears it is undocumented: [`clear_tags_request`] does.
pub fn replace_tags_request(ticket_id: u64, ids: &[u64]) -> ApiRequest {
    ApiRequest::with_body(Method::Put, format!("/api/tickets/{ticket_id}/tags"), ids_body(ids))
}

/// `PUT /api/tickets/{id} {"tags": []}`: the ticket update with an empty tag
/// list, what Gorgias's own web application sends when the last tag is
/// removed (whether `PUT /api/tickets/{id}/tags {"ids": []}` clears is
/// documented nowhere).
pub fn clear_tags_request(ticket_id: u64) -> ApiRequest {
    let mut body = Map::new();
    body.insert("tags".into(), Value::Array(Vec::new()));
    ApiRequest::with_body(Method::Put, format!("/api/tickets/{ticket_id}"), Value::Object(body))
}

/// `DELETE /api/tickets/{id}/tags {"ids": […]}` (only these).
pub fn remove_tags_request(ticket_id: u64, ids: &[u64]) -> ApiRequest {
    ApiRequest::with_body(Method::Delete, format!("/api/tickets/{ticket_id}/tags"), ids_body(ids))
}

fn ids_body(ids: &[u64]) -> Value {
    let mut body = Map::new();
    body.insert("ids".into(), ids.iter().map(|&id| Value::from(id)).collect());
    Value::Object(body)
}

/// Search is case-insensitive and matches more than the exact name; tag
/// names are case sensitive, so only an exact match counts. With many
/// similar names the exact one can be on a later page: follow
/// `meta.next_cursor` until it is found, the pages end, or
/// [`MAX_TAG_PAGES`] were read (then: not found).
fn find_tag(c: &mut Client<'_>, name: &str) -> Result<Option<Tag>, Error> {
    Ok(find_tags(c, &[name])?.pop().flatten())
}

/// [`find_tag`] for each of `names`, the lookups together: every name's
/// first page at once, then the next pages of those still unresolved, at
/// once. The same calls as one lookup after another; the first error (in
/// the names' order) is the answer.
fn find_tags(c: &mut Client<'_>, names: &[&str]) -> Result<Vec<Option<Tag>>, Error> {
    let mut found: Vec<Option<Tag>> = names.iter().map(|_| None).collect();
    let mut cursors: Vec<Option<String>> = names.iter().map(|_| None).collect();
    let mut open: Vec<usize> = (0..names.len()).collect();
    for _ in 0..MAX_TAG_PAGES {
        if open.is_empty() {
            break;
        }
        let reqs: Vec<ApiRequest> = open
            .iter()
            .map(|&i| search_tags_request(names[i], cursors[i].as_deref()))
            .collect();
        let pages = c.call_all(&reqs, parse_tag_page);
        let mut still = Vec::new();
        for (i, page) in open.into_iter().zip(pages) {
            let page = page?;
            if let Some(t) = page.tags.into_iter().find(|t| t.name == names[i]) {
                found[i] = Some(t);
            } else if let Some(next) = page.next_cursor {
                cursors[i] = Some(next);
                still.push(i);
            }
        }
        open = still;
    }
    Ok(found)
}

// ---- the records it answers with, and Gorgias's JSON -------------------------

/// A tag with details.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Tag {
    /// Tag ID.
    #[schemars(description = "The tag ID")]
    pub id: u64,
    /// Name.
    #[schemars(description = "The tag name")]
    pub name: String,
    /// Description.
    #[schemars(description = "The tag description")]
    pub description: Option<String>,
    /// `decoration.color`.
    #[schemars(description = "The tag color")]
    pub color: Option<String>,
}

/// A page of tags (`GET /api/tags`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct TagPage {
    /// The tags.
    #[schemars(description = "The account's tags")]
    pub tags: Vec<Tag>,
    /// `meta.next_cursor`.
    #[serde(rename = "nextCursor")]
    #[schemars(description = "Cursor for the next page of results")]
    pub next_cursor: Option<String>,
}

#[derive(Deserialize)]
struct WireDecoration {
    color: Option<String>,
}

#[derive(Deserialize)]
pub(crate) struct WireTag {
    pub(crate) id: u64,
    pub(crate) name: String,
    description: Option<String>,
    decoration: Option<WireDecoration>,
}

impl From<WireTag> for Tag {
    fn from(t: WireTag) -> Tag {
        Tag {
            id: t.id,
            name: t.name,
            description: t.description,
            color: t.decoration.and_then(|d| d.color),
        }
    }
}

/// `GET /api/tickets/{id}/tags` or `GET /api/tags` → tags (either list shape).
pub fn parse_tags(body: &[u8]) -> Result<Vec<Tag>, String> {
    Ok(decode::<ListAnswer<WireTag>>(body)?
        .items
        .into_iter()
        .map(Tag::from)
        .collect())
}

/// `POST /api/tags` → [`Tag`].
pub fn parse_tag(body: &[u8]) -> Result<Tag, String> {
    decode::<WireTag>(body).map(Tag::from)
}

/// `GET /api/tags` → [`TagPage`].
pub fn parse_tag_page(body: &[u8]) -> Result<TagPage, String> {
    let list = decode::<ListAnswer<WireTag>>(body)?;
    Ok(TagPage {
        tags: list.items.into_iter().map(Tag::from).collect(),
        next_cursor: list.next_cursor,
    })
}

// ---- issue 21: tickets and tags ----------------------------------------------

/// Longest tag description Gorgias accepts (`POST /api/tags`: `description` max length 1024).
pub const MAX_TAG_DESCRIPTION_CHARS: usize = 1024;

/// The pattern of a tag color (`decoration.color`): `#rrggbb`.
pub const TAG_COLOR_PATTERN: &str = "^#[0-9a-fA-F]{6}$";

/// create-tag's `name`: not blank, at most 256 characters.
pub fn tag_name(_: &mut SchemaGenerator) -> Schema {
    let mut s = non_blank();
    s["maxLength"] = MAX_TAG_NAME_CHARS.into();
    Schema::try_from(s).unwrap_or_default()
}

/// create-tag's optional `description`: at most 1024 characters.
pub fn opt_tag_description(_: &mut SchemaGenerator) -> Schema {
    any_of(vec![
        typed("string", &[("maxLength", MAX_TAG_DESCRIPTION_CHARS.into())]),
        null_schema(),
    ])
}

/// create-tag's optional `color`: `#rrggbb`.
pub fn opt_tag_color(_: &mut SchemaGenerator) -> Schema {
    any_of(vec![
        typed("string", &[("pattern", TAG_COLOR_PATTERN.into())]),
        null_schema(),
    ])
}

/// Input of create-tag.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct CreateTag {
    /// The name (sent trimmed).
    #[schemars(
        schema_with = "tag_name",
        description = "The tag name, case sensitive, 1 to 256 characters (surrounding whitespace is trimmed). A name already taken is a conflict error"
    )]
    pub name: String,
    /// The description.
    #[serde(default)]
    #[schemars(
        schema_with = "opt_tag_description",
        description = "The tag description (at most 1024 characters)"
    )]
    pub description: Option<String>,
    /// `decoration.color`.
    #[serde(default)]
    #[schemars(
        schema_with = "opt_tag_color",
        description = "The tag color as #rrggbb, e.g. \"#ff6900\" (Gorgias's decoration.color); Gorgias picks one when absent"
    )]
    pub color: Option<String>,
}

/// What create-tag answers: `{"tag": {...}}`, list-tags' record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct TagAnswer {
    /// The new tag.
    pub tag: Tag,
}

impl CreateTag {
    /// Checks the name, the description's length and the color's shape.
    pub fn validate(&self) -> Result<(), Error> {
        if self.name.trim().is_empty() {
            return Err(Error::invalid("name", "is required and must not be empty"));
        }
        // Gorgias's `maxLength` counts characters, not bytes.
        if self.name.chars().count() > MAX_TAG_NAME_CHARS {
            return Err(Error::invalid("name", "must be at most 256 characters"));
        }
        if self
            .description
            .as_deref()
            .is_some_and(|d| d.chars().count() > MAX_TAG_DESCRIPTION_CHARS)
        {
            return Err(Error::invalid("description", "must be at most 1024 characters"));
        }
        if let Some(color) = self.color.as_deref() {
            let hex = color.strip_prefix('#').unwrap_or("");
            if color.len() != 7 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
                return Err(Error::invalid("color", "must be a color like #ff6900 (#rrggbb)"));
            }
        }
        Ok(())
    }

    /// `POST /api/tags {"name", "description"?, "decoration": {"color"}?}`.
    pub fn request(&self) -> Result<ApiRequest, Error> {
        self.validate()?;
        let mut body = Map::new();
        body.insert("name".into(), self.name.trim().into());
        if let Some(d) = &self.description {
            body.insert("description".into(), d.clone().into());
        }
        if let Some(color) = &self.color {
            let mut decoration = Map::new();
            decoration.insert("color".into(), color.clone().into());
            body.insert("decoration".into(), Value::Object(decoration));
        }
        Ok(ApiRequest::with_body(Method::Post, "/api/tags", Value::Object(body)))
    }
}

impl Operation for CreateTag {
    const SPEC: &'static Spec = &Spec {
        name: "create-tag",
        title: "Create Tag",
        description: "Create a tag in the Gorgias account, with an optional description and #rrggbb color (Gorgias picks a color when none is given). Tag names are case sensitive; a name already taken is a conflict error.",
        access: Access::Write,
        idempotent: false,
        endpoint: "POST /api/tags",
        example: r##"{"name": "damaged-in-transit", "description": "The parcel arrived damaged", "color": "#ff6900"}"##,
        types: types::<Self>(),
    };
    type Output = TagAnswer;
    fn run(self, c: &mut Client<'_>) -> Result<TagAnswer, Error> {
        let req = self.request()?;
        post_tag(c, &req, self.name.trim()).map(|tag| TagAnswer { tag })
    }
}

/// Input of delete-tag.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct DeleteTag {
    /// The tag.
    #[serde(deserialize_with = "id_field")]
    #[schemars(
        schema_with = "crate::schema::id",
        description = "The ID of the tag to delete (list-tags gives it)"
    )]
    pub tag_id: u64,
}

/// What delete-tag answers: `{"success": true}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
pub struct TagDeleted {
    /// Always true on success (failures are errors).
    #[schemars(description = "Whether the tag was deleted (a tag that does not exist is a not-found error)")]
    pub success: bool,
}

impl DeleteTag {
    /// `DELETE /api/tags/{id}` (no body).
    pub fn request(&self) -> Result<ApiRequest, Error> {
        check_id("tagId", self.tag_id)?;
        Ok(ApiRequest {
            method: Method::Delete,
            path: format!("/api/tags/{}", self.tag_id),
            query: Vec::new(),
            body: None,
        })
    }
}

impl Operation for DeleteTag {
    const SPEC: &'static Spec = &Spec {
        name: "delete-tag",
        title: "Delete Tag",
        description: "Delete a tag from the Gorgias account. Gorgias deactivates the views that use it and refuses to delete a tag used in macros or rules. A tag that does not exist is a not-found error.",
        access: Access::All,
        // The same call twice leaves Gorgias as once (the second answers not-found).
        idempotent: true,
        endpoint: "DELETE /api/tags/{id}",
        example: r#"{"tagId": 12}"#,
        types: types::<Self>(),
    };
    type Output = TagDeleted;
    const DESTRUCTIVE: bool = true;
    fn run(self, c: &mut Client<'_>) -> Result<TagDeleted, Error> {
        // Gorgias answers 204 with no body; any 2xx is success, whatever its body.
        c.call(&self.request()?, |_| Ok(()))?;
        Ok(TagDeleted { success: true })
    }
}

/// `POST /api/tags` (`req`) for a tag named `name`: the tag Gorgias answers
/// (200 or 201), or, after an empty 2xx body, the tag of that exact name
/// looked up with [`find_tag`]. A name already taken is
/// [`Error::Conflict`] ([`duplicate_is_conflict`]).
fn post_tag(c: &mut Client<'_>, req: &ApiRequest, name: &str) -> Result<Tag, Error> {
    let sent = c.send(req);
    tag_written(c, req, name, sent)
}

/// The tag a create (`req`, for `name`) answered with `sent`: its record, or
/// read back by name when Gorgias answered with an empty body; a taken name
/// is [`Error::Conflict`].
fn tag_written(c: &mut Client<'_>, req: &ApiRequest, name: &str, sent: Result<Response, Error>) -> Result<Tag, Error> {
    let resp = sent.map_err(duplicate_is_conflict)?;
    match written(c, req, &resp, parse_tag).map_err(duplicate_is_conflict)? {
        Written::Record(tag) => Ok(tag),
        Written::Empty(status) => match find_tag(c, name) {
            Ok(Some(tag)) => Ok(tag),
            Ok(None) => Err(not_read_back(
                c,
                status,
                &format!("no tag named {name:?} could be found by search"),
            )),
            Err(e) => Err(not_read_back(c, status, &format!("reading it back failed ({e})"))),
        },
    }
}

/// A taken tag name as [`Error::Conflict`]: Gorgias documents 409 for an
/// identifier already used, and third parties report a 400 for a duplicate
/// tag name (no recorded body), so a 400 or 422 whose message or field
/// errors say so (`already`, `duplicate`, `unique`, `taken`, `in use`,
/// `exists`) is a conflict too. Any other error is left as it is.
pub fn duplicate_is_conflict(e: Error) -> Error {
    match e {
        Error::Upstream(a) if matches!(a.status, 400 | 422) && says_taken(&a) => Error::Conflict(a),
        e => e,
    }
}

fn says_taken(a: &crate::error::ApiError) -> bool {
    std::iter::once(&a.message)
        .chain(a.field_errors.iter().map(|f| &f.message))
        .any(|text| {
            let t = text.to_lowercase();
            ["already", "duplicate", "unique", "taken", "in use"]
                .iter()
                .any(|w| t.contains(w))
                || (t.contains("exists") && !t.contains("not exist"))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::gorgias::testing::{Scripted, client, field};
    use serde_json::json;

    #[test]
    fn add_tags_resolves_creates_and_applies() {
        let mut t = Scripted::new(vec![
            Scripted::json(
                200,
                r#"{"data":[{"id":1,"name":"VIP"},{"id":2,"name":"vip"}],"meta":{"next_cursor":null}}"#,
            ),
            Scripted::json(200, r#"{"data":[],"meta":{"next_cursor":null}}"#),
            Scripted::json(201, r#"{"id":9,"name":"reshipped","decoration":null}"#),
            Scripted::json(201, ""),
        ]);
        let a = AddTicketTags {
            ticket_id: 12345,
            tag_names: vec!["vip".into(), "reshipped".into(), "vip".into()],
            tag_ids: vec![2, 3],
        };
        assert!(a.run(&mut client(&mut t, "add-ticket-tags")).unwrap().success);
        assert_eq!(
            t.lines(),
            vec![
                "GET /api/tags?search=vip&limit=100",
                "GET /api/tags?search=reshipped&limit=100",
                "POST /api/tags",
                "POST /api/tickets/12345/tags"
            ]
        );
        assert_eq!(t.bodies()[2], Some(json!({"name": "reshipped"})));
        assert_eq!(t.bodies()[3], Some(json!({"ids": [2, 9, 3]})));
        // The two lookups went out together, then the one create.
        assert_eq!(t.batches, vec![(2, 6), (1, 1)]);
    }

    /// Every operation that resolves names sends its lookups together, and
    /// says so in its entry (the README's operations table shows it).
    #[test]
    fn the_operations_that_resolve_names_look_them_up_together_and_are_marked_concurrent() {
        let both = || Scripted::json(200, r#"{"data":[{"id":5,"name":"a"},{"id":6,"name":"b"}],"meta":{}}"#);
        let bodies = [
            ("add-ticket-tags", r#"{"ticketId": 1, "tagNames": ["a", "b"]}"#),
            ("set-ticket-tags", r#"{"ticketId": 1, "tagNames": ["a", "b"]}"#),
            ("remove-ticket-tags", r#"{"ticketId": 1, "tagNames": ["a", "b"]}"#),
        ];
        for (name, body) in bodies {
            let op = crate::ops::find(name).unwrap();
            let mut t = Scripted::new(vec![both(), both(), Scripted::json(200, "")]);
            op.run(body.as_bytes(), &mut client(&mut t, name)).unwrap();
            assert_eq!(t.batches, vec![(2, 6)], "{name}");
            assert!(op.concurrent(), "{name}");
        }
    }

    #[test]
    fn names_are_looked_up_together_then_created_together_then_applied() {
        let none = || Scripted::json(200, r#"{"data":[],"meta":{"next_cursor":null}}"#);
        let mut t = Scripted::new(vec![
            none(),
            Scripted::json(200, r#"{"data":[{"id":5,"name":"b"}],"meta":{"next_cursor":null}}"#),
            none(),
            Scripted::json(201, r#"{"id":11,"name":"a"}"#),
            Scripted::json(201, r#"{"id":13,"name":"c"}"#),
            Scripted::json(201, ""),
        ]);
        let a = AddTicketTags {
            ticket_id: 7,
            tag_names: vec!["a".into(), "b".into(), "c".into()],
            tag_ids: vec![],
        };
        assert!(a.run(&mut client(&mut t, "add-ticket-tags")).unwrap().success);
        assert_eq!(t.batches, vec![(3, 6), (2, 6)]);
        assert_eq!(
            t.lines(),
            [
                "GET /api/tags?search=a&limit=100",
                "GET /api/tags?search=b&limit=100",
                "GET /api/tags?search=c&limit=100",
                "POST /api/tags",
                "POST /api/tags",
                "POST /api/tickets/7/tags"
            ]
        );
        assert_eq!(t.bodies()[5], Some(json!({"ids": [11, 5, 13]})));
    }

    #[test]
    fn tag_lookup_follows_next_cursor_until_the_exact_name() {
        let similar = |from: u64, cursor: &str| {
            let items: Vec<String> = (from..from + 100)
                .map(|i| format!(r#"{{"id":{i},"name":"full-refund-{i}"}}"#))
                .collect();
            Scripted::json(
                200,
                &format!(
                    r#"{{"data":[{}],"meta":{{"next_cursor":"{cursor}"}}}}"#,
                    items.join(",")
                ),
            )
        };
        let mut t = Scripted::new(vec![
            similar(1000, "c2"),
            similar(2000, "c3"),
            Scripted::json(
                200,
                r#"{"data":[{"id":7,"name":"REFUND"},{"id":8,"name":"refund"}],"meta":{"next_cursor":null}}"#,
            ),
            Scripted::json(201, ""),
        ]);
        let a = AddTicketTags {
            ticket_id: 12345,
            tag_names: vec!["refund".into()],
            tag_ids: vec![],
        };
        assert!(a.run(&mut client(&mut t, "add-ticket-tags")).unwrap().success);
        assert_eq!(
            t.lines(),
            vec![
                "GET /api/tags?search=refund&limit=100",
                "GET /api/tags?search=refund&limit=100&cursor=c2",
                "GET /api/tags?search=refund&limit=100&cursor=c3",
                "POST /api/tickets/12345/tags"
            ]
        );
        assert_eq!(t.bodies()[3], Some(json!({"ids": [8]})));
    }

    #[test]
    fn tag_lookup_stops_after_twenty_pages() {
        let mut answers: Vec<_> = (0..20)
            .map(|i| {
                Scripted::json(
                    200,
                    &format!(r#"{{"data":[{{"id":{i},"name":"x{i}"}}],"meta":{{"next_cursor":"c{i}"}}}}"#),
                )
            })
            .collect();
        answers.push(Scripted::json(201, r#"{"id":99,"name":"x"}"#));
        answers.push(Scripted::json(201, ""));
        let mut t = Scripted::new(answers);
        let a = AddTicketTags {
            ticket_id: 1,
            tag_names: vec!["x".into()],
            tag_ids: vec![],
        };
        assert!(a.run(&mut client(&mut t, "add-ticket-tags")).unwrap().success);
        let lines = t.lines();
        assert_eq!(lines.len(), 22);
        assert_eq!(lines[19], "GET /api/tags?search=x&limit=100&cursor=c18");
        assert_eq!(&lines[20..], ["POST /api/tags", "POST /api/tickets/1/tags"]);
    }

    #[test]
    fn add_tags_conflict_on_create_looks_up_again() {
        let mut t = Scripted::new(vec![
            Scripted::json(200, "[]"),
            Scripted::json(409, r#"{"error":{"msg":"Tag already exists"}}"#),
            Scripted::json(200, r#"[{"id":5,"name":"new"}]"#),
            Scripted::json(201, ""),
        ]);
        let a = AddTicketTags {
            ticket_id: 7,
            tag_names: vec!["new".into()],
            tag_ids: vec![],
        };
        assert!(a.run(&mut client(&mut t, "add-ticket-tags")).unwrap().success);
        assert_eq!(t.bodies()[3], Some(json!({"ids": [5]})));
    }

    #[test]
    fn add_tags_validation() {
        assert_eq!(
            field(
                AddTicketTags {
                    ticket_id: 1,
                    ..Default::default()
                }
                .validate()
                .unwrap_err()
            ),
            "tagNames"
        );
        assert_eq!(
            field(
                AddTicketTags {
                    ticket_id: 1,
                    tag_names: vec![" ".into()],
                    tag_ids: vec![]
                }
                .validate()
                .unwrap_err()
            ),
            "tagNames[0]"
        );
        assert_eq!(
            field(
                AddTicketTags {
                    ticket_id: 1,
                    tag_names: vec![],
                    tag_ids: vec![0]
                }
                .validate()
                .unwrap_err()
            ),
            "tagIds[0]"
        );
    }

    #[test]
    fn tag_names_may_be_256_characters_not_257() {
        let with = |name: String| AddTicketTags {
            ticket_id: 1,
            tag_names: vec![name],
            tag_ids: vec![],
        };
        assert!(with("é".repeat(256)).validate().is_ok());
        assert_eq!(field(with("a".repeat(257)).validate().unwrap_err()), "tagNames[0]");
    }

    #[test]
    fn remove_tags_skips_unknown_names_and_deletes_the_rest() {
        let mut t = Scripted::new(vec![
            Scripted::json(
                200,
                r#"{"data":[{"id":13,"name":"shipping"}],"meta":{"next_cursor":null}}"#,
            ),
            Scripted::json(
                200,
                r#"{"data":[{"id":14,"name":"Nope-2"}],"meta":{"next_cursor":null}}"#,
            ),
            Scripted::json(204, ""),
        ]);
        let r = RemoveTicketTags {
            ticket_id: 12345,
            tag_names: vec!["shipping".into(), "nope".into()],
            tag_ids: vec![11, 13],
        };
        assert!(
            Operation::run(r, &mut client(&mut t, "remove-ticket-tags"))
                .unwrap()
                .success
        );
        assert_eq!(
            t.lines(),
            vec![
                "GET /api/tags?search=shipping&limit=100",
                "GET /api/tags?search=nope&limit=100",
                "DELETE /api/tickets/12345/tags"
            ]
        );
        assert_eq!(t.bodies()[2], Some(json!({"ids": [13, 11]})));
    }

    #[test]
    fn remove_tags_with_only_unknown_names_sends_no_delete() {
        let mut t = Scripted::new(vec![Scripted::json(200, "[]")]);
        let r = RemoveTicketTags {
            ticket_id: 1,
            tag_names: vec!["nope".into()],
            tag_ids: vec![],
        };
        assert!(
            Operation::run(r, &mut client(&mut t, "remove-ticket-tags"))
                .unwrap()
                .success
        );
        assert_eq!(t.lines(), vec!["GET /api/tags?search=nope&limit=100"]);
        let none = RemoveTicketTags {
            ticket_id: 1,
            ..Default::default()
        };
        assert_eq!(field(none.validate().unwrap_err()), "tagNames");
    }

    #[test]
    fn set_tags_creates_missing_names_and_replaces_and_empty_clears() {
        let mut t = Scripted::new(vec![
            Scripted::json(200, r#"{"data":[],"meta":{"next_cursor":null}}"#),
            Scripted::json(201, r#"{"id":9,"name":"fresh"}"#),
            Scripted::json(202, ""),
        ]);
        let s = SetTicketTags {
            ticket_id: 12345,
            tag_names: vec!["fresh".into()],
            tag_ids: vec![11],
        };
        assert!(
            Operation::run(s, &mut client(&mut t, "set-ticket-tags"))
                .unwrap()
                .success
        );
        assert_eq!(
            t.lines(),
            vec![
                "GET /api/tags?search=fresh&limit=100",
                "POST /api/tags",
                "PUT /api/tickets/12345/tags"
            ]
        );
        assert_eq!(t.bodies()[2], Some(json!({"ids": [9, 11]})));
        let mut t = Scripted::new(vec![Scripted::json(202, "")]);
        let clear = SetTicketTags {
            ticket_id: 7,
            ..Default::default()
        };
        assert!(
            Operation::run(clear, &mut client(&mut t, "set-ticket-tags"))
                .unwrap()
                .success
        );
        // No tags: the ticket update with an empty tag list, as Gorgias's web application clears them.
        assert_eq!(t.lines(), vec!["PUT /api/tickets/7"]);
        assert_eq!(t.bodies()[0], Some(json!({"tags": []})));
        // Its answer may be the whole ticket: any 2xx is success.
        let mut t = Scripted::new(vec![Scripted::json(
            200,
            include_str!("../../tests/fixtures/ticket.json"),
        )]);
        let clear = SetTicketTags {
            ticket_id: 12345,
            tag_names: vec![],
            tag_ids: vec![],
        };
        assert!(
            Operation::run(clear, &mut client(&mut t, "set-ticket-tags"))
                .unwrap()
                .success
        );
        assert_eq!(t.lines(), vec!["PUT /api/tickets/12345"]);
        assert_eq!(t.bodies()[0], Some(json!({"tags": []})));
        let bad = SetTicketTags {
            ticket_id: 7,
            tag_names: vec!["a".repeat(257)],
            tag_ids: vec![],
        };
        assert_eq!(field(bad.validate().unwrap_err()), "tagNames[0]");
    }

    #[test]
    fn tags_accept_both_list_shapes() {
        let bare = br##"[{"id":1,"name":"vip","description":null,"decoration":{"color":"#ff0000"}}]"##;
        let wrapped =
            br##"{"data":[{"id":1,"name":"vip","description":null,"decoration":{"color":"#ff0000"}}],"meta":null}"##;
        let expected = vec![Tag {
            id: 1,
            name: "vip".into(),
            description: None,
            color: Some("#ff0000".into()),
        }];
        assert_eq!(parse_tags(bare).unwrap(), expected);
        assert_eq!(parse_tags(wrapped).unwrap(), expected);
        assert_eq!(
            parse_tags(br#"{"data":[{"id":2,"name":"x","decoration":null}]}"#).unwrap()[0].color,
            None
        );
    }

    // ---- issue 21: tickets and tags

    const RECORDED_TAG: &str = include_str!("../../tests/fixtures/recorded/nango-create-tag.json");

    fn create(name: &str) -> CreateTag {
        CreateTag {
            name: name.into(),
            ..Default::default()
        }
    }

    #[test]
    fn create_tag_sends_name_description_and_decoration_and_maps_the_recorded_answer() {
        let op = CreateTag {
            name: " damaged-in-transit ".into(),
            description: Some("The parcel arrived damaged".into()),
            color: Some("#FF6900".into()),
        };
        let r = op.request().unwrap();
        assert_eq!((r.method, r.path.as_str()), (Method::Post, "/api/tags"));
        assert_eq!(
            r.body.unwrap(),
            json!({"name": "damaged-in-transit", "description": "The parcel arrived damaged", "decoration": {"color": "#FF6900"}})
        );
        assert_eq!(create("x").request().unwrap().body.unwrap(), json!({"name": "x"}));
        // Recorded: 200 (201 documented), a random color when none was sent.
        for status in [200, 201] {
            let mut t = Scripted::new(vec![Scripted::json(status, RECORDED_TAG)]);
            let a = Operation::run(create("Nango Test Tag 1787772228"), &mut client(&mut t, "create-tag")).unwrap();
            assert_eq!(
                a.tag,
                Tag {
                    id: 1814147,
                    name: "Nango Test Tag 1787772228".into(),
                    description: None,
                    color: Some("#998e2c".into()),
                }
            );
            assert_eq!(t.lines(), vec!["POST /api/tags"]);
        }
    }

    #[test]
    fn create_tag_with_an_empty_body_looks_the_tag_up_by_its_exact_name() {
        let found = r##"{"data":[{"id":4,"name":"Damaged"},{"id":5,"name":"damaged","description":"d","decoration":{"color":"#ff6900"}}],"meta":{}}"##;
        let mut t = Scripted::new(vec![Scripted::json(201, ""), Scripted::json(200, found)]);
        let a = Operation::run(create("damaged"), &mut client(&mut t, "create-tag")).unwrap();
        assert_eq!((a.tag.id, a.tag.color.as_deref()), (5, Some("#ff6900")));
        assert_eq!(
            t.lines(),
            vec!["POST /api/tags", "GET /api/tags?search=damaged&limit=100"]
        );
        // Not found: created, but not retryable.
        let mut t = Scripted::new(vec![Scripted::json(200, ""), Scripted::json(200, "[]")]);
        let e = Operation::run(create("damaged"), &mut client(&mut t, "create-tag")).unwrap_err();
        assert_eq!((e.code(), e.retryable()), ("invalid-response", false));
        assert!(
            e.message()
                .starts_with("create-tag: Gorgias answered 200 with an empty body"),
            "{e}"
        );
    }

    #[test]
    fn a_taken_tag_name_is_a_conflict_whether_gorgias_says_400_or_409() {
        let taken = [
            (400, r#"{"error":{"msg":"Tag already exists"}}"#),
            (
                400,
                r#"{"error":{"msg":"Invalid data","data":{"name":["A tag with this name already exists."]}}}"#,
            ),
            (400, r#"{"error":{"msg":"Duplicate tag name"}}"#),
            (422, r#"{"error":{"msg":"name must be unique"}}"#),
            (409, r#"{"error":{"msg":"Conflict."}}"#),
            (409, ""),
        ];
        for (status, body) in taken {
            let mut t = Scripted::new(vec![Scripted::json(status, body)]);
            let e = Operation::run(create("vip"), &mut client(&mut t, "create-tag")).unwrap_err();
            assert_eq!((e.code(), e.retryable()), ("conflict", false), "{status} {body}");
            assert_eq!(t.lines(), vec!["POST /api/tags"], "no lookup");
        }
        let other = [
            (
                400,
                r#"{"error":{"msg":"Invalid data","data":{"decoration":["Not a valid color."]}}}"#,
            ),
            (400, r#"{"error":{"msg":"Tag does not exist"}}"#),
            (400, ""),
        ];
        for (status, body) in other {
            let mut t = Scripted::new(vec![Scripted::json(status, body)]);
            let e = Operation::run(create("vip"), &mut client(&mut t, "create-tag")).unwrap_err();
            assert_eq!(e.code(), "upstream", "{status} {body}");
        }
    }

    #[test]
    fn add_tags_treats_a_400_duplicate_on_create_as_a_conflict_and_looks_up_again() {
        let mut t = Scripted::new(vec![
            Scripted::json(200, "[]"),
            Scripted::json(400, r#"{"error":{"msg":"Tag already exists"}}"#),
            Scripted::json(200, r#"[{"id":5,"name":"new"}]"#),
            Scripted::json(200, ""),
        ]);
        let a = AddTicketTags {
            ticket_id: 7,
            tag_names: vec!["new".into()],
            tag_ids: vec![],
        };
        assert!(a.clone().run(&mut client(&mut t, "add-ticket-tags")).unwrap().success);
        assert_eq!(t.bodies()[3], Some(json!({"ids": [5]})));
        // Still not found: a retryable conflict carrying Gorgias's status.
        let mut t = Scripted::new(vec![
            Scripted::json(200, "[]"),
            Scripted::json(400, r#"{"error":{"msg":"Tag already exists"}}"#),
            Scripted::json(200, "[]"),
        ]);
        match a.run(&mut client(&mut t, "add-ticket-tags")).unwrap_err() {
            Error::Conflict(api) => assert_eq!((api.status, api.retryable), (400, true)),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn add_tags_reads_a_tag_created_with_an_empty_body_back_by_name() {
        let mut t = Scripted::new(vec![
            Scripted::json(200, "[]"),
            Scripted::json(201, ""),
            Scripted::json(200, r#"[{"id":8,"name":"fresh"}]"#),
            Scripted::json(200, ""),
        ]);
        let a = AddTicketTags {
            ticket_id: 7,
            tag_names: vec!["fresh".into()],
            tag_ids: vec![],
        };
        assert!(a.run(&mut client(&mut t, "add-ticket-tags")).unwrap().success);
        assert_eq!(
            t.lines(),
            vec![
                "GET /api/tags?search=fresh&limit=100",
                "POST /api/tags",
                "GET /api/tags?search=fresh&limit=100",
                "POST /api/tickets/7/tags"
            ]
        );
        assert_eq!(t.bodies()[3], Some(json!({"ids": [8]})));
    }

    #[test]
    fn create_tag_validation_names_the_field() {
        let bad = |op: CreateTag| field(op.validate().unwrap_err());
        assert_eq!(bad(create("")), "name");
        assert_eq!(bad(create(" \t")), "name");
        assert_eq!(bad(create(&"a".repeat(257))), "name");
        assert!(create(&"é".repeat(256)).validate().is_ok());
        let described = |d: String| CreateTag {
            description: Some(d),
            ..create("x")
        };
        assert!(described("é".repeat(1024)).validate().is_ok());
        assert!(described(String::new()).validate().is_ok());
        assert_eq!(bad(described("a".repeat(1025))), "description");
        let colored = |c: &str| CreateTag {
            color: Some(c.into()),
            ..create("x")
        };
        for ok in ["#ff6900", "#FF6900", "#000000"] {
            assert!(colored(ok).validate().is_ok(), "{ok}");
        }
        for no in [
            "ff6900", "#ff690", "#ff69000", "#gg6900", "#ff 690", "", "#ﬀ6900", "red",
        ] {
            assert_eq!(bad(colored(no)), "color", "{no}");
        }
    }

    /// The generated input schema of create-tag accepts exactly what its
    /// decoding and validation accept (patterns aside: `check_schema` has no
    /// regex engine; they are the validators' own, and schemathesis checks
    /// them end to end).
    #[test]
    fn create_tag_schema_and_validation_agree() {
        use crate::schema::check_schema;
        let schema = (<CreateTag as Operation>::SPEC.types.input)();
        assert_eq!(schema["properties"]["name"]["pattern"], non_blank()["pattern"]);
        assert_eq!(
            schema["properties"]["color"]["anyOf"][0]["pattern"],
            json!(TAG_COLOR_PATTERN)
        );
        let long = json!({"name": "a".repeat(257)}).to_string();
        let longest = json!({"name": "é".repeat(256), "description": "d".repeat(1024)}).to_string();
        let too_long = json!({"name": "x", "description": "d".repeat(1025)}).to_string();
        let cases: &[(&str, bool)] = &[
            (r##"{"name": "vip", "description": "d", "color": "#ff6900"}"##, true),
            (r#"{"name": "vip", "description": null, "color": null}"#, true),
            (&longest, true),
            (r#"{"name": null}"#, false),
            (r#"{}"#, false),
            (&long, false),
            (&too_long, false),
            (r##"{"name": "vip", "colour": "#ff6900"}"##, false),
            (r#"{"name": "vip", "description": 5}"#, false),
            (r#"{"name": "vip", "color": 16737536}"#, false),
        ];
        for (body, ok) in cases {
            let accepted = crate::ops::fields::decode::<CreateTag>(body.as_bytes()).and_then(|c| c.validate());
            assert_eq!(accepted.is_ok(), *ok, "connector on {body}: {accepted:?}");
            let v: Value = serde_json::from_str(body).unwrap();
            assert_eq!(check_schema(&v, &schema, "$").is_ok(), *ok, "schema on {body}");
        }
    }

    #[test]
    fn delete_tag_sends_a_bare_delete_and_takes_any_2xx() {
        for (status, body) in [(204, ""), (200, "{}")] {
            let mut t = Scripted::new(vec![Scripted::json(status, body)]);
            assert!(
                Operation::run(DeleteTag { tag_id: 12 }, &mut client(&mut t, "delete-tag"))
                    .unwrap()
                    .success
            );
            assert_eq!(t.lines(), vec!["DELETE /api/tags/12"]);
            assert_eq!(t.bodies(), vec![None]);
        }
        let mut t = Scripted::new(vec![Scripted::json(404, r#"{"error":{"msg":"Resource not found."}}"#)]);
        let e = Operation::run(DeleteTag { tag_id: 7 }, &mut client(&mut t, "delete-tag")).unwrap_err();
        assert_eq!(e.code(), "not-found");
        let mut t = Scripted::default();
        let e = Operation::run(DeleteTag { tag_id: 0 }, &mut client(&mut t, "delete-tag")).unwrap_err();
        assert_eq!(field(e), "tagId");
        assert!(t.sent.is_empty());
        let spec = <DeleteTag as Operation>::SPEC;
        assert_eq!((spec.access, spec.destructive()), (Access::All, true));
        let spec = <CreateTag as Operation>::SPEC;
        assert_eq!(
            (spec.access, spec.destructive(), spec.idempotent),
            (Access::Write, false, false)
        );
    }
}
