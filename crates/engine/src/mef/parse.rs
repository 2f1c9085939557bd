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

/// The common-cause failure models of `define-CCF-group`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum CcfModel {
    BetaFactor,
    Mgl,
    AlphaFactor,
    PhiFactor,
}

impl CcfModel {
    fn from_attribute(model: &str) -> Option<CcfModel> {
        Some(match model {
            "beta-factor" => CcfModel::BetaFactor,
            "MGL" => CcfModel::Mgl,
            "alpha-factor" => CcfModel::AlphaFactor,
            "phi-factor" => CcfModel::PhiFactor,
            _ => return None,
        })
    }

    pub(crate) fn attribute(self) -> &'static str {
        match self {
            CcfModel::BetaFactor => "beta-factor",
            CcfModel::Mgl => "MGL",
            CcfModel::AlphaFactor => "alpha-factor",
            CcfModel::PhiFactor => "phi-factor",
        }
    }

    /// The level of the first factor: the number of members for beta (its one factor is for
    /// all members failing together), 2 for MGL (the level-1 factor is 1 by definition), else 1.
    fn min_level(self, n_members: usize) -> usize {
        match self {
            CcfModel::BetaFactor => n_members,
            CcfModel::Mgl => 2,
            CcfModel::AlphaFactor | CcfModel::PhiFactor => 1,
        }
    }

    /// What a factor's `level` may be, for an error message.
    fn levels(self, n_members: usize) -> String {
        let model = self.attribute();
        match self {
            CcfModel::BetaFactor => format!(
                "{n_members}, the number of members: a {model} group has one factor, for all its \
                 members failing together"
            ),
            _ => format!(
                "an integer from {} to {n_members}: {model} factors are for levels {} up to the \
                 number of members",
                self.min_level(n_members),
                self.min_level(n_members)
            ),
        }
    }

    /// The probability of one common-cause event of each level k (k given members failing
    /// together), as SCRAM 0.16 computes it from the distribution Q and the factors (`factors`
    /// from the lowest level on; m is the highest level given, n the number of members):
    ///
    /// - beta-factor, factor β for level n: Q₁ = (1 − β)·Q and Qₙ = β·Q, no other level;
    /// - MGL, factors ρ₂ … ρₘ, with ρ₁ = 1 and ρₘ₊₁ = 0:
    ///   Qₖ = ρ₁ ⋯ ρₖ · (1 − ρₖ₊₁) · Q / C(n − 1, k − 1);
    /// - alpha-factor, factors α₁ … αₘ (the non-staggered-testing form):
    ///   Qₖ = k · αₖ / (Σⱼ j · αⱼ) · Q / C(n − 1, k − 1);
    /// - phi-factor, factors φ₁ … φₘ summing to 1: Qₖ = φₖ · Q (SCRAM does not divide by
    ///   C(n − 1, k − 1) here).
    ///
    /// Linear in the number of levels, each expression linear in the number of factors.
    fn level_probabilities(
        self,
        n_members: usize,
        q: &Value,
        factors: &[Value],
    ) -> Vec<(usize, Value)> {
        let one = || Value::Number(1.0);
        let mul = |args: Vec<Value>| Value::Arith(Arith::Mul, args);
        let complement = |x: &Value| Value::Arith(Arith::Sub, vec![one(), x.clone()]);
        // Divided by C(n − 1, k − 1): the number of level-k events one member is in.
        let per_event = |k: usize, value: Value| {
            let events = binomial(n_members - 1, k - 1) as f64;
            Value::Arith(Arith::Div, vec![value, Value::Number(events)])
        };
        match self {
            CcfModel::BetaFactor => {
                let beta = &factors[0];
                vec![
                    (1, mul(vec![complement(beta), q.clone()])),
                    (n_members, mul(vec![beta.clone(), q.clone()])),
                ]
            }
            CcfModel::Mgl => {
                let max_level = factors.len() + 1;
                (1..=max_level)
                    .map(|k| {
                        // ρ₂ … ρₖ are factors[0..k − 1]; ρₖ₊₁ is factors[k − 1].
                        let mut args: Vec<Value> = factors[..k - 1].to_vec();
                        if let Some(next) = factors.get(k - 1) {
                            args.push(complement(next));
                        }
                        args.push(q.clone());
                        (k, per_event(k, mul(args)))
                    })
                    .collect()
            }
            CcfModel::AlphaFactor => {
                let level = |k: usize| Value::Number(k as f64);
                let weighted = |k: usize, alpha: &Value| mul(vec![level(k), alpha.clone()]);
                let total = Value::Arith(
                    Arith::Add,
                    factors.iter().enumerate().map(|(i, alpha)| weighted(i + 1, alpha)).collect(),
                );
                factors
                    .iter()
                    .enumerate()
                    .map(|(i, alpha)| {
                        let k = i + 1;
                        // k·αₖ over a sum that holds it: at most 1 even after rounding.
                        let share =
                            Value::Arith(Arith::Div, vec![weighted(k, alpha), total.clone()]);
                        (k, per_event(k, mul(vec![share, q.clone()])))
                    })
                    .collect()
            }
            CcfModel::PhiFactor => factors
                .iter()
                .enumerate()
                .map(|(i, phi)| (i + 1, mul(vec![phi.clone(), q.clone()])))
                .collect(),
        }
    }
}

