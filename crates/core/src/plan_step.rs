//! The steps of a compiled plan: what each op of a bound program is made
//! from (a fixed op, a parametric gate, a fused block with parametric or noise members,
//! a conditioned gate, a drawn noise unitary), and how one step is bound to parameter
//! values and noise draws.

use crate::circuit::Condition;
use crate::error::Result;
use crate::fusion_body::block_body;
use crate::lowered::Member;
use crate::op::Op;
use crate::slots::{NoiseSlot, ParamGate};

/// One step of a plan.
#[derive(Debug, Clone)]
pub(crate) enum PlanStep {
    /// An op that no parameter changes.
    Fixed(Op),
    /// A parametric gate on its own (keeps its controls).
    Gate(ParamGate),
    /// A fused block with at least one parametric member.
    Block {
        qubits: Vec<u32>,
        diagonal: bool,
        members: Vec<Member>,
    },
    /// A classically conditioned parametric gate.
    Conditional {
        condition: Condition,
        gate: ParamGate,
    },
    /// A mixed-unitary channel on its own: the unitary a trajectory drew.
    Noise(NoiseSlot),
}

impl PlanStep {
    /// Target qubits of the step if it is dense, else 0.
    pub(crate) fn dense_width(&self) -> u32 {
        fn of_op(op: &Op) -> u32 {
            match op {
                Op::Dense { targets, .. } => targets.len() as u32,
                Op::Conditional { ops, .. } => ops.iter().map(of_op).max().unwrap_or(0),
                _ => 0,
            }
        }
        match self {
            PlanStep::Fixed(op) => of_op(op),
            PlanStep::Gate(g) | PlanStep::Conditional { gate: g, .. } => {
                if g.gate.is_diagonal() {
                    0
                } else {
                    g.targets.len() as u32
                }
            }
            PlanStep::Block {
                qubits, diagonal, ..
            } => {
                if *diagonal {
                    0
                } else {
                    qubits.len() as u32
                }
            }
            PlanStep::Noise(n) => {
                if n.channel.is_diagonal_mixture() {
                    0
                } else {
                    n.qubits.len() as u32
                }
            }
        }
    }
}

/// The step of a block (all of whose members are fixed: computed now).
pub(crate) fn block_step(qubits: Vec<u32>, diagonal: bool, members: Vec<Member>) -> PlanStep {
    if members.iter().all(|m| matches!(m, Member::Fixed { .. })) {
        PlanStep::Fixed(block_body(
            &qubits,
            diagonal,
            members.iter().map(|m| match m {
                Member::Fixed { qubits, body } => (qubits.as_slice(), body),
                _ => unreachable!("all fixed"),
            }),
        ))
    } else {
        PlanStep::Block {
            qubits,
            diagonal,
            members,
        }
    }
}

impl PlanStep {
    /// The noise slots this step holds (a drawn channel on its own, or the noise
    /// members of a fused block).
    pub(crate) fn noise_slots(&self) -> Vec<usize> {
        match self {
            PlanStep::Noise(n) => vec![n.slot],
            PlanStep::Block { members, .. } => members
                .iter()
                .filter_map(|m| match m {
                    Member::Noise(n) => Some(n.slot),
                    _ => None,
                })
                .collect(),
            _ => Vec::new(),
        }
    }

    /// The op of this step for parameter `values` with noise slot `s` drawing term
    /// `choice(s)` (`None` when the step is a drawn identity). The choices must be
    /// terms of their mixtures (checked by the caller).
    pub(crate) fn bind(&self, values: &[f64], choice: &dyn Fn(usize) -> u32) -> Result<Option<Op>> {
        Ok(Some(match self {
            PlanStep::Fixed(op) => op.clone(),
            PlanStep::Gate(g) => g.op(values)?,
            PlanStep::Conditional { condition, gate } => Op::Conditional {
                condition: condition.clone(),
                ops: vec![gate.op(values)?],
            },
            PlanStep::Noise(n) => return Ok(n.op(choice(n.slot))),
            PlanStep::Block {
                qubits,
                diagonal,
                members,
            } => {
                let mut bodies = Vec::with_capacity(members.len());
                for m in members {
                    bodies.push(match m {
                        Member::Fixed { .. } => None,
                        Member::Param(g) => Some(g.body(values)?),
                        Member::Noise(n) => n.body(choice(n.slot)),
                    });
                }
                block_body(
                    qubits,
                    *diagonal,
                    members
                        .iter()
                        .zip(&bodies)
                        .filter_map(|(m, b)| match (m, b) {
                            (Member::Fixed { qubits, body }, _) => Some((qubits.as_slice(), body)),
                            (Member::Param(g), Some(b)) => Some((g.qubits.as_slice(), b)),
                            (Member::Noise(n), Some(b)) => Some((n.qubits.as_slice(), b)),
                            // A drawn identity.
                            (Member::Noise(_), None) => None,
                            (Member::Param(_), None) => unreachable!("evaluated above"),
                        }),
                )
            }
        }))
    }
}
