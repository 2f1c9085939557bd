//! A register of information shaped like the DORA templates that concern ICT dependencies
//! (Commission Implementing Regulation (EU) 2024/2956): providers (B_05.01), the services each
//! function uses (B_02.02), the ICT supply chain with subcontractor ranks (B_05.02), functions
//! (B_06.01) and the assessment of services supporting critical functions (B_07.01), filled from
//! the model's optional fields. Fields the model does not give stay empty and are listed as
//! missing; nothing is guessed.

use blastradius_model::{DependencyKind, Model, NodeId, NodeKind};

/// One table of the register.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Table {
    /// File stem, e.g. `b_05_01_providers`.
    pub name: &'static str,
    /// Column names.
    pub header: Vec<&'static str>,
    /// Rows, each as long as the header.
    pub rows: Vec<Vec<String>>,
}

/// A field the register needs and the model lacks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Missing {
    /// The table that needs it.
    pub table: &'static str,
    /// The provider or function it is about.
    pub subject: String,
    /// The model field to add (`lei` under the provider, `rto` under the function…).
    pub field: &'static str,
}

/// The register: its tables and what is missing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Register {
    /// The tables, in template order.
    pub tables: Vec<Table>,
    /// Missing fields, by table, then subject, then field.
    pub missing: Vec<Missing>,
}

fn yes_no(value: bool) -> String {
    if value { "Y" } else { "N" }.to_owned()
}

fn hours(value: Option<blastradius_model::Hours>) -> String {
    value.map_or(String::new(), |h| {
        let text = format!("{:.4}", h.hours());
        text.trim_end_matches('0').trim_end_matches('.').to_owned()
    })
}

/// The top-level providers that the components a function reaches name directly, and through
/// their own `runs_on`/`depends_on`, the providers they in turn rely on: (provider, rank,
/// recipient) with rank 1 for direct providers.
fn supply_chain(model: &Model, function: usize) -> Vec<(NodeId, u32, Option<NodeId>)> {
    let mut chain: Vec<(NodeId, u32, Option<NodeId>)> = Vec::new();
    let mut seen_components = vec![false; model.n_nodes()];
    let mut stack: Vec<NodeId> = model.functions()[function].delivered_by.clone();
    let mut direct: Vec<NodeId> = Vec::new();
    while let Some(node) = stack.pop() {
        if std::mem::replace(&mut seen_components[node.index()], true) {
            continue;
        }
        for dependency in model.dependencies(node) {
            if dependency.kind == DependencyKind::Soft {
                continue;
            }
            for &member in dependency.members {
                match model.provider_of(member) {
                    None => stack.push(member),
                    Some(provider) if !direct.contains(&provider) => direct.push(provider),
                    Some(_) => {}
                }
            }
        }
    }
    direct.sort_unstable();
    for &provider in &direct {
        chain.push((provider, 1, None));
    }
    // Subcontractors: what a provider's nodes themselves depend on, outside the provider.
    let mut frontier: Vec<(NodeId, u32)> = direct.iter().map(|&p| (p, 1)).collect();
    while let Some((provider, rank)) = frontier.pop() {
        let prefix = format!("{}/", model.id(provider));
        let mut subcontractors: Vec<NodeId> = model
            .node_ids()
            .filter(|&n| n == provider || model.id(n).starts_with(&prefix))
            .flat_map(|n| model.dependencies(n))
            .filter(|d| d.kind != DependencyKind::Soft)
            .flat_map(|d| d.members.iter().copied())
            .filter_map(|m| model.provider_of(m))
            .filter(|&p| p != provider)
            .collect();
        subcontractors.sort_unstable();
        subcontractors.dedup();
        for sub in subcontractors {
            if chain.iter().any(|&(p, _, r)| p == sub && r == Some(provider)) || rank >= 8 {
                continue;
            }
            chain.push((sub, rank + 1, Some(provider)));
            frontier.push((sub, rank + 1));
        }
    }
    chain
}

/// Alternatives identified for a provider: other providers that appear with it in an any-of or
/// k-of-n group of a component, sorted.
fn alternatives(model: &Model, provider: NodeId) -> Vec<NodeId> {
    let mut found: Vec<NodeId> = Vec::new();
    for node in model.node_ids().filter(|&n| model.kind(n) == NodeKind::Component) {
        for dependency in model.dependencies(node) {
            if !matches!(dependency.kind, DependencyKind::AnyOf | DependencyKind::AtLeast(_)) {
                continue;
            }
            let providers: Vec<Option<NodeId>> =
                dependency.members.iter().map(|&m| model.provider_of(m)).collect();
            if providers.contains(&Some(provider)) {
                found.extend(providers.into_iter().flatten().filter(|&p| p != provider));
            }
        }
    }
    found.sort_unstable();
    found.dedup();
    found
}

