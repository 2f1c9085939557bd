//! Build-vs-buy measurement for the engine's decision diagrams: builds the top event's BDD of
//! each Open-PSA MEF fault tree with blastradius-engine's own package and with oxidd (plain BDDs
//! and BDDs with complement edges), under the same variable order and the same gate-combining
//! strategy, and prints nodes, seconds and probability per engine so `run.sh` can tabulate them.
//!
//! Usage: `oxidd-compare [--engine ours|oxidd|oxidd-ce|all] [--threads N] [--runs N] FILE...`
//! One tab-separated line per tree and engine: tree, engine, threads, final nodes, median
//! construction seconds, median setup seconds, runs, probability, median seconds of the
//! probability pass. With `--engine all` (the default) every engine runs in the same process,
//! alternating run by run, and the probabilities are checked to agree to 1e-12 relative (exit 1
//! if not).

// A benchmark binary: reading the clock is its job (the workspace's clippy.toml forbids it in
// libraries only).
#![allow(clippy::disallowed_methods)]

use std::collections::HashMap;
use std::process::ExitCode;
use std::time::Instant;

use blastradius_engine::{
    Bdd, BddOptions, Formula, Gate, GateId, Operand, VarId, VariableOrder, read_mef,
};
use oxidd::bcdd::BCDDFunction;
use oxidd::bdd::BDDFunction;
use oxidd::util::AllocResult;
use oxidd::{BooleanFunction, Function, HasLevel, InnerNode, Manager, ManagerRef, Node};
use oxidd_rules_bdd::complement_edge::EdgeTag;

/// oxidd's node store capacity: the engine's default node budget (it counts created nodes,
/// oxidd live ones; oxidd collects garbage at 95 % of this).
const NODE_CAPACITY: usize = 1 << 24;
/// oxidd's apply cache entries: the engine's cache cap (4 M entries).
const CACHE_CAPACITY: usize = 1 << 22;

/// Which diagram package builds the BDD.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Engine {
    /// blastradius-engine's own BDD (no complement edges).
    Ours,
    /// oxidd's plain BDD (`oxidd::bdd`).
    Oxidd,
    /// oxidd's BDD with complement edges (`oxidd::bcdd`).
    OxiddCe,
}

impl Engine {
    fn name(self) -> &'static str {
        match self {
            Engine::Ours => "ours",
            Engine::Oxidd => "oxidd",
            Engine::OxiddCe => "oxidd-ce",
        }
    }
}

/// One build's outcome: final node count (inner nodes only), seconds (of construction, from
/// the formula to the root), seconds of setup before it (oxidd's manager creation, which
/// allocates its node store and apply cache up front; 0 for ours, whose tables grow inside the
/// build), top-event probability.
struct Outcome {
    nodes: usize,
    seconds: f64,
    setup: f64,
    probability: f64,
    /// Seconds to compute the probability from the finished diagram (ours: one loop over its
    /// frozen node array; oxidd: a memoised traversal written here, since oxidd has no
    /// weighted model count).
    p_seconds: f64,
}

fn main() -> ExitCode {
    let mut engines = vec![Engine::Ours, Engine::Oxidd, Engine::OxiddCe];
    let mut threads = 1_u32;
    let mut runs = 3_usize;
    let mut files = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--engine" => {
                engines = match args.next().as_deref() {
                    Some("ours") => vec![Engine::Ours],
                    Some("oxidd") => vec![Engine::Oxidd],
                    Some("oxidd-ce") => vec![Engine::OxiddCe],
                    Some("all") => vec![Engine::Ours, Engine::Oxidd, Engine::OxiddCe],
                    other => return usage(&format!("unknown engine {other:?}")),
                }
            }
            "--threads" => match args.next().and_then(|n| n.parse().ok()) {
                Some(n) if n >= 1 => threads = n,
                _ => return usage("--threads takes a number ≥ 1"),
            },
            "--runs" => match args.next().and_then(|n| n.parse().ok()) {
                Some(n) if n >= 1 => runs = n,
                _ => return usage("--runs takes a number ≥ 1"),
            },
            "--help" | "-h" => return usage(""),
            _ if arg.starts_with('-') => return usage(&format!("unknown option {arg}")),
            _ => files.push(arg),
        }
    }
    if files.is_empty() {
        return usage("no MEF file given");
    }
    let mut status = ExitCode::SUCCESS;
    for file in &files {
        match measure(file, &engines, threads, runs) {
            Ok(true) => {}
            Ok(false) => status = ExitCode::FAILURE,
            Err(message) => {
                eprintln!("{file}: {message}");
                status = ExitCode::FAILURE;
            }
        }
    }
    status
}

