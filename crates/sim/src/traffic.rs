//! Request traffic through a model's service graph: open-loop arrivals per business function,
//! components with limited concurrency and queues that hold a server while they wait on their
//! own dependencies, callers with timeouts, retries (immediate or exponential backoff with
//! jitter), retry budgets, circuit breakers, failover across any-of groups and parallel calls to
//! k-of-n quorums, under a timeline of faults. The output is a time series per function and per
//! component, and a verdict: did the system recover after the faults ended, and how long did it
//! take?

use std::collections::VecDeque;
use std::ops::Range;

use blastradius_model::{DependencyKind, Model, NodeId, Origin};

use crate::event_queue::{EventQueue, SimTime};
use crate::rng::Rng;
use crate::scenario::{Backoff, CallPolicy, Effect, Jitter, Scenario, group_need};

/// Latency histogram: 20 bins a decade from 100 µs to 1000 s.
const BINS_PER_DECADE: f64 = 20.0;
const LOWEST_DECADE: f64 = -4.0;
const N_BINS: usize = 140;
/// Retry-budget bucket size in tokens.
const MAX_TOKENS: f64 = 10.0;
const NONE: u32 = u32::MAX;

/// Per-bucket series of one business function in one run.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FunctionSeries {
    /// Requests that arrived.
    pub offered: Vec<u64>,
    /// Requests that completed successfully (counted when they complete).
    pub goodput: Vec<u64>,
    /// Requests that failed (counted when they fail).
    pub failed: Vec<u64>,
    /// Median latency of the bucket's successful requests, seconds (0 when none).
    pub latency_p50: Vec<f64>,
    /// 90th percentile.
    pub latency_p90: Vec<f64>,
    /// 99th percentile.
    pub latency_p99: Vec<f64>,
}

/// Per-bucket series of one component in one run.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ComponentSeries {
    /// Attempts that arrived (first tries and retries): the offered load.
    pub arrivals: Vec<u64>,
    /// Of those, retries.
    pub retries: Vec<u64>,
    /// Attempts served successfully.
    pub completed: Vec<u64>,
    /// Attempts that failed: rejected (down, queue full, breaker open), dropped as expired, or
    /// failed because a dependency failed.
    pub errors: Vec<u64>,
    /// Attempts served after their caller had given up (wasted work).
    pub wasted: Vec<u64>,
    /// Requests waiting for a server at the end of the bucket.
    pub queue: Vec<u64>,
    /// Median response time (arrival to successful completion, downstream calls included) of
    /// the attempts the component completed in the bucket, in seconds (0 when none).
    pub latency_p50: Vec<f64>,
    /// The same for the 99th percentile.
    pub latency_p99: Vec<f64>,
}

/// Whether a run got back to normal after its faults.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Recovery {
    /// The scenario has no faults.
    NoTrigger,
    /// Goodput returned to its pre-fault level this many seconds after the last fault ended.
    Recovered {
        /// Seconds after the end of the last fault.
        after: f64,
    },
    /// Goodput had not returned by the end of the run: metastable within the horizon.
    NotRecovered,
}

/// The result of one replication.
#[derive(Clone, Debug, PartialEq)]
pub struct TrafficRun {
    /// One per function, in model order (empty series for functions without load).
    pub functions: Vec<FunctionSeries>,
    /// One per node of [`TrafficPlan::components`], in that order.
    pub components: Vec<ComponentSeries>,
    /// The verdict.
    pub recovery: Recovery,
    /// Events processed.
    pub events: u64,
}

/// One dependency as traffic sees it: the members called, in failover order.
#[derive(Clone, Debug)]
struct Edge {
    members: Range<u32>,
    /// Successful members needed (1 for hard and any-of, k for k-of-n); `None` for soft.
    need: Option<u32>,
    /// A k-of-n group: every member is called at once and the call succeeds when k answer (any-of
    /// groups instead try members one after another).
    quorum: bool,
    policy: CallPolicy,
}

/// What a model and scenario turn into before any run: the call graph without cycles.
#[derive(Clone, Debug)]
pub struct TrafficPlan {
    edges: Vec<Edge>,
    members: Vec<NodeId>,
    /// Traffic edges of each node.
    node_edges: Vec<Range<u32>>,
    /// Client edges of each function.
    function_edges: Vec<Range<u32>>,
    /// Nodes reachable by traffic, in model order; the order of `TrafficRun::components`.
    components: Vec<NodeId>,
    /// Position of each node in `components`, or `NONE`.
    component_slot: Vec<u32>,
    /// `depends_on` members left out because calling them would close a cycle: (caller, callee).
    cut: Vec<(NodeId, NodeId)>,
}

