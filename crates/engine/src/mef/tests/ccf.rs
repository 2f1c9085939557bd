//! Common-cause groups of every model (`define-CCF-group` with beta-factor, MGL, alpha-factor
//! or phi-factor): each generated event's probability against the model's formula and against
//! SCRAM's, top-event probabilities against closed forms, SCRAM's published results for its
//! three-train CCF tests, our models in `test_data/ccf` against the `scram` binary, and every
//! error message.

use std::path::{Path, PathBuf};
use std::process::Command;

use super::aralia::run_slow_tests;
use super::{close, error, named_cut_sets, probability, read, six_digits};
use crate::mef::xml::{self, Element};
use crate::{Bdd, BddOptions, CutSetOptions, MefModel, read_mef};

/// The members of the groups built by [`group`]: the first n of these.
const MEMBERS: [&str; 4] = ["a", "b", "c", "d"];

/// Factors for levels `first`, `first + 1`, …: `(first, factors)`.
type Factors<'f> = (usize, &'f [f64]);

/// A model with one CCF group `g` of `n` members (a, b, …), distribution Q = 0.1 and
/// `factors`, and one gate `top` applying connective `top` (`and`, `or`, …) to all members.
fn group(model: &str, n: usize, (first_level, factors): Factors<'_>, top: &str) -> String {
    let members: String =
        MEMBERS[..n].iter().map(|m| format!("<basic-event name='{m}'/>")).collect();
    let factors: String = factors
        .iter()
        .enumerate()
        .map(|(i, f)| format!("<factor level='{}'><float value='{f}'/></factor>", first_level + i))
        .collect();
    let close_top = top.split(' ').next().unwrap_or(top);
    format!(
        "<opsa-mef>
<define-fault-tree name='ft'><define-gate name='top'><{top}>{members}</{close_top}></define-gate></define-fault-tree>
<define-CCF-group name='g' model='{model}'>
<members>{members}</members>
<distribution><float value='0.1'/></distribution>
<factors>{factors}</factors>
</define-CCF-group>
</opsa-mef>"
    )
}

fn choose(n: usize, k: usize) -> f64 {
    if k > n {
        return 0.0;
    }
    (1..=k).map(|i| (n - k + i) as f64 / i as f64).product()
}

/// Q_k, the probability of one common-cause event of k given members, for k = 1..=n (index
/// k − 1; 0 where the model makes no event), from the MEF formulas as SCRAM 0.16 applies them,
/// written out here independently of the reader. `factors` start at the model's lowest level
/// (n for beta, 2 for MGL, else 1).
fn expected_levels(model: &str, n: usize, q: f64, factors: &[f64]) -> Vec<f64> {
    let mut levels = vec![0.0; n];
    match model {
        "beta-factor" => {
            levels[0] = (1.0 - factors[0]) * q;
            levels[n - 1] = factors[0] * q;
        }
        "MGL" => {
            // ρ_1 = 1, ρ_2.. = factors, ρ_{m+1} = 0 past the highest level m given.
            let rho = |i: usize| match i {
                1 => 1.0,
                _ => factors.get(i - 2).copied().unwrap_or(0.0),
            };
            for k in 1..=factors.len() + 1 {
                let product: f64 = (1..=k).map(rho).product();
                levels[k - 1] = product * (1.0 - rho(k + 1)) * q / choose(n - 1, k - 1);
            }
        }
        "alpha-factor" => {
            let total: f64 = factors.iter().enumerate().map(|(i, a)| (i + 1) as f64 * a).sum();
            for (i, alpha) in factors.iter().enumerate() {
                let k = i + 1;
                levels[i] = k as f64 * alpha / total * q / choose(n - 1, k - 1);
            }
        }
        "phi-factor" => {
            for (i, phi) in factors.iter().enumerate() {
                levels[i] = phi * q;
            }
        }
        _ => panic!("unknown model {model}"),
    }
    levels
}

