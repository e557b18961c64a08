//! Watch mode: the state of every component and node at a moment of the run, from the run's
//! state trace (recorded by the engine, `sim::trace`; the worker always records it): up,
//! suspected, down, standby, promoting, draining, recovering, degraded. A report without a
//! trace shows no states ("no trace"). Also the global events in words, and the player. Pure,
//! so it is unit-tested natively.

use crate::scenario::{Fault, Scenario};
use crate::sim::report::Incident;
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

/// The global events active at `t_us`, in words for the watch bar: a partition (a traced run's
/// node states do not show a cut link), a traffic spike, a DNS failure. Node states come from
/// the run's trace only ([`states_from_trace`]).
pub fn global_at(s: &Scenario, t_us: u64) -> Vec<String> {
    let horizon = s.horizon.us();
    let within = |at: u64, dur: Option<u64>| {
        t_us >= at && t_us < dur.map_or(horizon.max(at + 1), |d| at.saturating_add(d))
    };
    let mut global = Vec::new();
    for f in &s.faults {
        let at = f.at().us();
        match f {
            Fault::Partition(x) if within(at, x.duration.as_ref().map(|d| d.us())) => {
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
            }
            Fault::TrafficSpike(x) if within(at, Some(x.duration.us())) => {
                global.push(format!("traffic ×{}", x.factor));
            }
            Fault::DnsFailure(x) if within(at, x.duration.as_ref().map(|d| d.us())) => {
                global.push("DNS failure".into());
            }
            _ => {}
        }
    }
    global
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

/// A moment in seconds (a report's) as whole microseconds (the player's); negative or not a
/// number: 0.
pub fn micros(t_s: f64) -> u64 {
    if t_s.is_finite() && t_s > 0.0 {
        (t_s * 1e6).round() as u64
    } else {
        0
    }
}

/// The start (µs) of the first incident after `t_us` (`forward`) or the last one before it:
/// the watch bar's "Next incident" / "Previous incident". `None` when there is none that way.
pub fn incident_step(incidents: &[Incident], t_us: u64, forward: bool) -> Option<u64> {
    let starts = incidents.iter().map(|i| micros(i.start_s));
    if forward {
        starts.filter(|&s| s > t_us).min()
    } else {
        starts.filter(|&s| s < t_us).max()
    }
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

    #[test]
    fn next_and_previous_incident_jump_to_the_nearest_start_either_way() {
        // Out of order on purpose: the report's order need not be by start.
        let v: Vec<Incident> = [600.0, 60.0, 600.0, 1200.5]
            .iter()
            .map(|&start_s| Incident {
                start_s,
                ..Incident::default()
            })
            .collect();
        let s = 1_000_000;
        assert_eq!(incident_step(&v, 0, true), Some(60 * s));
        assert_eq!(incident_step(&v, 60 * s, true), Some(600 * s));
        assert_eq!(incident_step(&v, 600 * s, true), Some(1_200_500_000));
        assert_eq!(incident_step(&v, 1_200_500_000, true), None);
        assert_eq!(incident_step(&v, 1_200_500_000, false), Some(600 * s));
        assert_eq!(incident_step(&v, 600 * s, false), Some(60 * s));
        assert_eq!(incident_step(&v, 60 * s, false), None);
        assert_eq!(incident_step(&v, 300 * s, false), Some(60 * s));
        assert_eq!(incident_step(&[], 5, true), None);
        assert_eq!(micros(-3.0), 0);
        assert_eq!(micros(f64::NAN), 0);
        assert_eq!(micros(1.5), 1_500_000);
    }

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
        let words = |t: u64| global_at(&s, t);
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
    fn spikes_and_dns_failures_are_named_while_they_last() {
        for b in builtins::all() {
            let s = b.scenario();
            let h = s.horizon.us();
            let mut t = 0;
            while t <= h {
                for g in global_at(&s, t) {
                    assert!(
                        g.starts_with("partition ")
                            || g.starts_with("traffic ×")
                            || g == "DNS failure",
                        "{g}"
                    );
                }
                t += (h / 240).max(1);
            }
        }
        let mut s = builtins::get("liferay-reference").unwrap().scenario();
        s.faults =
            vec![
                serde_json::from_str(r#"{"dns_failure": {"at": "10m", "duration": "5m"}}"#)
                    .unwrap(),
            ];
        assert!(global_at(&s, 9 * MIN).is_empty());
        assert_eq!(global_at(&s, 12 * MIN), vec!["DNS failure"]);
        assert!(global_at(&s, 15 * MIN).is_empty());
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
