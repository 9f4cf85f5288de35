//! Explicit SIMD kernels, chosen at run time: on x86-64 CPUs with AVX-512F the dense,
//! one-qubit and diagonal kernels run on 512-bit vectors, on CPUs with AVX2 and FMA on
//! 256-bit vectors; everywhere else (and with [`crate::Kernels::Portable`]) the portable
//! kernels in `kernels.rs` run. Wheels and binaries stay built for the baseline CPU; no
//! `target-cpu=native` is needed.
//!
//! Every function here except [`Isa`]'s and the packing helpers is `unsafe`: the caller
//! promises that the [`Isa`] it passes is supported by this CPU ([`Isa::supported`])
//! and that the pointers it passes cover what the function touches, with no other task
//! touching it meanwhile.

#[cfg(target_arch = "x86_64")]
mod avx512;
#[cfg(target_arch = "x86_64")]
mod bodies;
mod in_lanes;
mod monomial;
#[cfg(target_arch = "x86_64")]
mod x86;

pub(crate) use in_lanes::LaneMatrix;
pub(crate) use monomial::{MonomialLanes, MonomialVectors};

use crate::layout::Bases;
use crate::scalar::Real;
use num_complex::Complex;

/// Calls the const-generic kernel `module::kernel::<N>` with `args` for the group size
/// `d`, one of the listed sizes.
#[cfg(target_arch = "x86_64")]
macro_rules! by_group_size {
    ($d:expr, [$($n:literal),*], $m:ident::$f:ident $args:tt) => {
        match $d {
            $($n => $m::$f::<$n> $args,)*
            d => unreachable!("no SIMD kernel for groups of {d}"),
        }
    };
}

/// Largest dense group (amplitudes per group, 2^6) with a SIMD kernel.
pub(crate) const MAX_GROUP: usize = 64;

/// A family of explicit vector kernels, by instruction set.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Isa {
    /// 256-bit vectors: AVX2 and FMA.
    Avx2,
    /// 512-bit vectors: AVX-512F (with AVX2 and FMA for the narrow groups).
    Avx512,
}

impl Isa {
    /// Whether this CPU runs the family's kernels.
    pub(crate) fn supported(self) -> bool {
        #[cfg(target_arch = "x86_64")]
        {
            let avx2 =
                std::is_x86_feature_detected!("avx2") && std::is_x86_feature_detected!("fma");
            match self {
                Isa::Avx2 => avx2,
                Isa::Avx512 => avx2 && std::is_x86_feature_detected!("avx512f"),
            }
        }
        #[cfg(not(target_arch = "x86_64"))]
        {
            let _ = self;
            false
        }
    }

    /// The widest family this CPU runs, if any.
    pub(crate) fn best() -> Option<Isa> {
        [Isa::Avx512, Isa::Avx2].into_iter().find(|i| i.supported())
    }

    /// Complex numbers per vector of the family's widest registers.
    fn lanes<T: Real>(self) -> usize {
        match (self, T::IS_F64) {
            (Isa::Avx2, true) => 2,
            (Isa::Avx2, false) | (Isa::Avx512, true) => 4,
            (Isa::Avx512, false) => 8,
        }
    }
}

/// Output rows one vector holds for a dense group of `d` amplitudes: the family's
/// widest vector, or a narrower one (of the AVX2 family) for small groups.
fn rows<T: Real>(isa: Isa, d: usize) -> usize {
    isa.lanes::<T>().min(d)
}

/// The dense kernel's matrix layout: for each chunk of output rows and each input `s`,
/// the rows' real parts (each twice, matching interleaved re/im) and then their
/// imaginary parts.
pub(crate) fn pack_rows<T: Real>(isa: Isa, m: &[Complex<T>], d: usize) -> Vec<T> {
    let r = rows::<T>(isa, d);
    let mut packed = Vec::with_capacity(d * d * 2);
    for c in 0..d / r {
        for s in 0..d {
            for part in [|z: Complex<T>| z.re, |z: Complex<T>| z.im] {
                for j in 0..r {
                    let x = part(m[(c * r + j) * d + s]);
                    packed.extend([x, x]);
                }
            }
        }
    }
    packed
}

