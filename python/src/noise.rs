//! `ferroq.Channel` (a validated noise channel), `ferroq.NoiseModel` (channels after
//! gates by name and qubits, readout errors on measurements) and the conversions the
//! circuit's channel methods share.

use crate::convert::int_list;
use crate::errors::IntoPyResult;
use ferroq::{Channel, NoiseModel, ReadoutError};
use pyo3::prelude::*;
use std::sync::Arc;

/// A noise channel: Kraus operators validated when built (``Σ K†K = I`` to 1e-8), kept
/// as a unitary mixture when it is one (Pauli channels, depolarizing, phase damping), so
/// trajectories draw it without touching the state. Build one with the static methods;
/// append it with ``Circuit.channel`` or attach it with a ``NoiseModel``.
#[pyclass(frozen, module = "ferroq", name = "Channel")]
#[derive(Clone)]
pub struct PyChannel {
    pub(crate) inner: Arc<Channel>,
}

fn wrap(c: ferroq::Result<Channel>) -> PyResult<PyChannel> {
    Ok(PyChannel {
        inner: Arc::new(c.py()?),
    })
}

/// A 2x2 confusion matrix ``P(read j | true i)`` from nested sequences.
pub(crate) fn readout(probabilities: &Bound<'_, PyAny>) -> PyResult<ReadoutError> {
    let rows: Vec<Vec<f64>> = probabilities.extract()?;
    if rows.len() != 2 || rows.iter().any(|r| r.len() != 2) {
        return Err(crate::errors::raise(
            crate::errors::Kind::InvalidArgument,
            "a readout error is a 2x2 matrix [[P(0|0), P(1|0)], [P(0|1), P(1|1)]]".into(),
            &[],
        ));
    }
    ReadoutError::new([[rows[0][0], rows[0][1]], [rows[1][0], rows[1][1]]]).py()
}

/// A `dim x dim` complex 2-D array from row-major entries.
pub(crate) fn matrix_array(
    py: Python<'_>,
    dim: usize,
    data: Vec<ferroq::Complex64>,
) -> Bound<'_, PyAny> {
    use numpy::{PyArray1, PyArrayMethods};
    let flat = PyArray1::<ferroq::Complex64>::from_vec(py, data);
    match flat.reshape([dim, dim]) {
        Ok(a) => a.into_any(),
        Err(_) => flat.into_any(),
    }
}

/// Gate names from a string or a sequence of strings.
fn names(gates: &Bound<'_, PyAny>) -> PyResult<Vec<String>> {
    if let Ok(s) = gates.extract::<String>() {
        return Ok(vec![s]);
    }
    gates.extract()
}

#[pymethods]
impl PyChannel {
    /// X with probability ``p``.
    #[staticmethod]
    fn bit_flip(p: f64) -> PyResult<Self> {
        wrap(Channel::bit_flip(p))
    }
    /// Z with probability ``p``.
    #[staticmethod]
    fn phase_flip(p: f64) -> PyResult<Self> {
        wrap(Channel::phase_flip(p))
    }
    /// X, Y, Z with probabilities ``px``, ``py``, ``pz``.
    #[staticmethod]
    fn pauli(px: f64, py: f64, pz: f64) -> PyResult<Self> {
        wrap(Channel::pauli(px, py, pz))
    }
    /// ``(1-p) ρ + p I/2^k`` on ``num_qubits`` (1 or 2) qubits (Qiskit's convention).
    #[staticmethod]
    #[pyo3(signature = (p, num_qubits = 1))]
    fn depolarizing(p: f64, num_qubits: u32) -> PyResult<Self> {
        wrap(Channel::depolarizing(p, num_qubits))
    }
    /// Relaxation to ``|0>`` with probability ``gamma``.
    #[staticmethod]
    fn amplitude_damping(gamma: f64) -> PyResult<Self> {
        wrap(Channel::amplitude_damping(gamma))
    }
    /// Relaxation with probability ``gamma`` towards a thermal state with excited
    /// population ``excited_population``.
    #[staticmethod]
    fn generalized_amplitude_damping(gamma: f64, excited_population: f64) -> PyResult<Self> {
        wrap(Channel::generalized_amplitude_damping(
            gamma,
            excited_population,
        ))
    }
    /// Coherences shrink by ``sqrt(1 - lam)``.
    #[staticmethod]
    fn phase_damping(lam: f64) -> PyResult<Self> {
        wrap(Channel::phase_damping(lam))
    }
    /// Thermal relaxation over ``time`` with ``t1`` and ``t2`` (``t2 <= 2 t1``).
    #[staticmethod]
    #[pyo3(signature = (t1, t2, time, excited_population = 0.0))]
    fn thermal_relaxation(t1: f64, t2: f64, time: f64, excited_population: f64) -> PyResult<Self> {
        wrap(Channel::thermal_relaxation(
            t1,
            t2,
            time,
            excited_population,
        ))
    }
    /// Reset to ``|0>`` with probability ``p0``, to ``|1>`` with ``p1``.
    #[staticmethod]
    fn reset_error(p0: f64, p1: f64) -> PyResult<Self> {
        wrap(Channel::reset_error(p0, p1))
    }
    /// A general channel from Kraus operators (2-D arrays of size ``2^k``, k ≤ 3).
    #[staticmethod]
    fn kraus(operators: Vec<Bound<'_, PyAny>>) -> PyResult<Self> {
        let ms = operators
            .iter()
            .map(crate::convert::matrix)
            .collect::<PyResult<Vec<_>>>()?;
        wrap(Channel::kraus(ms))
    }
    /// ``Σ p_i U_i ρ U_i†`` from ``(probability, unitary)`` pairs.
    #[staticmethod]
    fn mixed_unitary(terms: Vec<(f64, Bound<'_, PyAny>)>) -> PyResult<Self> {
        let ts = terms
            .iter()
            .map(|(p, u)| Ok((*p, crate::convert::matrix(u)?)))
            .collect::<PyResult<Vec<_>>>()?;
        wrap(Channel::mixed_unitary(ts))
    }
    /// The channel's name.
    #[getter]
    fn name(&self) -> String {
        self.inner.name().to_string()
    }
    /// Qubits it acts on.
    #[getter]
    fn num_qubits(&self) -> u32 {
        self.inner.num_qubits()
    }
    /// ``True`` if it is a unitary mixture (drawn without touching the state).
    #[getter]
    fn is_mixed_unitary(&self) -> bool {
        self.inner.mixture().is_some()
    }
    /// Its Kraus operators as a list of complex 2-D arrays.
    fn kraus_operators<'py>(&self, py: Python<'py>) -> Vec<Bound<'py, PyAny>> {
        self.inner
            .kraus_operators()
            .iter()
            .map(|m| matrix_array(py, m.dim(), m.data().to_vec()))
            .collect()
    }
    fn __repr__(&self) -> String {
        format!(
            "Channel('{}', num_qubits={})",
            self.inner.name(),
            self.inner.num_qubits()
        )
    }
}

