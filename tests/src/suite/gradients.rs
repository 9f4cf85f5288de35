//! Adjoint gradients ([`ferroq_core::gradient`]) against central finite differences of
//! the dense reference simulator.

use super::tolerance;
use crate::random::{
    below, distinct_qubits, random_binding, random_circuit, random_observable,
    random_state_circuit, random_unitary, uniform, RandomCircuitOptions,
};
use crate::reference::final_state;
use ferroq_core::gradient::{gradient, gradient_batch, vjp, Gradient};
use ferroq_core::{
    Backend, Circuit, CompileOptions, DiffPlan, Error, Gate, Interrupt, Observable, Param,
    ParamBinding, ParamSets, Precision, Rng,
};
use std::fmt::Display;

/// Step of the central differences (on the double-precision reference).
const FD_STEP: f64 = 1e-5;

/// Tolerance on derivatives: finite differences in double precision are good to about
/// `1e-9`; a single-precision backend accumulates rounding in every pass of the sweep.
fn derivative_tolerance<B: Backend>(b: &B) -> f64 {
    match b.precision() {
        Precision::Single => 2e-3,
        Precision::Double => 1e-7,
    }
}

/// `[k][p]`: central differences of `<O_k>` by each parameter of `circuit` (sorted
/// names), on the reference simulator.
fn finite_differences(
    circuit: &Circuit,
    binding: &ParamBinding,
    observables: &[Observable],
) -> Vec<Vec<f64>> {
    let names = circuit.parameters();
    let mut jac = vec![vec![0.0; names.len()]; observables.len()];
    for (p, name) in names.iter().enumerate() {
        let v = binding.get(name).expect("bound");
        let (mut plus, mut minus) = (binding.clone(), binding.clone());
        plus.set(name.clone(), v + FD_STEP);
        minus.set(name.clone(), v - FD_STEP);
        let (sp, sm) = (final_state(circuit, &plus), final_state(circuit, &minus));
        for (k, o) in observables.iter().enumerate() {
            jac[k][p] = (sp.expectation(o) - sm.expectation(o)) / (2.0 * FD_STEP);
        }
    }
    jac
}

/// The backend's gradient of `circuit` under `options`, checked against the reference.
fn check_gradient<B: Backend>(
    b: &B,
    circuit: &Circuit,
    options: &CompileOptions,
    binding: &ParamBinding,
    observables: &[Observable],
    ctx: impl Display,
) -> Gradient {
    let plan = DiffPlan::new(circuit, options)
        .unwrap_or_else(|e| panic!("{ctx}: DiffPlan::new failed: {e}\n{circuit}"));
    assert_eq!(plan.parameters(), circuit.parameters().as_slice(), "{ctx}");
    let values = plan.values(binding).expect("a full binding");
    let got = gradient(b, &plan, &values, observables, &Interrupt::none())
        .unwrap_or_else(|e| panic!("{ctx}: gradient failed: {e}\n{circuit}"));
    let state = final_state(circuit, binding);
    let want_values: Vec<f64> = observables.iter().map(|o| state.expectation(o)).collect();
    let want = finite_differences(circuit, binding, observables);
    let (vtol, dtol) = (10.0 * tolerance(b), derivative_tolerance(b));
    assert_eq!(got.values.len(), observables.len(), "{ctx}");
    assert_eq!(got.jacobian.len(), observables.len(), "{ctx}");
    for k in 0..observables.len() {
        assert!(
            (got.values[k] - want_values[k]).abs() <= vtol,
            "{ctx}: <O_{k}> is {} but the reference gives {} (tol {vtol:.1e})\n{circuit}",
            got.values[k],
            want_values[k]
        );
        assert_eq!(got.jacobian[k].len(), want[k].len(), "{ctx}");
        for (p, (g, w)) in got.jacobian[k].iter().zip(&want[k]).enumerate() {
            assert!(
                (g - w).abs() <= dtol,
                "{ctx}: d<O_{k}>/d{} is {g} but finite differences give {w} \
                 (|diff| = {:.3e} > tol {dtol:.1e}) at {binding:?}\n{circuit}",
                plan.parameters()[p],
                (g - w).abs()
            );
        }
    }
    got
}

/// Every parametric gate, with affine expressions of the shared symbols `a`, `b`, `c`.
fn parametric_gates() -> Vec<Gate> {
    let p = |s: &str| -> Param { s.parse().expect("a parameter expression") };
    vec![
        Gate::RX(p("2*a + 0.3")),
        Gate::RY(p("a")),
        Gate::RZ(p("-1.5*a + 0.2")),
        Gate::P(p("a")),
        Gate::U(p("a"), p("b"), p("c")),
        Gate::U(p("a + b"), p("0.5*a"), p("c - b + 1")),
        Gate::RXX(p("a")),
        Gate::RYY(p("0.7*a - 0.1")),
        Gate::RZZ(p("a")),
    ]
}

