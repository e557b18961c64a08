//! The Study panel's state, pure and unit-tested natively: the form (replications or a CI rule,
//! fidelity) read into the core's [`Stop`], the progress of a study in flight with its live
//! estimates, the finished report, and what the panel draws from it (mean ± CI texts,
//! histogram bars, the per-replication CSV). The pool of workers behind it is
//! `hooks::use_study`; the bookkeeping of indices is [`crate::study::pool::Dispatch`].

use crate::report::{Metric, Unit};
use crate::scenario::{Fidelity, Scenario};
use crate::study::stats::{Histogram, Summary};
use crate::study::{Replication, Stop, StoppedBy, Study, StudyReport};
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
        }
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
        stop.check()?;
        Ok(stop)
    }

    /// The scenario the study runs: the editor's, at the form's fidelity.
    pub fn scenario(&self, s: &Scenario) -> Scenario {
        let mut s = s.clone();
        s.fidelity = self.fidelity;
        s
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
}

impl Finished {
    pub fn of(study: &Study, scenario: Rc<Scenario>, seconds: f64) -> Finished {
        Finished {
            report: study.report(&scenario),
            replications: study.replications().to_vec(),
            scenario,
            seconds,
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
mod tests {
    use super::*;
    use crate::scenario::{builtins, Dur};

    fn form() -> StudyForm {
        StudyForm::new(Fidelity::Request)
    }

    #[test]
    fn the_form_reads_into_the_cores_rule_and_refuses_bad_counts_with_its_message() {
        let mut f = form();
        f.replications = " 20 ".into();
        assert_eq!(f.stop(), Ok(Stop::Replications(20)));
        f.replications = "0".into();
        assert_eq!(
            f.stop().unwrap_err(),
            "a study runs 1 to 1000000 replications, not 0"
        );
        f.replications = "5000000".into();
        assert!(f.stop().unwrap_err().contains("not 5000000"));
        f.replications = "ten".into();
        assert!(f
            .stop()
            .unwrap_err()
            .contains("`ten` is not a whole number"));
        f.replications = "99999999999999999999999".into();
        assert!(f.stop().is_err());
        f.until_ci = true;
        f.width = "2.5".into();
        f.max = "300".into();
        assert_eq!(
            f.stop(),
            Ok(Stop::UntilCi {
                metric: Metric::RequestsFailed,
                half_width: 0.025,
                relative: true,
                max: 300
            })
        );
        f.width = "-1".into();
        assert!(f.stop().unwrap_err().contains("positive number"));
        f.width = "wide".into();
        assert!(f.stop().unwrap_err().contains("`wide` is not a number"));
    }

    #[test]
    fn the_pool_has_one_to_eight_workers_and_no_more_than_replications() {
        assert_eq!(pool_size(2.0, 100), 2);
        assert_eq!(pool_size(64.0, 100), 8);
        assert_eq!(pool_size(0.0, 100), 1);
        assert_eq!(pool_size(f64::NAN, 100), 1);
        assert_eq!(pool_size(16.0, 3), 3);
        assert_eq!(pool_size(16.0, 0), 1);
    }

    #[test]
    fn the_study_runs_at_the_forms_fidelity() {
        let s = builtins::get("haproxy-single-lb").unwrap().scenario();
        let mut f = StudyForm::new(Fidelity::Flow);
        assert_eq!(f.scenario(&s).fidelity, Fidelity::Flow);
        f.fidelity = Fidelity::Request;
        let t = f.scenario(&s);
        assert_eq!(
            (t.fidelity, t.seed, &t.components),
            (Fidelity::Request, s.seed, &s.components)
        );
    }

    #[test]
    fn texts_keep_small_half_widths_and_fractional_means() {
        assert_eq!(significant(0.000123456), "0.000123");
        assert_eq!(significant(12.345), "12.3");
        assert_eq!(significant(1234.4), "1234");
        assert_eq!(significant(0.0), "0");
        assert_eq!(half_width_text(Metric::RequestsFailed, 0.4), "0.400");
        assert_eq!(
            half_width_text(Metric::RequestAvailability, 0.000012),
            "0.00120 %"
        );
        assert_eq!(half_width_text(Metric::LatencyP95, 0.0123), "0.0123 ms");
        assert_eq!(mean_text(Metric::LostSessions, 0.35), "0.350");
        assert_eq!(mean_text(Metric::LostSessions, 3.0), "3");
        assert_eq!(
            estimate_text(Metric::RequestsFailed, 12.5, Some(1.25)),
            "12.5 ± 1.25"
        );
        assert_eq!(estimate_text(Metric::RequestsFailed, 12.0, None), "12");
    }

    #[test]
    fn targets_read_as_typed() {
        assert_eq!(target_percent(0.99), "99 %");
        assert_eq!(target_percent(0.9995), "99.95 %");
        assert_eq!(target_percent(0.8), "80 %");
        assert_eq!(target_percent(1.0), "100 %");
    }

    #[test]
    fn bars_fill_the_box_with_the_tallest_at_full_height() {
        let h = Histogram {
            low: 0.0,
            high: 4.0,
            counts: vec![1, 4, 0, 2],
        };
        let b = bars(&h, 200.0, 40.0);
        assert_eq!(b.len(), 4);
        assert_eq!((b[1].y, b[1].h), (0.0, 40.0));
        assert_eq!((b[0].x, b[0].w, b[0].h, b[0].y), (0.0, 50.0, 10.0, 30.0));
        assert_eq!((b[2].h, b[3].x, b[3].h), (0.0, 150.0, 20.0));
        let empty = Histogram {
            low: 0.0,
            high: 0.0,
            counts: vec![],
        };
        assert!(bars(&empty, 10.0, 10.0).is_empty());
        let one = Histogram {
            low: 3.0,
            high: 3.0,
            counts: vec![20],
        };
        assert_eq!(
            bars(&one, 200.0, 40.0),
            vec![Bar {
                x: 95.0,
                y: 0.0,
                w: 10.0,
                h: 40.0,
                count: 20
            }]
        );
    }

    #[test]
    fn the_csv_has_a_row_per_replication_and_a_column_per_metric() {
        let mut s = builtins::get("haproxy-single-lb").unwrap().scenario();
        s.horizon = Dur::mins(2);
        s.fidelity = Fidelity::Flow;
        let cfg = crate::scenario::compile(&s).unwrap().config;
        let reps: Vec<Replication> = (0..3).map(|k| Replication::run(&cfg, k)).collect();
        let csv = replications_csv(&reps);
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines.len(), 4);
        let head: Vec<&str> = lines[0].split(',').collect();
        assert_eq!(head.len(), 3 + Metric::all().count());
        assert_eq!(&head[..4], ["k", "seed", "digest", "availability_request"]);
        let at = |key: &str| head.iter().position(|h| *h == key).unwrap();
        for (r, line) in reps.iter().zip(&lines[1..]) {
            let cells: Vec<&str> = line.split(',').collect();
            assert_eq!(cells.len(), head.len());
            assert_eq!(cells[1], r.seed.to_string());
            assert_eq!(cells[2], r.digest);
            let failed: f64 = cells[at("requests_failed")].parse().unwrap();
            assert_eq!(failed, r.value(Metric::RequestsFailed));
            // Latency is not modelled at flow level: empty, not 0.
            assert_eq!(cells[at("latency_p99_ms")], "");
        }
    }

    #[test]
    fn the_state_follows_only_the_study_in_flight() {
        let live = |id| Live {
            id,
            done: 0,
            planned: 10,
            until_ci: false,
            workers: 2,
            started_ms: 1000.0,
            per_s: 0.0,
            estimates: vec![],
        };
        let st = StudyState::default().apply(StudyAction::Started(live(2)));
        let st = st.apply(StudyAction::Progress {
            id: 2,
            done: 4,
            estimates: vec![],
            now_ms: 3000.0,
        });
        let l = st.running.clone().unwrap();
        assert_eq!((l.done, l.per_s, l.fraction()), (4, 2.0, 0.4));
        // An older study's message changes nothing.
        let st = st.apply(StudyAction::Failed {
            id: 1,
            message: "old".into(),
        });
        assert!(st.running.is_some() && st.message.is_none());
        let st = st.apply(StudyAction::Failed {
            id: 2,
            message: "The scenario has errors".into(),
        });
        assert!(st.running.is_none());
        assert_eq!(st.message.as_deref(), Some("The scenario has errors"));
        let st = st.apply(StudyAction::DismissMessage);
        assert!(st.message.is_none());
    }

    #[test]
    fn a_cancelled_study_keeps_its_results_and_says_so() {
        let mut s = builtins::get("haproxy-single-lb").unwrap().scenario();
        s.horizon = Dur::mins(2);
        let cfg = crate::scenario::compile(&s).unwrap().config;
        let mut study = Study::new(Stop::Replications(10));
        for k in 0..3 {
            study.push(Replication::run(&cfg, k)).unwrap();
        }
        study.halt(StoppedBy::Cancelled);
        let f = Rc::new(Finished::of(&study, Rc::new(s), 1.0));
        let st = StudyState::default()
            .apply(StudyAction::Started(Live {
                id: 5,
                done: 3,
                planned: 10,
                until_ci: false,
                workers: 1,
                started_ms: 0.0,
                per_s: 0.0,
                estimates: estimates(&study),
            }))
            .apply(StudyAction::Finished { id: 5, finished: f });
        let fin = st.finished.as_ref().unwrap();
        assert_eq!(fin.report.replications, 3);
        assert_eq!(stopped_text(&fin.report), "cancelled after 3 replications");
        assert!(st.message.unwrap().contains("cancelled after 3"));
    }
}
