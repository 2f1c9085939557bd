//! The concentration-risk and compliance commands (`concentration`, `sweep`, `check`, `advise`,
//! `export dora`) on the bundled examples, human and JSON, plus their usage errors.

use crate::{human_and_json, run};

const EXAMPLES: &[&str] = &["fintech-single-region", "retail-azure-frontdoor", "saas-multi-region"];

/// Snapshots `command` with `extra` arguments on every example, human then JSON.
fn snapshot_examples(command: &str, extra: &[&str]) {
    for name in EXAMPLES {
        let file = format!("examples/{name}.yaml");
        let mut args = vec![command, file.as_str()];
        args.extend_from_slice(extra);
        insta::assert_snapshot!(format!("{command}_{name}"), human_and_json(&args));
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
        "examples/policies/strict.yaml"
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
            "examples/policies/strict.yaml",
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

#[test]
fn advice_for_the_examples() {
    snapshot_examples("advise", &[]);
}

#[test]
fn advice_with_a_target_a_budget_and_costs() {
    insta::assert_snapshot!(run(&[
        "advise",
        "examples/saas-multi-region.yaml",
        "--target-availability",
        "99.84%"
    ]));
    insta::assert_snapshot!(run(&[
        "advise",
        "examples/fintech-single-region.yaml",
        "--budget",
        "50000",
        "--cost",
        "second-region=40000",
        "--cost",
        "second-provider=12000",
        "--cost",
        "second-zone=5000",
        "--cost",
        "soft=1000"
    ]));
    insta::assert_snapshot!(run(&[
        "advise",
        "examples/fintech-single-region.yaml",
        "--cost",
        "third-region=1"
    ]));
}

/// Runs `export dora` on `example` into a fresh directory and renders the output and every
/// file written.
fn export(example: &str) -> String {
    let dir =
        std::env::temp_dir().join(format!("blastradius-dora-{}-{example}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let file = format!("examples/{example}.yaml");
    let mut out = run(&["export", "dora", &file, "--out", dir.to_str().expect("utf-8 path")])
        .replace(dir.to_str().expect("utf-8 path"), "[DIR]");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .expect("written")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    for name in names {
        let text = std::fs::read_to_string(dir.join(&name)).expect("readable");
        // Every row has as many fields as the header (the csv crate reads it back).
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        let width = reader.headers().expect("a header").len();
        for record in reader.records() {
            assert_eq!(record.expect("a valid CSV record").len(), width, "{name}");
        }
        out.push_str(&format!("=== {name}\n{text}"));
    }
    out
}

#[test]
fn dora_register_of_the_examples() {
    for name in EXAMPLES {
        insta::assert_snapshot!(format!("export_dora_{name}"), export(name));
    }
}

#[test]
fn dora_export_strict_fails_on_missing_fields() {
    let dir = std::env::temp_dir().join(format!("blastradius-dora-strict-{}", std::process::id()));
    let out = run(&[
        "export",
        "dora",
        "examples/fintech-single-region.yaml",
        "--out",
        dir.to_str().expect("utf-8"),
        "--strict",
    ]);
    assert!(out.starts_with("exit: 1\n"), "{out}");
}
