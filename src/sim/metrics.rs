//! Counters, deterministic latency histograms, metric windows and incident records.
//!
//! Invariant: every request is recorded exactly once, as served or failed with one cause; the
//! report asserts `offered = served + failed` and `started = finished + lost + active`.

#[cfg(doc)]
use super::config::limits::{MAX_INCIDENT_RECORDS, MAX_MARKERS};
use super::time::Time;
use std::collections::BTreeMap;
use strum::{EnumCount, EnumIter, IntoStaticStr};

/// Why a request failed: its name (`Cause::NoHealthyBackend` is `"no_healthy_backend"`, through
/// `&'static str::from` or `Display`) is the report's key; `Cause::iter()` lists them all, and
/// the value as `usize` indexes the counters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, EnumCount, EnumIter, IntoStaticStr, strum::Display)]
#[strum(serialize_all = "snake_case")]
#[repr(u8)]
pub enum Cause {
    DetectionWindow = 0,
    NoHealthyBackend = 1,
    Overload = 2,
    DatabaseUnavailable = 3,
    Partition = 4,
    SiteDown = 5,
    DnsStale = 6,
    InjectedError = 7,
    Timeout = 8,
    /// In service or queued on a node when it crashed.
    NodeCrash = 9,
    /// The DNS service itself was down when a client had to resolve.
    DnsFailure = 10,
}

/// Number of causes.
pub const NC: usize = Cause::COUNT;

/// Number of session-loss reasons.
pub const NL: usize = Loss::COUNT;

/// Why a session was lost (named and listed like [`Cause`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, EnumCount, EnumIter, IntoStaticStr, strum::Display)]
#[strum(serialize_all = "snake_case")]
#[repr(u8)]
pub enum Loss {
    NodeCrash = 0,
    SiteDown = 1,
    NoAffinity = 2,
    PlannedRestart = 3,
}

const SUB: u32 = 16;
const BUCKETS: usize = 64 * SUB as usize;

/// A log-bucketed latency histogram (16 buckets per power of two, ≤ 6.25 % relative error).
#[derive(Clone, Debug)]
pub struct Hist {
    counts: Vec<u32>,
    n: u64,
}

impl Default for Hist {
    fn default() -> Self {
        Hist {
            counts: vec![0; BUCKETS],
            n: 0,
        }
    }
}

impl Hist {
    fn bucket(us: u64) -> usize {
        if us < u64::from(SUB) {
            return us as usize;
        }
        let msb = 63 - us.leading_zeros();
        let sub = ((us >> (msb - 4)) & u64::from(SUB - 1)) as u32;
        ((msb - 3) * SUB + sub) as usize
    }
    fn lower(b: usize) -> f64 {
        let b = b as u32;
        if b < SUB {
            return f64::from(b);
        }
        let msb = b / SUB + 3;
        let sub = b % SUB;
        ((u64::from(SUB + sub)) << (msb - 4)) as f64
    }
    fn upper(b: usize) -> f64 {
        if (b as u32) < SUB {
            return b as f64 + 1.0;
        }
        if b + 1 < BUCKETS {
            Self::lower(b + 1)
        } else {
            Self::lower(b) * 2.0
        }
    }
    pub fn add(&mut self, us: u64) {
        let b = Self::bucket(us).min(BUCKETS - 1);
        self.counts[b] += 1;
        self.n += 1;
    }
    pub fn len(&self) -> u64 {
        self.n
    }
    pub fn is_empty(&self) -> bool {
        self.n == 0
    }
    pub fn clear(&mut self) {
        if self.n > 0 {
            self.counts.iter_mut().for_each(|c| *c = 0);
            self.n = 0;
        }
    }
    /// The q-quantile in µs (bucket midpoint), 0 when empty.
    pub fn quantile(&self, q: f64) -> f64 {
        if self.n == 0 {
            return 0.0;
        }
        let target = libm::ceil(q * self.n as f64).max(1.0) as u64;
        let mut acc = 0u64;
        for (b, c) in self.counts.iter().enumerate() {
            acc += u64::from(*c);
            if acc >= target {
                return (Self::lower(b) + Self::upper(b)) / 2.0;
            }
        }
        0.0
    }
}

