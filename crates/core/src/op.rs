//! `Op`: the kernel operations a backend implements — dense and diagonal blocks,
//! measurement, reset, classical conditions, noise channels. Never a gate zoo.

use crate::channel::{Channel, ReadoutError};
use crate::circuit::Condition;
use crate::matrix::Matrix;
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
    /// A noise channel, applied by one random draw of a trajectory (the execution
    /// loop handles it: mixtures pick a unitary, general channels a Kraus branch by its
    /// weight).
    Channel {
        /// Qubits (`qubits[0]` the least significant bit of the Kraus matrices).
        qubits: Vec<u32>,
        /// The channel.
        channel: Arc<Channel>,
    },
    /// Misreads classical bit `clbit` with the error's probabilities.
    ReadoutError {
        /// Classical bit.
        clbit: u32,
        /// The confusion matrix.
        error: ReadoutError,
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
            Op::Channel { qubits, .. } => qubits.clone(),
            Op::ReadoutError { .. } => Vec::new(),
            Op::Conditional { ops, .. } => ops.iter().flat_map(Op::qubits).collect(),
        }
    }

    /// `true` for ops that draw random numbers or read classical bits.
    pub fn is_non_unitary(&self) -> bool {
        matches!(
            self,
            Op::Measure { .. }
                | Op::Reset { .. }
                | Op::Conditional { .. }
                | Op::Channel { .. }
                | Op::ReadoutError { .. }
        )
    }
}
