//! Concentration and sweep results as text: where the critical functions concentrate, which
//! provider node is a single point of failure for how much of the business, how spread each
//! function's provider mix is, and which outages would hurt most.

use blastradius_analysis::{Concentration, Scenario, Shares, Sweep, target_name};
use blastradius_model::{Model, NodeId};
use serde::Serialize;

use crate::diagnostics::to_json;
use crate::style::{DIM, DOWN, HEADING, Options, UP, per_hour, plural_suffix, thousands};

/// `0.625` as `62.5%`; `-` for an undefined share.
pub(crate) fn percent(share: Option<f64>) -> String {
    share.map_or("-".to_owned(), |s| format!("{:.1}%", s * 100.0))
}

fn function_names(model: &Model, functions: &[usize]) -> Vec<String> {
    functions.iter().map(|&f| model.functions()[f].id.clone()).collect()
}

fn ids(model: &Model, nodes: &[NodeId]) -> Vec<String> {
    nodes.iter().map(|&n| model.id(n).to_owned()).collect()
}

/// How many rows a table shows before summarising the rest, for `top` 0 meaning all.
fn shown(top: usize, n: usize) -> usize {
    if top == 0 { n } else { top.min(n) }
}

/// Concentration for people: the provider-group mix, then the provider nodes under the largest
/// share of critical functions (at most `top`, 0 for all), then each function's mix.
pub fn concentration_human(
    model: &Model,
    result: &Concentration,
    top: usize,
    options: Options,
) -> String {
    let mut out = String::new();
    let scope_word = if result.scope_is_all_because_none_critical {
        "functions (none is marked critical, so all are counted)"
    } else {
        "critical functions"
    };
    out.push_str(
        &options.paint(HEADING, &format!("Concentration of {} {scope_word}", result.scope.len())),
    );
    out.push_str(&format!(
        "  (model `{}`: {} users, {} at stake in all)\n",
        model.name(),
        thousands(result.total_users),
        per_hour(result.total_cost_per_hour)
    ));
    if result.scope.is_empty() {
        out.push_str("  The model declares no functions.\n");
        return out;
    }
    out.push_str("\nProvider groups: mean share of each function's provider services\n");
    for (group, share) in &result.group_shares {
        out.push_str(&format!("  {group:<24} {:>6}\n", percent(Some(*share))));
    }
    if let Some(hhi) = result.hhi {
        out.push_str(&format!(
            "  Herfindahl-Hirschman index {hhi:.3} ({:.0} on the 0-10,000 scale; 1 means one group carries everything)\n",
            hhi * 10_000.0
        ));
    }
    out.push_str(
        "\nWhere they concentrate: share of critical functions reaching each provider node\n",
    );
    let width =
        result.targets.iter().map(|t| target_name(model, t).len()).max().unwrap_or(4).max(4);
    out.push_str(&options.paint(
        DIM,
        &format!(
            "  {:<width$}  {:>9}  {:>6}  {:>6}  single point of failure for\n",
            "node", "functions", "users", "cost"
        ),
    ));
    let n_rows = shown(top, result.targets.len());
    for target in &result.targets[..n_rows] {
        let name = match target.node {
            // A provider counted under its parent group says so: `auth0 (okta)`.
            Some(node) if model.provider_of(node).is_some_and(|p| model.id(p) != target.group) => {
                format!("{} ({})", target_name(model, target), target.group)
            }
            Some(_) => target_name(model, target).to_owned(),
            None => format!("{} (group)", target.group),
        };
        let spof = if target.spof_for.is_empty() {
            options.paint(UP, "none")
        } else {
            options.paint(
                DOWN,
                &format!(
                    "{} ({} of cost)",
                    plural(target.spof_for.len(), "function"),
                    percent(target.spof_share.cost)
                ),
            )
        };
        out.push_str(&format!(
            "  {name:<width$}  {:>9}  {:>6}  {:>6}  {spof}\n",
            format!("{}/{}", target.reached_by.len(), result.scope.len()),
            percent(target.share.users),
            percent(target.share.cost),
        ));
        if !target.via.is_empty() {
            let hidden = if target.hidden_for.is_empty() {
                String::new()
            } else {
                format!(
                    "; only that way for {}",
                    function_names(model, &target.hidden_for).join(", ")
                )
            };
            out.push_str(&options.paint(
                DIM,
                &format!(
                    "  {:<width$}  ↳ also reached through third parties {}{hidden}\n",
                    "",
                    ids(model, &target.via).join(", ")
                ),
            ));
        }
    }
    if n_rows < result.targets.len() {
        out.push_str(&format!("  … {} more (--top 0 shows all)\n", result.targets.len() - n_rows));
    }
    out.push_str("\nPer function\n");
    for row in &result.functions {
        let function = &model.functions()[row.function];
        let mix: Vec<String> =
            row.group_shares.iter().map(|(g, s)| format!("{g} {}", percent(Some(*s)))).collect();
        let hhi = row.hhi.map_or("-".to_owned(), |h| format!("{h:.3}"));
        out.push_str(&format!("  {}  HHI {hhi}  {}\n", function.id, mix.join(", ")));
        let spofs = ids(model, &row.single_points_of_failure);
        let text = if spofs.is_empty() {
            options.paint(UP, "no provider node alone takes it down")
        } else {
            options.paint(DOWN, &format!("taken down alone by {}", spofs.join(", ")))
        };
        out.push_str(&format!("    {text}\n"));
    }
    out
}

fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", plural_suffix(n))
}

#[derive(Serialize)]
struct SharesJson {
    count: f64,
    users: Option<f64>,
    cost: Option<f64>,
}

impl From<Shares> for SharesJson {
    fn from(s: Shares) -> Self {
        Self { count: s.count, users: s.users, cost: s.cost }
    }
}

#[derive(Serialize)]
struct TargetJson {
    id: String,
    kind: &'static str,
    group: String,
    reached_by: Vec<String>,
    share: SharesJson,
    single_point_of_failure_for: Vec<String>,
    single_point_of_failure_share: SharesJson,
    hidden_for: Vec<String>,
    via: Vec<String>,
}

#[derive(Serialize)]
struct GroupShareJson {
    group: String,
    share: f64,
}

#[derive(Serialize)]
struct FunctionJson {
    id: String,
    provider_services: Vec<String>,
    group_shares: Vec<GroupShareJson>,
    hhi: Option<f64>,
    single_points_of_failure: Vec<String>,
}

#[derive(Serialize)]
struct ConcentrationJson {
    model: String,
    scope: Vec<String>,
    scope_is_all_because_none_critical: bool,
    total_users: u64,
    total_cost_per_hour: f64,
    group_shares: Vec<GroupShareJson>,
    hhi: Option<f64>,
    targets: Vec<TargetJson>,
    functions: Vec<FunctionJson>,
}

fn group_shares_json(shares: &[(String, f64)]) -> Vec<GroupShareJson> {
    shares
        .iter()
        .map(|(group, share)| GroupShareJson { group: group.clone(), share: *share })
        .collect()
}

