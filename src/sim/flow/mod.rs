//! Flow level: between state changes, traffic is a rate and sessions are populations.
//!
//! The fault, detection and failover machinery is the request level's (same events, same
//! handlers in `world.rs`); only clients, requests and queues are replaced. Between two events the
//! state is constant, so every request of a session class meets the same fate: the fractions
//! served and failed by cause are computed once per segment by walking the class's path, and the
//! populations follow dP/dt = λ − P/τ, integrated in closed form. Counts are cumulative floats,
//! reported as their floors, so `offered = served + failed` holds exactly.

use super::config::*;
use super::metrics::{Cause, Loss, NC, NL};
use super::time::Time;
pub mod data;

use super::event::Event;
use super::limits::{FLOW_TICK as TICK, MAX_EXACT_COUNT as MAX_COUNT};
use super::policy::{effective_hit_ratio, lb_eligible, pair_dead_cause, service_mean, Light};
use super::state::World;
use super::topology::Hop;
use data::{Bufs, Class, EvalScratch};



pub fn start(w: &mut World) {
    let n_entries = w.cfg.entries.len();
    w.flow.pop = vec![0.0; w.nodes.len()];
    w.flow.pool = vec![[0.0; 2]; n_entries];
    w.flow.withdrawn_at = vec![None; n_entries];
    w.flow.old = vec![[0.0; 2]; n_entries];
    w.flow.last_decay = vec![0; n_entries];
    w.flow.db_write_rate = vec![0.0; w.comps.len()];
    w.flow.app_hop = w
        .paths
        .iter()
        .map(|p| {
            p.iter()
                .find(|h| matches!(w.cfg.components[h.comp as usize].kind, KindCfg::App { .. }))
                .map(|h| (h.comp, h.alt))
        })
        .collect();
    w.flow.dbs_of_entry = w
        .paths
        .iter()
        .map(|p| {
            p.iter()
                .filter(|h| matches!(w.cfg.components[h.comp as usize].kind, KindCfg::Database(_)))
                .map(|h| h.comp)
                .collect()
        })
        .collect();
    for t in w.cfg.traffic.profile.change_points() {
        if t < w.cfg.horizon {
            w.queue.push(t, Event::FlowTick);
        }
    }
    if matches!(w.cfg.traffic.profile, ProfileCfg::Daily { .. }) {
        w.queue.push(TICK, Event::FlowTick);
        w.flow.next_daily = TICK;
    }
}

/// A periodic re-evaluation (profiles, DNS cache expiry).
pub fn tick(w: &mut World) {
    if matches!(w.cfg.traffic.profile, ProfileCfg::Daily { .. }) && w.now >= w.flow.next_daily {
        let next = w.now + TICK;
        w.flow.next_daily = next;
        if next < w.cfg.horizon {
            w.queue.push(next, Event::FlowTick);
        }
    }
    dns_decay(w);
}

fn ttl_pair(w: &World) -> Option<(Time, Time)> {
    match w.cfg.routing {
        RoutingCfg::Dns { ttl, stale_for, .. } => Some((ttl.max(1), ttl.max(stale_for).max(1))),
        _ => None,
    }
}

/// Clients whose cached answer for a withdrawn entry expired move to a listed entry.
fn dns_decay(w: &mut World) {
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
            w.flow.cohorts.retain(|c| c.0 as usize != e);
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
        // cohorts whose fresh answer expired now
        let mut i = 0;
        while i < w.flow.cohorts.len() {
            let (ce, ck, expire, amount) = w.flow.cohorts[i];
            if ce as usize == e && expire <= now {
                w.flow.cohorts.swap_remove(i);
                let ttl_k = ttls[ck as usize];
                let alive = if tau >= 1.0 {
                    amount * libm::exp(-(ttl_k as f64) / tau)
                } else {
                    0.0
                };
                moved += alive * p_other;
                fresh[ck as usize] += alive * (1.0 - p_other);
                let p = &mut w.flow.pool[e][ck as usize];
                *p = (*p - alive * p_other).max(0.0);
            } else {
                i += 1;
            }
        }
        for (k, f) in fresh.into_iter().enumerate() {
            if f > 0.0 {
                w.flow.cohorts.push((e as u32, k as u8, now + ttls[k], f));
            }
        }
        w.flow.last_decay[e] = now;
        distribute_pool(w, moved, e as u32);
        let busy = w.flow.old[e].iter().any(|x| *x > 1e-6)
            || w.flow.cohorts.iter().any(|c| c.0 as usize == e);
        if busy && now.saturating_sub(t0) < 100 * stale_ttl {
            let next = now + step(ttl).min(step(stale_ttl));
            schedule_decay(w, next.max(now + 1));
        } else {
            w.flow.withdrawn_at[e] = None;
        }
    }
}

/// Asks for a DNS decay tick at `t` unless one is already due by then. Every tick decays every
/// entry, so one pending tick is enough: a tick per busy entry per tick would double the ticks
/// at each step with two entries withdrawn at once (a livelock found by `tests/robust.rs`).
fn schedule_decay(w: &mut World, t: Time) {
    let due = w.flow.decay_at;
    if due > w.now && due <= t {
        return;
    }
    w.flow.decay_at = t;
    w.queue.push(t, Event::FlowTick);
}

