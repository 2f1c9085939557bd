//! Differential tests: random formulas over at most 12 variables, checked against enumeration
//! of all assignments (probability, BDD size, minimal cut sets, importance).

use std::collections::HashSet;

use proptest::prelude::*;

use crate::{
    Bdd, BddOptions, CutSetOptions, Formula, FormulaBuilder, ListOptions, ModularBdd, Operand,
    Probability, VarId, VariableOrder,
};

/// The gate kinds random formulas use.
#[derive(Clone, Copy, Debug)]
enum Kind {
    And,
    Or,
    AtLeast,
    Not,
}

/// A random formula before resolution: operand codes are reduced modulo the number of choices
/// (variables, earlier gates, two constants) when the formula is built.
#[derive(Clone, Debug)]
struct Recipe {
    probabilities: Vec<f64>,
    gates: Vec<(Kind, u32, Vec<u32>)>,
    /// The kind of the top gate, which has every otherwise unused gate as an operand.
    top_kind: Kind,
}

/// An operand of a resolved recipe gate.
#[derive(Clone, Copy, Debug)]
enum Arg {
    Const(bool),
    Var(usize),
    Gate(usize),
}

impl Recipe {
    fn n_vars(&self) -> usize {
        self.probabilities.len()
    }

    /// The gates with operand codes resolved. One operand in 200 is a constant; of the rest,
    /// half are gates (mostly the last three, so formulas are deep, else any earlier one, so
    /// they share) and half variables. A NOT keeps its first operand; an AtLeast's k ranges
    /// over 0..=n+1, mostly 1..=n.
    fn resolve(&self) -> Vec<(Kind, u32, Vec<Arg>)> {
        let n_vars = self.n_vars();
        let mut gates: Vec<(Kind, u32, Vec<Arg>)> = self
            .gates
            .iter()
            .enumerate()
            .map(|(index, (kind, k, codes))| {
                let mut args: Vec<Arg> = codes
                    .iter()
                    .map(|&code| {
                        let code = code as usize;
                        let pick = code >> 8;
                        if code % 200 == 0 {
                            Arg::Const(pick % 2 == 1)
                        } else if index > 0 && code % 2 == 0 {
                            let recent = index.min(3);
                            if code % 3 == 0 {
                                Arg::Gate(pick % index)
                            } else {
                                Arg::Gate(index - 1 - pick % recent)
                            }
                        } else {
                            Arg::Var(pick % n_vars)
                        }
                    })
                    .collect();
                if matches!(kind, Kind::Not) {
                    args.truncate(1);
                }
                let n = args.len() as u32;
                let k = if k % 32 == 0 { k / 32 % (n + 2) } else { 1 + k % n.max(1) };
                (*kind, k, args)
            })
            .collect();
        // The top combines every gate no other gate uses, so the whole recipe counts.
        let mut used = vec![false; gates.len()];
        for (_, _, args) in &gates {
            for arg in args {
                if let Arg::Gate(g) = *arg {
                    used[g] = true;
                }
            }
        }
        let roots: Vec<Arg> = (0..gates.len()).filter(|&g| !used[g]).map(Arg::Gate).collect();
        let n_roots = roots.len() as u32;
        gates.push(match self.top_kind {
            Kind::AtLeast => (Kind::AtLeast, n_roots.div_ceil(2), roots),
            kind => (kind, 0, roots),
        });
        gates
    }

    /// The formula, with the last resolved gate as its top.
    fn formula(&self) -> Formula {
        let mut b = FormulaBuilder::new();
        let top = self.add_to(&mut b);
        b.build(top)
    }

    /// Adds the recipe's variables and gates to `b`; returns its top.
    fn add_to(&self, b: &mut FormulaBuilder) -> Operand {
        let vars: Vec<VarId> =
            self.probabilities.iter().map(|&p| b.variable(Probability::new(p).unwrap())).collect();
        self.add_over(b, &vars)
    }

