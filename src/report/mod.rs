//! Summaries and charts of a run's report: the metric registry ([`metric`]), number formatting
//! ([`format`]), summary cards, CSV, and charts generic over plotters backends so they are
//! testable natively with the SVG backend. No browser code here.

pub mod charts;
pub mod charts_export;
pub mod charts_markers;
pub mod charts_range;
pub mod format;
pub mod incident_groups;
pub mod metric;

pub use format::{duration_s, percent, percent_of, thousands};
pub use metric::{Metric, Unit};

use crate::sim::Report;

/// One summary card: a label, the value as shown, and a hint (the definition).
#[derive(Clone, Debug, PartialEq)]
pub struct Card {
    /// Stable key, used as the card's `data-testid` suffix.
    pub key: &'static str,
    pub label: &'static str,
    pub value: String,
    pub hint: String,
    /// Whether the value signals trouble (something lost or unavailable).
    pub bad: bool,
}

/// The summary cards, in display order ([`Metric::CARDS`]).
pub fn cards(r: &Report) -> Vec<Card> {
    Metric::CARDS
        .iter()
        .map(|m| Card {
            key: m.key(),
            label: m.label(),
            value: m.show(r),
            hint: m.hint(r),
            bad: m.bad(r),
        })
        .collect()
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// The report as CSV: a summary block, the incident table, then the time series.
pub fn to_csv(r: &Report) -> String {
    let mut out = String::new();
    out.push_str("section,key,value\n");
    let mut rows: Vec<(&str, String)> = vec![
        ("engine_version", r.engine_version.clone()),
        ("scenario", r.scenario.clone()),
        ("seed", r.seed.to_string()),
        ("fidelity", r.fidelity.to_string()),
        ("horizon_s", r.horizon_s.to_string()),
        ("events", r.events.to_string()),
    ];
    if r.warmup_s > 0.0 {
        rows.insert(5, ("warmup_s", r.warmup_s.to_string()));
    }
    rows.extend(Metric::all().map(|m| (m.csv_key(), m.of(r).to_string())));
    rows.push(("digest", r.digest.clone()));
    for (k, v) in rows {
        out.push_str(&format!("summary,{k},{}\n", csv_field(&v)));
    }
    for (cause, n) in &r.requests.failed_by_cause {
        out.push_str(&format!("failed_by_cause,{},{n}\n", csv_field(cause)));
    }
    out.push('\n');
    out.push_str("incident,trigger,component,start_s,rto_s,requests_failed,sessions_lost,writes_lost,rpo_s,recovery\n");
    for (i, inc) in r.incidents.iter().enumerate() {
        out.push_str(&format!(
            "{},{},{},{},{},{},{},{},{},{}\n",
            i + 1,
            csv_field(&inc.trigger),
            csv_field(&inc.component),
            inc.start_s,
            inc.rto_s,
            inc.requests_failed,
            inc.sessions_lost,
            inc.writes_lost,
            inc.rpo_s,
            csv_field(&inc.recovery)
        ));
    }
    out.push('\n');
    let s = &r.series;
    let causes: Vec<&String> = s.failed_by_cause.keys().collect();
    out.push_str("t_s,offered,served,sessions_active,sessions_lost,latency_p50_ms,latency_p95_ms,latency_p99_ms");
    for c in &causes {
        out.push_str(&format!(",failed_{}", csv_field(c)));
    }
    out.push('\n');
    for (i, t) in s.t_s.iter().enumerate() {
        let u = |v: &Vec<u64>| v.get(i).map(|x| x.to_string()).unwrap_or_default();
        let f = |v: &Vec<f64>| v.get(i).map(|x| x.to_string()).unwrap_or_default();
        out.push_str(&format!(
            "{t},{},{},{},{},{},{},{}",
            u(&s.offered),
            u(&s.served),
            u(&s.sessions_active),
            u(&s.sessions_lost),
            f(&s.latency_p50_ms),
            f(&s.latency_p95_ms),
            f(&s.latency_p99_ms)
        ));
        for c in &causes {
            let v = s
                .failed_by_cause
                .get(*c)
                .and_then(|v| v.get(i))
                .copied()
                .unwrap_or(0);
            out.push_str(&format!(",{v}"));
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::sim::report::{Incident, Marker};

    /// A small report with an incident and series, for tests of cards, CSV and charts.
    pub(crate) fn sample() -> Report {
        let mut r = Report {
            engine_version: "0.1.0".into(),
            scenario: "demo, \"quoted\"".into(),
            seed: 7,
            horizon_s: 300.0,
            ..Report::default()
        };
        r.requests.offered = 1000;
        r.requests.served = 990;
        r.requests.failed = 10;
        r.availability.request = 0.99;
        r.availability.time = 0.8;
        r.availability.nines = 2.0;
        r.availability.downtime_per_year_s = 315_360.0;
        r.sessions.lost = 3;
        r.writes.lost = 2;
        r.writes.max_rpo_s = 0.4;
        r.incidents = vec![
            Incident {
                trigger: "crash".into(),
                component: "app".into(),
                start_s: 60.0,
                rto_s: 12.0,
                requests_failed: 10,
                sessions_lost: 3,
                writes_lost: 2,
                rpo_s: 0.4,
                recovery: "failed over to app#1, after 12 s".into(),
                aggregated: 0,
            },
            Incident {
                trigger: "hang".into(),
                component: "db".into(),
                rto_s: 4.0,
                ..Incident::default()
            },
        ];
        let s = &mut r.series;
        s.window_s = 60.0;
        s.t_s = vec![0.0, 60.0, 120.0, 180.0, 240.0];
        s.offered = vec![200, 200, 200, 200, 200];
        s.served = vec![200, 190, 200, 200, 200];
        s.failed_by_cause
            .insert("detection_window".into(), vec![0, 6, 0, 0, 0]);
        s.failed_by_cause
            .insert("overload".into(), vec![0, 4, 0, 0, 0]);
        s.sessions_active = vec![10, 12, 9, 11, 10];
        s.sessions_lost = vec![0, 3, 0, 0, 0];
        s.latency_p50_ms = vec![20.0, 25.0, 21.0, 20.0, 20.0];
        s.latency_p95_ms = vec![40.0, 90.0, 45.0, 40.0, 40.0];
        s.latency_p99_ms = vec![60.0, 400.0, 70.0, 60.0, 60.0];
        s.markers = vec![Marker {
            t_s: 60.0,
            label: "crash app".into(),
        }];
        r
    }

    #[test]
    fn cards_show_every_summary_metric() {
        let cards = cards(&sample());
        let keys: Vec<&str> = cards.iter().map(|c| c.key).collect();
        assert_eq!(
            keys,
            [
                "request-availability",
                "nines",
                "time-availability",
                "downtime-per-year",
                "lost-sessions",
                "lost-writes",
                "worst-rpo",
                "mean-rto",
                "worst-rto"
            ]
        );
        assert_eq!(cards[0].value, "99.000 %");
        assert_eq!(cards[1].value, "2.00");
        // Five minutes with a scripted crash: no yearly extrapolation.
        assert_eq!(cards[3].value, "—");
        assert!(cards[3].hint.starts_with("not extrapolated"));
        assert_eq!(cards[7].value, "8.0 s");
        assert_eq!(cards[8].value, "12.0 s");
        // An empty report shows dashes, not NaN.
        let empty = super::cards(&Report::default());
        assert_eq!(empty[0].value, "—");
        assert!(!empty.iter().any(|c| c.value.contains("NaN")));
    }

    #[test]
    fn csv_has_summary_incidents_and_series_with_quoting() {
        let csv = to_csv(&sample());
        assert!(csv.contains("summary,scenario,\"demo, \"\"quoted\"\"\"\n"));
        assert!(csv.contains("1,crash,app,60,12,10,3,2,0.4,\"failed over to app#1, after 12 s\"\n"));
        assert!(csv.contains(",failed_detection_window,failed_overload\n"));
        // One summary row per registered metric, under its CSV key.
        for m in Metric::all() {
            assert!(
                csv.contains(&format!("\nsummary,{},", m.csv_key())),
                "{m:?}"
            );
        }
        assert!(csv.contains("\nsummary,availability_request,0.99\n"));
        assert!(csv.contains("\nsummary,mean_rto_s,8\n"));
        assert!(csv.contains("\nsummary,nines,2\n"));
        assert!(csv.contains("60,200,190,12,3,25,90,400,6,4\n"));
        assert!(!csv.contains("warmup_s"), "no warm-up, no row");
    }

    #[test]
    fn csv_states_the_warmup_after_the_horizon() {
        let mut r = sample();
        r.warmup_s = 120.0;
        let csv = to_csv(&r);
        assert!(
            csv.contains("\nsummary,horizon_s,300\nsummary,warmup_s,120\n"),
            "{csv}"
        );
    }
}
