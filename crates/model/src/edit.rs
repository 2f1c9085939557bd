//! Edits of a validated model, for what-if redesigns ("what if `ledger` could also use a second
//! region?"): new provider nodes and replaced dependencies, applied to make a new [`Model`]; the
//! original never changes.

use std::fmt;

use rustc_hash::FxHashMap;

use crate::cycles::find_cycles;
use crate::diagnostic::Location;
use crate::model::{
    Availability, DependencyData, DependencyKind, Model, NodeData, NodeId, NodeKind, Origin,
};

/// A node to add.
#[derive(Clone, Debug, PartialEq)]
pub struct NewNode {
    /// Its slash-path id, which must not exist yet.
    pub id: String,
    /// Its kind (a provider node; `Component` is allowed too).
    pub kind: NodeKind,
    /// The node it implicitly depends on (a zone's region, a region's provider), by id.
    pub parent: Option<String>,
    /// Its availability data.
    pub availability: Option<Availability>,
}

/// A set of changes to a model. Nodes are named by id, so that edits made separately combine:
/// two edits adding the same node (same id, kind, parent and availability) add it once.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ModelEdit {
    /// Nodes to add, in order.
    pub new_nodes: Vec<NewNode>,
    /// Dependencies to replace: the global dependency index (see `Model::dependency`), the new
    /// kind and the new members by id.
    pub replaced: Vec<(usize, DependencyKind, Vec<String>)>,
}

/// Why an edit cannot be applied.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EditError {
    /// A new node's id is taken by an existing node, or by a different new node.
    DuplicateId(String),
    /// An id names no existing or new node.
    UnknownId(String),
    /// Two replacements of the same dependency disagree.
    Conflict(usize),
    /// A dependency index beyond the model's.
    NoSuchDependency(usize),
    /// A replacement with no members, or several members for a hard or soft dependency, or a
    /// k-of-n group with k out of range.
    BadGroup(usize),
}

impl fmt::Display for EditError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::DuplicateId(id) => write!(f, "the edit adds `{id}`, which already exists"),
            Self::UnknownId(id) => write!(f, "the edit refers to `{id}`, which does not exist"),
            Self::Conflict(d) => {
                write!(f, "the edit replaces dependency {d} in two different ways")
            }
            Self::NoSuchDependency(d) => write!(f, "the model has no dependency {d}"),
            Self::BadGroup(d) => {
                write!(f, "the replacement of dependency {d} has the wrong number of members")
            }
        }
    }
}

impl std::error::Error for EditError {}

impl ModelEdit {
    /// This edit followed by `other`, their new nodes and replacements together.
    pub fn and(&self, other: &ModelEdit) -> ModelEdit {
        let mut combined = self.clone();
        combined.new_nodes.extend(other.new_nodes.iter().cloned());
        combined.replaced.extend(other.replaced.iter().cloned());
        combined
    }

    /// The dependency indices this edit replaces.
    pub fn replaced_dependencies(&self) -> impl Iterator<Item = usize> + '_ {
        self.replaced.iter().map(|(d, _, _)| *d)
    }

    /// Applies the edit to `model`, returning a new model whose existing nodes keep their ids
    /// and `NodeId`s (new nodes come after them) and whose functions are unchanged. Cycles are
    /// found again. Linear in the size of the model.
    ///
    /// # Errors
    /// See [`EditError`].
    pub fn apply(&self, model: &Model) -> Result<Model, EditError> {
        let mut nodes = model.nodes.clone();
        let mut index = model.index.clone();
        let mut parents: Vec<(NodeId, String)> = Vec::new();
        let mut added: Vec<&NewNode> = Vec::new();
        for new in &self.new_nodes {
            if let Some(first) = added.iter().find(|n| n.id == new.id) {
                if *first != new {
                    return Err(EditError::DuplicateId(new.id.clone()));
                }
                continue;
            }
            if index.contains_key(new.id.as_str()) {
                return Err(EditError::DuplicateId(new.id.clone()));
            }
            let node = NodeId(nodes.len() as u32);
            nodes.push(NodeData {
                id: new.id.clone().into_boxed_str(),
                kind: new.kind,
                location: Location { line: 0, column: 0 },
                availability: new.availability,
                description: None,
                component_kind: None,
                layer: None,
            });
            index.insert(new.id.clone().into_boxed_str(), node);
            if let Some(parent) = &new.parent {
                parents.push((node, parent.clone()));
            }
            added.push(new);
        }
        let resolve =
            |id: &str| index.get(id).copied().ok_or_else(|| EditError::UnknownId(id.to_owned()));
        let mut replacements: FxHashMap<usize, (DependencyKind, Vec<NodeId>)> =
            FxHashMap::default();
        for (dependency, kind, members) in &self.replaced {
            if *dependency >= model.n_dependencies() {
                return Err(EditError::NoSuchDependency(*dependency));
            }
            let resolved = members.iter().map(|m| resolve(m)).collect::<Result<Vec<_>, _>>()?;
            let fits = match kind {
                DependencyKind::Hard | DependencyKind::Soft => resolved.len() == 1,
                DependencyKind::AnyOf => !resolved.is_empty(),
                DependencyKind::AtLeast(k) => *k >= 1 && (*k as usize) <= resolved.len(),
            };
            if !fits {
                return Err(EditError::BadGroup(*dependency));
            }
            match replacements.get(dependency) {
                Some(existing) if *existing != (*kind, resolved.clone()) => {
                    return Err(EditError::Conflict(*dependency));
                }
                _ => {
                    replacements.insert(*dependency, (*kind, resolved));
                }
            }
        }
        let mut dependencies = Vec::with_capacity(model.dependencies.len() + parents.len());
        let mut dependencies_end = Vec::with_capacity(nodes.len());
        let mut members = Vec::with_capacity(model.members.len() + self.new_nodes.len() * 2);
        for node in model.node_ids() {
            for dependency_index in model.dependency_range(node) {
                let old = model.dependency(dependency_index);
                let (kind, new_members) = match replacements.get(&dependency_index) {
                    Some((kind, replaced)) => (*kind, replaced.as_slice()),
                    None => (old.kind, old.members),
                };
                members.extend_from_slice(new_members);
                dependencies.push(DependencyData {
                    kind,
                    origin: old.origin,
                    members_end: members.len() as u32,
                    location: old.location,
                });
            }
            dependencies_end.push(dependencies.len() as u32);
        }
        for offset in 0..added.len() {
            let node = NodeId((model.n_nodes() + offset) as u32);
            if let Some((_, parent)) = parents.iter().find(|(n, _)| *n == node) {
                members.push(resolve(parent)?);
                dependencies.push(DependencyData {
                    kind: DependencyKind::Hard,
                    origin: Origin::Parent,
                    members_end: members.len() as u32,
                    location: Location { line: 0, column: 0 },
                });
            }
            dependencies_end.push(dependencies.len() as u32);
        }
        let mut edited = Model {
            name: model.name.clone(),
            description: model.description.clone(),
            nodes,
            dependencies_end,
            dependencies,
            members,
            functions: model.functions.clone(),
            index,
            warnings: Vec::new(),
            catalog: model.catalog.clone(),
            organisation: model.organisation.clone(),
            profiles: model.profiles.clone(),
        };
        edited.warnings = find_cycles(&edited);
        Ok(edited)
    }
}
