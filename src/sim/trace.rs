//! The state trace: what every node was doing over the run (up, suspected, down, standby,
//! promoting, draining, recovering, degraded), recorded by the engine when asked
//! ([`crate::sim::Simulation::enable_trace`]) for the UI's watch mode.
//!
//! Off by default: the world then holds `None` and the only cost is one branch per state-changing
//! event (faults, failures, repairs, health-check verdicts, takeovers, promotions; never per
//! request). When on, after each such event the nodes of the components it concerns are viewed
//! ([`view`]) and an entry is appended only when a node's state or reason changed. A state that
//! changes later without an event of its own (a primary declared dead after `detection`, a pair's
//! heartbeats missed) is kept as a pending switch time and committed at that time, before the
//! next event is handled. Deterministic: `Vec`s only, engine time only. The trace is not part of
//! the report's digest ([`crate::sim::Report::compute_digest`]), so a run with the trace on has
//! the same digest as one without.

use super::config::*;
use super::time::Time;
use super::state::World;
use serde::{Deserialize, Serialize};

/// Entries kept at most; beyond, [`StateTrace::truncated`] is set.
pub const DEFAULT_CAP: usize = 200_000;

/// What a node is doing. Ordered from the calmest to the most severe (the UI shows a
/// component's most severe node state).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NodeState {
    /// A passive member, replica or spare, alive and ready to take over.
    Standby,
    #[default]
    Up,
    /// Serving, but with a fault (errors, added latency, a leak, corruption).
    Degraded,
    /// Taking no new sessions before planned maintenance, or handing over its role.
    Draining,
    /// Coming back: restarting, waiting for health checks, catching up, restoring a backup.
    Recovering,
    /// Taking over a role: a replica being promoted, a passive member taking the virtual IP, a
    /// spare starting.
    Promoting,
    /// Dead or hung, but not yet noticed: the detection window (health checks, heartbeats).
    Suspected,
    Down,
}

impl NodeState {
    pub const ALL: [NodeState; 8] = [
        NodeState::Up,
        NodeState::Suspected,
        NodeState::Down,
        NodeState::Standby,
        NodeState::Promoting,
        NodeState::Draining,
        NodeState::Recovering,
        NodeState::Degraded,
    ];

    pub fn name(self) -> &'static str {
        match self {
            NodeState::Up => "up",
            NodeState::Suspected => "suspected",
            NodeState::Down => "down",
            NodeState::Standby => "standby",
            NodeState::Promoting => "promoting",
            NodeState::Draining => "draining",
            NodeState::Recovering => "recovering",
            NodeState::Degraded => "degraded",
        }
    }

    /// A symbol that tells the states apart without colour.
    pub fn symbol(self) -> &'static str {
        match self {
            NodeState::Up => "✓",
            NodeState::Suspected => "?",
            NodeState::Down => "✕",
            NodeState::Standby => "◌",
            NodeState::Promoting => "↑",
            NodeState::Draining => "↘",
            NodeState::Recovering => "↻",
            NodeState::Degraded => "!",
        }
    }
}

/// Why a node is in its state.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Why {
    #[default]
    Serving,
    Active,
    Primary,
    Passive,
    Replica,
    Spare,
    /// Dead; the load balancer's health checks have not marked it down yet.
    NotYetDetected,
    /// Hung; the health checks have not marked it down yet.
    HungNotYetDetected,
    /// The passive member has not yet missed enough heartbeats.
    HeartbeatsMissing,
    /// The database primary is not answering; failover not yet decided.
    PrimaryNotAnswering,
    Crashed,
    MarkedDown,
    Hung,
    SiteDown,
    FailedOver,
    TakingOverVip,
    PromotingReplica,
    SpareStarting,
    PlannedSwitchover,
    HandingOver,
    Maintenance,
    Restarting,
    AwaitingHealthChecks,
    CatchingUp,
    RestoringBackup,
    Errors,
    Latency,
    Leak,
    Corrupt,
}

