//! `WgpuState`: the paged amplitudes on the device, the classical bits, the measurement
//! generator, the reusable scratch buffers, and the loop that records a program.

use crate::context::{Ctx, Failure, MAX_PAGE_INDEX_QUBITS};
use crate::encode::{GateRecorder, Recorder};
use crate::readout;
use crate::submit::{complex_bytes, flush, reals};
use ferroq_core::{Complex64, Error, Op, Output, OutputData, Precision, Readout, Result, Rng};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// How a state is split into pages: `2^(n-p)` pages of `2^p` amplitudes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct PageLayout {
    /// Qubits.
    pub(crate) n: u32,
    /// Log2 of the amplitudes per page (`<= n`).
    pub(crate) p: u32,
}

impl PageLayout {
    /// Pages of `2^page_qubits` amplitudes, larger where the state would otherwise have
    /// more than `2^MAX_PAGE_INDEX_QUBITS` pages.
    pub(crate) fn new(n: u32, page_qubits: u32) -> Self {
        PageLayout {
            n,
            p: page_qubits
                .max(n.saturating_sub(MAX_PAGE_INDEX_QUBITS))
                .min(n),
        }
    }
    /// Page qubits (qubits that select the page).
    pub(crate) fn page_bits(self) -> u32 {
        self.n - self.p
    }
    pub(crate) fn pages(self) -> u32 {
        1 << self.page_bits()
    }
    pub(crate) fn page_len(self) -> u64 {
        1 << self.p
    }
}

/// Buffers reused across runs and readouts of one state, grown on demand.
#[derive(Default)]
pub(crate) struct Scratch {
    pub(crate) headers: Option<wgpu::Buffer>,
    pub(crate) data: Option<wgpu::Buffer>,
    pub(crate) work: Option<wgpu::Buffer>,
    pub(crate) out: Option<wgpu::Buffer>,
    pub(crate) aux: Option<wgpu::Buffer>,
    pub(crate) staging: Option<wgpu::Buffer>,
    /// Page-slot bind groups of the gate kernels, by the pages they bind.
    pub(crate) gate_groups: HashMap<[u32; 4], wgpu::BindGroup>,
    /// `|0…0>` still to be written at the start of the next submit (`true`: clear the
    /// pages first; new buffers are zeroed by wgpu). Saves a submit per allocation.
    pub(crate) pending_init: Option<bool>,
}

/// What readouts and the program loop need of a state.
pub(crate) struct Parts<'a> {
    pub(crate) ctx: &'a Ctx,
    pub(crate) layout: PageLayout,
    pub(crate) pages: &'a [wgpu::Buffer],
    pub(crate) scratch: &'a mut Scratch,
}

impl Parts<'_> {
    /// Submits the recording (one submit) and returns the bytes it copied back.
    pub(crate) fn flush(&mut self, rec: &mut Recorder) -> Result<Vec<u8>> {
        flush(self.ctx, self.pages, self.scratch, rec)
    }
}

/// A state vector on the GPU, split over pages (storage buffers), with its classical
/// bits and the seeded generator of its mid-circuit measurements.
pub struct WgpuState {
    ctx: Arc<Ctx>,
    layout: PageLayout,
    pages: Vec<wgpu::Buffer>,
    clbits: Vec<bool>,
    rng: Rng,
    scratch: Mutex<Scratch>,
}

impl std::fmt::Debug for WgpuState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WgpuState")
            .field("num_qubits", &self.layout.n)
            .field("page_qubits", &self.layout.p)
            .field("pages", &self.pages.len())
            .field("precision", &self.ctx.precision)
            .finish()
    }
}

