//! Noise channels (completely positive, trace-preserving maps given by Kraus operators)
//! and readout errors (confusion matrices of a measured bit).
//!
//! A [`Channel`] is validated when it is built: its Kraus operators `K_i` are square
//! `2^k x 2^k` matrices with `Σ K_i† K_i = I` within [`KRAUS_TOLERANCE`]; anything else
//! is an [`Error::InvalidArgument`] naming the channel and the problem. Channels whose
//! Kraus operators are all multiples of unitaries (Pauli channels, depolarizing, phase
//! damping) are kept as a *mixture* `Σ p_i U_i ρ U_i†`: a trajectory draws `i` without
//! looking at the state, so it costs no more than a gate (and can be fused).
//!
//! Conventions follow Qiskit Aer (`depolarizing(p)` is `(1-p) ρ + p I/2^k`, readout
//! matrices are `P(read j | true i)` by row `i`), so noise models convert one to one.

use crate::error::{Error, Result};
use crate::matrix::Matrix;
use num_complex::Complex64;

/// Tolerance of the completeness check `Σ K†K = I` (largest entry deviation).
pub const KRAUS_TOLERANCE: f64 = 1e-8;

/// Widest channel (qubits) accepted.
pub const MAX_CHANNEL_QUBITS: u32 = 3;

/// A noise channel on `k` qubits: Kraus operators, and the unitary mixture when it is
/// one. Cheap to clone behind an `Arc` (circuits share it).
#[derive(Debug, Clone, PartialEq)]
pub struct Channel {
    name: String,
    num_qubits: u32,
    kraus: Vec<Matrix>,
    mixture: Option<Vec<(f64, Matrix)>>,
}

fn c(re: f64) -> Complex64 {
    Complex64::new(re, 0.0)
}

fn m2(a: f64, b: f64, cc: f64, d: f64) -> Matrix {
    Matrix::new(2, vec![c(a), c(b), c(cc), c(d)]).expect("2x2")
}

fn pauli_matrix(p: usize) -> Matrix {
    let z = c(0.0);
    let data = match p {
        0 => vec![c(1.0), z, z, c(1.0)],
        1 => vec![z, c(1.0), c(1.0), z],
        2 => vec![z, Complex64::new(0.0, -1.0), Complex64::new(0.0, 1.0), z],
        _ => vec![c(1.0), z, z, c(-1.0)],
    };
    Matrix::new(2, data).expect("2x2")
}

/// The Pauli string on `k` qubits with digit `j` (base 4: I, X, Y, Z) of `index` on
/// qubit `j` (qubit 0 the matrix's least significant bit).
pub fn pauli_string_matrix(index: usize, k: u32) -> Matrix {
    let mut m = Matrix::identity(0);
    for j in 0..k {
        let p = pauli_matrix((index >> (2 * j)) & 3);
        m = kron(&p, &m);
    }
    m
}

/// Kronecker product `a ⊗ b` (`b` on the low bits).
pub fn kron(a: &Matrix, b: &Matrix) -> Matrix {
    let (da, db) = (a.dim(), b.dim());
    let n = da * db;
    let mut out = vec![c(0.0); n * n];
    for ra in 0..da {
        for ca in 0..da {
            let x = a.get(ra, ca);
            for rb in 0..db {
                for cb in 0..db {
                    out[(ra * db + rb) * n + ca * db + cb] = x * b.get(rb, cb);
                }
            }
        }
    }
    Matrix::new(n, out).expect("power-of-two dimension")
}

fn check_probability(name: &str, what: &str, p: f64) -> Result<()> {
    if !(0.0..=1.0).contains(&p) {
        return Err(Error::invalid(format!(
            "channel `{name}`: {what} = {p} is not a probability in [0, 1]"
        )));
    }
    Ok(())
}

impl Channel {
    /// A channel from Kraus operators, validated (same shape, at most
    /// [`MAX_CHANNEL_QUBITS`] qubits, finite, `Σ K†K = I` within [`KRAUS_TOLERANCE`]).
    /// When every operator is a multiple of a unitary the channel is kept as a mixture.
    pub fn kraus(operators: Vec<Matrix>) -> Result<Channel> {
        Channel::named("kraus", operators)
    }

