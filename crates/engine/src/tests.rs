//! Unit tests of the engine. Small formulas are written as text (`or(and(a, b), not(c))`) and
//! the results rendered as text for inline snapshots; `differential` compares the engine with
//! brute-force enumeration on random formulas.

mod differential;

use std::collections::HashSet;

use crate::bdd::Manager;
use crate::compile::compile;
use crate::{
    Bdd, BddOptions, CutSetOptions, EngineError, Formula, FormulaBuilder, ListOptions, Operand,
    Probability, VarId, VariableOrder,
};

/// A formula written as text, with variable names in order of first appearance.
struct Parsed {
    formula: Formula,
    names: Vec<String>,
}

/// Parses a formula in the first line, and optional `name = probability` pairs (separated by
/// spaces or commas) in later lines; variables default to probability 0.1.
///
/// Grammar: `expr := name | true | false | op(expr, ...) | atleast(k, expr, ...)` with `op` one
/// of and, or, not, xor, nand, nor, iff, imply.
fn parse(text: &str) -> Parsed {
    let mut lines = text.lines();
    let expression = lines.next().expect("a formula");
    let mut probabilities = std::collections::HashMap::new();
    for pair in lines.flat_map(|line| line.split([',', ' ']).filter(|s| !s.is_empty())) {
        let pair = pair.replace(' ', "");
        let (name, value) = pair.split_once('=').expect("name=probability");
        probabilities.insert(name.to_owned(), value.parse::<f64>().expect("a number"));
    }
    let tokens = tokenize(expression);
    let mut parser = Parser { tokens, at: 0, builder: FormulaBuilder::new(), names: Vec::new() };
    // Create the variables first, in order of first appearance, so ids follow the text.
    for token in &parser.tokens {
        let is_name = token.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            && !token.chars().all(|c| c.is_ascii_digit());
        let is_keyword = matches!(
            token.as_str(),
            "true"
                | "false"
                | "and"
                | "or"
                | "not"
                | "xor"
                | "nand"
                | "nor"
                | "iff"
                | "imply"
                | "atleast"
        );
        if is_name && !is_keyword && !parser.names.contains(token) {
            parser.names.push(token.clone());
        }
    }
    for name in &parser.names {
        let p = probabilities.get(name).copied().unwrap_or(0.1);
        parser.builder.variable(Probability::new(p).expect("a probability"));
    }
    let top = parser.expr();
    assert_eq!(parser.at, parser.tokens.len(), "trailing input in {expression:?}");
    Parsed { formula: parser.builder.build(top), names: parser.names }
}

fn tokenize(text: &str) -> Vec<String> {
    let mut tokens = Vec::new();
    let mut word = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() || c == '_' {
            word.push(c);
            continue;
        }
        if !word.is_empty() {
            tokens.push(std::mem::take(&mut word));
        }
        if !c.is_whitespace() {
            tokens.push(c.to_string());
        }
    }
    if !word.is_empty() {
        tokens.push(word);
    }
    tokens
}

struct Parser {
    tokens: Vec<String>,
    at: usize,
    builder: FormulaBuilder,
    names: Vec<String>,
}

impl Parser {
    fn next(&mut self) -> String {
        let token = self.tokens[self.at].clone();
        self.at += 1;
        token
    }

    fn expect(&mut self, token: &str) {
        assert_eq!(self.next(), token);
    }

    fn expr(&mut self) -> Operand {
        let word = self.next();
        match word.as_str() {
            "true" => return Operand::Const(true),
            "false" => return Operand::Const(false),
            _ => {}
        }
        if self.tokens.get(self.at).map(String::as_str) != Some("(") {
            let index = self.names.iter().position(|n| *n == word).expect("a variable");
            return Operand::Var(VarId(index as u32));
        }
        self.expect("(");
        let k = (word == "atleast").then(|| {
            let k = self.next().parse::<u32>().expect("atleast(k, ...)");
            self.expect(",");
            k
        });
        let mut args = vec![self.expr()];
        while self.tokens[self.at] == "," {
            self.at += 1;
            args.push(self.expr());
        }
        self.expect(")");
        let b = &mut self.builder;
        match word.as_str() {
            "and" => b.and(&args),
            "or" => b.or(&args),
            "not" => b.not(args[0]),
            "xor" => b.xor(&args),
            "nand" => b.nand(&args),
            "nor" => b.nor(&args),
            "iff" => b.iff(args[0], args[1]),
            "imply" => b.imply(args[0], args[1]),
            "atleast" => b.atleast(k.expect("k"), &args),
            other => panic!("unknown gate {other}"),
        }
    }
}

