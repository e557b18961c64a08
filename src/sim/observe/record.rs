//! The engine side of the state trace: the [`Recorder`]'s entries appended as the world
//! changes, and the calls the event loop makes around each state-changing event.

use super::super::config::*;
use super::super::state::World;
use super::super::time::Time;
use super::super::trace::{NodeState, Recorder, StateTrace, TraceEntry, Why};
use super::view::view;

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
pub(crate) fn enable(w: &mut World, cap: usize) {
    let mut r = Recorder::new(w.nodes.len(), cap);
    r.observe(w, None);
    w.trace = Some(Box::new(r));
}

/// Before a state-changing event: commit the switches due by now.
pub(crate) fn before(w: &mut World) {
    if let Some(mut r) = w.trace.take() {
        r.commit_due(w, w.now);
        w.trace = Some(r);
    }
}

/// After a state-changing event: view the nodes it may have changed.
pub(crate) fn after(w: &mut World, comp: Option<u32>) {
    if let Some(mut r) = w.trace.take() {
        r.observe(w, comp);
        w.trace = Some(r);
    }
}

/// The component an event can change node states of (`None`: any).
pub(crate) fn scope(
    w: &World,
    node: Option<u32>,
    comp: Option<u32>,
    fault: Option<u32>,
) -> Option<u32> {
    if let Some(n) = node {
        return w.nodes.get(n as usize).map(|nd| nd.comp);
    }
    if comp.is_some() {
        return comp;
    }
    fault
        .and_then(|f| w.cfg.faults.get(f as usize))
        .and_then(FaultCfg::comp)
}
