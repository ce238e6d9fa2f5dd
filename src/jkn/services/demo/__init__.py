"""The demo world: a reproducible synthetic population and the demo portal log-ins."""
