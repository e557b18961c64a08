//! The metric registry: every user-visible number of a run defined once, with its name, unit,
//! how it is read from a [`Report`] and how it is shown. The summary cards, the CLI summary, the
//! CSV export and the chart legends iterate it; studies and lessons read metrics through it.

use super::format::{duration_s, nines_of, nines_text, percent, percent_of, YEAR_S};
use crate::sim::Report;
use strum::IntoEnumIterator;

/// One metric of a run's report.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, strum::EnumIter)]
pub enum Metric {
    RequestAvailability,
    Nines,
    TimeAvailability,
    DowntimePerYear,
    RequestsOffered,
    RequestsServed,
    RequestsFailed,
    RequestsRetried,
    SessionsStarted,
    SessionsFinished,
    LostSessions,
    SessionsActive,
    WritesAttempted,
    WritesAcknowledged,
    LostWrites,
    WorstRpo,
    MessagesLost,
    Incidents,
    MeanRto,
    WorstRto,
    LatencyP50,
    LatencyP95,
    LatencyP99,
    LatencyMean,
}

/// What a metric's value counts or measures.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    /// A share 0..1, shown as a percentage.
    Share,
    /// `−log10(unavailability)`.
    Nines,
    Seconds,
    Milliseconds,
    Count,
}

impl Unit {
    /// The unit's symbol for axis labels and headers (empty for counts and nines).
    pub fn symbol(self) -> &'static str {
        match self {
            Unit::Share => "%",
            Unit::Seconds => "s",
            Unit::Milliseconds => "ms",
            Unit::Nines | Unit::Count => "",
        }
    }
}

/// A downtime per year is extrapolated only from runs at least this long (in seconds)...
pub const MIN_EXTRAPOLATION_S: f64 = 30.0 * 86_400.0;
/// ... in which every incident was a random failure (the engine's trigger name): scripted faults
/// happen once per run whatever its length, so scaling them to a year says nothing.
pub const RANDOM_TRIGGER: &str = "random failure";

impl Metric {
    /// Every metric, in display order.
    pub fn all() -> impl Iterator<Item = Metric> {
        Metric::iter()
    }

    /// The summary cards, in display order.
    pub const CARDS: [Metric; 9] = [
        Metric::RequestAvailability,
        Metric::Nines,
        Metric::TimeAvailability,
        Metric::DowntimePerYear,
        Metric::LostSessions,
        Metric::LostWrites,
        Metric::WorstRpo,
        Metric::MeanRto,
        Metric::WorstRto,
    ];

