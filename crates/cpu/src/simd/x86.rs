//! AVX2 + FMA kernels for x86-64, and the kernel bodies every x86 vector width shares.
//! Every entry point is a `#[target_feature]` function that callers reach only after
//! [`super::Isa::detect`] found the feature; the vector helpers and the kernel bodies
//! are `#[inline(always)]`, so they are compiled inside those entry points with the
//! entry point's features on (AVX2 here, AVX-512 in [`super::avx512`]).
//!
//! Amplitudes stay interleaved (re, im). A complex multiply-accumulate `m * x` is two
//! FMAs: `re(m) * x` and `im(m) * swap(x)` accumulated apart, then one `addsub`.

use super::monomial::monomial_entry;
use crate::layout::Bases;
use crate::scalar::Real;
use num_complex::Complex;
use std::arch::x86_64::*;

/// A vector of `ROWS` interleaved complex numbers of scalar `S`.
pub(super) trait Lanes: Copy {
    type S: Real;
    /// Complex numbers per vector.
    const ROWS: usize;
    unsafe fn zero() -> Self;
    /// `x` in every scalar slot.
    unsafe fn splat(x: Self::S) -> Self;
    /// The complex number at `p` in every complex slot.
    unsafe fn splat_c(p: *const Complex<Self::S>) -> Self;
    /// `ROWS` complex numbers from `p` (unaligned).
    unsafe fn load(p: *const Self::S) -> Self;
    /// Complex number `j` from `f(j)`, for each slot.
    unsafe fn load_each(f: impl Fn(usize) -> *const Complex<Self::S>) -> Self;
    unsafe fn store(self, p: *mut Self::S);
    /// Slot `j` to `p + o[j]`.
    unsafe fn store_rows(self, p: *mut Complex<Self::S>, o: &[usize]);
    /// Swaps re and im in every slot.
    unsafe fn swap(self) -> Self;
    /// Each slot's real part in both of its scalars.
    unsafe fn dup_re(self) -> Self;
    /// Each slot's imaginary part in both of its scalars.
    unsafe fn dup_im(self) -> Self;
    /// `a * b + c`.
    unsafe fn fma(a: Self, b: Self, c: Self) -> Self;
    unsafe fn mul(a: Self, b: Self) -> Self;
    /// Even scalars `a - b`, odd scalars `a + b`.
    unsafe fn addsub(a: Self, b: Self) -> Self;
    /// A permutation of the vector's 32-bit elements, as a register.
    type Idx: Copy;
    /// A permutation from its 32-bit element indices at `p` (one per 32-bit element).
    unsafe fn load_idx(p: *const u32) -> Self::Idx;
    /// Element `e` of the result is element `idx[e]` of `self` (across the whole vector).
    unsafe fn permute(self, idx: Self::Idx) -> Self;
}

/// Two complex128 in one 256-bit register.
#[derive(Clone, Copy)]
pub(super) struct F64x2(__m256d);

