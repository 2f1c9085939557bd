//! The provider catalogue: providers with their regions, zones and services, and the
//! provider-internal dependencies that post-incident reports published, each with its source
//! and evidence grade. Read from the YAML files under `catalog/`, which are compiled into the
//! binary, and handed to the model as one layer per provider.

use std::collections::HashMap;

use blastradius_model::yaml::{Entries, Node, Value, parse_document};
use blastradius_model::{
    DependencyKind, Layer, LayerDependency, LayerNode, Location, ModelError, NodeKind,
};

use crate::evidence::{Evidence, Source};
use crate::read::{Reader, is_valid_id};

/// The catalogue files compiled into the binary: (path in the repository, text).
const BUILTIN_FILES: &[(&str, &str)] = &[
    ("catalog/aws.yaml", include_str!("../../../catalog/aws.yaml")),
    ("catalog/azure.yaml", include_str!("../../../catalog/azure.yaml")),
    ("catalog/gcp.yaml", include_str!("../../../catalog/gcp.yaml")),
    ("catalog/cloudflare.yaml", include_str!("../../../catalog/cloudflare.yaml")),
    ("catalog/saas.yaml", include_str!("../../../catalog/saas.yaml")),
    ("catalog/others.yaml", include_str!("../../../catalog/others.yaml")),
];

/// What a failed dependency does to the node that needs it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Effect {
    /// The node goes down (a hard dependency).
    Down,
    /// The node is degraded (a soft dependency).
    Degraded,
}

impl Effect {
    /// `down` or `degraded`.
    pub fn word(self) -> &'static str {
        match self {
            Self::Down => "down",
            Self::Degraded => "degraded",
        }
    }
}

/// A node the catalogue knows.
#[derive(Clone, Debug)]
pub struct CatalogNode {
    /// The slash-path id, e.g. `aws/us-east-1/dynamodb`.
    pub id: String,
    /// Provider, region, zone or service.
    pub kind: NodeKind,
    /// What it is, when the file says.
    pub title: Option<String>,
    /// The catalogue file and where in it the node is written.
    pub file: String,
    /// Where in `file`.
    pub location: Location,
}

/// A published provider-internal dependency.
#[derive(Clone, Debug)]
pub struct CatalogEdge {
    /// The dependent node's id.
    pub node: String,
    /// The id it depends on.
    pub depends_on: String,
    /// What the dependency's failure does to `node`.
    pub effect: Effect,
    /// How the failure travelled, in the source's terms.
    pub mechanism: String,
    /// Where the statement comes from.
    pub source: Source,
    /// How directly the source supports it.
    pub evidence: Evidence,
    /// The catalogue file.
    pub file: String,
    /// Where in `file`.
    pub location: Location,
}

/// The whole catalogue, indexed by id.
#[derive(Clone, Debug, Default)]
pub struct Catalog {
    providers: Vec<String>,
    nodes: Vec<CatalogNode>,
    edges: Vec<CatalogEdge>,
    index: HashMap<String, usize>,
}

impl Catalog {
    /// The catalogue compiled into the binary.
    ///
    /// # Panics
    /// If a built-in file is invalid, which the crate's tests rule out.
    pub fn builtin() -> Self {
        match Self::parse(BUILTIN_FILES) {
            Ok(catalog) => catalog,
            Err(error) => {
                let problems: Vec<String> =
                    error.diagnostics.iter().map(|d| d.render(&error.file)).collect();
                panic!("the built-in catalogue is invalid:\n{}", problems.join("\n"))
            }
        }
    }

    /// Reads catalogue files given as (name, text), checking that every edge joins known nodes
    /// and cites a known source.
    ///
    /// # Errors
    /// The located problems of the first invalid file.
    pub fn parse(files: &[(&str, &str)]) -> Result<Self, ModelError> {
        let mut catalog = Self::default();
        for (file, text) in files {
            let fail = |diagnostics| ModelError { file: (*file).to_owned(), diagnostics };
            let tree = parse_document(text).map_err(fail)?;
            let mut reader = Reader::default();
            catalog.read_file(&mut reader, file, tree.root());
            if !reader.diagnostics.is_empty() {
                return Err(fail(reader.diagnostics));
            }
        }
        Ok(catalog)
    }

    fn read_file(&mut self, reader: &mut Reader, file: &str, root: Node<'_>) {
        let Some(top) = reader.map(root, "a catalogue file") else { return };
        reader.check_keys(top, &["version", "sources", "providers", "edges"], "a catalogue file");
        let sources = read_sources(reader, top);
        if let Some(providers) = top.get("providers") {
            for provider in reader.map(providers.value, "`providers`").iter().flat_map(|e| e.iter())
            {
                self.read_provider(
                    reader,
                    file,
                    provider.key,
                    provider.key_location,
                    provider.value,
                );
            }
        }
        let mut pending = Vec::new();
        if let Some(edges) = top.get("edges") {
            for node in reader.list(edges.value, "`edges`") {
                if let Some(edge) = read_edge(reader, file, node, &sources) {
                    pending.push(edge);
                }
            }
        }
        for edge in pending {
            for id in [&edge.node, &edge.depends_on] {
                if !self.index.contains_key(id.as_str()) {
                    let help = Some("declare the node under `providers:` first".to_owned());
                    reader.error(edge.location, format!("edge names unknown id `{id}`"), help);
                }
            }
            self.edges.push(edge);
        }
    }