    /// Adds the recipe's gates to `b` over `vars`, the recipe's variable v standing for
    /// `vars[v % vars.len()]`; returns its top.
    fn add_over(&self, b: &mut FormulaBuilder, vars: &[VarId]) -> Operand {
        let vars: Vec<VarId> = (0..self.n_vars()).map(|v| vars[v % vars.len()]).collect();
        let mut gates: Vec<Operand> = Vec::new();
        for (kind, k, args) in self.resolve() {
            let args: Vec<Operand> = args
                .iter()
                .map(|arg| match *arg {
                    Arg::Const(value) => Operand::Const(value),
                    Arg::Var(v) => vars[v].into(),
                    Arg::Gate(g) => gates[g],
                })
                .collect();
            gates.push(match kind {
                Kind::And => b.and(&args),
                Kind::Or => b.or(&args),
                Kind::AtLeast => b.atleast(k, &args),
                Kind::Not => b.not(args[0]),
            });
        }
        *gates.last().expect("at least one gate")
    }

    /// The truth table: entry `mask` is the top's value when variable i is bit i of `mask`.
    /// Evaluates the recipe directly, independently of the engine.
    fn truth_table(&self) -> Vec<bool> {
        let gates = self.resolve();
        (0..1_usize << self.n_vars())
            .map(|mask| {
                let mut values: Vec<bool> = Vec::with_capacity(gates.len());
                for (kind, k, args) in &gates {
                    let arg_values = args.iter().map(|arg| match *arg {
                        Arg::Const(value) => value,
                        Arg::Var(v) => mask >> v & 1 == 1,
                        Arg::Gate(g) => values[g],
                    });
                    let n_true = arg_values.filter(|&v| v).count();
                    values.push(match kind {
                        Kind::And => n_true == args.len(),
                        Kind::Or => n_true > 0,
                        Kind::AtLeast => n_true >= *k as usize,
                        Kind::Not => n_true == 0,
                    });
                }
                *values.last().unwrap()
            })
            .collect()
    }
}

fn recipe(max_vars: usize, with_not: bool) -> impl Strategy<Value = Recipe> {
    let probability = prop_oneof![1 => Just(0.0), 1 => Just(1.0), 8 => 0.0..=1.0_f64];
    let not_weight = if with_not { 1 } else { 0 };
    let kind = prop_oneof![
        3 => Just(Kind::And),
        3 => Just(Kind::Or),
        2 => Just(Kind::AtLeast),
        not_weight => Just(Kind::Not),
    ];
    let gate = (kind, 0..1_u32 << 20, proptest::collection::vec(0..1_u32 << 20, 2..=4));
    let top_kind = prop_oneof![Just(Kind::Or), Just(Kind::AtLeast)];
    // Mostly many variables, so that BDDs are not trivially small.
    let n_vars = prop_oneof![1 => 1..=max_vars, 3 => max_vars / 2..=max_vars];
    (
        n_vars.prop_flat_map(move |n| proptest::collection::vec(probability.clone(), n)),
        proptest::collection::vec(gate, 1..=24),
        top_kind,
    )
        .prop_map(|(probabilities, gates, top_kind)| Recipe { probabilities, gates, top_kind })
}

/// The weight of assignment `mask`: the product over variables of p or 1 − p, skipping
/// variable `skip` if given.
fn weight(mask: usize, p: &[f64], skip: Option<usize>) -> f64 {
    (0..p.len())
        .filter(|&i| Some(i) != skip)
        .map(|i| if mask >> i & 1 == 1 { p[i] } else { 1.0 - p[i] })
        .product()
}

/// The top-event probability by summing the weights of the true assignments.
pub(super) fn exact_probability(truth: &[bool], p: &[f64]) -> f64 {
    // An empty f64 sum is −0.0; adding 0.0 makes it +0.0 like the engine's.
    (0..truth.len()).filter(|&m| truth[m]).map(|m| weight(m, p, None)).sum::<f64>() + 0.0
}

/// P(top | x) and P(top | ¬x) by enumeration.
fn conditional_probabilities(truth: &[bool], p: &[f64], x: usize) -> (f64, f64) {
    let sum = |value: usize| -> f64 {
        (0..truth.len())
            .filter(|&m| truth[m] && (m >> x & 1) == value)
            .map(|m| weight(m, p, Some(x)))
            .sum::<f64>()
            + 0.0
    };
    (sum(1), sum(0))
}

