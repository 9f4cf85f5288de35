//! Where each qubit lives: the relabelling between logical qubits (the circuit's) and
//! physical bit positions (bits `0..local` index a rank's slice, bits `local..n` are
//! the rank number). Exchanges swap a global and a local position; the relabelling is
//! kept until a readout needs the logical order. Pure bookkeeping, no MPI.

use ferroq_core::Op;

/// The qubit relabelling of one distributed state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Layout {
    local: u32,
    /// Logical qubit → physical position.
    perm: Vec<u32>,
    /// Physical position → logical qubit.
    inv: Vec<u32>,
}

/// What the op at an index needs: the logical qubits that must be local there.
fn dense_targets(op: &Op) -> &[u32] {
    match op {
        Op::Dense { targets, .. } => targets,
        _ => &[],
    }
}

impl Layout {
    /// Logical qubit `q` at position `q`.
    pub(crate) fn identity(n: u32, local: u32) -> Self {
        let perm: Vec<u32> = (0..n).collect();
        Layout {
            local,
            inv: perm.clone(),
            perm,
        }
    }
    /// `true` when every qubit is at its own position.
    pub(crate) fn is_identity(&self) -> bool {
        self.perm.iter().enumerate().all(|(i, &p)| i as u32 == p)
    }
    /// The physical position of logical qubit `q`.
    pub(crate) fn phys(&self, q: u32) -> u32 {
        self.perm[q as usize]
    }
    /// The logical qubit at physical position `p`.
    pub(crate) fn logical_at(&self, p: u32) -> u32 {
        self.inv[p as usize]
    }
    /// `true` when logical qubit `q` is a local bit.
    pub(crate) fn is_local(&self, q: u32) -> bool {
        self.phys(q) < self.local
    }
    /// Records that the contents of positions `a` and `b` were swapped.
    pub(crate) fn swap_positions(&mut self, a: u32, b: u32) {
        let (qa, qb) = (self.inv[a as usize], self.inv[b as usize]);
        self.inv.swap(a as usize, b as usize);
        self.perm[qa as usize] = b;
        self.perm[qb as usize] = a;
    }

    /// The local position to swap out so a global qubit can come in: never one holding
    /// a qubit of `keep`; among the others the one whose logical qubit is next needed
    /// local (as a dense target of `upcoming`) furthest ahead, the highest position on
    /// ties (its half of a slice is contiguous in the longest runs). `None` when every
    /// local position holds a qubit of `keep`.
    pub(crate) fn victim(&self, keep: &[u32], upcoming: &[Op]) -> Option<u32> {
        let mut best: Option<(usize, u32)> = None;
        for p in (0..self.local).rev() {
            let q = self.logical_at(p);
            if keep.contains(&q) {
                continue;
            }
            let next = upcoming
                .iter()
                .position(|op| dense_targets(op).contains(&q))
                .unwrap_or(usize::MAX);
            if best.is_none_or(|(n, _)| next > n) {
                best = Some((next, p));
            }
            if next == usize::MAX {
                break;
            }
        }
        best.map(|(_, p)| p)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ferroq_core::Matrix;

    fn dense(targets: &[u32]) -> Op {
        Op::Dense {
            targets: targets.to_vec(),
            controls: vec![],
            matrix: Matrix::identity(targets.len() as u32),
        }
    }

    #[test]
    fn swaps_are_tracked_both_ways() {
        let mut l = Layout::identity(5, 3);
        assert!(l.is_identity());
        l.swap_positions(4, 1);
        assert_eq!((l.phys(4), l.phys(1)), (1, 4));
        assert_eq!((l.logical_at(1), l.logical_at(4)), (4, 1));
        assert!(l.is_local(4) && !l.is_local(1));
        l.swap_positions(1, 4);
        assert!(l.is_identity());
    }

    #[test]
    fn victim_is_the_qubit_needed_last() {
        let l = Layout::identity(6, 4);
        // Qubits 3 and 2 are used soon, 1 later, 0 never: 0 goes.
        let ops = [dense(&[3]), dense(&[2]), dense(&[1])];
        assert_eq!(l.victim(&[], &ops), Some(0));
        // Unused qubits: the highest position.
        assert_eq!(l.victim(&[], &[]), Some(3));
        // Kept qubits never go.
        assert_eq!(l.victim(&[3, 2, 1], &[]), Some(0));
        assert_eq!(l.victim(&[0, 1, 2, 3], &[]), None);
        // Only dense targets need locality: a diagonal use does not count.
        let diag = Op::Diagonal {
            targets: vec![3],
            controls: vec![],
            diag: vec![1.0.into(), 1.0.into()],
        };
        assert_eq!(l.victim(&[], &[diag, dense(&[0, 1, 2])]), Some(3));
    }
}
