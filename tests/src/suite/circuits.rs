//! Whole circuits: GHZ and QFT against analytic states, random circuits against the
//! reference under every fusion setting, norm preservation, consecutive runs.

use super::{
    assert_amps_close, assert_reals_close, compile_ok, execute, fusion_variants, read_ok,
    run_state, state_vector, tolerance,
};
use crate::circuits::{append_qft, ghz, ghz_state, prepare_basis, qft_of_basis, qft_state};
use crate::random::{
    distinct_qubits, random_binding, random_circuit, random_state_circuit, random_unitary,
    GateKind, RandomCircuitOptions,
};
use crate::reference::final_state;
use ferroq_core::{
    Backend, Circuit, CompileOptions, Gate, Interrupt, Param, ParamBinding, Readout, Rng,
    StatePrimitives,
};
use std::sync::Arc;

/// GHZ states on 1..=12 qubits (fused and unfused) and on 20 qubits equal
/// `(|0…0> + |1…1>)/√2`; on 20 qubits the probabilities and `<Z0 Z19>`, `<X^20>` too.
pub fn ghz_matches_analytic<B: Backend>(b: &B) {
    let tol = tolerance(b);
    let none = ParamBinding::new();
    for n in 1..=12 {
        for opts in [CompileOptions::unfused(), CompileOptions::default()] {
            let got = run_state(b, &ghz(n), &opts, &none);
            assert_amps_close(
                &got,
                &ghz_state(n),
                tol,
                format!("GHZ on {n} qubits, {opts:?}"),
            );
        }
    }
    let n = 20;
    let state = execute(
        b,
        &compile_ok(&ghz(n), &CompileOptions::default()),
        &none,
        0,
    );
    assert_amps_close(
        &state_vector(b, &state),
        &ghz_state(n),
        tol,
        "GHZ on 20 qubits",
    );
    let p = read_ok(b, &state, &Readout::Probabilities)
        .into_probabilities()
        .unwrap();
    assert_reals_close(
        &[p[0], p[(1 << n) - 1]],
        &[0.5, 0.5],
        tol,
        "GHZ-20 probabilities",
    );
    let obs = vec!["Z0 Z19".parse().unwrap(), "X".repeat(20).parse().unwrap()];
    let ev = read_ok(b, &state, &Readout::Expectation(obs))
        .into_expectations()
        .unwrap();
    assert_reals_close(&ev, &[1.0, 1.0], tol, "GHZ-20 <Z0 Z19>, <X…X>");
}

/// The QFT of basis states equals `e^{2πi·jk/N}/√N` on 1..=12 qubits (fused and
/// unfused) and on 16 qubits; QFT followed by its inverse gives the basis state back.
pub fn qft_matches_analytic<B: Backend>(b: &B) {
    let tol = tolerance(b);
    let none = ParamBinding::new();
    let mut rng = Rng::new(23);
    for n in 1..=12u32 {
        let j = rng.next_u64() % (1 << n);
        for opts in [CompileOptions::unfused(), CompileOptions::default()] {
            let got = run_state(b, &qft_of_basis(n, j), &opts, &none);
            let ctx = format!("QFT|{j}> on {n} qubits, fusion {}", opts.fusion);
            assert_amps_close(&got, &qft_state(n, j), tol, ctx);
        }
    }
    let (n, j) = (16, 0b1011_0110_0101_1101);
    let got = run_state(b, &qft_of_basis(n, j), &CompileOptions::default(), &none);
    assert_amps_close(&got, &qft_state(n, j), tol, "QFT on 16 qubits");

    let n = 8;
    let mut qft = Circuit::new(n);
    append_qft(&mut qft);
    let mut c = Circuit::new(n);
    prepare_basis(&mut c, 201);
    c.compose(&qft, None).unwrap();
    c.compose(&qft.inverse().unwrap(), None).unwrap();
    let got = run_state(b, &c, &CompileOptions::default(), &none);
    let mut want = vec![ferroq_core::Complex64::new(0.0, 0.0); 1 << n];
    want[201] = ferroq_core::Complex64::new(1.0, 0.0);
    assert_amps_close(&got, &want, tol, "QFT then inverse QFT of |201>");
}