/// P(at least one of the n members fails): no event may occur.
fn p_or_all(n: usize, levels: &[f64]) -> f64 {
    let none: f64 =
        levels.iter().enumerate().map(|(i, q)| (1.0 - q).powf(choose(n, i + 1))).product();
    1.0 - none
}

/// P(all n members fail), by inclusion and exclusion over the set T of members left
/// unfailed: P(no event touches T) = ∏_k (1 − Q_k)^(C(n, k) − C(n − |T|, k)).
fn p_and_all(n: usize, levels: &[f64]) -> f64 {
    (0..=n)
        .map(|t| {
            let untouched: f64 = levels
                .iter()
                .enumerate()
                .map(|(i, q)| (1.0 - q).powf(choose(n, i + 1) - choose(n - t, i + 1)))
                .product();
            let sign = if t % 2 == 0 { 1.0 } else { -1.0 };
            sign * choose(n, t) * untouched
        })
        .sum()
}

/// A group: its model, its number of members, and its factors from the level of the first.
struct Case {
    model: &'static str,
    n: usize,
    first_level: usize,
    factors: Vec<f64>,
}

/// One group per model and size n, with factors from the model's lowest level.
fn cases() -> Vec<Case> {
    let mut cases = Vec::new();
    for n in 2..=4 {
        let alpha = [0.7, 0.15, 0.1, 0.05];
        let phi: &[f64] = match n {
            2 => &[0.8, 0.2],
            3 => &[0.7, 0.2, 0.1],
            _ => &[0.6, 0.2, 0.15, 0.05],
        };
        cases.push(Case { model: "beta-factor", n, first_level: n, factors: vec![0.2] });
        cases.push(Case {
            model: "MGL",
            n,
            first_level: 2,
            factors: [0.2, 0.3, 0.4][..n - 1].to_vec(),
        });
        cases.push(Case { model: "alpha-factor", n, first_level: 1, factors: alpha[..n].to_vec() });
        cases.push(Case { model: "phi-factor", n, first_level: 1, factors: phi.to_vec() });
    }
    // Factors for fewer levels than members, as SCRAM allows: no events above the highest.
    cases.push(Case { model: "MGL", n: 4, first_level: 2, factors: vec![0.3, 0.4] });
    cases.push(Case { model: "alpha-factor", n: 4, first_level: 1, factors: vec![0.8, 0.2] });
    cases.push(Case { model: "phi-factor", n: 3, first_level: 1, factors: vec![0.9, 0.1] });
    cases
}

#[test]
fn generated_events_have_the_models_probabilities() {
    for Case { model, n, first_level: first, factors } in cases() {
        let xml = group(model, n, (first, &factors), "or");
        let read = read(&xml).unwrap_or_else(|e| panic!("{model} {n}: {e}"));
        let [top] = read.top_events() else { panic!("one top event") };
        let levels = expected_levels(model, n, 0.1, &factors);
        let mut expected_count = 0.0;
        for (i, q) in levels.iter().enumerate() {
            if *q > 0.0 {
                expected_count += choose(n, i + 1);
            }
        }
        assert_eq!(top.variables.len() as f64, expected_count, "{model} {n}: {:?}", top.variables);
        for (name, p) in top.variables.iter().zip(top.formula.probabilities()) {
            let level = name.split(' ').count();
            assert!(
                close(p.get(), levels[level - 1]),
                "{model} {n} {name}: {} != {}",
                p.get(),
                levels[level - 1]
            );
        }
    }
}

