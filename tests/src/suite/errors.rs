//! Every error variant that user input can reach, as an `Err`, never a panic.
//!
//! `Error::Qasm`, `Error::BackendUnavailable` and `Error::Device` cannot be reached
//! through the `Backend` trait with valid hardware; their crates test them.

use super::{assert_amps_close, compile_ok, execute, state_vector, tolerance};
use ferroq_core::{
    compile, Backend, Circuit, CompileOptions, Complex64, Error, Gate, Matrix, Observable, Param,
    ParamBinding, Pauli, PauliTerm, Readout,
};
use std::sync::Arc;

fn compile_err(c: &Circuit) -> Error {
    compile(c, &CompileOptions::default()).expect_err(&format!("compiled: {c}"))
}

/// Circuit-level errors: qubit and clbit out of range, duplicate qubits, wrong arity,
/// non-finite parameters (at compile and at bind time), non-unitary and malformed
/// matrices, unbound and unknown parameters, parse errors, bad compile options.
pub fn circuit_errors_are_reported<B: Backend>(_b: &B) {
    let mut c = Circuit::new(3);
    c.x(5);
    assert_eq!(
        compile_err(&c),
        Error::QubitOutOfRange {
            qubit: 5,
            num_qubits: 3
        }
    );
    let mut c = Circuit::new(3);
    c.cx(0, 3);
    assert!(matches!(
        compile_err(&c),
        Error::QubitOutOfRange { qubit: 3, .. }
    ));
    let mut c = Circuit::new(2);
    c.x(0).c_if(&[4], 1);
    assert!(matches!(
        compile_err(&c),
        Error::ClbitOutOfRange { clbit: 4, .. }
    ));

    let mut c = Circuit::new(3);
    c.cx(1, 1);
    assert!(matches!(
        compile_err(&c),
        Error::DuplicateQubit { qubit: 1, .. }
    ));
    let mut c = Circuit::new(3);
    c.controlled(Gate::Swap, &[2], &[0, 2]);
    assert!(matches!(
        compile_err(&c),
        Error::DuplicateQubit { qubit: 2, .. }
    ));

    let mut c = Circuit::new(3);
    c.gate(Gate::Swap, &[0]);
    assert!(matches!(
        compile_err(&c),
        Error::Arity {
            expected: 2,
            got: 1,
            ..
        }
    ));
    let mut c = Circuit::new(3);
    c.unitary(Matrix::identity(2), &[0, 1, 2]);
    assert!(matches!(
        compile_err(&c),
        Error::Arity {
            expected: 2,
            got: 3,
            ..
        }
    ));

    for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
        let mut c = Circuit::new(1);
        c.rx(bad, 0);
        assert!(
            matches!(compile_err(&c), Error::NonFiniteParameter { .. }),
            "rx({bad})"
        );
        let mut c = Circuit::new(1);
        c.u(0.1, 0.2, Param::symbol("a") + bad, 0);
        assert!(
            matches!(compile_err(&c), Error::NonFiniteParameter { .. }),
            "a + {bad}"
        );
    }
    let mut c = Circuit::new(1);
    c.p("lam", 0);
    let program = compile_ok(&c, &CompileOptions::default());
    let err = program
        .bind_named(&ParamBinding::new().with("lam", f64::NAN))
        .expect_err("bound NaN");
    assert!(matches!(err, Error::NonFiniteParameter { .. }), "{err:?}");

    let z = Complex64::new(0.0, 0.0);
    let one = Complex64::new(1.0, 0.0);
    let mut c = Circuit::new(2);
    c.unitary(Matrix::new(2, vec![one, one, z, one]).unwrap(), &[0]);
    assert!(matches!(compile_err(&c), Error::NonUnitary { .. }));
    let mut c = Circuit::new(2);
    c.unitary(Matrix::new(2, vec![one * 1.001, z, z, one]).unwrap(), &[1]);
    assert!(matches!(compile_err(&c), Error::NonUnitary { .. }));
    let mut c = Circuit::new(2);
    c.controlled(
        Gate::Unitary(Arc::new(Matrix::diagonal(&[one, one * 2.0]))),
        &[0],
        &[1],
    );
    assert!(matches!(compile_err(&c), Error::NonUnitary { .. }));

    assert!(matches!(
        Matrix::new(3, vec![z; 9]),
        Err(Error::InvalidMatrix { .. })
    ));
    assert!(matches!(
        Matrix::new(2, vec![z; 3]),
        Err(Error::InvalidMatrix { .. })
    ));
    let nan = Complex64::new(f64::NAN, 0.0);
    assert!(matches!(
        Matrix::new(2, vec![nan, z, z, one]),
        Err(Error::InvalidMatrix { .. })
    ));
    assert!(matches!(
        Matrix::from_rows(&[vec![one, z], vec![z]]),
        Err(Error::InvalidMatrix { .. })
    ));

    let mut c = Circuit::new(2);
    c.rx("theta", 0).rz("2*phi + 1", 1);
    let program = compile_ok(&c, &CompileOptions::default());
    assert_eq!(
        program.parameters(),
        ["phi".to_string(), "theta".to_string()]
    );
    let err = program
        .bind_named(&ParamBinding::new().with("theta", 1.0))
        .expect_err("bound without phi");
    assert_eq!(err, Error::UnboundParameter { name: "phi".into() });
    let err = program
        .bind_named(&ParamBinding::from_pairs([
            ("theta", 1.0),
            ("phi", 2.0),
            ("psi", 3.0),
        ]))
        .expect_err("bound an unknown name");
    assert!(
        matches!(err, Error::UnknownParameter { ref name, .. } if name == "psi"),
        "{err:?}"
    );
    let mut numeric = Circuit::new(1);
    numeric.h(0);
    let err = compile_ok(&numeric, &CompileOptions::default())
        .bind_named(&ParamBinding::new().with("theta", 1.0))
        .expect_err("bound a name into a circuit without parameters");
    assert!(matches!(err, Error::UnknownParameter { .. }), "{err:?}");

    for text in ["theta $", "2*(", "theta*phi", "1/0"] {
        assert!(
            matches!(text.parse::<Param>(), Err(Error::Parse { .. })),
            "parameter `{text}`"
        );
    }
    for text in ["", "ZQ", "X0 X0", "0.5*", "Z + "] {
        assert!(
            matches!(text.parse::<Observable>(), Err(Error::Parse { .. })),
            "observable `{text}`"
        );
    }
    assert!(PauliTerm::new(1.0, [(Pauli::X, 1), (Pauli::Z, 1)]).is_err());
    assert!(PauliTerm::new(f64::NAN, [(Pauli::X, 1)]).is_err());
    assert!(PauliTerm::new(1.0, [(Pauli::X, 64)]).is_err());

    for k in [0, 7] {
        let options = CompileOptions {
            max_fused_qubits: k,
            ..CompileOptions::default()
        };
        let err = compile(&numeric, &options).expect_err("bad max_fused_qubits");
        assert!(
            matches!(err, Error::InvalidArgument { .. }),
            "max_fused_qubits {k}: {err:?}"
        );
    }
}

