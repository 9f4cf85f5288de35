//! # ferroq-mpi
//!
//! State vectors larger than one machine: [`MpiBackend`] splits a state over the
//! `2^k` ranks of `MPI_COMM_WORLD` (started with `mpirun -np 2^k ...`), through the
//! `mpi` crate on the system's MPI library (OpenMPI). The low `n - k` qubits index a
//! rank's slice, which the CPU backend's kernels run on ([`ferroq_cpu::CpuState`]);
//! the top `k` qubits are the bits of the rank number.
//!
//! - Ops on local qubits, diagonal ops and controls on any qubits: no communication
//!   (a rank whose global bits fail a control skips the op; a diagonal on global
//!   qubits becomes a smaller diagonal or a phase per rank).
//! - A dense op on a global qubit: that qubit is swapped with a local one (chosen as
//!   the local qubit whose next dense use in the run is furthest ahead) by pairwise
//!   `MPI_Sendrecv_replace` of half a slice in bounded chunks. The swap is recorded as
//!   a relabelling of qubits and only undone when a read needs the logical order
//!   (state vector, probabilities, sampling).
//! - Reads are reduced (`MPI_Allreduce`) or gathered (`MPI_Allgather`), so every rank
//!   returns the same result; sampling gives the same shots as the single-process
//!   backends for the same seed.
//!
//! Every call is collective: every rank runs the same program and calls the backend in
//! the same order (the SPMD style of MPI). MPI is initialised on first use and
//! finalised at process exit.

//!
//! The backend is behind this crate's feature `mpi` (turned on by the facade's `mpi`
//! feature). Without it the crate needs no MPI library and offers a stub
//! [`MpiBackend`] whose constructor says it was not compiled in, so the default
//! workspace builds and tests on machines without OpenMPI.

#[cfg(feature = "mpi")]
mod backend;
#[cfg(feature = "mpi")]
mod comm;
#[cfg(feature = "mpi")]
mod exchange;
#[cfg(feature = "mpi")]
mod layout;
#[cfg(feature = "mpi")]
mod readout;
#[cfg(feature = "mpi")]
mod state;
#[cfg(not(feature = "mpi"))]
mod stub;

#[cfg(feature = "mpi")]
pub use backend::MpiBackend;
#[cfg(feature = "mpi")]
pub use comm::{all_true as all_ranks, bytes_sent, exchanges, finalize, world_rank_size};
#[cfg(feature = "mpi")]
pub use state::MpiState;
#[cfg(not(feature = "mpi"))]
pub use stub::{MpiBackend, MpiState};

/// `true` when the backend is compiled in (this crate's feature `mpi`).
pub const COMPILED_IN: bool = cfg!(feature = "mpi");

/// Amplitudes of one exchange message (2^16: 1 MiB of complex128), the default of
/// [`MpiOptions::exchange_chunk`].
pub const DEFAULT_CHUNK: usize = 1 << 16;

use ferroq_cpu::CpuOptions;

/// Configuration of an [`MpiBackend`].
#[derive(Debug, Clone, PartialEq)]
pub struct MpiOptions {
    /// The CPU backend each rank runs its slice with (precision, threads per rank,
    /// memory limit per rank).
    pub cpu: CpuOptions,
    /// Fewest local qubits a rank keeps (default 6): a state of fewer than
    /// `k + min_local_qubits` qubits is split over fewer slices, copies of it on the
    /// remaining ranks. It is also the widest dense op the backend runs (a dense op's
    /// targets must all be local at once).
    pub min_local_qubits: u32,
    /// Amplitudes per exchange message (a power of two, default [`DEFAULT_CHUNK`]):
    /// the scratch memory of an exchange.
    pub exchange_chunk: usize,
}

impl Default for MpiOptions {
    fn default() -> Self {
        MpiOptions {
            cpu: CpuOptions::default(),
            min_local_qubits: 6,
            exchange_chunk: DEFAULT_CHUNK,
        }
    }
}
