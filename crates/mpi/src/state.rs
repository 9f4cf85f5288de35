//! `MpiState`: one rank's slice of a distributed state (a `CpuState` of the local
//! qubits) and the qubit relabelling; the state primitives over it. Every method is
//! collective: all ranks call it in the same order with the same arguments, and all
//! get the same result.

use crate::comm;
use crate::exchange::swap_global_local;
use crate::layout::Layout;
use ferroq_core::{
    Complex64, Error, Interrupt, Matrix, Observable, Op, Precision, Result, StatePrimitives,
    StateVector,
};
use ferroq_cpu::{AmplitudesMut, CpuState};
use std::sync::{PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};

/// One rank's part of a state split over `2^k` ranks: the low `n - k` qubits index its
/// slice (a [`CpuState`] run by the CPU backend's kernels), the top `k` are the bits of
/// its rank number. States too small to leave [`MpiOptions::min_local_qubits`]
/// (crate::MpiOptions::min_local_qubits) local qubits per rank use fewer global qubits,
/// and groups of ranks then hold identical copies.
///
/// The slice and the relabelling of qubits left by exchanges are behind locks: reads
/// that need the logical order (state vector, probabilities, sampling) undo the
/// relabelling, which changes where amplitudes are but not the state. Calls on one
/// state must not run concurrently (they are collective over the ranks anyway).
pub struct MpiState {
    pub(crate) n: u32,
    /// Global qubits of this state.
    pub(crate) global: u32,
    /// This rank's slice number (`rank mod 2^global`).
    pub(crate) slice: u64,
    /// The rank that adds a slice to reductions (copies of it add nothing).
    pub(crate) leader: bool,
    pub(crate) chunk: usize,
    pub(crate) local: RwLock<CpuState>,
    pub(crate) layout: RwLock<Layout>,
}

impl std::fmt::Debug for MpiState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MpiState")
            .field("num_qubits", &self.n)
            .field("global_qubits", &self.global)
            .field("slice", &self.slice)
            .finish()
    }
}

/// Reads through a lock (a poisoned one still holds a consistent value: every write
/// here is a plain assignment or a kernel pass).
pub(crate) fn rd<T>(l: &RwLock<T>) -> RwLockReadGuard<'_, T> {
    l.read().unwrap_or_else(PoisonError::into_inner)
}

/// Writes through a lock.
pub(crate) fn wr<T>(l: &RwLock<T>) -> RwLockWriteGuard<'_, T> {
    l.write().unwrap_or_else(PoisonError::into_inner)
}

/// The value of a lock held exclusively.
pub(crate) fn mutref<T>(l: &mut RwLock<T>) -> &mut T {
    l.get_mut().unwrap_or_else(PoisonError::into_inner)
}

/// The error every rank returns when `result` failed on some rank: its own error where
/// it failed, else a note that another rank did.
pub(crate) fn agree<T>(result: Result<T>) -> Result<T> {
    if comm::all_true(result.is_ok()) {
        return result;
    }
    match result {
        Err(e) => Err(e),
        Ok(_) => Err(Error::Device {
            reason: "the same call failed on another MPI rank".into(),
        }),
    }
}

impl MpiState {
    /// Local qubits (the slice has `2^local` amplitudes).
    pub fn local_qubits(&self) -> u32 {
        self.n - self.global
    }
    /// Global qubits: the state is split over `2^global` slices.
    pub fn global_qubits(&self) -> u32 {
        self.global
    }
    /// `true` when the state's qubits are at their own positions (no exchange pending).
    pub fn in_logical_order(&self) -> bool {
        rd(&self.layout).is_identity()
    }

    /// This rank's bit at physical position `pos` (a global one).
    pub(crate) fn global_bit(&self, pos: u32) -> bool {
        (self.slice >> (pos - self.local_qubits())) & 1 == 1
    }

