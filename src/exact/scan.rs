//! What the exact model leaves out of a scenario, part by part, and the simplifications every
//! value it gives rests on.

use super::{Model, NotModelled, AVAILABILITY, DOWNTIME, LOST_WRITES, NO_ALT};
use crate::sim::{Config, FaultCfg, Fidelity, KindCfg, ProfileCfg, RepairCfg};

fn note(path: impl Into<String>, what: impl Into<String>, affects: &[&str]) -> NotModelled {
    NotModelled {
        path: path.into(),
        what: what.into(),
        affects: affects.iter().map(|s| s.to_string()).collect(),
    }
}

const SERVICE: [&str; 3] = [AVAILABILITY, DOWNTIME, LOST_WRITES];

/// Appends a note per part of `cfg` without an exact counterpart.
pub(crate) fn scan(cfg: &Config, model: &Model, notes: &mut Vec<NotModelled>) {
    faults(cfg, notes);
    if cfg.traffic.client_retries > 0 {
        notes.push(note(
            "traffic.client_retries",
            "client retries: a failed request tried again later may succeed",
            &[AVAILABILITY, DOWNTIME],
        ));
    }
    if cfg.fidelity == Fidelity::Request {
        notes.push(note(
            "fidelity",
            "request level: queueing (M/M/c/K) losses and timeouts; the flow level's fluid \
             overload is modelled",
            &[AVAILABILITY, DOWNTIME],
        ));
    }
    if model.paths.len() > 1 {
        if let Some(why) = &model.routing_gap {
            notes.push(note("routing", why.clone(), &SERVICE));
        }
    }
    affinity(cfg, model, notes);
    let mut seen: Vec<u32> = Vec::new();
    let mut overload = false;
    for path in &model.paths {
        let mut on: Vec<u32> = Vec::new();
        let mut cache_before = false;
        for hop in path {
            let c = hop.comp as usize;
            let comp = &cfg.components[c];
            if on.contains(&hop.comp) {
                notes.push(note(
                    format!("components[{c}]"),
                    "visited twice on one path: its two visits are not independent",
                    &SERVICE,
                ));
            }
            on.push(hop.comp);
            if seen.contains(&hop.comp) {
                continue;
            }
            let can_overload = {
                let (r, w) = model.loads[c];
                r + w > super::models_capacity(comp)
            };
            if comp.spares > 0
                && comp.spare_mode != crate::sim::SpareMode::Hot
                && comp.failure.is_some()
            {
                notes.push(note(
                    format!("components[{c}].spec"),
                    "warm or cold spares drifting to hot: a spare that finishes taking over \
                     after the failed node came back (or dies while taking over) leaves more \
                     than `nodes` serving for the rest of the run (sim/control/health.rs); \
                     exact values are for the tier as designed, `nodes` serving",
                    &[AVAILABILITY, DOWNTIME],
                ));
            }
            if hop.alt != NO_ALT {
                notes.push(note(
                    format!("components[{c}]"),
                    "blue/green sibling clusters: only the first cluster is modelled",
                    &SERVICE,
                ));
            }
            if comp.router.sticky && comp.failure.is_some() && is_tier(&comp.kind) {
                notes.push(note(
                    format!("components[{c}].spec"),
                    "sticky sessions: the share of sessions homed on a dead node depends on \
                     history; computed as if the balancer spread every request",
                    &[AVAILABILITY, DOWNTIME],
                ));
            }
            if can_overload && (cache_before || comp.router.retry_idempotent) {
                notes.push(note(
                    format!("components[{c}]"),
                    "overload whose load depends on other components' states (a cache before \
                     it, or retried reads): computed at the nominal load",
                    &[AVAILABILITY, DOWNTIME],
                ));
            }
            overload |= can_overload;
            if matches!(comp.kind, KindCfg::Cache { .. }) {
                cache_before = true;
            }
            seen.push(hop.comp);
        }
    }
    if overload && !matches!(cfg.traffic.profile, ProfileCfg::Constant) {
        notes.push(note(
            "traffic.profile",
            "a varying traffic profile where capacity can run short: overload is computed at \
             the mean load",
            &[AVAILABILITY, DOWNTIME],
        ));
    }
}

