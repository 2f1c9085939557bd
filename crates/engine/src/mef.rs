//! Open-PSA Model Exchange Format (MEF) XML: [`read_mef`] lowers fault trees into one
//! [`Formula`] per top gate, and [`write_mef`] writes a formula back as a fault tree.
//!
//! Supported: the `opsa-mef` root with `define-fault-tree` (and nested `define-component`) and
//! `model-data` containers; `define-gate` (also in `model-data`) holding one formula built from
//! `and`, `or`, `atleast min`, `cardinality min max`, `not`, `xor` (odd parity, n-ary), `nand`,
//! `nor`, `iff`, `imply`, `constant`, nested to any depth up to the reader's nesting limit,
//! and references `gate`, `basic-event`, `house-event` and the untyped `event` (with optional
//! `type`); `define-basic-event` with `float`, `int`, `bool`, `pi`, `parameter`,
//! `system-mission-time` (8760 h), `exponential` (p = 1 − exp(−λt)), `GLM`, `Weibull`,
//! `periodic-test` (the 4-argument form), the deviates (`uniform-`, `normal-`, `lognormal-`,
//! `gamma-`, `beta-deviate`, standing for their mean, as SCRAM's point estimate does), `exp`,
//! `log`, `log10`, `sqrt`, `abs`, `pow`, `min`, `max`, `mean`, `add`, `sub`, `mul`, `div`,
//! `neg`; `define-parameter`; `define-house-event` with `constant` (default false), folded
//! into the formulas as constants; `define-CCF-group` with `model="beta-factor"`, `"MGL"`,
//! `"alpha-factor"` or `"phi-factor"` (each member becomes the OR of one generated event per
//! set of members holding it, named `[m1 m2 …]` as SCRAM names them, with the model's
//! probability for a set of that size; beta-factor only makes the member alone and the whole
//! group); `role="private"` scoping (a private definition is known
//! inside its container by its name and outside by its path `tree.component.name`).
//! `label` and `attributes` are ignored.
//!
//! Not supported (an error says so): event
//! trees and their kin, substitutions, `histogram`, `ite`, `switch`, external functions, and
//! the 5- and 11-argument forms of `periodic-test`.
//!
//! Every top gate (a gate no other gate refers to) becomes one [`TopEvent`]. Every problem is
//! a [`MefError`] naming the file, line and column, the culprit and what would be valid.

mod parse;
mod resolve;
mod write;
pub(crate) mod xml;

#[cfg(test)]
mod tests;

pub use write::write_mef;

use crate::error::MefError;
use crate::formula::Formula;

/// One top event of a model: a gate no other gate refers to, lowered into a formula.
#[derive(Clone, Debug, PartialEq)]
pub struct TopEvent {
    /// The gate's name.
    pub name: String,
    /// The gate's formula. Its variables are the basic events the gate reaches, with their
    /// probabilities; house events are folded in as constants.
    pub formula: Formula,
    /// The basic event of each variable, indexed by [`crate::VarId::index`].
    pub variables: Vec<String>,
}

/// A checked Open-PSA MEF model, lowered to formulas.
#[derive(Clone, Debug, PartialEq)]
pub struct MefModel {
    top_events: Vec<TopEvent>,
}

impl MefModel {
    /// The top events in the order their gates are defined (file by file). Constant time.
    pub fn top_events(&self) -> &[TopEvent] {
        &self.top_events
    }

    /// The top event of gate `name`, if that gate is a top gate. Linear in the number of top
    /// events.
    pub fn top_event(&self, name: &str) -> Option<&TopEvent> {
        self.top_events.iter().find(|top| top.name == name)
    }
}

/// Reads a model from one or more MEF files, given as (file name, XML text) pairs; the name is
/// used only in error messages. Definitions may refer to names defined in any of the files.
/// Linear in the size of the input plus the size of the formulas built (a gate shared by
/// several top gates is lowered once for each).
///
/// Fails, never panics, on malformed XML, unknown or unsupported elements, missing or invalid
/// attributes, duplicate definitions, undefined references or references to the wrong kind,
/// cyclic gates or parameters, wrong numbers of arguments, and probabilities outside 0..=1.
pub fn read_mef(files: &[(String, String)]) -> Result<MefModel, MefError> {
    let sources = parse::Files(files);
    let mut defs = parse::Defs::default();
    for (file, (_, text)) in files.iter().enumerate() {
        let root = xml::parse(text)
            .map_err(|(offset, kind)| sources.error(parse::Pos { file, offset }, *kind))?;
        parse::FileReader { files: &sources, file }.root(&root, &mut defs)?;
    }
    let model = resolve::resolve(&sources, defs)?;
    Ok(MefModel { top_events: model.top_events })
}
