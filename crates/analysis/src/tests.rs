//! What-if tests: small models as text in, the down and degraded sets with their paths out, plus
//! property tests over random models.

use blastradius_model::load;

use crate::{Status, WhatIfIndex, what_if};

/// Loads `model`, fails the comma-separated `failed` ids, and lists every node that is not up
/// with its path, then every function's status.
fn blast(model: &str, failed: &str) -> String {
    let model = load("m.yaml", model.as_bytes()).expect("test models are valid");
    let index = WhatIfIndex::new(&model);
    let failed: Vec<_> =
        failed.split(',').map(|id| model.lookup(id.trim()).expect("failed ids exist")).collect();
    let result = what_if(&model, &index, &failed);
    let mut lines = Vec::new();
    for node in model.node_ids() {
        let status = result.status(node);
        if status != Status::Up {
            let path: Vec<_> = result.path(node).iter().map(|&n| model.id(n)).collect();
            lines.push(format!("{} {}", status.word(), path.join(" ← ")));
        }
    }
    for impact in result.functions() {
        lines.push(format!(
            "function {} {}",
            model.functions()[impact.function].id,
            impact.status.word()
        ));
    }
    lines.join("\n")
}

const ACME: &str = include_str!("../../model/test_data/acme-pay.yaml");

#[test]
fn region_failure_takes_down_everything_in_it() {
    insta::assert_snapshot!(blast(ACME, "aws/us-east-1"), @"
    down aws/us-east-1
    down aws/us-east-1/use1-az1 ← aws/us-east-1
    down aws/us-east-1/use1-az2 ← aws/us-east-1
    down aws/us-east-1/use1-az4 ← aws/us-east-1
    down aws/us-east-1/dynamodb ← aws/us-east-1
    down aws/us-east-1/lambda ← aws/us-east-1
    down api ← aws/us-east-1/use1-az2 ← aws/us-east-1
    down ledger ← aws/us-east-1/use1-az2 ← aws/us-east-1
    down recommendations ← aws/us-east-1/lambda ← aws/us-east-1
    function payments down
    ");
}

#[test]
fn zone_failure_is_absorbed_by_redundancy() {
    insta::assert_snapshot!(blast(ACME, "aws/us-east-1/use1-az1"), @"
    down aws/us-east-1/use1-az1
    function payments up
    ");
}

#[test]
fn one_payment_provider_down_is_absorbed_two_are_not() {
    insta::assert_snapshot!(blast(ACME, "stripe"), @"
    down stripe
    function payments up
    ");
    insta::assert_snapshot!(blast(ACME, "stripe, adyen"), @"
    down stripe
    down adyen
    down api ← adyen
    function payments down
    ");
}

#[test]
fn soft_dependency_failure_degrades_and_spreads_degradation() {
    insta::assert_snapshot!(blast(ACME, "aws/us-east-1/lambda"), @"
    down aws/us-east-1/lambda
    degraded api ← recommendations ← aws/us-east-1/lambda
    down recommendations ← aws/us-east-1/lambda
    function payments degraded
    ");
}

#[test]
fn quorum_holds_with_one_zone_lost_and_fails_with_two() {
    insta::assert_snapshot!(blast(ACME, "aws/us-east-1/use1-az4"), @"
    down aws/us-east-1/use1-az4
    function payments up
    ");
    insta::assert_snapshot!(blast(ACME, "aws/us-east-1/use1-az4, aws/us-east-1/use1-az2"), @"
    down aws/us-east-1/use1-az2
    down aws/us-east-1/use1-az4
    down api ← ledger ← aws/us-east-1/use1-az2
    down ledger ← aws/us-east-1/use1-az2
    function payments down
    ");
}

#[test]
fn a_cycle_does_not_fail_by_itself_but_falls_together() {
    let model = "version: 1\nname: c\nproviders:\n  x: {}\n  y: {}\ncomponents:\n  a: { depends_on: [b, x] }\n  b: { depends_on: [a] }\n  c: { depends_on: [{ soft: a }, y] }\n";
    insta::assert_snapshot!(blast(model, "y"), @"
    down y
    down c ← y
    ");
    insta::assert_snapshot!(blast(model, "x"), @"
    down x
    down a ← x
    down b ← a ← x
    degraded c ← a ← x
    ");
}

mod advise;
mod concentration;
mod fta;
mod replay;
mod risk;

/// Random small models for property tests: a fixed provider structure and up to ten components,
/// each with up to three dependencies of random kinds on random nodes (cycles included).
mod random {
    use proptest::prelude::*;

    /// Ids of the fixed provider structure, which every random model contains.
    pub(super) const STRUCTURE: &[&str] = &[
        "p",
        "p/r1",
        "p/r1/z1",
        "p/r1/z2",
        "p/r1/db",
        "p/r2",
        "p/r2/z1",
        "p/r2/z2",
        "p/global/iam",
        "saas",
    ];

    const HEAD: &str = "version: 1\nname: random\nproviders:\n  p:\n    regions:\n      r1: { zones: [z1, z2], services: [db] }\n      r2: { zones: [z1, z2] }\n    global: [iam]\n  saas: {}\n";

    /// One dependency: kind 0 hard, 1 any, 2 atleast, 3 soft; members as indices into all ids;
    /// k for atleast.
    pub(super) type RawDependency = (u8, Vec<usize>, usize);

    pub(super) fn components() -> impl Strategy<Value = Vec<Vec<RawDependency>>> {
        (1..=10usize).prop_flat_map(|n| {
            let n_ids = n + STRUCTURE.len();
            prop::collection::vec(
                prop::collection::vec(
                    (0..4u8, prop::collection::vec(0..n_ids, 1..=3), 1..=3usize),
                    0..=3,
                ),
                n,
            )
        })
    }

    pub(super) fn id(index: usize) -> String {
        STRUCTURE
            .get(index)
            .map_or_else(|| format!("c{}", index - STRUCTURE.len()), |s| (*s).to_owned())
    }

    /// The model text; `order` permutes the components and `reverse_deps` reverses each
    /// dependency list, so tests can check that file order does not matter.
    pub(super) fn text(
        components: &[Vec<RawDependency>],
        order: &[usize],
        reverse_deps: bool,
    ) -> String {
        let mut text = format!("{HEAD}components:\n");
        for &c in order {
            let mut entries: Vec<String> = components[c]
                .iter()
                .map(|(kind, members, k)| {
                    let mut unique: Vec<usize> = Vec::new();
                    for &m in members {
                        if !unique.contains(&m) {
                            unique.push(m);
                        }
                    }
                    let names: Vec<String> = unique.iter().map(|&m| id(m)).collect();
                    match kind {
                        0 => names[0].clone(),
                        1 => format!("{{ any: [{}] }}", names.join(", ")),
                        2 => format!(
                            "{{ atleast: {}, of: [{}] }}",
                            (*k).min(names.len()),
                            names.join(", ")
                        ),
                        _ => format!("{{ soft: {} }}", names[0]),
                    }
                })
                .collect();
            if reverse_deps {
                entries.reverse();
            }
            text.push_str(&format!("  c{c}: {{ depends_on: [{}] }}\n", entries.join(", ")));
        }
        text
    }
}

/// The least fixpoint computed the slow, obvious way: start with everything up and apply the
/// rules to every node until nothing changes, `held` nodes never brought down or degraded by a
/// dependency and `own_degraded` nodes degraded unless down. Returns (down, degraded) flags per
/// node.
fn fixpoint_by_iteration(
    model: &blastradius_model::Model,
    failed: &[blastradius_model::NodeId],
    own_degraded: &[blastradius_model::NodeId],
    held: &[blastradius_model::NodeId],
) -> (Vec<bool>, Vec<bool>) {
    use blastradius_model::DependencyKind;
    let n = model.n_nodes();
    let is_held = |node: blastradius_model::NodeId| held.contains(&node);
    let mut down = vec![false; n];
    for f in failed {
        down[f.index()] = true;
    }
    loop {
        let mut changed = false;
        for node in model.node_ids() {
            if down[node.index()] || is_held(node) {
                continue;
            }
            let fails = model.dependencies(node).any(|d| {
                let n_down = d.members.iter().filter(|m| down[m.index()]).count();
                match d.kind {
                    DependencyKind::Hard => n_down == 1,
                    DependencyKind::AnyOf => n_down == d.members.len(),
                    DependencyKind::AtLeast(k) => d.members.len() - n_down < k as usize,
                    DependencyKind::Soft => false,
                }
            });
            if fails {
                down[node.index()] = true;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    let mut degraded = vec![false; n];
    for node in own_degraded {
        degraded[node.index()] = !down[node.index()];
    }
    loop {
        let mut changed = false;
        for node in model.node_ids() {
            if down[node.index()] || degraded[node.index()] || is_held(node) {
                continue;
            }
            let hit = model.dependencies(node).any(|d| match d.kind {
                DependencyKind::Soft => {
                    down[d.members[0].index()] || degraded[d.members[0].index()]
                }
                _ => d.members.iter().any(|m| degraded[m.index()]),
            });
            if hit {
                degraded[node.index()] = true;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    (down, degraded)
}

fn statuses_by_id(
    model: &blastradius_model::Model,
    failed_ids: &[String],
) -> Vec<(String, Status)> {
    let index = WhatIfIndex::new(model);
    let failed: Vec<_> = failed_ids.iter().map(|id| model.lookup(id).expect("exists")).collect();
    let result = what_if(model, &index, &failed);
    let mut statuses: Vec<(String, Status)> =
        model.node_ids().map(|n| (model.id(n).to_owned(), result.status(n))).collect();
    statuses.sort();
    statuses
}

proptest::proptest! {
    #[test]
    fn agrees_with_the_fixpoint_by_iteration(components in random::components(), failed in proptest::collection::vec(0..20usize, 1..4)) {
        let order: Vec<usize> = (0..components.len()).collect();
        let model = load("r.yaml", random::text(&components, &order, false).as_bytes()).expect("random models are valid");
        let failed: Vec<_> = failed.iter().filter_map(|&i| model.lookup(&random::id(i))).collect();
        let result = what_if(&model, &WhatIfIndex::new(&model), &failed);
        let (down, degraded) = fixpoint_by_iteration(&model, &failed, &[], &[]);
        for node in model.node_ids() {
            let expected = if down[node.index()] { Status::Down } else if degraded[node.index()] { Status::Degraded } else { Status::Up };
            proptest::prop_assert_eq!(result.status(node), expected, "node {}", model.id(node));
        }
    }

    #[test]
    fn failing_a_superset_never_downs_fewer(components in random::components(), small in proptest::collection::vec(0..20usize, 0..3), extra in proptest::collection::vec(0..20usize, 1..3)) {
        let order: Vec<usize> = (0..components.len()).collect();
        let model = load("r.yaml", random::text(&components, &order, false).as_bytes()).expect("valid");
        let index = WhatIfIndex::new(&model);
        let small: Vec<_> = small.iter().filter_map(|&i| model.lookup(&random::id(i))).collect();
        let mut large = small.clone();
        large.extend(extra.iter().filter_map(|&i| model.lookup(&random::id(i))));
        let small_result = what_if(&model, &index, &small);
        let large_result = what_if(&model, &index, &large);
        for node in model.node_ids() {
            if small_result.status(node) == Status::Down {
                proptest::prop_assert_eq!(large_result.status(node), Status::Down, "node {}", model.id(node));
            }
        }
    }

    #[test]
    fn every_failure_has_a_path_back_to_a_failed_node(components in random::components(), failed in proptest::collection::vec(0..20usize, 1..4)) {
        let order: Vec<usize> = (0..components.len()).collect();
        let model = load("r.yaml", random::text(&components, &order, false).as_bytes()).expect("valid");
        let failed: Vec<_> = failed.iter().filter_map(|&i| model.lookup(&random::id(i))).collect();
        let result = what_if(&model, &WhatIfIndex::new(&model), &failed);
        for node in model.node_ids().filter(|&n| result.status(n) != Status::Up) {
            let path = result.path(node);
            proptest::prop_assert_eq!(path[0], node);
            proptest::prop_assert!(result.failed().contains(path.last().expect("non-empty")));
            for step in path.windows(2) {
                // Each step must be a real dependency of the node before it.
                let (from, to) = (step[0], step[1]);
                proptest::prop_assert!(model.dependencies(from).any(|d| d.members.contains(&to)), "{} does not depend on {}", model.id(from), model.id(to));
                proptest::prop_assert!(result.status(to) != Status::Up);
            }
            // A down node's path runs through down nodes only.
            if result.status(node) == Status::Down {
                proptest::prop_assert!(path.iter().all(|&p| result.status(p) == Status::Down));
            }
        }
    }

    #[test]
    fn file_order_does_not_change_the_result(components in random::components(), seed in 0..1000usize, failed in proptest::collection::vec(0..20usize, 1..4)) {
        let order: Vec<usize> = (0..components.len()).collect();
        let mut shuffled = order.clone();
        // A deterministic permutation from the seed.
        for i in (1..shuffled.len()).rev() {
            shuffled.swap(i, (seed * 7919 + i * 104_729) % (i + 1));
        }
        let model = load("r.yaml", random::text(&components, &order, false).as_bytes()).expect("valid");
        let permuted = load("r.yaml", random::text(&components, &shuffled, true).as_bytes()).expect("valid");
        let failed_ids: Vec<String> = failed.iter().map(|&i| random::id(i)).filter(|id| model.lookup(id).is_some()).collect();
        proptest::prop_assert_eq!(statuses_by_id(&model, &failed_ids), statuses_by_id(&permuted, &failed_ids));
    }
}