/// Sessions on an app cluster that neither keeps them on their node (sticky) nor replicates
/// them are lost at their next request elsewhere and end there, so fewer requests are offered
/// while they live on its nodes than while an outage holds them before it: request
/// availability weighs the offered requests by state.
fn affinity(cfg: &Config, model: &Model, notes: &mut Vec<NotModelled>) {
    if cfg.components.iter().all(|x| x.failure.is_none()) {
        return;
    }
    let mut seen: Vec<u32> = Vec::new();
    for path in &model.paths {
        let Some(hop) = path
            .iter()
            .find(|h| matches!(cfg.components[h.comp as usize].kind, KindCfg::App { .. }))
        else {
            continue;
        };
        let c = hop.comp as usize;
        let comp = &cfg.components[c];
        let lossy = matches!(
            comp.kind,
            KindCfg::App {
                replication: crate::sim::Repl::None,
                ..
            }
        ) && !comp.router.sticky
            && comp.total_nodes() > 1;
        if lossy && !seen.contains(&hop.comp) {
            seen.push(hop.comp);
            notes.push(note(
                format!("components[{c}].spec"),
                "sessions without affinity or replication: each is lost at its next request on \
                 another node and ends, so the requests offered depend on the state (more \
                 while an outage keeps them from this cluster); weighted as constant",
                &[AVAILABILITY, DOWNTIME],
            ));
        }
    }
}

fn is_tier(k: &KindCfg) -> bool {
    matches!(
        k,
        KindCfg::Web | KindCfg::App { .. } | KindCfg::Store { embedded: false }
    )
}

/// A note per scripted fault, touching the service metrics and the alive figures of the
/// components whose nodes it can take down.
fn faults(cfg: &Config, notes: &mut Vec<NotModelled>) {
    for (i, f) in cfg.faults.iter().enumerate() {
        let keys: Vec<String> = match (f, f.comp()) {
            (FaultCfg::Traffic(_), _) => Vec::new(),
            (FaultCfg::Site(crate::sim::SiteFamily::Partition { .. }), _)
            | (FaultCfg::Site(crate::sim::SiteFamily::DnsFailure { .. }), _) => Vec::new(),
            (_, Some(c)) => cfg
                .components
                .get(c as usize)
                .map(|x| vec![format!("components.{}.alive", x.id)])
                .unwrap_or_default(),
            (_, None) => cfg
                .components
                .iter()
                .map(|x| format!("components.{}.alive", x.id))
                .collect(),
        };
        let mut n = note(
            format!("faults[{i}]"),
            "a scripted fault: the exact model covers random failures and repairs only",
            &SERVICE,
        );
        n.affects.extend(keys);
        notes.push(n);
    }
}

/// The simplifications every value rests on; `routed` when BGP failover has its model.
pub(crate) fn assumptions(cfg: &Config, routed: bool) -> Vec<String> {
    let mut out = vec![
        "long-run (steady-state) values: a run starts with every node up, so a finite horizon \
         sees slightly fewer failures (bias of the order MTTR / horizon)"
            .to_string(),
        "delays (detection, rise, takeover, switch-over, boot, promotion) enter the chains as \
         exponential phases with the engine's mean; the engine's are fixed or uniform, which \
         differs only when a second failure or repair falls inside one delay (second order in \
         delay / MTBF)"
            .to_string(),
        "components fail independently (one repair crew per node, as in the engine)".to_string(),
    ];
    let repairs = cfg
        .components
        .iter()
        .filter_map(|c| c.failure.as_ref())
        .any(|f| f.repair != RepairCfg::Exponential);
    if repairs {
        out.push(
            "fixed and log-normal repair times: alive shares are exact (they depend on the \
             mean only); the split of a repair into detection, repair and rise uses an \
             exponential repair of the same mean"
                .to_string(),
        );
    }
    let db_kinds = cfg.components.iter().any(|c| match &c.kind {
        KindCfg::Database(db) => db
            .replicas
            .iter()
            .any(|r| r.standby != crate::sim::StandbyKind::Hot),
        _ => false,
    });
    if routed {
        out.push(
            "BGP failover: each entry is withdrawn and listed again the detection + convergence \
             delay after its watched component is all dead or back; one entry is followed at a \
             time (two entries withdrawn together is second order), and with more than one \
             node in an entry's watched component a failure within that delay of its return \
             counts as if it were listed (relative error below failure rate × delay)"
                .to_string(),
        );
    }
    if db_kinds {
        out.push(
            "a warm or cold database replica is slower only at its first promotion: the engine \
             re-adds the old primary as a hot replica, so the long run promotes hot replicas"
                .to_string(),
        );
    }
    out
}
