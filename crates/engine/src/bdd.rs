//! The BDD manager: reduced ordered binary decision diagrams with hash-consed nodes and an
//! if-then-else operation memoised in a computed cache.
//!
//! This is the engine's only BDD implementation and the whole interface the rest of the crate
//! uses: `new`, `var`, `not`, `and`, `or`, `ite` and `freeze`. Another implementation
//! (the `oxidd` crate, say) can replace it by offering the same functions.
//!
//! The diagrams have no complement edges. Complement edges make negation constant-time and can
//! halve the node count, but they complicate every traversal (probability, importance and the
//! BDD→ZBDD conversion must all track parity), and fault trees are mostly coherent: negation is
//! rare (3 of the 43 Aralia trees have any). Without them, NOT costs one memoised pass over its
//! operand, and every pass over a finished diagram stays a plain loop. Revisit when a benchmark
//! says so.
//!
//! Every operation runs on an explicit stack instead of the call stack, so a diagram with
//! hundreds of thousands of levels cannot overflow the thread's stack.

use crate::EngineError;
use crate::table::{ComputedCache, Node, NodeTable};

/// The constant-false BDD.
pub(crate) const FALSE: u32 = 0;
/// The constant-true BDD.
pub(crate) const TRUE: u32 = 1;

/// Owns BDD nodes. Nodes are numbers (`u32`) valid only in the manager that made them; equal
/// functions built in one manager are the same number.
#[derive(Debug)]
pub(crate) struct Manager {
    table: NodeTable,
    cache: ComputedCache,
    /// The task and value stacks of `ite`, kept between calls to save allocations.
    stacks: (Vec<Task>, Vec<u32>),
    /// The node budget, for the error when the step budget runs out.
    node_limit: usize,
    /// How many if-then-else steps (cache misses) may still run.
    steps_left: u64,
}

/// A step of the iterative if-then-else.
#[derive(Debug)]
enum Task {
    /// Compute ite(f, g, h) and push the result on the value stack.
    Ite(u32, u32, u32),
    /// Pop the results for the low and high cofactors, make the node, remember it for the key.
    Build { level: u32, key: (u32, u32, u32) },
}

impl Manager {
    /// A manager that may create at most `node_limit` non-terminal nodes.
    #[cfg(test)]
    pub(crate) fn new(node_limit: usize) -> Self {
        Manager::with_step_limit(node_limit, u64::MAX)
    }

    /// A manager that may create at most `node_limit` non-terminal nodes and run at most
    /// `step_limit` if-then-else steps that miss the cache; running out of either is
    /// [`EngineError::NodeLimitExceeded`] with `node_limit`. The step limit bounds the time of
    /// an attempt that recomputes much and creates little.
    pub(crate) fn with_step_limit(node_limit: usize, step_limit: u64) -> Self {
        Manager {
            table: NodeTable::new(node_limit),
            cache: ComputedCache::new(),
            stacks: (Vec::new(), Vec::new()),
            node_limit,
            steps_left: step_limit,
        }
    }

    /// Sets new budgets: at most `node_limit` nodes created in all (counting those already
    /// made), and `step_limit` more if-then-else steps that miss the cache.
    pub(crate) fn set_limits(&mut self, node_limit: usize, step_limit: u64) {
        self.table.set_limit(node_limit);
        self.node_limit = node_limit;
        self.steps_left = step_limit;
    }

    /// The current budgets, as [`Manager::set_limits`] takes them.
    #[cfg(test)]
    pub(crate) fn limits(&self) -> (usize, u64) {
        (self.node_limit, self.steps_left)
    }

    /// Empties the operation cache, giving back its memory; results stay correct.
    pub(crate) fn clear_cache(&mut self) {
        self.cache = ComputedCache::new();
    }

    /// How many nodes the manager has made, terminals included.
    pub(crate) fn created(&self) -> usize {
        self.table.len()
    }

    /// The BDD of the variable at `level` of the order.
    pub(crate) fn var(&mut self, level: u32) -> Result<u32, EngineError> {
        self.make(level, TRUE, FALSE)
    }

    /// NOT f. Linear in the size of `f`.
    pub(crate) fn not(&mut self, f: u32) -> Result<u32, EngineError> {
        self.ite(f, FALSE, TRUE)
    }

