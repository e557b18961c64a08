//! The event loop: the closed [`Event`] enum (eight bytes; the rare [`StateEvent`]s wait in a
//! slab behind [`Event::State`]), scheduling, and the dispatch of each event to its handler.
//!
//! [`World::run_events`] is the one loop of the request path (ARCHITECTURE.md): the request
//! handlers are `#[inline(always)]` into it, their rare branches `#[inline(never)]`.

use super::config::*;
use super::event::{Event, StateEvent};
use super::metrics::Cause;
use super::state::World;
use super::time::Time;

impl World {
    pub(crate) fn start(&mut self) {
        for i in 0..self.cfg.faults.len() {
            self.schedule(
                self.cfg.faults[i].at(),
                StateEvent::Fault {
                    fault: i as u32,
                    stage: self.first_stage(i),
                },
            );
        }
        for n in 0..self.nodes.len() {
            let c = self.nodes[n].comp as usize;
            if let Some(f) = &self.cfg.components[c].failure {
                if f.mtbf > 0 {
                    let dt = self.rng_fail[c].exp_us(f.mtbf as f64);
                    self.schedule(dt, StateEvent::NodeFail { node: n as u32 });
                }
            }
        }
        self.plane_start();
        if self.cfg.warmup > 0 && self.cfg.warmup < self.cfg.horizon {
            self.queue.push(self.cfg.warmup, Event::WarmupEnd);
        }
    }

    /// The warm-up is over: every statistic starts again from now (the data plane's
    /// accumulators, the metrics, each component's served requests, waits and alive-count
    /// times), so the report covers `[warmup, horizon]`.
    #[cold]
    fn end_warmup(&mut self) {
        let now = self.now;
        self.plane_reset_statistics();
        self.metrics.reset(now);
        for cs in &mut self.comps {
            let k = cs.alive as usize;
            cs.up_time.iter_mut().for_each(|t| *t = 0);
            if k >= cs.up_time.len() {
                cs.up_time.resize(k + 1, 0);
            }
            cs.last_change = now;
            cs.served = 0;
            cs.wait_sum_us = 0;
        }
    }

    /// Pops and handles one event at or before the horizon; false when none is left.
    pub fn step(&mut self) -> bool {
        let before = self.events;
        self.run_events(self.cfg.horizon, 1);
        if self.events > before {
            return true;
        }
        if self.stopped.is_some() {
            // a budget stopped the run: the report covers it up to `now`
            return false;
        }
        if self.now < self.cfg.horizon {
            self.now = self.cfg.horizon;
        }
        self.plane_finish();
        false
    }

    /// Pops and handles the events at or before `limit` (and the horizon), at most `max` of
    /// them, in one loop. [`World::step`] is this loop for one event, so that the handlers are
    /// inlined in one place only.
    ///
    /// The request path (`dispatch`, the arrival and service-done handlers, `advance`, `pick`,
    /// `enqueue`, `start_service`, the queue's `push`, the random draws, `Metrics::served`) is
    /// `#[inline(always)]` into this loop, and its rare branches (`cache_hop`, `sent_to_dead`,
    /// `leaking_workers`) are `#[inline(never)]`: without a profile, LLVM stops inlining at its
    /// size threshold and every event then pays six to eight calls' register saves and restores
    /// (callgrind: −20 % instructions; A/B +5 %; bench/README.md).
    ///
    /// The budgets (`cfg.budget`) are checked between stretches of
    /// [`BUDGET_CHECK_EVERY`](super::limits::BUDGET_CHECK_EVERY) events, at event counts that do
    /// not depend on how the run is chunked, so the inner loop pays nothing for them.
    pub fn run_events(&mut self, limit: Time, max: u64) {
        let limit = limit.min(self.cfg.horizon);
        let stop = self.events.saturating_add(max);
        while self.stopped.is_none() && self.events < stop {
            if self.events >= self.check_at && self.over_budget() {
                return;
            }
            let end = stop.min(self.check_at);
            while self.events < end {
                let Some((t, ev)) = self.queue.pop_until(limit) else {
                    return;
                };
                self.dispatch(t, ev);
            }
        }
    }

