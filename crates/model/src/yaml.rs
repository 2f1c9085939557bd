//! A located YAML tree: the parser's events folded into nodes that remember their line and column,
//! with the limits (depth, alias expansion, one document) that keep hostile input harmless.

use std::borrow::Cow;
use std::collections::HashMap;

use saphyr_parser::{Event, Parser, ScalarStyle, ScanError, Span};

use crate::diagnostic::{Diagnostic, Location};

/// Deeper nesting than this is refused; a valid model needs about eight levels.
pub(crate) const MAX_DEPTH: usize = 64;

/// Anchors and aliases may copy at most this many nodes, or as many as the file writes out.
const MAX_ALIAS_NODES: usize = 1_000_000;

/// A YAML value with the location where it starts.
#[derive(Clone, Debug)]
pub(crate) struct Node<'a> {
    pub(crate) location: Location,
    pub(crate) value: Value<'a>,
}

#[derive(Clone, Debug)]
pub(crate) enum Value<'a> {
    /// A scalar; `plain` is false for quoted and block scalars, which are always strings.
    Scalar {
        text: Cow<'a, str>,
        plain: bool,
    },
    Seq(Vec<Node<'a>>),
    Map(Vec<Entry<'a>>),
}

/// One `key: value` pair of a mapping; keys are always scalars.
#[derive(Clone, Debug)]
pub(crate) struct Entry<'a> {
    pub(crate) key: Cow<'a, str>,
    pub(crate) key_location: Location,
    pub(crate) value: Node<'a>,
}

impl Node<'_> {
    /// A short description of the node's type for messages: "a mapping", "a list", "`foo`".
    pub(crate) fn describe(&self) -> String {
        match &self.value {
            Value::Scalar { text, .. } if text.is_empty() => "an empty value".to_owned(),
            Value::Scalar { text, .. } => {
                let short: String = text.chars().take(40).collect();
                let ellipsis = if short.len() < text.len() { "…" } else { "" };
                format!("`{short}{ellipsis}`")
            }
            Value::Seq(_) => "a list".to_owned(),
            Value::Map(_) => "a mapping".to_owned(),
        }
    }

    /// True for `~`, `null` and an empty plain value.
    pub(crate) fn is_null(&self) -> bool {
        matches!(&self.value, Value::Scalar { text, plain: true } if matches!(text.as_ref(), "" | "~" | "null" | "Null" | "NULL"))
    }
}

fn location(span: &Span) -> Location {
    marker_location(span.start.line(), span.start.col())
}

fn marker_location(line: usize, col: usize) -> Location {
    let clamp = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
    Location { line: clamp(line.max(1)), column: clamp(col).saturating_add(1) }
}

fn scan_error(error: &ScanError) -> Diagnostic {
    let marker = error.marker();
    Diagnostic::error(
        marker_location(marker.line(), marker.col()),
        format!("malformed YAML: {}", error.info()),
    )
}

enum Frame<'a> {
    Seq {
        location: Location,
        anchor: usize,
        first_node: usize,
        items: Vec<Node<'a>>,
    },
    Map {
        location: Location,
        anchor: usize,
        first_node: usize,
        entries: Vec<Entry<'a>>,
        key: Key<'a>,
    },
}

/// Where a mapping is between a key and its value.
enum Key<'a> {
    /// The next node is a key.
    Expected,
    /// The next node is the value of this key.
    Have(Cow<'a, str>, Location),
    /// The next node is the value of a key that was refused; it is dropped.
    Refused,
}

/// Folds parser events into a tree; problems that do not stop the fold (a duplicate key, a
/// non-scalar key) are pushed to `diagnostics`, problems that do are returned as the error.
struct Builder<'a> {
    stack: Vec<Frame<'a>>,
    /// Each anchored node with its size in nodes and its height in collections.
    anchors: HashMap<usize, (Node<'a>, usize, usize)>,
    /// Nodes in the tree so far, alias expansions included, so that the size of an anchored node
    /// is the difference between this count at its end and at its start.
    n_nodes: usize,
    /// Nodes written out in the file.
    n_written: usize,
    /// Nodes copied to record anchored nodes and to expand aliases.
    n_copied: usize,
    root: Option<Node<'a>>,
    diagnostics: Vec<Diagnostic>,
}

