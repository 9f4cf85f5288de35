//! The execution loop, written once for every backend: a [`Machine`] is a backend
//! state plus the classical side of a run (classical bits and the seeded generator of
//! measurement outcomes). Measurement, reset, classical conditions, the random draws and
//! shot sampling happen here, over [`StatePrimitives`].
//!
//! # Sampling specification
//!
//! `shots` draws with seed `s`: `u = Rng::new(s).sorted_uniforms(shots)`; each `u_k`
//! maps to the first basis index whose running probability sum exceeds `u_k · total`
//! ([`StatePrimitives::locate_sorted`]); the indices are then shuffled by Fisher–Yates
//! with the same generator (`j = next_u64() % (i + 1)` for `i` from the end), so shot
//! order carries no pattern. Every backend gives the same shots for the same seed, up
//! to floating-point ties.
//!
//! A measurement draws `r = next_f64()` from the machine's generator and takes outcome
//! 1 when `r · norm < p1`, with `(p1, norm)` from
//! [`StatePrimitives::probability_one`].

use crate::error::{Error, Result};
use crate::interrupt::Interrupt;
use crate::memory::check_host_bytes;
use crate::op::Op;
use crate::plan::BoundProgram;
use crate::primitives::StatePrimitives;
use crate::readout::{check_readout, Output, OutputData, Readout};
use crate::rng::Rng;
use crate::trajectory::apply_channel;

/// The classical side of a run: classical bits and the measurement generator.
#[derive(Debug, Clone)]
pub struct Classical {
    clbits: Vec<bool>,
    rng: Rng,
}

impl Classical {
    /// No bits yet, a generator seeded with `seed`.
    pub fn new(seed: u64) -> Self {
        Classical {
            clbits: Vec::new(),
            rng: Rng::new(seed),
        }
    }
    /// The classical bits written so far.
    pub fn clbits(&self) -> &[bool] {
        &self.clbits
    }
}

/// A backend state together with its classical bits and measurement generator.
#[derive(Debug)]
pub struct Machine<S> {
    state: S,
    classical: Classical,
}

impl<S: StatePrimitives> Machine<S> {
    /// Wraps `state`; `seed` seeds its mid-circuit measurements.
    pub fn new(state: S, seed: u64) -> Self {
        Machine {
            state,
            classical: Classical::new(seed),
        }
    }
    /// A machine from a state and the classical side of a run on it.
    pub fn from_parts(state: S, classical: Classical) -> Self {
        Machine { state, classical }
    }
    /// The quantum state.
    pub fn state(&self) -> &S {
        &self.state
    }
    /// The quantum state, mutably (for state preparation and algorithms).
    pub fn state_mut(&mut self) -> &mut S {
        &mut self.state
    }
    /// The state, dropping the classical side.
    pub fn into_state(self) -> S {
        self.state
    }
    /// Qubit count.
    pub fn num_qubits(&self) -> u32 {
        self.state.num_qubits()
    }
    /// Classical bits written by measurements so far.
    pub fn clbits(&self) -> &[bool] {
        &self.classical.clbits
    }
    /// Back to `|0…0>` with no classical bits and a generator seeded with `seed`.
    pub fn reset(&mut self, seed: u64) -> Result<()> {
        self.classical = Classical::new(seed);
        self.state.set_zero()
    }
    /// Runs a bound program; `interrupt` is polled between ops.
    pub fn run(&mut self, program: &BoundProgram, interrupt: &Interrupt<'_>) -> Result<()> {
        execute(&mut self.state, &mut self.classical, program, interrupt)
    }
    /// Reads `request` (the machine is not changed).
    pub fn read(&self, request: &Readout) -> Result<Output> {
        read(&self.state, &self.classical, request)
    }
}

/// Runs `program` on `state`: runs of unitary ops go to [`StatePrimitives::apply`];
/// measurements, resets and conditions are handled here. Returns when the device is done.
pub fn execute<S: StatePrimitives>(
    state: &mut S,
    classical: &mut Classical,
    program: &BoundProgram,
    interrupt: &Interrupt<'_>,
) -> Result<()> {
    if program.num_qubits() != state.num_qubits() {
        return Err(Error::invalid(format!(
            "program is for {} qubits but the state has {}",
            program.num_qubits(),
            state.num_qubits()
        )));
    }
    if classical.clbits.len() < program.num_clbits() as usize {
        classical
            .clbits
            .resize(program.num_clbits() as usize, false);
    }
    run_ops(state, classical, program.ops(), interrupt)?;
    state.finish()
}

