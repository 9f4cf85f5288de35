"""The 10,000-set sweep of ``small.py`` for the ferroq installed in this interpreter and
for Qulacs' Python loop, best of ``--repeats``: run it under two virtualenvs (two ferroq
versions) alternately to compare them in one session.

    python python/benchmarks/sweep_ab.py --label new --json new.json

A benchmark, not a test: it checks only that ferroq and Qulacs agree.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import peers  # noqa: E402
import small  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--qubits", type=int, default=10)
    ap.add_argument("--layers", type=int, default=4)
    ap.add_argument("--sets", type=int, default=10_000)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--label", default="ferroq")
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    n, layers = args.qubits, args.layers
    rng = np.random.default_rng(7)
    values = rng.uniform(0, 2 * np.pi, size=(args.sets, 2 * n * layers))
    best_f = best_q = float("inf")
    for _ in range(args.repeats):
        t_f, e_f = small.ferroq_sweep(n, layers, values, None)
        t_q, e_q = small.qulacs_sweep(n, layers, values[:2000])
        best_f = min(best_f, t_f / args.sets)
        best_q = min(best_q, t_q / 2000)
        assert np.allclose(e_f[:2000], e_q, atol=1e-9), "ferroq and Qulacs disagree"
    out = {
        "label": args.label,
        "machine": peers.machine(),
        "ferroq_us_per_set": best_f * 1e6,
        "qulacs_loop_us_per_set": best_q * 1e6,
        "qulacs_over_ferroq": best_q / best_f,
    }
    print(json.dumps(out))
    if args.json:
        args.json.write_text(json.dumps(out, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