/// Mean session lifetime in µs: the first request at arrival, then one every D/R.
fn session_life(w: &World) -> f64 {
    let d = w.cfg.traffic.session_duration as f64;
    let r = w.cfg.traffic.requests_per_session.max(1.0);
    d * (r - 1.0) / r
}

/// Share of live sessions whose cached answer (TTL `ttl`, taken at the session's start and at
/// each expiry) has not expired `x` after a given moment: session ages are exponential with mean
/// `tau`, so the cache age is a truncated exponential on [0, ttl).
fn still_cached(x: Time, ttl: Time, tau: f64) -> f64 {
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

fn step(t: Time) -> Time {
    (t / 16).max(1)
}

fn listed_entries(w: &World) -> Vec<u32> {
    listed_entries_iter(w).collect()
}

/// The entries new sessions can resolve to, in order (no allocation).
fn listed_entries_iter(w: &World) -> impl Iterator<Item = u32> + '_ {
    let (single, aa) = match w.cfg.routing {
        RoutingCfg::Single => (
            Some(
                w.single_entry
                    .min(w.cfg.entries.len().saturating_sub(1) as u32),
            ),
            false,
        ),
        RoutingCfg::Dns { active_active, .. } | RoutingCfg::Bgp { active_active, .. } => {
            (None, active_active)
        }
    };
    let listed = (0..w.listed.len() as u32)
        .filter(move |e| single.is_none() && w.listed[*e as usize])
        .take(if aa { usize::MAX } else { 1 });
    single.into_iter().chain(listed)
}

fn distribute_pool(w: &mut World, amount: f64, from: u32) {
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

/// Global routing or a planned change altered the state.
pub fn changed(w: &mut World) {
    let now = w.now;
    for e in 0..w.listed.len() {
        let site = w.cfg.components[w.cfg.entries[e] as usize].site;
        let dead = w.sites.get(site as usize).is_some_and(|s| s.down > 0);
        if dead && w.listed[e] && w.flow.withdrawn_at[e].is_none() {
            if let Some((ttl, _)) = ttl_pair(w) {
                w.flow.withdrawn_at[e] = Some(now);
                w.flow.old[e] = w.flow.pool[e];
                w.flow.last_decay[e] = now;
                schedule_decay(w, now + step(ttl));
            }
        }
        if !w.listed[e] && matches!(w.cfg.routing, RoutingCfg::Bgp { .. }) {
            // Sessions that arrived on a dead node before the health checks noticed never got
            // a home (their requests failed): withdrawn, they re-route like the entry's pool.
            if let Some(Some((c, a))) = w.flow.app_hop.get(e).copied() {
                for cc in [c, a] {
                    let Some(cs) = w.comps.get(cc as usize) else {
                        continue;
                    };
                    for n in cs.first..cs.first + cs.count {
                        let p = w.flow.pop[n as usize];
                        if p > 0.0 && !w.nodes[n as usize].alive() {
                            w.flow.pop[n as usize] = 0.0;
                            w.flow.pool[e][0] += p;
                        }
                    }
                }
            }
        }
        if !w.listed[e] && w.flow.pool.get(e).is_some_and(|p| p[0] + p[1] > 0.0) {
            match w.cfg.routing {
                RoutingCfg::Bgp { .. } => {
                    let m = w.flow.pool[e][0] + w.flow.pool[e][1];
                    w.flow.pool[e] = [0.0; 2];
                    distribute_pool(w, m, e as u32);
                }
                RoutingCfg::Dns { .. } => {
                    if w.flow.withdrawn_at[e].is_none() {
                        w.flow.withdrawn_at[e] = Some(now);
                        w.flow.old[e] = w.flow.pool[e];
                        w.flow.last_decay[e] = now;
                        if let Some((ttl, _)) = ttl_pair(w) {
                            schedule_decay(w, now + step(ttl));
                        }
                    }
                }
                RoutingCfg::Single => {
                    let m = w.flow.pool[e][0] + w.flow.pool[e][1];
                    w.flow.pool[e] = [0.0; 2];
                    distribute_pool(w, m, e as u32);
                }
            }
        }
    }
    if w.dns_down == 0 && w.flow.unresolved > 0.0 {
        let m = w.flow.unresolved;
        w.flow.unresolved = 0.0;
        distribute_new(w, m);
    }
}

/// Places `amount` sessions as new ones would be placed now.
fn distribute_new(w: &mut World, amount: f64) {
    let shares = arrival_shares(w);
    for (class, s) in shares {
        match class {
            Class::Node(n) => w.flow.pop[n as usize] += amount * s,
            Class::Pool(e, k) => w.flow.pool[e as usize][k as usize] += amount * s,
            Class::Unresolved => w.flow.unresolved += amount * s,
        }
    }
}


/// The nodes of a cluster (and its sibling) that take new sessions, in order.
fn new_session_nodes(w: &World, comp: u32, alt: u32) -> impl Iterator<Item = u32> + '_ {
    [comp, alt]
        .into_iter()
        .filter(|c| *c != NONE)
        .flat_map(move |c| {
            let cs = &w.comps[c as usize];
            cs.first..cs.first + cs.count
        })
        .filter(move |n| lb_eligible(&w.nodes[*n as usize], true))
}

/// Where new sessions go now, with shares summing to 1.
fn arrival_shares(w: &World) -> Vec<(Class, f64)> {
    let mut out = Vec::new();
    arrival_shares_into(w, &mut out);
    out
}

