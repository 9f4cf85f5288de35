//! Every built-in gate (`U`, `CX` and all of qelib1.inc) against its textbook matrix,
//! written out here independently of ferroq-core. The matrix of a parsed gate is read
//! column by column from ferroq's CPU backend: prepare basis state |j> with `x`
//! gates, apply the gate, read the state. Phases must match exactly (these are the
//! matrices of Qiskit's gate classes, which is how Qiskit reads qelib1 names).

mod common;

use ferroq_core::Complex64;
use std::f64::consts::{FRAC_1_SQRT_2 as R, PI};

type Mat = Vec<Vec<Complex64>>;

fn c(re: f64, im: f64) -> Complex64 {
    Complex64::new(re, im)
}
fn e(phase: f64) -> Complex64 {
    Complex64::from_polar(1.0, phase)
}
fn m1(a: Complex64, b: Complex64, cc: Complex64, d: Complex64) -> Mat {
    vec![vec![a, b], vec![cc, d]]
}
fn identity(n: usize) -> Mat {
    (0..n)
        .map(|i| (0..n).map(|j| c((i == j) as u8 as f64, 0.0)).collect())
        .collect()
}
fn scale(m: &Mat, s: Complex64) -> Mat {
    m.iter()
        .map(|r| r.iter().map(|x| x * s).collect())
        .collect()
}

/// OpenQASM's U(θ, φ, λ), as the OpenQASM 2.0 paper defines it.
fn u(t: f64, p: f64, l: f64) -> Mat {
    let (s, co) = (t / 2.0).sin_cos();
    m1(c(co, 0.0), -e(l) * s, e(p) * s, e(p + l) * co)
}
fn x() -> Mat {
    m1(c(0.0, 0.0), c(1.0, 0.0), c(1.0, 0.0), c(0.0, 0.0))
}
fn y() -> Mat {
    m1(c(0.0, 0.0), c(0.0, -1.0), c(0.0, 1.0), c(0.0, 0.0))
}
fn z() -> Mat {
    phase(PI)
}
fn h() -> Mat {
    m1(c(R, 0.0), c(R, 0.0), c(R, 0.0), c(-R, 0.0))
}
fn phase(l: f64) -> Mat {
    m1(c(1.0, 0.0), c(0.0, 0.0), c(0.0, 0.0), e(l))
}
fn rx(t: f64) -> Mat {
    let (s, co) = (t / 2.0).sin_cos();
    m1(c(co, 0.0), c(0.0, -s), c(0.0, -s), c(co, 0.0))
}
fn ry(t: f64) -> Mat {
    let (s, co) = (t / 2.0).sin_cos();
    m1(c(co, 0.0), c(-s, 0.0), c(s, 0.0), c(co, 0.0))
}
fn rz(t: f64) -> Mat {
    m1(e(-t / 2.0), c(0.0, 0.0), c(0.0, 0.0), e(t / 2.0))
}
fn sx() -> Mat {
    m1(c(0.5, 0.5), c(0.5, -0.5), c(0.5, -0.5), c(0.5, 0.5))
}
fn sxdg() -> Mat {
    m1(c(0.5, -0.5), c(0.5, 0.5), c(0.5, 0.5), c(0.5, -0.5))
}

/// `u` on the high qubits, controlled by the `k` low qubits (qelib1 argument order:
/// controls first, and the first argument is qubit 0, the least significant bit).
fn controlled(u: &Mat, k: usize) -> Mat {
    let t = u.len();
    let n = t << k;
    let mask = (1 << k) - 1;
    let mut m = identity(n);
    for i in 0..n {
        if i & mask == mask {
            for j in 0..n {
                if j & mask == mask {
                    m[i][j] = u[i >> k][j >> k];
                }
            }
        }
    }
    m
}
fn swap() -> Mat {
    let mut m = vec![vec![c(0.0, 0.0); 4]; 4];
    for (i, j) in [(0, 0), (1, 2), (2, 1), (3, 3)] {
        m[i][j] = c(1.0, 0.0);
    }
    m
}
/// `cos(θ/2) I - i sin(θ/2) P⊗P` where `flip` maps a basis index to `P⊗P` applied to it
/// (for XX: both bits flipped) and `sign` gives the diagonal sign for ZZ.
fn rxx(t: f64) -> Mat {
    let (s, co) = (t / 2.0).sin_cos();
    let mut m = scale(&identity(4), c(co, 0.0));
    for i in 0..4 {
        m[i ^ 3][i] = c(0.0, -s);
    }
    m
}
fn rzz(t: f64) -> Mat {
    let mut m = identity(4);
    for (i, row) in m.iter_mut().enumerate() {
        let parity = (i & 1) ^ (i >> 1);
        row[i] = if parity == 0 { e(-t / 2.0) } else { e(t / 2.0) };
    }
    m
}
/// Qiskit's RCCXGate: a Toffoli up to relative phases.
fn rccx() -> Mat {
    let mut m = identity(8);
    m[3][3] = c(0.0, 0.0);
    m[7][7] = c(0.0, 0.0);
    m[3][7] = c(0.0, -1.0);
    m[7][3] = c(0.0, 1.0);
    m[5][5] = c(-1.0, 0.0);
    m
}
/// Qiskit's RC3XGate: a 3-controlled X up to relative phases.
fn rc3x() -> Mat {
    let mut m = identity(16);
    m[3][3] = c(0.0, 1.0);
    m[11][11] = c(0.0, -1.0);
    m[7][7] = c(0.0, 0.0);
    m[15][15] = c(0.0, 0.0);
    m[7][15] = c(1.0, 0.0);
    m[15][7] = c(-1.0, 0.0);
    m
}

