"""Thiqa (ثقة): a platform for cyber confidence-building and cooperation."""

__version__ = "0.1.0"
