//! Gate fusion, in two halves that run at different times (as qsim separates
//! `FuseGates` from `CalculateFusedMatrix`):
//!
//! - [`plan_blocks`] decides the block structure once, at compile time, from the
//!   gates' qubits and whether each gate is diagonal for every parameter value. It never
//!   looks at a parameter's value, so one structure serves every parameter set.
//! - [`block_body`](crate::fusion_body::block_body) multiplies the members of one block into
//!   its matrix (or diagonal), at compile time for blocks of fixed gates and at bind time
//!   for blocks that hold a parameter.
//!
//! The planner keeps a set of *open blocks* on disjoint qubit sets (which therefore
//! commute). A new gate merges with every open block it touches when the union fits
//! the size limit (diagonal blocks and blocks of fixed permutations have their own,
//! larger limits, since such a pass costs the same at any size); otherwise those blocks
//! are closed and the gate opens a new block. A diagonal gate that touches no open block
//! joins an open diagonal block on other qubits if the union fits, so a run of diagonals
//! is one pass. Measurements, resets, conditionals and barriers close the blocks on their
//! qubits. A block that holds a single gate is emitted as that gate, so controlled ops
//! keep their cheaper controlled form.

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

    /// Dense blocks of 2 qubits, diagonal ones of 8, permutation ones of 4.
    const PERMUTATIONS_UP_TO_4: Limits = Limits {
        dense: 2,
        diagonal: 8,
        permutation: 4,
    };

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
        let steps = plan_blocks(&items, true, PERMUTATIONS_UP_TO_4);
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
        let steps = plan_blocks(&items, true, PERMUTATIONS_UP_TO_4);
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
}
