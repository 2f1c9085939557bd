//! Boolean formulas over variables: the engine's input. A formula is a DAG of gates built
//! bottom-up through [`FormulaBuilder`], so gate ids are dense and every gate refers only to
//! variables, constants and earlier gates; a shared subformula is a gate used more than once.

use std::fmt;

use crate::EngineError;

/// A variable of a formula (a basic event of a fault tree): true means "failed".
///
/// Variables are numbered densely from 0 by [`FormulaBuilder::variable`]; any `u32` is a valid
/// identifier, but a formula accepts only the ones its builder handed out.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct VarId(pub u32);

impl VarId {
    /// The variable's number as an index. Constant time.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

impl fmt::Display for VarId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "x{}", self.0)
    }
}

/// A gate of one formula, numbered densely from 0 in creation order.
///
/// Only a [`FormulaBuilder`] makes these, so a gate's operands always have smaller ids.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct GateId(u32);

impl GateId {
    /// The gate's number as an index. Constant time.
    pub fn index(self) -> usize {
        self.0 as usize
    }

    /// The gate numbered `index` (the caller knows it exists). Constant time.
    pub(crate) fn from_index(index: usize) -> GateId {
        GateId(u32::try_from(index).expect("gate ids fit in u32"))
    }
}

/// An input of a gate, or the top of a formula: a constant, a variable or another gate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Operand {
    /// A constant: `true` is an event that always happens, `false` one that never does.
    Const(bool),
    /// A variable.
    Var(VarId),
    /// The output of a gate.
    Gate(GateId),
}

impl From<VarId> for Operand {
    fn from(var: VarId) -> Self {
        Operand::Var(var)
    }
}

impl From<GateId> for Operand {
    fn from(gate: GateId) -> Self {
        Operand::Gate(gate)
    }
}

impl From<bool> for Operand {
    fn from(value: bool) -> Self {
        Operand::Const(value)
    }
}

/// A primitive gate. Other connectives (xor, nand, nor, iff, imply) are built from these by
/// [`FormulaBuilder`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Gate {
    /// True when every operand is true; true when there are none.
    And(Vec<Operand>),
    /// True when some operand is true; false when there are none.
    Or(Vec<Operand>),
    /// True when at least `k` operands are true (k-out-of-n voting); true when `k` is 0, false
    /// when `k` exceeds the number of operands.
    AtLeast {
        /// How many operands must be true.
        k: u32,
        /// The voting operands.
        operands: Vec<Operand>,
    },
    /// True when its operand is false.
    Not(Operand),
}

impl Gate {
    /// The gate's operands in order. Constant time.
    pub fn operands(&self) -> &[Operand] {
        match self {
            Gate::And(operands) | Gate::Or(operands) | Gate::AtLeast { operands, .. } => operands,
            Gate::Not(operand) => std::slice::from_ref(operand),
        }
    }
}

/// A probability: a number in 0..=1, checked on construction.
#[derive(Clone, Copy, Debug, PartialEq, PartialOrd)]
pub struct Probability(f64);

impl Probability {
    /// Probability 0: the event never happens.
    pub const ZERO: Probability = Probability(0.0);
    /// Probability 1: the event always happens.
    pub const ONE: Probability = Probability(1.0);

    /// Checks that `value` lies in 0..=1 (NaN does not). Constant time.
    pub fn new(value: f64) -> Result<Self, EngineError> {
        if (0.0..=1.0).contains(&value) {
            Ok(Probability(value))
        } else {
            Err(EngineError::InvalidProbability { value })
        }
    }

    /// The value, in 0..=1. Constant time.
    pub fn get(self) -> f64 {
        self.0
    }
}

/// Builds a [`Formula`] gate by gate, children before parents.
///
/// Every method that adds a gate returns it as an [`Operand`] ready to be used by later gates.
/// Methods panic when given a variable or gate this builder did not create (a caller bug).
#[derive(Clone, Debug, Default)]
pub struct FormulaBuilder {
    probabilities: Vec<Probability>,
    gates: Vec<Gate>,
}

impl FormulaBuilder {
    /// An empty builder. Constant time.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a variable that is true with probability `probability`; ids are dense from 0.
    /// Amortised constant time.
    pub fn variable(&mut self, probability: Probability) -> VarId {
        let id = u32::try_from(self.probabilities.len()).expect("more than u32::MAX variables");
        self.probabilities.push(probability);
        VarId(id)
    }

