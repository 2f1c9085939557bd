//! Removes the occurrences of shared nodes that cannot change the top event (the "Boolean
//! optimisation" of SCRAM's preprocessor, after Rauzy), so that shared nodes are read from
//! fewer places and more of the formula decomposes into modules.
//!
//! For a node x read by several gates, within the innermost module M that holds it: the gates
//! x's failure alone makes fail are *forced*. Walking down from M through the gates that are
//! not forced, the forced gates met are the *destinations* (M itself when it is forced). Every
//! path from any other reader of x up to M passes through a destination, and a destination D
//! equals `x OR D[x := false]`; so x may be replaced by false in those readers and OR-ed onto
//! each destination instead. That is done when the destinations are fewer than the places x's
//! failure spreads to (its readers plus the readers of the shared forced gates), which is
//! SCRAM's criterion. Sound for any formula, since forcing only passes through AND, OR and
//! AT-LEAST gates; [`crate::ModularBdd`] applies it to coherent ones (see there). The modules
//! are found once: a rewrite only moves x within its module, so every module stays one.

use crate::formula::{Formula, FormulaBuilder, Gate, GateId, Operand, VarId};
use crate::module::{VisitDates, slot};
use crate::rewrite::{builder_with_variables, map};

/// How many operands of ancestors [`remove_redundant_occurrences`] may go through in all
/// before it leaves the remaining shared nodes alone. The work is quadratic at worst (a random
/// 80,000-gate DAG under one wide top gate took 2.5 s); this bounds it to a fraction of a
/// second, far above what the Aralia trees need.
const WORK_LIMIT: usize = 1 << 24;

/// The graph being rewritten: gates that can lose operands and gain OR-ed ones.
struct Graph {
    /// Each gate's own operands (a replaced occurrence becomes `Const(false)`).
    operands: Vec<Vec<Operand>>,
    /// Nodes OR-ed onto each gate's output.
    extra: Vec<Vec<Operand>>,
    /// The gates reading each node, by [`slot`] (gates, then variables), without repeats.
    readers: Vec<Vec<u32>>,
}

/// `formula` with redundant occurrences of shared nodes removed (see the module
/// documentation). The result is equivalent, over the same variables. Quadratic at worst: one
/// pass over a shared node's ancestors per shared node, bounded by [`WORK_LIMIT`].
pub(crate) fn remove_redundant_occurrences(formula: &Formula) -> Formula {
    let Operand::Gate(top) = formula.top() else {
        return formula.clone();
    };
    let top = top.index();
    let gates = formula.gates();
    let n_vars = formula.n_vars();
    let n_gates = formula.n_gates();
    let reachable = formula.reachable_gates();
    let mut is_module = VisitDates::new(formula, GateId::from_index(top)).is_module;
    is_module[top] = true;
    let mut graph = Graph {
        operands: gates.iter().map(|gate| gate.operands().to_vec()).collect(),
        extra: vec![Vec::new(); n_gates],
        readers: vec![Vec::new(); n_vars + n_gates],
    };
    for (index, gate) in gates.iter().enumerate().filter(|&(index, _)| reachable[index]) {
        for &operand in gate.operands() {
            if let Some(node) = slot(n_gates, operand) {
                let list = &mut graph.readers[node];
                if list.last() != Some(&(index as u32)) {
                    list.push(index as u32);
                }
            }
        }
    }
    // Shared gates top down, then shared variables: SCRAM's order.
    let mut shared: Vec<Operand> = (0..n_gates)
        .rev()
        .filter(|&g| reachable[g] && graph.readers[g].len() > 1)
        .map(|g| Operand::Gate(GateId::from_index(g)))
        .collect();
    shared.extend(
        (0..n_vars)
            .filter(|&v| graph.readers[n_gates + v].len() > 1)
            .map(|v| Operand::Var(VarId(v as u32))),
    );

    // Scratch, indexed by gate: membership stamps and states.
    let mut stamp = vec![usize::MAX; n_gates];
    let mut forced = vec![false; n_gates];
    let mut visited = vec![usize::MAX; n_gates];
    let mut ancestors: Vec<usize> = Vec::new();
    let mut stack: Vec<usize> = Vec::new();
    let mut work = 0_usize;
    for (round, &x_operand) in shared.iter().enumerate() {
        let x = slot(n_gates, x_operand).expect("a variable or a gate");
        if work > WORK_LIMIT {
            break; // Each node's rewrite is an equivalence of its own: stopping early is sound.
        }
        if graph.readers[x].len() < 2 {
            continue;
        }
        // The ancestors of x up to its innermost module.
        ancestors.clear();
        stack.clear();
        stack.extend(graph.readers[x].iter().map(|&r| r as usize));
        let mut root = top;
        while let Some(gate) = stack.pop() {
            if stamp[gate] == round {
                continue;
            }
            stamp[gate] = round;
            ancestors.push(gate);
            if is_module[gate] {
                root = gate;
                continue;
            }
            stack.extend(graph.readers[gate].iter().map(|&r| r as usize));
        }
        ancestors.sort_unstable();
        // Which of them x's failure makes fail (gate ids are a topological order).
        let holds = |operand: Operand, forced: &[bool]| match operand {
            Operand::Const(value) => value,
            Operand::Gate(gate) if operand != x_operand => {
                stamp[gate.index()] == round && forced[gate.index()]
            }
            _ => operand == x_operand,
        };
        for &gate in &ancestors {
            let ops = &graph.operands[gate];
            work += ops.len() + graph.extra[gate].len();
            let core = match &gates[gate] {
                Gate::And(_) => ops.iter().all(|&o| holds(o, &forced)),
                Gate::Or(_) => ops.iter().any(|&o| holds(o, &forced)),
                Gate::AtLeast { k, .. } => {
                    ops.iter().filter(|&&o| holds(o, &forced)).count() >= *k as usize
                }
                Gate::Not(_) => false,
            };
            forced[gate] = core || graph.extra[gate].iter().any(|&o| holds(o, &forced));
        }
        let multiplicity = graph.readers[x].len()
            + ancestors
                .iter()
                .filter(|&&g| forced[g] && graph.readers[g].len() > 1)
                .map(|&g| graph.readers[g].len())
                .sum::<usize>();
        // The destinations: forced gates met walking down from the root through unforced ones.
        let mut destinations: Vec<usize> = Vec::new();
        let mut n_destinations = 0;
        if forced[root] {
            destinations.push(root);
            n_destinations = 1;
        } else {
            stack.clear();
            stack.push(root);
            visited[root] = round;
            while let Some(gate) = stack.pop() {
                for &operand in graph.operands[gate].iter().chain(&graph.extra[gate]) {
                    let Operand::Gate(child) = operand else { continue };
                    let child = child.index();
                    if stamp[child] != round || operand == x_operand {
                        continue;
                    }
                    if forced[child] {
                        n_destinations += 1;
                        destinations.push(child);
                    } else if visited[child] != round {
                        visited[child] = round;
                        stack.push(child);
                    }
                }
            }
            destinations.sort_unstable();
            destinations.dedup();
        }
        if n_destinations == 0 || n_destinations >= multiplicity {
            continue;
        }
        // Readers of x reached through unforced gates keep it; so does a destination that is
        // an OR reading x itself (x is already OR-ed there).
        let mut redundant = Vec::new();
        for &reader in &graph.readers[x] {
            let reader = reader as usize;
            if !forced[reader] && visited[reader] == round {
                continue;
            }
            if let Ok(at) = destinations.binary_search(&reader) {
                if matches!(gates[reader], Gate::Or(_)) {
                    destinations.remove(at);
                    continue;
                }
            }
            redundant.push(reader);
        }
        if redundant.is_empty() {
            continue;
        }
        for &reader in &redundant {
            for operand in graph.operands[reader].iter_mut().chain(graph.extra[reader].iter_mut()) {
                if *operand == x_operand {
                    *operand = Operand::Const(false);
                }
            }
        }
        graph.readers[x].retain(|r| !redundant.contains(&(*r as usize)));
        for &destination in &destinations {
            graph.extra[destination].push(x_operand);
            graph.readers[x].push(destination as u32);
        }
        graph.readers[x].sort_unstable();
        graph.readers[x].dedup();
    }
    rebuild(formula, &graph, &reachable)
}

