//! Concentration of critical functions on providers, regions, zones and shared services: how
//! many of them (and how many users and how much money) each provider node sits under, whether
//! it is a single point of failure for each, the Herfindahl–Hirschman index of each function's
//! provider mix, and hidden (nth-party) concentration through third parties that themselves run
//! on a provider.
//!
//! Definitions (the `concentration` command's help repeats them):
//! - **Scope**: the functions marked `critical: true`; all functions when none is.
//! - **Reach**: a function reaches a node when the node is in the closure of its delivering
//!   nodes over dependencies that can bring it down (soft ones left out), parents included.
//! - **Shares** of a node: reaching functions over scoped functions, counted, weighted by users
//!   and weighted by cost per hour.
//! - **Single point of failure**: failing the node alone takes the function down (the node is
//!   an order-1 cut set of the function).
//! - **Provider group**: a provider's `ultimate_parent`, else the provider itself.
//! - **HHI of a function**: its *provider services* are the provider nodes it reaches that are
//!   no other reached node's ancestor (zones, regional and global services, regions used
//!   directly, SaaS providers); the share of a group is the fraction of those services that
//!   belong to it; the HHI is the sum of squared shares, from 1/n (spread over n groups) to 1
//!   (one group). **Overall HHI**: the same sum over the groups' mean shares across the scoped
//!   functions that reach any provider.
//! - **Hidden reach**: a function reaches a node only through a third party, i.e. only by
//!   following a provider's own `runs_on`/`depends_on`; the third parties it goes through
//!   (providers of another group, named directly by the user's components) are listed.

use blastradius_model::{Model, NodeId, NodeKind, Origin};
use rustc_hash::FxHashMap;

use crate::sweep::{SweepOptions, sweep};
use crate::what_if::{Status, WhatIfIndex, what_if};

/// Counted, user-weighted and cost-weighted shares, each in 0..=1; `None` when the scope's
/// total weight is zero.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Shares {
    /// Fraction of scoped functions.
    pub count: f64,
    /// Fraction of the scoped functions' users.
    pub users: Option<f64>,
    /// Fraction of the scoped functions' cost per hour.
    pub cost: Option<f64>,
}

/// How concentrated the scoped functions are on one provider node or provider group.
#[derive(Clone, Debug, PartialEq)]
pub struct TargetConcentration {
    /// The node; `None` for a provider group row (several providers with one parent).
    pub node: Option<NodeId>,
    /// The provider group it belongs to (the group itself for a group row).
    pub group: String,
    /// Scoped functions that reach it, ascending.
    pub reached_by: Vec<usize>,
    /// Scoped functions it alone takes down, ascending.
    pub spof_for: Vec<usize>,
    /// Shares of `reached_by`.
    pub share: Shares,
    /// Shares of `spof_for`.
    pub spof_share: Shares,
    /// Scoped functions that reach it only through third parties, ascending.
    pub hidden_for: Vec<usize>,
    /// The third parties (providers of other groups named directly by the user's components)
    /// through which it is reached, in model order.
    pub via: Vec<NodeId>,
}

/// One scoped function's provider mix.
#[derive(Clone, Debug, PartialEq)]
pub struct FunctionConcentration {
    /// Index into `Model::functions`.
    pub function: usize,
    /// Its provider services (see the module documentation), in model order.
    pub services: Vec<NodeId>,
    /// Share of its provider services per group, largest first, then by name.
    pub group_shares: Vec<(String, f64)>,
    /// Herfindahl–Hirschman index of `group_shares`; `None` when it reaches no provider.
    pub hhi: Option<f64>,
    /// The provider nodes that alone take it down, in model order.
    pub single_points_of_failure: Vec<NodeId>,
}

