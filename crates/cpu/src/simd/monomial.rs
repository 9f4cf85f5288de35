//! Permutations with phases (one non-zero per row: products of X, CX, SWAP, iSWAP, S, T,
//! CZ, ... — what Clifford+T circuits fuse into) across neighbouring groups: member `s`
//! of `ROWS` neighbouring groups is one vector, so each output vector is one input
//! vector, times its phase where one is not 1. A pass moves memory once, with none of
//! the `D` multiply-adds per amplitude a dense matrix of the same size costs.

use super::in_lanes::LaneSplit;
use super::Isa;
use crate::layout::Plan;
use crate::scalar::Real;
use num_complex::Complex;

/// Largest group (members) the vector kernel takes.
const MAX_GROUP: usize = 16;

/// A permutation with phases in the vector kernel's layout, for one state size.
pub(crate) struct MonomialVectors<T> {
    isa: Isa,
    /// Complex numbers per vector the kernel runs on.
    lanes: usize,
    pub(crate) plan: Plan,
    /// Output member `r` is input member `src[r]`, ...
    src: Vec<usize>,
    /// ... times (where some phase is not 1) the phase whose real part is splat over
    /// one vector, then its imaginary part, at `r * 4 * lanes`.
    phase: Option<Vec<T>>,
}

impl<T: Real> MonomialVectors<T> {
    /// The layout, where the kernel applies: every target and control at or above the
    /// vector width (see [`super::across_lanes`]) and at most [`MAX_GROUP`] members.
    pub(crate) fn new(
        isa: Isa,
        num_qubits: u32,
        targets: &[u32],
        controls: &[u32],
        src: &[usize],
        phase: Option<&[Complex<T>]>,
    ) -> Option<Self> {
        let plan = Plan::new(num_qubits, targets, controls);
        let d = plan.offsets.len();
        let lanes =
            super::across_lanes::<T>(isa, plan.lowest_hole, d).filter(|_| d <= MAX_GROUP)?;
        let phase = phase.map(|f| super::pack_splat(f, lanes));
        Some(MonomialVectors {
            isa,
            lanes,
            plan,
            src: src.to_vec(),
            phase,
        })
    }

    /// Applies the permutation to every group of the window at `wbase`.
    ///
    /// # Safety
    /// The family is supported by this CPU; `p` is the state the layout was made for and
    /// the window's amplitudes belong to the caller alone.
    pub(crate) unsafe fn apply_window(&self, p: *mut Complex<T>, wbase: usize) {
        #[cfg(target_arch = "x86_64")]
        unsafe {
            use super::{avx512, x86};
            let (b, o, s) = (self.plan.bases, &self.plan.offsets, &self.src);
            let f = self.phase.as_ref().map(|f| f.as_ptr());
            macro_rules! by_size {
                ($m:ident::$k:ident, $p:expr, $f:expr) => {
                    match o.len() {
                        2 => $m::$k::<2>($p, wbase, b, o, s, $f),
                        4 => $m::$k::<4>($p, wbase, b, o, s, $f),
                        8 => $m::$k::<8>($p, wbase, b, o, s, $f),
                        16 => $m::$k::<16>($p, wbase, b, o, s, $f),
                        d => unreachable!("no permutation kernel for groups of {d}"),
                    }
                };
            }
            // The across-groups width is the family's widest vector or the AVX2 one.
            let wide = self.isa == Isa::Avx512 && self.lanes == self.isa.lanes::<T>();
            if T::IS_F64 {
                let (p, f) = (p as *mut Complex<f64>, f.map(|f| f as *const f64));
                if wide {
                    by_size!(avx512::monomial_f64, p, f)
                } else {
                    by_size!(x86::monomial_f64, p, f)
                }
            } else {
                let (p, f) = (p as *mut Complex<f32>, f.map(|f| f as *const f32));
                if wide {
                    by_size!(avx512::monomial_f32, p, f)
                } else {
                    by_size!(x86::monomial_f32, p, f)
                }
            }
        }
        #[cfg(not(target_arch = "x86_64"))]
        {
            let _ = (p, wbase);
            unreachable!("SIMD kernels are only entered where supported")
        }
    }
}

/// A permutation with phases with a target inside one vector (and every control above
/// it), in the layout of the in-register kernel (`monomial_lanes` in
/// [`super::bodies`]): each output vector is assembled from the few permuted input
/// vectors its slots come from, with bit masks, instead of a dense matrix's `D` complex
/// multiply-adds per amplitude or element-by-element moves.
pub(crate) struct MonomialLanes<T> {
    isa: Isa,
    /// Groups of the targets at or above the vector width and the controls.
    pub(crate) plan: Plan,
    /// `(h, t)` per term, output vector by output vector; output `r`'s terms are
    /// `terms[starts[r]..starts[r + 1]]`.
    terms: Vec<(usize, usize)>,
    starts: Vec<usize>,
    /// Per term, the slots it supplies as whole-element masks (one vector each).
    masks: Vec<T>,
    /// Per low-target combination `t`, the slot permutation `l -> l ^ mask(t)`.
    idx: Vec<u32>,
    /// Per output vector, the per-slot phases (real parts twice, then imaginary parts).
    phase: Option<Vec<T>>,
}

