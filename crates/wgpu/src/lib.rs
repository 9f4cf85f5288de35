//! # ferroq-wgpu
//!
//! The GPU backend of ferroq: [`WgpuBackend`] implements [`ferroq_core::Backend`] with
//! WGSL compute shaders through wgpu, so every circuit that runs on the CPU backend runs
//! unchanged on any GPU that wgpu reaches (Vulkan, Metal, DX12, GL with compute; Mesa
//! lavapipe in CI) and gives the same answers.
//!
//! - **complex64** by default, **complex128** where the adapter has `SHADER_F64`.
//! - **One submit per program**: a [`BoundProgram`](ferroq_core::BoundProgram) is
//!   recorded into one command encoder, with every gate matrix and dispatch header
//!   uploaded in one buffer each. Only mid-circuit measurements split the stream: the
//!   measured qubit's probability is reduced on the GPU, one pair of numbers comes back,
//!   the host draws the outcome with the state's seeded generator and recording goes on.
//! - **Paged states**: the amplitudes are split over pages of `2^p` amplitudes, each its
//!   own storage binding, so the qubit limit is device memory, not the binding size. A
//!   dispatch binds up to four pages as one virtual state; gates on page qubits become
//!   gates on that virtual state ([`WgpuOptions::page_qubits`] forces tiny pages for tests).
//! - **Readouts on the GPU**: probabilities, marginals, Pauli expectation values and
//!   samples are reduced on the device; only what was asked for is copied back.
//!
//! Errors, never panics: no adapter is
//! [`Error::BackendUnavailable`](ferroq_core::Error::BackendUnavailable), a lost device
//! or a wgpu validation or allocation failure is
//! [`Error::Device`](ferroq_core::Error::Device) (wgpu's panicking default error
//! handler is replaced by one that records).
//!
//! ```no_run
//! use ferroq_core::{compile, Backend, Circuit, CompileOptions, Readout};
//! use ferroq_wgpu::{WgpuBackend, WgpuOptions};
//!
//! let backend = WgpuBackend::new(WgpuOptions::default())?;
//! let mut c = Circuit::new(2);
//! c.h(0).cx(0, 1);
//! let program = compile(&c, &CompileOptions::default())?.bind(&[])?;
//! let mut machine = backend.alloc(2, 0)?;
//! backend.run(&mut machine, &program)?;
//! let p = backend.read(&machine, &Readout::Probabilities)?.into_probabilities()?;
//! assert!((p[0] - 0.5).abs() < 1e-5);
//! # Ok::<(), ferroq_core::Error>(())
//! ```

mod context;
mod convert;
mod encode;
mod layout;
mod pipelines;
mod pool;
mod readout;
pub mod shaders;
mod state;
mod submit;

pub use context::{adapters, AdapterSummary};
pub use state::WgpuState;

use context::Ctx;
use ferroq_core::{Backend, Capabilities, CompileOptions, DeviceKind, Precision, Result};
use std::sync::Arc;

/// Environment variable that forces the adapter (a name substring or an index into
/// [`adapters`]); it overrides [`WgpuOptions::adapter`].
pub const ADAPTER_ENV: &str = "FERROQ_WGPU_ADAPTER";

/// Configuration of a [`WgpuBackend`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WgpuOptions {
    /// Amplitude precision (default complex64; complex128 needs `SHADER_F64`).
    pub precision: Precision,
    /// Adapter to use: a case-insensitive name substring, or an index into
    /// [`adapters`]. `None` picks the high-performance adapter. The environment variable
    /// [`ADAPTER_ENV`] overrides it.
    pub adapter: Option<String>,
    /// Forces pages of `2^p` amplitudes (at least 2^4), for tests of paging on small
    /// states. `None` uses the largest page one storage binding holds. A state keeps at
    /// most 2^10 pages: a bigger one uses bigger pages.
    pub page_qubits: Option<u32>,
    /// Cap on the bytes one state may take (default: the device's memory; for CPU
    /// adapters also the host memory available).
    pub memory_limit: Option<u64>,
}

// `Precision`'s own default is Double (the CPU's); the GPU defaults to Single.
impl Default for WgpuOptions {
    fn default() -> Self {
        WgpuOptions {
            precision: Precision::Single,
            adapter: None,
            page_qubits: None,
            memory_limit: None,
        }
    }
}

impl WgpuOptions {
    /// Default options with the given precision.
    pub fn with_precision(precision: Precision) -> Self {
        WgpuOptions {
            precision,
            ..Self::default()
        }
    }
}

/// Counters of what a backend has asked of the device.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct WgpuStats {
    /// Command-buffer submissions (a program without measurements is one).
    pub submits: u64,
    /// Buffers created (pages and scratch; reused across runs of the same size).
    pub buffers_created: u64,
}

