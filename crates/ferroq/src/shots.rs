//! Shots: recognising terminal measurements (so shots are drawn from one final state)
//! and folding classical bits into integer outcomes.

use ferroq_core::rng::derive_seed;
use ferroq_core::{Circuit, Error, Instruction, Operation, ReadoutError, Result, Rng};

/// Most classical bits a shot folded into a `u64` can hold.
pub const MAX_SHOT_BITS: u32 = 64;

/// How a circuit measures.
#[derive(Debug)]
pub(crate) enum TerminalMeasurements {
    /// No measurement at all.
    None,
    /// Every measurement comes after the last operation on its qubit and nothing is
    /// conditional or reset: `unitary` is the circuit without them (noise channels
    /// kept), `map` lists `(qubit, clbit)` in order (a later write to the same clbit
    /// wins), `readout` the readout errors `(clbit, error)` that follow them, in order.
    Terminal {
        unitary: Circuit,
        map: Vec<(u32, u32)>,
        readout: Vec<(u32, ReadoutError)>,
    },
    /// Measurement feeds later operations: shots need one run each.
    MidCircuit,
}

pub(crate) fn split_terminal_measurements(circuit: &Circuit) -> Result<TerminalMeasurements> {
    circuit.validate()?;
    let ins = circuit.instructions();
    let mut measured = vec![false; circuit.num_qubits() as usize];
    let mut misread = vec![false; circuit.num_clbits() as usize];
    let mut any = false;
    for i in ins {
        if i.condition.is_some() {
            return Ok(TerminalMeasurements::MidCircuit);
        }
        match &i.op {
            Operation::Measure { qubit, clbit } => {
                if misread[*clbit as usize] {
                    return Ok(TerminalMeasurements::MidCircuit);
                }
                any = true;
                measured[*qubit as usize] = true;
            }
            Operation::ReadoutError { clbit, .. } => misread[*clbit as usize] = true,
            Operation::Reset { .. } => return Ok(TerminalMeasurements::MidCircuit),
            Operation::Barrier { .. } => {}
            Operation::Gate { .. } | Operation::Channel { .. } => {
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
    let mut readout = Vec::new();
    for i in ins {
        match i.op {
            Operation::Measure { qubit, clbit } => map.push((qubit, clbit)),
            Operation::ReadoutError { error, clbit } => readout.push((clbit, error)),
            _ => {
                unitary.push(Instruction::clone(i));
            }
        }
    }
    Ok(TerminalMeasurements::Terminal {
        unitary,
        map,
        readout,
    })
}

/// Checks that the classical register fits one `u64` outcome per shot.
pub(crate) fn check_shot_width(num_clbits: u32) -> Result<()> {
    if num_clbits > MAX_SHOT_BITS {
        return Err(Error::invalid(format!(
            "sampling returns each shot as a {MAX_SHOT_BITS}-bit integer, but the circuit has \
             {num_clbits} classical bits; read `classical_bits` of single runs instead"
        )));
    }
    Ok(())
}

/// The classical register read from a basis index `idx` through terminal measurements
/// `map` (in circuit order: a later write to a clbit replaces an earlier one).
pub(crate) fn fold_terminal(idx: u64, map: &[(u32, u32)]) -> u64 {
    map.iter().fold(0u64, |acc, &(q, c)| {
        let bit = (idx >> q) & 1;
        (acc & !(1u64 << c)) | (bit << c)
    })
}

/// Stream of a shot's seed that draws its readout errors.
const READOUT_STREAM: u64 = 0x7265_6164_6F75_7401;

/// Applies readout errors `(clbit, error)` in order to each shot: shot `i` draws from
/// `Rng::new(derive_seed(derive_seed(seed, i), READOUT_STREAM))`, one uniform per error.
pub(crate) fn misread(shots: &mut [u64], readout: &[(u32, ReadoutError)], seed: u64) {
    if readout.is_empty() {
        return;
    }
    for (i, shot) in shots.iter_mut().enumerate() {
        let mut rng = Rng::new(derive_seed(derive_seed(seed, i as u64), READOUT_STREAM));
        for &(c, e) in readout {
            let bit = (*shot >> c) & 1 == 1;
            let read = e.apply(bit, rng.next_f64());
            *shot = (*shot & !(1u64 << c)) | (u64::from(read) << c);
        }
    }
}

/// Classical bits as an integer, bit `j` = clbit `j`.
pub(crate) fn fold_bits(bits: &[bool]) -> u64 {
    bits.iter()
        .enumerate()
        .fold(0u64, |acc, (j, &b)| acc | (u64::from(b) << j))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn later_writes_win() {
        // measure q1 -> c0, then q0 -> c0: c0 holds q0.
        let map = [(1, 0), (0, 0)];
        assert_eq!(fold_terminal(0b10, &map), 0);
        assert_eq!(fold_terminal(0b01, &map), 1);
    }

    #[test]
    fn wide_registers_are_refused() {
        assert!(check_shot_width(64).is_ok());
        assert!(check_shot_width(65).is_err());
    }
}
