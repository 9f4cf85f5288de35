//! The generic conformance suite: every check is a `pub fn name<B: Backend>(backend: &B)`
//! that panics with a precise message on a mismatch.
//!
//! # Instantiating it for a backend
//!
//! Use [`conformance_suite!`](crate::conformance_suite) in an integration test of
//! `tests/tests/` (one file per backend), once per configuration:
//!
//! ```no_run
//! use ferroq_conformance::conformance_suite;
//! use ferroq_core::Precision;
//! use ferroq_cpu::{CpuBackend, CpuOptions};
//!
//! conformance_suite!(cpu_double, Precision::Double, || {
//!     CpuBackend::new(CpuOptions { precision: Precision::Double, ..Default::default() })
//!         .expect("CPU backend")
//! });
//! # fn main() {}
//! ```
//!
//! This expands to a module `cpu_double` with one `#[test]` per check in
//! [`CHECKS`] (plus `reports_declared_precision`), each building a fresh backend with
//! the closure. For a backend that may be missing at run time (a GPU without an
//! adapter), give a closure returning `Option<B>` after the keyword `optional`; the
//! tests then pass with a note on stderr when it returns `None`:
//!
//! ```no_run
//! # use ferroq_conformance::conformance_suite;
//! # use ferroq_core::Precision;
//! # use ferroq_cpu::{CpuBackend, CpuOptions};
//! // e.g. `|| WgpuBackend::new(WgpuOptions { .. }).ok()` for the GPU backend
//! conformance_suite!(maybe_cpu, Precision::Single, optional || {
//!     CpuBackend::new(CpuOptions { precision: Precision::Single, ..Default::default() }).ok()
//! });
//! # fn main() {}
//! ```
//!
//! A new check is a `pub fn` in one of the submodules, re-exported here, and added to
//! the one list in `__with_checks!` (from which [`CHECKS`] and
//! [`conformance_suite!`](crate::conformance_suite) are both made).
//!
//! Tolerances come from `backend.precision().tolerance()`; every output's precision tag
//! must equal `backend.precision()`, which must equal the declared precision.

mod batch;
mod circuits;
mod errors;
mod gates;
mod gradients;
mod measure;
mod noise;
mod readout;

pub use batch::*;
pub use circuits::*;
pub use errors::*;
pub use gates::*;
pub use gradients::*;
pub use measure::*;
pub use noise::*;
pub use readout::*;

use ferroq_core::{
    compile, Backend, BoundProgram, Circuit, CompileOptions, Complex64, Machine, Output,
    ParamBinding, Plan, Precision, Readout, StateVector,
};
use std::fmt::Display;

/// The one list of the suite's checks: calls `$callback!($($args)* [check, ...])`.
/// Both [`CHECKS`] and [`conformance_suite!`](crate::conformance_suite) are made from it.
#[doc(hidden)]
#[macro_export]
macro_rules! __with_checks {
    ($callback:ident ! ( $($args:tt)* )) => {
        $crate::$callback!($($args)* [
            little_endian_order, every_gate_matches_textbook, matrices_on_low_targets_match_reference, alloc_gives_zero_state,
            ghz_matches_analytic, qft_matches_analytic, random_circuits_match_reference,
            permutation_sandwiches_match_reference, wide_and_large_circuits_match_reference,
            norm_is_preserved, runs_compose, consumed_state_vector_equals_copy,
            probabilities_and_marginals_match_reference,
            expectations_match_reference, sampling_matches_distribution,
            measurement_collapses_state, reset_returns_to_zero,
            teleportation_with_conditionals, classical_bits_and_conditions,
            mid_circuit_random_circuits_match_branches, run_batch_equals_individual_runs,
            circuit_errors_are_reported, backend_errors_are_reported,
            degenerate_inputs_do_not_panic, gradients_match_finite_differences,
            noisy_expectations_match_density_reference, noisy_shots_match_density_reference,
            readout_errors_in_trajectories, noisy_trajectories_are_reproducible,
            shared_prefix_trajectories_match_density_reference,
            shared_prefixes_give_the_same_shots,
        ]);
    };
}

/// Implementation detail of [`CHECKS`].
#[doc(hidden)]
#[macro_export]
macro_rules! __checks_const {
    ([$($check:ident),* $(,)?]) => {
        /// Names of every check the macro instantiates, in order.
        pub const CHECKS: &[&str] = &[$(stringify!($check)),*];
    };
}

__with_checks!(__checks_const!());

