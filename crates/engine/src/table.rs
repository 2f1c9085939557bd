//! Storage shared by both kinds of decision diagram: a node arena with its unique table (equal
//! nodes are stored once, which is what makes diagrams canonical), the node budget, a lossy
//! computed cache that memoises operations in bounded memory, and the copy of a finished diagram
//! into a compact, topologically sorted array.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use crate::EngineError;

/// The level of the two terminal nodes: below every variable.
pub(crate) const TERMINAL_LEVEL: u32 = u32::MAX;

/// A decision-diagram node: a variable level and two children. Index 0 and 1 of every arena are
/// the terminals (false and true for a BDD; the empty family and the family holding only the
/// empty set for a ZBDD).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) struct Node {
    /// The position of the node's variable in the order; `TERMINAL_LEVEL` for terminals.
    pub(crate) level: u32,
    /// The child where the variable is true (BDD) or present (ZBDD).
    pub(crate) hi: u32,
    /// The child where the variable is false or absent.
    pub(crate) lo: u32,
}

/// The hasher of rustc ("Fx"): fast and deterministic, good enough for small integer keys.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct FxHasher {
    hash: u64,
}

const FX_SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl FxHasher {
    fn add(&mut self, word: u64) {
        self.hash = (self.hash.rotate_left(5) ^ word).wrapping_mul(FX_SEED);
    }
}

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.add(u64::from(byte));
        }
    }

    fn write_u32(&mut self, word: u32) {
        self.add(u64::from(word));
    }

    fn write_u64(&mut self, word: u64) {
        self.add(word);
    }

    fn write_usize(&mut self, word: usize) {
        self.add(word as u64);
    }

    fn finish(&self) -> u64 {
        // The multiply leaves the best bits at the top; hash tables index with the bottom ones.
        self.hash.rotate_left(26)
    }
}

/// A `HashMap` with the deterministic [`FxHasher`].
pub(crate) type FxHashMap<K, V> = HashMap<K, V, BuildHasherDefault<FxHasher>>;

/// A node arena with a unique table and a budget on the number of non-terminal nodes.
///
/// Nodes are never freed: the budget bounds every node created, live or not. Children are
/// always created before their parents, so indices are a topological order.
#[derive(Debug)]
pub(crate) struct NodeTable {
    nodes: Vec<Node>,
    /// The unique table: open addressing with linear probing over node indices
    /// (`NO_NODE` marks a free bucket), at most half full. The length is a power of two.
    buckets: Vec<u32>,
    limit: usize,
}

/// A free bucket of the unique table.
const NO_NODE: u32 = u32::MAX;
/// The unique table's initial number of buckets.
const MIN_BUCKETS: usize = 1 << 10;

