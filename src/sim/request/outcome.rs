//! Request level, how a request ends: served (latency checked against the client timeout),
//! retried by the client, or failed with one cause; and the session's next request.

use super::super::config::*;
use super::super::event::Event;
use super::super::metrics::Cause;
use super::super::rng::{Draws, GOLDEN};
use super::super::state::World;
use super::arrivals::purpose;

impl World {
    #[inline(always)]
    pub(crate) fn succeed(&mut self, req: u32) {
        let r = self.reqs[req as usize];
        let latency = self.now - r.start + r.extra;
        if latency > self.cfg.traffic.timeout {
            self.fail_final(req, Cause::Timeout, NONE);
            return;
        }
        if r.write {
            self.metrics.writes_acked += 1;
        }
        self.metrics
            .served(self.now, latency, r.attempts > 0 || r.lb_retried);
        self.finish(req);
    }

    pub(crate) fn fail(&mut self, req: u32, cause: Cause, inc: u32) {
        let r = self.reqs[req as usize];
        if r.attempts < self.cfg.traffic.client_retries {
            self.reqs[req as usize].attempts += 1;
            self.queue.push(
                self.now + self.cfg.traffic.retry_delay,
                Event::Retry { req },
            );
            return;
        }
        self.fail_final(req, cause, inc);
    }

    fn fail_final(&mut self, req: u32, cause: Cause, inc: u32) {
        self.metrics.failed(self.now, cause, inc);
        self.finish(req);
    }

    #[inline(always)]
    fn finish(&mut self, req: u32) {
        let s = self.reqs[req as usize].session;
        self.free_reqs.push(req);
        let sess = self.sessions[s as usize];
        if sess.lost {
            self.free_session(s);
            return;
        }
        let t = &self.cfg.traffic;
        let per = t.requests_per_session.max(1.0);
        let mut next = self.rng_clients.keyed(sess.key, purpose::NEXT);
        if next.chance(1.0 - 1.0 / per) {
            let gap = next.exp_us(t.session_duration as f64 / per);
            self.sessions[s as usize].key = sess.key.wrapping_add(GOLDEN);
            self.queue
                .push(self.now + gap, Event::NextRequest { session: s });
        } else {
            self.metrics.advance(self.now);
            self.metrics.sessions_finished += 1;
            self.free_session(s);
        }
    }
}
