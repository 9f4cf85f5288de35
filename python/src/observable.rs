//! `ferroq.Observable`: a real-weighted sum of Pauli strings.

use crate::convert::type_name;
use crate::errors::{type_error, IntoPyResult};
use ferroq::{Observable, Pauli, PauliTerm};
use pyo3::prelude::*;
use pyo3::types::PyString;

/// A real-weighted sum of Pauli strings, such as ``Observable("0.5*ZZI - XIX")``.
///
/// Text form: terms separated by ``+``/``-``, each an optional real coefficient and
/// either a dense Pauli string with qubit 0 rightmost (``"XIZ"`` is Z on qubit 0 and X
/// on qubit 2) or sparse factors (``"X2 Z0"``). A bare number is a multiple of the
/// identity. Observables add, subtract and scale by real numbers.
#[pyclass(frozen, module = "ferroq", name = "Observable")]
#[derive(Clone)]
pub struct PyObservable {
    /// The Rust observable.
    pub(crate) inner: Observable,
}

fn pauli_of(letter: &str) -> PyResult<Pauli> {
    match letter.to_ascii_uppercase().as_str() {
        "I" => Ok(Pauli::I),
        "X" => Ok(Pauli::X),
        "Y" => Ok(Pauli::Y),
        "Z" => Ok(Pauli::Z),
        _ => Err(type_error(format!(
            "`{letter}` is not a Pauli operator (expected \"I\", \"X\", \"Y\" or \"Z\")"
        ))),
    }
}

fn letter_of(p: Pauli) -> &'static str {
    match p {
        Pauli::I => "I",
        Pauli::X => "X",
        Pauli::Y => "Y",
        Pauli::Z => "Z",
    }
}

/// One term from `(coeff, pauli)`: `pauli` is a dense string or `[(letter, qubit), ...]`.
fn term(coeff: f64, pauli: &Bound<'_, PyAny>) -> PyResult<PauliTerm> {
    if let Ok(s) = pauli.cast::<PyString>() {
        let o: Observable = s.to_str()?.parse().py()?;
        let [t] = o.terms() else {
            return Err(type_error(format!(
                "a term's Pauli string must be a single string such as \"XIZ\", got {:?}",
                s.to_str()?
            )));
        };
        return PauliTerm::new(coeff * t.coeff, t.ops.clone()).py();
    }
    let factors: Vec<(String, i64)> = pauli.extract().map_err(|_| {
        type_error(format!(
            "a term's Paulis must be a string such as \"XIZ\" or a list of (letter, qubit) pairs, got {}",
            type_name(pauli)
        ))
    })?;
    let ops = factors
        .into_iter()
        .map(|(l, q)| {
            let q = u32::try_from(q).map_err(|_| {
                crate::errors::raise(
                    crate::errors::Kind::QubitIndex,
                    format!("qubit {q} is not a valid qubit index"),
                    &[],
                )
            })?;
            Ok((pauli_of(&l)?, q))
        })
        .collect::<PyResult<Vec<_>>>()?;
    PauliTerm::new(coeff, ops).py()
}

fn scaled(o: &Observable, k: f64) -> PyResult<Observable> {
    let mut out = Observable::new();
    for t in o.terms() {
        out.add_term(PauliTerm::new(t.coeff * k, t.ops.clone()).py()?);
    }
    Ok(out)
}

fn sum(a: &Observable, b: &Observable) -> Observable {
    let mut out = a.clone();
    for t in b.terms() {
        out.add_term(t.clone());
    }
    out
}

#[pymethods]
impl PyObservable {
    /// Parses an observable such as ``"0.5*ZZI - XIX"`` or ``"2 * X2 Z0 + 1"``.
    #[new]
    fn new(text: &str) -> PyResult<Self> {
        Ok(PyObservable {
            inner: text.parse().py()?,
        })
    }

    /// Builds an observable from ``(coefficient, pauli)`` terms, where ``pauli`` is a
    /// dense string (``"XIZ"``, qubit 0 rightmost) or a list of ``(letter, qubit)`` pairs.
    #[staticmethod]
    fn from_terms(terms: &Bound<'_, PyAny>) -> PyResult<Self> {
        let mut inner = Observable::new();
        for item in terms.try_iter()? {
            let item = item?;
            let (coeff, pauli): (f64, Bound<'_, PyAny>) = item.extract().map_err(|_| {
                type_error(format!(
                    "each term must be a (coefficient, pauli) pair, got {}",
                    type_name(&item)
                ))
            })?;
            inner.add_term(term(coeff, &pauli)?);
        }
        Ok(PyObservable { inner })
    }

    /// The terms as ``(coefficient, [(letter, qubit), ...])`` (identities left out).
    #[getter]
    fn terms(&self) -> Vec<(f64, Vec<(&'static str, u32)>)> {
        self.inner
            .terms()
            .iter()
            .map(|t| {
                (
                    t.coeff,
                    t.ops.iter().map(|&(p, q)| (letter_of(p), q)).collect(),
                )
            })
            .collect()
    }

    /// The smallest number of qubits the observable acts on.
    #[getter]
    fn num_qubits(&self) -> u32 {
        self.inner.min_qubits()
    }

    fn __len__(&self) -> usize {
        self.inner.terms().len()
    }

    fn __repr__(&self) -> String {
        format!(
            "Observable({})",
            crate::convert::py_repr(&self.inner.to_string())
        )
    }

    fn __str__(&self) -> String {
        self.inner.to_string()
    }

    fn __eq__(&self, other: &Self) -> bool {
        self.inner == other.inner
    }

    #[classattr]
    const __hash__: Option<Py<PyAny>> = None;

    fn __add__(&self, other: &Bound<'_, PyAny>) -> PyResult<Self> {
        let o = crate::convert::observable(other)?;
        Ok(PyObservable {
            inner: sum(&self.inner, &o),
        })
    }

    fn __sub__(&self, other: &Bound<'_, PyAny>) -> PyResult<Self> {
        let o = crate::convert::observable(other)?;
        Ok(PyObservable {
            inner: sum(&self.inner, &scaled(&o, -1.0)?),
        })
    }

    fn __radd__(&self, other: &Bound<'_, PyAny>) -> PyResult<Self> {
        let o = crate::convert::observable(other)?;
        Ok(PyObservable {
            inner: sum(&o, &self.inner),
        })
    }

    fn __rsub__(&self, other: &Bound<'_, PyAny>) -> PyResult<Self> {
        let o = crate::convert::observable(other)?;
        Ok(PyObservable {
            inner: sum(&o, &scaled(&self.inner, -1.0)?),
        })
    }

    fn __mul__(&self, k: f64) -> PyResult<Self> {
        Ok(PyObservable {
            inner: scaled(&self.inner, k)?,
        })
    }

    fn __rmul__(&self, k: f64) -> PyResult<Self> {
        self.__mul__(k)
    }

    fn __neg__(&self) -> PyResult<Self> {
        self.__mul__(-1.0)
    }
}
