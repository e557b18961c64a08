//! A sparse continuous-time Markov chain and its steady state: a direct solve (Gaussian
//! elimination with partial pivoting) for small chains, banded elimination for large chains of
//! small bandwidth, symmetric Gauss–Seidel sweeps in state order for the rest. Deterministic: fixed iteration order, no hashing, `+ - * /` and `libm` only.

/// Chains with at most this many states are solved directly.
pub const DIRECT_MAX: usize = 300;
/// Larger chains are solved by banded elimination when states × bandwidth² is at most this.
pub const BANDED_WORK: f64 = 4e8;
/// Gauss–Seidel gives up after this many (symmetric) iterations.
pub const MAX_SWEEPS: u32 = 100_000;
/// Gauss–Seidel stops when no probability changes by more than this (relative to the largest).
pub const TOLERANCE: f64 = 1e-13;

/// A chain under construction: states `0..n` and transition rates between them.
#[derive(Clone, Debug, Default)]
pub struct Chain {
    n: usize,
    /// (from, to, rate), in insertion order; rates between the same pair add up.
    edges: Vec<(u32, u32, f64)>,
}

/// Why a chain has no steady state here.
#[derive(Clone, Debug, PartialEq)]
pub enum SolveError {
    Empty,
    /// A rate is negative, NaN or infinite.
    BadRate {
        from: u32,
        to: u32,
    },
    /// The linear system is singular (the chain is not irreducible).
    Singular,
    /// Gauss–Seidel did not converge within [`MAX_SWEEPS`].
    NoConvergence {
        sweeps: u32,
    },
}

impl std::fmt::Display for SolveError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SolveError::Empty => write!(f, "the chain has no state"),
            SolveError::BadRate { from, to } => {
                write!(
                    f,
                    "the rate from state {from} to {to} is not a finite number ≥ 0"
                )
            }
            SolveError::Singular => write!(f, "the chain is not irreducible"),
            SolveError::NoConvergence { sweeps } => {
                write!(f, "Gauss–Seidel did not converge in {sweeps} sweeps")
            }
        }
    }
}

impl Chain {
    pub fn new(n: usize) -> Chain {
        Chain {
            n,
            edges: Vec::new(),
        }
    }

    pub fn len(&self) -> usize {
        self.n
    }

    pub fn is_empty(&self) -> bool {
        self.n == 0
    }

    /// Adds rate `rate` from `from` to `to` (self-loops and zero rates are dropped).
    pub fn add(&mut self, from: usize, to: usize, rate: f64) {
        if from != to && rate != 0.0 && from < self.n && to < self.n {
            self.edges.push((from as u32, to as u32, rate));
        }
    }

    /// The steady-state distribution π (π Q = 0, Σ π = 1).
    pub fn steady_state(&self) -> Result<Vec<f64>, SolveError> {
        if self.n == 0 {
            return Err(SolveError::Empty);
        }
        if let Some(&(from, to, _)) = self.edges.iter().find(|e| !(e.2.is_finite() && e.2 > 0.0)) {
            return Err(SolveError::BadRate { from, to });
        }
        if self.n == 1 {
            return Ok(vec![1.0]);
        }
        if self.n <= DIRECT_MAX {
            return self.direct();
        }
        let band = self
            .edges
            .iter()
            .map(|&(f, t, _)| f.abs_diff(t) as usize)
            .max()
            .unwrap_or(0);
        if (self.n as f64) * (band as f64) * (band as f64) <= BANDED_WORK {
            if let Ok(pi) = self.banded(band) {
                return Ok(pi);
            }
        }
        self.gauss_seidel()
    }

    /// Total rate out of each state.
    fn out_rates(&self) -> Vec<f64> {
        let mut out = vec![0.0; self.n];
        for &(f, _, r) in &self.edges {
            out[f as usize] += r;
        }
        out
    }

    /// Dense Qᵀ with the last equation replaced by Σ π = 1, solved by elimination.
    fn direct(&self) -> Result<Vec<f64>, SolveError> {
        let n = self.n;
        let out = self.out_rates();
        let mut a = vec![0.0; n * n];
        for &(f, t, r) in &self.edges {
            a[t as usize * n + f as usize] += r;
        }
        for (i, o) in out.iter().enumerate() {
            a[i * n + i] -= o;
        }
        let mut b = vec![0.0; n];
        for j in 0..n {
            a[(n - 1) * n + j] = 1.0;
        }
        b[n - 1] = 1.0;
        for col in 0..n {
            let piv = (col..n)
                .max_by(|x, y| a[x * n + col].abs().total_cmp(&a[y * n + col].abs()))
                .unwrap_or(col);
            if a[piv * n + col].abs() < 1e-300 {
                return Err(SolveError::Singular);
            }
            if piv != col {
                for j in 0..n {
                    a.swap(piv * n + j, col * n + j);
                }
                b.swap(piv, col);
            }
            let p = a[col * n + col];
            for row in col + 1..n {
                let factor = a[row * n + col] / p;
                if factor != 0.0 {
                    for j in col..n {
                        a[row * n + j] -= factor * a[col * n + j];
                    }
                    b[row] -= factor * b[col];
                }
            }
        }
        let mut x = vec![0.0; n];
        for row in (0..n).rev() {
            let mut s = b[row];
            for j in row + 1..n {
                s -= a[row * n + j] * x[j];
            }
            x[row] = s / a[row * n + row];
        }
        // rounding can leave tiny negatives where the mass is ~0
        for v in x.iter_mut() {
            *v = v.max(0.0);
        }
        normalise(&mut x).ok_or(SolveError::Singular)?;
        Ok(x)
    }

