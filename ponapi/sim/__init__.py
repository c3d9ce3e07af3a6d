"""Simulators for what cannot run here: GenieACS's NBI and OLT CLIs. Used by tests and the demo."""
