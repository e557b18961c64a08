//! The native command-line interface to the simulation core: argument parsing (clap), reading a
//! scenario within the size limit, the run (in chunks, with progress on stderr: the wall clock
//! lives here, never in the engine) and the printed summary (from the metric registry).

use clap::{Args, Parser, Subcommand, ValueEnum};
use failover_lab::report::{duration_s, metric, Metric};
use failover_lab::scenario::{self, parse::MAX_JSON_BYTES, Problem, Scenario};
use failover_lab::sim::{self, Report, Simulation};
use std::io::{IsTerminal, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

#[path = "cli/exact.rs"]
mod exact;
#[path = "cli/lesson.rs"]
mod lesson;
#[path = "cli/pool.rs"]
mod pool;
#[path = "cli/study.rs"]
mod study;
#[path = "cli/study_table.rs"]
mod study_table;

#[derive(Parser)]
#[command(
    name = "failover-lab",
    version = failover_lab::ENGINE_VERSION,
    about = "failover-lab: simulate fault-tolerant architectures from the command line",
    after_help = "Benchmarks: ./dev bench (the failover-lab-bench binary, see bench/README.md).",
    arg_required_else_help = true
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run one scenario (a file or a built-in) and print its summary or its JSON report
    #[command(
        after_help = "Examples:\n  failover-lab run --builtin liferay-reference\n  failover-lab run my-scenario.json --seed 7 --horizon 6h --json"
    )]
    Run(RunArgs),
    /// Run many replications of one scenario and summarise them with confidence intervals
    #[command(
        after_help = "Exit status: 0 done (and every objective of the scenario's `slo` met), 1 an objective not met, 2 bad input.\n\nExamples:\n  failover-lab study --builtin liferay-reference --mode flow --horizon 1y --replications 1000\n  failover-lab study my.json --until-ci requests_failed=5% --max 5000 --json\n  failover-lab study my.json --replications 10000 --shard 3/8 > shard-3.jsonl"
    )]
    Study(study::StudyArgs),
    /// Merge the shard files of one study into its report (the same as one unsharded run)
    #[command(
        after_help = "Exit status as for study.\n\nExample:\n  failover-lab merge shard-*.jsonl --json"
    )]
    Merge(study::MergeArgs),
    /// The guided lessons: list them, or check one's reference solution against the engine
    #[command(
        after_help = "Exit status of check: 0 every condition of every step's goal holds after its change and failed before it, 1 some condition does not, 2 an unknown lesson or a bad lesson file.\n\nExamples:\n  failover-lab lesson list\n  failover-lab lesson check single-point-of-failure\n  failover-lab lesson check my-lesson.json"
    )]
    Lesson(lesson::LessonArgs),
    /// The scenario's exact long-run availability, downtime, lost writes and which component to
    /// improve first: instant, no simulation
    #[command(
        after_help = "Exit status: 0 done, 2 bad input.\n\nExamples:\n  failover-lab exact --builtin liferay-reference\n  failover-lab exact my-scenario.json --json"
    )]
    Exact(exact::ExactArgs),
}