impl TrafficPlan {
    /// Builds the call graph: every `depends_on` dependency is a call (placement and provider
    /// structure are not), and a member that would close a cycle is left out. Linear in the
    /// size of the model.
    pub fn new(model: &Model, scenario: &Scenario) -> Self {
        let n = model.n_nodes();
        let mut plan = Self {
            edges: Vec::new(),
            members: Vec::new(),
            node_edges: Vec::with_capacity(n),
            function_edges: Vec::new(),
            components: Vec::new(),
            component_slot: vec![NONE; n],
            cut: Vec::new(),
        };
        // Iterative depth-first search in model order marks back edges (members on the stack).
        let mut on_stack = vec![false; n];
        let mut visited = vec![false; n];
        let mut member_offsets = Vec::with_capacity(model.n_dependencies() + 1);
        member_offsets.push(0usize);
        for dependency_index in 0..model.n_dependencies() {
            let len = model.dependency(dependency_index).members.len();
            member_offsets.push(member_offsets[dependency_index] + len);
        }
        let mut is_cut = vec![false; member_offsets[model.n_dependencies()]];
        for root in model.node_ids() {
            if visited[root.index()] {
                continue;
            }
            let mut stack: Vec<(NodeId, Vec<(usize, NodeId)>)> =
                vec![(root, calls_of(model, &member_offsets, root))];
            visited[root.index()] = true;
            on_stack[root.index()] = true;
            while let Some((node, pending)) = stack.last_mut() {
                let node = *node;
                match pending.pop() {
                    Some((slot, member)) => {
                        if on_stack[member.index()] {
                            is_cut[slot] = true;
                        } else if !visited[member.index()] {
                            visited[member.index()] = true;
                            on_stack[member.index()] = true;
                            stack.push((member, calls_of(model, &member_offsets, member)));
                        }
                    }
                    None => {
                        on_stack[node.index()] = false;
                        stack.pop();
                    }
                }
            }
        }
        for node in model.node_ids() {
            let start = plan.edges.len() as u32;
            for dependency_index in model.dependency_range(node) {
                let dependency = model.dependency(dependency_index);
                if dependency.origin != Origin::DependsOn {
                    continue;
                }
                let first_slot = member_offsets[dependency_index];
                let member_start = plan.members.len() as u32;
                let policy = scenario.calls[dependency_index].clone().unwrap_or_default();
                let order: Vec<usize> = if policy.failover_order.is_empty() {
                    (0..dependency.members.len()).collect()
                } else {
                    policy.failover_order.iter().map(|&p| p as usize).collect()
                };
                for offset in order {
                    let member = dependency.members[offset];
                    if is_cut[first_slot + offset] {
                        plan.cut.push((node, member));
                    } else {
                        plan.members.push(member);
                    }
                }
                let kept = plan.members.len() as u32 - member_start;
                if kept == 0 {
                    continue;
                }
                let need = group_need(dependency.kind, kept as usize).map(|k| k as u32);
                let need = match dependency.kind {
                    // A quorum that lost members to cycle cutting still needs what it can get.
                    DependencyKind::AtLeast(_) => need.map(|k| k.min(kept)),
                    _ => need,
                };
                plan.edges.push(Edge {
                    members: member_start..plan.members.len() as u32,
                    need,
                    quorum: matches!(dependency.kind, DependencyKind::AtLeast(_)),
                    policy,
                });
            }
            plan.node_edges.push(start..plan.edges.len() as u32);
        }
        let mut reached = vec![false; n];
        let mut work: Vec<NodeId> = Vec::new();
        for (index, function) in model.functions().iter().enumerate() {
            let start = plan.edges.len() as u32;
            if let Some(load) = &scenario.load[index] {
                for &node in &function.delivered_by {
                    let member_start = plan.members.len() as u32;
                    plan.members.push(node);
                    plan.edges.push(Edge {
                        members: member_start..member_start + 1,
                        need: Some(1),
                        quorum: false,
                        policy: load.client.clone(),
                    });
                    work.push(node);
                }
            }
            plan.function_edges.push(start..plan.edges.len() as u32);
        }
        while let Some(node) = work.pop() {
            if std::mem::replace(&mut reached[node.index()], true) {
                continue;
            }
            for edge in &plan.edges[range(&plan.node_edges[node.index()])] {
                work.extend(plan.members[range(&edge.members)].iter().copied());
            }
        }
        for node in model.node_ids() {
            if reached[node.index()] {
                plan.component_slot[node.index()] = plan.components.len() as u32;
                plan.components.push(node);
            }
        }
        plan
    }

    /// The nodes traffic reaches, in model order.
    pub fn components(&self) -> &[NodeId] {
        &self.components
    }

    /// `depends_on` members that are not called because the call would close a cycle, as
    /// (caller, callee) pairs in model order.
    pub fn cut_edges(&self) -> &[(NodeId, NodeId)] {
        &self.cut
    }
}

fn range(r: &Range<u32>) -> Range<usize> {
    r.start as usize..r.end as usize
}

/// The `depends_on` members of a node with their global member slots, last first (so popping
/// visits them in file order).
fn calls_of(model: &Model, member_offsets: &[usize], node: NodeId) -> Vec<(usize, NodeId)> {
    let mut calls = Vec::new();
    for dependency_index in model.dependency_range(node) {
        let dependency = model.dependency(dependency_index);
        if dependency.origin == Origin::DependsOn {
            let first = member_offsets[dependency_index];
            calls.extend(dependency.members.iter().enumerate().map(|(i, &m)| (first + i, m)));
        }
    }
    calls.reverse();
    calls
}

#[derive(Clone, Copy, Debug)]
struct Job {
    /// The node serving it, or `NONE` for a function's request (the root).
    node: u32,
    /// For a root: its function.
    function: u32,
    caller_call: u32,
    caller_generation: u32,
    deadline: SimTime,
    arrived: SimTime,
    outstanding: u32,
    failed: bool,
    in_service: bool,
}

#[derive(Clone, Copy, Debug)]
struct Call {
    job: u32,
    /// For a call to one member of a quorum: its group in `Engine::groups`; else `NONE`.
    group: u32,
    edge: u32,
    member_position: u32,
    successes: u32,
    attempts_on_member: u32,
    /// Bumped whenever the current attempt ends, so stale timeouts and replies are ignored.
    generation: u32,
}

/// The calls to every member of a k-of-n group made for one request.
#[derive(Clone, Copy, Debug)]
struct Group {
    job: u32,
    need: u32,
    n_members: u32,
    successes: u32,
    failures: u32,
    /// Member calls not finished yet; the group is freed when this reaches zero.
    pending: u32,
    /// The outcome has been reported to the job.
    decided: bool,
}

#[derive(Clone, Debug, Default)]
struct NodeState {
    busy: u32,
    queue: VecDeque<u32>,
    down: bool,
    hang: bool,
    capacity_factor: f64,
    latency: f64,
}

#[derive(Clone, Copy, Debug, Default)]
struct Breaker {
    consecutive_failures: u32,
    open_until: SimTime,
}

const ARRIVAL: u64 = 0;
const SERVICE_DONE: u64 = 1;
const TIMEOUT: u64 = 2;
const RETRY: u64 = 3;
const FAST_FAIL: u64 = 4;
const FAULT: u64 = 5;
const SAMPLE: u64 = 6;
const FLUSHED: u64 = 7;
/// An attempt refused by its caller's own open circuit breaker: it fails without counting as a
/// failure of the member, or the breaker would never close.
const BREAKER_OPEN: u64 = 8;
const GENERATION_MASK: u64 = (1 << 28) - 1;

