//! `ferroq.Circuit`: the chainable circuit builder.
//!
//! The Rust circuit sits behind an `Arc`, copied on write: a simulating call takes an
//! `Arc` clone (its owned input) in O(1), and a builder call that finds the circuit
//! shared with a running simulation copies it first, so the two never interfere.

use crate::convert::{count, index, int_list, param};
use crate::errors::{raise, IntoPyResult, Kind};
use crate::instruction::PyInstruction;
use ferroq::{Circuit, CompileOptions, Condition, Gate, Instruction, Operation, Param, Program};
use pyo3::prelude::*;
use pyo3::types::PyTuple;
use std::sync::{Arc, Mutex};

/// A quantum circuit on ``num_qubits`` qubits and ``num_clbits`` classical bits.
///
/// Builder methods append an instruction and return the circuit, so calls chain:
/// ``Circuit(3).h(0).cx(0, 1).cx(1, 2)``. Each instruction is checked when added
/// (qubit range, distinct operands, finite angles, unitary matrices). A parameter is a
/// number or a name (``"theta"``) or affine expression (``"2*theta + 0.1"``) bound when
/// the circuit runs. Qubit 0 is the least significant bit of a basis-state index.
#[pyclass(module = "ferroq", name = "Circuit")]
pub struct PyCircuit {
    pub(crate) inner: Arc<Circuit>,
    /// The last compilation of `inner` and the options it used, so running the same
    /// circuit again skips validation and fusion; every edit clears it.
    pub(crate) compiled: ProgramCache,
}

/// A compiled program with the options it was compiled under.
type Compiled = (CompileOptions, Arc<Program>);

/// A circuit's last compiled program, keyed by the compile options.
#[derive(Default, Clone)]
pub(crate) struct ProgramCache(Arc<Mutex<Option<Compiled>>>);

impl ProgramCache {
    /// The program of `circuit` under `options`: the cached one when the options match,
    /// else `compile()`'s, which is then cached.
    pub(crate) fn get_or_compile(
        &self,
        options: &CompileOptions,
        compile: impl FnOnce() -> ferroq::Result<Program>,
    ) -> ferroq::Result<Arc<Program>> {
        if let Ok(slot) = self.0.lock() {
            if let Some((o, p)) = slot.as_ref() {
                if o == options {
                    return Ok(p.clone());
                }
            }
        }
        let program = Arc::new(compile()?);
        if let Ok(mut slot) = self.0.lock() {
            *slot = Some((options.clone(), program.clone()));
        }
        Ok(program)
    }
}

impl PyCircuit {
    /// Wraps a Rust circuit.
    pub(crate) fn from_circuit(c: Circuit) -> Self {
        PyCircuit {
            inner: Arc::new(c),
            compiled: ProgramCache::default(),
        }
    }

    /// The circuit, for an edit: the compiled program no longer matches, so it is
    /// dropped (and a copy sharing the circuit is left untouched).
    fn edit(&mut self) -> &mut Circuit {
        self.compiled = ProgramCache::default();
        Arc::make_mut(&mut self.inner)
    }

    fn qubits(&self, qs: &[i64]) -> PyResult<Vec<u32>> {
        let n = self.inner.num_qubits();
        qs.iter().map(|&q| index(q, "qubit", n)).collect()
    }

    fn gate_instruction(
        &self,
        gate: Gate,
        controls: &[i64],
        targets: &[i64],
    ) -> PyResult<Instruction> {
        let ins = Instruction {
            op: Operation::Gate {
                gate,
                targets: self.qubits(targets)?,
                controls: self.qubits(controls)?,
            },
            condition: None,
        };
        self.inner.validate_instruction(&ins).py()?;
        Ok(ins)
    }

    /// Validates and appends a gate.
    fn push(&mut self, gate: Gate, controls: &[i64], targets: &[i64]) -> PyResult<()> {
        let ins = self.gate_instruction(gate, controls, targets)?;
        self.edit().push(ins);
        Ok(())
    }
}

/// Most classical bits a circuit may have (as the OpenQASM reader allows).
const MAX_CLBITS: u32 = 1 << 20;

