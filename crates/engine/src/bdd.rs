//! The BDD manager: reduced ordered binary decision diagrams with hash-consed nodes and an
//! if-then-else operation memoised in a computed cache.
//!
//! This is the engine's only BDD implementation and the whole interface the rest of the crate
//! uses: `new`, `var`, `not`, `and`, `or`, `ite`, `and_or_n` and `freeze`. Another implementation
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
use std::hash::Hasher;

use crate::table::{ComputedCache, FxHasher, Node, NodeTable};

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

    /// f AND g when `is_and`, else f OR g.
    pub(crate) fn and_or(&mut self, is_and: bool, f: u32, g: u32) -> Result<u32, EngineError> {
        if is_and { self.and(f, g) } else { self.or(f, g) }
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

    /// The AND (`is_and`) or OR of all `operands` in one recursion over the tuple of their
    /// cofactors, so that only nodes of the result's subfunctions are created, where folding
    /// the operands in pairs builds every intermediate diagram too (edf9204's top gate, an OR
    /// of 20 large operands: 84,000 nodes created instead of 656,000). A tuple that comes down
    /// to two operands goes to the binary operation and its cache.
    ///
    /// Tuples can outnumber the result's nodes when the operands interleave; once the tuples
    /// seen hold more than [`TUPLE_WORK_PER_NODE`] operands per node created (after
    /// [`TUPLE_WORK_FREE`], and never more than [`TUPLE_WORK_MAX`]), this gives up and returns
    /// `None`, so the caller folds in pairs instead (the nodes made so far stay valid and count
    /// against the budget).
    pub(crate) fn and_or_n(
        &mut self,
        is_and: bool,
        operands: &[u32],
    ) -> Result<Option<u32>, EngineError> {
        let (unit, zero) = if is_and { (TRUE, FALSE) } else { (FALSE, TRUE) };
        let created_before = self.table.len();
        // Tuples live in `arena`; a job is (EVAL, start, len) or (level, start, len) for
        // "build the node of this tuple from its two cofactors' results".
        let mut arena: Vec<u32> = operands.to_vec();
        let mut memo = TupleMemo::new();
        let mut jobs: Vec<(u32, u32, u32)> = vec![(EVAL, 0, operands.len() as u32)];
        let mut values: Vec<u32> = Vec::new();
        while let Some((tag, start, len)) = jobs.pop() {
            let (start, len) = (start as usize, len as usize);
            if tag != EVAL {
                let lo = values.pop().expect("and_or_n: low cofactor computed");
                let hi = values.pop().expect("and_or_n: high cofactor computed");
                let result = self.make(tag, hi, lo)?;
                memo.insert(&arena, start, len, result);
                values.push(result);
                continue;
            }
            // The tuple in standard form, in place: sorted, without units or repeats.
            let tuple = &mut arena[start..start + len];
            if tuple.contains(&zero) {
                values.push(zero);
                continue;
            }
            tuple.sort_unstable();
            let mut n = 0;
            for i in 0..tuple.len() {
                let f = tuple[i];
                if f != unit && (n == 0 || tuple[n - 1] != f) {
                    tuple[n] = f;
                    n += 1;
                }
            }
            let settled = match n {
                0 => Some(unit),
                1 => Some(tuple[0]),
                2 => Some(self.and_or(is_and, tuple[0], tuple[1])?),
                _ => memo.get(&arena, start, n),
            };
            if let Some(result) = settled {
                values.push(result);
                continue;
            }
            if self.steps_left == 0 {
                return Err(EngineError::NodeLimitExceeded { limit: self.node_limit });
            }
            self.steps_left -= 1;
            let created = self.table.len() - created_before;
            if arena.len() > (TUPLE_WORK_PER_NODE * created + TUPLE_WORK_FREE).min(TUPLE_WORK_MAX) {
                return Ok(None);
            }
            let tuple = start..start + n;
            let level = arena[tuple.clone()].iter().map(|&f| self.table.level(f)).min();
            let level = level.expect("a tuple of three or more operands");
            let hi_start = arena.len();
            for i in tuple.clone() {
                let (f1, _) = self.cofactors(arena[i], level);
                arena.push(f1);
            }
            let lo_start = arena.len();
            for i in tuple {
                let (_, f0) = self.cofactors(arena[i], level);
                arena.push(f0);
            }
            jobs.push((level, start as u32, n as u32));
            jobs.push((EVAL, lo_start as u32, n as u32));
            jobs.push((EVAL, hi_start as u32, n as u32));
        }
        Ok(Some(values[0]))
    }

    /// Copies the BDD rooted at `root` into a compact array, children before parents, nodes by
    /// decreasing level; returns the array and the root's index in it.
    pub(crate) fn freeze(&self, root: u32) -> (Vec<Node>, u32) {
        self.table.freeze(root)
    }

    /// Whether `f` is a terminal or a single variable (either polarity). Constant time.
    pub(crate) fn is_literal(&self, f: u32) -> bool {
        let node = self.table.node(f);
        f <= TRUE || (node.hi <= TRUE && node.lo <= TRUE)
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

/// The job tag of [`Manager::and_or_n`] for "evaluate a tuple" (any other tag is the level of
/// a node to build).
const EVAL: u32 = u32::MAX;

/// How many tuple operands [`Manager::and_or_n`] may go through per node it creates before it
/// gives up (edf9204's top gate needs about 26; jbd9601's top gate, which it abandons, 320).
const TUPLE_WORK_PER_NODE: usize = 64;

/// How many tuple operands [`Manager::and_or_n`] may go through before the ratio above applies.
const TUPLE_WORK_FREE: usize = 1 << 16;

/// How many tuple operands [`Manager::and_or_n`] may go through in all (its arena then holds
/// 64 MiB, its memo at most as much again).
const TUPLE_WORK_MAX: usize = 1 << 24;

/// The memo of [`Manager::and_or_n`]: normalised tuples of operands (slices of its arena) and
/// their results, in an open-addressing table.
struct TupleMemo {
    /// (start, len, result); `len == 0` marks a free slot.
    slots: Vec<(u32, u32, u32)>,
    used: usize,
}

impl TupleMemo {
    fn new() -> TupleMemo {
        TupleMemo { slots: vec![(0, 0, 0); 1 << 10], used: 0 }
    }

    fn hash(tuple: &[u32]) -> usize {
        let mut hasher = FxHasher::default();
        for &f in tuple {
            hasher.write_u32(f);
        }
        hasher.finish() as usize
    }

    fn get(&self, arena: &[u32], start: usize, len: usize) -> Option<u32> {
        let tuple = &arena[start..start + len];
        let mask = self.slots.len() - 1;
        let mut i = TupleMemo::hash(tuple) & mask;
        loop {
            let (s, l, result) = self.slots[i];
            if l == 0 {
                return None;
            }
            if l as usize == len && &arena[s as usize..s as usize + len] == tuple {
                return Some(result);
            }
            i = (i + 1) & mask;
        }
    }

    fn insert(&mut self, arena: &[u32], start: usize, len: usize, result: u32) {
        if 2 * (self.used + 1) > self.slots.len() {
            let grown = vec![(0, 0, 0); 2 * self.slots.len()];
            let old = std::mem::replace(&mut self.slots, grown);
            self.used = 0;
            for (s, l, r) in old {
                if l != 0 {
                    self.insert(arena, s as usize, l as usize, r);
                }
            }
        }
        let tuple = &arena[start..start + len];
        let mask = self.slots.len() - 1;
        let mut i = TupleMemo::hash(tuple) & mask;
        while self.slots[i].1 != 0 {
            i = (i + 1) & mask;
        }
        self.slots[i] = (start as u32, len as u32, result);
        self.used += 1;
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
