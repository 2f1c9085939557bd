//! Lowering a model into a fault tree: the Boolean formula of "this function (or node) is down"
//! over one basic event per node, its own failure.
//!
//! A node is down when its own event happens, when a hard dependency is down, when every member
//! of an any-of group is down, or when at least n − k + 1 members of a k-of-n group are down;
//! soft dependencies never bring a node down and are left out. A function is down when any node
//! delivering it is down. This is the `what_if` rule, so for every set of failed nodes the
//! formula is true exactly when `what_if` reports the function down.
//!
//! **Cycles.** `what_if` takes the least fixpoint: a cycle of dependencies never fails by
//! itself. The formula is the unfolding of the rules by depth-first search in which a node
//! already on the current path counts as up (the constant false). This is exact: a node is down
//! in the least fixpoint iff it has a finite derivation, and a shortest derivation never repeats
//! a node along a branch, which is what the unfolding enumerates.
//!
//! **Cost.** The expansion of a node depends on the path only through the path's nodes in the
//! node's own strongly connected component (a path that leaves a component never comes back to
//! it). Nodes in no cycle are expanded once and shared; a node in a cycle is expanded once per
//! distinct set of its component's nodes on the path above it, which is linear for a simple
//! cycle but can be exponential in the size of a densely connected component. Everything else
//! is linear in the nodes and dependencies the function reaches. The walk uses an explicit
//! stack, so long chains do not overflow the call stack.

use std::collections::HashMap;

use blastradius_engine::{Formula, FormulaBuilder, Operand, Probability, VarId};
use blastradius_model::{DependencyKind, Model, NodeId};

/// A model's function or node as a fault tree: the formula and the node behind each variable.
#[derive(Clone, Debug)]
pub struct FaultTree {
    formula: Formula,
    events: Vec<NodeId>,
    reached: Vec<NodeId>,
}

impl FaultTree {
    /// The formula: true when the function (or node) is down.
    pub fn formula(&self) -> &Formula {
        &self.formula
    }

    /// The node whose own failure each variable stands for, indexed by [`VarId::index`]: only
    /// the nodes the function reaches through dependencies that can bring it down.
    pub fn events(&self) -> &[NodeId] {
        &self.events
    }

    /// Every node the function (or node) depends on through dependencies that can bring it
    /// down, itself included, in the order first reached. Without pruning, the same nodes as
    /// [`FaultTree::events`].
    pub fn reached(&self) -> &[NodeId] {
        &self.reached
    }

    /// The node behind a variable.
    ///
    /// # Panics
    /// If `var` is not a variable of this tree.
    pub fn node(&self, var: VarId) -> NodeId {
        self.events[var.index()]
    }
}

/// The probability that a node fails by itself: 1 − its availability, or `None` when the model
/// gives no availability data (the analyses then treat it as never failing by itself).
pub fn own_failure_probability(model: &Model, node: NodeId) -> Option<f64> {
    model.availability(node).map(|a| (1.0 - a.availability()).clamp(0.0, 1.0))
}

/// The strongly connected components of a model's down-propagating dependency graph (soft
/// dependencies left out), computed once and shared by every lowering of the same model.
#[derive(Clone, Debug)]
pub struct Lowering {
    /// Component number of each node.
    component: Vec<u32>,
    /// Whether each node lies on a cycle (a component of two or more nodes, or a self-loop).
    cyclic: Vec<bool>,
}

impl Lowering {
    /// Finds the components (Tarjan's algorithm with an explicit stack). Linear in the size of
    /// the model.
    pub fn new(model: &Model) -> Self {
        let n = model.n_nodes();
        let successors = |node: usize| -> Vec<usize> {
            model
                .dependencies(NodeId::from_index(node))
                .filter(|d| d.kind != DependencyKind::Soft)
                .flat_map(|d| d.members.iter().map(|m| m.index()))
                .collect()
        };
        const UNVISITED: u32 = u32::MAX;
        let mut index = vec![UNVISITED; n];
        let mut low = vec![0u32; n];
        let mut on_stack = vec![false; n];
        let mut component = vec![UNVISITED; n];
        let mut cyclic = vec![false; n];
        let mut stack: Vec<usize> = Vec::new();
        let mut next_index = 0u32;
        let mut next_component = 0u32;
        for root in 0..n {
            if index[root] != UNVISITED {
                continue;
            }
            // Each frame: a node, its successors and the position of the next one.
            let mut frames: Vec<(usize, Vec<usize>, usize)> = Vec::new();
            index[root] = next_index;
            low[root] = next_index;
            next_index += 1;
            stack.push(root);
            on_stack[root] = true;
            frames.push((root, successors(root), 0));
            while let Some(frame) = frames.last_mut() {
                let node = frame.0;
                if let Some(&next) = frame.1.get(frame.2) {
                    frame.2 += 1;
                    if next == node {
                        cyclic[node] = true;
                    }
                    if index[next] == UNVISITED {
                        index[next] = next_index;
                        low[next] = next_index;
                        next_index += 1;
                        stack.push(next);
                        on_stack[next] = true;
                        frames.push((next, successors(next), 0));
                    } else if on_stack[next] {
                        low[node] = low[node].min(index[next]);
                    }
                    continue;
                }
                frames.pop();
                if let Some(parent) = frames.last() {
                    low[parent.0] = low[parent.0].min(low[node]);
                }
                if low[node] == index[node] {
                    let mut members = 0;
                    loop {
                        let member = stack.pop().expect("the component's nodes are stacked");
                        on_stack[member] = false;
                        component[member] = next_component;
                        members += 1;
                        if member == node {
                            break;
                        }
                    }
                    if members > 1 {
                        for (c, flag) in component.iter().zip(cyclic.iter_mut()) {
                            if *c == next_component {
                                *flag = true;
                            }
                        }
                    }
                    next_component += 1;
                }
            }
        }
        Self { component, cyclic }
    }

