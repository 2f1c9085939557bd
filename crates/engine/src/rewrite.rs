//! Rewrites a formula into an equivalent one that decomposes into more, smaller modules before
//! its diagrams are built, after SCRAM's preprocessor: equal gates merged into one, same-kind
//! gates read once coalesced into their reader, operands read by the same gates and operands
//! nothing outside one gate reaches gathered into gates of their own, which are then modules.
//! Variables keep their ids and probabilities, so orders, cut sets and probabilities carry over
//! unchanged. Every map is keyed deterministically, so the same formula always gives the same
//! rewrite.

use crate::compile::{absorbed_gates, flatten};
use crate::formula::{Formula, FormulaBuilder, Gate, GateId, Operand};
use crate::module::VisitDates;
use crate::table::FxHashMap;

/// `formula` with gates of the same kind over the same operands (in any order, for AND and OR)
/// merged into one, bottom-up, so gates equal only after their operands were merged are merged
/// too; an AND or OR left with one distinct operand becomes that operand. Only gates the top
/// reaches are kept. Linear in the size of the formula, plus sorting each gate's operands.
pub(crate) fn merge_equal_gates(formula: &Formula) -> Formula {
    let mut builder = builder_with_variables(formula);
    let reachable = formula.reachable_gates();
    let mut image: Vec<Operand> = vec![Operand::Const(false); formula.n_gates()];
    let mut seen: FxHashMap<(u8, u32, Vec<Operand>), Operand> = FxHashMap::default();
    for (index, gate) in formula.gates().iter().enumerate() {
        if !reachable[index] {
            continue;
        }
        let mut operands: Vec<Operand> =
            gate.operands().iter().map(|&operand| map(&image, operand)).collect();
        let (kind, k) = match gate {
            Gate::And(_) => (0, 0),
            Gate::Or(_) => (1, 0),
            Gate::AtLeast { k, .. } => (2, *k),
            Gate::Not(_) => (3, 0),
        };
        if kind <= 1 {
            // AND and OR are idempotent and commutative: a canonical operand list.
            operands.sort_by_key(|&operand| sort_key(operand));
            operands.dedup();
            if let [single] = operands[..] {
                image[index] = single;
                continue;
            }
        }
        let key = (kind, k, operands);
        if let Some(&existing) = seen.get(&key) {
            image[index] = existing;
            continue;
        }
        let built = rebuild(&mut builder, gate, &key.2);
        image[index] = built;
        seen.insert(key, built);
    }
    let top = map(&image, formula.top());
    builder.build(top)
}

/// `formula` with the operands of each AND and OR gate that nothing outside the gate reaches
/// gathered into one new gate of the same kind, which is then a module (its diagram is built
/// once; its parent sees one variable in its place).
///
/// From the formula's visit `dates`: an operand is private when every visit to it and its
/// descendants falls while the gate is open, and it shares a node with a sibling exactly when
/// its span of visits meets the stretch of the walk spent below that sibling. Operands linked
/// by sharing form groups; the groups made only of private operands are gathered. Linear in
/// the size of the formula, plus a binary search per operand.
pub(crate) fn group_modular_operands(formula: &Formula, dates: &VisitDates) -> Formula {
    let mut builder = builder_with_variables(formula);
    let reachable = formula.reachable_gates();
    let n_gates = formula.n_gates();
    let mut image: Vec<Operand> = vec![Operand::Const(false); n_gates];
    // For each operand position: the positions it is linked to (a range), and whether private.
    let mut links: Vec<(usize, usize, bool)> = Vec::new();
    let (mut kept, mut group) = (Vec::new(), Vec::new());
    for (index, gate) in formula.gates().iter().enumerate() {
        if !reachable[index] {
            continue;
        }
        let operands: Vec<Operand> =
            gate.operands().iter().map(|&operand| map(&image, operand)).collect();
        let is_and = matches!(gate, Gate::And(_));
        let (Gate::And(_) | Gate::Or(_)) = gate else {
            image[index] = rebuild(&mut builder, gate, &operands);
            continue;
        };
        let id = GateId::from_index(index);
        let (enter, exit) = dates.window(id);
        let edges = dates.edges(id, operands.len());
        links.clear();
        for (position, &old) in gate.operands().iter().enumerate() {
            let span = dates.span(n_gates, old).filter(|&(lo, hi)| lo > enter && hi < exit);
            links.push(match span {
                // The operands whose stretch of the walk [edges[p], edges[p + 1]) meets the span.
                Some((lo, hi)) => {
                    let from = edges.partition_point(|&edge| edge <= lo).saturating_sub(1);
                    let to = edges.partition_point(|&edge| edge <= hi).saturating_sub(1);
                    (from.min(position), to.max(position), true)
                }
                None => (position, position, false),
            });
        }
        links.sort_unstable_by_key(|&(from, to, _)| (from, to));
        kept.clear();
        group.clear();
        let mut start = 0;
        while start < links.len() {
            // Linked ranges that overlap form one group, private only if every member is.
            let (first, mut reach, mut private) = links[start];
            let mut end = start + 1;
            while end < links.len() && links[end].0 <= reach {
                reach = reach.max(links[end].1);
                private &= links[end].2;
                end += 1;
            }
            let members = operands[first..=reach].iter().copied();
            if private {
                group.extend(members)
            } else {
                kept.extend(members)
            }
            start = end;
        }
        let result = if group.len() >= 2 && !kept.is_empty() {
            kept.push(if is_and { builder.and(&group) } else { builder.or(&group) });
            &kept
        } else {
            &operands
        };
        image[index] = if is_and { builder.and(result) } else { builder.or(result) };
    }
    let top = map(&image, formula.top());
    builder.build(top)
}

