//! State-update kernels by shape: dense 1-, 2- and k-qubit matrices (optionally
//! controlled), diagonals, and the probability and collapse steps of measurement.
//!
//! A kernel op is first *prepared* for a state size (index plan, matrix in the state's
//! precision) and can then be applied to any state — or chunk of a state — of that size
//! without further set-up; cache blocking relies on this.

use crate::exec::{Exec, SharedMut};
use crate::layout::{BitGather, Plan};
use crate::pairs::{for_pairs, sum_pairs};
use crate::scalar::{cast, Real};
use crate::simd::{self, Isa, LaneMatrix, MonomialLanes, MonomialVectors};
use ferroq_core::{Error, Result};
use num_complex::{Complex, Complex64};

/// Largest dense op accepted at all: its matrix alone has `4^k` entries.
pub(crate) const MAX_DENSE_QUBITS: usize = 12;

/// Widest permutation that runs as a dense matrix where the SIMD kernels run and the
/// vector kernel for permutations does not (a target inside one vector): a 2-qubit
/// dense group costs a few vector FMAs per amplitude, less than moving it element by
/// element; at 3-4 qubits (permutation blocks from the fuser) the FMAs grow 4x and the
/// moves win.
const MAX_SIMD_PERMUTATION_AS_DENSE: usize = 2;

/// Largest qubit set a diagonal is expanded over (its table has `2^k` entries).
const MAX_DIAGONAL_TABLE_QUBITS: usize = 16;

/// Smallest target qubit of the contiguous half-block kernel: below it the pairs are
/// too short for whole vectors and the index-plan kernel is faster.
const MIN_PAIR_TARGET: u32 = 3;

/// A dense matrix in the SIMD kernels' layouts.
pub(crate) struct SimdMatrix<T> {
    /// The kernel family it was packed for.
    isa: Isa,
    packed: Vec<T>,
    /// For the across-groups kernel, where it applies: the coefficients and the vector
    /// width (complex numbers) they were packed for.
    across: Option<(Vec<T>, usize)>,
    /// Each vector's output rows are adjacent in memory.
    contig: bool,
}

/// A unitary op ready to apply to states of a fixed qubit count.
pub(crate) enum Prepared<T: Real> {
    /// Uncontrolled 1-qubit matrix on a target of at least `MIN_PAIR_TARGET`:
    /// contiguous half-block pairs.
    Pair { target: u32, m: [Complex<T>; 4] },
    /// Dense k-qubit matrix, possibly controlled, through an index plan.
    Dense {
        plan: Plan,
        m: Vec<Complex<T>>,
        k: usize,
        simd: Option<SimdMatrix<T>>,
    },
    /// Dense matrix with a target inside one SIMD vector, in the in-register layout.
    Lanes(LaneMatrix<T>),
    /// Permutation with phases across neighbouring groups, whole SIMD vectors at a time.
    Monomial(MonomialVectors<T>),
    /// Permutation with phases with a target inside one SIMD vector, in registers.
    MonomialLanes(MonomialLanes<T>),
    /// Dense matrix with one non-zero per row (X, CX, SWAP, Toffoli, with phases):
    /// output `r` of a group is input `src[r]` times `phase[r]`, so the kernel only
    /// moves amplitudes (and scales them where a phase is not 1).
    Perm {
        plan: Plan,
        src: Vec<usize>,
        phase: Option<Vec<Complex<T>>>,
    },
    /// Uncontrolled 1-qubit diagonal on a target of at least `MIN_PAIR_TARGET`.
    DiagPair { target: u32, d: [Complex<T>; 2] },
    /// Diagonal (controls folded in) through a byte-wise index gather.
    DiagTable {
        gather: BitGather,
        table: Vec<Complex<T>>,
        /// The lowest qubit the table depends on.
        lowest: u32,
        /// The table expanded per vector lane (SIMD, low qubits; see
        /// [`simd::lane_table`]).
        lanes: Option<Vec<Complex<T>>>,
    },
    /// Diagonal with too many controls for a table: only the controlled part is visited.
    DiagSparse { plan: Plan, d: Vec<Complex<T>> },
}

