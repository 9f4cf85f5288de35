//! Recognising terminal measurements, so shots can be drawn from one final state.

use ferroq_core::{Circuit, Instruction, Operation, Result};

/// How a circuit measures.
#[derive(Debug)]
pub(crate) enum TerminalMeasurements {
    /// No measurement at all.
    None,
    /// Every measurement comes after the last operation on its qubit and nothing is
    /// conditional or reset: `unitary` is the circuit without them, `map` lists
    /// `(qubit, clbit)` in order (a later write to the same clbit wins).
    Terminal {
        unitary: Circuit,
        map: Vec<(u32, u32)>,
    },
    /// Measurement feeds later operations: shots need one run each.
    MidCircuit,
}

pub(crate) fn split_terminal_measurements(circuit: &Circuit) -> Result<TerminalMeasurements> {
    circuit.validate()?;
    let ins = circuit.instructions();
    let mut measured = vec![false; circuit.num_qubits() as usize];
    let mut any = false;
    for i in ins {
        if i.condition.is_some() {
            return Ok(TerminalMeasurements::MidCircuit);
        }
        match &i.op {
            Operation::Measure { qubit, .. } => {
                any = true;
                measured[*qubit as usize] = true;
            }
            Operation::Reset { .. } => return Ok(TerminalMeasurements::MidCircuit),
            Operation::Barrier { .. } => {}
            Operation::Gate { .. } => {
                if i.qubits().iter().any(|&q| measured[q as usize]) {
                    return Ok(TerminalMeasurements::MidCircuit);
                }
            }
        }
    }
    if !any {
        return Ok(TerminalMeasurements::None);
    }
    let mut unitary = Circuit::with_clbits(circuit.num_qubits(), circuit.num_clbits());
    let mut map = Vec::new();
    for i in ins {
        match i.op {
            Operation::Measure { qubit, clbit } => map.push((qubit, clbit)),
            _ => {
                unitary.push(Instruction::clone(i));
            }
        }
    }
    Ok(TerminalMeasurements::Terminal { unitary, map })
}
