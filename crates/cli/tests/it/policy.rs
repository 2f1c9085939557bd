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

#[test]
fn check_of_the_examples_with_the_default_policy() {
    snapshot_examples("check", &[]);
}

#[test]
fn check_with_a_strict_policy() {
    insta::assert_snapshot!(run(&[
        "check",
        "examples/saas-multi-region.yaml",
        "--policy",
        "crates/cli/tests/it/data/policy/strict.yaml"
    ]));
}

#[test]
fn check_passes_and_exits_0_when_every_rule_holds() {
    for name in EXAMPLES {
        let file = format!("examples/{name}.yaml");
        let out =
            run(&["check", &file, "--policy", "crates/cli/tests/it/data/policy/zones-only.yaml"]);
        assert!(out.starts_with("exit: 0\n"), "{out}");
        assert!(out.contains("Every rule holds."), "{out}");
    }
}

#[test]
fn a_bad_policy_is_reported_with_locations() {
    insta::assert_snapshot!(run(&[
        "check",
        "examples/saas-multi-region.yaml",
        "--policy",
        "crates/cli/tests/it/data/policy/bad.yaml"
    ]));
}

/// Runs `check` with `--format junit` and `--format sarif` on every example with the strict
/// policy, writing both to a temporary directory; returns (name, junit path, sarif path).
fn check_outputs() -> Vec<(String, std::path::PathBuf, std::path::PathBuf)> {
    let dir = std::env::temp_dir().join(format!("blastradius-check-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let mut outputs = Vec::new();
    for name in EXAMPLES {
        let junit = dir.join(format!("{name}.xml"));
        let sarif = dir.join(format!("{name}.sarif"));
        let file = format!("examples/{name}.yaml");
        let out = run(&[
            "check",
            &file,
            "--policy",
            "crates/cli/tests/it/data/policy/strict.yaml",
            "--junit",
            junit.to_str().expect("utf-8 path"),
            "--sarif",
            sarif.to_str().expect("utf-8 path"),
        ]);
        assert!(out.starts_with("exit: 1\n"), "the strict policy fails every example: {out}");
        outputs.push((name.to_string(), junit, sarif));
    }
    outputs
}

#[test]
fn junit_output_is_valid_against_the_junit_schema() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let schema = root.join("tests/it/data/schemas/junit-10.xsd");
    for (name, junit, _) in check_outputs() {
        let output = std::process::Command::new("xmllint")
            .args(["--noout", "--schema"])
            .arg(&schema)
            .arg(&junit)
            .output()
            .expect("xmllint runs (Debian package libxml2-utils; .ci/run installs it)");
        assert!(output.status.success(), "{name}: {}", String::from_utf8_lossy(&output.stderr));
        let text = std::fs::read_to_string(&junit).expect("written");
        assert!(text.contains("<failure "), "{name}: the strict policy must fail somewhere");
    }
}

#[test]
fn sarif_output_is_valid_against_the_sarif_schema() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let schema_text =
        std::fs::read_to_string(root.join("tests/it/data/schemas/sarif-schema-2.1.0.json"))
            .expect("schema");
    let schema: serde_json::Value = serde_json::from_str(&schema_text).expect("schema is JSON");
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("schema compiles");
    for (name, _, sarif) in check_outputs() {
        let log: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&sarif).expect("written")).expect("JSON");
        let errors: Vec<String> =
            validator.iter_errors(&log).map(|e| format!("{e} at {}", e.instance_path())).collect();
        assert!(errors.is_empty(), "{name}: {errors:#?}");
        assert!(!log["runs"][0]["results"].as_array().expect("results").is_empty(), "{name}");
        // The validator is not vacuous: a result without a message is rejected.
        let mut broken = log.clone();
        broken["runs"][0]["results"][0].as_object_mut().expect("object").remove("message");
        assert!(!validator.is_valid(&broken), "{name}: a result without a message must be invalid");
    }
}
