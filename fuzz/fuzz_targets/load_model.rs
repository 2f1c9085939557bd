//! Fuzz target for `blastradius_model::load`: the parser must never panic, hang or exhaust memory
//! on any bytes, and any model it accepts must be internally consistent.

#![no_main]

use blastradius_model::{DependencyKind, Origin, load};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let model = match load("fuzz.yaml", data) {
        Ok(model) => model,
        Err(error) => {
            assert!(error.errors().next().is_some(), "a failed load reports at least one error");
            for diagnostic in &error.diagnostics {
                let _ = diagnostic.render(&error.file);
            }
            return;
        }
    };
    let n_nodes = model.n_nodes();
    assert_eq!(model.node_ids().len(), n_nodes);
    let mut n_dependencies = 0;
    let mut previous_end = 0;
    for node in model.node_ids() {
        assert!(node.index() < n_nodes);
        let id = model.id(node);
        assert_eq!(model.lookup(id), Some(node), "lookup(id({node:?})) must give the node back");
        let _ = (model.kind(node), model.location(node), model.description_of(node));
        let _ = model.component_kind(node);
        if let Some(availability) = model.availability(node) {
            let a = availability.availability();
            assert!(a > 0.0 && a <= 1.0, "availability {a} of `{id}` is outside (0, 1]");
            let _ = availability.to_string();
        }
        let range = model.dependency_range(node);
        assert_eq!(range.start, previous_end, "dependency ranges are contiguous");
        previous_end = range.end;
        let dependencies = model.dependencies(node);
        assert_eq!(dependencies.len(), range.len());
        for dependency in dependencies {
            n_dependencies += 1;
            assert!(!dependency.members.is_empty(), "a dependency of `{id}` has no members");
            for member in dependency.members {
                assert!(member.index() < n_nodes, "member {member:?} of `{id}` is out of range");
            }
            let n_members = dependency.members.len();
            match dependency.kind {
                DependencyKind::Hard | DependencyKind::Soft => assert_eq!(n_members, 1),
                DependencyKind::AnyOf => {}
                DependencyKind::AtLeast(k) => assert!(k >= 1 && k as usize <= n_members),
            }
            if let Some(threshold) = dependency.kind.down_threshold(n_members) {
                assert!((1..=n_members).contains(&threshold));
            }
            if dependency.origin == Origin::Parent {
                assert_eq!(n_members, 1);
            }
        }
    }
    assert_eq!(previous_end, model.n_dependencies());
    assert_eq!(n_dependencies, model.n_dependencies());
    for function in model.functions() {
        for node in &function.delivered_by {
            assert!(node.index() < n_nodes, "function `{}` is delivered by {node:?}", function.id);
        }
        if let Some(slo) = function.slo_percent {
            assert!(slo > 0.0 && slo <= 100.0);
        }
        assert!(function.cost_per_hour >= 0.0 && function.cost_per_hour.is_finite());
        for duration in [function.rto, function.rpo].into_iter().flatten() {
            assert!(duration.hours() >= 0.0 && duration.hours().is_finite());
            let _ = duration.to_string();
        }
    }
    for warning in model.warnings() {
        let _ = warning.render("fuzz.yaml");
    }
    let _ = (model.name(), model.description());
});