    /// The fault tree of "function `function` (an index into `Model::functions`) is down".
    ///
    /// # Panics
    /// If there is no such function.
    pub fn function(&self, model: &Model, function: usize) -> FaultTree {
        let roots = &model.functions()[function].delivered_by;
        self.lower(model, roots, false)
    }

    /// The fault tree of "function `function` is down" for probabilities only: a node whose own
    /// failure has probability 0 (no availability data, or availability 1) gets no variable;
    /// its own failure is the constant false. The top-event probability is the same, and the
    /// formula (and its decision diagram) can be much smaller; cut sets and importance need
    /// [`Lowering::function`].
    ///
    /// # Panics
    /// If there is no such function.
    pub fn function_for_probability(&self, model: &Model, function: usize) -> FaultTree {
        let roots = &model.functions()[function].delivered_by;
        self.lower(model, roots, true)
    }

    /// The fault tree of "`node` is down".
    pub fn node(&self, model: &Model, node: NodeId) -> FaultTree {
        self.lower(model, &[node], false)
    }

    /// The fault tree of "some node of `roots` is down"; with `prune`, nodes that never fail
    /// by themselves get no variable.
    fn lower(&self, model: &Model, roots: &[NodeId], prune: bool) -> FaultTree {
        let mut lowerer = Lowerer {
            model,
            sccs: self,
            builder: FormulaBuilder::new(),
            vars: HashMap::new(),
            events: Vec::new(),
            reached: Vec::new(),
            prune,
            memo: HashMap::new(),
            cyclic_memo: HashMap::new(),
            on_path: vec![false; model.n_nodes()],
        };
        let mut tops = Vec::with_capacity(roots.len());
        for &root in roots {
            let operand = lowerer.expand(root);
            if operand != Operand::Const(false) {
                tops.push(operand);
            }
        }
        let top = match tops.as_slice() {
            [] => Operand::Const(false),
            [single] => *single,
            _ => lowerer.builder.or(&tops),
        };
        FaultTree {
            formula: lowerer.builder.build(top),
            events: lowerer.events,
            reached: lowerer.reached,
        }
    }
}

/// One node being expanded: which dependency and member come next, and what has been built.
struct Frame {
    node: NodeId,
    /// The memo key's path part for a node on a cycle (`None` for the others).
    path_key: Option<Vec<NodeId>>,
    dependency: usize,
    member: usize,
    /// The operands of the dependency being expanded (constants already dropped).
    members: Vec<Operand>,
    /// How many members of the current dependency were cut (on the path: never down).
    cut_members: usize,
    /// The node's own event and the dependencies that can bring it down.
    operands: Vec<Operand>,
}

struct Lowerer<'a> {
    model: &'a Model,
    sccs: &'a Lowering,
    builder: FormulaBuilder,
    /// Each node reached so far and its own event (`None` when pruned).
    vars: HashMap<NodeId, Option<VarId>>,
    events: Vec<NodeId>,
    /// Every node expanded, in the order first reached.
    reached: Vec<NodeId>,
    /// Whether nodes that never fail by themselves get no variable.
    prune: bool,
    /// Expansions of nodes on no cycle.
    memo: HashMap<NodeId, Operand>,
    /// Expansions of nodes on a cycle, by the set of their component's nodes on the path.
    cyclic_memo: HashMap<(NodeId, Vec<NodeId>), Operand>,
    on_path: Vec<bool>,
}

