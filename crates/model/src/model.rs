//! The validated model: every node (provider structure and the user's components) under a dense
//! id, its dependencies resolved to ids, and the business functions it delivers.

use rustc_hash::FxHashMap;
use std::fmt;

use crate::diagnostic::{Diagnostic, Location};
use crate::duration::Hours;

/// Dense index of a node in a [`Model`]; valid only for the model that issued it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct NodeId(pub(crate) u32);

impl NodeId {
    /// The index, from 0 to `model.n_nodes() - 1`, for use in dense per-node arrays.
    pub fn index(self) -> usize {
        self.0 as usize
    }

    /// The id at a dense index; meaningful only for an index below the issuing model's
    /// `n_nodes()`, as when walking a per-node array.
    ///
    /// # Panics
    /// If the index does not fit in 32 bits.
    pub fn from_index(index: usize) -> Self {
        Self(u32::try_from(index).expect("node indices fit in 32 bits"))
    }
}

/// What a node is. Provider structure comes from `providers:`, components from `components:`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum NodeKind {
    /// A provider as a whole (`aws`, `stripe`).
    Provider,
    /// A provider region (`aws/us-east-1`).
    Region,
    /// A zone in a region (`aws/us-east-1/use1-az1`).
    Zone,
    /// A service of one region (`aws/us-east-1/dynamodb`).
    RegionalService,
    /// A provider-wide service (`aws/global/iam`).
    GlobalService,
    /// One of the user's own components (`ledger`).
    Component,
}

impl NodeKind {
    /// The lowercase word used in output: `provider`, `region`, `zone`, `service`, `global service`,
    /// `component`.
    pub fn word(self) -> &'static str {
        match self {
            Self::Provider => "provider",
            Self::Region => "region",
            Self::Zone => "zone",
            Self::RegionalService => "service",
            Self::GlobalService => "global service",
            Self::Component => "component",
        }
    }
}

/// Availability data of a node.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Availability {
    /// A steady-state availability in (0, 1].
    Fixed(f64),
    /// Mean time between failures and mean time to repair.
    Repairable {
        /// Mean time between failures, longer than zero.
        mtbf: Hours,
        /// Mean time to repair.
        mttr: Hours,
    },
}

impl Availability {
    /// The steady-state probability of being up: the figure itself, or mtbf / (mtbf + mttr).
    pub fn availability(self) -> f64 {
        match self {
            Self::Fixed(availability) => availability,
            Self::Repairable { mtbf, mttr } => mtbf.hours() / (mtbf.hours() + mttr.hours()),
        }
    }
}

impl fmt::Display for Availability {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Fixed(availability) => write!(f, "{availability}"),
            Self::Repairable { mtbf, mttr } => write!(f, "mtbf {mtbf}, mttr {mttr}"),
        }
    }
}

/// How a dependency's members bring their dependent down.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DependencyKind {
    /// One member; down when it is down.
    Hard,
    /// Down when every member is down.
    AnyOf,
    /// Down when fewer than k members are up.
    AtLeast(u32),
    /// One member; its failure degrades, never downs.
    Soft,
}

impl DependencyKind {
    /// How many members must be down for the dependency to bring its dependent down, given `n`
    /// members; `None` for soft dependencies, which never do.
    pub fn down_threshold(self, n_members: usize) -> Option<usize> {
        match self {
            Self::Hard => Some(1),
            Self::AnyOf => Some(n_members),
            Self::AtLeast(k) => Some(n_members + 1 - k as usize),
            Self::Soft => None,
        }
    }
}

/// Where a dependency comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Origin {
    /// The implicit dependency of a zone or service on its region, a region or global service on its
    /// provider.
    Parent,
    /// The component's `runs_on` placement.
    RunsOn,
    /// An entry of the component's `depends_on`.
    DependsOn,
    /// A provider-internal dependency from a catalogue layer; the number is the layer's own tag
    /// for it (see [`crate::LayerDependency::tag`]), which the catalogue maps to its source.
    Catalog(u32),
}

/// One dependency of a node, borrowed from its model.
#[derive(Clone, Copy, Debug)]
pub struct Dependency<'m> {
    /// How the members combine.
    pub kind: DependencyKind,
    /// Where the dependency was declared.
    pub origin: Origin,
    /// The nodes depended on; one for hard and soft dependencies.
    pub members: &'m [NodeId],
    /// Where it is written in the file (the node's own location for parent dependencies).
    pub location: Location,
}

