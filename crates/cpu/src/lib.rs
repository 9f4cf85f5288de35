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
//! let program = compile(&c, &CompileOptions::default()).unwrap().bind(&[]).unwrap();
//! let mut machine = backend.alloc(2, 0).unwrap();
//! backend.run(&mut machine, &program).unwrap();
//! let p = backend.read(&machine, &Readout::Probabilities).unwrap().into_probabilities().unwrap();
//! assert!((p[0] - 0.5).abs() < 1e-12 && (p[3] - 0.5).abs() < 1e-12);
//! ```

mod algebra;
mod alloc;
mod blocking;
mod exec;
mod expectation;
mod family;
mod fusion_width;
mod inner_layer;
mod kernels;
mod layout;
mod pairs;
mod readout;
mod scalar;
mod simd;
mod state;

pub use family::{Kernels, KERNELS_ENV};
pub use ferroq_core::memory;
pub use scalar::Real;
pub use state::{AmplitudesMut, CpuState};

use ferroq_core::backend::{items_in_turn, reuse_or_make};
use ferroq_core::{
    Backend, Capabilities, CompileOptions, DeviceKind, Error, Interrupt, Precision, Result,
};
use rayon::prelude::*;
use rayon::ThreadPool;
use state::Placement;
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
    /// Bytes of a cache block (default 256 KiB): runs of ops on qubits below the block
    /// are applied chunk by chunk in one memory pass. 0 turns cache blocking off.
    pub cache_block_bytes: usize,
    /// States of at most this many bytes are not cache-blocked (default: the size of
    /// the CPU's last-level cache where the OS tells it, else 0). A state that fits in
    /// the last-level cache gains nothing from blocking but pays for gathering each
    /// tile (measured on a 2-core AMD EPYC with 32 MiB L3: 12–19 % more CPU time on
    /// random and Cirq circuits at 20–22 qubits in complex64). `Some(0)` blocks every
    /// state (tests use it to exercise the blocked path on small states).
    pub cache_block_min_state_bytes: Option<u64>,
    /// Which kernel family runs (default [`Kernels::Auto`]: the widest explicit SIMD
    /// kernels this CPU has, checked at run time). Tests run every family the machine
    /// supports.
    pub kernels: Kernels,
    /// Widest fused block (qubits) of the backend's default compile options; `None`
    /// (default): chosen by a cost model measured on this machine once per process
    /// (a few milliseconds; see the `fusion_width` module docs), 2 on the machines
    /// measured so far. 0 turns fusion off.
    pub fusion_width: Option<u32>,
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
            cache_block_min_state_bytes: None,
            kernels: Kernels::Auto,
            fusion_width: None,
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

/// Widest fused block [`CpuOptions::fusion_width`] accepts.
pub const MAX_FUSION_WIDTH: u32 = 6;

/// The Rayon CPU backend.
#[derive(Clone)]
pub struct CpuBackend {
    options: CpuOptions,
    /// The kernel family that runs (the options' choice, resolved on this CPU).
    kernels: Kernels,
    /// States of at most this many bytes are not cache-blocked.
    block_above: u64,
    pool: Arc<ThreadPool>,
    /// The CPU's model name, read once.
    model: Arc<str>,
    /// Widest fused block of the default compile options.
    fusion_width: u32,
}

impl std::fmt::Debug for CpuBackend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CpuBackend")
            .field("options", &self.options)
            .field("kernels", &self.kernels)
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
        let kernels = options.kernels.resolve()?;
        if let Some(w) = options.fusion_width.filter(|&w| w > MAX_FUSION_WIDTH) {
            return Err(Error::invalid(format!(
                "fusion_width must be at most {MAX_FUSION_WIDTH}, got {w}"
            )));
        }
        let mut builder =
            rayon::ThreadPoolBuilder::new().thread_name(|i| format!("ferroq-cpu-{i}"));
        if let Some(t) = options.threads {
            builder = builder.num_threads(t);
        }
        let pool = builder.build().map_err(|e| Error::BackendUnavailable {
            reason: format!("cannot start the CPU thread pool: {e}"),
        })?;
        let block_above = options
            .cache_block_min_state_bytes
            .unwrap_or_else(|| last_level_cache_bytes().unwrap_or(0));
        let fusion_width = options
            .fusion_width
            .unwrap_or_else(|| fusion_width::measured(kernels, options.precision));
        Ok(CpuBackend {
            options,
            kernels,
            block_above,
            pool: Arc::new(pool),
            model: cpu_model().into(),
            fusion_width,
        })
    }

    /// The options it was built with.
    pub fn options(&self) -> &CpuOptions {
        &self.options
    }

    /// The kernel family that runs: [`CpuOptions::kernels`] resolved on this CPU.
    pub fn kernels(&self) -> Kernels {
        self.kernels
    }

    /// Widest fused block of the default compile options ([`CpuOptions::fusion_width`],
    /// or the width measured on this machine).
    pub fn fusion_width(&self) -> u32 {
        self.fusion_width
    }

    /// Number of worker threads.
    pub fn threads(&self) -> usize {
        self.pool.current_num_threads()
    }

    /// Where a state of `num_qubits` runs: on the pool when it is large enough (and
    /// `serial` is false), else on the calling thread.
    fn placement(&self, num_qubits: u32, serial: bool) -> Placement {
        let parallel =
            !serial && num_qubits >= self.options.parallel_threshold && self.threads() > 1;
        // u128 and a capped shift: placements are also made for states too large to exist.
        let state_bytes =
            u128::from(self.options.precision.amplitude_bytes()) << num_qubits.min(64);
        Placement {
            pool: parallel.then(|| self.pool.clone()),
            chunk: self.options.parallel_chunk,
            cache_block_bytes: if state_bytes <= u128::from(self.block_above) {
                0
            } else {
                self.options.cache_block_bytes
            },
            simd: self.kernels.isa(),
        }
    }
}