/// One fault's effect, accumulated while the run goes.
#[derive(Clone, Debug, Default)]
pub struct IncidentRec {
    pub trigger: String,
    pub component: String,
    pub fault_at: Time,
    pub cleared_at: Option<Time>,
    /// The first and last failed request blamed on it.
    pub first_fail: Option<Time>,
    pub last_fail: Time,
    pub failed: u64,
    pub sessions_lost: u64,
    pub writes_lost: u64,
    pub rpo_us: Time,
    pub recovery: String,
    /// When the recovery step `recovery` describes happened.
    pub recovered_at: Option<Time>,
    /// 0 for one incident; for the aggregate of a (trigger, component) beyond
    /// [`MAX_INCIDENT_RECORDS`], the incidents it stands for, and how many of them are open.
    pub aggregated: u64,
    pub open: u64,
}

impl IncidentRec {
    /// Harm from `from` to `to` (one instant for a single request or session).
    pub fn harm(&mut self, from: Time, to: Time) {
        if self.first_fail.is_none() {
            self.first_fail = Some(from);
        }
        self.last_fail = self.last_fail.max(to);
    }

    /// Its RTO: from its first failed request (or the fault, with none) until the later of its
    /// last failed request and the recovery step its row shows, so a row with failed requests and
    /// "marked down after 6.3 s" never shows an RTO of 0 (docs/model.md). Lost sessions do not
    /// extend it: they are counted when their users return, after service is back.
    pub fn rto(&self) -> Time {
        let start = self.first_fail.unwrap_or(self.fault_at);
        let end = self.last_fail.max(self.recovered_at.unwrap_or(0));
        end.saturating_sub(start)
    }
}

/// How long after a fault cleared overload and timeouts are still blamed on it.
pub const GRACE: Time = 60_000_000;

#[derive(Clone, Debug, Default)]
pub struct Window {
    pub offered: u64,
    pub served: u64,
    pub failed: [u64; NC],
    pub sessions_lost: u64,
    pub hist: Hist,
    /// Sum of the served requests' latencies, µs (the series' mean latency).
    pub lat_sum: f64,
}

/// Everything counted during a run.
#[derive(Clone, Debug, Default)]
pub struct Metrics {
    pub offered: u64,
    pub served: u64,
    pub failed: [u64; NC],
    pub retried: u64,
    pub sessions_started: u64,
    pub sessions_finished: u64,
    pub sessions_lost: [u64; NL],
    pub writes_attempted: u64,
    pub writes_acked: u64,
    pub writes_lost: u64,
    pub max_rpo: Time,
    pub messages_lost: u64,
    pub hist: Hist,
    pub latency_sum_us: f64,
    pub window: Time,
    pub threshold: f64,
    pub win_start: Time,
    /// The current availability window (counts only).
    pub cur: Window,
    /// The current series window: `series_every` availability windows.
    pub ser: Window,
    pub ser_start: Time,
    pub series_every: u64,
    pub ser_count: u64,
    pub windows_total: u64,
    pub windows_up: u64,
    pub s_t: Vec<f64>,
    pub s_offered: Vec<u64>,
    pub s_served: Vec<u64>,
    pub s_failed: Vec<[u64; NC]>,
    pub s_active: Vec<u64>,
    pub s_lost: Vec<u64>,
    pub s_p50: Vec<f64>,
    pub s_p95: Vec<f64>,
    pub s_p99: Vec<f64>,
    /// Mean latency of each series point in ms (request level; not in the report: warm-up
    /// detection reads it, `Simulation::window_series`).
    pub s_mean: Vec<f64>,
    pub markers: Vec<(Time, String)>,
    /// Markers beyond [`MAX_MARKERS`], counted only.
    pub markers_omitted: u64,
    /// When the statistics were reset (the end of the warm-up; 0: never).
    pub reset_at: Time,
    pub incidents: Vec<IncidentRec>,
    /// The aggregate record of each trigger and component beyond [`MAX_INCIDENT_RECORDS`].
    pub aggregates: BTreeMap<String, BTreeMap<String, u32>>,
    /// A study's replication (`Simulation::summary_only`): the chart's series points and
    /// markers are counted, not kept (`unkept`: points, markers), so that the memory estimate,
    /// and so every budget, is a full run's.
    pub lean: bool,
    pub unkept: [u64; 2],
}

impl Metrics {
    /// At most this many points in the series: longer runs merge windows.
    pub const MAX_SERIES: u64 = 2_000;

