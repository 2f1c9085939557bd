//! Tests of the MEF reader and writer: features on small hand-written models, every error
//! message as an inline snapshot, round trips through [`write_mef`], robustness against
//! mangled input, conformance on Aralia benchmark trees (`test_data/aralia`), and common-cause
//! groups of every model (`test_data/ccf`, checked against SCRAM).

mod aralia;
mod ccf;
mod scram;

use proptest::prelude::*;

use crate::{
    Bdd, BddOptions, CutSetOptions, FormulaBuilder, ListOptions, MefModel, Probability, TopEvent,
    read_mef, write_mef,
};

/// Reads one file named `m.xml`.
fn read(xml: &str) -> Result<MefModel, crate::MefError> {
    read_mef(&[("m.xml".to_owned(), xml.to_owned())])
}

/// The error message for one file named `m.xml`.
fn error(xml: &str) -> String {
    match read(xml) {
        Ok(_) => panic!("expected an error for {xml}"),
        Err(error) => error.to_string(),
    }
}

/// A model of one fault tree with gate `top` holding `formula`, and basic events a, b, c, d
/// with probabilities 0.1, 0.2, 0.3, 0.4.
fn model(gates: &str) -> String {
    format!(
        r#"<?xml version="1.0"?>
<opsa-mef>
<define-fault-tree name="ft">
{gates}
</define-fault-tree>
<model-data>
<define-basic-event name="a"><float value="0.1"/></define-basic-event>
<define-basic-event name="b"><float value="0.2"/></define-basic-event>
<define-basic-event name="c"><float value="0.3"/></define-basic-event>
<define-basic-event name="d"><float value="0.4"/></define-basic-event>
</model-data>
</opsa-mef>"#
    )
}

/// The probability of the single top event of `xml`.
fn probability(xml: &str) -> f64 {
    let model = read(xml).expect("a valid model");
    let [top] = model.top_events() else { panic!("one top event") };
    Bdd::build(&top.formula, &BddOptions::default()).expect("a BDD").probability()
}

/// The minimal cut sets of a top event, as sorted lists of basic-event names.
fn named_cut_sets(top: &TopEvent) -> Vec<Vec<String>> {
    let bdd = Bdd::build(&top.formula, &BddOptions::default()).expect("a BDD");
    let cut_sets = bdd.cut_sets(&CutSetOptions::default()).expect("cut sets");
    let mut sets: Vec<Vec<String>> = cut_sets
        .list(&ListOptions::default())
        .iter()
        .map(|set| {
            let mut names: Vec<String> =
                set.vars().iter().map(|v| top.variables[v.index()].clone()).collect();
            names.sort();
            names
        })
        .collect();
    sets.sort();
    sets
}

/// `x` rounded to six significant digits, as text: how the benchmark results are compared.
fn six_digits(x: f64) -> String {
    format!("{x:.5e}")
}

fn close(actual: f64, expected: f64) -> bool {
    (actual - expected).abs() <= 1e-12 * expected.abs().max(1e-300)
}

#[test]
fn connectives_have_their_open_psa_meaning() {
    let (a, b, c) = (0.1, 0.2, 0.3);
    let cases: &[(&str, f64)] = &[
        ("<and><basic-event name='a'/><basic-event name='b'/></and>", a * b),
        ("<or><basic-event name='a'/><basic-event name='b'/></or>", a + b - a * b),
        ("<not><basic-event name='a'/></not>", 1.0 - a),
        ("<nand><basic-event name='a'/><basic-event name='b'/></nand>", 1.0 - a * b),
        ("<nor><basic-event name='a'/><basic-event name='b'/></nor>", (1.0 - a) * (1.0 - b)),
        (
            "<xor><basic-event name='a'/><basic-event name='b'/></xor>",
            a * (1.0 - b) + b * (1.0 - a),
        ),
        (
            "<xor><event name='a'/><event name='b'/><event name='c'/></xor>",
            a * b * c
                + a * (1.0 - b) * (1.0 - c)
                + (1.0 - a) * b * (1.0 - c)
                + (1.0 - a) * (1.0 - b) * c,
        ),
        (
            "<iff><basic-event name='a'/><basic-event name='b'/></iff>",
            a * b + (1.0 - a) * (1.0 - b),
        ),
        ("<imply><basic-event name='a'/><basic-event name='b'/></imply>", 1.0 - a * (1.0 - b)),
        (
            "<atleast min='2'><event name='a'/><event name='b'/><event name='c'/></atleast>",
            a * b + a * c + b * c - 2.0 * a * b * c,
        ),
        (
            "<cardinality min='1' max='1'><event name='a'/><event name='b'/></cardinality>",
            a * (1.0 - b) + b * (1.0 - a),
        ),
        ("<constant value='true'/>", 1.0),
        ("<and><constant value='false'/><basic-event name='a'/></and>", 0.0),
        ("<event name='a'/>", a),
        ("<event name='a' type='basic-event'/>", a),
        (
            "<or><and><event name='a'/><not><event name='b'/></not></and><event name='c'/></or>",
            a * (1.0 - b) + c - a * (1.0 - b) * c,
        ),
    ];
    for (formula, expected) in cases {
        let xml = model(&format!(
            "<define-gate name='top'><label>x</label><attributes><attribute name='k' \
             value='v'/></attributes>{formula}</define-gate>"
        ));
        let p = probability(&xml);
        assert!(close(p, *expected), "{formula}: {p} != {expected}");
    }
}

