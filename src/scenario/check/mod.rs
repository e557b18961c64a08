//! The one pass from a scenario to the engine's configuration: each section checks its part and
//! emits it (ripgrep's LowArgs → HiArgs), so what is checked is what runs. Every problem comes
//! with its [`Location`]; errors first in scenario order, then warnings.
//!
//! Architecture invariant: the pass never fails and never panics, whatever the scenario holds;
//! its cost is bounded by the [limits](limits) it enforces first. A value that fails its check
//! is reported and emitted as a safe stand-in (the nearest bound, or zero), so the configuration
//! of an invalid scenario still never makes the engine panic; [`check`] only hands it out when
//! there is no error.

mod components;
mod database;
mod faults;
mod graph;
pub(super) mod limits;
mod sites;
mod slo;
mod traffic;

use super::format::{Fidelity, Scenario, FORMAT_VERSION};
use super::problem::{Location, Problem, Severity};
use super::units::{parse_micros, Dur};
use crate::sim::config::{Config, RouterCfg};
use crate::sim::Time;
use limits::*;
use std::collections::BTreeMap;

/// The engine configuration of `scenario` when it has no error, and every problem found.
pub(super) fn check(scenario: &Scenario) -> (Option<Config>, Vec<Problem>) {
    let (config, problems) = check_all(scenario);
    let runnable = problems.iter().all(|p| p.severity != Severity::Error);
    (runnable.then_some(config), problems)
}

/// Like [`check`], but the configuration always, with each failed value replaced by its safe
/// stand-in (for tests of the engine's robustness on odd input).
pub(super) fn check_all(scenario: &Scenario) -> (Config, Vec<Problem>) {
    let mut c = Checker::new(scenario);
    c.run();
    let mut out = c.out;
    // Stable: keeps scenario order within each severity.
    out.sort_by_key(|p| p.severity);
    (c.cfg, out)
}

/// A number as messages show it: as written, or in exponent form when huge (`1e300`).
fn num(x: f64) -> String {
    if x.abs() >= 1e9 {
        format!("{x:e}")
    } else {
        format!("{x}")
    }
}

pub(super) struct Checker<'a> {
    s: &'a Scenario,
    out: Vec<Problem>,
    /// Component id → index of its first definition.
    comps: BTreeMap<&'a str, usize>,
    /// Site id → index of its first definition.
    sites: BTreeMap<&'a str, usize>,
    cfg: Config,
    /// The routing each load balancer gives the tiers behind it (by component index).
    routers: Vec<Option<RouterCfg>>,
}

impl<'a> Checker<'a> {
    fn new(s: &'a Scenario) -> Self {
        Checker {
            s,
            out: Vec::new(),
            comps: BTreeMap::new(),
            sites: BTreeMap::new(),
            cfg: Config::default(),
            routers: vec![None; s.components.len().min(MAX_COMPONENTS)],
        }
    }

    fn err(&mut self, at: impl Into<Location>, message: impl Into<String>) {
        self.out.push(Problem::error(at, message));
    }

    fn warn(&mut self, at: impl Into<Location>, message: impl Into<String>) {
        self.out.push(Problem::warning(at, message));
    }

    fn err_about(&mut self, at: impl Into<Location>, message: impl Into<String>, id: &str) {
        self.out.push(Problem::error(at, message).about(id));
    }

    fn warn_about(&mut self, at: impl Into<Location>, message: impl Into<String>, id: &str) {
        self.out.push(Problem::warning(at, message).about(id));
    }

