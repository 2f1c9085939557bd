//! What-if results as text: which functions fail and what is at stake first, then every node
//! that is down or degraded with the path by which the failure reached it.

use blastradius_analysis::{Cause, Status, WhatIf};
use blastradius_model::{DependencyKind, Model, NodeId, NodeKind};
use serde::Serialize;

use crate::diagnostics::to_json;
use crate::style::{DEGRADED, DIM, DOWN, HEADING, Options, UP, per_hour, plural_suffix, thousands};

fn status_style(status: Status) -> anstyle::Style {
    match status {
        Status::Up => UP,
        Status::Degraded => DEGRADED,
        Status::Down => DOWN,
    }
}

/// The path from `node` back to a failed node as `api ← ledger ← aws/us-east-1`, marking hops
/// through a soft dependency, and hops that downed a redundant group (every needed member lost).
fn path_text(model: &Model, result: &WhatIf, node: NodeId) -> String {
    let mut text = String::new();
    let mut current = node;
    text.push_str(model.id(current));
    while let Some(Cause::Dependency { dependency, member }) = result.cause(current) {
        // A degraded node was not brought down by its group, so only down hops name the group.
        let degraded_hop = result.status(current) == Status::Degraded;
        let n_members = model.dependency(dependency).members.len();
        let arrow = match model.dependency(dependency).kind {
            DependencyKind::Soft => " ←soft─ ".to_owned(),
            DependencyKind::AnyOf if !degraded_hop => format!(" ←all {n_members} down─ "),
            DependencyKind::AtLeast(k) if !degraded_hop => {
                format!(" ←fewer than {k} of {n_members} up─ ")
            }
            DependencyKind::Hard | DependencyKind::AnyOf | DependencyKind::AtLeast(_) => {
                " ← ".to_owned()
            }
        };
        text.push_str(&arrow);
        text.push_str(model.id(member));
        current = member;
    }
    text
}

#[derive(Default)]
struct AtStake {
    users: u64,
    cost_per_hour: f64,
    n_functions: usize,
}

fn at_stake(model: &Model, result: &WhatIf, status: Status) -> AtStake {
    let mut stake = AtStake::default();
    for impact in result.functions().iter().filter(|f| f.status == status) {
        let function = &model.functions()[impact.function];
        stake.users += function.users;
        stake.cost_per_hour += function.cost_per_hour;
        stake.n_functions += 1;
    }
    stake
}

/// A what-if result for people: functions with status, users and cost and the path that took
/// each one down; the total at stake; then every down and degraded node with its path (provider
/// structure below the failed nodes is summarised as a count). Linear in the size of the result.
pub fn what_if_human(model: &Model, result: &WhatIf, options: Options) -> String {
    let mut out = String::new();
    let failed: Vec<&str> = result.failed().iter().map(|&n| model.id(n)).collect();
    out.push_str(&options.paint(
        HEADING,
        &format!("What if {} fail{}?", failed.join(", "), if failed.len() == 1 { "s" } else { "" }),
    ));
    out.push_str(&format!("  (model `{}`)\n\n", model.name()));

    out.push_str(&options.paint(HEADING, "Business functions"));
    out.push('\n');
    if model.functions().is_empty() {
        out.push_str("  the model declares no functions\n");
    }
    let id_width = model.functions().iter().map(|f| f.id.chars().count()).max().unwrap_or(0);
    for impact in result.functions() {
        let function = &model.functions()[impact.function];
        let word = format!("{:<8}", impact.status.word().to_uppercase());
        out.push_str(&format!(
            "  {} {:<id_width$}  {:>11} users  {:>12}{}\n",
            options.paint(status_style(impact.status), &word),
            function.id,
            thousands(function.users),
            per_hour(function.cost_per_hour),
            if function.critical { "  critical" } else { "" },
        ));
        for &culprit in &impact.culprits {
            out.push_str(&format!(
                "           {}\n",
                options.paint(DIM, &path_text(model, result, culprit))
            ));
        }
    }
    let down = at_stake(model, result, Status::Down);
    let degraded = at_stake(model, result, Status::Degraded);
    out.push_str(&format!(
        "\n  At stake: {} users and {} with {} of {} function{} down; {} users and {} degraded ({} function{}).\n",
        thousands(down.users),
        per_hour(down.cost_per_hour),
        down.n_functions,
        model.functions().len(),
        plural_suffix(model.functions().len()),
        thousands(degraded.users),
        per_hour(degraded.cost_per_hour),
        degraded.n_functions,
        plural_suffix(degraded.n_functions),
    ));

    for status in [Status::Down, Status::Degraded] {
        let nodes: Vec<NodeId> = result.nodes_in(status).collect();
        let (components, structure): (Vec<NodeId>, Vec<NodeId>) =
            nodes.iter().partition(|&&n| model.kind(n) == NodeKind::Component);
        out.push('\n');
        let heading = format!(
            "{}: {} component{}, {} provider node{}",
            if status == Status::Down { "Down" } else { "Degraded" },
            components.len(),
            plural_suffix(components.len()),
            structure.len(),
            plural_suffix(structure.len()),
        );
        out.push_str(&options.paint(status_style(status), &heading));
        out.push('\n');
        let mut listed: Vec<NodeId> = components;
        listed.extend(structure.iter().filter(|&&n| is_notable_structure(model, result, n)));
        listed.sort_by(|&a, &b| model.id(a).cmp(model.id(b)));
        for node in &listed {
            out.push_str(&format!("  {}\n", path_text(model, result, *node)));
        }
        let n_hidden = nodes.len() - listed.len();
        if n_hidden > 0 {
            out.push_str(&format!(
                "  {}\n",
                options.paint(
                    DIM,
                    &format!(
                        "and {n_hidden} zone{} and service{} inside the failed provider structure",
                        plural_suffix(n_hidden),
                        plural_suffix(n_hidden)
                    )
                )
            ));
        }
    }
    out
}

