"""The version of flowgraph."""

__version__ = "0.1.0"
