//! Policy files: the resilience rules a model must satisfy (`blastradius check`), read from YAML
//! with every problem located, like model files.

use crate::MAX_DIAGNOSTICS;
use crate::diagnostic::{Diagnostic, Diagnostics, Location, ModelError, Severity};
use crate::model::NodeKind;
use crate::yaml::{self, Node, Value};

/// Which functions a policy applies to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PolicyScope {
    /// Functions marked `critical: true` (all functions when none is).
    Critical,
    /// Every function.
    All,
}

/// The rules of a policy; each is off when absent.
#[derive(Clone, Debug, PartialEq)]
pub struct Policy {
    /// Which functions the rules apply to.
    pub scope: PolicyScope,
    /// Every scoped function survives the loss of any single node of each of these kinds
    /// (provider structure only: provider, region, zone, regional or global service).
    pub survive_loss_of: Vec<(NodeKind, Location)>,
    /// No node whose id matches one of these patterns (`*` matches any run of characters,
    /// `/` included) is a single point of failure of a scoped function.
    pub no_single_point_of_failure: Vec<(String, Location)>,
    /// The SLO rule: the function's exact availability meets its SLO, and every single point
    /// of failure among its dependencies is available to `extra_nines` more nines than the
    /// SLO (unavailability at most (1 − SLO) / 10^extra_nines).
    pub slo: Option<(u32, Location)>,
    /// Each scoped function's Herfindahl–Hirschman index, and the overall one, are at most this.
    pub max_hhi: Option<(f64, Location)>,
}

impl Policy {
    /// The policy `check` applies without a policy file: survive the loss of any zone, region
    /// or global service, and meet every SLO with one extra nine for dependencies.
    pub fn default_rules() -> Self {
        let here = Location { line: 0, column: 0 };
        Self {
            scope: PolicyScope::Critical,
            survive_loss_of: vec![
                (NodeKind::Zone, here),
                (NodeKind::Region, here),
                (NodeKind::GlobalService, here),
            ],
            no_single_point_of_failure: Vec::new(),
            slo: Some((1, here)),
            max_hhi: None,
        }
    }
}

const TOP_KEYS: &[&str] = &["version", "scope", "rules"];
const RULE_KEYS: &[&str] = &["survive_loss_of", "no_single_point_of_failure", "slo", "max_hhi"];
const KIND_WORDS: &[(&str, NodeKind)] = &[
    ("provider", NodeKind::Provider),
    ("region", NodeKind::Region),
    ("zone", NodeKind::Zone),
    ("service", NodeKind::RegionalService),
    ("global-service", NodeKind::GlobalService),
];

/// Reads a policy file; `file` names it in diagnostics. Every problem is reported with its
/// location; never panics.
///
/// ```yaml
/// version: 1
/// scope: critical            # or `all`
/// rules:
///   survive_loss_of: [zone, region, provider, global-service]
///   no_single_point_of_failure: ["*/global/dns", "auth0*"]
///   slo: { extra_nines: 1 }
///   max_hhi: 0.5
/// ```
pub fn load_policy(file: &str, bytes: &[u8]) -> Result<Policy, ModelError> {
    let fail = |diagnostics| ModelError { file: file.to_owned(), diagnostics };
    let Ok(text) = std::str::from_utf8(bytes) else {
        return Err(fail(vec![Diagnostic {
            severity: Severity::Error,
            location: None,
            message: "the policy file is not UTF-8 text".to_owned(),
            help: None,
        }]));
    };
    let (tree, mut diagnostics) = yaml::parse(text.strip_prefix('\u{feff}').unwrap_or(text));
    let policy = tree.and_then(|tree| read(tree.root(), &mut diagnostics));
    match policy {
        Some(policy) if !diagnostics.has_error() => Ok(policy),
        _ => {
            if diagnostics.is_empty() {
                diagnostics.push(Diagnostic {
                    severity: Severity::Error,
                    location: None,
                    message: "the file holds no policy".to_owned(),
                    help: Some("a policy starts with `version: 1` and `rules:`".to_owned()),
                });
            }
            Err(fail(diagnostics.into_sorted(MAX_DIAGNOSTICS)))
        }
    }
}

