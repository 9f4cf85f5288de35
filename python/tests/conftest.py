"""Shared fixtures: every test that takes `sim` runs once per available backend and
precision (as `ferroq.backends()` lists them), against the numpy reference."""

from __future__ import annotations

import os
import signal
import sys

import numpy as np
import pytest

import ferroq

sys.path.insert(0, os.path.dirname(__file__))

import reference as ref  # noqa: E402


def backend_configs() -> list[tuple[str, str]]:
    return [(b.name, p) for b in ferroq.backends() for p in b.precisions]


CONFIGS = backend_configs()


@pytest.fixture(autouse=True)
def python_sigint_handler():
    """Python's own SIGINT handler for every test, as an interactive session has it: a
    process started in the background by a non-interactive shell inherits SIGINT ignored,
    and the Ctrl-C tests' `_thread.interrupt_main` would then do nothing."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, previous)


@pytest.fixture(params=CONFIGS, ids=[f"{b}-{p}" for b, p in CONFIGS])
def sim(request: pytest.FixtureRequest) -> ferroq.Simulator:
    backend, precision = request.param
    return ferroq.Simulator(backend=backend, precision=precision, seed=1234)


def tol(sim: ferroq.Simulator) -> float:
    return 2e-4 if sim.precision == "single" else 1e-9


class Both:
    """Builds a ferroq circuit and the matching reference ops side by side."""

    def __init__(self, n: int, num_clbits: int = 0) -> None:
        self.n = n
        self.circuit = ferroq.Circuit(n, num_clbits)
        self.ops: list[tuple] = []
        self.num_clbits = num_clbits

    def gate(self, name: str, *args: object, values: dict[str, float] | None = None) -> "Both":
        nparams, nctrl, ntarg, matrix = ref.GATES[name]
        params, qubits = list(args[:nparams]), [int(q) for q in args[nparams:]]  # type: ignore[call-overload]
        getattr(self.circuit, name)(*params, *qubits)
        bound = [values[p] if isinstance(p, str) else p for p in params]  # type: ignore[index]
        self.ops.append(("gate", matrix(*bound), qubits[nctrl:], qubits[:nctrl], None))  # type: ignore[operator]
        return self

    def unitary(self, u: np.ndarray, qubits: list[int]) -> "Both":
        self.circuit.unitary(u, qubits)
        self.ops.append(("gate", u, qubits, [], None))
        return self

    def measure(self, q: int, c: int) -> "Both":
        self.circuit.measure(q, c)
        self.num_clbits = max(self.num_clbits, c + 1)
        self.ops.append(("measure", q, c))
        return self

    def reset(self, q: int) -> "Both":
        self.circuit.reset(q)
        self.ops.append(("reset", q))
        return self

    def c_if(self, clbits: list[int], value: int) -> "Both":
        self.circuit.c_if(clbits, value)
        op = self.ops[-1]
        self.ops[-1] = (op[0], op[1], op[2], op[3], (clbits, value))
        return self

    def state(self) -> np.ndarray:
        return ref.final_state(self.n, self.ops)

    def branches(self) -> list[ref.Branch]:
        return ref.run_ops(self.n, self.num_clbits, self.ops)


def random_circuit(
    n: int, depth: int, seed: int, symbolic: bool = False
) -> tuple[Both, dict[str, float]]:
    """A seeded random circuit over every gate kind (and a few custom unitaries)."""
    rng = np.random.default_rng(seed)
    values: dict[str, float] = {}
    both = Both(n)
    names = [g for g, spec in ref.GATES.items() if spec[1] + spec[2] <= n]
    for k in range(depth):
        if n >= 2 and rng.random() < 0.05:
            qs = [int(q) for q in rng.choice(n, size=2, replace=False)]
            both.unitary(ref.random_unitary(rng, 2), qs)
            continue
        name = str(rng.choice(names))
        nparams, nctrl, ntarg, _ = ref.GATES[name]
        params: list[object] = []
        for j in range(nparams):
            v = float(rng.uniform(-np.pi, np.pi))
            if symbolic and rng.random() < 0.5:
                sym = f"theta{k}_{j}"
                values[sym] = v
                params.append(sym)
            else:
                params.append(v)
        qs = [int(q) for q in rng.choice(n, size=nctrl + ntarg, replace=False)]
        both.gate(name, *params, *qs, values=values)
    return both, values


def close(a: np.ndarray, b: np.ndarray, atol: float) -> bool:
    return bool(np.allclose(a, b, atol=atol, rtol=0))
