//! State algebra for algorithms written over the state primitives: norms, inner
//! products, scale and add (applying an observable is in `expectation`).

use crate::exec::{Exec, SharedMut};
use crate::scalar::{cast, Real};
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
        |s, e| dot_run(&a[s..e], &b[s..e]),
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

/// `<a| M |b>` for a dense `2^k x 2^k` matrix `m` (row-major) on `targets` (no
/// controls), in one pass over both states (no scratch state).
pub(crate) fn inner_dense<T: Real>(
    exec: Exec<'_>,
    a: &[Complex<T>],
    targets: &[u32],
    m: &[Complex64],
    b: &[Complex<T>],
) -> Complex64 {
    let k = targets.len();
    if k == 1 {
        return inner_dense_1q(exec, a, targets[0], m, b);
    }
    let dim = 1usize << k;
    let mut offsets = [0usize; 64];
    for (s, o) in offsets[..dim].iter_mut().enumerate() {
        *o = targets
            .iter()
            .enumerate()
            .map(|(j, &t)| ((s >> j) & 1) << t)
            .sum();
    }
    let offsets = &offsets[..dim];
    let mut sorted: Vec<u32> = targets.to_vec();
    sorted.sort_unstable();
    // The `count`-th index with every target bit 0.
    let base = |mut idx: usize| {
        for &t in &sorted {
            let low = idx & ((1usize << t) - 1);
            idx = ((idx >> t) << (t + 1)) | low;
        }
        idx
    };
    let c64 = |x: Complex<T>| Complex64::new(x.re.to_f64(), x.im.to_f64());
    exec.map_reduce(
        a.len() >> k,
        |s, e| {
            let mut acc = Complex64::new(0.0, 0.0);
            let mut v = [Complex64::new(0.0, 0.0); 64];
            for g in s..e {
                let i0 = base(g);
                for (x, o) in v.iter_mut().zip(offsets) {
                    *x = c64(b[i0 | o]);
                }
                for (r, o) in offsets.iter().enumerate() {
                    let row = &m[r * dim..(r + 1) * dim];
                    let mv: Complex64 = row.iter().zip(&v[..dim]).map(|(x, y)| x * y).sum();
                    acc += c64(a[i0 | o]).conj() * mv;
                }
            }
            acc
        },
        || Complex64::new(0.0, 0.0),
        |x, y| x + y,
    )
}

/// [`inner_dense`] for one target: amplitude pairs `(i, i | bit)` in blocks.
/// Lanes of independent partial sums in the inner-product loops: one running sum is a
/// chain of dependent additions (latency-bound); four let the core overlap them and
/// the compiler vectorise.
const LANES: usize = 4;

/// `Σ_i conj(a0_i, a1_i) · M · (b0_i, b1_i)` over matching runs (the lower and upper
/// halves of a one-qubit pair), as `(re, im)`.
fn pair_run<T: Real>(
    a0: &[Complex<T>],
    a1: &[Complex<T>],
    b0: &[Complex<T>],
    b1: &[Complex<T>],
    m: [Complex64; 4],
) -> (f64, f64) {
    let [m00, m01, m10, m11] = m;
    let zero = Complex64::new(0.0, 0.0);
    if m00 == zero && m11 == zero {
        // Off-diagonal (the local derivative of an X or Y rotation): a third of the
        // arithmetic.
        return antidiagonal_run(a0, a1, b0, b1, m01, m10);
    }
    let (mut re, mut im) = ([0.0f64; LANES], [0.0f64; LANES]);
    let term = |i: usize| {
        let (x0r, x0i) = (b0[i].re.to_f64(), b0[i].im.to_f64());
        let (x1r, x1i) = (b1[i].re.to_f64(), b1[i].im.to_f64());
        let y0r = m00.re * x0r - m00.im * x0i + m01.re * x1r - m01.im * x1i;
        let y0i = m00.re * x0i + m00.im * x0r + m01.re * x1i + m01.im * x1r;
        let y1r = m10.re * x0r - m10.im * x0i + m11.re * x1r - m11.im * x1i;
        let y1i = m10.re * x0i + m10.im * x0r + m11.re * x1i + m11.im * x1r;
        let (a0r, a0i) = (a0[i].re.to_f64(), a0[i].im.to_f64());
        let (a1r, a1i) = (a1[i].re.to_f64(), a1[i].im.to_f64());
        (
            a0r * y0r + a0i * y0i + a1r * y1r + a1i * y1i,
            a0r * y0i - a0i * y0r + a1r * y1i - a1i * y1r,
        )
    };
    let body = a0.len() / LANES * LANES;
    for base in (0..body).step_by(LANES) {
        for l in 0..LANES {
            let (r, i) = term(base + l);
            re[l] += r;
            im[l] += i;
        }
    }
    for i in body..a0.len() {
        let (r, m) = term(i);
        re[0] += r;
        im[0] += m;
    }
    (re.iter().sum(), im.iter().sum())
}

