//! Operator configuration: Spin variables, `wasi:config`, or environment.

use crate::client::{Endpoint, RetryPolicy};
use crate::error::Error;

/// Configuration keys, as Spin variable names (`GORGIAS_ACCOUNT` etc. in the environment).
pub mod keys {
    /// Account subdomain.
    pub const ACCOUNT: &str = "gorgias_account";
    /// User email for Basic auth.
    pub const EMAIL: &str = "gorgias_email";
    /// API key (secret).
    pub const API_KEY: &str = "gorgias_api_key";
    /// Replaces `https://{account}.gorgias.com` (proxies, tests). Operator only.
    pub const BASE_URL: &str = "gorgias_base_url";
    /// When set, inbound requests need `Authorization: Bearer <token>`.
    pub const CONNECTOR_TOKEN: &str = "connector_token";
    /// Attempts in all per upstream request (default 3).
    pub const RETRY_MAX_ATTEMPTS: &str = "retry_max_attempts";
    /// Upper bound of all waits between attempts, in seconds (default 10).
    pub const RETRY_MAX_WAIT_SECONDS: &str = "retry_max_wait_seconds";
    /// `true`: mutations are neither listed nor callable on any surface (default `false`).
    pub const READ_ONLY: &str = "read_only";
    /// All keys, in order.
    pub const ALL: [&str; 8] = [
        ACCOUNT,
        EMAIL,
        API_KEY,
        BASE_URL,
        CONNECTOR_TOKEN,
        RETRY_MAX_ATTEMPTS,
        RETRY_MAX_WAIT_SECONDS,
        READ_ONLY,
    ];
}

/// The operator's configuration.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Config {
    /// Default account.
    pub account: Option<String>,
    /// Default email.
    pub email: Option<String>,
    /// Default API key.
    pub api_key: Option<String>,
    /// Base URL override.
    pub base_url: Option<Endpoint>,
    /// Inbound bearer token.
    pub connector_token: Option<String>,
    /// Retry budget.
    pub retry: RetryPolicy,
    /// Read-only mode: only the five queries are offered.
    pub read_only: bool,
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("account", &self.account)
            .field("email", &self.email)
            .field("api_key", &self.api_key.as_ref().map(|_| "<redacted>"))
            .field("base_url", &self.base_url)
            .field("connector_token", &self.connector_token.as_ref().map(|_| "<redacted>"))
            .field("retry", &self.retry)
            .field("read_only", &self.read_only)
            .finish()
    }
}

impl Config {
    /// Reads every key through `get`; empty values count as unset.
    pub fn load(get: impl Fn(&str) -> Option<String>) -> Result<Self, Error> {
        let get = |k: &str| get(k).map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
        let number = |k: &str, default: u64, max: u64| -> Result<u64, Error> {
            match get(k) {
                None => Ok(default),
                Some(v) => v
                    .parse::<u64>()
                    .ok()
                    .filter(|n| *n <= max)
                    .ok_or_else(|| Error::Configuration(format!("{k} must be a whole number between 0 and {max}"))),
            }
        };
        let attempts = number(keys::RETRY_MAX_ATTEMPTS, 3, 10)?.max(1);
        let read_only = match get(keys::READ_ONLY).map(|v| v.to_ascii_lowercase()).as_deref() {
            None | Some("false") => false,
            Some("true") => true,
            Some(_) => {
                return Err(Error::Configuration(format!(
                    "{} must be true or false",
                    keys::READ_ONLY
                )));
            }
        };
        Ok(Config {
            account: get(keys::ACCOUNT),
            email: get(keys::EMAIL),
            api_key: get(keys::API_KEY),
            base_url: get(keys::BASE_URL).map(|u| Endpoint::parse_base_url(&u)).transpose()?,
            connector_token: get(keys::CONNECTOR_TOKEN),
            retry: RetryPolicy {
                max_attempts: attempts as u32,
                max_wait_ms: number(keys::RETRY_MAX_WAIT_SECONDS, 10, 600)? * 1000,
            },
            read_only,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loads_defaults_and_redacts_secrets() {
        let c = Config::load(|k| match k {
            "gorgias_account" => Some("acme".into()),
            "gorgias_api_key" => Some("s3cr3t".into()),
            "connector_token" => Some("tok3n".into()),
            "gorgias_email" => Some("  ".into()),
            _ => None,
        })
        .unwrap();
        assert_eq!(c.account.as_deref(), Some("acme"));
        assert_eq!(c.email, None);
        assert_eq!(
            c.retry,
            RetryPolicy {
                max_attempts: 3,
                max_wait_ms: 10_000
            }
        );
        let dbg = format!("{c:?}");
        assert!(!dbg.contains("s3cr3t") && !dbg.contains("tok3n"), "{dbg}");
    }

    #[test]
    fn bad_values_are_configuration_errors() {
        assert_eq!(
            Config::load(|k| (k == "retry_max_attempts").then(|| "lots".into()))
                .unwrap_err()
                .code(),
            "configuration"
        );
        assert_eq!(
            Config::load(|k| (k == "gorgias_base_url").then(|| "ftp://x".into()))
                .unwrap_err()
                .code(),
            "configuration"
        );
        let c = Config::load(|k| (k == "retry_max_wait_seconds").then(|| "0".into())).unwrap();
        assert_eq!(c.retry.max_wait_ms, 0);
    }

    #[test]
    fn read_only_is_a_strict_boolean() {
        let load = |v: &'static str| Config::load(move |k| (k == "read_only").then(|| v.into()));
        assert!(!load("").unwrap().read_only);
        assert!(!load("false").unwrap().read_only);
        assert!(load("true").unwrap().read_only);
        assert!(load(" TRUE ").unwrap().read_only);
        assert_eq!(load("yes please").unwrap_err().code(), "configuration");
        assert!(!Config::load(|_| None).unwrap().read_only);
    }
}
