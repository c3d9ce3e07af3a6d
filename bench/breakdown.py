"""Where a read's time goes, measured in every full run and written to docs/benchmarks.md: the
steps of a cold full-screen read of the largest dump (``bench.cold``, CPU ms per step) and of a
cached one (``bench.profile_cached``, CPU us per request). Process CPU time, so a busy machine
slows each step less than it slows wall-clock figures."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from . import cold, profile_cached
from .plan import plan
from .run import ROOT, breakdown


async def bench_breakdown(tmp: Path) -> None:
    import asyncio

    n = plan().breakdown_reads
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bench.acs_process", stdout=subprocess.PIPE, cwd=str(ROOT)
    )
    assert proc.stdout is not None
    acs_url = (await proc.stdout.readline()).decode().strip()
    try:
        steps = await cold.steps(acs_url, n)
        whole = await cold.cached(acs_url, n)
    finally:
        proc.terminate()
        await proc.wait()
    for name, ms in steps.items():
        breakdown("cold", name.strip(), ms, "ms", indent=name.startswith(" "))
    breakdown("cold", "the same read from the cache (every read's fixed cost)", whole, "ms")
    for name, us in (await profile_cached.figures(plan().breakdown_requests)).items():
        breakdown("cached", name, us, "us")