/// Concentration as one JSON document (every target, no `--top` cut).
pub fn concentration_json(model: &Model, result: &Concentration) -> String {
    to_json(&ConcentrationJson {
        model: model.name().to_owned(),
        scope: function_names(model, &result.scope),
        scope_is_all_because_none_critical: result.scope_is_all_because_none_critical,
        total_users: result.total_users,
        total_cost_per_hour: result.total_cost_per_hour,
        group_shares: group_shares_json(&result.group_shares),
        hhi: result.hhi,
        targets: result
            .targets
            .iter()
            .map(|t| TargetJson {
                id: target_name(model, t).to_owned(),
                kind: t.node.map_or("provider group", |n| model.kind(n).word()),
                group: t.group.clone(),
                reached_by: function_names(model, &t.reached_by),
                share: t.share.into(),
                single_point_of_failure_for: function_names(model, &t.spof_for),
                single_point_of_failure_share: t.spof_share.into(),
                hidden_for: function_names(model, &t.hidden_for),
                via: ids(model, &t.via),
            })
            .collect(),
        functions: result
            .functions
            .iter()
            .map(|f| FunctionJson {
                id: model.functions()[f.function].id.clone(),
                provider_services: ids(model, &f.services),
                group_shares: group_shares_json(&f.group_shares),
                hhi: f.hhi,
                single_points_of_failure: ids(model, &f.single_points_of_failure),
            })
            .collect(),
    })
}

/// How a sweep's outages are ranked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SweepRank {
    /// By cost per hour down, then users down.
    Cost,
    /// By users down, then cost per hour down.
    Users,
}

/// The scenarios of a sweep in rank order (worst first; ties by degraded cost, then id).
pub fn ranked<'s>(model: &Model, scenarios: &'s [Scenario], rank: SweepRank) -> Vec<&'s Scenario> {
    let mut sorted: Vec<&Scenario> = scenarios.iter().collect();
    let key = |s: &Scenario| match rank {
        SweepRank::Cost => (s.down.cost_per_hour, s.down.users as f64),
        SweepRank::Users => (s.down.users as f64, s.down.cost_per_hour),
    };
    sorted.sort_by(|a, b| {
        let (a1, a2) = key(a);
        let (b1, b2) = key(b);
        b1.total_cmp(&a1)
            .then_with(|| b2.total_cmp(&a2))
            .then_with(|| b.degraded.cost_per_hour.total_cmp(&a.degraded.cost_per_hour))
            .then_with(|| {
                a.failed.iter().map(|&n| model.id(n)).cmp(b.failed.iter().map(|&n| model.id(n)))
            })
    });
    sorted
}

fn scenario_name(model: &Model, scenario: &Scenario) -> String {
    scenario.failed.iter().map(|&n| model.id(n)).collect::<Vec<_>>().join(" + ")
}

/// A sweep for people: the `top` worst single outages (0 for all), then at order 2 how the
/// pairs were settled and the worst pairs that defeat redundancy.
pub fn sweep_human(
    model: &Model,
    sweep: &Sweep,
    order: u32,
    rank: SweepRank,
    top: usize,
    options: Options,
) -> String {
    let n_functions = model.functions().len();
    let by = match rank {
        SweepRank::Cost => "cost per hour down",
        SweepRank::Users => "users down",
    };
    let mut out =
        options.paint(HEADING, &format!("Sweep of {} single outages", sweep.singles.len()));
    out.push_str(&format!("  (model `{}`, ranked by {by})\n", model.name()));
    let singles = ranked(model, &sweep.singles, rank);
    write_scenarios(&mut out, model, &singles, n_functions, top, options);
    if order == 2 {
        let counts = sweep.pair_counts;
        out.push('\n');
        out.push_str(
            &options.paint(HEADING, &format!("Pairs: {} evaluated", thousands(counts.total))),
        );
        out.push_str(&format!(
            "  ({} nested, one inside the other; {} independent, touching no common redundant group; {} propagated)\n",
            thousands(counts.nested),
            thousands(counts.independent),
            thousands(counts.propagated)
        ));
        if sweep.pairs.is_empty() {
            out.push_str(&format!(
                "  {}\n",
                options.paint(
                    UP,
                    "No pair takes down a function that neither outage takes down alone."
                )
            ));
        } else {
            out.push_str(&format!(
                "  {} take down a function that neither outage takes down alone (redundancy defeated):\n",
                plural(sweep.pairs.len(), "pair")
            ));
            let pairs = ranked(model, &sweep.pairs, rank);
            write_scenarios(&mut out, model, &pairs, n_functions, top, options);
        }
    }
    out
}

