//! `CpuState`: the amplitudes and where their kernels run; implements the state
//! primitives of `ferroq-core` with the CPU kernels.

use crate::algebra;
use crate::alloc::{alloc_zero_state, copy_state};
use crate::blocking::Tiling;
use crate::exec::Exec;
use crate::expectation;
use crate::inner_layer;
use crate::kernels::{self, Prepared};
use crate::readout;
use crate::scalar::{cast, Real};
use crate::simd::Isa;
use ferroq_core::memory::check_fits;
use ferroq_core::{
    Complex64, Error, Interrupt, Observable, Op, Precision, Result, StatePrimitives, StateVector,
};
use num_complex::Complex;
use rayon::ThreadPool;
use std::sync::Arc;

/// Where a state's kernels run: its pool (none: the calling thread) and the tuning
/// knobs of the backend that made it.
#[derive(Clone)]
pub(crate) struct Placement {
    pub(crate) pool: Option<Arc<ThreadPool>>,
    pub(crate) chunk: usize,
    pub(crate) cache_block_bytes: usize,
    pub(crate) simd: Option<Isa>,
}

impl Placement {
    fn exec(&self) -> Exec<'_> {
        Exec {
            pool: self.pool.as_deref(),
            chunk: self.chunk,
            cache_block_bytes: self.cache_block_bytes,
            simd: self.simd,
        }
    }
}

/// A state's amplitudes as a mutable slice in its precision (see
/// [`CpuState::amplitudes_mut`]).
#[derive(Debug)]
pub enum AmplitudesMut<'a> {
    /// complex64 amplitudes.
    Single(&'a mut [num_complex::Complex32]),
    /// complex128 amplitudes.
    Double(&'a mut [Complex64]),
}

/// A CPU state: `2^n` amplitudes in the backend's precision.
#[derive(Clone)]
pub struct CpuState {
    num_qubits: u32,
    /// The amplitudes (core's own `StateVector`: one type for states in either precision).
    amps: StateVector,
    placement: Placement,
}

impl std::fmt::Debug for CpuState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CpuState")
            .field("num_qubits", &self.num_qubits)
            .field("precision", &self.precision())
            .field("parallel", &self.placement.pool.is_some())
            .finish()
    }
}

macro_rules! with_amps {
    ($self:expr, $v:ident => $body:expr) => {
        match &$self.amps {
            StateVector::Single($v) => $body,
            StateVector::Double($v) => $body,
        }
    };
    (mut $self:expr, $v:ident => $body:expr) => {
        match &mut $self.amps {
            StateVector::Single($v) => $body,
            StateVector::Double($v) => $body,
        }
    };
}

/// Both states' amplitudes, which must have the same precision and length.
macro_rules! with_pair {
    ($a:expr, $b:expr, $x:ident, $y:ident => $body:expr) => {
        match (&mut $a.amps, &$b.amps) {
            (StateVector::Single($x), StateVector::Single($y)) if $x.len() == $y.len() => $body,
            (StateVector::Double($x), StateVector::Double($y)) if $x.len() == $y.len() => $body,
            _ => return Err(mismatch()),
        }
    };
}

fn mismatch() -> Error {
    Error::invalid("the two states differ in precision or qubit count")
}

impl CpuState {
    pub(crate) fn new(
        num_qubits: u32,
        precision: Precision,
        limit: Option<u64>,
        placement: Placement,
    ) -> Result<Self> {
        check_fits(num_qubits, precision, limit)?;
        let len = 1usize << num_qubits;
        let exec = placement.exec();
        let amps = match precision {
            Precision::Single => StateVector::Single(alloc_zero_state(exec, len, num_qubits)?),
            Precision::Double => StateVector::Double(alloc_zero_state(exec, len, num_qubits)?),
        };
        Ok(CpuState {
            num_qubits,
            amps,
            placement,
        })
    }

    /// The amplitudes.
    pub fn amplitudes(&self) -> &StateVector {
        &self.amps
    }

