//! Exact-risk results as text: minimal cut sets (single points of failure first), each
//! function's unavailability and downtime against its SLO, and importance measures.
//!
//! In JSON, measures that are undefined (a ratio with a zero denominator: NaN or infinite) are
//! written as `null`.

use blastradius_analysis::{AvailabilityReport, FunctionImportance};
use blastradius_model::{Model, NodeId};
use serde::Serialize;

use crate::diagnostics::to_json;
use crate::style::{DIM, DOWN, HEADING, Options, UP, plural_suffix};

/// The minimal cut sets of one function: its index in `Model::functions` and the sets (each
/// sorted by id, sorted by size then lexically).
pub type FunctionCutSets = (usize, Vec<Vec<NodeId>>);

/// How many importance rows the human table shows per function before summarising the rest.
const IMPORTANCE_ROWS: usize = 15;

fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", plural_suffix(n))
}

fn order_heading(order: usize, count: usize) -> String {
    match order {
        1 => format!("Single points of failure ({count}): each alone takes the function down"),
        2 => format!("Pairs ({count})"),
        3 => format!("Triples ({count})"),
        _ => format!("Sets of {order} ({count})"),
    }
}

/// Minimal cut sets for people: per function, grouped by size, single points of failure first.
pub fn cut_sets_human(
    model: &Model,
    results: &[FunctionCutSets],
    max_order: Option<u32>,
    options: Options,
) -> String {
    let mut out = String::new();
    if results.is_empty() {
        out.push_str("The model declares no functions.\n");
    }
    let limit = match max_order {
        Some(k) => format!(", up to {}", plural(k as usize, "failure")),
        None => String::new(),
    };
    for (i, (function, sets)) in results.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let id = &model.functions()[*function].id;
        out.push_str(&options.paint(HEADING, &format!("Minimal cut sets of `{id}`")));
        out.push_str(&format!("  (model `{}`{limit})\n", model.name()));
        if sets.is_empty() {
            let what = match max_order {
                Some(k) => format!("no combination of up to {}", plural(k as usize, "failure")),
                None => "no combination of failures".to_owned(),
            };
            out.push_str(&format!("  {}\n", options.paint(UP, &format!("{what} takes it down"))));
            continue;
        }
        let mut start = 0;
        while start < sets.len() {
            let order = sets[start].len();
            let end = start + sets[start..].iter().take_while(|s| s.len() == order).count();
            let heading = order_heading(order, end - start);
            let style = if order == 1 { DOWN } else { HEADING };
            out.push_str(&format!("  {}\n", options.paint(style, &heading)));
            for set in &sets[start..end] {
                let ids: Vec<&str> = set.iter().map(|&n| model.id(n)).collect();
                out.push_str(&format!("    {}\n", ids.join(" + ")));
            }
            start = end;
        }
        out.push_str(&format!("  {}\n", plural(sets.len(), "cut set")));
    }
    out
}

#[derive(Serialize)]
struct CutSetsJson<'a> {
    function: &'a str,
    cut_sets: Vec<Vec<&'a str>>,
}

#[derive(Serialize)]
struct OneCutSetsJson<'a> {
    model: &'a str,
    max_order: Option<u32>,
    #[serde(flatten)]
    function: CutSetsJson<'a>,
}

#[derive(Serialize)]
struct AllCutSetsJson<'a> {
    model: &'a str,
    max_order: Option<u32>,
    functions: Vec<CutSetsJson<'a>>,
}

fn cut_sets_entry<'a>(model: &'a Model, (function, sets): &FunctionCutSets) -> CutSetsJson<'a> {
    CutSetsJson {
        function: &model.functions()[*function].id,
        cut_sets: sets.iter().map(|s| s.iter().map(|&n| model.id(n)).collect()).collect(),
    }
}

/// Minimal cut sets for machines. For one function (`single`):
/// `{model, max_order, function, cut_sets: [[ids…]…]}`; otherwise
/// `{model, max_order, functions: [{function, cut_sets}…]}` in model order. Ids are sorted in
/// each set, sets by size and then lexically; `max_order` is `null` without a limit.
pub fn cut_sets_json(
    model: &Model,
    results: &[FunctionCutSets],
    max_order: Option<u32>,
    single: bool,
) -> String {
    match results {
        [one] if single => to_json(&OneCutSetsJson {
            model: model.name(),
            max_order,
            function: cut_sets_entry(model, one),
        }),
        _ => to_json(&AllCutSetsJson {
            model: model.name(),
            max_order,
            functions: results.iter().map(|r| cut_sets_entry(model, r)).collect(),
        }),
    }
}

/// A probability or measure with four significant digits, in scientific notation below 0.001
/// and from 1000 on; `0` for zero, `-` when undefined, `∞` when infinite.
fn sci(value: f64) -> String {
    if value.is_nan() {
        "-".to_owned()
    } else if value.is_infinite() {
        "∞".to_owned()
    } else if value == 0.0 {
        "0".to_owned()
    } else if (1e-3..1e3).contains(&value.abs()) {
        let decimals = (3 - value.abs().log10().floor() as i32).max(0) as usize;
        format!("{value:.decimals$}")
    } else {
        format!("{value:.3e}")
    }
}

