"""Prometheus metrics (prometheus-client), served at ``GET /metrics``.

Names are part of the interface (dashboards and alerts depend on them):
``ponapi_upstream_requests_total{source="genieacs"|"olt-cli"}`` counts each request sent to an ACS
and each command sent to an OLT; ``ponapi_olt_logins_total{olt}`` each OLT login attempt.
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Histogram

REGISTRY = CollectorRegistry(auto_describe=True)

REQUEST_SECONDS = Histogram(
    "ponapi_http_request_duration_seconds",
    "HTTP request latency by route template, method and status.",
    ["route", "method", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
    registry=REGISTRY,
)
UPSTREAM_REQUESTS = Counter(
    "ponapi_upstream_requests",
    "Requests sent to an ACS and commands sent to an OLT.",
    ["source"],
    registry=REGISTRY,
)
OLT_LOGINS = Counter(
    "ponapi_olt_logins", "Login attempts to an OLT's CLI.", ["olt"], registry=REGISTRY
)
STATS_CACHE = Counter(
    "ponapi_stats_cache",
    "Stats reads by cache outcome: hit, miss, stale (served after an upstream failure).",
    ["result"],
    registry=REGISTRY,
)
SINGLE_FLIGHT_JOINS = Counter(
    "ponapi_single_flight_joins",
    "Stats requests that joined an upstream read already in flight for the same ONU.",
    registry=REGISTRY,
)
