//! Tests of the catalogue and scenario readers, of the merge of catalogue layers into models,
//! and of the consistency of the built-in data.

use blastradius_model::{ModelError, NodeKind, Origin};

use crate::{Catalog, UtcMinute, builtin_scenarios, load_model, parse_scenario};

fn errors(error: &ModelError) -> String {
    error.diagnostics.iter().map(|d| d.render(&error.file)).collect::<Vec<_>>().join("\n")
}

/// Loads a model text against the built-in catalogue: its errors, or its nodes from the
/// catalogue and the catalogue dependencies of `of`.
fn merged(text: &str, of: &str) -> String {
    let catalog = Catalog::builtin();
    match load_model(&catalog, "m.yaml", text.as_bytes()) {
        Err(error) => errors(&error),
        Ok(model) => {
            let node = model.lookup(of).expect("the node exists");
            let mut lines = vec![format!(
                "{} nodes, {} from the catalogue; {of}: {}",
                model.n_nodes(),
                model.node_ids().filter(|&n| model.catalog_layer(n).is_some()).count(),
                model.kind(node).word()
            )];
            for dependency in model.dependencies(node) {
                let Origin::Catalog(tag) = dependency.origin else { continue };
                let edge = &catalog.edges()[tag as usize];
                let members: Vec<&str> = dependency.members.iter().map(|&m| model.id(m)).collect();
                lines.push(format!(
                    "{:?} on {} [{} {}]",
                    dependency.kind,
                    members.join(","),
                    edge.evidence,
                    edge.source.key
                ));
            }
            lines.join("\n")
        }
    }
}

#[test]
fn the_builtin_catalogue_and_scenarios_are_valid() {
    let catalog = Catalog::builtin();
    assert!(catalog.providers().len() >= 12, "{:?}", catalog.providers());
    let scenarios = builtin_scenarios();
    assert!(scenarios.len() >= 8);
    let layers = catalog.layers();
    for scenario in &scenarios {
        for event in &scenario.timeline {
            let ids = event.fail.iter().chain(&event.degrade).chain(&event.recover);
            for id in ids.chain(&event.mitigate) {
                assert!(
                    catalog.node(id).is_some(),
                    "{}: {id} is not in the catalogue",
                    scenario.id
                );
            }
        }
        for name in &scenario.catalog {
            assert!(layers.iter().any(|l| &l.name == name), "{}: no layer {name}", scenario.id);
        }
    }
}

