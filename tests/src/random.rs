//! Seeded random circuits, unitaries, states and observables.
//!
//! Everything draws from [`ferroq_core::Rng`], so a seed gives the same circuit on every
//! platform. [`random_circuit`] covers every gate kind of [`GateKind::ALL`] that fits the
//! qubit count (each at least once when the circuit is long enough), optionally with
//! symbolic (affine) parameters, barriers, and mid-circuit measurement, reset and
//! classically conditioned gates.

use ferroq_core::{Circuit, Complex64, Gate, Matrix, Observable, Param, ParamBinding, Pauli, Rng};
use std::f64::consts::PI;
use std::sync::Arc;

/// Symbol names used by symbolic random parameters.
pub const SYMBOLS: [&str; 3] = ["alpha", "beta", "gamma"];

/// A uniform integer in `0..n` (`n > 0`).
pub fn below(rng: &mut Rng, n: usize) -> usize {
    (rng.next_u64() % n as u64) as usize
}

/// A uniform double in `[lo, hi)`.
pub fn uniform(rng: &mut Rng, lo: f64, hi: f64) -> f64 {
    lo + (hi - lo) * rng.next_f64()
}

/// A standard normal deviate (Box–Muller).
pub fn gaussian(rng: &mut Rng) -> f64 {
    let u1 = 1.0 - rng.next_f64(); // in (0, 1]
    let u2 = rng.next_f64();
    (-2.0 * u1.ln()).sqrt() * (2.0 * PI * u2).cos()
}

/// `k` distinct qubits out of `0..n`, in random order.
pub fn distinct_qubits(rng: &mut Rng, n: u32, k: usize) -> Vec<u32> {
    let mut all: Vec<u32> = (0..n).collect();
    for i in 0..k {
        let j = i + below(rng, all.len() - i);
        all.swap(i, j);
    }
    all.truncate(k);
    all
}

/// A Haar-like random unitary on `k` qubits: Gram–Schmidt orthonormalisation of the
/// columns of a matrix of complex Gaussians.
pub fn random_unitary(rng: &mut Rng, k: u32) -> Matrix {
    let dim = 1usize << k;
    let mut cols: Vec<Vec<Complex64>> = (0..dim)
        .map(|_| {
            (0..dim)
                .map(|_| Complex64::new(gaussian(rng), gaussian(rng)))
                .collect()
        })
        .collect();
    for j in 0..dim {
        for i in 0..j {
            let proj: Complex64 = (0..dim).map(|r| cols[i][r].conj() * cols[j][r]).sum();
            let (done, rest) = cols.split_at_mut(j);
            for (z, base) in rest[0].iter_mut().zip(&done[i]) {
                *z -= proj * base;
            }
        }
        let norm = cols[j].iter().map(|z| z.norm_sqr()).sum::<f64>().sqrt();
        for z in &mut cols[j] {
            *z /= norm;
        }
    }
    let data = (0..dim * dim).map(|i| cols[i % dim][i / dim]).collect();
    Matrix::new(dim, data).expect("a well-formed random matrix")
}

/// A fixed-shape circuit that prepares a generic entangled state from `|0…0>`: two layers
/// of random `u` gates with a CNOT ladder between them.
pub fn random_state_circuit(n: u32, rng: &mut Rng) -> Circuit {
    let mut c = Circuit::new(n);
    let layer = |c: &mut Circuit, rng: &mut Rng| {
        for q in 0..n {
            c.u(
                uniform(rng, 0.0, PI),
                uniform(rng, -PI, PI),
                uniform(rng, -PI, PI),
                q,
            );
        }
    };
    layer(&mut c, rng);
    for q in 1..n {
        c.cx(q - 1, q);
    }
    layer(&mut c, rng);
    c
}

/// A random parameter: a number, or (when `symbolic`) often a symbol or an affine
/// expression of the [`SYMBOLS`].
pub fn random_param(rng: &mut Rng, symbolic: bool) -> Param {
    let value = uniform(rng, -2.0 * PI, 2.0 * PI);
    if !symbolic {
        return Param::Value(value);
    }
    let sym = |rng: &mut Rng| Param::symbol(SYMBOLS[below(rng, SYMBOLS.len())]);
    match below(rng, 4) {
        0 => Param::Value(value),
        1 => sym(rng),
        2 => sym(rng) * uniform(rng, -2.0, 2.0) + uniform(rng, -1.0, 1.0),
        _ => sym(rng) + sym(rng) * uniform(rng, -1.5, 1.5),
    }
}

/// A binding with a random value for every parameter of `circuit`.
pub fn random_binding(rng: &mut Rng, circuit: &Circuit) -> ParamBinding {
    let mut b = ParamBinding::new();
    for name in circuit.parameters() {
        b.set(name, uniform(rng, -PI, PI));
    }
    b
}

