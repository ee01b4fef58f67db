//! The shared path of creates and updates: Gorgias creates with 200 or 201
//! and updates with 200 or 202, sometimes with an empty body. [`write`]
//! accepts every 2xx and tells a record from an empty body; the operation
//! then reads its record back, and [`not_read_back`] is the error when it
//! cannot (the write went through, so it is not retryable).

use crate::error::Error;
use crate::gorgias::client::Client;
use crate::gorgias::request::ApiRequest;

/// How many of the newest records a read back after an empty 2xx looks at.
pub const READ_BACK_LIMIT: u32 = 10;

/// What a create or update answered: its record, or an empty body.
#[derive(Debug)]
pub(crate) enum Written<O> {
    /// The record Gorgias sent back.
    Record(O),
    /// A 2xx with an empty body (its status): the record must be read back.
    Empty(u16),
}

/// Sends a create or update. Gorgias creates with 200 or 201 and updates
/// with 200 or 202, sometimes with an empty body: every 2xx is accepted, a
/// body with anything but whitespace in it is parsed with `parse`.
pub(crate) fn write<O>(
    c: &mut Client<'_>,
    req: &ApiRequest,
    parse: impl FnOnce(&[u8]) -> Result<O, String>,
) -> Result<Written<O>, Error> {
    let resp = c.send(req)?;
    if resp.body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Written::Empty(resp.status));
    }
    parse(&resp.body).map(Written::Record).map_err(|m| {
        c.finish(Error::InvalidResponse {
            status: resp.status,
            message: format!("unexpected response from {} {}: {m}", req.method.as_str(), req.path),
            retryable: req.idempotent(),
        })
    })
}

/// The error when a create answered an empty 2xx (`status`) and its record
/// could not be read back (`why`): the write most likely landed, so it is
/// not retryable.
pub(crate) fn not_read_back(c: &Client<'_>, status: u16, why: &str) -> Error {
    c.finish(Error::InvalidResponse {
        status,
        message: format!(
            "Gorgias answered {status} with an empty body (the write went through), but {why}; check before repeating the call"
        ),
        retryable: false,
    })
}