    /// [`Channel::kraus`] with a name for messages and display.
    pub fn named(name: &str, operators: Vec<Matrix>) -> Result<Channel> {
        let first = operators.first().ok_or_else(|| {
            Error::invalid(format!(
                "channel `{name}` needs at least one Kraus operator"
            ))
        })?;
        let dim = first.dim();
        let k = first.num_qubits();
        if k == 0 || k > MAX_CHANNEL_QUBITS {
            return Err(Error::invalid(format!(
                "channel `{name}` acts on {k} qubits; 1 to {MAX_CHANNEL_QUBITS} are supported"
            )));
        }
        if let Some((i, m)) = operators.iter().enumerate().find(|(_, m)| m.dim() != dim) {
            return Err(Error::invalid(format!(
                "channel `{name}`: Kraus operator {i} is {0}x{0} but operator 0 is {dim}x{dim}",
                m.dim()
            )));
        }
        let mut sum = vec![c(0.0); dim * dim];
        for m in &operators {
            for (s, x) in sum.iter_mut().zip(m.adjoint().mul(m).data()) {
                *s += x;
            }
        }
        let deviation = sum
            .iter()
            .enumerate()
            .map(|(i, s)| (s - c(if i / dim == i % dim { 1.0 } else { 0.0 })).norm())
            .fold(0.0f64, f64::max);
        if deviation.is_nan() || deviation > KRAUS_TOLERANCE {
            return Err(Error::invalid(format!(
                "channel `{name}` is not trace preserving: Σ K†K differs from the identity \
                 by {deviation:.3e} (tolerance {KRAUS_TOLERANCE:.0e})"
            )));
        }
        let kraus: Vec<Matrix> = operators
            .into_iter()
            .filter(|m| m.data().iter().any(|z| z.norm_sqr() > 0.0))
            .collect();
        let mixture = as_mixture(&kraus);
        Ok(Channel {
            name: name.to_string(),
            num_qubits: k,
            kraus,
            mixture,
        })
    }

    /// `Σ p_i U_i ρ U_i†`: probabilities in `[0, 1]` summing to 1 (within
    /// [`KRAUS_TOLERANCE`]), unitaries of one shape.
    pub fn mixed_unitary(terms: Vec<(f64, Matrix)>) -> Result<Channel> {
        Channel::mixture_named("mixed_unitary", terms)
    }

    fn mixture_named(name: &str, terms: Vec<(f64, Matrix)>) -> Result<Channel> {
        for (i, (p, u)) in terms.iter().enumerate() {
            check_probability(name, &format!("probability {i}"), *p)?;
            u.check_unitary(KRAUS_TOLERANCE).map_err(|e| {
                Error::invalid(format!("channel `{name}`: term {i} is not unitary ({e})"))
            })?;
        }
        let total: f64 = terms.iter().map(|t| t.0).sum();
        if (total - 1.0).abs() > KRAUS_TOLERANCE {
            return Err(Error::invalid(format!(
                "channel `{name}`: probabilities sum to {total}, not 1"
            )));
        }
        let kraus = terms
            .iter()
            .map(|(p, u)| {
                let s = p.sqrt();
                Matrix::new(u.dim(), u.data().iter().map(|z| z * s).collect())
            })
            .collect::<Result<Vec<_>>>()?;
        let mut ch = Channel::named(name, kraus)?;
        ch.mixture = Some(terms.into_iter().filter(|t| t.0 > 0.0).collect());
        Ok(ch)
    }

    /// Bit flip: X with probability `p`.
    pub fn bit_flip(p: f64) -> Result<Channel> {
        check_probability("bit_flip", "p", p)?;
        Channel::mixture_named(
            "bit_flip",
            vec![(1.0 - p, pauli_matrix(0)), (p, pauli_matrix(1))],
        )
    }

    /// Phase flip: Z with probability `p`.
    pub fn phase_flip(p: f64) -> Result<Channel> {
        check_probability("phase_flip", "p", p)?;
        Channel::mixture_named(
            "phase_flip",
            vec![(1.0 - p, pauli_matrix(0)), (p, pauli_matrix(3))],
        )
    }

    /// Pauli channel: X, Y, Z with probabilities `px`, `py`, `pz` (sum at most 1).
    pub fn pauli(px: f64, py: f64, pz: f64) -> Result<Channel> {
        for (w, p) in [("px", px), ("py", py), ("pz", pz)] {
            check_probability("pauli", w, p)?;
        }
        let pi = 1.0 - px - py - pz;
        if pi < -KRAUS_TOLERANCE {
            return Err(Error::invalid(format!(
                "channel `pauli`: px + py + pz = {} exceeds 1",
                px + py + pz
            )));
        }
        let terms = [pi.max(0.0), px, py, pz]
            .into_iter()
            .enumerate()
            .map(|(i, p)| (p, pauli_matrix(i)))
            .collect();
        Channel::mixture_named("pauli", terms)
    }