#[derive(Args)]
struct RunArgs {
    /// The scenario file (JSON, at most 4 MiB)
    #[arg(value_name = "SCENARIO.json", required_unless_present = "builtin")]
    file: Option<PathBuf>,
    /// Use a built-in scenario instead of a file
    #[arg(long, value_name = "NAME", conflicts_with = "file")]
    builtin: Option<String>,
    /// Override the scenario's seed
    #[arg(long, value_name = "N")]
    seed: Option<u64>,
    /// Override the horizon (90s, 15m, 6h, 30d, 10y)
    #[arg(long, value_name = "DURATION", value_parser = parse_horizon)]
    horizon: Option<scenario::Dur>,
    /// Reset the statistics at this time: the report covers what follows only (overrides the
    /// scenario's `warmup`)
    #[arg(long, value_name = "DURATION", value_parser = parse_horizon)]
    warmup: Option<scenario::Dur>,
    /// Request level (every request) or flow level (rates)
    #[arg(long, value_enum, value_name = "MODE")]
    mode: Option<Mode>,
    /// Print the full JSON report
    #[arg(long)]
    json: bool,
    /// Stop after this many events with a partial report (default 2000000000)
    #[arg(long, value_name = "N")]
    max_events: Option<u64>,
    /// Stop when the engine's memory estimate passes this many MiB, with a partial report
    /// (default 1024)
    #[arg(long, value_name = "MIB")]
    max_memory_mib: Option<u64>,
    /// Show progress on stderr (the default when stderr is a terminal)
    #[arg(long)]
    progress: bool,
    /// Wall-clock milliseconds between progress lines
    #[arg(long, value_name = "MS", default_value_t = 1000, hide = true)]
    progress_every_ms: u64,
}

#[derive(Clone, Copy, ValueEnum)]
enum Mode {
    Request,
    Flow,
}

fn parse_horizon(v: &str) -> Result<scenario::Dur, String> {
    let d = scenario::Dur::parse(v);
    match d.as_micros() {
        Some(_) => Ok(d),
        None => Err(format!(
            "`{v}` is not a duration (e.g. 90s, 15m, 6h, 30d, 10y)"
        )),
    }
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // Help and version go to stdout with status 0; usage errors to stderr with 2.
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    let result = match cli.command {
        Command::Run(args) => run(&args).map(|()| ExitCode::SUCCESS),
        Command::Study(args) => study::study(&args),
        Command::Merge(args) => study::merge(&args),
        Command::Lesson(args) => lesson::lesson(&args),
        Command::Exact(args) => exact::exact(&args).map(|()| ExitCode::SUCCESS),
    };
    match result {
        Ok(code) => code,
        Err(problems) => {
            for p in problems {
                eprintln!("{p}");
            }
            ExitCode::from(2)
        }
    }
}

fn usage(msg: impl Into<String>) -> Vec<Problem> {
    vec![Problem::error("arguments", msg)]
}

fn run(args: &RunArgs) -> Result<(), Vec<Problem>> {
    let mut s = load(args.file.as_deref(), args.builtin.as_deref())?;
    apply_overrides(&mut s, args.seed, args.horizon.clone(), args.mode);
    if let Some(w) = &args.warmup {
        s.warmup = Some(w.clone());
    }
    let mut compiled = scenario::compile(&s)?;
    for w in &compiled.warnings {
        eprintln!("{w}");
    }
    if let Some(n) = args.max_events {
        compiled.config.budget.events = n;
    }
    if let Some(m) = args.max_memory_mib {
        compiled.config.budget.memory_bytes = m.saturating_mul(1 << 20);
    }
    let every = (args.progress || std::io::stderr().is_terminal())
        .then(|| Duration::from_millis(args.progress_every_ms));
    let report = run_with_progress(compiled.config, every);
    if let Some(p) = &report.partial {
        eprintln!("warning: partial report: {}", p.message);
    }
    if args.json {
        match serde_json::to_string_pretty(&report) {
            Ok(t) => println!("{t}"),
            Err(e) => return Err(usage(format!("cannot serialize the report: {e}"))),
        }
    } else {
        print!("{}", summary(&report));
    }
    Ok(())
}

/// The command line's seed, horizon and mode, over the scenario's own.
fn apply_overrides(
    s: &mut Scenario,
    seed: Option<u64>,
    horizon: Option<scenario::Dur>,
    mode: Option<Mode>,
) {
    if let Some(x) = seed {
        s.seed = x;
    }
    if let Some(h) = horizon {
        s.horizon = h;
    }
    match mode {
        Some(Mode::Request) => s.fidelity = scenario::Fidelity::Request,
        Some(Mode::Flow) => s.fidelity = scenario::Fidelity::Flow,
        None => {}
    }
}