impl<T: Real> Prepared<T> {
    /// Prepares a dense op for states of `num_qubits` qubits; with a kernel family
    /// `simd`, also in that family's layout.
    pub(crate) fn dense(
        num_qubits: u32,
        targets: &[u32],
        controls: &[u32],
        m: &[Complex64],
        simd: Option<Isa>,
    ) -> Result<Self> {
        let k = targets.len();
        if k > MAX_DENSE_QUBITS {
            return Err(Error::invalid(format!(
                "dense ops on more than {MAX_DENSE_QUBITS} qubits are not supported (got {k})"
            )));
        }
        let dense_is_cheaper = simd.is_some() && k <= MAX_SIMD_PERMUTATION_AS_DENSE;
        if let Some((src, phase)) = permutation(m, 1 << k) {
            let one = Complex64::new(1.0, 0.0);
            let phase: Option<Vec<Complex<T>>> = phase
                .iter()
                .any(|&f| f != one)
                .then(|| phase.iter().map(|z| cast(*z)).collect());
            if let Some(mv) = simd.and_then(|isa| {
                MonomialVectors::new(isa, num_qubits, targets, controls, &src, phase.as_deref())
            }) {
                return Ok(Prepared::Monomial(mv));
            }
            if let Some(ml) = simd
                .filter(|_| k > MAX_SIMD_PERMUTATION_AS_DENSE)
                .and_then(|isa| {
                    MonomialLanes::new(isa, num_qubits, targets, controls, &src, phase.as_deref())
                })
            {
                return Ok(Prepared::MonomialLanes(ml));
            }
            if !dense_is_cheaper {
                return Ok(Prepared::Perm {
                    plan: Plan::new(num_qubits, targets, controls),
                    src,
                    phase,
                });
            }
        }
        let m: Vec<Complex<T>> = m.iter().map(|z| cast(*z)).collect();
        if k == 1 && controls.is_empty() && targets[0] >= MIN_PAIR_TARGET {
            return Ok(Prepared::Pair {
                target: targets[0],
                m: [m[0], m[1], m[2], m[3]],
            });
        }
        let plan = Plan::new(num_qubits, targets, controls);
        let d = plan.offsets.len();
        let across = simd.and_then(|isa| simd::across_lanes::<T>(isa, plan.lowest_hole, d));
        if let Some(lm) = simd
            .filter(|_| across.is_none())
            .and_then(|isa| LaneMatrix::new(isa, num_qubits, targets, controls, &m))
        {
            return Ok(Prepared::Lanes(lm));
        }
        let simd = simd.filter(|_| d <= simd::MAX_GROUP).map(|isa| SimdMatrix {
            isa,
            packed: simd::pack_rows(isa, &m, d),
            across: simd::across_lanes::<T>(isa, plan.lowest_hole, d)
                .map(|lanes| (simd::pack_splat(&m, lanes), lanes)),
            contig: simd::rows_contiguous::<T>(isa, &plan.offsets),
        });
        Ok(Prepared::Dense { plan, m, k, simd })
    }

