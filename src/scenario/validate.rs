//! Validation: every problem in a scenario at once, each with its JSON path
//! (`components[3].spec.load_balancer.health_check.interval: must be > 0`).
//!
//! Errors stop a run; warnings (single points of failure, a replica in its primary's failure
//! domain, routing that cannot choose a site, faults after the horizon) are shown and highlighted
//! but do not. Architecture invariant: validation never fails and never panics, whatever the
//! scenario holds; its cost is bounded by the [limits](MAX_COMPONENTS) it enforces first.

use super::format::*;
use super::units::{parse_micros, Dur};
use super::{Problem, Severity};
use std::collections::{BTreeMap, BTreeSet};

/// At most this many components.
pub const MAX_COMPONENTS: usize = 2_000;
/// At most this many scripted faults.
pub const MAX_FAULTS: usize = 10_000;
/// At most this many sites.
pub const MAX_SITES: usize = 64;
/// At most this many nodes (serving nodes plus spares) in one component.
pub const MAX_NODES: u32 = 1_000;
/// Longest horizon at request level (every request is an entity): 30 days.
pub const MAX_HORIZON_REQUEST: u64 = 30 * 86_400 * 1_000_000;
/// Longest horizon at flow level (rates between state changes): 100 years.
pub const MAX_HORIZON_FLOW: u64 = 100 * 365 * 86_400 * 1_000_000;
/// At request level, at most this many sessions over the horizon (rate × peak factor ×
/// overlapping traffic spikes × horizon: the arrivals the engine draws).
pub const MAX_SESSIONS_REQUEST: f64 = 50_000_000.0;
/// At request level, at most this many new sessions per second at the peak (rate × peak factor
/// × overlapping spikes): arrivals are drawn on the µs clock, at most one per µs, and beyond
/// this rate the rounding of the gaps would thin them.
pub const MAX_RATE_REQUEST: f64 = 100_000.0;
/// At request level, at most this many requests over the horizon (sessions × requests per
/// session): every request is a few events.
pub const MAX_REQUESTS_REQUEST: f64 = 1_000_000_000.0;
/// At flow level, at most this many requests over the horizon: counts are floats, exact up to
/// 2^53.
pub const MAX_REQUESTS_FLOW: f64 = 9_007_199_254_740_992.0;
/// At most this many random failures over the horizon (nodes × horizon / MTBF, summed over the
/// components): each is a few events at either fidelity.
pub const MAX_RANDOM_FAILURES: f64 = 10_000_000.0;
/// At most this many flapping cycles in all the faults together.
pub const MAX_FLAPPING_CYCLES: u64 = 1_000_000;
/// At most this many nodes (plus spares) in all the components together.
pub const MAX_TOTAL_NODES: u64 = 20_000;

/// Every problem in `scenario`: errors first in scenario order, then warnings.
pub fn validate(scenario: &Scenario) -> Vec<Problem> {
    let mut v = Validator::new(scenario);
    v.run();
    let mut out = v.out;
    // Stable: keeps scenario order within each severity.
    out.sort_by_key(|p| p.severity);
    out
}

/// True when `problems` holds no error (warnings allowed).
pub fn is_runnable(problems: &[Problem]) -> bool {
    problems.iter().all(|p| p.severity != Severity::Error)
}

struct Validator<'a> {
    s: &'a Scenario,
    out: Vec<Problem>,
    /// Component id → index of its first definition.
    comps: BTreeMap<&'a str, usize>,
    sites: BTreeSet<&'a str>,
}

impl<'a> Validator<'a> {
    fn new(s: &'a Scenario) -> Self {
        Validator {
            s,
            out: Vec::new(),
            comps: BTreeMap::new(),
            sites: BTreeSet::new(),
        }
    }

    fn err(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.out.push(Problem::error(path, message));
    }

    fn warn(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.out.push(Problem::warning(path, message));
    }

