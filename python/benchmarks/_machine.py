"""The machine a benchmark ran on, printed with every result: CPU model and the vector
extensions ferroq's kernels choose between (shared by the benchmark scripts)."""

from __future__ import annotations

import platform

_FLAGS = ("avx2", "fma", "avx512f", "avx512bw", "avx512vl", "avx512_fp16")


def _cpuinfo() -> list[str]:
    try:
        with open("/proc/cpuinfo") as f:
            return f.readlines()
    except OSError:
        return []


def cpu_model() -> str:
    """``model name`` from /proc/cpuinfo, else the platform's processor string."""
    for line in _cpuinfo():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def vector_extensions() -> list[str]:
    """The x86 vector extensions this CPU reports, of those that matter to ferroq."""
    for line in _cpuinfo():
        if line.startswith("flags"):
            have = set(line.split(":", 1)[1].split())
            return [f for f in _FLAGS if f in have]
    return []
