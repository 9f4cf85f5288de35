//! Cache blocking: apply a run of ops to one cache-sized tile of the state at a time,
//! so the run costs one pass over memory instead of one pass per op.
//!
//! A tile is the sub-state spanned by the low qubits `[0, L)` plus up to `MAX_HIGH`
//! chosen high qubits `H`: `2^|H|` contiguous blocks of `2^L` amplitudes, strided by the
//! bit positions of `H`. Each task copies its tile into a scratch buffer (qubit `H[j]`
//! becomes local qubit `L + j`), applies every op of the run, and copies it back. With
//! `H` empty the tile is contiguous and is updated in place.

use crate::exec::{Exec, SharedMut};
use crate::kernels::Prepared;
use crate::scalar::Real;
use ferroq_core::{Op, Result};
use num_complex::Complex;

/// High qubits one tile may include (at most half the block's qubits, so each strided
/// piece of a tile stays at least `2^(block/2)` amplitudes long). More high qubits make
/// longer runs per memory pass: with 256 KiB blocks, 7 high qubits ran GHZ, QFT and
/// random circuits at 24 qubits up to 1.7x faster than 4 (`ferroq-bench`, 2-core EPYC).
const MAX_HIGH: u32 = 8;

/// How a state of `n` qubits is tiled for cache blocks of `2^block_bits` amplitudes.
#[derive(Clone, Copy)]
pub(crate) struct Tiling {
    /// Qubits below this are inside every tile.
    low_bits: u32,
    /// High qubits a tile may add.
    max_high: u32,
}

impl Tiling {
    /// Tiling for cache blocks of `2^block_bits` amplitudes; `None` when blocking cannot
    /// help (the state already fits the block, or blocking is off).
    pub(crate) fn new(num_qubits: u32, block_bits: u32) -> Option<Self> {
        if block_bits < 2 || num_qubits <= block_bits {
            return None;
        }
        let max_high = MAX_HIGH.min(block_bits / 2);
        Some(Tiling {
            low_bits: block_bits - max_high,
            max_high,
        })
    }

    /// The longest run at the start of `ops` that fits one tile, as its length and high
    /// qubit set. Runs shorter than two ops gain nothing and are reported as length 0.
    pub(crate) fn run(&self, ops: &[Op]) -> (usize, Vec<u32>) {
        self.run_of(ops, 2)
    }

    /// The longest run at the start of `ops` that fits one tile, if it has at least
    /// `min` ops (else length 0).
    pub(crate) fn run_of(&self, ops: &[Op], min: usize) -> (usize, Vec<u32>) {
        let mut high: Vec<u32> = Vec::new();
        let mut len = 0;
        for op in ops {
            if !matches!(op, Op::Dense { .. } | Op::Diagonal { .. }) {
                break;
            }
            let mut next = high.clone();
            for q in op.qubits() {
                if q >= self.low_bits && !next.contains(&q) {
                    next.push(q);
                }
            }
            if next.len() as u32 > self.max_high {
                break;
            }
            high = next;
            len += 1;
        }
        if len < min.max(1) {
            return (0, Vec::new());
        }
        high.sort_unstable();
        (len, high)
    }

    /// Applies `ops` (a run found by [`Tiling::run`] with high set `high`) tile by tile;
    /// with `src` (as long as `v`), each tile is read from `src` instead of `v` (a copy
    /// and the run in one pass).
    pub(crate) fn apply<T: Real>(
        &self,
        exec: Exec<'_>,
        v: &mut [Complex<T>],
        src: Option<&[Complex<T>]>,
        num_qubits: u32,
        high: &[u32],
        ops: &[Op],
    ) -> Result<()> {
        let low = self.low_bits;
        let local_n = low + high.len() as u32;
        let map = |q: &u32| {
            if *q < low {
                *q
            } else {
                low + high
                    .iter()
                    .position(|h| h == q)
                    .expect("run checked the qubit") as u32
            }
        };
        let prepared = ops
            .iter()
            .map(|op| match op {
                Op::Dense {
                    targets,
                    controls,
                    matrix,
                } => {
                    let t: Vec<u32> = targets.iter().map(map).collect();
                    let c: Vec<u32> = controls.iter().map(map).collect();
                    Prepared::dense(local_n, &t, &c, matrix.data(), exec.simd)
                }
                Op::Diagonal {
                    targets,
                    controls,
                    diag,
                } => {
                    let t: Vec<u32> = targets.iter().map(map).collect();
                    let c: Vec<u32> = controls.iter().map(map).collect();
                    Ok(Prepared::diagonal(local_n, &t, &c, diag, exec.simd))
                }
                _ => unreachable!("runs hold unitary ops only"),
            })
            .collect::<Result<Vec<Prepared<T>>>>()?;
        let serial = exec.serialized();
        let tile = 1usize << local_n;
        let tiles = 1usize << (num_qubits - local_n);
        let ptr = SharedMut::new(v);
        if high.is_empty() {
            exec.for_each_index(tiles, 1, |t| {
                // SAFETY: tile `t` is `[t*tile, (t+1)*tile)`, touched by this task alone.
                let chunk = unsafe { std::slice::from_raw_parts_mut(ptr.at(t * tile), tile) };
                if let Some(src) = src {
                    chunk.copy_from_slice(&src[t * tile..(t + 1) * tile]);
                }
                prepared.iter().for_each(|p| p.apply(serial, chunk));
            });
            return Ok(());
        }
        let block = 1usize << low;
        let offsets: Vec<usize> = (0..1usize << high.len())
            .map(|j| {
                high.iter()
                    .enumerate()
                    .fold(0, |o, (k, &h)| o | (((j >> k) & 1) << h))
            })
            .collect();
        // One scratch tile per task, reused by its tiles (a fresh allocation per tile
        // is an mmap and page faults at this size).
        let init = || Vec::<Complex<T>>::with_capacity(tile);
        exec.for_each_index_with(tiles, 1, init, |scratch, t| {
            let mut base = t << low;
            for &h in high {
                let below = base & ((1usize << h) - 1);
                base = below | ((base ^ below) << 1);
            }
            scratch.clear();
            for &o in &offsets {
                match src {
                    Some(src) => scratch.extend_from_slice(&src[base + o..base + o + block]),
                    None => {
                        // SAFETY: the blocks of tile `t` belong to this task alone.
                        let own = unsafe { std::slice::from_raw_parts(ptr.at(base + o), block) };
                        scratch.extend_from_slice(own);
                    }
                }
            }
            prepared.iter().for_each(|p| p.apply(serial, scratch));
            for (j, &o) in offsets.iter().enumerate() {
                // SAFETY: as above.
                let dst = unsafe { std::slice::from_raw_parts_mut(ptr.at(base + o), block) };
                dst.copy_from_slice(&scratch[j * block..(j + 1) * block]);
            }
        });
        Ok(())
    }
}
