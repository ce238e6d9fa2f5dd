"""The one compiled part: LZ-string compression (jkn.bridging.core._lzstring); the rest is in pyproject.toml.
``optional=True``: without a C compiler the package installs and jkn.bridging.core.lzfast compresses."""

from setuptools import Extension, setup

setup(ext_modules=[Extension("jkn.bridging.core._lzstring", ["src/jkn/bridging/core/_lzstring.c"], optional=True)])
