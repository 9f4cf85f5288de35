//! The GPU backend's types: `ferroq-wgpu`'s with the `wgpu` feature, else a stub whose
//! constructor fails with "not compiled in" (so no code elsewhere needs a `#[cfg]`).

#[cfg(feature = "wgpu")]
pub use ferroq_wgpu::{adapters, WgpuBackend, WgpuOptions, WgpuState};

#[cfg(not(feature = "wgpu"))]
pub use stub::{adapters, WgpuBackend, WgpuOptions, WgpuState};

#[cfg(not(feature = "wgpu"))]
mod stub {
    use ferroq_core::{
        Backend, Capabilities, Complex64, Error, Interrupt, Observable, Op, Precision, Result,
        StatePrimitives, StateVector,
    };

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

    impl Backend for WgpuBackend {
        type State = WgpuState;
        fn name(&self) -> &'static str {
            match self.0 {}
        }
        fn precision(&self) -> Precision {
            match self.0 {}
        }
        fn capabilities(&self) -> Capabilities {
            match self.0 {}
        }
        fn new_state(&self, _: u32) -> Result<WgpuState> {
            match self.0 {}
        }
    }

    impl StatePrimitives for WgpuState {
        fn num_qubits(&self) -> u32 {
            match self.0 {}
        }
        fn precision(&self) -> Precision {
            match self.0 {}
        }
        fn apply(&mut self, _: &[Op], _: &Interrupt<'_>) -> Result<()> {
            match self.0 {}
        }
        fn probability_one(&mut self, _: u32) -> Result<(f64, f64)> {
            match self.0 {}
        }
        fn collapse(&mut self, _: u32, _: bool, _: f64, _: bool) -> Result<()> {
            match self.0 {}
        }
        fn set_zero(&mut self) -> Result<()> {
            match self.0 {}
        }
        fn set_amplitudes(&mut self, _: &[Complex64]) -> Result<()> {
            match self.0 {}
        }
        fn copy_from(&mut self, _: &Self) -> Result<()> {
            match self.0 {}
        }
        fn apply_observable(&self, _: &Observable, _: &mut Self) -> Result<()> {
            match self.0 {}
        }
        fn inner_product(&self, _: &Self) -> Result<Complex64> {
            match self.0 {}
        }
        fn norm_sqr(&self) -> Result<f64> {
            match self.0 {}
        }
        fn scale(&mut self, _: Complex64) -> Result<()> {
            match self.0 {}
        }
        fn add_scaled(&mut self, _: Complex64, _: &Self) -> Result<()> {
            match self.0 {}
        }
        fn state_vector(&self) -> Result<StateVector> {
            match self.0 {}
        }
        fn probabilities(&self) -> Result<Vec<f64>> {
            match self.0 {}
        }
        fn marginal(&self, _: &[u32]) -> Result<Vec<f64>> {
            match self.0 {}
        }
        fn expectations(&self, _: &[Observable]) -> Result<Vec<f64>> {
            match self.0 {}
        }
        fn locate_sorted(&self, _: &[f64]) -> Result<Vec<u64>> {
            match self.0 {}
        }
    }
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
