//! Validation results as text: compiler-style located diagnostics for people, an object per
//! diagnostic for machines.

use blastradius_model::{Diagnostic, Model, ModelError, NodeKind, Severity};
use serde::Serialize;

use crate::style::{DEGRADED, DOWN, Options, UP, plural_suffix};

#[derive(Serialize)]
struct DiagnosticJson<'a> {
    severity: &'static str,
    file: &'a str,
    line: Option<u32>,
    column: Option<u32>,
    message: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    help: Option<&'a str>,
}

fn diagnostic_json<'a>(file: &'a str, diagnostic: &'a Diagnostic) -> DiagnosticJson<'a> {
    DiagnosticJson {
        severity: match diagnostic.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        },
        file,
        line: diagnostic.location.map(|l| l.line),
        column: diagnostic.location.map(|l| l.column),
        message: &diagnostic.message,
        help: diagnostic.help.as_deref(),
    }
}

fn paint_diagnostic(options: Options, file: &str, diagnostic: &Diagnostic) -> String {
    let text = diagnostic.render(file);
    let (word, style) = match diagnostic.severity {
        Severity::Error => ("error:", DOWN),
        Severity::Warning => ("warning:", DEGRADED),
    };
    text.replacen(word, &options.paint(style, word), 1)
}

#[derive(Serialize)]
struct Counts {
    providers: usize,
    regions: usize,
    zones: usize,
    regional_services: usize,
    global_services: usize,
    components: usize,
    functions: usize,
    dependencies: usize,
}

fn counts(model: &Model) -> Counts {
    let mut counts = Counts {
        providers: 0,
        regions: 0,
        zones: 0,
        regional_services: 0,
        global_services: 0,
        components: 0,
        functions: model.functions().len(),
        dependencies: model.n_dependencies(),
    };
    for node in model.node_ids() {
        match model.kind(node) {
            NodeKind::Provider => counts.providers += 1,
            NodeKind::Region => counts.regions += 1,
            NodeKind::Zone => counts.zones += 1,
            NodeKind::RegionalService => counts.regional_services += 1,
            NodeKind::GlobalService => counts.global_services += 1,
            NodeKind::Component => counts.components += 1,
        }
    }
    counts
}

/// Every diagnostic of a model that failed to load, one per paragraph, then a count line.
pub fn model_error_human(error: &ModelError, options: Options) -> String {
    let mut out = String::new();
    for diagnostic in &error.diagnostics {
        out.push_str(&paint_diagnostic(options, &error.file, diagnostic));
        out.push('\n');
    }
    let n_errors = error.errors().count();
    let n_warnings = error.diagnostics.len() - n_errors;
    out.push_str(&format!(
        "{}: {} ({n_errors} error{}, {n_warnings} warning{})\n",
        error.file,
        options.paint(DOWN, "invalid"),
        plural_suffix(n_errors),
        plural_suffix(n_warnings)
    ));
    out
}

/// A model that failed to load, as `{file, valid: false, errors: […], warnings: […]}`.
pub fn model_error_json(error: &ModelError) -> String {
    #[derive(Serialize)]
    struct Invalid<'a> {
        file: &'a str,
        valid: bool,
        errors: Vec<DiagnosticJson<'a>>,
        warnings: Vec<DiagnosticJson<'a>>,
    }
    let (errors, warnings): (Vec<_>, Vec<_>) =
        error.diagnostics.iter().partition(|d| d.severity == Severity::Error);
    let invalid = Invalid {
        file: &error.file,
        valid: false,
        errors: errors.into_iter().map(|d| diagnostic_json(&error.file, d)).collect(),
        warnings: warnings.into_iter().map(|d| diagnostic_json(&error.file, d)).collect(),
    };
    to_json(&invalid)
}

/// A valid model: its warnings, then one line saying what it holds.
pub fn validation_human(file: &str, model: &Model, options: Options) -> String {
    let mut out = String::new();
    for warning in model.warnings() {
        out.push_str(&paint_diagnostic(options, file, warning));
        out.push('\n');
    }
    let c = counts(model);
    out.push_str(&format!(
        "{file}: {} — `{}`: {} provider{} ({} region{}, {} zone{}, {} regional and {} global service{}), \
         {} component{}, {} function{}, {} dependenc{}; {} warning{}\n",
        options.paint(UP, "valid"),
        model.name(),
        c.providers,
        plural_suffix(c.providers),
        c.regions,
        plural_suffix(c.regions),
        c.zones,
        plural_suffix(c.zones),
        c.regional_services,
        c.global_services,
        plural_suffix(c.global_services),
        c.components,
        plural_suffix(c.components),
        c.functions,
        plural_suffix(c.functions),
        c.dependencies,
        if c.dependencies == 1 { "y" } else { "ies" },
        model.warnings().len(),
        plural_suffix(model.warnings().len()),
    ));
    out
}

/// A valid model as `{file, valid: true, name, counts, errors: [], warnings: […]}`.
pub fn validation_json(file: &str, model: &Model) -> String {
    #[derive(Serialize)]
    struct Valid<'a> {
        file: &'a str,
        valid: bool,
        name: &'a str,
        counts: Counts,
        errors: [(); 0],
        warnings: Vec<DiagnosticJson<'a>>,
    }
    to_json(&Valid {
        file,
        valid: true,
        name: model.name(),
        counts: counts(model),
        errors: [],
        warnings: model.warnings().iter().map(|d| diagnostic_json(file, d)).collect(),
    })
}

pub(crate) fn to_json(value: &impl Serialize) -> String {
    let mut text = serde_json::to_string_pretty(value).expect("report structs always serialize");
    text.push('\n');
    text
}
