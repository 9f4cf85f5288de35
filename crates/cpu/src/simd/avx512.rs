//! AVX-512F kernels for x86-64: the kernel bodies of [`super::x86`] compiled over
//! 512-bit vectors (four complex128 or eight complex64 per register). Every entry point
//! is a `#[target_feature(enable = "avx512f,...")]` function reached only after
//! [`super::Isa::supported`] found AVX-512F.
//!
//! AVX-512 has no `addsub`; `a -/+ b` is one `fmaddsub(a, 1, b)`.

use super::bodies::{
    across_entry, dense_across, dense_entry, dense_groups, dense_lanes, diag_lanes, diag_runs,
    diag_table, elementwise_entries, lanes_entry, monomial_across, monomial_entry, monomial_lanes,
    monomial_lanes_entry, pair, scale,
};
use super::x86::{c32_bits, Lanes};
use crate::layout::Bases;
use num_complex::Complex;
use std::arch::x86_64::*;

/// Four complex128 in one 512-bit register.
#[derive(Clone, Copy)]
pub(super) struct F64x4(__m512d);

impl Lanes for F64x4 {
    type S = f64;
    const ROWS: usize = 4;
    #[inline(always)]
    unsafe fn zero() -> Self {
        unsafe { F64x4(_mm512_setzero_pd()) }
    }
    #[inline(always)]
    unsafe fn splat(x: f64) -> Self {
        unsafe { F64x4(_mm512_set1_pd(x)) }
    }
    #[inline(always)]
    unsafe fn splat_c(p: *const Complex<f64>) -> Self {
        unsafe {
            let x = _mm_loadu_ps(p as *const f32);
            F64x4(_mm512_castps_pd(_mm512_broadcast_f32x4(x)))
        }
    }
    #[inline(always)]
    unsafe fn load(p: *const f64) -> Self {
        unsafe { F64x4(_mm512_loadu_pd(p)) }
    }
    #[inline(always)]
    unsafe fn load_each(f: impl Fn(usize) -> *const Complex<f64>) -> Self {
        unsafe {
            let pair = |a: usize, b: usize| {
                _mm256_set_m128d(
                    _mm_loadu_pd(f(b) as *const f64),
                    _mm_loadu_pd(f(a) as *const f64),
                )
            };
            let lo = _mm512_castpd256_pd512(pair(0, 1));
            F64x4(_mm512_insertf64x4::<1>(lo, pair(2, 3)))
        }
    }
    #[inline(always)]
    unsafe fn store(self, p: *mut f64) {
        unsafe { _mm512_storeu_pd(p, self.0) }
    }
    #[inline(always)]
    unsafe fn store_rows(self, p: *mut Complex<f64>, o: &[usize]) {
        unsafe {
            let v = _mm512_castpd_ps(self.0);
            _mm_storeu_ps(p.add(o[0]) as *mut f32, _mm512_castps512_ps128(v));
            _mm_storeu_ps(p.add(o[1]) as *mut f32, _mm512_extractf32x4_ps::<1>(v));
            _mm_storeu_ps(p.add(o[2]) as *mut f32, _mm512_extractf32x4_ps::<2>(v));
            _mm_storeu_ps(p.add(o[3]) as *mut f32, _mm512_extractf32x4_ps::<3>(v));
        }
    }
    #[inline(always)]
    unsafe fn swap(self) -> Self {
        unsafe { F64x4(_mm512_permute_pd::<0b0101_0101>(self.0)) }
    }
    #[inline(always)]
    unsafe fn dup_re(self) -> Self {
        unsafe { F64x4(_mm512_movedup_pd(self.0)) }
    }
    #[inline(always)]
    unsafe fn dup_im(self) -> Self {
        unsafe { F64x4(_mm512_permute_pd::<0b1111_1111>(self.0)) }
    }
    #[inline(always)]
    unsafe fn fma(a: Self, b: Self, c: Self) -> Self {
        unsafe { F64x4(_mm512_fmadd_pd(a.0, b.0, c.0)) }
    }
    #[inline(always)]
    unsafe fn mul(a: Self, b: Self) -> Self {
        unsafe { F64x4(_mm512_mul_pd(a.0, b.0)) }
    }
    #[inline(always)]
    unsafe fn addsub(a: Self, b: Self) -> Self {
        unsafe { F64x4(_mm512_fmaddsub_pd(a.0, _mm512_set1_pd(1.0), b.0)) }
    }
    #[inline(always)]
    unsafe fn and(a: Self, b: Self) -> Self {
        unsafe {
            let (a, b) = (_mm512_castpd_si512(a.0), _mm512_castpd_si512(b.0));
            F64x4(_mm512_castsi512_pd(_mm512_and_si512(a, b)))
        }
    }
    #[inline(always)]
    unsafe fn or(a: Self, b: Self) -> Self {
        unsafe {
            let (a, b) = (_mm512_castpd_si512(a.0), _mm512_castpd_si512(b.0));
            F64x4(_mm512_castsi512_pd(_mm512_or_si512(a, b)))
        }
    }
    type Idx = __m512i;
    #[inline(always)]
    unsafe fn load_idx(p: *const u32) -> __m512i {
        unsafe { _mm512_loadu_si512(p as *const __m512i) }
    }
    #[inline(always)]
    unsafe fn permute(self, idx: __m512i) -> Self {
        unsafe {
            F64x4(_mm512_castps_pd(_mm512_permutexvar_ps(
                idx,
                _mm512_castpd_ps(self.0),
            )))
        }
    }
}

/// Eight complex64 in one 512-bit register.
#[derive(Clone, Copy)]
pub(super) struct F32x8(__m512);