    /// The amplitudes, mutably (their count and precision are fixed): for a caller that
    /// moves amplitudes itself, as the MPI backend exchanging slices between ranks.
    pub fn amplitudes_mut(&mut self) -> AmplitudesMut<'_> {
        match &mut self.amps {
            StateVector::Single(v) => AmplitudesMut::Single(v),
            StateVector::Double(v) => AmplitudesMut::Double(v),
        }
    }

    fn exec(&self) -> Exec<'_> {
        self.placement.exec()
    }
}

/// Qubits of one cache block: consecutive ops on qubits below it are applied chunk by
/// chunk, so the chunk stays in the core's cache across all of them (0: off).
fn block_bits<T: Real>(exec: Exec<'_>) -> u32 {
    let amps = exec.cache_block_bytes / std::mem::size_of::<Complex<T>>();
    if amps < 2 {
        0
    } else {
        amps.ilog2()
    }
}

fn prepare<T: Real>(op: &Op, num_qubits: u32, simd: Option<Isa>) -> Result<Prepared<T>> {
    match op {
        Op::Dense {
            targets,
            controls,
            matrix,
        } => Prepared::dense(num_qubits, targets, controls, matrix.data(), simd),
        Op::Diagonal {
            targets,
            controls,
            diag,
        } => Ok(Prepared::diagonal(
            num_qubits, targets, controls, diag, simd,
        )),
        other => Err(Error::invalid(format!(
            "only unitary ops can be applied as a run, got {other:?}"
        ))),
    }
}

/// Bytes of each state's block in [`inner_layer::inner_layer`] (the derivative products
/// of a layer): both blocks stay in a core's cache while every member's sums are taken.
/// Dense members on qubits above the block cost a pass over both states each, so larger
/// is better while the blocks fit: on a 2-core EPYC with 1 MiB L2 per core, the
/// gradient benchmark's products at 16 qubits took 1.13x as long with 16 KiB blocks
/// (`gradient_profile` example, one thread).
const INNER_BLOCK_BYTES: usize = 256 * 1024;

/// Applies a run of unitary ops: cache-blocked tiles where a run fits one, else op by
/// op; `interrupt` is polled between passes over the state.
fn apply_run<T: Real>(
    exec: Exec<'_>,
    v: &mut [Complex<T>],
    n: u32,
    ops: &[Op],
    interrupt: &Interrupt<'_>,
) -> Result<()> {
    let tiling = Tiling::new(n, block_bits::<T>(exec));
    let mut i = 0;
    while i < ops.len() {
        if i > 0 {
            interrupt.check()?;
        }
        if let Some(tiling) = tiling {
            let (run, high) = tiling.run(&ops[i..]);
            if run > 0 {
                tiling.apply(exec, v, None, n, &high, &ops[i..i + run])?;
                i += run;
                continue;
            }
        }
        prepare::<T>(&ops[i], n, exec.simd)?.apply(exec, v);
        i += 1;
    }
    Ok(())
}

/// `v = src`, then `ops`: the copy rides on the first cache-blocked run when there is
/// one (one pass over memory for both).
fn copy_apply_run<T: Real>(
    exec: Exec<'_>,
    v: &mut [Complex<T>],
    src: &[Complex<T>],
    n: u32,
    ops: &[Op],
    interrupt: &Interrupt<'_>,
) -> Result<()> {
    if let Some(tiling) = Tiling::new(n, block_bits::<T>(exec)) {
        let (run, high) = tiling.run_of(ops, 1);
        if run > 0 {
            tiling.apply(exec, v, Some(src), n, &high, &ops[..run])?;
            return apply_run(exec, v, n, &ops[run..], interrupt);
        }
    }
    algebra::copy(exec, v, src);
    apply_run(exec, v, n, ops, interrupt)
}

impl StatePrimitives for CpuState {
    fn num_qubits(&self) -> u32 {
        self.num_qubits
    }