#[test]
fn expressions_parameters_house_events_and_several_files() {
    let tree = r#"<opsa-mef>
<define-fault-tree name="ft">
  <define-gate name="top"><or><gate name="g"/><house-event name="h"/></or></define-gate>
  <define-component name="c">
    <define-gate name="g"><and><basic-event name="e"/><event name="f"/><event name="on"/></and></define-gate>
  </define-component>
  <define-house-event name="h"/>
</define-fault-tree>
</opsa-mef>"#;
    let data = r#"<opsa-mef>
<model-data>
  <define-parameter name="lambda" unit="float"><mul><float value="1e-4"/><int value="2"/></mul></define-parameter>
  <define-basic-event name="e"><exponential><parameter name="lambda"/><system-mission-time/></exponential></define-basic-event>
  <define-basic-event name="f"><sub><float value="1"/><div><float value="1"/><int value="4"/></div></sub></define-basic-event>
  <define-house-event name="on"><constant value="true"/></define-house-event>
</model-data>
</opsa-mef>"#;
    let model =
        read_mef(&[("tree.xml".into(), tree.into()), ("data.xml".into(), data.into())]).unwrap();
    let [top] = model.top_events() else { panic!("one top event") };
    assert_eq!(top.name, "top");
    assert_eq!(top.variables, ["e", "f"]);
    let p_e = 1.0 - (-2e-4_f64 * 8760.0).exp();
    let p = Bdd::build(&top.formula, &BddOptions::default()).unwrap().probability();
    assert!(close(p, p_e * 0.75), "{p}");
    assert!(close(top.formula.probabilities()[0].get(), p_e));
}

/// The probability of basic event `e` defined by `expression`.
fn value_of(expression: &str) -> f64 {
    let xml = format!(
        "<opsa-mef><define-fault-tree name='t'><define-gate name='top'><or><basic-event name='e'/></or></define-gate></define-fault-tree>\
         <model-data><define-basic-event name='e'>{expression}</define-basic-event></model-data></opsa-mef>"
    );
    let model = read(&xml).unwrap_or_else(|e| panic!("{expression}: {e}"));
    model.top_events()[0].formula.probabilities()[0].get()
}

