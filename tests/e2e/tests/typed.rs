//! The typed WIT exports end to end: wasmtime bindings → component → fake Gorgias.
mod support;

use support::config_for;
use support::fake_gorgias::{self, FakeGorgias, Scripted};
use support::host::{Host, wit};

fn creds() -> wit::ApiKeyCredentials {
    wit::ApiKeyCredentials {
        account: fake_gorgias::ACCOUNT.into(),
        email: fake_gorgias::EMAIL.into(),
        api_key: fake_gorgias::API_KEY.into(),
    }
}

fn conn() -> wit::Connection {
    wit::Connection::ApiKey(creds())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reads_through_typed_exports() {
    let fake = FakeGorgias::start().await;
    let cfg = config_for(&fake);
    let host = Host::shared();

    let (t, _) = host
        .typed(&cfg, async |c, s| {
            c.gorgias_connector_tickets()
                .call_get_ticket(s, &conn(), wit::GetTicketRequest { ticket_id: 12345 })
                .await
        })
        .await;
    let t = t.unwrap().ticket;
    assert_eq!(
        (t.id, t.customer_id, t.assignee_user_id, t.assignee_team_id),
        (12345, Some(98765), Some(4567), Some(77))
    );
    assert_eq!(t.subject.as_deref(), Some("Order hasn't shipped yet"));
    assert_eq!(
        t.tags.iter().map(|g| (g.id, g.name.as_str())).collect::<Vec<_>>(),
        vec![(13, "shipping")]
    );

    let req = wit::SearchTicketsRequest {
        customer_id: Some(98765),
        view_id: None,
        external_id: None,
        order_by: Some("updated_datetime:desc".into()),
        limit: Some(1),
        cursor: None,
    };
    let (p, _) = host
        .typed(&cfg, async |c, s| {
            c.gorgias_connector_tickets()
                .call_search_tickets(s, &conn(), &req)
                .await
        })
        .await;
    let p = p.unwrap();
    assert_eq!(p.tickets.len(), 1);
    assert_eq!(p.next_cursor.as_deref(), Some("cur-1"));

    let page = wit::GetTicketMessagesRequest {
        ticket_id: 12345,
        limit: Some(1),
        cursor: None,
        order_by: None,
    };
    let (m, _) = host
        .typed(&cfg, async |c, s| {
            c.gorgias_connector_tickets()
                .call_get_ticket_messages(s, &conn(), &page)
                .await
        })
        .await;
    let m = m.unwrap();
    assert_eq!(
        (
            m.messages[0].id,
            m.messages[0].public,
            m.messages[0].sender_type.as_deref()
        ),
        (5001, true, Some("customer"))
    );
    assert_eq!(m.next_cursor.as_deref(), Some("cur-1"));

    let (tags, _) = host
        .typed(&cfg, async |c, s| {
            c.gorgias_connector_tickets()
                .call_list_ticket_tags(s, &conn(), wit::ListTicketTagsRequest { ticket_id: 12345 })
                .await
        })
        .await;
    let tags = tags.unwrap().tags;
    assert_eq!(
        (tags[0].name.as_str(), tags[0].color.as_deref()),
        ("shipping", Some("#0693e3"))
    );

    let (cs, _) = host
        .typed(&cfg, async |c, s| {
            c.gorgias_connector_customers()
                .call_find_customer_by_email(
                    s,
                    &conn(),
                    &wit::FindCustomerByEmailRequest {
                        email: "customer@example.com".into(),
                    },
                )
                .await
        })
        .await;
    let cs = cs.unwrap().customers;
    assert_eq!((cs[0].id, cs[0].external_id.as_deref()), (98765, Some("shopify-98765")));

    assert_eq!(
        fake.lines(),
        vec![
            "GET /api/tickets/12345",
            "GET /api/tickets?customer_id=98765&order_by=updated_datetime%3Adesc&limit=1&trashed=false",
            "GET /api/messages?ticket_id=12345&order_by=created_datetime%3Aasc&limit=1",
            "GET /api/tickets/12345/tags",
            "GET /api/customers?email=customer%40example.com",
        ]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn writes_through_typed_exports() {
    let fake = FakeGorgias::start().await;
    let cfg = config_for(&fake);
    let host = Host::shared();

    let create = wit::CreateTicketRequest {
        idempotency_key: None,
        channel: "chat".into(),
        customer_id: 98765,
        from_agent: true,
        subject: Some("Follow-up".into()),
        body_text: Some("We shipped it.".into()),
        body_html: None,
        sender_user_id: Some(4567),
        status: Some("closed".into()),
        from_email: None,
        from_name: None,
        to_email: None,
        to_name: None,
        external_id: None,
    };
    let (t, _) = host
        .typed(&cfg, async |c, s| {
            c.gorgias_connector_tickets()
                .call_create_ticket(s, &conn(), &create)
                .await
        })
        .await;
    let t = t.unwrap();
    assert_eq!((t.status.as_str(), t.channel.as_str()), ("closed", "chat"));
    let body = fake.requests()[0].body.clone().unwrap();
    assert_eq!(body["messages"][0]["sender"], serde_json::json!({"id": 4567}));
    assert_eq!(body["messages"][0]["receiver"], serde_json::json!({"id": 98765}));

    let update = wit::UpdateTicketRequest {
        ticket_id: 12345,
        status: None,
        priority: Some("low".into()),
        assignee_user_id: wit::Assignment::Keep,
        assignee_team_id: wit::Assignment::Assign(78),
        subject: None,
    };
    let (u, _) = host
        .typed(&cfg, async |c, s| {
            c.gorgias_connector_tickets()
                .call_update_ticket(s, &conn(), &update)
                .await
        })
        .await;
    let u = u.unwrap();
    assert_eq!(
        (u.ticket_id, u.priority.as_deref(), u.assignee_team_id),
        (12345, Some("low"), Some(78))
    );

    let reply = wit::ReplyToTicketRequest {
        idempotency_key: None,
        ticket_id: 12345,
        channel: "email".into(),
        sender_user_id: 4567,
        body_text: None,
        body_html: Some("<p>Reshipped.</p>".into()),
        receiver_customer_id: None,
        from_email: Some("support@yourstore.com".into()),
        from_name: Some("Support".into()),
        to_email: Some("customer@example.com".into()),
        to_name: Some("Jane Doe".into()),
    };
    let (r, _) = host
        .typed(&cfg, async |c, s| {
            c.gorgias_connector_tickets()
                .call_reply_to_ticket(s, &conn(), &reply)
                .await
        })
        .await;
    let r = r.unwrap();
    assert_eq!((r.ticket_id, r.public, r.channel.as_str()), (12345, true, "email"));
    assert_eq!(
        fake.requests()[2].body.clone().unwrap()["source"],
        serde_json::json!({"type": "email", "from": {"address": "support@yourstore.com", "name": "Support"},
                           "to": [{"address": "customer@example.com", "name": "Jane Doe"}]})
    );

    let note = wit::AddInternalNoteRequest {
        idempotency_key: None,
        ticket_id: 12345,
        sender_user_id: 4567,
        body_text: Some("VIP".into()),
        body_html: None,
    };
    let (n, _) = host
        .typed(&cfg, async |c, s| {
            c.gorgias_connector_tickets()
                .call_add_internal_note(s, &conn(), &note)
                .await
        })
        .await;
    assert_eq!(n.unwrap().ticket_id, 12345);

    let tags = wit::AddTicketTagsRequest {
        ticket_id: 12347,
        tag_names: vec!["vip".into(), "Escalated".into()],
        tag_ids: vec![],
    };
    let (ok, _) = host
        .typed(&cfg, async |c, s| {
            c.gorgias_connector_tickets()
                .call_add_ticket_tags(s, &conn(), &tags)
                .await
        })
        .await;
    assert!(ok.unwrap().success);
    assert_eq!(fake.ticket_tag_names(12347), vec!["vip", "Escalated"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn typed_errors_are_variant_cases() {
    let fake = FakeGorgias::start().await;
    let cfg = config_for(&fake);
    let host = Host::shared();

    let (e, _) = host
        .typed(&cfg, async |c, s| {
            c.gorgias_connector_tickets()
                .call_get_ticket(s, &conn(), wit::GetTicketRequest { ticket_id: 0 })
                .await
        })
        .await;
    match e.unwrap_err() {
        wit::Error::InvalidInput(f) => assert_eq!(f.field, "ticketId"),
        other => panic!("{other:?}"),
    }
    let bad = wit::Connection::ApiKey(wit::ApiKeyCredentials {
        account: "evil.com/x".into(),
        ..creds()
    });
    let (e, _) = host
        .typed(&cfg, async |c, s| {
            c.gorgias_connector_tickets()
                .call_get_ticket(s, &bad, wit::GetTicketRequest { ticket_id: 1 })
                .await
        })
        .await;
    assert!(matches!(e.unwrap_err(), wit::Error::InvalidInput(f) if f.field == "account"));

    let (e, _) = host
        .typed(&cfg, async |c, s| {
            c.gorgias_connector_tickets()
                .call_get_ticket(s, &conn(), wit::GetTicketRequest { ticket_id: 999 })
                .await
        })
        .await;
    match e.unwrap_err() {
        wit::Error::NotFound(a) => {
            assert_eq!(a.status, 404);
            assert_eq!(a.message, "get-ticket: gorgias answered 404: Resource not found.");
        }
        other => panic!("{other:?}"),
    }

    fake.script(Scripted::new("GET", "/api/tickets/12345/tags", 429, "").header("Retry-after", "45"));
    let (e, _) = host
        .typed(&cfg, async |c, s| {
            c.gorgias_connector_tickets()
                .call_list_ticket_tags(s, &conn(), wit::ListTicketTagsRequest { ticket_id: 12345 })
                .await
        })
        .await;
    match e.unwrap_err() {
        wit::Error::RateLimited(r) => assert_eq!(r.retry_after_seconds, 45),
        other => panic!("{other:?}"),
    }

    let wrong = wit::Connection::ApiKey(wit::ApiKeyCredentials {
        api_key: "nope".into(),
        ..creds()
    });
    let (e, _) = host
        .typed(&cfg, async |c, s| {
            c.gorgias_connector_tickets()
                .call_get_ticket(s, &wrong, wit::GetTicketRequest { ticket_id: 12345 })
                .await
        })
        .await;
    assert!(matches!(e.unwrap_err(), wit::Error::Unauthorized(a) if a.status == 401 && !a.retryable));

    let empty = wit::UpdateTicketRequest {
        ticket_id: 12345,
        status: None,
        priority: None,
        assignee_user_id: wit::Assignment::Keep,
        assignee_team_id: wit::Assignment::Keep,
        subject: None,
    };
    let (e, _) = host
        .typed(&cfg, async |c, s| {
            c.gorgias_connector_tickets()
                .call_update_ticket(s, &conn(), &empty)
                .await
        })
        .await;
    assert!(matches!(e.unwrap_err(), wit::Error::InvalidInput(_)));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn typed_access_token_connection_is_sent_as_bearer() {
    let fake = FakeGorgias::start().await;
    let cfg = config_for(&fake);
    let oauth = |token: &str| {
        wit::Connection::AccessToken(wit::AccessTokenCredentials {
            account: fake_gorgias::ACCOUNT.into(),
            token: token.into(),
        })
    };
    let c = oauth(fake_gorgias::ACCESS_TOKEN);
    let (t, _) = Host::shared()
        .typed(&cfg, async |x, s| {
            x.gorgias_connector_tickets()
                .call_get_ticket(s, &c, wit::GetTicketRequest { ticket_id: 12345 })
                .await
        })
        .await;
    assert_eq!(t.unwrap().ticket.id, 12345);
    let bearer = format!("Bearer {}", fake_gorgias::ACCESS_TOKEN);
    assert_eq!(fake.requests()[0].header("authorization"), Some(bearer.as_str()));

    let wrong = oauth("wrong-token");
    let (e, _) = Host::shared()
        .typed(&cfg, async |x, s| {
            x.gorgias_connector_tickets()
                .call_get_ticket(s, &wrong, wit::GetTicketRequest { ticket_id: 12345 })
                .await
        })
        .await;
    assert!(matches!(e.unwrap_err(), wit::Error::Unauthorized(a) if a.status == 401 && !a.retryable));
    let spaced = oauth("two words");
    let (e, _) = Host::shared()
        .typed(&cfg, async |x, s| {
            x.gorgias_connector_tickets()
                .call_get_ticket(s, &spaced, wit::GetTicketRequest { ticket_id: 12345 })
                .await
        })
        .await;
    assert!(matches!(e.unwrap_err(), wit::Error::InvalidInput(f) if f.field == "accessToken"));
    assert_eq!(fake.requests().len(), 2, "the spaced token was never sent");
}

/// What 0.2 could not say: unassigning (`null` in the route body) and the
/// message order; the same route code runs, so the same requests go out.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn typed_calls_reach_every_input_of_the_route() {
    let fake = FakeGorgias::start().await;
    let cfg = config_for(&fake);
    let host = Host::shared();

    let unassign = wit::UpdateTicketRequest {
        ticket_id: 12345,
        status: None,
        priority: None,
        assignee_user_id: wit::Assignment::Unassign,
        assignee_team_id: wit::Assignment::Keep,
        subject: None,
    };
    let (u, _) = host
        .typed(&cfg, async |c, s| {
            c.gorgias_connector_tickets()
                .call_update_ticket(s, &conn(), &unassign)
                .await
        })
        .await;
    assert_eq!(u.unwrap().ticket_id, 12345);
    assert_eq!(fake.lines(), ["PUT /api/tickets/12345"]);
    assert_eq!(
        fake.requests()[0].body.clone().unwrap(),
        serde_json::json!({"assignee_user": null}),
        "unassign is null; keep leaves the team out"
    );

    fake.clear_log();
    let newest = wit::GetTicketMessagesRequest {
        ticket_id: 12345,
        limit: None,
        cursor: None,
        order_by: Some("created_datetime:desc".into()),
    };
    let (m, _) = host
        .typed(&cfg, async |c, s| {
            c.gorgias_connector_tickets()
                .call_get_ticket_messages(s, &conn(), &newest)
                .await
        })
        .await;
    assert!(!m.unwrap().messages.is_empty());
    assert_eq!(
        fake.lines(),
        ["GET /api/messages?ticket_id=12345&order_by=created_datetime%3Adesc"]
    );

    // The route's validation, naming the route's field.
    let sideways = wit::GetTicketMessagesRequest {
        order_by: Some("updated_datetime:asc".into()),
        ..newest
    };
    let (e, _) = host
        .typed(&cfg, async |c, s| {
            c.gorgias_connector_tickets()
                .call_get_ticket_messages(s, &conn(), &sideways)
                .await
        })
        .await;
    assert!(matches!(e.unwrap_err(), wit::Error::InvalidInput(f) if f.field == "orderBy"));
    let zero = wit::UpdateTicketRequest {
        assignee_user_id: wit::Assignment::Assign(0),
        ..unassign
    };
    let (e, _) = host
        .typed(&cfg, async |c, s| {
            c.gorgias_connector_tickets()
                .call_update_ticket(s, &conn(), &zero)
                .await
        })
        .await;
    assert!(matches!(e.unwrap_err(), wit::Error::InvalidInput(f) if f.field == "assigneeUserId"));
    assert_eq!(fake.lines().len(), 1, "nothing more was sent");
}
