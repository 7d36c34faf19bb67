"""Syncpoint: coordination platform for organisations where many ML teams ship together."""

__version__ = "0.1.0"