fn error(diagnostics: &mut Diagnostics, location: Location, message: String, help: &str) {
    diagnostics.push(Diagnostic::error(location, message).with_help(help));
}

fn check_keys(diagnostics: &mut Diagnostics, node: Node<'_>, allowed: &[&str], what: &str) -> bool {
    let Value::Map(entries) = node.value() else {
        let found = node.describe();
        error(
            diagnostics,
            node.location(),
            format!("{what} must be a mapping, found {found}"),
            "see `blastradius check --help` for the policy format",
        );
        return false;
    };
    for entry in entries.iter().filter(|e| !allowed.contains(&e.key)) {
        let valid = allowed.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ");
        error(
            diagnostics,
            entry.key_location,
            format!("unknown key `{}` in {what}", entry.key),
            &format!("valid keys are {valid}"),
        );
    }
    true
}

fn scalar<'t>(diagnostics: &mut Diagnostics, node: Node<'t>, what: &str) -> Option<&'t str> {
    match node.value() {
        Value::Scalar { text, .. } => Some(text),
        _ => {
            let found = node.describe();
            error(
                diagnostics,
                node.location(),
                format!("{what} must be a single value, found {found}"),
                "see `blastradius check --help` for the policy format",
            );
            None
        }
    }
}

fn list<'t>(diagnostics: &mut Diagnostics, node: Node<'t>, what: &str) -> Vec<Node<'t>> {
    match node.value() {
        Value::Seq(items) => items.iter().collect(),
        Value::Scalar { .. } => vec![node],
        Value::Map(_) => {
            error(
                diagnostics,
                node.location(),
                format!("{what} must be a list, found a mapping"),
                "write `[a, b]`",
            );
            Vec::new()
        }
    }
}

