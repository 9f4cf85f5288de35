//! Parameters compiled against a plan's slots ([`SlotExpr`]) and the parametric gates
//! a plan evaluates at bind time ([`ParamGate`]).

use crate::channel::Channel;
use crate::error::{Error, Result};
use crate::fusion_body::Body;
use crate::gate::Gate;
use crate::op::Op;
use crate::param::Param;
use std::sync::Arc;

/// A parameter compiled against the plan's slots: `constant + Σ coefficient·value[slot]`.
/// Also used by the lowering for differentiation, for the chain rule (`d/dvalue[slot] = coefficient`).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct SlotExpr {
    pub(crate) constant: f64,
    /// `(slot, coefficient)` pairs.
    pub(crate) terms: Vec<(usize, f64)>,
}

impl SlotExpr {
    /// Compiles `p` against the sorted slot names `slots` (which hold every symbol of `p`).
    pub(crate) fn new(p: &Param, slots: &[String]) -> SlotExpr {
        let (terms, constant) = p.affine_parts();
        SlotExpr {
            constant,
            terms: terms
                .into_iter()
                .map(|(name, c)| {
                    let slot = slots
                        .binary_search(&name)
                        .expect("every symbol of the circuit has a slot");
                    (slot, c)
                })
                .collect(),
        }
    }
    /// Every parameter of `gate`, compiled against `slots`, in the gate's order.
    pub(crate) fn of_gate(gate: &Gate, slots: &[String]) -> Vec<SlotExpr> {
        gate.params()
            .into_iter()
            .map(|p| SlotExpr::new(p, slots))
            .collect()
    }
    /// The value for slot values `values`.
    pub(crate) fn eval(&self, values: &[f64]) -> f64 {
        self.terms
            .iter()
            .fold(self.constant, |acc, &(s, c)| acc + c * values[s])
    }
}

/// A gate whose matrix depends on parameters: evaluated at bind time.
#[derive(Debug, Clone)]
pub(crate) struct ParamGate {
    pub(crate) gate: Gate,
    pub(crate) targets: Vec<u32>,
    pub(crate) controls: Vec<u32>,
    pub(crate) params: Vec<SlotExpr>,
    /// Targets then controls: the qubits of its fusion body.
    pub(crate) qubits: Vec<u32>,
}

impl ParamGate {
    /// The gate's matrix for slot values `values` (gates have at most three
    /// parameters: evaluated on the stack).
    pub(crate) fn matrix(&self, values: &[f64]) -> Result<crate::matrix::Matrix> {
        let mut v = [0.0f64; 3];
        for (slot, e) in v.iter_mut().zip(&self.params) {
            let x = e.eval(values);
            if !x.is_finite() {
                return Err(Error::NonFiniteParameter {
                    gate: self.gate.name().to_string(),
                    value: x,
                });
            }
            *slot = x;
        }
        Ok(self.gate.matrix_of(&v[..self.params.len()]))
    }

    /// The gate alone, in its controlled form.
    pub(crate) fn op(&self, values: &[f64]) -> Result<Op> {
        let matrix = self.matrix(values)?;
        Ok(if self.gate.is_diagonal() {
            Op::Diagonal {
                targets: self.targets.clone(),
                controls: self.controls.clone(),
                diag: matrix.diag(),
            }
        } else {
            Op::Dense {
                targets: self.targets.clone(),
                controls: self.controls.clone(),
                matrix,
            }
        })
    }

    pub(crate) fn body(&self, values: &[f64]) -> Result<Body> {
        let matrix = self.matrix(values)?;
        Ok(Body::of_gate(
            matrix,
            self.targets.len(),
            self.controls.len(),
        ))
    }
}

/// A mixed-unitary channel whose unitary a trajectory draws at bind time (slot `slot`
/// of the plan's draws).
#[derive(Debug, Clone)]
pub(crate) struct NoiseSlot {
    pub(crate) slot: usize,
    pub(crate) qubits: Vec<u32>,
    pub(crate) channel: Arc<Channel>,
}

impl NoiseSlot {
    fn unitary(&self, choice: u32) -> Option<&crate::matrix::Matrix> {
        let (_, u) = self.channel.mixture()?.get(choice as usize)?;
        (!u.is_identity()).then_some(u)
    }
    /// The drawn unitary as an op (`None` for the identity).
    pub(crate) fn op(&self, choice: u32) -> Option<Op> {
        let u = self.unitary(choice)?;
        Some(if u.is_diagonal() {
            Op::Diagonal {
                targets: self.qubits.clone(),
                controls: Vec::new(),
                diag: u.diag(),
            }
        } else {
            Op::Dense {
                targets: self.qubits.clone(),
                controls: Vec::new(),
                matrix: u.clone(),
            }
        })
    }
    /// The drawn unitary as a fusion body (`None` for the identity).
    pub(crate) fn body(&self, choice: u32) -> Option<Body> {
        let u = self.unitary(choice)?;
        Some(Body::of_gate(u.clone(), self.qubits.len(), 0))
    }
}