fn encode(kind: u64, id: u32, generation: u32) -> u64 {
    kind | (u64::from(id) << 4) | ((u64::from(generation) & GENERATION_MASK) << 36)
}

fn decode(payload: u64) -> (u64, u32, u32) {
    (payload & 15, (payload >> 4) as u32, (payload >> 36) as u32)
}

struct Engine<'a> {
    model: &'a Model,
    scenario: &'a Scenario,
    plan: &'a TrafficPlan,
    rng: Rng,
    events: EventQueue,
    now: SimTime,
    bucket: usize,
    nodes: Vec<NodeState>,
    jobs: Vec<Job>,
    free_jobs: Vec<u32>,
    calls: Vec<Call>,
    free_calls: Vec<u32>,
    groups: Vec<Group>,
    free_groups: Vec<u32>,
    breakers: Vec<Breaker>,
    tokens: Vec<f64>,
    histograms: Vec<[u32; N_BINS]>,
    component_histograms: Vec<[u32; N_BINS]>,
    active_faults: Vec<bool>,
    run: TrafficRun,
}

/// Runs one replication of `scenario` over `model` with random stream `rng`. Linear in the
/// number of events; job and call slots are recycled, so memory follows the work in flight.
pub fn simulate_traffic(
    model: &Model,
    scenario: &Scenario,
    plan: &TrafficPlan,
    rng: Rng,
) -> TrafficRun {
    let n_buckets = (scenario.horizon / scenario.bucket).ceil().max(1.0) as usize;
    let function_series = |has_load: bool| {
        let n = if has_load { n_buckets } else { 0 };
        FunctionSeries {
            offered: vec![0; n],
            goodput: vec![0; n],
            failed: vec![0; n],
            latency_p50: vec![0.0; n],
            latency_p90: vec![0.0; n],
            latency_p99: vec![0.0; n],
        }
    };
    let component_series = ComponentSeries {
        arrivals: vec![0; n_buckets],
        retries: vec![0; n_buckets],
        completed: vec![0; n_buckets],
        errors: vec![0; n_buckets],
        wasted: vec![0; n_buckets],
        queue: vec![0; n_buckets],
        latency_p50: vec![0.0; n_buckets],
        latency_p99: vec![0.0; n_buckets],
    };
    let mut engine = Engine {
        model,
        scenario,
        plan,
        rng,
        events: EventQueue::with_capacity(1024),
        now: 0.0,
        bucket: 0,
        nodes: vec![NodeState { capacity_factor: 1.0, ..NodeState::default() }; model.n_nodes()],
        jobs: Vec::with_capacity(1024),
        free_jobs: Vec::new(),
        calls: Vec::with_capacity(1024),
        free_calls: Vec::new(),
        groups: Vec::new(),
        free_groups: Vec::new(),
        breakers: vec![Breaker::default(); plan.members.len()],
        tokens: vec![MAX_TOKENS; plan.edges.len()],
        histograms: vec![[0; N_BINS]; model.functions().len()],
        component_histograms: vec![[0; N_BINS]; plan.components.len()],
        active_faults: vec![false; scenario.faults.len()],
        run: TrafficRun {
            functions: scenario.load.iter().map(|l| function_series(l.is_some())).collect(),
            components: vec![component_series; plan.components.len()],
            recovery: Recovery::NoTrigger,
            events: 0,
        },
    };
    engine.run_events(n_buckets);
    engine.run.recovery = recovery(scenario, &engine.run.functions, n_buckets);
    engine.run
}

