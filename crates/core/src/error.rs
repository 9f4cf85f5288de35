//! The one error type of ferroq: every bad input becomes one of these variants.

use thiserror::Error;

/// Result alias used throughout ferroq.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong in ferroq, as structured variants.
///
/// Each variant's message names the problem and the offending value, so that it can
/// be shown to a user unchanged (the Python binding does exactly that).
#[derive(Debug, Clone, PartialEq, Error)]
#[non_exhaustive]
pub enum Error {
    /// A qubit index is not below the circuit's qubit count.
    #[error("qubit {qubit} is out of range for a circuit of {num_qubits} qubits")]
    QubitOutOfRange {
        /// The offending index.
        qubit: u32,
        /// The circuit's qubit count.
        num_qubits: u32,
    },
    /// A classical bit index is not below the circuit's classical bit count.
    #[error("classical bit {clbit} is out of range for a circuit of {num_clbits} classical bits")]
    ClbitOutOfRange {
        /// The offending index.
        clbit: u32,
        /// The circuit's classical bit count.
        num_clbits: u32,
    },
    /// The same qubit appears twice among one instruction's operands.
    #[error("gate `{gate}` uses qubit {qubit} more than once")]
    DuplicateQubit {
        /// Gate name.
        gate: String,
        /// The repeated qubit.
        qubit: u32,
    },
    /// A gate got the wrong number of qubits or parameters.
    #[error("gate `{gate}` expects {expected} {what}, got {got}")]
    Arity {
        /// Gate name.
        gate: String,
        /// "qubits" or "parameters".
        what: &'static str,
        /// Expected count.
        expected: usize,
        /// Given count.
        got: usize,
    },
    /// A parameter evaluated to NaN or infinity.
    #[error("gate `{gate}` has a non-finite parameter ({value})")]
    NonFiniteParameter {
        /// Gate name.
        gate: String,
        /// The value.
        value: f64,
    },
    /// A custom matrix is not unitary within tolerance.
    #[error(
        "matrix is not unitary: max |U†U - I| entry is {deviation:.3e} (tolerance {tolerance:.1e})"
    )]
    NonUnitary {
        /// Largest deviation of `U†U` from the identity.
        deviation: f64,
        /// Tolerance used.
        tolerance: f64,
    },
    /// A matrix has the wrong shape or contains non-finite entries.
    #[error("invalid matrix: {reason}")]
    InvalidMatrix {
        /// What is wrong.
        reason: String,
    },
    /// A symbolic parameter was not given a value.
    #[error("parameter `{name}` has no value: pass it in the parameter binding")]
    UnboundParameter {
        /// Symbol name.
        name: String,
    },
    /// A binding names a parameter that the circuit does not use.
    #[error("unknown parameter `{name}`: the circuit's parameters are [{known}]")]
    UnknownParameter {
        /// Symbol name.
        name: String,
        /// Comma-separated known names.
        known: String,
    },
    /// A parameter expression or observable string failed to parse.
    #[error("cannot parse {what} `{input}`: {reason}")]
    Parse {
        /// What was being parsed ("parameter", "observable", ...).
        what: &'static str,
        /// The input text.
        input: String,
        /// Why it failed.
        reason: String,
    },
    /// OpenQASM source text is malformed or uses something undefined.
    #[error("line {line}, column {column}: {message}")]
    Qasm {
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What was wrong and what was expected.
        message: String,
    },
    /// More qubits than the backend can ever represent.
    #[error("{num_qubits} qubits is more than this backend supports (at most {max_qubits})")]
    TooManyQubits {
        /// Requested qubits.
        num_qubits: u32,
        /// Backend maximum.
        max_qubits: u32,
    },
    /// The state would not fit in the memory available; checked before allocating.
    #[error("a {num_qubits}-qubit state needs {needed_bytes} bytes but only {available_bytes} bytes are available ({limit})")]
    OutOfMemory {
        /// Qubits requested.
        num_qubits: u32,
        /// Bytes the state needs.
        needed_bytes: u128,
        /// Bytes available under the limit.
        available_bytes: u128,
        /// Which limit applied.
        limit: String,
    },
    /// A buffer other than a state (shots, a batch of outputs) would not fit in the
    /// memory available; checked before allocating.
    #[error("{what} needs {needed_bytes} bytes but only {available_bytes} bytes are available ({limit})")]
    BufferTooLarge {
        /// What the buffer holds.
        what: String,
        /// Bytes it needs.
        needed_bytes: u128,
        /// Bytes available under the limit.
        available_bytes: u128,
        /// Which limit applied.
        limit: String,
    },
    /// The backend cannot run this program (a capability it lacks), found before running.
    #[error("the {backend} backend cannot run this: {reason}")]
    Unsupported {
        /// Backend name.
        backend: String,
        /// What it lacks.
        reason: String,
    },
    /// The requested backend is not compiled in or has no device.
    #[error("backend unavailable: {reason}")]
    BackendUnavailable {
        /// Why.
        reason: String,
    },
    /// A device (GPU) error: lost device, failed allocation, validation error.
    #[error("device error: {reason}")]
    Device {
        /// What the driver or wgpu said.
        reason: String,
    },
    /// A state and a program (or readout) disagree on the qubit count, or similar misuse.
    #[error("invalid argument: {reason}")]
    InvalidArgument {
        /// What is wrong.
        reason: String,
    },
    /// The computation was interrupted (for example by Ctrl-C in Python).
    #[error("interrupted")]
    Interrupted,
}

impl Error {
    /// Shorthand for [`Error::InvalidArgument`].
    pub fn invalid(reason: impl Into<String>) -> Self {
        Error::InvalidArgument {
            reason: reason.into(),
        }
    }
}
