//! `ferroq.Circuit`: the chainable circuit builder.
//!
//! The Rust circuit sits behind an `Arc`, copied on write: a simulating call takes an
//! `Arc` clone (its owned input) in O(1), and a builder call that finds the circuit
//! shared with a running simulation copies it first, so the two never interfere.

use crate::convert::{count_arg, index, index_arg, int_list, param, u64_arg};
use crate::errors::{raise, IntoPyResult, Kind};
use crate::instruction::PyInstruction;
use ferroq::{Circuit, Condition, Gate, Instruction, Operation, Param};
use pyo3::prelude::*;
use pyo3::pycell::{PyBorrowError, PyBorrowMutError};
use pyo3::types::PyTuple;
use std::sync::Arc;

/// A quantum circuit on ``num_qubits`` qubits and ``num_clbits`` classical bits.
///
/// Builder methods append an instruction and return the circuit, so calls chain:
/// ``Circuit(3).h(0).cx(0, 1).cx(1, 2)``. Each instruction is checked when added
/// (qubit range, distinct operands, finite angles, unitary matrices). A parameter is a
/// number or a name (``"theta"``) or affine expression (``"2*theta + 0.1"``) bound when
/// the circuit runs. Qubit 0 is the least significant bit of a basis-state index.
#[pyclass(module = "ferroq", name = "Circuit")]
pub struct PyCircuit {
    /// The circuit. Its revision changes with every edit, so the simulator's cache of
    /// compiled plans (keyed on it) never serves a stale plan.
    pub(crate) inner: Arc<Circuit>,
}

impl PyCircuit {
    /// Wraps a Rust circuit.
    pub(crate) fn from_circuit(c: Circuit) -> Self {
        PyCircuit { inner: Arc::new(c) }
    }

    /// The circuit, for an edit (a copy sharing the circuit is left untouched).
    fn edit(&mut self) -> &mut Circuit {
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

    /// Validates and appends a noise channel on `qubits`; returns the circuit.
    fn push_channel<'py>(
        slf: &Bound<'py, Self>,
        channel: ferroq::Result<ferroq::Channel>,
        qubits: &[i64],
    ) -> Chain<'py> {
        let ins = Instruction {
            op: Operation::Channel {
                channel: Arc::new(channel.py()?),
                qubits: shared(slf)?.qubits(qubits)?,
            },
            condition: None,
        };
        shared(slf)?.inner.validate_instruction(&ins).py()?;
        exclusive(slf)?.edit().push(ins);
        Ok(slf.clone())
    }

    /// Validates and appends a gate whose arguments are already Rust values; returns
    /// the circuit for chaining.
    fn push<'py>(
        slf: &Bound<'py, Self>,
        gate: Gate,
        controls: &[i64],
        targets: &[i64],
    ) -> Chain<'py> {
        let ins = shared(slf)?.gate_instruction(gate, controls, targets)?;
        exclusive(slf)?.edit().push(ins);
        Ok(slf.clone())
    }
}

/// The error for a circuit used while one of its own edits is in progress (a
/// conversion of an argument ran Python code that uses the same circuit).
fn busy(detail: &str) -> PyErr {
    raise(
        Kind::InvalidArgument,
        format!(
            "the circuit is {detail}: an argument's conversion (`__index__`, `__float__`, \
             `__array__`, ...) or another thread used it during an edit; convert the \
             argument first"
        ),
        &[],
    )
}

/// Shared access to a circuit; a clear error, not a panic, while it is being edited.
fn shared<'py>(slf: &Bound<'py, PyCircuit>) -> PyResult<PyRef<'py, PyCircuit>> {
    slf.try_borrow()
        .map_err(|_: PyBorrowError| busy("being edited"))
}

/// Exclusive access to a circuit for an edit. Every builder call converts its Python
/// arguments to Rust values first and holds this only while no Python code can run,
/// so a simulation or another builder call never finds the circuit borrowed.
fn exclusive<'py>(slf: &Bound<'py, PyCircuit>) -> PyResult<PyRefMut<'py, PyCircuit>> {
    slf.try_borrow_mut()
        .map_err(|_: PyBorrowMutError| busy("in use"))
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

