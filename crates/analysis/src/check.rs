//! Policy checks for CI: a model is checked against the rules of a [`Policy`] and every rule
//! yields one case per scoped function (and an overall case where the rule has one), passed,
//! violated with the nodes at fault, or skipped with the reason.

use blastradius_model::{Location, Model, NodeId, NodeKind, Policy, PolicyScope, matches_pattern};

use crate::concentration::{concentration_of, critical_scope};
use crate::lower::{Lowering, own_failure_probability};
use crate::risk::{availability, cut_sets};
use crate::sweep::{SweepOptions, sweep};
use crate::what_if::WhatIfIndex;
use blastradius_engine::EngineError;

/// One violation of a rule.
#[derive(Clone, Debug, PartialEq)]
pub struct Violation {
    /// The node at fault, if the violation is about one.
    pub node: Option<NodeId>,
    /// What is wrong, in a sentence naming the culprit.
    pub message: String,
}

/// One rule applied to one function (or to the whole model).
#[derive(Clone, Debug, PartialEq)]
pub struct CheckCase {
    /// The function (index into `Model::functions`); `None` for a model-wide case.
    pub function: Option<usize>,
    /// Empty when the case passed.
    pub violations: Vec<Violation>,
    /// Why the case was not checked, if it was not.
    pub skipped: Option<String>,
}

/// The outcome of one rule.
#[derive(Clone, Debug, PartialEq)]
pub struct RuleOutcome {
    /// Stable rule id, e.g. `survive-loss-of-region`.
    pub id: String,
    /// What the rule demands, in a sentence.
    pub description: String,
    /// Where the rule is written in the policy file (`None` for the default policy).
    pub location: Option<Location>,
    /// One case per scoped function, then any model-wide case.
    pub cases: Vec<CheckCase>,
}

/// The result of checking a model against a policy.
#[derive(Clone, Debug, PartialEq)]
pub struct CheckReport {
    /// The functions checked, ascending.
    pub scope: Vec<usize>,
    /// One outcome per rule: survival rules (in policy order), single points of failure, SLO,
    /// concentration.
    pub rules: Vec<RuleOutcome>,
}

impl CheckReport {
    /// Number of violations over every rule.
    pub fn n_violations(&self) -> usize {
        self.rules.iter().flat_map(|r| &r.cases).map(|c| c.violations.len()).sum()
    }
}

fn kind_rule_word(kind: NodeKind) -> &'static str {
    match kind {
        NodeKind::Provider => "provider",
        NodeKind::Region => "region",
        NodeKind::Zone => "zone",
        NodeKind::RegionalService => "service",
        NodeKind::GlobalService => "global-service",
        NodeKind::Component => "component",
    }
}

fn location(at: Location) -> Option<Location> {
    (at.line > 0).then_some(at)
}

/// `0.9995` as `99.95%`, with as many decimals as the figure needs (up to 4).
fn percent(availability: f64) -> String {
    let text = format!("{:.4}", availability * 100.0);
    let text = text.trim_end_matches('0').trim_end_matches('.');
    format!("{text}%")
}