    /// f AND g.
    pub(crate) fn and(&mut self, f: u32, g: u32) -> Result<u32, EngineError> {
        self.ite(f, g, FALSE)
    }

    /// f OR g.
    pub(crate) fn or(&mut self, f: u32, g: u32) -> Result<u32, EngineError> {
        self.ite(f, TRUE, g)
    }

    /// If f then g else h. At most proportional to the product of the three sizes; usually far
    /// less thanks to the cache.
    pub(crate) fn ite(&mut self, f: u32, g: u32, h: u32) -> Result<u32, EngineError> {
        let (mut tasks, mut values) = std::mem::take(&mut self.stacks);
        tasks.clear();
        values.clear();
        tasks.push(Task::Ite(f, g, h));
        while let Some(task) = tasks.pop() {
            match task {
                Task::Ite(f, g, h) => {
                    let (f, g, h) = match normalize(f, g, h) {
                        Ok(result) => {
                            values.push(result);
                            continue;
                        }
                        Err(key) => key,
                    };
                    if let Some(result) = self.cache.get(f, g, h) {
                        values.push(result);
                        continue;
                    }
                    if self.steps_left == 0 {
                        return Err(EngineError::NodeLimitExceeded { limit: self.node_limit });
                    }
                    self.steps_left -= 1;
                    let level =
                        self.table.level(f).min(self.table.level(g)).min(self.table.level(h));
                    let (f1, f0) = self.cofactors(f, level);
                    let (g1, g0) = self.cofactors(g, level);
                    let (h1, h0) = self.cofactors(h, level);
                    tasks.push(Task::Build { level, key: (f, g, h) });
                    tasks.push(Task::Ite(f0, g0, h0));
                    tasks.push(Task::Ite(f1, g1, h1));
                }
                Task::Build { level, key: (f, g, h) } => {
                    let lo = values.pop().expect("ite: low cofactor computed");
                    let hi = values.pop().expect("ite: high cofactor computed");
                    let result = self.make(level, hi, lo)?;
                    self.cache.insert(f, g, h, result, self.table.len());
                    values.push(result);
                }
            }
        }
        assert_eq!(values.len(), 1, "ite leaves exactly one result");
        let result = values[0];
        self.stacks = (tasks, values);
        Ok(result)
    }

    /// Copies the BDD rooted at `root` into a compact array, children before parents, nodes by
    /// decreasing level; returns the array and the root's index in it.
    pub(crate) fn freeze(&self, root: u32) -> (Vec<Node>, u32) {
        self.table.freeze(root)
    }

    /// The level of `f`'s top variable; [`crate::table::TERMINAL_LEVEL`] for a terminal.
    pub(crate) fn level(&self, f: u32) -> u32 {
        self.table.level(f)
    }

    /// The cofactors of `f` with respect to the variable at `level`, which is not below `f`'s
    /// top variable.
    fn cofactors(&self, f: u32, level: u32) -> (u32, u32) {
        let node = self.table.node(f);
        if node.level == level { (node.hi, node.lo) } else { (f, f) }
    }

    /// The reduced node (level, hi, lo): a node whose children are equal is its child.
    fn make(&mut self, level: u32, hi: u32, lo: u32) -> Result<u32, EngineError> {
        if hi == lo {
            return Ok(hi);
        }
        self.table.intern(Node { level, hi, lo })
    }
}

/// Either the result of ite(f, g, h) when a terminal case settles it, or an equivalent key in
/// standard form (so that, for instance, f AND g and g AND f share a cache entry).
fn normalize(f: u32, mut g: u32, mut h: u32) -> Result<u32, (u32, u32, u32)> {
    if f == TRUE {
        return Ok(g);
    }
    if f == FALSE {
        return Ok(h);
    }
    if g == f {
        g = TRUE;
    }
    if h == f {
        h = FALSE;
    }
    if g == h {
        return Ok(g);
    }
    if g == TRUE && h == FALSE {
        return Ok(f);
    }
    // Here f is not a terminal, and neither is g in an AND nor h in an OR.
    if h == FALSE && g < f {
        return Err((g, f, FALSE));
    }
    if g == TRUE && h < f {
        return Err((h, TRUE, f));
    }
    Err((f, g, h))
}