/// Random circuits with every gate kind (multi-controlled, unitaries, barriers; symbolic
/// parameters on every other circuit) on 1..=12 qubits against the reference, compiled
/// unfused, with default fusion, with `max_fused_qubits` 1..=6 and with the backend's
/// own `compile_options()`; and random symbolic circuits followed by their
/// `Circuit::inverse()` give `|0…0>` back.
pub fn random_circuits_match_reference<B: Backend>(b: &B) {
    let tol = tolerance(b);
    for n in 1..=12u32 {
        let seeds = if n <= 8 { 2 } else { 1 };
        for s in 0..seeds {
            let seed = 1000 * n as u64 + s;
            let mut rng = Rng::new(seed);
            let symbolic = (n + s as u32).is_multiple_of(2);
            let opts = RandomCircuitOptions {
                num_gates: 40 + 4 * n as usize,
                symbolic,
                ..Default::default()
            };
            let circuit = random_circuit(n, &opts, &mut rng);
            let binding = random_binding(&mut rng, &circuit);
            let want = final_state(&circuit, &binding).amps;
            let preferred = (
                "backend's compile_options()".to_string(),
                b.compile_options(),
            );
            for (label, options) in fusion_variants().into_iter().chain([preferred]) {
                let program = compile_ok(&circuit, &options);
                assert_eq!(program.parameters(), circuit.parameters().as_slice());
                let state = execute(b, &program, &binding, 0);
                let got = state_vector(b, &state);
                let ctx = format!(
                    "random circuit n={n} seed={seed} symbolic={symbolic} ({label})\n{circuit}"
                );
                assert_amps_close(&got, &want, tol, ctx);
            }
        }
    }
    // a random circuit followed by its inverse (`Circuit::inverse`) is the identity
    for n in 1..=6u32 {
        let mut rng = Rng::new(77 + n as u64);
        let opts = RandomCircuitOptions {
            symbolic: true,
            ..Default::default()
        };
        let circuit = random_circuit(n, &opts, &mut rng);
        let binding = random_binding(&mut rng, &circuit);
        let mut round_trip = circuit.clone();
        round_trip
            .compose(
                &circuit.inverse().expect("a unitary circuit has an inverse"),
                None,
            )
            .unwrap();
        let mut zero = vec![ferroq_core::Complex64::new(0.0, 0.0); 1 << n];
        zero[0] = ferroq_core::Complex64::new(1.0, 0.0);
        for options in [CompileOptions::unfused(), CompileOptions::default()] {
            let got = run_state(b, &round_trip, &options, &binding);
            let ctx = format!("circuit then its inverse, n={n}, fusion {}", options.fusion);
            assert_amps_close(&got, &zero, tol, ctx);
        }
    }
}

