//! Ground truth for studies: closed forms, interval coverage, and determinism of what is kept.

use super::*;
use crate::scenario::{compile, parse_json};

/// A 3-node web tier with exponential failures and repairs (MTBF 60 min, MTTR 20 min: each node
/// is up A = 0.75 of the time) and no traffic: only failures and repairs happen.
fn cluster(seed: u64, horizon: &str) -> (Scenario, Config) {
    let json = format!(
        r#"{{ "version": 1, "name": "kofn", "seed": {seed}, "horizon": "{horizon}",
          "traffic": {{ "entry": ["web"], "sessions_per_s": 0 }},
          "components": [ {{ "id": "web", "failure": {{ "mtbf": "60m", "mttr": "20m" }},
            "spec": {{ "web": {{ "nodes": 3 }} }} }} ] }}"#
    );
    let s = parse_json(&json).unwrap();
    let cfg = compile(&s).unwrap().config;
    (s, cfg)
}

/// Clients through a load balancer to a 3-node web tier whose nodes fail (MTBF 20 min, MTTR
/// 5 min): incidents and failed requests vary from one replication to the next.
fn busy(seed: u64) -> Config {
    let json = format!(
        r#"{{ "version": 1, "name": "busy", "seed": {seed}, "horizon": "1h",
          "traffic": {{ "entry": ["lb"], "sessions_per_s": 0.5, "requests_per_session": 5 }},
          "components": [
            {{ "id": "lb", "next": ["web"], "spec": {{ "load_balancer": {{}} }} }},
            {{ "id": "web", "failure": {{ "mtbf": "20m", "mttr": "5m" }},
              "spec": {{ "web": {{ "nodes": 3 }} }} }} ] }}"#
    );
    config(&json)
}

/// The engine configuration of a valid scenario text.
pub(super) fn config(json: &str) -> Config {
    compile(&parse_json(json).unwrap()).unwrap().config
}

/// P(at least 2 of 3 up) = A³ + 3A²(1 − A), A = 0.75.
const TWO_OF_THREE: f64 = 0.84375;

fn study(cfg: &Config, stop: Stop) -> Study {
    let mut st = Study::new(stop);
    while let Some(k) = st.next_k() {
        st.push(Replication::run(cfg, k)).unwrap();
    }
    st
}

#[test]
fn the_ci_of_a_k_of_n_cluster_contains_the_binomial_availability() {
    let (s, cfg) = cluster(1, "700h");
    let st = study(&cfg, Stop::Replications(20));
    let sum = st.summary_of(|r| r.at_least(0, 2)).unwrap();
    let [lo, hi] = sum.ci95.unwrap();
    assert!(lo <= TWO_OF_THREE && TWO_OF_THREE <= hi, "[{lo}, {hi}]");
    // the node availability the report shows, against A
    let rep = st.report(&s);
    let [lo, hi] = rep.components[0]
        .node_availability
        .as_ref()
        .unwrap()
        .ci95
        .unwrap();
    assert!(lo <= 0.75 && 0.75 <= hi, "[{lo}, {hi}]");
    assert_eq!(rep.replications, 20);
    assert_eq!(rep.stopped_by, Some(StoppedBy::Replications));
}

#[test]
fn the_95_percent_interval_covers_the_exact_value_in_90_to_99_percent_of_studies() {
    // 200 independent studies (scenario seeds 1..=200) of 12 replications each. The finite
    // horizon's start-up bias (all nodes start up) is ~3e-4, a few % of one standard error.
    let covered = (1..=200)
        .filter(|seed| {
            let (_, cfg) = cluster(*seed, "200h");
            let st = study(&cfg, Stop::Replications(12));
            let [lo, hi] = st.summary_of(|r| r.at_least(0, 2)).unwrap().ci95.unwrap();
            lo <= TWO_OF_THREE && TWO_OF_THREE <= hi
        })
        .count();
    assert!((180..=198).contains(&covered), "{covered} of 200 covered");
}

