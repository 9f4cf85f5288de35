//! The exact density-matrix method for small circuits (at most
//! [`MAX_DENSITY_QUBITS`] qubits): `ρ` evolves as `U ρ U†` under gates and
//! `Σ K ρ K†` under channels (the same [`Channel`] definitions trajectories use), so a
//! noisy circuit's mixed state, probabilities, expectation values and classical-register
//! distribution are exact rather than sampled.
//!
//! `ρ` is stored as a vector over `2n` bits: entry `r | c << n` is `ρ[r][c]`, so a gate
//! is `U` on the row bits and `conj(U)` on the column bits, and a channel is its
//! superoperator `Σ K ⊗ conj(K)` on both. Measurements dephase their qubit and record
//! which classical bit they write; they must be terminal (nothing acts on the qubit
//! afterwards) and nothing may be classically conditioned ([`Error::Unsupported`]
//! otherwise: run such circuits as trajectories).

use crate::channel::{kron, Channel, ReadoutError};
use crate::circuit::{Circuit, Operation};
use crate::error::{Error, Result};
use crate::matrix::Matrix;
use crate::memory::check_host_bytes;
use crate::observable::Observable;
use crate::param::ParamBinding;
use num_complex::Complex64;

/// Most qubits the density-matrix method takes (`4^14` amplitudes are 4 GiB).
pub const MAX_DENSITY_QUBITS: u32 = 14;

/// A density matrix on `n` qubits and the classical side of the terminal measurements
/// that produced it.
#[derive(Debug, Clone)]
pub struct DensityMatrix {
    n: u32,
    rho: Vec<Complex64>,
    num_clbits: u32,
    /// `(qubit, clbit)` per measurement, in order.
    measured: Vec<(u32, u32)>,
    /// `(clbit, error)` per readout error, in order.
    readout: Vec<(u32, ReadoutError)>,
}

fn unsupported(reason: String) -> Error {
    Error::Unsupported {
        backend: "density matrix".into(),
        reason,
    }
}

/// Applies `m` (a `2^k x 2^k` matrix, `bits[0]` its least significant bit) to the
/// vector `v` over its index bits `bits`.
fn apply_matrix(v: &mut [Complex64], bits: &[u32], m: &Matrix) {
    let k = bits.len();
    let dim = 1usize << k;
    let mask: usize = bits.iter().map(|&b| 1usize << b).sum();
    let offsets: Vec<usize> = (0..dim)
        .map(|j| {
            bits.iter()
                .enumerate()
                .map(|(t, &b)| ((j >> t) & 1) << b)
                .sum()
        })
        .collect();
    let mut buf = vec![Complex64::new(0.0, 0.0); dim];
    for base in 0..v.len() {
        if base & mask != 0 {
            continue;
        }
        for (x, &o) in buf.iter_mut().zip(&offsets) {
            *x = v[base + o];
        }
        for (r, &o) in offsets.iter().enumerate() {
            let row = &m.data()[r * dim..(r + 1) * dim];
            v[base + o] = row.iter().zip(&buf).map(|(a, b)| a * b).sum();
        }
    }
}

fn conj(m: &Matrix) -> Matrix {
    Matrix::new(m.dim(), m.data().iter().map(|z| z.conj()).collect()).expect("same shape")
}

impl DensityMatrix {
    /// `|0…0><0…0|` on `n` qubits (memory checked before allocating).
    pub fn new(num_qubits: u32) -> Result<Self> {
        if num_qubits > MAX_DENSITY_QUBITS {
            return Err(unsupported(format!(
                "{num_qubits} qubits: the exact density-matrix method takes at most \
                 {MAX_DENSITY_QUBITS} (use trajectories)"
            )));
        }
        let len = 1usize << (2 * num_qubits);
        check_host_bytes(
            len as u128 * 16,
            &format!("a {num_qubits}-qubit density matrix"),
            None,
        )?;
        let mut rho = vec![Complex64::new(0.0, 0.0); len];
        rho[0] = Complex64::new(1.0, 0.0);
        Ok(DensityMatrix {
            n: num_qubits,
            rho,
            num_clbits: 0,
            measured: Vec::new(),
            readout: Vec::new(),
        })
    }

    /// The final density matrix of `circuit` with parameters `binding`.
    pub fn simulate(circuit: &Circuit, binding: &ParamBinding) -> Result<Self> {
        circuit.validate()?;
        let mut dm = DensityMatrix::new(circuit.num_qubits())?;
        dm.num_clbits = circuit.num_clbits();
        let mut measured = vec![false; circuit.num_qubits() as usize];
        for ins in circuit.instructions() {
            if ins.condition.is_some() {
                return Err(unsupported(format!(
                    "`{}` is classically conditioned (use trajectories)",
                    ins.name()
                )));
            }
            if !matches!(
                ins.op,
                Operation::Measure { .. } | Operation::ReadoutError { .. }
            ) && ins.qubits().iter().any(|&q| measured[q as usize])
            {
                return Err(unsupported(format!(
                    "`{}` acts on a measured qubit: mid-circuit measurement (use trajectories)",
                    ins.name()
                )));
            }
            match &ins.op {
                Operation::Gate {
                    gate,
                    targets,
                    controls,
                } => {
                    let m = gate
                        .matrix_of(&gate.eval_params(binding)?)
                        .controlled(controls.len() as u32);
                    let qs: Vec<u32> = targets.iter().chain(controls).copied().collect();
                    dm.apply_unitary(&m, &qs);
                }
                Operation::Channel { channel, qubits } => dm.apply_channel(channel, qubits),
                Operation::Reset { qubit } => {
                    let reset = Channel::reset_error(1.0, 0.0)?;
                    dm.apply_channel(&reset, &[*qubit]);
                }
                Operation::Measure { qubit, clbit } => {
                    measured[*qubit as usize] = true;
                    dm.dephase(*qubit);
                    dm.measured.push((*qubit, *clbit));
                }
                Operation::ReadoutError { error, clbit } => dm.readout.push((*clbit, *error)),
                Operation::Barrier { .. } => {}
            }
        }
        Ok(dm)
    }

