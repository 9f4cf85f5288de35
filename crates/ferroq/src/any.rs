//! `AnyBackend`: runtime choice among the backends, each built from its own typed
//! options. Every variant always exists: without the `wgpu` (`mpi`) feature the GPU
//! (MPI) variant is a stub whose constructor says it was not compiled in.

use crate::gpu::{WgpuBackend, WgpuOptions, WgpuState};
use ferroq_core::{
    Backend, BatchOptions, Capabilities, Complex64, Error, Interrupt, Observable, Op, Output,
    ParamSets, Plan, Precision, Readout, Result, StatePrimitives, StateVector,
};
use ferroq_cpu::{CpuBackend, CpuOptions, CpuState};
use ferroq_mpi::{MpiBackend, MpiOptions, MpiState};
use std::fmt;

/// Which backend to use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum BackendKind {
    /// The Rayon multicore CPU backend.
    Cpu,
    /// The wgpu GPU backend (cargo feature `wgpu`).
    Wgpu,
    /// A hardware GPU when one is present, else the CPU.
    #[default]
    Auto,
    /// The state split over the ranks of `mpirun` (cargo feature `mpi`).
    Mpi,
}

impl std::str::FromStr for BackendKind {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s.to_ascii_lowercase().as_str() {
            "cpu" => Ok(BackendKind::Cpu),
            "wgpu" | "gpu" => Ok(BackendKind::Wgpu),
            "auto" => Ok(BackendKind::Auto),
            "mpi" => Ok(BackendKind::Mpi),
            _ => Err(Error::invalid(format!(
                "unknown backend `{s}`: expected \"cpu\", \"wgpu\", \"mpi\" or \"auto\""
            ))),
        }
    }
}

impl fmt::Display for BackendKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            BackendKind::Cpu => "cpu",
            BackendKind::Wgpu => "wgpu",
            BackendKind::Auto => "auto",
            BackendKind::Mpi => "mpi",
        })
    }
}

/// How to build a backend: the kind, with each backend's own typed options.
#[derive(Debug, Clone, PartialEq)]
pub enum BackendConfig {
    /// The CPU backend.
    Cpu(CpuOptions),
    /// The GPU backend.
    Wgpu(WgpuOptions),
    /// A hardware GPU with `wgpu` options when there is one, else the CPU with `cpu`.
    Auto {
        /// Options if the CPU is chosen.
        cpu: CpuOptions,
        /// Options if a GPU is chosen.
        wgpu: WgpuOptions,
    },
    /// The MPI backend.
    Mpi(MpiOptions),
}

impl Default for BackendConfig {
    fn default() -> Self {
        BackendConfig::of_kind(BackendKind::Auto)
    }
}

impl BackendConfig {
    /// Default options for `kind`.
    pub fn of_kind(kind: BackendKind) -> Self {
        match kind {
            BackendKind::Cpu => BackendConfig::Cpu(CpuOptions::default()),
            BackendKind::Wgpu => BackendConfig::Wgpu(WgpuOptions::default()),
            BackendKind::Auto => BackendConfig::Auto {
                cpu: CpuOptions::default(),
                wgpu: WgpuOptions::default(),
            },
            BackendKind::Mpi => BackendConfig::Mpi(MpiOptions::default()),
        }
    }
    /// The kind asked for.
    pub fn kind(&self) -> BackendKind {
        match self {
            BackendConfig::Cpu(_) => BackendKind::Cpu,
            BackendConfig::Wgpu(_) => BackendKind::Wgpu,
            BackendConfig::Auto { .. } => BackendKind::Auto,
            BackendConfig::Mpi(_) => BackendKind::Mpi,
        }
    }
    /// Sets the CPU worker threads (ignored by a GPU backend, which has none).
    pub fn with_threads(mut self, threads: Option<usize>) -> Self {
        match &mut self {
            BackendConfig::Cpu(c)
            | BackendConfig::Auto { cpu: c, .. }
            | BackendConfig::Mpi(MpiOptions { cpu: c, .. }) => c.threads = threads,
            BackendConfig::Wgpu(_) => {}
        }
        self
    }
    /// Sets the GPU adapter (ignored by the CPU backend).
    pub fn with_adapter(mut self, adapter: Option<String>) -> Self {
        match &mut self {
            BackendConfig::Wgpu(w) | BackendConfig::Auto { wgpu: w, .. } => w.adapter = adapter,
            BackendConfig::Cpu(_) | BackendConfig::Mpi(_) => {}
        }
        self
    }
    /// Sets the cap on the bytes of one state (of one rank's slice for MPI), whichever
    /// backend is built.
    pub fn with_memory_limit(mut self, limit: Option<u64>) -> Self {
        match &mut self {
            BackendConfig::Cpu(c) | BackendConfig::Mpi(MpiOptions { cpu: c, .. }) => {
                c.memory_limit = limit
            }
            BackendConfig::Wgpu(w) => w.memory_limit = limit,
            BackendConfig::Auto { cpu, wgpu } => {
                cpu.memory_limit = limit;
                wgpu.memory_limit = limit;
            }
        }
        self
    }
    /// Sets the precision of whichever backend is built.
    pub fn with_precision(mut self, precision: Precision) -> Self {
        match &mut self {
            BackendConfig::Cpu(c) | BackendConfig::Mpi(MpiOptions { cpu: c, .. }) => {
                c.precision = precision
            }
            BackendConfig::Wgpu(w) => w.precision = precision,
            BackendConfig::Auto { cpu, wgpu } => {
                cpu.precision = precision;
                wgpu.precision = precision;
            }
        }
        self
    }
}

