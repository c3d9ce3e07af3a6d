"""Device actions (Wi-Fi and DHCP settings, diagnostics, reboot, resync, factory reset, disable
and enable): the framework-free domain half.

- ``models``: request bodies (snake_case or camelCase keys) and ``parse(model, body)``, which
  raises only ``errors.ActionValidationError(field, reason)``.
- ``validate``: the field rules (SSID, passphrase, channel per band and country, tx power,
  country, DHCP range, DNS, hosts, bounds).
- ``locate``: where a device keeps each thing, by the stats mapper's own choices.
- ``wifi`` / ``dhcp`` / ``diagnostics`` / ``device``: planners (request + device document ->
  ``tasks.Plan``: GenieACS task bodies, the writes, what to read back) and result readers.
- ``tasks``: task bodies, ``Plan``, the read-back comparison, applied-vs-queued, and the
  ``Nbi`` Protocol the service layer implements.
- ``olt``: OLT CLI command builders for disable / enable / reboot, their answer parsers, and
  the ``OltCli`` Protocol.

No network I/O happens here except through those two Protocols.
"""