#[test]
fn a_replication_opens_as_a_single_run_with_its_seed() {
    let (mut s, cfg) = cluster(7, "100h");
    let st = study(&cfg, Stop::Replications(3));
    let r = &st.replications()[2];
    assert_eq!(r.seed, replication_seed(7, 2));
    s.seed = r.seed;
    let alone = sim::run(compile(&s).unwrap().config);
    // the replication keeps the single run's figures, bit for bit (its digest says so)
    assert_eq!(Replication::of(2, r.seed, &alone), *r);
    assert_eq!(
        r.metrics["requests_failed"],
        Some(alone.requests.failed as f64)
    );
    // and the report's link for it opens that scenario with that seed
    let rep = st.report(&cluster(7, "100h").0);
    let w = rep.worst.iter().find(|w| w.k == 2).unwrap();
    let shared = link::decode(&w.link).unwrap();
    assert_eq!((shared.seed, shared.scenario.seed), (r.seed, r.seed));
    // neighbouring replications are different runs
    assert_ne!(st.replications()[0].digest, st.replications()[1].digest);
}

#[test]
fn replications_run_in_any_order_give_the_same_study() {
    let cfg = busy(3);
    let stop = Stop::UntilCi {
        metric: Metric::Incidents,
        half_width: 0.1,
        relative: true,
        max: 60,
    };
    let serial = study(&cfg, stop.clone());
    // computed backwards (as a pool might finish them), then given in index order
    let mut ahead: Vec<Replication> = (0..60).rev().map(|k| Replication::run(&cfg, k)).collect();
    ahead.reverse();
    let mut pooled = Study::new(stop);
    for r in ahead {
        if !pooled.push(r).unwrap() {
            break;
        }
    }
    assert_eq!(pooled.digest(), serial.digest());
    assert_eq!(pooled.replications().len(), serial.replications().len());
    // out of order is refused
    let mut st = Study::new(Stop::Replications(5));
    assert!(st.push(Replication::run(&cfg, 1)).is_err());
}

#[test]
fn a_ci_rule_stops_at_the_first_replication_that_meets_it() {
    let cfg = busy(5);
    let target = 0.1;
    let st = study(
        &cfg,
        Stop::UntilCi {
            metric: Metric::Incidents,
            half_width: target,
            relative: true,
            max: 200,
        },
    );
    let n = st.replications().len();
    assert_eq!(st.stopped_by(), Some(StoppedBy::CiTarget));
    let met = |m: usize| {
        let xs: Vec<f64> = st.replications()[..m]
            .iter()
            .map(|r| r.value(Metric::Incidents))
            .collect();
        let s = Summary::of(&xs).unwrap();
        s.half_width() <= target * s.mean.abs()
    };
    assert!(met(n));
    assert!(
        (MIN_FOR_CI as usize..n).all(|m| !met(m)),
        "stopped late at {n}"
    );
    // a target it cannot reach stops at the maximum, and says so
    let st = study(
        &cfg,
        Stop::UntilCi {
            metric: Metric::Incidents,
            half_width: 1e-9,
            relative: false,
            max: 12,
        },
    );
    assert_eq!(st.replications().len(), 12);
    assert_eq!(st.stopped_by(), Some(StoppedBy::MaxReplications));
}

#[test]
fn impossible_rules_are_refused_with_a_reason() {
    assert!(Stop::Replications(0).check().unwrap_err().contains("1 to"));
    assert!(Stop::Replications(1_000_000_000).check().is_err());
    let bad = |h: f64| Stop::UntilCi {
        metric: Metric::Nines,
        half_width: h,
        relative: false,
        max: 10,
    };
    for h in [0.0, -1.0, f64::NAN, f64::INFINITY] {
        assert!(bad(h).check().is_err(), "{h}");
    }
    assert!(bad(0.1).check().is_ok());
}

/// A replication with just these metric values.
fn rep(k: u64, values: &[(Metric, f64)]) -> Replication {
    Replication {
        k,
        seed: k,
        digest: format!("{k}"),
        metrics: values
            .iter()
            .map(|(m, v)| (m.csv_key().to_string(), Some(*v)))
            .collect(),
        up_share: Vec::new(),
    }
}