/// The wgpu compute-shader backend. Cheap to share: it holds one device and queue, the
/// cached pipelines, and the options. `Send + Sync`.
#[derive(Clone)]
pub struct WgpuBackend {
    ctx: Arc<Ctx>,
}

impl std::fmt::Debug for WgpuBackend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WgpuBackend")
            .field("adapter", &self.ctx.info.name)
            .field("precision", &self.ctx.precision)
            .field("page_qubits", &self.ctx.page_qubits)
            .finish()
    }
}

impl WgpuBackend {
    /// Opens the adapter chosen by `options` (or [`ADAPTER_ENV`]) and creates a device.
    ///
    /// [`Error::BackendUnavailable`](ferroq_core::Error::BackendUnavailable) when no
    /// adapter is found, the chosen one does not exist, or complex128 is asked of an
    /// adapter without `SHADER_F64`.
    pub fn new(options: WgpuOptions) -> Result<Self> {
        let mut options = options;
        if let Ok(v) = std::env::var(ADAPTER_ENV) {
            if !v.trim().is_empty() {
                options.adapter = Some(v);
            }
        }
        Ok(WgpuBackend {
            ctx: Arc::new(Ctx::new(&options)?),
        })
    }

    /// What the backend runs on.
    pub fn adapter_info(&self) -> AdapterSummary {
        self.ctx.info.clone()
    }

    /// Log2 of the amplitudes per page (per storage binding); a state that would need
    /// more than 2^10 pages uses bigger ones.
    pub fn page_qubits(&self) -> u32 {
        self.ctx.page_qubits
    }

    /// Counters of device work since the backend was created (for tests and tuning).
    pub fn stats(&self) -> WgpuStats {
        self.ctx.stats()
    }

    /// Caps the workgroups per grid dimension below the device limit, so tests can
    /// exercise the 2-D dispatch grid on small states. Applies to every clone.
    pub fn with_max_workgroups_per_dim(self, max: u32) -> Self {
        self.ctx.max_groups.store(
            max.clamp(1, self.ctx.limits.max_compute_workgroups_per_dimension),
            std::sync::atomic::Ordering::Relaxed,
        );
        self
    }
}

impl Backend for WgpuBackend {
    type State = WgpuState;

    fn name(&self) -> &'static str {
        "wgpu"
    }

    fn precision(&self) -> Precision {
        self.ctx.precision
    }

    /// Fusion up to 2 qubits on GPUs: on an H100 the 1- and 2-qubit kernels run at
    /// memory speed while 3- and 4-qubit dense blocks are compute-bound, so larger
    /// blocks lose (random layered circuit, 28 qubits, complex64: 286 ms fused to 2
    /// qubits, 1.37 s to 3, 790 ms to 4; `benches/results/h100-2026-11-25`). Software
    /// adapters (lavapipe) keep the core default (no GPU memory to save there; not
    /// re-measured).
    fn capabilities(&self) -> Capabilities {
        let info = &self.ctx.info;
        let device = match info.device_type.as_str() {
            "discrete" => DeviceKind::DiscreteGpu,
            "integrated" => DeviceKind::IntegratedGpu,
            "cpu" => DeviceKind::SoftwareGpu,
            _ => DeviceKind::Other,
        };
        let mut precisions = vec![Precision::Single];
        if info.supports_f64 {
            precisions.push(Precision::Double);
        }
        let compile_options = if device == DeviceKind::SoftwareGpu {
            CompileOptions::default()
        } else {
            CompileOptions {
                max_fused_qubits: 2,
                ..CompileOptions::default()
            }
        };
        Capabilities {
            name: "wgpu",
            device,
            device_name: format!("{} ({})", info.name, info.backend),
            precision: self.ctx.precision,
            precisions,
            max_qubits: self.ctx.max_qubits(),
            max_dense_qubits: shaders::MAX_DENSE_QUBITS as u32,
            state_memory_bytes: self.ctx.state_budget().map_or(
                info.max_buffer_bytes
                    .saturating_mul(1 << layout::MAX_PAGE_INDEX_QUBITS),
                |(b, _)| b,
            ),
            compile_options,
        }
    }

    fn new_state(&self, num_qubits: u32) -> Result<WgpuState> {
        WgpuState::new(self.ctx.clone(), num_qubits)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backend_is_send_sync() {
        fn check<T: Send + Sync>() {}
        check::<WgpuBackend>();
        fn check_send<T: Send>() {}
        check_send::<WgpuState>();
    }

    #[test]
    fn default_precision_is_single() {
        assert_eq!(WgpuOptions::default().precision, Precision::Single);
    }
}