    /// Checks the budgets: stops the run when one is reached, or sets the next check.
    #[inline(never)]
    fn over_budget(&mut self) -> bool {
        let b = self.cfg.budget;
        let memory_bytes = self.memory_estimate();
        let kind = if self.events >= b.events {
            BudgetKind::Events
        } else if memory_bytes > b.memory_bytes {
            BudgetKind::Memory
        } else {
            let next = self
                .events
                .saturating_add(super::limits::BUDGET_CHECK_EVERY);
            self.check_at = next.min(b.events);
            return false;
        };
        self.stopped = Some(Stop {
            kind,
            at: self.now,
            events: self.events,
            memory_bytes,
        });
        true
    }

    #[inline(always)]
    fn dispatch(&mut self, t: Time, ev: Event) {
        self.plane_advance_to(t);
        self.now = t;
        self.events += 1;
        self.handle(ev);
    }

    #[inline(always)]
    fn handle(&mut self, ev: Event) {
        // the most frequent event first, tested before the jump over the rest
        if let Event::ServiceDone { req } = ev {
            self.on_service_done(req);
            return;
        }
        match ev {
            Event::SessionArrival => self.on_session_arrival(),
            Event::NextRequest { session } => self.issue(session),
            Event::Retry { req } => {
                let r = &mut self.reqs[req as usize];
                r.hop = 0;
                r.lb_retried = false;
                r.prev_site = NONE;
                r.prev_comp = NONE;
                self.enter(req);
            }
            Event::ServiceDone { .. } => {} // handled above
            Event::Timeout { req } => self.fail(req, Cause::Timeout, NONE),
            Event::FlowTick => self.plane_tick(),
            Event::WarmupEnd => self.end_warmup(),
            Event::State { slot } => self.on_state_event(slot),
        }
    }

    /// A state-changing event (rare: one call out of the request loop, so that the handlers of
    /// the control plane never grow the loop).
    #[inline(never)]
    fn on_state_event(&mut self, slot: u32) {
        let ev = self.state_events.remove(slot as usize);
        if self.trace.is_some() {
            self.handle_traced(ev);
        } else {
            self.handle_state(ev);
        }
    }

    /// Schedules a state-changing event at `time` (through a slot of `state_events`).
    pub(crate) fn schedule(&mut self, time: Time, ev: StateEvent) {
        let slot = self.state_events.insert(ev) as u32;
        self.queue.push(time, Event::State { slot });
    }

    /// A state-changing event with the state trace on (see `trace/`).
    #[cold]
    fn handle_traced(&mut self, ev: StateEvent) {
        super::observe::record::before(self);
        self.handle_state(ev);
        let scope = match ev {
            StateEvent::Fault { fault, .. } => {
                super::observe::record::scope(self, None, None, Some(fault))
            }
            StateEvent::NodeFail { node }
            | StateEvent::NodeRepair { node, .. }
            | StateEvent::Detect { node, .. }
            | StateEvent::SpareActivate { node, .. } => {
                super::observe::record::scope(self, Some(node), None, None)
            }
            StateEvent::Takeover { comp, .. } | StateEvent::DbPromote { comp, .. } => Some(comp),
            StateEvent::RouteUpdate { .. } => return,
        };
        super::observe::record::after(self, scope);
    }

    /// Faults, failures, repairs, verdicts, takeovers, promotions, routing: the rare events
    /// that change the state of nodes.
    fn handle_state(&mut self, ev: StateEvent) {
        match ev {
            StateEvent::Fault { fault, stage } => self.on_fault(fault, stage),
            StateEvent::NodeFail { node } => self.on_random_fail(node),
            StateEvent::NodeRepair { node, incident } => self.on_repair(node, incident),
            StateEvent::Detect { node, epoch } => self.on_detect(node, epoch),
            StateEvent::SpareActivate { node, epoch } => self.on_spare(node, epoch),
            StateEvent::Takeover { comp, epoch } => self.on_takeover(comp, epoch),
            StateEvent::DbPromote { comp, epoch } => self.on_db_promote(comp, epoch),
            StateEvent::RouteUpdate { entry } => self.on_route_update(entry),
        }
    }
}