    /// Stable kebab-case key (card ids, `data-testid`s).
    pub fn key(self) -> &'static str {
        self.names().0
    }

    /// The CSV summary key (snake case, with the unit for durations).
    pub fn csv_key(self) -> &'static str {
        self.names().1
    }

    /// The name shown to users.
    pub fn label(self) -> &'static str {
        self.names().2
    }

    /// A short name for chart legends and table columns.
    pub fn short(self) -> &'static str {
        self.names().3
    }

    fn names(self) -> (&'static str, &'static str, &'static str, &'static str) {
        use Metric::*;
        match self {
            RequestAvailability => (
                "request-availability",
                "availability_request",
                "Request availability",
                "availability",
            ),
            Nines => ("nines", "nines", "Nines", "nines"),
            TimeAvailability => (
                "time-availability",
                "availability_time",
                "Time availability",
                "time availability",
            ),
            DowntimePerYear => (
                "downtime-per-year",
                "downtime_per_year_s",
                "Downtime / year",
                "downtime/yr",
            ),
            RequestsOffered => (
                "requests-offered",
                "requests_offered",
                "Requests offered",
                "offered",
            ),
            RequestsServed => (
                "requests-served",
                "requests_served",
                "Requests served",
                "served",
            ),
            RequestsFailed => (
                "requests-failed",
                "requests_failed",
                "Requests failed",
                "failed",
            ),
            RequestsRetried => (
                "requests-retried",
                "requests_retried",
                "Requests retried",
                "retried",
            ),
            SessionsStarted => (
                "sessions-started",
                "sessions_started",
                "Sessions started",
                "started",
            ),
            SessionsFinished => (
                "sessions-finished",
                "sessions_finished",
                "Sessions finished",
                "finished",
            ),
            LostSessions => ("lost-sessions", "sessions_lost", "Lost sessions", "lost"),
            SessionsActive => (
                "sessions-active",
                "sessions_active",
                "Sessions active",
                "active",
            ),
            WritesAttempted => (
                "writes-attempted",
                "writes_attempted",
                "Writes attempted",
                "attempted",
            ),
            WritesAcknowledged => (
                "writes-acknowledged",
                "writes_acknowledged",
                "Writes acknowledged",
                "acknowledged",
            ),
            LostWrites => ("lost-writes", "writes_lost", "Lost writes", "lost"),
            WorstRpo => ("worst-rpo", "max_rpo_s", "Worst RPO", "max RPO"),
            MessagesLost => (
                "messages-lost",
                "messages_lost",
                "Lost queue messages",
                "messages lost",
            ),
            Incidents => ("incidents", "incidents", "Incidents", "incidents"),
            MeanRto => ("mean-rto", "mean_rto_s", "Mean RTO", "mean RTO"),
            WorstRto => ("worst-rto", "worst_rto_s", "Worst RTO", "worst RTO"),
            LatencyP50 => ("latency-p50", "latency_p50_ms", "Latency p50", "p50"),
            LatencyP95 => ("latency-p95", "latency_p95_ms", "Latency p95", "p95"),
            LatencyP99 => ("latency-p99", "latency_p99_ms", "Latency p99", "p99"),
            LatencyMean => ("latency-mean", "latency_mean_ms", "Latency mean", "mean"),
        }
    }

    pub fn unit(self) -> Unit {
        use Metric::*;
        match self {
            RequestAvailability | TimeAvailability => Unit::Share,
            Nines => Unit::Nines,
            DowntimePerYear | WorstRpo | MeanRto | WorstRto => Unit::Seconds,
            LatencyP50 | LatencyP95 | LatencyP99 | LatencyMean => Unit::Milliseconds,
            _ => Unit::Count,
        }
    }

    /// Whether the metric means something for this report (latency only at request level).
    pub fn applies(self, r: &Report) -> bool {
        use Metric::*;
        match self {
            LatencyP50 | LatencyP95 | LatencyP99 | LatencyMean => r.fidelity == "request",
            _ => true,
        }
    }

    /// The metric's value in its unit. For [`Metric::Nines`] with no failed request this is the
    /// lower bound the sample supports (see [`super::format::nines_of`]); NaN without requests.
    /// [`Metric::DowntimePerYear`] is the raw extrapolation; [`Metric::show`] says when it means
    /// something.
    pub fn of(self, r: &Report) -> f64 {
        use Metric::*;
        let q = &r.requests;
        let rtos = || r.incidents.iter().map(|i| i.rto_s);
        match self {
            RequestAvailability => r.availability.request,
            Nines => nines_of(failed(r), q.offered).map_or(f64::NAN, |(v, _)| v),
            TimeAvailability => r.availability.time,
            DowntimePerYear => (1.0 - r.availability.request) * YEAR_S,
            RequestsOffered => q.offered as f64,
            RequestsServed => q.served as f64,
            RequestsFailed => q.failed as f64,
            RequestsRetried => q.retried as f64,
            SessionsStarted => r.sessions.started as f64,
            SessionsFinished => r.sessions.finished as f64,
            LostSessions => r.sessions.lost as f64,
            SessionsActive => r.sessions.active as f64,
            WritesAttempted => r.writes.attempted as f64,
            WritesAcknowledged => r.writes.acknowledged as f64,
            LostWrites => r.writes.lost as f64,
            WorstRpo => r.writes.max_rpo_s,
            MessagesLost => r.writes.messages_lost as f64,
            Incidents => r.incidents.len() as f64,
            MeanRto if r.incidents.is_empty() => 0.0,
            MeanRto => rtos().sum::<f64>() / r.incidents.len() as f64,
            WorstRto => rtos().fold(0.0, f64::max),
            LatencyP50 => r.latency_ms.p50,
            LatencyP95 => r.latency_ms.p95,
            LatencyP99 => r.latency_ms.p99,
            LatencyMean => r.latency_ms.mean,
        }
    }

    /// A bare value in the metric's unit, for axes, sweeps and tables of many runs.
    pub fn format(self, v: f64) -> String {
        if !v.is_finite() {
            return "—".into();
        }
        match self.unit() {
            Unit::Share => percent(v),
            Unit::Nines => format!("{v:.2}"),
            Unit::Seconds => duration_s(v),
            Unit::Milliseconds => format!("{v:.1} ms"),
            Unit::Count => format!("{}", v.round() as u64),
        }
    }

    /// The value as shown for one report, honest about what the run can tell: availability from
    /// the exact counts (a failure is never rounded away), nines bounded by the sample (`≥ 5.52`
    /// with no failure), the downtime per year only where an extrapolation means something.
    pub fn show(self, r: &Report) -> String {
        use Metric::*;
        let no_traffic = r.requests.offered == 0;
        match self {
            RequestAvailability | Nines | TimeAvailability if no_traffic => "—".into(),
            RequestAvailability => percent_of(r.requests.served, r.requests.offered),
            Nines => nines_text(failed(r), r.requests.offered),
            DowntimePerYear => match extrapolation(r) {
                Ok(()) => format!("≈ {}", duration_s(self.of(r))),
                Err(_) => "—".into(),
            },
            _ if !self.applies(r) => "—".into(),
            _ => self.format(self.of(r)),
        }
    }

    /// What the value means, for a card's hint or a footnote.
    pub fn hint(self, r: &Report) -> String {
        use Metric::*;
        let q = &r.requests;
        match self {
            RequestAvailability => format!(
                "served / offered requests: {} of {} ({} failed; truncated, never rounded up)",
                q.served,
                q.offered,
                failed(r)
            ),
            Nines if q.offered > 0 && failed(r) == 0 => format!(
                "no request of {} failed: at least this many nines at 95 % confidence (rule of three: failure rate below 3/n)",
                q.offered
            ),
            Nines => "−log10(failed / offered requests)".into(),
            TimeAvailability => "share of windows in which the service answered".into(),
            DowntimePerYear => match extrapolation(r) {
                Ok(()) => format!(
                    "extrapolated from {} of random failures at this request-availability rate",
                    duration_s(r.horizon_s)
                ),
                Err(why) => format!(
                    "not extrapolated: {why}; in this run the failed requests equal {} of full outage",
                    duration_s((1.0 - r.availability.request) * r.horizon_s)
                ),
            },
            LostSessions => format!("of {} sessions started", r.sessions.started),
            LostWrites => format!("of {} acknowledged writes", r.writes.acknowledged),
            WorstRpo => "age of the oldest lost write".into(),
            MeanRto => format!("over {} incident(s)", r.incidents.len()),
            WorstRto => "longest time from first failed request to full restoration".into(),
            _ => self.label().into(),
        }
    }

    /// Whether the value signals trouble (something lost or unavailable).
    pub fn bad(self, r: &Report) -> bool {
        use Metric::*;
        let traffic = r.requests.offered > 0;
        match self {
            RequestAvailability => r.requests.failed > 0,
            Nines => traffic && self.of(r) < 3.0,
            TimeAvailability => traffic && r.availability.time < 1.0,
            DowntimePerYear => extrapolation(r).is_ok() && self.of(r) > 0.0,
            RequestsFailed | LostSessions | LostWrites | MessagesLost => self.of(r) > 0.0,
            WorstRpo | MeanRto | WorstRto => self.of(r) > 0.0,
            _ => false,
        }
    }
}