    fn err_about(&mut self, path: impl Into<String>, message: impl Into<String>, id: &str) {
        self.out.push(Problem::error(path, message).about(id));
    }

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
        if s.components.len() > MAX_COMPONENTS {
            self.err(
                "components",
                format!(
                    "{} components; the limit is {MAX_COMPONENTS}",
                    s.components.len()
                ),
            );
            return;
        }
        if s.faults.len() > MAX_FAULTS {
            self.err(
                "faults",
                format!("{} faults; the limit is {MAX_FAULTS}", s.faults.len()),
            );
            return;
        }
        if s.sites.len() > MAX_SITES {
            self.err(
                "sites",
                format!("{} sites; the limit is {MAX_SITES}", s.sites.len()),
            );
            return;
        }
        self.horizon();
        self.ids();
        self.traffic();
        self.routing();
        self.site_links();
        for (i, c) in s.components.iter().enumerate() {
            self.component(i, c);
        }
        for (i, f) in s.faults.iter().enumerate() {
            self.fault(i, f);
        }
        self.metrics();
        self.work();
        self.graph();
    }

    /// Limits on the events a run takes beyond traffic: nodes, random failures, flapping.
    fn work(&mut self) {
        let s = self.s;
        let total: u64 = s.components.iter().map(|c| u64::from(c.node_count())).sum();
        if total > MAX_TOTAL_NODES {
            self.err(
                "components",
                format!("{total} nodes in all; the limit is {MAX_TOTAL_NODES} over the scenario"),
            );
        }
        if let Some(h) = s.horizon.as_micros() {
            let mut sum = 0.0;
            let mut worst: Option<(usize, f64)> = None;
            for (i, c) in s.components.iter().enumerate() {
                let Some(mtbf) = c.failure.as_ref().and_then(|f| f.mtbf.as_micros()) else {
                    continue;
                };
                if mtbf == 0 {
                    continue;
                }
                let n = f64::from(c.node_count()) * h as f64 / mtbf as f64;
                sum += n;
                if worst.is_none_or(|(_, w)| n > w) {
                    worst = Some((i, n));
                }
            }
            if let Some((i, _)) = worst.filter(|_| sum > MAX_RANDOM_FAILURES) {
                self.err_about(
                    format!("components[{i}].failure.mtbf"),
                    format!(
                        "about {:.0} million random failures over the horizon (nodes × horizon / MTBF, all components); the limit is 10 million: raise the MTBF or shorten the horizon",
                        sum / 1e6
                    ),
                    &s.components[i].id,
                );
            }
        }
        let mut cycles = 0u64;
        for (i, f) in s.faults.iter().enumerate() {
            if let Fault::Flapping(fl) = f {
                cycles += u64::from(fl.cycles);
                if cycles > MAX_FLAPPING_CYCLES {
                    self.err(
                        format!("faults[{i}].flapping.cycles"),
                        format!("the flapping faults add up to more than {MAX_FLAPPING_CYCLES} cycles; that is the limit over the scenario"),
                    );
                    break;
                }
            }
        }
    }

    // ----- small checks -----

    /// A valid duration (zero allowed).
    fn dur(&mut self, path: &str, d: &Dur) -> Option<u64> {
        match d {
            Dur::Valid(us) => Some(*us),
            Dur::Invalid(text) => {
                let reason = match parse_micros(text) {
                    Err(e) => e.to_string(),
                    Ok(_) => "not a duration".to_string(),
                };
                self.err(path, format!("`{text}` is not a duration: {reason}"));
                None
            }
        }
    }

    /// A valid duration greater than zero.
    fn dur_pos(&mut self, path: &str, d: &Dur) -> Option<u64> {
        let us = self.dur(path, d)?;
        if us == 0 {
            self.err(path, "must be > 0");
            return None;
        }
        Some(us)
    }

    fn share(&mut self, path: &str, x: f64) {
        if !(0.0..=1.0).contains(&x) {
            self.err(path, format!("must be a share between 0 and 1, not {x}"));
        }
    }

    fn non_negative(&mut self, path: &str, x: f64) -> bool {
        if !x.is_finite() || x < 0.0 {
            self.err(path, format!("must be a finite number ≥ 0, not {x}"));
            return false;
        }
        true
    }

    fn positive(&mut self, path: &str, x: f64) -> bool {
        if !x.is_finite() || x <= 0.0 {
            self.err(path, format!("must be a finite number > 0, not {x}"));
            return false;
        }
        true
    }

    fn at_least(&mut self, path: &str, n: u32, min: u32) {
        if n < min {
            self.err(path, format!("must be ≥ {min}"));
        }
    }

    fn site_ref(&mut self, path: &str, site: &str) -> bool {
        if self.sites.contains(site) {
            return true;
        }
        let msg = if self.s.sites.is_empty() {
            format!("site `{site}` does not exist (the scenario defines no sites)")
        } else {
            format!("site `{site}` does not exist")
        };
        self.err(path, msg);
        false
    }

    fn comp_ref(&mut self, path: &str, id: &str) -> Option<usize> {
        let found = self.comps.get(id).copied();
        if found.is_none() {
            self.err(path, format!("component `{id}` does not exist"));
        }
        found
    }

    /// A list of component ids: each must exist (checked at its first mention) and be listed
    /// once (a repeated id is reported once, at its first repeat, with how often it is listed).
    fn listed_once(&mut self, base: &str, ids: &[String]) {
        let mut seen: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
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
                    self.comp_ref(&format!("{base}[{j}]"), id);
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
            self.err(format!("{base}[{j}]"), format!("`{id}` is listed {times}"));
        }
    }

    // ----- sections -----

    fn horizon(&mut self) {
        let Some(h) = self.dur_pos("horizon", &self.s.horizon) else {
            return;
        };
        let (cap, label) = match self.s.fidelity {
            Fidelity::Request => (
                MAX_HORIZON_REQUEST,
                "30d at request level (use \"fidelity\": \"flow\" for longer runs)",
            ),
            Fidelity::Flow => (MAX_HORIZON_FLOW, "100y at flow level"),
        };
        if h > cap {
            self.err(
                "horizon",
                format!("{} is too long: the limit is {label}", self.s.horizon),
            );
        }
    }

    fn ids(&mut self) {
        let s = self.s;
        for (i, site) in s.sites.iter().enumerate() {
            if site.id.trim().is_empty() {
                self.err(format!("sites[{i}].id"), "must not be empty");
            } else if !self.sites.insert(site.id.as_str()) {
                self.err(
                    format!("sites[{i}].id"),
                    format!("duplicate site id `{}`", site.id),
                );
            }
            if let Some([_, _, w, h]) = site.rect {
                if w <= 0 || h <= 0 {
                    self.err(format!("sites[{i}].rect"), "width and height must be > 0");
                }
            }
        }
        for (i, c) in s.components.iter().enumerate() {
            if c.id.trim().is_empty() {
                self.err(format!("components[{i}].id"), "must not be empty");
            } else if self.comps.contains_key(c.id.as_str()) {
                self.err_about(
                    format!("components[{i}].id"),
                    format!("duplicate component id `{}`", c.id),
                    &c.id,
                );
            } else {
                self.comps.insert(c.id.as_str(), i);
            }
        }
    }

    fn traffic(&mut self) {
        let t = &self.s.traffic;
        if t.entry.is_empty() {
            self.err(
                "traffic.entry",
                "needs at least one entry component (where client traffic arrives)",
            );
        }
        self.listed_once("traffic.entry", &t.entry);
        self.non_negative("traffic.sessions_per_s", t.sessions_per_s);
        self.dur_pos("traffic.session_duration", &t.session_duration);
        let rps = t.requests_per_session;
        if !(rps.is_finite() && rps >= 1.0) {
            self.err(
                "traffic.requests_per_session",
                format!("must be a finite number ≥ 1, not {rps}"),
            );
        }
        self.share("traffic.write_share", t.write_share);
        self.share("traffic.idempotent_share", t.idempotent_share);
        self.dur_pos("traffic.timeout", &t.timeout);
        self.dur("traffic.retry_delay", &t.retry_delay);
        if t.client_retries > 10 {
            self.err("traffic.client_retries", "must be ≤ 10");
        } else if t.client_retries > 0 && self.s.fidelity == Fidelity::Flow {
            self.warn(
                "traffic.client_retries",
                "the flow level does not model client retries: a failed request counts as failed once (a retry would land after `retry_delay`, in a state the flow level does not know); run at request level to see retries hide transient failures",
            );
        }
        let peak = match &t.profile {
            Profile::Constant => 1.0,
            Profile::Daily {
                peak,
                trough,
                peak_at,
            } => {
                let ok = self.non_negative("traffic.profile.daily.peak", *peak)
                    & self.non_negative("traffic.profile.daily.trough", *trough);
                if ok && trough > peak {
                    self.err("traffic.profile.daily.trough", "must be ≤ peak");
                }
                if let Some(at) = self.dur("traffic.profile.daily.peak_at", peak_at) {
                    if at >= 86_400_000_000 {
                        self.err(
                            "traffic.profile.daily.peak_at",
                            "must be within the day (< 24h)",
                        );
                    }
                }
                peak.max(*trough)
            }
            Profile::Steps(steps) => {
                let mut last = None;
                let mut max: f64 = 1.0;
                for (i, st) in steps.iter().enumerate() {
                    let at = self.dur(&format!("traffic.profile.steps[{i}].at"), &st.at);
                    if let (Some(prev), Some(at)) = (last, at) {
                        if at <= prev {
                            self.err(
                                format!("traffic.profile.steps[{i}].at"),
                                "steps must be in increasing time order",
                            );
                        }
                    }
                    last = at.or(last);
                    if self.non_negative(&format!("traffic.profile.steps[{i}].factor"), st.factor) {
                        max = max.max(st.factor);
                    }
                }
                max
            }
        };
        // The work a run takes: the arrivals the engine draws and the requests it handles.
        let spikes = spike_peak(&self.s.faults);
        let Some(h) = self.s.horizon.as_micros() else {
            return;
        };
        if !(t.sessions_per_s.is_finite() && peak.is_finite() && rps.is_finite()) {
            return;
        }
        let sessions = t.sessions_per_s * peak * spikes * (h as f64 / 1e6);
        let requests = sessions * rps.max(1.0);
        let with_spikes = if spikes > 1.0 {
            format!(", counting overlapping traffic spikes (×{spikes:.3})")
        } else {
            String::new()
        };
        let rate = t.sessions_per_s * peak * spikes;
        match self.s.fidelity {
            Fidelity::Request if rate > MAX_RATE_REQUEST => self.err(
                "traffic.sessions_per_s",
                format!(
                    "a peak of {rate:.0} new sessions per second{with_spikes}; the limit at request level is 100000 (arrivals are drawn on a microsecond clock; use \"fidelity\": \"flow\" for more)"
                ),
            ),
            Fidelity::Request if sessions > MAX_SESSIONS_REQUEST => self.err(
                "traffic.sessions_per_s",
                format!(
                    "about {:.0} million sessions over the horizon at request level{with_spikes}; the limit is 50 million (lower the rate or the horizon, or use \"fidelity\": \"flow\")",
                    sessions / 1e6
                ),
            ),
            Fidelity::Request if requests > MAX_REQUESTS_REQUEST => self.err(
                "traffic.requests_per_session",
                format!(
                    "about {:.0} million requests over the horizon at request level (sessions × requests per session{with_spikes}); the limit is 1000 million (fewer requests per session, a lower rate or a shorter horizon, or \"fidelity\": \"flow\")",
                    requests / 1e6
                ),
            ),
            Fidelity::Flow if requests > MAX_REQUESTS_FLOW => self.err(
                "traffic.sessions_per_s",
                format!(
                    "about {requests:.2e} requests over the horizon at flow level (rate × peak profile factor × requests per session × horizon{with_spikes}); the limit is 2^53 ≈ 9.0e15, the largest count kept exactly"
                ),
            ),
            _ => {}
        }
    }

    fn routing(&mut self) {
        let (label, multi) = match &self.s.routing {
            GlobalRouting::Single => return,
            GlobalRouting::Dns {
                ttl,
                detection,
                stale_share,
                stale_for,
                active_active: _,
            } => {
                self.dur("routing.dns.ttl", ttl);
                self.dur("routing.dns.detection", detection);
                self.share("routing.dns.stale_share", *stale_share);
                self.dur("routing.dns.stale_for", stale_for);
                ("DNS", "routing.dns")
            }
            GlobalRouting::Bgp {
                convergence,
                detection,
                active_active: _,
            } => {
                self.dur("routing.bgp.convergence", convergence);
                self.dur("routing.bgp.detection", detection);
                ("BGP", "routing.bgp")
            }
        };
        if self.s.sites.len() < 2 || self.s.traffic.entry.len() < 2 {
            self.warn(
                multi,
                format!(
                    "{label} routing switches between sites, but the scenario has {} site(s) and {} entry component(s): it needs at least 2 of each to matter",
                    self.s.sites.len(),
                    self.s.traffic.entry.len()
                ),
            );
        }
    }

    fn site_links(&mut self) {
        let mut seen = BTreeSet::new();
        for (i, l) in self.s.site_links.iter().enumerate() {
            let a = self.site_ref(&format!("site_links[{i}].a"), &l.a);
            let b = self.site_ref(&format!("site_links[{i}].b"), &l.b);
            if a && b && l.a == l.b {
                self.err(
                    format!("site_links[{i}].b"),
                    "a link joins two different sites",
                );
            }
            let key = if l.a <= l.b {
                (l.a.as_str(), l.b.as_str())
            } else {
                (l.b.as_str(), l.a.as_str())
            };
            if !seen.insert(key) {
                self.err(
                    format!("site_links[{i}]"),
                    format!("sites `{}` and `{}` are linked twice", l.a, l.b),
                );
            }
            self.dur(&format!("site_links[{i}].latency"), &l.latency);
        }
    }

    fn capacity(&mut self, p: &str, c: &Capacity) {
        self.at_least(&format!("{p}.capacity.workers"), c.workers, 1);
        self.dur_pos(&format!("{p}.capacity.service_time"), &c.service_time);
    }

    fn heartbeat(&mut self, p: &str, h: &Heartbeat) {
        self.dur_pos(&format!("{p}.interval"), &h.interval);
        self.at_least(&format!("{p}.misses"), h.misses, 1);
    }

    fn redundancy(&mut self, p: &str, r: &Redundancy) {
        self.dur(&format!("{p}.redundancy.switchover"), &r.switchover);
        self.dur(&format!("{p}.redundancy.boot"), &r.boot);
        self.dur(&format!("{p}.redundancy.manual"), &r.manual);
    }

    fn nodes(&mut self, path: &str, n: u32, min: u32) {
        self.at_least(path, n, min);
        if n > MAX_NODES {
            self.err(
                path,
                format!("{n} nodes; the limit is {MAX_NODES} per component"),
            );
        }
    }

    fn component(&mut self, i: usize, c: &'a Component) {
        let base = format!("components[{i}]");
        match &c.site {
            Some(site) => {
                self.site_ref(&format!("{base}.site"), site);
            }
            None if !self.s.sites.is_empty() => self.err_about(
                format!("{base}.site"),
                "missing: the scenario has sites, so every component belongs to one",
                &c.id,
            ),
            None => {}
        }
        self.listed_once(&format!("{base}.next"), &c.next);
        if let Some(f) = &c.failure {
            self.dur_pos(&format!("{base}.failure.mtbf"), &f.mtbf);
            self.dur_pos(&format!("{base}.failure.mttr"), &f.mttr);
            if let RepairDistribution::Lognormal { sigma } = f.repair {
                self.positive(&format!("{base}.failure.repair.lognormal.sigma"), sigma);
            }
        }
        let p = format!("{base}.spec.{}", c.spec.kind_name());
        match &c.spec {
            Spec::LoadBalancer(lb) => {
                let hc = &lb.health_check;
                self.dur_pos(&format!("{p}.health_check.interval"), &hc.interval);
                self.dur_pos(&format!("{p}.health_check.timeout"), &hc.timeout);
                self.at_least(&format!("{p}.health_check.fall"), hc.fall, 1);
                self.at_least(&format!("{p}.health_check.rise"), hc.rise, 1);
                self.heartbeat(&format!("{p}.heartbeat"), &lb.heartbeat);
                self.dur(&format!("{p}.takeover"), &lb.takeover);
                self.capacity(&p, &lb.capacity);
                if c.next.is_empty() {
                    self.err_about(
                        format!("{base}.next"),
                        "a load balancer needs at least one backend component in next",
                        &c.id,
                    );
                }
            }
            Spec::Web(w) => {
                self.nodes(
                    &format!("{p}.nodes"),
                    w.nodes.saturating_add(w.redundancy.spares),
                    0,
                );
                self.at_least(&format!("{p}.nodes"), w.nodes, 1);
                self.capacity(&p, &w.capacity);
                self.redundancy(&p, &w.redundancy);
            }
            Spec::App(a) => {
                self.nodes(
                    &format!("{p}.nodes"),
                    a.nodes.saturating_add(a.redundancy.spares),
                    0,
                );
                self.at_least(&format!("{p}.nodes"), a.nodes, 1);
                self.capacity(&p, &a.capacity);
                self.redundancy(&p, &a.redundancy);
                if !(0.0..=1.0).contains(&a.replication_cost) {
                    self.err(
                        format!("{p}.replication_cost"),
                        format!(
                            "must be a share of a request's service time between 0 and 1, not {}",
                            a.replication_cost
                        ),
                    );
                }
                if a.sessions != Replication::None
                    && a.nodes.saturating_add(a.redundancy.spares) < 2
                {
                    self.warn(
                        format!("{p}.sessions"),
                        "session replication needs at least 2 nodes: with one there is nowhere to copy to",
                    );
                }
            }
            Spec::Cache(k) => {
                self.nodes(&format!("{p}.nodes"), k.nodes, 1);
                self.share(&format!("{p}.hit_ratio"), k.hit_ratio);
                self.capacity(&p, &k.capacity);
            }
            Spec::Queue(q) => {
                self.dur(&format!("{p}.takeover"), &q.takeover);
                self.capacity(&p, &q.capacity);
                if !q.persistent && self.s.fidelity == Fidelity::Flow {
                    self.out.push(
                        Problem::warning(
                            format!("{p}.persistent"),
                            "the flow level has no messages in flight, so it counts no lost messages when this non-persistent queue crashes; run at request level to count them",
                        )
                        .about(&c.id),
                    );
                }
            }
            Spec::Database(d) => self.database(&p, c, d),
            Spec::SearchIndex(st) | Spec::DocStore(st) => {
                if !st.embedded {
                    self.nodes(&format!("{p}.nodes"), st.nodes, 1);
                    if st.replicas >= st.nodes.max(1) {
                        self.err(
                            format!("{p}.replicas"),
                            format!("{} replicas need more than {} nodes (a replica lives on another node)", st.replicas, st.nodes),
                        );
                    }
                }
                self.capacity(&p, &st.capacity);
            }
        }
    }

    fn database(&mut self, p: &str, c: &'a Component, d: &Database) {
        self.capacity(p, &d.capacity);
        self.dur(&format!("{p}.lag"), &d.lag);
        self.heartbeat(&format!("{p}.detection"), &d.detection);
        self.dur(&format!("{p}.manual_response"), &d.manual_response);
        self.dur(&format!("{p}.promotion"), &d.promotion);
        self.dur(&format!("{p}.catchup"), &d.catchup);
        self.dur(&format!("{p}.restore"), &d.restore);
        if d.replicas.iter().any(|r| r.standby == Standby::Cold) {
            self.dur_pos(&format!("{p}.backup_interval"), &d.backup_interval);
        } else {
            self.dur(&format!("{p}.backup_interval"), &d.backup_interval);
        }
        if let Some(f) = &d.fence_unreachable {
            self.dur(&format!("{p}.fence_unreachable"), f);
        }
        if d.replicas.len() as u64 >= u64::from(MAX_NODES) {
            self.err(
                format!("{p}.replicas"),
                format!("the limit is {} replicas", MAX_NODES - 1),
            );
        }
        // A replica in its primary's site is only a warning when no replica is elsewhere.
        let elsewhere = d
            .replicas
            .iter()
            .any(|r| r.site.is_some() && r.site.as_deref() != c.site.as_deref());
        for (j, r) in d.replicas.iter().enumerate() {
            let rp = format!("{p}.replicas[{j}]");
            match (&r.site, &c.site) {
                (Some(rs), Some(ps)) => {
                    if self.site_ref(&format!("{rp}.site"), rs) && rs == ps && !elsewhere {
                        self.out.push(
                            Problem::warning(
                                format!("{rp}.site"),
                                format!("this replica is in the same site (`{rs}`) as its primary: a site outage takes both"),
                            )
                            .about(&c.id),
                        );
                    }
                }
                (Some(rs), None) => {
                    if self.site_ref(&format!("{rp}.site"), rs) {
                        self.err_about(
                            format!("{rp}.site"),
                            "the replica has a site but its primary (the database component) has none",
                            &c.id,
                        );
                    }
                }
                (None, Some(ps)) if !elsewhere => {
                    self.out.push(
                        Problem::warning(
                            format!("{rp}.site"),
                            format!("no site given, so this replica is in its primary's site (`{ps}`): a site outage takes both"),
                        )
                        .about(&c.id),
                    );
                }
                (None, _) => {}
            }
        }
    }

    /// Checks `target` (and `node` when given) of a fault; returns the component.
    fn fault_target(&mut self, p: &str, target: &str, node: Option<u32>) -> Option<&'a Component> {
        let idx = self.comp_ref(&format!("{p}.target"), target)?;
        let c = &self.s.components[idx];
        if let Some(n) = node {
            let count = c.node_count();
            if n >= count {
                self.err_about(
                    format!("{p}.node"),
                    format!("node {n} is out of range: `{target}` has {count} node(s), numbered 0 to {}", count.saturating_sub(1)),
                    target,
                );
            }
        }
        Some(c)
    }

    fn opt_dur_pos(&mut self, path: &str, d: &Option<Dur>) {
        if let Some(d) = d {
            self.dur_pos(path, d);
        }
    }

    fn fault(&mut self, i: usize, f: &'a Fault) {
        let p = format!("faults[{i}].{}", f.kind_name());
        if let Some(at) = self.dur(&format!("{p}.at"), f.at()) {
            if let Some(h) = self.s.horizon.as_micros() {
                if at >= h {
                    self.warn(
                        format!("{p}.at"),
                        format!(
                            "{} is at or after the horizon ({}): this fault never happens",
                            f.at(),
                            self.s.horizon
                        ),
                    );
                }
            }
        }
        match f {
            Fault::Crash(nf) | Fault::Hang(nf) | Fault::Corruption(nf) => {
                self.fault_target(&p, &nf.target, nf.node);
                self.opt_dur_pos(&format!("{p}.duration"), &nf.duration);
                if matches!(f, Fault::Corruption(_)) {
                    if let Some(c) = self
                        .comps
                        .get(nf.target.as_str())
                        .map(|&k| &self.s.components[k])
                    {
                        if !matches!(
                            c.spec,
                            Spec::Database(_)
                                | Spec::SearchIndex(_)
                                | Spec::DocStore(_)
                                | Spec::Queue(_)
                        ) {
                            self.err(
                                format!("{p}.target"),
                                format!(
                                    "`{}` is a {}: only data stores can be corrupted",
                                    c.id,
                                    c.spec.kind_name()
                                ),
                            );
                        }
                    }
                }
            }
            Fault::ErrorRate(e) => {
                self.fault_target(&p, &e.target, e.node);
                self.share(&format!("{p}.rate"), e.rate);
                self.opt_dur_pos(&format!("{p}.duration"), &e.duration);
            }
            Fault::Latency(l) => {
                self.fault_target(&p, &l.target, l.node);
                self.dur_pos(&format!("{p}.added"), &l.added);
                self.opt_dur_pos(&format!("{p}.duration"), &l.duration);
            }
            Fault::Leak(l) => {
                self.fault_target(&p, &l.target, l.node);
                self.dur_pos(&format!("{p}.exhaustion"), &l.exhaustion);
                self.dur(&format!("{p}.restart"), &l.restart);
            }
            Fault::Flapping(fl) => {
                self.fault_target(&p, &fl.target, fl.node);
                self.dur_pos(&format!("{p}.down"), &fl.down);
                self.dur_pos(&format!("{p}.up"), &fl.up);
                self.at_least(&format!("{p}.cycles"), fl.cycles, 1);
                if fl.cycles > 100_000 {
                    self.err(format!("{p}.cycles"), "must be ≤ 100000");
                }
            }
            Fault::SiteOutage(so) => {
                self.site_ref(&format!("{p}.site"), &so.site);
                self.opt_dur_pos(&format!("{p}.duration"), &so.duration);
            }
            Fault::Partition(pt) => {
                let a = self.site_ref(&format!("{p}.a"), &pt.a);
                let b = self.site_ref(&format!("{p}.b"), &pt.b);
                if a && b && pt.a == pt.b {
                    self.err(
                        format!("{p}.b"),
                        "a partition separates two different sites",
                    );
                }
                if let Some(c) = &pt.component {
                    self.comp_ref(&format!("{p}.component"), c);
                }
                self.opt_dur_pos(&format!("{p}.duration"), &pt.duration);
            }
            Fault::TrafficSpike(ts) => {
                self.non_negative(&format!("{p}.factor"), ts.factor);
                self.dur_pos(&format!("{p}.duration"), &ts.duration);
            }
            Fault::DnsFailure(w) => {
                self.opt_dur_pos(&format!("{p}.duration"), &w.duration);
                if !matches!(self.s.routing, GlobalRouting::Dns { .. }) {
                    self.warn(
                        &p,
                        "the scenario does not route by DNS: this fault has no effect",
                    );
                }
            }
            Fault::RollingRestart(r) => {
                if let Some(c) = self.fault_target(&p, &r.target, None) {
                    let count = c.node_count();
                    self.at_least(&format!("{p}.batch"), r.batch, 1);
                    if r.batch >= count && r.batch >= 1 {
                        self.warn(
                            format!("{p}.batch"),
                            format!("a batch of {} restarts all {count} node(s) of `{}` at once: that is an outage, not a rolling restart", r.batch, c.id),
                        );
                    }
                }
                self.dur(&format!("{p}.drain"), &r.drain);
                self.dur_pos(&format!("{p}.restart"), &r.restart);
            }
            Fault::BlueGreen(bg) => {
                self.comp_ref(&format!("{p}.blue"), &bg.blue);
                self.comp_ref(&format!("{p}.green"), &bg.green);
                if bg.blue == bg.green {
                    self.err(
                        format!("{p}.green"),
                        "blue and green must be two different clusters",
                    );
                }
                self.dur(&format!("{p}.drain"), &bg.drain);
                self.dur_pos(&format!("{p}.deploy"), &bg.deploy);
            }
            Fault::SiteSwitchover(sw) => {
                let a = self.site_ref(&format!("{p}.from"), &sw.from);
                let b = self.site_ref(&format!("{p}.to"), &sw.to);
                if a && b && sw.from == sw.to {
                    self.err(format!("{p}.to"), "must differ from `from`");
                }
            }
            Fault::DbSwitchover(t) => {
                if let Some(c) = self.fault_target(&p, &t.target, None) {
                    match &c.spec {
                        Spec::Database(d) if d.replicas.is_empty() => self.err(
                            format!("{p}.target"),
                            format!("database `{}` has no replica to switch to", c.id),
                        ),
                        Spec::Database(_) => {}
                        other => self.err(
                            format!("{p}.target"),
                            format!("`{}` is a {}, not a database", c.id, other.kind_name()),
                        ),
                    }
                }
            }
        }
    }

    fn metrics(&mut self) {
        let m = &self.s.metrics;
        if let Some(w) = self.dur_pos("metrics.window", &m.window) {
            if let Some(h) = self.s.horizon.as_micros() {
                if h / w > 1_000_000 {
                    self.warn(
                        "metrics.window",
                        format!(
                            "{} windows over the horizon: the time series will be large; consider a wider window",
                            h / w
                        ),
                    );
                }
            }
        }
        self.share("metrics.success_threshold", m.success_threshold);
    }

    // ----- the component graph -----

    /// Cycles in `next`: an iterative DFS that keeps each node's place on the stack, so every
    /// back edge closes one cycle, reported once (edges are deduplicated) with its names; linear
    /// time, and at most [`MAX_CYCLE_PROBLEMS`] messages plus one that counts the rest.
    fn cycles(&mut self, edges: &[Vec<(usize, usize)>]) {
        const OFF: usize = usize::MAX;
        let s = self.s;
        let n = edges.len();
        let mut place = vec![OFF; n];
        let mut done = vec![false; n];
        let mut found = 0usize;
        for start in 0..n {
            if done[start] {
                continue;
            }
            let mut stack: Vec<(usize, usize)> = vec![(start, 0)];
            place[start] = 0;
            while let Some(&mut (v, ref mut k)) = stack.last_mut() {
                let Some(&(w, j)) = edges[v].get(*k) else {
                    place[v] = OFF;
                    done[v] = true;
                    stack.pop();
                    continue;
                };
                *k += 1;
                if place[w] != OFF {
                    found += 1;
                    if found <= MAX_CYCLE_PROBLEMS {
                        let names: Vec<&str> = stack[place[w]..]
                            .iter()
                            .map(|&(x, _)| s.components[x].id.as_str())
                            .chain([s.components[w].id.as_str()])
                            .collect();
                        self.err_about(
                            format!("components[{v}].next[{j}]"),
                            format!("cycle in next: {}", names.join(" → ")),
                            &s.components[v].id,
                        );
                    }
                } else if !done[w] {
                    place[w] = stack.len();
                    stack.push((w, 0));
                }
            }
        }
        if found > MAX_CYCLE_PROBLEMS {
            self.err(
                "components",
                format!("…and {} more cycles in next", found - MAX_CYCLE_PROBLEMS),
            );
        }
    }

    fn graph(&mut self) {
        let s = self.s;
        let n = s.components.len();
        // Edges by index, only to defined components (dangling ones are reported already), each
        // target once, with the position of its first mention in `next`.
        let mut stamp = vec![usize::MAX; n];
        let edges: Vec<Vec<(usize, usize)>> = s
            .components
            .iter()
            .enumerate()
            .map(|(v, c)| {
                let mut out = Vec::new();
                for (j, id) in c.next.iter().enumerate() {
                    if let Some(&w) = self.comps.get(id.as_str()) {
                        if stamp[w] != v {
                            stamp[w] = v;
                            out.push((w, j));
                        }
                    }
                }
                out
            })
            .collect();
        let entries: Vec<usize> = s
            .traffic
            .entry
            .iter()
            .filter_map(|id| self.comps.get(id.as_str()).copied())
            .collect();

        self.cycles(&edges);
        if entries.is_empty() {
            return;
        }
        let reach = reachable(&edges, &entries, |_| false);
        for (i, c) in s.components.iter().enumerate() {
            if !reach[i] && self.comps.get(c.id.as_str()) == Some(&i) {
                self.err_about(
                    format!("components[{i}]"),
                    format!(
                        "`{}` is unreachable: no path from traffic.entry through next leads to it",
                        c.id
                    ),
                    &c.id,
                );
            }
        }

        // The data tier: databases, or the sinks (no next) when there is no database.
        let mut targets: Vec<usize> = (0..n)
            .filter(|&i| matches!(s.components[i].spec, Spec::Database(_)) && reach[i])
            .collect();
        if targets.is_empty() {
            targets = (0..n)
                .filter(|&i| edges[i].is_empty() && reach[i])
                .collect();
        }
        if targets.is_empty() {
            return;
        }
        let connected = |removed: &dyn Fn(usize) -> bool| {
            let r = reachable(&edges, &entries, removed);
            targets.iter().any(|&t| r[t] && !removed(t))
        };

        // Single points of failure: one effective node, and every entry→data path crosses it.
        for (i, c) in s.components.iter().enumerate() {
            if !reach[i] {
                continue;
            }
            let Some(why) = single_node(c) else { continue };
            if !connected(&|k| k == i) {
                self.out.push(
                    Problem::warning(
                        format!("components[{i}]"),
                        format!("single point of failure: `{}` has {why}, and every path from the clients to the data tier goes through it", c.id),
                    )
                    .about(&c.id),
                );
            }
        }
        // Whole sites: losing one (with what it holds; a database survives through a replica
        // in another site) cuts the clients off.
        for (k, site) in s.sites.iter().enumerate() {
            let lost: Vec<bool> = s
                .components
                .iter()
                .map(|c| c.site.as_deref() == Some(site.id.as_str()) && !survives_site(c, &site.id))
                .collect();
            if !lost.iter().any(|&x| x) {
                continue;
            }
            if !connected(&|x| lost[x]) {
                self.out.push(
                    Problem::warning(
                        format!("sites[{k}]"),
                        format!("single point of failure: an outage of site `{}` cuts every client off from the data tier", site.id),
                    )
                    .about(&site.id),
                );
            }
        }
    }
}