impl Engine<'_> {
    fn run_events(&mut self, n_buckets: usize) {
        for (index, load) in self.scenario.load.iter().enumerate() {
            if load.as_ref().is_some_and(|l| l.rate > 0.0) {
                self.schedule_arrival(index as u32);
            }
        }
        for (index, fault) in self.scenario.faults.iter().enumerate() {
            self.events.push(fault.start, encode(FAULT, index as u32, 1));
            self.events.push(fault.end, encode(FAULT, index as u32, 0));
        }
        for bucket in 0..n_buckets {
            let end = ((bucket + 1) as f64 * self.scenario.bucket).min(self.scenario.horizon);
            self.events.push(end, encode(SAMPLE, bucket as u32, 0));
        }
        while let Some((now, payload)) = self.events.pop() {
            if now > self.scenario.horizon {
                break;
            }
            self.now = now;
            self.bucket = ((now / self.scenario.bucket) as usize).min(n_buckets - 1);
            self.run.events += 1;
            let (kind, id, generation) = decode(payload);
            match kind {
                ARRIVAL => self.arrival(id),
                SERVICE_DONE => self.service_done(id),
                TIMEOUT | FAST_FAIL | BREAKER_OPEN => {
                    if self.current(id, generation) {
                        self.attempt_ended(id, false, kind != BREAKER_OPEN);
                    }
                }
                RETRY => {
                    if self.current(id, generation) {
                        self.issue(id);
                    }
                }
                FAULT => self.fault(id as usize, generation == 1),
                FLUSHED => self.finish_job(id, false),
                _ => self.sample(id as usize),
            }
        }
    }

    fn current(&self, call: u32, generation: u32) -> bool {
        u64::from(self.calls[call as usize].generation) & GENERATION_MASK == u64::from(generation)
    }

    fn schedule_arrival(&mut self, function: u32) {
        let load = self.scenario.load[function as usize].as_ref().expect("functions with load");
        let peak = load.rate * (1.0 + load.diurnal.map_or(0.0, |d| d.amplitude));
        let at = self.now + self.rng.exponential(1.0 / peak);
        self.events.push(at, encode(ARRIVAL, function, 0));
    }

    fn arrival(&mut self, function: u32) {
        self.schedule_arrival(function);
        let load = self.scenario.load[function as usize].as_ref().expect("functions with load");
        if let Some(diurnal) = load.diurnal {
            // Thinning: candidates come at the peak rate and are kept in proportion.
            let phase = std::f64::consts::TAU * (self.now - diurnal.peak) / diurnal.period;
            let relative = (1.0 + diurnal.amplitude * libm::cos(phase)) / (1.0 + diurnal.amplitude);
            if self.rng.uniform() > relative {
                return;
            }
        }
        self.run.functions[function as usize].offered[self.bucket] += 1;
        let job = self.new_job(Job {
            node: NONE,
            function,
            caller_call: NONE,
            caller_generation: 0,
            deadline: f64::INFINITY,
            arrived: self.now,
            outstanding: 0,
            failed: false,
            in_service: false,
        });
        let edges = self.plan.function_edges[function as usize].clone();
        self.make_calls(job, edges);
    }

    fn new_job(&mut self, job: Job) -> u32 {
        match self.free_jobs.pop() {
            Some(slot) => {
                self.jobs[slot as usize] = job;
                slot
            }
            None => {
                self.jobs.push(job);
                (self.jobs.len() - 1) as u32
            }
        }
    }

    /// Issues every call `job` makes over `edges`; finishes it at once when there are none.
    fn make_calls(&mut self, job: u32, edges: Range<u32>) {
        let total: u32 = self.plan.edges[range(&edges)].iter().map(|e| e.policy.per_request).sum();
        if total == 0 {
            self.finish_job(job, true);
            return;
        }
        self.jobs[job as usize].outstanding = total;
        for edge_index in edges {
            let edge = &self.plan.edges[edge_index as usize];
            let (per_request, quorum) = (edge.policy.per_request, edge.quorum);
            let (n_members, need) = (edge.members.len() as u32, edge.need.unwrap_or(1));
            for _ in 0..per_request {
                if !quorum {
                    self.new_call(job, NONE, edge_index, 0);
                    continue;
                }
                let group = Group {
                    job,
                    need,
                    n_members,
                    successes: 0,
                    failures: 0,
                    pending: n_members,
                    decided: false,
                };
                let group_id = match self.free_groups.pop() {
                    Some(slot) => {
                        self.groups[slot as usize] = group;
                        slot
                    }
                    None => {
                        self.groups.push(group);
                        (self.groups.len() - 1) as u32
                    }
                };
                for position in 0..n_members {
                    self.new_call(job, group_id, edge_index, position);
                }
            }
        }
    }

    /// Creates a call from `job` over `edge` starting at member `position` and issues its first
    /// attempt.
    fn new_call(&mut self, job: u32, group: u32, edge: u32, position: u32) {
        let call = Call {
            job,
            group,
            edge,
            member_position: position,
            successes: 0,
            attempts_on_member: 0,
            generation: 0,
        };
        let id = match self.free_calls.pop() {
            Some(slot) => {
                // Keep counting generations in a recycled slot so old events stay stale.
                let generation = self.calls[slot as usize].generation.wrapping_add(1);
                self.calls[slot as usize] = Call { generation, ..call };
                slot
            }
            None => {
                self.calls.push(call);
                (self.calls.len() - 1) as u32
            }
        };
        if let Some(ratio) = self.plan.edges[edge as usize].policy.budget {
            let tokens = &mut self.tokens[edge as usize];
            *tokens = (*tokens + ratio).min(MAX_TOKENS);
        }
        self.issue(id);
    }

    /// Sends the current attempt of `call` to its current member.
    fn issue(&mut self, call_id: u32) {
        let call = &mut self.calls[call_id as usize];
        call.attempts_on_member += 1;
        let (generation, is_retry) = (call.generation, call.attempts_on_member > 1);
        let edge = &self.plan.edges[call.edge as usize];
        let member_slot = edge.members.start + call.member_position;
        let member = self.plan.members[member_slot as usize];
        let timeout = edge.policy.timeout;
        let slot = self.plan.component_slot[member.index()] as usize;
        let bucket = self.bucket;
        self.run.components[slot].arrivals[bucket] += 1;
        self.run.components[slot].retries[bucket] += u64::from(is_retry);
        let breaker = self.breakers[member_slot as usize];
        let threshold = edge.policy.breaker_failures;
        let fast_fail = encode(FAST_FAIL, call_id, generation);
        if threshold.is_some_and(|t| breaker.consecutive_failures >= t) {
            if self.now < breaker.open_until {
                self.run.components[slot].errors[bucket] += 1;
                self.events.push(self.now, encode(BREAKER_OPEN, call_id, generation));
                return;
            }
            // Half-open: this attempt is the trial; others wait for its outcome.
            self.breakers[member_slot as usize].open_until = self.now + edge.policy.breaker_open;
        }
        self.events.push(self.now + timeout, encode(TIMEOUT, call_id, generation));
        let state = &self.nodes[member.index()];
        if state.down {
            self.run.components[slot].errors[bucket] += 1;
            if !state.hang {
                self.events.push(self.now, fast_fail);
            }
            return;
        }
        let queue_limit = self.scenario.capacity[member.index()].queue_limit;
        if queue_limit.is_some_and(|limit| state.queue.len() >= limit as usize)
            && state.busy >= self.concurrency(member)
        {
            self.run.components[slot].errors[bucket] += 1;
            self.events.push(self.now, fast_fail);
            return;
        }
        let job = self.new_job(Job {
            node: member.index() as u32,
            function: NONE,
            caller_call: call_id,
            caller_generation: generation,
            deadline: self.now + timeout,
            arrived: self.now,
            outstanding: 0,
            failed: false,
            in_service: false,
        });
        self.nodes[member.index()].queue.push_back(job);
        self.start_next(member);
    }

    fn concurrency(&self, node: NodeId) -> u32 {
        let state = &self.nodes[node.index()];
        match self.scenario.capacity[node.index()].concurrency {
            Some(c) => (f64::from(c) * state.capacity_factor) as u32,
            None if state.capacity_factor <= 0.0 => 0,
            None => u32::MAX,
        }
    }

    /// Starts queued jobs while `node` has free servers, skipping expired ones if it drops them.
    fn start_next(&mut self, node: NodeId) {
        let concurrency = self.concurrency(node);
        let capacity = &self.scenario.capacity[node.index()];
        while self.nodes[node.index()].busy < concurrency {
            let Some(job) = self.nodes[node.index()].queue.pop_front() else { break };
            if capacity.drop_expired && self.now > self.jobs[job as usize].deadline {
                let slot = self.plan.component_slot[node.index()] as usize;
                self.run.components[slot].errors[self.bucket] += 1;
                self.free_jobs.push(job);
                continue;
            }
            self.nodes[node.index()].busy += 1;
            self.jobs[job as usize].in_service = true;
            let service = self.rng.sample(capacity.service) + self.nodes[node.index()].latency;
            self.events.push(self.now + service, encode(SERVICE_DONE, job, 0));
        }
    }

    fn service_done(&mut self, job: u32) {
        let node = self.jobs[job as usize].node as usize;
        if self.nodes[node].down {
            self.finish_job(job, false);
            return;
        }
        let edges = self.plan.node_edges[node].clone();
        self.make_calls(job, edges);
    }

    /// Ends `job`: frees its server and reports to its caller, if the caller still waits.
    fn finish_job(&mut self, job_id: u32, ok: bool) {
        let job = self.jobs[job_id as usize];
        self.free_jobs.push(job_id);
        if job.node == NONE {
            let series = &mut self.run.functions[job.function as usize];
            if ok {
                series.goodput[self.bucket] += 1;
                self.histograms[job.function as usize][latency_bin(self.now - job.arrived)] += 1;
            } else {
                series.failed[self.bucket] += 1;
            }
            return;
        }
        let node = NodeId::from_index(job.node as usize);
        if job.in_service {
            self.nodes[node.index()].busy -= 1;
            self.start_next(node);
        }
        let caller_waits = self
            .current(job.caller_call, (u64::from(job.caller_generation) & GENERATION_MASK) as u32);
        let slot = self.plan.component_slot[node.index()] as usize;
        if ok {
            self.component_histograms[slot][latency_bin(self.now - job.arrived)] += 1;
        }
        let series = &mut self.run.components[slot];
        if !caller_waits && job.in_service {
            series.wasted[self.bucket] += 1;
        } else if ok {
            series.completed[self.bucket] += 1;
        } else {
            series.errors[self.bucket] += 1;
        }
        if caller_waits {
            self.attempt_ended(job.caller_call, ok, true);
        }
    }

    /// The current attempt of `call_id` succeeded or failed (error, rejection or timeout):
    /// retry, fail over to the next member, or finish the call. `reached` is false for an
    /// attempt its own breaker refused, which tells the breaker nothing new.
    fn attempt_ended(&mut self, call_id: u32, ok: bool, reached: bool) {
        let call = &mut self.calls[call_id as usize];
        call.generation = call.generation.wrapping_add(1);
        let call = *call;
        let edge = &self.plan.edges[call.edge as usize];
        let member_slot = (edge.members.start + call.member_position) as usize;
        // A quorum member's call has that one member and needs its answer; others walk the
        // group's members in failover order until `need` answer.
        let (n_members, need) = if call.group == NONE {
            (edge.members.len() as u32, edge.need.unwrap_or(1))
        } else {
            (call.member_position + 1, 1)
        };
        let breaker = &mut self.breakers[member_slot];
        if ok {
            breaker.consecutive_failures = 0;
            let successes = call.successes + 1;
            if successes >= need {
                self.call_done(call_id, true);
            } else {
                self.next_member(call_id, successes, need, n_members);
            }
            return;
        }
        if reached {
            breaker.consecutive_failures += 1;
            if edge.policy.breaker_failures.is_some_and(|t| breaker.consecutive_failures >= t) {
                breaker.open_until = self.now + edge.policy.breaker_open;
            }
        }
        let may_retry = call.attempts_on_member <= edge.policy.max_retries
            && match edge.policy.budget {
                Some(_) => {
                    let tokens = &mut self.tokens[call.edge as usize];
                    let allowed = *tokens >= 1.0;
                    *tokens -= if allowed { 1.0 } else { 0.0 };
                    allowed
                }
                None => true,
            };
        if may_retry {
            let delay = match edge.policy.backoff {
                Backoff::Immediate => 0.0,
                Backoff::Exponential { base, cap, jitter } => {
                    let exponent = call.attempts_on_member.saturating_sub(1).min(60) as i32;
                    let delay = (base * libm::pow(2.0, f64::from(exponent))).min(cap);
                    match jitter {
                        Jitter::None => delay,
                        Jitter::Full => delay * self.rng.uniform(),
                        Jitter::Equal => delay / 2.0 + delay / 2.0 * self.rng.uniform(),
                    }
                }
            };
            let generation = self.calls[call_id as usize].generation;
            self.events.push(self.now + delay, encode(RETRY, call_id, generation));
        } else {
            self.next_member(call_id, call.successes, need, n_members);
        }
    }

    /// Moves `call_id` to its next member, or finishes it when too few members remain.
    fn next_member(&mut self, call_id: u32, successes: u32, need: u32, n_members: u32) {
        let call = &mut self.calls[call_id as usize];
        call.successes = successes;
        call.member_position += 1;
        call.attempts_on_member = 0;
        if n_members - call.member_position < need - successes {
            self.call_done(call_id, false);
        } else {
            let generation = call.generation;
            self.events.push(self.now, encode(RETRY, call_id, generation));
        }
    }

    fn call_done(&mut self, call_id: u32, ok: bool) {
        let call = self.calls[call_id as usize];
        self.calls[call_id as usize].generation = call.generation.wrapping_add(1);
        self.free_calls.push(call_id);
        if call.group != NONE {
            let group = &mut self.groups[call.group as usize];
            group.pending -= 1;
            group.successes += u32::from(ok);
            group.failures += u32::from(!ok);
            let outcome = if group.successes >= group.need {
                Some(true)
            } else if group.failures > group.n_members - group.need {
                Some(false)
            } else {
                None
            };
            let decision = outcome.filter(|_| !group.decided);
            group.decided |= decision.is_some();
            let (job, pending) = (group.job, group.pending);
            if pending == 0 {
                self.free_groups.push(call.group);
            }
            if let Some(ok) = decision {
                self.group_done(job, ok);
            }
            return;
        }
        let soft = self.plan.edges[call.edge as usize].need.is_none();
        let job = &mut self.jobs[call.job as usize];
        job.failed |= !ok && !soft;
        job.outstanding -= 1;
        if job.outstanding == 0 {
            let ok = !job.failed;
            self.finish_job(call.job, ok);
        }
    }

    /// A k-of-n group of `job` is decided: its outcome counts like one hard call.
    fn group_done(&mut self, job_id: u32, ok: bool) {
        let job = &mut self.jobs[job_id as usize];
        job.failed |= !ok;
        job.outstanding -= 1;
        if job.outstanding == 0 {
            let ok = !job.failed;
            self.finish_job(job_id, ok);
        }
    }

    fn fault(&mut self, index: usize, starts: bool) {
        self.active_faults[index] = starts;
        let n = self.model.n_nodes();
        let mut failed = vec![false; n];
        let mut hung = vec![false; n];
        for node in &mut self.nodes {
            node.capacity_factor = 1.0;
            node.latency = 0.0;
        }
        for (fault, _) in self.scenario.faults.iter().zip(&self.active_faults).filter(|(_, a)| **a)
        {
            let state = &mut self.nodes[fault.node.index()];
            match fault.effect {
                Effect::Down { hang } => {
                    failed[fault.node.index()] = true;
                    hung[fault.node.index()] |= hang;
                }
                Effect::Capacity(factor) => state.capacity_factor *= factor,
                Effect::Latency(seconds) => state.latency += seconds,
            }
        }
        let down = placement_down(self.model, &failed);
        let hang = placement_down(self.model, &hung);
        for node in self.model.node_ids() {
            let was_down = self.nodes[node.index()].down;
            self.nodes[node.index()].down = down[node.index()];
            self.nodes[node.index()].hang = hang[node.index()];
            if down[node.index()] && !was_down {
                // Queued work fails when its server goes away.
                while let Some(job) = self.nodes[node.index()].queue.pop_front() {
                    self.events.push(self.now, encode(FLUSHED, job, 0));
                }
            }
            self.start_next(node);
        }
    }

    fn sample(&mut self, bucket: usize) {
        for (slot, &node) in self.plan.components.iter().enumerate() {
            let series = &mut self.run.components[slot];
            series.queue[bucket] = self.nodes[node.index()].queue.len() as u64;
            let histogram = &mut self.component_histograms[slot];
            let total: u64 = histogram.iter().map(|&c| u64::from(c)).sum();
            if total > 0 {
                series.latency_p50[bucket] = histogram_quantile(histogram, total, 0.5);
                series.latency_p99[bucket] = histogram_quantile(histogram, total, 0.99);
                *histogram = [0; N_BINS];
            }
        }
        for (function, histogram) in self.histograms.iter_mut().enumerate() {
            let series = &mut self.run.functions[function];
            if series.offered.is_empty() {
                continue;
            }
            let total: u64 = histogram.iter().map(|&c| u64::from(c)).sum();
            if total > 0 {
                series.latency_p50[bucket] = histogram_quantile(histogram, total, 0.5);
                series.latency_p90[bucket] = histogram_quantile(histogram, total, 0.9);
                series.latency_p99[bucket] = histogram_quantile(histogram, total, 0.99);
            }
            *histogram = [0; N_BINS];
        }
    }
}