impl WgpuState {
    pub(crate) fn new(ctx: Arc<Ctx>, num_qubits: u32, seed: u64) -> Result<Self> {
        let max = ctx.max_qubits_by_pages();
        if num_qubits > max {
            return Err(Error::TooManyQubits {
                num_qubits,
                max_qubits: max,
            });
        }
        let precision = ctx.precision;
        let needed = precision.state_bytes(num_qubits).unwrap_or(u128::MAX);
        if let Some(avail) = ctx.memory_limit() {
            if needed > avail as u128 {
                return Err(Error::OutOfMemory {
                    num_qubits,
                    needed_bytes: needed,
                    available_bytes: avail as u128,
                    limit: format!(
                        "host memory available to the CPU adapter `{}`",
                        ctx.info.name
                    ),
                });
            }
        }
        let layout = PageLayout::new(num_qubits, ctx.page_qubits);
        if let Some((pages, scratch)) = Pooled::take(&ctx, layout) {
            let state = WgpuState {
                ctx,
                layout,
                pages,
                clbits: Vec::new(),
                rng: Rng::new(seed),
                scratch: Mutex::new(scratch),
            };
            state.initialize()?;
            return Ok(state);
        }
        let page_bytes = layout.page_len() * precision.amplitude_bytes();
        let made = ctx.guarded(|| {
            let pages: Vec<wgpu::Buffer> = (0..layout.pages())
                .map(|i| {
                    ctx.create_buffer(&wgpu::BufferDescriptor {
                        label: Some(&format!("ferroq page {i}")),
                        size: page_bytes,
                        usage: wgpu::BufferUsages::STORAGE
                            | wgpu::BufferUsages::COPY_SRC
                            | wgpu::BufferUsages::COPY_DST,
                        mapped_at_creation: false,
                    })
                })
                .collect();
            Ok(pages)
        });
        let pages = made.map_err(|f| match f {
            Failure::OutOfMemory(reason) => Error::OutOfMemory {
                num_qubits,
                needed_bytes: needed,
                available_bytes: 0,
                limit: format!(
                    "the device `{}` refused the allocation: {reason}",
                    ctx.info.name
                ),
            },
            other => other.into_error(),
        })?;
        let state = WgpuState {
            ctx,
            layout,
            pages,
            clbits: Vec::new(),
            rng: Rng::new(seed),
            scratch: Mutex::new(Scratch::default()),
        };
        state.initialize()?;
        Ok(state)
    }

    /// Writes `|0…0>` now and waits for it, so the allocation (not the first run) pays
    /// for the first touch of the pages: every page is cleared explicitly, which also
    /// settles wgpu's lazy zero-initialisation of fresh buffers.
    fn initialize(&self) -> Result<()> {
        self.scratch.lock().map_err(|_| poisoned())?.pending_init = None;
        self.ctx.checked(|| {
            let mut encoder =
                self.ctx
                    .device
                    .create_command_encoder(&wgpu::CommandEncoderDescriptor {
                        label: Some("ferroq initialise state"),
                    });
            for page in &self.pages {
                encoder.clear_buffer(page, 0, None);
            }
            let amp = self.ctx.precision.amplitude_bytes();
            encoder.copy_buffer_to_buffer(&self.ctx.one, 0, &self.pages[0], 0, amp);
            self.ctx.submit(encoder.finish());
            self.ctx.wait()
        })
    }

    /// Qubit count.
    pub fn num_qubits(&self) -> u32 {
        self.layout.n
    }
    /// Precision of the amplitudes.
    pub fn precision(&self) -> Precision {
        self.ctx.precision
    }
    /// Classical bits written by measurements so far.
    pub fn clbits(&self) -> &[bool] {
        &self.clbits
    }
    /// Number of pages (storage buffers) the amplitudes are split over.
    pub fn page_count(&self) -> usize {
        self.pages.len()
    }
    /// Log2 of the amplitudes per page.
    pub fn page_qubits(&self) -> u32 {
        self.layout.p
    }

    /// Back to `|0…0>` with no classical bits and a fresh generator, keeping the buffers.
    pub fn reset(&mut self, seed: u64) -> Result<()> {
        self.scratch.lock().map_err(|_| poisoned())?.pending_init = Some(true);
        self.clbits.clear();
        self.rng = Rng::new(seed);
        Ok(())
    }

