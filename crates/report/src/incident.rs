//! The incident report of a scenario replayed on a model, in the sections users expect of an
//! incident report (summary, details, timeline, methodology, impact, indicators, response,
//! lessons, recommendations) as Markdown, self-contained HTML or JSON. Every statement cites
//! where it comes from: the scenario's sources, the catalogue's, or the model file and line.

mod document;

use blastradius_analysis::{Cause, Interval, Status, minutes_in};
use blastradius_catalog::{Catalog, Evidence, Scenario, ScenarioReplay, Source, UtcMinute};
use blastradius_model::{Model, NodeId, NodeKind, Origin};
use serde::Serialize;

use crate::diagnostics::to_json;
use crate::style::thousands;
use document::{Block, Document, Inline, Line, Reference, Section, code, strong, text};

/// What an incident report is made from.
#[derive(Clone, Copy, Debug)]
pub struct IncidentInput<'a> {
    /// The model replayed on.
    pub model: &'a Model,
    /// The model's file name, as cited.
    pub model_file: &'a str,
    /// The catalogue the model was loaded with.
    pub catalog: &'a Catalog,
    /// The scenario replayed.
    pub scenario: &'a Scenario,
    /// The replay's outcome.
    pub outcome: &'a ScenarioReplay,
}

/// At most this many components are named where a list could run long; the rest are counted.
const MAX_LISTED: usize = 6;

/// At most this many single points of failure are recommended on; the rest are counted.
const MAX_RECOMMENDATIONS: usize = 8;

/// "2 h 52 min", "45 min", "0 min".
fn duration(minutes: i64) -> String {
    match (minutes / 60, minutes % 60) {
        (0, m) => format!("{m} min"),
        (h, 0) => format!("{h} h"),
        (h, m) => format!("{h} h {m} min"),
    }
}

fn offset(scenario: &Scenario, at: i64) -> String {
    let minutes = at - scenario.start.0;
    let sign = if minutes < 0 { "−" } else { "+" };
    format!("T{sign}{:02}:{:02}", minutes.abs() / 60, minutes.abs() % 60)
}

/// One function's outcome.
struct FunctionOutcome {
    function: usize,
    intervals: Vec<Interval>,
    down_minutes: i64,
    degraded_minutes: i64,
}

impl FunctionOutcome {
    fn is_open(&self) -> bool {
        self.intervals.last().is_some_and(|i| i.open)
    }
}

struct Builder<'a> {
    input: IncidentInput<'a>,
    references: Vec<Reference>,
}

impl Builder<'_> {
    fn cite_source(&mut self, source: &Source, evidence: Evidence) -> Inline {
        let reference = Reference {
            title: source.title.clone(),
            url: source.url.clone(),
            note: "source document".to_owned(),
        };
        Inline::Cite(self.reference(reference), evidence.code())
    }

    fn reference(&mut self, reference: Reference) -> usize {
        let found = self
            .references
            .iter()
            .position(|r| r.title == reference.title && r.url == reference.url);
        match found {
            Some(index) => index + 1,
            None => {
                self.references.push(reference);
                self.references.len()
            }
        }
    }

    /// The citation of a statement of the scenario file.
    fn cite_scenario(&mut self, source: &Source, evidence: Evidence) -> Inline {
        self.cite_source(source, evidence)
    }

    /// `file:line` of a node the model declares, or of the catalogue entry that has it.
    fn where_node(&self, node: NodeId) -> String {
        let model = self.input.model;
        match model.catalog_layer(node) {
            Some(_) => match self.input.catalog.node(model.id(node)) {
                Some(entry) => format!("{}:{}", entry.file, entry.location.line),
                None => "catalogue".to_owned(),
            },
            None => format!("{}:{}", self.input.model_file, model.location(node).line),
        }
    }

    /// Why `node` is in its state at `step`, as one line naming the dependency and its source.
    fn hop(&mut self, step: usize, node: NodeId) -> Option<Line> {
        let model = self.input.model;
        let result = &self.input.outcome.replay.steps()[step].result;
        let cause = result.cause(node)?;
        let status = result.status(node).word();
        let Cause::Dependency { dependency, member } = cause else {
            let event = &self.input.scenario.timeline[step];
            let mut line =
                vec![code(model.id(node)), text(format!(" is {status} by itself in the scenario"))];
            // The latest event that named the node gives the source.
            let named = self.input.scenario.timeline[..=step]
                .iter()
                .rev()
                .find(|e| e.fail.iter().chain(&e.degrade).any(|id| id == model.id(node)));
            let event = named.unwrap_or(event);
            line.push(text(format!(
                " ({}:{})",
                self.input.scenario.file, event.cited.location.line
            )));
            line.push(self.cite_scenario(&event.cited.source, event.cited.evidence));
            return Some(line);
        };
        let dependency = model.dependency(dependency);
        let mut line = vec![
            code(model.id(node)),
            text(format!(" is {status} because ")),
            code(model.id(member)),
        ];
        match dependency.origin {
            Origin::Catalog(tag) => {
                let edge = &self.input.catalog.edges()[tag as usize];
                line.push(text(format!(
                    " is not working — a published provider-internal dependency: {} ({}:{})",
                    edge.mechanism, edge.file, edge.location.line
                )));
                line.push(self.cite_source(&edge.source, edge.evidence));
            }
            Origin::Parent => {
                line.push(text(format!(" is not working and `{}` is part of it", model.id(node))));
            }
            Origin::RunsOn | Origin::DependsOn => {
                let key =
                    if dependency.origin == Origin::RunsOn { "runs_on" } else { "depends_on" };
                line.push(text(format!(
                    " is not working ({key} at {}:{})",
                    self.input.model_file, dependency.location.line
                )));
            }
        }
        Some(line)
    }

    fn functions(&self) -> Vec<FunctionOutcome> {
        let replay = &self.input.outcome.replay;
        (0..self.input.model.functions().len())
            .map(|function| {
                let intervals = replay.function_intervals(function);
                FunctionOutcome {
                    function,
                    down_minutes: minutes_in(&intervals, Status::Down),
                    degraded_minutes: minutes_in(&intervals, Status::Degraded),
                    intervals,
                }
            })
            .collect()
    }
}