/// A fixed generic state, the gate alone (uncontrolled, or with 1 or 2 controls on
/// random qubits), then a fixed 2-qubit unitary, under three random bindings.
fn each_gate_alone_and_controlled<B: Backend>(b: &B, rng: &mut Rng) {
    let n = 4;
    let observables: Vec<Observable> = (0..2).map(|_| random_observable(rng, n, 3)).collect();
    for gate in parametric_gates() {
        for controls in 0..=2usize {
            let t = gate.num_targets() as usize;
            let qs = distinct_qubits(rng, n, t + controls);
            let mut c = random_state_circuit(n, rng);
            c.controlled(gate.clone(), &qs[t..], &qs[..t]);
            let pair = distinct_qubits(rng, n, 2);
            c.unitary(random_unitary(rng, 2), &pair);
            for _ in 0..3 {
                let binding = random_binding(rng, &c);
                check_gradient(
                    b,
                    &c,
                    &b.compile_options(),
                    &binding,
                    &observables,
                    format!("{} with {controls} controls", gate.name()),
                );
            }
        }
    }
}

/// The builder's controlled forms (`crx`, `cry`, `crz`, `cp`, `cu` with a symbolic
/// global phase) and a parameter shared by several gates.
fn builder_forms<B: Backend>(b: &B, rng: &mut Rng) {
    let n = 3;
    let mut c = random_state_circuit(n, rng);
    c.crx("a", 0, 1)
        .cry("2*a - 0.4", 2, 0)
        .crz("b", 1, 2)
        .cp("a + b", 0, 2)
        .cu("a", "b", "c", "0.5*c + 0.1", 2, 1)
        .h(1)
        .ry("-a", 1);
    let observables: Vec<Observable> = (0..3).map(|_| random_observable(rng, n, 2)).collect();
    for _ in 0..3 {
        let binding = random_binding(rng, &c);
        check_gradient(
            b,
            &c,
            &b.compile_options(),
            &binding,
            &observables,
            "builder forms",
        );
    }
}

/// Random symbolic circuits of every gate kind (shared and affine parameters, barriers),
/// fused as the backend prefers and unfused.
fn random_circuits<B: Backend>(b: &B, rng: &mut Rng) {
    for n in 1..=5u32 {
        for seed in 0..3 {
            let opts = RandomCircuitOptions {
                num_gates: if n <= 2 { 20 } else { 36 },
                symbolic: true,
                ..Default::default()
            };
            let c = random_circuit(n, &opts, rng);
            let k = 1 + below(rng, 3);
            let observables: Vec<Observable> =
                (0..k).map(|_| random_observable(rng, n, 3)).collect();
            let binding = random_binding(rng, &c);
            for (name, options) in [
                ("backend options", b.compile_options()),
                ("unfused", CompileOptions::unfused()),
            ] {
                check_gradient(
                    b,
                    &c,
                    &options,
                    &binding,
                    &observables,
                    format!("random circuit n={n} seed={seed} ({name})"),
                );
            }
        }
    }
}

/// Layers of parametric gates on disjoint qubits (taken together by the sweep and undone
/// in fused blocks): one-qubit rotations, `u` with three parameters, controlled and
/// diagonal two-qubit gates, shared and affine parameters, a fixed entangler between
/// layers, gates written qubit by qubit that the plan reschedules into layers,
/// consecutive layers on the same qubits (merged: dense after dense, diagonal after
/// dense, diagonal after diagonal, controlled after controlled) — at fusion widths 1 to
/// 4 and unfused.
fn parametric_layers<B: Backend>(b: &B, rng: &mut Rng) {
    let n = 6u32;
    let mut c = Circuit::new(n);
    for layer in 0..3 {
        let t = |name: &str, q: u32| Param::symbol(format!("{name}{layer}_{q}"));
        for q in 0..n {
            c.ry(t("a", q), q);
        }
        for q in 0..n {
            c.rz(t("b", q) * 0.5 + 0.1, q);
        }
        c.crx(t("c", 0), 0, 1)
            .rzz(t("c", 2), 2, 3)
            .cp(t("c", 4), 5, 4)
            .u(t("d", 0), t("d", 1), Param::symbol("shared"), 2)
            .rx(Param::symbol("shared"), 0);
        for q in 0..n - 1 {
            c.cx(q, q + 1);
        }
        // Written gate by gate (as front ends emit them): the plan reorders them into
        // layers (each gate after the earlier ones on its qubits).
        for q in 0..n {
            c.rx(t("e", q), q)
                .rz(t("f", q), q)
                .crz(t("g", q), q, (q + 2) % n);
        }
        // Consecutive layers on the same qubits (merged by the sweep): controlled gates
        // on one pair, two diagonals on one qubit (the fixed `h` starts new layers).
        c.h(5);
        c.crz(t("h", 0), 0, 1)
            .rz(t("h", 2), 3)
            .cry(t("h", 1), 0, 1)
            .p(t("h", 3), 3);
    }
    let observables = vec![random_observable(rng, n, 3), random_observable(rng, n, 2)];
    let binding = random_binding(rng, &c);
    for k in 1..=4u32 {
        let options = CompileOptions {
            max_fused_qubits: k,
            ..CompileOptions::default()
        };
        check_gradient(
            b,
            &c,
            &options,
            &binding,
            &observables,
            format!("layers, fusion {k}"),
        );
    }
    check_gradient(
        b,
        &c,
        &CompileOptions::unfused(),
        &binding,
        &observables,
        "layers, unfused",
    );
}

