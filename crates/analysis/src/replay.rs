//! Replay of an outage timeline on a model: the state of every node and function after each
//! event, how long each stayed down or degraded, and which single points of failure the outage
//! exercised, with what sparing each of them would have saved.

use blastradius_model::{Model, NodeId};

use crate::lower::Lowering;
use crate::risk::cut_sets;
use crate::what_if::{OwnStates, Status, WhatIf, WhatIfIndex, what_if_with};
use blastradius_engine::EngineError;

/// One event of a timeline, on the model's nodes. Within an event, `recover` applies first.
#[derive(Clone, Debug, Default)]
pub struct ReplayEvent {
    /// Minutes since any fixed origin (the caller's clock; only differences matter).
    pub at: i64,
    /// Nodes whose own failure starts.
    pub fail: Vec<NodeId>,
    /// Nodes that start working badly by themselves.
    pub degrade: Vec<NodeId>,
    /// Nodes whose own failure, degradation and failover end.
    pub recover: Vec<NodeId>,
    /// Nodes failed away from their dependencies from now on.
    pub mitigate: Vec<NodeId>,
}

/// The state after one event.
#[derive(Clone, Debug)]
pub struct ReplayStep {
    /// When the event happened.
    pub at: i64,
    /// Every node's and function's state after it.
    pub result: WhatIf,
}

/// A stretch of time in one state.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Interval {
    /// When it began.
    pub start: i64,
    /// When it ended, or the end of the replay.
    pub end: i64,
    /// Down or degraded.
    pub status: Status,
    /// Whether the state still held at the end of the replay.
    pub open: bool,
}

/// A whole replay: the state after each event, up to an end time.
#[derive(Clone, Debug)]
pub struct Replay {
    steps: Vec<ReplayStep>,
    end: i64,
}

impl Replay {
    /// The state after each event, in time order.
    pub fn steps(&self) -> &[ReplayStep] {
        &self.steps
    }

    /// The end of the replay: the given end, or the last event if later.
    pub fn end(&self) -> i64 {
        self.end
    }

    fn intervals(&self, state: impl Fn(&WhatIf) -> Status) -> Vec<Interval> {
        let mut intervals: Vec<Interval> = Vec::new();
        for (step_index, step) in self.steps.iter().enumerate() {
            let until = self.steps.get(step_index + 1).map_or(self.end, |next| next.at);
            let status = state(&step.result);
            if until <= step.at || status == Status::Up {
                continue;
            }
            match intervals.last_mut() {
                Some(last) if last.end == step.at && last.status == status => last.end = until,
                _ => intervals.push(Interval { start: step.at, end: until, status, open: false }),
            }
        }
        if let (Some(last), Some(final_step)) = (intervals.last_mut(), self.steps.last()) {
            last.open = last.end == self.end && state(&final_step.result) != Status::Up;
        }
        intervals
    }

    /// When `node` was down or degraded; linear in the number of steps.
    pub fn node_intervals(&self, node: NodeId) -> Vec<Interval> {
        self.intervals(|result| result.status(node))
    }

    /// When function `function` (an index into `Model::functions`) was down or degraded.
    pub fn function_intervals(&self, function: usize) -> Vec<Interval> {
        self.intervals(|result| result.functions()[function].status)
    }
}

/// Minutes spent in `status` over `intervals`.
pub fn minutes_in(intervals: &[Interval], status: Status) -> i64 {
    intervals.iter().filter(|i| i.status == status).map(|i| i.end - i.start).sum()
}

/// Replays `events` (in time order) on `model`: after each event, the what-if of the nodes
/// failed, degraded and failed away so far. Linear in the events times one what-if each.
pub fn replay(model: &Model, index: &WhatIfIndex, events: &[ReplayEvent], end: i64) -> Replay {
    replay_sparing(model, index, events, end, None)
}

