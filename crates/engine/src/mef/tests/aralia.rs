//! Conformance on Aralia benchmark trees copied into `test_data/aralia` (see its README): the
//! exact top-event probability to the six significant digits of `expected.json`, and the
//! minimal-cut-set count and highest order exactly. Trees that take more than a few seconds
//! in a debug build run only with `RUN_SLOW_TESTS` set.

use std::path::{Path, PathBuf};

use crate::{Bdd, BddOptions, CutSetOptions, read_mef};

/// Trees that take more than a few seconds in a debug build.
const SLOW: &[&str] = &["das9601", "jbd9601"];

fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("test_data/aralia")
}

#[allow(
    clippy::disallowed_methods,
    reason = "tests choose whether to run the slow trees from the environment, like CI does"
)]
fn run_slow_tests() -> bool {
    std::env::var("RUN_SLOW_TESTS").is_ok_and(|v| !v.is_empty() && v != "0")
}

/// `x` rounded to six significant digits, as text.
fn six_digits(x: f64) -> String {
    format!("{x:.5e}")
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
    let bdd = Bdd::build(&top.formula, &BddOptions::default()).expect("a BDD");
    let p = bdd.probability();
    let want = expected["probability"].as_f64().expect("a probability");
    if six_digits(p) != six_digits(want) {
        problems.push(format!("{name}: probability {p:e}, expected {want:e}"));
    }
    let cut_sets = bdd.cut_sets(&CutSetOptions::default()).expect("cut sets");
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
    problems
}

#[test]
fn aralia_trees_give_the_reference_results() {
    let expected: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(data_dir().join("expected.json")).expect("expected.json"),
    )
    .expect("valid JSON");
    let trees = expected.as_object().expect("an object of trees");
    assert!(trees.len() >= 10, "the copied trees are listed");
    let slow = run_slow_tests();
    let mut problems = Vec::new();
    let mut checked = 0;
    for (name, values) in trees {
        if SLOW.contains(&name.as_str()) && !slow {
            continue;
        }
        problems.extend(check(name, values));
        checked += 1;
    }
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