/// Adjoint gradients equal central finite differences of the reference simulator: for
/// every parametric gate alone and controlled, the builder's controlled forms, random
/// circuits with shared and affine parameters and several observables, and layers of
/// parametric gates on disjoint qubits at several fusion widths. The
/// vector–Jacobian product equals the cotangent-weighted rows of the Jacobian, and
/// circuits that cannot be differentiated are clear errors.
pub fn gradients_match_finite_differences<B: Backend>(b: &B) {
    let mut rng = Rng::new(0x0AD5);
    each_gate_alone_and_controlled(b, &mut rng);
    builder_forms(b, &mut rng);
    random_circuits(b, &mut rng);
    parametric_layers(b, &mut rng);
    vjp_matches_jacobian(b, &mut rng);
    batch_matches_single_calls(b, &mut rng);
    no_parameters_and_no_observables(b);
    errors_are_reported(b);
}

fn vjp_matches_jacobian<B: Backend>(b: &B, rng: &mut Rng) {
    let n = 4;
    let opts = RandomCircuitOptions {
        num_gates: 30,
        symbolic: true,
        ..Default::default()
    };
    let c = random_circuit(n, &opts, rng);
    let observables: Vec<Observable> = (0..3).map(|_| random_observable(rng, n, 3)).collect();
    let binding = random_binding(rng, &c);
    let options = b.compile_options();
    let full = check_gradient(b, &c, &options, &binding, &observables, "vjp circuit");
    let plan = DiffPlan::new(&c, &options).unwrap();
    let values = plan.values(&binding).unwrap();
    let w: Vec<f64> = (0..3).map(|_| uniform(rng, -2.0, 2.0)).collect();
    let got = vjp(b, &plan, &values, &observables, &w, &Interrupt::none())
        .unwrap_or_else(|e| panic!("vjp failed: {e}"));
    let tol = derivative_tolerance(b);
    assert_eq!(got.values.len(), 3);
    for k in 0..3 {
        assert!((got.values[k] - full.values[k]).abs() <= 10.0 * tolerance(b));
    }
    assert_eq!(got.gradient.len(), plan.parameters().len());
    for (p, g) in got.gradient.iter().enumerate() {
        let want: f64 = (0..3).map(|k| w[k] * full.jacobian[k][p]).sum();
        assert!(
            (g - want).abs() <= tol,
            "vjp entry {p} is {g} but the weighted Jacobian gives {want}"
        );
    }
}

