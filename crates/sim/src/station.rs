//! One queueing station (M/M/c, M/M/c/K, M/G/c): Poisson arrivals, c servers, first-come
//! first-served, an optional limit on customers in the system. It is the simulator's
//! calibration model: closed-form queueing theory (Erlang B and C, M/M/1/K) checks it, and the
//! benchmark times it against SimPy and Ciw on the same model.

use std::collections::VecDeque;

use crate::event_queue::{EventQueue, SimTime};
use crate::rng::{Distribution, Rng};

/// The parameters of a station run.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct StationParams {
    /// Poisson arrival rate λ (customers per unit of time).
    pub arrival_rate: f64,
    /// Service-time distribution (exponential with mean 1/μ for M/M/c).
    pub service: Distribution,
    /// Number of servers c, at least one.
    pub servers: u32,
    /// Most customers in the system (waiting and in service); arrivals beyond are lost.
    /// `None` for an unbounded queue; `Some(servers)` gives the Erlang-B loss system.
    pub capacity: Option<u32>,
    /// Statistics start at this time.
    pub warmup: SimTime,
    /// The run ends at this time.
    pub horizon: SimTime,
}

/// What a station run measured after the warm-up.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct StationStats {
    /// Arrivals after the warm-up.
    pub arrivals: u64,
    /// Of those, how many found the system full.
    pub blocked: u64,
    /// Customers that started service after the warm-up.
    pub started: u64,
    /// Of those, how many had to wait.
    pub waited: u64,
    /// Mean wait in queue (Wq) of customers starting service after the warm-up.
    pub mean_wait: f64,
    /// Mean time in system (W = Wq + service) of the same customers.
    pub mean_sojourn: f64,
    /// Time-average number in system (L).
    pub mean_in_system: f64,
    /// Time-average number waiting (Lq).
    pub mean_in_queue: f64,
    /// Events processed, warm-up included.
    pub events: u64,
}

const ARRIVAL: u64 = 0;
const DEPARTURE: u64 = 1;

/// Simulates one station with random stream `rng`. Linear in the number of events, which is
/// about twice λ · horizon; allocates only while the queue grows.
///
/// # Panics
/// If there are no servers, the capacity is below the number of servers, or the arrival rate is
/// not positive.
pub fn simulate_station(params: &StationParams, rng: &mut Rng) -> StationStats {
    assert!(params.servers > 0, "a station needs at least one server");
    assert!(params.capacity.is_none_or(|k| k >= params.servers), "capacity below server count");
    assert!(params.arrival_rate > 0.0, "the arrival rate must be positive");
    let mean_interarrival = 1.0 / params.arrival_rate;
    let mut events = EventQueue::with_capacity(params.servers as usize + 2);
    let mut waiting: VecDeque<SimTime> = VecDeque::with_capacity(1024);
    let mut busy = 0u32;
    let mut stats = StationStats {
        arrivals: 0,
        blocked: 0,
        started: 0,
        waited: 0,
        mean_wait: 0.0,
        mean_sojourn: 0.0,
        mean_in_system: 0.0,
        mean_in_queue: 0.0,
        events: 0,
    };
    let (mut wait_sum, mut sojourn_sum, mut area_system, mut area_queue) = (0.0, 0.0, 0.0, 0.0);
    let mut last = params.warmup;
    events.push(rng.exponential(mean_interarrival), ARRIVAL);
    while let Some((now, kind)) = events.pop() {
        if now > params.horizon {
            break;
        }
        stats.events += 1;
        let counting = now >= params.warmup;
        if counting {
            let in_queue = waiting.len() as f64;
            area_system += (in_queue + f64::from(busy)) * (now - last);
            area_queue += in_queue * (now - last);
            last = now;
        }
        let mut start = |arrived: SimTime, stats: &mut StationStats, events: &mut EventQueue| {
            let service = rng.sample(params.service);
            if counting {
                let wait = now - arrived;
                stats.started += 1;
                stats.waited += u64::from(wait > 0.0);
                wait_sum += wait;
                sojourn_sum += wait + service;
            }
            events.push(now + service, DEPARTURE);
        };
        if kind == ARRIVAL {
            stats.arrivals += u64::from(counting);
            let in_system = busy as usize + waiting.len();
            if params.capacity.is_some_and(|k| in_system >= k as usize) {
                stats.blocked += u64::from(counting);
            } else if busy < params.servers {
                busy += 1;
                start(now, &mut stats, &mut events);
            } else {
                waiting.push_back(now);
            }
            events.push(now + rng.exponential(mean_interarrival), ARRIVAL);
        } else if let Some(arrived) = waiting.pop_front() {
            start(arrived, &mut stats, &mut events);
        } else {
            busy -= 1;
        }
    }
    let in_queue = waiting.len() as f64;
    let span = params.horizon - params.warmup;
    area_system += (in_queue + f64::from(busy)) * (params.horizon - last);
    area_queue += in_queue * (params.horizon - last);
    let started = stats.started.max(1) as f64;
    stats.mean_wait = wait_sum / started;
    stats.mean_sojourn = sojourn_sum / started;
    stats.mean_in_system = area_system / span;
    stats.mean_in_queue = area_queue / span;
    stats
}