    /// Prepares a diagonal op for states of `num_qubits` qubits; with a kernel family
    /// `simd`, also in that family's layout where it has one.
    pub(crate) fn diagonal(
        num_qubits: u32,
        targets: &[u32],
        controls: &[u32],
        diag: &[Complex64],
        simd: Option<Isa>,
    ) -> Self {
        let d: Vec<Complex<T>> = diag.iter().map(|z| cast(*z)).collect();
        let one = Complex::new(T::one(), T::zero());
        if targets.len() == 1 && controls.is_empty() && targets[0] >= MIN_PAIR_TARGET {
            return Prepared::DiagPair {
                target: targets[0],
                d: [d[0], d[1]],
            };
        }
        if targets.len() + controls.len() > MAX_DIAGONAL_TABLE_QUBITS {
            return Prepared::DiagSparse {
                plan: Plan::new(num_qubits, targets, controls),
                d,
            };
        }
        let qs: Vec<u32> = targets.iter().chain(controls).copied().collect();
        let t = targets.len();
        let ctrl_all = ((1usize << qs.len()) - 1) & !((1usize << t) - 1);
        let table = (0..1usize << qs.len())
            .map(|i| {
                if i & ctrl_all == ctrl_all {
                    d[i & ((1 << t) - 1)]
                } else {
                    one
                }
            })
            .collect::<Vec<_>>();
        let gather = BitGather::new(num_qubits, &qs);
        let lowest = qs.iter().copied().min().unwrap_or(0);
        let amps = 1usize << num_qubits;
        let lanes = simd.and_then(|isa| simd::lane_table(isa, &table, gather.low(), lowest, amps));
        Prepared::DiagTable {
            gather,
            table,
            lowest,
            lanes,
        }
    }

