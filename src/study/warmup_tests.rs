//! MSER-5 on synthetic series with a known transient, and the ground truth: an M/M/c station
//! that starts empty, whose mean wait without a warm-up is biased low against Erlang C.

use super::*;
use crate::study::{Replication, Stop, Study};

/// Deterministic noise in [-0.5, 0.5) (a 64-bit LCG's top bits).
fn noise(n: usize, seed: u64) -> Vec<f64> {
    let mut x = seed;
    (0..n)
        .map(|_| {
            x = x
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (x >> 11) as f64 / (1u64 << 53) as f64 - 0.5
        })
        .collect()
}

#[test]
fn a_flat_or_stationary_series_is_not_cut() {
    assert_eq!(mser5(&[0.999; 400]), 0);
    assert_eq!(mser5(&[1.0; 3]), 0, "too short to batch");
    let cut = mser5(
        &noise(1000, 7)
            .iter()
            .map(|e| 1.0 + 0.1 * e)
            .collect::<Vec<_>>(),
    );
    // pure noise: at most a few batches go, by chance
    assert!(cut <= 50, "{cut}");
}

#[test]
fn a_step_transient_is_cut_where_it_ends() {
    // 60 observations far below the steady state, then 940 of noise around it
    let mut s: Vec<f64> = noise(1000, 3).iter().map(|e| 1.0 + 0.2 * e).collect();
    s.iter_mut().take(60).for_each(|x| *x -= 1.0);
    assert_eq!(mser5(&s), 60);
    // the same transient misaligned with the batches: the batch holding its end goes too
    let mut s: Vec<f64> = noise(1000, 4).iter().map(|e| 1.0 + 0.2 * e).collect();
    s.iter_mut().take(62).for_each(|x| *x -= 1.0);
    assert_eq!(mser5(&s), 65);
}

#[test]
fn an_exponential_transient_is_cut_after_most_of_its_bias() {
    // x_i = 1 − e^(−i/40) + noise: 95 % of the way after 120 observations
    let s: Vec<f64> = noise(2000, 5)
        .iter()
        .enumerate()
        .map(|(i, e)| 1.0 - libm::exp(-(i as f64) / 40.0) + 0.1 * e)
        .collect();
    let cut = mser5(&s);
    assert!((80..=300).contains(&cut), "{cut}");
    assert_eq!(cut % BATCH, 0);
}

#[test]
fn the_search_stops_at_half_the_series() {
    // a trend never settles: MSER-5 would cut ever more, but searches the first half only
    let s: Vec<f64> = (0..500).map(f64::from).collect();
    assert_eq!(mser5(&s), 250);
}

#[test]
fn choose_refuses_a_series_too_short_and_takes_the_longer_cut() {
    let short = Pilot {
        window_us: 60_000_000,
        success: vec![1.0; 20],
        latency_ms: vec![],
    };
    let e = choose(&[short]).unwrap_err();
    assert!(e.contains("metrics.window"), "{e}");
    // success flat, latency with a 30-point transient: the latency's cut wins
    let mut latency: Vec<f64> = noise(400, 9).iter().map(|e| 100.0 + 5.0 * e).collect();
    latency.iter_mut().take(30).for_each(|x| *x -= 80.0);
    let p = Pilot {
        window_us: 1_000_000,
        success: vec![1.0; 400],
        latency_ms: latency,
    };
    let w = choose(&[p]).unwrap();
    assert_eq!(w.method, Method::Mser5);
    assert_eq!(w.us, 30 * 1_000_000);
}

/// Mean response time (wait + service) of M/M/c, in ms: Erlang C.
fn erlang_c_response_ms(c: u32, lambda: f64, mu: f64) -> f64 {
    let a = lambda / mu;
    let rho = a / f64::from(c);
    let (mut sum, mut term) = (0.0, 1.0);
    for k in 0..c {
        if k > 0 {
            term *= a / f64::from(k);
        }
        sum += term;
    }
    let last = term * a / f64::from(c) / (1.0 - rho);
    let p_wait = last / (sum + last);
    (p_wait / (f64::from(c) * mu - lambda) + 1.0 / mu) * 1000.0
}

fn study_of(cfg: &Config, n: u64) -> Study {
    let mut st = Study::new(Stop::Replications(n));
    for k in 0..n {
        st.push(Replication::run(cfg, k)).unwrap();
    }
    st
}

#[test]
fn mser5_removes_the_empty_start_bias_of_an_mmc_station() {
    // M/M/20 at ρ = 0.9 (service 1 s): the station starts empty, and its relaxation time,
    // 1 / (cμ (1 − √ρ)²) ≈ 19 s, is a tenth of the 3-minute horizon.
    let (c, lambda) = (20u32, 18.0);
    let truth = erlang_c_response_ms(c, lambda, 1.0);
    let json = format!(
        r#"{{ "version": 1, "name": "mmc", "seed": 5, "horizon": "3m",
          "traffic": {{ "entry": ["web"], "sessions_per_s": {lambda}, "requests_per_session": 1, "write_share": 0, "timeout": "1h" }},
          "metrics": {{ "window": "1s" }},
          "components": [ {{ "id": "web", "spec": {{ "web": {{ "nodes": 1,
            "capacity": {{ "workers": {c}, "service_time": "1s", "queue_limit": 100000 }} }} }} }} ] }}"#
    );
    let mut cfg = crate::study::tests::config(&json);
    let n = 300;
    let mean_ci = |st: &Study| {
        let s = st.summary(crate::report::Metric::LatencyMean).unwrap();
        (s.mean, s.ci95.unwrap())
    };
    let (biased, ci) = mean_ci(&study_of(&cfg, n));
    assert!(
        ci[1] < truth,
        "without a warm-up the mean {biased} ms [{}, {}] is below Erlang C's {truth} ms",
        ci[0],
        ci[1]
    );
    let pilots: Vec<Pilot> = (0..PILOTS).map(|k| Pilot::run(&cfg, k)).collect();
    let w = choose(&pilots).unwrap();
    assert!(w.us >= 10_000_000 && w.us <= 90_000_000, "{w:?}");
    cfg.warmup = w.us;
    let (cut, ci) = mean_ci(&study_of(&cfg, n).with_warmup(w));
    assert!(
        ci[0] <= truth && truth <= ci[1],
        "after a {} s warm-up the mean {cut} ms [{}, {}] covers Erlang C's {truth} ms",
        w.us / 1_000_000,
        ci[0],
        ci[1]
    );
    assert!(
        (cut - truth).abs() * 3.0 < (biased - truth).abs(),
        "the bias shrinks at least threefold: {} → {}",
        biased - truth,
        cut - truth
    );
}