/// A batch (columns in another order than the plan's) gives each row's gradient.
fn batch_matches_single_calls<B: Backend>(b: &B, rng: &mut Rng) {
    let n = 3;
    let opts = RandomCircuitOptions {
        num_gates: 24,
        symbolic: true,
        ..Default::default()
    };
    let c = random_circuit(n, &opts, rng);
    let observables: Vec<Observable> = (0..2).map(|_| random_observable(rng, n, 3)).collect();
    let plan = DiffPlan::new(&c, &b.compile_options()).unwrap();
    let mut names = plan.parameters().to_vec();
    names.reverse();
    let rows = 7;
    let table: Vec<f64> = (0..rows * names.len())
        .map(|_| uniform(rng, -3.0, 3.0))
        .collect();
    let sets = ParamSets::new(names.clone(), table).unwrap();
    let got = gradient_batch(b, &plan, &sets, &observables, &Interrupt::none())
        .unwrap_or_else(|e| panic!("gradient_batch failed: {e}"));
    assert_eq!(got.len(), rows);
    for (i, g) in got.iter().enumerate() {
        let binding = ParamBinding::from_pairs(names.iter().cloned().zip(sets.row(i).to_vec()));
        let want = check_gradient(
            b,
            &c,
            &b.compile_options(),
            &binding,
            &observables,
            format!("batch row {i}"),
        );
        let tol = derivative_tolerance(b);
        for k in 0..observables.len() {
            assert!((g.values[k] - want.values[k]).abs() <= tol, "row {i}");
            for (x, y) in g.jacobian[k].iter().zip(&want.jacobian[k]) {
                assert!((x - y).abs() <= tol, "batch row {i}: {x} vs {y}");
            }
        }
    }
    if !names.is_empty() {
        let missing = ParamSets::new(names[1..].to_vec(), vec![0.0; names.len() - 1]).unwrap();
        assert!(matches!(
            gradient_batch(b, &plan, &missing, &observables, &Interrupt::none()),
            Err(Error::UnboundParameter { .. })
        ));
    }
}

fn no_parameters_and_no_observables<B: Backend>(b: &B) {
    let mut c = Circuit::new(2);
    c.h(0).cx(0, 1);
    let zz: Observable = "ZZ".parse().unwrap();
    let plan = DiffPlan::new(&c, &b.compile_options()).unwrap();
    let g = gradient(b, &plan, &[], &[zz], &Interrupt::none()).unwrap();
    assert!((g.values[0] - 1.0).abs() <= 10.0 * tolerance(b));
    assert_eq!(g.jacobian, vec![Vec::<f64>::new()]);
    let mut c = Circuit::new(2);
    c.ry("t", 0);
    let plan = DiffPlan::new(&c, &b.compile_options()).unwrap();
    let g = gradient(b, &plan, &[0.4], &[], &Interrupt::none()).unwrap();
    assert!(g.values.is_empty() && g.jacobian.is_empty());
    let v = vjp(b, &plan, &[0.4], &[], &[], &Interrupt::none()).unwrap();
    assert_eq!(v.gradient, vec![0.0]);
}

fn errors_are_reported<B: Backend>(b: &B) {
    let options = b.compile_options();
    let invalid = |c: &Circuit, what: &str| match DiffPlan::new(c, &options) {
        Err(Error::InvalidArgument { reason }) => assert!(
            reason.contains(what),
            "the error for a circuit with {what} does not name it: {reason}"
        ),
        other => panic!("a circuit with {what} was not refused: {other:?}"),
    };
    let mut c = Circuit::new(2);
    c.ry("t", 0).measure(0, 0);
    invalid(&c, "measurement");
    let mut c = Circuit::new(2);
    c.ry("t", 0).reset(1);
    invalid(&c, "reset");
    let mut c = Circuit::with_clbits(2, 1);
    c.ry("t", 0).x(1).c_if(&[0], 1);
    invalid(&c, "classically conditioned");

    let mut c = Circuit::new(2);
    c.ry("t", 0).rx("u", 1);
    let plan = DiffPlan::new(&c, &options).unwrap();
    assert!(matches!(
        plan.values(&ParamBinding::new().with("t", 1.0)),
        Err(Error::UnboundParameter { name }) if name == "u"
    ));
    assert!(matches!(
        plan.values(&ParamBinding::from_pairs([("t", 1.0), ("u", 1.0), ("v", 1.0)])),
        Err(Error::UnknownParameter { name, .. }) if name == "v"
    ));
    let z: Observable = "Z".parse().unwrap();
    let none = Interrupt::none();
    assert!(matches!(
        gradient(b, &plan, &[1.0], std::slice::from_ref(&z), &none),
        Err(Error::InvalidArgument { .. })
    ));
    assert!(matches!(
        gradient(b, &plan, &[1.0, f64::NAN], std::slice::from_ref(&z), &none),
        Err(Error::NonFiniteParameter { .. })
    ));
    let wide: Observable = "ZII".parse().unwrap();
    assert!(matches!(
        gradient(b, &plan, &[1.0, 2.0], &[wide], &none),
        Err(Error::QubitOutOfRange { .. })
    ));
    assert!(matches!(
        vjp(b, &plan, &[1.0, 2.0], std::slice::from_ref(&z), &[], &none),
        Err(Error::InvalidArgument { .. })
    ));
    let stop = || true;
    assert!(matches!(
        gradient(b, &plan, &[1.0, 2.0], &[z], &Interrupt::new(&stop)),
        Err(Error::Interrupted)
    ));
}
