//! Gate fusion, in two halves that run at different times (as qsim separates
//! `FuseGates` from `CalculateFusedMatrix`):
//!
//! - [`plan_blocks`] decides the block structure once, at compile time, from the
//!   gates' qubits and whether each gate is diagonal for every parameter value. It never
//!   looks at a parameter's value, so one structure serves every parameter set.
//! - [`block_body`] multiplies the members of one block into its matrix (or diagonal),
//!   at compile time for blocks of fixed gates and at bind time for blocks that hold a
//!   parameter.
//!
//! The planner keeps a set of *open blocks* on disjoint qubit sets (which therefore
//! commute). A new gate merges with every open block it touches when the union fits
//! the size limit (diagonal blocks have their own, larger limit, since a diagonal pass
//! costs the same at any size); otherwise those blocks are closed and the gate opens a
//! new block. A diagonal gate that touches no open block joins an open diagonal block
//! on other qubits if the union fits, so a run of diagonals is one pass. Measurements, resets, conditionals and barriers close the blocks on their
//! qubits. A block that holds a single gate is emitted as that gate, so controlled ops
//! keep their cheaper controlled form.

use crate::matrix::Matrix;
use crate::op::Op;
use num_complex::Complex64;

/// What the planner needs to know of one lowered instruction.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Item {
    /// A unitary gate on `qubits` (targets, then controls), diagonal for every
    /// parameter value or not.
    Gate {
        /// Targets then controls.
        qubits: Vec<u32>,
        /// Diagonal whatever its parameters are.
        diagonal: bool,
        /// A fixed permutation of basis states (X, CX, SWAP, Toffoli, ...).
        permutation: bool,
    },
    /// A fusion barrier on these qubits.
    Barrier(Vec<u32>),
    /// A measurement, reset or conditional on these qubits: runs alone.
    Fence(Vec<u32>),
}

/// One step of the fused program.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Step {
    /// Items (indices into the planner's input, in application order) fused into one
    /// block on `qubits` (`qubits[0]` is the block matrix's lowest index bit).
    Block {
        /// The block's qubits.
        qubits: Vec<u32>,
        /// Every member is diagonal.
        diagonal: bool,
        /// Member items, in the order they apply.
        members: Vec<usize>,
    },
    /// One item on its own (a gate keeps its controlled form).
    Single(usize),
}

#[derive(Debug)]
struct Open {
    qubits: Vec<u32>,
    diagonal: bool,
    /// Every member is a fixed permutation.
    permutation: bool,
    members: Vec<usize>,
}

impl Open {
    fn intersects(&self, qs: &[u32]) -> bool {
        self.qubits.iter().any(|q| qs.contains(q))
    }
    fn close(self) -> Step {
        if self.members.len() == 1 {
            Step::Single(self.members[0])
        } else {
            Step::Block {
                qubits: self.qubits,
                diagonal: self.diagonal,
                members: self.members,
            }
        }
    }
}

/// The size limits of the planner's blocks, in qubits.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Limits {
    /// Blocks with a non-diagonal, non-permutation member.
    pub(crate) dense: usize,
    /// All-diagonal blocks.
    pub(crate) diagonal: usize,
    /// Blocks of fixed permutations.
    pub(crate) permutation: usize,
}

