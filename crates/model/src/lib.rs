//! The blastradius resilience model: reads a YAML model file, reports every problem with its
//! location, and yields a validated [`Model`] that the rest of blastradius computes on.

mod build;
mod cycles;
mod diagnostic;
mod duration;
mod edit;
mod layer;
mod model;
mod policy;
mod raw;
mod suggest;
pub mod yaml;

#[cfg(test)]
mod tests;

pub use diagnostic::{Diagnostic, Location, ModelError, Severity};
pub use duration::{Hours, parse_units};
pub use edit::{EditError, ModelEdit, NewNode};
pub use layer::{Layer, LayerDependency, LayerNode};
pub use model::{
    Availability, Dependency, DependencyKind, Function, Model, NodeId, NodeKind, Organisation,
    Origin, ProviderProfile,
};
pub use policy::{Policy, PolicyScope, load_policy, matches_pattern};

/// At most this many problems are reported for one file; a count of the rest follows them.
pub const MAX_DIAGNOSTICS: usize = 1000;

/// Reads and validates a model from the bytes of a file; `file` names it in diagnostics.
///
/// On success the model carries its warnings (dependency cycles). On failure the error lists
/// every problem found, errors and warnings, in file order. Never panics; linear in the size of
/// the input.
pub fn load(file: &str, bytes: &[u8]) -> Result<Model, ModelError> {
    load_with(file, bytes, &[])
}

/// Like [`load`], with catalogue layers the model may opt into with `catalog: [name, …]`: each
/// named layer (and the layers it requires) is merged into the model's provider structure, its
/// dependencies added. A node the file declares with the same id and kind is the same node (the
/// file's location and availability win); the same id with another kind, a component named like
/// a catalogue node, or an unknown layer name is a located error. Linear in the size of the
/// input plus the layers used.
pub fn load_with(file: &str, bytes: &[u8], layers: &[Layer]) -> Result<Model, ModelError> {
    let fail = |diagnostics| ModelError { file: file.to_owned(), diagnostics };
    if u32::try_from(bytes.len()).is_err() {
        let message =
            format!("the file is {} bytes long, more than a model may be (4 GiB)", bytes.len());
        return Err(fail(vec![Diagnostic {
            severity: Severity::Error,
            location: None,
            message,
            help: None,
        }]));
    }
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(error) => return Err(fail(vec![not_utf8(bytes, error.valid_up_to())])),
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let (root, mut diagnostics) = yaml::parse(text);
    let Some(root) = root else {
        if diagnostics.is_empty() {
            diagnostics.push(Diagnostic {
                severity: Severity::Error,
                location: None,
                message: "the file holds no model".to_owned(),
                help: Some("a model starts with `version: 1` and `name: …`".to_owned()),
            });
        }
        return Err(fail(diagnostics.into_sorted(MAX_DIAGNOSTICS)));
    };
    let raw = raw::read(root.root(), &mut diagnostics);
    let model = build::build(raw, layers, &mut diagnostics);
    drop(root);
    model.ok_or_else(|| fail(diagnostics.into_sorted(MAX_DIAGNOSTICS)))
}

fn not_utf8(bytes: &[u8], valid_up_to: usize) -> Diagnostic {
    let before = &bytes[..valid_up_to];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let line_start = before.iter().rposition(|&b| b == b'\n').map_or(0, |p| p + 1);
    let column = String::from_utf8_lossy(&before[line_start..]).chars().count() + 1;
    Diagnostic {
        severity: Severity::Error,
        location: Some(Location { line: line as u32, column: column as u32 }),
        message: format!("the file is not UTF-8 text (byte 0x{:02x})", bytes[valid_up_to]),
        help: Some("a model is a YAML text file; is this the right file?".to_owned()),
    }
}
