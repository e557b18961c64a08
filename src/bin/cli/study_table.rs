//! The `study` command's output: the JSON report, or the readable table (means with their CIs,
//! exact values beside them, the objectives, the worst replications).

use super::study::err;
use failover_lab::report::Metric;
use failover_lab::scenario::Problem;
use failover_lab::study::compare::mean_ci_text as mean_ci;
use failover_lab::study::{stats::Summary, warmup::Method, StudyReport};
use std::process::ExitCode;

/// Prints the report; the exit status says whether the scenario's objectives are met (1 when
/// one is not, for pipelines).
pub(crate) fn print_report(r: &StudyReport, json: bool) -> Result<ExitCode, Vec<Problem>> {
    if json {
        let t = serde_json::to_string_pretty(r).map_err(|e| err("report", e.to_string()))?;
        println!("{t}");
    } else {
        print!("{}", table(r));
    }
    Ok(match &r.slo {
        Some(s) if !s.met => ExitCode::from(1),
        _ => ExitCode::SUCCESS,
    })
}

/// The metrics a planner reads first, in the table (a comparison's table has the same rows).
pub(crate) use failover_lab::study::compare::TABLE;

fn table(r: &StudyReport) -> String {
    use std::fmt::Write;
    let mut o = String::new();
    let stopped: &str = r.stopped_by.map_or("—", Into::into);
    let _ = writeln!(
        o,
        "study of {}  seed {}  {} level  horizon {}  {} replications (stopped by {stopped})\n",
        r.scenario,
        r.seed,
        r.fidelity,
        super::horizon_text(r.horizon_s),
        r.replications
    );
    if r.warmup_method != Method::None {
        let how: &str = r.warmup_method.into();
        let _ = writeln!(
            o,
            "  warm-up {} ({how}): every figure counts from then on\n",
            super::horizon_text(r.warmup_s)
        );
    }
    let _ = writeln!(
        o,
        "  {:<22} {:>24} {:>12} {:>12} {:>12} {:>12}  exact",
        "metric", "mean (95 % CI)", "min", "p50", "p95", "max"
    );
    for m in TABLE {
        let Some(s) = r.metrics.get(m.csv_key()) else {
            continue;
        };
        let _ = writeln!(
            o,
            "  {:<22} {:>24} {:>12} {:>12} {:>12} {:>12}  {}",
            m.label(),
            mean_ci(m, s),
            m.format(s.min),
            m.format(s.p50),
            m.format(s.p95),
            m.format(s.max),
            exact_text(m, s)
        );
    }
    for d in &r.disagreements {
        let _ = writeln!(
            o,
            "  warning: the exact value of {d} lies outside its 95 % CI (simulation and closed \
             form disagree)"
        );
    }
    if !r.disagreements.is_empty() {
        // Each 95 % interval misses its true value one time in twenty: say how many misses
        // chance alone gives among the figures compared, so that one stray warning among forty
        // figures is not read as a broken model.
        let compared = r.metrics.values().filter(|s| s.exact.is_some()).count()
            + r.components
                .iter()
                .flat_map(|c| [&c.node_availability, &c.any_node_up])
                .filter(|s| s.as_ref().is_some_and(|s| s.exact.is_some()))
                .count();
        let _ = writeln!(
            o,
            "  {} of {compared} figures with an exact value lie outside their 95 % CI; chance \
             alone puts about {:.1} there (rerun with more replications: a real disagreement \
             stays)",
            r.disagreements.len(),
            compared as f64 / 20.0
        );
    }
    if let Some(slo) = &r.slo {
        objectives(&mut o, slo);
    }
    let _ = writeln!(
        o,
        "\n  worst replications (open one as a run with its seed):"
    );
    for w in &r.worst {
        let a = w
            .availability_request
            .map_or("—".into(), |a| Metric::RequestAvailability.format(a));
        let _ = writeln!(o, "    #{:<6} seed {:<20} availability {a}", w.k, w.seed);
    }
    let _ = writeln!(o, "\n  digest {}", r.digest);
    o
}

/// The objectives' lines: how often each held, its interval, met or not.
fn objectives(o: &mut String, slo: &failover_lab::study::slo::SloReport) {
    use std::fmt::Write;
    let pct = |x: f64| Metric::RequestAvailability.format(x);
    let _ = writeln!(
        o,
        "\n  objectives (each must hold in at least {} of replications, judged on the lower end of its 95 % interval):",
        pct(slo.probability)
    );
    let rows = slo
        .objectives
        .iter()
        .map(|ob| (ob, if ob.met { "met" } else { "NOT MET" }));
    for (ob, verdict) in rows.chain(std::iter::once((&slo.all, ""))) {
        let _ = writeln!(
            o,
            "    {:<34} held in {:>6} of {:<6} {} [{}, {}]  {verdict}",
            ob.objective,
            ob.held,
            ob.of,
            pct(ob.probability),
            pct(ob.ci95[0]),
            pct(ob.ci95[1]),
        );
    }
}

/// "exact X" beside an estimate (with the digits a share needs), "exact X !" when it lies
/// outside the CI; empty without an exact counterpart.
fn exact_text(m: Metric, s: &Summary) -> String {
    let Some(x) = s.exact else {
        return String::new();
    };
    let v = if m.unit() == failover_lab::report::metric::Unit::Share {
        format!("{x:.7}")
    } else {
        m.format(x)
    };
    let flag = if s.disagrees() { " !" } else { "" };
    format!("exact {v}{flag}")
}
