//! The models of one component, each from the engine's own rules (`sim/control`): a hot tier
//! as independent nodes behind health checks, a tier with warm or cold spares, an
//! active/passive pair, a database with promotion, a cache. Times in seconds, rates per second.
//! Every delay the engine draws (detection, rise, takeover, switch-over, promotion) enters a
//! chain as an exponential phase with the engine's mean (see `docs/exact.md`).

use super::ctmc::{Chain, SolveError};
use std::collections::BTreeMap;

/// Failure and repair rates of one node (per second); `None` without random failures.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rates {
    pub lambda: f64,
    pub mu: f64,
}

impl Rates {
    /// Long-run share of time one node is alive: MTTF / (MTTF + MTTR), whatever the repair law.
    pub fn alive(r: Option<Rates>) -> f64 {
        r.map_or(1.0, |r| r.mu / (r.lambda + r.mu))
    }
}

/// What the traffic asks of a component and what it can do: request rates (per second) of
/// reads and writes reaching it, a node's capacity, and the LB retry of idempotent reads.
#[derive(Clone, Copy, Debug, Default)]
pub struct Load {
    pub reads: f64,
    pub writes: f64,
    /// Requests per second one node serves (workers / mean service time).
    pub capacity: f64,
    /// Share of reads the LB retries on another node (0 without `retry_idempotent`).
    pub retry: f64,
}

impl Load {
    fn total(&self) -> f64 {
        self.reads + self.writes
    }
}

/// What a component does to the requests reaching it, in the long run.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Outcome {
    /// Expected share of reads / writes reaching it that it passes on (or serves).
    pub reads: f64,
    pub writes: f64,
    /// For a cache: expected share of reads served as hits (they skip to after it).
    pub hits: f64,
    /// Share of time it passes on every request reaching it.
    pub all_served: f64,
    /// `alive[j]`: share of time with exactly j nodes alive.
    pub alive: Vec<f64>,
    /// Completed failovers (promotions, takeovers, spare activations) per second.
    pub failovers: f64,
    /// Rate (per second) at which a spell with every node dead ends (the first repair), for
    /// models whose nodes fail and are repaired independently with exponential repairs; 0
    /// where it has no such rate.
    pub down_exit: f64,
    /// States of the chain solved (0 for closed forms).
    pub states: usize,
}

/// The per-node chain of a node behind health checks: up (U), dead but still marked up (the
/// detection window, M), dead and marked down (X), alive but not yet marked up (the rise, R).
/// Returns `[U, M, X, R]`.
pub fn node_phases(r: Rates, detect: f64, rise: f64) -> [f64; 4] {
    let (l, m) = (r.lambda, r.mu);
    let (dl, rs) = (1.0 / detect.max(1e-9), 1.0 / rise.max(1e-9));
    // balance: M = λU/(μ+δ); X = δM(ρ+λ)/(μρ); R = μX/(ρ+λ)
    let u = 1.0;
    let mk = l * u / (m + dl);
    let x = dl * mk * (rs + l) / (m * rs);
    let rr = m * x / (rs + l);
    let s = u + mk + x + rr;
    [u / s, mk / s, x / s, rr / s]
}

/// ln C(n, k).
fn ln_choose(n: u32, k: u32) -> f64 {
    libm::lgamma(f64::from(n) + 1.0)
        - libm::lgamma(f64::from(k) + 1.0)
        - libm::lgamma(f64::from(n - k) + 1.0)
}

/// Binomial probabilities P(X = j), j = 0..=n.
pub fn binomial(n: u32, p: f64) -> Vec<f64> {
    (0..=n)
        .map(|j| {
            if p <= 0.0 {
                return if j == 0 { 1.0 } else { 0.0 };
            }
            if p >= 1.0 {
                return if j == n { 1.0 } else { 0.0 };
            }
            libm::exp(
                ln_choose(n, j) + f64::from(j) * libm::log(p) + f64::from(n - j) * libm::log1p(-p),
            )
        })
        .collect()
}

