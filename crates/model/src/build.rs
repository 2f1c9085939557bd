//! Raw structs turned into a [`Model`]: ids assigned and checked for duplicates, references
//! resolved, availability attached, cycles found.

use rustc_hash::{FxHashMap, FxHashSet};
use std::collections::hash_map::Entry as MapEntry;
use std::fmt::Display;

use crate::cycles::find_cycles;
use crate::diagnostic::{Diagnostic, Diagnostics, Location};
use crate::model::{
    DependencyData, DependencyKind, Function, Model, NodeData, NodeId, NodeKind, Origin,
};
use crate::raw::{Named, RawComponent, RawModel, RawProvider, RawRequirement};
use crate::suggest::{Suggester, closest};

struct Builder<'d> {
    nodes: Vec<NodeData>,
    parents: Vec<Option<NodeId>>,
    index: FxHashMap<Box<str>, NodeId>,
    diagnostics: &'d mut Diagnostics,
    suggester: Suggester,
}

impl Builder<'_> {
    fn add(
        &mut self,
        id: String,
        kind: NodeKind,
        location: Location,
        parent: Option<NodeId>,
    ) -> Option<NodeId> {
        let node = NodeId(self.nodes.len() as u32);
        match self.index.entry(id.clone().into_boxed_str()) {
            MapEntry::Occupied(first) => {
                let first = self.nodes[first.get().index()].location;
                self.diagnostics.push(Diagnostic::error(
                    location,
                    format!("duplicate id `{id}`; it is first defined at {first}"),
                ));
                None
            }
            MapEntry::Vacant(slot) => {
                slot.insert(node);
                self.nodes.push(NodeData {
                    id: id.into_boxed_str(),
                    kind,
                    location,
                    availability: None,
                    description: None,
                    component_kind: None,
                });
                self.parents.push(parent);
                Some(node)
            }
        }
    }

    fn resolve(&mut self, named: &Named<'_>, context: impl Display + Copy) -> Option<NodeId> {
        if let Some(&node) = self.index.get(named.text) {
            return Some(node);
        }
        let suggestion = if self.suggester.may_suggest(self.index.len(), named.text.len()) {
            closest(named.text, self.index.keys().map(|id| id.as_ref()))
                .map(|id| format!("did you mean `{id}`?"))
        } else {
            None
        };
        let help = suggestion.or_else(|| {
            named.text.contains('/').then(|| {
                "provider ids are `provider`, `provider/region`, `provider/region/zone-or-service` or `provider/global/service`"
                    .to_owned()
            })
        });
        self.diagnostics.push(
            Diagnostic::error(named.location, format!("unknown id `{}` in {context}", named.text))
                .with_optional_help(help),
        );
        None
    }
}