fn usage(problem: &str) -> ExitCode {
    if !problem.is_empty() {
        eprintln!("oxidd-compare: {problem}");
    }
    eprintln!(
        "usage: oxidd-compare [--engine ours|oxidd|oxidd-ce|all] [--threads N] [--runs N] FILE...\n\
         example: oxidd-compare --runs 5 crates/engine/test_data/aralia/edf9203.xml"
    );
    if problem.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(2) }
}

/// Measures every engine on one file; `Ok(false)` when their probabilities disagree.
fn measure(file: &str, engines: &[Engine], threads: u32, runs: usize) -> Result<bool, String> {
    let text = std::fs::read_to_string(file).map_err(|e| e.to_string())?;
    let model = read_mef(&[(file.to_string(), text)]).map_err(|e| e.to_string())?;
    let [top] = model.top_events() else {
        return Err(format!("{} top events, expected one", model.top_events().len()));
    };
    let formula = &top.formula;
    let order = formula.depth_first_order();
    let tree = std::path::Path::new(file).file_stem().map_or(file.into(), |s| s.to_string_lossy());
    // Alternate the engines run by run so that load on the shared machine hits them alike.
    let mut outcomes: Vec<Vec<Outcome>> = engines.iter().map(|_| Vec::new()).collect();
    for _ in 0..runs {
        for (engine, outcomes) in engines.iter().zip(&mut outcomes) {
            let outcome = match engine {
                Engine::Ours => build_ours(formula, &order)?,
                Engine::Oxidd => build_oxidd(formula, &order, threads)?,
                Engine::OxiddCe => build_oxidd_ce(formula, &order, threads)?,
            };
            outcomes.push(outcome);
        }
    }
    let reference = outcomes[0][0].probability;
    let mut agree = true;
    for (engine, outcomes) in engines.iter().zip(&outcomes) {
        let median = |value: fn(&Outcome) -> f64| {
            let mut values: Vec<f64> = outcomes.iter().map(value).collect();
            values.sort_by(f64::total_cmp);
            values[values.len() / 2]
        };
        let (seconds, setup) = (median(|o| o.seconds), median(|o| o.setup));
        let p_seconds = median(|o| o.p_seconds);
        let first = &outcomes[0];
        for outcome in outcomes {
            let scale = reference.abs().max(outcome.probability.abs()).max(f64::MIN_POSITIVE);
            if (outcome.probability - reference).abs() > 1e-12 * scale {
                eprintln!(
                    "{tree}: {} probability {:e} differs from {:e}",
                    engine.name(),
                    outcome.probability,
                    reference
                );
                agree = false;
            }
        }
        println!(
            "{tree}\t{}\t{threads}\t{}\t{seconds:.6}\t{setup:.6}\t{}\t{:.17e}\t{p_seconds:.6}",
            engine.name(),
            first.nodes,
            outcomes.len(),
            first.probability
        );
    }
    Ok(agree)
}

fn build_ours(formula: &Formula, order: &[VarId]) -> Result<Outcome, String> {
    let start = Instant::now();
    let options = BddOptions { order: VariableOrder::Custom(order.to_vec()), ..Default::default() };
    let bdd = Bdd::build(formula, &options).map_err(|e| e.to_string())?;
    let seconds = start.elapsed().as_secs_f64();
    let start = Instant::now();
    let probability = bdd.probability();
    let p_seconds = start.elapsed().as_secs_f64();
    Ok(Outcome { nodes: bdd.node_count(), seconds, setup: 0.0, probability, p_seconds })
}

/// The gates the top reaches, in id order (operands before their gates), with the AND (OR)
/// gates used once, by an AND (OR), marked as merged into that parent — the engine's own
/// preparation (`compile.rs`), redone with its public API.
struct Plan {
    gates: Vec<GateId>,
    absorbed: HashMap<GateId, bool>,
}

fn plan(formula: &Formula) -> Plan {
    let mut seen: HashMap<GateId, u32> = HashMap::new();
    let mut same_kind_use: HashMap<GateId, bool> = HashMap::new();
    let mut stack = Vec::new();
    if let Operand::Gate(top) = formula.top() {
        seen.insert(top, 1);
        stack.push(top);
    }
    while let Some(gate) = stack.pop() {
        let parent = formula.gate(gate);
        for &operand in parent.operands() {
            let Operand::Gate(child) = operand else { continue };
            let uses = seen.entry(child).or_insert(0);
            *uses += 1;
            if *uses == 1 {
                stack.push(child);
            }
            let same = matches!(
                (parent, formula.gate(child)),
                (Gate::And(_), Gate::And(_)) | (Gate::Or(_), Gate::Or(_))
            );
            *same_kind_use.entry(child).or_insert(false) |= same;
        }
    }
    let mut gates: Vec<GateId> = seen.keys().copied().collect();
    gates.sort_by_key(|g| g.index());
    let absorbed = gates
        .iter()
        .map(|&g| (g, seen[&g] == 1 && same_kind_use.get(&g).copied().unwrap_or(false)))
        .collect();
    Plan { gates, absorbed }
}