/// Reads and writes a tier passes on with `u` nodes up and `d` dead but still marked up: the
/// LB spreads the requests evenly over the `u + d` nodes it believes up; the dead share fails
/// (an idempotent read is retried on a live node); a live node past its capacity fails the
/// overflow (the flow level's fluid overload). Returns (reads, writes, all served).
pub fn tier_pass(u: u32, d: u32, load: &Load) -> (f64, f64, bool) {
    let e = u + d;
    if e == 0 || u == 0 {
        return (0.0, 0.0, false);
    }
    let (uf, df, ef) = (f64::from(u), f64::from(d), f64::from(e));
    let retried = load.reads * load.retry * df / ef;
    let per_node = load.total() / ef + retried / uf;
    let o = if load.capacity.is_finite() && per_node > load.capacity && per_node > 0.0 {
        1.0 - load.capacity / per_node
    } else {
        0.0
    };
    let reads = (uf / ef) * (1.0 - o) + (df / ef) * load.retry;
    let writes = (uf / ef) * (1.0 - o);
    (reads, writes, d == 0 && o == 0.0)
}

/// A tier whose nodes all serve (no spares, or hot ones): independent nodes, each in
/// [`node_phases`]; the counts of up and detection-window nodes are multinomial.
pub fn hot_tier(n: u32, r: Option<Rates>, detect: f64, rise: f64, load: &Load) -> Outcome {
    let Some(r) = r else {
        let (reads, writes, all) = tier_pass(n, 0, load);
        let mut alive = vec![0.0; n as usize + 1];
        alive[n as usize] = 1.0;
        let all_served = if all { 1.0 } else { 0.0 };
        return Outcome {
            reads,
            writes,
            all_served,
            alive,
            ..Outcome::default()
        };
    };
    let [pu, pm, _, pr] = node_phases(r, detect, rise);
    let pd = binomial(n, pm);
    // detection-window counts beyond the tail where the binomial is below 1e-18 add nothing
    // representable to a share
    let mut out = Outcome {
        alive: binomial(n, pu + pr),
        down_exit: f64::from(n) * r.mu,
        ..Outcome::default()
    };
    for (d, &p_d) in pd.iter().enumerate() {
        if p_d < 1e-18 && d > 0 {
            if pd[d..].iter().all(|x| *x < 1e-18) {
                break;
            }
            continue;
        }
        let d = d as u32;
        let rest = n - d;
        let pu_given = if pm < 1.0 { pu / (1.0 - pm) } else { 0.0 };
        for (u, p_u) in binomial(rest, pu_given).into_iter().enumerate() {
            let (rd, wr, all) = tier_pass(u as u32, d, load);
            let p = p_d * p_u;
            out.reads += p * rd;
            out.writes += p * wr;
            if all {
                out.all_served += p;
            }
        }
    }
    out
}

/// The state of a tier with warm or cold spares: serving nodes up and marked up (a), dead but
/// marked up (d), dead and marked down (x), alive and rising (r), spares activating (g), idle
/// live spares (i), dead spares (j).
type TierState = [u32; 7];

