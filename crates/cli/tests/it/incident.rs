//! The catalogue, scenario, replay and demo commands: snapshots of what they print and write,
//! located errors for bad scenario files, and the HTML report rendered by headless Chromium.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::{rounded, run, run_in};

/// A fresh, empty directory under the target directory for one test.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("incident-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a scratch directory");
    dir
}

#[test]
fn demo_runs_with_no_arguments_and_writes_the_report() {
    let dir = scratch("demo");
    insta::assert_snapshot!(run_in(&dir, &["demo"]));
    let report = dir.join("blastradius-demo-report");
    for extension in ["md", "html", "json"] {
        let file = report.join(format!("aws-us-east-1-2025-10-20.{extension}"));
        let text = std::fs::read_to_string(&file).expect("the demo writes the report");
        assert!(text.contains("card-authorisations"), "{}", file.display());
    }
}

#[test]
fn demo_json_is_the_incident_report() {
    let dir = scratch("demo-json");
    let output = run_in(&dir, &["demo", "--format", "json", "--out", "report"]);
    let written =
        std::fs::read_to_string(dir.join("report/aws-us-east-1-2025-10-20.json")).expect("written");
    assert!(output.contains(&written), "stdout is the written JSON report");
}

#[test]
fn replay_markdown_report() {
    insta::assert_snapshot!(run(&[
        "replay",
        "aws-us-east-1-2025-10-20",
        "--model",
        "examples/fintech-single-region.yaml"
    ]));
}

#[test]
fn replay_json_report() {
    insta::assert_snapshot!(rounded(&run(&[
        "replay",
        "aws-us-east-1-2025-10-20",
        "--model",
        "examples/fintech-single-region.yaml",
        "--format",
        "json"
    ])));
}

#[test]
fn replay_html_report() {
    insta::assert_snapshot!(run(&[
        "replay",
        "cloudflare-2025-11-18",
        "--model",
        "examples/fintech-single-region.yaml",
        "--format",
        "html"
    ]));
}

#[test]
fn replay_of_a_user_scenario_file_with_redundancy() {
    insta::assert_snapshot!(run(&[
        "replay",
        "crates/cli/tests/it/data/tiny-scenario.yaml",
        "--model",
        "examples/fintech-single-region.yaml",
        "--out",
        "target/tmp-incident-tiny"
    ]));
}

#[test]
fn replay_without_the_catalogue_says_what_is_missing() {
    insta::assert_snapshot!(run(&[
        "replay",
        "azure-front-door-2025-10-29",
        "--model",
        "examples/retail-azure-frontdoor.yaml",
        "--out",
        "target/tmp-incident-azure"
    ]));
}

#[test]
fn bad_scenarios_are_located_errors_or_usage_errors() {
    insta::assert_snapshot!(format!(
        "{}\n{}\n{}",
        run(&[
            "replay",
            "crates/cli/tests/it/data/broken-scenario.yaml",
            "--model",
            "examples/fintech-single-region.yaml"
        ]),
        run(&[
            "replay",
            "aws-us-east-1-2025-10-21",
            "--model",
            "examples/fintech-single-region.yaml"
        ]),
        run(&["replay", "fastly-2021-06-08", "--model", "no-such-model.yaml"]),
    ));
}

#[test]
fn scenarios_are_listed() {
    insta::assert_snapshot!(format!(
        "{}\n{}",
        run(&["scenarios"]),
        run(&["scenarios", "--format", "json"])
    ));
}

#[test]
fn catalog_lists_and_explains_with_sources() {
    insta::assert_snapshot!(format!(
        "{}\n{}\n{}\n{}\n{}",
        run(&["catalog", "list"]),
        run(&["catalog", "show", "aws/us-east-1/ec2-launch"]),
        run(&["catalog", "show", "cloudflare/global/kv-storage", "--format", "json"]),
        run(&["catalog", "show", "aws/us-east-1/s3"]),
        run(&["catalog", "show", "aws/us-east-1/dynamodbb"]),
    ));
}

/// The HTML report opened in headless Chromium: the screenshot must exist and be more than a
/// blank page. Skipped (with a note) where Chromium is missing, except in CI, which installs it.
#[test]
fn html_report_renders_in_headless_chromium() {
    let has_chromium =
        Command::new("chromium").arg("--version").output().is_ok_and(|o| o.status.success());
    #[allow(clippy::disallowed_methods, reason = "test helpers may read the environment")]
    let in_ci = std::env::var_os("CI").is_some();
    if !has_chromium {
        assert!(!in_ci, "CI is set but `chromium` is missing: .ci/run installs it with apt-get");
        #[allow(clippy::print_stderr, reason = "a skipped test says why")]
        {
            eprintln!("skipped: chromium is not installed");
        }
        return;
    }
    let dir = scratch("chromium");
    let output = run_in(&dir, &["demo", "--out", "report"]);
    assert!(output.starts_with("exit: 0"), "{output}");
    let html = dir.join("report/aws-us-east-1-2025-10-20.html");
    let png = dir.join("report.png");
    let status = Command::new("chromium")
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--no-first-run",
            &format!("--screenshot={}", png.display()),
            "--window-size=1280,2000",
            &format!("file://{}", html.display()),
        ])
        .output()
        .expect("chromium runs");
    assert!(status.status.success(), "{}", String::from_utf8_lossy(&status.stderr));
    let bytes = std::fs::read(&png).expect("chromium wrote the screenshot");
    assert!(bytes.starts_with(b"\x89PNG"), "a PNG");
    // A blank 1280x2000 page compresses to a few kilobytes; the report is text and tables.
    assert!(bytes.len() > 60_000, "the screenshot is only {} bytes", bytes.len());
}