/// Builds the register from the model. B_07.01 assesses the direct providers of functions
/// marked critical or important (`critical: true`); the supply chain lists their
/// subcontractors; B_06.01 lists every function. Linear in
/// the model for each function.
pub fn register(model: &Model) -> Register {
    let mut missing = Vec::new();
    let functions = model.functions();
    let chains: Vec<Vec<(NodeId, u32, Option<NodeId>)>> =
        (0..functions.len()).map(|f| supply_chain(model, f)).collect();
    let mut providers: Vec<NodeId> = chains.iter().flatten().map(|&(p, _, _)| p).collect();
    providers.sort_unstable();
    providers.dedup();
    let profile = |p: NodeId| model.provider_profile(p).cloned().unwrap_or_default();
    let critical_providers: Vec<NodeId> = {
        let mut list: Vec<NodeId> = (0..functions.len())
            .filter(|&f| functions[f].critical)
            .flat_map(|f| chains[f].iter().filter(|&&(_, rank, _)| rank == 1).map(|&(p, _, _)| p))
            .collect();
        list.sort_unstable();
        list.dedup();
        list
    };

    let mut provider_rows = Vec::new();
    for &p in &providers {
        let info = profile(p);
        let id = model.id(p).to_owned();
        for (field, value) in
            [("legal_entity", &info.legal_entity), ("lei", &info.lei), ("country", &info.country)]
        {
            if value.is_none() {
                missing.push(Missing { table: "b_05_01_providers", subject: id.clone(), field });
            }
        }
        provider_rows.push(vec![
            id.clone(),
            info.legal_entity.clone().unwrap_or_default(),
            info.lei.clone().unwrap_or_default(),
            info.country.clone().unwrap_or_default(),
            info.ultimate_parent.clone().unwrap_or_default(),
        ]);
    }

    let mut service_rows = Vec::new();
    let mut chain_rows = Vec::new();
    for (f, chain) in chains.iter().enumerate() {
        for &(p, rank, recipient) in chain {
            let info = profile(p);
            let service_type = info.service_type.clone().unwrap_or_default();
            if rank == 1 {
                service_rows.push(vec![
                    model.id(p).to_owned(),
                    functions[f].id.clone(),
                    yes_no(functions[f].critical),
                    service_type.clone(),
                    info.data_locations.join(" "),
                ]);
            } else if functions[f].critical {
                chain_rows.push(vec![
                    functions[f].id.clone(),
                    model.id(p).to_owned(),
                    service_type.clone(),
                    rank.to_string(),
                    recipient.map_or(String::new(), |r| model.id(r).to_owned()),
                ]);
            }
        }
    }
    chain_rows.sort();
    chain_rows.dedup();
    for &p in &providers {
        let info = profile(p);
        if info.service_type.is_none() {
            missing.push(Missing {
                table: "b_02_02_services",
                subject: model.id(p).to_owned(),
                field: "service_type",
            });
        }
        if info.data_locations.is_empty() {
            missing.push(Missing {
                table: "b_02_02_services",
                subject: model.id(p).to_owned(),
                field: "data_locations",
            });
        }
    }

    let mut function_rows = Vec::new();
    for function in functions {
        if function.critical {
            for (field, value) in [("rto", function.rto), ("rpo", function.rpo)] {
                if value.is_none() {
                    missing.push(Missing {
                        table: "b_06_01_functions",
                        subject: function.id.clone(),
                        field,
                    });
                }
            }
        }
        function_rows.push(vec![
            function.id.clone(),
            function.description.clone().unwrap_or_default(),
            yes_no(function.critical),
            hours(function.rto),
            hours(function.rpo),
        ]);
    }

    let mut assessment_rows = Vec::new();
    for &p in &critical_providers {
        let info = profile(p);
        let id = model.id(p).to_owned();
        if info.substitutability.is_none() {
            missing.push(Missing {
                table: "b_07_01_assessment",
                subject: id.clone(),
                field: "substitutability",
            });
        }
        if info.exit_plan.is_none() {
            missing.push(Missing {
                table: "b_07_01_assessment",
                subject: id.clone(),
                field: "exit_plan",
            });
        }
        let alternatives = alternatives(model, p);
        assessment_rows.push(vec![
            id,
            info.substitutability.clone().unwrap_or_default(),
            info.exit_plan.map_or(String::new(), yes_no),
            yes_no(!alternatives.is_empty()),
            alternatives.iter().map(|&a| model.id(a)).collect::<Vec<_>>().join(" "),
        ]);
    }
    missing.sort_by(|a, b| (a.table, &a.subject, a.field).cmp(&(b.table, &b.subject, b.field)));

    Register {
        tables: vec![
            Table {
                name: "b_02_02_services",
                header: vec![
                    "provider_id",
                    "function_id",
                    "function_critical_or_important",
                    "ict_service_type",
                    "data_locations",
                ],
                rows: service_rows,
            },
            Table {
                name: "b_05_01_providers",
                header: vec![
                    "provider_id",
                    "legal_name",
                    "lei",
                    "headquarters_country",
                    "ultimate_parent",
                ],
                rows: provider_rows,
            },
            Table {
                name: "b_05_02_supply_chain",
                header: vec![
                    "function_id",
                    "provider_id",
                    "ict_service_type",
                    "rank",
                    "recipient_provider_id",
                ],
                rows: chain_rows,
            },
            Table {
                name: "b_06_01_functions",
                header: vec![
                    "function_id",
                    "function_name",
                    "critical_or_important",
                    "rto_hours",
                    "rpo_hours",
                ],
                rows: function_rows,
            },
            Table {
                name: "b_07_01_assessment",
                header: vec![
                    "provider_id",
                    "substitutability",
                    "exit_plan",
                    "alternative_providers_identified",
                    "alternative_providers",
                ],
                rows: assessment_rows,
            },
        ],
        missing,
    }
}