/// Provider nodes worth listing one by one: the failed ones, and those brought down by something
/// other than their parent (they would otherwise drown the list when a whole region fails).
fn is_notable_structure(model: &Model, result: &WhatIf, node: NodeId) -> bool {
    match result.cause(node) {
        Some(Cause::Failed) | None => true,
        Some(Cause::Dependency { dependency, .. }) => {
            model.dependency(dependency).origin != blastradius_model::Origin::Parent
        }
    }
}

#[derive(Serialize)]
struct FunctionJson<'a> {
    id: &'a str,
    status: &'static str,
    critical: bool,
    users: u64,
    cost_per_hour: f64,
    culprits: Vec<&'a str>,
}

#[derive(Serialize)]
struct Explanation<'a> {
    id: &'a str,
    status: &'static str,
    path: Vec<&'a str>,
}

#[derive(Serialize)]
struct StakeJson {
    users: u64,
    cost_per_hour: f64,
    functions: usize,
}

#[derive(Serialize)]
struct WhatIfJson<'a> {
    model: &'a str,
    failed: Vec<&'a str>,
    down: Vec<&'a str>,
    degraded: Vec<&'a str>,
    functions: Vec<FunctionJson<'a>>,
    at_stake: AtStakeJson,
    explanations: Vec<Explanation<'a>>,
}

#[derive(Serialize)]
struct AtStakeJson {
    down: StakeJson,
    degraded: StakeJson,
}

fn sorted_ids(model: &Model, nodes: impl Iterator<Item = NodeId>) -> Vec<&str> {
    let mut ids: Vec<&str> = nodes.map(|n| model.id(n)).collect();
    ids.sort_unstable();
    ids
}

/// A what-if result for machines: `failed` (as given), `down` and `degraded` (sorted ids of every
/// node in that state, failed ones included in `down`), `functions` with status, users and cost,
/// `at_stake` totals, and `explanations`, the path of every node that is not up, sorted by id.
pub fn what_if_json(model: &Model, result: &WhatIf) -> String {
    let stake = |status| {
        let s = at_stake(model, result, status);
        StakeJson { users: s.users, cost_per_hour: s.cost_per_hour, functions: s.n_functions }
    };
    let mut explanations: Vec<Explanation<'_>> = model
        .node_ids()
        .filter(|&n| result.status(n) != Status::Up)
        .map(|n| Explanation {
            id: model.id(n),
            status: result.status(n).word(),
            path: result.path(n).iter().map(|&p| model.id(p)).collect(),
        })
        .collect();
    explanations.sort_unstable_by(|a, b| a.id.cmp(b.id));
    let json = WhatIfJson {
        model: model.name(),
        failed: result.failed().iter().map(|&n| model.id(n)).collect(),
        down: sorted_ids(model, result.nodes_in(Status::Down)),
        degraded: sorted_ids(model, result.nodes_in(Status::Degraded)),
        functions: result
            .functions()
            .iter()
            .map(|impact| {
                let function = &model.functions()[impact.function];
                FunctionJson {
                    id: &function.id,
                    status: impact.status.word(),
                    critical: function.critical,
                    users: function.users,
                    cost_per_hour: function.cost_per_hour,
                    culprits: impact.culprits.iter().map(|&n| model.id(n)).collect(),
                }
            })
            .collect(),
        at_stake: AtStakeJson { down: stake(Status::Down), degraded: stake(Status::Degraded) },
        explanations,
    };
    to_json(&json)
}