impl<'a> Builder<'a> {
    fn open(&mut self, frame: Frame<'a>, location: Location) -> Result<(), Diagnostic> {
        if self.stack.len() >= MAX_DEPTH {
            return Err(Diagnostic::error(
                location,
                format!("the YAML is nested deeper than {MAX_DEPTH} levels"),
            )
            .with_help("a model needs only a few levels: provider, region, zones"));
        }
        self.stack.push(frame);
        Ok(())
    }

    fn finish(
        &mut self,
        node: Node<'a>,
        anchor: usize,
        first_node: usize,
    ) -> Result<(), Diagnostic> {
        self.n_nodes += 1;
        self.n_written += 1;
        if anchor != 0 {
            let size = self.n_nodes - first_node;
            self.copy(size, node.location)?;
            self.anchors.insert(anchor, (node.clone(), size, height(&node)));
        }
        self.push(node);
        Ok(())
    }

    /// Counts `size` copied nodes against the limit, which keeps anchors and aliases linear in the
    /// size of the file.
    fn copy(&mut self, size: usize, location: Location) -> Result<(), Diagnostic> {
        self.n_copied += size;
        if self.n_copied > MAX_ALIAS_NODES.max(self.n_written) {
            return Err(Diagnostic::error(location, "YAML aliases expand to too many nodes")
                .with_help(
                    "aliases may copy at most a million nodes, or as many as the file writes out; write the repeated parts out",
                ));
        }
        Ok(())
    }

    fn push(&mut self, node: Node<'a>) {
        match self.stack.last_mut() {
            None => self.root = Some(node),
            Some(Frame::Seq { items, .. }) => items.push(node),
            Some(Frame::Map { entries, key, .. }) => match std::mem::replace(key, Key::Expected) {
                Key::Have(key, key_location) => {
                    entries.push(Entry { key, key_location, value: node })
                }
                Key::Refused => {}
                Key::Expected => match node.value {
                    Value::Scalar { text, .. } => *key = Key::Have(text, node.location),
                    _ => {
                        self.diagnostics.push(
                            Diagnostic::error(
                                node.location,
                                format!("{} cannot be a mapping key", node.describe()),
                            )
                            .with_help("keys are plain names such as `depends_on` or `us-east-1`"),
                        );
                        *key = Key::Refused;
                    }
                },
            },
        }
    }

    fn event(&mut self, event: Event<'a>, span: &Span) -> Result<(), Diagnostic> {
        let here = location(span);
        match event {
            Event::Scalar(text, style, anchor, _tag) => {
                let plain = style == ScalarStyle::Plain;
                let first_node = self.n_nodes;
                self.finish(
                    Node { location: here, value: Value::Scalar { text, plain } },
                    anchor,
                    first_node,
                )?;
            }
            Event::SequenceStart(anchor, _tag) => {
                let frame = Frame::Seq {
                    location: here,
                    anchor,
                    first_node: self.n_nodes,
                    items: Vec::new(),
                };
                self.open(frame, here)?;
            }
            Event::MappingStart(anchor, _tag) => {
                let frame = Frame::Map {
                    location: here,
                    anchor,
                    first_node: self.n_nodes,
                    entries: Vec::new(),
                    key: Key::Expected,
                };
                self.open(frame, here)?;
            }
            Event::SequenceEnd | Event::MappingEnd => match self.stack.pop() {
                Some(Frame::Seq { location, anchor, first_node, items }) => {
                    self.finish(Node { location, value: Value::Seq(items) }, anchor, first_node)?;
                }
                Some(Frame::Map { location, anchor, first_node, entries, .. }) => {
                    let entries = self.without_duplicate_keys(entries);
                    self.finish(Node { location, value: Value::Map(entries) }, anchor, first_node)?;
                }
                None => {
                    return Err(Diagnostic::error(
                        here,
                        "malformed YAML: unbalanced end of a collection",
                    ));
                }
            },
            Event::Alias(anchor) => {
                let Some(&(_, size, height)) = self.anchors.get(&anchor) else {
                    return Err(Diagnostic::error(here, "alias to an unknown anchor"));
                };
                if self.stack.len() + height > MAX_DEPTH {
                    return Err(Diagnostic::error(
                        here,
                        format!("the YAML is nested deeper than {MAX_DEPTH} levels once aliases are expanded"),
                    )
                    .with_help("a model needs only a few levels: provider, region, zones"));
                }
                self.copy(size, here)?;
                let value = self.anchors[&anchor].0.value.clone();
                self.n_nodes += size;
                self.push(Node { location: here, value });
            }
            Event::Nothing
            | Event::StreamStart
            | Event::StreamEnd
            | Event::DocumentStart(_)
            | Event::DocumentEnd => {}
        }
        Ok(())
    }