    /// How many variables have been added. Constant time.
    pub fn n_vars(&self) -> usize {
        self.probabilities.len()
    }

    /// Adds an AND gate. Linear in the number of operands.
    ///
    /// # Panics
    ///
    /// If an operand is a variable or gate this builder did not create.
    pub fn and(&mut self, operands: &[Operand]) -> Operand {
        self.push(Gate::And(operands.to_vec()))
    }

    /// Adds an OR gate. Linear in the number of operands.
    ///
    /// # Panics
    ///
    /// If an operand is a variable or gate this builder did not create.
    pub fn or(&mut self, operands: &[Operand]) -> Operand {
        self.push(Gate::Or(operands.to_vec()))
    }

    /// Adds a k-out-of-n gate, true when at least `k` operands are. Linear in the number of
    /// operands.
    ///
    /// # Panics
    ///
    /// If an operand is a variable or gate this builder did not create.
    pub fn atleast(&mut self, k: u32, operands: &[Operand]) -> Operand {
        self.push(Gate::AtLeast { k, operands: operands.to_vec() })
    }

    /// Adds a NOT gate. Constant time.
    ///
    /// # Panics
    ///
    /// If the operand is a variable or gate this builder did not create.
    pub fn not(&mut self, operand: Operand) -> Operand {
        self.push(Gate::Not(operand))
    }

    /// Adds NOT(AND(operands)): two gates. Linear in the number of operands.
    ///
    /// # Panics
    ///
    /// If an operand is a variable or gate this builder did not create.
    pub fn nand(&mut self, operands: &[Operand]) -> Operand {
        let and = self.and(operands);
        self.not(and)
    }

    /// Adds NOT(OR(operands)): two gates. Linear in the number of operands.
    ///
    /// # Panics
    ///
    /// If an operand is a variable or gate this builder did not create.
    pub fn nor(&mut self, operands: &[Operand]) -> Operand {
        let or = self.or(operands);
        self.not(or)
    }

    /// Adds an exclusive or, true when an odd number of operands are true (the Open-PSA
    /// meaning); false for no operands. Adds five gates per operand after the first.
    ///
    /// # Panics
    ///
    /// If an operand is a variable or gate this builder did not create.
    pub fn xor(&mut self, operands: &[Operand]) -> Operand {
        let Some((&first, rest)) = operands.split_first() else {
            return self.or(&[]);
        };
        self.check(first);
        rest.iter().fold(first, |acc, &operand| {
            let not_acc = self.not(acc);
            let not_operand = self.not(operand);
            let left = self.and(&[acc, not_operand]);
            let right = self.and(&[not_acc, operand]);
            self.or(&[left, right])
        })
    }

    /// Adds `a` if and only if `b` (equality): four gates. Constant time.
    ///
    /// # Panics
    ///
    /// If an operand is a variable or gate this builder did not create.
    pub fn iff(&mut self, a: Operand, b: Operand) -> Operand {
        let both = self.and(&[a, b]);
        let neither = self.nor(&[a, b]);
        self.or(&[both, neither])
    }

    /// Adds `a` implies `b`, that is OR(NOT a, b): two gates. Constant time.
    ///
    /// # Panics
    ///
    /// If an operand is a variable or gate this builder did not create.
    pub fn imply(&mut self, a: Operand, b: Operand) -> Operand {
        let not_a = self.not(a);
        self.or(&[not_a, b])
    }

    /// Finishes the formula with `top` as its top event. Constant time.
    ///
    /// # Panics
    ///
    /// If `top` is a variable or gate this builder did not create.
    pub fn build(self, top: Operand) -> Formula {
        self.check(top);
        Formula { probabilities: self.probabilities, gates: self.gates, top }
    }

    fn push(&mut self, gate: Gate) -> Operand {
        for &operand in gate.operands() {
            self.check(operand);
        }
        let id = u32::try_from(self.gates.len()).expect("more than u32::MAX gates");
        self.gates.push(gate);
        Operand::Gate(GateId(id))
    }

    fn check(&self, operand: Operand) {
        match operand {
            Operand::Const(_) => {}
            Operand::Var(var) => assert!(
                var.index() < self.probabilities.len(),
                "variable {var} was not created by this builder"
            ),
            Operand::Gate(gate) => assert!(
                gate.index() < self.gates.len(),
                "gate {} was not created by this builder",
                gate.0
            ),
        }
    }
}

