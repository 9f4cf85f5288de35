//! Validation of a [`Circuit`]'s instructions: qubit and bit ranges, distinct operands,
//! arity, finite numeric parameters, unitary custom matrices.

use crate::circuit::{Circuit, MAX_UNITARY_QUBITS, UNITARY_TOLERANCE};
use crate::error::{Error, Result};
use crate::gate::Gate;
use crate::instruction::{Instruction, Operation};
use crate::param::Param;

impl Circuit {
    fn check_qubit(&self, q: u32) -> Result<()> {
        if q >= self.num_qubits() {
            return Err(Error::QubitOutOfRange {
                qubit: q,
                num_qubits: self.num_qubits(),
            });
        }
        Ok(())
    }

    fn check_clbit(&self, b: u32) -> Result<()> {
        if b >= self.num_clbits() {
            return Err(Error::ClbitOutOfRange {
                clbit: b,
                num_clbits: self.num_clbits(),
            });
        }
        Ok(())
    }

    /// Validates one instruction against this circuit: qubit and bit ranges,
    /// distinct operands, arity, numeric parameters finite, custom matrices unitary.
    pub fn validate_instruction(&self, ins: &Instruction) -> Result<()> {
        if let Some(c) = &ins.condition {
            for &b in &c.clbits {
                self.check_clbit(b)?;
            }
            if c.clbits.len() > 64 {
                return Err(Error::invalid(
                    "a condition register may have at most 64 bits",
                ));
            }
        }
        match &ins.op {
            Operation::Gate {
                gate,
                targets,
                controls,
            } => {
                // The name is built only for an error message.
                let name = || ins.name();
                if targets.len() != gate.num_targets() as usize {
                    return Err(Error::Arity {
                        gate: name(),
                        what: "target qubits",
                        expected: gate.num_targets() as usize,
                        got: targets.len(),
                    });
                }
                for (i, &q) in controls.iter().chain(targets).enumerate() {
                    self.check_qubit(q)?;
                    if controls.iter().chain(targets).take(i).any(|&p| p == q) {
                        return Err(Error::DuplicateQubit {
                            gate: name(),
                            qubit: q,
                        });
                    }
                }
                for p in gate.params() {
                    if let Param::Value(v) = p {
                        if !v.is_finite() {
                            return Err(Error::NonFiniteParameter {
                                gate: name(),
                                value: *v,
                            });
                        }
                    }
                    if let Param::Affine { terms, constant } = p {
                        if !constant.is_finite() || terms.iter().any(|t| !t.1.is_finite()) {
                            return Err(Error::NonFiniteParameter {
                                gate: name(),
                                value: f64::NAN,
                            });
                        }
                    }
                }
                if let Gate::Unitary(m) = gate {
                    if m.num_qubits() > MAX_UNITARY_QUBITS {
                        return Err(Error::InvalidMatrix {
                            reason: format!(
                                "a {}-qubit unitary is wider than the {MAX_UNITARY_QUBITS} qubits supported",
                                m.num_qubits()
                            ),
                        });
                    }
                    m.check_unitary(UNITARY_TOLERANCE)?;
                }
            }
            Operation::Measure { qubit, clbit } => {
                self.check_qubit(*qubit)?;
                self.check_clbit(*clbit)?;
            }
            Operation::Reset { qubit } => self.check_qubit(*qubit)?,
            Operation::Barrier { qubits } => {
                for &q in qubits {
                    self.check_qubit(q)?;
                }
            }
            Operation::Channel { channel, qubits } => {
                if qubits.len() != channel.num_qubits() as usize {
                    return Err(Error::Arity {
                        gate: channel.name().to_string(),
                        what: "qubits",
                        expected: channel.num_qubits() as usize,
                        got: qubits.len(),
                    });
                }
                for (i, &q) in qubits.iter().enumerate() {
                    self.check_qubit(q)?;
                    if qubits[..i].contains(&q) {
                        return Err(Error::DuplicateQubit {
                            gate: channel.name().to_string(),
                            qubit: q,
                        });
                    }
                }
            }
            Operation::ReadoutError { clbit, .. } => self.check_clbit(*clbit)?,
        }
        Ok(())
    }

    /// Validates every instruction (see [`Circuit::validate_instruction`]).
    pub fn validate(&self) -> Result<()> {
        for ins in self.instructions() {
            self.validate_instruction(ins)?;
        }
        Ok(())
    }
}