/// The number of non-terminal nodes of the reduced ordered BDD of `truth` under `order`: at
/// each level, the distinct subfunctions (after fixing the variables above) that depend on the
/// level's variable.
pub(super) fn canonical_size(truth: &[bool], n_vars: usize, order: &[VarId]) -> usize {
    // Re-index so that the variable at level l is bit n−1−l: fixing the top levels then
    // selects a contiguous chunk.
    let mut by_level = vec![false; truth.len()];
    for (mask, &value) in truth.iter().enumerate() {
        let mut index = 0;
        for (level, var) in order.iter().enumerate() {
            if mask >> var.index() & 1 == 1 {
                index |= 1 << (n_vars - 1 - level);
            }
        }
        by_level[index] = value;
    }
    (0..n_vars)
        .map(|level| {
            let size = 1 << (n_vars - level);
            let distinct: HashSet<&[bool]> = by_level
                .chunks(size)
                .filter(|chunk| chunk[..size / 2] != chunk[size / 2..])
                .collect();
            distinct.len()
        })
        .sum()
}

/// The minimal true points: true assignments with no true proper subset, as sorted variable
/// lists in the engine's listing order.
fn minimal_true_points(truth: &[bool], n_vars: usize) -> Vec<usize> {
    // below[m]: some subset of m (m included) is true.
    let mut below = truth.to_vec();
    for i in 0..n_vars {
        for m in 0..truth.len() {
            if m >> i & 1 == 1 && below[m ^ (1 << i)] {
                below[m] = true;
            }
        }
    }
    (0..truth.len())
        .filter(|&m| truth[m] && (0..n_vars).all(|i| m >> i & 1 == 0 || !below[m ^ (1 << i)]))
        .collect()
}

fn vars_of(mask: usize, n_vars: usize) -> Vec<VarId> {
    (0..n_vars).filter(|&i| mask >> i & 1 == 1).map(|i| VarId(i as u32)).collect()
}

/// Sorted like [`crate::CutSets::list`]: by order, then lexicographically.
fn sorted(mut sets: Vec<Vec<VarId>>) -> Vec<Vec<VarId>> {
    sets.sort_by(|a, b| (a.len(), a).cmp(&(b.len(), b)));
    sets
}

/// Equal, or both NaN, or within 1e-9 relative (1e-9 absolute near zero).
fn close(a: f64, b: f64) -> bool {
    if a.is_nan() || b.is_nan() || a.is_infinite() || b.is_infinite() {
        return a.is_nan() && b.is_nan() || a == b;
    }
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
}

