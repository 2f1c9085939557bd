//! Independent replications in parallel: each replication is single-threaded and seeded from
//! the run's seed and its own index, and results come back in replication order, so the output
//! never depends on the number of threads or on which finished first.

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Runs `run(index)` for every index in `indices` on `threads` threads (at least one) and
/// returns the results in index order. `progress` is called once after each replication, from
/// whichever thread ran it.
///
/// # Panics
/// If `run` panics.
pub fn replicate<T: Send>(
    indices: std::ops::Range<u64>,
    threads: usize,
    run: &(dyn Fn(u64) -> T + Sync),
    progress: &(dyn Fn() + Sync),
) -> Vec<T> {
    let n = (indices.end.saturating_sub(indices.start)) as usize;
    let next = AtomicUsize::new(0);
    let slots: Mutex<Vec<Option<T>>> = Mutex::new((0..n).map(|_| None).collect());
    let work = || {
        loop {
            let offset = next.fetch_add(1, Ordering::Relaxed);
            if offset >= n {
                break;
            }
            let result = run(indices.start + offset as u64);
            slots.lock().expect("no replication panicked")[offset] = Some(result);
            progress();
        }
    };
    let threads = threads.clamp(1, n.max(1));
    std::thread::scope(|scope| {
        for _ in 1..threads {
            scope.spawn(work);
        }
        work();
    });
    slots
        .into_inner()
        .expect("no replication panicked")
        .into_iter()
        .map(|slot| slot.expect("every replication ran"))
        .collect()
}
