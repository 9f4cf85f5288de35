//! The density-matrix reference: exact mixed-state evolution written from textbook
//! definitions, independent of `ferroq_core::channel` and `ferroq_core::density`.
//!
//! Channels are described by [`RefNoise`] (a name and its parameters) and act on `ρ`
//! through their textbook *action* on the `2^k x 2^k` block of their qubits
//! (`(1-p) ρ + p XρX`, `ρ11 → (1-γ) ρ11`, ...), not through Kraus matrices; only
//! [`RefNoise::Kraus`] uses its operators (`Σ K ρ K†`). A [`NoisyCircuit`] builds the
//! `ferroq_core` circuit and the reference's description side by side: the `i`-th
//! channel instruction of the circuit is `noise[i]`. Gates use the dense reference's
//! textbook matrices ([`bound_gate_matrix`], [`full_operator`]).

use super::dense::{c, pauli_x, pauli_y, pauli_z, DenseMatrix};
use super::{bound_gate_matrix, full_operator, gather_bits};
use ferroq_core::{Channel, Circuit, Complex64, Matrix, Observable, Operation, ParamBinding};

/// A channel as the reference knows it: a name and its parameters.
#[derive(Debug, Clone)]
pub enum RefNoise {
    /// X with probability p.
    BitFlip(f64),
    /// Z with probability p.
    PhaseFlip(f64),
    /// X, Y, Z with the given probabilities.
    Pauli(f64, f64, f64),
    /// `(1-p) ρ + p Tr(ρ) I/2^k` on k = 1 or 2 qubits.
    Depolarizing(f64, u32),
    /// Decay probability γ.
    AmplitudeDamping(f64),
    /// Decay probability γ towards excited population e.
    GeneralizedAmplitudeDamping(f64, f64),
    /// Coherences shrink by `sqrt(1-λ)`.
    PhaseDamping(f64),
    /// `(t1, t2, time, excited_population)`.
    ThermalRelaxation(f64, f64, f64, f64),
    /// Reset to |0> with p0, to |1> with p1.
    ResetError(f64, f64),
    /// General Kraus operators.
    Kraus(Vec<DenseMatrix>),
}

impl RefNoise {
    /// Qubits it acts on.
    pub fn num_qubits(&self) -> u32 {
        match self {
            RefNoise::Depolarizing(_, k) => *k,
            RefNoise::Kraus(ks) => ks[0].num_qubits(),
            _ => 1,
        }
    }

    /// The same channel built by `ferroq_core` (the thing under test).
    pub fn core(&self) -> Channel {
        let r = match self {
            RefNoise::BitFlip(p) => Channel::bit_flip(*p),
            RefNoise::PhaseFlip(p) => Channel::phase_flip(*p),
            RefNoise::Pauli(x, y, z) => Channel::pauli(*x, *y, *z),
            RefNoise::Depolarizing(p, k) => Channel::depolarizing(*p, *k),
            RefNoise::AmplitudeDamping(g) => Channel::amplitude_damping(*g),
            RefNoise::GeneralizedAmplitudeDamping(g, e) => {
                Channel::generalized_amplitude_damping(*g, *e)
            }
            RefNoise::PhaseDamping(l) => Channel::phase_damping(*l),
            RefNoise::ThermalRelaxation(t1, t2, t, e) => {
                Channel::thermal_relaxation(*t1, *t2, *t, *e)
            }
            RefNoise::ResetError(p0, p1) => Channel::reset_error(*p0, *p1),
            RefNoise::Kraus(ks) => Channel::kraus(
                ks.iter()
                    .map(|k| Matrix::new(k.dim(), k.data().to_vec()).expect("matrix"))
                    .collect(),
            ),
        };
        r.unwrap_or_else(|e| panic!("core refused {self:?}: {e}"))
    }

    /// The channel's action on a `2^k x 2^k` block `m` (linear in `m`).
    pub fn act(&self, m: &DenseMatrix) -> DenseMatrix {
        let conj = |u: &DenseMatrix| u.mul(m).mul(&u.adjoint());
        let mix = |terms: &[(f64, DenseMatrix)]| {
            terms
                .iter()
                .fold(DenseMatrix::zeros(m.dim()), |acc, (p, u)| {
                    acc.add(&conj(u).scale(c(*p, 0.0)))
                })
        };
        let (r00, r01, r10, r11) = (m.get(0, 0), m.get(0, 1), m.get(1, 0), m.get(1, 1));
        let two = |a: Complex64, b: Complex64, cc: Complex64, d: Complex64| {
            DenseMatrix::from_rows([[a, b], [cc, d]])
        };
        match self {
            RefNoise::BitFlip(p) => mix(&[(1.0 - p, DenseMatrix::identity(2)), (*p, pauli_x())]),
            RefNoise::PhaseFlip(p) => mix(&[(1.0 - p, DenseMatrix::identity(2)), (*p, pauli_z())]),
            RefNoise::Pauli(x, y, z) => mix(&[
                (1.0 - x - y - z, DenseMatrix::identity(2)),
                (*x, pauli_x()),
                (*y, pauli_y()),
                (*z, pauli_z()),
            ]),
            RefNoise::Depolarizing(p, _) => {
                let d = m.dim();
                let tr: Complex64 = (0..d).map(|i| m.get(i, i)).sum();
                m.scale(c(1.0 - p, 0.0))
                    .add(&DenseMatrix::identity(d).scale(tr * (p / d as f64)))
            }
            RefNoise::AmplitudeDamping(g) => RefNoise::GeneralizedAmplitudeDamping(*g, 0.0).act(m),
            RefNoise::GeneralizedAmplitudeDamping(g, e) => {
                let tr = r00 + r11;
                let n11 = r11 * (1.0 - g) + tr * (g * e);
                let s = (1.0 - g).sqrt();
                two(tr - n11, r01 * s, r10 * s, n11)
            }
            RefNoise::PhaseDamping(l) => {
                let s = (1.0 - l).sqrt();
                two(r00, r01 * s, r10 * s, r11)
            }
            RefNoise::ThermalRelaxation(t1, t2, t, e) => {
                let g = 1.0 - (-t / t1).exp();
                let tr = r00 + r11;
                let n11 = r11 * (1.0 - g) + tr * (g * e);
                let s = (-t / t2).exp();
                two(tr - n11, r01 * s, r10 * s, n11)
            }
            RefNoise::ResetError(p0, p1) => {
                let tr = r00 + r11;
                let keep = 1.0 - p0 - p1;
                two(
                    r00 * keep + tr * *p0,
                    r01 * keep,
                    r10 * keep,
                    r11 * keep + tr * *p1,
                )
            }
            RefNoise::Kraus(ks) => ks.iter().fold(DenseMatrix::zeros(m.dim()), |acc, k| {
                acc.add(&k.mul(m).mul(&k.adjoint()))
            }),
        }
    }
}