#[derive(Clone, Debug)]
pub(crate) struct NodeData {
    pub(crate) id: Box<str>,
    pub(crate) kind: NodeKind,
    pub(crate) location: Location,
    pub(crate) availability: Option<Availability>,
    pub(crate) description: Option<Box<str>>,
    pub(crate) component_kind: Option<Box<str>>,
    /// The catalogue layer (index into `Model::catalog`) that added the node, when the file
    /// does not declare it.
    pub(crate) layer: Option<u32>,
}

#[derive(Clone, Debug)]
pub(crate) struct DependencyData {
    pub(crate) kind: DependencyKind,
    pub(crate) origin: Origin,
    pub(crate) members_end: u32,
    pub(crate) location: Location,
}

/// A business function: what users and the business lose when the components delivering it fail.
#[derive(Clone, Debug)]
pub struct Function {
    /// The function's name.
    pub id: String,
    /// Free text.
    pub description: Option<String>,
    /// The nodes that must all be up for the function to work.
    pub delivered_by: Vec<NodeId>,
    /// Whether the business calls it critical (DORA's "critical or important").
    pub critical: bool,
    /// Users who lose the function in an outage.
    pub users: u64,
    /// Money lost per hour of outage.
    pub cost_per_hour: f64,
    /// Availability objective in percent, e.g. 99.95.
    pub slo_percent: Option<f64>,
    /// Recovery time objective.
    pub rto: Option<Hours>,
    /// Recovery point objective.
    pub rpo: Option<Hours>,
    /// Where the function is defined.
    pub location: Location,
}

/// Who the model describes (`organisation:`), for incident reports; every field is optional.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Organisation {
    /// The organisation's name, if it differs from the model's `name`.
    pub name: Option<String>,
    /// Its sector, e.g. `financial services`.
    pub sector: Option<String>,
    /// Where it operates, e.g. `US`.
    pub country: Option<String>,
    /// Where `organisation:` is written.
    pub location: Location,
}

/// The optional register fields of a provider, as DORA's register of information asks for them.
/// Every field is `None` (or empty) when the model does not give it; nothing is guessed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProviderProfile {
    /// The group the provider belongs to; providers with the same parent are "closely
    /// connected" and are counted together in concentration figures.
    pub ultimate_parent: Option<String>,
    /// The provider's legal name.
    pub legal_entity: Option<String>,
    /// Its Legal Entity Identifier (ISO 17442), checked for form and check digits.
    pub lei: Option<String>,
    /// Headquarters country, ISO 3166-1 alpha-2.
    pub country: Option<String>,
    /// The type of ICT service: `iaas`, `paas`, `saas`, `network`, `data-management`,
    /// `security`, `software` or `other`.
    pub service_type: Option<String>,
    /// Countries where data is stored or processed, ISO 3166-1 alpha-2.
    pub data_locations: Vec<String>,
    /// How hard it is to replace: `not-substitutable`, `highly-complex`, `medium-complexity` or
    /// `easy`.
    pub substitutability: Option<String>,
    /// Whether a documented exit plan exists.
    pub exit_plan: Option<bool>,
}

/// A validated resilience model. It never changes after validation; nodes are addressed by
/// [`NodeId`], with [`Model::lookup`] for names.
#[derive(Clone, Debug)]
pub struct Model {
    pub(crate) name: String,
    pub(crate) description: Option<String>,
    pub(crate) nodes: Vec<NodeData>,
    /// `dependencies_end[i]` is one past the last dependency of node `i` in `dependencies`.
    pub(crate) dependencies_end: Vec<u32>,
    pub(crate) dependencies: Vec<DependencyData>,
    pub(crate) members: Vec<NodeId>,
    pub(crate) functions: Vec<Function>,
    pub(crate) index: FxHashMap<Box<str>, NodeId>,
    pub(crate) warnings: Vec<Diagnostic>,
    /// The catalogue layers merged in: their names and where the model opts into each (layers
    /// pulled in by another layer carry the location of the entry that pulled them).
    pub(crate) catalog: Vec<(String, Location)>,
    pub(crate) organisation: Option<Organisation>,
    /// Register fields of the providers that give any, sorted by node.
    pub(crate) profiles: Vec<(NodeId, ProviderProfile)>,
}

impl Model {
    /// The organisation's name from the file.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The model's description, if any.
    pub fn description(&self) -> Option<&str> {
        self.description.as_deref()
    }

    /// Number of nodes (provider structure and components).
    pub fn n_nodes(&self) -> usize {
        self.nodes.len()
    }

    /// Every node id, in file order.
    pub fn node_ids(&self) -> impl ExactSizeIterator<Item = NodeId> + use<> {
        (0..self.nodes.len() as u32).map(NodeId)
    }

    /// The node with this slash-path id, if any. Constant time.
    pub fn lookup(&self, id: &str) -> Option<NodeId> {
        self.index.get(id).copied()
    }

