//! The derivative products of one layer of the adjoint gradient: `<a| M_k |b>` for
//! every one-qubit member `M_k` of a layer, in one pass over both states.
//!
//! A one-qubit matrix `M` on qubit `t` splits the product into four sums over the
//! amplitude pairs `(i, i | 2^t)`: `<a|M|b> = m00 P00 + m01 P01 + m10 P10 + m11 P11`
//! with `P00`, `P11` the products `conj(a_i) b_i` where bit `t` is 0 or 1, and `P01`,
//! `P10` the crossed ones `conj(a_i) b_{i ^ 2^t}`. The states are read in aligned
//! blocks; per block, the diagonal sums of *every* member come from one set of bins of
//! the products (`conj(a_i) b_i` summed by the low and by the high bits of `i`), and
//! only the crossed sums are taken per member — for the three lowest qubits all at once
//! with the pairs inside a vector of eight amplitudes (runs of one, two or four
//! amplitudes are too short to loop over), for higher ones over contiguous runs.

use crate::algebra::{scalars, DotLanes};
use crate::exec::Exec;
use crate::scalar::Real;
use num_complex::{Complex, Complex64};

/// One member of [`inner_layer`]: a one-qubit dense matrix (row-major) or diagonal, on
/// its target qubit.
#[derive(Clone, Copy)]
pub(crate) enum LayerMember {
    /// A dense `2 x 2` matrix on a qubit below the block bits.
    Dense(u32, [Complex64; 4]),
    /// A diagonal on any qubit.
    Diagonal(u32, [Complex64; 2]),
}

/// Qubits whose crossed sums [`low_cross`] takes together.
const LOW_CROSS: u32 = 3;

