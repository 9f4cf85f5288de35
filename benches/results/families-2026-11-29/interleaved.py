# Interleaved min-of-5: ferroq, Lightning (single, double) and qsim on one family.
# Run from the repository root: python benches/results/families-2026-11-29/interleaved.py N FAMILY
import sys, time, os; sys.path.insert(0, 'python/benchmarks')
import peers, _peer_adapters as pa
n = int(sys.argv[1]); fam = sys.argv[2]
g = peers.circuit(fam, n, 10, 42)
sims = pa.ferroq_sims(2, ["single", "double"]) + pa.lightning_sims(2, ["single", "double"]) + pa.qsim_sims(2, ["single"])
objs = [(s, s.prepare(g, n)) for s in sims]
for s, o in objs: s.run(o)
best = {}
for _ in range(5):
    for s, o in objs:
        t = time.perf_counter(); s.run(o); dt = time.perf_counter() - t
        k = f"{s.name} {s.precision}"; best[k] = min(best.get(k, 1e9), dt)
print(fam, n, "load", os.getloadavg()[0], {k: f"{v*1e3:.0f} ms" for k, v in best.items()})
