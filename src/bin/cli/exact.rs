//! `failover-lab exact`: the scenario's exact long-run values (`failover_lab::exact`), with no
//! simulation: a table, or the `ExactReport` as JSON.

use clap::Args;
use failover_lab::exact::{self, ExactReport};
use failover_lab::report::duration_s;
use failover_lab::scenario::{self, Problem};
use std::fmt::Write as _;
use std::path::PathBuf;

#[derive(Args)]
pub(crate) struct ExactArgs {
    /// The scenario file (JSON, at most 4 MiB)
    #[arg(value_name = "SCENARIO.json", required_unless_present = "builtin")]
    file: Option<PathBuf>,
    /// Use a built-in scenario instead of a file
    #[arg(long, value_name = "NAME", conflicts_with = "file")]
    builtin: Option<String>,
    /// Override the horizon (it only scales the per-replication lost writes)
    #[arg(long, value_name = "DURATION", value_parser = super::parse_horizon)]
    horizon: Option<scenario::Dur>,
    /// Request level or flow level (the exact model matches the flow level)
    #[arg(long, value_enum, value_name = "MODE")]
    mode: Option<super::Mode>,
    /// Print the exact report as JSON
    #[arg(long)]
    json: bool,
}

pub(crate) fn exact(args: &ExactArgs) -> Result<(), Vec<Problem>> {
    let mut s = super::load(args.file.as_deref(), args.builtin.as_deref())?;
    super::apply_overrides(&mut s, None, args.horizon.clone(), args.mode);
    let compiled = scenario::compile(&s)?;
    for w in &compiled.warnings {
        eprintln!("{w}");
    }
    let r = exact::solve(&compiled.config);
    if args.json {
        match serde_json::to_string_pretty(&r) {
            Ok(t) => println!("{t}"),
            Err(e) => return Err(super::usage(format!("cannot serialize the report: {e}"))),
        }
    } else {
        print!("{}", table(&r));
    }
    Ok(())
}

/// A share with enough digits to tell its nines apart.
pub(crate) fn share(x: f64) -> String {
    format!("{:.7}", x)
}

fn table(r: &ExactReport) -> String {
    let mut t = String::new();
    let _ = writeln!(t, "exact (long run, no simulation): {}", r.scenario);
    let _ = writeln!(
        t,
        "  request availability   {}",
        share(r.request_availability)
    );
    let _ = writeln!(t, "  time availability      {}", share(r.time_availability));
    let _ = writeln!(
        t,
        "  downtime / year        {} ({:.1} min)",
        duration_s(r.downtime_per_year_s),
        r.downtime_minutes_per_year
    );
    let _ = writeln!(t, "  lost writes / year     {:.1}", r.lost_writes_per_year);
    let _ = writeln!(
        t,
        "\n  {:<18} {:<26} {:>5} {:>4} {:>10} {:>10} {:>10} {:>9}",
        "component", "model", "nodes", "k", "node", "≥ k alive", "requests", "crash/yr"
    );
    for c in &r.components {
        let _ = writeln!(
            t,
            "  {:<18} {:<26} {:>5} {:>4} {:>10} {:>10} {:>10} {:>9.2}",
            c.id,
            c.model,
            c.nodes,
            c.needed,
            share(c.node_availability),
            share(c.at_least_needed),
            share(c.request_availability),
            c.crashes_per_year
        );
    }
    for s in &r.sites {
        let _ = writeln!(t, "  site {:<13} {}", s.id, share(s.request_availability));
    }
    if !r.importance.is_empty() {
        let _ = writeln!(
            t,
            "\n  improve first       {:>10} {:>12} {:>12} {:>12}",
            "Birnbaum", "+1 node", "MTTR ÷ 10", "min/yr"
        );
        for i in &r.importance {
            let node = i
                .gain_one_more_node
                .map_or("—".to_string(), |g| format!("{g:.3e}"));
            let _ = writeln!(
                t,
                "  {:>2}. {:<15} {:>10.3e} {:>12} {:>12.3e} {:>12.2}",
                i.rank, i.id, i.birnbaum, node, i.gain_mttr_tenth, i.downtime_minutes_per_year
            );
        }
    }
    if !r.not_modelled.is_empty() {
        let _ = writeln!(t, "\n  not modelled (exact values exclude them):");
        for n in &r.not_modelled {
            let _ = writeln!(t, "  - {}: {} [{}]", n.path, n.what, n.affects.join(", "));
        }
    }
    t
}
