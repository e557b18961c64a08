//! The hooks the engine and the control plane call on the data plane: start, time moving,
//! ticks, a node down / up / no longer hung / drained, any state change, lost writes, and the
//! partial window of a report. Each is one `match` on [`DataPlane`].

use super::super::config::StandbyKind;
use super::super::event::Event;
use super::super::flow;
use super::super::limits::DRAIN_POLL;
use super::super::metrics::{Cause, Loss, Metrics};
use super::super::state::World;
use super::super::time::Time;
use super::DataPlane;

impl World {
    /// The first arrivals (request) or the rates and ticks (flow).
    pub(crate) fn plane_start(&mut self) {
        match self.plane {
            DataPlane::Request => {
                if self.max_rate > 0.0 && !self.cfg.entries.is_empty() {
                    let dt = self.rng_clients.exp_us(self.arrival_gap_us);
                    self.queue.push(dt, Event::SessionArrival);
                }
            }
            DataPlane::Flow => flow::start(self),
        }
    }

    /// The clock is about to move to `t` (> now at the flow level: integrate up to it).
    #[inline(always)]
    pub(crate) fn plane_advance_to(&mut self, t: Time) {
        match self.plane {
            DataPlane::Request => {}
            DataPlane::Flow => {
                if t > self.now {
                    // integrate rates over (now, t] before the state changes
                    self.now = t;
                    flow::integrate(self);
                }
            }
        }
    }

    /// The run reached its horizon.
    pub(crate) fn plane_finish(&mut self) {
        match self.plane {
            DataPlane::Request => {}
            DataPlane::Flow => flow::integrate(self),
        }
    }

    /// The warm-up ended (the clock is at its end, integrated up to it): the flow level's
    /// cumulative counts start again from zero, as `Metrics::reset` does for the rest.
    pub(crate) fn plane_reset_statistics(&mut self) {
        match self.plane {
            DataPlane::Request => {}
            DataPlane::Flow => flow::reset_statistics(self),
        }
    }

    /// A periodic re-evaluation (flow level only schedules them).
    pub(crate) fn plane_tick(&mut self) {
        match self.plane {
            DataPlane::Request => {}
            DataPlane::Flow => flow::tick(self),
        }
    }

    /// A node went down: the requests it held fail (request level; the flow level queues none).
    pub(crate) fn plane_drop_queued(&mut self, n: u32, inc: u32) {
        match self.plane {
            DataPlane::Request => {
                let queued: Vec<u32> = self.nodes[n as usize].queue.drain(..).collect();
                for r in queued {
                    self.fail(r, Cause::NodeCrash, inc);
                }
            }
            DataPlane::Flow => {}
        }
    }

    /// A node went down: its sessions are orphaned (lost at their next request unless a
    /// replica survives).
    pub(crate) fn plane_node_down(&mut self, n: u32, inc: u32, loss: Loss) {
        match self.plane {
            DataPlane::Request => self.lose_sessions(n, inc, loss),
            DataPlane::Flow => flow::node_down(self, n, inc, loss),
        }
    }

    /// The LB stopped sending requests to a node (its health checks marked it down, or it was
    /// taken out): the flow level's stranded sessions move on (the request level sees it at
    /// each session's next request).
    pub(crate) fn plane_marked_down(&mut self, n: u32) {
        match self.plane {
            DataPlane::Request => {}
            DataPlane::Flow => flow::marked_down(self, n),
        }
    }

    /// A node came back.
    pub(crate) fn plane_node_up(&mut self, n: u32) {
        match self.plane {
            DataPlane::Request => {}
            DataPlane::Flow => flow::node_up(self, n),
        }
    }

    /// A node stopped hanging: the requests that queued meanwhile start.
    pub(crate) fn plane_node_unhung(&mut self, n: u32) {
        match self.plane {
            DataPlane::Request => self.release_all(n),
            DataPlane::Flow => {}
        }
    }

    /// A node is drained: its replicated sessions move away (request level).
    pub(crate) fn plane_drain(&mut self, n: u32) {
        match self.plane {
            DataPlane::Request => self.migrate_sessions(n),
            DataPlane::Flow => {}
        }
    }

    /// How often a drain checks whether its nodes still hold sessions (the flow level waits
    /// the whole `drain`).
    pub(crate) fn plane_drain_poll(&self, drain: Time) -> Time {
        match self.plane {
            DataPlane::Request => DRAIN_POLL.min(drain),
            DataPlane::Flow => drain,
        }
    }

    /// Does a live session still have its home on one of these nodes?
    pub(crate) fn plane_holds_sessions(&self, nodes: &[u32]) -> bool {
        match self.plane {
            DataPlane::Request => self.has_sessions(nodes),
            DataPlane::Flow => false,
        }
    }

    /// Something changed that the rates depend on (flow level: re-evaluate).
    pub(crate) fn plane_state_changed(&mut self) {
        match self.plane {
            DataPlane::Request => {}
            DataPlane::Flow => flow::changed(self),
        }
    }

    /// Writes lost when database `c`'s primary is replaced by a replica of kind `standby` at
    /// `at`, and their RPO.
    pub(crate) fn plane_lost_writes(
        &self,
        c: usize,
        standby: StandbyKind,
        at: Time,
    ) -> (u64, Time) {
        match self.plane {
            DataPlane::Request => self.lost_writes(c, standby, at),
            DataPlane::Flow => flow::lost_writes(self, c, standby, at),
        }
    }

    /// Closes the partial window and series point of a copy of the metrics at `now`.
    pub(crate) fn plane_close_partial(&self, m: &mut Metrics, now: Time) {
        match self.plane {
            DataPlane::Request => {
                m.advance(now);
                if now > m.win_start || m.windows_total == 0 {
                    m.close_window(now);
                }
                if m.ser_count > 0 || m.s_t.is_empty() {
                    m.close_series(now);
                }
            }
            DataPlane::Flow => flow::close_partial(self, m, now),
        }
    }
}
