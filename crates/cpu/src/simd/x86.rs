//! AVX2 + FMA kernels for x86-64: the [`Lanes`] vector types every x86 kernel body is
//! written over (the bodies are in [`super::bodies`]), their 256-bit (and 128-bit)
//! implementations, and the AVX2 entry points. Every entry point is a
//! `#[target_feature]` function that callers reach only after [`super::Isa::supported`]
//! found the features; the vector helpers are `#[inline(always)]`, so they compile
//! inside those entry points with the entry point's features on.

use super::bodies::{
    across_entry, dense_across, dense_entry, dense_groups, dense_lanes, diag_lanes, diag_runs,
    diag_table, elementwise_entries, lanes_entry, monomial_across, monomial_entry, monomial_lanes,
    monomial_lanes_entry, pair, scale,
};
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
    /// Bitwise `a & b` (with `b` a mask of whole elements).
    unsafe fn and(a: Self, b: Self) -> Self;
    /// Bitwise `a | b`.
    unsafe fn or(a: Self, b: Self) -> Self;
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
    #[inline(always)]
    unsafe fn and(a: Self, b: Self) -> Self {
        unsafe { F64x2(_mm256_and_pd(a.0, b.0)) }
    }
    #[inline(always)]
    unsafe fn or(a: Self, b: Self) -> Self {
        unsafe { F64x2(_mm256_or_pd(a.0, b.0)) }
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
    #[inline(always)]
    unsafe fn and(a: Self, b: Self) -> Self {
        unsafe { F32x4(_mm256_and_ps(a.0, b.0)) }
    }
    #[inline(always)]
    unsafe fn or(a: Self, b: Self) -> Self {
        unsafe { F32x4(_mm256_or_ps(a.0, b.0)) }
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
    #[inline(always)]
    unsafe fn and(a: Self, b: Self) -> Self {
        unsafe { F32x2(_mm_and_ps(a.0, b.0)) }
    }
    #[inline(always)]
    unsafe fn or(a: Self, b: Self) -> Self {
        unsafe { F32x2(_mm_or_ps(a.0, b.0)) }
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

elementwise_entries!(pair_f64, scale_f64, diag_f64, runs_f64, lanes_f64, F64x2, "avx2,fma");
elementwise_entries!(pair_f32, scale_f32, diag_f32, runs_f32, lanes_f32, F32x4, "avx2,fma");
lanes_entry!(lanes_dense_f64, F64x2, "avx2,fma");
monomial_entry!(monomial_f64, F64x2, "avx2,fma");
monomial_lanes_entry!(monomial_lanes_f64, F64x2, "avx2,fma");
monomial_lanes_entry!(monomial_lanes_f32, F32x4, "avx2,fma");
monomial_entry!(monomial_f32, F32x4, "avx2,fma");
lanes_entry!(lanes_dense_f32, F32x4, "avx2,fma");
across_entry!(across_f64, F64x2, "avx2,fma");
across_entry!(across_f32, F32x4, "avx2,fma");
dense_entry!(dense_f64, F64x2, "avx2,fma");
dense_entry!(dense_f32x4, F32x4, "avx2,fma");
dense_entry!(dense_f32x2, F32x2, "avx2,fma");
