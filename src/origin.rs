//! The DNS-rebinding defence: which `Host` and `Origin` a request may carry.
//!
//! A web page can make a browser send requests to a name its attacker controls
//! whose DNS answer is then switched to the connector's address (DNS
//! rebinding); the browser then sends `Host: <attacker's name>` and `Origin:
//! http://<attacker's name>`. The MCP transport requires servers to validate
//! `Origin` (403 when present and not allowed), and the security best
//! practices add `Host` validation. Every route carries the same credentials,
//! so the router applies [`judge`] before any of them.
//!
//! Allowed without configuration: loopback names (`localhost`, `127.0.0.0/8`,
//! `[::1]`, any port) as `Host`, and `http://` or `https://` origins on them.
//! The operator adds the names a deployment is reached by in `allowed_hosts`
//! ([`AllowedHosts::parse`]): hosts (`connector.example.com`, optionally with
//! `:port`) and `https://` origins (`https://app.example.com`). A request
//! without `Origin` (server-to-server, SDK clients, curl) is judged by its
//! `Host` alone; a browser request also needs its `Origin` allowed: a loopback
//! origin, a configured origin, or its own `Host` (same origin).

/// The operator's `allowed_hosts`, parsed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AllowedHosts {
    /// Host names, lower case, each with an optional port.
    hosts: Vec<(String, Option<u16>)>,
    /// `https://` origins, lower case, with an explicit port (443 when absent).
    origins: Vec<(String, u16)>,
}

/// Why a request is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// The `Host` header names neither a loopback address nor a configured host.
    Host,
    /// The `Origin` header names neither a loopback origin, a configured origin nor the `Host`.
    Origin,
}

impl Refusal {
    /// The error code of the routes' error body.
    pub fn code(&self) -> &'static str {
        match self {
            Refusal::Host => "host-not-allowed",
            Refusal::Origin => "origin-not-allowed",
        }
    }

    /// A message for the caller, naming the setting that would allow the request
    /// (and not echoing the headers).
    pub fn message(&self) -> &'static str {
        match self {
            Refusal::Host => {
                "the Host header names a host this connector does not serve (DNS-rebinding protection); \
                 the operator lists the names it is reached by in allowed_hosts"
            }
            Refusal::Origin => {
                "the Origin header names an origin this connector does not serve (DNS-rebinding protection); \
                 the operator lists allowed https:// origins in allowed_hosts"
            }
        }
    }
}

/// `host[:port]` split, lower-cased; IPv6 literals keep their brackets.
/// `None` when it is not a plausible authority.
fn split_authority(a: &str) -> Option<(String, Option<u16>)> {
    let a = a.trim().to_ascii_lowercase();
    if a.is_empty() || a.contains(['/', '@', '?', '#', ' ', '\t']) {
        return None;
    }
    let (host, port) = if let Some(rest) = a.strip_prefix('[') {
        let (inside, after) = rest.split_once(']')?;
        let host = format!("[{inside}]");
        match after {
            "" => (host, None),
            p => (host, Some(p.strip_prefix(':')?)),
        }
    } else {
        match a.split_once(':') {
            Some((h, p)) => (h.to_string(), Some(p)),
            None => (a.clone(), None),
        }
    };
    let port = match port {
        None => None,
        Some(p) => Some(p.parse::<u16>().ok()?),
    };
    let host = host.strip_suffix('.').map(str::to_string).unwrap_or(host);
    let ok = if host.starts_with('[') {
        host.len() > 2
            && host[1..host.len() - 1]
                .bytes()
                .all(|b| b.is_ascii_hexdigit() || b == b':' || b == b'.')
    } else {
        !host.is_empty()
            && host
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
    };
    ok.then_some((host, port))
}

/// Whether a (lower-case) host name is loopback.
fn is_loopback(host: &str) -> bool {
    if host == "localhost" || host == "[::1]" {
        return true;
    }
    let parts: Vec<&str> = host.split('.').collect();
    parts.len() == 4 && parts[0] == "127" && parts.iter().all(|p| p.parse::<u8>().is_ok())
}

