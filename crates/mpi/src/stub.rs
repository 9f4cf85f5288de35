//! The backend without the crate feature `mpi`: the same names, a constructor that
//! says it was not compiled in (so no code elsewhere needs a `#[cfg]`).

use crate::MpiOptions;
use ferroq_core::{Error, Result};

#[derive(Debug, Clone)]
enum Never {}

/// The MPI backend, not compiled in: [`MpiBackend::new`] always fails.
#[derive(Debug, Clone)]
pub struct MpiBackend(Never);

/// A distributed state (never exists without the feature `mpi`).
#[derive(Debug)]
pub struct MpiState(Never);

impl MpiBackend {
    /// Always [`Error::BackendUnavailable`].
    pub fn new(_options: MpiOptions) -> Result<Self> {
        Err(Error::BackendUnavailable {
            reason: "ferroq was built without the `mpi` feature".into(),
        })
    }
    /// Never called (no backend exists).
    pub fn ranks(&self) -> u32 {
        match self.0 {}
    }
    /// Never called (no backend exists).
    pub fn threads(&self) -> usize {
        match self.0 {}
    }
    /// Never called (no backend exists).
    pub fn rank(&self) -> i32 {
        match self.0 {}
    }
    /// Never called (no backend exists).
    pub fn global_qubits(&self, _: u32) -> u32 {
        match self.0 {}
    }
    /// Never called (no backend exists).
    pub fn max_over_ranks(&self, _: f64) -> f64 {
        match self.0 {}
    }
    /// Never called (no backend exists).
    pub fn bytes_sent(&self) -> u64 {
        match self.0 {}
    }
}

ferroq_core::absent_backend!(MpiBackend, MpiState);
