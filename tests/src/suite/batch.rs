//! `run_batch` against one run per binding.

use super::{assert_amps_close, assert_reals_close, compile_ok, execute, read_ok, tolerance};
use crate::random::{random_binding, random_circuit, random_observable, RandomCircuitOptions};
use ferroq_core::rng::derive_seed;
use ferroq_core::{
    Backend, BatchOptions, Circuit, CompileOptions, Error, Interrupt, OutputData, ParamBinding,
    ParamSets, Readout, Rng,
};

fn assert_outputs_close(got: &OutputData, want: &OutputData, tol: f64, ctx: &str) {
    match (got, want) {
        (OutputData::StateVector(g), OutputData::StateVector(w)) => {
            assert_amps_close(&g.to_c64(), &w.to_c64(), tol, ctx)
        }
        (OutputData::Probabilities(g), OutputData::Probabilities(w))
        | (OutputData::Expectations(g), OutputData::Expectations(w)) => {
            assert_reals_close(g, w, tol, ctx)
        }
        (g, w) => assert_eq!(g, w, "{ctx}"),
    }
}

/// `run_batch` over six bindings of a symbolic circuit equals binding, allocating with
/// `derive_seed(seed, i)`, running and reading each one by one, for state vectors,
/// probabilities, expectation values, samples and (with measurements) classical bits;
/// an empty batch is empty; the interrupt hook stops a batch with `Error::Interrupted`;
/// a bad set fails the batch with the binding's error (NaN, an unknown name, a missing
/// value); sets that name different parameters are refused when the table is built.
pub fn run_batch_equals_individual_runs<B: Backend>(b: &B) {
    let tol = tolerance(b);
    let mut rng = Rng::new(61);
    let n = 4;
    let opts = RandomCircuitOptions {
        num_gates: 50,
        symbolic: true,
        ..Default::default()
    };
    let mut circuit = random_circuit(n, &opts, &mut rng);
    circuit.rx("alpha", 0).ry("beta", 1).rz("2*gamma - 0.5", 2);
    let bindings: Vec<ParamBinding> = (0..6).map(|_| random_binding(&mut rng, &circuit)).collect();
    let program = compile_ok(&circuit, &CompileOptions::default());
    let requests = [
        Readout::StateVector,
        Readout::Probabilities,
        Readout::Marginal(vec![2, 0]),
        Readout::Expectation(vec![random_observable(&mut rng, n, 5)]),
        Readout::Samples {
            shots: 200,
            seed: 5,
        },
    ];
    let batch_opts = BatchOptions {
        seed: 42,
        interrupt: Interrupt::none(),
    };
    let sets = ParamSets::from_bindings(&bindings).expect("a table of the bindings");
    for request in &requests {
        let got = b
            .run_batch(&program, &sets, request, &batch_opts)
            .unwrap_or_else(|e| panic!("run_batch {request:?}: {e}"));
        assert_eq!(got.len(), bindings.len());
        for (i, (out, binding)) in got.iter().zip(&bindings).enumerate() {
            assert_eq!(out.precision, b.precision());
            let state = execute(b, &program, binding, derive_seed(42, i as u64));
            let want = read_ok(b, &state, request);
            let ctx = format!("run_batch item {i}, {request:?}");
            assert_outputs_close(&out.data, &want.data, tol, &ctx);
        }
    }

    // measurements: item i uses derive_seed(seed, i)
    let mut mc = Circuit::new(3);
    mc.ry("theta", 0).h(1).cx(1, 2).measure_all();
    let program = compile_ok(&mc, &CompileOptions::default());
    let thetas: Vec<ParamBinding> = (0..8)
        .map(|i| ParamBinding::new().with("theta", 0.4 * i as f64))
        .collect();
    let theta_sets = ParamSets::from_bindings(&thetas).expect("theta table");
    let got = b
        .run_batch(&program, &theta_sets, &Readout::ClassicalBits, &batch_opts)
        .expect("run_batch with measurements");
    for (i, (out, binding)) in got.iter().zip(&thetas).enumerate() {
        let state = execute(b, &program, binding, derive_seed(42, i as u64));
        let want = read_ok(b, &state, &Readout::ClassicalBits);
        assert_eq!(out.data, want.data, "run_batch item {i}: classical bits");
    }

    let empty = b
        .run_batch(
            &program,
            &ParamSets::new(vec!["theta".into()], vec![]).expect("empty table"),
            &Readout::StateVector,
            &batch_opts,
        )
        .expect("empty batch");
    assert!(empty.is_empty(), "an empty batch returned outputs");

    let stop = || true;
    let interrupting = BatchOptions {
        seed: 0,
        interrupt: Interrupt::new(&stop),
    };
    let err = b
        .run_batch(&program, &theta_sets, &Readout::StateVector, &interrupting)
        .expect_err("an interrupted batch succeeded");
    assert_eq!(err, Error::Interrupted);

    let mut bad = thetas.clone();
    bad[3] = ParamBinding::new().with("theta", f64::NAN);
    let err = b
        .run_batch(
            &program,
            &ParamSets::from_bindings(&bad).expect("table"),
            &Readout::StateVector,
            &batch_opts,
        )
        .expect_err("a NaN binding succeeded");
    assert!(
        matches!(err, Error::NonFiniteParameter { .. }),
        "NaN binding gave {err:?}"
    );
    let with_omega: Vec<ParamBinding> = thetas
        .iter()
        .map(|t| t.clone().with("omega", 2.0))
        .collect();
    let err = b
        .run_batch(
            &program,
            &ParamSets::from_bindings(&with_omega).expect("table"),
            &Readout::StateVector,
            &batch_opts,
        )
        .expect_err("a binding with an unknown name succeeded");
    assert!(
        matches!(err, Error::UnknownParameter { .. }),
        "unknown name gave {err:?}"
    );
    let err = b
        .run_batch(
            &program,
            &ParamSets::empty_rows(4),
            &Readout::StateVector,
            &batch_opts,
        )
        .expect_err("sets missing `theta` succeeded");
    assert!(
        matches!(err, Error::UnboundParameter { .. }),
        "missing value gave {err:?}"
    );
    bad[3] = ParamBinding::new();
    assert!(
        matches!(
            ParamSets::from_bindings(&bad),
            Err(Error::InvalidArgument { .. })
        ),
        "sets naming different parameters were accepted"
    );
}