/// Circuits aimed at a backend's bigger code paths, against the reference: user
/// unitaries on 4..=6 qubits (and on 7, which a backend may refuse with
/// `InvalidArgument`), controlled 3- and 5-qubit unitaries, `mcx` with 6 controls and an
/// 8-fold controlled rotation on 9 qubits; random circuits with every gate kind on 13,
/// 14 and 15 qubits (past the usual parallel and cache-block thresholds); gates with up
/// to 16 controls on 17 qubits; a 10-qubit circuit of long runs of diagonal gates
/// between Hadamard layers (large fused diagonal blocks).
pub fn wide_and_large_circuits_match_reference<B: Backend>(b: &B) {
    let tol = tolerance(b);
    let none = ParamBinding::new();
    let mut rng = Rng::new(1515);
    let n = 9;
    let mut circuit = random_state_circuit(n, &mut rng);
    for k in 4..=6 {
        let qs = distinct_qubits(&mut rng, n, k);
        circuit.unitary(random_unitary(&mut rng, k as u32), &qs);
    }
    let qs = distinct_qubits(&mut rng, n, 5);
    let u3q = Gate::Unitary(Arc::new(random_unitary(&mut rng, 3)));
    circuit.controlled(u3q, &qs[..2], &qs[2..]);
    let qs = distinct_qubits(&mut rng, n, 7);
    let u5q = Gate::Unitary(Arc::new(random_unitary(&mut rng, 5)));
    circuit.controlled(u5q, &qs[..2], &qs[2..]);
    let qs = distinct_qubits(&mut rng, n, 7);
    circuit.mcx(&qs[..6], qs[6]);
    let qs = distinct_qubits(&mut rng, n, 9);
    circuit.controlled(Gate::RY(Param::Value(1.3)), &qs[..8], &qs[8..]);
    circuit.h(qs[8]);
    circuit.controlled(Gate::P(Param::Value(0.4)), &qs[1..], &qs[..1]);
    let want = final_state(&circuit, &none).amps;
    for (label, options) in fusion_variants() {
        let got = run_state(b, &circuit, &options, &none);
        assert_amps_close(
            &got,
            &want,
            tol,
            format!("wide gates on 9 qubits ({label})"),
        );
    }
    // Wider than any fused block: a backend whose capabilities do not reach it refuses
    // it when compiling (`Unsupported`), never when running; one that accepts it runs it.
    let mut c7 = random_state_circuit(n, &mut rng);
    c7.unitary(
        random_unitary(&mut rng, 7),
        &distinct_qubits(&mut rng, n, 7),
    );
    match b.compile(&c7, Some(&CompileOptions::default())) {
        Ok(plan) => {
            assert!(b.capabilities().max_dense_qubits >= 7);
            let mut state = b.alloc(n, 0).expect("alloc");
            b.run(&mut state, &super::bound(&plan))
                .expect("a plan the capabilities accept runs");
            let want = final_state(&c7, &none).amps;
            assert_amps_close(&state_vector(b, &state), &want, tol, "7-qubit unitary");
        }
        Err(e) => {
            assert!(
                matches!(e, ferroq_core::Error::Unsupported { .. }),
                "7-qubit unitary refused with {e:?}"
            );
            assert!(b.capabilities().max_dense_qubits < 7);
        }
    }

    for n in [13, 14, 15] {
        let opts = RandomCircuitOptions {
            num_gates: 60,
            ..Default::default()
        };
        let circuit = random_circuit(n, &opts, &mut rng);
        let want = final_state(&circuit, &none).amps;
        let variants = [
            CompileOptions::unfused(),
            CompileOptions::default(),
            b.compile_options(),
        ];
        for options in variants {
            let got = run_state(b, &circuit, &options, &none);
            let ctx = format!("{n}-qubit random circuit, {options:?}");
            assert_amps_close(&got, &want, tol, ctx);
        }
    }

    // 17 qubits, gates with up to 16 controls on low and high qubits; ry(2.6) makes the
    // all-ones amplitudes large so every controlled gate visibly acts
    let n = 17;
    let mut circuit = Circuit::new(n);
    for q in 0..n {
        circuit.ry(2.6, q).rz(0.3 + 0.1 * q as f64, q);
    }
    let all_but = |t: u32| -> Vec<u32> { (0..n).filter(|&q| q != t).collect() };
    circuit.controlled(Gate::Z, &all_but(5), &[5]);
    circuit.controlled(Gate::P(Param::Value(0.7)), &all_but(16), &[16]);
    circuit.controlled(Gate::RZ(Param::Value(1.1)), &all_but(0), &[0]);
    circuit.mcx(&all_but(3), 3);
    circuit.controlled(Gate::H, &(7..n).collect::<Vec<_>>(), &[2]);
    let swap_controls: Vec<u32> = (0..n).filter(|&q| q != 4 && q != 15).collect();
    circuit.controlled(Gate::Swap, &swap_controls, &[4, 15]);
    circuit.unitary(random_unitary(&mut rng, 3), &[16, 0, 13]);
    circuit.controlled(
        Gate::RZZ(Param::Value(0.9)),
        &(2..14).collect::<Vec<_>>(),
        &[16, 0],
    );
    let want = final_state(&circuit, &none).amps;
    for options in [CompileOptions::unfused(), CompileOptions::default()] {
        let got = run_state(b, &circuit, &options, &none);
        let ctx = format!("17 qubits, many controls, fusion {}", options.fusion);
        assert_amps_close(&got, &want, tol, ctx);
    }

    let n = 10;
    let mut circuit = Circuit::new(n);
    let diag = RandomCircuitOptions {
        num_gates: 60,
        kinds: &GateKind::DIAGONAL,
        ..Default::default()
    };
    for _ in 0..2 {
        for q in 0..n {
            circuit.h(q);
        }
        circuit
            .compose(&random_circuit(n, &diag, &mut rng), None)
            .unwrap();
    }
    for q in 0..n {
        circuit.sx(q);
    }
    let want = final_state(&circuit, &none).amps;
    for (label, options) in fusion_variants() {
        let got = run_state(b, &circuit, &options, &none);
        assert_amps_close(
            &got,
            &want,
            tol,
            format!("diagonal-heavy circuit ({label})"),
        );
    }
}