impl Lanes for F32x8 {
    type S = f32;
    const ROWS: usize = 8;
    #[inline(always)]
    unsafe fn zero() -> Self {
        unsafe { F32x8(_mm512_setzero_ps()) }
    }
    #[inline(always)]
    unsafe fn splat(x: f32) -> Self {
        unsafe { F32x8(_mm512_set1_ps(x)) }
    }
    #[inline(always)]
    unsafe fn splat_c(p: *const Complex<f32>) -> Self {
        unsafe { F32x8(_mm512_castpd_ps(_mm512_set1_pd(c32_bits(p)))) }
    }
    #[inline(always)]
    unsafe fn load(p: *const f32) -> Self {
        unsafe { F32x8(_mm512_loadu_ps(p)) }
    }
    #[inline(always)]
    unsafe fn load_each(f: impl Fn(usize) -> *const Complex<f32>) -> Self {
        unsafe {
            F32x8(_mm512_castpd_ps(_mm512_set_pd(
                c32_bits(f(7)),
                c32_bits(f(6)),
                c32_bits(f(5)),
                c32_bits(f(4)),
                c32_bits(f(3)),
                c32_bits(f(2)),
                c32_bits(f(1)),
                c32_bits(f(0)),
            )))
        }
    }
    #[inline(always)]
    unsafe fn store(self, p: *mut f32) {
        unsafe { _mm512_storeu_ps(p, self.0) }
    }
    #[inline(always)]
    unsafe fn store_rows(self, p: *mut Complex<f32>, o: &[usize]) {
        unsafe {
            let quarter = |q: __m128, j: usize| {
                let v = _mm_castps_pd(q);
                _mm_store_sd(p.add(o[2 * j]) as *mut f64, v);
                _mm_storeh_pd(p.add(o[2 * j + 1]) as *mut f64, v);
            };
            quarter(_mm512_castps512_ps128(self.0), 0);
            quarter(_mm512_extractf32x4_ps::<1>(self.0), 1);
            quarter(_mm512_extractf32x4_ps::<2>(self.0), 2);
            quarter(_mm512_extractf32x4_ps::<3>(self.0), 3);
        }
    }
    #[inline(always)]
    unsafe fn swap(self) -> Self {
        unsafe { F32x8(_mm512_permute_ps::<0b1011_0001>(self.0)) }
    }
    #[inline(always)]
    unsafe fn dup_re(self) -> Self {
        unsafe { F32x8(_mm512_moveldup_ps(self.0)) }
    }
    #[inline(always)]
    unsafe fn dup_im(self) -> Self {
        unsafe { F32x8(_mm512_movehdup_ps(self.0)) }
    }
    #[inline(always)]
    unsafe fn fma(a: Self, b: Self, c: Self) -> Self {
        unsafe { F32x8(_mm512_fmadd_ps(a.0, b.0, c.0)) }
    }
    #[inline(always)]
    unsafe fn mul(a: Self, b: Self) -> Self {
        unsafe { F32x8(_mm512_mul_ps(a.0, b.0)) }
    }
    #[inline(always)]
    unsafe fn addsub(a: Self, b: Self) -> Self {
        unsafe { F32x8(_mm512_fmaddsub_ps(a.0, _mm512_set1_ps(1.0), b.0)) }
    }
    #[inline(always)]
    unsafe fn and(a: Self, b: Self) -> Self {
        unsafe {
            let (a, b) = (_mm512_castps_si512(a.0), _mm512_castps_si512(b.0));
            F32x8(_mm512_castsi512_ps(_mm512_and_si512(a, b)))
        }
    }
    #[inline(always)]
    unsafe fn or(a: Self, b: Self) -> Self {
        unsafe {
            let (a, b) = (_mm512_castps_si512(a.0), _mm512_castps_si512(b.0));
            F32x8(_mm512_castsi512_ps(_mm512_or_si512(a, b)))
        }
    }
    type Idx = __m512i;
    #[inline(always)]
    unsafe fn load_idx(p: *const u32) -> __m512i {
        unsafe { _mm512_loadu_si512(p as *const __m512i) }
    }
    #[inline(always)]
    unsafe fn permute(self, idx: __m512i) -> Self {
        unsafe { F32x8(_mm512_permutexvar_ps(idx, self.0)) }
    }
}

across_entry!(across_f64, F64x4, "avx512f,avx2,fma");
lanes_entry!(lanes_dense_f64, F64x4, "avx512f,avx2,fma");
monomial_entry!(monomial_f64, F64x4, "avx512f,avx2,fma");
monomial_lanes_entry!(monomial_lanes_f64, F64x4, "avx512f,avx2,fma");
monomial_lanes_entry!(monomial_lanes_f32, F32x8, "avx512f,avx2,fma");
monomial_entry!(monomial_f32, F32x8, "avx512f,avx2,fma");
lanes_entry!(lanes_dense_f32, F32x8, "avx512f,avx2,fma");
across_entry!(across_f32, F32x8, "avx512f,avx2,fma");
dense_entry!(dense_f64, F64x4, "avx512f,avx2,fma");
dense_entry!(dense_f32, F32x8, "avx512f,avx2,fma");
elementwise_entries!(
    pair_f64,
    scale_f64,
    diag_f64,
    runs_f64,
    lanes_f64,
    F64x4,
    "avx512f,avx2,fma"
);
elementwise_entries!(
    pair_f32,
    scale_f32,
    diag_f32,
    runs_f32,
    lanes_f32,
    F32x8,
    "avx512f,avx2,fma"
);
