//! A small element tree read with quick-xml, each element remembering the byte offset where it
//! starts, so that later checks can point at a line and column.

use quick_xml::XmlVersion;
use quick_xml::events::attributes::AttrError;
use quick_xml::events::{BytesStart, Event};
use quick_xml::reader::Reader;

use crate::error::MefErrorKind;

/// A problem and the byte offset where it is.
pub(crate) type XmlError = (usize, Box<MefErrorKind>);

/// The deepest element nesting accepted. Open-PSA models need a handful of levels (root,
/// container, definition, formula, nested formulas); the limit keeps every later recursive
/// walk of the tree well inside the stack.
pub(crate) const MAX_DEPTH: usize = 128;

/// One XML element: its name, attributes in document order, child elements and start offset.
/// Text, comments and processing instructions are dropped.
#[derive(Debug)]
pub(crate) struct Element {
    pub(crate) name: String,
    pub(crate) attributes: Vec<(String, String)>,
    pub(crate) children: Vec<Element>,
    /// Byte offset of the `<` that opens the element.
    pub(crate) offset: usize,
}

impl Element {
    /// The value of attribute `key`, if present.
    pub(crate) fn attribute(&self, key: &str) -> Option<&str> {
        self.attributes.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }
}

/// Parses `text` into its root element. On failure returns the byte offset of the problem and
/// what it is.
pub(crate) fn parse(text: &str) -> Result<Element, XmlError> {
    let mut reader = Reader::from_str(text);
    let config = reader.config_mut();
    config.trim_text(false);
    config.check_end_names = true;
    config.allow_unmatched_ends = false;
    let decoder = reader.decoder();
    let mut stack: Vec<Element> = Vec::new();
    let mut root: Option<Element> = None;
    loop {
        let offset = to_usize(reader.buffer_position());
        let event = reader.read_event().map_err(|error| {
            (
                to_usize(reader.error_position()),
                Box::new(MefErrorKind::Xml { message: error.to_string() }),
            )
        })?;
        let (start, is_empty) = match &event {
            Event::Start(start) => (start, false),
            Event::Empty(start) => (start, true),
            Event::End(_) => {
                let Some(element) = stack.pop() else {
                    let message = "a closing tag without an opening one".to_owned();
                    return Err((offset, Box::new(MefErrorKind::Xml { message })));
                };
                close(element, &mut stack, &mut root);
                continue;
            }
            Event::Eof => break,
            _ => continue,
        };
        if stack.len() >= MAX_DEPTH {
            return Err((offset, Box::new(MefErrorKind::TooDeep { limit: MAX_DEPTH })));
        }
        let element = open(start, offset, decoder)?;
        if stack.is_empty() && root.is_some() {
            let problem = format!("a second root element <{}> follows", element.name);
            return Err((offset, Box::new(MefErrorKind::Root { problem })));
        }
        if is_empty {
            close(element, &mut stack, &mut root);
        } else {
            stack.push(element);
        }
    }
    if let Some(open) = stack.first() {
        let innermost = stack.last().unwrap_or(open);
        let element = innermost.name.clone();
        return Err((innermost.offset, Box::new(MefErrorKind::Unclosed { element })));
    }
    root.ok_or((0, Box::new(MefErrorKind::Root { problem: "no element found".to_owned() })))
}

fn open(
    start: &BytesStart<'_>,
    offset: usize,
    decoder: quick_xml::encoding::Decoder,
) -> Result<Element, XmlError> {
    let xml_error = |message: String| (offset, Box::new(MefErrorKind::Xml { message }));
    let name = String::from_utf8_lossy(start.name().as_ref()).into_owned();
    let mut attributes = Vec::new();
    for attribute in start.attributes() {
        let attribute = attribute.map_err(|error| attribute_error(offset, &error))?;
        let key = String::from_utf8_lossy(attribute.key.as_ref()).into_owned();
        let value = attribute
            .decoded_and_normalized_value(XmlVersion::Implicit1_0, decoder)
            .map_err(|error| xml_error(error.to_string()))?;
        attributes.push((key, value.into_owned()));
    }
    Ok(Element { name, attributes, children: Vec::new(), offset })
}

/// An attribute syntax error, placed where quick-xml found it (its positions count from the
/// byte after the element's `<`).
fn attribute_error(offset: usize, error: &AttrError) -> XmlError {
    let (position, message) = match *error {
        AttrError::ExpectedEq(p) => (p, "an attribute name must be followed by `=`"),
        AttrError::ExpectedValue(p) => (p, "`=` must be followed by a quoted value"),
        AttrError::UnquotedValue(p) => (p, "attribute values must be quoted"),
        AttrError::ExpectedQuote(p, _) => (p, "an attribute value lacks its closing quote"),
        AttrError::Duplicated(p, _) => (p, "an attribute is given twice in one element"),
    };
    (
        offset.saturating_add(1).saturating_add(position),
        Box::new(MefErrorKind::Xml { message: message.to_owned() }),
    )
}

fn close(element: Element, stack: &mut [Element], root: &mut Option<Element>) {
    match stack.last_mut() {
        Some(parent) => parent.children.push(element),
        None => *root = Some(element),
    }
}

fn to_usize(position: u64) -> usize {
    usize::try_from(position).unwrap_or(usize::MAX)
}

/// The 1-based line and character column of byte `offset` in `text` (clamped to the text and
/// to a character boundary).
pub(crate) fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}
