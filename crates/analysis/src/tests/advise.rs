//! Advice: candidates on random models never lower availability, and each candidate's claimed
//! effect equals the exact availability of the same change written into the model file and
//! loaded afresh (an independent path: text, parser, validation, lowering, engine).

use blastradius_model::{Model, load};
use proptest::prelude::*;

use super::random;
use crate::{AdviseOptions, ChangeKind, Goal, advise, availability};

const FIGURES: &[&str] = &["0.9", "0.99", "0.999", "{ mtbf: 100h, mttr: 5h }"];

/// A random model as (components with their entries as ids, availability per structure node
/// and component, functions as component indices).
type Spec = (Vec<Vec<(u8, Vec<String>, usize)>>, Vec<Option<usize>>, Vec<Vec<usize>>);

fn spec() -> impl Strategy<Value = Spec> {
    (
        random::components(),
        prop::collection::vec(prop::option::weighted(0.8, 0..FIGURES.len()), 25),
        prop::collection::vec(prop::collection::vec(0..10usize, 1..=2), 2),
    )
        .prop_map(|(components, figures, functions)| {
            let n = components.len();
            let named = components
                .into_iter()
                .map(|entries| {
                    entries
                        .into_iter()
                        .map(|(kind, members, k)| {
                            let mut ids: Vec<String> = Vec::new();
                            for id in members.into_iter().map(random::id) {
                                // Only ids of this model: structure or one of its n components.
                                let id = if id.starts_with('c')
                                    && id[1..].parse::<usize>().is_ok_and(|c| c >= n)
                                {
                                    "saas".to_owned()
                                } else {
                                    id
                                };
                                if !ids.contains(&id) {
                                    ids.push(id);
                                }
                            }
                            (kind, ids, k)
                        })
                        .collect()
                })
                .collect();
            let functions =
                functions.into_iter().map(|f| f.into_iter().map(|c| c % n).collect()).collect();
            (named, figures, functions)
        })
}

/// The model text; `extra_providers` and `extra_regions` are inserted in the provider section.
fn render(spec: &Spec, extra_providers: &str, extra_regions: &str) -> String {
    let (components, figures, functions) = spec;
    let mut text = format!(
        "version: 1\nname: random\nproviders:\n  p:\n    regions:\n      r1: {{ zones: [z1, z2], services: [db] }}\n      r2: {{ zones: [z1, z2] }}\n{extra_regions}    global: [iam]\n  saas: {{}}\n{extra_providers}components:\n"
    );
    for (c, entries) in components.iter().enumerate() {
        let rendered: Vec<String> = entries
            .iter()
            .map(|(kind, ids, k)| match kind {
                0 => ids[0].clone(),
                1 => format!("{{ any: [{}] }}", ids.join(", ")),
                2 => format!("{{ atleast: {}, of: [{}] }}", (*k).min(ids.len()), ids.join(", ")),
                _ => format!("{{ soft: {} }}", ids[0]),
            })
            .collect();
        text.push_str(&format!("  c{c}: {{ depends_on: [{}] }}\n", rendered.join(", ")));
    }
    text.push_str("functions:\n");
    for (i, roots) in functions.iter().enumerate() {
        let mut ids: Vec<String> = roots.iter().map(|c| format!("c{c}")).collect();
        ids.sort();
        ids.dedup();
        text.push_str(&format!(
            "  f{i}: {{ delivered_by: [{}], critical: true, cost_per_hour: {}, slo: 99.99 }}\n",
            ids.join(", "),
            100 * (i + 1)
        ));
    }
    text.push_str("availability:\n");
    for (index, figure) in figures.iter().enumerate() {
        let id = random::id(index);
        let exists = index < random::STRUCTURE.len()
            || id[1..].parse::<usize>().is_ok_and(|c| c < components.len());
        if let (Some(figure), true) = (figure, exists) {
            text.push_str(&format!("  {id}: {}\n", FIGURES[*figure]));
        }
    }
    text
}

fn figure_of(model: &Model, id: &str) -> Option<String> {
    model.lookup(id).and_then(|n| model.availability(n)).map(|a| match a {
        blastradius_model::Availability::Fixed(a) => format!("{a}"),
        blastradius_model::Availability::Repairable { mtbf, mttr } => {
            format!("{{ mtbf: {}h, mttr: {}h }}", mtbf.hours(), mttr.hours())
        }
    })
}

