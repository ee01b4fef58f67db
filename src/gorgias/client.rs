//! How requests are sent: one [`Client`] per operation adds the endpoint
//! and credentials, retries within one wait budget, paces near the rate
//! limit and follows same-origin redirects for reads.
//!
//! Everything here is pure except [`Transport::send`] and [`Transport::sleep_ms`],
//! which the edge implements with `wasi:http` and `wasi:clocks` (and tests with
//! a script).

use super::endpoint::{Connection, Credentials, Endpoint, credential_secrets};
use super::request::ApiRequest;
use super::transport::{MAX_RESPONSE_BYTES, Outgoing, Response, Transport, TransportError};
use super::{pacing, redirect};
use crate::error::{Error, classify_at, note_unsent_write, retry_after_seconds};

/// The `User-Agent` sent with every request (Gorgias's WAF blocks some defaults).
pub const USER_AGENT: &str = concat!("gorgias-connector/", env!("CARGO_PKG_VERSION"));

/// Retry budget: how many attempts per request, and how long all waits of
/// one operation (retries and pacing) may add up to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all, including the first (1 = no retry).
    pub max_attempts: u32,
    /// Upper bound on the sum of all waits of one operation: between
    /// attempts and before paced calls ([`crate::gorgias::pacing`]).
    pub max_wait_ms: u64,
    /// The first backoff (after a 5xx, timeout or refused connection); it
    /// doubles per attempt up to 32 times this.
    pub first_backoff_ms: u64,
    /// How many independent requests of one operation may be in flight at
    /// once ([`Client::send_all`]); near the rate limit it is one.
    pub max_in_flight: usize,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 5,
            max_wait_ms: 20_000,
            first_backoff_ms: 500,
            max_in_flight: super::transport::DEFAULT_MAX_IN_FLIGHT,
        }
    }
}

/// Sends [`ApiRequest`]s to one account with one set of credentials.
pub struct Client<'t> {
    transport: &'t mut dyn Transport,
    endpoint: Endpoint,
    authorization: String,
    policy: RetryPolicy,
    /// Strings that must never appear in an error: the key, `email:key`, its
    /// base64; with [`Client::redacting`], the operator's configured ones too.
    secrets: Vec<String>,
    /// The operation name used in error messages.
    pub operation: &'static str,
    /// Milliseconds waited so far in this operation (retries and pacing),
    /// bounded by `policy.max_wait_ms`.
    waited_ms: u64,
    /// The wait before the next call, from the last answer's quota header.
    pace_ms: u64,
}

impl<'t> Client<'t> {
    /// A client for `conn`, sending to `base` when the operator set one.
    pub fn new(
        transport: &'t mut dyn Transport,
        conn: &Connection,
        base: Option<&Endpoint>,
        policy: RetryPolicy,
        operation: &'static str,
    ) -> Result<Self, Error> {
        let endpoint = Endpoint::for_account(&conn.account)?;
        let endpoint = base.cloned().unwrap_or(endpoint);
        let (authorization, secrets) = match &conn.credentials {
            Credentials::ApiKey { email, api_key } => {
                if email.trim().is_empty() {
                    return Err(Error::invalid("email", "the Gorgias user email is required"));
                }
                if api_key.is_empty() {
                    return Err(Error::invalid("apiKey", "the Gorgias API key is required"));
                }
                if email.contains(':') || email.chars().any(char::is_control) {
                    return Err(Error::invalid("email", "must not contain ':' or control characters"));
                }
                if api_key.chars().any(char::is_control) {
                    return Err(Error::invalid("apiKey", "must not contain control characters"));
                }
                let secrets = credential_secrets(email, api_key);
                (format!("Basic {}", secrets[0]), secrets.to_vec())
            }
            Credentials::AccessToken(token) => {
                if token.is_empty() {
                    return Err(Error::invalid("accessToken", "the OAuth access token is required"));
                }
                if token.chars().any(|c| c.is_control() || c.is_whitespace()) {
                    return Err(Error::invalid(
                        "accessToken",
                        "must not contain spaces or control characters",
                    ));
                }
                (format!("Bearer {token}"), vec![token.clone()])
            }
        };
        Ok(Client {
            transport,
            endpoint,
            authorization,
            policy,
            secrets,
            operation,
            waited_ms: 0,
            pace_ms: 0,
        })
    }

    /// Also keeps the operator's configured secrets out of every error, when
    /// this call uses other credentials too: a caller who sends its own key
    /// must not learn the operator's from an upstream answer that echoes it.
    /// `secrets` are the operator's ([`crate::config::Config::secrets`]).
    pub fn redacting(mut self, secrets: Vec<String>) -> Self {
        // Longer first, so a secret inside another one does not split it
        // (an insertion, not a sort: the sort code would cost 5 KB).
        for s in secrets {
            let at = self.secrets.iter().position(|x| x.len() < s.len());
            self.secrets.insert(at.unwrap_or(self.secrets.len()), s);
        }
        self
    }

    /// Builds the wire request for `req`.
    pub fn outgoing(&self, req: &ApiRequest) -> Outgoing {
        let mut headers = vec![
            ("authorization".to_string(), self.authorization.clone()),
            ("accept".to_string(), "application/json".to_string()),
            ("user-agent".to_string(), USER_AGENT.to_string()),
        ];
        let body = req.body.as_ref().map(|b| {
            headers.push(("content-type".to_string(), "application/json".to_string()));
            b.to_string().into_bytes()
        });
        Outgoing {
            method: req.method,
            scheme: self.endpoint.scheme,
            authority: self.endpoint.authority.clone(),
            path_and_query: format!("{}{}", self.endpoint.prefix, req.path_and_query()),
            headers,
            body,
        }
    }