/// Checks everything the engine computes for `recipe` against enumeration.
fn check(
    recipe: &Recipe,
    order: VariableOrder,
    max_order: u32,
    min_probability: f64,
) -> Result<(), TestCaseError> {
    let formula = recipe.formula();
    let n_vars = recipe.n_vars();
    let p = &recipe.probabilities;
    let truth = recipe.truth_table();
    for (mask, &value) in truth.iter().enumerate() {
        let assignment: Vec<bool> = (0..n_vars).map(|i| mask >> i & 1 == 1).collect();
        prop_assert_eq!(formula.evaluate(&assignment), value, "evaluate at {:b}", mask);
    }

    let bdd = Bdd::build(&formula, &BddOptions { order, ..BddOptions::default() }).unwrap();
    let p_top = exact_probability(&truth, p);
    prop_assert!((bdd.probability() - p_top).abs() <= 1e-12, "{} vs {}", bdd.probability(), p_top);
    prop_assert!((0.0..=1.0).contains(&bdd.probability()));
    prop_assert_eq!(bdd.node_count(), canonical_size(&truth, n_vars, bdd.order()));

    // Cut sets: all of them, listed with limits, and truncated during construction.
    let minimal = minimal_true_points(&truth, n_vars);
    let expected = sorted(minimal.iter().map(|&m| vars_of(m, n_vars)).collect());
    let mut by_order = vec![0_u128; expected.last().map_or(0, |s| s.len() + 1)];
    for set in &expected {
        by_order[set.len()] += 1;
    }
    let sets = bdd.cut_sets(&CutSetOptions::default()).unwrap();
    prop_assert_eq!(sets.count(), expected.len() as u128);
    prop_assert_eq!(sets.count_by_order(), by_order.clone());
    prop_assert_eq!(sets.is_empty(), expected.is_empty());
    let listed = sets.list(&ListOptions::default());
    let listed_vars: Vec<Vec<VarId>> = listed.iter().map(|s| s.vars().to_vec()).collect();
    prop_assert_eq!(&listed_vars, &expected);
    // A cut set's probability multiplies its variables' probabilities in level order.
    let set_probability = |set: &[VarId]| -> f64 {
        bdd.order().iter().filter(|v| set.contains(v)).fold(1.0, |acc, v| acc * p[v.index()])
    };
    for set in &listed {
        prop_assert_eq!(set.probability(), set_probability(set.vars()));
    }
    let limits = ListOptions { max_order: Some(max_order), min_probability };
    let limited: Vec<Vec<VarId>> = sets.list(&limits).iter().map(|s| s.vars().to_vec()).collect();
    let expected_limited: Vec<Vec<VarId>> = expected
        .iter()
        .filter(|s| s.len() <= max_order as usize && set_probability(s) >= min_probability)
        .cloned()
        .collect();
    prop_assert_eq!(limited, expected_limited);
    let truncated =
        bdd.cut_sets(&CutSetOptions { max_order: Some(max_order), ..CutSetOptions::default() });
    let truncated = truncated.unwrap();
    let truncated_vars: Vec<Vec<VarId>> =
        truncated.list(&ListOptions::default()).iter().map(|s| s.vars().to_vec()).collect();
    let expected_truncated: Vec<Vec<VarId>> =
        expected.iter().filter(|s| s.len() <= max_order as usize).cloned().collect();
    prop_assert_eq!(truncated.count(), expected_truncated.len() as u128);
    prop_assert_eq!(truncated_vars, expected_truncated);

    // Importance.
    let importance = bdd.importance();
    prop_assert_eq!(importance.len(), n_vars);
    for (x, measures) in importance.iter().enumerate() {
        let (p_true, p_false) = conditional_probabilities(&truth, p, x);
        prop_assert_eq!(measures.var, VarId(x as u32));
        prop_assert!((measures.p_top_if_true - p_true).abs() <= 1e-12, "P(T|x{})", x);
        prop_assert!((measures.p_top_if_false - p_false).abs() <= 1e-12, "P(T|¬x{})", x);
        prop_assert!((measures.birnbaum - (p_true - p_false)).abs() <= 1e-12, "B(x{})", x);
        let expected_measures = [(p_top - p_false) / p_top, p_true / p_top, p_top / p_false];
        let actual = [
            measures.fussell_vesely,
            measures.risk_achievement_worth,
            measures.risk_reduction_worth,
        ];
        for (a, e) in actual.iter().zip(expected_measures) {
            prop_assert!(close(*a, e), "x{}: {:?} vs {:?}", x, actual, expected_measures);
        }
        let single = bdd.importance_of(VarId(x as u32));
        // Compared as text so that NaN equals NaN.
        prop_assert_eq!(format!("{single:?}"), format!("{measures:?}"));
    }
    Ok(())
}

proptest! {
    #[test]
    fn random_formulas_match_enumeration(
        recipe in recipe(12, true),
        max_order in 0..5_u32,
        min_probability in prop_oneof![Just(0.0), 0.0..0.3_f64],
    ) {
        check(&recipe, VariableOrder::DepthFirst, max_order, min_probability)?;
        check(&recipe, VariableOrder::Heuristic, max_order, min_probability)?;
    }

    #[test]
    fn random_coherent_formulas_match_enumeration(
        recipe in recipe(12, false),
        max_order in 0..5_u32,
        min_probability in prop_oneof![Just(0.0), 0.0..0.3_f64],
    ) {
        prop_assert!(recipe.formula().is_coherent());
        check(&recipe, VariableOrder::DepthFirst, max_order, min_probability)?;
        check(&recipe, VariableOrder::Heuristic, max_order, min_probability)?;
    }

    #[test]
    fn any_custom_order_gives_the_same_answers(
        (recipe, order) in recipe(8, true).prop_flat_map(|recipe| {
            let order: Vec<VarId> = (0..recipe.n_vars() as u32).map(VarId).collect();
            (Just(recipe), Just(order).prop_shuffle())
        }),
    ) {
        check(&recipe, VariableOrder::Custom(order), 2, 0.0)?;
    }

    #[test]
    fn raising_a_probability_never_lowers_a_coherent_top(
        recipe in recipe(10, false),
        var in any::<prop::sample::Index>(),
        raised in 0.0..=1.0_f64,
    ) {
        let formula = recipe.formula();
        let bdd = Bdd::build(&formula, &BddOptions::default()).unwrap();
        let var = var.index(recipe.n_vars());
        let mut probabilities = formula.probabilities().to_vec();
        let raised = raised.max(probabilities[var].get());
        probabilities[var] = Probability::new(raised).unwrap();
        prop_assert!(bdd.probability_with(&probabilities) >= bdd.probability() - 1e-15);
    }
}

