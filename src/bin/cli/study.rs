//! `failover-lab study` and `failover-lab merge`: many replications of one scenario, run in
//! parallel across the cores (rayon), or as shards on other machines merged afterwards. The
//! study itself (seeds, stopping rule, statistics, digest) is `failover_lab::study`; this file
//! only runs replications and prints.

use super::pool::Pool;
use super::study_table::{print_report, TABLE};
use clap::Args;
use failover_lab::report::Metric;
use failover_lab::scenario::{self, Problem, Scenario};
use failover_lab::study::{
    compare,
    warmup::{self, Warmup},
    Replication, Stop, StoppedBy, Study,
};
use serde::{Deserialize, Serialize};
use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

#[derive(Args)]
pub(crate) struct StudyArgs {
    /// The scenario file (JSON, at most 4 MiB)
    #[arg(value_name = "SCENARIO.json", required_unless_present = "builtin")]
    file: Option<PathBuf>,
    /// Use a built-in scenario instead of a file
    #[arg(long, value_name = "NAME", conflicts_with = "file")]
    builtin: Option<String>,
    /// Exactly this many replications (the default: 100)
    #[arg(long, value_name = "N", conflicts_with = "until_ci")]
    replications: Option<u64>,
    /// Until the 95 % CI half-width of METRIC is at most WIDTH (a trailing % makes it relative
    /// to the mean), e.g. requests_failed=5% or availability_request=0.0001
    #[arg(long, value_name = "METRIC=WIDTH")]
    until_ci: Option<String>,
    /// The most replications --until-ci may run
    #[arg(long, value_name = "N", default_value_t = 10_000)]
    max: u64,
    /// Stop after this many seconds of wall time (the report then says `time_budget`)
    #[arg(long, value_name = "SECONDS", value_parser = parse_seconds)]
    max_seconds: Option<f64>,
    /// Override the scenario's seed (replication k uses a seed derived from it and k)
    #[arg(long, value_name = "N")]
    seed: Option<u64>,
    /// Override the horizon (90s, 15m, 6h, 30d, 10y)
    #[arg(long, value_name = "DURATION", value_parser = super::parse_horizon)]
    horizon: Option<scenario::Dur>,
    /// Request level (every request) or flow level (rates)
    #[arg(long, value_enum, value_name = "MODE")]
    mode: Option<super::Mode>,
    /// Leave the start of every replication out of every metric: a duration (10m), or `auto`
    /// (MSER-5 on the series of the first replications run as pilots); overrides the
    /// scenario's `warmup`
    #[arg(long, value_name = "DURATION|auto", value_parser = parse_warmup)]
    warmup: Option<WarmupArg>,
    /// Threads (the default: every core)
    #[arg(long, value_name = "J")]
    jobs: Option<usize>,
    /// Run only the i-th of n disjoint ranges of the replications (0-based, `2/8`) and print
    /// them as JSON lines for `failover-lab merge`
    #[arg(long, value_name = "i/n", value_parser = parse_shard)]
    shard: Option<(u64, u64)>,
    /// Compare with a second design: both run the same replications (common random numbers: the
    /// same seeds, so clients and components with the same id draw the same numbers) and the
    /// paired differences B − A are reported with their intervals
    #[arg(long, value_name = "B.json", conflicts_with = "shard")]
    compare: Option<PathBuf>,
    /// Print the study report as JSON
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
pub(crate) struct MergeArgs {
    /// Shard files written by `failover-lab study --shard i/n`
    #[arg(value_name = "SHARD.jsonl", required = true)]
    files: Vec<PathBuf>,
    /// Print the study report as JSON
    #[arg(long)]
    json: bool,
}

/// The first line of a shard file: what the replications after it belong to.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
struct ShardHeader {
    engine_version: String,
    replications: u64,
    shard: (u64, u64),
    scenario: Scenario,
    /// The warm-up every replication ran with (the scenario's `warmup` holds its length).
    #[serde(default)]
    warmup: Warmup,
}

#[derive(Clone)]
enum WarmupArg {
    Auto,
    Fixed(scenario::Dur),
}

fn parse_warmup(v: &str) -> Result<WarmupArg, String> {
    if v.trim() == "auto" {
        return Ok(WarmupArg::Auto);
    }
    super::parse_horizon(v)
        .map(WarmupArg::Fixed)
        .map_err(|e| format!("{e}, or `auto`"))
}

/// The warm-up the arguments and the scenario ask for; `auto` runs the pilots first and sets
/// the scenario's `warmup` to what MSER-5 chose.
fn choose_warmup(
    a: &StudyArgs,
    s: &mut Scenario,
    pool: &Pool,
    stop: &Stop,
) -> Result<Warmup, Vec<Problem>> {
    match &a.warmup {
        Some(WarmupArg::Fixed(d)) => s.warmup = Some(d.clone()),
        Some(WarmupArg::Auto) => {
            s.warmup = None;
            let cfg = scenario::compile(s)?.config;
            let pilots = pool.pilots(&cfg, 0..warmup::pilots(stop.max()));
            let w = warmup::choose(&pilots).map_err(|m| err("--warmup auto", m))?;
            s.warmup = w.scenario_warmup();
            eprintln!(
                "warm-up {} (MSER-5 on {} pilot runs)",
                super::horizon_text(w.us as f64 / 1e6),
                pilots.len()
            );
            return Ok(w);
        }
        None => {}
    }
    Ok(warmup::given(s.warmup.as_ref()))
}

fn parse_seconds(v: &str) -> Result<f64, String> {
    match v.trim().parse::<f64>() {
        Ok(x) if x.is_finite() && (0.0..=1e9).contains(&x) => Ok(x),
        _ => Err(format!("`{v}` is not a number of seconds (0 to 1e9)")),
    }
}

fn parse_shard(v: &str) -> Result<(u64, u64), String> {
    let bad = || format!("`{v}` is not a shard: write i/n with 0 ≤ i < n, e.g. 0/4");
    let (i, n) = v.split_once('/').ok_or_else(bad)?;
    let (i, n) = (
        i.trim().parse::<u64>().map_err(|_| bad())?,
        n.trim().parse::<u64>().map_err(|_| bad())?,
    );
    (i < n).then_some((i, n)).ok_or_else(bad)
}

pub(crate) fn err(at: &str, msg: impl Into<String>) -> Vec<Problem> {
    vec![Problem::error(at, msg)]
}

/// The stopping rule the arguments ask for.
fn stop_rule(a: &StudyArgs) -> Result<Stop, Vec<Problem>> {
    let stop = match &a.until_ci {
        None => Stop::Replications(a.replications.unwrap_or(100)),
        Some(spec) => {
            let (name, width) = spec.split_once('=').ok_or_else(|| {
                err(
                    "--until-ci",
                    format!("`{spec}`: write METRIC=WIDTH, e.g. requests_failed=5%"),
                )
            })?;
            let metric = Metric::all()
                .find(|m| m.csv_key() == name.trim())
                .ok_or_else(|| {
                    let names: Vec<&str> = Metric::all().map(Metric::csv_key).collect();
                    err(
                        "--until-ci",
                        format!("no metric `{name}` (have: {})", names.join(", ")),
                    )
                })?;
            let (width, relative) = match width.trim().strip_suffix('%') {
                Some(w) => (w.trim().parse::<f64>().map(|x| x / 100.0), true),
                None => (width.trim().parse::<f64>(), false),
            };
            let half_width = width
                .map_err(|_| err("--until-ci", format!("`{spec}`: the width is not a number")))?;
            Stop::UntilCi {
                metric,
                half_width,
                relative,
                max: a.max,
            }
        }
    };
    stop.check()
        .map_err(|m| err("--until-ci / --replications / --max", m))?;
    if a.shard.is_some() && !matches!(stop, Stop::Replications(_)) {
        return Err(err(
            "--shard",
            "a sharded study needs a fixed --replications N (a CI rule needs every result in order)",
        ));
    }
    Ok(stop)
}

pub(crate) fn study(a: &StudyArgs) -> Result<ExitCode, Vec<Problem>> {
    let stop = stop_rule(a)?;
    let mut s = super::load(a.file.as_deref(), a.builtin.as_deref())?;
    super::apply_overrides(&mut s, a.seed, a.horizon.clone(), a.mode);
    let jobs = a
        .jobs
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    let pool = Pool::new(jobs)?;
    let warm = choose_warmup(a, &mut s, &pool, &stop)?;
    let compiled = scenario::compile(&s)?;
    for w in &compiled.warnings {
        eprintln!("{w}");
    }
    let cfg = &compiled.config;
    let started = Instant::now();
    if let Some((i, n)) = a.shard {
        let total = stop.max();
        let range = (total * i / n)..(total * (i + 1) / n);
        let header = ShardHeader {
            engine_version: failover_lab::ENGINE_VERSION.to_string(),
            replications: total,
            shard: (i, n),
            scenario: s.clone(),
            warmup: warm,
        };
        let mut out = std::io::stdout().lock();
        writeln!(out, "{}", json_line(&header)).map_err(|e| err("stdout", e.to_string()))?;
        let reps = pool.run(cfg, range);
        for r in &reps {
            writeln!(out, "{}", json_line(r)).map_err(|e| err("stdout", e.to_string()))?;
        }
        eprintln!(
            "shard {i}/{n}: {} replications in {:.2} s",
            reps.len(),
            started.elapsed().as_secs_f64()
        );
        return Ok(ExitCode::SUCCESS);
    }
    if let Some(other) = &a.compare {
        return compare_designs(a, (&s, cfg), other, &pool, (stop, warm));
    }
    let budget = a.max_seconds.map(Duration::from_secs_f64);
    let mut study = Study::new(stop).with_warmup(warm);
    let chunk = (jobs as u64 * 4).max(8);
    let progress = std::io::stderr().is_terminal();
    while let Some(k0) = study.next_k() {
        if budget.is_some_and(|b| started.elapsed() >= b) {
            study.halt(StoppedBy::TimeBudget);
            break;
        }
        let k1 = (k0 + chunk).min(study.stop.max());
        let reps = pool.run(cfg, k0..k1);
        for r in reps {
            if !study.push(r).map_err(|m| err("study", m))? {
                break;
            }
        }
        if progress {
            eprint!(
                "\r\x1b[K{} replications · {:.0}/s",
                study.replications().len(),
                rate(&study, started)
            );
        }
    }
    if progress {
        eprintln!();
    }
    eprintln!(
        "{} replications in {:.2} s ({:.0}/s, {jobs} threads)",
        study.replications().len(),
        started.elapsed().as_secs_f64(),
        rate(&study, started)
    );
    print_report(&study.report(&s), a.json)
}

/// `--compare`: design A (the scenario) and design B run the same fixed replications.
fn compare_designs(
    a: &StudyArgs,
    (sa, cfg_a): (&Scenario, &failover_lab::sim::Config),
    other: &std::path::Path,
    pool: &Pool,
    (stop, warm): (Stop, Warmup),
) -> Result<ExitCode, Vec<Problem>> {
    let Stop::Replications(n) = stop else {
        return Err(err(
            "--compare",
            "a comparison needs a fixed --replications N",
        ));
    };
    // B runs like A: A's seed (the same replication seeds), the same overrides, A's warm-up
    let fidelity = a.mode.map(|m| match m {
        super::Mode::Request => scenario::Fidelity::Request,
        super::Mode::Flow => scenario::Fidelity::Flow,
    });
    let sb = compare::design_b(
        sa,
        super::load(Some(other), None)?,
        a.horizon.clone(),
        fidelity,
    );
    let cfg_b = scenario::compile(&sb)?.config;
    let run = |cfg: &failover_lab::sim::Config| -> Result<Study, Vec<Problem>> {
        let mut st = Study::new(Stop::Replications(n)).with_warmup(warm);
        for r in pool.run(cfg, 0..n) {
            st.push(r).map_err(|m| err("study", m))?;
        }
        Ok(st)
    };
    let (ra, rb) = (run(cfg_a)?, run(&cfg_b)?);
    let c = compare::Comparison::of(&ra, sa, &rb, &sb).map_err(|m| err("--compare", m))?;
    if a.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&c).map_err(|e| err("report", e.to_string()))?
        );
        return Ok(ExitCode::SUCCESS);
    }
    let (ra, rb, diff) = (&c.a, &c.b, &c.difference);
    use std::fmt::Write;
    let mut o = format!(
        "comparison of {} (A) and {} (B), {n} replications with the same seeds\n\n  {:<22} {:>14} {:>14} {:>34} {:>10}\n",
        sa.name, sb.name, "metric", "A mean", "B mean", "B − A (95 % CI)", "var. ratio"
    );
    for m in TABLE {
        let key = m.csv_key();
        let (Some(x), Some(y), Some(d)) = (ra.metrics.get(key), rb.metrics.get(key), diff.get(key))
        else {
            continue;
        };
        let _ = writeln!(
            o,
            "  {:<22} {:>14} {:>14} {:>34} {:>10.1}",
            m.label(),
            m.format(x.mean),
            m.format(y.mean),
            compare::difference_text(m, &d.paired),
            d.variance_ratio
        );
    }
    let _ = writeln!(o, "\n  var. ratio: how many times more replications independent seeds would need for the same interval");
    print!("{o}");
    Ok(ExitCode::SUCCESS)
}

