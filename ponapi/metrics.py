"""Prometheus metrics (prometheus-client), served at ``GET /metrics``.

Names are part of the interface (dashboards and alerts depend on them):
``ponapi_upstream_requests_total{source="genieacs"|"olt-cli"}`` counts each request sent to an ACS
and each command sent to an OLT; ``ponapi_olt_logins_total{olt}`` each OLT login attempt.

With several worker processes (``ponapi serve --workers N``), each worker would otherwise count
only what it served, and consecutive scrapes would alternate between workers' numbers.
``ponapi serve`` then sets ``PROMETHEUS_MULTIPROC_DIR`` (prometheus-client's multiprocess mode):
every worker writes its values to files there and any worker's ``/metrics`` (``REGISTRY``)
reads and sums them all.
"""

from __future__ import annotations

import os

from prometheus_client import CollectorRegistry, Counter, Histogram, multiprocess

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"

# What /metrics serves.
REGISTRY = CollectorRegistry(auto_describe=True)
# Where the metrics below live: REGISTRY itself, or in multiprocess mode a registry nobody
# scrapes (the values are in the shared files, which REGISTRY's collector aggregates).
_OWN = REGISTRY
if os.environ.get(MULTIPROC_ENV):
    os.makedirs(os.environ[MULTIPROC_ENV], exist_ok=True)
    _OWN = CollectorRegistry()
    multiprocess.MultiProcessCollector(REGISTRY)  # type: ignore[no-untyped-call]

REQUEST_SECONDS = Histogram(
    "ponapi_http_request_duration_seconds",
    "HTTP request latency by route template, method and status.",
    ["route", "method", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
    registry=_OWN,
)
UPSTREAM_REQUESTS = Counter(
    "ponapi_upstream_requests",
    "Requests sent to an ACS and commands sent to an OLT.",
    ["source"],
    registry=_OWN,
)
OLT_LOGINS = Counter("ponapi_olt_logins", "Login attempts to an OLT's CLI.", ["olt"], registry=_OWN)
STATS_CACHE = Counter(
    "ponapi_stats_cache",
    "Stats reads by cache outcome: hit, miss, stale (served after an upstream failure).",
    ["result"],
    registry=_OWN,
)
SINGLE_FLIGHT_JOINS = Counter(
    "ponapi_single_flight_joins",
    "Stats requests that joined an upstream read already in flight for the same ONU.",
    registry=_OWN,
)