/// `<a| M_k |b>` for every member `M_k` (one-qubit ops on any qubits, dense ones below
/// `block_bits`) in one pass over both states, read in
/// aligned blocks of `2^block_bits` amplitudes (see the [module docs](self)). A
/// diagonal on a qubit at or above `block_bits` is constant over a block
/// (`d[bit] <a|b>_block`).
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
    let crossed = |m: &[Complex64; 4]| m[1] != zero || m[2] != zero;
    // The lowest qubits' crossed sums together, where a block has whole steps of them.
    let low_together = |t: u32| t < LOW_CROSS && block_bits >= LOW_CROSS;
    let any_low = members.iter().any(|m| match m {
        LayerMember::Dense(t, m) => low_together(*t) && crossed(m),
        LayerMember::Diagonal(..) => false,
    });
    let lo_bits = block_bits.min(8);
    blocks.map_reduce(
        a.len() >> block_bits,
        |s, e| {
            let mut acc = vec![zero; count];
            let mut bins = Bins::new(block_bits, lo_bits);
            for blk in s..e {
                let base = blk << block_bits;
                let (ab, bb) = (&a[base..base + block], &b[base..base + block]);
                bins.fill(ab, bb);
                let low = if any_low {
                    low_cross(ab, bb)
                } else {
                    [[zero; 2]; LOW_CROSS as usize]
                };
                for (out, m) in acc.iter_mut().zip(members) {
                    match *m {
                        LayerMember::Dense(t, m) => {
                            let p11 = bins.ones(t);
                            let p00 = bins.total - p11;
                            let [p01, p10] = if !crossed(&m) {
                                [zero; 2]
                            } else if low_together(t) {
                                low[t as usize]
                            } else {
                                run_cross(ab, bb, t)
                            };
                            *out += m[0] * p00 + m[1] * p01 + m[2] * p10 + m[3] * p11;
                        }
                        LayerMember::Diagonal(t, [d0, d1]) => {
                            if t >= block_bits {
                                *out += if (base >> t) & 1 == 1 { d1 } else { d0 } * bins.total;
                            } else {
                                let ones = bins.ones(t);
                                *out += d0 * (bins.total - ones) + d1 * ones;
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

/// The products `conj(a_i) b_i` of one block summed by the low `lo_bits` bits of `i`
/// (columns) and by the block's higher bits (rows), and in total.
struct Bins {
    cols: Vec<Complex64>,
    rows: Vec<Complex64>,
    lo_bits: u32,
    total: Complex64,
    /// `ones[t]`: the products where bit `t` of `i` is 1, for every bit of the block.
    ones: Vec<Complex64>,
}

impl Bins {
    fn new(block_bits: u32, lo_bits: u32) -> Self {
        let zero = Complex64::new(0.0, 0.0);
        Bins {
            cols: vec![zero; 1usize << lo_bits],
            rows: vec![zero; 1usize << (block_bits - lo_bits)],
            lo_bits,
            total: zero,
            ones: vec![zero; block_bits as usize],
        }
    }

    fn fill<T: Real>(&mut self, a: &[Complex<T>], b: &[Complex<T>]) {
        let zero = Complex64::new(0.0, 0.0);
        let width = self.cols.len();
        self.cols.fill(zero);
        self.total = zero;
        for (r, row) in self.rows.iter_mut().enumerate() {
            let (ar, br) = (
                &a[r * width..(r + 1) * width],
                &b[r * width..(r + 1) * width],
            );
            let mut sum = zero;
            for ((c, x), y) in self.cols.iter_mut().zip(ar).zip(br) {
                let (xr, xi) = (x.re.to_f64(), x.im.to_f64());
                let (yr, yi) = (y.re.to_f64(), y.im.to_f64());
                let p = Complex64::new(xr * yr + xi * yi, xr * yi - xi * yr);
                *c += p;
                sum += p;
            }
            *row = sum;
            self.total += sum;
        }
        for (t, one) in self.ones.iter_mut().enumerate() {
            let (bins, bit) = if (t as u32) < self.lo_bits {
                (&self.cols, t)
            } else {
                (&self.rows, t - self.lo_bits as usize)
            };
            // The upper halves of the runs of `2^(bit + 1)` bins.
            *one = bins
                .chunks_exact(2 << bit)
                .flat_map(|run| &run[1 << bit..])
                .sum();
        }
    }

    /// The block's products where bit `t` (below the block bits) of `i` is 1.
    fn ones(&self, t: u32) -> Complex64 {
        self.ones[t as usize]
    }
}

/// `[P01, P10]` of qubit `t` over one block: `Σ conj(a_i) b_{i | 2^t}` over the `i`
/// with bit `t` clear, and `Σ conj(a_i) b_{i & !2^t}` over those with it set, from
/// contiguous runs of `2^t` amplitudes.
fn run_cross<T: Real>(a: &[Complex<T>], b: &[Complex<T>], t: u32) -> [Complex64; 2] {
    let bit = 1usize << t;
    let (mut p01, mut p10) = (DotLanes::default(), DotLanes::default());
    for i in (0..a.len()).step_by(2 * bit) {
        p01.add(&a[i..i + bit], &b[i + bit..i + 2 * bit]);
        p10.add(&a[i + bit..i + 2 * bit], &b[i..i + bit]);
    }
    [p01.sum(), p10.sum()]
}

/// Scalars of one step of [`low_cross`]: eight amplitudes.
const LOW_STEP: usize = 2 << LOW_CROSS;

/// `[P01, P10]` (as [`run_cross`]) of qubits `0..LOW_CROSS` at once, eight amplitudes
/// at a time: in the interleaved scalars, lane `l` pairs with lane `l ^ 2^(t+1)`, so
/// every sum is a fixed shuffle and independent multiply-adds per lane (the compiler's
/// vector FMAs). `a.len()` is a multiple of eight.
fn low_cross<T: Real>(a: &[Complex<T>], b: &[Complex<T>]) -> [[Complex64; 2]; LOW_CROSS as usize] {
    const Q: usize = LOW_CROSS as usize;
    let mut re = [[0.0f64; LOW_STEP]; Q];
    let mut im = [[0.0f64; LOW_STEP]; Q];
    for (x, y) in scalars(a)
        .chunks_exact(LOW_STEP)
        .zip(scalars(b).chunks_exact(LOW_STEP))
    {
        let x: [f64; LOW_STEP] = std::array::from_fn(|l| x[l].to_f64());
        let y: [f64; LOW_STEP] = std::array::from_fn(|l| y[l].to_f64());
        for t in 0..Q {
            let s = 2 << t;
            for l in 0..LOW_STEP {
                re[t][l] += x[l] * y[l ^ s];
                im[t][l] += x[l] * y[l ^ s ^ 1];
            }
        }
    }
    // Lane `l` holds amplitude `l / 2` of the step (its real part for even `l`): the
    // side is its bit `t`; `Im conj(x) y = xr yi - xi yr`.
    let mut out = [[Complex64::new(0.0, 0.0); 2]; Q];
    for t in 0..Q {
        for l in 0..LOW_STEP {
            let side = &mut out[t][(l >> (t + 1)) & 1];
            side.re += re[t][l];
            side.im += if l % 2 == 0 { im[t][l] } else { -im[t][l] };
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::algebra::{inner_dense, inner_diagonal};
    use ferroq_core::Rng;

    /// The blocked layer pass equals the one-op passes, for dense members on the
    /// lowest qubits (crossed sums taken together), above them, and without crossed
    /// terms, diagonals below and above the block, in both precisions.
    #[test]
    fn inner_layer_matches_one_op_passes() {
        check::<f64>(1e-10);
        check::<f32>(1e-4);
    }

    fn check<T: Real>(tolerance: f64) {
        let exec = Exec {
            pool: None,
            chunk: 1 << 9,
            cache_block_bytes: 0,
            simd: None,
        };
        let n = 12u32;
        let mut rng = Rng::new(3);
        let mut c = || Complex64::new(rng.next_f64() - 0.5, rng.next_f64() - 0.5);
        let cast = |z: Complex64| Complex::new(T::from_f64(z.re), T::from_f64(z.im));
        let a: Vec<Complex<T>> = (0..1usize << n).map(|_| cast(c())).collect();
        let b: Vec<Complex<T>> = (0..1usize << n).map(|_| cast(c())).collect();
        let mut members = Vec::new();
        let mut want = Vec::new();
        let zero = Complex64::new(0.0, 0.0);
        for t in [0u32, 1, 2, 3, 4, 7] {
            let m = [c(), c(), c(), c()];
            members.push(LayerMember::Dense(t, m));
            want.push(inner_dense(exec, &a, &[t], &m, &b));
        }
        for (t, m) in [(1u32, [zero, c(), c(), zero]), (5, [c(), zero, zero, c()])] {
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
            for (k, (g, w)) in got.iter().zip(&want).enumerate() {
                assert!(
                    (g - w).norm() < tolerance,
                    "member {k}: {g} vs {w} (blocks of 2^{block_bits})"
                );
            }
        }
    }
}