/// Implementation detail of [`checks`].
#[doc(hidden)]
#[macro_export]
macro_rules! __checks_fn {
    ([$($check:ident),* $(,)?]) => {
        /// Every check of [`CHECKS`] with its name, in order, for a harness that runs
        /// them in turn itself: the MPI backend's test runs them on every rank in step
        /// (its calls are collective, so they cannot run on parallel test threads).
        pub fn checks<B: Backend>() -> Vec<(&'static str, fn(&B))> {
            vec![$((stringify!($check), $check::<B> as fn(&B))),*]
        }
    };
}

__with_checks!(__checks_fn!());

/// Instantiates the whole conformance suite as `#[test]`s in a module `$name`.
///
/// `conformance_suite!(name, precision, || make_backend())`, or
/// `conformance_suite!(name, precision, optional || maybe_backend())` for a closure
/// returning `Option<B>` (tests pass with a note when it is `None`). `precision` is the
/// [`Precision`](ferroq_core::Precision) the backend must report. See [`crate::suite`].
#[macro_export]
macro_rules! conformance_suite {
    ($name:ident, $precision:expr, optional $make:expr) => {
        $crate::__with_checks!(__conformance_tests!($name, $precision, $make;));
    };
    ($name:ident, $precision:expr, $make:expr) => {
        $crate::conformance_suite!($name, $precision, optional || Some(($make)()));
    };
}

/// Implementation detail of [`conformance_suite!`].
#[doc(hidden)]
#[macro_export]
macro_rules! __conformance_tests {
    ($name:ident, $precision:expr, $make:expr; [$($check:ident),* $(,)?]) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            #[test]
            fn reports_declared_precision() {
                if let Some(backend) = ($make)() {
                    $crate::suite::reports_precision(&backend, $precision);
                } else {
                    eprintln!("skipped: backend unavailable");
                }
            }

            $(
                #[test]
                fn $check() {
                    match ($make)() {
                        Some(backend) => $crate::suite::$check(&backend),
                        None => eprintln!("skipped: backend unavailable"),
                    }
                }
            )*
        }
    };
}

/// Checks that the backend reports `precision`.
pub fn reports_precision<B: Backend>(b: &B, precision: Precision) {
    assert_eq!(
        b.precision(),
        precision,
        "backend `{}` reports the wrong precision",
        b.name()
    );
}

/// The comparison tolerance of a backend.
pub fn tolerance<B: Backend>(b: &B) -> f64 {
    b.precision().tolerance()
}

/// The fusion settings every random circuit runs under: unfused, default, and
/// `max_fused_qubits` 1..=6.
pub fn fusion_variants() -> Vec<(String, CompileOptions)> {
    let mut v = vec![
        ("unfused".to_string(), CompileOptions::unfused()),
        ("default".to_string(), CompileOptions::default()),
    ];
    for k in 1..=6 {
        v.push((
            format!("max_fused_qubits={k}"),
            CompileOptions {
                max_fused_qubits: k,
                ..CompileOptions::default()
            },
        ));
    }
    v
}

/// Compiles, panicking with the error on failure.
pub fn compile_ok(circuit: &Circuit, options: &CompileOptions) -> Plan {
    compile(circuit, options).unwrap_or_else(|e| panic!("compile failed: {e}\n{circuit}"))
}

/// Binds a plan without parameters, panicking with the error on failure.
pub fn bound(plan: &Plan) -> BoundProgram {
    plan.bind_named(&ParamBinding::new())
        .unwrap_or_else(|e| panic!("bind failed: {e}"))
}

/// Binds `program`, allocates a machine seeded with `seed`, runs it.
pub fn execute<B: Backend>(
    b: &B,
    program: &Plan,
    binding: &ParamBinding,
    seed: u64,
) -> Machine<B::State> {
    let bound = program
        .bind_named(binding)
        .unwrap_or_else(|e| panic!("bind failed: {e}"));
    let mut state = b
        .alloc(program.num_qubits(), seed)
        .unwrap_or_else(|e| panic!("alloc({}) failed: {e}", program.num_qubits()));
    b.run(&mut state, &bound)
        .unwrap_or_else(|e| panic!("run failed: {e}"));
    state
}

/// Reads a readout, checking that its precision tag is the backend's.
pub fn read_ok<B: Backend>(b: &B, state: &Machine<B::State>, request: &Readout) -> Output {
    let out = b
        .read(state, request)
        .unwrap_or_else(|e| panic!("read {request:?} failed: {e}"));
    assert_eq!(
        out.precision,
        b.precision(),
        "output of {request:?} has the wrong precision tag"
    );
    out
}

