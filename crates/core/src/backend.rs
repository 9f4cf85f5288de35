//! The `Backend` trait and what a backend can run ([`Capabilities`]); the state
//! primitives each backend implements are [`StatePrimitives`].
//!
//! # Contracts
//!
//! - **Who validates.** [`compile`] validates circuits;
//!   [`Backend::compile`] also checks the plan against the backend's
//!   [`Capabilities`] and fails with [`Error::Unsupported`] before anything runs.
//!   Primitives may assume their arguments are in range (qubits below the state's
//!   count, ops the capabilities allow) but must still return an error, never panic,
//!   on misuse.
//! - **Algorithms are written once.** The execution loop (measure, reset, classical
//!   conditions, the random draws), sampling and batches live in
//!   [`machine`](crate::machine) and in this trait's provided methods, over the
//!   primitives; a backend supplies primitives and kernels, never an algorithm.
//! - **Reads are pure.** Readout primitives take `&self` and do not change the state.
//! - **Seeds.** Every random draw comes from [`Rng`](crate::Rng) in core, seeded by the
//!   caller: the same seed gives the same measurement outcomes and the same shots on
//!   every backend.
//! - **Completion.** [`StatePrimitives::apply`] may queue work (a GPU records it);
//!   every primitive that returns data, and [`StatePrimitives::finish`], returns only
//!   once the device is done, so timings are honest and device errors belong to the
//!   call that caused them.
//! - **Memory.** [`Backend::new_state`] checks the memory it needs before allocating
//!   ([`Error::OutOfMemory`]); so does anything that allocates a state-sized buffer.

use crate::circuit::Circuit;
use crate::error::{Error, Result};
use crate::interrupt::Interrupt;
use crate::machine::{read, Machine};
use crate::options::CompileOptions;
use crate::param_sets::ParamSets;
use crate::plan::{compile, BoundProgram, Plan};
use crate::precision::Precision;
use crate::primitives::StatePrimitives;
use crate::readout::{check_readout, Output, Readout};
use crate::rng::derive_seed;
use std::fmt;

/// What kind of device a backend computes on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DeviceKind {
    /// The host CPU.
    Cpu,
    /// A discrete GPU.
    DiscreteGpu,
    /// A GPU integrated with the CPU.
    IntegratedGpu,
    /// A GPU emulated in software on the CPU (Mesa lavapipe, WARP).
    SoftwareGpu,
    /// A virtual or otherwise unknown device.
    Other,
}

impl DeviceKind {
    /// `true` for real GPU hardware (discrete or integrated).
    pub fn is_hardware_gpu(self) -> bool {
        matches!(self, DeviceKind::DiscreteGpu | DeviceKind::IntegratedGpu)
    }
}

impl fmt::Display for DeviceKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            DeviceKind::Cpu => "cpu",
            DeviceKind::DiscreteGpu => "discrete gpu",
            DeviceKind::IntegratedGpu => "integrated gpu",
            DeviceKind::SoftwareGpu => "software gpu",
            DeviceKind::Other => "other",
        })
    }
}

/// What a backend can run, known before running.
#[derive(Debug, Clone, PartialEq)]
pub struct Capabilities {
    /// Backend name (`"cpu"`, `"wgpu"`).
    pub name: &'static str,
    /// The device kind.
    pub device: DeviceKind,
    /// The device's own name (CPU model, GPU adapter).
    pub device_name: String,
    /// Precision of the states it allocates.
    pub precision: Precision,
    /// Precisions this device offers.
    pub precisions: Vec<Precision>,
    /// Largest qubit count a state may have (memory and device limits).
    pub max_qubits: u32,
    /// Widest dense op (target qubits) it runs; wider ones are [`Error::Unsupported`].
    pub max_dense_qubits: u32,
    /// Bytes a state may take (the configured limit or the memory available).
    pub state_memory_bytes: u64,
    /// The compile options (fusion widths) it runs fastest with.
    pub compile_options: CompileOptions,
}

impl Capabilities {
    /// Checks that `plan` runs within these capabilities.
    pub fn check(&self, plan: &Plan) -> Result<()> {
        let unsupported = |reason: String| Error::Unsupported {
            backend: self.name.to_string(),
            reason,
        };
        if plan.options().max_fused_qubits > self.max_dense_qubits {
            return Err(unsupported(format!(
                "fused blocks of {} qubits are wider than its widest dense op ({} qubits); \
                 lower max_fused_qubits",
                plan.options().max_fused_qubits,
                self.max_dense_qubits
            )));
        }
        if plan.widest_dense_op() > self.max_dense_qubits {
            return Err(unsupported(format!(
                "a {}-qubit dense gate is wider than its widest dense op ({} qubits)",
                plan.widest_dense_op(),
                self.max_dense_qubits
            )));
        }
        // The qubit count is checked where the state is allocated, which knows the
        // bytes needed and the limit that applies (`OutOfMemory`).
        Ok(())
    }
}