/// Builds the model from raw structs, pushing every problem to `diagnostics`. Returns `None` when
/// any error was found (in this step or before). Linear in the size of the model, apart from
/// "did you mean" suggestions, which are rationed.
pub(crate) fn build(raw: RawModel<'_>, diagnostics: &mut Diagnostics) -> Option<Model> {
    let n_estimate = raw.components.len() + raw.providers.len() * 8;
    let mut builder = Builder {
        nodes: Vec::with_capacity(n_estimate),
        parents: Vec::with_capacity(n_estimate),
        index: FxHashMap::with_capacity_and_hasher(n_estimate, Default::default()),
        diagnostics,
        suggester: Suggester::new(),
    };
    let provider_runs_on = add_provider_nodes(&mut builder, &raw);
    let n_provider_nodes = builder.nodes.len();
    let mut component_nodes = Vec::with_capacity(raw.components.len());
    for component in &raw.components {
        let node = builder.add(
            component.name.text.to_string(),
            NodeKind::Component,
            component.name.location,
            None,
        );
        if let Some(node) = node {
            let data = &mut builder.nodes[node.index()];
            data.availability = component.availability;
            data.description = component.description.as_deref().map(Box::from);
            data.component_kind = component.kind.as_deref().map(Box::from);
            component_nodes.push((node, component));
        }
    }

    let mut dependencies = Vec::with_capacity(builder.nodes.len() * 2);
    let mut dependencies_end = Vec::with_capacity(builder.nodes.len());
    let mut members = Vec::with_capacity(builder.nodes.len() * 3);
    for node_index in 0..n_provider_nodes {
        if let Some(parent) = builder.parents[node_index] {
            members.push(parent);
            dependencies.push(DependencyData {
                kind: DependencyKind::Hard,
                origin: Origin::Parent,
                members_end: members.len() as u32,
                location: builder.nodes[node_index].location,
            });
        }
        if let Some((_, provider)) =
            provider_runs_on.iter().find(|(node, _)| node.index() == node_index)
        {
            add_requirements(
                &mut builder,
                "provider",
                provider.name.text,
                &provider.runs_on,
                &[],
                &mut dependencies,
                &mut members,
            );
        }
        dependencies_end.push(dependencies.len() as u32);
    }
    let profiles = provider_runs_on
        .iter()
        .filter(|(_, provider)| provider.profile != Default::default())
        .map(|(node, provider)| (*node, provider.profile.clone()))
        .collect();
    for (_, component) in &component_nodes {
        add_component_dependencies(&mut builder, component, &mut dependencies, &mut members);
        dependencies_end.push(dependencies.len() as u32);
    }

    for (named, availability) in &raw.availability {
        let Some(node) = builder.resolve(named, "`availability`") else { continue };
        let data = &mut builder.nodes[node.index()];
        if data.availability.is_some() {
            let message = format!(
                "the availability of `{}` is also given where it is defined, at {}",
                named.text, data.location
            );
            builder.diagnostics.push(
                Diagnostic::error(named.location, message).with_help("give it in one place only"),
            );
        } else {
            data.availability = Some(*availability);
        }
    }

    let mut functions = Vec::with_capacity(raw.functions.len());
    for function in &raw.functions {
        let context = format!("`delivered_by` of function `{}`", function.name.text);
        let mut delivered_by = Vec::with_capacity(function.delivered_by.len());
        let mut seen = FxHashSet::default();
        for named in &function.delivered_by {
            if let Some(node) = builder.resolve(named, &context) {
                if is_repeat(&delivered_by, &mut seen, node) {
                    builder.diagnostics.push(Diagnostic::error(
                        named.location,
                        format!("`{}` is listed twice in {context}", named.text),
                    ));
                }
                delivered_by.push(node);
            }
        }
        functions.push(Function {
            id: function.name.text.to_string(),
            description: function.description.clone(),
            delivered_by,
            critical: function.critical,
            users: function.users,
            cost_per_hour: function.cost_per_hour,
            slo_percent: function.slo_percent,
            rto: function.rto,
            rpo: function.rpo,
            location: function.name.location,
        });
    }

    if builder.diagnostics.has_error() {
        return None;
    }
    let mut model = Model {
        name: raw.name,
        description: raw.description,
        nodes: builder.nodes,
        dependencies_end,
        dependencies,
        members,
        functions,
        index: builder.index,
        warnings: Vec::new(),
        profiles,
    };
    model.warnings = find_cycles(&model);
    Some(model)
}

