//! The typed exports (`gorgias:connector` `tickets`, `customers`,
//! `directory`): the WIT records into the operations' inputs and their
//! outputs back, over a client with the operator's configuration.

use super::Component;
use super::bindings::exports::gorgias::connector::{customers, directory, tickets, types as wit};
use super::handler::load_config;
use super::transport::WasiTransport;
use crate::error::{self as core_error, Error};
use crate::gorgias::client::Client;
use crate::gorgias::endpoint::Connection;
use crate::ops::wire;
use crate::ops::{self, Operation};

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

/// Runs operation `input` (its type says which: name, read-only gate) with a
/// client for `conn`, using the operator's base URL and retry budget.
fn with_client<O: Operation>(conn: wit::Connection, input: O) -> Result<O::Output, wit::Error> {
    let name = O::SPEC.name;
    let config = load_config().map_err(|e| wit::Error::from(e.in_operation(name)))?;
    // Read-only mode: mutations fail with `configuration` before anything is sent.
    O::SPEC.check_allowed(config.read_only)?;
    let mut transport = WasiTransport::new(config.timeouts);
    let conn = match conn {
        wit::Connection::ApiKey(c) => Connection::api_key(c.account, c.email, c.api_key),
        wit::Connection::AccessToken(c) => Connection::access_token(c.account, c.token),
    };
    let mut client =
        Client::new(&mut transport, &conn, config.base_url.as_ref(), config.retry, name)?.redacting(config.secrets());
    Ok(input.run(&mut client)?)
}

fn ticket(t: wire::Ticket) -> wit::Ticket {
    wit::Ticket {
        id: t.id,
        subject: t.subject,
        status: t.status,
        channel: t.channel,
        priority: t.priority,
        customer_id: t.customer_id,
        assignee_user_id: t.assignee_user_id,
        assignee_team_id: t.assignee_team_id,
        tags: t
            .tags
            .into_iter()
            .map(|g| wit::TicketTag { id: g.id, name: g.name })
            .collect(),
        created_datetime: t.created_datetime,
        updated_datetime: t.updated_datetime,
    }
}

fn message(m: wire::Message) -> wit::Message {
    wit::Message {
        id: m.id,
        ticket_id: m.ticket_id,
        channel: m.channel,
        via: m.via,
        from_agent: m.from_agent,
        public: m.public,
        body_text: m.body_text,
        body_html: m.body_html,
        sender_id: m.sender_id,
        sender_type: m.sender_type,
        created_datetime: m.created_datetime,
        attachments: m
            .attachments
            .into_iter()
            .map(|a| wit::Attachment {
                url: a.url,
                name: a.name,
                content_type: a.content_type,
                size: a.size,
                public: a.public,
            })
            .collect(),
    }
}

impl tickets::Guest for Component {
    fn get_ticket(conn: wit::Connection, ticket_id: u64) -> Result<wit::Ticket, wit::Error> {
        with_client(conn, ops::tickets::GetTicket { ticket_id }).map(|a| ticket(a.ticket))
    }

    fn search_tickets(conn: wit::Connection, r: wit::SearchTicketsRequest) -> Result<wit::TicketPage, wit::Error> {
        let s = ops::tickets::SearchTickets {
            customer_id: r.customer_id,
            view_id: r.view_id,
            external_id: r.external_id,
            order_by: r.order_by,
            limit: r.limit,
            cursor: r.cursor,
        };
        let p = with_client(conn, s)?;
        Ok(wit::TicketPage {
            tickets: p.tickets.into_iter().map(ticket).collect(),
            next_cursor: p.next_cursor,
        })
    }