#[test]
fn a_model_inherits_the_catalogue_edges_it_opts_into() {
    let text = "version: 1\nname: m\ncatalog: [aws]\n";
    insta::assert_snapshot!(merged(text, "aws/us-east-1/ec2-launch"), @"
    109 nodes, 109 from the catalogue; aws/us-east-1/ec2-launch: service
    Hard on aws/us-east-1/dynamodb [P aws-pes-2025-10]
    ");
}

#[test]
fn a_model_declaration_of_a_catalogue_node_is_the_same_node() {
    let text = "version: 1\nname: m\ncatalog: [aws]\nproviders:\n  aws:\n    regions:\n      us-east-1: { services: [lambda] }\n";
    insta::assert_snapshot!(merged(text, "aws/us-east-1/lambda"), @"
    109 nodes, 106 from the catalogue; aws/us-east-1/lambda: service
    Soft on aws/us-east-1/dynamodb [Pt aws-pes-2025-10]
    Soft on aws/us-east-1/nlb [Pt aws-pes-2025-10]
    ");
}

#[test]
fn cloudflare_pulls_in_google_cloud_for_workers_kv() {
    let text = "version: 1\nname: m\ncatalog: [cloudflare]\n";
    insta::assert_snapshot!(merged(text, "cloudflare/global/kv-storage"), @"
    62 nodes, 62 from the catalogue; cloudflare/global/kv-storage: global service
    Hard on gcp/global/service-control [I cf-2025-06-12]
    ");
}

#[test]
fn conflicts_with_the_catalogue_are_located_errors() {
    let text = "version: 1\nname: m\ncatalog: [aws, stripe, awz, aws]\nproviders:\n  aws:\n    regions:\n      us-east-1: { zones: [dynamodb] }\ncomponents:\n  stripe: {}\n";
    insta::assert_snapshot!(merged(text, "aws"), @"
    m.yaml:3:24: error: unknown catalogue entry `awz`
      help: did you mean `aws`? the catalogue has aws, azure, gcp, cloudflare, stripe, adyen, auth0, okta, twilio, datadog, github, crowdstrike, fastly, akamai, dyn, meta
    m.yaml:3:29: error: catalogue entry `aws` is listed twice
    m.yaml:7:28: error: `aws/us-east-1/dynamodb` is declared here as a zone, but catalogue `aws` has it as a service
      help: declare it as the catalogue does, or drop the entry from `catalog:`
    m.yaml:9:3: error: id `stripe` is taken by a node of catalogue `stripe` (opted into at 3:16)
      help: rename your component, or drop the entry from `catalog:`
    ");
}

#[test]
fn near_misses_of_catalogue_ids_are_warnings() {
    let text = "version: 1\nname: m\ncatalog: [aws]\nproviders:\n  aws:\n    regions:\n      us-east1: { services: [dynamo] }\n      us-east-1: { services: [dynamodb, athena] }\n";
    let model = load_model(&Catalog::builtin(), "m.yaml", text.as_bytes()).expect("valid");
    let warnings: Vec<String> = model.warnings().iter().map(|w| w.render("m.yaml")).collect();
    insta::assert_snapshot!(warnings.join("\n"), @"
    m.yaml:7:7: warning: `aws/us-east1` is not in catalogue `aws`, so it inherits no published dependencies
      help: did you mean `aws/us-east-1`?
    m.yaml:7:30: warning: `aws/us-east1/dynamo` is not in catalogue `aws`, so it inherits no published dependencies
      help: did you mean `aws/us-east-1/dynamodb`?
    ");
}

#[test]
fn utc_minutes_are_exact() {
    assert_eq!(UtcMinute::parse("2025-10-20T06:48Z"), Some(UtcMinute(29349048)));
    let leap = UtcMinute::parse("2000-02-29T23:59Z").expect("a leap day");
    assert_eq!(leap, UtcMinute(15864479));
    assert_eq!(leap.to_string(), "2000-02-29 23:59 UTC");
    for bad in ["2025-02-29T00:00Z", "2025-10-20T24:00Z", "2025-10-20 06:48", "2025-13-01T00:00Z"] {
        assert_eq!(UtcMinute::parse(bad), None, "{bad}");
    }
    let mut day = UtcMinute::parse("1999-12-31T12:00Z").expect("valid").0;
    for _ in 0..20_000 {
        let time = UtcMinute(day);
        let again = format!("{}T{}Z", time.date(), time.clock());
        assert_eq!(UtcMinute::parse(&again), Some(time));
        day += 1440 + 7;
    }
}

#[test]
fn scenario_files_get_located_errors() {
    let text = "id: x\ntitle: t\nprovider: aws\nstart: 2025-10-20T06:48\nend: 2025-10-20T05:00Z\nmalicious: no\ntrigger: t\ntrigger_source: nope\nsources:\n  a: { title: A }\ntimeline:\n  - { at: 2025-10-20T07:00Z, fail: [aws//x], text: t, source: b, evidence: Q }\n  - { at: 2025-10-20T06:00Z, text: t, source: a, evidence: P, colour: red }\n";
    let error = parse_scenario("s.yaml", text).expect_err("invalid");
    insta::assert_snapshot!(errors(&error), @"
    s.yaml:4:8: error: bad time `2025-10-20T06:48` for `start`
      help: write a UTC time as `2025-10-20T06:48Z`
    s.yaml:6:12: error: `malicious` must be true or false, found `no`
      help: write `malicious: false` for an outage that was not an attack
    s.yaml:8:17: error: unknown source `nope`
    s.yaml:12:37: error: invalid id `aws//x`
      help: ids are slash paths such as `aws/us-east-1/dynamodb`
    s.yaml:12:63: error: unknown source `b` in a timeline event
      help: the file's `sources:` has a
    s.yaml:12:76: error: unknown evidence grade `Q` in a timeline event
      help: grades are P, Pt, M, R, I, U
    s.yaml:13:5: error: event at 2025-10-20 06:00 UTC comes after one at 2025-10-20 07:00 UTC
      help: list the timeline in time order
    s.yaml:13:63: error: unknown key `colour` in a timeline event
      help: valid keys are `at`, `fail`, `degrade`, `recover`, `mitigate`, `response`, `text`, `source`, `evidence`
    ");
}

#[test]
fn catalogue_nodes_have_the_kinds_their_ids_imply() {
    for node in Catalog::builtin().nodes() {
        let n_parts = node.id.split('/').count();
        let expected = match node.kind {
            NodeKind::Provider => 1,
            NodeKind::Region => 2,
            _ => 3,
        };
        assert_eq!(n_parts, expected, "{}", node.id);
        assert_eq!(
            node.kind == NodeKind::GlobalService,
            node.id.split('/').nth(1) == Some("global")
        );
    }
}

mod ground_truth;