    /// Sends `req`, retrying within the budget where that is safe, and returns
    /// the 2xx response. Errors carry the operation name.
    ///
    /// - Pacing: when the previous answer of this operation showed the
    ///   account's bucket nearly full ([`crate::gorgias::pacing`]), waits first.
    /// - 429: Gorgias did not process the request, so any method is retried
    ///   after `Retry-after` if the budget covers the wait.
    /// - 5xx, timeouts, resets: retried with backoff only for idempotent requests.
    /// - Refused connections: the request never left, so any method is retried.
    /// - 301/302/307/308: a `GET` follows a `Location` on the same origin, at
    ///   most [`redirect::MAX_HOPS`] times; any other redirect is `upstream`.
    ///
    /// All waits of one client (one operation) add up to at most
    /// `policy.max_wait_ms`.
    pub fn send(&mut self, req: &ApiRequest) -> Result<Response, Error> {
        match self.send_with(req, None)? {
            Sent::Answer(resp) => Ok(resp),
            // Without a look-up there is nothing else to answer.
            Sent::Found => Err(self.finish(no_answer())),
        }
    }

    /// Sends a create that carries idempotency key `key` (in its record's
    /// `external_id`), so that a lost answer can be settled by looking the key
    /// up: when the answer is lost after the request left (a timeout, a
    /// reset, a body cut off, a 5xx), `look` is asked whether the record
    /// exists. It does: [`Sent::Found`] (`look` kept the record). It does
    /// not: the create is resent, which is now safe, within the same attempts
    /// and wait budget as any retry. The look-up fails: the old "may have
    /// been applied" error, naming the key. `caller_key`: the key is the
    /// caller's own, so repeating the call with it is safe (retryable).
    pub fn send_keyed(
        &mut self,
        req: &ApiRequest,
        key: &str,
        caller_key: bool,
        look: &mut dyn FnMut(&mut Client<'t>) -> Result<bool, Error>,
    ) -> Result<Sent, Error> {
        self.send_with(req, Some(Keyed { key, caller_key, look }))
    }

    /// What an ambiguous loss of a keyed create becomes (see [`Client::send_keyed`]):
    /// `Ok(true)` found, `Ok(false)` resend, `Err` the error to answer.
    fn settle_lost(&mut self, keyed: &mut Keyed<'_, 't>, error: Error, attempt: u32) -> Result<bool, Error> {
        let key = keyed.key;
        // Let a request that is still being processed land before looking.
        let wait = self.policy.backoff_ms(attempt);
        if wait <= self.budget_left() {
            self.transport.sleep_ms(wait);
            self.waited_ms += wait;
        }
        match (keyed.look)(self) {
            Ok(true) => Ok(true),
            Ok(false) if attempt < self.policy.max_attempts => Ok(false),
            Ok(false) => Err(self.finish(rephrase(
                error,
                &format!(
                    "; no record carries its idempotency key {key:?}, so it was not applied: repeat the call with idempotencyKey {key:?}"
                ),
                true,
            ))),
            Err(e) => {
                let why = e.message();
                Err(self.finish(rephrase(
                    error,
                    &format!(
                        "; looking up its idempotency key {key:?} failed ({why}), so the write may have been applied: \
                         repeat the call with idempotencyKey {key:?}, which answers the record if it exists and writes it if not"
                    ),
                    keyed.caller_key,
                )))
            }
        }
    }

    /// Sends `req` (see [`Client::send`]); with `keyed`, a lost answer of a
    /// create is settled by looking its key up (see [`Client::send_keyed`]).
    fn send_with(&mut self, req: &ApiRequest, mut keyed: Option<Keyed<'_, 't>>) -> Result<Sent, Error> {
        let mut out = self.outgoing(req);
        let idempotent = req.idempotent();
        let mut attempt: u32 = 1;
        let mut hops: u32 = 0;
        self.pace();
        loop {
            let result = self.transport.send(&out);
            if let Ok(resp) = &result {
                self.pace_ms = pacing::delay_after(&resp.headers);
            }
            let (error, wait_ms, lost) = match self.judge(&mut out, idempotent, attempt, &mut hops, result) {
                Judged::Answer(resp) => return Ok(Sent::Answer(resp)),
                Judged::Redirected => continue,
                Judged::Final(e) => return Err(self.finish(e)),
                Judged::Failed { error, wait_ms, lost } => (error, wait_ms, lost),
            };
            if lost
                && !idempotent
                && let Some(k) = keyed.as_mut()
            {
                // Found: answered. Not found: resent at once (the look-up
                // waited the backoff). Else the error, rephrased.
                if self.settle_lost(k, error, attempt)? {
                    return Ok(Sent::Found);
                }
                attempt += 1;
                continue;
            }
            match self.fits(wait_ms, attempt) {
                Some(w) => {
                    self.transport.sleep_ms(w);
                    self.waited_ms += w;
                    attempt += 1;
                }
                None => return Err(self.finish(error)),
            }
        }
    }

    /// Sends independent `reqs` together, at most `policy.max_in_flight` in
    /// flight at once, and answers each as [`Client::send`] would have: each
    /// is retried, redirected and refused a resend by the same rules, on its
    /// own (a 429 on one resends that one only, after its `Retry-After`);
    /// waits between rounds are shared, within the one wait budget. When an
    /// answer shows the account near its rate limit, the rest go one at a
    /// time, spaced as [`Client::send`] spaces them. For requests that
    /// carry no idempotency key ([`Client::send_keyed`] sends those one at a
    /// time): a write whose answer was lost is reported, never resent.
    pub fn send_all(&mut self, reqs: &[ApiRequest]) -> Vec<Result<Response, Error>> {
        struct Member {
            out: Outgoing,
            idempotent: bool,
            attempt: u32,
            hops: u32,
        }
        let mut members: Vec<Member> = reqs
            .iter()
            .map(|r| Member {
                out: self.outgoing(r),
                idempotent: r.idempotent(),
                attempt: 1,
                hops: 0,
            })
            .collect();
        let mut results: Vec<Option<Result<Response, Error>>> = reqs.iter().map(|_| None).collect();
        let mut pending: Vec<usize> = (0..reqs.len()).collect();
        while !pending.is_empty() {
            // Near the limit: one at a time, after the pace.
            let round: Vec<usize> = if self.pace_ms > 0 {
                vec![pending.remove(0)]
            } else {
                std::mem::take(&mut pending)
            };
            self.pace();
            let outs: Vec<Outgoing> = round.iter().map(|&i| members[i].out.clone()).collect();
            let in_flight = if round.len() > 1 {
                self.policy.max_in_flight.max(1)
            } else {
                1
            };
            let answers = self.transport.send_all(&outs, in_flight);
            let mut wait: u64 = 0;
            let mut pace: Option<u64> = None;
            for (i, result) in round.into_iter().zip(answers) {
                if let Ok(resp) = &result {
                    pace = Some(pace.unwrap_or(0).max(pacing::delay_after(&resp.headers)));
                }
                let m = &mut members[i];
                let (error, wait_ms) = match self.judge(&mut m.out, m.idempotent, m.attempt, &mut m.hops, result) {
                    Judged::Answer(resp) => {
                        results[i] = Some(Ok(resp));
                        continue;
                    }
                    Judged::Redirected => {
                        pending.push(i);
                        continue;
                    }
                    Judged::Final(e) => {
                        results[i] = Some(Err(self.finish(e)));
                        continue;
                    }
                    Judged::Failed { error, wait_ms, .. } => (error, wait_ms),
                };
                match self.fits(wait_ms, members[i].attempt) {
                    Some(w) => {
                        wait = wait.max(w);
                        members[i].attempt += 1;
                        pending.push(i);
                    }
                    None => results[i] = Some(Err(self.finish(error))),
                }
            }
            if let Some(p) = pace {
                self.pace_ms = p;
            }
            if wait > 0 {
                self.transport.sleep_ms(wait);
                self.waited_ms += wait;
            }
            pending.sort_unstable();
        }
        results
            .into_iter()
            .map(|r| r.unwrap_or_else(|| Err(self.finish(no_answer()))))
            .collect()
    }

    /// Waits the pace the last answer asked for, within the budget.
    fn pace(&mut self) {
        let pace = std::mem::take(&mut self.pace_ms).min(self.budget_left());
        if pace > 0 {
            self.transport.sleep_ms(pace);
            self.waited_ms += pace;
        }
    }

    /// The wait before resending after failed attempt `attempt`, when one
    /// is wanted (`wait_ms`), attempts are left and the budget covers it.
    fn fits(&self, wait_ms: Option<u64>, attempt: u32) -> Option<u64> {
        let budget = self.budget_left();
        wait_ms.filter(|w| attempt < self.policy.max_attempts && *w <= budget)
    }

    /// What one attempt's `result` means for request `out` (the same rules
    /// for [`Client::send`] and every member of [`Client::send_all`]): a
    /// redirect it follows rewrites `out`.
    fn judge(
        &mut self,
        out: &mut Outgoing,
        idempotent: bool,
        attempt: u32,
        hops: &mut u32,
        result: Result<Response, TransportError>,
    ) -> Judged {
        // Whether the answer of a request that may have arrived was lost.
        let lost = match &result {
            Ok(resp) => (500..600).contains(&resp.status),
            Err(TransportError::MaybeSent(_) | TransportError::Body { .. }) => true,
            Err(_) => false,
        };
        let (error, wait_ms) = match result {
            Ok(resp) if (200..300).contains(&resp.status) => return Judged::Answer(resp),
            Ok(resp) if redirect::is_redirect(resp.status) => {
                let next = redirect::target(
                    out.scheme,
                    &out.authority,
                    &out.path_and_query,
                    redirect::location(&resp.headers),
                );
                match next {
                    Ok(path) if idempotent && *hops < redirect::MAX_HOPS => {
                        *hops += 1;
                        out.path_and_query = path;
                        return Judged::Redirected;
                    }
                    next => {
                        let why = match next {
                            Err(refused) => refused.reason(),
                            Ok(_) if !idempotent => "a redirect, not followed for a write",
                            Ok(_) => "too many redirects",
                        };
                        return Judged::Final(Error::Upstream(crate::error::ApiError {
                            status: resp.status,
                            message: format!("gorgias answered {}: {why}", resp.status),
                            field_errors: Vec::new(),
                            retryable: false,
                        }));
                    }
                }
            }
            Ok(resp) => {
                let now = self.transport.now_unix_seconds();
                let err = classify_at(resp.status, &resp.headers, &resp.body, idempotent, now);
                let wait = match &err {
                    Error::RateLimited { .. } => {
                        Some(u64::from(retry_after_seconds(&resp.headers, now).unwrap_or(1)) * 1000)
                    }
                    e if e.retryable() => Some(self.policy.backoff_ms(attempt)),
                    _ => None,
                };
                (err, wait)
            }
            Err(TransportError::NotSent(m)) => (
                Error::Transport {
                    message: format!("request not sent: {m}"),
                    request_sent: false,
                    retryable: true,
                },
                Some(self.policy.backoff_ms(attempt)),
            ),
            Err(TransportError::MaybeSent(m)) => (
                Error::Transport {
                    message: note_unsent_write(format!("no response: {m}"), idempotent),
                    request_sent: true,
                    retryable: idempotent,
                },
                idempotent.then(|| self.policy.backoff_ms(attempt)),
            ),
            // A body that broke off is a connection failure: reads are
            // retried like a reset; a write's status line already arrived.
            Err(TransportError::Body { status, message }) => (
                Error::InvalidResponse {
                    status,
                    message: note_unsent_write(message, idempotent),
                    retryable: idempotent,
                },
                idempotent.then(|| self.policy.backoff_ms(attempt)),
            ),
            // The same answer would come back: no retry.
            Err(TransportError::TooLarge { status }) => (
                Error::InvalidResponse {
                    status,
                    message: note_unsent_write(
                        format!("response body larger than {MAX_RESPONSE_BYTES} bytes"),
                        idempotent,
                    ),
                    retryable: false,
                },
                None,
            ),
        };
        Judged::Failed { error, wait_ms, lost }
    }

    /// A random idempotency key: [`KEY_PREFIX`] and 128 bits in hex, from the
    /// transport's random source.
    pub fn random_key(&mut self) -> String {
        let mut bytes = [0u8; 16];
        self.transport.random_bytes(&mut bytes);
        let mut key = String::from(KEY_PREFIX);
        for b in bytes {
            key.push(char::from_digit(u32::from(b >> 4), 16).unwrap_or('0'));
            key.push(char::from_digit(u32::from(b & 15), 16).unwrap_or('0'));
        }
        key
    }

    /// What is left of this operation's wait budget.
    fn budget_left(&self) -> u64 {
        self.policy.max_wait_ms.saturating_sub(self.waited_ms)
    }

    /// Sends `req` and decodes the 2xx JSON body with `parse`.
    pub fn call<O>(&mut self, req: &ApiRequest, parse: impl FnOnce(&[u8]) -> Result<O, String>) -> Result<O, Error> {
        let resp = self.send(req)?;
        parse(&resp.body).map_err(|m| self.invalid_response(req, resp.status, &m))
    }

    /// Sends independent `reqs` together ([`Client::send_all`]) and decodes
    /// each 2xx JSON body with `parse`, as [`Client::call`] does one.
    pub fn call_all<O>(
        &mut self,
        reqs: &[ApiRequest],
        parse: impl Fn(&[u8]) -> Result<O, String>,
    ) -> Vec<Result<O, Error>> {
        let answers = self.send_all(reqs);
        reqs.iter()
            .zip(answers)
            .map(|(req, a)| {
                a.and_then(|resp| parse(&resp.body).map_err(|m| self.invalid_response(req, resp.status, &m)))
            })
            .collect()
    }

    /// The error for a 2xx body `call`'s parser refused. Not generic, so the
    /// ten instantiations of `call` share it.
    fn invalid_response(&self, req: &ApiRequest, status: u16, m: &str) -> Error {
        self.finish(Error::InvalidResponse {
            status,
            message: format!("unexpected response from {} {}: {m}", req.method.as_str(), req.path),
            retryable: req.idempotent(),
        })
    }

    /// Names the operation and removes the credentials from an error: an
    /// upstream body (a proxy's error page, a decode error quoting a value)
    /// may echo what was sent. Operations that build an error from a response
    /// themselves pass it through here.
    pub fn finish(&self, e: Error) -> Error {
        e.in_operation(self.operation).redact(&self.secrets)
    }

    /// The transport's wall-clock time, seconds since the Unix epoch
    /// (`None` when the host has no clock): for a field that must say "now".
    pub fn now_unix_seconds(&mut self) -> Option<u64> {
        self.transport.now_unix_seconds()
    }
}

/// The prefix of the keys the connector makes up when the caller gave none.
pub const KEY_PREFIX: &str = "gc-";

/// What one attempt's result means for its request ([`Client::judge`]).
enum Judged {
    /// A 2xx answer.
    Answer(Response),
    /// A redirect that is followed: send again to the new path, at once.
    Redirected,
    /// An error that no resend changes.
    Final(Error),
    /// An error; resent after `wait_ms` if wanted, within attempts and budget.
    Failed {
        /// The error to answer if it is not resent.
        error: Error,
        /// The wait before a resend, when one is safe.
        wait_ms: Option<u64>,
        /// Whether the answer of a request that may have arrived was lost.
        lost: bool,
    },
}

/// The error for a request that got no answer at all (cannot happen: every
/// member of a batch ends with an answer or an error).
pub(crate) fn no_answer() -> Error {
    Error::InvalidResponse {
        status: 0,
        message: "no answer".into(),
        retryable: false,
    }
}

/// What [`Client::send_keyed`] ended with.
#[derive(Debug)]
pub enum Sent {
    /// Gorgias's 2xx answer.
    Answer(Response),
    /// The answer was lost, and the look-up found the record (the look-up
    /// closure kept it).
    Found,
}

/// A keyed create's look-up (see [`Client::send_keyed`]).
struct Keyed<'a, 't> {
    key: &'a str,
    caller_key: bool,
    look: &'a mut dyn FnMut(&mut Client<'t>) -> Result<bool, Error>,
}