    fn precision(&self) -> Precision {
        match self.amps {
            StateVector::Single(_) => Precision::Single,
            StateVector::Double(_) => Precision::Double,
        }
    }

    fn apply(&mut self, ops: &[Op], interrupt: &Interrupt<'_>) -> Result<()> {
        let n = self.num_qubits;
        let exec = self.placement.exec();
        match &mut self.amps {
            StateVector::Single(v) => apply_run(exec, v, n, ops, interrupt),
            StateVector::Double(v) => apply_run(exec, v, n, ops, interrupt),
        }
    }

    fn probability_one(&mut self, qubit: u32) -> Result<(f64, f64)> {
        check_qubit(qubit, self.num_qubits)?;
        let exec = self.exec();
        Ok(with_amps!(self, v => (
            kernels::probability_one(exec, v, qubit),
            algebra::norm_sqr(exec, v)
        )))
    }

    fn collapse(&mut self, qubit: u32, outcome: bool, kept: f64, reset: bool) -> Result<()> {
        check_qubit(qubit, self.num_qubits)?;
        let exec = self.placement.exec();
        with_amps!(mut self, v => kernels::collapse(exec, v, qubit, outcome, kept, reset));
        Ok(())
    }

    fn set_zero(&mut self) -> Result<()> {
        let exec = self.placement.exec();
        with_amps!(mut self, v => {
            algebra::zero(exec, v);
            v[0] = cast(Complex64::new(1.0, 0.0));
        });
        Ok(())
    }

    fn set_amplitudes(&mut self, amps: &[Complex64]) -> Result<()> {
        if amps.len() != 1usize << self.num_qubits {
            return Err(Error::invalid(format!(
                "expected {} amplitudes, got {}",
                1usize << self.num_qubits,
                amps.len()
            )));
        }
        with_amps!(mut self, v => {
            for (d, s) in v.iter_mut().zip(amps) {
                *d = cast(*s);
            }
        });
        Ok(())
    }

    fn copy_from(&mut self, other: &Self) -> Result<()> {
        let exec = self.placement.exec();
        with_pair!(self, other, a, b => algebra::copy(exec, a, b));
        Ok(())
    }

    fn copy_apply(&mut self, source: &Self, ops: &[Op], interrupt: &Interrupt<'_>) -> Result<()> {
        let n = self.num_qubits;
        let exec = self.placement.exec();
        with_pair!(self, source, a, b => copy_apply_run(exec, a, b, n, ops, interrupt))
    }

    /// On the thread pool, the two states' runs go side by side (`rayon::join`, each
    /// run's kernels still split over the pool): no thread waits for the others at
    /// the end of every pass of one state.
    fn apply_both(
        &mut self,
        other: &mut Self,
        ops: &[Op],
        interrupt: &Interrupt<'_>,
    ) -> Result<()> {
        if self.num_qubits != other.num_qubits || self.precision() != other.precision() {
            return Err(mismatch());
        }
        let Some(pool) = self.placement.pool.clone() else {
            self.apply(ops, interrupt)?;
            return other.apply(ops, interrupt);
        };
        let (a, b) = pool.install(|| {
            rayon::join(
                || self.apply(ops, interrupt),
                || other.apply(ops, interrupt),
            )
        });
        a.and(b)
    }

    fn apply_observable(&self, observable: &Observable, out: &mut Self) -> Result<()> {
        observable.check_fits(self.num_qubits)?;
        let exec = self.exec();
        with_pair!(out, self, o, a => expectation::apply_observable(exec, a, observable, o));
        Ok(())
    }

