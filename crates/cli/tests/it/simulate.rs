//! The simulation commands (`simulate`, `montecarlo`, `merge`): output snapshots on a small
//! model, sharded runs merging byte for byte into the unsharded output, shard indices from the
//! scheduler's environment, plots, and the usage errors.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::run;

const MODEL: &str = "crates/cli/tests/it/data/sim-shop.yaml";
const SCENARIO: &str = "crates/cli/tests/it/data/sim-shop-scenario.yaml";

/// A fresh scratch directory under the target directory for files a test writes.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch directory");
    dir
}

/// Runs the binary from the workspace root with extra environment variables; returns stdout,
/// failing the test on a non-zero exit.
fn stdout(args: &[&str], env: &[(&str, &str)]) -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let output = Command::new(env!("CARGO_BIN_EXE_blastradius"))
        .args(args)
        .env_remove("JOB_COMPLETION_INDEX")
        .env_remove("SLURM_ARRAY_TASK_ID")
        .envs(env.iter().copied())
        .env("NO_COLOR", "1")
        .current_dir(&root)
        .output()
        .expect("the binary runs");
    assert!(output.status.success(), "{args:?}: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout).expect("UTF-8 output")
}

#[test]
fn simulate_reports_the_metastable_collapse() {
    insta::assert_snapshot!(run(&[
        "simulate",
        MODEL,
        "--scenario",
        SCENARIO,
        "--replications",
        "4"
    ]));
}

#[test]
fn montecarlo_reports_downtime_next_to_the_exact_mean() {
    insta::assert_snapshot!(run(&["montecarlo", MODEL, "--years", "400", "--seed", "7"]));
}

#[test]
fn same_seed_same_bytes_whatever_the_threads() {
    let args =
        ["simulate", MODEL, "--scenario", SCENARIO, "--replications", "5", "--format", "json"];
    let one = stdout(&[&args[..], &["--threads", "1"]].concat(), &[]);
    assert_eq!(one, stdout(&[&args[..], &["--threads", "3"]].concat(), &[]));
    assert!(one.contains("\"not_recovered\": 5"), "the scenario collapses: {one:.400}");
}

#[test]
fn merged_shards_are_byte_identical_to_the_unsharded_run() {
    let dir = scratch("merge");
    for (command, count_flag, count) in
        [("simulate", "--replications", "7"), ("montecarlo", "--years", "150")]
    {
        let mut base = vec![command, MODEL, count_flag, count, "--seed", "11"];
        if command == "simulate" {
            base.extend(["--scenario", SCENARIO]);
        }
        let mut shards = Vec::new();
        for i in 0..3 {
            let file = dir.join(format!("{command}-{i}.json")).display().to_string();
            let shard = format!("{i}/3");
            // Shard 1 takes its index from Kubernetes, shard 2 from Slurm, shard 0 from the flag.
            match i {
                0 => stdout(&[&base[..], &["--shard", &shard, "-o", &file]].concat(), &[]),
                1 => stdout(
                    &[&base[..], &["--shards", "3", "-o", &file]].concat(),
                    &[("JOB_COMPLETION_INDEX", "1")],
                ),
                _ => stdout(
                    &[&base[..], &["--shards", "3", "-o", &file]].concat(),
                    &[("SLURM_ARRAY_TASK_ID", "2")],
                ),
            };
            shards.push(file);
        }
        shards.reverse();
        for format in ["json", "human"] {
            let whole = stdout(&[&base[..], &["--format", format]].concat(), &[]);
            let mut merge = vec!["merge", "--format", format];
            merge.extend(shards.iter().map(String::as_str));
            assert_eq!(stdout(&merge, &[]), whole, "{command} {format}");
        }
        // A missing shard is an error, not a smaller result.
        let output = run(&["merge", &shards[0], &shards[1]]);
        assert!(output.starts_with("exit: 2") && output.contains("missing"), "{output}");
    }
}

#[test]
fn plots_are_written_as_svg_and_png() {
    let dir = scratch("plots");
    let plot = |name: &str| {
        let path = dir.join(name).display().to_string();
        stdout(
            &["simulate", MODEL, "--scenario", SCENARIO, "--replications", "2", "--plot", &path],
            &[],
        );
        std::fs::read(&path).expect("plot written")
    };
    let svg = String::from_utf8(plot("run.svg")).expect("SVG is text");
    assert!(svg.starts_with("<svg") && svg.contains("buy goodput/s") && svg.contains("db queue"));
    let png = plot("run.png");
    assert!(png.starts_with(b"\x89PNG"), "a PNG file");
    assert_eq!(plot("again.png"), png, "the same run draws the same PNG, byte for byte");
    // The PNG carries text: black glyphs in each panel's title band (above its plot area, around
    // the centred caption) and among the y-axis tick labels (left of the plot area). Only the
    // text and the axis lines are neutral dark grey; the series are coloured and the fault
    // window pale red, and the bands avoid the axis lines. A PNG drawn without a font has no
    // such pixels there (checked on the text-free drawing this test replaced).
    let image = Rgb::decode(&png);
    assert_eq!((image.width, image.height), (1000, 700));
    for (band, columns, rows) in [
        ("top title", 300..700, 14..34),
        ("bottom title", 300..700, 364..384),
        ("top y tick labels", 14..60, 50..300),
        ("bottom y tick labels", 14..60, 400..650),
    ] {
        let ink = image.dark_grey(columns, rows);
        assert!(ink >= 40, "{band}: {ink} dark grey pixels, so no text was drawn");
    }
}

/// A decoded 8-bit RGB image.
struct Rgb {
    width: usize,
    height: usize,
    pixels: Vec<u8>,
}

impl Rgb {
    fn decode(bytes: &[u8]) -> Rgb {
        let mut reader = png::Decoder::new(bytes).read_info().expect("a readable PNG");
        let mut pixels = vec![0; reader.output_buffer_size()];
        let frame = reader.next_frame(&mut pixels).expect("one frame");
        assert_eq!(
            (frame.color_type, frame.bit_depth),
            (png::ColorType::Rgb, png::BitDepth::Eight)
        );
        pixels.truncate(frame.buffer_size());
        Rgb { width: frame.width as usize, height: frame.height as usize, pixels }
    }

    /// Pixels in the block that are dark and neutral, as anti-aliased black text is.
    fn dark_grey(&self, columns: std::ops::Range<usize>, rows: std::ops::Range<usize>) -> usize {
        rows.flat_map(|y| columns.clone().map(move |x| (x, y)))
            .filter(|&(x, y)| {
                let at = 3 * (y * self.width + x);
                let [r, g, b] = [self.pixels[at], self.pixels[at + 1], self.pixels[at + 2]];
                r.max(g).max(b) < 128 && r.max(g).max(b) - r.min(g).min(b) < 24
            })
            .count()
    }
}

#[test]
fn usage_errors_and_invalid_scenarios() {
    let dir = scratch("bad-scenario");
    let bad = dir.join("bad.yaml");
    std::fs::write(
        &bad,
        "version: 1\nhorizon: 1m\nfaults:\n  - { at: 1s, for: 1s, down: strip }\n",
    )
    .expect("written");
    let output = run(&["simulate", MODEL, "--scenario", &bad.display().to_string()]);
    let output = output.replace(&dir.display().to_string(), "[dir]");
    insta::assert_snapshot!(output);
    insta::assert_snapshot!(run(&["simulate", MODEL, "--shard", "3/3"]));
    insta::assert_snapshot!(run(&["simulate", MODEL, "--shards", "3"]));
    insta::assert_snapshot!(run(&["montecarlo", MODEL, "--repair", "gamma:2"]));
}