fn read(root: Node<'_>, diagnostics: &mut Diagnostics) -> Option<Policy> {
    if !check_keys(diagnostics, root, TOP_KEYS, "the policy") {
        return None;
    }
    let Value::Map(entries) = root.value() else { return None };
    let mut policy = Policy {
        scope: PolicyScope::Critical,
        survive_loss_of: Vec::new(),
        no_single_point_of_failure: Vec::new(),
        slo: None,
        max_hhi: None,
    };
    match entries.get("version") {
        Some(entry) if matches!(entry.value.value(), Value::Scalar { text: "1", .. }) => {}
        Some(entry) => {
            let found = entry.value.describe();
            error(
                diagnostics,
                entry.value.location(),
                format!("unsupported policy version {found}"),
                "this blastradius reads `version: 1`",
            );
        }
        None => error(
            diagnostics,
            root.location(),
            "the policy has no `version`".to_owned(),
            "start the file with `version: 1`",
        ),
    }
    if let Some(entry) = entries.get("scope") {
        match scalar(diagnostics, entry.value, "`scope`") {
            Some("critical") => policy.scope = PolicyScope::Critical,
            Some("all") => policy.scope = PolicyScope::All,
            Some(other) => error(
                diagnostics,
                entry.value.location(),
                format!("unknown scope `{other}`"),
                "write `scope: critical` or `scope: all`",
            ),
            None => {}
        }
    }
    let Some(rules) = entries.get("rules") else {
        error(
            diagnostics,
            root.location(),
            "the policy has no `rules`".to_owned(),
            "add `rules:` with at least one rule, e.g. `survive_loss_of: [region]`",
        );
        return Some(policy);
    };
    if !check_keys(diagnostics, rules.value, RULE_KEYS, "`rules`") {
        return Some(policy);
    }
    let Value::Map(rules) = rules.value.value() else { return Some(policy) };
    for rule in rules.iter() {
        let value = rule.value;
        match rule.key {
            "survive_loss_of" => {
                for item in list(diagnostics, value, "`survive_loss_of`") {
                    let Some(word) = scalar(diagnostics, item, "a kind") else { continue };
                    match KIND_WORDS.iter().find(|(w, _)| *w == word) {
                        Some((_, kind)) => policy.survive_loss_of.push((*kind, item.location())),
                        None => {
                            let valid = KIND_WORDS
                                .iter()
                                .map(|(w, _)| format!("`{w}`"))
                                .collect::<Vec<_>>()
                                .join(", ");
                            error(
                                diagnostics,
                                item.location(),
                                format!("unknown kind `{word}` in `survive_loss_of`"),
                                &format!("write one of {valid}"),
                            );
                        }
                    }
                }
            }
            "no_single_point_of_failure" => {
                for item in list(diagnostics, value, "`no_single_point_of_failure`") {
                    if let Some(pattern) = scalar(diagnostics, item, "a pattern") {
                        if pattern.is_empty() {
                            error(
                                diagnostics,
                                item.location(),
                                "empty pattern".to_owned(),
                                "write an id such as `cloudflare/global/dns`, or a pattern with `*` such as `*/global/dns`",
                            );
                        } else {
                            policy
                                .no_single_point_of_failure
                                .push((pattern.to_owned(), item.location()));
                        }
                    }
                }
            }
            "slo" => {
                let extra = match value.value() {
                    Value::Map(fields) => {
                        check_keys(diagnostics, value, &["extra_nines"], "`slo`");
                        fields.get("extra_nines").map(|e| e.value)
                    }
                    _ if value.is_null() => None,
                    _ => {
                        let found = value.describe();
                        error(
                            diagnostics,
                            value.location(),
                            format!("`slo` must be a mapping, found {found}"),
                            "write `slo: { extra_nines: 1 }`",
                        );
                        continue;
                    }
                };
                let nines = match extra {
                    None => Some(0),
                    Some(node) => match scalar(diagnostics, node, "`extra_nines`")
                        .map(str::parse::<u32>)
                    {
                        Some(Ok(n)) if n <= 6 => Some(n),
                        Some(_) => {
                            let found = node.describe();
                            error(
                                diagnostics,
                                node.location(),
                                format!("`extra_nines` is {found}, not a whole number from 0 to 6"),
                                "write `extra_nines: 1` for the usual rule of one extra nine per dependency",
                            );
                            None
                        }
                        None => None,
                    },
                };
                if let Some(nines) = nines {
                    policy.slo = Some((nines, rule.key_location));
                }
            }
            "max_hhi" => {
                match scalar(diagnostics, value, "`max_hhi`").map(|t| t.trim().parse::<f64>()) {
                    Some(Ok(limit)) if limit > 0.0 && limit <= 1.0 => {
                        policy.max_hhi = Some((limit, value.location()))
                    }
                    Some(_) => {
                        let found = value.describe();
                        error(
                            diagnostics,
                            value.location(),
                            format!("`max_hhi` is {found}, not a number in (0, 1]"),
                            "the index runs from 1/n (spread over n provider groups) to 1 (one group); write e.g. `max_hhi: 0.5`",
                        );
                    }
                    None => {}
                }
            }
            _ => {}
        }
    }
    Some(policy)
}

/// Whether `id` matches `pattern`, where `*` matches any run of characters (`/` included).
/// Linear in the lengths for patterns with one `*`; quadratic at worst.
pub fn matches_pattern(pattern: &str, id: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == id;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if id.len() < first.len() + last.len() || !id.starts_with(first) || !id.ends_with(last) {
        return false;
    }
    let mut rest = &id[first.len()..id.len() - last.len()];
    for middle in &parts[1..parts.len() - 1] {
        match rest.find(middle) {
            Some(at) => rest = &rest[at + middle.len()..],
            None => return false,
        }
    }
    true
}