/// `arrival_shares` into a reused buffer (the same shares in the same order).
fn arrival_shares_into(w: &World, out: &mut Vec<(Class, f64)>) {
    out.clear();
    if w.cfg.entries.is_empty() {
        out.push((Class::Pool(0, 0), 0.0));
        return;
    }
    if w.dns_down > 0 {
        out.push((Class::Unresolved, 1.0));
        return;
    }
    let n_entries = listed_entries_iter(w).count();
    if n_entries == 0 {
        out.push((Class::Pool(0, 0), 1.0));
        return;
    }
    let stale = match w.cfg.routing {
        RoutingCfg::Dns { stale_share, .. } => stale_share,
        _ => 0.0,
    };
    let per = 1.0 / n_entries as f64;
    for e in listed_entries_iter(w) {
        let site = w.cfg.components[w.cfg.entries[e as usize] as usize].site;
        let site_down = w.sites.get(site as usize).is_some_and(|s| s.down > 0);
        let hop = match w.flow.app_hop.get(e as usize).copied().flatten() {
            Some(h) if !site_down => Some(h),
            _ => None,
        };
        let m = hop.map_or(0, |(c, a)| new_session_nodes(w, c, a).count());
        match hop {
            Some((c, a)) if m > 0 => {
                let each = per / m as f64;
                out.extend(new_session_nodes(w, c, a).map(|n| (Class::Node(n), each)));
            }
            _ => {
                out.push((Class::Pool(e, 0), per * (1.0 - stale)));
                if stale > 0.0 {
                    out.push((Class::Pool(e, 1), per * stale));
                }
            }
        }
    }
}

/// What happens to the requests of one class: rates per µs.
#[derive(Clone, Debug, Default)]
struct Fate {
    served: f64,
    acked: f64,
    fail: [f64; NC],
    incs: Vec<(u32, f64)>,
}

impl Fate {
    pub(crate) fn fail(&mut self, cause: Cause, inc: u32, amount: f64) {
        if amount <= 0.0 {
            return;
        }
        self.fail[cause as usize] += amount;
        if let Some(e) = self.incs.iter_mut().find(|x| x.0 == inc) {
            e.1 += amount;
        } else {
            self.incs.push((inc, amount));
        }
    }
}

fn service_rate(w: &World, n: u32) -> f64 {
    let c = w.nodes[n as usize].comp as usize;
    node_service_rate(w, n, base_service_mean(w, c))
}

/// A component's mean service time before a node's added latency.
fn base_service_mean(w: &World, c: usize) -> f64 {
    service_mean(&w.cfg.components[c], w.comps[c].count)
}

fn node_service_rate(w: &World, n: u32, base_mean: f64) -> f64 {
    let mean = base_mean + w.nodes[n as usize].added as f64;
    if mean <= 0.0 {
        return f64::INFINITY;
    }
    f64::from(w.effective_workers(n)) / mean
}


