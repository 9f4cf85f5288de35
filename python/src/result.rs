//! `ferroq.RunResult` (the final state of one run, read lazily) and `ferroq.BackendInfo`.

use crate::convert::{int_list, py_repr, py_repr_list, statevector_array};
use crate::detach::detached;
use ferroq::rng::derive_seed;
use ferroq::{BackendInfo, RunResult};
use numpy::PyArray1;
use pyo3::prelude::*;
use pyo3::types::PyDict;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};

/// Seeds for sampling: reproducible when a base seed is set, fresh otherwise.
pub(crate) struct SeedSource {
    base: Option<u64>,
    calls: AtomicU64,
}

impl SeedSource {
    /// A source derived from `base` (or from the clock when `None`).
    pub(crate) fn new(base: Option<u64>) -> Self {
        SeedSource {
            base,
            calls: AtomicU64::new(0),
        }
    }

    /// The next seed.
    pub(crate) fn next(&self) -> u64 {
        let n = self.calls.fetch_add(1, Ordering::Relaxed);
        match self.base {
            Some(s) => derive_seed(s ^ 0x5eed_f00d_cafe_d00d, n),
            None => {
                let t = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(0, |d| d.as_nanos() as u64);
                derive_seed(t ^ ((std::process::id() as u64) << 32), n)
            }
        }
    }

    /// A source for a child object (a run's result), itself reproducible.
    pub(crate) fn child(&self) -> SeedSource {
        SeedSource::new(self.base.map(|_| self.next()))
    }
}

/// Bitstring counts (bit 0 rightmost, `width` characters) as a Python dict.
pub(crate) fn counts_dict(
    py: Python<'_>,
    counts: &BTreeMap<u64, u64>,
    width: u32,
) -> PyResult<Py<PyAny>> {
    let d = PyDict::new(py);
    let w = width as usize;
    for (&outcome, &n) in counts {
        d.set_item(format!("{outcome:0w$b}"), n)?;
    }
    Ok(d.into_any().unbind())
}

/// The final state of one run. Readouts are computed by the backend on demand, each
/// with the GIL released; every call returns a fresh numpy array.
#[pyclass(frozen, module = "ferroq", name = "RunResult")]
pub struct PyRunResult {
    inner: RunResult,
    seeds: SeedSource,
}

impl PyRunResult {
    /// Wraps a Rust run result.
    pub(crate) fn new(inner: RunResult, seeds: SeedSource) -> Self {
        PyRunResult { inner, seeds }
    }

    fn qubit_list(&self, qubits: &Bound<'_, PyAny>) -> PyResult<Vec<u32>> {
        let n = self.inner.num_qubits();
        int_list(qubits, "qubits")?
            .into_iter()
            .map(|q| crate::convert::index(q, "qubit", n))
            .collect()
    }
}