    /// The sizes first (they bound the cost of the rest), then section by section.
    fn run(&mut self) {
        let s = self.s;
        if s.version != FORMAT_VERSION {
            self.err(
                "version",
                format!("must be {FORMAT_VERSION} (older versions are migrated when loaded)"),
            );
        }
        if s.name.trim().is_empty() {
            self.err("name", "must not be empty");
        }
        let sizes = [
            ("components", s.components.len(), MAX_COMPONENTS),
            ("faults", s.faults.len(), MAX_FAULTS),
            ("sites", s.sites.len(), MAX_SITES),
        ];
        for (list, n, max) in sizes {
            if n > max {
                self.err(list, format!("{n} {list}; the limit is {max}"));
                return;
            }
        }
        self.cfg.name = s.name.clone();
        self.cfg.seed = s.seed;
        self.cfg.fidelity = match s.fidelity {
            Fidelity::Request => crate::sim::Fidelity::Request,
            Fidelity::Flow => crate::sim::Fidelity::Flow,
        };
        self.horizon();
        self.ids();
        let traffic_end = self.traffic();
        self.routing();
        self.site_links();
        for (i, c) in s.components.iter().enumerate() {
            let cfg = self.component(i, c);
            self.cfg.components.push(cfg);
        }
        for (i, f) in s.faults.iter().enumerate() {
            if let Some(cfg) = self.fault(i, f) {
                self.cfg.faults.push(cfg);
            }
        }
        // The arrival work needs the emitted spikes; its problems belong with the traffic's.
        let work = self.arrival_work();
        self.out.splice(traffic_end..traffic_end, work);
        self.metrics();
        self.work();
        self.graph();
        self.slo();
    }

    // ----- small checks: each returns the value to emit -----

    /// A valid duration (zero allowed), at most [`MAX_DURATION`].
    fn dur(&mut self, at: impl Into<Location>, d: &Dur) -> Option<Time> {
        match d {
            Dur::Valid(us) if *us > MAX_DURATION => {
                self.err(at, format!("{d} is too long: the limit is 1000y"));
                Some(MAX_DURATION)
            }
            Dur::Valid(us) => Some(*us),
            Dur::Invalid(text) => {
                let reason = match parse_micros(text) {
                    Err(e) => e.to_string(),
                    Ok(_) => "not a duration".to_string(),
                };
                self.err(at, format!("`{text}` is not a duration: {reason}"));
                None
            }
        }
    }

    /// A valid duration (zero allowed), or 0 when invalid.
    fn dur0(&mut self, at: impl Into<Location>, d: &Dur) -> Time {
        self.dur(at, d).unwrap_or(0)
    }

    /// A valid duration greater than zero; 1 µs stands in for a failed one.
    fn dur_pos(&mut self, at: impl Into<Location>, d: &Dur) -> Option<Time> {
        let at = at.into();
        let us = self.dur(at.clone(), d)?;
        if us == 0 {
            self.err(at, "must be > 0");
            return None;
        }
        Some(us)
    }

    fn dur_pos1(&mut self, at: impl Into<Location>, d: &Dur) -> Time {
        self.dur_pos(at, d).unwrap_or(1)
    }

    fn opt_dur_pos(&mut self, at: impl Into<Location>, d: &Option<Dur>) -> Option<Time> {
        d.as_ref().map(|d| self.dur_pos1(at, d))
    }

    /// A share between 0 and 1; 0 stands in for a failed one.
    fn share(&mut self, at: impl Into<Location>, x: f64) -> f64 {
        if !(0.0..=1.0).contains(&x) {
            self.err(at, format!("must be a share between 0 and 1, not {x}"));
            return if x.is_finite() {
                x.clamp(0.0, 1.0)
            } else {
                0.0
            };
        }
        x
    }

    /// A finite number in `0..=max`.
    fn non_negative(&mut self, at: impl Into<Location>, x: f64, max: f64) -> Option<f64> {
        if !x.is_finite() || x < 0.0 {
            self.err(at, format!("must be a finite number ≥ 0, not {x}"));
            return None;
        }
        if x > max {
            self.err(at, format!("must be ≤ {max}, not {}", num(x)));
            return Some(max);
        }
        Some(x)
    }