/// The bucket hash of a node's fields: two multiply-xorshift rounds, deterministic.
fn node_hash(node: Node) -> u64 {
    let key =
        (u64::from(node.hi) << 32 | u64::from(node.lo)) ^ u64::from(node.level).rotate_left(21);
    let mixed = (key ^ (key >> 29)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    let mixed = (mixed ^ (mixed >> 32)).wrapping_mul(0x94d0_49bb_1331_11eb);
    mixed ^ (mixed >> 29)
}

impl NodeTable {
    /// A table holding only the two terminals, allowing `limit` more nodes.
    pub(crate) fn new(limit: usize) -> Self {
        // Indices must fit a u32 and leave u32::MAX free as a sentinel.
        let limit = limit.min(u32::MAX as usize - 3);
        let terminal = |value| Node { level: TERMINAL_LEVEL, hi: value, lo: value };
        NodeTable {
            nodes: vec![terminal(0), terminal(1)],
            buckets: vec![NO_NODE; MIN_BUCKETS],
            limit,
        }
    }

    /// Allows `limit` non-terminal nodes in all, counting those already made.
    pub(crate) fn set_limit(&mut self, limit: usize) {
        self.limit = limit.min(u32::MAX as usize - 3);
    }

    /// The node at `index`.
    pub(crate) fn node(&self, index: u32) -> Node {
        self.nodes[index as usize]
    }

    /// The level of the node at `index`.
    pub(crate) fn level(&self, index: u32) -> u32 {
        self.nodes[index as usize].level
    }

    /// How many nodes the arena holds, terminals included.
    pub(crate) fn len(&self) -> usize {
        self.nodes.len()
    }

    /// The index of `node`, adding it if it is new. The caller applies the reduction rule of
    /// its diagram kind first. Amortised constant time.
    pub(crate) fn intern(&mut self, node: Node) -> Result<u32, EngineError> {
        let mask = self.buckets.len() - 1;
        let mut bucket = node_hash(node) as usize & mask;
        loop {
            let index = self.buckets[bucket];
            if index == NO_NODE {
                break;
            }
            if self.nodes[index as usize] == node {
                return Ok(index);
            }
            bucket = (bucket + 1) & mask;
        }
        if self.nodes.len() - 2 >= self.limit {
            return Err(EngineError::NodeLimitExceeded { limit: self.limit });
        }
        let index = self.nodes.len() as u32;
        self.nodes.push(node);
        self.buckets[bucket] = index;
        if 2 * self.nodes.len() > self.buckets.len() {
            self.grow();
        }
        Ok(index)
    }

    /// Doubles the unique table and reinserts every non-terminal node. Amortised constant
    /// time per node.
    fn grow(&mut self) {
        let size = self.buckets.len() * 2;
        self.buckets = vec![NO_NODE; size];
        let mask = size - 1;
        for (index, &node) in self.nodes.iter().enumerate().skip(2) {
            let mut bucket = node_hash(node) as usize & mask;
            while self.buckets[bucket] != NO_NODE {
                bucket = (bucket + 1) & mask;
            }
            self.buckets[bucket] = index as u32;
        }
    }

    /// Copies the nodes reachable from `root` into a compact array: the two terminals first,
    /// then the other nodes by decreasing level, so children precede parents and the nodes
    /// above a level form a suffix. Returns the array and the new index of the root. Linear in
    /// the arena size plus `r log r` for the `r` reachable nodes.
    pub(crate) fn freeze(&self, root: u32) -> (Vec<Node>, u32) {
        const UNSEEN: u32 = u32::MAX;
        let mut new_index = vec![UNSEEN; self.nodes.len()];
        new_index[0] = 0;
        new_index[1] = 1;
        let mut reachable = Vec::new();
        let mut stack = vec![root];
        while let Some(index) = stack.pop() {
            if new_index[index as usize] != UNSEEN {
                continue;
            }
            new_index[index as usize] = 0;
            reachable.push(index);
            let node = self.node(index);
            stack.push(node.hi);
            stack.push(node.lo);
        }
        reachable.sort_unstable_by_key(|&index| (std::cmp::Reverse(self.level(index)), index));
        let mut frozen = vec![self.nodes[0], self.nodes[1]];
        for &index in &reachable {
            new_index[index as usize] = frozen.len() as u32;
            let node = self.node(index);
            frozen.push(Node {
                level: node.level,
                hi: new_index[node.hi as usize],
                lo: new_index[node.lo as usize],
            });
        }
        (frozen, new_index[root as usize])
    }
}

/// A direct-mapped, lossy memo of operation results keyed by three node indices.
///
/// A lookup may miss an entry that a later insert overwrote; that costs time, never
/// correctness. The cache grows with the arena up to `MAX_ENTRIES` entries (64 MiB).
#[derive(Debug)]
pub(crate) struct ComputedCache {
    entries: Vec<[u32; 4]>,
    /// Inserts since the cache last grew.
    inserts: usize,
}

const EMPTY_ENTRY: [u32; 4] = [u32::MAX; 4];
const MIN_ENTRIES: usize = 1 << 10;
const MAX_ENTRIES: usize = 1 << 22;

impl ComputedCache {
    /// An empty cache.
    pub(crate) fn new() -> Self {
        ComputedCache { entries: vec![EMPTY_ENTRY; MIN_ENTRIES], inserts: 0 }
    }

    fn slot(&self, a: u32, b: u32, c: u32) -> usize {
        let mut hasher = FxHasher::default();
        hasher.write_u32(a);
        hasher.write_u32(b);
        hasher.write_u32(c);
        (hasher.finish() as usize) & (self.entries.len() - 1)
    }

    /// The remembered result for the key, if still present. Constant time.
    pub(crate) fn get(&self, a: u32, b: u32, c: u32) -> Option<u32> {
        let entry = self.entries[self.slot(a, b, c)];
        (entry[..3] == [a, b, c]).then_some(entry[3])
    }

    /// Remembers a result, first growing the cache if the arena (`n_nodes`) outgrew it or it
    /// has seen twice as many inserts as it has entries since it last grew (operations whose
    /// results are mostly existing nodes, like `without`, would otherwise thrash a cache sized
    /// by the arena). Amortised constant time.
    pub(crate) fn insert(&mut self, a: u32, b: u32, c: u32, result: u32, n_nodes: usize) {
        self.inserts += 1;
        let len = self.entries.len();
        if (n_nodes > len || self.inserts > 2 * len) && len < MAX_ENTRIES {
            self.inserts = 0;
            let old = std::mem::replace(&mut self.entries, vec![EMPTY_ENTRY; 0]);
            let size = n_nodes.next_power_of_two().max(2 * len).min(MAX_ENTRIES);
            self.entries = vec![EMPTY_ENTRY; size];
            for entry in old.into_iter().filter(|e| *e != EMPTY_ENTRY) {
                let slot = self.slot(entry[0], entry[1], entry[2]);
                self.entries[slot] = entry;
            }
        }
        let slot = self.slot(a, b, c);
        self.entries[slot] = [a, b, c, result];
    }
}