#[test]
fn built_in_functions_and_deviates_have_their_point_values() {
    let f = |x: f64| format!("<float value='{x}'/>");
    let exp_m = |x: f64| 1.0 - (-x).exp();
    let cases: Vec<(String, f64)> = vec![
        // GLM(γ, λ, μ, t) = (λ − (λ − γ(λ+μ)) e^(−(λ+μ)t)) / (λ+μ); γ = 0 is unavailability
        // with repair, λ/(λ+μ)·(1 − e^(−(λ+μ)t)).
        (
            format!("<GLM>{}{}{}{}</GLM>", f(0.0), f(1e-3), f(0.1), f(100.0)),
            1e-3 / 0.101 * exp_m(0.101 * 100.0),
        ),
        (format!("<GLM>{}{}{}{}</GLM>", f(0.25), f(0.0), f(0.0), f(5.0)), 0.25),
        (format!("<Weibull>{}{}{}{}</Weibull>", f(100.0), f(2.0), f(10.0), f(60.0)), exp_m(0.25)),
        (format!("<Weibull>{}{}{}{}</Weibull>", f(100.0), f(2.0), f(10.0), f(5.0)), 0.0),
        // Tested every 720 h from t = 0: at 8760 h the last test was at 8640 h.
        (
            format!(
                "<periodic-test>{}{}{}<system-mission-time/></periodic-test>",
                f(1e-4),
                f(720.0),
                f(0.0)
            ),
            exp_m(1e-4 * 120.0),
        ),
        // Before the first test (θ = 1000 h) the whole time counts.
        (
            format!(
                "<periodic-test>{}{}{}{}</periodic-test>",
                f(1e-4),
                f(720.0),
                f(1000.0),
                f(600.0)
            ),
            exp_m(1e-4 * 600.0),
        ),
        (format!("<lognormal-deviate>{}{}{}</lognormal-deviate>", f(0.01), f(3.0), f(0.95)), 0.01),
        (
            format!("<lognormal-deviate>{}{}</lognormal-deviate>", f(-5.0), f(0.5)),
            (-5.0_f64 + 0.125).exp(),
        ),
        (format!("<normal-deviate>{}{}</normal-deviate>", f(0.2), f(0.01)), 0.2),
        (format!("<uniform-deviate>{}{}</uniform-deviate>", f(0.1), f(0.3)), 0.2),
        (format!("<gamma-deviate>{}{}</gamma-deviate>", f(2.0), f(0.05)), 0.1),
        (format!("<beta-deviate>{}{}</beta-deviate>", f(1.0), f(3.0)), 0.25),
        (
            format!("<neg><mul><exp>{}</exp><log>{}</log></mul></neg>", f(0.0), f(0.5)),
            -(0.5_f64.ln()),
        ),
        (format!("<div><sqrt>{}</sqrt><pow>{}{}</pow></div>", f(0.04), f(10.0), f(1.0)), 0.02),
        (format!("<div><log10>{}</log10><int value='-1000'/></div>", f(0.1)), 0.001),
        (format!("<abs>{}</abs>", f(-0.5)), 0.5),
        (format!("<sub><max>{}{}</max><min>{}{}</min></sub>", f(0.5), f(0.7), f(0.2), f(0.3)), 0.5),
        (format!("<mean>{}{}{}</mean>", f(0.1), f(0.2), f(0.6)), 0.3),
        ("<div><pi/><int value='4'/></div>".to_owned(), std::f64::consts::FRAC_PI_4),
    ];
    for (expression, expected) in cases {
        let actual = value_of(&expression);
        assert!(
            (actual - expected).abs() <= 1e-12 * expected.abs().max(1e-12),
            "{expression}: {actual} vs {expected}"
        );
    }
    insta::assert_snapshot!(error("<opsa-mef><model-data>\n<define-basic-event name='e'><periodic-test><float value='1'/><float value='1'/><float value='1'/><float value='1'/><float value='1'/></periodic-test></define-basic-event>\n</model-data></opsa-mef>"), @"m.xml:2:30: <periodic-test> has 5 argument(s); it takes exactly 4 (lambda, tau, theta, time); the 5- and 11-argument forms are not supported");
}