#[test]
fn objectives_are_judged_on_the_lower_end_of_their_wilson_interval() {
    // 20 replications: availability 0.9995 in 19 of them, 0.99 in one; a lost write in two.
    let mut st = Study::new(Stop::Replications(20));
    for k in 0..20 {
        let a = if k == 7 { 0.99 } else { 0.9995 };
        let w = if k == 3 || k == 7 { 1.0 } else { 0.0 };
        st.push(rep(
            k,
            &[(Metric::RequestAvailability, a), (Metric::LostWrites, w)],
        ))
        .unwrap();
    }
    let slo = |p: f64| crate::scenario::Slo {
        availability: Some(0.999),
        max_lost_writes: Some(0),
        max_rpo: None,
        max_rto: None,
        max_lost_sessions: None,
        probability: p,
    };
    let r = slo::judge(&st, &slo(0.7));
    assert_eq!(r.objectives.len(), 2);
    let (avail, writes) = (&r.objectives[0], &r.objectives[1]);
    assert_eq!((avail.held, avail.of, writes.held), (19, 20, 18));
    assert_eq!(
        r.all.held, 18,
        "replications 3 and 7 break one or the other"
    );
    // Wilson, 19 of 20: [0.7639, 0.9911]; 18 of 20: [0.6990, 0.9721] (hand-computed)
    assert!((avail.ci95[0] - 0.7639).abs() < 1e-4, "{:?}", avail.ci95);
    assert!((writes.ci95[0] - 0.6990).abs() < 1e-4, "{:?}", writes.ci95);
    assert!(
        avail.met && !writes.met && !r.met,
        "0.699 < 0.7: not sure enough"
    );
    assert!(slo::judge(&st, &slo(0.69)).met);
}

#[test]
fn paired_replications_find_a_design_difference_that_independent_seeds_blur() {
    // Design B's web nodes fail every 16 min on average instead of 20: more failed requests.
    let design = |mtbf: &str| {
        let json = format!(
            r#"{{ "version": 1, "name": "busy", "seed": 21, "horizon": "1h",
              "traffic": {{ "entry": ["lb"], "sessions_per_s": 0.5, "requests_per_session": 5 }},
              "components": [
                {{ "id": "lb", "next": ["web"], "spec": {{ "load_balancer": {{}} }} }},
                {{ "id": "web", "failure": {{ "mtbf": "{mtbf}", "mttr": "5m" }},
                  "spec": {{ "web": {{ "nodes": 2 }} }} }} ] }}"#
        );
        study(&config(&json), Stop::Replications(30))
    };
    let (a, b) = (design("20m"), design("16m"));
    let d = compare::compare(&a, &b).unwrap();
    let t = &d["incidents"];
    // the same failure draws, scaled: the pairs move together
    assert!(
        t.variance_ratio > 4.0,
        "variance ratio {}",
        t.variance_ratio
    );
    let [lo, hi] = t.paired.ci95.unwrap();
    assert!(
        lo > 0.0,
        "more frequent failures, more incidents: [{lo}, {hi}]"
    );
    // with independent seeds the same 30 replications would not tell (Welch-style half-width)
    let half_indep = stats::t975(29.0) * libm::sqrt(t.independent_variance / 30.0);
    assert!(
        t.paired.mean - half_indep < 0.0,
        "{} ± {half_indep}",
        t.paired.mean
    );
    // studies of different replications are refused
    let short = {
        let mut st = Study::new(Stop::Replications(3));
        for r in &a.replications()[..3] {
            st.push(r.clone()).unwrap();
        }
        st
    };
    assert!(compare::compare(&short, &b).is_err());
}

/// A study keeps the downtime per year only where each run's extrapolation means something, as
/// a single run's card shows it: not from one-hour runs, but from 40 days of random failures.
#[test]
fn the_downtime_per_year_is_kept_only_where_it_is_meaningful() {
    let short = study(&busy(3), Stop::Replications(3));
    assert!(short.summary(Metric::DowntimePerYear).is_none());
    assert!(short.summary(Metric::RequestsFailed).is_some());
    let mut long = busy(3);
    long.horizon = 40 * 86_400 * 1_000_000;
    long.fidelity = crate::sim::Fidelity::Flow;
    let st = study(&long, Stop::Replications(3));
    let sum = st.summary(Metric::DowntimePerYear).expect("extrapolated");
    assert_eq!(sum.n, 3);
    assert!(sum.mean > 0.0, "{sum:?}");
}