/// The event probabilities SCRAM 0.16.2 prints for a group of 4 members with Q = 0.1 (the
/// `probability` of each single-event product of an OR of the members), by level.
#[test]
fn generated_events_have_scrams_probabilities() {
    let cases: &[(&str, Factors<'_>, &[f64])] = &[
        ("MGL", (2, &[0.3, 0.4, 0.5]), &[0.07, 0.006, 0.002, 0.006]),
        ("MGL", (2, &[0.3, 0.4]), &[0.07, 0.006, 0.004]),
        (
            "alpha-factor",
            (1, &[0.6, 0.2, 0.15, 0.05]),
            &[0.0363636, 0.00808081, 0.00909091, 0.0121212],
        ),
        ("phi-factor", (1, &[0.6, 0.2, 0.15, 0.05]), &[0.06, 0.02, 0.015, 0.005]),
    ];
    for (model, factors, scram) in cases {
        let read = read(&group(model, 4, *factors, "or")).unwrap();
        let top = &read.top_events()[0];
        for (name, p) in top.variables.iter().zip(top.formula.probabilities()) {
            let level = name.split(' ').count();
            assert_eq!(six_digits(p.get()), six_digits(scram[level - 1]), "{name}");
        }
    }
}

#[test]
fn top_probabilities_match_closed_forms() {
    for Case { model, n, first_level: first, factors } in cases() {
        let levels = expected_levels(model, n, 0.1, &factors);
        for (top, expected) in [("and", p_and_all(n, &levels)), ("or", p_or_all(n, &levels))] {
            let p = probability(&group(model, n, (first, &factors), top));
            assert!(close(p, expected), "{model} {n} {top}: {p} != {expected}");
        }
    }
    // By hand, two members, Q = 0.1. MGL ρ₂ = 0.2 and phi (0.8, 0.2) both give Q₁ = 0.08 and
    // Q₂ = 0.02: both fail with 0.02 + 0.98 · 0.08², either with 1 − 0.92² · 0.98.
    for (model, factors) in [("MGL", (2, &[0.2][..])), ("phi-factor", (1, &[0.8, 0.2][..]))] {
        assert!(close(probability(&group(model, 2, factors, "and")), 0.026272));
        assert!(close(probability(&group(model, 2, factors, "or")), 0.170528));
    }
    // Alpha (0.8, 0.2): α_t = 0.8 + 2 · 0.2 = 1.2, Q₁ = 0.8 / 1.2 · 0.1 = 1/15 and
    // Q₂ = 2 · 0.2 / 1.2 · 0.1 = 1/30; both fail with 1/30 + 29/30 · 1/225 = 254/6750.
    let both = probability(&group("alpha-factor", 2, (1, &[0.8, 0.2]), "and"));
    assert!(close(both, 254.0 / 6750.0), "{both}");
    // Two of three MGL members, ρ = (0.2, 0.1): Q₁ = 0.08, Q₂ = 0.2 · 0.9 · 0.1 / 2 = 0.009,
    // Q₃ = 0.002. Without the triple, two fail if a pair event occurs or two singles do.
    let (q1, q2, q3) = (0.08_f64, 0.009_f64, 0.002_f64);
    let no_pair = (1.0 - q2).powi(3);
    let two_singles = 3.0 * q1 * q1 * (1.0 - q1) + q1.powi(3);
    let expected = q3 + (1.0 - q3) * (1.0 - no_pair * (1.0 - two_singles));
    let p = probability(&group("MGL", 3, (2, &[0.2, 0.1]), "atleast min='2'"));
    assert!(close(p, expected), "{p} != {expected}");
}

#[test]
fn all_three_mgl_members_fail_by_these_cut_sets() {
    let read = read(&group("MGL", 3, (2, &[0.2, 0.1]), "and")).unwrap();
    insta::assert_debug_snapshot!(named_cut_sets(&read.top_events()[0]), @r#"
    [
        [
            "[a b c]",
        ],
        [
            "[a b]",
            "[a c]",
        ],
        [
            "[a b]",
            "[b c]",
        ],
        [
            "[a b]",
            "[c]",
        ],
        [
            "[a c]",
            "[b c]",
        ],
        [
            "[a c]",
            "[b]",
        ],
        [
            "[a]",
            "[b c]",
        ],
        [
            "[a]",
            "[b]",
            "[c]",
        ],
    ]
    "#);
}

#[test]
fn factor_levels_may_be_implied_or_in_any_order() {
    let explicit = group("alpha-factor", 3, (1, &[0.7, 0.2, 0.1]), "and");
    let implied =
        explicit.replace(" level='1'", "").replace(" level='2'", "").replace(" level='3'", "");
    let shuffled = explicit.replace(
        "<factor level='1'><float value='0.7'/></factor><factor level='2'><float value='0.2'/></factor><factor level='3'><float value='0.1'/></factor>",
        "<factor level='3'><float value='0.1'/></factor><factor level='1'><float value='0.7'/></factor><factor level='2'><float value='0.2'/></factor>",
    );
    assert_ne!(shuffled, explicit);
    let p = probability(&explicit);
    assert_eq!(probability(&implied), p);
    assert_eq!(probability(&shuffled), p);
    // A lone <factor>, not wrapped in <factors>, as beta-factor groups usually give theirs.
    let lone =
        group("MGL", 3, (2, &[0.2]), "and").replace("<factors>", "").replace("</factors>", "");
    assert_eq!(probability(&lone), probability(&group("MGL", 3, (2, &[0.2]), "and")));
}

/// SCRAM's own CCF tests (`tests/input/core/{beta_factor,mgl,alpha_factor,phi_factor}_ccf.xml`
/// in the SCRAM repository): three trains, each failing if its valve or its pump fails, and
/// the system if all three trains do; the three pumps form one group and the three valves
/// another, each with Q = 0.1 and the same factors. The XML is ours, rebuilt from those facts
/// and numbers. Expected: SCRAM's `tests/bench_core_tests.cc` (product counts and orders,
/// probabilities to 1e-5) and, to six digits, what `scram --bdd --ccf 1 --probability 1`
/// 0.16.2 prints for those files. The phi-factor file was not available to us: its factors
/// (0.7, 0.2, 0.1), the alpha test's numbers, reproduce the published 0.0410393 and (2 24 8).
#[test]
fn scrams_three_train_ccf_tests_give_scrams_results() {
    let three_trains = |model: &str, factors: &str| {
        let group = |name: &str, members: [&str; 3]| {
            let members: String =
                members.iter().map(|m| format!("<basic-event name='{m}'/>")).collect();
            format!(
                "<define-CCF-group name='{name}' model='{model}'><members>{members}</members>\
                 <distribution><float value='0.1'/></distribution>{factors}</define-CCF-group>"
            )
        };
        let train = |i: &str| {
            format!(
                "<define-gate name='Train{i}'><or><event name='Valve{i}'/><event name='Pump{i}'/></or></define-gate>"
            )
        };
        format!(
            "<opsa-mef><define-fault-tree name='ThreeTrains'>\
             <define-gate name='TopEvent'><and><event name='TrainOne'/><event name='TrainTwo'/><event name='TrainThree'/></and></define-gate>\
             {}{}{}</define-fault-tree>{}{}</opsa-mef>",
            train("One"),
            train("Two"),
            train("Three"),
            group("Pumps", ["PumpOne", "PumpTwo", "PumpThree"]),
            group("Valves", ["ValveOne", "ValveTwo", "ValveThree"]),
        )
    };
    let factors = |first: usize, values: &[f64]| -> String {
        let list: String = values
            .iter()
            .enumerate()
            .map(|(i, v)| format!("<factor level='{}'><float value='{v}'/></factor>", first + i))
            .collect();
        format!("<factors>{list}</factors>")
    };
    let cases: [(&str, String, f64, &[u128]); 4] = [
        (
            "beta-factor",
            "<factor level='3'><float value='0.2'/></factor>".into(),
            0.0430804,
            &[2, 0, 8],
        ),
        ("phi-factor", factors(1, &[0.7, 0.2, 0.1]), 0.0410393, &[2, 24, 8]),
        ("MGL", factors(2, &[0.2, 0.1]), 0.0162948, &[2, 24, 8]),
        ("alpha-factor", factors(1, &[0.7, 0.2, 0.1]), 0.0529814, &[2, 24, 8]),
    ];
    for (model, factors, p_scram, by_order) in cases {
        let read = read(&three_trains(model, &factors)).unwrap_or_else(|e| panic!("{model}: {e}"));
        let top = read.top_event("TopEvent").expect("the top event");
        let bdd = Bdd::build(&top.formula, &BddOptions::default()).unwrap();
        assert_eq!(six_digits(bdd.probability()), six_digits(p_scram), "{model}");
        let cut_sets = bdd.cut_sets(&CutSetOptions::default()).unwrap();
        assert_eq!(&cut_sets.count_by_order()[1..], by_order, "{model}");
    }
}

// ---- against the scram binary ---------------------------------------------------------------

fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("test_data/ccf")
}

/// SCRAM's report (`--bdd --ccf 1 --probability 1`) on `path`, or `None` when `scram` is not
/// on `PATH`, which fails the test under `RUN_SLOW_TESTS` (CI sets it).
fn scram_report(path: &Path) -> Option<String> {
    let run = Command::new("scram")
        .args(["--bdd", "--ccf", "1", "--probability", "1"])
        .arg(path)
        .output();
    let output = match run {
        Ok(output) => output,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            assert!(
                !run_slow_tests(),
                "`scram` is not on PATH: install Debian's `scram` package (.ci/run does)"
            );
            return None;
        }
        Err(e) => panic!("cannot run scram: {e}"),
    };
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "scram fails on {}: {stderr}", path.display());
    Some(String::from_utf8(output.stdout).expect("UTF-8 from scram"))
}