/// Walks an entry's path for requests of total rate `rate` from a session homed on `home`, in
/// the state that holds at time `at`.
#[allow(clippy::too_many_arguments)]
fn walk(
    w: &World,
    at: Time,
    entry: u32,
    home: u32,
    rate: f64,
    loads: &mut [f64],
    ovl: &[f64],
    fate: &mut Fate,
    bufs: &mut Bufs,
) {
    let Bufs {
        elig,
        dist,
        alive: alive_elig,
    } = bufs;
    let ws = w.cfg.traffic.write_share;
    let idem = w.cfg.traffic.idempotent_share;
    let mut wr = rate * (1.0 - ws);
    let mut ww = rate * ws;
    let comp = w.cfg.entries[entry as usize];
    let site = w.cfg.components[comp as usize].site;
    if let Some(st) = w.sites.get(site as usize) {
        if st.down > 0 {
            let dns = matches!(w.cfg.routing, RoutingCfg::Dns { .. }) && !w.listed[entry as usize];
            let cause = if dns {
                Cause::DnsStale
            } else {
                Cause::SiteDown
            };
            fate.fail(cause, st.inc, wr + ww);
            return;
        }
    }
    let path = &w.paths[entry as usize];
    let mut prev_site = NONE;
    let mut prev_comp = NONE;
    let mut rejoin: Option<(usize, f64)> = None;
    let mut i = 0usize;
    while i < path.len() {
        if let Some((at, amount)) = rejoin {
            if at == i {
                wr += amount;
                rejoin = None;
            }
        }
        let hop = path[i];
        let c = hop.comp as usize;
        let site = w.cfg.components[c].site;
        if prev_site != NONE && site != NONE && prev_site != site {
            if let Some(inc) = w.cut(prev_site, site, prev_comp, hop.comp) {
                fate.fail(Cause::Partition, inc, wr + ww);
                if let Some((_, a)) = rejoin {
                    fate.fail(Cause::Partition, inc, a);
                }
                return;
            }
        }
        let mut node_site = site;
        match w.cfg.components[c].kind.clone_light() {
            Light::Skip => {}
            Light::Cache(hit, replicated) => {
                let (alive, total) = w.alive_count(c);
                if alive == 0 && w.cfg.components[c].required {
                    // the components before it cannot serve without it
                    let inc = w.comps[c].last_inc;
                    fate.fail(Cause::NoHealthyBackend, inc, wr + ww);
                    if let Some((_, a)) = rejoin {
                        fate.fail(Cause::NoHealthyBackend, inc, a);
                    }
                    return;
                }
                let eff = effective_hit_ratio(hit, replicated, alive, total);
                let hits = wr * eff;
                if hits > 0.0 && alive > 0 {
                    let cs = &w.comps[c];
                    for k in 0..cs.count {
                        let n = cs.first + k;
                        if w.nodes[n as usize].alive() {
                            loads[n as usize] += hits / f64::from(alive);
                        }
                    }
                    wr -= hits;
                    let skip = hop.skip as usize;
                    if skip >= path.len() {
                        fate.served += hits;
                    } else {
                        rejoin = Some((skip, hits + rejoin.map(|x| x.1).unwrap_or(0.0)));
                    }
                }
            }
            Light::Db => {
                let db = &w.comps[c].db;
                if !db.available || db.switching {
                    fate.fail(Cause::DatabaseUnavailable, db.inc, wr + ww);
                    return;
                }
                if db.corrupt {
                    fate.fail(Cause::InjectedError, db.inc, wr + ww);
                    return;
                }
                if let Some(KindCfg::Database(cfg)) = w.cfg.components.get(c).map(|x| &x.kind) {
                    if cfg.sync {
                        if let Some(inc) = w.repl_cut(c) {
                            // until the primary drops the unreachable replica (`integrate`
                            // splits a segment at that moment)
                            let fenced = match (cfg.fence, db.cut_since) {
                                (Some(f), Some(since)) => at >= since.saturating_add(f),
                                _ => false,
                            };
                            if !fenced {
                                fate.fail(Cause::Partition, inc, ww);
                                ww = 0.0;
                            }
                        }
                    }
                }
                let n = w.comps[c].first + db.primary;
                node_site = w.nodes[n as usize].site;
                loads[n as usize] += wr + ww;
                let o = ovl[n as usize];
                fate.fail(Cause::Overload, NONE, (wr + ww) * o);
                wr *= 1.0 - o;
                ww *= 1.0 - o;
            }
            Light::Pair => {
                let cs = &w.comps[c];
                let n = cs.first + cs.active.min(cs.count.saturating_sub(1));
                let nd = &w.nodes[n as usize];
                if cs.count == 0 || !nd.alive() {
                    let other = (0..cs.count).any(|k| w.nodes[(cs.first + k) as usize].alive());
                    let cause = pair_dead_cause(other, cs.takeover_pending);
                    fate.fail(cause, nd.inc, wr + ww);
                    return;
                }
                loads[n as usize] += wr + ww;
                let o = ovl[n as usize];
                fate.fail(Cause::Overload, NONE, (wr + ww) * o);
                wr *= 1.0 - o;
                ww *= 1.0 - o;
            }
            Light::Tier => {
                let router = &w.cfg.components[c].router;
                let home_here = home != NONE && {
                    let hc = w.nodes[home as usize].comp;
                    hc == hop.comp || hc == hop.alt
                };
                let sticky_home =
                    home_here && router.sticky && lb_eligible(&w.nodes[home as usize], false);
                dist.clear();
                alive_elig.clear();
                if sticky_home {
                    // one node takes it all: the tier's other nodes matter only for an LB retry
                    // away from a dead home (listing them for every homed class would make an
                    // evaluation quadratic in the cluster's size)
                    dist.push((home, 1.0));
                    if !w.nodes[home as usize].alive() && router.retry_idempotent {
                        eligible_nodes(w, hop, elig);
                        alive_nodes(w, elig, alive_elig);
                    }
                } else {
                    eligible_nodes(w, hop, elig);
                    if elig.is_empty() {
                        fate.fail(Cause::NoHealthyBackend, w.comps[c].last_inc, wr + ww);
                        return;
                    }
                    let s = 1.0 / elig.len() as f64;
                    dist.extend(elig.iter().map(|n| (*n, s)));
                    alive_nodes(w, elig, alive_elig);
                }
                // request level retries an injected error only on web, app and store nodes
                let lb_retry_on_error = router.retry_idempotent
                    && matches!(
                        w.cfg.components[c].kind,
                        KindCfg::Web | KindCfg::App { .. } | KindCfg::Store { .. }
                    );
                let (mut nr, mut nw) = (0.0, 0.0);
                for &(n, s) in dist.iter() {
                    let nd = &w.nodes[n as usize];
                    let (mut r, mut wv) = (wr * s, ww * s);
                    if !nd.alive() {
                        if router.retry_idempotent && !alive_elig.is_empty() {
                            let retried = r * idem;
                            r -= retried;
                            let each = retried / alive_elig.len() as f64;
                            for m in alive_elig.iter() {
                                loads[*m as usize] += each;
                            }
                            nr += retried;
                        }
                        fate.fail(Cause::DetectionWindow, nd.inc, r + wv);
                        continue;
                    }
                    if nd.hung > 0 {
                        fate.fail(Cause::Timeout, nd.inc, r + wv);
                        continue;
                    }
                    loads[n as usize] += r + wv;
                    let o = ovl[n as usize];
                    fate.fail(Cause::Overload, NONE, (r + wv) * o);
                    r *= 1.0 - o;
                    wv *= 1.0 - o;
                    if nd.err_rate > 0.0 {
                        let e = nd.err_rate;
                        let mut failed = (r + wv) * e;
                        if lb_retry_on_error {
                            // as at request level: an idempotent read answered with an error is
                            // sent once to another node, where that node's own errors apply
                            if alive_elig.is_empty() {
                                eligible_nodes(w, hop, elig);
                                alive_nodes(w, elig, alive_elig);
                            }
                            let others = alive_elig.iter().filter(|m| **m != n).count();
                            if others > 0 {
                                let retried = r * e * idem;
                                failed -= retried;
                                let each = retried / others as f64;
                                for &m in alive_elig.iter().filter(|m| **m != n) {
                                    let om = &w.nodes[m as usize];
                                    loads[m as usize] += each;
                                    fate.fail(Cause::InjectedError, om.err_inc, each * om.err_rate);
                                    nr += each * (1.0 - om.err_rate);
                                }
                            }
                        }
                        fate.fail(Cause::InjectedError, nd.err_inc, failed);
                        r *= 1.0 - e;
                        wv *= 1.0 - e;
                    }
                    nr += r;
                    nw += wv;
                }
                wr = nr;
                ww = nw;
            }
        }
        prev_site = node_site;
        prev_comp = hop.comp;
        i += 1;
    }
    if let Some((_, a)) = rejoin {
        wr += a;
    }
    fate.served += wr + ww;
    fate.acked += ww;
}

