//! `CpuState`: the amplitudes, the classical bits and the measurement generator, and
//! the loop that runs a program's ops on them.

use crate::blocking::Tiling;
use crate::exec::{Exec, SharedMut};
use crate::expectation;
use crate::kernels::{self, Prepared};
use crate::memory::check_fits;
use crate::readout;
use crate::scalar::{cast, Real};
use ferroq_core::{Error, Op, Output, OutputData, Precision, Readout, Result, Rng, StateVector};
use num_complex::{Complex, Complex32, Complex64};

/// State-vector storage in either precision.
#[derive(Debug, Clone, PartialEq)]
pub enum Amplitudes {
    /// complex64.
    Single(Vec<Complex32>),
    /// complex128.
    Double(Vec<Complex64>),
}

/// A CPU state: `2^n` amplitudes, classical bits, and a seeded generator for measurements.
#[derive(Debug, Clone)]
pub struct CpuState {
    num_qubits: u32,
    amps: Amplitudes,
    clbits: Vec<bool>,
    rng: Rng,
}

/// Allocates `len` amplitudes set to `|0…0>`, touching pages in parallel (first touch),
/// and reports allocation failure as an error instead of aborting.
fn alloc_zero_state<T: Real>(
    exec: Exec<'_>,
    len: usize,
    num_qubits: u32,
) -> Result<Vec<Complex<T>>> {
    let mut v: Vec<Complex<T>> = Vec::new();
    v.try_reserve_exact(len).map_err(|_| Error::OutOfMemory {
        num_qubits,
        needed_bytes: (len * std::mem::size_of::<Complex<T>>()) as u128,
        available_bytes: 0,
        limit: "the allocator refused the request".into(),
    })?;
    let ptr = SharedMut::new(v.spare_capacity_mut());
    exec.for_ranges(len, |start, end| {
        for i in start..end {
            // SAFETY: `i < len <= capacity`, and chunks are disjoint.
            unsafe { (*ptr.at(i)).write(Complex::default()) };
        }
    });
    // SAFETY: all `len` elements were initialised above.
    unsafe { v.set_len(len) };
    v[0] = Complex::new(T::one(), T::zero());
    Ok(v)
}

macro_rules! with_amps {
    ($self:expr, $v:ident => $body:expr) => {
        match &$self.amps {
            Amplitudes::Single($v) => $body,
            Amplitudes::Double($v) => $body,
        }
    };
    (mut $self:expr, $v:ident => $body:expr) => {
        match &mut $self.amps {
            Amplitudes::Single($v) => $body,
            Amplitudes::Double($v) => $body,
        }
    };
}

impl CpuState {
    pub(crate) fn new(
        num_qubits: u32,
        precision: Precision,
        limit: Option<u64>,
        seed: u64,
        exec: Exec<'_>,
    ) -> Result<Self> {
        check_fits(num_qubits, precision, limit)?;
        let len = 1usize << num_qubits;
        let amps = match precision {
            Precision::Single => Amplitudes::Single(alloc_zero_state(exec, len, num_qubits)?),
            Precision::Double => Amplitudes::Double(alloc_zero_state(exec, len, num_qubits)?),
        };
        Ok(CpuState {
            num_qubits,
            amps,
            clbits: Vec::new(),
            rng: Rng::new(seed),
        })
    }

    /// Qubit count.
    pub fn num_qubits(&self) -> u32 {
        self.num_qubits
    }
    /// Precision of the amplitudes.
    pub fn precision(&self) -> Precision {
        match self.amps {
            Amplitudes::Single(_) => Precision::Single,
            Amplitudes::Double(_) => Precision::Double,
        }
    }
    /// The amplitudes.
    pub fn amplitudes(&self) -> &Amplitudes {
        &self.amps
    }
    /// Classical bits written by measurements so far.
    pub fn clbits(&self) -> &[bool] {
        &self.clbits
    }

    pub(crate) fn run(&mut self, exec: Exec<'_>, ops: &[Op], num_clbits: u32) -> Result<()> {
        if self.clbits.len() < num_clbits as usize {
            self.clbits.resize(num_clbits as usize, false);
        }
        let n = self.num_qubits;
        let CpuState {
            amps, clbits, rng, ..
        } = self;
        match amps {
            Amplitudes::Single(v) => run_ops(exec, v, n, ops, clbits, rng),
            Amplitudes::Double(v) => run_ops(exec, v, n, ops, clbits, rng),
        }
    }