impl Lanes for F64x2 {
    type S = f64;
    const ROWS: usize = 2;
    #[inline(always)]
    unsafe fn zero() -> Self {
        unsafe { F64x2(_mm256_setzero_pd()) }
    }
    #[inline(always)]
    unsafe fn splat(x: f64) -> Self {
        unsafe { F64x2(_mm256_set1_pd(x)) }
    }
    #[inline(always)]
    unsafe fn splat_c(p: *const Complex<f64>) -> Self {
        unsafe {
            let x = _mm_loadu_pd(p as *const f64);
            F64x2(_mm256_set_m128d(x, x))
        }
    }
    #[inline(always)]
    unsafe fn load(p: *const f64) -> Self {
        unsafe { F64x2(_mm256_loadu_pd(p)) }
    }
    #[inline(always)]
    unsafe fn load_each(f: impl Fn(usize) -> *const Complex<f64>) -> Self {
        unsafe {
            F64x2(_mm256_set_m128d(
                _mm_loadu_pd(f(1) as *const f64),
                _mm_loadu_pd(f(0) as *const f64),
            ))
        }
    }
    #[inline(always)]
    unsafe fn store(self, p: *mut f64) {
        unsafe { _mm256_storeu_pd(p, self.0) }
    }
    #[inline(always)]
    unsafe fn store_rows(self, p: *mut Complex<f64>, o: &[usize]) {
        unsafe {
            _mm_storeu_pd(p.add(o[0]) as *mut f64, _mm256_castpd256_pd128(self.0));
            _mm_storeu_pd(p.add(o[1]) as *mut f64, _mm256_extractf128_pd::<1>(self.0));
        }
    }
    #[inline(always)]
    unsafe fn swap(self) -> Self {
        unsafe { F64x2(_mm256_permute_pd::<0b0101>(self.0)) }
    }
    #[inline(always)]
    unsafe fn dup_re(self) -> Self {
        unsafe { F64x2(_mm256_movedup_pd(self.0)) }
    }
    #[inline(always)]
    unsafe fn dup_im(self) -> Self {
        unsafe { F64x2(_mm256_permute_pd::<0b1111>(self.0)) }
    }
    #[inline(always)]
    unsafe fn fma(a: Self, b: Self, c: Self) -> Self {
        unsafe { F64x2(_mm256_fmadd_pd(a.0, b.0, c.0)) }
    }
    #[inline(always)]
    unsafe fn mul(a: Self, b: Self) -> Self {
        unsafe { F64x2(_mm256_mul_pd(a.0, b.0)) }
    }
    #[inline(always)]
    unsafe fn addsub(a: Self, b: Self) -> Self {
        unsafe { F64x2(_mm256_addsub_pd(a.0, b.0)) }
    }
    type Idx = __m256i;
    #[inline(always)]
    unsafe fn load_idx(p: *const u32) -> __m256i {
        unsafe { _mm256_loadu_si256(p as *const __m256i) }
    }
    #[inline(always)]
    unsafe fn permute(self, idx: __m256i) -> Self {
        unsafe {
            F64x2(_mm256_castps_pd(_mm256_permutevar8x32_ps(
                _mm256_castpd_ps(self.0),
                idx,
            )))
        }
    }
}

/// Four complex64 in one 256-bit register.
#[derive(Clone, Copy)]
pub(super) struct F32x4(__m256);

/// Reads the 8 bytes of one complex64 as an f64 bit pattern.
#[inline(always)]
pub(super) unsafe fn c32_bits(p: *const Complex<f32>) -> f64 {
    unsafe { std::ptr::read_unaligned(p as *const f64) }
}

