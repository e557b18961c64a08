//! Components: the site, `next`, random failures and each kind's parameters, checked and
//! emitted as the engine's component configuration (routing comes later, from the graph).

use super::limits::*;
use super::Checker;
use crate::scenario::format::*;
use crate::scenario::format::{Fidelity, SpareMode};
use crate::scenario::problem::Location;
use crate::sim::config::*;

impl<'a> Checker<'a> {
    pub(super) fn component(&mut self, i: usize, c: &'a Component) -> ComponentCfg {
        let base = Location::component(i, "");
        let site = match &c.site {
            Some(site) => self.site_ref(base.child("site"), site),
            None if !self.s.sites.is_empty() => {
                self.err_about(
                    base.child("site"),
                    "missing: the scenario has sites, so every component belongs to one",
                    &c.id,
                );
                None
            }
            None => None,
        };
        let next = self.listed_once(&base.child("next"), &c.next);
        let failure = c.failure.as_ref().map(|f| self.failure(&base, f));
        let mut cfg = ComponentCfg {
            id: c.id.clone(),
            site: site.unwrap_or(NONE),
            next,
            failure,
            nodes: 1,
            ..ComponentCfg::default()
        };
        let p = base.child(&format!("spec.{}", c.spec.kind_name()));
        match &c.spec {
            Spec::LoadBalancer(lb) => self.load_balancer(&base, &p, c, lb, &mut cfg),
            Spec::Web(w) => {
                cfg.kind = KindCfg::Web;
                cfg.nodes = self.nodes(&p, w.nodes, &w.redundancy);
                cfg.capacity = self.capacity(&p, &w.capacity);
                (cfg.spares, cfg.spare_mode, cfg.spare_delay) = self.redundancy(&p, &w.redundancy);
            }
            Spec::App(a) => self.app(&p, a, &mut cfg),
            Spec::Cache(k) => {
                cfg.nodes = self.node_count(p.child("nodes"), k.nodes, 1);
                cfg.kind = KindCfg::Cache {
                    hit_ratio: self.share(p.child("hit_ratio"), k.hit_ratio),
                    replicated: k.replicated,
                };
                cfg.required = k.required;
                cfg.capacity = self.capacity(&p, &k.capacity);
            }
            Spec::Queue(q) => {
                cfg.kind = KindCfg::Queue {
                    persistent: q.persistent,
                    standby: q.standby,
                    takeover: self.dur0(p.child("takeover"), &q.takeover),
                };
                cfg.nodes = if q.standby { 2 } else { 1 };
                cfg.capacity = self.capacity(&p, &q.capacity);
                if !q.persistent && self.s.fidelity == Fidelity::Flow {
                    self.warn_about(
                        p.child("persistent"),
                        "the flow level has no messages in flight, so it counts no lost messages when this non-persistent queue crashes; run at request level to count them",
                        &c.id,
                    );
                }
            }
            Spec::Database(d) => self.database(&p, c, d, &mut cfg),
            Spec::SearchIndex(st) | Spec::DocStore(st) => {
                cfg.kind = KindCfg::Store {
                    embedded: st.embedded,
                };
                cfg.nodes = st.nodes.clamp(1, MAX_NODES);
                if !st.embedded {
                    cfg.nodes = self.node_count(p.child("nodes"), st.nodes, 1);
                    if st.replicas >= st.nodes.max(1) {
                        self.err(
                            p.child("replicas"),
                            format!("{} replicas need more than {} nodes (a replica lives on another node)", st.replicas, st.nodes),
                        );
                    }
                }
                cfg.capacity = self.capacity(&p, &st.capacity);
            }
        }
        cfg
    }

    fn failure(&mut self, base: &Location, f: &Stochastic) -> FailureCfg {
        let at = base.child("failure");
        let mtbf = self.dur_pos1(at.child("mtbf"), &f.mtbf);
        let mttr = self.dur_pos1(at.child("mttr"), &f.mttr);
        let repair = match f.repair {
            RepairDistribution::Exponential => RepairCfg::Exponential,
            RepairDistribution::Lognormal { sigma } => RepairCfg::Lognormal(
                self.positive(at.child("repair.lognormal.sigma"), sigma, MAX_SIGMA)
                    .unwrap_or(1.0),
            ),
            RepairDistribution::Fixed => RepairCfg::Fixed,
        };
        FailureCfg { mtbf, mttr, repair }
    }

