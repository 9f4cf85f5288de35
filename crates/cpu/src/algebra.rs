//! State algebra for algorithms written over the state primitives: norms, inner
//! products, scale and add, and applying an observable's Pauli terms into another state.

use crate::exec::{Exec, SharedMut};
use crate::scalar::{cast, Real};
use ferroq_core::Observable;
use num_complex::{Complex, Complex64};

/// `Σ |a_i|^2`.
pub(crate) fn norm_sqr<T: Real>(exec: Exec<'_>, a: &[Complex<T>]) -> f64 {
    exec.map_reduce(
        a.len(),
        |s, e| a[s..e].iter().map(|x| x.norm_sqr().to_f64()).sum::<f64>(),
        || 0.0,
        |x, y| x + y,
    )
}

/// `Σ conj(a_i) b_i`.
pub(crate) fn inner<T: Real>(exec: Exec<'_>, a: &[Complex<T>], b: &[Complex<T>]) -> Complex64 {
    exec.map_reduce(
        a.len(),
        |s, e| {
            a[s..e]
                .iter()
                .zip(&b[s..e])
                .fold(Complex64::new(0.0, 0.0), |acc, (x, y)| {
                    let (xr, xi) = (x.re.to_f64(), x.im.to_f64());
                    let (yr, yi) = (y.re.to_f64(), y.im.to_f64());
                    acc + Complex64::new(xr * yr + xi * yi, xr * yi - xi * yr)
                })
        },
        || Complex64::new(0.0, 0.0),
        |x, y| x + y,
    )
}

/// `f(i, &mut a_i)` for every index, in parallel chunks.
fn for_each_mut<T: Real>(
    exec: Exec<'_>,
    a: &mut [Complex<T>],
    f: impl Fn(usize, &mut Complex<T>) + Sync + Send,
) {
    let ptr = SharedMut::new(a);
    exec.for_ranges(a.len(), |s, e| {
        for i in s..e {
            // SAFETY: `i < len` and the ranges are disjoint.
            f(i, unsafe { &mut *ptr.at(i) });
        }
    });
}

/// `a = 0`.
pub(crate) fn zero<T: Real>(exec: Exec<'_>, a: &mut [Complex<T>]) {
    for_each_mut(exec, a, |_, x| *x = Complex::default());
}

/// `a *= k`.
pub(crate) fn scale<T: Real>(exec: Exec<'_>, a: &mut [Complex<T>], k: Complex64) {
    let k: Complex<T> = cast(k);
    for_each_mut(exec, a, |_, x| *x = *x * k);
}

/// `a += k * b`.
pub(crate) fn add_scaled<T: Real>(
    exec: Exec<'_>,
    a: &mut [Complex<T>],
    k: Complex64,
    b: &[Complex<T>],
) {
    let k: Complex<T> = cast(k);
    for_each_mut(exec, a, |i, x| *x = *x + k * b[i]);
}

/// `a = b`.
pub(crate) fn copy<T: Real>(exec: Exec<'_>, a: &mut [Complex<T>], b: &[Complex<T>]) {
    for_each_mut(exec, a, |i, x| *x = b[i]);
}

/// `out = O |a>`: output `j` gathers `Σ_t c_t i^{y_t} (-1)^{|(j^x_t) & z_t|} a[j ^ x_t]`
/// (each output written once, so chunks run in parallel without conflicts).
pub(crate) fn apply_observable<T: Real>(
    exec: Exec<'_>,
    a: &[Complex<T>],
    obs: &Observable,
    out: &mut [Complex<T>],
) {
    let terms: Vec<(usize, u64, Complex64)> = obs
        .terms()
        .iter()
        .map(|t| {
            let phase = match t.y_count() % 4 {
                0 => Complex64::new(1.0, 0.0),
                1 => Complex64::new(0.0, 1.0),
                2 => Complex64::new(-1.0, 0.0),
                _ => Complex64::new(0.0, -1.0),
            };
            (t.x_mask() as usize, t.z_mask(), phase * t.coeff)
        })
        .collect();
    for_each_mut(exec, out, |j, y| {
        let mut acc = Complex64::new(0.0, 0.0);
        for &(x, z, c) in &terms {
            let src = j ^ x;
            let v = a[src];
            let v = Complex64::new(v.re.to_f64(), v.im.to_f64());
            let sign = if ((src as u64) & z).count_ones() & 1 == 1 {
                -1.0
            } else {
                1.0
            };
            acc += c * v * sign;
        }
        *y = cast(acc);
    });
}
