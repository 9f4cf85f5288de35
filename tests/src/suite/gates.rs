//! Qubit order, the initial state, and every gate against its textbook matrix.

use super::{
    assert_amps_close, assert_reals_close, compile_ok, execute, read_ok, run_state, state_vector,
    tolerance,
};
use crate::circuits::prepare_basis;
use crate::random::{random_state_circuit, random_unitary};
use crate::reference::dense::{
    controlled, gate_matrix, iswap, pauli_rotation, pauli_x, pauli_y, pauli_z, phase, swap, u3,
    DenseMatrix,
};
use crate::reference::{final_state, full_operator};
use ferroq_core::{
    Backend, Circuit, CompileOptions, Complex64, Gate, Matrix, Param, ParamBinding, Readout, Rng,
};
use std::f64::consts::PI;
use std::sync::Arc;

/// Little-endian order: `x` on qubit 0 of 3 is basis index 1, Pauli string `"IIZ"` acts
/// on qubit 0, marginals list `qubits[0]` as the low bit, `unitary` takes `targets[0]`
/// as the matrix's low bit.
pub fn little_endian_order<B: Backend>(b: &B) {
    let tol = tolerance(b);
    let e = |n: u32, i: usize| {
        let mut v = vec![Complex64::new(0.0, 0.0); 1 << n];
        v[i] = Complex64::new(1.0, 0.0);
        v
    };
    let none = ParamBinding::new();
    let opts = CompileOptions::default();
    let mut c = Circuit::new(3);
    c.x(0);
    assert_amps_close(
        &run_state(b, &c, &opts, &none),
        &e(3, 1),
        tol,
        "x(0) on 3 qubits",
    );
    let mut c = Circuit::new(3);
    c.x(2);
    assert_amps_close(
        &run_state(b, &c, &opts, &none),
        &e(3, 4),
        tol,
        "x(2) on 3 qubits",
    );
    let mut c = Circuit::new(2);
    c.x(0).cx(0, 1);
    assert_amps_close(
        &run_state(b, &c, &opts, &none),
        &e(2, 3),
        tol,
        "x(0) cx(0,1)",
    );

    // user unitary: targets[0] is the matrix's low bit. X ⊗ I (X on the high bit) on
    // targets [2, 0] flips qubit 0.
    let xi = pauli_x().kron(&DenseMatrix::identity(2));
    let mut c = Circuit::new(3);
    c.unitary(Matrix::new(4, xi.data().to_vec()).unwrap(), &[2, 0]);
    assert_amps_close(
        &run_state(b, &c, &opts, &none),
        &e(3, 1),
        tol,
        "unitary(X⊗I, [2, 0])",
    );

    let mut c = Circuit::new(3);
    c.x(0);
    let state = execute(b, &compile_ok(&c, &opts), &none, 0);
    let obs = |s: &str| s.parse().unwrap();
    let ev = read_ok(
        b,
        &state,
        &Readout::Expectation(vec![obs("IIZ"), obs("ZII"), obs("Z0"), obs("Z2 Z0")]),
    )
    .into_expectations()
    .unwrap();
    assert_reals_close(
        &ev,
        &[-1.0, 1.0, -1.0, -1.0],
        tol,
        "<IIZ>, <ZII>, <Z0>, <Z2 Z0> of |001>",
    );
    let probs = read_ok(b, &state, &Readout::Probabilities)
        .into_probabilities()
        .unwrap();
    assert_reals_close(
        &probs,
        &[0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
        tol,
        "probabilities of |001>",
    );
    let m = read_ok(b, &state, &Readout::Marginal(vec![0]))
        .into_probabilities()
        .unwrap();
    assert_reals_close(&m, &[0.0, 1.0], tol, "marginal [0] of |001>");
    let m = read_ok(b, &state, &Readout::Marginal(vec![1, 0]))
        .into_probabilities()
        .unwrap();
    assert_reals_close(&m, &[0.0, 0.0, 1.0, 0.0], tol, "marginal [1, 0] of |001>");
    let s = read_ok(b, &state, &Readout::Samples { shots: 50, seed: 3 })
        .into_samples()
        .unwrap();
    assert_eq!(s, vec![1; 50], "samples of |001>");
}

/// `alloc` gives `|0…0>` at every size up to 10 qubits.
pub fn alloc_gives_zero_state<B: Backend>(b: &B) {
    for n in 1..=10 {
        let state = b.alloc(n, 0).unwrap_or_else(|e| panic!("alloc({n}): {e}"));
        let v = state_vector(b, &state);
        let mut want = vec![Complex64::new(0.0, 0.0); 1 << n];
        want[0] = Complex64::new(1.0, 0.0);
        assert_amps_close(&v, &want, 0.0, format!("fresh {n}-qubit state"));
    }
}

/// Random dense matrices and random permutations with random phases on every set of up
/// to four targets among the low qubits (the ones SIMD kernels hold inside one vector),
/// in shuffled order, alone and with a high qubit added, uncontrolled and controlled by
/// high or low qubits, against the reference on a random 9-qubit state (unfused, so
/// each is one op).
pub fn matrices_on_low_targets_match_reference<B: Backend>(b: &B) {
    let tol = tolerance(b);
    let n = 9;
    let mut rng = Rng::new(41);
    let none = ParamBinding::new();
    let opts = CompileOptions::unfused();
    for set in 1u32..32 {
        let low: Vec<u32> = (0..5).filter(|q| set >> q & 1 == 1).collect();
        for with_high in [false, true] {
            let mut targets = low.clone();
            if with_high {
                targets.push(6);
            }
            if targets.len() > 4 {
                continue;
            }
            for i in (1..targets.len()).rev() {
                targets.swap(i, crate::random::below(&mut rng, i + 1));
            }
            for controls in [
                vec![],
                vec![8],
                vec![5, 7],
                vec![(0..5).find(|q| !low.contains(q)).unwrap_or(7)],
            ] {
                let k = targets.len() as u32;
                for m in [random_unitary(&mut rng, k), random_monomial(&mut rng, k)] {
                    let mut c = random_state_circuit(n, &mut rng);
                    c.controlled(Gate::Unitary(Arc::new(m.clone())), &controls, &targets);
                    assert_amps_close(
                        &run_state(b, &c, &opts, &none),
                        &final_state(&c, &none).amps,
                        tol,
                        format!("{m:?} on {targets:?} controlled by {controls:?}"),
                    );
                }
            }
        }
    }
}

/// A random permutation of the `2^k` basis states with a random phase on each.
fn random_monomial(rng: &mut Rng, k: u32) -> Matrix {
    let d = 1usize << k;
    let mut perm: Vec<usize> = (0..d).collect();
    for i in (1..d).rev() {
        perm.swap(i, crate::random::below(rng, i + 1));
    }
    let mut data = vec![Complex64::new(0.0, 0.0); d * d];
    for (r, &s) in perm.iter().enumerate() {
        data[r * d + s] = Complex64::from_polar(1.0, rng.next_f64() * 2.0 * PI);
    }
    Matrix::new(d, data).expect("a permutation with phases is unitary")
}

/// One gate to check: how to append it, and its textbook matrix over `qubits` in the
/// order given to `build` (`qubits[0]` is the matrix's low bit; controls come first).
/// Appends a gate on the given qubits.
type Build = Box<dyn Fn(&mut Circuit, &[u32])>;
/// A builder method on one qubit, such as `Circuit::h`.
type OneQubit = fn(&mut Circuit, u32) -> &mut Circuit;
/// A builder method on a control and a target, such as `Circuit::cx`.
type TwoQubit = fn(&mut Circuit, u32, u32) -> &mut Circuit;

struct GateCase {
    name: String,
    arity: usize,
    build: Build,
    matrix: DenseMatrix,
}

fn case(
    name: impl Into<String>,
    arity: usize,
    matrix: DenseMatrix,
    build: impl Fn(&mut Circuit, &[u32]) + 'static,
) -> GateCase {
    GateCase {
        name: name.into(),
        arity,
        build: Box::new(build),
        matrix,
    }
}

fn gate_cases() -> Vec<GateCase> {
    let mut cases = Vec::new();
    let fixed: [(&str, Gate, OneQubit); 11] = [
        ("id", Gate::I, Circuit::id),
        ("x", Gate::X, Circuit::x),
        ("y", Gate::Y, Circuit::y),
        ("z", Gate::Z, Circuit::z),
        ("h", Gate::H, Circuit::h),
        ("s", Gate::S, Circuit::s),
        ("sdg", Gate::Sdg, Circuit::sdg),
        ("t", Gate::T, Circuit::t),
        ("tdg", Gate::Tdg, Circuit::tdg),
        ("sx", Gate::SX, Circuit::sx),
        ("sxdg", Gate::SXdg, Circuit::sxdg),
    ];
    for (name, gate, f) in fixed {
        cases.push(case(name, 1, gate_matrix(&gate, &[]), move |c, q| {
            f(c, q[0]);
        }));
    }
    let angles = [0.0, PI, -0.7, 2.3];
    for &a in &angles {
        let rx = pauli_rotation(&pauli_x(), a);
        let ry = pauli_rotation(&pauli_y(), a);
        let rz = pauli_rotation(&pauli_z(), a);
        let xx = pauli_rotation(&pauli_x().kron(&pauli_x()), a);
        let yy = pauli_rotation(&pauli_y().kron(&pauli_y()), a);
        let zz = pauli_rotation(&pauli_z().kron(&pauli_z()), a);
        cases.extend([
            case(format!("rx({a})"), 1, rx.clone(), move |c, q| {
                c.rx(a, q[0]);
            }),
            case(format!("ry({a})"), 1, ry.clone(), move |c, q| {
                c.ry(a, q[0]);
            }),
            case(format!("rz({a})"), 1, rz.clone(), move |c, q| {
                c.rz(a, q[0]);
            }),
            case(format!("p({a})"), 1, phase(a), move |c, q| {
                c.p(a, q[0]);
            }),
            case(format!("rxx({a})"), 2, xx, move |c, q| {
                c.rxx(a, q[0], q[1]);
            }),
            case(format!("ryy({a})"), 2, yy, move |c, q| {
                c.ryy(a, q[0], q[1]);
            }),
            case(format!("rzz({a})"), 2, zz, move |c, q| {
                c.rzz(a, q[0], q[1]);
            }),
            case(
                format!("cp({a})"),
                2,
                controlled(&phase(a), 1),
                move |c, q| {
                    c.cp(a, q[0], q[1]);
                },
            ),
            case(format!("crx({a})"), 2, controlled(&rx, 1), move |c, q| {
                c.crx(a, q[0], q[1]);
            }),
            case(format!("cry({a})"), 2, controlled(&ry, 1), move |c, q| {
                c.cry(a, q[0], q[1]);
            }),
            case(format!("crz({a})"), 2, controlled(&rz, 1), move |c, q| {
                c.crz(a, q[0], q[1]);
            }),
            case(format!("cc-ry({a})"), 3, controlled(&ry, 2), move |c, q| {
                c.controlled(Gate::RY(Param::Value(a)), &q[..2], &q[2..]);
            }),
        ]);
    }
    for (t, p, l) in [
        (0.3, 0.5, -1.1),
        (PI, 0.0, PI),
        (0.0, 0.0, 0.0),
        (-2.0, 1.7, 0.4),
    ] {
        let u = u3(t, p, l);
        cases.push(case(
            format!("u({t}, {p}, {l})"),
            1,
            u.clone(),
            move |c, q| {
                c.u(t, p, l, q[0]);
            },
        ));
        cases.push(case(
            format!("ccc-u({t}, {p}, {l})"),
            4,
            controlled(&u, 3),
            move |c, q| {
                let g = Gate::U(Param::Value(t), Param::Value(p), Param::Value(l));
                c.controlled(g, &q[..3], &q[3..]);
            },
        ));
        for gamma in [0.0, 0.9] {
            // cu = phase γ on the control, then controlled U; control is the low bit
            let m = controlled(&u, 1).mul(&DenseMatrix::identity(2).kron(&phase(gamma)));
            cases.push(case(
                format!("cu({t}, {p}, {l}, {gamma})"),
                2,
                m,
                move |c, q| {
                    c.cu(t, p, l, gamma, q[0], q[1]);
                },
            ));
        }
    }
    let fixed2: [(&str, DenseMatrix, TwoQubit); 4] = [
        ("cx", controlled(&pauli_x(), 1), Circuit::cx),
        ("cy", controlled(&pauli_y(), 1), Circuit::cy),
        ("cz", controlled(&pauli_z(), 1), Circuit::cz),
        (
            "ch",
            controlled(&gate_matrix(&Gate::H, &[]), 1),
            Circuit::ch,
        ),
    ];
    for (name, m, f) in fixed2 {
        cases.push(case(name, 2, m, move |c, q| {
            f(c, q[0], q[1]);
        }));
    }
    cases.extend([
        case("swap", 2, swap(), |c, q| {
            c.swap(q[0], q[1]);
        }),
        case("iswap", 2, iswap(), |c, q| {
            c.iswap(q[0], q[1]);
        }),
        case("ccx", 3, controlled(&pauli_x(), 2), |c, q| {
            c.ccx(q[0], q[1], q[2]);
        }),
        case("ccz", 3, controlled(&pauli_z(), 2), |c, q| {
            c.ccz(q[0], q[1], q[2]);
        }),
        case("cswap", 3, controlled(&swap(), 1), |c, q| {
            c.cswap(q[0], q[1], q[2]);
        }),
        case("mcx(3 controls)", 4, controlled(&pauli_x(), 3), |c, q| {
            c.mcx(&q[..3], q[3]);
        }),
        case("c-iswap", 3, controlled(&iswap(), 1), |c, q| {
            c.controlled(Gate::ISwap, &q[..1], &q[1..]);
        }),
    ]);
    let mut rng = Rng::new(0x5eed);
    for k in 1..=3u32 {
        let m = random_unitary(&mut rng, k);
        let dense = DenseMatrix::from_data(m.dim(), m.data().to_vec());
        let m = Arc::new(m);
        let m1 = m.clone();
        cases.push(case(
            format!("unitary({k}q)"),
            k as usize,
            dense.clone(),
            move |c, q| {
                c.unitary((*m1).clone(), q);
            },
        ));
        if k <= 2 {
            let name = format!("c-unitary({k}q)");
            cases.push(case(
                name,
                k as usize + 1,
                controlled(&dense, 1),
                move |c, q| {
                    c.controlled(Gate::Unitary(m.clone()), &q[..1], &q[1..]);
                },
            ));
        }
    }
    // a diagonal user unitary, which lowers to a diagonal op
    let d: Vec<Complex64> = [0.3, -1.2, 2.0, 0.7]
        .iter()
        .map(|&t| Complex64::from_polar(1.0, t))
        .collect();
    let dm = Matrix::diagonal(&d);
    cases.push(case(
        "unitary(diagonal 2q)",
        2,
        DenseMatrix::diagonal(&d),
        move |c, q| {
            c.unitary(dm.clone(), q);
        },
    ));
    cases
}

/// Every gate of the builder (fixed, parametric at several angles including 0 and π,
/// controlled, doubly and triply controlled, swaps, user unitaries) against its
/// textbook matrix: applied to every basis state and to a random state, on several
/// placements of its qubits among `arity + 1` qubits, fused and unfused.
pub fn every_gate_matches_textbook<B: Backend>(b: &B) {
    let tol = tolerance(b);
    let none = ParamBinding::new();
    let mut rng = Rng::new(17);
    for gc in gate_cases() {
        let n = gc.arity as u32 + 1;
        let mut placements: Vec<Vec<u32>> = vec![
            (0..gc.arity as u32).collect(),
            (0..gc.arity as u32).rev().map(|q| q + 1).collect(),
        ];
        placements.push(crate::random::distinct_qubits(&mut rng, n, gc.arity));
        let prep = random_state_circuit(n, &mut rng);
        let prep_state = final_state(&prep, &none);
        for qs in &placements {
            let full = full_operator(n, &gc.matrix, qs, &[]);
            for (label, opts) in [
                ("unfused", CompileOptions::unfused()),
                ("fused", CompileOptions::default()),
            ] {
                for basis in 0..1u64 << n {
                    let mut c = Circuit::new(n);
                    prepare_basis(&mut c, basis);
                    (gc.build)(&mut c, qs);
                    let got = run_state(b, &c, &opts, &none);
                    let ctx = format!("{} on qubits {qs:?} of {n}, |{basis}>, {label}", gc.name);
                    assert_amps_close(&got, &full.column(basis as usize), tol, ctx);
                }
                let mut c = prep.clone();
                (gc.build)(&mut c, qs);
                let got = run_state(b, &c, &opts, &none);
                let want = full.apply(&prep_state.amps);
                let ctx = format!("{} on qubits {qs:?} of {n}, random state, {label}", gc.name);
                assert_amps_close(&got, &want, tol, ctx);
            }
        }
    }
}