/// A common-cause group's numbers, kept to be checked once parameters have values: the
/// distribution and every factor lie in 0..=1, phi factors sum to 1, alpha factors are not
/// all 0.
pub(crate) struct CcfGroup {
    pub(crate) name: String,
    pub(crate) model: CcfModel,
    pub(crate) pos: Pos,
    pub(crate) distribution: (Value, Pos),
    /// The level of `factors[0]`.
    pub(crate) min_level: usize,
    /// The factors, one per level from `min_level` on, with where each is given.
    pub(crate) factors: Vec<(Value, Pos)>,
}

/// The most basic events one common-cause group may generate: a group of n members makes up
/// to 2ⁿ − 1 (16 members, all levels), each member a gate over half of them.
const MAX_CCF_EVENTS: u128 = 1 << 16;

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
    /// The common-cause groups, to check their numbers once parameters have values.
    pub(crate) ccf_groups: Vec<CcfGroup>,
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
            ccf_groups: Vec::new(),
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

    /// A common-cause group (`define-CCF-group`), read as SCRAM 0.16 reads it. Each member
    /// becomes a gate: the OR of one new basic event per subset of the members that holds it,
    /// for every subset size (level) the model gives a probability to (see
    /// [`CcfModel::level_probabilities`]). The event of members m1, m2, … failing together is
    /// named `[m1 m2 …]`, members in the order listed, as SCRAM names it. The values of the
    /// distribution and the factors are checked once parameters are known
    /// ([`Defs::ccf_groups`]).
    fn ccf_group(
        &self,
        group: &Element,
        defs: &mut Defs,
        container: Container,
    ) -> Result<(), MefError> {
        let name = self.name(group)?;
        let model_value = self.required(group, "model")?;
        let Some(model) = CcfModel::from_attribute(model_value.trim()) else {
            let expected = "beta-factor, MGL, alpha-factor or phi-factor";
            return Err(self.invalid(group, "model", model_value, expected));
        };
        let (mut members, mut distribution, mut factors) = (None, None, Vec::new());
        for child in &group.children {
            match child.name.as_str() {
                "members" => members = Some(child),
                "distribution" => distribution = Some(child),
                "factor" => factors.push(child),
                "factors" => {
                    for factor in &child.children {
                        if factor.name != "factor" {
                            return Err(self.unexpected(factor, &child.name, "<factor>"));
                        }
                        factors.push(factor);
                    }
                }
                "label" | "attributes" => {}
                _ => {
                    let expected =
                        "<members>, <distribution>, <factors>, <factor>, <label> or <attributes>";
                    return Err(self.unexpected(child, &group.name, expected));
                }
            }
        }
        let missing = |what: &str| self.ccf_missing(group, &name, what);
        let members = members.ok_or_else(|| missing("<members>"))?;
        let distribution = distribution.ok_or_else(|| missing("<distribution>"))?;
        let q = self.one_value(distribution, container.scope)?;
        let mut names = Vec::with_capacity(members.children.len());
        for member in &members.children {
            if member.name != "basic-event" {
                return Err(self.unexpected(member, &members.name, "<basic-event name=…>"));
            }
            names.push((self.defined_name(member, container, defs)?, self.pos(member)));
        }
        let n_members = names.len();
        if n_members < 2 {
            return Err(self.arity(members, n_members, "at least 2 members"));
        }
        let min_level = model.min_level(n_members);
        let factors =
            self.ccf_factors((group, &name), &factors, model, n_members, container.scope)?;
        let values: Vec<Value> = factors.iter().map(|(value, _)| value.clone()).collect();
        let levels = model.level_probabilities(n_members, &q, &values);
        let n_events: u128 = levels
            .iter()
            .fold(0, |sum, (level, _)| sum.saturating_add(binomial(n_members, *level)));
        if n_events > MAX_CCF_EVENTS {
            let expected = format!(
                "few enough members to make at most {MAX_CCF_EVENTS} common-cause events; with \
                 factors up to level {}, these make {n_events}",
                levels.last().map_or(0, |(level, _)| *level)
            );
            return Err(self.arity(members, n_members, &expected));
        }
        let pos = self.pos(group);
        // The new basic events, level by level, subsets in lexicographic order of members.
        let mut events: Vec<(String, Pos, Value, Vec<usize>)> = Vec::new();
        for (level, probability) in levels {
            let mut subset: Vec<usize> = (0..level).collect();
            loop {
                let joined: Vec<&str> = subset.iter().map(|&m| names[m].0.as_str()).collect();
                let event_pos = if level == 1 { names[subset[0]].1 } else { pos };
                events.push((
                    format!("[{}]", joined.join(" ")),
                    event_pos,
                    probability.clone(),
                    subset.clone(),
                ));
                if !next_subset(&mut subset, n_members) {
                    break;
                }
            }
        }
        for (member, (member_name, member_pos)) in names.into_iter().enumerate() {
            let arguments = events
                .iter()
                .filter(|(_, _, _, subset)| subset.contains(&member))
                .map(|(event, ..)| Node::Ref {
                    kind: RefKind::BasicEvent,
                    name: event.clone(),
                    pos: member_pos,
                    scope: 0,
                })
                .collect();
            defs.ccf_members.insert(defs.gates.len());
            defs.events.push(EventDef::Gate(defs.gates.len()));
            defs.gates.push((member_name, member_pos, Node::Op(Op::Or, arguments)));
        }
        for (event, event_pos, probability, _) in events {
            defs.events.push(EventDef::Basic(defs.basics.len()));
            defs.basics.push((event, event_pos, probability));
        }
        defs.ccf_groups.push(CcfGroup {
            name,
            model,
            pos,
            distribution: (q, self.pos(distribution)),
            min_level,
            factors,
        });
        Ok(())
    }

    /// `CCF group "g" has 0 <what>s; it needs exactly one`.
    fn ccf_missing(&self, group: &Element, name: &str, what: &str) -> MefError {
        let kind = MefErrorKind::Body {
            what: "CCF group".to_owned(),
            name: name.to_owned(),
            found: 0,
            needs: what.to_owned(),
        };
        self.error(group, kind)
    }

    /// The factors of a CCF group, by level from the model's lowest, with where each is given.
    /// A factor without `level` is for the level after the previous factor's (the lowest for
    /// the first), as in SCRAM. Every level from the lowest to the highest given needs one.
    fn ccf_factors(
        &self,
        (group, name): (&Element, &str),
        elements: &[&Element],
        model: CcfModel,
        n_members: usize,
        scope: u32,
    ) -> Result<Vec<(Value, Pos)>, MefError> {
        let min_level = model.min_level(n_members);
        let mut by_level: Vec<Option<(Value, Pos)>> = Vec::new();
        let mut previous: Option<usize> = None;
        for &element in elements {
            let level = match element.attribute("level") {
                Some(text) => match text.trim().parse::<usize>() {
                    Ok(level) if (min_level..=n_members).contains(&level) => level,
                    _ => {
                        let expected = model.levels(n_members);
                        return Err(self.invalid(element, "level", text, &expected));
                    }
                },
                None => {
                    let level = previous.map_or(min_level, |previous| previous + 1);
                    if level > n_members {
                        let expected = format!(
                            "{}; a <factor> without `level` is for the level after the previous \
                             factor's",
                            model.levels(n_members)
                        );
                        return Err(self.invalid(element, "level", &level.to_string(), &expected));
                    }
                    level
                }
            };
            let slot = level - min_level;
            if by_level.len() <= slot {
                by_level.resize_with(slot + 1, || None);
            }
            if let Some((_, first)) = &by_level[slot] {
                let expected = format!(
                    "each level once; level {level} is already given at {}",
                    self.files.location(*first)
                );
                return Err(self.invalid(element, "level", &level.to_string(), &expected));
            }
            by_level[slot] = Some((self.one_value(element, scope)?, self.pos(element)));
            previous = Some(level);
        }
        // The first level without a factor: the lowest if there is none, else a gap.
        let gap = by_level.iter().position(Option::is_none);
        if by_level.is_empty() || gap.is_some() {
            let level = min_level + gap.unwrap_or(0);
            return Err(self.ccf_missing(group, name, &format!("<factor level=\"{level}\">")));
        }
        Ok(by_level.into_iter().flatten().collect())
    }

    /// The one expression inside `element` (a `<distribution>` or a `<factor>`).
    fn one_value(&self, element: &Element, scope: u32) -> Result<Value, MefError> {
        match &element.children[..] {
            [value] => self.value(value, &element.name, scope),
            _ => Err(self.arity(element, element.children.len(), "exactly 1 expression")),
        }
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

/// C(n, k), saturating at `u128::MAX`; 0 if k > n.
fn binomial(n: usize, k: usize) -> u128 {
    if k > n {
        return 0;
    }
    let k = k.min(n - k);
    let mut result: u128 = 1;
    for i in 1..=k {
        // result · (n − k + i) / i is C(n − k + i, i), a whole number.
        let Some(product) = result.checked_mul((n - k + i) as u128) else {
            return u128::MAX;
        };
        result = product / i as u128;
    }
    result
}

/// Advances `subset` (increasing indices below `n`) to the next subset of its size in
/// lexicographic order; false after the last.
fn next_subset(subset: &mut [usize], n: usize) -> bool {
    let size = subset.len();
    // The rightmost index that can still move right.
    let Some(i) = (0..size).rev().find(|&i| subset[i] < n - size + i) else {
        return false;
    };
    subset[i] += 1;
    for j in i + 1..size {
        subset[j] = subset[j - 1] + 1;
    }
    true
}
