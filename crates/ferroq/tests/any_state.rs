//! `AnyState` forwards every primitive to the concrete backend's own implementation,
//! including the provided ones a backend overrides for speed (a forgotten forward
//! silently falls back to the slow default).

use ferroq::{AnyBackend, Backend, BackendConfig, Complex64, Interrupt, Op, StatePrimitives};

#[test]
fn inner_product_op_is_the_backends_one_pass_not_the_scratch_default() {
    let backend = AnyBackend::new(&BackendConfig::default()).expect("CPU backend");
    let n = 3;
    let mut bra = backend.new_state(n).unwrap();
    let mut ket = backend.new_state(n).unwrap();
    let mut scratch = backend.new_state(n).unwrap();
    let h = |q| Op::Dense {
        targets: vec![q],
        controls: vec![],
        matrix: ferroq::Gate::H.matrix_of(&[]),
    };
    bra.apply(&[h(0), h(2)], &Interrupt::none()).unwrap();
    ket.apply(&[h(0), h(1)], &Interrupt::none()).unwrap();
    // <bra| Z_1 |ket>: bra = |+0+>, ket = |0++>: (1/4)·Σ over the shared support.
    let z1 = Op::Diagonal {
        targets: vec![1],
        controls: vec![],
        diag: vec![Complex64::new(1.0, 0.0), Complex64::new(-1.0, 0.0)],
    };
    let got = bra.inner_product_op(&z1, &ket, &mut scratch).unwrap();
    // Independent: amplitudes by hand. bra has 1/2 on indices with bit 1 = 0; ket has
    // 1/2 on indices with bit 2 = 0; overlap on {0, 1} where Z_1 = +1: 2 · 1/4.
    assert!((got - Complex64::new(0.5, 0.0)).norm() < 1e-12, "{got}");
    // The one-pass path never touched the scratch state: it is still |000>.
    let amps = scratch.state_vector().unwrap().to_c64();
    assert!((amps[0] - Complex64::new(1.0, 0.0)).norm() < 1e-12);
    assert!(amps[1..].iter().all(|a| a.norm() < 1e-12));
}
