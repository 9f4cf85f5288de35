//! Dense matrices with targets inside one vector: the layout and dispatch of the
//! in-register kernel (`dense_lanes` in [`super::bodies`]), and the split of a group's
//! targets around one vector that it shares with the permutation kernel in registers.
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

/// How a group's targets fall around one SIMD vector, for the in-register kernels (the
/// dense one here and the permutation one in [`super::monomial`]): the *low* targets lie
/// inside each vector (bit `q` of the slot index), the *high* ones pick one vector per
/// member. Each is kept as (matrix index bit, qubit).
pub(super) struct LaneSplit {
    /// Complex numbers per vector.
    pub(super) lanes: usize,
    low: Vec<Target>,
    high: Vec<Target>,
}

/// A target as (its bit in the matrix index, its qubit).
type Target = (usize, u32);

impl LaneSplit {
    /// The split for `isa`'s widest vectors of `T`, where the in-register kernels
    /// apply: some target below the vector width, every control at or above it, at most
    /// [`MAX_GROUP`] members and a state of at least one vector.
    pub(super) fn new<T: Real>(
        isa: Isa,
        num_qubits: u32,
        targets: &[u32],
        controls: &[u32],
    ) -> Option<Self> {
        let lanes = isa.lanes::<T>();
        let lane_bits = lanes.trailing_zeros();
        let (low, high): (Vec<Target>, Vec<Target>) = targets
            .iter()
            .copied()
            .enumerate()
            .partition(|&(_, q)| q < lane_bits);
        let fits = !low.is_empty()
            && 1usize << targets.len() <= MAX_GROUP
            && num_qubits >= lane_bits
            && controls.iter().all(|&c| c >= lane_bits);
        fits.then_some(LaneSplit { lanes, low, high })
    }

    /// Vectors per group (high-target members).
    pub(super) fn dh(&self) -> usize {
        1 << self.high.len()
    }

    /// Low-target combinations (members inside one vector).
    pub(super) fn dl(&self) -> usize {
        1 << self.low.len()
    }

    /// The matrix index of high member `h` at slot `l`.
    pub(super) fn index(&self, h: usize, l: usize) -> usize {
        let hi = self
            .high
            .iter()
            .enumerate()
            .fold(0, |acc, (i, &(j, _))| acc | (((h >> i) & 1) << j));
        self.low
            .iter()
            .fold(hi, |acc, &(j, q)| acc | (((l >> q) & 1) << j))
    }

    /// The slot mask of low-target combination `t` (its bits at the low qubits).
    pub(super) fn mask(&self, t: usize) -> usize {
        self.low
            .iter()
            .enumerate()
            .fold(0, |acc, (i, &(_, q))| acc | (((t >> i) & 1) << q))
    }

    /// The high member of matrix index `s`.
    pub(super) fn member(&self, s: usize) -> usize {
        self.high
            .iter()
            .enumerate()
            .fold(0, |acc, (i, &(j, _))| acc | (((s >> j) & 1) << i))
    }

    /// The combination `t` that brings matrix index `s`'s low-target bits to slot `l`
    /// (`l ^ mask(t)` is the slot holding `s` in its vector).
    pub(super) fn combination_to(&self, l: usize, s: usize) -> usize {
        self.low.iter().enumerate().fold(0, |acc, (i, &(j, q))| {
            acc | ((((l >> q) ^ (s >> j)) & 1) << i)
        })
    }

    /// Per combination `t`, the slot permutation `l -> l ^ mask(t)` as 32-bit element
    /// indices (2 per complex64, 4 per complex128), each followed by the same
    /// permutation with re and im swapped where `with_swap`.
    pub(super) fn permutations<T: Real>(&self, with_swap: bool) -> Vec<u32> {
        let per = if T::IS_F64 { 4 } else { 2 };
        let forms: &[bool] = if with_swap { &[false, true] } else { &[false] };
        let mut idx = Vec::with_capacity(self.dl() * forms.len() * self.lanes * per);
        for t in 0..self.dl() {
            for &swapped in forms {
                for l in 0..self.lanes {
                    for e in 0..per {
                        let e = if swapped { e ^ (per / 2) } else { e };
                        idx.push(((l ^ self.mask(t)) * per + e) as u32);
                    }
                }
            }
        }
        idx
    }

    /// The groups of the high targets and the controls: one vector per member.
    pub(super) fn plan(&self, num_qubits: u32, controls: &[u32]) -> Plan {
        let high: Vec<u32> = self.high.iter().map(|&(_, q)| q).collect();
        Plan::new(num_qubits, &high, controls)
    }
}

impl<T: Real> LaneMatrix<T> {
    /// The layout of `m` (little-endian over `targets`) for states of `num_qubits`, where
    /// the kernel applies (see [`LaneSplit::new`]).
    pub(crate) fn new(
        isa: Isa,
        num_qubits: u32,
        targets: &[u32],
        controls: &[u32],
        m: &[Complex<T>],
    ) -> Option<Self> {
        let split = LaneSplit::new::<T>(isa, num_qubits, targets, controls)?;
        let (d, dh, dl, lanes) = (1usize << targets.len(), split.dh(), split.dl(), split.lanes);
        let mut coef = Vec::with_capacity(dh * dh * dl * 4 * lanes);
        for r in 0..dh {
            for h in 0..dh {
                for t in 0..dl {
                    let entry =
                        |l: usize| m[split.index(r, l) * d + split.index(h, l ^ split.mask(t))];
                    for part in [|z: Complex<T>| z.re, |z: Complex<T>| z.im] {
                        for l in 0..lanes {
                            let x = part(entry(l));
                            coef.extend([x, x]);
                        }
                    }
                }
            }
        }
        Some(LaneMatrix {
            isa,
            plan: split.plan(num_qubits, controls),
            coef,
            idx: split.permutations::<T>(true),
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