/// Every kind of gate the builder offers (the standard set, multi-controlled forms and
/// user unitaries).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum GateKind {
    Id,
    X,
    Y,
    Z,
    H,
    S,
    Sdg,
    T,
    Tdg,
    SX,
    SXdg,
    RX,
    RY,
    RZ,
    P,
    U,
    CX,
    CY,
    CZ,
    CH,
    CP,
    CRX,
    CRY,
    CRZ,
    CU,
    Swap,
    ISwap,
    RXX,
    RYY,
    RZZ,
    CCX,
    CCZ,
    CSwap,
    /// `mcx` with 1..=3 controls.
    MCX,
    /// A random base gate (including a unitary) with 1..=3 controls.
    Controlled,
    /// A random unitary on 1..=3 qubits.
    Unitary,
}

impl GateKind {
    /// All kinds.
    pub const ALL: [GateKind; 36] = {
        use GateKind::*;
        [
            Id, X, Y, Z, H, S, Sdg, T, Tdg, SX, SXdg, RX, RY, RZ, P, U, CX, CY, CZ, CH, CP, CRX,
            CRY, CRZ, CU, Swap, ISwap, RXX, RYY, RZZ, CCX, CCZ, CSwap, MCX, Controlled, Unitary,
        ]
    };

    /// The kinds whose matrices are diagonal (they fuse into large diagonal blocks).
    pub const DIAGONAL: [GateKind; 13] = {
        use GateKind::*;
        [Id, Z, S, Sdg, T, Tdg, RZ, P, CZ, CP, CRZ, RZZ, CCZ]
    };

    /// The fewest qubits a gate of this kind needs.
    pub fn min_qubits(self) -> u32 {
        use GateKind::*;
        match self {
            CCX | CCZ | CSwap => 3,
            CX | CY | CZ | CH | CP | CRX | CRY | CRZ | CU | Swap | ISwap | RXX | RYY | RZZ
            | MCX | Controlled => 2,
            _ => 1,
        }
    }
}

/// A random base gate for [`GateKind::Controlled`] with at most `max_targets` targets.
fn random_base_gate(rng: &mut Rng, max_targets: u32, symbolic: bool) -> Gate {
    let mut p = || random_param(rng, symbolic);
    let one_q = [
        Gate::X,
        Gate::Y,
        Gate::Z,
        Gate::H,
        Gate::S,
        Gate::T,
        Gate::SX,
        Gate::RX(p()),
        Gate::RY(p()),
        Gate::RZ(p()),
        Gate::P(p()),
        Gate::U(p(), p(), p()),
    ];
    let two_q = [
        Gate::Swap,
        Gate::ISwap,
        Gate::RXX(p()),
        Gate::RYY(p()),
        Gate::RZZ(p()),
    ];
    match below(rng, 4) {
        0 if max_targets >= 2 => two_q[below(rng, two_q.len())].clone(),
        1 => {
            let k = 1 + below(rng, max_targets.min(2) as usize) as u32;
            Gate::Unitary(Arc::new(random_unitary(rng, k)))
        }
        _ => one_q[below(rng, one_q.len())].clone(),
    }
}

/// Appends one gate of `kind` on random qubits of `c` (which must have at least
/// `kind.min_qubits()` qubits).
pub fn push_random_gate(c: &mut Circuit, kind: GateKind, rng: &mut Rng, symbolic: bool) {
    use GateKind::*;
    let n = c.num_qubits();
    let q = distinct_qubits(rng, n, n as usize);
    let mut p = || random_param(rng, symbolic);
    match kind {
        Id => c.id(q[0]),
        X => c.x(q[0]),
        Y => c.y(q[0]),
        Z => c.z(q[0]),
        H => c.h(q[0]),
        S => c.s(q[0]),
        Sdg => c.sdg(q[0]),
        T => c.t(q[0]),
        Tdg => c.tdg(q[0]),
        SX => c.sx(q[0]),
        SXdg => c.sxdg(q[0]),
        RX => c.rx(p(), q[0]),
        RY => c.ry(p(), q[0]),
        RZ => c.rz(p(), q[0]),
        P => c.p(p(), q[0]),
        U => c.u(p(), p(), p(), q[0]),
        CX => c.cx(q[0], q[1]),
        CY => c.cy(q[0], q[1]),
        CZ => c.cz(q[0], q[1]),
        CH => c.ch(q[0], q[1]),
        CP => c.cp(p(), q[0], q[1]),
        CRX => c.crx(p(), q[0], q[1]),
        CRY => c.cry(p(), q[0], q[1]),
        CRZ => c.crz(p(), q[0], q[1]),
        CU => c.cu(p(), p(), p(), p(), q[0], q[1]),
        Swap => c.swap(q[0], q[1]),
        ISwap => c.iswap(q[0], q[1]),
        RXX => c.rxx(p(), q[0], q[1]),
        RYY => c.ryy(p(), q[0], q[1]),
        RZZ => c.rzz(p(), q[0], q[1]),
        CCX => c.ccx(q[0], q[1], q[2]),
        CCZ => c.ccz(q[0], q[1], q[2]),
        CSwap => c.cswap(q[0], q[1], q[2]),
        MCX => {
            let k = 1 + below(rng, (n as usize - 1).min(3));
            c.mcx(&q[..k], q[k])
        }
        Controlled => {
            let k = 1 + below(rng, (n as usize - 1).min(3));
            let gate = random_base_gate(rng, n - k as u32, symbolic);
            let t = gate.num_targets() as usize;
            c.controlled(gate, &q[..k], &q[k..k + t])
        }
        Unitary => {
            let k = 1 + below(rng, (n as usize).min(3));
            c.unitary(random_unitary(rng, k as u32), &q[..k])
        }
    };
}

