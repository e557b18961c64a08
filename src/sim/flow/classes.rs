//! Flow level, session classes: where new sessions arrive, the populations of homed and pooled
//! sessions, and one evaluation of every class's fate in the state that holds now.

use super::super::config::*;
use super::super::flow_state::{Class, EvalScratch};
use super::super::metrics::Cause;
use super::super::policy::lb_eligible;
use super::super::state::World;
use super::super::time::Time;
use super::walk::{base_service_mean, node_service_rate, service_rate, walk, Fate};

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

/// The nodes of a cluster (and its sibling) that take new sessions, in order.
pub(super) fn new_session_nodes(w: &World, comp: u32, alt: u32) -> impl Iterator<Item = u32> + '_ {
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

/// A class of sessions with its population and where its new sessions arrive.
pub(super) struct ClassRate {
    pub(super) class: Class,
    pub(super) entry: u32,
    pub(super) home: u32,
    /// New sessions per µs.
    pub(super) arrivals: f64,
    /// Extra loss hazard per µs (no affinity, no replication).
    pub(super) hazard: f64,
    pub(super) fate: Fate,
}

pub(super) fn classes(w: &World, at: Time, shares: &mut Vec<(Class, f64)>) -> Vec<ClassRate> {
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
pub(super) fn evaluate(w: &World, at: Time, scratch: &mut EvalScratch) -> Vec<ClassRate> {
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
pub(super) fn effective_home(w: &World, entry: u32, home: u32) -> u32 {
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
pub(super) fn no_overload_possible(
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
