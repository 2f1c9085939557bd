//! Diversification advice as text: where the critical functions stand, each candidate change
//! with its exact effect, and the plan that meets the target or fits the budget.

use blastradius_analysis::{Advice, Change, ChangeKind, Effect, Evaluation, Goal, PlanMethod};
use blastradius_model::Model;
use serde::Serialize;

use crate::diagnostics::to_json;
use crate::style::{DIM, DOWN, HEADING, Options, UP, per_hour, thousands};

/// How many candidates the human output lists before summarising the rest.
const CANDIDATE_ROWS: usize = 15;

fn availability_text(unavailability: f64) -> String {
    let text = format!("{:.4}", (1.0 - unavailability) * 100.0);
    format!("{}%", text.trim_end_matches('0').trim_end_matches('.'))
}

/// A sentence saying what a change does.
pub(crate) fn change_text(model: &Model, change: &Change) -> String {
    let owner = model.id(change.owner);
    let target = model.id(change.target);
    let new = if change.alternative_is_new { " (new, like-for-like)" } else { "" };
    match (change.kind, &change.alternative) {
        (ChangeKind::Soft, _) => {
            format!("make `{owner}` degrade instead of fail without `{target}` (soft dependency)")
        }
        (kind, Some(alternative)) => {
            let what = match kind {
                ChangeKind::SecondZone => "a second zone",
                ChangeKind::SecondRegion => "a second region",
                _ => "a second provider",
            };
            format!("give `{owner}` {what}: `{target}` or `{alternative}`{new}")
        }
        (_, None) => format!("change `{owner}`'s dependency on `{target}`"),
    }
}

fn money_per_year(value: f64) -> String {
    format!("{}/yr", thousands(value.round().max(0.0) as u64))
}

fn effect_line(baseline: &Evaluation, effect: &Effect) -> String {
    let worst = match (&baseline.worst_provider_outage, &effect.after.worst_provider_outage) {
        (Some((before_id, before)), Some((after_id, after)))
            if before != after || before_id != after_id =>
        {
            format!(
                "; worst single-provider outage {} ({before_id}) → {} ({after_id})",
                per_hour(*before),
                per_hour(*after)
            )
        }
        _ => String::new(),
    };
    // Differences below half a minute are rounding, not gains or losses.
    let minutes =
        if effect.downtime_minutes_saved.abs() < 0.5 { 0.0 } else { effect.downtime_minutes_saved };
    format!(
        "saves {minutes:.0} min/yr of downtime, {} expected{worst}",
        money_per_year(effect.cost_saved_per_year)
    )
}

fn goal_text(goal: Goal) -> String {
    match goal {
        Goal::Target(Some(target)) => format!(
            "every critical function at least {} available",
            availability_text(1.0 - target)
        ),
        Goal::Target(None) => "every critical function with an SLO meets it".to_owned(),
        Goal::Budget(budget) => format!("the most downtime cost saved within a budget of {budget}"),
    }
}

/// Advice for people: the current state, the candidates (at most 15), then the plan.
pub fn advice_human(model: &Model, advice: &Advice, options: Options) -> String {
    let mut out = options.paint(HEADING, &format!("Diversification advice for `{}`", model.name()));
    out.push_str(&format!("  (goal: {})\n", goal_text(advice.goal)));
    out.push_str("\nNow, modelled exactly:\n");
    let width = advice.scope.iter().map(|&f| model.functions()[f].id.len()).max().unwrap_or(0);
    for &f in &advice.scope {
        let function = &model.functions()[f];
        let u = advice.baseline.unavailability[f];
        let slo = function.slo_percent.map_or(String::new(), |s| format!(", SLO {s}%"));
        out.push_str(&format!(
            "  {:<width$} {:>9} available, {:>6.0} min/yr down{slo}\n",
            function.id,
            availability_text(u),
            u * 525_600.0
        ));
    }
    if let Some((id, cost)) = &advice.baseline.worst_provider_outage {
        out.push_str(&format!(
            "  Worst single-provider outage: {id}, {} at stake\n",
            per_hour(*cost)
        ));
    }
    if advice.candidates.is_empty() {
        out.push_str(&options.paint(UP, "\nNo critical function has a single point of failure that one dependency change could remove.\n"));
    } else {
        let useful = |effect: &Effect| {
            effect.downtime_minutes_saved >= 0.5
                || effect.after.worst_provider_outage != advice.baseline.worst_provider_outage
        };
        let n_useful = advice.candidates.iter().filter(|(_, e)| useful(e)).count();
        out.push_str(&format!(
            "\nCandidate changes ({} of {} change something), by expected yearly cost of downtime saved:\n",
            n_useful,
            advice.candidates.len()
        ));
        let mut shown = 0;
        for (rank, (change, effect)) in advice.candidates.iter().enumerate() {
            if !useful(effect) || shown == CANDIDATE_ROWS {
                continue;
            }
            shown += 1;
            let cost =
                change.cost.map_or(String::new(), |c| format!("; costs {}", money_per_year(c)));
            out.push_str(&format!(
                "  {:>2}. [{}] {}\n",
                rank + 1,
                change.kind.word(),
                change_text(model, change)
            ));
            out.push_str(
                &options.paint(
                    DIM,
                    &format!("      {}{cost}\n", effect_line(&advice.baseline, effect)),
                ),
            );
        }
        if shown < n_useful {
            out.push_str(&format!("  … {} more in --format json\n", n_useful - shown));
        }
        if advice.not_evaluated > 0 {
            out.push_str(&options.paint(
                DIM,
                &format!(
                    "  {} further candidates were not measured (--max-candidates)\n",
                    advice.not_evaluated
                ),
            ));
        }
        if n_useful < advice.candidates.len() {
            out.push_str(&options.paint(
                DIM,
                &format!(
                    "  {} other candidates change nothing measurable: the node they back up has no availability data, or the function fails with its region anyway (see --format json)\n",
                    advice.candidates.len() - n_useful
                ),
            ));
        }
    }
    out.push('\n');
    let plan = &advice.plan;
    let method = match plan.method {
        PlanMethod::AlreadyMet => "the goal is already met; no change needed".to_owned(),
        PlanMethod::Exact(_) => format!(
            "a smallest set ({} change{}), found by trying every smaller set",
            plan.changes.len(),
            if plan.changes.len() == 1 { "" } else { "s" }
        ),
        PlanMethod::Greedy(0) => {
            "chosen greedily, one best change at a time (not guaranteed optimal)".to_owned()
        }
        PlanMethod::Greedy(k) => format!(
            "chosen greedily (not guaranteed smallest); no set of {k} or fewer changes meets the goal"
        ),
    };
    let verdict = if plan.meets_goal {
        options.paint(UP, "Plan")
    } else {
        options.paint(DOWN, "Best effort (the goal is not reachable with these candidates)")
    };
    out.push_str(&format!("{verdict}: {method}\n"));
    for &i in &plan.changes {
        let rank = i + 1;
        out.push_str(&format!("  #{rank} {}\n", change_text(model, &advice.candidates[i].0)));
    }
    if !plan.changes.is_empty() {
        out.push_str(&format!("  Together: {}\n", effect_line(&advice.baseline, &plan.effect)));
        for &f in &advice.scope {
            let before = advice.baseline.unavailability[f];
            let after = plan.effect.after.unavailability[f];
            if (before - after).abs() > 0.0 {
                out.push_str(&format!(
                    "    {:<width$} {} → {}\n",
                    model.functions()[f].id,
                    availability_text(before),
                    availability_text(after)
                ));
            }
        }
    }
    out
}