    /// Overwrites the amplitudes (for tests and state preparation); the vector must have
    /// `2^n` entries and is not renormalised.
    pub fn set_amplitudes(&mut self, amps: &[Complex64]) -> Result<()> {
        if amps.len() as u64 != 1u64 << self.layout.n {
            return Err(Error::invalid(format!(
                "expected {} amplitudes, got {}",
                1u64 << self.layout.n,
                amps.len()
            )));
        }
        let len = self.layout.page_len() as usize;
        // Every page is overwritten, so a pending |0…0> initialisation is moot.
        self.scratch.lock().map_err(|_| poisoned())?.pending_init = None;
        self.ctx.checked(|| {
            for (page, chunk) in self.pages.iter().zip(amps.chunks(len)) {
                self.ctx
                    .queue
                    .write_buffer(page, 0, &complex_bytes(self.ctx.precision, chunk));
            }
            self.ctx.queue.submit([]);
            Ok(())
        })
    }

    pub(crate) fn run(&mut self, ops: &[Op], num_clbits: u32) -> Result<()> {
        if self.clbits.len() < num_clbits as usize {
            self.clbits.resize(num_clbits as usize, false);
        }
        let mut scratch = self.scratch.lock().map_err(|_| poisoned())?;
        let mut runner = Runner {
            parts: Parts {
                ctx: &self.ctx,
                layout: self.layout,
                pages: &self.pages,
                scratch: &mut scratch,
            },
            rec: Recorder::default(),
            clbits: &mut self.clbits,
            rng: &mut self.rng,
        };
        runner.ops(ops)?;
        let Runner {
            mut parts, mut rec, ..
        } = runner;
        parts.flush(&mut rec)?;
        // Return once the GPU is done: timings are honest and execution errors (a lost
        // device) belong to this run.
        self.ctx.wait()?;
        self.ctx
            .check_health()
            .map_err(|reason| Error::Device { reason })
    }

    pub(crate) fn read(&self, request: &Readout) -> Result<Output> {
        let mut scratch = self.scratch.lock().map_err(|_| poisoned())?;
        let mut parts = Parts {
            ctx: &self.ctx,
            layout: self.layout,
            pages: &self.pages,
            scratch: &mut scratch,
        };
        let data = match request {
            Readout::StateVector => OutputData::StateVector(readout::state_vector(&mut parts)?),
            Readout::Probabilities => {
                OutputData::Probabilities(readout::probabilities(&mut parts)?)
            }
            Readout::Marginal(qs) => OutputData::Probabilities(readout::marginal(&mut parts, qs)?),
            Readout::Samples { shots, seed } => {
                OutputData::Samples(readout::samples(&mut parts, *shots, *seed)?)
            }
            Readout::Expectation(obs) => {
                OutputData::Expectations(readout::expectations(&mut parts, obs)?)
            }
            Readout::ClassicalBits => OutputData::ClassicalBits(self.clbits.clone()),
        };
        Ok(Output {
            precision: self.ctx.precision,
            data,
        })
    }
}

/// Returns small states' buffers (and their cached bind groups) to the backend's pool.
impl Drop for WgpuState {
    fn drop(&mut self) {
        let scratch = match self.scratch.get_mut() {
            Ok(s) => std::mem::take(s),
            Err(_) => return,
        };
        let bytes =
            self.layout.page_len() * self.pages.len() as u64 * self.ctx.precision.amplitude_bytes();
        Pooled::give(
            &self.ctx,
            self.layout,
            std::mem::take(&mut self.pages),
            scratch,
            bytes,
        );
    }
}

/// Most states' buffers the pool keeps.
const POOL_STATES: usize = 4;
/// Most bytes of pages the pool keeps (bigger states free their memory on drop).
const POOL_BYTES: u64 = 64 << 20;

/// The buffers of a dropped state, kept so that the next state of the same layout
/// (a batch, a test suite, a parameter sweep) allocates nothing.
pub(crate) struct Pooled {
    layout: PageLayout,
    pages: Vec<wgpu::Buffer>,
    scratch: Scratch,
    bytes: u64,
}