    /// Applies the op to `amps` (which must have the prepared size).
    pub(crate) fn apply(&self, exec: Exec<'_>, amps: &mut [Complex<T>]) {
        match self {
            Prepared::Pair { target, m } if exec.simd.is_some() => {
                let isa = exec.simd.expect("checked by the guard");
                // SAFETY: the SIMD kernels run only where supported; half-blocks hold
                // at least 2^MIN_PAIR_TARGET amplitudes, a whole number of vectors.
                for_pairs(exec, amps, *target, |lo, hi| unsafe {
                    simd::pair(isa, lo, hi, m)
                });
            }
            Prepared::Pair { target, m } => {
                let [m00, m01, m10, m11] = *m;
                for_pairs(exec, amps, *target, |lo, hi| {
                    for (a, b) in lo.iter_mut().zip(hi.iter_mut()) {
                        let (x, y) = (*a, *b);
                        *a = m00 * x + m01 * y;
                        *b = m10 * x + m11 * y;
                    }
                });
            }
            Prepared::Dense {
                plan,
                simd: Some(sm),
                ..
            } => {
                let ptr = SharedMut::new(amps);
                for_each_window(exec, plan, plan.offsets.len(), |base| {
                    // SAFETY: the matrix was packed for this group size (and the
                    // across-groups layout only where it applies), the kernels run
                    // only where detected, and each window's groups belong to this
                    // task alone.
                    if let Some((coef, lanes)) = &sm.across {
                        let (b, o) = (plan.bases, &plan.offsets);
                        unsafe { simd::dense_across(ptr.at(0), base, b, o, coef, *lanes) };
                        return;
                    }
                    unsafe {
                        simd::dense_window(
                            sm.isa,
                            ptr.at(0),
                            base,
                            plan.bases,
                            &plan.offsets,
                            &sm.packed,
                            sm.contig,
                        )
                    }
                });
            }
            Prepared::Dense { plan, m, k, .. } => apply_planned(exec, amps, plan, m, *k),
            Prepared::Monomial(mv) => {
                let ptr = SharedMut::new(amps);
                for_each_window(exec, &mv.plan, mv.plan.offsets.len(), |base| {
                    // SAFETY: the layout was made for this state size and a supported
                    // family, and each window belongs to this task alone.
                    unsafe { mv.apply_window(ptr.at(0), base) }
                });
            }
            Prepared::MonomialLanes(ml) => {
                let ptr = SharedMut::new(amps);
                for_each_window(exec, &ml.plan, ml.plan.offsets.len(), |base| {
                    // SAFETY: the layout was made for this state size and a supported
                    // family, and each window belongs to this task alone.
                    unsafe { ml.apply_window(ptr.at(0), base) }
                });
            }
            Prepared::Lanes(lm) => {
                let ptr = SharedMut::new(amps);
                for_each_window(exec, &lm.plan, lm.plan.offsets.len(), |base| {
                    // SAFETY: the layout was made for this state size and a supported
                    // family, and each window belongs to this task alone.
                    unsafe { lm.apply_window(ptr.at(0), base) }
                });
            }
            Prepared::Perm { plan, src, phase } => apply_permutation(exec, amps, plan, src, phase),
            Prepared::DiagPair { target, d } => {
                let one = Complex::new(T::one(), T::zero());
                let [d0, d1] = *d;
                let simd = exec.simd;
                let scale = |run: &mut [Complex<T>], f: Complex<T>| {
                    if f == one {
                    } else if let Some(isa) = simd {
                        // SAFETY: the SIMD kernels run only where supported.
                        unsafe { simd::scale(isa, run, f) }
                    } else {
                        run.iter_mut().for_each(|a| *a = *a * f);
                    }
                };
                for_pairs(exec, amps, *target, |lo, hi| {
                    scale(lo, d0);
                    scale(hi, d1);
                });
            }
            Prepared::DiagTable {
                gather,
                table,
                lowest,
                lanes,
            } => {
                let ptr = SharedMut::new(amps);
                let len = amps.len();
                exec.for_each_index(len.div_ceil(256), (exec.chunk / 256).max(1), |blk| {
                    let start = blk * 256;
                    let hi = gather.high(start) as usize;
                    let low = gather.low();
                    // SAFETY: block `blk` covers `[start, start+256)`, touched by no other task.
                    let run = unsafe {
                        std::slice::from_raw_parts_mut(ptr.at(start), 256.min(len - start))
                    };
                    if let (Some(isa), Some(factors)) = (exec.simd, lanes) {
                        // SAFETY: the SIMD kernels run only where supported; the lane
                        // table was built for this family and diagonal.
                        unsafe { simd::diag_lane_table(isa, run, factors, hi, low) }
                    } else if let Some(isa) = exec.simd {
                        // SAFETY: the SIMD kernels run only where supported; the table
                        // covers every gathered index.
                        unsafe { simd::diag_table(isa, run, table, hi, low, *lowest) }
                    } else {
                        for (j, a) in run.iter_mut().enumerate() {
                            *a = *a * table[hi | low[j] as usize];
                        }
                    }
                });
            }
            Prepared::DiagSparse { plan, d } => {
                let ptr = SharedMut::new(amps);
                for_each_group(exec, plan, d.len(), |i| {
                    for (s, &f) in d.iter().enumerate() {
                        // SAFETY: each base's group belongs to that base alone.
                        unsafe { *ptr.at(i + plan.offsets[s]) = *ptr.at(i + plan.offsets[s]) * f };
                    }
                });
            }
        }
    }
}

/// Runs `window(first index)` for every window of `plan`, in parallel when allowed.
fn for_each_window(
    exec: Exec<'_>,
    plan: &Plan,
    group_size: usize,
    window: impl Fn(usize) + Sync + Send,
) {
    let per_window = plan.bases.count * group_size;
    let grain = exec.chunk.div_ceil(per_window.max(1));
    exec.for_each_index(plan.windows, grain, |w| window(plan.window_base(w)));
}

/// Runs `group(base)` for every base of `plan`, in parallel windows when allowed.
fn for_each_group(
    exec: Exec<'_>,
    plan: &Plan,
    group_size: usize,
    group: impl Fn(usize) + Sync + Send,
) {
    for_each_window(exec, plan, group_size, |base| {
        for b in plan.bases.iter() {
            group(base + b);
        }
    });
}