/// What [`random_circuit`] generates.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RandomCircuitOptions {
    /// Number of gates (barriers and mid-circuit operations come on top).
    pub num_gates: usize,
    /// Use symbolic parameters (bind them with [`random_binding`]).
    pub symbolic: bool,
    /// Sprinkle barriers (about one per 12 gates).
    pub barriers: bool,
    /// At most this many measurements and resets together (0: a unitary circuit).
    /// Enables classically conditioned gates too.
    pub max_collapses: usize,
    /// The gate kinds to draw from (default [`GateKind::ALL`]).
    pub kinds: &'static [GateKind],
}

impl Default for RandomCircuitOptions {
    fn default() -> Self {
        RandomCircuitOptions {
            num_gates: 50,
            symbolic: false,
            barriers: true,
            max_collapses: 0,
            kinds: &GateKind::ALL,
        }
    }
}

/// Number of classical bits of a random circuit with mid-circuit operations.
pub const RANDOM_CLBITS: u32 = 3;

/// A random circuit on `n` qubits. Every kind of `options.kinds` that fits `n` appears
/// once (in random order) before the rest are drawn uniformly.
pub fn random_circuit(n: u32, options: &RandomCircuitOptions, rng: &mut Rng) -> Circuit {
    let clbits = if options.max_collapses > 0 {
        RANDOM_CLBITS
    } else {
        0
    };
    let mut c = Circuit::with_clbits(n, clbits);
    let fitting: Vec<GateKind> = options
        .kinds
        .iter()
        .copied()
        .filter(|k| k.min_qubits() <= n)
        .collect();
    let mut order = fitting.clone();
    for i in 0..order.len() {
        let j = i + below(rng, order.len() - i);
        order.swap(i, j);
    }
    let mut collapses = 0;
    for i in 0..options.num_gates {
        let kind = order
            .get(i)
            .copied()
            .unwrap_or_else(|| fitting[below(rng, fitting.len())]);
        push_random_gate(&mut c, kind, rng, options.symbolic);
        if options.max_collapses > 0 && i > 0 && below(rng, 6) == 0 {
            let width = 1 + below(rng, 2);
            let cond_bits = distinct_qubits(rng, clbits, width);
            let value = rng.next_u64() % (1 << cond_bits.len());
            c.c_if(&cond_bits, value);
        }
        if options.barriers && below(rng, 12) == 0 {
            let k = 1 + below(rng, n as usize);
            let qs = distinct_qubits(rng, n, k);
            c.barrier(&qs);
        }
        if collapses < options.max_collapses && below(rng, 5) == 0 {
            collapses += 1;
            let q = below(rng, n as usize) as u32;
            if below(rng, 3) == 0 {
                c.reset(q);
            } else {
                c.measure(q, below(rng, clbits as usize) as u32);
            }
        }
    }
    c
}

/// A random observable on `n` qubits with `num_terms` Pauli terms (random weights in
/// `[-1, 1]`) and a constant term.
pub fn random_observable(rng: &mut Rng, n: u32, num_terms: usize) -> Observable {
    let mut obs = Observable::new()
        .with_term(uniform(rng, -1.0, 1.0), [])
        .expect("identity term");
    for _ in 0..num_terms {
        let ops: Vec<(Pauli, u32)> = (0..n)
            .map(|q| ([Pauli::I, Pauli::X, Pauli::Y, Pauli::Z][below(rng, 4)], q))
            .collect();
        obs = obs
            .with_term(uniform(rng, -1.0, 1.0), ops)
            .expect("valid term");
    }
    obs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn random_unitaries_are_unitary() {
        let mut rng = Rng::new(1);
        for k in 1..=4 {
            let u = random_unitary(&mut rng, k);
            assert!(u.unitarity_deviation() < 1e-12, "k = {k}");
        }
    }

    #[test]
    fn circuits_are_reproducible_and_valid() {
        for n in 1..=6 {
            for symbolic in [false, true] {
                let opts = RandomCircuitOptions {
                    symbolic,
                    max_collapses: 3,
                    ..Default::default()
                };
                let a = random_circuit(n, &opts, &mut Rng::new(n as u64));
                let b = random_circuit(n, &opts, &mut Rng::new(n as u64));
                assert_eq!(a, b);
                a.validate().unwrap();
            }
        }
    }

    #[test]
    fn gaussian_moments() {
        let mut rng = Rng::new(3);
        let xs: Vec<f64> = (0..20_000).map(|_| gaussian(&mut rng)).collect();
        let mean = xs.iter().sum::<f64>() / xs.len() as f64;
        let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / xs.len() as f64;
        assert!(mean.abs() < 0.04, "{mean}");
        assert!((var - 1.0).abs() < 0.05, "{var}");
    }
}
