//! Checks that the generator yields valid, deterministic models of the requested size whose
//! region failures have a blast radius, so the benches measure real work.

use blastradius_analysis::{Status, WhatIfIndex, what_if};
use blastradius_model::{NodeKind, load};

use crate::{DEFAULT_SEED, FAILED_REGION, FAILED_ZONE, generate_model};

fn check(n: usize) {
    let text = generate_model(n, DEFAULT_SEED);
    let model = match load("generated.yaml", text.as_bytes()) {
        Ok(model) => model,
        Err(error) => {
            let shown: Vec<String> =
                error.diagnostics.iter().take(10).map(|d| d.render("generated.yaml")).collect();
            panic!("the generated {n}-component model is invalid:\n{}", shown.join("\n"));
        }
    };
    let components = model.node_ids().filter(|&id| model.kind(id) == NodeKind::Component).count();
    assert_eq!(components, n);
    assert_eq!(model.functions().len(), (n / 1000).max(5));
    assert!(!model.warnings().is_empty(), "the planted cycles are reported");

    let index = WhatIfIndex::new(&model);
    let region = model.lookup(FAILED_REGION).expect("the benchmark region exists");
    let result = what_if(&model, &index, &[region]);
    let down = model.node_ids().filter(|&id| result.status(id) == Status::Down).count();
    let down_components = model
        .node_ids()
        .filter(|&id| model.kind(id) == NodeKind::Component && result.status(id) == Status::Down)
        .count();
    assert!(down_components > 0, "failing {FAILED_REGION} downs some components");
    assert!(down_components < n, "failing {FAILED_REGION} leaves some components up");
    assert!(down > down_components, "the region's zones and services are down too");

    let zone = model.lookup(FAILED_ZONE).expect("the benchmark zone exists");
    let result = what_if(&model, &index, &[zone]);
    assert_eq!(result.status(zone), Status::Down);
}

#[test]
fn a_1k_model_is_valid_and_a_region_failure_downs_components() {
    check(1_000);
}

#[test]
fn a_10k_model_is_valid_and_a_region_failure_downs_components() {
    check(10_000);
}

#[test]
fn small_and_odd_sizes_are_valid() {
    for n in [0, 1, 2, 7, 99, 100, 101, 250, 1234] {
        let text = generate_model(n, 7);
        if let Err(error) = load("generated.yaml", text.as_bytes()) {
            let shown: Vec<String> =
                error.diagnostics.iter().take(10).map(|d| d.render("generated.yaml")).collect();
            panic!("the generated {n}-component model is invalid:\n{}", shown.join("\n"));
        }
    }
}

#[test]
fn output_depends_only_on_size_and_seed() {
    assert_eq!(generate_model(2_000, 1), generate_model(2_000, 1));
    assert_ne!(generate_model(2_000, 1), generate_model(2_000, 2));
}

#[test]
fn output_is_pinned_across_platforms() {
    // FNV-1a of the text: changes only when the generator itself changes.
    let text = generate_model(1_000, DEFAULT_SEED);
    let hash = text.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    });
    assert_eq!((text.len(), hash), (205_860, 17_621_412_994_089_839_757));
}
