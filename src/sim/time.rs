//! Simulated time and the event queue: integer microseconds, ties broken by insertion order.
//!
//! Ordering rules: (1) an event never fires before one with a smaller time; (2) events with the
//! same time fire in the order they were scheduled (FIFO). Together they make runs repeatable.

/// Simulated time in integer microseconds since the start of the run.
pub type Time = u64;

pub const US_PER_S: f64 = 1_000_000.0;

/// Seconds as a float, for reports.
pub fn secs(t: Time) -> f64 {
    t as f64 / US_PER_S
}

/// The event queue: a radix heap over event times, FIFO among equal times, popped through a
/// short sorted run.
///
/// Times only grow (an event is never scheduled before the one being handled), which is what a
/// radix heap needs: a push is O(1) (bucket `b` holds the entries whose time first differs from
/// `last` in bit `b - 1`), and a refill takes the lowest non-empty bucket. A small bucket (at
/// most [`RUN`] entries) is sorted into the run as a whole; a larger one is redistributed around
/// its minimum, which moves each entry down a few buckets at most. `last` is then the largest
/// time in the run: every bucketed entry is later than every run entry, and a push at or before
/// `last` is inserted into the run after the entries at or before its time.
///
/// FIFO among equal times: entries with equal times always share a bucket (or the run), buckets
/// are only appended to or moved in order, the sort is stable and a push into the run goes after
/// its equals. Entries are scanned sequentially, which beats a binary heap's cache misses when
/// tens of thousands of sessions wait; the run saves a refill per pop.
pub struct EventQueue<E> {
    buckets: [Vec<(Time, E)>; 65],
    scratch: Vec<(Time, E)>,
    /// The entries at or before `last`, sorted by time (FIFO among equal times) from `head` on.
    run: Vec<(Time, E)>,
    head: usize,
    last: Time,
    /// The time of the last entry taken out: nothing is scheduled before it.
    now: Time,
    len: usize,
    /// Bit `i` set when bucket `i` (1..=63) holds entries: the first one to refill from is
    /// found with one `trailing_zeros` instead of a scan of the buckets. Bucket 64 (times
    /// differing in bit 63) sets bit 0.
    nonempty: u64,
    /// The smallest time in each bucket (`Time::MAX` when empty): a refill knows its minimum
    /// without a scan.
    mins: [Time; 65],
}

/// A bucket of at most this many entries is sorted into the run instead of redistributed (16
/// measured best of 4, 8, 12, 16, 24, 32 on the request-level bench).
const RUN: usize = 16;

impl<E: Copy> Default for EventQueue<E> {
    fn default() -> Self {
        EventQueue {
            buckets: std::array::from_fn(|_| Vec::new()),
            scratch: Vec::new(),
            run: Vec::new(),
            head: 0,
            last: 0,
            now: 0,
            len: 0,
            nonempty: 0,
            mins: [Time::MAX; 65],
        }
    }
}

/// The bucket of `time` relative to `last`: 0 when equal, else one plus the highest differing
/// bit (branch-free: `leading_zeros(0)` is 64).
#[inline]
fn bucket(time: Time, last: Time) -> usize {
    64 - (time ^ last).leading_zeros() as usize
}

impl<E: Copy> EventQueue<E> {
    /// Schedules `event` at `time` (never before the last event taken out; an earlier time is
    /// clamped to it rather than reordering the past).
    #[inline(always)]
    pub fn push(&mut self, time: Time, event: E) {
        let time = time.max(self.now);
        self.len += 1;
        if time <= self.last {
            self.run.push((time, event));
            self.sort_run_tail();
            return;
        }
        let b = bucket(time, self.last);
        self.buckets[b].push((time, event));
        self.mins[b] = self.mins[b].min(time);
        self.nonempty |= 1u64 << (b & 63);
    }

    /// After a push at or before `last` onto the run: moves it after every entry at or before
    /// its time. (The entry is pushed first so that it is written straight from registers: a
    /// function taking it by value would get it through a stack copy on every push.)
    #[inline(never)]
    fn sort_run_tail(&mut self) {
        let mut k = self.run.len() - 1;
        let item = self.run[k];
        while k > self.head && self.run[k - 1].0 > item.0 {
            self.run[k] = self.run[k - 1];
            k -= 1;
        }
        self.run[k] = item;
    }

    /// Makes the run hold the next entries; false when empty.
    #[inline]
    fn fill(&mut self) -> bool {
        self.head < self.run.len() || self.refill()
    }

    /// Refills the exhausted run from the lowest non-empty bucket; false when empty.
    #[inline(never)]
    fn refill(&mut self) -> bool {
        self.run.clear();
        self.head = 0;
        if self.nonempty == 0 {
            return false;
        }
        let rest = self.nonempty & !1;
        let i = if rest != 0 {
            rest.trailing_zeros() as usize
        } else {
            64
        };
        self.nonempty &= !(1u64 << (i & 63));
        let min = self.mins[i];
        self.mins[i] = Time::MAX;
        if self.buckets[i].len() <= RUN {
            std::mem::swap(&mut self.buckets[i], &mut self.run);
            // insertion sort, stable: equal times keep their order
            let run = &mut self.run[..];
            for k in 1..run.len() {
                let item = run[k];
                let mut j = k;
                while j > 0 && run[j - 1].0 > item.0 {
                    run[j] = run[j - 1];
                    j -= 1;
                }
                run[j] = item;
            }
            self.last = run[run.len() - 1].0;
            return true;
        }
        self.last = min;
        std::mem::swap(&mut self.buckets[i], &mut self.scratch);
        for item in self.scratch.drain(..) {
            if item.0 == min {
                self.run.push(item);
                continue;
            }
            let b = bucket(item.0, min);
            self.buckets[b].push(item);
            self.mins[b] = self.mins[b].min(item.0);
            self.nonempty |= 1u64 << (b & 63);
        }
        true
    }

