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
    /// A reference made inside container `scope` (an index into [`Defs::scopes`]).
    Ref {
        kind: RefKind,
        name: String,
        pos: Pos,
        scope: u32,
    },
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

/// A built-in function of the MEF's expression language, evaluated to its point value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Func {
    /// `exponential(λ, t)` = 1 − e^(−λt).
    Exponential,
    /// `GLM(γ, λ, μ, t)` = (λ − (λ − γ(λ+μ)) e^(−(λ+μ)t)) / (λ+μ).
    Glm,
    /// `Weibull(α, β, t0, t)` = 1 − e^(−((t − t0)/α)^β), 0 before t0.
    Weibull,
    /// `periodic-test(λ, τ, θ, t)`: tested (and repaired at once) every τ from θ on.
    PeriodicTest,
    /// Deviates stand for their mean (the point value SCRAM and XFTA use).
    UniformDeviate,
    NormalDeviate,
    LognormalDeviate,
    GammaDeviate,
    BetaDeviate,
    Exp,
    Log,
    Log10,
    Sqrt,
    Abs,
    Pow,
    Min,
    Max,
    Mean,
}

impl Func {
    fn from_element(name: &str) -> Option<Func> {
        Some(match name {
            "exponential" => Func::Exponential,
            "GLM" => Func::Glm,
            "Weibull" => Func::Weibull,
            "periodic-test" => Func::PeriodicTest,
            "uniform-deviate" => Func::UniformDeviate,
            "normal-deviate" => Func::NormalDeviate,
            "lognormal-deviate" => Func::LognormalDeviate,
            "gamma-deviate" => Func::GammaDeviate,
            "beta-deviate" => Func::BetaDeviate,
            "exp" => Func::Exp,
            "log" => Func::Log,
            "log10" => Func::Log10,
            "sqrt" => Func::Sqrt,
            "abs" => Func::Abs,
            "pow" => Func::Pow,
            "min" => Func::Min,
            "max" => Func::Max,
            "mean" => Func::Mean,
            _ => return None,
        })
    }

    /// Whether `n` arguments fit, and if not what would.
    fn check_arity(self, n: usize) -> Result<(), &'static str> {
        let ok = match self {
            Func::Exponential => n == 2,
            Func::Glm | Func::Weibull => n == 4,
            // The 5- and 11-argument forms (repair time, test duration…) are not supported.
            Func::PeriodicTest => n == 4,
            Func::LognormalDeviate => n == 2 || n == 3,
            Func::UniformDeviate
            | Func::NormalDeviate
            | Func::GammaDeviate
            | Func::BetaDeviate
            | Func::Pow => n == 2,
            Func::Exp | Func::Log | Func::Log10 | Func::Sqrt | Func::Abs => n == 1,
            Func::Min | Func::Max | Func::Mean => n >= 1,
        };
        if ok {
            return Ok(());
        }
        Err(match self {
            Func::Exponential => "exactly 2 (rate, time)",
            Func::Glm => "exactly 4 (gamma, lambda, mu, time)",
            Func::Weibull => "exactly 4 (alpha, beta, t0, time)",
            Func::PeriodicTest => {
                "exactly 4 (lambda, tau, theta, time); the 5- and 11-argument forms are not supported"
            }
            Func::LognormalDeviate => "2 (mu, sigma) or 3 (mean, error factor, level)",
            Func::UniformDeviate => "exactly 2 (min, max)",
            Func::NormalDeviate => "exactly 2 (mean, sigma)",
            Func::GammaDeviate => "exactly 2 (k, theta)",
            Func::BetaDeviate => "exactly 2 (alpha, beta)",
            Func::Pow => "exactly 2 (base, exponent)",
            Func::Exp | Func::Log | Func::Log10 | Func::Sqrt | Func::Abs => "exactly 1",
            Func::Min | Func::Max | Func::Mean => "at least 1",
        })
    }
}

/// A numeric expression (a basic event's probability or a parameter's value).
#[derive(Clone, Debug)]
pub(crate) enum Value {
    Number(f64),
    /// A parameter named inside container `scope` (an index into [`Defs::scopes`]).
    Parameter {
        name: String,
        pos: Pos,
        scope: u32,
    },
    MissionTime,
    Call(Func, Vec<Value>),
    Arith(Arith, Vec<Value>),
}

