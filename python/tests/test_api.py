"""The Python surface: builder, containers, reprs, observables, simulator, QASM."""

from __future__ import annotations

import copy
import math
from pathlib import Path

import numpy as np
import pytest

import ferroq


def test_builder_chains_and_counts() -> None:
    c = ferroq.Circuit(3)
    assert c.h(0).cx(0, 1).cx(1, 2) is c
    c.rx("theta", 2)
    assert len(c) == 4 and c.num_qubits == 3 and c.num_clbits == 0
    assert c.depth() == 4 and c.parameters == ["theta"]
    assert [i.name for i in c] == ["h", "cx", "cx", "rx"]
    assert c[1].controls == [0] and c[1].targets == [1] and c[1].qubits == [0, 1]
    assert c[-1].params == ["theta"] and c[0].params == []
    assert repr(c) == "Circuit(num_qubits=3, num_clbits=0, instructions=4, parameters=['theta'])"
    assert "cx q0, q1" in str(c)
    assert "rx(theta) q2" in repr(c[-1])


def test_every_builder_method_returns_the_circuit() -> None:
    c = ferroq.Circuit(4, 1)
    calls = [
        ("id", 0), ("x", 0), ("y", 0), ("z", 0), ("h", 0), ("s", 0), ("sdg", 0), ("t", 0),
        ("tdg", 0), ("sx", 0), ("sxdg", 0), ("rx", 0.1, 0), ("ry", 0.1, 0), ("rz", 0.1, 0),
        ("p", 0.1, 0), ("u", 0.1, 0.2, 0.3, 0), ("cx", 0, 1), ("cy", 0, 1), ("cz", 0, 1),
        ("ch", 0, 1), ("cp", 0.1, 0, 1), ("crx", 0.1, 0, 1), ("cry", 0.1, 0, 1),
        ("crz", 0.1, 0, 1), ("cu", 0.1, 0.2, 0.3, 0.4, 0, 1), ("swap", 0, 1), ("iswap", 0, 1),
        ("rxx", 0.1, 0, 1), ("ryy", 0.1, 0, 1), ("rzz", 0.1, 0, 1), ("ccx", 0, 1, 2),
        ("ccz", 0, 1, 2), ("cswap", 0, 1, 2), ("mcx", [0, 1, 2], 3), ("unitary", np.eye(2), 3),
        ("barrier",), ("barrier", 0, 1), ("reset", 2), ("measure", 0, 0), ("x", 1),
        ("c_if", 0, 1), ("measure_all",),
    ]
    for name, *args in calls:
        assert getattr(c, name)(*args) is c, name
    assert c.num_clbits == 4
    assert c[-5].condition == ([0], 1) and c[-6].condition is None


def test_instruction_matrix_and_measure_fields() -> None:
    c = ferroq.Circuit(2).cx(0, 1).rz("a", 0).measure(1, 0)
    assert np.allclose(c[0].matrix(), [[0, 1], [1, 0]])
    assert c[1].matrix() is None
    assert c[2].name == "measure" and c[2].clbit == 0 and c[2].matrix() is None
    assert c[0] == ferroq.Circuit(2).cx(0, 1)[0]


def test_copy_is_independent() -> None:
    a = ferroq.Circuit(2).h(0)
    for b in (a.copy(), copy.copy(a), copy.deepcopy(a)):
        b.x(1)
        assert len(a) == 1 and len(b) == 2
    assert a == ferroq.Circuit(2).h(0) and a != ferroq.Circuit(2).x(0)


def test_add_compose_inverse() -> None:
    a = ferroq.Circuit(2).h(0)
    b = ferroq.Circuit(2).cx(0, 1)
    c = a + b
    assert len(c) == 2 and len(a) == 1
    assert len(a.compose(b)) == 2 and len(a) == 1
    assert a.compose(b, inplace=True) is a and len(a) == 2
    a += b
    assert len(a) == 3
    inv = ferroq.Circuit(1).s(0).rx(0.3, 0).inverse()
    assert [i.name for i in inv] == ["rx", "sdg"] and inv[0].params == [-0.3]


