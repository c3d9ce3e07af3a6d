"""ACS clients (GenieACS NBI)."""
