//! Watch mode: the state of every component and node at a moment of the run. With the run's
//! state trace (recorded by the engine, `sim::trace`), the states are what the engine did:
//! up, suspected, down, standby, promoting, draining, recovering, degraded. Without one (an
//! imported report), they are reconstructed from the scripted faults and the incidents as a
//! fallback. Pure, so it is unit-tested natively.

use crate::scenario::{Fault, Scenario, Spec};
pub use crate::sim::trace::NodeState;
use crate::sim::trace::{StateTrace, Why};
use std::collections::BTreeMap;

/// One node at a moment (from the trace).
#[derive(Clone, Debug, PartialEq)]
pub struct NodeView {
    /// `app#0`.
    pub label: String,
    pub state: NodeState,
    pub why: &'static str,
}

/// A component's state (its most severe node's) and why, with its nodes when traced.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Status {
    pub state: NodeState,
    pub why: String,
    pub nodes: Vec<NodeView>,
}

/// Every traced component's status at `t_us`: the last entry of each node at or before it.
pub fn states_from_trace(tr: &StateTrace, t_us: u64) -> BTreeMap<String, Status> {
    let mut cur: Vec<Vec<(NodeState, Why)>> = tr
        .nodes
        .iter()
        .map(|n| vec![(NodeState::Up, Why::Serving); (*n).min(10_000) as usize])
        .collect();
    let end = tr.entries.partition_point(|e| e.t_us <= t_us);
    for e in &tr.entries[..end] {
        if let Some(slot) = cur
            .get_mut(e.comp as usize)
            .and_then(|c| c.get_mut(e.node as usize))
        {
            *slot = (e.state, e.why);
        }
    }
    let mut out = BTreeMap::new();
    for (c, id) in tr.components.iter().enumerate() {
        let Some(nodes) = cur.get(c) else { continue };
        let views: Vec<NodeView> = nodes
            .iter()
            .enumerate()
            .map(|(k, (st, why))| NodeView {
                label: format!("{id}#{k}"),
                state: *st,
                why: why.text(),
            })
            .collect();
        let worst = views.iter().max_by_key(|v| v.state);
        let (state, why) = match worst {
            Some(v) if views.len() > 1 => {
                let same = views.iter().filter(|w| w.state == v.state).count();
                let of = if same > 1 {
                    format!(" (+{} more)", same - 1)
                } else {
                    String::new()
                };
                (v.state, format!("{} {}{of}", v.label, v.why))
            }
            Some(v) => (v.state, v.why.to_string()),
            None => (NodeState::Up, String::new()),
        };
        out.insert(
            id.clone(),
            Status {
                state,
                why,
                nodes: views,
            },
        );
    }
    out
}