/// Backend-level errors: absurd qubit counts fail before allocating (`OutOfMemory` with
/// the bytes needed, or `TooManyQubits`); running an unbound program is
/// `UnboundParameter`; a program on a state of another size, a marginal naming a qubit
/// twice are `InvalidArgument`; a marginal or observable beyond the state's qubits is
/// `QubitOutOfRange`. The state survives every failed call unchanged.
pub fn backend_errors_are_reported<B: Backend>(b: &B) {
    let tol = tolerance(b);
    for n in [
        60,
        64,
        100,
        1000,
        u32::MAX,
        b.max_qubits().saturating_add(1),
    ] {
        match b.alloc(n, 0) {
            Err(Error::TooManyQubits { num_qubits, .. }) => assert_eq!(num_qubits, n),
            Err(Error::OutOfMemory {
                num_qubits,
                needed_bytes,
                ..
            }) => {
                assert_eq!(num_qubits, n);
                if let Some(bytes) = b.precision().state_bytes(n) {
                    assert_eq!(needed_bytes, bytes, "bytes needed for {n} qubits");
                }
            }
            Err(other) => panic!("alloc({n}) failed with {other:?}, not OutOfMemory/TooManyQubits"),
            Ok(_) => panic!("alloc({n}) succeeded"),
        }
    }

    let mut c = Circuit::new(3);
    c.h(0).cx(0, 1).ry(0.7, 2);
    let program = compile_ok(&c, &CompileOptions::default());
    let mut state = execute(b, &program, &ParamBinding::new(), 0);
    let before = state_vector(b, &state);
    let check_unchanged = |state: &ferroq_core::Machine<B::State>, what: &str| {
        assert_amps_close(
            &state_vector(b, state),
            &before,
            tol,
            format!("state after {what}"),
        );
    };

    let mut sym = Circuit::new(3);
    sym.rx("theta", 1);
    // An unbound plan cannot be run at all (the types say so); binding it without
    // values is the error.
    let unbound = compile_ok(&sym, &CompileOptions::default());
    let err = unbound
        .bind_named(&ParamBinding::new())
        .expect_err("bound without values");
    assert!(
        matches!(err, Error::UnboundParameter { .. }),
        "unbound program: {err:?}"
    );
    assert!(unbound.bind(&[]).is_err(), "bound with too few values");
    check_unchanged(&state, "binding an unbound program");

    for other_n in [2, 4] {
        let mut o = Circuit::new(other_n);
        o.x(0);
        let p = super::bound(&compile_ok(&o, &CompileOptions::default()));
        let err = b
            .run(&mut state, &p)
            .expect_err("ran a program of another size");
        assert!(
            matches!(err, Error::InvalidArgument { .. }),
            "{other_n}-qubit program on a 3-qubit state: {err:?}"
        );
        check_unchanged(&state, "running a program of another size");
    }

    let err = b
        .read(&state, &Readout::Marginal(vec![0, 3]))
        .expect_err("marginal over qubit 3 of 3");
    assert!(
        matches!(err, Error::QubitOutOfRange { qubit: 3, .. }),
        "{err:?}"
    );
    let err = b
        .read(&state, &Readout::Marginal(vec![1, 1]))
        .expect_err("marginal naming a qubit twice");
    assert!(matches!(err, Error::InvalidArgument { .. }), "{err:?}");
    let obs: Observable = "XIII".parse().unwrap();
    let err = b
        .read(&state, &Readout::Expectation(vec![obs]))
        .expect_err("4-qubit observable on 3 qubits");
    assert!(matches!(err, Error::QubitOutOfRange { .. }), "{err:?}");
    let obs: Observable = "Z0 + X7".parse().unwrap();
    let err = b
        .read(&state, &Readout::Expectation(vec![obs]))
        .expect_err("observable on qubit 7 of 3");
    assert!(matches!(err, Error::QubitOutOfRange { .. }), "{err:?}");
    check_unchanged(&state, "failed readouts");
}

