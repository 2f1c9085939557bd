//! Diversification advice: candidate changes to the model (a second zone, region or provider
//! for a dependency that is a single point of failure, or making it soft), each applied to a
//! copy of the model and measured with the exact engine, then the smallest set of changes that
//! meets a target, or the best set within a budget.
//!
//! Hypothetical nodes (a second region that does not exist yet, an alternative provider) are
//! like-for-like: they copy the availability data of the node they mirror, and a new region or
//! zone still depends on the same provider, so the figures never assume the copy is better than
//! the original.

use blastradius_engine::EngineError;
use blastradius_model::{
    Availability, DependencyKind, Model, ModelEdit, NewNode, NodeId, NodeKind, Origin,
};

use blastradius_engine::{Bdd, BddOptions};
use rustc_hash::FxHashMap;

use crate::concentration::critical_scope;
use crate::lower::Lowering;
use crate::risk::{availability, cut_sets};
use crate::what_if::{Status, WhatIfIndex, what_if};

/// Hours in a (365-day) year.
const HOURS_PER_YEAR: f64 = 8760.0;
/// Minutes in a (365-day) year.
const MINUTES_PER_YEAR: f64 = 525_600.0;
/// At most this many subsets are evaluated when searching for the smallest set exactly.
const EXACT_BUDGET: usize = 250;
/// The greedy steps choose among this many candidates with the best effects alone.
const GREEDY_POOL: usize = 40;

/// What a change does to a dependency.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ChangeKind {
    /// Add a second zone of the same region as an alternative.
    SecondZone,
    /// Add the same service (or region) in a second region of the same provider.
    SecondRegion,
    /// Add an alternative provider (a failover SaaS, a second DNS or CDN).
    SecondProvider,
    /// Make the dependency soft: the component degrades instead of failing.
    Soft,
}

impl ChangeKind {
    /// Every kind, for option parsing.
    pub const ALL: [ChangeKind; 4] =
        [Self::SecondZone, Self::SecondRegion, Self::SecondProvider, Self::Soft];

    /// `second-zone`, `second-region`, `second-provider` or `soft`.
    pub fn word(self) -> &'static str {
        match self {
            Self::SecondZone => "second-zone",
            Self::SecondRegion => "second-region",
            Self::SecondProvider => "second-provider",
            Self::Soft => "soft",
        }
    }
}

/// One candidate change.
#[derive(Clone, Debug, PartialEq)]
pub struct Change {
    /// What kind of change.
    pub kind: ChangeKind,
    /// The component whose dependency changes.
    pub owner: NodeId,
    /// The dependency's global index in the model.
    pub dependency: usize,
    /// The node it depends on now (a single point of failure of a scoped function).
    pub target: NodeId,
    /// The alternative added (an existing or a new node's id); `None` for `Soft`.
    pub alternative: Option<String>,
    /// Whether the alternative is a hypothetical new node.
    pub alternative_is_new: bool,
    /// The edit that makes the change.
    pub edit: ModelEdit,
    /// The user-supplied yearly cost of this kind of change, if given.
    pub cost: Option<f64>,
    /// The functions whose dependency closure contains the owner: the only ones the change
    /// can affect, ascending.
    pub affected: Vec<usize>,
}

/// The exact state of a (possibly edited) model.
#[derive(Clone, Debug, PartialEq)]
pub struct Evaluation {
    /// Unavailability of every function, in model order.
    pub unavailability: Vec<f64>,
    /// The top-level provider whose failure alone puts the most cost per hour down, and that
    /// cost; `None` when the model has no provider.
    pub worst_provider_outage: Option<(String, f64)>,
}

/// What a change (or set of changes) does, compared with the unchanged model.
#[derive(Clone, Debug, PartialEq)]
pub struct Effect {
    /// The state after the change.
    pub after: Evaluation,
    /// Expected downtime saved per year, minutes, summed over the scoped functions.
    pub downtime_minutes_saved: f64,
    /// Expected cost of downtime saved per year: Σ Δunavailability × 8,760 h × cost per hour,
    /// over the scoped functions.
    pub cost_saved_per_year: f64,
}

