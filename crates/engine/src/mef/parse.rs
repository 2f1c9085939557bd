//! From element trees to definitions: checks each element where it stands (names, attributes,
//! arities) and keeps formulas and expressions as small trees with unresolved names.

use std::collections::HashSet;

use super::xml::Element;
use crate::error::{Location, MefError, MefErrorKind};

/// A place in the input: which file, and the byte offset in it.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Pos {
    pub(crate) file: usize,
    pub(crate) offset: usize,
}

/// The input files, to turn a [`Pos`] into a [`Location`].
pub(crate) struct Files<'a>(pub(crate) &'a [(String, String)]);

impl Files<'_> {
    pub(crate) fn location(&self, pos: Pos) -> Location {
        let (file, text) = &self.0[pos.file];
        let (line, column) = super::xml::line_column(text, pos.offset);
        Location { file: file.clone(), line, column }
    }

    pub(crate) fn error(&self, pos: Pos, kind: MefErrorKind) -> MefError {
        MefError { location: Some(self.location(pos)), kind: Box::new(kind) }
    }
}

/// What a reference element may name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum RefKind {
    Gate,
    BasicEvent,
    HouseEvent,
    /// The untyped `<event name=…>`: any of the three.
    Any,
}

impl RefKind {
    pub(crate) fn element(self) -> &'static str {
        match self {
            RefKind::Gate => "gate",
            RefKind::BasicEvent => "basic-event",
            RefKind::HouseEvent => "house-event",
            RefKind::Any => "event",
        }
    }
}

/// A Boolean connective of the MEF.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Op {
    And,
    Or,
    AtLeast(u32),
    Cardinality(u32, u32),
    Not,
    Xor,
    Nand,
    Nor,
    Iff,
    Imply,
}

/// A formula with names not yet resolved.
#[derive(Debug)]
pub(crate) enum Node {
    Ref { kind: RefKind, name: String, pos: Pos },
    Const(bool),
    Op(Op, Vec<Node>),
}

/// An arithmetic operation of a basic event's expression.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Arith {
    Add,
    Sub,
    Mul,
    Div,
    Neg,
}

/// A numeric expression (a basic event's probability or a parameter's value).
#[derive(Debug)]
pub(crate) enum Value {
    Number(f64),
    Parameter { name: String, pos: Pos },
    MissionTime,
    Exponential(Box<Value>, Box<Value>),
    Arith(Arith, Vec<Value>),
}

/// A definition of one of the event kinds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum EventDef {
    Gate(usize),
    Basic(usize),
    House(usize),
}

/// Everything the files define, in document order.
#[derive(Default)]
pub(crate) struct Defs {
    pub(crate) gates: Vec<(String, Pos, Node)>,
    pub(crate) basics: Vec<(String, Pos, Value)>,
    pub(crate) houses: Vec<(String, Pos, bool)>,
    pub(crate) parameters: Vec<(String, Pos, Value)>,
    /// Every event definition in document order, to report the later of two duplicates.
    pub(crate) events: Vec<EventDef>,
}

const TOP_LEVEL: &str = "<define-fault-tree>, <model-data>, <label> or <attributes>";
const IN_FAULT_TREE: &str = "<define-gate>, <define-basic-event>, <define-house-event>, \
<define-parameter>, <define-component>, <label> or <attributes>";
const IN_MODEL_DATA: &str = "<define-basic-event>, <define-house-event>, <define-parameter>, \
<define-gate>, <label> or <attributes>";
const FORMULAS: &str = "a formula: <and>, <or>, <atleast>, <cardinality>, <not>, <xor>, <nand>, \
<nor>, <iff>, <imply>, <constant>, or a reference <gate>, <basic-event>, <house-event>, <event>";
const VALUES: &str = "an expression: <float>, <int>, <bool>, <parameter>, <system-mission-time>, \
<exponential>, <add>, <sub>, <mul>, <div> or <neg>";
/// Open-PSA MEF top-level and container elements this reader rejects as unsupported.
const UNSUPPORTED_DEFS: &[&str] = &[
    "define-CCF-group",
    "define-event-tree",
    "define-initiating-event",
    "define-sequence",
    "define-rule",
    "define-consequence",
    "define-consequence-group",
    "define-alignment",
    "define-phase",
    "define-substitution",
    "define-extern-library",
    "define-extern-function",
];
/// Open-PSA MEF expressions this reader rejects as unsupported.
const UNSUPPORTED_VALUES: &[&str] = &[
    "GLM",
    "Weibull",
    "periodic-test",
    "uniform-deviate",
    "normal-deviate",
    "lognormal-deviate",
    "gamma-deviate",
    "beta-deviate",
    "histogram",
    "extern-function",
    "abs",
    "exp",
    "log",
    "log10",
    "pow",
    "sqrt",
    "min",
    "max",
    "mean",
    "ite",
    "switch",
    "pi",
    "test-initiating-event",
    "test-functional-event",
];