/// One of the backends, chosen at run time.
#[derive(Debug)]
pub enum AnyBackend {
    /// CPU.
    Cpu(CpuBackend),
    /// GPU through wgpu (a stub without the `wgpu` feature).
    Wgpu(WgpuBackend),
    /// MPI ranks (a stub without the `mpi` feature).
    Mpi(MpiBackend),
}

/// A state of whichever backend made it.
pub enum AnyState {
    /// CPU state.
    Cpu(CpuState),
    /// GPU state (boxed: it is much larger than the CPU state's handle).
    Wgpu(Box<WgpuState>),
    /// One rank's part of a distributed state.
    Mpi(Box<MpiState>),
}

impl fmt::Debug for AnyState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AnyState::Cpu(s) => write!(f, "AnyState::Cpu({} qubits)", s.num_qubits()),
            AnyState::Wgpu(s) => write!(f, "AnyState::Wgpu({} qubits)", s.num_qubits()),
            AnyState::Mpi(s) => write!(f, "AnyState::Mpi({} qubits)", s.num_qubits()),
        }
    }
}

impl AnyBackend {
    /// Builds the backend described by `config`.
    pub fn new(config: &BackendConfig) -> Result<Self> {
        match config {
            BackendConfig::Cpu(o) => CpuBackend::new(o.clone()).map(AnyBackend::Cpu),
            BackendConfig::Wgpu(o) => WgpuBackend::new(o.clone()).map(AnyBackend::Wgpu),
            BackendConfig::Auto { cpu, wgpu } => match WgpuBackend::new(wgpu.clone()) {
                Ok(b) if b.capabilities().device.is_hardware_gpu() => Ok(AnyBackend::Wgpu(b)),
                _ => CpuBackend::new(cpu.clone()).map(AnyBackend::Cpu),
            },
            BackendConfig::Mpi(o) => MpiBackend::new(o.clone()).map(AnyBackend::Mpi),
        }
    }
}

/// Runs `$body` with `$b` bound to the concrete backend.
macro_rules! dispatch {
    ($self:expr, $b:ident => $body:expr) => {
        match $self {
            AnyBackend::Cpu($b) => $body,
            AnyBackend::Wgpu($b) => $body,
            AnyBackend::Mpi($b) => $body,
        }
    };
}
pub(crate) use dispatch;

macro_rules! on_state {
    ($self:expr, $s:ident => $body:expr) => {
        match $self {
            AnyState::Cpu($s) => $body,
            AnyState::Wgpu($s) => $body,
            AnyState::Mpi($s) => $body,
        }
    };
}

/// Both states' concrete types, which must come from the same backend.
macro_rules! on_pair {
    ($a:expr, $b:expr, $x:ident, $y:ident => $body:expr) => {
        match ($a, $b) {
            (AnyState::Cpu($x), AnyState::Cpu($y)) => $body,
            (AnyState::Wgpu($x), AnyState::Wgpu($y)) => $body,
            (AnyState::Mpi($x), AnyState::Mpi($y)) => $body,
            _ => Err(wrong_state()),
        }
    };
}

fn wrong_state() -> Error {
    Error::invalid("the states were allocated by different backends")
}

