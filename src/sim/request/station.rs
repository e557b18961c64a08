//! Request level, each node as an M/M/c/K station: queueing, service (its mean with the
//! replication cost from `policy::Station`), timeouts of hung nodes, injected errors, and the
//! hand-over to the next hop.

use super::super::config::*;
use super::super::event::Event;
use super::super::metrics::Cause;
use super::super::state::World;

impl World {
    #[inline(always)]
    pub(crate) fn enqueue(&mut self, req: u32, node: u32) {
        let c = self.nodes[node as usize].comp as usize;
        if self.nodes[node as usize].hung > 0 {
            let r = self.reqs[req as usize];
            let deadline = (r.start + self.cfg.traffic.timeout).max(self.now);
            self.queue.push(deadline, Event::Timeout { req });
            return;
        }
        self.reqs[req as usize].queued_at = self.now;
        if self.nodes[node as usize].busy < self.effective_workers(node) {
            self.start_service(req, node);
        } else if (self.nodes[node as usize].queue.len() as u64)
            < u64::from(self.stations[c].queue_limit)
        {
            self.nodes[node as usize].queue.push_back(req);
        } else {
            self.fail(req, Cause::Overload, NONE);
        }
    }

    #[inline(always)]
    fn start_service(&mut self, req: u32, node: u32) {
        let nd = &mut self.nodes[node as usize];
        nd.busy += 1;
        let c = nd.comp as usize;
        let added = nd.added;
        let epoch = nd.svc_epoch;
        let mean = self.stations[c].mean;
        let r = &mut self.reqs[req as usize];
        let wait = self.now - r.queued_at;
        r.node = node;
        r.svc_epoch = epoch;
        let cs = &mut self.comps[c];
        cs.wait_sum_us += u128::from(wait);
        cs.served += 1;
        let dt = self.rng_svc[c].exp_us(mean) + added;
        self.queue.push(self.now + dt, Event::ServiceDone { req });
    }

    #[inline(always)]
    fn release(&mut self, node: u32) {
        let nd = &mut self.nodes[node as usize];
        nd.busy = nd.busy.saturating_sub(1);
        let timeout = self.cfg.traffic.timeout;
        while self.nodes[node as usize].busy < self.effective_workers(node) {
            let Some(next) = self.nodes[node as usize].queue.pop_front() else {
                break;
            };
            let r = self.reqs[next as usize];
            if self.now - r.start + r.extra > timeout {
                self.fail(next, Cause::Timeout, NONE);
                continue;
            }
            self.start_service(next, node);
        }
    }

    #[inline(always)]
    pub(crate) fn on_service_done(&mut self, req: u32) {
        let r = &self.reqs[req as usize];
        let (node, epoch) = (r.node, r.svc_epoch);
        let nd = &self.nodes[node as usize];
        if nd.svc_epoch != epoch {
            let inc = nd.inc;
            self.fail(req, Cause::NodeCrash, inc);
            return;
        }
        if nd.hung > 0 {
            // a hung node never answers
            let r = self.reqs[req as usize];
            let deadline = (r.start + self.cfg.traffic.timeout).max(self.now);
            self.queue.push(deadline, Event::Timeout { req });
            self.release(node);
            return;
        }
        self.release(node);
        let nd = &self.nodes[node as usize];
        let c = nd.comp as usize;
        let site = nd.site;
        let err = nd.err_rate;
        let err_inc = nd.err_inc;
        if err > 0.0 && self.rng_svc[c].chance(err) {
            let r = self.reqs[req as usize];
            if self.stations[c].retry_tier && r.idem && !r.lb_retried {
                self.reqs[req as usize].lb_retried = true;
                let entry = self.entry_of(req);
                let hop = self.paths[entry as usize][r.hop as usize];
                if let Ok(other) = self.pick(req, hop, node) {
                    self.send_to_node(req, hop, other);
                    return;
                }
            }
            self.fail(req, Cause::InjectedError, err_inc);
            return;
        }
        if self.stations[c].is_db {
            if self.comps[c].db.corrupt {
                self.fail(req, Cause::InjectedError, self.comps[c].db.inc);
                return;
            }
            if self.reqs[req as usize].write {
                self.record_write(c);
            }
        }
        let entry = self.entry_of(req);
        let r = &mut self.reqs[req as usize];
        let hop = self.paths[entry as usize][r.hop as usize];
        let is_cache = self.stations[c].is_cache;
        r.hop = if is_cache { hop.skip } else { r.hop + 1 };
        r.prev_site = site;
        r.prev_comp = hop.comp;
        self.advance(req, entry);
    }

    pub(crate) fn release_all(&mut self, n: u32) {
        while self.nodes[n as usize].busy < self.effective_workers(n)
            && !self.nodes[n as usize].queue.is_empty()
        {
            self.nodes[n as usize].busy += 1;
            self.release(n);
        }
    }
}
