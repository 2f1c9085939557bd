//! What-if tests: small models as text in, the down and degraded sets with their paths out, plus
//! property tests over random models.

use blastradius_model::load;

use crate::{Status, WhatIfIndex, what_if};

/// Loads `model`, fails the comma-separated `failed` ids, and lists every node that is not up
/// with its path, then every function's status.
fn blast(model: &str, failed: &str) -> String {
    let model = load("m.yaml", model.as_bytes()).expect("test models are valid");
    let index = WhatIfIndex::new(&model);
    let failed: Vec<_> =
        failed.split(',').map(|id| model.lookup(id.trim()).expect("failed ids exist")).collect();
    let result = what_if(&model, &index, &failed);
    let mut lines = Vec::new();
    for node in model.node_ids() {
        let status = result.status(node);
        if status != Status::Up {
            let path: Vec<_> = result.path(node).iter().map(|&n| model.id(n)).collect();
            lines.push(format!("{} {}", status.word(), path.join(" ← ")));
        }
    }
    for impact in result.functions() {
        lines.push(format!(
            "function {} {}",
            model.functions()[impact.function].id,
            impact.status.word()
        ));
    }
    lines.join("\n")
}

const ACME: &str = include_str!("../../model/test_data/acme-pay.yaml");

#[test]
fn region_failure_takes_down_everything_in_it() {
    insta::assert_snapshot!(blast(ACME, "aws/us-east-1"), @"");
}