/// What a builder method returns: the circuit itself, for chaining.
type Chain<'py> = PyResult<Bound<'py, PyCircuit>>;

/// A qubit index argument.
fn qubit(obj: &Bound<'_, PyAny>) -> PyResult<i64> {
    index_arg(obj, "qubit")
}

#[pymethods]
impl PyCircuit {
    /// An empty circuit on ``num_qubits`` qubits and ``num_clbits`` classical bits
    /// (measurements add classical bits as needed).
    #[new]
    #[pyo3(
        signature = (num_qubits, num_clbits = None),
        text_signature = "(num_qubits, num_clbits=0)"
    )]
    fn new(num_qubits: &Bound<'_, PyAny>, num_clbits: Option<&Bound<'_, PyAny>>) -> PyResult<Self> {
        let num_qubits = count_arg(num_qubits, "num_qubits", u32::MAX)?;
        let num_clbits = match num_clbits {
            Some(n) => count_arg(n, "num_clbits", MAX_CLBITS - 1)?,
            None => 0,
        };
        Ok(Self::from_circuit(Circuit::with_clbits(
            num_qubits, num_clbits,
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
        let map = match qubits {
            Some(q) => Some(int_list(q, "qubits")?),
            None => None,
        };
        let other = shared(other)?.inner.clone();
        let map = match map {
            Some(m) => {
                let n = shared(slf)?.inner.num_qubits();
                Some(
                    m.into_iter()
                        .map(|q| index(q, "qubit", n))
                        .collect::<PyResult<Vec<u32>>>()?,
                )
            }
            None => None,
        };
        let mut c = (*shared(slf)?.inner).clone();
        c.compose(&other, map.as_deref()).py()?;
        if inplace {
            *exclusive(slf)?.edit() = c;
            Ok(slf.clone())
        } else {
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

    fn __iadd__(slf: &Bound<'_, Self>, other: &Bound<'_, Self>) -> PyResult<()> {
        let other = shared(other)?.inner.clone();
        let mut c = (*shared(slf)?.inner).clone();
        c.compose(&other, None).py()?;
        *exclusive(slf)?.edit() = c;
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

    /// Reads an OpenQASM 2.0 file (``str`` or ``os.PathLike`` path) of at most 64 MiB
    /// (a larger file, or an endless one such as ``/dev/zero``, is an
    /// ``InvalidArgumentError``; only that much is ever read).
    #[staticmethod]
    fn from_qasm_file(py: Python<'_>, path: std::path::PathBuf) -> PyResult<Self> {
        let file = std::fs::File::open(&path)?;
        let source = path.display().to_string();
        crate::detach::detached(py, move |_| {
            let bytes = ferroq::qasm::read_bounded(file, &source)?;
            ferroq::qasm::parse(&String::from_utf8_lossy(&bytes))
        })
        .map(Self::from_circuit)
    }

    /// The circuit as OpenQASM 2.0 text. Symbolic parameters are written as their
    /// values in ``params`` (a dict of names to numbers), which must bind them all.
    #[pyo3(signature = (params = None))]
    fn to_qasm(slf: &Bound<'_, Self>, params: Option<&Bound<'_, PyAny>>) -> PyResult<String> {
        let binding = crate::convert::binding(params)?;
        let circuit = shared(slf)?.inner.clone();
        ferroq::qasm::to_qasm_with(&circuit, &binding).py()
    }

    // ---- gates -----------------------------------------------------------------

    /// Identity on ``q``.
    fn id<'py>(slf: &Bound<'py, Self>, q: &Bound<'py, PyAny>) -> Chain<'py> {
        Self::push(slf, Gate::I, &[], &[qubit(q)?])
    }
    /// Pauli X on ``q``.
    fn x<'py>(slf: &Bound<'py, Self>, q: &Bound<'py, PyAny>) -> Chain<'py> {
        Self::push(slf, Gate::X, &[], &[qubit(q)?])
    }
    /// Pauli Y on ``q``.
    fn y<'py>(slf: &Bound<'py, Self>, q: &Bound<'py, PyAny>) -> Chain<'py> {
        Self::push(slf, Gate::Y, &[], &[qubit(q)?])
    }
    /// Pauli Z on ``q``.
    fn z<'py>(slf: &Bound<'py, Self>, q: &Bound<'py, PyAny>) -> Chain<'py> {
        Self::push(slf, Gate::Z, &[], &[qubit(q)?])
    }
    /// Hadamard on ``q``.
    fn h<'py>(slf: &Bound<'py, Self>, q: &Bound<'py, PyAny>) -> Chain<'py> {
        Self::push(slf, Gate::H, &[], &[qubit(q)?])
    }
    /// S (phase pi/2) on ``q``.
    fn s<'py>(slf: &Bound<'py, Self>, q: &Bound<'py, PyAny>) -> Chain<'py> {
        Self::push(slf, Gate::S, &[], &[qubit(q)?])
    }
    /// S-dagger on ``q``.
    fn sdg<'py>(slf: &Bound<'py, Self>, q: &Bound<'py, PyAny>) -> Chain<'py> {
        Self::push(slf, Gate::Sdg, &[], &[qubit(q)?])
    }
    /// T (phase pi/4) on ``q``.
    fn t<'py>(slf: &Bound<'py, Self>, q: &Bound<'py, PyAny>) -> Chain<'py> {
        Self::push(slf, Gate::T, &[], &[qubit(q)?])
    }
    /// T-dagger on ``q``.
    fn tdg<'py>(slf: &Bound<'py, Self>, q: &Bound<'py, PyAny>) -> Chain<'py> {
        Self::push(slf, Gate::Tdg, &[], &[qubit(q)?])
    }
    /// Square root of X on ``q``.
    fn sx<'py>(slf: &Bound<'py, Self>, q: &Bound<'py, PyAny>) -> Chain<'py> {
        Self::push(slf, Gate::SX, &[], &[qubit(q)?])
    }
    /// Inverse square root of X on ``q``.
    fn sxdg<'py>(slf: &Bound<'py, Self>, q: &Bound<'py, PyAny>) -> Chain<'py> {
        Self::push(slf, Gate::SXdg, &[], &[qubit(q)?])
    }

    /// X rotation ``exp(-i theta X / 2)`` on ``q``.
    fn rx<'py>(
        slf: &Bound<'py, Self>,
        theta: &Bound<'py, PyAny>,
        q: &Bound<'py, PyAny>,
    ) -> Chain<'py> {
        let gate = Gate::RX(param(theta)?);
        Self::push(slf, gate, &[], &[qubit(q)?])
    }
    /// Y rotation ``exp(-i theta Y / 2)`` on ``q``.
    fn ry<'py>(
        slf: &Bound<'py, Self>,
        theta: &Bound<'py, PyAny>,
        q: &Bound<'py, PyAny>,
    ) -> Chain<'py> {
        let gate = Gate::RY(param(theta)?);
        Self::push(slf, gate, &[], &[qubit(q)?])
    }
    /// Z rotation ``exp(-i theta Z / 2)`` on ``q``.
    fn rz<'py>(
        slf: &Bound<'py, Self>,
        theta: &Bound<'py, PyAny>,
        q: &Bound<'py, PyAny>,
    ) -> Chain<'py> {
        let gate = Gate::RZ(param(theta)?);
        Self::push(slf, gate, &[], &[qubit(q)?])
    }
    /// Phase gate ``diag(1, e^{i lam})`` on ``q``.
    fn p<'py>(
        slf: &Bound<'py, Self>,
        lam: &Bound<'py, PyAny>,
        q: &Bound<'py, PyAny>,
    ) -> Chain<'py> {
        let gate = Gate::P(param(lam)?);
        Self::push(slf, gate, &[], &[qubit(q)?])
    }
    /// General one-qubit gate ``U(theta, phi, lam)`` (OpenQASM convention) on ``q``.
    fn u<'py>(
        slf: &Bound<'py, Self>,
        theta: &Bound<'py, PyAny>,
        phi: &Bound<'py, PyAny>,
        lam: &Bound<'py, PyAny>,
        q: &Bound<'py, PyAny>,
    ) -> Chain<'py> {
        let gate = Gate::U(param(theta)?, param(phi)?, param(lam)?);
        Self::push(slf, gate, &[], &[qubit(q)?])
    }

    /// Controlled X (CNOT).
    fn cx<'py>(
        slf: &Bound<'py, Self>,
        control: &Bound<'py, PyAny>,
        target: &Bound<'py, PyAny>,
    ) -> Chain<'py> {
        let (c, t) = (qubit(control)?, qubit(target)?);
        Self::push(slf, Gate::X, &[c], &[t])
    }
    /// Controlled Y.
    fn cy<'py>(
        slf: &Bound<'py, Self>,
        control: &Bound<'py, PyAny>,
        target: &Bound<'py, PyAny>,
    ) -> Chain<'py> {
        let (c, t) = (qubit(control)?, qubit(target)?);
        Self::push(slf, Gate::Y, &[c], &[t])
    }
    /// Controlled Z.
    fn cz<'py>(
        slf: &Bound<'py, Self>,
        control: &Bound<'py, PyAny>,
        target: &Bound<'py, PyAny>,
    ) -> Chain<'py> {
        let (c, t) = (qubit(control)?, qubit(target)?);
        Self::push(slf, Gate::Z, &[c], &[t])
    }
    /// Controlled Hadamard.
    fn ch<'py>(
        slf: &Bound<'py, Self>,
        control: &Bound<'py, PyAny>,
        target: &Bound<'py, PyAny>,
    ) -> Chain<'py> {
        let (c, t) = (qubit(control)?, qubit(target)?);
        Self::push(slf, Gate::H, &[c], &[t])
    }
    /// Controlled phase.
    fn cp<'py>(
        slf: &Bound<'py, Self>,
        lam: &Bound<'py, PyAny>,
        control: &Bound<'py, PyAny>,
        target: &Bound<'py, PyAny>,
    ) -> Chain<'py> {
        let gate = Gate::P(param(lam)?);
        let (c, t) = (qubit(control)?, qubit(target)?);
        Self::push(slf, gate, &[c], &[t])
    }
    /// Controlled X rotation.
    fn crx<'py>(
        slf: &Bound<'py, Self>,
        theta: &Bound<'py, PyAny>,
        control: &Bound<'py, PyAny>,
        target: &Bound<'py, PyAny>,
    ) -> Chain<'py> {
        let gate = Gate::RX(param(theta)?);
        let (c, t) = (qubit(control)?, qubit(target)?);
        Self::push(slf, gate, &[c], &[t])
    }
    /// Controlled Y rotation.
    fn cry<'py>(
        slf: &Bound<'py, Self>,
        theta: &Bound<'py, PyAny>,
        control: &Bound<'py, PyAny>,
        target: &Bound<'py, PyAny>,
    ) -> Chain<'py> {
        let gate = Gate::RY(param(theta)?);
        let (c, t) = (qubit(control)?, qubit(target)?);
        Self::push(slf, gate, &[c], &[t])
    }
    /// Controlled Z rotation.
    fn crz<'py>(
        slf: &Bound<'py, Self>,
        theta: &Bound<'py, PyAny>,
        control: &Bound<'py, PyAny>,
        target: &Bound<'py, PyAny>,
    ) -> Chain<'py> {
        let gate = Gate::RZ(param(theta)?);
        let (c, t) = (qubit(control)?, qubit(target)?);
        Self::push(slf, gate, &[c], &[t])
    }
    /// Controlled ``e^{i gamma} U(theta, phi, lam)`` (Qiskit's ``cu``).
    #[pyo3(signature = (theta, phi, lam, gamma, control, target))]
    fn cu<'py>(
        slf: &Bound<'py, Self>,
        theta: &Bound<'py, PyAny>,
        phi: &Bound<'py, PyAny>,
        lam: &Bound<'py, PyAny>,
        gamma: &Bound<'py, PyAny>,
        control: &Bound<'py, PyAny>,
        target: &Bound<'py, PyAny>,
    ) -> Chain<'py> {
        let u = Gate::U(param(theta)?, param(phi)?, param(lam)?);
        let gamma = param(gamma)?;
        let (c, t) = (qubit(control)?, qubit(target)?);
        let me = shared(slf)?;
        let cu = me.gate_instruction(u, &[c], &[t])?;
        let phase = if gamma != Param::Value(0.0) {
            Some(me.gate_instruction(Gate::P(gamma), &[], &[c])?)
        } else {
            None
        };
        drop(me);
        let mut me = exclusive(slf)?;
        let circuit = me.edit();
        if let Some(p) = phase {
            circuit.push(p);
        }
        circuit.push(cu);
        drop(me);
        Ok(slf.clone())
    }

    /// Swap of two qubits.
    fn swap<'py>(
        slf: &Bound<'py, Self>,
        a: &Bound<'py, PyAny>,
        b: &Bound<'py, PyAny>,
    ) -> Chain<'py> {
        let (a, b) = (qubit(a)?, qubit(b)?);
        Self::push(slf, Gate::Swap, &[], &[a, b])
    }
    /// iSWAP of two qubits.
    fn iswap<'py>(
        slf: &Bound<'py, Self>,
        a: &Bound<'py, PyAny>,
        b: &Bound<'py, PyAny>,
    ) -> Chain<'py> {
        let (a, b) = (qubit(a)?, qubit(b)?);
        Self::push(slf, Gate::ISwap, &[], &[a, b])
    }
    /// ``exp(-i theta XX / 2)`` on ``a``, ``b``.
    fn rxx<'py>(
        slf: &Bound<'py, Self>,
        theta: &Bound<'py, PyAny>,
        a: &Bound<'py, PyAny>,
        b: &Bound<'py, PyAny>,
    ) -> Chain<'py> {
        let gate = Gate::RXX(param(theta)?);
        let (a, b) = (qubit(a)?, qubit(b)?);
        Self::push(slf, gate, &[], &[a, b])
    }
    /// ``exp(-i theta YY / 2)`` on ``a``, ``b``.
    fn ryy<'py>(
        slf: &Bound<'py, Self>,
        theta: &Bound<'py, PyAny>,
        a: &Bound<'py, PyAny>,
        b: &Bound<'py, PyAny>,
    ) -> Chain<'py> {
        let gate = Gate::RYY(param(theta)?);
        let (a, b) = (qubit(a)?, qubit(b)?);
        Self::push(slf, gate, &[], &[a, b])
    }
    /// ``exp(-i theta ZZ / 2)`` on ``a``, ``b``.
    fn rzz<'py>(
        slf: &Bound<'py, Self>,
        theta: &Bound<'py, PyAny>,
        a: &Bound<'py, PyAny>,
        b: &Bound<'py, PyAny>,
    ) -> Chain<'py> {
        let gate = Gate::RZZ(param(theta)?);
        let (a, b) = (qubit(a)?, qubit(b)?);
        Self::push(slf, gate, &[], &[a, b])
    }
    /// Toffoli (doubly controlled X).
    fn ccx<'py>(
        slf: &Bound<'py, Self>,
        c0: &Bound<'py, PyAny>,
        c1: &Bound<'py, PyAny>,
        target: &Bound<'py, PyAny>,
    ) -> Chain<'py> {
        let (x, y, z) = (qubit(c0)?, qubit(c1)?, qubit(target)?);
        Self::push(slf, Gate::X, &[x, y], &[z])
    }
    /// Doubly controlled Z.
    fn ccz<'py>(
        slf: &Bound<'py, Self>,
        c0: &Bound<'py, PyAny>,
        c1: &Bound<'py, PyAny>,
        target: &Bound<'py, PyAny>,
    ) -> Chain<'py> {
        let (x, y, z) = (qubit(c0)?, qubit(c1)?, qubit(target)?);
        Self::push(slf, Gate::Z, &[x, y], &[z])
    }
    /// Fredkin (controlled swap).
    fn cswap<'py>(
        slf: &Bound<'py, Self>,
        control: &Bound<'py, PyAny>,
        a: &Bound<'py, PyAny>,
        b: &Bound<'py, PyAny>,
    ) -> Chain<'py> {
        let (x, y, z) = (qubit(control)?, qubit(a)?, qubit(b)?);
        Self::push(slf, Gate::Swap, &[x], &[y, z])
    }
    /// X on ``target`` controlled by every qubit in ``controls``.
    fn mcx<'py>(
        slf: &Bound<'py, Self>,
        controls: &Bound<'py, PyAny>,
        target: &Bound<'py, PyAny>,
    ) -> Chain<'py> {
        let cs = int_list(controls, "controls")?;
        let t = qubit(target)?;
        Self::push(slf, Gate::X, &cs, &[t])
    }
    /// A custom unitary ``matrix`` (2-D array of size 2^k) on ``qubits``; ``qubits[0]``
    /// is the matrix's least significant bit. Checked unitary to 1e-8.
    fn unitary<'py>(
        slf: &Bound<'py, Self>,
        matrix: &Bound<'py, PyAny>,
        qubits: &Bound<'py, PyAny>,
    ) -> Chain<'py> {
        let m = crate::convert::matrix(matrix)?;
        let qs = int_list(qubits, "qubits")?;
        let circuit = shared(slf)?.inner.clone();
        let targets = {
            let n = circuit.num_qubits();
            qs.iter()
                .map(|&q| index(q, "qubit", n))
                .collect::<PyResult<Vec<u32>>>()?
        };
        let ins = Instruction {
            op: Operation::Gate {
                gate: Gate::Unitary(Arc::new(m)),
                targets,
                controls: Vec::new(),
            },
            condition: None,
        };
        // The unitarity check is cubic in the matrix size: run it without the GIL.
        let ins = crate::detach::detached(slf.py(), move |_| {
            circuit.validate_instruction(&ins).map(|()| ins)
        })?;
        exclusive(slf)?.edit().push(ins);
        Ok(slf.clone())
    }

    // ---- non-unitary -------------------------------------------------------------

    /// Measures ``qubit`` into classical bit ``clbit`` (default: the same index);
    /// the classical register grows as needed.
    #[pyo3(signature = (qubit, clbit = None))]
    fn measure<'py>(
        slf: &Bound<'py, Self>,
        qubit: &Bound<'py, PyAny>,
        clbit: Option<&Bound<'py, PyAny>>,
    ) -> Chain<'py> {
        let q = index_arg(qubit, "qubit")?;
        let c = match clbit {
            Some(c) => index_arg(c, "classical bit")?,
            None => q,
        };
        let q = index(q, "qubit", shared(slf)?.inner.num_qubits())?;
        let c = clbit_index(c)?;
        exclusive(slf)?.edit().measure(q, c);
        Ok(slf.clone())
    }

    /// Appends a noise ``channel`` (a ``Channel``) on ``qubits``.
    #[pyo3(signature = (channel, *qubits))]
    fn channel<'py>(
        slf: &Bound<'py, Self>,
        channel: &crate::noise::PyChannel,
        qubits: &Bound<'py, PyTuple>,
    ) -> Chain<'py> {
        let mut qs = Vec::new();
        for q in qubits.iter() {
            qs.extend(int_list(&q, "qubits")?);
        }
        Self::push_channel(slf, Ok((*channel.inner).clone()), &qs)
    }
    /// Bit flip: X with probability ``p`` on ``qubit``.
    fn bit_flip<'py>(slf: &Bound<'py, Self>, p: f64, qubit: &Bound<'py, PyAny>) -> Chain<'py> {
        Self::push_channel(slf, ferroq::Channel::bit_flip(p), &[self::qubit(qubit)?])
    }
    /// Phase flip: Z with probability ``p`` on ``qubit``.
    fn phase_flip<'py>(slf: &Bound<'py, Self>, p: f64, qubit: &Bound<'py, PyAny>) -> Chain<'py> {
        Self::push_channel(slf, ferroq::Channel::phase_flip(p), &[self::qubit(qubit)?])
    }
    /// Pauli channel: X, Y, Z with probabilities ``px``, ``py``, ``pz`` on ``qubit``.
    fn pauli_channel<'py>(
        slf: &Bound<'py, Self>,
        px: f64,
        py: f64,
        pz: f64,
        qubit: &Bound<'py, PyAny>,
    ) -> Chain<'py> {
        let ch = ferroq::Channel::pauli(px, py, pz);
        Self::push_channel(slf, ch, &[self::qubit(qubit)?])
    }
    /// Depolarizing ``(1-p) ρ + p I/2^k`` on one or two ``qubits``.
    #[pyo3(signature = (p, *qubits))]
    fn depolarizing<'py>(
        slf: &Bound<'py, Self>,
        p: f64,
        qubits: &Bound<'py, PyTuple>,
    ) -> Chain<'py> {
        let qs = qubits
            .iter()
            .map(|q| self::qubit(&q))
            .collect::<PyResult<Vec<i64>>>()?;
        let ch = ferroq::Channel::depolarizing(p, qs.len() as u32);
        Self::push_channel(slf, ch, &qs)
    }
    /// Amplitude damping with decay probability ``gamma`` on ``qubit``.
    fn amplitude_damping<'py>(
        slf: &Bound<'py, Self>,
        gamma: f64,
        qubit: &Bound<'py, PyAny>,
    ) -> Chain<'py> {
        let ch = ferroq::Channel::amplitude_damping(gamma);
        Self::push_channel(slf, ch, &[self::qubit(qubit)?])
    }
    /// Generalized amplitude damping on ``qubit``.
    fn generalized_amplitude_damping<'py>(
        slf: &Bound<'py, Self>,
        gamma: f64,
        excited_population: f64,
        qubit: &Bound<'py, PyAny>,
    ) -> Chain<'py> {
        let ch = ferroq::Channel::generalized_amplitude_damping(gamma, excited_population);
        Self::push_channel(slf, ch, &[self::qubit(qubit)?])
    }
    /// Phase damping (coherences shrink by ``sqrt(1 - lam)``) on ``qubit``.
    fn phase_damping<'py>(
        slf: &Bound<'py, Self>,
        lam: f64,
        qubit: &Bound<'py, PyAny>,
    ) -> Chain<'py> {
        let ch = ferroq::Channel::phase_damping(lam);
        Self::push_channel(slf, ch, &[self::qubit(qubit)?])
    }
    /// Thermal relaxation over ``time`` (``t2 <= 2 t1``) on ``qubit``.
    #[pyo3(signature = (t1, t2, time, qubit, excited_population = 0.0))]
    fn thermal_relaxation<'py>(
        slf: &Bound<'py, Self>,
        t1: f64,
        t2: f64,
        time: f64,
        qubit: &Bound<'py, PyAny>,
        excited_population: f64,
    ) -> Chain<'py> {
        let ch = ferroq::Channel::thermal_relaxation(t1, t2, time, excited_population);
        Self::push_channel(slf, ch, &[self::qubit(qubit)?])
    }
    /// Reset error: to ``|0>`` with probability ``p0``, to ``|1>`` with ``p1``.
    fn reset_error<'py>(
        slf: &Bound<'py, Self>,
        p0: f64,
        p1: f64,
        qubit: &Bound<'py, PyAny>,
    ) -> Chain<'py> {
        let ch = ferroq::Channel::reset_error(p0, p1);
        Self::push_channel(slf, ch, &[self::qubit(qubit)?])
    }
    /// A general Kraus channel (a list of 2-D arrays) on ``qubits``.
    #[pyo3(signature = (operators, *qubits))]
    fn kraus<'py>(
        slf: &Bound<'py, Self>,
        operators: Vec<Bound<'py, PyAny>>,
        qubits: &Bound<'py, PyTuple>,
    ) -> Chain<'py> {
        let ms = operators
            .iter()
            .map(crate::convert::matrix)
            .collect::<PyResult<Vec<_>>>()?;
        let qs = qubits
            .iter()
            .map(|q| self::qubit(&q))
            .collect::<PyResult<Vec<i64>>>()?;
        Self::push_channel(slf, ferroq::Channel::kraus(ms), &qs)
    }
    /// A readout error ``[[P(0|0), P(1|0)], [P(0|1), P(1|1)]]`` on classical bit
    /// ``clbit`` (put it after the measurement that writes the bit).
    fn readout_error<'py>(
        slf: &Bound<'py, Self>,
        probabilities: &Bound<'py, PyAny>,
        clbit: &Bound<'py, PyAny>,
    ) -> Chain<'py> {
        let error = crate::noise::readout(probabilities)?;
        let c = clbit_index(index_arg(clbit, "classical bit")?)?;
        let ins = Instruction {
            op: Operation::ReadoutError { error, clbit: c },
            condition: None,
        };
        shared(slf)?.inner.validate_instruction(&ins).py()?;
        exclusive(slf)?.edit().push(ins);
        Ok(slf.clone())
    }

    /// Measures every qubit ``q`` into classical bit ``q``.
    fn measure_all<'py>(slf: &Bound<'py, Self>) -> Chain<'py> {
        exclusive(slf)?.edit().measure_all();
        Ok(slf.clone())
    }

    /// Resets ``qubit`` to ``|0>``.
    fn reset<'py>(slf: &Bound<'py, Self>, qubit: &Bound<'py, PyAny>) -> Chain<'py> {
        let q = index_arg(qubit, "qubit")?;
        let q = index(q, "qubit", shared(slf)?.inner.num_qubits())?;
        exclusive(slf)?.edit().reset(q);
        Ok(slf.clone())
    }

    /// A barrier over ``qubits`` (all qubits if none are given): blocks gate fusion.
    #[pyo3(signature = (*qubits))]
    fn barrier<'py>(slf: &Bound<'py, Self>, qubits: &Bound<'py, PyTuple>) -> Chain<'py> {
        let mut qs = Vec::new();
        for q in qubits.iter() {
            qs.extend(int_list(&q, "qubits")?);
        }
        let qs = shared(slf)?.qubits(&qs)?;
        exclusive(slf)?.edit().barrier(&qs);
        Ok(slf.clone())
    }

    /// Makes the last instruction conditional: it runs only if the classical bits
    /// ``clbits`` (an int or a list, least significant first) read as ``value``.
    fn c_if<'py>(
        slf: &Bound<'py, Self>,
        clbits: &Bound<'py, PyAny>,
        value: &Bound<'py, PyAny>,
    ) -> Chain<'py> {
        let bits = int_list(clbits, "clbits")?;
        let value = u64_arg(value, "the condition value")?;
        let me = shared(slf)?;
        let nb = me.inner.num_clbits();
        let bits = bits
            .into_iter()
            .map(|b| index(b, "classical bit", nb))
            .collect::<PyResult<Vec<u32>>>()?;
        let Some(last) = me.inner.instructions().last() else {
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
        me.inner.validate_instruction(&probe).py()?;
        drop(me);
        exclusive(slf)?.edit().c_if(&bits, value);
        Ok(slf.clone())
    }
}
