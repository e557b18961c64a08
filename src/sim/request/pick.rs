//! Request level, the load balancer's choice of node in a tier: sticky homes, the cached list of
//! eligible nodes (rebuilt when `lb_gen` moves) and round-robin, random or least-connections.

use super::super::config::*;
use super::super::metrics::Cause;
use super::super::policy::lb_eligible;
use super::super::state::{EligCache, World};
use super::super::topology::Hop;

impl World {
    /// Whether the LB may send a request to node `n` (a new session never goes to a drained node).
    /// On the request path (a sticky session's home is checked per request): inlined.
    #[inline(always)]
    fn eligible(&self, n: u32, exclude: u32, new_session: bool) -> bool {
        n != exclude && lb_eligible(&self.nodes[n as usize], new_session)
    }

    /// The node ranges (first, count) of a hop's cluster and its blue/green sibling.
    #[inline(always)]
    fn hop_ranges(&self, hop: Hop) -> ([(u32, u32); 2], usize) {
        let mut ranges = [(0u32, 0u32); 2];
        let mut n_ranges = 0;
        for cc in [hop.comp, hop.alt] {
            if cc != NONE {
                let cs = &self.comps[cc as usize];
                ranges[n_ranges] = (cs.first, cs.count);
                n_ranges += 1;
            }
        }
        (ranges, n_ranges)
    }

    /// Rebuilds the cached list of a tier's eligible nodes for requests with no node excluded.
    #[cold]
    fn rebuild_elig(&mut self, hop: Hop) {
        let c = hop.comp as usize;
        let (ranges, n_ranges) = self.hop_ranges(hop);
        let mut nodes = std::mem::take(&mut self.elig[c].nodes);
        nodes.clear();
        for new_session in [true, false] {
            for (first, count) in ranges[..n_ranges].iter() {
                nodes.extend(
                    (0..*count)
                        .map(|k| first + k)
                        .filter(|n| self.eligible(*n, NONE, new_session)),
                );
            }
            if !nodes.is_empty() {
                break;
            }
        }
        self.elig[c] = EligCache {
            gen: self.lb_gen,
            alt: hop.alt,
            nodes,
        };
    }

    /// The LB's choice of node in a tier (excluding `exclude`).
    #[inline(always)]
    pub(crate) fn pick(&mut self, req: u32, hop: Hop, exclude: u32) -> Result<u32, (Cause, u32)> {
        let c = hop.comp as usize;
        if self.stations[c].sticky {
            let s = self.reqs[req as usize].session as usize;
            let home = self.sessions[s].home;
            if home != NONE {
                let hc = self.nodes[home as usize].comp;
                if (hc == hop.comp || hc == hop.alt) && self.eligible(home, exclude, false) {
                    return Ok(home);
                }
            }
        }
        // a session whose node is unusable is placed like a new one (never on a drained node)
        if exclude == NONE {
            // fast path: the eligible nodes are cached until a node's LB view changes
            let ce = &self.elig[c];
            if ce.gen != self.lb_gen || ce.alt != hop.alt {
                self.rebuild_elig(hop);
            }
            let total = self.elig[c].nodes.len() as u32;
            if total == 0 {
                let inc = self.comps[c].last_inc;
                return Err((Cause::NoHealthyBackend, inc));
            }
            let choice = match self.stations[c].algo {
                Algo::RoundRobin => {
                    let k = self.comps[c].rr % total;
                    self.comps[c].rr = self.comps[c].rr.wrapping_add(1);
                    k
                }
                Algo::Random => self.rng_svc[c].below(total),
                Algo::LeastConnections => {
                    let mut best = 0;
                    let mut best_load = u64::MAX;
                    for (idx, n) in self.elig[c].nodes.iter().enumerate() {
                        let nd = &self.nodes[*n as usize];
                        let load = u64::from(nd.busy) + nd.queue.len() as u64;
                        if load < best_load {
                            best_load = load;
                            best = idx as u32;
                        }
                    }
                    best
                }
            };
            return Ok(self.elig[c].nodes[choice as usize]);
        }
        let (ranges, n_ranges) = self.hop_ranges(hop);
        let eligible = |w: &World, n: u32, new_session: bool| w.eligible(n, exclude, new_session);
        let count = |w: &World, new_session: bool| -> u32 {
            ranges[..n_ranges]
                .iter()
                .map(|(first, count)| {
                    (0..*count)
                        .filter(|k| eligible(w, first + k, new_session))
                        .count() as u32
                })
                .sum()
        };
        let mut new_session = true;
        let mut total = count(self, true);
        if total == 0 {
            // drained nodes still take requests when nothing else is left
            new_session = false;
            total = count(self, false);
        }
        if total == 0 {
            let inc = self.comps[c].last_inc;
            return Err((Cause::NoHealthyBackend, inc));
        }
        let choice = match self.stations[c].algo {
            Algo::RoundRobin => {
                let k = self.comps[c].rr % total;
                self.comps[c].rr = self.comps[c].rr.wrapping_add(1);
                k
            }
            Algo::Random => self.rng_svc[c].below(total),
            Algo::LeastConnections => {
                let mut best = 0;
                let mut best_load = u64::MAX;
                let mut idx = 0;
                for (first, count) in ranges[..n_ranges].iter() {
                    for k in 0..*count {
                        let n = first + k;
                        if eligible(self, n, new_session) {
                            let nd = &self.nodes[n as usize];
                            let load = u64::from(nd.busy) + nd.queue.len() as u64;
                            if load < best_load {
                                best_load = load;
                                best = idx;
                            }
                            idx += 1;
                        }
                    }
                }
                best
            }
        };
        let mut idx = 0;
        for (first, count) in ranges[..n_ranges].iter() {
            for k in 0..*count {
                let n = first + k;
                if eligible(self, n, new_session) {
                    if idx == choice {
                        return Ok(n);
                    }
                    idx += 1;
                }
            }
        }
        Err((Cause::NoHealthyBackend, NONE))
    }
}