/// Options of [`Backend::run_batch`].
#[derive(Debug, Clone, Copy, Default)]
pub struct BatchOptions<'a> {
    /// Base seed; item `i` runs with [`derive_seed`]`(seed, i)`.
    pub seed: u64,
    /// Polled between items (and between ops of large items).
    pub interrupt: Interrupt<'a>,
}

/// A simulator backend: it makes states and schedules work on them; everything else is
/// written once in core over [`StatePrimitives`]. See the [module docs](self) for the
/// contracts.
pub trait Backend: Send + Sync {
    /// The backend's state.
    type State: StatePrimitives;

    /// Short name, such as `"cpu"`.
    fn name(&self) -> &'static str;
    /// Precision of the states it allocates.
    fn precision(&self) -> Precision;
    /// What it can run.
    fn capabilities(&self) -> Capabilities;
    /// A new state `|0…0>` on `num_qubits` qubits. Fails with [`Error::OutOfMemory`] or
    /// [`Error::TooManyQubits`] before allocating.
    fn new_state(&self, num_qubits: u32) -> Result<Self::State>;

    /// Runs `job(i, state)` for every `i` in `0..count` and returns the results in
    /// order. Each job gets a state of `num_qubits` qubits at `|0…0>`. The backend picks
    /// the schedule (the default: one state, items in turn; the CPU runs small items in
    /// parallel). `interrupt` is polled between items.
    fn for_each_item<T: Send>(
        &self,
        num_qubits: u32,
        count: usize,
        interrupt: &Interrupt<'_>,
        job: &(dyn Fn(usize, &mut Self::State) -> Result<T> + Sync),
    ) -> Result<Vec<T>> {
        items_in_turn(count, interrupt, || self.new_state(num_qubits), job)
    }

    /// How many items [`Backend::for_each_item`] runs at once on states of
    /// `num_qubits` qubits (1, the default, when it runs them in turn). Algorithms that
    /// split work into items use it to choose how many: fewer items share more work.
    fn concurrent_items(&self, num_qubits: u32) -> usize {
        let _ = num_qubits;
        1
    }

    /// Largest qubit count it can hold.
    fn max_qubits(&self) -> u32 {
        self.capabilities().max_qubits
    }
    /// The compile options it runs fastest with.
    fn compile_options(&self) -> CompileOptions {
        self.capabilities().compile_options
    }
    /// Compiles `circuit` (with `options`, else the backend's preferred ones) and checks
    /// the plan against the capabilities: [`Error::Unsupported`] before running.
    fn compile(&self, circuit: &Circuit, options: Option<&CompileOptions>) -> Result<Plan> {
        let caps = self.capabilities();
        let plan = compile(circuit, options.unwrap_or(&caps.compile_options))?;
        caps.check(&plan)?;
        Ok(plan)
    }
    /// A machine (state plus classical bits and generator) at `|0…0>`; `seed` seeds its
    /// mid-circuit measurements.
    fn alloc(&self, num_qubits: u32, seed: u64) -> Result<Machine<Self::State>> {
        Ok(Machine::new(self.new_state(num_qubits)?, seed))
    }
    /// Runs a bound program on a machine.
    fn run(&self, machine: &mut Machine<Self::State>, program: &BoundProgram) -> Result<()> {
        machine.run(program, &Interrupt::none())
    }
    /// Reads a result out of a machine (which is not changed).
    fn read(&self, machine: &Machine<Self::State>, request: &Readout) -> Result<Output> {
        machine.read(request)
    }

    /// Runs `plan` from `|0…0>` once per row of `sets` and reads `request` from each
    /// final state. Item `i` draws its measurements from [`derive_seed`]`(seed, i)`, so
    /// results do not depend on the schedule; for a noisy plan each item is one
    /// trajectory seeded the same way.
    fn run_batch(
        &self,
        plan: &Plan,
        sets: &ParamSets,
        request: &Readout,
        options: &BatchOptions<'_>,
    ) -> Result<Vec<Output>> {
        check_readout(request, plan.num_qubits())?;
        self.capabilities().check(plan)?;
        let rows = sets.len();
        let binder = plan.binder(sets)?;
        let interrupt = options.interrupt;
        let seed = options.seed;
        self.for_each_item(
            plan.num_qubits(),
            rows,
            &interrupt,
            &|i, state: &mut Self::State| {
                let item_seed = derive_seed(seed, i as u64);
                let program = crate::trajectory::bind_row(&binder, plan, i, item_seed)?;
                let mut classical = crate::machine::Classical::new(item_seed);
                crate::machine::execute(state, &mut classical, &program, &interrupt)?;
                read(state, &classical, request)
            },
        )
    }
}

