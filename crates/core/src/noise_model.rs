//! [`NoiseModel`]: channels attached after gates (by name, on every qubit or on given
//! qubits) and readout errors attached to measurements, applied to a circuit before it
//! is compiled ([`NoiseModel::apply`]), with Qiskit Aer's rules:
//!
//! - an error for specific qubits replaces the all-qubit error of the same gate name on
//!   those qubits; several errors for one gate are applied in the order added;
//! - a gate's qubits are its controls then its targets (`cx` is `(control, target)`);
//! - an all-qubit one-qubit channel on a multi-qubit gate is applied to each of its
//!   qubits; a wider channel only to gates of its own width;
//! - errors named `"measure"` act just before a measurement, every other name just
//!   after the instruction (`"reset"` included);
//! - readout errors (one-qubit confusion matrices) follow each measurement of their
//!   qubit and act on the classical bit it writes.

use crate::channel::{Channel, ReadoutError};
use crate::circuit::{Circuit, Instruction, Operation};
use crate::error::{Error, Result};
use std::collections::BTreeMap;
use std::sync::Arc;

/// Channels after gates and readout errors on measurements; see the module docs.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NoiseModel {
    all_qubit: BTreeMap<String, Vec<Arc<Channel>>>,
    local: BTreeMap<(String, Vec<u32>), Vec<Arc<Channel>>>,
    readout_all: Option<ReadoutError>,
    readout_local: BTreeMap<u32, ReadoutError>,
}

fn check_names(gates: &[&str]) -> Result<()> {
    if gates.is_empty() || gates.iter().any(|g| g.is_empty()) {
        return Err(Error::invalid(
            "a noise model error needs at least one non-empty gate name",
        ));
    }
    Ok(())
}

impl NoiseModel {
    /// An empty model.
    pub fn new() -> Self {
        Self::default()
    }
    /// `true` if it adds nothing.
    pub fn is_empty(&self) -> bool {
        self.all_qubit.is_empty()
            && self.local.is_empty()
            && self.readout_all.is_none()
            && self.readout_local.is_empty()
    }
    /// `channel` after every instruction named in `gates` (`"h"`, `"cx"`, ...).
    pub fn add_all_qubit_error(&mut self, channel: Channel, gates: &[&str]) -> Result<&mut Self> {
        check_names(gates)?;
        let channel = Arc::new(channel);
        for g in gates {
            self.all_qubit
                .entry(g.to_string())
                .or_default()
                .push(channel.clone());
        }
        Ok(self)
    }
    /// `channel` after every instruction named in `gates` acting on exactly `qubits`
    /// (in order; the channel's width must be `qubits.len()`).
    pub fn add_qubit_error(
        &mut self,
        channel: Channel,
        gates: &[&str],
        qubits: &[u32],
    ) -> Result<&mut Self> {
        check_names(gates)?;
        if channel.num_qubits() as usize != qubits.len() {
            return Err(Error::invalid(format!(
                "a {}-qubit channel cannot follow gates on the {} qubits {qubits:?}",
                channel.num_qubits(),
                qubits.len()
            )));
        }
        let channel = Arc::new(channel);
        for g in gates {
            self.local
                .entry((g.to_string(), qubits.to_vec()))
                .or_default()
                .push(channel.clone());
        }
        Ok(self)
    }
    /// `error` on every measurement (unless a qubit has its own).
    pub fn add_all_qubit_readout_error(&mut self, error: ReadoutError) -> &mut Self {
        self.readout_all = Some(error);
        self
    }
    /// `error` on measurements of `qubit`.
    pub fn add_readout_error(&mut self, error: ReadoutError, qubit: u32) -> &mut Self {
        self.readout_local.insert(qubit, error);
        self
    }
    /// Gate names with an error attached.
    pub fn noisy_gates(&self) -> Vec<String> {
        let mut v: Vec<String> = self
            .all_qubit
            .keys()
            .chain(self.local.keys().map(|(g, _)| g))
            .cloned()
            .collect();
        v.sort();
        v.dedup();
        v
    }

    /// The channel instructions that follow (or for `"measure"`, precede) `ins`.
    fn channels_for(&self, ins: &Instruction) -> Vec<Instruction> {
        let name = ins.name();
        let qubits = ins.qubits();
        let mut out = Vec::new();
        let mut push = |channel: &Arc<Channel>, qs: Vec<u32>| {
            out.push(Instruction {
                op: Operation::Channel {
                    channel: channel.clone(),
                    qubits: qs,
                },
                condition: ins.condition.clone(),
            })
        };
        if let Some(chs) = self.local.get(&(name.clone(), qubits.clone())) {
            for ch in chs {
                push(ch, qubits.clone());
            }
        } else if let Some(chs) = self.all_qubit.get(&name) {
            for ch in chs {
                if ch.num_qubits() as usize == qubits.len() {
                    push(ch, qubits.clone());
                } else if ch.num_qubits() == 1 {
                    for &q in &qubits {
                        push(ch, vec![q]);
                    }
                }
            }
        }
        out
    }

    /// `circuit` with the model's channels and readout errors inserted.
    pub fn apply(&self, circuit: &Circuit) -> Result<Circuit> {
        circuit.validate()?;
        let mut out = Circuit::with_clbits(circuit.num_qubits(), circuit.num_clbits());
        for ins in circuit.instructions() {
            match &ins.op {
                Operation::Measure { qubit, clbit } => {
                    for c in self.channels_for(ins) {
                        out.push(c);
                    }
                    out.push(ins.clone());
                    let error = self.readout_local.get(qubit).or(self.readout_all.as_ref());
                    if let Some(e) = error {
                        out.push(Instruction {
                            op: Operation::ReadoutError {
                                error: *e,
                                clbit: *clbit,
                            },
                            condition: ins.condition.clone(),
                        });
                    }
                }
                Operation::Barrier { .. }
                | Operation::Channel { .. }
                | Operation::ReadoutError { .. } => {
                    out.push(ins.clone());
                }
                Operation::Gate { .. } | Operation::Reset { .. } => {
                    out.push(ins.clone());
                    for c in self.channels_for(ins) {
                        out.push(c);
                    }
                }
            }
        }
        Ok(out)
    }
}
