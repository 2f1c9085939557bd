//! Criterion benches of the hot paths on generated models of 10k, 100k and 1M components:
//! `load` (parse and validate the YAML text), `index` (build the what-if reverse adjacency) and
//! `what_if` (fail one region, or one zone, on a loaded model).

#![allow(missing_docs, reason = "criterion_group! generates an undocumented public function")]

use std::sync::OnceLock;
use std::time::Duration;

use blastradius_analysis::{WhatIfIndex, what_if};
use blastradius_bench::{DEFAULT_SEED, FAILED_REGION, FAILED_ZONE, generate_model};
use blastradius_model::{Model, load};
use criterion::measurement::WallTime;
use criterion::{
    BenchmarkGroup, BenchmarkId, Criterion, SamplingMode, Throughput, criterion_group,
    criterion_main,
};

const SIZES: [usize; 3] = [10_000, 100_000, 1_000_000];

/// One benchmark input, generated and loaded at most once per run and only if a bench needs it
/// (so `cargo bench -- what_if/region/10000` does not build the 1M model).
struct Input {
    text: OnceLock<String>,
    model: OnceLock<Model>,
    index: OnceLock<WhatIfIndex>,
}

static INPUTS: [Input; 3] =
    [const { Input { text: OnceLock::new(), model: OnceLock::new(), index: OnceLock::new() } }; 3];

fn text(size: usize) -> &'static str {
    INPUTS[size].text.get_or_init(|| generate_model(SIZES[size], DEFAULT_SEED))
}

fn model(size: usize) -> &'static Model {
    INPUTS[size].model.get_or_init(|| {
        load("bench.yaml", text(size).as_bytes()).expect("the generated model is valid")
    })
}

fn index(size: usize) -> &'static WhatIfIndex {
    INPUTS[size].index.get_or_init(|| WhatIfIndex::new(model(size)))
}

/// Few samples and a short measurement for the sizes where one iteration takes long; flat
/// sampling so that a sample of a one-second step is one iteration.
fn configure(group: &mut BenchmarkGroup<'_, WallTime>, n: usize) {
    if n >= 100_000 {
        group
            .sample_size(10)
            .warm_up_time(Duration::from_secs(1))
            .measurement_time(Duration::from_secs(5));
        group.sampling_mode(SamplingMode::Flat);
    } else {
        group
            .sample_size(20)
            .warm_up_time(Duration::from_secs(1))
            .measurement_time(Duration::from_secs(3));
        group.sampling_mode(SamplingMode::Auto);
    }
}

fn bench_load(c: &mut Criterion) {
    let mut group = c.benchmark_group("load");
    for (size, &n) in SIZES.iter().enumerate() {
        configure(&mut group, n);
        let text = text(size);
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_with_input(BenchmarkId::from_parameter(n), text, |b, text| {
            b.iter_with_large_drop(|| load("bench.yaml", text.as_bytes()).expect("valid"));
        });
    }
    group.finish();
}

fn bench_index(c: &mut Criterion) {
    let mut group = c.benchmark_group("index");
    for (size, &n) in SIZES.iter().enumerate() {
        configure(&mut group, n);
        group.throughput(Throughput::Elements(n as u64));
        group.bench_function(BenchmarkId::from_parameter(n), |b| {
            let model = model(size);
            b.iter(|| WhatIfIndex::new(model));
        });
    }
    group.finish();
}

fn bench_what_if(c: &mut Criterion) {
    let mut group = c.benchmark_group("what_if");
    for (size, &n) in SIZES.iter().enumerate() {
        configure(&mut group, n);
        group.throughput(Throughput::Elements(n as u64));
        for (what, id) in [("region", FAILED_REGION), ("zone", FAILED_ZONE)] {
            group.bench_function(BenchmarkId::new(what, n), |b| {
                let (model, index) = (model(size), index(size));
                let failed = [model.lookup(id).expect("the failed node exists")];
                b.iter(|| what_if(model, index, &failed));
            });
        }
    }
    group.finish();
}

criterion_group!(benches, bench_load, bench_index, bench_what_if);
criterion_main!(benches);