    pub fn peek_time(&mut self) -> Option<Time> {
        if self.fill() {
            Some(self.run[self.head].0)
        } else {
            None
        }
    }

    pub fn pop(&mut self) -> Option<(Time, E)> {
        self.pop_until(Time::MAX)
    }

    /// Pops the next entry if its time is at most `limit` (one refill for a peek and a pop).
    #[inline]
    pub fn pop_until(&mut self, limit: Time) -> Option<(Time, E)> {
        if !self.fill() || self.run[self.head].0 > limit {
            return None;
        }
        let item = self.run[self.head];
        self.head += 1;
        self.len -= 1;
        self.now = item.0;
        Some(item)
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fifo_on_equal_time() {
        let mut q = EventQueue::default();
        q.push(5, 'a');
        q.push(1, 'b');
        q.push(5, 'c');
        q.push(1, 'd');
        let order: Vec<char> = std::iter::from_fn(|| q.pop().map(|(_, e)| e)).collect();
        assert_eq!(order, vec!['b', 'd', 'a', 'c']);
    }

    #[test]
    fn times_differing_in_the_top_bit() {
        let mut q = EventQueue::default();
        let top = 1u64 << 63;
        for (t, e) in [
            (top | 3, 'a'),
            (5, 'b'),
            (top, 'c'),
            (top | 3, 'd'),
            (7, 'e'),
        ] {
            q.push(t, e);
        }
        let order: Vec<char> = std::iter::from_fn(|| q.pop().map(|(_, e)| e)).collect();
        assert_eq!(order, vec!['b', 'e', 'c', 'a', 'd']);
        assert!(q.is_empty());
    }

    /// A small deterministic generator for the stress tests.
    fn xorshift(mut x: u64) -> impl FnMut() -> u64 {
        move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        }
    }

    /// The queue beside a plain list of what it holds: each push goes to both (with a fresh id),
    /// and each pop records what the queue gave and what the list sorted by (time, id) says
    /// comes next.
    struct Mirror {
        q: EventQueue<u64>,
        reference: Vec<(Time, u64)>,
        id: u64,
        now: Time,
        popped: Vec<(Time, u64)>,
        expected: Vec<(Time, u64)>,
    }

    impl Mirror {
        fn new() -> Mirror {
            Mirror {
                q: EventQueue::default(),
                reference: Vec::new(),
                id: 0,
                now: 0,
                popped: Vec::new(),
                expected: Vec::new(),
            }
        }

        fn push(&mut self, t: Time) {
            self.id += 1;
            self.q.push(t, self.id);
            self.reference.push((t, self.id));
        }

        fn pop(&mut self) -> bool {
            let Some((t, e)) = self.q.pop() else {
                return false;
            };
            self.now = t;
            self.popped.push((t, e));
            self.reference.sort();
            self.expected.push(self.reference.remove(0));
            true
        }
    }

    #[test]
    fn matches_a_sorted_reference_under_interleaving() {
        let mut m = Mirror::new();
        let mut next = xorshift(12345);
        for round in 0..6_000 {
            let pushes = next() % 3;
            for _ in 0..pushes {
                let dt = match next() % 4 {
                    0 => 0,
                    1 => next() % 10,
                    2 => next() % 1_000,
                    _ => next() % 1_000_000_000,
                };
                m.push(m.now + dt);
            }
            if round % 2 == 0 {
                m.pop();
            }
        }
        assert!(!m.popped.is_empty());
        assert_eq!(m.popped, m.expected);
    }

    /// Bursts at one time (buckets larger than a run, redistributed with ties), pushes into
    /// the run's range after a peek, and long quiet stretches, against a sorted reference.
    #[test]
    fn bursts_and_pushes_into_the_run_keep_the_order() {
        let mut m = Mirror::new();
        let mut next = xorshift(987_654_321);
        for _ in 0..4_000 {
            let burst = match next() % 8 {
                0 => 3 * RUN as u64,
                1 => RUN as u64 + 1,
                _ => next() % 3,
            };
            let at = m.now + next() % 50;
            for k in 0..burst {
                // half the burst at one time, the rest spread just after it
                m.push(if k % 2 == 0 { at } else { at + next() % 4 });
            }
            if next().is_multiple_of(3) {
                if let Some(peek) = m.q.peek_time() {
                    // at or before the peeked time but not before `now`: must pop first
                    m.push(m.now + (peek - m.now) / 2);
                }
            }
            for _ in 0..next() % 4 {
                m.pop();
            }
        }
        while m.pop() {}
        assert_eq!(m.popped.len(), m.id as usize);
        assert_eq!(m.popped, m.expected);
        assert!(m.q.is_empty());
    }
}