/// Decides the block structure of `items` with blocks of at most `limits.dense` qubits
/// (`limits.diagonal` for all-diagonal blocks, `limits.permutation` for blocks of fixed
/// permutations). `fusion == false` gives one step per item.
pub(crate) fn plan_blocks(items: &[Item], fusion: bool, limits: Limits) -> Vec<Step> {
    let dense_limit = limits.dense;
    let diag_limit = limits.diagonal.max(dense_limit);
    let perm_limit = limits.permutation.max(dense_limit);
    let mut out = Vec::with_capacity(items.len());
    if !fusion {
        for (i, item) in items.iter().enumerate() {
            if !matches!(item, Item::Barrier(_)) {
                out.push(Step::Single(i));
            }
        }
        return out;
    }
    let mut open: Vec<Open> = Vec::new();
    let close = |open: &mut Vec<Open>, out: &mut Vec<Step>, qs: Option<&[u32]>| {
        let mut keep = Vec::new();
        for b in open.drain(..) {
            if qs.is_none_or(|qs| b.intersects(qs)) {
                out.push(b.close());
            } else {
                keep.push(b);
            }
        }
        *open = keep;
    };
    for (index, item) in items.iter().enumerate() {
        let (qubits, diagonal, permutation) = match item {
            Item::Barrier(qs) => {
                close(&mut open, &mut out, Some(qs));
                continue;
            }
            Item::Fence(qs) => {
                close(&mut open, &mut out, Some(qs));
                out.push(Step::Single(index));
                continue;
            }
            Item::Gate {
                qubits,
                diagonal,
                permutation,
            } => (qubits, *diagonal, *permutation),
        };
        let (qubits, diagonal, permutation) = (qubits, diagonal, permutation && !diagonal);
        if qubits.len() > diag_limit.max(perm_limit) {
            close(&mut open, &mut out, Some(qubits));
            out.push(Step::Single(index));
            continue;
        }
        let mut touched: Vec<usize> = (0..open.len())
            .filter(|&i| open[i].intersects(qubits))
            .collect();
        if touched.is_empty() && diagonal {
            // Diagonals commute: a diagonal gate joins an open diagonal block on other
            // qubits while the union fits, so a run of them is one pass over the state.
            touched.extend(
                (0..open.len()).find(|&i| {
                    open[i].diagonal && open[i].qubits.len() + qubits.len() <= diag_limit
                }),
            );
        }
        let mut union: Vec<u32> = touched
            .iter()
            .flat_map(|&i| open[i].qubits.iter().copied())
            .collect();
        for &q in qubits {
            if !union.contains(&q) {
                union.push(q);
            }
        }
        let all_diag = diagonal && touched.iter().all(|&i| open[i].diagonal);
        let all_perm = permutation && touched.iter().all(|&i| open[i].permutation);
        let limit = if all_diag {
            diag_limit
        } else if all_perm {
            perm_limit
        } else {
            dense_limit
        };
        if union.len() > limit {
            close(&mut open, &mut out, Some(qubits));
            let own_limit = if diagonal {
                diag_limit
            } else if permutation {
                perm_limit
            } else {
                dense_limit
            };
            if qubits.len() <= own_limit {
                open.push(Open {
                    qubits: qubits.clone(),
                    diagonal,
                    permutation,
                    members: vec![index],
                });
            } else {
                out.push(Step::Single(index));
            }
            continue;
        }
        // Merge the touched blocks (disjoint, so their order does not matter).
        let mut members = Vec::new();
        for (k, &i) in touched.iter().enumerate() {
            members.extend(open.remove(i - k).members);
        }
        members.push(index);
        open.push(Open {
            qubits: union,
            diagonal: all_diag,
            permutation: all_perm,
            members,
        });
    }
    close(&mut open, &mut out, None);
    out
}

/// A gate's action as the fuser multiplies it: diagonal entries, a permutation of basis
/// states or a dense matrix (row-major), over its qubits (targets then controls,
/// controls folded in).
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Body {
    /// `2^k` diagonal entries.
    Diag(Vec<Complex64>),
    /// A permutation of the `2^k` basis states: basis state `j` goes to `perm[j]`
    /// (X, CX, SWAP, Toffoli, ...).
    Perm(Vec<u32>),
    /// `2^k x 2^k` entries, row-major.
    Dense(Vec<Complex64>),
}

/// The permutation a row-major `dim x dim` matrix is, if every column holds exactly
/// one entry equal to 1 and zeros elsewhere.
pub(crate) fn as_permutation(data: &[Complex64], dim: usize) -> Option<Vec<u32>> {
    let one = Complex64::new(1.0, 0.0);
    let zero = Complex64::new(0.0, 0.0);
    let mut perm = vec![u32::MAX; dim];
    let mut hit = vec![false; dim];
    for r in 0..dim {
        for (c, &x) in data[r * dim..(r + 1) * dim].iter().enumerate() {
            if x == one {
                if perm[c] != u32::MAX || hit[r] {
                    return None;
                }
                perm[c] = r as u32;
                hit[r] = true;
            } else if x != zero {
                return None;
            }
        }
    }
    perm.iter().all(|&r| r != u32::MAX).then_some(perm)
}

/// The permutation of a gate whose target matrix permutes as `target_perm` (over
/// `num_targets` qubits) controlled by `num_controls` more (the higher index bits):
/// identity wherever a control is 0. Built without the dense controlled matrix.
pub(crate) fn controlled_permutation(
    target_perm: &[u32],
    num_targets: usize,
    num_controls: usize,
) -> Vec<u32> {
    let all = ((1usize << num_controls) - 1) << num_targets;
    let mask = (1usize << num_targets) - 1;
    (0..1usize << (num_targets + num_controls))
        .map(|i| {
            if i & all == all {
                (all | target_perm[i & mask] as usize) as u32
            } else {
                i as u32
            }
        })
        .collect()
}

