//! Criterion benches of the circuit families at small sizes: GHZ, QFT and random
//! layered circuits on 16 qubits with each backend's own fusion, the parameter-sweep
//! batch on 8 qubits, and compilation (validation + fusion) of the 20-qubit random
//! circuit. States are allocated outside the timed region; GPU runs are synchronised.
//!
//! `cargo bench -p ferroq-bench --bench families`

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use ferroq::{compile, Backend, BatchOptions, ParamSets, Readout};
use ferroq_bench::families::{
    sweep_bindings, sweep_observable, Family, DEFAULT_LAYERS, DEFAULT_SEED, SWEEP_LAYERS,
};

mod common;

const QUBITS: u32 = 16;
const SWEEP_QUBITS: u32 = 8;
const SWEEP_BATCH: usize = 256;

fn circuits(c: &mut Criterion) {
    let mut group = c.benchmark_group("family");
    group.sample_size(20);
    for (label, backend) in common::backends() {
        for family in [Family::Ghz, Family::Qft, Family::Random] {
            let circuit = family.circuit(QUBITS, DEFAULT_LAYERS, DEFAULT_SEED);
            let program = compile(&circuit, &backend.compile_options())
                .and_then(|p| p.bind(&[]))
                .expect("compiles");
            group.bench_function(format!("{label}/{family}/{QUBITS}"), |b| {
                b.iter_batched_ref(
                    || backend.alloc(QUBITS, 0).expect("allocates"),
                    |state| backend.run(state, &program).expect("runs"),
                    BatchSize::LargeInput,
                )
            });
        }
        let ansatz = Family::Sweep.circuit(SWEEP_QUBITS, 0, 0);
        let program = compile(&ansatz, &backend.compile_options()).expect("compiles");
        let bindings = ParamSets::from_bindings(&sweep_bindings(
            SWEEP_QUBITS,
            SWEEP_LAYERS,
            SWEEP_BATCH,
            DEFAULT_SEED,
        ))
        .expect("a table of sets");
        let request = Readout::Expectation(vec![sweep_observable(SWEEP_QUBITS)]);
        group.bench_function(format!("{label}/sweep/{SWEEP_QUBITS}x{SWEEP_BATCH}"), |b| {
            b.iter(|| {
                backend
                    .run_batch(&program, &bindings, &request, &BatchOptions::default())
                    .expect("runs")
            })
        });
    }
    group.finish();
}

fn compilation(c: &mut Criterion) {
    let circuit = Family::Random.circuit(20, DEFAULT_LAYERS, DEFAULT_SEED);
    let (_, backend) = common::backends().swap_remove(0);
    let options = backend.compile_options();
    c.bench_function("compile/random/20", |b| {
        b.iter(|| compile(&circuit, &options).expect("compiles"))
    });
}

criterion_group!(benches, circuits, compilation);
criterion_main!(benches);