    /// Depolarizing on `num_qubits` (1 or 2) qubits, Qiskit's convention:
    /// `(1-p) ρ + p I/2^k`, so each of the `4^k - 1` non-identity Pauli strings has
    /// probability `p/4^k`; `0 ≤ p ≤ 4^k/(4^k-1)`.
    pub fn depolarizing(p: f64, num_qubits: u32) -> Result<Channel> {
        if !(1..=2).contains(&num_qubits) {
            return Err(Error::invalid(format!(
                "channel `depolarizing`: {num_qubits} qubits; 1 or 2 are supported"
            )));
        }
        let d2 = (1usize << (2 * num_qubits)) as f64;
        let max = d2 / (d2 - 1.0);
        if !(0.0..=max).contains(&p) {
            return Err(Error::invalid(format!(
                "channel `depolarizing`: p = {p} is not in [0, {max}]"
            )));
        }
        let terms = (0..d2 as usize)
            .map(|i| {
                let w = if i == 0 { 1.0 - p + p / d2 } else { p / d2 };
                (w, pauli_string_matrix(i, num_qubits))
            })
            .collect();
        Channel::mixture_named("depolarizing", terms)
    }

    /// Amplitude damping (energy relaxation to `|0>`) with decay probability `gamma`.
    pub fn amplitude_damping(gamma: f64) -> Result<Channel> {
        Channel::generalized_amplitude_damping(gamma, 0.0).map(|ch| ch.renamed("amplitude_damping"))
    }

    /// Generalized amplitude damping: relaxation with probability `gamma` towards the
    /// thermal state whose excited population is `excited_population` (0 gives plain
    /// amplitude damping).
    pub fn generalized_amplitude_damping(gamma: f64, excited_population: f64) -> Result<Channel> {
        let name = "generalized_amplitude_damping";
        check_probability(name, "gamma", gamma)?;
        check_probability(name, "excited_population", excited_population)?;
        let (p0, p1) = ((1.0 - excited_population).sqrt(), excited_population.sqrt());
        let (s, r) = (gamma.sqrt(), (1.0 - gamma).sqrt());
        let ops = vec![
            m2(p0, 0.0, 0.0, p0 * r),
            m2(0.0, p0 * s, 0.0, 0.0),
            m2(p1 * r, 0.0, 0.0, p1),
            m2(0.0, 0.0, p1 * s, 0.0),
        ];
        Channel::named(name, ops)
    }

    /// Phase damping with parameter `lambda`: off-diagonal elements shrink by
    /// `sqrt(1 - lambda)`. Kept as the equivalent phase-flip mixture.
    pub fn phase_damping(lambda: f64) -> Result<Channel> {
        check_probability("phase_damping", "lambda", lambda)?;
        let pz = (1.0 - (1.0 - lambda).sqrt()) / 2.0;
        Channel::mixture_named(
            "phase_damping",
            vec![(1.0 - pz, pauli_matrix(0)), (pz, pauli_matrix(3))],
        )
    }

    /// Thermal relaxation over `time` with relaxation time `t1` and dephasing time `t2`
    /// (`t2 ≤ 2 t1`), towards a thermal state with excited population
    /// `excited_population`: populations relax by `1 - e^{-time/t1}`, coherences decay
    /// by `e^{-time/t2}`.
    pub fn thermal_relaxation(
        t1: f64,
        t2: f64,
        time: f64,
        excited_population: f64,
    ) -> Result<Channel> {
        let name = "thermal_relaxation";
        if !(t1 > 0.0 && t2 > 0.0 && time >= 0.0 && time.is_finite()) {
            return Err(Error::invalid(format!(
                "channel `{name}`: needs t1 > 0, t2 > 0 and a finite time ≥ 0 \
                 (got t1 = {t1}, t2 = {t2}, time = {time})"
            )));
        }
        if t2 > 2.0 * t1 * (1.0 + 1e-12) {
            return Err(Error::invalid(format!(
                "channel `{name}`: t2 = {t2} exceeds 2·t1 = {}, which no physical qubit has",
                2.0 * t1
            )));
        }
        let gamma = 1.0 - (-time / t1).exp();
        let ad = Channel::generalized_amplitude_damping(gamma, excited_population)?;
        // Amplitude damping keeps coherences at e^{-time/(2 t1)}; dephase the rest.
        let extra = (-time / t2 + time / (2.0 * t1)).exp().min(1.0);
        let lambda = 1.0 - extra * extra;
        let (a, b) = (1.0, (1.0 - lambda).sqrt());
        let pd = [m2(a, 0.0, 0.0, b), m2(0.0, 0.0, 0.0, lambda.sqrt())];
        let ops = pd
            .iter()
            .flat_map(|p| ad.kraus.iter().map(move |k| p.mul(k)))
            .collect();
        Channel::named(name, ops)
    }

