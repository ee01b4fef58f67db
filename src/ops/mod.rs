//! The operations, each declared once. An operation is a type in the file
//! of its resource ([`tickets`], [`messages`], [`tags`], [`customers`],
//! [`views`], [`users`], [`teams`]): its input (the route body and MCP
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

pub mod customers;
pub mod fields;
pub mod messages;
pub mod spec;
pub mod tags;
pub mod teams;
pub mod tickets;
pub mod users;
pub mod views;
pub mod wire;

use crate::error::Error;
use crate::gorgias::client::Client;
use schemars::JsonSchema;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
pub use spec::Spec;
use spec::Types;

/// A JSON object.
pub(crate) type Map = serde_json::Map<String, Value>;

/// One operation: its input type is the route's body (and the MCP tool's
/// arguments), [`Operation::SPEC`] its name, description, annotations and
/// kind, [`Operation::run`] the Gorgias requests it sends and the mapping of
/// the answers into [`Operation::Output`] (the route's 200 body).
pub trait Operation: DeserializeOwned + JsonSchema {
    /// The operation's entry; its `types` are [`types::<Self>()`](types).
    const SPEC: &'static Spec;
    /// What it returns (the spec's Returns, with the spec's key names).
    type Output: Serialize + JsonSchema;
    /// Whether it can destroy data a caller did not name (MCP
    /// `destructiveHint`): true for set-ticket-tags, which replaces the set.
    const DESTRUCTIVE: bool = false;
    /// Runs it over `client`.
    fn run(self, client: &mut Client<'_>) -> Result<Self::Output, Error>;
}

/// What the compiler derives from operation `O`'s types: its schemas, its
/// parameter names, whether it is destructive, and the function that runs it
/// on a route body. Every `SPEC` holds it as `types: types::<Self>()`.
pub const fn types<O: Operation>() -> Types {
    Types::of::<O, O::Output>(run_body::<O>, O::DESTRUCTIVE)
}

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
);

/// The operation named `name`, if any.
pub fn find(name: &str) -> Option<&'static Spec> {
    OPERATIONS.iter().copied().find(|o| o.name == name)
}

/// Runs operation `O` on a route body: strict decoding, the run, the answer
/// as the bytes of the route's `200` body, serialized straight from the
/// output type (no `Value` tree in between: on a 100-ticket page that tree
/// and its `Display` were ~7% of the guest's time, BENCHMARKS.md). Keys come
/// in the output type's order, which is the spec's. MCP parses these bytes
/// for its `structuredContent`, so every surface renders through one path.
pub fn run_body<O: Operation>(body: &[u8], client: &mut Client<'_>) -> Result<Vec<u8>, Error> {
    let input: O = fields::decode(body)?;
    let out = input.run(client)?;
    // The records hold only strings, integers, booleans and lists of them:
    // serialising them cannot fail.
    Ok(serde_json::to_vec(&out).unwrap_or_else(|_| b"null".to_vec()))
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
