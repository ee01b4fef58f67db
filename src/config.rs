//! Operator configuration: Spin variables, `wasi:config`, or environment.

use crate::gorgias::endpoint::{Endpoint, credential_secrets};

use crate::gorgias::client::RetryPolicy;

use crate::error::Error;
use crate::gorgias::transport::{DEFAULT_MAX_IN_FLIGHT, MAX_IN_FLIGHT_LIMIT, Timeouts};
use crate::origin::AllowedHosts;

/// Configuration keys, as Spin variable names (`GORGIAS_ACCOUNT` etc. in the environment).
pub mod keys {
    /// Account subdomain.
    pub const ACCOUNT: &str = "gorgias_account";
    /// User email for Basic auth.
    pub const EMAIL: &str = "gorgias_email";
    /// API key (secret).
    pub const API_KEY: &str = "gorgias_api_key";
    /// OAuth2 access token (secret), instead of email + API key.
    pub const ACCESS_TOKEN: &str = "gorgias_access_token";
    /// Replaces `https://{account}.gorgias.com` (proxies, tests). Operator only.
    pub const BASE_URL: &str = "gorgias_base_url";
    /// When set, inbound requests need `Authorization: Bearer <token>`.
    pub const CONNECTOR_TOKEN: &str = "connector_token";
    /// Attempts in all per upstream request (default 5).
    pub const RETRY_MAX_ATTEMPTS: &str = "retry_max_attempts";
    /// Upper bound of all waits of one operation (between attempts and
    /// pacing near the rate limit), in seconds (default 20: Gorgias's window).
    pub const RETRY_MAX_WAIT_SECONDS: &str = "retry_max_wait_seconds";
    /// `true`: mutations are neither listed nor callable on any surface (default `false`).
    pub const READ_ONLY: &str = "read_only";
    /// The access tier: `read`, `write` (the default) or `all`.
    pub const ACCESS: &str = "access";
    /// How many independent Gorgias calls of one operation may be in flight
    /// at once (default 6, 1-16; near the rate limit it is one).
    pub const MAX_IN_FLIGHT: &str = "max_in_flight";
    /// Seconds to connect to Gorgias, TLS included (default 5, 0.001-600, up to
    /// three decimals: fractions serve tests).
    pub const CONNECT_TIMEOUT_SECONDS: &str = "upstream_connect_timeout_seconds";
    /// Seconds from sending a request to Gorgias's response headers (default 20, 0.001-600).
    pub const FIRST_BYTE_TIMEOUT_SECONDS: &str = "upstream_first_byte_timeout_seconds";
    /// Seconds of silence allowed inside a response body (default 10, 0.001-600).
    pub const BETWEEN_BYTES_TIMEOUT_SECONDS: &str = "upstream_between_bytes_timeout_seconds";
    /// Seconds of the first backoff before resending after a 5xx, timeout or
    /// refused connection; doubles per attempt (default 0.5, 0.001-60). Not in
    /// [`ALL`] and not a Spin variable: a tuning key for tests and hosts that
    /// pass any key (the in-process host, `wasmtime serve -Sconfig-var`).
    pub const RETRY_FIRST_BACKOFF_SECONDS: &str = "retry_first_backoff_seconds";
    /// Names (hosts, `https://` origins) the connector is reached by besides
    /// loopback; other `Host`/`Origin` headers are refused (see [`crate::origin`]).
    pub const ALLOWED_HOSTS: &str = "allowed_hosts";
    /// All keys, in order.
    pub const ALL: [&str; 15] = [
        ACCOUNT,
        EMAIL,
        API_KEY,
        ACCESS_TOKEN,
        BASE_URL,
        CONNECTOR_TOKEN,
        RETRY_MAX_ATTEMPTS,
        RETRY_MAX_WAIT_SECONDS,
        READ_ONLY,
        ACCESS,
        MAX_IN_FLIGHT,
        CONNECT_TIMEOUT_SECONDS,
        FIRST_BYTE_TIMEOUT_SECONDS,
        BETWEEN_BYTES_TIMEOUT_SECONDS,
        ALLOWED_HOSTS,
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
    /// Default OAuth access token (never together with `api_key`).
    pub access_token: Option<String>,
    /// Base URL override.
    pub base_url: Option<Endpoint>,
    /// Inbound bearer token.
    pub connector_token: Option<String>,
    /// Retry budget.
    pub retry: RetryPolicy,
    /// The access tier: which operations are offered (`access`, or
    /// `read_only = true` for [`Access::Read`]).
    pub access: Access,
    /// Upstream timeouts.
    pub timeouts: Timeouts,
    /// Hosts and origins served besides loopback (DNS-rebinding protection).
    pub allowed_hosts: AllowedHosts,
}

/// An access tier: what a connector offers (the operator's `access`
/// variable) and what an operation needs (`Spec::access`). Ordered: a
/// connector at tier `t` offers every operation whose tier is at most `t`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum Access {
    /// Queries only (`access = "read"`, or the older `read_only = true`).
    Read,
    /// Queries and the mutations that delete nothing (the default).
    #[default]
    Write,
    /// Everything, deletions included.
    All,
}

