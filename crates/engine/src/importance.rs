//! Importance measures of each variable, computed exactly from the BDD: how much the top-event
//! probability depends on the variable, and how much it would change if the variable were
//! certainly true or certainly false.

use crate::compile::Bdd;
use crate::formula::VarId;

/// The importance of one variable x for the top event T, from the two conditional
/// probabilities P(T | x) and P(T | ¬x).
///
/// The ratios are plain floating-point divisions: when P(T) is 0, Fussell-Vesely and risk
/// achievement worth are NaN or infinite, and so is risk reduction worth when P(T | ¬x) is 0.
/// For a non-coherent formula, Birnbaum and Fussell-Vesely may be negative.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Importance {
    /// The variable.
    pub var: VarId,
    /// P(T | x): the top-event probability when x is certainly true.
    pub p_top_if_true: f64,
    /// P(T | ¬x): the top-event probability when x is certainly false.
    pub p_top_if_false: f64,
    /// Birnbaum (marginal) importance: P(T | x) − P(T | ¬x).
    pub birnbaum: f64,
    /// Fussell-Vesely importance: (P(T) − P(T | ¬x)) / P(T), the fraction of the risk that
    /// goes away when x can no longer happen.
    pub fussell_vesely: f64,
    /// Risk achievement worth: P(T | x) / P(T).
    pub risk_achievement_worth: f64,
    /// Risk reduction worth: P(T) / P(T | ¬x).
    pub risk_reduction_worth: f64,
}

impl Bdd {
    /// The importance of every variable, indexed by [`VarId::index`]. A variable the top does
    /// not depend on has Birnbaum 0, Fussell-Vesely 0 and both worths 1 (if P(T) > 0).
    ///
    /// The conditional probabilities are computed directly, not by subtracting from P(T), so
    /// they are exact up to rounding even when tiny. For the variable at level ℓ, only the
    /// nodes above ℓ are recomputed: the total cost is the sum over variables of the number of
    /// nodes above them, at most the number of variables times the number of nodes (a chain
    /// of 16,384 variables takes about a second).
    pub fn importance(&self) -> Vec<Importance> {
        let p_node = self.node_probabilities(self.p_by_level());
        let mut buffer = Vec::new();
        let mut result = vec![None; self.n_vars()];
        for (level, &var) in self.order().iter().enumerate() {
            result[var.index()] = Some(self.importance_at(level as u32, &p_node, &mut buffer));
        }
        result.into_iter().map(|i| i.expect("the order names every variable")).collect()
    }

    /// The importance of one variable, as in [`Bdd::importance`]. Linear in the number of
    /// nodes.
    ///
    /// # Panics
    ///
    /// If `var` is not a variable of the formula.
    pub fn importance_of(&self, var: VarId) -> Importance {
        let level = self.order().iter().position(|&v| v == var).expect("a variable of the formula");
        let p_node = self.node_probabilities(self.p_by_level());
        self.importance_at(level as u32, &p_node, &mut Vec::new())
    }

    /// The importance of the variable at `level`, given every node's probability; `cond` is
    /// scratch space.
    fn importance_at(&self, level: u32, p_node: &[f64], cond: &mut Vec<(f64, f64)>) -> Importance {
        let nodes = self.nodes();
        let p_by_level = self.p_by_level();
        let root = self.root();
        let p_top = p_node[root as usize];
        // Nodes are stored by decreasing level after the two terminals, so the nodes strictly
        // above `level` are the suffix starting at `start`.
        let start = 2 + nodes[2..].partition_point(|node| node.level >= level);
        // The pair (P(node | x), P(node | ¬x)) for any node, given `cond` for the suffix.
        let conditional = |cond: &[(f64, f64)], index: u32| {
            let index = index as usize;
            if index >= start {
                cond[index - start]
            } else if nodes[index].level == level {
                (p_node[nodes[index].hi as usize], p_node[nodes[index].lo as usize])
            } else {
                (p_node[index], p_node[index])
            }
        };
        cond.clear();
        for node in &nodes[start..] {
            let p = p_by_level[node.level as usize];
            let (hi_true, hi_false) = conditional(cond, node.hi);
            let (lo_true, lo_false) = conditional(cond, node.lo);
            cond.push((p * hi_true + (1.0 - p) * lo_true, p * hi_false + (1.0 - p) * lo_false));
        }
        let (p_true, p_false) = conditional(cond, root);
        Importance {
            var: self.order()[level as usize],
            p_top_if_true: p_true,
            p_top_if_false: p_false,
            birnbaum: p_true - p_false,
            fussell_vesely: (p_top - p_false) / p_top,
            risk_achievement_worth: p_true / p_top,
            risk_reduction_worth: p_top / p_false,
        }
    }
}