/// Formulas made of independent recipes over disjoint variables, folded together by random
/// gates, so that they have modules nested several deep (each recipe's top, each fold).
fn composite(with_not: bool) -> impl Strategy<Value = (Vec<Recipe>, Vec<(Kind, bool)>)> {
    let kind = prop_oneof![Just(Kind::And), Just(Kind::Or), Just(Kind::AtLeast)];
    (
        proptest::collection::vec(recipe(4, with_not), 2..=4),
        proptest::collection::vec((kind, any::<bool>()), 3),
    )
}

/// The formula of a composite: recipe tops folded left to right, each fold an AND, OR or
/// 2-of-3 with a fresh variable, sometimes negated.
fn composite_formula(recipes: &[Recipe], folds: &[(Kind, bool)], with_not: bool) -> Formula {
    let mut b = FormulaBuilder::new();
    let mut acc = recipes[0].add_to(&mut b);
    for (recipe, &(kind, negate)) in recipes[1..].iter().zip(folds) {
        let top = recipe.add_to(&mut b);
        let extra = b.variable(Probability::new(0.3).unwrap());
        acc = match kind {
            Kind::And => b.and(&[acc, top]),
            Kind::Or => b.or(&[acc, top]),
            _ => b.atleast(2, &[acc, top, extra.into()]),
        };
        if negate && with_not {
            acc = b.not(acc);
        }
    }
    b.build(acc)
}

/// The modular solution agrees with the whole formula's BDD (itself checked against
/// enumeration above): probability to 1e-12, counts by order for every order limit.
fn check_modular(formula: &Formula) -> Result<(), TestCaseError> {
    let whole = Bdd::build(formula, &BddOptions::default()).unwrap();
    let modular = ModularBdd::build(formula, &BddOptions::default()).unwrap();
    prop_assert!(
        (modular.probability() - whole.probability()).abs() <= 1e-12,
        "{} vs {}",
        modular.probability(),
        whole.probability()
    );
    for max_order in [None, Some(0), Some(1), Some(2), Some(3), Some(5)] {
        let options = CutSetOptions { max_order, ..CutSetOptions::default() };
        let expected = whole.cut_sets(&options).unwrap().count_by_order();
        prop_assert_eq!(modular.count_by_order(&options).unwrap(), expected, "{:?}", max_order);
    }
    Ok(())
}

proptest! {
    #[test]
    fn modular_solutions_match_the_whole_diagram(
        (recipes, folds) in composite(false),
        single in recipe(10, false),
    ) {
        check_modular(&composite_formula(&recipes, &folds, false))?;
        check_modular(&single.formula())?;
    }

    #[test]
    fn modular_solutions_of_non_coherent_formulas_match_the_whole_diagram(
        (recipes, folds) in composite(true),
        single in recipe(10, true),
    ) {
        check_modular(&composite_formula(&recipes, &folds, true))?;
        check_modular(&single.formula())?;
    }
}

