"""ponapi's CPE simulator: CWMP clients that replay real dumps against any ACS.

``model`` (data model from a dump), ``soap`` (envelope codec), ``rpc`` (the ACS's RPCs),
``connreq`` (connection requests with digest auth), ``diagnostics`` (state machines),
``cpe`` (sessions and events of one CPE), ``runner`` (many CPEs in one process).
"""
