//! Located problems found while reading a model: what went wrong, where, and what would be valid.

use std::fmt;

/// A position in a model file; line and column are 1-based, the column counts characters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Location {
    /// The line, starting at 1.
    pub line: u32,
    /// The column in characters, starting at 1.
    pub column: u32,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.column)
    }
}

/// Whether a problem stops the model from being used.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// The model is invalid.
    Error,
    /// The model is valid but has a hazard worth knowing (e.g. a dependency cycle).
    Warning,
}

/// One problem in a model file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// Where the problem is; `None` for problems of the file as a whole (e.g. not UTF-8).
    pub location: Option<Location>,
    /// What is wrong, naming the culprit; lowercase, no final period.
    pub message: String,
    /// What would be valid, or a "did you mean" suggestion.
    pub help: Option<String>,
}

impl Diagnostic {
    pub(crate) fn error(location: Location, message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Error,
            location: Some(location),
            message: shortened(message.into()),
            help: None,
        }
    }

    pub(crate) fn warning(location: Location, message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Warning,
            location: Some(location),
            message: shortened(message.into()),
            help: None,
        }
    }

    pub(crate) fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub(crate) fn with_optional_help(mut self, help: Option<String>) -> Self {
        self.help = help;
        self
    }

    /// Renders the diagnostic the way compilers do: `file:line:col: error: message`, then
    /// `  help: …` on a second line when there is help.
    pub fn render(&self, file: &str) -> String {
        let severity = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let mut text = match self.location {
            Some(location) => format!("{file}:{location}: {severity}: {}", self.message),
            None => format!("{file}: {severity}: {}", self.message),
        };
        if let Some(help) = &self.help {
            text.push_str("\n  help: ");
            text.push_str(help);
        }
        text
    }
}

/// Why a model could not be loaded: every error found in the file, plus the warnings.
#[derive(Clone, Debug, thiserror::Error)]
#[error("{} has {} error(s)", file, self.errors().count())]
pub struct ModelError {
    /// The file name the diagnostics refer to.
    pub file: String,
    /// Errors and warnings, in file order.
    pub diagnostics: Vec<Diagnostic>,
}

impl ModelError {
    /// The diagnostics that make the model invalid.
    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics.iter().filter(|d| d.severity == Severity::Error)
    }
}

/// Messages longer than this many characters (which only absurdly long names produce) are cut.
const MAX_MESSAGE_CHARS: usize = 300;

fn shortened(mut message: String) -> String {
    if let Some((cut, _)) = message.char_indices().nth(MAX_MESSAGE_CHARS) {
        message.truncate(cut);
        message.push('…');
    }
    message
}

/// At most this many problems are kept while reading one file (the first ones in file order);
/// the rest are only counted, so that a file with millions of errors costs no more memory than a
/// valid one.
pub(crate) const MAX_COLLECTED: usize = 10_000;

/// A kept diagnostic, ordered by location and then by the order in which it was found.
#[derive(Debug)]
struct Kept {
    location: Option<Location>,
    sequence: usize,
    diagnostic: Diagnostic,
}

impl PartialEq for Kept {
    fn eq(&self, other: &Self) -> bool {
        (self.location, self.sequence) == (other.location, other.sequence)
    }
}

impl Eq for Kept {}

impl PartialOrd for Kept {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Kept {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (self.location, self.sequence).cmp(&(other.location, other.sequence))
    }
}

/// The problems found so far in one file: the [`MAX_COLLECTED`] earliest in file order are kept
/// (in a max-heap, so the latest kept one can be replaced by an earlier newcomer), the rest
/// counted.
#[derive(Debug, Default)]
pub(crate) struct Diagnostics {
    kept: std::collections::BinaryHeap<Kept>,
    n_found: usize,
    has_error: bool,
}

impl Diagnostics {
    /// Adds a problem; logarithmic in the number kept.
    pub(crate) fn push(&mut self, diagnostic: Diagnostic) {
        self.has_error |= diagnostic.severity == Severity::Error;
        let kept = Kept { location: diagnostic.location, sequence: self.n_found, diagnostic };
        self.n_found += 1;
        if self.kept.len() < MAX_COLLECTED {
            self.kept.push(kept);
        } else if self.kept.peek().is_some_and(|latest| kept < *latest) {
            self.kept.pop();
            self.kept.push(kept);
        }
    }

    pub(crate) fn has_error(&self) -> bool {
        self.has_error
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.n_found == 0
    }

    /// The first `limit` diagnostics in file order (whole-file problems first, ties in the order
    /// found), followed by one that counts the rest when there are more.
    pub(crate) fn into_sorted(self, limit: usize) -> Vec<Diagnostic> {
        let n_found = self.n_found;
        let mut items: Vec<Diagnostic> =
            self.kept.into_sorted_vec().into_iter().take(limit).map(|k| k.diagnostic).collect();
        let n_more = n_found - items.len();
        if n_more > 0 {
            items.push(Diagnostic {
                severity: Severity::Error,
                location: None,
                message: format!("{n_more} more problems are not shown"),
                help: Some("fix the ones above first; is this the right file?".to_owned()),
            });
        }
        items
    }
}
