//! Reading decimal number strings exactly as `str::parse::<f64>` would
//! judge them, without linking core's float parser (~19 KB of the component).
//!
//! [`params`](crate::params) only needs to know whether a string is a finite
//! float ("1.5" → "must be a whole number"), and
//! [`error::retry_after_seconds`](crate::error::retry_after_seconds) the
//! ceiling of a fractional `Retry-After`. Both are answered on the decimal
//! digits, with the f64 rounding edges (overflow to infinity, underflow to
//! zero, rounding onto an integer) computed exactly; the unit tests compare
//! every answer with `str::parse::<f64>`.

/// A decimal `0.digits × 10^exp` as written, with its sign.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Decimal {
    negative: bool,
    /// Significant digits (values 0-9) without leading or trailing zeros;
    /// empty for zero.
    digits: Vec<u8>,
    exp: i64,
}

/// The smallest decimal that `parse::<f64>` rounds to infinity,
/// `2^1024 - 2^970` (the tie rounds to the even side, infinity), as
/// `0.DIGITS × 10^309` without trailing zeros.
const OVERFLOW_DIGITS: &[u8] = b"179769313486231580793728971405303415079934132710037826936173778980444968292764750946649017977587207096330286416692887910946555547851940402630657488671505820681908902000708383676273854845817711531764475730270069855571366959622842914819860834936475292719074168444365510704342711559699508093042880177904174497792";

fn digits_only(s: &[u8]) -> bool {
    s.iter().all(u8::is_ascii_digit)
}

impl Decimal {
    /// Parses Rust's float grammar: an optional sign, digits with at most one
    /// `.` (at least one digit in all) and an optional exponent (`e`/`E`, an
    /// optional sign, digits). `inf`, `infinity` and `nan` give `None`, as
    /// they are never finite.
    pub(crate) fn parse(s: &str) -> Option<Decimal> {
        let mut b = s.as_bytes();
        let negative = b.first() == Some(&b'-');
        if matches!(b.first(), Some(b'+' | b'-')) {
            b = &b[1..];
        }
        let (mantissa, exponent) = match b.iter().position(|c| matches!(c, b'e' | b'E')) {
            Some(i) => (&b[..i], Some(&b[i + 1..])),
            None => (b, None),
        };
        let (int, frac) = match mantissa.iter().position(|&c| c == b'.') {
            Some(i) => (&mantissa[..i], &mantissa[i + 1..]),
            None => (mantissa, &[][..]),
        };
        if int.len() + frac.len() == 0 || !digits_only(int) || !digits_only(frac) {
            return None;
        }
        let mut exp = match exponent {
            None => 0,
            Some(e) => {
                let magnitude = match e.first() {
                    Some(b'+' | b'-') => &e[1..],
                    _ => e,
                };
                if magnitude.is_empty() || !digits_only(magnitude) {
                    return None;
                }
                // Saturates far beyond any finite or nonzero f64.
                let m = magnitude
                    .iter()
                    .fold(0i64, |acc, d| (acc * 10 + i64::from(d - b'0')).min(1 << 40));
                if e[0] == b'-' { -m } else { m }
            }
        };
        exp += int.len() as i64;
        let mut digits: Vec<u8> = int.iter().chain(frac).map(|d| d - b'0').collect();
        let leading = digits.iter().take_while(|&&d| d == 0).count();
        digits.drain(..leading);
        exp -= leading as i64;
        while digits.last() == Some(&0) {
            digits.pop();
        }
        Some(Decimal { negative, digits, exp })
    }

    /// Whether `parse::<f64>` gives a finite value.
    pub(crate) fn is_finite_f64(&self) -> bool {
        self.digits.is_empty()
            || self.exp < 309
            || (self.exp == 309 && self.digits.iter().map(|d| d + b'0').lt(OVERFLOW_DIGITS.iter().copied()))
    }

    /// Whether `parse::<f64>` rounds the magnitude to zero: at most `2^-1075`
    /// (half the smallest subnormal; the tie rounds to even, zero).
    fn rounds_to_zero(&self) -> bool {
        if self.digits.is_empty() || self.exp < -330 {
            return true;
        }
        if self.exp > -320 {
            return false;
        }
        let mut frac = vec![0; usize::try_from(-self.exp).unwrap_or(0)];
        frac.extend_from_slice(&self.digits);
        times_pow2_at_most_one(frac, 1075)
    }