    /// Banded elimination of Qᵀ π = 0 with π_0 = 1 (state 0 must be recurrent): the system
    /// without state 0 is a nonsingular, column diagonally dominant M-matrix, so elimination
    /// needs no pivoting and keeps the band; O(states × bandwidth²).
    fn banded(&self, b: usize) -> Result<Vec<f64>, SolveError> {
        let n = self.n;
        let m = n - 1;
        let w = 2 * b + 1;
        // row i of the unknowns π_1..π_{n-1} (state i + 1); column j at j − i + b
        let mut a = vec![0.0; m * w];
        let mut rhs = vec![0.0; m];
        let out = self.out_rates();
        for i in 0..m {
            a[i * w + b] = -out[i + 1];
        }
        for &(f, t, r) in &self.edges {
            let (f, t) = (f as usize, t as usize);
            if t == 0 {
                continue;
            }
            if f == 0 {
                rhs[t - 1] -= r;
            } else {
                let (i, j) = (t - 1, f - 1);
                a[i * w + (j + b - i)] += r;
            }
        }
        for k in 0..m {
            let p = a[k * w + b];
            if p.is_nan() || p.abs() <= 1e-300 {
                return Err(SolveError::Singular);
            }
            for i in k + 1..m.min(k + b + 1) {
                let f = a[i * w + (k + b - i)] / p;
                if f == 0.0 {
                    continue;
                }
                for j in k..m.min(k + b + 1) {
                    a[i * w + (j + b - i)] -= f * a[k * w + (j + b - k)];
                }
                rhs[i] -= f * rhs[k];
            }
        }
        let mut x = vec![0.0; n];
        x[0] = 1.0;
        for k in (0..m).rev() {
            let mut s = rhs[k];
            for j in k + 1..m.min(k + b + 1) {
                s -= a[k * w + (j + b - k)] * x[j + 1];
            }
            x[k + 1] = (s / a[k * w + b]).max(0.0);
        }
        normalise(&mut x).ok_or(SolveError::Singular)?;
        Ok(x)
    }

    /// Symmetric Gauss–Seidel on π_j = Σ_i π_i q_ij / q_j (a forward and a backward sweep in state
    /// order), normalised after each iteration.
    fn gauss_seidel(&self) -> Result<Vec<f64>, SolveError> {
        let n = self.n;
        let out = self.out_rates();
        if out.iter().any(|o| *o <= 0.0) {
            return Err(SolveError::Singular);
        }
        // incoming edges by destination (CSR), in insertion order within each row
        let mut start = vec![0u32; n + 1];
        for &(_, t, _) in &self.edges {
            start[t as usize + 1] += 1;
        }
        for i in 0..n {
            start[i + 1] += start[i];
        }
        let mut fill = start.clone();
        let mut src = vec![0u32; self.edges.len()];
        let mut rate = vec![0.0; self.edges.len()];
        for &(f, t, r) in &self.edges {
            let k = fill[t as usize] as usize;
            src[k] = f;
            rate[k] = r;
            fill[t as usize] += 1;
        }
        let mut x = vec![1.0 / n as f64; n];
        // symmetric sweeps: forward then backward, so that mass moves both ways along the
        // state order in one iteration (a forward sweep alone moves it down one state a sweep)
        let order: Vec<usize> = (0..n).chain((0..n).rev()).collect();
        for _ in 0..MAX_SWEEPS {
            let mut change: f64 = 0.0;
            for &j in &order {
                let (a, b) = (start[j] as usize, start[j + 1] as usize);
                let mut s = 0.0;
                for k in a..b {
                    s += x[src[k] as usize] * rate[k];
                }
                let v = s / out[j];
                change = change.max((v - x[j]).abs());
                x[j] = v;
            }
            let total = normalise(&mut x).ok_or(SolveError::Singular)?;
            let top = x.iter().fold(0.0, |m: f64, v| m.max(*v));
            if change / total <= TOLERANCE * top {
                return Ok(x);
            }
        }
        Err(SolveError::NoConvergence { sweeps: MAX_SWEEPS })
    }
}

/// Scales `x` to sum 1; returns the old sum, `None` when it is not positive and finite.
fn normalise(x: &mut [f64]) -> Option<f64> {
    let s: f64 = x.iter().sum();
    if !(s.is_finite() && s > 0.0) {
        return None;
    }
    for v in x.iter_mut() {
        *v /= s;
    }
    Some(s)
}
