//! Concentration and sweep on hand-checkable models, and the sweep against brute-force what-if
//! over every single and pair of provider nodes on random models.

use blastradius_model::{Model, load};
use proptest::prelude::*;

use super::random;
use crate::{
    Status, SweepOptions, WhatIfIndex, concentration, sweep, sweep_targets, target_name, what_if,
};

const HAND: &str = r#"version: 1
name: hand
providers:
  aws:
    regions:
      r1: { zones: [a, b], services: [db] }
      r2: { zones: [a] }
    global: [iam]
  gcp: { ultimate_parent: alphabet, regions: { c1: { services: [store] } } }
  youtube: { ultimate_parent: alphabet }
  pay: { runs_on: aws/r1 }
  mail: { runs_on: gcp/c1/store }
components:
  app: { runs_on: { any: [aws/r1/a, aws/r1/b] }, depends_on: [aws/r1/db, pay] }
  api: { runs_on: aws/r2/a, depends_on: [mail, aws/global/iam] }
functions:
  checkout: { delivered_by: [app], critical: true, users: 100, cost_per_hour: 1000 }
  browse: { delivered_by: [api], critical: true, users: 300, cost_per_hour: 3000 }
  report: { delivered_by: [api], critical: false, users: 5, cost_per_hour: 1 }
"#;

fn names(model: &Model, functions: &[usize]) -> String {
    functions.iter().map(|&f| model.functions()[f].id.as_str()).collect::<Vec<_>>().join(",")
}

/// One line per target and per function, with every figure the definitions fix.
fn concentration_text(text: &str) -> String {
    let model = load("m.yaml", text.as_bytes()).expect("valid");
    let result = concentration(&model, &WhatIfIndex::new(&model));
    let mut out = format!(
        "scope {} all={}\n",
        names(&model, &result.scope),
        result.scope_is_all_because_none_critical
    );
    for target in &result.targets {
        let via: Vec<&str> = target.via.iter().map(|&n| model.id(n)).collect();
        out.push_str(&format!(
            "{} [{}] reach={} {:.3}/{:.3}/{:.3} spof={} hidden={} via={}\n",
            target_name(&model, target),
            target.group,
            names(&model, &target.reached_by),
            target.share.count,
            target.share.users.unwrap_or(f64::NAN),
            target.share.cost.unwrap_or(f64::NAN),
            names(&model, &target.spof_for),
            names(&model, &target.hidden_for),
            via.join(","),
        ));
    }
    for function in &result.functions {
        let shares: Vec<String> =
            function.group_shares.iter().map(|(g, s)| format!("{g}={s:.4}")).collect();
        let spofs: Vec<&str> =
            function.single_points_of_failure.iter().map(|&n| model.id(n)).collect();
        out.push_str(&format!(
            "{}: hhi={:.4} {} spofs={}\n",
            model.functions()[function.function].id,
            function.hhi.unwrap_or(f64::NAN),
            shares.join(" "),
            spofs.join(","),
        ));
    }
    let shares: Vec<String> =
        result.group_shares.iter().map(|(g, s)| format!("{g}={s:.4}")).collect();
    out.push_str(&format!(
        "overall hhi={:.4} {}\n",
        result.hhi.unwrap_or(f64::NAN),
        shares.join(" ")
    ));
    out
}

