"""How long each benchmark runs: the full plan (``make bench``) or the smoke plan (``make
bench-smoke``: seconds per benchmark, figures printed, no target judged, nothing written)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Plan:
    smoke: bool = False
    rounds: int = 5  # 1: rounds of the bare, cached and floor endpoints back to back
    round_seconds: int = 4  # 1 and 7: wrk duration of each endpoint in a round
    warm_seconds: int = 2  # 1: wrk warm-up of every worker
    paced_seconds: int = 8  # 1: the paced latency run
    cold_reads: int = 150  # 2: cold reads per variant (a multiple of the 3 devices)
    flight: int = 200  # 3: concurrent cold requests for one ONU
    cli_login: float = 2.0  # 4: the simulated OLT's login time, seconds
    cli_command: float = 0.3  # 4: the simulated OLT's time per command, seconds
    memory_onus: int = 10_000  # 5: ONUs in the in-memory cache
    action_runs: int = 40  # 6: actions of each kind
    demo_rounds: int = 3  # 7: rounds of /healthz and the cached read on the demo
    breakdown_reads: int = 60  # where the time goes: timings of each step of a cold read
    breakdown_requests: int = 1000  # where the time goes: timings of each cached step


FULL = Plan()
SMOKE = Plan(
    smoke=True,
    rounds=1,
    round_seconds=1,
    warm_seconds=1,
    paced_seconds=2,
    cold_reads=15,
    flight=50,
    cli_login=0.05,
    cli_command=0.01,
    memory_onus=500,
    action_runs=5,
    demo_rounds=1,
    breakdown_reads=5,
    breakdown_requests=50,
)

_active = [FULL]


def plan() -> Plan:
    """The plan of this run."""
    return _active[0]


def use(chosen: Plan) -> None:
    _active[0] = chosen
