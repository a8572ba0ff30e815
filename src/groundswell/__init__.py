"""Groundswell: grow, run and measure health and care social movements."""

__version__ = "0.1.0"
