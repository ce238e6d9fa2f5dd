"""Policy analysis over the registry: contributions under several rule sets (issue #12)."""