/// The histogram bin of a latency in seconds.
fn latency_bin(latency: f64) -> usize {
    let bin = ((libm::log10(latency.max(1e-9)) - LOWEST_DECADE) * BINS_PER_DECADE).floor();
    bin.clamp(0.0, (N_BINS - 1) as f64) as usize
}

/// The upper edge of the bin holding the `q`-quantile (nearest rank).
fn histogram_quantile(histogram: &[u32; N_BINS], total: u64, q: f64) -> f64 {
    let rank = ((q * total as f64).ceil() as u64).max(1);
    let mut seen = 0u64;
    for (bin, &count) in histogram.iter().enumerate() {
        seen += u64::from(count);
        if seen >= rank {
            return libm::pow(10.0, (bin + 1) as f64 / BINS_PER_DECADE + LOWEST_DECADE);
        }
    }
    libm::pow(10.0, N_BINS as f64 / BINS_PER_DECADE + LOWEST_DECADE)
}

/// Which nodes are down when `failed` ones are: failure spreads along placement only (a zone's
/// region, a service's provider, `runs_on`), to the least fixpoint. Calls carry the rest.
fn placement_down(model: &Model, failed: &[bool]) -> Vec<bool> {
    let mut down = failed.to_vec();
    loop {
        let mut changed = false;
        for node in model.node_ids() {
            if down[node.index()] {
                continue;
            }
            let falls = model.dependencies(node).any(|dependency| {
                dependency.origin != Origin::DependsOn
                    && dependency.kind.down_threshold(dependency.members.len()).is_some_and(
                        |threshold| {
                            dependency.members.iter().filter(|m| down[m.index()]).count()
                                >= threshold
                        },
                    )
            });
            if falls {
                down[node.index()] = true;
                changed = true;
            }
        }
        if !changed {
            return down;
        }
    }
}

