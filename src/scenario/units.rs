//! Durations with explicit units, as users write them: `250ms`, `90s`, `15m`, `6h`, `30d`, `10y`.
//!
//! A [`Dur`] never fails to deserialize from a string: an unparsable text is kept as
//! [`Dur::Invalid`] so that validation can report it with its path, next to every other problem,
//! instead of serde stopping at the first one.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// Microseconds per unit, in the order [`format_micros`] prefers them (largest first).
const UNITS: [(&str, u64); 7] = [
    ("y", 365 * 86_400 * 1_000_000),
    ("d", 86_400 * 1_000_000),
    ("h", 3_600 * 1_000_000),
    ("m", 60 * 1_000_000),
    ("s", 1_000_000),
    ("ms", 1_000),
    ("us", 1),
];

/// A duration in a scenario: valid (in integer microseconds) or the text the user wrote.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Dur {
    Valid(u64),
    Invalid(String),
}

impl Dur {
    pub const ZERO: Dur = Dur::Valid(0);

    pub const fn micros(us: u64) -> Dur {
        Dur::Valid(us)
    }
    pub const fn millis(ms: u64) -> Dur {
        Dur::Valid(ms * 1_000)
    }
    pub const fn secs(s: u64) -> Dur {
        Dur::Valid(s * 1_000_000)
    }
    pub const fn mins(m: u64) -> Dur {
        Dur::Valid(m * 60_000_000)
    }
    pub const fn hours(h: u64) -> Dur {
        Dur::Valid(h * 3_600_000_000)
    }
    pub const fn days(d: u64) -> Dur {
        Dur::Valid(d * 86_400_000_000)
    }

    /// The value in microseconds, or `None` when the text did not parse.
    pub fn as_micros(&self) -> Option<u64> {
        match self {
            Dur::Valid(us) => Some(*us),
            Dur::Invalid(_) => None,
        }
    }

    /// The value in microseconds, with an invalid text read as zero (validation has reported it).
    pub fn us(&self) -> u64 {
        self.as_micros().unwrap_or(0)
    }

    pub fn parse(text: &str) -> Dur {
        match parse_micros(text) {
            Ok(us) => Dur::Valid(us),
            Err(_) => Dur::Invalid(text.to_string()),
        }
    }
}

impl Default for Dur {
    fn default() -> Self {
        Dur::ZERO
    }
}

impl fmt::Display for Dur {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Dur::Valid(us) => f.write_str(&format_micros(*us)),
            Dur::Invalid(text) => f.write_str(text),
        }
    }
}

impl Serialize for Dur {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Dur {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Ok(Dur::parse(&text))
    }
}

/// The pattern of a duration text, as [`parse_micros`] reads it (in the generated schema).
pub const PATTERN: &str = r"^\s*(([0-9]+(\.[0-9]*)?|\.[0-9]+)(us|ms|s|m|h|d|y))+\s*$";

impl schemars::JsonSchema for Dur {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Duration".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "pattern": PATTERN,
            "description": "A duration with its unit: us, ms, s, m, h, d or y; decimals and compound forms allowed (250ms, 1.5s, 1h30m, 30d).",
        })
    }
}

/// Why a duration text did not parse.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DurError {
    Empty,
    NoNumber,
    MissingUnit,
    UnknownUnit(String),
    Overflow,
}

impl fmt::Display for DurError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DurError::Empty => f.write_str("empty duration"),
            DurError::NoNumber => {
                f.write_str("expected a number followed by a unit, like 90s or 15m")
            }
            DurError::MissingUnit => {
                f.write_str("missing unit after the number (use us, ms, s, m, h, d or y)")
            }
            DurError::UnknownUnit(u) => {
                write!(f, "unknown unit `{u}` (use us, ms, s, m, h, d or y)")
            }
            DurError::Overflow => f.write_str("duration too large"),
        }
    }
}

