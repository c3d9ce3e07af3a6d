"""ponapi: see inside the fibre network (OLTs, ONUs, TR-069 statistics)."""

__version__ = "0.1.0"