/// The verdict of a run from its function series.
fn recovery(scenario: &Scenario, functions: &[FunctionSeries], n_buckets: usize) -> Recovery {
    let (Some(start), Some(end)) = (
        scenario.faults.iter().map(|f| f.start).min_by(f64::total_cmp),
        scenario.faults.iter().map(|f| f.end).max_by(f64::total_cmp),
    ) else {
        return Recovery::NoTrigger;
    };
    let totals = |bucket: usize| {
        functions
            .iter()
            .filter(|f| !f.offered.is_empty())
            .fold((0u64, 0u64), |(o, g), f| (o + f.offered[bucket], g + f.goodput[bucket]))
    };
    let first_fault_bucket = ((start / scenario.bucket) as usize).min(n_buckets);
    let (offered, goodput) =
        (0..first_fault_bucket).map(totals).fold((0, 0), |(o, g), (bo, bg)| (o + bo, g + bg));
    let baseline = if offered == 0 { 1.0 } else { (goodput as f64 / offered as f64).min(1.0) };
    let window = ((scenario.recovery_window / scenario.bucket).ceil() as usize).max(1);
    let first = (end / scenario.bucket).ceil() as usize;
    // Goodput over a sliding window, so that Poisson noise in single buckets does not count.
    for bucket in first..n_buckets.saturating_sub(window - 1) {
        let (offered, goodput) =
            (bucket..bucket + window).map(totals).fold((0, 0), |(o, g), (bo, bg)| (o + bo, g + bg));
        if goodput as f64 >= scenario.recovery_fraction * baseline * offered as f64 {
            let recovered_at = bucket as f64 * scenario.bucket;
            return Recovery::Recovered { after: (recovered_at - end).max(0.0) };
        }
    }
    Recovery::NotRecovered
}

