"""OLT simulators: Huawei (MA5600T/MA5608T/MA5800) and ZTE (C300/C320, C600/C650) CLIs behind
real SSH (asyncssh) and Telnet (telnetlib3) servers on loopback, for tests and the demo.
Behaviour follows the real captures in tests/fixtures/cli (sources in SOURCES.md there), with
each simulated ONU's own values; each vendor's module lists what it reproduces.

Layout: ``server`` (the simulated OLT, its SSH and Telnet servers), ``shell`` (what every
vendor's CLI shares: login, prompt loop, pager, faults), ``huawei`` (MA5600T/MA5608T/MA5800) and
``zte`` (C300/C320 and C600/C650), ``onus`` (the simulated ONUs).

Knobs: login and per-command latency; faults: ``drop`` (connection cut mid-output), ``stall``
(no answer), ``no_prompt`` (output that never returns to the prompt), ``endless_pager``.
"""

from ponapi.sim.olt.onus import SimOnu, SimWan, demo_onus
from ponapi.sim.olt.server import OltSim

__all__ = ["OltSim", "SimOnu", "SimWan", "demo_onus"]