/// An `Origin` value as (scheme, host, port with the scheme's default), or `None`.
fn split_origin(o: &str) -> Option<(&'static str, String, u16)> {
    let o = o.trim();
    let lower = o.to_ascii_lowercase();
    let (scheme, default, rest) = if let Some(r) = lower.strip_prefix("https://") {
        ("https", 443, r)
    } else if let Some(r) = lower.strip_prefix("http://") {
        ("http", 80, r)
    } else {
        return None;
    };
    let (host, port) = split_authority(rest.strip_suffix('/').unwrap_or(rest))?;
    Some((scheme, host, port.unwrap_or(default)))
}

impl AllowedHosts {
    /// Parses `allowed_hosts`: entries separated by commas or whitespace, each a
    /// host (`connector.example.com`, `10.0.0.5:8080`) or an `https://` origin.
    /// The error names the first bad entry.
    pub fn parse(value: &str) -> Result<Self, String> {
        let mut out = AllowedHosts::default();
        for entry in value.split([',', ' ', '\t', '\n']).filter(|e| !e.is_empty()) {
            let shown: String = entry.chars().take(64).collect();
            if entry.contains("://") {
                match split_origin(entry) {
                    Some(("https", host, port)) => out.origins.push((host, port)),
                    Some(_) => {
                        return Err(format!(
                            "{shown:?} is an http:// origin: list https:// origins only (loopback origins are always allowed)"
                        ));
                    }
                    None => return Err(format!("{shown:?} is not an https:// origin (https://host[:port])")),
                }
            } else {
                match split_authority(entry) {
                    Some(h) => out.hosts.push(h),
                    None => return Err(format!("{shown:?} is not a host name (host or host:port)")),
                }
            }
        }
        Ok(out)
    }

    fn host_allowed(&self, host: &str, port: Option<u16>) -> bool {
        is_loopback(host) || self.hosts.iter().any(|(h, p)| h == host && (p.is_none() || *p == port))
    }
}