/// Concentration of a model's scoped functions.
#[derive(Clone, Debug, PartialEq)]
pub struct Concentration {
    /// The functions in scope, ascending.
    pub scope: Vec<usize>,
    /// Whether the scope is every function because none is marked critical.
    pub scope_is_all_because_none_critical: bool,
    /// Users and cost per hour of the scope, summed.
    pub total_users: u64,
    /// See `total_users`.
    pub total_cost_per_hour: f64,
    /// Every provider node reached by a scoped function, plus one row per provider group of
    /// two or more providers; by count share, then number of functions it is a single point of
    /// failure for, then cost share, then users share (descending), then id.
    pub targets: Vec<TargetConcentration>,
    /// One entry per scoped function, in model order.
    pub functions: Vec<FunctionConcentration>,
    /// The groups' mean shares of provider services over the functions that reach any,
    /// largest first.
    pub group_shares: Vec<(String, f64)>,
    /// Herfindahl–Hirschman index of `group_shares`; `None` when no scoped function reaches a
    /// provider.
    pub hhi: Option<f64>,
}

/// The functions a concentration or policy analysis looks at: the critical ones, or all when
/// none is critical (the flag says which).
pub fn critical_scope(model: &Model) -> (Vec<usize>, bool) {
    let critical: Vec<usize> =
        (0..model.functions().len()).filter(|&f| model.functions()[f].critical).collect();
    if critical.is_empty() {
        ((0..model.functions().len()).collect(), true)
    } else {
        (critical, false)
    }
}

/// Computes the concentration of the scoped functions (see the module documentation for every
/// definition). Cost: one sweep of single failures (see `sweep`), plus one closure walk per
/// scoped function.
///
/// # Panics
/// If `index` was built for another model.
pub fn concentration(model: &Model, index: &WhatIfIndex) -> Concentration {
    let (scope, scope_is_all_because_none_critical) = critical_scope(model);
    concentration_of(model, index, scope, scope_is_all_because_none_critical)
}

