"""Bad input raises the right exception with a clear message; the interpreter survives."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

import ferroq


def test_hierarchy() -> None:
    assert issubclass(ferroq.QubitIndexError, ferroq.FerroqError)
    assert issubclass(ferroq.QubitIndexError, IndexError)
    for cls in (ferroq.CircuitError, ferroq.ParameterError, ferroq.ParseError,
                ferroq.InvalidArgumentError, ferroq.NonUnitaryError, ferroq.QasmError):
        assert issubclass(cls, ferroq.FerroqError) and issubclass(cls, ValueError)
    assert issubclass(ferroq.OutOfMemoryError, MemoryError)
    assert issubclass(ferroq.DeviceError, RuntimeError)
    assert not issubclass(ferroq.BackendUnavailableError, ValueError)
    assert ferroq.FerroqError.__module__ == "ferroq"


@pytest.mark.parametrize("q", [3, 7, -1, 2**40])
def test_wrong_qubit_index(q: int) -> None:
    c = ferroq.Circuit(3)
    with pytest.raises(ferroq.QubitIndexError, match=f"qubit {q} is out of range for a circuit of 3 qubits"):
        c.h(q)
    with pytest.raises(IndexError):
        c.cx(0, q)
    assert len(c) == 0  # nothing half-added


def test_index_errors_elsewhere() -> None:
    res = ferroq.Simulator("cpu").run(ferroq.Circuit(2))
    with pytest.raises(ferroq.QubitIndexError, match="qubit 5"):
        res.marginal([0, 5])
    with pytest.raises(ferroq.QubitIndexError, match="qubit 3 is out of range") as e:
        res.expectation("ZIII")
    assert e.value.index == 3 and e.value.size == 2  # type: ignore[attr-defined]
    with pytest.raises(ferroq.QubitIndexError, match="classical bit 2"):
        ferroq.Circuit(1, 1).x(0).c_if([2], 1)


def test_repeated_qubit_and_arity() -> None:
    with pytest.raises(ferroq.CircuitError, match="uses qubit 1 more than once"):
        ferroq.Circuit(3).cx(1, 1)
    with pytest.raises(ferroq.CircuitError, match="expects 2 target qubits, got 1"):
        ferroq.Circuit(3).unitary(np.eye(4), [0])


def test_unknown_and_unbound_parameters() -> None:
    c = ferroq.Circuit(1).rx("theta", 0)
    sim = ferroq.Simulator("cpu")
    with pytest.raises(ferroq.ParameterError, match="unknown parameter `phi`.*theta") as e:
        sim.run(c, params={"theta": 1.0, "phi": 2.0})
    assert e.value.name == "phi"  # type: ignore[attr-defined]
    with pytest.raises(ferroq.ParameterError, match="parameter `theta` has no value"):
        sim.run(c)
    with pytest.raises(ValueError, match="unknown parameter `beta`"):
        sim.run_batch(c, params={"beta": np.zeros(3)})


def test_nan_angles() -> None:
    with pytest.raises(ferroq.ParameterError, match="non-finite parameter"):
        ferroq.Circuit(1).rx(math.nan, 0)
    with pytest.raises(ferroq.ParameterError, match="non-finite"):
        ferroq.Circuit(1).u(0.1, math.inf, 0.2, 0)
    c = ferroq.Circuit(1).rx("theta", 0)
    with pytest.raises(ferroq.ParameterError, match="non-finite parameter"):
        ferroq.Simulator("cpu").run(c, params={"theta": float("nan")})
    with pytest.raises(ferroq.ParameterError, match="non-finite parameter"):
        ferroq.Simulator("cpu").run_batch(c, params={"theta": np.array([0.0, np.nan])})


def test_bad_parameter_values_and_expressions() -> None:
    with pytest.raises(ferroq.ParseError, match="only affine"):
        ferroq.Circuit(1).rx("theta*phi", 0)
    with pytest.raises(TypeError, match="gate parameter must be a number or a parameter name"):
        ferroq.Circuit(1).rx([1.0], 0)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="parameter `theta` must be a real number, got str"):
        ferroq.Simulator("cpu").run(ferroq.Circuit(1).rx("theta", 0), params={"theta": "x"})  # type: ignore[dict-item]


def test_wrong_numpy_dtype_and_shape() -> None:
    sim = ferroq.Simulator("cpu")
    c = ferroq.Circuit(1).rx("theta", 0)
    with pytest.raises(TypeError, match="must be real, got a complex array"):
        sim.run_batch(c, params={"theta": np.ones(3, dtype=complex)})
    with pytest.raises(TypeError, match="must hold real numbers, got dtype <U1"):
        sim.run_batch(c, params={"theta": np.array(["a", "b"])})
    with pytest.raises(ferroq.InvalidArgumentError, match=r"1-D array .* got shape \(2, 3\)"):
        sim.run_batch(c, params={"theta": np.zeros((2, 3))})
    c2 = ferroq.Circuit(1).rx("a", 0).ry("b", 0)
    with pytest.raises(ValueError, match="differ in length: `a` has 3 values but `b` has 4"):
        sim.run_batch(c2, params={"a": np.zeros(3), "b": np.zeros(4)})
    with pytest.raises(TypeError, match="params must be a dict"):
        sim.run_batch(c, params=3.0)  # type: ignore[arg-type]
    with pytest.raises(ferroq.CircuitError, match=r"square 2-D array .* got shape \(2, 3\)"):
        ferroq.Circuit(2).unitary(np.zeros((2, 3)), [0])
    with pytest.raises(ferroq.CircuitError, match=r"got shape \(4,\)"):
        ferroq.Circuit(2).unitary(np.zeros(4), [0])
    with pytest.raises(ferroq.CircuitError, match="not a power of two"):
        ferroq.Circuit(2).unitary(np.eye(3), [0])
    with pytest.raises(TypeError, match="matrix must hold numbers, got dtype object"):
        ferroq.Circuit(2).unitary(np.array([[None, 1], [1, None]]), [0])
    with pytest.raises(ferroq.CircuitError, match="not finite"):
        ferroq.Circuit(1).unitary(np.array([[np.nan, 0], [0, 1]]), [0])
    with pytest.raises(ValueError, match="unknown readout `amplitudes`"):
        sim.run_batch(c, params={"theta": [0.1]}, readout="amplitudes")


def test_non_unitary_matrix() -> None:
    with pytest.raises(ferroq.NonUnitaryError, match="matrix is not unitary: max") as e:
        ferroq.Circuit(2).unitary(np.array([[1, 1], [0, 1]]), [0])
    assert isinstance(e.value, ValueError)
    # a float32 unitary is accepted (converted to complex128)
    ferroq.Circuit(2).unitary(np.eye(4, dtype=np.float32), [0, 1])


def test_too_many_qubits_for_memory() -> None:
    sim = ferroq.Simulator("cpu")
    with pytest.raises(ferroq.OutOfMemoryError, match="40-qubit state needs 17592186044416 bytes") as e:
        sim.run(ferroq.Circuit(40).h(0))
    assert isinstance(e.value, MemoryError) and e.value.needed_bytes == 2**44  # type: ignore[attr-defined]
    limited = ferroq.Simulator("cpu", memory_limit=1 << 20)
    with pytest.raises(MemoryError, match="configured memory limit"):
        limited.run(ferroq.Circuit(17))
    with pytest.raises(MemoryError, match="more than this backend supports"):
        sim.run(ferroq.Circuit(60))
    big = ferroq.Circuit(30).rx("t", 0)
    with pytest.raises(ferroq.OutOfMemoryError, match="a batch of 100000 outputs of 2\\^30 values"):
        sim.run_batch(big, params={"t": np.zeros(100_000)})  # refused before running
    with pytest.raises(ferroq.InvalidArgumentError, match="shots must be at most"):
        sim.sample(ferroq.Circuit(1), shots=2**40)
    assert sim.run(ferroq.Circuit(2).h(0)).probabilities()[0] == pytest.approx(0.5)


def test_bad_simulator_options() -> None:
    with pytest.raises(ferroq.InvalidArgumentError, match="unknown backend `quantum`"):
        ferroq.Simulator("quantum")
    with pytest.raises(ValueError, match="unknown precision `half`"):
        ferroq.Simulator("cpu", precision="half")
    with pytest.raises(ValueError, match="threads must be at least 1"):
        ferroq.Simulator("cpu", threads=0)
    with pytest.raises(ferroq.InvalidArgumentError, match="seed"):
        ferroq.Simulator("cpu", seed=-1)
    if not any(b.name == "wgpu" for b in ferroq.backends()):
        with pytest.raises(ferroq.BackendUnavailableError, match="backend unavailable"):
            ferroq.Simulator("wgpu")


def test_bad_observables() -> None:
    with pytest.raises(ferroq.ParseError, match="cannot parse observable `ZQ`"):
        ferroq.Observable("ZQ")
    with pytest.raises(TypeError, match="expected an Observable or a string"):
        ferroq.Simulator("cpu").expectation(ferroq.Circuit(1), 3)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="not a Pauli operator"):
        ferroq.Observable.from_terms([(1.0, [("Q", 0)])])


def test_circuit_misuse() -> None:
    with pytest.raises(ferroq.InvalidArgumentError, match="num_qubits must be between 0"):
        ferroq.Circuit(-1)
    with pytest.raises(ferroq.InvalidArgumentError, match="circuit is empty"):
        ferroq.Circuit(1, 1).c_if([0], 1)
    with pytest.raises(ferroq.InvalidArgumentError, match="does not fit in 1 classical bits"):
        ferroq.Circuit(1, 1).x(0).c_if([0], 2)
    with pytest.raises(ferroq.InvalidArgumentError, match="no inverse"):
        ferroq.Circuit(1).measure(0).inverse()
    with pytest.raises(ferroq.InvalidArgumentError, match="cannot append a 3-qubit circuit"):
        ferroq.Circuit(2) + ferroq.Circuit(3)
    with pytest.raises(TypeError):
        ferroq.Circuit(2).h(1.5)  # type: ignore[arg-type]


def test_qasm_errors(tmp_path: Path) -> None:
    with pytest.raises(ferroq.QasmError, match="line 4, column 1: expected `;`") as e:
        ferroq.Circuit.from_qasm('OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[2]\nh q[0];\n')
    assert (e.value.line, e.value.column) == (4, 1)  # type: ignore[attr-defined]
    assert isinstance(e.value, ValueError)
    with pytest.raises(FileNotFoundError):
        ferroq.Circuit.from_qasm_file(tmp_path / "missing.qasm")
    with pytest.raises(ferroq.ParameterError, match="no value"):
        ferroq.Circuit(1).rx("theta", 0).to_qasm()