/// Parses `"<number><unit>"`, where the number may have a decimal part (`1.5s`) and the unit is
/// one of `us`, `ms`, `s`, `m`, `h`, `d`, `y`. Compound forms (`1h30m`) are accepted too.
pub fn parse_micros(text: &str) -> Result<u64, DurError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(DurError::Empty);
    }
    let bytes = text.as_bytes();
    let mut total: u64 = 0;
    let mut i = 0;
    while i < bytes.len() {
        let start = i;
        while i < bytes.len() && (bytes[i].is_ascii_digit() || bytes[i] == b'.') {
            i += 1;
        }
        if start == i {
            return Err(DurError::NoNumber);
        }
        let number = &text[start..i];
        let unit_start = i;
        while i < bytes.len() && bytes[i].is_ascii_alphabetic() {
            i += 1;
        }
        let unit = &text[unit_start..i];
        if unit.is_empty() {
            return Err(DurError::MissingUnit);
        }
        let factor = UNITS
            .iter()
            .find(|(name, _)| *name == unit)
            .map(|(_, f)| *f)
            .ok_or_else(|| DurError::UnknownUnit(unit.to_string()))?;
        total = total
            .checked_add(scale(number, factor)?)
            .ok_or(DurError::Overflow)?;
    }
    Ok(total)
}

/// `number × factor` computed in integers, so `0.1s` is exactly 100 000 µs.
fn scale(number: &str, factor: u64) -> Result<u64, DurError> {
    let (int_part, frac_part) = number.split_once('.').unwrap_or((number, ""));
    if frac_part.contains('.') || (int_part.is_empty() && frac_part.is_empty()) {
        return Err(DurError::NoNumber);
    }
    let int: u64 = if int_part.is_empty() {
        0
    } else {
        int_part.parse().map_err(|_| DurError::Overflow)?
    };
    let mut value = int.checked_mul(factor).ok_or(DurError::Overflow)?;
    let mut place = factor;
    for digit in frac_part.bytes() {
        place /= 10;
        value = value
            .checked_add(u64::from(digit - b'0') * place)
            .ok_or(DurError::Overflow)?;
    }
    Ok(value)
}

/// The shortest exact text for a duration: `90s`, `15m`, `1h30m`, `250ms`, `0s`.
pub fn format_micros(us: u64) -> String {
    if us == 0 {
        return "0s".to_string();
    }
    let mut rest = us;
    let mut out = String::new();
    for (name, factor) in UNITS {
        if rest >= factor {
            let n = rest / factor;
            rest %= factor;
            out.push_str(&n.to_string());
            out.push_str(name);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_unit() {
        assert_eq!(parse_micros("90s"), Ok(90_000_000));
        assert_eq!(parse_micros("15m"), Ok(900_000_000));
        assert_eq!(parse_micros("6h"), Ok(21_600_000_000));
        assert_eq!(parse_micros("30d"), Ok(2_592_000_000_000));
        assert_eq!(parse_micros("10y"), Ok(315_360_000_000_000));
        assert_eq!(parse_micros("250ms"), Ok(250_000));
        assert_eq!(parse_micros("7us"), Ok(7));
        assert_eq!(parse_micros("1.5s"), Ok(1_500_000));
        assert_eq!(parse_micros("1h30m"), Ok(5_400_000_000));
    }

    #[test]
    fn rejects_bad_text_with_a_reason() {
        assert_eq!(parse_micros(""), Err(DurError::Empty));
        assert_eq!(parse_micros("10"), Err(DurError::MissingUnit));
        assert_eq!(parse_micros("ten s"), Err(DurError::NoNumber));
        assert_eq!(parse_micros("5 weeks"), Err(DurError::MissingUnit));
        assert_eq!(parse_micros("5w"), Err(DurError::UnknownUnit("w".into())));
        assert_eq!(parse_micros("-5s"), Err(DurError::NoNumber));
        assert_eq!(
            parse_micros("99999999999999999999y"),
            Err(DurError::Overflow)
        );
    }

    #[test]
    fn formats_round_trip() {
        for us in [
            0,
            1,
            999,
            1_000,
            250_000,
            90_000_000,
            5_400_000_000,
            315_360_000_000_000,
            123_456_789,
        ] {
            assert_eq!(parse_micros(&format_micros(us)), Ok(us), "{us}");
        }
        assert_eq!(format_micros(90_000_000), "1m30s");
        assert_eq!(format_micros(15 * 60_000_000), "15m");
    }

    #[test]
    fn invalid_text_survives_serde() {
        let d: Dur = serde_json::from_str("\"soon\"").unwrap();
        assert_eq!(d, Dur::Invalid("soon".into()));
        assert_eq!(serde_json::to_string(&d).unwrap(), "\"soon\"");
        let d: Dur = serde_json::from_str("\"2m\"").unwrap();
        assert_eq!(serde_json::to_string(&d).unwrap(), "\"2m\"");
    }
}
