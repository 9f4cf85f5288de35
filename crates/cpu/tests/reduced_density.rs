//! The CPU's one-pass reduced density matrix equals core's default (from Pauli
//! expectations) on random states, serial and parallel; bad qubits are errors.

use ferroq_core::primitives::reduced_density_matrix_via_paulis;
use ferroq_core::{Backend, Complex64, Precision, Rng, StatePrimitives};
use ferroq_cpu::{CpuBackend, CpuOptions};

#[test]
fn one_pass_matches_pauli_default() {
    for parallel in [false, true] {
        let b = CpuBackend::new(CpuOptions {
            precision: Precision::Double,
            threads: Some(2),
            parallel_threshold: if parallel { 0 } else { 30 },
            parallel_chunk: 8,
            ..Default::default()
        })
        .unwrap();
        let n = 5;
        let mut rng = Rng::new(4);
        let amps: Vec<Complex64> = (0..1 << n)
            .map(|_| Complex64::new(rng.next_f64() - 0.5, rng.next_f64() - 0.5))
            .collect();
        let mut s = b.new_state(n).unwrap();
        s.set_amplitudes(&amps).unwrap();
        for qs in [vec![0], vec![2, 1], vec![4, 0, 3]] {
            let fast = s.reduced_density_matrix(&qs).unwrap();
            let slow = reduced_density_matrix_via_paulis(&s, &qs).unwrap();
            for (a, b) in fast.iter().zip(&slow) {
                assert!((a - b).norm() < 1e-12, "{qs:?}: {a} vs {b}");
            }
        }
        assert!(s.reduced_density_matrix(&[5]).is_err());
        assert!(s.reduced_density_matrix(&[1, 1]).is_err());
        assert!(s.reduced_density_matrix(&[]).is_err());
    }
}
