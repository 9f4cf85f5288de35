//! `MpiBackend`: the ranks of `MPI_COMM_WORLD` as one backend.

use crate::comm::{self, world_rank_size};
use crate::layout::Layout;
use crate::state::{self, MpiState};
use crate::MpiOptions;
use ferroq_core::memory::HARD_MAX_QUBITS;
use ferroq_core::{Backend, Capabilities, Error, Precision, Result};
use ferroq_cpu::{CpuBackend, CpuOptions};
use std::sync::RwLock;

/// The distributed backend (see the [crate docs](crate)).
#[derive(Debug, Clone)]
pub struct MpiBackend {
    cpu: CpuBackend,
    options: MpiOptions,
    rank: i32,
    /// `log2` of the number of ranks.
    global: u32,
    /// Largest state on every rank (agreed between ranks when built).
    max_qubits: u32,
}

impl MpiBackend {
    /// The backend over `MPI_COMM_WORLD` (initialising MPI if needed). Fails when the
    /// number of ranks is not a power of two or the options are out of range. Collective.
    pub fn new(options: MpiOptions) -> Result<Self> {
        if !(1..=12).contains(&options.min_local_qubits) {
            return Err(Error::invalid(format!(
                "min_local_qubits must be 1 to 12, got {}",
                options.min_local_qubits
            )));
        }
        if options.exchange_chunk == 0 || !options.exchange_chunk.is_power_of_two() {
            return Err(Error::invalid(format!(
                "exchange_chunk must be a power of two, got {}",
                options.exchange_chunk
            )));
        }
        let (rank, size) = world_rank_size()?;
        if size < 1 || !(size as u32).is_power_of_two() {
            return Err(Error::BackendUnavailable {
                reason: format!(
                    "the MPI backend splits states over a power-of-two number of ranks, \
                     but MPI_COMM_WORLD has {size} (start it with mpirun -np 2, 4, 8, ...)"
                ),
            });
        }
        let global = (size as u32).trailing_zeros();
        let cpu = state::agree(CpuBackend::new(options.cpu.clone()))?;
        // The ranks run one program in step, so they must fuse alike: a fusion width
        // measured per rank (timing noise, different machines) is agreed, the smallest.
        let width = comm::min_u64(u64::from(cpu.fusion_width())) as u32;
        let cpu = state::agree(CpuBackend::new(CpuOptions {
            fusion_width: Some(width),
            ..options.cpu.clone()
        }))?;
        let max_qubits = comm::min_u64(u64::from(cpu.max_qubits() + global)) as u32;
        let max_qubits = max_qubits.min(HARD_MAX_QUBITS + global).min(63);
        Ok(MpiBackend {
            cpu,
            options,
            rank,
            global,
            max_qubits,
        })
    }

    /// This process's rank in the world communicator.
    pub fn rank(&self) -> i32 {
        self.rank
    }
    /// Number of ranks.
    pub fn ranks(&self) -> u32 {
        1 << self.global
    }
    /// The largest `value` over all ranks (collective): how a benchmark agrees on a
    /// time so every rank takes the same decisions.
    pub fn max_over_ranks(&self, value: f64) -> f64 {
        comm::max_f64(value)
    }
    /// Bytes of amplitudes this rank has sent in exchanges so far ([`crate::bytes_sent`]).
    pub fn bytes_sent(&self) -> u64 {
        comm::bytes_sent()
    }
    /// CPU worker threads of each rank.
    pub fn threads(&self) -> usize {
        self.cpu.threads()
    }
    /// The options it was built with.
    pub fn options(&self) -> &MpiOptions {
        &self.options
    }
    /// Global qubits of a state of `num_qubits` qubits on this backend.
    pub fn global_qubits(&self, num_qubits: u32) -> u32 {
        self.global
            .min(num_qubits.saturating_sub(self.options.min_local_qubits))
    }
}

impl Backend for MpiBackend {
    type State = MpiState;

    fn name(&self) -> &'static str {
        "mpi"
    }

    fn precision(&self) -> Precision {
        self.options.cpu.precision
    }

    /// The CPU's capabilities with the qubits of the ranks added; dense ops (and fused
    /// blocks) at most `min_local_qubits` wide.
    fn capabilities(&self) -> Capabilities {
        let mut caps = self.cpu.capabilities();
        caps.name = "mpi";
        caps.device_name = format!("{} MPI ranks x {}", self.ranks(), caps.device_name);
        caps.max_qubits = self.max_qubits;
        caps.max_dense_qubits = caps.max_dense_qubits.min(self.options.min_local_qubits);
        caps.state_memory_bytes = caps.state_memory_bytes.saturating_mul(self.ranks() as u64);
        caps.compile_options.max_fused_qubits = caps
            .compile_options
            .max_fused_qubits
            .min(caps.max_dense_qubits);
        caps
    }

    /// Collective: every rank allocates its slice; if any rank cannot, all fail.
    fn new_state(&self, num_qubits: u32) -> Result<MpiState> {
        let precision = self.precision();
        let hard_max = (HARD_MAX_QUBITS + self.global).min(63);
        if num_qubits > hard_max {
            return Err(Error::TooManyQubits {
                num_qubits,
                max_qubits: hard_max,
            });
        }
        let global = self.global_qubits(num_qubits);
        let slices = 1u128 << global;
        let local = self
            .cpu
            .new_state(num_qubits - global)
            .map_err(|e| match e {
                Error::OutOfMemory {
                    available_bytes,
                    limit,
                    ..
                } => Error::OutOfMemory {
                    num_qubits,
                    needed_bytes: precision.state_bytes(num_qubits).unwrap_or(u128::MAX),
                    available_bytes: available_bytes.saturating_mul(slices),
                    limit: format!("{limit} on each of {slices} MPI ranks"),
                },
                Error::TooManyQubits { .. } => Error::TooManyQubits {
                    num_qubits,
                    max_qubits: self.max_qubits,
                },
                other => other,
            });
        let local = state::agree(local).map_err(|e| match e {
            Error::Device { .. } => Error::OutOfMemory {
                num_qubits,
                needed_bytes: precision.state_bytes(num_qubits).unwrap_or(u128::MAX),
                available_bytes: 0,
                limit: "another MPI rank's memory".into(),
            },
            other => other,
        })?;
        let slice = (self.rank as u64) & ((1u64 << global) - 1);
        let mut st = MpiState {
            n: num_qubits,
            global,
            slice,
            leader: (self.rank as u64) >> global == 0,
            chunk: self.options.exchange_chunk,
            local: RwLock::new(local),
            layout: RwLock::new(Layout::identity(num_qubits, num_qubits - global)),
        };
        if slice != 0 {
            ferroq_core::StatePrimitives::set_zero(&mut st)?;
        }
        Ok(st)
    }
}
