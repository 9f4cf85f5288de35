//! `AnyBackend`: runtime choice among the compiled-in backends.

use ferroq_core::{
    Backend, BatchOptions, CompileOptions, Error, Output, ParamBinding, Precision, Program,
    Readout, Result,
};
use ferroq_cpu::{CpuBackend, CpuOptions, CpuState};
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
}

impl std::str::FromStr for BackendKind {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s.to_ascii_lowercase().as_str() {
            "cpu" => Ok(BackendKind::Cpu),
            "wgpu" | "gpu" => Ok(BackendKind::Wgpu),
            "auto" => Ok(BackendKind::Auto),
            _ => Err(Error::invalid(format!(
                "unknown backend `{s}`: expected \"cpu\", \"wgpu\" or \"auto\""
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
        })
    }
}

/// How to build a backend.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BackendConfig {
    /// Which backend.
    pub kind: BackendKind,
    /// Precision (default: double on the CPU, single on the GPU).
    pub precision: Option<Precision>,
    /// CPU worker threads (default: all cores).
    pub threads: Option<usize>,
    /// Cap on the bytes of one state (CPU).
    pub memory_limit: Option<u64>,
    /// GPU adapter by name substring or index (GPU).
    pub adapter: Option<String>,
}

/// One of the compiled-in backends, chosen at run time.
#[derive(Debug)]
#[non_exhaustive]
pub enum AnyBackend {
    /// CPU.
    Cpu(CpuBackend),
    /// GPU through wgpu.
    #[cfg(feature = "wgpu")]
    Wgpu(ferroq_wgpu::WgpuBackend),
}

/// A state of whichever backend made it.
#[non_exhaustive]
pub enum AnyState {
    /// CPU state.
    Cpu(CpuState),
    /// GPU state (boxed: it is much larger than the CPU state's handle).
    #[cfg(feature = "wgpu")]
    Wgpu(Box<<ferroq_wgpu::WgpuBackend as Backend>::State>),
}

impl fmt::Debug for AnyState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AnyState::Cpu(s) => write!(f, "AnyState::Cpu({} qubits)", s.num_qubits()),
            #[cfg(feature = "wgpu")]
            AnyState::Wgpu(_) => write!(f, "AnyState::Wgpu"),
        }
    }
}

impl AnyBackend {
    /// Builds the backend described by `config`.
    pub fn new(config: &BackendConfig) -> Result<Self> {
        let cpu = || {
            CpuBackend::new(CpuOptions {
                precision: config.precision.unwrap_or(Precision::Double),
                threads: config.threads,
                memory_limit: config.memory_limit,
                ..CpuOptions::default()
            })
            .map(AnyBackend::Cpu)
        };
        match config.kind {
            BackendKind::Cpu => cpu(),
            BackendKind::Wgpu => Self::wgpu(config, false),
            BackendKind::Auto => Self::wgpu(config, true).or_else(|_| cpu()),
        }
    }

    #[cfg(feature = "wgpu")]
    fn wgpu(config: &BackendConfig, hardware_only: bool) -> Result<Self> {
        let backend = ferroq_wgpu::WgpuBackend::new(ferroq_wgpu::WgpuOptions {
            precision: config.precision.unwrap_or(Precision::Single),
            adapter: config.adapter.clone(),
            ..Default::default()
        })?;
        if hardware_only
            && backend
                .adapter_info()
                .device_type
                .to_ascii_lowercase()
                .contains("cpu")
        {
            return Err(Error::BackendUnavailable {
                reason: "only a software (CPU) GPU adapter is present".into(),
            });
        }
        Ok(AnyBackend::Wgpu(backend))
    }

    #[cfg(not(feature = "wgpu"))]
    fn wgpu(_config: &BackendConfig, _hardware_only: bool) -> Result<Self> {
        Err(Error::BackendUnavailable {
            reason: "ferroq was built without the `wgpu` feature".into(),
        })
    }
}

macro_rules! dispatch {
    ($self:expr, $b:ident => $body:expr) => {
        match $self {
            AnyBackend::Cpu($b) => $body,
            #[cfg(feature = "wgpu")]
            AnyBackend::Wgpu($b) => $body,
        }
    };
}

fn wrong_state() -> Error {
    Error::invalid("the state was allocated by a different backend")
}

impl Backend for AnyBackend {
    type State = AnyState;

    fn name(&self) -> &str {
        dispatch!(self, b => b.name())
    }
    fn precision(&self) -> Precision {
        dispatch!(self, b => b.precision())
    }
    fn max_qubits(&self) -> u32 {
        dispatch!(self, b => b.max_qubits())
    }
    fn compile_options(&self) -> CompileOptions {
        dispatch!(self, b => b.compile_options())
    }
    fn alloc(&self, num_qubits: u32, seed: u64) -> Result<AnyState> {
        match self {
            AnyBackend::Cpu(b) => b.alloc(num_qubits, seed).map(AnyState::Cpu),
            #[cfg(feature = "wgpu")]
            AnyBackend::Wgpu(b) => b
                .alloc(num_qubits, seed)
                .map(|s| AnyState::Wgpu(Box::new(s))),
        }
    }
    fn run(&self, state: &mut AnyState, program: &Program) -> Result<()> {
        match (self, state) {
            (AnyBackend::Cpu(b), AnyState::Cpu(s)) => b.run(s, program),
            #[cfg(feature = "wgpu")]
            (AnyBackend::Wgpu(b), AnyState::Wgpu(s)) => b.run(s, program),
            #[allow(unreachable_patterns)]
            _ => Err(wrong_state()),
        }
    }
    fn read(&self, state: &AnyState, request: &Readout) -> Result<Output> {
        match (self, state) {
            (AnyBackend::Cpu(b), AnyState::Cpu(s)) => b.read(s, request),
            #[cfg(feature = "wgpu")]
            (AnyBackend::Wgpu(b), AnyState::Wgpu(s)) => b.read(s, request),
            #[allow(unreachable_patterns)]
            _ => Err(wrong_state()),
        }
    }
    fn run_batch(
        &self,
        program: &Program,
        bindings: &[ParamBinding],
        request: &Readout,
        options: &BatchOptions<'_>,
    ) -> Result<Vec<Output>> {
        dispatch!(self, b => b.run_batch(program, bindings, request, options))
    }
}