/// The nodes the LB of a tier may send a request to: serving, marked up, not taken out; nodes
/// being drained only when nothing else is left.
fn eligible_nodes(w: &World, hop: Hop, elig: &mut Vec<u32>) {
    elig.clear();
    for allow_drained in [false, true] {
        for cc in [hop.comp, hop.alt] {
            if cc == NONE {
                continue;
            }
            let cs = &w.comps[cc as usize];
            for k in 0..cs.count {
                let n = cs.first + k;
                if lb_eligible(&w.nodes[n as usize], !allow_drained) {
                    elig.push(n);
                }
            }
        }
        if !elig.is_empty() {
            break;
        }
    }
}

/// Of `elig`, the nodes that answer (alive, not hung): where an LB retry lands.
fn alive_nodes(w: &World, elig: &[u32], out: &mut Vec<u32>) {
    out.clear();
    out.extend(
        elig.iter()
            .copied()
            .filter(|n| w.nodes[*n as usize].alive() && w.nodes[*n as usize].hung == 0),
    );
}

/// A class of sessions with its population and where its new sessions arrive.
struct ClassRate {
    class: Class,
    entry: u32,
    home: u32,
    /// New sessions per µs.
    arrivals: f64,
    /// Extra loss hazard per µs (no affinity, no replication).
    hazard: f64,
    fate: Fate,
}

fn classes(w: &World, at: Time, shares: &mut Vec<(Class, f64)>) -> Vec<ClassRate> {
    let t = &w.cfg.traffic;
    let lambda = t.sessions_per_s * t.profile.factor(at) * w.spike / 1e6;
    arrival_shares_into(w, shares);
    let shares = &*shares;
    let mut out: Vec<ClassRate> = Vec::with_capacity(w.nodes.len() + 2 * w.paths.len() + 1);
    let arrivals = |c: Class| {
        shares
            .iter()
            .filter(|(x, _)| *x == c)
            .map(|(_, s)| s * lambda)
            .sum::<f64>()
    };
    // new sessions per node, summed in the order of `shares` (one pass, not one per node)
    let mut node_arrivals = vec![0.0; w.nodes.len()];
    for (x, s) in shares {
        if let Class::Node(n) = x {
            node_arrivals[*n as usize] += s * lambda;
        }
    }
    // a cluster reached from several entries gets its classes once, under the first entry
    let mut done: Vec<u32> = Vec::new();
    let per_session = t.requests_per_session.max(1.0) / (t.session_duration.max(1) as f64);
    for (e, hop) in w.flow.app_hop.iter().enumerate() {
        if let Some((c, a)) = hop {
            // the nodes open to new sessions: the same for both clusters of the hop
            let mut m = None;
            for cc in [*c, *a] {
                if cc == NONE || done.contains(&cc) {
                    continue;
                }
                done.push(cc);
                let cs = &w.comps[cc as usize];
                let sticky = w.cfg.components[cc as usize].router.sticky;
                let repl = match w.cfg.components[cc as usize].kind {
                    KindCfg::App { replication, .. } => replication,
                    _ => Repl::None,
                };
                let m = *m.get_or_insert_with(|| new_session_nodes(w, *c, *a).count() as f64);
                let hazard = if !sticky && repl == Repl::None && m > 1.0 {
                    per_session * (m - 1.0) / m
                } else {
                    0.0
                };
                for k in 0..cs.count {
                    let n = cs.first + k;
                    out.push(ClassRate {
                        class: Class::Node(n),
                        entry: e as u32,
                        home: n,
                        arrivals: node_arrivals[n as usize],
                        hazard,
                        fate: Fate::default(),
                    });
                }
            }
        }
        for k in 0..2u8 {
            out.push(ClassRate {
                class: Class::Pool(e as u32, k),
                entry: e as u32,
                home: NONE,
                arrivals: arrivals(Class::Pool(e as u32, k)),
                hazard: 0.0,
                fate: Fate::default(),
            });
        }
    }
    out.push(ClassRate {
        class: Class::Unresolved,
        entry: 0,
        home: NONE,
        arrivals: arrivals(Class::Unresolved),
        hazard: 0.0,
        fate: Fate::default(),
    });
    out
}

