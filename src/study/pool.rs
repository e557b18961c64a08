//! The bookkeeping of a study run by a pool of workers (the browser's Web Workers): which
//! replication indices go to which worker, the results that come back out of order, and the
//! [`Study`] they are pushed into — strictly in index order, so the study (its stopping point,
//! report and digest) is the one a single thread, the CLI's rayon pool or a cluster would give.
//! Pure and target-independent; the page only moves messages.

use super::{Replication, Stop, StoppedBy, Study};
use std::collections::{BTreeMap, BTreeSet};

/// The most replications one batch for a worker holds.
pub const MAX_BATCH: u64 = 32;
/// A batch aims at about this much wall time (short, so progress stays live and the
/// replications handed out beyond a CI rule's stopping point are few).
pub const BATCH_MS: f64 = 250.0;

/// A batch size for a worker whose replications take `ms_per_replication` each (1 while
/// unknown): about [`BATCH_MS`] of work, 1 to [`MAX_BATCH`] replications.
pub fn batch_size(ms_per_replication: Option<f64>) -> u64 {
    match ms_per_replication {
        Some(ms) if ms.is_finite() && ms > 0.0 => {
            let n = libm::floor(BATCH_MS / ms);
            if n >= MAX_BATCH as f64 {
                MAX_BATCH
            } else {
                (n as u64).max(1)
            }
        }
        Some(ms) if ms.is_finite() && ms >= 0.0 => MAX_BATCH,
        _ => 1,
    }
}

/// A study being run by a pool: indices out, results in, in order into the [`Study`].
#[derive(Clone, Debug)]
pub struct Dispatch {
    study: Study,
    /// The lowest index never handed out.
    next: u64,
    /// Handed out and not back yet: index → worker.
    out: BTreeMap<u64, usize>,
    /// Handed out to a worker that was lost: handed out again first.
    again: BTreeSet<u64>,
    /// Back before an index below them: waiting to be pushed.
    early: BTreeMap<u64, Replication>,
    /// Indices are handed out at most this far beyond the next one the study wants, so that a
    /// slow worker cannot make the others fill an unbounded buffer.
    window: u64,
}

impl Dispatch {
    /// A dispatch for `stop` (refused with the core's message when the rule is not valid);
    /// `window` bounds how far ahead of the study indices are handed out (at least 1).
    pub fn new(stop: Stop, window: u64) -> Result<Dispatch, String> {
        stop.check()?;
        Ok(Dispatch {
            study: Study::new(stop),
            next: 0,
            out: BTreeMap::new(),
            again: BTreeSet::new(),
            early: BTreeMap::new(),
            window: window.max(1),
        })
    }

    /// The same dispatch, its study reporting that its replications run with warm-up `w`
    /// (given, or chosen by the pilot runs before the first index is handed out).
    pub fn with_warmup(mut self, w: super::warmup::Warmup) -> Dispatch {
        self.study = self.study.with_warmup(w);
        self
    }

    /// Up to `n` indices for `worker` to run, lowest first: none once the study has stopped,
    /// every index up to the rule's maximum is out, or the window ahead of the study is full.
    pub fn take(&mut self, worker: usize, n: u64) -> Vec<u64> {
        let mut ks = Vec::new();
        let Some(due) = self.study.next_k() else {
            return ks;
        };
        let limit = self.study.stop.max().min(due.saturating_add(self.window));
        while (ks.len() as u64) < n {
            let k = match self.again.first().copied() {
                Some(k) => {
                    self.again.remove(&k);
                    k
                }
                None if self.next < limit => {
                    self.next += 1;
                    self.next - 1
                }
                None => break,
            };
            self.out.insert(k, worker);
            ks.push(k);
        }
        ks
    }

