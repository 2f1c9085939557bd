//! The located YAML tree read into raw model structs: shapes, keys, numbers and durations are
//! checked here; ids are only checked for spelling, not resolved.

use std::fmt::{self, Display};

use crate::diagnostic::{Diagnostic, Diagnostics, Location};
use crate::duration::{DURATION_HELP, Hours, parse_duration};
use crate::model::{Availability, DependencyKind, Organisation};
use crate::suggest::closest;
use crate::yaml::{Entries, Entry, Node, Value};

mod profile;

#[cfg(test)]
pub(crate) use profile::is_valid_lei;

/// A name or id as written, with where it was written.
#[derive(Clone, Debug)]
pub(crate) struct Named<'a> {
    pub(crate) text: &'a str,
    pub(crate) location: Location,
}

#[derive(Debug, Default)]
pub(crate) struct RawModel<'a> {
    pub(crate) name: String,
    pub(crate) description: Option<String>,
    pub(crate) providers: Vec<RawProvider<'a>>,
    pub(crate) components: Vec<RawComponent<'a>>,
    pub(crate) functions: Vec<RawFunction<'a>>,
    pub(crate) availability: Vec<(Named<'a>, Availability)>,
    /// The catalogue entries the model opts into (`catalog: [aws, cloudflare]`).
    pub(crate) catalog: Vec<Named<'a>>,
    pub(crate) organisation: Option<Organisation>,
}

#[derive(Debug)]
pub(crate) struct RawProvider<'a> {
    pub(crate) name: Named<'a>,
    pub(crate) description: Option<String>,
    pub(crate) availability: Option<Availability>,
    pub(crate) regions: Vec<RawRegion<'a>>,
    pub(crate) global: Vec<Named<'a>>,
    /// What the provider itself runs on (a SaaS on a cloud region): its nth-party dependency.
    pub(crate) runs_on: Option<RawRequirement<'a>>,
    pub(crate) profile: crate::model::ProviderProfile,
}

#[derive(Debug)]
pub(crate) struct RawRegion<'a> {
    pub(crate) name: Named<'a>,
    pub(crate) availability: Option<Availability>,
    pub(crate) zones: Vec<Named<'a>>,
    pub(crate) services: Vec<Named<'a>>,
}

#[derive(Debug)]
pub(crate) struct RawComponent<'a> {
    pub(crate) name: Named<'a>,
    pub(crate) description: Option<String>,
    pub(crate) kind: Option<String>,
    pub(crate) availability: Option<Availability>,
    pub(crate) runs_on: Option<RawRequirement<'a>>,
    pub(crate) depends_on: Vec<RawRequirement<'a>>,
}

#[derive(Debug)]
pub(crate) struct RawRequirement<'a> {
    pub(crate) kind: DependencyKind,
    pub(crate) members: Vec<Named<'a>>,
    pub(crate) location: Location,
}

#[derive(Debug)]
pub(crate) struct RawFunction<'a> {
    pub(crate) name: Named<'a>,
    pub(crate) description: Option<String>,
    pub(crate) delivered_by: Vec<Named<'a>>,
    pub(crate) critical: bool,
    pub(crate) users: u64,
    pub(crate) cost_per_hour: f64,
    pub(crate) slo_percent: Option<f64>,
    pub(crate) rto: Option<Hours>,
    pub(crate) rpo: Option<Hours>,
}

const TOP_KEYS: &[&str] = &[
    "version",
    "name",
    "description",
    "providers",
    "components",
    "functions",
    "availability",
    "catalog",
    "organisation",
];
const ORGANISATION_KEYS: &[&str] = &["name", "sector", "country"];
const PROVIDER_KEYS: &[&str] = &["description", "availability", "regions", "global", "runs_on"];
const REGION_KEYS: &[&str] = &["zones", "services", "availability"];
const COMPONENT_KEYS: &[&str] = &["description", "kind", "availability", "runs_on", "depends_on"];
const FUNCTION_KEYS: &[&str] =
    &["description", "delivered_by", "critical", "users", "cost_per_hour", "slo", "rto", "rpo"];
const GROUP_KEYS: &[&str] = &["any", "atleast", "of", "soft"];
const RATE_KEYS: &[&str] = &["mtbf", "mttr"];

