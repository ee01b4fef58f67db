//! The operations, each declared once. An operation is a type in the file
//! of its resource ([`tickets`], [`messages`], [`tags`], [`customers`],
//! [`views`], [`users`], [`teams`], [`custom_fields`], [`surveys`],
//! [`events`], [`integrations`], [`account`], [`macros`]): its input (the route body and MCP
//! arguments, strict serde), its [`Spec`] (name, description, annotations,
//! endpoint, example), the Gorgias requests it builds, the private wire types
//! of Gorgias's answers, the mapping into its output, and its unit tests.
//!
//! [`OPERATIONS`] is the registry: one line per operation type. Every
//! surface (routes, listing, MCP tools, OpenAPI paths, the access gate, the
//! typed exports' plumbing) reads it, and reaches an operation's code through
//! its [`Spec`] ([`Spec::run`]): a name is looked up once.
//!
//! `validate` and `*_request` functions are pure; `run` functions only call
//! [`Client::call`], so every flow is testable with a scripted transport.

pub mod account;
pub mod custom_fields;
pub mod customers;
pub mod events;
pub mod fields;
pub mod integrations;
pub mod macros;
pub mod messages;
pub mod operation;
pub mod spec;
pub mod surveys;
pub mod tags;
pub mod teams;
pub mod tickets;
pub mod users;
pub mod views;
pub mod wire;
pub mod write;

pub use operation::Operation;
pub use spec::{Access, Spec};

/// Declares [`OPERATIONS`] from the operation types (and, for the unit
/// tests, a check that each `SPEC` holds its own type's `types`).
macro_rules! registry {
    ($($op:ty),+ $(,)?) => {
        /// The registry: every operation's entry, in the order the surfaces
        /// list them (the seed's ten first, then the companions).
        pub const OPERATIONS: &[&Spec] = &[$(<$op as Operation>::SPEC),+];

        /// For each operation: its name, and whether its `SPEC` derives its
        /// schemas from its own input and output types.
        #[cfg(test)]
        fn own_types() -> Vec<(&'static str, bool)> {
            vec![$((
                <$op as Operation>::SPEC.name,
                (<$op as Operation>::SPEC.types.input)() == crate::schema::input_schema::<$op>()
                    && (<$op as Operation>::SPEC.types.output)()
                        == crate::schema::output_schema::<<$op as Operation>::Output>(),
            )),+]
        }
    };
}

registry!(
    tickets::GetTicket,
    tickets::SearchTickets,
    tickets::CreateTicket,
    tickets::UpdateTicket,
    messages::ReplyToTicket,
    messages::AddInternalNote,
    messages::GetTicketMessages,
    tags::ListTicketTags,
    tags::AddTicketTags,
    customers::FindCustomerByEmail,
    tags::RemoveTicketTags,
    tags::SetTicketTags,
    tags::ListTags,
    views::ListViews,
    users::ListUsers,
    teams::ListTeams,
    customers::GetCustomer,
    users::GetUser,
    custom_fields::ListCustomFields,
    custom_fields::ListTicketCustomFields,
    custom_fields::SetTicketCustomFields,
    surveys::ListSatisfactionSurveys,
    surveys::CreateSatisfactionSurvey,
    events::ListEvents,
    integrations::CreateWebhook,
    integrations::ListWebhooks,
    integrations::DeleteWebhook,
    integrations::ListIntegrations,
    account::GetAccount,
    // ---- issue 21: customers, macros and jobs
    customers::CreateCustomer,
    customers::UpdateCustomer,
    customers::ListCustomers,
    macros::ListMacros,
    macros::GetMacro,
    macros::ApplyMacro,
    macros::GetJob,
    // ---- issue 21: tickets and tags
    messages::GetMessage,
    tickets::DeleteTicket,
    tags::CreateTag,
    tags::DeleteTag,
);

/// The operation named `name`, if any.
pub fn find(name: &str) -> Option<&'static Spec> {
    OPERATIONS.iter().copied().find(|o| o.name == name)
}

