"""Shots for many parameter sets at once, shared by ``ferroq.qiskit`` and ``ferroq.cirq``.

Terminal measurements are sampled from final states: one ``Simulator.run`` when there
is one parameter set (sampled in Rust), else one ``Simulator.run_batch`` per chunk of
sets returning probabilities (GIL released), sampled here by inverse CDF. Circuits whose
measurements feed later operations are re-run once per shot by ``Simulator.sample``,
one call per parameter set.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np

import ferroq

# Probability rows of at most this many bytes go through `run_batch`; wider states are
# run one set at a time and sampled in Rust.
_BATCH_ROW_BYTES = 1 << 23
_BATCH_CHUNK_BYTES = 1 << 27
_MAX_CHUNK_ROWS = 4096


def rows_of(params: Mapping[str, np.ndarray], i: int) -> dict[str, float]:
    return {k: float(v[i]) for k, v in params.items()}


def _inverse_cdf(probs: np.ndarray, shots: int, rng: np.random.Generator) -> np.ndarray:
    """Draws ``shots`` indices from every row of ``probs`` (rows, 2**n) at once."""
    rows, width = probs.shape
    cdf = np.cumsum(probs, axis=1)
    total = cdf[:, -1:].copy()
    total[total <= 0] = 1.0
    cdf /= total
    offsets = np.arange(rows, dtype=np.float64)[:, None]
    u = rng.random((rows, shots)) + offsets
    flat = np.searchsorted((cdf + offsets).ravel(), u.ravel(), side="right")
    idx = flat.reshape(rows, shots) - (np.arange(rows) * width)[:, None]
    np.clip(idx, 0, width - 1, out=idx)
    return idx.astype(np.uint64)


def sample_final_states(
    sim: ferroq.Simulator,
    circuit: ferroq.Circuit,
    params: Mapping[str, np.ndarray],
    rows: int,
    shots: int,
    rng: np.random.Generator,
) -> np.ndarray:
    """Basis-state indices of ``shots`` draws from the final state of ``circuit`` (no
    measurements in it) for each of the ``rows`` parameter sets: uint64 (rows, shots)."""
    n = circuit.num_qubits
    if rows == 0 or shots == 0:
        return np.zeros((rows, shots), dtype=np.uint64)
    if not params:
        # Every row is the same state: one run, rows * shots draws.
        res = sim.run(circuit)
        seed = int(rng.integers(1 << 63))
        return res.sample_indices(rows * shots, seed=seed).reshape(rows, shots)
    row_bytes = 8 << n
    if rows == 1 or row_bytes > _BATCH_ROW_BYTES:
        out = np.empty((rows, shots), dtype=np.uint64)
        for i in range(rows):
            res = sim.run(circuit, rows_of(params, i))
            out[i] = res.sample_indices(shots, seed=int(rng.integers(1 << 63)))
        return out
    chunk = max(1, min(_MAX_CHUNK_ROWS, _BATCH_CHUNK_BYTES // row_bytes))
    parts = []
    for start in range(0, rows, chunk):
        sl = {k: v[start : start + chunk] for k, v in params.items()}
        probs = sim.run_batch(circuit, sl, readout="probabilities")
        parts.append(_inverse_cdf(probs, shots, rng))
    return np.concatenate(parts, axis=0)


def sample_with_measurements(
    make_sim: Callable[[int], ferroq.Simulator],
    circuit: ferroq.Circuit,
    params: Mapping[str, np.ndarray],
    rows: int,
    shots: int,
    rng: np.random.Generator,
) -> np.ndarray:
    """Classical registers (clbit 0 = bit 0) of ``shots`` runs of ``circuit`` (which
    measures mid-circuit) for each parameter set: uint64 (rows, shots). Each set is one
    ``Simulator.sample`` call (shots in parallel in Rust); the order of shots within a
    set is a random permutation of the drawn outcomes."""
    out = np.empty((rows, shots), dtype=np.uint64)
    for i in range(rows):
        sim = make_sim(int(rng.integers(1 << 63)))
        counts = sim.sample(circuit, shots, rows_of(params, i) if params else None)
        values = np.fromiter((int(k, 2) for k in counts), dtype=np.uint64, count=len(counts))
        reps = np.fromiter(counts.values(), dtype=np.int64, count=len(counts))
        out[i] = rng.permutation(np.repeat(values, reps))
    return out


def gather_bits(source: np.ndarray, positions: list[int | None]) -> np.ndarray:
    """Bits of ``source`` (uint64 array) at ``positions`` as a bool array with a new last
    axis (``None``: a bit that is never written, always 0)."""
    out = np.zeros(source.shape + (len(positions),), dtype=bool)
    one = np.uint64(1)
    for j, pos in enumerate(positions):
        if pos is not None:
            out[..., j] = (source >> np.uint64(pos)) & one
    return out


def gather_int(source: np.ndarray, positions: list[int | None]) -> np.ndarray:
    """The integer whose bit ``j`` is bit ``positions[j]`` of ``source`` (at most 64)."""
    out = np.zeros(source.shape, dtype=np.uint64)
    one = np.uint64(1)
    for j, pos in enumerate(positions):
        if pos is not None:
            out |= ((source >> np.uint64(pos)) & one) << np.uint64(j)
    return out
