"""Adjoint gradients from Python: shapes, parameter order, and values against central
finite differences of `expectation` on the CPU in double precision."""

from __future__ import annotations

import numpy as np
import pytest

import ferroq

STEP = 1e-5


def ansatz() -> ferroq.Circuit:
    c = ferroq.Circuit(3)
    c.h(0).ry("b", 0).cx(0, 1).rz("2*a + 0.1", 1).crx("a", 1, 2)
    c.u("a", "c", 0.3, 2).rzz("b", 0, 2).cp("c - a", 2, 0)
    return c


def finite_differences(
    sim: ferroq.Simulator, c: ferroq.Circuit, obs: list[str], params: dict[str, float]
) -> np.ndarray:
    jac = np.zeros((len(obs), len(c.parameters)))
    for j, name in enumerate(c.parameters):
        plus, minus = dict(params), dict(params)
        plus[name] += STEP
        minus[name] -= STEP
        for k, o in enumerate(obs):
            jac[k, j] = (sim.expectation(c, o, plus) - sim.expectation(c, o, minus)) / (2 * STEP)
    return jac


def test_gradient_matches_finite_differences() -> None:
    sim = ferroq.Simulator("cpu")
    c = ansatz()
    obs = ["ZZI", "0.5*XIY - IZZ"]
    params = {"a": 0.3, "b": -1.1, "c": 2.0}
    values, jac = sim.gradient(c, obs, params)
    assert values.shape == (2,) and jac.shape == (2, 3)
    assert c.parameters == ["a", "b", "c"]
    want = [sim.expectation(c, o, params) for o in obs]
    np.testing.assert_allclose(values, want, atol=1e-12)
    np.testing.assert_allclose(jac, finite_differences(sim, c, obs, params), atol=1e-7)


def test_single_observable_and_vjp() -> None:
    sim = ferroq.Simulator("cpu")
    c = ansatz()
    params = {"a": 0.7, "b": 0.2, "c": -0.4}
    values, jac = sim.gradient(c, "ZZI", params)
    assert values.shape == (1,) and jac.shape == (1, 3)
    obs = [ferroq.Observable("ZZI"), "XXX"]
    w = np.array([0.5, -2.0])
    v_values, vjp = sim.vjp(c, obs, w, params)
    _, full = sim.gradient(c, obs, params)
    assert vjp.shape == (3,)
    np.testing.assert_allclose(vjp, w @ full, atol=1e-12)
    np.testing.assert_allclose(v_values[0], values[0], atol=1e-12)


def test_gradient_batch_equals_single_calls() -> None:
    sim = ferroq.Simulator("cpu")
    c = ansatz()
    rng = np.random.default_rng(5)
    table = {name: rng.uniform(-3, 3, size=4) for name in ["c", "a", "b"]}
    values, jac = sim.gradient_batch(c, ["ZZI", "XIX"], table)
    assert values.shape == (4, 2) and jac.shape == (4, 2, 3)
    for i in range(4):
        row = {name: float(v[i]) for name, v in table.items()}
        v, j = sim.gradient(c, ["ZZI", "XIX"], row)
        np.testing.assert_allclose(values[i], v, atol=1e-12)
        np.testing.assert_allclose(jac[i], j, atol=1e-12)


def test_gradient_errors() -> None:
    sim = ferroq.Simulator("cpu")
    c = ferroq.Circuit(1, 1)
    c.ry("t", 0).measure(0, 0)
    with pytest.raises(ferroq.InvalidArgumentError, match="measurement"):
        sim.gradient(c, "Z", {"t": 0.1})
    c = ferroq.Circuit(1)
    c.ry("t", 0)
    with pytest.raises(ferroq.ParameterError, match="no value"):
        sim.gradient(c, "Z", {})
    with pytest.raises(ferroq.InvalidArgumentError):
        sim.vjp(c, ["Z"], [1.0, 2.0], {"t": 0.1})