/// The operations a connector at tier `access` offers.
pub fn available(access: Access) -> impl Iterator<Item = &'static Spec> {
    OPERATIONS.iter().copied().filter(move |o| o.allowed(access))
}

/// What `src/ops/schemas.json` must hold: for every operation of the
/// registry, in order, its schemas as the types generate them now; compact
/// JSON, one operation per line.
#[cfg(not(target_family = "wasm"))]
pub fn generate_schemas_file() -> String {
    let lines: Vec<String> = OPERATIONS
        .iter()
        .map(|o| {
            let mut m = serde_json::Map::new();
            let input = (o.types.input)();
            // Whether `{}` is refused (a required parameter, or a rule such
            // as "email or name"): OpenAPI's `requestBody.required`.
            let empty = serde_json::Value::Object(serde_json::Map::new());
            let required = crate::schema::check_schema(&empty, &input, "$").is_err();
            m.insert("bodyRequired".into(), required.into());
            m.insert("input".into(), input);
            m.insert("output".into(), (o.types.output)());
            format!("{}:{}", serde_json::Value::from(o.name), serde_json::Value::Object(m))
        })
        .collect();
    format!("{{{}}}\n", lines.join(",\n"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gorgias::testing::field;
    use tags::ListTags;
    use teams::ListTeams;
    use users::ListUsers;
    use views::ListViews;

    #[test]
    fn find_reaches_every_operation_by_its_own_name_and_nothing_else() {
        for spec in OPERATIONS {
            let found = find(spec.name).expect("registered");
            assert_eq!((found.name, found.endpoint), (spec.name, spec.endpoint));
        }
        let mut names: Vec<&str> = OPERATIONS.iter().map(|o| o.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), OPERATIONS.len(), "operation names are unique");
        for unknown in ["", "Get-Ticket", "get-ticket/", "no-such-operation"] {
            assert!(find(unknown).is_none(), "{unknown}");
        }
    }

    /// `types: types::<Self>()` and not another operation's by mistake, and
    /// the embedded schemas it serves are its own types' schemas.
    #[test]
    fn every_spec_holds_the_types_of_its_own_input_and_output() {
        let checked = own_types();
        assert_eq!(checked.len(), OPERATIONS.len());
        for (name, own) in checked {
            assert!(own, "{name}");
            let spec = find(name).expect("registered");
            assert_eq!(spec.input_schema(), (spec.types.input)(), "{name}");
            assert_eq!(spec.output_schema(), (spec.types.output)(), "{name}");
        }
    }

    #[test]
    fn list_operations_build_their_queries() {
        let tags = ListTags {
            search: Some(" vip ".into()),
            limit: Some(50),
            cursor: Some("a/b".into()),
        };
        assert_eq!(
            tags.request().unwrap().path_and_query(),
            "/api/tags?search=vip&limit=50&cursor=a%2Fb"
        );
        assert_eq!(ListTags::default().request().unwrap().path_and_query(), "/api/tags");
        assert_eq!(
            ListUsers {
                search: Some("alex@yourstore.com".into()),
                ..Default::default()
            }
            .request()
            .unwrap()
            .path_and_query(),
            "/api/users?search=alex%40yourstore.com"
        );
        assert_eq!(
            ListViews {
                limit: Some(1),
                cursor: Some("".into())
            }
            .request()
            .unwrap()
            .path_and_query(),
            "/api/views?limit=1"
        );
        assert_eq!(
            ListTeams {
                limit: None,
                cursor: Some("c".into())
            }
            .request()
            .unwrap()
            .path_and_query(),
            "/api/teams?cursor=c"
        );
        assert_eq!(
            field(
                ListTeams {
                    limit: Some(0),
                    cursor: None
                }
                .request()
                .unwrap_err()
            ),
            "limit"
        );
        assert_eq!(
            field(
                ListUsers {
                    search: Some("x".repeat(257)),
                    ..Default::default()
                }
                .request()
                .unwrap_err()
            ),
            "search"
        );
    }
}