/// Every component's status at `t_us` (from the scripted faults, and from the incidents of
/// `report` when there is one, random failures included), plus the global events active then (traffic spike, DNS
/// failure) in words.
pub fn states_at(
    s: &Scenario,
    t_us: u64,
    report: Option<&crate::sim::Report>,
) -> (BTreeMap<String, Status>, Vec<String>) {
    let horizon = s.horizon.us();
    let mut out: BTreeMap<String, Status> = BTreeMap::new();
    let mut global = Vec::new();
    let mut set = |id: &str, state: NodeState, why: String| {
        let e = out.entry(id.to_string()).or_insert(Status {
            state: NodeState::Up,
            why: String::new(),
            nodes: Vec::new(),
        });
        if state > e.state {
            *e = Status {
                state,
                why,
                nodes: Vec::new(),
            };
        }
    };
    let within = |at: u64, dur: Option<u64>| {
        t_us >= at && t_us < dur.map_or(horizon.max(at + 1), |d| at.saturating_add(d))
    };
    let node_state = |target: &str, node: Option<u32>| -> NodeState {
        let n = s
            .components
            .iter()
            .find(|c| c.id == target)
            .map_or(1, |c| c.node_count().max(1));
        if node.is_some() && n > 1 {
            NodeState::Degraded
        } else {
            NodeState::Down
        }
    };
    let node_txt =
        |node: Option<u32>| node.map_or("all nodes".to_string(), |n| format!("node #{n}"));
    for f in &s.faults {
        let at = f.at().us();
        match f {
            Fault::Crash(x) | Fault::Hang(x) | Fault::Corruption(x) => {
                if within(at, x.duration.as_ref().map(|d| d.us())) {
                    set(
                        &x.target,
                        node_state(&x.target, x.node),
                        format!("{} ({})", f.kind_name(), node_txt(x.node)),
                    );
                }
            }
            Fault::ErrorRate(x) => {
                if within(at, x.duration.as_ref().map(|d| d.us())) {
                    set(
                        &x.target,
                        NodeState::Degraded,
                        format!("{:.0}% errors", x.rate * 100.0),
                    );
                }
            }
            Fault::Latency(x) => {
                if within(at, x.duration.as_ref().map(|d| d.us())) {
                    set(
                        &x.target,
                        NodeState::Degraded,
                        format!("+{} latency", x.added),
                    );
                }
            }
            Fault::Leak(x) => {
                let ex = x.exhaustion.us();
                if within(at, Some(ex)) {
                    set(&x.target, NodeState::Degraded, "leaking".into());
                } else if within(at.saturating_add(ex), Some(x.restart.us())) {
                    set(
                        &x.target,
                        node_state(&x.target, x.node),
                        "restarting after a leak".into(),
                    );
                }
            }
            Fault::Flapping(x) => {
                let (down, up) = (x.down.us(), x.up.us());
                let period = down.saturating_add(up).max(1);
                if t_us >= at
                    && t_us < at.saturating_add(period.saturating_mul(u64::from(x.cycles)))
                    && (t_us - at) % period < down
                {
                    set(&x.target, node_state(&x.target, x.node), "flapping".into());
                }
            }
            Fault::SiteOutage(x) => {
                if within(at, x.duration.as_ref().map(|d| d.us())) {
                    for c in s
                        .components
                        .iter()
                        .filter(|c| c.site.as_deref() == Some(x.site.as_str()))
                    {
                        set(&c.id, NodeState::Down, format!("site {} down", x.site));
                    }
                }
            }
            Fault::Partition(x) => {
                if within(at, x.duration.as_ref().map(|d| d.us())) {
                    // in words too: a traced run's node states do not show a cut link
                    global.push(format!(
                        "partition {} {} {}{}",
                        x.a,
                        if x.one_way { "→" } else { "⟷" },
                        x.b,
                        x.component
                            .as_ref()
                            .map(|c| format!(" ({c} only)"))
                            .unwrap_or_default()
                    ));
                    for c in s.components.iter().filter(|c| {
                        let in_site = c.site.as_deref() == Some(x.a.as_str())
                            || c.site.as_deref() == Some(x.b.as_str());
                        in_site && x.component.as_ref().is_none_or(|only| *only == c.id)
                    }) {
                        set(
                            &c.id,
                            NodeState::Degraded,
                            format!("partition {} ⟷ {}", x.a, x.b),
                        );
                    }
                }
            }
            Fault::TrafficSpike(x) => {
                if within(at, Some(x.duration.us())) {
                    global.push(format!("traffic ×{}", x.factor));
                }
            }
            Fault::DnsFailure(x) => {
                if within(at, x.duration.as_ref().map(|d| d.us())) {
                    global.push("DNS failure".into());
                }
            }
            Fault::RollingRestart(x) => {
                let n = s
                    .components
                    .iter()
                    .find(|c| c.id == x.target)
                    .map_or(1, |c| u64::from(c.serving_count().max(1)));
                let batch = u64::from(x.batch.max(1));
                let batches = n.div_ceil(batch);
                let (drain, restart) = (x.drain.us(), x.restart.us());
                let step = drain.saturating_add(restart).max(1);
                if t_us >= at && t_us < at.saturating_add(step.saturating_mul(batches)) {
                    let k = (t_us - at) / step;
                    let phase = (t_us - at) % step;
                    let (state, what) = if phase < drain {
                        (NodeState::Draining, "draining")
                    } else {
                        (NodeState::Degraded, "restarting")
                    };
                    set(
                        &x.target,
                        state,
                        format!("rolling restart: batch {} of {batches} {what}", k + 1),
                    );
                }
            }
            Fault::BlueGreen(x) => {
                let one = x.drain.us().saturating_add(x.deploy.us()).max(1);
                for (i, id) in [&x.blue, &x.green].into_iter().enumerate() {
                    let start = at.saturating_add(one * i as u64);
                    if t_us >= start && t_us < start + one {
                        let draining = t_us - start < x.drain.us();
                        set(
                            id,
                            if draining {
                                NodeState::Draining
                            } else {
                                NodeState::Down
                            },
                            if draining {
                                "draining for deploy".into()
                            } else {
                                "deploying".into()
                            },
                        );
                    }
                }
            }
            Fault::SiteSwitchover(x) => {
                if within(at, Some(60_000_000)) {
                    for c in s
                        .components
                        .iter()
                        .filter(|c| c.site.as_deref() == Some(x.from.as_str()))
                    {
                        set(
                            &c.id,
                            NodeState::Draining,
                            format!("switching over to {}", x.to),
                        );
                    }
                }
            }
            Fault::DbSwitchover(x) => {
                let promotion =
                    s.components
                        .iter()
                        .find(|c| c.id == x.target)
                        .and_then(|c| match &c.spec {
                            Spec::Database(d) => Some(d.promotion.us()),
                            _ => None,
                        });
                if within(at, Some(promotion.unwrap_or(5_000_000).max(1_000_000))) {
                    set(
                        &x.target,
                        NodeState::Promoting,
                        "planned primary switch".into(),
                    );
                }
            }
        }
    }
    if let Some(r) = report {
        let t_s = t_us as f64 / 1e6;
        for inc in &r.incidents {
            if t_s >= inc.start_s && t_s < inc.start_s + inc.rto_s.max(1.0) {
                // `app#0` → `app`.
                let id = inc.component.split('#').next().unwrap_or_default();
                if s.components.iter().any(|c| c.id == id) {
                    let why = if inc.recovery.is_empty() {
                        inc.trigger.clone()
                    } else {
                        inc.recovery.clone()
                    };
                    set(id, NodeState::Recovering, why);
                }
            }
        }
    }
    (out, global)
}

