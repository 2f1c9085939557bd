//! Writes a [`Formula`] as an Open-PSA MEF fault tree: one gate per reachable engine gate, the
//! variables as basic events with `float` probabilities (printed so that they read back
//! exactly).

use std::collections::HashSet;
use std::fmt::Write as _;

use quick_xml::escape::escape;

use crate::error::{MefError, MefErrorKind};
use crate::formula::{Formula, Gate, Operand};

/// Writes `formula` as an MEF file holding one fault tree named `name` whose top gate is also
/// named `name`. `variable_names[i]` names variable `i`; every variable is written as a basic
/// event, used or not. The other gates are named `{name}-g{id}` (and `{name}-a{n}` for the
/// pass-through gates that stand for an operand repeated in an AT-LEAST gate, which MEF does
/// not allow). Reading the result with [`super::read_mef`] gives an equivalent formula with
/// the same probabilities. Linear in the size of the formula.
///
/// Fails if the number of names is not the number of variables, or a name is empty, has
/// white space, is repeated or clashes with a gate name.
pub fn write_mef(
    name: &str,
    formula: &Formula,
    variable_names: &[String],
) -> Result<String, MefError> {
    let invalid = |name: &str, problem: &str| MefError {
        location: None,
        kind: Box::new(MefErrorKind::InvalidName {
            name: name.to_owned(),
            problem: problem.to_owned(),
        }),
    };
    if variable_names.len() != formula.n_vars() {
        let kind =
            MefErrorKind::NameCount { expected: formula.n_vars(), found: variable_names.len() };
        return Err(MefError { location: None, kind: Box::new(kind) });
    }
    let mut seen = HashSet::new();
    for candidate in std::iter::once(name).chain(variable_names.iter().map(String::as_str)) {
        if candidate.is_empty() || candidate.chars().any(char::is_whitespace) {
            return Err(invalid(candidate, "MEF names are non-empty and have no white space"));
        }
        if !seen.insert(candidate) {
            return Err(invalid(
                candidate,
                "it names two events (the top gate and the variables need distinct names)",
            ));
        }
    }
    let prefix = format!("{name}-");
    if let Some(clash) = variable_names.iter().find(|v| v.starts_with(&prefix)) {
        return Err(invalid(
            clash,
            &format!("names starting with \"{prefix}\" are kept for gates"),
        ));
    }

    let mut writer = Writer { name, formula, variable_names, out: String::new(), aliases: 0 };
    writer.out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<opsa-mef>\n");
    let _ = writeln!(writer.out, "  <define-fault-tree name=\"{}\">", escape(name));
    if !matches!(formula.top(), Operand::Gate(_)) {
        writer.open_gate(name);
        writer.operand(formula.top(), 3);
        writer.out.push_str("    </define-gate>\n");
    }
    let reachable = formula.reachable_gates();
    for (index, gate) in formula.gates().iter().enumerate() {
        if reachable[index] {
            writer.gate(index, gate);
        }
    }
    writer.out.push_str("  </define-fault-tree>\n  <model-data>\n");
    for (var, var_name) in variable_names.iter().enumerate() {
        let p = formula.probabilities()[var].get();
        let _ = writeln!(
            writer.out,
            "    <define-basic-event name=\"{}\">\n      <float value=\"{p}\"/>\n    </define-basic-event>",
            escape(var_name.as_str())
        );
    }
    writer.out.push_str("  </model-data>\n</opsa-mef>\n");
    Ok(writer.out)
}

struct Writer<'a> {
    name: &'a str,
    formula: &'a Formula,
    variable_names: &'a [String],
    out: String,
    aliases: usize,
}

impl Writer<'_> {
    fn gate_name(&self, index: usize) -> String {
        match self.formula.top() {
            Operand::Gate(top) if top.index() == index => self.name.to_owned(),
            _ => format!("{}-g{index}", self.name),
        }
    }

    fn open_gate(&mut self, name: &str) {
        let _ = writeln!(self.out, "    <define-gate name=\"{}\">", escape(name));
    }

    fn indent(&mut self, depth: usize) {
        for _ in 0..depth {
            self.out.push_str("  ");
        }
    }

    fn operand(&mut self, operand: Operand, depth: usize) {
        self.item(&Item::Operand(operand), depth);
    }

    fn item(&mut self, item: &Item, depth: usize) {
        self.indent(depth);
        let _ = match *item {
            Item::Operand(Operand::Const(value)) => {
                writeln!(self.out, "<constant value=\"{value}\"/>")
            }
            Item::Operand(Operand::Var(var)) => writeln!(
                self.out,
                "<basic-event name=\"{}\"/>",
                escape(self.variable_names[var.index()].as_str())
            ),
            Item::Operand(Operand::Gate(gate)) => {
                let name = self.gate_name(gate.index());
                writeln!(self.out, "<gate name=\"{}\"/>", escape(name.as_str()))
            }
            Item::Alias(ref name) => {
                writeln!(self.out, "<gate name=\"{}\"/>", escape(name.as_str()))
            }
        };
    }

    fn gate(&mut self, index: usize, gate: &Gate) {
        // Repeated operands: harmless in AND and OR (dropped); in AT-LEAST they count twice,
        // so each repetition goes through a pass-through gate of its own.
        let mut seen = HashSet::new();
        let mut items = Vec::new();
        for &operand in gate.operands() {
            if matches!(operand, Operand::Const(_)) || seen.insert(operand) {
                items.push(Item::Operand(operand));
            } else if matches!(gate, Gate::AtLeast { .. }) {
                self.aliases += 1;
                let alias = format!("{}-a{}", self.name, self.aliases);
                self.open_gate(&alias);
                self.operand(operand, 3);
                self.out.push_str("    </define-gate>\n");
                items.push(Item::Alias(alias));
            }
        }
        let name = self.gate_name(index);
        self.open_gate(&name);
        match gate {
            Gate::And(_) if items.is_empty() => self.operand(Operand::Const(true), 3),
            Gate::Or(_) if items.is_empty() => self.operand(Operand::Const(false), 3),
            Gate::And(_) => self.connective("and", "", &items),
            Gate::Or(_) => self.connective("or", "", &items),
            Gate::AtLeast { k: 0, .. } => self.operand(Operand::Const(true), 3),
            Gate::AtLeast { k, .. } if *k as usize > items.len() => {
                self.operand(Operand::Const(false), 3);
            }
            Gate::AtLeast { k, .. } => self.connective("atleast", &format!(" min=\"{k}\""), &items),
            Gate::Not(_) => self.connective("not", "", &items),
        }
        self.out.push_str("    </define-gate>\n");
    }

    fn connective(&mut self, element: &str, attributes: &str, items: &[Item]) {
        self.indent(3);
        let _ = writeln!(self.out, "<{element}{attributes}>");
        for item in items {
            self.item(item, 4);
        }
        self.indent(3);
        let _ = writeln!(self.out, "</{element}>");
    }
}

/// An argument of a written connective.
enum Item {
    Operand(Operand),
    /// A pass-through gate standing for a repeated operand.
    Alias(String),
}