impl<T: Real> MonomialLanes<T> {
    /// The layout, where the kernel applies (see [`LaneSplit::new`]). `src[r]` is the
    /// input of output `r`, `phase[r]` its factor.
    pub(crate) fn new(
        isa: Isa,
        num_qubits: u32,
        targets: &[u32],
        controls: &[u32],
        src: &[usize],
        phase: Option<&[Complex<T>]>,
    ) -> Option<Self> {
        let split = LaneSplit::new::<T>(isa, num_qubits, targets, controls)?;
        let (dh, lanes) = (split.dh(), split.lanes);
        let mut terms = Vec::new();
        let mut starts = vec![0];
        let mut masks = Vec::new();
        for r in 0..dh {
            // The terms of output vector `r`, each with the slots it supplies.
            let mut mine: Vec<((usize, usize), Vec<bool>)> = Vec::new();
            for l in 0..lanes {
                let s = src[split.index(r, l)];
                let key = (split.member(s), split.combination_to(l, s));
                match mine.iter_mut().find(|(k, _)| *k == key) {
                    Some((_, keep)) => keep[l] = true,
                    None => {
                        let mut keep = vec![false; lanes];
                        keep[l] = true;
                        mine.push((key, keep));
                    }
                }
            }
            for (key, keep) in mine {
                terms.push(key);
                for k in keep {
                    masks.extend([if k { T::ALL_ONES } else { T::zero() }; 2]);
                }
            }
            starts.push(terms.len());
        }
        let phase = phase.map(|f| {
            let mut v = Vec::with_capacity(dh * 4 * lanes);
            for r in 0..dh {
                for part in [|z: Complex<T>| z.re, |z: Complex<T>| z.im] {
                    for l in 0..lanes {
                        let x = part(f[split.index(r, l)]);
                        v.extend([x, x]);
                    }
                }
            }
            v
        });
        Some(MonomialLanes {
            isa,
            plan: split.plan(num_qubits, controls),
            terms,
            starts,
            masks,
            idx: split.permutations::<T>(false),
            phase,
        })
    }

    /// Applies the permutation to every group of the window at `wbase`.
    ///
    /// # Safety
    /// The family is supported by this CPU; `p` is the state the layout was made for and
    /// the window's amplitudes belong to the caller alone.
    pub(crate) unsafe fn apply_window(&self, p: *mut Complex<T>, wbase: usize) {
        #[cfg(target_arch = "x86_64")]
        unsafe {
            use super::{avx512, x86};
            let (b, o) = (self.plan.bases, &self.plan.offsets);
            let (tm, st, i) = (&self.terms, &self.starts, self.idx.as_ptr());
            let f = self.phase.as_ref().map(|f| f.as_ptr());
            let m = self.masks.as_ptr();
            macro_rules! by_members {
                ($md:ident::$k:ident, $p:expr, $m:expr, $f:expr) => {
                    match o.len() {
                        1 => $md::$k::<1>($p, wbase, b, o, tm, st, $m, i, $f),
                        2 => $md::$k::<2>($p, wbase, b, o, tm, st, $m, i, $f),
                        4 => $md::$k::<4>($p, wbase, b, o, tm, st, $m, i, $f),
                        8 => $md::$k::<8>($p, wbase, b, o, tm, st, $m, i, $f),
                        d => unreachable!("no in-register permutation kernel for {d} vectors"),
                    }
                };
            }
            let wide = self.isa == Isa::Avx512;
            if T::IS_F64 {
                let p = p as *mut Complex<f64>;
                let (m, f) = (m as *const f64, f.map(|f| f as *const f64));
                if wide {
                    by_members!(avx512::monomial_lanes_f64, p, m, f)
                } else {
                    by_members!(x86::monomial_lanes_f64, p, m, f)
                }
            } else {
                let p = p as *mut Complex<f32>;
                let (m, f) = (m as *const f32, f.map(|f| f as *const f32));
                if wide {
                    by_members!(avx512::monomial_lanes_f32, p, m, f)
                } else {
                    by_members!(x86::monomial_lanes_f32, p, m, f)
                }
            }
        }
        #[cfg(not(target_arch = "x86_64"))]
        {
            let _ = (p, wbase);
            unreachable!("SIMD kernels are only entered where supported")
        }
    }
}
