//! The GPU backend's types: `ferroq-wgpu`'s with the `wgpu` feature, else a stub whose
//! constructor fails with "not compiled in" (so no code elsewhere needs a `#[cfg]`).

#[cfg(feature = "wgpu")]
pub use ferroq_wgpu::{adapters, WgpuBackend, WgpuOptions, WgpuState};

#[cfg(not(feature = "wgpu"))]
pub use stub::{adapters, WgpuBackend, WgpuOptions, WgpuState};

#[cfg(not(feature = "wgpu"))]
mod stub {
    use ferroq_core::{Error, Precision, Result};

    /// Options of the GPU backend (accepted, never used: it is not compiled in).
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct WgpuOptions {
        /// Amplitude precision.
        pub precision: Precision,
        /// Adapter name substring or index.
        pub adapter: Option<String>,
        /// Forced page size (tests).
        pub page_qubits: Option<u32>,
        /// Cap on the bytes of one state.
        pub memory_limit: Option<u64>,
    }

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

    /// No adapter summaries: the backend is not compiled in.
    pub fn adapters() -> Vec<AdapterSummary> {
        Vec::new()
    }

    /// Placeholder for the adapter description type.
    #[derive(Debug, Clone)]
    pub enum AdapterSummary {}

    #[derive(Debug)]
    enum Never {}

    /// The GPU backend, not compiled in: [`WgpuBackend::new`] always fails.
    #[derive(Debug)]
    pub struct WgpuBackend(Never);

    /// A GPU state (never exists without the `wgpu` feature).
    #[derive(Debug)]
    pub struct WgpuState(Never);

    impl WgpuBackend {
        /// Always [`Error::BackendUnavailable`].
        pub fn new(_options: WgpuOptions) -> Result<Self> {
            Err(Error::BackendUnavailable {
                reason: "ferroq was built without the `wgpu` feature".into(),
            })
        }
    }

    ferroq_core::absent_backend!(WgpuBackend, WgpuState);
}

/// Whether the GPU backend is compiled in (cargo feature `wgpu`).
pub const COMPILED_IN: bool = cfg!(feature = "wgpu");

/// The backend list's entry for one adapter.
#[cfg(feature = "wgpu")]
pub(crate) fn describe(a: ferroq_wgpu::AdapterSummary) -> crate::BackendInfo {
    let mut precisions = vec![ferroq_core::Precision::Single];
    if a.supports_f64 {
        precisions.push(ferroq_core::Precision::Double);
    }
    crate::BackendInfo {
        name: "wgpu".into(),
        device: format!("{} ({}, {})", a.name, a.backend, a.device_type),
        precisions,
        available: true,
        reason: None,
    }
}

/// The backend list's entry for one adapter (none exist without the feature).
#[cfg(not(feature = "wgpu"))]
pub(crate) fn describe(a: stub::AdapterSummary) -> crate::BackendInfo {
    match a {}
}