/// How [`Formula::gates_first_order`] orders the gate operands of a gate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum GateSort {
    /// Smallest tree expansion first.
    SmallestFirst,
    /// Largest tree expansion first.
    LargestFirst,
}

/// An immutable Boolean formula: variables with their probabilities, gates in creation order
/// (every gate refers only to earlier ones), and a top event.
#[derive(Clone, Debug, PartialEq)]
pub struct Formula {
    probabilities: Vec<Probability>,
    gates: Vec<Gate>,
    top: Operand,
}

impl Formula {
    /// How many variables the formula has, used or not. Constant time.
    pub fn n_vars(&self) -> usize {
        self.probabilities.len()
    }

    /// How many gates the formula has, reachable from the top or not. Constant time.
    pub fn n_gates(&self) -> usize {
        self.gates.len()
    }

    /// The top event. Constant time.
    pub fn top(&self) -> Operand {
        self.top
    }

    /// A gate of this formula. Constant time.
    ///
    /// # Panics
    ///
    /// If `gate` belongs to a larger formula.
    pub fn gate(&self, gate: GateId) -> &Gate {
        &self.gates[gate.index()]
    }

    /// The probability that `var` is true. Constant time.
    ///
    /// # Panics
    ///
    /// If `var` is not a variable of this formula.
    pub fn probability(&self, var: VarId) -> Probability {
        self.probabilities[var.index()]
    }

    /// Every variable's probability, indexed by [`VarId::index`]. Constant time.
    pub fn probabilities(&self) -> &[Probability] {
        &self.probabilities
    }

    /// The value of the top event when variable `i` has value `assignment[i]`. Linear in the
    /// size of the formula (it evaluates every gate once).
    ///
    /// # Panics
    ///
    /// If `assignment` does not have one value per variable.
    pub fn evaluate(&self, assignment: &[bool]) -> bool {
        assert_eq!(assignment.len(), self.n_vars(), "one value per variable");
        let mut values = Vec::with_capacity(self.gates.len());
        let value = |values: &[bool], operand: Operand| match operand {
            Operand::Const(value) => value,
            Operand::Var(var) => assignment[var.index()],
            Operand::Gate(gate) => values[gate.index()],
        };
        for gate in &self.gates {
            let result = match gate {
                Gate::And(operands) => operands.iter().all(|&o| value(&values, o)),
                Gate::Or(operands) => operands.iter().any(|&o| value(&values, o)),
                Gate::AtLeast { k, operands } => {
                    let n_true = operands.iter().filter(|&&o| value(&values, o)).count();
                    n_true >= *k as usize
                }
                Gate::Not(operand) => !value(&values, *operand),
            };
            values.push(result);
        }
        value(&values, self.top)
    }

    /// Whether no NOT gate is reachable from the top. Such a formula is coherent (monotone):
    /// making a variable true never makes the top false. A formula with NOT gates may still
    /// compute a monotone function. Linear in the size of the formula.
    pub fn is_coherent(&self) -> bool {
        let reachable = self.reachable_gates();
        self.gates.iter().zip(&reachable).all(|(gate, &r)| !r || !matches!(gate, Gate::Not(_)))
    }

    /// The depth-first static variable order: variables in the order a depth-first,
    /// left-to-right walk from the top first meets them, then the variables the top does not
    /// reach, by id. Linear in the size of the formula.
    pub fn depth_first_order(&self) -> Vec<VarId> {
        let mut seen_var = vec![false; self.n_vars()];
        let mut seen_gate = vec![false; self.gates.len()];
        let mut order = Vec::with_capacity(self.n_vars());
        let mut visit = |operand: Operand, stack: &mut Vec<(GateId, usize)>| match operand {
            Operand::Const(_) => {}
            Operand::Var(var) => {
                if !seen_var[var.index()] {
                    seen_var[var.index()] = true;
                    order.push(var);
                }
            }
            Operand::Gate(gate) => {
                if !seen_gate[gate.index()] {
                    seen_gate[gate.index()] = true;
                    stack.push((gate, 0));
                }
            }
        };
        // Each frame is a gate and the position of its next operand, as in a recursive walk.
        let mut stack = Vec::new();
        visit(self.top, &mut stack);
        while let Some(frame) = stack.last_mut() {
            let (gate, next) = *frame;
            match self.gate(gate).operands().get(next) {
                Some(&operand) => {
                    frame.1 += 1;
                    visit(operand, &mut stack);
                }
                None => {
                    stack.pop();
                }
            }
        }
        for (index, seen) in seen_var.iter().enumerate() {
            if !seen {
                order.push(VarId(index as u32));
            }
        }
        order
    }