#[test]
fn hand_checked_shares_spofs_hhi_and_hidden_reach() {
    // checkout's provider services: aws/r1/a, aws/r1/b, aws/r1/db (aws) and pay: HHI
    // 0.75² + 0.25² = 0.625. browse's: aws/r2/a, aws/global/iam (aws), mail, gcp/c1/store
    // (alphabet): 0.5² + 3 × 0.25² = 0.375. Mean shares aws 0.625, the others 0.125 each:
    // 0.625² + 3 × 0.125² = 0.4375. gcp/c1/store is reached by browse only through mail.
    insta::assert_snapshot!(concentration_text(HAND), @"
    scope checkout,browse all=false
    aws [aws] reach=checkout,browse 1.000/1.000/1.000 spof=checkout,browse hidden= via=pay
    alphabet [alphabet] reach=browse 0.500/0.750/0.750 spof=browse hidden= via=
    aws/global/iam [aws] reach=browse 0.500/0.750/0.750 spof=browse hidden= via=
    aws/r2 [aws] reach=browse 0.500/0.750/0.750 spof=browse hidden= via=
    aws/r2/a [aws] reach=browse 0.500/0.750/0.750 spof=browse hidden= via=
    gcp [alphabet] reach=browse 0.500/0.750/0.750 spof=browse hidden=browse via=mail
    gcp/c1 [alphabet] reach=browse 0.500/0.750/0.750 spof=browse hidden=browse via=mail
    gcp/c1/store [alphabet] reach=browse 0.500/0.750/0.750 spof=browse hidden=browse via=mail
    mail [mail] reach=browse 0.500/0.750/0.750 spof=browse hidden= via=
    aws/r1 [aws] reach=checkout 0.500/0.250/0.250 spof=checkout hidden= via=pay
    aws/r1/db [aws] reach=checkout 0.500/0.250/0.250 spof=checkout hidden= via=
    pay [pay] reach=checkout 0.500/0.250/0.250 spof=checkout hidden= via=
    aws/r1/a [aws] reach=checkout 0.500/0.250/0.250 spof= hidden= via=
    aws/r1/b [aws] reach=checkout 0.500/0.250/0.250 spof= hidden= via=
    checkout: hhi=0.6250 aws=0.7500 pay=0.2500 spofs=aws,aws/r1,aws/r1/db,pay
    browse: hhi=0.3750 aws=0.5000 alphabet=0.2500 mail=0.2500 spofs=aws,aws/r2,aws/r2/a,aws/global/iam,gcp,gcp/c1,gcp/c1/store,mail
    overall hhi=0.4375 aws=0.6250 alphabet=0.1250 mail=0.1250 pay=0.1250
    ");
}

#[test]
fn without_critical_functions_every_function_is_in_scope() {
    let text = HAND.replace("critical: true", "critical: false");
    let out = concentration_text(&text);
    assert!(out.starts_with("scope checkout,browse,report all=true\n"), "{out}");
}

/// A random model with two functions, as text.
fn random_text(components: &[Vec<random::RawDependency>], functions: &[Vec<usize>]) -> String {
    let order: Vec<usize> = (0..components.len()).collect();
    let mut text = random::text(components, &order, false);
    text.push_str("functions:\n");
    for (i, roots) in functions.iter().enumerate() {
        let mut ids: Vec<String> =
            roots.iter().map(|&c| format!("c{}", c % components.len())).collect();
        ids.sort();
        ids.dedup();
        text.push_str(&format!(
            "  f{i}: {{ delivered_by: [{}], users: {}, cost_per_hour: {} }}\n",
            ids.join(", "),
            10 + i,
            100 * (i + 1)
        ));
    }
    text
}

fn down_functions(
    model: &Model,
    index: &WhatIfIndex,
    failed: &[blastradius_model::NodeId],
    status: Status,
) -> Vec<usize> {
    what_if(model, index, failed)
        .functions()
        .iter()
        .filter(|f| f.status == status)
        .map(|f| f.function)
        .collect()
}

proptest! {
    #[test]
    fn sweep_agrees_with_what_if_on_every_single_and_pair(
        components in random::components(),
        functions in prop::collection::vec(prop::collection::vec(0..10usize, 1..=3), 3),
    ) {
        let model = load("m.yaml", random_text(&components, &functions).as_bytes()).expect("valid");
        let index = WhatIfIndex::new(&model);
        let result = sweep(&model, &index, SweepOptions { order: 2 });
        let targets = sweep_targets(&model);
        prop_assert_eq!(&result.targets, &targets);
        for (scenario, &target) in result.singles.iter().zip(&targets) {
            prop_assert_eq!(&scenario.down.functions, &down_functions(&model, &index, &[target], Status::Down));
            prop_assert_eq!(&scenario.degraded.functions, &down_functions(&model, &index, &[target], Status::Degraded));
            let users: u64 = scenario.down.functions.iter().map(|&f| model.functions()[f].users).sum();
            prop_assert_eq!(scenario.down.users, users);
            prop_assert_eq!(scenario.nodes_down, what_if(&model, &index, &[target]).nodes_in(Status::Down).count());
        }
        let mut expected_pairs = Vec::new();
        for first in 0..targets.len() {
            for second in first + 1..targets.len() {
                let pair = [targets[first], targets[second]];
                let down = down_functions(&model, &index, &pair, Status::Down);
                let mut alone = result.singles[first].down.functions.clone();
                alone.extend(&result.singles[second].down.functions);
                alone.sort_unstable();
                alone.dedup();
                if down.len() > alone.len() {
                    expected_pairs.push((pair.to_vec(), down, down_functions(&model, &index, &pair, Status::Degraded)));
                }
            }
        }
        let found: Vec<_> = result.pairs.iter().map(|s| (s.failed.clone(), s.down.functions.clone(), s.degraded.functions.clone())).collect();
        prop_assert_eq!(found, expected_pairs);
        let counts = result.pair_counts;
        prop_assert_eq!(counts.total, (targets.len() * (targets.len() - 1) / 2) as u64);
        prop_assert_eq!(counts.nested + counts.independent + counts.propagated, counts.total);
    }
}

/// The check report of `text` against `policy`, one line per case.
fn check_text(text: &str, policy: &str) -> String {
    let model = load("m.yaml", text.as_bytes()).expect("valid");
    let policy = blastradius_model::load_policy("p.yaml", policy.as_bytes()).expect("valid policy");
    let report = crate::check(&model, &policy, &WhatIfIndex::new(&model)).expect("small");
    let mut out = String::new();
    for rule in &report.rules {
        for case in &rule.cases {
            let subject = case.function.map_or("(model)", |f| model.functions()[f].id.as_str());
            let verdict = match (&case.skipped, case.violations.is_empty()) {
                (Some(reason), _) => format!("skipped: {reason}"),
                (None, true) => "pass".to_owned(),
                (None, false) => case
                    .violations
                    .iter()
                    .map(|v| v.message.as_str())
                    .collect::<Vec<_>>()
                    .join("; "),
            };
            out.push_str(&format!("{} {subject}: {verdict}\n", rule.id));
        }
    }
    out
}

const SLO_MODEL: &str = r#"version: 1
name: nines
providers:
  good: { availability: 0.9999 }
  weak: { availability: 0.9995 }
  spare: { availability: 0.9 }
components:
  a: { depends_on: [good] }
  b: { depends_on: [weak] }
  c: { depends_on: [{ any: [weak, spare] }] }
functions:
  on-good: { delivered_by: [a], critical: true, slo: 99.9 }
  on-weak: { delivered_by: [b], critical: true, slo: 99.9 }
  redundant: { delivered_by: [c], critical: true, slo: 99.9 }
  no-slo: { delivered_by: [a], critical: true }
"#;

#[test]
fn the_extra_nine_applies_to_single_points_of_failure_only() {
    // SLO 99.9% with one extra nine: each single point of failure needs 99.99%. `good` has it;
    // `weak` (99.95%) does not, although the function still meets its SLO; behind an any-of
    // group `weak` is no single point of failure (unavailability 0.0005 × 0.1 = 0.00005).
    insta::assert_snapshot!(check_text(SLO_MODEL, "version: 1\nrules:\n  slo: { extra_nines: 1 }\n"), @"
    slo on-good: pass
    slo on-weak: single point of failure `weak` is 99.95% available; the SLO of 99.9% for `on-weak` needs 99.99% from each with 1 extra nine
    slo redundant: pass
    slo no-slo: skipped: `no-slo` has no SLO
    ");
}

#[test]
fn with_zero_extra_nines_only_the_slo_itself_counts() {
    let out = check_text(SLO_MODEL, "version: 1\nrules:\n  slo: { extra_nines: 0 }\n");
    assert!(out.contains("slo on-weak: pass"), "{out}");
}

#[test]
fn hhi_rule_uses_the_concentration_figures() {
    // checkout's HHI is 0.625, browse's 0.375, overall 0.4375 (see the hand-checked test).
    insta::assert_snapshot!(check_text(HAND, "version: 1\nrules:\n  max_hhi: 0.5\n  no_single_point_of_failure: ['aws/r1*', pay]\n"), @"
    no-single-point-of-failure checkout: region `aws/r1` is a single point of failure of `checkout`; service `aws/r1/db` is a single point of failure of `checkout`; provider `pay` is a single point of failure of `checkout`
    no-single-point-of-failure browse: pass
    max-hhi checkout: `checkout` has a provider concentration index of 0.625, above 0.5 (largest group: aws, 75.0%)
    max-hhi browse: pass
    max-hhi (model): pass
    ");
}

#[test]
fn patterns_match_with_stars_anywhere() {
    use blastradius_model::matches_pattern;
    assert!(matches_pattern("*/global/dns", "cloudflare/global/dns"));
    assert!(!matches_pattern("*/global/dns", "cloudflare/global/dns2"));
    assert!(matches_pattern("aws*", "aws"));
    assert!(matches_pattern("a*b*c", "axxbyyc"));
    assert!(!matches_pattern("a*b*c", "axxcyyb"));
    assert!(matches_pattern("exact", "exact"));
    assert!(!matches_pattern("ab*ba", "aba"));
}

#[test]
fn register_lists_subcontractors_by_rank_and_what_is_missing() {
    // `mail` runs on `relay`, which runs on cloud region `aws/r1`: ranks 1, 2 and 3 for
    // `notify`. `pay` and `backup-pay` share an any-of group: each is the other's alternative.
    let text = "version: 1\nname: reg\nproviders:\n  aws: { legal_entity: \"Amazon Web Services, Inc.\", country: US, lei: 5493001KJTIIGC8Y1R12, service_type: iaas, data_locations: [US, IE], regions: { r1: {} } }\n  relay: { runs_on: aws/r1, service_type: paas }\n  mail: { runs_on: relay, substitutability: easy, exit_plan: true }\n  pay: {}\n  backup-pay: {}\ncomponents:\n  sender: { depends_on: [mail] }\n  checkout: { depends_on: [{ any: [pay, backup-pay] }] }\nfunctions:\n  notify: { delivered_by: [sender], critical: true, rto: 1h, rpo: 30m }\n  buy: { delivered_by: [checkout], critical: true }\n";
    let model = load("m.yaml", text.as_bytes()).expect("valid");
    let register = crate::register(&model);
    let mut out = String::new();
    for table in &register.tables {
        out.push_str(&format!("{}: {}\n", table.name, table.header.join(",")));
        for row in &table.rows {
            out.push_str(&format!("  {}\n", row.join(",")));
        }
    }
    for missing in &register.missing {
        out.push_str(&format!("missing {} {} {}\n", missing.table, missing.subject, missing.field));
    }
    insta::assert_snapshot!(out, @"
    b_02_02_services: provider_id,function_id,function_critical_or_important,ict_service_type,data_locations
      mail,notify,Y,,
      pay,buy,Y,,
      backup-pay,buy,Y,,
    b_05_01_providers: provider_id,legal_name,lei,headquarters_country,ultimate_parent
      aws,Amazon Web Services, Inc.,5493001KJTIIGC8Y1R12,US,
      relay,,,,
      mail,,,,
      pay,,,,
      backup-pay,,,,
    b_05_02_supply_chain: function_id,provider_id,ict_service_type,rank,recipient_provider_id
      notify,aws,iaas,3,relay
      notify,relay,paas,2,mail
    b_06_01_functions: function_id,function_name,critical_or_important,rto_hours,rpo_hours
      notify,,Y,1,0.5
      buy,,Y,,
    b_07_01_assessment: provider_id,substitutability,exit_plan,alternative_providers_identified,alternative_providers
      mail,easy,Y,N,
      pay,,,Y,backup-pay
      backup-pay,,,Y,pay
    missing b_02_02_services backup-pay data_locations
    missing b_02_02_services backup-pay service_type
    missing b_02_02_services mail data_locations
    missing b_02_02_services mail service_type
    missing b_02_02_services pay data_locations
    missing b_02_02_services pay service_type
    missing b_02_02_services relay data_locations
    missing b_05_01_providers backup-pay country
    missing b_05_01_providers backup-pay legal_entity
    missing b_05_01_providers backup-pay lei
    missing b_05_01_providers mail country
    missing b_05_01_providers mail legal_entity
    missing b_05_01_providers mail lei
    missing b_05_01_providers pay country
    missing b_05_01_providers pay legal_entity
    missing b_05_01_providers pay lei
    missing b_05_01_providers relay country
    missing b_05_01_providers relay legal_entity
    missing b_05_01_providers relay lei
    missing b_06_01_functions buy rpo
    missing b_06_01_functions buy rto
    missing b_07_01_assessment backup-pay exit_plan
    missing b_07_01_assessment backup-pay substitutability
    missing b_07_01_assessment pay exit_plan
    missing b_07_01_assessment pay substitutability
    ");
}