/// Index `idx` with the bits at positions `pos` replaced by the bits of `sub`.
fn scatter(idx: usize, sub: usize, pos: &[usize]) -> usize {
    pos.iter().enumerate().fold(idx, |acc, (j, p)| {
        (acc & !(1usize << p)) | (((sub >> j) & 1) << p)
    })
}

impl Body {
    /// The body of a gate with `matrix` on `targets`, controlled by `num_controls`
    /// further qubits (which follow the targets in the body's index).
    pub(crate) fn of_gate(matrix: Matrix, num_targets: usize, num_controls: usize) -> Body {
        if matrix.is_diagonal() {
            let diag = matrix.diag();
            if num_controls == 0 {
                return Body::Diag(diag);
            }
            let n = num_targets + num_controls;
            let full = (1usize << n) - (1usize << num_targets);
            let mask = (1usize << num_targets) - 1;
            Body::Diag(
                (0..1usize << n)
                    .map(|i| {
                        if i & full == full {
                            diag[i & mask]
                        } else {
                            Complex64::new(1.0, 0.0)
                        }
                    })
                    .collect(),
            )
        } else if num_controls == 0 {
            Body::Dense(matrix.into_data())
        } else {
            Body::Dense(matrix.controlled(num_controls as u32).into_data())
        }
    }
}