#[test]
fn independent_subtrees_are_solved_as_modules() {
    // top = AND(OR(a, b), OR(c, AND(d, e)), OR(a, f)): the middle operand and its AND are
    // modules; OR(a, b) and OR(a, f) share a, so only the top holds them.
    let mut b = FormulaBuilder::new();
    let v: Vec<Operand> =
        (1..=6).map(|i| b.variable(Probability::new(i as f64 / 10.0).unwrap()).into()).collect();
    let ab = b.or(&[v[0], v[1]]);
    let de = b.and(&[v[3], v[4]]);
    let cde = b.or(&[v[2], de]);
    let af = b.or(&[v[0], v[5]]);
    let top = b.and(&[ab, cde, af]);
    let formula = b.build(top);
    let modular = ModularBdd::build(&formula, &BddOptions::default()).unwrap();
    assert_eq!(modular.module_count(), 3);
    let whole = Bdd::build(&formula, &BddOptions::default()).unwrap();
    assert!((modular.probability() - whole.probability()).abs() < 1e-15);
    let options = CutSetOptions::default();
    assert_eq!(
        modular.count_by_order(&options).unwrap(),
        whole.cut_sets(&options).unwrap().count_by_order()
    );
}

/// Whether two formulas over the same variables compute the same function, by enumeration.
fn same_function(a: &Formula, b: &Formula) -> bool {
    assert_eq!(a.n_vars(), b.n_vars());
    (0..1_usize << a.n_vars()).all(|mask| {
        let assignment: Vec<bool> = (0..a.n_vars()).map(|i| mask >> i & 1 == 1).collect();
        a.evaluate(&assignment) == b.evaluate(&assignment)
    })
}

proptest! {
    /// Each rewrite, and the whole pipeline `ModularBdd` runs, keeps the function (checked on
    /// every assignment) and every variable's probability.
    #[test]
    fn rewrites_keep_the_function(single in recipe(10, true), (recipes, folds) in composite(false)) {
        use crate::module::{VisitDates, simplified};
        use crate::redundancy::remove_redundant_occurrences;
        use crate::rewrite::{coalesce, group_modular_operands, merge_common_operands, merge_equal_gates};
        for formula in [single.formula(), composite_formula(&recipes, &folds, false)] {
            let mut rewritten = vec![
                merge_equal_gates(&formula),
                coalesce(&formula),
                merge_common_operands(&formula),
                remove_redundant_occurrences(&formula),
                simplified(&formula),
            ];
            if let Operand::Gate(top) = formula.top() {
                rewritten.push(group_modular_operands(&formula, &VisitDates::new(&formula, top)));
            }
            for (step, other) in rewritten.iter().enumerate() {
                prop_assert!(same_function(&formula, other), "rewrite {step} changed the function");
                prop_assert_eq!(formula.probabilities(), other.probabilities());
            }
        }
    }
}

/// The formula OR(AND(s, p1, p2), AND(s, q)) over s, p1, p2, q: p1 and p2 are read by one gate
/// only, which is not itself a module (s is shared).
fn private_operands_example() -> Formula {
    let mut b = FormulaBuilder::new();
    let v: Vec<Operand> =
        (1..=4).map(|i| b.variable(Probability::new(i as f64 / 10.0).unwrap()).into()).collect();
    let g = b.and(&[v[0], v[1], v[2]]);
    let h = b.and(&[v[0], v[3]]);
    let top = b.or(&[g, h]);
    b.build(top)
}

/// The formula AND(OR(a, b, c, x), OR(a, b, c, y)): a, b and c are read by the same two gates.
fn common_operands_example() -> Formula {
    let mut b = FormulaBuilder::new();
    let v: Vec<Operand> =
        (1..=5).map(|i| b.variable(Probability::new(i as f64 / 10.0).unwrap()).into()).collect();
    let left = b.or(&[v[0], v[1], v[2], v[3]]);
    let right = b.or(&[v[0], v[1], v[2], v[4]]);
    let top = b.and(&[left, right]);
    b.build(top)
}

#[test]
fn private_operands_and_common_operands_become_modules() {
    use crate::module::{Decomposition, VisitDates};
    use crate::rewrite::{group_modular_operands, merge_common_operands};
    // Before the rewrites only the top is a module; after, AND(p1, p2) and OR(a, b, c) are too.
    let private = private_operands_example();
    let Operand::Gate(top) = private.top() else { unreachable!() };
    let grouped = group_modular_operands(&private, &VisitDates::new(&private, top));
    assert_eq!(Decomposition::new(&private).modules.len(), 1);
    assert_eq!(Decomposition::new(&grouped).modules.len(), 2);
    assert_eq!(grouped.n_gates(), 4);
    let common = common_operands_example();
    let merged = merge_common_operands(&common);
    assert_eq!(Decomposition::new(&common).modules.len(), 1);
    assert_eq!(Decomposition::new(&merged).modules.len(), 2);
    for formula in [private, common] {
        assert_eq!(ModularBdd::build(&formula, &BddOptions::default()).unwrap().module_count(), 2);
        check_modular(&formula).unwrap();
    }
}

