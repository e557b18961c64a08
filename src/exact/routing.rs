//! Global routing between entries (BGP): an entry whose check target is all dead is withdrawn
//! once the check sees it after the routing delay (detection + convergence), and listed again
//! the same delay after it is back (`sim/control/routing.rs`). Its traffic fails until the
//! withdrawal and meanwhile goes to the other entries; sessions moved away stay there after the
//! entry is listed again and end at their own pace.
//!
//! Per entry, with the check target's all-dead periods exponential (independent nodes with
//! exponential repairs: the all-dead state ends at rate ν = n·μ), q its share of time all dead
//! and f = q·ν its all-dead periods per second, over a delay D:
//! - listed while all dead (requests fail): f · E[min(Down, D)] = f (1 − e^{−νD}) / ν;
//! - withdrawn: f · P(Down > D) · (E[Down | Down > D] − D + D) = f e^{−νD} (1/ν + D);
//! - with one node (n = 1) exactly, with the chance that the entry fails again within D of its
//!   return while still withdrawn (then it never was listed: no failing window, and it stays
//!   withdrawn until D after its next return) — a two-state chain over the failures;
//! - after each return the sessions that moved away bring a share of the traffic that decays
//!   with their lifetime τ = L(R − 1)/R: in all τ (R − 1)/R of the entry's share, served where
//!   they are.
//!
//! The service: each entry's share weighted by its path given its check target alive, its
//! withdrawn time by the other entries' paths. Two entries withdrawn at once are not followed
//! (a second-order term, `scan::assumptions` says so).

use super::models::Outcome;
use super::{path_pass, Model, S};
use crate::sim::{Config, KindCfg, RepairCfg, RoutingCfg, SpareMode};

/// What global routing adds to the model: its delay and each entry's check target.
#[derive(Clone, Debug)]
pub(crate) struct Routing {
    /// Detection + convergence, in seconds.
    delay: f64,
    active_active: bool,
    /// τ (R − 1)/R in seconds: traffic-seconds a returned entry's moved sessions keep away.
    tail: f64,
    /// Per entry, the component whose nodes its global health check watches.
    target: Vec<usize>,
}

/// Time shares of one entry: listed with its target all dead, withdrawn, and returned but with
/// its old sessions still elsewhere.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub(crate) struct Shares {
    pub(crate) failing: f64,
    pub(crate) withdrawn: f64,
    pub(crate) away: f64,
}

impl Shares {
    /// The rest: listed with its target alive and its sessions home.
    fn home(&self) -> f64 {
        (1.0 - self.failing - self.withdrawn - self.away).max(0.0)
    }
}

/// The routing model of `cfg`, or why there is none (a sentence for `not_modelled`).
pub(crate) fn of(cfg: &Config) -> Result<Option<Routing>, String> {
    let (delay, active_active) = match cfg.routing {
        RoutingCfg::Single => return Ok(None),
        RoutingCfg::Dns { .. } => {
            return Err(
                "DNS failover between entries (cached answers expire over their TTL, \
                 stale resolvers keep old ones): each entry's path is exact, the service is \
                 their traffic-weighted mean as if routing never changed"
                    .into(),
            )
        }
        RoutingCfg::Bgp {
            detection,
            convergence,
            active_active,
        } => ((detection + convergence) as f64 / S, active_active),
    };
    if cfg.entries.len() < 2 {
        return Ok(None);
    }
    let mut target = Vec::new();
    for &e in &cfg.entries {
        let c = &cfg.components[e as usize];
        let shallow = match c.kind {
            KindCfg::LoadBalancer { deep, .. } => !deep,
            KindCfg::Web | KindCfg::App { .. } => c.spares == 0 || c.spare_mode == SpareMode::Hot,
            _ => false,
        };
        if !shallow {
            return Err(format!(
                "BGP failover from entry {}: only a plain load balancer or a tier without warm \
                 or cold spares is modelled as what the route's health check watches (a deep \
                 `/lb-check` watches the whole path)",
                c.id
            ));
        }
        if c.failure
            .as_ref()
            .is_some_and(|f| f.repair != RepairCfg::Exponential)
        {
            return Err(format!(
                "BGP failover from entry {}: its repairs are not exponential, so its all-dead \
                 periods have no closed form here",
                c.id
            ));
        }
        target.push(e as usize);
    }
    let t = &cfg.traffic;
    let r = t.requests_per_session.max(1.0);
    let keep = (r - 1.0) / r;
    let tail = t.session_duration.max(1) as f64 / S * keep * keep;
    Ok(Some(Routing {
        delay,
        active_active,
        tail,
        target,
    }))
}