/// Formats a probability with ten decimals, trailing zeros trimmed.
fn fmt_p(p: f64) -> String {
    if !p.is_finite() {
        return p.to_string();
    }
    let text = format!("{p:.10}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    if text == "-0" { "0".to_owned() } else { text.to_owned() }
}

/// The exact top-event probability and the BDD size.
fn probability(text: &str) -> String {
    let parsed = parse(text);
    let bdd = Bdd::build(&parsed.formula, &BddOptions::default()).expect("small formula");
    format!("p = {}, {} nodes", fmt_p(bdd.probability()), bdd.node_count())
}

/// The count by order, then every minimal cut set, one per line.
fn cut_sets(text: &str) -> String {
    let parsed = parse(text);
    let bdd = Bdd::build(&parsed.formula, &BddOptions::default()).expect("small formula");
    let sets = bdd.cut_sets(&CutSetOptions::default()).expect("small formula");
    let mut out = format!("{} sets, by order {:?}", sets.count(), sets.count_by_order());
    for set in sets.list(&ListOptions::default()) {
        let names: Vec<&str> =
            set.vars().iter().map(|v| parsed.names[v.index()].as_str()).collect();
        out.push_str(&format!("\n{{{}}} {}", names.join(", "), fmt_p(set.probability())));
    }
    out
}

/// One line per variable: Birnbaum, Fussell-Vesely, RAW and RRW.
fn importance(text: &str) -> String {
    let parsed = parse(text);
    let bdd = Bdd::build(&parsed.formula, &BddOptions::default()).expect("small formula");
    let lines: Vec<String> = bdd
        .importance()
        .iter()
        .map(|i| {
            format!(
                "{}: B {} FV {} RAW {} RRW {}",
                parsed.names[i.var.index()],
                fmt_p(i.birnbaum),
                fmt_p(i.fussell_vesely),
                fmt_p(i.risk_achievement_worth),
                fmt_p(i.risk_reduction_worth)
            )
        })
        .collect();
    lines.join("\n")
}

// SCRAM's semantic test models (tests/input/core, expectations in tests/bench_core_tests.cc),
// with A, B, C at probabilities 0.1, 0.2, 0.3 as there.
const ABC: &str = "a=0.1 b=0.2 c=0.3";

#[test]
fn scram_or_of_three() {
    let text = format!("or(a, b, c)\n{ABC}");
    insta::assert_snapshot!(probability(&text), @"p = 0.496, 3 nodes");
    insta::assert_snapshot!(cut_sets(&text), @r"
    3 sets, by order [0, 3]
    {a} 0.1
    {b} 0.2
    {c} 0.3
    ");
}

#[test]
fn scram_ab_or_bc() {
    let text = format!("or(and(a, b), and(b, c))\n{ABC}");
    insta::assert_snapshot!(probability(&text), @"p = 0.074, 4 nodes");
    insta::assert_snapshot!(cut_sets(&text), @r"
    2 sets, by order [0, 0, 2]
    {a, b} 0.02
    {b, c} 0.06
    ");
}

#[test]
fn scram_two_out_of_three() {
    let text = format!("atleast(2, a, b, c)\n{ABC}");
    insta::assert_snapshot!(probability(&text), @"p = 0.098, 4 nodes");
    insta::assert_snapshot!(cut_sets(&text), @r"
    3 sets, by order [0, 0, 3]
    {a, b} 0.02
    {a, c} 0.03
    {b, c} 0.06
    ");
}

#[test]
fn scram_ab_or_not_a_c_drops_the_negative_literal() {
    let text = format!("or(and(a, b), and(not(a), c))\n{ABC}");
    insta::assert_snapshot!(probability(&text), @"p = 0.29, 3 nodes");
    insta::assert_snapshot!(cut_sets(&text), @r"
    2 sets, by order [0, 1, 1]
    {c} 0.3
    {a, b} 0.02
    ");
}

#[test]
fn scram_negations() {
    // A ∨ ¬A and A ∨ ¬B are true when nothing has failed: the empty cut set ("unity").
    let cases = [
        "or(a, not(a))",
        "or(a, not(b))",
        "and(a, not(a))",
        "and(a, not(b))",
        "or(a, and(b, not(a)))",
        "not(a)",
        "nand(a, b)",
        "nor(a, b)",
        "xor(a, b, c)",
    ];
    let out: Vec<String> = cases
        .iter()
        .map(|case| {
            let text = format!("{case}\n{ABC}");
            format!("{case}: {}; {}", probability(&text), cut_sets(&text).replace('\n', " "))
        })
        .collect();
    insta::assert_snapshot!(out.join("\n"), @r"
    or(a, not(a)): p = 1, 0 nodes; 1 sets, by order [1] {} 1
    or(a, not(b)): p = 0.82, 2 nodes; 1 sets, by order [1] {} 1
    and(a, not(a)): p = 0, 0 nodes; 0 sets, by order []
    and(a, not(b)): p = 0.08, 2 nodes; 1 sets, by order [0, 1] {a} 0.1
    or(a, and(b, not(a))): p = 0.28, 2 nodes; 2 sets, by order [0, 2] {a} 0.1 {b} 0.2
    not(a): p = 0.9, 1 nodes; 1 sets, by order [1] {} 1
    nand(a, b): p = 0.98, 2 nodes; 1 sets, by order [1] {} 1
    nor(a, b): p = 0.72, 2 nodes; 1 sets, by order [1] {} 1
    xor(a, b, c): p = 0.404, 5 nodes; 3 sets, by order [0, 3] {a} 0.1 {b} 0.2 {c} 0.3
    ");
}

#[test]
fn constants_and_trivial_gates() {
    let cases =
        ["true", "false", "and(true, a)", "or(false, a)", "atleast(0, a)", "atleast(3, a, b)"];
    let out: Vec<String> =
        cases.iter().map(|case| format!("{case}: {}", cut_sets(case).replace('\n', " "))).collect();
    insta::assert_snapshot!(out.join("\n"), @r"
    true: 1 sets, by order [1] {} 1
    false: 0 sets, by order []
    and(true, a): 1 sets, by order [0, 1] {a} 0.1
    or(false, a): 1 sets, by order [0, 1] {a} 0.1
    atleast(0, a): 1 sets, by order [1] {} 1
    atleast(3, a, b): 0 sets, by order []
    ");
}

#[test]
fn shared_dependency_is_a_single_point_of_failure() {
    insta::assert_snapshot!(cut_sets("and(or(a, dns), or(b, dns))"), @r"
    2 sets, by order [0, 1, 1]
    {dns} 0.1
    {a, b} 0.01
    ");
}

#[test]
fn importance_of_a_series_parallel_tree() {
    // a in series with the parallel pair (b, c).
    insta::assert_snapshot!(importance("or(a, and(b, c))\na=0.1 b=0.2 c=0.3"), @r"
    a: B 0.94 FV 0.6103896104 RAW 6.4935064935 RRW 2.5666666667
    b: B 0.27 FV 0.3506493506 RAW 2.4025974026 RRW 1.54
    c: B 0.18 FV 0.3506493506 RAW 1.8181818182 RRW 1.54
    ");
}

#[test]
fn importance_of_an_irrelevant_variable_and_an_impossible_top() {
    insta::assert_snapshot!(importance("or(a, and(b, not(b)))"), @r"
    a: B 1 FV 1 RAW 10 RRW inf
    b: B 0 FV 0 RAW 1 RRW 1
    ");
    insta::assert_snapshot!(importance("and(a, false)"), @"a: B 0 FV NaN RAW NaN RRW NaN");
}

#[test]
fn order_and_probability_limits_prune_the_listing() {
    let parsed = parse("or(a, and(b, c), and(b, d, e))\na=0.5 b=0.5 c=0.1 d=0.5 e=0.5");
    let bdd = Bdd::build(&parsed.formula, &BddOptions::default()).unwrap();
    let render = |sets: &crate::CutSets, options: &ListOptions| {
        let listed: Vec<String> = sets
            .list(options)
            .iter()
            .map(|s| s.vars().iter().map(|v| parsed.names[v.index()].as_str()).collect())
            .collect();
        format!("{} of {} {:?}", listed.len(), sets.count(), listed)
    };
    let all = bdd.cut_sets(&CutSetOptions::default()).unwrap();
    let by_order = ListOptions { max_order: Some(2), ..ListOptions::default() };
    let by_probability = ListOptions { max_order: None, min_probability: 0.1 };
    let truncated = bdd.cut_sets(&CutSetOptions { max_order: Some(2), ..Default::default() });
    let truncated = truncated.unwrap();
    insta::assert_snapshot!(render(&all, &ListOptions::default()), @r#"3 of 3 ["a", "bc", "bde"]"#);
    insta::assert_snapshot!(render(&all, &by_order), @r#"2 of 3 ["a", "bc"]"#);
    insta::assert_snapshot!(render(&all, &by_probability), @r#"2 of 3 ["a", "bde"]"#);
    insta::assert_snapshot!(render(&truncated, &ListOptions::default()), @r#"2 of 2 ["a", "bc"]"#);
}

#[test]
fn invalid_input_is_an_error_naming_the_culprit() {
    let parsed = parse("and(a, b, c)");
    let order = |vars: &[u32]| BddOptions {
        order: VariableOrder::Custom(vars.iter().map(|&v| VarId(v)).collect()),
        ..BddOptions::default()
    };
    let errors = [
        Probability::new(1.5).unwrap_err(),
        Probability::new(f64::NAN).unwrap_err(),
        Bdd::build(&parsed.formula, &order(&[0, 1, 1])).unwrap_err(),
        Bdd::build(&parsed.formula, &order(&[0, 2])).unwrap_err(),
        Bdd::build(&parsed.formula, &order(&[0, 1, 2, 7])).unwrap_err(),
    ];
    let out: Vec<String> = errors.iter().map(ToString::to_string).collect();
    insta::assert_snapshot!(out.join("\n"), @r"
    probability 1.5 is not between 0 and 1
    probability NaN is not between 0 and 1
    variable order names variable x1 twice
    variable order leaves out variable x1
    variable order names variable x7, but the formula has only 3 variables
    ");
}

#[test]
fn custom_and_depth_first_orders() {
    let parsed = parse("or(and(c, a), b)");
    let depth_first = Bdd::build(&parsed.formula, &BddOptions::default()).unwrap();
    let custom = BddOptions {
        order: VariableOrder::Custom(vec![VarId(2), VarId(1), VarId(0)]),
        ..BddOptions::default()
    };
    let reversed = Bdd::build(&parsed.formula, &custom).unwrap();
    // Names are numbered by first appearance: c = x0, a = x1, b = x2.
    insta::assert_snapshot!(
        format!("{:?} {:?}", depth_first.order(), reversed.order()),
        @"[VarId(0), VarId(1), VarId(2)] [VarId(2), VarId(1), VarId(0)]"
    );
    assert_eq!(depth_first.probability(), reversed.probability());
}

#[test]
fn coherence_is_the_absence_of_reachable_negation() {
    assert!(parse("or(a, and(b, c))").formula.is_coherent());
    assert!(!parse("or(a, not(b))").formula.is_coherent());
    let mut builder = FormulaBuilder::new();
    let a = builder.variable(Probability::ONE);
    builder.not(a.into()); // Unreachable from the top.
    assert!(builder.build(a.into()).is_coherent());
}

/// A truth table over 3 variables as a DNF (`dnf`) or CNF formula.
fn three_variable_function(table: u32, dnf: bool) -> Formula {
    let mut b = FormulaBuilder::new();
    let p = [0.1, 0.25, 0.7];
    let vars: Vec<Operand> =
        p.iter().map(|&p| b.variable(Probability::new(p).unwrap()).into()).collect();
    let mut terms = Vec::new();
    for point in 0..8 {
        if (table >> point & 1 == 1) != dnf {
            continue;
        }
        // A DNF term is true exactly at `point`; a CNF clause is false exactly there.
        let literals: Vec<Operand> = (0..3)
            .map(|i| if (point >> i & 1 == 1) == dnf { vars[i] } else { b.not(vars[i]) })
            .collect();
        terms.push(if dnf { b.and(&literals) } else { b.or(&literals) });
    }
    let top = if dnf { b.or(&terms) } else { b.and(&terms) };
    b.build(top)
}

#[test]
fn all_256_functions_of_three_variables_are_canonical_and_exact() {
    let mut manager = Manager::new(crate::DEFAULT_NODE_LIMIT);
    let level_of = [0, 1, 2];
    let mut roots = HashSet::new();
    let fixed_order = BddOptions {
        order: VariableOrder::Custom(vec![VarId(0), VarId(1), VarId(2)]),
        ..BddOptions::default()
    };
    for table in 0..256_u32 {
        let dnf = three_variable_function(table, true);
        let cnf = three_variable_function(table, false);
        let dnf_root = compile(&mut manager, &dnf, &level_of).unwrap();
        let cnf_root = compile(&mut manager, &cnf, &level_of).unwrap();
        assert_eq!(dnf_root, cnf_root, "function {table:#010b}: DNF and CNF differ");
        assert!(roots.insert(dnf_root), "function {table:#010b} shares a node with another");

        let truth: Vec<bool> = (0..8).map(|point| table >> point & 1 == 1).collect();
        let bdd = Bdd::build(&dnf, &fixed_order).unwrap();
        let p: Vec<f64> = dnf.probabilities().iter().map(|p| p.get()).collect();
        let expected = differential::exact_probability(&truth, &p);
        assert!((bdd.probability() - expected).abs() <= 1e-15, "function {table:#010b}");
        let canonical = differential::canonical_size(&truth, 3, bdd.order());
        assert_eq!(bdd.node_count(), canonical, "function {table:#010b}");
        for (point, &value) in truth.iter().enumerate() {
            let assignment: Vec<bool> = (0..3).map(|i| point >> i & 1 == 1).collect();
            assert_eq!(dnf.evaluate(&assignment), value);
            assert_eq!(cnf.evaluate(&assignment), value);
        }
    }
    assert_eq!(roots.len(), 256);
}

/// OR over i of (aᵢ AND bᵢ): 2n nodes when each aᵢ sits next to its bᵢ, about 2ⁿ⁺¹ when all
/// the a's come first.
fn pairs(n: usize) -> Formula {
    let mut b = FormulaBuilder::new();
    let p = Probability::new(0.01).unwrap();
    let a: Vec<VarId> = (0..n).map(|_| b.variable(p)).collect();
    let c: Vec<VarId> = (0..n).map(|_| b.variable(p)).collect();
    let terms: Vec<Operand> = (0..n).map(|i| b.and(&[a[i].into(), c[i].into()])).collect();
    let top = b.or(&terms);
    b.build(top)
}

#[test]
fn node_budget_is_an_error_not_a_crash() {
    let formula = pairs(10);
    let interleaved = Bdd::build(&formula, &BddOptions { node_limit: 500, ..Default::default() });
    assert_eq!(interleaved.unwrap().node_count(), 20);
    let separated =
        BddOptions { node_limit: 500, order: VariableOrder::Custom((0..20).map(VarId).collect()) };
    assert_eq!(
        Bdd::build(&formula, &separated).unwrap_err(),
        EngineError::NodeLimitExceeded { limit: 500 }
    );
    let generous = BddOptions { node_limit: 1 << 16, ..separated };
    assert_eq!(Bdd::build(&formula, &generous).unwrap().node_count(), 2 * (1 << 10) - 2);

    let bdd = Bdd::build(&formula, &BddOptions::default()).unwrap();
    let tight = CutSetOptions { node_limit: 5, ..Default::default() };
    assert_eq!(bdd.cut_sets(&tight).unwrap_err(), EngineError::NodeLimitExceeded { limit: 5 });
    assert_eq!(bdd.cut_sets(&CutSetOptions::default()).unwrap().count(), 10);
}

#[test]
fn a_suspended_attempt_resumes_to_the_same_diagram() {
    use crate::compile::{Attempt, Plan};
    let formula = pairs(12);
    let separated: Vec<VarId> = (0..24).map(VarId).collect();
    let direct = Bdd::build(
        &formula,
        &BddOptions { node_limit: 1 << 20, order: VariableOrder::Custom(separated.clone()) },
    )
    .unwrap();
    assert_eq!(direct.node_count(), 2 * (1 << 12) - 2);
    let plan = Plan::new(&formula);
    let mut attempt = Attempt::new(separated.clone());
    for budget in [100, 100, 3_000] {
        let error = attempt.run(&formula, &plan, budget, u64::MAX).unwrap_err();
        assert_eq!(error, EngineError::NodeLimitExceeded { limit: budget });
    }
    let root = attempt.run(&formula, &plan, 1 << 20, u64::MAX).unwrap();
    let resumed = attempt.finish(&formula, root);
    assert_eq!(resumed.nodes(), direct.nodes());
    assert_eq!(resumed.probability(), direct.probability());
    // The portfolio suspends both candidates in its first round (each needs more than 65,536
    // nodes) and resumes the one that spent fewer nodes on the same gates.
    let reversed: Vec<VarId> = (0..32).rev().map(VarId).collect();
    let formula = pairs(16);
    let separated: Vec<VarId> = (0..32).map(VarId).collect();
    let portfolio = Bdd::build_portfolio(&formula, vec![separated, reversed], 1 << 20).unwrap();
    assert_eq!(portfolio.node_count(), 2 * (1 << 16) - 2);
    let whole = Bdd::build(&formula, &BddOptions::default()).unwrap();
    assert!((portfolio.probability() - whole.probability()).abs() < 1e-15);
}

#[test]
fn the_heuristic_order_reports_the_callers_budget() {
    let formula = pairs(10);
    for node_limit in [5, 1 << 17] {
        let options = BddOptions { node_limit, order: VariableOrder::Heuristic };
        let result = Bdd::build(&formula, &options);
        if node_limit < 20 {
            assert_eq!(result.unwrap_err(), EngineError::NodeLimitExceeded { limit: node_limit });
        } else {
            assert_eq!(result.unwrap().node_count(), 20);
        }
    }
}

/// The three chains over n variables: OR nested to the right, OR nested to the left, AND.
fn chains(n: usize) -> [Formula; 3] {
    let chain = |kind: usize| {
        let mut b = FormulaBuilder::new();
        let vars: Vec<Operand> =
            (0..n).map(|_| b.variable(Probability::new(1e-3).unwrap()).into()).collect();
        let top = match kind {
            0 => vars[..n - 1].iter().rev().fold(vars[n - 1], |acc, &v| b.or(&[v, acc])),
            1 => vars[1..].iter().fold(vars[0], |acc, &v| b.or(&[acc, v])),
            _ => vars[..n - 1].iter().rev().fold(vars[n - 1], |acc, &v| b.and(&[v, acc])),
        };
        b.build(top)
    };
    [chain(0), chain(1), chain(2)]
}

#[test]
fn chains_of_doubling_length_have_linear_size() {
    for k in [4, 6, 8, 10, 12, 14] {
        let n = 1_usize << k;
        let [right, left, and] = chains(n);
        let p_or = 1.0 - (1.0 - 1e-3_f64).powi(n as i32);
        for or in [right, left] {
            let bdd = Bdd::build(&or, &BddOptions::default()).unwrap();
            assert_eq!(bdd.node_count(), n, "or chain of {n}");
            assert!((bdd.probability() - p_or).abs() < 1e-12, "or chain of {n}");
            let sets = bdd.cut_sets(&CutSetOptions::default()).unwrap();
            assert_eq!((sets.count(), sets.count_by_order()), (n as u128, vec![0, n as u128]));
            assert_eq!(sets.node_count(), n);
        }
        let bdd = Bdd::build(&and, &BddOptions::default()).unwrap();
        assert_eq!(bdd.node_count(), n, "and chain of {n}");
        let sets = bdd.cut_sets(&CutSetOptions::default()).unwrap();
        assert_eq!(sets.count(), 1);
        assert_eq!(sets.count_by_order().len(), n + 1);
        let listed = sets.list(&ListOptions::default());
        assert_eq!(listed.len(), 1);
        assert_eq!(listed[0].order(), n);
        let truncated = bdd.cut_sets(&CutSetOptions { max_order: Some(3), ..Default::default() });
        assert!(truncated.unwrap().is_empty());
    }
}