/// The state vector widened to complex128, checking that its element type matches the
/// backend's precision.
pub fn state_vector<B: Backend>(b: &B, state: &Machine<B::State>) -> Vec<Complex64> {
    let sv = read_ok(b, state, &Readout::StateVector)
        .into_state_vector()
        .expect("a state vector");
    match (&sv, b.precision()) {
        (StateVector::Single(_), Precision::Single)
        | (StateVector::Double(_), Precision::Double) => {}
        _ => panic!("state vector element type does not match {}", b.precision()),
    }
    sv.to_c64()
}

/// Compiles with `options`, runs with `binding` and returns the final state vector.
pub fn run_state<B: Backend>(
    b: &B,
    circuit: &Circuit,
    options: &CompileOptions,
    binding: &ParamBinding,
) -> Vec<Complex64> {
    let state = execute(b, &compile_ok(circuit, options), binding, 0);
    state_vector(b, &state)
}

/// Largest `|got_i − want_i|`.
pub fn max_abs_diff(got: &[Complex64], want: &[Complex64]) -> f64 {
    got.iter()
        .zip(want)
        .map(|(a, b)| (a - b).norm())
        .fold(0.0, f64::max)
}

/// Asserts two amplitude vectors agree entry-wise within `tol`.
pub fn assert_amps_close(got: &[Complex64], want: &[Complex64], tol: f64, ctx: impl Display) {
    assert_eq!(got.len(), want.len(), "{ctx}: state length differs");
    let (i, d) = got
        .iter()
        .zip(want)
        .map(|(a, b)| (a - b).norm())
        .enumerate()
        .fold((0, 0.0), |acc, (i, d)| if d > acc.1 { (i, d) } else { acc });
    assert!(
        d <= tol,
        "{ctx}: amplitude {i} is {} but should be {} (|diff| = {d:.3e} > tol {tol:.1e})",
        got[i],
        want[i]
    );
}

/// Asserts two real vectors agree entry-wise within `tol`.
pub fn assert_reals_close(got: &[f64], want: &[f64], tol: f64, ctx: impl Display) {
    assert_eq!(got.len(), want.len(), "{ctx}: length differs");
    for (i, (a, b)) in got.iter().zip(want).enumerate() {
        assert!(
            (a - b).abs() <= tol,
            "{ctx}: entry {i} is {a} but should be {b} (tol {tol:.1e})"
        );
    }
}

/// A chi-square statistic of observed counts against probabilities, pooling the bins
/// whose expected count is below 5. Returns `(statistic, degrees of freedom)`.
pub fn chi_square(counts: &[u64], probs: &[f64], shots: u64) -> (f64, usize) {
    let (mut stat, mut bins) = (0.0, 0usize);
    let (mut pooled_obs, mut pooled_exp) = (0.0, 0.0);
    for (&o, &p) in counts.iter().zip(probs) {
        let e = p * shots as f64;
        if e < 5.0 {
            pooled_obs += o as f64;
            pooled_exp += e;
        } else {
            stat += (o as f64 - e).powi(2) / e;
            bins += 1;
        }
    }
    if pooled_exp >= 1.0 {
        stat += (pooled_obs - pooled_exp).powi(2) / pooled_exp;
        bins += 1;
    } else {
        assert!(
            pooled_obs <= 5.0,
            "{pooled_obs} draws in bins of total expected count {pooled_exp}"
        );
    }
    (stat, bins.saturating_sub(1))
}

/// A generous acceptance bound for a chi-square statistic with `df` degrees of freedom
/// (about 6 standard deviations above the mean). Seeds are fixed, so this is a
/// deterministic check; the margin only keeps it valid across correct backends.
pub fn chi_square_bound(df: usize) -> f64 {
    df as f64 + 6.0 * (2.0 * df as f64).sqrt() + 10.0
}

#[cfg(test)]
mod tests {
    use super::CHECKS;

    /// Every check of the one list has its `pub fn`.
    #[test]
    fn every_listed_check_exists() {
        assert!(!CHECKS.is_empty());
        let bodies = [
            include_str!("suite/batch.rs"),
            include_str!("suite/circuits.rs"),
            include_str!("suite/errors.rs"),
            include_str!("suite/gates.rs"),
            include_str!("suite/gradients.rs"),
            include_str!("suite/measure.rs"),
            include_str!("suite/noise.rs"),
            include_str!("suite/readout.rs"),
        ]
        .concat();
        for name in CHECKS {
            assert!(
                bodies.contains(&format!("pub fn {name}<B: Backend>(")),
                "check `{name}` has no `pub fn {name}<B: Backend>`"
            );
        }
    }
}