    /// A finite number in `(0, max]`.
    fn positive(&mut self, at: impl Into<Location>, x: f64, max: f64) -> Option<f64> {
        if !x.is_finite() || x <= 0.0 {
            self.err(at, format!("must be a finite number > 0, not {x}"));
            return None;
        }
        if x > max {
            self.err(at, format!("must be ≤ {max}, not {}", num(x)));
            return Some(max);
        }
        Some(x)
    }

    /// A count in `min..=max`; the nearest bound stands in for a failed one.
    fn count(&mut self, at: impl Into<Location>, n: u32, min: u32, max: u32) -> u32 {
        if n < min {
            self.err(at, format!("must be ≥ {min}"));
            return min;
        }
        if n > max {
            self.err(at, format!("must be ≤ {max}"));
            return max;
        }
        n
    }

    fn site_ref(&mut self, at: impl Into<Location>, site: &str) -> Option<u32> {
        if let Some(&i) = self.sites.get(site) {
            return Some(i as u32);
        }
        let msg = if self.s.sites.is_empty() {
            format!("site `{site}` does not exist (the scenario defines no sites)")
        } else {
            format!("site `{site}` does not exist")
        };
        self.err(at, msg);
        None
    }

    fn comp_ref(&mut self, at: impl Into<Location>, id: &str) -> Option<usize> {
        let found = self.comps.get(id).copied();
        if found.is_none() {
            self.err(at, format!("component `{id}` does not exist"));
        }
        found
    }

    /// A list of component ids: each must exist (checked at its first mention) and be listed
    /// once (a repeated id is reported once, at its first repeat, with how often it is listed).
    /// Returns the indices of the existing ones, each once, in order.
    fn listed_once(&mut self, base: &Location, ids: &[String]) -> Vec<u32> {
        let mut seen: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
        let mut found = Vec::new();
        for (j, id) in ids.iter().enumerate() {
            match seen.get_mut(id.as_str()) {
                Some((first_repeat, count)) => {
                    if *count == 1 {
                        *first_repeat = j;
                    }
                    *count += 1;
                }
                None => {
                    seen.insert(id.as_str(), (0, 1));
                    if let Some(k) = self.comp_ref(base.index(j), id) {
                        found.push(k as u32);
                    }
                }
            }
        }
        let mut repeats: Vec<(usize, &str, usize)> = seen
            .into_iter()
            .filter(|(_, (_, count))| *count > 1)
            .map(|(id, (j, count))| (j, id, count))
            .collect();
        repeats.sort_unstable();
        for (j, id, count) in repeats {
            let times = if count == 2 {
                "twice".to_string()
            } else {
                format!("{count} times")
            };
            self.err(base.index(j), format!("`{id}` is listed {times}"));
        }
        found
    }

    // ----- the horizon and the ids -----

    fn horizon(&mut self) {
        let (cap, label) = match self.s.fidelity {
            Fidelity::Request => (
                MAX_HORIZON_REQUEST,
                "30d at request level (use \"fidelity\": \"flow\" for longer runs)",
            ),
            Fidelity::Flow => (MAX_HORIZON_FLOW, "100y at flow level"),
        };
        self.cfg.horizon = match &self.s.horizon {
            Dur::Valid(h) if *h > cap => {
                self.err(
                    "horizon",
                    format!("{} is too long: the limit is {label}", self.s.horizon),
                );
                *h
            }
            d => self.dur_pos("horizon", d).unwrap_or(0),
        };
        if let Some(w) = &self.s.warmup {
            let h = self.cfg.horizon;
            self.cfg.warmup = match self.dur_pos("warmup", w) {
                Some(us) if h > 0 && us >= h => {
                    let msg = format!(
                        "{w} is not shorter than the horizon ({}): nothing would be counted",
                        self.s.horizon
                    );
                    self.err("warmup", msg);
                    0
                }
                us => us.unwrap_or(0),
            };
        }
    }
}