    /// The id closest to a misspelt one, for "did you mean" hints; linear in the number of nodes.
    pub fn closest_id(&self, wrong: &str) -> Option<&str> {
        crate::suggest::closest(wrong, self.nodes.iter().map(|node| node.id.as_ref()))
    }

    /// The slash-path id of a node.
    ///
    /// # Panics
    /// If `node` comes from another model with more nodes.
    pub fn id(&self, node: NodeId) -> &str {
        &self.nodes[node.index()].id
    }

    /// The kind of a node.
    pub fn kind(&self, node: NodeId) -> NodeKind {
        self.nodes[node.index()].kind
    }

    /// Where the node is defined in the file.
    pub fn location(&self, node: NodeId) -> Location {
        self.nodes[node.index()].location
    }

    /// The node's availability data, if the model gives any.
    pub fn availability(&self, node: NodeId) -> Option<Availability> {
        self.nodes[node.index()].availability
    }

    /// The node's description, if any.
    pub fn description_of(&self, node: NodeId) -> Option<&str> {
        self.nodes[node.index()].description.as_deref()
    }

    /// The component's free-form kind (`service`, `datastore`…), if given.
    pub fn component_kind(&self, node: NodeId) -> Option<&str> {
        self.nodes[node.index()].component_kind.as_deref()
    }

    /// The dependencies of a node, parent dependency first, then `runs_on`, then `depends_on`
    /// in file order.
    pub fn dependencies(&self, node: NodeId) -> impl ExactSizeIterator<Item = Dependency<'_>> {
        self.dependency_range(node).map(move |dependency_index| self.dependency(dependency_index))
    }

    /// Total number of dependencies over all nodes; dependency indices run from 0 to this.
    pub fn n_dependencies(&self) -> usize {
        self.dependencies.len()
    }

    /// The range of dependency indices that belong to `node`.
    pub fn dependency_range(&self, node: NodeId) -> std::ops::Range<usize> {
        let start = if node.0 == 0 { 0 } else { self.dependencies_end[node.index() - 1] as usize };
        start..self.dependencies_end[node.index()] as usize
    }

    /// A dependency by its global index (see [`Model::dependency_range`]).
    pub fn dependency(&self, dependency_index: usize) -> Dependency<'_> {
        let data = &self.dependencies[dependency_index];
        let start = if dependency_index == 0 {
            0
        } else {
            self.dependencies[dependency_index - 1].members_end as usize
        };
        Dependency {
            kind: data.kind,
            origin: data.origin,
            members: &self.members[start..data.members_end as usize],
            location: data.location,
        }
    }

    /// The business functions, in file order.
    pub fn functions(&self) -> &[Function] {
        &self.functions
    }

    /// The catalogue layers merged into the model, with where the file opts into each.
    pub fn catalog(&self) -> &[(String, Location)] {
        &self.catalog
    }

    /// The name of the catalogue layer that added `node`, when the file itself does not
    /// declare it; `None` for nodes the file declares.
    pub fn catalog_layer(&self, node: NodeId) -> Option<&str> {
        let layer = self.nodes[node.index()].layer?;
        Some(&self.catalog[layer as usize].0)
    }

    /// Who the model describes, if the file says.
    pub fn organisation(&self) -> Option<&Organisation> {
        self.organisation.as_ref()
    }

    /// The register fields of a provider node (`None` for other nodes and for providers that
    /// give none). Logarithmic in the number of providers.
    pub fn provider_profile(&self, node: NodeId) -> Option<&ProviderProfile> {
        let at = self.profiles.binary_search_by_key(&node, |(n, _)| *n).ok()?;
        Some(&self.profiles[at].1)
    }

    /// The top-level provider of a provider node (`aws` for `aws/us-east-1/dynamodb`); `None`
    /// for components. Constant time.
    pub fn provider_of(&self, node: NodeId) -> Option<NodeId> {
        if self.kind(node) == NodeKind::Component {
            return None;
        }
        let id = self.id(node);
        let provider = id.split('/').next().unwrap_or(id);
        self.lookup(provider)
    }

    /// The group a provider node counts under in concentration figures: its provider's
    /// `ultimate_parent` if given, else the provider's id; `None` for components.
    pub fn provider_group(&self, node: NodeId) -> Option<&str> {
        let provider = self.provider_of(node)?;
        let parent =
            self.provider_profile(provider).and_then(|profile| profile.ultimate_parent.as_deref());
        Some(parent.unwrap_or_else(|| self.id(provider)))
    }

    /// Warnings found while validating (dependency cycles), in file order.
    pub fn warnings(&self) -> &[Diagnostic] {
        &self.warnings
    }
}