impl Why {
    /// In words, for labels and tooltips.
    pub fn text(self) -> &'static str {
        match self {
            Why::Serving => "serving",
            Why::Active => "active member",
            Why::Primary => "primary",
            Why::Passive => "passive member",
            Why::Replica => "replica",
            Why::Spare => "spare",
            Why::NotYetDetected => "dead, health checks have not noticed yet",
            Why::HungNotYetDetected => "hung, health checks have not noticed yet",
            Why::HeartbeatsMissing => "dead, peer still counting missed heartbeats",
            Why::PrimaryNotAnswering => "primary not answering, failover not decided yet",
            Why::Crashed => "crashed",
            Why::MarkedDown => "marked down by health checks",
            Why::Hung => "hung, marked down",
            Why::SiteDown => "site down",
            Why::FailedOver => "failed over to a replica",
            Why::TakingOverVip => "taking over the virtual IP",
            Why::PromotingReplica => "promoting to primary",
            Why::SpareStarting => "spare starting",
            Why::PlannedSwitchover => "planned switchover: becoming primary",
            Why::HandingOver => "planned switchover: handing over",
            Why::Maintenance => "draining for maintenance",
            Why::Restarting => "restarting (planned)",
            Why::AwaitingHealthChecks => "back, waiting for health checks",
            Why::CatchingUp => "catching up before promotion",
            Why::RestoringBackup => "restoring from backup",
            Why::Errors => "answering with errors",
            Why::Latency => "added latency",
            Why::Leak => "leaking resources",
            Why::Corrupt => "corrupt data",
        }
    }
}

/// One change of a node's state.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct TraceEntry {
    pub t_us: u64,
    /// Index into [`StateTrace::components`].
    pub comp: u32,
    /// Node index within the component.
    pub node: u32,
    pub state: NodeState,
    pub why: Why,
}

/// The state trace of a run (wire type, part of the report when asked for, never of its
/// digest). Entries are in time order; every node has an entry at t = 0.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct StateTrace {
    /// Component ids; an entry's `comp` indexes this.
    pub components: Vec<String>,
    /// Node count of each component.
    pub nodes: Vec<u32>,
    pub entries: Vec<TraceEntry>,
    /// More changes happened than the cap allowed; the trace stops at the last entry.
    pub truncated: bool,
}

/// The engine side: appends entries as the world changes.
#[derive(Clone, Debug)]
pub struct Recorder {
    entries: Vec<TraceEntry>,
    /// Last recorded state of every node (world index).
    last: Vec<Option<(NodeState, Why)>>,
    /// Nodes whose state changes by itself at a known time: (time, node).
    pending: Vec<(Time, u32)>,
    cap: usize,
    truncated: bool,
}

impl Recorder {
    pub fn new(nodes: usize, cap: usize) -> Recorder {
        Recorder {
            entries: Vec::new(),
            last: vec![None; nodes],
            pending: Vec::new(),
            cap,
            truncated: false,
        }
    }

    fn push(&mut self, w: &World, t: Time, n: u32, v: (NodeState, Why)) {
        let Some(slot) = self.last.get_mut(n as usize) else {
            return;
        };
        if *slot == Some(v) {
            return;
        }
        *slot = Some(v);
        if self.entries.len() >= self.cap {
            self.truncated = true;
            return;
        }
        let nd = &w.nodes[n as usize];
        self.entries.push(TraceEntry {
            t_us: t,
            comp: nd.comp,
            node: nd.local,
            state: v.0,
            why: v.1,
        });
    }

    /// Commits the pending switches due at or before `now` (the world has not changed since
    /// they were computed).
    fn commit_due(&mut self, w: &World, now: Time) {
        loop {
            let due = self
                .pending
                .iter()
                .enumerate()
                .filter(|(_, (t, _))| *t <= now)
                .min_by_key(|(_, (t, n))| (*t, *n))
                .map(|(i, p)| (i, *p));
            let Some((i, (t, n))) = due else { break };
            self.pending.swap_remove(i);
            let (state, why, next) = view(w, n, t, self.last[n as usize]);
            self.push(w, t, n, (state, why));
            if let Some(nt) = next.filter(|nt| *nt > t) {
                self.pending.push((nt, n));
            }
        }
    }

    /// Views the nodes of one component (all when `comp` is `None`) at `w.now`.
    fn observe(&mut self, w: &World, comp: Option<u32>) {
        let range = match comp {
            Some(c) => match w.comps.get(c as usize) {
                Some(cs) => cs.first..cs.first + cs.count,
                None => 0..0,
            },
            None => 0..w.nodes.len() as u32,
        };
        self.pending.retain(|(_, n)| !range.contains(n));
        for n in range {
            let (state, why, next) = view(w, n, w.now, self.last[n as usize]);
            self.push(w, w.now, n, (state, why));
            if let Some(nt) = next.filter(|nt| *nt > w.now) {
                self.pending.push((nt, n));
            }
        }
    }

