//! Channels, readout errors and noise models: validation gives clear errors (never a
//! panic), mixtures are recognised, noise models insert channels where Qiskit Aer
//! does, and fusion keeps working through mixed-unitary channels.

use ferroq_core::{
    compile, Channel, Circuit, CompileOptions, Complex64, Error, Matrix, NoiseModel, Op, Operation,
    ReadoutError, Rng,
};

fn m(rows: [[f64; 2]; 2]) -> Matrix {
    let c = |x: f64| Complex64::new(x, 0.0);
    Matrix::new(
        2,
        vec![c(rows[0][0]), c(rows[0][1]), c(rows[1][0]), c(rows[1][1])],
    )
    .unwrap()
}

fn invalid(r: Result<Channel, Error>, needle: &str) {
    match r {
        Err(Error::InvalidArgument { reason }) => {
            assert!(reason.contains(needle), "`{reason}` lacks `{needle}`")
        }
        other => panic!("expected an invalid-argument error with `{needle}`, got {other:?}"),
    }
}

#[test]
fn bad_parameters_are_clear_errors() {
    invalid(Channel::bit_flip(1.5), "bit_flip");
    invalid(Channel::bit_flip(f64::NAN), "not a probability");
    invalid(Channel::phase_flip(-0.1), "not a probability");
    invalid(Channel::pauli(0.5, 0.4, 0.3), "exceeds 1");
    invalid(Channel::depolarizing(1.5, 1), "depolarizing");
    invalid(Channel::depolarizing(0.1, 3), "1 or 2");
    invalid(Channel::amplitude_damping(2.0), "gamma");
    invalid(
        Channel::generalized_amplitude_damping(0.1, 1.2),
        "excited_population",
    );
    invalid(Channel::phase_damping(-1.0), "lambda");
    invalid(
        Channel::thermal_relaxation(10.0, 30.0, 1.0, 0.0),
        "exceeds 2·t1",
    );
    invalid(Channel::thermal_relaxation(0.0, 1.0, 1.0, 0.0), "t1 > 0");
    invalid(Channel::reset_error(0.7, 0.6), "exceeds 1");
    assert!(ReadoutError::new([[0.9, 0.2], [0.1, 0.9]]).is_err());
    assert!(ReadoutError::flips(1.2, 0.0).is_err());
}

#[test]
fn kraus_validation() {
    invalid(Channel::kraus(vec![]), "at least one");
    invalid(
        Channel::kraus(vec![m([[1.0, 0.0], [0.0, 0.5]])]),
        "not trace preserving",
    );
    invalid(
        Channel::kraus(vec![m([[1.0, 0.0], [0.0, 1.0]]), Matrix::identity(2)]),
        "operator 1 is 4x4",
    );
    invalid(
        Channel::kraus(vec![Matrix::identity(4)]),
        "1 to 3 are supported",
    );
    let nan = Matrix::new(2, vec![Complex64::new(f64::NAN, 0.0); 4]);
    assert!(nan.is_err(), "non-finite matrices are refused when built");
    // Amplitude damping by hand: a general channel, not a mixture.
    let g: f64 = 0.3;
    let ad = Channel::kraus(vec![
        m([[1.0, 0.0], [0.0, (1.0 - g).sqrt()]]),
        m([[0.0, g.sqrt()], [0.0, 0.0]]),
    ])
    .unwrap();
    assert!(ad.mixture().is_none());
    // Scaled unitaries are recognised as a mixture with their weights.
    let s = (0.25f64).sqrt();
    let flip = Channel::kraus(vec![
        m([[(0.75f64).sqrt(), 0.0], [0.0, (0.75f64).sqrt()]]),
        m([[0.0, s], [s, 0.0]]),
    ])
    .unwrap();
    let mix = flip.mixture().expect("a mixture");
    assert!((mix[0].0 - 0.75).abs() < 1e-12 && (mix[1].0 - 0.25).abs() < 1e-12);
}

#[test]
fn standard_channels_are_trace_preserving_and_typed() {
    let chans = [
        Channel::bit_flip(0.1).unwrap(),
        Channel::phase_flip(0.1).unwrap(),
        Channel::pauli(0.1, 0.2, 0.3).unwrap(),
        Channel::depolarizing(0.2, 1).unwrap(),
        Channel::depolarizing(0.2, 2).unwrap(),
        Channel::amplitude_damping(0.2).unwrap(),
        Channel::generalized_amplitude_damping(0.2, 0.1).unwrap(),
        Channel::phase_damping(0.2).unwrap(),
        Channel::thermal_relaxation(50.0, 40.0, 5.0, 0.0).unwrap(),
        Channel::reset_error(0.1, 0.05).unwrap(),
    ];
    let mixtures: Vec<bool> = chans.iter().map(|c| c.mixture().is_some()).collect();
    assert_eq!(
        mixtures,
        [true, true, true, true, true, false, false, true, false, false]
    );
    assert!(Channel::phase_flip(0.1).unwrap().is_diagonal_mixture());
    // Re-validating each channel's own Kraus operators succeeds.
    for c in &chans {
        Channel::kraus(c.kraus_operators().to_vec()).unwrap();
    }
    // depolarizing(p) draws a non-identity Pauli with probability p·3/4.
    let d = Channel::depolarizing(0.4, 1).unwrap();
    let mut rng = Rng::new(1);
    let hits = (0..100_000)
        .filter(|_| d.draw(rng.next_f64()) != Some(0))
        .count() as f64;
    assert!((hits / 1e5 - 0.3).abs() < 0.01, "{hits}");
}