/// [`pair_run`] for `M = [[0, m01], [m10, 0]]`.
fn antidiagonal_run<T: Real>(
    a0: &[Complex<T>],
    a1: &[Complex<T>],
    b0: &[Complex<T>],
    b1: &[Complex<T>],
    m01: Complex64,
    m10: Complex64,
) -> (f64, f64) {
    // Σ conj(a0)·m01·b1 + conj(a1)·m10·b0 = m01·<a0|b1> + m10·<a1|b0>.
    let x = dot_run(a0, b1);
    let y = dot_run(a1, b0);
    let s = m01 * x + m10 * y;
    (s.re, s.im)
}

/// `Σ_i conj(a_i) · b_i` over matching runs.
pub(crate) fn dot_run<T: Real>(a: &[Complex<T>], b: &[Complex<T>]) -> Complex64 {
    let mut acc = DotLanes::default();
    acc.add(a, b);
    acc.sum()
}

/// Scalars (real and imaginary parts) per step of [`DotLanes`]: a whole number of
/// vectors of either precision.
const DOT_LANES: usize = 8;

/// Running sums of `Σ conj(a_i) b_i` over several runs, in lanes of the interleaved
/// real and imaginary parts: `re[l] += x[l] y[l]` and `im[l] += x[l] y[l ^ 1]` are
/// independent multiply-adds the compiler turns into vector FMAs (one running sum per
/// complex number would be a chain of dependent additions). Summed once at the end.
#[derive(Default)]
pub(crate) struct DotLanes {
    re: [f64; DOT_LANES],
    im: [f64; DOT_LANES],
}

impl DotLanes {
    /// Adds `Σ conj(a_i) b_i` over the run (`a` and `b` equally long).
    #[inline]
    pub(crate) fn add<T: Real>(&mut self, a: &[Complex<T>], b: &[Complex<T>]) {
        let (x, y) = (scalars(a), scalars(b));
        let body = x.len() / DOT_LANES * DOT_LANES;
        for (x, y) in x[..body]
            .chunks_exact(DOT_LANES)
            .zip(y[..body].chunks_exact(DOT_LANES))
        {
            for l in 0..DOT_LANES {
                let xl = x[l].to_f64();
                self.re[l] += xl * y[l].to_f64();
                self.im[l] += xl * y[l ^ 1].to_f64();
            }
        }
        // The rest: fewer than `DOT_LANES` scalars, whole complex numbers.
        for l in body..x.len() {
            let xl = x[l].to_f64();
            self.re[l - body] += xl * y[l].to_f64();
            self.im[l - body] += xl * y[l ^ 1].to_f64();
        }
    }

    /// The sum: `Re = Σ re`, `Im = Σ ar bi - ai br` (even lanes hold real parts of `a`,
    /// odd lanes imaginary ones).
    pub(crate) fn sum(&self) -> Complex64 {
        let re = self.re.iter().sum();
        let im = self
            .im
            .iter()
            .enumerate()
            .map(|(l, v)| if l % 2 == 0 { *v } else { -*v })
            .sum();
        Complex64::new(re, im)
    }
}

