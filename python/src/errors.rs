//! The one place where `ferroq_core::Error` becomes a Python exception.
//!
//! The exception classes form a hierarchy under `ferroq.FerroqError`; where a
//! built-in exception fits, a class derives from it too, so that both
//! `except ferroq.FerroqError` and `except ValueError` work:
//!
//! | class | also derives from | raised for |
//! |---|---|---|
//! | `QubitIndexError` | `IndexError` | qubit or classical bit index out of range |
//! | `CircuitError` | `ValueError` | wrong arity, repeated qubit, malformed matrix |
//! | `NonUnitaryError` | (`CircuitError`) | a custom matrix that is not unitary |
//! | `ParameterError` | `ValueError` | unbound, unknown or non-finite parameters |
//! | `ParseError` | `ValueError` | parameter expressions, observables |
//! | `QasmError` | (`ParseError`) | OpenQASM text (has `line` and `column`) |
//! | `InvalidArgumentError` | `ValueError` | other bad arguments |
//! | `OutOfMemoryError` | `MemoryError` | a state too large for memory or the backend |
//! | `BackendUnavailableError` | — | backend not compiled in or no device |
//! | `UnsupportedError` | — | the backend cannot run this circuit (found before running) |
//! | `DeviceError` | `RuntimeError` | the GPU driver failed |
//!
//! `Error::Interrupted` becomes `KeyboardInterrupt`.

use ferroq::Error;
use pyo3::exceptions::{
    PyException, PyIndexError, PyKeyboardInterrupt, PyMemoryError, PyRuntimeError, PyTypeError,
    PyValueError,
};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyTuple, PyType};

/// One exception class of the hierarchy.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    Base,
    QubitIndex,
    Circuit,
    NonUnitary,
    Parameter,
    Parse,
    Qasm,
    InvalidArgument,
    OutOfMemory,
    BackendUnavailable,
    Unsupported,
    Device,
}

/// Name, documentation and bases (`None` stands for `FerroqError` itself) of each class,
/// in creation order (a class comes after its bases).
const CLASSES: [(Kind, &str, &str); 12] = [
    (
        Kind::Base,
        "FerroqError",
        "Base class of every error raised by ferroq.",
    ),
    (
        Kind::QubitIndex,
        "QubitIndexError",
        "A qubit or classical bit index is out of range (also an IndexError).",
    ),
    (
        Kind::Circuit,
        "CircuitError",
        "A circuit instruction is malformed: wrong arity, a repeated qubit, a bad matrix (also a ValueError).",
    ),
    (
        Kind::NonUnitary,
        "NonUnitaryError",
        "A custom gate matrix is not unitary (a CircuitError, so also a ValueError).",
    ),
    (
        Kind::Parameter,
        "ParameterError",
        "A gate parameter is unbound, unknown or not finite (also a ValueError).",
    ),
    (
        Kind::Parse,
        "ParseError",
        "A parameter expression or observable string cannot be parsed (also a ValueError).",
    ),
    (
        Kind::Qasm,
        "QasmError",
        "OpenQASM text is malformed; `line` and `column` say where (a ParseError).",
    ),
    (
        Kind::InvalidArgument,
        "InvalidArgumentError",
        "An argument is invalid for another reason (also a ValueError).",
    ),
    (
        Kind::OutOfMemory,
        "OutOfMemoryError",
        "The state would not fit in memory or in the backend; checked before allocating (also a MemoryError).",
    ),
    (
        Kind::BackendUnavailable,
        "BackendUnavailableError",
        "The requested backend is not compiled in or has no device.",
    ),
    (
        Kind::Unsupported,
        "UnsupportedError",
        "The backend cannot run this circuit (a capability it lacks, such as a gate wider than its widest dense op); raised when compiling, before anything runs.",
    ),
    (
        Kind::Device,
        "DeviceError",
        "The GPU device or driver failed (also a RuntimeError).",
    ),
];

static TYPES: [PyOnceLock<Py<PyType>>; 12] = [const { PyOnceLock::new() }; 12];

fn bases<'py>(py: Python<'py>, kind: Kind) -> PyResult<Bound<'py, PyTuple>> {
    let base = || exception_type(py, Kind::Base);
    let builtin =
        |t: Bound<'py, PyType>| -> PyResult<Vec<Bound<'py, PyType>>> { Ok(vec![base()?, t]) };
    let list = match kind {
        Kind::Base => vec![py.get_type::<PyException>()],
        Kind::QubitIndex => builtin(py.get_type::<PyIndexError>())?,
        Kind::Circuit | Kind::Parameter | Kind::Parse | Kind::InvalidArgument => {
            builtin(py.get_type::<PyValueError>())?
        }
        Kind::NonUnitary => vec![exception_type(py, Kind::Circuit)?],
        Kind::Qasm => vec![exception_type(py, Kind::Parse)?],
        Kind::OutOfMemory => builtin(py.get_type::<PyMemoryError>())?,
        Kind::BackendUnavailable | Kind::Unsupported => vec![base()?],
        Kind::Device => builtin(py.get_type::<PyRuntimeError>())?,
    };
    PyTuple::new(py, list)
}

