//! The Study panel's state, pure and unit-tested natively: the form (replications or a CI rule,
//! fidelity, warm-up) read into the core's [`Stop`] and [`WarmupChoice`], the progress of a study in flight with its live
//! estimates, the finished report, and what the panel draws from it (mean ± CI texts,
//! histogram bars, the per-replication CSV). The pool of workers behind it is
//! `hooks::use_study`; the bookkeeping of indices is [`crate::study::pool::Dispatch`].

use crate::report::{Metric, Unit};
use crate::scenario::{units, Dur, Fidelity, Scenario};
use crate::study::compare::Comparison;
use crate::study::stats::{Histogram, Summary};
use crate::study::warmup::{self, Method};
use crate::study::{Replication, Stop, StoppedBy, Study, StudyReport};
pub use crate::ui::study_compare::CompareWith;
use std::rc::Rc;
use yew::Reducible;

/// The metrics whose running estimates are shown while a study runs.
pub const HEADLINE: [Metric; 5] = [
    Metric::RequestAvailability,
    Metric::RequestsFailed,
    Metric::LostSessions,
    Metric::LostWrites,
    Metric::WorstRto,
];

/// The most workers a study uses.
pub const MAX_WORKERS: usize = 8;

/// How many workers a study of at most `planned` replications uses on a machine reporting
/// `hardware` logical cores (`navigator.hardwareConcurrency`, which may be 0 or missing):
/// 1 to [`MAX_WORKERS`], never more than there are replications.
pub fn pool_size(hardware: f64, planned: u64) -> usize {
    let cores = if hardware.is_finite() && hardware >= 1.0 {
        (hardware as usize).min(MAX_WORKERS)
    } else {
        1
    };
    cores.min(planned.max(1).min(MAX_WORKERS as u64) as usize)
}

/// What the form says, as typed (checked when the study starts).
#[derive(Clone, Debug, PartialEq)]
pub struct StudyForm {
    /// `false`: exactly `replications`; `true`: until the CI half-width of `metric` ≤ `width`.
    pub until_ci: bool,
    pub replications: String,
    pub metric: Metric,
    pub width: String,
    /// The width is relative to the mean (a percentage).
    pub relative: bool,
    pub max: String,
    pub fidelity: Fidelity,
    /// Empty (the scenario's own `warmup`, or none), a duration, or `auto`.
    pub warmup: String,
    /// Empty, or the design to compare with (a [`CompareWith`] value: `builtin:NAME`,
    /// `saved:ID`).
    pub compare: String,
}

/// What the form's Warm-up field asks for.
#[derive(Clone, Debug, PartialEq)]
pub enum WarmupChoice {
    /// The scenario's own `warmup` (fixed), or none.
    Scenario,
    /// This warm-up, whatever the scenario says (the CLI's `--warmup DURATION`).
    Fixed(Dur),
    /// MSER-5 on the first [`warmup::PILOTS`] replications run without a warm-up (the CLI's
    /// `--warmup auto`).
    Auto,
}

impl StudyForm {
    pub fn new(fidelity: Fidelity) -> StudyForm {
        StudyForm {
            until_ci: false,
            replications: "100".into(),
            metric: Metric::RequestsFailed,
            width: "5".into(),
            relative: true,
            max: "1000".into(),
            fidelity,
            warmup: String::new(),
            compare: String::new(),
        }
    }

    /// The design the form compares with, if any.
    pub fn compare_with(&self) -> Option<CompareWith> {
        CompareWith::parse(&self.compare)
    }

    /// What the Warm-up field asks for, or what is wrong with it.
    pub fn warmup(&self) -> Result<WarmupChoice, String> {
        let t = self.warmup.trim();
        if t.is_empty() {
            return Ok(WarmupChoice::Scenario);
        }
        if t.eq_ignore_ascii_case("auto") {
            return Ok(WarmupChoice::Auto);
        }
        units::parse_micros(t)
            .map(|us| WarmupChoice::Fixed(Dur::micros(us)))
            .map_err(|e| {
                format!("Warm-up: `{t}` is not a duration ({e}), nor `auto` (e.g. 10m, or auto)")
            })
    }

    /// [`StudyForm::warmup`], with a fixed warm-up also checked against the horizon of `s`.
    pub fn warmup_for(&self, s: &Scenario) -> Result<WarmupChoice, String> {
        let choice = self.warmup()?;
        if let WarmupChoice::Fixed(d) = &choice {
            if d.us() == 0 {
                return Err(format!(
                    "Warm-up: {d} is no warm-up; leave the field empty for the scenario's own (or none)"
                ));
            }
            if s.horizon.as_micros().is_some_and(|h| d.us() >= h) {
                return Err(format!(
                    "Warm-up: {d} is not shorter than the horizon ({}), so nothing would be counted",
                    s.horizon
                ));
            }
        }
        Ok(choice)
    }

