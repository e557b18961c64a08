//! Compilation of a (validated) scenario into the engine's configuration: ids become indices,
//! durations become µs, defaults are applied. Never panics: bad values are clamped or skipped.

use super::format::*;
use super::format::{Fidelity, SpareMode};
use crate::sim::config::*;
use crate::sim::Time;

/// Durations are capped at 1 000 years so that sums of a few never overflow.
const MAX_DUR: Time = 1_000 * 365 * 86_400 * 1_000_000;

fn us(d: &super::Dur) -> Time {
    d.us().min(MAX_DUR)
}

fn finite(x: f64, lo: f64, hi: f64, default: f64) -> f64 {
    if x.is_finite() {
        x.clamp(lo, hi)
    } else {
        default
    }
}

fn capacity(c: &Capacity) -> CapacityCfg {
    CapacityCfg {
        workers: c.workers.clamp(1, 1_000_000),
        service: us(&c.service_time),
        queue_limit: c.queue_limit.min(10_000_000),
    }
}

/// Builds the engine configuration. Unknown references are skipped.
pub fn build_config(s: &Scenario) -> Config {
    let site_idx = |id: &str| s.sites.iter().position(|x| x.id == id).map(|i| i as u32);
    let comp_idx = |id: &str| {
        s.components
            .iter()
            .position(|x| x.id == id)
            .map(|i| i as u32)
    };
    let sites: Vec<SiteCfg> = s
        .sites
        .iter()
        .map(|x| SiteCfg {
            id: x.id.clone(),
            regional: x.kind == SiteKind::Regional,
        })
        .collect();
    let n = sites.len();
    let mut lat = vec![0; n * n];
    // default latency by kind: 1 ms between zonal sites, 20 ms when either is regional
    for i in 0..n {
        for j in 0..n {
            if i != j {
                lat[i * n + j] = if sites[i].regional || sites[j].regional {
                    20_000
                } else {
                    1_000
                };
            }
        }
    }
    for l in &s.site_links {
        if let (Some(a), Some(b)) = (site_idx(&l.a), site_idx(&l.b)) {
            let (a, b) = (a as usize, b as usize);
            lat[a * n + b] = us(&l.latency);
            lat[b * n + a] = us(&l.latency);
        }
    }
    let mut components: Vec<ComponentCfg> = s
        .components
        .iter()
        .map(|c| {
            let site = c.site.as_deref().and_then(site_idx).unwrap_or(NONE);
            let next = c.next.iter().filter_map(|x| comp_idx(x)).collect();
            let failure = c.failure.as_ref().and_then(|f| {
                let mtbf = us(&f.mtbf);
                (mtbf > 0).then(|| FailureCfg {
                    mtbf,
                    mttr: us(&f.mttr),
                    repair: match f.repair {
                        RepairDistribution::Exponential => RepairCfg::Exponential,
                        RepairDistribution::Lognormal { sigma } => {
                            RepairCfg::Lognormal(finite(sigma, 0.0, 5.0, 1.0))
                        }
                        RepairDistribution::Fixed => RepairCfg::Fixed,
                    },
                })
            });
            let red = |r: &Redundancy| {
                (
                    r.spares.min(1000),
                    match r.mode {
                        SpareMode::Hot => crate::sim::SpareMode::Hot,
                        SpareMode::Warm => crate::sim::SpareMode::Warm,
                        SpareMode::Cold => crate::sim::SpareMode::Cold,
                    },
                    match r.mode {
                        SpareMode::Hot => 0,
                        SpareMode::Warm => us(&r.switchover),
                        SpareMode::Cold => us(&r.boot).saturating_add(us(&r.manual)),
                    },
                )
            };
            let mut cfg = ComponentCfg {
                id: c.id.clone(),
                site,
                next,
                failure,
                nodes: 1,
                ..ComponentCfg::default()
            };
            match &c.spec {
                Spec::LoadBalancer(lb) => {
                    let pair = lb.mode == LbMode::ActivePassive;
                    cfg.kind = KindCfg::LoadBalancer {
                        pair,
                        heartbeat: us(&lb.heartbeat.interval),
                        misses: lb.heartbeat.misses.min(100),
                        takeover: us(&lb.takeover),
                        deep: lb.health_check.deep,
                    };
                    cfg.nodes = if pair { 2 } else { 1 };
                    cfg.capacity = capacity(&lb.capacity);
                }
                Spec::Web(web) => {
                    cfg.kind = KindCfg::Web;
                    cfg.nodes = web.nodes.clamp(1, 1000);
                    cfg.capacity = capacity(&web.capacity);
                    (cfg.spares, cfg.spare_mode, cfg.spare_delay) = red(&web.redundancy);
                }
                Spec::App(app) => {
                    cfg.kind = KindCfg::App {
                        replication: match app.sessions {
                            Replication::None => Repl::None,
                            Replication::Buddy => Repl::Buddy,
                            Replication::All => Repl::All,
                        },
                        cost: finite(app.replication_cost, 0.0, 10.0, 0.0),
                    };
                    cfg.cross_site_sessions = app.cross_site;
                    cfg.nodes = app.nodes.clamp(1, 1000);
                    cfg.capacity = capacity(&app.capacity);
                    (cfg.spares, cfg.spare_mode, cfg.spare_delay) = red(&app.redundancy);
                }
                Spec::Cache(cache) => {
                    cfg.kind = KindCfg::Cache {
                        hit_ratio: finite(cache.hit_ratio, 0.0, 1.0, 0.0),
                        replicated: cache.replicated,
                    };
                    cfg.required = cache.required;
                    cfg.nodes = cache.nodes.clamp(1, 1000);
                    cfg.capacity = capacity(&cache.capacity);
                }
                Spec::Queue(q) => {
                    cfg.kind = KindCfg::Queue {
                        persistent: q.persistent,
                        standby: q.standby,
                        takeover: us(&q.takeover),
                    };
                    cfg.nodes = if q.standby { 2 } else { 1 };
                    cfg.capacity = capacity(&q.capacity);
                }
                Spec::Database(db) => {
                    let replicas: Vec<ReplicaCfg> = db
                        .replicas
                        .iter()
                        .take(100)
                        .map(|r| ReplicaCfg {
                            site: r.site.as_deref().and_then(site_idx).unwrap_or(site),
                            standby: match r.standby {
                                Standby::Hot => StandbyKind::Hot,
                                Standby::Warm => StandbyKind::Warm,
                                Standby::Cold => StandbyKind::Cold,
                            },
                        })
                        .collect();
                    cfg.nodes = 1 + replicas.len() as u32;
                    cfg.capacity = capacity(&db.capacity);
                    cfg.kind = KindCfg::Database(DbCfg {
                        replicas,
                        sync: db.replication == ReplicationMode::Sync,
                        lag: us(&db.lag),
                        detection: us(&db.detection.interval)
                            .saturating_mul(u64::from(db.detection.misses.clamp(1, 100))),
                        manual: (db.failover == FailoverMode::Manual)
                            .then(|| us(&db.manual_response)),
                        promotion: us(&db.promotion),
                        catchup: us(&db.catchup),
                        restore: us(&db.restore),
                        backup_interval: us(&db.backup_interval).max(1),
                        fence: db.fence_unreachable.as_ref().map(us),
                    });
                }
                Spec::SearchIndex(st) | Spec::DocStore(st) => {
                    cfg.kind = KindCfg::Store {
                        embedded: st.embedded,
                    };
                    cfg.nodes = st.nodes.clamp(1, 1000);
                    cfg.capacity = capacity(&st.capacity);
                }
            }
            cfg
        })
        .collect();
    // Each tier takes its routing (algorithm, health checks, stickiness, retry) from the nearest
    // load balancer upstream.
    let mut router: Vec<Option<RouterCfg>> = vec![None; components.len()];
    let mut frontier: Vec<(u32, Option<RouterCfg>)> = s
        .traffic
        .entry
        .iter()
        .filter_map(|e| comp_idx(e))
        .map(|e| (e, None))
        .collect();
    let mut seen = vec![false; components.len()];
    while let Some((c, inherited)) = frontier.pop() {
        let ci = c as usize;
        if seen[ci] {
            continue;
        }
        seen[ci] = true;
        router[ci] = inherited.clone();
        let own = match &s.components[ci].spec {
            Spec::LoadBalancer(lb) => Some(RouterCfg {
                algorithm: match lb.algorithm {
                    Algorithm::RoundRobin => Algo::RoundRobin,
                    Algorithm::LeastConnections => Algo::LeastConnections,
                    Algorithm::Random => Algo::Random,
                },
                health: HealthCfg {
                    interval: us(&lb.health_check.interval).max(1),
                    timeout: us(&lb.health_check.timeout),
                    fall: lb.health_check.fall.clamp(1, 100),
                    rise: lb.health_check.rise.clamp(1, 100),
                },
                sticky: lb.sticky,
                retry_idempotent: lb.retry_idempotent,
            }),
            _ => inherited,
        };
        for n in components[ci].next.clone().into_iter().rev() {
            frontier.push((n, own.clone()));
        }
    }
    for (c, r) in components.iter_mut().zip(router) {
        if let Some(r) = r {
            c.router = r;
        }
    }
    let entries: Vec<u32> = s.traffic.entry.iter().filter_map(|e| comp_idx(e)).collect();
    let t = &s.traffic;
    let traffic = TrafficCfg {
        sessions_per_s: finite(t.sessions_per_s, 0.0, 1e7, 0.0),
        session_duration: us(&t.session_duration),
        requests_per_session: finite(t.requests_per_session, 1.0, 1e6, 1.0),
        write_share: finite(t.write_share, 0.0, 1.0, 0.0),
        idempotent_share: finite(t.idempotent_share, 0.0, 1.0, 0.0),
        timeout: us(&t.timeout).max(1),
        client_retries: t.client_retries.min(100),
        retry_delay: us(&t.retry_delay),
        profile: match &t.profile {
            Profile::Constant => ProfileCfg::Constant,
            Profile::Daily {
                peak,
                trough,
                peak_at,
            } => ProfileCfg::Daily {
                peak: finite(*peak, 0.0, 1e6, 1.0),
                trough: finite(*trough, 0.0, 1e6, 1.0),
                peak_at: us(peak_at),
            },
            Profile::Steps(steps) => {
                let mut v: Vec<(Time, f64)> = steps
                    .iter()
                    .map(|x| (us(&x.at), finite(x.factor, 0.0, 1e6, 1.0)))
                    .collect();
                v.sort_by_key(|x| x.0);
                ProfileCfg::Steps(v)
            }
        },
    };
    let routing = match &s.routing {
        GlobalRouting::Single => RoutingCfg::Single,
        GlobalRouting::Dns {
            ttl,
            detection,
            stale_share,
            stale_for,
            active_active,
        } => RoutingCfg::Dns {
            ttl: us(ttl),
            detection: us(detection),
            stale_share: finite(*stale_share, 0.0, 1.0, 0.0),
            stale_for: us(stale_for),
            active_active: *active_active,
        },
        GlobalRouting::Bgp {
            convergence,
            detection,
            active_active,
        } => RoutingCfg::Bgp {
            convergence: us(convergence),
            detection: us(detection),
            active_active: *active_active,
        },
    };
    let node = |target: &str, node: Option<u32>, at: &super::Dur, duration: &Option<super::Dur>| {
        comp_idx(target).map(|comp| NodeFaultCfg {
            at: us(at),
            comp,
            node,
            duration: duration.as_ref().map(us),
        })
    };
    let faults = s
        .faults
        .iter()
        .filter_map(|f| {
            Some(match f {
                Fault::Crash(x) => FaultCfg::Crash(node(&x.target, x.node, &x.at, &x.duration)?),
                Fault::Hang(x) => FaultCfg::Hang(node(&x.target, x.node, &x.at, &x.duration)?),
                Fault::Corruption(x) => {
                    FaultCfg::Corruption(node(&x.target, x.node, &x.at, &x.duration)?)
                }
                Fault::ErrorRate(x) => FaultCfg::ErrorRate(
                    node(&x.target, x.node, &x.at, &x.duration)?,
                    finite(x.rate, 0.0, 1.0, 0.0),
                ),
                Fault::Latency(x) => {
                    FaultCfg::Latency(node(&x.target, x.node, &x.at, &x.duration)?, us(&x.added))
                }
                Fault::Leak(x) => FaultCfg::Leak {
                    at: us(&x.at),
                    comp: comp_idx(&x.target)?,
                    node: x.node,
                    exhaustion: us(&x.exhaustion),
                    restart: us(&x.restart),
                },
                Fault::Flapping(x) => FaultCfg::Flapping {
                    at: us(&x.at),
                    comp: comp_idx(&x.target)?,
                    node: x.node,
                    down: us(&x.down),
                    up: us(&x.up),
                    cycles: x.cycles.min(limits::MAX_FLAP_CYCLES),
                },
                Fault::SiteOutage(x) => FaultCfg::SiteOutage {
                    at: us(&x.at),
                    site: site_idx(&x.site)?,
                    duration: x.duration.as_ref().map(us),
                },
                Fault::Partition(x) => FaultCfg::Partition {
                    at: us(&x.at),
                    a: site_idx(&x.a)?,
                    b: site_idx(&x.b)?,
                    one_way: x.one_way,
                    comp: x.component.as_deref().and_then(comp_idx),
                    duration: x.duration.as_ref().map(us),
                },
                Fault::TrafficSpike(x) => FaultCfg::TrafficSpike {
                    at: us(&x.at),
                    factor: finite(x.factor, 0.0, 1e4, 1.0),
                    duration: us(&x.duration),
                },
                Fault::DnsFailure(x) => FaultCfg::DnsFailure {
                    at: us(&x.at),
                    duration: x.duration.as_ref().map(us),
                },
                Fault::RollingRestart(x) => FaultCfg::RollingRestart {
                    at: us(&x.at),
                    comp: comp_idx(&x.target)?,
                    batch: x.batch.max(1),
                    drain: us(&x.drain),
                    restart: us(&x.restart),
                },
                Fault::BlueGreen(x) => FaultCfg::BlueGreen {
                    at: us(&x.at),
                    blue: comp_idx(&x.blue)?,
                    green: comp_idx(&x.green)?,
                    drain: us(&x.drain),
                    deploy: us(&x.deploy),
                },
                Fault::SiteSwitchover(x) => FaultCfg::SiteSwitchover {
                    at: us(&x.at),
                    from: site_idx(&x.from)?,
                    to: site_idx(&x.to)?,
                },
                Fault::DbSwitchover(x) => FaultCfg::DbSwitchover {
                    at: us(&x.at),
                    comp: comp_idx(&x.target)?,
                },
            })
        })
        .collect();
    Config {
        name: s.name.clone(),
        seed: s.seed,
        horizon: us(&s.horizon),
        fidelity: match s.fidelity {
            Fidelity::Request => crate::sim::Fidelity::Request,
            Fidelity::Flow => crate::sim::Fidelity::Flow,
        },
        traffic,
        routing,
        sites,
        site_latency: lat,
        entries,
        components,
        faults,
        window: us(&s.metrics.window).max(1_000_000),
        success_threshold: finite(s.metrics.success_threshold, 0.0, 1.0, 0.99),
    }
}