fn population(w: &World, c: Class) -> f64 {
    match c {
        Class::Node(n) => w.flow.pop[n as usize],
        Class::Pool(e, k) => w
            .flow
            .pool
            .get(e as usize)
            .map(|p| p[k as usize])
            .unwrap_or(0.0),
        Class::Unresolved => w.flow.unresolved,
    }
}

fn set_population(w: &mut World, c: Class, v: f64) {
    match c {
        Class::Node(n) => w.flow.pop[n as usize] = v,
        Class::Pool(e, k) => {
            if let Some(p) = w.flow.pool.get_mut(e as usize) {
                p[k as usize] = v;
            }
        }
        Class::Unresolved => w.flow.unresolved = v,
    }
}

/// Fates of every class under the current state (two passes: loads, then overload).
///
/// Two shortcuts, both exact (they give the same bits as walking every class twice):
/// - the load pass only decides which nodes are overloaded; when a safe upper bound of every
///   node's load (each entry's request rate times the times its path visits the node's
///   component) stays below the node's capacity, no node is overloaded and the pass is skipped;
/// - in the fate pass every class walks at rate 1, so classes with the same entry and the same
///   effective home (the home only matters on a sticky tier of its cluster) share one walk.
fn evaluate(w: &World, at: Time, scratch: &mut EvalScratch) -> Vec<ClassRate> {
    let mut cls = classes(w, at, &mut scratch.shares);
    let per_session = w.cfg.traffic.requests_per_session.max(1.0)
        / (w.cfg.traffic.session_duration.max(1) as f64);
    let n = w.nodes.len();
    let EvalScratch {
        loads,
        ovl,
        bound,
        bufs,
        fates,
        ..
    } = scratch;
    ovl.clear();
    ovl.resize(n, 0.0);
    if !w.cfg.entries.is_empty() && !no_overload_possible(w, &cls, per_session, bound) {
        loads.clear();
        loads.resize(n, 0.0);
        let zero = vec![0.0; n];
        for c in cls.iter_mut() {
            let p = population(w, c.class);
            // requests per µs: sessions × per-session rate (first requests of arrivals included)
            let rate = p * per_session + c.arrivals;
            if c.class == Class::Unresolved {
                continue;
            }
            let mut f = Fate::default();
            walk(w, at, c.entry, c.home, rate, loads, &zero, &mut f, bufs);
        }
        for (i, o) in ovl.iter_mut().enumerate() {
            let cap = service_rate(w, i as u32);
            if loads[i] > cap && loads[i] > 0.0 {
                *o = 1.0 - cap / loads[i];
            }
        }
    }
    loads.clear();
    loads.resize(n, 0.0);
    fates.clear();
    for i in 0..cls.len() {
        let (done, rest) = cls.split_at_mut(i);
        let c = &mut rest[0];
        if c.class == Class::Unresolved {
            c.fate.fail(Cause::DnsFailure, w.dns_inc, 1.0);
        } else if w.cfg.entries.is_empty() {
            c.fate.fail(Cause::NoHealthyBackend, NONE, 1.0);
        } else {
            let key = (c.entry, effective_home(w, c.entry, c.home));
            if let Some(j) = fates.get(&key) {
                c.fate.clone_from(&done[*j].fate);
            } else {
                walk(w, at, c.entry, c.home, 1.0, loads, ovl, &mut c.fate, bufs);
                fates.insert(key, i);
            }
        }
    }
    cls
}


/// `home` if it can change a walk of `entry`'s path (a sticky tier of its cluster), else NONE.
fn effective_home(w: &World, entry: u32, home: u32) -> u32 {
    if home == NONE {
        return NONE;
    }
    let hc = w.nodes[home as usize].comp;
    let matters = w.paths[entry as usize]
        .iter()
        .any(|h| (h.comp == hc || h.alt == hc) && w.cfg.components[h.comp as usize].router.sticky);
    if matters {
        home
    } else {
        NONE
    }
}

/// True when no node can be overloaded: in one walk at rate r a node takes at most r per visit
/// of its component (shares, cache hits and retries only split the rate), so its load is at
/// most the sum over entries of (the entry's rate × visits); a margin covers rounding.
fn no_overload_possible(
    w: &World,
    cls: &[ClassRate],
    per_session: f64,
    bound: &mut Vec<f64>,
) -> bool {
    bound.clear();
    bound.resize(w.comps.len(), 0.0);
    // each entry's request rate, summed in class order (one pass over the classes)
    let mut rates = vec![0.0; w.paths.len()];
    for c in cls {
        if c.class != Class::Unresolved {
            let r = population(w, c.class) * per_session + c.arrivals;
            if !(r >= 0.0 && r.is_finite()) {
                return false;
            }
            if let Some(x) = rates.get_mut(c.entry as usize) {
                *x += r;
            }
        }
    }
    for (e, rate) in rates.into_iter().enumerate() {
        for h in &w.paths[e] {
            for c in [h.comp, h.alt] {
                if c != NONE {
                    bound[c as usize] += rate;
                }
            }
        }
    }
    // nodes come grouped by component: its base service mean is computed once per group
    let mut base: Option<(u32, f64)> = None;
    w.nodes.iter().enumerate().all(|(i, nd)| {
        let b = bound[nd.comp as usize] * (1.0 + 1e-6);
        if !b.is_finite() {
            return false;
        }
        let mean = match base {
            Some((c, m)) if c == nd.comp => m,
            _ => {
                let m = base_service_mean(w, nd.comp as usize);
                base = Some((nd.comp, m));
                m
            }
        };
        b < node_service_rate(w, i as u32, mean)
    })
}

