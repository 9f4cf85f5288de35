//! Permutations with phases (one non-zero per row: products of X, CX, SWAP, iSWAP, S, T,
//! CZ, ... — what Clifford+T circuits fuse into) across neighbouring groups: member `s`
//! of `ROWS` neighbouring groups is one vector, so each output vector is one input
//! vector, times its phase where one is not 1. A pass moves memory once, with none of
//! the `D` multiply-adds per amplitude a dense matrix of the same size costs.

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
    /// The layout, where the kernel applies: some target below the family's vector
    /// width, no control there, at most [`MAX_GROUP`] members, a state of at least one
    /// vector. `src[r]` is the input of output `r`, `phase[r]` its factor.
    pub(crate) fn new(
        isa: Isa,
        num_qubits: u32,
        targets: &[u32],
        controls: &[u32],
        src: &[usize],
        phase: Option<&[Complex<T>]>,
    ) -> Option<Self> {
        let lanes = isa.lanes::<T>();
        let lane_bits = lanes.trailing_zeros();
        let low: Vec<(usize, u32)> = (0..targets.len())
            .filter(|&j| targets[j] < lane_bits)
            .map(|j| (j, targets[j]))
            .collect();
        if low.is_empty()
            || src.len() > MAX_GROUP
            || num_qubits < lane_bits
            || controls.iter().any(|&c| c < lane_bits)
        {
            return None;
        }
        let high: Vec<(usize, u32)> = (0..targets.len())
            .filter(|&j| targets[j] >= lane_bits)
            .map(|j| (j, targets[j]))
            .collect();
        let dh = 1usize << high.len();
        // Matrix index of high member `h` and slot `l`; and back: a matrix index's high
        // member and its low-target bits as slot bits.
        let index = |h: usize, l: usize| -> usize {
            let hi = high
                .iter()
                .enumerate()
                .fold(0, |acc, (i, &(j, _))| acc | (((h >> i) & 1) << j));
            low.iter()
                .fold(hi, |acc, &(j, q)| acc | (((l >> q) & 1) << j))
        };
        let member = |s: usize| -> usize {
            high.iter()
                .enumerate()
                .fold(0, |acc, (i, &(j, _))| acc | (((s >> j) & 1) << i))
        };
        let slot_bits = |s: usize| -> usize {
            low.iter()
                .fold(0, |acc, &(j, q)| acc | (((s >> j) & 1) << q))
        };
        let low_mask = low.iter().fold(0usize, |acc, &(_, q)| acc | 1 << q);
        // The low-target combination whose slot mask is `x`.
        let combination = |x: usize| -> usize {
            low.iter()
                .enumerate()
                .fold(0, |acc, (i, &(_, q))| acc | (((x >> q) & 1) << i))
        };
        let per = if T::IS_F64 { 4 } else { 2 };
        let mut terms = Vec::new();
        let mut starts = vec![0];
        let mut masks = Vec::new();
        for r in 0..dh {
            let mut mine: Vec<((usize, usize), Vec<bool>)> = Vec::new();
            for l in 0..lanes {
                let s = src[index(r, l)];
                let key = (member(s), combination((l & low_mask) ^ slot_bits(s)));
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
        let dl = 1usize << low.len();
        let mut idx = Vec::with_capacity(dl * lanes * per);
        for t in 0..dl {
            let x = low
                .iter()
                .enumerate()
                .fold(0, |acc, (i, &(_, q))| acc | (((t >> i) & 1) << q));
            for l in 0..lanes {
                for e in 0..per {
                    idx.push(((l ^ x) * per + e) as u32);
                }
            }
        }
        let phase = phase.map(|f| {
            let mut v = Vec::with_capacity(dh * 4 * lanes);
            for r in 0..dh {
                for part in [|z: Complex<T>| z.re, |z: Complex<T>| z.im] {
                    for l in 0..lanes {
                        let x = part(f[index(r, l)]);
                        v.extend([x, x]);
                    }
                }
            }
            v
        });
        let high_targets: Vec<u32> = high.iter().map(|&(_, q)| q).collect();
        Some(MonomialLanes {
            isa,
            plan: Plan::new(num_qubits, &high_targets, controls),
            terms,
            starts,
            masks,
            idx,
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
