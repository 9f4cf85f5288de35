"""Hostile input never crashes, hangs or panics: regressions of the defects adversarial
testing found (issue 19), and a property-based suite over the circuit builder.

Every test here expects either a correct result or one of ferroq's own exceptions
(`ferroq.FerroqError` and its subclasses), or a `TypeError` for arguments of the wrong
Python type; a `PanicException` (a `BaseException`, so `except Exception` misses it)
or a crash fails the test.
"""

from __future__ import annotations

import math
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path
from typing import Any, Callable

import numpy as np
import pytest

import ferroq

hypothesis = pytest.importorskip("hypothesis", reason="pip install hypothesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


def run_python(code: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Runs `code` in a fresh interpreter (a crash there fails one test, not the run)."""
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=timeout,
    )


# ---- 1. parameter expressions: no stack overflow -------------------------------------


def test_deeply_nested_parameter_expression_is_a_parse_error() -> None:
    # Used to overflow the stack (a segfault): run in a subprocess so a regression
    # shows as a failed test, not a dead test run.
    proc = run_python(
        """
        import ferroq
        for text in ["(" * 20000, "(" * 5000 + "t" + ")" * 5000]:
            try:
                ferroq.Circuit(1).rx(text, 0)
            except ferroq.ParseError as e:
                assert "nested more than 200 deep" in str(e), e
            else:
                raise AssertionError("accepted " + text[:20])
        c = ferroq.Circuit(1).rx("-" * 30000 + "t", 0).rx("-" * 30001 + "t", 0)
        print(c.parameters)
        """
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "['t']"


def test_long_sign_runs_bind_to_the_right_value() -> None:
    sim = ferroq.Simulator("cpu")
    theta = 0.7
    # Reference: an even run of minus signs is +t, an odd run is -t; rx(t) then
    # rx(-t) is the identity, and rx(t) twice is rx(2t).
    c = ferroq.Circuit(1).rx("-" * 3000 + "t", 0).rx("-" * 3001 + "t", 0)
    assert np.allclose(sim.statevector(c, {"t": theta}), [1, 0])
    c2 = ferroq.Circuit(1).rx("-" * 3000 + "t", 0).rx("--t", 0)
    want = np.array([math.cos(theta), -1j * math.sin(theta)])
    assert np.allclose(sim.statevector(c2, {"t": theta}), want)


# ---- 5. arguments whose conversion uses the circuit -------------------------------------


class Sneaky:
    """An index, float and array-like whose conversion calls `hook` first."""

    def __init__(self, value: Any, hook: Callable[[], object]) -> None:
        self.value = value
        self.hook = hook

    def __index__(self) -> int:
        self.hook()
        return int(self.value)

    def __float__(self) -> float:
        self.hook()
        return float(self.value)

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        self.hook()
        return np.asarray(self.value, dtype=dtype)


def test_argument_conversion_may_use_the_circuit_being_edited() -> None:
    # Used to raise PanicException("Already mutably borrowed"): arguments are now
    # converted before the circuit is touched.
    sim = ferroq.Simulator("cpu")
    c = ferroq.Circuit(2)
    seen: list[int] = []

    def use_it() -> None:
        sim.run(c)
        seen.append(len(c))

    def edit_it() -> None:
        c.h(1)

    c.x(Sneaky(0, use_it))
    c.rx(Sneaky(0.5, use_it), Sneaky(1, use_it))
    c.cx(Sneaky(0, edit_it), 1)
    c.unitary(Sneaky(np.eye(2), use_it), [Sneaky(0, use_it)])
    c.measure(Sneaky(0, use_it), Sneaky(1, edit_it))
    c.c_if(Sneaky(1, use_it), Sneaky(1, use_it))
    c.compose(ferroq.Circuit(1).x(0), [Sneaky(1, edit_it)], inplace=True)
    # Each run saw the circuit as it was, and each edit made by a conversion lands
    # before the instruction being added.
    assert seen == [0, 1, 1, 4, 4, 5, 7, 7]
    names = [i.name for i in c.instructions]
    assert names == ["x", "rx", "h", "cx", "unitary", "h", "measure", "h", "x"]
    assert c.instructions[6].condition == ([1], 1)


def test_a_circuit_run_by_another_thread_during_slow_conversions() -> None:
    sim = ferroq.Simulator("cpu", threads=1)
    c = ferroq.Circuit(3).h(0)
    stop = threading.Event()
    errors: list[BaseException] = []

    def runner() -> None:
        while not stop.is_set():
            try:
                sim.statevector(c)
            except ferroq.FerroqError:
                pass
            except BaseException as e:  # PanicException included
                errors.append(e)
                return

    t = threading.Thread(target=runner)
    t.start()
    try:
        for i in range(60):
            c.rx(Sneaky(0.1, lambda: time.sleep(0.001)), Sneaky(i % 3, lambda: time.sleep(0.001)))
    finally:
        stop.set()
        t.join(30)
    assert not errors, errors
    assert len(c) == 61


# ---- 6. NumPy's C API is loaded at import ---------------------------------------------


def test_ctrl_c_during_the_first_array_call_is_a_keyboard_interrupt() -> None:
    # Used to become PanicException("Failed to access NumPy array API capsule") when
    # the first array-returning call of a process was interrupted.
    proc = run_python(
        """
        import signal, sys
        import ferroq
        armed = False
        def handler(signum, frame):
            global armed
            if armed:
                armed = False
                raise KeyboardInterrupt
        signal.signal(signal.SIGALRM, handler)
        sim = ferroq.Simulator("cpu")
        c = ferroq.Circuit(2).h(0).cx(0, 1)
        signal.setitimer(signal.ITIMER_REAL, 0.0002, 0.0002)
        interrupted = 0
        for _ in range(300):
            try:
                armed = True
                sim.statevector(c)
                armed = False
            except KeyboardInterrupt:
                interrupted += 1
            except BaseException as e:
                armed = False
                print("UNEXPECTED", type(e).__name__, e)
                sys.exit(3)
        signal.setitimer(signal.ITIMER_REAL, 0, 0)
        armed = False
        print("ok", interrupted)
        """
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.startswith("ok"), proc.stdout
    assert "PanicException" not in proc.stderr


# ---- 7 (part). the unitarity check runs without the GIL --------------------------------


def test_unitarity_check_lets_other_threads_run() -> None:
    rng = np.random.default_rng(7)
    k = 9  # a 512 x 512 matrix: the cubic check takes a noticeable time
    z = rng.normal(size=(2**k, 2**k)) + 1j * rng.normal(size=(2**k, 2**k))
    u, _ = np.linalg.qr(z)
    c = ferroq.Circuit(k)
    started = threading.Event()
    done: list[object] = []

    def add() -> None:
        started.set()
        done.append(c.unitary(u, list(range(k))))

    old = sys.getswitchinterval()
    sys.setswitchinterval(0.0005)
    try:
        t = threading.Thread(target=add)
        t.start()
        started.wait()
        ticks = 0
        t0 = time.perf_counter()
        while t.is_alive():
            ticks += 1
        elapsed = time.perf_counter() - t0
        t.join()
    finally:
        sys.setswitchinterval(old)
    assert done and len(c) == 1
    m = c.instructions[0].matrix()
    assert m is not None and np.allclose(m, u)
    if elapsed > 0.05:  # only meaningful when the check took measurable time
        assert ticks > 1000, (ticks, elapsed)


# ---- 9. threads -----------------------------------------------------------------------------


def test_absurd_thread_counts_are_refused_at_once() -> None:
    for bad in [1025, 2**40]:
        t0 = time.perf_counter()
        with pytest.raises(ferroq.InvalidArgumentError, match="threads must be at most 1024"):
            ferroq.Simulator("cpu", threads=bad)
        assert time.perf_counter() - t0 < 5
    assert ferroq.Simulator("cpu", threads=2).threads == 2


# ---- 12. OpenQASM ----------------------------------------------------------------------------


HEAD = 'OPENQASM 2.0;\ninclude "qelib1.inc";\n'


def test_qasm_may_define_gates_qiskit_adds_to_qelib1() -> None:
    c = ferroq.Circuit.from_qasm(
        HEAD + "gate swap a,b { cx a,b; cx b,a; cx a,b; }\nqreg q[2];\nx q[0];\nswap q[0],q[1];\n"
    )
    assert [i.name for i in c.instructions] == ["x", "cx", "cx", "cx"]  # the file's swap
    state = ferroq.Simulator("cpu").statevector(c)
    assert np.allclose(state, [0, 0, 1, 0])  # |10>: the excitation moved to qubit 1


@pytest.mark.parametrize(
    ("text", "line", "column"),
    [("", 1, 1), ("// nothing\n", 2, 1), ("qreg q[1];", 1, 1), ("\n  include \"qelib1.inc\";", 2, 3)],
)
def test_qasm_without_the_header_is_rejected(text: str, line: int, column: int) -> None:
    with pytest.raises(ferroq.QasmError, match="expected the header `OPENQASM 2.0;`") as e:
        ferroq.Circuit.from_qasm(text)
    assert (e.value.line, e.value.column) == (line, column)  # type: ignore[attr-defined]


def test_qasm_file_reads_are_bounded(tmp_path: Path) -> None:
    if Path("/dev/zero").exists():
        t0 = time.perf_counter()
        with pytest.raises(ferroq.InvalidArgumentError, match="larger than 64 MiB"):
            ferroq.Circuit.from_qasm_file("/dev/zero")
        assert time.perf_counter() - t0 < 30
    big = tmp_path / "big.qasm"
    with big.open("wb") as f:
        f.write(HEAD.encode())
        f.seek(64 * 2**20 + 1)
        f.write(b"\n")
    with pytest.raises(ferroq.InvalidArgumentError, match="larger than 64 MiB"):
        ferroq.Circuit.from_qasm_file(big)
    with pytest.raises(FileNotFoundError):
        ferroq.Circuit.from_qasm_file(tmp_path / "missing.qasm")


# ---- the "also unfriendly" list ----------------------------------------------------------


@pytest.mark.parametrize("q", [2**63, 2**64 + 5, -(2**63) - 1, 10**400, -1])
def test_out_of_range_indices_raise_qubit_index_error(q: int) -> None:
    c = ferroq.Circuit(2)
    for call in [
        lambda: c.x(q),
        lambda: c.cx(0, q),
        lambda: c.rx(0.1, q),
        lambda: c.measure(q),
        lambda: c.measure(0, q),
        lambda: c.reset(q),
        lambda: c.barrier(q),
        lambda: c.mcx([q], 0),
        lambda: c.unitary(np.eye(2), [q]),
        lambda: c.compose(ferroq.Circuit(1), [q]),
    ]:
        with pytest.raises(ferroq.QubitIndexError):
            call()
    assert len(c) == 0


@pytest.mark.parametrize("n", [-1, 2**32, 2**64, -(2**70), 10**400])
def test_bad_counts_raise_invalid_argument(n: int) -> None:
    with pytest.raises(ferroq.InvalidArgumentError, match="num_qubits must be between 0"):
        ferroq.Circuit(n)
    with pytest.raises(ferroq.InvalidArgumentError, match="num_clbits must be between 0"):
        ferroq.Circuit(1, n)


def test_condition_value_out_of_range_is_invalid_argument() -> None:
    c = ferroq.Circuit(1, 2).x(0)
    for v in [-1, 2**64, 10**100]:
        with pytest.raises(ferroq.InvalidArgumentError, match="condition value"):
            c.c_if([0, 1], v)


def test_bool_is_not_an_index() -> None:
    c = ferroq.Circuit(2)
    for call in [
        lambda: c.x(True),
        lambda: c.cx(False, 1),
        lambda: c.mcx([True], 0),
        lambda: c.measure(0, True),
        lambda: c.barrier(False),
        lambda: ferroq.Circuit(True),
    ]:
        with pytest.raises(TypeError, match="bool"):
            call()
    assert len(c) == 0
    c.x(np.int64(1))  # numpy integers are fine
    assert c.instructions[0].qubits == [1]


def test_huge_float_parameter_says_not_finite() -> None:
    with pytest.raises(ferroq.ParameterError, match="must be a finite float"):
        ferroq.Circuit(1).rx(10**400, 0)
    for bad in [math.inf, -math.inf, math.nan]:
        with pytest.raises(ferroq.FerroqError):
            ferroq.Circuit(1).rx(bad, 0)


def test_to_qasm_of_a_symbolic_circuit_takes_the_binding() -> None:
    c = ferroq.Circuit(1).rx("2*theta", 0)
    with pytest.raises(ferroq.ParameterError, match="theta"):
        c.to_qasm()
    text = c.to_qasm(params={"theta": 0.25})
    again = ferroq.Circuit.from_qasm(text)
    sim = ferroq.Simulator("cpu")
    want = np.array([math.cos(0.25), -1j * math.sin(0.25)])  # rx(0.5)|0>
    assert np.allclose(sim.statevector(again), want)


def test_compose_refuses_a_repeated_qubit() -> None:
    other = ferroq.Circuit(2).h(0).h(1)
    c = ferroq.Circuit(3)
    with pytest.raises(ferroq.InvalidArgumentError, match="both to qubit 1"):
        c.compose(other, [1, 1])
    with pytest.raises(ferroq.InvalidArgumentError, match="both to qubit 1"):
        c.compose(other, [1, 1], inplace=True)
    assert len(c) == 0


# ---- property-based: the builder never panics --------------------------------------------

N_QUBITS = 3

# Arguments of every kind a hostile or careless caller might pass.
any_int = st.one_of(
    st.integers(-3, 5),
    st.integers(min_value=-(2**80), max_value=2**80),
    st.sampled_from([2**63, 2**64, -(2**63) - 1, 10**400]),
)
any_value = st.one_of(
    any_int,
    st.booleans(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.complex_numbers(max_magnitude=10),
    st.text(max_size=12),
    st.sampled_from(["theta", "2*theta + 0.1", "(" * 300, "-" * 500 + "x", "pi/2", "1/0", "a*b"]),
    st.none(),
    st.lists(st.integers(-2, 4), max_size=4),
    st.lists(any_int, max_size=3),
    st.builds(lambda k: np.eye(2**k), st.integers(0, 2)),
    st.builds(lambda n: np.zeros((n, n + 1)), st.integers(0, 3)),
    st.just(np.array([[0, 1], [1, 0]])),
    st.just(np.array([[1, 1], [1, 1]])),
    st.just(np.array(["a", "b"])),
)
qubit_like = st.one_of(st.integers(-1, N_QUBITS), any_value)
param_like = st.one_of(st.floats(-7, 7), st.sampled_from(["theta", "-phi/2", "pi"]), any_value)

# (method, strategies of its positional arguments)
CALLS: list[tuple[str, tuple[st.SearchStrategy[Any], ...]]] = [
    *[(g, (qubit_like,)) for g in ["id", "x", "y", "z", "h", "s", "sdg", "t", "tdg", "sx", "sxdg"]],
    *[(g, (param_like, qubit_like)) for g in ["rx", "ry", "rz", "p"]],
    ("u", (param_like, param_like, param_like, qubit_like)),
    *[(g, (qubit_like, qubit_like)) for g in ["cx", "cy", "cz", "ch", "swap", "iswap"]],
    *[(g, (param_like, qubit_like, qubit_like)) for g in ["cp", "crx", "cry", "crz", "rxx", "ryy", "rzz"]],
    ("cu", (param_like, param_like, param_like, param_like, qubit_like, qubit_like)),
    *[(g, (qubit_like, qubit_like, qubit_like)) for g in ["ccx", "ccz", "cswap"]],
    ("mcx", (any_value, qubit_like)),
    ("unitary", (any_value, any_value)),
    ("measure", (qubit_like, st.one_of(st.integers(0, 4), any_value))),
    ("reset", (qubit_like,)),
    ("barrier", (qubit_like,)),
    ("c_if", (any_value, any_value)),
    ("compose", (st.just(ferroq.Circuit(2).h(0).cx(0, 1)), any_value)),
]

call_strategy = st.sampled_from(CALLS).flatmap(
    lambda spec: st.tuples(st.just(spec[0]), st.tuples(*spec[1]))
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(call_strategy, max_size=12))
def test_random_builder_calls_succeed_or_raise_ferroq_errors(calls: list[tuple[str, tuple[Any, ...]]]) -> None:
    c = ferroq.Circuit(N_QUBITS)
    for name, args in calls:
        before = len(c)
        try:
            out = getattr(c, name)(*args)
        except (ferroq.FerroqError, TypeError):
            # A refused call leaves the circuit as it was.
            assert len(c) == before
            continue
        # Anything else (PanicException is a BaseException) propagates and fails.
        assert isinstance(out, ferroq.Circuit)
    # Whatever was built is a valid circuit: it runs (parameters bound), and writes
    # OpenQASM that reads back to the same state, or says why not.
    sim = ferroq.Simulator("cpu", seed=5)
    params = {p: 0.3 for p in c.parameters}
    try:
        state = sim.statevector(c, params)
    except ferroq.FerroqError:
        return
    assert np.isclose(np.linalg.norm(state), 1.0)
    if any(i.name in ("measure", "reset") or i.condition is not None for i in c.instructions):
        return  # random outcomes: the round trip below compares states
    try:
        text = c.to_qasm(params=params)
    except ferroq.FerroqError:
        return
    again = sim.statevector(ferroq.Circuit.from_qasm(text))
    overlap = abs(np.vdot(state, again))
    assert np.isclose(overlap, 1.0, atol=1e-9), text


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("()+-*/ .0123456789eEpitahxy_")), max_size=60))
def test_random_parameter_text_parses_or_raises_parse_error(text: str) -> None:
    try:
        ferroq.Circuit(1).rx(text, 0)
    except ferroq.FerroqError:
        pass


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "OPENQASM 2.0;", 'include "qelib1.inc";', "qreg q[2];", "creg c[2];",
                "gate swap a,b { cx a,b; cx b,a; cx a,b; }", "opaque cswap a,b,c;",
                "h q[0];", "cx q[0],q[1];", "swap q[0],q[1];", "measure q -> c;",
                "if(c==1) x q[1];", "rx(pi/2) q;", "gate g(t) a { rz(t) a; }", "g(0.1) q[1];",
                "U(0,0,0) q[0];", "{", "}", ";", "(", "qreg r[100];", "creg d[1048577];",
            ]
        ),
        max_size=10,
    )
)
def test_random_qasm_statements_parse_or_raise_qasm_error(lines: list[str]) -> None:
    try:
        c = ferroq.Circuit.from_qasm("\n".join(lines))
    except ferroq.QasmError as e:
        assert e.line >= 1 and e.column >= 1  # type: ignore[attr-defined]
        return
    assert lines and lines[0] == "OPENQASM 2.0;"
    assert c.num_qubits in (0, 2, 102)
