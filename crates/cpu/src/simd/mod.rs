//! Explicit SIMD kernels, chosen at run time: on x86-64 CPUs with AVX2 and FMA the
//! dense, one-qubit and diagonal kernels run hand-vectorised code; everywhere else
//! (and with `CpuOptions::simd` off) the portable kernels in `kernels.rs` run. Wheels
//! and binaries stay built for the baseline CPU; no `target-cpu=native` is needed.
//!
//! Every function here except [`detected`] and the packing helpers is `unsafe`: the
//! caller promises that [`detected`] returned true and that the pointers it passes
//! cover what the function touches, with no other task touching it meanwhile.

#[cfg(target_arch = "x86_64")]
mod x86;

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

/// Whether this CPU runs the SIMD kernels (AVX2 and FMA on x86-64).
pub(crate) fn detected() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        std::is_x86_feature_detected!("avx2") && std::is_x86_feature_detected!("fma")
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

/// Output rows one vector holds for a dense group of `d` amplitudes.
fn rows<T: Real>(d: usize) -> usize {
    if T::IS_F64 || d == 2 {
        2
    } else {
        4
    }
}

/// The dense kernel's matrix layout: for each chunk of output rows and each input `s`,
/// the rows' real parts (each twice, matching interleaved re/im) and then their
/// imaginary parts.
pub(crate) fn pack_rows<T: Real>(m: &[Complex<T>], d: usize) -> Vec<T> {
    let r = rows::<T>(d);
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

/// Whether the across-groups kernel applies: every target and control at or above
/// `lowest_hole` leaves runs of at least one vector of consecutive bases.
pub(crate) fn across_applies<T: Real>(lowest_hole: u32, d: usize) -> bool {
    (1usize << lowest_hole) >= lanes::<T>() && d <= 16
}

/// The across-groups kernel's matrix layout: for each entry `(r, s)`, its real part
/// splat over one vector, then its imaginary part.
pub(crate) fn pack_splat<T: Real>(m: &[Complex<T>]) -> Vec<T> {
    let w = 2 * lanes::<T>();
    let mut packed = Vec::with_capacity(m.len() * 2 * w);
    for z in m {
        packed.extend(std::iter::repeat_n(z.re, w));
        packed.extend(std::iter::repeat_n(z.im, w));
    }
    packed
}

/// Applies a dense matrix packed by [`pack_splat`] to the groups at `wbase + b`, `b` in
/// `bases`, a vector of neighbouring groups at a time.
///
/// # Safety
/// As [`dense_window`], and [`across_applies`] held for the op.
pub(crate) unsafe fn dense_across<T: Real>(
    p: *mut Complex<T>,
    wbase: usize,
    bases: Bases,
    offsets: &[usize],
    coef: &[T],
) {
    #[cfg(target_arch = "x86_64")]
    unsafe {
        let d = offsets.len();
        if T::IS_F64 {
            let (p, m) = (p as *mut Complex<f64>, coef.as_ptr() as *const f64);
            by_group_size!(
                d,
                [2, 4, 8, 16],
                x86::across_f64(p, wbase, bases, offsets, m)
            )
        } else {
            let (p, m) = (p as *mut Complex<f32>, coef.as_ptr() as *const f32);
            by_group_size!(
                d,
                [2, 4, 8, 16],
                x86::across_f32(p, wbase, bases, offsets, m)
            )
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        let _ = (p, wbase, bases, offsets, coef);
        unreachable!("SIMD kernels are only entered where detected")
    }
}

/// Whether each chunk of output rows lies at adjacent addresses (one full store).
pub(crate) fn rows_contiguous<T: Real>(offsets: &[usize]) -> bool {
    offsets
        .chunks(rows::<T>(offsets.len()))
        .all(|c| c.windows(2).all(|w| w[1] == w[0] + 1))
}

/// Applies a packed dense matrix to the group at `wbase + b + offsets[..]` for every
/// base `b` of `bases`.
///
/// # Safety
/// [`detected`] returned true; every touched amplitude lies inside the allocation
/// behind `p` and belongs to the caller alone; `offsets.len()` is a power of two from 2
/// to [`MAX_GROUP`] and `packed` came from [`pack_rows`] for that size.
pub(crate) unsafe fn dense_window<T: Real>(
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
        if T::IS_F64 {
            let (p, m) = (p as *mut Complex<f64>, packed.as_ptr() as *const f64);
            let (w, b, o, c) = (wbase, bases, offsets, contig);
            by_group_size!(d, [2, 4, 8, 16, 32, 64], x86::dense_f64(p, w, b, o, m, c))
        } else if d == 2 {
            let (p, m) = (p as *mut Complex<f32>, packed.as_ptr() as *const f32);
            x86::dense_f32x2::<2>(p, wbase, bases, offsets, m, contig)
        } else {
            let (p, m) = (p as *mut Complex<f32>, packed.as_ptr() as *const f32);
            let (w, b, o, c) = (wbase, bases, offsets, contig);
            by_group_size!(d, [4, 8, 16, 32, 64], x86::dense_f32x4(p, w, b, o, m, c))
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        let _ = (p, wbase, bases, offsets, packed, contig);
        unreachable!("SIMD kernels are only entered where detected")
    }
}

/// Complex numbers per vector of the element-wise kernels.
fn lanes<T: Real>() -> usize {
    if T::IS_F64 {
        2
    } else {
        4
    }
}

/// Applies a one-qubit matrix to matching half-blocks (equal lengths, a multiple of 4).
///
/// # Safety
/// [`detected`] returned true.
pub(crate) unsafe fn pair<T: Real>(
    lo: &mut [Complex<T>],
    hi: &mut [Complex<T>],
    m: &[Complex<T>; 4],
) {
    debug_assert!(lo.len() == hi.len() && lo.len().is_multiple_of(lanes::<T>()));
    #[cfg(target_arch = "x86_64")]
    unsafe {
        let (l, h, n) = (lo.as_mut_ptr(), hi.as_mut_ptr(), lo.len());
        if T::IS_F64 {
            let m = &*(m as *const [Complex<T>; 4] as *const [Complex<f64>; 4]);
            x86::pair_f64(l as *mut f64, h as *mut f64, n, m)
        } else {
            let m = &*(m as *const [Complex<T>; 4] as *const [Complex<f32>; 4]);
            x86::pair_f32(l as *mut f32, h as *mut f32, n, m)
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        let _ = (lo, hi, m);
        unreachable!("SIMD kernels are only entered where detected")
    }
}

/// Multiplies every amplitude of `run` by `f`.
///
/// # Safety
/// [`detected`] returned true.
pub(crate) unsafe fn scale<T: Real>(run: &mut [Complex<T>], f: Complex<T>) {
    let body = run.len() / lanes::<T>() * lanes::<T>();
    #[cfg(target_arch = "x86_64")]
    unsafe {
        let p = run.as_mut_ptr();
        if T::IS_F64 {
            x86::scale_f64(
                p as *mut f64,
                body,
                Complex::new(f.re.to_f64(), f.im.to_f64()),
            )
        } else {
            let f = Complex::new(f.re.to_f64() as f32, f.im.to_f64() as f32);
            x86::scale_f32(p as *mut f32, body, f)
        }
    }
    run[body..].iter_mut().for_each(|a| *a = *a * f);
}

/// Multiplies `run[j]` by `table[hi | low[j]]` (a run of at most 256 amplitudes).
///
/// # Safety
/// [`detected`] returned true; `table` has an entry for every index formed.
pub(crate) unsafe fn diag_table<T: Real>(
    run: &mut [Complex<T>],
    table: &[Complex<T>],
    hi: usize,
    low: &[u32; 256],
) {
    let body = run.len() / lanes::<T>() * lanes::<T>();
    #[cfg(target_arch = "x86_64")]
    unsafe {
        let (p, t) = (run.as_mut_ptr(), table.as_ptr());
        if T::IS_F64 {
            x86::diag_f64(
                p as *mut Complex<f64>,
                body,
                t as *const Complex<f64>,
                hi,
                low,
            )
        } else {
            x86::diag_f32(
                p as *mut Complex<f32>,
                body,
                t as *const Complex<f32>,
                hi,
                low,
            )
        }
    }
    for j in body..run.len() {
        run[j] = run[j] * table[hi | low[j] as usize];
    }
}