fn cost_of(model: &Model, outcome: &FunctionOutcome) -> (f64, f64) {
    let function = &model.functions()[outcome.function];
    let hours = outcome.down_minutes as f64 / 60.0;
    (function.users as f64 * hours, function.cost_per_hour * hours)
}

fn spans(scenario: &Scenario, intervals: &[Interval]) -> String {
    let parts: Vec<String> = intervals
        .iter()
        .map(|i| {
            let end = if i.open { "end of timeline".to_owned() } else { UtcMinute(i.end).clock() };
            let _ = scenario;
            format!("{} {}–{}", i.status.word(), UtcMinute(i.start).clock(), end)
        })
        .collect();
    parts.join(", ")
}

/// Builds the report as a document; shared by the Markdown and HTML renderers.
fn build(input: IncidentInput<'_>) -> Document {
    let IncidentInput { model, model_file, scenario, outcome, .. } = input;
    let mut builder = Builder { input, references: Vec::new() };
    let functions = builder.functions();
    let organisation = model
        .organisation()
        .and_then(|o| o.name.clone())
        .unwrap_or_else(|| model.name().to_owned());
    let hit: Vec<&FunctionOutcome> =
        functions.iter().filter(|f| f.down_minutes + f.degraded_minutes > 0).collect();
    let down: Vec<&FunctionOutcome> = functions.iter().filter(|f| f.down_minutes > 0).collect();
    let (mut user_hours, mut cost) = (0.0, 0.0);
    for outcome in &down {
        let (users, money) = cost_of(model, outcome);
        user_hours += users;
        cost += money;
    }
    let outage_minutes = scenario.start.minutes_until(scenario.end);
    let scenario_ref = format!("{}:1", scenario.file);
    let mut sections = Vec::new();

    // Executive summary.
    let trigger_cite = builder.cite_scenario(&scenario.trigger.source, scenario.trigger.evidence);
    let mut summary = vec![Block::Paragraph(vec![
        strong("What failed."),
        text(" "),
        text(format!(
            "{} ({} to {}, {}). {}",
            scenario.title,
            scenario.start,
            scenario.end,
            duration(outage_minutes),
            scenario.trigger.text
        )),
        trigger_cite,
    ])];
    let mut what = vec![strong(format!("What it did to {organisation}.")), text(" ")];
    if hit.is_empty() {
        what.push(text(format!(
            "Nothing: none of the {} business functions in the model depends on what failed.",
            model.functions().len()
        )));
    } else {
        what.push(text(format!(
            "{} of {} business functions went down and {} more were only degraded: ",
            down.len(),
            model.functions().len(),
            hit.len() - down.len()
        )));
        let mut ordered = hit.clone();
        ordered.sort_by_key(|f| std::cmp::Reverse((f.down_minutes, f.degraded_minutes)));
        let names: Vec<String> = ordered
            .iter()
            .map(|f| {
                let function = &model.functions()[f.function];
                let status = if f.down_minutes > 0 {
                    format!("down {}", duration(f.down_minutes))
                } else {
                    format!("degraded {}", duration(f.degraded_minutes))
                };
                format!(
                    "{} ({status}{})",
                    function.id,
                    if f.is_open() { ", still at the end" } else { "" }
                )
            })
            .collect();
        what.push(text(format!("{}.", names.join(", "))));
    }
    summary.push(Block::Paragraph(what));
    summary.push(Block::Paragraph(vec![
        strong("What it cost."), text(" "),
        text(format!(
            "{} user-hours of lost service and {} in the model's money (cost per hour × hours down, summed over the functions down; degraded time is not costed).",
            thousands(user_hours.round() as u64),
            thousands(cost.round() as u64)
        )),
    ]));
    let mut change = vec![strong("What to change."), text(" ")];
    match outcome.spofs.first() {
        Some(spof) => {
            let saved: i64 = spof.functions.iter().map(|(_, d, s)| d - s).sum();
            change.push(text("The outage went through "));
            change.push(code(model.id(spof.node)));
            change.push(text(format!(
                ", a single point of failure of {} function(s); had it stayed up they would have lost {} less downtime in total. See Recommendations.",
                spof.functions.len(),
                duration(saved)
            )));
        }
        None => {
            change.push(text("No single point of failure of a business function was exercised."))
        }
    }
    summary.push(Block::Paragraph(change));
    sections.push(Section { title: "Executive summary".to_owned(), blocks: summary });

    // Incident details.
    let org_where = |field: &str| {
        model.organisation().map_or_else(
            || "not given in the model (add `organisation:`)".to_owned(),
            |o| format!("{field} ({model_file}:{})", o.location.line),
        )
    };
    let sector = model.organisation().and_then(|o| o.sector.clone());
    let country = model.organisation().and_then(|o| o.country.clone());
    let source_cite = builder.cite_scenario(&scenario.trigger.source, scenario.trigger.evidence);
    let nature =
        if scenario.malicious { "An attack" } else { "Not an attack: an operational failure" };
    let rows = vec![
        vec![
            vec![text("Incident")],
            vec![text(format!("{} ", scenario.title)), code(&scenario.id)],
        ],
        vec![
            vec![text("Provider")],
            vec![
                code(&scenario.provider),
                text(" at "),
                code(scenario.region.clone().unwrap_or_default()),
            ],
        ],
        vec![
            vec![text("Window (UTC)")],
            vec![
                text(format!(
                    "{} to {} ({})",
                    scenario.start,
                    scenario.end,
                    duration(outage_minutes)
                )),
                source_cite.clone(),
            ],
        ],
        vec![vec![text("Nature")], vec![text(nature), source_cite]],
        vec![
            vec![text("Affected organisation")],
            vec![
                text(format!("{organisation} — model ")),
                code(model.name()),
                text(format!(" ({model_file})")),
            ],
        ],
        vec![
            vec![text("Sector")],
            vec![text(sector.map_or_else(|| org_where("not given"), |s| org_where(&s)))],
        ],
        vec![
            vec![text("Geography")],
            vec![text(country.map_or_else(|| org_where("not given"), |c| org_where(&c)))],
        ],
        vec![vec![text("Scenario file")], vec![code(&scenario_ref)]],
    ];
    sections.push(Section {
        title: "Incident details".to_owned(),
        blocks: vec![Block::Table { header: vec!["Field".to_owned(), "Value".to_owned()], rows }],
    });

    // Timeline.
    let mut rows = Vec::new();
    let steps = outcome.replay.steps();
    for (index, event) in scenario.timeline.iter().enumerate() {
        let mut what = vec![text(event.cited.text.clone())];
        what.push(builder.cite_scenario(&event.cited.source, event.cited.evidence));
        let mut effect: Line = Vec::new();
        for f in &functions {
            let before = index
                .checked_sub(1)
                .map_or(Status::Up, |p| steps[p].result.functions()[f.function].status);
            let after = steps[index].result.functions()[f.function].status;
            if before != after {
                if !effect.is_empty() {
                    effect.push(text("; "));
                }
                effect.push(code(&model.functions()[f.function].id));
                effect.push(text(format!(" {} → {}", before.word(), after.word())));
            }
        }
        rows.push(vec![
            vec![text(event.at.clock())],
            vec![text(offset(scenario, event.at.0))],
            what,
            effect,
        ]);
    }
    sections.push(Section {
        title: "Timeline".to_owned(),
        blocks: vec![
            Block::Paragraph(vec![text(format!(
                "Provider events from the scenario, and what the replay of the model computes for {organisation}'s functions after each. Dates: {}; T+ counts from the start of customer impact.",
                scenario.start.date()
            ))]),
            Block::Table {
                header: vec!["UTC".to_owned(), "T+".to_owned(), "What happened".to_owned(), format!("Effect on {organisation}")],
                rows,
            },
        ],
    });

    // Failure methodology.
    let mut blocks = vec![Block::Paragraph(vec![
        strong(if scenario.malicious { "An attack." } else { "Not an attack." }),
        text(" "),
        text(scenario.trigger.text.clone()),
        builder.cite_scenario(&scenario.trigger.source, scenario.trigger.evidence),
    ])];
    let mut explained: Vec<(String, String)> = Vec::new();
    for f in &hit {
        let function = &model.functions()[f.function];
        let worst = if f.down_minutes > 0 { Status::Down } else { Status::Degraded };
        let Some(step) =
            steps.iter().position(|s| s.result.functions()[f.function].status == worst)
        else {
            continue;
        };
        let result = &steps[step].result;
        let Some(&culprit) = result.functions()[f.function].culprits.first() else { continue };
        blocks.push(Block::Subheading(format!(
            "How it reached {} (first {} at {})",
            function.id,
            worst.word(),
            UtcMinute(steps[step].at).clock()
        )));
        let path = result.path(culprit);
        let chain = path.iter().map(|&n| model.id(n)).collect::<Vec<_>>().join(" ← ");
        let mut line = vec![
            code(&function.id),
            text(format!(" ({model_file}:{}) is delivered by ", function.location.line)),
            code(&chain),
        ];
        if let Some((first, _)) = explained.iter().find(|(_, c)| *c == chain) {
            line.push(text(format!(", the same path as {first} above.")));
            blocks.push(Block::Paragraph(line));
            continue;
        }
        blocks.push(Block::Paragraph(line));
        let hops: Vec<Line> = path.iter().filter_map(|&node| builder.hop(step, node)).collect();
        blocks.push(Block::List(hops));
        explained.push((function.id.clone(), chain));
    }
    sections.push(Section { title: "Failure methodology".to_owned(), blocks });

    // Impact assessment.
    let mut blocks = vec![Block::Subheading("Operational".to_owned())];
    if hit.is_empty() {
        blocks.push(Block::Paragraph(vec![text("No business function was down or degraded.")]));
    } else {
        let rows = hit
            .iter()
            .map(|f| {
                let function = &model.functions()[f.function];
                let rto = match function.rto {
                    Some(rto) => {
                        let rto_minutes = (rto.hours() * 60.0).round() as i64;
                        let verdict = if f.down_minutes > rto_minutes { "exceeded" } else { "met" };
                        format!("{rto} ({verdict})")
                    }
                    None => "not given".to_owned(),
                };
                vec![
                    vec![
                        code(&function.id),
                        text(format!(" {model_file}:{}", function.location.line)),
                    ],
                    vec![text(if function.critical { "yes" } else { "no" })],
                    vec![text(spans(scenario, &f.intervals))],
                    vec![text(duration(f.down_minutes))],
                    vec![text(rto)],
                ]
            })
            .collect();
        blocks.push(Block::Table {
            header: ["Function", "Critical", "When (UTC)", "Down", "RTO"]
                .map(str::to_owned)
                .to_vec(),
            rows,
        });
    }
    blocks.push(Block::Subheading("Financial".to_owned()));
    if down.is_empty() {
        blocks.push(Block::Paragraph(vec![text(
            "No function was down, so no downtime cost is computed.",
        )]));
    } else {
        let mut rows: Vec<Vec<Line>> = down
            .iter()
            .map(|f| {
                let function = &model.functions()[f.function];
                let (users, money) = cost_of(model, f);
                vec![
                    vec![code(&function.id)],
                    vec![text(thousands(function.users))],
                    vec![text(format!("{:.2}", f.down_minutes as f64 / 60.0))],
                    vec![text(thousands(users.round() as u64))],
                    vec![text(thousands(function.cost_per_hour.round() as u64))],
                    vec![text(thousands(money.round() as u64))],
                ]
            })
            .collect();
        rows.push(vec![
            vec![strong("Total")],
            vec![],
            vec![],
            vec![strong(thousands(user_hours.round() as u64))],
            vec![],
            vec![strong(thousands(cost.round() as u64))],
        ]);
        blocks.push(Block::Table {
            header: ["Function", "Users", "Hours down", "User-hours", "Cost per hour", "Cost"]
                .map(str::to_owned)
                .to_vec(),
            rows,
        });
        blocks.push(Block::Paragraph(vec![
            text("Users and cost per hour are the model's figures ("),
            code("functions:"),
            text(format!(" in {model_file}); hours down come from the replay. Functions still down when the timeline ends are counted only up to its end, so their figures are lower bounds.")),
        ]));
    }
    blocks.push(Block::Subheading("Data".to_owned()));
    let mut data_line = match &scenario.data {
        Some(data) => {
            let cite = builder.cite_scenario(&data.source, data.evidence);
            vec![text(data.text.clone()), cite]
        }
        None => vec![text("The scenario's sources say nothing about data.")],
    };
    let rpos: Vec<String> = down
        .iter()
        .filter_map(|f| {
            let function = &model.functions()[f.function];
            function.rpo.map(|rpo| format!("{} (RPO {rpo})", function.id))
        })
        .collect();
    if !rpos.is_empty() {
        data_line.push(text(format!(
            " The model gives recovery point objectives for functions that went down: {}. A dependency replay cannot tell whether writes were lost; check these against the stores' replication.",
            rpos.join(", ")
        )));
    }
    blocks.push(Block::Paragraph(data_line));
    sections.push(Section { title: "Impact assessment".to_owned(), blocks });

    // Indicators.
    let mut items: Vec<Line> = Vec::new();
    for indicator in &scenario.indicators {
        let cite = builder.cite_scenario(&indicator.source, indicator.evidence);
        items.push(vec![text(indicator.text.clone()), cite]);
    }
    // The components hit first, the down ones before the degraded ones.
    let mut first_hit: Vec<(i64, std::cmp::Reverse<Status>, NodeId)> = Vec::new();
    for node in model.node_ids().filter(|&n| model.kind(n) == NodeKind::Component) {
        if let Some(interval) = outcome.replay.node_intervals(node).first() {
            first_hit.push((interval.start, std::cmp::Reverse(interval.status), node));
        }
    }
    first_hit
        .sort_by(|a, b| (a.0, a.1).cmp(&(b.0, b.1)).then_with(|| model.id(a.2).cmp(model.id(b.2))));
    if let Some(&(earliest, ..)) = first_hit.first() {
        let all_first: Vec<NodeId> = first_hit
            .iter()
            .take_while(|(at, ..)| *at == earliest)
            .map(|(.., node)| *node)
            .collect();
        let first: Vec<String> = all_first
            .iter()
            .take(MAX_LISTED)
            .map(|&node| format!("{} ({})", model.id(node), builder.where_node(node)))
            .collect();
        let more = all_first.len().saturating_sub(MAX_LISTED);
        let more = if more > 0 { format!(" and {more} more") } else { String::new() };
        items.push(vec![text(format!(
            "In {organisation}'s systems, the replay shows the first errors at {} UTC in: {}{more}.",
            UtcMinute(earliest).clock(),
            first.join(", ")
        ))]);
    }
    sections.push(Section { title: "Indicators".to_owned(), blocks: vec![Block::List(items)] });

    // Response actions.
    let mut items: Vec<Line> = Vec::new();
    for event in scenario.timeline.iter().filter(|e| e.response || !e.mitigate.is_empty()) {
        let cite = builder.cite_scenario(&event.cited.source, event.cited.evidence);
        items.push(vec![strong(event.at.clock()), text(" "), text(event.cited.text.clone()), cite]);
    }
    let mut blocks = vec![Block::Subheading("By the provider".to_owned()), Block::List(items)];
    let over_rto: Vec<Line> = down
        .iter()
        .filter_map(|f| {
            let function = &model.functions()[f.function];
            let rto = function.rto?;
            let rto_minutes = (rto.hours() * 60.0).round() as i64;
            (f.down_minutes > rto_minutes).then(|| {
                vec![
                    code(&function.id),
                    text(format!(
                        " was down {} against an RTO of {rto} ({model_file}:{}): recovery within the RTO needed a way to run without the failed provider service, which the model does not have.",
                        duration(f.down_minutes),
                        function.location.line
                    )),
                ]
            })
        })
        .collect();
    blocks.push(Block::Subheading(format!("By {organisation}")));
    if over_rto.is_empty() {
        blocks.push(Block::Paragraph(vec![text(
            "Every function that went down recovered within its RTO, or has none.",
        )]));
    } else {
        blocks.push(Block::List(over_rto));
    }
    sections.push(Section { title: "Response actions".to_owned(), blocks });

    // Lessons learned.
    let mut items: Vec<Line> = Vec::new();
    for item in &scenario.remediation {
        let cite = builder.cite_scenario(&item.source, item.evidence);
        items.push(vec![strong("Provider:"), text(" "), text(item.text.clone()), cite]);
    }
    let mut is_hidden = vec![false; model.n_nodes()];
    for step in steps {
        for node in model.node_ids() {
            if let Some(Cause::Dependency { dependency, .. }) = step.result.cause(node) {
                if matches!(model.dependency(dependency).origin, Origin::Catalog(_)) {
                    is_hidden[node.index()] = true;
                }
            }
        }
    }
    let mut names: Vec<&str> =
        model.node_ids().filter(|n| is_hidden[n.index()]).map(|n| model.id(n)).collect();
    names.sort_unstable();
    if !names.is_empty() {
        items.push(vec![
            strong("Hidden couplings:"), text(" "),
            text(format!(
                "{} provider node(s) failed through provider-internal dependencies that no one declares in a model but the catalogue knows from published reports: {}. See Failure methodology for each dependency's source.",
                names.len(),
                names.join(", ")
            )),
        ]);
    }
    if !outcome.catalog_missing.is_empty() {
        items.push(vec![
            strong("Catalogue:"), text(" "),
            text(format!(
                "the model does not opt into catalogue entries {} that this scenario uses, so provider-internal dependencies are missing from this replay; add ",
                outcome.catalog_missing.join(", "),
            )),
            code(format!("catalog: [{}]", outcome.catalog_missing.join(", "))),
            text("."),
        ]);
    }
    if !outcome.missing.is_empty() {
        items.push(vec![
            strong("Not in the model:"), text(" "),
            text(format!(
                "the timeline names {} id(s) the model does not have, which the replay skipped: {}.",
                outcome.missing.len(),
                outcome.missing.join(", ")
            )),
        ]);
    }
    items.push(vec![
        strong("Method:"), text(" "),
        text("the replay applies each event to the model's dependency graph (a node is down when a hard dependency is down, degraded when a soft one is); it knows nothing of caches, retries or stale reads, which can shorten or lengthen real impact."),
    ]);
    sections
        .push(Section { title: "Lessons learned".to_owned(), blocks: vec![Block::List(items)] });

    // Recommendations.
    let mut items: Vec<Line> = Vec::new();
    for spof in outcome.spofs.iter().take(MAX_RECOMMENDATIONS) {
        let saved_money: f64 = spof
            .functions
            .iter()
            .map(|(f, d, s)| model.functions()[*f].cost_per_hour * (d - s) as f64 / 60.0)
            .sum();
        let per_function: Vec<String> = spof
            .functions
            .iter()
            .map(|(f, d, s)| {
                format!(
                    "{} down {} instead of {}",
                    model.functions()[*f].id,
                    duration(*s),
                    duration(*d)
                )
            })
            .collect();
        let mut line = vec![
            code(model.id(spof.node)),
            text(format!(" ({}) is a single point of failure of ", builder.where_node(spof.node))),
            text(format!(
                "{} function(s) that this outage exercised. Had it stayed up: {}; about {} less cost.",
                spof.functions.len(),
                per_function.join("; "),
                thousands(saved_money.round() as u64)
            )),
        ];
        let entry_points: Vec<String> = model
            .node_ids()
            .filter(|&n| model.kind(n) == NodeKind::Component)
            .flat_map(|n| model.dependencies(n).map(move |d| (n, d)))
            .filter(|(_, d)| {
                d.members.len() == 1
                    && d.members[0] == spof.node
                    && d.kind != blastradius_model::DependencyKind::Soft
            })
            .map(|(n, d)| format!("{} at {model_file}:{}", model.id(n), d.location.line))
            .collect();
        if !entry_points.is_empty() {
            line.push(text(format!(
                " It enters through the hard dependencies of {}: give each an alternative outside what failed (another region or provider) as an ",
                entry_points.join(", ")
            )));
            line.push(code("any"));
            line.push(text(" group."));
        }
        items.push(line);
    }
    let mut blocks = vec![Block::Paragraph(vec![text(
        "Single points of failure are the functions' minimal cut sets of one node (exact engine); only those the replay took down are listed, with the downtime the replay computes had each stayed up, largest saving first.",
    )])];
    if items.is_empty() {
        blocks.push(Block::Paragraph(vec![text(
            "The outage exercised no single point of failure of a business function.",
        )]));
    } else {
        blocks.push(Block::List(items));
        if outcome.spofs.len() > MAX_RECOMMENDATIONS {
            blocks.push(Block::Paragraph(vec![text(format!(
                "{} more are in the JSON report.",
                outcome.spofs.len() - MAX_RECOMMENDATIONS
            ))]));
        }
    }
    sections.push(Section { title: "Recommendations".to_owned(), blocks });

    let lead = vec![text(format!(
        "A replay of a historic outage on the model of {organisation} ({model_file}). Statements about the outage cite their sources (numbers in brackets, with evidence grades); statements about {organisation} cite the model file and line; durations, users and costs are computed by the replay."
    ))];
    Document {
        title: format!("Incident report: {} — replayed on {organisation}", scenario.title),
        lead,
        sections,
        references: builder.references,
    }
}

