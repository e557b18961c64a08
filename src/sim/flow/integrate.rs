//! Flow level, integration between events: populations in closed form, cumulative counts,
//! availability windows and series points.

use super::super::config::*;
use super::super::flow_state::Class;
use super::super::flow_state::FlowState;
use super::super::limits::MAX_EXACT_COUNT as MAX_COUNT;
use super::super::metrics::{Loss, Metrics, NC, NL};
use super::super::state::World;
use super::super::time::Time;
use super::classes::{evaluate, population, set_population};

/// The first moment in (t0, t1) at which a sync primary cut from a replica drops it.
pub(super) fn next_fence(w: &World, t0: Time, t1: Time) -> Option<Time> {
    w.cfg
        .components
        .iter()
        .zip(&w.comps)
        .filter_map(|(c, cs)| match (&c.kind, cs.db.cut_since) {
            (KindCfg::Database(db), Some(since)) if db.sync => {
                db.fence.map(|f| since.saturating_add(f))
            }
            _ => None,
        })
        .filter(|d| *d > t0 && *d < t1)
        .min()
}

/// Integrates (last, now] under one state.
pub(super) fn integrate_segment(w: &mut World) {
    let t0 = w.flow.last;
    let t1 = w.now.min(w.cfg.horizon);
    if t1 <= t0 {
        return;
    }
    // the profile factor at the segment's midpoint (exact for steps, 2nd order for curves)
    // (taken out of the world while its classes update the populations; put back below)
    let mut scratch = w.flow.eval.take().unwrap_or_default();
    evaluate(w, t0 + (t1 - t0) / 2, &mut scratch);
    let d = w.cfg.traffic.session_duration.max(1) as f64;
    let rps = w.cfg.traffic.requests_per_session.max(1.0);
    let per_session = rps / d;
    // a session's first request comes at its arrival, then one every D/R: it lives D(R − 1)/R
    let tau = d * (rps - 1.0) / rps;
    let ws = w.cfg.traffic.write_share;
    // db write rates for lost-write estimates
    for r in w.flow.db_write_rate.iter_mut() {
        *r = 0.0;
    }
    let mut total_req = 0.0;
    let mut served = 0.0;
    let mut acked = 0.0;
    let mut failed = [0.0; NC];
    let incs = &mut scratch.incs;
    incs.clear();
    let mut started = 0.0;
    let mut finished = 0.0;
    let mut lost_aff = 0.0;
    let dt = (t1 - t0) as f64;
    // the decay over the segment, by class exit rate (most classes share one: computed once)
    let mut last_decay: Option<(f64, f64)> = None;
    for c in &scratch.cls {
        let fate = &scratch.cls[c.rep].fate;
        let p0 = population(w, c.class);
        let (integral, p1, fin) =
            class_step(p0, (c.arrivals, c.hazard), (tau, dt), &mut last_decay);
        set_population(w, c.class, p1);
        started += c.arrivals * dt;
        finished += fin;
        lost_aff += integral * c.hazard;
        let req = integral * per_session + c.arrivals * dt;
        total_req += req;
        served += req * fate.served;
        acked += req * fate.acked;
        // a fate without incidents failed nothing (`Fate::fail` records each one): every term is
        // ±0, which leaves a sum that starts at +0 unchanged, unless `req` is not finite
        debug_assert!(!fate.incs.is_empty() || fate.fail.iter().all(|x| x.to_bits() == 0));
        if !fate.incs.is_empty() || !req.is_finite() {
            for (i, f) in failed.iter_mut().enumerate() {
                *f += req * fate.fail[i];
            }
        }
        for (inc, a) in &fate.incs {
            if let Some(e) = incs.iter_mut().find(|x| x.0 == *inc) {
                e.1 += req * a;
            } else {
                incs.push((*inc, req * a));
            }
        }
        if c.class != Class::Unresolved && !w.cfg.entries.is_empty() {
            // acknowledged writes by database (for lost-write estimates)
            let rate = (p1 * per_session + c.arrivals) * fate.acked;
            if let Some(dbs) = w.flow.dbs_of_entry.get(c.entry as usize) {
                for ci in dbs {
                    w.flow.db_write_rate[*ci as usize] += rate;
                }
            }
        }
    }
    if w.flow.stranded.iter().any(|x| x.is_some()) {
        // stranded sessions end as their class does (a sticky class has no extra hazard)
        let keep = if tau < 1.0 { 0.0 } else { libm::exp(-dt / tau) };
        for x in w.flow.stranded.iter_mut().flatten() {
            x.amount *= keep;
        }
    }
    let f = &mut w.flow;
    f.cum_started += started;
    f.cum_finished += finished;
    f.cum_lost[Loss::NoAffinity as usize] += lost_aff;
    f.cum_served += served;
    f.cum_acked += acked;
    f.cum_writes += total_req * ws;
    for (i, x) in failed.iter().enumerate() {
        f.cum_failed[i] += x;
    }
    let fail_total: f64 = failed.iter().sum();
    let open = w
        .metrics
        .open_incident(t0)
        .map(|i| i as u32)
        .unwrap_or(NONE);
    for &(inc, a) in scratch.incs.iter() {
        let inc = if inc == NONE { open } else { inc };
        let i = inc as usize;
        if i >= w.metrics.incidents.len() {
            continue;
        }
        if w.flow.inc_failed.len() < w.metrics.incidents.len() {
            w.flow.inc_failed.resize(w.metrics.incidents.len(), 0.0);
        }
        w.flow.inc_failed[i] += a;
        let r = &mut w.metrics.incidents[i];
        if a >= 1e-9 {
            if r.first_fail.is_none() {
                r.first_fail = Some(t0);
            }
            r.last_fail = t1;
        }
        r.failed = w.flow.inc_failed[i] as u64; // = floor(..) as u64 (NaN and < 0 give 0)
    }
    w.flow.eval = Some(scratch);
    windows(w, t0, t1, total_req, served, fail_total);
    w.flow.last = t1;
    sync_metrics(w);
}