fn rate(study: &Study, since: Instant) -> f64 {
    study.replications().len() as f64 / since.elapsed().as_secs_f64().max(1e-9)
}

pub(crate) fn merge(a: &MergeArgs) -> Result<ExitCode, Vec<Problem>> {
    let mut header: Option<ShardHeader> = None;
    let mut reps: Vec<Replication> = Vec::new();
    for path in &a.files {
        let at = path.display().to_string();
        let file = std::fs::File::open(path).map_err(|e| err(&at, format!("cannot read: {e}")))?;
        let mut lines = std::io::BufReader::new(file).lines();
        let first = lines
            .next()
            .transpose()
            .map_err(|e| err(&at, e.to_string()))?;
        let h: ShardHeader = first
            .and_then(|l| serde_json::from_str(&l).ok())
            .ok_or_else(|| err(&format!("{at}:1"), "not a shard file (no header line)"))?;
        match &header {
            Some(h0)
                if (
                    h0.engine_version.as_str(),
                    h0.replications,
                    &h0.scenario,
                    h0.warmup,
                ) != (
                    h.engine_version.as_str(),
                    h.replications,
                    &h.scenario,
                    h.warmup,
                ) =>
            {
                return Err(err(&at, "this shard belongs to another study (scenario, replications, warm-up or engine version differ)"));
            }
            Some(_) => {}
            None => header = Some(h),
        }
        for (i, l) in lines.enumerate() {
            let l = l.map_err(|e| err(&at, e.to_string()))?;
            let r: Replication = serde_json::from_str(&l).map_err(|e| {
                err(
                    &format!("{at}:{}", i + 2),
                    format!("not a replication: {e}"),
                )
            })?;
            reps.push(r);
        }
    }
    let Some(h) = header else {
        return Err(err("merge", "no shard files"));
    };
    reps.sort_by_key(|r| r.k);
    for (want, r) in reps.iter().enumerate() {
        if r.k != want as u64 {
            let what = if r.k < want as u64 {
                "twice"
            } else {
                "missing"
            };
            return Err(err(
                "merge",
                format!(
                    "replication {} is {what}: merge every shard of the study once",
                    if what == "twice" { r.k } else { want as u64 }
                ),
            ));
        }
    }
    if reps.len() as u64 != h.replications {
        return Err(err(
            "merge",
            format!(
                "{} of {} replications: a shard is missing",
                reps.len(),
                h.replications
            ),
        ));
    }
    let mut study = Study::new(Stop::Replications(h.replications)).with_warmup(h.warmup);
    for r in reps {
        study.push(r).map_err(|m| err("merge", m))?;
    }
    print_report(&study.report(&h.scenario), a.json)
}

/// One JSON line (a header or a replication; both always serialize).
fn json_line<T: Serialize>(x: &T) -> String {
    serde_json::to_string(x).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"))
}