/// What SCRAM reports for one top gate: its probability and its products, each a sorted list
/// of event names (a CCF event of members m1, m2, … is `[m1 m2 …]`, as we name it).
struct ScramTop {
    name: String,
    probability: f64,
    products: Vec<Vec<String>>,
    distribution: Vec<u128>,
}

fn scram_tops(report: &str) -> Vec<ScramTop> {
    let root =
        xml::parse(report).unwrap_or_else(|(at, e)| panic!("SCRAM's report, byte {at}: {e}"));
    fn child<'e>(element: &'e Element, name: &str) -> Vec<&'e Element> {
        element.children.iter().filter(|c| c.name == name).collect()
    }
    let attribute = |element: &Element, key: &str| -> String {
        element
            .attribute(key)
            .unwrap_or_else(|| panic!("<{}> without {key}", element.name))
            .to_owned()
    };
    let results = child(&root, "results");
    let [results] = results[..] else { panic!("one <results>") };
    child(results, "sum-of-products")
        .into_iter()
        .map(|sum| {
            let mut products: Vec<Vec<String>> = child(sum, "product")
                .into_iter()
                .map(|product| {
                    let mut names: Vec<String> = product
                        .children
                        .iter()
                        .map(|literal| match literal.name.as_str() {
                            "basic-event" => attribute(literal, "name"),
                            "ccf-event" => {
                                let members: Vec<String> = literal
                                    .children
                                    .iter()
                                    .map(|member| attribute(member, "name"))
                                    .collect();
                                format!("[{}]", members.join(" "))
                            }
                            other => panic!("a <{other}> in a product"),
                        })
                        .collect();
                    names.sort();
                    names
                })
                .collect();
            products.sort();
            ScramTop {
                name: attribute(sum, "name"),
                probability: attribute(sum, "probability").parse().expect("a probability"),
                products,
                distribution: attribute(sum, "distribution")
                    .split_whitespace()
                    .map(|n| n.parse().expect("a count"))
                    .collect(),
            }
        })
        .collect()
}

