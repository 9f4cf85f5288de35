//! Criterion benches of the kernels: one gate pass (dense 1-qubit on the lowest and on
//! the highest qubit, dense 2-qubit, diagonal) over a 16-qubit state, unfused, on every
//! backend. The state is allocated outside the timed region; GPU runs return only when
//! the device is done, so the clock stops after the GPU.
//!
//! `cargo bench -p ferroq-bench --bench kernels`

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use ferroq::{compile, Backend, CompileOptions};
use ferroq_bench::families::Family;

mod common;

const QUBITS: u32 = 16;

fn passes(c: &mut Criterion) {
    let mut group = c.benchmark_group("pass");
    for (label, backend) in common::backends() {
        let bytes = backend.precision().amplitude_bytes() << QUBITS;
        // Unfused accounting: one read and one write of the state.
        group.throughput(Throughput::Bytes(2 * bytes));
        for family in Family::ALL.into_iter().filter(|f| f.is_pass()) {
            let circuit = family.circuit(QUBITS, 0, 0);
            let program = compile(&circuit, &CompileOptions::unfused())
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
    }
    group.finish();
}

criterion_group!(benches, passes);
criterion_main!(benches);