def test_circuit_is_iterable_and_unhashable() -> None:
    c = ferroq.Circuit(2).h(0).h(1)
    assert [i.qubits for i in c] == [[0], [1]] and len(c.instructions) == 2
    with pytest.raises(TypeError):
        hash(c)
    with pytest.raises(IndexError):
        c[2]


def test_observable_api() -> None:
    o = ferroq.Observable("0.5*ZZI - XIX")
    assert len(o) == 2 and o.num_qubits == 3
    assert o.terms == [(0.5, [("Z", 1), ("Z", 2)]), (-1.0, [("X", 0), ("X", 2)])]
    assert repr(o).startswith("Observable(") and "ZZI" in str(o)
    t = ferroq.Observable.from_terms([(0.5, "ZZI"), (-1, [("X", 0), ("X", 2)])])
    assert t == o
    assert len(o + "Z0") == 3 and len(o - o) == 4 and (2 * o).terms[0][0] == 1.0
    assert (-o).terms[1][0] == 1.0 and (o * 3).terms[0][0] == 1.5


def test_simulator_properties_and_repr() -> None:
    s = ferroq.Simulator("cpu", precision="single", threads=1, seed=7)
    assert (s.backend, s.precision, s.threads, s.seed) == ("cpu", "single", 1, 7)
    assert repr(s) == "Simulator(backend='cpu', precision='single', threads=1, seed=7)"
    assert s.max_qubits >= 20
    d = ferroq.Simulator("cpu")
    assert d.precision == "double" and d.seed is None
    assert ferroq.Simulator().backend in {b.name for b in ferroq.backends()}
    r = s.run(ferroq.Circuit(2).x(1))
    assert repr(r) == "RunResult(num_qubits=2, precision='single')"
    assert r.num_qubits == 2 and r.precision == "single"
    sv = s.statevector(ferroq.Circuit(1).x(0))
    assert sv.dtype == np.complex64 and abs(sv[1] - 1) < 1e-6


def test_backends_listing() -> None:
    bs = ferroq.backends()
    assert bs[0].name == "cpu" and bs[0].available and bs[0].precisions == ["double", "single"]
    assert all(b.available for b in bs)
    everything = ferroq.backends(include_unavailable=True)
    assert {b.name for b in everything} >= {"cpu", "wgpu"}
    for b in everything:
        assert b.available or b.reason
        assert b.name in repr(b)


def test_version() -> None:
    assert isinstance(ferroq.__version__, str) and ferroq.__version__.count(".") == 2


def test_qasm_round_trip(tmp_path: Path) -> None:
    text = """OPENQASM 2.0;
include "qelib1.inc";
qreg q[3];
creg c[3];
h q[0];
cx q[0], q[1];
u3(0.3, 0.2, 0.1) q[2];
"""
    c = ferroq.Circuit.from_qasm(text)
    assert (c.num_qubits, c.num_clbits, len(c)) == (3, 3, 3)
    path = tmp_path / "bell.qasm"
    path.write_text(c.to_qasm())
    again = ferroq.Circuit.from_qasm_file(path)
    sim = ferroq.Simulator("cpu")
    assert np.allclose(sim.run(again).statevector, sim.run(c).statevector)
    assert ferroq.Circuit.from_qasm_file(str(path)) == again
    measured = ferroq.Circuit.from_qasm(text + "measure q -> c;\n")
    assert len(measured) == 6 and "measure" in measured.to_qasm()
    assert set(sim.sample(measured, shots=200)) <= {"000", "011", "100", "111"}


def test_statevector_is_a_fresh_array() -> None:
    r = ferroq.Simulator("cpu").run(ferroq.Circuit(1).h(0))
    a = r.statevector
    a[:] = 0
    assert abs(r.statevector[0] - 1 / math.sqrt(2)) < 1e-12
