//! Flow level, the walk of one class's requests along its entry's path: the fractions served
//! and failed by cause at each hop, and the load each node receives.

use super::super::config::*;
use super::super::flow_state::{Bufs, Fate};
use super::super::metrics::Cause;
use super::super::policy::{
    effective_hit_ratio, lb_eligible, pair_dead_cause, service_mean, Light,
};
use super::super::state::World;
use super::super::time::Time;
use super::super::topology::Hop;

pub(super) fn service_rate(w: &World, n: u32) -> f64 {
    let c = w.nodes[n as usize].comp as usize;
    node_service_rate(w, n, base_service_mean(w, c))
}

/// A component's mean service time before a node's added latency.
pub(super) fn base_service_mean(w: &World, c: usize) -> f64 {
    service_mean(&w.cfg.components[c], w.comps[c].count)
}

pub(super) fn node_service_rate(w: &World, n: u32, base_mean: f64) -> f64 {
    let mean = base_mean + w.nodes[n as usize].added as f64;
    if mean <= 0.0 {
        return f64::INFINITY;
    }
    f64::from(w.effective_workers(n)) / mean
}

/// What flows on along a path: reads and writes per µs, and the cache hits that rejoin the
/// path further on (at hop index, amount).
pub(super) struct Flowing {
    wr: f64,
    ww: f64,
    rejoin: Option<(usize, f64)>,
}

/// Walks an entry's path for requests of total rate `rate` from a session homed on `home`, in
/// the state that holds at time `at`.
#[allow(clippy::too_many_arguments)]
pub(super) fn walk(
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
    let ws = w.cfg.traffic.write_share;
    let mut fl = Flowing {
        wr: rate * (1.0 - ws),
        ww: rate * ws,
        rejoin: None,
    };
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
            fate.fail(cause, st.inc, fl.wr + fl.ww);
            return;
        }
    }
    let path = &w.paths[entry as usize];
    let mut prev_site = NONE;
    let mut prev_comp = NONE;
    let mut i = 0usize;
    while i < path.len() {
        if let Some((at, amount)) = fl.rejoin {
            if at == i {
                fl.wr += amount;
                fl.rejoin = None;
            }
        }
        let hop = path[i];
        let c = hop.comp as usize;
        let site = w.cfg.components[c].site;
        if prev_site != NONE && site != NONE && prev_site != site {
            if let Some(inc) = w.cut(prev_site, site, prev_comp, hop.comp) {
                fate.fail(Cause::Partition, inc, fl.wr + fl.ww);
                if let Some((_, a)) = fl.rejoin {
                    fate.fail(Cause::Partition, inc, a);
                }
                return;
            }
        }
        let mut node_site = site;
        let stop = match w.cfg.components[c].kind.clone_light() {
            Light::Skip => false,
            Light::Cache(hit, replicated) => {
                walk_cache(w, c, (hit, replicated), path, hop, &mut fl, loads, fate)
            }
            Light::Db => walk_db(w, c, at, &mut node_site, &mut fl, (loads, ovl), fate),
            Light::Pair => walk_pair(w, c, &mut fl, (loads, ovl), fate),
            Light::Tier => walk_tier(w, c, hop, home, &mut fl, (loads, ovl), fate, bufs),
        };
        if stop {
            return;
        }
        prev_site = node_site;
        prev_comp = hop.comp;
        i += 1;
    }
    if let Some((_, a)) = fl.rejoin {
        fl.wr += a;
    }
    fate.served += fl.wr + fl.ww;
    fate.acked += fl.ww;
}

/// A cache on the path: hits are served by its live nodes and rejoin the path after the miss
/// path; true when the walk ends here.
#[allow(clippy::too_many_arguments)]
fn walk_cache(
    w: &World,
    c: usize,
    (hit, replicated): (f64, bool),
    path: &[Hop],
    hop: Hop,
    fl: &mut Flowing,
    loads: &mut [f64],
    fate: &mut Fate,
) -> bool {
    let (alive, total) = w.alive_count(c);
    if alive == 0 && w.cfg.components[c].required {
        // the components before it cannot serve without it
        let inc = w.comps[c].last_inc;
        fate.fail(Cause::NoHealthyBackend, inc, fl.wr + fl.ww);
        if let Some((_, a)) = fl.rejoin {
            fate.fail(Cause::NoHealthyBackend, inc, a);
        }
        return true;
    }
    let eff = effective_hit_ratio(hit, replicated, alive, total);
    let hits = fl.wr * eff;
    if hits > 0.0 && alive > 0 {
        let cs = &w.comps[c];
        for k in 0..cs.count {
            let n = cs.first + k;
            if w.nodes[n as usize].alive() {
                loads[n as usize] += hits / f64::from(alive);
            }
        }
        fl.wr -= hits;
        let skip = hop.skip as usize;
        if skip >= path.len() {
            fate.served += hits;
        } else {
            fl.rejoin = Some((skip, hits + fl.rejoin.map(|x| x.1).unwrap_or(0.0)));
        }
    }
    false
}