    fn add_node(&mut self, reader: &mut Reader, node: CatalogNode) {
        if let Some(&first) = self.index.get(&node.id) {
            let first = &self.nodes[first];
            let message = format!(
                "`{}` is already in the catalogue ({}:{})",
                node.id, first.file, first.location
            );
            reader.error(node.location, message, None);
            return;
        }
        self.index.insert(node.id.clone(), self.nodes.len());
        self.nodes.push(node);
    }

    fn read_provider(
        &mut self,
        reader: &mut Reader,
        file: &str,
        name: &str,
        location: Location,
        value: Node<'_>,
    ) {
        let new = |id: String, kind, title: Option<&str>, location| CatalogNode {
            id,
            kind,
            title: title.map(str::to_owned),
            file: file.to_owned(),
            location,
        };
        if !is_valid_id(name) || name.contains('/') {
            reader.error(location, format!("invalid provider name `{name}`"), None);
            return;
        }
        if let Value::Scalar { text, .. } = value.value() {
            self.add_node(reader, new(name.to_owned(), NodeKind::Provider, Some(text), location));
            self.providers.push(name.to_owned());
            return;
        }
        let what = format!("provider `{name}`");
        let Some(fields) = reader.map(value, &what) else { return };
        reader.check_keys(fields, &["title", "regions", "global"], &what);
        let title = reader.optional_text(fields, "title", &what);
        self.add_node(reader, new(name.to_owned(), NodeKind::Provider, title, location));
        self.providers.push(name.to_owned());
        if let Some(regions) = fields.get("regions") {
            for region in reader.map(regions.value, "`regions`").iter().flat_map(|e| e.iter()) {
                let region_id = format!("{name}/{}", region.key);
                let what = format!("region `{region_id}`");
                let Some(region_fields) = reader.map(region.value, &what) else { continue };
                reader.check_keys(region_fields, &["title", "zones", "services"], &what);
                let title = reader.optional_text(region_fields, "title", &what);
                self.add_node(
                    reader,
                    new(region_id.clone(), NodeKind::Region, title, region.key_location),
                );
                if let Some(zones) = region_fields.get("zones") {
                    for zone in reader.list(zones.value, "`zones`") {
                        if let Some(zone_name) = reader.text(zone, "a zone name") {
                            let id = format!("{region_id}/{zone_name}");
                            self.add_node(reader, new(id, NodeKind::Zone, None, zone.location()));
                        }
                    }
                }
                if let Some(services) = region_fields.get("services") {
                    for (service, title, at) in named_items(reader, services.value, "`services`") {
                        let id = format!("{region_id}/{service}");
                        self.add_node(reader, new(id, NodeKind::RegionalService, title, at));
                    }
                }
            }
        }
        if let Some(global) = fields.get("global") {
            for (service, title, at) in named_items(reader, global.value, "`global`") {
                let id = format!("{name}/global/{service}");
                self.add_node(reader, new(id, NodeKind::GlobalService, title, at));
            }
        }
    }

    /// Every node, in file order.
    pub fn nodes(&self) -> &[CatalogNode] {
        &self.nodes
    }

    /// Every published dependency, in file order; an edge's index is its tag in the model
    /// (`Origin::Catalog(tag)`).
    pub fn edges(&self) -> &[CatalogEdge] {
        &self.edges
    }

    /// The provider names a model may write in `catalog:`, in file order.
    pub fn providers(&self) -> &[String] {
        &self.providers
    }

    /// The node with this id. Constant time.
    pub fn node(&self, id: &str) -> Option<&CatalogNode> {
        self.index.get(id).map(|&index| &self.nodes[index])
    }

    /// The edges that touch `id`, as dependent or as dependency; linear in the edges.
    pub fn edges_of<'c>(&'c self, id: &'c str) -> impl Iterator<Item = &'c CatalogEdge> + 'c {
        self.edges.iter().filter(move |edge| edge.node == id || edge.depends_on == id)
    }

    /// The catalogue as model layers, one per provider, each requiring the providers its edges
    /// lead into. Linear in the size of the catalogue.
    pub fn layers(&self) -> Vec<Layer> {
        let provider_of = |id: &str| id.split('/').next().unwrap_or(id).to_owned();
        let mut layers: Vec<Layer> = self
            .providers
            .iter()
            .map(|name| Layer { name: name.clone(), ..Layer::default() })
            .collect();
        let position: HashMap<String, usize> =
            self.providers.iter().enumerate().map(|(i, name)| (name.clone(), i)).collect();
        for node in &self.nodes {
            let layer = &mut layers[position[&provider_of(&node.id)]];
            layer.nodes.push(LayerNode { id: node.id.clone(), kind: node.kind });
        }
        for (tag, edge) in self.edges.iter().enumerate() {
            let layer = &mut layers[position[&provider_of(&edge.node)]];
            let required = provider_of(&edge.depends_on);
            if required != layer.name && !layer.requires.contains(&required) {
                layer.requires.push(required);
            }
            layer.dependencies.push(LayerDependency {
                node: edge.node.clone(),
                kind: match edge.effect {
                    Effect::Down => DependencyKind::Hard,
                    Effect::Degraded => DependencyKind::Soft,
                },
                members: vec![edge.depends_on.clone()],
                tag: tag as u32,
            });
        }
        layers
    }
}

