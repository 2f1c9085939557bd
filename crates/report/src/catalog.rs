//! The provider catalogue and the scenario library as text and JSON: what `catalog list`,
//! `catalog show` and `scenarios` print.

use blastradius_catalog::{Catalog, CatalogEdge, Scenario};
use blastradius_model::NodeKind;
use serde::Serialize;

use crate::diagnostics::to_json;
use crate::style::{DIM, HEADING, Options};

fn provider_of(id: &str) -> &str {
    id.split('/').next().unwrap_or(id)
}

#[derive(Serialize)]
struct JsonProvider<'a> {
    id: &'a str,
    title: Option<&'a str>,
    file: &'a str,
    regions: usize,
    services: usize,
    edges: usize,
}

fn providers(catalog: &Catalog) -> Vec<JsonProvider<'_>> {
    catalog
        .providers()
        .iter()
        .map(|id| {
            let node = catalog.node(id).expect("every provider is a node");
            let mine = || catalog.nodes().iter().filter(move |n| provider_of(&n.id) == id);
            JsonProvider {
                id,
                title: node.title.as_deref(),
                file: &node.file,
                regions: mine().filter(|n| n.kind == NodeKind::Region).count(),
                services: mine()
                    .filter(|n| {
                        matches!(n.kind, NodeKind::RegionalService | NodeKind::GlobalService)
                    })
                    .count(),
                edges: catalog.edges().iter().filter(|e| provider_of(&e.node) == id).count(),
            }
        })
        .collect()
}

/// Every catalogue entry a model can opt into, with its size, for people.
pub fn catalog_list_human(catalog: &Catalog, options: Options) -> String {
    let mut out = options.paint(HEADING, "Provider catalogue");
    out.push_str(" (opt in with `catalog: [aws, cloudflare, …]` in a model)\n\n");
    for provider in providers(catalog) {
        out.push_str(&format!(
            "  {:<12} {:>3} regions {:>4} services {:>3} published dependencies  {}\n",
            provider.id,
            provider.regions,
            provider.services,
            provider.edges,
            provider.title.unwrap_or("")
        ));
    }
    out.push_str(&format!(
        "\n{}\n",
        options
            .paint(DIM, "Details and sources: blastradius catalog show aws/us-east-1/ec2-launch")
    ));
    out
}

/// Every catalogue entry as JSON: `{providers: [{id, title, file, regions, services, edges}]}`.
pub fn catalog_list_json(catalog: &Catalog) -> String {
    #[derive(Serialize)]
    struct List<'a> {
        providers: Vec<JsonProvider<'a>>,
    }
    to_json(&List { providers: providers(catalog) })
}

#[derive(Serialize)]
struct JsonEdge<'a> {
    node: &'a str,
    depends_on: &'a str,
    effect: &'static str,
    mechanism: &'a str,
    source: &'a str,
    url: Option<&'a str>,
    evidence: &'static str,
    evidence_meaning: &'static str,
    file: &'a str,
    line: u32,
}

fn json_edge(edge: &CatalogEdge) -> JsonEdge<'_> {
    JsonEdge {
        node: &edge.node,
        depends_on: &edge.depends_on,
        effect: edge.effect.word(),
        mechanism: &edge.mechanism,
        source: &edge.source.title,
        url: edge.source.url.as_deref(),
        evidence: edge.evidence.code(),
        evidence_meaning: edge.evidence.meaning(),
        file: &edge.file,
        line: edge.location.line,
    }
}

