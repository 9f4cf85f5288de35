//! `Program`: the backend contract. A flat list of kernel ops with their matrices
//! computed, produced by [`compile`] and [`Program::bind`].

use crate::circuit::{Circuit, Condition, Instruction, Operation};
use crate::error::{Error, Result};
use crate::fusion::{fuse, Lowered};
use crate::matrix::Matrix;
use crate::param::ParamBinding;
use num_complex::Complex64;
use std::sync::Arc;

/// One kernel operation. Backends implement these shapes, never a gate zoo.
///
/// `targets[0]` is the least significant bit of the matrix (or diagonal) index.
/// An op with non-empty `controls` acts only on basis states where every control is 1.
#[derive(Debug, Clone, PartialEq)]
pub enum Op {
    /// Dense `2^k x 2^k` matrix on `k = targets.len()` qubits, optionally controlled.
    Dense {
        /// Target qubits.
        targets: Vec<u32>,
        /// Control qubits (all must be 1).
        controls: Vec<u32>,
        /// The matrix, little-endian over `targets`.
        matrix: Matrix,
    },
    /// Diagonal matrix on `targets`, optionally controlled: amplitude `i` is multiplied
    /// by `diag[bits of i on targets]`.
    Diagonal {
        /// Target qubits.
        targets: Vec<u32>,
        /// Control qubits (all must be 1).
        controls: Vec<u32>,
        /// `2^k` diagonal entries.
        diag: Vec<Complex64>,
    },
    /// Measure `qubit` in Z, collapse, store the outcome in `clbit`.
    Measure {
        /// Qubit.
        qubit: u32,
        /// Classical bit.
        clbit: u32,
    },
    /// Reset `qubit` to |0> (collapse, then flip if the outcome was 1).
    Reset {
        /// Qubit.
        qubit: u32,
    },
    /// Run `ops` only if the classical bits read `condition.value`.
    Conditional {
        /// The condition.
        condition: Condition,
        /// Ops to run when it holds.
        ops: Vec<Op>,
    },
}

impl Op {
    /// Qubits the op touches.
    pub fn qubits(&self) -> Vec<u32> {
        match self {
            Op::Dense {
                targets, controls, ..
            }
            | Op::Diagonal {
                targets, controls, ..
            } => targets.iter().chain(controls).copied().collect(),
            Op::Measure { qubit, .. } | Op::Reset { qubit } => vec![*qubit],
            Op::Conditional { ops, .. } => ops.iter().flat_map(Op::qubits).collect(),
        }
    }

    /// `true` for ops that draw random numbers or read classical bits.
    pub fn is_non_unitary(&self) -> bool {
        matches!(
            self,
            Op::Measure { .. } | Op::Reset { .. } | Op::Conditional { .. }
        )
    }
}

/// Options for [`compile`].
#[derive(Debug, Clone, PartialEq)]
pub struct CompileOptions {
    /// Fuse neighbouring gates into larger blocks (default on).
    pub fusion: bool,
    /// Largest dense block the fuser builds, in qubits (1..=6).
    pub max_fused_qubits: u32,
    /// Largest diagonal block the fuser builds, in qubits.
    pub max_fused_diagonal_qubits: u32,
}

impl Default for CompileOptions {
    fn default() -> Self {
        CompileOptions {
            fusion: true,
            max_fused_qubits: 4,
            max_fused_diagonal_qubits: 8,
        }
    }
}

impl CompileOptions {
    /// Options with fusion turned off: one op per gate.
    pub fn unfused() -> Self {
        CompileOptions {
            fusion: false,
            ..Self::default()
        }
    }
}

/// A validated, lowered circuit, ready for a backend.
///
/// A circuit with symbolic parameters compiles to an *unbound* program; [`Program::bind`]
/// evaluates it for one parameter set. Backends read [`Program::ops`], which fails on
/// an unbound program.
#[derive(Debug, Clone)]
pub struct Program {
    num_qubits: u32,
    num_clbits: u32,
    parameters: Arc<[String]>,
    options: CompileOptions,
    source: Arc<Circuit>,
    gate_count: usize,
    ops: Option<Vec<Op>>,
}

/// Validates and lowers `circuit`; binds and fuses at once if it has no symbols.
pub fn compile(circuit: &Circuit, options: &CompileOptions) -> Result<Program> {
    circuit.validate()?;
    if options.max_fused_qubits == 0 || options.max_fused_qubits > 6 {
        return Err(Error::invalid(format!(
            "max_fused_qubits must be between 1 and 6, got {}",
            options.max_fused_qubits
        )));
    }
    let parameters = circuit.parameters();
    let gate_count = circuit
        .instructions()
        .iter()
        .filter(|i| matches!(i.op, Operation::Gate { .. }))
        .count();
    let mut program = Program {
        num_qubits: circuit.num_qubits(),
        num_clbits: circuit.num_clbits(),
        parameters: parameters.into(),
        options: options.clone(),
        source: Arc::new(circuit.clone()),
        gate_count,
        ops: None,
    };
    if program.parameters.is_empty() {
        program.ops = Some(program.lower(&ParamBinding::new())?);
    }
    Ok(program)
}