/// What the plan aims for.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Goal {
    /// Every scoped function available at least this much (a fraction), or, with `None`, every
    /// scoped function with an SLO meeting it.
    Target(Option<f64>),
    /// The best set of at most this many changes, or, when every change has a cost, of at
    /// most this yearly cost; "best" is the largest expected yearly cost of downtime saved
    /// (downtime minutes when no function has a cost).
    Budget(f64),
}

/// How the plan was found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PlanMethod {
    /// No change was needed.
    AlreadyMet,
    /// Every set of up to this many relevant changes was tried: the plan is a smallest one.
    Exact(usize),
    /// Greedy: each step adds the change that helps most; not guaranteed smallest. Every set of
    /// up to the given size was tried first without success.
    Greedy(usize),
}

/// The chosen set of changes.
#[derive(Clone, Debug, PartialEq)]
pub struct Plan {
    /// Indices into `Advice::candidates`, in the order chosen.
    pub changes: Vec<usize>,
    /// How it was found.
    pub method: PlanMethod,
    /// Whether it meets the target (always true for a budget).
    pub meets_goal: bool,
    /// Its combined effect, measured on the model with every change applied.
    pub effect: Effect,
}

/// Advice for a model.
#[derive(Clone, Debug, PartialEq)]
pub struct Advice {
    /// The functions in scope (critical ones; all when none is), ascending.
    pub scope: Vec<usize>,
    /// The unchanged model's state.
    pub baseline: Evaluation,
    /// Every candidate with its own effect, by yearly cost saved, then downtime saved
    /// (descending), then description order.
    pub candidates: Vec<(Change, Effect)>,
    /// Candidates found but not measured, beyond `AdviseOptions::max_candidates`.
    pub not_evaluated: usize,
    /// The goal the plan aims for.
    pub goal: Goal,
    /// The plan.
    pub plan: Plan,
}

/// Options for [`advise`].
#[derive(Clone, Debug, PartialEq)]
pub struct AdviseOptions {
    /// What the plan aims for.
    pub goal: Goal,
    /// Yearly cost of each kind of change, where the user gives one.
    pub costs: Vec<(ChangeKind, f64)>,
    /// Whether to propose making dependencies soft: a design change that only the user can
    /// judge feasible (a ledger cannot do without its database), so off by default.
    pub include_soft: bool,
    /// At most this many candidates are measured: those whose affected scoped functions carry
    /// the most cost per hour (then users); the rest are counted in `Advice::not_evaluated`.
    pub max_candidates: usize,
}

/// Measures the exact state of `model` with `edit` applied.
///
/// # Errors
/// [`EngineError::NodeLimitExceeded`] when a decision diagram outgrows the engine's budget.
///
/// # Panics
/// If the edit does not apply (edits made by [`advise`] always do).
pub fn evaluate(model: &Model, edit: &ModelEdit) -> Result<Evaluation, EngineError> {
    let edited = edit.apply(model).expect("advice edits apply");
    evaluate_model(&edited)
}

/// Like [`evaluate`], but recomputes the unavailability of the `affected` functions only and
/// copies the others from `baseline` (a change cannot reach a function whose closure does not
/// contain the changed node).
fn evaluate_affected(
    model: &Model,
    edit: &ModelEdit,
    baseline: &Evaluation,
    affected: &[usize],
) -> Result<Evaluation, EngineError> {
    let edited = edit.apply(model).expect("advice edits apply");
    let lowering = Lowering::new(&edited);
    let mut unavailability = baseline.unavailability.clone();
    for &function in affected {
        let tree = lowering.function_for_probability(&edited, function);
        unavailability[function] =
            Bdd::build(tree.formula(), &BddOptions::default())?.probability();
    }
    Ok(Evaluation { unavailability, worst_provider_outage: worst_provider_outage(&edited) })
}

