//! Fault-tree analysis results as text: a table of top events with their exact probability and
//! minimal-cut-set counts by order for people, and `{top_events: [{name, probability,
//! cut_sets: {count, by_order}}]}` for machines; an invalid MEF model as a located error.

use blastradius_analysis::{FtaOptions, MefError, TopEventResult};
use serde::Serialize;

use crate::diagnostics::to_json;
use crate::style::{DIM, DOWN, HEADING, Options};

/// A count with thousands separators: `130,281,976`.
fn grouped(n: u128) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The limits in force, as `cut sets up to order 4, cut-off 1e-8`.
fn limits(options: &FtaOptions) -> String {
    let order = match options.max_order {
        Some(k) => format!("cut sets up to order {k}"),
        None => "all cut sets".to_owned(),
    };
    if options.cutoff > 0.0 { format!("{order}, cut-off {:e}", options.cutoff) } else { order }
}

/// Fault-tree results for people: one row per top event with its exact probability (six
/// significant digits), its number of minimal cut sets and their counts by order (from order
/// 1; an order-0 set, the empty one, only when the top event happens with nothing failed).
pub fn fta_human(results: &[TopEventResult], options: &FtaOptions, style: Options) -> String {
    let mut out = String::new();
    out.push_str(&style.paint(HEADING, "Fault-tree analysis"));
    out.push_str(&format!("  ({})\n", limits(options)));
    if results.is_empty() {
        out.push_str("  the model has no top event\n");
        return out;
    }
    let name_width =
        results.iter().map(|r| r.name.chars().count()).max().unwrap_or(0).max("top event".len());
    let counts: Vec<String> = results.iter().map(|r| grouped(r.cut_set_count)).collect();
    let count_width = counts.iter().map(String::len).max().unwrap_or(0).max("cut sets".len());
    out.push_str(&format!(
        "  {:<name_width$}  {:>12}  {:>count_width$}  by order (1, 2, …)\n",
        "top event", "probability", "cut sets"
    ));
    for (result, count) in results.iter().zip(&counts) {
        let mut by_order: Vec<String> =
            result.count_by_order.iter().skip(1).map(|&n| n.to_string()).collect();
        if result.count_by_order.first().is_some_and(|&n| n > 0) {
            by_order.insert(0, "(empty set)".to_owned());
        }
        let by_order = if by_order.is_empty() { style.paint(DIM, "-") } else { by_order.join(" ") };
        out.push_str(&format!(
            "  {:<name_width$}  {:>12}  {count:>count_width$}  {by_order}\n",
            result.name,
            format!("{:.5e}", result.probability),
        ));
    }
    out
}

#[derive(Serialize)]
struct CutSetCountsJson {
    count: u128,
    by_order: Vec<u128>,
}

#[derive(Serialize)]
struct TopEventJson<'a> {
    name: &'a str,
    probability: f64,
    cut_sets: CutSetCountsJson,
}

#[derive(Serialize)]
struct FtaJson<'a> {
    max_order: Option<u32>,
    cutoff: f64,
    top_events: Vec<TopEventJson<'a>>,
}

/// Fault-tree results for machines: `{max_order, cutoff, top_events: [{name, probability,
/// cut_sets: {count, by_order}}]}`, top events in definition order. `by_order[i]` counts the
/// sets of i + 1 basic events, like SCRAM's `distribution` (so it is empty, with `count` 1,
/// when the only cut set is the empty one); `max_order` is `null` without a limit, `cutoff` 0
/// without one.
pub fn fta_json(results: &[TopEventResult], options: &FtaOptions) -> String {
    to_json(&FtaJson {
        max_order: options.max_order,
        cutoff: options.cutoff,
        top_events: results
            .iter()
            .map(|r| TopEventJson {
                name: &r.name,
                probability: r.probability,
                cut_sets: CutSetCountsJson {
                    count: r.cut_set_count,
                    by_order: r.count_by_order.iter().skip(1).copied().collect(),
                },
            })
            .collect(),
    })
}

/// An invalid MEF model for people, like the model validator's diagnostics:
/// `FILE:LINE:COL: error: what is wrong and what would be valid`.
pub fn mef_error_human(error: &MefError, style: Options) -> String {
    let word = style.paint(DOWN, "error:");
    match &error.location {
        Some(location) => format!("{location}: {word} {}\n", error.kind),
        None => format!("{word} {}\n", error.kind),
    }
}

#[derive(Serialize)]
struct MefErrorJson {
    severity: &'static str,
    file: Option<String>,
    line: Option<usize>,
    column: Option<usize>,
    message: String,
}

#[derive(Serialize)]
struct InvalidJson {
    valid: bool,
    errors: Vec<MefErrorJson>,
}

/// An invalid MEF model for machines, shaped like the model validator's:
/// `{valid: false, errors: [{severity: "error", file, line, column, message}]}`; the location
/// fields are `null` for a whole-model problem.
pub fn mef_error_json(error: &MefError) -> String {
    to_json(&InvalidJson {
        valid: false,
        errors: vec![MefErrorJson {
            severity: "error",
            file: error.location.as_ref().map(|l| l.file.clone()),
            line: error.location.as_ref().map(|l| l.line),
            column: error.location.as_ref().map(|l| l.column),
            message: error.kind.to_string(),
        }],
    })
}
