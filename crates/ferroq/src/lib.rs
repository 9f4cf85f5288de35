//! # ferroq
//!
//! A fast, portable quantum state-vector simulator. One [`Circuit`] runs unchanged on
//! pluggable backends — a Rayon multicore CPU backend, (cargo feature `wgpu`) a
//! compute-shader GPU backend and (cargo feature `mpi`) a state split over the ranks of
//! `mpirun` — chosen at run time through [`Simulator`].
//!
//! ```
//! use ferroq::{BackendKind, Circuit, ParamBinding, Simulator};
//!
//! // A 20-qubit GHZ state.
//! let n = 20;
//! let mut ghz = Circuit::new(n);
//! ghz.h(0);
//! for q in 1..n {
//!     ghz.cx(q - 1, q);
//! }
//! let sim = Simulator::new(BackendKind::Cpu).unwrap();
//! let result = sim.run(&ghz, &ParamBinding::new()).unwrap();
//! let p = result.probabilities().unwrap();
//! assert!((p[0] - 0.5).abs() < 1e-12);
//! assert!((p[(1 << n) - 1] - 0.5).abs() < 1e-12);
//!
//! // Shots, with qubit 0 as the lowest bit of each outcome.
//! let shots = sim.sample(&ghz, 100, &ParamBinding::new()).unwrap();
//! assert!(shots.iter().all(|&s| s == 0 || s == (1 << n) - 1));
//! ```
//!
//! Conventions: qubit 0 is the least significant bit of a basis-state index
//! (little-endian, as Qiskit); Pauli strings are written with qubit 0 rightmost. The CPU
//! computes in complex128 by default and offers complex64; every output says which
//! precision produced it. Bad input is an [`Error`], never a panic.

mod any;
mod cache;
mod gpu;
mod noise;
mod shots;
mod simulator;

pub use any::{AnyBackend, AnyState, BackendConfig, BackendKind};
pub use ferroq_core::*;
pub use ferroq_cpu::{CpuBackend, CpuOptions, CpuState};
pub use ferroq_mpi::{MpiBackend, MpiOptions, MpiState};
#[cfg(feature = "qasm")]
pub use ferroq_qasm as qasm;
pub use gpu::{WgpuBackend, WgpuOptions, WgpuState};
pub use noise::DEFAULT_TRAJECTORIES;
pub use shots::MAX_SHOT_BITS;
pub use simulator::{
    available_backends, BackendInfo, Call, RunResult, Simulator, SimulatorOptions,
};
