//! `ferroq.Instruction`: one read-only step of a circuit, as iteration yields it.

use ferroq::{Instruction, Operation, Param, ParamBinding};
use numpy::ndarray::Array2;
use numpy::PyArray2;
use pyo3::prelude::*;
use pyo3::IntoPyObjectExt;

/// One instruction of a circuit: a gate, measurement, reset or barrier, with an
/// optional classical condition. Obtained by iterating over or indexing a ``Circuit``.
#[pyclass(frozen, module = "ferroq", name = "Instruction")]
pub struct PyInstruction {
    pub(crate) inner: Instruction,
}

/// A parameter as Python sees it: a float when numeric, else its expression text.
fn param_object(py: Python<'_>, p: &Param) -> PyResult<Py<PyAny>> {
    match p {
        Param::Value(v) => v.into_py_any(py),
        other => other.to_string().into_py_any(py),
    }
}

#[pymethods]
impl PyInstruction {
    /// Short name, such as ``"cx"`` for a singly controlled X, ``"measure"``, ``"barrier"``.
    #[getter]
    fn name(&self) -> String {
        self.inner.name()
    }

    /// Every qubit the instruction touches: controls first, then targets.
    #[getter]
    fn qubits(&self) -> Vec<u32> {
        self.inner.qubits()
    }

    /// Control qubits of a gate (empty otherwise).
    #[getter]
    fn controls(&self) -> Vec<u32> {
        match &self.inner.op {
            Operation::Gate { controls, .. } => controls.clone(),
            _ => Vec::new(),
        }
    }

    /// Target qubits of a gate, in the gate matrix's order (first = least significant).
    #[getter]
    fn targets(&self) -> Vec<u32> {
        match &self.inner.op {
            Operation::Gate { targets, .. } => targets.clone(),
            _ => self.inner.qubits(),
        }
    }

    /// Gate parameters: floats, or expression strings for symbolic ones.
    #[getter]
    fn params(&self, py: Python<'_>) -> PyResult<Vec<Py<PyAny>>> {
        match &self.inner.op {
            Operation::Gate { gate, .. } => gate
                .params()
                .into_iter()
                .map(|p| param_object(py, p))
                .collect(),
            _ => Ok(Vec::new()),
        }
    }

    /// The classical bit a measurement writes, else ``None``.
    #[getter]
    fn clbit(&self) -> Option<u32> {
        match self.inner.op {
            Operation::Measure { clbit, .. } => Some(clbit),
            _ => None,
        }
    }

    /// The classical condition as ``(clbits, value)``, else ``None``.
    #[getter]
    fn condition(&self) -> Option<(Vec<u32>, u64)> {
        self.inner
            .condition
            .as_ref()
            .map(|c| (c.clbits.clone(), c.value))
    }

    /// The gate's matrix on its targets (complex128, little-endian), or ``None`` for
    /// measurements, resets, barriers and gates with symbolic parameters.
    fn matrix<'py>(&self, py: Python<'py>) -> Option<Bound<'py, PyAny>> {
        let Operation::Gate { gate, .. } = &self.inner.op else {
            return None;
        };
        if !gate.is_numeric() {
            return None;
        }
        let m = gate.matrix(&ParamBinding::new()).ok()?;
        let dim = m.dim();
        let a = Array2::from_shape_vec((dim, dim), m.data().to_vec()).ok()?;
        Some(PyArray2::from_owned_array(py, a).into_any())
    }

    fn __repr__(&self) -> String {
        format!("<Instruction {}>", self.inner)
    }

    fn __str__(&self) -> String {
        self.inner.to_string()
    }

    fn __eq__(&self, other: &Self) -> bool {
        self.inner == other.inner
    }

    #[classattr]
    const __hash__: Option<Py<PyAny>> = None;
}
