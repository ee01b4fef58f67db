//! Which redirects a read follows: only those whose `Location` stays on the
//! origin requests go to (same scheme, host and port as the configured base
//! URL), so credentials never reach another host.
//!
//! Gorgias documents no redirects; another connector reports `301` for
//! merged tickets and customers. The rule is defensive and pure: the client
//! ([`crate::gorgias::client::Client::send`]) follows at most [`MAX_HOPS`] for `GET`s
//! and turns every other redirect into an `upstream` error naming the status.

use crate::gorgias::endpoint::Scheme;

/// Redirects one read follows at most.
pub const MAX_HOPS: u32 = 3;

/// The statuses treated as redirects.
pub fn is_redirect(status: u16) -> bool {
    matches!(status, 301 | 302 | 307 | 308)
}

/// Why a redirect is not followed (completes "gorgias answered 301 …").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    /// No (or an empty) `Location` header.
    NoLocation,
    /// A `Location` with spaces, control or non-ASCII characters, or no path.
    Unusable,
    /// Another scheme, host or port.
    OtherHost,
}

impl Refused {
    /// The reason, as the error message says it.
    pub fn reason(self) -> &'static str {
        match self {
            Refused::NoLocation => "a redirect without a Location header",
            Refused::Unusable => "a redirect to an unusable Location",
            Refused::OtherHost => "a redirect to another host, not followed",
        }
    }
}

/// The `Location` header of `headers`, if any.
pub fn location(headers: &[(String, String)]) -> Option<&str> {
    headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("location"))
        .map(|(_, v)| v.as_str())
}

/// Resolves `location` against the current request (`scheme`, `authority`,
/// `path_and_query`) and returns the new path and query when it stays on the
/// same origin. Absolute (`https://host/…`), scheme-relative (`//host/…`),
/// absolute-path (`/api/…`), query-only (`?x`) and relative (`2`, `../x`)
/// forms are accepted; a fragment is dropped. Default ports compare equal to
/// none (`host:443` is `host` over https).
pub fn target(
    scheme: Scheme,
    authority: &str,
    path_and_query: &str,
    location: Option<&str>,
) -> Result<String, Refused> {
    let loc = location
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .ok_or(Refused::NoLocation)?;
    if !loc.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(Refused::Unusable);
    }
    let loc = loc.split('#').next().unwrap_or("");
    let same_origin = |other_scheme: Scheme, other: &str| {
        other_scheme == scheme && normal_authority(scheme, other) == normal_authority(scheme, authority)
    };
    let (path, query) = if let Some(rest) = loc.strip_prefix("//") {
        let (auth, tail) = split_authority(rest);
        if !same_origin(scheme, auth) {
            return Err(Refused::OtherHost);
        }
        rooted(split_query(tail))
    } else if let Some((s, rest)) = loc.split_once("://").filter(|(s, _)| !s.contains(['/', '?'])) {
        let other_scheme = match s.to_ascii_lowercase().as_str() {
            "https" => Scheme::Https,
            "http" => Scheme::Http,
            _ => return Err(Refused::OtherHost),
        };
        let (auth, tail) = split_authority(rest);
        if !same_origin(other_scheme, auth) {
            return Err(Refused::OtherHost);
        }
        rooted(split_query(tail))
    } else {
        let (current, _) = split_query(path_and_query);
        match loc.strip_prefix('?') {
            Some(q) => (current.to_string(), Some(q)),
            None => {
                let (p, q) = split_query(loc);
                if p.starts_with('/') || p.is_empty() {
                    (if p.is_empty() { current.to_string() } else { p }, q)
                } else {
                    let dir = &current[..current.rfind('/').map_or(0, |i| i + 1)];
                    (format!("{dir}{p}"), q)
                }
            }
        }
    };
    let path = remove_dot_segments(&path);
    if !path.starts_with('/') {
        return Err(Refused::Unusable);
    }
    Ok(match query {
        Some(q) => format!("{path}?{q}"),
        None => path,
    })
}

/// `host:port` without userinfo (a `user@` is another identity: refused by
/// comparison), lower case, the scheme's default port removed.
fn normal_authority(scheme: Scheme, authority: &str) -> String {
    let a = authority.to_ascii_lowercase();
    let default = match scheme {
        Scheme::Https => ":443",
        Scheme::Http => ":80",
    };
    match a.strip_suffix(default) {
        Some(host) if !host.is_empty() => host.to_string(),
        _ => a,
    }
}

/// `host[:port]` and the rest (`/path?query`, possibly empty) of what follows `//`.
fn split_authority(rest: &str) -> (&str, &str) {
    let end = rest.find(['/', '?']).unwrap_or(rest.len());
    rest.split_at(end)
}

