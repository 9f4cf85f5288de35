//! [`Instruction`]: one step of a circuit — an [`Operation`] (gate, measurement, reset,
//! barrier, noise channel, readout error) and an optional classical [`Condition`].

use crate::channel::{Channel, ReadoutError};
use crate::gate::Gate;
use std::fmt;
use std::sync::Arc;

/// Classical condition: the instruction runs only if the classical bits `clbits`
/// (little-endian: `clbits[0]` is the least significant) read as the integer `value`.
#[derive(Debug, Clone, PartialEq)]
pub struct Condition {
    /// The bits forming the register, least significant first.
    pub clbits: Vec<u32>,
    /// The value the register must equal.
    pub value: u64,
}

/// What an instruction does.
#[derive(Debug, Clone, PartialEq)]
pub enum Operation {
    /// A gate on `targets`, active only where every qubit in `controls` is 1.
    Gate {
        /// The gate.
        gate: Gate,
        /// Target qubits, in the gate's matrix order (first = least significant).
        targets: Vec<u32>,
        /// Control qubits (may be empty).
        controls: Vec<u32>,
    },
    /// Projective Z measurement of `qubit` into classical bit `clbit` (collapses the state).
    Measure {
        /// Measured qubit.
        qubit: u32,
        /// Destination bit.
        clbit: u32,
    },
    /// Reset `qubit` to |0> (measure, then flip if 1).
    Reset {
        /// Qubit to reset.
        qubit: u32,
    },
    /// Barrier: no effect on the state, blocks fusion across it.
    Barrier {
        /// Qubits it spans.
        qubits: Vec<u32>,
    },
    /// A noise channel on `qubits` (`qubits[0]` is the least significant bit of its
    /// Kraus matrices).
    Channel {
        /// The channel (shared).
        channel: Arc<Channel>,
        /// The qubits it acts on.
        qubits: Vec<u32>,
    },
    /// A readout error on classical bit `clbit`: the bit a measurement wrote is misread
    /// with the error's probabilities.
    ReadoutError {
        /// The confusion matrix.
        error: ReadoutError,
        /// The classical bit.
        clbit: u32,
    },
}

/// One step of a circuit: an operation and an optional classical condition.
#[derive(Debug, Clone, PartialEq)]
pub struct Instruction {
    /// The operation.
    pub op: Operation,
    /// Classical condition (OpenQASM `if`).
    pub condition: Option<Condition>,
}

impl Instruction {
    /// Every qubit the instruction touches.
    pub fn qubits(&self) -> Vec<u32> {
        match &self.op {
            Operation::Gate {
                targets, controls, ..
            } => controls.iter().chain(targets).copied().collect(),
            Operation::Measure { qubit, .. } | Operation::Reset { qubit } => vec![*qubit],
            Operation::Barrier { qubits } | Operation::Channel { qubits, .. } => qubits.clone(),
            Operation::ReadoutError { .. } => Vec::new(),
        }
    }

    /// A short name, such as `cx` for a singly controlled X.
    pub fn name(&self) -> String {
        match &self.op {
            Operation::Gate { gate, controls, .. } => {
                format!("{}{}", "c".repeat(controls.len()), gate.name())
            }
            Operation::Measure { .. } => "measure".into(),
            Operation::Reset { .. } => "reset".into(),
            Operation::Barrier { .. } => "barrier".into(),
            Operation::Channel { channel, .. } => channel.name().to_string(),
            Operation::ReadoutError { .. } => "readout_error".into(),
        }
    }
}

impl fmt::Display for Instruction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(c) = &self.condition {
            write!(f, "if({:?} == {}) ", c.clbits, c.value)?;
        }
        match &self.op {
            Operation::Gate {
                gate,
                targets,
                controls,
            } => {
                write!(f, "{}", self.name())?;
                let ps = gate.params();
                if !ps.is_empty() {
                    let s: Vec<String> = ps.iter().map(|p| p.to_string()).collect();
                    write!(f, "({})", s.join(", "))?;
                }
                let qs: Vec<String> = controls
                    .iter()
                    .chain(targets)
                    .map(|q| format!("q{q}"))
                    .collect();
                write!(f, " {}", qs.join(", "))
            }
            Operation::Measure { qubit, clbit } => write!(f, "measure q{qubit} -> c{clbit}"),
            Operation::Reset { qubit } => write!(f, "reset q{qubit}"),
            Operation::Barrier { qubits } => {
                let qs: Vec<String> = qubits.iter().map(|q| format!("q{q}")).collect();
                write!(f, "barrier {}", qs.join(", "))
            }
            Operation::Channel { channel, qubits } => {
                let qs: Vec<String> = qubits.iter().map(|q| format!("q{q}")).collect();
                write!(f, "{} {}", channel.name(), qs.join(", "))
            }
            Operation::ReadoutError { error, clbit } => {
                write!(f, "readout_error{:?} c{clbit}", error.probabilities())
            }
        }
    }
}
