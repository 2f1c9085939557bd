//! A small located YAML tree for scenario files, folded from saphyr-parser events. Scenario
//! files are short, so a plain owned tree is enough; anchors, aliases and several documents are
//! refused, and depth and size are capped so hostile input stays harmless.

use std::collections::HashMap;

use blastradius_model::{Diagnostic, Location, Severity};
use saphyr_parser::{Event, Parser, ScalarStyle, Span};

/// Deeper nesting is refused; a scenario needs about five levels.
const MAX_DEPTH: usize = 32;
/// More nodes are refused; a large scenario has a few thousand.
const MAX_NODES: usize = 1_000_000;

/// A node with the place it starts at.
#[derive(Clone, Debug)]
pub(crate) struct Node {
    pub(crate) location: Location,
    pub(crate) value: Value,
}

/// What a node holds.
#[derive(Clone, Debug)]
pub(crate) enum Value {
    /// A scalar; `quoted` for quoted and block scalars, which are always strings.
    Scalar {
        text: String,
        quoted: bool,
    },
    Seq(Vec<Node>),
    /// Key-value pairs in file order; keys are scalars.
    Map(Vec<(Node, Node)>),
}

impl Node {
    /// The scalar's text, or `None` for a collection.
    pub(crate) fn scalar(&self) -> Option<&str> {
        match &self.value {
            Value::Scalar { text, .. } => Some(text),
            _ => None,
        }
    }

    /// Whether the node is the null scalar (`~`, `null` or empty).
    pub(crate) fn is_null(&self) -> bool {
        matches!(&self.value, Value::Scalar { text, quoted: false } if matches!(text.as_str(), "" | "~" | "null"))
    }

    /// How the node looks, for messages: a scalar's text, or "a list" / "a mapping".
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
}

pub(crate) fn error(location: Location, message: impl Into<String>) -> Diagnostic {
    Diagnostic {
        severity: Severity::Error,
        location: Some(location),
        message: message.into(),
        help: None,
    }
}

fn span_location(span: &Span) -> Location {
    let clamp = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
    Location {
        line: clamp(span.start.line().max(1)),
        column: clamp(span.start.col()).saturating_add(1),
    }
}

/// A collection being read: its start, and its children so far.
struct Frame {
    location: Location,
    is_map: bool,
    items: Vec<Node>,
}

/// Parses `text` into a tree; `Err` holds the one problem that stopped it.
pub(crate) fn parse(text: &str) -> Result<Node, Diagnostic> {
    let mut parser = Parser::new_from_str(text);
    let mut stack: Vec<Frame> = Vec::new();
    let mut root: Option<Node> = None;
    let mut n_nodes = 0usize;
    let mut n_documents = 0;
    while let Some(result) = parser.next_event() {
        let (event, span) = result.map_err(|e| {
            let marker = e.marker();
            let location = Location {
                line: u32::try_from(marker.line().max(1)).unwrap_or(u32::MAX),
                column: u32::try_from(marker.col()).unwrap_or(u32::MAX).saturating_add(1),
            };
            error(location, format!("malformed YAML: {}", e.info()))
        })?;
        let here = span_location(&span);
        let node = match event {
            Event::DocumentStart(_) => {
                n_documents += 1;
                if n_documents > 1 {
                    return Err(error(here, "the file holds more than one YAML document"));
                }
                continue;
            }
            Event::Alias(_) => {
                return Err(error(here, "anchors and aliases are not supported in scenario files"));
            }
            Event::Scalar(text, style, anchor, _) => {
                if anchor != 0 {
                    return Err(error(
                        here,
                        "anchors and aliases are not supported in scenario files",
                    ));
                }
                Node {
                    location: here,
                    value: Value::Scalar {
                        text: text.into_owned(),
                        quoted: style != ScalarStyle::Plain,
                    },
                }
            }
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                if anchor != 0 {
                    return Err(error(
                        here,
                        "anchors and aliases are not supported in scenario files",
                    ));
                }
                if stack.len() >= MAX_DEPTH {
                    return Err(error(here, format!("nesting deeper than {MAX_DEPTH} levels")));
                }
                let is_map = matches!(event, Event::MappingStart(..));
                stack.push(Frame { location: here, is_map, items: Vec::new() });
                continue;
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let frame = stack.pop().expect("the parser balances collections");
                let value = if frame.is_map {
                    let mut pairs: Vec<(Node, Node)> = Vec::with_capacity(frame.items.len() / 2);
                    let mut seen: HashMap<String, Location> = HashMap::new();
                    let mut items = frame.items.into_iter();
                    while let (Some(key), Some(value)) = (items.next(), items.next()) {
                        let Some(text) = key.scalar() else {
                            return Err(error(key.location, "a mapping key must be a plain value"));
                        };
                        if let Some(first) = seen.insert(text.to_owned(), key.location) {
                            return Err(error(
                                key.location,
                                format!("duplicate key {} (first at {first})", key.describe()),
                            ));
                        }
                        pairs.push((key, value));
                    }
                    Value::Map(pairs)
                } else {
                    Value::Seq(frame.items)
                };
                Node { location: frame.location, value }
            }
            _ => continue,
        };
        n_nodes += 1;
        if n_nodes > MAX_NODES {
            return Err(error(node.location, format!("more than {MAX_NODES} values")));
        }
        match stack.last_mut() {
            Some(frame) => frame.items.push(node),
            None => root = Some(node),
        }
    }
    root.ok_or_else(|| error(Location { line: 1, column: 1 }, "the file holds no scenario"))
}
