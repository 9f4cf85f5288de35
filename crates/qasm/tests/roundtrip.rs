//! The writer: what it writes reads back (here and in Qiskit) as the same circuit or
//! at least the same state, and what it cannot write is a clear error.

mod common;

use common::{assert_states_match, qiskit_states, read_reference, run, state};
use ferroq_core::{Circuit, Complex64, Error, Gate, Matrix, Param};
use ferroq_qasm::{parse, to_qasm, MAX_WRITER_CONTROLS};
use std::f64::consts::PI;

fn round_trip(c: &Circuit) -> Circuit {
    let text = to_qasm(c).unwrap_or_else(|e| panic!("write: {e}\n{c}"));
    parse(&text).unwrap_or_else(|e| panic!("read back: {e}\n{text}"))
}

fn v(x: f64) -> Param {
    Param::Value(x)
}

/// A 1-qubit unitary `e^{iγ} U(θ, φ, λ)` as a user matrix.
fn unitary_1q(t: f64, p: f64, l: f64, g: f64) -> Matrix {
    let m = Gate::U(v(t), v(p), v(l)).matrix_of(&[t, p, l]);
    let ph = Complex64::from_polar(1.0, g);
    Matrix::new(2, m.data().iter().map(|z| z * ph).collect()).unwrap()
}

/// Puts every qubit of `c` in a generic superposition, so that controls and phases matter.
fn spread(c: &mut Circuit) {
    for q in 0..c.num_qubits() {
        c.ry(0.4 + 0.3 * f64::from(q), q)
            .rz(0.2 + 0.5 * f64::from(q), q);
    }
}

#[test]
fn gates_with_a_qelib1_name_read_back_identically() {
    let mut c = Circuit::with_clbits(6, 4);
    let angles = [
        0.123456789,
        -2.5,
        PI,
        -PI / 2.0,
        3.0 * PI / 4.0,
        1e-20,
        1e300,
        -PI / 7.0,
    ];
    for (i, &a) in angles.iter().enumerate() {
        let q = i as u32 % 6;
        c.rx(a, q).ry(a, q).rz(a, q).p(a, q).u(a, -a, a / 3.0, q);
        c.crx(a, q, (q + 1) % 6)
            .cry(a, q, (q + 2) % 6)
            .crz(a, q, (q + 3) % 6);
        c.cp(a, q, (q + 4) % 6)
            .rxx(a, q, (q + 1) % 6)
            .rzz(a, q, (q + 2) % 6);
        c.controlled(Gate::U(v(a), v(0.5), v(-a)), &[q], &[(q + 5) % 6]);
    }
    c.id(0)
        .x(1)
        .y(2)
        .z(3)
        .h(4)
        .s(5)
        .sdg(0)
        .t(1)
        .tdg(2)
        .sx(3)
        .sxdg(4);
    c.cx(0, 1)
        .cy(1, 2)
        .cz(2, 3)
        .ch(3, 4)
        .swap(4, 5)
        .cswap(0, 1, 2)
        .ccx(3, 4, 5);
    c.controlled(Gate::SX, &[0], &[1]);
    c.controlled(Gate::X, &[0, 1, 2], &[3]);
    c.controlled(Gate::SX, &[5, 1, 2], &[3]);
    c.controlled(Gate::X, &[0, 1, 2, 3], &[5]);
    c.barrier(&[]).barrier(&[2, 0]);
    c.measure(0, 0).measure(5, 3).reset(2);
    c.x(1).c_if(&[0, 1, 2, 3], 9);
    c.measure(1, 2).c_if(&[0, 1, 2, 3], 1);
    c.reset(4).c_if(&[0, 1, 2, 3], 0);
    assert_eq!(round_trip(&c), c);
}

