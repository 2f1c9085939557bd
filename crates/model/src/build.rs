//! Raw structs turned into a [`Model`]: ids assigned and checked for duplicates, references
//! resolved, availability attached, cycles found.

use rustc_hash::{FxHashMap, FxHashSet};
use std::collections::hash_map::Entry as MapEntry;
use std::fmt::Display;

use crate::cycles::find_cycles;
use crate::diagnostic::{Diagnostic, Diagnostics, Location};
use crate::layer::Layer;
use crate::model::{
    DependencyData, DependencyKind, Function, Model, NodeData, NodeId, NodeKind, Origin,
};
use crate::raw::{Named, RawComponent, RawModel, RawProvider, RawRequirement};
use crate::suggest::{Suggester, closest};

struct Builder<'d> {
    /// Names of the catalogue layers merged so far, indexed by `NodeData::layer`.
    layer_names: Vec<(String, Location)>,
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
                let first = &self.nodes[first.get().index()];
                let message = match first.layer {
                    Some(layer) => {
                        let (name, opted_in) = &self.layer_names[layer as usize];
                        format!(
                            "id `{id}` is taken by a node of catalogue `{name}` (opted into at {opted_in})"
                        )
                    }
                    None => {
                        format!("duplicate id `{id}`; it is first defined at {}", first.location)
                    }
                };
                let diagnostic = Diagnostic::error(location, message);
                self.diagnostics.push(if first.layer.is_some() {
                    diagnostic.with_help("rename your component, or drop the entry from `catalog:`")
                } else {
                    diagnostic
                });
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
                    layer: None,
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
pub(crate) fn build(
    raw: RawModel<'_>,
    layers: &[Layer],
    diagnostics: &mut Diagnostics,
) -> Option<Model> {
    let n_estimate = raw.components.len() + raw.providers.len() * 8;
    let mut builder = Builder {
        layer_names: Vec::new(),
        nodes: Vec::with_capacity(n_estimate),
        parents: Vec::with_capacity(n_estimate),
        index: FxHashMap::with_capacity_and_hasher(n_estimate, Default::default()),
        diagnostics,
        suggester: Suggester::new(),
    };
    let provider_runs_on = add_provider_nodes(&mut builder, &raw);
    let n_declared = builder.nodes.len();
    let selected = select_layers(&mut builder, &raw.catalog, layers);
    let layer_warnings = near_misses(&builder, &selected, n_declared);
    let mut layer_dependencies = add_layer_nodes(&mut builder, &selected);
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
    layer_dependencies.sort_by_key(|(node, ..)| *node);
    let mut layer_cursor = layer_dependencies.iter().peekable();
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
        while let Some((_, kind, layer_members, tag)) =
            layer_cursor.next_if(|(node, ..)| node.index() == node_index)
        {
            members.extend_from_slice(layer_members);
            dependencies.push(DependencyData {
                kind: *kind,
                origin: Origin::Catalog(*tag),
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
        catalog: builder.layer_names,
        organisation: raw.organisation,
        profiles,
    };
    model.warnings = find_cycles(&model);
    if !layer_warnings.is_empty() {
        model.warnings.extend(layer_warnings);
        model.warnings.sort_by_key(|warning| warning.location);
    }
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

/// The layers named in `catalog:` and, transitively, the layers they require, each with the
/// location of the entry that brought it in; unknown and repeated names are reported.
fn select_layers<'l>(
    builder: &mut Builder<'_>,
    catalog: &[Named<'_>],
    layers: &'l [Layer],
) -> Vec<&'l Layer> {
    let mut selected: Vec<&Layer> = Vec::new();
    for named in catalog {
        let Some(layer) = layers.iter().find(|layer| layer.name == named.text) else {
            let known: Vec<&str> = layers.iter().map(|layer| layer.name.as_str()).collect();
            let help = match closest(named.text, known.iter().copied()) {
                Some(name) => {
                    format!("did you mean `{name}`? the catalogue has {}", known.join(", "))
                }
                None if known.is_empty() => "this build has no catalogue".to_owned(),
                None => format!("the catalogue has {}", known.join(", ")),
            };
            builder.diagnostics.push(
                Diagnostic::error(
                    named.location,
                    format!("unknown catalogue entry `{}`", named.text),
                )
                .with_help(help),
            );
            continue;
        };
        if catalog
            .iter()
            .take_while(|other| !std::ptr::eq(*other, named))
            .any(|other| other.text == named.text)
        {
            builder.diagnostics.push(Diagnostic::error(
                named.location,
                format!("catalogue entry `{}` is listed twice", named.text),
            ));
            continue;
        }
        let mut pending = vec![layer];
        while let Some(layer) = pending.pop() {
            if selected.iter().any(|chosen| chosen.name == layer.name) {
                continue;
            }
            selected.push(layer);
            builder.layer_names.push((layer.name.clone(), named.location));
            for required in &layer.requires {
                match layers.iter().find(|other| &other.name == required) {
                    Some(other) => pending.push(other),
                    None => builder.diagnostics.push(Diagnostic::error(
                        named.location,
                        format!(
                            "catalogue entry `{}` requires `{required}`, which this build lacks",
                            layer.name
                        ),
                    )),
                }
            }
        }
    }
    selected
}

/// At most this many of the file's provider nodes missing from their catalogue entry are
/// searched for a near miss, so that a huge file stays linear.
const MAX_NEAR_MISS_SEARCHES: usize = 100;

/// Warnings for regions, zones and services the file declares under a provider it takes from
/// the catalogue, that the catalogue lacks but has a near namesake of (`aws/us-east1` for
/// `aws/us-east-1`): likely typos, which would silently miss the catalogue's dependencies.
fn near_misses(builder: &Builder<'_>, selected: &[&Layer], n_declared: usize) -> Vec<Diagnostic> {
    let mut warnings = Vec::new();
    if selected.is_empty() {
        return warnings;
    }
    let known: FxHashSet<&str> =
        selected.iter().flat_map(|layer| layer.nodes.iter().map(|node| node.id.as_str())).collect();
    let mut n_searches = 0;
    for data in &builder.nodes[..n_declared] {
        let provider = data.id.split('/').next().unwrap_or_default();
        if data.kind == NodeKind::Provider || known.contains(data.id.as_ref()) {
            continue;
        }
        let Some(layer) = selected.iter().find(|layer| layer.name == provider) else { continue };
        if n_searches == MAX_NEAR_MISS_SEARCHES {
            break;
        }
        n_searches += 1;
        let same_kind = layer.nodes.iter().filter(|node| node.kind == data.kind);
        if let Some(near) = closest(&data.id, same_kind.map(|node| node.id.as_str())) {
            let message = format!(
                "`{}` is not in catalogue `{}`, so it inherits no published dependencies",
                data.id, layer.name
            );
            warnings.push(
                Diagnostic::warning(data.location, message)
                    .with_help(format!("did you mean `{near}`?")),
            );
        }
    }
    warnings
}

/// A layer dependency resolved to node ids: the dependent, the kind, the members and the tag.
type ResolvedLayerDependency = (NodeId, DependencyKind, Vec<NodeId>, u32);

/// Adds the nodes of the selected layers that the file does not declare, checks that those it
/// does declare have the same kind, and resolves the layers' dependencies.
fn add_layer_nodes(builder: &mut Builder<'_>, selected: &[&Layer]) -> Vec<ResolvedLayerDependency> {
    for (layer_index, layer) in selected.iter().enumerate() {
        let opted_in = builder.layer_names[layer_index].1;
        for node in &layer.nodes {
            if let Some(&existing) = builder.index.get(node.id.as_str()) {
                let data = &builder.nodes[existing.index()];
                if data.kind != node.kind {
                    let message = format!(
                        "`{}` is declared here as a {}, but catalogue `{}` has it as a {}",
                        node.id,
                        data.kind.word(),
                        layer.name,
                        node.kind.word()
                    );
                    let location = data.location;
                    builder.diagnostics.push(Diagnostic::error(location, message).with_help(
                        "declare it as the catalogue does, or drop the entry from `catalog:`",
                    ));
                }
                continue;
            }
            let parent = match node.kind {
                NodeKind::Provider => None,
                NodeKind::GlobalService => node.id.split('/').next(),
                _ => node.id.rsplit_once('/').map(|(parent, _)| parent),
            };
            let parent = match parent {
                None => None,
                Some(parent) => match builder.index.get(parent) {
                    Some(&parent) => Some(parent),
                    None => {
                        builder.diagnostics.push(Diagnostic::error(
                            opted_in,
                            format!(
                                "catalogue `{}` lists `{}` before its parent",
                                layer.name, node.id
                            ),
                        ));
                        continue;
                    }
                },
            };
            if let Some(added) = builder.add(node.id.clone(), node.kind, opted_in, parent) {
                builder.nodes[added.index()].layer = Some(layer_index as u32);
            }
        }
    }
    let mut resolved = Vec::new();
    for (layer_index, layer) in selected.iter().enumerate() {
        let opted_in = builder.layer_names[layer_index].1;
        for dependency in &layer.dependencies {
            let ids = std::iter::once(&dependency.node).chain(&dependency.members);
            let nodes: Vec<Option<NodeId>> =
                ids.clone().map(|id| builder.index.get(id.as_str()).copied()).collect();
            if let Some((id, _)) = ids.zip(&nodes).find(|(_, node)| node.is_none()) {
                builder.diagnostics.push(Diagnostic::error(
                    opted_in,
                    format!("catalogue `{}` refers to unknown id `{id}`", layer.name),
                ));
                continue;
            }
            let nodes: Vec<NodeId> = nodes.into_iter().flatten().collect();
            resolved.push((nodes[0], dependency.kind, nodes[1..].to_vec(), dependency.tag));
        }
    }
    resolved
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