/// A database on the path (its primary serves); true when the walk ends here.
fn walk_db(
    w: &World,
    c: usize,
    at: Time,
    node_site: &mut u32,
    fl: &mut Flowing,
    (loads, ovl): (&mut [f64], &[f64]),
    fate: &mut Fate,
) -> bool {
    let db = &w.comps[c].db;
    if !db.available || db.switching {
        fate.fail(Cause::DatabaseUnavailable, db.inc, fl.wr + fl.ww);
        return true;
    }
    if db.corrupt {
        fate.fail(Cause::InjectedError, db.inc, fl.wr + fl.ww);
        return true;
    }
    if db.full > 0 {
        fate.fail(Cause::DatabaseUnavailable, db.full_inc, fl.ww);
        fl.ww = 0.0;
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
                    fate.fail(Cause::Partition, inc, fl.ww);
                    fl.ww = 0.0;
                }
            }
        }
    }
    let n = w.comps[c].first + db.primary;
    *node_site = w.nodes[n as usize].site;
    loads[n as usize] += fl.wr + fl.ww;
    let o = ovl[n as usize];
    fate.fail(Cause::Overload, NONE, (fl.wr + fl.ww) * o);
    fl.wr *= 1.0 - o;
    fl.ww *= 1.0 - o;
    false
}

/// A pair on the path (its active member serves); true when the walk ends here.
fn walk_pair(
    w: &World,
    c: usize,
    fl: &mut Flowing,
    (loads, ovl): (&mut [f64], &[f64]),
    fate: &mut Fate,
) -> bool {
    let cs = &w.comps[c];
    let n = cs.first + cs.active.min(cs.count.saturating_sub(1));
    let nd = &w.nodes[n as usize];
    if cs.count == 0 || !nd.alive() {
        let other = (0..cs.count).any(|k| w.nodes[(cs.first + k) as usize].alive());
        let cause = pair_dead_cause(other, cs.takeover_pending);
        fate.fail(cause, nd.inc, fl.wr + fl.ww);
        return true;
    }
    loads[n as usize] += fl.wr + fl.ww;
    let o = ovl[n as usize];
    fate.fail(Cause::Overload, NONE, (fl.wr + fl.ww) * o);
    fl.wr *= 1.0 - o;
    fl.ww *= 1.0 - o;
    false
}

/// A tier on the path: the LB spreads the requests over its eligible nodes (or the sticky
/// home), with the detection window, hung nodes, overload, injected errors and LB retries;
/// true when the walk ends here.
#[allow(clippy::too_many_arguments)]
fn walk_tier(
    w: &World,
    c: usize,
    hop: Hop,
    home: u32,
    fl: &mut Flowing,
    (loads, ovl): (&mut [f64], &[f64]),
    fate: &mut Fate,
    bufs: &mut Bufs,
) -> bool {
    let Bufs {
        elig,
        dist,
        alive: alive_elig,
    } = bufs;
    let idem = w.cfg.traffic.idempotent_share;
    let router = &w.cfg.components[c].router;
    let home_here = home != NONE && {
        let hc = w.nodes[home as usize].comp;
        hc == hop.comp || hc == hop.alt
    };
    let sticky_home = home_here && router.sticky && lb_eligible(&w.nodes[home as usize], false);
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
            fate.fail(Cause::NoHealthyBackend, w.comps[c].last_inc, fl.wr + fl.ww);
            return true;
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
        let (mut r, mut wv) = (fl.wr * s, fl.ww * s);
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
    fl.wr = nr;
    fl.ww = nw;
    false
}

/// The nodes the LB of a tier may send a request to: serving, marked up, not taken out; nodes
/// being drained only when nothing else is left.
pub(super) fn eligible_nodes(w: &World, hop: Hop, elig: &mut Vec<u32>) {
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
pub(super) fn alive_nodes(w: &World, elig: &[u32], out: &mut Vec<u32>) {
    out.clear();
    out.extend(
        elig.iter()
            .copied()
            .filter(|n| w.nodes[*n as usize].alive() && w.nodes[*n as usize].hung == 0),
    );
}