/// A ratio such as a risk worth: two decimals, scientific notation when large.
fn ratio(value: f64) -> String {
    if value.is_finite() && value.abs() >= 1e6 {
        sci(value)
    } else if value.is_finite() {
        format!("{value:.2}")
    } else {
        sci(value)
    }
}

/// Minutes a year as `52.6 min`, or hours when over two of them.
fn downtime(minutes: f64) -> String {
    if minutes >= 120.0 { format!("{:.1} h", minutes / 60.0) } else { format!("{minutes:.1} min") }
}

/// Ids joined by commas and wrapped before 100 columns, each line indented by `indent`.
fn wrapped(ids: &[&str], indent: &str) -> String {
    let mut out = String::new();
    let mut line = String::new();
    for (i, id) in ids.iter().enumerate() {
        let piece = if i + 1 < ids.len() { format!("{id},") } else { (*id).to_owned() };
        if !line.is_empty() && indent.len() + line.len() + 1 + piece.len() > 100 {
            out.push_str(&format!("{indent}{line}\n"));
            line.clear();
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(&piece);
    }
    if !line.is_empty() {
        out.push_str(&format!("{indent}{line}\n"));
    }
    out
}

/// Availability for people: a table of functions with unavailability, expected downtime a
/// year, SLO and verdict, then the nodes without availability data.
pub fn availability_human(model: &Model, report: &AvailabilityReport, options: Options) -> String {
    let mut out = String::new();
    out.push_str(&options.paint(HEADING, "Exact availability of each function"));
    out.push_str(&format!("  (model `{}`)\n", model.name()));
    if report.functions.is_empty() {
        out.push_str("  the model declares no functions\n");
        return out;
    }
    let id_width = report
        .functions
        .iter()
        .map(|f| model.functions()[f.function].id.chars().count())
        .max()
        .unwrap_or(0)
        .max("function".len());
    out.push_str(&format!(
        "  {:<id_width$}  {:>14}  {:>13}  {:>8}  verdict\n",
        "function", "unavailability", "downtime/year", "SLO"
    ));
    for f in &report.functions {
        let slo = f.slo_percent.map_or_else(|| "-".to_owned(), |s| format!("{s}%"));
        let verdict = match f.meets_slo {
            Some(true) => options.paint(UP, "meets SLO"),
            Some(false) => options.paint(DOWN, "misses SLO"),
            None => options.paint(DIM, "no SLO"),
        };
        out.push_str(&format!(
            "  {:<id_width$}  {:>14}  {:>13}  {:>8}  {verdict}\n",
            model.functions()[f.function].id,
            sci(f.unavailability),
            downtime(f.downtime_minutes_per_year),
            slo,
        ));
    }
    if report.lacking_data.is_empty() {
        out.push_str("\n  Every node the functions depend on has availability data.\n");
    } else {
        out.push_str(&format!(
            "\n  {} no availability data and {} counted as never failing by themselves, so the figures\n  above are optimistic:\n",
            if report.lacking_data.len() == 1 {
                "1 node has".to_owned()
            } else {
                format!("{} nodes have", report.lacking_data.len())
            },
            if report.lacking_data.len() == 1 { "is" } else { "are" }
        ));
        let ids: Vec<&str> = report.lacking_data.iter().map(|&n| model.id(n)).collect();
        out.push_str(&options.paint(DIM, &wrapped(&ids, "    ")));
    }
    out
}

#[derive(Serialize)]
struct FunctionAvailabilityJson<'a> {
    id: &'a str,
    unavailability: f64,
    downtime_minutes_per_year: f64,
    slo: Option<f64>,
    meets_slo: Option<bool>,
}

#[derive(Serialize)]
struct AvailabilityJson<'a> {
    model: &'a str,
    functions: Vec<FunctionAvailabilityJson<'a>>,
    lacking_data: Vec<&'a str>,
}

/// Availability for machines: `{model, functions: [{id, unavailability,
/// downtime_minutes_per_year, slo, meets_slo}], lacking_data: [ids…]}`; `slo` is the objective
/// in percent and, like `meets_slo`, `null` when the function has none; `lacking_data` lists
/// (sorted) the nodes without availability data, counted as never failing by themselves.
pub fn availability_json(model: &Model, report: &AvailabilityReport) -> String {
    to_json(&AvailabilityJson {
        model: model.name(),
        functions: report
            .functions
            .iter()
            .map(|f| FunctionAvailabilityJson {
                id: &model.functions()[f.function].id,
                unavailability: f.unavailability,
                downtime_minutes_per_year: f.downtime_minutes_per_year,
                slo: f.slo_percent,
                meets_slo: f.meets_slo,
            })
            .collect(),
        lacking_data: report.lacking_data.iter().map(|&n| model.id(n)).collect(),
    })
}

