//! Flow level, session classes: where new sessions arrive, the populations of homed and pooled
//! sessions, and one evaluation of every class's fate in the state that holds now.

use super::super::config::*;
use super::super::flow_state::{Class, ClassRate, EvalScratch, Fate};
use super::super::metrics::Cause;
use super::super::policy::lb_eligible;
use super::super::state::World;
use super::super::time::Time;
use super::walk::{base_service_mean, node_service_rate, service_rate, walk};

/// Places `amount` sessions as new ones would be placed now.
pub(super) fn distribute_new(w: &mut World, amount: f64) {
    let shares = arrival_shares(w);
    for (class, s) in shares {
        match class {
            Class::Node(n) => w.flow.pop[n as usize] += amount * s,
            Class::Pool(e, k) => w.flow.pool[e as usize][k as usize] += amount * s,
            Class::Unresolved => w.flow.unresolved += amount * s,
        }
    }
}

/// Calls `f` on each node of a cluster (and its sibling) that takes new sessions, in order
/// (plain loops: the arrival shares' hot path).
#[inline(always)]
fn for_new_session_nodes(w: &World, comp: u32, alt: u32, mut f: impl FnMut(u32)) {
    for c in [comp, alt] {
        if c == NONE {
            continue;
        }
        let cs = &w.comps[c as usize];
        for n in cs.first..cs.first + cs.count {
            if lb_eligible(&w.nodes[n as usize], true) {
                f(n);
            }
        }
    }
}

/// Where new sessions go now, with shares summing to 1.
pub(super) fn arrival_shares(w: &World) -> Vec<(Class, f64)> {
    let mut out = Vec::new();
    arrival_shares_into(w, &mut out);
    out
}

/// `arrival_shares` into a reused buffer (the same shares in the same order).
pub(super) fn arrival_shares_into(w: &World, out: &mut Vec<(Class, f64)>) {
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
        // the nodes open to new sessions, each given per / m once all m are known
        let start = out.len();
        if let Some((c, a)) = hop {
            for_new_session_nodes(w, c, a, |n| out.push((Class::Node(n), 0.0)));
        }
        let m = out.len() - start;
        if m > 0 {
            let each = per / m as f64;
            for x in &mut out[start..] {
                x.1 = each;
            }
        } else {
            out.push((Class::Pool(e, 0), per * (1.0 - stale)));
            if stale > 0.0 {
                out.push((Class::Pool(e, 1), per * stale));
            }
        }
    }
}

/// The classes of the current state, in order, into `s.cls` (the entries it already holds are
/// overwritten in place, so their incident lists keep their capacity).
///
/// The classes depend on the state only through the arrival shares, each entry's count of
/// nodes open to new sessions and the arrival rate (the paths, clusters and their settings are
/// fixed): when those three are what the last classes were built from, the classes stand (a
/// debug build checks it against a rebuild).
pub(super) fn classes(w: &World, at: Time, s: &mut EvalScratch) {
    let t = &w.cfg.traffic;
    let lambda = t.sessions_per_s * t.profile.factor(at) * w.spike / 1e6;
    placement_key(w, &mut s.placed_now);
    if s.placed_now != s.placed || s.shares.is_empty() {
        arrival_shares_into(w, &mut s.shares);
        open_counts(w, &mut s.hop_m);
        std::mem::swap(&mut s.placed, &mut s.placed_now);
    } else {
        #[cfg(debug_assertions)]
        {
            let (mut shares, mut hop_m) = (Vec::new(), Vec::new());
            arrival_shares_into(w, &mut shares);
            open_counts(w, &mut hop_m);
            debug_assert!(same_bits(&shares, &s.shares), "kept arrival shares differ");
            debug_assert!(hop_m == s.hop_m, "kept open-node counts differ");
        }
    }
    let same = s.built.as_ref().is_some_and(|(shares, hop_m, l)| {
        *l == lambda.to_bits() && same_bits(shares, &s.shares) && *hop_m == s.hop_m
    });
    if same {
        #[cfg(debug_assertions)]
        {
            let mut fresh = s.clone();
            build_classes(w, lambda, &mut fresh);
            let key = |c: &ClassRate| {
                let bits = (c.arrivals.to_bits(), c.hazard.to_bits());
                (c.class, c.entry, c.home, bits)
            };
            let keys = |v: &[ClassRate]| v.iter().map(key).collect::<Vec<_>>();
            debug_assert!(keys(&fresh.cls) == keys(&s.cls), "kept classes differ");
        }
        return;
    }
    build_classes(w, lambda, s);
    let built = s.built.get_or_insert_with(Default::default);
    built.0.clone_from(&s.shares);
    built.1.clone_from(&s.hop_m);
    built.2 = lambda.to_bits();
}