/// Judges one request's `Host` and `Origin` headers against the policy above.
/// A missing `Host` (HTTP/1.0; hosts fill it from the request's authority) is
/// no rebinding: such a request is judged by its `Origin` alone.
pub fn judge(host: Option<&str>, origin: Option<&str>, allowed: &AllowedHosts) -> Result<(), Refusal> {
    let host = match host {
        None => None,
        Some(h) => match split_authority(h) {
            Some((name, port)) if allowed.host_allowed(&name, port) => Some((name, port)),
            _ => return Err(Refusal::Host),
        },
    };
    let Some(origin) = origin else {
        return Ok(());
    };
    let Some((scheme, o_host, o_port)) = split_origin(origin) else {
        // `null` (sandboxed frames, file:// pages) and anything unparseable.
        return Err(Refusal::Origin);
    };
    let same_origin = host
        .as_ref()
        .is_some_and(|(h, p)| *h == o_host && p.is_none_or(|p| p == o_port));
    let configured = scheme == "https" && allowed.origins.iter().any(|(h, p)| *h == o_host && *p == o_port);
    if is_loopback(&o_host) || configured || same_origin {
        Ok(())
    } else {
        Err(Refusal::Origin)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn allowed(v: &str) -> AllowedHosts {
        AllowedHosts::parse(v).unwrap()
    }

    #[test]
    fn loopback_hosts_and_origins_are_served_without_configuration() {
        let none = AllowedHosts::default();
        for host in [
            "localhost",
            "LOCALHOST:3000",
            "127.0.0.1",
            "127.0.0.1:8080",
            "127.1.2.3:1",
            "[::1]:8080",
            "[::1]",
            "localhost.",
        ] {
            assert_eq!(judge(Some(host), None, &none), Ok(()), "{host}");
        }
        for origin in [
            "http://localhost:3000",
            "https://127.0.0.1",
            "http://[::1]:6274",
            "http://localhost/",
        ] {
            assert_eq!(judge(Some("127.0.0.1:8080"), Some(origin), &none), Ok(()), "{origin}");
        }
        assert_eq!(judge(None, None, &none), Ok(()));
        assert_eq!(judge(None, Some("http://localhost:1"), &none), Ok(()));
    }

    #[test]
    fn dns_rebinding_is_refused() {
        let none = AllowedHosts::default();
        // The conformance suite's probe.
        assert_eq!(
            judge(Some("evil.example.com"), Some("http://evil.example.com"), &none),
            Err(Refusal::Host)
        );
        for host in [
            "evil.example.com",
            "127.0.0.1.evil.example",
            "localhost.evil.example",
            "128.0.0.1",
            "127.0.0.256",
            "0.0.0.0:80",
            "[::2]",
            "",
            "a b",
            "user@localhost",
            "localhost:99999",
            "localhost:x",
            "[::1",
        ] {
            assert_eq!(judge(Some(host), None, &none), Err(Refusal::Host), "{host:?}");
        }
        for origin in [
            "https://evil.example",
            "null",
            "",
            "file://",
            "chrome-extension://abc",
            "http://127.0.0.1.evil.example",
            "http://localhost@evil.example",
        ] {
            assert_eq!(
                judge(Some("localhost:3000"), Some(origin), &none),
                Err(Refusal::Origin),
                "{origin:?}"
            );
            assert_eq!(judge(None, Some(origin), &none), Err(Refusal::Origin), "{origin:?}");
        }
    }

    #[test]
    fn configured_hosts_and_origins_are_served() {
        let a = allowed(
            "connector.example.com, mcp.example.com:8443 https://app.example.com,https://tools.example.com:4443",
        );
        assert_eq!(judge(Some("Connector.Example.com"), None, &a), Ok(()));
        assert_eq!(
            judge(Some("connector.example.com:80"), None, &a),
            Ok(()),
            "a host without port: any port"
        );
        assert_eq!(judge(Some("mcp.example.com:8443"), None, &a), Ok(()));
        assert_eq!(
            judge(Some("mcp.example.com"), None, &a),
            Err(Refusal::Host),
            "a host with port: that port"
        );
        assert_eq!(judge(Some("mcp.example.com:443"), None, &a), Err(Refusal::Host));
        assert_eq!(
            judge(Some("app.example.com"), None, &a),
            Err(Refusal::Host),
            "an origin is no Host"
        );
        assert_eq!(judge(Some("other.example.com"), None, &a), Err(Refusal::Host));
        let host = Some("connector.example.com");
        for ok in [
            "https://app.example.com",
            "https://app.example.com:443",
            "https://tools.example.com:4443",
            "https://connector.example.com",
            "http://connector.example.com",
            "http://localhost:6274",
        ] {
            assert_eq!(judge(host, Some(ok), &a), Ok(()), "{ok}");
        }
        for bad in [
            "http://app.example.com",
            "https://tools.example.com",
            "https://app.example.com:8443",
            "https://evil.example.com",
        ] {
            assert_eq!(judge(host, Some(bad), &a), Err(Refusal::Origin), "{bad}");
        }
        // Same origin needs the same port when the Host names one.
        let h = Some("mcp.example.com:8443");
        assert_eq!(judge(h, Some("https://mcp.example.com:8443"), &a), Ok(()));
        assert_eq!(judge(h, Some("https://mcp.example.com"), &a), Err(Refusal::Origin));
    }

    #[test]
    fn bad_configuration_names_the_entry() {
        assert_eq!(AllowedHosts::parse(""), Ok(AllowedHosts::default()));
        assert_eq!(AllowedHosts::parse(" , "), Ok(AllowedHosts::default()));
        for (v, why) in [
            ("http://app.example.com", "is an http:// origin"),
            ("ftp://x", "is not an https:// origin"),
            ("https://", "is not an https:// origin"),
            ("https://a.example/path", "is not an https:// origin"),
            ("a_b.example", "is not a host name"),
            ("host:port", "is not a host name"),
            ("*.example.com", "is not a host name"),
        ] {
            let e = AllowedHosts::parse(v).unwrap_err();
            assert!(e.contains(why) && e.contains(&format!("{v:?}")), "{v}: {e}");
        }
    }

    #[test]
    fn refusal_messages_name_the_setting() {
        for r in [Refusal::Host, Refusal::Origin] {
            assert!(r.message().contains("allowed_hosts"));
        }
    }
}