impl Lanes for F32x4 {
    type S = f32;
    const ROWS: usize = 4;
    #[inline(always)]
    unsafe fn zero() -> Self {
        unsafe { F32x4(_mm256_setzero_ps()) }
    }
    #[inline(always)]
    unsafe fn splat(x: f32) -> Self {
        unsafe { F32x4(_mm256_set1_ps(x)) }
    }
    #[inline(always)]
    unsafe fn splat_c(p: *const Complex<f32>) -> Self {
        unsafe { F32x4(_mm256_castpd_ps(_mm256_set1_pd(c32_bits(p)))) }
    }
    #[inline(always)]
    unsafe fn load(p: *const f32) -> Self {
        unsafe { F32x4(_mm256_loadu_ps(p)) }
    }
    #[inline(always)]
    unsafe fn load_each(f: impl Fn(usize) -> *const Complex<f32>) -> Self {
        unsafe {
            F32x4(_mm256_castpd_ps(_mm256_set_pd(
                c32_bits(f(3)),
                c32_bits(f(2)),
                c32_bits(f(1)),
                c32_bits(f(0)),
            )))
        }
    }
    #[inline(always)]
    unsafe fn store(self, p: *mut f32) {
        unsafe { _mm256_storeu_ps(p, self.0) }
    }
    #[inline(always)]
    unsafe fn store_rows(self, p: *mut Complex<f32>, o: &[usize]) {
        unsafe {
            let lo = _mm256_castpd256_pd128(_mm256_castps_pd(self.0));
            let hi = _mm256_extractf128_pd::<1>(_mm256_castps_pd(self.0));
            _mm_store_sd(p.add(o[0]) as *mut f64, lo);
            _mm_storeh_pd(p.add(o[1]) as *mut f64, lo);
            _mm_store_sd(p.add(o[2]) as *mut f64, hi);
            _mm_storeh_pd(p.add(o[3]) as *mut f64, hi);
        }
    }
    #[inline(always)]
    unsafe fn swap(self) -> Self {
        unsafe { F32x4(_mm256_permute_ps::<0b1011_0001>(self.0)) }
    }
    #[inline(always)]
    unsafe fn dup_re(self) -> Self {
        unsafe { F32x4(_mm256_moveldup_ps(self.0)) }
    }
    #[inline(always)]
    unsafe fn dup_im(self) -> Self {
        unsafe { F32x4(_mm256_movehdup_ps(self.0)) }
    }
    #[inline(always)]
    unsafe fn fma(a: Self, b: Self, c: Self) -> Self {
        unsafe { F32x4(_mm256_fmadd_ps(a.0, b.0, c.0)) }
    }
    #[inline(always)]
    unsafe fn mul(a: Self, b: Self) -> Self {
        unsafe { F32x4(_mm256_mul_ps(a.0, b.0)) }
    }
    #[inline(always)]
    unsafe fn addsub(a: Self, b: Self) -> Self {
        unsafe { F32x4(_mm256_addsub_ps(a.0, b.0)) }
    }
    type Idx = __m256i;
    #[inline(always)]
    unsafe fn load_idx(p: *const u32) -> __m256i {
        unsafe { _mm256_loadu_si256(p as *const __m256i) }
    }
    #[inline(always)]
    unsafe fn permute(self, idx: __m256i) -> Self {
        unsafe { F32x4(_mm256_permutevar8x32_ps(self.0, idx)) }
    }
}

/// Two complex64 in one 128-bit register (dense ops on a single qubit).
#[derive(Clone, Copy)]
pub(super) struct F32x2(__m128);

impl Lanes for F32x2 {
    type S = f32;
    const ROWS: usize = 2;
    #[inline(always)]
    unsafe fn zero() -> Self {
        unsafe { F32x2(_mm_setzero_ps()) }
    }
    #[inline(always)]
    unsafe fn splat(x: f32) -> Self {
        unsafe { F32x2(_mm_set1_ps(x)) }
    }
    #[inline(always)]
    unsafe fn splat_c(p: *const Complex<f32>) -> Self {
        unsafe { F32x2(_mm_castpd_ps(_mm_set1_pd(c32_bits(p)))) }
    }
    #[inline(always)]
    unsafe fn load(p: *const f32) -> Self {
        unsafe { F32x2(_mm_loadu_ps(p)) }
    }
    #[inline(always)]
    unsafe fn load_each(f: impl Fn(usize) -> *const Complex<f32>) -> Self {
        unsafe { F32x2(_mm_castpd_ps(_mm_set_pd(c32_bits(f(1)), c32_bits(f(0))))) }
    }
    #[inline(always)]
    unsafe fn store(self, p: *mut f32) {
        unsafe { _mm_storeu_ps(p, self.0) }
    }
    #[inline(always)]
    unsafe fn store_rows(self, p: *mut Complex<f32>, o: &[usize]) {
        unsafe {
            let v = _mm_castps_pd(self.0);
            _mm_store_sd(p.add(o[0]) as *mut f64, v);
            _mm_storeh_pd(p.add(o[1]) as *mut f64, v);
        }
    }
    #[inline(always)]
    unsafe fn swap(self) -> Self {
        unsafe { F32x2(_mm_permute_ps::<0b1011_0001>(self.0)) }
    }
    #[inline(always)]
    unsafe fn dup_re(self) -> Self {
        unsafe { F32x2(_mm_moveldup_ps(self.0)) }
    }
    #[inline(always)]
    unsafe fn dup_im(self) -> Self {
        unsafe { F32x2(_mm_movehdup_ps(self.0)) }
    }
    #[inline(always)]
    unsafe fn fma(a: Self, b: Self, c: Self) -> Self {
        unsafe { F32x2(_mm_fmadd_ps(a.0, b.0, c.0)) }
    }
    #[inline(always)]
    unsafe fn mul(a: Self, b: Self) -> Self {
        unsafe { F32x2(_mm_mul_ps(a.0, b.0)) }
    }
    #[inline(always)]
    unsafe fn addsub(a: Self, b: Self) -> Self {
        unsafe { F32x2(_mm_addsub_ps(a.0, b.0)) }
    }
    type Idx = __m128i;
    #[inline(always)]
    unsafe fn load_idx(p: *const u32) -> __m128i {
        unsafe { _mm_loadu_si128(p as *const __m128i) }
    }
    #[inline(always)]
    unsafe fn permute(self, idx: __m128i) -> Self {
        unsafe { F32x2(_mm_permutevar_ps(self.0, idx)) }
    }
}

