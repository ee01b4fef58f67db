//! Where requests go and with which credentials: the account's endpoint
//! (`https://{account}.gorgias.com`, or an operator's base URL) and the
//! connection (API key or OAuth access token), with the forms a secret takes
//! on the wire so that errors can redact them.

use crate::error::Error;

/// Credentials and account for one call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Connection {
    /// Account subdomain.
    pub account: String,
    /// How the call authenticates.
    pub credentials: Credentials,
}

/// The two kinds of Gorgias credentials.
#[derive(Clone, PartialEq, Eq)]
pub enum Credentials {
    /// A private app's REST API key and its user's email, sent as HTTP Basic.
    ApiKey {
        /// Email of the API key's user.
        email: String,
        /// The API key (secret).
        api_key: String,
    },
    /// An OAuth2 access token (secret), sent as `Authorization: Bearer`.
    AccessToken(String),
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Credentials::ApiKey { email, .. } => f
                .debug_struct("ApiKey")
                .field("email", email)
                .field("api_key", &"<redacted>")
                .finish(),
            Credentials::AccessToken(_) => f.debug_tuple("AccessToken").field(&"<redacted>").finish(),
        }
    }
}

impl Connection {
    /// An API-key connection.
    pub fn api_key(account: impl Into<String>, email: impl Into<String>, api_key: impl Into<String>) -> Self {
        Connection {
            account: account.into(),
            credentials: Credentials::ApiKey {
                email: email.into(),
                api_key: api_key.into(),
            },
        }
    }

    /// An OAuth access-token connection.
    pub fn access_token(account: impl Into<String>, token: impl Into<String>) -> Self {
        Connection {
            account: account.into(),
            credentials: Credentials::AccessToken(token.into()),
        }
    }
}

/// `http` or `https`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scheme {
    /// Plain HTTP (only through an operator's `gorgias_base_url`).
    Http,
    /// HTTPS.
    Https,
}

/// Where requests go: scheme, host[:port] and an optional path prefix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    /// Scheme.
    pub scheme: Scheme,
    /// `host[:port]`.
    pub authority: String,
    /// Prefix before `/api/…`, empty or starting with `/`, without trailing `/`.
    pub prefix: String,
}

impl Endpoint {
    /// `https://{account}.gorgias.com`, after checking the account is a DNS label.
    pub fn for_account(account: &str) -> Result<Self, Error> {
        validate_account(account)?;
        Ok(Endpoint {
            scheme: Scheme::Https,
            authority: format!("{}.gorgias.com", account.to_ascii_lowercase()),
            prefix: String::new(),
        })
    }

    /// Parses an operator-set base URL such as `http://127.0.0.1:8081` or
    /// `https://proxy.internal/gorgias`.
    pub fn parse_base_url(url: &str) -> Result<Self, Error> {
        let bad = |why: &str| Error::Configuration(format!("gorgias_base_url is invalid: {why}"));
        let (scheme, rest) = if let Some(r) = url.strip_prefix("https://") {
            (Scheme::Https, r)
        } else if let Some(r) = url.strip_prefix("http://") {
            (Scheme::Http, r)
        } else {
            return Err(bad("it must start with http:// or https://"));
        };
        let (authority, prefix) = match rest.find('/') {
            Some(i) => (&rest[..i], rest[i..].trim_end_matches('/')),
            None => (rest, ""),
        };
        let ok_char = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']');
        if authority.is_empty() || !authority.chars().all(ok_char) {
            return Err(bad(
                "the host is missing or has characters other than letters, digits, '.', '-', ':'",
            ));
        }
        if prefix.contains(['?', '#']) {
            return Err(bad("it must not have a query or fragment"));
        }
        Ok(Endpoint {
            scheme,
            authority: authority.to_string(),
            prefix: prefix.to_string(),
        })
    }
}

/// Checks that `account` is a DNS label: 1-63 letters, digits and hyphens,
/// not starting or ending with a hyphen. Anything else could aim at another host.
pub fn validate_account(account: &str) -> Result<(), Error> {
    let valid = !account.is_empty()
        && account.len() <= 63
        && account.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        && !account.starts_with('-')
        && !account.ends_with('-');
    if valid {
        Ok(())
    } else {
        Err(Error::invalid(
            "account",
            "must be the account subdomain (letters, digits and hyphens, e.g. \"acme\" for acme.gorgias.com)",
        ))
    }
}

/// The forms a Gorgias key takes on the wire and in echoes: the base64 of
/// `email:key` (the Basic credentials), `email:key` itself, and the key.
pub fn credential_secrets(email: &str, api_key: &str) -> [String; 3] {
    let credentials = format!("{email}:{api_key}");
    [base64(credentials.as_bytes()), credentials, api_key.to_string()]
}

/// Standard base64 with padding.
pub fn base64(input: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(input.len().div_ceil(3) * 4);
    for chunk in input.chunks(3) {
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(T[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_rfc4648_vectors() {
        for (i, o) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(i.as_bytes()), o);
        }
    }

    #[test]
    fn account_must_be_a_dns_label() {
        for ok in ["acme", "my-shop", "Shop42"] {
            assert!(validate_account(ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "-a",
            "a-",
            "evil.com",
            "a/b",
            "a@b",
            "a b",
            "acme.gorgias.com#",
            &"a".repeat(64),
        ] {
            let e = validate_account(bad).unwrap_err();
            assert_eq!(e.code(), "invalid-input", "{bad}");
        }
        assert_eq!(Endpoint::for_account("ACME").unwrap().authority, "acme.gorgias.com");
    }

    #[test]
    fn base_url_parsing() {
        let e = Endpoint::parse_base_url("http://127.0.0.1:8081/").unwrap();
        assert_eq!(
            (e.scheme, e.authority.as_str(), e.prefix.as_str()),
            (Scheme::Http, "127.0.0.1:8081", "")
        );
        let e = Endpoint::parse_base_url("https://proxy.internal/gorgias/").unwrap();
        assert_eq!(e.prefix, "/gorgias");
        for bad in [
            "ftp://x",
            "http://",
            "http://a b",
            "https://x/p?q=1",
            "http://user@host",
        ] {
            assert_eq!(
                Endpoint::parse_base_url(bad).unwrap_err().code(),
                "configuration",
                "{bad}"
            );
        }
    }
}