    /// The stopping rule, or what is wrong with the form (the core's own message for a count
    /// outside its limits).
    pub fn stop(&self) -> Result<Stop, String> {
        let count = |field: &str, text: &str| -> Result<u64, String> {
            let t = text.trim();
            t.parse::<u64>()
                .map_err(|_| format!("{field}: `{t}` is not a whole number of replications"))
        };
        let stop = if self.until_ci {
            let t = self.width.trim();
            let w: f64 = t
                .parse()
                .map_err(|_| format!("CI half-width: `{t}` is not a number"))?;
            Stop::UntilCi {
                metric: self.metric,
                half_width: if self.relative { w / 100.0 } else { w },
                relative: self.relative,
                max: count("Max replications", &self.max)?,
            }
        } else {
            Stop::Replications(count("Replications", &self.replications)?)
        };
        if self.until_ci && self.compare_with().is_some() {
            return Err("Compare with: a comparison needs a fixed number of replications (Stop after N replications), not a CI rule".into());
        }
        stop.check()?;
        Ok(stop)
    }

    /// The scenario the study runs: the editor's, at the form's fidelity, with the form's
    /// fixed warm-up; for `auto`, without one (the pilots' scenario: the chosen warm-up is set
    /// once they have run). A Warm-up field that does not read leaves the scenario's.
    pub fn scenario(&self, s: &Scenario) -> Scenario {
        let mut s = s.clone();
        s.fidelity = self.fidelity;
        match self.warmup() {
            Ok(WarmupChoice::Fixed(d)) => s.warmup = Some(d),
            Ok(WarmupChoice::Auto) => s.warmup = None,
            Ok(WarmupChoice::Scenario) | Err(_) => {}
        }
        s
    }

    /// Whether `fin` is of another scenario (or form) than `s` with this form would run now,
    /// its seed aside (a replication opened as a run changes only that). An `auto` study is
    /// current while the form still says `auto` and the scenario is unchanged.
    pub fn is_stale(&self, s: &Scenario, fin: &Finished) -> bool {
        let auto = matches!(self.warmup(), Ok(WarmupChoice::Auto));
        if auto != (fin.report.warmup_method == Method::Mser5) || self.compare != fin.compare {
            return true;
        }
        let mut now = self.scenario(s);
        now.seed = fin.scenario.seed;
        if auto {
            now.warmup = fin.scenario.warmup.clone();
        }
        now != *fin.scenario
    }
}

/// The warm-up a finished study used, in words: `Warm-up: 12.0 min (MSER-5 on 10 pilot
/// runs)`, `Warm-up: 10.0 min (fixed)`, `No warm-up`.
pub fn warmup_text(r: &StudyReport, pilots: u64) -> String {
    let len = crate::report::duration_s(r.warmup_s);
    match r.warmup_method {
        Method::None => "No warm-up".into(),
        Method::Fixed => format!("Warm-up: {len} (fixed)"),
        Method::Mser5 if r.warmup_s == 0.0 => {
            format!("No warm-up (MSER-5 on {pilots} pilot runs found no transient)")
        }
        Method::Mser5 => format!("Warm-up: {len} (MSER-5 on {pilots} pilot runs)"),
    }
}

/// A share as a target reads in the form, e.g. `99 %`, `99.95 %`, `80 %` (no trailing zeros).
pub fn target_percent(share: f64) -> String {
    let mut t = format!("{:.6}", share * 100.0);
    while t.ends_with('0') {
        t.pop();
    }
    format!("{} %", t.trim_end_matches('.'))
}

/// A running estimate: the metric, its mean and CI half-width (`None` below two values).
pub type Estimate = (Metric, f64, Option<f64>);

/// A study in flight.
#[derive(Clone, Debug, PartialEq)]
pub struct Live {
    pub id: u32,
    pub done: u64,
    /// The most the rule can ask for.
    pub planned: u64,
    pub until_ci: bool,
    pub workers: usize,
    pub started_ms: f64,
    pub per_s: f64,
    pub estimates: Vec<Estimate>,
    /// While the warm-up is being chosen (`auto`): the pilot runs it takes, and how many ran.
    pub choosing: Option<(u64, u64)>,
    /// In a comparison, the design running now: `'A'`, then `'B'`.
    pub design: Option<char>,
}

impl Live {
    /// Share of the planned replications done, 0..=1.
    pub fn fraction(&self) -> f64 {
        if self.planned == 0 {
            0.0
        } else {
            (self.done as f64 / self.planned as f64).clamp(0.0, 1.0)
        }
    }
}

