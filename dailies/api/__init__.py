"""The versions API: list, read, submit (an upload or a studio path) and review."""
