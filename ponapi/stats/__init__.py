"""Stats: display formatting, section models, orchestration."""
