//! Unit tests of the exact models: the chain solver against closed forms, each model against a
//! second derivation.

use super::ctmc::{Chain, SolveError, DIRECT_MAX};
use super::models::{self, Load, Rates};

fn close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol * b.abs().max(1e-300)
}

/// A birth–death chain (M/M/1/K): π_j ∝ ρ^j.
fn mm1k(n: usize, lam: f64, mu: f64) -> Chain {
    let mut c = Chain::new(n);
    for j in 0..n - 1 {
        c.add(j, j + 1, lam);
        c.add(j + 1, j, mu);
    }
    c
}

#[test]
fn every_solver_gives_the_birth_death_closed_form() {
    for n in [5, DIRECT_MAX, DIRECT_MAX + 1, 5_000] {
        let rho: f64 = 0.7;
        let pi = mm1k(n, 0.7, 1.0).steady_state().unwrap();
        let norm = (1.0 - rho) / (1.0 - libm::pow(rho, n as f64));
        for (j, p) in pi.iter().enumerate().take(40) {
            let want = norm * libm::pow(rho, j as f64);
            assert!((p - want).abs() < 1e-12, "n {n} j {j}: {p} vs {want}");
        }
    }
}

#[test]
fn gauss_seidel_solves_a_chain_too_wide_for_the_band() {
    // a ring: 0 → 1 → … → n−1 → 0 at rate 1, and back at rate 2 — the wrap-around edge makes
    // the bandwidth n − 1; by symmetry the steady state is uniform
    let n = 2_000;
    let mut c = Chain::new(n);
    for j in 0..n {
        c.add(j, (j + 1) % n, 1.0);
        c.add((j + 1) % n, j, 2.0);
    }
    let pi = c.steady_state().unwrap();
    assert!(pi.iter().all(|p| (p - 1.0 / n as f64).abs() < 1e-12));
}

#[test]
fn a_chain_of_a_hundred_thousand_states_is_solved() {
    let n = 100_000;
    let pi = mm1k(n, 0.5, 1.0).steady_state().unwrap();
    assert!(close(pi[0], 0.5, 1e-9) && close(pi[3], 0.0625, 1e-9));
    assert!(close(pi.iter().sum::<f64>(), 1.0, 1e-12));
}

#[test]
fn bad_chains_are_refused_with_a_reason() {
    assert_eq!(Chain::new(0).steady_state(), Err(SolveError::Empty));
    let mut c = Chain::new(2);
    c.add(0, 1, f64::NAN);
    assert_eq!(
        c.steady_state(),
        Err(SolveError::BadRate { from: 0, to: 1 })
    );
    // two closed classes: no unique steady state
    let mut c = Chain::new(4);
    c.add(0, 1, 1.0);
    c.add(1, 0, 1.0);
    c.add(2, 3, 1.0);
    c.add(3, 2, 1.0);
    assert_eq!(c.steady_state(), Err(SolveError::Singular));
}

const R: Rates = Rates {
    lambda: 1.0 / 7200.0,
    mu: 1.0 / 1800.0,
};

#[test]
fn a_node_is_alive_mttf_over_mttf_plus_mttr_of_the_time() {
    let [u, m, x, r] = models::node_phases(R, 6.0, 3.0);
    assert!(close(u + r, 0.8, 1e-12));
    assert!(close(m + x, 0.2, 1e-12));
    assert!(close(u + m + x + r, 1.0, 1e-12));
}

#[test]
fn the_spare_chain_without_spares_equals_the_product_of_independent_nodes() {
    let load = Load {
        reads: 9.0,
        writes: 1.0,
        capacity: 6.0,
        retry: 0.5,
    };
    for n in 1..=4 {
        let hot = models::hot_tier(n, Some(R), 6.0, 3.0, &load);
        let chain = models::spare_tier(n, 0, R, (6.0, 3.0, 30.0), &load).unwrap();
        assert!(
            close(hot.reads, chain.reads, 1e-9),
            "{n}: {hot:?} {chain:?}"
        );
        assert!(close(hot.writes, chain.writes, 1e-9));
        assert!(close(hot.all_served, chain.all_served, 1e-9));
        for (a, b) in hot.alive.iter().zip(&chain.alive) {
            assert!((a - b).abs() < 1e-12);
        }
    }
}

