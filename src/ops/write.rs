//! The shared path of creates and updates: Gorgias creates with 200 or 201
//! and updates with 200 or 202, sometimes with an empty body. [`write`]
//! accepts every 2xx and tells a record from an empty body; the operation
//! then reads its record back, and [`not_read_back`] is the error when it
//! cannot (the write went through, so it is not retryable).

use crate::error::Error;
use crate::gorgias::client::{Client, Sent};
use crate::gorgias::request::ApiRequest;
use crate::gorgias::transport::Response;

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
    written(c, req, &resp, parse)
}

/// What the 2xx `resp` to write `req` holds: an empty body, or the record
/// `parse` reads. A body it cannot read is an error that says the write was
/// applied, retryable only when `req` is idempotent.
pub(crate) fn written<O>(
    c: &Client<'_>,
    req: &ApiRequest,
    resp: &Response,
    parse: impl FnOnce(&[u8]) -> Result<O, String>,
) -> Result<Written<O>, Error> {
    if resp.body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Written::Empty(resp.status));
    }
    parse(&resp.body).map(Written::Record).map_err(|m| {
        let again = req.idempotent();
        let tail = if again {
            ""
        } else {
            "; the write was applied, so it was not resent"
        };
        c.finish(Error::InvalidResponse {
            status: resp.status,
            message: format!(
                "unexpected response from {} {}: {m}{tail}",
                req.method.as_str(),
                req.path
            ),
            retryable: again,
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

/// How many records a look-up by `external_id` reads (Gorgias does not
/// document its match as exact, so the connector checks each).
pub const KEY_LOOKUP_LIMIT: u32 = 10;

/// How many of a ticket's newest messages a message's key is looked for in
/// (messages cannot be listed by `external_id`): the most a page holds.
pub const MESSAGE_KEY_WINDOW: u32 = 100;

/// The longest idempotency key: Gorgias's `external_id` holds 255 characters.
pub const MAX_KEY_CHARS: usize = 255;

/// A create's idempotency key (README "Exactly-once writes"): the caller's,
/// or one made up for this call. It goes into the new record's
/// `external_id`, where a lost answer, or the caller's retry, finds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Key {
    /// The key.
    pub value: String,
    /// Whether the caller gave it (a repeat with it answers the record).
    pub caller: bool,
}

impl Key {
    /// The caller's `given` key, or a fresh random one.
    pub fn new(c: &mut Client<'_>, given: Option<&str>) -> Key {
        match given {
            Some(k) => Key {
                value: k.to_string(),
                caller: true,
            },
            None => Key {
                value: c.random_key(),
                caller: false,
            },
        }
    }
}

/// Checks an optional `idempotencyKey`: 1 to 255 characters.
pub fn check_key(field: &str, key: Option<&str>) -> Result<(), Error> {
    match key {
        Some(k) if k.is_empty() || k.chars().count() > MAX_KEY_CHARS => Err(Error::invalid(
            field,
            format!("must be 1 to {MAX_KEY_CHARS} characters (it is stored in the record's external_id)"),
        )),
        _ => Ok(()),
    }
}

/// Checks the key fields of a create whose key is stored as its
/// `external_id` (create-ticket, create-customer): `idempotencyKey` as
/// [`check_key`], and not beside an `externalId`, which is the key then.
/// `record` names the record in the message.
pub fn check_keys(record: &str, key: Option<&str>, external_id: Option<&str>) -> Result<(), Error> {
    check_key("idempotencyKey", key)?;
    if key.is_some() && external_id.is_some() {
        return Err(Error::invalid(
            "idempotencyKey",
            format!(
                "give idempotencyKey or externalId, not both: the key is stored as the {record}'s external_id, so an externalId is the key"
            ),
        ));
    }
    Ok(())
}

/// The caller's key of such a create ([`check_keys`]): `idempotencyKey`,
/// else an `externalId` (an empty one names none).
pub fn callers_key<'a>(key: Option<&'a str>, external_id: Option<&'a str>) -> Option<&'a str> {
    key.or(external_id.filter(|x| !x.is_empty()))
}

/// What a keyed create ended with.
#[derive(Debug)]
pub(crate) enum Once<O> {
    /// Gorgias's answer: the record, or an empty body ([`Written`]).
    Written(Written<O>),
    /// The record already carried the key: found by the look-up, either
    /// before writing (a caller's repeated key: `replayed`) or after a lost
    /// answer.
    Found {
        /// The record.
        record: O,
        /// Whether it was found before writing (nothing was written).
        replayed: bool,
    },
}

/// Sends keyed create `req` exactly once: with a caller's key, `find` first
/// (a record with the key is answered, nothing is written); then the create,
/// whose lost answer is settled by `find` ([`Client::send_keyed`]).
pub(crate) fn write_once<O>(
    c: &mut Client<'_>,
    req: &ApiRequest,
    key: &Key,
    parse: impl FnOnce(&[u8]) -> Result<O, String>,
    mut find: impl FnMut(&mut Client<'_>) -> Result<Option<O>, Error>,
) -> Result<Once<O>, Error> {
    if key.caller
        && let Some(record) = find(c)?
    {
        return Ok(Once::Found { record, replayed: true });
    }
    let mut found = None;
    let sent = c.send_keyed(req, &key.value, key.caller, &mut |c| {
        found = find(c)?;
        Ok(found.is_some())
    })?;
    let resp = match sent {
        Sent::Answer(resp) => resp,
        Sent::Found => {
            return found
                .map(|record| Once::Found {
                    record,
                    replayed: false,
                })
                .ok_or_else(|| {
                    c.finish(Error::InvalidResponse {
                        status: 0,
                        message: "the look-up lost its record".into(),
                        retryable: false,
                    })
                });
        }
    };
    written(c, req, &resp, parse).map(Once::Written)
}
