//! `gen-model N [SEED] > file.yaml`: writes a generated benchmark model of N components to
//! standard output, for running the CLI or `load-model` on a large file.

#![allow(clippy::print_stderr, reason = "a command-line tool reports usage errors on stderr")]

use std::io::Write as _;
use std::process::ExitCode;

use blastradius_bench::{DEFAULT_SEED, generate_model};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let parsed = match args.as_slice() {
        [n] => n.parse().ok().map(|n| (n, DEFAULT_SEED)),
        [n, seed] => n.parse().ok().zip(seed.parse().ok()),
        _ => None,
    };
    let Some((n, seed)) = parsed else {
        eprintln!(
            "usage: gen-model N [SEED] > model.yaml   (N components, SEED defaults to {DEFAULT_SEED})"
        );
        return ExitCode::from(2);
    };
    let text = generate_model(n, seed);
    let mut stdout = std::io::stdout().lock();
    if let Err(error) = stdout.write_all(text.as_bytes()).and_then(|()| stdout.flush()) {
        eprintln!("gen-model: cannot write the model: {error}");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