    pub(crate) fn read(&self, exec: Exec<'_>, request: &Readout) -> Result<Output> {
        let data = match request {
            Readout::StateVector => OutputData::StateVector(match &self.amps {
                Amplitudes::Single(v) => StateVector::Single(v.clone()),
                Amplitudes::Double(v) => StateVector::Double(v.clone()),
            }),
            Readout::Probabilities => {
                OutputData::Probabilities(with_amps!(self, v => readout::probabilities(exec, v)))
            }
            Readout::Marginal(qs) => {
                OutputData::Probabilities(with_amps!(self, v => readout::marginal(exec, v, qs)))
            }
            Readout::Samples { shots, seed } => {
                OutputData::Samples(with_amps!(self, v => readout::sample(exec, v, *shots, *seed)))
            }
            Readout::Expectation(obs) => OutputData::Expectations(
                obs.iter()
                    .map(|o| with_amps!(self, v => expectation::expectation(exec, v, o)))
                    .collect(),
            ),
            Readout::ClassicalBits => OutputData::ClassicalBits(self.clbits.clone()),
        };
        Ok(Output {
            precision: self.precision(),
            data,
        })
    }

    /// Overwrites the amplitudes (for tests and state preparation); the vector must have
    /// `2^n` entries and is not renormalised.
    pub fn set_amplitudes(&mut self, amps: &[Complex64]) -> Result<()> {
        if amps.len() != 1usize << self.num_qubits {
            return Err(Error::invalid(format!(
                "expected {} amplitudes, got {}",
                1usize << self.num_qubits,
                amps.len()
            )));
        }
        with_amps!(mut self, v => {
            for (d, s) in v.iter_mut().zip(amps) {
                *d = cast(*s);
            }
        });
        Ok(())
    }
}

/// Qubits of one cache block: consecutive ops on qubits below it are applied chunk by
/// chunk, so the chunk stays in the core's cache across all of them (0: off).
fn block_bits<T: Real>(exec: Exec<'_>) -> u32 {
    let amps = exec.cache_block_bytes / std::mem::size_of::<Complex<T>>();
    if amps < 2 {
        0
    } else {
        amps.ilog2()
    }
}

fn prepare<T: Real>(op: &Op, num_qubits: u32, simd: bool) -> Result<Option<Prepared<T>>> {
    Ok(match op {
        Op::Dense {
            targets,
            controls,
            matrix,
        } => Some(Prepared::dense(
            num_qubits,
            targets,
            controls,
            matrix.data(),
            simd,
        )?),
        Op::Diagonal {
            targets,
            controls,
            diag,
        } => Some(Prepared::diagonal(num_qubits, targets, controls, diag)),
        _ => None,
    })
}

fn run_ops<T: Real>(
    exec: Exec<'_>,
    v: &mut [Complex<T>],
    n: u32,
    ops: &[Op],
    clbits: &mut [bool],
    rng: &mut Rng,
) -> Result<()> {
    let tiling = Tiling::new(n, block_bits::<T>(exec));
    let mut i = 0;
    while i < ops.len() {
        let op = &ops[i];
        if let Some(tiling) = tiling {
            let (run, high) = tiling.run(&ops[i..]);
            if run > 0 {
                tiling.apply(exec, v, n, &high, &ops[i..i + run])?;
                i += run;
                continue;
            }
        }
        i += 1;
        if let Some(p) = prepare::<T>(op, n, exec.simd)? {
            p.apply(exec, v);
            continue;
        }
        match op {
            Op::Measure { qubit, clbit } => {
                let bit = measure(exec, v, *qubit, rng, false);
                clbits[*clbit as usize] = bit;
            }
            Op::Reset { qubit } => {
                measure(exec, v, *qubit, rng, true);
            }
            Op::Conditional { condition, ops } => {
                let value = condition
                    .clbits
                    .iter()
                    .enumerate()
                    .fold(0u64, |acc, (j, &b)| {
                        acc | ((clbits[b as usize] as u64) << j)
                    });
                if value == condition.value {
                    run_ops(exec, v, n, ops, clbits, rng)?;
                }
            }
            Op::Dense { .. } | Op::Diagonal { .. } => unreachable!("prepared above"),
        }
    }
    Ok(())
}
/// Measures `qubit`, collapses, and (for reset) moves the result to |0>.
/// Probabilities are taken relative to the current norm, so rounding drift in a long
/// circuit does not bias outcomes.
fn measure<T: Real>(
    exec: Exec<'_>,
    v: &mut [Complex<T>],
    qubit: u32,
    rng: &mut Rng,
    reset: bool,
) -> bool {
    let norm: f64 = exec.map_reduce(
        v.len(),
        |s, e| v[s..e].iter().map(|a| a.norm_sqr().to_f64()).sum::<f64>(),
        || 0.0,
        |a, b| a + b,
    );
    let p1 = kernels::probability_one(exec, v, qubit);
    let outcome = rng.next_f64() * norm < p1;
    let kept = if outcome { p1 } else { norm - p1 };
    kernels::collapse(exec, v, qubit, outcome, kept, reset);
    outcome
}
