//! # ferroq-cpu
//!
//! The multicore CPU backend of ferroq: [`CpuBackend`] implements
//! [`ferroq_core::Backend`] with Rayon kernels generic over complex64 and complex128
//! (complex128 is the default), on its own thread pool, running serially below a size
//! threshold so small circuits pay no threading overhead.
//!
//! ```
//! use ferroq_core::{compile, Backend, Circuit, CompileOptions, Readout};
//! use ferroq_cpu::{CpuBackend, CpuOptions};
//!
//! let backend = CpuBackend::new(CpuOptions::default()).unwrap();
//! let mut c = Circuit::new(2);
//! c.h(0).cx(0, 1);
//! let program = compile(&c, &CompileOptions::default()).unwrap();
//! let mut state = backend.alloc(2, 0).unwrap();
//! backend.run(&mut state, &program).unwrap();
//! let p = backend.read(&state, &Readout::Probabilities).unwrap().into_probabilities().unwrap();
//! assert!((p[0] - 0.5).abs() < 1e-12 && (p[3] - 0.5).abs() < 1e-12);
//! ```

mod blocking;
mod exec;
mod expectation;
mod kernels;
mod layout;
pub mod memory;
mod pairs;
mod readout;
mod scalar;
mod simd;
mod state;

pub use scalar::Real;
pub use state::{Amplitudes, CpuState};

use exec::Exec;
use ferroq_core::{
    check_readout, rng::derive_seed, Backend, BatchOptions, CompileOptions, Error, Output,
    ParamBinding, Precision, Program, Readout, Result,
};
use rayon::prelude::*;
use rayon::ThreadPool;
use std::sync::Arc;

/// Configuration of a [`CpuBackend`].
#[derive(Debug, Clone, PartialEq)]
pub struct CpuOptions {
    /// Amplitude precision (default complex128).
    pub precision: Precision,
    /// Worker threads (default: all cores).
    pub threads: Option<usize>,
    /// Cap on the bytes one state may take (default: the memory available).
    pub memory_limit: Option<u64>,
    /// States of fewer qubits than this run on the calling thread (default 14).
    pub parallel_threshold: u32,
    /// Amplitudes (or index groups) per parallel task (default 2^14). A tuning knob;
    /// tests set it small to exercise the parallel paths on small states.
    pub parallel_chunk: usize,
    /// Bytes of a cache block (default 256 KiB, half this machine's L2): runs of ops on
    /// qubits below the block are applied chunk by chunk in one memory pass. 0 turns
    /// cache blocking off.
    pub cache_block_bytes: usize,
    /// Use the explicit SIMD kernels (AVX2 + FMA on x86-64) when the CPU has them,
    /// checked at run time (default true). False forces the portable kernels; tests
    /// run both.
    pub simd: bool,
}

impl Default for CpuOptions {
    fn default() -> Self {
        CpuOptions {
            precision: Precision::Double,
            threads: None,
            memory_limit: None,
            parallel_threshold: 14,
            parallel_chunk: 1 << 14,
            cache_block_bytes: 256 * 1024,
            simd: true,
        }
    }
}

/// Most worker threads [`CpuOptions::threads`] may ask for.
///
/// A fixed bound rather than a multiple of this machine's cores, so a script that
/// runs on one machine runs on another: far above any core count where more threads
/// could help a compute-bound simulation, yet it turns a mistyped count (`2**40`)
/// into an immediate error instead of minutes spent spawning threads.
pub const MAX_THREADS: usize = 1024;

/// The Rayon CPU backend.
#[derive(Clone)]
pub struct CpuBackend {
    options: CpuOptions,
    pool: Arc<ThreadPool>,
}

impl std::fmt::Debug for CpuBackend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CpuBackend")
            .field("options", &self.options)
            .field("threads", &self.pool.current_num_threads())
            .finish()
    }
}

impl CpuBackend {
    /// Creates the backend and its thread pool.
    pub fn new(options: CpuOptions) -> Result<Self> {
        if options.parallel_chunk == 0 {
            return Err(Error::invalid("parallel_chunk must be at least 1"));
        }
        match options.threads {
            Some(0) => return Err(Error::invalid("threads must be at least 1")),
            Some(t) if t > MAX_THREADS => {
                return Err(Error::invalid(format!(
                    "threads must be at most {MAX_THREADS}, got {t} (more threads than cores \
                     only slow a simulation down)"
                )))
            }
            _ => {}
        }
        let mut builder =
            rayon::ThreadPoolBuilder::new().thread_name(|i| format!("ferroq-cpu-{i}"));
        if let Some(t) = options.threads {
            builder = builder.num_threads(t);
        }
        let pool = builder.build().map_err(|e| Error::BackendUnavailable {
            reason: format!("cannot start the CPU thread pool: {e}"),
        })?;
        Ok(CpuBackend {
            options,
            pool: Arc::new(pool),
        })
    }

