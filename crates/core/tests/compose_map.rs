//! `Circuit::compose` checks its qubit map when called, not when the circuit runs.

use ferroq_core::{Circuit, Error};

#[test]
fn a_qubit_map_with_a_repeated_qubit_is_refused_at_compose_time() {
    // Regression (issue 19): `compose(other, [1, 1])` was accepted and failed only
    // when the circuit ran.
    let mut other = Circuit::new(3);
    other.h(0).x(2);
    let mut c = Circuit::new(4);
    let err = c.compose(&other, Some(&[1, 3, 1])).unwrap_err();
    assert!(matches!(err, Error::InvalidArgument { .. }), "{err:?}");
    let text = err.to_string();
    assert!(
        text.contains("qubits 0 and 2 of the appended circuit both to qubit 1"),
        "{text}"
    );
    assert!(c.is_empty(), "nothing was appended");
    // A permutation is fine, and maps as asked.
    c.compose(&other, Some(&[3, 0, 2])).unwrap();
    assert_eq!(c.instructions()[0].qubits(), vec![3]);
    assert_eq!(c.instructions()[1].qubits(), vec![2]);
}