    /// A replication back from a worker. It is pushed into the study when it is the one due,
    /// followed by every buffered one after it; one that was not handed out is refused (a
    /// result of an earlier study, or a worker that ran something else).
    pub fn receive(&mut self, r: Replication) -> Result<(), String> {
        if self.out.remove(&r.k).is_none() {
            return Err(format!("replication {} was not handed out", r.k));
        }
        if self.study.next_k().is_none() {
            // Handed out beyond the stopping point: not part of the study.
            return Ok(());
        }
        self.early.insert(r.k, r);
        while let Some(due) = self.study.next_k() {
            let Some(r) = self.early.remove(&due) else {
                break;
            };
            self.study.push(r)?;
        }
        if self.study.next_k().is_none() {
            self.early.clear();
            self.again.clear();
        }
        Ok(())
    }

    /// A worker was lost (terminated, crashed): its indices are handed out again.
    pub fn lost(&mut self, worker: usize) {
        let lost: Vec<u64> = self
            .out
            .iter()
            .filter(|(_, w)| **w == worker)
            .map(|(k, _)| *k)
            .collect();
        for k in lost {
            self.out.remove(&k);
            if self.study.next_k().is_some() {
                self.again.insert(k);
            }
        }
    }

    /// Stops the study (cancel): what was pushed is kept, nothing more is handed out.
    pub fn halt(&mut self, why: StoppedBy) {
        self.study.halt(why);
        self.early.clear();
        self.again.clear();
    }

    /// Whether the study has stopped (its rule fired, or it was halted).
    pub fn stopped(&self) -> bool {
        self.study.next_k().is_none()
    }

    /// Indices handed out and not back (after the stop these are results to ignore).
    pub fn outstanding(&self) -> usize {
        self.out.len()
    }

    /// Results waiting for an earlier index.
    pub fn buffered(&self) -> usize {
        self.early.len()
    }

