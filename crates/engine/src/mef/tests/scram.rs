//! SCRAM's own benchmark models, as Debian's `scram` package installs them under
//! `/usr/share/scram/input` (GPL-3.0, so read in place rather than copied; `.ci/run` installs
//! the package), checked against the results SCRAM's test suite expects: the exact top-event
//! probability to six significant digits, the cut-set count and its distribution by order, and
//! one row of the Chinese tree's importance table. Without the package the test passes with a
//! note, unless `RUN_SLOW_TESTS` (set by CI) demands it.

use std::path::Path;

use super::aralia::run_slow_tests;
use super::six_digits;
use crate::{Bdd, BddOptions, CutSetOptions, TopEvent, read_mef};

const INPUT: &str = "/usr/share/scram/input";

/// One model: its files, the order limit used, and the expected probability and cut sets by
/// order (1, 2, …).
struct Expected {
    files: &'static [&'static str],
    max_order: Option<u32>,
    probability: f64,
    by_order: &'static [u128],
}

const MODELS: &[Expected] = &[
    Expected {
        files: &["Baobab/baobab1.xml", "Baobab/baobab1-basic-events.xml"],
        max_order: None,
        probability: 1.2823e-6,
        by_order: &[0, 1, 1, 70, 400, 2212, 14748, 8460, 10624, 6600, 3072],
    },
    Expected {
        files: &["Baobab/baobab2.xml", "Baobab/baobab2-basic-events.xml"],
        max_order: None,
        probability: 0.0208686,
        by_order: &[0, 6, 121, 268, 630, 3780],
    },
    Expected {
        files: &["CEA9601/CEA9601.xml", "CEA9601/CEA9601-basic-events.xml"],
        max_order: Some(4),
        probability: 2.38155e-6,
        by_order: &[0, 0, 1144, 53292],
    },
    Expected {
        files: &["Chinese/chinese.xml", "Chinese/chinese-basic-events.xml"],
        max_order: None,
        probability: 0.00456932,
        by_order: &[0, 12, 0, 24, 188, 168],
    },
    Expected {
        files: &["TwoTrain/two_train.xml"],
        max_order: None,
        probability: 0.7225,
        by_order: &[0, 4],
    },
    Expected {
        files: &["TwoTrain/common_cause.xml"],
        max_order: None,
        probability: 0.0622587,
        by_order: &[2, 4],
    },
    Expected {
        files: &["Theatre/theatre.xml"],
        max_order: None,
        probability: 0.00207,
        by_order: &[0, 2],
    },
    Expected {
        files: &["Lift/lift.xml"],
        max_order: None,
        probability: 1.19999e-5,
        by_order: &[12],
    },
    Expected {
        files: &["ThreeMotor/three_motor.xml"],
        max_order: None,
        probability: 0.0211538,
        by_order: &[1, 3, 0, 8],
    },
    Expected {
        files: &["HIPPS/HIPPS.xml"],
        max_order: None,
        probability: 0.00162091,
        by_order: &[6, 3],
    },
    Expected {
        files: &["BSCU/BSCU.xml"],
        max_order: None,
        probability: 0.112409,
        by_order: &[2, 8],
    },
    Expected {
        files: &["SmallTree/SmallTree.xml"],
        max_order: None,
        probability: 0.0267768,
        by_order: &[0, 2],
    },
    Expected {
        files: &["ne574/ne574.xml"],
        max_order: None,
        probability: 0.662208,
        by_order: &[1, 3, 3],
    },
];

/// The model's one top event, read from the package's files.
fn top_event(files: &[&str]) -> TopEvent {
    let texts: Vec<(String, String)> = files
        .iter()
        .map(|file| {
            let path = Path::new(INPUT).join(file);
            (file.to_string(), std::fs::read_to_string(&path).expect("the package's file"))
        })
        .collect();
    let model = read_mef(&texts).unwrap_or_else(|e| panic!("{files:?}: {e}"));
    let [top] = model.top_events() else {
        panic!("{files:?}: {} top events, expected 1", model.top_events().len());
    };
    top.clone()
}

fn scram_installed() -> bool {
    if Path::new(INPUT).is_dir() {
        return true;
    }
    assert!(
        !run_slow_tests(),
        "{INPUT} is missing: install Debian's `scram` package (.ci/run does)"
    );
    false
}

#[test]
fn scram_models_give_scram_results() {
    if !scram_installed() {
        return;
    }
    let mut problems = Vec::new();
    for model in MODELS {
        let top = top_event(model.files);
        let bdd = Bdd::build(&top.formula, &BddOptions::default()).expect("a BDD");
        let p = bdd.probability();
        if six_digits(p) != six_digits(model.probability) {
            problems.push(format!(
                "{:?}: probability {p:e}, expected {}",
                model.files, model.probability
            ));
        }
        let options = CutSetOptions { max_order: model.max_order, ..CutSetOptions::default() };
        let by_order = bdd.cut_sets(&options).expect("cut sets").count_by_order();
        // count_by_order starts at order 0 (the empty set).
        let by_order = by_order.get(1..).unwrap_or_default();
        if by_order != model.by_order {
            problems.push(format!(
                "{:?}: cut sets by order {by_order:?}, expected {:?}",
                model.files, model.by_order
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// SCRAM's importance table for the Chinese tree, row e1: MIF (Birnbaum) 0.0745557, CIF
/// 0.326332 (our Fussell-Vesely, (P − P(T|¬x)) / P), DIF 0.339805 (p · RAW), RAW 16.9902,
/// RRW 1.48441.
#[test]
fn chinese_importance_matches_scram() {
    if !scram_installed() {
        return;
    }
    let top = top_event(&["Chinese/chinese.xml", "Chinese/chinese-basic-events.xml"]);
    let bdd = Bdd::build(&top.formula, &BddOptions::default()).expect("a BDD");
    let e1 = top.variables.iter().position(|name| name == "e1").expect("e1");
    let importance = &bdd.importance()[e1];
    let p = top.formula.probability(importance.var).get();
    assert_eq!(six_digits(importance.birnbaum), six_digits(0.0745557));
    assert_eq!(six_digits(importance.fussell_vesely), six_digits(0.326332));
    assert_eq!(six_digits(p * importance.risk_achievement_worth), six_digits(0.339805));
    assert_eq!(six_digits(importance.risk_achievement_worth), six_digits(16.9902));
    assert_eq!(six_digits(importance.risk_reduction_worth), six_digits(1.48441));
}
