//! Source positions and the constructor of [`ferroq_core::Error::Qasm`].

use ferroq_core::Error;

/// A 1-based line and column in the source text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Pos {
    pub line: usize,
    pub column: usize,
}

/// An [`Error::Qasm`] at `pos`.
pub(crate) fn qasm_error(pos: Pos, message: impl Into<String>) -> Error {
    Error::Qasm {
        line: pos.line,
        column: pos.column,
        message: message.into(),
    }
}