/// `m * x` for complex `m` split into its duplicated parts `mre`, `mim`.
#[inline(always)]
pub(super) unsafe fn cmul<V: Lanes>(mre: V, mim: V, x: V) -> V {
    unsafe { V::addsub(V::mul(mre, x), V::mul(mim, x.swap())) }
}

/// A dense `D x D` matrix applied to the group at every base `wbase + b`, `b` in `bases`.
///
/// `packed` holds, for each chunk `c` of `ROWS` output rows and each input `s`, one
/// vector of the rows' real parts and one of their imaginary parts (see
/// [`super::pack_rows`]). With `contig`, each chunk's rows are adjacent in memory.
#[inline(always)]
pub(super) unsafe fn dense_groups<V: Lanes, const D: usize>(
    p: *mut Complex<V::S>,
    wbase: usize,
    bases: Bases,
    o: &[usize],
    packed: *const V::S,
    contig: bool,
) {
    let step = 4 * V::ROWS;
    let o: &[usize; D] = o.try_into().expect("group size matches the matrix");
    for b in bases.iter() {
        unsafe {
            let q = p.add(wbase + b);
            let mut v = [V::zero(); D];
            let mut w = [V::zero(); D];
            for s in 0..D {
                v[s] = V::splat_c(q.add(o[s]));
                w[s] = v[s].swap();
            }
            for c in 0..D / V::ROWS {
                let mut re = V::zero();
                let mut im = V::zero();
                for s in 0..D {
                    let m = packed.add((c * D + s) * step);
                    re = V::fma(V::load(m), v[s], re);
                    im = V::fma(V::load(m.add(2 * V::ROWS)), w[s], im);
                }
                let out = V::addsub(re, im);
                if contig {
                    out.store(q.add(o[c * V::ROWS]) as *mut V::S);
                } else {
                    out.store_rows(q, &o[c * V::ROWS..]);
                }
            }
        }
    }
}

/// A dense `D x D` matrix applied to `ROWS` neighbouring groups at once: when every
/// target and control is at or above `log2(ROWS)`, bases come in runs of consecutive
/// indices, so member `s` of `ROWS` neighbouring groups is one contiguous vector and no
/// broadcast or scatter is needed. `coef` holds, for each entry `(r, s)`, its real part
/// splat over one vector and then its imaginary part (see [`super::pack_splat`]).
#[inline(always)]
pub(super) unsafe fn dense_across<V: Lanes, const D: usize>(
    p: *mut Complex<V::S>,
    wbase: usize,
    bases: Bases,
    o: &[usize],
    coef: *const V::S,
) {
    let step = 4 * V::ROWS;
    let o: &[usize; D] = o.try_into().expect("group size matches the matrix");
    for b in bases.iter_vectors(V::ROWS) {
        unsafe {
            let q = p.add(wbase + b);
            let mut x = [V::zero(); D];
            let mut xs = [V::zero(); D];
            for s in 0..D {
                x[s] = V::load(q.add(o[s]) as *const V::S);
                xs[s] = x[s].swap();
            }
            for (r, &or) in o.iter().enumerate() {
                let mut re = V::zero();
                let mut im = V::zero();
                for s in 0..D {
                    let c = coef.add((r * D + s) * step);
                    re = V::fma(V::load(c), x[s], re);
                    im = V::fma(V::load(c.add(2 * V::ROWS)), xs[s], im);
                }
                V::addsub(re, im).store(q.add(or) as *mut V::S);
            }
        }
    }
}