impl Program {
    /// Qubit count.
    pub fn num_qubits(&self) -> u32 {
        self.num_qubits
    }
    /// Classical bit count.
    pub fn num_clbits(&self) -> u32 {
        self.num_clbits
    }
    /// Names of the free parameters (empty once bound).
    pub fn parameters(&self) -> &[String] {
        if self.ops.is_some() {
            &[]
        } else {
            &self.parameters
        }
    }
    /// Names of all parameters of the source circuit.
    pub fn source_parameters(&self) -> &[String] {
        &self.parameters
    }
    /// The options it was compiled with.
    pub fn options(&self) -> &CompileOptions {
        &self.options
    }
    /// Number of gates in the source circuit (before fusion).
    pub fn gate_count(&self) -> usize {
        self.gate_count
    }
    /// `true` if all parameters have values.
    pub fn is_bound(&self) -> bool {
        self.ops.is_some()
    }
    /// `true` if the program measures, resets or branches on classical bits.
    pub fn has_non_unitary(&self) -> bool {
        self.ops
            .as_ref()
            .is_some_and(|ops| ops.iter().any(Op::is_non_unitary))
    }

    /// The kernel ops; [`Error::UnboundParameter`] if parameters are still free.
    pub fn ops(&self) -> Result<&[Op]> {
        match &self.ops {
            Some(ops) => Ok(ops),
            None => Err(Error::UnboundParameter {
                name: self.parameters[0].clone(),
            }),
        }
    }

    /// Binds every parameter, producing a runnable program. A binding that names a
    /// parameter the circuit does not have is [`Error::UnknownParameter`].
    pub fn bind(&self, binding: &ParamBinding) -> Result<Program> {
        // Both lists are sorted: one merge walk checks every bound name.
        let mut known = self.parameters.iter().peekable();
        for (name, _) in binding.iter() {
            while known.next_if(|p| p.as_str() < name).is_some() {}
            if known.next_if(|p| p.as_str() == name).is_none() {
                return Err(Error::UnknownParameter {
                    name: name.to_string(),
                    known: self.parameters.join(", "),
                });
            }
        }
        if self.ops.is_some() {
            return Ok(self.clone());
        }
        let ops = self.lower(binding)?;
        Ok(Program {
            ops: Some(ops),
            ..self.clone()
        })
    }

    fn lower(&self, binding: &ParamBinding) -> Result<Vec<Op>> {
        let mut items = Vec::with_capacity(self.source.len());
        for ins in self.source.instructions() {
            if let Some(item) = lower_instruction(ins, binding)? {
                items.push(item);
            }
        }
        if self.options.fusion {
            Ok(fuse(items, &self.options))
        } else {
            Ok(items
                .into_iter()
                .filter_map(|item| match item {
                    Lowered::Op(op) => Some(op),
                    Lowered::Barrier(_) => None,
                })
                .collect())
        }
    }
}

/// Lowers one instruction to a kernel op or a barrier (`None` for identities).
fn lower_instruction(ins: &Instruction, binding: &ParamBinding) -> Result<Option<Lowered>> {
    let op = match &ins.op {
        Operation::Gate {
            gate,
            targets,
            controls,
        } => {
            let params = gate.eval_params(binding)?;
            let matrix = gate.matrix_of(&params);
            if matrix.is_identity() {
                return Ok(None);
            }
            if matrix.is_diagonal() {
                Op::Diagonal {
                    targets: targets.clone(),
                    controls: controls.clone(),
                    diag: matrix.diag(),
                }
            } else {
                Op::Dense {
                    targets: targets.clone(),
                    controls: controls.clone(),
                    matrix,
                }
            }
        }
        Operation::Measure { qubit, clbit } => Op::Measure {
            qubit: *qubit,
            clbit: *clbit,
        },
        Operation::Reset { qubit } => Op::Reset { qubit: *qubit },
        Operation::Barrier { qubits } => return Ok(Some(Lowered::Barrier(qubits.clone()))),
    };
    Ok(Some(Lowered::Op(match &ins.condition {
        Some(c) => Op::Conditional {
            condition: c.clone(),
            ops: vec![op],
        },
        None => op,
    })))
}
