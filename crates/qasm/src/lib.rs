//! # ferroq-qasm
//!
//! OpenQASM 2.0 for the ferroq quantum simulator: a reader that turns the circuits
//! people already have (exported by Qiskit, Cirq, tket, the public benchmark suites)
//! into a [`ferroq_core::Circuit`], and a writer that turns a circuit back into
//! OpenQASM 2.0 text that this reader and Qiskit read back.
//!
//! ```
//! let c = ferroq_qasm::parse(r#"
//!     OPENQASM 2.0;
//!     include "qelib1.inc";
//!     qreg q[2];
//!     creg c[2];
//!     h q[0];
//!     cx q[0], q[1];
//!     measure q -> c;
//! "#).unwrap();
//! assert_eq!((c.num_qubits(), c.num_clbits(), c.len()), (2, 2, 4));
//! let text = ferroq_qasm::to_qasm(&c).unwrap();
//! assert_eq!(ferroq_qasm::parse(&text).unwrap(), c);
//! ```
//!
//! ## Reader
//!
//! The whole language: the `OPENQASM 2.0;` header (required, as the specification
//! says), `include "qelib1.inc";`
//! (built in: the gate set of Qiskit's `qelib1.inc`; no other include is available),
//! several `qreg`/`creg` (qubits and bits numbered across registers in declaration
//! order, little-endian), `gate` definitions (expanded inline at parse time),
//! `opaque` (an error when applied), `U` and `CX`, register broadcasting, `barrier`,
//! `reset`, `measure`, and `if (creg == n) op;` (a [`ferroq_core::Condition`] on that
//! register's bits). Parameter expressions are evaluated in f64. The reader is a
//! little more lenient than the specification where real files need it: the version
//! may be written `OPENQASM 2;`, identifiers may start with a capital
//! letter or `_`, a repeated `include "qelib1.inc";` is ignored, a byte-order mark
//! is skipped, and a program may define the gates that Qiskit's `qelib1.inc` adds to
//! the standard one (`swap`, `cswap`, `rxx`, `cp`, ...), as files written for the
//! standard `qelib1.inc` do: the program's definition is then used (an `opaque`
//! declaration with the built-in signature keeps the built-in gate).
//!
//! qelib1 gates become core gates with exactly the matrix of their qelib1
//! definition, except that `rz`, `sx`, `sxdg`, `rxx` and `rzz` are the textbook gates,
//! which differ from their qelib1 bodies only by a global phase (as Qiskit reads them).
//!
//! Every problem is an [`ferroq_core::Error::Qasm`] with a 1-based line and column and
//! a message that says what was expected. Limits ([`ParseOptions`]) keep hostile input
//! harmless: more qubits than a state could hold is an error before anything is
//! allocated, expression nesting is bounded, gate expansion is iterative and bounded
//! in steps and in the memory of its output, and [`parse_file`] reads at most
//! [`MAX_FILE_BYTES`].
//! The parser never panics.
//!
//! ## Writer
//!
//! [`to_qasm`] writes `qreg q[n]; creg c[m];` and qelib1 gate names. Gates that
//! qelib1 lacks are written exactly through gate definitions or decompositions:
//! `iswap` and `ryy` as `gate` definitions; any controlled one-qubit gate as `cu`
//! (or `cx`, `ccx`, `c3x`, ...); more controls by an exact recursive construction
//! (up to [`MAX_WRITER_CONTROLS`] controls); controlled two-qubit rotations, swaps and
//! iSWAPs through a controlled `rz`/`x`. One-qubit [`ferroq_core::Gate::Unitary`]
//! matrices are written as `u` plus a global phase (as `cu` when controlled). An error
//! ([`ferroq_core::Error::InvalidArgument`]) is returned for what has no exact
//! OpenQASM 2.0 spelling here: unitaries on two or more qubits, more than
//! [`MAX_WRITER_CONTROLS`] controls, conditions on bits that do not form whole
//! registers, and unbound symbolic parameters ([`ferroq_core::Error::UnboundParameter`]).

mod apply;
mod decompose;
mod error;
mod expr;
mod lexer;
mod parser;
mod qelib1;
mod writer;

use ferroq_core::{Circuit, Error, Result};
use std::path::Path;

pub use expr::MAX_EXPR_DEPTH;
pub use writer::{to_qasm, to_qasm_with, MAX_WRITER_CONTROLS};

/// Limits applied while reading a program.
///
/// ```
/// let mut opts = ferroq_qasm::ParseOptions::default();
/// opts.max_qubits = 2;
/// let err = ferroq_qasm::parse_with("OPENQASM 2.0; qreg q[3];", &opts).unwrap_err();
/// assert!(err.to_string().contains("more than the 2"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ParseOptions {
    /// Most qubits over all `qreg`s (default 64: no state vector can be larger).
    pub max_qubits: u32,
    /// Most classical bits over all `creg`s (default 2^20).
    pub max_clbits: u32,
    /// Most instructions after expanding gate definitions and broadcasts, and most
    /// gate-body statements expanded (default 10 million).
    pub max_instructions: usize,
    /// Most bytes the expanded instructions may take in memory, estimated as they are
    /// produced (default 1 GiB, about 2.9 million one-qubit gates), so a small file
    /// whose gate definitions nest exponentially cannot exhaust memory before
    /// [`ParseOptions::max_instructions`] stops it.
    pub max_output_bytes: usize,
}

impl Default for ParseOptions {
    fn default() -> Self {
        ParseOptions {
            max_qubits: 64,
            max_clbits: 1 << 20,
            max_instructions: 10_000_000,
            max_output_bytes: 1 << 30,
        }
    }
}

/// Reads an OpenQASM 2.0 program with the default [`ParseOptions`].
pub fn parse(text: &str) -> Result<Circuit> {
    parse_with(text, &ParseOptions::default())
}

/// Reads an OpenQASM 2.0 program with the given limits.
pub fn parse_with(text: &str, options: &ParseOptions) -> Result<Circuit> {
    parser::parse_program(text, options)
}

/// Largest OpenQASM file [`parse_file`] reads: 64 MiB (the largest published benchmark
/// circuits are a few MiB). Reading stops there, so a device such as `/dev/zero` or a
/// runaway file cannot exhaust memory.
pub const MAX_FILE_BYTES: u64 = 64 << 20;

/// Reads at most [`MAX_FILE_BYTES`] from `reader`; a larger input is
/// [`Error::InvalidArgument`] naming `source` and the limit.
pub fn read_bounded(reader: impl std::io::Read, source: &str) -> Result<Vec<u8>> {
    use std::io::Read;
    let mut bytes = Vec::new();
    reader
        .take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| Error::invalid(format!("cannot read `{source}`: {e}")))?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(Error::invalid(format!(
            "`{source}` is larger than {} MiB, the most an OpenQASM file may be",
            MAX_FILE_BYTES >> 20
        )));
    }
    Ok(bytes)
}

/// Reads an OpenQASM 2.0 file with the default [`ParseOptions`]. Bytes that are not
/// UTF-8 are accepted inside comments; a file that cannot be read, or is larger than
/// [`MAX_FILE_BYTES`], is [`Error::InvalidArgument`].
pub fn parse_file(path: impl AsRef<Path>) -> Result<Circuit> {
    let path = path.as_ref();
    let file = std::fs::File::open(path)
        .map_err(|e| Error::invalid(format!("cannot read `{}`: {e}", path.display())))?;
    let bytes = read_bounded(file, &path.display().to_string())?;
    parse(&String::from_utf8_lossy(&bytes))
}
