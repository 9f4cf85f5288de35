//! One-qubit access patterns on contiguous slices: for target `t`, the state splits
//! into blocks of `2^(t+1)` amplitudes whose low half has bit `t` = 0 and high half
//! bit `t` = 1. Kernels see `(lo, hi)` slice pairs, which the compiler vectorises.

use crate::exec::Exec;
use rayon::prelude::*;

/// Calls `f(lo, hi)` on every pair of half-blocks for target qubit `t`.
pub(crate) fn for_pairs<C: Send + Sync>(
    exec: Exec<'_>,
    amps: &mut [C],
    t: u32,
    f: impl Fn(&mut [C], &mut [C]) + Sync + Send,
) {
    let half = 1usize << t;
    let chunk = exec.chunk.max(2);
    let block = half << 1;
    let split = |b: &mut [C]| {
        let (lo, hi) = b.split_at_mut(half);
        f(lo, hi);
    };
    match exec.pool {
        Some(pool) if amps.len() > chunk => pool.install(|| {
            if block <= chunk {
                amps.par_chunks_mut(chunk)
                    .for_each(|c| c.chunks_exact_mut(block).for_each(split));
            } else {
                amps.par_chunks_mut(block).for_each(|b| {
                    let (lo, hi) = b.split_at_mut(half);
                    lo.par_chunks_mut(chunk / 2)
                        .zip(hi.par_chunks_mut(chunk / 2))
                        .for_each(|(l, h)| f(l, h));
                })
            }
        }),
        _ => amps.chunks_exact_mut(block).for_each(split),
    }
}

/// Sums `f(lo, hi)` over every pair of half-blocks for target qubit `t` (read-only).
pub(crate) fn sum_pairs<C: Sync>(
    exec: Exec<'_>,
    amps: &[C],
    t: u32,
    f: impl Fn(&[C], &[C]) -> f64 + Sync + Send,
) -> f64 {
    let half = 1usize << t;
    let chunk = exec.chunk.max(2);
    let block = half << 1;
    let split = |b: &[C]| {
        let (lo, hi) = b.split_at(half);
        f(lo, hi)
    };
    match exec.pool {
        Some(pool) if amps.len() > chunk => pool.install(|| {
            if block <= chunk {
                amps.par_chunks(chunk)
                    .map(|c| c.chunks_exact(block).map(split).sum::<f64>())
                    .sum()
            } else {
                amps.par_chunks(block)
                    .map(|b| {
                        let (lo, hi) = b.split_at(half);
                        lo.par_chunks(chunk / 2)
                            .zip(hi.par_chunks(chunk / 2))
                            .map(|(l, h)| f(l, h))
                            .sum::<f64>()
                    })
                    .sum()
            }
        }),
        _ => amps.chunks_exact(block).map(split).sum(),
    }
}