proptest! {
    /// An AND or OR of many large operands over shared variables (built by one n-ary pass, see
    /// `Manager::and_or_n`) gives the enumerated probability, whole and module by module, and
    /// the n-ary pass gives the same node as combining the operands in pairs.
    #[test]
    fn wide_gates_over_shared_variables(
        parts in proptest::collection::vec(recipe(10, true), 8..=12),
        is_and in any::<bool>(),
    ) {
        let probabilities: Vec<Probability> =
            parts[0].probabilities.iter().map(|&p| Probability::new(p).unwrap()).collect();
        let n = probabilities.len();
        let with_variables = || {
            let mut b = FormulaBuilder::new();
            let vars: Vec<VarId> = probabilities.iter().map(|&p| b.variable(p)).collect();
            (b, vars)
        };
        let (mut b, vars) = with_variables();
        let tops: Vec<Operand> = parts.iter().map(|part| part.add_over(&mut b, &vars)).collect();
        let top = if is_and { b.and(&tops) } else { b.or(&tops) };
        let formula = b.build(top);
        let truth: Vec<bool> = (0..1_usize << n)
            .map(|mask| formula.evaluate(&(0..n).map(|i| mask >> i & 1 == 1).collect::<Vec<_>>()))
            .collect();
        let p: Vec<f64> = probabilities.iter().map(|p| p.get()).collect();
        let expected = exact_probability(&truth, &p);
        let whole = Bdd::build(&formula, &BddOptions::default()).unwrap();
        prop_assert!((whole.probability() - expected).abs() <= 1e-12);
        let modular = ModularBdd::build(&formula, &BddOptions::default()).unwrap();
        prop_assert!((modular.probability() - expected).abs() <= 1e-12);

        let mut manager = crate::bdd::Manager::new(crate::DEFAULT_NODE_LIMIT);
        let level_of: Vec<u32> = (0..n as u32).collect();
        let mut roots = Vec::new();
        for part in &parts {
            let (mut b, vars) = with_variables();
            let top = part.add_over(&mut b, &vars);
            roots.push(crate::compile::compile(&mut manager, &b.build(top), &level_of).unwrap());
        }
        let mut folded = if is_and { crate::bdd::TRUE } else { crate::bdd::FALSE };
        for &root in &roots {
            folded = if is_and { manager.and(root, folded) } else { manager.or(root, folded) }
                .unwrap();
        }
        let nary = manager.and_or_n(is_and, &roots).unwrap();
        prop_assert_eq!(nary, Some(folded));
    }
}

/// OR(AND(OR(x, a), OR(x, b)), AND(c, d)): x is read by two gates, so OR(x, a) and OR(x, b)
/// are not modules. x's failure fails AND(OR(x, a), OR(x, b)), which is therefore
/// OR(x, AND(a, b)), where x is read once and AND(a, b) is a module.
fn redundant_occurrences_example() -> Formula {
    let mut b = FormulaBuilder::new();
    let v: Vec<Operand> =
        (1..=5).map(|i| b.variable(Probability::new(i as f64 / 10.0).unwrap()).into()).collect();
    let xa = b.or(&[v[0], v[1]]);
    let xb = b.or(&[v[0], v[2]]);
    let both = b.and(&[xa, xb]);
    let cd = b.and(&[v[3], v[4]]);
    let top = b.or(&[both, cd]);
    b.build(top)
}

#[test]
fn removing_redundant_occurrences_makes_modules() {
    use crate::module::Decomposition;
    use crate::redundancy::remove_redundant_occurrences;
    let formula = redundant_occurrences_example();
    let rewritten = remove_redundant_occurrences(&formula);
    assert!(same_function(&formula, &rewritten));
    assert_eq!(Decomposition::new(&formula).modules.len(), 3);
    assert_eq!(Decomposition::new(&rewritten).modules.len(), 4);
    check_modular(&formula).unwrap();
}