    pub fn new(window: Time, threshold: f64, horizon: Time) -> Metrics {
        let window = window.max(1);
        let n = horizon.div_ceil(window).max(1);
        let series_every = n.div_ceil(Self::MAX_SERIES).max(1);
        // the series' final length (plus the partial point), so it never reallocates
        let points = (n.div_ceil(series_every) + 1) as usize;
        Metrics {
            window,
            threshold,
            series_every,
            s_t: Vec::with_capacity(points),
            s_offered: Vec::with_capacity(points),
            s_served: Vec::with_capacity(points),
            s_failed: Vec::with_capacity(points),
            s_active: Vec::with_capacity(points),
            s_lost: Vec::with_capacity(points),
            s_p50: Vec::with_capacity(points),
            s_p95: Vec::with_capacity(points),
            s_p99: Vec::with_capacity(points),
            s_mean: Vec::with_capacity(points),
            ..Metrics::default()
        }
    }

    /// A lean run's metrics (`Simulation::summary_only`): series points and markers are only
    /// counted, so the series' buffers are not held either.
    pub fn make_lean(&mut self) {
        self.lean = true;
        self.s_t = Vec::new();
        self.s_offered = Vec::new();
        self.s_served = Vec::new();
        self.s_failed = Vec::new();
        self.s_active = Vec::new();
        self.s_lost = Vec::new();
        self.s_p50 = Vec::new();
        self.s_p95 = Vec::new();
        self.s_p99 = Vec::new();
        self.s_mean = Vec::new();
    }

    pub fn sessions_active(&self) -> u64 {
        let lost: u64 = self.sessions_lost.iter().sum();
        self.sessions_started - self.sessions_finished - lost
    }

    /// Closes every window that ends at or before `t`.
    #[inline(always)]
    pub fn advance(&mut self, t: Time) {
        while t >= self.win_start + self.window {
            self.close_window(self.win_start + self.window);
        }
    }

    /// Closes the current window at `end` (possibly partial, at the horizon).
    pub fn close_window(&mut self, end: Time) {
        let w = &mut self.cur;
        self.windows_total += 1;
        if w.offered == 0 || (w.served as f64) >= self.threshold * w.offered as f64 {
            self.windows_up += 1;
        }
        w.offered = 0;
        w.served = 0;
        w.failed = [0; NC];
        w.sessions_lost = 0;
        self.win_start = end;
        self.ser_count += 1;
        if self.ser_count >= self.series_every {
            self.close_series(end);
        }
    }

    /// Pushes the current series point (also at the horizon for a partial one).
    pub fn close_series(&mut self, end: Time) {
        if self.lean {
            self.unkept[0] += 1;
        } else {
            self.push_series_point();
        }
        let w = &mut self.ser;
        w.offered = 0;
        w.served = 0;
        w.failed = [0; NC];
        w.sessions_lost = 0;
        w.hist.clear();
        w.lat_sum = 0.0;
        self.ser_start = end;
        self.ser_count = 0;
    }

    /// The current series window as a point of the series.
    fn push_series_point(&mut self) {
        let w = &self.ser;
        self.s_t.push(super::time::secs(self.ser_start));
        self.s_offered.push(w.offered);
        self.s_served.push(w.served);
        self.s_failed.push(w.failed);
        self.s_lost.push(w.sessions_lost);
        self.s_p50.push(w.hist.quantile(0.5) / 1000.0);
        self.s_p95.push(w.hist.quantile(0.95) / 1000.0);
        self.s_p99.push(w.hist.quantile(0.99) / 1000.0);
        self.s_mean.push(if w.served > 0 {
            w.lat_sum / w.served as f64 / 1000.0
        } else {
            0.0
        });
        let active = self.sessions_active();
        self.s_active.push(active);
    }

    #[inline(always)]
    pub fn served(&mut self, now: Time, latency: Time, retried: bool) {
        self.advance(now);
        self.offered += 1;
        self.served += 1;
        if retried {
            self.retried += 1;
        }
        self.hist.add(latency);
        self.latency_sum_us += latency as f64;
        self.cur.offered += 1;
        self.cur.served += 1;
        self.ser.offered += 1;
        self.ser.served += 1;
        self.ser.hist.add(latency);
        self.ser.lat_sum += latency as f64;
    }

