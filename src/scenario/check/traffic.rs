//! Traffic, global routing and metrics settings: checked and emitted; and the limits on the work
//! of a run (arrivals, random failures, flapping, nodes), judged on the emitted configuration.

use super::limits::*;
use super::Checker;
use crate::scenario::format::{Fault, Fidelity, GlobalRouting, Profile};
use crate::scenario::problem::{Location, Problem};
use crate::sim::config::{ProfileCfg, RoutingCfg, TrafficCfg};
use crate::sim::Time;

const DAY: Time = 86_400_000_000;

impl Checker<'_> {
    /// Checks and emits `traffic`; returns where its problems end (the arrival work's go there).
    pub(super) fn traffic(&mut self) -> usize {
        let t = &self.s.traffic;
        let at = |field: &str| Location::root(format!("traffic.{field}"));
        if t.entry.is_empty() {
            self.err(
                "traffic.entry",
                "needs at least one entry component (where client traffic arrives)",
            );
        }
        self.cfg.entries = self.listed_once(&at("entry"), &t.entry);
        let sessions_per_s = self
            .non_negative(at("sessions_per_s"), t.sessions_per_s, MAX_SESSIONS_PER_S)
            .unwrap_or(0.0);
        let session_duration = self.dur_pos(at("session_duration"), &t.session_duration);
        let rps = t.requests_per_session;
        let requests_per_session = if !(rps.is_finite() && rps >= 1.0) {
            self.err(
                at("requests_per_session"),
                format!("must be a finite number ≥ 1, not {rps}"),
            );
            1.0
        } else if rps > MAX_REQUESTS_PER_SESSION {
            self.err(
                at("requests_per_session"),
                format!(
                    "must be ≤ {MAX_REQUESTS_PER_SESSION}, not {}",
                    super::num(rps)
                ),
            );
            MAX_REQUESTS_PER_SESSION
        } else {
            rps
        };
        let write_share = self.share(at("write_share"), t.write_share);
        let idempotent_share = self.share(at("idempotent_share"), t.idempotent_share);
        let timeout = self.dur_pos1(at("timeout"), &t.timeout);
        let retry_delay = self.dur0(at("retry_delay"), &t.retry_delay);
        let client_retries = if t.client_retries > MAX_CLIENT_RETRIES {
            self.err(
                at("client_retries"),
                format!("must be ≤ {MAX_CLIENT_RETRIES}"),
            );
            MAX_CLIENT_RETRIES
        } else {
            if t.client_retries > 0 && self.s.fidelity == Fidelity::Flow {
                self.warn(
                    at("client_retries"),
                    "the flow level does not model client retries: a failed request counts as failed once (a retry would land after `retry_delay`, in a state the flow level does not know); run at request level to see retries hide transient failures",
                );
            }
            t.client_retries
        };
        let profile = self.profile(&t.profile);
        self.cfg.traffic = TrafficCfg {
            sessions_per_s,
            session_duration: session_duration.unwrap_or(0),
            requests_per_session,
            write_share,
            idempotent_share,
            timeout,
            client_retries,
            retry_delay,
            profile,
        };
        self.out.len()
    }

    fn profile(&mut self, profile: &Profile) -> ProfileCfg {
        match profile {
            Profile::Constant => ProfileCfg::Constant,
            Profile::Daily {
                peak,
                trough,
                peak_at,
            } => {
                let at = |f: &str| Location::root(format!("traffic.profile.daily.{f}"));
                let p = self.non_negative(at("peak"), *peak, MAX_PROFILE_FACTOR);
                let t = self.non_negative(at("trough"), *trough, MAX_PROFILE_FACTOR);
                if let (Some(p), Some(t)) = (p, t) {
                    if t > p {
                        self.err(at("trough"), "must be ≤ peak");
                    }
                }
                let peak_at = match self.dur(at("peak_at"), peak_at) {
                    Some(us) if us >= DAY => {
                        self.err(at("peak_at"), "must be within the day (< 24h)");
                        us
                    }
                    us => us.unwrap_or(0),
                };
                ProfileCfg::Daily {
                    peak: p.unwrap_or(1.0),
                    trough: t.unwrap_or(1.0),
                    peak_at,
                }
            }
            Profile::Steps(steps) => {
                let mut last = None;
                let mut out: Vec<(Time, f64)> = Vec::with_capacity(steps.len());
                for (i, st) in steps.iter().enumerate() {
                    let base = Location::root("traffic.profile.steps").index(i);
                    let at = self.dur(base.child("at"), &st.at);
                    if let (Some(prev), Some(at)) = (last, at) {
                        if at <= prev {
                            self.err(base.child("at"), "steps must be in increasing time order");
                        }
                    }
                    last = at.or(last);
                    let factor =
                        self.non_negative(base.child("factor"), st.factor, MAX_PROFILE_FACTOR);
                    out.push((at.unwrap_or(0), factor.unwrap_or(1.0)));
                }
                // In order already when valid; sorted so that a stand-in stays in order too.
                out.sort_by_key(|x| x.0);
                ProfileCfg::Steps(out)
            }
        }
    }

    /// The arrivals and requests a run takes, from the emitted traffic and spikes (the engine's
    /// own arrival bound, `Config::spike_max`).
    /// The rate and requests per session are the scenario's own when they are finite (a value
    /// over its limit is reported, and still counted as written here).
    pub(super) fn arrival_work(&self) -> Vec<Problem> {
        let (t, raw) = (&self.cfg.traffic, &self.s.traffic);
        if self.s.horizon.as_micros().is_none()
            || !(raw.sessions_per_s.is_finite() && raw.requests_per_session.is_finite())
        {
            return Vec::new();
        }
        let spikes = self.cfg.spike_max();
        let peak = t.profile.max_factor();
        let h = self.cfg.horizon;
        let sessions_per_s = raw.sessions_per_s.max(t.sessions_per_s);
        let sessions = sessions_per_s * peak * spikes * (h as f64 / 1e6);
        let requests = sessions * raw.requests_per_session.max(1.0);
        let with_spikes = if spikes > 1.0 {
            format!(", counting overlapping traffic spikes (×{spikes:.3})")
        } else {
            String::new()
        };
        let rate = sessions_per_s * peak * spikes;
        let err = |path: &str, msg: String| vec![Problem::error(path, msg)];
        match self.s.fidelity {
            Fidelity::Request if rate > MAX_RATE_REQUEST => err(
                "traffic.sessions_per_s",
                format!(
                    "a peak of {rate:.0} new sessions per second{with_spikes}; the limit at request level is 100000 (arrivals are drawn on a microsecond clock; use \"fidelity\": \"flow\" for more)"
                ),
            ),
            Fidelity::Request if sessions > MAX_SESSIONS_REQUEST => err(
                "traffic.sessions_per_s",
                format!(
                    "about {:.0} million sessions over the horizon at request level{with_spikes}; the limit is 50 million (lower the rate or the horizon, or use \"fidelity\": \"flow\")",
                    sessions / 1e6
                ),
            ),
            Fidelity::Request if requests > MAX_REQUESTS_REQUEST => err(
                "traffic.requests_per_session",
                format!(
                    "about {:.0} million requests over the horizon at request level (sessions × requests per session{with_spikes}); the limit is 1000 million (fewer requests per session, a lower rate or a shorter horizon, or \"fidelity\": \"flow\")",
                    requests / 1e6
                ),
            ),
            Fidelity::Flow if requests > MAX_REQUESTS_FLOW => err(
                "traffic.sessions_per_s",
                format!(
                    "about {requests:.2e} requests over the horizon at flow level (rate × peak profile factor × requests per session × horizon{with_spikes}); the limit is 2^53 ≈ 9.0e15, the largest count kept exactly"
                ),
            ),
            _ => Vec::new(),
        }
    }

    pub(super) fn routing(&mut self) {
        let (label, multi) = match &self.s.routing {
            GlobalRouting::Single => return,
            GlobalRouting::Dns {
                ttl,
                detection,
                stale_share,
                stale_for,
                active_active,
            } => {
                self.cfg.routing = RoutingCfg::Dns {
                    ttl: self.dur0("routing.dns.ttl", ttl),
                    detection: self.dur0("routing.dns.detection", detection),
                    stale_share: self.share("routing.dns.stale_share", *stale_share),
                    stale_for: self.dur0("routing.dns.stale_for", stale_for),
                    active_active: *active_active,
                };
                ("DNS", "routing.dns")
            }
            GlobalRouting::Bgp {
                convergence,
                detection,
                active_active,
            } => {
                self.cfg.routing = RoutingCfg::Bgp {
                    convergence: self.dur0("routing.bgp.convergence", convergence),
                    detection: self.dur0("routing.bgp.detection", detection),
                    active_active: *active_active,
                };
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

    pub(super) fn metrics(&mut self) {
        let m = &self.s.metrics;
        self.cfg.window = match self.dur_pos("metrics.window", &m.window) {
            Some(w) if w < MIN_WINDOW => {
                self.err("metrics.window", "must be ≥ 1s");
                MIN_WINDOW
            }
            Some(w) => {
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
                w
            }
            None => MIN_WINDOW,
        };
        self.cfg.success_threshold = self.share("metrics.success_threshold", m.success_threshold);
    }

    /// Limits on the events a run takes beyond traffic: nodes, random failures, flapping.
    pub(super) fn work(&mut self) {
        let s = self.s;
        let total: u64 = s.components.iter().map(|c| u64::from(c.node_count())).sum();
        if total > MAX_TOTAL_NODES {
            self.err(
                "components",
                format!("{total} nodes in all; the limit is {MAX_TOTAL_NODES} over the scenario"),
            );
        }
        if let Some(h) = s.horizon.as_micros() {
            self.random_failures(h);
        }
        let mut cycles = 0u64;
        for (i, f) in s.faults.iter().enumerate() {
            if let Fault::Flapping(fl) = f {
                cycles += u64::from(fl.cycles);
                if cycles > MAX_FLAPPING_CYCLES {
                    self.err(
                        Location::fault(i, "flapping.cycles"),
                        format!("the flapping faults add up to more than {MAX_FLAPPING_CYCLES} cycles; that is the limit over the scenario"),
                    );
                    break;
                }
            }
        }
    }

    fn random_failures(&mut self, h: Time) {
        let s = self.s;
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
                Location::component(i, "failure.mtbf"),
                format!(
                    "about {:.0} million random failures over the horizon (nodes × horizon / MTBF, all components); the limit is 10 million: raise the MTBF or shorten the horizon",
                    sum / 1e6
                ),
                &s.components[i].id,
            );
        }
    }
}
