//! A scenario replayed on a model: its timeline mapped onto the model's nodes, the state after
//! each event, and the single points of failure the outage exercised.

use blastradius_analysis::{
    EngineError, ExercisedSpof, Replay, ReplayEvent, WhatIfIndex, exercised_spofs, replay,
};
use blastradius_model::{Model, NodeId};

use crate::scenario::Scenario;

/// The outcome of replaying a scenario on a model.
#[derive(Clone, Debug)]
pub struct ScenarioReplay {
    /// One replay step per timeline event, in the same order; times are [`crate::UtcMinute`]
    /// values.
    pub replay: Replay,
    /// Ids the timeline names that the model lacks (it does not use them, or did not opt into
    /// the catalogue entry that has them), sorted, without repeats.
    pub missing: Vec<String>,
    /// Catalogue entries the scenario needs that the model does not opt into.
    pub catalog_missing: Vec<String>,
    /// The single points of failure the outage exercised, most downtime saved first.
    pub spofs: Vec<ExercisedSpof>,
}

/// Replays `scenario` on `model`. Linear in the events times the model, plus one exact cut-set
/// computation per function taken down and one replay per exercised single point of failure.
///
/// # Errors
/// [`EngineError::NodeLimitExceeded`] when a function is too large for exact cut sets.
pub fn replay_scenario(model: &Model, scenario: &Scenario) -> Result<ScenarioReplay, EngineError> {
    let mut missing = Vec::new();
    let mut resolve = |ids: &[String]| -> Vec<NodeId> {
        ids.iter()
            .filter_map(|id| {
                let node = model.lookup(id);
                if node.is_none() {
                    missing.push(id.clone());
                }
                node
            })
            .collect()
    };
    let events: Vec<ReplayEvent> = scenario
        .timeline
        .iter()
        .map(|event| ReplayEvent {
            at: event.at.0,
            fail: resolve(&event.fail),
            degrade: resolve(&event.degrade),
            recover: resolve(&event.recover),
            mitigate: resolve(&event.mitigate),
        })
        .collect();
    missing.sort();
    missing.dedup();
    let catalog_missing = scenario
        .catalog
        .iter()
        .filter(|name| !model.catalog().iter().any(|(opted, _)| opted == *name))
        .cloned()
        .collect();
    let index = WhatIfIndex::new(model);
    let replay = replay(model, &index, &events, scenario.end.0);
    let spofs = exercised_spofs(model, &index, &events, &replay)?;
    Ok(ScenarioReplay { replay, missing, catalog_missing, spofs })
}