/// At most this many cycle problems; the rest are counted in one more.
pub const MAX_CYCLE_PROBLEMS: usize = 20;

/// The largest traffic-spike factor over the run, at least 1: overlapping spikes multiply (as
/// the engine's arrival bound, `Config::spike_max`). Spikes whose times do not parse are left
/// out (reported elsewhere); factors are clamped as `compile` clamps them. A sweep over the
/// starts and ends in log space, so 10,000 spikes cost no more than a sort.
fn spike_peak(faults: &[Fault]) -> f64 {
    // (time, ends before starts at equal times, factor)
    let mut ev: Vec<(u64, bool, f64)> = Vec::new();
    for f in faults {
        if let Fault::TrafficSpike(ts) = f {
            let (Some(at), Some(d)) = (ts.at.as_micros(), ts.duration.as_micros()) else {
                continue;
            };
            let factor = if ts.factor.is_finite() {
                ts.factor.clamp(0.0, 1e4)
            } else {
                1.0
            };
            ev.push((at, true, factor));
            ev.push((at.saturating_add(d), false, factor));
        }
    }
    ev.sort_by_key(|e| (e.0, e.1));
    let (mut zeros, mut log, mut best) = (0u32, 0.0f64, 0.0f64);
    let mut i = 0;
    while i < ev.len() {
        let t = ev[i].0;
        while i < ev.len() && ev[i].0 == t {
            let (_, start, f) = ev[i];
            if f == 0.0 {
                zeros = if start {
                    zeros + 1
                } else {
                    zeros.saturating_sub(1)
                };
            } else if start {
                log += libm::log(f);
            } else {
                log -= libm::log(f);
            }
            i += 1;
        }
        if zeros == 0 {
            best = best.max(log);
        }
    }
    libm::exp(best)
}