/// `e` with `note` instead of the "may have been applied" note, and `retryable`.
fn rephrase(e: Error, note: &str, retryable: bool) -> Error {
    let say = |m: &mut String| {
        let base = m
            .split("; the write may have been applied")
            .next()
            .unwrap_or("")
            .to_string();
        *m = format!("{base}{note}");
    };
    match e {
        Error::Transport {
            mut message,
            request_sent,
            ..
        } => {
            say(&mut message);
            Error::Transport {
                message,
                request_sent,
                retryable,
            }
        }
        Error::InvalidResponse {
            status, mut message, ..
        } => {
            say(&mut message);
            Error::InvalidResponse {
                status,
                message,
                retryable,
            }
        }
        Error::Upstream(mut a) => {
            say(&mut a.message);
            a.retryable = retryable;
            Error::Upstream(a)
        }
        other => other,
    }
}

impl RetryPolicy {
    /// The wait after failed attempt `attempt` (1-based): the first backoff,
    /// doubled per attempt, at most 32 times it (0.5 s, 1 s, … 16 s by default).
    fn backoff_ms(&self, attempt: u32) -> u64 {
        self.first_backoff_ms
            .saturating_mul(1 << attempt.saturating_sub(1).min(5))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gorgias::endpoint::{Scheme, base64};
    use crate::gorgias::request::Method;
    use crate::gorgias::testing::{Scripted, conn};

    fn rate_limited(secs: &str) -> Result<Response, TransportError> {
        Ok(Response {
            status: 429,
            headers: vec![("Retry-after".into(), secs.into())],
            body: vec![],
        })
    }

    #[test]
    fn outgoing_has_basic_auth_user_agent_and_encoded_query() {
        let mut t = Scripted::default();
        let c = Client::new(&mut t, &conn(), None, RetryPolicy::default(), "find-customer-by-email").unwrap();
        let o = c.outgoing(&ApiRequest::get(
            "/api/customers",
            vec![("email".into(), "a+b@x.com".into())],
        ));
        assert_eq!(o.authority, "acme.gorgias.com");
        assert_eq!(o.scheme, Scheme::Https);
        assert_eq!(o.path_and_query, "/api/customers?email=a%2Bb%40x.com");
        assert!(o.headers.contains(&(
            "authorization".into(),
            format!("Basic {}", base64(b"agent@acme.com:s3cr3t-key"))
        )));
        assert!(
            o.headers
                .iter()
                .any(|(k, v)| k == "user-agent" && v.starts_with("gorgias-connector/"))
        );
        assert!(
            !format!("{o:?}").contains(&base64(b"agent@acme.com:s3cr3t-key")),
            "Debug redacts auth"
        );
    }

    #[test]
    fn base_url_replaces_host_but_not_credentials() {
        let mut t = Scripted::default();
        let base = Endpoint::parse_base_url("http://127.0.0.1:9/prefix").unwrap();
        let c = Client::new(&mut t, &conn(), Some(&base), RetryPolicy::default(), "get-ticket").unwrap();
        let o = c.outgoing(&ApiRequest::get("/api/tickets/1", vec![]));
        assert_eq!(
            (o.authority.as_str(), o.path_and_query.as_str()),
            ("127.0.0.1:9", "/prefix/api/tickets/1")
        );
    }

    #[test]
    fn bad_account_is_refused_even_with_a_base_url() {
        let mut t = Scripted::default();
        let base = Endpoint::parse_base_url("http://127.0.0.1:9").unwrap();
        let bad = Connection {
            account: "evil.com/".into(),
            ..conn()
        };
        assert!(Client::new(&mut t, &bad, Some(&base), RetryPolicy::default(), "x").is_err());
    }

    fn with_headers(status: u16, headers: &[(&str, &str)], body: &str) -> Result<Response, TransportError> {
        Ok(Response {
            status,
            headers: headers.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
            body: body.as_bytes().to_vec(),
        })
    }

    fn quota(v: &str) -> Result<Response, TransportError> {
        with_headers(200, &[("X-Gorgias-Account-Api-Call-Limit", v)], "{}")
    }

    #[test]
    fn calls_after_an_answer_near_the_limit_are_spaced() {
        let mut t = Scripted::new(vec![quota("10/40"), quota("38/40"), quota("40/40"), quota("junk")]);
        let mut c = Client::new(&mut t, &conn(), None, RetryPolicy::default(), "add-ticket-tags").unwrap();
        for _ in 0..4 {
            c.send(&ApiRequest::get("/api/tags", vec![])).unwrap();
        }
        // No wait before the first call nor after 10/40; 2 s after 38/40
        // (drains to 34), 3 s after 40/40; an unreadable header means no wait.
        assert_eq!(t.slept, vec![2_000, 3_000]);
        assert_eq!(t.sent.len(), 4);
    }

    #[test]
    fn pacing_and_retries_share_one_budget_per_operation() {
        let mut t = Scripted::new(vec![
            quota("40/40"),
            with_headers(429, &[("Retry-after", "15")], ""),
            with_headers(429, &[("Retry-after", "5")], ""),
        ]);
        let mut c = Client::new(&mut t, &conn(), None, RetryPolicy::default(), "add-ticket-tags").unwrap();
        c.send(&ApiRequest::get("/api/tags", vec![])).unwrap();
        let e = c
            .send(&ApiRequest::with_body(Method::Post, "/api/tags", serde_json::json!({})))
            .unwrap_err();
        // 3 s of pacing + 15 s after the first 429 = 18 s; 5 s more would pass 20 s.
        assert_eq!(t.slept, vec![3_000, 15_000]);
        assert_eq!((e.code(), e.retryable()), ("rate-limited", true));
        assert_eq!(t.sent.len(), 3);
    }

    #[test]
    fn a_pace_longer_than_the_budget_left_is_cut_to_it() {
        let mut t = Scripted::new(vec![quota("40/40"), quota("1/40")]);
        let policy = RetryPolicy {
            max_wait_ms: 1_200,
            ..RetryPolicy::default()
        };
        let mut c = Client::new(&mut t, &conn(), None, policy, "add-ticket-tags").unwrap();
        c.send(&ApiRequest::get("/api/tags", vec![])).unwrap();
        c.send(&ApiRequest::get("/api/tags", vec![])).unwrap();
        assert_eq!(t.slept, vec![1_200]);
    }

    #[test]
    fn a_429_write_is_retried_because_gorgias_did_not_apply_it() {
        let mut t = Scripted::new(vec![
            with_headers(
                429,
                &[("Retry-after", "1"), ("X-Gorgias-Account-Api-Call-Limit", "40/40")],
                "",
            ),
            Scripted::json(201, "{}"),
        ]);
        let mut c = Client::new(&mut t, &conn(), None, RetryPolicy::default(), "create-ticket").unwrap();
        c.send(&ApiRequest::with_body(
            Method::Post,
            "/api/tickets",
            serde_json::json!({}),
        ))
        .unwrap();
        assert_eq!((t.sent.len(), t.slept.clone()), (2, vec![1_000]));
    }

    fn moved(status: u16, location: &str) -> Result<Response, TransportError> {
        with_headers(status, &[("Location", location)], "")
    }

    #[test]
    fn a_read_follows_same_host_redirects_with_its_credentials() {
        let mut t = Scripted::new(vec![
            moved(301, "/api/tickets/2"),
            moved(308, "https://acme.gorgias.com/api/tickets/3"),
            moved(302, "4"),
            Scripted::json(200, "{}"),
        ]);
        let mut c = Client::new(&mut t, &conn(), None, RetryPolicy::default(), "get-ticket").unwrap();
        assert_eq!(c.send(&ApiRequest::get("/api/tickets/1", vec![])).unwrap().status, 200);
        assert_eq!(
            t.lines(),
            [
                "GET /api/tickets/1",
                "GET /api/tickets/2",
                "GET /api/tickets/3",
                "GET /api/tickets/4"
            ]
        );
        assert!(
            t.sent
                .iter()
                .all(|o| o.authority == "acme.gorgias.com" && o.headers == t.sent[0].headers)
        );
        assert!(t.slept.is_empty());
    }

    fn redirect_error(answers: Vec<Result<Response, TransportError>>, req: &ApiRequest) -> (Error, Vec<String>) {
        let mut t = Scripted::new(answers);
        let mut c = Client::new(&mut t, &conn(), None, RetryPolicy::default(), "get-ticket").unwrap();
        let e = c.send(req).unwrap_err();
        (e, t.lines())
    }

    fn upstream(status: u16, why: &str) -> Error {
        Error::Upstream(crate::error::ApiError {
            status,
            message: format!("get-ticket: gorgias answered {status}: {why}"),
            field_errors: vec![],
            retryable: false,
        })
    }

    #[test]
    fn a_fourth_redirect_is_an_upstream_error() {
        let get = ApiRequest::get("/api/tickets/1", vec![]);
        let (e, lines) = redirect_error((0..4).map(|_| moved(301, "/api/tickets/1")).collect(), &get);
        assert_eq!(e, upstream(301, "too many redirects"));
        assert_eq!(lines.len(), 4, "the first request and three hops");
    }

    #[test]
    fn redirects_elsewhere_without_location_or_for_writes_are_upstream_errors() {
        let get = ApiRequest::get("/api/tickets/1", vec![]);
        let (e, lines) = redirect_error(vec![moved(301, "https://evil.example/api/tickets/2")], &get);
        assert_eq!(e, upstream(301, "a redirect to another host, not followed"));
        assert_eq!(lines, ["GET /api/tickets/1"], "nothing sent to the other host");
        assert!(!e.message().contains("evil"), "{e}");

        let (e, _) = redirect_error(vec![Scripted::json(307, "")], &get);
        assert_eq!(e, upstream(307, "a redirect without a Location header"));

        let put = ApiRequest::with_body(Method::Put, "/api/tickets/1", serde_json::json!({}));
        let (e, lines) = redirect_error(vec![moved(308, "/api/tickets/2")], &put);
        assert_eq!(e, upstream(308, "a redirect, not followed for a write"));
        assert_eq!(lines.len(), 1, "a write is never sent twice");
    }

    #[test]
    fn an_access_token_is_sent_as_bearer_and_redacted() {
        let mut t = Scripted::new(vec![Scripted::json(
            401,
            r#"{"error": {"msg": "bad token oauth-t0ken"}}"#,
        )]);
        let oauth = Connection::access_token("acme", "oauth-t0ken");
        assert!(!format!("{oauth:?}").contains("oauth-t0ken"), "{oauth:?}");
        let mut c = Client::new(&mut t, &oauth, None, RetryPolicy::default(), "get-ticket").unwrap();
        let o = c.outgoing(&ApiRequest::get("/api/tickets/1", vec![]));
        assert!(
            o.headers
                .contains(&("authorization".into(), "Bearer oauth-t0ken".into()))
        );
        assert!(!format!("{o:?}").contains("oauth-t0ken"));
        let e = c.send(&ApiRequest::get("/api/tickets/1", vec![])).unwrap_err();
        assert_eq!(
            (e.code(), e.message()),
            (
                "unauthorized",
                "get-ticket: gorgias answered 401: bad token <redacted>".to_string()
            )
        );
    }

    #[test]
    fn an_empty_or_spaced_access_token_is_invalid_input() {
        for (token, why) in [
            ("", "the OAuth access token is required"),
            ("a b", "must not contain spaces or control characters"),
            ("a\nb", "must not contain spaces or control characters"),
        ] {
            let mut t = Scripted::default();
            let e = Client::new(
                &mut t,
                &Connection::access_token("acme", token),
                None,
                RetryPolicy::default(),
                "x",
            )
            .err()
            .unwrap();
            assert_eq!(e, Error::invalid("accessToken", why), "{token:?}");
            assert!(t.sent.is_empty());
        }
    }

    #[test]
    fn retries_429_within_budget_then_succeeds() {
        let mut t = Scripted::new(vec![rate_limited("2"), rate_limited("3"), Scripted::json(200, "{}")]);
        let mut c = Client::new(&mut t, &conn(), None, RetryPolicy::default(), "create-ticket").unwrap();
        let r = c.send(&ApiRequest::with_body(
            Method::Post,
            "/api/tickets",
            serde_json::json!({}),
        ));
        assert_eq!(r.unwrap().status, 200);
        assert_eq!(t.slept, vec![2000, 3000]);
        assert_eq!(t.sent.len(), 3);
    }

    #[test]
    fn fails_fast_when_retry_after_exceeds_budget() {
        let mut t = Scripted::new(vec![rate_limited("30")]);
        let mut c = Client::new(&mut t, &conn(), None, RetryPolicy::default(), "get-ticket").unwrap();
        let e = c.send(&ApiRequest::get("/api/tickets/1", vec![])).unwrap_err();
        assert_eq!(
            e,
            Error::RateLimited {
                retry_after_seconds: 30,
                message: "get-ticket: gorgias answered 429".into()
            }
        );
        assert!(t.slept.is_empty());
    }

    #[test]
    fn backoff_doubles_from_the_first_and_stops_at_32_times_it() {
        let waits: Vec<u64> = (1..=8).map(|a| RetryPolicy::default().backoff_ms(a)).collect();
        assert_eq!(waits, [500, 1_000, 2_000, 4_000, 8_000, 16_000, 16_000, 16_000]);
        let fast = RetryPolicy {
            first_backoff_ms: 20,
            ..RetryPolicy::default()
        };
        assert_eq!((fast.backoff_ms(1), fast.backoff_ms(3)), (20, 80));
    }

    #[test]
    fn attempts_are_bounded() {
        let mut t = Scripted::new(vec![rate_limited("1"), rate_limited("1"), rate_limited("1")]);
        let policy = RetryPolicy {
            max_attempts: 2,
            max_wait_ms: 60_000,
            ..RetryPolicy::default()
        };
        let mut c = Client::new(&mut t, &conn(), None, policy, "get-ticket").unwrap();
        assert_eq!(
            c.send(&ApiRequest::get("/api/x", vec![])).unwrap_err().code(),
            "rate-limited"
        );
        assert_eq!(t.sent.len(), 2);
    }

    #[test]
    fn reads_retry_5xx_and_writes_do_not() {
        let mut t = Scripted::new(vec![Scripted::json(503, ""), Scripted::json(200, "[]")]);
        let mut c = Client::new(&mut t, &conn(), None, RetryPolicy::default(), "get-ticket").unwrap();
        assert!(c.send(&ApiRequest::get("/api/x", vec![])).is_ok());
        assert_eq!(t.sent.len(), 2);

        let mut t = Scripted::new(vec![Scripted::json(503, "")]);
        let mut c = Client::new(&mut t, &conn(), None, RetryPolicy::default(), "reply-to-ticket").unwrap();
        let e = c
            .send(&ApiRequest::with_body(Method::Post, "/api/x", serde_json::json!({})))
            .unwrap_err();
        assert_eq!((e.code(), e.retryable()), ("upstream", false));
        assert_eq!(t.sent.len(), 1, "a write is never sent twice");
    }

    #[test]
    fn ambiguous_write_failure_is_not_resent() {
        let mut t = Scripted::new(vec![Err(TransportError::MaybeSent("first byte timeout".into()))]);
        let mut c = Client::new(&mut t, &conn(), None, RetryPolicy::default(), "create-ticket").unwrap();
        let e = c
            .send(&ApiRequest::with_body(
                Method::Post,
                "/api/tickets",
                serde_json::json!({}),
            ))
            .unwrap_err();
        let Error::Transport {
            request_sent,
            retryable,
            message,
        } = e
        else {
            panic!()
        };
        assert!(request_sent && !retryable);
        assert!(message.contains("may have been applied"), "{message}");
        assert_eq!(t.sent.len(), 1);
    }

    #[test]
    fn broken_body_is_retried_for_reads_only() {
        let broke = || {
            Err(TransportError::Body {
                status: 200,
                message: "response body broke off: reset".into(),
            })
        };
        let mut t = Scripted::new(vec![broke(), Scripted::json(200, "{}")]);
        let mut c = Client::new(&mut t, &conn(), None, RetryPolicy::default(), "get-ticket").unwrap();
        assert!(c.send(&ApiRequest::get("/api/x", vec![])).is_ok());
        assert_eq!((t.sent.len(), t.slept.clone()), (2, vec![500]));

        let mut t = Scripted::new(vec![broke()]);
        let mut c = Client::new(&mut t, &conn(), None, RetryPolicy::default(), "create-ticket").unwrap();
        let e = c
            .send(&ApiRequest::with_body(
                Method::Post,
                "/api/tickets",
                serde_json::json!({}),
            ))
            .unwrap_err();
        assert_eq!((e.code(), e.retryable()), ("invalid-response", false));
        assert!(e.message().contains("may have been applied"), "{e}");
        assert_eq!(t.sent.len(), 1);
    }

    #[test]
    fn oversized_body_is_not_retried() {
        let mut t = Scripted::new(vec![Err(TransportError::TooLarge { status: 200 })]);
        let mut c = Client::new(&mut t, &conn(), None, RetryPolicy::default(), "get-ticket").unwrap();
        let e = c.send(&ApiRequest::get("/api/x", vec![])).unwrap_err();
        assert_eq!(
            e,
            Error::InvalidResponse {
                status: 200,
                message: format!("get-ticket: response body larger than {MAX_RESPONSE_BYTES} bytes"),
                retryable: false
            }
        );
        assert_eq!(t.sent.len(), 1);
    }

    #[test]
    fn errors_never_echo_credentials() {
        let creds = "agent@acme.com:s3cr3t-key";
        let echo = format!(
            r#"{{"error": {{"msg": "proxy saw Authorization: Basic {} user {creds}"}}}}"#,
            base64(creds.as_bytes())
        );
        let mut t = Scripted::new(vec![
            Scripted::json(400, &echo),
            Scripted::json(200, r#"{"id": "s3cr3t-key"}"#),
        ]);
        let mut c = Client::new(&mut t, &conn(), None, RetryPolicy::default(), "get-ticket").unwrap();
        let e = c.send(&ApiRequest::get("/api/x", vec![])).unwrap_err();
        assert_eq!(
            e.message(),
            "get-ticket: gorgias answered 400: proxy saw Authorization: Basic <redacted> user <redacted>"
        );
        let e = c
            .call(
                &ApiRequest::get("/api/tickets/1", vec![]),
                crate::ops::tickets::parse_ticket,
            )
            .unwrap_err();
        assert_eq!(e.code(), "invalid-response");
        // Decode errors name the field, the type and the position, never the value
        // (serde_json quoted it, and Client::finish redacted it then).
        assert!(!e.message().contains("s3cr3t"), "{e}");
        assert!(
            e.message()
                .ends_with("field `id`: expected a non-negative integer, got a string at line 1 column 19"),
            "{e}"
        );
    }

    fn gets(paths: &[&str]) -> Vec<ApiRequest> {
        paths.iter().map(|p| ApiRequest::get(*p, vec![])).collect()
    }

    fn tag_creates(names: &[&str]) -> Vec<ApiRequest> {
        names
            .iter()
            .map(|n| ApiRequest::with_body(Method::Post, "/api/tags", serde_json::json!({ "name": n })))
            .collect()
    }

    #[test]
    fn a_batch_goes_out_together_and_resends_only_the_member_that_failed() {
        let mut t = Scripted::new(vec![
            Scripted::json(200, "1"),
            Scripted::json(503, ""),
            Scripted::json(200, "3"),
            Scripted::json(200, "2"),
        ]);
        let mut c = Client::new(&mut t, &conn(), None, RetryPolicy::default(), "add-ticket-tags").unwrap();
        let got = c.send_all(&gets(&["/api/a", "/api/b", "/api/c"]));
        let bodies: Vec<Vec<u8>> = got.into_iter().map(|r| r.unwrap().body).collect();
        assert_eq!(bodies, [b"1".to_vec(), b"2".to_vec(), b"3".to_vec()]);
        assert_eq!(t.lines(), ["GET /api/a", "GET /api/b", "GET /api/c", "GET /api/b"]);
        assert_eq!((t.batches.clone(), t.slept.clone()), (vec![(3, 6), (1, 1)], vec![500]));
    }

    #[test]
    fn a_429_on_one_member_resends_that_one_after_its_retry_after() {
        let mut t = Scripted::new(vec![
            Scripted::json(200, "1"),
            rate_limited("2"),
            Scripted::json(200, "2"),
        ]);
        let mut c = Client::new(&mut t, &conn(), None, RetryPolicy::default(), "add-ticket-tags").unwrap();
        let got = c.send_all(&tag_creates(&["x", "y"]));
        assert!(got.iter().all(Result::is_ok));
        assert_eq!(t.lines(), ["POST /api/tags", "POST /api/tags", "POST /api/tags"]);
        assert_eq!(t.bodies()[2], Some(serde_json::json!({"name": "y"})));
        assert_eq!(t.slept, vec![2_000]);
    }

    #[test]
    fn near_the_limit_a_batch_goes_one_at_a_time_spaced_as_single_calls_are() {
        let mut t = Scripted::new(vec![
            quota("38/40"),
            quota("38/40"),
            quota("10/40"),
            quota("10/40"),
            quota("10/40"),
        ]);
        let mut c = Client::new(&mut t, &conn(), None, RetryPolicy::default(), "add-ticket-tags").unwrap();
        c.send(&ApiRequest::get("/api/tags", vec![])).unwrap();
        let got = c.send_all(&gets(&["/api/a", "/api/b", "/api/c", "/api/d"]));
        assert!(got.iter().all(Result::is_ok));
        // 2 s after each 38/40; once the bucket drained, the rest together.
        assert_eq!(t.batches, vec![(1, 1), (1, 1), (2, 6)]);
        assert_eq!(t.slept, vec![2_000, 2_000]);
    }

    #[test]
    fn a_lost_answer_of_a_write_in_a_batch_is_not_resent_and_the_others_answer() {
        let mut t = Scripted::new(vec![
            Err(TransportError::MaybeSent("first byte timeout".into())),
            Scripted::json(201, "{}"),
        ]);
        let mut c = Client::new(&mut t, &conn(), None, RetryPolicy::default(), "add-ticket-tags").unwrap();
        let got = c.send_all(&tag_creates(&["x", "y"]));
        let e = got[0].clone().unwrap_err();
        assert_eq!((e.code(), e.retryable()), ("transport", false));
        assert!(
            e.message().starts_with("add-ticket-tags: ") && e.message().contains("may have been applied"),
            "{e}"
        );
        assert!(got[1].is_ok());
        assert_eq!(t.sent.len(), 2, "nothing resent");
        assert!(t.slept.is_empty());
    }

    #[test]
    fn batch_members_follow_redirects_and_keep_credentials_out_of_errors() {
        let mut t = Scripted::new(vec![
            moved(301, "/api/b2"),
            Scripted::json(400, r#"{"error": {"msg": "saw s3cr3t-key"}}"#),
            Scripted::json(200, "{}"),
        ]);
        let mut c = Client::new(&mut t, &conn(), None, RetryPolicy::default(), "add-ticket-tags").unwrap();
        let got = c.send_all(&gets(&["/api/b", "/api/c"]));
        assert!(got[0].is_ok());
        assert_eq!(
            got[1].clone().unwrap_err().message(),
            "add-ticket-tags: gorgias answered 400: saw <redacted>"
        );
        assert_eq!(t.lines(), ["GET /api/b", "GET /api/c", "GET /api/b2"]);
    }

    #[test]
    fn refused_connection_is_retried_even_for_writes() {
        let mut t = Scripted::new(vec![
            Err(TransportError::NotSent("connection refused".into())),
            Scripted::json(201, ""),
        ]);
        let mut c = Client::new(&mut t, &conn(), None, RetryPolicy::default(), "add-ticket-tags").unwrap();
        assert!(
            c.send(&ApiRequest::with_body(Method::Post, "/api/x", serde_json::json!({})))
                .is_ok()
        );
        assert_eq!(t.slept, vec![500]);
    }
}