/// Mean time series over replications, per bucket.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct MeanFunctionSeries {
    /// Index of the function in `Model::functions`.
    pub function: usize,
    /// Mean requests offered per bucket.
    pub offered: Vec<f64>,
    /// Mean requests completed successfully per bucket.
    pub goodput: Vec<f64>,
    /// Mean requests failed per bucket.
    pub failed: Vec<f64>,
    /// Mean over replications of the bucket's median latency (seconds; buckets without
    /// successes count as 0).
    pub latency_p50: Vec<f64>,
    /// The same for the 90th percentile.
    pub latency_p90: Vec<f64>,
    /// The same for the 99th percentile.
    pub latency_p99: Vec<f64>,
}

/// Mean component series over replications, per bucket.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct MeanComponentSeries {
    /// Mean attempts arriving (offered load).
    pub arrivals: Vec<f64>,
    /// Mean retries among them.
    pub retries: Vec<f64>,
    /// Mean attempts served successfully.
    pub completed: Vec<f64>,
    /// Mean attempts failed.
    pub errors: Vec<f64>,
    /// Mean attempts served after the caller gave up.
    pub wasted: Vec<f64>,
    /// Mean queue length at the end of the bucket.
    pub queue: Vec<f64>,
    /// Mean over replications of the bucket's median response time, seconds.
    pub latency_p50: Vec<f64>,
    /// The same for the 99th percentile.
    pub latency_p99: Vec<f64>,
    /// Retries per first attempt, over all replications (0 when there were none): the
    /// characteristic metric of a retry storm.
    pub retry_ratio: Vec<f64>,
}

/// What all replications of a traffic scenario add up to.
#[derive(Clone, Debug, PartialEq)]
pub struct TrafficSummary {
    /// Number of replications.
    pub replications: usize,
    /// Functions that had load, in model order.
    pub functions: Vec<MeanFunctionSeries>,
    /// Components in the plan's order.
    pub components: Vec<MeanComponentSeries>,
    /// Replications that recovered after their faults.
    pub recovered: usize,
    /// Replications that had not recovered at the horizon.
    pub not_recovered: usize,
    /// Seconds from the end of the faults to recovery, sorted.
    pub recovery_after: Vec<f64>,
    /// Their mean (0 when none recovered).
    pub recovery_mean: f64,
    /// Events processed in all.
    pub events: u64,
}

/// Nanoseconds, rounded, of a time in seconds: totals hold times as integers so that their sums
/// are exact in any order.
fn nanoseconds(seconds: f64) -> u64 {
    (seconds * 1e9).round().max(0.0) as u64
}

fn add_counts(sums: &mut Vec<u64>, values: &[u64]) {
    if sums.len() < values.len() {
        sums.resize(values.len(), 0);
    }
    for (sum, value) in sums.iter_mut().zip(values) {
        *sum += value;
    }
}

fn add_times(sums: &mut Vec<u64>, seconds: &[f64]) {
    if sums.len() < seconds.len() {
        sums.resize(seconds.len(), 0);
    }
    for (sum, &value) in sums.iter_mut().zip(seconds) {
        *sum += nanoseconds(value);
    }
}

/// Sums of one function's series over replications (times in nanoseconds).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FunctionTotals {
    /// Requests offered per bucket.
    pub offered: Vec<u64>,
    /// Requests completed successfully per bucket.
    pub goodput: Vec<u64>,
    /// Requests failed per bucket.
    pub failed: Vec<u64>,
    /// Sum of the replications' median latencies per bucket, nanoseconds.
    pub latency_p50_ns: Vec<u64>,
    /// Sum of the 90th percentiles, nanoseconds.
    pub latency_p90_ns: Vec<u64>,
    /// Sum of the 99th percentiles, nanoseconds.
    pub latency_p99_ns: Vec<u64>,
}

/// Sums of one component's series over replications (times in nanoseconds).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ComponentTotals {
    /// Attempts arriving per bucket.
    pub arrivals: Vec<u64>,
    /// Retries among them.
    pub retries: Vec<u64>,
    /// Attempts served successfully.
    pub completed: Vec<u64>,
    /// Attempts failed.
    pub errors: Vec<u64>,
    /// Attempts served after their caller gave up.
    pub wasted: Vec<u64>,
    /// Queue lengths at the ends of buckets.
    pub queue: Vec<u64>,
    /// Sum of median response times, nanoseconds.
    pub latency_p50_ns: Vec<u64>,
    /// Sum of 99th-percentile response times, nanoseconds.
    pub latency_p99_ns: Vec<u64>,
}

