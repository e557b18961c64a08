//! Which component to improve first: per component with random failures, its Birnbaum
//! importance (service availability with it perfect minus with it failed), the availability one
//! more node or a ten times shorter MTTR ("one nine better") would gain, and the downtime per
//! year it causes; ranked by the larger gain.

use super::models::Outcome;
use super::{outcome, rates, Model};
use crate::report::format::YEAR_S;
use crate::sim::{Config, KindCfg, ReplicaCfg, StandbyKind};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Importance {
    pub id: String,
    /// 1-based place in the ranking.
    pub rank: u32,
    pub birnbaum: f64,
    /// Request availability gained with one more node (a replica for a database; `None` for a
    /// pair, which has two members by construction).
    pub gain_one_more_node: Option<f64>,
    /// Request availability gained with a ten times shorter MTTR.
    pub gain_mttr_tenth: f64,
    /// Expected minutes per year of service downtime it causes: (availability with it perfect
    /// − availability) × a year.
    pub downtime_minutes_per_year: f64,
}

/// Component `c` never failing: passes everything (a cache keeps its full hit ratio).
pub(crate) fn perfect(cfg: &Config, c: usize, o: &Outcome) -> Outcome {
    let hit = match cfg.components[c].kind {
        KindCfg::Cache { hit_ratio, .. } => hit_ratio,
        _ => 0.0,
    };
    let mut alive = vec![0.0; o.alive.len().max(1)];
    if let Some(all) = alive.last_mut() {
        *all = 1.0;
    }
    Outcome {
        reads: 1.0 - hit,
        writes: 1.0,
        hits: hit,
        all_served: 1.0,
        alive,
        ..o.clone()
    }
}

/// Component `c` failed: passes nothing (a cache that is not required passes its misses, with
/// no hits).
fn failed(cfg: &Config, c: usize, o: &Outcome) -> Outcome {
    let comp = &cfg.components[c];
    let pass = if matches!(comp.kind, KindCfg::Cache { .. }) && !comp.required {
        1.0
    } else {
        0.0
    };
    let mut alive = vec![0.0; o.alive.len().max(1)];
    alive[0] = 1.0;
    Outcome {
        reads: pass,
        writes: pass,
        hits: 0.0,
        all_served: 0.0,
        alive,
        ..o.clone()
    }
}

fn with(model: &Model, c: usize, o: Outcome) -> Vec<Outcome> {
    let mut outs = model.outcomes.clone();
    outs[c] = o;
    outs
}

pub(crate) fn rank(cfg: &Config, model: &Model, a: f64) -> Vec<Importance> {
    let mut out: Vec<(Importance, usize)> = Vec::new();
    for (c, comp) in cfg.components.iter().enumerate() {
        if rates(comp).is_none() {
            continue;
        }
        let o = &model.outcomes[c];
        let up = model.service(cfg, &with(model, c, perfect(cfg, c, o)));
        let down = model.service(cfg, &with(model, c, failed(cfg, c, o)));
        let mut scratch = Vec::new();
        let gain_node = one_more(cfg, c).map(|cfg2| {
            let o2 = outcome(&cfg2, c, model.loads[c], &mut scratch);
            model.service(cfg, &with(model, c, o2)) - a
        });
        let mut cfg3 = cfg.clone();
        if let Some(f) = cfg3.components[c].failure.as_mut() {
            f.mttr = (f.mttr / 10).max(1);
        }
        let o3 = outcome(&cfg3, c, model.loads[c], &mut scratch);
        let gain_mttr = model.service(cfg, &with(model, c, o3)) - a;
        out.push((
            Importance {
                id: comp.id.clone(),
                rank: 0,
                birnbaum: up - down,
                gain_one_more_node: gain_node,
                gain_mttr_tenth: gain_mttr,
                downtime_minutes_per_year: (up - a) * YEAR_S / 60.0,
            },
            c,
        ));
    }
    let key = |i: &Importance| i.gain_mttr_tenth.max(i.gain_one_more_node.unwrap_or(0.0));
    out.sort_by(|x, y| {
        key(&y.0)
            .total_cmp(&key(&x.0))
            .then(y.0.birnbaum.total_cmp(&x.0.birnbaum))
            .then(x.1.cmp(&y.1))
    });
    out.into_iter()
        .enumerate()
        .map(|(k, (mut i, _))| {
            i.rank = k as u32 + 1;
            i
        })
        .collect()
}

/// The scenario with one more node in component `c` (a hot replica in its site for a
/// database); `None` for a pair.
fn one_more(cfg: &Config, c: usize) -> Option<Config> {
    let mut cfg2 = cfg.clone();
    let comp = &mut cfg2.components[c];
    match &mut comp.kind {
        KindCfg::LoadBalancer { .. } | KindCfg::Queue { standby: true, .. } => return None,
        KindCfg::Database(db) => {
            db.replicas.push(ReplicaCfg {
                site: comp.site,
                standby: StandbyKind::Hot,
            });
            comp.nodes += 1;
        }
        _ => comp.nodes += 1,
    }
    Some(cfg2)
}
