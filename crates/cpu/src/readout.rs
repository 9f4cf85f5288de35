//! Reductions for the readouts: probabilities, marginals, samples, Pauli expectations.

use crate::exec::Exec;
use crate::scalar::Real;
use ferroq_core::machine::try_buffer;
use ferroq_core::Result;
use num_complex::Complex;
use rayon::prelude::*;

/// `|a_i|^2` for every amplitude.
pub(crate) fn probabilities<T: Real>(exec: Exec<'_>, amps: &[Complex<T>]) -> Vec<f64> {
    match exec.pool {
        Some(pool) if amps.len() > exec.chunk => pool.install(|| {
            amps.par_iter()
                .with_min_len(exec.chunk)
                .map(|a| a.norm_sqr().to_f64())
                .collect()
        }),
        _ => amps.iter().map(|a| a.norm_sqr().to_f64()).collect(),
    }
}

/// Marginal distribution over `qubits` (`qubits[0]` is the output's lowest bit).
pub(crate) fn marginal<T: Real>(exec: Exec<'_>, amps: &[Complex<T>], qubits: &[u32]) -> Vec<f64> {
    let bins = 1usize << qubits.len();
    let index = |i: usize| -> usize {
        qubits
            .iter()
            .enumerate()
            .fold(0, |acc, (j, &q)| acc | (((i >> q) & 1) << j))
    };
    // Per-task histograms only pay off when they are small next to the chunk.
    let exec = if bins <= exec.chunk / 4 {
        exec
    } else {
        exec.serialized()
    };
    exec.map_reduce(
        amps.len(),
        |start, end| {
            let mut h = vec![0.0f64; bins];
            for (i, a) in amps[start..end].iter().enumerate() {
                h[index(start + i)] += a.norm_sqr().to_f64();
            }
            h
        },
        || vec![0.0f64; bins],
        |mut a, b| {
            for (x, y) in a.iter_mut().zip(b) {
                *x += y;
            }
            a
        },
    )
}

/// The basis index of each sorted uniform in `[0, 1)` under the inverse CDF of
/// `|a_i|^2` scaled to its total (see `StatePrimitives::locate_sorted`): chunk sums in
/// parallel, then each chunk resolves the uniforms that fall in it.
pub(crate) fn locate_sorted<T: Real>(
    exec: Exec<'_>,
    amps: &[Complex<T>],
    uniforms: &[f64],
) -> Result<Vec<u64>> {
    let chunk_sums: Vec<f64> = {
        let f = |c: &[Complex<T>]| c.iter().map(|a| a.norm_sqr().to_f64()).sum::<f64>();
        match exec.pool {
            Some(pool) if amps.len() > exec.chunk => {
                pool.install(|| amps.par_chunks(exec.chunk).map(f).collect())
            }
            _ => amps.chunks(exec.chunk).map(f).collect(),
        }
    };
    let total: f64 = chunk_sums.iter().sum();
    let u = Scaled(uniforms, total);
    let mut out = try_buffer(u.len(), "the sampled indices")?;
    let mut k = 0;
    let mut before = 0.0;
    let mut last_nonzero = 0usize;
    for (c, &s) in chunk_sums.iter().enumerate() {
        let last_chunk = c + 1 == chunk_sums.len();
        let after = if last_chunk {
            f64::INFINITY
        } else {
            before + s
        };
        if k < u.len() && u.at(k) < after {
            let mut acc = before;
            let start = c * exec.chunk;
            let chunk = &amps[start..(start + exec.chunk).min(amps.len())];
            for (i, a) in chunk.iter().enumerate() {
                let p = a.norm_sqr().to_f64();
                if p > 0.0 {
                    last_nonzero = start + i;
                }
                acc += p;
                while k < u.len() && u.at(k) < acc {
                    out.push((start + i) as u64);
                    k += 1;
                }
            }
            // Draws in the rounding gap between the running sum and the chunk total (or
            // above the grand total) go to the last index with weight.
            if k < u.len() && u.at(k) < after && amps[last_nonzero].norm_sqr() == T::zero() {
                last_nonzero = amps
                    .iter()
                    .rposition(|a| a.norm_sqr() > T::zero())
                    .unwrap_or(0);
            }
            while k < u.len() && u.at(k) < after {
                out.push(last_nonzero as u64);
                k += 1;
            }
        }
        before = after;
    }
    Ok(out)
}

/// Sorted uniforms scaled by the total weight, without a copy.
struct Scaled<'a>(&'a [f64], f64);

impl Scaled<'_> {
    fn len(&self) -> usize {
        self.0.len()
    }
    #[inline]
    fn at(&self, k: usize) -> f64 {
        self.0[k] * self.1
    }
}

/// The reduced density matrix of `qubits` (`2^k x 2^k`, row-major, `qubits[0]` its
/// lowest bit; trace = squared norm) in one pass over the amplitudes.
pub(crate) fn reduced_density_matrix<T: Real>(
    exec: Exec<'_>,
    amps: &[Complex<T>],
    qubits: &[u32],
) -> Vec<num_complex::Complex64> {
    use num_complex::Complex64;
    let k = qubits.len();
    let dim = 1usize << k;
    let mask: usize = qubits.iter().map(|&q| 1usize << q).sum();
    let offsets: Vec<usize> = (0..dim)
        .map(|j| {
            qubits
                .iter()
                .enumerate()
                .fold(0, |acc, (t, &q)| acc | (((j >> t) & 1) << q))
        })
        .collect();
    exec.map_reduce(
        amps.len(),
        |start, end| {
            let mut rho = vec![Complex64::new(0.0, 0.0); dim * dim];
            let mut a = vec![Complex64::new(0.0, 0.0); dim];
            for base in (start..end).filter(|i| i & mask == 0) {
                for (x, &o) in a.iter_mut().zip(&offsets) {
                    let z = amps[base + o];
                    *x = Complex64::new(z.re.to_f64(), z.im.to_f64());
                }
                for r in 0..dim {
                    for c in 0..dim {
                        rho[r * dim + c] += a[r] * a[c].conj();
                    }
                }
            }
            rho
        },
        || vec![Complex64::new(0.0, 0.0); dim * dim],
        |mut x, y| {
            for (p, q) in x.iter_mut().zip(y) {
                *p += q;
            }
            x
        },
    )
}