    /// Swaps the contents of global position `g` and local position `p`.
    pub(crate) fn exchange(&self, g: u32, p: u32) {
        let l = self.local_qubits();
        let bit = self.global_bit(g);
        let partner = comm_partner(g - l);
        let mut local = wr(&self.local);
        match local.amplitudes_mut() {
            AmplitudesMut::Single(v) => swap_global_local(v, p, bit, partner, self.chunk),
            AmplitudesMut::Double(v) => swap_global_local(v, p, bit, partner, self.chunk),
        }
        wr(&self.layout).swap_positions(g, p);
    }

    /// Makes every qubit of `qubits` local, swapping out local qubits not in `qubits`
    /// chosen by [`Layout::victim`] with `upcoming` as the look-ahead.
    pub(crate) fn localize(&self, qubits: &[u32], upcoming: &[Op]) -> Result<()> {
        for &q in qubits {
            let (g, victim) = {
                let layout = rd(&self.layout);
                if layout.is_local(q) {
                    continue;
                }
                (layout.phys(q), layout.victim(qubits, upcoming))
            };
            let p = victim.ok_or_else(|| Error::Unsupported {
                backend: "mpi".into(),
                reason: format!(
                    "{} qubits must be local at once but each rank holds {} local qubits; \
                     use fewer ranks or raise min_local_qubits",
                    qubits.len(),
                    self.local_qubits()
                ),
            })?;
            self.exchange(g, p);
        }
        Ok(())
    }

    /// Brings every qubit back to its own position (exchanges for the global ones,
    /// local SWAPs for the rest).
    pub(crate) fn normalize(&self) -> Result<()> {
        if rd(&self.layout).is_identity() {
            return Ok(());
        }
        let l = self.local_qubits();
        for g in l..self.n {
            let (here, mut pos) = {
                let layout = rd(&self.layout);
                (layout.logical_at(g), layout.phys(g))
            };
            if here == g {
                continue;
            }
            if pos >= l {
                // Qubit `g` sits at another global position: through a local one first.
                let p = rd(&self.layout)
                    .victim(&[], &[])
                    .ok_or_else(|| Error::invalid("no local qubit to exchange through"))?;
                self.exchange(pos, p);
                pos = p;
            }
            self.exchange(g, pos);
        }
        let swap = Matrix::new(
            4,
            [1, 0, 0, 0, 0, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 1]
                .iter()
                .map(|&x| Complex64::new(x as f64, 0.0))
                .collect(),
        )?;
        let mut ops = Vec::new();
        let mut layout = wr(&self.layout);
        for p in 0..l {
            let pos = layout.phys(p);
            if pos != p {
                ops.push(Op::Dense {
                    targets: vec![p, pos],
                    controls: vec![],
                    matrix: swap.clone(),
                });
                layout.swap_positions(p, pos);
            }
        }
        drop(layout);
        agree(wr(&self.local).apply(&ops, &Interrupt::none()))
    }

    /// The physical local controls of `controls`, or `None` when a global control is 0
    /// on this rank (the op does nothing here).
    fn local_controls(&self, controls: &[u32]) -> Option<Vec<u32>> {
        let layout = rd(&self.layout);
        let l = self.local_qubits();
        let mut out = Vec::with_capacity(controls.len());
        for &c in controls {
            let p = layout.phys(c);
            if p < l {
                out.push(p);
            } else if !self.global_bit(p) {
                return None;
            }
        }
        Some(out)
    }