fn to_dense(body: Body, dim: usize) -> Vec<Complex64> {
    match body {
        Body::Dense(d) => d,
        Body::Perm(perm) => {
            let mut d = vec![Complex64::new(0.0, 0.0); dim * dim];
            for (c, &r) in perm.iter().enumerate() {
                d[r as usize * dim + c] = Complex64::new(1.0, 0.0);
            }
            d
        }
        Body::Diag(diag) => {
            let mut d = vec![Complex64::new(0.0, 0.0); dim * dim];
            for (i, x) in diag.into_iter().enumerate() {
                d[i * dim + i] = x;
            }
            d
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

/// Left-multiplies the block body (on `bits` qubits) by a gate acting on bit
/// positions `pos`.
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
        (body, Body::Perm(p)) => {
            // Row `r` of the product is row `r'` of the body, where the gate maps the
            // sub-index of `r'` on `pos` to that of `r`.
            let d = to_dense(body, dim);
            let mut out = vec![Complex64::new(0.0, 0.0); dim * dim];
            for r in 0..dim {
                let to = scatter(r, p[gather(r, pos)] as usize, pos);
                out[to * dim..(to + 1) * dim].copy_from_slice(&d[r * dim..(r + 1) * dim]);
            }
            Body::Dense(out)
        }
        (body, Body::Dense(g)) if pos.len() == 1 => {
            // The common case (parametric 1-qubit gates): rows `r` and `r | bit` mix.
            let mut d = to_dense(body, dim);
            let bit = 1usize << pos[0];
            let (g00, g01, g10, g11) = (g[0], g[1], g[2], g[3]);
            for r0 in (0..dim).filter(|r| r & bit == 0) {
                let r1 = r0 | bit;
                let (top, bottom) = d.split_at_mut(r1 * dim);
                let row0 = &mut top[r0 * dim..(r0 + 1) * dim];
                let row1 = &mut bottom[..dim];
                for (a, b) in row0.iter_mut().zip(row1.iter_mut()) {
                    let (x, y) = (*a, *b);
                    *a = g00 * x + g01 * y;
                    *b = g10 * x + g11 * y;
                }
            }
            Body::Dense(d)
        }
        (body, Body::Dense(g)) => {
            let mut d = to_dense(body, dim);
            let gd = 1usize << pos.len();
            let mask: usize = pos.iter().map(|p| 1usize << p).sum();
            // Gates are at most 6 qubits wide (64 entries): stack buffers, no allocation
            // per member on the bind path.
            let mut offsets = [0usize; 64];
            for (s, o) in offsets[..gd].iter_mut().enumerate() {
                *o = pos
                    .iter()
                    .enumerate()
                    .map(|(j, p)| ((s >> j) & 1) << p)
                    .sum();
            }
            let offsets = &offsets[..gd];
            let mut buf = [Complex64::new(0.0, 0.0); 64];
            let buf = &mut buf[..gd];
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

/// The op of a block on `qubits`: the product of `members` (each a body over the listed
/// qubits, applied in order).
pub(crate) fn block_body<'a>(
    qubits: &[u32],
    diagonal: bool,
    members: impl IntoIterator<Item = (&'a [u32], &'a Body)>,
) -> Op {
    let bits = qubits.len();
    let dim = 1usize << bits;
    let one = Complex64::new(1.0, 0.0);
    if diagonal {
        return diagonal_block(qubits, members);
    }
    let mut d = vec![Complex64::new(0.0, 0.0); dim * dim];
    for i in 0..dim {
        d[i * dim + i] = one;
    }
    let mut body = Body::Dense(d);
    let mut pos = Vec::with_capacity(bits);
    for (gate_qubits, gate) in members {
        positions(qubits, gate_qubits, &mut pos);
        body = apply_gate(body, bits, gate, &pos);
    }
    let mut data = to_dense(body, dim);
    for z in &mut data {
        if z.norm_sqr() < ROUNDING_ZERO * ROUNDING_ZERO {
            *z = Complex64::new(0.0, 0.0);
        }
    }
    let off_diagonal_zero = data
        .iter()
        .enumerate()
        .all(|(i, z)| i / dim == i % dim || z.norm_sqr() == 0.0);
    if off_diagonal_zero {
        return Op::Diagonal {
            targets: qubits.to_vec(),
            controls: Vec::new(),
            diag: (0..dim).map(|i| data[i * dim + i]).collect(),
        };
    }
    Op::Dense {
        targets: qubits.to_vec(),
        controls: Vec::new(),
        matrix: Matrix::raw(dim, data),
    }
}

/// Entries of a fused product smaller than this are rounding left by cancellations
/// (`H·S·S·H` is `X` up to 1e-17 entries) and are set to zero, so products that are
/// diagonal run as diagonals and permutations with phases as permutations. Entries of
/// unitaries are at most 1, so this changes the product by far less than double
/// precision's error over a circuit.
const ROUNDING_ZERO: f64 = 1e-13;

/// Positions of `gate_qubits` within the block's `qubits`.
fn positions(qubits: &[u32], gate_qubits: &[u32], pos: &mut Vec<usize>) {
    pos.clear();
    pos.extend(gate_qubits.iter().map(|q| {
        qubits
            .iter()
            .position(|m| m == q)
            .expect("a member's qubits lie in its block")
    }));
}

/// A block whose product is diagonal although members may be permutations (a
/// permutation sandwich, `P · D · P`): multiplied as a monomial matrix — row `i` holds
/// `vals[i]` in column `cols[i]` — in `O(2^k)` per member. Falls back to dense if the
/// permutations do not cancel (never, for the blocks the planner marks diagonal).
fn diagonal_block<'a>(
    qubits: &[u32],
    members: impl IntoIterator<Item = (&'a [u32], &'a Body)>,
) -> Op {
    let dim = 1usize << qubits.len();
    let mut cols: Vec<u32> = (0..dim as u32).collect();
    let mut vals = vec![Complex64::new(1.0, 0.0); dim];
    let mut pos = Vec::with_capacity(qubits.len());
    let mut dense: Option<Body> = None;
    for (gate_qubits, gate) in members {
        positions(qubits, gate_qubits, &mut pos);
        if let Some(body) = dense.take() {
            dense = Some(apply_gate(body, qubits.len(), gate, &pos));
            continue;
        }
        match gate {
            Body::Diag(g) => {
                for (i, v) in vals.iter_mut().enumerate() {
                    *v *= g[gather(i, &pos)];
                }
            }
            Body::Perm(p) => {
                let (mut c2, mut v2) = (vec![0u32; dim], vec![Complex64::new(0.0, 0.0); dim]);
                for i in 0..dim {
                    let to = scatter(i, p[gather(i, &pos)] as usize, &pos);
                    c2[to] = cols[i];
                    v2[to] = vals[i];
                }
                (cols, vals) = (c2, v2);
            }
            Body::Dense(_) => {
                let mut d = vec![Complex64::new(0.0, 0.0); dim * dim];
                for (r, (&c, &v)) in cols.iter().zip(&vals).enumerate() {
                    d[r * dim + c as usize] = v;
                }
                dense = Some(apply_gate(Body::Dense(d), qubits.len(), gate, &pos));
            }
        }
    }
    let targets = qubits.to_vec();
    let controls = Vec::new();
    if dense.is_none() && cols.iter().enumerate().all(|(i, &c)| c as usize == i) {
        return Op::Diagonal {
            targets,
            controls,
            diag: vals,
        };
    }
    debug_assert!(
        false,
        "a block marked diagonal multiplied to a non-diagonal"
    );
    let data = match dense {
        Some(body) => to_dense(body, dim),
        None => {
            let mut d = vec![Complex64::new(0.0, 0.0); dim * dim];
            for (r, (&c, &v)) in cols.iter().zip(&vals).enumerate() {
                d[r * dim + c as usize] = v;
            }
            d
        }
    };
    Op::Dense {
        targets,
        controls,
        matrix: Matrix::raw(dim, data),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gate(qs: &[u32], diagonal: bool) -> Item {
        Item::Gate {
            qubits: qs.to_vec(),
            diagonal,
            permutation: false,
        }
    }

    fn permutation(qs: &[u32]) -> Item {
        Item::Gate {
            qubits: qs.to_vec(),
            diagonal: false,
            permutation: true,
        }
    }

    /// Dense and diagonal limits; permutations limited like dense blocks.
    fn limits(dense: usize, diagonal: usize) -> Limits {
        Limits {
            dense,
            diagonal,
            permutation: dense,
        }
    }

    #[test]
    fn permutations_fill_their_own_limit() {
        // ry(0) cx(0,1) cx(0,2) cx(0,3) cx(0,4) cx(0,5): the first CX joins the dense
        // block on 0; the next CXs form permutation blocks of up to 4 qubits.
        let items = [
            gate(&[0], false),
            permutation(&[1, 0]),
            permutation(&[2, 0]),
            permutation(&[3, 0]),
            permutation(&[4, 0]),
            permutation(&[5, 0]),
        ];
        let steps = plan_blocks(
            &items,
            true,
            Limits {
                dense: 2,
                diagonal: 8,
                permutation: 4,
            },
        );
        assert_eq!(
            steps,
            vec![
                Step::Block {
                    qubits: vec![0, 1],
                    diagonal: false,
                    members: vec![0, 1]
                },
                Step::Block {
                    qubits: vec![2, 0, 3, 4],
                    diagonal: false,
                    members: vec![2, 3, 4]
                },
                Step::Single(5)
            ]
        );
        // A dense gate touching a permutation block is held to the dense limit.
        let items = [
            permutation(&[1, 0]),
            permutation(&[2, 0]),
            gate(&[2], false),
        ];
        let steps = plan_blocks(
            &items,
            true,
            Limits {
                dense: 2,
                diagonal: 8,
                permutation: 4,
            },
        );
        assert_eq!(
            steps,
            vec![
                Step::Block {
                    qubits: vec![1, 0, 2],
                    diagonal: false,
                    members: vec![0, 1]
                },
                Step::Single(2)
            ]
        );
    }

    #[test]
    fn unfused_is_one_step_per_item_without_barriers() {
        let items = [gate(&[0], false), Item::Barrier(vec![0]), gate(&[1], true)];
        assert_eq!(
            plan_blocks(&items, false, limits(2, 8)),
            vec![Step::Single(0), Step::Single(2)]
        );
    }

    #[test]
    fn neighbours_merge_up_to_the_limit() {
        // h(0) cx(0,1) h(2): the first two share qubit 0 and fit 2 qubits; h(2) would
        // make 3, so it opens its own block.
        let items = [gate(&[0], false), gate(&[1, 0], false), gate(&[2], false)];
        let steps = plan_blocks(&items, true, limits(2, 8));
        assert_eq!(
            steps,
            vec![
                Step::Block {
                    qubits: vec![0, 1],
                    diagonal: false,
                    members: vec![0, 1]
                },
                Step::Single(2)
            ]
        );
    }

    #[test]
    fn diagonal_blocks_use_their_own_limit() {
        let items: Vec<Item> = (0..5).map(|q| gate(&[q, q + 1], true)).collect();
        let steps = plan_blocks(&items, true, limits(2, 8));
        assert_eq!(
            steps,
            vec![Step::Block {
                qubits: vec![0, 1, 2, 3, 4, 5],
                diagonal: true,
                members: vec![0, 1, 2, 3, 4]
            }]
        );
    }

    #[test]
    fn disjoint_diagonals_share_one_block_while_they_fit() {
        // rz(0) rz(3) cz(5,6) rz(7): one diagonal pass up to the limit of 4 qubits.
        let items = [
            gate(&[0], true),
            gate(&[3], true),
            gate(&[5, 6], true),
            gate(&[7], true),
            gate(&[1], false),
        ];
        let steps = plan_blocks(&items, true, limits(2, 4));
        assert_eq!(
            steps,
            vec![
                Step::Block {
                    qubits: vec![0, 3, 5, 6],
                    diagonal: true,
                    members: vec![0, 1, 2]
                },
                Step::Single(3),
                Step::Single(4)
            ]
        );
    }

    #[test]
    fn fences_and_barriers_close_only_their_qubits() {
        let items = [
            gate(&[0], false),
            gate(&[1], false),
            Item::Fence(vec![0]),
            gate(&[1], false),
            Item::Barrier(vec![1]),
            gate(&[1], false),
        ];
        let steps = plan_blocks(&items, true, limits(4, 8));
        assert_eq!(
            steps,
            vec![
                Step::Single(0),
                Step::Single(2),
                Step::Block {
                    qubits: vec![1],
                    diagonal: false,
                    members: vec![1, 3]
                },
                Step::Single(5)
            ]
        );
    }

    #[test]
    fn too_wide_gates_run_alone() {
        let items = [gate(&[0], false), gate(&[0, 1, 2], false)];
        let steps = plan_blocks(&items, true, limits(2, 2));
        assert_eq!(steps, vec![Step::Single(0), Step::Single(1)]);
    }

    #[test]
    fn block_body_multiplies_in_order() {
        // X then Z on one qubit is Z·X = [[0, 1], [-1, 0]].
        let z = Complex64::new(0.0, 0.0);
        let one = Complex64::new(1.0, 0.0);
        let x = Body::Dense(vec![z, one, one, z]);
        let zg = Body::Diag(vec![one, -one]);
        let q = [0u32];
        let op = block_body(&q, false, [(&q[..], &x), (&q[..], &zg)]);
        let Op::Dense { matrix, .. } = op else {
            panic!("dense")
        };
        assert_eq!(matrix.data(), &[z, one, -one, z]);
    }

    #[test]
    fn products_diagonal_up_to_rounding_become_diagonals() {
        // RX(pi) · RZ(0.3) · RX(pi) = -X · RZ(0.3) · X = -RZ(-0.3), with cos(pi/2) ~ 6e-17
        // left in the off-diagonal entries of the product.
        let half = std::f64::consts::FRAC_PI_2;
        let (c, s) = (
            Complex64::new(half.cos(), 0.0),
            Complex64::new(0.0, -half.sin()),
        );
        let rx = Body::Dense(vec![c, s, s, c]);
        let rz = Body::Diag(vec![
            Complex64::from_polar(1.0, -0.15),
            Complex64::from_polar(1.0, 0.15),
        ]);
        let q = [3u32];
        let op = block_body(&q, false, [(&q[..], &rx), (&q[..], &rz), (&q[..], &rx)]);
        let Op::Diagonal { targets, diag, .. } = op else {
            panic!("a diagonal, got {op:?}")
        };
        assert_eq!(targets, vec![3]);
        let want = [
            Complex64::from_polar(-1.0, 0.15),
            Complex64::from_polar(-1.0, -0.15),
        ];
        for (got, want) in diag.iter().zip(want) {
            assert!((got - want).norm() < 1e-15, "{got} vs {want}");
        }
        // A product with a genuinely small entry stays dense.
        let tilt = Body::Dense(vec![
            Complex64::new((1.0f64 - 1e-20).sqrt(), 0.0),
            Complex64::new(-1e-10, 0.0),
            Complex64::new(1e-10, 0.0),
            Complex64::new((1.0f64 - 1e-20).sqrt(), 0.0),
        ]);
        assert!(matches!(
            block_body(&q, false, [(&q[..], &tilt)]),
            Op::Dense { .. }
        ));
    }

    #[test]
    fn controlled_diagonal_bodies_fold_the_controls() {
        // CZ as a controlled Z: diag(1, 1, 1, -1) over (target, control).
        let m = Matrix::diagonal(&[Complex64::new(1.0, 0.0), Complex64::new(-1.0, 0.0)]);
        let Body::Diag(d) = Body::of_gate(m, 1, 1) else {
            panic!("diagonal")
        };
        let one = Complex64::new(1.0, 0.0);
        assert_eq!(d, vec![one, one, one, -one]);
    }
}