/// Everything the arrival shares and the open-node counts read from the state: the LB views'
/// generation (`World::lb_gen` moves whenever a node's `serving`, `marked_up`, `admin_down` or
/// `drained` changes: all `lb_eligible` reads), DNS, the single entry, and each entry's listing
/// and site outage. The paths, clusters and routing settings are fixed.
fn placement_key(w: &World, key: &mut Vec<u64>) {
    key.clear();
    key.extend([w.lb_gen, u64::from(w.dns_down), u64::from(w.single_entry)]);
    key.extend(w.listed.iter().map(|l| u64::from(*l)));
    key.extend(w.cfg.entries.iter().map(|c| {
        let site = w.cfg.components[*c as usize].site;
        u64::from(w.sites.get(site as usize).is_some_and(|s| s.down > 0))
    }));
}

/// Each entry's count of nodes open to new sessions (in its app hop's clusters).
fn open_counts(w: &World, hop_m: &mut Vec<f64>) {
    hop_m.clear();
    hop_m.extend(w.flow.app_hop.iter().map(|hop| match hop {
        Some((c, a)) => {
            let mut m = 0u32;
            for_new_session_nodes(w, *c, *a, |_| m += 1);
            f64::from(m)
        }
        None => 0.0,
    }));
}

/// Equal shares, bit for bit.
fn same_bits(a: &[(Class, f64)], b: &[(Class, f64)]) -> bool {
    a.len() == b.len()
        && a.iter()
            .zip(b)
            .all(|(x, y)| x.0 == y.0 && x.1.to_bits() == y.1.to_bits())
}

/// Builds `s.cls` from `s.shares`, `s.hop_m` and the arrival rate `lambda`.
fn build_classes(w: &World, lambda: f64, s: &mut EvalScratch) {
    let EvalScratch {
        shares,
        node_arrivals,
        done,
        cls: out,
        hop_m,
        ..
    } = s;
    let t = &w.cfg.traffic;
    let shares = &*shares;
    let arrivals = |c: Class| {
        shares
            .iter()
            .filter(|(x, _)| *x == c)
            .map(|(_, s)| s * lambda)
            .sum::<f64>()
    };
    // new sessions per node, summed in the order of `shares` (one pass, not one per node)
    node_arrivals.clear();
    node_arrivals.resize(w.nodes.len(), 0.0);
    for (x, s) in shares {
        if let Class::Node(n) = x {
            node_arrivals[*n as usize] += s * lambda;
        }
    }
    let mut len = 0;
    // a cluster reached from several entries gets its classes once, under the first entry
    done.clear();
    let per_session = t.requests_per_session.max(1.0) / (t.session_duration.max(1) as f64);
    for (e, hop) in w.flow.app_hop.iter().enumerate() {
        if let Some((c, a)) = hop {
            // the nodes open to new sessions: the same for both clusters of the hop
            let m = hop_m[e];
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
                let hazard = if !sticky && repl == Repl::None && m > 1.0 {
                    per_session * (m - 1.0) / m
                } else {
                    0.0
                };
                for k in 0..cs.count {
                    let n = cs.first + k;
                    let rate = (node_arrivals[n as usize], hazard);
                    put(out, &mut len, Class::Node(n), (e as u32, n), rate);
                }
            }
        }
        for k in 0..2u8 {
            let class = Class::Pool(e as u32, k);
            put(
                out,
                &mut len,
                class,
                (e as u32, NONE),
                (arrivals(class), 0.0),
            );
        }
    }
    let rate = (arrivals(Class::Unresolved), 0.0);
    put(out, &mut len, Class::Unresolved, (0, NONE), rate);
    out.truncate(len);
}