/// A deep random circuit (400 gates on 10 qubits) keeps the norm: `Σ|a|² = 1` from the
/// state vector, from the probabilities and from a one-qubit marginal.
pub fn norm_is_preserved<B: Backend>(b: &B) {
    let tol = tolerance(b);
    let mut rng = Rng::new(99);
    let opts = RandomCircuitOptions {
        num_gates: 400,
        ..Default::default()
    };
    let circuit = random_circuit(10, &opts, &mut rng);
    for options in [CompileOptions::unfused(), CompileOptions::default()] {
        let state = execute(b, &compile_ok(&circuit, &options), &ParamBinding::new(), 0);
        let norm: f64 = state_vector(b, &state).iter().map(|a| a.norm_sqr()).sum();
        assert!(
            (norm - 1.0).abs() <= tol,
            "norm² {norm} after 400 gates ({options:?})"
        );
        let p: f64 = read_ok(b, &state, &Readout::Probabilities)
            .into_probabilities()
            .unwrap()
            .iter()
            .sum();
        assert!(
            (p - 1.0).abs() <= tol,
            "Σ probabilities = {p} ({options:?})"
        );
        let m = read_ok(b, &state, &Readout::Marginal(vec![7]))
            .into_probabilities()
            .unwrap();
        assert!(
            (m[0] + m[1] - 1.0).abs() <= tol,
            "marginal {m:?} ({options:?})"
        );
    }
}

/// Running program A and then program B on one state equals running A followed by B
/// in one circuit; running the same program twice applies it twice; B applied to two
/// states at once (`StatePrimitives::apply_both`) applies it to each.
pub fn runs_compose<B: Backend>(b: &B) {
    let tol = tolerance(b);
    let none = ParamBinding::new();
    let mut rng = Rng::new(5);
    let opts = RandomCircuitOptions::default();
    let n = 6;
    let a = random_circuit(n, &opts, &mut rng);
    let c2 = random_circuit(n, &opts, &mut rng);
    let mut both = a.clone();
    both.compose(&c2, None).unwrap();
    let want = final_state(&both, &none).amps;
    let mut state = execute(b, &compile_ok(&a, &CompileOptions::default()), &none, 0);
    b.run(
        &mut state,
        &super::bound(&compile_ok(&c2, &CompileOptions::default())),
    )
    .expect("second run");
    assert_amps_close(
        &state_vector(b, &state),
        &want,
        tol,
        "A then B on one state",
    );

    let mut twice = a.clone();
    twice.compose(&a, None).unwrap();
    let want = final_state(&twice, &none).amps;
    let program = compile_ok(&a, &CompileOptions::unfused());
    let mut state = execute(b, &program, &none, 0);
    b.run(&mut state, &super::bound(&program))
        .expect("second run");
    assert_amps_close(&state_vector(b, &state), &want, tol, "A twice on one state");

    // The same run on two states at once (`apply_both`, as the adjoint sweep undoes
    // its steps): A then B on one, C then B on the other.
    let c3 = random_circuit(n, &opts, &mut rng);
    let mut second = c3.clone();
    second.compose(&c2, None).unwrap();
    let mut x = execute(b, &compile_ok(&a, &CompileOptions::default()), &none, 0);
    let mut y = execute(b, &compile_ok(&c3, &CompileOptions::default()), &none, 0);
    let run = super::bound(&compile_ok(&c2, &CompileOptions::default()));
    x.state_mut()
        .apply_both(y.state_mut(), run.ops(), &Interrupt::none())
        .expect("apply_both");
    for (m, c, what) in [(&x, &both, "A then B"), (&y, &second, "C then B")] {
        let want = final_state(c, &none).amps;
        assert_amps_close(&state_vector(b, m), &want, tol, what);
    }
}

