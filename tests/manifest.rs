//! spin.toml routes every path to the component and declares the variables and the outbound hosts.
use gorgias_connector::ops::OPERATIONS;

#[test]
fn spin_manifest_routes_every_path_to_the_component() {
    let manifest = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/spin.toml")).unwrap();
    assert!(manifest.contains("spin_manifest_version = 2"));
    // One catch-all and nothing else: a listed route beside it would only
    // shadow it, and a missing one would get Spin's empty 404.
    let routes: Vec<&str> = manifest
        .lines()
        .filter(|l| l.trim_start().starts_with("route ="))
        .collect();
    assert_eq!(routes, vec![r#"route = "/...""#]);
    assert_eq!(manifest.matches("[[trigger.http]]").count(), 1);
    for var in gorgias_connector::config::keys::ALL {
        assert!(
            manifest.contains(&format!("{var} = \"{{{{ {var} }}}}\"")),
            "component does not map variable {var}"
        );
    }
    assert!(manifest.contains(r#"gorgias_api_key = { default = "", secret = true }"#));
    assert!(manifest.contains(r#"gorgias_access_token = { default = "", secret = true }"#));
    assert!(manifest.contains(r#"connector_token = { default = "", secret = true }"#));
    assert!(manifest.contains(r#"allowed_outbound_hosts = ["https://*.gorgias.com", "{{ gorgias_base_url }}"]"#));
    assert!(manifest.contains("watch = "));
}

#[test]
fn wit_declares_every_operation() {
    // Every `.wit` file of the package (an interface may have its own file).
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/wit");
    let wit: String = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "wit"))
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect();
    for op in OPERATIONS {
        assert!(wit.contains(&format!("{}: func(", op.name)), "wit lacks {}", op.name);
    }
}