/// Sets class number `*len` of `out` (entry, home; arrivals, hazard); its fate is set by
/// `evaluate`.
fn put(
    out: &mut Vec<ClassRate>,
    len: &mut usize,
    class: Class,
    (entry, home): (u32, u32),
    (arrivals, hazard): (f64, f64),
) {
    if let Some(c) = out.get_mut(*len) {
        c.class = class;
        c.entry = entry;
        c.home = home;
        c.arrivals = arrivals;
        c.hazard = hazard;
        c.rep = *len;
    } else {
        out.push(ClassRate {
            class,
            entry,
            home,
            arrivals,
            hazard,
            rep: *len,
            fate: Fate::default(),
        });
    }
    *len += 1;
}

pub(super) fn population(w: &World, c: Class) -> f64 {
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

pub(super) fn set_population(w: &mut World, c: Class, v: f64) {
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
pub(super) fn evaluate(w: &World, at: Time, scratch: &mut EvalScratch) {
    let per_session = w.cfg.traffic.requests_per_session.max(1.0)
        / (w.cfg.traffic.session_duration.max(1) as f64);
    classes(w, at, scratch);
    let n = w.nodes.len();
    let EvalScratch {
        loads,
        ovl,
        bound,
        bufs,
        fates,
        cls,
        zero,
        rates,
        spare,
        caps,
        caps_key,
        ..
    } = scratch;
    ovl.clear();
    ovl.resize(n, 0.0);
    capacities(w, caps, caps_key);
    let spared =
        w.cfg.entries.is_empty() || no_overload_possible(w, cls, per_session, (bound, rates, caps));
    if !spared {
        loads.clear();
        loads.resize(n, 0.0);
        zero.clear();
        zero.resize(n, 0.0);
        for c in cls.iter() {
            let p = population(w, c.class);
            // requests per µs: sessions × per-session rate (first requests of arrivals included)
            let rate = p * per_session + c.arrivals;
            if c.class == Class::Unresolved {
                continue;
            }
            spare.reset();
            walk(w, at, c.entry, c.home, rate, loads, zero, spare, bufs);
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
    // whether a home on (entry, component) matters: the same for a cluster's nodes in a row
    let mut homes: Option<(u32, u32, bool)> = None;
    for (i, c) in cls.iter_mut().enumerate() {
        c.rep = i;
        if c.class == Class::Unresolved {
            c.fate.reset();
            c.fate.fail(Cause::DnsFailure, w.dns_inc, 1.0);
        } else if w.cfg.entries.is_empty() {
            c.fate.reset();
            c.fate.fail(Cause::NoHealthyBackend, NONE, 1.0);
        } else {
            let home = if c.home == NONE {
                NONE
            } else {
                let hc = w.nodes[c.home as usize].comp;
                let matters = match homes {
                    Some((e, h, m)) if e == c.entry && h == hc => m,
                    _ => {
                        let m = home_matters(w, c.entry, hc);
                        homes = Some((c.entry, hc, m));
                        m
                    }
                };
                if matters {
                    c.home
                } else {
                    NONE
                }
            };
            let key = (c.entry, home);
            if let Some(&(_, j)) = fates.iter().find(|(k, _)| *k == key) {
                c.rep = j;
            } else {
                c.fate.reset();
                walk(w, at, c.entry, c.home, 1.0, loads, ovl, &mut c.fate, bufs);
                fates.push((key, i));
            }
        }
    }
}

/// Whether a home on component `hc` can change a walk of `entry`'s path (a sticky tier of its
/// cluster): if not, every class of the entry homed there walks as an unhomed one.
fn home_matters(w: &World, entry: u32, hc: u32) -> bool {
    w.paths[entry as usize]
        .iter()
        .any(|h| (h.comp == hc || h.alt == hc) && w.cfg.components[h.comp as usize].router.sticky)
}

/// True when no node can be overloaded: in one walk at rate r a node takes at most r per visit
/// of its component (shares, cache hits and retries only split the rate), so its load is at
/// most the sum over entries of (the entry's rate × visits); a margin covers rounding.
pub(super) fn no_overload_possible(
    w: &World,
    cls: &[ClassRate],
    per_session: f64,
    (bound, rates, caps): (&mut Vec<f64>, &mut Vec<f64>, &Vec<f64>),
) -> bool {
    bound.clear();
    bound.resize(w.comps.len(), 0.0);
    // each entry's request rate, summed in class order (one pass over the classes)
    rates.clear();
    rates.resize(w.paths.len(), 0.0);
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
    for (e, &rate) in rates.iter().enumerate() {
        for h in &w.paths[e] {
            for c in [h.comp, h.alt] {
                if c != NONE {
                    bound[c as usize] += rate;
                }
            }
        }
    }
    // b < every node's rate exactly when b < their minimum (NaN where one is NaN: false)
    w.comps.iter().enumerate().all(|(c, cs)| {
        if cs.count == 0 {
            return true;
        }
        let b = bound[c] * (1.0 + 1e-6);
        b.is_finite() && b < caps[c]
    })
}

/// Each component's smallest node service rate (requests per µs; NaN when a node's is NaN,
/// infinite for a component without nodes). A component's nodes are contiguous; where none has
/// added latency or a leak they all have the component's rate (the same bits per node).
///
/// A rate depends on the configuration, the node's added latency and its leak only (the number
/// of nodes and their workers never change): with no leak and the same added latencies as
/// last time (`key`), the last rates stand.
fn capacities(w: &World, caps: &mut Vec<f64>, key: &mut Vec<u64>) {
    let same = caps.len() == w.comps.len()
        && key.len() == w.nodes.len()
        && w.nodes
            .iter()
            .zip(key.iter())
            .all(|(nd, k)| nd.leak.is_none() && nd.added == *k);
    if same {
        return;
    }
    key.clear();
    key.extend(w.nodes.iter().map(|nd| nd.added));
    if w.nodes.iter().any(|nd| nd.leak.is_some()) {
        // a leak's rate moves with time: computed again next time
        key.clear();
    }
    caps.clear();
    caps.extend(w.comps.iter().enumerate().map(|(c, cs)| {
        let nodes = cs.first..cs.first + cs.count;
        if nodes.is_empty() {
            return f64::INFINITY;
        }
        let mean = base_service_mean(w, c);
        let uniform = nodes.clone().all(|n| {
            let nd = &w.nodes[n as usize];
            nd.added == 0 && nd.leak.is_none()
        });
        if uniform {
            return node_service_rate(w, cs.first, mean);
        }
        nodes.fold(f64::INFINITY, |m, n| {
            let r = node_service_rate(w, n, mean);
            if m.is_nan() || r.is_nan() {
                f64::NAN
            } else {
                m.min(r)
            }
        })
    }));
}

pub(super) fn listed_entries(w: &World) -> Vec<u32> {
    listed_entries_iter(w).collect()
}

/// The entries new sessions can resolve to, in order (no allocation).
pub(super) fn listed_entries_iter(w: &World) -> impl Iterator<Item = u32> + '_ {
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