/// The incident report as Markdown. Linear in the size of the model times the events.
pub fn incident_markdown(input: IncidentInput<'_>) -> String {
    document::markdown(&build(input))
}

/// The incident report as one self-contained HTML page (inline CSS, no scripts or external
/// assets).
pub fn incident_html(input: IncidentInput<'_>) -> String {
    document::html(&build(input))
}

#[derive(Serialize)]
struct JsonCited<'a> {
    text: &'a str,
    source: &'a str,
    url: Option<&'a str>,
    evidence: &'static str,
    line: u32,
}

#[derive(Serialize)]
struct JsonEvent<'a> {
    at: String,
    offset_minutes: i64,
    fail: &'a [String],
    degrade: &'a [String],
    recover: &'a [String],
    mitigate: &'a [String],
    response: bool,
    statement: JsonCited<'a>,
    functions: Vec<JsonStatus<'a>>,
}

#[derive(Serialize)]
struct JsonStatus<'a> {
    function: &'a str,
    status: &'static str,
}

#[derive(Serialize)]
struct JsonInterval {
    status: &'static str,
    start: String,
    end: String,
    open: bool,
}

#[derive(Serialize)]
struct JsonFunction<'a> {
    id: &'a str,
    line: u32,
    critical: bool,
    users: u64,
    cost_per_hour: f64,
    down_minutes: i64,
    degraded_minutes: i64,
    user_hours: f64,
    cost: f64,
    rto_minutes: Option<i64>,
    rto_exceeded: Option<bool>,
    intervals: Vec<JsonInterval>,
}