/// A dense matrix on targets of which some lie inside one vector (below `log2(ROWS)`):
/// each vector holds `ROWS / DL` groups' worth of the `DL` low-target members, the `DH`
/// high-target members are `DH` vectors at offsets `o`. Output vector `r` is the sum over
/// input vectors `h` and low-target masks `t` of coefficient vector `(r, h, t)` times
/// vector `h` with its slots permuted by `l -> l ^ mask(t)` (qsim's approach): every
/// instruction works on whole vectors of amplitudes, with no broadcasts or scattered
/// stores. `coef` holds, per `(r, h, t)`, the per-slot real parts (each twice) and then
/// the imaginary parts; `idx` holds, per `t`, the permutation and the permutation
/// followed by a re/im swap (see [`super::in_lanes`]).
#[inline(always)]
pub(super) unsafe fn dense_lanes<V: Lanes, const DH: usize, const DL: usize>(
    p: *mut Complex<V::S>,
    wbase: usize,
    bases: Bases,
    o: &[usize],
    coef: *const V::S,
    idx: *const u32,
) {
    let step = 4 * V::ROWS;
    let elems = std::mem::size_of::<V>() / 4;
    let o: &[usize; DH] = o.try_into().expect("member count matches the matrix");
    unsafe {
        let perm: [V::Idx; DL] = std::array::from_fn(|t| V::load_idx(idx.add(2 * t * elems)));
        let perm_swap: [V::Idx; DL] =
            std::array::from_fn(|t| V::load_idx(idx.add((2 * t + 1) * elems)));
        for b in bases.iter_vectors(V::ROWS) {
            let q = p.add(wbase + b);
            let mut x = [[V::zero(); DL]; DH];
            let mut xs = [[V::zero(); DL]; DH];
            for h in 0..DH {
                let v = V::load(q.add(o[h]) as *const V::S);
                x[h][0] = v;
                xs[h][0] = v.swap();
                for t in 1..DL {
                    x[h][t] = v.permute(perm[t]);
                    xs[h][t] = v.permute(perm_swap[t]);
                }
            }
            for (r, &or) in o.iter().enumerate() {
                let mut re = V::zero();
                let mut im = V::zero();
                for h in 0..DH {
                    for t in 0..DL {
                        let c = coef.add(((r * DH + h) * DL + t) * step);
                        re = V::fma(V::load(c), x[h][t], re);
                        im = V::fma(V::load(c.add(2 * V::ROWS)), xs[h][t], im);
                    }
                }
                V::addsub(re, im).store(q.add(or) as *mut V::S);
            }
        }
    }
}

macro_rules! lanes_entry {
    ($name:ident, $lanes:ty, $feat:literal) => {
        #[doc = concat!("Dense groups with targets inside a vector (", $feat, ").")]
        #[target_feature(enable = $feat)]
        pub(super) unsafe fn $name<const DH: usize, const DL: usize>(
            p: *mut Complex<<$lanes as Lanes>::S>,
            wbase: usize,
            bases: Bases,
            o: &[usize],
            coef: *const <$lanes as Lanes>::S,
            idx: *const u32,
        ) {
            unsafe { dense_lanes::<$lanes, DH, DL>(p, wbase, bases, o, coef, idx) }
        }
    };
}
pub(super) use lanes_entry;
lanes_entry!(lanes_dense_f64, F64x2, "avx2,fma");
monomial_entry!(monomial_f64, F64x2, "avx2,fma");
monomial_entry!(monomial_f32, F32x4, "avx2,fma");
lanes_entry!(lanes_dense_f32, F32x4, "avx2,fma");