/// The union of the functions the changes affect.
fn affected_by(changes: &[&Change]) -> Vec<usize> {
    let mut all: Vec<usize> = changes.iter().flat_map(|c| c.affected.iter().copied()).collect();
    all.sort_unstable();
    all.dedup();
    all
}

fn evaluate_model(model: &Model) -> Result<Evaluation, EngineError> {
    let report = availability(model)?;
    Ok(Evaluation {
        unavailability: report.functions.iter().map(|f| f.unavailability).collect(),
        worst_provider_outage: worst_provider_outage(model),
    })
}

/// The top-level provider whose failure alone puts the most cost per hour down, and that cost.
fn worst_provider_outage(model: &Model) -> Option<(String, f64)> {
    let index = WhatIfIndex::new(model);
    let mut worst: Option<(String, f64)> = None;
    for provider in model.node_ids().filter(|&n| model.kind(n) == NodeKind::Provider) {
        let outage = what_if(model, &index, &[provider]);
        let cost: f64 = outage
            .functions()
            .iter()
            .filter(|f| f.status == Status::Down)
            .map(|f| model.functions()[f.function].cost_per_hour)
            .sum();
        if worst.as_ref().is_none_or(|(_, c)| cost > *c) {
            worst = Some((model.id(provider).to_owned(), cost));
        }
    }
    worst
}

fn effect(model: &Model, scope: &[usize], baseline: &Evaluation, after: Evaluation) -> Effect {
    let mut downtime_minutes_saved = 0.0;
    let mut cost_saved_per_year = 0.0;
    for &f in scope {
        let delta = baseline.unavailability[f] - after.unavailability[f];
        downtime_minutes_saved += delta * MINUTES_PER_YEAR;
        cost_saved_per_year += delta * HOURS_PER_YEAR * model.functions()[f].cost_per_hour;
    }
    Effect { after, downtime_minutes_saved, cost_saved_per_year }
}

/// The product of the availability figures of `node` and its ancestors (those that have any);
/// `None` when none has.
fn chain_availability(model: &Model, node: NodeId) -> Option<f64> {
    let mut product = None;
    let mut current = Some(node);
    while let Some(n) = current {
        if let Some(a) = model.availability(n) {
            product = Some(product.unwrap_or(1.0) * a.availability());
        }
        current = parent(model, n);
    }
    product
}

/// The node's parent (region of a zone or service, provider of a region or global service).
fn parent(model: &Model, node: NodeId) -> Option<NodeId> {
    model
        .dependencies(node)
        .find(|d| d.origin == Origin::Parent)
        .and_then(|d| d.members.first().copied())
}

/// Whether a provider has regions (a cloud rather than a SaaS).
fn has_regions(model: &Model, provider: NodeId) -> bool {
    let prefix = format!("{}/", model.id(provider));
    model.node_ids().any(|n| model.kind(n) == NodeKind::Region && model.id(n).starts_with(&prefix))
}

/// The last segment of a slash-path id.
fn last_segment(id: &str) -> &str {
    id.rsplit('/').next().unwrap_or(id)
}

/// A new node id not taken in `model`: `base`, or `base-2`, `base-3`…
fn fresh_id(model: &Model, base: &str) -> String {
    if model.lookup(base).is_none() {
        return base.to_owned();
    }
    (2..).map(|n| format!("{base}-{n}")).find(|id| model.lookup(id).is_none()).expect("unbounded")
}