/// Importance for people: per function, the nodes by Fussell-Vesely (the share of the risk
/// their failure is part of), with Birnbaum, risk achievement and reduction worth; the first
/// rows only, the rest counted.
pub fn importance_human(model: &Model, results: &[FunctionImportance], options: Options) -> String {
    let mut out = String::new();
    if results.is_empty() {
        out.push_str("The model declares no functions.\n");
    }
    for (i, result) in results.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let id = &model.functions()[result.function].id;
        out.push_str(&options.paint(HEADING, &format!("Importance for `{id}`")));
        out.push_str(&format!(
            "  (model `{}`, unavailability {})\n",
            model.name(),
            sci(result.unavailability)
        ));
        let shown = &result.events[..result.events.len().min(IMPORTANCE_ROWS)];
        let id_width = shown
            .iter()
            .map(|e| model.id(e.node).chars().count())
            .max()
            .unwrap_or(0)
            .max("node".len());
        out.push_str(&format!(
            "  {:<id_width$}  {:>11}  {:>14}  {:>10}  {:>10}  {:>8}\n",
            "node", "p(own fail)", "Fussell-Vesely", "Birnbaum", "RAW", "RRW"
        ));
        for event in shown {
            let p = if event.lacks_data { "no data".to_owned() } else { sci(event.probability) };
            let percent = event.fussell_vesely * 100.0;
            let fv = if !percent.is_finite() {
                sci(percent)
            } else if percent == 0.0 {
                "0%".to_owned()
            } else if percent.abs() < 0.01 {
                format!("{percent:.1e}%")
            } else {
                format!("{percent:.2}%")
            };
            out.push_str(&format!(
                "  {:<id_width$}  {:>11}  {:>14}  {:>10}  {:>10}  {:>8}\n",
                model.id(event.node),
                p,
                fv,
                sci(event.birnbaum),
                ratio(event.risk_achievement_worth),
                ratio(event.risk_reduction_worth),
            ));
        }
        if result.without_never_failing {
            out.push_str(&format!(
                "  {}\n",
                options.paint(
                    DIM,
                    "(nodes without availability data left out: with them the diagram is too large)"
                )
            ));
        }
        let hidden = result.events.len() - shown.len();
        if hidden > 0 {
            out.push_str(&format!(
                "  {}\n",
                options.paint(
                    DIM,
                    &format!(
                        "and {hidden} more node{} (`--format json` lists every one)",
                        plural_suffix(hidden)
                    )
                )
            ));
        }
    }
    if results.iter().any(|r| r.unavailability == 0.0) {
        out.push_str(&format!(
            "\n{}\n",
            options.paint(
                DIM,
                "A function that never fails by the data given has no Fussell-Vesely or worths (shown as -)."
            )
        ));
    }
    out
}

#[derive(Serialize)]
struct EventJson<'a> {
    id: &'a str,
    probability: Option<f64>,
    birnbaum: Option<f64>,
    fussell_vesely: Option<f64>,
    risk_achievement_worth: Option<f64>,
    risk_reduction_worth: Option<f64>,
}

#[derive(Serialize)]
struct FunctionImportanceJson<'a> {
    function: &'a str,
    unavailability: f64,
    without_never_failing: bool,
    events: Vec<EventJson<'a>>,
}

#[derive(Serialize)]
struct OneImportanceJson<'a> {
    model: &'a str,
    #[serde(flatten)]
    function: FunctionImportanceJson<'a>,
}

#[derive(Serialize)]
struct AllImportanceJson<'a> {
    model: &'a str,
    functions: Vec<FunctionImportanceJson<'a>>,
}

fn finite(value: f64) -> Option<f64> {
    value.is_finite().then_some(value)
}

fn importance_entry<'a>(
    model: &'a Model,
    result: &FunctionImportance,
) -> FunctionImportanceJson<'a> {
    FunctionImportanceJson {
        function: &model.functions()[result.function].id,
        unavailability: result.unavailability,
        without_never_failing: result.without_never_failing,
        events: result
            .events
            .iter()
            .map(|e| EventJson {
                id: model.id(e.node),
                probability: (!e.lacks_data).then_some(e.probability),
                birnbaum: finite(e.birnbaum),
                fussell_vesely: finite(e.fussell_vesely),
                risk_achievement_worth: finite(e.risk_achievement_worth),
                risk_reduction_worth: finite(e.risk_reduction_worth),
            })
            .collect(),
    }
}

/// Importance for machines. For one function (`single`): `{model, function, unavailability,
/// without_never_failing, events: [{id, probability, birnbaum, fussell_vesely,
/// risk_achievement_worth, risk_reduction_worth}]}`; otherwise `{model, functions: [{function,
/// unavailability, without_never_failing, events}]}`. `without_never_failing` is true when the
/// nodes without availability data had to be left out (the full diagram was too large). Events are sorted by Fussell-Vesely descending; `probability` is `null` for a
/// node without availability data (counted as never failing by itself), and a measure is
/// `null` where it is undefined (a zero denominator).
pub fn importance_json(model: &Model, results: &[FunctionImportance], single: bool) -> String {
    match results {
        [one] if single => to_json(&OneImportanceJson {
            model: model.name(),
            function: importance_entry(model, one),
        }),
        _ => to_json(&AllImportanceJson {
            model: model.name(),
            functions: results.iter().map(|r| importance_entry(model, r)).collect(),
        }),
    }
}