fn replay_sparing(
    model: &Model,
    index: &WhatIfIndex,
    events: &[ReplayEvent],
    end: i64,
    spared: Option<NodeId>,
) -> Replay {
    #[derive(Clone, Copy, PartialEq)]
    enum Own {
        Fine,
        Failed,
        Degraded,
    }
    let mut own = vec![Own::Fine; model.n_nodes()];
    let mut held = vec![false; model.n_nodes()];
    let mut steps = Vec::with_capacity(events.len());
    for event in events {
        for &node in &event.recover {
            own[node.index()] = Own::Fine;
            held[node.index()] = false;
        }
        for &node in &event.fail {
            own[node.index()] = Own::Failed;
        }
        for &node in &event.degrade {
            if own[node.index()] == Own::Fine {
                own[node.index()] = Own::Degraded;
            }
        }
        for &node in &event.mitigate {
            held[node.index()] = true;
        }
        let mut failed = Vec::new();
        let mut states = OwnStates::default();
        for node in model.node_ids() {
            if Some(node) == spared {
                states.held_up.push(node);
                continue;
            }
            match own[node.index()] {
                Own::Fine => {}
                Own::Failed => failed.push(node),
                Own::Degraded => states.degraded.push(node),
            }
            if held[node.index()] {
                states.held_up.push(node);
            }
        }
        let result = what_if_with(model, index, &failed, &states);
        steps.push(ReplayStep { at: event.at, result });
    }
    let last = events.last().map_or(end, |event| event.at);
    Replay { steps, end: end.max(last) }
}

/// A single point of failure of a function that the replay took down.
#[derive(Clone, Debug, PartialEq)]
pub struct ExercisedSpof {
    /// The node, alone a minimal cut set of the function.
    pub node: NodeId,
    /// Every function it is a single point of failure of and that the replay took down:
    /// (function index, minutes down in the replay, minutes down had this node stayed up).
    pub functions: Vec<(usize, i64, i64)>,
}

/// The single points of failure (minimal cut sets of order one, from the exact engine) of the
/// functions the replay took down, that were themselves down during the replay and whose
/// staying up would have saved downtime (the replay re-run with that node spared: its own
/// failures ignored, its dependencies unable to take it down). Sorted by the downtime saved,
/// most first, then by id.
///
/// # Errors
/// [`EngineError::NodeLimitExceeded`] when a function's decision diagram outgrows the engine's
/// budget.
pub fn exercised_spofs(
    model: &Model,
    index: &WhatIfIndex,
    events: &[ReplayEvent],
    replay: &Replay,
) -> Result<Vec<ExercisedSpof>, EngineError> {
    let lowering = Lowering::new(model);
    let mut spofs: Vec<ExercisedSpof> = Vec::new();
    for function in 0..model.functions().len() {
        let down_minutes = minutes_in(&replay.function_intervals(function), Status::Down);
        if down_minutes == 0 {
            continue;
        }
        for set in cut_sets(&lowering, model, function, Some(1))? {
            let node = set[0];
            let was_down =
                replay.steps().iter().any(|step| step.result.status(node) == Status::Down);
            if !was_down {
                continue;
            }
            let spared = replay_sparing(model, index, events, replay.end(), Some(node));
            let spared_minutes = minutes_in(&spared.function_intervals(function), Status::Down);
            let entry = (function, down_minutes, spared_minutes);
            match spofs.iter_mut().find(|spof| spof.node == node) {
                Some(spof) => spof.functions.push(entry),
                None => spofs.push(ExercisedSpof { node, functions: vec![entry] }),
            }
        }
    }
    let saved = |spof: &ExercisedSpof| -> i64 {
        spof.functions.iter().map(|(_, down, spared)| down - spared).sum()
    };
    spofs.retain(|spof| saved(spof) > 0);
    spofs.sort_by(|a, b| {
        saved(b).cmp(&saved(a)).then_with(|| model.id(a.node).cmp(model.id(b.node)))
    });
    Ok(spofs)
}
