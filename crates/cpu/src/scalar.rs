//! The floating-point types the kernels are generic over (f32 and f64).

use num_complex::{Complex, Complex64};

/// A real scalar the CPU kernels run in: `f32` (complex64 states) or `f64` (complex128).
pub trait Real:
    num_traits::Float
    + Send
    + Sync
    + Default
    + std::fmt::Debug
    + std::ops::AddAssign
    + std::ops::MulAssign
    + std::iter::Sum
    + 'static
{
    /// Converts from f64 (rounding for f32).
    fn from_f64(v: f64) -> Self;
    /// Widens to f64.
    fn to_f64(self) -> f64;
    /// True for f64 (the SIMD kernels pick their vector layout by it).
    #[doc(hidden)]
    const IS_F64: bool;
    /// Every bit set (a NaN; the SIMD permutation kernels use it as a lane mask).
    #[doc(hidden)]
    const ALL_ONES: Self;
}

impl Real for f32 {
    const IS_F64: bool = false;
    const ALL_ONES: Self = f32::from_bits(u32::MAX);
    fn from_f64(v: f64) -> Self {
        v as f32
    }
    fn to_f64(self) -> f64 {
        self as f64
    }
}

impl Real for f64 {
    const IS_F64: bool = true;
    const ALL_ONES: Self = f64::from_bits(u64::MAX);
    fn from_f64(v: f64) -> Self {
        v
    }
    fn to_f64(self) -> f64 {
        self
    }
}

/// Converts a complex128 to the kernel's complex type.
pub fn cast<T: Real>(z: Complex64) -> Complex<T> {
    Complex::new(T::from_f64(z.re), T::from_f64(z.im))
}