#[test]
fn circuit_validation_of_channels() {
    let mut c = Circuit::new(2);
    assert!(matches!(
        c.channel(Channel::depolarizing(0.1, 2).unwrap(), &[0]),
        Err(Error::Arity { .. })
    ));
    assert!(matches!(
        c.depolarizing(0.1, &[1, 1]),
        Err(Error::DuplicateQubit { .. })
    ));
    assert!(matches!(
        c.bit_flip(0.1, 5),
        Err(Error::QubitOutOfRange { .. })
    ));
    assert!(matches!(
        c.readout_error(ReadoutError::flips(0.1, 0.1).unwrap(), 3),
        Err(Error::ClbitOutOfRange { .. })
    ));
    c.h(0).bit_flip(0.1, 0).unwrap();
    assert!(c.inverse().is_err());
    assert!(c.has_noise());
}

#[test]
fn fusion_keeps_working_through_mixtures() {
    let mut c = Circuit::new(2);
    c.h(0).depolarizing(0.1, &[0]).unwrap();
    c.cx(0, 1).depolarizing(0.1, &[0, 1]).unwrap();
    c.h(1);
    let plan = compile(&c, &CompileOptions::default()).unwrap();
    assert_eq!(plan.noise_slots(), 2);
    assert!(plan.has_noise() && !plan.has_state_noise() && !plan.has_non_unitary());
    let err = plan.bind(&[]).unwrap_err();
    assert!(err.to_string().contains("bind_trajectory"), "{err}");
    // One fused block, whatever was drawn.
    for choices in [[0, 0], [3, 7], [1, 15]] {
        let p = plan.bind_trajectory(&[], &choices).unwrap();
        assert_eq!(p.ops().len(), 1, "{choices:?}: {:?}", p.ops());
    }
    assert!(plan.bind_trajectory(&[], &[4, 0]).is_err());
    assert!(plan.bind_trajectory(&[], &[0]).is_err());
    // A general channel is a fence, applied by the execution loop.
    let mut k = Circuit::new(1);
    k.h(0).amplitude_damping(0.1, 0).unwrap();
    k.h(0);
    let plan = compile(&k, &CompileOptions::default()).unwrap();
    assert!(plan.has_state_noise() && plan.noise_slots() == 0);
    let ops = plan.bind(&[]).unwrap();
    assert!(
        matches!(ops.ops()[1], Op::Channel { .. }),
        "{:?}",
        ops.ops()
    );
}

#[test]
fn noise_model_places_channels_like_aer() {
    let mut model = NoiseModel::new();
    model
        .add_all_qubit_error(Channel::depolarizing(0.01, 1).unwrap(), &["h", "x"])
        .unwrap()
        .add_all_qubit_error(Channel::depolarizing(0.02, 2).unwrap(), &["cx"])
        .unwrap()
        .add_qubit_error(Channel::bit_flip(0.3).unwrap(), &["h"], &[1])
        .unwrap()
        .add_all_qubit_error(Channel::bit_flip(0.05).unwrap(), &["measure"])
        .unwrap();
    model.add_all_qubit_readout_error(ReadoutError::flips(0.1, 0.2).unwrap());
    model.add_readout_error(ReadoutError::flips(0.0, 0.5).unwrap(), 1);
    assert!(model
        .add_qubit_error(Channel::bit_flip(0.1).unwrap(), &["cx"], &[0, 1])
        .is_err());
    assert!(model
        .add_all_qubit_error(Channel::bit_flip(0.1).unwrap(), &[])
        .is_err());
    let mut c = Circuit::new(2);
    c.h(0).h(1).cx(0, 1).measure(0, 0).measure(1, 1);
    let noisy = model.apply(&c).unwrap();
    let names: Vec<String> = noisy.instructions().iter().map(|i| i.name()).collect();
    assert_eq!(
        names,
        [
            "h",
            "depolarizing",
            "h",
            "bit_flip",
            "cx",
            "depolarizing",
            "bit_flip",
            "measure",
            "readout_error",
            "bit_flip",
            "measure",
            "readout_error"
        ]
    );
    // The local error on qubit 1 replaced the all-qubit one; cx got the 2-qubit one.
    let op = |i: usize| &noisy.instructions()[i].op;
    assert!(matches!(op(5), Operation::Channel { qubits, .. } if qubits == &vec![0, 1]));
    match op(11) {
        Operation::ReadoutError { error, clbit } => {
            assert_eq!((*clbit, error.probabilities()[1][0]), (1, 0.5))
        }
        other => panic!("{other:?}"),
    }
}