/// A tier with `spares` warm or cold spares that take over `activate` seconds after a serving
/// node is marked down (`sim/control/health.rs`: only at that moment, and only while fewer than
/// `n` serving nodes are alive).
pub fn spare_tier(
    n: u32,
    spares: u32,
    r: Rates,
    (detect, rise, activate): (f64, f64, f64),
    load: &Load,
) -> Result<Outcome, SolveError> {
    let start: TierState = [n, 0, 0, 0, 0, spares, 0];
    let mut index: BTreeMap<TierState, usize> = BTreeMap::new();
    let mut states = vec![start];
    index.insert(start, 0);
    let mut edges: Vec<(usize, TierState, f64)> = Vec::new();
    let (l, m) = (r.lambda, r.mu);
    let mut k = 0;
    while k < states.len() {
        let s = states[k];
        let base = edges.len();
        let [a, d, x, rr, g, i, j] = s;
        let mut go = |t: TierState, rate: f64| {
            if rate > 0.0 {
                edges.push((k, t, rate));
            }
        };
        // a serving node marked down: a live idle spare is reserved if too few serve
        let detected = |mut t: TierState| {
            let serving_ok = t[0] + t[3] + t[4];
            if serving_ok < n && t[5] > 0 {
                t[5] -= 1;
                t[4] += 1;
                if activate <= 0.0 {
                    t = activated(t);
                }
            }
            t
        };
        go([a - a.min(1), d + 1, x, rr, g, i, j], f64::from(a) * l);
        if d > 0 {
            go(
                detected([a, d - 1, x + 1, rr, g, i, j]),
                f64::from(d) / detect,
            );
            go([a + 1, d - 1, x, rr, g, i, j], f64::from(d) * m);
        }
        if x > 0 {
            go([a, d, x - 1, rr + 1, g, i, j], f64::from(x) * m);
        }
        if rr > 0 {
            go([a + 1, d, x, rr - 1, g, i, j], f64::from(rr) / rise);
            go([a, d, x + 1, rr - 1, g, i, j], f64::from(rr) * l);
        }
        if g > 0 {
            if activate > 0.0 {
                go(activated(s), f64::from(g) / activate);
            }
            // as designed: a spare dying while it takes over is a dead spare again
            go([a, d, x, rr, g - 1, i, j + 1], f64::from(g) * l);
        }
        if i > 0 {
            go([a, d, x, rr, g, i - 1, j + 1], f64::from(i) * l);
        }
        if j > 0 {
            go([a, d, x, rr, g, i + 1, j - 1], f64::from(j) * m);
        }
        for e in &edges[base..] {
            if let std::collections::btree_map::Entry::Vacant(v) = index.entry(e.1) {
                v.insert(states.len());
                states.push(e.1);
            }
        }
        k += 1;
    }
    let mut chain = Chain::new(states.len());
    let mut activations = vec![0.0; states.len()];
    for &(from, to, rate) in &edges {
        chain.add(from, index[&to], rate);
    }
    for (k, s) in states.iter().enumerate() {
        if s[4] > 0 && activate > 0.0 {
            activations[k] = f64::from(s[4]) / activate;
        }
    }
    let pi = chain.steady_state()?;
    let mut out = Outcome {
        alive: vec![0.0; (n + spares) as usize + 1],
        states: states.len(),
        ..Outcome::default()
    };
    for (k, s) in states.iter().enumerate() {
        let (rd, wr, all) = tier_pass(s[0], s[1], load);
        out.reads += pi[k] * rd;
        out.writes += pi[k] * wr;
        if all {
            out.all_served += pi[k];
        }
        out.alive[(s[0] + s[3] + s[4] + s[5]) as usize] += pi[k];
        out.failovers += pi[k] * activations[k];
    }
    Ok(out)
}

/// A spare's activation ends: it serves, and one dead serving node (marked down first, else
/// one in its detection window) leaves the serving set as a dead spare. When the failed node
/// came back meanwhile, the spare returns to idle: the tier as designed, `n` serving (the
/// engine keeps both serving; `scan` notes it).
fn activated(mut t: TierState) -> TierState {
    t[4] -= 1;
    if t[2] > 0 {
        t[2] -= 1;
        t[6] += 1;
        t[0] += 1;
    } else if t[1] > 0 {
        t[1] -= 1;
        t[6] += 1;
        t[0] += 1;
    } else {
        t[5] += 1;
    }
    t
}

/// An active/passive pair (load-balancer pair, queue with standby) or a single node (`n` 1):
/// the passive member takes over `takeover` seconds after the active one dies, if it lives.
/// States: both up, takeover pending, one up (active), none up.
pub fn pair(n: u32, r: Option<Rates>, takeover: f64, load: &Load) -> Result<Outcome, SolveError> {
    let pass = if load.capacity.is_finite() && load.total() > load.capacity {
        load.capacity / load.total()
    } else {
        1.0
    };
    let Some(r) = r else {
        let mut alive = vec![0.0; n as usize + 1];
        alive[n as usize] = 1.0;
        return Ok(Outcome {
            reads: pass,
            writes: pass,
            all_served: if pass < 1.0 { 0.0 } else { 1.0 },
            alive,
            ..Outcome::default()
        });
    };
    let (l, m) = (r.lambda, r.mu);
    if n < 2 {
        let a = m / (l + m);
        return Ok(Outcome {
            reads: a * pass,
            writes: a * pass,
            all_served: if pass < 1.0 { 0.0 } else { a },
            alive: vec![1.0 - a, a],
            down_exit: m,
            ..Outcome::default()
        });
    }
    // 0: both up, 1: active dead with takeover pending, 2: one up and active, 3: none up
    let mut c = Chain::new(4);
    if takeover > 0.0 {
        c.add(0, 1, l);
        c.add(1, 2, 1.0 / takeover);
        c.add(1, 0, m);
        c.add(1, 3, l);
    } else {
        // instant takeover: state 1 is never entered (an exit keeps the chain solvable)
        c.add(0, 2, l);
        c.add(1, 2, 1.0);
    }
    c.add(0, 2, l);
    c.add(2, 0, m);
    c.add(2, 3, l);
    c.add(3, 2, 2.0 * m);
    let pi = c.steady_state()?;
    let up = pi[0] + pi[2];
    let failovers = if takeover > 0.0 {
        pi[1] / takeover
    } else {
        pi[0] * l
    };
    Ok(Outcome {
        reads: up * pass,
        writes: up * pass,
        all_served: if pass < 1.0 { 0.0 } else { up },
        alive: vec![pi[3], pi[1] + pi[2], pi[0]],
        failovers,
        down_exit: 2.0 * m,
        states: 4,
        ..Outcome::default()
    })
}