    /// The op as this rank runs it on its slice (targets made local already for dense
    /// ops), or `None` when it does nothing here; a diagonal on global qubits only
    /// multiplies `scalar`.
    fn local_op(&self, op: &Op, scalar: &mut Complex64) -> Result<Option<Op>> {
        let layout = rd(&self.layout);
        let l = self.local_qubits();
        Ok(match op {
            Op::Dense {
                targets,
                controls,
                matrix,
            } => self.local_controls(controls).map(|controls| Op::Dense {
                targets: targets.iter().map(|&t| layout.phys(t)).collect(),
                controls,
                matrix: matrix.clone(),
            }),
            Op::Diagonal {
                targets,
                controls,
                diag,
            } => {
                let Some(controls) = self.local_controls(controls) else {
                    return Ok(None);
                };
                let mut fixed = 0usize;
                let mut local_bits = Vec::new();
                let mut local_targets = Vec::new();
                for (j, &t) in targets.iter().enumerate() {
                    let p = layout.phys(t);
                    if p < l {
                        local_bits.push(j);
                        local_targets.push(p);
                    } else if self.global_bit(p) {
                        fixed |= 1 << j;
                    }
                }
                let reduced: Vec<Complex64> = (0..1usize << local_bits.len())
                    .map(|i| {
                        let full = local_bits
                            .iter()
                            .enumerate()
                            .fold(fixed, |acc, (b, &j)| acc | ((i >> b) & 1) << j);
                        diag[full]
                    })
                    .collect();
                if !local_targets.is_empty() {
                    Some(Op::Diagonal {
                        targets: local_targets,
                        controls,
                        diag: reduced,
                    })
                } else if !controls.is_empty() {
                    // A phase on the controls' all-ones state.
                    let mut d = vec![Complex64::new(1.0, 0.0); 1 << controls.len()];
                    d[(1 << controls.len()) - 1] = reduced[0];
                    Some(Op::Diagonal {
                        targets: controls,
                        controls: vec![],
                        diag: d,
                    })
                } else {
                    *scalar *= reduced[0];
                    None
                }
            }
            other => {
                return Err(Error::invalid(format!(
                    "only unitary ops can be applied as a run, got {other:?}"
                )))
            }
        })
    }

    /// Runs `batch` and then the phase `scalar` on the slice (errors agreed between
    /// ranks) and resets both: done before every exchange, since a per-rank phase
    /// belongs to the amplitudes the rank holds now.
    fn flush(&self, batch: &mut Vec<Op>, scalar: &mut Complex64) -> Result<()> {
        let one = Complex64::new(1.0, 0.0);
        let result = if batch.is_empty() && *scalar == one {
            Ok(())
        } else {
            let mut local = wr(&self.local);
            let r = local.apply(batch, &Interrupt::none());
            if *scalar != one {
                r.and_then(|_| local.scale(*scalar))
            } else {
                r
            }
        };
        batch.clear();
        *scalar = one;
        agree(result)
    }

    /// [`StatePrimitives::apply`] through the locks (reads rotate bases with it).
    pub(crate) fn apply_ref(&self, ops: &[Op], interrupt: &Interrupt<'_>) -> Result<()> {
        for op in ops {
            check_op(op, self.n)?;
        }
        comm::check_interrupt(interrupt)?;
        let mut batch = Vec::new();
        let mut scalar = Complex64::new(1.0, 0.0);
        for (i, op) in ops.iter().enumerate() {
            if let Some((a, b)) = plain_swap(op) {
                // A SWAP is a relabelling: no amplitude moves, on any rank.
                let mut layout = wr(&self.layout);
                let (pa, pb) = (layout.phys(a), layout.phys(b));
                layout.swap_positions(pa, pb);
                continue;
            }
            if let Op::Dense { targets, .. } = op {
                let needs = {
                    let layout = rd(&self.layout);
                    targets.iter().any(|&t| !layout.is_local(t))
                };
                if needs {
                    self.flush(&mut batch, &mut scalar)?;
                    comm::check_interrupt(interrupt)?;
                    self.localize(targets, &ops[i + 1..])?;
                }
            }
            if let Some(local) = self.local_op(op, &mut scalar)? {
                batch.push(local);
            }
        }
        self.flush(&mut batch, &mut scalar)
    }
}

