"""The mobile app's own wire format (snake_case, per-section availability flags): pure
renderers of the answers ponapi already computes. See docs/contract/app-wire.md."""