    /// `parse::<f64>().ceil().min(u32::MAX as f64) as u32` for a finite,
    /// non-negative value; `None` for a negative one (unless it rounds to
    /// `-0.0`, which is `0`).
    pub(crate) fn ceil_u32(&self) -> Option<u32> {
        if self.digits.is_empty() {
            return Some(0);
        }
        if self.negative {
            return self.rounds_to_zero().then_some(0);
        }
        if self.exp > 10 {
            return Some(u32::MAX);
        }
        let int_len = usize::try_from(self.exp).unwrap_or(0).min(self.digits.len());
        let k = self.digits[..int_len]
            .iter()
            .fold(0u64, |acc, &d| acc * 10 + u64::from(d))
            * 10u64.pow(u32::try_from(self.exp).unwrap_or(0) - int_len as u32);
        let up = if int_len == self.digits.len() {
            false
        } else if k == 0 {
            !self.rounds_to_zero()
        } else {
            // The f64 nearest a value in (k, k+1) is k when the fraction is at
            // most half an ulp of k, 2^(e-53) with 2^e <= k < 2^(e+1) (the tie
            // goes to k: its mantissa is even for k < 2^34).
            let e = 63 - k.leading_zeros();
            let mut frac = vec![0; usize::try_from(-self.exp).unwrap_or(0)];
            frac.extend_from_slice(&self.digits[int_len..]);
            !times_pow2_at_most_one(frac, 53 - e)
        };
        Some(u32::try_from(k + u64::from(up)).unwrap_or(u32::MAX))
    }
}

impl Decimal {
    /// Whether the value is below zero (`-0` is not).
    pub(crate) fn is_negative(&self) -> bool {
        self.negative && !self.digits.is_empty()
    }

    /// Whether digits remain after the decimal point (`7.0` and `1.5e1` have none).
    pub(crate) fn has_fraction(&self) -> bool {
        i64::try_from(self.digits.len()).unwrap_or(i64::MAX) > self.exp
    }

    /// The integer part of the magnitude, saturating at `u64::MAX`.
    pub(crate) fn integer_part(&self) -> u64 {
        if self.exp <= 0 {
            return 0;
        }
        if self.exp > 20 {
            return u64::MAX;
        }
        let exp = self.exp as usize;
        let int_len = exp.min(self.digits.len());
        let mut n = self.digits[..int_len]
            .iter()
            .try_fold(0u64, |acc, &d| acc.checked_mul(10)?.checked_add(u64::from(d)));
        for _ in int_len..exp {
            n = n.and_then(|v| v.checked_mul(10));
        }
        n.unwrap_or(u64::MAX)
    }
}