/// Adds every provider's nodes; returns each provider node with its raw provider, in node order.
fn add_provider_nodes<'r, 'a>(
    builder: &mut Builder<'_>,
    raw: &'r RawModel<'a>,
) -> Vec<(NodeId, &'r RawProvider<'a>)> {
    let mut providers = Vec::with_capacity(raw.providers.len());
    for provider in &raw.providers {
        let name = &provider.name.text;
        let Some(provider_node) =
            builder.add(name.to_string(), NodeKind::Provider, provider.name.location, None)
        else {
            continue;
        };
        providers.push((provider_node, provider));
        builder.nodes[provider_node.index()].availability = provider.availability;
        builder.nodes[provider_node.index()].description =
            provider.description.as_deref().map(Box::from);
        for region in &provider.regions {
            if region.name.text == "global" {
                builder.diagnostics.push(
                    Diagnostic::error(region.name.location, format!("provider `{name}` has a region named `global`"))
                        .with_help("`global` is reserved for provider-wide services; list those under `global:`"),
                );
                continue;
            }
            let region_id = format!("{name}/{}", region.name.text);
            let Some(region_node) = builder.add(
                region_id.clone(),
                NodeKind::Region,
                region.name.location,
                Some(provider_node),
            ) else {
                continue;
            };
            builder.nodes[region_node.index()].availability = region.availability;
            for zone in &region.zones {
                builder.add(
                    format!("{region_id}/{}", zone.text),
                    NodeKind::Zone,
                    zone.location,
                    Some(region_node),
                );
            }
            for service in &region.services {
                let id = format!("{region_id}/{}", service.text);
                builder.add(id, NodeKind::RegionalService, service.location, Some(region_node));
            }
        }
        for service in &provider.global {
            let id = format!("{name}/global/{}", service.text);
            builder.add(id, NodeKind::GlobalService, service.location, Some(provider_node));
        }
    }
    providers
}

fn add_component_dependencies(
    builder: &mut Builder<'_>,
    component: &RawComponent<'_>,
    dependencies: &mut Vec<DependencyData>,
    members: &mut Vec<NodeId>,
) {
    let (name, runs_on, depends_on) =
        (component.name.text, &component.runs_on, &component.depends_on);
    add_requirements(builder, "component", name, runs_on, depends_on, dependencies, members);
}

/// Adds the `runs_on` and `depends_on` dependencies of component or provider `name`.
fn add_requirements(
    builder: &mut Builder<'_>,
    what: &str,
    name: &str,
    runs_on: &Option<RawRequirement<'_>>,
    depends_on: &[RawRequirement<'_>],
    dependencies: &mut Vec<DependencyData>,
    members: &mut Vec<NodeId>,
) {
    let requirements = runs_on
        .iter()
        .map(|r| (r, Origin::RunsOn))
        .chain(depends_on.iter().map(|r| (r, Origin::DependsOn)));
    for (requirement, origin) in requirements {
        let key = if origin == Origin::RunsOn { "runs_on" } else { "depends_on" };
        let context = format_args!("`{key}` of {what} `{name}`");
        if resolve_requirement(builder, requirement, context, members) {
            dependencies.push(DependencyData {
                kind: requirement.kind,
                origin,
                members_end: members.len() as u32,
                location: requirement.location,
            });
        }
    }
}

/// Resolves the members of a requirement onto the end of `members`; on any problem, reports it,
/// removes what was added and returns false.
fn resolve_requirement(
    builder: &mut Builder<'_>,
    requirement: &RawRequirement<'_>,
    context: impl Display + Copy,
    members: &mut Vec<NodeId>,
) -> bool {
    let start = members.len();
    let mut seen = FxHashSet::default();
    let mut complete = true;
    for named in &requirement.members {
        match builder.resolve(named, context) {
            Some(node) if is_repeat(&members[start..], &mut seen, node) => {
                builder.diagnostics.push(
                    Diagnostic::error(
                        named.location,
                        format!("`{}` appears twice in one group of {context}", named.text),
                    )
                    .with_help("each member of an `any` or `atleast` group must be distinct"),
                );
                complete = false;
            }
            Some(node) => members.push(node),
            None => complete = false,
        }
    }
    if !complete {
        members.truncate(start);
    }
    complete
}

/// Whether `node` is among `earlier`, the nodes of a list so far, each of which was checked here
/// with the same `seen`: short lists (the usual one to three nodes) are scanned, long ones are
/// hashed, so that a list of n nodes is checked in O(n) rather than O(n²).
fn is_repeat(earlier: &[NodeId], seen: &mut FxHashSet<NodeId>, node: NodeId) -> bool {
    if earlier.len() < 16 {
        return earlier.contains(&node);
    }
    if seen.is_empty() {
        seen.extend(earlier.iter().copied());
    }
    !seen.insert(node)
}
