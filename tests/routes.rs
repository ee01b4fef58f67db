//! The ten HTTP routes, end to end: component under wasmtime → fake Gorgias.
mod support;

use serde_json::json;
use support::host::{Host, post};
use support::{config_for, fake_gorgias::FakeGorgias};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn get_ticket_route_returns_the_flattened_ticket() {
    let fake = FakeGorgias::start().await;
    let (r, _) = Host::shared()
        .http(&config_for(&fake), post("/get-ticket", r#"{"ticketId": 12345}"#))
        .await;
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    assert_eq!(
        r.json(),
        json!({"ticket": {
            "id": 12345, "subject": "Order hasn't shipped yet", "status": "open", "channel": "email", "priority": "normal",
            "customer_id": 98765, "assignee_user_id": 4567, "assignee_team_id": 77,
            "tags": [{"id": 13, "name": "shipping"}],
            "created_datetime": "2024-11-14T13:56:16.494726+00:00", "updated_datetime": "2024-12-04T15:18:56+00:00"
        }})
    );
    assert_eq!(fake.lines(), vec!["GET /api/tickets/12345"]);
}