/// Noise attached to circuits before they run, with Qiskit Aer's rules: channels after
/// gates by name (on every qubit, or on given qubits, which then replaces the all-qubit
/// error), errors on ``"measure"`` just before a measurement, readout errors on the
/// classical bit a measurement writes. Give it to ``Simulator(noise_model=...)``.
#[pyclass(module = "ferroq", name = "NoiseModel")]
#[derive(Clone, Default)]
pub struct PyNoiseModel {
    pub(crate) inner: NoiseModel,
}

#[pymethods]
impl PyNoiseModel {
    #[new]
    fn new() -> Self {
        Self::default()
    }
    /// ``channel`` after every gate named in ``gates`` (a name or a list of names). A
    /// one-qubit channel on a multi-qubit gate acts on each of its qubits.
    fn add_all_qubit_quantum_error(
        &mut self,
        channel: &PyChannel,
        gates: &Bound<'_, PyAny>,
    ) -> PyResult<()> {
        let g = names(gates)?;
        let g: Vec<&str> = g.iter().map(String::as_str).collect();
        self.inner
            .add_all_qubit_error((*channel.inner).clone(), &g)
            .py()?;
        Ok(())
    }
    /// ``channel`` after every gate named in ``gates`` acting on exactly ``qubits``.
    fn add_quantum_error(
        &mut self,
        channel: &PyChannel,
        gates: &Bound<'_, PyAny>,
        qubits: &Bound<'_, PyAny>,
    ) -> PyResult<()> {
        let g = names(gates)?;
        let g: Vec<&str> = g.iter().map(String::as_str).collect();
        let qs = int_list(qubits, "qubits")?
            .into_iter()
            .map(|q| crate::convert::index(q, "qubit", u32::MAX))
            .collect::<PyResult<Vec<u32>>>()?;
        self.inner
            .add_qubit_error((*channel.inner).clone(), &g, &qs)
            .py()?;
        Ok(())
    }
    /// A readout error (``[[P(0|0), P(1|0)], [P(0|1), P(1|1)]]``) on every measurement.
    fn add_all_qubit_readout_error(&mut self, probabilities: &Bound<'_, PyAny>) -> PyResult<()> {
        self.inner
            .add_all_qubit_readout_error(readout(probabilities)?);
        Ok(())
    }
    /// A readout error on measurements of ``qubit``.
    fn add_readout_error(&mut self, probabilities: &Bound<'_, PyAny>, qubit: u32) -> PyResult<()> {
        self.inner.add_readout_error(readout(probabilities)?, qubit);
        Ok(())
    }
    /// Gate names that carry an error.
    #[getter]
    fn noisy_gates(&self) -> Vec<String> {
        self.inner.noisy_gates()
    }
    /// ``True`` if the model adds nothing.
    fn is_empty(&self) -> bool {
        self.inner.is_empty()
    }
    fn __repr__(&self) -> String {
        format!("NoiseModel(noisy_gates={:?})", self.inner.noisy_gates())
    }
}