fn clbit_index(value: i64) -> PyResult<u32> {
    match u32::try_from(value) {
        Ok(v) if v < MAX_CLBITS => Ok(v),
        _ => Err(raise(
            Kind::QubitIndex,
            format!(
                "classical bit {value} is out of range (0 to {})",
                MAX_CLBITS - 1
            ),
            &[],
        )),
    }
}

type Chain<'py> = PyResult<PyRefMut<'py, PyCircuit>>;

macro_rules! chain {
    ($slf:ident, $gate:expr, $controls:expr, $targets:expr) => {{
        $slf.push($gate, $controls, $targets)?;
        Ok($slf)
    }};
}

#[pymethods]
impl PyCircuit {
    /// An empty circuit on ``num_qubits`` qubits and ``num_clbits`` classical bits
    /// (measurements add classical bits as needed).
    #[new]
    #[pyo3(signature = (num_qubits, num_clbits = 0))]
    fn new(num_qubits: i64, num_clbits: i64) -> PyResult<Self> {
        Ok(Self::from_circuit(Circuit::with_clbits(
            count(num_qubits, "num_qubits")?,
            clbit_index(num_clbits)?,
        )))
    }

    /// Number of qubits.
    #[getter]
    fn num_qubits(&self) -> u32 {
        self.inner.num_qubits()
    }

    /// Number of classical bits.
    #[getter]
    fn num_clbits(&self) -> u32 {
        self.inner.num_clbits()
    }

    /// Names of the symbolic parameters, sorted.
    #[getter]
    fn parameters(&self) -> Vec<String> {
        self.inner.parameters()
    }

    /// The instructions, in order.
    #[getter]
    fn instructions(&self) -> Vec<PyInstruction> {
        self.inner
            .instructions()
            .iter()
            .map(|i| PyInstruction { inner: i.clone() })
            .collect()
    }

    /// Circuit depth: the longest chain of instructions sharing qubits or bits.
    fn depth(&self) -> usize {
        self.inner.depth()
    }

    /// A copy of the circuit.
    fn copy(&self) -> Self {
        PyCircuit {
            inner: self.inner.clone(),
            compiled: self.compiled.clone(),
        }
    }

    fn __copy__(&self) -> Self {
        self.copy()
    }

    fn __deepcopy__(&self, _memo: &Bound<'_, PyAny>) -> Self {
        self.copy()
    }

