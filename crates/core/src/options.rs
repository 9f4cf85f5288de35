//! `CompileOptions`: how [`compile`](crate::compile) fuses gates.

use crate::error::{Error, Result};

/// Options for [`compile`](crate::compile).
#[derive(Debug, Clone, PartialEq)]
pub struct CompileOptions {
    /// Fuse neighbouring gates into larger blocks (default on).
    pub fusion: bool,
    /// Largest dense block the fuser builds, in qubits (1..=6).
    pub max_fused_qubits: u32,
    /// Largest diagonal block the fuser builds, in qubits.
    pub max_fused_diagonal_qubits: u32,
    /// Largest block of fixed permutations (X, CX, SWAP, Toffoli, ...) the fuser builds,
    /// in qubits (1..=6): a permutation pass moves each amplitude once whatever its
    /// width, so runs such as a CX fan from one control cost one pass per few gates.
    pub max_fused_permutation_qubits: u32,
}

impl Default for CompileOptions {
    fn default() -> Self {
        CompileOptions {
            fusion: true,
            max_fused_qubits: 4,
            max_fused_diagonal_qubits: 8,
            max_fused_permutation_qubits: 4,
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

    /// Checks the limits: `max_fused_qubits` and the permutation limit between 1 and 6,
    /// the diagonal limit at most 20.
    pub fn validate(&self) -> Result<()> {
        if self.max_fused_qubits == 0 || self.max_fused_qubits > 6 {
            return Err(Error::invalid(format!(
                "max_fused_qubits must be between 1 and 6, got {}",
                self.max_fused_qubits
            )));
        }
        if self.max_fused_permutation_qubits == 0 || self.max_fused_permutation_qubits > 6 {
            return Err(Error::invalid(format!(
                "max_fused_permutation_qubits must be between 1 and 6, got {}",
                self.max_fused_permutation_qubits
            )));
        }
        if self.max_fused_diagonal_qubits > 20 {
            return Err(Error::invalid(format!(
                "max_fused_diagonal_qubits must be at most 20, got {}",
                self.max_fused_diagonal_qubits
            )));
        }
        Ok(())
    }
}
