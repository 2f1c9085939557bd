//! The summary `export dora` prints: what was written, and which fields the model lacks.

use blastradius_analysis::Register;
use blastradius_model::Model;

use crate::style::{DOWN, HEADING, Options, UP, plural_suffix};

/// Files written and missing fields, for people; `out` names the directory.
pub fn register_human(model: &Model, register: &Register, out: &str, options: Options) -> String {
    let mut text =
        options.paint(HEADING, &format!("DORA register of information for `{}`", model.name()));
    text.push_str(&format!(" written to {out}\n"));
    for table in &register.tables {
        let n = table.rows.len();
        text.push_str(&format!("  {}.csv  {n} row{}\n", table.name, plural_suffix(n)));
    }
    let n_missing = register.missing.len();
    if n_missing == 0 {
        text.push_str(&options.paint(UP, "No field is missing.\n"));
        return text;
    }
    text.push_str(&format!("  missing_fields.csv  {n_missing} row{}\n", plural_suffix(n_missing)));
    text.push_str(&options.paint(
        DOWN,
        &format!("{n_missing} field{} the register needs are missing from the model (left empty, not guessed):\n", plural_suffix(n_missing)),
    ));
    let mut by_field: Vec<(&str, &str, Vec<&str>)> = Vec::new();
    for missing in &register.missing {
        match by_field.iter_mut().find(|(t, f, _)| *t == missing.table && *f == missing.field) {
            Some((_, _, subjects)) => subjects.push(&missing.subject),
            None => by_field.push((missing.table, missing.field, vec![&missing.subject])),
        }
    }
    for (table, field, subjects) in by_field {
        text.push_str(&format!("  {table}: `{field}` for {}\n", subjects.join(", ")));
    }
    text
}