    fn create_ticket(conn: wit::Connection, r: wit::CreateTicketRequest) -> Result<wit::CreatedTicket, wit::Error> {
        let op = ops::tickets::CreateTicket {
            channel: r.channel,
            customer_id: r.customer_id,
            from_agent: r.from_agent,
            subject: r.subject,
            body_text: r.body_text,
            body_html: r.body_html,
            sender_user_id: r.sender_user_id,
            status: r.status,
            from_email: r.from_email,
            from_name: r.from_name,
            to_email: r.to_email,
            to_name: r.to_name,
        };
        let t = with_client(conn, op)?;
        Ok(wit::CreatedTicket {
            ticket_id: t.ticket_id,
            status: t.status,
            channel: t.channel,
            created_datetime: t.created_datetime,
        })
    }

    fn update_ticket(
        conn: wit::Connection,
        ticket_id: u64,
        r: wit::UpdateTicketRequest,
    ) -> Result<wit::UpdatedTicket, wit::Error> {
        let op = ops::tickets::UpdateTicket {
            ticket_id,
            status: r.status,
            priority: r.priority,
            // The 0.1 WIT record cannot say "unassign": `none` leaves the assignee.
            assignee_user_id: r.assignee_user_id.map(Some),
            assignee_team_id: r.assignee_team_id.map(Some),
            subject: r.subject,
        };
        let t = with_client(conn, op)?;
        Ok(wit::UpdatedTicket {
            ticket_id: t.ticket_id,
            status: t.status,
            priority: t.priority,
            assignee_user_id: t.assignee_user_id,
            assignee_team_id: t.assignee_team_id,
            updated_datetime: t.updated_datetime,
        })
    }

    fn reply_to_ticket(conn: wit::Connection, ticket_id: u64, r: wit::ReplyRequest) -> Result<wit::Reply, wit::Error> {
        let op = ops::messages::ReplyToTicket {
            ticket_id,
            channel: r.channel,
            sender_user_id: r.sender_user_id,
            body_text: r.body_text,
            body_html: r.body_html,
            receiver_customer_id: r.receiver_customer_id,
            from_email: r.from_email,
            from_name: r.from_name,
            to_email: r.to_email,
            to_name: r.to_name,
        };
        let m = with_client(conn, op)?;
        Ok(wit::Reply {
            message_id: m.message_id,
            ticket_id: m.ticket_id,
            channel: m.channel,
            public: m.public,
            created_datetime: m.created_datetime,
        })
    }

    fn add_internal_note(conn: wit::Connection, ticket_id: u64, r: wit::NoteRequest) -> Result<wit::Note, wit::Error> {
        let op = ops::messages::AddInternalNote {
            ticket_id,
            sender_user_id: r.sender_user_id,
            body_text: r.body_text,
            body_html: r.body_html,
        };
        let n = with_client(conn, op)?;
        Ok(wit::Note {
            message_id: n.message_id,
            ticket_id: n.ticket_id,
            created_datetime: n.created_datetime,
        })
    }

    fn get_ticket_messages(
        conn: wit::Connection,
        ticket_id: u64,
        r: wit::PageRequest,
    ) -> Result<wit::MessagePage, wit::Error> {
        let op = ops::messages::GetTicketMessages {
            ticket_id,
            limit: r.limit,
            cursor: r.cursor,
            // Oldest first; `order-by` is not in the 0.1 WIT record (route/MCP only).
            order_by: None,
        };
        let p = with_client(conn, op)?;
        Ok(wit::MessagePage {
            messages: p.messages.into_iter().map(message).collect(),
            next_cursor: p.next_cursor,
        })
    }

    fn list_ticket_tags(conn: wit::Connection, ticket_id: u64) -> Result<Vec<wit::Tag>, wit::Error> {
        let tags = with_client(conn, ops::tags::ListTicketTags { ticket_id })?.tags;
        Ok(tags.into_iter().map(tag).collect())
    }

    fn add_ticket_tags(conn: wit::Connection, ticket_id: u64, r: wit::AddTagsRequest) -> Result<bool, wit::Error> {
        let op = ops::tags::AddTicketTags {
            ticket_id,
            tag_names: r.tag_names,
            tag_ids: r.tag_ids,
        };
        with_client(conn, op).map(|s| s.success)
    }