#[derive(Serialize)]
struct JsonSpof<'a> {
    id: &'a str,
    from_catalogue: bool,
    functions: Vec<JsonSpofFunction<'a>>,
}

#[derive(Serialize)]
struct JsonSpofFunction<'a> {
    function: &'a str,
    down_minutes: i64,
    down_minutes_if_spared: i64,
}

#[derive(Serialize)]
struct JsonReport<'a> {
    scenario: &'a str,
    title: &'a str,
    scenario_file: &'a str,
    provider: &'a str,
    start: String,
    end: String,
    malicious: bool,
    trigger: JsonCited<'a>,
    data: Option<JsonCited<'a>>,
    model: &'a str,
    model_file: &'a str,
    organisation: Option<JsonOrganisation<'a>>,
    timeline: Vec<JsonEvent<'a>>,
    functions: Vec<JsonFunction<'a>>,
    total_user_hours: f64,
    total_cost: f64,
    single_points_of_failure: Vec<JsonSpof<'a>>,
    indicators: Vec<JsonCited<'a>>,
    remediation: Vec<JsonCited<'a>>,
    missing_ids: &'a [String],
    catalog_missing: &'a [String],
}

#[derive(Serialize)]
struct JsonOrganisation<'a> {
    name: Option<&'a str>,
    sector: Option<&'a str>,
    country: Option<&'a str>,
}