impl Pooled {
    fn take(ctx: &Ctx, layout: PageLayout) -> Option<(Vec<wgpu::Buffer>, Scratch)> {
        let mut pool = ctx.pool.lock().ok()?;
        let i = pool.iter().position(|p| p.layout == layout)?;
        let p = pool.swap_remove(i);
        Some((p.pages, p.scratch))
    }

    fn give(ctx: &Ctx, layout: PageLayout, pages: Vec<wgpu::Buffer>, scratch: Scratch, bytes: u64) {
        if bytes > POOL_BYTES || pages.is_empty() {
            return;
        }
        let Ok(mut pool) = ctx.pool.lock() else {
            return;
        };
        while !pool.is_empty()
            && (pool.len() >= POOL_STATES
                || pool.iter().map(|p| p.bytes).sum::<u64>() + bytes > POOL_BYTES)
        {
            pool.remove(0);
        }
        pool.push(Pooled {
            layout,
            pages,
            scratch,
            bytes,
        });
    }
}

fn poisoned() -> Error {
    Error::Device {
        reason: "a previous GPU operation on this state panicked".into(),
    }
}

/// Records a program, splitting the submit only where a measurement needs the host.
struct Runner<'a> {
    parts: Parts<'a>,
    rec: Recorder,
    clbits: &'a mut Vec<bool>,
    rng: &'a mut Rng,
}

impl Runner<'_> {
    fn gates(&mut self) -> GateRecorder<'_> {
        GateRecorder {
            ctx: self.parts.ctx,
            layout: self.parts.layout,
            rec: &mut self.rec,
        }
    }

    fn ops(&mut self, ops: &[Op]) -> Result<()> {
        for op in ops {
            match op {
                Op::Dense {
                    targets,
                    controls,
                    matrix,
                } => self.gates().dense(targets, controls, matrix.data())?,
                Op::Diagonal {
                    targets,
                    controls,
                    diag,
                } => self.gates().diagonal(targets, controls, diag)?,
                Op::Measure { qubit, clbit } => {
                    let bit = self.measure(*qubit, false)?;
                    let i = *clbit as usize;
                    if self.clbits.len() <= i {
                        self.clbits.resize(i + 1, false);
                    }
                    self.clbits[i] = bit;
                }
                Op::Reset { qubit } => {
                    self.measure(*qubit, true)?;
                }
                Op::Conditional { condition, ops } => {
                    let value = condition
                        .clbits
                        .iter()
                        .enumerate()
                        .fold(0u64, |acc, (j, &b)| {
                            acc | (u64::from(self.clbits.get(b as usize).copied().unwrap_or(false))
                                << j)
                        });
                    if value == condition.value {
                        self.ops(ops)?;
                    }
                }
            }
        }
        Ok(())
    }

    /// Submits what is recorded plus the reduction of `qubit`'s probability, draws the
    /// outcome on the host (as the CPU backend does), and records the collapse.
    fn measure(&mut self, qubit: u32, reset: bool) -> Result<bool> {
        let at = readout::record_marginal(&self.parts, &mut self.rec, &[qubit])?;
        let bytes = self.parts.flush(&mut self.rec)?;
        let real = self.parts.ctx.real_bytes() as usize;
        let v = reals(self.parts.ctx.precision, &bytes[at..at + 2 * real]);
        let (p0, p1) = (v[0], v[1]);
        let norm = p0 + p1;
        let outcome = self.rng.next_f64() * norm < p1;
        let kept = if outcome { p1 } else { norm - p1 };
        let s = Complex64::new(if kept > 0.0 { 1.0 / kept.sqrt() } else { 1.0 }, 0.0);
        let z = Complex64::new(0.0, 0.0);
        match (outcome, reset) {
            (true, true) => self.gates().dense(&[qubit], &[], &[z, s, z, z])?,
            (true, false) => self.gates().diagonal(&[qubit], &[], &[z, s])?,
            (false, _) => self.gates().diagonal(&[qubit], &[], &[s, z])?,
        }
        Ok(outcome)
    }
}