    fn remove_ticket_tags(conn: wit::Connection, ticket_id: u64, r: wit::AddTagsRequest) -> Result<bool, wit::Error> {
        let op = ops::tags::RemoveTicketTags {
            ticket_id,
            tag_names: r.tag_names,
            tag_ids: r.tag_ids,
        };
        with_client(conn, op).map(|s| s.success)
    }

    fn set_ticket_tags(conn: wit::Connection, ticket_id: u64, r: wit::AddTagsRequest) -> Result<bool, wit::Error> {
        let op = ops::tags::SetTicketTags {
            ticket_id,
            tag_names: r.tag_names,
            tag_ids: r.tag_ids,
        };
        with_client(conn, op).map(|s| s.success)
    }
}

fn tag(t: wire::Tag) -> wit::Tag {
    wit::Tag {
        id: t.id,
        name: t.name,
        description: t.description,
        color: t.color,
    }
}

fn customer(c: wire::Customer) -> wit::Customer {
    wit::Customer {
        id: c.id,
        name: c.name,
        firstname: c.firstname,
        lastname: c.lastname,
        email: c.email,
        external_id: c.external_id,
        created_datetime: c.created_datetime,
    }
}

impl directory::Guest for Component {
    fn list_tags(conn: wit::Connection, r: wit::ListRequest) -> Result<wit::TagPage, wit::Error> {
        let op = ops::tags::ListTags {
            search: r.search,
            limit: r.limit,
            cursor: r.cursor,
        };
        let p = with_client(conn, op)?;
        Ok(wit::TagPage {
            tags: p.tags.into_iter().map(tag).collect(),
            next_cursor: p.next_cursor,
        })
    }

    fn list_views(conn: wit::Connection, r: wit::PageRequest) -> Result<wit::ViewPage, wit::Error> {
        let op = ops::views::ListViews {
            limit: r.limit,
            cursor: r.cursor,
        };
        let p = with_client(conn, op)?;
        Ok(wit::ViewPage {
            views: p
                .views
                .into_iter()
                .map(|v| wit::View {
                    id: v.id,
                    name: v.name,
                    category: v.category,
                    visibility: v.visibility,
                    slug: v.slug,
                    deactivated_datetime: v.deactivated_datetime,
                })
                .collect(),
            next_cursor: p.next_cursor,
        })
    }

    fn list_users(conn: wit::Connection, r: wit::ListRequest) -> Result<wit::UserPage, wit::Error> {
        let op = ops::users::ListUsers {
            search: r.search,
            limit: r.limit,
            cursor: r.cursor,
        };
        let p = with_client(conn, op)?;
        Ok(wit::UserPage {
            users: p
                .users
                .into_iter()
                .map(|u| wit::User {
                    id: u.id,
                    name: u.name,
                    firstname: u.firstname,
                    lastname: u.lastname,
                    email: u.email,
                    role: u.role,
                })
                .collect(),
            next_cursor: p.next_cursor,
        })
    }

    fn list_teams(conn: wit::Connection, r: wit::PageRequest) -> Result<wit::TeamPage, wit::Error> {
        let op = ops::teams::ListTeams {
            limit: r.limit,
            cursor: r.cursor,
        };
        let p = with_client(conn, op)?;
        Ok(wit::TeamPage {
            teams: p
                .teams
                .into_iter()
                .map(|t| wit::Team {
                    id: t.id,
                    name: t.name,
                    description: t.description,
                })
                .collect(),
            next_cursor: p.next_cursor,
        })
    }
}

impl customers::Guest for Component {
    fn find_customer_by_email(conn: wit::Connection, email: String) -> Result<Vec<wit::Customer>, wit::Error> {
        let list = with_client(conn, ops::customers::FindCustomerByEmail { email })?.customers;
        Ok(list.into_iter().map(customer).collect())
    }

    fn get_customer(conn: wit::Connection, customer_id: u64) -> Result<wit::Customer, wit::Error> {
        with_client(conn, ops::customers::GetCustomer { customer_id }).map(|a| customer(a.customer))
    }
}
