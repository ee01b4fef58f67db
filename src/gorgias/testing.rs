//! A scripted [`Transport`] for the pure core's unit tests: answers from a
//! list, records what was sent and how long it slept.

use super::endpoint::Connection;
use super::transport::{Outgoing, Response, Transport, TransportError};
use serde_json::Value;
use std::collections::VecDeque;

/// A transport that answers from a script and records what was sent.
#[derive(Default)]
pub struct Scripted {
    pub answers: VecDeque<Result<Response, TransportError>>,
    pub sent: Vec<Outgoing>,
    pub slept: Vec<u64>,
    /// Each [`Transport::send_all`]: how many requests, and the in-flight bound.
    pub batches: Vec<(usize, usize)>,
}

impl Scripted {
    pub fn new(answers: Vec<Result<Response, TransportError>>) -> Self {
        Scripted {
            answers: answers.into(),
            ..Default::default()
        }
    }
    pub fn json(status: u16, body: &str) -> Result<Response, TransportError> {
        Ok(Response {
            status,
            headers: vec![],
            body: body.as_bytes().to_vec(),
        })
    }
    pub fn bodies(&self) -> Vec<Option<Value>> {
        self.sent
            .iter()
            .map(|o| o.body.as_ref().map(|b| serde_json::from_slice::<Value>(b).unwrap()))
            .collect()
    }
    pub fn lines(&self) -> Vec<String> {
        self.sent
            .iter()
            .map(|o| format!("{} {}", o.method.as_str(), o.path_and_query))
            .collect()
    }
}

impl Transport for Scripted {
    fn send(&mut self, request: &Outgoing) -> Result<Response, TransportError> {
        self.sent.push(request.clone());
        self.answers.pop_front().expect("script ran out of answers")
    }
    fn send_all(&mut self, requests: &[Outgoing], max_in_flight: usize) -> Vec<Result<Response, TransportError>> {
        self.batches.push((requests.len(), max_in_flight));
        requests.iter().map(|r| self.send(r)).collect()
    }
    fn sleep_ms(&mut self, ms: u64) {
        self.slept.push(ms);
    }
}

pub fn conn() -> Connection {
    Connection::api_key("acme", "agent@acme.com", "s3cr3t-key")
}

/// A client over `t` for operation `op`, with [`conn`] and the default policy.
pub fn client<'a>(t: &'a mut Scripted, op: &'static str) -> crate::gorgias::client::Client<'a> {
    crate::gorgias::client::Client::new(t, &conn(), None, crate::gorgias::client::RetryPolicy::default(), op)
        .expect("a client")
}

/// The field an `invalid-input` error names (panics on any other error).
pub fn field(e: crate::error::Error) -> String {
    match e {
        crate::error::Error::InvalidInput(f) => f.field,
        other => panic!("expected invalid-input, got {other:?}"),
    }
}
