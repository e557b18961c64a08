//! A study's lean run (`Simulation::summary_only`) against the full run of the same seed: the
//! same events, counts, incidents and budgets, without the chart's series and markers.

use super::{Config, Simulation, Time};
use crate::scenario;

fn configs() -> Vec<(String, Config)> {
    let mut out: Vec<(String, Config)> = scenario::builtins::all()
        .iter()
        .map(|b| {
            // (their scripted faults come early; a request-level day would be slow in debug)
            let mut s = b.scenario();
            if s.horizon.us() > scenario::Dur::hours(2).us() {
                s.horizon = scenario::Dur::hours(2);
            }
            (b.name.to_string(), scenario::compile(&s).unwrap().config)
        })
        .collect();
    let mut year = scenario::parse_json(include_str!("../../bench/flow-year.json")).unwrap();
    out.push((year.name.clone(), scenario::compile(&year).unwrap().config));
    // and with a warm-up (the statistics start again mid-run; the chart goes on)
    year.warmup = Some(scenario::Dur::days(30));
    out.push((
        "flow year, warm-up".into(),
        scenario::compile(&year).unwrap().config,
    ));
    out
}

#[test]
fn a_lean_run_is_the_full_run_without_its_chart() {
    let mut with_markers = 0;
    for (name, cfg) in configs() {
        let mut full = Simulation::new(cfg.clone());
        let mut lean = Simulation::summary_only(cfg.clone());
        // the same memory estimate all along (the budgets' verdicts), at a few moments
        for i in 1..=4 {
            let t: Time = cfg.horizon / 4 * i;
            full.run_until(t);
            lean.run_until(t);
            assert_eq!(full.events(), lean.events(), "{name} events at {t}");
            assert_eq!(
                full.world.memory_estimate(),
                lean.world.memory_estimate(),
                "{name}: memory estimate at {t}"
            );
        }
        full.run_to_end();
        lean.run_to_end();
        let (mut want, got) = (full.into_report(), lean.into_report());
        with_markers += usize::from(!want.series.markers.is_empty());
        assert!(got.digest.is_empty() && got.series.t_s.is_empty(), "{name}");
        assert!(got.series.markers.is_empty(), "{name}");
        assert!(
            !want.digest.is_empty() && !want.series.t_s.is_empty(),
            "{name}"
        );
        let (ws, wo) = (want.series.window_s, want.series.markers_omitted);
        assert_eq!(
            (got.series.window_s, got.series.markers_omitted),
            (ws, wo),
            "{name}"
        );
        // everything else is the full report's, field for field
        want.digest = String::new();
        want.series = got.series.clone();
        assert_eq!(got, want, "{name}");
    }
    assert!(with_markers >= 3, "{with_markers} runs with markers");
}