const ID_HELP: &str =
    "ids are names joined by `/`, such as `ledger`, `aws/us-east-1` or `aws/global/iam`";
const NAME_HELP: &str =
    "names use letters, digits, `-`, `_` and `.`, and start with a letter or digit";
const AVAILABILITY_HELP: &str = "write a fraction in (0, 1] such as `0.9995`, a percentage such as `99.95%`, \
     or `{ mtbf: 2000h, mttr: 30m }`";

/// Reads the tree into raw structs, pushing every problem found to `diagnostics`.
pub(crate) fn read<'a>(root: Node<'a>, diagnostics: &mut Diagnostics) -> RawModel<'a> {
    let mut reader = Reader { diagnostics };
    reader.model(root)
}

/// "component `api`": what a message is about, formatted only when a message is written.
#[derive(Clone, Copy)]
struct Context<'x>(&'static str, &'x str);

impl Display for Context<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} `{}`", self.0, self.1)
    }
}

struct Reader<'d> {
    diagnostics: &'d mut Diagnostics,
}

fn is_valid_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphanumeric())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

fn is_valid_id(id: &str) -> bool {
    id.split('/').all(is_valid_name)
}

fn plain_list(items: &[&str]) -> String {
    items.iter().map(|item| format!("`{item}`")).collect::<Vec<_>>().join(", ")
}

impl<'a> Reader<'_> {
    fn error(&mut self, location: Location, message: impl Into<String>) {
        self.diagnostics.push(Diagnostic::error(location, message));
    }

    fn help(&mut self, location: Location, message: impl Into<String>, help: impl Into<String>) {
        self.diagnostics.push(Diagnostic::error(location, message).with_help(help));
    }

