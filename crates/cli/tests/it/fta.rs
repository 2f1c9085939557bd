//! The `fta` command on small Open-PSA MEF models (two Aralia trees and a model split over two
//! files), human and JSON, with order limits and cut-offs, plus invalid models and usage errors.

use crate::{rounded, run};

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
