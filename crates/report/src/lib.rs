//! Presentation of blastradius results: human text (optionally coloured), JSON for machines,
//! and dependency graphs as DOT or Mermaid. Pure functions from values to strings.

mod diagnostics;
mod graph;
mod style;
mod what_if;

pub use diagnostics::{model_error_human, model_error_json, validation_human, validation_json};
pub use graph::{graph_dot, graph_mermaid};
pub use style::Options;
pub use what_if::{what_if_human, what_if_json};