/// The vector width (complex numbers) of the across-groups kernel for an op, where it
/// applies: every target and control at or above `lowest_hole` leaves runs of at least
/// one vector of consecutive bases. The family's widest vector where the runs allow it,
/// else the AVX2 one.
pub(crate) fn across_lanes<T: Real>(isa: Isa, lowest_hole: u32, d: usize) -> Option<usize> {
    let run = 1usize << lowest_hole;
    if d > 16 {
        return None;
    }
    [isa.lanes::<T>(), Isa::Avx2.lanes::<T>()]
        .into_iter()
        .find(|&l| run >= l)
}

/// The across-groups kernel's matrix layout: for each entry `(r, s)`, its real part
/// splat over one vector, then its imaginary part.
pub(crate) fn pack_splat<T: Real>(m: &[Complex<T>], lanes: usize) -> Vec<T> {
    let w = 2 * lanes;
    let mut packed = Vec::with_capacity(m.len() * 2 * w);
    for z in m {
        packed.extend(std::iter::repeat_n(z.re, w));
        packed.extend(std::iter::repeat_n(z.im, w));
    }
    packed
}

/// Applies a dense matrix packed by [`pack_splat`] for `lanes` to the groups at
/// `wbase + b`, `b` in `bases`, a vector of neighbouring groups at a time.
///
/// # Safety
/// As [`dense_window`], and `lanes` came from [`across_lanes`] for the op and `isa`.
pub(crate) unsafe fn dense_across<T: Real>(
    p: *mut Complex<T>,
    wbase: usize,
    bases: Bases,
    offsets: &[usize],
    coef: &[T],
    lanes: usize,
) {
    #[cfg(target_arch = "x86_64")]
    unsafe {
        let d = offsets.len();
        let (w, b, o) = (wbase, bases, offsets);
        if T::IS_F64 {
            let (p, m) = (p as *mut Complex<f64>, coef.as_ptr() as *const f64);
            if lanes == 4 {
                by_group_size!(d, [2, 4, 8, 16], avx512::across_f64(p, w, b, o, m))
            } else {
                by_group_size!(d, [2, 4, 8, 16], x86::across_f64(p, w, b, o, m))
            }
        } else {
            let (p, m) = (p as *mut Complex<f32>, coef.as_ptr() as *const f32);
            if lanes == 8 {
                by_group_size!(d, [2, 4, 8, 16], avx512::across_f32(p, w, b, o, m))
            } else {
                by_group_size!(d, [2, 4, 8, 16], x86::across_f32(p, w, b, o, m))
            }
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        let _ = (p, wbase, bases, offsets, coef, lanes);
        unreachable!("SIMD kernels are only entered where supported")
    }
}

/// Whether each chunk of output rows lies at adjacent addresses (one full store).
pub(crate) fn rows_contiguous<T: Real>(isa: Isa, offsets: &[usize]) -> bool {
    offsets
        .chunks(rows::<T>(isa, offsets.len()))
        .all(|c| c.windows(2).all(|w| w[1] == w[0] + 1))
}

/// Applies a packed dense matrix to the group at `wbase + b + offsets[..]` for every
/// base `b` of `bases`.
///
/// # Safety
/// `isa` is supported; every touched amplitude lies inside the allocation behind `p`
/// and belongs to the caller alone; `offsets.len()` is a power of two from 2 to
/// [`MAX_GROUP`] and `packed` came from [`pack_rows`] for `isa` and that size.
pub(crate) unsafe fn dense_window<T: Real>(
    isa: Isa,
    p: *mut Complex<T>,
    wbase: usize,
    bases: Bases,
    offsets: &[usize],
    packed: &[T],
    contig: bool,
) {
    #[cfg(target_arch = "x86_64")]
    unsafe {
        let d = offsets.len();
        let (w, b, o, c) = (wbase, bases, offsets, contig);
        if T::IS_F64 {
            let (p, m) = (p as *mut Complex<f64>, packed.as_ptr() as *const f64);
            if rows::<T>(isa, d) == 4 {
                by_group_size!(d, [4, 8, 16, 32, 64], avx512::dense_f64(p, w, b, o, m, c))
            } else {
                by_group_size!(d, [2, 4, 8, 16, 32, 64], x86::dense_f64(p, w, b, o, m, c))
            }
        } else {
            let (p, m) = (p as *mut Complex<f32>, packed.as_ptr() as *const f32);
            match rows::<T>(isa, d) {
                2 => x86::dense_f32x2::<2>(p, w, b, o, m, c),
                4 => by_group_size!(d, [4, 8, 16, 32, 64], x86::dense_f32x4(p, w, b, o, m, c)),
                _ => by_group_size!(d, [8, 16, 32, 64], avx512::dense_f32(p, w, b, o, m, c)),
            }
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        let _ = (isa, p, wbase, bases, offsets, packed, contig);
        unreachable!("SIMD kernels are only entered where supported")
    }
}

/// Applies a one-qubit matrix to matching half-blocks (equal lengths): whole vectors
/// in the SIMD kernel, a remainder (short parallel chunks) in scalar code.
///
/// # Safety
/// `isa` is supported.
pub(crate) unsafe fn pair<T: Real>(
    isa: Isa,
    lo: &mut [Complex<T>],
    hi: &mut [Complex<T>],
    m: &[Complex<T>; 4],
) {
    debug_assert_eq!(lo.len(), hi.len());
    let lanes = isa.lanes::<T>();
    let body = lo.len() / lanes * lanes;
    #[cfg(target_arch = "x86_64")]
    unsafe {
        let (l, h) = (lo.as_mut_ptr(), hi.as_mut_ptr());
        let wide = isa == Isa::Avx512;
        if T::IS_F64 {
            let m = &*(m as *const [Complex<T>; 4] as *const [Complex<f64>; 4]);
            let (l, h) = (l as *mut f64, h as *mut f64);
            if wide {
                avx512::pair_f64(l, h, body, m)
            } else {
                x86::pair_f64(l, h, body, m)
            }
        } else {
            let m = &*(m as *const [Complex<T>; 4] as *const [Complex<f32>; 4]);
            let (l, h) = (l as *mut f32, h as *mut f32);
            if wide {
                avx512::pair_f32(l, h, body, m)
            } else {
                x86::pair_f32(l, h, body, m)
            }
        }
    }
    for (a, b) in lo[body..].iter_mut().zip(&mut hi[body..]) {
        let (x, y) = (*a, *b);
        *a = m[0] * x + m[1] * y;
        *b = m[2] * x + m[3] * y;
    }
}

/// Multiplies every amplitude of `run` by `f`.
///
/// # Safety
/// `isa` is supported.
pub(crate) unsafe fn scale<T: Real>(isa: Isa, run: &mut [Complex<T>], f: Complex<T>) {
    let lanes = isa.lanes::<T>();
    let body = run.len() / lanes * lanes;
    #[cfg(target_arch = "x86_64")]
    unsafe {
        let p = run.as_mut_ptr();
        let wide = isa == Isa::Avx512;
        if T::IS_F64 {
            let (p, f) = (p as *mut f64, Complex::new(f.re.to_f64(), f.im.to_f64()));
            if wide {
                avx512::scale_f64(p, body, f)
            } else {
                x86::scale_f64(p, body, f)
            }
        } else {
            let f = Complex::new(f.re.to_f64() as f32, f.im.to_f64() as f32);
            let p = p as *mut f32;
            if wide {
                avx512::scale_f32(p, body, f)
            } else {
                x86::scale_f32(p, body, f)
            }
        }
    }
    run[body..].iter_mut().for_each(|a| *a = *a * f);
}

/// Largest diagonal (in qubits) expanded per vector lane by [`lane_table`].
const MAX_LANE_TABLE_QUBITS: usize = 10;

/// A diagonal table expanded per vector lane, for diagonals on a qubit below the vector
/// width (where a vector's factors differ lane by lane): entry `idx * lanes + l` is
/// `table[idx | low[l]]`, so the factors of the vector at position `j` (a multiple of
/// `lanes`) are one contiguous load at `(hi | low[j]) * lanes`. `None` where it does
/// not pay: every qubit at or above the vector width (one broadcast per vector does), a
/// table too large to keep in L1/L2, or one larger than a quarter of the `amplitudes` it
/// is applied to (ops are prepared per run: building it would cost more than it saves).
pub(crate) fn lane_table<T: Real>(
    isa: Isa,
    table: &[Complex<T>],
    low: &[u32; 256],
    lowest_qubit: u32,
    amplitudes: usize,
) -> Option<Vec<Complex<T>>> {
    let lanes = isa.lanes::<T>();
    let small = table.len() <= 1 << MAX_LANE_TABLE_QUBITS && table.len() * lanes <= amplitudes / 4;
    ((1usize << lowest_qubit.min(16)) < lanes && small).then(|| {
        (0..table.len())
            .flat_map(|idx| (0..lanes).map(move |l| table[idx | low[l] as usize]))
            .collect()
    })
}

/// Multiplies `run[j]` by the factors of a [`lane_table`] (a run of at most 256
/// amplitudes, starting at a multiple of 256).
///
/// # Safety
/// `isa` is supported; `factors` came from [`lane_table`] for `isa` and this diagonal.
pub(crate) unsafe fn diag_lane_table<T: Real>(
    isa: Isa,
    run: &mut [Complex<T>],
    factors: &[Complex<T>],
    hi: usize,
    low: &[u32; 256],
) {
    let lanes = isa.lanes::<T>();
    let body = run.len() / lanes * lanes;
    #[cfg(target_arch = "x86_64")]
    unsafe {
        let (p, t) = (run.as_mut_ptr(), factors.as_ptr());
        let wide = isa == Isa::Avx512;
        if T::IS_F64 {
            let (p, t) = (p as *mut Complex<f64>, t as *const Complex<f64>);
            if wide {
                avx512::lanes_f64(p, body, t, hi, low)
            } else {
                x86::lanes_f64(p, body, t, hi, low)
            }
        } else {
            let (p, t) = (p as *mut Complex<f32>, t as *const Complex<f32>);
            if wide {
                avx512::lanes_f32(p, body, t, hi, low)
            } else {
                x86::lanes_f32(p, body, t, hi, low)
            }
        }
    }
    for j in body..run.len() {
        let base = (hi | low[j - j % lanes] as usize) * lanes;
        run[j] = run[j] * factors[base + j % lanes];
    }
}

/// Multiplies `run[j]` by `table[hi | low[j]]` (a run of at most 256 amplitudes, starting
/// at a multiple of 256). `lowest_qubit` is the lowest qubit the table depends on: at or
/// above the vector width, each vector takes one broadcast entry instead of a gather.
///
/// # Safety
/// `isa` is supported; `table` has an entry for every index formed.
pub(crate) unsafe fn diag_table<T: Real>(
    isa: Isa,
    run: &mut [Complex<T>],
    table: &[Complex<T>],
    hi: usize,
    low: &[u32; 256],
    lowest_qubit: u32,
) {
    let lanes = isa.lanes::<T>();
    let body = run.len() / lanes * lanes;
    #[cfg(target_arch = "x86_64")]
    unsafe {
        let (p, t) = (run.as_mut_ptr(), table.as_ptr());
        let wide = isa == Isa::Avx512;
        let runs = (1usize << lowest_qubit.min(16)) >= lanes;
        if T::IS_F64 {
            let (p, t) = (p as *mut Complex<f64>, t as *const Complex<f64>);
            match (wide, runs) {
                (true, true) => avx512::runs_f64(p, body, t, hi, low),
                (true, false) => avx512::diag_f64(p, body, t, hi, low),
                (false, true) => x86::runs_f64(p, body, t, hi, low),
                (false, false) => x86::diag_f64(p, body, t, hi, low),
            }
        } else {
            let (p, t) = (p as *mut Complex<f32>, t as *const Complex<f32>);
            match (wide, runs) {
                (true, true) => avx512::runs_f32(p, body, t, hi, low),
                (true, false) => avx512::diag_f32(p, body, t, hi, low),
                (false, true) => x86::runs_f32(p, body, t, hi, low),
                (false, false) => x86::diag_f32(p, body, t, hi, low),
            }
        }
    }
    for j in body..run.len() {
        run[j] = run[j] * table[hi | low[j] as usize];
    }
}