    fn load_balancer(
        &mut self,
        base: &Location,
        p: &Location,
        c: &Component,
        lb: &LoadBalancer,
        cfg: &mut ComponentCfg,
    ) {
        let hc = p.child("health_check");
        // The health check and the algorithm go into the routing of the tiers behind it.
        let health = HealthCfg {
            interval: self.dur_pos1(hc.child("interval"), &lb.health_check.interval),
            timeout: self
                .dur_pos(hc.child("timeout"), &lb.health_check.timeout)
                .unwrap_or(0),
            fall: self.count(hc.child("fall"), lb.health_check.fall, 1, MAX_CHECKS),
            rise: self.count(hc.child("rise"), lb.health_check.rise, 1, MAX_CHECKS),
        };
        let i = base.component_index().unwrap_or(0);
        self.routers[i] = Some(RouterCfg {
            algorithm: match lb.algorithm {
                Algorithm::RoundRobin => Algo::RoundRobin,
                Algorithm::LeastConnections => Algo::LeastConnections,
                Algorithm::Random => Algo::Random,
            },
            health,
            sticky: lb.sticky,
            retry_idempotent: lb.retry_idempotent,
        });
        let (heartbeat, misses) = self.heartbeat(&p.child("heartbeat"), &lb.heartbeat);
        let pair = lb.mode == LbMode::ActivePassive;
        cfg.kind = KindCfg::LoadBalancer {
            pair,
            heartbeat,
            misses,
            takeover: self.dur0(p.child("takeover"), &lb.takeover),
            deep: lb.health_check.deep,
        };
        cfg.nodes = if pair { 2 } else { 1 };
        cfg.capacity = self.capacity(p, &lb.capacity);
        if c.next.is_empty() {
            self.err_about(
                base.child("next"),
                "a load balancer needs at least one backend component in next",
                &c.id,
            );
        }
    }

    fn app(&mut self, p: &Location, a: &App, cfg: &mut ComponentCfg) {
        cfg.nodes = self.nodes(p, a.nodes, &a.redundancy);
        cfg.capacity = self.capacity(p, &a.capacity);
        (cfg.spares, cfg.spare_mode, cfg.spare_delay) = self.redundancy(p, &a.redundancy);
        let cost = if (0.0..=1.0).contains(&a.replication_cost) {
            a.replication_cost
        } else {
            self.err(
                p.child("replication_cost"),
                format!(
                    "must be a share of a request's service time between 0 and 1, not {}",
                    a.replication_cost
                ),
            );
            0.0
        };
        if a.sessions != Replication::None && a.nodes.saturating_add(a.redundancy.spares) < 2 {
            self.warn(
                p.child("sessions"),
                "session replication needs at least 2 nodes: with one there is nowhere to copy to",
            );
        }
        cfg.kind = KindCfg::App {
            replication: match a.sessions {
                Replication::None => Repl::None,
                Replication::Buddy => Repl::Buddy,
                Replication::All => Repl::All,
            },
            cost,
        };
        cfg.cross_site_sessions = a.cross_site;
    }

    pub(super) fn capacity(&mut self, p: &Location, c: &Capacity) -> CapacityCfg {
        let at = p.child("capacity");
        let workers = self.count(at.child("workers"), c.workers, 1, MAX_WORKERS);
        let service = self.dur_pos(at.child("service_time"), &c.service_time);
        let queue_limit = self.count(at.child("queue_limit"), c.queue_limit, 0, MAX_QUEUE_LIMIT);
        CapacityCfg {
            workers,
            service: service.unwrap_or(0),
            queue_limit,
        }
    }

    /// `(interval, misses)` of a heartbeat.
    pub(super) fn heartbeat(&mut self, at: &Location, h: &Heartbeat) -> (u64, u32) {
        let interval = self.dur_pos(at.child("interval"), &h.interval).unwrap_or(0);
        let misses = self.count(at.child("misses"), h.misses, 1, MAX_CHECKS);
        (interval, misses)
    }

    /// `(spares, mode, delay from detection to a spare serving)`.
    fn redundancy(&mut self, p: &Location, r: &Redundancy) -> (u32, crate::sim::SpareMode, u64) {
        let at = p.child("redundancy");
        let switchover = self.dur0(at.child("switchover"), &r.switchover);
        let boot = self.dur0(at.child("boot"), &r.boot);
        let manual = self.dur0(at.child("manual"), &r.manual);
        // `nodes` checks serving nodes plus spares against the limit.
        let spares = r.spares.min(MAX_NODES);
        match r.mode {
            SpareMode::Hot => (spares, crate::sim::SpareMode::Hot, 0),
            SpareMode::Warm => (spares, crate::sim::SpareMode::Warm, switchover),
            SpareMode::Cold => (
                spares,
                crate::sim::SpareMode::Cold,
                boot.saturating_add(manual),
            ),
        }
    }

    /// Serving nodes of a web or app cluster: at least one, at most [`MAX_NODES`] with spares.
    fn nodes(&mut self, p: &Location, nodes: u32, r: &Redundancy) -> u32 {
        let at = p.child("nodes");
        self.node_count(at.clone(), nodes.saturating_add(r.spares), 0);
        if nodes < 1 {
            self.err(at, "must be ≥ 1");
            return 1;
        }
        nodes.min(MAX_NODES)
    }

    /// A node count of at least `min`, at most [`MAX_NODES`].
    fn node_count(&mut self, at: Location, n: u32, min: u32) -> u32 {
        if n < min {
            self.err(at, format!("must be ≥ {min}"));
            return min.max(1);
        }
        if n > MAX_NODES {
            self.err(
                at,
                format!("{n} nodes; the limit is {MAX_NODES} per component"),
            );
            return MAX_NODES;
        }
        n.max(1)
    }
}