    pub fn study(&self) -> &Study {
        &self.study
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::{builtins, Dur};
    use crate::sim::Config;

    fn config() -> Config {
        let mut s = builtins::get("haproxy-single-lb").unwrap().scenario();
        s.horizon = Dur::mins(2);
        crate::scenario::compile(&s).unwrap().config
    }

    /// A fake replication `k` (only the index and digest matter to the bookkeeping).
    fn rep(k: u64) -> Replication {
        Replication {
            k,
            seed: k,
            digest: format!("d{k}"),
            metrics: BTreeMap::new(),
            up_share: Vec::new(),
        }
    }

    #[test]
    fn batch_sizes_aim_at_a_quarter_second_within_bounds() {
        assert_eq!(batch_size(None), 1);
        assert_eq!(batch_size(Some(f64::NAN)), 1);
        assert_eq!(batch_size(Some(1000.0)), 1);
        assert_eq!(batch_size(Some(100.0)), 2);
        assert_eq!(batch_size(Some(25.0)), 10);
        assert_eq!(batch_size(Some(0.5)), MAX_BATCH);
        assert_eq!(batch_size(Some(0.0)), MAX_BATCH);
    }

    #[test]
    fn a_bad_rule_is_refused_with_the_cores_message() {
        let e = Dispatch::new(Stop::Replications(0), 8).unwrap_err();
        assert!(e.contains("1 to 1000000 replications, not 0"), "{e}");
        let e = Dispatch::new(Stop::Replications(super::super::MAX_REPLICATIONS + 1), 8);
        assert!(e.is_err());
    }

    #[test]
    fn indices_go_out_lowest_first_up_to_the_maximum_and_the_window() {
        let mut d = Dispatch::new(Stop::Replications(10), 4).unwrap();
        assert_eq!(d.take(0, 3), vec![0, 1, 2]);
        // The window: at most 4 beyond the next one due (0).
        assert_eq!(d.take(1, 3), vec![3]);
        assert_eq!(d.take(2, 3), Vec::<u64>::new());
        d.receive(rep(0)).unwrap();
        assert_eq!(d.take(2, 3), vec![4]);
        assert_eq!(d.outstanding(), 4);
    }

    #[test]
    fn out_of_order_results_are_pushed_in_index_order() {
        let mut d = Dispatch::new(Stop::Replications(6), 100).unwrap();
        let a = d.take(0, 3);
        let b = d.take(1, 3);
        assert_eq!((a, b), (vec![0, 1, 2], vec![3, 4, 5]));
        for k in [4, 3, 1, 5] {
            d.receive(rep(k)).unwrap();
        }
        assert_eq!(d.study().replications().len(), 0);
        assert_eq!(d.buffered(), 4);
        d.receive(rep(0)).unwrap();
        assert_eq!(d.study().replications().len(), 2);
        d.receive(rep(2)).unwrap();
        let ks: Vec<u64> = d.study().replications().iter().map(|r| r.k).collect();
        assert_eq!(ks, vec![0, 1, 2, 3, 4, 5]);
        assert!(d.stopped());
        assert_eq!(d.study().stopped_by(), Some(StoppedBy::Replications));
        assert!(d.take(0, 5).is_empty());
    }

    #[test]
    fn a_result_never_handed_out_or_twice_is_refused() {
        let mut d = Dispatch::new(Stop::Replications(4), 8).unwrap();
        d.take(0, 1);
        assert!(d.receive(rep(3)).unwrap_err().contains("not handed out"));
        d.receive(rep(0)).unwrap();
        assert!(d.receive(rep(0)).is_err());
        assert_eq!(d.study().replications().len(), 1);
    }

    #[test]
    fn a_lost_workers_indices_are_handed_out_again_first() {
        let mut d = Dispatch::new(Stop::Replications(6), 100).unwrap();
        d.take(0, 2);
        d.take(1, 2);
        d.receive(rep(2)).unwrap();
        d.lost(0);
        assert_eq!(d.outstanding(), 1);
        assert_eq!(d.take(2, 3), vec![0, 1, 4]);
        for k in [0, 1, 3, 4] {
            d.receive(rep(k)).unwrap();
        }
        assert_eq!(d.take(2, 3), vec![5]);
        d.receive(rep(5)).unwrap();
        assert!(d.stopped());
    }

    #[test]
    fn a_halt_keeps_what_ran_and_hands_out_nothing_more() {
        let mut d = Dispatch::new(Stop::Replications(10), 100).unwrap();
        d.take(0, 4);
        d.receive(rep(0)).unwrap();
        d.receive(rep(2)).unwrap();
        d.halt(StoppedBy::Cancelled);
        assert!(d.stopped() && d.take(0, 4).is_empty());
        // Late results are taken off the books and change nothing.
        d.receive(rep(1)).unwrap();
        assert_eq!(d.study().replications().len(), 1);
        assert_eq!(d.study().stopped_by(), Some(StoppedBy::Cancelled));
    }

    /// Real replications, handed to three "workers" that answer in a scrambled order: the study
    /// stops where a single thread's does and has its digest, and nothing past the stopping
    /// point is kept.
    #[test]
    fn a_scrambled_pool_gives_the_single_threaded_study() {
        let cfg = config();
        let stop = Stop::UntilCi {
            metric: crate::report::Metric::RequestsFailed,
            half_width: 1e9,
            relative: false,
            max: 40,
        };
        let mut single = Study::new(stop.clone());
        while let Some(k) = single.next_k() {
            single.push(Replication::run(&cfg, k)).unwrap();
        }
        let mut d = Dispatch::new(stop, 8).unwrap();
        let mut queues: Vec<Vec<u64>> = vec![Vec::new(); 3];
        let mut turn = 0usize;
        while !d.stopped() {
            for (w, q) in queues.iter_mut().enumerate() {
                if q.is_empty() {
                    *q = d.take(w, 1 + w as u64);
                }
            }
            // The workers answer in turn, the last of their batch first.
            turn = (turn + 1) % 3;
            if let Some(k) = queues[turn].pop() {
                d.receive(Replication::run(&cfg, k)).unwrap();
            }
        }
        assert_eq!(d.study().replications().len(), 10);
        assert_eq!(d.study().stopped_by(), Some(StoppedBy::CiTarget));
        assert_eq!(d.study().digest(), single.digest());
        assert_eq!(d.study().replications(), single.replications());
    }
}