macro_rules! across_entry {
    ($name:ident, $lanes:ty, $feat:literal) => {
        #[doc = concat!("Dense groups of one window, `ROWS` neighbouring groups per vector (", $feat, ").")]
        #[target_feature(enable = $feat)]
        pub(super) unsafe fn $name<const D: usize>(
            p: *mut Complex<<$lanes as Lanes>::S>,
            wbase: usize,
            bases: Bases,
            o: &[usize],
            coef: *const <$lanes as Lanes>::S,
        ) {
            unsafe { dense_across::<$lanes, D>(p, wbase, bases, o, coef) }
        }
    };
}
pub(super) use across_entry;
across_entry!(across_f64, F64x2, "avx2,fma");
across_entry!(across_f32, F32x4, "avx2,fma");

macro_rules! dense_entry {
    ($name:ident, $lanes:ty, $feat:literal) => {
        #[doc = concat!("Dense groups of one window, for group size `D` (", $feat, ").")]
        #[target_feature(enable = $feat)]
        pub(super) unsafe fn $name<const D: usize>(
            p: *mut Complex<<$lanes as Lanes>::S>,
            wbase: usize,
            bases: Bases,
            o: &[usize],
            packed: *const <$lanes as Lanes>::S,
            contig: bool,
        ) {
            unsafe { dense_groups::<$lanes, D>(p, wbase, bases, o, packed, contig) }
        }
    };
}
pub(super) use dense_entry;
dense_entry!(dense_f64, F64x2, "avx2,fma");
dense_entry!(dense_f32x4, F32x4, "avx2,fma");
dense_entry!(dense_f32x2, F32x2, "avx2,fma");

/// One-qubit matrix `m` on matching half-blocks `lo`, `hi` (length a multiple of ROWS).
#[inline(always)]
pub(super) unsafe fn pair<V: Lanes>(
    lo: *mut V::S,
    hi: *mut V::S,
    len: usize,
    m: &[Complex<V::S>; 4],
) {
    unsafe {
        let re = m.map(|z| V::splat(z.re));
        let im = m.map(|z| V::splat(z.im));
        let mut j = 0;
        while j < 2 * len {
            let (x, y) = (V::load(lo.add(j)), V::load(hi.add(j)));
            let (xs, ys) = (x.swap(), y.swap());
            let a = V::addsub(
                V::fma(re[0], x, V::mul(re[1], y)),
                V::fma(im[0], xs, V::mul(im[1], ys)),
            );
            let b = V::addsub(
                V::fma(re[2], x, V::mul(re[3], y)),
                V::fma(im[2], xs, V::mul(im[3], ys)),
            );
            a.store(lo.add(j));
            b.store(hi.add(j));
            j += 2 * V::ROWS;
        }
    }
}

/// `run[j] *= f` for every `j` (length a multiple of ROWS).
#[inline(always)]
pub(super) unsafe fn scale<V: Lanes>(p: *mut V::S, len: usize, f: Complex<V::S>) {
    unsafe {
        let (re, im) = (V::splat(f.re), V::splat(f.im));
        let mut j = 0;
        while j < 2 * len {
            cmul(re, im, V::load(p.add(j))).store(p.add(j));
            j += 2 * V::ROWS;
        }
    }
}

/// `run[j] *= table[hi | low[j]]` for a run of up to 256 amplitudes (a multiple of ROWS).
#[inline(always)]
pub(super) unsafe fn diag_table<V: Lanes>(
    p: *mut Complex<V::S>,
    len: usize,
    table: *const Complex<V::S>,
    hi: usize,
    low: &[u32; 256],
) {
    unsafe {
        let mut j = 0;
        while j < len {
            let f = V::load_each(|r| table.add(hi | low[j + r] as usize));
            let x = V::load(p.add(j) as *const V::S);
            cmul(f.dup_re(), f.dup_im(), x).store(p.add(j) as *mut V::S);
            j += V::ROWS;
        }
    }
}