/// One class over a segment of length `dt` from population `p0`: (∫P dt, P at the end, sessions
/// finished), in closed form. `last` keeps the last (exit rate, decay) pair: most classes share
/// one rate, so the exponential is computed once (the same bits).
fn class_step(
    p0: f64,
    (arrivals, hazard): (f64, f64),
    (tau, dt): (f64, f64),
    last: &mut Option<(f64, f64)>,
) -> (f64, f64, f64) {
    if tau < 1.0 {
        return (0.0, 0.0, arrivals * dt + p0);
    }
    if p0 == 0.0 && arrivals == 0.0 {
        // an empty class stays empty: the same zeros as below, without the exponential
        return (0.0, 0.0, 0.0);
    }
    let k = 1.0 / tau + hazard;
    let pinf = arrivals / k;
    let decay = match *last {
        Some((kk, d)) if kk.to_bits() == k.to_bits() => d,
        _ => {
            let d = libm::exp(-k * dt);
            *last = Some((k, d));
            d
        }
    };
    let p1 = pinf + (p0 - pinf) * decay;
    let integral = pinf * dt + (p0 - pinf) * (1.0 - decay) / k;
    (integral, p1, integral / tau)
}

/// Availability windows and series points over a constant-rate segment.
pub(super) fn windows(w: &mut World, t0: Time, t1: Time, req: f64, served: f64, _failed: f64) {
    let dt = (t1 - t0) as f64;
    let (rr, sr) = (req / dt, served / dt);
    let window = w.metrics.window;
    let thr = w.metrics.threshold;
    let mut t = t0;
    while t < t1 {
        let wend = w.metrics.win_start + window;
        if t1 < wend {
            let x = (t1 - t) as f64;
            w.flow.win_off += rr * x;
            w.flow.win_srv += sr * x;
            break;
        }
        let x = (wend - t) as f64;
        w.flow.win_off += rr * x;
        w.flow.win_srv += sr * x;
        close_window(w, wend, thr);
        t = wend;
        // whole windows inside the segment, up to the next series point
        let left = w.metrics.series_every - w.metrics.ser_count;
        let k = ((t1 - t) / window).min(left.saturating_sub(1));
        if k > 0 {
            let up = rr == 0.0 || sr >= thr * rr;
            w.metrics.windows_total += k;
            if up {
                w.metrics.windows_up += k;
            }
            w.metrics.ser_count += k;
            t += k * window;
            w.metrics.win_start = t;
        }
    }
}

pub(super) fn close_window(w: &mut World, end: Time, thr: f64) {
    let m = &mut w.metrics;
    m.windows_total += 1;
    if w.flow.win_off <= 0.0 || w.flow.win_srv >= thr * w.flow.win_off {
        m.windows_up += 1;
    }
    w.flow.win_off = 0.0;
    w.flow.win_srv = 0.0;
    m.win_start = end;
    m.ser_count += 1;
    if m.ser_count >= m.series_every {
        push_series(w, end);
    }
}

/// Pushes a series point from the cumulative floats (counts it in a lean run) and starts the
/// next one.
pub(super) fn push_series(w: &mut World, end: Time) {
    let lost_now = if w.metrics.lean {
        w.metrics.unkept[0] += 1;
        w.flow.cum_lost.iter().sum()
    } else {
        append_series_point(&w.flow, &mut w.metrics)
    };
    let m = &mut w.metrics;
    m.ser_start = end;
    m.ser_count = 0;
    let f = &mut w.flow;
    f.ser_base[0] = f.cum_served;
    for i in 0..NC {
        f.ser_base[2 + i] = f.cum_failed[i];
    }
    f.ser_lost_base = lost_now;
}