/// A definition of one of the event kinds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum EventDef {
    Gate(usize),
    Basic(usize),
    House(usize),
}

/// Everything the files define, in document order. A public definition is named by its own
/// name; a private one (`role="private"`, or inside a private container) by its path,
/// `fault-tree.component….name`.
pub(crate) struct Defs {
    /// The paths of the containers references are made in; 0 is the global scope
    /// (`model-data`).
    pub(crate) scopes: Vec<String>,
    /// Whether any definition is private (only then are references looked up by path).
    pub(crate) any_private: bool,
    pub(crate) gates: Vec<(String, Pos, Node)>,
    pub(crate) basics: Vec<(String, Pos, Value)>,
    pub(crate) houses: Vec<(String, Pos, bool)>,
    pub(crate) parameters: Vec<(String, Pos, Value)>,
    /// Every event definition in document order, to report the later of two duplicates.
    pub(crate) events: Vec<EventDef>,
    /// The gates standing for members of common-cause groups (a `<basic-event>` reference may
    /// name them).
    pub(crate) ccf_members: HashSet<usize>,
}

impl Default for Defs {
    fn default() -> Defs {
        Defs {
            scopes: vec![String::new()],
            any_private: false,
            gates: Vec::new(),
            basics: Vec::new(),
            houses: Vec::new(),
            parameters: Vec::new(),
            events: Vec::new(),
            ccf_members: HashSet::new(),
        }
    }
}

/// Where a definition stands: its container's scope and whether definitions there are
/// private by default.
#[derive(Clone, Copy)]
struct Container {
    scope: u32,
    private: bool,
}

impl Container {
    const GLOBAL: Container = Container { scope: 0, private: false };
}

const TOP_LEVEL: &str =
    "<define-fault-tree>, <model-data>, <define-CCF-group>, <label> or <attributes>";