/// The size of the CPU's last-level cache, where the OS tells it (Linux sysfs).
fn last_level_cache_bytes() -> Option<u64> {
    let dir = std::path::Path::new("/sys/devices/system/cpu/cpu0/cache");
    let mut best: Option<(u32, u64)> = None;
    for entry in std::fs::read_dir(dir).ok()?.flatten() {
        let read = |f: &str| std::fs::read_to_string(entry.path().join(f)).ok();
        let (Some(level), Some(size)) = (read("level"), read("size")) else {
            continue;
        };
        if read("type").is_some_and(|t| t.trim() == "Instruction") {
            continue;
        }
        let Ok(level) = level.trim().parse::<u32>() else {
            continue;
        };
        let size = size.trim();
        let (digits, unit) = size.split_at(
            size.find(|c: char| !c.is_ascii_digit())
                .unwrap_or(size.len()),
        );
        let Ok(n) = digits.parse::<u64>() else {
            continue;
        };
        let bytes = n * match unit {
            "K" => 1 << 10,
            "M" => 1 << 20,
            "G" => 1 << 30,
            _ => 1,
        };
        if best.is_none_or(|(l, _)| level > l) {
            best = Some((level, bytes));
        }
    }
    best.map(|(_, bytes)| bytes)
}

/// The CPU's model name, as `/proc/cpuinfo` gives it.
fn cpu_model() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|t| {
            t.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|m| m.trim().to_string())
        })
        .unwrap_or_else(|| std::env::consts::ARCH.to_string())
}

impl Backend for CpuBackend {
    type State = CpuState;

    fn name(&self) -> &'static str {
        "cpu"
    }

    fn precision(&self) -> Precision {
        self.options.precision
    }

    /// Fused blocks up to [`CpuOptions::fusion_width`] qubits (measured on this machine
    /// unless set).
    fn capabilities(&self) -> Capabilities {
        let amp = self.options.precision.amplitude_bytes();
        let (avail, _) = memory::memory_budget(self.options.memory_limit);
        Capabilities {
            name: "cpu",
            device: DeviceKind::Cpu,
            device_name: format!(
                "{} ({} threads, {} kernels, fusion width {})",
                self.model,
                self.threads(),
                self.kernels,
                self.fusion_width
            ),
            precision: self.options.precision,
            precisions: vec![Precision::Double, Precision::Single],
            max_qubits: (63 - (avail / amp).max(1).leading_zeros()).min(memory::HARD_MAX_QUBITS),
            max_dense_qubits: kernels::MAX_DENSE_QUBITS as u32,
            state_memory_bytes: avail,
            compile_options: if self.fusion_width == 0 {
                CompileOptions::unfused()
            } else {
                CompileOptions {
                    max_fused_qubits: self.fusion_width,
                    ..CompileOptions::default()
                }
            },
        }
    }

    fn new_state(&self, num_qubits: u32) -> Result<CpuState> {
        CpuState::new(
            num_qubits,
            self.options.precision,
            self.options.memory_limit,
            self.placement(num_qubits, false),
        )
    }

    /// One item per thread for small states (below `parallel_threshold`), else 1.
    fn concurrent_items(&self, num_qubits: u32) -> usize {
        if num_qubits < self.options.parallel_threshold && self.threads() > 1 {
            self.threads()
        } else {
            1
        }
    }

    /// Small states: items in parallel, each on one thread with its own state. Large
    /// states: items in turn, each on all threads, reusing one state. The interrupt
    /// hook is polled on the calling thread between groups of items.
    fn for_each_item<T: Send>(
        &self,
        num_qubits: u32,
        count: usize,
        interrupt: &Interrupt<'_>,
        job: &(dyn Fn(usize, &mut CpuState) -> Result<T> + Sync),
    ) -> Result<Vec<T>> {
        if self.concurrent_items(num_qubits) == 1 {
            return items_in_turn(count, interrupt, || self.new_state(num_qubits), job);
        }
        let mut out = Vec::with_capacity(count);
        let group = self.threads() * 16;
        let make = || {
            CpuState::new(
                num_qubits,
                self.options.precision,
                self.options.memory_limit,
                self.placement(num_qubits, true),
            )
        };
        // One state per worker thread, reused by every item that thread runs (in this
        // call): no allocation or page clearing per item.
        let states: Vec<std::sync::Mutex<Option<CpuState>>> = (0..self.threads())
            .map(|_| std::sync::Mutex::new(None))
            .collect();
        let mut start = 0;
        while start < count {
            interrupt.check()?;
            let end = (start + group).min(count);
            let results: Vec<Result<T>> = self.pool.install(|| {
                (start..end)
                    .into_par_iter()
                    .map(|i| {
                        let worker = rayon::current_thread_index().unwrap_or(0) % states.len();
                        let mut slot = states[worker]
                            .lock()
                            .map_err(|_| Error::invalid("a batch item panicked"))?;
                        job(i, reuse_or_make(&mut slot, make)?)
                    })
                    .collect()
            });
            for r in results {
                out.push(r?);
            }
            start = end;
        }
        Ok(out)
    }
}
