//! Gate fusion: merges neighbouring kernel ops into larger dense or diagonal blocks,
//! so a backend makes fewer passes over the state.
//!
//! The fuser keeps a set of *open blocks* on disjoint qubit sets (which therefore
//! commute). A new gate merges with every open block it touches when the union fits
//! the size limit (diagonal blocks have their own, larger limit, since a diagonal pass
//! costs the same at any size); otherwise those blocks are emitted and the gate opens
//! a new block. Measurements, resets, conditionals and barriers emit the blocks on
//! their qubits. A block that holds a single gate is emitted as that gate, so controlled
//! ops keep their cheaper controlled form.

use crate::matrix::Matrix;
use crate::program::{CompileOptions, Op};
use num_complex::Complex64;

/// A lowered instruction before fusion: a kernel op or a fusion barrier.
#[derive(Debug, Clone)]
pub(crate) enum Lowered {
    Op(Op),
    Barrier(Vec<u32>),
}

#[derive(Debug, Clone)]
enum Body {
    Diag(Vec<Complex64>),
    Dense(Vec<Complex64>),
}

#[derive(Debug, Clone)]
struct Block {
    qubits: Vec<u32>,
    body: Body,
    /// The op itself while the block holds exactly one op.
    single: Option<Op>,
}

impl Block {
    fn intersects(&self, qs: &[u32]) -> bool {
        self.qubits.iter().any(|q| qs.contains(q))
    }

    fn into_op(self) -> Op {
        if let Some(op) = self.single {
            return op;
        }
        let dim = 1usize << self.qubits.len();
        match self.body {
            Body::Diag(diag) => Op::Diagonal {
                targets: self.qubits,
                controls: Vec::new(),
                diag,
            },
            Body::Dense(data) => Op::Dense {
                targets: self.qubits,
                controls: Vec::new(),
                matrix: Matrix::raw(dim, data),
            },
        }
    }

    fn is_diag(&self) -> bool {
        matches!(self.body, Body::Diag(_))
    }
}

fn to_dense(body: Body, dim: usize) -> Vec<Complex64> {
    match body {
        Body::Dense(d) => d,
        Body::Diag(diag) => {
            let mut d = vec![Complex64::new(0.0, 0.0); dim * dim];
            for (i, x) in diag.into_iter().enumerate() {
                d[i * dim + i] = x;
            }
            d
        }
    }
}

/// Kronecker product `b ⊗ a` where `a` acts on the low bits.
fn kron(a: Body, a_bits: usize, b: Body, b_bits: usize) -> Body {
    let (da, db) = (1usize << a_bits, 1usize << b_bits);
    match (a, b) {
        (Body::Diag(x), Body::Diag(y)) => {
            let mut out = Vec::with_capacity(da * db);
            for yb in &y {
                for xa in &x {
                    out.push(xa * yb);
                }
            }
            Body::Diag(out)
        }
        (a, b) => {
            let (x, y) = (to_dense(a, da), to_dense(b, db));
            let d = da * db;
            let mut out = vec![Complex64::new(0.0, 0.0); d * d];
            for rb in 0..db {
                for cb in 0..db {
                    let yv = y[rb * db + cb];
                    if yv == Complex64::new(0.0, 0.0) {
                        continue;
                    }
                    for ra in 0..da {
                        for ca in 0..da {
                            out[((rb << a_bits) | ra) * d + ((cb << a_bits) | ca)] =
                                x[ra * da + ca] * yv;
                        }
                    }
                }
            }
            Body::Dense(out)
        }
    }
}

/// Index of the sub-register formed by bit positions `pos` of `idx`.
fn gather(idx: usize, pos: &[usize]) -> usize {
    pos.iter()
        .enumerate()
        .map(|(j, p)| ((idx >> p) & 1) << j)
        .sum()
}

/// Left-multiplies the block body by a gate acting on bit positions `pos`.
fn apply_gate(body: Body, bits: usize, gate: &Body, pos: &[usize]) -> Body {
    let dim = 1usize << bits;
    match (body, gate) {
        (Body::Diag(mut d), Body::Diag(g)) => {
            for (i, x) in d.iter_mut().enumerate() {
                *x *= g[gather(i, pos)];
            }
            Body::Diag(d)
        }
        (body, Body::Diag(g)) => {
            let mut d = to_dense(body, dim);
            for r in 0..dim {
                let f = g[gather(r, pos)];
                for x in &mut d[r * dim..(r + 1) * dim] {
                    *x *= f;
                }
            }
            Body::Dense(d)
        }
        (body, Body::Dense(g)) => {
            let mut d = to_dense(body, dim);
            let gd = 1usize << pos.len();
            let mask: usize = pos.iter().map(|p| 1usize << p).sum();
            let offsets: Vec<usize> = (0..gd)
                .map(|s| {
                    pos.iter()
                        .enumerate()
                        .map(|(j, p)| ((s >> j) & 1) << p)
                        .sum()
                })
                .collect();
            let mut buf = vec![Complex64::new(0.0, 0.0); gd];
            for base in (0..dim).filter(|r| r & mask == 0) {
                for c in 0..dim {
                    for (s, o) in offsets.iter().enumerate() {
                        buf[s] = d[(base | o) * dim + c];
                    }
                    for (r, o) in offsets.iter().enumerate() {
                        let mut acc = Complex64::new(0.0, 0.0);
                        for (s, b) in buf.iter().enumerate() {
                            acc += g[r * gd + s] * b;
                        }
                        d[(base | o) * dim + c] = acc;
                    }
                }
            }
            Body::Dense(d)
        }
    }
}