const IN_FAULT_TREE: &str = "<define-gate>, <define-basic-event>, <define-house-event>, \
<define-parameter>, <define-CCF-group>, <define-component>, <label> or <attributes>";
const IN_MODEL_DATA: &str = "<define-basic-event>, <define-house-event>, <define-parameter>, \
<define-gate>, <label> or <attributes>";
const FORMULAS: &str = "a formula: <and>, <or>, <atleast>, <cardinality>, <not>, <xor>, <nand>, \
<nor>, <iff>, <imply>, <constant>, or a reference <gate>, <basic-event>, <house-event>, <event>";
const VALUES: &str = "an expression: <float>, <int>, <bool>, <pi>, <parameter>, \
<system-mission-time>, <exponential>, <GLM>, <Weibull>, <periodic-test>, a deviate (<uniform-deviate>, \
<normal-deviate>, <lognormal-deviate>, <gamma-deviate>, <beta-deviate>: its mean), <exp>, <log>, \
<log10>, <sqrt>, <abs>, <pow>, <min>, <max>, <mean>, <add>, <sub>, <mul>, <div> or <neg>";
/// Open-PSA MEF top-level and container elements this reader rejects as unsupported.
const UNSUPPORTED_DEFS: &[&str] = &[
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
    "histogram",
    "extern-function",
    "ite",
    "switch",
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
                "define-fault-tree" => self.container(child, defs, None)?,
                "model-data" => self.model_data(child, defs)?,
                "define-CCF-group" => self.ccf_group(child, defs, Container::GLOBAL)?,
                "label" | "attributes" => {}
                _ => return Err(self.unexpected(child, &root.name, TOP_LEVEL)),
            }
        }
        Ok(())
    }

    /// A definition's role: its own `role` attribute, else its container's.
    fn private(&self, element: &Element, container: Container) -> Result<bool, MefError> {
        match element.attribute("role").map(str::trim) {
            None => Ok(container.private),
            Some("private") => Ok(true),
            Some("public") => Ok(false),
            Some(other) => Err(self.invalid(element, "role", other, "private or public")),
        }
    }

    /// The name a definition is known by: its own if public, its path if private.
    fn defined_name(
        &self,
        element: &Element,
        container: Container,
        defs: &mut Defs,
    ) -> Result<String, MefError> {
        let name = self.name(element)?;
        if !self.private(element, container)? {
            return Ok(name);
        }
        defs.any_private = true;
        Ok(format!("{}.{name}", defs.scopes[container.scope as usize]))
    }

    /// A fault tree (`parent` None) or a component: definitions and nested components.
    fn container(
        &self,
        element: &Element,
        defs: &mut Defs,
        parent: Option<Container>,
    ) -> Result<(), MefError> {
        let name = self.name(element)?;
        let private = self.private(element, parent.unwrap_or(Container::GLOBAL))?;
        let path = match parent {
            None => name,
            Some(parent) => format!("{}.{name}", defs.scopes[parent.scope as usize]),
        };
        let scope = u32::try_from(defs.scopes.len()).unwrap_or(u32::MAX);
        defs.scopes.push(path);
        let here = Container { scope, private };
        for child in &element.children {
            match child.name.as_str() {
                "define-gate" => self.gate(child, defs, here)?,
                "define-basic-event" => self.basic_event(child, defs, here)?,
                "define-house-event" => self.house_event(child, defs, here)?,
                "define-parameter" => self.parameter(child, defs, here)?,
                "define-component" => self.container(child, defs, Some(here))?,
                "define-CCF-group" => self.ccf_group(child, defs, here)?,
                "label" | "attributes" => {}
                _ => return Err(self.unexpected(child, &element.name, IN_FAULT_TREE)),
            }
        }
        Ok(())
    }

    fn model_data(&self, data: &Element, defs: &mut Defs) -> Result<(), MefError> {
        for child in &data.children {
            let global = Container::GLOBAL;
            match child.name.as_str() {
                "define-gate" => self.gate(child, defs, global)?,
                "define-basic-event" => self.basic_event(child, defs, global)?,
                "define-house-event" => self.house_event(child, defs, global)?,
                "define-parameter" => self.parameter(child, defs, global)?,
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

    fn gate(
        &self,
        definition: &Element,
        defs: &mut Defs,
        container: Container,
    ) -> Result<(), MefError> {
        let name = self.defined_name(definition, container, defs)?;
        let body = self.body(definition, "gate", &name, "formula", false)?;
        let formula =
            self.formula(body.expect("a body is required"), &definition.name, container.scope)?;
        defs.events.push(EventDef::Gate(defs.gates.len()));
        defs.gates.push((name, self.pos(definition), formula));
        Ok(())
    }

    fn basic_event(
        &self,
        definition: &Element,
        defs: &mut Defs,
        container: Container,
    ) -> Result<(), MefError> {
        let name = self.defined_name(definition, container, defs)?;
        let body = self.body(definition, "basic event", &name, "expression", false)?;
        let value =
            self.value(body.expect("a body is required"), &definition.name, container.scope)?;
        defs.events.push(EventDef::Basic(defs.basics.len()));
        defs.basics.push((name, self.pos(definition), value));
        Ok(())
    }

    fn house_event(
        &self,
        definition: &Element,
        defs: &mut Defs,
        container: Container,
    ) -> Result<(), MefError> {
        let name = self.defined_name(definition, container, defs)?;
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

    fn parameter(
        &self,
        definition: &Element,
        defs: &mut Defs,
        container: Container,
    ) -> Result<(), MefError> {
        let name = self.defined_name(definition, container, defs)?;
        let body = self.body(definition, "parameter", &name, "expression", false)?;
        let value =
            self.value(body.expect("a body is required"), &definition.name, container.scope)?;
        defs.parameters.push((name, self.pos(definition), value));
        Ok(())
    }

    /// A beta-factor common-cause group: each member fails by itself with probability
    /// (1 − β)·Q (a basic event `[member]`) or with all the others with probability β·Q (one
    /// basic event `[member1 member2 …]`); the member is the OR of the two. Named as SCRAM
    /// names them.
    fn ccf_group(
        &self,
        group: &Element,
        defs: &mut Defs,
        container: Container,
    ) -> Result<(), MefError> {
        let name = self.name(group)?;
        let model = self.required(group, "model")?;
        if model.trim() != "beta-factor" {
            let kind = MefErrorKind::Unsupported {
                element: format!("define-CCF-group model=\"{}\"", model.trim()),
                supported: "model=\"beta-factor\"".to_owned(),
            };
            return Err(self.error(group, kind));
        }
        let (mut members, mut distribution, mut factor) = (None, None, None);
        for child in &group.children {
            match child.name.as_str() {
                "members" => members = Some(child),
                "distribution" => distribution = Some(child),
                "factor" => factor = Some(child),
                "factors" => factor = child.children.first().or(Some(child)),
                "label" | "attributes" => {}
                _ => {
                    let expected = "<members>, <distribution>, <factor>, <label> or <attributes>";
                    return Err(self.unexpected(child, &group.name, expected));
                }
            }
        }
        let missing = |what: &str| {
            let kind = MefErrorKind::Body {
                what: "CCF group".to_owned(),
                name: name.clone(),
                found: 0,
                needs: what.to_owned(),
            };
            self.error(group, kind)
        };
        let members = members.ok_or_else(|| missing("<members>"))?;
        let one_value = |element: Option<&Element>, what: &str| -> Result<Value, MefError> {
            let element = element.ok_or_else(|| missing(what))?;
            match &element.children[..] {
                [value] => self.value(value, &element.name, container.scope),
                _ => Err(self.arity(element, element.children.len(), "exactly 1 expression")),
            }
        };
        let q = one_value(distribution, "<distribution>")?;
        let beta = one_value(factor, "<factor>")?;
        let mut names = Vec::with_capacity(members.children.len());
        for member in &members.children {
            if member.name != "basic-event" {
                return Err(self.unexpected(member, &members.name, "<basic-event name=…>"));
            }
            names.push((self.defined_name(member, container, defs)?, self.pos(member)));
        }
        if names.len() < 2 {
            return Err(self.arity(members, names.len(), "at least 2 members"));
        }
        let pos = self.pos(group);
        let all = names.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>().join(" ");
        let common = format!("[{all}]");
        let one = Value::Number(1.0);
        let independent = Value::Arith(
            Arith::Mul,
            vec![Value::Arith(Arith::Sub, vec![one, beta.clone()]), q.clone()],
        );
        defs.events.push(EventDef::Basic(defs.basics.len()));
        defs.basics.push((common.clone(), pos, Value::Arith(Arith::Mul, vec![beta, q])));
        for (member, member_pos) in names {
            let own = format!("[{member}]");
            defs.events.push(EventDef::Basic(defs.basics.len()));
            defs.basics.push((own.clone(), member_pos, independent.clone()));
            let reference = |name: String| Node::Ref {
                kind: RefKind::BasicEvent,
                name,
                pos: member_pos,
                scope: 0,
            };
            let formula = Node::Op(Op::Or, vec![reference(own), reference(common.clone())]);
            defs.ccf_members.insert(defs.gates.len());
            defs.events.push(EventDef::Gate(defs.gates.len()));
            defs.gates.push((member, member_pos, formula));
        }
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
    fn formula(&self, element: &Element, parent: &str, scope: u32) -> Result<Node, MefError> {
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
            return Ok(Node::Ref { kind, name, pos: self.pos(element), scope });
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
            let arg = self.formula(child, &element.name, scope)?;
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
    fn value(&self, element: &Element, parent: &str, scope: u32) -> Result<Value, MefError> {
        let n = element.children.len();
        let args = |reader: &Self| -> Result<Vec<Value>, MefError> {
            let children = element.children.iter();
            children.map(|child| reader.value(child, &element.name, scope)).collect()
        };
        let arith = match element.name.as_str() {
            "float" | "int" | "bool" => return Ok(Value::Number(self.number(element)?)),
            "pi" => return Ok(Value::Number(std::f64::consts::PI)),
            "parameter" => {
                let name = self.name(element)?;
                return Ok(Value::Parameter { name, pos: self.pos(element), scope });
            }
            "system-mission-time" => return Ok(Value::MissionTime),
            "add" => Arith::Add,
            "sub" => Arith::Sub,
            "mul" => Arith::Mul,
            "div" => Arith::Div,
            "neg" => Arith::Neg,
            name if Func::from_element(name).is_some() => {
                let func = Func::from_element(name).expect("checked by the guard");
                if let Err(expected) = func.check_arity(n) {
                    return Err(self.arity(element, n, expected));
                }
                return Ok(Value::Call(func, args(self)?));
            }
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
        Ok(Value::Arith(arith, args(self)?))
    }
}

fn unsupported(element: &Element, supported: String) -> MefErrorKind {
    MefErrorKind::Unsupported { element: element.name.clone(), supported }
}