/// Items written either as a list of names or as a mapping of name to description.
fn named_items<'t>(
    reader: &mut Reader,
    node: Node<'t>,
    what: &str,
) -> Vec<(&'t str, Option<&'t str>, Location)> {
    let mut items = Vec::new();
    if let Value::Map(entries) = node.value() {
        for entry in entries.iter() {
            let title = reader.text(entry.value, "a description");
            items.push((entry.key, title, entry.key_location));
        }
    } else {
        for item in reader.list(node, what) {
            if let Some(name) = reader.text(item, "a name") {
                items.push((name, None, item.location()));
            }
        }
    }
    items.retain(|(name, _, at)| {
        let valid = is_valid_id(name) && !name.contains('/');
        if !valid {
            reader.error(*at, format!("invalid name `{name}`"), None);
        }
        valid
    });
    items
}

/// The `sources:` map of a file: key to title and url.
pub(crate) fn read_sources(reader: &mut Reader, top: Entries<'_>) -> HashMap<String, Source> {
    let mut sources = HashMap::new();
    let Some(entry) = top.get("sources") else { return sources };
    for source in reader.map(entry.value, "`sources`").iter().flat_map(|e| e.iter()) {
        let what = format!("source `{}`", source.key);
        let Some(fields) = reader.map(source.value, &what) else { continue };
        reader.check_keys(fields, &["title", "url"], &what);
        let Some(title) = reader.required_text(fields, "title", source.key_location, &what) else {
            continue;
        };
        let url = reader.optional_text(fields, "url", &what).map(str::to_owned);
        let key = source.key.to_owned();
        sources.insert(key.clone(), Source { key, title: title.to_owned(), url });
    }
    sources
}

/// A `source:` key and an `evidence:` grade of an entry, checked.
pub(crate) fn read_citation(
    reader: &mut Reader,
    fields: Entries<'_>,
    at: Location,
    what: &str,
    sources: &HashMap<String, Source>,
) -> Option<(Source, Evidence)> {
    let source_key = reader.required_text(fields, "source", at, what);
    let grade = reader.required_text(fields, "evidence", at, what);
    let source = source_key.and_then(|key| match sources.get(key) {
        Some(source) => Some(source.clone()),
        None => {
            let mut known: Vec<&str> = sources.keys().map(String::as_str).collect();
            known.sort_unstable();
            let location = fields.get("source").map_or(at, |e| e.value.location());
            reader.error(
                location,
                format!("unknown source `{key}` in {what}"),
                Some(format!("the file's `sources:` has {}", known.join(", "))),
            );
            None
        }
    });
    let evidence = grade.and_then(|code| {
        let parsed = Evidence::parse(code);
        if parsed.is_none() {
            let location = fields.get("evidence").map_or(at, |e| e.value.location());
            reader.error(
                location,
                format!("unknown evidence grade `{code}` in {what}"),
                Some(format!("grades are {}", Evidence::CODES.join(", "))),
            );
        }
        parsed
    });
    Some((source?, evidence?))
}

fn read_edge(
    reader: &mut Reader,
    file: &str,
    node: Node<'_>,
    sources: &HashMap<String, Source>,
) -> Option<CatalogEdge> {
    let at = node.location();
    let what = "an edge";
    let fields = reader.map(node, what)?;
    reader.check_keys(
        fields,
        &["node", "depends_on", "effect", "mechanism", "source", "evidence"],
        what,
    );
    let dependent = reader.required_text(fields, "node", at, what);
    let depends_on = reader.required_text(fields, "depends_on", at, what);
    let effect = reader.required_text(fields, "effect", at, what).and_then(|text| match text {
        "down" => Some(Effect::Down),
        "degraded" => Some(Effect::Degraded),
        other => {
            let location = fields.get("effect").map_or(at, |e| e.value.location());
            let help = Some("`down` for a hard dependency, `degraded` for a soft one".to_owned());
            reader.error(location, format!("unknown effect `{other}`"), help);
            None
        }
    });
    let mechanism = reader.required_text(fields, "mechanism", at, what);
    let citation = read_citation(reader, fields, at, what, sources);
    let (source, evidence) = citation?;
    Some(CatalogEdge {
        node: dependent?.to_owned(),
        depends_on: depends_on?.to_owned(),
        effect: effect?,
        mechanism: mechanism?.to_owned(),
        source,
        evidence,
        file: file.to_owned(),
        location: at,
    })
}