/// A path (`/` when empty) and its query.
fn split_query(s: &str) -> (String, Option<&str>) {
    let (p, q) = match s.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (s, None),
    };
    (p.to_string(), q)
}

/// An empty path after an authority is the root.
fn rooted((p, q): (String, Option<&str>)) -> (String, Option<&str>) {
    (if p.is_empty() { "/".to_string() } else { p }, q)
}

/// RFC 3986 §5.2.4 for an absolute path: `.` and `..` segments removed,
/// never above the root.
fn remove_dot_segments(path: &str) -> String {
    if !path.starts_with('/') {
        return path.to_string();
    }
    let mut out: Vec<&str> = Vec::new();
    let segments: Vec<&str> = path[1..].split('/').collect();
    let last = segments.len().saturating_sub(1);
    for (i, seg) in segments.iter().enumerate() {
        match *seg {
            "." => {
                if i == last {
                    out.push("");
                }
            }
            ".." => {
                out.pop();
                if i == last {
                    out.push("");
                }
            }
            s => out.push(s),
        }
    }
    format!("/{}", out.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(loc: Option<&str>) -> Result<String, Refused> {
        target(Scheme::Https, "acme.gorgias.com", "/api/tickets/1?x=1", loc)
    }

    #[test]
    fn redirect_statuses() {
        for s in [301, 302, 307, 308] {
            assert!(is_redirect(s), "{s}");
        }
        for s in [200, 300, 303, 304, 305, 400] {
            assert!(!is_redirect(s), "{s}");
        }
    }

    #[test]
    fn same_origin_locations_resolve_to_a_path() {
        assert_eq!(t(Some("/api/tickets/2")), Ok("/api/tickets/2".into()));
        assert_eq!(
            t(Some("https://acme.gorgias.com/api/tickets/2")),
            Ok("/api/tickets/2".into())
        );
        assert_eq!(
            t(Some("HTTPS://ACME.gorgias.com:443/api/tickets/2?a=b")),
            Ok("/api/tickets/2?a=b".into())
        );
        assert_eq!(
            t(Some("//acme.gorgias.com/api/customers/5")),
            Ok("/api/customers/5".into())
        );
        assert_eq!(t(Some("2")), Ok("/api/tickets/2".into()));
        assert_eq!(t(Some("../customers/7/")), Ok("/api/customers/7/".into()));
        assert_eq!(t(Some("/api/./tickets/../tickets/3")), Ok("/api/tickets/3".into()));
        assert_eq!(t(Some("/../../etc")), Ok("/etc".into()), "never above the root");
        assert_eq!(t(Some("?x=2")), Ok("/api/tickets/1?x=2".into()));
        assert_eq!(t(Some(" /api/tickets/2#frag ")), Ok("/api/tickets/2".into()));
        assert_eq!(t(Some("https://acme.gorgias.com")), Ok("/".into()));
        assert_eq!(
            target(
                Scheme::Http,
                "127.0.0.1:8081",
                "/p/api/tickets/1",
                Some("http://127.0.0.1:8081/p/api/tickets/9")
            ),
            Ok("/p/api/tickets/9".into())
        );
    }

    #[test]
    fn other_origins_are_refused() {
        for other in [
            "https://evil.com/api/tickets/2",
            "http://acme.gorgias.com/api/tickets/2",
            "https://acme.gorgias.com:8443/api/tickets/2",
            "https://acme.gorgias.com.evil.com/api",
            "https://user@acme.gorgias.com/api",
            "//evil.com/api/tickets/2",
            "ftp://acme.gorgias.com/x",
            "javascript://acme.gorgias.com/x",
        ] {
            assert_eq!(t(Some(other)), Err(Refused::OtherHost), "{other}");
        }
        assert_eq!(
            target(
                Scheme::Http,
                "127.0.0.1:8081",
                "/api/x",
                Some("http://127.0.0.1:8082/api/x")
            ),
            Err(Refused::OtherHost)
        );
    }

    #[test]
    fn missing_or_unusable_locations_are_refused() {
        assert_eq!(t(None), Err(Refused::NoLocation));
        assert_eq!(t(Some("  ")), Err(Refused::NoLocation));
        for bad in ["/api/a b", "/api/\u{7f}", "/api/é", "/api/\r\nx: y"] {
            assert_eq!(t(Some(bad)), Err(Refused::Unusable), "{bad:?}");
        }
        assert_eq!(
            location(&[("Location".into(), "/x".into())]),
            Some("/x"),
            "header name in any case"
        );
    }
}