/// What any number of replications add up to: integer sums, so that totals combine exactly in
/// any order and grouping (shards merge into exactly the unsharded result), and memory does not
/// grow with the number of replications.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TrafficTotals {
    /// Replications added.
    pub replications: u64,
    /// One per function, in model order (empty series for functions without load).
    pub functions: Vec<FunctionTotals>,
    /// One per component of the plan.
    pub components: Vec<ComponentTotals>,
    /// Time from the end of the faults to recovery of each recovered replication, nanoseconds,
    /// in the order added.
    pub recovered_after_ns: Vec<u64>,
    /// Replications that had not recovered at the horizon.
    pub not_recovered: u64,
    /// Events processed in all.
    pub events: u64,
}

impl TrafficTotals {
    /// Adds one replication. Linear in its size.
    pub fn add(&mut self, run: &TrafficRun) {
        self.replications += 1;
        self.events += run.events;
        self.functions.resize_with(run.functions.len().max(self.functions.len()), Default::default);
        for (totals, series) in self.functions.iter_mut().zip(&run.functions) {
            add_counts(&mut totals.offered, &series.offered);
            add_counts(&mut totals.goodput, &series.goodput);
            add_counts(&mut totals.failed, &series.failed);
            add_times(&mut totals.latency_p50_ns, &series.latency_p50);
            add_times(&mut totals.latency_p90_ns, &series.latency_p90);
            add_times(&mut totals.latency_p99_ns, &series.latency_p99);
        }
        self.components
            .resize_with(run.components.len().max(self.components.len()), Default::default);
        for (totals, series) in self.components.iter_mut().zip(&run.components) {
            add_counts(&mut totals.arrivals, &series.arrivals);
            add_counts(&mut totals.retries, &series.retries);
            add_counts(&mut totals.completed, &series.completed);
            add_counts(&mut totals.errors, &series.errors);
            add_counts(&mut totals.wasted, &series.wasted);
            add_counts(&mut totals.queue, &series.queue);
            add_times(&mut totals.latency_p50_ns, &series.latency_p50);
            add_times(&mut totals.latency_p99_ns, &series.latency_p99);
        }
        match run.recovery {
            Recovery::NoTrigger => {}
            Recovery::Recovered { after } => self.recovered_after_ns.push(nanoseconds(after)),
            Recovery::NotRecovered => self.not_recovered += 1,
        }
    }

    /// Adds another set of totals (a shard) to these.
    pub fn merge(&mut self, other: &TrafficTotals) {
        self.replications += other.replications;
        self.events += other.events;
        self.not_recovered += other.not_recovered;
        self.recovered_after_ns.extend_from_slice(&other.recovered_after_ns);
        self.functions
            .resize_with(other.functions.len().max(self.functions.len()), Default::default);
        for (totals, more) in self.functions.iter_mut().zip(&other.functions) {
            add_counts(&mut totals.offered, &more.offered);
            add_counts(&mut totals.goodput, &more.goodput);
            add_counts(&mut totals.failed, &more.failed);
            add_counts(&mut totals.latency_p50_ns, &more.latency_p50_ns);
            add_counts(&mut totals.latency_p90_ns, &more.latency_p90_ns);
            add_counts(&mut totals.latency_p99_ns, &more.latency_p99_ns);
        }
        self.components
            .resize_with(other.components.len().max(self.components.len()), Default::default);
        for (totals, more) in self.components.iter_mut().zip(&other.components) {
            add_counts(&mut totals.arrivals, &more.arrivals);
            add_counts(&mut totals.retries, &more.retries);
            add_counts(&mut totals.completed, &more.completed);
            add_counts(&mut totals.errors, &more.errors);
            add_counts(&mut totals.wasted, &more.wasted);
            add_counts(&mut totals.queue, &more.queue);
            add_counts(&mut totals.latency_p50_ns, &more.latency_p50_ns);
            add_counts(&mut totals.latency_p99_ns, &more.latency_p99_ns);
        }
    }
}

/// The means of `totals`: counts per bucket divided by the number of replications, times in
/// seconds. Linear in the size of the totals.
pub fn summarize_traffic(totals: &TrafficTotals) -> TrafficSummary {
    let n = totals.replications.max(1) as f64;
    let mean = |sums: &[u64]| -> Vec<f64> { sums.iter().map(|&s| s as f64 / n).collect() };
    let seconds = |sums: &[u64]| -> Vec<f64> { sums.iter().map(|&s| s as f64 / n / 1e9).collect() };
    let functions = totals
        .functions
        .iter()
        .enumerate()
        .filter(|(_, f)| !f.offered.is_empty())
        .map(|(function, f)| MeanFunctionSeries {
            function,
            offered: mean(&f.offered),
            goodput: mean(&f.goodput),
            failed: mean(&f.failed),
            latency_p50: seconds(&f.latency_p50_ns),
            latency_p90: seconds(&f.latency_p90_ns),
            latency_p99: seconds(&f.latency_p99_ns),
        })
        .collect();
    let components = totals
        .components
        .iter()
        .map(|c| MeanComponentSeries {
            arrivals: mean(&c.arrivals),
            retries: mean(&c.retries),
            retry_ratio: c
                .arrivals
                .iter()
                .zip(&c.retries)
                .map(|(&a, &r)| if a > r { r as f64 / (a - r) as f64 } else { 0.0 })
                .collect(),
            completed: mean(&c.completed),
            errors: mean(&c.errors),
            wasted: mean(&c.wasted),
            queue: mean(&c.queue),
            latency_p50: seconds(&c.latency_p50_ns),
            latency_p99: seconds(&c.latency_p99_ns),
        })
        .collect();
    TrafficSummary {
        replications: totals.replications as usize,
        functions,
        components,
        recovered: totals.recovered_after_ns.len(),
        not_recovered: totals.not_recovered as usize,
        recovery_after: {
            let mut sorted = totals.recovered_after_ns.clone();
            sorted.sort_unstable();
            sorted.iter().map(|&ns| ns as f64 / 1e9).collect()
        },
        recovery_mean: if totals.recovered_after_ns.is_empty() {
            0.0
        } else {
            totals.recovered_after_ns.iter().sum::<u64>() as f64
                / totals.recovered_after_ns.len() as f64
                / 1e9
        },
        events: totals.events,
    }
}