/// Failed requests as the availability counts them (offered − served).
fn failed(r: &Report) -> u64 {
    r.requests.offered.saturating_sub(r.requests.served)
}

/// Whether a downtime per year can be extrapolated from this run, and why not.
pub fn extrapolation(r: &Report) -> Result<(), String> {
    if r.requests.offered == 0 {
        return Err("no requests".into());
    }
    if r.horizon_s < MIN_EXTRAPOLATION_S {
        return Err(format!(
            "a {} run says little about a year; it takes at least {}",
            duration_s(r.horizon_s),
            duration_s(MIN_EXTRAPOLATION_S)
        ));
    }
    if let Some(i) = r.incidents.iter().find(|i| i.trigger != RANDOM_TRIGGER) {
        return Err(format!(
            "scripted faults (`{}`) happen once per run, not at a yearly rate",
            i.trigger
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::tests::sample;
    use crate::sim::report::Incident;

    #[test]
    fn names_are_unique() {
        let mut keys: Vec<&str> = Metric::all().map(Metric::key).collect();
        let mut csv: Vec<&str> = Metric::all().map(Metric::csv_key).collect();
        let n = keys.len();
        keys.sort_unstable();
        keys.dedup();
        csv.sort_unstable();
        csv.dedup();
        assert_eq!((keys.len(), csv.len()), (n, n));
        assert!(Metric::all().all(|m| !m.label().is_empty() && !m.short().is_empty()));
    }

    #[test]
    fn values_are_read_from_the_report() {
        let r = sample();
        assert_eq!(Metric::RequestAvailability.of(&r), 0.99);
        assert_eq!(Metric::Nines.of(&r), 2.0);
        assert_eq!(Metric::MeanRto.of(&r), 8.0);
        assert_eq!(Metric::WorstRto.of(&r), 12.0);
        assert_eq!(Metric::Incidents.of(&r), 2.0);
        assert_eq!(Metric::LostWrites.of(&r), 2.0);
        assert!(Metric::Nines.of(&Report::default()).is_nan());
        assert_eq!(Metric::MeanRto.of(&Report::default()), 0.0);
    }

    /// Issue 12's report: 7,919 of 1,892,126,359 failed over one hour with two scripted crashes.
    fn issue_12() -> Report {
        let mut r = sample();
        r.horizon_s = 3_600.0;
        r.requests.offered = 1_892_126_359;
        r.requests.served = 1_892_118_440;
        r.requests.failed = 7_919;
        r.availability.request = 1_892_118_440.0 / 1_892_126_359.0;
        r
    }

    #[test]
    fn honest_availability_nines_and_downtime() {
        let r = issue_12();
        assert_eq!(Metric::RequestAvailability.show(&r), "99.99958 %");
        assert!(Metric::RequestAvailability
            .hint(&r)
            .contains("1892118440 of 1892126359 (7919 failed"));
        assert_eq!(Metric::Nines.show(&r), "5.38");
        // One hour with scripted crashes: no yearly figure, but what the run itself lost
        // (4.185e-6 of an hour = 15 ms).
        assert_eq!(Metric::DowntimePerYear.show(&r), "—");
        let hint = Metric::DowntimePerYear.hint(&r);
        assert!(
            hint.starts_with("not extrapolated: a 60.0 min run"),
            "{hint}"
        );
        assert!(hint.ends_with("equal 15 ms of full outage"), "{hint}");
        assert!(!Metric::DowntimePerYear.bad(&r));
        // Nothing failed in 10 requests: a bound, not 9 nines.
        let mut r = sample();
        r.requests.offered = 10;
        r.requests.served = 10;
        r.requests.failed = 0;
        r.availability.request = 1.0;
        assert_eq!(Metric::RequestAvailability.show(&r), "100 %");
        assert_eq!(Metric::Nines.show(&r), "≥ 0.52");
        assert!(Metric::Nines.bad(&r));
        assert!(Metric::Nines.hint(&r).contains("no request of 10 failed"));
    }

    #[test]
    fn downtime_per_year_only_from_long_runs_of_random_failures() {
        let mut r = sample();
        r.horizon_s = 90.0 * 86_400.0;
        r.availability.request = 0.9999;
        for i in &mut r.incidents {
            i.trigger = RANDOM_TRIGGER.into();
        }
        // 10^-4 of 365 d = 3153.6 s.
        assert_eq!(Metric::DowntimePerYear.show(&r), "≈ 52.6 min");
        assert!(Metric::DowntimePerYear
            .hint(&r)
            .contains("extrapolated from 90.0 d"));
        assert!(Metric::DowntimePerYear.bad(&r));
        r.incidents.push(Incident {
            trigger: "crash".into(),
            ..Incident::default()
        });
        assert_eq!(Metric::DowntimePerYear.show(&r), "—");
        assert!(Metric::DowntimePerYear
            .hint(&r)
            .contains("scripted faults (`crash`)"));
    }

    #[test]
    fn latency_only_at_request_level() {
        let mut r = sample();
        r.fidelity = "flow".into();
        assert_eq!(Metric::LatencyP99.show(&r), "—");
        r.fidelity = "request".into();
        r.latency_ms.p99 = 412.26;
        assert_eq!(Metric::LatencyP99.show(&r), "412.3 ms");
        assert_eq!(Metric::RequestsOffered.show(&r), "1000");
        assert_eq!(Metric::WorstRpo.show(&r), "400 ms");
    }
}
