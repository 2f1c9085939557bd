//! A located YAML tree: the parser's events folded into a compact arena of nodes that remember
//! their line and column, with the limits (size, depth, alias expansion, one document) that keep
//! hostile input harmless.

use std::collections::HashMap;

use saphyr_parser::{Event, Parser, ScalarStyle, ScanError, Span};

use crate::diagnostic::{Diagnostic, Diagnostics, Location};

/// Deeper nesting than this is refused; a valid model needs about eight levels.
pub(crate) const MAX_DEPTH: usize = 64;

/// Aliases may stand for at most this many nodes in all (each alias counting the nodes it
/// expands to), or as many as the file writes out, so that reading the tree stays linear.
const MAX_ALIAS_NODES: usize = 1_000_000;

/// At most this many nodes are read (a million-component model has about 21 million); the arena
/// then holds at most about a gigabyte.
const MAX_NODES: usize = 50_000_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    PlainScalar,
    QuotedScalar,
    Seq,
    Map,
}

/// One node of the arena: a scalar's text is `texts[start..start + len]`, a collection's children
/// are `children[start..start + len]` (keys and values alternating for a mapping).
#[derive(Clone, Copy, Debug)]
struct NodeRecord {
    location: Location,
    kind: Kind,
    start: u32,
    len: u32,
}

/// The whole document; nodes refer to each other by index, and an alias is the anchored node
/// itself, shared.
#[derive(Debug, Default)]
pub struct Tree {
    nodes: Vec<NodeRecord>,
    children: Vec<u32>,
    texts: String,
    root: u32,
}

/// A node of a [`Tree`], cheap to copy.
#[derive(Clone, Copy, Debug)]
pub struct Node<'t> {
    tree: &'t Tree,
    index: u32,
}

/// What a node holds.
#[derive(Clone, Copy, Debug)]
pub enum Value<'t> {
    /// A scalar; `plain` is false for quoted and block scalars, which are always strings.
    Scalar {
        /// The scalar's text, unescaped.
        text: &'t str,
        /// False for quoted and block scalars.
        plain: bool,
    },
    /// A sequence.
    Seq(Items<'t>),
    /// A mapping.
    Map(Entries<'t>),
}

/// The items of a sequence.
#[derive(Clone, Copy, Debug)]
pub struct Items<'t> {
    tree: &'t Tree,
    indices: &'t [u32],
}

/// The entries of a mapping.
#[derive(Clone, Copy, Debug)]
pub struct Entries<'t> {
    tree: &'t Tree,
    indices: &'t [u32],
}

/// One `key: value` pair of a mapping; keys are always scalars.
#[derive(Clone, Copy, Debug)]
pub struct Entry<'t> {
    /// The key's text.
    pub key: &'t str,
    /// Where the key is written.
    pub key_location: Location,
    /// The value.
    pub value: Node<'t>,
}

impl<'t> Items<'t> {
    /// True for `[]`.
    pub fn is_empty(self) -> bool {
        self.indices.is_empty()
    }

    /// The items in order.
    pub fn iter(self) -> impl ExactSizeIterator<Item = Node<'t>> + 't {
        self.indices.iter().map(move |&index| Node { tree: self.tree, index })
    }
}

impl<'t> Entries<'t> {
    /// True for `{}`.
    pub fn is_empty(self) -> bool {
        self.indices.is_empty()
    }

    /// The number of entries.
    pub fn len(self) -> usize {
        self.indices.len() / 2
    }

    /// The entries in order.
    pub fn iter(self) -> impl ExactSizeIterator<Item = Entry<'t>> + 't {
        self.indices.chunks_exact(2).map(move |pair| {
            let key = Node { tree: self.tree, index: pair[0] };
            let Value::Scalar { text, .. } = key.value() else {
                unreachable!("the builder keeps only scalar keys")
            };
            Entry {
                key: text,
                key_location: key.location(),
                value: Node { tree: self.tree, index: pair[1] },
            }
        })
    }

    /// The value of the first entry with this key.
    pub fn get(self, key: &str) -> Option<Entry<'t>> {
        self.iter().find(|entry| entry.key == key)
    }
}

impl<'t> Node<'t> {
    fn record(self) -> NodeRecord {
        self.tree.nodes[self.index as usize]
    }

    /// Where the node starts.
    pub fn location(self) -> Location {
        self.record().location
    }

