//! Runs the built binary on the examples and on broken input and snapshots what it prints.

use std::path::Path;
use std::process::Command;

use crate::run;

#[test]
fn examples_validate() {
    insta::glob!("../../../../examples", "*.yaml", |path| {
        let file = format!("examples/{}", path.file_name().expect("a file").to_string_lossy());
        insta::assert_snapshot!(format!(
            "{}\n{}",
            run(&["validate", &file]),
            run(&["validate", &file, "--format", "json"])
        ));
    });
}

#[test]
fn fintech_loses_everything_with_its_one_region() {
    insta::assert_snapshot!(run(&[
        "what-if",
        "examples/fintech-single-region.yaml",
        "--fail",
        "aws/us-east-1",
        "--format",
        "json"
    ]));
}

#[test]
fn fintech_survives_one_payment_provider_but_not_two() {
    insta::assert_snapshot!(run(&[
        "what-if",
        "examples/fintech-single-region.yaml",
        "--fail",
        "stripe"
    ]));
    insta::assert_snapshot!(run(&[
        "what-if",
        "examples/fintech-single-region.yaml",
        "--fail",
        "stripe",
        "--fail",
        "adyen"
    ]));
}

#[test]
fn fintech_cloudflare_outage() {
    insta::assert_snapshot!(run(&[
        "what-if",
        "examples/fintech-single-region.yaml",
        "--fail",
        "cloudflare"
    ]));
}

#[test]
fn saas_region_loss_exposes_the_hidden_dependency() {
    insta::assert_snapshot!(run(&[
        "what-if",
        "examples/saas-multi-region.yaml",
        "--fail",
        "aws/us-east-1"
    ]));
    insta::assert_snapshot!(run(&[
        "what-if",
        "examples/saas-multi-region.yaml",
        "--fail",
        "aws/us-west-2",
        "--format",
        "json"
    ]));
}

#[test]
fn retail_front_door_outage_spares_the_stores() {
    insta::assert_snapshot!(run(&[
        "what-if",
        "examples/retail-azure-frontdoor.yaml",
        "--fail",
        "azure/global/front-door"
    ]));
    insta::assert_snapshot!(run(&[
        "what-if",
        "examples/retail-azure-frontdoor.yaml",
        "--fail",
        "azure/global/front-door",
        "--format",
        "json"
    ]));
}

#[test]
fn graphs() {
    insta::assert_snapshot!(run(&["graph", "crates/model/test_data/acme-pay.yaml"]));
    insta::assert_snapshot!(run(&[
        "graph",
        "crates/model/test_data/acme-pay.yaml",
        "--format",
        "mermaid"
    ]));
}

#[test]
fn an_invalid_model_exits_1_with_every_problem_located() {
    insta::assert_snapshot!(run(&["validate", "crates/cli/tests/it/data/broken.yaml"]));
    insta::assert_snapshot!(run(&[
        "validate",
        "crates/cli/tests/it/data/broken.yaml",
        "--format",
        "json"
    ]));
    insta::assert_snapshot!(run(&[
        "what-if",
        "crates/cli/tests/it/data/broken.yaml",
        "--fail",
        "aws"
    ]));
}

#[test]
fn usage_errors_exit_2() {
    insta::assert_snapshot!(run(&[
        "what-if",
        "examples/fintech-single-region.yaml",
        "--fail",
        "aws/us-east1"
    ]));
    insta::assert_snapshot!(run(&["what-if", "examples/fintech-single-region.yaml"]));
    insta::assert_snapshot!(run(&["validate", "no/such/file.yaml"]));
    insta::assert_snapshot!(run(&["validate", "examples"]));
    insta::assert_snapshot!(run(&["frobnicate"]));
}

/// Writes `bytes` to a fresh file in the temporary directory and validates it; returns the
/// output with the temporary path replaced by `BIG`.
fn validate_temp(name: &str, bytes: &[u8]) -> String {
    let path = std::env::temp_dir().join(format!("blastradius-it-{}-{name}", std::process::id()));
    std::fs::write(&path, bytes).expect("the temporary directory is writable");
    let output = run(&["validate", path.to_str().expect("temporary paths are UTF-8")]);
    std::fs::remove_file(&path).expect("the file was just written");
    output.replace(path.to_str().expect("UTF-8"), "BIG")
}

/// Whether slow tests are switched on (`RUN_SLOW_TESTS`, set by CI).
fn slow_tests_enabled() -> bool {
    #[allow(clippy::disallowed_methods, reason = "test helpers may read the environment")]
    std::env::var_os("RUN_SLOW_TESTS").is_some()
}

#[test]
fn hundred_megabytes_of_junk_get_a_clear_error() {
    if !slow_tests_enabled() {
        return;
    }
    let mut state = 0x9e37_79b9_7f4a_7c15_u64;
    let binary: Vec<u8> = (0..100 << 20)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 24) as u8
        })
        .collect();
    insta::assert_snapshot!(validate_temp("binary", &binary));
    let repeated_key =
        "word: xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n".repeat((100 << 20) / 57);
    let output = validate_temp("repeated", repeated_key.as_bytes());
    let head: Vec<&str> = output.lines().take(6).collect();
    let tail: Vec<&str> = output.lines().rev().take(3).collect();
    insta::assert_snapshot!(format!(
        "{}\n…\n{}",
        head.join("\n"),
        tail.into_iter().rev().collect::<Vec<_>>().join("\n")
    ));
    let list = "- [a, {b: c}, \"d\"]\n".repeat((100 << 20) / 20);
    insta::assert_snapshot!(validate_temp("list", list.as_bytes()));
}

/// Graphviz itself must accept the DOT output of every example. Graphviz is installed by
/// `.ci/run`; elsewhere the test is skipped when `dot` is missing, but never under CI.
#[test]
fn graphviz_accepts_the_dot_output() {
    let has_dot = Command::new("dot").arg("-V").output().is_ok_and(|o| o.status.success());
    #[allow(clippy::disallowed_methods, reason = "test helpers may read the environment")]
    let in_ci = std::env::var_os("CI").is_some();
    assert!(has_dot || !in_ci, "CI must have Graphviz's `dot`: .ci/run installs it");
    if !has_dot {
        return;
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    for example in ["fintech-single-region", "saas-multi-region", "retail-azure-frontdoor"] {
        let graph = Command::new(env!("CARGO_BIN_EXE_blastradius"))
            .args(["graph", &format!("examples/{example}.yaml")])
            .current_dir(&root)
            .output()
            .expect("the binary runs");
        assert!(graph.status.success());
        let mut dot = Command::new("dot")
            .args(["-Tsvg", "-o", "/dev/null"])
            .stdin(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("dot starts");
        std::io::Write::write_all(&mut dot.stdin.take().expect("piped"), &graph.stdout)
            .expect("dot reads");
        let result = dot.wait_with_output().expect("dot finishes");
        assert!(result.status.success(), "{example}: {}", String::from_utf8_lossy(&result.stderr));
        assert!(result.stderr.is_empty(), "{example}: {}", String::from_utf8_lossy(&result.stderr));
    }
}