    /// The wire form at `w.now` (pending switches due by then included).
    pub fn snapshot(&self, w: &World) -> StateTrace {
        let mut r = self.clone();
        r.commit_due(w, w.now);
        StateTrace {
            components: w.cfg.components.iter().map(|c| c.id.clone()).collect(),
            nodes: w.comps.iter().map(|c| c.count).collect(),
            entries: r.entries,
            truncated: r.truncated,
        }
    }
}

/// Starts recording (every node's state at the current time).
pub fn enable(w: &mut World, cap: usize) {
    let mut r = Recorder::new(w.nodes.len(), cap);
    r.observe(w, None);
    w.trace = Some(Box::new(r));
}

/// Before a state-changing event: commit the switches due by now.
pub fn before(w: &mut World) {
    if let Some(mut r) = w.trace.take() {
        r.commit_due(w, w.now);
        w.trace = Some(r);
    }
}

/// After a state-changing event: view the nodes it may have changed.
pub fn after(w: &mut World, comp: Option<u32>) {
    if let Some(mut r) = w.trace.take() {
        r.observe(w, comp);
        w.trace = Some(r);
    }
}

/// The component an event can change node states of (`None`: any).
pub fn scope(w: &World, node: Option<u32>, comp: Option<u32>, fault: Option<u32>) -> Option<u32> {
    if let Some(n) = node {
        return w.nodes.get(n as usize).map(|nd| nd.comp);
    }
    if comp.is_some() {
        return comp;
    }
    match fault.and_then(|f| w.cfg.faults.get(f as usize)) {
        Some(
            FaultCfg::Crash(x)
            | FaultCfg::Hang(x)
            | FaultCfg::ErrorRate(x, _)
            | FaultCfg::Latency(x, _)
            | FaultCfg::Corruption(x),
        ) => Some(x.comp),
        Some(
            FaultCfg::Leak { comp, .. }
            | FaultCfg::Flapping { comp, .. }
            | FaultCfg::RollingRestart { comp, .. }
            | FaultCfg::DbSwitchover { comp, .. },
        ) => Some(*comp),
        _ => None,
    }
}

fn rank(s: StandbyKind) -> u8 {
    match s {
        StandbyKind::Hot => 0,
        StandbyKind::Warm => 1,
        StandbyKind::Cold => 2,
    }
}

