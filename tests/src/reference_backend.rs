//! [`ReferenceBackend`]: the reference simulator behind the [`Backend`] trait.
//!
//! Its primitives are the reference's own plain kernels, in double precision; the plans
//! it runs come from `ferroq-core` (lowering, fusion, binding) and so does the
//! execution loop. Running the conformance suite on it checks the suite itself, and
//! checks `compile`, fusion and the loop against the textbook reference without any
//! real backend.

use crate::reference::dense::{c, pauli_x, pauli_y, pauli_z, DenseMatrix};
use crate::reference::{apply_gate, inner, RefState};
use ferroq_core::{
    Backend, Capabilities, CompileOptions, Complex64, DeviceKind, Error, Interrupt, Observable, Op,
    Pauli, Precision, Result, StatePrimitives, StateVector,
};

/// The dense reference simulator as a [`Backend`] (double precision, at most
/// [`ReferenceBackend::MAX_QUBITS`] qubits).
#[derive(Debug, Clone, Default)]
pub struct ReferenceBackend;

/// State of a [`ReferenceBackend`].
#[derive(Debug, Clone)]
pub struct ReferenceState {
    state: RefState,
}

impl ReferenceBackend {
    /// Largest qubit count it accepts.
    pub const MAX_QUBITS: u32 = 24;

    /// A new reference backend.
    pub fn new() -> Self {
        ReferenceBackend
    }
}

fn same_len(a: &ReferenceState, b: &ReferenceState) -> Result<()> {
    if a.state.num_qubits != b.state.num_qubits {
        return Err(Error::invalid("the two states differ in qubit count"));
    }
    Ok(())
}

impl StatePrimitives for ReferenceState {
    fn num_qubits(&self) -> u32 {
        self.state.num_qubits
    }
    fn precision(&self) -> Precision {
        Precision::Double
    }
    fn apply(&mut self, ops: &[Op], _: &Interrupt<'_>) -> Result<()> {
        for op in ops {
            match op {
                Op::Dense {
                    targets,
                    controls,
                    matrix,
                } => {
                    let m = DenseMatrix::from_data(matrix.dim(), matrix.data().to_vec());
                    apply_gate(&mut self.state.amps, &m, targets, controls);
                }
                Op::Diagonal {
                    targets,
                    controls,
                    diag,
                } => {
                    let m = DenseMatrix::diagonal(diag);
                    apply_gate(&mut self.state.amps, &m, targets, controls);
                }
                other => return Err(Error::invalid(format!("not a unitary op: {other:?}"))),
            }
        }
        Ok(())
    }
    fn probability_one(&mut self, qubit: u32) -> Result<(f64, f64)> {
        Ok((self.state.prob_one(qubit), self.state.norm_sqr()))
    }
    fn collapse(&mut self, qubit: u32, outcome: bool, kept: f64, reset: bool) -> Result<()> {
        let scale = 1.0 / kept.sqrt();
        for (i, a) in self.state.amps.iter_mut().enumerate() {
            *a = if ((i >> qubit) & 1 == 1) == outcome {
                *a * scale
            } else {
                c(0.0, 0.0)
            };
        }
        if reset && outcome {
            apply_gate(&mut self.state.amps, &pauli_x(), &[qubit], &[]);
        }
        Ok(())
    }
    fn set_zero(&mut self) -> Result<()> {
        self.state = RefState::zero(self.state.num_qubits, 0);
        Ok(())
    }
    fn set_amplitudes(&mut self, amps: &[Complex64]) -> Result<()> {
        if amps.len() != self.state.amps.len() {
            return Err(Error::invalid("wrong number of amplitudes"));
        }
        self.state.amps = amps.to_vec();
        Ok(())
    }
    fn copy_from(&mut self, other: &Self) -> Result<()> {
        same_len(self, other)?;
        self.state.amps.clone_from(&other.state.amps);
        Ok(())
    }
    /// Each term factor by factor with textbook Pauli matrices.
    fn apply_observable(&self, observable: &Observable, out: &mut Self) -> Result<()> {
        same_len(self, out)?;
        observable.check_fits(self.state.num_qubits)?;
        let mut acc = vec![c(0.0, 0.0); self.state.amps.len()];
        for t in observable.terms() {
            let mut v = self.state.amps.clone();
            for &(p, q) in &t.ops {
                let m = match p {
                    Pauli::X => pauli_x(),
                    Pauli::Y => pauli_y(),
                    Pauli::Z => pauli_z(),
                    Pauli::I => continue,
                };
                apply_gate(&mut v, &m, &[q], &[]);
            }
            for (a, x) in acc.iter_mut().zip(v) {
                *a += x * t.coeff;
            }
        }
        out.state.amps = acc;
        Ok(())
    }
    fn inner_product(&self, other: &Self) -> Result<Complex64> {
        same_len(self, other)?;
        Ok(inner(&self.state.amps, &other.state.amps))
    }
    fn norm_sqr(&self) -> Result<f64> {
        Ok(self.state.norm_sqr())
    }
    fn scale(&mut self, a: Complex64) -> Result<()> {
        self.state.amps.iter_mut().for_each(|x| *x *= a);
        Ok(())
    }
    fn add_scaled(&mut self, a: Complex64, x: &Self) -> Result<()> {
        same_len(self, x)?;
        for (s, y) in self.state.amps.iter_mut().zip(&x.state.amps) {
            *s += a * y;
        }
        Ok(())
    }
    fn state_vector(&self) -> Result<StateVector> {
        Ok(StateVector::Double(self.state.amps.clone()))
    }
    fn probabilities(&self) -> Result<Vec<f64>> {
        Ok(self.state.probabilities())
    }
    fn marginal(&self, qubits: &[u32]) -> Result<Vec<f64>> {
        Ok(self.state.marginal(qubits))
    }
    fn expectations(&self, observables: &[Observable]) -> Result<Vec<f64>> {
        Ok(observables
            .iter()
            .map(|o| self.state.expectation(o))
            .collect())
    }
    /// A plain linear scan of the running sum for each uniform.
    fn locate_sorted(&self, uniforms: &[f64]) -> Result<Vec<u64>> {
        let probs = self.state.probabilities();
        let total: f64 = probs.iter().sum();
        let last = probs.iter().rposition(|&p| p > 0.0).unwrap_or(0);
        Ok(uniforms
            .iter()
            .map(|u| {
                let target = u * total;
                let mut acc = 0.0;
                for (i, p) in probs.iter().enumerate() {
                    acc += p;
                    if target < acc {
                        return i as u64;
                    }
                }
                last as u64
            })
            .collect())
    }
}

impl Backend for ReferenceBackend {
    type State = ReferenceState;

    fn name(&self) -> &'static str {
        "reference"
    }
    fn precision(&self) -> Precision {
        Precision::Double
    }
    fn capabilities(&self) -> Capabilities {
        Capabilities {
            name: "reference",
            device: DeviceKind::Cpu,
            device_name: "dense reference".into(),
            precision: Precision::Double,
            precisions: vec![Precision::Double],
            max_qubits: Self::MAX_QUBITS,
            max_dense_qubits: 12,
            state_memory_bytes: 16 << Self::MAX_QUBITS,
            compile_options: CompileOptions::default(),
        }
    }
    fn new_state(&self, num_qubits: u32) -> Result<ReferenceState> {
        if num_qubits > Self::MAX_QUBITS {
            return Err(Error::TooManyQubits {
                num_qubits,
                max_qubits: Self::MAX_QUBITS,
            });
        }
        Ok(ReferenceState {
            state: RefState::zero(num_qubits, 0),
        })
    }
}