impl Access {
    /// The tier's name as the `access` variable spells it.
    pub fn name(self) -> &'static str {
        match self {
            Access::Read => "read",
            Access::Write => "write",
            Access::All => "all",
        }
    }

    /// Every tier, lowest first.
    pub const ALL: [Access; 3] = [Access::Read, Access::Write, Access::All];
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("account", &self.account)
            .field("email", &self.email)
            .field("api_key", &self.api_key.as_ref().map(|_| "<redacted>"))
            .field("access_token", &self.access_token.as_ref().map(|_| "<redacted>"))
            .field("base_url", &self.base_url)
            .field("connector_token", &self.connector_token.as_ref().map(|_| "<redacted>"))
            .field("retry", &self.retry)
            .field("access", &self.access)
            .field("timeouts", &self.timeouts)
            .field("allowed_hosts", &self.allowed_hosts)
            .finish()
    }
}

impl Config {
    /// Reads every key from the host's configuration store (`config`, keys
    /// as written), else from the environment under the key in upper case
    /// (`GORGIAS_ACCOUNT`). `environment` is called at most once, and only
    /// when a key is missing from `config`.
    pub fn load_layered(
        config: &[(String, String)],
        environment: impl FnOnce() -> Vec<(String, String)>,
    ) -> Result<Self, Error> {
        let env = std::cell::LazyCell::new(environment);
        Config::load(|key| match config.iter().find(|(k, _)| k == key) {
            Some((_, v)) => Some(v.clone()),
            None => env
                .iter()
                .find(|(name, _)| is_upper_case_of(name, key))
                .map(|(_, v)| v.clone()),
        })
    }