/// A node's state at time `t` (≥ `w.now`, before the next event), given its last recorded
/// state, and the time its state changes by itself, if it does.
pub fn view(
    w: &World,
    n: u32,
    t: Time,
    prev: Option<(NodeState, Why)>,
) -> (NodeState, Why, Option<Time>) {
    use NodeState::*;
    let nd = &w.nodes[n as usize];
    let c = nd.comp as usize;
    let cs = &w.comps[c];
    let comp = &w.cfg.components[c];
    let site_down = w.sites.get(nd.site as usize).is_some_and(|s| s.down > 0);
    let degraded = if nd.err_rate > 0.0 {
        Some(Why::Errors)
    } else if nd.added > 0 {
        Some(Why::Latency)
    } else if nd.leak.is_some() {
        Some(Why::Leak)
    } else {
        None
    };
    let fine = |why: Why| match degraded {
        Some(d) => (Degraded, d, None),
        None => (Up, why, None),
    };
    match &comp.kind {
        KindCfg::Database(db) => {
            let primary = cs.db.primary;
            let decide_at = w.nodes[(cs.first + primary) as usize]
                .down_since
                .saturating_add(db.detection + db.manual.unwrap_or(0));
            let primary_dead = !w.nodes[(cs.first + primary) as usize].alive();
            let failing_over = primary_dead && cs.db.pending && !cs.db.corrupt;
            if nd.local == primary {
                if !nd.alive() {
                    if site_down {
                        return (Down, Why::SiteDown, None);
                    }
                    if failing_over && t < decide_at {
                        return (Suspected, Why::PrimaryNotAnswering, Some(decide_at));
                    }
                    return (
                        Down,
                        if failing_over {
                            Why::FailedOver
                        } else {
                            Why::Crashed
                        },
                        None,
                    );
                }
                if nd.hung > 0 {
                    return (Down, Why::Hung, None);
                }
                if cs.db.corrupt {
                    return if cs.db.available {
                        (Degraded, Why::Corrupt, None)
                    } else {
                        (Recovering, Why::RestoringBackup, None)
                    };
                }
                if cs.db.switching {
                    return (Draining, Why::HandingOver, None);
                }
                return fine(Why::Primary);
            }
            if !nd.alive() {
                if let Some((Down, why)) = prev {
                    // a failed-over primary stays down for the reason it went down
                    return (Down, why, None);
                }
                return (
                    Down,
                    if site_down {
                        Why::SiteDown
                    } else {
                        Why::Crashed
                    },
                    None,
                );
            }
            if nd.hung > 0 {
                return (Down, Why::Hung, None);
            }
            // The replica a failover or switchover picks (as the engine does).
            let target = (0..cs.count)
                .filter(|k| *k != primary && w.nodes[(cs.first + k) as usize].alive())
                .min_by_key(|k| cs.db.standby.get(*k as usize).copied().map_or(0, rank));
            if target == Some(nd.local) {
                if failing_over {
                    if t < decide_at {
                        return (Standby, Why::Replica, Some(decide_at));
                    }
                    let kind = cs.db.standby.get(nd.local as usize).copied();
                    return match kind {
                        Some(StandbyKind::Cold) => (Recovering, Why::RestoringBackup, None),
                        Some(StandbyKind::Warm) if t < decide_at.saturating_add(db.catchup) => (
                            Recovering,
                            Why::CatchingUp,
                            Some(decide_at.saturating_add(db.catchup)),
                        ),
                        _ => (Promoting, Why::PromotingReplica, None),
                    };
                }
                if cs.db.switching && !cs.db.corrupt {
                    // a planned switch takes the first live replica
                    let first = (0..cs.count)
                        .find(|k| *k != primary && w.nodes[(cs.first + k) as usize].alive());
                    if first == Some(nd.local) {
                        return (Promoting, Why::PlannedSwitchover, None);
                    }
                }
            } else if cs.db.switching && !cs.db.corrupt {
                let first = (0..cs.count)
                    .find(|k| *k != primary && w.nodes[(cs.first + k) as usize].alive());
                if first == Some(nd.local) {
                    return (Promoting, Why::PlannedSwitchover, None);
                }
            }
            (Standby, Why::Replica, None)
        }
        KindCfg::LoadBalancer { .. } | KindCfg::Queue { standby: true, .. } => {
            let detect = match comp.kind {
                KindCfg::LoadBalancer {
                    heartbeat, misses, ..
                } => heartbeat * u64::from(misses),
                _ => 0,
            };
            let active = cs.active.min(cs.count.saturating_sub(1));
            let an = &w.nodes[(cs.first + active) as usize];
            let detect_at = an.down_since.saturating_add(detect);
            let taking_over = !an.alive() && cs.takeover_pending;
            if nd.local == active {
                if !nd.alive() {
                    if site_down {
                        return (Down, Why::SiteDown, None);
                    }
                    if taking_over && t < detect_at {
                        return (Suspected, Why::HeartbeatsMissing, Some(detect_at));
                    }
                    return (Down, Why::Crashed, None);
                }
                if nd.hung > 0 {
                    return (Down, Why::Hung, None);
                }
                return fine(if cs.count > 1 {
                    Why::Active
                } else {
                    Why::Serving
                });
            }
            if !nd.alive() {
                return (
                    Down,
                    if site_down {
                        Why::SiteDown
                    } else {
                        Why::Crashed
                    },
                    None,
                );
            }
            if taking_over {
                if t < detect_at {
                    return (Standby, Why::Passive, Some(detect_at));
                }
                return (Promoting, Why::TakingOverVip, None);
            }
            (Standby, Why::Passive, None)
        }
        _ => {
            // A tier behind a load balancer with health checks.
            if !nd.alive() {
                if site_down {
                    return (Down, Why::SiteDown, None);
                }
                if nd.admin_down {
                    return (Recovering, Why::Restarting, None);
                }
                if !nd.serving {
                    return (Down, Why::Crashed, None);
                }
                return if nd.marked_up {
                    (Suspected, Why::NotYetDetected, None)
                } else {
                    (Down, Why::MarkedDown, None)
                };
            }
            if !nd.serving {
                return (Standby, Why::Spare, None);
            }
            if nd.hung > 0 {
                return if nd.marked_up {
                    (Suspected, Why::HungNotYetDetected, None)
                } else {
                    (Down, Why::Hung, None)
                };
            }
            if !nd.marked_up {
                let spare = matches!(
                    prev,
                    Some((Standby, Why::Spare)) | Some((Promoting, Why::SpareStarting))
                );
                return if spare {
                    (Promoting, Why::SpareStarting, None)
                } else {
                    (Recovering, Why::AwaitingHealthChecks, None)
                };
            }
            if nd.drained {
                return (Draining, Why::Maintenance, None);
            }
            fine(Why::Serving)
        }
    }
}