/// Why a component counts as having one effective node, or `None`.
fn single_node(c: &Component) -> Option<&'static str> {
    match &c.spec {
        Spec::LoadBalancer(lb) if lb.mode == LbMode::Single => {
            Some("one load balancer (mode `single`, no passive partner)")
        }
        Spec::Web(w) if w.nodes.saturating_add(w.redundancy.spares) < 2 => {
            Some("one node and no spare")
        }
        Spec::App(a) if a.nodes.saturating_add(a.redundancy.spares) < 2 => {
            Some("one node and no spare")
        }
        Spec::Cache(k) if k.nodes < 2 => Some("one node"),
        Spec::Queue(q) if !q.standby => Some("no standby"),
        Spec::Database(d) if d.replicas.is_empty() => Some("no replica"),
        Spec::SearchIndex(st) | Spec::DocStore(st) if !st.embedded && st.nodes < 2 => {
            Some("one node")
        }
        _ => None,
    }
}

/// A database whose replica sits in another site survives that site's outage.
fn survives_site(c: &Component, site: &str) -> bool {
    match &c.spec {
        Spec::Database(d) => d
            .replicas
            .iter()
            .any(|r| r.site.as_deref().is_some_and(|rs| rs != site)),
        _ => false,
    }
}

/// Which components the entries reach through `next`, never entering a removed one.
fn reachable(
    edges: &[Vec<(usize, usize)>],
    entries: &[usize],
    removed: impl Fn(usize) -> bool,
) -> Vec<bool> {
    let mut seen = vec![false; edges.len()];
    let mut todo: Vec<usize> = Vec::new();
    for &e in entries {
        if !removed(e) && !seen[e] {
            seen[e] = true;
            todo.push(e);
        }
    }
    while let Some(v) = todo.pop() {
        for &(w, _) in &edges[v] {
            if !removed(w) && !seen[w] {
                seen[w] = true;
                todo.push(w);
            }
        }
    }
    seen
}