impl StatePrimitives for AnyState {
    fn num_qubits(&self) -> u32 {
        on_state!(self, s => s.num_qubits())
    }
    fn precision(&self) -> Precision {
        on_state!(self, s => s.precision())
    }
    fn apply(&mut self, ops: &[Op], interrupt: &Interrupt<'_>) -> Result<()> {
        on_state!(self, s => s.apply(ops, interrupt))
    }
    fn probability_one(&mut self, qubit: u32) -> Result<(f64, f64)> {
        on_state!(self, s => s.probability_one(qubit))
    }
    fn collapse(&mut self, qubit: u32, outcome: bool, kept: f64, reset: bool) -> Result<()> {
        on_state!(self, s => s.collapse(qubit, outcome, kept, reset))
    }
    fn finish(&mut self) -> Result<()> {
        on_state!(self, s => s.finish())
    }
    fn set_zero(&mut self) -> Result<()> {
        on_state!(self, s => s.set_zero())
    }
    fn set_amplitudes(&mut self, amps: &[Complex64]) -> Result<()> {
        on_state!(self, s => s.set_amplitudes(amps))
    }
    fn copy_from(&mut self, other: &Self) -> Result<()> {
        on_pair!(self, other, a, b => a.copy_from(b))
    }
    fn copy_apply(&mut self, source: &Self, ops: &[Op], interrupt: &Interrupt<'_>) -> Result<()> {
        on_pair!(self, source, a, b => a.copy_apply(b, ops, interrupt))
    }
    fn apply_both(
        &mut self,
        other: &mut Self,
        ops: &[Op],
        interrupt: &Interrupt<'_>,
    ) -> Result<()> {
        on_pair!(self, other, a, b => a.apply_both(b, ops, interrupt))
    }
    fn apply_observable(&self, observable: &Observable, out: &mut Self) -> Result<()> {
        on_pair!(self, out, a, b => a.apply_observable(observable, b))
    }
    fn inner_product(&self, other: &Self) -> Result<Complex64> {
        on_pair!(self, other, a, b => a.inner_product(b))
    }
    fn inner_product_op(&self, op: &Op, other: &Self, scratch: &mut Self) -> Result<Complex64> {
        // The backend's own (one pass where it can), not the default through `scratch`.
        match (self, other, scratch) {
            (AnyState::Cpu(a), AnyState::Cpu(b), AnyState::Cpu(s)) => a.inner_product_op(op, b, s),
            (AnyState::Wgpu(a), AnyState::Wgpu(b), AnyState::Wgpu(s)) => {
                a.inner_product_op(op, b, s)
            }
            (AnyState::Mpi(a), AnyState::Mpi(b), AnyState::Mpi(s)) => a.inner_product_op(op, b, s),
            _ => Err(wrong_state()),
        }
    }
    fn inner_products_op(
        &self,
        ops: &[Op],
        other: &Self,
        scratch: &mut Self,
    ) -> Result<Vec<Complex64>> {
        match (self, other, scratch) {
            (AnyState::Cpu(a), AnyState::Cpu(b), AnyState::Cpu(s)) => {
                a.inner_products_op(ops, b, s)
            }
            (AnyState::Wgpu(a), AnyState::Wgpu(b), AnyState::Wgpu(s)) => {
                a.inner_products_op(ops, b, s)
            }
            (AnyState::Mpi(a), AnyState::Mpi(b), AnyState::Mpi(s)) => {
                a.inner_products_op(ops, b, s)
            }
            _ => Err(wrong_state()),
        }
    }
    fn norm_sqr(&self) -> Result<f64> {
        on_state!(self, s => s.norm_sqr())
    }
    fn scale(&mut self, a: Complex64) -> Result<()> {
        on_state!(self, s => s.scale(a))
    }
    fn add_scaled(&mut self, a: Complex64, x: &Self) -> Result<()> {
        on_pair!(self, x, s, y => s.add_scaled(a, y))
    }
    fn state_vector(&self) -> Result<StateVector> {
        on_state!(self, s => s.state_vector())
    }
    fn into_state_vector(self) -> Result<StateVector> {
        on_state!(self, s => s.into_state_vector())
    }
    fn probabilities(&self) -> Result<Vec<f64>> {
        on_state!(self, s => s.probabilities())
    }
    fn marginal(&self, qubits: &[u32]) -> Result<Vec<f64>> {
        on_state!(self, s => s.marginal(qubits))
    }
    fn expectations(&self, observables: &[Observable]) -> Result<Vec<f64>> {
        on_state!(self, s => s.expectations(observables))
    }
    fn locate_sorted(&self, uniforms: &[f64]) -> Result<Vec<u64>> {
        on_state!(self, s => s.locate_sorted(uniforms))
    }
    fn reduced_density_matrix(&self, qubits: &[u32]) -> Result<Vec<Complex64>> {
        on_state!(self, s => s.reduced_density_matrix(qubits))
    }
}

/// Batches are dispatched to the concrete backend, so each keeps its own schedule
/// (`for_each_item` here is the serial default; the [`Simulator`](crate::Simulator)
/// dispatches its batch algorithms to the concrete backend too).
impl Backend for AnyBackend {
    type State = AnyState;

    fn name(&self) -> &'static str {
        dispatch!(self, b => b.name())
    }
    fn precision(&self) -> Precision {
        dispatch!(self, b => b.precision())
    }
    fn capabilities(&self) -> Capabilities {
        dispatch!(self, b => b.capabilities())
    }
    fn new_state(&self, num_qubits: u32) -> Result<AnyState> {
        match self {
            AnyBackend::Cpu(b) => b.new_state(num_qubits).map(AnyState::Cpu),
            AnyBackend::Wgpu(b) => b.new_state(num_qubits).map(|s| AnyState::Wgpu(Box::new(s))),
            AnyBackend::Mpi(b) => b.new_state(num_qubits).map(|s| AnyState::Mpi(Box::new(s))),
        }
    }
    /// 1: this type's `for_each_item` is the serial default (the facade dispatches
    /// item algorithms to the concrete backend, whose own count applies).
    fn concurrent_items(&self, _num_qubits: u32) -> usize {
        1
    }
    fn run_batch(
        &self,
        plan: &Plan,
        sets: &ParamSets,
        request: &Readout,
        options: &BatchOptions<'_>,
    ) -> Result<Vec<Output>> {
        dispatch!(self, b => b.run_batch(plan, sets, request, options))
    }
}
