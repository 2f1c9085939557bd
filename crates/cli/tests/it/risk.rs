//! The exact-risk commands (`cutsets`, `availability`, `importance`) on the bundled examples and
//! the foundation's acme-pay model, human and JSON, plus their usage errors.

use std::path::Path;

use crate::{human_and_json, run};

/// The model files snapshotted, relative to the workspace root, with a short name for each.
fn models() -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut models =
        vec![("acme-pay".to_owned(), "crates/model/test_data/acme-pay.yaml".to_owned())];
    let mut examples: Vec<String> = std::fs::read_dir(root.join("examples"))
        .expect("examples exist")
        .map(|entry| entry.expect("readable").file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".yaml"))
        .collect();
    examples.sort();
    for name in examples {
        models.push((name.trim_end_matches(".yaml").to_owned(), format!("examples/{name}")));
    }
    models
}

/// Snapshots `command` (with `extra` arguments) on every model, human then JSON.
fn snapshot_everywhere(command: &str, extra: &[&str]) {
    for (name, file) in models() {
        let mut args = vec![command, file.as_str()];
        args.extend_from_slice(extra);
        insta::assert_snapshot!(format!("{command}_{name}"), human_and_json(&args));
    }
}

#[test]
fn cutsets_up_to_pairs() {
    snapshot_everywhere("cutsets", &["--max-order", "2"]);
}

#[test]
fn availability_of_every_function() {
    snapshot_everywhere("availability", &[]);
}

#[test]
fn importance_of_every_function() {
    snapshot_everywhere("importance", &[]);
}

#[test]
fn one_function_gives_one_object() {
    insta::assert_snapshot!(run(&[
        "cutsets",
        "examples/fintech-single-region.yaml",
        "--function",
        "card-authorisations",
        "--max-order",
        "1",
        "--format",
        "json"
    ]));
    insta::assert_snapshot!(run(&[
        "importance",
        "crates/model/test_data/acme-pay.yaml",
        "--function",
        "payments",
        "--format",
        "json"
    ]));
}

#[test]
fn risk_usage_errors_exit_2_and_invalid_models_exit_1() {
    insta::assert_snapshot!(run(&[
        "cutsets",
        "examples/fintech-single-region.yaml",
        "--function",
        "payroll"
    ]));
    insta::assert_snapshot!(run(&[
        "cutsets",
        "examples/fintech-single-region.yaml",
        "--max-order",
        "0"
    ]));
    insta::assert_snapshot!(run(&["availability", "crates/cli/tests/it/data/broken.yaml"]));
}
