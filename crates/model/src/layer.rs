//! Catalogue layers: provider structure and provider-internal dependencies that come from
//! outside the model file (the built-in provider catalogue), merged in when a model opts in with
//! `catalog: [name, …]`. The model crate knows only their shape, not their sources.

use crate::model::{DependencyKind, NodeKind};

/// One catalogue entry as the model merges it: nodes and the dependencies between them.
#[derive(Clone, Debug, Default)]
pub struct Layer {
    /// The name a model writes in `catalog:`, e.g. `aws`.
    pub name: String,
    /// Other layers this one's dependencies refer into, merged along with it.
    pub requires: Vec<String>,
    /// Provider nodes, each after its parent (a provider before its regions, a region before
    /// its zones and services).
    pub nodes: Vec<LayerNode>,
    /// Dependencies of the layer's nodes on nodes of this layer or of the layers it requires.
    pub dependencies: Vec<LayerDependency>,
}

/// A provider node of a layer.
#[derive(Clone, Debug)]
pub struct LayerNode {
    /// The slash-path id, e.g. `aws/us-east-1/dynamodb`.
    pub id: String,
    /// Provider, region, zone, regional or global service; never a component.
    pub kind: NodeKind,
}

/// A dependency of a layer node.
#[derive(Clone, Debug)]
pub struct LayerDependency {
    /// The dependent node's id.
    pub node: String,
    /// How the members combine.
    pub kind: DependencyKind,
    /// The ids depended on.
    pub members: Vec<String>,
    /// The layer's own number for the dependency, kept as [`crate::Origin::Catalog`] so that
    /// whoever built the layer can say where the dependency comes from.
    pub tag: u32,
}