/// The two qubits of an uncontrolled SWAP (exactly the permutation matrix), else `None`.
fn plain_swap(op: &Op) -> Option<(u32, u32)> {
    let Op::Dense {
        targets,
        controls,
        matrix,
    } = op
    else {
        return None;
    };
    if targets.len() != 2 || !controls.is_empty() {
        return None;
    }
    let swap = [0usize, 6, 9, 15];
    let exact = matrix.data().iter().enumerate().all(|(i, z)| {
        let want = if swap.contains(&i) { 1.0 } else { 0.0 };
        z.re == want && z.im == 0.0
    });
    exact.then(|| (targets[0], targets[1]))
}

/// The rank that differs from this one in bit `j` of the rank number.
fn comm_partner(j: u32) -> i32 {
    let (rank, _) = comm::world_rank_size().unwrap_or((0, 1));
    rank ^ (1 << j)
}

/// Checks the qubits, their distinctness and the matrix size of a unitary op (the same
/// verdict on every rank, before any rank skips the op).
fn check_op(op: &Op, n: u32) -> Result<()> {
    let (targets, controls, entries, square) = match op {
        Op::Dense {
            targets,
            controls,
            matrix,
        } => (targets, controls, matrix.data().len(), true),
        Op::Diagonal {
            targets,
            controls,
            diag,
        } => (targets, controls, diag.len(), false),
        other => {
            return Err(Error::invalid(format!(
                "only unitary ops can be applied as a run, got {other:?}"
            )))
        }
    };
    let all: Vec<u32> = targets.iter().chain(controls).copied().collect();
    for (i, &q) in all.iter().enumerate() {
        if q >= n {
            return Err(Error::QubitOutOfRange {
                qubit: q,
                num_qubits: n,
            });
        }
        if all[..i].contains(&q) {
            return Err(Error::invalid(format!("an op names qubit {q} twice")));
        }
    }
    let k = targets.len() as u32;
    let want = if square {
        1usize << (2 * k)
    } else {
        1usize << k
    };
    if k > 12 || entries != want {
        return Err(Error::invalid(format!(
            "an op on {k} targets needs {want} entries, got {entries}"
        )));
    }
    Ok(())
}

impl StatePrimitives for MpiState {
    fn num_qubits(&self) -> u32 {
        self.n
    }

    fn precision(&self) -> Precision {
        rd(&self.local).precision()
    }

    /// Ops on local qubits go to the slice in runs (so the CPU's cache blocking still
    /// applies); a dense op on a global qubit first exchanges it with the local qubit
    /// needed furthest ahead in `ops`; controls and diagonal targets on global qubits
    /// are resolved per rank without communication.
    fn apply(&mut self, ops: &[Op], interrupt: &Interrupt<'_>) -> Result<()> {
        self.apply_ref(ops, interrupt)
    }

    fn probability_one(&mut self, qubit: u32) -> Result<(f64, f64)> {
        check_qubit(qubit, self.n)?;
        let p = rd(&self.layout).phys(qubit);
        let mut v = if p < self.local_qubits() {
            let (p1, norm) = mutref(&mut self.local).probability_one(p)?;
            [p1, norm]
        } else {
            let norm = mutref(&mut self.local).norm_sqr()?;
            [if self.global_bit(p) { norm } else { 0.0 }, norm]
        };
        if !self.leader {
            v = [0.0, 0.0];
        }
        comm::sum_f64(&mut v);
        Ok((v[0], v[1]))
    }

    fn collapse(&mut self, qubit: u32, outcome: bool, kept: f64, reset: bool) -> Result<()> {
        check_qubit(qubit, self.n)?;
        if reset {
            self.localize(&[qubit], &[])?;
        }
        let p = rd(&self.layout).phys(qubit);
        let here = p >= self.local_qubits() && self.global_bit(p) == outcome;
        let local = mutref(&mut self.local);
        if p < self.n - self.global {
            local.collapse(p, outcome, kept, reset)
        } else if here {
            local.scale(Complex64::new(1.0 / kept.sqrt(), 0.0))
        } else {
            local.scale(Complex64::new(0.0, 0.0))
        }
    }

