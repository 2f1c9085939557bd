//! The timeout-and-retry queue that is the reference model of metastable failure: Poisson
//! requests to one FCFS server with exponential service, a client timeout on every attempt,
//! immediate retries on timeout, and a server that (by default) still serves attempts whose
//! client has given up. Below μ/(R+1) requests per second it always recovers; inside the band up
//! to the healthy-state limit a trigger tips it into a state where every attempt times out and
//! the backlog grows at (R+1)λ − μ. Dropping expired work or capping the queue below μT removes
//! the bad state. The traffic simulator generalises this model to a service graph; this one is
//! kept small so the theory can check it.

use std::collections::VecDeque;

use crate::event_queue::{EventQueue, SimTime};
use crate::rng::Rng;

/// Parameters of the retry queue.
#[derive(Clone, Debug, PartialEq)]
pub struct RetryParams {
    /// Piecewise-constant request rate: `(from time, requests per second)`, sorted by time, the
    /// first starting at 0.
    pub rate: Vec<(SimTime, f64)>,
    /// Service rate μ of the single server.
    pub service_rate: f64,
    /// Client timeout T of each attempt, in seconds.
    pub timeout: f64,
    /// Retries R after the first attempt.
    pub max_retries: u32,
    /// The server skips, at no cost, attempts whose client has already timed out.
    pub drop_expired: bool,
    /// Most attempts in the system (queued and in service); attempts beyond get no reply and
    /// their client retries at its timeout.
    pub capacity: Option<u32>,
    /// The run ends here.
    pub horizon: SimTime,
    /// Width of the time-series buckets, in seconds.
    pub bucket: SimTime,
}

/// What happened in a run, per bucket and in total.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetryRun {
    /// Requests answered within their timeout, per bucket.
    pub goodput: Vec<u64>,
    /// Attempts issued (first tries and retries), per bucket.
    pub attempts: Vec<u64>,
    /// Retries issued, per bucket.
    pub retries: Vec<u64>,
    /// Attempts in the system (queued and in service) at the end of each bucket.
    pub backlog: Vec<u64>,
    /// Attempts served after their client had given up (wasted work).
    pub late: u64,
    /// Events processed.
    pub events: u64,
}

const ARRIVAL: u64 = 0;
const DONE: u64 = 1;
const TIMEOUT: u64 = 2;
const RATE_CHANGE: u64 = 3;
const SAMPLE: u64 = 4;
const KIND_BITS: u64 = 3;

#[derive(Clone, Copy, Debug)]
struct Attempt {
    /// Still awaited by its client.
    active: bool,
    retries_left: u32,
    /// Events and queue entries that still refer to this slot; freed at zero.
    references: u8,
}