    /// One pass over both states for uncontrolled dense ops of up to 6 targets and
    /// uncontrolled diagonals (what the adjoint gradient applies); anything else
    /// through `scratch`.
    fn inner_product_op(&self, op: &Op, other: &Self, scratch: &mut Self) -> Result<Complex64> {
        let n = self.num_qubits;
        let exec = self.exec();
        let fits = |targets: &[u32], entries: usize, square: bool| {
            let k = targets.len();
            k <= 6
                && targets.iter().all(|&t| t < n)
                && entries
                    == if square {
                        1usize << (2 * k)
                    } else {
                        1usize << k
                    }
        };
        macro_rules! pair {
            ($a:ident, $b:ident => $body:expr) => {
                match (&self.amps, &other.amps) {
                    (StateVector::Single($a), StateVector::Single($b)) if $a.len() == $b.len() => {
                        Ok($body)
                    }
                    (StateVector::Double($a), StateVector::Double($b)) if $a.len() == $b.len() => {
                        Ok($body)
                    }
                    _ => Err(mismatch()),
                }
            };
        }
        match op {
            Op::Dense {
                targets,
                controls,
                matrix,
            } if controls.is_empty() && fits(targets, matrix.data().len(), true) => {
                pair!(a, b => algebra::inner_dense(exec, a, targets, matrix.data(), b))
            }
            Op::Diagonal {
                targets,
                controls,
                diag,
            } if controls.is_empty() && fits(targets, diag.len(), false) => {
                pair!(a, b => algebra::inner_diagonal(exec, a, targets, diag, b))
            }
            _ => ferroq_core::primitives::inner_product_op_via(self, op, other, scratch),
        }
    }

    /// One-qubit uncontrolled ops (the local derivatives of a layer of rotations) share
    /// one pass over both states ([`inner_layer::inner_layer`], in cache-sized blocks);
    /// dense ones on qubits above the block go op by op, as does anything else.
    fn inner_products_op(
        &self,
        ops: &[Op],
        other: &Self,
        scratch: &mut Self,
    ) -> Result<Vec<Complex64>> {
        let n = self.num_qubits;
        let exec = self.exec();
        let size = match &self.amps {
            StateVector::Single(_) => std::mem::size_of::<Complex<f32>>(),
            StateVector::Double(_) => std::mem::size_of::<Complex<f64>>(),
        };
        // Blocks of `INNER_BLOCK_BYTES` per state; at least 2^10 amplitudes.
        let block_bits = (INNER_BLOCK_BYTES / size).ilog2().max(10).min(n);
        let mut members = Vec::new();
        let mut slots = Vec::new();
        for (k, op) in ops.iter().enumerate() {
            let member = match op {
                Op::Dense {
                    targets,
                    controls,
                    matrix,
                } if controls.is_empty()
                    && targets.len() == 1
                    && targets[0] < block_bits
                    && matrix.data().len() == 4 =>
                {
                    let m = matrix.data();
                    Some(inner_layer::LayerMember::Dense(
                        targets[0],
                        [m[0], m[1], m[2], m[3]],
                    ))
                }
                Op::Diagonal {
                    targets,
                    controls,
                    diag,
                } if controls.is_empty()
                    && targets.len() == 1
                    && targets[0] < n
                    && diag.len() == 2 =>
                {
                    Some(inner_layer::LayerMember::Diagonal(
                        targets[0],
                        [diag[0], diag[1]],
                    ))
                }
                _ => None,
            };
            if let Some(m) = member {
                members.push(m);
                slots.push(k);
            }
        }
        let mut out = vec![Complex64::new(0.0, 0.0); ops.len()];
        if members.len() > 1 {
            let shared = match (&self.amps, &other.amps) {
                (StateVector::Single(a), StateVector::Single(b)) if a.len() == b.len() => {
                    inner_layer::inner_layer(exec, a, b, &members, block_bits)
                }
                (StateVector::Double(a), StateVector::Double(b)) if a.len() == b.len() => {
                    inner_layer::inner_layer(exec, a, b, &members, block_bits)
                }
                _ => return Err(mismatch()),
            };
            for (&k, v) in slots.iter().zip(shared) {
                out[k] = v;
            }
        } else {
            slots.clear();
        }
        let mut shared = vec![false; ops.len()];
        for &k in &slots {
            shared[k] = true;
        }
        for (k, op) in ops.iter().enumerate() {
            if !shared[k] {
                out[k] = self.inner_product_op(op, other, scratch)?;
            }
        }
        Ok(out)
    }