/// The real and imaginary parts of `v`, interleaved.
pub(crate) fn scalars<T: Real>(v: &[Complex<T>]) -> &[T] {
    // SAFETY: `Complex<T>` is `#[repr(C)]` with fields `re`, `im` of type `T`, so a
    // slice of `n` of them is `2n` contiguous `T`s with the same alignment as `T`.
    unsafe { std::slice::from_raw_parts(v.as_ptr().cast::<T>(), 2 * v.len()) }
}

fn inner_dense_1q<T: Real>(
    exec: Exec<'_>,
    a: &[Complex<T>],
    t: u32,
    m: &[Complex64],
    b: &[Complex<T>],
) -> Complex64 {
    let bit = 1usize << t;
    let (m00, m01, m10, m11) = (m[0], m[1], m[2], m[3]);
    // Blocks of `2 * bit` amplitudes; the lower half pairs with the upper half.
    // Chunks are whole blocks when `bit` is large, ranges of pairs inside one block
    // otherwise (the range is over pair indices `g`, `i0 = insert a 0 at bit t`).
    exec.map_reduce(
        a.len() / 2,
        |s, e| {
            let (mut re, mut im) = (0.0f64, 0.0f64);
            let mut g = s;
            while g < e {
                let i0 = ((g >> t) << (t + 1)) | (g & (bit - 1));
                // Contiguous run inside this block's lower half.
                let run = (bit - (g & (bit - 1))).min(e - g);
                let (re_run, im_run) = pair_run(
                    &a[i0..i0 + run],
                    &a[i0 + bit..i0 + bit + run],
                    &b[i0..i0 + run],
                    &b[i0 + bit..i0 + bit + run],
                    [m00, m01, m10, m11],
                );
                re += re_run;
                im += im_run;
                g += run;
            }
            Complex64::new(re, im)
        },
        || Complex64::new(0.0, 0.0),
        |x, y| x + y,
    )
}

/// `<a| D |b>` for a diagonal `d` on `targets` (no controls), in one pass.
pub(crate) fn inner_diagonal<T: Real>(
    exec: Exec<'_>,
    a: &[Complex<T>],
    targets: &[u32],
    d: &[Complex64],
    b: &[Complex<T>],
) -> Complex64 {
    let c64 = |x: Complex<T>| Complex64::new(x.re.to_f64(), x.im.to_f64());
    if let [t] = targets {
        let (t, d0, d1) = (*t, d[0], d[1]);
        return exec.map_reduce(
            a.len(),
            |s, e| {
                // Runs of equal bit `t`: sums where it is 0 and where it is 1.
                let (mut s0, mut s1) = (Complex64::new(0.0, 0.0), Complex64::new(0.0, 0.0));
                let bit = 1usize << t;
                let mut i = s;
                while i < e {
                    let run = (bit - (i & (bit - 1))).min(e - i);
                    let p = dot_run(&a[i..i + run], &b[i..i + run]);
                    if i & bit == 0 {
                        s0 += p;
                    } else {
                        s1 += p;
                    }
                    i += run;
                }
                d0 * s0 + d1 * s1
            },
            || Complex64::new(0.0, 0.0),
            |x, y| x + y,
        );
    }
    exec.map_reduce(
        a.len(),
        |s, e| {
            let mut acc = Complex64::new(0.0, 0.0);
            for i in s..e {
                let sub: usize = targets
                    .iter()
                    .enumerate()
                    .map(|(j, &t)| ((i >> t) & 1) << j)
                    .sum();
                acc += c64(a[i]).conj() * d[sub] * c64(b[i]);
            }
            acc
        },
        || Complex64::new(0.0, 0.0),
        |x, y| x + y,
    )
}