/// The change that adds an alternative to dependency `dependency` (a hard one on `target`).
fn redundancy(model: &Model, owner: NodeId, dependency: usize, target: NodeId) -> Option<Change> {
    let target_id = model.id(target);
    let mut new_nodes = Vec::new();
    let (kind, alternative, is_new) = match model.kind(target) {
        NodeKind::Zone => {
            let region = parent(model, target)?;
            let sibling = model.node_ids().find(|&n| {
                n != target && model.kind(n) == NodeKind::Zone && parent(model, n) == Some(region)
            });
            match sibling {
                Some(zone) => (ChangeKind::SecondZone, model.id(zone).to_owned(), false),
                None => {
                    let id = fresh_id(model, &format!("{}/second-zone", model.id(region)));
                    new_nodes.push(NewNode {
                        id: id.clone(),
                        kind: NodeKind::Zone,
                        parent: Some(model.id(region).to_owned()),
                        availability: model.availability(target),
                    });
                    (ChangeKind::SecondZone, id, true)
                }
            }
        }
        NodeKind::RegionalService | NodeKind::Region => {
            let region = if model.kind(target) == NodeKind::Region {
                target
            } else {
                parent(model, target)?
            };
            let provider = parent(model, region)?;
            let suffix = &target_id[model.id(region).len()..];
            let existing = model
                .node_ids()
                .filter(|&r| {
                    r != region
                        && model.kind(r) == NodeKind::Region
                        && parent(model, r) == Some(provider)
                })
                .find_map(|r| model.lookup(&format!("{}{suffix}", model.id(r))));
            match existing {
                Some(node) => (ChangeKind::SecondRegion, model.id(node).to_owned(), false),
                None => {
                    let region_id =
                        fresh_id(model, &format!("{}/second-region", model.id(provider)));
                    new_nodes.push(NewNode {
                        id: region_id.clone(),
                        kind: NodeKind::Region,
                        parent: Some(model.id(provider).to_owned()),
                        availability: model.availability(region),
                    });
                    let id = format!("{region_id}{suffix}");
                    if id != region_id {
                        new_nodes.push(NewNode {
                            id: id.clone(),
                            kind: NodeKind::RegionalService,
                            parent: Some(region_id),
                            availability: model.availability(target),
                        });
                    }
                    (ChangeKind::SecondRegion, id, true)
                }
            }
        }
        // A cloud's own control plane (a global service of a provider with regions, such as
        // `aws/global/iam`) has no second provider to fail over to.
        NodeKind::GlobalService if has_regions(model, parent(model, target)?) => return None,
        NodeKind::GlobalService | NodeKind::Provider => {
            let id = fresh_id(model, &format!("{}-alternative", last_segment(target_id)));
            new_nodes.push(NewNode {
                id: id.clone(),
                kind: NodeKind::Provider,
                parent: None,
                availability: chain_availability(model, target).map(Availability::Fixed),
            });
            (ChangeKind::SecondProvider, id, true)
        }
        NodeKind::Component => return None,
    };
    let edit = ModelEdit {
        new_nodes,
        replaced: vec![(
            dependency,
            DependencyKind::AnyOf,
            vec![target_id.to_owned(), alternative.clone()],
        )],
    };
    Some(Change {
        kind,
        owner,
        dependency,
        target,
        alternative: Some(alternative),
        alternative_is_new: is_new,
        edit,
        cost: None,
        affected: Vec::new(),
    })
}