    fn inner_product(&self, other: &Self) -> Result<Complex64> {
        let exec = self.exec();
        match (&self.amps, &other.amps) {
            (StateVector::Single(a), StateVector::Single(b)) if a.len() == b.len() => {
                Ok(algebra::inner(exec, a, b))
            }
            (StateVector::Double(a), StateVector::Double(b)) if a.len() == b.len() => {
                Ok(algebra::inner(exec, a, b))
            }
            _ => Err(mismatch()),
        }
    }

    fn norm_sqr(&self) -> Result<f64> {
        let exec = self.exec();
        Ok(with_amps!(self, v => algebra::norm_sqr(exec, v)))
    }

    fn scale(&mut self, a: Complex64) -> Result<()> {
        let exec = self.placement.exec();
        with_amps!(mut self, v => algebra::scale(exec, v, a));
        Ok(())
    }

    fn add_scaled(&mut self, a: Complex64, x: &Self) -> Result<()> {
        let exec = self.placement.exec();
        with_pair!(self, x, s, y => algebra::add_scaled(exec, s, a, y));
        Ok(())
    }

    fn into_state_vector(self) -> Result<StateVector> {
        Ok(self.amps)
    }

    fn state_vector(&self) -> Result<StateVector> {
        let bytes = self
            .precision()
            .state_bytes(self.num_qubits)
            .unwrap_or(u128::MAX);
        ferroq_core::memory::check_host_bytes(bytes, "a copy of the state vector", None)?;
        let (exec, n) = (self.exec(), self.num_qubits);
        Ok(match &self.amps {
            StateVector::Single(v) => StateVector::Single(copy_state(exec, v, n)?),
            StateVector::Double(v) => StateVector::Double(copy_state(exec, v, n)?),
        })
    }

    fn probabilities(&self) -> Result<Vec<f64>> {
        let bytes = 8u128 << self.num_qubits;
        ferroq_core::memory::check_host_bytes(bytes, "the probabilities", None)?;
        let exec = self.exec();
        Ok(with_amps!(self, v => readout::probabilities(exec, v)))
    }

    fn marginal(&self, qubits: &[u32]) -> Result<Vec<f64>> {
        let exec = self.exec();
        Ok(with_amps!(self, v => readout::marginal(exec, v, qubits)))
    }

    fn expectations(&self, observables: &[Observable]) -> Result<Vec<f64>> {
        let exec = self.exec();
        Ok(observables
            .iter()
            .map(|o| with_amps!(self, v => expectation::expectation(exec, v, o)))
            .collect())
    }

    fn locate_sorted(&self, uniforms: &[f64]) -> Result<Vec<u64>> {
        let exec = self.exec();
        with_amps!(self, v => readout::locate_sorted(exec, v, uniforms))
    }

    fn reduced_density_matrix(&self, qubits: &[u32]) -> Result<Vec<Complex64>> {
        if qubits.is_empty() || qubits.len() > 6 {
            return Err(Error::invalid(format!(
                "reduced density matrix of {} qubits: 1 to 6 are supported",
                qubits.len()
            )));
        }
        for (i, &q) in qubits.iter().enumerate() {
            check_qubit(q, self.num_qubits)?;
            if qubits[..i].contains(&q) {
                return Err(Error::invalid(format!("qubit {q} named twice")));
            }
        }
        let exec = self.exec();
        Ok(with_amps!(self, v => readout::reduced_density_matrix(exec, v, qubits)))
    }
}

fn check_qubit(qubit: u32, num_qubits: u32) -> Result<()> {
    if qubit >= num_qubits {
        return Err(Error::QubitOutOfRange { qubit, num_qubits });
    }
    Ok(())
}
