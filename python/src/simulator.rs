//! `ferroq.Simulator`: runs whole circuits and whole batches in one call, GIL released.

use crate::circuit::PyCircuit;
use crate::convert::{batch_sets, binding, table_array, u64_arg, Table};
use crate::detach::detached;
use crate::errors::{raise, IntoPyResult, Kind};
use crate::result::{counts_dict, PyRunResult, SeedSource};
use ferroq::{
    AnyBackend, BackendConfig, BackendKind, Circuit, CompileOptions, Error, Operation, Output,
    OutputData, Precision, Readout, Simulator, SimulatorOptions, StateVector,
};
use pyo3::prelude::*;
use std::collections::BTreeMap;
use std::sync::Arc;

/// Runs circuits on one backend.
///
/// ``backend`` is ``"cpu"``, ``"wgpu"``, ``"auto"`` (a hardware GPU when present, else
/// the CPU) or ``"mpi"`` (the state split over the ranks of ``mpirun``; in a package
/// built with ``MATURIN_PEP517_ARGS="--features mpi"``, every rank running the same
/// script and getting the same results; ``threads`` is then per rank); ``precision`` is ``"single"`` (complex64) or ``"double"`` (complex128),
/// by default double on the CPU and single on the GPU; ``threads`` caps the CPU
/// worker threads (default: all cores); ``seed`` makes measurements and sampling
/// reproducible; ``noise_model`` (a ``NoiseModel``) is applied to every circuit, which
/// then runs as quantum trajectories (``sample``: one trajectory per shot, readout
/// errors applied; ``expectation``: the mean over 1000 trajectories, see
/// ``expectation_estimate``; ``run``/``statevector``: one trajectory; ``run_batch``: one
/// trajectory per row). Every simulating call hands the whole circuit (or batch) to
/// Rust and releases the GIL until it is done.
#[pyclass(frozen, module = "ferroq", name = "Simulator")]
pub struct PySimulator {
    inner: Simulator,
    seeds: SeedSource,
}

/// The owned Rust circuit behind a Python `Circuit` (an O(1) `Arc` clone).
fn owned(circuit: &Bound<'_, PyCircuit>) -> Arc<Circuit> {
    circuit.borrow().inner.clone()
}

fn has_measurements(c: &Circuit) -> bool {
    c.instructions()
        .iter()
        .any(|i| matches!(i.op, Operation::Measure { .. }))
}

/// Flattens batch outputs into one row-major table with `cols` values per row.
fn flatten(outputs: Vec<Output>) -> ferroq::Result<(usize, Table)> {
    let mut cols = 0;
    let mut table: Option<Table> = None;
    for o in outputs {
        match (o.data, &mut table) {
            (OutputData::Expectations(v) | OutputData::Probabilities(v), t) => {
                cols = v.len();
                match t {
                    Some(Table::Real(all)) => all.extend(v),
                    _ => *t = Some(Table::Real(v)),
                }
            }
            (OutputData::StateVector(StateVector::Single(v)), t) => {
                cols = v.len();
                match t {
                    Some(Table::Single(all)) => all.extend(v),
                    _ => *t = Some(Table::Single(v)),
                }
            }
            (OutputData::StateVector(StateVector::Double(v)), t) => {
                cols = v.len();
                match t {
                    Some(Table::Double(all)) => all.extend(v),
                    _ => *t = Some(Table::Double(v)),
                }
            }
            _ => return Err(Error::invalid("unexpected batch output")),
        }
    }
    Ok((cols, table.unwrap_or(Table::Real(Vec::new()))))
}