/// The candidate changes for `model`: for every hard dependency of a component that a scoped
/// function reaches, on a node that is a single point of failure of a scoped function, add an
/// alternative (zone, region or provider by the node's kind; none for the global services of a
/// provider with regions, a cloud's control plane) and, with `include_soft`, for
/// `depends_on` entries, make it soft. In model order of the owner, then dependency.
///
/// # Errors
/// [`EngineError::NodeLimitExceeded`] when a decision diagram outgrows the engine's budget.
pub fn candidates(
    model: &Model,
    scope: &[usize],
    include_soft: bool,
) -> Result<Vec<Change>, EngineError> {
    let lowering = Lowering::new(model);
    let mut single_point = vec![false; model.n_nodes()];
    let mut reached = vec![false; model.n_nodes()];
    for &function in scope {
        for set in cut_sets(&lowering, model, function, Some(1))? {
            single_point[set[0].index()] = true;
        }
        let mut stack: Vec<NodeId> = model.functions()[function].delivered_by.clone();
        while let Some(node) = stack.pop() {
            if std::mem::replace(&mut reached[node.index()], true) {
                continue;
            }
            for dependency in model.dependencies(node) {
                if dependency.kind != DependencyKind::Soft {
                    stack.extend(dependency.members.iter().copied());
                }
            }
        }
    }
    let mut changes = Vec::new();
    for owner in
        model.node_ids().filter(|&n| reached[n.index()] && model.kind(n) == NodeKind::Component)
    {
        for dependency_index in model.dependency_range(owner) {
            let dependency = model.dependency(dependency_index);
            if dependency.kind != DependencyKind::Hard
                || !single_point[dependency.members[0].index()]
            {
                continue;
            }
            let target = dependency.members[0];
            if let Some(change) = redundancy(model, owner, dependency_index, target) {
                changes.push(change);
            }
            if include_soft && dependency.origin == Origin::DependsOn {
                changes.push(Change {
                    kind: ChangeKind::Soft,
                    owner,
                    dependency: dependency_index,
                    target,
                    alternative: None,
                    alternative_is_new: false,
                    edit: ModelEdit {
                        new_nodes: Vec::new(),
                        replaced: vec![(
                            dependency_index,
                            DependencyKind::Soft,
                            vec![model.id(target).to_owned()],
                        )],
                    },
                    cost: None,
                    affected: Vec::new(),
                });
            }
        }
    }
    // The functions each owner's change can affect: those whose closure contains it.
    let mut affected_by_owner: FxHashMap<NodeId, Vec<usize>> =
        changes.iter().map(|c| (c.owner, Vec::new())).collect();
    let mut stamp = vec![usize::MAX; model.n_nodes()];
    for function in 0..model.functions().len() {
        let mut stack: Vec<NodeId> = model.functions()[function].delivered_by.clone();
        while let Some(node) = stack.pop() {
            if std::mem::replace(&mut stamp[node.index()], function) == function {
                continue;
            }
            if let Some(list) = affected_by_owner.get_mut(&node) {
                list.push(function);
            }
            for dependency in model.dependencies(node) {
                if dependency.kind != DependencyKind::Soft {
                    stack.extend(dependency.members.iter().copied());
                }
            }
        }
    }
    for change in &mut changes {
        change.affected = affected_by_owner[&change.owner].clone();
    }
    Ok(changes)
}

/// Whether `evaluation` meets the target: each scoped function's availability at least
/// `target` (or its SLO when `target` is `None`; functions without one are ignored). Returns
/// the total shortfall in unavailability (0 when met).
fn shortfall(model: &Model, scope: &[usize], target: Option<f64>, evaluation: &Evaluation) -> f64 {
    scope
        .iter()
        .filter_map(|&f| {
            let required = target.or(model.functions()[f].slo_percent.map(|s| s / 100.0))?;
            let excess = evaluation.unavailability[f] - (1.0 - required);
            // A relative tolerance so that rounding in the last bits does not decide.
            Some(if excess > 1e-12 { excess } else { 0.0 })
        })
        .sum()
}