/// Integrates (last, now] under the state that held during it. The state changes without an
/// event only where a sync primary drops an unreachable replica (`fence_unreachable`): the
/// interval is integrated in pieces split there.
pub fn integrate(w: &mut World) {
    let t1 = w.now.min(w.cfg.horizon);
    while let Some(d) = next_fence(w, w.flow.last, t1) {
        let now = w.now;
        w.now = d;
        integrate_segment(w);
        w.now = now;
    }
    integrate_segment(w);
}

/// The first moment in (t0, t1) at which a sync primary cut from a replica drops it.
fn next_fence(w: &World, t0: Time, t1: Time) -> Option<Time> {
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
fn integrate_segment(w: &mut World) {
    let t0 = w.flow.last;
    let t1 = w.now.min(w.cfg.horizon);
    if t1 <= t0 {
        return;
    }
    // the profile factor at the segment's midpoint (exact for steps, 2nd order for curves)
    let mut scratch = std::mem::take(&mut w.flow.eval);
    let cls = evaluate(w, t0 + (t1 - t0) / 2, &mut scratch);
    w.flow.eval = scratch;
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
    let mut incs: Vec<(u32, f64)> = Vec::new();
    let mut started = 0.0;
    let mut finished = 0.0;
    let mut lost_aff = 0.0;
    let dt = (t1 - t0) as f64;
    for c in &cls {
        let p0 = population(w, c.class);
        let (integral, p1, fin) = if tau < 1.0 {
            (0.0, 0.0, c.arrivals * dt + p0)
        } else if p0 == 0.0 && c.arrivals == 0.0 {
            // an empty class stays empty: the same zeros as below, without the exponential
            (0.0, 0.0, 0.0)
        } else {
            let k = 1.0 / tau + c.hazard;
            let pinf = c.arrivals / k;
            let decay = libm::exp(-k * dt);
            let p1 = pinf + (p0 - pinf) * decay;
            let integral = pinf * dt + (p0 - pinf) * (1.0 - decay) / k;
            (integral, p1, integral / tau)
        };
        set_population(w, c.class, p1);
        started += c.arrivals * dt;
        finished += fin;
        lost_aff += integral * c.hazard;
        let req = integral * per_session + c.arrivals * dt;
        total_req += req;
        served += req * c.fate.served;
        acked += req * c.fate.acked;
        for (i, f) in failed.iter_mut().enumerate() {
            *f += req * c.fate.fail[i];
        }
        for (inc, a) in &c.fate.incs {
            if let Some(e) = incs.iter_mut().find(|x| x.0 == *inc) {
                e.1 += req * a;
            } else {
                incs.push((*inc, req * a));
            }
        }
        if c.class != Class::Unresolved && !w.cfg.entries.is_empty() {
            // acknowledged writes by database (for lost-write estimates)
            let rate = (p1 * per_session + c.arrivals) * c.fate.acked;
            if let Some(dbs) = w.flow.dbs_of_entry.get(c.entry as usize) {
                for ci in dbs {
                    w.flow.db_write_rate[*ci as usize] += rate;
                }
            }
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
    for (inc, a) in incs {
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
        r.failed = libm::floor(w.flow.inc_failed[i]) as u64;
    }
    windows(w, t0, t1, total_req, served, fail_total);
    w.flow.last = t1;
    sync_metrics(w);
}

/// Availability windows and series points over a constant-rate segment.
fn windows(w: &mut World, t0: Time, t1: Time, req: f64, served: f64, _failed: f64) {
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

fn close_window(w: &mut World, end: Time, thr: f64) {
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

/// Pushes a series point from the cumulative floats.
pub fn push_series(w: &mut World, end: Time) {
    let f = &w.flow;
    let m = &mut w.metrics;
    let served = libm::floor(f.cum_served) - libm::floor(f.ser_base[0]);
    let mut failed = [0u64; NC];
    let mut fsum = 0.0;
    for (i, x) in failed.iter_mut().enumerate() {
        let v = libm::floor(f.cum_failed[i]) - libm::floor(f.ser_base[2 + i]);
        *x = v.max(0.0) as u64;
        fsum += v.max(0.0);
    }
    let lost_now: f64 = f.cum_lost.iter().sum();
    m.s_t.push(super::time::secs(m.ser_start));
    m.s_served.push(served.max(0.0) as u64);
    m.s_offered.push((served.max(0.0) + fsum) as u64);
    m.s_failed.push(failed);
    m.s_lost
        .push((libm::floor(lost_now) - libm::floor(f.ser_lost_base)).max(0.0) as u64);
    m.s_p50.push(0.0);
    m.s_p95.push(0.0);
    m.s_p99.push(0.0);
    let active = m.sessions_active();
    m.s_active.push(active);
    m.ser_start = end;
    m.ser_count = 0;
    let f = &mut w.flow;
    f.ser_base[0] = f.cum_served;
    for i in 0..NC {
        f.ser_base[2 + i] = f.cum_failed[i];
    }
    f.ser_lost_base = lost_now;
}

/// For the report at any time: the partial window and series point.
pub fn close_partial(w: &World, m: &mut super::metrics::Metrics, now: Time) {
    if now > m.win_start || m.windows_total == 0 {
        m.windows_total += 1;
        if w.flow.win_off <= 0.0 || w.flow.win_srv >= m.threshold * w.flow.win_off {
            m.windows_up += 1;
        }
    }
    if m.ser_count > 0 || m.s_t.is_empty() || now > m.ser_start {
        let f = &w.flow;
        let served = (libm::floor(f.cum_served) - libm::floor(f.ser_base[0])).max(0.0);
        let mut failed = [0u64; NC];
        let mut fsum = 0.0;
        for (i, x) in failed.iter_mut().enumerate() {
            let v = (libm::floor(f.cum_failed[i]) - libm::floor(f.ser_base[2 + i])).max(0.0);
            *x = v as u64;
            fsum += v;
        }
        let lost_now: f64 = f.cum_lost.iter().sum();
        m.s_t.push(super::time::secs(m.ser_start));
        m.s_served.push(served as u64);
        m.s_offered.push((served + fsum) as u64);
        m.s_failed.push(failed);
        m.s_lost
            .push((libm::floor(lost_now) - libm::floor(f.ser_lost_base)).max(0.0) as u64);
        m.s_p50.push(0.0);
        m.s_p95.push(0.0);
        m.s_p99.push(0.0);
        let active = m.sessions_active();
        m.s_active.push(active);
    }
}

/// Integer counters in `Metrics` from the cumulative floats.
fn sync_metrics(w: &mut World) {
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
/// counts never overflow a `u64` (NaN counts as 0).
fn count(x: f64) -> u64 {
    if x >= MAX_COUNT {
        MAX_COUNT as u64
    } else {
        libm::floor(x) as u64
    }
}

/// A node went down: its sessions are lost unless a replica survives.
pub fn node_down(w: &mut World, n: u32, inc: u32, loss: Loss) {
    let c = w.nodes[n as usize].comp as usize;
    let KindCfg::App { replication, .. } = w.cfg.components[c].kind else {
        return;
    };
    let p = w.flow.pop[n as usize];
    if p <= 0.0 {
        return;
    }
    w.flow.pop[n as usize] = 0.0;
    let cs = &w.comps[c];
    let others: Vec<u32> = (0..cs.count)
        .map(|k| cs.first + k)
        .filter(|m| *m != n)
        .collect();
    let alive: Vec<u32> = others
        .iter()
        .copied()
        .filter(|m| w.nodes[*m as usize].alive() && w.nodes[*m as usize].serving)
        .collect();
    let survive = match replication {
        Repl::None => 0.0,
        // a planned restart drained first: replicated sessions were moved away beforehand
        _ if loss == Loss::PlannedRestart && !alive.is_empty() => 1.0,
        Repl::Buddy => {
            if others.is_empty() {
                0.0
            } else {
                alive.len() as f64 / others.len() as f64
            }
        }
        Repl::All => {
            if alive.is_empty() {
                0.0
            } else {
                1.0
            }
        }
    };
    let mut lost = p * (1.0 - survive);
    let moved = p * survive;
    if !alive.is_empty() {
        let each = moved / alive.len() as f64;
        for m in alive {
            w.flow.pop[m as usize] += each;
        }
    }
    if lost > 0.0 && w.cfg.components[c].cross_site_sessions {
        // the other sites hold a synchronous copy: the sessions lose their home, not their
        // state, and the next app cluster their requests reach picks them up (their entry's
        // pool, moved with the pool when global routing withdraws the entry)
        let entry = w
            .flow
            .app_hop
            .iter()
            .position(|h| h.is_some_and(|(a, b)| a as usize == c || b as usize == c));
        if let Some(p) = entry.and_then(|e| w.flow.pool.get_mut(e)) {
            p[0] += lost;
            lost = 0.0;
        }
    }
    w.flow.cum_lost[loss as usize] += lost;
    if w.flow.inc_lost.len() < w.metrics.incidents.len() {
        w.flow.inc_lost.resize(w.metrics.incidents.len(), 0.0);
    }
    if let Some(x) = w.flow.inc_lost.get_mut(inc as usize) {
        *x += lost;
        let v = libm::floor(*x) as u64;
        if let Some(r) = w.metrics.incidents.get_mut(inc as usize) {
            r.sessions_lost = v;
        }
    }
    sync_metrics(w);
}

pub fn node_up(_w: &mut World, _n: u32) {}

/// Writes lost when a database primary is replaced, from the write rate just before.
pub fn lost_writes(w: &World, c: usize, standby: StandbyKind, at: Time) -> (u64, Time) {
    let Some(cfg) = w.db_cfg(c) else {
        return (0, 0);
    };
    let rate = w.flow.db_write_rate.get(c).copied().unwrap_or(0.0);
    let window = if standby == StandbyKind::Cold {
        let b = cfg.backup_interval.max(1);
        at - (at / b) * b
    } else if cfg.sync {
        0
    } else {
        let cutoff = match w.comps[c].db.cut_since {
            Some(t) => t.min(at.saturating_sub(cfg.lag)),
            None => at.saturating_sub(cfg.lag),
        };
        at - cutoff
    };
    let n = libm::round(rate * window as f64) as u64;
    (n, if n > 0 { window } else { 0 })
}
