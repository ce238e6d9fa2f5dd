"""Membership: registration, families, employers, collective import, data changes, documents, cards,
history. Public use cases: ``registration``, ``data_changes``, ``employers``, ``collective_import``,
``documents``, ``cards``, ``history``; ``common`` and ``schemas`` are shared by them and by callers."""