/// What disagrees between our reading of `model` and SCRAM's report on it.
fn compare(file: &str, model: &MefModel, scram: &[ScramTop]) -> Vec<String> {
    let mut problems = Vec::new();
    let ours: Vec<&str> = model.top_events().iter().map(|t| t.name.as_str()).collect();
    let theirs: Vec<&str> = scram.iter().map(|t| t.name.as_str()).collect();
    if ours.len() != theirs.len() {
        problems.push(format!("{file}: top events {ours:?}, SCRAM {theirs:?}"));
    }
    for expected in scram {
        let Some(top) = model.top_event(&expected.name) else {
            problems.push(format!("{file}: no top event {}", expected.name));
            continue;
        };
        let bdd = Bdd::build(&top.formula, &BddOptions::default()).expect("a BDD");
        let p = bdd.probability();
        if six_digits(p) != six_digits(expected.probability) {
            problems.push(format!(
                "{file} {}: probability {p:e}, SCRAM {}",
                expected.name, expected.probability
            ));
        }
        let by_order = bdd.cut_sets(&CutSetOptions::default()).expect("cut sets").count_by_order();
        if by_order[1..] != expected.distribution[..] {
            problems.push(format!(
                "{file} {}: cut sets by order {:?}, SCRAM {:?}",
                expected.name,
                &by_order[1..],
                expected.distribution
            ));
        }
        if named_cut_sets(top) != expected.products {
            problems.push(format!("{file} {}: cut sets differ from SCRAM's", expected.name));
        }
    }
    problems
}

