//! Permutation sandwiches: `P · G1 ⋯ Gk · P`, where `P` is a fixed gate that permutes
//! basis states and is its own inverse (X, CX, SWAP, Toffoli, Fredkin) and every `Gi`
//! between the two copies that touches `P`'s qubits is diagonal.
//!
//! Since `P² = I`, the run equals `∏ (P · Gi · P)`: a `Gi` that does not touch `P`'s
//! qubits commutes with `P` and stays as it is, and `P · Gi · P` is diagonal for a
//! diagonal `Gi` (its entries permuted), on `Gi`'s qubits and `P`'s. Frameworks write
//! ZZ-type interactions exactly this way (`CX · RZ · CX`, CNOT ladders around one
//! `RZ` for a Pauli-string exponential); recognised here, they reach the fuser as
//! diagonal gates — fused with the larger diagonal limit into one pass over the state —
//! instead of dense blocks.
//!
//! This module only finds the sandwiches ([`find_sandwiches`]); the plan rewrites them.

use crate::fusion::Item;

/// How far past its opening gate a sandwich's closing gate is looked for, in items.
const WINDOW: usize = 256;

/// One sandwich: the two copies of `P` and the diagonal items between them that touch
/// its qubits (which become `P · Gi · P`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Sandwich {
    /// Index of the opening `P`.
    pub(crate) first: usize,
    /// Index of the closing `P`.
    pub(crate) last: usize,
    /// Indices of the diagonal items between them that touch `P`'s qubits.
    pub(crate) inner: Vec<usize>,
}

/// Finds sandwiches in `items`, no item in two of them. `involution[i]` is `Some(perm)`
/// when item `i` is a fixed self-inverse permutation gate (over its qubits, targets
/// then controls); two items are the same gate when their qubit lists and
/// permutations are equal. An inner item is taken only if its qubits together with
/// `P`'s number at most `max_width`.
///
/// Applying the rewrite of every returned sandwich is valid at once: a later
/// sandwich's scan refuses items an earlier one took, so the two touch disjoint
/// qubits wherever they overlap in the sequence.
pub(crate) fn find_sandwiches(
    items: &[Item],
    involution: &[Option<Vec<u32>>],
    max_width: usize,
) -> Vec<Sandwich> {
    let mut used = vec![false; items.len()];
    let mut out = Vec::new();
    for first in 0..items.len() {
        if used[first] {
            continue;
        }
        let (Some(perm), Item::Gate { qubits: pq, .. }) = (&involution[first], &items[first])
        else {
            continue;
        };
        if let Some(s) = scan(items, involution, &used, first, pq, perm, max_width) {
            used[s.first] = true;
            used[s.last] = true;
            for &i in &s.inner {
                used[i] = true;
            }
            out.push(s);
        }
    }
    out
}

fn scan(
    items: &[Item],
    involution: &[Option<Vec<u32>>],
    used: &[bool],
    first: usize,
    pq: &[u32],
    perm: &[u32],
    max_width: usize,
) -> Option<Sandwich> {
    let touches = |qs: &[u32]| qs.iter().any(|q| pq.contains(q));
    let mut inner = Vec::new();
    for j in first + 1..items.len().min(first + 1 + WINDOW) {
        let qs = match &items[j] {
            Item::Gate { qubits, .. } | Item::Barrier(qubits) | Item::Fence(qubits) => qubits,
        };
        if !touches(qs) {
            continue;
        }
        if used[j] {
            return None;
        }
        match &items[j] {
            Item::Gate { qubits, .. }
                if qubits.as_slice() == pq && involution[j].as_deref() == Some(perm) =>
            {
                return Some(Sandwich {
                    first,
                    last: j,
                    inner,
                });
            }
            Item::Gate {
                qubits,
                diagonal: true,
                ..
            } => {
                let extra = pq.iter().filter(|q| !qubits.contains(q)).count();
                if qubits.len() + extra > max_width {
                    return None;
                }
                inner.push(j);
            }
            _ => return None,
        }
    }
    None
}

/// `true` if `perm` is its own inverse.
pub(crate) fn is_involution(perm: &[u32]) -> bool {
    perm.iter()
        .enumerate()
        .all(|(j, &p)| perm[p as usize] as usize == j)
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
    /// CX as a permutation over (target, control): |t c> with c = 1 flips t.
    fn cx_perm() -> Option<Vec<u32>> {
        Some(vec![0, 1, 3, 2])
    }

    #[test]
    fn cx_rz_cx_is_one_sandwich() {
        // cx(0 -> 1), rz(1), h(5), cx(0 -> 1): h(5) does not touch the pair.
        let items = [
            gate(&[1, 0], false),
            gate(&[1], true),
            gate(&[5], false),
            gate(&[1, 0], false),
        ];
        let inv = [cx_perm(), None, None, cx_perm()];
        assert_eq!(
            find_sandwiches(&items, &inv, 8),
            vec![Sandwich {
                first: 0,
                last: 3,
                inner: vec![1]
            }]
        );
    }

    #[test]
    fn a_dense_gate_on_the_pair_or_a_fence_breaks_it() {
        let inv = [cx_perm(), None, cx_perm()];
        for breaker in [
            gate(&[0], false),
            Item::Fence(vec![1]),
            Item::Barrier(vec![0]),
        ] {
            let items = [gate(&[1, 0], false), breaker, gate(&[1, 0], false)];
            assert!(find_sandwiches(&items, &inv, 8).is_empty());
        }
        // A fence elsewhere commutes with the pair.
        let items = [
            gate(&[1, 0], false),
            Item::Fence(vec![4]),
            gate(&[1, 0], false),
        ];
        assert_eq!(find_sandwiches(&items, &inv, 8).len(), 1);
    }

    #[test]
    fn the_closing_gate_must_be_the_same_gate() {
        // cx(0 -> 1) then cx(1 -> 0): same qubits, other roles.
        let items = [gate(&[1, 0], false), gate(&[0, 1], false)];
        let inv = [cx_perm(), cx_perm()];
        assert!(find_sandwiches(&items, &inv, 8).is_empty());
    }

    #[test]
    fn widening_past_the_limit_is_refused() {
        let items = [
            gate(&[1, 0], false),
            gate(&[1, 2, 3], true),
            gate(&[1, 0], false),
        ];
        let inv = [cx_perm(), None, cx_perm()];
        assert!(find_sandwiches(&items, &inv, 3).is_empty());
        assert_eq!(find_sandwiches(&items, &inv, 4).len(), 1);
    }

    #[test]
    fn ladders_open_from_the_inside_out() {
        // cx(0->1) cx(1->2) rz(2) cx(1->2) cx(0->1): only the inner pair is a sandwich
        // at first (cx(1->2) is not diagonal on qubit 1).
        let items = [
            gate(&[1, 0], false),
            gate(&[2, 1], false),
            gate(&[2], true),
            gate(&[2, 1], false),
            gate(&[1, 0], false),
        ];
        let inv = [cx_perm(), cx_perm(), None, cx_perm(), cx_perm()];
        assert_eq!(
            find_sandwiches(&items, &inv, 8),
            vec![Sandwich {
                first: 1,
                last: 3,
                inner: vec![2]
            }]
        );
    }

    #[test]
    fn involutions() {
        assert!(is_involution(&[0, 1, 3, 2]));
        assert!(!is_involution(&[1, 2, 0]));
    }
}