/// What the catalogue knows about `id` (which must be in it), for people: what it is, where it
/// is written, and every published dependency from and to it with mechanism, source and grade.
pub fn catalog_show_human(catalog: &Catalog, id: &str, options: Options) -> String {
    let node = catalog.node(id).expect("the caller checked the id");
    let mut out = options.paint(HEADING, id);
    out.push_str(&format!("  ({}, {}:{})\n", node.kind.word(), node.file, node.location.line));
    if let Some(title) = &node.title {
        out.push_str(&format!("  {title}\n"));
    }
    if node.kind == NodeKind::Provider {
        let children: Vec<&str> = catalog
            .nodes()
            .iter()
            .filter(|n| {
                provider_of(&n.id) == id
                    && matches!(n.kind, NodeKind::Region | NodeKind::GlobalService)
            })
            .map(|n| n.id.as_str())
            .collect();
        out.push_str(&format!("  regions and global services: {}\n", children.join(", ")));
    }
    let edges: Vec<&CatalogEdge> = catalog.edges_of(id).collect();
    let outgoing: Vec<&&CatalogEdge> = edges.iter().filter(|e| e.node == id).collect();
    let incoming: Vec<&&CatalogEdge> = edges.iter().filter(|e| e.depends_on == id).collect();
    for (heading, list, other_end) in
        [("Depends on (published)", &outgoing, true), ("Needed by (published)", &incoming, false)]
    {
        out.push('\n');
        out.push_str(&options.paint(HEADING, heading));
        out.push('\n');
        if list.is_empty() {
            out.push_str("  nothing published\n");
        }
        for edge in list.iter() {
            let other = if other_end { &edge.depends_on } else { &edge.node };
            out.push_str(&format!("  {other}  [{} if it fails]\n", edge.effect.word()));
            out.push_str(&format!("      {}\n", edge.mechanism));
            out.push_str(&format!(
                "      {}\n",
                options.paint(
                    DIM,
                    &format!(
                        "source: {} — evidence {} ({}); {}:{}",
                        edge.source.citation(),
                        edge.evidence,
                        edge.evidence.meaning(),
                        edge.file,
                        edge.location.line
                    )
                )
            ));
        }
    }
    if edges.is_empty() && node.kind != NodeKind::Provider {
        out.push_str("\nThe catalogue has this node for its structure only: no published report ties it to another.\n");
    }
    out
}

/// What the catalogue knows about `id` as JSON: `{id, kind, title, file, line, depends_on:
/// [edge…], needed_by: [edge…]}`, each edge with effect, mechanism, source, url and evidence.
pub fn catalog_show_json(catalog: &Catalog, id: &str) -> String {
    #[derive(Serialize)]
    struct Show<'a> {
        id: &'a str,
        kind: &'static str,
        title: Option<&'a str>,
        file: &'a str,
        line: u32,
        depends_on: Vec<JsonEdge<'a>>,
        needed_by: Vec<JsonEdge<'a>>,
    }
    let node = catalog.node(id).expect("the caller checked the id");
    to_json(&Show {
        id,
        kind: node.kind.word(),
        title: node.title.as_deref(),
        file: &node.file,
        line: node.location.line,
        depends_on: catalog.edges_of(id).filter(|e| e.node == id).map(json_edge).collect(),
        needed_by: catalog.edges_of(id).filter(|e| e.depends_on == id).map(json_edge).collect(),
    })
}

fn hours(scenario: &Scenario) -> String {
    let minutes = scenario.start.minutes_until(scenario.end);
    format!("{}h{:02}", minutes / 60, minutes % 60)
}

/// The scenario library for people, one line per scenario.
pub fn scenarios_human(scenarios: &[Scenario], options: Options) -> String {
    let mut out = options.paint(HEADING, "Historic outage scenarios");
    out.push_str(" (replay one: blastradius replay ID --model MODEL)\n\n");
    let width = scenarios.iter().map(|s| s.id.len()).max().unwrap_or(0);
    for scenario in scenarios {
        out.push_str(&format!(
            "  {:<width$}  {}  {:>6}  {}\n",
            scenario.id,
            scenario.start.date(),
            hours(scenario),
            scenario.title
        ));
    }
    out
}

/// The scenario library as JSON: `{scenarios: [{id, title, provider, start, end,
/// duration_minutes, malicious, events, catalog, file, sources: [{title, url}]}]}`.
pub fn scenarios_json(scenarios: &[Scenario]) -> String {
    #[derive(Serialize)]
    struct JsonSource<'a> {
        title: &'a str,
        url: Option<&'a str>,
    }
    #[derive(Serialize)]
    struct JsonScenario<'a> {
        id: &'a str,
        title: &'a str,
        provider: &'a str,
        start: String,
        end: String,
        duration_minutes: i64,
        malicious: bool,
        events: usize,
        catalog: &'a [String],
        file: &'a str,
        sources: Vec<JsonSource<'a>>,
    }
    #[derive(Serialize)]
    struct List<'a> {
        scenarios: Vec<JsonScenario<'a>>,
    }
    let iso = |t: blastradius_catalog::UtcMinute| format!("{}T{}Z", t.date(), t.clock());
    to_json(&List {
        scenarios: scenarios
            .iter()
            .map(|s| JsonScenario {
                id: &s.id,
                title: &s.title,
                provider: &s.provider,
                start: iso(s.start),
                end: iso(s.end),
                duration_minutes: s.start.minutes_until(s.end),
                malicious: s.malicious,
                events: s.timeline.len(),
                catalog: &s.catalog,
                file: &s.file,
                sources: s
                    .sources
                    .iter()
                    .map(|src| JsonSource { title: &src.title, url: src.url.as_deref() })
                    .collect(),
            })
            .collect(),
    })
}