/// The formula of `graph`, constants folded, each gate's extra operands OR-ed onto it.
fn rebuild(formula: &Formula, graph: &Graph, reachable: &[bool]) -> Formula {
    let mut builder = builder_with_variables(formula);
    let mut image: Vec<Operand> = vec![Operand::Const(false); formula.n_gates()];
    for (index, gate) in formula.gates().iter().enumerate() {
        if !reachable[index] {
            continue;
        }
        let operands = graph.operands[index].iter().map(|&o| map(&image, o)).collect();
        let mut result = fold(&mut builder, gate, operands);
        if !graph.extra[index].is_empty() {
            let mut operands: Vec<Operand> =
                graph.extra[index].iter().map(|&o| map(&image, o)).collect();
            operands.push(result);
            result = fold(&mut builder, &Gate::Or(Vec::new()), operands);
        }
        image[index] = result;
    }
    let top = map(&image, formula.top());
    builder.build(top)
}

/// A gate of `gate`'s kind over `operands` added to `builder`, with constants folded away (the
/// result may then be a constant or a single operand).
fn fold(builder: &mut FormulaBuilder, gate: &Gate, mut operands: Vec<Operand>) -> Operand {
    let n_true = operands.iter().filter(|&&o| o == Operand::Const(true)).count();
    let n_false = operands.iter().filter(|&&o| o == Operand::Const(false)).count();
    operands.retain(|o| !matches!(o, Operand::Const(_)));
    let n = operands.len();
    let k = match gate {
        Gate::And(_) if n_false > 0 => return Operand::Const(false),
        Gate::And(_) => n,
        Gate::Or(_) if n_true > 0 => return Operand::Const(true),
        Gate::Or(_) => 1,
        Gate::AtLeast { k, .. } => (*k as usize).saturating_sub(n_true),
        Gate::Not(_) if n_true + n_false > 0 => return Operand::Const(n_false > 0),
        Gate::Not(_) => return builder.not(operands[0]),
    };
    match k {
        0 => Operand::Const(true),
        k if k > n => Operand::Const(false),
        _ if n == 1 => operands[0],
        1 => builder.or(&operands),
        k if k == n => builder.and(&operands),
        k => builder.atleast(k as u32, &operands),
    }
}