/// Appends to `m`'s series the point since the series' bases (a closed one, or the partial one a
/// report shows); returns the sessions lost so far, the next point's base.
pub(super) fn append_series_point(f: &FlowState, m: &mut Metrics) -> f64 {
    let served = floor_diff(f.cum_served, f.ser_base[0]) as f64;
    let mut failed = [0u64; NC];
    let mut fsum = 0.0;
    for (i, x) in failed.iter_mut().enumerate() {
        *x = floor_diff(f.cum_failed[i], f.ser_base[2 + i]);
        fsum += *x as f64;
    }
    let lost_now: f64 = f.cum_lost.iter().sum();
    m.s_t.push(super::super::time::secs(m.ser_start));
    m.s_served.push(served as u64);
    m.s_offered.push((served + fsum) as u64);
    m.s_failed.push(failed);
    m.s_lost.push(floor_diff(lost_now, f.ser_lost_base));
    m.s_p50.push(0.0);
    m.s_p95.push(0.0);
    m.s_p99.push(0.0);
    let active = m.sessions_active();
    m.s_active.push(active);
    lost_now
}

/// `(floor(a) − floor(b)).max(0) as u64`, the same value, in integers where both are in
/// [0, 2^52) (where the floors are exact and so is their difference).
#[inline(always)]
fn floor_diff(a: f64, b: f64) -> u64 {
    const LIM: f64 = 4_503_599_627_370_496.0;
    if (0.0..LIM).contains(&a) && (0.0..LIM).contains(&b) {
        ((a as i64) - (b as i64)).max(0) as u64
    } else {
        (floor(a) - floor(b)).max(0.0) as u64
    }
}

/// `libm::floor(x)`, the same bits, by two casts where `x` is positive and below 2^52 (a
/// cumulative count: the series take two floors per cause and point).
#[inline(always)]
fn floor(x: f64) -> f64 {
    if x > 0.0 && x < 4_503_599_627_370_496.0 {
        (x as u64) as f64
    } else {
        libm::floor(x)
    }
}

/// Integer counters in `Metrics` from the cumulative floats.
pub(super) fn sync_metrics(w: &mut World) {
    let f = &w.flow;
    let m = &mut w.metrics;
    m.served = count(f.cum_served);
    let mut failed_total = 0;
    for i in 0..NC {
        m.failed[i] = count(f.cum_failed[i]);
        failed_total += m.failed[i];
    }
    m.offered = m.served + failed_total;
    m.sessions_started = count(f.cum_started);
    let mut lost = 0;
    for i in 0..NL {
        m.sessions_lost[i] = count(f.cum_lost[i]);
        lost += m.sessions_lost[i];
    }
    if lost > m.sessions_started {
        m.sessions_started = lost;
    }
    m.sessions_finished = count(f.cum_finished).min(m.sessions_started - lost);
    m.writes_attempted = count(f.cum_writes);
    // the same writes summed in two orders: never more acknowledged than attempted
    m.writes_acked = count(f.cum_acked).min(m.writes_attempted);
}

/// A cumulative float as a count: its floor, capped at [`MAX_COUNT`] so that sums of a few
/// counts never overflow a `u64` (NaN counts as 0). A relative 1e-9 is added first: the same
/// integral summed over other segments (another component's events split time differently)
/// differs in its last bits, and an exact integer (1 session/s for 20 minutes) must not become
/// 1,199 in one run and 1,200 in the other (common random numbers: no server-side setting may
/// shift the offered traffic).
pub(super) fn count(x: f64) -> u64 {
    if x >= MAX_COUNT {
        MAX_COUNT as u64
    } else {
        // the floor (NaN and < 0 give 0); below 2^53 (1 + 1e-9) the signed cast is exact and
        // cheaper than the unsigned one
        ((x + 1e-9 * x.max(1.0)) as i64).max(0) as u64
    }
}

#[cfg(test)]
mod tests {
    use super::{count, floor_diff, MAX_COUNT};

    #[test]
    fn floor_diff_and_count_are_the_float_formulas_everywhere() {
        let xs = [
            0.0,
            -0.0,
            0.4,
            1.0,
            7.9,
            -3.5,
            1e15 + 0.5,
            4_503_599_627_370_495.0,
            4_503_599_627_370_496.0,
            1e300,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NAN,
        ];
        for a in xs {
            for b in xs {
                let want = (libm::floor(a) - libm::floor(b)).max(0.0) as u64;
                assert_eq!(floor_diff(a, b), want, "floor_diff({a}, {b})");
            }
            let want = if a >= MAX_COUNT {
                MAX_COUNT as u64
            } else {
                (a + 1e-9 * a.max(1.0)) as u64
            };
            assert_eq!(count(a), want, "count({a})");
        }
        assert_eq!(
            count(1199.9999999),
            1200,
            "an integer's last bits are forgiven"
        );
        let near = MAX_COUNT - 2.0;
        assert_eq!(count(near), (near + 1e-9 * near) as u64, "below the cap");
    }
}
