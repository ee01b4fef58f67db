//! The typed exports (`gorgias:connector` `tickets`, `customers`,
//! `directory`), with no per-operation code: each function is one line of
//! [`typed!`], which hands its request record to [`call`]: the operation
//! of the function's name runs exactly as its route does
//! ([`crate::serve::typed::call`]), and the route's answer comes back as the
//! function's answer record. The only conversions written out are the
//! shared ones: the connection and the error variant.

use super::Component;
use super::bindings::exports::gorgias::connector::{customers, directory, tickets, types as wit};
use super::handler::load_config;
use super::transport::WasiTransport;
use crate::error::{self as core_error, Error};
use crate::gorgias::endpoint::Connection;
use crate::ops;
use serde::Serialize;
use serde::de::DeserializeOwned;

fn field_error(f: core_error::FieldError) -> wit::FieldError {
    wit::FieldError {
        field: f.field,
        message: f.message,
    }
}

fn api_error(a: core_error::ApiError) -> wit::ApiError {
    wit::ApiError {
        status: a.status,
        message: a.message,
        field_errors: a.field_errors.into_iter().map(field_error).collect(),
        retryable: a.retryable,
    }
}

impl From<Error> for wit::Error {
    fn from(e: Error) -> Self {
        match e {
            Error::InvalidInput(f) => wit::Error::InvalidInput(field_error(f)),
            Error::Configuration(m) => wit::Error::Configuration(m),
            Error::Unauthorized(a) => wit::Error::Unauthorized(api_error(a)),
            Error::Forbidden(a) => wit::Error::Forbidden(api_error(a)),
            Error::NotFound(a) => wit::Error::NotFound(api_error(a)),
            Error::Conflict(a) => wit::Error::Conflict(api_error(a)),
            Error::RateLimited {
                retry_after_seconds,
                message,
            } => wit::Error::RateLimited(wit::RateLimit {
                retry_after_seconds,
                message,
            }),
            Error::Upstream(a) => wit::Error::Upstream(api_error(a)),
            Error::Transport {
                message,
                request_sent,
                retryable,
            } => wit::Error::Transport(wit::TransportError {
                message,
                request_sent,
                retryable,
            }),
            Error::InvalidResponse {
                status,
                message,
                retryable,
            } => wit::Error::InvalidResponse(wit::ResponseError {
                status,
                message,
                retryable,
            }),
        }
    }
}

fn connection(conn: wit::Connection) -> Connection {
    match conn {
        wit::Connection::ApiKey(c) => Connection::api_key(c.account, c.email, c.api_key),
        wit::Connection::AccessToken(c) => Connection::access_token(c.account, c.token),
    }
}

/// Runs the operation named `function` (the Rust name of the WIT function:
/// `get_ticket` is `get-ticket`) on `request` for `conn`, with the
/// operator's configuration.
fn call<Req: Serialize, Ans: DeserializeOwned>(
    function: &str,
    conn: wit::Connection,
    request: Req,
) -> Result<Ans, wit::Error> {
    let name = function.replace('_', "-");
    let op = ops::find(&name).ok_or_else(|| Error::Configuration(format!("{name}: no such operation")))?;
    let config = load_config().map_err(|e| e.in_operation(op.name))?;
    let mut transport = WasiTransport::new(config.timeouts);
    Ok(crate::serve::typed::call(
        op,
        &request,
        &connection(conn),
        &config,
        &mut transport,
    )?)
}

/// One exported function per line: `name(Request) -> Answer`.
macro_rules! typed {
    ($($f:ident($req:ident) -> $ans:ident;)+) => {$(
        fn $f(conn: wit::Connection, request: wit::$req) -> Result<wit::$ans, wit::Error> {
            call(stringify!($f), conn, request)
        }
    )+};
}

impl tickets::Guest for Component {
    typed! {
        get_ticket(GetTicketRequest) -> GetTicketAnswer;
        search_tickets(SearchTicketsRequest) -> SearchTicketsAnswer;
        create_ticket(CreateTicketRequest) -> CreateTicketAnswer;
        update_ticket(UpdateTicketRequest) -> UpdateTicketAnswer;
        reply_to_ticket(ReplyToTicketRequest) -> ReplyToTicketAnswer;
        add_internal_note(AddInternalNoteRequest) -> AddInternalNoteAnswer;
        get_ticket_messages(GetTicketMessagesRequest) -> GetTicketMessagesAnswer;
        list_ticket_tags(ListTicketTagsRequest) -> ListTicketTagsAnswer;
        add_ticket_tags(AddTicketTagsRequest) -> AddTicketTagsAnswer;
        remove_ticket_tags(RemoveTicketTagsRequest) -> RemoveTicketTagsAnswer;
        set_ticket_tags(SetTicketTagsRequest) -> SetTicketTagsAnswer;
    }
}

impl customers::Guest for Component {
    typed! {
        find_customer_by_email(FindCustomerByEmailRequest) -> FindCustomerByEmailAnswer;
        get_customer(GetCustomerRequest) -> GetCustomerAnswer;
    }
}

impl directory::Guest for Component {
    typed! {
        list_tags(ListTagsRequest) -> ListTagsAnswer;
        list_views(ListViewsRequest) -> ListViewsAnswer;
        list_users(ListUsersRequest) -> ListUsersAnswer;
        list_teams(ListTeamsRequest) -> ListTeamsAnswer;
    }
}
