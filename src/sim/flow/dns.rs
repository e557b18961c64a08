//! Flow level, DNS: the decay of cached answers for withdrawn entries (per-client TTLs,
//! clients ignoring them) and the moves of entry pools when an entry is withdrawn.

use super::super::config::limits::{DNS_MAX_COHORTS, DNS_MIN_TICK, DNS_TICKS_PER_STALE_TTL};
use super::super::config::*;
use super::super::event::Event;
use super::super::flow_state::Class;
use super::super::state::World;
use super::super::time::Time;
use super::classes::{arrival_shares, listed_entries};

pub(super) fn ttl_pair(w: &World) -> Option<(Time, Time)> {
    match w.cfg.routing {
        RoutingCfg::Dns { ttl, stale_for, .. } => Some((ttl.max(1), ttl.max(stale_for).max(1))),
        _ => None,
    }
}

/// Clients whose cached answer for a withdrawn entry expired move to a listed entry.
pub(super) fn dns_decay(w: &mut World) {
    let Some((ttl, stale_ttl)) = ttl_pair(w) else {
        return;
    };
    let now = w.now;
    let tau = session_life(w);
    let ttls = [ttl, stale_ttl];
    let t = &w.cfg.traffic;
    let lambda = t.sessions_per_s * t.profile.factor(now) * w.spike / 1e6;
    let shares = arrival_shares(w);
    for e in 0..w.flow.pool.len() {
        let Some(t0) = w.flow.withdrawn_at[e] else {
            continue;
        };
        let site = w.cfg.components[w.cfg.entries[e] as usize].site;
        let dead = w.sites.get(site as usize).is_some_and(|s| s.down > 0);
        if w.listed[e] && !dead {
            w.flow.withdrawn_at[e] = None;
            if let Some(c) = w.flow.cohorts.get_mut(e) {
                c.iter_mut().for_each(|q| q.clear());
            }
            continue;
        }
        // while the dead entry is still listed, a client re-resolving may get it again
        let p_other = if w.listed[e] {
            let l = listed_entries(w);
            if l.contains(&(e as u32)) {
                (l.len() as f64 - 1.0) / l.len() as f64
            } else {
                1.0
            }
        } else {
            1.0
        };
        let last = w.flow.last_decay[e];
        let since = now.saturating_sub(last);
        let surv = if tau >= 1.0 {
            libm::exp(-(since as f64) / tau)
        } else {
            0.0
        };
        let mut moved = 0.0;
        let mut fresh = [0.0; 2];
        for (k, ttl_k) in ttls.into_iter().enumerate() {
            // sessions that held the answer before the outage: truncated-exponential cache ages
            let before = still_cached(last.saturating_sub(t0), ttl_k, tau);
            let after = still_cached(now.saturating_sub(t0), ttl_k, tau);
            let share = if before > 0.0 {
                1.0 - after / before
            } else {
                1.0
            };
            let old = w.flow.old[e][k] * surv;
            let expired = old * share.clamp(0.0, 1.0);
            w.flow.old[e][k] = old - expired;
            moved += expired * p_other;
            fresh[k] += expired * (1.0 - p_other);
            w.flow.pool[e][k] = (w.flow.pool[e][k] - expired * p_other).max(0.0);
            // new sessions that got the dead entry since the last tick
            if w.listed[e] {
                let share: f64 = shares
                    .iter()
                    .filter(|(c, _)| *c == Class::Pool(e as u32, k as u8))
                    .map(|(_, s)| *s)
                    .sum();
                fresh[k] += lambda * share * since as f64;
            }
        }
        // cohorts whose fresh answer expired now: each kind's queue is in expiry order
        if w.flow.cohorts.len() <= e {
            w.flow.cohorts.resize_with(e + 1, Default::default);
        }
        for (k, ttl_k) in ttls.into_iter().enumerate() {
            while let Some(&(expire, amount)) = w.flow.cohorts[e][k].front() {
                if expire > now {
                    break;
                }
                w.flow.cohorts[e][k].pop_front();
                let alive = if tau >= 1.0 {
                    amount * libm::exp(-(ttl_k as f64) / tau)
                } else {
                    0.0
                };
                moved += alive * p_other;
                fresh[k] += alive * (1.0 - p_other);
                let p = &mut w.flow.pool[e][k];
                *p = (*p - alive * p_other).max(0.0);
            }
        }
        for (k, f) in fresh.into_iter().enumerate() {
            if f > 0.0 {
                push_cohort(&mut w.flow.cohorts[e][k], now + ttls[k], ttls[k], f);
            }
        }
        w.flow.last_decay[e] = now;
        distribute_pool(w, moved, e as u32);
        let queued = |k: usize| !w.flow.cohorts[e][k].is_empty();
        let busy = w.flow.old[e].iter().any(|x| *x > 1e-6) || queued(0) || queued(1);
        if busy && now.saturating_sub(t0) < 100 * stale_ttl {
            // the normal clients' TTL sets the pace while they still have a part to play (the
            // entry is listed, or some still hold it); then only the stale clients' does
            let normal = w.listed[e] || w.flow.old[e][0] > 1e-6 || queued(0);
            let pace = if normal { ttl } else { stale_ttl };
            let next = now + decay_step(pace, stale_ttl);
            schedule_decay(w, next.max(now + 1));
        } else {
            w.flow.withdrawn_at[e] = None;
        }
    }
}

