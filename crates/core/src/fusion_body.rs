//! The fuser's arithmetic: the action of one gate as the fuser multiplies it ([`Body`]:
//! diagonal, permutation or dense), and [`block_body`], which multiplies the members of a
//! block into its op at compile time (fixed blocks) or bind time (blocks that hold a
//! parameter). Products are cleaned of rounding-sized entries and emitted as diagonals
//! where they are diagonal. The block structure itself is decided in [`crate::fusion`].

use crate::matrix::Matrix;
use crate::op::Op;
use num_complex::Complex64;

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
