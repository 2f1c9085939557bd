//! What-if with nodes degraded by themselves and nodes held up, checked against the obvious
//! iteration to a fixpoint; and the replay's intervals and exercised single points of failure
//! on a small hand-checked model.

use blastradius_model::{Model, NodeId, load};

use super::random;
use crate::{
    OwnStates, ReplayEvent, Status, WhatIfIndex, exercised_spofs, minutes_in, replay, what_if_with,
};

/// The least fixpoint by iteration (the shared oracle), as statuses.
fn by_iteration(
    model: &Model,
    failed: &[NodeId],
    own_degraded: &[NodeId],
    held: &[NodeId],
) -> Vec<Status> {
    let (down, degraded) = super::fixpoint_by_iteration(model, failed, own_degraded, held);
    down.iter()
        .zip(&degraded)
        .map(|(&down, &degraded)| match (down, degraded) {
            (true, _) => Status::Down,
            (false, true) => Status::Degraded,
            (false, false) => Status::Up,
        })
        .collect()
}

proptest::proptest! {
    #[test]
    fn own_states_agree_with_the_fixpoint_by_iteration(
        components in random::components(),
        failed in proptest::collection::vec(0..20usize, 0..3),
        degraded in proptest::collection::vec(0..20usize, 0..3),
        held in proptest::collection::vec(0..20usize, 0..3),
    ) {
        let order: Vec<usize> = (0..components.len()).collect();
        let model = load("r.yaml", random::text(&components, &order, false).as_bytes()).expect("valid");
        let ids = |list: &[usize]| -> Vec<NodeId> { list.iter().filter_map(|&i| model.lookup(&random::id(i))).collect() };
        let (failed, degraded, held) = (ids(&failed), ids(&degraded), ids(&held));
        let own = OwnStates { degraded: degraded.clone(), held_up: held.clone() };
        let result = what_if_with(&model, &WhatIfIndex::new(&model), &failed, &own);
        let expected = by_iteration(&model, &failed, &degraded, &held);
        for node in model.node_ids() {
            proptest::prop_assert_eq!(result.status(node), expected[node.index()], "node {}", model.id(node));
        }
    }
}

const MODEL: &str = "version: 1
name: shop
providers:
  cloud: { regions: { r1: { services: [db, queue] } } }
  pay-a: {}
  pay-b: {}
components:
  api: { depends_on: [cloud/r1/db, { any: [pay-a, pay-b] }, { soft: worker }] }
  worker: { depends_on: [cloud/r1/queue] }
functions:
  checkout: { delivered_by: [api], users: 100, cost_per_hour: 60 }
";

fn event(model: &Model, at: i64, fail: &[&str], recover: &[&str]) -> ReplayEvent {
    let ids = |list: &[&str]| list.iter().map(|id| model.lookup(id).expect("exists")).collect();
    ReplayEvent { at, fail: ids(fail), recover: ids(recover), ..ReplayEvent::default() }
}

#[test]
fn replay_intervals_and_exercised_single_points_of_failure() {
    let model = load("m.yaml", MODEL.as_bytes()).expect("valid");
    let index = WhatIfIndex::new(&model);
    let events = [
        event(&model, 0, &["cloud/r1/queue"], &[]),
        event(&model, 10, &["cloud/r1/db", "pay-a"], &[]),
        event(&model, 40, &[], &["cloud/r1/db"]),
        event(&model, 50, &["pay-b"], &[]),
        event(&model, 70, &[], &["pay-a", "pay-b", "cloud/r1/queue"]),
    ];
    let outcome = replay(&model, &index, &events, 90);
    let intervals = outcome.function_intervals(0);
    // Degraded by the worker 0-10, down on the database 10-40, degraded 40-50, down with both
    // acquirers 50-70, up after.
    let spans: Vec<(i64, i64, Status)> =
        intervals.iter().map(|i| (i.start, i.end, i.status)).collect();
    assert_eq!(
        spans,
        [
            (0, 10, Status::Degraded),
            (10, 40, Status::Down),
            (40, 50, Status::Degraded),
            (50, 70, Status::Down),
        ]
    );
    assert_eq!(minutes_in(&intervals, Status::Down), 50);
    let spofs = exercised_spofs(&model, &index, &events, &outcome).expect("small");
    let listed: Vec<(&str, i64, i64)> =
        spofs.iter().map(|s| (model.id(s.node), s.functions[0].1, s.functions[0].2)).collect();
    // Sparing `api` saves all 50 minutes, the database its 30; the acquirers are a redundant
    // pair, so neither alone is a single point of failure.
    assert_eq!(listed, [("api", 50, 0), ("cloud/r1/db", 50, 20)]);
}
