"""The MPI backend from Python: every rank runs this script and must get the same
results as a single-process CPU simulator (state vector, expectation values and
same-seed samples). Needs the package built with the `mpi` feature:

    MATURIN_PEP517_ARGS="--features mpi" pip install ./python
    mpirun -np 4 python python/examples/mpi_check.py        # as root: --allow-run-as-root

Exits non-zero on a mismatch; rank 0 prints a summary.
"""

from __future__ import annotations

import os
import sys

import numpy as np

import ferroq


def main() -> int:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 12
    mpi = ferroq.Simulator("mpi", threads=1, seed=7)
    cpu = ferroq.Simulator("cpu", threads=1, seed=7)
    c = ferroq.Circuit(n)
    for q in range(n):
        c.h(q).ry(0.1 * (q + 1), q)
    for q in reversed(range(n)):
        c.cx(q, (q + 1) % n).rx(0.3, q)
    obs = "X" * n
    sv_mpi, sv_cpu = mpi.statevector(c), cpu.statevector(c)
    e_mpi, e_cpu = mpi.expectation(c, obs), cpu.expectation(c, obs)
    s_mpi, s_cpu = mpi.sample(c, shots=1000), cpu.sample(c, shots=1000)
    ok = np.allclose(sv_mpi, sv_cpu, atol=1e-10) and abs(e_mpi - e_cpu) < 1e-10
    ok = ok and s_mpi == s_cpu
    rank = os.environ.get("OMPI_COMM_WORLD_RANK", os.environ.get("PMI_RANK", "0"))
    if rank == "0" or not ok:
        print(
            f"rank {rank}: n={n} backend={mpi.backend} state vector, <{obs[:4]}..> = "
            f"{e_mpi:.6f} and 1000 same-seed shots {'match' if ok else 'DIFFER FROM'} the CPU"
        )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