/// The operands of an AND/OR gate after merging absorbed gates, in depth-first order.
fn flatten(formula: &Formula, plan: &Plan, operands: &[Operand]) -> Vec<Operand> {
    let mut leaves = Vec::new();
    let mut stack: Vec<Operand> = operands.iter().rev().copied().collect();
    while let Some(operand) = stack.pop() {
        match operand {
            Operand::Gate(g) if plan.absorbed[&g] => {
                stack.extend(formula.gate(g).operands().iter().rev().copied());
            }
            _ => leaves.push(operand),
        }
    }
    leaves
}

/// The oxidd operations the construction needs, for plain and complement-edge BDDs alike.
trait Dd: BooleanFunction + Clone {
    /// The level of the function's top node; terminals are below every variable.
    fn top_level(&self) -> u32;
}

/// Implements [`Dd`] for oxidd function types (their managers differ, so no blanket impl).
macro_rules! impl_dd {
    ($($function:ty),*) => {$(
        impl Dd for $function {
            fn top_level(&self) -> u32 {
                self.with_manager_shared(|m, e| match m.get_node(e) {
                    Node::Inner(n) => n.level(),
                    Node::Terminal(_) => u32::MAX,
                })
            }
        }
    )*};
}

impl_dd!(BDDFunction, BCDDFunction);

/// Creates an oxidd manager of `$kind` (`bdd` or `bcdd`), one variable per level of `$order`,
/// and builds `$formula`'s top event in it. Evaluates to `(root, setup seconds, construction
/// seconds)`, or returns oxidd's error as a message.
macro_rules! build_in_oxidd {
    ($kind:ident, $function:ty, $formula:expr, $order:expr, $threads:expr) => {{
        let start = Instant::now();
        let manager = oxidd::$kind::new_manager(NODE_CAPACITY, CACHE_CAPACITY, $threads);
        let setup = start.elapsed().as_secs_f64();
        let start = Instant::now();
        let (vars, t, f) = manager
            .with_manager_exclusive(|m| -> AllocResult<_> {
                let numbers = m.add_vars($order.len() as u32);
                let by_level: Vec<$function> =
                    AllocResult::from_iter(numbers.map(|i| <$function>::var(m, i)))?;
                Ok((by_variable($order, by_level), <$function>::t(m), <$function>::f(m)))
            })
            .map_err(|e| format!("oxidd: {e:?}"))?;
        let root = compile($formula, &vars, &t, &f).map_err(|e| format!("oxidd: {e:?}"))?;
        (root, setup, start.elapsed().as_secs_f64())
    }};
}

/// Builds the top event bottom-up as the engine's `compile.rs` does: absorbed AND/OR gates
/// merged, each gate's operands combined deepest first with early exit on the absorbing
/// constant, AT-LEAST k by the ITE recurrence, NOT by negation. `vars[v]` is variable v's
/// function (its oxidd variable number is its level).
fn compile<F: Dd>(formula: &Formula, vars: &[F], t: &F, f: &F) -> AllocResult<F> {
    let plan = plan(formula);
    let mut built: HashMap<GateId, F> = HashMap::with_capacity(plan.gates.len());
    let operand = |built: &HashMap<GateId, F>, o: Operand| -> F {
        match o {
            Operand::Const(true) => t.clone(),
            Operand::Const(false) => f.clone(),
            Operand::Var(v) => vars[v.index()].clone(),
            Operand::Gate(g) => built[&g].clone(),
        }
    };
    for &id in &plan.gates {
        if plan.absorbed[&id] {
            continue;
        }
        let gate = formula.gate(id);
        let result = match gate {
            Gate::And(_) | Gate::Or(_) => {
                let is_and = matches!(gate, Gate::And(_));
                let leaves = flatten(formula, &plan, gate.operands());
                let mut operands: Vec<(u32, F)> = leaves
                    .iter()
                    .rev()
                    .map(|&o| {
                        let f = operand(&built, o);
                        (f.top_level(), f)
                    })
                    .collect();
                // Deepest first, stable, as the engine sorts.
                operands.sort_by_key(|(level, _)| std::cmp::Reverse(*level));
                let (mut acc, zero) = if is_and { (t.clone(), f) } else { (f.clone(), t) };
                for (_, leaf) in &operands {
                    acc = if is_and { leaf.and(&acc)? } else { leaf.or(&acc)? };
                    if acc == *zero {
                        break;
                    }
                }
                acc
            }
            Gate::AtLeast { k, operands } => {
                let k = *k as usize;
                if k == 0 {
                    t.clone()
                } else if k > operands.len() {
                    f.clone()
                } else {
                    let mut row = vec![f.clone(); k + 1];
                    row[0] = t.clone();
                    for &o in operands.iter().rev() {
                        let x = operand(&built, o);
                        for j in (1..=k).rev() {
                            row[j] = x.ite(&row[j - 1], &row[j])?;
                        }
                    }
                    row.swap_remove(k)
                }
            }
            Gate::Not(inner) => operand(&built, *inner).not()?,
        };
        built.insert(id, result);
    }
    Ok(operand(&built, formula.top()))
}