    /// Reads every key through `get`; empty values count as unset.
    pub fn load(get: impl Fn(&str) -> Option<String>) -> Result<Self, Error> {
        let get = |k: &str| get(k).map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
        let number = |k: &str, default: u64, min: u64, max: u64| -> Result<u64, Error> {
            match get(k) {
                None => Ok(default),
                Some(v) => v
                    .parse::<u64>()
                    .ok()
                    .filter(|n| (min..=max).contains(n))
                    .ok_or_else(|| Error::Configuration(format!("{k} must be a whole number between {min} and {max}"))),
            }
        };
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
        let access = match get(keys::ACCESS).map(|v| v.to_ascii_lowercase()).as_deref() {
            None => None,
            Some(v) => Some(
                Access::ALL
                    .into_iter()
                    .find(|a| a.name() == v)
                    .ok_or_else(|| Error::Configuration(format!("{} must be read, write or all", keys::ACCESS)))?,
            ),
        };
        let access = match (access, read_only) {
            (None, false) => Access::Write,
            (None, true) | (Some(Access::Read), _) => Access::Read,
            (Some(a), false) => a,
            (Some(a), true) => {
                return Err(Error::Configuration(format!(
                    "{} = true contradicts {} = {}: set only {}",
                    keys::READ_ONLY,
                    keys::ACCESS,
                    a.name(),
                    keys::ACCESS
                )));
            }
        };
        let attempts = number(keys::RETRY_MAX_ATTEMPTS, 5, 0, 10)?.max(1);
        let (api_key, access_token) = (get(keys::API_KEY), get(keys::ACCESS_TOKEN));
        if api_key.is_some() && access_token.is_some() {
            return Err(Error::Configuration(format!(
                "set either {} (with {}) or {}, not both",
                keys::API_KEY,
                keys::EMAIL,
                keys::ACCESS_TOKEN
            )));
        }
        // Whole or decimal seconds (up to three decimals) as milliseconds.
        let seconds = |k: &str, default_ms: u64, max_s: u64| -> Result<u64, Error> {
            match get(k) {
                None => Ok(default_ms),
                Some(v) => decimal_seconds_ms(&v)
                    .filter(|ms| (1..=max_s * 1000).contains(ms))
                    .ok_or_else(|| {
                        Error::Configuration(format!(
                            "{k} must be a number of seconds between 0.001 and {max_s} (at most three decimals)"
                        ))
                    }),
            }
        };
        Ok(Config {
            account: get(keys::ACCOUNT),
            email: get(keys::EMAIL),
            api_key,
            access_token,
            base_url: get(keys::BASE_URL).map(|u| Endpoint::parse_base_url(&u)).transpose()?,
            connector_token: get(keys::CONNECTOR_TOKEN),
            retry: RetryPolicy {
                max_attempts: attempts as u32,
                max_wait_ms: number(keys::RETRY_MAX_WAIT_SECONDS, 20, 0, 600)? * 1000,
                first_backoff_ms: seconds(keys::RETRY_FIRST_BACKOFF_SECONDS, 500, 60)?,
                max_in_flight: number(
                    keys::MAX_IN_FLIGHT,
                    DEFAULT_MAX_IN_FLIGHT as u64,
                    1,
                    MAX_IN_FLIGHT_LIMIT as u64,
                )? as usize,
            },
            timeouts: Timeouts {
                connect_ms: seconds(keys::CONNECT_TIMEOUT_SECONDS, 5_000, 600)?,
                first_byte_ms: seconds(keys::FIRST_BYTE_TIMEOUT_SECONDS, 20_000, 600)?,
                between_bytes_ms: seconds(keys::BETWEEN_BYTES_TIMEOUT_SECONDS, 10_000, 600)?,
            },
            access,
            allowed_hosts: AllowedHosts::parse(&get(keys::ALLOWED_HOSTS).unwrap_or_default())
                .map_err(|why| Error::Configuration(format!("{}: {why}", keys::ALLOWED_HOSTS)))?,
        })
    }

    /// Every secret the operator configured, in the forms errors are cleaned
    /// of: the key with its Basic credentials, the access token, and the
    /// connector token.
    pub fn secrets(&self) -> Vec<String> {
        let mut s = match (&self.email, &self.api_key) {
            (Some(email), Some(key)) => credential_secrets(email, key).to_vec(),
            (None, Some(key)) => vec![key.clone()],
            _ => Vec::new(),
        };
        s.extend(self.access_token.clone());
        s.extend(self.connector_token.clone());
        s
    }
}

/// `"20"` → 20000, `"0.2"` → 200, `"1.25"` → 1250; `None` for anything else
/// (signs, exponents, more than three decimals, overflow).
fn decimal_seconds_ms(v: &str) -> Option<u64> {
    let (whole, frac) = v.split_once('.').unwrap_or((v, ""));
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(whole) || (v.contains('.') && !digits(frac)) || frac.len() > 3 {
        return None;
    }
    let frac_ms: u64 = format!("{frac:0<3}").parse().ok()?;
    whole.parse::<u64>().ok()?.checked_mul(1000)?.checked_add(frac_ms)
}

