//! Presentation of blastradius results (what-if, minimal cut sets, availability, importance,
//! fault-tree analysis of MEF models): human text (optionally coloured), JSON for machines, and
//! dependency graphs as DOT or Mermaid. Pure functions from values to strings.

mod advise;
mod catalog;
mod check;
mod concentration;
mod diagnostics;
mod fta;
mod graph;
mod incident;
mod register;
mod risk;
mod simulate;
mod style;
mod what_if;

pub use advise::{advice_human, advice_json};
pub use catalog::{
    catalog_list_human, catalog_list_json, catalog_show_human, catalog_show_json, scenarios_human,
    scenarios_json,
};
pub use check::{check_human, check_json, check_junit, check_sarif};
pub use concentration::{
    SweepRank, concentration_human, concentration_json, ranked, sweep_human, sweep_json,
};
pub use diagnostics::{model_error_human, model_error_json, validation_human, validation_json};
pub use fta::{fta_human, fta_json, mef_error_human, mef_error_json};
pub use graph::{graph_dot, graph_mermaid};
pub use incident::{
    IncidentInput, incident_html, incident_json, incident_markdown, incident_summary,
};
pub use register::register_human;
pub use risk::{
    FunctionCutSets, availability_human, availability_json, cut_sets_human, cut_sets_json,
    importance_human, importance_json,
};
pub use simulate::{
    MonteCarloFunction, MonteCarloHeader, Shard, TrafficHeader, montecarlo_header,
    montecarlo_human, montecarlo_json, montecarlo_shard_json, parse_shard, traffic_header,
    traffic_human, traffic_json, traffic_shard_json,
};
pub use style::Options;
pub use what_if::{what_if_human, what_if_json};
