"""Typer sub-applications of the ``jkn`` command, one module per area."""
