//! Presentation of blastradius results (what-if, minimal cut sets, availability, importance,
//! fault-tree analysis of MEF models): human text (optionally coloured), JSON for machines, and
//! dependency graphs as DOT or Mermaid. Pure functions from values to strings.

mod diagnostics;
mod fta;
mod graph;
mod risk;
mod simulate;
mod style;
mod what_if;

pub use diagnostics::{model_error_human, model_error_json, validation_human, validation_json};
pub use fta::{fta_human, fta_json, mef_error_human, mef_error_json};
pub use graph::{graph_dot, graph_mermaid};
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