/// [`concentration`] over the functions of `scope` (ascending indices into
/// `Model::functions`); `none_critical` is passed through to the result.
///
/// # Panics
/// If `index` was built for another model or `scope` names a function the model lacks.
pub fn concentration_of(
    model: &Model,
    index: &WhatIfIndex,
    scope: Vec<usize>,
    none_critical: bool,
) -> Concentration {
    let scope_is_all_because_none_critical = none_critical;
    let functions = model.functions();
    let total_users: u64 = scope.iter().map(|&f| functions[f].users).sum();
    let total_cost_per_hour: f64 = scope.iter().map(|&f| functions[f].cost_per_hour).sum();
    let shares = |set: &[usize]| Shares {
        count: if scope.is_empty() { 0.0 } else { set.len() as f64 / scope.len() as f64 },
        users: (total_users > 0).then(|| {
            set.iter().map(|&f| functions[f].users).sum::<u64>() as f64 / total_users as f64
        }),
        cost: (total_cost_per_hour > 0.0).then(|| {
            set.iter().map(|&f| functions[f].cost_per_hour).sum::<f64>() / total_cost_per_hour
        }),
    };

    let singles = sweep(model, index, SweepOptions { order: 1 });
    let mut spof_for: FxHashMap<NodeId, Vec<usize>> = FxHashMap::default();
    for scenario in &singles.singles {
        let in_scope: Vec<usize> =
            scenario.down.functions.iter().copied().filter(|f| scope.contains(f)).collect();
        spof_for.insert(scenario.failed[0], in_scope);
    }

    let mut walker = Walker::new(model);
    let mut reached_by: FxHashMap<NodeId, Vec<usize>> = FxHashMap::default();
    let mut hidden_for: FxHashMap<NodeId, Vec<usize>> = FxHashMap::default();
    let mut via: FxHashMap<NodeId, Vec<NodeId>> = FxHashMap::default();
    let mut function_rows = Vec::with_capacity(scope.len());
    let mut group_share_sums: FxHashMap<String, f64> = FxHashMap::default();
    let mut n_with_providers = 0usize;
    let mut foreign_reach: FxHashMap<NodeId, Vec<NodeId>> = FxHashMap::default();
    for &function in &scope {
        let starts = &functions[function].delivered_by;
        let direct = walker.closure(model, starts, false);
        let full = walker.closure(model, starts, true);
        let providers: Vec<NodeId> =
            full.iter().copied().filter(|&n| model.kind(n) != NodeKind::Component).collect();
        for &node in &providers {
            reached_by.entry(node).or_default().push(function);
            if direct.binary_search(&node).is_err() {
                hidden_for.entry(node).or_default().push(function);
            }
        }
        // Third parties: provider nodes named directly by a component, whose own closure
        // (through their runs_on/depends_on) reaches nodes of other groups.
        for third_party in named_providers(model, &direct) {
            let elsewhere = foreign_reach.entry(third_party).or_insert_with(|| {
                let group = model.provider_group(third_party);
                walker
                    .closure(model, &[third_party], true)
                    .into_iter()
                    .filter(|&n| model.kind(n) != NodeKind::Component)
                    .filter(|&n| model.provider_group(n) != group)
                    .collect()
            });
            for &node in elsewhere.iter() {
                let list = via.entry(node).or_default();
                if !list.contains(&third_party) {
                    list.push(third_party);
                }
            }
        }
        let services = provider_services(model, &providers);
        let mut counts: FxHashMap<&str, usize> = FxHashMap::default();
        for &service in &services {
            *counts.entry(model.provider_group(service).unwrap_or_default()).or_default() += 1;
        }
        let mut group_shares: Vec<(String, f64)> = counts
            .into_iter()
            .map(|(group, n)| (group.to_owned(), n as f64 / services.len() as f64))
            .collect();
        sort_shares(&mut group_shares);
        let hhi = (!services.is_empty()).then(|| group_shares.iter().map(|(_, s)| s * s).sum());
        if !services.is_empty() {
            n_with_providers += 1;
            for (group, share) in &group_shares {
                *group_share_sums.entry(group.clone()).or_default() += share;
            }
        }
        let single_points_of_failure = providers
            .iter()
            .copied()
            .filter(|node| spof_for.get(node).is_some_and(|fs| fs.contains(&function)))
            .collect();
        function_rows.push(FunctionConcentration {
            function,
            services,
            group_shares,
            hhi,
            single_points_of_failure,
        });
    }

    let mut targets: Vec<TargetConcentration> = reached_by
        .iter()
        .map(|(&node, reached)| {
            let spofs = spof_for.get(&node).cloned().unwrap_or_default();
            let mut through = via.get(&node).cloned().unwrap_or_default();
            through.sort_unstable();
            TargetConcentration {
                node: Some(node),
                group: model.provider_group(node).unwrap_or_default().to_owned(),
                share: shares(reached),
                spof_share: shares(&spofs),
                reached_by: reached.clone(),
                spof_for: spofs,
                hidden_for: hidden_for.get(&node).cloned().unwrap_or_default(),
                via: through,
            }
        })
        .collect();
    targets.extend(group_rows(model, index, &scope, &reached_by, &shares));
    targets.sort_by(|a, b| {
        b.share
            .count
            .total_cmp(&a.share.count)
            .then_with(|| b.spof_for.len().cmp(&a.spof_for.len()))
            .then_with(|| b.share.cost.unwrap_or(0.0).total_cmp(&a.share.cost.unwrap_or(0.0)))
            .then_with(|| b.share.users.unwrap_or(0.0).total_cmp(&a.share.users.unwrap_or(0.0)))
            .then_with(|| target_name(model, a).cmp(target_name(model, b)))
    });

    let mut group_shares: Vec<(String, f64)> = group_share_sums
        .into_iter()
        .map(|(group, sum)| (group, sum / n_with_providers as f64))
        .collect();
    sort_shares(&mut group_shares);
    let hhi = (n_with_providers > 0).then(|| group_shares.iter().map(|(_, s)| s * s).sum());
    Concentration {
        scope,
        scope_is_all_because_none_critical,
        total_users,
        total_cost_per_hour,
        targets,
        functions: function_rows,
        group_shares,
        hhi,
    }
}

/// A target's display name: the node id, or the group name for a group row.
pub fn target_name<'a>(model: &'a Model, target: &'a TargetConcentration) -> &'a str {
    target.node.map_or(target.group.as_str(), |node| model.id(node))
}