/// The scenario named by the arguments: a built-in, or a file read up to the size limit.
fn load(file: Option<&std::path::Path>, builtin: Option<&str>) -> Result<Scenario, Vec<Problem>> {
    if let Some(name) = builtin {
        return match scenario::builtins::get(name) {
            Some(b) => Ok(b.scenario()),
            None => {
                let names: Vec<&str> = scenario::builtins::all().iter().map(|b| b.name).collect();
                Err(vec![Problem::error(
                    "--builtin",
                    format!("no built-in scenario `{name}` (have: {})", names.join(", ")),
                )])
            }
        };
    }
    let Some(path) = file else {
        return Err(usage("missing <scenario.json> (or --builtin NAME)"));
    };
    let text = read_bounded(path, MAX_JSON_BYTES)?;
    scenario::parse_json(&text)
}

/// The file's text, reading at most `limit + 1` bytes: a larger file (or an endless one like
/// `/dev/zero`) is refused without reading the rest.
fn read_bounded(path: &std::path::Path, limit: usize) -> Result<String, Vec<Problem>> {
    let at = path.display().to_string();
    let fail = |msg: String| vec![Problem::error(at.clone(), msg)];
    let file = std::fs::File::open(path).map_err(|e| fail(format!("cannot read: {e}")))?;
    let mut bytes = Vec::new();
    file.take(limit as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| fail(format!("cannot read: {e}")))?;
    if bytes.len() > limit {
        return Err(fail(format!(
            "more than {limit} bytes; the limit is {limit} bytes ({} MiB)",
            limit / (1024 * 1024)
        )));
    }
    String::from_utf8(bytes).map_err(|e| {
        fail(format!(
            "not UTF-8 text (byte {} is not valid)",
            e.utf8_error().valid_up_to() + 1
        ))
    })
}

/// Runs to the horizon in chunks of simulated time, printing progress to stderr every `every`
/// of wall time when asked. Chunking does not change the report (`Simulation::run_until`).
fn run_with_progress(config: sim::Config, every: Option<Duration>) -> Report {
    let mut sim = Simulation::new(config);
    let Some(every) = every else {
        sim.run_to_end();
        return sim.report();
    };
    let horizon = sim.horizon();
    let terminal = std::io::stderr().is_terminal();
    let (start, mut last) = (Instant::now(), Instant::now());
    let mut last_events = 0;
    let mut printed = false;
    // Chunks of simulated time sized to take about 50 ms of wall time each.
    let mut chunk = (horizon / 10_000).max(1);
    while sim.now() < horizon && sim.stopped().is_none() {
        let t0 = Instant::now();
        sim.run_until(sim.now().saturating_add(chunk));
        let took = t0.elapsed();
        if took < Duration::from_millis(25) {
            chunk = chunk.saturating_mul(2);
        } else if took > Duration::from_millis(100) {
            chunk = (chunk / 2).max(1);
        }
        if last.elapsed() >= every {
            let secs = last.elapsed().as_secs_f64().max(1e-9);
            let rate = (sim.events() - last_events) as f64 / secs;
            let line = format!(
                "simulated {} of {} ({:.0} %) · {:.0} events/s · {} events · {:.1} s",
                scenario::units::format_micros(sim.now() / 1_000_000 * 1_000_000),
                scenario::units::format_micros(horizon),
                sim.now() as f64 / horizon.max(1) as f64 * 100.0,
                rate,
                sim.events(),
                start.elapsed().as_secs_f64()
            );
            let mut err = std::io::stderr().lock();
            let _ = if terminal {
                write!(err, "\r\x1b[K{line}")
            } else {
                writeln!(err, "{line}")
            };
            let _ = err.flush();
            printed = true;
            (last, last_events) = (Instant::now(), sim.events());
        }
    }
    sim.run_to_end();
    if printed && terminal {
        eprintln!();
    }
    sim.report()
}