fn build_oxidd(formula: &Formula, order: &[VarId], threads: u32) -> Result<Outcome, String> {
    let (root, setup, seconds) = build_in_oxidd!(bdd, BDDFunction, formula, order, threads);
    let start = Instant::now();
    let p_by_level = p_by_level(formula, order);
    let (probability, nodes) = root.with_manager_shared(|m, root| {
        // P(node) = p·P(then) + (1−p)·P(else), memoised by node, children first.
        let mut memo: HashMap<usize, f64> = HashMap::new();
        let mut terminals = 0;
        let mut stack = vec![(root, false)];
        while let Some((e, expanded)) = stack.pop() {
            if memo.contains_key(&e.node_id()) && !expanded {
                continue;
            }
            match m.get_node(e) {
                Node::Terminal(terminal) => {
                    terminals += 1;
                    let value = if terminal == oxidd_rules_bdd::simple::BDDTerminal::True {
                        1.0
                    } else {
                        0.0
                    };
                    memo.insert(e.node_id(), value);
                }
                Node::Inner(n) => {
                    let (hi, lo) = (n.child(0), n.child(1));
                    if expanded {
                        let p = p_by_level[n.level() as usize];
                        let value = p * memo[&hi.node_id()] + (1.0 - p) * memo[&lo.node_id()];
                        memo.insert(e.node_id(), value);
                    } else {
                        stack.push((e, true));
                        stack.push((hi, false));
                        stack.push((lo, false));
                    }
                }
            }
        }
        (memo[&root.node_id()], memo.len() - terminals)
    });
    let p_seconds = start.elapsed().as_secs_f64();
    Ok(Outcome { nodes, seconds, setup, probability, p_seconds })
}

fn build_oxidd_ce(formula: &Formula, order: &[VarId], threads: u32) -> Result<Outcome, String> {
    let (root, setup, seconds) = build_in_oxidd!(bcdd, BCDDFunction, formula, order, threads);
    let start = Instant::now();
    let p_by_level = p_by_level(formula, order);
    let (probability, nodes) = root.with_manager_shared(|m, root| {
        // Memoised by node, the value of the node itself (a regular edge to it); a
        // complemented edge means 1 − that. The one terminal is true.
        let value_of = |memo: &HashMap<usize, f64>, (id, tag): (usize, EdgeTag)| -> f64 {
            let v = memo[&id];
            if tag == EdgeTag::Complemented { 1.0 - v } else { v }
        };
        let mut memo: HashMap<usize, f64> = HashMap::new();
        let mut terminal_id = None;
        let mut stack = vec![(root, false)];
        while let Some((e, expanded)) = stack.pop() {
            if memo.contains_key(&e.node_id()) && !expanded {
                continue;
            }
            match m.get_node(e) {
                Node::Terminal(_) => {
                    terminal_id = Some(e.node_id());
                    memo.insert(e.node_id(), 1.0);
                }
                Node::Inner(n) => {
                    let (hi, lo) = (n.child(0), n.child(1));
                    if expanded {
                        let p = p_by_level[n.level() as usize];
                        let value = p * value_of(&memo, (hi.node_id(), hi.tag()))
                            + (1.0 - p) * value_of(&memo, (lo.node_id(), lo.tag()));
                        memo.insert(e.node_id(), value);
                    } else {
                        stack.push((e, true));
                        stack.push((hi, false));
                        stack.push((lo, false));
                    }
                }
            }
        }
        let inner = memo.len() - usize::from(terminal_id.is_some());
        (value_of(&memo, (root.node_id(), root.tag())), inner)
    });
    let p_seconds = start.elapsed().as_secs_f64();
    Ok(Outcome { nodes, seconds, setup, probability, p_seconds })
}

/// Reindexes functions made level by level into functions by variable id.
fn by_variable<F: Clone>(order: &[VarId], by_level: Vec<F>) -> Vec<F> {
    let mut by_var: Vec<Option<F>> = vec![None; order.len()];
    for (var, f) in order.iter().zip(by_level) {
        by_var[var.index()] = Some(f);
    }
    by_var.into_iter().map(|f| f.expect("the order is a permutation")).collect()
}

/// Each level's variable probability.
fn p_by_level(formula: &Formula, order: &[VarId]) -> Vec<f64> {
    order.iter().map(|&v| formula.probability(v).get()).collect()
}
