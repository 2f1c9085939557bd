//! Conformance on the 43 Aralia benchmark trees copied into `test_data/aralia` (see its
//! README): the exact top-event probability to the six significant digits of `expected.json`,
//! and the minimal-cut-set count (order ≤ 20, as the reference counted) and highest order
//! exactly. The large trees run only with `RUN_SLOW_TESTS` set (CI sets it); nus9601, which no
//! engine solves exactly, has no reference values and is skipped.

use std::path::{Path, PathBuf};

use super::six_digits;
use crate::{Bdd, BddOptions, CutSetOptions, ModularBdd, read_mef};

/// Trees that take more than about a second (the engine is optimised even in test builds).
const SLOW: &[&str] = &[
    "cea9601", "das9701", "edf9202", "edf9203", "edf9204", "edfpa14b", "edfpa14o", "edfpa14p",
    "edfpa14q", "edfpa14r", "edfpa15b", "edfpa15o", "edfpa15q",
];

/// The order limit of the reference counts (SCRAM's default).
const REFERENCE_ORDER: u32 = 20;

fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("test_data/aralia")
}

#[allow(
    clippy::disallowed_methods,
    reason = "tests choose whether to run the slow trees from the environment, like CI does"
)]
pub(super) fn run_slow_tests() -> bool {
    std::env::var("RUN_SLOW_TESTS").is_ok_and(|v| !v.is_empty() && v != "0")
}

/// Checks one tree; returns what disagrees.
fn check(name: &str, expected: &serde_json::Value) -> Vec<String> {
    let path = data_dir().join(format!("{name}.xml"));
    let text = std::fs::read_to_string(&path).expect("the tree's file");
    let model = read_mef(&[(format!("{name}.xml"), text)]).expect("a valid model");
    let [top] = model.top_events() else {
        return vec![format!("{name}: {} top events, expected 1", model.top_events().len())];
    };
    let mut problems = Vec::new();
    let bdd = match Bdd::build(&top.formula, &BddOptions::default()) {
        Ok(bdd) => bdd,
        Err(error) => return vec![format!("{name}: {error}")],
    };
    let p = bdd.probability();
    let Some(want) = expected["probability"].as_f64() else {
        return vec![format!("{name}: no reference probability")];
    };
    if six_digits(p) != six_digits(want) {
        problems.push(format!("{name}: probability {p:e}, expected {want:e}"));
    }
    let options = CutSetOptions { max_order: Some(REFERENCE_ORDER), ..CutSetOptions::default() };
    let cut_sets = bdd.cut_sets(&options).expect("cut sets");
    if let Some(count) = expected["mcs_count"].as_u64() {
        if cut_sets.count() != u128::from(count) {
            problems.push(format!("{name}: {} cut sets, expected {count}", cut_sets.count()));
        }
    }
    if let Some(order) = expected["max_order"].as_u64() {
        let max_order = cut_sets.count_by_order().len().saturating_sub(1) as u64;
        if max_order != order {
            problems.push(format!("{name}: highest order {max_order}, expected {order}"));
        }
    }
    // The modular path `fta` takes (a coherent formula rewritten, one diagram per module)
    // gives the same.
    let modular = match ModularBdd::build(&top.formula, &BddOptions::default()) {
        Ok(modular) => modular,
        Err(error) => return vec![format!("{name}: modular: {error}")],
    };
    if six_digits(modular.probability()) != six_digits(want) {
        problems.push(format!("{name}: modular probability {:e}", modular.probability()));
    }
    let by_order = modular.count_by_order(&options).expect("modular counts");
    if by_order != cut_sets.count_by_order() {
        problems.push(format!("{name}: modular counts by order {by_order:?}"));
    }
    problems
}

#[test]
fn aralia_trees_give_the_reference_results() {
    let expected: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(data_dir().join("expected.json")).expect("expected.json"),
    )
    .expect("valid JSON");
    let trees = expected.as_object().expect("an object of trees");
    assert_eq!(trees.len(), 43, "all the Aralia trees are listed");
    let slow = run_slow_tests();
    let todo: Vec<_> = trees
        .iter()
        .filter(|(name, values)| {
            let unsolved = values["probability"].is_null();
            !unsolved && (slow || !SLOW.contains(&name.as_str()))
        })
        .collect();
    let checked = todo.len();
    assert!(checked >= if slow { 42 } else { 29 }, "{checked} trees to check");
    // Two workers take the trees in turn, largest files first.
    let mut todo = todo;
    todo.sort_by_key(|(_, values)| std::cmp::Reverse(values["gates"].as_u64()));
    let next = std::sync::atomic::AtomicUsize::new(0);
    let problems: Vec<String> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..2)
            .map(|_| {
                scope.spawn(|| {
                    let mut problems = Vec::new();
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some((name, values)) = todo.get(i) else { break problems };
                        problems.extend(check(name, values));
                    }
                })
            })
            .collect();
        workers.into_iter().flat_map(|w| w.join().expect("a worker")).collect()
    });
    assert!(
        problems.is_empty(),
        "{} of {checked} trees disagree:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[test]
fn aralia_trees_survive_a_round_trip() {
    for name in ["chinese", "das9601", "isp9605"] {
        if SLOW.contains(&name) && !run_slow_tests() {
            continue;
        }
        let text = std::fs::read_to_string(data_dir().join(format!("{name}.xml"))).unwrap();
        let model = read_mef(&[(format!("{name}.xml"), text)]).unwrap();
        super::assert_round_trip(&model.top_events()[0]);
    }
}

/// das9701 is non-coherent (992 negated literals); there SCRAM's cut sets (a complement counted
/// as true) and ours (the minimal true points, whose unlimited count is the dataset's published
/// 26,299,506) differ at order 4: 6,621 vs 170,518 sets. Each of our 176,184 sets up to order 4
/// is checked to be a true point none of whose proper subsets is (every other variable false).
#[test]
fn das9701_cut_sets_up_to_order_4_are_minimal_true_points() {
    if !run_slow_tests() {
        return;
    }
    let text = std::fs::read_to_string(data_dir().join("das9701.xml")).expect("the tree's file");
    let model = read_mef(&[("das9701.xml".into(), text)]).expect("a valid model");
    let top = &model.top_events()[0];
    let bdd = Bdd::build(&top.formula, &BddOptions::default()).expect("a BDD");
    let options = CutSetOptions { max_order: Some(4), ..CutSetOptions::default() };
    let sets = bdd.cut_sets(&options).expect("cut sets");
    assert_eq!(sets.count_by_order(), [0, 6, 163, 5497, 170_518]);
    let mut assignment = vec![false; top.formula.n_vars()];
    for set in sets.list(&crate::ListOptions::default()) {
        let vars: Vec<usize> = set.vars().iter().map(|v| v.index()).collect();
        let all = (1_u32 << vars.len()) - 1;
        for subset in 0..=all {
            for (i, &v) in vars.iter().enumerate() {
                assignment[v] = subset >> i & 1 == 1;
            }
            assert_eq!(
                top.formula.evaluate(&assignment),
                subset == all,
                "{vars:?}, subset {subset:b}"
            );
        }
        for &v in &vars {
            assignment[v] = false;
        }
    }
}