/// The permutation and phases of a matrix with exactly one non-zero entry per row and
/// column, each of modulus one (within rounding); `None` for any other matrix.
fn permutation(m: &[Complex64], d: usize) -> Option<(Vec<usize>, Vec<Complex64>)> {
    let mut src = Vec::with_capacity(d);
    let mut phase = Vec::with_capacity(d);
    let mut used = vec![false; d];
    for row in m.chunks_exact(d) {
        let mut nonzero = row.iter().enumerate().filter(|(_, z)| z.norm_sqr() != 0.0);
        let (c, &f) = nonzero.next()?;
        if nonzero.next().is_some() || (f.norm_sqr() - 1.0).abs() > 1e-12 || used[c] {
            return None;
        }
        used[c] = true;
        src.push(c);
        phase.push(f);
    }
    Some((src, phase))
}

/// A permutation (with optional phases) through an index plan: loads and stores only.
fn apply_permutation<T: Real>(
    exec: Exec<'_>,
    amps: &mut [Complex<T>],
    plan: &Plan,
    src: &[usize],
    phase: &Option<Vec<Complex<T>>>,
) {
    let ptr = SharedMut::new(amps);
    let o = &plan.offsets;
    let d = o.len();
    let identity = src.iter().enumerate().all(|(r, &c)| r == c);
    match (d, phase) {
        (_, None) if identity => {}
        (2, None) => {
            let (o0, o1) = (o[0], o[1]);
            for_each_group(exec, plan, 2, |i| {
                // SAFETY: each base's group belongs to that base alone.
                unsafe { std::ptr::swap(ptr.at(i + o0), ptr.at(i + o1)) }
            });
        }
        (4, _) => permute_groups::<T, 4>(exec, amps, plan, src, phase.as_deref()),
        (8, _) => permute_groups::<T, 8>(exec, amps, plan, src, phase.as_deref()),
        (16, _) => permute_groups::<T, 16>(exec, amps, plan, src, phase.as_deref()),
        _ => {
            let one = Complex::new(T::one(), T::zero());
            map_groups(exec, amps, plan, |v, out| {
                for (r, x) in out.iter_mut().enumerate() {
                    *x = v[src[r]] * phase.as_ref().map_or(one, |p| p[r]);
                }
            });
        }
    }
}

/// A permutation (output `r` is input `src[r]`, times `phase[r]` where given) of the
/// `D` amplitudes of every group of `plan`, with the group held in registers.
fn permute_groups<T: Real, const D: usize>(
    exec: Exec<'_>,
    amps: &mut [Complex<T>],
    plan: &Plan,
    src: &[usize],
    phase: Option<&[Complex<T>]>,
) {
    let ptr = SharedMut::new(amps);
    let o: [usize; D] = std::array::from_fn(|s| plan.offsets[s]);
    let src: [usize; D] = std::array::from_fn(|r| src[r]);
    let phase: Option<[Complex<T>; D]> = phase.map(|p| std::array::from_fn(|r| p[r]));
    for_each_group(exec, plan, D, |i| {
        // SAFETY: each base's group belongs to that base alone, and bases are visited
        // once.
        unsafe {
            let v: [Complex<T>; D] = std::array::from_fn(|s| *ptr.at(i + o[s]));
            match &phase {
                None => (0..D).for_each(|r| *ptr.at(i + o[r]) = v[src[r]]),
                Some(f) => (0..D).for_each(|r| *ptr.at(i + o[r]) = v[src[r]] * f[r]),
            }
        }
    });
}

/// Replaces every group of `plan` by `f(group)`: `f(v, out)` reads the group's
/// amplitudes from `v` and writes the new ones to `out` (buffers reused across a
/// window's groups).
fn map_groups<T: Real>(
    exec: Exec<'_>,
    amps: &mut [Complex<T>],
    plan: &Plan,
    f: impl Fn(&[Complex<T>], &mut [Complex<T>]) + Sync + Send,
) {
    let ptr = SharedMut::new(amps);
    let o = &plan.offsets;
    let d = o.len();
    for_each_window(exec, plan, d, |base| {
        let (mut v, mut out) = (vec![Complex::default(); d], vec![Complex::default(); d]);
        for b in plan.bases.iter() {
            let i = base + b;
            // SAFETY: each base's group belongs to that base alone, and each window's
            // bases to one task.
            unsafe {
                for (x, &os) in v.iter_mut().zip(o) {
                    *x = *ptr.at(i + os);
                }
                f(&v, &mut out);
                for (x, &or) in out.iter().zip(o) {
                    *ptr.at(i + or) = *x;
                }
            }
        }
    });
}