impl Lowerer<'_> {
    /// The operand for "`root` is down", with nothing on the path.
    fn expand(&mut self, root: NodeId) -> Operand {
        let mut frames: Vec<Frame> = Vec::new();
        let mut result = match self.lookup(root, &frames) {
            Ok(operand) => return operand,
            Err(path_key) => {
                self.push(&mut frames, root, path_key);
                None
            }
        };
        while let Some(frame) = frames.last_mut() {
            // A child just finished: record its operand in the current dependency.
            if let Some(operand) = result.take() {
                match operand {
                    Operand::Const(false) => frame.cut_members += 1,
                    other => frame.members.push(other),
                }
                frame.member += 1;
            }
            let frame = frames.last_mut().expect("a frame is open");
            let dependencies = self.model.dependency_range(frame.node);
            let global = dependencies.start + frame.dependency;
            if global < dependencies.end {
                let dependency = self.model.dependency(global);
                if dependency.kind == DependencyKind::Soft {
                    frame.dependency += 1;
                    continue;
                }
                if let Some(&member) = dependency.members.get(frame.member) {
                    if self.on_path[member.index()] {
                        frame.cut_members += 1;
                        frame.member += 1;
                        continue;
                    }
                    match self.lookup(member, &frames) {
                        Ok(operand) => result = Some(operand),
                        Err(path_key) => self.push(&mut frames, member, path_key),
                    }
                    continue;
                }
                // Every member is expanded: combine them into the dependency's gate.
                let members = std::mem::take(&mut frame.members);
                let threshold = dependency
                    .kind
                    .down_threshold(dependency.members.len())
                    .expect("soft dependencies are skipped");
                let cut = frame.cut_members;
                frame.cut_members = 0;
                frame.member = 0;
                frame.dependency += 1;
                // Cut members are never down, so the threshold must be met by the others.
                let available = dependency.members.len() - cut;
                debug_assert_eq!(available, members.len());
                // A threshold of 0 never trips in `what_if` either (validation rules it out).
                let gate = if threshold == 0 || threshold > available {
                    None
                } else if threshold == 1 && members.len() == 1 {
                    Some(members[0])
                } else if threshold == 1 {
                    Some(self.builder.or(&members))
                } else if threshold == members.len() {
                    Some(self.builder.and(&members))
                } else {
                    Some(self.builder.atleast(threshold as u32, &members))
                };
                if let Some(gate) = gate {
                    frame.operands.push(gate);
                }
                continue;
            }
            // Every dependency is done: the node is down if any operand is.
            let frame = frames.pop().expect("a frame is open");
            self.on_path[frame.node.index()] = false;
            let operand = match frame.operands.as_slice() {
                [] => Operand::Const(false),
                [single] => *single,
                operands => self.builder.or(operands),
            };
            match frame.path_key {
                None => {
                    self.memo.insert(frame.node, operand);
                }
                Some(key) => {
                    self.cyclic_memo.insert((frame.node, key), operand);
                }
            }
            result = Some(operand);
            if frames.is_empty() {
                break;
            }
        }
        result.expect("the root was expanded")
    }

    /// A finished expansion of `node` under the current path, or the memo key's path part to
    /// expand it under.
    fn lookup(&self, node: NodeId, frames: &[Frame]) -> Result<Operand, Option<Vec<NodeId>>> {
        if !self.sccs.cyclic[node.index()] {
            return self.memo.get(&node).copied().ok_or(None);
        }
        let component = self.sccs.component[node.index()];
        // A path that leaves a component never returns to it, so its nodes in this component
        // form a suffix of the path.
        let mut key: Vec<NodeId> = frames
            .iter()
            .rev()
            .map(|f| f.node)
            .take_while(|n| self.sccs.component[n.index()] == component)
            .collect();
        key.sort_unstable();
        match self.cyclic_memo.get(&(node, key.clone())) {
            Some(&operand) => Ok(operand),
            None => Err(Some(key)),
        }
    }

    /// Opens a frame for `node`, creating its own event on first sight (unless pruned).
    fn push(&mut self, frames: &mut Vec<Frame>, node: NodeId, path_key: Option<Vec<NodeId>>) {
        let own = match self.vars.get(&node) {
            Some(&var) => var,
            None => {
                self.reached.push(node);
                let p = own_failure_probability(self.model, node).unwrap_or(0.0);
                let var = if self.prune && p == 0.0 {
                    None
                } else {
                    let probability = Probability::new(p).expect("1 − availability lies in 0..=1");
                    self.events.push(node);
                    Some(self.builder.variable(probability))
                };
                self.vars.insert(node, var);
                var
            }
        };
        self.on_path[node.index()] = true;
        frames.push(Frame {
            node,
            path_key,
            dependency: 0,
            member: 0,
            members: Vec::new(),
            cut_members: 0,
            operands: own.map(Operand::Var).into_iter().collect(),
        });
    }
}
