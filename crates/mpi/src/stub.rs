//! The backend without the crate feature `mpi`: the same names, a constructor that
//! says it was not compiled in (so no code elsewhere needs a `#[cfg]`).

use crate::MpiOptions;
use ferroq_core::{
    Backend, Capabilities, Complex64, Error, Interrupt, Observable, Op, Precision, Result,
    StatePrimitives, StateVector,
};

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

impl Backend for MpiBackend {
    type State = MpiState;
    fn name(&self) -> &'static str {
        match self.0 {}
    }
    fn precision(&self) -> Precision {
        match self.0 {}
    }
    fn capabilities(&self) -> Capabilities {
        match self.0 {}
    }
    fn new_state(&self, _: u32) -> Result<MpiState> {
        match self.0 {}
    }
}

impl StatePrimitives for MpiState {
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
