//! Runs the built binary on the examples and on broken input and snapshots what it prints.

use std::path::Path;
use std::process::Command;

/// Runs `blastradius` with `args` from the workspace root and renders exit code, stdout and
/// stderr as one text.
fn run(args: &[&str]) -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let output = Command::new(env!("CARGO_BIN_EXE_blastradius"))
        .args(args)
        .current_dir(&root)
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

#[test]
fn demo_runs_with_no_arguments() {
    insta::assert_snapshot!(run(&["demo"]));
}
