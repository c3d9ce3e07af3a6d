"""OLT CLI: transports (SSH, Telnet), vendor dialects, a session pool, parsers, drivers."""
