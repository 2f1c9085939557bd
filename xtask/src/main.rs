//! Project automation, written in Rust so it runs wherever cargo does: `cargo xtask ci` runs the
//! same checks as CI (format, lints, tests, docs, tidy), stopping at the first failure.

#![allow(
    clippy::print_stdout,
    clippy::print_stderr,
    reason = "a command-line tool reports progress"
)]

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

const USAGE: &str = "usage: cargo xtask <ci|tidy>\n  ci    fmt --check, clippy -D warnings, tests, docs and tidy\n  tidy  every .rs file opens with a //! line; engine-free crates stay free";

fn main() -> ExitCode {
    let task = std::env::args().nth(1);
    let result = match task.as_deref() {
        Some("ci") => ci(),
        Some("tidy") => tidy(&workspace_root()),
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("xtask: {message}");
            ExitCode::FAILURE
        }
    }
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask lives in the workspace").to_owned()
}

fn cargo(args: &[&str]) -> Result<(), String> {
    eprintln!("xtask: cargo {}", args.join(" "));
    let status = Command::new(env!("CARGO"))
        .args(args)
        .current_dir(workspace_root())
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if status.success() { Ok(()) } else { Err(format!("`cargo {}` failed", args.join(" "))) }
}

fn ci() -> Result<(), String> {
    cargo(&["fmt", "--all", "--", "--check"])?;
    cargo(&["clippy", "--workspace", "--all-targets", "--", "-D", "warnings"])?;
    cargo(&["test", "--workspace", "--no-run"])?;
    cargo(&["test", "--workspace"])?;
    let doc_env = [("RUSTDOCFLAGS", "-D warnings")];
    eprintln!("xtask: cargo doc --workspace --no-deps (warnings denied)");
    let status = Command::new(env!("CARGO"))
        .args(["doc", "--workspace", "--no-deps"])
        .envs(doc_env)
        .current_dir(workspace_root())
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !status.success() {
        return Err("`cargo doc` failed".to_owned());
    }
    tidy(&workspace_root())
}

/// Checks that every Rust file says why it exists and that the crates meant to stand alone name
/// no workspace crate.
fn tidy(root: &Path) -> Result<(), String> {
    let mut problems = Vec::new();
    let mut files = Vec::new();
    for top in ["crates", "xtask", "fuzz/fuzz_targets"] {
        collect_rust_files(&root.join(top), &mut files);
    }
    for file in &files {
        let text = std::fs::read_to_string(file)
            .map_err(|e| format!("cannot read {}: {e}", file.display()))?;
        if !text.trim_start_matches("#![no_main]\n").starts_with("//!") {
            problems.push(format!(
                "{}: does not open with a `//!` line saying why it exists",
                file.display()
            ));
        }
    }
    for standalone in ["model", "engine"] {
        let manifest = root.join("crates").join(standalone).join("Cargo.toml");
        if let Ok(text) = std::fs::read_to_string(&manifest) {
            if text.contains("blastradius-")
                && text.lines().any(|l| l.trim_start().starts_with("blastradius-"))
            {
                problems.push(format!(
                    "{}: `{standalone}` must not depend on another workspace crate",
                    manifest.display()
                ));
            }
        }
    }
    if problems.is_empty() {
        eprintln!("xtask: tidy: {} Rust files checked", files.len());
        Ok(())
    } else {
        Err(format!("tidy found {} problem(s):\n{}", problems.len(), problems.join("\n")))
    }
}

fn collect_rust_files(dir: &Path, files: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            if path.file_name().is_some_and(|n| n != "target") {
                collect_rust_files(&path, files);
            }
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
}
