//! The conformance suite on the MPI backend, and checks that force exchanges on every
//! qubit. Its own harness (`harness = false`): every call of the backend is collective,
//! so the checks run in turn, in the same order on every rank. Run under mpirun:
//!
//! ```text
//! CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_RUNNER="mpirun --allow-run-as-root --oversubscribe -np 4" \
//!     cargo test -p ferroq-conformance --features mpi --test mpi
//! ```
//!
//! Arguments filter the checks by substring. Every rank checks the same results (the
//! backend gives every rank the same readouts); rank 0 reports.

use ferroq_conformance::random::{random_circuit, random_observable, RandomCircuitOptions};
use ferroq_conformance::reference::final_state;
use ferroq_conformance::suite::{self, assert_amps_close, compile_ok, state_vector};
use ferroq_core::{
    Backend, Circuit, CompileOptions, Observable, ParamBinding, Precision, Readout, Rng,
};
use ferroq_cpu::{CpuBackend, CpuOptions};
use ferroq_mpi::{MpiBackend, MpiOptions};
use std::panic::{catch_unwind, AssertUnwindSafe};

fn backend(precision: Precision, min_local_qubits: u32, chunk: usize) -> MpiBackend {
    MpiBackend::new(MpiOptions {
        cpu: CpuOptions {
            precision,
            threads: Some(1),
            ..CpuOptions::default()
        },
        min_local_qubits,
        exchange_chunk: chunk,
    })
    .expect("MPI backend")
}

/// Every non-identity gate on every qubit, one qubit at a time, on states of 3 to 8
/// qubits with a single local qubit kept per rank where possible: each dense gate on a
/// global qubit forces an exchange. Checked against the reference simulator.
fn exchanges_on_every_qubit(b: &MpiBackend) {
    let none = ParamBinding::new();
    let mut rng = Rng::new(16);
    let before = ferroq_mpi::exchanges();
    for n in 2..=8u32 {
        let mut c = Circuit::new(n);
        for q in 0..n {
            c.h(q).ry(0.3 + q as f64, q);
        }
        for q in (0..n).rev() {
            c.rx(0.7, q).cx(q, (q + 1) % n).rz(0.2, q);
        }
        c.swap(0, n - 1).cz(0, n - 1).h(n - 1);
        let want = final_state(&c, &none).amps;
        for options in [CompileOptions::unfused(), b.compile_options()] {
            let got = suite::run_state(b, &c, &options, &none);
            assert_amps_close(&got, &want, 1e-10, format!("every qubit, n = {n}"));
        }
        // Random circuits of every gate kind (at most two-qubit blocks).
        for seed in 0..3 {
            let opts = RandomCircuitOptions {
                num_gates: 40,
                ..RandomCircuitOptions::default()
            };
            let c = random_circuit(n, &opts, &mut rng);
            if c.instructions().iter().any(|i| i.qubits().len() > 2) {
                continue;
            }
            let want = final_state(&c, &none).amps;
            let got = suite::run_state(b, &c, &b.compile_options(), &none);
            assert_amps_close(&got, &want, 1e-10, format!("random n = {n} seed {seed}"));
        }
    }
    let ranks = b.ranks();
    if ranks > 1 {
        assert!(
            ferroq_mpi::exchanges() > before,
            "no exchange happened on {ranks} ranks"
        );
    }
}

/// Reads of a state left in a relabelled layout (after exchanges) against the
/// reference: probabilities, marginals, expectation values with X/Y on global qubits,
/// and samples equal to the CPU backend's for the same seed.
fn reads_after_exchanges(b: &MpiBackend) {
    let none = ParamBinding::new();
    let mut rng = Rng::new(61);
    let cpu = CpuBackend::new(CpuOptions {
        threads: Some(1),
        ..CpuOptions::default()
    })
    .expect("CPU backend");
    for n in [3u32, 5, 7] {
        let mut c = Circuit::new(n);
        for q in (0..n).rev() {
            c.h(q).ry(0.4 * (q + 1) as f64, q).cx(q, (q + 2) % n);
        }
        let want = final_state(&c, &none).amps;
        let plan = compile_ok(&c, &b.compile_options());
        let observables: Vec<Observable> =
            (0..4).map(|_| random_observable(&mut rng, n, 5)).collect();
        let marg: Vec<u32> = (0..n).rev().step_by(2).collect();
        let requests = [
            Readout::Expectation(observables.clone()),
            Readout::Marginal(marg.clone()),
            Readout::Probabilities,
            Readout::Samples {
                shots: 500,
                seed: 9,
            },
        ];
        for request in &requests {
            let m = suite::execute(b, &plan, &none, 0);
            let got = b.read(&m, request).expect("read");
            let cm = suite::execute(&cpu, &plan, &none, 0);
            let cpu_out = cpu.read(&cm, request).expect("CPU read");
            match request {
                Readout::Samples { .. } => assert_eq!(
                    got.data, cpu_out.data,
                    "n = {n}: same seed, same shots as the CPU backend"
                ),
                Readout::Probabilities => {
                    let p = got.into_probabilities().expect("probabilities");
                    for (i, (a, w)) in p.iter().zip(&want).enumerate() {
                        assert!((a - w.norm_sqr()).abs() < 1e-10, "n = {n}: p[{i}]");
                    }
                }
                Readout::Marginal(qs) => {
                    let p = got.into_probabilities().expect("marginal");
                    let mut r = vec![0.0; 1 << qs.len()];
                    for (i, a) in want.iter().enumerate() {
                        r[ferroq_conformance::reference::gather_bits(i, qs)] += a.norm_sqr();
                    }
                    for (j, (a, w)) in p.iter().zip(&r).enumerate() {
                        assert!((a - w).abs() < 1e-10, "n = {n}: marginal[{j}]");
                    }
                }
                Readout::Expectation(obs) => {
                    let e = got.into_expectations().expect("expectations");
                    for (o, v) in obs.iter().zip(e) {
                        let w = reference_expectation(n, o, &want);
                        assert!((v - w).abs() < 1e-10, "n = {n}: <{o}> = {v}, want {w}");
                    }
                }
                _ => unreachable!(),
            }
        }
        let m = suite::execute(b, &plan, &none, 0);
        let got = state_vector(b, &m);
        assert_amps_close(&got, &want, 1e-10, format!("state after reads, n = {n}"));
    }
}

