"""jkn: Indonesia\x27s national health insurance (JKN) as BPJS Kesehatan\x27s documents describe it."""
__version__ = "0.1.0"
