//! Standard circuits: GHZ, the quantum Fourier transform, random layered circuits, QAOA
//! on a random graph and Qiskit's `EfficientSU2` with full entanglement, built exactly as the benchmarks, the examples and `python/benchmarks/peers.py` build
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

/// Qiskit's `efficient_su2(n, reps, entanglement="full")` (the `EfficientSU2` ansatz)
/// with its parameters bound from [`Rng::new`]`(seed)`, gate for gate in Qiskit's order:
/// per rep an `RY` layer (qubits 0..n), an `RZ` layer, then `CX(i, j)` over every pair
/// `i < j` in lexicographic order ("full" entanglement: (0,1), (0,2), …, (0,n-1),
/// (1,2), …); after the last rep one more `RY` and `RZ` layer. Angles are
/// `next_f64() * 2π` in Qiskit's parameter order, which is circuit order here
/// (θ[0..n] the first RY layer, θ[n..2n] the first RZ layer, …): `2n(reps + 1)`
/// parameters, `2n(reps + 1) + reps·n(n-1)/2` gates.
pub fn efficient_su2_full(n: u32, reps: u32, seed: u64) -> Circuit {
    let mut rng = Rng::new(seed);
    let mut c = Circuit::new(n);
    for rep in 0..=reps {
        for q in 0..n {
            c.ry(rng.next_f64() * 2.0 * PI, q);
        }
        for q in 0..n {
            c.rz(rng.next_f64() * 2.0 * PI, q);
        }
        if rep < reps {
            for i in 0..n {
                for j in i + 1..n {
                    c.cx(i, j);
                }
            }
        }
    }
    c
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Operation;

    /// (name, qubits) of every gate, controls first.
    fn gates(c: &Circuit) -> Vec<(String, Vec<u32>)> {
        c.instructions()
            .iter()
            .filter_map(|ins| match &ins.op {
                Operation::Gate {
                    targets, controls, ..
                } => Some((
                    ins.name(),
                    controls.iter().chain(targets).copied().collect(),
                )),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn efficient_su2_full_has_qiskits_counts_and_interaction_graph() {
        for (n, reps) in [(1u32, 0u32), (2, 1), (5, 3), (7, 2)] {
            let g = gates(&efficient_su2_full(n, reps, 9));
            let (n_, r_) = (n as usize, reps as usize);
            let count = |name: &str| g.iter().filter(|(g, _)| g == name).count();
            assert_eq!(count("ry"), n_ * (r_ + 1), "n={n} reps={reps}");
            assert_eq!(count("rz"), n_ * (r_ + 1));
            assert_eq!(count("cx"), r_ * n_ * (n_ - 1) / 2);
            assert_eq!(g.len(), 2 * n_ * (r_ + 1) + r_ * n_ * (n_ - 1) / 2);
            // Every rep's entangler joins each unordered pair exactly once, lower
            // qubit controlling: the complete graph, not a chain.
            let mut pairs: Vec<Vec<u32>> = g
                .iter()
                .filter(|(name, _)| name == "cx")
                .map(|(_, q)| q.clone())
                .collect();
            assert!(pairs.iter().all(|q| q[0] < q[1]));
            pairs.sort();
            pairs.dedup();
            assert_eq!(pairs.len(), n_ * (n_ - 1) / 2);
        }
    }

    #[test]
    fn efficient_su2_full_is_layered_in_qiskits_order() {
        let g = gates(&efficient_su2_full(3, 1, 1));
        let text: Vec<String> = g.iter().map(|(name, q)| format!("{name}{q:?}")).collect();
        assert_eq!(
            text.join(" "),
            "ry[0] ry[1] ry[2] rz[0] rz[1] rz[2] cx[0, 1] cx[0, 2] cx[1, 2] \
             ry[0] ry[1] ry[2] rz[0] rz[1] rz[2]"
        );
    }

    #[test]
    fn efficient_su2_full_angles_are_the_rng_stream_in_order() {
        let c = efficient_su2_full(2, 1, 5);
        let mut rng = Rng::new(5);
        let none = crate::ParamBinding::new();
        for ins in c.instructions() {
            if let Operation::Gate { gate, .. } = &ins.op {
                if let Some(p) = gate.params().first() {
                    let expected = rng.next_f64() * 2.0 * PI;
                    assert_eq!(p.eval(&none).unwrap().to_bits(), expected.to_bits());
                }
            }
        }
        assert_ne!(efficient_su2_full(4, 2, 1), efficient_su2_full(4, 2, 2));
    }
}