/// The success rate (%) of the report window holding `t_s`, if any.
pub fn success_at(r: &crate::sim::Report, t_s: f64) -> Option<f64> {
    let s = &r.series;
    let i = s.t_s.iter().rposition(|&w| w <= t_s)?;
    let o = *s.offered.get(i)?;
    let sv = *s.served.get(i)?;
    Some(if o == 0 {
        100.0
    } else {
        100.0 * sv as f64 / o as f64
    })
}

/// The watch player: on or off, playing or paused, and the moment shown.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Player {
    pub on: bool,
    pub playing: bool,
    pub t_us: u64,
}

#[derive(Clone, Debug, PartialEq)]
pub enum PlayerAction {
    /// Turns watch mode on or off.
    Toggle,
    PlayPause,
    /// Jumps to a moment.
    Seek(u64),
    /// Advances one step of a run `horizon_us` long (1/300 of it); stops at the end.
    Tick {
        horizon_us: u64,
    },
}

impl Player {
    pub fn apply(mut self, a: PlayerAction) -> Player {
        match a {
            PlayerAction::Toggle => {
                self.on = !self.on;
                self.playing = false;
            }
            PlayerAction::PlayPause => self.playing = !self.playing,
            PlayerAction::Seek(t) => self.t_us = t,
            PlayerAction::Tick { horizon_us } => {
                if self.playing {
                    let step = (horizon_us / 300).max(1);
                    if self.t_us >= horizon_us {
                        self.t_us = 0;
                    } else {
                        self.t_us = (self.t_us + step).min(horizon_us);
                        if self.t_us >= horizon_us {
                            self.playing = false;
                        }
                    }
                }
            }
        }
        self
    }
}

