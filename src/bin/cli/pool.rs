//! The threads a study's replications and pilot runs run on: rayon natively; one at a time in
//! the wasm32 build that only type-checks this binary.

use failover_lab::scenario::Problem;
use failover_lab::study::{warmup::Pilot, Replication};

/// Replications across threads.
pub(crate) struct Pool {
    #[cfg(not(target_arch = "wasm32"))]
    pool: rayon::ThreadPool,
}

impl Pool {
    pub(crate) fn new(jobs: usize) -> Result<Pool, Vec<Problem>> {
        #[cfg(not(target_arch = "wasm32"))]
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(jobs.clamp(1, 256))
            .build()
            .map_err(|e| {
                super::study::err("--jobs", format!("cannot start {jobs} threads: {e}"))
            })?;
        #[cfg(target_arch = "wasm32")]
        let _ = jobs;
        Ok(Pool {
            #[cfg(not(target_arch = "wasm32"))]
            pool,
        })
    }

    /// Replications `ks` of `cfg`, in index order.
    pub(crate) fn run(
        &self,
        cfg: &failover_lab::sim::Config,
        ks: std::ops::Range<u64>,
    ) -> Vec<Replication> {
        #[cfg(not(target_arch = "wasm32"))]
        {
            use rayon::prelude::*;
            self.pool.install(|| {
                ks.into_par_iter()
                    .map(|k| Replication::run(cfg, k))
                    .collect()
            })
        }
        #[cfg(target_arch = "wasm32")]
        ks.map(|k| Replication::run(cfg, k)).collect()
    }

    /// Pilot runs `ks` of `cfg` (without a warm-up), in index order.
    pub(crate) fn pilots(
        &self,
        cfg: &failover_lab::sim::Config,
        ks: std::ops::Range<u64>,
    ) -> Vec<Pilot> {
        #[cfg(not(target_arch = "wasm32"))]
        {
            use rayon::prelude::*;
            self.pool
                .install(|| ks.into_par_iter().map(|k| Pilot::run(cfg, k)).collect())
        }
        #[cfg(target_arch = "wasm32")]
        ks.map(|k| Pilot::run(cfg, k)).collect()
    }
}