/// Runs the retry queue with random stream `rng`. Linear in the number of events; attempt slots
/// are recycled, so memory follows the backlog.
///
/// # Panics
/// If the rate schedule is empty or does not start at 0, or a rate, μ, T or the bucket is not
/// positive.
pub fn simulate_retry(params: &RetryParams, rng: &mut Rng) -> RetryRun {
    assert!(params.rate.first().is_some_and(|&(t, _)| t == 0.0), "the rate starts at time 0");
    assert!(params.service_rate > 0.0 && params.timeout > 0.0 && params.bucket > 0.0);
    let n_buckets = (params.horizon / params.bucket).ceil() as usize;
    let mut run = RetryRun {
        goodput: vec![0; n_buckets],
        attempts: vec![0; n_buckets],
        retries: vec![0; n_buckets],
        backlog: vec![0; n_buckets],
        late: 0,
        events: 0,
    };
    let mut events = EventQueue::with_capacity(4096);
    let mut attempts: Vec<Attempt> = Vec::with_capacity(4096);
    let mut free: Vec<u32> = Vec::new();
    let mut queue: VecDeque<u32> = VecDeque::with_capacity(4096);
    let mut in_service: Option<u32> = None;
    let mut rate_index = 0usize;
    // Generation of the pending arrival; a rate change invalidates the one scheduled before it.
    let mut arrival_generation = 0u64;
    let encode = |kind: u64, value: u64| kind | (value << KIND_BITS);
    let mean_service = 1.0 / params.service_rate;

    let schedule_arrival =
        |now: SimTime, rate: f64, generation: u64, rng: &mut Rng, events: &mut EventQueue| {
            if rate > 0.0 {
                events.push(now + rng.exponential(1.0 / rate), encode(ARRIVAL, generation));
            }
        };
    schedule_arrival(0.0, params.rate[0].1, arrival_generation, rng, &mut events);
    for (index, &(time, _)) in params.rate.iter().enumerate().skip(1) {
        events.push(time, encode(RATE_CHANGE, index as u64));
    }
    for bucket in 0..n_buckets {
        events.push((bucket + 1) as f64 * params.bucket, encode(SAMPLE, bucket as u64));
    }

    while let Some((now, payload)) = events.pop() {
        if now > params.horizon {
            break;
        }
        run.events += 1;
        let bucket = ((now / params.bucket) as usize).min(n_buckets - 1);
        let kind = payload & ((1 << KIND_BITS) - 1);
        let value = payload >> KIND_BITS;
        // A new attempt: `retries_left` more may follow it.
        let mut issue = |retries_left: u32,
                         attempts: &mut Vec<Attempt>,
                         free: &mut Vec<u32>,
                         queue: &mut VecDeque<u32>,
                         events: &mut EventQueue| {
            run.attempts[bucket] += 1;
            let attempt = Attempt { active: true, retries_left, references: 1 };
            let slot = match free.pop() {
                Some(slot) => {
                    attempts[slot as usize] = attempt;
                    slot
                }
                None => {
                    attempts.push(attempt);
                    (attempts.len() - 1) as u32
                }
            };
            events.push(now + params.timeout, encode(TIMEOUT, u64::from(slot)));
            let in_system = queue.len() + usize::from(in_service.is_some());
            if params.capacity.is_none_or(|k| in_system < k as usize) {
                attempts[slot as usize].references += 1;
                queue.push_back(slot);
            }
        };
        match kind {
            ARRIVAL => {
                if value != arrival_generation {
                    continue;
                }
                issue(params.max_retries, &mut attempts, &mut free, &mut queue, &mut events);
                let rate = params.rate[rate_index].1;
                schedule_arrival(now, rate, arrival_generation, rng, &mut events);
            }
            RATE_CHANGE => {
                rate_index = value as usize;
                arrival_generation += 1;
                let rate = params.rate[rate_index].1;
                schedule_arrival(now, rate, arrival_generation, rng, &mut events);
            }
            TIMEOUT => {
                let slot = value as usize;
                let attempt = attempts[slot];
                if attempt.active {
                    attempts[slot].active = false;
                    if attempt.retries_left > 0 {
                        run.retries[bucket] += 1;
                        let left = attempt.retries_left - 1;
                        issue(left, &mut attempts, &mut free, &mut queue, &mut events);
                    }
                }
                release(&mut attempts, &mut free, slot);
            }
            DONE => {
                let slot = value as usize;
                if attempts[slot].active {
                    attempts[slot].active = false;
                    run.goodput[bucket] += 1;
                } else {
                    run.late += 1;
                }
                release(&mut attempts, &mut free, slot);
                in_service = None;
            }
            _ => {
                run.backlog[value as usize] =
                    (queue.len() + usize::from(in_service.is_some())) as u64;
                continue;
            }
        }
        if in_service.is_none() {
            while let Some(slot) = queue.pop_front() {
                if params.drop_expired && !attempts[slot as usize].active {
                    release(&mut attempts, &mut free, slot as usize);
                    continue;
                }
                in_service = Some(slot);
                events.push(now + rng.exponential(mean_service), encode(DONE, u64::from(slot)));
                break;
            }
        }
    }
    run
}

fn release(attempts: &mut [Attempt], free: &mut Vec<u32>, slot: usize) {
    attempts[slot].references -= 1;
    if attempts[slot].references == 0 {
        free.push(slot as u32);
    }
}