    /// What the node holds.
    pub fn value(self) -> Value<'t> {
        let record = self.record();
        let range = record.start as usize..(record.start + record.len) as usize;
        match record.kind {
            Kind::PlainScalar => Value::Scalar { text: &self.tree.texts[range], plain: true },
            Kind::QuotedScalar => Value::Scalar { text: &self.tree.texts[range], plain: false },
            Kind::Seq => Value::Seq(Items { tree: self.tree, indices: &self.tree.children[range] }),
            Kind::Map => {
                Value::Map(Entries { tree: self.tree, indices: &self.tree.children[range] })
            }
        }
    }

    /// A short description of the node's type for messages: "a mapping", "a list", "`foo`".
    pub fn describe(self) -> String {
        match self.value() {
            Value::Scalar { text, .. } => describe_scalar(text),
            Value::Seq(_) => "a list".to_owned(),
            Value::Map(_) => "a mapping".to_owned(),
        }
    }

    /// An empty mapping, standing for a null value where a mapping is expected.
    pub fn no_entries(self) -> Entries<'t> {
        Entries { tree: self.tree, indices: &[] }
    }

    /// True for `~`, `null` and an empty plain value.
    pub fn is_null(self) -> bool {
        matches!(
            self.value(),
            Value::Scalar { text: "" | "~" | "null" | "Null" | "NULL", plain: true }
        )
    }
}

impl Tree {
    /// The text of the scalar node at `index`.
    fn text(&self, index: u32) -> &str {
        let record = self.nodes[index as usize];
        let start = record.start as usize;
        &self.texts[start..start + record.len as usize]
    }

    /// The root node.
    pub fn root(&self) -> Node<'_> {
        Node { tree: self, index: self.root }
    }
}

