//! The pending-event set: a binary heap of small `Copy` events ordered by time and then by the
//! order they were scheduled in, so simultaneous events fire first-in first-out and a run never
//! depends on how the heap happens to break ties.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

/// A simulated instant in seconds since the start of a run; never mixed with `std::time`.
pub type SimTime = f64;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Entry {
    /// The bits of a non-negative `f64` time, which order like the times themselves.
    time_bits: u64,
    sequence: u64,
    payload: u64,
}

impl Ord for Entry {
    fn cmp(&self, other: &Self) -> Ordering {
        // Reversed: `BinaryHeap` is a max-heap and the earliest event must come out first.
        (other.time_bits, other.sequence).cmp(&(self.time_bits, self.sequence))
    }
}

impl PartialOrd for Entry {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Events waiting to happen, each a 64-bit payload the model decodes. Push and pop are
/// logarithmic in the number pending and allocate only when the heap outgrows its capacity.
#[derive(Debug, Default)]
pub struct EventQueue {
    heap: BinaryHeap<Entry>,
    next_sequence: u64,
}

impl EventQueue {
    /// An empty queue with room for `capacity` pending events.
    pub fn with_capacity(capacity: usize) -> Self {
        Self { heap: BinaryHeap::with_capacity(capacity), next_sequence: 0 }
    }

    /// Schedules `payload` at `time`; among events at the same time, earlier pushes pop first.
    ///
    /// # Panics
    /// If `time` is negative or not a number.
    pub fn push(&mut self, time: SimTime, payload: u64) {
        assert!(time >= 0.0, "event time {time} must be a non-negative number");
        // `+ 0.0` turns −0 into +0, whose bits order correctly.
        let time_bits = (time + 0.0).to_bits();
        self.heap.push(Entry { time_bits, sequence: self.next_sequence, payload });
        self.next_sequence += 1;
    }

    /// Takes the earliest event, or `None` when none is pending.
    pub fn pop(&mut self) -> Option<(SimTime, u64)> {
        self.heap.pop().map(|entry| (f64::from_bits(entry.time_bits), entry.payload))
    }

    /// The number of pending events.
    pub fn len(&self) -> usize {
        self.heap.len()
    }

    /// Whether no event is pending.
    pub fn is_empty(&self) -> bool {
        self.heap.is_empty()
    }
}