fn run_ops<S: StatePrimitives>(
    state: &mut S,
    classical: &mut Classical,
    ops: &[Op],
    interrupt: &Interrupt<'_>,
) -> Result<()> {
    let mut i = 0;
    while i < ops.len() {
        interrupt.check()?;
        let unitary = ops[i..]
            .iter()
            .position(Op::is_non_unitary)
            .unwrap_or(ops.len() - i);
        if unitary > 0 {
            state.apply(&ops[i..i + unitary], interrupt)?;
            i += unitary;
            continue;
        }
        match &ops[i] {
            Op::Measure { qubit, clbit } => {
                let bit = measure(state, &mut classical.rng, *qubit, false)?;
                let slot = classical
                    .clbits
                    .get_mut(*clbit as usize)
                    .ok_or_else(|| Error::invalid(format!("classical bit {clbit} out of range")))?;
                *slot = bit;
            }
            Op::Reset { qubit } => {
                measure(state, &mut classical.rng, *qubit, true)?;
            }
            Op::Conditional { condition, ops } => {
                let mut value = 0u64;
                for (j, &b) in condition.clbits.iter().enumerate() {
                    let bit = classical.clbits.get(b as usize).copied().unwrap_or(false);
                    value |= u64::from(bit) << j;
                }
                if value == condition.value {
                    run_ops(state, classical, ops, interrupt)?;
                }
            }
            Op::Channel { qubits, channel } => {
                apply_channel(state, &mut classical.rng, qubits, channel, interrupt)?;
            }
            Op::ReadoutError { clbit, error } => {
                let u = classical.rng.next_f64();
                let slot = classical
                    .clbits
                    .get_mut(*clbit as usize)
                    .ok_or_else(|| Error::invalid(format!("classical bit {clbit} out of range")))?;
                *slot = error.apply(*slot, u);
            }
            Op::Dense { .. } | Op::Diagonal { .. } => unreachable!("unitary runs go above"),
        }
        i += 1;
    }
    Ok(())
}

/// Measures `qubit` (see the module docs for the draw), collapses, and for a reset
/// moves the kept branch to `|0>`.
fn measure<S: StatePrimitives>(
    state: &mut S,
    rng: &mut Rng,
    qubit: u32,
    reset: bool,
) -> Result<bool> {
    let (p1, norm) = state.probability_one(qubit)?;
    let outcome = rng.next_f64() * norm < p1;
    let kept = if outcome { p1 } else { norm - p1 };
    state.collapse(qubit, outcome, kept, reset)?;
    Ok(outcome)
}

/// Reads `request` from a state and its classical side.
pub fn read<S: StatePrimitives>(
    state: &S,
    classical: &Classical,
    request: &Readout,
) -> Result<Output> {
    check_readout(request, state.num_qubits())?;
    let data = match request {
        Readout::StateVector => OutputData::StateVector(state.state_vector()?),
        Readout::Probabilities => OutputData::Probabilities(state.probabilities()?),
        Readout::Marginal(qs) => OutputData::Probabilities(state.marginal(qs)?),
        Readout::Samples { shots, seed } => OutputData::Samples(sample(state, *shots, *seed)?),
        Readout::Expectation(obs) => OutputData::Expectations(state.expectations(obs)?),
        Readout::ClassicalBits => OutputData::ClassicalBits(classical.clbits.clone()),
    };
    Ok(Output {
        precision: state.precision(),
        data,
    })
}

/// Bytes of host memory one shot takes while sampling (a uniform and an index).
pub const SAMPLE_BYTES_PER_SHOT: u128 = 16;

/// `shots` basis indices drawn from `state` (see the module docs). The buffers are
/// checked against the memory available before they are allocated.
pub fn sample<S: StatePrimitives>(state: &S, shots: usize, seed: u64) -> Result<Vec<u64>> {
    check_host_bytes(
        shots as u128 * SAMPLE_BYTES_PER_SHOT,
        &format!("sampling {shots} shots"),
        None,
    )?;
    let mut rng = Rng::new(seed);
    // Fallible reservation: a refusal is an error, never an abort (the check above uses
    // the memory the machine reports, which a process limit may undercut).
    let mut u: Vec<f64> = Vec::new();
    u.try_reserve_exact(shots).map_err(|_| refused(shots))?;
    u.extend((0..shots).map(|_| rng.next_f64()));
    u.sort_by(f64::total_cmp);
    let mut out = state.locate_sorted(&u)?;
    drop(u);
    if out.len() != shots {
        return Err(Error::Device {
            reason: format!("sampling returned {} of {shots} shots", out.len()),
        });
    }
    for i in (1..out.len()).rev() {
        let j = (rng.next_u64() % (i as u64 + 1)) as usize;
        out.swap(i, j);
    }
    Ok(out)
}

fn refused(shots: usize) -> Error {
    Error::BufferTooLarge {
        what: format!("sampling {shots} shots"),
        needed_bytes: shots as u128 * SAMPLE_BYTES_PER_SHOT,
        available_bytes: 0,
        limit: "the allocator refused the request".into(),
    }
}

/// A vector of `len` entries' capacity, or [`Error::BufferTooLarge`] naming `what`
/// (never an abort).
pub fn try_buffer<T>(len: usize, what: &str) -> Result<Vec<T>> {
    let mut v = Vec::new();
    v.try_reserve_exact(len)
        .map_err(|_| Error::BufferTooLarge {
            what: what.to_string(),
            needed_bytes: len as u128 * std::mem::size_of::<T>() as u128,
            available_bytes: 0,
            limit: "the allocator refused the request".into(),
        })?;
    Ok(v)
}