#[derive(Serialize)]
struct FunctionJson {
    id: String,
    availability_before: f64,
    availability_after: f64,
    downtime_minutes_per_year_before: f64,
    downtime_minutes_per_year_after: f64,
}

#[derive(Serialize)]
struct WorstJson {
    provider: String,
    cost_per_hour: f64,
}

#[derive(Serialize)]
struct EffectJson {
    downtime_minutes_saved_per_year: f64,
    cost_saved_per_year: f64,
    worst_provider_outage_after: Option<WorstJson>,
    functions: Vec<FunctionJson>,
}

#[derive(Serialize)]
struct ChangeJson {
    kind: &'static str,
    component: String,
    dependency_on: String,
    alternative: Option<String>,
    alternative_is_new: bool,
    description: String,
    cost_per_year: Option<f64>,
    effect: EffectJson,
}

#[derive(Serialize)]
struct PlanJson {
    method: &'static str,
    exhaustive_up_to: usize,
    meets_goal: bool,
    changes: Vec<usize>,
    effect: EffectJson,
}

#[derive(Serialize)]
struct AdviceJson {
    model: String,
    goal: String,
    scope: Vec<String>,
    candidates_not_evaluated: usize,
    worst_provider_outage_before: Option<WorstJson>,
    candidates: Vec<ChangeJson>,
    plan: PlanJson,
}

fn worst_json(evaluation: &Evaluation) -> Option<WorstJson> {
    evaluation
        .worst_provider_outage
        .as_ref()
        .map(|(provider, cost)| WorstJson { provider: provider.clone(), cost_per_hour: *cost })
}

fn effect_json(model: &Model, advice: &Advice, effect: &Effect) -> EffectJson {
    EffectJson {
        downtime_minutes_saved_per_year: effect.downtime_minutes_saved,
        cost_saved_per_year: effect.cost_saved_per_year,
        worst_provider_outage_after: worst_json(&effect.after),
        functions: advice
            .scope
            .iter()
            .map(|&f| {
                let (before, after) =
                    (advice.baseline.unavailability[f], effect.after.unavailability[f]);
                FunctionJson {
                    id: model.functions()[f].id.clone(),
                    availability_before: 1.0 - before,
                    availability_after: 1.0 - after,
                    downtime_minutes_per_year_before: before * 525_600.0,
                    downtime_minutes_per_year_after: after * 525_600.0,
                }
            })
            .collect(),
    }
}

/// Advice as one JSON document; plan changes are indices into `candidates` (from 0).
pub fn advice_json(model: &Model, advice: &Advice) -> String {
    let (method, exhaustive_up_to) = match advice.plan.method {
        PlanMethod::AlreadyMet => ("already-met", 0),
        PlanMethod::Exact(k) => ("exact", k),
        PlanMethod::Greedy(k) => ("greedy", k),
    };
    to_json(&AdviceJson {
        model: model.name().to_owned(),
        goal: goal_text(advice.goal),
        scope: advice.scope.iter().map(|&f| model.functions()[f].id.clone()).collect(),
        candidates_not_evaluated: advice.not_evaluated,
        worst_provider_outage_before: worst_json(&advice.baseline),
        candidates: advice
            .candidates
            .iter()
            .map(|(change, effect)| ChangeJson {
                kind: change.kind.word(),
                component: model.id(change.owner).to_owned(),
                dependency_on: model.id(change.target).to_owned(),
                alternative: change.alternative.clone(),
                alternative_is_new: change.alternative_is_new,
                description: change_text(model, change),
                cost_per_year: change.cost,
                effect: effect_json(model, advice, effect),
            })
            .collect(),
        plan: PlanJson {
            method,
            exhaustive_up_to,
            meets_goal: advice.plan.meets_goal,
            changes: advice.plan.changes.clone(),
            effect: effect_json(model, advice, &advice.plan.effect),
        },
    })
}