/// Candidate changes with their exact effects, and a plan for `options.goal`. Cost: per
/// measured candidate (at most `options.max_candidates`), a copy of the model, the exact
/// unavailability of the functions it can affect and one what-if per provider; up to 250 such
/// evaluations for the exact search, and one per candidate among the 40 best per greedy step.
///
/// # Errors
/// [`EngineError::NodeLimitExceeded`] when a decision diagram outgrows the engine's budget.
pub fn advise(model: &Model, options: &AdviseOptions) -> Result<Advice, EngineError> {
    let (scope, _) = critical_scope(model);
    let baseline = evaluate_model(model)?;
    let mut all = candidates(model, &scope, options.include_soft)?;
    // Measure first the changes that touch the most cost (then users) at stake; stable, so
    // ties keep model order.
    let stake = |change: &Change| {
        let in_scope = change.affected.iter().filter(|f| scope.binary_search(f).is_ok());
        in_scope.fold((0.0, 0u64), |(cost, users), &f| {
            (cost + model.functions()[f].cost_per_hour, users + model.functions()[f].users)
        })
    };
    all.sort_by(|a, b| {
        let ((cost_a, users_a), (cost_b, users_b)) = (stake(a), stake(b));
        cost_b.total_cmp(&cost_a).then(users_b.cmp(&users_a))
    });
    let not_evaluated = all.len().saturating_sub(options.max_candidates);
    all.truncate(options.max_candidates);
    let mut scored = Vec::new();
    for mut change in all {
        change.cost = options.costs.iter().find(|(k, _)| *k == change.kind).map(|(_, c)| *c);
        let after = evaluate_affected(model, &change.edit, &baseline, &change.affected)?;
        let effect = effect(model, &scope, &baseline, after);
        scored.push((change, effect));
    }
    scored.sort_by(|a, b| {
        b.1.cost_saved_per_year
            .total_cmp(&a.1.cost_saved_per_year)
            .then_with(|| b.1.downtime_minutes_saved.total_cmp(&a.1.downtime_minutes_saved))
    });
    let plan = match options.goal {
        Goal::Target(target) => plan_for_target(model, &scope, &baseline, &scored, target)?,
        Goal::Budget(budget) => plan_for_budget(model, &scope, &baseline, &scored, budget)?,
    };
    Ok(Advice { scope, baseline, candidates: scored, not_evaluated, goal: options.goal, plan })
}

/// Whether two changes edit the same dependency (and so cannot both be applied).
fn conflicts(changes: &[&Change]) -> bool {
    let mut seen: Vec<usize> =
        changes.iter().flat_map(|c| c.edit.replaced_dependencies()).collect();
    let n = seen.len();
    seen.sort_unstable();
    seen.dedup();
    seen.len() != n
}

fn combined(changes: &[&Change]) -> ModelEdit {
    changes.iter().fold(ModelEdit::default(), |edit, change| edit.and(&change.edit))
}

/// The k-subsets of `0..n` in lexicographic order.
fn subsets(n: usize, k: usize) -> impl Iterator<Item = Vec<usize>> {
    let mut current: Option<Vec<usize>> = (k <= n).then(|| (0..k).collect());
    std::iter::from_fn(move || {
        let out = current.clone()?;
        let mut next = out.clone();
        let mut i = k;
        loop {
            if i == 0 {
                current = None;
                break;
            }
            i -= 1;
            if next[i] < n - k + i {
                next[i] += 1;
                for j in i + 1..k {
                    next[j] = next[j - 1] + 1;
                }
                current = Some(next);
                break;
            }
        }
        Some(out)
    })
}

fn binomial(n: usize, k: usize) -> usize {
    (0..k).fold(1usize, |acc, i| acc.saturating_mul(n - i) / (i + 1))
}