    /// The entries of a mapping, or `None` after reporting what was found instead. A null value
    /// counts as an empty mapping (`stripe:` is the same as `stripe: {}`).
    fn map(&mut self, node: Node<'a>, what: impl Display + Copy) -> Option<Entries<'a>> {
        match node.value() {
            Value::Map(entries) => Some(entries),
            _ if node.is_null() => Some(node.no_entries()),
            _ => {
                let found = node.describe();
                self.error(node.location(), format!("{what} must be a mapping, found {found}"));
                None
            }
        }
    }

    /// The items of a list; a single scalar counts as a list of one.
    fn list(&mut self, node: Node<'a>, what: impl Display + Copy) -> Option<Vec<Node<'a>>> {
        match node.value() {
            Value::Seq(items) => Some(items.iter().collect()),
            Value::Scalar { .. } if node.is_null() => Some(Vec::new()),
            Value::Scalar { .. } => Some(vec![node]),
            Value::Map(_) => {
                self.help(
                    node.location(),
                    format!("{what} must be a list, found a mapping"),
                    "write `[a, b]`",
                );
                None
            }
        }
    }

    fn scalar(&mut self, node: Node<'a>, what: impl Display + Copy) -> Option<&'a str> {
        match node.value() {
            Value::Scalar { text, .. } => Some(text),
            _ => {
                let found = node.describe();
                self.error(
                    node.location(),
                    format!("{what} must be a single value, found {found}"),
                );
                None
            }
        }
    }

    fn text(&mut self, node: Node<'a>, what: impl Display + Copy) -> Option<String> {
        self.scalar(node, what).map(|text| text.to_string())
    }

    /// Reports keys outside `allowed`, with the closest valid key as a suggestion.
    fn check_keys(&mut self, entries: Entries<'a>, allowed: &[&str], context: impl Display + Copy) {
        for entry in entries.iter() {
            if !allowed.contains(&entry.key) {
                let help = match closest(entry.key, allowed.iter().copied()) {
                    Some(key) => {
                        format!("did you mean `{key}`? valid keys are {}", plain_list(allowed))
                    }
                    None => format!("valid keys are {}", plain_list(allowed)),
                };
                self.help(
                    entry.key_location,
                    format!("unknown key `{}` in {context}", entry.key),
                    help,
                );
            }
        }
    }

    fn name(&mut self, text: &'a str, location: Location, what: impl Display + Copy) -> Named<'a> {
        if !is_valid_name(text) {
            let message = if text.contains('/') {
                format!("{what} name `{text}` contains `/`, which separates the parts of an id")
            } else {
                format!("invalid {what} name `{text}`")
            };
            self.help(location, message, NAME_HELP);
        }
        Named { text, location }
    }

    fn names(&mut self, node: Node<'a>, what: impl Display + Copy) -> Vec<Named<'a>> {
        let Some(items) = self.list(node, format_args!("the {what} list")) else {
            return Vec::new();
        };
        let mut names = Vec::with_capacity(items.len());
        for item in items {
            if let Some(text) = self.scalar(item, format_args!("a {what} name")) {
                names.push(self.name(text, item.location(), what));
            }
        }
        names
    }

    fn id(&mut self, node: Node<'a>) -> Option<Named<'a>> {
        let text = self.scalar(node, "an id")?;
        if !is_valid_id(text) {
            self.help(node.location(), format!("invalid id `{text}`"), ID_HELP);
            return None;
        }
        Some(Named { text, location: node.location() })
    }

    fn ids(&mut self, node: Node<'a>, what: impl Display + Copy) -> Vec<Named<'a>> {
        let Some(items) = self.list(node, what) else { return Vec::new() };
        items.into_iter().filter_map(|item| self.id(item)).collect()
    }

    fn number(&mut self, node: Node<'a>, what: impl Display + Copy) -> Option<f64> {
        let text = self.scalar(node, what)?;
        match text.trim().parse::<f64>() {
            Ok(value) if value.is_finite() => Some(value),
            _ => {
                let found = node.describe();
                self.error(node.location(), format!("{what} must be a number, found {found}"));
                None
            }
        }
    }

    fn duration(&mut self, node: Node<'a>, what: impl Display + Copy) -> Option<Hours> {
        let text = self.scalar(node, what)?;
        let parsed = parse_duration(text);
        if parsed.is_none() {
            let found = node.describe();
            self.help(node.location(), format!("bad duration {found} for {what}"), DURATION_HELP);
        }
        parsed
    }

    fn availability(&mut self, node: Node<'a>, owner: &str) -> Option<Availability> {
        if let Value::Map(entries) = node.value() {
            self.check_keys(entries, RATE_KEYS, format_args!("the availability of `{owner}`"));
            let field = |key: &str| entries.get(key).map(|e| e.value);
            let (Some(mtbf_node), Some(mttr_node)) = (field("mtbf"), field("mttr")) else {
                self.help(
                    node.location(),
                    format!("the availability of `{owner}` needs both `mtbf` and `mttr`"),
                    AVAILABILITY_HELP,
                );
                return None;
            };
            let mtbf = self.duration(mtbf_node, "mtbf");
            let mttr = self.duration(mttr_node, "mttr");
            let (mtbf, mttr) = (mtbf?, mttr?);
            if mtbf.hours() <= 0.0 {
                self.help(
                    mtbf_node.location(),
                    format!("the mtbf of `{owner}` must be longer than zero"),
                    DURATION_HELP,
                );
                return None;
            }
            return Some(Availability::Repairable { mtbf, mttr });
        }
        let text = self.scalar(node, "an availability")?;
        let (number, scale) = match text.trim().strip_suffix('%') {
            Some(percent) => (percent.trim(), 100.0),
            None => (text.trim(), 1.0),
        };
        match number.parse::<f64>() {
            Ok(value) if value / scale > 0.0 && value / scale <= 1.0 => {
                Some(Availability::Fixed(value / scale))
            }
            Ok(_) => {
                let found = node.describe();
                self.help(
                    node.location(),
                    format!("availability {found} of `{owner}` is outside (0, 1]"),
                    AVAILABILITY_HELP,
                );
                None
            }
            Err(_) => {
                let found = node.describe();
                self.help(
                    node.location(),
                    format!("bad availability {found} for `{owner}`"),
                    AVAILABILITY_HELP,
                );
                None
            }
        }
    }

    fn model(&mut self, root: Node<'a>) -> RawModel<'a> {
        let mut raw = RawModel::default();
        let Some(entries) = self.map(root, "a model") else { return raw };
        self.check_keys(entries, TOP_KEYS, "the model");
        let field = |key: &str| entries.get(key);
        match field("version") {
            None => self.help(
                root.location(),
                "the model has no `version`",
                "start the file with `version: 1`",
            ),
            Some(entry) => {
                if !matches!(entry.value.value(), Value::Scalar { text: "1", .. }) {
                    let found = entry.value.describe();
                    self.help(
                        entry.value.location(),
                        format!("unsupported version {found}"),
                        "this blastradius reads `version: 1`",
                    );
                }
            }
        }
        match field("name") {
            None => {
                self.help(root.location(), "the model has no `name`", "add `name: my-organisation`")
            }
            Some(entry) => raw.name = self.text(entry.value, "`name`").unwrap_or_default(),
        }
        raw.description = field("description").and_then(|e| self.text(e.value, "`description`"));
        if let Some(entry) = field("catalog") {
            raw.catalog = self.names(entry.value, "catalogue entry");
        }
        if let Some(entry) = field("organisation") {
            raw.organisation = self.organisation(entry.value);
        }
        if let Some(entry) = field("providers") {
            for provider in self.map(entry.value, "`providers`").iter().flat_map(|e| e.iter()) {
                raw.providers.push(self.provider(provider));
            }
        }
        if let Some(entry) = field("components") {
            if let Some(components) = self.map(entry.value, "`components`") {
                raw.components.reserve(components.len());
                for component in components.iter() {
                    raw.components.push(self.component(component));
                }
            }
        }
        if let Some(entry) = field("functions") {
            for function in self.map(entry.value, "`functions`").iter().flat_map(|e| e.iter()) {
                if let Some(function) = self.function(function) {
                    raw.functions.push(function);
                }
            }
        }
        if let Some(entry) = field("availability") {
            for item in self.map(entry.value, "`availability`").iter().flat_map(|e| e.iter()) {
                let id = if is_valid_id(item.key) {
                    Some(Named { text: item.key, location: item.key_location })
                } else {
                    self.help(item.key_location, format!("invalid id `{}`", item.key), ID_HELP);
                    None
                };
                if let (Some(id), Some(availability)) =
                    (id, self.availability(item.value, item.key))
                {
                    raw.availability.push((id, availability));
                }
            }
        }
        raw
    }

    /// `organisation: { name, sector, country }`: who the model describes, for incident reports.
    fn organisation(&mut self, node: Node<'a>) -> Option<Organisation> {
        let entries = self.map(node, "`organisation`")?;
        self.check_keys(entries, ORGANISATION_KEYS, "`organisation`");
        let mut text = |key: &str| entries.get(key).and_then(|e| self.text(e.value, "a value"));
        Some(Organisation {
            name: text("name"),
            sector: text("sector"),
            country: text("country"),
            location: node.location(),
        })
    }

    fn provider(&mut self, entry: Entry<'a>) -> RawProvider<'a> {
        let name = self.name(entry.key, entry.key_location, "provider");
        let mut provider = RawProvider {
            name,
            description: None,
            availability: None,
            regions: Vec::new(),
            global: Vec::new(),
            runs_on: None,
            profile: Default::default(),
        };
        let context = Context("provider", entry.key);
        let Some(fields) = self.map(entry.value, context) else { return provider };
        let keys: Vec<&str> = PROVIDER_KEYS.iter().chain(profile::PROFILE_KEYS).copied().collect();
        self.check_keys(fields, &keys, context);
        for field in fields.iter() {
            match field.key {
                "description" => provider.description = self.text(field.value, "`description`"),
                "availability" => provider.availability = self.availability(field.value, entry.key),
                "global" => provider.global = self.names(field.value, "global service"),
                "runs_on" => provider.runs_on = self.runs_on(field.value),
                key if profile::PROFILE_KEYS.contains(&key) => {
                    self.profile_field(entry.key, field, &mut provider.profile)
                }
                "regions" => {
                    let regions = self.map(field.value, format_args!("the regions of {context}"));
                    for region in regions.iter().flat_map(|e| e.iter()) {
                        let region = self.region(entry.key, region);
                        provider.regions.push(region);
                    }
                }
                _ => {}
            }
        }
        provider
    }

    fn region(&mut self, provider: &str, entry: Entry<'a>) -> RawRegion<'a> {
        let name = self.name(entry.key, entry.key_location, "region");
        let mut region =
            RawRegion { name, availability: None, zones: Vec::new(), services: Vec::new() };
        let context = format_args!("region `{provider}/{}`", entry.key);
        let Some(fields) = self.map(entry.value, context) else { return region };
        self.check_keys(fields, REGION_KEYS, context);
        for field in fields.iter() {
            match field.key {
                "zones" => region.zones = self.names(field.value, "zone"),
                "services" => region.services = self.names(field.value, "service"),
                "availability" => {
                    region.availability =
                        self.availability(field.value, &format!("{provider}/{}", entry.key));
                }
                _ => {}
            }
        }
        region
    }

    fn component(&mut self, entry: Entry<'a>) -> RawComponent<'a> {
        let name = self.name(entry.key, entry.key_location, "component");
        let mut component = RawComponent {
            name,
            description: None,
            kind: None,
            availability: None,
            runs_on: None,
            depends_on: Vec::new(),
        };
        let context = Context("component", entry.key);
        let Some(fields) = self.map(entry.value, context) else { return component };
        self.check_keys(fields, COMPONENT_KEYS, context);
        for field in fields.iter() {
            match field.key {
                "description" => component.description = self.text(field.value, "`description`"),
                "kind" => component.kind = self.text(field.value, "`kind`"),
                "availability" => {
                    component.availability = self.availability(field.value, entry.key)
                }
                "runs_on" => component.runs_on = self.runs_on(field.value),
                "depends_on" => {
                    let Some(items) = self.list(field.value, "`depends_on`") else { continue };
                    component.depends_on = items
                        .into_iter()
                        .filter_map(|item| self.requirement(item, "depends_on"))
                        .collect();
                }
                _ => {}
            }
        }
        component
    }

    /// The value of `runs_on` (of a component or a provider), which cannot be soft.
    fn runs_on(&mut self, node: Node<'a>) -> Option<RawRequirement<'a>> {
        let runs_on = self.requirement(node, "runs_on");
        if let Some(RawRequirement { kind: DependencyKind::Soft, location, .. }) = runs_on {
            self.help(location, "`runs_on` cannot be soft", "a component cannot run on something it can do without; use `depends_on: [{ soft: … }]`");
            return None;
        }
        runs_on
    }

    /// One entry of `depends_on` (or the value of `runs_on`): an id, `{any: […]}`,
    /// `{atleast: k, of: […]}` or `{soft: id}`.
    fn requirement(&mut self, node: Node<'a>, key: &str) -> Option<RawRequirement<'a>> {
        let entries = match node.value() {
            Value::Scalar { .. } => {
                let id = self.id(node)?;
                return Some(RawRequirement {
                    kind: DependencyKind::Hard,
                    members: vec![id],
                    location: node.location(),
                });
            }
            Value::Seq(_) => {
                self.help(
                    node.location(),
                    format!("an entry of `{key}` must be an id or a group, found a list"),
                    "write `{ any: [a, b] }` for redundancy, or list the ids one by one",
                );
                return None;
            }
            Value::Map(entries) => entries,
        };
        self.check_keys(entries, GROUP_KEYS, &format!("a `{key}` entry"));
        let field = |key: &str| entries.get(key).map(|e| e.value);
        let group_help =
            "write an id, `{ any: [a, b] }`, `{ atleast: 2, of: [a, b, c] }` or `{ soft: id }`";
        let forms = ["any", "atleast", "soft"].iter().filter(|form| field(form).is_some()).count();
        if forms != 1 {
            let message = if forms == 0 {
                "a dependency group names no ids"
            } else {
                "a dependency group mixes `any`, `atleast` and `soft`"
            };
            self.help(node.location(), message, group_help);
            return None;
        }
        if let Some(soft) = field("soft") {
            let id = self.id(soft)?;
            return Some(RawRequirement {
                kind: DependencyKind::Soft,
                members: vec![id],
                location: node.location(),
            });
        }
        if let Some(any) = field("any") {
            if field("of").is_some() {
                self.help(node.location(), "`of` belongs with `atleast`, not `any`", group_help);
            }
            let members = self.ids(any, "`any`");
            if members.is_empty() {
                self.help(
                    any.location(),
                    "empty `any` group",
                    "list at least one id, e.g. `{ any: [stripe, adyen] }`",
                );
                return None;
            }
            return Some(RawRequirement {
                kind: DependencyKind::AnyOf,
                members,
                location: node.location(),
            });
        }
        let atleast = field("atleast").expect("one form is present");
        let Some(of) = field("of") else {
            self.help(
                node.location(),
                "`atleast` needs `of`, the list of members",
                "write `{ atleast: 2, of: [a, b, c] }`",
            );
            return None;
        };
        let members = self.ids(of, "`of`");
        let k = self.number(atleast, "`atleast`")?;
        if members.is_empty() {
            self.help(
                of.location(),
                "empty `of` list",
                "list the members, e.g. `{ atleast: 2, of: [a, b, c] }`",
            );
            return None;
        }
        if k.fract() != 0.0 || k < 1.0 || k > members.len() as f64 {
            let n = members.len();
            self.help(
                atleast.location(),
                format!("`atleast: {k}` is out of range for a group of {n}"),
                format!("k must be a whole number from 1 to {n}"),
            );
            return None;
        }
        Some(RawRequirement {
            kind: DependencyKind::AtLeast(k as u32),
            members,
            location: node.location(),
        })
    }

    fn function(&mut self, entry: Entry<'a>) -> Option<RawFunction<'a>> {
        let name = self.name(entry.key, entry.key_location, "function");
        let context = Context("function", entry.key);
        let fields = self.map(entry.value, context)?;
        self.check_keys(fields, FUNCTION_KEYS, context);
        let mut function = RawFunction {
            name,
            description: None,
            delivered_by: Vec::new(),
            critical: false,
            users: 0,
            cost_per_hour: 0.0,
            slo_percent: None,
            rto: None,
            rpo: None,
        };
        let mut has_delivered_by = false;
        for field in fields.iter() {
            let value = field.value;
            match field.key {
                "description" => function.description = self.text(value, "`description`"),
                "delivered_by" => {
                    has_delivered_by = true;
                    function.delivered_by = self.ids(value, "`delivered_by`");
                    let is_empty = matches!(value.value(), Value::Seq(items) if items.is_empty())
                        || value.is_null();
                    if is_empty {
                        self.help(
                            value.location(),
                            format!("`delivered_by` of {context} is empty"),
                            "list the components that deliver it",
                        );
                    }
                }
                "critical" => match self.scalar(value, "`critical`") {
                    Some("true" | "True" | "TRUE") => function.critical = true,
                    Some("false" | "False" | "FALSE") => function.critical = false,
                    Some(_) => {
                        let found = value.describe();
                        self.help(
                            value.location(),
                            format!("`critical` must be true or false, found {found}"),
                            "write `critical: true`",
                        );
                    }
                    None => {}
                },
                "users" => {
                    if let Some(users) = self.number(value, "`users`") {
                        if users >= 0.0 && users.fract() == 0.0 && users < u64::MAX as f64 {
                            function.users = users as u64;
                        } else {
                            self.help(
                                value.location(),
                                format!("`users: {users}` is not a whole number of users"),
                                "write a count such as `users: 20000`",
                            );
                        }
                    }
                }
                "cost_per_hour" => {
                    if let Some(cost) = self.number(value, "`cost_per_hour`") {
                        if cost >= 0.0 {
                            function.cost_per_hour = cost;
                        } else {
                            self.help(value.location(), "`cost_per_hour` is negative", "write the money lost per hour of outage, e.g. `cost_per_hour: 50000`");
                        }
                    }
                }
                "slo" => {
                    let text = self
                        .scalar(value, "`slo`")
                        .map(|t| t.trim().trim_end_matches('%').trim().to_owned());
                    match text.map(|t| t.parse::<f64>()) {
                        Some(Ok(slo)) if slo > 0.0 && slo <= 100.0 => {
                            function.slo_percent = Some(slo)
                        }
                        Some(_) => {
                            let found = value.describe();
                            self.help(
                                value.location(),
                                format!("`slo` {found} is not a percentage in (0, 100]"),
                                "write the availability objective in percent, e.g. `slo: 99.95`",
                            );
                        }
                        None => {}
                    }
                }
                "rto" => function.rto = self.duration(value, "`rto`"),
                "rpo" => function.rpo = self.duration(value, "`rpo`"),
                _ => {}
            }
        }
        if !has_delivered_by {
            self.help(
                entry.key_location,
                format!("{context} has no `delivered_by`"),
                "list the components that deliver it: `delivered_by: [edge, api]`",
            );
        }
        Some(function)
    }
}