/// Asks for a DNS decay tick at `t` unless one is already due by then. Every tick decays every
/// entry, so one pending tick is enough: a tick per busy entry per tick would double the ticks
/// at each step with two entries withdrawn at once (a livelock found by `tests/robust.rs`).
pub(super) fn schedule_decay(w: &mut World, t: Time) {
    let due = w.flow.decay_at;
    if due > w.now && due <= t {
        return;
    }
    w.flow.decay_at = t;
    w.queue.push(t, Event::FlowTick);
}

/// Mean session lifetime in µs: the first request at arrival, then one every D/R.
pub(super) fn session_life(w: &World) -> f64 {
    let d = w.cfg.traffic.session_duration as f64;
    let r = w.cfg.traffic.requests_per_session.max(1.0);
    d * (r - 1.0) / r
}

/// Share of live sessions whose cached answer (TTL `ttl`, taken at the session's start and at
/// each expiry) has not expired `x` after a given moment: session ages are exponential with mean
/// `tau`, so the cache age is a truncated exponential on [0, ttl).
pub(super) fn still_cached(x: Time, ttl: Time, tau: f64) -> f64 {
    if x >= ttl {
        return 0.0;
    }
    let t = ttl as f64;
    if tau < 1.0 {
        return 1.0 - x as f64 / t;
    }
    let full = 1.0 - libm::exp(-t / tau);
    if full <= 0.0 {
        return 1.0 - x as f64 / t;
    }
    let expired = (libm::exp(-(t - x as f64) / tau) - libm::exp(-t / tau)) / full;
    (1.0 - expired).clamp(0.0, 1.0)
}

pub(super) fn step(t: Time) -> Time {
    (t / 16).max(1)
}

/// The interval between decay ticks for a TTL `pace`: a sixteenth of it, but at least
/// [`DNS_MIN_TICK`] and a [`DNS_TICKS_PER_STALE_TTL`]th of the longest TTL, so that a TTL of
/// 0 s or 1 ms cannot make the ticks of one withdrawal (which last at most 100 stale TTLs)
/// unbounded. A tick moves clients at most one interval late; the share of sessions this delays
/// is about interval / session life.
fn decay_step(pace: Time, stale_ttl: Time) -> Time {
    step(pace)
        .max(DNS_MIN_TICK)
        .max(stale_ttl / DNS_TICKS_PER_STALE_TTL)
}

/// Queues `amount` clients whose fresh answer expires at `expire`, merged into the last cohort
/// when that one expires less than a [`DNS_MAX_COHORTS`]th of the TTL earlier: a queue holds at
/// most that many cohorts however often the ticks come.
fn push_cohort(
    q: &mut std::collections::VecDeque<(Time, f64)>,
    expire: Time,
    ttl: Time,
    amount: f64,
) {
    let grain = ttl / DNS_MAX_COHORTS as Time;
    if let Some(last) = q.back_mut() {
        if expire.saturating_sub(last.0) < grain {
            last.1 += amount;
            return;
        }
    }
    q.push_back((expire, amount));
}

pub(super) fn distribute_pool(w: &mut World, amount: f64, from: u32) {
    if amount <= 0.0 {
        return;
    }
    let targets: Vec<u32> = listed_entries(w)
        .into_iter()
        .filter(|e| *e != from)
        .collect();
    if targets.is_empty() {
        if let Some(p) = w.flow.pool.get_mut(from as usize) {
            p[0] += amount;
        }
        return;
    }
    let each = amount / targets.len() as f64;
    for e in targets {
        w.flow.pool[e as usize][0] += each;
    }
}
