//! The built-in knowledge of blastradius: a provider catalogue of published provider-internal
//! dependencies, and a library of historic outages as replayable scenarios, every statement
//! with its source and evidence grade. The data lives in `catalog/` and `scenarios/` at the
//! repository root and is compiled in; this crate reads it and merges the catalogue into
//! models, and replays scenarios on them. It reads no files at run time.

mod catalog;
mod evidence;
mod read;
mod replay;
mod scenario;

#[cfg(test)]
mod tests;

pub use catalog::{Catalog, CatalogEdge, CatalogNode, Effect};
pub use evidence::{Evidence, Source};
pub use replay::{ScenarioReplay, replay_scenario};
pub use scenario::{Cited, Event, Scenario, UtcMinute, builtin_scenarios, parse_scenario};

use blastradius_model::{Model, ModelError};

/// Loads a model as [`blastradius_model::load`] does, merging the catalogue entries it opts
/// into with `catalog: [aws, cloudflare, …]`.
///
/// # Errors
/// Every located problem of the model file, including unknown catalogue entries and
/// declarations that conflict with the catalogue.
pub fn load_model(catalog: &Catalog, file: &str, bytes: &[u8]) -> Result<Model, ModelError> {
    blastradius_model::load_with(file, bytes, &catalog.layers())
}