#[test]
fn angles_are_written_readably_and_exactly() {
    let mut c = Circuit::new(1);
    c.rz(PI / 2.0, 0)
        .rz(-3.0 * PI / 4.0, 0)
        .rz(2.0 * PI, 0)
        .rz(0.1, 0)
        .rz(1e-20, 0);
    let text = to_qasm(&c).unwrap();
    for s in [
        "rz(pi/2)",
        "rz(-3*pi/4)",
        "rz(2*pi)",
        "rz(0.1)",
        "rz(1.0e-20)",
    ] {
        assert!(text.contains(s), "{s} missing in\n{text}");
    }
    assert_eq!(parse(&text).unwrap(), c);
}

#[test]
fn header_and_registers() {
    let mut c = Circuit::with_clbits(3, 2);
    c.h(0).measure(0, 1);
    let text = to_qasm(&c).unwrap();
    assert!(text.starts_with("OPENQASM 2.0;\ninclude \"qelib1.inc\";\nqreg q[3];\ncreg c[2];\n"));
    assert!(text.contains("measure q[0] -> c[1];"), "{text}");
    let text = to_qasm(&Circuit::new(2)).unwrap();
    assert!(!text.contains("creg"), "{text}");
}

/// Every gate kind, with 0 to 5 controls.
fn gate_zoo() -> Vec<(Gate, u32)> {
    vec![
        (Gate::I, 1),
        (Gate::X, 1),
        (Gate::Y, 1),
        (Gate::Z, 1),
        (Gate::H, 1),
        (Gate::S, 1),
        (Gate::Sdg, 1),
        (Gate::T, 1),
        (Gate::Tdg, 1),
        (Gate::SX, 1),
        (Gate::SXdg, 1),
        (Gate::RX(v(0.7)), 1),
        (Gate::RY(v(-1.2)), 1),
        (Gate::RZ(v(2.9)), 1),
        (Gate::P(v(0.4)), 1),
        (Gate::U(v(0.3), v(-2.0), v(1.1)), 1),
        (Gate::Unitary(unitary_1q(1.3, 0.2, -0.8, 0.9).into()), 1),
        (Gate::Unitary(unitary_1q(2.6, -1.0, 2.2, 0.4).into()), 1),
        (Gate::Unitary(unitary_1q(PI, 0.7, 0.0, -0.3).into()), 1),
        (Gate::Swap, 2),
        (Gate::ISwap, 2),
        (Gate::RXX(v(0.8)), 2),
        (Gate::RYY(v(-0.6)), 2),
        (Gate::RZZ(v(1.7)), 2),
    ]
}

fn zoo_circuits() -> Vec<(String, Circuit)> {
    let mut out = Vec::new();
    for (g, (gate, nt)) in gate_zoo().into_iter().enumerate() {
        for k in 0..=5u32 {
            let mut c = Circuit::new(7);
            spread(&mut c);
            let controls: Vec<u32> = (0..k).map(|i| (i * 3 + 1) % 7).collect();
            let targets: Vec<u32> = (0..7)
                .filter(|q| !controls.contains(q))
                .take(nt as usize)
                .collect();
            c.controlled(gate.clone(), &controls, &targets);
            spread(&mut c);
            out.push((format!("{g:02}_{}_{k}c", gate.name()), c));
        }
    }
    out
}

#[test]
fn every_gate_with_up_to_five_controls_keeps_its_state() {
    for (name, c) in zoo_circuits() {
        let back = round_trip(&c);
        assert_states_match(&state(&back), &state(&c), 1e-10, &name);
    }
}

#[test]
fn many_controls_are_written_exactly_up_to_the_limit() {
    for k in [6usize, 8, MAX_WRITER_CONTROLS] {
        let n = k as u32 + 1;
        for gate in [Gate::X, Gate::RY(v(0.9))] {
            let mut c = Circuit::new(n);
            spread(&mut c);
            let controls: Vec<u32> = (1..n).collect();
            c.controlled(gate.clone(), &controls, &[0]);
            let back = round_trip(&c);
            assert_states_match(&state(&back), &state(&c), 1e-9, &format!("{k} controls"));
        }
    }
    let mut c = Circuit::new(MAX_WRITER_CONTROLS as u32 + 2);
    let controls: Vec<u32> = (1..c.num_qubits()).collect();
    c.mcx(&controls, 0);
    let e = to_qasm(&c).unwrap_err();
    assert!(matches!(e, Error::InvalidArgument { .. }), "{e}");
    assert!(e.to_string().contains("with 13 controls"), "{e}");
}

