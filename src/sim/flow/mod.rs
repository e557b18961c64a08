//! Flow level: between state changes, traffic is a rate and sessions are populations.
//!
//! The fault, detection and failover machinery is the request level's (same events, same
//! handlers in `control/`); only clients, requests and queues are replaced. Between two events the
//! state is constant, so every request of a session class meets the same fate: the fractions
//! served and failed by cause are computed once per segment by walking the class's path, and the
//! populations follow dP/dt = λ − P/τ, integrated in closed form. Counts are cumulative floats,
//! reported as their floors, so `offered = served + failed` holds exactly.

use super::config::*;
use super::flow_state::Stranded;
use super::metrics::{Loss, NC};
use super::policy::lb_eligible;
use super::time::Time;
mod classes;
mod dns;
mod integrate;
mod walk;

use super::event::Event;
use super::limits::FLOW_TICK as TICK;
use super::state::World;
use classes::distribute_new;
use dns::{distribute_pool, dns_decay, schedule_decay, step, ttl_pair};
use integrate::{integrate_segment, next_fence, sync_metrics};

pub(super) fn start(w: &mut World) {
    let n_entries = w.cfg.entries.len();
    w.flow.pop = vec![0.0; w.nodes.len()];
    w.flow.stranded = vec![None; w.nodes.len()];
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
pub(super) fn tick(w: &mut World) {
    if matches!(w.cfg.traffic.profile, ProfileCfg::Daily { .. }) && w.now >= w.flow.next_daily {
        let next = w.now + TICK;
        w.flow.next_daily = next;
        if next < w.cfg.horizon {
            w.queue.push(next, Event::FlowTick);
        }
    }
    dns_decay(w);
}

/// Global routing or a planned change altered the state.
pub(super) fn changed(w: &mut World) {
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
            withdraw_homed(w, e);
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

/// BGP withdrew entry `e`: every request of its sessions now reaches another entry (the
/// request level re-picks the entry at a session's next request and its home moves to the
/// cluster it reaches there), so the sessions homed on the entry's app cluster re-route like the
/// entry's pool. Those on a dead node never got a home and always follow; those on a live node
/// stay while another listed entry's path reaches the same cluster (their requests still get
/// there).
fn withdraw_homed(w: &mut World, e: usize) {
    let Some(Some((c, a))) = w.flow.app_hop.get(e).copied() else {
        return;
    };
    let shared = (0..w.listed.len()).any(|f| {
        f != e
            && w.listed[f]
            && w.flow.app_hop[f]
                .is_some_and(|(x, y)| [x, y].iter().any(|z| *z != NONE && (*z == c || *z == a)))
    });
    for cc in [c, a] {
        let Some(cs) = w.comps.get(cc as usize) else {
            continue;
        };
        for n in cs.first..cs.first + cs.count {
            let p = w.flow.pop[n as usize];
            if p > 0.0 && (!shared || !w.nodes[n as usize].alive()) {
                w.flow.pop[n as usize] = 0.0;
                w.flow.pool[e][0] += p;
            }
        }
    }
}

/// Integrates (last, now] under the state that held during it. The state changes without an
/// event only where a sync primary drops an unreachable replica (`fence_unreachable`): the
/// interval is integrated in pieces split there.
pub(super) fn integrate(w: &mut World) {
    let t1 = w.now.min(w.cfg.horizon);
    while let Some(d) = next_fence(w, w.flow.last, t1) {
        let now = w.now;
        w.now = d;
        integrate_segment(w);
        w.now = now;
    }
    integrate_segment(w);
}

/// The end of the warm-up (integrated up to `now`): the cumulative floats start again from 0
/// (active sessions carried over as started; the series' bases shift with them, so the chart
/// goes on), then the window in progress closes at `now` and `Metrics::reset` zeroes the rest.
pub(super) fn reset_statistics(w: &mut World) {
    let now = w.now;
    let f = &mut w.flow;
    let lost: f64 = f.cum_lost.iter().sum();
    let active = (f.cum_started - f.cum_finished - lost).max(0.0);
    f.ser_base[0] -= f.cum_served;
    for i in 0..NC {
        f.ser_base[2 + i] -= f.cum_failed[i];
    }
    f.ser_lost_base -= lost;
    f.cum_started = active;
    f.cum_finished = 0.0;
    f.cum_lost = [0.0; super::metrics::NL];
    f.cum_served = 0.0;
    f.cum_failed = [0.0; NC];
    f.cum_writes = 0.0;
    f.cum_acked = 0.0;
    f.inc_failed.iter_mut().for_each(|x| *x = 0.0);
    f.inc_lost.iter_mut().for_each(|x| *x = 0.0);
    if now > w.metrics.win_start {
        let thr = w.metrics.threshold;
        integrate::close_window(w, now, thr);
    }
    sync_metrics(w);
}

/// For the report at any time: the partial window and series point.
pub(super) fn close_partial(w: &World, m: &mut super::metrics::Metrics, now: Time) {
    if now > m.win_start || m.windows_total == 0 {
        m.windows_total += 1;
        if w.flow.win_off <= 0.0 || w.flow.win_srv >= m.threshold * w.flow.win_off {
            m.windows_up += 1;
        }
    }
    if !m.lean && (m.ser_count > 0 || m.s_t.is_empty() || now > m.ser_start) {
        integrate::append_series_point(&w.flow, m);
    }
}

/// A node went down: its sessions stay homed there, stranded (a sticky LB sends their requests
/// to it until it is marked down); the share a replica keeps is decided now.
pub(super) fn node_down(w: &mut World, n: u32, inc: u32, loss: Loss) {
    let c = w.nodes[n as usize].comp as usize;
    let KindCfg::App { replication, .. } = w.cfg.components[c].kind else {
        return;
    };
    let p = w.flow.pop[n as usize];
    if p <= 0.0 || w.flow.stranded[n as usize].is_some() {
        return;
    }
    let cs = &w.comps[c];
    let others = (0..cs.count).map(|k| cs.first + k).filter(|m| *m != n);
    let n_others = others.clone().count();
    let n_alive = others
        .filter(|m| w.nodes[*m as usize].alive() && w.nodes[*m as usize].serving)
        .count();
    let survive = match replication {
        Repl::None => 0.0,
        // a planned restart drained first: replicated sessions were moved away beforehand
        _ if loss == Loss::PlannedRestart && n_alive > 0 => 1.0,
        Repl::Buddy if n_others > 0 => n_alive as f64 / n_others as f64,
        Repl::Buddy => 0.0,
        Repl::All if n_alive > 0 => 1.0,
        Repl::All => 0.0,
    };
    w.flow.stranded[n as usize] = Some(Stranded {
        amount: p,
        survive,
        loss,
        inc,
    });
    let nd = &w.nodes[n as usize];
    if !(w.cfg.components[c].router.sticky && lb_eligible(nd, false)) {
        // no sticky LB keeps sending them to it: their next requests land elsewhere now
        resolve_stranded(w, n, false);
    }
}

/// The health checks marked node `n` down: its stranded sessions' requests land elsewhere.
pub(super) fn marked_down(w: &mut World, n: u32) {
    resolve_stranded(w, n, false);
}

/// Node `n` came back before being marked down: its stranded sessions' requests reach it again.
pub(super) fn node_up(w: &mut World, n: u32) {
    resolve_stranded(w, n, true);
}

/// The next requests of node `n`'s stranded sessions reach a live node: the share a replica
/// kept goes on there, the rest is lost now and its users start new sessions there (on `n`
/// itself when `stay`, else on the cluster's other nodes the LB places sessions on; with `cross_site`, on the next
/// cluster their requests reach).
fn resolve_stranded(w: &mut World, n: u32, stay: bool) {
    let Some(st) = w.flow.stranded[n as usize].take() else {
        return;
    };
    let p = st.amount.min(w.flow.pop[n as usize]).max(0.0);
    if p <= 0.0 {
        return;
    }
    let c = w.nodes[n as usize].comp as usize;
    let mut lost = p * (1.0 - st.survive);
    let mut moved = p;
    if lost > 0.0 && w.cfg.components[c].cross_site_sessions {
        // the other sites hold a synchronous copy: the sessions lose their home, not their
        // state, and the next app cluster their requests reach picks them up (their entry's
        // pool, moved with the pool when global routing withdraws the entry)
        let entry = w
            .flow
            .app_hop
            .iter()
            .position(|h| h.is_some_and(|(a, b)| a as usize == c || b as usize == c));
        if let Some(pool) = entry.and_then(|e| w.flow.pool.get_mut(e)) {
            pool[0] += lost;
            w.flow.pop[n as usize] -= lost;
            moved -= lost;
            lost = 0.0;
        }
    }
    if !stay {
        // where the LB places them: as new sessions (a drained node only if nothing else is left)
        let cs = &w.comps[c];
        let open = |new_session: bool| -> Vec<u32> {
            (0..cs.count)
                .map(|k| cs.first + k)
                .filter(|m| {
                    let nd = &w.nodes[*m as usize];
                    *m != n && nd.alive() && lb_eligible(nd, new_session)
                })
                .collect()
        };
        let mut alive = open(true);
        if alive.is_empty() {
            alive = open(false);
        }
        if !alive.is_empty() {
            w.flow.pop[n as usize] -= moved;
            let each = moved / alive.len() as f64;
            for m in alive {
                w.flow.pop[m as usize] += each;
            }
        }
    }
    // a lost session's user starts again: one session lost, one started
    w.flow.cum_lost[st.loss as usize] += lost;
    w.flow.cum_started += lost;
    if w.flow.inc_lost.len() < w.metrics.incidents.len() {
        w.flow.inc_lost.resize(w.metrics.incidents.len(), 0.0);
    }
    if let Some(x) = w.flow.inc_lost.get_mut(st.inc as usize) {
        *x += lost;
        let v = libm::floor(*x) as u64;
        if let Some(r) = w.metrics.incidents.get_mut(st.inc as usize) {
            r.sessions_lost = v;
        }
    }
    sync_metrics(w);
}

/// Writes lost when a database primary is replaced, from the write rate just before.
pub(super) fn lost_writes(w: &World, c: usize, standby: StandbyKind, at: Time) -> (u64, Time) {
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
