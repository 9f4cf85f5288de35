//! Textbook circuits written in OpenQASM 2.0, run on ferroq's CPU backend, against
//! their analytic results: a ripple-carry adder, the QFT, Grover search and
//! teleportation with classical control.

mod common;

use common::{run, state};
use ferroq_core::Complex64;
use ferroq_qasm::parse;
use std::f64::consts::PI;

/// Cuccaro et al.'s ripple-carry adder on 4-bit registers: b <- a + b, carry out.
fn adder(a: u32, b: u32) -> String {
    let mut s = String::from(
        "OPENQASM 2.0;\ninclude \"qelib1.inc\";\n\
         gate majority a, b, c { cx c, b; cx c, a; ccx a, b, c; }\n\
         gate unmaj a, b, c { ccx a, b, c; cx c, a; cx a, b; }\n\
         qreg cin[1];\nqreg a[4];\nqreg b[4];\nqreg cout[1];\ncreg ans[5];\n",
    );
    for i in 0..4 {
        if a >> i & 1 == 1 {
            s += &format!("x a[{i}];\n");
        }
        if b >> i & 1 == 1 {
            s += &format!("x b[{i}];\n");
        }
    }
    s += "majority cin[0], b[0], a[0];\n";
    for i in 1..4 {
        s += &format!("majority a[{}], b[{i}], a[{i}];\n", i - 1);
    }
    s += "cx a[3], cout[0];\n";
    for i in (1..4).rev() {
        s += &format!("unmaj a[{}], b[{i}], a[{i}];\n", i - 1);
    }
    s += "unmaj cin[0], b[0], a[0];\n";
    s += "measure b[0] -> ans[0];\nmeasure b[1] -> ans[1];\nmeasure b[2] -> ans[2];\n\
          measure b[3] -> ans[3];\nmeasure cout[0] -> ans[4];\n";
    s
}

#[test]
fn ripple_carry_adder_adds() {
    for (a, b) in [
        (0, 0),
        (1, 1),
        (3, 5),
        (7, 9),
        (15, 1),
        (15, 15),
        (6, 10),
        (12, 2),
    ] {
        let c = parse(&adder(a, b)).unwrap();
        let (s, bits) = run(&c, 0);
        let sum: u32 = bits
            .iter()
            .enumerate()
            .map(|(i, &b)| u32::from(b) << i)
            .sum();
        assert_eq!(sum, a + b, "{a} + {b}");
        // a is restored, the state is a basis state.
        let idx = s.iter().position(|z| z.norm() > 0.5).unwrap();
        assert_eq!((idx >> 1) & 0xf, a as usize);
    }
}

/// The QFT on `n` qubits (little-endian, as Qiskit's `QFT`), applied to |x>.
fn qft(n: usize, x: usize) -> String {
    let mut s = format!("OPENQASM 2.0;\ninclude \"qelib1.inc\";\nqreg q[{n}];\n");
    for i in 0..n {
        if x >> i & 1 == 1 {
            s += &format!("x q[{i}];\n");
        }
    }
    for j in (0..n).rev() {
        s += &format!("h q[{j}];\n");
        for k in (0..j).rev() {
            s += &format!("cu1(pi/{}) q[{k}], q[{j}];\n", 1 << (j - k));
        }
    }
    for i in 0..n / 2 {
        s += &format!("swap q[{i}], q[{}];\n", n - 1 - i);
    }
    s
}

#[test]
fn qft_of_a_basis_state_has_textbook_amplitudes() {
    let n = 5;
    let dim = 1usize << n;
    for x in [0, 1, 6, 19, 31] {
        let s = state(&parse(&qft(n, x)).unwrap());
        for (k, z) in s.iter().enumerate() {
            let want = Complex64::from_polar(
                1.0 / (dim as f64).sqrt(),
                2.0 * PI * (x * k) as f64 / dim as f64,
            );
            assert!((z - want).norm() < 1e-12, "x={x} k={k}: {z} vs {want}");
        }
    }
}

#[test]
fn grover_finds_the_marked_item_with_the_textbook_probability() {
    // 3 qubits, marked |101>, two iterations: P = sin^2(5θ) with sin θ = 1/√8.
    let ccz = "h q[2]; ccx q[0], q[1], q[2]; h q[2];";
    let oracle = format!("x q[1]; {ccz} x q[1];");
    let diffusion = format!("h q; x q; {ccz} x q; h q;");
    let text = format!(
        "OPENQASM 2.0;\ninclude \"qelib1.inc\";\nqreg q[3];\nh q;\n{oracle}\n{diffusion}\n{oracle}\n{diffusion}\n"
    );
    let s = state(&parse(&text).unwrap());
    let theta = (1.0f64 / 8.0).sqrt().asin();
    let p_marked = (5.0 * theta).sin().powi(2);
    for (i, z) in s.iter().enumerate() {
        let want = if i == 0b101 {
            p_marked
        } else {
            (1.0 - p_marked) / 7.0
        };
        assert!(
            (z.norm_sqr() - want).abs() < 1e-12,
            "basis {i}: {} vs {want}",
            z.norm_sqr()
        );
    }
    assert!(p_marked > 0.94);
}

#[test]
fn teleportation_with_classical_control_moves_the_state() {
    let (t, p, l) = (0.7f64, 0.3f64, -0.4f64);
    let text = format!(
        "OPENQASM 2.0;\ninclude \"qelib1.inc\";\nqreg q[3];\ncreg c0[1];\ncreg c1[1];\n\
         u3({t},{p},{l}) q[0];\n\
         h q[1];\ncx q[1], q[2];\n\
         cx q[0], q[1];\nh q[0];\n\
         measure q[0] -> c0[0];\nmeasure q[1] -> c1[0];\n\
         if (c1 == 1) x q[2];\nif (c0 == 1) z q[2];\n"
    );
    let c = parse(&text).unwrap();
    let psi = [
        Complex64::new((t / 2.0).cos(), 0.0),
        Complex64::from_polar((t / 2.0).sin(), p),
    ];
    let mut seen = [false; 4];
    for seed in 0..40 {
        let (s, bits) = run(&c, seed);
        let m = usize::from(bits[0]) | usize::from(bits[1]) << 1;
        seen[m] = true;
        // After the measurements the state is |m1 m0> on q1 q0 times |ψ> on q2.
        let got = [s[m], s[m | 4]];
        let norm: f64 = s.iter().map(|z| z.norm_sqr()).sum();
        assert!((norm - 1.0).abs() < 1e-12);
        assert!(
            (got[0].norm_sqr() + got[1].norm_sqr() - 1.0).abs() < 1e-12,
            "seed {seed}"
        );
        common::assert_states_match(&got, &psi, 1e-12, &format!("seed {seed}, outcome {m}"));
    }
    assert_eq!(
        seen, [true; 4],
        "all four measurement outcomes should occur"
    );
}