/// Degenerate but legal inputs give sensible results or a clean error, never a panic:
/// a 0-qubit state (`[1]`, or an error), a marginal over no qubits (`[1]`, or
/// `InvalidArgument`), an empty circuit, a circuit of only barriers and identities.
pub fn degenerate_inputs_do_not_panic<B: Backend>(b: &B) {
    let tol = tolerance(b);
    let one = [Complex64::new(1.0, 0.0)];
    if let Ok(state) = b.alloc(0, 0) {
        assert_amps_close(&state_vector(b, &state), &one, tol, "0-qubit state");
        let mut state = state;
        let empty = super::bound(&compile_ok(&Circuit::new(0), &CompileOptions::default()));
        b.run(&mut state, &empty).expect("empty 0-qubit program");
        assert_amps_close(
            &state_vector(b, &state),
            &one,
            tol,
            "0-qubit state after a run",
        );
        let s = b
            .read(&state, &Readout::Samples { shots: 5, seed: 1 })
            .expect("samples of a 0-qubit state")
            .into_samples()
            .unwrap();
        assert_eq!(s, vec![0; 5], "samples of a 0-qubit state");
    }
    let mut c = Circuit::new(3);
    c.h(1);
    let state = execute(
        b,
        &compile_ok(&c, &CompileOptions::default()),
        &ParamBinding::new(),
        0,
    );
    match b.read(&state, &Readout::Marginal(vec![])) {
        Ok(out) => {
            let p = out.into_probabilities().unwrap();
            assert!(
                p.len() == 1 && (p[0] - 1.0).abs() <= tol,
                "empty marginal {p:?}"
            );
        }
        Err(e) => assert!(
            matches!(e, Error::InvalidArgument { .. }),
            "empty marginal: {e:?}"
        ),
    }
    let mut zero = vec![Complex64::new(0.0, 0.0); 8];
    zero[0] = one[0];
    for options in [CompileOptions::unfused(), CompileOptions::default()] {
        let got = state_vector(
            b,
            &execute(
                b,
                &compile_ok(&Circuit::new(3), &options),
                &ParamBinding::new(),
                0,
            ),
        );
        assert_amps_close(&got, &zero, tol, "empty circuit");
        let mut c = Circuit::new(3);
        c.barrier(&[])
            .id(1)
            .barrier(&[0, 2])
            .rz(0.0, 2)
            .p(0.0, 0)
            .id(0);
        let got = state_vector(
            b,
            &execute(b, &compile_ok(&c, &options), &ParamBinding::new(), 0),
        );
        assert_amps_close(&got, &zero, tol, "barriers and identities");
    }
}