impl yew::Reducible for Player {
    type Action = PlayerAction;
    fn reduce(self: std::rc::Rc<Self>, a: PlayerAction) -> std::rc::Rc<Self> {
        std::rc::Rc::new((*self).clone().apply(a))
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_player_plays_to_the_end_and_stops() {
        let h = 300 * 1_000_000;
        let p = Player::default().apply(PlayerAction::Toggle);
        assert!(p.on && !p.playing);
        let p = p.apply(PlayerAction::Tick { horizon_us: h });
        assert_eq!(p.t_us, 0, "paused: no progress");
        let mut p = p.apply(PlayerAction::PlayPause);
        for _ in 0..400 {
            p = p.apply(PlayerAction::Tick { horizon_us: h });
        }
        assert_eq!(p.t_us, h);
        assert!(!p.playing);
        // Playing again from the end restarts.
        let p = p
            .apply(PlayerAction::PlayPause)
            .apply(PlayerAction::Tick { horizon_us: h });
        assert_eq!(p.t_us, 0);
        let p = p.apply(PlayerAction::Seek(42)).apply(PlayerAction::Toggle);
        assert!(!p.on && !p.playing && p.t_us == 42);
    }

    use super::*;
    use crate::scenario::builtins;

    const MIN: u64 = 60_000_000;

    #[test]
    fn a_partition_is_named_in_the_watch_bar_while_it_lasts() {
        let s = builtins::get("keycloak-multisite").unwrap().scenario();
        let Some((at, dur, a, b)) = s.faults.iter().find_map(|f| match f {
            Fault::Partition(x) => Some((x.at.us(), x.duration.as_ref()?.us(), &x.a, &x.b)),
            _ => None,
        }) else {
            panic!("keycloak-multisite has a partition with a duration");
        };
        let words = |t: u64| states_at(&s, t, None).1;
        let during = words(at + dur / 2);
        assert!(
            during
                .iter()
                .any(|g| g.starts_with(&format!("partition {a} ")) && g.contains(b.as_str())),
            "{during:?}"
        );
        assert!(!words(at + dur + 1)
            .iter()
            .any(|g| g.starts_with("partition")));
    }

    #[test]
    fn reference_faults_replay() {
        // liferay-reference: app node 0 crashes at 20m for 10m; lb at 40m for 5m.
        let s = builtins::get("liferay-reference").unwrap().scenario();
        let (at0, _) = states_at(&s, 0, None);
        assert!(at0.is_empty());
        let (at25, _) = states_at(&s, 25 * MIN, None);
        assert_eq!(at25["app"].state, NodeState::Degraded);
        assert!(at25["app"].why.contains("node #0"));
        let (at41, _) = states_at(&s, 41 * MIN, None);
        // The active member of the pair is down; the passive one takes over.
        assert_eq!(at41["lb"].state, NodeState::Degraded);
        assert!(!at41.contains_key("app"));
    }

    #[test]
    fn every_builtin_replays_at_every_minute_without_panicking() {
        for b in builtins::all() {
            let s = b.scenario();
            let h = s.horizon.us();
            let mut t = 0;
            while t <= h {
                let _ = states_at(&s, t, None);
                t += (h / 240).max(1);
            }
        }
    }

    #[test]
    fn rolling_restart_walks_through_batches() {
        let s = builtins::get("rolling-maintenance-6").unwrap().scenario();
        let rr = s.faults.iter().find_map(|f| match f {
            Fault::RollingRestart(x) => Some(x.clone()),
            _ => None,
        });
        if let Some(x) = rr {
            let (st, _) = states_at(&s, x.at.us(), None);
            assert_eq!(st[&x.target].state, NodeState::Draining);
            assert!(st[&x.target].why.contains("batch 1"));
        }
    }

    #[test]
    fn incidents_of_the_run_show_as_recovering() {
        let s = builtins::get("liferay-reference").unwrap().scenario();
        let mut r = crate::sim::Report::default();
        r.incidents.push(crate::sim::report::Incident {
            trigger: "random failure".into(),
            component: "web#1".into(),
            start_s: 100.0,
            rto_s: 20.0,
            recovery: "web#1 marked down".into(),
            ..Default::default()
        });
        let (st, _) = states_at(&s, 110_000_000, Some(&r));
        assert_eq!(st["web"].state, NodeState::Recovering);
        assert_eq!(st["web"].why, "web#1 marked down");
        let (st, _) = states_at(&s, 130_000_000, Some(&r));
        assert!(!st.contains_key("web"));
    }

    #[test]
    fn the_engine_trace_gives_each_node_its_state_at_the_moment() {
        // liferay-reference: app#0 crashes at 20 min; health checks mark it down seconds later.
        let s = builtins::get("liferay-reference").unwrap().scenario();
        let mut sim = crate::sim::Simulation::new(crate::scenario::compile(&s).unwrap().config);
        sim.enable_trace();
        sim.run_until(32 * MIN);
        let r = sim.report();
        let tr = r.trace.as_ref().unwrap();
        let at = |t: u64| states_from_trace(tr, t);
        let before = at(10 * MIN);
        assert_eq!(before["app"].state, NodeState::Up);
        assert_eq!(before["lb"].state, NodeState::Up);
        assert_eq!(before["lb"].nodes[1].state, NodeState::Standby);
        assert_eq!(before["db"].nodes[1].state, NodeState::Standby);
        let suspected = at(20 * MIN + 2_000_000);
        assert_eq!(suspected["app"].state, NodeState::Suspected);
        assert_eq!(suspected["app"].nodes[0].label, "app#0");
        assert_eq!(suspected["app"].nodes[1].state, NodeState::Up);
        assert!(suspected["app"].why.starts_with("app#0 dead"));
        assert_eq!(at(25 * MIN)["app"].state, NodeState::Down);
        assert_eq!(at(30 * MIN)["app"].state, NodeState::Recovering);
        assert_eq!(at(31 * MIN)["app"].state, NodeState::Up);
        // Nothing out of range panics.
        assert_eq!(at(u64::MAX)["app"].nodes.len(), 2);
        let mut bad = tr.clone();
        bad.entries.push(crate::sim::trace::TraceEntry {
            t_us: 0,
            comp: 99,
            node: 99,
            state: NodeState::Down,
            why: Why::Crashed,
        });
        bad.nodes.truncate(1);
        let _ = states_from_trace(&bad, 5 * MIN);
    }

    #[test]
    fn success_rate_of_the_window() {
        let r = crate::report::tests::sample();
        assert_eq!(success_at(&r, 61.0), Some(95.0));
        assert_eq!(success_at(&r, 0.0), Some(100.0));
        assert_eq!(success_at(&crate::sim::Report::default(), 5.0), None);
    }
}