fn json_cited(cited: &blastradius_catalog::Cited) -> JsonCited<'_> {
    JsonCited {
        text: &cited.text,
        source: &cited.source.title,
        url: cited.source.url.as_deref(),
        evidence: cited.evidence.code(),
        line: cited.location.line,
    }
}

fn iso(minute: i64) -> String {
    let time = UtcMinute(minute);
    format!("{}T{}Z", time.date(), time.clock())
}

/// The incident report as JSON: the scenario with its citations, the timeline with each
/// function's status after every event, each function's intervals, downtime, user-hours and
/// cost, and the exercised single points of failure.
pub fn incident_json(input: IncidentInput<'_>) -> String {
    let IncidentInput { model, model_file, scenario, outcome, .. } = input;
    let builder = Builder { input, references: Vec::new() };
    let steps = outcome.replay.steps();
    let timeline = scenario
        .timeline
        .iter()
        .zip(steps)
        .map(|(event, step)| JsonEvent {
            at: iso(event.at.0),
            offset_minutes: event.at.0 - scenario.start.0,
            fail: &event.fail,
            degrade: &event.degrade,
            recover: &event.recover,
            mitigate: &event.mitigate,
            response: event.response,
            statement: json_cited(&event.cited),
            functions: step
                .result
                .functions()
                .iter()
                .map(|f| JsonStatus {
                    function: &model.functions()[f.function].id,
                    status: f.status.word(),
                })
                .collect(),
        })
        .collect();
    let mut total_user_hours = 0.0;
    let mut total_cost = 0.0;
    let functions = builder
        .functions()
        .iter()
        .map(|f| {
            let function = &model.functions()[f.function];
            let (user_hours, cost) = cost_of(model, f);
            total_user_hours += user_hours;
            total_cost += cost;
            let rto_minutes = function.rto.map(|rto| (rto.hours() * 60.0).round() as i64);
            JsonFunction {
                id: &function.id,
                line: function.location.line,
                critical: function.critical,
                users: function.users,
                cost_per_hour: function.cost_per_hour,
                down_minutes: f.down_minutes,
                degraded_minutes: f.degraded_minutes,
                user_hours,
                cost,
                rto_minutes,
                rto_exceeded: rto_minutes.map(|rto| f.down_minutes > rto),
                intervals: f
                    .intervals
                    .iter()
                    .map(|i| JsonInterval {
                        status: i.status.word(),
                        start: iso(i.start),
                        end: iso(i.end),
                        open: i.open,
                    })
                    .collect(),
            }
        })
        .collect();
    let single_points_of_failure = outcome
        .spofs
        .iter()
        .map(|spof| JsonSpof {
            id: model.id(spof.node),
            from_catalogue: model.catalog_layer(spof.node).is_some(),
            functions: spof
                .functions
                .iter()
                .map(|(f, d, s)| JsonSpofFunction {
                    function: &model.functions()[*f].id,
                    down_minutes: *d,
                    down_minutes_if_spared: *s,
                })
                .collect(),
        })
        .collect();
    to_json(&JsonReport {
        scenario: &scenario.id,
        title: &scenario.title,
        scenario_file: &scenario.file,
        provider: &scenario.provider,
        start: iso(scenario.start.0),
        end: iso(scenario.end.0),
        malicious: scenario.malicious,
        trigger: json_cited(&scenario.trigger),
        data: scenario.data.as_ref().map(json_cited),
        model: model.name(),
        model_file,
        organisation: model.organisation().map(|o| JsonOrganisation {
            name: o.name.as_deref(),
            sector: o.sector.as_deref(),
            country: o.country.as_deref(),
        }),
        timeline,
        functions,
        total_user_hours,
        total_cost,
        single_points_of_failure,
        indicators: scenario.indicators.iter().map(json_cited).collect(),
        remediation: scenario.remediation.iter().map(json_cited).collect(),
        missing_ids: &outcome.missing,
        catalog_missing: &outcome.catalog_missing,
    })
}