/// Checks `model` against `policy`. Cost: a sweep of single provider-node outages, the exact
/// engine once per scoped function for its single points of failure (when a rule needs them)
/// and once per function for availability (when the SLO rule is on), and a concentration
/// analysis (when the HHI rule is on).
///
/// # Errors
/// [`EngineError::NodeLimitExceeded`] when a decision diagram outgrows the engine's budget.
///
/// # Panics
/// If `index` was built for another model.
pub fn check(
    model: &Model,
    policy: &Policy,
    index: &WhatIfIndex,
) -> Result<CheckReport, EngineError> {
    let (scope, none_critical) = match policy.scope {
        PolicyScope::Critical => critical_scope(model),
        PolicyScope::All => ((0..model.functions().len()).collect(), false),
    };
    let functions = model.functions();
    let mut rules = Vec::new();

    if !policy.survive_loss_of.is_empty() {
        let singles = sweep(model, index, SweepOptions { order: 1 });
        for &(kind, at) in &policy.survive_loss_of {
            let word = kind.word();
            let cases = scope
                .iter()
                .map(|&function| {
                    let violations = singles
                        .singles
                        .iter()
                        .filter(|s| {
                            model.kind(s.failed[0]) == kind && s.down.functions.contains(&function)
                        })
                        .map(|s| Violation {
                            node: Some(s.failed[0]),
                            message: format!(
                                "losing {word} `{}` takes `{}` down",
                                model.id(s.failed[0]),
                                functions[function].id
                            ),
                        })
                        .collect();
                    CheckCase { function: Some(function), violations, skipped: None }
                })
                .collect();
            rules.push(RuleOutcome {
                id: format!("survive-loss-of-{}", kind_rule_word(kind)),
                description: format!(
                    "every scoped function survives the loss of any single {word}"
                ),
                location: location(at),
                cases,
            });
        }
    }

    let needs_cut_sets = !policy.no_single_point_of_failure.is_empty() || policy.slo.is_some();
    let mut single_points: Vec<Vec<NodeId>> = vec![Vec::new(); functions.len()];
    if needs_cut_sets {
        let lowering = Lowering::new(model);
        for &function in &scope {
            single_points[function] =
                cut_sets(&lowering, model, function, Some(1))?.into_iter().flatten().collect();
        }
    }

    if !policy.no_single_point_of_failure.is_empty() {
        let patterns: Vec<&str> =
            policy.no_single_point_of_failure.iter().map(|(p, _)| p.as_str()).collect();
        let cases = scope
            .iter()
            .map(|&function| {
                let violations = single_points[function]
                    .iter()
                    .filter(|&&node| patterns.iter().any(|p| matches_pattern(p, model.id(node))))
                    .map(|&node| Violation {
                        node: Some(node),
                        message: format!(
                            "{} `{}` is a single point of failure of `{}`",
                            model.kind(node).word(),
                            model.id(node),
                            functions[function].id
                        ),
                    })
                    .collect();
                CheckCase { function: Some(function), violations, skipped: None }
            })
            .collect();
        let list = patterns.iter().map(|p| format!("`{p}`")).collect::<Vec<_>>().join(", ");
        rules.push(RuleOutcome {
            id: "no-single-point-of-failure".to_owned(),
            description: format!(
                "no node matching {list} is a single point of failure of a scoped function"
            ),
            location: location(policy.no_single_point_of_failure[0].1),
            cases,
        });
    }

    if let Some((extra_nines, at)) = policy.slo {
        let report = availability(model)?;
        let cases = scope
            .iter()
            .map(|&function| {
                let Some(slo) = functions[function].slo_percent else {
                    return CheckCase {
                        function: Some(function),
                        violations: Vec::new(),
                        skipped: Some(format!("`{}` has no SLO", functions[function].id)),
                    };
                };
                let result = &report.functions[function];
                let mut violations = Vec::new();
                let modelled = 1.0 - result.unavailability;
                if result.meets_slo == Some(false) {
                    violations.push(Violation {
                        node: None,
                        message: format!(
                            "`{}` is modelled at {} available ({:.0} minutes down a year), below its SLO of {}",
                            functions[function].id,
                            percent(modelled),
                            result.downtime_minutes_per_year,
                            percent(slo / 100.0)
                        ),
                    });
                }
                let budget = (1.0 - slo / 100.0) / 10f64.powi(extra_nines as i32);
                let needed = 1.0 - budget;
                for &node in &single_points[function] {
                    if functions[function].delivered_by.contains(&node) {
                        continue;
                    }
                    let Some(p_fail) = own_failure_probability(model, node) else { continue };
                    // A relative tolerance, so that 0.99995 meets 1 − 0.0005 / 10 despite rounding.
                    if p_fail > budget * (1.0 + 1e-9) {
                        violations.push(Violation {
                            node: Some(node),
                            message: format!(
                                "single point of failure `{}` is {} available; the SLO of {} for `{}` needs {} from each with {} extra nine{}",
                                model.id(node),
                                percent(1.0 - p_fail),
                                percent(slo / 100.0),
                                functions[function].id,
                                percent(needed),
                                extra_nines,
                                if extra_nines == 1 { "" } else { "s" }
                            ),
                        });
                    }
                }
                CheckCase { function: Some(function), violations, skipped: None }
            })
            .collect();
        rules.push(RuleOutcome {
            id: "slo".to_owned(),
            description: format!(
                "each scoped function's modelled availability meets its SLO, and each single point of failure among its dependencies is available to {extra_nines} more nine{} than the SLO",
                if extra_nines == 1 { "" } else { "s" }
            ),
            location: location(at),
            cases,
        });
    }

    if let Some((limit, at)) = policy.max_hhi {
        let result = concentration_of(model, index, scope.clone(), none_critical);
        let mut cases: Vec<CheckCase> = result
            .functions
            .iter()
            .map(|row| {
                let id = &functions[row.function].id;
                match row.hhi {
                    None => CheckCase {
                        function: Some(row.function),
                        violations: Vec::new(),
                        skipped: Some(format!("`{id}` reaches no provider")),
                    },
                    Some(hhi) => CheckCase {
                        function: Some(row.function),
                        violations: (hhi > limit)
                            .then(|| Violation {
                                node: None,
                                message: format!(
                                    "`{id}` has a provider concentration index of {hhi:.3}, above {limit} (largest group: {})",
                                    row.group_shares.first().map_or("-".to_owned(), |(g, s)| format!("{g}, {:.1}%", s * 100.0))
                                ),
                            })
                            .into_iter()
                            .collect(),
                        skipped: None,
                    },
                }
            })
            .collect();
        cases.push(CheckCase {
            function: None,
            violations: result
                .hhi
                .filter(|&hhi| hhi > limit)
                .map(|hhi| Violation {
                    node: None,
                    message: format!(
                        "the overall provider concentration index is {hhi:.3}, above {limit}"
                    ),
                })
                .into_iter()
                .collect(),
            skipped: result
                .hhi
                .is_none()
                .then(|| "no scoped function reaches a provider".to_owned()),
        });
        rules.push(RuleOutcome {
            id: "max-hhi".to_owned(),
            description: format!("each scoped function's provider concentration index (HHI), and the overall one, is at most {limit}"),
            location: location(at),
            cases,
        });
    }
    Ok(CheckReport { scope, rules })
}