/// Share of time every node of the component with outcome `o` is dead.
fn all_dead(o: &Outcome) -> f64 {
    o.alive.first().copied().unwrap_or(0.0)
}

impl Routing {
    /// The time shares of an entry whose target has outcome `o`.
    pub(crate) fn shares(&self, o: &Outcome) -> Shares {
        let q = all_dead(o);
        let nu = o.down_exit;
        if q <= 0.0 {
            return Shares::default();
        }
        if q >= 1.0 || nu <= 0.0 {
            // never back: withdrawn for good after the first delay
            return Shares {
                withdrawn: 1.0,
                ..Shares::default()
            };
        }
        let d = self.delay;
        let f = q * nu;
        let long = libm::exp(-nu * d);
        let short = (1.0 - long) / nu;
        let n = o.alive.len().saturating_sub(1);
        if n == 1 {
            // up periods exponential at λ = ν q / (1 − q); p: the entry fails again within D
            let lambda = nu * q / (1.0 - q);
            let p = 1.0 - libm::exp(-lambda * d);
            let within = if lambda > 0.0 { p / lambda } else { d };
            // share of failures that find the entry withdrawn (chain: listed → withdrawn with
            // P(Down > D) p, withdrawn → withdrawn with p)
            let pw = long * p / (1.0 - p + long * p);
            let withdraws = (1.0 - pw) * long + pw;
            Shares {
                failing: f * (1.0 - pw) * short,
                withdrawn: f * withdraws * (1.0 / nu + within),
                away: f * withdraws * (1.0 - p) * self.tail,
            }
        } else {
            Shares {
                failing: f * short,
                withdrawn: f * long * (1.0 / nu + d),
                away: f * long * self.tail,
            }
        }
    }

    /// Reads and writes served by the service with these outcomes: each entry in use at its
    /// share, its path given its target alive while it is home, the others' while away.
    pub(crate) fn service(&self, cfg: &Config, model: &Model, outcomes: &[Outcome]) -> (f64, f64) {
        let n = model.paths.len();
        let pass: Vec<(f64, f64)> = model
            .paths
            .iter()
            .map(|p| path_pass(cfg, p, outcomes))
            .collect();
        let mut out = (0.0, 0.0);
        for (e, share) in model.entry_share.iter().enumerate().take(n) {
            if *share <= 0.0 {
                continue;
            }
            let o = &outcomes[self.target[e]];
            let sh = self.shares(o);
            let up = 1.0 - all_dead(o);
            let given_up = |x: f64| if up > 0.0 { x / up } else { 0.0 };
            let (else_r, else_w) = self.elsewhere(e, &pass);
            let home = sh.home();
            let away = sh.withdrawn + sh.away;
            out.0 += share * (home * given_up(pass[e].0) + away * else_r);
            out.1 += share * (home * given_up(pass[e].1) + away * else_w);
        }
        out
    }

    /// Share of time entry `e`'s target passes every request reaching it: while home, as its
    /// outcome given alive; while away nothing reaches it.
    pub(crate) fn target_all_served(&self, o: &Outcome) -> f64 {
        let sh = self.shares(o);
        let up = 1.0 - all_dead(o);
        let given_up = if up > 0.0 { o.all_served / up } else { 0.0 };
        sh.home() * given_up + sh.withdrawn + sh.away
    }

    /// Whether component `c` is an entry's check target.
    pub(crate) fn is_target(&self, c: usize) -> bool {
        self.target.contains(&c)
    }

    /// Where entry `e`'s traffic goes while it is withdrawn: the next entry (active/passive),
    /// or the others evenly (active/active).
    fn elsewhere(&self, e: usize, pass: &[(f64, f64)]) -> (f64, f64) {
        let others: Vec<&(f64, f64)> = if self.active_active {
            pass.iter()
                .enumerate()
                .filter(|(f, _)| *f != e)
                .map(|(_, p)| p)
                .collect()
        } else {
            pass.get(1).into_iter().collect()
        };
        if others.is_empty() {
            return (0.0, 0.0);
        }
        let k = others.len() as f64;
        (
            others.iter().map(|p| p.0).sum::<f64>() / k,
            others.iter().map(|p| p.1).sum::<f64>() / k,
        )
    }
}