    /// The end of the warm-up at `now`: every count starts again from zero (classic DES
    /// practice), so the report covers `[now, horizon]` only. The window in progress closes at
    /// `now` (the time-availability windows start there), sessions still active are carried
    /// over as started, and incidents keep only the harm done from now on (one that spans `now`
    /// starts there). The series and markers are the chart's and are kept whole.
    pub fn reset(&mut self, now: Time) {
        self.reset_at = now;
        self.advance(now);
        if now > self.win_start {
            self.close_window(now);
        }
        self.windows_total = 0;
        self.windows_up = 0;
        self.offered = 0;
        self.served = 0;
        self.failed = [0; NC];
        self.retried = 0;
        self.sessions_started = self.sessions_active();
        self.sessions_finished = 0;
        self.sessions_lost = [0; NL];
        self.writes_attempted = 0;
        self.writes_acked = 0;
        self.writes_lost = 0;
        self.max_rpo = 0;
        self.messages_lost = 0;
        self.hist.clear();
        self.latency_sum_us = 0.0;
        for r in &mut self.incidents {
            r.fault_at = r.fault_at.max(now);
            r.first_fail = None;
            r.last_fail = 0;
            r.failed = 0;
            r.sessions_lost = 0;
            r.writes_lost = 0;
            r.rpo_us = 0;
            if r.recovered_at.is_some_and(|t| t < now) {
                r.recovered_at = None;
            }
        }
    }

    /// Records a failed request and blames `incident` (or an open incident for overload).
    pub fn failed(&mut self, now: Time, cause: Cause, incident: u32) {
        self.advance(now);
        self.offered += 1;
        self.failed[cause as usize] += 1;
        self.cur.offered += 1;
        self.cur.failed[cause as usize] += 1;
        self.ser.offered += 1;
        self.ser.failed[cause as usize] += 1;
        let inc = if incident != u32::MAX {
            Some(incident as usize)
        } else {
            self.open_incident(now)
        };
        if let Some(i) = inc {
            if let Some(r) = self.incidents.get_mut(i) {
                r.failed += 1;
                r.harm(now, now);
            }
        }
    }

    /// Bulk variant for the flow level: `n` requests failed at `now` (first) to `end` (last).
    pub fn failed_bulk(&mut self, now: Time, end: Time, cause: Cause, incident: u32, n: u64) {
        if n == 0 {
            return;
        }
        self.offered += n;
        self.failed[cause as usize] += n;
        self.cur.offered += n;
        self.cur.failed[cause as usize] += n;
        self.ser.offered += n;
        self.ser.failed[cause as usize] += n;
        let inc = if incident != u32::MAX {
            Some(incident as usize)
        } else {
            self.open_incident(now)
        };
        if let Some(i) = inc {
            if let Some(r) = self.incidents.get_mut(i) {
                r.failed += n;
                r.harm(now, end);
            }
        }
    }

    /// The most recent incident still open (or cleared less than [`GRACE`] ago).
    pub fn open_incident(&self, now: Time) -> Option<usize> {
        let n = self.incidents.len();
        for i in (n.saturating_sub(16)..n).rev() {
            let r = &self.incidents[i];
            if r.fault_at <= now && r.cleared_at.is_none_or(|c| now < c + GRACE) {
                return Some(i);
            }
        }
        None
    }

    pub fn session_lost(&mut self, now: Time, loss: Loss, incident: u32) {
        self.advance(now);
        self.sessions_lost[loss as usize] += 1;
        self.ser.sessions_lost += 1;
        // A lost session is counted when its user next asks (it may be long after service
        // came back): it does not extend the incident's RTO, which measures unavailability.
        if let Some(r) = self.incidents.get_mut(incident as usize) {
            r.sessions_lost += 1;
        }
    }

    pub fn writes_lost(&mut self, incident: u32, n: u64, rpo: Time) {
        self.writes_lost += n;
        if n > 0 {
            self.max_rpo = self.max_rpo.max(rpo);
        }
        if let Some(r) = self.incidents.get_mut(incident as usize) {
            r.writes_lost += n;
            if n > 0 {
                r.rpo_us = r.rpo_us.max(rpo);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histogram_quantiles_are_close() {
        let mut h = Hist::default();
        for us in 1..=10_000u64 {
            h.add(us);
        }
        let p50 = h.quantile(0.5);
        assert!((p50 - 5000.0).abs() / 5000.0 < 0.07, "{p50}");
        let p99 = h.quantile(0.99);
        assert!((p99 - 9900.0).abs() / 9900.0 < 0.07, "{p99}");
    }
}
