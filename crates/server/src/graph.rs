//! The dependency graph as JSON for the dashboard: nodes nested in their provider structure
//! (provider ⊃ region ⊃ zone or service), redundant groups as their own small nodes, edges from a
//! dependent to what it depends on, and the business functions with what delivers them.

use blastradius_model::{Availability, DependencyKind, Model, NodeKind, Origin};
use serde::Serialize;

#[derive(Serialize)]
struct NodeJson<'a> {
    id: &'a str,
    label: &'a str,
    kind: &'static str,
    parent: Option<&'a str>,
    description: Option<&'a str>,
    component_kind: Option<&'a str>,
    availability: Option<f64>,
}

#[derive(Serialize)]
struct GroupJson<'a> {
    id: String,
    owner: &'a str,
    kind: &'static str,
    label: String,
    members: Vec<&'a str>,
}

#[derive(Serialize)]
struct EdgeJson<'a> {
    source: &'a str,
    target: &'a str,
    kind: &'static str,
}

#[derive(Serialize)]
struct FunctionJson<'a> {
    id: &'a str,
    description: Option<&'a str>,
    critical: bool,
    users: u64,
    cost_per_hour: f64,
    slo_percent: Option<f64>,
    delivered_by: Vec<&'a str>,
}

#[derive(Serialize)]
struct GraphJson<'a> {
    model: &'a str,
    description: Option<&'a str>,
    nodes: Vec<NodeJson<'a>>,
    groups: Vec<GroupJson<'a>>,
    edges: Vec<EdgeJson<'a>>,
    functions: Vec<FunctionJson<'a>>,
}

fn kind_word(kind: NodeKind) -> &'static str {
    match kind {
        NodeKind::Provider => "provider",
        NodeKind::Region => "region",
        NodeKind::Zone => "zone",
        NodeKind::RegionalService => "regional_service",
        NodeKind::GlobalService => "global_service",
        NodeKind::Component => "component",
    }
}

fn dependency_word(kind: DependencyKind) -> &'static str {
    match kind {
        DependencyKind::Hard => "hard",
        DependencyKind::Soft => "soft",
        DependencyKind::AnyOf => "any_of",
        DependencyKind::AtLeast(_) => "at_least",
    }
}

/// The graph document: `{model, description, nodes: [{id, label, kind, parent, description,
/// component_kind, availability}], groups: [{id, owner, kind, label, members}], edges: [{source,
/// target, kind}], functions: [{id, description, critical, users, cost_per_hour, slo_percent,
/// delivered_by}]}`. Parent dependencies become `parent` (nesting), not edges; a redundant
/// dependency becomes a group node `group:N` (N its dependency index) with an edge from its owner
/// and one to each member. Linear in the size of the model.
pub(crate) fn graph_json(model: &Model) -> String {
    let mut nodes = Vec::with_capacity(model.n_nodes());
    let mut groups = Vec::new();
    let mut edges = Vec::new();
    for node in model.node_ids() {
        let id = model.id(node);
        let mut parent = None;
        for (dependency_index, dependency) in
            model.dependency_range(node).zip(model.dependencies(node))
        {
            let members = dependency.members;
            match (dependency.origin, dependency.kind) {
                (Origin::Parent, _) => parent = Some(model.id(members[0])),
                (_, DependencyKind::Hard | DependencyKind::Soft) => {
                    for &member in members {
                        edges.push(EdgeJson {
                            source: id,
                            target: model.id(member),
                            kind: dependency_word(dependency.kind),
                        });
                    }
                }
                (_, kind @ (DependencyKind::AnyOf | DependencyKind::AtLeast(_))) => {
                    let label = match kind {
                        DependencyKind::AtLeast(k) => format!("{k} of {}", members.len()),
                        _ => format!("any of {}", members.len()),
                    };
                    groups.push(GroupJson {
                        id: format!("group:{dependency_index}"),
                        owner: id,
                        kind: dependency_word(kind),
                        label,
                        members: members.iter().map(|&m| model.id(m)).collect(),
                    });
                }
            }
        }
        let label = match model.kind(node) {
            NodeKind::Provider | NodeKind::Component => id,
            _ => id.rsplit('/').next().unwrap_or(id),
        };
        nodes.push(NodeJson {
            id,
            label,
            kind: kind_word(model.kind(node)),
            parent,
            description: model.description_of(node),
            component_kind: model.component_kind(node),
            availability: model.availability(node).map(Availability::availability),
        });
    }
    let functions = model
        .functions()
        .iter()
        .map(|f| FunctionJson {
            id: &f.id,
            description: f.description.as_deref(),
            critical: f.critical,
            users: f.users,
            cost_per_hour: f.cost_per_hour,
            slo_percent: f.slo_percent,
            delivered_by: f.delivered_by.iter().map(|&n| model.id(n)).collect(),
        })
        .collect();
    let graph = GraphJson {
        model: model.name(),
        description: model.description(),
        nodes,
        groups,
        edges,
        functions,
    };
    serde_json::to_string(&graph).expect("graph structs always serialize")
}