proptest! {
    #[test]
    fn every_candidate_never_lowers_availability_and_its_effect_is_real(spec in spec()) {
        let text = render(&spec, "", "");
        let model = load("m.yaml", text.as_bytes()).expect("valid");
        let options = AdviseOptions { goal: Goal::Budget(2.0), costs: Vec::new(), include_soft: true, max_candidates: usize::MAX };
        let advice = advise(&model, &options).expect("small");
        let mut seen = std::collections::BTreeMap::new();
        for (change, effect) in &advice.candidates {
            for (f, (&before, &after)) in advice.baseline.unavailability.iter().zip(&effect.after.unavailability).enumerate() {
                prop_assert!(after <= before + 1e-12, "{:?} lowers f{f}: {before} -> {after}", change.kind);
            }
            // The same change, written into the file.
            let owner: usize = model.id(change.owner)[1..].parse().expect("a component c<n>");
            let position = change.dependency - model.dependency_range(change.owner).start;
            let mut edited = spec.clone();
            let target = model.id(change.target).to_owned();
            let (mut providers, mut regions, mut new_figures) = (String::new(), String::new(), String::new());
            let entry = match (change.kind, &change.alternative) {
                (ChangeKind::Soft, _) => (3, vec![target.clone()], 1),
                (_, Some(alternative)) => {
                    if change.alternative_is_new {
                        match change.kind {
                            ChangeKind::SecondProvider => {
                                providers = match chain_figure(&model, &target) {
                                    Some(a) => format!("  {alternative}: {{ availability: {a} }}\n"),
                                    None => format!("  {alternative}: {{}}\n"),
                                };
                            }
                            ChangeKind::SecondRegion => {
                                let region = alternative.split('/').nth(1).expect("p/region/...");
                                let service = alternative.split('/').nth(2);
                                let mut body = String::new();
                                if let Some(service) = service {
                                    body.push_str(&format!("services: [{service}]"));
                                }
                                let source_region = target.split('/').take(2).collect::<Vec<_>>().join("/");
                                if let Some(figure) = figure_of(&model, &source_region) {
                                    body.push_str(&format!("{}availability: {figure}", if body.is_empty() { "" } else { ", " }));
                                }
                                regions = format!("      {region}: {{ {body} }}\n");
                                if let (Some(_), Some(figure)) = (service, figure_of(&model, &target)) {
                                    new_figures.push_str(&format!("  {alternative}: {figure}\n"));
                                }
                            }
                            ChangeKind::SecondZone | ChangeKind::Soft => {}
                        }
                    }
                    (1, vec![target.clone(), alternative.clone()], 1)
                }
                (_, None) => unreachable!("only soft changes have no alternative"),
            };
            edited.0[owner][position] = entry;
            let mut edited_text = render(&edited, &providers, &regions);
            edited_text.push_str(&new_figures);
            *seen.entry(format!("{:?}{}", change.kind, if change.alternative_is_new { " new" } else { "" })).or_insert(0) += 1;
            let reloaded = load("edited.yaml", edited_text.as_bytes()).unwrap_or_else(|e| panic!("{e:?}\n{edited_text}"));
            let exact = availability(&reloaded).expect("small");
            for (f, claimed) in effect.after.unavailability.iter().enumerate() {
                let real = exact.functions[f].unavailability;
                prop_assert!((claimed - real).abs() <= 1e-12, "{:?} on {target}: f{f} claimed {claimed}, real {real}\n{edited_text}", change.kind);
            }
        }
        KINDS_SEEN.with(|k| for (kind, n) in seen { *k.borrow_mut().entry(kind).or_insert(0) += n });
    }
}

thread_local! {
    /// The kinds of change the property test met, so that a test can check it met them all.
    static KINDS_SEEN: std::cell::RefCell<std::collections::BTreeMap<String, usize>> = const { std::cell::RefCell::new(std::collections::BTreeMap::new()) };
}

#[test]
fn the_property_meets_every_kind_of_change() {
    every_candidate_never_lowers_availability_and_its_effect_is_real();
    let kinds: Vec<String> = KINDS_SEEN.with(|k| k.borrow().keys().cloned().collect());
    assert_eq!(
        kinds,
        ["SecondProvider new", "SecondRegion", "SecondRegion new", "SecondZone", "Soft"],
        "{kinds:?}"
    );
}

/// The product of the availability figures of `id` and its ancestors, as advice computes it
/// for a like-for-like alternative provider; written as a number.
fn chain_figure(model: &Model, id: &str) -> Option<String> {
    let mut product: Option<f64> = None;
    let parts: Vec<&str> = id.split('/').collect();
    for end in (1..=parts.len()).rev() {
        let prefix = parts[..end].join("/");
        if let Some(a) = model.lookup(&prefix).and_then(|n| model.availability(n)) {
            product = Some(product.unwrap_or(1.0) * a.availability());
        }
    }
    product.map(|p| format!("{p:?}"))
}

#[test]
fn a_hand_checked_plan_is_exact_and_smallest() {
    // `pay` (99.95%) and `db` (zone z1, 99.9%) are single points of failure of `checkout`
    // (u = 1 − 0.9995 × 0.999 ≈ 0.0015). A like-for-like second provider for `pay` leaves
    // u = 1 − (1 − 0.0005²) × 0.999 ≈ 0.00100025; a second zone (z2, 99.9%) for `db` leaves
    // u = 1 − 0.9995 × (1 − 0.001 × 0.001) ≈ 0.0005010; both: ≈ 0.00000125. A 99.99% target
    // needs both, a 99.9% target either one: the one saving more is the zone.
    let text = "version: 1\nname: hand\nproviders:\n  cloud: { regions: { r: { zones: [z1, z2] } } }\n  pay: { availability: 0.9995 }\ncomponents:\n  db: { runs_on: cloud/r/z1 }\n  app: { depends_on: [db, pay] }\nfunctions:\n  checkout: { delivered_by: [app], critical: true, cost_per_hour: 1000 }\navailability:\n  cloud/r/z1: 0.999\n  cloud/r/z2: 0.999\n";
    let model = load("m.yaml", text.as_bytes()).expect("valid");
    let plan = |target: f64| {
        let options = AdviseOptions {
            goal: Goal::Target(Some(target)),
            costs: Vec::new(),
            include_soft: false,
            max_candidates: usize::MAX,
        };
        let advice = advise(&model, &options).expect("small");
        let changes: Vec<String> = advice
            .plan
            .changes
            .iter()
            .map(|&i| {
                format!(
                    "{:?} {}",
                    advice.candidates[i].0.kind,
                    advice.candidates[i].0.alternative.clone().unwrap_or_default()
                )
            })
            .collect();
        format!(
            "{:?} {} u={:.8}",
            advice.plan.method,
            changes.join(" + "),
            advice.plan.effect.after.unavailability[0]
        )
    };
    insta::assert_snapshot!(format!("{}\n{}", plan(0.999), plan(0.9999)), @"
    Exact(1) SecondZone cloud/r/z2 u=0.00050100
    Exact(2) SecondZone cloud/r/z2 + SecondProvider pay-alternative u=0.00000125
    ");
}