#[test]
fn private_definitions_are_named_by_their_path() {
    let xml = r#"<opsa-mef>
<define-fault-tree name="ft">
  <define-gate name="top"><and><gate name="g"/><gate name="c.g"/></and></define-gate>
  <define-gate name="g"><or><basic-event name="a"/><basic-event name="c.a"/></or></define-gate>
  <define-component name="c" role="private">
    <define-gate name="g"><or><basic-event name="a"/><basic-event name="b"/></or></define-gate>
    <define-basic-event name="a"><parameter name="p"/></define-basic-event>
    <define-basic-event name="b" role="public"><float value="0.5"/></define-basic-event>
    <define-parameter name="p"><float value="0.25"/></define-parameter>
  </define-component>
</define-fault-tree>
<model-data><define-basic-event name="a"><float value="0.1"/></define-basic-event></model-data>
</opsa-mef>"#;
    let model = read(xml).unwrap();
    let [top] = model.top_events() else { panic!("one top event") };
    let mut names = top.variables.clone();
    names.sort();
    assert_eq!(names, ["a", "b", "ft.c.a"]);
    // (a ∨ c.a) ∧ (c.a ∨ b)
    let (a, ca, b) = (0.1, 0.25, 0.5);
    let p = ca + (1.0 - ca) * a * b;
    assert!(close(probability(xml), p), "{}", probability(xml));
    // From outside, a private definition is reachable only by its path.
    let hidden = xml.replace(r#"<gate name="c.g"/>"#, r#"<gate name="h"/>"#).replace(
        r#"<define-gate name="g"><or><basic-event name="a"/><basic-event name="b"/>"#,
        r#"<define-gate name="h"><or><basic-event name="a"/><basic-event name="b"/>"#,
    );
    insta::assert_snapshot!(error(&hidden), @r#"m.xml:3:48: <gate name="h"> refers to an undefined gate; did you mean "g"?"#);
    let bad_role = xml.replace(r#"role="private""#, r#"role="secret""#);
    insta::assert_snapshot!(error(&bad_role), @r#"m.xml:5:3: <define-component role="secret">: expected private or public"#);
}

#[test]
fn a_beta_factor_group_splits_each_member_into_own_and_common_failures() {
    let xml = r#"<opsa-mef>
<define-fault-tree name="ft">
  <define-gate name="top"><and><basic-event name="p1"/><event name="p2"/><event name="p3"/></and></define-gate>
</define-fault-tree>
<define-CCF-group name="pumps" model="beta-factor">
  <members><basic-event name="p1"/><basic-event name="p2"/><basic-event name="p3"/></members>
  <distribution><float value="0.1"/></distribution>
  <factor level="3"><float value="0.2"/></factor>
</define-CCF-group>
</opsa-mef>"#;
    let model = read(xml).unwrap();
    let [top] = model.top_events() else { panic!("one top event: the members are not tops") };
    // All three fail together (β·Q = 0.02), or each fails on its own ((1 − β)·Q = 0.08).
    let p = 0.02 + 0.98 * 0.08_f64.powi(3);
    assert!(close(probability(xml), p), "{}", probability(xml));
    insta::assert_debug_snapshot!(named_cut_sets(top), @r#"
    [
        [
            "[p1 p2 p3]",
        ],
        [
            "[p1]",
            "[p2]",
            "[p3]",
        ],
    ]
    "#);
}

#[test]
fn every_unreferenced_gate_is_a_top_event() {
    let xml = model(
        "<define-gate name='t1'><or><gate name='shared'/><event name='a'/></or></define-gate>
         <define-gate name='shared'><and><event name='b'/><event name='c'/></and></define-gate>
         <define-gate name='t2'><and><gate name='shared'/><event name='d'/></and></define-gate>",
    );
    let model = read(&xml).unwrap();
    let names: Vec<&str> = model.top_events().iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, ["t1", "t2"]);
    let t2 = model.top_event("t2").unwrap();
    assert_eq!(named_cut_sets(t2), [["b", "c", "d"]]);
    assert!(model.top_event("shared").is_none());
}

#[test]
fn a_model_without_gates_has_no_top_events() {
    let model = read(&model("")).unwrap();
    assert!(model.top_events().is_empty());
    assert!(read_mef(&[]).unwrap().top_events().is_empty());
}

// ---- error messages -------------------------------------------------------------------------

#[test]
fn malformed_xml() {
    insta::assert_snapshot!(error("<opsa-mef>\n  <define-fault-tree name='x'>\n  </model-data>\n</opsa-mef>"), @"m.xml:3:3: malformed XML: ill-formed document: expected `</define-fault-tree>`, but `</model-data>` was found");
    insta::assert_snapshot!(error("<opsa-mef>\n<define-gate name='a\n"), @"m.xml:2:1: malformed XML: syntax error: attribute value not closed: `'` not found before end of input");
    insta::assert_snapshot!(error("<opsa-mef><a x='1' x='2'/></opsa-mef>"), @"m.xml:1:20: malformed XML: an attribute is given twice in one element");
    insta::assert_snapshot!(error("<opsa-mef>\n  <define-fault-tree name=ft/>\n</opsa-mef>"), @"m.xml:2:27: malformed XML: attribute values must be quoted");
}

#[test]
fn structure_errors() {
    insta::assert_snapshot!(error("<opsa-mef>\n<define-fault-tree name='ft'>\n<define-gate name='g'>"), @"m.xml:3:1: the file ends before <define-gate> is closed");
    insta::assert_snapshot!(error(&"<and>".repeat(200)), @"m.xml:1:641: elements are nested more than 128 deep; MEF models need only a few levels");
    insta::assert_snapshot!(error("<?xml version='1.0'?>\n<!-- nothing -->\n"), @"m.xml:1:1: no element found; an Open-PSA MEF file holds exactly one <opsa-mef> element");
    insta::assert_snapshot!(error("<model>\n</model>"), @"m.xml:1:1: the root element is <model>; an Open-PSA MEF file holds exactly one <opsa-mef> element");
    insta::assert_snapshot!(error("<opsa-mef/>\n<opsa-mef/>"), @"m.xml:2:1: a second root element <opsa-mef> follows; an Open-PSA MEF file holds exactly one <opsa-mef> element");
}

#[test]
fn element_errors() {
    insta::assert_snapshot!(error(&model("<define-gate name='g'><sum><event name='a'/></sum></define-gate>")), @"m.xml:4:23: <sum> is not valid inside <define-gate>; expected a formula: <and>, <or>, <atleast>, <cardinality>, <not>, <xor>, <nand>, <nor>, <iff>, <imply>, <constant>, or a reference <gate>, <basic-event>, <house-event>, <event>");
    insta::assert_snapshot!(error(&model("<define-event name='g'/>")), @"m.xml:4:1: <define-event> is not valid inside <define-fault-tree>; expected <define-gate>, <define-basic-event>, <define-house-event>, <define-parameter>, <define-CCF-group>, <define-component>, <label> or <attributes>");
    insta::assert_snapshot!(error("<opsa-mef>\n  <define-CCF-group name='c' model='beta-factor'><members><basic-event name='a'/></members><distribution><float value='0.1'/></distribution><factor><float value='0.2'/></factor></define-CCF-group>\n</opsa-mef>"), @"m.xml:2:50: <members> has 1 argument(s); it takes at least 2 members");
    insta::assert_snapshot!(error("<opsa-mef>\n  <define-CCF-group name='c' model='beta-factor'><members><basic-event name='a'/><basic-event name='b'/></members></define-CCF-group>\n</opsa-mef>"), @r#"m.xml:2:3: CCF group "c" has 0 <distribution>s; it needs exactly one"#);
    insta::assert_snapshot!(error("<opsa-mef><model-data>\n<define-basic-event name='e'><GLM><float value='1'/></GLM></define-basic-event>\n</model-data></opsa-mef>"), @"m.xml:2:30: <GLM> has 1 argument(s); it takes exactly 4 (gamma, lambda, mu, time)");
    insta::assert_snapshot!(error("<opsa-mef><model-data>\n<define-basic-event name='e'><histogram/></define-basic-event>\n</model-data></opsa-mef>"), @"m.xml:2:30: <histogram> is Open-PSA MEF but not supported by this reader; supported here: an expression: <float>, <int>, <bool>, <pi>, <parameter>, <system-mission-time>, <exponential>, <GLM>, <Weibull>, <periodic-test>, a deviate (<uniform-deviate>, <normal-deviate>, <lognormal-deviate>, <gamma-deviate>, <beta-deviate>: its mean), <exp>, <log>, <log10>, <sqrt>, <abs>, <pow>, <min>, <max>, <mean>, <add>, <sub>, <mul>, <div> or <neg>");
}

#[test]
fn attribute_errors() {
    insta::assert_snapshot!(error(&model("<define-gate><event name='a'/></define-gate>")), @"m.xml:4:1: <define-gate> lacks the required attribute `name`");
    insta::assert_snapshot!(error(&model("<define-gate name=' '><event name='a'/></define-gate>")), @r#"m.xml:4:1: <define-gate name=" ">: expected a non-empty name"#);
    insta::assert_snapshot!(error(&model("<define-gate name='g'><atleast min='3'><event name='a'/><event name='b'/></atleast></define-gate>")), @r#"m.xml:4:23: <atleast min="3">: expected an integer from 1 to 2, the number of arguments of this <atleast>"#);
    insta::assert_snapshot!(error(&model("<define-gate name='g'><atleast><event name='a'/><event name='b'/></atleast></define-gate>")), @"m.xml:4:23: <atleast> lacks the required attribute `min`");
    insta::assert_snapshot!(error(&model("<define-gate name='g'><cardinality min='2' max='1'><event name='a'/><event name='b'/></cardinality></define-gate>")), @r#"m.xml:4:23: <cardinality min="2">: expected at most max = 1"#);
    insta::assert_snapshot!(error(&model("<define-gate name='g'><constant value='yes'/></define-gate>")), @r#"m.xml:4:23: <constant value="yes">: expected true or false"#);
    insta::assert_snapshot!(error(&model("<define-gate name='g'><event name='a' type='parameter'/></define-gate>")), @r#"m.xml:4:23: <event type="parameter">: expected gate, basic-event or house-event"#);
    insta::assert_snapshot!(error("<opsa-mef><model-data>\n<define-basic-event name='e'><float value='0.1.2'/></define-basic-event>\n</model-data></opsa-mef>"), @r#"m.xml:2:30: <float value="0.1.2">: expected a finite number"#);
}

#[test]
fn definition_errors() {
    let tree = model("<define-gate name='g'><event name='a'/></define-gate>");
    let again = "<opsa-mef><model-data>\n<define-basic-event name='g'><float value='0.5'/></define-basic-event>\n</model-data></opsa-mef>";
    let err = read_mef(&[("tree.xml".into(), tree), ("again.xml".into(), again.into())]);
    insta::assert_snapshot!(err.unwrap_err().to_string(), @r#"again.xml:2:1: basic event "g" is defined twice, first as a gate at tree.xml:4:1; gates, basic events and house events share one namespace"#);
    insta::assert_snapshot!(error("<opsa-mef><model-data>\n<define-parameter name='p'><float value='0.5'/></define-parameter>\n<define-parameter name='p'><float value='0.5'/></define-parameter>\n</model-data></opsa-mef>"), @r#"m.xml:3:1: parameter "p" is defined twice, first as a parameter at m.xml:2:1; parameter names must be unique"#);
    insta::assert_snapshot!(error(&model("<define-gate name='g'><and><event name='a'/><basic-event name='bb'/></and></define-gate>")), @r#"m.xml:4:45: <basic-event name="bb"> refers to an undefined basic event; did you mean "b"?"#);
    insta::assert_snapshot!(error(&model("<define-gate name='g'><and><event name='a'/><gate name='zzz'/></and></define-gate>")), @r#"m.xml:4:45: <gate name="zzz"> refers to an undefined gate"#);
    insta::assert_snapshot!(error(&model("<define-gate name='g'><and><event name='a'/><gate name='b'/></and></define-gate>")), @r#"m.xml:4:45: <gate name="b"> refers to a basic event; expected a gate"#);
    insta::assert_snapshot!(error(&model("<define-gate name='g'><and><event name='a'/><house-event name='g'/></and></define-gate>")), @r#"m.xml:4:45: <house-event name="g"> refers to a gate; expected a house event"#);
}

#[test]
fn cycle_errors() {
    insta::assert_snapshot!(error(&model(
        "<define-gate name='top'><or><gate name='g1'/><event name='a'/></or></define-gate>
<define-gate name='g1'><and><gate name='g2'/><event name='b'/></and></define-gate>
<define-gate name='g2'><or><gate name='g1'/><event name='c'/></or></define-gate>"
    )), @r#"m.xml:5:1: gate "g1" depends on itself: g1 -> g2 -> g1; gates must form an acyclic graph"#);
    insta::assert_snapshot!(error(&model("<define-gate name='g'><not><gate name='g'/></not></define-gate>")), @r#"m.xml:4:1: gate "g" depends on itself: g -> g; gates must form an acyclic graph"#);
    insta::assert_snapshot!(error("<opsa-mef><model-data>
<define-basic-event name='e'><parameter name='p'/></define-basic-event>
<define-parameter name='p'><mul><parameter name='q'/><float value='1'/></mul></define-parameter>
<define-parameter name='q'><parameter name='p'/></define-parameter>
</model-data></opsa-mef>"), @r#"m.xml:3:1: parameter "p" depends on itself: p -> q -> p; parameters must form an acyclic graph"#);
}

#[test]
fn formula_errors() {
    insta::assert_snapshot!(error(&model("<define-gate name='g'><not><event name='a'/><event name='b'/></not></define-gate>")), @"m.xml:4:23: <not> has 2 argument(s); it takes exactly 1");
    insta::assert_snapshot!(error(&model("<define-gate name='g'><xor><event name='a'/></xor></define-gate>")), @"m.xml:4:23: <xor> has 1 argument(s); it takes at least 2");
    insta::assert_snapshot!(error(&model("<define-gate name='g'><and/></define-gate>")), @"m.xml:4:23: <and> has 0 argument(s); it takes at least 1");
    insta::assert_snapshot!(error(&model("<define-gate name='g'><or><event name='a'/><basic-event name='a'/></or></define-gate>")), @r#"m.xml:4:44: <or> names "a" twice; each argument must be a different event"#);
    insta::assert_snapshot!(error(&model("<define-gate name='g'><event name='a'/><event name='b'/></define-gate>")), @r#"m.xml:4:1: gate "g" has 2 formulas; it needs exactly one"#);
    insta::assert_snapshot!(error(&model("<define-gate name='g'><label>only a label</label></define-gate>")), @r#"m.xml:4:1: gate "g" has 0 formulas; it needs exactly one"#);
}

#[test]
fn probability_errors() {
    insta::assert_snapshot!(error("<opsa-mef><model-data>\n<define-basic-event name='e'/>\n</model-data></opsa-mef>"), @r#"m.xml:2:1: basic event "e" has 0 expressions; it needs exactly one"#);
    insta::assert_snapshot!(error("<opsa-mef><model-data>\n<define-basic-event name='e'><float value='1.5'/></define-basic-event>\n</model-data></opsa-mef>"), @r#"m.xml:2:1: basic event "e" has probability 1.5; a probability lies between 0 and 1"#);
    insta::assert_snapshot!(error("<opsa-mef><model-data>\n<define-basic-event name='e'><exponential><float value='-1'/><float value='1'/></exponential></define-basic-event>\n</model-data></opsa-mef>"), @r#"m.xml:2:1: basic event "e" has probability -1.718281828459045; a probability lies between 0 and 1"#);
    insta::assert_snapshot!(error("<opsa-mef><model-data>\n<define-basic-event name='e'><exponential><float value='1'/></exponential></define-basic-event>\n</model-data></opsa-mef>"), @"m.xml:2:30: <exponential> has 1 argument(s); it takes exactly 2 (rate, time)");
    insta::assert_snapshot!(error("<opsa-mef><model-data>\n<define-basic-event name='e'><parameter name='lamda'/></define-basic-event>\n<define-parameter name='lambda'><float value='0.5'/></define-parameter>\n</model-data></opsa-mef>"), @r#"m.xml:2:30: <parameter name="lamda"> refers to an undefined parameter; did you mean "lambda"?"#);
}

#[test]
fn write_errors() {
    let mut builder = FormulaBuilder::new();
    let a = builder.variable(Probability::new(0.5).unwrap());
    let b = builder.variable(Probability::new(0.5).unwrap());
    let top = builder.and(&[a.into(), b.into()]);
    let formula = builder.build(top);
    let names = |list: &[&str]| list.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
    let err = |name: &str, list: &[&str]| {
        write_mef(name, &formula, &names(list)).unwrap_err().to_string()
    };
    insta::assert_snapshot!(err("top", &["a"]), @"1 variable names given for a formula of 2 variables");
    insta::assert_snapshot!(err("top", &["a", "a"]), @r#"cannot write name "a": it names two events (the top gate and the variables need distinct names)"#);
    insta::assert_snapshot!(err("top", &["a", "top"]), @r#"cannot write name "top": it names two events (the top gate and the variables need distinct names)"#);
    insta::assert_snapshot!(err("top", &["a", "b c"]), @r#"cannot write name "b c": MEF names are non-empty and have no white space"#);
    insta::assert_snapshot!(err("top", &["a", "top-g0"]), @r#"cannot write name "top-g0": names starting with "top-" are kept for gates"#);
    insta::assert_snapshot!(err("", &["a", "b"]), @r#"cannot write name "": MEF names are non-empty and have no white space"#);
}

// ---- round trips ----------------------------------------------------------------------------

/// Writes `top`, reads it back and checks the probability and the cut sets.
fn assert_round_trip(top: &TopEvent) {
    let xml = write_mef(&top.name, &top.formula, &top.variables).expect("writable");
    let model = read_mef(&[("written.xml".to_owned(), xml.clone())])
        .unwrap_or_else(|e| panic!("{e}\n{xml}"));
    let [back] = model.top_events() else { panic!("one top event in\n{xml}") };
    assert_eq!(back.name, top.name);
    let p = |t: &TopEvent| Bdd::build(&t.formula, &BddOptions::default()).unwrap().probability();
    let (before, after) = (p(top), p(back));
    assert!(close(after, before), "{after} != {before}\n{xml}");
    assert_eq!(named_cut_sets(back), named_cut_sets(top), "{xml}");
    for (name, probability) in back.variables.iter().zip(back.formula.probabilities()) {
        let original = top.variables.iter().position(|n| n == name).expect("same names");
        assert_eq!(*probability, top.formula.probabilities()[original]);
    }
}

#[test]
fn round_trip_of_a_hand_built_formula() {
    let mut builder = FormulaBuilder::new();
    let p = |x| Probability::new(x).unwrap();
    let a = builder.variable(p(0.1)).into();
    let b = builder.variable(p(0.2)).into();
    let c = builder.variable(p(1.0 / 3.0)).into();
    let d = builder.variable(p(1e-9)).into();
    let unused = builder.variable(p(0.5));
    let _ = unused;
    let vote = builder.atleast(2, &[a, a, b, c]);
    let both = builder.and(&[b, b, c]);
    let empty_and = builder.and(&[]);
    let never = builder.atleast(5, &[a, b]);
    let always = builder.atleast(0, &[a]);
    let not_d = builder.not(d);
    let inner = builder.or(&[both, never, true.into()]);
    let with_constants = builder.and(&[inner, empty_and, always]);
    let x = builder.xor(&[c, d]);
    let top = builder.or(&[vote, with_constants, not_d, x, false.into()]);
    let formula = builder.build(top);
    let top = TopEvent {
        name: "top".to_owned(),
        formula,
        variables: ["a", "b", "c", "d", "unused"].map(str::to_owned).to_vec(),
    };
    assert_round_trip(&top);
}

#[test]
fn round_trip_of_a_variable_or_constant_top() {
    for top in [crate::Operand::Const(true), crate::Operand::Const(false)] {
        let mut builder = FormulaBuilder::new();
        builder.variable(Probability::new(0.25).unwrap());
        let formula = builder.build(top);
        assert_round_trip(&TopEvent { name: "t".into(), formula, variables: vec!["x".into()] });
    }
    let mut builder = FormulaBuilder::new();
    let x = builder.variable(Probability::new(0.25).unwrap());
    let formula = builder.build(x.into());
    assert_round_trip(&TopEvent { name: "t".into(), formula, variables: vec!["x".into()] });
}

#[test]
fn written_xml_is_readable_mef() {
    let xml = model(
        "<define-gate name='top'><atleast min='2'><event name='a'/><not><event name='b'/></not><event name='c'/></atleast></define-gate>",
    );
    let model = read(&xml).unwrap();
    let top = &model.top_events()[0];
    insta::assert_snapshot!(write_mef(&top.name, &top.formula, &top.variables).unwrap(), @r#"
    <?xml version="1.0" encoding="UTF-8"?>
    <opsa-mef>
      <define-fault-tree name="top">
        <define-gate name="top-g0">
          <not>
            <basic-event name="b"/>
          </not>
        </define-gate>
        <define-gate name="top">
          <atleast min="2">
            <basic-event name="a"/>
            <gate name="top-g0"/>
            <basic-event name="c"/>
          </atleast>
        </define-gate>
      </define-fault-tree>
      <model-data>
        <define-basic-event name="a">
          <float value="0.1"/>
        </define-basic-event>
        <define-basic-event name="b">
          <float value="0.2"/>
        </define-basic-event>
        <define-basic-event name="c">
          <float value="0.3"/>
        </define-basic-event>
      </model-data>
    </opsa-mef>
    "#);
}

// ---- robustness -----------------------------------------------------------------------------

#[test]
fn deep_nesting_is_refused_or_evaluated_without_overflowing_the_stack() {
    // A long chain of parameters, each as deeply nested as accepted.
    let depth = crate::mef::xml::MAX_DEPTH - 4;
    let chain = 1000;
    let mut xml = String::from("<opsa-mef><model-data>\n");
    xml.push_str("<define-basic-event name='e'><parameter name='p0'/></define-basic-event>\n");
    for i in 0..chain {
        let inner = if i + 1 == chain {
            "<float value='0.5'/>".to_owned()
        } else {
            format!("<parameter name='p{}'/>", i + 1)
        };
        let nested = format!("{}{inner}{}", "<add>".repeat(depth), "</add>".repeat(depth));
        xml.push_str(&format!("<define-parameter name='p{i}'>{nested}</define-parameter>\n"));
    }
    xml.push_str("<define-gate name='g'><and>");
    xml.push_str(&"<and>".repeat(depth - 2));
    xml.push_str("<event name='e'/>");
    xml.push_str(&"</and>".repeat(depth - 2));
    xml.push_str("</and></define-gate>\n</model-data></opsa-mef>");
    let model = read(&xml).expect("deep but within the limits");
    assert_eq!(model.top_events()[0].formula.probabilities()[0].get(), 0.5);
}

#[test]
fn a_long_chain_of_gates_is_read_without_recursion() {
    let n = 5000;
    let mut xml = String::from("<opsa-mef><define-fault-tree name='chain'>\n");
    for i in 0..n {
        let next = if i + 1 == n {
            "<basic-event name='last'/>".to_owned()
        } else {
            format!("<gate name='g{}'/>", i + 1)
        };
        xml.push_str(&format!(
            "<define-gate name='g{i}'><or>{next}<event name='e{i}'/></or></define-gate>\n"
        ));
    }
    xml.push_str("</define-fault-tree><model-data>\n<define-basic-event name='last'><float value='0'/></define-basic-event>\n");
    for i in 0..n {
        xml.push_str(&format!(
            "<define-basic-event name='e{i}'><float value='1e-4'/></define-basic-event>\n"
        ));
    }
    xml.push_str("</model-data></opsa-mef>");
    let model = read(&xml).unwrap();
    let [top] = model.top_events() else { panic!("one top event") };
    assert_eq!(top.name, "g0");
    assert_eq!(top.variables.len(), n + 1);
    let p = Bdd::build(&top.formula, &BddOptions::default()).unwrap().probability();
    assert!(close(p, 1.0 - (1.0 - 1e-4_f64).powi(n as i32)), "{p}");
}

proptest! {
    /// Truncating a valid model or overwriting one of its bytes gives a model or an error, never
    /// a panic.
    #[test]
    fn mangled_input_never_panics(cut in 0_usize..2000, at in 0_usize..2000, byte in 0_u8..128) {
        let xml = model(
            "<define-gate name='top'><or><gate name='g'/><atleast min='2'><event name='a'/>\
             <event name='b'/><event name='c'/></atleast></or></define-gate>
             <define-gate name='g'><and><event name='d'/><not><event name='a'/></not></and></define-gate>",
        );
        let truncated: String = xml.chars().take(cut).collect();
        let _ = read(&truncated);
        let mut bytes = xml.into_bytes();
        let at = at % bytes.len();
        bytes[at] = byte;
        let _ = read(&String::from_utf8_lossy(&bytes));
    }
}