/// The state in `slot` reset to `|0…0>`, or a new one from `make` when the slot is
/// empty: how item schedules reuse one state across items.
pub fn reuse_or_make<S: StatePrimitives>(
    slot: &mut Option<S>,
    make: impl FnOnce() -> Result<S>,
) -> Result<&mut S> {
    match slot {
        Some(st) => {
            st.set_zero()?;
            Ok(st)
        }
        None => Ok(slot.insert(make()?)),
    }
}

/// The default item schedule: items in turn on one state (made by `make`, reset between
/// items), polling `interrupt` before each item.
pub fn items_in_turn<S: StatePrimitives, T>(
    count: usize,
    interrupt: &Interrupt<'_>,
    make: impl Fn() -> Result<S>,
    job: &(dyn Fn(usize, &mut S) -> Result<T> + Sync),
) -> Result<Vec<T>> {
    let mut out = Vec::with_capacity(count);
    let mut state = None;
    for i in 0..count {
        interrupt.check()?;
        out.push(job(i, reuse_or_make(&mut state, &make)?)?);
    }
    Ok(out)
}

/// Implements [`Backend`] and [`StatePrimitives`](crate::StatePrimitives) for the stand-in
/// of a backend that was not compiled in (a cargo feature off): `$backend` and `$state`
/// are tuple structs around an uninhabited type, so no value exists and every method is
/// `match self.0 {}`. Their constructor (written by the caller) returns
/// [`Error::BackendUnavailable`](crate::Error::BackendUnavailable), so code elsewhere
/// needs no `#[cfg]`.
#[macro_export]
macro_rules! absent_backend {
    ($backend:ty, $state:ty) => {
        impl $crate::Backend for $backend {
            type State = $state;
            fn name(&self) -> &'static str {
                match self.0 {}
            }
            fn precision(&self) -> $crate::Precision {
                match self.0 {}
            }
            fn capabilities(&self) -> $crate::Capabilities {
                match self.0 {}
            }
            fn new_state(&self, _: u32) -> $crate::Result<$state> {
                match self.0 {}
            }
        }

        impl $crate::StatePrimitives for $state {
            fn num_qubits(&self) -> u32 {
                match self.0 {}
            }
            fn precision(&self) -> $crate::Precision {
                match self.0 {}
            }
            fn apply(&mut self, _: &[$crate::Op], _: &$crate::Interrupt<'_>) -> $crate::Result<()> {
                match self.0 {}
            }
            fn probability_one(&mut self, _: u32) -> $crate::Result<(f64, f64)> {
                match self.0 {}
            }
            fn collapse(&mut self, _: u32, _: bool, _: f64, _: bool) -> $crate::Result<()> {
                match self.0 {}
            }
            fn set_zero(&mut self) -> $crate::Result<()> {
                match self.0 {}
            }
            fn set_amplitudes(&mut self, _: &[$crate::Complex64]) -> $crate::Result<()> {
                match self.0 {}
            }
            fn copy_from(&mut self, _: &Self) -> $crate::Result<()> {
                match self.0 {}
            }
            fn apply_observable(&self, _: &$crate::Observable, _: &mut Self) -> $crate::Result<()> {
                match self.0 {}
            }
            fn inner_product(&self, _: &Self) -> $crate::Result<$crate::Complex64> {
                match self.0 {}
            }
            fn norm_sqr(&self) -> $crate::Result<f64> {
                match self.0 {}
            }
            fn scale(&mut self, _: $crate::Complex64) -> $crate::Result<()> {
                match self.0 {}
            }
            fn add_scaled(&mut self, _: $crate::Complex64, _: &Self) -> $crate::Result<()> {
                match self.0 {}
            }
            fn state_vector(&self) -> $crate::Result<$crate::StateVector> {
                match self.0 {}
            }
            fn probabilities(&self) -> $crate::Result<Vec<f64>> {
                match self.0 {}
            }
            fn marginal(&self, _: &[u32]) -> $crate::Result<Vec<f64>> {
                match self.0 {}
            }
            fn expectations(&self, _: &[$crate::Observable]) -> $crate::Result<Vec<f64>> {
                match self.0 {}
            }
            fn locate_sorted(&self, _: &[f64]) -> $crate::Result<Vec<u64>> {
                match self.0 {}
            }
        }
    };
}