impl PySimulator {
    /// Refuses (before running) a batch whose `rows` state vectors or probability
    /// rows would not fit in the memory the backend may use.
    fn check_batch_fits(&self, rows: usize, num_qubits: u32) -> PyResult<()> {
        use ferroq::Backend;
        let max = self.inner.backend().max_qubits();
        let amp = self.inner.precision().amplitude_bytes() as u128;
        let wanted = (rows as u128).saturating_mul(1u128 << num_qubits.min(100));
        if wanted > 1u128 << max {
            return Err(raise(
                Kind::OutOfMemory,
                format!(
                    "a batch of {rows} outputs of 2^{num_qubits} values needs {} bytes but only \
                     {} bytes are available; pass observables to get expectation values instead",
                    wanted.saturating_mul(amp),
                    (1u128 << max) * amp
                ),
                &[],
            ));
        }
        Ok(())
    }
}

#[pymethods]
impl PySimulator {
    /// Creates a simulator (and its backend: thread pool or GPU device).
    #[new]
    ///
    /// ``threads`` applies to the CPU backend and ``adapter`` to the GPU backend: giving
    /// one to a backend that has no use for it is an ``InvalidArgumentError`` (with
    /// ``backend="auto"`` each applies to whichever is chosen). ``memory_limit`` caps
    /// the bytes of one state on either backend.
    #[pyo3(signature = (backend = "auto", precision = None, threads = None, seed = None, *, memory_limit = None, adapter = None, fusion = true, noise_model = None))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        backend: &str,
        precision: Option<&str>,
        threads: Option<&Bound<'_, PyAny>>,
        seed: Option<&Bound<'_, PyAny>>,
        memory_limit: Option<&Bound<'_, PyAny>>,
        adapter: Option<String>,
        fusion: bool,
        noise_model: Option<PyRef<'_, crate::noise::PyNoiseModel>>,
    ) -> PyResult<Self> {
        let kind: BackendKind = backend.parse().py()?;
        // Any int: the CPU backend refuses counts above its cap with a clear message.
        let threads = threads
            .map(|t| u64_arg(t, "threads"))
            .transpose()?
            .map(|t| usize::try_from(t).unwrap_or(usize::MAX));
        let seed = seed.map(|s| u64_arg(s, "seed")).transpose()?;
        let memory_limit = memory_limit
            .map(|m| u64_arg(m, "memory_limit"))
            .transpose()?;
        match (kind, threads.is_some(), adapter.is_some()) {
            (BackendKind::Wgpu, true, _) => {
                return Err(raise(
                    Kind::InvalidArgument,
                    "threads applies to the CPU backend; the wgpu backend has no worker threads"
                        .into(),
                    &[],
                ))
            }
            (BackendKind::Cpu, _, true) => {
                return Err(raise(
                    Kind::InvalidArgument,
                    "adapter applies to the wgpu backend; the CPU backend has no adapter".into(),
                    &[],
                ))
            }
            _ => {}
        }
        let mut config = BackendConfig::of_kind(kind)
            .with_threads(threads)
            .with_adapter(adapter)
            .with_memory_limit(memory_limit);
        if let Some(p) = precision {
            config = config.with_precision(p.parse::<Precision>().py()?);
        }
        let options = SimulatorOptions {
            backend: config,
            seed,
            compile: if fusion {
                None
            } else {
                Some(CompileOptions::unfused())
            },
            noise: noise_model.map(|m| m.inner.clone()),
        };
        let inner = detached(py, move |_| Simulator::with_options(options))?;
        Ok(PySimulator {
            inner,
            seeds: SeedSource::new(seed),
        })
    }

    /// The backend's name: ``"cpu"``, ``"wgpu"`` or ``"mpi"``.
    #[getter]
    fn backend(&self) -> String {
        self.inner.backend_name().to_string()
    }

    /// ``"single"`` or ``"double"``.
    #[getter]
    fn precision(&self) -> String {
        self.inner.precision().to_string()
    }

    /// CPU worker threads (``None`` for a GPU backend).
    #[getter]
    fn threads(&self) -> Option<usize> {
        match self.inner.backend() {
            AnyBackend::Cpu(b) => Some(b.threads()),
            AnyBackend::Mpi(b) => Some(b.threads()),
            AnyBackend::Wgpu(_) => None,
        }
    }

    /// The seed given at construction.
    #[getter]
    fn seed(&self) -> Option<u64> {
        self.inner.options().seed
    }

    /// The largest qubit count this backend can hold.
    #[getter]
    fn max_qubits(&self) -> u32 {
        use ferroq::Backend;
        self.inner.backend().max_qubits()
    }

    fn __repr__(&self) -> String {
        let threads = self.threads().map_or("None".to_string(), |t| t.to_string());
        let seed = self.seed().map_or("None".to_string(), |s| s.to_string());
        format!(
            "Simulator(backend='{}', precision='{}', threads={threads}, seed={seed})",
            self.backend(),
            self.precision()
        )
    }

    /// Runs ``circuit`` from ``|0...0>`` with ``params`` bound; returns the final state.
    #[pyo3(signature = (circuit, params = None))]
    fn run(
        &self,
        py: Python<'_>,
        circuit: &Bound<'_, PyCircuit>,
        params: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<PyRunResult> {
        let c = owned(circuit);
        let b = binding(params)?;
        let result = detached(py, |interrupt| {
            let hook = || interrupt.poll();
            self.inner.interruptible(&hook).run(&c, &b)
        })?;
        Ok(PyRunResult::new(result, self.seeds.child()))
    }

    /// The final state vector of ``circuit`` (shorthand for ``run(...).statevector``).
    #[pyo3(signature = (circuit, params = None))]
    fn statevector<'py>(
        &self,
        py: Python<'py>,
        circuit: &Bound<'py, PyCircuit>,
        params: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let c = owned(circuit);
        let b = binding(params)?;
        let sv = detached(py, |interrupt| {
            let hook = || interrupt.poll();
            self.inner
                .interruptible(&hook)
                .run(&c, &b)?
                .into_state_vector()
        })?;
        Ok(crate::convert::statevector_array(py, sv))
    }

    /// Draws ``shots`` outcomes; returns bitstring counts with qubit (or classical bit)
    /// 0 rightmost. With measurements the bitstrings are the classical register;
    /// without, all qubits.
    #[pyo3(signature = (circuit, shots = None, params = None))]
    fn sample(
        &self,
        py: Python<'_>,
        circuit: &Bound<'_, PyCircuit>,
        shots: Option<&Bound<'_, PyAny>>,
        params: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Py<PyAny>> {
        let shots = crate::convert::shots_arg(shots)?;
        let c = owned(circuit);
        let b = binding(params)?;
        let width = if has_measurements(&c) {
            c.num_clbits()
        } else {
            c.num_qubits()
        };
        let counts = detached(py, |interrupt| {
            let hook = || interrupt.poll();
            let outcomes = self.inner.interruptible(&hook).sample(&c, shots, &b)?;
            let mut counts = BTreeMap::new();
            for o in outcomes {
                *counts.entry(o).or_insert(0u64) += 1;
            }
            Ok(counts)
        })?;
        counts_dict(py, &counts, width)
    }

    /// The expectation value of ``observable`` (an ``Observable`` or a string such as
    /// ``"0.5*ZZI - XIX"``) in the final state.
    #[pyo3(signature = (circuit, observable, params = None))]
    fn expectation(
        &self,
        py: Python<'_>,
        circuit: &Bound<'_, PyCircuit>,
        observable: &Bound<'_, PyAny>,
        params: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<f64> {
        let c = owned(circuit);
        let o = crate::convert::observable(observable)?;
        let b = binding(params)?;
        detached(py, |interrupt| {
            let hook = || interrupt.poll();
            self.inner.interruptible(&hook).expectation(&c, &o, &b)
        })
    }

    /// The expectation value of ``observable`` as ``(mean, standard_error)`` over
    /// ``trajectories`` trajectories of the noisy circuit (exact, with error 0.0, for a
    /// circuit without noise).
    #[pyo3(signature = (circuit, observable, params = None, *, trajectories = 1000))]
    fn expectation_estimate(
        &self,
        py: Python<'_>,
        circuit: &Bound<'_, PyCircuit>,
        observable: &Bound<'_, PyAny>,
        params: Option<&Bound<'_, PyAny>>,
        trajectories: usize,
    ) -> PyResult<(f64, f64)> {
        let c = owned(circuit);
        let o = crate::convert::observable(observable)?;
        let b = binding(params)?;
        let e = detached(py, |interrupt| {
            let hook = || interrupt.poll();
            self.inner.interruptible(&hook).expectation_estimates(
                &c,
                std::slice::from_ref(&o),
                &b,
                trajectories,
            )
        })?;
        Ok((e[0].mean, e[0].std_error))
    }

    /// The exact final density matrix of ``circuit`` with the noise model applied (a
    /// complex ``(2**n, 2**n)`` array; at most 14 qubits; measurements must be terminal).
    #[pyo3(signature = (circuit, params = None))]
    fn density_matrix<'py>(
        &self,
        py: Python<'py>,
        circuit: &Bound<'py, PyCircuit>,
        params: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let c = owned(circuit);
        let b = binding(params)?;
        let (dim, data) = detached(py, |_| {
            let dm = self.inner.density_matrix(&c, &b)?;
            let dim = 1usize << dm.num_qubits();
            let mut data = Vec::with_capacity(dim * dim);
            for r in 0..dim {
                for col in 0..dim {
                    data.push(dm.get(r, col));
                }
            }
            Ok((dim, data))
        })?;
        Ok(crate::noise::matrix_array(py, dim, data))
    }

    /// Runs ``circuit`` once per parameter set, in one call.
    ///
    /// ``params`` is a dict of names to 1-D arrays of one length ``B`` (scalars are
    /// broadcast) or a list of ``B`` dicts. With ``observables`` the result is a float64
    /// array of shape ``(B, len(observables))``; otherwise ``readout`` picks
    /// ``"statevector"`` (complex, ``(B, 2**n)``) or ``"probabilities"`` (float64,
    /// ``(B, 2**n)``). Small states run items in parallel, large ones one at a time on
    /// all cores. Ctrl-C interrupts between items with ``KeyboardInterrupt``.
    #[pyo3(signature = (circuit, params, observables = None, *, readout = "statevector"))]
    fn run_batch<'py>(
        &self,
        py: Python<'py>,
        circuit: &Bound<'py, PyCircuit>,
        params: &Bound<'py, PyAny>,
        observables: Option<&Bound<'py, PyAny>>,
        readout: &str,
    ) -> PyResult<Bound<'py, PyAny>> {
        let c = owned(circuit);
        let sets = batch_sets(params)?;
        let request = match observables {
            Some(o) => Readout::Expectation(crate::convert::observables(o)?),
            None => match readout {
                "statevector" => Readout::StateVector,
                "probabilities" => Readout::Probabilities,
                other => {
                    return Err(raise(
                        Kind::InvalidArgument,
                        format!(
                            "unknown readout `{other}`: expected \"statevector\" or \"probabilities\" (or pass observables)"
                        ),
                        &[],
                    ))
                }
            },
        };
        let rows = sets.len();
        if !matches!(request, Readout::Expectation(_)) {
            self.check_batch_fits(rows, c.num_qubits())?;
        }
        let (cols, table) = detached(py, |interrupt| {
            let hook = || interrupt.poll();
            let outputs = self
                .inner
                .interruptible(&hook)
                .run_batch(&c, &sets, &request)?;
            flatten(outputs)
        })?;
        let cols = match &request {
            Readout::Expectation(o) => o.len(),
            _ if rows == 0 => 1usize << c.num_qubits().min(40),
            _ => cols,
        };
        table_array(py, rows, cols, table)
    }

    /// Expectation values and their gradient by the adjoint method (one forward run
    /// and one backward sweep, whatever the number of parameters).
    ///
    /// Returns ``(values, jacobian)``: float64 arrays of shapes ``(k,)`` and ``(k, p)``
    /// for ``k`` observables (a single observable counts as a list of one) and the
    /// circuit's ``p`` parameters in ``circuit.parameters`` order; ``jacobian[i, j]``
    /// is ``d<O_i>/d(parameter j)``, chained through affine parameter expressions.
    /// Circuits with measurement, reset or classical conditions raise
    /// ``InvalidArgumentError``; a parameter without a value raises
    /// ``UnboundParameterError``. The GIL is released; Ctrl-C interrupts.
    #[pyo3(signature = (circuit, observables, params = None))]
    fn gradient<'py>(
        &self,
        py: Python<'py>,
        circuit: &Bound<'py, PyCircuit>,
        observables: &Bound<'py, PyAny>,
        params: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<(Bound<'py, PyAny>, Bound<'py, PyAny>)> {
        let c = owned(circuit);
        let o = crate::convert::observables(observables)?;
        let b = binding(params)?;
        let p = c.parameters().len();
        let g = detached(py, |interrupt| {
            let hook = || interrupt.poll();
            self.inner.interruptible(&hook).gradient(&c, &o, &b)
        })?;
        let k = g.values.len();
        let values = table_array(py, 1, k, Table::Real(g.values))?.call_method1("reshape", (k,))?;
        let jacobian = table_array(py, k, p, Table::Real(g.jacobian.concat()))?;
        Ok((values, jacobian))
    }

    /// :meth:`gradient` for a batch of parameter sets, in one call (``params`` as in
    /// :meth:`run_batch`). Returns ``(values, jacobian)`` of shapes ``(B, k)`` and
    /// ``(B, k, p)``. Small states run items in parallel, large ones one at a time on
    /// all cores.
    fn gradient_batch<'py>(
        &self,
        py: Python<'py>,
        circuit: &Bound<'py, PyCircuit>,
        observables: &Bound<'py, PyAny>,
        params: &Bound<'py, PyAny>,
    ) -> PyResult<(Bound<'py, PyAny>, Bound<'py, PyAny>)> {
        let c = owned(circuit);
        let o = crate::convert::observables(observables)?;
        let sets = batch_sets(params)?;
        let (rows, k, p) = (sets.len(), o.len(), c.parameters().len());
        let all = detached(py, |interrupt| {
            let hook = || interrupt.poll();
            self.inner
                .interruptible(&hook)
                .gradient_batch(&c, &o, &sets)
        })?;
        let mut values = Vec::with_capacity(rows * k);
        let mut jacobian = Vec::with_capacity(rows * k * p);
        for g in all {
            values.extend(g.values);
            for row in g.jacobian {
                jacobian.extend(row);
            }
        }
        let values = table_array(py, rows, k, Table::Real(values))?;
        let jacobian = table_array(py, rows, k * p, Table::Real(jacobian))?
            .call_method1("reshape", (rows, k, p))?;
        Ok((values, jacobian))
    }

    /// Expectation values and the vector–Jacobian product ``sum_i cotangent[i] *
    /// jacobian[i, :]`` (shape ``(p,)``), with the observables folded into one
    /// Hamiltonian: three state vectors whatever their number (the form a machine-
    /// learning framework's backward pass calls). Returns ``(values, vjp)``.
    #[pyo3(signature = (circuit, observables, cotangent, params = None))]
    fn vjp<'py>(
        &self,
        py: Python<'py>,
        circuit: &Bound<'py, PyCircuit>,
        observables: &Bound<'py, PyAny>,
        cotangent: Vec<f64>,
        params: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<(Bound<'py, PyAny>, Bound<'py, PyAny>)> {
        let c = owned(circuit);
        let o = crate::convert::observables(observables)?;
        let b = binding(params)?;
        let r = detached(py, |interrupt| {
            let hook = || interrupt.poll();
            self.inner.interruptible(&hook).vjp(&c, &o, &cotangent, &b)
        })?;
        let (k, p) = (r.values.len(), r.gradient.len());
        let values = table_array(py, 1, k, Table::Real(r.values))?.call_method1("reshape", (k,))?;
        let grad = table_array(py, 1, p, Table::Real(r.gradient))?.call_method1("reshape", (p,))?;
        Ok((values, grad))
    }
}