/// `run[j] *= table[hi | low[j]]` where `low[j]` is the same for the `ROWS` slots of
/// each vector (every diagonal qubit at or above `log2(ROWS)`): one broadcast entry per
/// vector instead of a gather.
#[inline(always)]
pub(super) unsafe fn diag_runs<V: Lanes>(
    p: *mut Complex<V::S>,
    len: usize,
    table: *const Complex<V::S>,
    hi: usize,
    low: &[u32; 256],
) {
    unsafe {
        let mut j = 0;
        while j < len {
            let f = *table.add(hi | low[j] as usize);
            let x = V::load(p.add(j) as *const V::S);
            cmul(V::splat(f.re), V::splat(f.im), x).store(p.add(j) as *mut V::S);
            j += V::ROWS;
        }
    }
}

/// `run[j] *= factors[(hi | low[j]) * ROWS + j % ROWS]` for vectors at multiples of
/// `ROWS`: the diagonal expanded per vector lane (see [`super::lane_table`]), one vector
/// load of factors per vector of amplitudes instead of a gather.
#[inline(always)]
pub(super) unsafe fn diag_lanes<V: Lanes>(
    p: *mut Complex<V::S>,
    len: usize,
    factors: *const Complex<V::S>,
    hi: usize,
    low: &[u32; 256],
) {
    unsafe {
        let mut j = 0;
        while j < len {
            let f = V::load(factors.add((hi | low[j] as usize) * V::ROWS) as *const V::S);
            let x = V::load(p.add(j) as *const V::S);
            cmul(f.dup_re(), f.dup_im(), x).store(p.add(j) as *mut V::S);
            j += V::ROWS;
        }
    }
}

macro_rules! elementwise_entries {
    ($pair:ident, $scale:ident, $diag:ident, $runs:ident, $dl:ident, $lanes:ty, $feat:literal) => {
        #[doc = concat!("One-qubit matrix on half-block pairs (", $feat, ").")]
        #[target_feature(enable = $feat)]
        pub(super) unsafe fn $pair(
            lo: *mut <$lanes as Lanes>::S,
            hi: *mut <$lanes as Lanes>::S,
            len: usize,
            m: &[Complex<<$lanes as Lanes>::S>; 4],
        ) {
            unsafe { pair::<$lanes>(lo, hi, len, m) }
        }

        #[doc = concat!("Multiplies a run by one factor (", $feat, ").")]
        #[target_feature(enable = $feat)]
        pub(super) unsafe fn $scale(
            p: *mut <$lanes as Lanes>::S,
            len: usize,
            f: Complex<<$lanes as Lanes>::S>,
        ) {
            unsafe { scale::<$lanes>(p, len, f) }
        }

        #[doc = concat!("Multiplies a run by gathered diagonal entries (", $feat, ").")]
        #[target_feature(enable = $feat)]
        pub(super) unsafe fn $diag(
            p: *mut Complex<<$lanes as Lanes>::S>,
            len: usize,
            table: *const Complex<<$lanes as Lanes>::S>,
            hi: usize,
            low: &[u32; 256],
        ) {
            unsafe { diag_table::<$lanes>(p, len, table, hi, low) }
        }

        #[doc = concat!("Multiplies a run by one diagonal entry per vector (", $feat, ").")]
        #[target_feature(enable = $feat)]
        pub(super) unsafe fn $runs(
            p: *mut Complex<<$lanes as Lanes>::S>,
            len: usize,
            table: *const Complex<<$lanes as Lanes>::S>,
            hi: usize,
            low: &[u32; 256],
        ) {
            unsafe { diag_runs::<$lanes>(p, len, table, hi, low) }
        }

        #[doc = concat!("Multiplies a run by lane-expanded diagonal factors (", $feat, ").")]
        #[target_feature(enable = $feat)]
        pub(super) unsafe fn $dl(
            p: *mut Complex<<$lanes as Lanes>::S>,
            len: usize,
            factors: *const Complex<<$lanes as Lanes>::S>,
            hi: usize,
            low: &[u32; 256],
        ) {
            unsafe { diag_lanes::<$lanes>(p, len, factors, hi, low) }
        }
    };
}
pub(super) use elementwise_entries;
elementwise_entries!(pair_f64, scale_f64, diag_f64, runs_f64, lanes_f64, F64x2, "avx2,fma");
elementwise_entries!(pair_f32, scale_f32, diag_f32, runs_f32, lanes_f32, F32x4, "avx2,fma");