/// Whether the environment variable `name` is `key` in upper case, compared
/// without allocating.
fn is_upper_case_of(name: &str, key: &str) -> bool {
    name.bytes().eq(key.bytes().map(|k| k.to_ascii_uppercase()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn layered_config_wins_and_the_environment_is_read_once_in_upper_case() {
        let calls = std::cell::Cell::new(0);
        let c = Config::load_layered(&pairs(&[("gorgias_account", "acme"), ("gorgias_email", "")]), || {
            calls.set(calls.get() + 1);
            pairs(&[
                ("GORGIAS_ACCOUNT", "other"),
                ("GORGIAS_EMAIL", "a@b.co"),
                ("gorgias_api_key", "lower-case-is-not-read"),
                ("GORGIAS_API_KEYX", "longer-is-not-read"),
                ("MAX_IN_FLIGHT", "3"),
            ])
        })
        .unwrap();
        assert_eq!(calls.get(), 1);
        assert_eq!(c.account.as_deref(), Some("acme"));
        // An empty value in the store is the store's answer (unset), not a reason to look further.
        assert_eq!(c.email, None);
        assert_eq!(c.api_key, None);
        assert_eq!(c.retry.max_in_flight, 3);
        let all_keys: Vec<(String, String)> = keys::ALL
            .iter()
            .chain([&keys::RETRY_FIRST_BACKOFF_SECONDS])
            .map(|k| (k.to_string(), String::new()))
            .collect();
        Config::load_layered(&all_keys, || unreachable!("every key is in the store")).unwrap();
    }

    #[test]
    fn secrets_are_the_key_in_every_form_and_the_token() {
        let c = Config {
            email: Some("a@b.co".into()),
            api_key: Some("k3y-123".into()),
            connector_token: Some("tok-456".into()),
            ..Config::default()
        };
        assert_eq!(
            c.secrets(),
            ["YUBiLmNvOmszeS0xMjM=", "a@b.co:k3y-123", "k3y-123", "tok-456"]
        );
        let key_only = Config {
            api_key: Some("k3y-123".into()),
            ..Config::default()
        };
        assert_eq!(key_only.secrets(), ["k3y-123"]);
        assert!(Config::default().secrets().is_empty());
        let oauth = Config {
            access_token: Some("oauth-789".into()),
            connector_token: Some("tok-456".into()),
            ..Config::default()
        };
        assert_eq!(oauth.secrets(), ["oauth-789", "tok-456"]);
    }

    #[test]
    fn an_access_token_loads_redacted_and_excludes_an_api_key() {
        let c = Config::load(|k| match k {
            "gorgias_account" => Some("acme".into()),
            "gorgias_access_token" => Some(" oauth-789 ".into()),
            _ => None,
        })
        .unwrap();
        assert_eq!(
            (c.access_token.as_deref(), c.api_key.as_deref()),
            (Some("oauth-789"), None)
        );
        assert!(!format!("{c:?}").contains("oauth-789"), "{c:?}");
        let both = Config::load(|k| match k {
            "gorgias_api_key" => Some("k3y".into()),
            "gorgias_access_token" => Some("oauth-789".into()),
            _ => None,
        })
        .unwrap_err();
        assert_eq!(
            (both.code(), both.message()),
            (
                "configuration",
                "set either gorgias_api_key (with gorgias_email) or gorgias_access_token, not both".to_string()
            )
        );
        assert!(!both.message().contains("k3y") && !both.message().contains("oauth-789"));
    }

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
                max_attempts: 5,
                max_wait_ms: 20_000,
                first_backoff_ms: 500,
                max_in_flight: 6,
            }
        );
        assert_eq!(c.retry, RetryPolicy::default());
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
        for (v, ok) in [
            ("1", Some(1)),
            ("16", Some(16)),
            (" 2 ", Some(2)),
            ("0", None),
            ("17", None),
            ("x", None),
        ] {
            let c = Config::load(|k| (k == "max_in_flight").then(|| v.into()));
            match ok {
                Some(n) => assert_eq!(c.unwrap().retry.max_in_flight, n, "{v:?}"),
                None => assert_eq!(
                    c.unwrap_err().message(),
                    "max_in_flight must be a whole number between 1 and 16",
                    "{v:?}"
                ),
            }
        }
        for bad in [
            "0",
            "0.000",
            "0.0005",
            "601",
            "600.001",
            "-1",
            "1.",
            ".5",
            "1e3",
            "1.2.3",
            "18446744073709551616",
        ] {
            let e = Config::load(|k| (k == "upstream_first_byte_timeout_seconds").then(|| bad.into())).unwrap_err();
            assert_eq!(
                e.message(),
                "upstream_first_byte_timeout_seconds must be a number of seconds between 0.001 and 600 (at most three decimals)",
                "{bad}"
            );
        }
        let e = Config::load(|k| (k == "retry_first_backoff_seconds").then(|| "61".into())).unwrap_err();
        assert_eq!(
            e.message(),
            "retry_first_backoff_seconds must be a number of seconds between 0.001 and 60 (at most three decimals)"
        );
    }

    #[test]
    fn timeouts_default_and_are_configurable() {
        assert_eq!(Config::load(|_| None).unwrap().timeouts, Timeouts::default());
        assert_eq!(
            Timeouts::default(),
            Timeouts {
                connect_ms: 5_000,
                first_byte_ms: 20_000,
                between_bytes_ms: 10_000
            }
        );
        let c = Config::load(|k| match k {
            "upstream_connect_timeout_seconds" => Some("2".into()),
            "upstream_first_byte_timeout_seconds" => Some(" 1 ".into()),
            "upstream_between_bytes_timeout_seconds" => Some("600".into()),
            _ => None,
        })
        .unwrap();
        assert_eq!(
            c.timeouts,
            Timeouts {
                connect_ms: 2_000,
                first_byte_ms: 1_000,
                between_bytes_ms: 600_000
            }
        );
    }

    #[test]
    fn timeouts_and_the_first_backoff_take_fractional_seconds() {
        let c = Config::load(|k| match k {
            "upstream_connect_timeout_seconds" => Some("0.001".into()),
            "upstream_first_byte_timeout_seconds" => Some("0.2".into()),
            "upstream_between_bytes_timeout_seconds" => Some("1.25".into()),
            "retry_first_backoff_seconds" => Some("0.05".into()),
            _ => None,
        })
        .unwrap();
        assert_eq!(
            c.timeouts,
            Timeouts {
                connect_ms: 1,
                first_byte_ms: 200,
                between_bytes_ms: 1_250
            }
        );
        assert_eq!(c.retry.first_backoff_ms, 50);
    }

    #[test]
    fn allowed_hosts_parse_or_name_the_bad_entry() {
        let c = Config::load(|k| (k == "allowed_hosts").then(|| "mcp.example.com, https://app.example.com".into()))
            .unwrap();
        assert_eq!(
            c.allowed_hosts,
            AllowedHosts::parse("mcp.example.com https://app.example.com").unwrap()
        );
        assert_eq!(Config::load(|_| None).unwrap().allowed_hosts, AllowedHosts::default());
        let e = Config::load(|k| (k == "allowed_hosts").then(|| "http://app.example.com".into())).unwrap_err();
        assert_eq!(e.code(), "configuration");
        assert!(
            e.message().starts_with("allowed_hosts: \"http://app.example.com\""),
            "{}",
            e.message()
        );
    }

    #[test]
    fn read_only_is_a_strict_boolean_and_the_older_spelling_of_access_read() {
        let load = |v: &'static str| Config::load(move |k| (k == "read_only").then(|| v.into()));
        assert_eq!(load("").unwrap().access, Access::Write);
        assert_eq!(load("false").unwrap().access, Access::Write);
        assert_eq!(load("true").unwrap().access, Access::Read);
        assert_eq!(load(" TRUE ").unwrap().access, Access::Read);
        assert_eq!(load("yes please").unwrap_err().code(), "configuration");
        assert_eq!(Config::load(|_| None).unwrap().access, Access::Write);
    }

    #[test]
    fn access_is_read_write_or_all_and_write_by_default() {
        let load = |a: &'static str, ro: &'static str| {
            Config::load(move |k| match k {
                "access" => Some(a.into()),
                "read_only" => Some(ro.into()),
                _ => None,
            })
        };
        assert_eq!(load("", "").unwrap().access, Access::Write);
        assert_eq!(load("read", "").unwrap().access, Access::Read);
        assert_eq!(load(" Write ", "false").unwrap().access, Access::Write);
        assert_eq!(load("ALL", "").unwrap().access, Access::All);
        assert_eq!(load("read", "true").unwrap().access, Access::Read);
        for (a, ro) in [("everything", ""), ("all", "true"), ("write", "true")] {
            let e = load(a, ro).unwrap_err();
            assert_eq!(e.code(), "configuration", "{a} {ro}");
            assert!(e.message().contains("access"), "{}", e.message());
        }
        assert!(Access::Read < Access::Write && Access::Write < Access::All);
    }
}
