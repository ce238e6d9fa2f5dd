"""Billing: monthly billing runs, payments and their allocation, statements, the coverage state kept on
each payer, and the public calculators. Public use cases: ``runs``, ``payments``, ``statements``,
``coverage``, ``calculators``."""