fn write_scenarios(
    out: &mut String,
    model: &Model,
    scenarios: &[&Scenario],
    n_functions: usize,
    top: usize,
    options: Options,
) {
    let n_rows = shown(top, scenarios.len());
    let width =
        scenarios[..n_rows].iter().map(|s| scenario_name(model, s).len()).max().unwrap_or(6).max(6);
    out.push_str(&options.paint(
        DIM,
        &format!(
            "  {:>4}  {:<width$}  {:>9}  {:>11}  {:>12}  {:>8}  functions down\n",
            "rank", "outage", "functions", "users", "cost", "degraded"
        ),
    ));
    for (rank, scenario) in scenarios[..n_rows].iter().enumerate() {
        let down = &scenario.down;
        let mut names = function_names(model, &down.functions);
        if names.len() > 4 {
            let rest = names.len() - 3;
            names.truncate(3);
            names.push(format!("and {rest} more"));
        }
        let names = names.join(", ");
        let line = format!(
            "  {:>4}  {:<width$}  {:>9}  {:>11}  {:>12}  {:>8}  {}\n",
            rank + 1,
            scenario_name(model, scenario),
            format!("{}/{n_functions}", down.functions.len()),
            thousands(down.users),
            per_hour(down.cost_per_hour),
            scenario.degraded.functions.len(),
            if names.is_empty() { "-".to_owned() } else { names },
        );
        out.push_str(&if down.functions.is_empty() { options.paint(DIM, &line) } else { line });
    }
    if n_rows < scenarios.len() {
        out.push_str(&format!("  … {} more (--top 0 shows all)\n", scenarios.len() - n_rows));
    }
}

#[derive(Serialize)]
struct StakeJson {
    functions: Vec<String>,
    users: u64,
    cost_per_hour: f64,
}

#[derive(Serialize)]
struct ScenarioJson {
    failed: Vec<String>,
    down: StakeJson,
    degraded: StakeJson,
    nodes_down: usize,
}

#[derive(Serialize)]
struct PairCountsJson {
    total: u64,
    nested: u64,
    independent: u64,
    propagated: u64,
}

#[derive(Serialize)]
struct SweepJson {
    model: String,
    order: u32,
    ranked_by: &'static str,
    singles: Vec<ScenarioJson>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pair_counts: Option<PairCountsJson>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pairs: Option<Vec<ScenarioJson>>,
}

fn scenario_json(model: &Model, scenario: &Scenario) -> ScenarioJson {
    let stake = |s: &blastradius_analysis::Stake| StakeJson {
        functions: function_names(model, &s.functions),
        users: s.users,
        cost_per_hour: s.cost_per_hour,
    };
    ScenarioJson {
        failed: ids(model, &scenario.failed),
        down: stake(&scenario.down),
        degraded: stake(&scenario.degraded),
        nodes_down: scenario.nodes_down,
    }
}

/// A sweep as one JSON document: every single outage and every redundancy-defeating pair, in
/// rank order (no `--top` cut).
pub fn sweep_json(model: &Model, sweep: &Sweep, order: u32, rank: SweepRank) -> String {
    let list = |scenarios: &[Scenario]| {
        ranked(model, scenarios, rank).into_iter().map(|s| scenario_json(model, s)).collect()
    };
    let counts = sweep.pair_counts;
    to_json(&SweepJson {
        model: model.name().to_owned(),
        order,
        ranked_by: match rank {
            SweepRank::Cost => "cost_per_hour",
            SweepRank::Users => "users",
        },
        singles: list(&sweep.singles),
        pair_counts: (order == 2).then_some(PairCountsJson {
            total: counts.total,
            nested: counts.nested,
            independent: counts.independent,
            propagated: counts.propagated,
        }),
        pairs: (order == 2).then(|| list(&sweep.pairs)),
    })
}
