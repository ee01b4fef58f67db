//! Pacing under Gorgias's rate limit: the quota header every answer carries
//! and the wait before the next call of the same operation.
//!
//! Gorgias meters each account with a leaky bucket: `limit` calls (40 with an
//! API key, 80 with OAuth) that drain over a 20 s window, so one slot frees
//! every `20 s / limit` (0.5 s, 0.25 s). `X-Gorgias-Account-Api-Call-Limit:
//! used/limit` says how full the bucket is. When an answer shows the bucket
//! nearly full, an operation that still has calls to make (`add-ticket-tags`
//! looks tags up, creates them, then tags) waits until it has drained back
//! below the reserve instead of running into 429.
//!
//! Pure: the client ([`crate::gorgias::client::Client`]) reads the header and sleeps
//! through its transport.

/// The quota header Gorgias sends on every response.
pub const QUOTA_HEADER: &str = "x-gorgias-account-api-call-limit";

/// The window over which a full bucket drains (Gorgias's documented 20 s;
/// Enterprise accounts drain in 10 s, so pacing for 20 s is on the safe side).
pub const WINDOW_MS: u64 = 20_000;

/// API calls used and allowed in the current window (`10/40`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quota {
    /// Calls used.
    pub used: u64,
    /// Calls allowed.
    pub limit: u64,
}

/// Reads `used/limit` from the quota header (spaces allowed around either
/// number); absent, empty, signed, fractional, a zero limit or anything else
/// → `None`, which means "unknown", never "nothing used".
pub fn quota(headers: &[(String, String)]) -> Option<Quota> {
    let v = headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(QUOTA_HEADER))
        .map(|(_, v)| v.trim())?;
    let (used, limit) = v.split_once('/')?;
    let number = |s: &str| {
        let s = s.trim();
        // `u64::from_str` takes a leading `+`; Gorgias never sends one.
        (!s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse::<u64>().ok())
            .flatten()
    };
    let q = Quota {
        used: number(used)?,
        limit: number(limit)?,
    };
    (q.limit > 0).then_some(q)
}

impl Quota {
    /// Calls kept free for other clients of the account: an eighth of the
    /// limit, at least two (5 of 40, 10 of 80).
    pub fn reserve(self) -> u64 {
        (self.limit / 8).max(2)
    }

    /// How long one slot takes to drain: `WINDOW_MS / limit` (500 ms of 40,
    /// 250 ms of 80).
    pub fn drain_ms(self) -> u64 {
        WINDOW_MS / self.limit.max(1)
    }

    /// The wait before this operation's next call: none while fewer than
    /// `limit - reserve` calls are used; else long enough for the bucket to
    /// drain to one below that mark. A `used` above the limit counts as the
    /// limit, so the wait is at most `(reserve + 1) × drain` (3 s of 40), and
    /// never more than the window, in which a full bucket drains.
    pub fn delay_ms(self) -> u64 {
        let mark = self.limit.saturating_sub(self.reserve());
        let used = self.used.min(self.limit);
        if used < mark {
            return 0;
        }
        (used - mark + 1).saturating_mul(self.drain_ms()).min(WINDOW_MS)
    }
}

/// The wait before the next call after an answer with `headers`; 0 when the
/// quota is unknown.
pub fn delay_after(headers: &[(String, String)]) -> u64 {
    quota(headers).map_or(0, Quota::delay_ms)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(v: &str) -> Vec<(String, String)> {
        vec![("X-Gorgias-Account-Api-Call-Limit".into(), v.into())]
    }

    #[test]
    fn quota_reads_used_and_limit_with_spaces_in_any_case_of_name() {
        assert_eq!(quota(&h("10/40")), Some(Quota { used: 10, limit: 40 }));
        assert_eq!(quota(&h("  4 / 80 ")), Some(Quota { used: 4, limit: 80 }));
        let lower = vec![(QUOTA_HEADER.to_string(), "0/40".to_string())];
        assert_eq!(quota(&lower), Some(Quota { used: 0, limit: 40 }));
    }

    #[test]
    fn quota_is_unknown_when_absent_or_junk() {
        assert_eq!(quota(&[]), None);
        for junk in [
            "",
            "40",
            "/40",
            "10/",
            "a/40",
            "10/b",
            "-1/40",
            "+1/40",
            "1.5/40",
            "10/40/2",
            "10/0",
            "1 0/40",
            "99999999999999999999/40",
        ] {
            assert_eq!(quota(&h(junk)), None, "{junk:?}");
        }
    }

    #[test]
    fn no_wait_below_the_reserve_mark() {
        for used in [0, 1, 20, 34] {
            assert_eq!(Quota { used, limit: 40 }.delay_ms(), 0, "{used}");
        }
        assert_eq!(Quota { used: 69, limit: 80 }.delay_ms(), 0);
        assert_eq!(delay_after(&[]), 0, "unknown quota: no wait");
        assert_eq!(delay_after(&h("junk")), 0);
    }

    #[test]
    fn near_the_limit_waits_until_the_bucket_drains_below_the_mark() {
        // 40 per 20 s: one slot every 500 ms, reserve 5, mark 35.
        let waits: Vec<u64> = (35..=40).map(|used| Quota { used, limit: 40 }.delay_ms()).collect();
        assert_eq!(waits, [500, 1_000, 1_500, 2_000, 2_500, 3_000]);
        // OAuth's 80: one slot every 250 ms, reserve 10, mark 70.
        assert_eq!(Quota { used: 70, limit: 80 }.delay_ms(), 250);
        assert_eq!(Quota { used: 80, limit: 80 }.delay_ms(), 2_750);
        assert_eq!(delay_after(&h("39/40")), 2_500);
    }

    #[test]
    fn the_wait_is_bounded_whatever_the_header_says() {
        assert_eq!(
            Quota {
                used: u64::MAX,
                limit: 40
            }
            .delay_ms(),
            3_000
        );
        assert_eq!(Quota { used: 1, limit: 1 }.delay_ms(), WINDOW_MS);
        assert_eq!(
            Quota {
                used: u64::MAX,
                limit: u64::MAX
            }
            .delay_ms(),
            0,
            "drain rounds to 0"
        );
        assert_eq!(Quota { used: 2, limit: 3 }.delay_ms(), 2 * 6_666);
    }
}
