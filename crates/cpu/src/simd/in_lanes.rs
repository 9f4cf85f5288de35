//! Dense matrices with targets inside one vector: the layout and dispatch of the
//! in-register kernel (`dense_lanes` in [`super::x86`]).
//!
//! The across-groups kernel needs every target and control at or above the vector width
//! (member `s` of neighbouring groups is then one contiguous vector). With a target
//! below it, the per-group kernel broadcast each input and used vectors no wider than
//! the group (a one-qubit gate on qubit 0 in complex64 ran on 128-bit vectors, one group
//! at a time: 2.8x the time of the same gate on a high qubit at 20 qubits). Here each
//! vector is loaded whole and its slots are permuted in registers instead, as qsim does:
//! output vector `r` = Σ over input vectors `h` and low-target masks `t` of a per-slot
//! coefficient vector times vector `h` with slot `l` taken from slot `l ^ mask(t)`.

use super::Isa;
use crate::layout::Plan;
use crate::scalar::Real;
use num_complex::Complex;

/// Largest matrix (amplitudes per group) the in-register kernel takes.
const MAX_GROUP: usize = 16;

/// A dense matrix in the in-register kernel's layout, for one state size.
pub(crate) struct LaneMatrix<T> {
    isa: Isa,
    /// Groups of the targets at or above the vector width and the controls (all of
    /// which must be there): one vector per member, at these offsets.
    pub(crate) plan: Plan,
    /// Per `(r, h, t)`: the slots' real parts (each twice), then their imaginary parts.
    coef: Vec<T>,
    /// Per low-target mask `t`: the slot permutation, then it followed by a re/im swap,
    /// as 32-bit element indices.
    idx: Vec<u32>,
    /// Members per group among the high targets, and among the low ones.
    dh: usize,
    dl: usize,
}

impl<T: Real> LaneMatrix<T> {
    /// The layout of `m` (little-endian over `targets`) for states of `num_qubits`, if
    /// the kernel applies: some target below the family's vector width, every control at
    /// or above it, at most [`MAX_GROUP`] members and a state of at least one vector.
    pub(crate) fn new(
        isa: Isa,
        num_qubits: u32,
        targets: &[u32],
        controls: &[u32],
        m: &[Complex<T>],
    ) -> Option<Self> {
        let lanes = isa.lanes::<T>();
        let lane_bits = lanes.trailing_zeros();
        let d = 1usize << targets.len();
        let low: Vec<(usize, u32)> = (0..targets.len())
            .filter(|&j| targets[j] < lane_bits)
            .map(|j| (j, targets[j]))
            .collect();
        if low.is_empty()
            || d > MAX_GROUP
            || num_qubits < lane_bits
            || controls.iter().any(|&c| c < lane_bits)
        {
            return None;
        }
        let high: Vec<(usize, u32)> = (0..targets.len())
            .filter(|&j| targets[j] >= lane_bits)
            .map(|j| (j, targets[j]))
            .collect();
        let (dh, dl) = (1usize << high.len(), 1usize << low.len());
        // The matrix index of high member `h` and slot `l` (whose low-target bits fill
        // the low part of the index).
        let index = |h: usize, l: usize| -> usize {
            let hi = high
                .iter()
                .enumerate()
                .fold(0, |acc, (i, &(j, _))| acc | (((h >> i) & 1) << j));
            low.iter()
                .fold(hi, |acc, &(j, t)| acc | (((l >> t) & 1) << j))
        };
        // The slot mask of low-target combination `t`.
        let mask = |t: usize| -> usize {
            low.iter()
                .enumerate()
                .fold(0, |acc, (i, &(_, q))| acc | (((t >> i) & 1) << q))
        };
        let mut coef = Vec::with_capacity(dh * dh * dl * 4 * lanes);
        for r in 0..dh {
            for h in 0..dh {
                for t in 0..dl {
                    let entry = |l: usize| m[index(r, l) * d + index(h, l ^ mask(t))];
                    for part in [|z: Complex<T>| z.re, |z: Complex<T>| z.im] {
                        for l in 0..lanes {
                            let x = part(entry(l));
                            coef.extend([x, x]);
                        }
                    }
                }
            }
        }
        // 32-bit elements per complex number: 2 (complex64) or 4 (complex128); a swap of
        // re and im exchanges the two halves.
        let per = if T::IS_F64 { 4 } else { 2 };
        let mut idx = Vec::with_capacity(dl * 2 * lanes * per);
        for t in 0..dl {
            for swapped in [false, true] {
                for l in 0..lanes {
                    for e in 0..per {
                        let e = if swapped { e ^ (per / 2) } else { e };
                        idx.push(((l ^ mask(t)) * per + e) as u32);
                    }
                }
            }
        }
        let high_targets: Vec<u32> = high.iter().map(|&(_, q)| q).collect();
        Some(LaneMatrix {
            isa,
            plan: Plan::new(num_qubits, &high_targets, controls),
            coef,
            idx,
            dh,
            dl,
        })
    }

    /// Applies the matrix to every group of the window at `wbase`.
    ///
    /// # Safety
    /// The family is supported by this CPU; `p` is the state the layout was made for and
    /// the window's amplitudes belong to the caller alone.
    pub(crate) unsafe fn apply_window(&self, p: *mut Complex<T>, wbase: usize) {
        #[cfg(target_arch = "x86_64")]
        unsafe {
            use super::{avx512, x86};
            let (b, o, i) = (self.plan.bases, &self.plan.offsets, self.idx.as_ptr());
            let wide = self.isa == Isa::Avx512;
            macro_rules! by_shape {
                ($m:ident::$f:ident, $p:expr, $c:expr) => {
                    match (self.dh, self.dl) {
                        (1, 2) => $m::$f::<1, 2>($p, wbase, b, o, $c, i),
                        (1, 4) => $m::$f::<1, 4>($p, wbase, b, o, $c, i),
                        (1, 8) => $m::$f::<1, 8>($p, wbase, b, o, $c, i),
                        (2, 2) => $m::$f::<2, 2>($p, wbase, b, o, $c, i),
                        (2, 4) => $m::$f::<2, 4>($p, wbase, b, o, $c, i),
                        (2, 8) => $m::$f::<2, 8>($p, wbase, b, o, $c, i),
                        (4, 2) => $m::$f::<4, 2>($p, wbase, b, o, $c, i),
                        (4, 4) => $m::$f::<4, 4>($p, wbase, b, o, $c, i),
                        (8, 2) => $m::$f::<8, 2>($p, wbase, b, o, $c, i),
                        (dh, dl) => unreachable!("no in-register kernel for {dh} x {dl} members"),
                    }
                };
            }
            if T::IS_F64 {
                let (p, c) = (p as *mut Complex<f64>, self.coef.as_ptr() as *const f64);
                if wide {
                    by_shape!(avx512::lanes_dense_f64, p, c)
                } else {
                    by_shape!(x86::lanes_dense_f64, p, c)
                }
            } else {
                let (p, c) = (p as *mut Complex<f32>, self.coef.as_ptr() as *const f32);
                if wide {
                    by_shape!(avx512::lanes_dense_f32, p, c)
                } else {
                    by_shape!(x86::lanes_dense_f32, p, c)
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