    /// The options it was built with.
    pub fn options(&self) -> &CpuOptions {
        &self.options
    }

    /// Number of worker threads.
    pub fn threads(&self) -> usize {
        self.pool.current_num_threads()
    }

    fn exec(&self, num_qubits: u32) -> Exec<'_> {
        let pool = (num_qubits >= self.options.parallel_threshold && self.threads() > 1)
            .then_some(&*self.pool);
        Exec {
            pool,
            chunk: self.options.parallel_chunk,
            cache_block_bytes: self.options.cache_block_bytes,
            simd: self.options.simd && simd::detected(),
        }
    }

    fn run_one(
        &self,
        program: &Program,
        binding: &ParamBinding,
        seed: u64,
        request: &Readout,
        serial: bool,
    ) -> Result<Output> {
        let bound = program.bind(binding)?;
        let exec = self.exec(program.num_qubits());
        let exec = if serial { exec.serialized() } else { exec };
        let mut state = CpuState::new(
            program.num_qubits(),
            self.options.precision,
            self.options.memory_limit,
            seed,
            exec,
        )?;
        state.run(exec, bound.ops()?, bound.num_clbits())?;
        state.read(exec, request)
    }
}

impl Backend for CpuBackend {
    type State = CpuState;

    fn name(&self) -> &str {
        "cpu"
    }

    fn precision(&self) -> Precision {
        self.options.precision
    }

    fn max_qubits(&self) -> u32 {
        let amp = self.options.precision.amplitude_bytes();
        let (avail, _) = memory::memory_budget(self.options.memory_limit);
        (63 - (avail / amp).max(1).leading_zeros()).min(memory::HARD_MAX_QUBITS)
    }

    /// Fused blocks of up to 2 qubits: measured fastest for the current kernels
    /// (`cargo run --release -p ferroq --example quickstart -- --fusion K`).
    fn compile_options(&self) -> CompileOptions {
        CompileOptions {
            max_fused_qubits: 2,
            ..CompileOptions::default()
        }
    }

    fn alloc(&self, num_qubits: u32, seed: u64) -> Result<CpuState> {
        CpuState::new(
            num_qubits,
            self.options.precision,
            self.options.memory_limit,
            seed,
            self.exec(num_qubits),
        )
    }

    fn run(&self, state: &mut CpuState, program: &Program) -> Result<()> {
        if program.num_qubits() != state.num_qubits() {
            return Err(Error::invalid(format!(
                "program is for {} qubits but the state has {}",
                program.num_qubits(),
                state.num_qubits()
            )));
        }
        state.run(
            self.exec(state.num_qubits()),
            program.ops()?,
            program.num_clbits(),
        )
    }

    fn read(&self, state: &CpuState, request: &Readout) -> Result<Output> {
        check_readout(request, state.num_qubits())?;
        state.read(self.exec(state.num_qubits()), request)
    }

    /// Small states: items in parallel, each serial. Large states: items in turn, each
    /// parallel. The interrupt hook is polled on the calling thread between groups.
    fn run_batch(
        &self,
        program: &Program,
        bindings: &[ParamBinding],
        request: &Readout,
        options: &BatchOptions<'_>,
    ) -> Result<Vec<Output>> {
        check_readout(request, program.num_qubits())?;
        let n = program.num_qubits();
        let across_items = n < self.options.parallel_threshold && self.threads() > 1;
        let group = if across_items { self.threads() * 16 } else { 1 };
        let mut out = Vec::with_capacity(bindings.len());
        for (g, items) in bindings.chunks(group).enumerate() {
            options.check_interrupt()?;
            let base = g * group;
            if across_items {
                let results: Vec<Result<Output>> = self.pool.install(|| {
                    items
                        .par_iter()
                        .enumerate()
                        .map(|(i, b)| {
                            self.run_one(
                                program,
                                b,
                                derive_seed(options.seed, (base + i) as u64),
                                request,
                                true,
                            )
                        })
                        .collect()
                });
                for r in results {
                    out.push(r?);
                }
            } else {
                for (i, b) in items.iter().enumerate() {
                    out.push(self.run_one(
                        program,
                        b,
                        derive_seed(options.seed, (base + i) as u64),
                        request,
                        false,
                    )?);
                }
            }
        }
        Ok(out)
    }
}