#[pymethods]
impl PyRunResult {
    /// The final state vector: a 1-D numpy array (complex64 for single precision,
    /// complex128 for double), qubit 0 the least significant bit of the index.
    #[getter]
    fn statevector<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let sv = detached(py, |_| self.inner.state_vector())?;
        Ok(statevector_array(py, sv))
    }

    /// Probabilities of all ``2**n`` basis states (float64).
    fn probabilities<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyArray1<f64>>> {
        let p = detached(py, |_| self.inner.probabilities())?;
        Ok(PyArray1::from_vec(py, p))
    }

    /// Marginal probabilities over ``qubits`` (``qubits[0]`` is the lowest output bit).
    fn marginal<'py>(
        &self,
        py: Python<'py>,
        qubits: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyArray1<f64>>> {
        let qs = self.qubit_list(qubits)?;
        let p = detached(py, |_| self.inner.marginal(&qs))?;
        Ok(PyArray1::from_vec(py, p))
    }

    /// Draws ``shots`` basis states from the final state; returns bitstring counts
    /// over all qubits, qubit 0 rightmost.
    #[pyo3(signature = (shots = None, seed = None))]
    fn sample(
        &self,
        py: Python<'_>,
        shots: Option<&Bound<'_, PyAny>>,
        seed: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Py<PyAny>> {
        let shots = crate::convert::shots_arg(shots)?;
        let seed = match seed {
            Some(s) => crate::convert::u64_arg(s, "seed")?,
            None => self.seeds.next(),
        };
        let counts = detached(py, |_| {
            let mut counts = BTreeMap::new();
            for o in self.inner.sample(shots, seed)? {
                *counts.entry(o).or_insert(0u64) += 1;
            }
            Ok(counts)
        })?;
        counts_dict(py, &counts, self.inner.num_qubits())
    }

    /// Draws ``shots`` basis-state indices (uint64 array) from the final state.
    #[pyo3(signature = (shots = None, seed = None))]
    fn sample_indices<'py>(
        &self,
        py: Python<'py>,
        shots: Option<&Bound<'py, PyAny>>,
        seed: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyArray1<u64>>> {
        let shots = crate::convert::shots_arg(shots)?;
        let seed = match seed {
            Some(s) => crate::convert::u64_arg(s, "seed")?,
            None => self.seeds.next(),
        };
        let v = detached(py, |_| self.inner.sample(shots, seed))?;
        Ok(PyArray1::from_vec(py, v))
    }

    /// The expectation value of one observable (an ``Observable`` or a string).
    fn expectation(&self, py: Python<'_>, observable: &Bound<'_, PyAny>) -> PyResult<f64> {
        let o = vec![crate::convert::observable(observable)?];
        let v = detached(py, |_| self.inner.expectations(&o))?;
        v.first().copied().ok_or_else(|| {
            crate::errors::to_py_err(ferroq::Error::invalid("no expectation value returned"))
        })
    }

    /// Expectation values of several observables (float64 array).
    fn expectations<'py>(
        &self,
        py: Python<'py>,
        observables: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyArray1<f64>>> {
        let o = crate::convert::observables(observables)?;
        let v = detached(py, |_| self.inner.expectations(&o))?;
        Ok(PyArray1::from_vec(py, v))
    }

    /// The classical bits written by measurements, as a bitstring (bit 0 rightmost).
    #[getter]
    fn classical_bits(&self, py: Python<'_>) -> PyResult<String> {
        let bits = detached(py, |_| self.inner.classical_bits())?;
        Ok(bits
            .iter()
            .rev()
            .map(|&b| if b { '1' } else { '0' })
            .collect())
    }

    /// Number of qubits.
    #[getter]
    fn num_qubits(&self) -> u32 {
        self.inner.num_qubits()
    }

    /// ``"single"`` or ``"double"``: the precision that produced the state.
    #[getter]
    fn precision(&self) -> String {
        self.inner.precision().to_string()
    }

    fn __repr__(&self) -> String {
        format!(
            "RunResult(num_qubits={}, precision='{}')",
            self.inner.num_qubits(),
            self.inner.precision()
        )
    }
}

/// One backend (and device) this build can run on, as listed by ``ferroq.backends()``.
#[pyclass(frozen, module = "ferroq", name = "BackendInfo")]
pub struct PyBackendInfo {
    /// Backend name for ``Simulator(backend=...)``: ``"cpu"``, ``"wgpu"`` or ``"mpi"``.
    #[pyo3(get)]
    name: String,
    /// Device description.
    #[pyo3(get)]
    device: String,
    /// Precisions it offers: ``"double"``, ``"single"``.
    #[pyo3(get)]
    precisions: Vec<String>,
    /// Whether it can be used here.
    #[pyo3(get)]
    available: bool,
    /// Why not, when it cannot.
    #[pyo3(get)]
    reason: Option<String>,
}

impl From<BackendInfo> for PyBackendInfo {
    fn from(b: BackendInfo) -> Self {
        PyBackendInfo {
            name: b.name,
            device: b.device,
            precisions: b.precisions.iter().map(|p| p.to_string()).collect(),
            available: b.available,
            reason: b.reason,
        }
    }
}

#[pymethods]
impl PyBackendInfo {
    fn __repr__(&self) -> String {
        match &self.reason {
            Some(r) => format!(
                "BackendInfo(name={}, device={}, available=False, reason={})",
                py_repr(&self.name),
                py_repr(&self.device),
                py_repr(r)
            ),
            None => format!(
                "BackendInfo(name={}, device={}, precisions={})",
                py_repr(&self.name),
                py_repr(&self.device),
                py_repr_list(&self.precisions)
            ),
        }
    }
}

/// The backends this build can run on (names, devices, precisions). With
/// ``include_unavailable=True`` the ones that cannot run here are listed too, with why.
#[pyfunction]
#[pyo3(signature = (include_unavailable = false))]
pub(crate) fn backends(py: Python<'_>, include_unavailable: bool) -> PyResult<Vec<PyBackendInfo>> {
    let all = detached(py, |_| Ok(ferroq::available_backends()))?;
    Ok(all
        .into_iter()
        .filter(|b| include_unavailable || b.available)
        .map(PyBackendInfo::from)
        .collect())
}
