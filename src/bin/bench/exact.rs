//! `failover-lab-bench exact`: how long the exact model takes — the flow-level year's scenario
//! solved (median of many solves) and a birth–death chain of 10⁵ states (Gauss–Seidel).

use crate::clock::median;
use failover_lab::exact::{self, ctmc::Chain};
use std::time::Instant;

pub fn exact(path: &str) -> Result<(), String> {
    let config = crate::run::load(path)?;
    let mut walls = Vec::new();
    let t_all = Instant::now();
    let mut last = None;
    while walls.len() < 20 || (walls.len() < 2000 && t_all.elapsed().as_secs_f64() < 2.0) {
        let t0 = Instant::now();
        last = Some(exact::solve(&config));
        walls.push(t0.elapsed().as_secs_f64() * 1e3);
    }
    let r = last.ok_or("no solve")?;
    println!(
        "== exact, native: {path} ({} components): {:.3} ms median of {} solves \
         (request availability {:.7})",
        config.components.len(),
        median(walls.clone()),
        walls.len(),
        r.request_availability
    );
    let n = 100_000;
    let mut c = Chain::new(n);
    for j in 0..n - 1 {
        c.add(j, j + 1, 0.5);
        c.add(j + 1, j, 1.0);
    }
    let t0 = Instant::now();
    let pi = c.steady_state().map_err(|e| e.to_string())?;
    println!(
        "== exact, native: a {n}-state chain in {:.1} ms (π0 = {:.9}, want 0.5)",
        t0.elapsed().as_secs_f64() * 1e3,
        pi[0]
    );
    Ok(())
}
