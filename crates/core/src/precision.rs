//! `Precision`: complex64 or complex128 amplitudes.

use crate::error::{Error, Result};
use std::fmt;

/// Floating-point precision of a state vector.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Precision {
    /// complex64: two f32 per amplitude (8 bytes).
    Single,
    /// complex128: two f64 per amplitude (16 bytes). The CPU default.
    #[default]
    Double,
}

impl Precision {
    /// Bytes per amplitude.
    pub fn amplitude_bytes(self) -> u64 {
        match self {
            Precision::Single => 8,
            Precision::Double => 16,
        }
    }
    /// A tolerance suitable for comparing results of this precision after a circuit of
    /// moderate depth.
    pub fn tolerance(self) -> f64 {
        match self {
            Precision::Single => 1e-4,
            Precision::Double => 1e-10,
        }
    }
    /// Bytes a state of `num_qubits` qubits needs, or `None` on overflow.
    pub fn state_bytes(self, num_qubits: u32) -> Option<u128> {
        if num_qubits >= 100 {
            return None;
        }
        Some((1u128 << num_qubits) * self.amplitude_bytes() as u128)
    }
}

impl fmt::Display for Precision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Precision::Single => "single",
            Precision::Double => "double",
        })
    }
}

impl std::str::FromStr for Precision {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s.to_ascii_lowercase().as_str() {
            "single" | "f32" | "complex64" | "float" => Ok(Precision::Single),
            "double" | "f64" | "complex128" => Ok(Precision::Double),
            _ => Err(Error::invalid(format!(
                "unknown precision `{s}`: expected \"single\" or \"double\""
            ))),
        }
    }
}
