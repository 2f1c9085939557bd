//! Integration tests of the `blastradius` binary: exit code, stdout and stderr of real runs,
//! snapshotted.

mod cli;
mod fta;
mod incident;
mod policy;
mod risk;
mod serve;
mod simulate;

use std::path::Path;
use std::process::Command;

/// Runs `blastradius` with `args` from the workspace root and renders exit code, stdout and
/// stderr as one text.
pub(crate) fn run(args: &[&str]) -> String {
    run_in(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../.."), args)
}

/// Like [`run`], from directory `dir`.
pub(crate) fn run_in(dir: &Path, args: &[&str]) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_blastradius"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("the binary runs");
    format!(
        "exit: {}\n--- stdout\n{}--- stderr\n{}",
        output.status.code().map_or("signal".to_owned(), |c| c.to_string()),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// `run(args)`, then the same with `--format json` (numbers rounded as by [`rounded`]), as one
/// text for a snapshot.
pub(crate) fn human_and_json(args: &[&str]) -> String {
    let human = run(args);
    let mut json_args = args.to_vec();
    json_args.extend_from_slice(&["--format", "json"]);
    format!("{human}\n{}", rounded(&run(&json_args)))
}

/// `text` with every fractional JSON number (`"key": 0.00271…`) rounded to ten significant
/// digits, so that snapshots do not depend on the last bits of a sum, whose order the engine's
/// variable order decides.
pub(crate) fn rounded(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        let number = line.find("\": ").map(|at| at + 3).and_then(|start| {
            let end = line[start..].find([',', '\n']).map_or(line.len(), |e| start + e);
            let literal = &line[start..end];
            let is_fractional = literal.contains(['.', 'e', 'E']);
            literal.parse::<f64>().ok().filter(|_| is_fractional).map(|value| (start, end, value))
        });
        match number {
            Some((start, end, value)) => {
                out.push_str(&format!("{}{value:.9e}{}", &line[..start], &line[end..]))
            }
            None => out.push_str(line),
        }
    }
    out
}