#[test]
fn our_ccf_models_give_scrams_results() {
    let mut files: Vec<PathBuf> = std::fs::read_dir(data_dir())
        .expect("test_data/ccf")
        .map(|entry| entry.expect("a directory entry").path())
        .filter(|path| path.extension().is_some_and(|e| e == "xml"))
        .collect();
    files.sort();
    assert_eq!(files.len(), 4, "{files:?}");
    let mut problems = Vec::new();
    for path in &files {
        let file = path.file_name().expect("a file name").to_string_lossy().into_owned();
        let text = std::fs::read_to_string(path).expect("the model");
        let model = read_mef(&[(file.clone(), text)]).unwrap_or_else(|e| panic!("{e}"));
        assert!(!model.top_events().is_empty(), "{file}");
        let Some(report) = scram_report(path) else { return };
        problems.extend(compare(&file, &model, &scram_tops(&report)));
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

// ---- error messages -------------------------------------------------------------------------

/// A group `g` of members a, b, c, d (line 3) with Q = 0.1 (line 4) and `factors` from line 5.
fn ccf(model: &str, factors: &str) -> String {
    format!(
        "<opsa-mef>
<define-CCF-group name='g' model='{model}'>
<members><basic-event name='a'/><basic-event name='b'/><basic-event name='c'/><basic-event name='d'/></members>
<distribution><parameter name='q'/></distribution>
{factors}
</define-CCF-group>
<model-data><define-parameter name='q'><float value='0.1'/></define-parameter></model-data>
</opsa-mef>"
    )
}

#[test]
fn ccf_errors() {
    let f = |level: &str, value: &str| format!("<factor{level}><float value='{value}'/></factor>");
    insta::assert_snapshot!(error(&ccf("MLG", &f("", "0.1"))), @r#"m.xml:2:1: <define-CCF-group model="MLG">: expected beta-factor, MGL, alpha-factor or phi-factor"#);
    insta::assert_snapshot!(error(&ccf("MGL", &f(" level='1'", "0.1"))), @r#"m.xml:5:1: <factor level="1">: expected an integer from 2 to 4: MGL factors are for levels 2 up to the number of members"#);
    insta::assert_snapshot!(error(&ccf("alpha-factor", &f(" level='two'", "0.1"))), @r#"m.xml:5:1: <factor level="two">: expected an integer from 1 to 4: alpha-factor factors are for levels 1 up to the number of members"#);
    insta::assert_snapshot!(error(&ccf("alpha-factor", &f(" level='5'", "0.1"))), @r#"m.xml:5:1: <factor level="5">: expected an integer from 1 to 4: alpha-factor factors are for levels 1 up to the number of members"#);
    insta::assert_snapshot!(error(&ccf("beta-factor", &f(" level='3'", "0.1"))), @r#"m.xml:5:1: <factor level="3">: expected 4, the number of members: a beta-factor group has one factor, for all its members failing together"#);
    insta::assert_snapshot!(error(&ccf("phi-factor", &format!("<factors>{}</factors>", f("", "0.2").repeat(5)))), @r#"m.xml:5:158: <factor level="5">: expected an integer from 1 to 4: phi-factor factors are for levels 1 up to the number of members; a <factor> without `level` is for the level after the previous factor's"#);
    insta::assert_snapshot!(error(&ccf("MGL", &format!("<factors>\n{}\n{}</factors>", f(" level='2'", "0.1"), f(" level='2'", "0.2")))), @r#"m.xml:7:1: <factor level="2">: expected each level once; level 2 is already given at m.xml:6:1"#);
    insta::assert_snapshot!(error(&ccf("alpha-factor", &format!("<factors>{}{}</factors>", f(" level='1'", "0.9"), f(" level='3'", "0.1")))), @r#"m.xml:2:1: CCF group "g" has 0 <factor level="2">s; it needs exactly one"#);
    insta::assert_snapshot!(error(&ccf("MGL", "<factors/>")), @r#"m.xml:2:1: CCF group "g" has 0 <factor level="2">s; it needs exactly one"#);
    insta::assert_snapshot!(error(&ccf("MGL", "<factors><float value='0.1'/></factors>")), @"m.xml:5:10: <float> is not valid inside <factors>; expected <factor>");
    insta::assert_snapshot!(error(&ccf("MGL", "<factor><float value='0.1'/><float value='0.2'/></factor>")), @"m.xml:5:1: <factor> has 2 argument(s); it takes exactly 1 expression");
    insta::assert_snapshot!(error(&ccf("MGL", &f("", "1.2"))), @r#"m.xml:5:1: <factor level="2">: expected a factor between 0 and 1, not 1.2"#);
    insta::assert_snapshot!(error(&ccf("MGL", &f("", "0.1")).replace("<float value='0.1'/></define-parameter>", "<float value='1.5'/></define-parameter>")), @r#"m.xml:4:1: <define-CCF-group name="g">: expected a <distribution> between 0 and 1, not 1.5"#);
    insta::assert_snapshot!(error(&ccf("MGL", "<factor><parameter name='rho'/></factor>")), @r#"m.xml:5:9: <parameter name="rho"> refers to an undefined parameter"#);
    insta::assert_snapshot!(error(&ccf("phi-factor", &format!("<factors>{}{}</factors>", f("", "0.5"), f("", "0.4")))), @r#"m.xml:2:1: <define-CCF-group model="phi-factor">: expected factors that sum to 1 (give or take 1e-4); those of "g" sum to 0.9"#);
    insta::assert_snapshot!(error(&ccf("alpha-factor", &format!("<factors>{}{}</factors>", f("", "0"), f("", "0")))), @r#"m.xml:2:1: <define-CCF-group model="alpha-factor">: expected at least one factor above 0; those of "g" are all 0"#);
    insta::assert_snapshot!(error(&ccf("MGL", &f("", "0.1")).replace("name='d'", "name='a'")), @r#"m.xml:3:79: gate "a" is defined twice, first as a gate at m.xml:3:10; gates, basic events and house events share one namespace"#);
    // 17 members with factors for every level would make 2¹⁷ − 1 events.
    let many: String = (0..17).map(|i| format!("<basic-event name='m{i}'/>")).collect();
    let xml = ccf("phi-factor", &format!("<factors>{}</factors>", f("", "0.05").repeat(17)))
        .replace("<basic-event name='a'/><basic-event name='b'/><basic-event name='c'/><basic-event name='d'/>", &many);
    insta::assert_snapshot!(error(&xml), @"m.xml:3:1: <members> has 17 argument(s); it takes few enough members to make at most 65536 common-cause events; with factors up to level 17, these make 131071");
    // With factors for two levels only, the same members make 17 + 136 events and are read.
    let xml = ccf("phi-factor", &format!("<factors>{}{}</factors>", f("", "0.25"), f("", "0.75")))
        .replace("<basic-event name='a'/><basic-event name='b'/><basic-event name='c'/><basic-event name='d'/>", &many);
    assert!(read(&xml).is_ok());
}
