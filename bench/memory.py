"""Benchmark 5: resident memory with many mapped ONUs in the in-memory cache (a separate
process, so nothing else the run loaded is counted)."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from pathlib import Path

from bench.plan import plan

# --- 5. memory with 10,000 ONUs cached -----------------------------------------------------

MEMORY_SCRIPT = r"""
import asyncio, json, sys
from datetime import UTC, datetime
from ponapi.cache import MemoryCache
from ponapi.config import Settings
from ponapi.serials import Serial
from ponapi.sim.genieacs import bundled_documents
from ponapi.stats.render import payload
from ponapi.stats.service import StatsService
from ponapi.tr069.mapper import map_device

def rss_mb():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4096 / 2**20

async def main(n):
    settings = Settings(_env_file=None, secret_key="x" * 40, data_dir="/tmp")
    service = StatsService(settings, MemoryCache(max_entries=n + 10), None)
    docs = bundled_documents()
    now = datetime.now(UTC)
    payloads = [payload("genieacs", now, m.device, m.sections)
                for m in (map_device(d, now=now, tz=settings.tz) for d in docs)]
    del docs
    base = rss_mb()
    for i in range(n):
        key = service.cache_key(1, Serial("HWTC", f"{i:08X}"))
        await service.store.set(key, payloads[i % len(payloads)])
    print(json.dumps({"base": base, "full": rss_mb()}))

asyncio.run(main(int(sys.argv[1])))
"""


async def bench_memory(tmp: Path) -> None:
    from bench.run import ROOT, record

    out = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-c", MEMORY_SCRIPT, str(plan().memory_onus)],
        capture_output=True,
        text=True,
        check=True,
        cwd=str(ROOT),
    )
    m = json.loads(out.stdout)
    record(
        f"5. memory with {plan().memory_onus:,} ONUs cached (in-memory cache)",
        f"{m['full']:.0f} MB resident ({m['full'] - m['base']:.0f} MB for the cache over "
        f"{m['base']:.0f} MB without it)",
        "< 200 MB",
        m["full"] < 200,
        key="memory",
        value=m["full"],
    )