/// Permutation sandwiches — a self-inverse permutation gate (X, CX, SWAP, Toffoli,
/// Fredkin, `mcx`), diagonal gates (some touching its qubits, symbolic or fixed) and
/// gates elsewhere, then the same gate again; CNOT ladders around an `RZ` (a Pauli
/// string's exponential); sandwiches broken by a dense gate or a barrier on their
/// qubits — against the reference under every fusion setting, and with a diagonal limit
/// too small for the widened diagonals.
pub fn permutation_sandwiches_match_reference<B: Backend>(b: &B) {
    let tol = tolerance(b);
    for (n, seed) in [(3u32, 1u64), (5, 2), (8, 3), (8, 4), (12, 5)] {
        let mut rng = Rng::new(9000 + seed);
        let mut c = random_state_circuit(n, &mut rng);
        for _ in 0..12 {
            let q = distinct_qubits(&mut rng, n, n as usize);
            let outer: Vec<u32> = q[..3.min(n as usize)].to_vec();
            let push_p = |c: &mut Circuit, kind: usize| {
                match kind {
                    0 => c.x(outer[0]),
                    1 => c.cx(outer[0], outer[1]),
                    2 => c.swap(outer[0], outer[1]),
                    3 if n >= 3 => c.ccx(outer[0], outer[1], outer[2]),
                    4 if n >= 3 => c.cswap(outer[0], outer[1], outer[2]),
                    _ => c.mcx(&outer[1..], outer[0]),
                };
            };
            let kind = crate::random::below(&mut rng, 6);
            push_p(&mut c, kind);
            for _ in 0..crate::random::below(&mut rng, 5) {
                let pick = crate::random::below(&mut rng, 10);
                let theta = crate::random::random_param(&mut rng, true);
                let a = q[crate::random::below(&mut rng, n as usize)];
                let other = q[(q.iter().position(|&x| x == a).unwrap() + 1) % n as usize];
                match pick {
                    0 | 1 => c.rz(theta, a),
                    2 => c.cp(theta, a, other),
                    3 => c.rzz(theta, a, other),
                    4 => c.t(a),
                    5 => c.cz(a, other),
                    // a dense gate: off the sandwich's qubits it commutes, on them it
                    // breaks the sandwich
                    6 => c.h(q[n as usize - 1]),
                    7 => c.rx(theta, a),
                    // a CNOT ladder around one RZ
                    8 => c.cx(a, other).rz(theta, other).cx(a, other),
                    _ => c.barrier(&[q[n as usize - 1]]),
                };
            }
            push_p(&mut c, kind);
        }
        // a Pauli string's exponential written as frameworks emit it
        let q = distinct_qubits(&mut rng, n, n as usize);
        let k = (n as usize).min(5);
        for w in q[..k].windows(2) {
            c.cx(w[0], w[1]);
        }
        c.rz(Param::symbol("a"), q[k - 1]);
        for w in q[..k].windows(2).rev() {
            c.cx(w[0], w[1]);
        }
        let binding = random_binding(&mut rng, &c);
        let want = crate::reference::final_state(&c, &binding).amps;
        let narrow = CompileOptions {
            max_fused_diagonal_qubits: 2,
            ..CompileOptions::default()
        };
        for (label, options) in fusion_variants()
            .into_iter()
            .chain([("diagonal limit 2".to_string(), narrow)])
        {
            let got = run_state(b, &c, &options, &binding);
            let ctx = format!("sandwiches n={n} seed={seed} ({label})\n{c}");
            assert_amps_close(&got, &want, tol, ctx);
        }
    }
}