fn reference_expectation(n: u32, o: &Observable, amps: &[ferroq_core::Complex64]) -> f64 {
    use ferroq_conformance::reference::{inner, pauli_string_matrix};
    o.terms()
        .iter()
        .map(|t| {
            let m = pauli_string_matrix(n, &t.ops);
            let applied = m.apply(amps);
            t.coeff * inner(amps, &applied).re
        })
        .sum()
}

/// A non-power-of-two world, bad options: errors, not panics (only the options here;
/// the world size is fixed by mpirun).
fn bad_options_are_errors(_b: &MpiBackend) {
    for options in [
        MpiOptions {
            min_local_qubits: 0,
            ..MpiOptions::default()
        },
        MpiOptions {
            exchange_chunk: 3,
            ..MpiOptions::default()
        },
    ] {
        assert!(MpiBackend::new(options).is_err());
    }
}

type Check = (&'static str, fn(&MpiBackend));

fn main() {
    let filters: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    let (rank, size) = ferroq_mpi::world_rank_size().expect("MPI");
    let say = |s: String| {
        if rank == 0 {
            println!("{s}");
        }
    };
    say(format!("MPI conformance on {size} ranks"));
    let configs: Vec<(String, Precision, u32, usize)> = vec![
        ("double".into(), Precision::Double, 6, 1 << 16),
        ("single".into(), Precision::Single, 6, 1 << 16),
    ];
    let mut failed = Vec::new();
    let mut passed = 0;
    let mut run = |name: String, check: &dyn Fn()| {
        if !filters.is_empty() && !filters.iter().any(|f| name.contains(f.as_str())) {
            return;
        }
        let ok = catch_unwind(AssertUnwindSafe(check)).is_ok();
        // Every rank must agree; a check that failed on one rank fails everywhere.
        let all = ferroq_mpi::all_ranks(ok);
        say(format!(
            "test {name} ... {}",
            if all { "ok" } else { "FAILED" }
        ));
        if all {
            passed += 1;
        } else {
            failed.push(name);
        }
    };
    for (label, precision, min_local, chunk) in &configs {
        let b = backend(*precision, *min_local, *chunk);
        run(format!("mpi_{label}::reports_declared_precision"), &|| {
            suite::reports_precision(&b, *precision)
        });
        for (name, check) in suite::checks::<MpiBackend>() {
            run(format!("mpi_{label}::{name}"), &|| check(&b));
        }
    }
    // One local qubit kept, tiny chunks: exchanges everywhere, packed and in place.
    let extra: [Check; 3] = [
        ("exchanges_on_every_qubit", exchanges_on_every_qubit),
        ("reads_after_exchanges", reads_after_exchanges),
        ("bad_options_are_errors", bad_options_are_errors),
    ];
    for (min_local, chunk) in [(2u32, 2usize), (2, 1 << 16)] {
        let b = backend(Precision::Double, min_local, chunk);
        for (name, check) in extra {
            run(
                format!("mpi_exchange_l{min_local}_c{chunk}::{name}"),
                &|| check(&b),
            );
        }
    }
    say(format!(
        "\ntest result: {}. {passed} passed; {} failed ({size} ranks, {} bytes sent by rank 0 in {} exchanges)",
        if failed.is_empty() { "ok" } else { "FAILED" },
        failed.len(),
        ferroq_mpi::bytes_sent(),
        ferroq_mpi::exchanges(),
    ));
    ferroq_mpi::finalize();
    if !failed.is_empty() {
        std::process::exit(1);
    }
}
