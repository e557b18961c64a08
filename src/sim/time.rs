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

/// The event queue: a radix heap over event times, FIFO among equal times.
///
/// Times only grow (an event is never scheduled before the one being handled), which is what a
/// radix heap needs: a push is O(1), a pop moves each entry down a bucket at most a few times.
/// Entries with equal times always share a bucket and are only ever appended or moved in order,
/// so bucket 0 (the entries at the current minimum time) pops them in insertion order.
/// Entries are scanned sequentially, which beats a binary heap's cache misses when tens of
/// thousands of sessions wait.
pub struct EventQueue<E> {
    buckets: [Vec<(Time, E)>; 65],
    scratch: Vec<(Time, E)>,
    /// Next entry of bucket 0 to pop.
    head: usize,
    last: Time,
    len: usize,
    /// Bit `i` set when bucket `i` (1..=63) holds entries: the first one to refill from is
    /// found with one `trailing_zeros` instead of a scan of the buckets. Bucket 64 (times
    /// differing in bit 63) sets bit 0, which means nothing: it is checked directly.
    nonempty: u64,
    /// The smallest time in each bucket (`Time::MAX` when empty; bucket 0's is not kept up to
    /// date): a refill knows its new minimum without a scan.
    mins: [Time; 65],
}

impl<E: Copy> Default for EventQueue<E> {
    fn default() -> Self {
        EventQueue {
            buckets: std::array::from_fn(|_| Vec::new()),
            scratch: Vec::new(),
            head: 0,
            last: 0,
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
    #[inline]
    pub fn push(&mut self, time: Time, event: E) {
        let time = time.max(self.last);
        let b = bucket(time, self.last);
        self.buckets[b].push((time, event));
        self.mins[b] = self.mins[b].min(time);
        self.nonempty |= 1u64 << (b & 63);
        self.len += 1;
    }

    /// Makes bucket 0 hold the entries at the smallest time; false when empty.
    fn fill(&mut self) -> bool {
        if self.head < self.buckets[0].len() {
            return true;
        }
        self.buckets[0].clear();
        self.head = 0;
        let rest = self.nonempty & !1;
        let i = if rest != 0 {
            rest.trailing_zeros() as usize
        } else if !self.buckets[64].is_empty() {
            64
        } else {
            self.nonempty = 0;
            return false;
        };
        self.nonempty = rest & !(1u64 << (i & 63));
        let min = self.mins[i];
        self.mins[i] = Time::MAX;
        self.last = min;
        std::mem::swap(&mut self.buckets[i], &mut self.scratch);
        for item in self.scratch.drain(..) {
            let b = bucket(item.0, min);
            self.buckets[b].push(item);
            self.mins[b] = self.mins[b].min(item.0);
            self.nonempty |= 1u64 << (b & 63);
        }
        true
    }

    pub fn peek_time(&mut self) -> Option<Time> {
        if self.fill() {
            Some(self.buckets[0][self.head].0)
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
        if !self.fill() || self.buckets[0][self.head].0 > limit {
            return None;
        }
        let item = self.buckets[0][self.head];
        self.head += 1;
        self.len -= 1;
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

    #[test]
    fn matches_a_sorted_reference_under_interleaving() {
        let mut q = EventQueue::default();
        let mut reference: Vec<(Time, u64)> = Vec::new();
        let mut x: u64 = 12345;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        let mut now = 0;
        let mut id = 0u64;
        let mut popped = Vec::new();
        let mut expected = Vec::new();
        for round in 0..6_000 {
            let pushes = next() % 3;
            for _ in 0..pushes {
                let dt = match next() % 4 {
                    0 => 0,
                    1 => next() % 10,
                    2 => next() % 1_000,
                    _ => next() % 1_000_000_000,
                };
                id += 1;
                q.push(now + dt, id);
                reference.push((now + dt, id));
            }
            if round % 2 == 0 {
                if let Some((t, e)) = q.pop() {
                    now = t;
                    popped.push((t, e));
                    reference.sort();
                    expected.push(reference.remove(0));
                }
            }
        }
        assert_eq!(popped, expected);
    }
}