/// Whether `0.frac × 2^n <= 1` (`frac` holds digit values 0-9).
fn times_pow2_at_most_one(mut frac: Vec<u8>, n: u32) -> bool {
    let mut int = 0u32;
    for _ in 0..n {
        let mut carry = 0;
        for d in frac.iter_mut().rev() {
            let v = *d * 2 + carry;
            *d = v % 10;
            carry = v / 10;
        }
        int = int * 2 + u32::from(carry);
        if int > 1 {
            return false;
        }
    }
    int == 0 || frac.iter().all(|&d| d == 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Strings around every edge: grammar, overflow, underflow, rounding onto
    /// an integer, and the u32 clamp.
    const CASES: &[&str] = &[
        "0",
        "1",
        "+1",
        "-1",
        "-0",
        "-0.0",
        "1.5",
        "2.5",
        ".5",
        "5.",
        ".",
        "-",
        "+",
        "",
        "e5",
        "1e",
        "1e+",
        "1e-",
        "1e5",
        "1E5",
        "1e+5",
        "1.5e-1",
        "0.000",
        "00012.500",
        "1_0",
        "1..2",
        "1.2.3",
        "1e5.5",
        "0x10",
        " 1",
        "abc",
        "inf",
        "-inf",
        "+infinity",
        "Infinity",
        "NaN",
        "nan",
        "-nan",
        "1e308",
        "1e309",
        "9e308",
        "1.8e308",
        "1.7976931348623157e308",
        "1.7976931348623158e308",
        "1.79769313486231580793728971405303415e308",
        "179769313486231580793728971405303415079934132710037826936173778980444968292764750946649017977587207096330286416692887910946555547851940402630657488671505820681908902000708383676273854845817711531764475730270069855571366959622842914819860834936475292719074168444365510704342711559699508093042880177904174497792",
        "179769313486231580793728971405303415079934132710037826936173778980444968292764750946649017977587207096330286416692887910946555547851940402630657488671505820681908902000708383676273854845817711531764475730270069855571366959622842914819860834936475292719074168444365510704342711559699508093042880177904174497791.9",
        "0.000179769313486231580793728971405303415079934132710037826936173778980444968292764750946649017977587207096330286416692887910946555547851940402630657488671505820681908902000708383676273854845817711531764475730270069855571366959622842914819860834936475292719074168444365510704342711559699508093042880177904174497792e313",
        "1e99999999999999999999",
        "0e99999999999999999999",
        "1e-99999999999999999999",
        "-1e-99999999999999999999",
        "1e-300",
        "-1e-300",
        "1e-324",
        "-1e-324",
        "3e-324",
        "-3e-324",
        "2.4703282292062327e-324",
        "-2.4703282292062327e-324",
        "2.4703282292062328e-324",
        "-2.4703282292062328e-324",
        "-2.4703282292062327208828439643411068618252990130716238221279284125033775363510437593264991818081799618989828234772285886546332835517796989819938739800539093906315035659515570226392290858392449105184435931802849936536152500319370457678249219365623669863658480757001585769269903706311928279558551332927834338409351978015531246597263579574622766465272827220056374006485499977096599470454020828166226237857393450736339007967761930577506740176324673600968951340535537458516661134223766678604162159680461914467291840300530057530849048765391711386591646239524912623653881879636239373280423891018672348497668235089863388587925628302755995657524455507255189313690836254779186948667994968324049705821028513185451396213837722826145437693412532098591327667236328125e-324",
        "-2.47032822920623272088284396434110686182529901307162382212792841250337753635104375932649918180817996189898282347722858865463328355177969898199387398005390939063150356595155702263922908583924491051844359318028499365361525003193704576782492193656236698636584807570015857692699037063119282795585513329278343384093519780155312465972635795746227664652728272200563740064854999770965994704540208281662262378573934507363390079677619305775067401763246736009689513405355374585166611342237666786041621596804619144672918403005300575308490487653917113865916462395249126236538818796362393732804238910186723484976682350898633885879256283027559956575244555072551893136908362547791869486679949683240497058210285131854513962138377228261454376934125320985913276672363281251e-324",
        "0.1",
        "0.9999999999999999",
        "0.99999999999999999",
        "1.0000000000000002220446049250313080847263336181640625",
        "1.00000000000000011102230246251565404236316680908203125",
        "1.000000000000000111022302462515654042363166809082031251",
        "2.0000000000000001",
        "2.0000000000000004",
        "2.0000000000000005",
        "7.0",
        "7",
        "12345.678",
        "4294967294",
        "4294967294.0000001",
        "4294967294.00000000001",
        "4294967294.5",
        "4294967295",
        "4294967295.5",
        "4294967296",
        "9999999999",
        "9999999999.9",
        "10000000000",
        "99999999999999999999",
        "1e30",
        "1e10",
        "1e9",
        "123e-2",
        "0.00001e5",
        "100e-2",
        "1000000000e-9",
        "1000000000.000000001e-9",
    ];

    /// `CASES` plus a sweep of mantissas over the exponents near each edge.
    fn cases() -> Vec<String> {
        let mut all: Vec<String> = CASES.iter().map(|s| s.to_string()).collect();
        let mantissas = [
            "1",
            "-1",
            "2.4703282292062327",
            "-2.4703282292062328",
            "1.7976931348623158",
            "1.7976931348623159",
            "4.294967294000001",
            "4.2949672950000000001",
            "9.999999999999999999",
            "1.00000000000000001",
            "5",
        ];
        for m in mantissas {
            for e in (-335..-315).chain(-4..12).chain(300..315) {
                all.push(format!("{m}e{e}"));
            }
        }
        all
    }

    #[test]
    fn integer_parts_and_fractions() {
        let d = |s: &str| Decimal::parse(s).unwrap();
        let cases = [
            ("7", false, false, 7),
            ("7.0", false, false, 7),
            ("1.5e1", false, false, 15),
            ("1.5", false, true, 1),
            ("0.001", false, true, 0),
            ("-0", false, false, 0),
            ("-0.0e5", false, false, 0),
            ("-3", true, false, 3),
            ("1e19", false, false, 10_000_000_000_000_000_000),
            ("1e20", false, false, u64::MAX),
            ("18446744073709551616", false, false, u64::MAX),
            ("1e400", false, false, u64::MAX),
            ("12.7", false, true, 12),
        ];
        for (s, negative, fraction, int) in cases {
            let v = d(s);
            assert_eq!(
                (v.is_negative(), v.has_fraction(), v.integer_part()),
                (negative, fraction, int),
                "{s}"
            );
        }
    }

    #[test]
    fn finiteness_matches_std() {
        for s in &cases() {
            let ours = Decimal::parse(s).is_some_and(|d| d.is_finite_f64());
            let std = s.parse::<f64>().is_ok_and(f64::is_finite);
            assert_eq!(ours, std, "{s:?}");
        }
    }

    #[test]
    fn ceil_matches_std() {
        for s in &cases() {
            let ours = Decimal::parse(s)
                .filter(Decimal::is_finite_f64)
                .and_then(|d| d.ceil_u32());
            let std = s
                .parse::<f64>()
                .ok()
                .filter(|f| f.is_finite() && *f >= 0.0)
                .map(|f| f.ceil().min(u32::MAX as f64) as u32);
            assert_eq!(ours, std, "{s:?}");
        }
    }
}