/// A short text summary for the terminal: what failed, what went down for how long, the cost
/// and the top single points of failure.
pub fn incident_summary(input: IncidentInput<'_>) -> String {
    let IncidentInput { model, scenario, outcome, .. } = input;
    let builder = Builder { input, references: Vec::new() };
    let functions = builder.functions();
    let mut out = format!(
        "{} ({} to {})\n  {}\n\n",
        scenario.title, scenario.start, scenario.end, scenario.trigger.text
    );
    let organisation = model
        .organisation()
        .and_then(|o| o.name.clone())
        .unwrap_or_else(|| model.name().to_owned());
    out.push_str(&format!("Replayed on {organisation}:\n"));
    let (mut user_hours, mut cost) = (0.0, 0.0);
    let mut any = false;
    for f in functions.iter().filter(|f| f.down_minutes + f.degraded_minutes > 0) {
        any = true;
        let function = &model.functions()[f.function];
        let (users, money) = cost_of(model, f);
        user_hours += users;
        cost += money;
        out.push_str(&format!(
            "  {:<24} {:>12} down  {:>12} degraded  cost {:>12}\n",
            function.id,
            duration(f.down_minutes),
            duration(f.degraded_minutes),
            thousands(money.round() as u64)
        ));
    }
    if !any {
        out.push_str("  no business function was down or degraded\n");
    }
    out.push_str(&format!(
        "  total: {} user-hours, cost {}\n",
        thousands(user_hours.round() as u64),
        thousands(cost.round() as u64)
    ));
    if !outcome.spofs.is_empty() {
        out.push_str("\nSingle points of failure this outage exercised (downtime saved had each stayed up):\n");
        for spof in outcome.spofs.iter().take(5) {
            let saved: i64 = spof.functions.iter().map(|(_, d, s)| d - s).sum();
            out.push_str(&format!(
                "  {:<32} {} over {} function(s)\n",
                model.id(spof.node),
                duration(saved),
                spof.functions.len()
            ));
        }
    }
    for name in &outcome.catalog_missing {
        out.push_str(&format!("\nnote: the model does not opt into catalogue `{name}`; add `catalog: [{name}]` to see inside the provider\n"));
    }
    out
}
