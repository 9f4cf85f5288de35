//! Builder methods that append noise channels and readout errors to a [`Circuit`].
//! Each channel is validated when it is built (a bad probability is an
//! [`Error::InvalidArgument`](crate::Error::InvalidArgument)); qubits are checked
//! like any instruction's.

use crate::channel::{Channel, ReadoutError};
use crate::circuit::{Circuit, Instruction, Operation};
use crate::error::Result;
use std::sync::Arc;

impl Circuit {
    /// Appends `channel` on `qubits` (validated: arity, range, distinct qubits).
    pub fn channel(
        &mut self,
        channel: impl Into<Arc<Channel>>,
        qubits: &[u32],
    ) -> Result<&mut Self> {
        self.try_push(Instruction {
            op: Operation::Channel {
                channel: channel.into(),
                qubits: qubits.to_vec(),
            },
            condition: None,
        })
    }
    /// Appends a readout error on classical bit `clbit` (put it after the measurement
    /// that writes the bit).
    pub fn readout_error(&mut self, error: ReadoutError, clbit: u32) -> Result<&mut Self> {
        self.try_push(Instruction {
            op: Operation::ReadoutError { error, clbit },
            condition: None,
        })
    }
    /// Bit flip (X with probability `p`) on `q`.
    pub fn bit_flip(&mut self, p: f64, q: u32) -> Result<&mut Self> {
        self.channel(Channel::bit_flip(p)?, &[q])
    }
    /// Phase flip (Z with probability `p`) on `q`.
    pub fn phase_flip(&mut self, p: f64, q: u32) -> Result<&mut Self> {
        self.channel(Channel::phase_flip(p)?, &[q])
    }
    /// Pauli channel on `q`.
    pub fn pauli_channel(&mut self, px: f64, py: f64, pz: f64, q: u32) -> Result<&mut Self> {
        self.channel(Channel::pauli(px, py, pz)?, &[q])
    }
    /// Depolarizing channel on one or two `qubits` (see [`Channel::depolarizing`]).
    pub fn depolarizing(&mut self, p: f64, qubits: &[u32]) -> Result<&mut Self> {
        self.channel(Channel::depolarizing(p, qubits.len() as u32)?, qubits)
    }
    /// Amplitude damping on `q`.
    pub fn amplitude_damping(&mut self, gamma: f64, q: u32) -> Result<&mut Self> {
        self.channel(Channel::amplitude_damping(gamma)?, &[q])
    }
    /// Generalized amplitude damping on `q`.
    pub fn generalized_amplitude_damping(
        &mut self,
        gamma: f64,
        excited_population: f64,
        q: u32,
    ) -> Result<&mut Self> {
        self.channel(
            Channel::generalized_amplitude_damping(gamma, excited_population)?,
            &[q],
        )
    }
    /// Phase damping on `q`.
    pub fn phase_damping(&mut self, lambda: f64, q: u32) -> Result<&mut Self> {
        self.channel(Channel::phase_damping(lambda)?, &[q])
    }
    /// Thermal relaxation on `q` (see [`Channel::thermal_relaxation`]).
    pub fn thermal_relaxation(
        &mut self,
        t1: f64,
        t2: f64,
        time: f64,
        excited_population: f64,
        q: u32,
    ) -> Result<&mut Self> {
        self.channel(
            Channel::thermal_relaxation(t1, t2, time, excited_population)?,
            &[q],
        )
    }
    /// Reset error on `q` (see [`Channel::reset_error`]).
    pub fn reset_error(&mut self, p0: f64, p1: f64, q: u32) -> Result<&mut Self> {
        self.channel(Channel::reset_error(p0, p1)?, &[q])
    }
    /// `true` if the circuit holds a noise channel or readout error.
    pub fn has_noise(&self) -> bool {
        self.instructions().iter().any(|i| {
            matches!(
                i.op,
                Operation::Channel { .. } | Operation::ReadoutError { .. }
            )
        })
    }
}