fn plan_for_target(
    model: &Model,
    scope: &[usize],
    baseline: &Evaluation,
    scored: &[(Change, Effect)],
    target: Option<f64>,
) -> Result<Plan, EngineError> {
    let base_shortfall = shortfall(model, scope, target, baseline);
    let done = |changes: Vec<usize>, method, meets_goal, after: Evaluation| Plan {
        changes,
        method,
        meets_goal,
        effect: effect(model, scope, baseline, after),
    };
    if base_shortfall == 0.0 {
        return Ok(done(Vec::new(), PlanMethod::AlreadyMet, true, baseline.clone()));
    }
    // Only changes that reduce the shortfall alone are searched exactly.
    let relevant: Vec<usize> = (0..scored.len())
        .filter(|&i| shortfall(model, scope, target, &scored[i].1.after) < base_shortfall)
        .collect();
    let mut evaluations = 0;
    let mut exact_size = 0;
    for size in 1..=relevant.len() {
        if evaluations + binomial(relevant.len(), size) > EXACT_BUDGET {
            break;
        }
        let mut best: Option<(Vec<usize>, Evaluation, f64)> = None;
        for subset in subsets(relevant.len(), size) {
            let picked: Vec<usize> = subset.iter().map(|&i| relevant[i]).collect();
            let changes: Vec<&Change> = picked.iter().map(|&i| &scored[i].0).collect();
            if conflicts(&changes) {
                continue;
            }
            evaluations += 1;
            let after = if size == 1 {
                scored[picked[0]].1.after.clone()
            } else {
                evaluate_affected(model, &combined(&changes), baseline, &affected_by(&changes))?
            };
            if shortfall(model, scope, target, &after) == 0.0 {
                let saved = effect(model, scope, baseline, after.clone()).cost_saved_per_year;
                if best.as_ref().is_none_or(|(_, _, s)| saved > *s) {
                    best = Some((picked, after, saved));
                }
            }
        }
        exact_size = size;
        if let Some((picked, after, _)) = best {
            return Ok(done(picked, PlanMethod::Exact(size), true, after));
        }
    }
    // Greedy from here: add the change that reduces the shortfall most, until met or stuck.
    let mut chosen: Vec<usize> = Vec::new();
    let mut current = baseline.clone();
    let mut current_shortfall = base_shortfall;
    while current_shortfall > 0.0 {
        let mut best: Option<(usize, Evaluation, f64)> = None;
        for (i, (change, _)) in scored.iter().enumerate().take(GREEDY_POOL) {
            if chosen.contains(&i) {
                continue;
            }
            let mut changes: Vec<&Change> = chosen.iter().map(|&c| &scored[c].0).collect();
            changes.push(change);
            if conflicts(&changes) {
                continue;
            }
            let after =
                evaluate_affected(model, &combined(&changes), baseline, &affected_by(&changes))?;
            let s = shortfall(model, scope, target, &after);
            if s < current_shortfall && best.as_ref().is_none_or(|(_, _, b)| s < *b) {
                best = Some((i, after, s));
            }
        }
        let Some((i, after, s)) = best else { break };
        chosen.push(i);
        current = after;
        current_shortfall = s;
    }
    Ok(done(chosen, PlanMethod::Greedy(exact_size), current_shortfall == 0.0, current))
}

fn plan_for_budget(
    model: &Model,
    scope: &[usize],
    baseline: &Evaluation,
    scored: &[(Change, Effect)],
    budget: f64,
) -> Result<Plan, EngineError> {
    let by_money = !scored.is_empty() && scored.iter().all(|(c, _)| c.cost.is_some());
    let price = |change: &Change| if by_money { change.cost.unwrap_or(0.0) } else { 1.0 };
    let value = |e: &Effect| {
        if e.cost_saved_per_year > 0.0 { e.cost_saved_per_year } else { e.downtime_minutes_saved }
    };
    let mut chosen: Vec<usize> = Vec::new();
    let mut spent = 0.0;
    let mut current = effect(model, scope, baseline, baseline.clone());
    loop {
        let mut best: Option<(usize, Effect, f64)> = None;
        for (i, (change, _)) in scored.iter().enumerate().take(GREEDY_POOL) {
            if chosen.contains(&i) || spent + price(change) > budget + 1e-9 {
                continue;
            }
            let mut changes: Vec<&Change> = chosen.iter().map(|&c| &scored[c].0).collect();
            changes.push(change);
            if conflicts(&changes) {
                continue;
            }
            let evaluation =
                evaluate_affected(model, &combined(&changes), baseline, &affected_by(&changes))?;
            let after = effect(model, scope, baseline, evaluation);
            let gain = value(&after) - value(&current);
            let ratio = if price(change) > 0.0 { gain / price(change) } else { f64::INFINITY };
            if gain > 1e-9 && best.as_ref().is_none_or(|(_, _, r)| ratio > *r) {
                best = Some((i, after, ratio));
            }
        }
        let Some((i, after, _)) = best else { break };
        spent += price(&scored[i].0);
        chosen.push(i);
        current = after;
    }
    Ok(Plan { changes: chosen, method: PlanMethod::Greedy(0), meets_goal: true, effect: current })
}