/// The Python class for `kind`, created on first use with `type(name, bases, ns)`.
pub(crate) fn exception_type(py: Python<'_>, kind: Kind) -> PyResult<Bound<'_, PyType>> {
    let index = CLASSES.iter().position(|c| c.0 == kind).unwrap_or_default();
    let ty = TYPES[index].get_or_try_init(py, || -> PyResult<Py<PyType>> {
        let (_, name, doc) = CLASSES[index];
        let ns = PyDict::new(py);
        ns.set_item("__module__", "ferroq")?;
        ns.set_item("__doc__", doc)?;
        let made = py
            .get_type::<PyType>()
            .call1((name, bases(py, kind)?, ns))?
            .cast_into::<PyType>()?;
        Ok(made.unbind())
    })?;
    Ok(ty.bind(py).clone())
}

/// Adds every exception class to the module.
pub(crate) fn register(m: &Bound<'_, pyo3::types::PyModule>) -> PyResult<()> {
    for (kind, name, _) in CLASSES {
        m.add(name, exception_type(m.py(), kind)?)?;
    }
    Ok(())
}

/// Creates an exception of class `kind` with `message` and extra attributes.
pub(crate) fn raise(kind: Kind, message: String, attrs: &[(&str, Py<PyAny>)]) -> PyErr {
    Python::attach(|py| match exception_type(py, kind) {
        Ok(ty) => {
            let err = PyErr::from_type(ty, message);
            let value = err.value(py);
            for (k, v) in attrs {
                // Attributes are best effort: the message already says everything.
                let _ = value.setattr(*k, v.bind(py));
            }
            err
        }
        Err(e) => e,
    })
}

/// A `TypeError` with `message` (wrong Python or numpy types).
pub(crate) fn type_error(message: impl Into<String>) -> PyErr {
    PyTypeError::new_err(message.into())
}

/// Converts a ferroq error into the matching Python exception.
pub(crate) fn to_py_err(error: Error) -> PyErr {
    let message = error.to_string();
    Python::attach(|py| {
        let int = |v: u64| -> Py<PyAny> {
            v.into_pyobject(py)
                .map(|o| o.into_any().unbind())
                .unwrap_or_else(|_| py.None())
        };
        let text = |s: &str| -> Py<PyAny> {
            s.into_pyobject(py)
                .map(|o| o.into_any().unbind())
                .unwrap_or_else(|_| py.None())
        };
        match &error {
            Error::QubitOutOfRange { qubit, num_qubits } => raise(
                Kind::QubitIndex,
                message,
                &[
                    ("index", int(*qubit as u64)),
                    ("size", int(*num_qubits as u64)),
                ],
            ),
            Error::ClbitOutOfRange { clbit, num_clbits } => raise(
                Kind::QubitIndex,
                message,
                &[
                    ("index", int(*clbit as u64)),
                    ("size", int(*num_clbits as u64)),
                ],
            ),
            Error::DuplicateQubit { .. } | Error::Arity { .. } | Error::InvalidMatrix { .. } => {
                raise(Kind::Circuit, message, &[])
            }
            Error::NonUnitary { .. } => raise(Kind::NonUnitary, message, &[]),
            Error::NonFiniteParameter { gate, .. } => {
                raise(Kind::Parameter, message, &[("gate", text(gate))])
            }
            Error::UnboundParameter { name } | Error::UnknownParameter { name, .. } => {
                raise(Kind::Parameter, message, &[("name", text(name))])
            }
            Error::Parse { .. } => raise(Kind::Parse, message, &[]),
            Error::Qasm { line, column, .. } => raise(
                Kind::Qasm,
                message,
                &[("line", int(*line as u64)), ("column", int(*column as u64))],
            ),
            Error::TooManyQubits { num_qubits, .. } => raise(
                Kind::OutOfMemory,
                message,
                &[("num_qubits", int(*num_qubits as u64))],
            ),
            Error::OutOfMemory {
                num_qubits,
                needed_bytes,
                ..
            } => raise(
                Kind::OutOfMemory,
                message,
                &[
                    ("num_qubits", int(*num_qubits as u64)),
                    (
                        "needed_bytes",
                        int((*needed_bytes).min(u64::MAX as u128) as u64),
                    ),
                ],
            ),
            Error::BufferTooLarge { needed_bytes, .. } => raise(
                Kind::OutOfMemory,
                message,
                &[(
                    "needed_bytes",
                    int((*needed_bytes).min(u64::MAX as u128) as u64),
                )],
            ),
            Error::Unsupported { .. } => raise(Kind::Unsupported, message, &[]),
            Error::BackendUnavailable { .. } => raise(Kind::BackendUnavailable, message, &[]),
            Error::Device { .. } => raise(Kind::Device, message, &[]),
            Error::InvalidArgument { .. } => raise(Kind::InvalidArgument, message, &[]),
            Error::Interrupted => PyKeyboardInterrupt::new_err(message),
            _ => raise(Kind::Base, message, &[]),
        }
    })
}

/// `Result<T, ferroq::Error>` → `PyResult<T>` through [`to_py_err`].
pub(crate) trait IntoPyResult<T> {
    /// Maps the error with [`to_py_err`].
    fn py(self) -> PyResult<T>;
}

impl<T> IntoPyResult<T> for Result<T, Error> {
    fn py(self) -> PyResult<T> {
        self.map_err(to_py_err)
    }
}