/// A finished (or cancelled) study: its report, what it kept of every replication, and the
/// scenario it ran (a worst replication opens as a run of it with its seed).
#[derive(Clone, Debug, PartialEq)]
pub struct Finished {
    pub report: StudyReport,
    pub replications: Vec<Replication>,
    pub scenario: Rc<Scenario>,
    pub seconds: f64,
    /// The pilot runs an MSER-5 warm-up was chosen from.
    pub pilots: u64,
    /// The form's "Compare with" when it started (empty: none).
    pub compare: String,
    /// Design B's study against this one (A), when it compared two designs and both finished.
    pub comparison: Option<Rc<Comparison>>,
}

impl Finished {
    pub fn of(study: &Study, scenario: Rc<Scenario>, seconds: f64) -> Finished {
        Finished {
            report: study.report(&scenario),
            replications: study.replications().to_vec(),
            scenario,
            seconds,
            pilots: warmup::pilots(study.stop.max()),
            compare: String::new(),
            comparison: None,
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct StudyState {
    pub running: Option<Live>,
    pub finished: Option<Rc<Finished>>,
    /// Why the last study did not start or finish, in words.
    pub message: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum StudyAction {
    Started(Live),
    /// `done` of the study's pilot runs have run.
    Piloted {
        id: u32,
        done: u64,
    },
    /// Design A of a comparison has run; design B's replications (study `next`) start at
    /// `now_ms`.
    SecondDesign {
        id: u32,
        next: u32,
        now_ms: f64,
    },
    /// The warm-up is chosen; the replications start at `now_ms`.
    WarmupChosen {
        id: u32,
        now_ms: f64,
    },
    /// The study in flight (`id`) has `done` replications, at `now_ms`.
    Progress {
        id: u32,
        done: u64,
        estimates: Vec<Estimate>,
        now_ms: f64,
    },
    Finished {
        id: u32,
        finished: Rc<Finished>,
    },
    Failed {
        id: u32,
        message: String,
    },
    /// It could not start (bad form, scenario with errors, no worker).
    Refused(String),
    DismissMessage,
}

impl StudyState {
    pub fn apply(mut self, action: StudyAction) -> StudyState {
        let current = self.running.as_ref().map(|l| l.id);
        match action {
            StudyAction::Started(live) => {
                self.running = Some(live);
                self.message = None;
            }
            StudyAction::Progress {
                id,
                done,
                estimates,
                now_ms,
            } if Some(id) == current => {
                if let Some(l) = self.running.as_mut() {
                    l.done = done;
                    l.estimates = estimates;
                    let secs = (now_ms - l.started_ms) / 1000.0;
                    l.per_s = if secs > 0.0 { done as f64 / secs } else { 0.0 };
                }
            }
            StudyAction::Piloted { id, done } if Some(id) == current => {
                if let Some((_, ran)) = self.running.as_mut().and_then(|l| l.choosing.as_mut()) {
                    *ran = done;
                }
            }
            StudyAction::SecondDesign { id, next, now_ms } if Some(id) == current => {
                if let Some(l) = self.running.as_mut() {
                    l.id = next;
                    l.done = 0;
                    l.per_s = 0.0;
                    l.estimates.clear();
                    l.started_ms = now_ms;
                    l.design = Some('B');
                }
            }
            StudyAction::WarmupChosen { id, now_ms } if Some(id) == current => {
                if let Some(l) = self.running.as_mut() {
                    l.choosing = None;
                    l.started_ms = now_ms;
                }
            }
            StudyAction::Finished { id, finished } if Some(id) == current => {
                self.running = None;
                if finished.report.stopped_by == Some(StoppedBy::Cancelled) {
                    self.message = Some(format!(
                        "The study was cancelled after {} replications; the results below are of those.",
                        finished.report.replications
                    ));
                }
                self.finished = Some(finished);
            }
            StudyAction::Failed { id, message } if Some(id) == current => {
                self.running = None;
                self.message = Some(message);
            }
            StudyAction::Refused(message) => self.message = Some(message),
            StudyAction::DismissMessage => self.message = None,
            // A message of a study no longer in flight.
            StudyAction::Progress { .. }
            | StudyAction::Piloted { .. }
            | StudyAction::WarmupChosen { .. }
            | StudyAction::SecondDesign { .. }
            | StudyAction::Finished { .. }
            | StudyAction::Failed { .. } => {}
        }
        self
    }
}

impl Reducible for StudyState {
    type Action = StudyAction;
    fn reduce(self: Rc<Self>, action: StudyAction) -> Rc<Self> {
        Rc::new((*self).clone().apply(action))
    }
}

/// The running estimates of the headline metrics (and the CI rule's metric).
pub fn estimates(study: &Study) -> Vec<Estimate> {
    let mut ms: Vec<Metric> = HEADLINE.to_vec();
    if let Stop::UntilCi { metric, .. } = study.stop {
        if !ms.contains(&metric) {
            ms.push(metric);
        }
    }
    ms.into_iter()
        .filter_map(|m| {
            let s = study.summary(m)?;
            Some((m, s.mean, s.ci95.map(|_| s.half_width())))
        })
        .collect()
}

/// `x` with three significant digits (no exponent), for half-widths of any size.
pub fn significant(x: f64) -> String {
    if !x.is_finite() {
        return "—".into();
    }
    if x == 0.0 {
        return "0".into();
    }
    let digits = (2.0 - x.abs().log10().floor()).clamp(0.0, 12.0) as usize;
    format!("{x:.digits$}")
}

/// A CI half-width in the metric's unit: shares in percentage points, counts unrounded (a
/// half-width of 0.4 failed requests is not 0).
pub fn half_width_text(m: Metric, hw: f64) -> String {
    match m.unit() {
        Unit::Share => format!("{} %", significant(hw * 100.0)),
        Unit::Count => significant(hw),
        Unit::Milliseconds => format!("{} ms", significant(hw)),
        _ => m.format(hw),
    }
}

/// A mean in the metric's unit (counts with a decimal or two: a mean of 0.35 is not 0).
pub fn mean_text(m: Metric, mean: f64) -> String {
    match m.unit() {
        Unit::Count if mean.fract() != 0.0 => significant(mean),
        _ => m.format(mean),
    }
}

/// "mean ± half-width" (just the mean below two values).
pub fn estimate_text(m: Metric, mean: f64, hw: Option<f64>) -> String {
    match hw {
        Some(h) if h.is_finite() => format!("{} ± {}", mean_text(m, mean), half_width_text(m, h)),
        _ => mean_text(m, mean),
    }
}

/// The summary's card text: mean ± CI.
pub fn summary_text(m: Metric, s: &Summary) -> String {
    estimate_text(m, s.mean, s.ci95.map(|_| s.half_width()))
}

/// One histogram bar: x, y, width, height in a `w` × `h` box, and its count.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Bar {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
    pub count: u64,
}

/// The bars of `hist` filling a `w` × `h` box, the tallest bar the full height. A histogram of
/// one bin (every replication had the same value) is one narrow bar in the middle, not a block
/// that would read as a spread.
pub fn bars(hist: &Histogram, w: f64, h: f64) -> Vec<Bar> {
    if let [count] = hist.counts[..] {
        let bw = w / 20.0;
        return vec![Bar {
            x: (w - bw) / 2.0,
            y: 0.0,
            w: bw,
            h,
            count,
        }];
    }
    let n = hist.counts.len().max(1) as f64;
    let top = hist.counts.iter().copied().max().unwrap_or(0).max(1) as f64;
    let bw = w / n;
    hist.counts
        .iter()
        .enumerate()
        .map(|(i, &c)| {
            let bh = h * c as f64 / top;
            Bar {
                x: i as f64 * bw,
                y: h - bh,
                w: bw,
                h: bh,
                count: c,
            }
        })
        .collect()
}

/// One row per replication: its index, seed and digest, then every registry metric by its CSV
/// key (empty where it does not apply).
pub fn replications_csv(reps: &[Replication]) -> String {
    let mut out = String::from("k,seed,digest");
    for m in Metric::all() {
        out.push(',');
        out.push_str(m.csv_key());
    }
    out.push('\n');
    for r in reps {
        out.push_str(&format!("{},{},{}", r.k, r.seed, r.digest));
        for m in Metric::all() {
            out.push(',');
            let v = r.value(m);
            if !v.is_nan() {
                out.push_str(&format!("{v}"));
            }
        }
        out.push('\n');
    }
    out
}

/// Why the study stopped, in words.
pub fn stopped_text(r: &StudyReport) -> String {
    let n = r.replications;
    match r.stopped_by {
        Some(StoppedBy::Replications) => format!("{n} replications"),
        Some(StoppedBy::CiTarget) => format!("CI target reached after {n} replications"),
        Some(StoppedBy::MaxReplications) => {
            format!("CI target not reached within the maximum of {n} replications")
        }
        Some(StoppedBy::TimeBudget) => format!("time budget ran out after {n} replications"),
        Some(StoppedBy::Cancelled) => format!("cancelled after {n} replications"),
        None => format!("{n} replications"),
    }
}

#[cfg(test)]
#[path = "study_tests.rs"]
mod tests;
