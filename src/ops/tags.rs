//! Tags: the account's tags (list-tags), and a ticket's tags: listing them,
//! adding, removing or replacing them by name or ID. Add, remove and set
//! resolve names through one function ([`resolve_tag_ids`]): add and set
//! create missing names, remove skips them. Each operation is its input
//! type, its [`Operation`] entry, the Gorgias requests it builds and the
//! mapping of the answers.

use crate::error::Error;
use crate::gorgias::client::Client;
use crate::gorgias::request::{ApiRequest, Method};
use crate::ops::fields::Map;
use crate::ops::fields::{check_id, list_query};
use crate::ops::fields::{id as id_field, id_list, list, opt_u32};
use crate::ops::operation::{Operation, types};
use crate::ops::spec::{Access, Spec};
use crate::ops::wire::{ListAnswer, decode};
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
        endpoint: "GET /api/tags?search=, POST /api/tags, PUT /api/tickets/{id}/tags",
        example: r#"{"ticketId": 12345, "tagNames": ["vip", "shipping"]}"#,
        types: types::<Self>(),
    };
    type Output = TagsSet;
    const DESTRUCTIVE: bool = true;
    fn run(self, c: &mut Client<'_>) -> Result<TagsSet, Error> {
        self.validate()?;
        let ids = resolve_tag_ids(c, &self.tag_names, &self.tag_ids, Missing::Create)?;
        c.call(&replace_tags_request(self.ticket_id, &ids), |_| Ok(()))?;
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
    let mut out: Vec<u64> = Vec::new();
    for name in distinct {
        let id = match (find_tag(c, name)?, missing) {
            (Some(id), _) => id,
            (None, Missing::Skip) => continue,
            (None, Missing::Create) => match c.call(&create_tag_request(name), parse_tag) {
                Ok(tag) => tag.id,
                Err(Error::Conflict(_)) => find_tag(c, name)?.ok_or_else(|| {
                    Error::Conflict(crate::error::ApiError {
                        status: 409,
                        message: format!("{}: tag {name:?} exists but could not be found by search", c.operation),
                        field_errors: vec![],
                        retryable: true,
                    })
                })?,
                Err(e) => return Err(e),
            },
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

/// `PUT /api/tickets/{id}/tags {"ids": […]}` (replaces the whole set;
/// `{"ids": []}` clears it).
pub fn replace_tags_request(ticket_id: u64, ids: &[u64]) -> ApiRequest {
    ApiRequest::with_body(Method::Put, format!("/api/tickets/{ticket_id}/tags"), ids_body(ids))
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
fn find_tag(c: &mut Client<'_>, name: &str) -> Result<Option<u64>, Error> {
    let mut cursor: Option<String> = None;
    for _ in 0..MAX_TAG_PAGES {
        let page = c.call(&search_tags_request(name, cursor.as_deref()), parse_tag_page)?;
        if let Some(t) = page.tags.iter().find(|t| t.name == name) {
            return Ok(Some(t.id));
        }
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => return Ok(None),
        }
    }
    Ok(None)
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
        assert_eq!(t.lines(), vec!["PUT /api/tickets/7/tags"]);
        assert_eq!(t.bodies()[0], Some(json!({"ids": []})));
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
}