#[test]
fn conditions_on_parts_of_the_classical_bits_become_registers() {
    let mut c = Circuit::with_clbits(3, 6);
    c.h(0).h(1).measure(0, 1).measure(1, 2);
    c.x(2).c_if(&[1, 2], 3);
    c.measure(2, 4).c_if(&[4], 0);
    c.z(0).c_if(&[], 0);
    c.y(0).c_if(&[], 1);
    let text = to_qasm(&c).unwrap();
    for s in [
        "creg c0[1];\ncreg c1[2];\ncreg c2[1];\ncreg c3[1];\ncreg c4[1];",
        "measure q[0] -> c1[0];",
        "if(c1==3) x q[2];",
        "if(c3==0) measure q[2] -> c3[0];",
        "\nz q[0];",
    ] {
        assert!(text.contains(s), "{s:?} missing in\n{text}");
    }
    assert!(!text.contains("y q[0]"), "{text}");
    let back = parse(&text).unwrap();
    for seed in 0..8 {
        let (s1, b1) = run(&c, seed);
        let (s2, b2) = run(&back, seed);
        assert_eq!(b1, b2, "seed {seed}");
        assert_states_match(&s2, &s1, 1e-12, "conditioned");
    }
}

#[test]
fn what_cannot_be_written_is_an_error() {
    let mut c = Circuit::new(1);
    c.rx("theta", 0);
    assert_eq!(
        to_qasm(&c).unwrap_err(),
        Error::UnboundParameter {
            name: "theta".into()
        }
    );
    let mut c = Circuit::new(2);
    c.unitary(Matrix::identity(2), &[0, 1]);
    let e = to_qasm(&c).unwrap_err();
    assert!(e.to_string().contains("2-qubit unitary"), "{e}");
    let mut c = Circuit::with_clbits(1, 3);
    c.x(0).c_if(&[0, 2], 1);
    let e = to_qasm(&c).unwrap_err();
    assert!(e.to_string().contains("consecutive bits"), "{e}");
    let mut c = Circuit::with_clbits(1, 3);
    c.x(0).c_if(&[0, 1], 1).x(0).c_if(&[1, 2], 1);
    let e = to_qasm(&c).unwrap_err();
    assert!(e.to_string().contains("overlapping"), "{e}");
    let mut c = Circuit::new(1);
    let phase = Matrix::new(1, vec![Complex64::new(0.0, 1.0)]).unwrap();
    c.unitary(phase, &[]);
    assert!(to_qasm(&c)
        .unwrap_err()
        .to_string()
        .contains("without target qubits"));
    let mut c = Circuit::new(1);
    c.x(3);
    assert!(matches!(to_qasm(&c), Err(Error::QubitOutOfRange { .. })));
}

#[test]
fn qiskit_reads_what_the_writer_writes() {
    let dir = std::env::temp_dir().join(format!("ferroq-qasm-written-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let mut circuits = zoo_circuits();
    let mut big = Circuit::new(9);
    spread(&mut big);
    big.mcx(&[1, 2, 3, 4, 5, 6, 7, 8], 0)
        .cu(0.3, 0.2, 0.1, 0.5, 2, 4);
    circuits.push(("mcx8".into(), big));
    for (name, c) in &circuits {
        std::fs::write(dir.join(format!("{name}.qasm")), to_qasm(c).unwrap()).unwrap();
    }
    let Some(refs) = qiskit_states(&[&dir], "written-reference") else {
        let _ = std::fs::remove_dir_all(&dir);
        return;
    };
    for (name, c) in &circuits {
        let want = read_reference(&refs, name).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_states_match(&state(c), &want, 1e-9, name);
    }
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::remove_dir_all(&refs);
}
