//! How numbers are shown to users: percentages that never round a failure away, the one
//! duration formatter of the crate (cards, CLI, charts, incident table), and nines bounded by
//! the sample.

/// `part / whole` as a percentage, truncated (never rounded up): a shortfall is always visible.
///
/// Decimals: 1 below 99 %, 3 from 99 %, and more when needed to show the first two significant
/// digits of the shortfall (trailing zeros beyond the first dropped). Exactly `100 %` only when
/// `part == whole`; `—` when `whole` is 0.
///
/// `1_892_118_440 / 1_892_126_359` → `99.99958 %`; `999_999_999 / 10^9` → `99.9999999 %`.
pub fn percent_of(part: u64, whole: u64) -> String {
    if whole == 0 {
        return "—".into();
    }
    if part >= whole {
        return "100 %".into();
    }
    let short = u128::from(whole - part);
    let whole = u128::from(whole);
    // k: the decimal place of the shortfall's first significant digit (0 = units of a percent).
    let mut k: u32 = 0;
    while k < MAX_DECIMALS && short * 10u128.pow(k + 2) < whole {
        k += 1;
    }
    let min = if u128::from(part) * 100 >= whole * 99 {
        3
    } else {
        1
    };
    let digits = (k + 1).clamp(min, MAX_DECIMALS);
    let scaled = u128::from(part) * 10u128.pow(digits + 2) / whole;
    let unit = 10u128.pow(digits);
    let mut frac = format!("{:0width$}", scaled % unit, width = digits as usize);
    let keep = k.max(min) as usize;
    while frac.len() > keep && frac.ends_with('0') {
        frac.pop();
    }
    format!("{}.{frac} %", scaled / unit)
}

/// At most this many decimals (keeps `part · 10^(d+2)` inside `u128` for any `u64`).
const MAX_DECIMALS: u32 = 17;

/// A share (0..1) as a percentage by the rule of [`percent_of`]: `0.99953` → `99.953 %`; below 1
/// it never shows `100 %`. `—` when not finite.
pub fn percent(share: f64) -> String {
    if !share.is_finite() {
        return "—".into();
    }
    if share >= 1.0 {
        return "100 %".into();
    }
    const WHOLE: u64 = 1_000_000_000_000_000;
    let part = ((share.max(0.0) * WHOLE as f64).round() as u64).min(WHOLE - 1);
    percent_of(part, WHOLE)
}

/// Seconds in human units, the one duration formatter: `0 s`, `350 µs`, `400 ms`, `12.0 s`
/// (below 2 min), `3.5 min` (below 2 h), `2.1 h` (below 2 d), `1.5 d` (below 2 y), `10.0 y`.
pub fn duration_s(s: f64) -> String {
    if !s.is_finite() {
        return "—".into();
    }
    let a = s.abs();
    if a == 0.0 {
        "0 s".into()
    } else if a < 0.001 {
        format!("{:.0} µs", s * 1e6)
    } else if a < 1.0 {
        format!("{:.0} ms", s * 1e3)
    } else if a < 120.0 {
        format!("{s:.1} s")
    } else if a < 7_200.0 {
        format!("{:.1} min", s / 60.0)
    } else if a < 172_800.0 {
        format!("{:.1} h", s / 3_600.0)
    } else if a < 2.0 * YEAR_S {
        format!("{:.1} d", s / 86_400.0)
    } else {
        format!("{:.1} y", s / YEAR_S)
    }
}

/// A year of 365 days, in seconds.
pub const YEAR_S: f64 = 365.0 * 86_400.0;

/// How many nines `failed` failures out of `n` requests show: `−log10(failed / n)`; with no
/// failure, the lower bound that the sample supports, `log10(n / 3)` (the "rule of three": with
/// no failure in n trials the failure rate is below 3/n at 95 % confidence), never below 0.
/// `None` when there were no requests. The bool is true for a bound. `libm`'s `log10`, so that a
/// study's nines are bit-identical natively and in the browser's workers.
pub fn nines_of(failed: u64, n: u64) -> Option<(f64, bool)> {
    if n == 0 {
        None
    } else if failed == 0 {
        Some((libm::log10(n as f64 / 3.0).max(0.0), true))
    } else {
        Some((0.0 - libm::log10(failed.min(n) as f64 / n as f64), false))
    }
}

/// [`nines_of`] in words: `5.38`, or `≥ 8.52` for a bound (truncated so the bound holds).
pub fn nines_text(failed: u64, n: u64) -> String {
    match nines_of(failed, n) {
        None => "—".into(),
        Some((v, true)) => format!("≥ {:.2}", (v * 100.0 + 1e-9).floor() / 100.0),
        Some((v, false)) => format!("{v:.2}"),
    }
}

