//! Dependency cycles: legal (status is the least fixpoint, so a cycle never fails by itself) but
//! reported, because a system with one cannot be cold-started after a full outage.

use std::collections::{HashMap, VecDeque};

use petgraph::algo::tarjan_scc;
use petgraph::graph::{DiGraph, NodeIndex};

use crate::diagnostic::Diagnostic;
use crate::model::{DependencyKind, Model, NodeId, Origin};

/// At most this many ids are named in one cycle warning.
const MAX_NAMED: usize = 12;

/// One warning per strongly connected set of nodes over hard, group and placement dependencies
/// (soft dependencies do not stop a cold start), naming one cycle through it. Linear in the size of
/// the model.
pub(crate) fn find_cycles(model: &Model) -> Vec<Diagnostic> {
    let mut graph: DiGraph<(), (), u32> =
        DiGraph::with_capacity(model.n_nodes(), model.n_dependencies());
    for _ in 0..model.n_nodes() {
        graph.add_node(());
    }
    for node in model.node_ids() {
        for dependency in model.dependencies(node) {
            if dependency.kind == DependencyKind::Soft || dependency.origin == Origin::Parent {
                continue;
            }
            for member in dependency.members {
                graph.add_edge(NodeIndex::new(node.index()), NodeIndex::new(member.index()), ());
            }
        }
    }
    let mut warnings = Vec::new();
    for scc in tarjan_scc(&graph) {
        let is_cycle = scc.len() > 1 || graph.contains_edge(scc[0], scc[0]);
        if !is_cycle {
            continue;
        }
        let start = scc
            .iter()
            .copied()
            .min_by_key(|n| model.location(NodeId(n.index() as u32)))
            .expect("an SCC is never empty");
        let cycle = cycle_through(&graph, &scc, start);
        let mut names: Vec<&str> =
            cycle.iter().take(MAX_NAMED).map(|n| model.id(NodeId(n.index() as u32))).collect();
        if cycle.len() > MAX_NAMED {
            names.push("…");
        }
        names.push(model.id(NodeId(start.index() as u32)));
        let mut message = format!("dependency cycle: {}", names.join(" → "));
        if scc.len() > cycle.len() {
            message.push_str(&format!(" ({} components depend on each other in all)", scc.len()));
        }
        warnings.push(
            Diagnostic::warning(model.location(NodeId(start.index() as u32)), message).with_help(
                "a cycle never fails by itself, but it cannot be cold-started after a full outage; \
                 make one of its edges soft if that is true, or plan the start order",
            ),
        );
    }
    warnings.sort_by_key(|w| w.location);
    warnings
}

/// A shortest cycle from `start` back to itself inside the strongly connected set `scc`, listed
/// from `start` (the return to `start` is not repeated).
fn cycle_through(
    graph: &DiGraph<(), (), u32>,
    scc: &[NodeIndex],
    start: NodeIndex,
) -> Vec<NodeIndex> {
    let in_scc: HashMap<NodeIndex, ()> = scc.iter().map(|&n| (n, ())).collect();
    let mut came_from: HashMap<NodeIndex, NodeIndex> = HashMap::new();
    let mut queue = VecDeque::from([start]);
    while let Some(node) = queue.pop_front() {
        for next in graph.neighbors(node) {
            if next == start {
                let mut path = vec![node];
                while let Some(&previous) = came_from.get(path.last().expect("path is not empty")) {
                    path.push(previous);
                }
                path.reverse();
                return path;
            }
            if in_scc.contains_key(&next) && !came_from.contains_key(&next) && next != start {
                came_from.insert(next, node);
                queue.push_back(next);
            }
        }
    }
    unreachable!("every node of a strongly connected set lies on a cycle")
}