    /// Reset error: the qubit is reset to `|0>` with probability `p0`, to `|1>` with
    /// probability `p1`, and left alone otherwise (`p0 + p1 ≤ 1`).
    pub fn reset_error(p0: f64, p1: f64) -> Result<Channel> {
        let name = "reset_error";
        check_probability(name, "p0", p0)?;
        check_probability(name, "p1", p1)?;
        if p0 + p1 > 1.0 + KRAUS_TOLERANCE {
            return Err(Error::invalid(format!(
                "channel `{name}`: p0 + p1 = {} exceeds 1",
                p0 + p1
            )));
        }
        let (a, b, i) = (p0.sqrt(), p1.sqrt(), (1.0 - p0 - p1).max(0.0).sqrt());
        let ops = vec![
            m2(i, 0.0, 0.0, i),
            m2(a, 0.0, 0.0, 0.0),
            m2(0.0, a, 0.0, 0.0),
            m2(0.0, 0.0, b, 0.0),
            m2(0.0, 0.0, 0.0, b),
        ];
        Channel::named(name, ops)
    }

    fn renamed(mut self, name: &str) -> Channel {
        self.name = name.to_string();
        self
    }

    /// The channel's name (`"depolarizing"`, `"kraus"`, ...).
    pub fn name(&self) -> &str {
        &self.name
    }
    /// Qubits it acts on.
    pub fn num_qubits(&self) -> u32 {
        self.num_qubits
    }
    /// Its Kraus operators (zero operators dropped; for a mixture `sqrt(p_i) U_i`).
    pub fn kraus_operators(&self) -> &[Matrix] {
        &self.kraus
    }
    /// The unitary mixture `(p_i, U_i)`, when the channel is one.
    pub fn mixture(&self) -> Option<&[(f64, Matrix)]> {
        self.mixture.as_deref()
    }
    /// `true` if every unitary of the mixture is diagonal (a phase channel).
    pub fn is_diagonal_mixture(&self) -> bool {
        self.mixture
            .as_ref()
            .is_some_and(|m| m.iter().all(|(_, u)| u.is_diagonal()))
    }
    /// The term of the mixture a uniform `u ∈ [0, 1)` selects (cumulative sum, the last
    /// term taking what rounding leaves). `None` for a channel that is not a mixture.
    pub fn draw(&self, u: f64) -> Option<usize> {
        let m = self.mixture.as_ref()?;
        let mut acc = 0.0;
        for (i, (p, _)) in m.iter().enumerate() {
            acc += p;
            if u < acc {
                return Some(i);
            }
        }
        Some(m.len() - 1)
    }
}

fn as_mixture(kraus: &[Matrix]) -> Option<Vec<(f64, Matrix)>> {
    kraus
        .iter()
        .map(|k| {
            let p = k.adjoint().mul(k);
            let w = p.get(0, 0).re;
            let scaled = Matrix::identity(k.num_qubits());
            let is_scalar = p
                .data()
                .iter()
                .zip(scaled.data())
                .all(|(a, b)| (a - b * w).norm() <= KRAUS_TOLERANCE);
            if !is_scalar || w <= 0.0 {
                return None;
            }
            let s = 1.0 / w.sqrt();
            let u = Matrix::new(k.dim(), k.data().iter().map(|z| z * s).collect()).ok()?;
            Some((w, u))
        })
        .collect()
}

/// A readout (measurement) error on one bit: `probabilities[i][j]` is the probability
/// of reading `j` when the measured value is `i` (each row sums to 1).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ReadoutError {
    probabilities: [[f64; 2]; 2],
}

impl ReadoutError {
    /// From the confusion matrix `P(read j | true i)` (rows of probabilities summing
    /// to 1 within [`KRAUS_TOLERANCE`]).
    pub fn new(probabilities: [[f64; 2]; 2]) -> Result<ReadoutError> {
        for (i, row) in probabilities.iter().enumerate() {
            for (j, &p) in row.iter().enumerate() {
                check_probability("readout_error", &format!("P(read {j} | {i})"), p)?;
            }
            if (row[0] + row[1] - 1.0).abs() > KRAUS_TOLERANCE {
                return Err(Error::invalid(format!(
                    "readout error: row {i} of the confusion matrix sums to {}, not 1",
                    row[0] + row[1]
                )));
            }
        }
        Ok(ReadoutError { probabilities })
    }
    /// Reads 1 for a 0 with probability `p01` and 0 for a 1 with probability `p10`.
    pub fn flips(p01: f64, p10: f64) -> Result<ReadoutError> {
        ReadoutError::new([[1.0 - p01, p01], [p10, 1.0 - p10]])
    }
    /// The confusion matrix.
    pub fn probabilities(&self) -> [[f64; 2]; 2] {
        self.probabilities
    }
    /// The bit read for true value `bit` and a uniform `u ∈ [0, 1)`.
    pub fn apply(&self, bit: bool, u: f64) -> bool {
        let flip = self.probabilities[usize::from(bit)][usize::from(!bit)];
        bit ^ (u < flip)
    }
}