/// A count with thousands separators: `181574` → `181,574`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_are_grouped_by_thousands() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_000), "1,000");
        assert_eq!(thousands(181_574), "181,574");
        assert_eq!(thousands(1_892_126_359), "1,892,126,359");
        assert_eq!(thousands(u64::MAX), "18,446,744,073,709,551,615");
    }

    #[test]
    fn a_failure_is_never_rounded_away() {
        // Issue 12: 7,919 failed of 1,892,126,359; 100 − 0.0004185… = 99.9995815… truncated at
        // the shortfall's second significant digit.
        assert_eq!(percent_of(1_892_118_440, 1_892_126_359), "99.99958 %");
        // One failure in 10^9: shortfall 10^-7 %, at the 7th decimal.
        assert_eq!(percent_of(999_999_999, 1_000_000_000), "99.9999999 %");
        // One in 10^18: every 9 is shown.
        assert_eq!(
            percent_of(999_999_999_999_999_999, 1_000_000_000_000_000_000),
            "99.9999999999999999 %"
        );
        assert_eq!(percent_of(u64::MAX - 1, u64::MAX), "99.99999999999999999 %");
        assert_eq!(percent_of(10, 10), "100 %");
        assert_eq!(percent_of(0, 0), "—");
        assert_eq!(percent_of(0, 10), "0.0 %");
        assert_eq!(percent_of(9, 10), "90.0 %");
        // Truncated, not rounded: 2/3 = 66.66…; 98.96 stays below 99.
        assert_eq!(percent_of(2, 3), "66.6 %");
        assert_eq!(percent_of(9_896, 10_000), "98.9 %");
        assert_eq!(percent_of(990, 1_000), "99.000 %");
        assert_eq!(percent_of(9_999, 10_000), "99.990 %");
        assert_eq!(percent_of(99_999, 100_000), "99.999 %");
        // 1 − 1/7 ≈ 85.71 %; 1/7000 short: 99.985714… → two digits of the shortfall 0.014…
        assert_eq!(percent_of(6, 7), "85.7 %");
        assert_eq!(percent_of(6_999, 7_000), "99.985 %");
        assert_eq!(percent_of(69_999, 70_000), "99.9985 %");
    }

    #[test]
    fn shares_follow_the_same_rule() {
        assert_eq!(percent(1.0), "100 %");
        assert_eq!(percent(0.99), "99.000 %");
        assert_eq!(percent(0.8), "80.0 %");
        assert_eq!(percent(0.99953), "99.953 %");
        assert_eq!(percent(1.0 - 1e-12), "99.9999999999 %");
        // The nearest f64 below 1 is still not 100 %.
        assert_eq!(percent(1.0 - f64::EPSILON), "99.9999999999999 %");
        assert_eq!(percent(f64::NAN), "—");
        assert_eq!(percent(-0.5), "0.0 %");
    }

    #[test]
    fn nines_are_bounded_by_the_sample() {
        // No failure in 10: log10(10/3) = 0.5228…; in 10^9: log10(3.33…·10^8) = 8.5228….
        assert_eq!(nines_text(0, 10), "≥ 0.52");
        assert_eq!(nines_text(0, 1_000_000_000), "≥ 8.52");
        assert_eq!(nines_text(0, 3), "≥ 0.00");
        assert_eq!(nines_text(0, 1), "≥ 0.00");
        assert_eq!(nines_text(0, 0), "—");
        // With failures: −log10(failed / n).
        assert_eq!(nines_text(1, 1_000_000_000), "9.00");
        assert_eq!(nines_text(1, 1_000_000_000_000), "12.00");
        assert_eq!(nines_text(10, 1_000), "2.00");
        assert_eq!(nines_text(7_919, 1_892_126_359), "5.38");
        assert_eq!(nines_text(10, 10), "0.00");
    }

    #[test]
    fn one_duration_formatter() {
        assert_eq!(duration_s(0.0), "0 s");
        assert_eq!(duration_s(0.000_35), "350 µs");
        assert_eq!(duration_s(0.4), "400 ms");
        assert_eq!(duration_s(12.0), "12.0 s");
        assert_eq!(duration_s(90.0), "90.0 s");
        assert_eq!(duration_s(120.0), "2.0 min");
        assert_eq!(duration_s(3_600.0), "60.0 min");
        assert_eq!(duration_s(7_200.0), "2.0 h");
        assert_eq!(duration_s(172_800.0), "2.0 d");
        assert_eq!(duration_s(10.0 * YEAR_S), "10.0 y");
        assert_eq!(duration_s(f64::NAN), "—");
        assert_eq!(duration_s(f64::INFINITY), "—");
    }
}
