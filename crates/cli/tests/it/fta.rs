//! The `fta` command on small Open-PSA MEF models (two Aralia trees and a model split over two
//! files), human and JSON, with order limits and cut-offs, plus invalid models and usage errors.

use std::path::Path;
use std::process::Command;

/// Runs `blastradius` with `args` from the workspace root and renders exit code, stdout and
/// stderr as one text.
fn run(args: &[&str]) -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let output = Command::new(env!("CARGO_BIN_EXE_blastradius"))
        .args(args)
        .current_dir(&root)
        .env("NO_COLOR", "1")
        .output()
        .expect("the binary runs");
    format!(
        "exit: {}\n--- stdout\n{}--- stderr\n{}",
        output.status.code().map_or("signal".to_owned(), |c| c.to_string()),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// `text` with every JSON `"probability": x` rounded to ten significant digits, so that the
/// snapshots do not depend on the rounding of the last bits (which the engine's variable order
/// decides).
fn rounded(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        let key = "\"probability\": ";
        match line.find(key) {
            Some(at) => {
                let start = at + key.len();
                let end = line[start..].find([',', '\n']).map_or(line.len(), |e| start + e);
                let value: f64 = line[start..end].parse().expect("a JSON number");
                out.push_str(&format!("{}{value:.9e}{}", &line[..start], &line[end..]));
            }
            None => out.push_str(line),
        }
    }
    out
}

const DATA: &str = "crates/cli/tests/it/data";

fn data(file: &str) -> String {
    format!("{DATA}/{file}")
}

#[test]
fn chinese_matches_the_published_result() {
    // 392 minimal cut sets, orders 2, 4, 5, 6 (0 12 0 24 188 168); P = 1.17058e-3.
    insta::assert_snapshot!(run(&["fta", &data("chinese.xml")]));
    insta::assert_snapshot!(rounded(&run(&["fta", &data("chinese.xml"), "--format", "json"])));
}

#[test]
fn baobab2_with_an_order_limit_and_a_cutoff() {
    // 4,805 minimal cut sets in all (0 6 121 268 630 3780); P = 7.13018e-4 whatever the limits.
    // Every set of order 4 has a probability below 1e-7.
    insta::assert_snapshot!(run(&["fta", &data("baobab2.xml")]));
    insta::assert_snapshot!(run(&["fta", &data("baobab2.xml"), "--max-order", "3"]));
    insta::assert_snapshot!(rounded(&run(&[
        "fta",
        &data("baobab2.xml"),
        "--max-order",
        "4",
        "--cutoff",
        "1e-7",
        "--format",
        "json"
    ])));
}

#[test]
fn a_model_split_over_two_files_has_two_top_events() {
    let gates = data("two-files-gates.xml");
    let events = data("two-files-events.xml");
    insta::assert_snapshot!(run(&["fta", &gates, &events]));
    insta::assert_snapshot!(rounded(&run(&["fta", &gates, &events, "--format", "json"])));
}

#[test]
fn an_invalid_model_exits_1_with_the_error_located() {
    let broken = data("broken-mef.xml");
    let events = data("two-files-events.xml");
    insta::assert_snapshot!(run(&["fta", &broken, &events]));
    insta::assert_snapshot!(run(&["fta", &broken, &events, "--format", "json"]));
    // The basic events are in the other file.
    insta::assert_snapshot!(run(&["fta", &data("two-files-gates.xml")]));
    // Not MEF at all.
    insta::assert_snapshot!(run(&["fta", &data("broken.yaml")]));
}

#[test]
fn usage_errors_exit_2() {
    insta::assert_snapshot!(run(&["fta"]));
    insta::assert_snapshot!(run(&["fta", &data("missing.xml")]));
    insta::assert_snapshot!(run(&["fta", DATA]));
    insta::assert_snapshot!(run(&["fta", &data("chinese.xml"), "--cutoff", "2"]));
    insta::assert_snapshot!(run(&["fta", &data("chinese.xml"), "--cutoff", "often"]));
    insta::assert_snapshot!(run(&["fta", &data("chinese.xml"), "--max-order", "0"]));
}
