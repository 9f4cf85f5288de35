"""The GIL is released while Rust simulates; batches are interruptible with Ctrl-C."""

from __future__ import annotations

import _thread
import sys
import threading
import time

import numpy as np
import pytest

import ferroq

N = 18


def layered(n: int, layers: int) -> ferroq.Circuit:
    c = ferroq.Circuit(n)
    for layer in range(layers):
        for q in range(n):
            c.rx(0.1 * (q + 1) + layer, q)
        for q in range(layer % 2, n - 1, 2):
            c.cz(q, q + 1)
    return c


def circuit_of_about(seconds: float, sim: ferroq.Simulator) -> ferroq.Circuit:
    """Calibrates the layer count so one run takes roughly `seconds` (timing is only
    used to size the work, never asserted on)."""
    layers = 2
    while True:
        c = layered(N, layers)
        t0 = time.perf_counter()
        sim.run(c)
        dt = time.perf_counter() - t0
        if dt > seconds / 4 or layers > 4000:
            return layered(N, max(1, int(layers * seconds / max(dt, 1e-6))))
        layers *= 4


@pytest.fixture
def fast_switching():  # type: ignore[no-untyped-def]
    # A short switch interval bounds how far a thread holding the GIL could let the
    # loop run anyway, which makes the counts below unambiguous.
    old = sys.getswitchinterval()
    sys.setswitchinterval(0.0005)
    yield
    sys.setswitchinterval(old)


def test_python_thread_progresses_during_a_run(fast_switching) -> None:  # type: ignore[no-untyped-def]
    sim = ferroq.Simulator("cpu", threads=1)  # leave a core for the Python loop
    c = circuit_of_about(1.0, sim)
    running = threading.Event()
    done = threading.Event()
    result: list[object] = []

    def work() -> None:
        running.set()
        result.append(sim.run(c).probabilities())
        done.set()

    worker = threading.Thread(target=work)
    worker.start()
    running.wait()
    count = 0
    while not done.is_set():
        count += 1
    worker.join()
    # Holding the GIL for the whole run would allow at most a few switch intervals
    # of loop iterations (~10^4); released, the loop runs the whole second (~10^6+).
    assert count > 300_000, f"the Python loop only advanced {count} times during the run"
    p = result[0]
    assert isinstance(p, np.ndarray) and abs(p.sum() - 1) < 1e-9


def test_two_threads_simulate_concurrently_and_correctly() -> None:
    sim = ferroq.Simulator("cpu", threads=2)
    n = 14
    ghz = ferroq.Circuit(n).h(0)
    for q in range(1, n):
        ghz.cx(q - 1, q)
    qft = ferroq.Circuit(n).x(0)
    for t in reversed(range(n)):
        qft.h(t)
        for k in reversed(range(t)):
            qft.cp(np.pi / 2 ** (t - k), k, t)
    for q in range(n // 2):
        qft.swap(q, n - 1 - q)
    want_qft = np.exp(2j * np.pi * np.arange(2**n) / 2**n) / np.sqrt(2**n)
    errors: list[str] = []

    def run_ghz() -> None:
        for _ in range(20):
            p = sim.run(ghz).probabilities()
            if abs(p[0] - 0.5) > 1e-9 or abs(p[-1] - 0.5) > 1e-9:
                errors.append("ghz")

    def run_qft() -> None:
        for _ in range(20):
            if not np.allclose(sim.run(qft).statevector, want_qft, atol=1e-9):
                errors.append("qft")

    threads = [threading.Thread(target=run_ghz), threading.Thread(target=run_qft)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []


def test_circuit_can_be_extended_while_it_runs() -> None:
    sim = ferroq.Simulator("cpu", threads=1)
    c = layered(16, 20)
    stop = threading.Event()
    failures: list[BaseException] = []

    def runner() -> None:
        try:
            while not stop.is_set():
                sim.run(c)
        except BaseException as e:  # noqa: BLE001
            failures.append(e)

    t = threading.Thread(target=runner)
    t.start()
    for _ in range(2000):
        c.h(0)
    stop.set()
    t.join()
    assert failures == [] and len(c) == layered(16, 20).__len__() + 2000


def test_ctrl_c_interrupts_a_long_batch() -> None:
    sim = ferroq.Simulator("cpu", threads=1)
    c = layered(N, 2).rz("theta", 0)
    t0 = time.perf_counter()
    sim.run_batch(c, params={"theta": np.zeros(2)}, observables=["Z0"])
    per_item = (time.perf_counter() - t0) / 2
    items = max(50, int(20.0 / max(per_item, 1e-6)))  # ~20 s if not interrupted
    timer = threading.Timer(0.3, _thread.interrupt_main)
    timer.start()
    t0 = time.perf_counter()
    with pytest.raises(KeyboardInterrupt):
        sim.run_batch(c, params={"theta": np.linspace(0, 1, items)}, observables=["Z0"])
    elapsed = time.perf_counter() - t0
    timer.cancel()
    assert elapsed < 10.0, f"the interrupt took {elapsed:.1f} s to be honoured"
    # the simulator is still usable afterwards
    assert sim.run_batch(c, params={"theta": [0.0]}, observables=["Z0"]).shape == (1, 1)
