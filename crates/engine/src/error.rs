//! The engine's one error type. Valid input never fails except by running past a budget; the
//! other variants name input the engine cannot accept.

use crate::formula::VarId;

/// Why the engine refused or stopped a computation.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum EngineError {
    /// A decision diagram needed more nodes than the budget allows. The budget counts every
    /// node created, including intermediate ones that the final diagram no longer uses.
    #[error("decision diagram needs more than {limit} nodes")]
    NodeLimitExceeded {
        /// The budget that was exceeded.
        limit: usize,
    },
    /// A probability was not a number between 0 and 1.
    #[error("probability {value} is not between 0 and 1")]
    InvalidProbability {
        /// The rejected value.
        value: f64,
    },
    /// A custom variable order names a variable more than once.
    #[error("variable order names variable {var} twice")]
    RepeatedInOrder {
        /// The repeated variable.
        var: VarId,
    },
    /// A custom variable order leaves out a variable of the formula.
    #[error("variable order leaves out variable {var}")]
    MissingFromOrder {
        /// The first variable left out.
        var: VarId,
    },
    /// A custom variable order names a variable the formula does not have.
    #[error("variable order names variable {var}, but the formula has only {n_vars} variables")]
    UnknownInOrder {
        /// The unknown variable.
        var: VarId,
        /// How many variables the formula has.
        n_vars: usize,
    },
}

/// Where in an input file something is: the file's name, and a line and column counted from 1
/// (the column in characters).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Location {
    /// The name the file was given to [`crate::mef::read_mef`].
    pub file: String,
    /// The line, from 1.
    pub line: usize,
    /// The column, in characters from 1.
    pub column: usize,
}

impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.column)
    }
}

/// Why an Open-PSA MEF model could not be read or written: what is wrong and, for input files,
/// where.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("{}{kind}", .location.as_ref().map(|l| format!("{l}: ")).unwrap_or_default())]
pub struct MefError {
    /// Where the culprit is; `None` when writing, or for a whole-model problem.
    pub location: Option<Location>,
    /// What is wrong (boxed to keep results small).
    pub kind: Box<MefErrorKind>,
}

/// What is wrong with an Open-PSA MEF model. Every message names the culprit and says what
/// would have been valid.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum MefErrorKind {
    /// The text is not well-formed XML.
    #[error("malformed XML: {message}")]
    Xml {
        /// The XML parser's description.
        message: String,
    },
    /// Elements are nested deeper than the reader accepts.
    #[error("elements are nested more than {limit} deep; MEF models need only a few levels")]
    TooDeep {
        /// The deepest nesting accepted.
        limit: usize,
    },
    /// The file ends inside an element.
    #[error("the file ends before <{element}> is closed")]
    Unclosed {
        /// The element left open.
        element: String,
    },
    /// The file has no root element, a root other than `opsa-mef`, or two roots.
    #[error("{problem}; an Open-PSA MEF file holds exactly one <opsa-mef> element")]
    Root {
        /// What was found instead.
        problem: String,
    },
    /// An element that is not valid where it stands.
    #[error("<{element}> is not valid inside <{parent}>; expected {expected}")]
    UnexpectedElement {
        /// The element found.
        element: String,
        /// Its parent.
        parent: String,
        /// What is valid there.
        expected: String,
    },
    /// A valid Open-PSA MEF element this reader does not support.
    #[error(
        "<{element}> is Open-PSA MEF but not supported by this reader; supported here: {supported}"
    )]
    Unsupported {
        /// The element found.
        element: String,
        /// What is supported in its place.
        supported: String,
    },
    /// A required attribute is missing.
    #[error("<{element}> lacks the required attribute `{attribute}`")]
    MissingAttribute {
        /// The element.
        element: String,
        /// The missing attribute.
        attribute: String,
    },
    /// An attribute's value is not valid.
    #[error("<{element} {attribute}=\"{value}\">: expected {expected}")]
    InvalidAttribute {
        /// The element.
        element: String,
        /// The attribute.
        attribute: String,
        /// Its value.
        value: String,
        /// What is valid.
        expected: String,
    },
    /// A name is defined twice (gates, basic events and house events share one namespace;
    /// parameters have their own).
    #[error("{what} \"{name}\" is defined twice, first as a {first_what} at {first}; {scope}")]
    Duplicate {
        /// What the second definition defines.
        what: String,
        /// What the first definition defines.
        first_what: String,
        /// Which names must differ.
        scope: String,
        /// The name.
        name: String,
        /// The first definition.
        first: Location,
    },
    /// A reference to a name nothing defines.
    #[error("<{reference} name=\"{name}\"> refers to an undefined {expected}{hint}")]
    Undefined {
        /// The reference element (`gate`, `basic-event`, `house-event`, `event`, `parameter`).
        reference: String,
        /// The name referred to.
        name: String,
        /// What kind of definition it needs.
        expected: String,
        /// A suggestion, such as `; did you mean "g1"?`, or empty.
        hint: String,
    },
    /// A reference to a definition of the wrong kind.
    #[error("<{reference} name=\"{name}\"> refers to a {actual}; expected a {expected}")]
    WrongKind {
        /// The reference element.
        reference: String,
        /// The name referred to.
        name: String,
        /// What it names.
        actual: String,
        /// What the reference needs.
        expected: String,
    },
    /// Gates (or parameters) that depend on themselves.
    #[error("{what} \"{}\" depends on itself: {}; {what}s must form an acyclic graph", .path[0], .path.join(" -> "))]
    Cycle {
        /// `gate` or `parameter`.
        what: String,
        /// The cycle, starting and ending with the same name.
        path: Vec<String>,
    },
    /// A connective with the wrong number of arguments.
    #[error("<{connective}> has {found} argument(s); it takes {expected}")]
    Arity {
        /// The connective (or expression) element.
        connective: String,
        /// How many arguments it has.
        found: usize,
        /// How many it takes.
        expected: String,
    },
    /// A connective that names the same event twice.
    #[error("<{connective}> names \"{name}\" twice; each argument must be a different event")]
    DuplicateArgument {
        /// The connective.
        connective: String,
        /// The repeated name.
        name: String,
    },
    /// A definition without the one formula or expression it needs.
    #[error("{what} \"{name}\" has {found} {needs}s; it needs exactly one")]
    Body {
        /// `gate`, `basic event` or `parameter`.
        what: String,
        /// Its name.
        name: String,
        /// How many it has.
        found: usize,
        /// `formula` or `expression`.
        needs: String,
    },
    /// A basic event whose probability lies outside 0..=1 (or is NaN).
    #[error("basic event \"{name}\" has probability {value}; a probability lies between 0 and 1")]
    InvalidProbability {
        /// The basic event.
        name: String,
        /// Its computed probability.
        value: f64,
    },
    /// [`crate::mef::write_mef`] was given a number of names that does not match the formula.
    #[error("{found} variable names given for a formula of {expected} variables")]
    NameCount {
        /// How many variables the formula has.
        expected: usize,
        /// How many names were given.
        found: usize,
    },
    /// [`crate::mef::write_mef`] was given a name MEF cannot hold or that clashes.
    #[error("cannot write name \"{name}\": {problem}")]
    InvalidName {
        /// The name.
        name: String,
        /// Why not.
        problem: String,
    },
}