/// One row per provider group of two or more providers: reached by the union of its
/// providers' functions, a single point of failure where failing all its providers at once
/// takes a function down.
fn group_rows(
    model: &Model,
    index: &WhatIfIndex,
    scope: &[usize],
    reached_by: &FxHashMap<NodeId, Vec<usize>>,
    shares: &dyn Fn(&[usize]) -> Shares,
) -> Vec<TargetConcentration> {
    let mut members: FxHashMap<&str, Vec<NodeId>> = FxHashMap::default();
    for node in model.node_ids().filter(|&n| model.kind(n) == NodeKind::Provider) {
        members.entry(model.provider_group(node).unwrap_or_default()).or_default().push(node);
    }
    let mut rows = Vec::new();
    for (group, providers) in members.into_iter().filter(|(_, p)| p.len() >= 2) {
        let mut reached: Vec<usize> = reached_by
            .iter()
            .filter(|(node, _)| model.provider_group(**node) == Some(group))
            .flat_map(|(_, functions)| functions.iter().copied())
            .collect();
        reached.sort_unstable();
        reached.dedup();
        if reached.is_empty() {
            continue;
        }
        let outage = what_if(model, index, &providers);
        let spofs: Vec<usize> = scope
            .iter()
            .copied()
            .filter(|&f| outage.functions()[f].status == Status::Down)
            .collect();
        rows.push(TargetConcentration {
            node: None,
            group: group.to_owned(),
            share: shares(&reached),
            spof_share: shares(&spofs),
            reached_by: reached,
            spof_for: spofs,
            hidden_for: Vec::new(),
            via: Vec::new(),
        });
    }
    rows
}

/// The provider nodes that the components among `direct` name in a dependency that can bring
/// them down, without repeats, sorted.
fn named_providers(model: &Model, direct: &[NodeId]) -> Vec<NodeId> {
    let mut named: Vec<NodeId> = direct
        .iter()
        .filter(|&&owner| model.kind(owner) == NodeKind::Component)
        .flat_map(|&owner| model.dependencies(owner))
        .filter(|d| d.kind.down_threshold(d.members.len()).is_some())
        .flat_map(|d| d.members.iter().copied())
        .filter(|&member| model.kind(member) != NodeKind::Component)
        .collect();
    named.sort_unstable();
    named.dedup();
    named
}

/// The provider nodes of `providers` that are no other listed node's ancestor by id.
fn provider_services(model: &Model, providers: &[NodeId]) -> Vec<NodeId> {
    let mut is_ancestor = vec![false; providers.len()];
    for &node in providers {
        let id = model.id(node);
        for (position, &other) in providers.iter().enumerate() {
            let other_id = model.id(other);
            if id.len() > other_id.len()
                && id.starts_with(other_id)
                && id.as_bytes()[other_id.len()] == b'/'
            {
                is_ancestor[position] = true;
            }
        }
    }
    providers.iter().zip(is_ancestor).filter(|(_, a)| !a).map(|(&n, _)| n).collect()
}

fn sort_shares(shares: &mut [(String, f64)]) {
    shares.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
}

/// Closure walks with a reusable stamp array.
struct Walker {
    stamp: Vec<u32>,
    round: u32,
    stack: Vec<NodeId>,
}

impl Walker {
    fn new(model: &Model) -> Self {
        Self { stamp: vec![0; model.n_nodes()], round: 0, stack: Vec::new() }
    }

    /// The nodes reachable from `starts` (included) over dependencies that can bring a node
    /// down; with `through_providers` false, a provider node's own `runs_on`/`depends_on` are
    /// not followed (its parent is). Sorted by node id.
    fn closure(
        &mut self,
        model: &Model,
        starts: &[NodeId],
        through_providers: bool,
    ) -> Vec<NodeId> {
        self.round += 1;
        let mut reached = Vec::new();
        for &start in starts {
            if self.stamp[start.index()] != self.round {
                self.stamp[start.index()] = self.round;
                self.stack.push(start);
            }
        }
        while let Some(node) = self.stack.pop() {
            reached.push(node);
            let is_provider = model.kind(node) != NodeKind::Component;
            for dependency in model.dependencies(node) {
                if dependency.kind.down_threshold(dependency.members.len()).is_none() {
                    continue;
                }
                if is_provider && !through_providers && dependency.origin != Origin::Parent {
                    continue;
                }
                for &member in dependency.members {
                    if self.stamp[member.index()] != self.round {
                        self.stamp[member.index()] = self.round;
                        self.stack.push(member);
                    }
                }
            }
        }
        reached.sort_unstable();
        reached
    }
}