    /// A "gates first" static order, close to SCRAM's: a depth-first walk from the top that
    /// visits a gate's gate operands (by size, as `sort` asks) before taking its own
    /// variables, so the variables a gate reads directly come below those of its subgates.
    /// Unreached variables follow, by id. Linear in the size of the formula, plus sorting.
    pub(crate) fn gates_first_order(&self, sort: GateSort) -> Vec<VarId> {
        // The size of a gate: how many variable occurrences its tree expansion has (saturating).
        let mut size: Vec<u64> = Vec::with_capacity(self.gates.len());
        for gate in &self.gates {
            let total = gate.operands().iter().fold(0_u64, |acc, &operand| {
                acc.saturating_add(match operand {
                    Operand::Const(_) => 0,
                    Operand::Var(_) => 1,
                    Operand::Gate(child) => size[child.index()],
                })
            });
            size.push(total);
        }
        let mut seen_var = vec![false; self.n_vars()];
        let mut seen_gate = vec![false; self.gates.len()];
        let mut order = Vec::with_capacity(self.n_vars());
        // Each frame: a gate, its gate operands in visiting order, and the next one to visit.
        let mut stack: Vec<(GateId, Vec<GateId>, usize)> = Vec::new();
        let enter = |gate: GateId, seen_gate: &mut Vec<bool>| {
            if std::mem::replace(&mut seen_gate[gate.index()], true) {
                return None;
            }
            let mut children: Vec<GateId> = self
                .gate(gate)
                .operands()
                .iter()
                .filter_map(|&operand| match operand {
                    Operand::Gate(child) => Some(child),
                    _ => None,
                })
                .collect();
            match sort {
                GateSort::SmallestFirst => children.sort_by_key(|child| size[child.index()]),
                GateSort::LargestFirst => {
                    children.sort_by_key(|child| std::cmp::Reverse(size[child.index()]));
                }
            }
            Some((gate, children, 0))
        };
        match self.top {
            Operand::Var(var) => {
                seen_var[var.index()] = true;
                order.push(var);
            }
            Operand::Gate(top) => stack.extend(enter(top, &mut seen_gate)),
            Operand::Const(_) => {}
        }
        while let Some(frame) = stack.last_mut() {
            if let Some(&child) = frame.1.get(frame.2) {
                frame.2 += 1;
                if let Some(child_frame) = enter(child, &mut seen_gate) {
                    stack.push(child_frame);
                }
                continue;
            }
            let gate = frame.0;
            stack.pop();
            for &operand in self.gate(gate).operands() {
                if let Operand::Var(var) = operand {
                    if !std::mem::replace(&mut seen_var[var.index()], true) {
                        order.push(var);
                    }
                }
            }
        }
        for (index, seen) in seen_var.iter().enumerate() {
            if !seen {
                order.push(VarId(index as u32));
            }
        }
        order
    }

    /// Which gates the top reaches. Linear in the size of the formula.
    pub(crate) fn reachable_gates(&self) -> Vec<bool> {
        let mut reachable = vec![false; self.gates.len()];
        if let Operand::Gate(top) = self.top {
            reachable[top.index()] = true;
        }
        // Operands have smaller ids than their gates, so one descending sweep suffices.
        for index in (0..self.gates.len()).rev() {
            if reachable[index] {
                for &operand in self.gates[index].operands() {
                    if let Operand::Gate(child) = operand {
                        reachable[child.index()] = true;
                    }
                }
            }
        }
        reachable
    }

    /// All gates, indexed by [`GateId::index`]. Constant time.
    /// Replaces each variable's probability by `f(var, old)`. Linear in the variables.
    pub(crate) fn set_probabilities(&mut self, f: impl Fn(VarId, Probability) -> Probability) {
        for (index, p) in self.probabilities.iter_mut().enumerate() {
            *p = f(VarId(index as u32), *p);
        }
    }

    pub(crate) fn gates(&self) -> &[Gate] {
        &self.gates
    }
}