/// Reads one file's root element into `defs`.
pub(crate) struct FileReader<'a> {
    pub(crate) files: &'a Files<'a>,
    pub(crate) file: usize,
}

impl FileReader<'_> {
    fn pos(&self, element: &Element) -> Pos {
        Pos { file: self.file, offset: element.offset }
    }

    fn error(&self, element: &Element, kind: MefErrorKind) -> MefError {
        self.files.error(self.pos(element), kind)
    }

    fn unexpected(&self, element: &Element, parent: &str, expected: &str) -> MefError {
        if UNSUPPORTED_DEFS.contains(&element.name.as_str()) {
            let supported = "fault trees (<define-fault-tree>, <model-data>)".to_owned();
            return self.error(element, unsupported(element, supported));
        }
        self.error(
            element,
            MefErrorKind::UnexpectedElement {
                element: element.name.clone(),
                parent: parent.to_owned(),
                expected: expected.to_owned(),
            },
        )
    }

    /// The trimmed `name` attribute, which must be present and not blank.
    fn name(&self, element: &Element) -> Result<String, MefError> {
        let value = self.required(element, "name")?;
        let name = value.trim();
        if name.is_empty() {
            return Err(self.invalid(element, "name", value, "a non-empty name"));
        }
        Ok(name.to_owned())
    }

    fn required<'e>(&self, element: &'e Element, attribute: &str) -> Result<&'e str, MefError> {
        element.attribute(attribute).ok_or_else(|| {
            self.error(
                element,
                MefErrorKind::MissingAttribute {
                    element: element.name.clone(),
                    attribute: attribute.to_owned(),
                },
            )
        })
    }

    fn invalid(&self, element: &Element, attribute: &str, value: &str, expected: &str) -> MefError {
        self.error(
            element,
            MefErrorKind::InvalidAttribute {
                element: element.name.clone(),
                attribute: attribute.to_owned(),
                value: value.to_owned(),
                expected: expected.to_owned(),
            },
        )
    }

    fn boolean(&self, element: &Element) -> Result<bool, MefError> {
        let value = self.required(element, "value")?;
        match value.trim() {
            "true" => Ok(true),
            "false" => Ok(false),
            _ => Err(self.invalid(element, "value", value, "true or false")),
        }
    }

    /// Reads the root element of the file.
    pub(crate) fn root(&self, root: &Element, defs: &mut Defs) -> Result<(), MefError> {
        if root.name != "opsa-mef" {
            let problem = format!("the root element is <{}>", root.name);
            return Err(self.error(root, MefErrorKind::Root { problem }));
        }
        for child in &root.children {
            match child.name.as_str() {
                "define-fault-tree" => self.container(child, defs)?,
                "model-data" => self.model_data(child, defs)?,
                "label" | "attributes" => {}
                _ => return Err(self.unexpected(child, &root.name, TOP_LEVEL)),
            }
        }
        Ok(())
    }

    /// A fault tree or a component: definitions and nested components.
    fn container(&self, container: &Element, defs: &mut Defs) -> Result<(), MefError> {
        self.name(container)?;
        for child in &container.children {
            match child.name.as_str() {
                "define-gate" => self.gate(child, defs)?,
                "define-basic-event" => self.basic_event(child, defs)?,
                "define-house-event" => self.house_event(child, defs)?,
                "define-parameter" => self.parameter(child, defs)?,
                "define-component" => self.container(child, defs)?,
                "label" | "attributes" => {}
                _ => return Err(self.unexpected(child, &container.name, IN_FAULT_TREE)),
            }
        }
        Ok(())
    }

    fn model_data(&self, data: &Element, defs: &mut Defs) -> Result<(), MefError> {
        for child in &data.children {
            match child.name.as_str() {
                "define-gate" => self.gate(child, defs)?,
                "define-basic-event" => self.basic_event(child, defs)?,
                "define-house-event" => self.house_event(child, defs)?,
                "define-parameter" => self.parameter(child, defs)?,
                "label" | "attributes" => {}
                _ => return Err(self.unexpected(child, &data.name, IN_MODEL_DATA)),
            }
        }
        Ok(())
    }

    /// The children of a definition other than its label and attributes.
    fn body<'e>(
        &self,
        definition: &'e Element,
        what: &str,
        name: &str,
        needs: &str,
        allow_none: bool,
    ) -> Result<Option<&'e Element>, MefError> {
        let body: Vec<&Element> = definition
            .children
            .iter()
            .filter(|child| !matches!(child.name.as_str(), "label" | "attributes"))
            .collect();
        match body[..] {
            [] if allow_none => Ok(None),
            [one] => Ok(Some(one)),
            _ => Err(self.error(
                definition,
                MefErrorKind::Body {
                    what: what.to_owned(),
                    name: name.to_owned(),
                    found: body.len(),
                    needs: needs.to_owned(),
                },
            )),
        }
    }

    fn gate(&self, definition: &Element, defs: &mut Defs) -> Result<(), MefError> {
        let name = self.name(definition)?;
        let body = self.body(definition, "gate", &name, "formula", false)?;
        let formula = self.formula(body.expect("a body is required"), &definition.name)?;
        defs.events.push(EventDef::Gate(defs.gates.len()));
        defs.gates.push((name, self.pos(definition), formula));
        Ok(())
    }

    fn basic_event(&self, definition: &Element, defs: &mut Defs) -> Result<(), MefError> {
        let name = self.name(definition)?;
        let body = self.body(definition, "basic event", &name, "expression", false)?;
        let value = self.value(body.expect("a body is required"), &definition.name)?;
        defs.events.push(EventDef::Basic(defs.basics.len()));
        defs.basics.push((name, self.pos(definition), value));
        Ok(())
    }

    fn house_event(&self, definition: &Element, defs: &mut Defs) -> Result<(), MefError> {
        let name = self.name(definition)?;
        let value = match self.body(definition, "house event", &name, "expression", true)? {
            None => false,
            Some(constant) if matches!(constant.name.as_str(), "constant" | "bool") => {
                self.boolean(constant)?
            }
            Some(other) => {
                return Err(self.unexpected(
                    other,
                    &definition.name,
                    "<constant value=\"true|false\">",
                ));
            }
        };
        defs.events.push(EventDef::House(defs.houses.len()));
        defs.houses.push((name, self.pos(definition), value));
        Ok(())
    }

    fn parameter(&self, definition: &Element, defs: &mut Defs) -> Result<(), MefError> {
        let name = self.name(definition)?;
        let body = self.body(definition, "parameter", &name, "expression", false)?;
        let value = self.value(body.expect("a body is required"), &definition.name)?;
        defs.parameters.push((name, self.pos(definition), value));
        Ok(())
    }

    fn arity(&self, element: &Element, found: usize, expected: &str) -> MefError {
        self.error(
            element,
            MefErrorKind::Arity {
                connective: element.name.clone(),
                found,
                expected: expected.to_owned(),
            },
        )
    }

    /// A formula element: a connective, a constant or a reference.
    fn formula(&self, element: &Element, parent: &str) -> Result<Node, MefError> {
        let kind = match element.name.as_str() {
            "gate" => Some(RefKind::Gate),
            "basic-event" => Some(RefKind::BasicEvent),
            "house-event" => Some(RefKind::HouseEvent),
            "event" => Some(match element.attribute("type").map(str::trim) {
                None => RefKind::Any,
                Some("gate") => RefKind::Gate,
                Some("basic-event") => RefKind::BasicEvent,
                Some("house-event") => RefKind::HouseEvent,
                Some(other) => {
                    return Err(self.invalid(
                        element,
                        "type",
                        other,
                        "gate, basic-event or house-event",
                    ));
                }
            }),
            _ => None,
        };
        if let Some(kind) = kind {
            let name = self.name(element)?;
            return Ok(Node::Ref { kind, name, pos: self.pos(element) });
        }
        let n = element.children.len();
        let op = match element.name.as_str() {
            "constant" => return Ok(Node::Const(self.boolean(element)?)),
            "and" => Op::And,
            "or" => Op::Or,
            "not" => Op::Not,
            "xor" => Op::Xor,
            "nand" => Op::Nand,
            "nor" => Op::Nor,
            "iff" => Op::Iff,
            "imply" => Op::Imply,
            "atleast" => {
                let value = self.required(element, "min")?;
                match value.trim().parse::<u32>() {
                    Ok(k) if k >= 1 && (k as usize) <= n => Op::AtLeast(k),
                    _ => {
                        let expected = format!(
                            "an integer from 1 to {n}, the number of arguments of this <atleast>"
                        );
                        return Err(self.invalid(element, "min", value, &expected));
                    }
                }
            }
            "cardinality" => {
                let mut bounds = [0_u32; 2];
                for (bound, attribute) in bounds.iter_mut().zip(["min", "max"]) {
                    let value = self.required(element, attribute)?;
                    *bound = match value.trim().parse::<u32>() {
                        Ok(b) if (b as usize) <= n => b,
                        _ => {
                            let expected =
                                format!("an integer from 0 to {n}, the number of arguments");
                            return Err(self.invalid(element, attribute, value, &expected));
                        }
                    };
                }
                if bounds[0] > bounds[1] {
                    let value = bounds[0].to_string();
                    let expected = format!("at most max = {}", bounds[1]);
                    return Err(self.invalid(element, "min", &value, &expected));
                }
                Op::Cardinality(bounds[0], bounds[1])
            }
            _ => return Err(self.unexpected(element, parent, FORMULAS)),
        };
        let expected = match op {
            Op::Not => (n != 1).then_some("exactly 1"),
            Op::Iff | Op::Imply => (n != 2).then_some("exactly 2"),
            Op::Xor => (n < 2).then_some("at least 2"),
            _ => (n < 1).then_some("at least 1"),
        };
        if let Some(expected) = expected {
            return Err(self.arity(element, n, expected));
        }
        let mut seen = HashSet::new();
        let mut args = Vec::with_capacity(n);
        for child in &element.children {
            let arg = self.formula(child, &element.name)?;
            if let Node::Ref { name, .. } = &arg {
                if !seen.insert(name.clone()) {
                    let kind = MefErrorKind::DuplicateArgument {
                        connective: element.name.clone(),
                        name: name.clone(),
                    };
                    return Err(self.error(child, kind));
                }
            }
            args.push(arg);
        }
        Ok(Node::Op(op, args))
    }

    fn number(&self, element: &Element) -> Result<f64, MefError> {
        let value = self.required(element, "value")?;
        let parsed = match element.name.as_str() {
            "int" => value.trim().parse::<i64>().ok().map(|i| i as f64),
            "bool" => match value.trim() {
                "true" => Some(1.0),
                "false" => Some(0.0),
                _ => None,
            },
            _ => value.trim().parse::<f64>().ok().filter(|v| v.is_finite()),
        };
        parsed.ok_or_else(|| {
            let expected = match element.name.as_str() {
                "int" => "an integer",
                "bool" => "true or false",
                _ => "a finite number",
            };
            self.invalid(element, "value", value, expected)
        })
    }

    /// A numeric expression element.
    fn value(&self, element: &Element, parent: &str) -> Result<Value, MefError> {
        let n = element.children.len();
        let arith = match element.name.as_str() {
            "float" | "int" | "bool" => return Ok(Value::Number(self.number(element)?)),
            "parameter" => {
                let name = self.name(element)?;
                return Ok(Value::Parameter { name, pos: self.pos(element) });
            }
            "system-mission-time" => return Ok(Value::MissionTime),
            "exponential" => {
                let [lambda, time] = &element.children[..] else {
                    return Err(self.arity(element, n, "exactly 2 (rate, time)"));
                };
                let lambda = self.value(lambda, &element.name)?;
                let time = self.value(time, &element.name)?;
                return Ok(Value::Exponential(Box::new(lambda), Box::new(time)));
            }
            "add" => Arith::Add,
            "sub" => Arith::Sub,
            "mul" => Arith::Mul,
            "div" => Arith::Div,
            "neg" => Arith::Neg,
            name if UNSUPPORTED_VALUES.contains(&name) => {
                return Err(self.error(element, unsupported(element, VALUES.to_owned())));
            }
            _ => return Err(self.unexpected(element, parent, VALUES)),
        };
        match (arith, n) {
            (Arith::Neg, 1) => {}
            (Arith::Neg, _) => return Err(self.arity(element, n, "exactly 1")),
            (_, 0) => return Err(self.arity(element, n, "at least 1")),
            _ => {}
        }
        let args = element
            .children
            .iter()
            .map(|child| self.value(child, &element.name))
            .collect::<Result<_, _>>()?;
        Ok(Value::Arith(arith, args))
    }
}

fn unsupported(element: &Element, supported: String) -> MefErrorKind {
    MefErrorKind::Unsupported { element: element.name.clone(), supported }
}
