//! The ZBDD manager: zero-suppressed decision diagrams, which store families of sets (here, cut
//! sets) compactly. A node (x, hi, lo) is the family { {x} ∪ s : s ∈ hi } ∪ lo, and a node
//! whose hi child is the empty family is never stored.
//!
//! Only the operations minimal cut sets need are here: node construction and Rauzy's `without`.
//! Like the BDD manager, everything runs on an explicit stack.

use crate::EngineError;
use crate::table::{ComputedCache, Node, NodeTable};

/// The empty family: no set at all.
pub(crate) const EMPTY: u32 = 0;
/// The family holding only the empty set.
pub(crate) const BASE: u32 = 1;

/// Owns ZBDD nodes; equal families built in one manager are the same number.
#[derive(Debug)]
pub(crate) struct Manager {
    table: NodeTable,
    cache: ComputedCache,
}

/// A step of the iterative `without`.
enum Task {
    /// Compute without(f, g) and push it.
    Without(u32, u32),
    /// Pop t and compute without(t, g) in its place.
    ThenWithout(u32),
    /// Pop the lo and hi results, make the node and remember it for the key.
    Build { level: u32, key: (u32, u32) },
    /// Remember the value on top of the stack for the key.
    Remember((u32, u32)),
}

impl Manager {
    /// A manager that may create at most `node_limit` non-terminal nodes.
    pub(crate) fn new(node_limit: usize) -> Self {
        Manager { table: NodeTable::new(node_limit), cache: ComputedCache::new() }
    }

    /// The family { {x} ∪ s : s ∈ hi } ∪ lo for the variable x at `level`, which must lie above
    /// every variable in `hi` and `lo`.
    pub(crate) fn make(&mut self, level: u32, hi: u32, lo: u32) -> Result<u32, EngineError> {
        if hi == EMPTY {
            return Ok(lo);
        }
        self.table.intern(Node { level, hi, lo })
    }

    /// The sets of `f` that contain no set of `g`: { s ∈ f : no t ∈ g with t ⊆ s }.
    /// At most proportional to the product of the two sizes.
    pub(crate) fn without(&mut self, f: u32, g: u32) -> Result<u32, EngineError> {
        let mut tasks = vec![Task::Without(f, g)];
        let mut values = Vec::new();
        while let Some(task) = tasks.pop() {
            match task {
                Task::Without(f, g) => {
                    // The empty set is a subset of everything; a non-empty f contains f.
                    if f == EMPTY || g == BASE || f == g {
                        values.push(EMPTY);
                        continue;
                    }
                    if g == EMPTY {
                        values.push(f);
                        continue;
                    }
                    if let Some(result) = self.cache.get(f, g, 0) {
                        values.push(result);
                        continue;
                    }
                    // f may be BASE, whose terminal level lies below every variable.
                    let (f_node, g_node) = (self.table.node(f), self.table.node(g));
                    if f_node.level < g_node.level {
                        // No set of g contains f's top variable x.
                        tasks.push(Task::Build { level: f_node.level, key: (f, g) });
                        tasks.push(Task::Without(f_node.lo, g));
                        tasks.push(Task::Without(f_node.hi, g));
                    } else if f_node.level > g_node.level {
                        // No set of f contains g's top variable y, so the sets of g with y
                        // are subsets of nothing in f.
                        tasks.push(Task::Remember((f, g)));
                        tasks.push(Task::Without(f, g_node.lo));
                    } else {
                        // A set {x} ∪ s of f contains t ∈ g.hi plus x, or t ∈ g.lo, exactly when
                        // s contains t; a set s of f.lo can only contain sets of g.lo.
                        tasks.push(Task::Build { level: f_node.level, key: (f, g) });
                        tasks.push(Task::Without(f_node.lo, g_node.lo));
                        tasks.push(Task::ThenWithout(g_node.lo));
                        tasks.push(Task::Without(f_node.hi, g_node.hi));
                    }
                }
                Task::ThenWithout(g) => {
                    let t = values.pop().expect("without: inner result computed");
                    tasks.push(Task::Without(t, g));
                }
                Task::Build { level, key: (f, g) } => {
                    let lo = values.pop().expect("without: lo computed");
                    let hi = values.pop().expect("without: hi computed");
                    let result = self.make(level, hi, lo)?;
                    self.cache.insert(f, g, 0, result, self.table.len());
                    values.push(result);
                }
                Task::Remember((f, g)) => {
                    let result = *values.last().expect("without: result computed");
                    self.cache.insert(f, g, 0, result, self.table.len());
                }
            }
        }
        assert_eq!(values.len(), 1, "without leaves exactly one result");
        Ok(values[0])
    }

    /// Copies the ZBDD rooted at `root` into a compact array, children before parents, nodes
    /// by decreasing level; returns the array and the root's index in it.
    pub(crate) fn freeze(&self, root: u32) -> (Vec<Node>, u32) {
        self.table.freeze(root)
    }
}
