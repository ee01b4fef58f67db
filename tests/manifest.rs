//! spin.toml declares every operation's route, the variables, and the outbound host.
use gorgias_connector::router::OPERATIONS;

#[test]
fn spin_manifest_routes_every_operation() {
    let manifest = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/spin.toml")).unwrap();
    assert!(manifest.contains("spin_manifest_version = 2"));
    for op in OPERATIONS {
        assert!(
            manifest.contains(&format!("route = \"/{}\"", op.name)),
            "missing route for {}",
            op.name
        );
    }
    for route in ["/mcp", "/openapi.json", "/health"] {
        assert!(
            manifest.contains(&format!("route = \"{route}\"")),
            "missing route {route}"
        );
    }
    for var in gorgias_connector::config::keys::ALL {
        assert!(
            manifest.contains(&format!("{var} = \"{{{{ {var} }}}}\"")),
            "component does not map variable {var}"
        );
    }
    assert!(manifest.contains(r#"gorgias_api_key = { default = "", secret = true }"#));
    assert!(manifest.contains(r#"connector_token = { default = "", secret = true }"#));
    assert!(manifest.contains(r#"allowed_outbound_hosts = ["https://*.gorgias.com"]"#));
    assert!(manifest.contains("watch = "));
}

#[test]
fn wit_declares_every_operation() {
    let wit = [
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/wit/tickets.wit")).unwrap(),
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/wit/customers.wit")).unwrap(),
    ]
    .concat();
    for op in OPERATIONS {
        assert!(wit.contains(&format!("{}: func(", op.name)), "wit lacks {}", op.name);
    }
}