/// A fusable gate: its qubits (low bit first) and body, with controls folded in.
fn as_gate(op: &Op, limit: usize) -> Option<(Vec<u32>, Body)> {
    match op {
        Op::Diagonal {
            targets,
            controls,
            diag,
        } => {
            let qubits: Vec<u32> = targets.iter().chain(controls).copied().collect();
            if qubits.len() > limit {
                return None;
            }
            if controls.is_empty() {
                return Some((qubits, Body::Diag(diag.clone())));
            }
            let (t, n) = (targets.len(), qubits.len());
            let full = (1usize << n) - (1usize << t);
            let d = (0..1usize << n)
                .map(|i| {
                    if i & full == full {
                        diag[i & ((1 << t) - 1)]
                    } else {
                        Complex64::new(1.0, 0.0)
                    }
                })
                .collect();
            Some((qubits, Body::Diag(d)))
        }
        Op::Dense {
            targets,
            controls,
            matrix,
        } => {
            let qubits: Vec<u32> = targets.iter().chain(controls).copied().collect();
            if qubits.len() > limit {
                return None;
            }
            let m = matrix.controlled(controls.len() as u32);
            Some((qubits, Body::Dense(m.data().to_vec())))
        }
        _ => None,
    }
}

/// Fuses `items` under `options`; see the module docs for the strategy.
pub(crate) fn fuse(items: Vec<Lowered>, options: &CompileOptions) -> Vec<Op> {
    let dense_limit = options.max_fused_qubits as usize;
    let diag_limit = (options.max_fused_diagonal_qubits as usize).max(dense_limit);
    let mut open: Vec<Block> = Vec::new();
    let mut out: Vec<Op> = Vec::new();

    let flush = |open: &mut Vec<Block>, out: &mut Vec<Op>, qs: Option<&[u32]>| {
        let mut keep = Vec::new();
        for b in open.drain(..) {
            if qs.is_none_or(|qs| b.intersects(qs)) {
                out.push(b.into_op());
            } else {
                keep.push(b);
            }
        }
        *open = keep;
    };

    for item in items {
        let op = match item {
            Lowered::Barrier(qs) => {
                flush(&mut open, &mut out, Some(&qs));
                continue;
            }
            Lowered::Op(op) => op,
        };
        let Some((qubits, gate)) = as_gate(&op, diag_limit) else {
            flush(&mut open, &mut out, Some(&op.qubits()));
            out.push(op);
            continue;
        };
        let gate_diag = matches!(gate, Body::Diag(_));
        let touched: Vec<usize> = (0..open.len())
            .filter(|&i| open[i].intersects(&qubits))
            .collect();
        let mut union: Vec<u32> = touched
            .iter()
            .flat_map(|&i| open[i].qubits.iter().copied())
            .collect();
        for &q in &qubits {
            if !union.contains(&q) {
                union.push(q);
            }
        }
        let all_diag = gate_diag && touched.iter().all(|&i| open[i].is_diag());
        let limit = if all_diag { diag_limit } else { dense_limit };
        if union.len() > limit {
            flush(&mut open, &mut out, Some(&qubits));
            if qubits.len() <= if gate_diag { diag_limit } else { dense_limit } {
                open.push(Block {
                    qubits,
                    body: gate,
                    single: Some(op),
                });
            } else {
                out.push(op);
            }
            continue;
        }
        // Merge the touched blocks (disjoint, so their order does not matter).
        let mut merged_qubits: Vec<u32> = Vec::new();
        let mut body = Body::Diag(vec![Complex64::new(1.0, 0.0)]);
        for (k, &i) in touched.iter().enumerate() {
            let b = open.remove(i - k);
            body = if merged_qubits.is_empty() {
                b.body
            } else {
                kron(body, merged_qubits.len(), b.body, b.qubits.len())
            };
            merged_qubits.extend(&b.qubits);
        }
        let fresh: Vec<u32> = qubits
            .iter()
            .copied()
            .filter(|q| !merged_qubits.contains(q))
            .collect();
        if !fresh.is_empty() {
            body = kron(
                body,
                merged_qubits.len(),
                Body::Diag(vec![Complex64::new(1.0, 0.0); 1 << fresh.len()]),
                fresh.len(),
            );
            merged_qubits.extend(&fresh);
        }
        let pos: Vec<usize> = qubits
            .iter()
            .map(|q| merged_qubits.iter().position(|m| m == q).unwrap())
            .collect();
        let body = apply_gate(body, merged_qubits.len(), &gate, &pos);
        open.push(Block {
            qubits: merged_qubits,
            body,
            single: if touched.is_empty() { Some(op) } else { None },
        });
    }
    flush(&mut open, &mut out, None);
    out
}
