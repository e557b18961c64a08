//! Tests of the charts, drawn to SVG natively.
use super::*;
use crate::report::tests::sample;

fn svg(kind: ChartKind, r: &Report) -> String {
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, (640, 240)).into_drawing_area();
        draw(kind, &root, r, &Theme::LIGHT).unwrap();
    }
    out
}

#[test]
fn every_chart_has_axes_units_legend_and_markers() {
    let r = sample();
    for kind in ChartKind::ALL {
        let out = svg(kind, &r);
        assert!(out.starts_with("<svg"), "{kind:?}");
        assert!(
            out.contains("time (min)"),
            "{kind:?} lacks the time axis unit"
        );
        assert!(out.contains("crash app"), "{kind:?} lacks the fault marker");
    }
    assert!(svg(ChartKind::SuccessRate, &r).contains("success (%)"));
    let f = svg(ChartKind::FailuresByCause, &r);
    assert!(f.contains("detection window") && f.contains("overload"));
    let l = svg(ChartKind::Latency, &r);
    assert!(
        l.contains("p50") && l.contains("p95") && l.contains("p99") && l.contains("latency (ms)")
    );
    let s = svg(ChartKind::Sessions, &r);
    assert!(s.contains("active") && s.contains("lost"));
}

#[test]
fn crowded_markers_get_short_labels_in_rows() {
    let mut r = sample();
    for k in 0..8 {
        r.series.markers.push(crate::sim::report::Marker {
            t_s: 60.0 + k as f64,
            label: format!("marker {k} with a very long explanation of what happened"),
        });
    }
    let out = svg(ChartKind::SuccessRate, &r);
    assert!(!out.contains("very long explanation of what"));
    // Three rows at most near the same time, the rest are left out.
    assert!(
        out.matches("marker ").count() <= 3,
        "{}",
        out.matches("marker ").count()
    );
    assert_eq!(marker_label("short"), "short");
    // The eight markers a second apart are one cluster, drawn as one "N faults" label (the
    // sample's own marker, 60 s earlier... or later, may keep its own).
    assert!(
        out.contains("8 faults") || out.contains("9 faults"),
        "{out}"
    );
}

#[test]
fn thousands_of_markers_draw_few_labels_and_every_line() {
    let mut r = sample();
    let span = x_span_s(&r);
    for k in 0..2000 {
        r.series.markers.push(crate::sim::report::Marker {
            t_s: span * k as f64 / 2000.0,
            label: format!("crash node-{k}"),
        });
    }
    let out = svg(ChartKind::Sessions, &r);
    // At most one label per cluster gap across the 640 px chart, three rows.
    let labels = out.matches(" faults").count();
    assert!((1..=3 * 640 / 28).contains(&labels), "{labels}");
    assert!(!out.contains("crash node-1000"));
}

#[test]
fn an_empty_report_draws_a_message() {
    let out = svg(ChartKind::Latency, &Report::default());
    assert!(out.contains("no data"));
}

#[test]
fn hover_reads_the_window_under_the_pointer() {
    let r = sample();
    assert_eq!(
        hover_text(ChartKind::SuccessRate, &r, 0.3).unwrap(),
        "at 60.0 s: 95.0 % (190 of 200 requests)"
    );
    assert!(hover_text(ChartKind::Latency, &r, 0.0)
        .unwrap()
        .contains("p99 60.0 ms"));
    assert!(hover_text(ChartKind::Sessions, &Report::default(), 0.5).is_none());
}

#[test]
fn a_pixel_maps_to_the_window_drawn_there_and_back() {
    let r = sample();
    let n = r.series.t_s.len();
    assert!(n >= 2);
    let w = 560.0;
    // Off the plot: nothing; its left edge: the first window; its right edge: the last.
    assert_eq!(window_at(&r, 10.0, w), None);
    assert_eq!(window_at(&r, w - 2.0, w), None);
    assert_eq!(window_at(&r, 66.0, w), Some(0));
    assert_eq!(window_at(&r, w - PLOT_MARGIN, w), Some(n - 1));
    for i in 0..n {
        let x = x_of_window(&r, i, w).unwrap();
        // Just right of a window's start is that window.
        assert_eq!(window_at(&r, x + 0.5, w), Some(i), "window {i} at {x}");
        if i > 0 {
            assert_eq!(window_at(&r, x - 0.5, w), Some(i - 1));
        }
    }
    // The readout is that window's values.
    let i = window_at(&r, x_of_window(&r, 1, w).unwrap() + 1.0, w).unwrap();
    assert_eq!(
        window_text(ChartKind::SuccessRate, &r, i).unwrap(),
        "at 60.0 s: 95.0 % (190 of 200 requests)"
    );
    assert!(window_text(ChartKind::Sessions, &r, n).is_none());
    assert_eq!(window_at(&Report::default(), 100.0, w), None);
}

#[test]
fn a_zoomed_chart_shows_only_its_range() {
    let r = sample();
    // The sample's windows start at 0, 60, …, 240 s; the crash marker is at 60 s.
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, (640, 240)).into_drawing_area();
        let view = TimeRange {
            from_s: 120.0,
            to_s: 240.0,
        };
        draw_view(ChartKind::SuccessRate, &root, &r, &Theme::LIGHT, &view).unwrap();
    }
    assert!(
        !out.contains("crash app"),
        "the marker at 60 s is out of view"
    );
    assert!(
        out.contains("time (s)"),
        "the unit follows the range (2 min)"
    );
    assert!(svg(ChartKind::SuccessRate, &r).contains("crash app"));
}

#[test]
fn success_ends_at_100_and_long_runs_are_in_years() {
    let r = sample();
    let out = svg(ChartKind::SuccessRate, &r);
    assert!(!out.contains("100.5"), "the y axis ends at 100 %");
    assert_eq!(time_unit(3.0 * 365.0 * 86_400.0).1, "time (years)");
    assert_eq!(time_unit(30.0 * 86_400.0).1, "time (d)");
}

#[test]
fn flow_level_latency_says_it_is_not_modelled() {
    let mut r = sample();
    r.fidelity = crate::sim::config::Fidelity::Flow;
    let out = svg(ChartKind::Latency, &r);
    assert!(out.contains("not modelled at flow level"), "{out}");
    assert!(!out.contains("latency (ms)"));
}

#[test]
fn lost_sessions_have_their_own_axis() {
    let mut r = sample();
    // Thousands active, a handful lost: on a shared axis the lost line would be flat at 0.
    r.series.sessions_active = vec![4000, 4100, 3900, 4000, 4000];
    r.series.sessions_lost = vec![0, 6, 2, 0, 0];
    let (active, lost) = sessions_panels(&r.series);
    assert_eq!(active.y_max, 4100.0 * 1.45);
    assert_eq!(lost.y_max, 6.0 * 1.45);
    assert_eq!(lost.series.len(), 1);
    assert_eq!(lost.series[0].2, vec![0.0, 6.0, 2.0, 0.0, 0.0]);
    // No lost sessions at all: the axis still spans 0..1.
    r.series.sessions_lost = vec![0; 5];
    assert_eq!(sessions_panels(&r.series).1.y_max, 1.0);
    let out = svg(ChartKind::Sessions, &r);
    // Two y axes (their titles rotated), one time axis under the lost panel.
    let rotated: Vec<&str> = out
        .split("rotate(270")
        .skip(1)
        .filter_map(|t| t.split('\n').nth(1))
        .collect();
    assert_eq!(rotated, ["active", "lost"]);
    assert_eq!(out.matches("\ntime (min)\n").count(), 1);
}