    /// `ρ ← U ρ U†` for `u` on `qubits`.
    pub fn apply_unitary(&mut self, u: &Matrix, qubits: &[u32]) {
        let cols: Vec<u32> = qubits.iter().map(|q| q + self.n).collect();
        apply_matrix(&mut self.rho, qubits, u);
        apply_matrix(&mut self.rho, &cols, &conj(u));
    }

    /// `ρ ← Σ K ρ K†` for `channel` on `qubits`.
    pub fn apply_channel(&mut self, channel: &Channel, qubits: &[u32]) {
        let d = 1usize << (2 * qubits.len());
        let mut sup = vec![Complex64::new(0.0, 0.0); d * d];
        for k in channel.kraus_operators() {
            for (s, x) in sup.iter_mut().zip(kron(&conj(k), k).data()) {
                *s += x;
            }
        }
        let sup = Matrix::new(d, sup).expect("power-of-two dimension");
        let bits: Vec<u32> = qubits
            .iter()
            .copied()
            .chain(qubits.iter().map(|q| q + self.n))
            .collect();
        apply_matrix(&mut self.rho, &bits, &sup);
    }

    fn dephase(&mut self, qubit: u32) {
        let n = self.n;
        let row_mask = (1usize << n) - 1;
        for (i, x) in self.rho.iter_mut().enumerate() {
            let (r, c) = (i & row_mask, i >> n);
            if (r >> qubit) & 1 != (c >> qubit) & 1 {
                *x = Complex64::new(0.0, 0.0);
            }
        }
    }

    /// Qubit count.
    pub fn num_qubits(&self) -> u32 {
        self.n
    }
    /// `ρ[row][col]`.
    pub fn get(&self, row: usize, col: usize) -> Complex64 {
        self.rho[row | col << self.n]
    }
    /// `Tr ρ²`.
    pub fn purity(&self) -> f64 {
        self.rho.iter().map(|z| z.norm_sqr()).sum()
    }
    /// The diagonal: the probability of each basis state.
    pub fn probabilities(&self) -> Vec<f64> {
        (0..1usize << self.n).map(|i| self.get(i, i).re).collect()
    }
    /// `Tr(ρ O)` for each observable.
    pub fn expectations(&self, observables: &[Observable]) -> Result<Vec<f64>> {
        let dim = 1usize << self.n;
        observables
            .iter()
            .map(|o| {
                o.check_fits(self.n)?;
                let mut total = 0.0;
                for t in o.terms() {
                    let (x, z) = (t.x_mask() as usize, t.z_mask() as usize);
                    let phase = [
                        Complex64::new(1.0, 0.0),
                        Complex64::new(0.0, 1.0),
                        Complex64::new(-1.0, 0.0),
                        Complex64::new(0.0, -1.0),
                    ][(t.y_count() % 4) as usize];
                    let mut s = Complex64::new(0.0, 0.0);
                    for c in 0..dim {
                        let sign = if (c & z).count_ones() % 2 == 1 {
                            -1.0
                        } else {
                            1.0
                        };
                        s += self.get(c, c ^ x) * sign;
                    }
                    total += t.coeff * (phase * s).re;
                }
                Ok(total)
            })
            .collect()
    }
    /// The distribution of the classical register (`2^num_clbits` entries, at most 24
    /// bits) that the terminal measurements and readout errors produce.
    pub fn clbit_probabilities(&self) -> Result<Vec<f64>> {
        if self.num_clbits > 24 {
            return Err(Error::invalid(format!(
                "{} classical bits: the register distribution takes at most 24",
                self.num_clbits
            )));
        }
        let mut out = vec![0.0; 1usize << self.num_clbits];
        for (i, p) in self.probabilities().into_iter().enumerate() {
            let v = self.measured.iter().fold(0usize, |acc, &(q, c)| {
                (acc & !(1usize << c)) | (((i >> q) & 1) << c)
            });
            out[v] += p;
        }
        for &(c, e) in &self.readout {
            let m = e.probabilities();
            let mut next = vec![0.0; out.len()];
            for (v, &p) in out.iter().enumerate() {
                let bit = (v >> c) & 1;
                next[v & !(1 << c)] += p * m[bit][0];
                next[v | (1 << c)] += p * m[bit][1];
            }
            out = next;
        }
        Ok(out)
    }
}
