//! Lowering for [`compile`](crate::compile): a circuit's instructions as [`Lowered`]
//! items before fusion, the [`Member`]s they contribute to fused blocks, and the
//! rewrite of permutation sandwiches ([`open_sandwiches`], found by
//! [`crate::sandwich`]).

use crate::circuit::Condition;
use crate::fusion::Item;
use crate::fusion_body::{as_permutation, controlled_permutation, Body};
use crate::op::Op;
use crate::sandwich::{find_sandwiches, is_involution};
use crate::slots::{NoiseSlot, ParamGate};

/// A member of a block that holds a parameter.
#[derive(Debug, Clone)]
pub(crate) enum Member {
    Fixed { qubits: Vec<u32>, body: Body },
    Param(ParamGate),
    Noise(NoiseSlot),
}

/// A lowered instruction, before fusion.
pub(crate) enum Lowered {
    Fixed(Op),
    Param(ParamGate),
    ParamConditional(Condition, ParamGate),
    /// A diagonal gate conjugated by permutations (see [`crate::sandwich`]): the
    /// product of `members`, diagonal on `qubits`.
    Conjugated {
        qubits: Vec<u32>,
        members: Vec<Member>,
    },
    Noise(NoiseSlot),
    Barrier,
}

impl Lowered {
    /// The members this instruction contributes to a fused block.
    pub(crate) fn into_members(self) -> Vec<Member> {
        match self {
            Lowered::Fixed(op) => vec![fixed_member(&op)],
            Lowered::Param(g) => vec![Member::Param(g)],
            Lowered::Conjugated { members, .. } => members,
            Lowered::Noise(n) => vec![Member::Noise(n)],
            _ => unreachable!("only unconditioned gates are fused"),
        }
    }
}

/// Rewrites permutation sandwiches `P · G1 ⋯ Gk · P` into `∏ P·Gi·P` (diagonal gates),
/// pass after pass while new ones appear (a CNOT ladder opens from the inside out).
pub(crate) fn open_sandwiches(lowered: &mut [Lowered], items: &mut [Item], max_width: usize) {
    let mut involution: Vec<Option<Vec<u32>>> = lowered
        .iter()
        .zip(items.iter())
        .map(|(low, item)| match (low, item) {
            // Only gates narrow enough to sandwich anything within the width limit (the
            // permutation vector has 2^width entries).
            (Lowered::Fixed(op), Item::Gate { qubits, .. }) if qubits.len() <= max_width => {
                permutation_of(op).filter(|p| is_involution(p))
            }
            _ => None,
        })
        .collect();
    let has_noise = lowered.iter().any(|l| matches!(l, Lowered::Noise(_)));
    for _pass in 0..8 {
        // Noise is a fence to sandwiches: a channel is not conjugated (its drawn terms
        // bind per trajectory).
        let sandwiches = if has_noise {
            let view: Vec<Item> = items
                .iter()
                .zip(lowered.iter())
                .map(|(item, low)| match (low, item) {
                    (Lowered::Noise(_), Item::Gate { qubits, .. }) => Item::Fence(qubits.clone()),
                    _ => item.clone(),
                })
                .collect();
            find_sandwiches(&view, &involution, max_width)
        } else {
            find_sandwiches(items, &involution, max_width)
        };
        if sandwiches.is_empty() {
            return;
        }
        for s in sandwiches {
            let Lowered::Fixed(p_op) = std::mem::replace(&mut lowered[s.first], Lowered::Barrier)
            else {
                unreachable!("a sandwich opens with a fixed gate")
            };
            lowered[s.last] = Lowered::Barrier;
            let p = fixed_member(&p_op);
            let p_qubits = p_op.qubits();
            for i in [s.first, s.last] {
                items[i] = Item::Barrier(Vec::new());
                involution[i] = None;
            }
            for i in s.inner {
                let Item::Gate { qubits, .. } = &items[i] else {
                    unreachable!("sandwich fillings are gates")
                };
                let extra: Vec<u32> = p_qubits
                    .iter()
                    .filter(|q| !qubits.contains(q))
                    .copied()
                    .collect();
                let mut qubits = qubits.clone();
                qubits.extend(extra);
                let mut members = vec![p.clone()];
                members.extend(std::mem::replace(&mut lowered[i], Lowered::Barrier).into_members());
                members.push(p.clone());
                items[i] = Item::Gate {
                    qubits: qubits.clone(),
                    diagonal: true,
                    permutation: false,
                };
                lowered[i] = Lowered::Conjugated { qubits, members };
            }
        }
    }
}

pub(crate) fn conditioned(op: Op, condition: &Option<Condition>) -> Lowered {
    Lowered::Fixed(match condition {
        Some(c) => Op::Conditional {
            condition: c.clone(),
            ops: vec![op],
        },
        None => op,
    })
}

/// The basis permutation a fixed dense op is (over targets then controls), if its
/// target matrix is one.
pub(crate) fn permutation_of(op: &Op) -> Option<Vec<u32>> {
    let Op::Dense {
        targets,
        controls,
        matrix,
    } = op
    else {
        return None;
    };
    let target_perm = as_permutation(matrix.data(), matrix.dim())?;
    Some(controlled_permutation(
        &target_perm,
        targets.len(),
        controls.len(),
    ))
}

pub(crate) fn fixed_member(op: &Op) -> Member {
    match op {
        Op::Dense {
            targets,
            controls,
            matrix,
        } => Member::Fixed {
            qubits: targets.iter().chain(controls).copied().collect(),
            body: match permutation_of(op) {
                Some(perm) => Body::Perm(perm),
                None => Body::Dense(matrix.controlled(controls.len() as u32).into_data()),
            },
        },
        Op::Diagonal {
            targets,
            controls,
            diag,
        } => Member::Fixed {
            qubits: targets.iter().chain(controls).copied().collect(),
            body: Body::of_gate(
                crate::matrix::Matrix::diagonal(diag),
                targets.len(),
                controls.len(),
            ),
        },
        _ => unreachable!("only gates are fused"),
    }
}