fn describe_scalar(text: &str) -> String {
    if text.is_empty() {
        return "an empty value".to_owned();
    }
    let short: String = text.chars().take(40).collect();
    let ellipsis = if short.len() < text.len() { "…" } else { "" };
    format!("`{short}{ellipsis}`")
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

/// Where a mapping is between a key and its value.
#[derive(Clone, Copy)]
enum Key {
    /// The next node is a key.
    Expected,
    /// The next node is the value of the key node with this index.
    Have(u32),
    /// The next node is the value of a key that was refused; it is dropped.
    Refused,
}

/// A collection being read.
struct Frame {
    index: u32,
    anchor: usize,
    first_node: usize,
    height: usize,
    key: Key,
    children: Vec<u32>,
}

/// Folds parser events into the arena; problems that do not stop the fold (a duplicate key, a
/// non-scalar key) are pushed to `diagnostics`, problems that do are returned as the error.
struct Builder {
    tree: Tree,
    stack: Vec<Frame>,
    spare: Vec<Vec<u32>>,
    /// Each anchored node with its size in nodes and its height in collections.
    anchors: HashMap<usize, (u32, usize, usize)>,
    /// Nodes in the tree so far, alias expansions included, so that the size of an anchored node
    /// is the difference between this count at its end and at its start.
    n_nodes: usize,
    /// Nodes copied by aliases.
    n_copied: usize,
    diagnostics: Diagnostics,
}

impl Builder {
    fn add(&mut self, record: NodeRecord) -> Result<u32, Diagnostic> {
        if self.tree.nodes.len() >= MAX_NODES {
            return Err(Diagnostic::error(record.location, format!("the file holds more than {MAX_NODES} YAML values"))
                .with_help("that is far more than a model of a million components needs; is this the right file?"));
        }
        self.tree.nodes.push(record);
        Ok((self.tree.nodes.len() - 1) as u32)
    }

    fn open(&mut self, kind: Kind, anchor: usize, location: Location) -> Result<(), Diagnostic> {
        if self.stack.len() >= MAX_DEPTH {
            return Err(Diagnostic::error(
                location,
                format!("the YAML is nested deeper than {MAX_DEPTH} levels"),
            )
            .with_help("a model needs only a few levels: provider, region, zones"));
        }
        if self.stack.is_empty() && kind != Kind::Map {
            return Err(Diagnostic::error(location, "a model must be a mapping, found a list")
                .with_help("a model starts with `version: 1` and `name: …`"));
        }
        let index = self.add(NodeRecord { location, kind, start: 0, len: 0 })?;
        let children = self.spare.pop().unwrap_or_default();
        self.stack.push(Frame {
            index,
            anchor,
            first_node: self.n_nodes,
            height: 0,
            key: Key::Expected,
            children,
        });
        Ok(())
    }

    /// Records a finished node (anchoring it if asked) and hands it to its parent.
    fn finish(
        &mut self,
        index: u32,
        anchor: usize,
        first_node: usize,
        height: usize,
    ) -> Result<(), Diagnostic> {
        self.n_nodes += 1;
        if anchor != 0 {
            self.anchors.insert(anchor, (index, self.n_nodes - first_node, height));
        }
        self.push(index, height);
        Ok(())
    }

    fn push(&mut self, index: u32, height: usize) {
        let Some(frame) = self.stack.last_mut() else {
            self.tree.root = index;
            return;
        };
        frame.height = frame.height.max(height + 1);
        let record = self.tree.nodes[index as usize];
        if self.tree.nodes[frame.index as usize].kind == Kind::Seq {
            frame.children.push(index);
            return;
        }
        match std::mem::replace(&mut frame.key, Key::Expected) {
            Key::Have(key) => frame.children.extend([key, index]),
            Key::Refused => {}
            Key::Expected if matches!(record.kind, Kind::PlainScalar | Kind::QuotedScalar) => {
                frame.key = Key::Have(index)
            }
            Key::Expected => {
                frame.key = Key::Refused;
                let found = Node { tree: &self.tree, index }.describe();
                self.diagnostics.push(
                    Diagnostic::error(record.location, format!("{found} cannot be a mapping key"))
                        .with_help("keys are plain names such as `depends_on` or `us-east-1`"),
                );
            }
        }
    }

    fn close(&mut self, location: Location) -> Result<(), Diagnostic> {
        let Some(mut frame) = self.stack.pop() else {
            return Err(Diagnostic::error(
                location,
                "malformed YAML: unbalanced end of a collection",
            ));
        };
        if self.tree.nodes[frame.index as usize].kind == Kind::Map {
            self.drop_duplicate_keys(&mut frame.children);
        }
        let start = self.tree.children.len() as u32;
        self.tree.children.extend_from_slice(&frame.children);
        let record = &mut self.tree.nodes[frame.index as usize];
        record.start = start;
        record.len = frame.children.len() as u32;
        frame.children.clear();
        self.spare.push(frame.children);
        self.finish(frame.index, frame.anchor, frame.first_node, frame.height)
    }

    fn event(&mut self, event: Event<'_>, span: &Span) -> Result<(), Diagnostic> {
        let here = location(span);
        match event {
            Event::Scalar(text, style, anchor, _tag) => {
                if self.stack.is_empty() {
                    return Err(Diagnostic::error(
                        here,
                        format!("a model must be a mapping, found {}", describe_scalar(&text)),
                    )
                    .with_help("a model starts with `version: 1` and `name: …`"));
                }
                let kind = if style == ScalarStyle::Plain {
                    Kind::PlainScalar
                } else {
                    Kind::QuotedScalar
                };
                let start = self.tree.texts.len() as u32;
                self.tree.texts.push_str(&text);
                let index =
                    self.add(NodeRecord { location: here, kind, start, len: text.len() as u32 })?;
                let first_node = self.n_nodes;
                self.finish(index, anchor, first_node, 0)?;
            }
            Event::SequenceStart(anchor, _tag) => self.open(Kind::Seq, anchor, here)?,
            Event::MappingStart(anchor, _tag) => self.open(Kind::Map, anchor, here)?,
            Event::SequenceEnd | Event::MappingEnd => self.close(here)?,
            Event::Alias(anchor) => {
                let Some(&(index, size, height)) = self.anchors.get(&anchor) else {
                    return Err(Diagnostic::error(here, "alias to an unknown anchor"));
                };
                if self.stack.len() + height > MAX_DEPTH {
                    return Err(Diagnostic::error(
                        here,
                        format!("the YAML is nested deeper than {MAX_DEPTH} levels once aliases are expanded"),
                    )
                    .with_help("a model needs only a few levels: provider, region, zones"));
                }
                self.n_copied += size;
                if self.n_copied > MAX_ALIAS_NODES.max(self.tree.nodes.len()) {
                    return Err(Diagnostic::error(here, "YAML aliases expand to too many nodes").with_help(
                        "aliases may copy at most a million nodes, or as many as the file writes out; write the repeated parts out",
                    ));
                }
                self.n_nodes += size;
                self.push(index, height);
            }
            Event::Nothing
            | Event::StreamStart
            | Event::StreamEnd
            | Event::DocumentStart(_)
            | Event::DocumentEnd => {}
        }
        Ok(())
    }

    /// Keeps the first of each repeated key in `children` (key, value pairs) and reports the others.
    fn drop_duplicate_keys(&mut self, children: &mut Vec<u32>) {
        let n_entries = children.len() / 2;
        let mut duplicate = vec![false; n_entries];
        if n_entries <= 16 {
            for i in 0..n_entries {
                for j in 0..i {
                    if !duplicate[j]
                        && self.tree.text(children[2 * i]) == self.tree.text(children[2 * j])
                    {
                        duplicate[i] = true;
                        self.report_duplicate(children[2 * i], children[2 * j]);
                        break;
                    }
                }
            }
        } else {
            let mut first_seen: HashMap<&str, u32> = HashMap::with_capacity(n_entries);
            for i in 0..n_entries {
                let record = self.tree.nodes[children[2 * i] as usize];
                let start = record.start as usize;
                let key = &self.tree.texts[start..start + record.len as usize];
                match first_seen.get(key) {
                    Some(&first) => {
                        duplicate[i] = true;
                        let location = self.tree.nodes[first as usize].location;
                        self.diagnostics.push(Diagnostic::error(
                            record.location,
                            format!("duplicate key `{key}`; it is first defined at {location}"),
                        ));
                    }
                    None => {
                        first_seen.insert(key, children[2 * i]);
                    }
                }
            }
        }
        if duplicate.iter().any(|&d| d) {
            let mut kept = Vec::with_capacity(children.len());
            for (i, pair) in children.chunks_exact(2).enumerate() {
                if !duplicate[i] {
                    kept.extend_from_slice(pair);
                }
            }
            *children = kept;
        }
    }

    fn report_duplicate(&mut self, duplicate: u32, first: u32) {
        let record = self.tree.nodes[duplicate as usize];
        let start = record.start as usize;
        let key = &self.tree.texts[start..start + record.len as usize];
        let first = self.tree.nodes[first as usize].location;
        self.diagnostics.push(Diagnostic::error(
            record.location,
            format!("duplicate key `{key}`; it is first defined at {first}"),
        ));
    }
}

/// Parses one YAML document (a catalogue or scenario file, which share the model's YAML
/// reader and its limits) into a located tree, or every problem found. Linear in the size of
/// the text.
///
/// # Errors
/// The located problems when the text is not one well-formed YAML document.
pub fn parse_document(text: &str) -> Result<Tree, Vec<Diagnostic>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let (tree, diagnostics) = parse(text);
    match tree {
        Some(tree) if !diagnostics.has_error() => Ok(tree),
        _ => {
            let mut diagnostics = diagnostics.into_sorted(crate::MAX_DIAGNOSTICS);
            if diagnostics.is_empty() {
                diagnostics
                    .push(Diagnostic::error(Location { line: 1, column: 1 }, "the file is empty"));
            }
            Err(diagnostics)
        }
    }
}

/// Parses one YAML document into a located tree. Returns the tree (if the YAML is well formed)
/// and the problems found; a malformed document yields no tree. Linear in the size of the text.
pub(crate) fn parse(text: &str) -> (Option<Tree>, Diagnostics) {
    let mut builder = Builder {
        tree: Tree { texts: String::with_capacity(text.len() / 2), ..Tree::default() },
        stack: Vec::new(),
        spare: Vec::new(),
        anchors: HashMap::new(),
        n_nodes: 0,
        n_copied: 0,
        diagnostics: Diagnostics::default(),
    };
    let mut parser = Parser::new_from_str(text);
    let mut n_documents = 0;
    let mut has_root = false;
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
        has_root |=
            matches!(event, Event::MappingStart(..) | Event::SequenceStart(..) | Event::Scalar(..));
        if let Err(diagnostic) = builder.event(event, &span) {
            builder.diagnostics.push(diagnostic);
            return (None, builder.diagnostics);
        }
    }
    (has_root.then_some(builder.tree), builder.diagnostics)
}
