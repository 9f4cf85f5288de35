//! Standard circuits with known analytic results: GHZ, QFT, teleportation, basis-state
//! preparation.

use ferroq_core::{Circuit, Complex64};
use std::f64::consts::{FRAC_1_SQRT_2, PI};

/// `(|0…0> + |1…1>)/√2` on `n` qubits: `h(0)` and a CNOT chain.
pub fn ghz(n: u32) -> Circuit {
    let mut c = Circuit::new(n);
    c.h(0);
    for q in 1..n {
        c.cx(q - 1, q);
    }
    c
}

/// The analytic GHZ amplitudes.
pub fn ghz_state(n: u32) -> Vec<Complex64> {
    let mut v = vec![Complex64::new(0.0, 0.0); 1 << n];
    v[0] = Complex64::new(FRAC_1_SQRT_2, 0.0);
    v[(1 << n) - 1] += Complex64::new(FRAC_1_SQRT_2, 0.0);
    v
}

/// Appends x gates that turn `|0…0>` into the basis state `|index>`.
pub fn prepare_basis(c: &mut Circuit, index: u64) {
    for q in 0..c.num_qubits() {
        if (index >> q) & 1 == 1 {
            c.x(q);
        }
    }
}

/// Appends the quantum Fourier transform on all qubits, mapping `|j>` to
/// `Σ_k e^{2πi·jk/2^n} |k> / √(2^n)` (little-endian, final swaps included).
pub fn append_qft(c: &mut Circuit) {
    let n = c.num_qubits();
    for q in (0..n).rev() {
        c.h(q);
        for k in (0..q).rev() {
            c.cp(PI / f64::powi(2.0, (q - k) as i32), k, q);
        }
    }
    for q in 0..n / 2 {
        c.swap(q, n - 1 - q);
    }
}

/// `|j>` followed by the QFT on `n` qubits.
pub fn qft_of_basis(n: u32, j: u64) -> Circuit {
    let mut c = Circuit::new(n);
    prepare_basis(&mut c, j);
    append_qft(&mut c);
    c
}

/// The analytic QFT of `|j>`: amplitude `k` is `e^{2πi·jk/N}/√N`.
pub fn qft_state(n: u32, j: u64) -> Vec<Complex64> {
    let dim = 1u64 << n;
    let norm = 1.0 / (dim as f64).sqrt();
    (0..dim)
        .map(|k| {
            // reduce jk mod N in integers first so large n keeps full precision
            let phase = ((j as u128 * k as u128) % dim as u128) as f64 / dim as f64;
            Complex64::from_polar(norm, 2.0 * PI * phase)
        })
        .collect()
}

/// Teleports `U(θ, φ, λ)|0>` from qubit 0 to qubit 2 with two mid-circuit measurements
/// (into bits 0 and 1) and classically conditioned corrections. After it, qubit 2 holds
/// the input state and qubits 0 and 1 hold the measured bits.
pub fn teleportation(theta: f64, phi: f64, lambda: f64) -> Circuit {
    let mut c = Circuit::with_clbits(3, 2);
    c.u(theta, phi, lambda, 0);
    c.barrier(&[]);
    c.h(1).cx(1, 2);
    c.cx(0, 1).h(0);
    c.measure(0, 0).measure(1, 1);
    c.x(2).c_if(&[1], 1);
    c.z(2).c_if(&[0], 1);
    c
}
