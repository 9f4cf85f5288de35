//! Readout requests ([`Readout`]) and what they return ([`Output`]).

use crate::error::{Error, Result};
use crate::observable::Observable;
use crate::precision::Precision;
use num_complex::{Complex32, Complex64};

/// What to read out of a state after a run.
#[derive(Debug, Clone, PartialEq)]
pub enum Readout {
    /// The full state vector.
    StateVector,
    /// `|amplitude|^2` for every basis state.
    Probabilities,
    /// Marginal probabilities over `qubits`; `qubits[0]` is the least significant bit
    /// of the output index.
    Marginal(Vec<u32>),
    /// `shots` basis-state indices drawn from the final distribution, reproducible for
    /// a fixed `seed`.
    Samples {
        /// Number of draws.
        shots: usize,
        /// Seed of the draw.
        seed: u64,
    },
    /// One expectation value per observable.
    Expectation(Vec<Observable>),
    /// The classical bits written by measurements.
    ClassicalBits,
}

/// A state vector in the precision that produced it.
#[derive(Debug, Clone, PartialEq)]
pub enum StateVector {
    /// complex64 amplitudes.
    Single(Vec<Complex32>),
    /// complex128 amplitudes.
    Double(Vec<Complex64>),
}

impl StateVector {
    /// Amplitudes widened to complex128.
    pub fn to_c64(&self) -> Vec<Complex64> {
        match self {
            StateVector::Single(v) => v
                .iter()
                .map(|z| Complex64::new(z.re as f64, z.im as f64))
                .collect(),
            StateVector::Double(v) => v.clone(),
        }
    }
    /// Number of amplitudes.
    pub fn len(&self) -> usize {
        match self {
            StateVector::Single(v) => v.len(),
            StateVector::Double(v) => v.len(),
        }
    }
    /// `true` if empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The data of one readout.
#[derive(Debug, Clone, PartialEq)]
pub enum OutputData {
    /// See [`Readout::StateVector`].
    StateVector(StateVector),
    /// See [`Readout::Probabilities`] and [`Readout::Marginal`].
    Probabilities(Vec<f64>),
    /// See [`Readout::Samples`]: basis-state indices.
    Samples(Vec<u64>),
    /// See [`Readout::Expectation`].
    Expectations(Vec<f64>),
    /// See [`Readout::ClassicalBits`].
    ClassicalBits(Vec<bool>),
}

/// A readout result, labelled with the precision that produced it.
#[derive(Debug, Clone, PartialEq)]
pub struct Output {
    /// Precision of the state the output was computed from.
    pub precision: Precision,
    /// The data.
    pub data: OutputData,
}

macro_rules! output_accessor {
    ($name:ident, $variant:ident, $ty:ty, $what:literal) => {
        #[doc = concat!("The ", $what, ", or an error if the output holds something else.")]
        pub fn $name(self) -> Result<$ty> {
            match self.data {
                OutputData::$variant(v) => Ok(v),
                other => Err(Error::invalid(format!(
                    concat!("expected ", $what, ", output holds {:?}"),
                    std::mem::discriminant(&other)
                ))),
            }
        }
    };
}

impl Output {
    output_accessor!(
        into_state_vector,
        StateVector,
        StateVector,
        "a state vector"
    );
    output_accessor!(into_probabilities, Probabilities, Vec<f64>, "probabilities");
    output_accessor!(into_samples, Samples, Vec<u64>, "samples");
    output_accessor!(
        into_expectations,
        Expectations,
        Vec<f64>,
        "expectation values"
    );
    output_accessor!(
        into_classical_bits,
        ClassicalBits,
        Vec<bool>,
        "classical bits"
    );
}

/// Checks that a readout request fits a state of `num_qubits` qubits.
pub fn check_readout(request: &Readout, num_qubits: u32) -> Result<()> {
    match request {
        Readout::Marginal(qs) => {
            let mut seen = std::collections::BTreeSet::new();
            for &q in qs {
                if q >= num_qubits {
                    return Err(Error::QubitOutOfRange {
                        qubit: q,
                        num_qubits,
                    });
                }
                if !seen.insert(q) {
                    return Err(Error::invalid(format!("marginal lists qubit {q} twice")));
                }
            }
            if qs.len() > 40 {
                return Err(Error::invalid(
                    "a marginal over more than 40 qubits is too large",
                ));
            }
            Ok(())
        }
        Readout::Expectation(obs) => obs.iter().try_for_each(|o| o.check_fits(num_qubits)),
        Readout::Samples { .. } if num_qubits > 64 => Err(Error::invalid(
            "sampling supports at most 64 qubits per bitstring",
        )),
        _ => Ok(()),
    }
}
