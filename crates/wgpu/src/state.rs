//! `WgpuState`: the paged amplitudes on the device, the reusable scratch buffers, the
//! recording not yet submitted, and the state primitives over them.

use crate::context::{Ctx, Failure};
use crate::convert::{complex_bytes, reals};
use crate::encode::{GateRecorder, Recorder};
use crate::layout::PageLayout;
use crate::pool::Scratch;
use crate::readout;
use crate::submit::Parts;
use ferroq_core::{
    Complex64, Error, Interrupt, Observable, Op, Precision, Result, StatePrimitives, StateVector,
};
use std::sync::{Arc, Mutex};

/// A state vector on the GPU, split over pages (storage buffers). Ops applied to it are
/// recorded and submitted together: a program costs one submit, split only where a
/// primitive needs a number back (a measurement's probability, a readout).
pub struct WgpuState {
    ctx: Arc<Ctx>,
    layout: PageLayout,
    pages: Vec<wgpu::Buffer>,
    scratch: Mutex<Scratch>,
    /// Work recorded but not yet submitted.
    pending: Mutex<Recorder>,
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

/// Ops recorded between two interrupt polls while an interrupt hook is set (each poll
/// submits and waits, so a long program stops within one such slice).
const OPS_PER_POLL: usize = 256;

impl WgpuState {
    pub(crate) fn new(ctx: Arc<Ctx>, num_qubits: u32) -> Result<Self> {
        let max = ctx.max_qubits_by_pages();
        if num_qubits > max {
            return Err(Error::TooManyQubits {
                num_qubits,
                max_qubits: max,
            });
        }
        let precision = ctx.precision;
        let needed = precision.state_bytes(num_qubits).unwrap_or(u128::MAX);
        if let Some((avail, which)) = ctx.state_budget() {
            if needed > avail as u128 {
                return Err(Error::OutOfMemory {
                    num_qubits,
                    needed_bytes: needed,
                    available_bytes: avail as u128,
                    limit: which,
                });
            }
        }
        let layout = PageLayout::new(num_qubits, ctx.page_qubits);
        if let Some((pages, scratch)) = ctx.pool.take(layout) {
            let state = WgpuState {
                ctx,
                layout,
                pages,
                scratch: Mutex::new(scratch),
                pending: Mutex::new(Recorder::default()),
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
            scratch: Mutex::new(Scratch::default()),
            pending: Mutex::new(Recorder::default()),
        };
        state.initialize()?;
        Ok(state)
    }

    /// Writes `|0…0>` now and waits for it, so the allocation (not the first run) pays
    /// for the first touch of the pages: every page is cleared explicitly, which also
    /// settles wgpu's lazy zero-initialisation of fresh buffers.
    fn initialize(&self) -> Result<()> {
        self.discard_pending()?;
        self.encode_and_wait("ferroq initialise state", |encoder| {
            for page in &self.pages {
                encoder.clear_buffer(page, 0, None);
            }
            let amp = self.ctx.precision.amplitude_bytes();
            encoder.copy_buffer_to_buffer(&self.ctx.one, 0, &self.pages[0], 0, amp);
        })
    }

    /// Records commands with `record` into one encoder, submits it and waits for the
    /// device (outside the pending recording: for whole-state writes).
    fn encode_and_wait(
        &self,
        label: &str,
        record: impl FnOnce(&mut wgpu::CommandEncoder),
    ) -> Result<()> {
        self.ctx.checked(|| {
            let mut encoder = self
                .ctx
                .device
                .create_command_encoder(&wgpu::CommandEncoderDescriptor { label: Some(label) });
            record(&mut encoder);
            self.ctx.submit(encoder.finish());
            self.ctx.wait()
        })
    }

    /// Drops recorded work and a pending `|0…0>`: the caller overwrites every page.
    fn discard_pending(&self) -> Result<()> {
        *self.pending.lock().map_err(|_| poisoned())? = Recorder::default();
        self.scratch.lock().map_err(|_| poisoned())?.pending_init = None;
        Ok(())
    }

    /// Number of pages (storage buffers) the amplitudes are split over.
    pub fn page_count(&self) -> usize {
        self.pages.len()
    }
    /// Log2 of the amplitudes per page.
    pub fn page_qubits(&self) -> u32 {
        self.layout.p
    }

    /// Runs `f` with the state's parts and its pending recording (which `f` may extend
    /// and flush).
    fn with_parts<T>(
        &self,
        f: impl FnOnce(&mut Parts<'_>, &mut Recorder) -> Result<T>,
    ) -> Result<T> {
        let mut scratch = self.scratch.lock().map_err(|_| poisoned())?;
        let mut pending = self.pending.lock().map_err(|_| poisoned())?;
        let mut parts = Parts {
            ctx: &self.ctx,
            layout: self.layout,
            pages: &self.pages,
            scratch: &mut scratch,
        };
        f(&mut parts, &mut pending)
    }

    /// Runs a readout after submitting what is pending.
    fn read<T>(&self, f: impl FnOnce(&mut Parts<'_>) -> Result<T>) -> Result<T> {
        self.with_parts(|parts, pending| {
            parts.flush(pending)?;
            f(parts)
        })
    }

    /// Submits what is pending and waits for the device.
    fn sync(&self) -> Result<()> {
        self.with_parts(|parts, pending| parts.flush(pending).map(|_| ()))?;
        self.ctx.wait()?;
        self.ctx
            .check_health()
            .map_err(|reason| Error::Device { reason })
    }

    /// Records one unitary op.
    fn record(&self, op: &Op) -> Result<()> {
        self.with_parts(|parts, rec| {
            let mut g = GateRecorder {
                ctx: parts.ctx,
                layout: parts.layout,
                rec,
            };
            match op {
                Op::Dense {
                    targets,
                    controls,
                    matrix,
                } => g.dense(targets, controls, matrix.data()),
                Op::Diagonal {
                    targets,
                    controls,
                    diag,
                } => g.diagonal(targets, controls, diag),
                other => Err(Error::invalid(format!(
                    "only unitary ops can be applied as a run, got {other:?}"
                ))),
            }
        })
    }

    /// The amplitudes as complex128 on the host (for the algebra primitives that have
    /// no GPU kernel yet), after checking the host memory they need.
    fn host_amplitudes(&self) -> Result<Vec<Complex64>> {
        let bytes = 16u128 << self.layout.n;
        ferroq_core::memory::check_host_bytes(bytes, "a host copy of a GPU state", None)?;
        Ok(self.read(readout::state_vector)?.to_c64())
    }

    fn same_shape(&self, other: &WgpuState) -> Result<()> {
        if self.layout != other.layout || !Arc::ptr_eq(&self.ctx, &other.ctx) {
            return Err(Error::invalid(
                "the two states differ in qubit count or device",
            ));
        }
        Ok(())
    }
}

impl StatePrimitives for WgpuState {
    fn num_qubits(&self) -> u32 {
        self.layout.n
    }

    fn precision(&self) -> Precision {
        self.ctx.precision
    }

    fn apply(&mut self, ops: &[Op], interrupt: &Interrupt<'_>) -> Result<()> {
        for (i, op) in ops.iter().enumerate() {
            if interrupt.is_set() && i > 0 && i % OPS_PER_POLL == 0 {
                self.sync()?;
                interrupt.check()?;
            }
            self.record(op)?;
        }
        Ok(())
    }

    /// Submits what is recorded plus the reduction of `qubit`'s probability; one pair
    /// of numbers comes back.
    fn probability_one(&mut self, qubit: u32) -> Result<(f64, f64)> {
        if qubit >= self.layout.n {
            return Err(Error::QubitOutOfRange {
                qubit,
                num_qubits: self.layout.n,
            });
        }
        self.with_parts(|parts, rec| {
            let at = readout::record_marginal(parts, rec, &[qubit])?;
            let bytes = parts.flush(rec)?;
            let real = parts.ctx.real_bytes() as usize;
            let v = reals(parts.ctx.precision, &bytes[at..at + 2 * real]);
            Ok((v[1], v[0] + v[1]))
        })
    }

    /// Recorded as a diagonal (measurement) or dense (reset) 1-qubit op.
    fn collapse(&mut self, qubit: u32, outcome: bool, kept: f64, reset: bool) -> Result<()> {
        let s = Complex64::new(if kept > 0.0 { 1.0 / kept.sqrt() } else { 1.0 }, 0.0);
        let z = Complex64::new(0.0, 0.0);
        self.with_parts(|parts, rec| {
            let mut g = GateRecorder {
                ctx: parts.ctx,
                layout: parts.layout,
                rec,
            };
            match (outcome, reset) {
                (true, true) => g.dense(&[qubit], &[], &[z, s, z, z]),
                (true, false) => g.diagonal(&[qubit], &[], &[z, s]),
                (false, _) => g.diagonal(&[qubit], &[], &[s, z]),
            }
        })
    }

    /// Submits what is pending and returns once the GPU is done: timings are honest and
    /// execution errors (a lost device) belong to this run.
    fn finish(&mut self) -> Result<()> {
        self.sync()
    }

    fn set_zero(&mut self) -> Result<()> {
        // Whatever is pending would be overwritten anyway.
        *self.pending.lock().map_err(|_| poisoned())? = Recorder::default();
        self.scratch.lock().map_err(|_| poisoned())?.pending_init = Some(true);
        Ok(())
    }

    fn set_amplitudes(&mut self, amps: &[Complex64]) -> Result<()> {
        if amps.len() as u64 != 1u64 << self.layout.n {
            return Err(Error::invalid(format!(
                "expected {} amplitudes, got {}",
                1u64 << self.layout.n,
                amps.len()
            )));
        }
        let len = self.layout.page_len() as usize;
        // Every page is overwritten, so pending work and a pending |0…0> are moot.
        self.discard_pending()?;
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

    /// Page-to-page copies on the device.
    fn copy_from(&mut self, other: &Self) -> Result<()> {
        self.same_shape(other)?;
        other.sync()?;
        self.discard_pending()?;
        self.encode_and_wait("ferroq copy state", |encoder| {
            for (dst, src) in self.pages.iter().zip(&other.pages) {
                encoder.copy_buffer_to_buffer(src, 0, dst, 0, None);
            }
        })
    }

    /// Host round trip (no GPU kernel yet): correct, but costs two transfers.
    fn apply_observable(&self, observable: &Observable, out: &mut Self) -> Result<()> {
        self.same_shape(out)?;
        observable.check_fits(self.layout.n)?;
        let a = self.host_amplitudes()?;
        let mut o = vec![Complex64::new(0.0, 0.0); a.len()];
        for t in observable.terms() {
            let phase = match t.y_count() % 4 {
                0 => Complex64::new(1.0, 0.0),
                1 => Complex64::new(0.0, 1.0),
                2 => Complex64::new(-1.0, 0.0),
                _ => Complex64::new(0.0, -1.0),
            } * t.coeff;
            let (x, z) = (t.x_mask() as usize, t.z_mask());
            for (i, v) in a.iter().enumerate() {
                let sign = if ((i as u64) & z).count_ones() & 1 == 1 {
                    -1.0
                } else {
                    1.0
                };
                o[i ^ x] += phase * v * sign;
            }
        }
        out.set_amplitudes(&o)
    }

    /// Host round trip (no GPU kernel yet).
    fn inner_product(&self, other: &Self) -> Result<Complex64> {
        self.same_shape(other)?;
        let (a, b) = (self.host_amplitudes()?, other.host_amplitudes()?);
        Ok(a.iter().zip(&b).map(|(x, y)| x.conj() * y).sum())
    }

    /// The total of the one-qubit marginal, reduced on the GPU.
    fn norm_sqr(&self) -> Result<f64> {
        Ok(self.marginal(&[0])?.iter().sum())
    }

    /// A diagonal op with every entry `a`.
    fn scale(&mut self, a: Complex64) -> Result<()> {
        self.record(&Op::Diagonal {
            targets: vec![0],
            controls: Vec::new(),
            diag: vec![a, a],
        })?;
        self.sync()
    }

    /// Host round trip (no GPU kernel yet).
    fn add_scaled(&mut self, a: Complex64, x: &Self) -> Result<()> {
        self.same_shape(x)?;
        let mut s = self.host_amplitudes()?;
        let y = x.host_amplitudes()?;
        for (si, yi) in s.iter_mut().zip(&y) {
            *si += a * yi;
        }
        self.set_amplitudes(&s)
    }

    fn state_vector(&self) -> Result<StateVector> {
        let bytes = self
            .ctx
            .precision
            .state_bytes(self.layout.n)
            .unwrap_or(u128::MAX);
        ferroq_core::memory::check_host_bytes(bytes, "a copy of the state vector", None)?;
        self.read(readout::state_vector)
    }

    fn probabilities(&self) -> Result<Vec<f64>> {
        ferroq_core::memory::check_host_bytes(8u128 << self.layout.n, "the probabilities", None)?;
        self.read(readout::probabilities)
    }

    fn marginal(&self, qubits: &[u32]) -> Result<Vec<f64>> {
        self.read(|p| readout::marginal(p, qubits))
    }

    fn expectations(&self, observables: &[Observable]) -> Result<Vec<f64>> {
        self.read(|p| readout::expectations(p, observables))
    }

    fn locate_sorted(&self, uniforms: &[f64]) -> Result<Vec<u64>> {
        self.read(|p| readout::locate_sorted(p, uniforms))
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
        self.ctx
            .pool
            .give(self.layout, std::mem::take(&mut self.pages), scratch, bytes);
    }
}

fn poisoned() -> Error {
    Error::Device {
        reason: "a previous GPU operation on this state panicked".into(),
    }
}