#[test]
fn a_pair_with_instant_takeover_is_up_while_one_member_lives() {
    let o = models::pair(2, Some(R), 0.0, &Load::default()).unwrap();
    assert!(close(o.reads, 1.0 - 0.2 * 0.2, 1e-12));
    // and a takeover delay only lowers it
    let slow = models::pair(2, Some(R), 30.0, &Load::default()).unwrap();
    assert!(slow.reads < o.reads);
}

#[test]
fn a_database_without_replicas_is_up_while_its_primary_is() {
    let o = models::database(0, Some(R), 10.0, &Load::default()).unwrap();
    assert!(close(o.reads, 0.8, 1e-12));
    assert_eq!(o.failovers, 0.0);
}

#[test]
fn fluid_overload_serves_what_the_live_nodes_can() {
    // 2 nodes believed up, 1 alive, 10 req/s, 4 per node: the live node takes 5, serves 4
    let load = Load {
        reads: 10.0,
        writes: 0.0,
        capacity: 4.0,
        retry: 0.0,
    };
    let (r, _, all) = models::tier_pass(1, 1, &load);
    assert!(close(r, 0.5 * 0.8, 1e-12) && !all);
    assert_eq!(models::tier_pass(0, 2, &load).0, 0.0);
}

#[test]
fn a_required_cache_fails_everything_only_with_every_node_dead() {
    let o = models::cache(2, Some(R), 0.9, true, true);
    let all_dead = 0.2 * 0.2;
    assert!(close(o.hits, 0.9 * (1.0 - all_dead), 1e-12));
    assert!(close(o.writes, 1.0 - all_dead, 1e-12));
    // partitioned: the hit ratio follows the live share (A on average)
    let p = models::cache(2, Some(R), 0.9, false, false);
    assert!(close(p.hits, 0.9 * 0.8, 1e-12));
}

#[test]
fn the_horizon_average_of_the_alive_figures_matches_a_numerical_integral() {
    use crate::scenario::{compile, parse_json};
    for (h, nodes) in [("30m", 1), ("30m", 3), ("200h", 2), ("5h", 12)] {
        let json = format!(
            r#"{{ "version": 1, "name": "h", "horizon": "{h}", "traffic": {{ "entry": ["web"] }},
              "components": [ {{ "id": "web", "failure": {{ "mtbf": "2h", "mttr": "30m" }},
                "spec": {{ "web": {{ "nodes": {nodes} }} }} }} ] }}"#
        );
        let cfg = compile(&parse_json(&json).unwrap()).unwrap().config;
        let c = &super::solve(&cfg).components[0];
        // trapezoids over 10⁵ steps of P(all n dead at t) = (0.2 (1 − e^{−2.5 t/h}))ⁿ
        let hours = cfg.horizon as f64 / 3.6e9;
        let steps = 100_000;
        let dead = |t: f64, n: i32| (0.2 * (1.0 - libm::exp(-2.5 * t))).powi(n);
        let mean = |n: i32| {
            let dt = hours / steps as f64;
            let inner: f64 = (1..steps).map(|i| dead(dt * i as f64, n)).sum();
            (inner + (dead(0.0, n) + dead(hours, n)) / 2.0) * dt / hours
        };
        assert!(
            (c.node_availability_horizon - (1.0 - mean(1))).abs() < 1e-9,
            "{h} {nodes}"
        );
        assert!(
            (c.any_node_up_horizon - (1.0 - mean(nodes))).abs() < 1e-9,
            "{h} {nodes}"
        );
    }
}
