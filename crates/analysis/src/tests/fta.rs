//! Fault-tree analysis of small MEF models: probability and cut-set counts, with and without
//! an order limit and a cut-off, and the two kinds of error.

use crate::{FtaError, FtaOptions, fault_tree_analysis};

/// TOP = A ∨ (B ∧ C) ∨ (B ∧ D), with p(A) = 0.1, p(B) = 0.2, p(C) = 0.3, p(D) = 0.01.
const SMALL: &str = r#"<opsa-mef>
  <define-fault-tree name="small">
    <define-gate name="TOP"><or><basic-event name="A"/><gate name="G"/></or></define-gate>
    <define-gate name="G"><and><basic-event name="B"/><or><basic-event name="C"/><basic-event name="D"/></or></and></define-gate>
  </define-fault-tree>
  <model-data>
    <define-basic-event name="A"><float value="0.1"/></define-basic-event>
    <define-basic-event name="B"><float value="0.2"/></define-basic-event>
    <define-basic-event name="C"><float value="0.3"/></define-basic-event>
    <define-basic-event name="D"><float value="0.01"/></define-basic-event>
  </model-data>
</opsa-mef>"#;

/// One line per top event: name, probability, count and counts by order.
fn fta(text: &str, max_order: Option<u32>, cutoff: f64) -> String {
    let files = vec![("m.xml".to_owned(), text.to_owned())];
    match fault_tree_analysis(&files, &FtaOptions { max_order, cutoff }) {
        Ok(results) => results
            .iter()
            .map(|r| {
                format!(
                    "{} p={:.6e} count={} by_order={:?}",
                    r.name, r.probability, r.cut_set_count, r.count_by_order
                )
            })
            .collect::<Vec<_>>()
            .join("\n"),
        Err(error) => format!("error: {error}"),
    }
}

#[test]
fn counts_cut_sets_by_order() {
    // P = 1 − 0.9 × (1 − 0.2 × (1 − 0.7 × 0.99)) = 0.15526.
    insta::assert_snapshot!(fta(SMALL, None, 0.0), @"TOP p=1.552600e-1 count=3 by_order=[0, 1, 2]");
}

#[test]
fn the_order_limit_truncates_cut_sets_not_the_probability() {
    insta::assert_snapshot!(fta(SMALL, Some(1), 0.0), @"TOP p=1.552600e-1 count=1 by_order=[0, 1]");
}

#[test]
fn the_cutoff_drops_improbable_sets() {
    // {B, D} has probability 0.002.
    insta::assert_snapshot!(fta(SMALL, None, 0.01), @"TOP p=1.552600e-1 count=2 by_order=[0, 1, 1]");
}

#[test]
fn invalid_models_are_located_errors() {
    let text = SMALL.replace(r#"<gate name="G"/>"#, r#"<gate name="H"/>"#);
    let files = vec![("m.xml".to_owned(), text)];
    let error = fault_tree_analysis(&files, &FtaOptions::default()).expect_err("H is undefined");
    assert!(matches!(error, FtaError::Invalid(ref e) if e.location.is_some()), "{error}");
}
