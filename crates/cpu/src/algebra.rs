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
fn dot_run<T: Real>(a: &[Complex<T>], b: &[Complex<T>]) -> Complex64 {
    let (mut re, mut im) = ([0.0f64; LANES], [0.0f64; LANES]);
    let term = |i: usize| {
        let (ar, ai) = (a[i].re.to_f64(), a[i].im.to_f64());
        let (br, bi) = (b[i].re.to_f64(), b[i].im.to_f64());
        (ar * br + ai * bi, ar * bi - ai * br)
    };
    let body = a.len() / LANES * LANES;
    for base in (0..body).step_by(LANES) {
        for l in 0..LANES {
            let (r, i) = term(base + l);
            re[l] += r;
            im[l] += i;
        }
    }
    for i in body..a.len() {
        let (r, m) = term(i);
        re[0] += r;
        im[0] += m;
    }
    Complex64::new(re.iter().sum(), im.iter().sum())
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

/// One member of [`inner_layer`]: a one-qubit dense matrix (row-major) or diagonal, on
/// its target qubit.
#[derive(Clone, Copy)]
pub(crate) enum LayerMember {
    /// A dense `2 x 2` matrix on a qubit below the block bits.
    Dense(u32, [Complex64; 4]),
    /// A diagonal on any qubit.
    Diagonal(u32, [Complex64; 2]),
}

/// `<a| M_k |b>` for every member `M_k` (one-qubit ops on any qubits, dense ones below
/// `block_bits`) in one pass over both states: the states are read in aligned blocks of
/// `2^block_bits` amplitudes, and every member's sum over a block is taken while the
/// block is in cache. A diagonal on a qubit at or above `block_bits` is constant over a
/// block (`d[bit] <a|b>_block`); for one below it the block's products are split by its bit,
/// from row and column sums of the products computed once per block for all diagonals.
pub(crate) fn inner_layer<T: Real>(
    exec: Exec<'_>,
    a: &[Complex<T>],
    b: &[Complex<T>],
    members: &[LayerMember],
    block_bits: u32,
) -> Vec<Complex64> {
    let block = 1usize << block_bits;
    let zero = Complex64::new(0.0, 0.0);
    let count = members.len();
    // Tasks of about `exec.chunk` amplitudes, whole blocks each.
    let blocks = Exec {
        chunk: (exec.chunk >> block_bits).max(1),
        ..exec
    };
    // Diagonal members need, per block, `<a|b>` over the indices with their bit set:
    // all of them come from one pass that sums the products `conj(a_i) b_i` into
    // column bins (the low `lo_bits` bits of `i`) and row bins (the block's higher bits).
    let any_diagonal = members
        .iter()
        .any(|m| matches!(m, LayerMember::Diagonal(..)));
    let lo_bits = block_bits.min(8);
    blocks.map_reduce(
        a.len() >> block_bits,
        |s, e| {
            let mut acc = vec![zero; count];
            let mut cols = vec![zero; 1usize << lo_bits];
            let mut rows = vec![zero; 1usize << (block_bits - lo_bits)];
            let width = cols.len();
            for blk in s..e {
                let base = blk << block_bits;
                let (ab, bb) = (&a[base..base + block], &b[base..base + block]);
                let mut total = zero;
                if any_diagonal {
                    cols.fill(zero);
                    for (r, row) in rows.iter_mut().enumerate() {
                        let (ar, br) = (
                            &ab[r * width..(r + 1) * width],
                            &bb[r * width..(r + 1) * width],
                        );
                        let mut sum = zero;
                        for ((c, x), y) in cols.iter_mut().zip(ar).zip(br) {
                            let (xr, xi) = (x.re.to_f64(), x.im.to_f64());
                            let (yr, yi) = (y.re.to_f64(), y.im.to_f64());
                            let p = Complex64::new(xr * yr + xi * yi, xr * yi - xi * yr);
                            *c += p;
                            sum += p;
                        }
                        *row = sum;
                        total += sum;
                    }
                }
                for (out, m) in acc.iter_mut().zip(members) {
                    match *m {
                        LayerMember::Dense(t, m) => {
                            let bit = 1usize << t;
                            let (mut re, mut im) = (0.0, 0.0);
                            for i in (0..block).step_by(2 * bit) {
                                let (r, j) = pair_run(
                                    &ab[i..i + bit],
                                    &ab[i + bit..i + 2 * bit],
                                    &bb[i..i + bit],
                                    &bb[i + bit..i + 2 * bit],
                                    m,
                                );
                                re += r;
                                im += j;
                            }
                            *out += Complex64::new(re, im);
                        }
                        LayerMember::Diagonal(t, [d0, d1]) => {
                            if t >= block_bits {
                                *out += if (base >> t) & 1 == 1 { d1 } else { d0 } * total;
                            } else {
                                let (bins, bit) = if t < lo_bits {
                                    (&cols, t)
                                } else {
                                    (&rows, t - lo_bits)
                                };
                                let ones: Complex64 = bins
                                    .iter()
                                    .enumerate()
                                    .filter(|(k, _)| (k >> bit) & 1 == 1)
                                    .map(|(_, v)| *v)
                                    .sum();
                                *out += d0 * (total - ones) + d1 * ones;
                            }
                        }
                    }
                }
            }
            acc
        },
        || vec![zero; count],
        |mut x, y| {
            for (p, q) in x.iter_mut().zip(y) {
                *p += q;
            }
            x
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use ferroq_core::Rng;

    /// The blocked layer pass equals the one-op passes, for dense members below the
    /// block, diagonals below and above it, in both precisions' code path (f64 here).
    #[test]
    fn inner_layer_matches_one_op_passes() {
        let exec = Exec {
            pool: None,
            chunk: 1 << 9,
            cache_block_bytes: 0,
            simd: None,
        };
        let n = 12u32;
        let mut rng = Rng::new(3);
        let mut c = || Complex64::new(rng.next_f64() - 0.5, rng.next_f64() - 0.5);
        let a: Vec<Complex<f64>> = (0..1usize << n).map(|_| c()).collect();
        let b: Vec<Complex<f64>> = (0..1usize << n).map(|_| c()).collect();
        let mut members = Vec::new();
        let mut want = Vec::new();
        for t in [0u32, 3, 7] {
            let m = [c(), c(), c(), c()];
            members.push(LayerMember::Dense(t, m));
            want.push(inner_dense(exec, &a, &[t], &m, &b));
        }
        for t in [0u32, 5, 8, 9, 11] {
            let d = [c(), c()];
            members.push(LayerMember::Diagonal(t, d));
            want.push(inner_diagonal(exec, &a, &[t], &d, &b));
        }
        // Blocks of 2^8 (diagonals below the block: column bins) and 2^10 (row bins too).
        for block_bits in [8, 10] {
            let got = inner_layer(exec, &a, &b, &members, block_bits);
            for (g, w) in got.iter().zip(&want) {
                assert!(
                    (g - w).norm() < 1e-10,
                    "{g} vs {w} (blocks of 2^{block_bits})"
                );
            }
        }
    }
}