/// A database with `replicas` replicas whose primary is replaced `promote` seconds (detection +
/// manual response + promotion) after it dies, by a live replica; without one it waits for its
/// primary. State: primary alive, live replicas, promotion (0 none, 1 pending, 2 stuck: a
/// promotion that found no live replica while the primary was back leaves the database down
/// until the primary's next failure, as `on_db_promote` does).
pub fn database(
    replicas: u32,
    r: Option<Rates>,
    promote: f64,
    load: &Load,
) -> Result<Outcome, SolveError> {
    let total = load.total();
    let pass = if load.capacity.is_finite() && total > load.capacity {
        load.capacity / total
    } else {
        1.0
    };
    let Some(r) = r else {
        return pair(1, None, 0.0, load);
    };
    let (l, m) = (r.lambda, r.mu);
    let nr = replicas as usize;
    let id = |p: usize, a: usize, f: usize| (p * (nr + 1) + a) * 3 + f;
    let mut c = Chain::new(2 * (nr + 1) * 3);
    let promote = promote.max(1e-6);
    for p in 0..2 {
        for a in 0..=nr {
            for f in 0..3 {
                if p == 0 && f == 2 {
                    continue;
                }
                let s = id(p, a, f);
                let af = a as f64;
                if a > 0 {
                    c.add(s, id(p, a - 1, f), af * l);
                }
                if a < nr {
                    c.add(s, id(p, a + 1, f), (nr - a) as f64 * m);
                }
                match (p, f) {
                    // serving (or stuck): the primary dies, a promotion starts if a replica lives
                    (1, 0) | (1, 2) | (1, 1) => {
                        c.add(s, id(0, a, if a > 0 { 1 } else { 0 }), l);
                        if f == 1 {
                            let to = if a > 0 { id(1, a, 0) } else { id(1, 0, 2) };
                            c.add(s, to, 1.0 / promote);
                        }
                    }
                    (0, 1) => {
                        c.add(s, id(1, a, 1), m);
                        let to = if a > 0 { id(1, a - 1, 0) } else { id(0, 0, 0) };
                        c.add(s, to, 1.0 / promote);
                    }
                    _ => c.add(s, id(1, a, 0), m),
                }
            }
        }
    }
    // the stuck state of the primary-dead half is never entered: tie it to waiting
    for a in 0..=nr {
        c.add(id(0, a, 2), id(0, a, 0), 1.0);
    }
    let pi = c.steady_state()?;
    let mut out = Outcome {
        alive: vec![0.0; nr + 2],
        states: pi.len(),
        ..Outcome::default()
    };
    for p in 0..2 {
        for a in 0..=nr {
            for f in 0..3 {
                let q = pi[id(p, a, f)];
                if p == 1 && f == 0 {
                    out.all_served += q;
                }
                if f == 1 && a > 0 {
                    out.failovers += q / promote;
                }
                out.alive[p + a] += q;
            }
        }
    }
    out.reads = out.all_served * pass;
    out.writes = out.reads;
    if pass < 1.0 {
        out.all_served = 0.0;
    }
    Ok(out)
}

/// A cache of `n` independent nodes: a replicated one keeps its hit ratio while one node
/// lives, a partitioned one loses the dead nodes' share; a required one fails every request
/// when none lives. Hits are served here; misses and writes pass on.
pub fn cache(n: u32, r: Option<Rates>, hit: f64, replicated: bool, required: bool) -> Outcome {
    let alive = binomial(n, Rates::alive(r));
    let mut out = Outcome::default();
    for (j, p) in alive.iter().enumerate() {
        let j = j as u32;
        let ok = !(required && j == 0);
        if !ok {
            continue;
        }
        let eff = crate::sim::policy_hit_ratio(hit, replicated, j, n);
        out.hits += p * eff;
        out.reads += p * (1.0 - eff);
        out.writes += p;
        out.all_served += p;
    }
    out.alive = alive;
    out
}
