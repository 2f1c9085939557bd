//! The dependency graph as Graphviz DOT or Mermaid: providers, regions and zones drawn as nested
//! clusters, redundant groups as small diamond nodes, soft dependencies dashed, functions on top.

use std::fmt::Write;

use blastradius_model::{DependencyKind, Model, NodeId, NodeKind, Origin};

/// The children of each provider node (regions of a provider, zones and services of a region,
/// global services of a provider), found from parent dependencies.
fn children(model: &Model) -> Vec<Vec<NodeId>> {
    let mut children = vec![Vec::new(); model.n_nodes()];
    for node in model.node_ids() {
        for dependency in model.dependencies(node) {
            if dependency.origin == Origin::Parent {
                children[dependency.members[0].index()].push(node);
            }
        }
    }
    children
}

fn short_label(model: &Model, node: NodeId) -> &str {
    let id = model.id(node);
    match model.kind(node) {
        NodeKind::Provider | NodeKind::Component => id,
        _ => id.rsplit('/').next().unwrap_or(id),
    }
}

fn group_label(kind: DependencyKind, n_members: usize) -> String {
    match kind {
        DependencyKind::AnyOf => "any".to_owned(),
        DependencyKind::AtLeast(k) => format!("{k} of {n_members}"),
        DependencyKind::Hard | DependencyKind::Soft => String::new(),
    }
}

fn dot_quote(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
}

/// The model as a Graphviz digraph; edges point from a dependent to what it depends on.
/// Linear in the size of the model.
pub fn graph_dot(model: &Model) -> String {
    let children = children(model);
    let mut out = String::new();
    let _ = writeln!(out, "digraph {} {{", dot_quote(model.name()));
    out.push_str("  rankdir=LR;\n  compound=true;\n  node [shape=box, style=rounded, fontname=\"Helvetica\"];\n");
    out.push_str("  edge [fontname=\"Helvetica\", fontsize=10];\n");
    for node in model.node_ids().filter(|&n| model.kind(n) == NodeKind::Provider) {
        dot_cluster(model, &children, node, 1, &mut out);
    }
    for node in model.node_ids().filter(|&n| model.kind(n) == NodeKind::Component) {
        let _ = writeln!(out, "  {};", dot_quote(model.id(node)));
    }
    for function in model.functions() {
        let name = format!("function:{}", function.id);
        let shape = if function.critical { "doubleoctagon" } else { "octagon" };
        let _ = writeln!(
            out,
            "  {} [label={}, shape={shape}];",
            dot_quote(&name),
            dot_quote(&function.id)
        );
        for &node in &function.delivered_by {
            let _ = writeln!(out, "  {} -> {};", dot_quote(&name), dot_quote(model.id(node)));
        }
    }
    let mut n_groups = 0;
    for node in model.node_ids() {
        for dependency in model.dependencies(node).filter(|d| d.origin != Origin::Parent) {
            let from = dot_quote(model.id(node));
            match dependency.kind {
                DependencyKind::Hard => {
                    let _ = writeln!(
                        out,
                        "  {from} -> {};",
                        dot_quote(model.id(dependency.members[0]))
                    );
                }
                DependencyKind::Soft => {
                    let to = dot_quote(model.id(dependency.members[0]));
                    let _ = writeln!(out, "  {from} -> {to} [style=dashed, label=\"soft\"];");
                }
                DependencyKind::AnyOf | DependencyKind::AtLeast(_) => {
                    n_groups += 1;
                    let group = dot_quote(&format!("group:{n_groups}"));
                    let label = dot_quote(&group_label(dependency.kind, dependency.members.len()));
                    let _ = writeln!(out, "  {group} [label={label}, shape=diamond, fontsize=9];");
                    let _ = writeln!(out, "  {from} -> {group};");
                    for &member in dependency.members {
                        let _ = writeln!(out, "  {group} -> {};", dot_quote(model.id(member)));
                    }
                }
            }
        }
    }
    out.push_str("}\n");
    out
}

fn dot_cluster(
    model: &Model,
    children: &[Vec<NodeId>],
    node: NodeId,
    depth: usize,
    out: &mut String,
) {
    let indent = "  ".repeat(depth);
    let label = dot_quote(short_label(model, node));
    if children[node.index()].is_empty() {
        let _ = writeln!(out, "{indent}{} [label={label}];", dot_quote(model.id(node)));
        return;
    }
    let _ =
        writeln!(out, "{indent}subgraph {} {{", dot_quote(&format!("cluster_{}", model.id(node))));
    let _ = writeln!(out, "{indent}  label={label};\n{indent}  style=rounded;");
    let _ = writeln!(out, "{indent}  {} [label={label}, shape=folder];", dot_quote(model.id(node)));
    for &child in &children[node.index()] {
        dot_cluster(model, children, child, depth + 1, out);
    }
    let _ = writeln!(out, "{indent}}}");
}

fn mermaid_label(text: &str) -> String {
    format!("\"{}\"", text.replace('"', "#quot;"))
}

/// The model as a Mermaid flowchart; node names are `n<index>` with the id as label.
/// Linear in the size of the model.
pub fn graph_mermaid(model: &Model) -> String {
    let children = children(model);
    let mut out = String::from("flowchart LR\n");
    for node in model.node_ids().filter(|&n| model.kind(n) == NodeKind::Provider) {
        mermaid_cluster(model, &children, node, 1, &mut out);
    }
    for node in model.node_ids().filter(|&n| model.kind(n) == NodeKind::Component) {
        let _ = writeln!(out, "  n{}[{}]", node.index(), mermaid_label(model.id(node)));
    }
    for (index, function) in model.functions().iter().enumerate() {
        let _ = writeln!(out, "  f{index}{{{{{}}}}}", mermaid_label(&function.id));
        for &node in &function.delivered_by {
            let _ = writeln!(out, "  f{index} --> n{}", node.index());
        }
    }
    let mut n_groups = 0;
    for node in model.node_ids() {
        for dependency in model.dependencies(node).filter(|d| d.origin != Origin::Parent) {
            let from = node.index();
            match dependency.kind {
                DependencyKind::Hard => {
                    let _ = writeln!(out, "  n{from} --> n{}", dependency.members[0].index());
                }
                DependencyKind::Soft => {
                    let _ =
                        writeln!(out, "  n{from} -.->|soft| n{}", dependency.members[0].index());
                }
                DependencyKind::AnyOf | DependencyKind::AtLeast(_) => {
                    n_groups += 1;
                    let label =
                        mermaid_label(&group_label(dependency.kind, dependency.members.len()));
                    let _ = writeln!(out, "  g{n_groups}{{{label}}}");
                    let _ = writeln!(out, "  n{from} --> g{n_groups}");
                    for member in dependency.members {
                        let _ = writeln!(out, "  g{n_groups} --> n{}", member.index());
                    }
                }
            }
        }
    }
    out
}

fn mermaid_cluster(
    model: &Model,
    children: &[Vec<NodeId>],
    node: NodeId,
    depth: usize,
    out: &mut String,
) {
    let indent = "  ".repeat(depth);
    let label = mermaid_label(short_label(model, node));
    if children[node.index()].is_empty() {
        let _ = writeln!(out, "{indent}n{}[{label}]", node.index());
        return;
    }
    let _ = writeln!(out, "{indent}subgraph s{}[{label}]", node.index());
    let _ = writeln!(out, "{indent}  n{}[{label}]", node.index());
    for &child in &children[node.index()] {
        mermaid_cluster(model, children, child, depth + 1, out);
    }
    let _ = writeln!(out, "{indent}end");
}
