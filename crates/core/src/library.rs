//! Standard circuits: GHZ, the quantum Fourier transform and random layered circuits,
//! built exactly as the benchmarks, the examples and `python/benchmarks/peers.py` build
//! them (same gates, same order, same angles from the same [`Rng`] stream).

use crate::{Circuit, Rng};
use std::f64::consts::PI;

/// GHZ: `H(0)`, then `CX(q-1, q)` for q = 1..n.
pub fn ghz(n: u32) -> Circuit {
    let mut c = Circuit::new(n);
    c.h(0);
    for q in 1..n {
        c.cx(q - 1, q);
    }
    c
}

/// QFT without the final swaps: for j = n-1 down to 0, `H(j)` then `CP(π/2^(j-k), k, j)`
/// for k = j-1 down to 0.
pub fn qft(n: u32) -> Circuit {
    let mut c = Circuit::new(n);
    for j in (0..n).rev() {
        c.h(j);
        for k in (0..j).rev() {
            c.cp(PI / (1u64 << (j - k)) as f64, k, j);
        }
    }
    c
}

/// `layers` of random rotations then CZs, from [`Rng::new`]`(seed)`.
///
/// Per layer `l`, for every qubit q in order: `angle = next_f64() * 2π`, then
/// `next_u64() % 3` picks rx (0), ry (1) or rz (2). Then CZ on `(q, q+1)` for
/// q = l % 2, l % 2 + 2, … < n-1.
pub fn random_layers(n: u32, layers: u32, seed: u64) -> Circuit {
    let mut rng = Rng::new(seed);
    let mut c = Circuit::new(n);
    for layer in 0..layers {
        for q in 0..n {
            let angle = rng.next_f64() * 2.0 * PI;
            match rng.next_u64() % 3 {
                0 => c.rx(angle, q),
                1 => c.ry(angle, q),
                _ => c.rz(angle, q),
            };
        }
        for q in ((layer % 2)..n.saturating_sub(1)).step_by(2) {
            c.cz(q, q + 1);
        }
    }
    c
}

/// A QAOA-style circuit on a random interaction graph, its ZZ terms written as
/// frameworks emit them: per layer, `n` edges `(a, b)` between random distinct qubits
/// (not neighbours in general), each as `CX(a, b) · RZ(γ, b) · CX(a, b)`; then
/// `RX(β)` on every qubit. From [`Rng::new`]`(seed)`: per edge `a = next_u64() % n`,
/// then `b` from the remaining `n - 1` qubits; per layer `γ` and `β` are
/// `next_f64() * 2π`. `native_zz` writes each term as one `RZZ(γ, a, b)` (the same
/// unitary) instead.
pub fn qaoa_random_graph(n: u32, layers: u32, seed: u64, native_zz: bool) -> Circuit {
    let mut rng = Rng::new(seed);
    let mut c = Circuit::new(n);
    for q in 0..n {
        c.h(q);
    }
    if n < 2 {
        return c;
    }
    for _ in 0..layers {
        let gamma = rng.next_f64() * 2.0 * PI;
        let beta = rng.next_f64() * 2.0 * PI;
        for _ in 0..n {
            let a = (rng.next_u64() % n as u64) as u32;
            let mut b = (rng.next_u64() % (n as u64 - 1)) as u32;
            if b >= a {
                b += 1;
            }
            if native_zz {
                c.rzz(gamma, a, b);
            } else {
                c.cx(a, b).rz(gamma, b).cx(a, b);
            }
        }
        for q in 0..n {
            c.rx(beta, q);
        }
    }
    c
}