    /// Keeps the first of each repeated key and reports the others.
    fn without_duplicate_keys(&mut self, entries: Vec<Entry<'a>>) -> Vec<Entry<'a>> {
        let mut first_seen: HashMap<&str, Location> = HashMap::with_capacity(entries.len());
        let mut duplicates = Vec::new();
        for (index, entry) in entries.iter().enumerate() {
            if let Some(first) = first_seen.get(entry.key.as_ref()) {
                duplicates.push(index);
                self.diagnostics.push(Diagnostic::error(
                    entry.key_location,
                    format!("duplicate key `{}`; it is first defined at {first}", entry.key),
                ));
            } else {
                first_seen.insert(entry.key.as_ref(), entry.key_location);
            }
        }
        if duplicates.is_empty() {
            return entries;
        }
        entries
            .into_iter()
            .enumerate()
            .filter(|(index, _)| duplicates.binary_search(index).is_err())
            .map(|(_, e)| e)
            .collect()
    }
}

/// The number of nested collections in a node: 0 for a scalar. Recursion is safe: the builder
/// keeps every tree within `MAX_DEPTH` levels, aliases included.
fn height(node: &Node<'_>) -> usize {
    match &node.value {
        Value::Scalar { .. } => 0,
        Value::Seq(items) => 1 + items.iter().map(height).max().unwrap_or(0),
        Value::Map(entries) => {
            1 + entries.iter().map(|entry| height(&entry.value)).max().unwrap_or(0)
        }
    }
}

/// Parses one YAML document into a located tree. Returns the tree (if the YAML is well formed)
/// and the problems found; a malformed document yields no tree. Linear in the size of the text.
pub(crate) fn parse(text: &str) -> (Option<Node<'_>>, Vec<Diagnostic>) {
    let mut builder = Builder {
        stack: Vec::new(),
        anchors: HashMap::new(),
        n_nodes: 0,
        n_written: 0,
        n_copied: 0,
        root: None,
        diagnostics: Vec::new(),
    };
    let mut parser = Parser::new_from_str(text);
    let mut n_documents = 0;
    while let Some(result) = parser.next_event() {
        let (event, span) = match result {
            Ok(pair) => pair,
            Err(error) => {
                builder.diagnostics.push(scan_error(&error));
                return (None, builder.diagnostics);
            }
        };
        if matches!(event, Event::DocumentStart(_)) {
            n_documents += 1;
            if n_documents > 1 {
                builder.diagnostics.push(
                    Diagnostic::error(
                        location(&span),
                        "the file holds more than one YAML document",
                    )
                    .with_help("a model is one document; remove the second `---`"),
                );
                return (None, builder.diagnostics);
            }
        }
        if let Err(diagnostic) = builder.event(event, &span) {
            builder.diagnostics.push(diagnostic);
            return (None, builder.diagnostics);
        }
    }
    (builder.root, builder.diagnostics)
}