/// `formula` with every AND (OR) gate read only once, by an AND (OR) gate, merged into its
/// reader: its operands take its place there. Linear in the size of the formula.
pub(crate) fn coalesce(formula: &Formula) -> Formula {
    let mut builder = builder_with_variables(formula);
    let reachable = formula.reachable_gates();
    let gates = formula.gates();
    let absorbed = absorbed_gates(formula, &reachable);
    let mut image: Vec<Operand> = vec![Operand::Const(false); gates.len()];
    let mut leaves = Vec::new();
    for (index, gate) in gates.iter().enumerate() {
        if !reachable[index] || absorbed[index] {
            continue;
        }
        flatten(gates, &absorbed, gate.operands(), &mut leaves);
        let operands: Vec<Operand> = leaves.iter().map(|&leaf| map(&image, leaf)).collect();
        image[index] = rebuild(&mut builder, gate, &operands);
    }
    let top = map(&image, formula.top());
    builder.build(top)
}

/// `formula` with the operands that several AND (OR) gates share gathered into one new gate of
/// that kind: operands read by exactly the same gates, all of one kind, and at least two of
/// them, become one operand of those gates. When nothing else reads them, the new gate is a
/// module, so each parent sees one variable for the group. Linear in the size of the formula,
/// plus sorting each operand's readers.
pub(crate) fn merge_common_operands(formula: &Formula) -> Formula {
    let mut builder = builder_with_variables(formula);
    let reachable = formula.reachable_gates();
    let gates = formula.gates();
    // The readers of each operand (gates, in id order), and whether they are all AND or all OR.
    let mut readers: FxHashMap<Operand, (Vec<u32>, u8)> = FxHashMap::default();
    for (index, gate) in gates.iter().enumerate().filter(|(i, _)| reachable[*i]) {
        let kind = match gate {
            Gate::And(_) => 1,
            Gate::Or(_) => 2,
            _ => 3,
        };
        for &operand in gate.operands() {
            if let Operand::Const(_) = operand {
                continue;
            }
            let entry = readers.entry(operand).or_insert((Vec::new(), kind));
            entry.0.push(index as u32);
            if entry.1 != kind {
                entry.1 = 3;
            }
        }
    }
    // Operands with the same readers, of one kind, two readers or more.
    let mut by_readers: FxHashMap<(u8, Vec<u32>), Vec<Operand>> = FxHashMap::default();
    for (operand, (mut list, kind)) in readers {
        list.dedup();
        if kind != 3 && list.len() >= 2 {
            by_readers.entry((kind, list)).or_default().push(operand);
        }
    }
    let mut groups: Vec<(bool, Vec<Operand>)> = Vec::new();
    let mut group_of: FxHashMap<Operand, usize> = FxHashMap::default();
    let mut keyed: Vec<_> = by_readers.into_iter().filter(|(_, ops)| ops.len() >= 2).collect();
    keyed.sort_by(|a, b| a.0.cmp(&b.0));
    for ((kind, _), mut members) in keyed {
        members.sort_by_key(|&operand| sort_key(operand));
        for &member in &members {
            group_of.insert(member, groups.len());
        }
        groups.push((kind == 1, members));
    }
    let mut group_image: Vec<Option<Operand>> = vec![None; groups.len()];
    let mut image: Vec<Operand> = vec![Operand::Const(false); gates.len()];
    let mut operands = Vec::new();
    for (index, gate) in gates.iter().enumerate() {
        if !reachable[index] {
            continue;
        }
        operands.clear();
        for &operand in gate.operands() {
            let Some(&group) = group_of.get(&operand) else {
                operands.push(map(&image, operand));
                continue;
            };
            let built = match group_image[group] {
                Some(built) => built,
                None => {
                    let (is_and, members) = &groups[group];
                    let members: Vec<Operand> =
                        members.iter().map(|&member| map(&image, member)).collect();
                    let built = if *is_and { builder.and(&members) } else { builder.or(&members) };
                    group_image[group] = Some(built);
                    built
                }
            };
            if !operands.contains(&built) {
                operands.push(built);
            }
        }
        image[index] = rebuild(&mut builder, gate, &operands);
    }
    let top = map(&image, formula.top());
    builder.build(top)
}

/// A builder holding `formula`'s variables, with the same ids and probabilities.
pub(crate) fn builder_with_variables(formula: &Formula) -> FormulaBuilder {
    let mut builder = FormulaBuilder::new();
    for &probability in formula.probabilities() {
        builder.variable(probability);
    }
    builder
}

/// A gate of `gate`'s kind (and threshold) over `operands`, added to `builder`.
pub(crate) fn rebuild(builder: &mut FormulaBuilder, gate: &Gate, operands: &[Operand]) -> Operand {
    match gate {
        Gate::And(_) => builder.and(operands),
        Gate::Or(_) => builder.or(operands),
        Gate::AtLeast { k, .. } => builder.atleast(*k, operands),
        Gate::Not(_) => builder.not(operands[0]),
    }
}

/// The operand standing for `operand` of the old formula in the new one.
pub(crate) fn map(image: &[Operand], operand: Operand) -> Operand {
    match operand {
        Operand::Gate(gate) => image[gate.index()],
        other => other,
    }
}

/// A total order on operands, to list an AND's or OR's operands canonically.
fn sort_key(operand: Operand) -> (u8, u32) {
    match operand {
        Operand::Const(value) => (0, u32::from(value)),
        Operand::Var(var) => (1, var.0),
        Operand::Gate(gate) => (2, gate.index() as u32),
    }
}