/// A circuit with noise, built for `ferroq_core` and the reference at once.
#[derive(Debug, Clone)]
pub struct NoisyCircuit {
    /// The circuit under test.
    pub circuit: Circuit,
    /// The reference's description of each channel instruction, in order.
    pub noise: Vec<RefNoise>,
}

impl NoisyCircuit {
    /// An empty circuit on `n` qubits.
    pub fn new(n: u32) -> Self {
        NoisyCircuit {
            circuit: Circuit::new(n),
            noise: Vec::new(),
        }
    }
    /// Appends `noise` on `qubits`.
    pub fn add(&mut self, noise: RefNoise, qubits: &[u32]) -> &mut Self {
        self.circuit
            .channel(noise.core(), qubits)
            .unwrap_or_else(|e| panic!("channel refused: {e}"));
        self.noise.push(noise);
        self
    }
}

/// Exact final density matrix (`2^n x 2^n`, at most 6 qubits) of a circuit of gates,
/// channels and barriers (measurements are refused: use it on the unitary part).
pub fn density_matrix(nc: &NoisyCircuit, binding: &ParamBinding) -> DenseMatrix {
    let n = nc.circuit.num_qubits();
    assert!(n <= 6, "the density reference takes at most 6 qubits");
    let dim = 1usize << n;
    let mut rho = DenseMatrix::zeros(dim);
    rho.set(0, 0, c(1.0, 0.0));
    let mut noise = nc.noise.iter();
    for ins in nc.circuit.instructions() {
        assert!(ins.condition.is_none(), "reference: conditions unsupported");
        match &ins.op {
            Operation::Gate {
                gate,
                targets,
                controls,
            } => {
                let u = full_operator(n, &bound_gate_matrix(gate, binding), targets, controls);
                rho = u.mul(&rho).mul(&u.adjoint());
            }
            Operation::Channel { qubits, .. } => {
                let ch = noise.next().expect("one description per channel");
                rho = apply_action(&rho, n, qubits, ch);
            }
            Operation::Barrier { .. } => {}
            other => panic!("reference density: unsupported instruction {other:?}"),
        }
    }
    rho
}

/// `ρ` with `ch` acting on `qubits`: every block `ρ[(i, a)][(j, b)]` (i, j on the
/// channel's qubits, a, b the rest) is replaced by the channel's action on it.
fn apply_action(rho: &DenseMatrix, n: u32, qubits: &[u32], ch: &RefNoise) -> DenseMatrix {
    let dim = 1usize << n;
    let k = qubits.len();
    let mask: usize = qubits.iter().map(|&q| 1usize << q).sum();
    let scatter = |sub: usize, rest: usize| -> usize {
        qubits
            .iter()
            .enumerate()
            .fold(rest, |acc, (j, &q)| acc | (((sub >> j) & 1) << q))
    };
    let mut out = DenseMatrix::zeros(dim);
    for a in (0..dim).filter(|a| a & mask == 0) {
        for b in (0..dim).filter(|b| b & mask == 0) {
            let mut block = DenseMatrix::zeros(1 << k);
            for i in 0..1usize << k {
                for j in 0..1usize << k {
                    block.set(i, j, rho.get(scatter(i, a), scatter(j, b)));
                }
            }
            let acted = ch.act(&block);
            for i in 0..1usize << k {
                for j in 0..1usize << k {
                    out.set(scatter(i, a), scatter(j, b), acted.get(i, j));
                }
            }
        }
    }
    debug_assert!((0..dim).all(|i| gather_bits(i, qubits) < 1 << k));
    out
}

/// `Tr(ρ O)`, from the Kronecker-product matrix of each term.
pub fn expectation(rho: &DenseMatrix, obs: &Observable) -> f64 {
    let n = rho.num_qubits();
    obs.terms()
        .iter()
        .map(|t| {
            let p = super::pauli_string_matrix(n, &t.ops);
            let m = p.mul(rho);
            let tr: Complex64 = (0..m.dim()).map(|i| m.get(i, i)).sum();
            t.coeff * tr.re
        })
        .sum()
}

/// The diagonal of `ρ`.
pub fn probabilities(rho: &DenseMatrix) -> Vec<f64> {
    (0..rho.dim()).map(|i| rho.get(i, i).re).collect()
}
