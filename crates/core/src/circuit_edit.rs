//! Whole-circuit queries and edits of a [`Circuit`]: its parameters, its depth,
//! composing another circuit into it, its inverse.

use crate::circuit::Circuit;
use crate::error::{Error, Result};
use crate::instruction::{Instruction, Operation};
use std::collections::BTreeSet;

impl Circuit {
    /// Names of all symbolic parameters, sorted and without repeats.
    pub fn parameters(&self) -> Vec<String> {
        let mut set = BTreeSet::new();
        for ins in self.instructions() {
            if let Operation::Gate { gate, .. } = &ins.op {
                for p in gate.params() {
                    for s in p.symbols() {
                        set.insert(s.to_string());
                    }
                }
            }
        }
        set.into_iter().collect()
    }

    /// Circuit depth: the longest chain of instructions sharing qubits (barriers excluded).
    pub fn depth(&self) -> usize {
        let mut level = vec![0usize; self.num_qubits() as usize];
        let mut clevel = vec![0usize; self.num_clbits() as usize];
        let mut depth = 0;
        for ins in self.instructions() {
            if matches!(ins.op, Operation::Barrier { .. }) {
                continue;
            }
            let qs: Vec<usize> = ins
                .qubits()
                .into_iter()
                .map(|q| q as usize)
                .filter(|&q| q < level.len())
                .collect();
            let mut cs: Vec<usize> = ins
                .condition
                .iter()
                .flat_map(|c| c.clbits.iter().map(|&b| b as usize))
                .collect();
            if let Operation::Measure { clbit, .. } = ins.op {
                cs.push(clbit as usize);
            }
            cs.retain(|&b| b < clevel.len());
            let d = 1 + qs
                .iter()
                .map(|&q| level[q])
                .chain(cs.iter().map(|&b| clevel[b]))
                .max()
                .unwrap_or(0);
            for q in qs {
                level[q] = d;
            }
            for b in cs {
                clevel[b] = d;
            }
            depth = depth.max(d);
        }
        depth
    }

    /// Appends every instruction of `other`, with `other`'s qubit `i` mapped to
    /// `qubit_map[i]` (identity if `None`). Classical bits are kept as numbered. The
    /// map must name distinct qubits in range ([`Error::InvalidArgument`] if one is
    /// repeated, checked here rather than when the circuit runs).
    pub fn compose(&mut self, other: &Circuit, qubit_map: Option<&[u32]>) -> Result<&mut Self> {
        let map: Vec<u32> = match qubit_map {
            Some(m) => {
                if m.len() != other.num_qubits() as usize {
                    return Err(Error::invalid(format!(
                        "qubit map has {} entries but the appended circuit has {} qubits",
                        m.len(),
                        other.num_qubits()
                    )));
                }
                m.to_vec()
            }
            None => {
                if other.num_qubits() > self.num_qubits() {
                    return Err(Error::invalid(format!(
                        "cannot append a {}-qubit circuit to a {}-qubit circuit",
                        other.num_qubits(),
                        self.num_qubits()
                    )));
                }
                (0..other.num_qubits()).collect()
            }
        };
        if let Some(&q) = map.iter().find(|&&q| q >= self.num_qubits()) {
            return Err(Error::QubitOutOfRange {
                qubit: q,
                num_qubits: self.num_qubits(),
            });
        }
        let mut sorted = map.clone();
        sorted.sort_unstable();
        if let Some(w) = sorted.windows(2).find(|w| w[0] == w[1]) {
            let q = w[0];
            let mut at = map
                .iter()
                .enumerate()
                .filter(|(_, &x)| x == q)
                .map(|(i, _)| i);
            let (first, second) = (at.next().unwrap_or(0), at.next().unwrap_or(0));
            return Err(Error::invalid(format!(
                "qubit map sends qubits {first} and {second} of the appended circuit both to \
                 qubit {q}: each needs a qubit of its own"
            )));
        }
        let m = |q: u32| map.get(q as usize).copied().unwrap_or(q);
        for ins in other.instructions() {
            let op = match &ins.op {
                Operation::Gate {
                    gate,
                    targets,
                    controls,
                } => Operation::Gate {
                    gate: gate.clone(),
                    targets: targets.iter().map(|&q| m(q)).collect(),
                    controls: controls.iter().map(|&q| m(q)).collect(),
                },
                Operation::Measure { qubit, clbit } => Operation::Measure {
                    qubit: m(*qubit),
                    clbit: *clbit,
                },
                Operation::Reset { qubit } => Operation::Reset { qubit: m(*qubit) },
                Operation::Barrier { qubits } => Operation::Barrier {
                    qubits: qubits.iter().map(|&q| m(q)).collect(),
                },
                Operation::Channel { channel, qubits } => Operation::Channel {
                    channel: channel.clone(),
                    qubits: qubits.iter().map(|&q| m(q)).collect(),
                },
                Operation::ReadoutError { .. } => ins.op.clone(),
            };
            self.push(Instruction {
                op,
                condition: ins.condition.clone(),
            });
        }
        self.ensure_clbits(other.num_clbits());
        Ok(self)
    }

    /// The inverse circuit (gates reversed and inverted). Fails if the circuit
    /// measures, resets or has classical conditions, which have no inverse.
    pub fn inverse(&self) -> Result<Circuit> {
        let mut out = Circuit::with_clbits(self.num_qubits(), self.num_clbits());
        for ins in self.instructions().iter().rev() {
            if ins.condition.is_some() {
                return Err(Error::invalid(
                    "a circuit with classically conditioned instructions has no inverse",
                ));
            }
            let op = match &ins.op {
                Operation::Gate {
                    gate,
                    targets,
                    controls,
                } => Operation::Gate {
                    gate: gate.inverse(),
                    targets: targets.clone(),
                    controls: controls.clone(),
                },
                Operation::Barrier { qubits } => Operation::Barrier {
                    qubits: qubits.clone(),
                },
                _ => {
                    return Err(Error::invalid(format!(
                        "`{}` is not reversible, so the circuit has no inverse",
                        ins.name()
                    )))
                }
            };
            out.push(Instruction {
                op,
                condition: None,
            });
        }
        Ok(out)
    }
}
