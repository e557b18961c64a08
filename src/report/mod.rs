//! Summaries and charts of a run's report, generic over plotters backends so they are testable
//! natively with the SVG backend. No browser code here.

pub mod charts;

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

/// `0.99953` → `99.953 %`.
pub fn percent(share: f64) -> String {
    if !share.is_finite() {
        return "—".into();
    }
    let p = share * 100.0;
    if (99.0..100.0).contains(&p) {
        format!("{p:.3} %")
    } else {
        format!("{p:.1} %")
    }
}

/// Seconds in human units: `0.8 s`, `12.0 s`, `3.5 min`, `2.1 h`, `1.5 d`.
pub fn duration_s(s: f64) -> String {
    if !s.is_finite() {
        return "—".into();
    }
    if s < 60.0 {
        format!("{s:.1} s")
    } else if s < 3600.0 {
        format!("{:.1} min", s / 60.0)
    } else if s < 86_400.0 {
        format!("{:.1} h", s / 3600.0)
    } else {
        format!("{:.1} d", s / 86_400.0)
    }
}

/// The summary cards, in display order.
pub fn cards(r: &Report) -> Vec<Card> {
    let rtos: Vec<f64> = r.incidents.iter().map(|i| i.rto_s).collect();
    let mean_rto = if rtos.is_empty() {
        0.0
    } else {
        rtos.iter().sum::<f64>() / rtos.len() as f64
    };
    let worst_rto = rtos.iter().copied().fold(0.0, f64::max);
    let no_traffic = r.requests.offered == 0;
    vec![
        Card {
            key: "request-availability",
            label: "Request availability",
            value: if no_traffic {
                "—".into()
            } else {
                percent(r.availability.request)
            },
            hint: format!(
                "served / offered requests: {} of {}",
                r.requests.served, r.requests.offered
            ),
            bad: r.requests.failed > 0,
        },
        Card {
            key: "nines",
            label: "Nines",
            value: if no_traffic {
                "—".into()
            } else {
                format!("{:.2}", r.availability.nines)
            },
            hint: "−log10(1 − request availability), 9 when nothing failed".into(),
            bad: !no_traffic && r.availability.nines < 3.0,
        },
        Card {
            key: "time-availability",
            label: "Time availability",
            value: if no_traffic {
                "—".into()
            } else {
                percent(r.availability.time)
            },
            hint: "share of windows in which the service answered".into(),
            bad: r.availability.time < 1.0 && !no_traffic,
        },
        Card {
            key: "downtime-per-year",
            label: "Downtime / year",
            value: duration_s(r.availability.downtime_per_year_s),
            hint: "at this request-availability rate".into(),
            bad: r.availability.downtime_per_year_s > 0.0,
        },
        Card {
            key: "lost-sessions",
            label: "Lost sessions",
            value: r.sessions.lost.to_string(),
            hint: format!("of {} sessions started", r.sessions.started),
            bad: r.sessions.lost > 0,
        },
        Card {
            key: "lost-writes",
            label: "Lost writes",
            value: r.writes.lost.to_string(),
            hint: format!("of {} acknowledged writes", r.writes.acknowledged),
            bad: r.writes.lost > 0,
        },
        Card {
            key: "worst-rpo",
            label: "Worst RPO",
            value: duration_s(r.writes.max_rpo_s),
            hint: "age of the oldest lost write".into(),
            bad: r.writes.max_rpo_s > 0.0,
        },
        Card {
            key: "mean-rto",
            label: "Mean RTO",
            value: duration_s(mean_rto),
            hint: format!("over {} incident(s)", r.incidents.len()),
            bad: mean_rto > 0.0,
        },
        Card {
            key: "worst-rto",
            label: "Worst RTO",
            value: duration_s(worst_rto),
            hint: "longest time from first failed request to full restoration".into(),
            bad: worst_rto > 0.0,
        },
    ]
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
    let rows: Vec<(&str, String)> = vec![
        ("engine_version", r.engine_version.clone()),
        ("scenario", r.scenario.clone()),
        ("seed", r.seed.to_string()),
        ("fidelity", r.fidelity.to_string()),
        ("horizon_s", r.horizon_s.to_string()),
        ("events", r.events.to_string()),
        ("requests_offered", r.requests.offered.to_string()),
        ("requests_served", r.requests.served.to_string()),
        ("requests_failed", r.requests.failed.to_string()),
        ("availability_request", r.availability.request.to_string()),
        ("availability_time", r.availability.time.to_string()),
        ("nines", r.availability.nines.to_string()),
        (
            "downtime_per_year_s",
            r.availability.downtime_per_year_s.to_string(),
        ),
        ("sessions_started", r.sessions.started.to_string()),
        ("sessions_lost", r.sessions.lost.to_string()),
        ("writes_lost", r.writes.lost.to_string()),
        ("max_rpo_s", r.writes.max_rpo_s.to_string()),
        ("latency_p50_ms", r.latency_ms.p50.to_string()),
        ("latency_p95_ms", r.latency_ms.p95.to_string()),
        ("latency_p99_ms", r.latency_ms.p99.to_string()),
        ("digest", r.digest.clone()),
    ];
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
    pub fn sample() -> Report {
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
        assert_eq!(cards[3].value, "3.6 d");
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
        assert!(csv.contains("60,200,190,12,3,25,90,400,6,4\n"));
    }

    #[test]
    fn human_durations() {
        assert_eq!(duration_s(0.0), "0.0 s");
        assert_eq!(duration_s(90.0), "1.5 min");
        assert_eq!(duration_s(7200.0), "2.0 h");
        assert_eq!(duration_s(f64::NAN), "—");
        assert_eq!(percent(1.0), "100.0 %");
    }
}
