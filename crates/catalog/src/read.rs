//! Small helpers for reading the located YAML tree of catalogue and scenario files, collecting
//! every problem with its location and a hint of what would be valid.

use blastradius_model::yaml::{Entries, Node, Value};
use blastradius_model::{Diagnostic, Location, Severity};

/// Collects problems while reading one file.
#[derive(Default)]
pub(crate) struct Reader {
    pub(crate) diagnostics: Vec<Diagnostic>,
}

impl Reader {
    pub(crate) fn error(&mut self, location: Location, message: String, help: Option<String>) {
        self.diagnostics.push(Diagnostic {
            severity: Severity::Error,
            location: Some(location),
            message,
            help,
        });
    }

    /// The entries of a mapping (a null value counts as empty), or `None` after reporting.
    pub(crate) fn map<'t>(&mut self, node: Node<'t>, what: &str) -> Option<Entries<'t>> {
        match node.value() {
            Value::Map(entries) => Some(entries),
            _ if node.is_null() => Some(node.no_entries()),
            _ => {
                let found = node.describe();
                self.error(
                    node.location(),
                    format!("{what} must be a mapping, found {found}"),
                    None,
                );
                None
            }
        }
    }

    /// The items of a list; a single scalar counts as a list of one.
    pub(crate) fn list<'t>(&mut self, node: Node<'t>, what: &str) -> Vec<Node<'t>> {
        match node.value() {
            Value::Seq(items) => items.iter().collect(),
            Value::Scalar { .. } if node.is_null() => Vec::new(),
            Value::Scalar { .. } => vec![node],
            Value::Map(_) => {
                let help = Some("write `[a, b]`".to_owned());
                self.error(
                    node.location(),
                    format!("{what} must be a list, found a mapping"),
                    help,
                );
                Vec::new()
            }
        }
    }

    pub(crate) fn text<'t>(&mut self, node: Node<'t>, what: &str) -> Option<&'t str> {
        match node.value() {
            Value::Scalar { text, .. } => Some(text),
            _ => {
                let found = node.describe();
                self.error(node.location(), format!("{what} must be text, found {found}"), None);
                None
            }
        }
    }

    /// Reports every key outside `allowed`.
    pub(crate) fn check_keys(&mut self, entries: Entries<'_>, allowed: &[&str], what: &str) {
        for entry in entries.iter() {
            if !allowed.contains(&entry.key) {
                let valid: Vec<String> = allowed.iter().map(|key| format!("`{key}`")).collect();
                self.error(
                    entry.key_location,
                    format!("unknown key `{}` in {what}", entry.key),
                    Some(format!("valid keys are {}", valid.join(", "))),
                );
            }
        }
    }

    /// The value of a required key, or `None` after reporting it missing at `at`.
    pub(crate) fn required<'t>(
        &mut self,
        entries: Entries<'t>,
        key: &str,
        at: Location,
        what: &str,
    ) -> Option<Node<'t>> {
        let value = entries.get(key).map(|entry| entry.value);
        if value.is_none() {
            self.error(at, format!("{what} has no `{key}`"), None);
        }
        value
    }

    /// The text of a required key.
    pub(crate) fn required_text<'t>(
        &mut self,
        entries: Entries<'t>,
        key: &str,
        at: Location,
        what: &str,
    ) -> Option<&'t str> {
        let node = self.required(entries, key, at, what)?;
        self.text(node, &format!("`{key}` of {what}"))
    }

    /// The text of an optional key.
    pub(crate) fn optional_text<'t>(
        &mut self,
        entries: Entries<'t>,
        key: &str,
        what: &str,
    ) -> Option<&'t str> {
        let node = entries.get(key)?.value;
        self.text(node, &format!("`{key}` of {what}"))
    }
}

/// Whether `text` is a valid slash-path id: names of letters, digits, `-`, `_` and `.` joined
/// by `/`, each starting with a letter or digit (the model's rule).
pub(crate) fn is_valid_id(text: &str) -> bool {
    text.split('/').all(|name| {
        let mut chars = name.chars();
        chars.next().is_some_and(|c| c.is_ascii_alphanumeric())
            && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
    })
}