    /// A new circuit: this one followed by ``other``, whose qubit ``i`` is mapped to
    /// ``qubits[i]`` (identity if ``None``). With ``inplace=True`` this circuit is
    /// extended and returned instead.
    #[pyo3(signature = (other, qubits = None, *, inplace = false))]
    fn compose<'py>(
        slf: &Bound<'py, Self>,
        other: &Bound<'py, Self>,
        qubits: Option<&Bound<'py, PyAny>>,
        inplace: bool,
    ) -> PyResult<Bound<'py, Self>> {
        let other = other.borrow().inner.clone();
        let map = match qubits {
            Some(q) => {
                let n = slf.borrow().inner.num_qubits();
                Some(
                    int_list(q, "qubits")?
                        .into_iter()
                        .map(|q| index(q, "qubit", n))
                        .collect::<PyResult<Vec<u32>>>()?,
                )
            }
            None => None,
        };
        if inplace {
            let mut me = slf.borrow_mut();
            let mut c = (*me.inner).clone();
            c.compose(&other, map.as_deref()).py()?;
            *me.edit() = c;
            drop(me);
            Ok(slf.clone())
        } else {
            let mut c = (*slf.borrow().inner).clone();
            c.compose(&other, map.as_deref()).py()?;
            Bound::new(slf.py(), Self::from_circuit(c))
        }
    }

    fn __add__(&self, other: &Self) -> PyResult<Self> {
        let mut c = (*self.inner).clone();
        c.compose(&other.inner, None).py()?;
        Ok(Self::from_circuit(c))
    }

    fn __radd__(&self, other: &Self) -> PyResult<Self> {
        other.__add__(self)
    }

    fn __iadd__(&mut self, other: &Self) -> PyResult<()> {
        let mut c = (*self.inner).clone();
        c.compose(&other.inner, None).py()?;
        *self.edit() = c;
        Ok(())
    }

    /// The inverse circuit (gates reversed and inverted); fails for circuits that
    /// measure, reset or branch on classical bits.
    fn inverse(&self) -> PyResult<Self> {
        Ok(Self::from_circuit(self.inner.inverse().py()?))
    }

    fn __len__(&self) -> usize {
        self.inner.len()
    }

    fn __iter__(slf: &Bound<'_, Self>) -> PyResult<Py<PyAny>> {
        let list = pyo3::types::PyList::new(slf.py(), slf.borrow().instructions())?;
        Ok(list.try_iter()?.into_any().unbind())
    }

    fn __getitem__(&self, i: isize) -> PyResult<PyInstruction> {
        let n = self.inner.len() as isize;
        let j = if i < 0 { i + n } else { i };
        if j < 0 || j >= n {
            return Err(pyo3::exceptions::PyIndexError::new_err(format!(
                "instruction index {i} is out of range for a circuit of {n} instructions"
            )));
        }
        Ok(PyInstruction {
            inner: self.inner.instructions()[j as usize].clone(),
        })
    }

    fn __eq__(&self, other: &Self) -> bool {
        self.inner == other.inner
    }

    #[classattr]
    const __hash__: Option<Py<PyAny>> = None;

    fn __repr__(&self) -> String {
        format!(
            "Circuit(num_qubits={}, num_clbits={}, instructions={}, parameters={})",
            self.inner.num_qubits(),
            self.inner.num_clbits(),
            self.inner.len(),
            crate::convert::py_repr_list(&self.inner.parameters())
        )
    }

    fn __str__(&self) -> String {
        self.inner.to_string().trim_end().to_string()
    }

    /// Reads an OpenQASM 2.0 program.
    #[staticmethod]
    fn from_qasm(py: Python<'_>, text: &str) -> PyResult<Self> {
        let text = text.to_string();
        crate::detach::detached(py, move |_| ferroq::qasm::parse(&text)).map(Self::from_circuit)
    }

    /// Reads an OpenQASM 2.0 file (``str`` or ``os.PathLike`` path).
    #[staticmethod]
    fn from_qasm_file(py: Python<'_>, path: std::path::PathBuf) -> PyResult<Self> {
        let bytes = std::fs::read(&path)?;
        crate::detach::detached(py, move |_| {
            ferroq::qasm::parse(&String::from_utf8_lossy(&bytes))
        })
        .map(Self::from_circuit)
    }

    /// The circuit as OpenQASM 2.0 text (parameters must be numbers).
    fn to_qasm(&self) -> PyResult<String> {
        ferroq::qasm::to_qasm(&self.inner).py()
    }

    // ---- gates -----------------------------------------------------------------

    /// Identity on ``q``.
    fn id(mut slf: PyRefMut<'_, Self>, q: i64) -> Chain<'_> {
        chain!(slf, Gate::I, &[], &[q])
    }
    /// Pauli X on ``q``.
    fn x(mut slf: PyRefMut<'_, Self>, q: i64) -> Chain<'_> {
        chain!(slf, Gate::X, &[], &[q])
    }
    /// Pauli Y on ``q``.
    fn y(mut slf: PyRefMut<'_, Self>, q: i64) -> Chain<'_> {
        chain!(slf, Gate::Y, &[], &[q])
    }
    /// Pauli Z on ``q``.
    fn z(mut slf: PyRefMut<'_, Self>, q: i64) -> Chain<'_> {
        chain!(slf, Gate::Z, &[], &[q])
    }
    /// Hadamard on ``q``.
    fn h(mut slf: PyRefMut<'_, Self>, q: i64) -> Chain<'_> {
        chain!(slf, Gate::H, &[], &[q])
    }
    /// S (phase pi/2) on ``q``.
    fn s(mut slf: PyRefMut<'_, Self>, q: i64) -> Chain<'_> {
        chain!(slf, Gate::S, &[], &[q])
    }
    /// S-dagger on ``q``.
    fn sdg(mut slf: PyRefMut<'_, Self>, q: i64) -> Chain<'_> {
        chain!(slf, Gate::Sdg, &[], &[q])
    }
    /// T (phase pi/4) on ``q``.
    fn t(mut slf: PyRefMut<'_, Self>, q: i64) -> Chain<'_> {
        chain!(slf, Gate::T, &[], &[q])
    }
    /// T-dagger on ``q``.
    fn tdg(mut slf: PyRefMut<'_, Self>, q: i64) -> Chain<'_> {
        chain!(slf, Gate::Tdg, &[], &[q])
    }
    /// Square root of X on ``q``.
    fn sx(mut slf: PyRefMut<'_, Self>, q: i64) -> Chain<'_> {
        chain!(slf, Gate::SX, &[], &[q])
    }
    /// Inverse square root of X on ``q``.
    fn sxdg(mut slf: PyRefMut<'_, Self>, q: i64) -> Chain<'_> {
        chain!(slf, Gate::SXdg, &[], &[q])
    }

    /// X rotation ``exp(-i theta X / 2)`` on ``q``.
    fn rx<'py>(mut slf: PyRefMut<'py, Self>, theta: &Bound<'py, PyAny>, q: i64) -> Chain<'py> {
        chain!(slf, Gate::RX(param(theta)?), &[], &[q])
    }
    /// Y rotation ``exp(-i theta Y / 2)`` on ``q``.
    fn ry<'py>(mut slf: PyRefMut<'py, Self>, theta: &Bound<'py, PyAny>, q: i64) -> Chain<'py> {
        chain!(slf, Gate::RY(param(theta)?), &[], &[q])
    }
    /// Z rotation ``exp(-i theta Z / 2)`` on ``q``.
    fn rz<'py>(mut slf: PyRefMut<'py, Self>, theta: &Bound<'py, PyAny>, q: i64) -> Chain<'py> {
        chain!(slf, Gate::RZ(param(theta)?), &[], &[q])
    }
    /// Phase gate ``diag(1, e^{i lam})`` on ``q``.
    fn p<'py>(mut slf: PyRefMut<'py, Self>, lam: &Bound<'py, PyAny>, q: i64) -> Chain<'py> {
        chain!(slf, Gate::P(param(lam)?), &[], &[q])
    }
    /// General one-qubit gate ``U(theta, phi, lam)`` (OpenQASM convention) on ``q``.
    fn u<'py>(
        mut slf: PyRefMut<'py, Self>,
        theta: &Bound<'py, PyAny>,
        phi: &Bound<'py, PyAny>,
        lam: &Bound<'py, PyAny>,
        q: i64,
    ) -> Chain<'py> {
        chain!(
            slf,
            Gate::U(param(theta)?, param(phi)?, param(lam)?),
            &[],
            &[q]
        )
    }

    /// Controlled X (CNOT).
    fn cx(mut slf: PyRefMut<'_, Self>, control: i64, target: i64) -> Chain<'_> {
        chain!(slf, Gate::X, &[control], &[target])
    }
    /// Controlled Y.
    fn cy(mut slf: PyRefMut<'_, Self>, control: i64, target: i64) -> Chain<'_> {
        chain!(slf, Gate::Y, &[control], &[target])
    }
    /// Controlled Z.
    fn cz(mut slf: PyRefMut<'_, Self>, control: i64, target: i64) -> Chain<'_> {
        chain!(slf, Gate::Z, &[control], &[target])
    }
    /// Controlled Hadamard.
    fn ch(mut slf: PyRefMut<'_, Self>, control: i64, target: i64) -> Chain<'_> {
        chain!(slf, Gate::H, &[control], &[target])
    }
    /// Controlled phase.
    fn cp<'py>(
        mut slf: PyRefMut<'py, Self>,
        lam: &Bound<'py, PyAny>,
        control: i64,
        target: i64,
    ) -> Chain<'py> {
        chain!(slf, Gate::P(param(lam)?), &[control], &[target])
    }
    /// Controlled X rotation.
    fn crx<'py>(
        mut slf: PyRefMut<'py, Self>,
        theta: &Bound<'py, PyAny>,
        control: i64,
        target: i64,
    ) -> Chain<'py> {
        chain!(slf, Gate::RX(param(theta)?), &[control], &[target])
    }
    /// Controlled Y rotation.
    fn cry<'py>(
        mut slf: PyRefMut<'py, Self>,
        theta: &Bound<'py, PyAny>,
        control: i64,
        target: i64,
    ) -> Chain<'py> {
        chain!(slf, Gate::RY(param(theta)?), &[control], &[target])
    }
    /// Controlled Z rotation.
    fn crz<'py>(
        mut slf: PyRefMut<'py, Self>,
        theta: &Bound<'py, PyAny>,
        control: i64,
        target: i64,
    ) -> Chain<'py> {
        chain!(slf, Gate::RZ(param(theta)?), &[control], &[target])
    }
    /// Controlled ``e^{i gamma} U(theta, phi, lam)`` (Qiskit's ``cu``).
    #[pyo3(signature = (theta, phi, lam, gamma, control, target))]
    fn cu<'py>(
        mut slf: PyRefMut<'py, Self>,
        theta: &Bound<'py, PyAny>,
        phi: &Bound<'py, PyAny>,
        lam: &Bound<'py, PyAny>,
        gamma: &Bound<'py, PyAny>,
        control: i64,
        target: i64,
    ) -> Chain<'py> {
        let u = Gate::U(param(theta)?, param(phi)?, param(lam)?);
        let cu = slf.gate_instruction(u, &[control], &[target])?;
        let gamma = param(gamma)?;
        if gamma != Param::Value(0.0) {
            slf.push(Gate::P(gamma), &[], &[control])?;
        }
        slf.edit().push(cu);
        Ok(slf)
    }

    /// Swap of two qubits.
    fn swap(mut slf: PyRefMut<'_, Self>, a: i64, b: i64) -> Chain<'_> {
        chain!(slf, Gate::Swap, &[], &[a, b])
    }
    /// iSWAP of two qubits.
    fn iswap(mut slf: PyRefMut<'_, Self>, a: i64, b: i64) -> Chain<'_> {
        chain!(slf, Gate::ISwap, &[], &[a, b])
    }
    /// ``exp(-i theta XX / 2)`` on ``a``, ``b``.
    fn rxx<'py>(
        mut slf: PyRefMut<'py, Self>,
        theta: &Bound<'py, PyAny>,
        a: i64,
        b: i64,
    ) -> Chain<'py> {
        chain!(slf, Gate::RXX(param(theta)?), &[], &[a, b])
    }
    /// ``exp(-i theta YY / 2)`` on ``a``, ``b``.
    fn ryy<'py>(
        mut slf: PyRefMut<'py, Self>,
        theta: &Bound<'py, PyAny>,
        a: i64,
        b: i64,
    ) -> Chain<'py> {
        chain!(slf, Gate::RYY(param(theta)?), &[], &[a, b])
    }
    /// ``exp(-i theta ZZ / 2)`` on ``a``, ``b``.
    fn rzz<'py>(
        mut slf: PyRefMut<'py, Self>,
        theta: &Bound<'py, PyAny>,
        a: i64,
        b: i64,
    ) -> Chain<'py> {
        chain!(slf, Gate::RZZ(param(theta)?), &[], &[a, b])
    }
    /// Toffoli (doubly controlled X).
    fn ccx(mut slf: PyRefMut<'_, Self>, c0: i64, c1: i64, target: i64) -> Chain<'_> {
        chain!(slf, Gate::X, &[c0, c1], &[target])
    }
    /// Doubly controlled Z.
    fn ccz(mut slf: PyRefMut<'_, Self>, c0: i64, c1: i64, target: i64) -> Chain<'_> {
        chain!(slf, Gate::Z, &[c0, c1], &[target])
    }
    /// Fredkin (controlled swap).
    fn cswap(mut slf: PyRefMut<'_, Self>, control: i64, a: i64, b: i64) -> Chain<'_> {
        chain!(slf, Gate::Swap, &[control], &[a, b])
    }
    /// X on ``target`` controlled by every qubit in ``controls``.
    fn mcx<'py>(
        mut slf: PyRefMut<'py, Self>,
        controls: &Bound<'py, PyAny>,
        target: i64,
    ) -> Chain<'py> {
        let cs = int_list(controls, "controls")?;
        chain!(slf, Gate::X, &cs, &[target])
    }
    /// A custom unitary ``matrix`` (2-D array of size 2^k) on ``qubits``; ``qubits[0]``
    /// is the matrix's least significant bit. Checked unitary to 1e-8.
    fn unitary<'py>(
        mut slf: PyRefMut<'py, Self>,
        matrix: &Bound<'py, PyAny>,
        qubits: &Bound<'py, PyAny>,
    ) -> Chain<'py> {
        let m = crate::convert::matrix(matrix)?;
        let qs = int_list(qubits, "qubits")?;
        chain!(slf, Gate::Unitary(Arc::new(m)), &[], &qs)
    }

    // ---- non-unitary -------------------------------------------------------------

    /// Measures ``qubit`` into classical bit ``clbit`` (default: the same index);
    /// the classical register grows as needed.
    #[pyo3(signature = (qubit, clbit = None))]
    fn measure(mut slf: PyRefMut<'_, Self>, qubit: i64, clbit: Option<i64>) -> Chain<'_> {
        let q = index(qubit, "qubit", slf.inner.num_qubits())?;
        let c = clbit_index(clbit.unwrap_or(qubit))?;
        slf.edit().measure(q, c);
        Ok(slf)
    }

    /// Measures every qubit ``q`` into classical bit ``q``.
    fn measure_all(mut slf: PyRefMut<'_, Self>) -> Chain<'_> {
        slf.edit().measure_all();
        Ok(slf)
    }

    /// Resets ``qubit`` to ``|0>``.
    fn reset(mut slf: PyRefMut<'_, Self>, qubit: i64) -> Chain<'_> {
        let q = index(qubit, "qubit", slf.inner.num_qubits())?;
        slf.edit().reset(q);
        Ok(slf)
    }

    /// A barrier over ``qubits`` (all qubits if none are given): blocks gate fusion.
    #[pyo3(signature = (*qubits))]
    fn barrier<'py>(mut slf: PyRefMut<'py, Self>, qubits: &Bound<'py, PyTuple>) -> Chain<'py> {
        let mut qs = Vec::new();
        for q in qubits.iter() {
            qs.extend(int_list(&q, "qubits")?);
        }
        let qs = slf.qubits(&qs)?;
        slf.edit().barrier(&qs);
        Ok(slf)
    }

    /// Makes the last instruction conditional: it runs only if the classical bits
    /// ``clbits`` (an int or a list, least significant first) read as ``value``.
    fn c_if<'py>(
        mut slf: PyRefMut<'py, Self>,
        clbits: &Bound<'py, PyAny>,
        value: u64,
    ) -> Chain<'py> {
        let nb = slf.inner.num_clbits();
        let bits = int_list(clbits, "clbits")?
            .into_iter()
            .map(|b| index(b, "classical bit", nb))
            .collect::<PyResult<Vec<u32>>>()?;
        let Some(last) = slf.inner.instructions().last() else {
            return Err(raise(
                Kind::InvalidArgument,
                "c_if needs an instruction to condition: the circuit is empty".into(),
                &[],
            ));
        };
        if bits.len() < 64 && value >> bits.len() != 0 {
            return Err(raise(
                Kind::InvalidArgument,
                format!(
                    "value {value} does not fit in {} classical bits",
                    bits.len()
                ),
                &[],
            ));
        }
        let mut probe = last.clone();
        probe.condition = Some(Condition {
            clbits: bits.clone(),
            value,
        });
        slf.inner.validate_instruction(&probe).py()?;
        slf.edit().c_if(&bits, value);
        Ok(slf)
    }
}