    fn set_zero(&mut self) -> Result<()> {
        *mutref(&mut self.layout) = Layout::identity(self.n, self.local_qubits());
        let local = mutref(&mut self.local);
        local.set_zero()?;
        if self.slice != 0 {
            local.scale(Complex64::new(0.0, 0.0))?;
        }
        Ok(())
    }

    fn set_amplitudes(&mut self, amps: &[Complex64]) -> Result<()> {
        if amps.len() as u128 != 1u128 << self.n {
            return Err(Error::invalid(format!(
                "expected {} amplitudes, got {}",
                1u128 << self.n,
                amps.len()
            )));
        }
        *mutref(&mut self.layout) = Layout::identity(self.n, self.local_qubits());
        let len = 1usize << self.local_qubits();
        let start = self.slice as usize * len;
        mutref(&mut self.local).set_amplitudes(&amps[start..start + len])
    }

    fn copy_from(&mut self, other: &Self) -> Result<()> {
        self.check_same(other)?;
        *mutref(&mut self.layout) = rd(&other.layout).clone();
        mutref(&mut self.local).copy_from(&rd(&other.local))
    }

    fn apply_observable(&self, observable: &Observable, out: &mut Self) -> Result<()> {
        self.apply_observable_impl(observable, out)
    }

    fn inner_product(&self, other: &Self) -> Result<Complex64> {
        self.check_same(other)?;
        self.align_with(other)?;
        let z = rd(&self.local).inner_product(&rd(&other.local))?;
        let mut v = if self.leader { [z.re, z.im] } else { [0.0; 2] };
        comm::sum_f64(&mut v);
        Ok(Complex64::new(v[0], v[1]))
    }

    fn norm_sqr(&self) -> Result<f64> {
        let mut v = [if self.leader {
            rd(&self.local).norm_sqr()?
        } else {
            0.0
        }];
        comm::sum_f64(&mut v);
        Ok(v[0])
    }

    fn scale(&mut self, a: Complex64) -> Result<()> {
        mutref(&mut self.local).scale(a)
    }

    fn add_scaled(&mut self, a: Complex64, x: &Self) -> Result<()> {
        self.check_same(x)?;
        self.align_with(x)?;
        mutref(&mut self.local).add_scaled(a, &rd(&x.local))
    }

    fn state_vector(&self) -> Result<StateVector> {
        self.gather_state_vector()
    }

    fn probabilities(&self) -> Result<Vec<f64>> {
        self.gather_probabilities()
    }

    fn marginal(&self, qubits: &[u32]) -> Result<Vec<f64>> {
        self.marginal_impl(qubits)
    }

    fn expectations(&self, observables: &[Observable]) -> Result<Vec<f64>> {
        self.expectations_impl(observables)
    }

    fn locate_sorted(&self, uniforms: &[f64]) -> Result<Vec<u64>> {
        self.locate_sorted_impl(uniforms)
    }
}

impl MpiState {
    /// Both states must come from the same backend and have the same qubit count.
    fn check_same(&self, other: &Self) -> Result<()> {
        if self.n != other.n || self.global != other.global {
            return Err(Error::invalid(
                "the two states differ in qubit count or distribution",
            ));
        }
        Ok(())
    }

    /// Puts both states in the same layout (the logical order, unless they agree).
    fn align_with(&self, other: &Self) -> Result<()> {
        if std::ptr::eq(self, other) || *rd(&self.layout) == *rd(&other.layout) {
            return Ok(());
        }
        self.normalize()?;
        other.normalize()
    }
}

pub(crate) fn check_qubit(qubit: u32, num_qubits: u32) -> Result<()> {
    if qubit >= num_qubits {
        return Err(Error::QubitOutOfRange { qubit, num_qubits });
    }
    Ok(())
}
