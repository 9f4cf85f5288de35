//! State-update kernels by shape: dense 1-, 2- and k-qubit matrices (optionally
//! controlled), diagonals, and the collapse used by measurement and reset.

use crate::exec::{Exec, SharedMut};
use crate::layout::Layout;
use crate::scalar::Real;
use num_complex::Complex;

/// Largest dense block the generic kernel handles (2^6 = 64 amplitudes per group).
pub(crate) const MAX_DENSE_QUBITS: usize = 6;

/// Applies a dense `2^k x 2^k` matrix (row-major, little-endian over `targets`),
/// controlled by `controls`.
pub(crate) fn apply_dense<T: Real>(
    exec: Exec<'_>,
    amps: &mut [Complex<T>],
    num_qubits: u32,
    targets: &[u32],
    controls: &[u32],
    m: &[Complex<T>],
) {
    let layout = Layout::new(num_qubits, targets, controls);
    let ptr = SharedMut::new(amps);
    match targets.len() {
        1 => {
            let (m00, m01, m10, m11) = (m[0], m[1], m[2], m[3]);
            let off = layout.offsets[1];
            exec.for_ranges(layout.bases, |start, end| {
                layout.runs(start, end, |first, len| {
                    // SAFETY: runs of distinct bases are disjoint, and each base's pair
                    // (i, i + off) belongs to that base alone.
                    let (lo, hi) = unsafe {
                        (
                            std::slice::from_raw_parts_mut(ptr.at(first), len),
                            std::slice::from_raw_parts_mut(ptr.at(first + off), len),
                        )
                    };
                    for (a, b) in lo.iter_mut().zip(hi.iter_mut()) {
                        let (x, y) = (*a, *b);
                        *a = m00 * x + m01 * y;
                        *b = m10 * x + m11 * y;
                    }
                })
            });
        }
        2 => {
            let o = [
                layout.offsets[0],
                layout.offsets[1],
                layout.offsets[2],
                layout.offsets[3],
            ];
            let mm: [Complex<T>; 16] = std::array::from_fn(|i| m[i]);
            exec.for_ranges(layout.bases, |start, end| {
                layout.runs(start, end, |first, len| {
                    for i in first..first + len {
                        // SAFETY: the four indices belong to base `i` alone.
                        unsafe {
                            let p = [
                                ptr.at(i + o[0]),
                                ptr.at(i + o[1]),
                                ptr.at(i + o[2]),
                                ptr.at(i + o[3]),
                            ];
                            let v = [*p[0], *p[1], *p[2], *p[3]];
                            for r in 0..4 {
                                *p[r] = mm[r * 4] * v[0]
                                    + mm[r * 4 + 1] * v[1]
                                    + mm[r * 4 + 2] * v[2]
                                    + mm[r * 4 + 3] * v[3];
                            }
                        }
                    }
                })
            });
        }
        k => {
            assert!(
                k <= MAX_DENSE_QUBITS,
                "dense kernel supports up to {MAX_DENSE_QUBITS} qubits"
            );
            let d = 1usize << k;
            let offsets = &layout.offsets;
            exec.for_ranges(layout.bases, |start, end| {
                let mut v = [Complex::<T>::default(); 1 << MAX_DENSE_QUBITS];
                layout.runs(start, end, |first, len| {
                    for i in first..first + len {
                        // SAFETY: the group of base `i` is touched by this task alone.
                        unsafe {
                            for s in 0..d {
                                v[s] = *ptr.at(i + offsets[s]);
                            }
                            for r in 0..d {
                                let row = &m[r * d..(r + 1) * d];
                                let mut acc = Complex::<T>::default();
                                for s in 0..d {
                                    acc = acc + row[s] * v[s];
                                }
                                *ptr.at(i + offsets[r]) = acc;
                            }
                        }
                    }
                })
            });
        }
    }
}

/// Multiplies amplitude `base + offset[s]` by `diag[s]` for every base whose controls are set.
pub(crate) fn apply_diagonal<T: Real>(
    exec: Exec<'_>,
    amps: &mut [Complex<T>],
    num_qubits: u32,
    targets: &[u32],
    controls: &[u32],
    diag: &[Complex<T>],
) {
    let layout = Layout::new(num_qubits, targets, controls);
    let ptr = SharedMut::new(amps);
    let one = Complex::new(T::one(), T::zero());
    exec.for_ranges(layout.bases, |start, end| {
        layout.runs(start, end, |first, len| {
            for (s, &f) in diag.iter().enumerate() {
                if f == one {
                    continue;
                }
                // SAFETY: the run `first + offset[s] ..+len` belongs to this task alone.
                let run = unsafe {
                    std::slice::from_raw_parts_mut(ptr.at(first + layout.offsets[s]), len)
                };
                for a in run {
                    *a = *a * f;
                }
            }
        })
    });
}

/// Probability that `qubit` reads 1.
pub(crate) fn probability_one<T: Real>(
    exec: Exec<'_>,
    amps: &[Complex<T>],
    num_qubits: u32,
    qubit: u32,
) -> f64 {
    let layout = Layout::new(num_qubits, &[], &[qubit]);
    exec.map_reduce(
        layout.bases,
        |start, end| {
            let mut acc = 0.0f64;
            layout.runs(start, end, |first, len| {
                acc += amps[first..first + len]
                    .iter()
                    .map(|a| a.norm_sqr())
                    .sum::<T>()
                    .to_f64();
            });
            acc
        },
        || 0.0,
        |a, b| a + b,
    )
}

/// Collapses `qubit` onto `outcome` (whose probability is `prob`), renormalising;
/// with `flip`, the kept half is moved onto |0> of that qubit (reset).
pub(crate) fn collapse<T: Real>(
    exec: Exec<'_>,
    amps: &mut [Complex<T>],
    num_qubits: u32,
    qubit: u32,
    outcome: bool,
    prob: f64,
    flip: bool,
) {
    let layout = Layout::new(num_qubits, &[qubit], &[]);
    let off = layout.offsets[1];
    let scale = T::from_f64(1.0 / prob.sqrt());
    let zero = Complex::<T>::default();
    let ptr = SharedMut::new(amps);
    exec.for_ranges(layout.bases, |start, end| {
        layout.runs(start, end, |first, len| {
            // SAFETY: the two runs belong to this task alone.
            let (lo, hi) = unsafe {
                (
                    std::slice::from_raw_parts_mut(ptr.at(first), len),
                    std::slice::from_raw_parts_mut(ptr.at(first + off), len),
                )
            };
            for (a, b) in lo.iter_mut().zip(hi.iter_mut()) {
                let kept = if outcome { *b } else { *a } * scale;
                let (new_lo, new_hi) = match (outcome, flip) {
                    (false, _) => (kept, zero),
                    (true, false) => (zero, kept),
                    (true, true) => (kept, zero),
                };
                *a = new_lo;
                *b = new_hi;
            }
        })
    });
}
