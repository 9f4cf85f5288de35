//! The `Backend` trait, readout requests and their outputs.

use crate::error::{Error, Result};
use crate::observable::Observable;
use crate::param::ParamBinding;
use crate::program::Program;
use crate::rng::derive_seed;
use num_complex::{Complex32, Complex64};
use std::fmt;

/// Floating-point precision of a state vector.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Precision {
    /// complex64: two f32 per amplitude (8 bytes).
    Single,
    /// complex128: two f64 per amplitude (16 bytes). The CPU default.
    #[default]
    Double,
}

impl Precision {
    /// Bytes per amplitude.
    pub fn amplitude_bytes(self) -> u64 {
        match self {
            Precision::Single => 8,
            Precision::Double => 16,
        }
    }
    /// A tolerance suitable for comparing results of this precision after a circuit of
    /// moderate depth.
    pub fn tolerance(self) -> f64 {
        match self {
            Precision::Single => 1e-4,
            Precision::Double => 1e-10,
        }
    }
    /// Bytes a state of `num_qubits` qubits needs, or `None` on overflow.
    pub fn state_bytes(self, num_qubits: u32) -> Option<u128> {
        if num_qubits >= 100 {
            return None;
        }
        Some((1u128 << num_qubits) * self.amplitude_bytes() as u128)
    }
}

impl fmt::Display for Precision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Precision::Single => "single",
            Precision::Double => "double",
        })
    }
}

impl std::str::FromStr for Precision {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s.to_ascii_lowercase().as_str() {
            "single" | "f32" | "complex64" | "float" => Ok(Precision::Single),
            "double" | "f64" | "complex128" => Ok(Precision::Double),
            _ => Err(Error::invalid(format!(
                "unknown precision `{s}`: expected \"single\" or \"double\""
            ))),
        }
    }
}

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

/// Options for [`Backend::run_batch`].
#[derive(Clone, Copy, Default)]
pub struct BatchOptions<'a> {
    /// Base seed; item `i` runs with [`derive_seed`]`(seed, i)`.
    pub seed: u64,
    /// Polled between items; returning `true` stops the batch with [`Error::Interrupted`].
    pub interrupt: Option<&'a (dyn Fn() -> bool + Sync)>,
}

impl fmt::Debug for BatchOptions<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BatchOptions")
            .field("seed", &self.seed)
            .field("interrupt", &self.interrupt.is_some())
            .finish()
    }
}

impl BatchOptions<'_> {
    /// `Err(Interrupted)` if the interrupt hook asks to stop.
    pub fn check_interrupt(&self) -> Result<()> {
        match self.interrupt {
            Some(f) if f() => Err(Error::Interrupted),
            _ => Ok(()),
        }
    }
}

/// A simulator backend: allocates states, runs programs on them, reads them out.
pub trait Backend: Send + Sync {
    /// The backend's state type.
    type State: Send;

    /// Short name, such as `"cpu"`.
    fn name(&self) -> &str;
    /// Precision of the states it allocates.
    fn precision(&self) -> Precision;
    /// Largest qubit count it can hold (from memory or device limits).
    fn max_qubits(&self) -> u32;
    /// The compile options (fusion sizes) this backend runs fastest with.
    fn compile_options(&self) -> crate::program::CompileOptions {
        crate::program::CompileOptions::default()
    }
    /// Allocates `|0…0>` on `num_qubits` qubits; `seed` seeds mid-circuit measurement.
    /// Fails with [`Error::OutOfMemory`] or [`Error::TooManyQubits`] before allocating.
    fn alloc(&self, num_qubits: u32, seed: u64) -> Result<Self::State>;
    /// Runs a bound program on the state.
    fn run(&self, state: &mut Self::State, program: &Program) -> Result<()>;
    /// Reads a result out of the state (the state is not changed).
    fn read(&self, state: &Self::State, request: &Readout) -> Result<Output>;

    /// Runs the program once per binding from `|0…0>` and reads each result.
    /// The default loops; backends override it to parallelise.
    fn run_batch(
        &self,
        program: &Program,
        bindings: &[ParamBinding],
        request: &Readout,
        options: &BatchOptions<'_>,
    ) -> Result<Vec<Output>> {
        let mut out = Vec::with_capacity(bindings.len());
        for (i, b) in bindings.iter().enumerate() {
            options.check_interrupt()?;
            let bound = program.bind(b)?;
            let mut state =
                self.alloc(program.num_qubits(), derive_seed(options.seed, i as u64))?;
            self.run(&mut state, &bound)?;
            out.push(self.read(&state, request)?);
        }
        Ok(out)
    }
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
