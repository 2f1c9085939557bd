//! The concentration-risk and compliance commands (`concentration`, `sweep`, `check`, `advise`,
//! `export dora`) on the bundled examples, human and JSON, plus their usage errors.

use crate::{rounded, run};

const EXAMPLES: &[&str] = &["fintech-single-region", "retail-azure-frontdoor", "saas-multi-region"];

/// Snapshots `command` with `extra` arguments on every example, human then JSON.
fn snapshot_examples(command: &str, extra: &[&str]) {
    for name in EXAMPLES {
        let file = format!("examples/{name}.yaml");
        let mut args = vec![command, file.as_str()];
        args.extend_from_slice(extra);
        let human = run(&args);
        args.extend_from_slice(&["--format", "json"]);
        let json = rounded(&run(&args));
        insta::assert_snapshot!(format!("{command}_{name}"), format!("{human}\n{json}"));
    }
}

#[test]
fn concentration_of_the_examples() {
    snapshot_examples("concentration", &["--top", "15"]);
}

#[test]
fn sweep_of_the_examples_with_pairs() {
    snapshot_examples("sweep", &["--order", "2", "--top", "8"]);
}

#[test]
fn sweep_ranked_by_users() {
    insta::assert_snapshot!(run(&[
        "sweep",
        "examples/saas-multi-region.yaml",
        "--rank",
        "users",
        "--top",
        "3"
    ]));
}

#[test]
fn sweep_order_three_is_a_usage_error() {
    insta::assert_snapshot!(run(&["sweep", "examples/saas-multi-region.yaml", "--order", "3"]));
}