/// `label value` pairs of the metrics, in registry words: `offered 12  served 10`.
fn line(r: &Report, metrics: &[Metric]) -> String {
    let parts: Vec<String> = metrics
        .iter()
        .map(|m| format!("{} {}", m.short(), m.show(r)))
        .collect();
    parts.join("  ")
}

/// A report's horizon in seconds as the scenario writes durations (`1h`, `30d`).
fn horizon_text(horizon_s: f64) -> String {
    scenario::units::format_micros((horizon_s * 1e6).round() as u64)
}

/// A readable summary of a report.
fn summary(r: &Report) -> String {
    use std::fmt::Write;
    use Metric::*;
    let mut o = String::new();
    let _ = writeln!(
        o,
        "scenario {}  seed {}  {} level  horizon {}  ({} events)",
        r.scenario,
        r.seed,
        r.fidelity,
        horizon_text(r.horizon_s),
        r.events
    );
    if r.warmup_s > 0.0 {
        let _ = writeln!(
            o,
            "warm-up {}: every figure below counts from then on",
            horizon_text(r.warmup_s)
        );
    }
    if let Some(p) = &r.partial {
        let _ = writeln!(o, "PARTIAL: {}", p.message);
    }
    let _ = writeln!(o);
    let downtime = match metric::extrapolation(r) {
        Ok(()) => DowntimePerYear.show(r),
        Err(why) => format!("— (not extrapolated: {why})"),
    };
    let _ = writeln!(
        o,
        "  availability (requests)  {}   {} nines   downtime/yr {}",
        RequestAvailability.show(r),
        Nines.show(r),
        downtime
    );
    let _ = writeln!(o, "  availability (time)      {}", TimeAvailability.show(r));
    let requests = [
        RequestsOffered,
        RequestsServed,
        RequestsFailed,
        RequestsRetried,
    ];
    let _ = writeln!(o, "  requests                 {}", line(r, &requests));
    for (c, n) in &r.requests.failed_by_cause {
        let _ = writeln!(o, "      {c:<22} {n}");
    }
    let sessions = [
        SessionsStarted,
        SessionsFinished,
        LostSessions,
        SessionsActive,
    ];
    let _ = writeln!(o, "  sessions                 {}", line(r, &sessions));
    for (c, n) in &r.sessions.lost_by_cause {
        let _ = writeln!(o, "      {c:<22} {n}");
    }
    let writes = [WritesAttempted, WritesAcknowledged, LostWrites, WorstRpo];
    let _ = writeln!(o, "  writes                   {}", line(r, &writes));
    if LatencyP50.applies(r) {
        let latency = [LatencyP50, LatencyP95, LatencyP99, LatencyMean];
        let _ = writeln!(o, "  latency                  {}", line(r, &latency));
    }
    let _ = writeln!(o);
    incidents(&mut o, r);
    let _ = writeln!(o, "\n  digest {}", r.digest);
    o
}

/// The incident table (at most 50 rows).
fn incidents(o: &mut String, r: &Report) {
    use std::fmt::Write;
    if r.incidents.is_empty() {
        let _ = writeln!(o, "  no incidents");
        return;
    }
    let _ = writeln!(
        o,
        "  {:<16} {:<18} {:>10} {:>10} {:>9} {:>8} {:>8} {:>9}  recovery",
        "trigger", "component", "start", "RTO", "failed", "sess.lost", "wr.lost", "RPO"
    );
    for i in r.incidents.iter().take(50) {
        let _ = writeln!(
            o,
            "  {:<16} {:<18} {:>10} {:>10} {:>9} {:>8} {:>8} {:>9}  {}",
            i.trigger,
            i.component,
            duration_s(i.start_s),
            duration_s(i.rto_s),
            i.requests_failed,
            i.sessions_lost,
            i.writes_lost,
            duration_s(i.rpo_s),
            i.recovery
        );
    }
    if r.incidents.len() > 50 {
        let _ = writeln!(o, "  ... and {} more", r.incidents.len() - 50);
    }
}
