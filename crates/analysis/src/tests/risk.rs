//! Risk tests: cut sets, unavailability and importance from the lowered fault tree, checked
//! against brute force over every set of failed nodes with `what_if` as the oracle.

use blastradius_model::{DependencyKind, Model, NodeId, load};
use proptest::prelude::*;

use super::random::{self, RawDependency};
use crate::{Lowering, Status, WhatIfIndex, availability, cut_sets, importance, what_if};

/// The function's cut sets as `a + b` lines, at most `max_order` nodes each.
fn cut_set_lines(model: &str, max_order: Option<u32>) -> String {
    let model = load("m.yaml", model.as_bytes()).expect("test models are valid");
    let mut lines = Vec::new();
    for (index, function) in model.functions().iter().enumerate() {
        lines.push(format!("{}:", function.id));
        for set in cut_sets(&Lowering::new(&model), &model, index, max_order).expect("small") {
            let ids: Vec<&str> = set.iter().map(|&n| model.id(n)).collect();
            lines.push(format!("  {}", ids.join(" + ")));
        }
    }
    lines.join("\n")
}

const ACME: &str = include_str!("../../../model/test_data/acme-pay.yaml");

#[test]
fn acme_payments_single_points_and_pairs() {
    insta::assert_snapshot!(cut_set_lines(ACME, Some(2)), @"
    payments:
      api
      aws
      aws/global/iam
      aws/us-east-1
      aws/us-east-1/dynamodb
      cloudflare
      cloudflare/global/cdn
      edge
      ledger
      adyen + stripe
      aws/us-east-1/use1-az1 + aws/us-east-1/use1-az2
      aws/us-east-1/use1-az1 + aws/us-east-1/use1-az4
      aws/us-east-1/use1-az2 + aws/us-east-1/use1-az4
    ");
}

#[test]
fn a_cycle_never_fails_by_itself() {
    let model = "version: 1\nname: c\nproviders:\n  x: {}\ncomponents:\n  a: { depends_on: [b, x] }\n  b: { depends_on: [a] }\n  c: { depends_on: [{ any: [a, b] }] }\nfunctions:\n  f: { delivered_by: [b] }\n  g: { delivered_by: [c] }\n";
    insta::assert_snapshot!(cut_set_lines(model, None), @"
    f:
      a
      b
      x
    g:
      a
      b
      c
      x
    ");
}

#[test]
fn a_long_chain_lowers_without_recursion() {
    let n = 20_000;
    let mut text = String::from(
        "version: 1\nname: chain\nproviders:\n  p: {}\ncomponents:\n  c0: { depends_on: [p] }\n",
    );
    for i in 1..n {
        text.push_str(&format!("  c{i}: {{ depends_on: [c{}] }}\n", i - 1));
    }
    text.push_str(&format!("functions:\n  f: {{ delivered_by: [c{}] }}\n", n - 1));
    let model = load("chain.yaml", text.as_bytes()).expect("valid");
    let sets = cut_sets(&Lowering::new(&model), &model, 0, Some(1)).expect("linear");
    assert_eq!(sets.len(), n + 1);
    assert!(sets.iter().all(|s| s.len() == 1));
}

/// Components, availability figures (index into `FIGURES`, or none) and two functions' roots.
type RandomRisk = (Vec<Vec<RawDependency>>, Vec<Option<usize>>, Vec<Vec<usize>>);

const FIGURES: &[&str] = &["0.9", "0.5", "0.99", "1", "0.999", "{ mtbf: 10h, mttr: 3h }"];

/// Up to seven components over the fixed structure, each node with or without availability
/// data, and two functions delivered by one to three components.
fn random_risk() -> impl Strategy<Value = RandomRisk> {
    (1..=7usize).prop_flat_map(|n| {
        let n_ids = n + random::STRUCTURE.len();
        (
            prop::collection::vec(
                prop::collection::vec(
                    (0..4u8, prop::collection::vec(0..n_ids, 1..=3), 1..=3usize),
                    0..=3,
                ),
                n,
            ),
            prop::collection::vec(prop::option::weighted(0.7, 0..FIGURES.len()), n_ids),
            prop::collection::vec(prop::collection::vec(0..n, 1..=3), 2),
        )
    })
}

fn risk_text((components, figures, functions): &RandomRisk) -> String {
    let order: Vec<usize> = (0..components.len()).collect();
    let mut text = random::text(components, &order, false);
    text.push_str("functions:\n");
    for (i, roots) in functions.iter().enumerate() {
        let mut ids: Vec<String> = Vec::new();
        for id in roots.iter().map(|&c| format!("c{c}")) {
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
        text.push_str(&format!("  f{i}: {{ delivered_by: [{}], slo: 99 }}\n", ids.join(", ")));
    }
    text.push_str("availability:\n");
    for (index, figure) in figures.iter().enumerate() {
        if let Some(figure) = figure {
            text.push_str(&format!("  {}: {}\n", random::id(index), FIGURES[*figure]));
        }
    }
    text
}

/// Nodes reachable from the function through dependencies that can bring a node down.
fn reachable(model: &Model, function: usize) -> Vec<NodeId> {
    let mut seen = vec![false; model.n_nodes()];
    let mut stack = model.functions()[function].delivered_by.clone();
    while let Some(node) = stack.pop() {
        if std::mem::replace(&mut seen[node.index()], true) {
            continue;
        }
        for dependency in model.dependencies(node) {
            if dependency.kind != DependencyKind::Soft {
                stack.extend(dependency.members);
            }
        }
    }
    model.node_ids().filter(|n| seen[n.index()]).collect()
}

/// The largest number of basic events brute-forced.
const MAX_EVENTS: usize = 14;

proptest::proptest! {
    #[test]
    fn cut_sets_and_probabilities_agree_with_brute_force_over_what_if(risk in random_risk()) {
        let model = load("r.yaml", risk_text(&risk).as_bytes()).expect("random models are valid");
        let index = WhatIfIndex::new(&model);
        let lowering = Lowering::new(&model);
        let report = availability(&model).expect("small");
        for function in 0..model.functions().len() {
            let tree = lowering.function(&model, function);
            let mut events = tree.events().to_vec();
            events.sort();
            prop_assert_eq!(&events, &reachable(&model, function));
            let mut reached = lowering.function_for_probability(&model, function).reached().to_vec();
            reached.sort();
            prop_assert_eq!(&reached, &events);
            let n = events.len();
            if n > MAX_EVENTS {
                continue;
            }
            let p: Vec<f64> = events
                .iter()
                .map(|&e| crate::own_failure_probability(&model, e).unwrap_or(0.0))
                .collect();
            // The truth table of "the function is down", by what_if.
            let down: Vec<bool> = (0..1usize << n)
                .map(|mask| {
                    let failed: Vec<NodeId> =
                        (0..n).filter(|i| mask >> i & 1 == 1).map(|i| events[i]).collect();
                    what_if(&model, &index, &failed).functions()[function].status == Status::Down
                })
                .collect();
            for (mask, &value) in down.iter().enumerate() {
                let assignment: Vec<bool> = tree
                    .events()
                    .iter()
                    .map(|e| mask >> events.binary_search(e).expect("an event") & 1 == 1)
                    .collect();
                prop_assert_eq!(tree.formula().evaluate(&assignment), value, "mask {:b}", mask);
            }
            let weight = |mask: usize| -> f64 {
                (0..n).map(|i| if mask >> i & 1 == 1 { p[i] } else { 1.0 - p[i] }).product()
            };
            let brute: f64 = (0..1usize << n).filter(|&m| down[m]).map(weight).sum();
            let exact = report.functions[function].unavailability;
            prop_assert!((brute - exact).abs() <= 1e-12, "unavailability {} vs {}", exact, brute);

            // Minimal cut sets: down sets none of whose one-smaller subsets is down (what_if
            // is monotone), as sorted id lists sorted by size then lexically.
            let mut minimal: Vec<Vec<&str>> = (0..1usize << n)
                .filter(|&m| down[m] && (0..n).all(|i| m >> i & 1 == 0 || !down[m ^ (1 << i)]))
                .map(|m| {
                    let mut ids: Vec<&str> =
                        (0..n).filter(|i| m >> i & 1 == 1).map(|i| model.id(events[i])).collect();
                    ids.sort_unstable();
                    ids
                })
                .collect();
            minimal.sort_by(|a, b| a.len().cmp(&b.len()).then_with(|| a.cmp(b)));
            let ids = |sets: Vec<Vec<NodeId>>| -> Vec<Vec<&str>> {
                sets.iter().map(|s| s.iter().map(|&n| model.id(n)).collect()).collect()
            };
            prop_assert_eq!(&ids(cut_sets(&Lowering::new(&model), &model, function, None).expect("small")), &minimal);
            let up_to_two: Vec<Vec<&str>> = minimal.iter().filter(|s| s.len() <= 2).cloned().collect();
            prop_assert_eq!(&ids(cut_sets(&Lowering::new(&model), &model, function, Some(2)).expect("small")), &up_to_two);

            // Birnbaum importance: P(down | x) − P(down | ¬x) from the truth table.
            let measures = importance(&Lowering::new(&model), &model, function).expect("small");
            prop_assert_eq!(measures.events.len(), n);
            for measure in &measures.events {
                let i = events.binary_search(&measure.node).expect("an event");
                let conditional = |value: usize| -> f64 {
                    (0..1usize << n)
                        .filter(|&m| down[m] && (m >> i & 1) == value)
                        .map(|m| weight(m) / if value == 1 { p[i] } else { 1.0 - p[i] })
                        .sum()
                };
                if p[i] > 0.0 && p[i] < 1.0 {
                    let birnbaum = conditional(1) - conditional(0);
                    prop_assert!((birnbaum - measure.birnbaum).abs() <= 1e-9, "birnbaum of {}: {} vs {}", model.id(measure.node), measure.birnbaum, birnbaum);
                }
            }
        }
    }
}
