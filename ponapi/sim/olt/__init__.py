"""OLT simulators: a Huawei MA5800 and a ZTE C320/C600 behind real SSH (asyncssh) and Telnet
(telnetlib3) servers on loopback, for tests and the demo.

Behaviour follows the real captures in tests/fixtures/cli (sources in SOURCES.md there):
Huawei ``>>User name:`` login, ``enable``, ``undo smart`` (else the ``{ <cr>||<K> }:`` hint waits
for Enter and the output is preceded by a ``Command:`` echo block), ``scroll`` (else the
``---- More ( Press 'Q' to break ) ----`` pager with its erase escapes), alarm blocks printed
mid-output until ``infoswitch cli OFF``, ``quit``, ``Failure:`` and ``% Unknown command`` errors,
``Reenter times have reached the upper limit.``; ZTE ``Username:``/``Password:``,
``terminal length 0`` (else `` --More--``), ``%Code 32310`` empty results, ``%Error`` lines,
``gpon-onu_`` (C300/C320) versus ``gpon_onu-`` (C600) names. Outputs are laid out like the
captures, with each simulated ONU's own values.

Layout: ``server`` (the simulated OLT, its SSH and Telnet servers), ``shell`` (what every
vendor's CLI shares: login, prompt loop, pager, faults), ``huawei`` (MA5600T/MA5608T/MA5800) and
``zte`` (C300/C320 and C600/C650), ``onus`` (the simulated ONUs).

Knobs: login and per-command latency; faults: ``drop`` (connection cut mid-output), ``stall``
(no answer), ``no_prompt`` (output that never returns to the prompt), ``endless_pager``.
"""

from ponapi.sim.olt.onus import SimOnu, SimWan, demo_onus
from ponapi.sim.olt.server import OltSim

__all__ = ["OltSim", "SimOnu", "SimWan", "demo_onus"]