/// Dense `2^k` matrix through an index plan (any targets, any controls).
fn apply_planned<T: Real>(
    exec: Exec<'_>,
    amps: &mut [Complex<T>],
    plan: &Plan,
    m: &[Complex<T>],
    k: usize,
) {
    let ptr = SharedMut::new(amps);
    let o = &plan.offsets;
    match k {
        1 => {
            let (m00, m01, m10, m11) = (m[0], m[1], m[2], m[3]);
            let off = o[1];
            for_each_group(exec, plan, 2, |i| {
                // SAFETY: each base's group belongs to that base alone, and bases are
                // visited once.
                unsafe {
                    let (pa, pb) = (ptr.at(i), ptr.at(i + off));
                    let (x, y) = (*pa, *pb);
                    *pa = m00 * x + m01 * y;
                    *pb = m10 * x + m11 * y;
                }
            });
        }
        2 => {
            let mm: [Complex<T>; 16] = std::array::from_fn(|i| m[i]);
            let o = [o[0], o[1], o[2], o[3]];
            for_each_group(exec, plan, 4, |i| {
                // SAFETY: as above.
                unsafe {
                    let p = [
                        ptr.at(i + o[0]),
                        ptr.at(i + o[1]),
                        ptr.at(i + o[2]),
                        ptr.at(i + o[3]),
                    ];
                    let v = [*p[0], *p[1], *p[2], *p[3]];
                    for r in 0..4 {
                        *p[r] = mm[r * 4] * v[0]
                            + mm[r * 4 + 1] * v[1]
                            + mm[r * 4 + 2] * v[2]
                            + mm[r * 4 + 3] * v[3];
                    }
                }
            });
        }
        k => {
            let d = 1usize << k;
            map_groups(exec, amps, plan, |v, out| {
                for (x, row) in out.iter_mut().zip(m.chunks_exact(d)) {
                    *x = row
                        .iter()
                        .zip(v)
                        .fold(Complex::<T>::default(), |acc, (a, b)| acc + *a * *b);
                }
            });
        }
    }
}

/// Probability that `qubit` reads 1 (unnormalised: relative to the current norm).
pub(crate) fn probability_one<T: Real>(exec: Exec<'_>, amps: &[Complex<T>], qubit: u32) -> f64 {
    sum_pairs(exec, amps, qubit, |_, hi| {
        hi.iter().map(|a| a.norm_sqr()).sum::<T>().to_f64()
    })
}

/// Collapses `qubit` onto `outcome`, dividing by `sqrt(kept)` (the kept half's weight);
/// with `flip`, the kept half is moved onto |0> of that qubit (reset).
pub(crate) fn collapse<T: Real>(
    exec: Exec<'_>,
    amps: &mut [Complex<T>],
    qubit: u32,
    outcome: bool,
    kept: f64,
    flip: bool,
) {
    let scale = T::from_f64(1.0 / kept.sqrt());
    let zero = Complex::<T>::default();
    for_pairs(exec, amps, qubit, |lo, hi| {
        for (a, b) in lo.iter_mut().zip(hi.iter_mut()) {
            let k = if outcome { *b } else { *a } * scale;
            let (new_lo, new_hi) = match (outcome, flip) {
                (false, _) | (true, true) => (k, zero),
                (true, false) => (zero, k),
            };
            *a = new_lo;
            *b = new_hi;
        }
    });
}