/// The matrix of `call` (a statement on q[0..k]) as ferroq runs it.
fn matrix_of(call: &str, k: usize) -> Mat {
    let n = 1 << k;
    let mut cols = Vec::new();
    for j in 0..n {
        let mut text = format!("OPENQASM 2.0;\ninclude \"qelib1.inc\";\nqreg q[{k}];\n");
        for b in 0..k {
            if j >> b & 1 == 1 {
                text += &format!("x q[{b}];\n");
            }
        }
        text += call;
        text += ";\n";
        cols.push(common::qasm_state(&text));
    }
    (0..n)
        .map(|i| (0..n).map(|j| cols[j][i]).collect())
        .collect()
}

fn cases() -> Vec<(&'static str, usize, Mat)> {
    let (a, b, l, g) = (0.3, -1.1, 2.4, 0.7);
    vec![
        ("U(0.3,-1.1,2.4) q[0]", 1, u(a, b, l)),
        ("CX q[0],q[1]", 2, controlled(&x(), 1)),
        ("u3(0.3,-1.1,2.4) q[0]", 1, u(a, b, l)),
        ("u2(-1.1,2.4) q[0]", 1, u(PI / 2.0, b, l)),
        ("u1(2.4) q[0]", 1, phase(l)),
        ("cx q[0],q[1]", 2, controlled(&x(), 1)),
        ("id q[0]", 1, identity(2)),
        ("u0(0.3) q[0]", 1, identity(2)),
        ("u(0.3,-1.1,2.4) q[0]", 1, u(a, b, l)),
        ("p(2.4) q[0]", 1, phase(l)),
        ("x q[0]", 1, x()),
        ("y q[0]", 1, y()),
        ("z q[0]", 1, z()),
        ("h q[0]", 1, h()),
        ("s q[0]", 1, phase(PI / 2.0)),
        ("sdg q[0]", 1, phase(-PI / 2.0)),
        ("t q[0]", 1, phase(PI / 4.0)),
        ("tdg q[0]", 1, phase(-PI / 4.0)),
        ("rx(0.3) q[0]", 1, rx(a)),
        ("ry(0.3) q[0]", 1, ry(a)),
        ("rz(0.3) q[0]", 1, rz(a)),
        ("sx q[0]", 1, sx()),
        ("sxdg q[0]", 1, sxdg()),
        ("cz q[0],q[1]", 2, controlled(&z(), 1)),
        ("cy q[0],q[1]", 2, controlled(&y(), 1)),
        ("swap q[0],q[1]", 2, swap()),
        ("ch q[0],q[1]", 2, controlled(&h(), 1)),
        ("ccx q[0],q[1],q[2]", 3, controlled(&x(), 2)),
        ("cswap q[0],q[1],q[2]", 3, controlled(&swap(), 1)),
        ("crx(0.3) q[0],q[1]", 2, controlled(&rx(a), 1)),
        ("cry(0.3) q[0],q[1]", 2, controlled(&ry(a), 1)),
        ("crz(0.3) q[0],q[1]", 2, controlled(&rz(a), 1)),
        ("cu1(2.4) q[0],q[1]", 2, controlled(&phase(l), 1)),
        ("cp(2.4) q[0],q[1]", 2, controlled(&phase(l), 1)),
        ("cu3(0.3,-1.1,2.4) q[0],q[1]", 2, controlled(&u(a, b, l), 1)),
        ("csx q[0],q[1]", 2, controlled(&sx(), 1)),
        (
            "cu(0.3,-1.1,2.4,0.7) q[0],q[1]",
            2,
            controlled(&scale(&u(a, b, l), e(g)), 1),
        ),
        ("rxx(0.3) q[0],q[1]", 2, rxx(a)),
        ("rzz(0.3) q[0],q[1]", 2, rzz(a)),
        ("rccx q[0],q[1],q[2]", 3, rccx()),
        ("rc3x q[0],q[1],q[2],q[3]", 4, rc3x()),
        ("c3x q[0],q[1],q[2],q[3]", 4, controlled(&x(), 3)),
        ("c3sqrtx q[0],q[1],q[2],q[3]", 4, controlled(&sx(), 3)),
        ("c4x q[0],q[1],q[2],q[3],q[4]", 5, controlled(&x(), 4)),
    ]
}

#[test]
fn every_builtin_gate_has_its_textbook_matrix() {
    let cases = cases();
    // U, CX and the 42 gates of qelib1.inc.
    assert_eq!(cases.len(), 44);
    for (call, k, want) in cases {
        let got = matrix_of(call, k);
        for i in 0..want.len() {
            for j in 0..want.len() {
                let d = (got[i][j] - want[i][j]).norm();
                assert!(
                    d < 1e-12,
                    "`{call}`: entry ({i},{j}) is {} but the textbook has {}",
                    got[i][j],
                    want[i][j]
                );
            }
        }
    }
}

#[test]
fn gate_arguments_are_in_qelib1_order() {
    // cx: first argument controls; on |q1 q0> = |0 1> it flips q1: index 1 -> 3.
    let s = common::qasm_state(
        "OPENQASM 2.0;\ninclude \"qelib1.inc\";\nqreg q[2];\nx q[0];\ncx q[0],q[1];",
    );
    assert!((s[3].re - 1.0).abs() < 1e-12);
    let s = common::qasm_state(
        "OPENQASM 2.0;\ninclude \"qelib1.inc\";\nqreg q[2];\nx q[0];\ncx q[1],q[0];",
    );
    assert!((s[1].re - 1.0).abs() < 1e-12);
}
