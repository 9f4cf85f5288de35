//! [`ReferenceBackend`]: the reference simulator behind the [`Backend`] trait.
//!
//! It executes compiled [`Program`]s (so it exercises `ferroq-core`'s lowering and
//! fusion) with the reference's own plain kernels, in double precision. Running the
//! conformance suite on it checks the suite itself, and checks `compile` and fusion
//! against the textbook reference without any real backend.

use crate::reference::dense::{c, DenseMatrix};
use crate::reference::RefState;
use ferroq_core::{
    check_readout, Backend, Error, Op, Output, OutputData, Precision, Program, Readout, Result,
    Rng, StateVector,
};

/// The dense reference simulator as a [`Backend`] (double precision, at most
/// [`ReferenceBackend::MAX_QUBITS`] qubits).
#[derive(Debug, Clone, Default)]
pub struct ReferenceBackend;

/// State of a [`ReferenceBackend`].
#[derive(Debug, Clone)]
pub struct ReferenceState {
    state: RefState,
    rng: Rng,
}

impl ReferenceBackend {
    /// Largest qubit count it accepts.
    pub const MAX_QUBITS: u32 = 24;

    /// A new reference backend.
    pub fn new() -> Self {
        ReferenceBackend
    }

    fn measure(s: &mut ReferenceState, qubit: u32) -> bool {
        let p1 = s.state.prob_one(qubit);
        let outcome = s.rng.next_f64() < p1;
        let p = if outcome { p1 } else { 1.0 - p1 };
        let scale = 1.0 / p.sqrt();
        for (i, a) in s.state.amps.iter_mut().enumerate() {
            *a = if ((i >> qubit) & 1 == 1) == outcome {
                *a * scale
            } else {
                c(0.0, 0.0)
            };
        }
        outcome
    }

    fn exec(s: &mut ReferenceState, op: &Op) -> Result<()> {
        match op {
            Op::Dense {
                targets,
                controls,
                matrix,
            } => {
                let m = DenseMatrix::from_data(matrix.dim(), matrix.data().to_vec());
                crate::reference::apply_gate(&mut s.state.amps, &m, targets, controls);
            }
            Op::Diagonal {
                targets,
                controls,
                diag,
            } => {
                let m = DenseMatrix::diagonal(diag);
                crate::reference::apply_gate(&mut s.state.amps, &m, targets, controls);
            }
            Op::Measure { qubit, clbit } => {
                let outcome = Self::measure(s, *qubit);
                s.state.clbits[*clbit as usize] = outcome;
            }
            Op::Reset { qubit } => {
                if Self::measure(s, *qubit) {
                    let x = crate::reference::dense::pauli_x();
                    crate::reference::apply_gate(&mut s.state.amps, &x, &[*qubit], &[]);
                }
            }
            Op::Conditional { condition, ops } => {
                if s.state.holds(condition) {
                    for op in ops {
                        Self::exec(s, op)?;
                    }
                }
            }
        }
        Ok(())
    }
}

impl Backend for ReferenceBackend {
    type State = ReferenceState;

    fn name(&self) -> &str {
        "reference"
    }

    fn precision(&self) -> Precision {
        Precision::Double
    }

    fn max_qubits(&self) -> u32 {
        Self::MAX_QUBITS
    }

    fn alloc(&self, num_qubits: u32, seed: u64) -> Result<ReferenceState> {
        if num_qubits > Self::MAX_QUBITS {
            return Err(Error::TooManyQubits {
                num_qubits,
                max_qubits: Self::MAX_QUBITS,
            });
        }
        Ok(ReferenceState {
            state: RefState::zero(num_qubits, 0),
            rng: Rng::new(seed),
        })
    }

    fn run(&self, s: &mut ReferenceState, program: &Program) -> Result<()> {
        if program.num_qubits() != s.state.num_qubits {
            return Err(Error::invalid(format!(
                "program has {} qubits, state has {}",
                program.num_qubits(),
                s.state.num_qubits
            )));
        }
        let ops = program.ops()?;
        let nc = program.num_clbits() as usize;
        if s.state.clbits.len() < nc {
            s.state.clbits.resize(nc, false);
        }
        for op in ops {
            Self::exec(s, op)?;
        }
        Ok(())
    }

    fn read(&self, s: &ReferenceState, request: &Readout) -> Result<Output> {
        check_readout(request, s.state.num_qubits)?;
        let data = match request {
            Readout::StateVector => {
                OutputData::StateVector(StateVector::Double(s.state.amps.clone()))
            }
            Readout::Probabilities => OutputData::Probabilities(s.state.probabilities()),
            Readout::Marginal(qs) => OutputData::Probabilities(s.state.marginal(qs)),
            Readout::Samples { shots, seed } => {
                let probs = s.state.probabilities();
                let mut rng = Rng::new(*seed);
                OutputData::Samples(
                    (0..*shots)
                        .map(|_| {
                            let u = rng.next_f64();
                            let mut acc = 0.0;
                            let mut pick = probs.len() - 1;
                            for (i, p) in probs.iter().enumerate() {
                                acc += p;
                                if u < acc {
                                    pick = i;
                                    break;
                                }
                            }
                            pick as u64
                        })
                        .collect(),
                )
            }
            Readout::Expectation(obs) => {
                OutputData::Expectations(obs.iter().map(|o| s.state.expectation(o)).collect())
            }
            Readout::ClassicalBits => OutputData::ClassicalBits(s.state.clbits.clone()),
        };
        Ok(Output {
            precision: Precision::Double,
            data,
        })
    }
}
